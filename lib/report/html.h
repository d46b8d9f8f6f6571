/* HTML helpers of the report: text from files made safe, and size bars
 * drawn as inline SVG. */
#ifndef SR_REPORT_HTML_H
#define SR_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shipready/size.h"

/* s as HTML text (also inside a double-quoted attribute): & < > " ' as
 * references, control bytes as a visible \xNN, a byte that is not part of
 * well-formed UTF-8 as U+FFFD.  Nothing in s can open a tag or end the
 * attribute. */
void sr_html_text(FILE *f, const char *s);
/* The same inside <code>. */
void sr_html_code(FILE *f, const char *s);

/* Is svg (Graphviz's output) free of what could run or fetch: a script
 * element, an event handler attribute, a javascript: or external link,
 * a foreignObject?  Checked before it goes inline. */
bool sr_html_svg_is_inert(const char *svg);

/* A horizontal bar chart (inline SVG) of parts, largest first as given:
 * at most rows bars, the rest summed in one more; each bar's label, bytes
 * and share of whole.  Nothing when n is 0. */
void sr_html_bars(FILE *f, const char *title, const struct sr_size_part *parts, size_t n, uint64_t whole,
                  size_t rows);

#endif
