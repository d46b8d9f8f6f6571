/* Fuzz target: the display width of text read from files (names, SONAMEs,
 * paths: lib/report/text_util.c).  Any bytes: the width sr_safe_width
 * gives equals the columns sr_put_safe says it printed, and is at most 4
 * per byte (a control byte as \xNN), at least 0. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/text_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	if (size > 4096)
		return 0;
	if (!sink && !(sink = fopen("/dev/null", "w")))
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';   /* the text is what comes before a NUL, as in a string table */
	int w = sr_safe_width(s);
	int printed = sr_put_safe(sink, s);
	if (w != printed || w < 0 || (size_t)w > 4 * strlen(s))
		abort();
	free(s);
	return 0;
}
