/* Text helpers shared by the reports. */
#ifndef SR_REPORT_TEXT_UTIL_H
#define SR_REPORT_TEXT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Print text that may come from a file: printable bytes and UTF-8 as they
 * are, control bytes as \\xNN, so a hostile binary cannot drive the
 * terminal.  Returns the number of columns printed. */
int sr_put_safe(FILE *f, const char *s);

/* The columns sr_put_safe would print for s: a well-formed UTF-8 character
 * by sr_codepoint_width, a control byte 4 (\\xNN), any other byte 1. */
int sr_safe_width(const char *s);

/* Columns of a code point on a terminal: 2 East Asian wide and fullwidth,
 * 0 combining marks and format characters, else 1 (width_table.h, from
 * the Unicode Character Database by tools/gen_widths.py). */
int sr_codepoint_width(uint32_t cp);

/* How many of the first len bytes of s are printable ASCII (0x20 to 0x7e)
 * before the first that is not: the common case, tested 8 bytes at a time. */
size_t sr_plain_prefix(const char *s, size_t len);

/* A label inside double quotes of a Graphviz (mermaid false) or mermaid
 * graph: quotes, backslashes and control bytes cannot end it or inject
 * statements (dot: \", mermaid: #quot;). */
void sr_put_graph_label(FILE *f, const char *s, bool mermaid);

/* bytes as people read them: "1.2 MiB", "34.5 KiB", "512 B" (1024-based). */
void sr_human_bytes(char *buf, size_t n, uint64_t bytes);

#endif
