/* shipready — the one bounds-checked reader over untrusted bytes.
 *
 * Every access to file data goes through these functions.  A range check is
 * written `n <= len && off <= len - n`, which cannot overflow.  Integers are
 * assembled from bytes with shifts in the reader's byte order; no struct is
 * ever cast onto the buffer.
 *
 * A reader usually holds all of its bytes.  A reader of a file opened with
 * SR_FILE_LAZY (include/shipready/file.h) holds only the file's first
 * bytes; the others are read from the file when first asked for, through
 * the same functions, and stay valid until the file is closed. */
#ifndef SHIPREADY_READER_H
#define SHIPREADY_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/error.h"

/* The rest of a lazily read file (lib/util/file.c): sr_lazy_fetch reads
 * [off, off+n) of it, which the caller has checked lies inside the file. */
struct sr_lazy;
const uint8_t *sr_lazy_fetch(struct sr_lazy *z, uint64_t off, uint64_t n);
/* The size over which a sub-reader of that file stays lazy. */
uint64_t sr_lazy_sub_min(const struct sr_lazy *z);

struct sr_reader {
	const uint8_t *base;
	size_t len;           /* offsets [0, len) exist */
	size_t avail;         /* [0, avail) is at base: len, except in a lazy reader */
	bool big_endian;
	struct sr_lazy *lazy; /* reads [avail, len) on demand, or NULL */
	uint64_t origin;      /* with lazy: the file offset of this reader's offset 0 */
	bool mapped;          /* [0, avail) lies in a read-only mapping of a file (see sr_reader_drop_pages) */
};

/* A reader over [base, base+len). */
void sr_reader_init(struct sr_reader *r, const void *base, size_t len, bool big_endian);

/* For a lazy reader: where [off, off+n) is, read from the file if needed;
 * NULL when outside [0, len) or unreadable.  Callers use sr_reader_at. */
const uint8_t *sr_reader_fetch(const struct sr_reader *r, uint64_t off, uint64_t n);

/* True when [off, off+n) lies inside the reader. */
static inline bool sr_reader_has(const struct sr_reader *r, uint64_t off, uint64_t n)
{
	uint64_t len = r->len;
	return n <= len && off <= len - n;
}

/* Where the n bytes at off are, or NULL when [off, off+n) is outside. */
static inline const uint8_t *sr_reader_at(const struct sr_reader *r, uint64_t off, uint64_t n)
{
	uint64_t avail = r->avail;
	if (n <= avail && off <= avail - n)
		return r->base + off;
	return r->lazy ? sr_reader_fetch(r, off, n) : NULL;
}

/* Keep only the first n bytes (no-op when n >= len). */
static inline void sr_reader_shrink(struct sr_reader *r, uint64_t n)
{
	if (n < r->len)
		r->len = (size_t)n;
	if (n < r->avail)
		r->avail = (size_t)n;
}

/* Narrow to [off, off+n); the sub-reader inherits the byte order.  A
 * sub-reader of a lazy reader holds all of its bytes when it is small
 * (sr_lazy_sub_min: 16 KiB for SR_FILE_LAZY) or at hand, else it is lazy
 * too: a large string table is then read only where strings are asked
 * for. */
enum sr_err sr_reader_sub_any(const struct sr_reader *r, uint64_t off, uint64_t n, struct sr_reader *out);

/* sr_reader_sub_any, inline for the common case: a range at hand. */
static inline enum sr_err sr_reader_sub(const struct sr_reader *r, uint64_t off, uint64_t n, struct sr_reader *out)
{
	if (n && n <= r->avail && off <= r->avail - n) {
		out->base = r->base + off;
		out->len = (size_t)n;
		out->avail = (size_t)n;
		out->big_endian = r->big_endian;
		out->lazy = NULL;
		out->origin = 0;
		out->mapped = r->mapped;
		return SR_OK;
	}
	return sr_reader_sub_any(r, off, n, out);
}

/* For a reader over a file mapping: let the kernel take back the pages of
 * it read so far (they are read again from the page cache when touched
 * again), so that a pass over a large table of a large file (a Go
 * program's pclntab, tens of MiB) does not keep all of it resident: every
 * command stays within its memory target (make bench: bench/scan.sh).
 * Nothing for a reader whose bytes are in memory of our own. */
void sr_reader_drop_pages(const struct sr_reader *r);

/* The integer reads are defined here, inline: parsers call them for every
 * field of every header.  Bytes are assembled with shifts, written out per
 * width (compilers turn each into one load, plus a byte swap for the other
 * byte order). */
static inline enum sr_err sr_read_u8(const struct sr_reader *r, uint64_t off, uint8_t *out)
{
	const uint8_t *p = sr_reader_at(r, off, 1);
	if (!p)
		return SR_E_RANGE;
	*out = p[0];
	return SR_OK;
}

static inline enum sr_err sr_read_u16(const struct sr_reader *r, uint64_t off, uint16_t *out)
{
	const uint8_t *p = sr_reader_at(r, off, 2);
	if (!p)
		return SR_E_RANGE;
	*out = r->big_endian ? (uint16_t)((unsigned)p[0] << 8 | p[1]) : (uint16_t)((unsigned)p[1] << 8 | p[0]);
	return SR_OK;
}

static inline enum sr_err sr_read_u32(const struct sr_reader *r, uint64_t off, uint32_t *out)
{
	const uint8_t *p = sr_reader_at(r, off, 4);
	if (!p)
		return SR_E_RANGE;
	if (r->big_endian)
		*out = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
	else
		*out = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | (uint32_t)p[0];
	return SR_OK;
}

static inline enum sr_err sr_read_u64(const struct sr_reader *r, uint64_t off, uint64_t *out)
{
	const uint8_t *p = sr_reader_at(r, off, 8);
	if (!p)
		return SR_E_RANGE;
	if (r->big_endian)
		*out = (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 | (uint64_t)p[3] << 32 |
		       (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 | (uint64_t)p[6] << 8 | (uint64_t)p[7];
	else
		*out = (uint64_t)p[7] << 56 | (uint64_t)p[6] << 48 | (uint64_t)p[5] << 40 | (uint64_t)p[4] << 32 |
		       (uint64_t)p[3] << 24 | (uint64_t)p[2] << 16 | (uint64_t)p[1] << 8 | (uint64_t)p[0];
	return SR_OK;
}

/* Integers decoded from bytes that sr_reader_at has already checked and
 * handed out (e.g. a whole table entry fetched at once), at an offset the
 * caller knows lies inside them. */
static inline uint32_t sr_peek_u32(const uint8_t *p, bool big_endian)
{
	if (big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

static inline uint64_t sr_peek_u64(const uint8_t *p, bool big_endian)
{
	uint64_t a = sr_peek_u32(p, big_endian), b = sr_peek_u32(p + 4, big_endian);
	return big_endian ? a << 32 | b : b << 32 | a;
}

/* 4 or 8 bytes, widened (ELF addresses and offsets by class). */
static inline enum sr_err sr_read_word(const struct sr_reader *r, uint64_t off, unsigned size, uint64_t *out)
{
	if (size == 8)
		return sr_read_u64(r, off, out);
	if (size == 4) {
		uint32_t v;
		enum sr_err e = sr_read_u32(r, off, &v);
		if (e == SR_OK)
			*out = v;
		return e;
	}
	return SR_E_USAGE;
}

/* Copy n bytes out. */
enum sr_err sr_read_bytes(const struct sr_reader *r, uint64_t off, uint64_t n, void *dst);

/* Borrow a view of n bytes (valid while the underlying data lives). */
enum sr_err sr_read_view(const struct sr_reader *r, uint64_t off, uint64_t n, const uint8_t **out);

/* A NUL-terminated string starting at off, at most max bytes long (excluding
 * the NUL).  SR_E_TRUNCATED if no NUL before the end or max. */
enum sr_err sr_read_cstr(const struct sr_reader *r, uint64_t off, size_t max, const char **out, size_t *outlen);

/* The string at off of a string table that is wholly at hand and ends in
 * a NUL (as ELF's string tables do): its end is bounded by that NUL, so it
 * is not searched for.  NULL when the table is not such a one, or off is
 * past its end: then sr_read_cstr. */
const char *sr_read_strtab_str(const struct sr_reader *r, uint64_t off);

/* Offset of the first occurrence of needle in [off, off+n), or -1. */
int64_t sr_reader_find(const struct sr_reader *r, uint64_t off, uint64_t n, const void *needle, size_t nlen);

/* Offset of the first byte equal to b in [off, off+n), or -1. */
int64_t sr_reader_find_byte(const struct sr_reader *r, uint64_t off, uint64_t n, uint8_t b);

/* True when the nlen bytes at off are those of s (false past the end). */
bool sr_reader_match(const struct sr_reader *r, uint64_t off, const void *s, size_t nlen);

#endif
