/* shipready — turn analysis results into text or JSON.  The library writes to
 * the stream it is given and never chooses exit codes. */
#ifndef SHIPREADY_REPORT_H
#define SHIPREADY_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "shipready/check.h"
#include "shipready/compdeps.h"
#include "shipready/deps.h"
#include "shipready/diff.h"
#include "shipready/go.h"
#include "shipready/inspect.h"
#include "shipready/policy.h"
#include "shipready/scan.h"
#include "shipready/size.h"
#include "shipready/targets.h"

#define SR_INSPECT_SCHEMA_VERSION 1

struct sr_text_style {
	bool color;              /* ANSI colour (only on a TTY, never with NO_COLOR) */
};

/* Human report for one inspected file and its run-time needs (an
 * analysis's: see shipready/analysis.h). */
void sr_report_inspect_text(FILE *out, const struct sr_inspect *in, const struct sr_needs *needs,
                            const struct sr_text_style *st);

/* JSON object for one inspected file (a jansson json_t *, returned as void *
 * so that this header does not require jansson). Caller json_decref()s it. */
void *sr_report_inspect_json(const struct sr_inspect *in, const struct sr_needs *needs);

/* deps: the explained tree (all: also edges to objects already loaded). */
void sr_report_deps_text(FILE *out, const char *path, const struct sr_deps *d, const struct sr_text_style *st,
                         bool all);
/* deps --flat: ldd's list, `name => path`, the interpreter last. */
void sr_report_deps_flat(FILE *out, const char *path, const struct sr_deps *d);
/* deps --json: one result object (jansson json_t * as void *), docs/schema/deps.json. */
void *sr_report_deps_json(const char *path, const char *root, const struct sr_deps *d);
/* deps --graph dot|mermaid. */
void sr_report_deps_graph(FILE *out, const struct sr_deps *d, bool mermaid);

#define SR_DEPS_SCHEMA_VERSION 1

/* go packages: the linked packages with their modules (text), and one JSON
 * result (docs/schema/go-packages.json). */
void sr_report_go_packages_text(FILE *out, const char *path, const struct sr_go_info *g);
void *sr_report_go_packages_json(const char *path, const struct sr_go_info *g);

#define SR_GO_PACKAGES_SCHEMA_VERSION 1

/* inspect over several files: one row per artifact (the release matrix). */
#define SR_MATRIX_COLS 9
struct sr_matrix_row {
	char file[256];
	char format[16];
	char platform[48];       /* os/arch, Go's names where they exist */
	char link[24];
	char libc[48];           /* "glibc 2.34", "musl", "none", system libraries… */
	char go[64];
	char cgo[8];
	char min_os[48];
	char needs[192];
};
void sr_matrix_row_fill(const struct sr_inspect *in, struct sr_matrix_row *row);
void sr_report_matrix_text(FILE *out, const struct sr_matrix_row *rows, size_t n, const struct sr_text_style *st);

/* shipready targets: aligned columns (NAME LIBC KERNEL GLIBCXX OPENSSL CA
 * BUNDLE ZONEINFO ARCHES; "?" where the sources leave a value open, "-"
 * where it is known to be absent), and one JSON result per target
 * (docs/schema/targets.json). */
void sr_report_targets_text(FILE *out, const struct sr_targets *db);
void *sr_report_target_json(const struct sr_target *t);

#define SR_TARGETS_SCHEMA_VERSION 1

/* shipready check: the verdict matrix (verdicts[i * nt + j] for file i on
 * target j; "ok"/"FAIL"/"warn"/"?" words, or ✓/✗/! in colour), then per
 * binary what it needs and every failure, warning and unknown with the
 * message users would see and the fixes. */
void sr_report_check_matrix_text(FILE *out, const char *const *targets, size_t nt, const char *const *files,
                                 const enum sr_verdict *verdicts, size_t nf, const struct sr_text_style *st);
void sr_report_check_details_text(FILE *out, const struct sr_inspect *in, const struct sr_runtimes *rt,
                                  const struct sr_needs *needs, struct sr_check_result *const *results, size_t n,
                                  const struct sr_text_style *st);
/* JSON (docs/schema/check.json): one target object, one binary object. */
void *sr_report_check_target_json(const struct sr_check_target *t);
void *sr_report_check_binary_json(const struct sr_inspect *in, const struct sr_runtimes *rt,
                                  const struct sr_needs *needs, struct sr_check_result *const *results, size_t n);

#define SR_CHECK_SCHEMA_VERSION 1

/* JSON object for an input that could not be analysed. */
void *sr_report_error_json(const char *path, const char *reason);

/* check --policy: one binary's violations, one line each ("FAIL PATH: RULE:
 * MESSAGE   EVIDENCE"); the section's first line ("policy NAME") and last
 * ("N violations"); and the JSON object of one binary's result. */
void sr_report_policy_text(FILE *out, const char *path, const struct sr_violations *v, const struct sr_text_style *st);
void sr_report_policy_header_text(FILE *out, const struct sr_policy *p);
void sr_report_policy_total_text(FILE *out, size_t total);
void *sr_report_policy_json(const struct sr_policy *p, const struct sr_violations *v);

/* compile-deps: the summary by origin, the archives that went in, every
 * file when list, and the policy's violations (policy_name NULL: none). */
void sr_report_compdeps_text(FILE *out, const struct sr_compdeps *c, const char *policy_name, bool list);
/* The members of compile-deps --json after the envelope (json_t *). */
void *sr_report_compdeps_json(const struct sr_compdeps *c, const char *policy_name);
/* A Graphviz (mermaid false) or mermaid graph: units, origins, the link. */
void sr_report_compdeps_graph(FILE *out, const struct sr_compdeps *c, bool mermaid);

/* shipready scan (docs/schema/scan.json).  An item is made of one found
 * binary in the scan worker that found it (its JSON serialised there, in
 * parallel); the summary counts the items in path order. */
struct sr_scan_item {
	char *json;              /* the binary's object, one line (when asked), or NULL */
	char *problem;           /* "FAIL PATH: reason (message)\n" lines, or NULL */
	const char *format, *role, *language, *libc;   /* static strings (analysed items) */
	bool analysed, dir_error, judged;
	enum sr_verdict verdict;
};
/* input: the scan's operand as given, named in the JSON object. */
struct sr_scan_item *sr_report_scan_item(const struct sr_scan_found *f, const char *input, bool want_json);
void sr_scan_item_free(struct sr_scan_item *it);

#define SR_SCAN_TALLY_MAX 32
struct sr_scan_count {
	const char *key;
	uint64_t count;
};
struct sr_scan_tally {
	struct sr_scan_count v[SR_SCAN_TALLY_MAX];
	size_t n;
};
struct sr_scan_summary {
	uint64_t binaries, errors, judged, fails, warns, unknowns;
	struct sr_scan_tally by_format, by_role, by_language, by_libc;
};
void sr_scan_summary_add(struct sr_scan_summary *s, const struct sr_scan_item *it);
/* The summary: counts, then problems (the items' lines, in order), then
 * binaries by format, role, language and C library. */
void sr_report_scan_text(FILE *out, const char *input, struct sr_scan_summary *s, const struct sr_scan_stats *st,
                         const char *problems, const struct sr_text_style *style);
void *sr_report_scan_summary_json(struct sr_scan_summary *s, const struct sr_scan_stats *st);

#define SR_SCAN_SCHEMA_VERSION 1

/* shipready diff: the counts of one pair's changes, its text (a line per
 * pair, then one per change, regressions first, failing ones marked with
 * the policy's rule), its JSON object and the policy's
 * (docs/schema/diff.json). */
struct sr_diff_count {
	size_t regressions, improvements, other, failing;
};
void sr_diff_counts(const struct sr_diff *d, const struct sr_diff_policy *p, struct sr_diff_count *out);
void sr_report_diff_text(FILE *out, const char *old, const char *new_, const struct sr_diff *d,
                         const struct sr_diff_policy *p, const struct sr_text_style *st);
void *sr_report_diff_json(const char *old, const char *new_, const struct sr_diff *d, const struct sr_diff_policy *p);
void *sr_report_diff_policy_json(const struct sr_diff_policy *p);
/* A binary only one side has: "only in OLD: PATH" (control bytes as \xNN). */
void sr_report_diff_only_in_text(FILE *out, bool old, const char *path);

/* A JSON string of bytes from a file (invalid UTF-8 as U+FFFD). */
void *sr_report_string_json(const char *s);

#define SR_DIFF_SCHEMA_VERSION 1

/* size: a binary's bytes by section, and a Go program's by module and
 * package (shipready/size.h); text tables show the 20 largest rows each. */
void sr_report_size_text(FILE *out, const char *path, const struct sr_size *s, const struct sr_text_style *st);
void *sr_report_size_json(const char *path, const struct sr_size *s);
#define SR_SIZE_SCHEMA_VERSION 1

#endif
