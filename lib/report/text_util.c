#include "report/text_util.h"

#include <stdbool.h>
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

#include "report/width_table.h"

static bool in_ranges(const struct sr_width_range *r, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

int sr_codepoint_width(uint32_t cp)
{
	if (cp < 0xa0)
		return 1;
	if (in_ranges(sr_zero_width, sizeof sr_zero_width / sizeof sr_zero_width[0], cp))
		return 0;
	return in_ranges(sr_wide, sizeof sr_wide / sizeof sr_wide[0], cp) ? 2 : 1;
}

/* The columns of the character starting at p (not a control byte) and its
 * length: a well-formed UTF-8 sequence by its code point, any other byte as
 * one column (a terminal shows a replacement character). */
static int char_width(const unsigned char *p, size_t *len)
{
	unsigned c = p[0];
	size_t n = c >= 0xf5 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 1;
	if (c < 0x80 || n == 1) {
		*len = 1;
		return 1;
	}
	uint32_t cp = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*len = 1;
			return 1;
		}
		cp = cp << 6 | (p[i] & 0x3f);
	}
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		*len = 1;
		return 1;
	}
	*len = n;
	return sr_codepoint_width(cp);
}

int sr_put_safe(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	int n = 0;
	const unsigned char *p = (const unsigned char *)s, *run = p;
	while (*p) {
		if (*p < 0x20 || *p == 0x7f) {
			/* flush the printable run, then \xNN */
			if (p > run)
				fwrite(run, 1, (size_t)(p - run), f);
			char esc[4] = { '\\', 'x', hex[*p >> 4], hex[*p & 15] };
			fwrite(esc, 1, sizeof esc, f);
			n += 4;
			run = ++p;
		} else {
			size_t len;
			n += char_width(p, &len);
			p += len;
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
	for (const unsigned char *p = (const unsigned char *)s + plain; *p;) {
		size_t len = 1;
		n += *p < 0x20 || *p == 0x7f ? 4 : char_width(p, &len);
		p += len;
	}
	return n;
}

void sr_put_graph_label(FILE *f, const char *s, bool mermaid)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\' || *p < 0x20)
			fputs(mermaid ? "#quot;" : "\\\"", f);
		else
			fputc(*p, f);
	}
}

void sr_human_bytes(char *buf, size_t n, uint64_t b)
{
	if (b >= (uint64_t)1 << 30)
		snprintf(buf, n, "%.1f GiB", (double)b / (1 << 30));
	else if (b >= 1 << 20)
		snprintf(buf, n, "%.1f MiB", (double)b / (1 << 20));
	else if (b >= 1 << 10)
		snprintf(buf, n, "%.1f KiB", (double)b / (1 << 10));
	else
		snprintf(buf, n, "%llu B", (unsigned long long)b);
}
