/* HTML helpers of the report (see html.h). */
#include "report/html.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "report/json_util.h"
#include "report/text_util.h"

static void put_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c < 0x80) {
			switch (c) {
			case '&': fputs("&amp;", f); break;
			case '<': fputs("&lt;", f); break;
			case '>': fputs("&gt;", f); break;
			case '"': fputs("&quot;", f); break;
			case '\'': fputs("&#39;", f); break;
			default:
				if (c < 0x20 || c == 0x7f)
					fprintf(f, "\\x%02x", c);
				else
					fputc(c, f);
			}
			i++;
			continue;
		}
		size_t k = sr_utf8_seq(p + i, n - i, NULL);
		if (k == 0) {
			fputs("\xef\xbf\xbd", f);   /* U+FFFD */
			i++;
		} else {
			fwrite(p + i, 1, k, f);
			i += k;
		}
	}
}

void sr_html_text(FILE *f, const char *s)
{
	if (s)
		put_escaped(f, s);
}

void sr_html_code(FILE *f, const char *s)
{
	fputs("<code>", f);
	sr_html_text(f, s);
	fputs("</code>", f);
}

/* Does s contain needle, ignoring ASCII case? */
static bool has_nocase(const char *s, const char *needle)
{
	size_t n = strlen(needle);
	for (; *s; s++) {
		size_t i = 0;
		while (i < n && s[i] && tolower((unsigned char)s[i]) == needle[i])
			i++;
		if (i == n)
			return true;
	}
	return false;
}

bool sr_html_svg_is_inert(const char *svg)
{
	if (has_nocase(svg, "<script") || has_nocase(svg, "javascript:") || has_nocase(svg, "<foreignobject") ||
	    has_nocase(svg, "href=\"http") || has_nocase(svg, "href='http") || has_nocase(svg, "<iframe"))
		return false;
	/* an attribute named on… (onload=, onclick=): a space, "on", letters, "=" */
	for (const char *p = svg; (p = strstr(p, " on")) != NULL; p += 3) {
		const char *q = p + 3;
		while (isalpha((unsigned char)*q))
			q++;
		if (q > p + 3 && *q == '=')
			return false;
	}
	return true;
}


enum { LABEL_W = 300, BAR_W = 360, ROW_H = 18, VALUE_W = 130 };

void sr_html_bars(FILE *f, const char *title, const struct sr_size_part *parts, size_t n, uint64_t whole,
                  size_t rows)
{
	if (!n)
		return;
	size_t shown = n < rows ? n : rows;
	uint64_t rest = 0, max = 1;
	for (size_t i = 0; i < n; i++) {
		if (i >= shown)
			rest += parts[i].bytes;
		else if (parts[i].bytes > max)
			max = parts[i].bytes;
	}
	if (rest > max)
		max = rest;
	size_t bars = shown + (rest ? 1 : 0);
	unsigned h = (unsigned)(bars * ROW_H + 24);
	fprintf(f, "<figure class=\"size\"><figcaption>");
	sr_html_text(f, title);
	fprintf(f, "</figcaption>\n<svg class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%u\" "
	           "viewBox=\"0 0 %d %u\" role=\"img\">\n",
	        LABEL_W + BAR_W + VALUE_W, h, LABEL_W + BAR_W + VALUE_W, h);
	for (size_t i = 0; i < bars; i++) {
		bool other = i == shown;
		uint64_t b = other ? rest : parts[i].bytes;
		unsigned y = (unsigned)(i * ROW_H + 4);
		unsigned w = (unsigned)((double)BAR_W * (double)b / (double)max);
		char hb[32], label[64];
		sr_human_bytes(hb, sizeof hb, b);
		fprintf(f, "<text x=\"%d\" y=\"%u\" text-anchor=\"end\">", LABEL_W - 6, y + 12);
		if (other) {
			snprintf(label, sizeof label, "(%zu more)", n - shown);
			sr_html_text(f, label);
		} else {
			/* a long name is cut from the left: its end tells it apart */
			const char *name = parts[i].name;
			size_t len = strlen(name);
			if (len > 48) {
				const char *cut = name + len - 46;
				while ((unsigned char)*cut >= 0x80 && (unsigned char)*cut < 0xc0)
					cut++;   /* not inside a UTF-8 sequence */
				fputs("\xe2\x80\xa6", f);
				sr_html_text(f, cut);
			} else {
				sr_html_text(f, name);
			}
		}
		fprintf(f, "</text><rect x=\"%d\" y=\"%u\" width=\"%u\" height=\"%d\" rx=\"2\"><title>", LABEL_W, y,
		        w ? w : 1, ROW_H - 5);
		sr_html_text(f, other ? label : parts[i].name);
		fprintf(f, ": %s</title></rect><text x=\"%u\" y=\"%u\">%s  %.1f%%</text>\n", hb, LABEL_W + w + 6, y + 12,
		        hb, whole ? 100.0 * (double)b / (double)whole : 0.0);
	}
	fputs("</svg></figure>\n", f);
}
