/* A growable NUL-terminated text buffer for the generated files (units,
 * Dockerfiles): appends never fail loudly; `failed` says memory ran out and
 * the text is incomplete. */
#ifndef SR_UTIL_STRBUF_H
#define SR_UTIL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sr_strbuf {
	char *d;          /* malloc'd text (free() it), NULL while empty */
	size_t len, cap;
	bool failed;
};

void sr_strbuf_put_n(struct sr_strbuf *b, const char *s, size_t n);
void sr_strbuf_puts(struct sr_strbuf *b, const char *s);
/* s in a comment of a generated file: each control byte as '?', so a name
 * read from a binary cannot end the comment's line. */
void sr_strbuf_put_comment(struct sr_strbuf *b, const char *s);
void sr_strbuf_printf(struct sr_strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

#endif
