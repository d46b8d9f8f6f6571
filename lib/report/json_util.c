#include "report/json_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>


size_t sr_utf8_seq(const unsigned char *p, size_t n, uint32_t *out)
{
	unsigned char c = p[0];
	size_t len;
	unsigned min;
	unsigned cp;
	if (c < 0x80) {
		if (out)
			*out = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; min = 0x80; }
	else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; min = 0x800; }
	else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; min = 0x10000; }
	else return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (out)
		*out = cp;
	return len;
}

/* How many of the first n bytes of p are whole valid UTF-8 sequences
 * before the first that is not. */
static size_t utf8_valid_prefix(const unsigned char *p, size_t n)
{
	size_t i = 0;
	for (size_t l; i < n && (l = sr_utf8_seq(p + i, n - i, NULL)) != 0;)
		i += l;
	return i;
}

bool sr_utf8_valid(const char *s)
{
	size_t n = strlen(s);
	return utf8_valid_prefix((const unsigned char *)s, n) == n;
}

json_t *sr_json_str(const char *s)
{
	if (!s)
		return json_null();
	return sr_json_strn(s, strlen(s));
}

json_t *sr_json_strn(const char *s, size_t n)
{
	if (!s)
		return json_null();
	const unsigned char *p = (const unsigned char *)s;
	size_t i = utf8_valid_prefix(p, n);
	if (i == n)
		return json_stringn(s, n);
	/* Rebuild with replacements; at most 3 output bytes per input byte. */
	char *buf = malloc(n * 3 + 1);
	if (!buf)
		return json_string("");
	size_t o = 0;
	for (i = 0; i < n;) {
		size_t l = sr_utf8_seq(p + i, n - i, NULL);
		if (l) {
			memcpy(buf + o, p + i, l);
			o += l;
			i += l;
		} else {
			buf[o++] = (char)0xef;
			buf[o++] = (char)0xbf;
			buf[o++] = (char)0xbd;
			i++;
		}
	}
	json_t *j = json_stringn(buf, o);
	free(buf);
	return j;
}
