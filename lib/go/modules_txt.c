/* vendor/modules.txt, read as cmd/go reads it (modload's readVendorList in
 * Go 1.19 to 1.22): a "# path version [=> new [version]]" line opens a
 * module, "## explicit; go 1.17" lines annotate it, and a line of one import
 * path names a package it provides.  Lines cmd/go cannot interpret are
 * skipped, as it skips them. */
#include "shipready/gomod.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/semver.h"
#include "go/go_internal.h"
#include "util/arena.h"
#include "util/map.h"

struct sr_modtxt_priv {
	struct sr_arena *arena;
	struct sr_map mods;      /* "path\0version" -> index + 1 */
	struct sr_map selected;  /* path -> highest version with a package */
	size_t cap;
};

/* The length of a white-space character at p (unicode.IsSpace, as
 * strings.Fields and TrimSpace see it), or 0. */
static size_t space_len(const unsigned char *p, const unsigned char *end)
{
	size_t n = (size_t)(end - p);
	if (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		return 1;
	if (n >= 2 && p[0] == 0xC2 && (p[1] == 0x85 || p[1] == 0xA0))
		return 2;
	if (n < 3)
		return 0;
	if (p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80)   /* U+1680 */
		return 3;
	if (p[0] == 0xE2 && p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF))
		return 3;                                    /* U+2000-200A, 2028, 2029, 202F */
	if (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F)   /* U+205F */
		return 3;
	if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)   /* U+3000 */
		return 3;
	return 0;
}

enum { MAX_FIELDS = 8 };

struct fields {
	const char *s[MAX_FIELDS];
	size_t n[MAX_FIELDS];
	size_t count;                 /* may exceed MAX_FIELDS; only the first are kept */
};

static void split_fields(const char *p, const char *end, struct fields *f)
{
	const unsigned char *q = (const unsigned char *)p, *e = (const unsigned char *)end;
	f->count = 0;
	while (q < e) {
		size_t k;
		while (q < e && (k = space_len(q, e)))
			q += k;
		if (q == e)
			break;
		const unsigned char *s = q;
		while (q < e && !space_len(q, e))
			q++;
		if (f->count < MAX_FIELDS) {
			f->s[f->count] = (const char *)s;
			f->n[f->count] = (size_t)(q - s);
		}
		f->count++;
	}
}

/* strings.TrimSpace */
static void trim_space(const char **p, const char **end)
{
	const unsigned char *q = (const unsigned char *)*p, *e = (const unsigned char *)*end, *last = NULL;
	size_t k;
	while (q < e && (k = space_len(q, e)))
		q += k;
	*p = (const char *)q;
	while (q < e) {
		if ((k = space_len(q, e))) {
			q += k;
		} else {
			last = ++q;
		}
	}
	*end = last ? (const char *)last : *p;
}

static bool field_is(const struct fields *f, size_t i, const char *s)
{
	return f->n[i] == strlen(s) && memcmp(f->s[i], s, f->n[i]) == 0;
}

/* semver.IsValid on a field. */
static bool field_semver(const struct fields *f, size_t i)
{
	char buf[128];
	if (f->n[i] >= sizeof buf || memchr(f->s[i], '\0', f->n[i]))
		return false;   /* no valid version is that long in practice; a NUL is never valid */
	memcpy(buf, f->s[i], f->n[i]);
	buf[f->n[i]] = '\0';
	return sr_semver_valid(buf);
}

/* ---------- module.CheckImportPath ---------- */

static bool import_char(unsigned char c)
{
	return c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || (c >= '0' && c <= '9') ||
	       (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool windows_reserved(const char *e, size_t n)
{
	static const char *const bad[] = { "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5",
		                           "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5",
		                           "LPT6", "LPT7", "LPT8", "LPT9" };
	const char *dot = memchr(e, '.', n);
	size_t sl = dot ? (size_t)(dot - e) : n;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (strlen(bad[i]) != sl)
			continue;
		size_t k = 0;
		while (k < sl && (e[k] | 0x20) == (bad[i][k] | 0x20))
			k++;
		if (k == sl)
			return true;
	}
	return false;
}

static bool import_elem_ok(const char *e, size_t n)
{
	if (n == 0 || e[n - 1] == '.')
		return false;
	bool all_dots = true;
	for (size_t i = 0; i < n; i++) {
		if (!import_char((unsigned char)e[i]))
			return false;   /* also every byte of a non-ASCII character: import paths are ASCII */
		all_dots &= e[i] == '.';
	}
	return !all_dots && !windows_reserved(e, n);
}

static bool import_path_ok(const char *s, size_t n)
{
	if (n == 0 || s[0] == '-' || s[n - 1] == '/')
		return false;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '/')
			continue;
		if (!import_elem_ok(s + start, i - start))
			return false;   /* an empty element is a double slash */
		start = i + 1;
	}
	return true;
}

/* ---------- the list ---------- */

/* The module (path, version), added when new; NULL when out of memory. */
static struct sr_modtxt_module *module_at(struct sr_modtxt *m, const char *path, size_t pl, const char *version,
                                          size_t vl, unsigned line)
{
	struct sr_modtxt_priv *p = m->priv;
	size_t kl;
	char *key = sr_go_module_key(path, pl, '\0', version, vl, &kl);
	bool fresh = false;
	struct sr_map_slot *e = key ? sr_map_add(&p->mods, key, kl, &fresh) : NULL;
	free(key);
	if (!e)
		return NULL;
	if (!fresh)
		return &m->mods[(uintptr_t)e->val - 1];
	struct sr_modtxt_module *v = sr_arena_grow(p->arena, m->mods, m->nmods, &p->cap, sizeof *v, (size_t)1 << 20);
	char *ps = sr_arena_strndup(p->arena, path, pl), *vs = sr_arena_strndup(p->arena, version, vl);
	if (!v || !ps || !vs)
		return NULL;
	m->mods = v;
	m->mods[m->nmods] = (struct sr_modtxt_module){ .mod = { ps, vs }, .line = line };
	e->val = (void *)(uintptr_t)(++m->nmods);
	return &m->mods[m->nmods - 1];
}

/* A "# " line.  One of three fields or more that cmd/go can interpret
 * opens a module (*cur), one it cannot closes the module before; a shorter
 * line changes nothing.  False when out of memory. */
static bool module_line(struct sr_modtxt *m, const struct fields *f, unsigned no, struct sr_modtxt_module **cur)
{
	if (f->count < 3)
		return true;
	*cur = NULL;
	for (size_t k = 0; k < f->count && k < MAX_FIELDS; k++)
		if (memchr(f->s[k], '\0', f->n[k]))
			return true;   /* a NUL byte: not a path or version we can keep (cmd/go would take it as written) */
	struct sr_arena *a = m->priv->arena;
	size_t i;
	if (field_semver(f, 2))
		i = 3;
	else if (field_is(f, 2, "=>"))
		i = 2;
	else
		return true;
	struct sr_modtxt_module *mod = module_at(m, f->s[1], f->n[1], i == 3 ? f->s[2] : "", i == 3 ? f->n[2] : 0, no);
	if (!mod)
		return false;
	*cur = mod;
	size_t rest = f->count - i;
	if (rest < 2 || !field_is(f, i, "=>"))
		return true;
	if (rest == 2 || (rest == 3 && field_semver(f, i + 2))) {
		char *rp = sr_arena_strndup(a, f->s[i + 1], f->n[i + 1]);
		char *rv = sr_arena_strndup(a, rest == 3 ? f->s[i + 2] : "", rest == 3 ? f->n[i + 2] : 0);
		if (!rp || !rv)
			return false;
		mod->repl = (struct sr_gomod_version){ rp, rv };
		mod->replaced++;
	}
	return true;
}

/* A "## " line: its annotations join the module's. */
static bool annotation_line(struct sr_modtxt *m, const char *p, const char *end, struct sr_modtxt_module *mod)
{
	while (p <= end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *s = p, *e = semi ? semi : end;
		trim_space(&s, &e);
		size_t n = (size_t)(e - s);
		if (n == 8 && memcmp(s, "explicit", 8) == 0)
			mod->is_explicit = true;
		if (n >= 3 && memcmp(s, "go ", 3) == 0 && !(mod->go = sr_arena_strndup(m->priv->arena, s + 3, n - 3)))
			return false;
		if (!semi)
			break;
		p = semi + 1;
	}
	return true;
}

/* A package line: the module provides a package, and is the selected
 * version of its path when no higher one came before. */
static bool package_line(struct sr_modtxt *m, struct sr_modtxt_module *mod)
{
	mod->npackages++;
	struct sr_modtxt_priv *p = m->priv;
	size_t pl = strlen(mod->mod.path);
	bool fresh;
	struct sr_map_slot *e = sr_map_add(&p->selected, mod->mod.path, pl, &fresh);
	if (!e)
		return false;
	if (fresh || sr_semver_cmp(e->val, mod->mod.version) < 0) {
		e->val = (void *)mod->mod.version;
		mod->in_build = true;
	}
	return true;
}

enum sr_err sr_modtxt_parse(const char *text, size_t len, struct sr_modtxt *out, struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	if (len > SR_GOMOD_MAX_BYTES)
		return sr_error_set(err, SR_E_MALFORMED, "vendor/modules.txt larger than %zu bytes", SR_GOMOD_MAX_BYTES);
	struct sr_arena *a = sr_arena_new();
	struct sr_modtxt_priv *p = a ? sr_arena_alloc(a, sizeof *p) : NULL;
	if (!p) {
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	p->arena = a;
	sr_map_init(&p->mods, a, 0);
	sr_map_init(&p->selected, a, 0);
	out->priv = p;
	struct sr_modtxt_module *cur = NULL;
	unsigned no = 0;
	bool ok = true;
	for (const char *l = text, *end = text + len; ok && l <= end;) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		const char *le = nl ? nl : end;
		no++;
		struct fields f;
		if (le - l >= 2 && l[0] == '#' && l[1] == ' ') {
			split_fields(l, le, &f);
			ok = module_line(out, &f, no, &cur);
		} else if (!cur) {
			/* nothing before the first module line counts */
		} else if (le - l >= 3 && memcmp(l, "## ", 3) == 0) {
			ok = annotation_line(out, l + 3, le, cur);
		} else {
			split_fields(l, le, &f);
			if (f.count == 1 && import_path_ok(f.s[0], f.n[0]))
				ok = package_line(out, cur);
		}
		if (!nl)
			break;
		l = nl + 1;
	}
	if (!ok) {
		sr_modtxt_free(out);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	return SR_OK;
}

void sr_modtxt_free(struct sr_modtxt *m)
{
	if (m && m->priv) {
		sr_map_free(&m->priv->mods, NULL);
		sr_map_free(&m->priv->selected, NULL);
		sr_arena_free(m->priv->arena);
	}
	if (m)
		memset(m, 0, sizeof *m);
}

const struct sr_modtxt_module *sr_modtxt_find(const struct sr_modtxt *m, const char *path, const char *version)
{
	if (!m || !m->priv)
		return NULL;
	size_t kl;
	char *key = sr_go_module_key(path, strlen(path), '\0', version, strlen(version), &kl);
	const struct sr_map_slot *e = key ? sr_map_find(&m->priv->mods, key, kl) : NULL;
	free(key);
	return e ? &m->mods[(uintptr_t)e->val - 1] : NULL;
}

const char *sr_modtxt_selected(const struct sr_modtxt *m, const char *path)
{
	if (!m || !m->priv)
		return NULL;
	const struct sr_map_slot *e = sr_map_find(&m->priv->selected, path, strlen(path));
	return e ? e->val : NULL;
}
