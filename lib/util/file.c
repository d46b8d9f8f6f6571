/* Open an input without blocking and without executing it. */
#include "shipready/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/outfile.h"
#include "util/spool.h"

static enum sr_err from_errno(int e, struct sr_error *err)
{
	switch (e) {
	case ENOENT:
		return sr_error_set(err, SR_E_NOENT, "no such file (or a dangling symlink)");
	case EACCES:
	case EPERM:
		return sr_error_set(err, SR_E_ACCESS, "permission denied");
	case ELOOP:
		return sr_error_set(err, SR_E_IO, "too many levels of symbolic links");
	case EISDIR:
		return sr_error_set(err, SR_E_ISDIR, "is a directory");
	case ENOMEM:
		return sr_error_set(err, SR_E_NOMEM, NULL);
	case ENOTDIR:
		return sr_error_set(err, SR_E_NOENT, "a component of the path is not a directory");
	case ENAMETOOLONG:
		return sr_error_set(err, SR_E_USAGE, "file name too long");
	case EIO:
		return sr_error_set(err, SR_E_IO, "input/output error");
	default: {
		/* reasons start lowercase: "no such device", not strerror's "No such device" */
		char buf[128];
		snprintf(buf, sizeof buf, "%s", strerror(e));
		if (buf[0] >= 'A' && buf[0] <= 'Z')
			buf[0] = (char)(buf[0] - 'A' + 'a');
		return sr_error_set(err, SR_E_IO, "%s", buf);
	}
	}
}

static enum sr_err kind_error(mode_t m, struct sr_error *err)
{
	if (S_ISDIR(m))
		return sr_error_set(err, SR_E_ISDIR, "is a directory");
	if (S_ISFIFO(m))
		return sr_error_set(err, SR_E_NOT_REGULAR, "is a FIFO, not a regular file");
	if (S_ISSOCK(m))
		return sr_error_set(err, SR_E_NOT_REGULAR, "is a socket, not a regular file");
	if (S_ISCHR(m) || S_ISBLK(m))
		return sr_error_set(err, SR_E_NOT_REGULAR, "is a device, not a regular file");
	return sr_error_set(err, SR_E_NOT_REGULAR, NULL);
}

/* Read a file whose size stat cannot tell (procfs, sysfs), up to the cap. */
static enum sr_err read_all(int fd, struct sr_file *f, struct sr_error *err)
{
	size_t cap = 64 * 1024, len = 0;
	unsigned char *buf = malloc(cap);
	if (!buf)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	for (;;) {
		if (len == cap) {
			if (cap >= SR_FILE_READ_CAP) {
				free(buf);
				return sr_error_set(err, SR_E_TOO_BIG, "file too large to read (over %zu MiB)",
				                    SR_FILE_READ_CAP >> 20);
			}
			size_t ncap = cap * 2;
			unsigned char *nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				return sr_error_set(err, SR_E_NOMEM, NULL);
			}
			buf = nb;
			cap = ncap;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			return from_errno(e, err);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == 0) {
		free(buf);
		return sr_error_set(err, SR_E_EMPTY, "empty file");
	}
	f->buf = buf;
	sr_reader_init(&f->r, buf, len, false);
	return SR_OK;
}

/* n bytes at off, or fewer at the end of the file; -1 on an error. */
static ssize_t pread_full(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = pread(fd, (unsigned char *)buf + got, n - got, (off_t)(off + got));
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* A small file is read whole: mapping it, faulting its pages in and
 * unmapping it cost more than copying it (about 2-3 us against 6-8 us for
 * up to 32 KiB).  A file cut short meanwhile is read as far as it goes. */
static enum sr_err read_small(int fd, size_t size, struct sr_file *f, struct sr_error *err)
{
	unsigned char *buf = malloc(size);
	if (!buf)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	ssize_t len = pread_full(fd, buf, size, 0);
	if (len <= 0) {
		int e = errno;
		free(buf);
		return len == 0 ? sr_error_set(err, SR_E_EMPTY, "empty file") : from_errno(e, err);
	}
	f->buf = buf;
	sr_reader_init(&f->r, buf, (size_t)len, false);
	return SR_OK;
}

/* ---------- lazily read files ---------- */

/* A lazy file keeps its descriptor; pieces past the first bytes are read
 * with pread when first asked for and kept until close, so views into them
 * stay valid.  Many pieces or a large one map the whole file instead, as a
 * plain open would have: memory stays bounded by the file's size. */
struct piece {
	struct piece *next;
	uint64_t off;
	size_t len;
	unsigned char data[];
};

struct sr_lazy {
	int fd;               /* the file's descriptor (its own), or -1: src */
	uint64_t base;        /* where the file's bytes start in fd */
	struct sr_file_source src;   /* fd < 0: how its bytes are read */
	uint64_t size;
	size_t head;          /* bytes read at open */
	size_t fetched;       /* bytes read into pieces */
	struct piece *pieces; /* newest first */
	struct piece *last;   /* the piece of the last hit, or NULL */
	void *map;            /* the whole file mapped, once pieces are not worth it: the */
	size_t map_len;       /* mapping, from the page holding base */
	unsigned char *whole; /* or the whole file read (a source without a descriptor) */
	unsigned char *first; /* the first head bytes */
};

/* Map len bytes at off of fd (any off: the mapping starts on the page
 * holding it); the bytes, with *map and *map_len the mapping to unmap. */
static const uint8_t *map_range(int fd, uint64_t off, size_t len, void **map, size_t *map_len)
{
	uint64_t lead = off % (uint64_t)sysconf(_SC_PAGESIZE);
	void *m = mmap(NULL, len + (size_t)lead, PROT_READ, MAP_PRIVATE, fd, (off_t)(off - lead));
	if (m == MAP_FAILED)
		return NULL;
	*map = m;
	*map_len = len + (size_t)lead;
	return (const uint8_t *)m + lead;
}

/* n bytes at off of a source's file (fewer at its end), -1 on a failure. */
static long source_read(const struct sr_file_source *s, void *buf, size_t n, uint64_t off)
{
	if (off >= s->size)
		return 0;
	return s->read_at(s->ctx, s->src, s->off, off, buf, n < s->size - off ? n : (size_t)(s->size - off));
}

/* The whole of a large source without a descriptor (SR_FILE_SPOOL_MIN),
 * copied into a scratch file and mapped (*map, *map_len to unmap): its
 * pages are a file's, which the kernel may drop, not memory.  NULL when
 * there is no scratch file or no room in it, or a read fails: the caller
 * reads it into memory then. */
static const uint8_t *spool_source(const struct sr_file_source *src, void **map, size_t *map_len)
{
	enum { CHUNK = 1 << 20 };
	uint64_t room;
	char where[4096];
	if (src->size <= SR_FILE_SPOOL_MIN)
		return NULL;
	int fd = sr_spool_open(&room, where, sizeof where);
	if (fd < 0)
		return NULL;
	unsigned char *buf = src->size <= room ? malloc(CHUNK) : NULL;
	bool ok = buf != NULL;
	for (uint64_t at = 0; ok && at < src->size;) {
		size_t want = src->size - at < CHUNK ? (size_t)(src->size - at) : CHUNK;
		long got = source_read(src, buf, want, at);
		ok = got == (long)want && sr_write_all(fd, buf, want);
		at += want;
	}
	free(buf);
	void *m = ok ? mmap(NULL, (size_t)src->size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	close(fd);
	if (m == MAP_FAILED)
		return NULL;
	*map = m;
	*map_len = (size_t)src->size;
	return m;
}

enum {
	LAZY_ALIGN = 4096,             /* pieces start and end on these boundaries */
	LAZY_PIECE_MIN = 4 << 10,      /* the least a piece reads (at most the head) */
	LAZY_PIECE_MAX = 256 << 10,    /* a larger request maps the file */
	LAZY_TOTAL_MAX = 1 << 20,      /* as do pieces that would total more */
};

const uint8_t *sr_lazy_fetch(struct sr_lazy *z, uint64_t off, uint64_t n)
{
	if (n > z->size || off > z->size - n)
		return NULL;
	if (z->map)
		return (const uint8_t *)z->map + (z->map_len - z->size) + off;
	if (z->whole)
		return z->whole + off;
	/* the piece of the last hit first: a table's fields come one by one */
	struct piece *last = z->last;
	if (last && off >= last->off && n <= last->len && off - last->off <= last->len - n)
		return last->data + (off - last->off);
	for (struct piece *p = z->pieces; p; p = p->next)
		if (off >= p->off && n <= p->len && off - p->off <= p->len - n) {
			z->last = p;
			return p->data + (off - p->off);
		}
	uint64_t lo = off - off % LAZY_ALIGN;
	uint64_t hi = off + n;
	size_t piece_min = z->head < LAZY_PIECE_MIN ? z->head : LAZY_PIECE_MIN;
	if (hi - lo < piece_min)
		hi = lo + piece_min;
	if (hi % LAZY_ALIGN)
		hi += LAZY_ALIGN - hi % LAZY_ALIGN;
	if (hi > z->size)
		hi = z->size;
	size_t len = (size_t)(hi - lo);
	if ((len > LAZY_PIECE_MAX || z->fetched + len > LAZY_TOTAL_MAX) && z->fd >= 0) {
		/* not a file cut short since it was opened (its pages past the
		 * end would fault) */
		struct stat st;
		if (fstat(z->fd, &st) != 0 || (uint64_t)st.st_size < z->base + z->size)
			return NULL;
		const uint8_t *map = map_range(z->fd, z->base, (size_t)z->size, &z->map, &z->map_len);
		return map ? map + off : NULL;
	}
	if (len > LAZY_PIECE_MAX || z->fetched + len > LAZY_TOTAL_MAX) {
		/* no descriptor to map: the whole file spooled and mapped, or
		 * read once, as the plain open of such a source does */
		const uint8_t *spooled = spool_source(&z->src, &z->map, &z->map_len);
		if (spooled)
			return spooled + off;
		unsigned char *all = malloc((size_t)z->size);
		if (!all)
			return NULL;
		if (source_read(&z->src, all, (size_t)z->size, 0) != (long)z->size) {
			free(all);
			return NULL;
		}
		z->whole = all;
		return all + off;
	}
	struct piece *p = malloc(sizeof *p + len);
	if (!p)
		return NULL;
	/* a file cut short meanwhile: what was asked for must be there */
	ssize_t got = z->fd >= 0 ? pread_full(z->fd, p->data, len, z->base + lo) : source_read(&z->src, p->data, len, lo);
	if (got < 0 || (uint64_t)got < off + n - lo) {
		free(p);
		return NULL;
	}
	p->off = lo;
	p->len = (size_t)got;
	p->next = z->pieces;
	z->pieces = p;
	z->last = p;
	z->fetched += len;
	return p->data + (off - lo);
}

uint64_t sr_lazy_sub_min(const struct sr_lazy *z)
{
	return 2 * (uint64_t)z->head;
}

static void lazy_free(struct sr_lazy *z)
{
	if (!z)
		return;
	while (z->pieces) {
		struct piece *p = z->pieces;
		z->pieces = p->next;
		free(p);
	}
	if (z->map)
		munmap(z->map, z->map_len);
	if (z->fd >= 0)
		close(z->fd);
	free(z->whole);
	free(z->first);
	free(z);
}

/* Read the first head bytes; the reader covers the whole file (size bytes)
 * and reads the rest on demand.  Takes over fd. */
static enum sr_err open_lazy_from(int fd, uint64_t base, const struct sr_file_source *src, size_t size,
                                  size_t head, struct sr_file *f, struct sr_error *err)
{
	if (head == 0)
		head = 1;
	if (head > size)
		head = size;
	struct sr_lazy *z = malloc(sizeof *z);
	unsigned char *buf = malloc(head);
	if (!z || !buf) {
		free(z);
		free(buf);
		if (fd >= 0)
			close(fd);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	*z = (struct sr_lazy){ .first = buf, .fd = -1, .base = base };
	if (src)
		z->src = *src;
	ssize_t got = fd >= 0 ? pread_full(fd, buf, head, base) : source_read(src, buf, head, 0);
	if (got <= 0) {
		int e = errno;
		free(z);
		free(buf);
		if (fd >= 0)
			close(fd);
		return got == 0 ? sr_error_set(err, SR_E_EMPTY, "empty file")
		       : fd >= 0 ? from_errno(e, err) : sr_error_set(err, SR_E_IO, "its bytes cannot be read");
	}
	z->fd = fd;
	z->size = (uint64_t)got < head ? (uint64_t)got : size;   /* cut short meanwhile: what is there */
	z->head = head;
	f->lazy = z;
	sr_reader_init(&f->r, buf, (size_t)got, false);
	f->r.len = (size_t)z->size;
	f->r.lazy = z;
	return SR_OK;
}

static enum sr_err open_lazy(int fd, size_t size, size_t head, struct sr_file *f, struct sr_error *err)
{
	return open_lazy_from(fd, 0, NULL, size, head, f, err);
}

/* fstat of an open descriptor that must be a regular file; else it is
 * closed and the reason returned. */
static enum sr_err regular_fd(int fd, struct stat *st, struct sr_error *err)
{
	if (fstat(fd, st) != 0) {
		int e = errno;
		close(fd);
		return from_errno(e, err);
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return kind_error(st->st_mode, err);
	}
	return SR_OK;
}

enum sr_err sr_file_open_ex(int dirfd, const char *name, unsigned flags, struct sr_file *f, struct sr_error *err)
{
	memset(f, 0, sizeof *f);
	bool follow = (flags & SR_FILE_FOLLOW) != 0;
	struct stat st;
	/* stat first so that a FIFO is refused before open() could block on it. */
	if (!(flags & SR_FILE_STATED)) {
		if (fstatat(dirfd, name, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0)
			return from_errno(errno, err);
		if (!S_ISREG(st.st_mode))
			return kind_error(st.st_mode, err);
	}

	int fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return from_errno(errno, err);
	/* The path may have been swapped between stat and open: checked again. */
	return sr_file_open_fd(fd, flags, f, err);
}

enum sr_err sr_file_open_fd(int fd, unsigned flags, struct sr_file *f, struct sr_error *err)
{
	memset(f, 0, sizeof *f);
	struct stat st;
	enum sr_err rc = regular_fd(fd, &st, err);
	if (rc != SR_OK)
		return rc;

	if (st.st_size == 0) {
		rc = read_all(fd, f, err);
	} else if ((uint64_t)st.st_size > (uint64_t)SIZE_MAX) {
		rc = sr_error_set(err, SR_E_TOO_BIG, NULL);
	} else if ((uint64_t)st.st_size <= ((flags & SR_FILE_LAZY) ? SR_FILE_SMALL : SR_FILE_READ_WHOLE)) {
		rc = read_small(fd, (size_t)st.st_size, f, err);
	} else if (flags & SR_FILE_LAZY) {
		return open_lazy(fd, (size_t)st.st_size, SR_FILE_LAZY_HEAD, f, err);
	} else {
		size_t len = (size_t)st.st_size;
		void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			f->map = map;
			f->map_len = len;
			sr_reader_init(&f->r, map, len, false);
			f->r.mapped = true;
		} else if (errno == ENODEV || errno == EINVAL || errno == EACCES) {
			/* some special files (procfs) cannot be mapped: read them, capped */
			rc = read_all(fd, f, err);
		} else {
			rc = from_errno(errno, err);
		}
	}
	close(fd);
	return rc;
}

enum sr_err sr_file_lazy_fd(int fd, size_t head, struct sr_file *f, struct sr_error *err)
{
	memset(f, 0, sizeof *f);
	struct stat st;
	enum sr_err rc = regular_fd(fd, &st, err);
	if (rc != SR_OK)
		return rc;
	if (st.st_size == 0) {
		close(fd);
		return sr_error_set(err, SR_E_EMPTY, "empty file");
	}
	if ((uint64_t)st.st_size > (uint64_t)SIZE_MAX) {
		close(fd);
		return sr_error_set(err, SR_E_TOO_BIG, NULL);
	}
	return open_lazy(fd, (size_t)st.st_size, head, f, err);
}

enum sr_err sr_file_open_source(const struct sr_file_source *src, unsigned flags, struct sr_file *f,
                                struct sr_error *err)
{
	memset(f, 0, sizeof *f);
	if (src->size == 0)
		return sr_error_set(err, SR_E_EMPTY, "empty file");
	if (src->size > (uint64_t)SIZE_MAX || (src->fd < 0 && src->size > SR_FILE_SOURCE_CAP))
		return sr_error_set(err, SR_E_TOO_BIG, NULL);
	size_t size = (size_t)src->size;
	if (src->fd >= 0 && size > SR_FILE_SMALL) {
		if (flags & SR_FILE_LAZY) {
			int fd = fcntl(src->fd, F_DUPFD_CLOEXEC, 0);
			if (fd < 0)
				return from_errno(errno, err);
			return open_lazy_from(fd, src->base, NULL, size, SR_FILE_LAZY_HEAD, f, err);
		}
		const uint8_t *p = map_range(src->fd, src->base, size, &f->map, &f->map_len);
		if (!p)
			return from_errno(errno, err);
		sr_reader_init(&f->r, p, size, false);
		f->r.mapped = true;
		return SR_OK;
	}
	if (src->fd < 0 && size > SR_FILE_SMALL && (flags & SR_FILE_LAZY))
		return open_lazy_from(-1, 0, src, size, SR_FILE_LAZY_HEAD, f, err);
	const uint8_t *spooled = src->fd < 0 ? spool_source(src, &f->map, &f->map_len) : NULL;
	if (spooled) {
		sr_reader_init(&f->r, spooled, size, false);
		f->r.mapped = true;
		return SR_OK;
	}
	unsigned char *buf = malloc(size);
	if (!buf)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	long got = src->fd >= 0 ? (long)pread_full(src->fd, buf, size, src->base) : source_read(src, buf, size, 0);
	if (got <= 0) {
		free(buf);
		return got == 0 ? sr_error_set(err, SR_E_EMPTY, "empty file")
		                : sr_error_set(err, SR_E_IO, "its bytes cannot be read");
	}
	f->buf = buf;
	sr_reader_init(&f->r, buf, (size_t)got, false);
	return SR_OK;
}

enum sr_err sr_file_open_at(int dirfd, const char *name, bool follow, struct sr_file *f, struct sr_error *err)
{
	return sr_file_open_ex(dirfd, name, follow ? SR_FILE_FOLLOW : 0, f, err);
}

enum sr_err sr_file_open_regular_at(int dirfd, const char *name, struct sr_file *f, struct sr_error *err)
{
	return sr_file_open_ex(dirfd, name, SR_FILE_STATED, f, err);
}

enum sr_err sr_file_open(const char *path, struct sr_file *f, struct sr_error *err)
{
	return sr_file_open_at(AT_FDCWD, path, true, f, err);
}

void sr_file_close(struct sr_file *f)
{
	if (!f)
		return;
	if (f->map)
		munmap(f->map, f->map_len);
	lazy_free(f->lazy);
	free(f->buf);
	memset(f, 0, sizeof *f);
}
