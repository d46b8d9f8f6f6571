/* JSON helpers shared by the reports. */
#ifndef SR_REPORT_JSON_UTIL_H
#define SR_REPORT_JSON_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* A JSON string from bytes that may not be valid UTF-8 (names read from
 * files, paths): invalid sequences become U+FFFD instead of failing. */
json_t *sr_json_str(const char *s);

/* The same for n bytes (which may include NUL: JSON keeps it as \\u0000). */
json_t *sr_json_strn(const char *s, size_t n);

/* Whether s is valid UTF-8 (no overlong forms, surrogates or code points
 * past U+10FFFF): what a JSON string may hold as it is. */
bool sr_utf8_valid(const char *s);

/* Streaming writers for reports written without building a json_t: the
 * bytes json_dumps(..., JSON_COMPACT) writes for sr_json_str(s) (NULL:
 * null) and for json_integer(v).  They use the _unlocked stdio calls: the
 * caller holds the stream's lock (flockfile). */
void sr_json_write_str(FILE *f, const char *s);

/* fputs and fwrite for a stream the caller has locked (POSIX has only the
 * character forms; putc_unlocked writes to the buffer directly). */
static inline void sr_jputs(const char *s, FILE *f)
{
	while (*s)
		putc_unlocked(*s++, f);
}

static inline void sr_jwrite(FILE *f, const void *p, size_t n)
{
	const char *c = p;
#if defined(__GLIBC__)
	/* a long run: one copy into the stream's buffer (a GNU extension, as
	 * glibc has it); a few bytes cost less one by one */
	if (n >= 16) {
		fwrite_unlocked(c, 1, n, f);
		return;
	}
#endif
	for (size_t i = 0; i < n; i++)
		putc_unlocked(c[i], f);
}
void sr_json_write_int(FILE *f, long long v);

#endif
