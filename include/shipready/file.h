/* shipready — open an input file as a reader without blocking or executing it.
 *
 * Regular files are mmap'd read-only (only touched pages are read), except
 * small ones (SR_FILE_SMALL), which are read whole; files whose size stat
 * reports as 0 (e.g. /proc) are read into a buffer up to a fixed cap.
 * Directories, FIFOs, sockets and devices are refused without blocking. */
#ifndef SHIPREADY_FILE_H
#define SHIPREADY_FILE_H

#include "shipready/reader.h"

/* The most a non-mappable input may hold. */
#define SR_FILE_READ_CAP ((size_t)64 << 20)

/* Regular files up to this size are read into a buffer, not mapped. */
#define SR_FILE_SMALL ((size_t)32 << 10)

struct sr_file {
	struct sr_reader r;      /* byte order is little until a parser decides */
	void *map;               /* mmap'd region, or NULL */
	size_t map_len;
	unsigned char *buf;      /* read buffer, or NULL */
};

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
void sr_file_close(struct sr_file *f);

#endif
