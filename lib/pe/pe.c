/* PE reader: the MS-DOS header, the COFF header, the optional header, the
 * section table, then the tables the data directories point to (imports,
 * delay-load imports, CLR header), all through the bounded reader.
 *
 * Policy for damaged files, as for ELF (lib/elf/elf.c):
 *  - no "MZ", an e_lfanew outside the file, no "PE\0\0", a truncated COFF or
 *    optional header, or a section table past the end of the file is a hard
 *    error: nothing useful remains, and Windows would refuse the file too;
 *  - a damaged table found inside the file (an import descriptor or name
 *    outside every section, a thunk list that never ends, an unresolvable
 *    long section name) is dropped or cut short with a warning, and the rest
 *    of the file is still reported.
 *
 * RVAs are mapped to file offsets through the section table (the first
 * section that maps an RVA wins, as in Go's debug/pe), or through the headers
 * below SizeOfHeaders; a mapping never reaches past the file-backed part of
 * its section, so a name cannot run on into the next section. */
#include "shipready/pe.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/arena.h"
#include "util/strlist.h"

struct sr_pe_priv {
	struct sr_arena *arena;
};

struct ctx {
	struct sr_reader r;
	struct sr_pe *pe;
	struct sr_arena *a;
	struct sr_error *err;
	struct sr_strlist_b warnings;   /* into pe->warnings */
	size_t dll_cap;
	size_t nfuncs_total;       /* against SR_PE_MAX_FUNCS */
	uint64_t thunk_budget;     /* against SR_PE_MAX_THUNKS */
	bool funcs_warned, thunks_warned;
};

#define IMAGE_DOS_SIGNATURE 0x5a4du    /* "MZ" */
#define IMAGE_NT_SIGNATURE  0x00004550u /* "PE\0\0" */
#define PE32_MAGIC          0x10bu
#define PE32PLUS_MAGIC      0x20bu
#define COFF_HEADER_SIZE    20u
#define SECTION_HEADER_SIZE 40u
#define IMPORT_DESC_SIZE    20u
#define DELAY_DESC_SIZE     32u
#define COFF_SYMBOL_SIZE    18u

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

void sr_pe_min_windows(const struct sr_pe *pe, uint16_t *major, uint16_t *minor)
{
	*major = pe->subsystem_major;
	*minor = pe->subsystem_minor;
	if (pe->os_major > *major || (pe->os_major == *major && pe->os_minor > *minor)) {
		*major = pe->os_major;
		*minor = pe->os_minor;
	}
}

bool sr_pe_rva_to_offset(const struct sr_pe *pe, uint32_t rva, uint64_t *off, uint64_t *avail)
{
	const struct sr_reader *f = &pe->image.file;
	for (size_t i = 0; i < pe->nsections; i++) {
		const struct sr_pe_section *s = &pe->sections[i];
		/* the memory size is VirtualSize; a zero VirtualSize (some
		 * linkers) means SizeOfRawData */
		uint32_t vsize = s->virtual_size ? s->virtual_size : s->raw_size;
		if (rva < s->virtual_address || rva - s->virtual_address >= vsize)
			continue;
		uint32_t delta = rva - s->virtual_address;
		/* file-backed: the first min(VirtualSize, SizeOfRawData) bytes */
		uint32_t backed = s->raw_size < vsize ? s->raw_size : vsize;
		if (delta >= backed)
			return false;   /* zero-filled memory, no file bytes */
		uint64_t o = (uint64_t)s->raw_offset + delta;
		if (o >= f->len)
			return false;
		uint64_t n = backed - delta;
		if (n > f->len - o)
			n = f->len - o;
		*off = o;
		*avail = n;
		return true;
	}
	if (rva < pe->size_of_headers && rva < f->len) {
		uint64_t n = pe->size_of_headers - rva;
		if (n > f->len - rva)
			n = f->len - rva;
		*off = rva;
		*avail = n;
		return true;
	}
	return false;
}

/* A reader over the file bytes from rva to the end of its section. */
static bool rva_reader(struct ctx *c, uint32_t rva, struct sr_reader *out)
{
	uint64_t off, n;
	if (!sr_pe_rva_to_offset(c->pe, rva, &off, &n))
		return false;
	return sr_reader_sub(&c->r, off, n, out) == SR_OK;
}

/* A NUL-terminated string at an RVA, copied into the arena; NULL when the
 * RVA is unmapped, the string unterminated within its section, or empty. */
static const char *rva_string(struct ctx *c, uint32_t rva)
{
	struct sr_reader s;
	const char *p;
	size_t n;
	if (!rva_reader(c, rva, &s) || sr_read_cstr(&s, 0, SR_PE_MAX_NAME, &p, &n) != SR_OK || n == 0)
		return NULL;
	return sr_arena_strndup(c->a, p, n);
}

/* ---------- headers ---------- */

static enum sr_err parse_headers(struct ctx *c, uint64_t *opt_off, uint16_t *opt_size)
{
	struct sr_pe *pe = c->pe;
	const struct sr_reader *r = &c->r;
	uint16_t mz = 0;
	uint32_t lfanew = 0, sig = 0;
	if (sr_read_u16(r, 0, &mz) != SR_OK || mz != IMAGE_DOS_SIGNATURE)
		return sr_error_set(c->err, SR_E_NOT_BINARY, "no MS-DOS header (MZ)");
	if (sr_read_u32(r, 0x3c, &lfanew) != SR_OK)
		return sr_error_set(c->err, SR_E_TRUNCATED, "truncated MS-DOS header");
	if (!sr_reader_has(r, lfanew, 4))
		return sr_error_set(c->err, SR_E_TRUNCATED, "e_lfanew: PE header offset %u past end of file", lfanew);
	sr_read_u32(r, lfanew, &sig);
	if (sig != IMAGE_NT_SIGNATURE)
		return sr_error_set(c->err, SR_E_UNSUPPORTED, "MS-DOS executable without a PE header");
	pe->pe_offset = lfanew;

	uint64_t coff = (uint64_t)lfanew + 4;
	if (!sr_reader_has(r, coff, COFF_HEADER_SIZE))
		return sr_error_set(c->err, SR_E_TRUNCATED, "truncated COFF file header");
	sr_read_u16(r, coff, &pe->machine);
	sr_read_u16(r, coff + 2, &pe->nsections_header);
	sr_read_u32(r, coff + 4, &pe->timestamp);
	sr_read_u32(r, coff + 8, &pe->symtab_offset);
	sr_read_u32(r, coff + 12, &pe->nsymbols);
	sr_read_u16(r, coff + 16, opt_size);
	sr_read_u16(r, coff + 18, &pe->characteristics);
	pe->dll = (pe->characteristics & SR_PE_FILE_DLL) != 0;
	pe->large_address_aware = (pe->characteristics & SR_PE_FILE_LARGE_ADDRESS_AWARE) != 0;

	/* optional header: magic, then the fields up to the data directories */
	*opt_off = coff + COFF_HEADER_SIZE;
	struct sr_reader o;
	if (*opt_size < 2)
		return sr_error_set(c->err, SR_E_MALFORMED, "no optional header (SizeOfOptionalHeader %u): an object file, not an image", *opt_size);
	if (sr_reader_sub(r, *opt_off, *opt_size, &o) != SR_OK)
		return sr_error_set(c->err, SR_E_TRUNCATED, "truncated optional header");
	uint16_t magic = 0;
	sr_read_u16(&o, 0, &magic);
	if (magic != PE32_MAGIC && magic != PE32PLUS_MAGIC)
		return sr_error_set(c->err, SR_E_MALFORMED, "unknown optional header magic 0x%x", magic);
	pe->pe32_plus = magic == PE32PLUS_MAGIC;
	uint64_t dirs_off = pe->pe32_plus ? 112 : 96;
	if (o.len < dirs_off)
		return sr_error_set(c->err, SR_E_MALFORMED, "optional header too small (%u bytes)", *opt_size);
	sr_read_u8(&o, 2, &pe->linker_major);
	sr_read_u8(&o, 3, &pe->linker_minor);
	sr_read_u32(&o, 16, &pe->entry_rva);
	if (pe->pe32_plus) {
		sr_read_u64(&o, 24, &pe->image_base);
	} else {
		uint32_t b = 0;
		sr_read_u32(&o, 28, &b);
		pe->image_base = b;
	}
	sr_read_u32(&o, 32, &pe->section_alignment);
	sr_read_u32(&o, 36, &pe->file_alignment);
	sr_read_u16(&o, 40, &pe->os_major);
	sr_read_u16(&o, 42, &pe->os_minor);
	sr_read_u16(&o, 44, &pe->image_major);
	sr_read_u16(&o, 46, &pe->image_minor);
	sr_read_u16(&o, 48, &pe->subsystem_major);
	sr_read_u16(&o, 50, &pe->subsystem_minor);
	sr_read_u32(&o, 56, &pe->size_of_image);
	sr_read_u32(&o, 60, &pe->size_of_headers);
	sr_read_u32(&o, 64, &pe->checksum);
	sr_read_u16(&o, 68, &pe->subsystem);
	sr_read_u16(&o, 70, &pe->dll_characteristics);
	uint32_t ndirs = 0;
	sr_read_u32(&o, dirs_off - 4, &ndirs);
	uint64_t fit = (o.len - dirs_off) / 8;
	uint64_t n = ndirs;
	if (n > fit) {
		warn(c, "NumberOfRvaAndSizes %u does not fit the optional header; %llu data directories read", ndirs,
		     (unsigned long long)fit);
		n = fit;
	}
	if (n > SR_PE_DIR_COUNT)
		n = SR_PE_DIR_COUNT;
	pe->ndirs = (uint32_t)n;
	for (uint32_t i = 0; i < pe->ndirs; i++) {
		sr_read_u32(&o, dirs_off + 8 * (uint64_t)i, &pe->dirs[i].rva);
		sr_read_u32(&o, dirs_off + 8 * (uint64_t)i + 4, &pe->dirs[i].size);
	}
	return SR_OK;
}

/* ---------- sections ---------- */

/* The name of a section: 8 bytes, NUL-padded; "/123" is an offset into the
 * COFF string table (right after the symbol table), which is how Go and
 * mingw write names longer than 8 bytes (".debug_info", ".symtab"…). */
static const char *section_name(struct ctx *c, const char raw[9])
{
	if (raw[0] != '/' || raw[1] < '0' || raw[1] > '9')
		return NULL;
	uint64_t off = 0;
	for (size_t i = 1; i < 8 && raw[i]; i++) {
		if (raw[i] < '0' || raw[i] > '9')
			return NULL;
		off = off * 10 + (uint64_t)(raw[i] - '0');
	}
	struct sr_pe *pe = c->pe;
	if (pe->symtab_offset == 0)
		return NULL;
	uint64_t strtab = (uint64_t)pe->symtab_offset + (uint64_t)pe->nsymbols * COFF_SYMBOL_SIZE;
	uint32_t size = 0;
	if (sr_read_u32(&c->r, strtab, &size) != SR_OK || off < 4 || off >= size)
		return NULL;
	struct sr_reader t;
	const char *s;
	size_t len;
	if (sr_reader_sub(&c->r, strtab, size, &t) != SR_OK || sr_read_cstr(&t, off, SR_PE_MAX_NAME, &s, &len) != SR_OK)
		return NULL;
	return sr_arena_strndup(c->a, s, len);
}

static unsigned prot_of(uint32_t ch)
{
	return ((ch & SR_PE_SCN_MEM_READ) ? SR_PROT_R : 0u) | ((ch & SR_PE_SCN_MEM_WRITE) ? SR_PROT_W : 0u) |
	       ((ch & SR_PE_SCN_MEM_EXECUTE) ? SR_PROT_X : 0u);
}

static enum sr_err parse_sections(struct ctx *c, uint64_t table)
{
	struct sr_pe *pe = c->pe;
	uint64_t count = pe->nsections_header;
	if (!sr_reader_has(&c->r, table, count * SECTION_HEADER_SIZE))
		return sr_error_set(c->err, SR_E_TRUNCATED, "section table (%llu entries at offset %llu) past end of file",
		                    (unsigned long long)count, (unsigned long long)table);
	if (count > SR_PE_MAX_SECTIONS) {
		warn(c, "%llu sections; only the first %u are read", (unsigned long long)count, SR_PE_MAX_SECTIONS);
		count = SR_PE_MAX_SECTIONS;
	}
	if (count == 0)
		return SR_OK;
	pe->sections = sr_arena_array(c->a, count, sizeof *pe->sections);
	struct sr_image_seg *segs = sr_arena_array(c->a, count, sizeof *segs);
	struct sr_image_sect *sects = sr_arena_array(c->a, count, sizeof *sects);
	if (!pe->sections || !segs || !sects)
		return sr_error_set(c->err, SR_E_NOMEM, NULL);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t h = table + i * SECTION_HEADER_SIZE;
		struct sr_pe_section *s = &pe->sections[i];
		char raw[9] = {0};
		sr_read_bytes(&c->r, h, 8, raw);
		sr_read_u32(&c->r, h + 8, &s->virtual_size);
		sr_read_u32(&c->r, h + 12, &s->virtual_address);
		sr_read_u32(&c->r, h + 16, &s->raw_size);
		sr_read_u32(&c->r, h + 20, &s->raw_offset);
		sr_read_u32(&c->r, h + 36, &s->characteristics);
		s->raw_name = sr_arena_strndup(c->a, raw, strlen(raw));
		if (!s->raw_name)
			return sr_error_set(c->err, SR_E_NOMEM, NULL);
		s->name = s->raw_name;
		if (raw[0] == '/') {
			const char *ln = section_name(c, raw);
			if (ln)
				s->name = ln;
			else
				warn(c, "section %llu: long name %s not found in the COFF string table", (unsigned long long)i, raw);
		}
		if (s->raw_size && (s->raw_offset > c->r.len || s->raw_size > c->r.len - s->raw_offset))
			warn(c, "section %s: raw data (%u bytes at offset %u) past end of file", s->name, s->raw_size,
			     s->raw_offset);

		/* the image: what Go's debug/pe calls Size is SizeOfRawData */
		uint64_t va = pe->image_base + s->virtual_address;
		uint64_t filesz = 0;
		if (s->raw_size && s->raw_offset < c->r.len)
			filesz = s->raw_size <= c->r.len - s->raw_offset ? s->raw_size : c->r.len - s->raw_offset;
		segs[i] = (struct sr_image_seg){
			.vaddr = va, .memsz = s->virtual_size, .offset = s->raw_offset, .filesz = filesz,
			.prot = prot_of(s->characteristics), .name = NULL,
			.discardable = (s->characteristics & SR_PE_SCN_MEM_DISCARDABLE) != 0,
		};
		sects[i] = (struct sr_image_sect){
			.name = s->name, .addr = va, .size = s->raw_size, .offset = s->raw_offset,
			.in_file = s->raw_size != 0 && !(s->characteristics & SR_PE_SCN_CNT_UNINITIALIZED_DATA),
			.alloc = (s->characteristics & SR_PE_SCN_MEM_DISCARDABLE) == 0,
			.raw_flags = s->characteristics,
		};
	}
	pe->nsections = (size_t)count;
	pe->image.segs = segs;
	pe->image.nsegs = (size_t)count;
	pe->image.sects = sects;
	pe->image.nsects = (size_t)count;
	return SR_OK;
}

/* ---------- imports ---------- */

static struct sr_pe_dll *add_dll(struct ctx *c, const char *name, bool delay)
{
	struct sr_pe *pe = c->pe;
	struct sr_pe_dll *d = sr_arena_grow(c->a, pe->dlls, pe->ndlls, &c->dll_cap, sizeof *d, SR_PE_MAX_DLLS);
	if (!d)
		return NULL;
	pe->dlls = d;
	d = &pe->dlls[pe->ndlls++];
	memset(d, 0, sizeof *d);
	d->name = name;
	d->delay_load = delay;
	d->dll_class = sr_pe_dll_classify(name);
	return d;
}

/* Read one thunk list (an import lookup / name table) at rva into d. */
static void read_thunks(struct ctx *c, struct sr_pe_dll *d, uint32_t rva, const char *what)
{
	struct sr_reader t;
	unsigned w = c->pe->pe32_plus ? 8 : 4;
	if (!rva_reader(c, rva, &t)) {
		warn(c, "%s %s: %s table at RVA 0x%x is outside the file's sections", what, d->name, "import name", rva);
		d->truncated = true;
		return;
	}
	size_t cap = 0;
	for (uint64_t pos = 0;; pos += w) {
		uint64_t v;
		if (sr_read_word(&t, pos, w, &v) != SR_OK) {
			warn(c, "%s %s: import name table runs past the end of its section", what, d->name);
			d->truncated = true;
			return;
		}
		if (v == 0)
			return;
		if (c->thunk_budget == 0) {
			if (!c->thunks_warned)
				warn(c, "too many import table entries; the rest were skipped");
			c->thunks_warned = true;
			d->truncated = true;
			return;
		}
		c->thunk_budget--;
		if (c->nfuncs_total >= SR_PE_MAX_FUNCS) {
			if (!c->funcs_warned)
				warn(c, "more than %u imported functions; the rest were skipped", SR_PE_MAX_FUNCS);
			c->funcs_warned = true;
			d->truncated = true;
			return;
		}
		struct sr_pe_import f = {0};
		uint64_t ordinal_flag = (uint64_t)1 << (w * 8 - 1);
		if (v & ordinal_flag) {
			f.by_ordinal = true;
			f.ordinal = (uint16_t)(v & 0xffffu);
		} else {
			uint32_t hn = (uint32_t)(v & 0x7fffffffu);
			struct sr_reader h;
			const char *p;
			size_t n;
			if (!rva_reader(c, hn, &h) || sr_read_u16(&h, 0, &f.hint) != SR_OK ||
			    sr_read_cstr(&h, 2, SR_PE_MAX_NAME, &p, &n) != SR_OK) {
				warn(c, "%s %s: import name at RVA 0x%x is outside the file's sections or unterminated",
				     what, d->name, hn);
				d->truncated = true;
				return;
			}
			f.name = sr_arena_strndup(c->a, p, n);
			if (!f.name)
				return;
		}
		struct sr_pe_import *fs = sr_arena_grow(c->a, d->funcs, d->nfuncs, &cap, sizeof *fs, SR_PE_MAX_FUNCS);
		if (!fs) {
			d->truncated = true;
			return;
		}
		d->funcs = fs;
		d->funcs[d->nfuncs++] = f;
		c->nfuncs_total++;
	}
}

static bool dll_limit(struct ctx *c)
{
	if (c->pe->ndlls < SR_PE_MAX_DLLS)
		return false;
	warn(c, "more than %u imported DLLs; the rest were skipped", SR_PE_MAX_DLLS);
	return true;
}

/* IMAGE_IMPORT_DESCRIPTOR: OriginalFirstThunk, TimeDateStamp, ForwarderChain,
 * Name, FirstThunk.  The table ends at a descriptor whose OriginalFirstThunk
 * and FirstThunk are both 0 (binutils' rule; the loader ignores the
 * directory's Size, and so do we). */
static void parse_imports(struct ctx *c)
{
	struct sr_pe *pe = c->pe;
	if (pe->ndirs <= SR_PE_DIR_IMPORT || pe->dirs[SR_PE_DIR_IMPORT].rva == 0)
		return;
	uint32_t rva = pe->dirs[SR_PE_DIR_IMPORT].rva;
	struct sr_reader t;
	if (!rva_reader(c, rva, &t)) {
		warn(c, "import table at RVA 0x%x is outside the file's sections", rva);
		return;
	}
	for (uint64_t pos = 0;; pos += IMPORT_DESC_SIZE) {
		uint32_t ilt, name_rva, iat;
		if (sr_read_u32(&t, pos, &ilt) != SR_OK || sr_read_u32(&t, pos + 12, &name_rva) != SR_OK ||
		    sr_read_u32(&t, pos + 16, &iat) != SR_OK) {
			warn(c, "import table runs past the end of its section");
			return;
		}
		if (ilt == 0 && iat == 0)
			return;
		if (dll_limit(c))
			return;
		const char *name = rva_string(c, name_rva);
		if (!name) {
			warn(c, "import descriptor %llu: DLL name at RVA 0x%x is outside the file's sections",
			     (unsigned long long)(pos / IMPORT_DESC_SIZE), name_rva);
			continue;
		}
		struct sr_pe_dll *d = add_dll(c, name, false);
		if (!d)
			return;
		read_thunks(c, d, ilt ? ilt : iat, "import");
	}
}

/* ImgDelayDescr: Attributes, DllNameRVA, ModuleHandleRVA, ImportAddressTableRVA,
 * ImportNameTableRVA, BoundImportAddressTableRVA, UnloadInformationTableRVA,
 * TimeDateStamp.  Attributes bit 0 clear is the old (Visual C++ 6) form whose
 * "RVAs" are virtual addresses. */
static void parse_delay_imports(struct ctx *c)
{
	struct sr_pe *pe = c->pe;
	if (pe->ndirs <= SR_PE_DIR_DELAY_IMPORT || pe->dirs[SR_PE_DIR_DELAY_IMPORT].rva == 0)
		return;
	uint32_t rva = pe->dirs[SR_PE_DIR_DELAY_IMPORT].rva;
	struct sr_reader t;
	if (!rva_reader(c, rva, &t)) {
		warn(c, "delay-load import table at RVA 0x%x is outside the file's sections", rva);
		return;
	}
	for (uint64_t pos = 0;; pos += DELAY_DESC_SIZE) {
		uint32_t attrs, name_rva, int_rva;
		if (sr_read_u32(&t, pos, &attrs) != SR_OK || sr_read_u32(&t, pos + 4, &name_rva) != SR_OK ||
		    sr_read_u32(&t, pos + 16, &int_rva) != SR_OK) {
			warn(c, "delay-load import table runs past the end of its section");
			return;
		}
		if (name_rva == 0)
			return;
		if (dll_limit(c))
			return;
		if (!(attrs & 1)) {
			name_rva = (uint32_t)((uint64_t)name_rva - pe->image_base);
			int_rva = int_rva ? (uint32_t)((uint64_t)int_rva - pe->image_base) : 0;
		}
		const char *name = rva_string(c, name_rva);
		if (!name) {
			warn(c, "delay-load descriptor %llu: DLL name at RVA 0x%x is outside the file's sections",
			     (unsigned long long)(pos / DELAY_DESC_SIZE), name_rva);
			continue;
		}
		struct sr_pe_dll *d = add_dll(c, name, true);
		if (!d)
			return;
		if (int_rva)
			read_thunks(c, d, int_rva, "delay-load import");
	}
}

/* ---------- CLR and Rich headers ---------- */

static void parse_clr(struct ctx *c)
{
	struct sr_pe *pe = c->pe;
	if (pe->ndirs <= SR_PE_DIR_CLR || pe->dirs[SR_PE_DIR_CLR].rva == 0)
		return;
	pe->clr = true;
	struct sr_reader t;
	if (!rva_reader(c, pe->dirs[SR_PE_DIR_CLR].rva, &t) || sr_read_u16(&t, 4, &pe->clr_major) != SR_OK ||
	    sr_read_u16(&t, 6, &pe->clr_minor) != SR_OK || sr_read_u32(&t, 16, &pe->clr_flags) != SR_OK)
		warn(c, "CLR header at RVA 0x%x is outside the file's sections", pe->dirs[SR_PE_DIR_CLR].rva);
}

/* The Rich header MSVC's linker leaves in the MS-DOS stub: "DanS" ^ key,
 * three padding words, then (comp.id ^ key, count ^ key) pairs, then "Rich"
 * and the key, all before e_lfanew. */
static void parse_rich(struct ctx *c)
{
	struct sr_pe *pe = c->pe;
	const uint8_t rich[4] = { 'R', 'i', 'c', 'h' };
	uint64_t end = pe->pe_offset;
	if (end <= 0x40)
		return;
	int64_t at = -1;
	for (uint64_t pos = 0x40;;) {
		int64_t hit = sr_reader_find(&c->r, pos, end - pos, rich, sizeof rich);
		if (hit < 0)
			break;
		at = hit;   /* the last one before the PE header */
		pos = (uint64_t)hit + 1;
		if (pos >= end)
			break;
	}
	if (at < 0 || (at & 3) != 0 || sr_read_u32(&c->r, (uint64_t)at + 4, &pe->rich_key) != SR_OK)
		return;
	uint32_t key = pe->rich_key;
	uint64_t dans = 0;
	bool found = false;
	for (uint64_t p = (uint64_t)at; p >= 0x44;) {
		p -= 4;
		uint32_t v;
		if (sr_read_u32(&c->r, p, &v) != SR_OK)
			break;
		if ((v ^ key) == 0x536e6144u) {   /* "DanS" */
			dans = p;
			found = true;
			break;
		}
	}
	if (!found) {
		warn(c, "Rich header without its DanS start");
		return;
	}
	pe->has_rich = true;
	uint64_t first = dans + 16;
	uint64_t n = (uint64_t)at > first ? ((uint64_t)at - first) / 8 : 0;
	if (n > SR_PE_MAX_RICH)
		n = SR_PE_MAX_RICH;
	if (n == 0)
		return;
	pe->rich = sr_arena_array(c->a, (size_t)n, sizeof *pe->rich);
	if (!pe->rich)
		return;
	for (uint64_t i = 0; i < n; i++) {
		uint32_t id = 0, cnt = 0;
		sr_read_u32(&c->r, first + 8 * i, &id);
		sr_read_u32(&c->r, first + 8 * i + 4, &cnt);
		id ^= key;
		pe->rich[i] = (struct sr_pe_rich_entry){ .product = (uint16_t)(id >> 16), .build = (uint16_t)id,
		                                         .count = cnt ^ key };
	}
	pe->nrich = (size_t)n;
}

/* ---------- entry points ---------- */

bool sr_pe_is_pe(const struct sr_reader *r)
{
	uint16_t mz;
	uint32_t lfanew, sig;
	return sr_read_u16(r, 0, &mz) == SR_OK && mz == IMAGE_DOS_SIGNATURE && sr_read_u32(r, 0x3c, &lfanew) == SR_OK &&
	       sr_read_u32(r, lfanew, &sig) == SR_OK && sig == IMAGE_NT_SIGNATURE;
}

enum sr_err sr_pe_parse(const struct sr_reader *r, struct sr_pe **out, struct sr_error *err)
{
	*out = NULL;
	struct sr_arena *a = sr_arena_new();
	struct sr_pe *pe = a ? sr_arena_alloc(a, sizeof *pe) : NULL;
	struct sr_pe_priv *priv = pe ? sr_arena_alloc(a, sizeof *priv) : NULL;
	if (!priv) {
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	priv->arena = a;
	pe->priv = priv;
	struct ctx c = { .r = *r, .pe = pe, .a = a, .err = err, .thunk_budget = SR_PE_MAX_THUNKS,
	                 .warnings = { &pe->warnings, 0 } };
	c.r.big_endian = false;   /* PE is little-endian on every machine */
	pe->image.format = SR_IMAGE_PE;
	pe->image.file = c.r;
	pe->image.big_endian = false;

	uint64_t opt_off = 0;
	uint16_t opt_size = 0;
	enum sr_err rc = parse_headers(&c, &opt_off, &opt_size);
	if (rc == SR_OK) {
		pe->image.ptr_size = pe->pe32_plus ? 8 : 4;
		rc = parse_sections(&c, opt_off + opt_size);
	}
	if (rc != SR_OK) {
		sr_arena_free(a);
		return rc;
	}
	parse_imports(&c);
	parse_delay_imports(&c);
	parse_clr(&c);
	parse_rich(&c);
	*out = pe;
	return SR_OK;
}

void sr_pe_free(struct sr_pe *pe)
{
	if (pe)
		sr_arena_free(pe->priv->arena);
}
