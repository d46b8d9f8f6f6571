/* The bounded reader.  Range checks are `n <= len && off <= len - n`. */
#include "shipready/reader.h"

#include <string.h>

void sr_reader_init(struct sr_reader *r, const void *base, size_t len, bool big_endian)
{
	r->base = base;
	r->len = base ? len : 0;
	r->big_endian = big_endian;
}

bool sr_reader_has(const struct sr_reader *r, uint64_t off, uint64_t n)
{
	uint64_t len = r->len;
	return n <= len && off <= len - n;
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

enum sr_err sr_read_u8(const struct sr_reader *r, uint64_t off, uint8_t *out)
{
	if (!sr_reader_has(r, off, 1))
		return SR_E_RANGE;
	*out = r->base[off];
	return SR_OK;
}

static uint64_t assemble(const uint8_t *p, unsigned n, bool be)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned idx = be ? i : n - 1 - i;
		v = (v << 8) | p[idx];
	}
	return v;
}

enum sr_err sr_read_u16(const struct sr_reader *r, uint64_t off, uint16_t *out)
{
	if (!sr_reader_has(r, off, 2))
		return SR_E_RANGE;
	*out = (uint16_t)assemble(r->base + off, 2, r->big_endian);
	return SR_OK;
}

enum sr_err sr_read_u32(const struct sr_reader *r, uint64_t off, uint32_t *out)
{
	if (!sr_reader_has(r, off, 4))
		return SR_E_RANGE;
	*out = (uint32_t)assemble(r->base + off, 4, r->big_endian);
	return SR_OK;
}

enum sr_err sr_read_u64(const struct sr_reader *r, uint64_t off, uint64_t *out)
{
	if (!sr_reader_has(r, off, 8))
		return SR_E_RANGE;
	*out = assemble(r->base + off, 8, r->big_endian);
	return SR_OK;
}

enum sr_err sr_read_word(const struct sr_reader *r, uint64_t off, unsigned size, uint64_t *out)
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
