/* shipready — one self-contained HTML page for a release review: the
 * matrix of artifacts × targets, and per binary its facts, findings,
 * dependency graph (inline SVG laid out by Graphviz) and sizes.
 *
 * No script, font, style or image is fetched: everything is in the file,
 * and it reads the same with JavaScript off.  Light and dark colour
 * schemes follow the reader's setting.  Every string that comes from a
 * file (a path, a library name, a Go module) is escaped: it renders as
 * text. */
#ifndef SHIPREADY_HTMLREPORT_H
#define SHIPREADY_HTMLREPORT_H

#include <stddef.h>
#include <stdio.h>

#include "shipready/analysis.h"
#include "shipready/check.h"
#include "shipready/deps.h"
#include "shipready/error.h"
#include "shipready/policy.h"
#include "shipready/size.h"

struct sr_html_report;

/* What one binary brings to the report; all but path and an may be NULL.
 * The report takes what it shows at sr_html_report_add: the caller may
 * free all of it afterwards. */
struct sr_html_binary {
	const char *path;
	const struct sr_analysis *an;
	struct sr_check_result *const *results;   /* one per target, in the report's order */
	const struct sr_violations *violations;   /* the policy's, when there is one */
	const struct sr_size *size;
	const struct sr_deps *deps;               /* its libraries as this machine's loader finds them */
	const char *deps_note;                    /* why there is no graph, or NULL */
};

/* A report over these targets (borrowed until it is written), with the
 * policy's name when one is used (or NULL). */
enum sr_err sr_html_report_new(const struct sr_check_target *const *targets, size_t ntargets, const char *policy,
                               struct sr_html_report **out, struct sr_error *err);
enum sr_err sr_html_report_add(struct sr_html_report *r, const struct sr_html_binary *b, struct sr_error *err);
/* An input that could not be analysed: listed with its reason. */
enum sr_err sr_html_report_add_error(struct sr_html_report *r, const char *path, const char *reason,
                                     struct sr_error *err);
/* The page; generated names the moment it is of (a date, or NULL). */
enum sr_err sr_html_report_write(const struct sr_html_report *r, FILE *out, const char *generated,
                                 struct sr_error *err);
void sr_html_report_free(struct sr_html_report *r);

#endif
