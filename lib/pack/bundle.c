/* The closure of a program as files at their real paths (shipready/bundle.h).
 *
 * Planning reads the program from the host path given, and everything else
 * through the source root (lib/loader/root.c), so no file outside that root
 * is read.  The libraries are the deps loader model's objects: each file at
 * its canonical path, a relative symlink from the path the loader opens
 * (ld.so finds them in the bundle the same way, by the same paths).  Data
 * trees (zoneinfo, gconv, a locale directory) are copied whole: which zone
 * or charset a program asks for is decided at run time (TZ, configuration),
 * so no static tool can cut them down.  passwd, group, nsswitch.conf and
 * hosts are generated, minimal, rather than copied from the source root
 * (its users have no business in an image).
 *
 * Writing goes to a temporary name beside the output (".NAME.tmp-XXXXXX")
 * and ends with one rename, so a run killed at any point leaves nothing at
 * the output's name. */
#define _GNU_SOURCE 1   /* renameat2 flags, O_PATH */
#include "shipready/analysis.h"
#include "shipready/bundle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/deps.h"
#include "shipready/inspect.h"
#include "shipready/judge.h"
#include "shipready/needs.h"
#include "util/archive_dl.h"
#include "util/arena.h"
#include "util/path.h"
#include "shipready/outfile.h"
#include "pack/bundle_internal.h"

/* ------------------------------------------------------------ names */

enum sr_err sr_bundle_archive_ready(struct sr_error *err)
{
	return sr_archive_load(err);
}

const char *sr_bundle_kind_name(enum sr_bundle_kind k)
{
	switch (k) {
	case SR_BUNDLE_PROGRAM: return "program";
	case SR_BUNDLE_INTERPRETER: return "interpreter";
	case SR_BUNDLE_LIBRARY: return "library";
	case SR_BUNDLE_SYMLINK: return "symlink";
	case SR_BUNDLE_DATA: return "data";
	case SR_BUNDLE_GENERATED: return "generated";
	}
	return "unknown";
}

/* ------------------------------------------------------------ plan helpers */

const char *bundle_afmt(struct sr_arena *a, const char *fmt, ...)
{
	char buf[SR_ROOT_MAX_PATH * 2];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	return sr_arena_strdup(a, buf);
}

static struct sr_bundle_entry *find_entry(struct sr_bundle *b, const char *path)
{
	for (size_t i = 0; i < b->entry_count; i++)
		if (strcmp(b->entries[i].path, path) == 0)
			return &b->entries[i];
	return NULL;
}

/* Add an entry; the same path planned twice must be the same thing (then
 * the first reason stays), else it is a clash. */
enum sr_err bundle_add_entry(struct sr_bundle *b, const struct sr_bundle_entry *e, bool check_clash,
                             struct sr_error *err)
{
	if (!e->path || !e->reason)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	if (check_clash) {
		struct sr_bundle_entry *old = find_entry(b, e->path);
		if (old) {
			bool same = old->kind == e->kind && !old->source == !e->source &&
			            (!e->source || strcmp(old->source, e->source) == 0) && !old->target == !e->target &&
			            (!e->target || strcmp(old->target, e->target) == 0);
			/* a library planned again as the interpreter (musl's libc) is the same file */
			if (!same && old->source && e->source && strcmp(old->source, e->source) == 0 &&
			    (old->kind == SR_BUNDLE_LIBRARY || old->kind == SR_BUNDLE_INTERPRETER) &&
			    (e->kind == SR_BUNDLE_LIBRARY || e->kind == SR_BUNDLE_INTERPRETER))
				same = true;
			if (same)
				return SR_OK;
			return sr_error_set(err, SR_E_USAGE, "%s would be both %s (%s) and %s (%s)", e->path,
			                    sr_bundle_kind_name(old->kind), old->reason, sr_bundle_kind_name(e->kind),
			                    e->reason);
		}
	}
	if (b->entry_count >= SR_BUNDLE_MAX_ENTRIES)
		return sr_error_set(err, SR_E_TOO_BIG, "more than %d files in the bundle", SR_BUNDLE_MAX_ENTRIES);
	if (b->entry_count == b->priv->entry_cap) {
		size_t cap = b->priv->entry_cap ? b->priv->entry_cap * 2 : 64;
		struct sr_bundle_entry *n = realloc(b->entries, cap * sizeof *n);
		if (!n)
			return sr_error_set(err, SR_E_NOMEM, NULL);
		b->entries = n;
		b->priv->entry_cap = cap;
	}
	b->entries[b->entry_count++] = *e;
	return SR_OK;
}

enum sr_err bundle_add_unmet(struct sr_bundle *b, const char *program, const struct sr_need *n, const char *reason,
                             struct sr_error *err)
{
	if (b->unmet_count == b->priv->unmet_cap) {
		size_t cap = b->priv->unmet_cap ? b->priv->unmet_cap * 2 : 8;
		struct sr_bundle_unmet *u = realloc(b->unmet, cap * sizeof *u);
		if (!u)
			return sr_error_set(err, SR_E_NOMEM, NULL);
		b->unmet = u;
		b->priv->unmet_cap = cap;
	}
	struct sr_arena *a = b->priv->a;
	struct sr_bundle_unmet *u = &b->unmet[b->unmet_count];
	u->program = sr_arena_strdup(a, program);
	u->need = sr_arena_strdup(a, n->id);
	u->name = sr_arena_strdup(a, n->name);
	u->reason = sr_arena_strdup(a, reason);
	u->optional = n->optional;
	if (!u->program || !u->need || !u->name || !u->reason)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	b->unmet_count++;
	return SR_OK;
}

/* The path of a symlink at link pointing to target (both absolute), relative
 * to the link's directory: /lib/x/libc.so.6 → ../../usr/lib/x/libc.so.6. */
static const char *relative_target(struct sr_arena *a, const char *link, const char *target)
{
	/* the longest common directory prefix */
	size_t common = 0;
	for (size_t i = 0; link[i] && target[i] && link[i] == target[i]; i++)
		if (link[i] == '/')
			common = i + 1;
	size_t ups = 0;
	for (const char *p = link + common; *p; p++)
		if (*p == '/')
			ups++;
	size_t tl = strlen(target + common);
	char *out = sr_arena_alloc(a, ups * 3 + tl + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < ups; i++) {
		memcpy(out + o, "../", 3);
		o += 3;
	}
	memcpy(out + o, target + common, tl + 1);
	return out;
}

/* Look path up in the root: its canonical path and lstat of the final file. */
/* A file of the source root: the file at its canonical path, and a symlink
 * from path when the loader opens it under another name; or, with at (a
 * library found through $ORIGIN), the file at at alone. */
static enum sr_err add_root_file_at(struct sr_bundle *b, const char *path, const char *at, enum sr_bundle_kind kind,
                                    const char *reason, struct sr_error *err)
{
	struct sr_arena *a = b->priv->a;
	char real[SR_ROOT_MAX_PATH + 1];
	struct stat st;
	enum sr_err rc = sr_root_stat(b->priv->root, path, real, &st, err);
	if (rc != SR_OK)
		return rc;
	if (!S_ISREG(st.st_mode))
		return sr_error_set(err, SR_E_NOT_REGULAR, "%s in the source root is not a regular file", path);
	struct sr_bundle_entry e = {
		.path = sr_arena_strdup(a, at ? at : real), .kind = kind, .source = sr_arena_strdup(a, real),
		.reason = reason, .mode = st.st_mode & 0755, .size = (uint64_t)st.st_size,
	};
	if (!e.source)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	if ((rc = bundle_add_entry(b, &e, true, err)) != SR_OK)
		return rc;
	if (!at && strcmp(path, real) != 0) {
		struct sr_bundle_entry l = {
			.path = sr_arena_strdup(a, path), .kind = SR_BUNDLE_SYMLINK,
			.target = relative_target(a, path, real), .reason = reason, .mode = 0777,
		};
		if (!l.target)
			return sr_error_set(err, SR_E_NOMEM, NULL);
		if ((rc = bundle_add_entry(b, &l, true, err)) != SR_OK)
			return rc;
	}
	return SR_OK;
}

enum sr_err bundle_add_root_file(struct sr_bundle *b, const char *path, enum sr_bundle_kind kind,
                                 const char *reason, struct sr_error *err)
{
	return add_root_file_at(b, path, NULL, kind, reason, err);
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* Copy a directory tree of the source root: source is its canonical path,
 * dest where it goes in the bundle (the path the program names).  Symlinks
 * whose target stays inside the tree are kept as they are; others are
 * replaced by the file they reach (in the root), or kept when they reach
 * nothing. */
struct tree {
	struct sr_bundle *b;
	const char *canon;   /* canonical path of the tree's top in the root */
	const char *dest;    /* its path in the bundle */
	const char *reason;
};

static enum sr_err walk_tree(struct tree *t, int dirfd, const char *src, const char *dst, unsigned depth,
                             struct sr_error *err)
{
	struct sr_arena *a = t->b->priv->a;
	if (depth > SR_BUNDLE_MAX_TREE_DEPTH)
		return sr_error_set(err, SR_E_TOO_BIG, "%s: directories nested too deep", src);
	int fd = dup(dirfd);
	if (fd < 0)
		return sr_error_set(err, SR_E_IO, "%s: %s", src, strerror(errno));
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return sr_error_set(err, SR_E_IO, "%s: %s", src, strerror(errno));
	}
	enum sr_err rc = SR_OK;
	struct dirent *de;
	while (rc == SR_OK && (de = readdir(d)) != NULL) {
		const char *nm = de->d_name;
		if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd, nm, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;   /* gone since readdir */
		const char *s = bundle_afmt(a, "%s/%s", src, nm), *p = bundle_afmt(a, "%s/%s", dst, nm);
		if (!s || !p) {
			rc = sr_error_set(err, SR_E_NOMEM, NULL);
			break;
		}
		struct sr_bundle_entry e = { .path = p, .reason = t->reason, .tree = t->dest };
		if (S_ISREG(st.st_mode)) {
			e.kind = SR_BUNDLE_DATA;
			e.source = s;
			e.mode = st.st_mode & 0755;
			e.size = (uint64_t)st.st_size;
			rc = bundle_add_entry(t->b, &e, false, err);
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, nm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				rc = sr_error_set(err, SR_E_IO, "%s: %s", s, strerror(errno));
				break;
			}
			rc = walk_tree(t, sub, s, p, depth + 1, err);
			close(sub);
		} else if (S_ISLNK(st.st_mode)) {
			char target[SR_ROOT_MAX_PATH + 1];
			ssize_t n = readlinkat(dirfd, nm, target, sizeof target - 1);
			if (n < 0)
				continue;
			target[n] = '\0';
			char real[SR_ROOT_MAX_PATH + 1];
			struct stat rst;
			struct sr_error ignored = { 0 };
			bool ok = sr_root_stat(t->b->priv->root, s, real, &rst, &ignored) == SR_OK;
			if (ok && !under(real, t->canon) && S_ISREG(rst.st_mode)) {
				e.kind = SR_BUNDLE_DATA;
				e.source = sr_arena_strdup(a, real);
				e.mode = rst.st_mode & 0755;
				e.size = (uint64_t)rst.st_size;
			} else {
				e.kind = SR_BUNDLE_SYMLINK;
				e.target = sr_arena_strdup(a, target);
				e.mode = 0777;
			}
			if (!e.source && !e.target)
				rc = sr_error_set(err, SR_E_NOMEM, NULL);
			else
				rc = bundle_add_entry(t->b, &e, false, err);
		}
		/* sockets, FIFOs and devices have no place in a data tree */
	}
	closedir(d);
	return rc;
}

enum sr_err bundle_add_tree(struct sr_bundle *b, const char *path, const char *reason, struct sr_error *err)
{
	char real[SR_ROOT_MAX_PATH + 1];
	int parent;
	char name[SR_ROOT_MAX_PATH + 1];
	enum sr_err rc = sr_root_lookup(b->priv->root, path, &parent, name, real, sizeof real, err);
	if (rc != SR_OK)
		return rc;
	int fd = name[0] ? openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
	                 : openat(parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int e = errno;
	close(parent);
	if (fd < 0)
		return sr_error_set(err, SR_E_IO, "%s: %s", path, strerror(e));
	struct tree t = { b, sr_arena_strdup(b->priv->a, real), sr_arena_strdup(b->priv->a, path), reason };
	rc = t.canon && t.dest ? walk_tree(&t, fd, real, t.dest, 0, err) : sr_error_set(err, SR_E_NOMEM, NULL);
	close(fd);
	return rc;
}

enum sr_err bundle_add_generated(struct sr_bundle *b, const char *path, const char *content, const char *reason,
                                 struct sr_error *err)
{
	struct sr_bundle_entry e = {
		.path = path, .kind = SR_BUNDLE_GENERATED, .content = content, .reason = reason, .mode = 0644,
		.size = strlen(content),
	};
	return bundle_add_entry(b, &e, true, err);
}

/* ------------------------------------------------------------ programs */

enum sr_err sr_bundle_new(const struct sr_bundle_opts *opts, struct sr_bundle **out, struct sr_error *err)
{
	*out = NULL;
	struct sr_bundle *b = calloc(1, sizeof *b);
	struct sr_bundle_priv *p = calloc(1, sizeof *p);
	if (!b || !p) {
		free(b);
		free(p);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	b->priv = p;
	p->host_root.dirfd = -1;
	p->a = sr_arena_new();
	if (!p->a) {
		sr_bundle_free(b);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	if (opts && opts->root) {
		p->root = opts->root;
		p->root_given = true;
	} else {
		enum sr_err rc = sr_root_open("/", &p->host_root, err);
		if (rc != SR_OK) {
			sr_bundle_free(b);
			return rc;
		}
		p->root = &p->host_root;
	}
	if (opts && opts->run) {
		p->run = opts->run;
	} else {
		enum sr_err rc = sr_run_new(&p->run, err);
		if (rc != SR_OK) {
			sr_bundle_free(b);
			return rc;
		}
		p->own_run = true;
	}
	p->no_needs = opts && opts->no_needs;
	p->resolv_conf = opts && opts->resolv_conf;
	const char *prefix = opts && opts->prefix ? opts->prefix : "/usr/local";
	if (prefix[0] != '/' || strstr(prefix, "/../") || strstr(prefix, "/./")) {
		sr_bundle_free(b);
		return sr_error_set(err, SR_E_USAGE, "the prefix must be an absolute path without '.' or '..'");
	}
	size_t pl = strlen(prefix);
	while (pl > 1 && prefix[pl - 1] == '/')
		pl--;
	p->prefix = pl == 1 ? "" : sr_arena_strndup(p->a, prefix, pl);
	if (!p->prefix) {
		sr_bundle_free(b);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	*out = b;
	return SR_OK;
}

/* Why a library is in the bundle: the first DT_NEEDED that loaded it. */
static const char *library_reason(struct sr_arena *a, const struct sr_deps *d, size_t obj, const char *placed)
{
	for (size_t i = 0; i < d->edge_count; i++) {
		const struct sr_dep_edge *e = &d->edges[i];
		if (e->to != obj)
			continue;
		const char *from = e->from == 0 ? placed : d->objects[e->from].path;
		if (e->via && e->how != SR_FOUND_CACHE && e->how != SR_FOUND_DEFAULT)
			return bundle_afmt(a, "DT_NEEDED %s of %s (%s %s)", e->name, from, sr_found_how_name(e->how), e->via);
		return bundle_afmt(a, "DT_NEEDED %s of %s (%s)", e->name, from, sr_found_how_name(e->how));
	}
	return bundle_afmt(a, "loaded for %s", placed);
}

/* path with "." and ".." removed lexically, as an absolute path ("/.." stays
 * "/"), into the arena. */
static const char *normalize(struct sr_arena *a, const char *path)
{
	size_t n = strlen(path);
	char *in = sr_arena_alloc(a, n + 2), *out = sr_arena_alloc(a, n + 3);
	if (!in || !out)
		return NULL;
	in[0] = '/';
	memcpy(in + 1, path, n + 1);
	sr_path_clean(in, out);
	return out;
}

/* A library the loader found through a search path with $ORIGIN: *at is
 * where it goes in the bundle, the same way from the directory its
 * $ORIGIN object is placed in (the program moves to PREFIX/bin, so its
 * ../lib moves with it); NULL when it was not found through $ORIGIN.
 * The $ORIGIN object is the requester or, for DT_RPATH, one of its
 * loaders: the one whose expansion of the element names the library's
 * directory. */
static enum sr_err origin_place(struct sr_arena *a, const struct sr_deps *d, size_t obj, const char **placed,
                                const char **at, struct sr_error *err)
{
	*at = NULL;
	const struct sr_dep_edge *e = NULL;
	for (size_t i = 0; i < d->edge_count && !e; i++)
		if (d->edges[i].to == obj)
			e = &d->edges[i];
	if (!e || !e->via || !strstr(e->via, "ORIGIN"))
		return SR_OK;
	const char *path = d->objects[obj].path;
	for (size_t j = e->from, hops = 0; j != SR_DEPS_NONE && j < obj && hops <= d->object_count;
	     j = d->objects[j].loader, hops++) {
		const char *origin = d->objects[j].origin;
		size_t ol = origin ? strlen(origin) : 0;
		if (!origin || strncmp(path, origin, ol) != 0 || (path[ol] != '/' && ol != 1))
			continue;
		/* the element, expanded with this object's $ORIGIN, must be the library's directory */
		char dir[SR_ROOT_MAX_PATH + 1];
		size_t o = 0;
		bool other = false;
		for (const char *s = e->via; *s && o < sizeof dir - 1;) {
			size_t tl = strncmp(s, "$ORIGIN", 7) == 0 ? 7 : strncmp(s, "${ORIGIN}", 9) == 0 ? 9 : 0;
			if (tl && ol < sizeof dir - 1 - o) {
				memcpy(dir + o, origin, ol);
				o += ol;
				s += tl;
			} else {
				other |= *s == '$';
				dir[o++] = *s++;
			}
		}
		dir[o] = '\0';
		const char *slash = strrchr(path, '/');
		const char *want = normalize(a, dir), *have = slash ? normalize(a, sr_arena_strndup(a, path, (size_t)(slash - path)))
		                                                      : NULL;
		if (other || !want || !have || strcmp(want, have) != 0)
			continue;
		const char *pd = strrchr(placed[j], '/');
		const char *rel = path + ol + (ol == 1 ? 0 : 1);
		*at = normalize(a, bundle_afmt(a, "%.*s/%s", (int)(pd ? pd - placed[j] : 0), placed[j], rel));
		return *at ? SR_OK : sr_error_set(err, SR_E_NOMEM, NULL);
	}
	return sr_error_set(err, SR_E_UNSUPPORTED, "%s is found through %s: the $ORIGIN object is not known", e->name,
	                    e->via);
}

static bool in_list(const struct sr_strlist *l, const char *s, size_t n)
{
	for (size_t i = 0; i < l->count; i++)
		if (strlen(l->items[i]) == n && strncmp(l->items[i], s, n) == 0)
			return true;
	return false;
}

static enum sr_err plan_program(struct sr_bundle *b, const char *path, const struct sr_analysis *an,
                                const struct sr_deps *d, struct sr_error *err)
{
	struct sr_arena *a = b->priv->a;
	const struct sr_elf *elf = an->in.elf;
	if (elf->kind != SR_ELF_KIND_EXEC && elf->kind != SR_ELF_KIND_PIE)
		return sr_error_set(err, SR_E_UNSUPPORTED, "not an executable program (%s)", sr_elf_kind_name(elf->kind));

	/* refuse what the bundle could not reproduce */
	if (d->interp_missing)
		return sr_error_set(err, SR_E_NOENT, "interpreter %s is not in the source root", d->interp);
	for (size_t i = 0; i < d->edge_count; i++) {
		const struct sr_dep_edge *e = &d->edges[i];
		if (e->how == SR_FOUND_NOT_FOUND)
			return sr_error_set(err, SR_E_NOENT, "%s (needed by %s) is not in the source root: %s", e->name,
			                    e->from == 0 ? path : d->objects[e->from].path, e->error ? e->error : "not found");
	}
	for (size_t i = 0; i < d->issue_count; i++)
		if (!d->issues[i].weak && !d->issues[i].no_version_info)
			return sr_error_set(err, SR_E_NOENT, "%s", d->issues[i].message);

	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!base[0] || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return sr_error_set(err, SR_E_USAGE, "no file name to place the program under");
	const char *placed = bundle_afmt(a, "%s/bin/%s", b->priv->prefix, base);
	struct stat st;
	if (stat(path, &st) != 0)
		return sr_error_set(err, SR_E_IO, "cannot stat (%s)", strerror(errno));
	struct sr_bundle_entry pe = {
		.path = placed, .kind = SR_BUNDLE_PROGRAM, .source = sr_arena_strdup(a, path),
		.reason = bundle_afmt(a, "the program %s", path), .mode = 0755, .size = (uint64_t)st.st_size,
	};
	enum sr_err rc = bundle_add_entry(b, &pe, true, err);
	if (rc != SR_OK)
		return rc;

	if (d->interp && !d->interp_is_default) {
		const char *why = bundle_afmt(a, "PT_INTERP of %s", placed);
		if ((rc = bundle_add_root_file(b, d->interp, SR_BUNDLE_INTERPRETER, why, err)) != SR_OK)
			return rc;
	}
	bool cache_needed = false;
	const char *cache_why = NULL;
	/* where each object is in the bundle, as the loader will open it */
	const char **at = sr_arena_array(a, d->object_count, sizeof *at);
	if (!at)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	at[0] = placed;
	for (size_t i = 1; i < d->object_count; i++) {
		const struct sr_dep_object *o = &d->objects[i];
		const char *why = library_reason(a, d, i, placed);
		if ((rc = origin_place(a, d, i, at, &at[i], err)) != SR_OK)
			return rc;
		if (at[i])
			rc = add_root_file_at(b, o->path, at[i], SR_BUNDLE_LIBRARY, why, err);
		else
			rc = bundle_add_root_file(b, at[i] = o->path, o->is_interp ? SR_BUNDLE_INTERPRETER : SR_BUNDLE_LIBRARY, why,
			                   err);
		if (rc != SR_OK)
			return rc;
	}
	/* a library the loader finds only through its cache (a directory of
	 * ld.so.conf, not a default one) needs the cache in the bundle too */
	for (size_t i = 0; i < d->edge_count && !cache_needed; i++) {
		const struct sr_dep_edge *e = &d->edges[i];
		if (e->how != SR_FOUND_CACHE || e->to == SR_DEPS_NONE)
			continue;
		const char *p = d->objects[e->to].path;
		const char *slash = strrchr(p, '/');
		if (slash && !in_list(&d->default_dirs, p, (size_t)(slash - p))) {
			cache_needed = true;
			cache_why = bundle_afmt(a, "the loader's cache: %s is found through it in %.*s, not a default directory",
			                 e->name, (int)(slash - p), p);
		}
	}
	if (cache_needed && d->cache && (rc = bundle_add_root_file(b, d->cache, SR_BUNDLE_DATA, cache_why, err)) != SR_OK)
		return rc;

	if (b->priv->no_needs)
		return SR_OK;
	const struct sr_needs *needs;
	if ((rc = sr_analysis_needs(an, &needs, err)) != SR_OK)
		return rc;
	for (size_t i = 0; i < needs->n && rc == SR_OK; i++)
		rc = bundle_plan_need(b, path, placed, &needs->v[i], d, err);
	return rc;
}

enum sr_err sr_bundle_add(struct sr_bundle *b, const char *path, struct sr_error *err)
{
	size_t entries = b->entry_count, unmet = b->unmet_count;
	unsigned done = b->priv->needs_done;
	struct sr_analysis *an;
	enum sr_err rc = sr_run_analyse(b->priv->run, NULL, path, &an, err);
	if (rc != SR_OK)
		return rc;
	if (an->in.format != SR_FMT_ELF || !an->in.elf) {
		if (b->priv->own_run)
			sr_run_done(b->priv->run, an);
		return sr_error_set(err, SR_E_UNSUPPORTED, "not an ELF program: bundle handles ELF only for now");
	}
	struct sr_deps_opts dopts = { .root = b->priv->root_given ? b->priv->root : NULL,
		                      .program_on_host = b->priv->root_given };
	const struct sr_deps *d = NULL;
	rc = sr_analysis_deps(an, &dopts, &d, err);
	if (rc == SR_OK)
		rc = plan_program(b, path, an, d, err);
	if (b->priv->own_run)
		sr_run_done(b->priv->run, an);   /* a shared run's owner says when it is done */
	if (rc != SR_OK) {
		b->entry_count = entries;
		b->unmet_count = unmet;
		b->priv->needs_done = done;
	}
	return rc;
}

static int entry_cmp(const void *x, const void *y)
{
	const struct sr_bundle_entry *a = x, *b = y;
	return strcmp(a->path, b->path);
}

enum sr_err sr_bundle_finish(struct sr_bundle *b, struct sr_error *err)
{
	if (b->entry_count > 1)
		qsort(b->entries, b->entry_count, sizeof *b->entries, entry_cmp);
	/* tree copies were added without the clash check: do it now */
	for (size_t i = 1; i < b->entry_count; i++) {
		const struct sr_bundle_entry *p = &b->entries[i - 1], *e = &b->entries[i];
		if (strcmp(p->path, e->path) == 0)
			return sr_error_set(err, SR_E_USAGE, "%s would be both %s (%s) and %s (%s)", e->path,
			                    sr_bundle_kind_name(p->kind), p->reason, sr_bundle_kind_name(e->kind), e->reason);
		/* a file cannot also be a directory of another entry */
		if (under(e->path, p->path) && strcmp(e->path, p->path) != 0)
			return sr_error_set(err, SR_E_USAGE, "%s is a file in the bundle and also the directory of %s",
			                    p->path, e->path);
	}
	b->unmet_required = false;
	for (size_t i = 0; i < b->unmet_count; i++)
		if (!b->unmet[i].optional)
			b->unmet_required = true;
	return SR_OK;
}

void sr_bundle_free(struct sr_bundle *b)
{
	if (!b)
		return;
	if (b->priv) {
		if (b->priv->host_root.dirfd >= 0)
			sr_root_close(&b->priv->host_root);
		if (b->priv->own_run)
			sr_run_free(b->priv->run);
		sr_arena_free(b->priv->a);
		free(b->priv);
	}
	free(b->entries);
	free(b->unmet);
	free(b);
}
