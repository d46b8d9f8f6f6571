/* shipready — a format-neutral view of an executable's memory image.
 *
 * Each format parser (ELF now; PE and Mach-O later) describes where its
 * loadable segments and named sections lie, in the file and in memory, so
 * that analyses which think in virtual addresses (the Go reader) work on
 * every format alike.  All bytes are still read through the bounded reader. */
#ifndef SHIPREADY_IMAGE_H
#define SHIPREADY_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/error.h"
#include "shipready/reader.h"

enum sr_image_format { SR_IMAGE_NONE = 0, SR_IMAGE_ELF, SR_IMAGE_PE, SR_IMAGE_MACHO };

/* Segment protection bits. */
#define SR_PROT_X 0x1u
#define SR_PROT_W 0x2u
#define SR_PROT_R 0x4u

/* Sections and segments kept per image (real executables have a few dozen). */
#define SR_IMAGE_MAX_SECTIONS 4096u

/* A loadable piece of the image: memory [vaddr, vaddr+memsz), of which the
 * first filesz bytes come from the file at offset. */
struct sr_image_seg {
	uint64_t vaddr, memsz;
	uint64_t offset, filesz;
	unsigned prot;           /* SR_PROT_* */
	const char *name;        /* Mach-O segment name, else NULL */
	bool discardable;        /* PE: a section marked discardable (debug data the program never reads) */
};

struct sr_image_sect {
	const char *name;
	uint64_t addr, size;
	uint64_t offset;         /* in the file; meaningless when !in_file */
	bool in_file;            /* false for .bss-like sections */
	bool alloc;              /* part of the memory image */
	uint64_t raw_flags;      /* the format's own flags (ELF sh_flags, PE Characteristics) */
};

struct sr_image {
	enum sr_image_format format;
	struct sr_reader file;   /* the whole file, in the image's byte order */
	unsigned ptr_size;       /* 4 or 8 */
	bool big_endian;
	const struct sr_image_seg *segs;
	size_t nsegs;
	const struct sr_image_sect *sects;
	size_t nsects;
};

/* The first section with this exact name, or NULL. */
const struct sr_image_sect *sr_image_section(const struct sr_image *img, const char *name);

/* A reader over a section's bytes in the file. */
enum sr_err sr_image_section_bytes(const struct sr_image *img, const struct sr_image_sect *s,
                                   struct sr_reader *out);

/* The bytes at virtual address addr: at most size of them, stopping at the
 * end of the file-backed part of the segment that maps addr (so *out may be
 * shorter than size).  SR_E_RANGE when no segment maps addr from the file. */
enum sr_err sr_image_read(const struct sr_image *img, uint64_t addr, uint64_t size, struct sr_reader *out);

/* Read a pointer-sized word at virtual address addr. */
enum sr_err sr_image_read_ptr(const struct sr_image *img, uint64_t addr, uint64_t *out);

#endif
