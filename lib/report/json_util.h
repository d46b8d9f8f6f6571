/* JSON helpers shared by the reports. */
#ifndef SR_REPORT_JSON_UTIL_H
#define SR_REPORT_JSON_UTIL_H

#include <jansson.h>
#include <stdio.h>

/* A JSON string from bytes that may not be valid UTF-8 (names read from
 * files, paths): invalid sequences become U+FFFD instead of failing. */
json_t *sr_json_str(const char *s);

/* The same for n bytes (which may include NUL: JSON keeps it as \\u0000). */
json_t *sr_json_strn(const char *s, size_t n);

/* Streaming writers for reports written without building a json_t: the
 * bytes json_dumps(..., JSON_COMPACT) writes for sr_json_str(s) (NULL:
 * null) and for json_integer(v). */
void sr_json_write_str(FILE *f, const char *s);
void sr_json_write_int(FILE *f, long long v);

#endif
