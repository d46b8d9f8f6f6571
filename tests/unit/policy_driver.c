/* A test tool for lib/check/policy until the CLI wires `check --policy`:
 *
 *   policy_driver load SPEC          "ok NAME" or "error: MESSAGE" (exit 1)
 *   policy_driver eval SPEC FILE...  one line per violation,
 *                                    "FILE: RULE: MESSAGE (EVIDENCE)", exit 1
 *                                    when any; no target results are given,
 *                                    so targets_must_pass says "cannot verify"
 *
 * tests/cli/test_policy_docs.py runs the examples of docs/policy.md through it. */
#include <stdio.h>
#include <string.h>

#include "shipready/inspect.h"
#include "shipready/policy.h"

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "load") != 0 && strcmp(argv[1], "eval") != 0) ||
	    (strcmp(argv[1], "eval") == 0 && argc < 4)) {
		fprintf(stderr, "usage: %s load SPEC | eval SPEC FILE...\n", argv[0]);
		return 2;
	}
	struct sr_error err = { 0 };
	struct sr_policy *p;
	if (sr_policy_load(argv[2], &p, &err) != SR_OK) {
		printf("error: %s\n", sr_error_message(&err));
		return 1;
	}
	if (strcmp(argv[1], "load") == 0) {
		printf("ok %s\n", sr_policy_name(p));
		sr_policy_free(p);
		return 0;
	}
	int status = 0;
	for (int i = 3; i < argc; i++) {
		struct sr_inspect in;
		if (sr_inspect_path(argv[i], &in, &err) != SR_OK) {
			printf("%s: error: %s\n", argv[i], sr_error_message(&err));
			status = 2;
			continue;
		}
		struct sr_violations v;
		if (sr_policy_eval(p, &in, NULL, 0, &v, &err) != SR_OK) {
			printf("%s: error: %s\n", argv[i], sr_error_message(&err));
			status = 2;
		} else {
			for (size_t k = 0; k < v.n; k++)
				printf("%s: %s: %s%s%s%s\n", argv[i], v.v[k].rule, v.v[k].message, v.v[k].evidence ? " (" : "",
				       v.v[k].evidence ? v.v[k].evidence : "", v.v[k].evidence ? ")" : "");
			if (v.n && status == 0)
				status = 1;
			sr_violations_free(&v);
		}
		sr_inspect_free(&in);
	}
	sr_policy_free(p);
	return status;
}
