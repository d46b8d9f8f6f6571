#include "report/text_util.h"

#include <stdint.h>
#include <string.h>

size_t sr_plain_prefix(const char *s, size_t len)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;
	for (; len - i >= 8; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		/* a byte >= 0x80, a byte < 0x20, a byte 0x7f (exact as tests of
		 * the whole word: a borrow only follows a byte already found) */
		uint64_t x = w ^ (0x7f * ones);
		if ((w & highs) | ((w - 0x20 * ones) & ~w & highs) | ((x - ones) & ~x & highs))
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
