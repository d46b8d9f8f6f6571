/* shipready — the ELF reader's parts share one parse state (struct ctx).
 * elf.c drives the parse; see each file's first line for its part. */
#ifndef SR_ELF_INTERNAL_H
#define SR_ELF_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "shipready/elf.h"
#include "util/arena.h"
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

/* elf.c */
void elf_warn(struct ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
bool elf_first_visit(struct ctx *c, uint64_t off, uint64_t size);
bool elf_budget_take(struct ctx *c, uint64_t bytes);
const char *elf_get_str_why(struct ctx *c, const struct sr_reader *tab, uint64_t off, const char **why);
const char *elf_get_str(struct ctx *c, const struct sr_reader *tab, uint64_t off);

/* elf_layout.c */
bool elf_read_phdr(struct ctx *c, uint64_t i, struct phdr *p);
bool elf_vaddr_to_off(struct ctx *c, uint64_t va, uint64_t *off);
enum sr_err elf_parse_header(struct ctx *c);
enum sr_err elf_scan_segments(struct ctx *c);
enum sr_err elf_scan_sections(struct ctx *c);

/* elf_symbols.c */
void elf_scan_symbols(struct ctx *c, const struct sr_reader *syms, uint64_t entsize, const struct sr_reader *strs,
                      bool dynamic);
uint64_t elf_dynsym_count(struct ctx *c);
void elf_scan_rt_strings(struct ctx *c);
void elf_scan_go_magic(struct ctx *c);

/* elf_dynamic.c */
void elf_parse_dynamic(struct ctx *c);
void elf_parse_verneed(struct ctx *c);
void elf_parse_verdef(struct ctx *c);
void elf_vermax_symbols(struct ctx *c);
void elf_glibc_imports(struct ctx *c);

/* elf_facts.c */
void elf_conclude(struct ctx *c);

#endif
