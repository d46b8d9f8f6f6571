/* shipready — what a command found, in the forms CI systems read: SARIF
 * 2.1.0 (GitHub code scanning and other SARIF viewers) and JUnit XML
 * (GitLab, Jenkins).  A log gathers the results file by file as the
 * command makes them; the writers turn the whole log into one document.
 * The log copies every string it is given.  One log is for one thread. */
#ifndef SHIPREADY_CIREPORT_H
#define SHIPREADY_CIREPORT_H

#include <stddef.h>
#include <stdio.h>

#include "shipready/check.h"
#include "shipready/diff.h"
#include "shipready/error.h"
#include "shipready/policy.h"

struct sr_ci_log;

/* A log for one run of command ("check", "scan"); NULL when out of memory. */
struct sr_ci_log *sr_ci_log_new(const char *command);
void sr_ci_log_free(struct sr_ci_log *log);

/* One binary judged on targets: a test case per target (failed when the
 * verdict is fails), a result per finding of severity unknown or worse. */
enum sr_err sr_ci_log_check(struct sr_ci_log *log, const char *path,
                            const struct sr_check_result *const *results, size_t n);

/* One binary's policy evaluation: a test case per rule the policy sets,
 * a result per violation. */
enum sr_err sr_ci_log_policy(struct sr_ci_log *log, const char *path, const struct sr_policy *p,
                             const struct sr_violations *v);

/* One finding that is not a check result (scan's problems): rule is a
 * finding kind (see check.h), subject what it was judged against. */
enum sr_err sr_ci_log_finding(struct sr_ci_log *log, const char *path, const char *subject,
                              const struct sr_finding *f);

/* A binary judged against subject with nothing to report: a passed case. */
enum sr_err sr_ci_log_pass(struct sr_ci_log *log, const char *path, const char *subject);

/* Two builds compared (diff): a test case "OLD → NEW" in the suite "diff
 * POLICY", failed when a change fails the policy; a result at logged (the
 * new file: its path, or its path inside the log's root) per failing
 * change (rule diff.RULE, an error) and per other regression
 * (diff.regression, a warning). */
enum sr_err sr_ci_log_diff(struct sr_ci_log *log, const char *old, const char *new_, const char *logged,
                           const struct sr_diff *d, const struct sr_diff_policy *p);

/* An input that could not be analysed: an error case, and a notification
 * of the SARIF run. */
enum sr_err sr_ci_log_error(struct sr_ci_log *log, const char *path, const char *reason);

/* From now on, paths are inside the root named name (what the suites are
 * called: "dir:/srv/root", "oci-archive:app.tar (linux/amd64)"), found on
 * this machine at host_dir, or nowhere on it (an image: NULL), until
 * sr_ci_log_root(log, NULL, NULL). */
enum sr_err sr_ci_log_root(struct sr_ci_log *log, const char *name, const char *host_dir);

/* Move everything in from (a log a worker thread made of one file) to the
 * end of log, inside log's current root; from is left empty. */
enum sr_err sr_ci_log_take(struct sr_ci_log *log, struct sr_ci_log *from);

/* SARIF 2.1.0 (docs/ci.md): one run, one rule per finding kind and policy
 * rule with a stable id, each result located at its artifact (a relative
 * path stays relative to %SRCROOT%, an absolute one to ROOTPATH, a path
 * in an image to a base named for the image) with a "shipready/v1" partial
 * fingerprint made of rule, artifact, subject, text and evidence, never of
 * a position.  version is shipready's. */
enum sr_err sr_report_sarif(FILE *out, const struct sr_ci_log *log, const char *version, struct sr_error *err);

/* JUnit XML: a testsuite per target or policy (and one for inputs that
 * could not be read), a testcase per binary in it. */
enum sr_err sr_report_junit(FILE *out, const struct sr_ci_log *log, struct sr_error *err);

#endif
