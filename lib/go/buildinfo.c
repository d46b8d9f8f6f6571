/* The Go build info blob, read the way Go's own debug/buildinfo reads it, so
 * that `shipready go-version` answers exactly as `go version` does:
 *
 *   - the search starts at the .go.buildinfo section, else at the first
 *     writable, non-executable segment (per format);
 *   - only the first 64 KiB from there are searched, for the 14-byte magic
 *     "\xff Go buildinf:" at a 16-byte aligned offset of a 32-byte header;
 *   - header byte 14 is the pointer size, byte 15 the flags: bit 1 set means
 *     the Go 1.18+ layout (two uvarint-prefixed strings right after the
 *     header, version then module text); otherwise (Go 1.13–1.17) the header
 *     holds two pointers to Go string headers {data, len}, in the byte order
 *     flags != 0 (big) / 0 (little), which are followed through the image;
 *   - an empty version means "not a Go executable"; the module text loses its
 *     16-byte sentinels only when it is long enough and framed by a newline.
 */
#include <stdio.h>
#include <string.h>

#include "go/go_internal.h"

static const uint8_t bi_magic[14] = { 0xff, ' ', 'G', 'o', ' ', 'b', 'u', 'i', 'l', 'd', 'i', 'n', 'f', ':' };

enum { BI_WINDOW = 64 * 1024, BI_ALIGN = 16, BI_HEADER = 32 };

/* Module text larger than this is refused (real ones are kilobytes). */
#define BI_MAX_MODINFO ((uint64_t)8 << 20)

/* Where Go starts looking, per format; false when the format has no rule. */
static bool data_start(const struct sr_image *img, uint64_t *addr)
{
	*addr = 0;
	switch (img->format) {
	case SR_IMAGE_ELF: {
		const struct sr_image_sect *s = sr_image_section(img, ".go.buildinfo");
		if (s) {
			*addr = s->addr;
			return true;
		}
		for (size_t i = 0; i < img->nsegs; i++)
			if ((img->segs[i].prot & (SR_PROT_X | SR_PROT_W)) == SR_PROT_W) {
				*addr = img->segs[i].vaddr;
				break;
			}
		return true;
	}
	case SR_IMAGE_MACHO: {
		const struct sr_image_sect *s = sr_image_section(img, "__go_buildinfo");
		if (s) {
			*addr = s->addr;
			return true;
		}
		for (size_t i = 0; i < img->nsegs; i++) {
			const struct sr_image_seg *g = &img->segs[i];
			if (g->vaddr != 0 && g->filesz != 0 && g->prot == (SR_PROT_R | SR_PROT_W)) {
				*addr = g->vaddr;
				break;
			}
		}
		return true;
	}
	case SR_IMAGE_PE:
		/* the first initialised, readable, writable data section
		 * (Characteristics, ignoring a 32-byte alignment field) */
		for (size_t i = 0; i < img->nsects; i++) {
			const struct sr_image_sect *s = &img->sects[i];
			if (s->addr != 0 && s->size != 0 &&
			    (s->raw_flags & ~(uint64_t)0x00600000) == 0xC0000040u) {
				*addr = s->addr;
				break;
			}
		}
		return true;
	default:
		return false;
	}
}

/* binary.Uvarint: value and bytes used; 0 bytes when the input ends first,
 * "negative" (false) on overflow. */
static bool uvarint(const struct sr_reader *r, uint64_t off, uint64_t *val, uint64_t *used)
{
	uint64_t x = 0;
	unsigned shift = 0;
	for (uint64_t i = 0; i < 10; i++) {
		uint8_t b;
		if (sr_read_u8(r, off + i, &b) != SR_OK)
			return false;
		if (b < 0x80) {
			if (i == 9 && b > 1)
				return false;
			*val = x | (uint64_t)b << shift;
			*used = i + 1;
			return true;
		}
		x |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	}
	return false;
}

/* decodeString: a uvarint length then that many bytes, all inside r from
 * *off (Go also refuses a string that ends exactly at the window's end). */
static bool inline_string(const struct sr_reader *r, uint64_t *off, struct sr_reader *s)
{
	uint64_t n, used;
	if (*off > r->len || !uvarint(r, *off, &n, &used))
		return false;
	uint64_t avail = r->len - *off - used;
	if (n >= avail)
		return false;
	if (sr_reader_sub(r, *off + used, n, s) != SR_OK)
		return false;
	*off += used + n;
	return true;
}

/* readString: a Go string header {data, len} at addr, then its bytes. */
static bool pointed_string(const struct sr_image *img, unsigned ptr_size, bool big, uint64_t addr,
                           struct sr_reader *s)
{
	struct sr_reader hdr;
	if (sr_image_read(img, addr, 2 * (uint64_t)ptr_size, &hdr) != SR_OK || hdr.len < 2 * (uint64_t)ptr_size)
		return false;
	hdr.big_endian = big;
	uint64_t data, len;
	if (sr_read_word(&hdr, 0, ptr_size, &data) != SR_OK || sr_read_word(&hdr, ptr_size, ptr_size, &len) != SR_OK)
		return false;
	if (len > BI_MAX_MODINFO)
		return false;
	if (len == 0) {
		sr_reader_init(s, NULL, 0, big);
		return true;
	}
	return sr_image_read(img, data, len, s) == SR_OK && s->len == len;
}

static void not_go(struct sr_go_buildinfo *bi, const char *why)
{
	bi->status = SR_GO_BI_NOT_GO;
	snprintf(bi->error, sizeof bi->error, "%s", why);
}

/* Find the header; *hdr starts at the magic and runs to the window's end. */
static const char *find_header(const struct sr_image *img, struct sr_reader *hdr, uint64_t *hdr_addr)
{
	uint64_t start;
	if (!data_start(img, &start))
		return "unrecognized file format";
	struct sr_reader win;
	if (sr_image_read(img, start, BI_WINDOW, &win) != SR_OK)
		return "unrecognized file format";
	/* Go 1.19 advances past a misaligned hit by (i + 15) &^ 16, which can
	 * be no step at all (it then never returns); later releases, and we,
	 * go on at the next 16-byte boundary. */
	uint64_t pos = 0;
	for (;;) {
		int64_t hit = sr_reader_find(&win, pos, win.len - pos, bi_magic, sizeof bi_magic);
		if (hit < 0 || win.len - (uint64_t)hit < BI_HEADER)
			return "not a Go executable";
		if ((uint64_t)hit % BI_ALIGN == 0) {
			*hdr_addr = start + (uint64_t)hit;
			return sr_reader_sub(&win, (uint64_t)hit, win.len - (uint64_t)hit, hdr) == SR_OK
			               ? NULL
			               : "not a Go executable";
		}
		pos = ((uint64_t)hit + BI_ALIGN) & ~(uint64_t)(BI_ALIGN - 1);
	}
}

static enum sr_err read_into(const struct sr_image *img, struct sr_arena *a, struct sr_go_buildinfo *bi,
                             struct sr_error *err);

enum sr_err sr_go_buildinfo_read(const struct sr_image *img, struct sr_go_buildinfo **out, struct sr_error *err)
{
	*out = NULL;
	struct sr_arena *a = sr_arena_new();
	struct sr_go_buildinfo *bi = a ? sr_arena_alloc(a, sizeof *bi) : NULL;
	struct sr_go_priv *priv = bi ? sr_arena_alloc(a, sizeof *priv) : NULL;
	if (!priv) {
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	priv->arena = a;
	bi->priv = priv;
	bi->version = "";
	bi->modinfo = "";
	enum sr_err rc = read_into(img, a, bi, err);
	if (rc != SR_OK) {
		sr_arena_free(a);
		return rc;
	}
	*out = bi;
	return SR_OK;
}

static enum sr_err read_into(const struct sr_image *img, struct sr_arena *a, struct sr_go_buildinfo *bi,
                             struct sr_error *err)
{

	struct sr_reader hdr;
	const char *why = find_header(img, &hdr, &bi->addr);
	if (why) {
		not_go(bi, why);
		return SR_OK;
	}
	uint8_t psize = 0, flags = 0;   /* the header is 32 bytes: both reads succeed */
	(void)sr_read_u8(&hdr, 14, &psize);
	(void)sr_read_u8(&hdr, 15, &flags);
	bi->ptr_size = psize;

	struct sr_reader vers, mod;
	sr_reader_init(&mod, NULL, 0, false);
	if (flags & 0x2) {
		bi->inline_layout = true;
		uint64_t off = BI_HEADER;
		if (!inline_string(&hdr, &off, &vers))
			sr_reader_init(&vers, NULL, 0, false);
		else if (!inline_string(&hdr, &off, &mod))
			sr_reader_init(&mod, NULL, 0, false);
	} else {
		/* Go reads 4-byte pointers only for size 4, 8 bytes otherwise; a
		 * size it cannot slice would make it panic: treat as not Go. */
		if (psize != 4 && psize != 8) {
			not_go(bi, "not a Go executable");
			return SR_OK;
		}
		bi->big_endian = flags != 0;
		hdr.big_endian = bi->big_endian;
		uint64_t pv, pm;
		if (sr_read_word(&hdr, 16, psize, &pv) != SR_OK || sr_read_word(&hdr, 16 + psize, psize, &pm) != SR_OK ||
		    !pointed_string(img, psize, bi->big_endian, pv, &vers))
			sr_reader_init(&vers, NULL, 0, false);
		else if (!pointed_string(img, psize, bi->big_endian, pm, &mod))
			sr_reader_init(&mod, NULL, 0, false);
	}
	if (vers.len == 0) {
		not_go(bi, "not a Go executable");
		return SR_OK;
	}
	/* through the reader: the file may be read lazily, and a long module
	 * text is then fetched only now */
	const uint8_t *vb = sr_reader_at(&vers, 0, vers.len);
	const uint8_t *mb = mod.len ? sr_reader_at(&mod, 0, mod.len) : NULL;
	if (!vb) {
		not_go(bi, "not a Go executable");
		return SR_OK;
	}
	char *v = sr_arena_strndup(a, (const char *)vb, vers.len);
	if (!v)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	bi->version = v;
	bi->version_len = vers.len;

	/* strip the sentinels: 16 bytes each side, the text ends in '\n' */
	if (mb && mod.len >= 33 && mb[mod.len - 17] == '\n') {
		char *m = sr_arena_strndup(a, (const char *)mb + 16, mod.len - 32);
		if (!m)
			return sr_error_set(err, SR_E_NOMEM, NULL);
		bi->modinfo = m;
		bi->modinfo_len = mod.len - 32;
	}
	bi->mod = sr_arena_alloc(a, sizeof *bi->mod);
	if (!bi->mod)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	if (!sr_go_modinfo_parse_in(a, bi->modinfo, bi->modinfo_len, bi->mod, bi->error, sizeof bi->error)) {
		bi->mod = NULL;
		bi->status = SR_GO_BI_BAD_MODINFO;
		if (!bi->error[0])
			snprintf(bi->error, sizeof bi->error, "could not parse Go build info");
	}
	return SR_OK;
}

void sr_go_buildinfo_free(struct sr_go_buildinfo *bi)
{
	if (!bi)
		return;
	sr_arena_free(bi->priv->arena);
}
