/* shipready — open an input file as a reader without blocking or executing it.
 *
 * Regular files are mmap'd read-only (only touched pages are read), except
 * small ones (SR_FILE_SMALL; SR_FILE_READ_WHOLE unless lazy), which are read whole, and those opened lazily
 * (SR_FILE_LAZY), whose pieces are read when first asked for; files whose size stat
 * reports as 0 (e.g. /proc) are read into a buffer up to a fixed cap.
 * Directories, FIFOs, sockets and devices are refused without blocking. */
#ifndef SHIPREADY_FILE_H
#define SHIPREADY_FILE_H

#include <stdint.h>

#include "shipready/reader.h"

/* The most a non-mappable input may hold. */
#define SR_FILE_READ_CAP ((size_t)64 << 20)

/* Regular files up to this size are read into a buffer, not mapped. */
#define SR_FILE_SMALL ((size_t)32 << 10)

/* Nor are those up to this size that are not opened lazily: a parse of the
 * whole file touches most of such a file, and one read costs less than the
 * page faults and the unmapping (whose TLB flush interrupts the other CPUs
 * running the process's threads).  make bench: bench/scan.sh on /usr, 4,763 binaries
 * analysed by two threads: 1.06 s of CPU mapping from 32 KiB, 0.98 s
 * reading up to 256 KiB. */
#define SR_FILE_READ_WHOLE ((size_t)256 << 10)

/* What a lazy open (SR_FILE_LAZY) of a larger file reads at once. */
#define SR_FILE_LAZY_HEAD ((size_t)8 << 10)

struct sr_file {
	struct sr_reader r;      /* byte order is little until a parser decides */
	void *map;               /* mmap'd region, or NULL */
	size_t map_len;
	unsigned char *buf;      /* read buffer, or NULL */
	struct sr_lazy *lazy;    /* the rest of a lazily opened file, or NULL */
};

/* Flags of sr_file_open_ex. */
#define SR_FILE_FOLLOW 0x1u  /* follow a final symlink */
#define SR_FILE_STATED 0x2u  /* the caller has just found name to be a regular file with
                                fstatat(dirfd, name, …, AT_SYMLINK_NOFOLLOW): no stat first */
/* Read only the first SR_FILE_LAZY_HEAD bytes of a larger file now; the
 * reader still spans the whole file and reads other ranges when they are
 * first asked for (a few preads, the file mapped if they grow large).  For
 * a parser that needs a few small tables of a large file (the loader's ELF
 * headers, dynamic section and versions): neither mapping nor faulting nor
 * unmapping the file.  Sub-readers over twice the head stay lazy (a large
 * string table is read only where strings are asked for).  The descriptor
 * stays open until sr_file_close. */
#define SR_FILE_LAZY 0x4u

enum sr_err sr_file_open(const char *path, struct sr_file *f, struct sr_error *err);

/* The same, for name relative to the directory descriptor dirfd (AT_FDCWD
 * for the working directory).  With follow false a final symlink is not
 * followed (refused as not a regular file). */
enum sr_err sr_file_open_at(int dirfd, const char *name, bool follow, struct sr_file *f, struct sr_error *err);

/* sr_file_open_at without following a final symlink, for a name the caller
 * has just found to be a regular file (fstatat(dirfd, name, …,
 * AT_SYMLINK_NOFOLLOW)): the stat before the open is not repeated.  The
 * open is still non-blocking and O_NOFOLLOW, and what was opened is checked
 * to be a regular file, so a name swapped in between is refused as before. */
enum sr_err sr_file_open_regular_at(int dirfd, const char *name, struct sr_file *f, struct sr_error *err);

/* The general form: flags are SR_FILE_*.  With none it is sr_file_open_at
 * without following a final symlink. */
enum sr_err sr_file_open_ex(int dirfd, const char *name, unsigned flags, struct sr_file *f, struct sr_error *err);

/* The same for a descriptor the caller opened (read-only, non-blocking):
 * taken over, closed on failure or by sr_file_close (at once when not lazy).
 * It must be a regular file; SR_FILE_LAZY is the one flag that counts. */
enum sr_err sr_file_open_fd(int fd, unsigned flags, struct sr_file *f, struct sr_error *err);

/* The lazy reading of SR_FILE_LAZY over an open regular file, whatever its
 * size, reading head bytes at once (tests and fuzzing choose small ones to
 * cross every boundary).  Takes over fd, closed on failure or by
 * sr_file_close. */
enum sr_err sr_file_lazy_fd(int fd, size_t head, struct sr_file *f, struct sr_error *err);
/* A file whose bytes are not a whole file of their own: a member of an
 * archive.  Either fd >= 0 (kept by the caller): the bytes are [base, base
 * + size) of that regular file, mapped as a whole file would be; or fd < 0:
 * read_at(ctx, src, off, at, buf, n) gives the n bytes at offset at of the
 * file (fewer only at its end; -1 on a failure; called from any thread; ctx
 * must outlive the sr_file), read whole unless SR_FILE_LAZY asks for pieces
 * (and spooled when large: SR_FILE_SPOOL_MIN). */
struct sr_file_source {
	uint64_t size;
	int fd;
	uint64_t base;
	long (*read_at)(void *ctx, uint32_t src, uint64_t off, uint64_t at, void *buf, size_t n);
	void *ctx;
	uint32_t src;
	uint64_t off;
};

/* The most a source without a descriptor may hold. */
#define SR_FILE_SOURCE_CAP ((uint64_t)1 << 30)

/* A source without a descriptor larger than this, when it is read whole
 * (a plain open, or a lazy one whose pieces grew large), is copied into a
 * scratch file in $TMPDIR (util/spool.h) and mapped, as a file of its own
 * would be: memory stays bounded whatever the file's size (a 57 MiB
 * program of a gzip layer took 67 MiB of memory read whole).  Without room
 * there it is read into memory. */
#define SR_FILE_SPOOL_MIN ((uint64_t)1 << 20)

enum sr_err sr_file_open_source(const struct sr_file_source *src, unsigned flags, struct sr_file *f,
                                struct sr_error *err);
void sr_file_close(struct sr_file *f);

#endif
