/* shipready — facts read from one ELF file, without running it.
 *
 * sr_elf_parse() reads a whole ELF image from a reader and fills a struct
 * sr_elf.  Parsing is best effort: a damaged table is dropped with a warning
 * (see `warnings`) and the rest is still analysed; a hard error is returned
 * only when nothing useful remains (bad magic, truncated ELF header, …).
 * All strings are copies owned by the struct; free it with sr_elf_free(). */
#ifndef SHIPREADY_ELF_H
#define SHIPREADY_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/error.h"
#include "shipready/image.h"
#include "shipready/libc.h"
#include "shipready/reader.h"
#include "shipready/strlist.h"

/* Limits that keep memory bounded on hostile input. */
#define SR_ELF_MAX_LIST     4096u   /* entries kept per list (NEEDED, verneed, …) */
#define SR_ELF_MAX_STRING   4096u   /* longest string kept (paths, versions) */
#define SR_ELF_MAX_SEGMENTS 65535u     /* program headers; the kernel refuses tables over 64 KiB */
#define SR_ELF_MAX_SECTIONS (1u << 18)  /* section headers (16 MiB of table) */
#define SR_ELF_SCAN_BUDGET ((uint64_t)48 << 20)   /* bytes of symbol/note/comment tables scanned */

enum sr_elf_kind {
	SR_ELF_KIND_UNKNOWN = 0,
	SR_ELF_KIND_EXEC,        /* ET_EXEC */
	SR_ELF_KIND_PIE,         /* ET_DYN meant to be run */
	SR_ELF_KIND_SHARED,      /* ET_DYN shared library */
	SR_ELF_KIND_REL,         /* ET_REL */
	SR_ELF_KIND_CORE,        /* ET_CORE */
};

enum sr_linkage {
	SR_LINK_NONE = 0,        /* objects and core files are not linked */
	SR_LINK_STATIC,
	SR_LINK_STATIC_PIE,
	SR_LINK_DYNAMIC,
};

enum sr_relro { SR_RELRO_NONE = 0, SR_RELRO_PARTIAL, SR_RELRO_FULL };

/* A yes/no fact that may not be knowable from the file (e.g. a stripped static binary). */
enum sr_tri { SR_TRI_UNKNOWN = -1, SR_TRI_NO = 0, SR_TRI_YES = 1 };

enum sr_float_abi { SR_FLOAT_NA = 0, SR_FLOAT_SOFT, SR_FLOAT_HARD, SR_FLOAT_UNSPECIFIED };

/* One version a file requires from a needed library (Elfxx_Vernaux). */
struct sr_vernaux {
	const char *name;
	uint32_t key;            /* sr_elf_name_key(name), computed: equal names have equal keys */
	uint32_t hash;
	uint16_t flags;          /* VER_FLG_WEAK = 0x2 */
	uint16_t index;          /* vna_other */
};

/* Versions required from one library (Elfxx_Verneed). */
struct sr_verneed {
	const char *file;
	struct sr_vernaux *vers;
	size_t count;
};

/* One version a library defines (Elfxx_Verdef). */
struct sr_verdef {
	const char *name;
	uint32_t key;            /* sr_elf_name_key(name), computed */
	uint16_t flags;          /* VER_FLG_BASE = 0x1 */
	uint16_t index;
	uint32_t hash;
	struct sr_strlist parents;  /* names after the first Verdaux */
};

/* The highest required version of one family, e.g. GLIBC → GLIBC_2.34. */
struct sr_vermax {
	const char *family;      /* "GLIBC" */
	const char *version;     /* "2.34" */
	const char *name;        /* "GLIBC_2.34" */
	const char *file;        /* "libc.so.6": the library it is required from */
	const char *symbol;      /* one imported symbol that requires it, e.g.
	                          * "__libc_start_main" for GLIBC_2.34 (the first in
	                          * .dynsym whose .gnu.version entry names it); NULL
	                          * when not known (no version table, SR_ELF_NO_SYMBOLS) */
};

struct sr_hardening {
	bool pie;
	enum sr_relro relro;
	bool nx_stack;           /* PT_GNU_STACK without PF_X */
	bool has_gnu_stack;
	enum sr_tri stack_protector;
	enum sr_tri fortify;
	struct sr_strlist fortified;   /* e.g. __printf_chk */
};

struct sr_elf_priv;

struct sr_elf {
	/* Identification and header */
	unsigned elf_class;      /* 32 or 64 */
	bool big_endian;
	uint8_t osabi;
	uint8_t abi_version;
	uint16_t type;           /* e_type */
	uint16_t machine;        /* e_machine */
	uint32_t flags;          /* e_flags */
	uint64_t entry;
	uint64_t phnum, shnum;
	enum sr_float_abi float_abi;   /* ARM only */

	enum sr_elf_kind kind;
	enum sr_linkage linkage;
	bool has_interp;               /* a PT_INTERP segment exists */
	const char *interpreter;       /* its path, or NULL if absent or unreadable */

	enum sr_libc libc;
	const char *libc_evidence;     /* why we think so */

	/* Dynamic section */
	bool has_dynamic;
	struct sr_strlist needed;
	const char *soname;
	struct sr_strlist rpath;       /* one per DT_RPATH entry, raw (colon-separated) */
	struct sr_strlist runpath;     /* one per DT_RUNPATH entry, raw */
	bool has_flags, has_flags_1;
	uint64_t dt_flags, dt_flags_1;
	bool bind_now;                 /* DT_BIND_NOW, DF_BIND_NOW or DF_1_NOW */

	/* Symbol versioning */
	struct sr_verneed *verneed;
	size_t verneed_count;
	struct sr_verdef *verdef;
	size_t verdef_count;
	struct sr_vermax *vermax;
	size_t vermax_count;

	/* Notes */
	bool has_abi_tag;
	uint32_t abi_tag_os;           /* 0 Linux, 1 GNU/Hurd, 2 Solaris, 3 FreeBSD */
	uint32_t abi_tag_kernel[3];
	const char *build_id;          /* lowercase hex, or NULL */

	/* Sections and symbols */
	bool has_sections;
	struct sr_strlist comments;    /* unique .comment strings, in file order */
	bool has_symtab;               /* not stripped */
	bool has_debug_info;           /* .debug_info / .zdebug_info present */

	/* What the program calls that reads files at run time (the table is in
	 * lib/elf/rtsym.c: getaddrinfo, getpwnam, iconv_open, setlocale, dlopen,
	 * localtime, SSL_CTX_new, …), unique, in file order: the imports
	 * (undefined in .dynsym) of a dynamic file; every such name in .symtab,
	 * defined or not, of a static one or an object.  Empty with
	 * SR_ELF_NO_SYMBOLS. */
	struct sr_strlist rt_symbols;
	/* The symbols it imports from glibc: undefined, not weak, in .dynsym,
	 * bound by .gnu.version to a GLIBC_ version, in file order (what a
	 * C library other than glibc must define for the file to load: musl
	 * says "Error relocating FILE: NAME: symbol not found").  Empty with
	 * SR_ELF_NO_SYMBOLS. */
	struct sr_strlist glibc_imports;
	/* Static files without .symtab only (stripped, not Go): the file names
	 * and identifiers of that table found in read-only data (.rodata, else
	 * the read-only PT_LOAD segments), e.g. "/etc/nsswitch.conf",
	 * "/usr/share/zoneinfo", in table order. */
	struct sr_strlist rt_strings;

	struct sr_hardening hardening;

	/* Go (only detection here; the deep reader is lib/go) */
	bool go;
	struct sr_strlist go_evidence; /* ".go.buildinfo", ".gopclntab", "buildinfo magic", … */
	bool go_plugin;                /* a shared object exporting go:link.pkghash.* (cmd/link writes
	                                * them for -buildmode=plugin): a Go plugin */

	struct sr_strlist warnings;    /* damaged tables that were dropped */

	/* PT_LOAD segments and (up to SR_IMAGE_MAX_SECTIONS) named sections, for
	 * analyses that read by virtual address; image.file is the parsed reader. */
	struct sr_image image;

	struct sr_elf_priv *priv;
};

/* A hash of a name, for comparing many names quickly: equal strings have
 * equal keys (within one process: the value depends on the byte order). */
uint32_t sr_elf_name_key(const char *s);

/* True if the bytes start with the ELF magic. */
bool sr_elf_is_elf(const struct sr_reader *r);

/* Parse an ELF image.  On success *out is set and must be freed with
 * sr_elf_free().  On failure err holds the reason and *out is NULL. */
enum sr_err sr_elf_parse(const struct sr_reader *r, struct sr_elf **out, struct sr_error *err);
void sr_elf_free(struct sr_elf *e);

/* sr_elf_parse with options: SR_ELF_NO_SYMBOLS is for callers that need only
 * the headers, dynamic section, notes and versions (the loader model): it
 * skips the symbol tables (canary/FORTIFY become unknown), .comment and the
 * Go build-info scan (Go evidence then comes from sections and notes only). */
#define SR_ELF_NO_SYMBOLS 0x1u
/* SR_ELF_LOADER_ONLY (implies SR_ELF_NO_SYMBOLS) is for the loader model
 * (lib/loader/deps.c): it fills only the identification and header fields,
 * kind and linkage, the interpreter, the dynamic section (NEEDED, SONAME,
 * RPATH, RUNPATH, flags) and the version needs and definitions.  Notes,
 * section names, image, vermax, libc and Go evidence are left empty.  Like
 * ld.so it reads no section headers (the DT_ tags locate the string and
 * version tables), so a damaged section table does not refuse a file the
 * loader would load; a header or segment past the end of the file is still
 * an error. */
#define SR_ELF_LOADER_ONLY 0x2u
enum sr_err sr_elf_parse_ex(const struct sr_reader *r, unsigned flags, struct sr_elf **out, struct sr_error *err);

/* Names for display and JSON. */
const char *sr_elf_machine_name(uint16_t machine);   /* "x86-64", "AArch64", … or NULL */
const char *sr_elf_osabi_name(uint8_t osabi);        /* "SYSV", "GNU/Linux", … or NULL */
const char *sr_elf_kind_name(enum sr_elf_kind k);    /* "executable", "pie-executable", … */
const char *sr_linkage_name(enum sr_linkage l);      /* "static", "static-pie", "dynamic", "none" */
const char *sr_relro_name(enum sr_relro r);          /* "none", "partial", "full" */
const char *sr_float_abi_name(enum sr_float_abi f);  /* "soft", "hard", … */
/* The Go name of the file's architecture ("amd64", "arm64", "ppc64le", …) or NULL. */
const char *sr_elf_goarch(const struct sr_elf *e);


/* Names of the set bits of DT_FLAGS / DT_FLAGS_1, e.g. "BIND_NOW", "PIE".
 * Writes up to max names to out and returns how many bits are set. */
size_t sr_elf_dt_flags_names(uint64_t flags, const char **out, size_t max);
size_t sr_elf_dt_flags_1_names(uint64_t flags, const char **out, size_t max);

/* Split a symbol version name into family and number at its last '_':
 * "GLIBC_2.34" -> family length 5, version "2.34".  False when the part
 * after it is not dotted digits ("GLIBC_PRIVATE", "libfoo.so.1"). */
bool sr_version_split(const char *name, size_t *family_len, const char **version);

/* Compare dotted version strings numerically ("2.34" > "2.4"). */
int sr_version_cmp(const char *a, const char *b);

#endif
