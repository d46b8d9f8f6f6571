/* The bounded reader.  Range checks are `n <= len && off <= len - n`.  The
 * integer reads are inline in the header. */
#include "shipready/reader.h"

#include <string.h>

void sr_reader_init(struct sr_reader *r, const void *base, size_t len, bool big_endian)
{
	r->base = base;
	r->len = base ? len : 0;
	r->big_endian = big_endian;
}

enum sr_err sr_reader_sub(const struct sr_reader *r, uint64_t off, uint64_t n, struct sr_reader *out)
{
	if (!sr_reader_has(r, off, n))
		return SR_E_RANGE;
	out->base = r->base + (size_t)off;
	out->len = (size_t)n;
	out->big_endian = r->big_endian;
	return SR_OK;
}

enum sr_err sr_read_bytes(const struct sr_reader *r, uint64_t off, uint64_t n, void *dst)
{
	if (!sr_reader_has(r, off, n))
		return SR_E_RANGE;
	if (n)
		memcpy(dst, r->base + off, (size_t)n);
	return SR_OK;
}

enum sr_err sr_read_view(const struct sr_reader *r, uint64_t off, uint64_t n, const uint8_t **out)
{
	if (!sr_reader_has(r, off, n))
		return SR_E_RANGE;
	*out = r->base + off;
	return SR_OK;
}

enum sr_err sr_read_cstr(const struct sr_reader *r, uint64_t off, size_t max, const char **out, size_t *outlen)
{
	if (off >= r->len)
		return SR_E_RANGE;
	uint64_t avail = r->len - off;
	/* max + 1 bytes may hold max characters and the NUL; written so that
	 * max == SIZE_MAX cannot wrap */
	uint64_t scan = (uint64_t)max < avail ? (uint64_t)max + 1 : avail;
	const uint8_t *p = r->base + off;
	const uint8_t *nul = memchr(p, 0, (size_t)scan);
	if (!nul)
		return SR_E_TRUNCATED;
	*out = (const char *)p;
	if (outlen)
		*outlen = (size_t)(nul - p);
	return SR_OK;
}

int64_t sr_reader_find(const struct sr_reader *r, uint64_t off, uint64_t n, const void *needle, size_t nlen)
{
	if (!sr_reader_has(r, off, n) || nlen == 0 || nlen > n)
		return -1;
	const uint8_t *hay = r->base + off;
	const uint8_t *nd = needle;
	size_t limit = (size_t)n - nlen;
	size_t i = 0;
	while (i <= limit) {
		const uint8_t *c = memchr(hay + i, nd[0], limit - i + 1);
		if (!c)
			return -1;
		i = (size_t)(c - hay);
		if (memcmp(c, nd, nlen) == 0)
			return (int64_t)(off + i);
		i++;
	}
	return -1;
}

int64_t sr_reader_find_byte(const struct sr_reader *r, uint64_t off, uint64_t n, uint8_t b)
{
	if (!sr_reader_has(r, off, n) || n == 0)
		return -1;
	const uint8_t *p = r->base + off;
	const uint8_t *c = memchr(p, b, (size_t)n);
	return c ? (int64_t)(off + (uint64_t)(c - p)) : -1;
}

bool sr_reader_match(const struct sr_reader *r, uint64_t off, const void *s, size_t nlen)
{
	return sr_reader_has(r, off, nlen) && (nlen == 0 || memcmp(r->base + off, s, nlen) == 0);
}
