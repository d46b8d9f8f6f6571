/* shipready — the changes between two builds (see shipready/diff.h), read
 * from the two files' analyses. */
#include "shipready/diff.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shipready/libc.h"
#include "shipready/semver.h"
#include "util/arena.h"

#define MAX_CHANGES 20000u
/* A section that changed by less than this share of its size, or by fewer
 * bytes, is left out (a rebuild moves a few bytes everywhere). */
#define SIZE_PERMILLE 10
#define SIZE_MIN_BYTES 1024

struct sr_diff_priv {
	struct sr_arena *a;
	size_t cap;
	bool full;
};

struct ctx {
	struct sr_diff *d;
	struct sr_arena *a;
	const struct sr_analysis *o, *n;
};

static struct sr_change *add(struct ctx *c, const char *aspect, const char *what, const char *oldv, const char *newv,
                             enum sr_change_effect effect, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static struct sr_change *add(struct ctx *c, const char *aspect, const char *what, const char *oldv, const char *newv,
                             enum sr_change_effect effect, const char *fmt, ...)
{
	struct sr_diff *d = c->d;
	struct sr_change *v = sr_arena_grow(c->a, d->v, d->n, &d->priv->cap, sizeof *v, MAX_CHANGES);
	if (!v) {
		d->priv->full = true;
		return NULL;
	}
	d->v = v;
	va_list ap;
	va_start(ap, fmt);
	char *summary = sr_arena_vprintf(c->a, fmt, ap);
	va_end(ap);
	v[d->n] = (struct sr_change){ .aspect = aspect, .what = what, .old_value = oldv, .new_value = newv,
		                      .effect = effect, .summary = summary };
	return &v[d->n++];
}

/* How far version b is from a in the first component where they differ
 * ("2.17" → "2.34": 17; "3.4.19" → "3.4.30": 11); 0 when equal. */
static int64_t version_steps(const char *a, const char *b)
{
	while (*a || *b) {
		long x = strtol(a, NULL, 10), y = strtol(b, NULL, 10);
		if (x != y)
			return y - x;
		a += strcspn(a, ".");
		b += strcspn(b, ".");
		a += *a == '.';
		b += *b == '.';
	}
	return 0;
}

static bool has_lib(const struct sr_analysis *an, const char *name);

/* ---------- floors */

/* One floor of a file: the newest version it requires of a family. */
struct floor {
	const char *family;          /* "GLIBC", "GLIBCXX", "kernel", "windows", "macOS", … */
	const char *version;
	const char *detail;          /* what requires it, or NULL */
	const char *file;            /* the library it is required from, or NULL */
};

#define MAX_FLOORS 32

/* The floors of a file: ELF symbol-version families and the kernel, PE's
 * subsystem version (the oldest Windows), Mach-O's minimum OS per
 * platform (the first slice). */
static size_t floors_of(struct sr_arena *a, const struct sr_analysis *an, struct floor *out)
{
	size_t n = 0;
	const struct sr_elf *e = an->in.elf;
	for (size_t i = 0; e && i < e->vermax_count && n < MAX_FLOORS - 4; i++) {
		const struct sr_vermax *v = &e->vermax[i];
		out[n++] = (struct floor){ v->family, v->version,
			                   v->symbol ? sr_arena_printf(a, "%s@%s", v->symbol, v->name)
			                             : v->file ? sr_arena_printf(a, "from %s", v->file) : NULL,
			                   v->file };
	}
	/* the oldest kernel it runs on: the higher of its floors */
	struct sr_kernel_floor kf;
	sr_inspect_kernel_floor(&an->in, &kf);
	const char *k = kf.glibc[0] ? sr_arena_strdup(a, kf.glibc) : NULL, *kd = k ? "NT_GNU_ABI_TAG" : NULL;
	if (kf.go && (!k || sr_version_cmp(k, kf.go) < 0)) {
		k = kf.go;
		kd = an->in.go->version;
	}
	if (k)
		out[n++] = (struct floor){ "kernel", k, kd, NULL };
	const struct sr_pe *pe = an->in.pe;
	uint16_t wmaj, wmin;
	if (pe && (sr_pe_min_windows(pe, &wmaj, &wmin), wmaj))
		out[n++] = (struct floor){ "windows", sr_arena_printf(a, "%u.%u", wmaj, wmin), "the PE header", NULL };
	const struct sr_macho *m = an->in.macho;
	if (m && m->nslices && m->slices[0].parsed) {
		const struct sr_macho_slice *sl = &m->slices[0];
		for (size_t i = 0; i < sl->nversions && n < MAX_FLOORS; i++) {
			const char *plat = sr_macho_platform_name(sl->versions[i].platform);
			char buf[16];
			out[n++] = (struct floor){ plat ? plat : "Apple OS",
				                   sr_arena_strdup(a, sr_macho_version_str(sl->versions[i].minos, false, buf,
				                                                           sizeof buf)),
				                   sr_macho_cmd_name(sl->versions[i].cmd), NULL };
		}
	}
	return n;
}

static const struct floor *floor_find(const struct floor *v, size_t n, const char *family)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].version && strcmp(v[i].family, family) == 0)
			return &v[i];
	return NULL;
}

static void floor_change(struct ctx *c, const char *fam, const struct floor *x, const struct floor *y)
{
	if (x && y) {
		int cmp = sr_version_cmp(x->version, y->version);
		if (cmp == 0)
			return;
		struct sr_change *ch = add(c, "floor", fam, x->version, y->version,
		                           cmp < 0 ? SR_CHANGE_REGRESSION : SR_CHANGE_IMPROVEMENT, "%s floor %s: %s → %s%s%s%s",
		                           fam, cmp < 0 ? "rose" : "fell", x->version, y->version, y->detail ? " (" : "",
		                           y->detail ? y->detail : "", y->detail ? ")" : "");
		if (ch)
			ch->delta = version_steps(x->version, y->version);
	} else if (y) {
		/* a family that comes with a new library (libcurl's CURL_OPENSSL_4)
		 * is that library's question */
		bool with_lib = y->file && !has_lib(c->o, y->file);
		struct sr_change *ch = add(c, "floor", fam, NULL, y->version, SR_CHANGE_REGRESSION, "%s floor is new: %s%s%s%s%s",
		                           fam, y->version, y->detail ? " (" : "", y->detail ? y->detail : "",
		                           y->detail ? ")" : "", with_lib ? ", with a new library" : "");
		if (ch)
			ch->with_new_library = with_lib;
	} else if (x) {
		add(c, "floor", fam, x->version, NULL, SR_CHANGE_IMPROVEMENT, "%s floor is gone (was %s)", fam, x->version);
	}
}

static void floors(struct ctx *c)
{
	struct floor fo[MAX_FLOORS], fn[MAX_FLOORS];
	size_t no = floors_of(c->a, c->o, fo), nn = floors_of(c->a, c->n, fn);
	/* every family either build has, the new build's order first */
	for (size_t i = 0; i < nn; i++)
		if (floor_find(fn, i, fn[i].family) == NULL)
			floor_change(c, fn[i].family, floor_find(fo, no, fn[i].family), &fn[i]);
	for (size_t i = 0; i < no; i++)
		if (!floor_find(fn, nn, fo[i].family) && floor_find(fo, i, fo[i].family) == NULL)
			floor_change(c, fo[i].family, &fo[i], NULL);
}

/* ---------- sets: libraries, needs */

/* The libraries a file loads by name: ELF DT_NEEDED, PE imported and
 * delay-loaded DLLs, the first Mach-O slice's dylibs. */
static size_t lib_count(const struct sr_analysis *an)
{
	const struct sr_inspect *in = &an->in;
	if (in->elf)
		return in->elf->needed.count;
	if (in->pe)
		return in->pe->ndlls;
	if (in->macho && in->macho->nslices && in->macho->slices[0].parsed)
		return in->macho->slices[0].ndylibs;
	return 0;
}

static const char *lib_at(const struct sr_analysis *an, size_t i)
{
	const struct sr_inspect *in = &an->in;
	if (in->elf)
		return in->elf->needed.items[i];
	if (in->pe)
		return in->pe->dlls[i].name;
	return in->macho->slices[0].dylibs[i].name;
}

static bool has_lib(const struct sr_analysis *an, const char *name)
{
	bool pe = an->in.pe != NULL;   /* DLL names are case-insensitive */
	for (size_t i = 0, n = lib_count(an); i < n; i++)
		if (pe ? strcasecmp(lib_at(an, i), name) == 0 : strcmp(lib_at(an, i), name) == 0)
			return true;
	return false;
}

static void libraries(struct ctx *c)
{
	if (c->o->in.format != c->n->in.format)
		return;
	for (size_t i = 0, n = lib_count(c->n); i < n; i++)
		if (!has_lib(c->o, lib_at(c->n, i)))
			add(c, "library", lib_at(c->n, i), NULL, lib_at(c->n, i), SR_CHANGE_REGRESSION,
			    "needs a new library: %s", lib_at(c->n, i));
	for (size_t i = 0, n = lib_count(c->o); i < n; i++)
		if (!has_lib(c->n, lib_at(c->o, i)))
			add(c, "library", lib_at(c->o, i), lib_at(c->o, i), NULL, SR_CHANGE_IMPROVEMENT, "no longer needs %s",
			    lib_at(c->o, i));
}

static const struct sr_need *need_of(const struct sr_needs *n, const char *id)
{
	for (size_t i = 0; i < n->n; i++)
		if (strcmp(n->v[i].id, id) == 0)
			return &n->v[i];
	return NULL;
}

static void needs(struct ctx *c, const struct sr_needs *no, const struct sr_needs *nn)
{
	for (size_t i = 0; i < nn->n; i++) {
		const struct sr_need *x = need_of(no, nn->v[i].id), *y = &nn->v[i];
		if (!x)
			add(c, "need", y->id, NULL, y->name, SR_CHANGE_REGRESSION, "reads %s at run time now (%s)", y->name,
			    y->evidence.count ? y->evidence.items[0] : "?");
		else if (x->optional && !y->optional)
			add(c, "need", y->id, "optional", "required", SR_CHANGE_REGRESSION, "%s: the fallback is gone",
			    y->name);
	}
	for (size_t i = 0; i < no->n; i++)
		if (!need_of(nn, no->v[i].id))
			add(c, "need", no->v[i].id, no->v[i].name, NULL, SR_CHANGE_IMPROVEMENT, "no longer reads %s",
			    no->v[i].name);
}

/* ---------- linkage */

static const char *cgo_word(const struct sr_go_info *g)
{
	if (!g || !g->is_go)
		return NULL;
	enum sr_go_cgo cgo = sr_go_linked(g)->cgo;
	return cgo == SR_GO_CGO_YES ? "on" : cgo == SR_GO_CGO_NO ? "off" : NULL;
}

static bool differ(const char *a, const char *b)
{
	return a && b && strcmp(a, b) != 0;
}

static void linkage(struct ctx *c)
{
	const struct sr_elf *eo = c->o->in.elf, *en = c->n->in.elf;
	if (eo && en) {
		const char *lo = sr_linkage_name(eo->linkage), *ln = sr_linkage_name(en->linkage);
		if (differ(lo, ln)) {
			bool worse = eo->linkage != SR_LINK_DYNAMIC && en->linkage == SR_LINK_DYNAMIC;
			bool better = eo->linkage == SR_LINK_DYNAMIC && en->linkage != SR_LINK_DYNAMIC;
			add(c, "linkage", "linkage", lo, ln,
			    worse ? SR_CHANGE_REGRESSION : better ? SR_CHANGE_IMPROVEMENT : SR_CHANGE_NEUTRAL, "linkage: %s → %s",
			    lo, ln);
		}
		const char *io = eo->interpreter, *in = en->interpreter;
		if ((io || in) && (!io || !in || strcmp(io, in) != 0))
			add(c, "interpreter", "PT_INTERP", io, in, SR_CHANGE_NEUTRAL, "interpreter: %s → %s", io ? io : "none",
			    in ? in : "none");
		const char *co = sr_libc_name(eo->libc), *cn = sr_libc_name(en->libc);
		if (eo->libc != SR_LIBC_UNKNOWN && en->libc != SR_LIBC_UNKNOWN && differ(co, cn))
			add(c, "libc", "libc", co, cn, SR_CHANGE_NEUTRAL, "C library: %s → %s", co, cn);
	}
	const char *go = cgo_word(c->o->in.go), *gn = cgo_word(c->n->in.go);
	if (differ(go, gn))
		add(c, "cgo", "cgo", go, gn, strcmp(gn, "on") == 0 ? SR_CHANGE_REGRESSION : SR_CHANGE_IMPROVEMENT,
		    "cgo: %s → %s%s", go, gn, strcmp(gn, "on") == 0 ? " (it needs a C library now)" : "");
}

/* ---------- hardening */

/* One hardening feature of a file: 1 on, 0 off, -1 unknown; with an
 * order where a feature has degrees (RELRO: 0 none, 1 partial, 2 full). */
struct feature {
	const char *what;
	int level;
	const char *word;
};

#define MAX_FEATURES 8

static int tri(enum sr_tri t)
{
	return t == SR_TRI_UNKNOWN ? -1 : t == SR_TRI_YES;
}

static const char *yes_no(int v)
{
	return v > 0 ? "yes" : "no";
}

static size_t features_of(const struct sr_analysis *an, struct feature *out)
{
	size_t n = 0;
	const struct sr_elf *e = an->in.elf;
	if (e) {
		const struct sr_hardening *h = &e->hardening;
		if (e->kind != SR_ELF_KIND_SHARED)
			out[n++] = (struct feature){ "pie", h->pie, yes_no(h->pie) };
		if (e->has_dynamic)
			out[n++] = (struct feature){ "relro", (int)h->relro, sr_relro_name(h->relro) };
		out[n++] = (struct feature){ "nx", h->nx_stack, yes_no(h->nx_stack) };
		out[n++] = (struct feature){ "canary", tri(h->stack_protector), yes_no(tri(h->stack_protector)) };
		out[n++] = (struct feature){ "fortify", tri(h->fortify), yes_no(tri(h->fortify)) };
	}
	const struct sr_pe *pe = an->in.pe;
	if (pe) {
		const struct {
			const char *what;
			unsigned bit;
		} bits[] = { { "pie", SR_PE_DLLCHAR_DYNAMIC_BASE },
			     { "high-entropy-va", SR_PE_DLLCHAR_HIGH_ENTROPY_VA },
			     { "nx", SR_PE_DLLCHAR_NX_COMPAT },
			     { "cfg", SR_PE_DLLCHAR_GUARD_CF } };
		for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
			int on = (pe->dll_characteristics & bits[i].bit) != 0;
			out[n++] = (struct feature){ bits[i].what, on, yes_no(on) };
		}
	}
	const struct sr_macho *m = an->in.macho;
	if (m && m->nslices && m->slices[0].parsed) {
		const struct sr_macho_slice *sl = &m->slices[0];
		if (sl->filetype == SR_MH_EXECUTE) {
			int pie = (sl->flags & SR_MH_PIE) != 0;
			out[n++] = (struct feature){ "pie", pie, yes_no(pie) };
		}
		int nx = (sl->flags & SR_MH_ALLOW_STACK_EXECUTION) == 0;
		out[n++] = (struct feature){ "nx", nx, yes_no(nx) };
	}
	return n;
}

static void hardening(struct ctx *c)
{
	struct feature fo[MAX_FEATURES], fn[MAX_FEATURES];
	size_t no = features_of(c->o, fo), nn = features_of(c->n, fn);
	for (size_t i = 0; i < nn; i++)
		for (size_t k = 0; k < no; k++) {
			if (strcmp(fo[k].what, fn[i].what) != 0)
				continue;
			int o = fo[k].level, n = fn[i].level;
			if (o >= 0 && n >= 0 && o != n)
				add(c, "hardening", fn[i].what, fo[k].word, fn[i].word,
				    n < o ? SR_CHANGE_REGRESSION : SR_CHANGE_IMPROVEMENT, "%s %s: %s → %s", fn[i].what,
				    n < o ? "lost" : "gained", fo[k].word, fn[i].word);
			break;
		}
}

/* ---------- Go */

static const struct sr_go_modinfo *modinfo(const struct sr_analysis *an)
{
	const struct sr_go_info *g = an->in.go;
	return g && g->is_go && g->bi && g->bi->mod ? g->bi->mod : NULL;
}

/* The version linked in: a replacement's when there is one. */
static const char *linked_version(const struct sr_go_module *m)
{
	return m->replace && m->replace->version && m->replace->version[0] ? m->replace->version : m->version;
}

static const struct sr_go_module *dep(const struct sr_go_modinfo *mi, const char *path)
{
	for (size_t i = 0; mi && i < mi->ndeps; i++)
		if (strcmp(mi->deps[i].path, path) == 0)
			return &mi->deps[i];
	return NULL;
}

static void modules(struct ctx *c, const struct sr_go_modinfo *mo, const struct sr_go_modinfo *mn)
{
	for (size_t i = 0; i < mn->ndeps; i++) {
		const struct sr_go_module *y = &mn->deps[i], *x = dep(mo, y->path);
		const char *vy = linked_version(y);
		if (!x) {
			add(c, "module", y->path, NULL, vy, SR_CHANGE_NEUTRAL, "module added: %s %s", y->path, vy);
			continue;
		}
		const char *vx = linked_version(x);
		int cmp = sr_semver_cmp(vx, vy);
		if (cmp == 0 && strcmp(vx, vy) == 0)
			continue;
		struct sr_change *ch = add(c, "module", y->path, vx, vy, cmp > 0 ? SR_CHANGE_REGRESSION : SR_CHANGE_NEUTRAL,
		                           "module %s: %s %s → %s", cmp > 0 ? "downgraded" : "upgraded", y->path, vx, vy);
		if (ch)
			ch->downgrade = cmp > 0;
	}
	for (size_t i = 0; i < mo->ndeps; i++)
		if (!dep(mn, mo->deps[i].path))
			add(c, "module", mo->deps[i].path, linked_version(&mo->deps[i]), NULL, SR_CHANGE_NEUTRAL,
			    "module removed: %s %s", mo->deps[i].path, linked_version(&mo->deps[i]));
}

static const char *setting(const struct sr_go_modinfo *m, const char *key)
{
	const struct sr_go_setting *s = m ? sr_go_modinfo_setting(m, key) : NULL;
	return s ? s->value : NULL;
}

static void settings(struct ctx *c, const struct sr_go_modinfo *mo, const struct sr_go_modinfo *mn)
{
	/* every key of either build, the new build's order first */
	for (int pass = 0; pass < 2; pass++) {
		const struct sr_go_modinfo *m = pass == 0 ? mn : mo;
		for (size_t i = 0; i < m->nsettings; i++) {
			const char *key = m->settings[i].key;
			if (pass == 1 && setting(mn, key))
				continue;
			if (strncmp(key, "vcs.", 4) == 0 || strcmp(key, "CGO_ENABLED") == 0)
				continue;   /* vcs below; cgo above */
			const char *x = setting(mo, key), *y = setting(mn, key);
			if (x && y && strcmp(x, y) == 0)
				continue;
			bool lost_trimpath = strcmp(key, "-trimpath") == 0 && x && strcmp(x, "true") == 0;
			add(c, "setting", key, x, y, lost_trimpath ? SR_CHANGE_REGRESSION : SR_CHANGE_NEUTRAL,
			    "build setting %s: %s → %s", key, x ? x : "(none)", y ? y : "(none)");
		}
	}
	const char *mx = setting(mo, "vcs.modified"), *my = setting(mn, "vcs.modified");
	if (differ(mx, my) || (!mx && my && strcmp(my, "true") == 0))
		add(c, "vcs", "vcs.modified", mx, my, my && strcmp(my, "true") == 0 ? SR_CHANGE_REGRESSION : SR_CHANGE_IMPROVEMENT,
		    "vcs.modified: %s → %s%s", mx ? mx : "(none)", my ? my : "(none)",
		    my && strcmp(my, "true") == 0 ? " (built from uncommitted changes)" : "");
	const char *rx = setting(mo, "vcs.revision"), *ry = setting(mn, "vcs.revision");
	if (differ(rx, ry))
		add(c, "vcs", "vcs.revision", rx, ry, SR_CHANGE_NEUTRAL, "vcs.revision: %.12s → %.12s", rx, ry);
}

static void go(struct ctx *c)
{
	const struct sr_go_info *go = c->o->in.go, *gn = c->n->in.go;
	const char *vo = go && go->is_go ? go->version : NULL, *vn = gn && gn->is_go ? gn->version : NULL;
	if (differ(vo, vn))
		add(c, "go", "go", vo, vn, SR_CHANGE_NEUTRAL, "Go release: %s → %s", vo, vn);
	const struct sr_go_modinfo *mo = modinfo(c->o), *mn = modinfo(c->n);
	if (mo && mn) {
		modules(c, mo, mn);
		settings(c, mo, mn);
	}
}

/* ---------- size */

static uint64_t file_size(const struct sr_analysis *an)
{
	return an->in.file.r.len;
}

static const struct sr_image_sect *sect(const struct sr_image *img, const char *name)
{
	return img ? sr_image_section(img, name) : NULL;
}

static void sizes(struct ctx *c)
{
	uint64_t so = file_size(c->o), sn = file_size(c->n);
	if (so != sn) {
		struct sr_change *ch = add(c, "size", "file", sr_arena_printf(c->a, "%llu", (unsigned long long)so),
		                           sr_arena_printf(c->a, "%llu", (unsigned long long)sn), SR_CHANGE_NEUTRAL,
		                           "size: %llu → %llu bytes (%+lld)", (unsigned long long)so, (unsigned long long)sn,
		                           (long long)(sn - so));
		if (ch)
			ch->delta = (int64_t)(sn - so);
	}
	const struct sr_image *io = sr_inspect_image(&c->o->in), *in = sr_inspect_image(&c->n->in);
	/* the new build's sections, then those only the old one has */
	for (int pass = 0; pass < 2; pass++) {
		const struct sr_image *img = pass == 0 ? in : io, *other = pass == 0 ? io : in;
		for (size_t i = 0; img && i < img->nsects; i++) {
			const struct sr_image_sect *s = &img->sects[i];
			if (!s->name || !s->name[0] || !s->alloc || sr_image_section(img, s->name) != s)
				continue;   /* not in memory, or a repeated name: the first only */
			const struct sr_image_sect *t = sect(other, s->name);
			if (pass == 1 && t)
				continue;
			const struct sr_image_sect *x = pass == 0 ? t : s, *y = pass == 0 ? s : NULL;
			uint64_t a = x ? x->size : 0, b = y ? y->size : 0;
			uint64_t big = a > b ? a : b, diff = a > b ? a - b : b - a;
			if (diff < SIZE_MIN_BYTES || diff < big / 1000 * SIZE_PERMILLE)
				continue;
			struct sr_change *ch =
				add(c, "size", s->name, x ? sr_arena_printf(c->a, "%llu", (unsigned long long)a) : NULL,
				    y ? sr_arena_printf(c->a, "%llu", (unsigned long long)b) : NULL, SR_CHANGE_NEUTRAL,
				    "section %s: %llu → %llu bytes (%+lld)", s->name, (unsigned long long)a, (unsigned long long)b,
				    (long long)(b - a));
			if (ch)
				ch->delta = (int64_t)(b - a);
		}
	}
}

/* Regressions first, then improvements, then the rest; in the order found
 * within each. */
static void order(struct sr_diff *d, struct sr_arena *a)
{
	struct sr_change *v = sr_arena_array(a, d->n + 1, sizeof *v);
	if (!v)
		return;
	size_t k = 0;
	const enum sr_change_effect rank[] = { SR_CHANGE_REGRESSION, SR_CHANGE_IMPROVEMENT, SR_CHANGE_NEUTRAL };
	for (size_t r = 0; r < 3; r++)
		for (size_t i = 0; i < d->n; i++)
			if (d->v[i].effect == rank[r])
				v[k++] = d->v[i];
	d->v = v;
}

enum sr_err sr_diff_make(const struct sr_analysis *old, const struct sr_analysis *new_, struct sr_diff *out,
                         struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	const struct sr_needs *old_needs, *new_needs;
	enum sr_err rc = sr_analysis_needs(old, &old_needs, err);
	if (rc != SR_OK || (rc = sr_analysis_needs(new_, &new_needs, err)) != SR_OK)
		return rc;
	struct sr_arena *a = sr_arena_new();
	out->priv = calloc(1, sizeof *out->priv);
	if (!a || !out->priv) {
		sr_arena_free(a);
		free(out->priv);
		out->priv = NULL;
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	out->priv->a = a;
	struct ctx c = { out, a, old, new_ };
	floors(&c);
	libraries(&c);
	needs(&c, old_needs, new_needs);
	linkage(&c);
	hardening(&c);
	go(&c);
	sizes(&c);
	order(out, a);
	out->truncated = out->priv->full;
	if (out->priv->full && out->n == 0) {
		sr_diff_free(out);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	return SR_OK;
}

void sr_diff_free(struct sr_diff *d)
{
	if (!d->priv)
		return;
	sr_arena_free(d->priv->a);
	free(d->priv);
	memset(d, 0, sizeof *d);
}
