/* Fuzz target: text from files made safe for the HTML report
 * (lib/report/html.c).
 *
 * The input is a string a file could hold (a path, a library name, a Go
 * module).  Invariants: what sr_html_text writes has no <, >, " or ' and
 * no control byte, and is well-formed UTF-8; every & starts a character
 * reference; sr_html_svg_is_inert never calls an input holding "<script"
 * inert. */
#define _GNU_SOURCE   /* open_memstream */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "report/json_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		abort();
	sr_html_text(f, s);
	fclose(f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c == '<' || c == '>' || c == '"' || c == '\'' || c < 0x20 || c == 0x7f)
			abort();
		if (c == '&' && strncmp(out + i, "&amp;", 5) && strncmp(out + i, "&lt;", 4) && strncmp(out + i, "&gt;", 4) &&
		    strncmp(out + i, "&quot;", 6) && strncmp(out + i, "&#39;", 5))
			abort();
	}
	if (!sr_utf8_valid(out))
		abort();
	free(out);
	if (strstr(s, "<script") && sr_html_svg_is_inert(s))
		abort();
	free(s);
	return 0;
}
