/* What glibc's dynamic loader makes of a CPU (include/shipready/cpu.h): the
 * glibc-hwcaps subdirectories it searches (glibc 2.33 and later) and the
 * value of $PLATFORM.  Pure functions of the facts, so the rules can be
 * pinned by tests on any machine. */
#ifndef SR_LOADER_CPU_H
#define SR_LOADER_CPU_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/cpu.h"

/* The glibc-hwcaps subdirectories the CPU qualifies for, highest priority
 * first (x86-64-v4, -v3, -v2); returns how many were written (at most 3). */
size_t sr_cpu_hwcaps(const struct sr_cpu_facts *cpu, const char *out[3]);

/* $PLATFORM as glibc 2.MINOR's ld.so on x86-64 expands it, given the
 * kernel's AT_PLATFORM (at_platform, "x86_64"); minor < 0 for a glibc of
 * unknown version (taken as the current rule).  NULL when the loader has no
 * platform (ld.so then drops the path element that names it). */
const char *sr_cpu_glibc_platform(const struct sr_cpu_facts *cpu, int glibc_minor, const char *at_platform);

#endif
