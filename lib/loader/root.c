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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/file.h"

#define MAX_DEPTH 256

enum sr_err sr_root_open(const char *dir, struct sr_root *root, struct sr_error *err)
{
	root->dirfd = -1;
	root->dir = NULL;
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

void sr_root_close(struct sr_root *root)
{
	if (root->dirfd >= 0)
		close(root->dirfd);
	free(root->dir);
	root->dirfd = -1;
	root->dir = NULL;
}

/* The components still to visit, kept as one string consumed from the front:
 * "usr/lib/x.so".  A symlink's target is pushed in front of the rest. */
struct pending {
	char buf[SR_ROOT_MAX_PATH * 2];
	size_t len;
};

static bool pending_set(struct pending *p, const char *front, const char *rest)
{
	size_t fl = strlen(front), rl = strlen(rest);
	if (fl + 1 + rl + 1 > sizeof p->buf)
		return false;
	char tmp[SR_ROOT_MAX_PATH * 2];
	memcpy(tmp, front, fl);
	tmp[fl] = '/';
	memcpy(tmp + fl + 1, rest, rl + 1);
	memcpy(p->buf, tmp, fl + rl + 2);
	p->len = fl + 1 + rl;
	return true;
}

/* Take the next component into name; false when none is left. */
static bool pending_next(struct pending *p, char *name, size_t name_size, bool *too_long)
{
	size_t i = 0;
	*too_long = false;
	while (i < p->len && p->buf[i] == '/')
		i++;
	if (i == p->len) {
		p->len = 0;
		return false;
	}
	size_t start = i;
	while (i < p->len && p->buf[i] != '/')
		i++;
	size_t n = i - start;
	if (n + 1 > name_size) {
		*too_long = true;
		return false;
	}
	memcpy(name, p->buf + start, n);
	name[n] = '\0';
	memmove(p->buf, p->buf + i, p->len - i + 1);
	p->len -= i;
	return true;
}

static bool pending_empty(const struct pending *p)
{
	for (size_t i = 0; i < p->len; i++)
		if (p->buf[i] != '/')
			return false;
	return true;
}

/* The walk's position: a descriptor per directory level, from the root down. */
struct walk {
	int fds[MAX_DEPTH + 1];
	size_t name_off[MAX_DEPTH + 1];   /* where each level's name starts in path */
	size_t depth;
	char path[SR_ROOT_MAX_PATH + 1];  /* canonical path inside the root */
	size_t path_len;
};

static void walk_to_root(struct walk *w)
{
	while (w->depth > 0)
		close(w->fds[w->depth--]);
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
	return sr_root_lookup_ex(root, path, parent_fd, name, resolved, resolved_size, NULL, err);
}

enum sr_err sr_root_lookup_ex(const struct sr_root *root, const char *path, int *parent_fd, char *name,
                              char *resolved, size_t resolved_size, unsigned *links_out, struct sr_error *err)
{
	struct walk w;
	struct pending p;
	char comp[SR_ROOT_MAX_PATH + 1];
	char target[SR_ROOT_MAX_PATH + 1];
	unsigned links = 0;
	enum sr_err rc = SR_OK;

	*parent_fd = -1;
	name[0] = '\0';
	w.depth = 0;
	w.fds[0] = root->dirfd;
	w.path_len = 0;
	w.path[0] = '\0';
	if (!pending_set(&p, "", path))
		return sr_error_set(err, SR_E_USAGE, "path too long");

	bool too_long;
	while (pending_next(&p, comp, sizeof comp, &too_long)) {
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			/* never above the root */
			if (w.depth > 0) {
				close(w.fds[w.depth]);
				w.path_len = w.name_off[w.depth];
				w.path[w.path_len] = '\0';
				w.depth--;
			}
			continue;
		}
		int cur = w.fds[w.depth];
		struct stat st;
		if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			rc = walk_error(errno, &w, comp, err);
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			if (++links > SR_ROOT_MAX_LINKS) {
				rc = sr_error_set(err, SR_E_IO, "too many levels of symbolic links");
				goto out;
			}
			ssize_t n = readlinkat(cur, comp, target, sizeof target - 1);
			if (n < 0) {
				rc = walk_error(errno, &w, comp, err);
				goto out;
			}
			target[n] = '\0';
			if (target[0] == '/')
				walk_to_root(&w);   /* absolute: relative to the root, not the host */
			char rest[SR_ROOT_MAX_PATH * 2];
			memcpy(rest, p.buf, p.len + 1);
			if (!pending_set(&p, target, rest)) {
				rc = sr_error_set(err, SR_E_USAGE, "path too long after following symbolic links");
				goto out;
			}
			continue;
		}
		if (pending_empty(&p)) {
			/* the final component: hand it back with its directory */
			size_t cl = strlen(comp);
			if (w.path_len + 1 + cl > SR_ROOT_MAX_PATH) {
				rc = sr_error_set(err, SR_E_USAGE, "path too long");
				goto out;
			}
			w.path[w.path_len] = '/';
			memcpy(w.path + w.path_len + 1, comp, cl + 1);
			w.path_len += 1 + cl;
			memcpy(name, comp, cl + 1);
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			rc = walk_error(ENOTDIR, &w, comp, err);
			goto out;
		}
		if (w.depth >= MAX_DEPTH) {
			rc = sr_error_set(err, SR_E_USAGE, "path too deep");
			goto out;
		}
		int nfd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			rc = walk_error(errno, &w, comp, err);
			goto out;
		}
		size_t cl = strlen(comp);
		if (w.path_len + 1 + cl > SR_ROOT_MAX_PATH) {
			close(nfd);
			rc = sr_error_set(err, SR_E_USAGE, "path too long");
			goto out;
		}
		w.depth++;
		w.fds[w.depth] = nfd;
		w.name_off[w.depth] = w.path_len;
		w.path[w.path_len] = '/';
		memcpy(w.path + w.path_len + 1, comp, cl + 1);
		w.path_len += 1 + cl;
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
	/* hand back the parent directory; close the levels above it */
	*parent_fd = w.depth > 0 ? w.fds[w.depth] : dup(root->dirfd);
	if (*parent_fd < 0) {
		rc = sr_error_set(err, SR_E_IO, "cannot duplicate the root descriptor (error %d)", errno);
		goto out;
	}
	if (w.depth > 0)
		w.depth--;   /* keep fds[old depth] open for the caller */
out:
	while (w.depth > 0)
		close(w.fds[w.depth--]);
	if (links_out)
		*links_out = links;
	return rc;
}

DIR *sr_root_opendir(const struct sr_root *root, const char *path, struct sr_error *err)
{
	int dirfd;
	char name[SR_ROOT_MAX_PATH + 1];
	if (sr_root_lookup(root, path, &dirfd, name, NULL, 0, err) != SR_OK)
		return NULL;
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
		sr_error_set(err, e == ENOTDIR || e == ELOOP ? SR_E_NOT_REGULAR : SR_E_IO, "%s: %s", path, strerror(e));
	}
	return d;
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
		close(dirfd);
		return sr_error_set(err, SR_E_ISDIR, "is a directory");
	}
	/* the last component was checked not to be a symlink: open it without following */
	rc = sr_file_open_at(dirfd, name, false, f, err);
	close(dirfd);
	return rc;
}
