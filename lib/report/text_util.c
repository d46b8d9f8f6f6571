#include "report/text_util.h"

#include <string.h>

#include "util/swar.h"

size_t sr_plain_prefix(const char *s, size_t len)
{
	size_t i = 0;
	for (; len - i >= 8; i += 8) {
		uint64_t w = sr_word_load(s + i);
		if (sr_word_high(w) | sr_word_below(w, 0x20) | sr_word_has(w, 0x7f))
			break;
	}
	while (i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
		i++;
	return i;
}

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
	size_t plain = sr_plain_prefix(s, strlen(s));
	int n = (int)plain;
	for (const unsigned char *p = (const unsigned char *)s + plain; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			n += 4;
		else if ((*p & 0xc0) != 0x80)
			n++;
	}
	return n;
}
