/* shipready — Go binaries: build info, pclntab and what they imply.
 *
 * sr_go_read() reads what a Go binary says about itself from its memory
 * image (any format that fills a struct sr_image): the build info blob (both
 * the pointer layout of Go 1.13–1.17 and the inline layout of Go 1.18+), the
 * module info text inside it, and the pclntab (function names, hence the
 * linked packages).  Only the pages of those tables are touched. */
#ifndef SHIPREADY_GO_H
#define SHIPREADY_GO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/error.h"
#include "shipready/image.h"

/* A module line of the build info ("mod", "dep" or "=>").  The strings are
 * NUL-terminated; Go strings may hold NUL bytes, so the parser also records
 * their lengths (a length of 0 in a struct made by hand means strlen). */
struct sr_go_module {
	const char *path;
	const char *version;
	const char *sum;                    /* "" when absent */
	const struct sr_go_module *replace; /* the "=>" line after it, or NULL */
	size_t path_len, version_len, sum_len;
};

/* A "build" line: key=value.  Go strings may hold NUL bytes, so the lengths
 * are kept (the strings are also NUL-terminated). */
struct sr_go_setting {
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len;
};

/* What runtime/debug.ParseBuildInfo makes of the module info text. */
struct sr_go_modinfo {
	const char *path;                   /* "" when absent */
	size_t path_len;                    /* as in struct sr_go_module */
	struct sr_go_module main;           /* all "" when absent */
	struct sr_go_module *deps;
	size_t ndeps;
	struct sr_go_setting *settings;
	size_t nsettings;
};

/* The pclntab layouts, named for the first Go release that wrote them. */
enum sr_go_pcln {
	SR_GO_PCLN_NONE = 0,
	SR_GO_PCLN_12,      /* magic 0xfffffffb, Go 1.2–1.15 */
	SR_GO_PCLN_116,     /* magic 0xfffffffa, Go 1.16–1.17 */
	SR_GO_PCLN_118,     /* magic 0xfffffff0, Go 1.18–1.19 */
	SR_GO_PCLN_120,     /* magic 0xfffffff1, Go 1.20+ */
};

/* The module info text (between the 16-byte sentinels) as Go's
 * debug.ParseBuildInfo reads it.  On failure *out is NULL and errbuf holds
 * Go's own message ("could not parse Go build info: line 3: …"). */
enum sr_err sr_go_modinfo_parse(const char *text, size_t len, struct sr_go_modinfo **out,
                                char *errbuf, size_t errlen);
/* Frees what sr_go_modinfo_parse returned (and nothing else); NULL is fine. */
void sr_go_modinfo_free(struct sr_go_modinfo *m);

/* The text debug.BuildInfo.String() produces for m with an empty GoVersion
 * (what `go version -m` indents under the file name).  malloc'd, NUL-
 * terminated; *len (if not NULL) is its length.  NULL when out of memory. */
char *sr_go_modinfo_string(const struct sr_go_modinfo *m, size_t *len);

/* The value of build setting key in m (the first, should the key repeat),
 * or NULL. */
const struct sr_go_setting *sr_go_modinfo_setting(const struct sr_go_modinfo *m, const char *key);

/* Short names for display and JSON: "1.2", "1.16", "1.18", "1.20", or NULL. */
const char *sr_go_pcln_name(enum sr_go_pcln p);

#endif
