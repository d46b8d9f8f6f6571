/* Fuzz target: sr_version_cmp must be reflexive and antisymmetric on any
 * pair of strings.  Input: A NUL B (anything after a second NUL is ignored). */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "shipready/elf.h"

static int sign(int v) { return (v > 0) - (v < 0); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *buf = malloc(size + 2);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	buf[size + 1] = '\0';
	const char *a = buf;
	const char *b = buf + strlen(buf) + 1;   /* after the first NUL, or "" */
	if (sr_version_cmp(a, a) != 0 || sr_version_cmp(b, b) != 0)
		abort();
	if (sign(sr_version_cmp(a, b)) != -sign(sr_version_cmp(b, a)))
		abort();
	free(buf);
	return 0;
}
