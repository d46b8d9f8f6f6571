/* ELF reader: one pass over the headers, then the dynamic section, symbol
 * versioning, notes, sections and symbols, all through the bounded reader.
 *
 * Policy for damaged files (see docs/security.md and the inspect man page):
 *  - a structure the ELF header itself points to (program header table,
 *    section header table, a segment's or section's file bytes) that lies
 *    past the end of the file is a hard error: the file is truncated, and the
 *    kernel or loader would refuse it too;
 *  - a damaged table found inside the file (a bad string offset, a version
 *    chain that loops, a malformed note) is dropped with a warning and the
 *    rest of the file is still reported. */
#include "shipready/elf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "elf/elf_consts.h"
#include "elf/rtsym.h"
#include "util/arena.h"
#include "util/map.h"
#include "util/strlist.h"

struct sr_elf_priv {
	struct sr_arena *arena;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

struct shdr {
	uint32_t name, type, link, info;
	uint64_t flags, addr, offset, size, addralign, entsize;
};

struct ctx {
	struct sr_reader r;
	struct sr_elf *e;
	struct sr_arena *a;
	struct sr_error *err;
	unsigned wsz;             /* 4 or 8 */
	uint64_t phoff, shoff;
	uint16_t phentsize, shentsize;
	uint64_t phnum, shnum;
	uint64_t shstrndx;
	struct sr_reader shstr;   /* section name table, empty if none */
	bool have_shstr;

	/* dynamic section (file range) */
	bool have_dyn;
	uint64_t dyn_off, dyn_size;
	/* dynamic string table (file range) */
	bool have_dynstr;
	struct sr_reader dynstr;
	/* values collected from the dynamic section */
	uint64_t dt_strtab, dt_strsz, dt_symtab, dt_syment, dt_hash, dt_gnu_hash;
	uint64_t dt_verneed, dt_verneednum, dt_verdef, dt_verdefnum;
	bool has_strtab, has_strsz, has_symtab_dt, has_hash, has_gnu_hash;
	bool has_verneed, has_verneednum, has_verdef, has_verdefnum;

	bool has_relro;
	/* The first section of each version table type (scan_sections reads
	 * every header, so find_table need not read them again). */
	struct vtab { bool found; uint64_t off, info; } sect_verneed, sect_verdef;
	bool has_android_note;
	bool saw_dynsym, saw_symtab;
	bool canary;
	bool musl_symbol, glibc_symbol;

	/* Tables scanned so far, so that many headers naming the same bytes
	 * cost one scan, and a budget on bytes scanned in all (a file cannot
	 * make the work grow faster than its size). */
	size_t nseen;             /* entries of seen[] (at the end) */
	uint64_t budget;
	bool budget_warned;
	bool no_symbols;          /* SR_ELF_NO_SYMBOLS */
	bool loader_only;         /* SR_ELF_LOADER_ONLY */

	struct sr_strlist_b needed, rpath, runpath, comments, fortified, go_ev, warnings;
	bool go_pkghash;     /* .dynsym defines go:link.pkghash.* */

	/* Run-time names (rtsym.h): the imports of .dynsym and every name in
	 * .symtab, kept apart until conclude() knows the linkage; the strings
	 * found in read-only data. */
	struct sr_strlist rt_dyn, rt_sym;
	struct sr_strlist_b rt_dyn_b, rt_sym_b, rt_str;
	/* The dynamic symbol table and .gnu.version (DT_VERSYM, else the
	 * section), for the symbol behind each highest version; the Vernaux
	 * index (vna_other) of each e->vermax entry. */
	bool have_dynsym_tab;
	struct sr_reader dynsym, dynsym_str;
	uint64_t dynsym_ent;
	bool has_versym_dt, sect_versym_found;
	uint64_t dt_versym, sect_versym_off;
	bool versym_tried, versym_ok;  /* versym_table(): found once */
	struct sr_reader versym;
	uint64_t versym_ent, versym_count;
	/* The first .rodata section (file range), for stripped static files. */
	bool have_rodata;
	uint64_t rodata_off, rodata_size;
	size_t verneed_cap, verdef_cap, vermax_cap;
	size_t seg_cap, sect_cap;
	struct sr_image_seg *segs;    /* e->image.segs, growable */
	struct sr_image_sect *sects;  /* e->image.sects, growable */
	/* The PT_LOAD headers in table order (scan_segments), for
	 * vaddr_to_off; more than fit are read from the table again. */
	struct load { uint64_t vaddr, offset, filesz; } loads[8];
	size_t nloads;
	bool loads_overflow;

	/* Last, and not cleared (sr_elf_parse_ex): a parse of the loader
	 * model uses neither, and only entries already written are read. */
	struct { uint64_t off, size; } seen[32];   /* nseen entries */
	uint16_t vermax_index[256];   /* e->vermax_count entries */
};

/* ---------- small helpers ---------- */

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void warn(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sr_strlist_vwarn(c->a, &c->warnings, fmt, ap);
	va_end(ap);
}

/* True the first time a table at [off, off+size) is asked for. */
static bool first_visit(struct ctx *c, uint64_t off, uint64_t size)
{
	for (size_t i = 0; i < c->nseen; i++)
		if (c->seen[i].off == off && c->seen[i].size == size)
			return false;
	if (c->nseen < sizeof c->seen / sizeof c->seen[0]) {
		c->seen[c->nseen].off = off;
		c->seen[c->nseen].size = size;
		c->nseen++;
	}
	return true;
}

/* Take `bytes` of scanning work from the budget; false (and one warning) when spent. */
static bool budget_take(struct ctx *c, uint64_t bytes)
{
	if (bytes <= c->budget) {
		c->budget -= bytes;
		return true;
	}
	if (!c->budget_warned) {
		c->budget_warned = true;
		warn(c, "too many tables to scan; some symbol, note or comment tables were skipped");
	}
	return false;
}

/* Copy a NUL-terminated string out of a reader, bounded.  On failure *why
 * says whether the offset was outside the table or the string unterminated. */
static const char *get_str_why(struct ctx *c, const struct sr_reader *tab, uint64_t off, const char **why)
{
	const char *s;
	size_t n;
	enum sr_err rc = sr_read_cstr(tab, off, SR_ELF_MAX_STRING, &s, &n);
	if (rc != SR_OK) {
		if (why)
			*why = off >= tab->len ? "is outside the string table" : "points to an unterminated string";
		return NULL;
	}
	const char *d = sr_arena_strndup(c->a, s, n);
	if (!d && why)
		*why = "could not be stored (memory limit)";
	return d;
}

static const char *get_str(struct ctx *c, const struct sr_reader *tab, uint64_t off)
{
	return get_str_why(c, tab, off, NULL);
}

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

static bool read_phdr(struct ctx *c, uint64_t i, struct phdr *p)
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
static bool vaddr_to_off(struct ctx *c, uint64_t va, uint64_t *off)
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
		if (!read_phdr(c, i, &p) || p.type != PT_LOAD)
			continue;
		if (va >= p.vaddr && va - p.vaddr < p.filesz) {
			*off = p.offset + (va - p.vaddr);
			return true;
		}
	}
	return false;
}

static enum sr_err parse_header(struct ctx *c)
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
	if (sr_reader_sub(&c->r, off, size, &n) != SR_OK || !first_visit(c, off, size) || !budget_take(c, size))
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
			warn(c, "malformed note at offset %llu", (unsigned long long)(off + pos));
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
			for (uint32_t i = 0; i < descsz; i++)
				snprintf(hex + 2 * i, 3, "%02x", id[i]);
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

static enum sr_err scan_segments(struct ctx *c)
{
	struct sr_elf *e = c->e;
	bool any_note = false;
	for (uint64_t i = 0; i < c->phnum; i++) {
		struct phdr p;
		if (!read_phdr(c, i, &p))
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
				warn(c, "interpreter segment is empty");
			else if (sr_read_cstr(&seg, 0, SR_ELF_MAX_STRING, &s, &n) != SR_OK)
				warn(c, "interpreter path is not terminated");
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
	if (sr_reader_sub(&c->r, off, size, &s) != SR_OK || !first_visit(c, off, size) || !budget_take(c, size))
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

static void scan_symbols(struct ctx *c, const struct sr_reader *syms, uint64_t entsize, const struct sr_reader *strs,
                         bool dynamic);

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

static enum sr_err scan_sections(struct ctx *c)
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
			warn(c, "section name table is out of range");
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
		if (name) {
			if (strcmp(name, ".comment") == 0 && s.type != SHT_NOBITS && !c->no_symbols)
				add_comments(c, s.offset, s.size);
			else if (strcmp(name, ".debug_info") == 0 || strcmp(name, ".zdebug_info") == 0)
				e->has_debug_info = true;
			else if (strcmp(name, ".rodata") == 0 && s.type == SHT_PROGBITS && !c->have_rodata) {
				c->have_rodata = true;
				c->rodata_off = s.offset;
				c->rodata_size = s.size;
			}
			else if (strcmp(name, ".go.buildinfo") == 0 || strcmp(name, ".gopclntab") == 0 ||
			         strcmp(name, ".note.go.buildid") == 0 || strcmp(name, ".go.module") == 0 ||
			         strcmp(name, ".data.rel.ro.gopclntab") == 0)
				sr_strlist_add_unique(c->a, &c->go_ev,
				                      strncmp(name, ".data.rel.ro.", 13) == 0 ? ".gopclntab" : name,
				                      SR_ELF_MAX_LIST);
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
				warn(c, "symbol table %llu has no usable string table", (unsigned long long)i);
				break;
			}
			if (s.type == SHT_DYNSYM && !c->have_dynsym_tab) {
				c->have_dynsym_tab = true;
				c->dynsym = syms;
				c->dynsym_str = strs;
				c->dynsym_ent = s.entsize;
			}
			if (c->no_symbols || !first_visit(c, s.offset, s.size))
				break;
			/* a table larger than what is left of the budget is scanned in part */
			if (syms.len > c->budget) {
				warn(c, "symbol table %llu is too large; only its first %llu bytes were scanned",
				     (unsigned long long)i, (unsigned long long)c->budget);
				sr_reader_shrink(&syms, c->budget);
			}
			if (syms.len && budget_take(c, syms.len))
				scan_symbols(c, &syms, s.entsize, &strs, s.type == SHT_DYNSYM);
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

/* ---------- symbols ---------- */

static bool is_fortify_name(const char *n)
{
	size_t len = strlen(n);
	return len > 6 && n[0] == '_' && n[1] == '_' && strcmp(n + len - 4, "_chk") == 0 &&
	       strncmp(n, "__stack_chk", 11) != 0;
}

static void scan_symbols(struct ctx *c, const struct sr_reader *syms, uint64_t entsize, const struct sr_reader *strs,
                         bool dynamic)
{
	uint64_t want = c->wsz == 8 ? 24 : 16;
	if (entsize < want)
		entsize = want;
	uint64_t count = syms->len / entsize;
	if (dynamic)
		c->saw_dynsym = true;
	else
		c->saw_symtab = true;
	for (uint64_t i = 1; i < count; i++) {
		uint64_t o = i * entsize;
		uint32_t name;
		uint16_t shndx;
		if (sr_read_u32(syms, o, &name) != SR_OK)
			break;
		if (sr_read_u16(syms, o + (c->wsz == 8 ? 6 : 14), &shndx) != SR_OK)
			break;
		if (name == 0)
			continue;
		const char *n;
		if (sr_read_cstr(strs, name, 512, &n, NULL) != SR_OK)
			continue;
		const struct sr_rt_name *rt = sr_rt_symbol(n);
		if (rt && (!dynamic || shndx == SHN_UNDEF)) {
			struct sr_strlist_b *b = dynamic ? &c->rt_dyn_b : &c->rt_sym_b;
			if (!sr_strlist_has(b->out, rt->name))
				sr_strlist_push(c->a, b, rt->name, SR_ELF_MAX_LIST);
		}
		if (n[0] == '_' && n[1] == '_') {
			/* In the dynamic table only imports say what the code calls. */
			bool import = shndx == SHN_UNDEF;
			if (!dynamic || import) {
				if (strcmp(n, "__stack_chk_fail") == 0 || strcmp(n, "__stack_chk_guard") == 0 ||
				    strcmp(n, "__stack_chk_fail_local") == 0 || strcmp(n, "__intel_security_cookie") == 0)
					c->canary = true;
				else if (is_fortify_name(n) && c->e->hardening.fortified.count < 256)
					sr_strlist_add_unique(c->a, &c->fortified, n, SR_ELF_MAX_LIST);
			}
			if (!dynamic && strcmp(n, "__init_libc") == 0)
				c->musl_symbol = true;
			if (!dynamic && (strcmp(n, "__libc_start_call_main") == 0 || strcmp(n, "_dl_relocate_static_pie") == 0 ||
			                 strcmp(n, "__libc_setup_tls") == 0))
				c->glibc_symbol = true;
		} else if (!dynamic && n[0] == 'r' && strcmp(n, "runtime.main") == 0) {
			sr_strlist_add_unique(c->a, &c->go_ev, "Go runtime symbols", SR_ELF_MAX_LIST);
		} else if (dynamic && n[0] == 'g' && shndx != SHN_UNDEF &&
		           (strncmp(n, "go:link.pkghash.", 16) == 0 || strncmp(n, "go.link.pkghash.", 16) == 0)) {
			/* Go 1.21+ spells it go:, older releases go. */
			if (!c->go_pkghash)
				sr_strlist_add_unique(c->a, &c->go_ev, "go:link.pkghash exports", SR_ELF_MAX_LIST);
			c->go_pkghash = true;
		}
	}
}

/* Number of dynamic symbols from DT_HASH or DT_GNU_HASH (for files without sections). */
static uint64_t dynsym_count(struct ctx *c)
{
	uint64_t off;
	if (c->has_hash && vaddr_to_off(c, c->dt_hash, &off)) {
		uint32_t nchain;
		if (sr_read_u32(&c->r, off + 4, &nchain) == SR_OK)
			return nchain < (1u << 22) ? nchain : 0;
	}
	if (c->has_gnu_hash && vaddr_to_off(c, c->dt_gnu_hash, &off)) {
		uint32_t nbuckets, symoffset, bloom_size;
		if (sr_read_u32(&c->r, off, &nbuckets) || sr_read_u32(&c->r, off + 4, &symoffset) ||
		    sr_read_u32(&c->r, off + 8, &bloom_size))
			return 0;
		if (nbuckets > (1u << 20) || bloom_size > (1u << 20))
			return 0;   /* absurd: no real table is this large */
		uint64_t buckets = off + 16 + (uint64_t)bloom_size * c->wsz;
		uint64_t chains = buckets + (uint64_t)nbuckets * 4;
		uint32_t max = 0;
		for (uint32_t b = 0; b < nbuckets; b++) {
			uint32_t v;
			if (sr_read_u32(&c->r, buckets + (uint64_t)b * 4, &v))
				return 0;
			if (v > max)
				max = v;
		}
		if (max < symoffset)
			return symoffset;
		for (uint64_t idx = max; idx - max < (1u << 20); idx++) {
			uint32_t h;
			if (sr_read_u32(&c->r, chains + (idx - symoffset) * 4, &h))
				return 0;
			if (h & 1)
				return idx + 1;
		}
	}
	return 0;
}

/* ---------- dynamic section ---------- */

static void parse_dynamic(struct ctx *c)
{
	struct sr_elf *e = c->e;
	struct sr_reader d;
	if (!c->have_dyn || sr_reader_sub(&c->r, c->dyn_off, c->dyn_size, &d) != SR_OK)
		return;
	e->has_dynamic = true;
	uint64_t esz = (uint64_t)c->wsz * 2;
	uint64_t n = d.len / esz;
	/* read twice (scalars, then strings): charged to the scan budget */
	if (n * esz * 2 > c->budget) {
		warn(c, "dynamic section has %llu entries; only the first %llu were read", (unsigned long long)n,
		     (unsigned long long)(c->budget / (esz * 2)));
		n = c->budget / (esz * 2);
	}
	budget_take(c, n * esz * 2);

	/* Pass 1: the scalar entries (the string table may come after NEEDED). */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t tag, val;
		if (sr_read_word(&d, i * esz, c->wsz, &tag) || sr_read_word(&d, i * esz + c->wsz, c->wsz, &val))
			break;
		if (tag == DT_NULL)
			break;
		switch (tag) {
		case DT_STRTAB: c->dt_strtab = val; c->has_strtab = true; break;
		case DT_STRSZ: c->dt_strsz = val; c->has_strsz = true; break;
		case DT_SYMTAB: c->dt_symtab = val; c->has_symtab_dt = true; break;
		case DT_SYMENT: c->dt_syment = val; break;
		case DT_HASH: c->dt_hash = val; c->has_hash = true; break;
		case DT_GNU_HASH: c->dt_gnu_hash = val; c->has_gnu_hash = true; break;
		case DT_VERNEED: c->dt_verneed = val; c->has_verneed = true; break;
		case DT_VERNEEDNUM: c->dt_verneednum = val; c->has_verneednum = true; break;
		case DT_VERDEF: c->dt_verdef = val; c->has_verdef = true; break;
		case DT_VERDEFNUM: c->dt_verdefnum = val; c->has_verdefnum = true; break;
		case DT_VERSYM: c->dt_versym = val; c->has_versym_dt = true; break;
		case DT_FLAGS: e->has_flags = true; e->dt_flags = val; break;
		case DT_FLAGS_1: e->has_flags_1 = true; e->dt_flags_1 = val; break;
		case DT_BIND_NOW: e->bind_now = true; break;
		default: break;
		}
	}
	if ((e->has_flags && (e->dt_flags & DF_BIND_NOW)) || (e->has_flags_1 && (e->dt_flags_1 & DF_1_NOW)))
		e->bind_now = true;

	/* The string table: DT_STRTAB mapped through the segments; else the
	 * .dynamic section's linked string table. */
	uint64_t soff;
	if (c->has_strtab && vaddr_to_off(c, c->dt_strtab, &soff)) {
		uint64_t size = c->has_strsz ? c->dt_strsz : 0;
		if (!c->has_strsz || !sr_reader_has(&c->r, soff, size)) {
			/* clamp to the end of the file, and say so */
			if (c->has_strsz)
				warn(c, "dynamic string table extends past end of file");
			size = soff < c->r.len ? c->r.len - soff : 0;
		}
		if (sr_reader_sub(&c->r, soff, size, &c->dynstr) == SR_OK)
			c->have_dynstr = true;
	}
	if (!c->have_dynstr) {
		warn(c, "dynamic string table not found");
		return;
	}

	/* Pass 2: the string entries. */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t tag, val;
		if (sr_read_word(&d, i * esz, c->wsz, &tag) || sr_read_word(&d, i * esz + c->wsz, c->wsz, &val))
			break;
		if (tag == DT_NULL)
			break;
		struct sr_strlist_b *dst = NULL;
		const char *what = NULL;
		switch (tag) {
		case DT_NEEDED: dst = &c->needed; what = "DT_NEEDED"; break;
		case DT_RPATH: dst = &c->rpath; what = "DT_RPATH"; break;
		case DT_RUNPATH: dst = &c->runpath; what = "DT_RUNPATH"; break;
		case DT_SONAME: what = "DT_SONAME"; break;
		default: continue;
		}
		const char *why = "is unreadable";
		const char *s = get_str_why(c, &c->dynstr, val, &why);
		if (!s) {
			warn(c, "%s string offset %llu %s", what, (unsigned long long)val, why);
			continue;
		}
		if (dst) {
			if (!sr_strlist_push(c->a, dst, s, SR_ELF_MAX_LIST))
				warn(c, "too many %s entries; list cut at %u", what, SR_ELF_MAX_LIST);
		} else if (!e->soname) {
			e->soname = s;
		}
	}

	/* Files without section headers: read the dynamic symbols through DT_SYMTAB. */
	if (!c->saw_dynsym && c->has_symtab_dt && !c->no_symbols) {
		uint64_t symoff, count = dynsym_count(c);
		uint64_t ent = c->dt_syment ? c->dt_syment : (c->wsz == 8 ? 24 : 16);
		if (count > 0 && ent <= 64 && vaddr_to_off(c, c->dt_symtab, &symoff)) {
			struct sr_reader syms;
			uint64_t bytes = count * ent;
			if (count < (1u << 26) && sr_reader_sub(&c->r, symoff, bytes, &syms) == SR_OK &&
			    budget_take(c, bytes)) {
				c->have_dynsym_tab = true;
				c->dynsym = syms;
				c->dynsym_str = c->dynstr;
				c->dynsym_ent = ent;
				scan_symbols(c, &syms, ent, &c->dynstr, true);
			}
		}
	}
}

/* ---------- symbol versioning ---------- */

static void note_max(struct ctx *c, const char *name, const char *file, uint16_t index)
{
	struct sr_elf *e = c->e;
	size_t flen;
	const char *ver;
	if (!sr_version_split(name, &flen, &ver))
		return;
	for (size_t i = 0; i < e->vermax_count; i++) {
		struct sr_vermax *m = &e->vermax[i];
		if (strlen(m->family) == flen && strncmp(m->family, name, flen) == 0) {
			if (sr_version_cmp(ver, m->version) > 0) {
				m->version = ver;
				m->name = name;
				m->file = file;
				c->vermax_index[i] = index;
			}
			return;
		}
	}
	struct sr_vermax *arr = sr_arena_grow(c->a, e->vermax, e->vermax_count, &c->vermax_cap, sizeof *arr,
	                                      sizeof c->vermax_index / sizeof c->vermax_index[0]);
	if (!arr)
		return;
	e->vermax = arr;
	struct sr_vermax *m = &e->vermax[e->vermax_count++];
	m->family = sr_arena_strndup(c->a, name, flen);
	m->version = ver;
	m->name = name;
	m->file = file;
	c->vermax_index[e->vermax_count - 1] = index;
	if (!m->family)
		e->vermax_count--;
}

/* Locate a version table: DT_ address mapped to a file offset, else the section of that type. */
static bool find_table(struct ctx *c, bool has_dt, uint64_t va, uint32_t shtype, uint64_t *off, uint64_t *info)
{
	if (has_dt && vaddr_to_off(c, va, off))
		return true;
	/* the first section of that type: scan_sections has read every header */
	const struct vtab *t = shtype == SHT_GNU_VERNEED ? &c->sect_verneed : &c->sect_verdef;
	if (!t->found)
		return false;
	*off = t->off;
	if (info)
		*info = t->info;
	return true;
}

/* Where a version table starts and how many entries to read: its DT_
 * address (else its section), the count from DT_VER*NUM (else the section's
 * sh_info, else the cap).  False when absent or unusable. */
static bool version_table(struct ctx *c, bool has_dt, uint64_t va, uint32_t shtype, bool has_num, uint64_t num,
                          const char *what, uint64_t *off, uint64_t *info, uint64_t *count)
{
	*info = 0;
	if (!find_table(c, has_dt, va, shtype, off, info))
		return false;
	if (!c->have_dynstr) {
		warn(c, "%s present but no dynamic string table", what);
		return false;
	}
	*count = has_num ? num : (*info ? *info : SR_ELF_MAX_LIST);
	if (*count > SR_ELF_MAX_LIST)
		*count = SR_ELF_MAX_LIST;
	return true;
}

static void parse_verneed(struct ctx *c)
{
	struct sr_elf *e = c->e;
	uint64_t off, info, count;
	if (!version_table(c, c->has_verneed, c->dt_verneed, SHT_GNU_VERNEED, c->has_verneednum, c->dt_verneednum,
	                   "version needs", &off, &info, &count))
		return;
	const struct sr_reader *r = &c->r;
	uint64_t pos = off;
	size_t total_aux = 0;
	for (uint64_t i = 0; i < count; i++) {
		uint16_t ver, cnt;
		uint32_t file, aux, next;
		struct sr_reader ent;   /* the 16-byte Verneed, fetched at once */
		if (sr_reader_sub(r, pos, 16, &ent) || sr_read_u16(&ent, 0, &ver) || sr_read_u16(&ent, 2, &cnt) ||
		    sr_read_u32(&ent, 4, &file) || sr_read_u32(&ent, 8, &aux) || sr_read_u32(&ent, 12, &next)) {
			warn(c, "version needs table runs past end of file");
			return;
		}
		struct sr_verneed *arr = sr_arena_grow(c->a, e->verneed, e->verneed_count, &c->verneed_cap, sizeof *arr,
		                              SR_ELF_MAX_LIST);
		if (!arr)
			return;
		e->verneed = arr;
		struct sr_verneed *vn = &e->verneed[e->verneed_count];
		memset(vn, 0, sizeof *vn);
		vn->file = get_str(c, &c->dynstr, file);
		if (!vn->file) {
			warn(c, "version needs entry %llu has a bad file name offset", (unsigned long long)i);
			vn->file = "?";
		}
		if (cnt > 0) {
			size_t want = cnt;
			if (total_aux + want > SR_ELF_MAX_LIST)
				want = SR_ELF_MAX_LIST - total_aux;
			vn->vers = sr_arena_array(c->a, want ? want : 1, sizeof *vn->vers);
			uint64_t apos = pos + aux;
			for (size_t j = 0; vn->vers && j < want; j++) {
				uint32_t hash, name, anext;
				uint16_t flags, other;
				struct sr_reader aux16;   /* the 16-byte Vernaux */
				if (sr_reader_sub(r, apos, 16, &aux16) || sr_read_u32(&aux16, 0, &hash) ||
				    sr_read_u16(&aux16, 4, &flags) || sr_read_u16(&aux16, 6, &other) ||
				    sr_read_u32(&aux16, 8, &name) || sr_read_u32(&aux16, 12, &anext)) {
					warn(c, "version needs of %s run past end of file", vn->file);
					break;
				}
				const char *s = get_str(c, &c->dynstr, name);
				if (!s) {
					warn(c, "version name offset %lu is outside the string table", (unsigned long)name);
				} else {
					struct sr_vernaux *va = &vn->vers[vn->count++];
					va->name = s;
					va->key = sr_elf_name_key(s);
					va->hash = hash;
					va->flags = flags;
					va->index = other;
					if (!c->loader_only)
						note_max(c, s, vn->file, other);
				}
				if (anext == 0)
					break;
				apos += anext;
			}
			total_aux += vn->count;
		}
		e->verneed_count++;
		if (next == 0)
			break;
		pos += next;
		if (i + 1 == count && !c->has_verneednum && !info)
			warn(c, "version needs chain too long; cut at %u", SR_ELF_MAX_LIST);
	}
}

static void parse_verdef(struct ctx *c)
{
	struct sr_elf *e = c->e;
	uint64_t off, info, count;
	if (!version_table(c, c->has_verdef, c->dt_verdef, SHT_GNU_VERDEF, c->has_verdefnum, c->dt_verdefnum,
	                   "version definitions", &off, &info, &count))
		return;
	const struct sr_reader *r = &c->r;
	uint64_t pos = off;
	for (uint64_t i = 0; i < count; i++) {
		uint16_t ver, flags, ndx, cnt;
		uint32_t hash, aux, next;
		struct sr_reader ent;   /* the 20-byte Verdef */
		if (sr_reader_sub(r, pos, 20, &ent) || sr_read_u16(&ent, 0, &ver) || sr_read_u16(&ent, 2, &flags) ||
		    sr_read_u16(&ent, 4, &ndx) || sr_read_u16(&ent, 6, &cnt) || sr_read_u32(&ent, 8, &hash) ||
		    sr_read_u32(&ent, 12, &aux) || sr_read_u32(&ent, 16, &next)) {
			warn(c, "version definitions run past end of file");
			return;
		}
		struct sr_verdef *arr = sr_arena_grow(c->a, e->verdef, e->verdef_count, &c->verdef_cap, sizeof *arr, SR_ELF_MAX_LIST);
		if (!arr)
			return;
		e->verdef = arr;
		struct sr_verdef *vd = &e->verdef[e->verdef_count];
		memset(vd, 0, sizeof *vd);
		vd->flags = flags;
		vd->index = ndx;
		vd->hash = hash;
		uint64_t apos = pos + aux;
		struct sr_strlist_b parents = { &vd->parents, 0 };
		for (uint16_t j = 0; j < cnt && j < 64; j++) {
			uint32_t name, anext;
			struct sr_reader vda;   /* the 8-byte Verdaux */
			if (sr_reader_sub(r, apos, 8, &vda) || sr_read_u32(&vda, 0, &name) || sr_read_u32(&vda, 4, &anext))
				break;
			const char *s = get_str(c, &c->dynstr, name);
			if (s) {
				if (j == 0) {
					vd->name = s;
					vd->key = sr_elf_name_key(s);
				}
				else
					sr_strlist_push(c->a, &parents, s, SR_ELF_MAX_LIST);
			}
			if (anext == 0)
				break;
			apos += anext;
		}
		if (vd->name)
			e->verdef_count++;
		else
			warn(c, "version definition %llu has no valid name", (unsigned long long)i);
		if (next == 0)
			break;
		pos += next;
	}
}

/* .gnu.version beside .dynsym (one 16-bit entry per symbol; a table cut by
 * the end of the file is read in part), with the .dynsym entry size and the
 * number of entries both hold: found once per file, whoever asks first. */
static bool versym_table(struct ctx *c, struct sr_reader *vs, uint64_t *ent, uint64_t *count)
{
	if (!c->versym_tried) {
		c->versym_tried = true;
		uint64_t off;
		if (!(c->has_versym_dt && vaddr_to_off(c, c->dt_versym, &off))) {
			if (!c->sect_versym_found)
				return false;
			off = c->sect_versym_off;
		}
		uint64_t want = c->wsz == 8 ? 24 : 16;
		c->versym_ent = c->dynsym_ent < want ? want : c->dynsym_ent;
		uint64_t n = c->dynsym.len / c->versym_ent;
		uint64_t avail = off < c->r.len ? (c->r.len - off) / 2 : 0;
		if (n > avail)
			n = avail;
		c->versym_ok = n >= 2 && sr_reader_sub(&c->r, off, n * 2, &c->versym) == SR_OK && budget_take(c, n * 2);
		c->versym_count = n;
	}
	*vs = c->versym;
	*ent = c->versym_ent;
	*count = c->versym_count;
	return c->versym_ok;
}

/* For each highest version, one imported symbol that requires it: the first
 * undefined .dynsym entry whose .gnu.version entry is that Vernaux's index. */
static void vermax_symbols(struct ctx *c)
{
	struct sr_elf *e = c->e;
	if (c->no_symbols || !c->have_dynsym_tab || e->vermax_count == 0)
		return;
	struct sr_reader vs;
	uint64_t ent, count;
	if (!versym_table(c, &vs, &ent, &count))
		return;
	/* version index -> 1 + its vermax entry: one lookup per symbol */
	uint16_t top = 0;
	for (size_t k = 0; k < e->vermax_count; k++)
		if ((c->vermax_index[k] & 0x7fff) > top)
			top = c->vermax_index[k] & 0x7fff;
	uint16_t *which = sr_arena_array(c->a, (size_t)top + 1, sizeof *which);
	if (!which)
		return;
	for (size_t k = e->vermax_count; k-- > 0;)
		which[c->vermax_index[k] & 0x7fff] = (uint16_t)(k + 1);
	size_t left = e->vermax_count;
	for (uint64_t i = 1; i < count && left; i++) {
		uint16_t v;
		if (sr_read_u16(&vs, i * 2, &v) != SR_OK)
			break;
		v &= 0x7fff;   /* bit 15: hidden */
		if (v < 2 || v > top || !which[v])
			continue;
		struct sr_vermax *m = &e->vermax[which[v] - 1];
		uint32_t name;
		uint16_t shndx;
		if (m->symbol || sr_read_u32(&c->dynsym, i * ent, &name) != SR_OK ||
		    sr_read_u16(&c->dynsym, i * ent + (c->wsz == 8 ? 6 : 14), &shndx) != SR_OK || shndx != SHN_UNDEF)
			continue;
		const char *sym = get_str(c, &c->dynsym_str, name);
		if (sym && *sym) {
			m->symbol = sym;
			left--;
		}
	}
}

/* The imports bound to a GLIBC_ version (sr_elf.glibc_imports). */
static void glibc_imports(struct ctx *c)
{
	struct sr_elf *e = c->e;
	if (c->no_symbols || !c->have_dynsym_tab)
		return;
	/* the Vernaux indexes naming a GLIBC_ version */
	uint16_t top = 0;
	for (size_t i = 0; i < e->verneed_count; i++)
		for (size_t k = 0; k < e->verneed[i].count; k++) {
			const struct sr_vernaux *v = &e->verneed[i].vers[k];
			if (v->name && strncmp(v->name, "GLIBC_", 6) == 0 && (v->index & 0x7fff) > top)
				top = v->index & 0x7fff;
		}
	if (top < 2)
		return;
	bool *glibc = sr_arena_array(c->a, (size_t)top + 1, sizeof *glibc);
	if (!glibc)
		return;
	for (size_t i = 0; i < e->verneed_count; i++)
		for (size_t k = 0; k < e->verneed[i].count; k++) {
			const struct sr_vernaux *v = &e->verneed[i].vers[k];
			if (v->name && strncmp(v->name, "GLIBC_", 6) == 0)
				glibc[v->index & 0x7fff] = true;
		}
	struct sr_reader vs;
	uint64_t ent, count;
	if (!versym_table(c, &vs, &ent, &count))
		return;
	struct sr_strlist_b b = { &e->glibc_imports, 0 };
	for (uint64_t i = 1; i < count; i++) {
		uint16_t v;
		uint32_t name;
		uint16_t shndx;
		uint8_t info;
		if (sr_read_u16(&vs, i * 2, &v) != SR_OK)
			break;
		v &= 0x7fff;   /* bit 15: hidden */
		if (v > top || !glibc[v] || sr_read_u32(&c->dynsym, i * ent, &name) != SR_OK ||
		    sr_read_u16(&c->dynsym, i * ent + (c->wsz == 8 ? 6 : 14), &shndx) != SR_OK || shndx != SHN_UNDEF ||
		    sr_read_u8(&c->dynsym, i * ent + (c->wsz == 8 ? 4 : 12), &info) != SR_OK || (info >> 4) == STB_WEAK)
			continue;
		const char *sym = get_str(c, &c->dynsym_str, name);
		if (sym && *sym && !sr_strlist_push(c->a, &b, sym, SR_ELF_MAX_LIST))
			break;
	}
}

/* ---------- embedded file names (stripped static files) ---------- */

/* The names of sr_rt_strings found in [off, off+size), each followed by a
 * NUL or '/' (so "/etc/hosts" is not "/etc/hosts.allow"). */
static void rt_strings_in(struct ctx *c, uint64_t off, uint64_t size)
{
	struct sr_reader r;
	if (size == 0 || sr_reader_sub(&c->r, off, size, &r) != SR_OK || !first_visit(c, off, size))
		return;
	if (r.len > c->budget) {
		warn(c, "read-only data of %llu bytes; only its first %llu were searched for file names",
		     (unsigned long long)r.len, (unsigned long long)c->budget);
		sr_reader_shrink(&r, c->budget);
	}
	if (!r.len || !budget_take(c, r.len))
		return;
	enum { MAXN = 16 };
	bool found[MAXN] = { false };
	size_t len[MAXN];
	size_t n = sr_rt_nstrings < MAXN ? sr_rt_nstrings : MAXN;
	for (size_t k = 0; k < n; k++)
		len[k] = strlen(sr_rt_strings[k].name);
	/* names that start with '/': one pass over the slashes */
	for (uint64_t at = 0; at < r.len;) {
		int64_t hit = sr_reader_find_byte(&r, at, r.len - at, '/');
		if (hit < 0)
			break;
		uint8_t second = 0;
		sr_read_u8(&r, (uint64_t)hit + 1, &second);
		for (size_t k = 0; k < n; k++) {
			const char *nm = sr_rt_strings[k].name;
			uint8_t after = 1;
			if (!found[k] && nm[0] == '/' && (uint8_t)nm[1] == second &&
			    sr_reader_match(&r, (uint64_t)hit, nm, len[k]) &&
			    sr_read_u8(&r, (uint64_t)hit + len[k], &after) == SR_OK && (after == 0 || after == '/'))
				found[k] = true;
		}
		at = (uint64_t)hit + 1;
	}
	/* the others: one search each, NUL-terminated */
	for (size_t k = 0; k < n; k++)
		if (sr_rt_strings[k].name[0] != '/')
			found[k] = sr_reader_find(&r, 0, r.len, sr_rt_strings[k].name, len[k] + 1) >= 0;
	for (size_t k = 0; k < n; k++)
		if (found[k] && !sr_strlist_has(c->rt_str.out, sr_rt_strings[k].name))
			sr_strlist_push(c->a, &c->rt_str, sr_rt_strings[k].name, SR_ELF_MAX_LIST);
}

/* A static program without .symtab shows what it calls only through the
 * file names its C library embeds: search .rodata, else the read-only
 * segments.  Go programs are left to lib/go (their strings mean nothing of
 * the C library). */
static void scan_rt_strings(struct ctx *c)
{
	struct sr_elf *e = c->e;
	if ((e->linkage != SR_LINK_STATIC && e->linkage != SR_LINK_STATIC_PIE) || e->has_symtab || e->go)
		return;
	if (c->have_rodata) {
		rt_strings_in(c, c->rodata_off, c->rodata_size);
		return;
	}
	for (uint64_t i = 0; i < c->phnum; i++) {
		struct phdr p;
		if (read_phdr(c, i, &p) && p.type == PT_LOAD && !(p.flags & PF_W))
			rt_strings_in(c, p.offset, p.filesz);
	}
}

/* ---------- Go build-info magic ---------- */

static void scan_go_magic(struct ctx *c)
{
	static const uint8_t magic[14] = { 0xff, ' ', 'G', 'o', ' ', 'b', 'u', 'i', 'l', 'd', 'i', 'n', 'f', ':' };
	/* Like Go's own reader: the first writable PT_LOAD, first 64 KiB, 16-byte aligned. */
	for (uint64_t i = 0; i < c->phnum; i++) {
		struct phdr p;
		if (!read_phdr(c, i, &p) || p.type != PT_LOAD || !(p.flags & PF_W))
			continue;
		uint64_t len = p.filesz < 65536 ? p.filesz : 65536;
		struct sr_reader seg;
		if (sr_reader_sub(&c->r, p.offset, len, &seg) != SR_OK)
			return;
		for (uint64_t at = 0; at + sizeof magic <= seg.len;) {
			int64_t hit = sr_reader_find(&seg, at, seg.len - at, magic, sizeof magic);
			if (hit < 0)
				break;
			if ((hit % 16) == 0) {
				sr_strlist_add_unique(c->a, &c->go_ev, "build info magic", SR_ELF_MAX_LIST);
				break;
			}
			at = (uint64_t)hit + 1;
		}
		return;
	}
}

/* ---------- conclusions ---------- */

static void decide_libc(struct ctx *c)
{
	struct sr_elf *e = c->e;
	/* the facts of data/libc.json: the interpreter's name, then the C
	 * library's own name among the needed */
	enum sr_libc by_interp = sr_libc_of_interpreter(e->interpreter, &e->needed);
	if (by_interp != SR_LIBC_UNKNOWN) {
		e->libc = by_interp;
		e->libc_evidence = "interpreter";
		return;
	}
	for (size_t i = 0; i < e->needed.count; i++) {
		const char *n = e->needed.items[i];
		enum sr_libc by_name = sr_libc_of_soname(n);
		if (by_name != SR_LIBC_UNKNOWN) {
			e->libc = by_name;
			e->libc_evidence = by_name == SR_LIBC_GLIBC  ? "needs libc.so.6"
			                   : by_name == SR_LIBC_MUSL ? "needs libc.musl"
			                                             : "needs libc.so.0";
			return;
		}
		if (strcmp(n, "libc.so") == 0) {
			e->libc = c->has_android_note ? SR_LIBC_BIONIC : SR_LIBC_MUSL;
			e->libc_evidence = c->has_android_note ? "needs libc.so, Android note" : "needs libc.so";
			return;
		}
	}
	if (e->soname && (sr_libc_of_interpreter(e->soname, NULL) == SR_LIBC_GLIBC ||
	                  sr_libc_of_soname(e->soname) == SR_LIBC_GLIBC)) {
		e->libc = SR_LIBC_GLIBC;
		e->libc_evidence = "part of glibc";
		return;
	}
	for (size_t i = 0; i < e->vermax_count; i++) {
		if (strcmp(e->vermax[i].family, "GLIBC") == 0) {
			e->libc = SR_LIBC_GLIBC;
			e->libc_evidence = "requires GLIBC_ symbol versions";
			return;
		}
	}
	if (e->linkage == SR_LINK_STATIC || e->linkage == SR_LINK_STATIC_PIE) {
		if (c->musl_symbol) {
			e->libc = SR_LIBC_MUSL;
			e->libc_evidence = "static, musl start-up symbols";
		} else if (e->has_abi_tag || c->glibc_symbol) {
			e->libc = SR_LIBC_GLIBC;
			e->libc_evidence = e->has_abi_tag ? "static, GNU ABI tag" : "static, glibc start-up symbols";
		} else if (e->go) {
			e->libc = SR_LIBC_NONE;
			e->libc_evidence = "static Go binary without cgo";
		} else {
			e->libc_evidence = "stripped static binary without GNU ABI tag";
		}
		return;
	}
	if (e->linkage == SR_LINK_DYNAMIC && e->needed.count == 0 && !e->has_interp && e->go) {
		e->libc = SR_LIBC_NONE;
		e->libc_evidence = "no C library needed";
	}
}

static void conclude(struct ctx *c)
{
	struct sr_elf *e = c->e;
	switch (e->type) {
	case ET_EXEC:
		e->kind = SR_ELF_KIND_EXEC;
		e->linkage = e->has_interp ? SR_LINK_DYNAMIC : SR_LINK_STATIC;
		break;
	case ET_DYN:
		if (e->has_flags_1 && (e->dt_flags_1 & DF_1_PIE))
			e->kind = SR_ELF_KIND_PIE;
		else if (e->soname)
			e->kind = SR_ELF_KIND_SHARED;
		else if (e->has_interp)
			e->kind = SR_ELF_KIND_PIE;
		else
			e->kind = SR_ELF_KIND_SHARED;
		if (e->kind == SR_ELF_KIND_PIE && !e->has_interp)
			e->linkage = SR_LINK_STATIC_PIE;
		else
			e->linkage = SR_LINK_DYNAMIC;
		break;
	case ET_REL:
		e->kind = SR_ELF_KIND_REL;
		e->linkage = SR_LINK_NONE;
		break;
	case ET_CORE:
		e->kind = SR_ELF_KIND_CORE;
		e->linkage = SR_LINK_NONE;
		break;
	default:
		e->kind = SR_ELF_KIND_UNKNOWN;
		e->linkage = SR_LINK_NONE;
		break;
	}

	e->hardening.pie = e->kind == SR_ELF_KIND_PIE;
	e->hardening.relro = c->has_relro ? (e->bind_now ? SR_RELRO_FULL : SR_RELRO_PARTIAL) : SR_RELRO_NONE;
	bool symbols = c->saw_dynsym || c->saw_symtab;
	e->hardening.stack_protector = symbols ? (c->canary ? SR_TRI_YES : SR_TRI_NO) : SR_TRI_UNKNOWN;
	if (e->hardening.fortified.count > 0)
		e->hardening.fortify = SR_TRI_YES;
	else
		e->hardening.fortify = symbols ? SR_TRI_NO : SR_TRI_UNKNOWN;

	e->go = e->go_evidence.count > 0;
	e->go_plugin = c->go_pkghash && e->kind == SR_ELF_KIND_SHARED;

	/* what a dynamic file calls is what it imports; a static file (or an
	 * object) has the C library's functions in .symtab */
	bool from_symtab = e->linkage == SR_LINK_STATIC || e->linkage == SR_LINK_STATIC_PIE || e->kind == SR_ELF_KIND_REL;
	if (e->kind != SR_ELF_KIND_CORE)
		e->rt_symbols = from_symtab ? c->rt_sym : c->rt_dyn;

	if (e->machine == EM_ARM) {
		if (e->flags & EF_ARM_ABI_FLOAT_HARD)
			e->float_abi = SR_FLOAT_HARD;
		else if (e->flags & EF_ARM_ABI_FLOAT_SOFT)
			e->float_abi = SR_FLOAT_SOFT;
		else
			e->float_abi = SR_FLOAT_UNSPECIFIED;
	}
	decide_libc(c);
}

/* ---------- entry points ---------- */

uint32_t sr_elf_name_key(const char *s)
{
	return (uint32_t)sr_hash(s, strlen(s));
}

bool sr_elf_is_elf(const struct sr_reader *r)
{
	uint8_t m[4];
	return sr_read_bytes(r, 0, 4, m) == SR_OK && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
}

enum sr_err sr_elf_parse(const struct sr_reader *r, struct sr_elf **out, struct sr_error *err)
{
	return sr_elf_parse_ex(r, 0, out, err);
}

enum sr_err sr_elf_parse_ex(const struct sr_reader *r, unsigned flags, struct sr_elf **out, struct sr_error *err)
{
	*out = NULL;
	if (!sr_elf_is_elf(r))
		return sr_error_set(err, r->len < 4 ? SR_E_TRUNCATED : SR_E_NOT_BINARY,
		                    r->len < 4 ? "truncated ELF header" : "not an ELF file");
	struct sr_arena *a = sr_arena_new();
	if (!a)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	struct sr_elf *e = sr_arena_alloc(a, sizeof *e);
	struct sr_elf_priv *priv = sr_arena_alloc(a, sizeof *priv);
	/* cleared up to seen[]: 1.5 KiB less to clear per parse */
	struct ctx *c = malloc(sizeof *c);
	if (c)
		memset(c, 0, offsetof(struct ctx, seen));
	if (!e || !priv || !c) {
		free(c);
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	priv->arena = a;
	e->priv = priv;
	c->r = *r;
	c->loader_only = (flags & SR_ELF_LOADER_ONLY) != 0;
	c->no_symbols = c->loader_only || (flags & SR_ELF_NO_SYMBOLS) != 0;
	/* 4x the file is plenty for real binaries; the absolute cap keeps the
	 * pages touched (and so the memory) bounded for a huge sparse file */
	c->budget = 4 * (uint64_t)r->len + (1u << 20);
	if (c->budget > SR_ELF_SCAN_BUDGET)
		c->budget = SR_ELF_SCAN_BUDGET;
	c->e = e;
	c->a = a;
	c->err = err;
	c->needed.out = &e->needed;
	c->rpath.out = &e->rpath;
	c->runpath.out = &e->runpath;
	c->comments.out = &e->comments;
	c->fortified.out = &e->hardening.fortified;
	c->go_ev.out = &e->go_evidence;
	c->warnings.out = &e->warnings;
	c->rt_dyn_b.out = &c->rt_dyn;
	c->rt_sym_b.out = &c->rt_sym;
	c->rt_str.out = &e->rt_strings;

	enum sr_err rc = parse_header(c);
	if (rc == SR_OK)
		rc = scan_segments(c);
	if (rc == SR_OK)
		rc = scan_sections(c);
	if (rc == SR_OK) {
		parse_dynamic(c);
		parse_verneed(c);
		parse_verdef(c);
		vermax_symbols(c);
		glibc_imports(c);
		if (!c->no_symbols)
			scan_go_magic(c);
		conclude(c);
		if (!c->no_symbols)
			scan_rt_strings(c);
	}
	free(c);
	if (rc != SR_OK) {
		sr_arena_free(a);
		return rc;
	}
	*out = e;
	return SR_OK;
}

void sr_elf_free(struct sr_elf *e)
{
	if (e)
		sr_arena_free(e->priv->arena);
}
