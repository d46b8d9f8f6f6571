/* shipready — the log behind the CI reports (shipready/cireport.h): its
 * test cases and results, shared by the SARIF and JUnit writers, and the
 * table of rules. */
#ifndef SR_REPORT_CI_INTERNAL_H
#define SR_REPORT_CI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/check.h"

/* A rule: a finding kind of check (see check.h) or a policy key. */
struct sr_ci_rule {
	const char *id;          /* "library", "policy.max_symbol_versions" */
	const char *name;        /* "MissingLibrary": SARIF's PascalCase name */
	const char *brief;       /* one sentence */
	const char *help;        /* what to do about it */
	enum sr_severity level;  /* the default level */
};

/* Every rule, in a fixed order (their index is the SARIF ruleIndex). */
extern const struct sr_ci_rule sr_ci_rules[];
extern const size_t sr_ci_nrules;
/* The index of rule id, or -1 when there is none. */
long sr_ci_rule_index(const char *id);

enum sr_ci_outcome { SR_CI_PASSED = 0, SR_CI_FAILED, SR_CI_ERROR };

/* A JUnit test case: one artifact against one subject. */
struct sr_ci_case {
	char *suite;       /* "debian-12", "policy static-only", "inputs" */
	char *name;        /* the artifact's path, or "PATH: rule" */
	char *classname;   /* "shipready.check", "shipready.policy", "shipready.inputs" */
	enum sr_ci_outcome outcome;
	char *type;        /* failure/error: the first failing kind or rule */
	char *message;     /* failure/error: its one line */
	char *details;     /* every finding, one per line, or NULL */
};

/* A root the artifacts of later entries are inside (sr_ci_log_root). */
struct sr_ci_root {
	char *name;              /* "dir:/srv/root", "oci-archive:app.tar (linux/amd64)" */
	char *host_dir;          /* where it is on this machine, or NULL (an image) */
};

/* A SARIF result. */
struct sr_ci_result {
	size_t rule;             /* index in sr_ci_rules */
	long root;               /* index in roots: artifact is a path inside it; -1: none */
	enum sr_severity severity;
	char *artifact;    /* the path as given */
	char *subject;     /* the target, or "policy NAME" */
	char *text;        /* the message */
	char *evidence;    /* or NULL */
	char *fix;         /* or NULL */
};

/* An input that could not be analysed. */
struct sr_ci_error {
	long root;
	char *artifact;
	char *reason;
};

/* Every string below is the log's own (malloc). */
struct sr_ci_log {
	char *command;
	struct sr_ci_case *cases;
	size_t ncases, capcases;
	struct sr_ci_result *results;
	size_t nresults, capresults;
	struct sr_ci_error *errors;
	size_t nerrors, caperrors;
	struct sr_ci_root *roots;
	size_t nroots, caproots;
	long root;               /* what new entries are inside, -1: none */
	bool failed;             /* memory ran out: an entry is missing, no report is written */
};

#endif
