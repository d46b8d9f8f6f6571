/* Evaluating a policy on one analysed binary: one violation per offending
 * fact, with the evidence that shows it (docs/policy.md, "Rules"). */
#include "shipready/policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/policy_internal.h"

struct sr_violations_priv {
	struct sr_arena *a;
};

/* One thing the rules look at: the file, or one slice of a universal Mach-O file. */
struct unit {
	const char *label;                    /* "arm64 slice", or NULL */
	const struct sr_elf *elf;
	const struct sr_pe *pe;
	const struct sr_macho_slice *ms;
	const struct sr_go_info *go;          /* NULL: not Go, or not read */
	bool go_unread;                       /* Go marks seen, but the Go reader did not run */
};

struct ev {
	const struct sr_policy *p;
	struct sr_violations *out;
	struct sr_arena *a;
	size_t cap, dropped;
	bool nomem;
	const struct unit *u;
};

static void add(struct ev *e, const char *rule, const char *evidence, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static void add(struct ev *e, const char *rule, const char *evidence, const char *fmt, ...)
{
	if (e->nomem)
		return;
	if (e->out->n >= SR_POLICY_MAX_VIOLATIONS) {
		e->dropped++;
		return;
	}
	char msg[1024], evb[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	const char *label = e->u ? e->u->label : NULL;
	if (label) {
		snprintf(evb, sizeof evb, "%s%s%s", label, evidence ? ": " : "", evidence ? evidence : "");
		evidence = evb;
	}
	struct sr_violation *v = sr_arena_grow(e->a, e->out->v, e->out->n, &e->cap, sizeof *v, SR_POLICY_MAX_VIOLATIONS);
	if (!v) {
		e->nomem = true;
		return;
	}
	e->out->v = v;
	v = &e->out->v[e->out->n];
	v->rule = rule;
	if (!(v->message = sr_arena_strdup(e->a, msg)) || (evidence && !(v->evidence = sr_arena_strdup(e->a, evidence)))) {
		e->nomem = true;
		return;
	}
	e->out->n++;
}

/* The strings of l joined by "; " (at most 512 bytes), or fallback. */
static const char *join(struct ev *e, const struct sr_strlist *l, const char *fallback)
{
	char buf[512];
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < l->count && o + 1 < sizeof buf; i++) {
		int n = snprintf(buf + o, sizeof buf - o, "%s%s", i ? "; " : "", l->items[i]);
		if (n < 0)
			break;
		o += (size_t)n < sizeof buf - o ? (size_t)n : sizeof buf - o - 1;
	}
	if (!buf[0])
		return fallback;
	const char *s = sr_arena_strdup(e->a, buf);
	if (!s)
		e->nomem = true;
	return s ? s : fallback;
}

static const char *format_name(const struct unit *u)
{
	return u->elf ? "an ELF file" : u->pe ? "a PE file" : "a Mach-O file";
}

/* ---------- libraries ---------- */

/* A pattern without '/' names the last path component ("libSystem.B.dylib"
 * matches "/usr/lib/libSystem.B.dylib"); with '/' the whole name. */
static bool lib_match(const char *pat, const char *name, bool casefold)
{
	if (!strchr(pat, '/')) {
		const char *slash = strrchr(name, '/');
		if (slash)
			name = slash + 1;
	}
	return sr_policy_glob_match(pat, name, casefold);
}

static void check_library(struct ev *e, const char *name, const char *how, bool casefold)
{
	const struct sr_policy *p = e->p;
	if (!name)
		return;
	if (p->has_allowed) {
		bool ok = false;
		for (size_t i = 0; i < p->nallowed && !ok; i++)
			ok = lib_match(p->allowed[i], name, casefold);
		if (!ok)
			add(e, "allowed_libraries", how, "%s is not an allowed library", name);
	}
	for (size_t i = 0; i < p->nforbidden; i++) {
		if (lib_match(p->forbidden[i], name, casefold)) {
			add(e, "forbidden_libraries", how, "%s is forbidden (matches \"%s\")", name, p->forbidden[i]);
			break;
		}
	}
}

static void rule_libraries(struct ev *e, const struct unit *u)
{
	if (!e->p->has_allowed && e->p->nforbidden == 0)
		return;
	if (u->elf) {
		for (size_t i = 0; i < u->elf->needed.count; i++)
			check_library(e, u->elf->needed.items[i], "DT_NEEDED", false);
	} else if (u->pe) {
		for (size_t i = 0; i < u->pe->ndlls; i++)   /* Windows compares DLL names case-insensitively */
			check_library(e, u->pe->dlls[i].name, u->pe->dlls[i].delay_load ? "delay-load import" : "import",
			              true);
	} else {
		for (size_t i = 0; i < u->ms->ndylibs; i++) {
			const char *cmd = sr_macho_cmd_name(u->ms->dylibs[i].cmd);
			check_library(e, u->ms->dylibs[i].name, cmd ? cmd : "LC_LOAD_DYLIB", false);
		}
	}
}

/* ---------- symbol versions ---------- */

struct over {
	const char *name;           /* "GLIBC_2.34" */
	const char *version;        /* "2.34" */
	size_t family;              /* index in p->symmax */
};

/* Family in policy order, then the highest version first. */
static int over_cmp(const void *a, const void *b)
{
	const struct over *x = a, *y = b;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	int c = sr_version_cmp(y->version, x->version);
	return c ? c : strcmp(x->name, y->name);
}

static void rule_symbol_versions(struct ev *e, const struct unit *u)
{
	const struct sr_policy *p = e->p;
	if (p->nsymmax == 0 || !u->elf)
		return;   /* PE and Mach-O have no symbol versions: nothing exceeds a maximum */
	const struct sr_elf *elf = u->elf;
	for (size_t i = 0; i < elf->verneed_count; i++) {
		const struct sr_verneed *vn = &elf->verneed[i];
		struct over *list = vn->count ? calloc(vn->count, sizeof *list) : NULL;
		size_t n = 0;
		if (vn->count && !list) {
			e->nomem = true;
			return;
		}
		for (size_t k = 0; k < vn->count; k++) {
			const char *name = vn->vers[k].name, *ver;
			size_t flen;
			if (!name || !sr_version_split(name, &flen, &ver))
				continue;
			for (size_t m = 0; m < p->nsymmax; m++) {
				const struct sr_policy_symmax *s = &p->symmax[m];
				if (strlen(s->family) == flen && strncmp(s->family, name, flen) == 0 &&
				    sr_version_cmp(ver, s->version) > 0) {
					list[n++] = (struct over){ name, ver, m };
					break;
				}
			}
		}
		if (n > 1)
			qsort(list, n, sizeof *list, over_cmp);
		char how[600];
		snprintf(how, sizeof how, "required from %s", vn->file ? vn->file : "?");
		for (size_t k = 0; k < n; k++)
			add(e, "max_symbol_versions", how, "%s > %s", list[k].name, p->symmax[list[k].family].version);
		free(list);
	}
}

/* ---------- linkage ---------- */

static void allowed_text(unsigned mask, char *buf, size_t cap)
{
	const char *names[3];
	size_t n = 0;
	if (mask & SR_POLICY_LINK_STATIC)
		names[n++] = "static";
	if (mask & SR_POLICY_LINK_STATIC_PIE)
		names[n++] = "static-pie";
	if (mask & SR_POLICY_LINK_DYNAMIC)
		names[n++] = "dynamic";
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
}

static void rule_linkage(struct ev *e, const struct unit *u)
{
	unsigned allowed = e->p->linkage;
	if (!allowed)
		return;
	unsigned have;
	char how[600];
	if (u->elf) {
		const struct sr_elf *elf = u->elf;
		switch (elf->linkage) {
		case SR_LINK_STATIC:
			have = SR_POLICY_LINK_STATIC;
			snprintf(how, sizeof how, "no PT_INTERP, not position-independent");
			break;
		case SR_LINK_STATIC_PIE:
			have = SR_POLICY_LINK_STATIC_PIE;
			snprintf(how, sizeof how, "position-independent, no PT_INTERP");
			break;
		case SR_LINK_DYNAMIC:
			have = SR_POLICY_LINK_DYNAMIC;
			if (elf->has_interp)
				snprintf(how, sizeof how, "PT_INTERP %s", elf->interpreter ? elf->interpreter : "(unreadable)");
			else if (elf->needed.count)
				snprintf(how, sizeof how, "DT_NEEDED %s", elf->needed.items[0]);
			else
				snprintf(how, sizeof how, "a shared object");
			break;
		default:
			add(e, "linkage", NULL, "cannot verify: not a linked program (%s)", sr_elf_kind_name(elf->kind));
			return;
		}
	} else if (u->pe) {
		have = u->pe->ndlls ? SR_POLICY_LINK_DYNAMIC : SR_POLICY_LINK_STATIC;
		if (u->pe->ndlls)
			snprintf(how, sizeof how, "imports %s", u->pe->dlls[0].name);
		else
			snprintf(how, sizeof how, "no imported DLLs");
	} else {
		const struct sr_macho_slice *s = u->ms;
		have = (s->dylinker || s->ndylibs) ? SR_POLICY_LINK_DYNAMIC : SR_POLICY_LINK_STATIC;
		if (s->dylinker)
			snprintf(how, sizeof how, "LC_LOAD_DYLINKER %s", s->dylinker);
		else if (s->ndylibs)
			snprintf(how, sizeof how, "loads %s", s->dylibs[0].name);
		else
			snprintf(how, sizeof how, "no dylinker, no dylibs");
	}
	if (have & allowed)
		return;
	char want[64];
	allowed_text(allowed, want, sizeof want);
	const char *hn = have == SR_POLICY_LINK_STATIC       ? "static"
	                 : have == SR_POLICY_LINK_STATIC_PIE ? "static-pie"
	                                                     : "dynamic";
	add(e, "linkage", how, "%s linkage; the policy allows %s", hn, want);
}

/* ---------- hardening ---------- */

static bool elf_linked(struct ev *e, const struct unit *u, const char *rule)
{
	if (u->elf->linkage != SR_LINK_NONE)
		return true;
	add(e, rule, NULL, "cannot verify: not a linked program (%s)", sr_elf_kind_name(u->elf->kind));
	return false;
}

static void rule_pie(struct ev *e, const struct unit *u)
{
	if (!e->p->require_pie)
		return;
	if (u->elf) {
		if (!elf_linked(e, u, "require_pie"))
			return;
		/* ET_DYN libraries are position-independent by construction */
		if (u->elf->kind == SR_ELF_KIND_PIE || u->elf->kind == SR_ELF_KIND_SHARED)
			return;
		add(e, "require_pie", "ELF type ET_EXEC", "not a position-independent executable");
	} else if (u->pe) {
		if (!(u->pe->dll_characteristics & SR_PE_DLLCHAR_DYNAMIC_BASE))
			add(e, "require_pie", "DllCharacteristics without DYNAMIC_BASE",
			    "not relocatable at load time (no ASLR)");
	} else {
		const struct sr_macho_slice *s = u->ms;
		if (s->filetype == SR_MH_EXECUTE && !(s->flags & SR_MH_PIE))
			add(e, "require_pie", "mach header without MH_PIE", "not a position-independent executable");
		else if (s->filetype != SR_MH_EXECUTE && s->filetype != SR_MH_DYLIB && s->filetype != SR_MH_BUNDLE)
			add(e, "require_pie", NULL, "cannot verify: not a linked program (%s)",
			    sr_macho_filetype_name(s->filetype) ? sr_macho_filetype_name(s->filetype) : "unknown file type");
	}
}

static void rule_relro(struct ev *e, const struct unit *u)
{
	if (!e->p->require_full_relro)
		return;
	if (!u->elf) {
		add(e, "require_full_relro", NULL, "cannot verify: RELRO is an ELF feature (this is %s)", format_name(u));
		return;
	}
	if (!elf_linked(e, u, "require_full_relro"))
		return;
	if (u->elf->hardening.relro == SR_RELRO_PARTIAL)
		add(e, "require_full_relro", "PT_GNU_RELRO without BIND_NOW", "partial RELRO");
	else if (u->elf->hardening.relro == SR_RELRO_NONE)
		add(e, "require_full_relro", "no PT_GNU_RELRO segment", "no RELRO");
}

static void rule_nx(struct ev *e, const struct unit *u)
{
	if (!e->p->require_nx)
		return;
	if (u->elf) {
		if (!elf_linked(e, u, "require_nx"))
			return;
		const struct sr_hardening *h = &u->elf->hardening;
		if (!h->has_gnu_stack)
			add(e, "require_nx", "no PT_GNU_STACK program header",
			    "stack may be executable (no PT_GNU_STACK: the kernel's default applies)");
		else if (!h->nx_stack)
			add(e, "require_nx", "PT_GNU_STACK with PF_X", "executable stack");
	} else if (u->pe) {
		if (!(u->pe->dll_characteristics & SR_PE_DLLCHAR_NX_COMPAT))
			add(e, "require_nx", "DllCharacteristics without NX_COMPAT", "not marked NX-compatible (DEP)");
	} else if (u->ms->flags & SR_MH_ALLOW_STACK_EXECUTION) {
		add(e, "require_nx", "mach header flag MH_ALLOW_STACK_EXECUTION", "executable stack");
	}
}

static void rule_rpath(struct ev *e, const struct unit *u)
{
	if (!e->p->forbid_rpath)
		return;
	if (u->elf) {
		for (size_t i = 0; i < u->elf->rpath.count; i++)
			add(e, "forbid_rpath", "DT_RPATH", "RPATH %s", u->elf->rpath.items[i]);
		for (size_t i = 0; i < u->elf->runpath.count; i++)
			add(e, "forbid_rpath", "DT_RUNPATH", "RUNPATH %s", u->elf->runpath.items[i]);
	} else if (u->ms) {
		for (size_t i = 0; i < u->ms->rpaths.count; i++)
			add(e, "forbid_rpath", "LC_RPATH", "rpath %s", u->ms->rpaths.items[i]);
	}
	/* PE has no run-time search path in the file */
}

/* ---------- Go ---------- */

/* False (after a violation) when a Go rule cannot look at the Go facts. */
static bool go_readable(struct ev *e, const struct unit *u, const char *rule)
{
	if (u->go_unread) {
		add(e, rule, "Go marks in the file, analysed without the Go reader", "cannot verify: a Go binary not read as Go");
		return false;
	}
	return u->go && u->go->is_go;   /* not Go: Go rules hold */
}

static void rule_cgo(struct ev *e, const struct unit *u)
{
	const char *key = e->p->cgo_key;
	if (!e->p->cgo_want || !go_readable(e, u, key))
		return;
	const struct sr_go_info *g = u->go;
	const struct sr_go_linked *gl = sr_go_linked(g);
	if (gl->cgo == SR_GO_CGO_UNKNOWN)
		add(e, key, join(e, &gl->cgo_evidence, "no CGO_ENABLED build setting, no function table"),
		    "cannot verify: cgo use unknown");
	else if (gl->cgo == SR_GO_CGO_YES && e->p->cgo_want < 0)
		add(e, key, join(e, &gl->cgo_evidence, NULL), "uses cgo");
	else if (gl->cgo == SR_GO_CGO_NO && e->p->cgo_want > 0)
		add(e, key, join(e, &gl->cgo_evidence, "no runtime/cgo"), "does not use cgo");
}

static const char *go_version_source(const struct sr_go_info *g)
{
	switch (g->version_source) {
	case SR_GO_VSRC_BUILDINFO: return "build info";
	case SR_GO_VSRC_RUNTIME: return "runtime.buildVersion, no build info";
	case SR_GO_VSRC_PCLNTAB: return "function table layout only, no build info";
	default: return NULL;
	}
}

static void rule_min_go(struct ev *e, const struct unit *u)
{
	const struct sr_policy *p = e->p;
	if (!p->has_min_go || !go_readable(e, u, "min_go_version"))
		return;
	const struct sr_go_info *g = u->go;
	struct sr_policy_gover_bin b;
	sr_policy_gover_parse_bin(g->version, &b);
	const char *src = go_version_source(g);
	switch (b.kind) {
	case SR_POLICY_GOVER_EXACT:
		if (sr_policy_gover_cmp(&b.lo, &p->min_go) < 0)
			add(e, "min_go_version", src, "%s < %s", g->version, p->min_go_text);
		return;
	case SR_POLICY_GOVER_RANGE:
		if (sr_policy_gover_cmp(&b.lo, &p->min_go) >= 0)
			return;
		if (b.has_hi && (b.hi_major < p->min_go.major ||
		                 (b.hi_major == p->min_go.major && b.hi_minor < p->min_go.minor))) {
			add(e, "min_go_version", src, "%s < %s", g->version, p->min_go_text);
			return;
		}
		add(e, "min_go_version", src, "cannot verify: built with %s, the policy needs %s or later", g->version,
		    p->min_go_text);
		return;
	default:
		add(e, "min_go_version", g->version ? src : "no build info, no runtime.buildVersion, no function table",
		    "cannot verify: Go version unknown%s%s%s", g->version ? " (" : "", g->version ? g->version : "",
		    g->version ? ")" : "");
		return;
	}
}

static const char *range_text(const struct sr_policy_gomod *r, const char *v)
{
	for (size_t i = 0; i < r->nranges; i++)
		if (sr_policy_vrange_match(&r->ranges[i], v))
			return r->ranges[i].text;
	return NULL;
}

/* The module list of a Go binary for rule, or NULL (after a violation
 * when it cannot be read). */
static const struct sr_go_modinfo *module_list(struct ev *e, const struct unit *u, const char *rule)
{
	if (!go_readable(e, u, rule))
		return NULL;
	const struct sr_go_buildinfo *bi = u->go->bi;
	const struct sr_go_modinfo *m = bi ? bi->mod : NULL;
	if (!m || !bi->modinfo || bi->modinfo_len == 0) {
		add(e, rule,
		    bi && bi->status == SR_GO_BI_BAD_MODINFO && bi->error[0] ? bi->error
		                                                             : "no module list in the build info",
		    "cannot verify: the modules linked in are unknown");
		return NULL;
	}
	return m;
}

/* A dependency as the build info says it (how), and the module whose code
 * is linked in: the replacement's, when there is one. */
static void dep_linked(const struct sr_go_module *d, char *how, size_t hsize, const char **path,
                       const char **version)
{
	const struct sr_go_module *r = d->replace;
	if (r)
		snprintf(how, hsize, "dep %s %s => %s%s%s", d->path, d->version, r->path, r->version[0] ? " " : "",
		         r->version);
	else
		snprintf(how, hsize, "dep %s %s", d->path, d->version);
	*path = r ? r->path : d->path;
	*version = r ? r->version : d->version;
}

/* Does a {"path": glob} entry name dependency d (its path, or its replacement's)? */
static bool entry_matches(const struct sr_policy_gomod *g, const struct sr_go_module *d)
{
	return sr_policy_glob_match(g->path, d->path, false) ||
	       (d->replace && sr_policy_glob_match(g->path, d->replace->path, false));
}

static void rule_gomods(struct ev *e, const struct unit *u)
{
	const struct sr_policy *p = e->p;
	const struct sr_go_modinfo *m = p->ngomods ? module_list(e, u, "forbidden_go_modules") : NULL;
	if (!m)
		return;
	for (size_t i = 0; i < m->ndeps; i++) {
		const struct sr_go_module *d = &m->deps[i];
		char how[1200];
		const char *path, *version;
		dep_linked(d, how, sizeof how, &path, &version);
		for (size_t k = 0; k < p->ngomods; k++) {
			const struct sr_policy_gomod *g = &p->gomods[k];
			if (!entry_matches(g, d))
				continue;
			if (g->nranges == 0) {
				add(e, "forbidden_go_modules", how, "%s%s%s is forbidden (any version)", path, version[0] ? " " : "",
				    version);
				break;
			}
			if (!sr_semver_valid(version)) {
				add(e, "forbidden_go_modules", how, "cannot verify: %s%s%s has no module version to compare", path,
				    version[0] ? " " : "", version);
				break;
			}
			const char *hit = range_text(g, version);
			if (hit) {
				add(e, "forbidden_go_modules", how, "%s %s is forbidden (%s)", path, version, hit);
				break;
			}
		}
	}
}

/* Every dependency must match an entry of allowed_go_modules (its path, or
 * its replacement's, and the linked version within a range when the entry
 * has ranges). */
static void rule_allowed_gomods(struct ev *e, const struct unit *u)
{
	const struct sr_policy *p = e->p;
	const struct sr_go_modinfo *m = p->has_allowed_gomods ? module_list(e, u, "allowed_go_modules") : NULL;
	if (!m)
		return;
	for (size_t i = 0; i < m->ndeps; i++) {
		const struct sr_go_module *d = &m->deps[i];
		char how[1200];
		const char *path, *version;
		dep_linked(d, how, sizeof how, &path, &version);
		bool allowed = false, undecided = false;
		for (size_t k = 0; k < p->nallowed_gomods && !allowed; k++) {
			const struct sr_policy_gomod *g = &p->allowed_gomods[k];
			if (!entry_matches(g, d))
				continue;
			if (g->nranges == 0)
				allowed = true;
			else if (!sr_semver_valid(version))
				undecided = true;
			else
				allowed = range_text(g, version) != NULL;
		}
		if (allowed)
			continue;
		if (undecided)
			add(e, "allowed_go_modules", how, "cannot verify: %s%s%s has no module version to compare", path,
			    version[0] ? " " : "", version);
		else
			add(e, "allowed_go_modules", how, "%s%s%s is not allowed", path, version[0] ? " " : "", version);
	}
}

static void rule_max_go(struct ev *e, const struct unit *u)
{
	const struct sr_policy *p = e->p;
	if (!p->has_max_go || !go_readable(e, u, "max_go_version"))
		return;
	const struct sr_go_info *g = u->go;
	struct sr_policy_gover_bin b;
	sr_policy_gover_parse_bin(g->version, &b);
	const char *src = go_version_source(g);
	const struct sr_policy_gover *max = &p->max_go;
	switch (b.kind) {
	case SR_POLICY_GOVER_EXACT: {
		bool over = p->max_go_any_patch
		            ? (b.lo.major > max->major || (b.lo.major == max->major && b.lo.minor > max->minor))
		            : sr_policy_gover_cmp(&b.lo, max) > 0;
		if (over)
			add(e, "max_go_version", src, "%s > %s", g->version, p->max_go_text);
		return;
	}
	case SR_POLICY_GOVER_RANGE:
		/* every 1.lo.x to 1.hi.x (or later, without hi) */
		if (b.lo.major > max->major || (b.lo.major == max->major && b.lo.minor > max->minor)) {
			add(e, "max_go_version", src, "%s > %s", g->version, p->max_go_text);
			return;
		}
		if (b.has_hi && p->max_go_any_patch &&
		    (b.hi_major < max->major || (b.hi_major == max->major && b.hi_minor <= max->minor)))
			return;
		add(e, "max_go_version", src, "cannot verify: built with %s, the policy allows %s at most", g->version,
		    p->max_go_text);
		return;
	default:
		add(e, "max_go_version", g->version ? src : "no build info, no runtime.buildVersion, no function table",
		    "cannot verify: Go version unknown%s%s%s", g->version ? " (" : "", g->version ? g->version : "",
		    g->version ? ")" : "");
		return;
	}
}

/* The build settings of a Go binary for rule, or NULL (after a violation
 * when there are none to read: no build info, or Go before 1.18). */
static const struct sr_go_modinfo *build_settings(struct ev *e, const struct unit *u, const char *rule)
{
	if (!go_readable(e, u, rule))
		return NULL;
	const struct sr_go_buildinfo *bi = u->go->bi;
	const struct sr_go_modinfo *m = bi ? bi->mod : NULL;
	if (!m || m->nsettings == 0) {
		add(e, rule, m ? "Go records build settings since 1.18" : "no build info",
		    "cannot verify: no build settings");
		return NULL;
	}
	return m;
}

static void rule_trimpath(struct ev *e, const struct unit *u)
{
	const struct sr_go_modinfo *m = e->p->require_trimpath ? build_settings(e, u, "require_trimpath") : NULL;
	if (!m)
		return;
	const struct sr_go_setting *s = sr_go_modinfo_setting(m, "-trimpath");
	if (!s || s->value_len != 4 || memcmp(s->value, "true", 4) != 0)
		add(e, "require_trimpath", "no -trimpath=true build setting",
		    "built without -trimpath: the build machine's paths are in the binary");
}

static void rule_vcs_clean(struct ev *e, const struct unit *u)
{
	const struct sr_go_modinfo *m = e->p->require_vcs_clean ? build_settings(e, u, "require_vcs_clean") : NULL;
	if (!m)
		return;
	const struct sr_go_setting *rev = sr_go_modinfo_setting(m, "vcs.revision");
	const struct sr_go_setting *mod = sr_go_modinfo_setting(m, "vcs.modified");
	if (!rev || !mod) {
		add(e, "require_vcs_clean", "no vcs.revision or vcs.modified build setting",
		    "cannot verify: no version control stamp (built outside a repository, or with -buildvcs=false)");
		return;
	}
	if (mod->value_len == 5 && memcmp(mod->value, "false", 5) == 0)
		return;
	char how[256];
	snprintf(how, sizeof how, "vcs.modified=%.*s, vcs.revision=%.*s", (int)(mod->value_len > 16 ? 16 : mod->value_len),
	         mod->value, (int)(rev->value_len > 64 ? 64 : rev->value_len), rev->value);
	add(e, "require_vcs_clean", how, "built from a work tree with uncommitted changes");
}

/* ---------- targets ---------- */

/* A result answers for a policy target by its name, or by its database
 * entry's ("debian-12" for a target opened as "debian-12/aarch64"). */
static bool result_is(const struct sr_check_target *t, const char *name)
{
	return (t->name && strcmp(t->name, name) == 0) || (t->db && t->db->name && strcmp(t->db->name, name) == 0);
}

static void rule_targets(struct ev *e, const struct sr_check_result *const *results, size_t nresults)
{
	const struct sr_policy *p = e->p;
	for (size_t t = 0; t < p->ntargets; t++) {
		const char *name = p->targets[t];
		const struct sr_check_result *r = NULL;
		for (size_t i = 0; i < nresults && !r; i++)
			if (results[i] && results[i]->target && result_is(results[i]->target, name))
				r = results[i];
		if (!r) {
			add(e, "targets_must_pass", NULL, "cannot verify: no check result for %s", name);
			continue;
		}
		size_t listed = 0;
		for (size_t i = 0; i < r->nfindings; i++) {
			const struct sr_finding *f = &r->findings[i];
			if (f->severity != SR_SEV_FAIL && !(f->severity == SR_SEV_WARN && p->fail_on_warnings))
				continue;
			add(e, "targets_must_pass", f->message ? f->message : f->evidence, "must run on %s: %s", name,
			    f->reason ? f->reason : f->kind ? f->kind : "(no reason given)");
			listed++;
		}
		if (listed == 0 && (r->verdict == SR_VERDICT_FAILS || (r->verdict == SR_VERDICT_WARN && p->fail_on_warnings)))
			add(e, "targets_must_pass", NULL, "must run on %s: verdict %s", name,
			    r->verdict == SR_VERDICT_FAILS ? "fails" : "warn");
	}
}

/* ---------- the whole ---------- */

/* Does the policy look at the file itself (not only at target results)? */
static bool has_file_rules(const struct sr_policy *p)
{
	return p->has_allowed || p->nforbidden || p->nsymmax || p->linkage || p->cgo_want || p->require_pie ||
	       p->require_full_relro || p->require_nx || p->forbid_rpath || p->has_min_go || p->ngomods ||
	       p->has_max_go || p->has_allowed_gomods || p->require_trimpath || p->require_vcs_clean;
}

static void eval_unit(struct ev *e, const struct unit *u)
{
	e->u = u;
	rule_linkage(e, u);
	rule_libraries(e, u);
	rule_symbol_versions(e, u);
	rule_rpath(e, u);
	rule_pie(e, u);
	rule_relro(e, u);
	rule_nx(e, u);
	rule_cgo(e, u);
	rule_min_go(e, u);
	rule_max_go(e, u);
	rule_gomods(e, u);
	rule_allowed_gomods(e, u);
	rule_trimpath(e, u);
	rule_vcs_clean(e, u);
	e->u = NULL;
}

static enum sr_err eval(const struct sr_policy *p, const struct sr_inspect *in,
                        const struct sr_check_result *const *results, size_t nresults, bool targets,
                        struct sr_violations *out, struct sr_error *err)
{
	if (!out)
		return sr_error_set(err, SR_E_USAGE, "sr_policy_eval: no output");
	*out = (struct sr_violations){ 0 };
	if (!p || !in || (nresults && !results))
		return sr_error_set(err, SR_E_USAGE, "sr_policy_eval: no policy or no file");
	bool ok = (in->format == SR_FMT_ELF && in->elf) || (in->format == SR_FMT_PE && in->pe) ||
	          (in->format == SR_FMT_MACHO && in->macho);
	if (!ok)
		return sr_error_set(err, SR_E_USAGE, "sr_policy_eval: the file was not analysed");
	struct sr_violations_priv *priv = calloc(1, sizeof *priv);
	if (!priv || !(priv->a = sr_arena_new())) {
		free(priv);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	out->priv = priv;
	struct ev e = { .p = p, .out = out, .a = priv->a };

	if (in->elf) {
		struct unit u = { .elf = in->elf, .go = in->go, .go_unread = !in->go && in->elf->go };
		eval_unit(&e, &u);
	} else if (in->pe) {
		struct unit u = { .pe = in->pe, .go = in->go };
		eval_unit(&e, &u);
	} else {
		const struct sr_macho *m = in->macho;
		for (size_t i = 0; i < m->nslices; i++) {
			const struct sr_macho_slice *s = &m->slices[i];
			char label[64];
			const char *cpu = sr_macho_cpu_name(s->cputype, s->cpusubtype);
			if (cpu)
				snprintf(label, sizeof label, "%s slice", cpu);
			else
				snprintf(label, sizeof label, "slice %zu", i);
			struct unit u = { .label = m->fat ? label : NULL, .ms = s };
			if (in->macho_go)
				u.go = in->macho_go[i];
			else if (!m->fat)
				u.go = in->go;
			if (!s->parsed && has_file_rules(p)) {
				e.u = &u;
				add(&e, "file", s->error, "cannot verify: unreadable slice");
				e.u = NULL;
			}
			if (s->parsed)
				eval_unit(&e, &u);
		}
	}
	if (targets)
		rule_targets(&e, results, nresults);
	if (e.dropped) {
		size_t dropped = e.dropped;
		e.dropped = 0;
		out->n--;   /* room for the note, at the limit */
		add(&e, "policy", NULL, "%zu more violations not listed", dropped + 1);
	}
	if (e.nomem) {
		sr_violations_free(out);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	return SR_OK;
}

enum sr_err sr_policy_eval(const struct sr_policy *p, const struct sr_inspect *in,
                           const struct sr_check_result *const *results, size_t nresults,
                           struct sr_violations *out, struct sr_error *err)
{
	return eval(p, in, results, nresults, true, out, err);
}

enum sr_err sr_policy_eval_file(const struct sr_policy *p, const struct sr_inspect *in, struct sr_violations *out,
                                struct sr_error *err)
{
	return eval(p, in, NULL, 0, false, out, err);
}

void sr_violations_free(struct sr_violations *v)
{
	if (!v)
		return;
	if (v->priv) {
		sr_arena_free(v->priv->a);
		free(v->priv);
	}
	*v = (struct sr_violations){ 0 };
}
