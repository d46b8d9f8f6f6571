/* Percent-encoding (RFC 3986): what purls and SARIF's artifact URIs are
 * written with. */
#ifndef SR_UTIL_PCTENC_H
#define SR_UTIL_PCTENC_H

#include <stdbool.h>

/* s with every byte outside the unreserved set (A-Z a-z 0-9 - . _ ~), and
 * '/' unless keep_slash, as %XX.  malloc'd; NULL when out of memory. */
char *sr_percent_encode(const char *s, bool keep_slash);

#endif
