/* Unit tests for the text helpers (lib/report/text_util.c): the 8-bytes-at-
 * a-time test for printable ASCII agrees with a byte-at-a-time one for every
 * byte value at every place in a word and across word boundaries, and the
 * widths and escapes built on it agree with their definitions; so does the
 * streamed JSON string writer (its own word test) with jansson's. */
#define _XOPEN_SOURCE 700   /* wcwidth */
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <jansson.h>

#include "report/json_util.h"
#include "report/text_util.h"
#include "util/swar.h"

#include "harness.h"

static size_t naive_prefix(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] <= 0x7e)
		i++;
	return i;
}

/* The width by its definition: a control byte 4 columns; a well-formed
 * UTF-8 sequence (shortest form, no surrogates, at most U+10FFFF) its code
 * point's; any other byte 1. */
static int naive_width(const char *s)
{
	int n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x20 || *p == 0x7f) {
			n += 4;
			p++;
			continue;
		}
		int len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		uint32_t cp = len == 1 ? *p : len == 2 ? *p & 0x1fu : len == 3 ? *p & 0x0fu : *p & 0x07u;
		for (int i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				len = 0;
				break;
			}
			cp = cp << 6 | (p[i] & 0x3fu);
		}
		bool ok = len == 1 || (len == 2 && cp >= 0x80) || (len == 3 && cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff)) ||
		          (len == 4 && cp >= 0x10000 && cp <= 0x10ffff);
		if (!ok) {
			n += 1;
			p++;
			continue;
		}
		n += sr_codepoint_width(cp);
		p += len;
	}
	return n;
}

/* s as sr_put_safe should print it */
static void naive_escape(const char *s, char *out)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			out += sprintf(out, "\\x%02x", *p);
		else
			*out++ = (char)*p;
	*out = '\0';
}

/* sr_json_str(s): s itself when it is valid UTF-8, else valid UTF-8 with
 * U+FFFD where the bytes were not (what every JSON report writes). */
static void check_json(const char *s)
{
	json_t *j = sr_json_str(s);
	const char *v = j ? json_string_value(j) : NULL;
	CHECK(v != NULL);
	if (v && sr_utf8_valid(s))
		CHECKF(strcmp(v, s) == 0, "valid UTF-8 changed: %s", v);
	else if (v)
		CHECKF(sr_utf8_valid(v) && strstr(v, "\xef\xbf\xbd") != NULL, "invalid UTF-8 not replaced: %s", v);
	json_decref(j);
}

static void check_one(const char *s, size_t len)
{
	size_t got = sr_plain_prefix(s, len), want = naive_prefix(s, len);
	CHECKF(got == want, "len %zu: prefix %zu, want %zu", len, got, want);
	if (memchr(s, 0, len))
		return;   /* the rest need a C string */
	CHECKF(sr_safe_width(s) == naive_width(s), "width %d, want %d", sr_safe_width(s), naive_width(s));
	check_json(s);
	char printed[512], want_s[512];
	FILE *f = fmemopen(printed, sizeof printed, "w");
	if (!f) {
		CHECK(f != NULL);
		return;
	}
	int cols = sr_put_safe(f, s);
	fputc('\0', f);
	fclose(f);
	naive_escape(s, want_s);
	CHECKF(strcmp(printed, want_s) == 0 && cols == naive_width(s), "printed \"%s\" (%d), want \"%s\"", printed,
	       cols, want_s);
}

/* Each word test alone: one odd byte among plain ones, at every place, and
 * the word of that byte repeated (where borrows could carry). */
static void check_words(void)
{
	for (int b = 0; b < 256; b++)
		for (int at = 0; at < 9; at++) {
			unsigned char bytes[8];
			memset(bytes, at == 8 ? b : 'a', 8);
			if (at < 8)
				bytes[at] = (unsigned char)b;
			uint64_t w = sr_word_load(bytes);
			CHECKF((sr_word_high(w) != 0) == (b >= 0x80), "high, byte %#x at %d", b, at);
			CHECKF((sr_word_below(w, 0x20) != 0) == (b < 0x20), "below 0x20, byte %#x at %d", b, at);
			CHECKF((sr_word_below(w, 0x61) != 0) == (b < 0x61), "below 0x61, byte %#x at %d", b, at);
			CHECKF((sr_word_has(w, '"') != 0) == (b == '"'), "has '\"', byte %#x at %d", b, at);
			CHECKF((sr_word_has(w, 0x7f) != 0) == (b == 0x7f), "has 0x7f, byte %#x at %d", b, at);
		}
}

/* Display widths: names in wide and combining scripts, and every code
 * point the tables class as 0 or 2 columns against the C library's own
 * wcwidth in C.UTF-8 (where it knows the code point). */
static void check_display_widths(void)
{
	static const struct { const char *s; int cols; } t[] = {
		{ "plain", 5 },
		{ "caf\xc3\xa9", 4 },                 /* é precomposed */
		{ "cafe\xcc\x81", 4 },                /* e + combining acute */
		{ "\xe5\x90\x8d\xe5\x89\x8d", 4 },    /* 名前 */
		{ "\xed\x95\x9c", 2 },                /* 한 */
		{ "\xef\xbc\xa1", 2 },                /* fullwidth A */
		{ "a\xe2\x80\x8b" "b", 2 },              /* zero-width space */
		{ "\xe5\x90", 2 },                     /* a cut sequence: a column per byte */
		{ "\xed\xa0\x80", 3 },                /* a surrogate: not UTF-8 */
		{ "\xc0\xaf", 2 },                     /* an overlong form: not UTF-8 */
		{ "a\x1b" "b", 6 },
	};
	for (size_t i = 0; i < COUNT(t); i++) {
		CHECKF(sr_safe_width(t[i].s) == t[i].cols, "\"%s\": %d columns, want %d", t[i].s, sr_safe_width(t[i].s),
		       t[i].cols);
		check_one(t[i].s, strlen(t[i].s));
	}
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		printf("text: wcwidth cross-check skipped: no C.UTF-8 locale\n");
		return;
	}
	unsigned compared = 0, differ = 0;
	for (uint32_t cp = 0xa0; cp <= 0x3fffd; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		int mine = sr_codepoint_width(cp), libc = wcwidth((wchar_t)cp);
		if (libc < 0)
			continue;   /* unassigned there, or not printable */
		compared++;
		if (libc != mine && differ++ < 20)
			CHECKF(libc == mine, "U+%04X: %d columns, the C library says %d", (unsigned)cp, mine, libc);
	}
	CHECKF(differ == 0, "%u code points differ from wcwidth", differ);
	setlocale(LC_CTYPE, "C");
	CHECKF(compared > 100000, "only %u code points compared with wcwidth", compared);
}

int main(void)
{
	check_words();
	check_display_widths();
	/* every byte value at each place of three words, in plain ASCII */
	char s[48];
	for (size_t at = 0; at < 24; at++)
		for (int b = 1; b < 256; b++) {
			memset(s, 'a' + (int)(at % 26), sizeof s);
			s[at] = (char)b;
			s[24] = '\0';
			check_one(s, 24);
			check_one(s, at + 1);   /* the odd byte last */
			check_one(s + 1, 23);   /* unaligned */
		}
	/* the edges of the printable range next to each other */
	static const unsigned char edge[] = { 0x1f, 0x20, 0x21, 0x22, 0x5c, 0x7e, 0x7f, 0x80, 0xbf, 0xc0, 0xff, 0x01 };
	for (size_t i = 0; i < COUNT(edge); i++)
		for (size_t j = 0; j < COUNT(edge); j++) {
			memset(s, 'x', sizeof s);
			for (size_t k = 0; k < 16; k += 2) {
				s[k] = (char)edge[i];
				s[k + 1] = (char)edge[j];
			}
			s[16] = '\0';
			check_one(s, 16);
		}
	/* random strings of every length up to 40, mostly printable */
	srand(7);
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(rand() % 41);
		for (size_t k = 0; k < len; k++)
			s[k] = rand() % 8 ? (char)(0x20 + rand() % 0x5f) : (char)(1 + rand() % 255);
		s[len] = '\0';
		check_one(s, len);
	}
	check_one("", 0);
	return sr_test_summary("test_text");
}
