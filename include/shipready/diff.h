/* shipready — what changed between two builds of one program that matters
 * for deployment: each a change of one aspect, judged a regression, an
 * improvement or neither, from the two files' shared analyses.  A diff
 * policy (docs/diff.md) says which changes fail. */
#ifndef SHIPREADY_DIFF_H
#define SHIPREADY_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/analysis.h"
#include "shipready/error.h"

enum sr_change_effect { SR_CHANGE_NEUTRAL = 0, SR_CHANGE_IMPROVEMENT, SR_CHANGE_REGRESSION };

/* Aspects (JSON "aspect"):
 *   floor        the newest symbol version required per family (GLIBC,
 *                GLIBCXX, CXXABI, …), the minimum kernel
 *   library      a needed library added or dropped
 *   need         a run-time need (ca-roots, zoneinfo, …) added or dropped
 *   linkage, interpreter, libc, cgo
 *   hardening    pie, relro, nx, canary, fortify
 *   go           the Go release
 *   module       a Go module added, removed, upgraded or downgraded
 *   setting      a Go build setting (-trimpath, -ldflags, -tags, CGO_ENABLED, …)
 *   vcs          vcs.modified, vcs.revision
 *   size         the file, and each section that changed by 1% or more */
struct sr_change {
	const char *aspect;
	const char *what;            /* "GLIBC", "libssl.so.3", "pie", "golang.org/x/net", ".text", … */
	const char *old_value;       /* NULL: absent in the old build */
	const char *new_value;       /* NULL: absent in the new build */
	enum sr_change_effect effect;
	bool downgrade;              /* module: the new version is older */
	bool with_new_library;       /* floor: a new family that came with a new library (left to
	                              * no_new_libraries) */
	int64_t delta;               /* size: new - old bytes; floor: minor versions risen (< 0: fell) */
	const char *summary;         /* one line: "GLIBC floor rose: 2.17 → 2.34" */
};

struct sr_diff_priv;

struct sr_diff {
	struct sr_change *v;         /* regressions first, then improvements, then the rest */
	size_t n;
	bool truncated;              /* more changes than are kept (20000): the rest are not listed */
	struct sr_diff_priv *priv;
};

/* Compare two analysed files (any format; ELF gives the most). */
enum sr_err sr_diff_make(const struct sr_analysis *old, const struct sr_analysis *new_, struct sr_diff *out,
                         struct sr_error *err);
void sr_diff_free(struct sr_diff *d);

/* The name a release artifact is paired by: its path relative to its
 * directory with the versions taken out of each name ("1.2/app-1.2.3-linux-
 * amd64" → "/app-linux-amd64", "tool_v2.0.exe" → "tool.exe"; a version is
 * two or more numbers joined by dots, maybe after a 'v', maybe followed by
 * a pre-release word and number: -rc1, -beta.2).  malloc'd; NULL when out
 * of memory. */
char *sr_diff_name_key(const char *rel);

/* ---- what fails */

struct sr_diff_policy {
	const char *name;            /* "default", or the file's "name" or path */
	int max_floor_raise;         /* minor versions a floor may rise (-1: no limit) */
	bool no_new_libraries;
	bool no_new_needs;
	bool no_hardening_loss;
	bool no_module_downgrade;
	bool no_linkage_change;      /* linkage, interpreter, libc and cgo */
	bool owned;                  /* name is the policy's own copy */
};

/* The policy without --policy: floors must not rise, no hardening may be
 * lost, no module may go down. */
void sr_diff_policy_default(struct sr_diff_policy *p);

/* Load a JSON diff policy file (docs/diff.md), read by the policy files'
 * JSON reader: errors "LINE:COLUMN: reason" for bad JSON, unknown or
 * repeated keys and wrong types; over 256 KiB is SR_E_TOO_BIG.  The strings belong
 * to *p until sr_diff_policy_free. */
enum sr_err sr_diff_policy_load(const char *path, struct sr_diff_policy *p, struct sr_error *err);
/* The same for bytes in memory; fallback_name names a policy without
 * "name" (NULL: "policy"). */
enum sr_err sr_diff_policy_parse(const char *buf, size_t len, const char *fallback_name, struct sr_diff_policy *p,
                                 struct sr_error *err);
void sr_diff_policy_free(struct sr_diff_policy *p);

/* Does change c fail policy p?  *rule (if not NULL) receives the key. */
bool sr_diff_fails(const struct sr_diff_policy *p, const struct sr_change *c, const char **rule);

#endif
