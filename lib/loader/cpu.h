/* What the dynamic loader learns from the CPU it runs on: the glibc-hwcaps
 * subdirectories it searches and the $PLATFORM it expands.  A static tool
 * cannot know the CPU of the machine a binary will run on; shipready uses the
 * CPU it runs on itself when the target has the same architecture, and the
 * baseline otherwise. */
#ifndef SR_LOADER_CPU_H
#define SR_LOADER_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sr_cpu {
	const char *hwcaps[4];   /* glibc-hwcaps subdirectories, highest priority first */
	size_t nhwcaps;
	const char *legacy_platform;   /* glibc < 2.37 on x86-64: "haswell", "xeon_phi" or NULL */
};

/* Fill cpu for a target ELF machine (e_machine): empty unless it is the
 * machine shipready runs on and that machine has ISA levels we detect. */
void sr_cpu_detect(uint16_t machine, unsigned elf_class, struct sr_cpu *cpu);

#endif
