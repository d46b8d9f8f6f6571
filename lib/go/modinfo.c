/* The module info text of a Go binary, read and written as Go 1.19's
 * runtime/debug does it (ParseBuildInfo and BuildInfo.String).
 *
 * Reading, line by line (a line ends with "\n"; a last piece without one is
 * ignored, and so is every line with none of the prefixes below):
 *   "path\t"  the rest of the line is the main package path;
 *   "mod\t"   the main module, "dep\t" a dependency: 2 or 3 tab-separated
 *             columns (path, version, sum); a "mod" line replaces an earlier
 *             one whole, replacement included;
 *   "=>\t"    exactly 3 columns: the replacement of the module of the last
 *             "mod"/"dep" line not yet replaced (lines in between that are
 *             not module lines do not count);
 *   "build\t" key=value.  A key starting with " or ` is a Go string literal
 *             that must be followed by '='; otherwise the key runs to the
 *             first '=' and must not need quoting.  A value starting with
 *             " or ` must be exactly one literal; otherwise it is taken as
 *             it is and must not need quoting.
 * Errors carry Go's own text, "could not parse Go build info: line N: …",
 * with keys and values in %q form (strconv.Quote) and a stray character
 * after a quoted key as a quoted rune (%q of a byte: 'x', '\x01', 'é').
 *
 * Writing: "path\t…" when there is a path; "mod\t…" unless the main module
 * is all empty; "dep\t…" per dependency; a replaced module ends its line
 * after the version and is followed by "=>\tpath\tversion\tsum\n" and then
 * an empty line (Go writes the module's own newline after the
 * replacement's); "build\tkey=value" with the key and value quoted when Go
 * would require it.  `go version -m` prints this text (Go version left
 * out), one tab in front of each line.
 *
 * Memory: the text is copied once into the arena and the fields are cut out
 * of the copy in place; only quoted build keys and values get new strings. */
#include "go/go_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ELEMS (SR_ARENA_LIMIT / sizeof(struct sr_go_module))

struct owned_modinfo {
	struct sr_go_modinfo info;   /* first: sr_go_modinfo_free casts back */
	struct sr_arena *arena;
};

struct parser {
	struct sr_arena *a;
	struct sr_go_modinfo *m;
	size_t deps_cap, settings_cap;
	struct sr_go_module *last;   /* where "=>" goes, or NULL */
	bool last_is_dep;            /* last is the final dep (the array moves as it grows) */
	size_t line;
	char *errbuf;
	size_t errlen;
};

static bool has_any(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\0' && strchr(set, s[i]))
			return true;
	return false;
}

/* debug's quoteKey and quoteValue: must it be written as a literal? */
static bool key_needs_quote(const char *s, size_t n)
{
	return n == 0 || has_any(s, n, "= \t\r\n\"`");
}

static bool value_needs_quote(const char *s, size_t n)
{
	return has_any(s, n, " \t\r\n\"`");
}

/* Record Go's message for the current line: text, then (when q is not
 * NULL) q quoted, then tail. */
static enum sr_err parse_error(struct parser *p, const char *text, const char *q, size_t qlen,
                               const char *tail)
{
	if (!p->errbuf || p->errlen == 0)
		return SR_E_MALFORMED;
	struct sr_gobuf b = { 0 };
	char head[64];
	int hn = snprintf(head, sizeof head, "could not parse Go build info: line %zu: ", p->line);
	sr_gobuf_put(&b, head, hn > 0 ? (size_t)hn : 0);
	sr_gobuf_put(&b, text, strlen(text));
	if (q)
		sr_go_quote(&b, q, qlen);
	sr_gobuf_put(&b, tail, strlen(tail));
	if (b.failed || !b.data)
		snprintf(p->errbuf, p->errlen, "%s%s", head, text);
	else
		snprintf(p->errbuf, p->errlen, "%s", b.data);   /* quoted text holds no NUL */
	sr_gobuf_free(&b);
	return SR_E_MALFORMED;
}

/* Split a module line's columns (after the prefix) in place: the tabs and
 * the final newline become NULs.  Returns the number of columns; fills
 * col/col_len for up to 3 of them. */
static size_t split_columns(char *s, size_t n, char *col[3], size_t col_len[3])
{
	size_t count = 0, start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '\t')
			continue;
		if (count < 3) {
			col[count] = s + start;
			col_len[count] = i - start;
		}
		count++;
		start = i + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\t')
			s[i] = '\0';
	return count;   /* s[n] is the line's newline, already a NUL */
}

static void set_module(struct sr_go_module *mod, char *col[3], size_t col_len[3], size_t ncol)
{
	mod->path = col[0];
	mod->path_len = col_len[0];
	mod->version = col[1];
	mod->version_len = col_len[1];
	mod->sum = ncol == 3 ? col[2] : "";
	mod->sum_len = ncol == 3 ? col_len[2] : 0;
	mod->replace = NULL;
}

static enum sr_err module_line(struct parser *p, bool is_main, char *s, size_t n)
{
	char *col[3];
	size_t col_len[3];
	size_t ncol = split_columns(s, n, col, col_len);
	if (ncol != 2 && ncol != 3) {
		char msg[64];
		snprintf(msg, sizeof msg, "expected 2 or 3 columns; got %zu", ncol);
		return parse_error(p, msg, NULL, 0, "");
	}
	struct sr_go_modinfo *m = p->m;
	if (is_main) {
		set_module(&m->main, col, col_len, ncol);
		p->last = &m->main;
		p->last_is_dep = false;
		return SR_OK;
	}
	struct sr_go_module *deps = sr_arena_grow(p->a, m->deps, m->ndeps, &p->deps_cap, sizeof *deps, MAX_ELEMS);
	if (!deps)
		return SR_E_NOMEM;
	m->deps = deps;
	set_module(&deps[m->ndeps++], col, col_len, ncol);
	p->last = NULL;
	p->last_is_dep = true;
	return SR_OK;
}

static enum sr_err replace_line(struct parser *p, char *s, size_t n)
{
	char *col[3];
	size_t col_len[3];
	size_t ncol = split_columns(s, n, col, col_len);
	if (ncol != 3) {
		char msg[64];
		snprintf(msg, sizeof msg, "expected 3 columns for replacement; got %zu", ncol);
		return parse_error(p, msg, NULL, 0, "");
	}
	struct sr_go_module *target = p->last_is_dep ? &p->m->deps[p->m->ndeps - 1] : p->last;
	if (!target)
		return parse_error(p, "replacement with no module on previous line", NULL, 0, "");
	struct sr_go_module *rep = sr_arena_alloc(p->a, sizeof *rep);
	if (!rep)
		return SR_E_NOMEM;
	set_module(rep, col, col_len, 3);
	target->replace = rep;
	p->last = NULL;
	p->last_is_dep = false;
	return SR_OK;
}

static enum sr_err build_line(struct parser *p, char *kv, size_t n)
{
	struct sr_go_setting set = { 0 };
	char *raw;   /* the value as written */
	size_t raw_len;
	if (n == 0)
		return parse_error(p, "build line missing '='", NULL, 0, "");
	if (kv[0] == '=')
		return parse_error(p, "build line with missing key", NULL, 0, "");
	if (kv[0] == '"' || kv[0] == '`') {
		size_t klen = sr_go_quoted_prefix(kv, n);
		if (klen == 0)
			return parse_error(p, "invalid quoted key in build line", NULL, 0, "");
		if (klen == n)
			return parse_error(p, "build line missing '=' after quoted key", NULL, 0, "");
		if (kv[klen] != '=') {
			struct sr_gobuf c = { 0 };
			sr_go_quote_rune(&c, (unsigned char)kv[klen]);
			enum sr_err rc = c.failed ? SR_E_NOMEM
			                          : parse_error(p, "unexpected character after quoted key: ", NULL, 0, c.data);
			sr_gobuf_free(&c);
			return rc;
		}
		char *key;
		if (!sr_go_unquote(p->a, kv, klen, &key, &set.key_len))
			return SR_E_NOMEM;   /* the prefix is a valid literal: only memory can fail */
		set.key = key;
		raw = kv + klen + 1;
	} else {
		char *eq = memchr(kv, '=', n);
		if (!eq)
			return parse_error(p, "build line missing '=' after key", NULL, 0, "");
		size_t klen = (size_t)(eq - kv);
		if (key_needs_quote(kv, klen))
			return parse_error(p, "unquoted key ", kv, klen, " must be quoted");
		*eq = '\0';
		set.key = kv;
		set.key_len = klen;
		raw = eq + 1;
	}
	raw_len = n - (size_t)(raw - kv);
	if (raw_len > 0 && (raw[0] == '"' || raw[0] == '`')) {
		if (sr_go_quoted_prefix(raw, raw_len) != raw_len)
			return parse_error(p, "invalid quoted value in build line", NULL, 0, "");
		char *value;
		if (!sr_go_unquote(p->a, raw, raw_len, &value, &set.value_len))
			return SR_E_NOMEM;
		set.value = value;
	} else {
		if (value_needs_quote(raw, raw_len))
			return parse_error(p, "unquoted value ", raw, raw_len, " must be quoted");
		set.value = raw;   /* ends at the line's newline, now a NUL */
		set.value_len = raw_len;
	}
	struct sr_go_modinfo *m = p->m;
	struct sr_go_setting *s =
		sr_arena_grow(p->a, m->settings, m->nsettings, &p->settings_cap, sizeof *s, MAX_ELEMS);
	if (!s)
		return SR_E_NOMEM;
	m->settings = s;
	s[m->nsettings++] = set;
	return SR_OK;
}

static bool has_prefix(const char *s, size_t n, const char *prefix, size_t *plen)
{
	*plen = strlen(prefix);
	return n >= *plen && memcmp(s, prefix, *plen) == 0;
}

static enum sr_err parse(struct sr_arena *a, const char *text, size_t len, struct sr_go_modinfo *out,
                         char *errbuf, size_t errlen)
{
	memset(out, 0, sizeof *out);
	out->path = "";
	out->main.path = out->main.version = out->main.sum = "";
	if (errbuf && errlen)
		errbuf[0] = '\0';
	char *buf = sr_arena_strndup(a, text ? text : "", text ? len : 0);
	if (!buf)
		return SR_E_NOMEM;
	struct parser p = { .a = a, .m = out, .line = 1, .errbuf = errbuf, .errlen = errlen };
	size_t pos = 0;
	while (pos < len) {
		char *line = buf + pos;
		char *nl = memchr(line, '\n', len - pos);
		if (!nl)
			break;
		size_t n = (size_t)(nl - line), plen;
		*nl = '\0';
		pos += n + 1;
		enum sr_err rc = SR_OK;
		if (has_prefix(line, n, "path\t", &plen)) {
			out->path = line + plen;
			out->path_len = n - plen;
		} else if (has_prefix(line, n, "mod\t", &plen)) {
			rc = module_line(&p, true, line + plen, n - plen);
		} else if (has_prefix(line, n, "dep\t", &plen)) {
			rc = module_line(&p, false, line + plen, n - plen);
		} else if (has_prefix(line, n, "=>\t", &plen)) {
			rc = replace_line(&p, line + plen, n - plen);
		} else if (has_prefix(line, n, "build\t", &plen)) {
			rc = build_line(&p, line + plen, n - plen);
		}
		if (rc == SR_E_NOMEM && errbuf && errlen)
			snprintf(errbuf, errlen, "could not parse Go build info: line %zu: out of memory", p.line);
		if (rc != SR_OK)
			return rc;
		p.line++;
	}
	return SR_OK;
}

bool sr_go_modinfo_parse_in(struct sr_arena *a, const char *text, size_t len, struct sr_go_modinfo *out,
                            char *errbuf, size_t errlen)
{
	return parse(a, text, len, out, errbuf, errlen) == SR_OK;
}

enum sr_err sr_go_modinfo_parse(const char *text, size_t len, struct sr_go_modinfo **out, char *errbuf,
                                size_t errlen)
{
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!out || (!text && len))
		return SR_E_USAGE;
	*out = NULL;
	struct owned_modinfo *o = malloc(sizeof *o);
	if (!o)
		return SR_E_NOMEM;
	o->arena = sr_arena_new();
	if (!o->arena) {
		free(o);
		return SR_E_NOMEM;
	}
	enum sr_err rc = parse(o->arena, text, len, &o->info, errbuf, errlen);
	if (rc != SR_OK) {
		sr_go_modinfo_free(&o->info);
		return rc;
	}
	*out = &o->info;
	return SR_OK;
}

void sr_go_modinfo_free(struct sr_go_modinfo *m)
{
	if (!m)
		return;
	struct owned_modinfo *o = (struct owned_modinfo *)m;
	sr_arena_free(o->arena);
	free(o);
}

/* ---- writing ---- */

static size_t str_len(const char *s, size_t n)
{
	return !s ? 0 : n ? n : strlen(s);   /* NULL: nothing */
}

static void put_str(struct sr_gobuf *b, const char *s, size_t n)
{
	sr_gobuf_put(b, s, str_len(s, n));
}

/* Go's formatMod.  Parsed replacements are never replaced themselves; a
 * chain made by hand is followed a few steps only. */
static void put_module(struct sr_gobuf *b, const char *word, const struct sr_go_module *mod, int depth)
{
	sr_gobuf_put(b, word, strlen(word));
	sr_gobuf_putc(b, '\t');
	put_str(b, mod->path, mod->path_len);
	sr_gobuf_putc(b, '\t');
	put_str(b, mod->version, mod->version_len);
	if (!mod->replace || depth >= 8) {
		sr_gobuf_putc(b, '\t');
		put_str(b, mod->sum, mod->sum_len);
	} else {
		sr_gobuf_putc(b, '\n');
		put_module(b, "=>", mod->replace, depth + 1);
	}
	sr_gobuf_putc(b, '\n');
}

static void put_maybe_quoted(struct sr_gobuf *b, const char *s, size_t n, bool quote)
{
	if (quote)
		sr_go_quote(b, s, n);
	else
		sr_gobuf_put(b, s, n);
}

char *sr_go_modinfo_string(const struct sr_go_modinfo *m, size_t *len)
{
	struct sr_gobuf b = { 0 };
	if (len)
		*len = 0;
	if (!m)
		return NULL;
	if (str_len(m->path, m->path_len) > 0) {
		sr_gobuf_put(&b, "path\t", 5);
		put_str(&b, m->path, m->path_len);
		sr_gobuf_putc(&b, '\n');
	}
	const struct sr_go_module *mm = &m->main;
	if (str_len(mm->path, mm->path_len) || str_len(mm->version, mm->version_len) ||
	    str_len(mm->sum, mm->sum_len) || mm->replace)
		put_module(&b, "mod", mm, 0);
	for (size_t i = 0; i < m->ndeps; i++)
		put_module(&b, "dep", &m->deps[i], 0);
	for (size_t i = 0; i < m->nsettings; i++) {
		const struct sr_go_setting *s = &m->settings[i];
		sr_gobuf_put(&b, "build\t", 6);
		put_maybe_quoted(&b, s->key, s->key_len, key_needs_quote(s->key, s->key_len));
		sr_gobuf_putc(&b, '=');
		put_maybe_quoted(&b, s->value, s->value_len, value_needs_quote(s->value, s->value_len));
		sr_gobuf_putc(&b, '\n');
	}
	if (b.failed) {
		sr_gobuf_free(&b);
		return NULL;
	}
	if (!b.data) {
		b.data = malloc(1);   /* nothing to print: "" */
		if (!b.data)
			return NULL;
		b.data[0] = '\0';
	}
	if (len)
		*len = b.len;
	return b.data;
}

const struct sr_go_setting *sr_go_modinfo_setting(const struct sr_go_modinfo *m, const char *key)
{
	if (!m || !key)
		return NULL;
	size_t n = strlen(key);
	for (size_t i = 0; i < m->nsettings; i++)
		if (m->settings[i].key_len == n && memcmp(m->settings[i].key, key, n) == 0)
			return &m->settings[i];
	return NULL;
}
