/* What went into a C build, attributed and judged (shipready/compdeps.h). */
#include "shipready/compdeps.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check/policy_internal.h"
#include "shipready/pkgowner.h"
#include "util/arena.h"
#include "util/map.h"
#include "util/path.h"

struct sr_compdeps_priv {
	struct sr_arena *a;
	struct sr_compdeps_opts o;
	struct sr_map index;          /* role class + path -> file index + 1 */
	size_t fcap, ucap, vcap;
	size_t nlink_inputs, nmapped;
};

const char *sr_cdep_role_name(enum sr_cdep_role r)
{
	switch (r) {
	case SR_CDEP_SOURCE: return "source";
	case SR_CDEP_HEADER: return "header";
	case SR_CDEP_OBJECT: return "object";
	case SR_CDEP_ARCHIVE: return "archive";
	case SR_CDEP_SHARED: return "shared";
	case SR_CDEP_NEEDED: return "needed";
	}
	return "?";
}

const char *sr_cdep_origin_name(enum sr_cdep_origin o)
{
	switch (o) {
	case SR_CDEP_PROJECT: return "project";
	case SR_CDEP_PACKAGE: return "package";
	case SR_CDEP_UNKNOWN: return "unknown";
	}
	return "?";
}

enum sr_err sr_compdeps_new(const struct sr_compdeps_opts *o, struct sr_compdeps *out, struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	if (!o->project_dir || o->project_dir[0] != '/' || !o->build_dir || o->build_dir[0] != '/')
		return sr_error_set(err, SR_E_USAGE, "the project and build directories must be absolute");
	struct sr_arena *a = sr_arena_new();
	struct sr_compdeps_priv *p = a ? sr_arena_alloc(a, sizeof *p) : NULL;
	char *proj = a ? sr_arena_alloc(a, strlen(o->project_dir) + 2) : NULL;
	char *build = a ? sr_arena_alloc(a, strlen(o->build_dir) + 2) : NULL;
	if (!p || !proj || !build) {
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	memset(p, 0, sizeof *p);
	p->a = a;
	p->o = *o;
	sr_path_clean(o->project_dir, proj);
	sr_path_clean(o->build_dir, build);
	p->o.project_dir = proj;
	p->o.build_dir = build;
	sr_map_init(&p->index, a, (size_t)1 << 22);
	out->priv = p;
	return SR_OK;
}

/* dir/name, clean, in the arena. */
static char *joined(struct sr_compdeps_priv *p, const char *dir, const char *name)
{
	size_t dl = dir ? strlen(dir) : 0, nl = strlen(name);
	char *j = sr_arena_alloc(p->a, dl + nl + 2), *out = sr_arena_alloc(p->a, dl + nl + 3);
	if (!j || !out)
		return NULL;
	if (name[0] == '/' || !dir)
		memcpy(j, name, nl + 1);
	else
		snprintf(j, dl + nl + 2, "%s/%s", dir, name);
	sr_path_clean(j, out);
	return out;
}

/* The clean absolute form of a name an input wrote, in the arena: a
 * relative name is relative to the build directory or, when no such file
 * is there, to the input's own directory if the file is there (a
 * compiler run in another directory than the one that got the build
 * directory, as go runs cgo's). */
static const char *absolute(struct sr_compdeps_priv *p, const char *name, const char *input_dir)
{
	char *a = joined(p, p->o.build_dir, name);
	struct stat st;
	if (name[0] == '/' || !a || !input_dir || stat(a, &st) == 0)
		return a;
	char *b = joined(p, input_dir, name);
	return b && stat(b, &st) == 0 ? b : a;
}

/* sources and headers are one class (a header compiled as a source is one
 * file), link inputs another */
static bool link_role(enum sr_cdep_role r)
{
	return r >= SR_CDEP_OBJECT;
}

/* The file (path, role), added when new; NULL when out of memory. */
static struct sr_cdep_file *file_at(struct sr_compdeps *c, const char *path, enum sr_cdep_role role, const char *by,
                                    bool *fresh_out)
{
	struct sr_compdeps_priv *p = c->priv;
	size_t pl = strlen(path);
	char *key = malloc(pl + 2);
	if (!key)
		return NULL;
	key[0] = link_role(role) ? 'l' : 'c';
	memcpy(key + 1, path, pl + 1);
	bool fresh;
	struct sr_map_slot *e = sr_map_add(&p->index, key, pl + 1, &fresh);
	free(key);
	if (!e)
		return NULL;
	*fresh_out = fresh;
	if (!fresh) {
		struct sr_cdep_file *f = &c->files[(uintptr_t)e->val - 1];
		if (f->role == SR_CDEP_HEADER && role == SR_CDEP_SOURCE)
			f->role = SR_CDEP_SOURCE;
		return f;
	}
	struct sr_cdep_file *v = sr_arena_grow(p->a, c->files, c->nfiles, &p->fcap, sizeof *v, (size_t)1 << 22);
	if (!v)
		return NULL;
	c->files = v;
	c->files[c->nfiles] = (struct sr_cdep_file){ .path = path, .role = role, .first_by = by };
	e->val = (void *)(uintptr_t)(++c->nfiles);
	return &c->files[c->nfiles - 1];
}

enum sr_err sr_compdeps_add_depfile(struct sr_compdeps *c, const char *name, const char *text, size_t len,
                                    struct sr_error *err)
{
	struct sr_depfile d;
	enum sr_err rc = sr_depfile_parse(text, len, &d, err);
	if (rc != SR_OK)
		return rc;
	struct sr_compdeps_priv *p = c->priv;
	const char *dname = sr_arena_strdup(p->a, name);
	const char *slash = strrchr(name, '/');
	char *here = slash ? sr_arena_strndup(p->a, name, (size_t)(slash - name + (slash == name))) : NULL;
	const char *in_dir = here ? absolute(p, here, NULL) : p->o.build_dir;
	bool oom = !dname || (slash && !in_dir);
	for (size_t i = 0; i < d.nrules && !oom; i++) {
		const struct sr_deprule *r = &d.rules[i];
		if (!r->nprereqs)
			continue;   /* -MP's "header.h:" */
		const char *target = sr_arena_strdup(p->a, r->targets[0]);
		const char *src = absolute(p, r->prereqs[0], in_dir);
		size_t bl = src && target ? strlen(src) + strlen(target) + 4 : 0;
		char *by = bl ? sr_arena_alloc(p->a, bl) : NULL;
		struct sr_cdep_unit *u = sr_arena_grow(p->a, c->units, c->nunits, &p->ucap, sizeof *u, (size_t)1 << 22);
		if (!by || !u) {
			oom = true;
			break;
		}
		size_t *hdr = sr_arena_alloc(p->a, r->nprereqs * sizeof *hdr);
		if (!hdr) {
			oom = true;
			break;
		}
		snprintf(by, bl, "%s (%s)", src, target);
		c->units = u;
		c->units[c->nunits++] = (struct sr_cdep_unit){ target, src, r->nprereqs - 1, hdr, dname };
		for (size_t k = 0; k < r->nprereqs && !oom; k++) {
			const char *path = k ? absolute(p, r->prereqs[k], in_dir) : src;
			bool fresh;
			struct sr_cdep_file *f = path ? file_at(c, path, k ? SR_CDEP_HEADER : SR_CDEP_SOURCE, by, &fresh) : NULL;
			if (!f) {
				oom = true;
			} else {
				f->uses++;
				if (k)
					hdr[k - 1] = (size_t)(f - c->files);
			}
		}
	}
	sr_depfile_free(&d);
	return oom ? sr_error_set(err, SR_E_NOMEM, NULL) : SR_OK;
}

static enum sr_err add_link(struct sr_compdeps *c, const struct sr_link_inputs *l, const char *name,
                           struct sr_error *err)
{
	struct sr_compdeps_priv *p = c->priv;
	c->linked = true;
	p->nlink_inputs++;
	p->nmapped += l->members_known;
	const char *slash = strrchr(name, '/');
	char *here = slash ? sr_arena_strndup(p->a, name, (size_t)(slash - name + (slash == name))) : NULL;
	const char *in_dir = here ? absolute(p, here, NULL) : p->o.build_dir;
	if (slash && !in_dir)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	for (size_t i = 0; i < l->n; i++) {
		const struct sr_link_input *v = &l->v[i];
		enum sr_cdep_role role = v->kind == SR_LINK_OBJECT ? SR_CDEP_OBJECT :
		                         v->kind == SR_LINK_SHARED ? SR_CDEP_SHARED :
		                         v->kind == SR_LINK_NEEDED ? SR_CDEP_NEEDED : SR_CDEP_ARCHIVE;
		const char *path = role == SR_CDEP_NEEDED ? sr_arena_strdup(p->a, v->path) : absolute(p, v->path, in_dir);
		const char *why = v->reason ? sr_arena_strdup(p->a, v->reason) : NULL;
		bool fresh;
		struct sr_cdep_file *f = path ? file_at(c, path, role, why, &fresh) : NULL;
		if (!f || (v->reason && !why))
			return sr_error_set(err, SR_E_NOMEM, NULL);
		f->uses += fresh;
		if (v->kind == SR_LINK_MEMBER) {
			if (!f->members++) {
				f->first_member = sr_arena_strdup(p->a, v->member);
				f->first_member_why = why;
			}
		}
	}
	return SR_OK;
}

enum sr_err sr_compdeps_add_linkmap(struct sr_compdeps *c, const char *name, const char *text, size_t len,
                                    struct sr_error *err)
{
	struct sr_link_inputs l;
	enum sr_err rc = sr_linkmap_parse(text, len, &l, err);
	if (rc == SR_OK) {
		rc = add_link(c, &l, name, err);
		sr_link_inputs_free(&l);
	}
	return rc;
}

enum sr_err sr_compdeps_add_trace(struct sr_compdeps *c, const char *name, const char *text, size_t len,
                                  struct sr_error *err)
{
	struct sr_link_inputs l;
	enum sr_err rc = sr_linktrace_parse(text, len, &l, err);
	if (rc == SR_OK) {
		rc = add_link(c, &l, name, err);
		sr_link_inputs_free(&l);
	}
	return rc;
}

/* ---------- attribution ---------- */

static bool inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1)   /* "/" holds everything */
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static void attribute(struct sr_compdeps *c, struct sr_cdep_file *f, const struct sr_pkgowner *owner)
{
	struct sr_compdeps_priv *p = c->priv;
	if (f->role == SR_CDEP_NEEDED) {
		f->origin = SR_CDEP_UNKNOWN;   /* a soname: its file is the loader's business (deps) */
		return;
	}
	if (inside(f->path, p->o.project_dir)) {
		f->origin = SR_CDEP_PROJECT;
		return;
	}
	const char *pkg = sr_pkgowner_find(owner, f->path);
	if (!pkg && owner) {
		/* a path through a symlink the package does not list: its real name inside the root */
		char real[SR_ROOT_MAX_PATH + 1];
		struct stat st;
		struct sr_error e = { 0 };
		if (sr_root_stat(p->o.root, f->path, real, &st, &e) == SR_OK && strcmp(real, f->path))
			pkg = sr_pkgowner_find(owner, real);
	}
	f->origin = pkg ? SR_CDEP_PACKAGE : SR_CDEP_UNKNOWN;
	f->package = pkg ? sr_arena_strdup(p->a, pkg) : NULL;
}

/* ---------- the policy ---------- */

static bool add_violation(struct sr_compdeps *c, const char *rule, const char *path, const char *message, const char *by)
{
	struct sr_compdeps_priv *p = c->priv;
	struct sr_cdep_violation *v = sr_arena_grow(p->a, c->violations, c->nviolations, &p->vcap, sizeof *v,
	                                            (size_t)1 << 22);
	const char *m = sr_arena_strdup(p->a, message), *b = by ? sr_arena_strdup(p->a, by) : "";
	if (!v || !m || !b)
		return false;
	c->violations = v;
	c->violations[c->nviolations++] = (struct sr_cdep_violation){ rule, path, m, b };
	return true;
}

static bool any_match(const char *const *pats, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (sr_policy_glob_match(pats[i], s, false))
			return true;
	return false;
}

/* A directory pattern matches the header's directory or one above it. */
static bool dir_allowed(const struct sr_policy *pol, const char *path)
{
	size_t n = strlen(path);
	char *dir = malloc(n + 1);
	if (!dir)
		return false;
	memcpy(dir, path, n + 1);
	bool ok = false;
	for (char *slash = strrchr(dir, '/'); slash && !ok; slash = strrchr(dir, '/')) {
		slash[slash == dir] = '\0';   /* "/usr/include/x.h" -> "/usr/include" -> "/usr" -> "/" */
		ok = any_match(pol->include_dirs, pol->ninclude_dirs, dir);
		if (slash == dir)
			break;
	}
	free(dir);
	return ok;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static bool judge_file(struct sr_compdeps *c, const struct sr_cdep_file *f)
{
	const struct sr_policy *pol = c->priv->o.policy;
	char msg[1200], by[1200];
	const char *owner = f->origin == SR_CDEP_PACKAGE ? f->package : "in no package";
	if (f->origin == SR_CDEP_PROJECT)
		return true;
	if (f->role == SR_CDEP_HEADER && pol->has_header_rule) {
		bool ok = (f->package && any_match(pol->header_packages, pol->nheader_packages, f->package)) ||
		          dir_allowed(pol, f->path);
		if (ok)
			return true;
		const char *rule = pol->nheader_packages || !pol->ninclude_dirs ? "allowed_header_packages" :
		                                                                   "allowed_include_dirs";
		snprintf(msg, sizeof msg, "%.600s (%.200s) is not an allowed header", f->path, owner);
		snprintf(by, sizeof by, "included in the build of %.1000s%s", f->first_by,
		         f->uses > 1 ? " and others" : "");
		return add_violation(c, rule, f->path, msg, by);
	}
	if (f->role == SR_CDEP_ARCHIVE && pol->has_archive_rule && (!c->members_known || f->members)) {
		bool ok = false;
		for (size_t i = 0; i < pol->narchives && !ok; i++)
			ok = sr_policy_glob_match(pol->archives[i], strchr(pol->archives[i], '/') ? f->path : base_name(f->path),
			                          false);
		if (ok)
			return true;
		snprintf(msg, sizeof msg, "%.600s (%.200s) is not an allowed static archive", f->path, owner);
		if (f->members)
			snprintf(by, sizeof by, "%zu member%s linked in, the first %.200s for %.700s", f->members,
			         f->members == 1 ? "" : "s", f->first_member, f->first_member_why ? f->first_member_why : "?");
		else
			snprintf(by, sizeof by, "searched by the linker (a map says which members went in)");
		return add_violation(c, "allowed_static_archives", f->path, msg, by);
	}
	return true;
}

enum sr_err sr_compdeps_finish(struct sr_compdeps *c, struct sr_error *err)
{
	struct sr_compdeps_priv *p = c->priv;
	c->members_known = p->nlink_inputs && p->nmapped == p->nlink_inputs;
	struct sr_root slash;
	const struct sr_root *root = p->o.root;
	bool opened = false;
	if (!root) {
		if (sr_root_open("/", &slash, err) != SR_OK)
			return SR_E_IO;
		root = &slash;
		opened = true;
		p->o.root = root;
	}
	struct sr_pkgowner *owner = NULL;
	struct sr_error e = { 0 };
	enum sr_err rc = sr_pkgowner_open(root, SR_PKGDB_ANY, &owner, &e);
	if (rc == SR_E_NOMEM) {
		if (opened)
			sr_root_close(&slash);
		return sr_error_set(err, rc, "%s", sr_error_message(&e));
	}
	c->pkgdb = owner ? sr_pkgowner_name(owner) : NULL;
	for (size_t i = 0; i < c->nfiles; i++)
		attribute(c, &c->files[i], owner);
	bool ok = true;
	if (p->o.policy)
		for (size_t i = 0; i < c->nfiles && ok; i++)
			ok = judge_file(c, &c->files[i]);
	sr_pkgowner_free(owner);
	if (opened)
		sr_root_close(&slash);
	p->o.root = NULL;
	return ok ? SR_OK : sr_error_set(err, SR_E_NOMEM, NULL);
}

void sr_compdeps_free(struct sr_compdeps *c)
{
	if (c && c->priv) {
		sr_map_free(&c->priv->index, NULL);
		sr_arena_free(c->priv->a);
	}
	if (c)
		memset(c, 0, sizeof *c);
}
