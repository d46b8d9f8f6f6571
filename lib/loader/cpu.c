/* x86-64 micro-architecture levels (the psABI's x86-64-v2/v3/v4, which name
 * glibc-hwcaps subdirectories) and glibc's legacy "haswell"/"xeon_phi"
 * platform, from CPUID and XGETBV as glibc's cpu_features does. */
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

static void detect_x86_64(struct sr_cpu *cpu)
{
	unsigned a, b, c1, d, b7 = 0, c7 = 0, cx = 0;
	if (!__get_cpuid(1, &a, &b, &c1, &d))
		return;
	unsigned max_leaf = __get_cpuid_max(0, NULL);
	unsigned max_ext = __get_cpuid_max(0x80000000u, NULL);
	if (max_leaf >= 7u)
		__cpuid_count(7, 0, a, b7, c7, d);
	if (max_ext >= 0x80000001u)
		__get_cpuid(0x80000001u, &a, &b, &cx, &d);
	(void)c7;
	bool osxsave = c1 & (1u << 27);
	uint64_t xcr0 = osxsave ? xgetbv0() : 0;
	bool avx_os = (xcr0 & 0x6) == 0x6;
	bool avx512_os = avx_os && (xcr0 & 0xe0) == 0xe0;

	bool sse3 = c1 & 1u, ssse3 = c1 & (1u << 9), fma = c1 & (1u << 12), cx16 = c1 & (1u << 13);
	bool sse41 = c1 & (1u << 19), sse42 = c1 & (1u << 20), movbe = c1 & (1u << 22);
	bool popcnt = c1 & (1u << 23), avx = (c1 & (1u << 28)) && avx_os, f16c = c1 & (1u << 29);
	bool lahf = cx & 1u, lzcnt = cx & (1u << 5);
	bool bmi1 = b7 & (1u << 3), avx2 = (b7 & (1u << 5)) && avx_os, bmi2 = b7 & (1u << 8);
	bool avx512f = (b7 & (1u << 16)) && avx512_os, avx512dq = b7 & (1u << 17);
	bool avx512pf = b7 & (1u << 26), avx512er = b7 & (1u << 27), avx512cd = b7 & (1u << 28);
	bool avx512bw = b7 & (1u << 30), avx512vl = b7 & (1u << 31);

	bool v2 = cx16 && lahf && popcnt && sse3 && sse41 && sse42 && ssse3;
	bool v3 = v2 && avx && avx2 && bmi1 && bmi2 && f16c && fma && lzcnt && movbe;
	bool v4 = v3 && avx512f && avx512bw && avx512cd && avx512dq && avx512vl;
	if (v4)
		cpu->hwcaps[cpu->nhwcaps++] = "x86-64-v4";
	if (v3)
		cpu->hwcaps[cpu->nhwcaps++] = "x86-64-v3";
	if (v2)
		cpu->hwcaps[cpu->nhwcaps++] = "x86-64-v2";
	if (avx512f && avx512er && avx512pf)
		cpu->legacy_platform = "xeon_phi";
	else if (avx2 && bmi1 && bmi2 && lzcnt && movbe && popcnt)
		cpu->legacy_platform = "haswell";
}
#endif

void sr_cpu_detect(uint16_t machine, unsigned elf_class, struct sr_cpu *cpu)
{
	memset(cpu, 0, sizeof *cpu);
#if defined(__x86_64__)
	if (machine == 62 && elf_class == 64)
		detect_x86_64(cpu);
#else
	(void)machine;
	(void)elf_class;
#endif
}
