/* The loader's CPU rules (lib/loader/cpu.c) on CPUs this machine is not:
 * the vendor and feature facts are the input, so the $PLATFORM rule of each
 * glibc release and the glibc-hwcaps levels are pinned on any host.  Then
 * this machine's probe against what its own ld.so says about the same CPU
 * (ld.so --list-diagnostics, glibc 2.33 and later). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "loader/cpu.h"

static struct sr_cpu_facts cpu(const char *spec)
{
	struct sr_cpu_facts f;
	struct sr_error err = { 0 };
	enum sr_err rc = sr_cpu_parse(spec, &f, &err);
	CHECKF(rc == SR_OK, "%s: %s", spec, sr_error_message(&err));
	return f;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* $PLATFORM for spec on glibc 2.minor */
static void platform_is(const char *spec, int minor, const char *want)
{
	struct sr_cpu_facts f = cpu(spec);
	const char *got = sr_cpu_glibc_platform(&f, minor, "x86_64");
	CHECKF(same(got, want), "%s on glibc 2.%d: got %s, want %s", spec, minor, got ? got : "(none)",
	       want ? want : "(none)");
}

static void vendor_rule(void)
{
	/* before 2.26: the kernel's AT_PLATFORM, whatever the CPU */
	const char *all[] = { "intel/x86-64-v3", "intel/xeon-phi", "amd/x86-64-v4", "other" };
	for (size_t i = 0; i < COUNT(all); i++)
		for (int m = 17; m <= 25; m++)
			platform_is(all[i], m, "x86_64");
	/* 2.27 to 2.42, and a glibc of unknown version: Intel only */
	for (int m = 27; m <= 43; m++) {
		int v = m == 43 ? -1 : m;
		platform_is("intel/x86-64-v3", v, "haswell");
		platform_is("intel/x86-64-v4", v, "haswell");   /* AVX-512 without ER/PF */
		platform_is("intel/xeon-phi", v, "xeon_phi");
		platform_is("intel/x86-64-v2", v, "x86_64");
		platform_is("intel", v, "x86_64");
		platform_is("amd/x86-64-v3", v, "x86_64");       /* the AMD host of issue 17 */
		platform_is("amd/x86-64-v4", v, "x86_64");
		platform_is("zhaoxin/x86-64-v3", v, "x86_64");
		platform_is("other/xeon-phi", v, "x86_64");
	}
	/* 2.26 as released: no platform unless an Intel CPU qualifies */
	platform_is("intel/x86-64-v3", 26, "haswell");
	platform_is("intel/xeon-phi", 26, "xeon_phi");
	platform_is("intel/x86-64-v2", 26, NULL);
	platform_is("amd/x86-64-v3", 26, NULL);

	/* every feature of glibc's haswell test is needed, FMA included */
	static const uint32_t haswell[] = { SR_CPUF_AVX2, SR_CPUF_FMA, SR_CPUF_BMI1, SR_CPUF_BMI2,
	                                    SR_CPUF_LZCNT, SR_CPUF_MOVBE, SR_CPUF_POPCNT };
	for (size_t i = 0; i < COUNT(haswell); i++) {
		struct sr_cpu_facts f = cpu("intel/x86-64-v3");
		f.usable &= ~haswell[i];
		const char *got = sr_cpu_glibc_platform(&f, 36, "x86_64");
		CHECKF(same(got, "x86_64"), "haswell without feature %#x: %s", haswell[i], got ? got : "(none)");
	}
	/* and each of xeon_phi's: without one, the CPU falls back to haswell */
	static const uint32_t phi[] = { SR_CPUF_AVX512F, SR_CPUF_AVX512CD, SR_CPUF_AVX512ER, SR_CPUF_AVX512PF };
	for (size_t i = 0; i < COUNT(phi); i++) {
		struct sr_cpu_facts f = cpu("intel/xeon-phi");
		f.usable &= ~phi[i];
		const char *got = sr_cpu_glibc_platform(&f, 31, "x86_64");
		CHECKF(same(got, "haswell"), "xeon_phi without feature %#x: %s", phi[i], got ? got : "(none)");
	}
	/* facts of no x86-64 CPU change nothing */
	struct sr_cpu_facts none = { 0 };
	CHECK(same(sr_cpu_glibc_platform(&none, 36, "aarch64"), "aarch64"));
}

static void levels(void)
{
	static const struct { const char *spec; size_t n; const char *top; } t[] = {
		{ "intel", 0, NULL },
		{ "amd/x86-64", 0, NULL },
		{ "amd/x86-64-v2", 1, "x86-64-v2" },
		{ "intel/x86-64-v3", 2, "x86-64-v3" },
		{ "zhaoxin/x86-64-v4", 3, "x86-64-v4" },
		{ "intel/xeon-phi", 2, "x86-64-v3" },   /* no AVX512BW/DQ/VL: not v4 */
	};
	for (size_t i = 0; i < COUNT(t); i++) {
		struct sr_cpu_facts f = cpu(t[i].spec);
		const char *out[3] = { 0 };
		size_t n = sr_cpu_hwcaps(&f, out);
		CHECKF(n == t[i].n, "%s: %zu levels, want %zu", t[i].spec, n, t[i].n);
		CHECKF(n == 0 || same(out[0], t[i].top), "%s: first %s, want %s", t[i].spec, n ? out[0] : "-",
		       t[i].top);
	}
	struct sr_cpu_facts none = { 0 };
	const char *out[3];
	CHECK(sr_cpu_hwcaps(&none, out) == 0);
}

static void parse(void)
{
	static const char *bad[] = { "", "Intel", "intel/", "intel/v3", "arm/x86-64", "amd/x86-64-v5", "/x86-64" };
	for (size_t i = 0; i < COUNT(bad); i++) {
		struct sr_cpu_facts f;
		struct sr_error err = { 0 };
		CHECKF(sr_cpu_parse(bad[i], &f, &err) == SR_E_USAGE, "'%s' accepted", bad[i]);
		CHECKF(strstr(err.msg, "--cpu") != NULL, "'%s': %s", bad[i], err.msg);
	}
	struct sr_cpu_facts f = cpu("amd/x86-64-v3");
	CHECK(f.x86_64 && f.vendor == SR_CPU_VENDOR_AMD);
	CHECK(strcmp(sr_cpu_vendor_name(SR_CPU_VENDOR_ZHAOXIN), "zhaoxin") == 0);
}

/* This machine's probe against its own ld.so: the vendor class, $PLATFORM
 * and glibc-hwcaps levels it prints must be what the rules make of the
 * probed facts.  Skipped (said, not counted) where there is no such ld.so. */
static void probe_vs_ldso(void)
{
#if defined(__x86_64__)
	FILE *p = popen("/lib64/ld-linux-x86-64.so.2 --list-diagnostics 2>/dev/null", "r");
	if (!p) {
		printf("probe: skipped, cannot run ld.so\n");
		return;
	}
	char line[512], platform[64] = "", subdirs[128] = "";
	long kind = -1, active = -1;
	while (fgets(line, sizeof line, p)) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "x86.cpu_features.basic.kind=%li", &kind) == 1)
			continue;
		if (sscanf(line, "dl_platform=\"%63[^\"]\"", platform) == 1)
			continue;
		if (sscanf(line, "dl_hwcaps_subdirs=\"%127[^\"]\"", subdirs) == 1)
			continue;
		sscanf(line, "dl_hwcaps_subdirs_active=%li", &active);
	}
	pclose(p);
	if (kind < 0 || !platform[0] || !subdirs[0] || active < 0) {
		printf("probe: skipped, this ld.so has no --list-diagnostics (glibc < 2.33)\n");
		return;
	}
	struct sr_cpu_facts f;
	sr_cpu_probe(&f);
	/* glibc's enum cpu_features_kind: unknown, intel, amd, zhaoxin, other */
	static const enum sr_cpu_vendor kinds[] = { SR_CPU_VENDOR_OTHER, SR_CPU_VENDOR_INTEL, SR_CPU_VENDOR_AMD,
	                                            SR_CPU_VENDOR_ZHAOXIN, SR_CPU_VENDOR_OTHER };
	CHECKF(kind < (long)COUNT(kinds) && kinds[kind] == f.vendor, "ld.so kind %ld, probe %s", kind,
	       sr_cpu_vendor_name(f.vendor));
	const char *mine = sr_cpu_glibc_platform(&f, 36, "x86_64");
	CHECKF(same(mine, platform), "ld.so platform %s, model %s", platform, mine ? mine : "(none)");
	/* active is a bit mask over subdirs, whose order is v4:v3:v2 (lowest bit the last) */
	const char *out[3];
	size_t n = sr_cpu_hwcaps(&f, out);
	size_t want = 0;
	for (long b = active; b; b >>= 1)
		want += (size_t)(b & 1);
	CHECKF(n == want, "ld.so has %zu active glibc-hwcaps subdirectories (%s, mask %#lx), model %zu", want,
	       subdirs, active, n);
	printf("probe: this CPU is %s; $PLATFORM %s; %zu glibc-hwcaps levels, as ld.so says\n",
	       sr_cpu_vendor_name(f.vendor), platform, n);
#endif
}

int main(void)
{
	vendor_rule();
	levels();
	parse();
	probe_vs_ldso();
	return sr_test_summary("cpu");
}
