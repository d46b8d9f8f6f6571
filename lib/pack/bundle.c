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
#include "pack/archive_dl.h"
#include "util/arena.h"
#include "shipready/outfile.h"

struct sr_bundle_priv {
	struct sr_arena *a;
	struct sr_root host_root;      /* "/" when no root was given */
	const struct sr_root *root;    /* where libraries and data are read */
	bool root_given;
	struct sr_run *run;            /* where programs are analysed (sr_bundle_opts.run, or own_run) */
	bool own_run;
	const char *prefix;
	bool no_needs;                 /* loader closure only (sr_bundle_opts.no_needs) */
	bool resolv_conf;              /* carry the root's /etc/resolv.conf (sr_bundle_opts.resolv_conf) */
	size_t entry_cap, unmet_cap;
	unsigned needs_done;           /* bit per enum sr_need_kind already planned */
};

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

static const char *afmt(struct sr_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static const char *afmt(struct sr_arena *a, const char *fmt, ...)
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
static enum sr_err add_entry(struct sr_bundle *b, const struct sr_bundle_entry *e, bool check_clash,
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

static enum sr_err add_unmet(struct sr_bundle *b, const char *program, const struct sr_need *n, const char *reason,
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
	if ((rc = add_entry(b, &e, true, err)) != SR_OK)
		return rc;
	if (!at && strcmp(path, real) != 0) {
		struct sr_bundle_entry l = {
			.path = sr_arena_strdup(a, path), .kind = SR_BUNDLE_SYMLINK,
			.target = relative_target(a, path, real), .reason = reason, .mode = 0777,
		};
		if (!l.target)
			return sr_error_set(err, SR_E_NOMEM, NULL);
		if ((rc = add_entry(b, &l, true, err)) != SR_OK)
			return rc;
	}
	return SR_OK;
}

static enum sr_err add_root_file(struct sr_bundle *b, const char *path, enum sr_bundle_kind kind,
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
		const char *s = afmt(a, "%s/%s", src, nm), *p = afmt(a, "%s/%s", dst, nm);
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
			rc = add_entry(t->b, &e, false, err);
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
				rc = add_entry(t->b, &e, false, err);
		}
		/* sockets, FIFOs and devices have no place in a data tree */
	}
	closedir(d);
	return rc;
}

static enum sr_err add_tree(struct sr_bundle *b, const char *path, const char *reason, struct sr_error *err)
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

static enum sr_err add_generated(struct sr_bundle *b, const char *path, const char *content, const char *reason,
                                 struct sr_error *err)
{
	struct sr_bundle_entry e = {
		.path = path, .kind = SR_BUNDLE_GENERATED, .content = content, .reason = reason, .mode = 0644,
		.size = strlen(content),
	};
	return add_entry(b, &e, true, err);
}

/* ------------------------------------------------------------ needs */

static const char passwd_text[] = "root:x:0:0:root:/root:/sbin/nologin\n"
                                  "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n";
static const char group_text[] = "root:x:0:\nnogroup:x:65534:\n";
static const char nsswitch_text[] = "passwd:    files\n"
                                    "group:     files\n"
                                    "shadow:    files\n"
                                    "hosts:     files dns\n"
                                    "networks:  files\n"
                                    "protocols: files\n"
                                    "services:  files\n"
                                    "ethers:    files\n"
                                    "rpc:       files\n";
static const char hosts_text[] = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";

/* "CA roots (crypto/x509, …) of /usr/local/bin/app" */
static const char *need_reason(struct sr_arena *a, const struct sr_need *n, const char *what, const char *placed)
{
	char ev[512] = "";
	size_t o = 0;
	for (size_t i = 0; i < n->evidence.count && i < 3; i++) {
		int k = snprintf(ev + o, sizeof ev - o, "%s%s", i ? ", " : "", n->evidence.items[i]);
		if (k < 0 || (size_t)k >= sizeof ev - o)
			break;
		o += (size_t)k;
	}
	if (n->evidence.count > 3 && o + 6 < sizeof ev)
		memcpy(ev + o, ", …", sizeof ", …");
	return afmt(a, "%s%s%s (%s) of %s", what ? what : n->name, what ? " for " : "", what ? n->name : "", ev,
	            placed);
}

/* What the root has for the need, as the one judgement (judge.h) finds it:
 * the file, or the tree, carried into the bundle. */
static enum sr_err satisfy_from_root(struct sr_bundle *b, const struct sr_need *n, const char *reason, bool *met,
                                     struct sr_error *err)
{
	struct sr_need_answer ans;
	sr_judge_need(b->priv->root, n, &ans);
	*met = ans.state == SR_NEED_MET;
	if (!*met)
		return SR_OK;
	if (ans.is_dir)
		return add_tree(b, ans.path, reason, err);
	char real[SR_ROOT_MAX_PATH + 1];
	struct stat st;
	enum sr_err rc = sr_root_stat(b->priv->root, ans.path, real, &st, err);
	if (rc != SR_OK)
		return rc;
	struct sr_bundle_entry e = {
		.path = sr_arena_strdup(b->priv->a, ans.path), .kind = SR_BUNDLE_DATA,
		.source = sr_arena_strdup(b->priv->a, real), .reason = reason, .mode = st.st_mode & 0755,
		.size = (uint64_t)st.st_size,
	};
	return e.path && e.source ? add_entry(b, &e, true, err) : sr_error_set(err, SR_E_NOMEM, NULL);
}

static const char *paths_list(struct sr_arena *a, const struct sr_strlist *l)
{
	char buf[1024] = "";
	size_t o = 0;
	for (size_t i = 0; i < l->count; i++) {
		int k = snprintf(buf + o, sizeof buf - o, "%s%s", i ? ", " : "", l->items[i]);
		if (k < 0 || (size_t)k >= sizeof buf - o)
			break;
		o += (size_t)k;
	}
	return sr_arena_strdup(a, buf);
}

/* glibc's NSS modules for the generated nsswitch.conf ("files", "dns"):
 * since glibc 2.34 both are inside libc.so.6, and the files may be absent;
 * when the root has them beside the C library they come along. */
static enum sr_err add_nss_modules(struct sr_bundle *b, const struct sr_deps *d, const char *reason,
                                   struct sr_error *err)
{
	static const char *const mods[] = { "libnss_files.so.2", "libnss_dns.so.2" };
	const char *dirs[64];
	size_t nd = 0;
	for (size_t i = 1; i < d->object_count && nd < 64; i++) {
		const char *soname = d->objects[i].elf ? d->objects[i].elf->soname : NULL;
		if (soname && sr_libc_of_soname(soname) == SR_LIBC_GLIBC) {
			const char *slash = strrchr(d->objects[i].path, '/');
			if (slash)
				dirs[nd++] = sr_arena_strndup(b->priv->a, d->objects[i].path,
				                              (size_t)(slash - d->objects[i].path));
		}
	}
	for (size_t i = 0; i < d->default_dirs.count && nd < 64; i++)
		dirs[nd++] = d->default_dirs.items[i];
	for (size_t m = 0; m < 2; m++) {
		for (size_t i = 0; i < nd; i++) {
			if (!dirs[i])
				return sr_error_set(err, SR_E_NOMEM, NULL);
			const char *p = afmt(b->priv->a, "%s/%s", dirs[i], mods[m]);
			char real[SR_ROOT_MAX_PATH + 1];
			struct stat st;
			struct sr_error ignored = { 0 };
			if (!p || sr_root_stat(b->priv->root, p, real, &st, &ignored) != SR_OK || !S_ISREG(st.st_mode))
				continue;
			const char *why = afmt(b->priv->a, "NSS module for the generated nsswitch.conf; %s", reason);
			enum sr_err rc = add_root_file(b, p, SR_BUNDLE_LIBRARY, why, err);
			if (rc != SR_OK)
				return rc;
			break;
		}
	}
	return SR_OK;
}

static enum sr_err plan_need(struct sr_bundle *b, const char *program, const char *placed, const struct sr_need *n,
                             const struct sr_deps *d, struct sr_error *err)
{
	struct sr_arena *a = b->priv->a;
	unsigned bit = 1u << n->kind;
	if (b->priv->needs_done & bit)
		return SR_OK;
	b->priv->needs_done |= bit;
	const char *reason = need_reason(a, n, NULL, placed);
	if (!reason)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	enum sr_err rc = SR_OK;
	bool met = false;
	switch (n->kind) {
	case SR_NEED_USERDB:
		if ((rc = add_generated(b, "/etc/passwd", passwd_text, reason, err)) == SR_OK)
			rc = add_generated(b, "/etc/group", group_text, reason, err);
		return rc;
	case SR_NEED_NSS:
		if ((rc = add_generated(b, "/etc/nsswitch.conf", nsswitch_text, reason, err)) == SR_OK)
			rc = add_nss_modules(b, d, reason, err);
		return rc;
	case SR_NEED_DNS: {
		/* /etc/resolv.conf names the build machine's name servers: a
		 * container runtime mounts its own, so it comes along only when
		 * asked (resolv_conf), and its absence is never unmet */
		if (!b->priv->resolv_conf) {
			const char *why = afmt(a, "%s; /etc/resolv.conf is left to the container runtime", reason);
			return why ? add_generated(b, "/etc/hosts", hosts_text, why, err) : sr_error_set(err, SR_E_NOMEM, NULL);
		}
		if ((rc = add_generated(b, "/etc/hosts", hosts_text, reason, err)) != SR_OK)
			return rc;
		static const char *const rp[] = { "/etc/resolv.conf" };
		struct sr_need r = *n;
		r.paths = (struct sr_strlist){ (const char **)rp, 1 };
		if ((rc = satisfy_from_root(b, &r, reason, &met, err)) != SR_OK || met)
			return rc;
		return add_unmet(b, program, n, "--resolv-conf: /etc/resolv.conf is not in the source root", err);
	}
	case SR_NEED_DLOPEN:
		return add_unmet(b, program, n,
		                 "libraries opened with dlopen cannot be known without running the program: "
		                 "add them by hand",
		                 err);
	default:
		break;
	}
	if ((rc = satisfy_from_root(b, n, reason, &met, err)) != SR_OK || met)
		return rc;
	const char *list = paths_list(a, &n->paths);
	const char *why = n->paths.count ? afmt(a, "none of %s in the source root", list ? list : "")
	                                 : "no file is known to satisfy it";
	return add_unmet(b, program, n, why ? why : "", err);
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
			return afmt(a, "DT_NEEDED %s of %s (%s %s)", e->name, from, sr_found_how_name(e->how), e->via);
		return afmt(a, "DT_NEEDED %s of %s (%s)", e->name, from, sr_found_how_name(e->how));
	}
	return afmt(a, "loaded for %s", placed);
}

/* path with "." and ".." removed lexically ("/.." stays "/"), into the arena. */
static const char *normalize(struct sr_arena *a, const char *path)
{
	size_t n = strlen(path);
	char *out = sr_arena_alloc(a, n + 2);
	if (!out)
		return NULL;
	size_t o = 0;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		size_t len = strcspn(p, "/");
		if (len == 0)
			break;
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p += len;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
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
		*at = normalize(a, afmt(a, "%.*s/%s", (int)(pd ? pd - placed[j] : 0), placed[j], rel));
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
	const char *placed = afmt(a, "%s/bin/%s", b->priv->prefix, base);
	struct stat st;
	if (stat(path, &st) != 0)
		return sr_error_set(err, SR_E_IO, "cannot stat (%s)", strerror(errno));
	struct sr_bundle_entry pe = {
		.path = placed, .kind = SR_BUNDLE_PROGRAM, .source = sr_arena_strdup(a, path),
		.reason = afmt(a, "the program %s", path), .mode = 0755, .size = (uint64_t)st.st_size,
	};
	enum sr_err rc = add_entry(b, &pe, true, err);
	if (rc != SR_OK)
		return rc;

	if (d->interp && !d->interp_is_default) {
		const char *why = afmt(a, "PT_INTERP of %s", placed);
		if ((rc = add_root_file(b, d->interp, SR_BUNDLE_INTERPRETER, why, err)) != SR_OK)
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
			rc = add_root_file(b, at[i] = o->path, o->is_interp ? SR_BUNDLE_INTERPRETER : SR_BUNDLE_LIBRARY, why,
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
			cache_why = afmt(a, "the loader's cache: %s is found through it in %.*s, not a default directory",
			                 e->name, (int)(slash - p), p);
		}
	}
	if (cache_needed && d->cache && (rc = add_root_file(b, d->cache, SR_BUNDLE_DATA, cache_why, err)) != SR_OK)
		return rc;

	if (b->priv->no_needs)
		return SR_OK;
	for (size_t i = 0; i < an->needs.n && rc == SR_OK; i++)
		rc = plan_need(b, path, placed, &an->needs.v[i], d, err);
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

/* ------------------------------------------------------------ writing */

/* Open an entry's bytes for reading: the program from the host, the rest
 * through the source root. */
static int open_source(const struct sr_bundle *b, const struct sr_bundle_entry *e, struct sr_error *err)
{
	int fd;
	if (e->kind == SR_BUNDLE_PROGRAM) {
		fd = open(e->source, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			sr_error_set(err, SR_E_IO, "%s: %s", e->source, strerror(errno));
	} else {
		int dirfd;
		char name[SR_ROOT_MAX_PATH + 1];
		if (sr_root_lookup(b->priv->root, e->source, &dirfd, name, NULL, 0, err) != SR_OK)
			return -1;
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		int en = errno;
		close(dirfd);
		if (fd < 0)
			sr_error_set(err, SR_E_IO, "%s: %s", e->source, strerror(en));
	}
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		sr_error_set(err, SR_E_NOT_REGULAR, "%s is no longer a regular file", e->source);
		return -1;
	}
	return fd;
}

static void remove_tree_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		DIR *d = fdopendir(fd);
		if (d) {
			struct dirent *de;
			while ((de = readdir(d)) != NULL) {
				if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
					continue;
				if (unlinkat(fd, de->d_name, 0) != 0 && (errno == EISDIR || errno == EPERM))
					remove_tree_at(fd, de->d_name);
			}
			closedir(d);
		} else {
			close(fd);
		}
	}
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

static void remove_tree(const char *path)
{
	remove_tree_at(AT_FDCWD, path);
}

/* mkdir -p for the parent directories of path (absolute, in the bundle)
 * below the directory top; returns a descriptor of the parent, or -1. */
static int make_parents(int top, const char *path, const char **leaf)
{
	int cur = dup(top);
	const char *p = path;
	while (*p == '/')
		p++;
	for (;;) {
		const char *slash = strchr(p, '/');
		if (!slash)
			break;
		char comp[NAME_MAX + 1];
		size_t n = (size_t)(slash - p);
		if (n == 0 || n > NAME_MAX) {
			close(cur);
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (mkdirat(cur, comp, 0755) != 0 && errno != EEXIST) {
			close(cur);
			return -1;
		}
		int next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(cur);
		if (next < 0)
			return -1;
		cur = next;
		p = slash + 1;
	}
	*leaf = p;
	return cur;
}

static enum sr_err copy_fd(int in, int out, const char *what, struct sr_error *err)
{
	char buf[65536];
	for (;;) {
		ssize_t r = read(in, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return sr_error_set(err, SR_E_IO, "%s: %s", what, strerror(errno));
		if (r == 0)
			return SR_OK;
		if (!sr_write_all(out, buf, (size_t)r))
			return sr_error_set(err, SR_E_IO, "writing %s: %s", what, strerror(errno));
	}
}

static enum sr_err write_entry_dir(const struct sr_bundle *b, int top, const struct sr_bundle_entry *e,
                                   struct sr_error *err)
{
	const char *leaf = NULL;
	int dfd = make_parents(top, e->path, &leaf);
	if (dfd < 0)
		return sr_error_set(err, SR_E_IO, "cannot create the directories of %s: %s", e->path, strerror(errno));
	enum sr_err rc = SR_OK;
	if (e->kind == SR_BUNDLE_SYMLINK) {
		if (symlinkat(e->target, dfd, leaf) != 0)
			rc = sr_error_set(err, SR_E_IO, "%s: %s", e->path, strerror(errno));
	} else {
		int out = openat(dfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (out < 0) {
			rc = sr_error_set(err, SR_E_IO, "%s: %s", e->path, strerror(errno));
		} else {
			if (e->kind == SR_BUNDLE_GENERATED) {
				if (!sr_write_all(out, e->content, strlen(e->content)))
					rc = sr_error_set(err, SR_E_IO, "writing %s: %s", e->path, strerror(errno));
			} else {
				int in = open_source(b, e, err);
				if (in < 0)
					rc = err ? err->code : SR_E_IO;
				else {
					rc = copy_fd(in, out, e->path, err);
					close(in);
				}
			}
			if (rc == SR_OK && fchmod(out, e->mode) != 0)
				rc = sr_error_set(err, SR_E_IO, "%s: %s", e->path, strerror(errno));
			if (close(out) != 0 && rc == SR_OK)
				rc = sr_error_set(err, SR_E_IO, "%s: %s", e->path, strerror(errno));
		}
	}
	close(dfd);
	return rc;
}

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return false;
	bool empty = true;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			empty = false;
			break;
		}
	closedir(d);
	return empty;
}

enum sr_err sr_bundle_write_dir(const struct sr_bundle *b, const char *dir, bool force, struct sr_error *err)
{
	struct stat st;
	bool exists = lstat(dir, &st) == 0;
	bool replace_empty = exists && S_ISDIR(st.st_mode) && dir_is_empty(dir);
	if (exists && !replace_empty && !force)
		return sr_error_set(err, SR_E_USAGE, "it exists and is not an empty directory (--force replaces it)");
	char tmp[SR_ROOT_MAX_PATH + 32];
	enum sr_err rc = sr_outfile_tmp_name(dir, tmp, sizeof tmp, err);
	if (rc != SR_OK)
		return rc;
	if (!mkdtemp(tmp))
		return sr_error_set(err, SR_E_IO, "cannot create a temporary directory beside it: %s", strerror(errno));
	int top = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (top < 0 || fchmod(top, 0755) != 0) {
		rc = sr_error_set(err, SR_E_IO, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	for (size_t i = 0; i < b->entry_count && rc == SR_OK; i++)
		rc = write_entry_dir(b, top, &b->entries[i], err);
	if (rc != SR_OK)
		goto fail;
	if (!exists || replace_empty) {
		/* no output yet (never replace one that appeared meanwhile), or an empty directory */
		int r = exists ? rename(tmp, dir) : sr_rename_noreplace(tmp, dir);
		if (r != 0) {
			rc = sr_error_set(err, SR_E_IO, "cannot rename into place: %s", strerror(errno));
			goto fail;
		}
	} else {
		/* swap the new tree in in one step, then remove the old one */
		if (sr_rename_exchange(tmp, dir) != 0) {
			rc = sr_error_set(err, SR_E_IO, "cannot replace it: %s", strerror(errno));
			goto fail;
		}
		if (S_ISDIR(st.st_mode))
			remove_tree(tmp);
		else
			unlink(tmp);
	}
	close(top);
	return SR_OK;
fail:
	if (top >= 0)
		close(top);
	remove_tree(tmp);
	return rc;
}

static int str_ptr_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The directories of the entries, sorted and unique ("/usr", "/usr/lib", …). */
static const char **parent_dirs(const struct sr_bundle *b, size_t *count)
{
	size_t cap = 64, n = 0;
	const char **v = malloc(cap * sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < b->entry_count; i++) {
		const char *p = b->entries[i].path;
		for (const char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
			char *d = sr_arena_strndup(b->priv->a, p, (size_t)(s - p));
			if (!d) {
				free(v);
				return NULL;
			}
			/* entries are sorted: a directory seen lately is likely the last one added */
			bool seen = false;
			for (size_t k = n; k-- > 0 && n - k <= 64;)
				if (strcmp(v[k], d) == 0) {
					seen = true;
					break;
				}
			if (seen)
				continue;
			if (n == cap) {
				cap *= 2;
				const char **nv = realloc(v, cap * sizeof *nv);
				if (!nv) {
					free(v);
					return NULL;
				}
				v = nv;
			}
			v[n++] = d;
		}
	}
	qsort(v, n, sizeof *v, str_ptr_cmp);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || strcmp(v[u - 1], v[i]) != 0)
			v[u++] = v[i];
	*count = u;
	return v;
}

static void set_common(struct archive_entry *ae, const char *path, int64_t mtime)
{
	archive_entry_set_pathname(ae, path + 1);   /* "usr/lib/…": relative, as tar stores it */
	archive_entry_set_mtime(ae, (time_t)mtime, 0);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_uname(ae, "root");
	archive_entry_set_gname(ae, "root");
}

static enum sr_err tar_entry(const struct sr_bundle *b, struct archive *ar, const struct sr_bundle_entry *e,
                             int64_t mtime, struct sr_error *err)
{
	struct archive_entry *ae = archive_entry_new();
	if (!ae)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	set_common(ae, e->path, mtime);
	enum sr_err rc = SR_OK;
	int in = -1;
	uint64_t size = 0;
	if (e->kind == SR_BUNDLE_SYMLINK) {
		archive_entry_set_filetype(ae, AE_IFLNK);
		archive_entry_set_perm(ae, 0777);
		archive_entry_set_symlink(ae, e->target);
	} else {
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, e->mode);
		if (e->kind == SR_BUNDLE_GENERATED) {
			size = strlen(e->content);
		} else {
			in = open_source(b, e, err);
			struct stat st;
			if (in < 0 || fstat(in, &st) != 0) {
				rc = in < 0 && err ? err->code : sr_error_set(err, SR_E_IO, "%s: cannot stat", e->source);
				goto out;
			}
			size = (uint64_t)st.st_size;
		}
		archive_entry_set_size(ae, (la_int64_t)size);
	}
	if (archive_write_header(ar, ae) != ARCHIVE_OK) {
		rc = sr_error_set(err, SR_E_IO, "%s: %s", e->path, archive_error_string(ar));
		goto out;
	}
	if (e->kind == SR_BUNDLE_GENERATED) {
		if (archive_write_data(ar, e->content, (size_t)size) != (la_ssize_t)size)
			rc = sr_error_set(err, SR_E_IO, "%s: %s", e->path, archive_error_string(ar));
	} else if (in >= 0) {
		/* exactly the size in the header: a file that changed meanwhile is an error */
		char buf[65536];
		uint64_t left = size;
		while (left && rc == SR_OK) {
			ssize_t r = read(in, buf, left < sizeof buf ? (size_t)left : sizeof buf);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				rc = sr_error_set(err, SR_E_IO, "%s: changed while being read", e->source);
				break;
			}
			if (archive_write_data(ar, buf, (size_t)r) != r)
				rc = sr_error_set(err, SR_E_IO, "%s: %s", e->path, archive_error_string(ar));
			left -= (uint64_t)r;
		}
	}
out:
	if (in >= 0)
		close(in);
	archive_entry_free(ae);
	return rc;
}

static enum sr_err tar_dir(struct archive *ar, const char *path, int64_t mtime, struct sr_error *err)
{
	struct archive_entry *ae = archive_entry_new();
	if (!ae)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	set_common(ae, path, mtime);
	archive_entry_set_filetype(ae, AE_IFDIR);
	archive_entry_set_perm(ae, 0755);
	enum sr_err rc = SR_OK;
	if (archive_write_header(ar, ae) != ARCHIVE_OK)
		rc = sr_error_set(err, SR_E_IO, "%s: %s", path, archive_error_string(ar));
	archive_entry_free(ae);
	return rc;
}

enum sr_err sr_bundle_write_archive(const struct sr_bundle *b, struct archive *ar, int64_t mtime,
                                    struct sr_error *err)
{
	size_t ndirs = 0;
	const char **dirs = parent_dirs(b, &ndirs);
	if (!dirs)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	/* directories and entries merged in path order: a parent before its children */
	enum sr_err rc = SR_OK;
	size_t i = 0, k = 0;
	while (rc == SR_OK && (i < b->entry_count || k < ndirs)) {
		if (k < ndirs && (i == b->entry_count || strcmp(dirs[k], b->entries[i].path) < 0))
			rc = tar_dir(ar, dirs[k++], mtime, err);
		else
			rc = tar_entry(b, ar, &b->entries[i++], mtime, err);
	}
	free(dirs);
	return rc;
}

enum sr_err sr_bundle_write_tar(const struct sr_bundle *b, const char *file, int64_t mtime, bool force,
                                struct sr_error *err)
{
	struct sr_outfile of;
	enum sr_err rc = sr_archive_load(err);
	if (rc != SR_OK || (rc = sr_outfile_open(&of, file, force, err)) != SR_OK)
		return rc;
	struct archive *ar = archive_write_new();
	if (!ar || archive_write_set_format_ustar(ar) != ARCHIVE_OK || archive_write_open_fd(ar, of.fd) != ARCHIVE_OK) {
		rc = sr_error_set(err, SR_E_IO, "%s", ar ? archive_error_string(ar) : "out of memory");
		goto fail;
	}
	if ((rc = sr_bundle_write_archive(b, ar, mtime, err)) != SR_OK)
		goto fail;
	if (archive_write_close(ar) != ARCHIVE_OK) {
		rc = sr_error_set(err, SR_E_IO, "%s", archive_error_string(ar));
		goto fail;
	}
	archive_write_free(ar);
	return sr_outfile_commit(&of, err);
fail:
	if (ar)
		archive_write_free(ar);
	sr_outfile_abort(&of);
	return rc;
}
