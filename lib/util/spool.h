/* Unnamed scratch files: bytes that have no file of their own to be read
 * again from (a layer that is not gzip, a large file inside a gzip layer)
 * are written to one, in $TMPDIR (or /tmp), and read or mapped from there.
 * O_TMPFILE: the file is gone with the process however it ends. */
#ifndef SR_UTIL_SPOOL_H
#define SR_UTIL_SPOOL_H

#include <stddef.h>
#include <stdint.h>

/* A new scratch file (read and write), and in *room the bytes it may take:
 * the file system's free space less a reserve of a tenth of it, at least
 * SR_SPOOL_RESERVE_MIN.  *where (where_size bytes) names the directory
 * either way.  -1, with errno, when there is no such place. */
int sr_spool_open(uint64_t *room, char *where, size_t where_size);

#define SR_SPOOL_RESERVE_MIN ((uint64_t)64 << 20)

#endif
