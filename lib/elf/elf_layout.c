/* shipready — ELF reader, the file's layout: ELF header, notes, program headers (segments),
 * section headers. */
#include "shipready/elf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "elf/elf_consts.h"
#include "elf/elf_internal.h"
#include "elf/rtsym.h"
#include "util/hex.h"
#include "util/map.h"

/* ---------- headers ---------- */

/* Where a program header's fields are, per class (ELF32, ELF64). */
static const struct phdr_layout {
	unsigned char size, flags, offset, vaddr, filesz, memsz, align;
} phdr_layout[2] = {
	{ 32, 24, 4, 8, 16, 20, 28 },
	{ 56, 4, 8, 16, 32, 40, 48 },
};

/* an address or offset of the file's class, from checked bytes */
static uint64_t peek_word(const uint8_t *b, bool w8, bool be)
{
	return w8 ? sr_peek_u64(b, be) : sr_peek_u32(b, be);
}

bool elf_read_phdr(struct ctx *c, uint64_t i, struct phdr *p)
{
	const struct sr_reader *r = &c->r;
	bool be = r->big_endian, w8 = c->wsz == 8;
	const struct phdr_layout *l = &phdr_layout[w8];
	/* the whole entry at once, then its fields */
	const uint8_t *b = sr_reader_at(r, c->phoff + i * c->phentsize, l->size);
	if (!b)
		return false;
	p->type = sr_peek_u32(b, be);
	p->flags = sr_peek_u32(b + l->flags, be);
	p->offset = peek_word(b + l->offset, w8, be);
	p->vaddr = peek_word(b + l->vaddr, w8, be);
	p->filesz = peek_word(b + l->filesz, w8, be);
	p->memsz = peek_word(b + l->memsz, w8, be);
	p->align = peek_word(b + l->align, w8, be);
	return true;
}

static bool read_shdr(struct ctx *c, uint64_t i, struct shdr *s)
{
	const struct sr_reader *r = &c->r;
	uint64_t o = c->shoff + i * c->shentsize;
	if (sr_read_u32(r, o, &s->name) != SR_OK || sr_read_u32(r, o + 4, &s->type) != SR_OK)
		return false;
	if (c->wsz == 8) {
		return sr_read_u64(r, o + 8, &s->flags) == SR_OK && sr_read_u64(r, o + 16, &s->addr) == SR_OK &&
		       sr_read_u64(r, o + 24, &s->offset) == SR_OK && sr_read_u64(r, o + 32, &s->size) == SR_OK &&
		       sr_read_u32(r, o + 40, &s->link) == SR_OK && sr_read_u32(r, o + 44, &s->info) == SR_OK &&
		       sr_read_u64(r, o + 48, &s->addralign) == SR_OK && sr_read_u64(r, o + 56, &s->entsize) == SR_OK;
	}
	uint32_t fl, ad, of, sz, al, es;
	if (sr_read_u32(r, o + 8, &fl) != SR_OK || sr_read_u32(r, o + 12, &ad) != SR_OK ||
	    sr_read_u32(r, o + 16, &of) != SR_OK || sr_read_u32(r, o + 20, &sz) != SR_OK ||
	    sr_read_u32(r, o + 24, &s->link) != SR_OK || sr_read_u32(r, o + 28, &s->info) != SR_OK ||
	    sr_read_u32(r, o + 32, &al) != SR_OK || sr_read_u32(r, o + 36, &es) != SR_OK)
		return false;
	s->addralign = al;
	s->flags = fl;
	s->addr = ad;
	s->offset = of;
	s->size = sz;
	s->entsize = es;
	return true;
}

static const char *section_name(struct ctx *c, const struct shdr *s)
{
	if (!c->have_shstr)
		return NULL;
	const char *n;
	if (sr_read_cstr(&c->shstr, s->name, 256, &n, NULL) != SR_OK)
		return NULL;
	return n; /* borrowed from the mapped file, valid during parsing only */
}

/* File offset of a virtual address, through the PT_LOAD segments (the
 * first, in table order, that holds it). */
bool elf_vaddr_to_off(struct ctx *c, uint64_t va, uint64_t *off)
{
	if (!c->loads_overflow) {
		for (size_t i = 0; i < c->nloads; i++) {
			const struct load *l = &c->loads[i];
			if (va >= l->vaddr && va - l->vaddr < l->filesz) {
				*off = l->offset + (va - l->vaddr);
				return true;
			}
		}
		return false;
	}
	for (uint64_t i = 0; i < c->phnum; i++) {
		struct phdr p;
		if (!elf_read_phdr(c, i, &p) || p.type != PT_LOAD)
			continue;
		if (va >= p.vaddr && va - p.vaddr < p.filesz) {
			*off = p.offset + (va - p.vaddr);
			return true;
		}
	}
	return false;
}

enum sr_err elf_parse_header(struct ctx *c)
{
	struct sr_elf *e = c->e;
	const struct sr_reader *r = &c->r;
	uint8_t ident[16];
	if (sr_read_bytes(r, 0, 16, ident) != SR_OK)
		return sr_error_set(c->err, SR_E_TRUNCATED, "truncated ELF header");
	if (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64)
		return sr_error_set(c->err, SR_E_MALFORMED, "invalid ELF class %u", ident[EI_CLASS]);
	if (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB)
		return sr_error_set(c->err, SR_E_MALFORMED, "invalid ELF byte order %u", ident[EI_DATA]);
	e->elf_class = ident[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	e->big_endian = ident[EI_DATA] == ELFDATA2MSB;
	e->osabi = ident[EI_OSABI];
	e->abi_version = ident[EI_ABIVERSION];
	c->r.big_endian = e->big_endian;
	c->wsz = e->elf_class == 64 ? 8 : 4;
	e->image.format = SR_IMAGE_ELF;
	e->image.file = c->r;
	e->image.ptr_size = c->wsz;
	e->image.big_endian = e->big_endian;

	uint64_t ehsize = e->elf_class == 64 ? 64 : 52;
	if (!sr_reader_has(r, 0, ehsize))
		return sr_error_set(c->err, SR_E_TRUNCATED, "truncated ELF header");

	uint16_t phnum16 = 0, shnum16 = 0, shstrndx16 = 0, ehs = 0;
	uint32_t version = 0;
	sr_read_u16(r, 16, &e->type);
	sr_read_u16(r, 18, &e->machine);
	sr_read_u32(r, 20, &version);
	if (c->wsz == 8) {
		sr_read_u64(r, 24, &e->entry);
		sr_read_u64(r, 32, &c->phoff);
		sr_read_u64(r, 40, &c->shoff);
		sr_read_u32(r, 48, &e->flags);
		sr_read_u16(r, 52, &ehs);
		sr_read_u16(r, 54, &c->phentsize);
		sr_read_u16(r, 56, &phnum16);
		sr_read_u16(r, 58, &c->shentsize);
		sr_read_u16(r, 60, &shnum16);
		sr_read_u16(r, 62, &shstrndx16);
	} else {
		uint32_t v = 0;
		sr_read_u32(r, 24, &v);
		e->entry = v;
		sr_read_u32(r, 28, &v);
		c->phoff = v;
		sr_read_u32(r, 32, &v);
		c->shoff = v;
		sr_read_u32(r, 36, &e->flags);
		sr_read_u16(r, 40, &ehs);
		sr_read_u16(r, 42, &c->phentsize);
		sr_read_u16(r, 44, &phnum16);
		sr_read_u16(r, 46, &c->shentsize);
		sr_read_u16(r, 48, &shnum16);
		sr_read_u16(r, 50, &shstrndx16);
	}
	(void)version;
	(void)ehs;
	c->phnum = phnum16;
	c->shnum = shnum16;
	c->shstrndx = shstrndx16;

	unsigned want_sh = c->wsz == 8 ? 64 : 40;
	unsigned want_ph = c->wsz == 8 ? 56 : 32;

	/* Section header table: its location must be sane before we trust it,
	 * because the extended counts (PN_XNUM, SHN_XINDEX) live in entry 0. */
	/* Entry 0 holds the real counts when e_shnum is 0 (more than 0xfeff
	 * sections), e_shstrndx is SHN_XINDEX or e_phnum is PN_XNUM.  The
	 * loader reads none of it (e_phnum is taken as it is). */
	if (c->shoff != 0 && !c->loader_only) {
		if (c->shentsize < want_sh)
			return sr_error_set(c->err, SR_E_MALFORMED, "invalid section header size %u", c->shentsize);
		struct shdr s0;
		c->shnum = c->shnum ? c->shnum : 1; /* read entry 0 at least */
		if (!read_shdr(c, 0, &s0))
			return sr_error_set(c->err, SR_E_TRUNCATED, "section header table past end of file");
		if (shnum16 == 0) {
			/* the extended count lives in a 64-bit field in ELF64 */
			if (s0.size > 0xffffffffu)
				return sr_error_set(c->err, SR_E_MALFORMED, "invalid section count %llu",
				                    (unsigned long long)s0.size);
			c->shnum = s0.size;
		}
		if (shstrndx16 == SHN_XINDEX)
			c->shstrndx = s0.link;
		if (phnum16 == PN_XNUM)
			c->phnum = s0.info;
	} else {
		c->shnum = 0;
	}
	if (c->phnum > SR_ELF_MAX_SEGMENTS)
		return sr_error_set(c->err, SR_E_MALFORMED, "too many program headers (%llu)",
		                    (unsigned long long)c->phnum);
	if (c->shnum > SR_ELF_MAX_SECTIONS)
		return sr_error_set(c->err, SR_E_MALFORMED, "too many section headers (%llu)",
		                    (unsigned long long)c->shnum);
	if (c->shnum > 0) {
		uint64_t need = c->shnum * (uint64_t)c->shentsize; /* shnum < 2^32, shentsize < 2^16 */
		if (!sr_reader_has(r, c->shoff, need))
			return sr_error_set(c->err, SR_E_TRUNCATED,
			                    "section header table (%llu entries at offset %llu) past end of file",
			                    (unsigned long long)c->shnum, (unsigned long long)c->shoff);
	}
	if (c->phnum > 0) {
		if (c->phentsize < want_ph)
			return sr_error_set(c->err, SR_E_MALFORMED, "invalid program header size %u", c->phentsize);
		uint64_t need = c->phnum * (uint64_t)c->phentsize;
		if (!sr_reader_has(r, c->phoff, need))
			return sr_error_set(c->err, SR_E_TRUNCATED,
			                    "program header table (%llu entries at offset %llu) past end of file",
			                    (unsigned long long)c->phnum, (unsigned long long)c->phoff);
	}
	e->phnum = c->phnum;
	e->shnum = c->shnum;
	e->has_sections = c->shnum > 0;
	return SR_OK;
}

/* ---------- notes ---------- */

static void parse_notes(struct ctx *c, uint64_t off, uint64_t size, uint64_t align)
{
	struct sr_reader n;
	if (sr_reader_sub(&c->r, off, size, &n) != SR_OK || !elf_first_visit(c, off, size) || !elf_budget_take(c, size))
		return;
	uint64_t al = align == 8 ? 8 : 4;
	uint64_t pos = 0;
	for (unsigned iter = 0; iter < 4096 && pos + 12 <= n.len; iter++) {
		uint32_t namesz, descsz, type;
		if (sr_read_u32(&n, pos, &namesz) || sr_read_u32(&n, pos + 4, &descsz) || sr_read_u32(&n, pos + 8, &type))
			break;
		/* name and descriptor each start at the next multiple of the
		 * note alignment, counted from the start of the note area */
		uint64_t name_off = pos + 12;
		uint64_t desc_off = (name_off + namesz + al - 1) & ~(al - 1);
		uint64_t next = (desc_off + descsz + al - 1) & ~(al - 1);
		if (!sr_reader_has(&n, name_off, namesz) || !sr_reader_has(&n, desc_off, descsz)) {
			elf_warn(c, "malformed note at offset %llu", (unsigned long long)(off + pos));
			return;
		}
		char name[16] = {0};
		if (namesz > 0 && namesz < sizeof name)
			sr_read_bytes(&n, name_off, namesz, name);
		name[sizeof name - 1] = '\0';

		if (strcmp(name, "GNU") == 0 && type == NT_GNU_ABI_TAG && descsz >= 16 && !c->e->has_abi_tag) {
			uint32_t os = 0, k0 = 0, k1 = 0, k2 = 0;
			sr_read_u32(&n, desc_off, &os);
			sr_read_u32(&n, desc_off + 4, &k0);
			sr_read_u32(&n, desc_off + 8, &k1);
			sr_read_u32(&n, desc_off + 12, &k2);
			c->e->has_abi_tag = true;
			c->e->abi_tag_os = os;
			c->e->abi_tag_kernel[0] = k0;
			c->e->abi_tag_kernel[1] = k1;
			c->e->abi_tag_kernel[2] = k2;
		} else if (strcmp(name, "GNU") == 0 && type == NT_GNU_BUILD_ID && descsz > 0 && descsz <= 64 &&
		           !c->e->build_id) {
			uint8_t id[64];
			char hex[129];
			sr_read_bytes(&n, desc_off, descsz, id);
			sr_hex_encode(id, descsz, hex);
			c->e->build_id = sr_arena_strdup(c->a, hex);
		} else if (strcmp(name, "Go") == 0 && type == NT_GO_BUILD_ID) {
			sr_strlist_add_unique(c->a, &c->go_ev, ".note.go.buildid", SR_ELF_MAX_LIST);
		} else if (strcmp(name, "Android") == 0) {
			c->has_android_note = true;
		}
		if (next <= pos)
			break;
		pos = next;
	}
}

/* ---------- program headers ---------- */

static void image_add_segment(struct ctx *c, const struct phdr *p)
{
	struct sr_image *img = &c->e->image;
	struct sr_image_seg *g = sr_arena_grow(c->a, c->segs, img->nsegs, &c->seg_cap, sizeof *g,
	                                       SR_ELF_MAX_SEGMENTS);
	if (!g)
		return;
	c->segs = g;
	img->segs = g;
	g[img->nsegs++] = (struct sr_image_seg){
		.vaddr = p->vaddr, .memsz = p->memsz, .offset = p->offset, .filesz = p->filesz,
		.prot = ((p->flags & PF_R) ? SR_PROT_R : 0) | ((p->flags & PF_W) ? SR_PROT_W : 0) |
		        ((p->flags & PF_X) ? SR_PROT_X : 0),
	};
}

enum sr_err elf_scan_segments(struct ctx *c)
{
	struct sr_elf *e = c->e;
	bool any_note = false;
	for (uint64_t i = 0; i < c->phnum; i++) {
		struct phdr p;
		if (!elf_read_phdr(c, i, &p))
			return sr_error_set(c->err, SR_E_TRUNCATED, "truncated program header table");
		if (p.type != PT_NULL && p.filesz > 0 && !sr_reader_has(&c->r, p.offset, p.filesz))
			return sr_error_set(c->err, SR_E_TRUNCATED,
			                    "segment %llu (offset %llu, %llu bytes) extends past end of file",
			                    (unsigned long long)i, (unsigned long long)p.offset,
			                    (unsigned long long)p.filesz);
		if (p.type == PT_LOAD && !c->loader_only)
			image_add_segment(c, &p);
		if (p.type == PT_LOAD) {
			if (c->nloads < sizeof c->loads / sizeof c->loads[0])
				c->loads[c->nloads++] = (struct load){ p.vaddr, p.offset, p.filesz };
			else
				c->loads_overflow = true;
		}
		switch (p.type) {
		case PT_INTERP: {
			if (e->has_interp)
				break;
			e->has_interp = true;
			struct sr_reader seg;
			const char *s;
			size_t n;
			if (p.filesz == 0 || sr_reader_sub(&c->r, p.offset, p.filesz, &seg) != SR_OK)
				elf_warn(c, "interpreter segment is empty");
			else if (sr_read_cstr(&seg, 0, SR_ELF_MAX_STRING, &s, &n) != SR_OK)
				elf_warn(c, "interpreter path is not terminated");
			else
				e->interpreter = sr_arena_strndup(c->a, s, n);
			break;
		}
		case PT_DYNAMIC:
			if (!c->have_dyn && p.filesz > 0) {
				c->have_dyn = true;
				c->dyn_off = p.offset;
				c->dyn_size = p.filesz;
			}
			break;
		case PT_NOTE:
			any_note = true;
			if (!c->loader_only)
				parse_notes(c, p.offset, p.filesz, p.align);
			break;
		case PT_GNU_STACK:
			e->hardening.has_gnu_stack = true;
			e->hardening.nx_stack = !(p.flags & PF_X);
			break;
		case PT_GNU_RELRO:
			c->has_relro = true;
			break;
		default:
			break;
		}
	}
	(void)any_note;
	return SR_OK;
}

/* ---------- sections ---------- */

static void add_comments(struct ctx *c, uint64_t off, uint64_t size)
{
	struct sr_reader s;
	if (sr_reader_sub(&c->r, off, size, &s) != SR_OK || !elf_first_visit(c, off, size) || !elf_budget_take(c, size))
		return;
	uint64_t pos = 0;
	while (pos < s.len && c->e->comments.count < 64) {
		const char *str;
		size_t n;
		if (sr_read_cstr(&s, pos, SR_ELF_MAX_STRING, &str, &n) != SR_OK) {
			/* unterminated tail: keep what is printable up to the end */
			break;
		}
		if (n > 0) {
			char *d = sr_arena_strndup(c->a, str, n);
			if (d && !sr_strlist_has(&c->e->comments, d))
				sr_strlist_push(c->a, &c->comments, d, SR_ELF_MAX_LIST);
		}
		pos += n + 1;
	}
}


static void image_add_section(struct ctx *c, const struct shdr *s, const char *name)
{
	struct sr_image *img = &c->e->image;
	if (!name || !*name || img->nsects >= SR_IMAGE_MAX_SECTIONS)
		return;
	struct sr_image_sect *t = sr_arena_grow(c->a, c->sects, img->nsects, &c->sect_cap, sizeof *t,
	                                        SR_IMAGE_MAX_SECTIONS);
	const char *copy = sr_arena_strdup(c->a, name);
	if (!t || !copy)
		return;
	c->sects = t;
	img->sects = t;
	t[img->nsects++] = (struct sr_image_sect){
		.name = copy, .addr = s->addr, .size = s->size, .offset = s->offset,
		.in_file = s->type != SHT_NOBITS && s->type != SHT_NULL,
		.alloc = (s->flags & SHF_ALLOC) != 0, .raw_flags = s->flags,
	};
}

/* What a section's name says to the scan below. */
enum sect_role { SECT_OTHER, SECT_COMMENT, SECT_DEBUG_INFO, SECT_RODATA, SECT_GO };

/* The role of the section called name (NULL: none).  The letter after the
 * dot picks the names to compare: objects built with -ffunction-sections
 * have thousands of sections, and a compare with every name was 1.4% of
 * scan /usr's CPU (make bench: bench/scan.sh). */
static enum sect_role section_role(const char *name)
{
	if (!name || name[0] != '.')
		return SECT_OTHER;
	switch (name[1]) {
	case 'c':
		return strcmp(name, ".comment") == 0 ? SECT_COMMENT : SECT_OTHER;
	case 'd':
		return strcmp(name, ".debug_info") == 0 ? SECT_DEBUG_INFO
		       : strcmp(name, ".data.rel.ro.gopclntab") == 0 ? SECT_GO : SECT_OTHER;
	case 'z':
		return strcmp(name, ".zdebug_info") == 0 ? SECT_DEBUG_INFO : SECT_OTHER;
	case 'r':
		return strcmp(name, ".rodata") == 0 ? SECT_RODATA : SECT_OTHER;
	case 'g':
		return strcmp(name, ".go.buildinfo") == 0 || strcmp(name, ".gopclntab") == 0 ||
		       strcmp(name, ".go.module") == 0 ? SECT_GO : SECT_OTHER;
	case 'n':
		return strcmp(name, ".note.go.buildid") == 0 ? SECT_GO : SECT_OTHER;
	default:
		return SECT_OTHER;
	}
}

enum sr_err elf_scan_sections(struct ctx *c)
{
	struct sr_elf *e = c->e;
	/* The loader model reads no section headers (parse_header left shnum
	 * 0): DT_ tags find everything it needs. */
	if (c->shnum == 0)
		return SR_OK;
	/* Section name table first. */
	if (c->shstrndx != SHN_UNDEF && c->shstrndx < c->shnum) {
		struct shdr s;
		if (read_shdr(c, c->shstrndx, &s) && s.type != SHT_NOBITS &&
		    sr_reader_sub(&c->r, s.offset, s.size, &c->shstr) == SR_OK)
			c->have_shstr = true;
		else
			elf_warn(c, "section name table is out of range");
	}
	bool notes_from_segments = e->has_abi_tag || e->build_id;
	for (uint64_t i = 1; i < c->shnum; i++) {
		struct shdr s;
		if (!read_shdr(c, i, &s))
			return sr_error_set(c->err, SR_E_TRUNCATED, "truncated section header table");
		if (s.type != SHT_NOBITS && s.type != SHT_NULL && s.size > 0 && !sr_reader_has(&c->r, s.offset, s.size))
			return sr_error_set(c->err, SR_E_TRUNCATED,
			                    "section %llu (offset %llu, %llu bytes) extends past end of file",
			                    (unsigned long long)i, (unsigned long long)s.offset,
			                    (unsigned long long)s.size);
		const char *name = section_name(c, &s);
		image_add_section(c, &s, name);
		switch (section_role(name)) {
		case SECT_COMMENT:
			if (s.type != SHT_NOBITS && !c->no_symbols)
				add_comments(c, s.offset, s.size);
			break;
		case SECT_DEBUG_INFO:
			e->has_debug_info = true;
			break;
		case SECT_RODATA:
			if (s.type == SHT_PROGBITS && !c->have_rodata) {
				c->have_rodata = true;
				c->rodata_off = s.offset;
				c->rodata_size = s.size;
			}
			break;
		case SECT_GO:
			sr_strlist_add_unique(c->a, &c->go_ev, strncmp(name, ".data.rel.ro.", 13) == 0 ? ".gopclntab" : name,
			                      SR_ELF_MAX_LIST);
			break;
		case SECT_OTHER:
			break;
		}
		switch (s.type) {
		case SHT_SYMTAB:
			e->has_symtab = true;
			/* fallthrough */
		case SHT_DYNSYM: {
			struct shdr strsh;
			struct sr_reader syms, strs;
			if (s.link == 0 || s.link >= c->shnum || !read_shdr(c, s.link, &strsh) ||
			    sr_reader_sub(&c->r, s.offset, s.size, &syms) != SR_OK ||
			    sr_reader_sub(&c->r, strsh.offset, strsh.size, &strs) != SR_OK) {
				elf_warn(c, "symbol table %llu has no usable string table", (unsigned long long)i);
				break;
			}
			if (s.type == SHT_DYNSYM && !c->have_dynsym_tab) {
				c->have_dynsym_tab = true;
				c->dynsym = syms;
				c->dynsym_str = strs;
				c->dynsym_ent = s.entsize;
			}
			if (c->no_symbols || !elf_first_visit(c, s.offset, s.size))
				break;
			/* a table larger than what is left of the budget is scanned in part */
			if (syms.len > c->budget) {
				elf_warn(c, "symbol table %llu is too large; only its first %llu bytes were scanned",
				     (unsigned long long)i, (unsigned long long)c->budget);
				sr_reader_shrink(&syms, c->budget);
			}
			if (syms.len && elf_budget_take(c, syms.len))
				elf_scan_symbols(c, &syms, s.entsize, &strs, s.type == SHT_DYNSYM);
			break;
		}
		case SHT_DYNAMIC:
			if (!c->have_dyn && s.size > 0) {
				c->have_dyn = true;
				c->dyn_off = s.offset;
				c->dyn_size = s.size;
			}
			/* The section's string table, in case DT_STRTAB cannot be mapped. */
			if (!c->have_dynstr && s.link > 0 && s.link < c->shnum) {
				struct shdr strsh;
				if (read_shdr(c, s.link, &strsh) && strsh.type == SHT_STRTAB &&
				    sr_reader_sub(&c->r, strsh.offset, strsh.size, &c->dynstr) == SR_OK)
					c->have_dynstr = true;
			}
			break;
		case SHT_GNU_VERSYM:
			if (!c->sect_versym_found) {
				c->sect_versym_found = true;
				c->sect_versym_off = s.offset;
			}
			break;
		case SHT_GNU_VERNEED:
		case SHT_GNU_VERDEF: {
			struct vtab *t = s.type == SHT_GNU_VERNEED ? &c->sect_verneed : &c->sect_verdef;
			if (!t->found) {
				t->found = true;
				t->off = s.offset;
				t->info = s.info;
			}
			break;
		}
		case SHT_NOTE:
			/* Objects have no segments: read their notes from sections. */
			if (c->phnum == 0 && !notes_from_segments)
				parse_notes(c, s.offset, s.size, s.addralign);
			break;
		default:
			break;
		}
	}
	return SR_OK;
}
