#include "report/text_util.h"

int sr_put_safe(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	int n = 0;
	const unsigned char *p = (const unsigned char *)s, *run = p;
	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			/* flush the printable run, then \xNN */
			if (p > run)
				fwrite(run, 1, (size_t)(p - run), f);
			char esc[4] = { '\\', 'x', hex[*p >> 4], hex[*p & 15] };
			fwrite(esc, 1, sizeof esc, f);
			n += 4;
			run = p + 1;
		} else if ((*p & 0xc0) != 0x80) {
			n++;
		}
	}
	if (p > run)
		fwrite(run, 1, (size_t)(p - run), f);
	return n;
}

int sr_safe_width(const char *s)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			n += 4;
		else if ((*p & 0xc0) != 0x80)
			n++;
	}
	return n;
}
