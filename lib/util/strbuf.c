#include "util/strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sr_strbuf_put_n(struct sr_strbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (!b->d || n >= b->cap - b->len) {
		size_t want = b->cap ? b->cap : 4096;
		while (want - b->len <= n) {
			if (want > SIZE_MAX / 2) {
				b->failed = true;
				return;
			}
			want *= 2;
		}
		char *d = realloc(b->d, want);
		if (!d) {
			b->failed = true;
			return;
		}
		b->d = d;
		b->cap = want;
	}
	memcpy(b->d + b->len, s, n);
	b->len += n;
	b->d[b->len] = '\0';
}

void sr_strbuf_puts(struct sr_strbuf *b, const char *s)
{
	sr_strbuf_put_n(b, s, strlen(s));
}

void sr_strbuf_printf(struct sr_strbuf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n < sizeof tmp) {
		sr_strbuf_put_n(b, tmp, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sr_strbuf_put_n(b, big, (size_t)n);
	free(big);
}

void sr_strbuf_put_comment(struct sr_strbuf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char c = (*p < 0x20 || *p == 0x7f) ? '?' : (char)*p;
		sr_strbuf_put_n(b, &c, 1);
	}
}
