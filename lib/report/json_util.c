#include "report/json_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/swar.h"

/* Length of the valid UTF-8 sequence at p (max n bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len;
	unsigned min;
	unsigned cp;
	if (c < 0x80)
		return 1;
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
	return len;
}

/* How many of the first n bytes of p are whole valid UTF-8 sequences
 * before the first that is not. */
static size_t utf8_valid_prefix(const unsigned char *p, size_t n)
{
	size_t i = 0;
	for (size_t l; i < n && (l = utf8_seq(p + i, n - i)) != 0;)
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
		size_t l = utf8_seq(p + i, n - i);
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

/* How many of the first n bytes of p a JSON string holds as they are
 * (ASCII from 0x20, but '"' and '\\') before the first it does not. */
static size_t plain_prefix(const unsigned char *p, size_t n)
{
	size_t i = 0;
	for (; n - i >= 8; i += 8) {
		uint64_t w = sr_word_load(p + i);
		if (sr_word_high(w) | sr_word_below(w, 0x20) | sr_word_has(w, '"') | sr_word_has(w, '\\'))
			break;
	}
	while (i < n && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\')
		i++;
	return i;
}

/* Written as json_dumps(sr_json_str(s), JSON_COMPACT) would write it (into
 * a document): invalid UTF-8 bytes become U+FFFD, '"' and '\\' and control
 * characters are escaped as jansson escapes them (\b \f \n \r \t, else
 * \u00XX in upper case); everything else is copied. */
void sr_json_write_str(FILE *f, const char *s)
{
	if (!s) {
		sr_jputs("null", f);
		return;
	}
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), run = 0, i = 0;
	putc_unlocked('"', f);
	while (i < n) {
		i += plain_prefix(p + i, n - i);
		if (i == n)
			break;
		unsigned char c = p[i];
		size_t l = c >= 0x80 ? utf8_seq(p + i, n - i) : 0;
		if (l) {
			i += l;
			continue;
		}
		/* flush the plain run [run, i), then the escape */
		if (i > run)
			sr_jwrite(f, p + run, i - run);
		switch (c) {
		case '"': sr_jputs("\\\"", f); break;
		case '\\': sr_jputs("\\\\", f); break;
		case '\b': sr_jputs("\\b", f); break;
		case '\f': sr_jputs("\\f", f); break;
		case '\n': sr_jputs("\\n", f); break;
		case '\r': sr_jputs("\\r", f); break;
		case '\t': sr_jputs("\\t", f); break;
		default:
			if (c < 0x20)
				fprintf(f, "\\u%04X", (unsigned)c);
			else
				sr_jputs("\xef\xbf\xbd", f);   /* an invalid UTF-8 byte */
			break;
		}
		run = ++i;
	}
	if (n > run)
		sr_jwrite(f, p + run, n - run);
	putc_unlocked('"', f);
}

void sr_json_write_int(FILE *f, long long v)
{
	char buf[32];
	char *e = buf + sizeof buf, *q = e;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--q = '-';
	sr_jwrite(f, q, (size_t)(e - q));
}
