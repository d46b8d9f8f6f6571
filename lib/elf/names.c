/* Display names for ELF header values and dynamic flags (gABI and GNU tables). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "shipready/elf.h"

struct code_name {
	unsigned code;
	const char *name;
};

static const struct code_name machines[] = {
	{ 2, "SPARC" },        { 3, "i386" },          { 4, "m68k" },        { 8, "MIPS" },
	{ 10, "MIPS (RS3000 LE)" }, { 15, "PA-RISC" },  { 18, "SPARC32+" },   { 20, "PowerPC" },
	{ 21, "PowerPC64" },   { 22, "S/390" },        { 40, "ARM" },        { 42, "SuperH" },
	{ 43, "SPARC v9" },    { 50, "IA-64" },        { 62, "x86-64" },     { 183, "AArch64" },
	{ 243, "RISC-V" },     { 247, "BPF" },         { 258, "LoongArch" }, { 0x9026, "Alpha" },
};

static const struct code_name osabis[] = {
	{ 0, "SYSV" },     { 1, "HP-UX" },   { 2, "NetBSD" },   { 3, "GNU/Linux" }, { 6, "Solaris" },
	{ 7, "AIX" },      { 8, "IRIX" },    { 9, "FreeBSD" },  { 10, "Tru64" },    { 12, "OpenBSD" },
	{ 97, "ARM" },     { 255, "standalone" },
};

static const char *lookup(const struct code_name *t, size_t n, unsigned code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

const char *sr_elf_machine_name(uint16_t machine)
{
	return lookup(machines, sizeof machines / sizeof machines[0], machine);
}

const char *sr_elf_osabi_name(uint8_t osabi)
{
	return lookup(osabis, sizeof osabis / sizeof osabis[0], osabi);
}

const char *sr_elf_kind_name(enum sr_elf_kind k)
{
	switch (k) {
	case SR_ELF_KIND_EXEC: return "executable";
	case SR_ELF_KIND_PIE: return "pie-executable";
	case SR_ELF_KIND_SHARED: return "shared-library";
	case SR_ELF_KIND_REL: return "relocatable";
	case SR_ELF_KIND_CORE: return "core";
	default: return "unknown";
	}
}

const char *sr_linkage_name(enum sr_linkage l)
{
	switch (l) {
	case SR_LINK_STATIC: return "static";
	case SR_LINK_STATIC_PIE: return "static-pie";
	case SR_LINK_DYNAMIC: return "dynamic";
	default: return "none";
	}
}

const char *sr_relro_name(enum sr_relro r)
{
	switch (r) {
	case SR_RELRO_PARTIAL: return "partial";
	case SR_RELRO_FULL: return "full";
	default: return "none";
	}
}

const char *sr_float_abi_name(enum sr_float_abi f)
{
	switch (f) {
	case SR_FLOAT_SOFT: return "soft";
	case SR_FLOAT_HARD: return "hard";
	case SR_FLOAT_UNSPECIFIED: return "unspecified";
	default: return NULL;
	}
}

static const struct code_name dt_flags[] = {
	{ 0x1, "ORIGIN" }, { 0x2, "SYMBOLIC" }, { 0x4, "TEXTREL" }, { 0x8, "BIND_NOW" }, { 0x10, "STATIC_TLS" },
};

static const struct code_name dt_flags_1[] = {
	{ 0x1, "NOW" },          { 0x2, "GLOBAL" },     { 0x4, "GROUP" },       { 0x8, "NODELETE" },
	{ 0x10, "LOADFLTR" },    { 0x20, "INITFIRST" }, { 0x40, "NOOPEN" },     { 0x80, "ORIGIN" },
	{ 0x100, "DIRECT" },     { 0x200, "TRANS" },    { 0x400, "INTERPOSE" }, { 0x800, "NODEFLIB" },
	{ 0x1000, "NODUMP" },    { 0x2000, "CONFALT" }, { 0x4000, "ENDFILTEE" }, { 0x8000, "DISPRELDNE" },
	{ 0x10000, "DISPRELPND" }, { 0x20000, "NODIRECT" }, { 0x40000, "IGNMULDEF" }, { 0x80000, "NOKSYMS" },
	{ 0x100000, "NOHDR" },   { 0x200000, "EDITED" }, { 0x400000, "NORELOC" }, { 0x800000, "SYMINTPOSE" },
	{ 0x1000000, "GLOBAUDIT" }, { 0x2000000, "SINGLETON" }, { 0x4000000, "STUB" }, { 0x8000000, "PIE" },
};

static size_t flag_names(const struct code_name *t, size_t n, uint64_t flags, const char **out, size_t max)
{
	size_t k = 0;
	for (unsigned bit = 0; bit < 64; bit++) {
		uint64_t m = (uint64_t)1 << bit;
		if (!(flags & m))
			continue;
		const char *name = lookup(t, n, (unsigned)m);
		if (bit >= 32)
			name = NULL;
		if (k < max)
			out[k] = name ? name : "UNKNOWN";
		k++;
	}
	return k;
}

size_t sr_elf_dt_flags_names(uint64_t flags, const char **out, size_t max)
{
	return flag_names(dt_flags, sizeof dt_flags / sizeof dt_flags[0], flags, out, max);
}

size_t sr_elf_dt_flags_1_names(uint64_t flags, const char **out, size_t max)
{
	return flag_names(dt_flags_1, sizeof dt_flags_1 / sizeof dt_flags_1[0], flags, out, max);
}

bool sr_version_split(const char *name, size_t *family_len, const char **version)
{
	const char *us = strrchr(name, '_');
	if (!us || us == name || us[1] < '0' || us[1] > '9')
		return false;
	for (const char *p = us + 1; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return false;
	*family_len = (size_t)(us - name);
	*version = us + 1;
	return true;
}

/* Numeric comparison of dotted versions: each dot-separated field compares as
 * a number; a missing field counts as less ("1.3" < "1.3.1"). */
int sr_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		if (!*a)
			return -1;
		if (!*b)
			return 1;
		/* skip leading zeros, then compare by digit count, then lexically */
		while (*a == '0' && a[1] >= '0' && a[1] <= '9')
			a++;
		while (*b == '0' && b[1] >= '0' && b[1] <= '9')
			b++;
		size_t la = 0, lb = 0;
		while (a[la] >= '0' && a[la] <= '9')
			la++;
		while (b[lb] >= '0' && b[lb] <= '9')
			lb++;
		if (la != lb)
			return la < lb ? -1 : 1;
		for (size_t i = 0; i < la; i++)   /* digits of equal count: the first difference decides */
			if (a[i] != b[i])
				return a[i] < b[i] ? -1 : 1;
		a += la;
		b += lb;
		if (*a != *b) {
			/* a non-digit separator mismatch: fall back to byte order */
			if (*a == '.' && !*b)
				return 1;
			if (*b == '.' && !*a)
				return -1;
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		}
		if (*a)
			a++;
		if (*b)
			b++;
	}
	return 0;
}

const char *sr_elf_goarch(const struct sr_elf *e)
{
	bool b64 = e->elf_class == 64, be = e->big_endian;
	switch (e->machine) {
	case 3: return "386";
	case 62: return b64 ? "amd64" : "amd64p32";
	case 40: return "arm";
	case 183: return "arm64";
	case 8: return b64 ? (be ? "mips64" : "mips64le") : (be ? "mips" : "mipsle");
	case 21: return be ? "ppc64" : "ppc64le";
	case 22: return b64 ? "s390x" : NULL;
	case 243: return b64 ? "riscv64" : NULL;
	case 258: return b64 ? "loong64" : NULL;
	default: return NULL;
	}
}
