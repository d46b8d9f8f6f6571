#include "report/text_util.h"

int sr_put_safe(FILE *f, const char *s)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			n += fprintf(f, "\\x%02x", *p);
		} else {
			fputc(*p, f);
			if ((*p & 0xc0) != 0x80)
				n++;
		}
	}
	return n;
}
