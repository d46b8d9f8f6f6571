/* shipready — facts read from one PE (PE32 or PE32+) file, without running it.
 *
 * sr_pe_parse() reads the MS-DOS stub, the COFF file header, the optional
 * header, the section table, the import and delay-load import tables, the
 * CLR header and the Rich header, and fills a struct sr_pe.  Parsing is best
 * effort, as for ELF: a damaged table is dropped with a warning (see
 * `warnings`) and the rest is still analysed; a hard error is returned only
 * when nothing useful remains (no "MZ"/"PE\0\0", a truncated COFF or optional
 * header, a section table past the end of the file).  All strings are copies
 * owned by the struct; free it with sr_pe_free().
 *
 * Field names follow Microsoft's "PE Format" specification
 * (learn.microsoft.com/windows/win32/debug/pe-format). */
#ifndef SHIPREADY_PE_H
#define SHIPREADY_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/elf.h"      /* struct sr_strlist */
#include "shipready/error.h"
#include "shipready/image.h"
#include "shipready/reader.h"

/* Limits that keep memory and time bounded on hostile input. */
#define SR_PE_MAX_SECTIONS  96u        /* the Windows loader refuses more (spec: "limited to 96") */
#define SR_PE_MAX_DLLS      4096u      /* import descriptors kept, normal + delay-load */
#define SR_PE_MAX_FUNCS     65536u     /* imported functions kept, all DLLs together */
#define SR_PE_MAX_THUNKS    (1u << 20) /* thunk entries read, all DLLs together (shared tables cost each time) */
#define SR_PE_MAX_NAME      4096u      /* longest DLL or function name kept */
#define SR_PE_MAX_RICH      1024u      /* Rich header entries kept */

/* IMAGE_FILE_MACHINE_* (the common ones; others are shown as numbers). */
#define SR_PE_MACHINE_I386  0x014cu
#define SR_PE_MACHINE_AMD64 0x8664u
#define SR_PE_MACHINE_ARM   0x01c0u
#define SR_PE_MACHINE_ARMNT 0x01c4u
#define SR_PE_MACHINE_ARM64 0xaa64u

/* IMAGE_FILE_* (COFF Characteristics). */
#define SR_PE_FILE_RELOCS_STRIPPED     0x0001u
#define SR_PE_FILE_EXECUTABLE_IMAGE    0x0002u
#define SR_PE_FILE_LARGE_ADDRESS_AWARE 0x0020u
#define SR_PE_FILE_32BIT_MACHINE       0x0100u
#define SR_PE_FILE_DEBUG_STRIPPED      0x0200u
#define SR_PE_FILE_SYSTEM              0x1000u
#define SR_PE_FILE_DLL                 0x2000u

/* IMAGE_DLLCHARACTERISTICS_*. */
#define SR_PE_DLLCHAR_HIGH_ENTROPY_VA       0x0020u
#define SR_PE_DLLCHAR_DYNAMIC_BASE          0x0040u  /* ASLR */
#define SR_PE_DLLCHAR_FORCE_INTEGRITY       0x0080u
#define SR_PE_DLLCHAR_NX_COMPAT             0x0100u  /* DEP */
#define SR_PE_DLLCHAR_NO_ISOLATION          0x0200u
#define SR_PE_DLLCHAR_NO_SEH                0x0400u
#define SR_PE_DLLCHAR_NO_BIND               0x0800u
#define SR_PE_DLLCHAR_APPCONTAINER          0x1000u
#define SR_PE_DLLCHAR_WDM_DRIVER            0x2000u
#define SR_PE_DLLCHAR_GUARD_CF              0x4000u  /* Control Flow Guard */
#define SR_PE_DLLCHAR_TERMINAL_SERVER_AWARE 0x8000u

/* IMAGE_SUBSYSTEM_*. */
#define SR_PE_SUBSYSTEM_NATIVE      1u
#define SR_PE_SUBSYSTEM_WINDOWS_GUI 2u
#define SR_PE_SUBSYSTEM_WINDOWS_CUI 3u
#define SR_PE_SUBSYSTEM_EFI_APPLICATION 10u

/* IMAGE_SCN_* (section Characteristics) used here. */
#define SR_PE_SCN_CNT_CODE               0x00000020u
#define SR_PE_SCN_CNT_INITIALIZED_DATA   0x00000040u
#define SR_PE_SCN_CNT_UNINITIALIZED_DATA 0x00000080u
#define SR_PE_SCN_MEM_DISCARDABLE        0x02000000u
#define SR_PE_SCN_MEM_EXECUTE            0x20000000u
#define SR_PE_SCN_MEM_READ               0x40000000u
#define SR_PE_SCN_MEM_WRITE              0x80000000u

/* Data directory indexes. */
enum sr_pe_dir {
	SR_PE_DIR_EXPORT = 0,
	SR_PE_DIR_IMPORT = 1,
	SR_PE_DIR_RESOURCE = 2,
	SR_PE_DIR_EXCEPTION = 3,
	SR_PE_DIR_SECURITY = 4,     /* Authenticode signature: a file offset, not an RVA */
	SR_PE_DIR_BASERELOC = 5,
	SR_PE_DIR_DEBUG = 6,
	SR_PE_DIR_TLS = 9,
	SR_PE_DIR_LOAD_CONFIG = 10,
	SR_PE_DIR_BOUND_IMPORT = 11,
	SR_PE_DIR_IAT = 12,
	SR_PE_DIR_DELAY_IMPORT = 13,
	SR_PE_DIR_CLR = 14,         /* the .NET (CLR) runtime header */
	SR_PE_DIR_COUNT = 16,
};

/* Where an imported DLL has to come from. */
enum sr_pe_dll_class {
	SR_PE_DLL_APP = 0,      /* neither: an application DLL that must ship beside the EXE */
	SR_PE_DLL_SYSTEM,       /* part of Windows (KERNEL32, ntdll, ucrtbase, …) */
	SR_PE_DLL_API_SET,      /* an API set (api-ms-win-*, ext-ms-*): resolved by the loader to a system DLL */
	SR_PE_DLL_RUNTIME,      /* a redistributable runtime (VCRUNTIME140, MSVCP140, libgcc_s_seh-1, …) */
};

struct sr_pe_section {
	const char *name;          /* long names ("/123") resolved through the COFF string table */
	const char *raw_name;      /* the 8 header bytes, as a string ("/4"), same as name when short */
	uint32_t virtual_size, virtual_address;
	uint32_t raw_size, raw_offset;   /* SizeOfRawData, PointerToRawData */
	uint32_t characteristics;
};

struct sr_pe_import {
	const char *name;          /* function name, or NULL when imported by ordinal */
	uint16_t hint;             /* the hint for a name import */
	uint16_t ordinal;          /* the ordinal for an ordinal import */
	bool by_ordinal;
};

struct sr_pe_dll {
	const char *name;          /* as written in the file ("KERNEL32.dll") */
	bool delay_load;           /* from the delay-load import table */
	enum sr_pe_dll_class dll_class;
	struct sr_pe_import *funcs;
	size_t nfuncs;
	bool truncated;            /* the list hit a limit or a damaged thunk table */
};

struct sr_pe_rich_entry {
	uint16_t product;          /* @comp.id high half: the tool (compiler, linker, …) */
	uint16_t build;            /* its build number */
	uint32_t count;            /* objects it produced */
};

struct sr_pe_priv;

struct sr_pe {
	/* MS-DOS and COFF headers */
	uint32_t pe_offset;        /* e_lfanew */
	uint16_t machine;
	uint16_t nsections_header; /* NumberOfSections as written */
	uint32_t timestamp;        /* TimeDateStamp (a hash in reproducible builds) */
	uint32_t symtab_offset;    /* PointerToSymbolTable (COFF symbols, e.g. Go, mingw) */
	uint32_t nsymbols;
	uint16_t characteristics;
	bool dll;                  /* IMAGE_FILE_DLL */
	bool large_address_aware;

	/* Optional header */
	bool pe32_plus;            /* magic 0x20b; else PE32 (0x10b) */
	uint8_t linker_major, linker_minor;
	uint32_t entry_rva;        /* AddressOfEntryPoint (0: none, usual for resource DLLs) */
	uint64_t image_base;
	uint32_t section_alignment, file_alignment;
	uint16_t os_major, os_minor;           /* Major/MinorOperatingSystemVersion */
	uint16_t image_major, image_minor;
	uint16_t subsystem_major, subsystem_minor;  /* Major/MinorSubsystemVersion */
	uint32_t size_of_image, size_of_headers, checksum;
	uint16_t subsystem;
	uint16_t dll_characteristics;
	uint32_t ndirs;            /* NumberOfRvaAndSizes, at most SR_PE_DIR_COUNT kept */
	struct { uint32_t rva, size; } dirs[SR_PE_DIR_COUNT];

	struct sr_pe_section *sections;
	size_t nsections;

	/* Imports: normal ones first, in table order, then the delay-load ones. */
	struct sr_pe_dll *dlls;
	size_t ndlls;

	/* .NET: data directory 14 present means a CLR header; the assembly needs a .NET runtime. */
	bool clr;
	uint16_t clr_major, clr_minor;   /* MajorRuntimeVersion/MinorRuntimeVersion of the CLR header */
	uint32_t clr_flags;              /* COMIMAGE_FLAGS_* (0x1 IL only, 0x2 32-bit required, …) */

	/* Rich header (MSVC's linker): present or not, and its decoded entries. */
	bool has_rich;
	uint32_t rich_key;
	struct sr_pe_rich_entry *rich;
	size_t nrich;

	struct sr_strlist warnings;   /* damaged tables that were dropped, limits reached */

	/* One segment per section (vaddr = ImageBase + VirtualAddress, filesz =
	 * SizeOfRawData clamped to the file, memsz = VirtualSize) and the named
	 * sections (addr = ImageBase + VirtualAddress, size = SizeOfRawData,
	 * raw_flags = Characteristics), for analyses that read by virtual address
	 * (the Go reader); image.file is the parsed reader. */
	struct sr_image image;

	struct sr_pe_priv *priv;
};

/* True if the bytes start with "MZ" and e_lfanew points at "PE\0\0". */
bool sr_pe_is_pe(const struct sr_reader *r);

/* Parse a PE image.  On success *out is set and must be freed with
 * sr_pe_free().  On failure err holds the reason and *out is NULL. */
enum sr_err sr_pe_parse(const struct sr_reader *r, struct sr_pe **out, struct sr_error *err);
void sr_pe_free(struct sr_pe *pe);

/* The file offset of an RVA and how many bytes from there belong to the
 * same file-backed section (or to the headers); false when the RVA is not
 * backed by file bytes.  The first section (in table order) that maps the
 * RVA wins, as for Go's debug/pe. */
bool sr_pe_rva_to_offset(const struct sr_pe *pe, uint32_t rva, uint64_t *off, uint64_t *avail);

/* The oldest Windows version the file asks for: the higher of
 * Major/MinorOperatingSystemVersion and Major/MinorSubsystemVersion (the
 * loader refuses a subsystem version newer than the system's). */
void sr_pe_min_windows(const struct sr_pe *pe, uint16_t *major, uint16_t *minor);

/* Names for display and JSON. */
const char *sr_pe_machine_name(uint16_t machine);     /* "x86", "x86-64", "ARM64", "ARMNT", … or NULL */
const char *sr_pe_goarch(uint16_t machine);           /* "386", "amd64", "arm64", "arm" or NULL */
const char *sr_pe_subsystem_name(uint16_t subsystem); /* "console", "gui", "native", … or NULL */
/* "Windows 7" for 6.1, "Windows 8" 6.2, "Windows 8.1" 6.3, "Windows 10" 10.0
 * (Windows 11 has the same version numbers), … or NULL when not one release. */
const char *sr_pe_windows_name(uint16_t major, uint16_t minor);
const char *sr_pe_dll_class_name(enum sr_pe_dll_class c);  /* "system", "api-set", "runtime", "application" */

/* Classify a DLL name (case-insensitive; see lib/pe/dllclass.c for the lists and their sources). */
enum sr_pe_dll_class sr_pe_dll_classify(const char *name);
/* True for API-set contract names: "api-ms-win-…", "ext-ms-…". */
bool sr_pe_is_api_set(const char *name);

/* Names of the set known bits, e.g. "DYNAMIC_BASE", "NX_COMPAT" (unknown
 * bits are not named).  Writes up to max names and returns how many there are. */
size_t sr_pe_dll_characteristics_names(uint16_t flags, const char **out, size_t max);
size_t sr_pe_characteristics_names(uint16_t flags, const char **out, size_t max);

#endif
