/* shipready — is a file a binary worth parsing?  The test every reader of
 * many files (a tree's walk, an image's layers) makes on a file's first
 * bytes before it is opened for analysis. */
#ifndef SHIPREADY_SNIFF_H
#define SHIPREADY_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is this head of a file (its first n bytes, and its size, or UINT64_MAX
 * when unknown) an ELF, PE or Mach-O file worth parsing?  The magic numbers
 * of sr_detect_format, and for "MZ" the PE signature where e_lfanew points
 * (true when that is past the head but maybe inside the file: the caller
 * reads it there, sr_sniff_pe_offset). */
bool sr_sniff_binary(const unsigned char *head, size_t n, uint64_t size);

/* Where a file starting "MZ" (head at least 64 bytes) has its PE signature. */
uint32_t sr_sniff_pe_offset(const unsigned char *head);

#endif
