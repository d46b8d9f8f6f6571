/* shipready — a CI policy: rules a binary must satisfy (docs/policy.md).
 * Policies are JSON files, or built-in names (portable-glibc-2.17,
 * static-only, distroless-static) compiled in from data/policies/.
 *
 * A rule the policy sets but that cannot be decided for a file (cgo use
 * unknown, no Go version, RELRO of a PE file, …) is a violation whose
 * message starts "cannot verify: ": the gate fails closed on what it was
 * asked to enforce.  A rule about something the file does not have at all
 * (Go rules on a C program, symbol versions of a static binary) holds. */
#ifndef SHIPREADY_POLICY_H
#define SHIPREADY_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/check.h"
#include "shipready/error.h"
#include "shipready/inspect.h"

struct sr_policy;

/* Load by name (a built-in) or path (a file: any spec containing '/' or
 * ending in ".json", or a name that is not a built-in but exists; a
 * built-in name wins over a file of that name: write ./NAME).  Errors in a
 * file are "LINE:COLUMN: reason" (JSON syntax, unknown or duplicate keys,
 * wrong types, bad globs or versions all point at the offending key or
 * value), e.g. "4:23: max_symbol_versions.GLIBC: \"2.x\" is not a dotted
 * version"; SR_E_MALFORMED.  Files over 256 KiB are refused (SR_E_TOO_BIG);
 * an unknown name is SR_E_NOENT. */
enum sr_err sr_policy_load(const char *spec, struct sr_policy **out, struct sr_error *err);
/* The same for bytes in memory; name is what sr_policy_name() returns when
 * the policy has no "name" (NULL: "policy"). */
enum sr_err sr_policy_load_buffer(const char *buf, size_t len, const char *name, struct sr_policy **out,
                                  struct sr_error *err);
/* A built-in by name only (SR_E_NOENT when there is none). */
enum sr_err sr_policy_load_builtin(const char *name, struct sr_policy **out, struct sr_error *err);
void sr_policy_free(struct sr_policy *p);

/* The built-in policy names, NULL-terminated. */
extern const char *const sr_policy_builtins[];

const char *sr_policy_name(const struct sr_policy *p);   /* the built-in name or the file's "name" / path */
const char *sr_policy_description(const struct sr_policy *p);   /* "description", or NULL */
bool sr_policy_is_builtin(const struct sr_policy *p);

/* Targets the policy says must pass ("targets_must_pass"): database names
 * or "dir:PATH", possibly none.  The caller runs sr_check_run() on each and
 * hands the results to sr_policy_eval(). */
size_t sr_policy_targets(const struct sr_policy *p, const char *const **names);
/* The rules on binaries p sets, as their keys ("linkage",
 * "max_symbol_versions", …, "targets_must_pass"), in the order violations
 * come in; the first cap are stored in keys, the count is returned.  The
 * compile-deps rules are not among them. */
size_t sr_policy_rules(const struct sr_policy *p, const char **keys, size_t cap);

/* "fail_on_warnings": a target's warn findings are violations too. */
bool sr_policy_fail_on_warnings(const struct sr_policy *p);

struct sr_violation {
	const char *rule;          /* the policy key: "max_symbol_versions", "allowed_libraries", … */
	const char *message;       /* "GLIBC_2.34 > 2.17"; "cannot verify: …" when undecidable */
	const char *evidence;      /* "required from libc.so.6", "DT_NEEDED", … or NULL */
};

struct sr_violations_priv;
struct sr_violations {
	struct sr_violation *v;    /* rule by rule in the order of docs/policy.md (a universal
	                            * Mach-O file slice by slice), the targets last */
	size_t n;
	struct sr_violations_priv *priv;
};

/* Evaluate the policy on one analysed binary.  results (may be NULL when
 * nresults is 0) are the check results for the policy's targets, matched
 * by target name (or by database entry: a result for "debian-12/aarch64"
 * answers for "debian-12"); results for other targets are ignored, and a policy
 * target without a result is a "cannot verify" violation.  Each finding of
 * severity fail (and warn, with fail_on_warnings) is one violation.
 * Violations hold strings from the binary as they are (not escaped).  At
 * most 4096 are listed; a last one says how many more there were.
 * SR_OK with out->n == 0: the binary passes.  Errors: SR_E_NOMEM,
 * SR_E_USAGE (in has no parsed file). */
enum sr_err sr_policy_eval(const struct sr_policy *p, const struct sr_inspect *in,
                           const struct sr_check_result *const *results, size_t nresults,
                           struct sr_violations *out, struct sr_error *err);
/* sr_policy_eval without targets_must_pass: for a binary none of the
 * policy's targets can run (a Windows or macOS artifact of a release whose
 * targets are Linux systems). */
enum sr_err sr_policy_eval_file(const struct sr_policy *p, const struct sr_inspect *in, struct sr_violations *out,
                                struct sr_error *err);
void sr_violations_free(struct sr_violations *v);

#endif
