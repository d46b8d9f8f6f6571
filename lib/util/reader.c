/* The bounded reader.  Range checks are `n <= len && off <= len - n`.  The
 * integer reads are inline in the header; every access below takes its
 * bytes from sr_reader_at, so a lazy reader reads what it lacks from its
 * file. */
#include "shipready/reader.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void sr_reader_init(struct sr_reader *r, const void *base, size_t len, bool big_endian)
{
	r->base = base;
	r->len = base ? len : 0;
	r->avail = r->len;
	r->big_endian = big_endian;
	r->lazy = NULL;
	r->origin = 0;
	r->mapped = false;
}

void sr_reader_drop_pages(const struct sr_reader *r)
{
	if (!r->mapped || r->avail == 0)
		return;
	long ps = sysconf(_SC_PAGESIZE);
	if (ps <= 0)
		return;
	/* whole pages inside the reader only: a page shared with bytes of
	 * another reader is only re-read, never lost, but keep to ours */
	uintptr_t lo = (uintptr_t)r->base, hi = lo + r->avail;
	uintptr_t a = (lo + (uintptr_t)ps - 1) & ~((uintptr_t)ps - 1);
	uintptr_t b = hi & ~((uintptr_t)ps - 1);
	if (b > a)
		madvise((void *)a, b - a, MADV_DONTNEED);
}

const uint8_t *sr_reader_fetch(const struct sr_reader *r, uint64_t off, uint64_t n)
{
	if (!r->lazy || !sr_reader_has(r, off, n))
		return NULL;
	return sr_lazy_fetch(r->lazy, r->origin + off, n);
}

enum sr_err sr_reader_sub_any(const struct sr_reader *r, uint64_t off, uint64_t n, struct sr_reader *out)
{
	if (!sr_reader_has(r, off, n))
		return SR_E_RANGE;
	out->big_endian = r->big_endian;
	out->len = (size_t)n;
	bool at_hand = n <= r->avail && off <= r->avail - n;
	if (r->lazy && !at_hand && n > sr_lazy_sub_min(r->lazy)) {
		/* lazy as well: what is at hand of it, then the file */
		out->lazy = r->lazy;
		out->origin = r->origin + off;
		out->base = off < r->avail ? r->base + off : r->base;
		out->avail = off < r->avail ? r->avail - (size_t)off : 0;
		out->mapped = false;   /* pieces read from the file are ours */
		return SR_OK;
	}
	const uint8_t *p = n ? sr_reader_at(r, off, n) : r->base;
	if (!p)
		return SR_E_RANGE;
	out->base = p;
	out->avail = (size_t)n;
	out->lazy = NULL;
	out->origin = 0;
	out->mapped = at_hand && r->mapped;
	return SR_OK;
}

enum sr_err sr_read_bytes(const struct sr_reader *r, uint64_t off, uint64_t n, void *dst)
{
	if (!sr_reader_has(r, off, n))
		return SR_E_RANGE;
	if (n) {
		const uint8_t *p = sr_reader_at(r, off, n);
		if (!p)
			return SR_E_RANGE;
		memcpy(dst, p, (size_t)n);
	}
	return SR_OK;
}

enum sr_err sr_read_view(const struct sr_reader *r, uint64_t off, uint64_t n, const uint8_t **out)
{
	if (!sr_reader_has(r, off, n))
		return SR_E_RANGE;
	const uint8_t *p = n ? sr_reader_at(r, off, n) : r->base;
	if (!p)
		return SR_E_RANGE;
	*out = p;
	return SR_OK;
}

enum sr_err sr_read_cstr(const struct sr_reader *r, uint64_t off, size_t max, const char **out, size_t *outlen)
{
	if (off >= r->len)
		return SR_E_RANGE;
	uint64_t left = r->len - off;
	/* max + 1 bytes may hold max characters and the NUL; written so that
	 * max == SIZE_MAX cannot wrap */
	uint64_t scan = (uint64_t)max < left ? (uint64_t)max + 1 : left;
	const uint8_t *p, *nul = NULL;
	if (off < r->avail) {
		/* the bytes at hand first: a lazy reader reads on only when the
		 * string runs past them */
		uint64_t here = r->avail - off < scan ? r->avail - off : scan;
		p = r->base + off;
		nul = memchr(p, 0, (size_t)here);
		if (!nul && here < scan) {
			if (!(p = sr_reader_at(r, off, scan)))
				return SR_E_RANGE;
			nul = memchr(p + here, 0, (size_t)(scan - here));
		}
	} else {
		if (!(p = sr_reader_at(r, off, scan)))
			return SR_E_RANGE;
		nul = memchr(p, 0, (size_t)scan);
	}
	if (!nul)
		return SR_E_TRUNCATED;
	*out = (const char *)p;
	if (outlen)
		*outlen = (size_t)(nul - p);
	return SR_OK;
}

const char *sr_read_strtab_str(const struct sr_reader *r, uint64_t off)
{
	if (r->avail != r->len || off >= r->len || r->base[r->len - 1] != 0)
		return NULL;
	return (const char *)r->base + off;
}

int64_t sr_reader_find(const struct sr_reader *r, uint64_t off, uint64_t n, const void *needle, size_t nlen)
{
	if (!sr_reader_has(r, off, n) || nlen == 0 || nlen > n)
		return -1;
	const uint8_t *hay = sr_reader_at(r, off, n);
	if (!hay)
		return -1;
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
	const uint8_t *p = sr_reader_at(r, off, n);
	if (!p)
		return -1;
	const uint8_t *c = memchr(p, b, (size_t)n);
	return c ? (int64_t)(off + (uint64_t)(c - p)) : -1;
}

bool sr_reader_match(const struct sr_reader *r, uint64_t off, const void *s, size_t nlen)
{
	if (!sr_reader_has(r, off, nlen))
		return false;
	if (nlen == 0)
		return true;
	const uint8_t *p = sr_reader_at(r, off, nlen);
	return p && memcmp(p, s, nlen) == 0;
}
