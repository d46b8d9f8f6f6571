/* shipready — facts read from one Mach-O file (macOS, iOS, …), thin or
 * universal, without running it.
 *
 * sr_macho_parse() reads a thin Mach-O image (one slice) or a universal
 * ("fat", also fat64) file (one slice per architecture) and fills a struct
 * sr_macho.  Parsing is best effort: a damaged load command is dropped with a
 * warning (see the slice's `warnings`) and the rest is still analysed; a
 * damaged slice of a universal file is kept with `parsed == false` and the
 * reason in `error`.  A hard error is returned only when nothing useful
 * remains (bad magic, truncated Mach-O or fat header, no readable slice).
 * All strings are copies owned by the struct; free it with sr_macho_free(). */
#ifndef SHIPREADY_MACHO_H
#define SHIPREADY_MACHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/elf.h"      /* struct sr_strlist, enum sr_tri */
#include "shipready/error.h"
#include "shipready/image.h"
#include "shipready/reader.h"

/* Limits that keep memory and time bounded on hostile input. */
#define SR_MACHO_MAX_SLICES   64u     /* fat_arch entries (real files have 1-4) */
#define SR_MACHO_MAX_CMDS     65536u  /* load commands walked per slice */
#define SR_MACHO_MAX_LIST     4096u   /* dylibs, rpaths, segments kept per slice */
#define SR_MACHO_MAX_VERSIONS 16u     /* LC_BUILD_VERSION / LC_VERSION_MIN_* kept */
#define SR_MACHO_MAX_TOOLS    16u     /* build tools kept per LC_BUILD_VERSION */
#define SR_MACHO_MAX_STRING   4096u   /* longest path kept */

/* Header constants a caller may test against. */
#define SR_MH_OBJECT  0x1u
#define SR_MH_EXECUTE 0x2u
#define SR_MH_DYLIB   0x6u
#define SR_MH_BUNDLE  0x8u
#define SR_MH_PIE     0x200000u
#define SR_MH_ALLOW_STACK_EXECUTION 0x20000u
#define SR_MH_TWOLEVEL 0x80u

#define SR_CPU_TYPE_X86      7u
#define SR_CPU_TYPE_X86_64   0x01000007u
#define SR_CPU_TYPE_ARM      12u
#define SR_CPU_TYPE_ARM64    0x0100000cu
#define SR_CPU_TYPE_ARM64_32 0x0200000cu
#define SR_CPU_TYPE_POWERPC  18u
#define SR_CPU_TYPE_POWERPC64 0x01000012u

/* Which load command named a dylib. */
enum sr_macho_dylib_kind {
	SR_MACHO_DYLIB_LOAD = 0,  /* LC_LOAD_DYLIB */
	SR_MACHO_DYLIB_WEAK,      /* LC_LOAD_WEAK_DYLIB */
	SR_MACHO_DYLIB_REEXPORT,  /* LC_REEXPORT_DYLIB */
	SR_MACHO_DYLIB_LAZY,      /* LC_LAZY_LOAD_DYLIB */
	SR_MACHO_DYLIB_UPWARD,    /* LC_LOAD_UPWARD_DYLIB */
};

/* A dylib reference (or the file's own LC_ID_DYLIB).  Versions are packed
 * xxxx.yy.zz (16.8.8 bits); sr_macho_version_str() formats them. */
struct sr_macho_dylib {
	enum sr_macho_dylib_kind kind;
	uint32_t cmd;                   /* the raw load command */
	const char *name;               /* raw: "@rpath/libfoo.dylib", "/usr/lib/libSystem.B.dylib" */
	uint32_t timestamp;
	uint32_t current_version;
	uint32_t compat_version;
};

struct sr_macho_tool {
	uint32_t tool;                  /* 1 clang, 2 swift, 3 ld, 4 lld */
	uint32_t version;               /* packed like the OS versions */
};

/* The minimum OS and SDK: one LC_BUILD_VERSION or LC_VERSION_MIN_*. */
struct sr_macho_minos {
	uint32_t cmd;                   /* LC_BUILD_VERSION (0x32) or LC_VERSION_MIN_* */
	uint32_t platform;              /* PLATFORM_*: 1 macOS, 2 iOS, 3 tvOS, 4 watchOS, … */
	uint32_t minos;                 /* packed xxxx.yy.zz */
	uint32_t sdk;                   /* packed xxxx.yy.zz (0 = n/a) */
	const struct sr_macho_tool *tools;   /* LC_BUILD_VERSION only */
	size_t ntools;
};

struct sr_macho_section {
	const char *sectname;           /* "__text", "__gopclntab", … (at most 16 bytes) */
	const char *segname;            /* as written in the section header */
	uint64_t addr, size;
	uint32_t offset, align, reloff, nreloc, flags;   /* align is the power of two */
	uint32_t reserved1, reserved2, reserved3;        /* reserved3: 64-bit only */
};

struct sr_macho_segment {
	const char *name;               /* segname: "__TEXT", "__DATA", … */
	uint64_t vmaddr, vmsize, fileoff, filesize;       /* as written */
	uint32_t maxprot, initprot;     /* VM_PROT_READ 1, WRITE 2, EXECUTE 4 */
	uint32_t nsects, flags;         /* nsects as written */
	size_t first_section;           /* its sections: slice->sections[first_section …] */
	size_t nsections;               /* how many of them were kept */
};

struct sr_macho_slice {
	/* Where the slice lies in the file (a thin file: offset 0, the whole
	 * file); for a universal file also what its fat_arch entry says. */
	uint64_t offset, size;
	uint32_t fat_cputype, fat_cpusubtype, fat_align;   /* zero for a thin file */

	bool parsed;                    /* false: the slice was unreadable, see error */
	const char *error;              /* why, or NULL */

	/* Mach header */
	uint32_t magic;                 /* 0xfeedface or 0xfeedfacf, in host terms */
	unsigned bits;                  /* 32 or 64 */
	bool big_endian;
	uint32_t cputype, cpusubtype;   /* cpusubtype with the capability bits */
	uint32_t filetype;              /* MH_EXECUTE, MH_DYLIB, … */
	uint32_t ncmds, sizeofcmds;
	uint32_t flags;                 /* MH_PIE, MH_TWOLEVEL, … */

	/* Load commands */
	struct sr_macho_dylib *dylibs;  /* every LC_*_DYLIB that loads one, in order */
	size_t ndylibs;
	bool has_id_dylib;
	struct sr_macho_dylib id_dylib; /* LC_ID_DYLIB */
	const char *dylinker;           /* LC_LOAD_DYLINKER path, or NULL */
	struct sr_strlist rpaths;       /* LC_RPATH, raw, in order */

	bool has_main;                  /* LC_MAIN */
	uint64_t entryoff, stacksize;

	struct sr_macho_minos *versions;  /* LC_BUILD_VERSION / LC_VERSION_MIN_*, in order */
	size_t nversions;

	bool has_uuid;
	uint8_t uuid[16];

	bool has_code_signature;        /* LC_CODE_SIGNATURE */
	uint32_t codesig_off, codesig_size;   /* in the slice */
	bool has_code_directory;        /* a CodeDirectory was found in the blob */
	uint32_t cd_flags;              /* its flags: CS_ADHOC 0x2, CS_LINKER_SIGNED 0x20000, … */
	enum sr_tri adhoc;              /* CS_ADHOC set; unknown without a readable CodeDirectory */

	bool has_encryption_info;       /* LC_ENCRYPTION_INFO(_64) */
	uint32_t cryptoff, cryptsize, cryptid;   /* cryptid != 0: encrypted */

	struct sr_macho_segment *segments;   /* LC_SEGMENT(_64), in order */
	size_t nsegments;
	struct sr_macho_section *sections;   /* all segments' sections, in order */
	size_t nsections;

	struct sr_strlist warnings;     /* damaged commands that were dropped */

	/* For format-neutral readers (lib/go): image.file is the slice's bytes
	 * (offsets are relative to the slice), image.segs[i] is segments[i]
	 * (vaddr = vmaddr, memsz = vmsize, offset = fileoff, filesz = filesize
	 * clamped to the slice, prot from initprot; filesz 0 for __PAGEZERO,
	 * which Go's reader skips), one image section per kept section (name =
	 * sectname, raw_flags = section flags; in_file false for zero-fill
	 * sections and for sections outside the slice). */
	struct sr_image image;
};

struct sr_macho_priv;

struct sr_macho {
	bool fat;                       /* a universal file */
	bool fat64;                     /* with 64-bit fat_arch_64 entries (magic 0xcafebabf) */
	uint32_t nfat_arch;             /* as written (0 for a thin file) */
	size_t nslices;                 /* thin: 1 */
	struct sr_macho_slice *slices;
	struct sr_strlist warnings;     /* about the universal header itself */
	struct sr_macho_priv *priv;
};

/* True if the bytes start with a thin Mach-O magic (either byte order) or a
 * universal header with a plausible slice count (0xcafebabe is shared with
 * Java class files, whose next field is a version >= 45). */
bool sr_macho_is_macho(const struct sr_reader *r);

/* Parse a Mach-O file.  On success *out is set and must be freed with
 * sr_macho_free().  On failure err holds the reason and *out is NULL. */
enum sr_err sr_macho_parse(const struct sr_reader *r, struct sr_macho **out, struct sr_error *err);
void sr_macho_free(struct sr_macho *m);

/* Names for display and JSON (NULL when unknown). */
const char *sr_macho_cpu_name(uint32_t cputype, uint32_t cpusubtype);  /* "x86_64", "arm64e", … */
const char *sr_macho_goarch(uint32_t cputype);                        /* "amd64", "arm64", … */
const char *sr_macho_filetype_name(uint32_t filetype);                /* "MH_EXECUTE", … */
const char *sr_macho_platform_name(uint32_t platform);                /* "macOS", "iOS", … */
const char *sr_macho_tool_name(uint32_t tool);                        /* "clang", "ld", … */
const char *sr_macho_cmd_name(uint32_t cmd);                          /* "LC_LOAD_DYLIB", … */
/* Names of the set bits of the header flags ("NOUNDEFS", "PIE", …): writes
 * up to max names to out and returns how many bits are set. */
size_t sr_macho_flag_names(uint32_t flags, const char **out, size_t max);

/* A packed xxxx.yy.zz version as text: "1.2.3", or "1.2" when zz is 0 and
 * full is false.  buf needs 16 bytes; returns buf. */
char *sr_macho_version_str(uint32_t v, bool full, char *buf, size_t len);

#endif
