/* Blocks of memory, kept when freed for the next request of a like size by
 * the same thread.
 *
 * A run parses many files and builds many results one after another: arena
 * chunks of 1 to 16 KiB, a file's first bytes, a parser's state, indexes.
 * glibc's malloc serves sizes past 1 KiB from its bins at several hundred
 * instructions a call; a kept block costs a few.  Sizes from
 * SR_BLOCK_MIN to SR_BLOCK_MAX bytes are rounded up to a power of two, and
 * SR_BLOCK_EACH blocks of each such size are kept (252 KiB at most); all are
 * freed when the thread exits.  Other sizes go to malloc and free.  Under
 * AddressSanitizer nothing is kept (every use after free should be seen). */
#ifndef SR_UTIL_BLOCK_H
#define SR_UTIL_BLOCK_H

#include <stddef.h>

#define SR_BLOCK_MIN ((size_t)513)
#define SR_BLOCK_MAX ((size_t)32 << 10)
#define SR_BLOCK_EACH 4

/* The bytes a block asked for as n bytes really has (n or more). */
size_t sr_block_room(size_t n);
/* n bytes (not cleared), or NULL */
void *sr_block_get(size_t n);
/* p (from sr_block_get(n), or NULL) is no longer used; n as asked */
void sr_block_put(void *p, size_t n);

#endif
