/* Atomic output files (shipready/outfile.h). */
#define _GNU_SOURCE 1   /* renameat2 flags, O_TMPFILE */
#include "shipready/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

enum sr_err sr_outfile_tmp_name(const char *out, char *tmpl, size_t size, struct sr_error *err)
{
	size_t n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		n--;
	const char *slash = NULL;
	for (size_t i = 0; i < n; i++)
		if (out[i] == '/')
			slash = out + i;
	size_t dl = slash ? (size_t)(slash - out) + 1 : 0;
	int k = snprintf(tmpl, size, "%.*s.%.*s.tmp-XXXXXX", (int)dl, out, (int)(n - dl), out + dl);
	if (k < 0 || (size_t)k >= size || n == dl)
		return sr_error_set(err, SR_E_USAGE, "not a name an output can have");
	return SR_OK;
}

static int renameat2_(const char *from, const char *to, unsigned flags)
{
	return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
}

int sr_rename_noreplace(const char *from, const char *to)
{
	int r = renameat2_(from, to, RENAME_NOREPLACE);
	if (r != 0 && errno == ENOSYS)
		r = rename(from, to);
	return r;
}

int sr_rename_exchange(const char *from, const char *to)
{
	return renameat2_(from, to, RENAME_EXCHANGE);
}

bool sr_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return false;
		if (w == 0) {
			errno = EIO;
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

enum sr_err sr_outfile_open(struct sr_outfile *o, const char *file, bool force, struct sr_error *err)
{
	struct stat st;
	o->fd = -1;
	o->file = file;
	o->force = force;
	if (!force && lstat(file, &st) == 0)
		return sr_error_set(err, SR_E_USAGE, "it exists (--force replaces it)");
	enum sr_err rc = sr_outfile_tmp_name(file, o->tmp, sizeof o->tmp, err);
	if (rc != SR_OK)
		return rc;
	o->fd = mkstemp(o->tmp);
	if (o->fd < 0)
		return sr_error_set(err, SR_E_IO, "cannot create a temporary file beside it: %s", strerror(errno));
	if (fchmod(o->fd, 0644) != 0) {
		int e = errno;
		sr_outfile_abort(o);
		return sr_error_set(err, SR_E_IO, "%s", strerror(e));
	}
	return SR_OK;
}

enum sr_err sr_outfile_commit(struct sr_outfile *o, struct sr_error *err)
{
	if (fsync(o->fd) != 0 || close(o->fd) != 0) {
		int e = errno;
		o->fd = -1;
		sr_outfile_abort(o);
		return sr_error_set(err, SR_E_IO, "%s", strerror(e));
	}
	o->fd = -1;
	/* without force, never replace a file that appeared meanwhile */
	int r = o->force ? rename(o->tmp, o->file) : sr_rename_noreplace(o->tmp, o->file);
	if (r != 0) {
		int e = errno;
		sr_outfile_abort(o);
		return sr_error_set(err, SR_E_IO, "cannot rename into place: %s", strerror(e));
	}
	return SR_OK;
}

void sr_outfile_abort(struct sr_outfile *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	unlink(o->tmp);
}

int sr_scratch_file(const char *out, struct sr_error *err)
{
	char tmp[PATH_MAX];
	if (sr_outfile_tmp_name(out, tmp, sizeof tmp, err) != SR_OK)
		return -1;
	char *slash = strrchr(tmp, '/');
	int fd = -1;
#ifdef O_TMPFILE
	char dir[PATH_MAX];
	if (slash) {
		memcpy(dir, tmp, (size_t)(slash - tmp) + 1);
		dir[slash - tmp + 1] = '\0';
	} else {
		strcpy(dir, ".");
	}
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
	if (fd < 0) {
		fd = mkstemp(tmp);
		if (fd >= 0)
			unlink(tmp);
	}
	if (fd < 0)
		sr_error_set(err, SR_E_IO, "cannot create a scratch file beside it: %s", strerror(errno));
	return fd;
}
