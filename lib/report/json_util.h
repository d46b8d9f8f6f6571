/* JSON helpers shared by the reports. */
#ifndef SR_REPORT_JSON_UTIL_H
#define SR_REPORT_JSON_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* A JSON string from bytes that may not be valid UTF-8 (names read from
 * files, paths): invalid sequences become U+FFFD instead of failing. */
json_t *sr_json_str(const char *s);

/* The same for n bytes (which may include NUL: JSON keeps it as \\u0000). */
json_t *sr_json_strn(const char *s, size_t n);

/* The length of the well-formed UTF-8 sequence at p (at most n bytes; no
 * overlong form, surrogate or code point past U+10FFFF), its code point in
 * *cp (if not NULL); 0 when there is none. */
size_t sr_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);

/* Whether s is valid UTF-8 (no overlong forms, surrogates or code points
 * past U+10FFFF): what a JSON string may hold as it is. */
bool sr_utf8_valid(const char *s);

/* The findings of one check result, as check --json writes them (severity,
 * kind, reason, message, evidence, fix): check and scan share it.
 * Defined in check_report.c. */
struct sr_check_result;
json_t *sr_report_findings_json(const struct sr_check_result *r);

#endif
