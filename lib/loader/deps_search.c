/* shipready — the search rules: DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH, the cache and the default directories, $ORIGIN and the other tokens. */
#define _GNU_SOURCE 1   /* O_PATH */
#include "loader/deps_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/libc.h"
#include "shipready/macho.h"
#include "shipready/pe.h"

/* Length of a dynamic string token ($NAME or ${NAME}) at s (after the '$'), or 0. */
static size_t dst_len(const char *s, const char *name)
{
	size_t n = strlen(name);
	if (s[0] == '{') {
		if (strncmp(s + 1, name, n) == 0 && s[1 + n] == '}')
			return n + 2;
		return 0;
	}
	if (strncmp(s, name, n) == 0) {
		char next = s[n];
		if (!((next >= 'A' && next <= 'Z') || (next >= 'a' && next <= 'z') || (next >= '0' && next <= '9') ||
		      next == '_'))
			return n;
	}
	return 0;
}

/* Expand $ORIGIN, $LIB and $PLATFORM in one path element, as ld.so does.
 * NULL when the element must be dropped (a known token without a value, or
 * $ORIGIN in secure mode). */
static const char *expand(struct ctx *c, const char *elem, size_t obj)
{
	if (!strchr(elem, '$'))
		return elem;
	char out[SR_ROOT_MAX_PATH + 1];
	size_t o = 0;
	for (const char *s = elem; *s;) {
		const char *repl = NULL;
		size_t len = 0;
		bool known = false;
		if (*s == '$') {
			if ((len = dst_len(s + 1, "ORIGIN"))) {
				known = true;
				repl = c->secure ? NULL : c->d->priv->op[obj].origin;
			} else if ((len = dst_len(s + 1, "PLATFORM"))) {
				known = true;
				repl = c->platform;
				/* glibc from 2.26 on may replace x86-64's AT_PLATFORM
				 * ("haswell", "xeon_phi" on Intel CPUs that qualify) */
				if (c->d->loader_kind == SR_LOADER_GLIBC && deps_cpu_of(c))
					repl = sr_cpu_glibc_platform(deps_cpu_of(c), c->glibc_minor, c->platform);
			} else if ((len = dst_len(s + 1, "LIB"))) {
				known = true;
				repl = c->lib_dst;
			}
		}
		if (known && !repl)
			return NULL;
		if (known) {
			size_t rl = strlen(repl);
			if (o + rl >= sizeof out)
				return NULL;
			memcpy(out + o, repl, rl);
			o += rl;
			s += 1 + len;
		} else {
			if (o + 1 >= sizeof out)
				return NULL;
			out[o++] = *s++;
		}
	}
	out[o] = '\0';
	return deps_adup(c, out);
}

struct search {
	unsigned other_class;     /* a candidate of another ELF class was seen (ld.so's found_other_class) */
	const char *name;
	bool fatal;
	const char *fatal_why;
	char found_path[SR_ROOT_MAX_PATH + 1];
	struct opened op;
	bool have_op;
};

static void record(struct ctx *c, struct sr_strlist *l, size_t *cap, const char *s)
{
	deps_push_str(c, l, cap, deps_adup(c, s), 512);
}

struct edge_caps { size_t tried, skipped; };

static bool try_path(struct ctx *c, struct search *s, struct sr_dep_edge *e, struct edge_caps *ec,
                     const char *dir, const char *path);

/* Try dir/name, after dir/glibc-hwcaps/SUBDIR/name for each subdirectory the
 * CPU supports (glibc 2.33 and later).  True when the search ends (found, or
 * a fatal file error). */
static bool try_dir(struct ctx *c, struct search *s, struct sr_dep_edge *e, struct edge_caps *ec, const char *dir)
{
	char path[SR_ROOT_MAX_PATH + 1];
	size_t dl = strlen(dir);
	if (dl == 0)
		dir = ".", dl = 1;
	if (dl + 1 + strlen(s->name) + 32 >= sizeof path)
		return false;
	const char *sep = dir[dl - 1] == '/' ? "" : "/";
	if (c->d->loader_kind == SR_LOADER_GLIBC && (c->glibc_minor < 0 || c->glibc_minor >= 33)) {
		const char *const *hwcaps;
		size_t nhwcaps = deps_hwcaps_of(c, &hwcaps);
		for (size_t k = 0; k < nhwcaps; k++) {
			char sub[SR_ROOT_MAX_PATH + 1];
			char mid[64];
			if (deps_cat3(mid, sizeof mid, sep, "glibc-hwcaps/", hwcaps[k]) >= sizeof mid ||
			    deps_cat3(sub, sizeof sub, dir, mid, "") >= sizeof sub ||
			    deps_cat3(path, sizeof path, sub, "/", s->name) >= sizeof path)
				continue;
			if (try_path(c, s, e, ec, sub, path))
				return true;
		}
	}
	deps_cat3(path, sizeof path, dir, sep, s->name);
	return try_path(c, s, e, ec, dir, path);
}

static bool try_path(struct ctx *c, struct search *s, struct sr_dep_edge *e, struct edge_caps *ec,
                     const char *dir, const char *path)
{
	enum cand r = deps_open_in_dir(c, dir, s->name, path, &s->op);
	if (r == CAND_MISSING) {
		record(c, &e->tried, &ec->tried, path);
		return false;
	}
	if (r == CAND_OTHER_CLASS) {
		if (s->op.other_class)
			s->other_class = s->op.other_class;
		record(c, &e->skipped, &ec->skipped, path);
		return false;
	}
	if (r == CAND_INVALID) {
		s->fatal = true;
		s->fatal_why = s->op.why;
		deps_cat3(s->found_path, sizeof s->found_path, path, "", "");
		return true;
	}
	if (c->opts->record_tried)
		record(c, &e->tried, &ec->tried, path);
	deps_cat3(s->found_path, sizeof s->found_path, path, "", "");
	s->have_op = true;
	return true;
}

/* Search a colon-separated list (RPATH/RUNPATH/LD_LIBRARY_PATH) of object obj. */
static bool try_list(struct ctx *c, struct search *s, struct sr_dep_edge *e, struct edge_caps *ec, const char *list,
                     size_t obj, enum sr_found_how how)
{
	char *copy = deps_adup(c, list);
	if (!copy)
		return false;
	/* strtok would skip empty elements; walk by hand (an empty element is ".") */
	char *p = copy;
	for (;;) {
		char *colon = strchr(p, ':');
		if (colon)
			*colon = '\0';
		const char *dir = expand(c, p, obj);
		if (dir && try_dir(c, s, e, ec, dir)) {
			e->how = how;
			e->via = deps_adup(c, p);
			return true;
		}
		if (!colon)
			break;
		p = colon + 1;
	}
	return false;
}

static bool try_rpaths_of(struct ctx *c, struct search *s, struct sr_dep_edge *e, struct edge_caps *ec, size_t obj)
{
	const struct sr_elf *el = c->d->objects[obj].elf;
	if (el->runpath.count)
		return false;   /* glibc drops DT_RPATH of an object that has DT_RUNPATH */
	for (size_t i = 0; i < el->rpath.count; i++)
		if (try_list(c, s, e, ec, el->rpath.items[i], obj, SR_FOUND_RPATH))
			return true;
	return false;
}

static bool in_default_dirs(struct ctx *c, const char *path)
{
	for (size_t i = 0; i < c->d->default_dirs.count; i++) {
		const char *dd = c->d->default_dirs.items[i];
		size_t n = strlen(dd);
		if (strncmp(path, dd, n) == 0 && path[n] == '/' && !strchr(path + n + 1, '/'))
			return true;
	}
	return false;
}

/* Resolve one DT_NEEDED of object `from`. */
void deps_resolve_one(struct ctx *c, size_t from, const char *name)
{
	struct sr_deps *d = c->d;
	struct sr_dep_edge *edges = sr_arena_grow(c->a, d->edges, d->edge_count, &c->cap_edges, sizeof *edges,
	                                          SIZE_MAX);   /* bounded by the arena limit */
	if (!edges)
		return;
	d->edges = edges;
	struct sr_dep_edge *e = &d->edges[d->edge_count++];
	memset(e, 0, sizeof *e);
	e->from = from;
	e->name = name;   /* a DT_NEEDED string of a file this result keeps */
	e->to = SR_DEPS_NONE;
	struct edge_caps ec = { 0, 0 };

	uint32_t key = deps_name_key(name);
	size_t hit = deps_find_loaded(c, name, key);
	if (hit != SR_DEPS_NONE) {
		e->to = hit;
		e->how = c->d->objects[hit].is_interp ? SR_FOUND_INTERP : SR_FOUND_LOADED;
		return;
	}
	if (d->loader_kind == SR_LOADER_MUSL && sr_libc_musl_answers(name)) {
		/* musl's loader is its C library: libc, libm, libpthread, … are it */
		if (c->interp.ok) {
			e->to = deps_interp_object(c);
			if (e->to != SR_DEPS_NONE)
				deps_add_name_key(c, e->to, name, key, true);
			e->how = SR_FOUND_SELF;
			return;
		}
		e->how = SR_FOUND_NOT_FOUND;
		e->error = "the C library is the missing interpreter";
		d->missing_count++;
		return;
	}

	struct search s;   /* not memset: its two path buffers are 8 KiB */
	s.other_class = 0;
	s.name = name;
	s.fatal = false;
	s.fatal_why = NULL;
	s.found_path[0] = '\0';
	deps_opened_reset(&s.op);
	s.have_op = false;
	bool done = false;
	const struct obj_priv *fp = &d->priv->op[from];

	if (strchr(name, '/')) {
		/* a name with '/' is opened as given, with no search, after
		 * expanding $ORIGIN & co. (expand_dynamic_string_token) */
		e->how = SR_FOUND_DIRECT;
		const char *xname = expand(c, name, from);
		enum cand r = xname ? deps_open_candidate(c, xname, &s.op, true) : CAND_MISSING;
		const char *opened = xname ? xname : name;
		if (r == CAND_OK) {
			deps_cat3(s.found_path, sizeof s.found_path, opened, "", "");
			s.have_op = done = true;
		} else if (r == CAND_INVALID) {
			s.fatal = true;
			s.fatal_why = s.op.why;
			deps_cat3(s.found_path, sizeof s.found_path, opened, "", "");
		} else {
			if (r == CAND_OTHER_CLASS && s.op.other_class)
				s.other_class = s.op.other_class;
			record(c, r == CAND_OTHER_CLASS ? &e->skipped : &e->tried,
			       r == CAND_OTHER_CLASS ? &ec.skipped : &ec.tried, opened);
		}
	} else if (d->loader_kind == SR_LOADER_MUSL) {
		if (c->opts->library_path && try_list(c, &s, e, &ec, c->opts->library_path, from, SR_FOUND_ENV))
			done = true;
		for (size_t o = from; !done && o != SR_DEPS_NONE; o = d->objects[o].loader) {
			const struct sr_elf *el = d->objects[o].elf;
			const struct sr_strlist *lists[2] = { &el->runpath, &el->rpath };
			for (int k = 0; k < 2 && !done; k++)
				for (size_t i = 0; i < lists[k]->count && !done; i++)
					done = try_list(c, &s, e, &ec, lists[k]->items[i], o,
					                k == 0 ? SR_FOUND_RUNPATH : SR_FOUND_RPATH);
		}
		for (size_t i = 0; !done && i < d->default_dirs.count; i++)
			if (try_dir(c, &s, e, &ec, d->default_dirs.items[i])) {
				done = true;
				e->how = SR_FOUND_DEFAULT;
				e->via = d->default_dirs.items[i];
			}
	} else {
		if (!fp->has_runpath) {
			bool did_main = false;
			for (size_t o = from; !done && o != SR_DEPS_NONE; o = d->objects[o].loader) {
				done = try_rpaths_of(c, &s, e, &ec, o);
				did_main |= o == 0;
			}
			if (!done && !did_main)
				done = try_rpaths_of(c, &s, e, &ec, 0);
		}
		if (!done && c->opts->library_path && !c->secure)
			done = try_list(c, &s, e, &ec, c->opts->library_path, from, SR_FOUND_ENV);
		if (!done && fp->has_runpath) {
			const struct sr_elf *el = d->objects[from].elf;
			for (size_t i = 0; !done && i < el->runpath.count; i++)
				done = try_list(c, &s, e, &ec, el->runpath.items[i], from, SR_FOUND_RUNPATH);
		}
		bool nodeflib = d->objects[from].elf->has_flags_1 && (d->objects[from].elf->dt_flags_1 & DF_1_NODEFLIB);
		if (!done && c->ss->cache) {
			const struct path_info **memo;
			const char *cached = deps_cache_lookup(c, name, key, &memo);
			if (cached && !(nodeflib && in_default_dirs(c, cached))) {
				enum cand r = deps_open_candidate_memo(c, cached, memo, &s.op, true);
				if (r == CAND_OK) {
					deps_cat3(s.found_path, sizeof s.found_path, cached, "", "");
					s.have_op = done = true;
					e->how = SR_FOUND_CACHE;
					e->via = c->d->cache;
				} else {
					record(c, &e->tried, &ec.tried, cached);
				}
			}
		} else if (!done && c->no_cache_conf) {
			for (size_t i = 0; !done && i < c->ss->nconf_dirs; i++)
				if (try_dir(c, &s, e, &ec, c->ss->conf_dirs[i])) {
					done = true;
					e->how = SR_FOUND_CACHE;
					e->via = "/etc/ld.so.conf (no ld.so.cache)";
				}
		}
		if (!done && !nodeflib)
			for (size_t i = 0; !done && i < d->default_dirs.count; i++)
				if (try_dir(c, &s, e, &ec, d->default_dirs.items[i])) {
					done = true;
					e->how = SR_FOUND_DEFAULT;
					e->via = d->default_dirs.items[i];
				}
	}

	if (s.fatal) {
		e->how = SR_FOUND_NOT_FOUND;
		e->error = deps_afmt(c, "%s", s.fatal_why ? s.fatal_why : "invalid ELF header");
		e->via = deps_adup(c, s.found_path);
		d->missing_count++;
		return;
	}
	if (!done || !s.have_op) {
		e->how = SR_FOUND_NOT_FOUND;
		/* ld.so reports a class mismatch it met on the way; a machine
		 * mismatch alone is just "not found" */
		e->error = s.other_class == 32 ? "wrong ELF class: ELFCLASS32"
		         : s.other_class == 64 ? "wrong ELF class: ELFCLASS64"
		                               : "cannot open shared object file: No such file or directory";
		d->missing_count++;
		return;
	}
	/* the same file under another name is the same object */
	size_t same = deps_find_file(c, s.op.dev, s.op.ino);
	if (same != SR_DEPS_NONE) {
		deps_add_name_key(c, same, name, key, true);
		e->to = same;
		return;
	}
	e->to = deps_add_object(c, name, key, true, s.found_path, &s.op, from);
}
