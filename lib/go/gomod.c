/* shipready — go.mod and go.sum (shipready/gomod.h).
 *
 * go.mod's grammar is golang.org/x/mod/modfile's (read.go, rule.go): a
 * file is lines of tokens; a line whose last token is "(" (then the end of
 * the line) opens a block of lines, each a directive of the block's verb,
 * closed by ")" on a line of its own.  Tokens: "(", ")", "[", "]", "{",
 * "}", ",", strings in double quotes (Go escapes) or backquotes, and runs
 * of any other printable characters ("=>" is one).  "//" starts a comment
 * to the end of the line; a slash-star comment is refused.  Versions are made canonical as
 * the go command makes them (v1.2 -> v1.2.0, build metadata dropped but
 * +incompatible); the form of module paths is not checked. */
#include "shipready/gomod.h"
#include "shipready/semver.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "go/go_internal.h"
#include "util/arena.h"
#include "util/map.h"
#include "util/hex.h"

struct sr_gomod_priv {
	struct sr_arena *arena;
	struct sr_map index;   /* go.sum: "path version" -> its line */
};

enum { MAX_TOKENS = 64 };

enum tok_kind { T_EOF, T_NL, T_EOLCOMMENT, T_COMMENT, T_PUNCT, T_STRING, T_IDENT };

struct tok {
	enum tok_kind kind;
	const char *s;
	size_t n;
	unsigned line, col;
};

struct lexer {
	const char *p, *end;
	unsigned line;
	const char *line_start;
	bool line_has_tokens;       /* a token was read on this line: "//" is an end-of-line comment */
	char err[200];
	unsigned err_line, err_col;
	struct tok peeked;
	bool have_peeked;
};

static void lex_error(struct lexer *lx, unsigned line, unsigned col, const char *msg)
{
	if (lx->err[0])
		return;
	snprintf(lx->err, sizeof lx->err, "%s", msg);
	lx->err_line = line;
	lx->err_col = col;
}

static bool ident_byte(unsigned char c)
{
	if (c >= 0x80)
		return true;   /* UTF-8: printable non-ASCII runes are identifier runes */
	switch (c) {
	case ' ': case '(': case ')': case '[': case ']': case '{': case '}': case ',':
		return false;
	default:
		return c > 0x20 && c < 0x7f;
	}
}

static struct tok next_token(struct lexer *lx)
{
	for (;;) {
		while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r'))
			lx->p++;
		struct tok t = { T_EOF, lx->p, 0, lx->line, (unsigned)(lx->p - lx->line_start) + 1 };
		if (lx->p >= lx->end)
			return t;
		const char *p = lx->p;
		if (lx->end - p >= 2 && p[0] == '/' && p[1] == '/') {
			/* the comment runs to the end of the line, which it takes too */
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			t.n = (size_t)(lx->p - p);
			if (lx->p < lx->end) {
				lx->p++;
				lx->line++;
				lx->line_start = lx->p;
			}
			t.kind = lx->line_has_tokens ? T_EOLCOMMENT : T_COMMENT;
			lx->line_has_tokens = false;
			return t;
		}
		if (lx->end - p >= 2 && p[0] == '/' && p[1] == '*') {
			lex_error(lx, t.line, t.col, "mod files must use // comments (not /* */ comments)");
			t.kind = T_EOF;
			return t;
		}
		unsigned char c = (unsigned char)*p;
		if (c == '\n') {
			lx->p++;
			lx->line++;
			lx->line_start = lx->p;
			lx->line_has_tokens = false;
			t.kind = T_NL;
			t.n = 1;
			return t;
		}
		lx->line_has_tokens = true;
		if (strchr("()[]{},", c)) {
			lx->p++;
			t.kind = T_PUNCT;
			t.n = 1;
			return t;
		}
		if (c == '"' || c == '`') {
			lx->p++;
			for (;;) {
				if (lx->p >= lx->end) {
					lex_error(lx, t.line, t.col, "unexpected EOF in string");
					t.kind = T_EOF;
					return t;
				}
				if (*lx->p == '\n') {
					lex_error(lx, lx->line, (unsigned)(lx->p - lx->line_start) + 1, "unexpected newline in string");
					t.kind = T_EOF;
					return t;
				}
				char d = *lx->p++;
				if (d == (char)c)
					break;
				if (d == '\\' && c == '"') {
					if (lx->p >= lx->end) {
						lex_error(lx, t.line, t.col, "unexpected EOF in string");
						t.kind = T_EOF;
						return t;
					}
					if (*lx->p == '\n') {
						lex_error(lx, lx->line, (unsigned)(lx->p - lx->line_start) + 1,
						          "unexpected newline in string");
						t.kind = T_EOF;
						return t;
					}
					lx->p++;
				}
			}
			t.kind = T_STRING;
			t.n = (size_t)(lx->p - p);
			return t;
		}
		if (!ident_byte(c)) {
			char msg[64];
			snprintf(msg, sizeof msg, "unexpected input character %#x", c);
			lex_error(lx, t.line, t.col, msg);
			t.kind = T_EOF;
			return t;
		}
		while (lx->p < lx->end && ident_byte((unsigned char)*lx->p)) {
			if (lx->end - lx->p >= 2 && lx->p[0] == '/' && lx->p[1] == '/')
				break;
			if (lx->end - lx->p >= 2 && lx->p[0] == '/' && lx->p[1] == '*') {
				lex_error(lx, lx->line, (unsigned)(lx->p - lx->line_start) + 1,
				          "mod files must use // comments (not /* */ comments)");
				t.kind = T_EOF;
				return t;
			}
			lx->p++;
		}
		t.kind = T_IDENT;
		t.n = (size_t)(lx->p - p);
		return t;
	}
}

static struct tok lex(struct lexer *lx)
{
	if (lx->have_peeked) {
		lx->have_peeked = false;
		return lx->peeked;
	}
	return next_token(lx);
}

static const struct tok *peek(struct lexer *lx)
{
	if (!lx->have_peeked) {
		lx->peeked = next_token(lx);
		lx->have_peeked = true;
	}
	return &lx->peeked;
}

static bool is_eol(enum tok_kind k)
{
	return k == T_EOF || k == T_NL || k == T_EOLCOMMENT;
}

static bool is_punct(const struct tok *t, char c)
{
	return t->kind == T_PUNCT && t->s[0] == c;
}

/* ---------- versions ---------- */

/* ---------- strings ---------- */

static size_t put_utf8(char *o, uint32_t r)
{
	if (r < 0x80) {
		o[0] = (char)r;
		return 1;
	}
	if (r < 0x800) {
		o[0] = (char)(0xc0 | r >> 6);
		o[1] = (char)(0x80 | (r & 0x3f));
		return 2;
	}
	if (r < 0x10000) {
		o[0] = (char)(0xe0 | r >> 12);
		o[1] = (char)(0x80 | ((r >> 6) & 0x3f));
		o[2] = (char)(0x80 | (r & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | r >> 18);
	o[1] = (char)(0x80 | ((r >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((r >> 6) & 0x3f));
	o[3] = (char)(0x80 | (r & 0x3f));
	return 4;
}

static bool valid_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (!len || i + len > n)
			return false;
		uint32_t r = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
		for (size_t k = 1; k < len; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return false;
			r = r << 6 | (u[i + k] & 0x3f);
		}
		if ((len == 2 && r < 0x80) || (len == 3 && r < 0x800) || (len == 4 && (r < 0x10000 || r > 0x10ffff)) ||
		    (r >= 0xd800 && r <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* A double-quoted Go string literal's value (strconv.Unquote), or NULL. */
static char *unquote(struct sr_arena *a, const char *s, size_t n)
{
	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return NULL;
	char *out = sr_arena_alloc(a, n * 2 + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 1; i < n - 1;) {
		char c = s[i];
		if (c == '"' || c == '\n')
			return NULL;
		if (c != '\\') {
			*o++ = c;
			i++;
			continue;
		}
		if (++i >= n - 1)
			return NULL;
		char e = s[i++];
		uint32_t r;
		switch (e) {
		case 'a': *o++ = '\a'; continue;
		case 'b': *o++ = '\b'; continue;
		case 'f': *o++ = '\f'; continue;
		case 'n': *o++ = '\n'; continue;
		case 'r': *o++ = '\r'; continue;
		case 't': *o++ = '\t'; continue;
		case 'v': *o++ = '\v'; continue;
		case '\\': *o++ = '\\'; continue;
		case '"': *o++ = '"'; continue;
		case 'x':
		case 'u':
		case 'U': {
			size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
			if (i + digits > n - 1)
				return NULL;
			r = 0;
			for (size_t k = 0; k < digits; k++) {
				int h = sr_hex_digit(s[i + k]);
				if (h < 0)
					return NULL;
				r = r << 4 | (uint32_t)h;
			}
			i += digits;
			if (e == 'x') {
				*o++ = (char)r;
				continue;
			}
			if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
				return NULL;
			o += put_utf8(o, r);
			continue;
		}
		default:
			if (e >= '0' && e <= '7') {
				if (i + 2 > n - 1)
					return NULL;
				r = (uint32_t)(e - '0');
				for (size_t k = 0; k < 2; k++) {
					if (s[i + k] < '0' || s[i + k] > '7')
						return NULL;
					r = r << 3 | (uint32_t)(s[i + k] - '0');
				}
				if (r > 255)
					return NULL;
				i += 2;
				*o++ = (char)r;
				continue;
			}
			return NULL;
		}
	}
	*o = '\0';
	/* a NUL byte would cut the C string: no module path or version has one */
	if (memchr(out, '\0', (size_t)(o - out)))
		return NULL;
	/* without escapes, Go also wants valid UTF-8 */
	if (!memchr(s, '\\', n) && !valid_utf8(out, (size_t)(o - out)))
		return NULL;
	return out;
}

/* ---------- the parser ---------- */

struct line {
	struct tok t[MAX_TOKENS];
	size_t n;
	bool indirect;          /* its end-of-line comment says "indirect" */
	unsigned no, col;
};

struct parser {
	struct lexer lx;
	struct sr_arena *a;
	struct sr_gomod *m;
	size_t cap_require, cap_exclude, cap_replace, cap_retract;
	bool have_module, have_go, have_toolchain;
	char err[240];
};

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static bool fail(struct parser *ps, unsigned line, unsigned col, const char *fmt, ...)
{
	if (!ps->err[0]) {
		char msg[200];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		snprintf(ps->err, sizeof ps->err, "%u:%u: %s", line, col, msg);
	}
	return false;
}

/* "// indirect" or "// indirect; …" (modfile's isIndirect) */
static bool says_indirect(const struct tok *c)
{
	const char *s = c->s + 2, *e = c->s + c->n;
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	const char *w = s;
	while (s < e && *s != ' ' && *s != '\t' && *s != '\r')
		s++;
	size_t wl = (size_t)(s - w);
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	bool more = s < e;
	return (!more && wl == 8 && memcmp(w, "indirect", 8) == 0) || (more && wl == 9 && memcmp(w, "indirect;", 9) == 0);
}

/* Read tokens to the end of the line into l (after its first token). */
static bool read_rest(struct parser *ps, struct line *l)
{
	for (;;) {
		struct tok t = lex(&ps->lx);
		if (ps->lx.err[0])
			return false;
		if (is_eol(t.kind)) {
			l->indirect = t.kind == T_EOLCOMMENT && says_indirect(&t);
			return true;
		}
		if (l->n == MAX_TOKENS)
			return fail(ps, l->no, l->col, "more than 64 tokens on a line");
		l->t[l->n++] = t;
	}
}

static bool text_is(const struct tok *t, const char *s)
{
	return strlen(s) == t->n && memcmp(t->s, s, t->n) == 0;
}

/* modfile's parseString: a quoted string's value, or the token itself
 * (which may not hold a quote). */
static const char *string_arg(struct parser *ps, const struct line *l, const struct tok *t)
{
	if (t->kind == T_STRING && t->s[0] == '"') {
		char *v = unquote(ps->a, t->s, t->n);
		if (!v)
			fail(ps, l->no, l->col, "invalid quoted string");
		return v;
	}
	if (memchr(t->s, '"', t->n) || memchr(t->s, '\'', t->n) || memchr(t->s, '`', t->n)) {
		fail(ps, l->no, l->col, "invalid quoted string: unquoted string cannot contain quote");
		return NULL;
	}
	char *v = sr_arena_strndup(ps->a, t->s, t->n);
	if (!v)
		fail(ps, l->no, l->col, "out of memory");
	return v;
}

static const char *version_arg(struct parser *ps, const struct line *l, const struct tok *t)
{
	const char *s = string_arg(ps, l, t);
	if (!s)
		return NULL;
	char canon[256];
	if (!sr_semver_canonical(s, canon, sizeof canon)) {
		fail(ps, l->no, l->col, "version \"%s\" invalid: must be of the form v1.2.3", s);
		return NULL;
	}
	return sr_arena_strdup(ps->a, canon);
}

static bool is_directory_path(const char *s)
{
	return !strncmp(s, "./", 2) || !strncmp(s, "../", 3) || s[0] == '/' || !strncmp(s, ".\\", 2) ||
	       !strncmp(s, "..\\", 3) || s[0] == '\\' ||
	       (s[0] && s[1] == ':' && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')));
}

/* Digits: [1-9][0-9]* (nonzero), or 0|[1-9][0-9]*; the end, or NULL. */
static const char *go_digits(const char *s, const char *e, bool nonzero)
{
	if (s == e || *s < '0' || *s > '9')
		return NULL;
	if (*s == '0')
		return nonzero ? NULL : s + 1;
	while (s < e && *s >= '0' && *s <= '9')
		s++;
	return s;
}

/* modfile's GoVersionRE (Go 1.21 and later): 1.21, 1.21.5, 1.21rc1 */
static bool go_version_ok(const struct tok *t)
{
	const char *s = t->s, *e = t->s + t->n;
	if (!(s = go_digits(s, e, true)) || s == e || *s != '.' || !(s = go_digits(s + 1, e, false)))
		return false;
	if (s < e && *s == '.' && !(s = go_digits(s + 1, e, false)))
		return false;
	if (s == e)
		return true;
	const char *l = s;
	while (s < e && *s >= 'a' && *s <= 'z')
		s++;
	const char *d = s;
	while (s < e && *s >= '0' && *s <= '9')
		s++;
	return s > l && d > l && s > d && s == e;
}

#define GROW(ps, arr, count, cap)                                                                             \
	((arr) = sr_arena_grow((ps)->a, (arr), (count), &(cap), sizeof *(arr), (size_t)1 << 20))

static bool directive(struct parser *ps, const char *verb, const struct line *l, size_t first)
{
	const struct tok *args = l->t + first;
	size_t n = l->n - first;
	struct sr_gomod *m = ps->m;
	if (!strcmp(verb, "module")) {
		if (ps->have_module)
			return fail(ps, l->no, l->col, "repeated module statement");
		ps->have_module = true;
		if (n != 1)
			return fail(ps, l->no, l->col, "usage: module module/path");
		return (m->module = string_arg(ps, l, &args[0])) != NULL;
	}
	if (!strcmp(verb, "go")) {
		if (ps->have_go)
			return fail(ps, l->no, l->col, "repeated go statement");
		ps->have_go = true;
		if (n != 1)
			return fail(ps, l->no, l->col, "go directive expects exactly one argument");
		char v[64];
		snprintf(v, sizeof v, "%.*s", (int)(args[0].n < 60 ? args[0].n : 60), args[0].s);
		if (!go_version_ok(&args[0]))
			return fail(ps, l->no, l->col, "invalid go version '%s': must match format 1.23", v);
		return (m->go = sr_arena_strndup(ps->a, args[0].s, args[0].n)) != NULL;
	}
	if (!strcmp(verb, "toolchain")) {
		if (ps->have_toolchain)
			return fail(ps, l->no, l->col, "repeated toolchain statement");
		ps->have_toolchain = true;
		if (n != 1)
			return fail(ps, l->no, l->col, "toolchain directive expects exactly one argument");
		if (!text_is(&args[0], "default") && !(args[0].n >= 3 && !memcmp(args[0].s, "go1", 3) &&
		                                       (args[0].n == 3 || args[0].s[3] == '.')))
			return fail(ps, l->no, l->col, "invalid toolchain version: must match format go1.23.0 or default");
		return (m->toolchain = sr_arena_strndup(ps->a, args[0].s, args[0].n)) != NULL;
	}
	if (!strcmp(verb, "require") || !strcmp(verb, "exclude")) {
		if (n != 2)
			return fail(ps, l->no, l->col, "usage: %s module/path v1.2.3", verb);
		const char *path = string_arg(ps, l, &args[0]);
		const char *version = path ? version_arg(ps, l, &args[1]) : NULL;
		if (!version)
			return false;
		if (verb[0] == 'r') {
			if (!GROW(ps, m->require, m->nrequire, ps->cap_require))
				return fail(ps, l->no, l->col, "too many requirements");
			m->require[m->nrequire++] = (struct sr_gomod_require){ path, version, l->indirect, l->no };
		} else {
			if (!GROW(ps, m->exclude, m->nexclude, ps->cap_exclude))
				return fail(ps, l->no, l->col, "too many exclusions");
			m->exclude[m->nexclude++] = (struct sr_gomod_version){ path, version };
		}
		return true;
	}
	if (!strcmp(verb, "replace")) {
		size_t arrow = n >= 2 && text_is(&args[1], "=>") ? 1 : 2;
		if (n < arrow + 2 || n > arrow + 3 || !text_is(&args[arrow], "=>"))
			return fail(ps, l->no, l->col, "usage: replace module/path [v1.2.3] => other/module v1.4");
		struct sr_gomod_replace r = { .line = l->no };
		if (!(r.old.path = string_arg(ps, l, &args[0])))
			return false;
		r.old.version = "";
		if (arrow == 2 && !(r.old.version = version_arg(ps, l, &args[1])))
			return false;
		if (!(r.repl.path = string_arg(ps, l, &args[arrow + 1])))
			return false;
		r.repl.version = "";
		if (n == arrow + 2) {
			if (!is_directory_path(r.repl.path))
				return fail(ps, l->no, l->col,
				            "replacement module without version must be directory path (rooted or starting with ./ "
				            "or ../)");
			if (strchr(r.repl.path, '\\'))
				return fail(ps, l->no, l->col,
				            "replacement directory appears to be Windows path (on a non-windows system)");
		} else {
			if (!(r.repl.version = version_arg(ps, l, &args[arrow + 2])))
				return false;
			if (is_directory_path(r.repl.path))
				return fail(ps, l->no, l->col, "replacement module directory path \"%s\" cannot have version",
				            r.repl.path);
		}
		if (!GROW(ps, m->replace, m->nreplace, ps->cap_replace))
			return fail(ps, l->no, l->col, "too many replacements");
		m->replace[m->nreplace++] = r;
		return true;
	}
	if (!strcmp(verb, "retract")) {
		/* versions as written: the go command checks them only when it
		 * fixes a file (modfile's dontFixRetract) */
		struct sr_gomod_retract r;
		size_t i = 0;
		if (n == 0 || is_punct(&args[0], '('))
			return fail(ps, l->no, l->col, "expected '[' or version");
		if (!is_punct(&args[0], '[')) {
			if (!(r.low = r.high = string_arg(ps, l, &args[0])))
				return false;
			i = 1;
		} else {
			if (n < 2)
				return fail(ps, l->no, l->col, "expected version after '['");
			if (!(r.low = string_arg(ps, l, &args[1])))
				return false;
			if (n < 3 || !is_punct(&args[2], ','))
				return fail(ps, l->no, l->col, "expected ',' after version");
			if (n < 4)
				return fail(ps, l->no, l->col, "expected version after ','");
			if (!(r.high = string_arg(ps, l, &args[3])))
				return false;
			if (n < 5 || !is_punct(&args[4], ']'))
				return fail(ps, l->no, l->col, "expected ']' after version");
			i = 5;
		}
		if (i < n)
			return fail(ps, l->no, l->col, "unexpected token after version");
		if (!GROW(ps, m->retract, m->nretract, ps->cap_retract))
			return fail(ps, l->no, l->col, "too many retractions");
		m->retract[m->nretract++] = r;
		return true;
	}
	if (!strcmp(verb, "godebug") || !strcmp(verb, "tool") || !strcmp(verb, "ignore"))
		return true;   /* newer directives: nothing a release check reads */
	return fail(ps, l->no, l->col, "unknown directive: %s", verb);
}

static bool block_verb(const char *v)
{
	return !strcmp(v, "module") || !strcmp(v, "require") || !strcmp(v, "exclude") || !strcmp(v, "replace") ||
	       !strcmp(v, "retract") || !strcmp(v, "godebug") || !strcmp(v, "tool") || !strcmp(v, "ignore");
}

/* A block "VERB (" has been read: its lines, up to ")" on a line of its own. */
static bool parse_block(struct parser *ps, const struct line *head)
{
	char verb[64];
	snprintf(verb, sizeof verb, "%.*s", (int)(head->t[0].n < 60 ? head->t[0].n : 60), head->t[0].s);
	bool known = head->n == 1 && block_verb(verb);
	for (;;) {
		const struct tok *t = peek(&ps->lx);
		if (ps->lx.err[0])
			return false;
		if (t->kind == T_EOLCOMMENT || t->kind == T_NL || t->kind == T_COMMENT) {
			lex(&ps->lx);
			continue;
		}
		if (t->kind == T_EOF) {
			char where[32];
			snprintf(where, sizeof where, "%u:%u", head->no, head->col);
			return fail(ps, t->line, t->col, "syntax error (unterminated block started at %s)", where);
		}
		if (is_punct(t, ')')) {
			struct tok r = lex(&ps->lx);
			if (!is_eol(peek(&ps->lx)->kind))
				return fail(ps, r.line, r.col, "syntax error (expected newline after closing paren)");
			lex(&ps->lx);
			if (!known) {
				char all[128];
				snprintf(all, sizeof all, "%s%s", verb, head->n > 1 ? " …" : "");
				return fail(ps, head->no, head->col, "unknown block type: %s", all);
			}
			return true;
		}
		struct line l = { .n = 1, .no = t->line, .col = t->col };
		l.t[0] = lex(&ps->lx);
		if (!read_rest(ps, &l))
			return false;
		if (known && !directive(ps, verb, &l, 0))
			return false;
	}
}

static bool parse_file(struct parser *ps)
{
	for (;;) {
		const struct tok *t = peek(&ps->lx);
		if (ps->lx.err[0])
			return false;
		if (t->kind == T_EOF)
			return true;
		if (t->kind == T_NL || t->kind == T_COMMENT || t->kind == T_EOLCOMMENT) {
			lex(&ps->lx);
			continue;
		}
		struct line l = { .no = t->line, .col = t->col };
		l.t[l.n++] = lex(&ps->lx);
		/* the statement's tokens; "(" then the end of the line opens a block */
		for (;;) {
			struct tok x = lex(&ps->lx);
			if (ps->lx.err[0])
				return false;
			if (is_eol(x.kind)) {
				l.indirect = x.kind == T_EOLCOMMENT && says_indirect(&x);
				break;
			}
			if (is_punct(&x, '(')) {
				const struct tok *nx = peek(&ps->lx);
				if (is_eol(nx->kind)) {
					if (!parse_block(ps, &l))
						return false;
					goto next;
				}
				if (is_punct(nx, ')')) {
					struct tok r = lex(&ps->lx);
					if (is_eol(peek(&ps->lx)->kind)) {
						lex(&ps->lx);
						/* an empty block: only its verb is checked */
						char verb[64];
						snprintf(verb, sizeof verb, "%.*s", (int)(l.t[0].n < 60 ? l.t[0].n : 60), l.t[0].s);
						if (l.n > 1 || !block_verb(verb))
							return fail(ps, l.no, l.col, "unknown block type: %s", verb);
						goto next;
					}
					if (l.n + 2 > MAX_TOKENS)
						return fail(ps, l.no, l.col, "more than 64 tokens on a line");
					l.t[l.n++] = x;
					l.t[l.n++] = r;
					continue;
				}
			}
			if (l.n == MAX_TOKENS)
				return fail(ps, l.no, l.col, "more than 64 tokens on a line");
			l.t[l.n++] = x;
		}
		{
			char verb[64];
			snprintf(verb, sizeof verb, "%.*s", (int)(l.t[0].n < 60 ? l.t[0].n : 60), l.t[0].s);
			if (!directive(ps, verb, &l, 1))
				return false;
		}
next:;
	}
}

/* The arena of a parse of what (at most SR_GOMOD_MAX_BYTES). */
static enum sr_err new_priv(const char *what, size_t len, struct sr_gomod_priv **out, struct sr_error *err)
{
	*out = NULL;
	if (len > SR_GOMOD_MAX_BYTES)
		return sr_error_set(err, SR_E_MALFORMED, "%s larger than %zu bytes", what, SR_GOMOD_MAX_BYTES);
	struct sr_arena *a = sr_arena_new();
	struct sr_gomod_priv *priv = a ? sr_arena_alloc(a, sizeof *priv) : NULL;
	if (!priv) {
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	priv->arena = a;
	*out = priv;
	return SR_OK;
}

enum sr_err sr_gomod_parse(const char *text, size_t len, struct sr_gomod *out, struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	struct sr_gomod_priv *priv;
	enum sr_err rc = new_priv("go.mod", len, &priv, err);
	if (rc != SR_OK)
		return rc;
	struct sr_arena *a = priv->arena;
	out->priv = priv;
	struct parser *ps = sr_arena_alloc(a, sizeof *ps);
	if (!ps) {
		sr_gomod_free(out);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	ps->a = a;
	ps->m = out;
	ps->lx = (struct lexer){ .p = text, .end = text + len, .line = 1, .line_start = text };
	if (!parse_file(ps)) {
		char msg[260];
		if (ps->lx.err[0])
			snprintf(msg, sizeof msg, "%u:%u: %s", ps->lx.err_line, ps->lx.err_col, ps->lx.err);
		else
			snprintf(msg, sizeof msg, "%s", ps->err);
		sr_gomod_free(out);
		return sr_error_set(err, SR_E_MALFORMED, "%s", msg);
	}
	return SR_OK;
}

void sr_gomod_free(struct sr_gomod *m)
{
	if (m && m->priv)
		sr_arena_free(m->priv->arena);
	if (m)
		memset(m, 0, sizeof *m);
}

/* ---------- go.sum ---------- */

char *sr_go_module_key(const char *path, size_t pl, char sep, const char *version, size_t vl, size_t *len)
{
	char *key = malloc(pl + 1 + vl);
	if (key) {
		memcpy(key, path, pl);
		key[pl] = sep;
		memcpy(key + pl + 1, version, vl);
		*len = pl + 1 + vl;
	}
	return key;
}

/* The index key of a go.sum line, "path version", or NULL. */
static char *sum_key(const char *path, const char *version, size_t *len)
{
	return sr_go_module_key(path, strlen(path), ' ', version, strlen(version), len);
}

enum sr_err sr_gosum_parse(const char *text, size_t len, struct sr_gosum *out, struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	struct sr_gomod_priv *priv;
	enum sr_err rc = new_priv("go.sum", len, &priv, err);
	if (rc != SR_OK)
		return rc;
	struct sr_arena *a = priv->arena;
	sr_map_init(&priv->index, a, 0);
	out->priv = priv;
	size_t cap = 0;
	unsigned no = 0;
	for (const char *p = text, *end = text + len; p < end; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		no++;
		/* fields split at white space (strings.Fields) */
		const char *f[4];
		size_t fl[4], nf = 0;
		for (const char *q = p; q < le;) {
			while (q < le && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\v' || *q == '\f'))
				q++;
			if (q == le)
				break;
			const char *s = q;
			while (q < le && !(*q == ' ' || *q == '\t' || *q == '\r' || *q == '\v' || *q == '\f'))
				q++;
			if (nf < 4) {
				f[nf] = s;
				fl[nf] = (size_t)(q - s);
			}
			nf++;
		}
		p = nl ? nl + 1 : end;
		if (nf == 0)
			continue;
		if (nf != 3) {
			sr_gosum_free(out);
			return sr_error_set(err, SR_E_MALFORMED, "%u: wrong number of fields %zu", no, nf);
		}
		if (memchr(f[0], '\0', (size_t)(f[2] + fl[2] - f[0]))) {
			sr_gosum_free(out);
			return sr_error_set(err, SR_E_MALFORMED, "%u: a NUL byte", no);
		}
		struct sr_gosum_line *l = sr_arena_grow(a, out->lines, out->nlines, &cap, sizeof *l, (size_t)1 << 22);
		char *path = sr_arena_strndup(a, f[0], fl[0]), *version = sr_arena_strndup(a, f[1], fl[1]);
		char *hash = sr_arena_strndup(a, f[2], fl[2]);
		if (!l || !path || !version || !hash) {
			sr_gosum_free(out);
			return sr_error_set(err, SR_E_NOMEM, NULL);
		}
		out->lines = l;
		out->lines[out->nlines++] = (struct sr_gosum_line){ path, version, hash, no };
	}
	/* the index, once the lines no longer move */
	for (size_t i = out->nlines; i-- > 0;) {
		const struct sr_gosum_line *l = &out->lines[i];
		size_t kl;
		char *key = sum_key(l->path, l->version, &kl);
		bool fresh;
		struct sr_map_slot *e = key ? sr_map_add(&priv->index, key, kl, &fresh) : NULL;
		free(key);
		if (e)
			e->val = (void *)l;   /* walking back: the first line wins */
	}
	return SR_OK;
}

void sr_gosum_free(struct sr_gosum *s)
{
	if (s && s->priv) {
		sr_map_free(&s->priv->index, NULL);
		sr_arena_free(s->priv->arena);
	}
	if (s)
		memset(s, 0, sizeof *s);
}

const char *sr_gosum_hash(const struct sr_gosum *s, const char *path, const char *version)
{
	if (!s || !s->priv)
		return NULL;
	size_t kl;
	char *key = sum_key(path, version, &kl);
	const struct sr_map_slot *e = key ? sr_map_find(&s->priv->index, key, kl) : NULL;
	free(key);
	return e ? ((const struct sr_gosum_line *)e->val)->hash : NULL;
}
