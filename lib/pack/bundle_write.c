/* shipready — bundle: the plan written as a directory (under a temporary name, renamed into place)
 * or as a reproducible tar. */
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
#include "shipready/outfile.h"
#include "pack/bundle_internal.h"

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
