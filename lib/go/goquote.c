/* Go's string quoting, as Go 1.19's strconv does it (Quote, QuoteRune,
 * Unquote, QuotedPrefix): the build lines of the module info text quote
 * their keys and values this way, and `go version -m` prints them so.
 *
 * Facts about Go's behaviour that the code below follows (checked against
 * go1.19 by tests/cli/test_goquote_oracle.py):
 *  - UTF-8 is decoded as unicode/utf8 does: an invalid, overlong, truncated
 *    or surrogate sequence counts as one bad byte.
 *  - Quote keeps printable runes (IsPrint: goprint_table.h) as they are,
 *    writes the bad bytes as \xNN, and escapes everything else with \a \b
 *    \f \n \r \t \v, \xNN (below space and DEL), \uNNNN or \UNNNNNNNN, in
 *    lower-case hex.  The quote character and the backslash get a backslash.
 *  - Unquote finds the closing quote optimistically (the first quote
 *    character after the opening one).  When the text up to there holds no
 *    backslash and no newline it is taken as it is (for "…" only if it is
 *    valid UTF-8; for '…' only if it is one rune — or none: '' is accepted).
 *    Otherwise it is decoded escape by escape; on that path a bad UTF-8 byte
 *    becomes U+FFFD, a newline is an error, \x and octal escapes give bytes
 *    (octal at most \377), \u and \U must name a rune (no surrogates, at most
 *    U+10FFFF), \' only in '…' and \" only in "…".
 *  - A raw string `…` ends at the next backquote, may hold anything else
 *    (newlines and bad UTF-8 too); Unquote drops its carriage returns,
 *    QuotedPrefix keeps the text as it is. */
#include "go/go_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "go/goprint_table.h"
#include "util/hex.h"

#define RUNE_ERROR 0xFFFDu

/* ---- the buffer ---- */

static bool gobuf_reserve(struct sr_gobuf *b, size_t n)
{
	if (b->failed)
		return false;
	if (b->cap - b->len > n)   /* keep room for a final NUL */
		return true;
	if (n > SIZE_MAX / 2 - b->len) {
		b->failed = true;
		return false;
	}
	size_t ncap = b->cap ? b->cap : 64;
	while (ncap - b->len <= n)
		ncap *= 2;
	char *d = realloc(b->data, ncap);
	if (!d) {
		b->failed = true;
		return false;
	}
	b->data = d;
	b->cap = ncap;
	return true;
}

void sr_gobuf_put(struct sr_gobuf *b, const void *s, size_t n)
{
	if (n == 0 || !gobuf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void sr_gobuf_putc(struct sr_gobuf *b, char ch)
{
	sr_gobuf_put(b, &ch, 1);
}

void sr_gobuf_free(struct sr_gobuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

/* ---- UTF-8 and IsPrint ---- */

/* Decode the rune at the start of s (n > 0 bytes).  An invalid sequence
 * gives RUNE_ERROR with width 1 (a correctly encoded U+FFFD has width 3). */
static uint32_t decode_rune(const unsigned char *s, size_t n, size_t *width)
{
	unsigned c = s[0];
	*width = 1;
	if (c < 0x80)
		return c;
	size_t need;
	uint32_t r;
	unsigned lo = 0x80, hi = 0xBF;   /* the range of the second byte */
	if (c >= 0xC2 && c <= 0xDF) {
		need = 2;
		r = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		r = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;   /* no overlong forms */
		else if (c == 0xED)
			hi = 0x9F;   /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		r = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;   /* nothing above U+10FFFF */
	} else {
		return RUNE_ERROR;
	}
	if (n < need || s[1] < lo || s[1] > hi)
		return RUNE_ERROR;
	r = (r << 6) | (s[1] & 0x3Fu);
	for (size_t i = 2; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return RUNE_ERROR;
		r = (r << 6) | (s[i] & 0x3Fu);
	}
	*width = need;
	return r;
}

/* Encode a valid rune; returns the number of bytes (1–4). */
static size_t encode_rune(uint32_t r, char out[4])
{
	if (r < 0x80) {
		out[0] = (char)r;
		return 1;
	}
	if (r < 0x800) {
		out[0] = (char)(0xC0 | (r >> 6));
		out[1] = (char)(0x80 | (r & 0x3F));
		return 2;
	}
	if (r < 0x10000) {
		out[0] = (char)(0xE0 | (r >> 12));
		out[1] = (char)(0x80 | ((r >> 6) & 0x3F));
		out[2] = (char)(0x80 | (r & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (r >> 18));
	out[1] = (char)(0x80 | ((r >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((r >> 6) & 0x3F));
	out[3] = (char)(0x80 | (r & 0x3F));
	return 4;
}

static bool valid_rune(uint32_t r)
{
	return r <= 0x10FFFF && (r < 0xD800 || r > 0xDFFF);
}

static bool valid_utf8(const unsigned char *s, size_t n)
{
	size_t w;
	for (size_t i = 0; i < n; i += w)
		if (decode_rune(s + i, n - i, &w) == RUNE_ERROR && w == 1)
			return false;
	return true;
}

bool sr_go_is_print(uint32_t r)
{
	size_t lo = 0, hi;
	if (r < 0x10000) {
		hi = sizeof sr_go_print16 / sizeof sr_go_print16[0];
		while (lo < hi) {   /* first range whose end is >= r */
			size_t mid = lo + (hi - lo) / 2;
			if (sr_go_print16[mid][1] < r)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < sizeof sr_go_print16 / sizeof sr_go_print16[0] && sr_go_print16[lo][0] <= r;
	}
	hi = sizeof sr_go_print32 / sizeof sr_go_print32[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sr_go_print32[mid][1] < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sizeof sr_go_print32 / sizeof sr_go_print32[0] && sr_go_print32[lo][0] <= r;
}

/* ---- quoting ---- */

static void put_hex(struct sr_gobuf *b, const char *prefix, uint32_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[10];
	size_t n = 0;
	tmp[n++] = prefix[0];
	tmp[n++] = prefix[1];
	for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
		tmp[n++] = hex[(v >> shift) & 0xF];
	sr_gobuf_put(b, tmp, n);
}

/* One valid rune inside a literal delimited by quote. */
static void put_escaped_rune(struct sr_gobuf *b, uint32_t r, char quote)
{
	if (r == (unsigned char)quote || r == '\\') {
		sr_gobuf_putc(b, '\\');
		sr_gobuf_putc(b, (char)r);
		return;
	}
	if (sr_go_is_print(r)) {
		char enc[4];
		sr_gobuf_put(b, enc, encode_rune(r, enc));
		return;
	}
	char name = 0;
	switch (r) {
	case '\a': name = 'a'; break;
	case '\b': name = 'b'; break;
	case '\f': name = 'f'; break;
	case '\n': name = 'n'; break;
	case '\r': name = 'r'; break;
	case '\t': name = 't'; break;
	case '\v': name = 'v'; break;
	}
	if (name) {
		sr_gobuf_putc(b, '\\');
		sr_gobuf_putc(b, name);
	} else if (r < ' ' || r == 0x7F)
		put_hex(b, "\\x", r, 2);
	else if (r < 0x10000)
		put_hex(b, "\\u", r, 4);
	else
		put_hex(b, "\\U", r, 8);
}

void sr_go_quote(struct sr_gobuf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	sr_gobuf_putc(b, '"');
	size_t w;
	for (size_t i = 0; i < n; i += w) {
		uint32_t r = decode_rune(u + i, n - i, &w);
		if (r == RUNE_ERROR && w == 1)
			put_hex(b, "\\x", u[i], 2);
		else
			put_escaped_rune(b, r, '"');
	}
	sr_gobuf_putc(b, '"');
}

void sr_go_quote_rune(struct sr_gobuf *b, uint32_t r)
{
	if (!valid_rune(r))
		r = RUNE_ERROR;
	sr_gobuf_putc(b, '\'');
	put_escaped_rune(b, r, '\'');
	sr_gobuf_putc(b, '\'');
}

/* ---- unquoting ---- */

/* Where unquoted bytes go: counted only while dst is NULL. */
struct sink {
	char *dst;
	size_t len;
};

static void sink_put(struct sink *k, const void *s, size_t n)
{
	if (k && k->dst)
		memcpy(k->dst + k->len, s, n);
	if (k)
		k->len += n;
}

/* One character or escape at the start of s (n > 0 bytes, s[0] is not the
 * closing quote) of a literal delimited by quote: its value, whether it is
 * a rune to encode (else a single byte) and its width.  False on a bad
 * escape. */
static bool unquote_char(const unsigned char *s, size_t n, char quote, uint32_t *value, bool *multibyte,
                         size_t *width)
{
	*multibyte = false;
	if (s[0] >= 0x80) {
		*value = decode_rune(s, n, width);
		*multibyte = true;
		return true;
	}
	if (s[0] != '\\') {
		*value = s[0];
		*width = 1;
		return true;
	}
	if (n < 2)
		return false;
	unsigned char c = s[1];
	switch (c) {
	case 'a': *value = '\a'; break;
	case 'b': *value = '\b'; break;
	case 'f': *value = '\f'; break;
	case 'n': *value = '\n'; break;
	case 'r': *value = '\r'; break;
	case 't': *value = '\t'; break;
	case 'v': *value = '\v'; break;
	case '\\': *value = '\\'; break;
	case '\'':
	case '"':
		if (c != (unsigned char)quote)
			return false;
		*value = c;
		break;
	case 'x':
	case 'u':
	case 'U': {
		size_t digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
		if (n - 2 < digits)
			return false;
		uint32_t v = 0;
		for (size_t i = 0; i < digits; i++) {
			int x = sr_hex_digit(s[2 + i]);
			if (x < 0)
				return false;
			v = (v << 4) | (uint32_t)x;
		}
		if (c != 'x') {
			if (!valid_rune(v))
				return false;
			*multibyte = true;
		}
		*value = v;
		*width = 2 + digits;
		return true;
	}
	case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
		if (n - 2 < 2)
			return false;
		uint32_t v = c - '0';
		for (size_t i = 0; i < 2; i++) {
			if (s[2 + i] < '0' || s[2 + i] > '7')
				return false;
			v = (v << 3) | (uint32_t)(s[2 + i] - '0');
		}
		if (v > 255)
			return false;
		*value = v;
		*width = 4;
		return true;
	}
	default:
		return false;
	}
	*width = 2;
	return true;
}

/* The quoted string at the start of s: true with *end = its length (quotes
 * included) and its value sent to out (which may be NULL). */
static bool unquote_prefix(const char *s, size_t n, struct sink *out, size_t *end)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n < 2)
		return false;
	char quote = s[0];
	const char *close = memchr(s + 1, quote, n - 1);
	if (!close)
		return false;
	size_t e = (size_t)(close - s) + 1;   /* just past the first closing quote */

	if (quote == '`') {
		for (size_t i = 1; i + 1 < e; i++)
			if (s[i] != '\r')
				sink_put(out, s + i, 1);
		*end = e;
		return true;
	}
	if (quote != '"' && quote != '\'')
		return false;

	/* Nothing to decode: the text between the quotes is the value. */
	if (!memchr(s, '\\', e) && !memchr(s, '\n', e)) {
		bool valid;
		if (quote == '"') {
			valid = valid_utf8(u + 1, e - 2);
		} else if (e == 2) {
			valid = true;   /* '' (Go 1.19 accepts it as the empty string) */
		} else {
			size_t w;
			uint32_t r = decode_rune(u + 1, e - 2, &w);
			valid = w + 2 == e && !(r == RUNE_ERROR && w == 1);
		}
		if (valid) {
			sink_put(out, s + 1, e - 2);
			*end = e;
			return true;
		}
	}

	size_t i = 1;
	while (i < n && s[i] != quote) {
		if (s[i] == '\n')
			return false;
		uint32_t v;
		bool multibyte;
		size_t w;
		if (!unquote_char(u + i, n - i, quote, &v, &multibyte, &w))
			return false;
		i += w;
		if (v < 0x80 || !multibyte) {
			char ch = (char)v;
			sink_put(out, &ch, 1);
		} else {
			char enc[4];
			sink_put(out, enc, encode_rune(v, enc));
		}
		if (quote == '\'')
			break;
	}
	if (i >= n || s[i] != quote)
		return false;
	*end = i + 1;
	return true;
}

size_t sr_go_quoted_prefix(const char *s, size_t n)
{
	size_t end;
	return unquote_prefix(s, n, NULL, &end) ? end : 0;
}

bool sr_go_unquote(struct sr_arena *a, const char *s, size_t n, char **out, size_t *outlen)
{
	struct sink count = { NULL, 0 };
	size_t end;
	*out = NULL;
	*outlen = 0;
	if (!unquote_prefix(s, n, &count, &end) || end != n)
		return false;
	char *dst = sr_arena_alloc(a, count.len + 1);
	if (!dst)
		return false;
	struct sink fill = { dst, 0 };
	unquote_prefix(s, n, &fill, &end);
	dst[fill.len] = '\0';
	*out = dst;
	*outlen = fill.len;
	return true;
}
