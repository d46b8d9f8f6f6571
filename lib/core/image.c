/* The format-neutral memory image: lookups by section name and by virtual
 * address, all through the bounded reader. */
#include <string.h>

#include "shipready/image.h"

const struct sr_image_sect *sr_image_section(const struct sr_image *img, const char *name)
{
	for (size_t i = 0; i < img->nsects; i++)
		if (img->sects[i].name && strcmp(img->sects[i].name, name) == 0)
			return &img->sects[i];
	return NULL;
}

enum sr_err sr_image_section_bytes(const struct sr_image *img, const struct sr_image_sect *s,
                                   struct sr_reader *out)
{
	if (!s->in_file)
		return SR_E_RANGE;
	return sr_reader_sub(&img->file, s->offset, s->size, out);
}

enum sr_err sr_image_read(const struct sr_image *img, uint64_t addr, uint64_t size, struct sr_reader *out)
{
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct sr_image_seg *g = &img->segs[i];
		if (g->filesz == 0 || addr < g->vaddr || addr - g->vaddr >= g->filesz)
			continue;
		uint64_t skip = addr - g->vaddr;
		if (g->offset > UINT64_MAX - skip)
			return SR_E_RANGE;
		uint64_t n = g->filesz - skip;
		if (n > size)
			n = size;
		return sr_reader_sub(&img->file, g->offset + skip, n, out);
	}
	return SR_E_RANGE;
}

enum sr_err sr_image_read_ptr(const struct sr_image *img, uint64_t addr, uint64_t *out)
{
	struct sr_reader r;
	enum sr_err rc = sr_image_read(img, addr, img->ptr_size, &r);
	if (rc != SR_OK)
		return rc;
	return sr_read_word(&r, 0, img->ptr_size, out);
}
