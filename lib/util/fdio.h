/* Whole writes to a descriptor (internal). */
#ifndef SR_UTIL_FDIO_H
#define SR_UTIL_FDIO_H

#include <stdbool.h>
#include <stddef.h>

/* Write all n bytes, retrying short writes and EINTR; false on an error
 * (errno says which) or a write of 0 bytes. */
bool sr_write_all(int fd, const void *buf, size_t n);

#endif
