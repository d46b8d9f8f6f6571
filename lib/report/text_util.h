/* Text helpers shared by the reports. */
#ifndef SR_REPORT_TEXT_UTIL_H
#define SR_REPORT_TEXT_UTIL_H

#include <stdio.h>

/* Print text that may come from a file: printable bytes and UTF-8 as they
 * are, control bytes as \\xNN, so a hostile binary cannot drive the
 * terminal.  Returns the number of columns printed. */
int sr_put_safe(FILE *f, const char *s);

/* The columns sr_put_safe would print for s. */
int sr_safe_width(const char *s);

#endif
