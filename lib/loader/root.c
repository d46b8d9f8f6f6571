/* Path lookup confined to a root directory.
 *
 * The walk keeps a descriptor of the directory reached so far and opens the
 * next component relative to it with O_PATH | O_NOFOLLOW, so every open()
 * the kernel sees names one component below a directory already inside the
 * root.  Symlinks are read with readlinkat(): an absolute target restarts
 * from the root, and `..` never climbs above it.  Like the kernel, at most
 * SR_ROOT_MAX_LINKS symlinks are followed per lookup. */
#define _GNU_SOURCE 1   /* O_PATH */
#include "shipready/root.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/file.h"
#include "shipready/vtree.h"
#include "util/map.h"

#define MAX_DEPTH 256

enum sr_err sr_root_open(const char *dir, struct sr_root *root, struct sr_error *err)
{
	root->dirfd = -1;
	root->dir = NULL;
	root->memo = NULL;
	root->tree = NULL;
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOTDIR)
			return sr_error_set(err, SR_E_NOT_REGULAR, "root is not a directory");
		if (e == ENOENT)
			return sr_error_set(err, SR_E_NOENT, "root does not exist");
		return sr_error_set(err, SR_E_IO, "cannot open root (error %d)", e);
	}
	root->dir = strdup(dir);
	if (!root->dir) {
		close(fd);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	root->dirfd = fd;
	return SR_OK;
}

enum sr_err sr_root_open_tree(struct sr_vtree *tree, const char *name, struct sr_root *root, struct sr_error *err)
{
	*root = (struct sr_root){ .dirfd = -1, .tree = tree, .dir = strdup(name) };
	if (!root->dir)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	return SR_OK;
}

bool sr_root_is_open(const struct sr_root *root)
{
	return root->dirfd >= 0 || root->tree;
}

void sr_root_close(struct sr_root *root)
{
	sr_root_memo_stop(root);
	if (root->dirfd >= 0)
		close(root->dirfd);
	free(root->dir);
	root->dirfd = -1;
	root->dir = NULL;
	root->tree = NULL;
}

bool sr_root_identity(const struct sr_root *root, dev_t *dev, ino_t *ino)
{
	struct stat st;
	if (root->tree) {
		*dev = sr_vtree_dev(root->tree);
		*ino = 1;
		return true;
	}
	if (fstat(root->dirfd, &st) != 0)
		return false;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return true;
}

/* ---------- a place inside the root: a directory descriptor, or a tree's node ---------- */

/* The handle of the root directory itself (not to be released). */
static int h_root(const struct sr_root *r)
{
	return r->tree ? (int)SR_VTREE_ROOT : r->dirfd;
}

/* The directory comp in cur (not a symlink), as openat(O_PATH |
 * O_DIRECTORY | O_NOFOLLOW) does: -1 with errno ENOENT, ENOTDIR or ELOOP. */
static int h_opendir(const struct sr_root *r, int cur, const char *comp)
{
	if (!r->tree)
		return openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	uint32_t c = sr_vtree_child(r->tree, (uint32_t)cur, comp);
	if (c == SR_VTREE_NONE) {
		errno = ENOENT;
		return -1;
	}
	struct stat st;
	sr_vtree_stat(r->tree, c, &st);
	if (!S_ISDIR(st.st_mode)) {
		errno = S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR;
		return -1;
	}
	return (int)c;
}

static int h_lstat(const struct sr_root *r, int cur, const char *comp, struct stat *st)
{
	if (!r->tree)
		return fstatat(cur, comp, st, AT_SYMLINK_NOFOLLOW);
	uint32_t c = sr_vtree_child(r->tree, (uint32_t)cur, comp);
	if (c == SR_VTREE_NONE) {
		errno = ENOENT;
		return -1;
	}
	sr_vtree_stat(r->tree, c, st);
	return 0;
}

/* stat of the handle's own directory */
static int h_fstat(const struct sr_root *r, int h, struct stat *st)
{
	if (!r->tree)
		return fstat(h, st);
	sr_vtree_stat(r->tree, (uint32_t)h, st);
	return 0;
}

static ssize_t h_readlink(const struct sr_root *r, int cur, const char *comp, char *buf, size_t n)
{
	if (!r->tree)
		return readlinkat(cur, comp, buf, n);
	uint32_t c = sr_vtree_child(r->tree, (uint32_t)cur, comp);
	const char *l = c == SR_VTREE_NONE ? NULL : sr_vtree_link(r->tree, c);
	if (!l) {
		errno = c == SR_VTREE_NONE ? ENOENT : EINVAL;
		return -1;
	}
	size_t ll = strlen(l);
	if (ll > n)
		ll = n;
	memcpy(buf, l, ll);
	return (ssize_t)ll;
}

static void h_close(const struct sr_root *r, int h)
{
	if (!r->tree && h >= 0)
		close(h);
}

static int h_dup(const struct sr_root *r, int h)
{
	return r->tree ? h : fcntl(h, F_DUPFD_CLOEXEC, 0);
}

void sr_root_release(const struct sr_root *root, int h)
{
	h_close(root, h);
}

int sr_root_at_stat(const struct sr_root *root, int h, const char *name, struct stat *st)
{
	return h_lstat(root, h, name, st);
}

enum sr_err sr_root_at_file_open(const struct sr_root *root, int h, const char *name, unsigned flags,
                                 struct sr_file *f, struct sr_error *err)
{
	if (!root->tree)
		return sr_file_open_ex(h, name, flags, f, err);
	memset(f, 0, sizeof *f);
	uint32_t c = sr_vtree_child(root->tree, (uint32_t)h, name);
	if (c == SR_VTREE_NONE)
		return sr_error_set(err, SR_E_NOENT, "no such file (or a dangling symlink)");
	if (sr_vtree_link(root->tree, c))
		return sr_error_set(err, SR_E_IO, "too many levels of symbolic links");   /* as O_NOFOLLOW */
	return sr_vtree_file_open(root->tree, c, flags & SR_FILE_LAZY, f, err);
}

/* ---------- the memo ---------- */

enum { MEMO_DIR = 1, MEMO_LINK = 2 };

/* A directory (fd, owned by the memo) or a symlink (target), by canonical
 * path inside the root. */
struct memo_ent {
	int fd;
	unsigned char kind;
	char target[];      /* MEMO_LINK */
};

struct sr_root_memo {
	struct sr_map map;        /* canonical path -> struct memo_ent */
	struct sr_arena *keys;
	unsigned fds;
};

enum {
	MEMO_MAX_ENTRIES = 4096,
	MEMO_MAX_FDS = 128,      /* with deps' own directories, well under the usual 1024 */
};

void sr_root_memo_start(struct sr_root *root)
{
	if (root->memo || root->tree)   /* a tree's lookups make no system call */
		return;
	struct sr_root_memo *m = calloc(1, sizeof *m);
	if (m && !(m->keys = sr_arena_new())) {
		free(m);
		m = NULL;
	}
	if (m)
		sr_map_init(&m->map, m->keys, MEMO_MAX_ENTRIES);
	root->memo = m;
}

static void memo_ent_free(void *v)
{
	struct memo_ent *e = v;
	if (e && e->fd >= 0)
		close(e->fd);
	free(e);
}

void sr_root_memo_stop(struct sr_root *root)
{
	struct sr_root_memo *m = root->memo;
	if (!m)
		return;
	sr_map_free(&m->map, memo_ent_free);
	sr_arena_free(m->keys);
	free(m);
	root->memo = NULL;
}

/* A memo key: the canonical path dir + "/" + comp, in key (SR_ROOT_MAX_PATH
 * + 1 bytes; the caller has checked that it fits); its length. */
static size_t memo_key(const char *dir, size_t dl, const char *comp, size_t cl, char *key)
{
	memcpy(key, dir, dl);
	key[dl] = '/';
	memcpy(key + dl + 1, comp, cl);
	return dl + 1 + cl;
}

static const struct memo_ent *memo_find(const struct sr_root_memo *m, const char *key, size_t kl)
{
	const struct sr_map_slot *e = m ? sr_map_find(&m->map, key, kl) : NULL;
	return e ? e->val : NULL;
}

/* Remember key as a directory (fd) or a symlink (target); false when the
 * memo is full or memory is short (then the caller keeps its descriptor). */
static bool memo_put(struct sr_root_memo *m, const char *key, size_t kl, int fd, const char *target)
{
	if (!m || (fd >= 0 && m->fds >= MEMO_MAX_FDS))
		return false;
	size_t tl = target ? strlen(target) + 1 : 0;
	struct memo_ent *me = malloc(sizeof *me + tl);
	if (!me)
		return false;
	me->fd = fd;
	me->kind = target ? MEMO_LINK : MEMO_DIR;
	if (target)
		memcpy(me->target, target, tl);
	bool fresh;
	struct sr_map_slot *e = sr_map_add(&m->map, key, kl, &fresh);
	if (!e || !fresh) {
		free(me);
		return false;
	}
	e->val = me;
	if (fd >= 0)
		m->fds++;
	return true;
}

/* ---------- the walk ---------- */

/* The components still to visit: buf[off, off + len), consumed from the
 * front, e.g. "usr/lib/x.so".  A symlink's target is put in front of the
 * rest, in the room before it when there is some. */
struct pending {
	char buf[SR_ROOT_MAX_PATH * 2 + 2];
	size_t off, len;
};

static bool pending_init(struct pending *p, const char *path)
{
	size_t n = strlen(path);
	if (n + 1 > sizeof p->buf)
		return false;
	p->off = sizeof p->buf - n - 1;
	p->len = n;
	memcpy(p->buf + p->off, path, n + 1);
	return true;
}

/* front + "/" before what is left */
static bool pending_push(struct pending *p, const char *front, size_t fl)
{
	if (fl + 1 + p->len + 1 > sizeof p->buf)
		return false;
	if (p->off < fl + 1) {
		/* move the rest to the end of the buffer first */
		size_t to = sizeof p->buf - p->len - 1;
		memmove(p->buf + to, p->buf + p->off, p->len + 1);
		p->off = to;
	}
	p->off -= fl + 1;
	memcpy(p->buf + p->off, front, fl);
	p->buf[p->off + fl] = '/';
	p->len += fl + 1;
	return true;
}

/* Take the next component into name; false when none is left. */
static bool pending_next(struct pending *p, char *name, size_t name_size, bool *too_long)
{
	const char *s = p->buf + p->off;
	size_t i = 0;
	*too_long = false;
	while (i < p->len && s[i] == '/')
		i++;
	if (i == p->len) {
		p->off += p->len;
		p->len = 0;
		return false;
	}
	size_t start = i;
	while (i < p->len && s[i] != '/')
		i++;
	size_t n = i - start;
	if (n + 1 > name_size) {
		*too_long = true;
		return false;
	}
	memcpy(name, s + start, n);
	name[n] = '\0';
	p->off += i;
	p->len -= i;
	return true;
}

static bool pending_empty(const struct pending *p)
{
	for (size_t i = 0; i < p->len; i++)
		if (p->buf[p->off + i] != '/')
			return false;
	return true;
}

/* The walk's position: a descriptor per directory level, from the root
 * down; a level's descriptor is the memo's when borrowed. */
struct walk {
	const struct sr_root *root;
	int fds[MAX_DEPTH + 1];
	bool borrowed[MAX_DEPTH + 1];
	size_t name_off[MAX_DEPTH + 1];   /* where each level's name starts in path */
	size_t depth;
	char path[SR_ROOT_MAX_PATH + 1];  /* canonical path inside the root */
	size_t path_len;
};

/* path += "/" + comp (the caller has checked it fits) */
static void walk_append(struct walk *w, const char *comp, size_t cl)
{
	w->path[w->path_len] = '/';
	memcpy(w->path + w->path_len + 1, comp, cl + 1);
	w->path_len += 1 + cl;
}

static void walk_pop(struct walk *w)
{
	if (!w->borrowed[w->depth])
		h_close(w->root, w->fds[w->depth]);
	w->depth--;
}

static void walk_to_root(struct walk *w)
{
	while (w->depth > 0)
		walk_pop(w);
	w->path_len = 0;
	w->path[0] = '\0';
}

/* An error about component `comp` below the walk's current directory,
 * naming the path inside the root, e.g. "no such file inside the root: /etc/x". */
static enum sr_err walk_error(int e, const struct walk *w, const char *comp, struct sr_error *err)
{
	const char *where = w->path_len ? w->path : "";
	switch (e) {
	case ENOENT:
		return sr_error_set(err, SR_E_NOENT, "no such file inside the root: %s/%s", where, comp);
	case EACCES:
	case EPERM:
		return sr_error_set(err, SR_E_ACCESS, "permission denied inside the root: %s/%s", where, comp);
	case ENOTDIR:
		return sr_error_set(err, SR_E_NOENT, "not a directory inside the root: %s/%s", where, comp);
	case ENAMETOOLONG:
		return sr_error_set(err, SR_E_USAGE, "file name too long inside the root: %s/…", where);
	default: {
		char buf[128];
		snprintf(buf, sizeof buf, "%s", strerror(e));
		if (buf[0] >= 'A' && buf[0] <= 'Z')
			buf[0] = (char)(buf[0] - 'A' + 'a');
		return sr_error_set(err, SR_E_IO, "%s/%s inside the root: %s", where, comp, buf);
	}
	}
}

enum sr_err sr_root_lookup(const struct sr_root *root, const char *path, int *parent_fd, char *name,
                           char *resolved, size_t resolved_size, struct sr_error *err)
{
	return sr_root_lookup_ex(root, path, parent_fd, name, resolved, resolved_size, 0, NULL, err);
}

enum sr_err sr_root_lookup_ex(const struct sr_root *root, const char *path, int *parent_fd, char *name,
                              char *resolved, size_t resolved_size, unsigned flags, struct sr_root_found *found,
                              struct sr_error *err)
{
	struct walk w;
	struct pending p;
	char comp[SR_ROOT_MAX_PATH + 1];
	char target[SR_ROOT_MAX_PATH + 1];
	struct sr_root_memo *memo = root->memo;
	unsigned links = 0;
	bool stated = false;
	struct stat st;
	enum sr_err rc = SR_OK;

	*parent_fd = -1;
	name[0] = '\0';
	if (found) {
		found->borrowed = false;
		found->stated = false;
	}
	w.root = root;
	w.depth = 0;
	w.fds[0] = h_root(root);
	w.borrowed[0] = true;   /* the root's own */
	w.path_len = 0;
	w.path[0] = '\0';
	if (!pending_init(&p, path))
		return sr_error_set(err, SR_E_USAGE, "path too long");

	bool too_long;
	while (pending_next(&p, comp, sizeof comp, &too_long)) {
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			/* never above the root */
			if (w.depth > 0) {
				w.path_len = w.name_off[w.depth];
				w.path[w.path_len] = '\0';
				walk_pop(&w);
			}
			continue;
		}
		size_t cl = strlen(comp);
		if (w.path_len + 1 + cl > SR_ROOT_MAX_PATH) {
			rc = sr_error_set(err, SR_E_USAGE, "path too long");
			goto out;
		}
		/* the component's canonical path is the memo's key */
		char key[SR_ROOT_MAX_PATH + 1];
		size_t kl = 0;
		const struct memo_ent *me = NULL;
		if (memo) {
			kl = memo_key(w.path, w.path_len, comp, cl, key);
			me = memo_find(memo, key, kl);
		}
		bool final = pending_empty(&p);
		int cur = w.fds[w.depth];
		const char *link = NULL;
		int nfd = -1;
		bool nfd_borrowed = false;
		if (me && me->kind == MEMO_LINK) {
			link = me->target;
		} else if (me && me->kind == MEMO_DIR && !final) {
			nfd = me->fd;
			nfd_borrowed = true;
		} else if (!final) {
			/* a directory to go through: open it, and only if that fails
			 * find out whether it is a symlink */
			nfd = h_opendir(root, cur, comp);
			if (nfd < 0) {
				int e = errno;
				if ((e != ENOTDIR && e != ELOOP) || h_lstat(root, cur, comp, &st) != 0 ||
				    !S_ISLNK(st.st_mode)) {
					rc = walk_error(e == ELOOP ? ENOTDIR : e, &w, comp, err);
					goto out;
				}
			}
		} else {
			if (h_lstat(root, cur, comp, &st) != 0) {
				rc = walk_error(errno, &w, comp, err);
				goto out;
			}
		}
		if (!link && nfd < 0 && S_ISLNK(st.st_mode)) {
			ssize_t n = h_readlink(root, cur, comp, target, sizeof target - 1);
			if (n < 0) {
				rc = walk_error(errno, &w, comp, err);
				goto out;
			}
			target[n] = '\0';
			link = target;
			if (memo)
				memo_put(memo, key, kl, -1, target);
		}
		if (link) {
			if (++links > SR_ROOT_MAX_LINKS) {
				rc = sr_error_set(err, SR_E_IO, "too many levels of symbolic links");
				goto out;
			}
			if (link[0] == '/')
				walk_to_root(&w);   /* absolute: relative to the root, not the host */
			if (!pending_push(&p, link, strlen(link))) {
				rc = sr_error_set(err, SR_E_USAGE, "path too long after following symbolic links");
				goto out;
			}
			continue;
		}
		if (final) {
			/* the final component: hand it back with its directory */
			walk_append(&w, comp, cl);
			memcpy(name, comp, cl + 1);
			stated = true;
			break;
		}
		if (w.depth >= MAX_DEPTH) {
			if (!nfd_borrowed)
				h_close(root, nfd);
			rc = sr_error_set(err, SR_E_USAGE, "path too deep");
			goto out;
		}
		if (!nfd_borrowed && memo)
			nfd_borrowed = memo_put(memo, key, kl, nfd, NULL);
		w.depth++;
		w.fds[w.depth] = nfd;
		w.borrowed[w.depth] = nfd_borrowed;
		w.name_off[w.depth] = w.path_len;
		walk_append(&w, comp, cl);
	}
	if (too_long) {
		rc = sr_error_set(err, SR_E_USAGE, "file name too long");
		goto out;
	}
	if (resolved && resolved_size) {
		const char *show = w.path_len ? w.path : "/";
		size_t sl = strlen(show);
		if (sl >= resolved_size) {
			rc = sr_error_set(err, SR_E_USAGE, "path too long");
			goto out;
		}
		memcpy(resolved, show, sl + 1);
	}
	/* hand back the parent directory: the walk's own, or the memo's (the
	 * root's) itself when the caller can take it, else a copy */
	if (!w.borrowed[w.depth] || (flags & SR_ROOT_BORROW) || root->tree) {
		*parent_fd = w.fds[w.depth];
		if (found)
			found->borrowed = w.borrowed[w.depth] || root->tree;
	} else {
		*parent_fd = h_dup(root, w.fds[w.depth]);
		if (*parent_fd < 0) {
			rc = sr_error_set(err, SR_E_IO, "cannot duplicate a directory descriptor (error %d)", errno);
			goto out;
		}
	}
	if (w.depth > 0)
		w.depth--;   /* keep fds[old depth] for the caller */
	if (found && stated) {
		found->stated = true;
		found->st = st;
	}
out:
	while (w.depth > 0)
		walk_pop(&w);
	if (found)
		found->links = links;
	return rc;
}

/* ---------- kept directories ---------- */

struct sr_root_dir *sr_root_dir_open(const struct sr_root *root, const char *dir)
{
	/* "dir/.": the walk goes into dir itself (the memo keeps it when it
	 * can, and then the descriptor is borrowed) and hands it back as the
	 * parent */
	size_t dl = strlen(dir);
	char inside[SR_ROOT_MAX_PATH + 1], name[SR_ROOT_MAX_PATH + 1], real[SR_ROOT_MAX_PATH + 1];
	if (dl + 2 > SR_ROOT_MAX_PATH)
		return NULL;
	memcpy(inside, dir, dl);
	memcpy(inside + dl, "/.", 3);
	struct sr_error e = { 0 };
	int fd = -1;
	struct sr_root_found rf = { .links = 0 };
	if (sr_root_lookup_ex(root, inside, &fd, name, real, sizeof real, SR_ROOT_BORROW, &rf, &e) != SR_OK)
		fd = -1;
	size_t rl = fd >= 0 ? strlen(real) + 1 : 0;
	struct sr_root_dir *d = malloc(sizeof *d + rl);
	if (!d) {
		if (fd >= 0 && !rf.borrowed)
			h_close(root, fd);
		return NULL;
	}
	*d = (struct sr_root_dir){ .fd = fd, .owned = fd >= 0 && !rf.borrowed, .links = rf.links, .root = root };
	if (fd >= 0) {
		d->real = (char *)(d + 1);
		memcpy(d->real, real, rl);
	}
	return d;
}

void sr_root_dir_free(struct sr_root_dir *d)
{
	if (d && d->fd >= 0 && d->owned)
		h_close(d->root, d->fd);
	free(d);
}

enum sr_root_in sr_root_dir_lookup(const struct sr_root_dir *d, const char *name, struct stat *st, char *leaf)
{
	if (d->fd < 0)
		return SR_ROOT_IN_MISSING;
	size_t nl = strlen(name);
	if (nl == 0 || nl > SR_ROOT_MAX_PATH || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return SR_ROOT_IN_WALK;
	memcpy(leaf, name, nl + 1);
	for (unsigned links = d->links;;) {
		if (h_lstat(d->root, d->fd, leaf, st) != 0)
			return SR_ROOT_IN_MISSING;
		if (!S_ISLNK(st->st_mode))
			return SR_ROOT_IN_FOUND;
		if (++links > SR_ROOT_MAX_LINKS)
			return SR_ROOT_IN_WALK;
		char target[SR_ROOT_MAX_PATH + 1];
		ssize_t n = h_readlink(d->root, d->fd, leaf, target, sizeof target - 1);
		if (n <= 0)
			return SR_ROOT_IN_WALK;
		target[n] = '\0';
		if (memchr(target, '/', (size_t)n) || !strcmp(target, ".") || !strcmp(target, ".."))
			return SR_ROOT_IN_WALK;
		memcpy(leaf, target, (size_t)n + 1);
	}
}

enum sr_err sr_root_dir_file_open(const struct sr_root_dir *d, const char *leaf, unsigned flags, struct sr_file *f,
                                  struct sr_error *err)
{
	return sr_root_at_file_open(d->root, d->fd, leaf, flags, f, err);
}

/* ---------- one lookup, then one operation ---------- */

/* A directory's names, read whole and sorted. */
struct sr_root_list {
	char **names;
	size_t n, next;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool list_add(struct sr_root_list *l, size_t *cap, const char *name)
{
	if (l->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		char **g = realloc(l->names, nc * sizeof *g);
		if (!g)
			return false;
		l->names = g;
		*cap = nc;
	}
	return (l->names[l->n] = strdup(name)) != NULL && ++l->n;
}

struct sr_root_list *sr_root_list_open(const struct sr_root *root, const char *path, size_t max, struct sr_error *err)
{
	int dirfd;
	char name[SR_ROOT_MAX_PATH + 1];
	if (sr_root_lookup(root, path, &dirfd, name, NULL, 0, err) != SR_OK)
		return NULL;
	struct sr_root_list *l = calloc(1, sizeof *l);
	if (!l) {
		h_close(root, dirfd);
		sr_error_set(err, SR_E_NOMEM, NULL);
		return NULL;
	}
	size_t cap = 0;
	bool ok = true;
	if (root->tree) {
		uint32_t dir = name[0] ? sr_vtree_child(root->tree, (uint32_t)dirfd, name) : (uint32_t)dirfd;
		struct stat st;
		if (dir != SR_VTREE_NONE)
			sr_vtree_stat(root->tree, dir, &st);
		if (dir == SR_VTREE_NONE || !S_ISDIR(st.st_mode)) {
			free(l);
			sr_error_set(err, dir == SR_VTREE_NONE ? SR_E_NOENT : SR_E_NOT_REGULAR, "%s: %s", path,
			             dir == SR_VTREE_NONE ? "no such directory" : "not a directory");
			return NULL;
		}
		uint32_t *kids;
		long n = sr_vtree_children(root->tree, dir, &kids);
		ok = n >= 0;
		for (long i = 0; ok && i < n && l->n < max; i++)
			ok = list_add(l, &cap, sr_vtree_name(root->tree, kids[i]));
		free(kids);
	} else {
		int fd = name[0] ? openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
		                 : openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int e = errno;
		close(dirfd);
		DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
		if (!d) {
			if (fd >= 0) {
				e = errno;
				close(fd);
			}
			free(l);
			sr_error_set(err, e == ENOTDIR || e == ELOOP ? SR_E_NOT_REGULAR : SR_E_IO, "%s: %s", path, strerror(e));
			return NULL;
		}
		struct dirent *de;
		while (ok && l->n < max && (de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				ok = list_add(l, &cap, de->d_name);
		closedir(d);
		if (ok && l->n)
			qsort(l->names, l->n, sizeof *l->names, cmp_str);
	}
	if (!ok) {
		sr_root_list_close(l);
		sr_error_set(err, SR_E_NOMEM, NULL);
		return NULL;
	}
	return l;
}

const char *sr_root_list_next(struct sr_root_list *l)
{
	return l->next < l->n ? l->names[l->next++] : NULL;
}

void sr_root_list_close(struct sr_root_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	free(l);
}

enum sr_err sr_root_stat(const struct sr_root *root, const char *path, char *resolved, struct stat *st,
                         struct sr_error *err)
{
	int dirfd;
	char name[SR_ROOT_MAX_PATH + 1];
	enum sr_err rc = sr_root_lookup(root, path, &dirfd, name, resolved, resolved ? SR_ROOT_MAX_PATH + 1 : 0, err);
	if (rc != SR_OK)
		return rc;
	int r = name[0] ? h_lstat(root, dirfd, name, st) : h_fstat(root, dirfd, st);
	int e = errno;
	h_close(root, dirfd);
	if (r != 0)
		return sr_error_set(err, e == ENOENT ? SR_E_NOENT : SR_E_IO, "%s: cannot stat (%s)", path, strerror(e));
	return SR_OK;
}

long sr_root_read_at(const struct sr_root *root, const char *path, uint64_t off, void *buf, size_t cap)
{
	int dirfd;
	char name[SR_ROOT_MAX_PATH + 1];
	struct sr_error err = { 0 };
	if (sr_root_lookup(root, path, &dirfd, name, NULL, 0, &err) != SR_OK)
		return -1;
	if (root->tree) {
		uint32_t c = name[0] ? sr_vtree_child(root->tree, (uint32_t)dirfd, name) : SR_VTREE_NONE;
		struct stat st;
		if (c == SR_VTREE_NONE)
			return -1;
		sr_vtree_stat(root->tree, c, &st);
		if (!S_ISREG(st.st_mode))
			return -1;
		return sr_vtree_read(root->tree, c, off, buf, cap);
	}
	/* O_NONBLOCK: a FIFO put where a file should be must not hang us */
	int fd = name[0] ? openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
	close(dirfd);
	if (fd < 0)
		return -1;
	struct stat st;
	long n = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		size_t got = 0;
		while (got < cap) {
			ssize_t k = pread(fd, (char *)buf + got, cap - got, (off_t)(off + got));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			got += (size_t)k;
		}
		n = (long)got;
	}
	close(fd);
	return n;
}

long sr_root_read_head(const struct sr_root *root, const char *path, void *buf, size_t cap)
{
	return sr_root_read_at(root, path, 0, buf, cap);
}

enum sr_err sr_root_file_open(const struct sr_root *root, const char *path, struct sr_file *f, char *resolved,
                              size_t resolved_size, struct sr_error *err)
{
	int dirfd;
	char name[SR_ROOT_MAX_PATH + 1];
	memset(f, 0, sizeof *f);
	enum sr_err rc = sr_root_lookup(root, path, &dirfd, name, resolved, resolved_size, err);
	if (rc != SR_OK)
		return rc;
	if (name[0] == '\0') {
		h_close(root, dirfd);
		return sr_error_set(err, SR_E_ISDIR, "is a directory");
	}
	/* the last component was checked not to be a symlink: open it without following */
	rc = sr_root_at_file_open(root, dirfd, name, 0, f, err);
	h_close(root, dirfd);
	return rc;
}
