/* shipready — a CI policy: rules a binary must satisfy (docs/policy.md).
 * Policies are JSON files, or built-in names (portable-glibc-2.17,
 * static-only, distroless-static) compiled in from data/policies/. */
#ifndef SHIPREADY_POLICY_H
#define SHIPREADY_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/check.h"
#include "shipready/error.h"
#include "shipready/inspect.h"

struct sr_policy;

/* Load by name (a built-in) or path (a file: any spec containing '/' or
 * ending in ".json", or that exists).  Errors in a file are
 * "LINE:COLUMN: reason" (JSON syntax, unknown keys, wrong types, bad globs or
 * versions all point at the offending value). */
enum sr_err sr_policy_load(const char *spec, struct sr_policy **out, struct sr_error *err);
enum sr_err sr_policy_load_buffer(const char *buf, size_t len, const char *name, struct sr_policy **out,
                                  struct sr_error *err);
void sr_policy_free(struct sr_policy *p);

/* The built-in policy names, NULL-terminated. */
extern const char *const sr_policy_builtins[];

const char *sr_policy_name(const struct sr_policy *p);   /* the built-in name or the file's "name" / path */

/* Targets the policy says must pass ("targets_must_pass"), possibly none. */
size_t sr_policy_targets(const struct sr_policy *p, const char *const **names);

struct sr_violation {
	const char *rule;          /* the policy key: "max_symbol_versions", "allowed_libraries", … */
	const char *message;       /* "GLIBC_2.34 > 2.17" */
	const char *evidence;      /* "__libc_start_main@GLIBC_2.34 from libc.so.6", or NULL */
};

struct sr_violations_priv;
struct sr_violations {
	struct sr_violation *v;
	size_t n;
	struct sr_violations_priv *priv;
};

/* Evaluate the policy on one analysed binary.  results (may be NULL when
 * nresults is 0) are the check results for the policy's targets; a target
 * whose verdict is fails (or, where the policy asks, warn) is a violation. */
enum sr_err sr_policy_eval(const struct sr_policy *p, const struct sr_inspect *in,
                           const struct sr_check_result *const *results, size_t nresults,
                           struct sr_violations *out, struct sr_error *err);
void sr_violations_free(struct sr_violations *v);

#endif
