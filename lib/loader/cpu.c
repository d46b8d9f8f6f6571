/* The CPU facts glibc's loader reads (CPUID, XGETBV), and what it derives
 * from them: glibc-hwcaps levels and the legacy x86-64 platform.  The rules
 * follow glibc's sysdeps/x86/cpu-features.c (init_cpu_features) and
 * sysdeps/x86/dl-hwcaps-subdirs.c, read at the tags glibc-2.25 to glibc-2.42
 * (the man page, deps, says what changed when). */
#include "loader/cpu.h"

#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

/* The vendor as glibc classes it (the CPUID leaf 0 string). */
static enum sr_cpu_vendor vendor_of(unsigned b, unsigned c, unsigned d)
{
	char id[13];
	memcpy(id, &b, 4);
	memcpy(id + 4, &d, 4);
	memcpy(id + 8, &c, 4);
	id[12] = '\0';
	if (strcmp(id, "GenuineIntel") == 0)
		return SR_CPU_VENDOR_INTEL;
	if (strcmp(id, "AuthenticAMD") == 0 || strcmp(id, "HygonGenuine") == 0)
		return SR_CPU_VENDOR_AMD;
	if (strcmp(id, "CentaurHauls") == 0 || strcmp(id, "  Shanghai  ") == 0)
		return SR_CPU_VENDOR_ZHAOXIN;
	return SR_CPU_VENDOR_OTHER;
}

static void probe_x86_64(struct sr_cpu_facts *f)
{
	unsigned a, b, c, d, b7 = 0, c1 = 0, cx = 0;
	unsigned max_leaf = (unsigned)__get_cpuid_max(0, NULL);
	unsigned max_ext = (unsigned)__get_cpuid_max(0x80000000u, NULL);
	if (max_leaf < 1u)
		return;
	__cpuid(0, a, b, c, d);
	f->vendor = vendor_of(b, c, d);
	__cpuid(1, a, b, c1, d);
	if (max_leaf >= 7u)
		__cpuid_count(7, 0, a, b7, c, d);
	if (max_ext >= 0x80000001u)
		__cpuid(0x80000001u, a, b, cx, d);
	uint64_t xcr0 = (c1 & (1u << 27)) ? xgetbv0() : 0;   /* OSXSAVE */
	bool avx_os = (xcr0 & 0x6) == 0x6;                     /* XMM and YMM state */
	bool avx512_os = avx_os && (xcr0 & 0xe0) == 0xe0;      /* opmask, ZMM */
	uint32_t u = 0;
	if (c1 & 1u) u |= SR_CPUF_SSE3;
	if (c1 & (1u << 9)) u |= SR_CPUF_SSSE3;
	if (c1 & (1u << 13)) u |= SR_CPUF_CX16;
	if (c1 & (1u << 19)) u |= SR_CPUF_SSE4_1;
	if (c1 & (1u << 20)) u |= SR_CPUF_SSE4_2;
	if (c1 & (1u << 22)) u |= SR_CPUF_MOVBE;
	if (c1 & (1u << 23)) u |= SR_CPUF_POPCNT;
	if (cx & 1u) u |= SR_CPUF_LAHF;
	if (cx & (1u << 5)) u |= SR_CPUF_LZCNT;
	if (b7 & (1u << 3)) u |= SR_CPUF_BMI1;
	if (b7 & (1u << 8)) u |= SR_CPUF_BMI2;
	if (avx_os) {
		if (c1 & (1u << 28)) u |= SR_CPUF_AVX;
		if (c1 & (1u << 12)) u |= SR_CPUF_FMA;
		if (c1 & (1u << 29)) u |= SR_CPUF_F16C;
		if (b7 & (1u << 5)) u |= SR_CPUF_AVX2;
	}
	/* glibc counts the other AVX-512 features usable only with AVX512F */
	if (avx512_os && (b7 & (1u << 16))) {
		u |= SR_CPUF_AVX512F;
		if (b7 & (1u << 17)) u |= SR_CPUF_AVX512DQ;
		if (b7 & (1u << 26)) u |= SR_CPUF_AVX512PF;
		if (b7 & (1u << 27)) u |= SR_CPUF_AVX512ER;
		if (b7 & (1u << 28)) u |= SR_CPUF_AVX512CD;
		if (b7 & (1u << 30)) u |= SR_CPUF_AVX512BW;
		if (b7 & (1u << 31)) u |= SR_CPUF_AVX512VL;
	}
	f->usable = u;
}
#endif

void sr_cpu_probe(struct sr_cpu_facts *out)
{
	memset(out, 0, sizeof *out);
#if defined(__x86_64__)
	out->x86_64 = true;
	probe_x86_64(out);
#endif
}

/* The psABI's micro-architecture levels, as glibc 2.33's
 * dl-hwcaps-subdirs checks them (each includes the one below). */
#define LEVEL_V2 (SR_CPUF_CX16 | SR_CPUF_LAHF | SR_CPUF_POPCNT | SR_CPUF_SSE3 | SR_CPUF_SSE4_1 | \
                  SR_CPUF_SSE4_2 | SR_CPUF_SSSE3)
#define LEVEL_V3 (LEVEL_V2 | SR_CPUF_AVX | SR_CPUF_AVX2 | SR_CPUF_BMI1 | SR_CPUF_BMI2 | SR_CPUF_F16C | \
                  SR_CPUF_FMA | SR_CPUF_LZCNT | SR_CPUF_MOVBE)
#define LEVEL_V4 (LEVEL_V3 | SR_CPUF_AVX512F | SR_CPUF_AVX512BW | SR_CPUF_AVX512CD | SR_CPUF_AVX512DQ | \
                  SR_CPUF_AVX512VL)
/* What glibc's init_cpu_features asks of an Intel CPU for each legacy
 * platform name (unchanged from 2.26 to 2.42). */
#define PLATFORM_XEON_PHI (SR_CPUF_AVX512F | SR_CPUF_AVX512CD | SR_CPUF_AVX512ER | SR_CPUF_AVX512PF)
#define PLATFORM_HASWELL (SR_CPUF_AVX2 | SR_CPUF_FMA | SR_CPUF_BMI1 | SR_CPUF_BMI2 | SR_CPUF_LZCNT | \
                          SR_CPUF_MOVBE | SR_CPUF_POPCNT)

static bool has_all(const struct sr_cpu_facts *cpu, uint32_t want)
{
	return (cpu->usable & want) == want;
}

size_t sr_cpu_hwcaps(const struct sr_cpu_facts *cpu, const char *out[3])
{
	size_t n = 0;
	if (!cpu->x86_64)
		return 0;
	if (has_all(cpu, LEVEL_V4))
		out[n++] = "x86-64-v4";
	if (has_all(cpu, LEVEL_V3))
		out[n++] = "x86-64-v3";
	if (has_all(cpu, LEVEL_V2))
		out[n++] = "x86-64-v2";
	return n;
}

const char *sr_cpu_glibc_platform(const struct sr_cpu_facts *cpu, int glibc_minor, const char *at_platform)
{
	/* Before 2.26 the loader keeps the kernel's AT_PLATFORM. */
	if (!cpu->x86_64 || (glibc_minor >= 0 && glibc_minor < 26))
		return at_platform;
	/* From 2.26 (still so in 2.42): on a CPU glibc classes as Intel only,
	 * "xeon_phi" or "haswell" when the features qualify. */
	if (cpu->vendor == SR_CPU_VENDOR_INTEL) {
		if (has_all(cpu, PLATFORM_XEON_PHI))
			return "xeon_phi";
		if (has_all(cpu, PLATFORM_HASWELL))
			return "haswell";
	}
	/* 2.26 as released cleared the platform first and set it only in that
	 * case (glibc bug 22299, fixed in 2.27): no $PLATFORM otherwise. */
	return glibc_minor == 26 ? NULL : at_platform;
}

const char *sr_cpu_vendor_name(enum sr_cpu_vendor v)
{
	switch (v) {
	case SR_CPU_VENDOR_INTEL: return "intel";
	case SR_CPU_VENDOR_AMD: return "amd";
	case SR_CPU_VENDOR_ZHAOXIN: return "zhaoxin";
	case SR_CPU_VENDOR_OTHER: break;
	}
	return "other";
}

enum sr_err sr_cpu_parse(const char *spec, struct sr_cpu_facts *out, struct sr_error *err)
{
	static const struct { const char *name; uint32_t usable; } levels[] = {
		{ "x86-64", 0 },
		{ "x86-64-v2", LEVEL_V2 },
		{ "x86-64-v3", LEVEL_V3 },
		{ "x86-64-v4", LEVEL_V4 },
		{ "xeon-phi", LEVEL_V3 | PLATFORM_XEON_PHI },
	};
	if (strcmp(spec, "host") == 0) {
		sr_cpu_probe(out);
		return SR_OK;
	}
	memset(out, 0, sizeof *out);
	out->x86_64 = true;
	const char *slash = strchr(spec, '/');
	size_t vl = slash ? (size_t)(slash - spec) : strlen(spec);
	static const enum sr_cpu_vendor vendors[] = { SR_CPU_VENDOR_INTEL, SR_CPU_VENDOR_AMD, SR_CPU_VENDOR_ZHAOXIN,
	                                              SR_CPU_VENDOR_OTHER };
	bool vendor_ok = false;
	for (size_t i = 0; i < sizeof vendors / sizeof vendors[0]; i++) {
		const char *n = sr_cpu_vendor_name(vendors[i]);
		if (strlen(n) == vl && strncmp(spec, n, vl) == 0) {
			out->vendor = vendors[i];
			vendor_ok = true;
		}
	}
	if (!vendor_ok)
		return sr_error_set(err, SR_E_USAGE,
		                    "--cpu: '%s': say host, or VENDOR[/LEVEL] with VENDOR intel, amd, zhaoxin or other",
		                    spec);
	if (!slash)
		return SR_OK;
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
		if (strcmp(slash + 1, levels[i].name) == 0) {
			out->usable = levels[i].usable;
			return SR_OK;
		}
	return sr_error_set(err, SR_E_USAGE,
	                    "--cpu: '%s': LEVEL is x86-64, x86-64-v2, x86-64-v3, x86-64-v4 or xeon-phi", slash + 1);
}
