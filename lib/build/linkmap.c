/* The GNU linker's account of its inputs: a map (-Map) or --trace lines
 * (shipready/depfile.h). */
#include "shipready/depfile.h"

#include <stdint.h>
#include <string.h>

#include "build/build_internal.h"
#include "util/arena.h"
#include "util/map.h"

enum sr_err sr_build_priv_new(struct sr_depfile_priv **out, struct sr_error *err)
{
	*out = NULL;
	struct sr_arena *a = sr_arena_new();
	struct sr_depfile_priv *p = a ? sr_arena_alloc(a, sizeof *p) : NULL;
	if (!p) {
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	p->arena = a;
	*out = p;
	return SR_OK;
}

/* ---------- the list of inputs ---------- */

struct inputs {
	struct sr_link_inputs *out;
	struct sr_arena *a;
	struct sr_map seen;           /* kind, path, member -> index + 1 */
	size_t cap;
	bool oom;
};

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* An input file by its name: a shared library ("x.so", "x.so.1.2"), an
 * archive ("x.a"), else an object. */
static enum sr_link_kind kind_of(const char *s, size_t n)
{
	if (ends_with(s, n, ".a"))
		return SR_LINK_ARCHIVE;
	const char *base = s;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/')
			base = s + i + 1;
	size_t bl = (size_t)(s + n - base);
	for (size_t i = 0; i + 3 <= bl; i++)
		if (memcmp(base + i, ".so", 3) == 0 && (i + 3 == bl || base[i + 3] == '.'))
			return SR_LINK_SHARED;
	return SR_LINK_OBJECT;
}

static void add(struct inputs *in, enum sr_link_kind kind, const char *path, size_t pl, const char *member, size_t ml,
                const char *reason, size_t rl)
{
	if (in->oom || !pl || memchr(path, '\0', pl) || (member && (!ml || memchr(member, '\0', ml))))
		return;   /* not a name a linker writes (a NUL byte cannot be in a path) */
	/* the key: kind, path, NUL, member */
	char key[8192];
	if (pl + ml + 3 > sizeof key)
		return;   /* no linker writes such a name; a hostile one is left out */
	key[0] = (char)('0' + (kind == SR_LINK_MEMBER));
	memcpy(key + 1, path, pl);
	key[1 + pl] = '\0';
	memcpy(key + 2 + pl, member ? member : "", ml);
	bool fresh;
	struct sr_map_slot *e = sr_map_add(&in->seen, key, pl + ml + 2, &fresh);
	if (!e) {
		in->oom = true;
		return;
	}
	if (!fresh) {
		struct sr_link_input *old = &in->out->v[(size_t)e->val - 1];
		if (old->kind == SR_LINK_ARCHIVE && kind == SR_LINK_ARCHIVE)
			return;
		if (!old->reason && reason && !(old->reason = sr_arena_strndup(in->a, reason, rl)))
			in->oom = true;
		return;
	}
	struct sr_link_input *v = sr_arena_grow(in->a, in->out->v, in->out->n, &in->cap, sizeof *v, (size_t)1 << 22);
	char *p = sr_arena_strndup(in->a, path, pl), *m = member ? sr_arena_strndup(in->a, member, ml) : NULL;
	char *r = reason ? sr_arena_strndup(in->a, reason, rl) : NULL;
	if (!v || !p || (member && !m) || (reason && !r)) {
		in->oom = true;
		return;
	}
	in->out->v = v;
	v[in->out->n++] = (struct sr_link_input){ kind, p, m, r };
	e->val = (void *)(uintptr_t)in->out->n;
}

/* "ARCHIVE(MEMBER)": the archive and member spans; false when s is not one. */
static bool split_member(const char *s, size_t n, size_t *al, const char **m, size_t *ml)
{
	if (n < 4 || s[n - 1] != ')')
		return false;
	/* the member is in the last parentheses; the archive before them ends in ".a" or
	 * is any name the linker opened as an archive */
	size_t depth = 0, i = n;
	while (i-- > 0) {
		if (s[i] == ')')
			depth++;
		else if (s[i] == '(' && --depth == 0)
			break;
	}
	if (i == (size_t)-1 || i == 0 || i + 2 >= n)
		return false;
	*al = i;
	*m = s + i + 1;
	*ml = n - i - 2;
	return true;
}

static void add_path(struct inputs *in, const char *s, size_t n, const char *reason, size_t rl)
{
	size_t al, ml;
	const char *m;
	if (split_member(s, n, &al, &m, &ml) && kind_of(s, al) == SR_LINK_ARCHIVE) {
		add(in, SR_LINK_ARCHIVE, s, al, NULL, 0, NULL, 0);
		add(in, SR_LINK_MEMBER, s, al, m, ml, reason, rl);
	} else if (n > 2 && s[0] == '(' && memchr(s, ')', n)) {   /* old bfd --trace: "(ARCHIVE)MEMBER" */
		const char *close = memchr(s, ')', n);
		size_t l = (size_t)(close - s - 1);
		add(in, SR_LINK_ARCHIVE, s + 1, l, NULL, 0, NULL, 0);
		add(in, SR_LINK_MEMBER, s + 1, l, close + 1, (size_t)(s + n - close - 1), reason, rl);
	} else {
		add(in, kind_of(s, n), s, n, NULL, 0, reason, rl);
	}
}

/* ---------- lines ---------- */

struct line {
	const char *s;
	size_t n;
};

static bool next_line(const char **p, const char *end, struct line *l)
{
	if (*p >= end)
		return false;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	const char *e = nl ? nl : end;
	l->s = *p;
	l->n = (size_t)(e - *p);
	if (l->n && l->s[l->n - 1] == '\r')
		l->n--;
	*p = nl ? nl + 1 : end;
	return true;
}

static bool starts(const struct line *l, const char *s)
{
	size_t k = strlen(s);
	return l->n >= k && memcmp(l->s, s, k) == 0;
}

static bool contains(const struct line *l, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; i + k <= l->n; i++)
		if (memcmp(l->s + i, s, k) == 0)
			return true;
	return false;
}

static void trim(struct line *l)
{
	while (l->n && (l->s[0] == ' ' || l->s[0] == '\t'))
		l->s++, l->n--;
	while (l->n && (l->s[l->n - 1] == ' ' || l->s[l->n - 1] == '\t'))
		l->n--;
}

static enum sr_err begin(struct inputs *in, struct sr_link_inputs *out, struct sr_error *err, size_t len)
{
	memset(out, 0, sizeof *out);
	memset(in, 0, sizeof *in);
	if (len > SR_DEPFILE_MAX_BYTES * 4)
		return sr_error_set(err, SR_E_MALFORMED, "larger than %zu bytes", SR_DEPFILE_MAX_BYTES * 4);
	enum sr_err rc = sr_build_priv_new(&out->priv, err);
	if (rc != SR_OK)
		return rc;
	in->out = out;
	in->a = out->priv->arena;
	sr_map_init(&in->seen, in->a, (size_t)1 << 22);
	return SR_OK;
}

static enum sr_err finish(struct inputs *in, enum sr_err rc, struct sr_error *err)
{
	sr_map_free(&in->seen, NULL);
	if (in->oom)
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
	if (rc != SR_OK)
		sr_link_inputs_free(in->out);
	return rc;
}

enum section { S_NONE, S_MEMBERS, S_NEEDED, S_OTHER, S_SCRIPT };

enum sr_err sr_linkmap_parse(const char *text, size_t len, struct sr_link_inputs *out, struct sr_error *err)
{
	struct inputs in;
	enum sr_err rc = begin(&in, out, err, len);
	if (rc != SR_OK)
		return rc;
	out->members_known = true;
	enum section sec = S_NONE;
	bool recognised = false;
	struct line l, pending = { NULL, 0 };   /* a member whose reason is on the next line */
	for (const char *p = text, *end = text + len; next_line(&p, end, &l);) {
		if (starts(&l, "Archive member included to satisfy reference by file (symbol)") ||
		    starts(&l, "Archive member included because of file (symbol)")) {
			sec = S_MEMBERS;
			recognised = true;
			continue;
		}
		if (starts(&l, "As-needed library included to satisfy reference by file (symbol)")) {
			sec = S_NEEDED;
			recognised = true;
			continue;
		}
		if (starts(&l, "Linker script and memory map")) {
			sec = S_SCRIPT;
			recognised = true;
			continue;
		}
		if (starts(&l, "Discarded input sections") || starts(&l, "Memory Configuration") ||
		    starts(&l, "Allocating common symbols") || starts(&l, "Merging program properties") ||
		    starts(&l, "Memory map")) {
			sec = S_OTHER;
			recognised = true;
			continue;
		}
		if (l.n >= 40 && !recognised && contains(&l, "VMA") && contains(&l, "LMA") && contains(&l, "Symbol")) {
			rc = sr_error_set(err, SR_E_UNSUPPORTED, "an LLVM lld map: not read yet (give the --trace lines)");
			break;
		}
		if (sec == S_MEMBERS || sec == S_NEEDED) {
			if (l.n == 0) {
				pending.s = NULL;
				continue;
			}
			if (l.s[0] == ' ' || l.s[0] == '\t') {   /* the reason, under its member */
				struct line r = l;
				trim(&r);
				if (pending.s) {
					if (sec == S_MEMBERS)
						add_path(&in, pending.s, pending.n, r.s, r.n);
					else
						add(&in, SR_LINK_NEEDED, pending.s, pending.n, NULL, 0, r.s, r.n);
				}
				pending.s = NULL;
				continue;
			}
			/* "MEMBER-OR-LIBRARY   FILE (SYMBOL)" or the name alone, the reason below */
			const char *gap = NULL;
			for (size_t i = 0; i + 1 < l.n; i++)
				if (l.s[i] == ' ' && l.s[i + 1] == ' ' && (sec == S_NEEDED || (i > 0 && l.s[i - 1] == ')'))) {
					gap = l.s + i;
					break;
				}
			if (!gap) {
				pending = l;
				trim(&pending);
				continue;
			}
			struct line name = { l.s, (size_t)(gap - l.s) }, r = { gap, (size_t)(l.s + l.n - gap) };
			trim(&r);
			if (sec == S_MEMBERS)
				add_path(&in, name.s, name.n, r.s, r.n);
			else
				add(&in, SR_LINK_NEEDED, name.s, name.n, NULL, 0, r.s, r.n);
			pending.s = NULL;
			continue;
		}
		if (sec == S_SCRIPT && starts(&l, "LOAD ")) {
			struct line f = { l.s + 5, l.n - 5 };
			trim(&f);
			if (f.n && f.s[0] != '(')   /* "LOAD (linker stubs)" is the linker's own */
				add_path(&in, f.s, f.n, NULL, 0);
		}
	}
	if (rc == SR_OK && !recognised)
		rc = sr_error_set(err, SR_E_MALFORMED, "not a GNU linker map (no \"Archive member included\", "
		                                       "\"Linker script and memory map\" or other section of one)");
	return finish(&in, rc, err);
}

enum sr_err sr_linktrace_parse(const char *text, size_t len, struct sr_link_inputs *out, struct sr_error *err)
{
	struct inputs in;
	enum sr_err rc = begin(&in, out, err, len);
	if (rc != SR_OK)
		return rc;
	struct line l;
	for (const char *p = text, *end = text + len; next_line(&p, end, &l);) {
		trim(&l);
		if (!l.n)
			continue;
		/* the linker's and the driver's own messages: "/usr/bin/ld: mode elf_x86_64", "collect2: …" */
		const char *colon = memchr(l.s, ':', l.n);
		if (colon && colon + 1 < l.s + l.n && colon[1] == ' ')
			continue;
		add_path(&in, l.s, l.n, NULL, 0);
	}
	return finish(&in, rc, err);
}

void sr_link_inputs_free(struct sr_link_inputs *l)
{
	if (l && l->priv)
		sr_arena_free(l->priv->arena);
	if (l)
		memset(l, 0, sizeof *l);
}
