/* shipready — the one bounds-checked reader over untrusted bytes.
 *
 * Every access to file data goes through these functions.  A range check is
 * written `n <= len && off <= len - n`, which cannot overflow.  Integers are
 * assembled from bytes with shifts in the reader's byte order; no struct is
 * ever cast onto the buffer. */
#ifndef SHIPREADY_READER_H
#define SHIPREADY_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/error.h"

struct sr_reader {
	const uint8_t *base;
	size_t len;
	bool big_endian;
};

/* A reader over [base, base+len). */
void sr_reader_init(struct sr_reader *r, const void *base, size_t len, bool big_endian);

/* True when [off, off+n) lies inside the reader. */
bool sr_reader_has(const struct sr_reader *r, uint64_t off, uint64_t n);

/* Narrow to [off, off+n); the sub-reader inherits the byte order. */
enum sr_err sr_reader_sub(const struct sr_reader *r, uint64_t off, uint64_t n, struct sr_reader *out);

enum sr_err sr_read_u8(const struct sr_reader *r, uint64_t off, uint8_t *out);
enum sr_err sr_read_u16(const struct sr_reader *r, uint64_t off, uint16_t *out);
enum sr_err sr_read_u32(const struct sr_reader *r, uint64_t off, uint32_t *out);
enum sr_err sr_read_u64(const struct sr_reader *r, uint64_t off, uint64_t *out);
/* 4 or 8 bytes, widened (ELF addresses and offsets by class). */
enum sr_err sr_read_word(const struct sr_reader *r, uint64_t off, unsigned size, uint64_t *out);

/* Copy n bytes out. */
enum sr_err sr_read_bytes(const struct sr_reader *r, uint64_t off, uint64_t n, void *dst);

/* Borrow a view of n bytes (valid while the underlying data lives). */
enum sr_err sr_read_view(const struct sr_reader *r, uint64_t off, uint64_t n, const uint8_t **out);

/* A NUL-terminated string starting at off, at most max bytes long (excluding
 * the NUL).  SR_E_TRUNCATED if no NUL before the end or max. */
enum sr_err sr_read_cstr(const struct sr_reader *r, uint64_t off, size_t max, const char **out, size_t *outlen);

/* Offset of the first occurrence of needle in [off, off+n), or -1. */
int64_t sr_reader_find(const struct sr_reader *r, uint64_t off, uint64_t n, const void *needle, size_t nlen);

#endif
