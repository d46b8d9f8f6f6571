/* Is a file a binary (see shipready/sniff.h). */
#include "shipready/sniff.h"

#include <string.h>

#include "shipready/inspect.h"

uint32_t sr_sniff_pe_offset(const unsigned char *head)
{
	return (uint32_t)head[0x3c] | (uint32_t)head[0x3d] << 8 | (uint32_t)head[0x3e] << 16 | (uint32_t)head[0x3f] << 24;
}

bool sr_sniff_binary(const unsigned char *head, size_t n, uint64_t size)
{
	/* the magic numbers are inspect's (sr_detect_format); "MZ" alone starts
	 * text files too, so a PE file must also have its signature */
	struct sr_reader r;
	sr_reader_init(&r, head, n, false);
	enum sr_format f = sr_detect_format(&r);
	if (f != SR_FMT_PE)
		return f != SR_FMT_UNKNOWN;
	if (n < 64)   /* a DOS header is 64 bytes; e_lfanew at 0x3c names the PE header */
		return false;
	uint32_t lfanew = sr_sniff_pe_offset(head);
	if ((uint64_t)lfanew + 4 > size)
		return false;
	if ((uint64_t)lfanew + 4 > n)
		return true;   /* beyond the head: the caller reads it there */
	return memcmp(head + lfanew, "PE\0\0", 4) == 0;
}
