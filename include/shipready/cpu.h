/* The CPU a program is imagined to run on: the facts glibc's loader reads
 * from CPUID and XGETBV (vendor, and which instructions are usable) that
 * decide its glibc-hwcaps subdirectories and its $PLATFORM.  A static tool
 * cannot see the CPU of the machine a binary will be deployed to, so the
 * facts are an input: this machine's by default (sr_cpu_probe), or any
 * other (sr_cpu_parse, `deps --cpu`). */
#ifndef SHIPREADY_CPU_H
#define SHIPREADY_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "shipready/error.h"

enum sr_cpu_vendor {
	SR_CPU_VENDOR_OTHER = 0,   /* anything glibc does not class as Intel or AMD */
	SR_CPU_VENDOR_INTEL,       /* "GenuineIntel": glibc's arch_kind_intel */
	SR_CPU_VENDOR_AMD,         /* "AuthenticAMD" and "HygonGenuine": arch_kind_amd */
	SR_CPU_VENDOR_ZHAOXIN,     /* "CentaurHauls" and "  Shanghai  ": arch_kind_zhaoxin */
};

/* x86-64 features as glibc judges them "usable": the CPUID bit, and for
 * the AVX and AVX-512 families also the OS's support of their register
 * state (XCR0). */
enum sr_cpu_feature {
	SR_CPUF_SSE3 = 1u << 0,
	SR_CPUF_SSSE3 = 1u << 1,
	SR_CPUF_SSE4_1 = 1u << 2,
	SR_CPUF_SSE4_2 = 1u << 3,
	SR_CPUF_CX16 = 1u << 4,
	SR_CPUF_LAHF = 1u << 5,       /* LAHF/SAHF in 64-bit mode */
	SR_CPUF_POPCNT = 1u << 6,
	SR_CPUF_MOVBE = 1u << 7,
	SR_CPUF_LZCNT = 1u << 8,
	SR_CPUF_BMI1 = 1u << 9,
	SR_CPUF_BMI2 = 1u << 10,
	SR_CPUF_AVX = 1u << 11,
	SR_CPUF_AVX2 = 1u << 12,
	SR_CPUF_FMA = 1u << 13,
	SR_CPUF_F16C = 1u << 14,
	SR_CPUF_AVX512F = 1u << 15,
	SR_CPUF_AVX512CD = 1u << 16,
	SR_CPUF_AVX512ER = 1u << 17,
	SR_CPUF_AVX512PF = 1u << 18,
	SR_CPUF_AVX512BW = 1u << 19,
	SR_CPUF_AVX512DQ = 1u << 20,
	SR_CPUF_AVX512VL = 1u << 21,
};

struct sr_cpu_facts {
	bool x86_64;                 /* the facts are of an x86-64 CPU (else none are known) */
	enum sr_cpu_vendor vendor;
	uint32_t usable;             /* enum sr_cpu_feature bits */
};

/* The CPU this program runs on (x86_64 false on other machines). */
void sr_cpu_probe(struct sr_cpu_facts *out);

/* A CPU named as VENDOR[/LEVEL]: VENDOR intel, amd, zhaoxin or other;
 * LEVEL x86-64 (the baseline, the default), x86-64-v2, x86-64-v3,
 * x86-64-v4 or xeon-phi (x86-64-v3 with AVX512F/CD/ER/PF, Knights
 * Landing).  Or "host": sr_cpu_probe.  SR_E_USAGE with a reason otherwise. */
enum sr_err sr_cpu_parse(const char *spec, struct sr_cpu_facts *out, struct sr_error *err);

const char *sr_cpu_vendor_name(enum sr_cpu_vendor v);   /* "intel", "amd", "zhaoxin", "other" */

#endif
