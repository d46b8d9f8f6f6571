/* Fuzz target: diff policy files (sr_diff_policy_parse: the policy files'
 * JSON reader, lib/check/policy_json.c, and the keys of
 * lib/check/diff_policy.c), then the verdict on a change of every aspect.
 *
 * Invariants:
 *  - a failed load leaves no name, and its error is one line without a
 *    trailing period: "LINE:COLUMN: reason" pointing inside the input
 *    (SR_E_MALFORMED), or SR_E_TOO_BIG / SR_E_NOMEM;
 *  - a loaded policy has a name and max_floor_raise in -1..1000; every
 *    failing change names its rule, and a rule is named only for a change
 *    that fails;
 *  - loading the same bytes again gives the same policy. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "shipready/diff.h"

static const struct sr_change changes[] = {
	{ .aspect = "floor", .what = "GLIBC", .old_value = "2.17", .new_value = "2.34", .effect = SR_CHANGE_REGRESSION, .downgrade = false, .delta = 17, .summary = "GLIBC floor rose" },
	{ .aspect = "floor", .what = "GLIBCXX", .old_value = NULL, .new_value = "3.4.30", .effect = SR_CHANGE_REGRESSION, .downgrade = false, .delta = 0, .summary = "new" },
	{ .aspect = "floor", .what = "kernel", .old_value = "3.2", .new_value = "2.6.32", .effect = SR_CHANGE_IMPROVEMENT, .downgrade = false, .delta = -1, .summary = "fell" },
	{ .aspect = "library", .what = "libssl.so.3", .old_value = NULL, .new_value = "libssl.so.3", .effect = SR_CHANGE_REGRESSION, .downgrade = false, .delta = 0, .summary = "new library" },
	{ .aspect = "library", .what = "libz.so.1", .old_value = "libz.so.1", .new_value = NULL, .effect = SR_CHANGE_IMPROVEMENT, .downgrade = false, .delta = 0, .summary = "dropped" },
	{ .aspect = "need", .what = "ca-roots", .old_value = NULL, .new_value = "CA roots", .effect = SR_CHANGE_REGRESSION, .downgrade = false, .delta = 0, .summary = "new need" },
	{ .aspect = "linkage", .what = "linkage", .old_value = "static", .new_value = "dynamic", .effect = SR_CHANGE_REGRESSION, .downgrade = false, .delta = 0, .summary = "linkage" },
	{ .aspect = "interpreter", .what = "PT_INTERP", .old_value = NULL, .new_value = "/lib/ld-musl-x86_64.so.1", .effect = SR_CHANGE_NEUTRAL, .downgrade = false, .delta = 0, .summary = "interp" },
	{ .aspect = "cgo", .what = "cgo", .old_value = "off", .new_value = "on", .effect = SR_CHANGE_REGRESSION, .downgrade = false, .delta = 0, .summary = "cgo" },
	{ .aspect = "hardening", .what = "pie", .old_value = "yes", .new_value = "no", .effect = SR_CHANGE_REGRESSION, .downgrade = false, .delta = 0, .summary = "pie lost" },
	{ .aspect = "hardening", .what = "relro", .old_value = "partial", .new_value = "full", .effect = SR_CHANGE_IMPROVEMENT, .downgrade = false, .delta = 0, .summary = "relro gained" },
	{ .aspect = "module", .what = "golang.org/x/net", .old_value = "v0.2.0", .new_value = "v0.1.0", .effect = SR_CHANGE_REGRESSION, .downgrade = true, .delta = 0, .summary = "downgraded" },
	{ .aspect = "module", .what = "golang.org/x/text", .old_value = "v0.1.0", .new_value = "v0.2.0", .effect = SR_CHANGE_NEUTRAL, .downgrade = false, .delta = 0, .summary = "upgraded" },
	{ .aspect = "setting", .what = "-trimpath", .old_value = "true", .new_value = NULL, .effect = SR_CHANGE_REGRESSION, .downgrade = false, .delta = 0, .summary = "trimpath" },
	{ .aspect = "vcs", .what = "vcs.modified", .old_value = "false", .new_value = "true", .effect = SR_CHANGE_REGRESSION, .downgrade = false, .delta = 0, .summary = "dirty" },
	{ .aspect = "size", .what = ".text", .old_value = "100", .new_value = "200", .effect = SR_CHANGE_NEUTRAL, .downgrade = false, .delta = 100, .summary = "size" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_diff_policy p, q;
	struct sr_error err = { 0 };
	enum sr_err rc = sr_diff_policy_parse((const char *)data, size, "fuzz.json", &p, &err);
	if (rc != SR_OK) {
		if (p.name)
			abort();
		sr_fuzz_check_position_error(data, size, rc, &err);
		return 0;
	}
	if (!p.name || p.max_floor_raise < -1 || p.max_floor_raise > 1000)
		abort();
	for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
		const char *rule = NULL;
		bool fails = sr_diff_fails(&p, &changes[i], &rule);
		if (fails != (rule != NULL))
			abort();
	}
	struct sr_error err2 = { 0 };
	if (sr_diff_policy_parse((const char *)data, size, "fuzz.json", &q, &err2) != SR_OK)
		abort();
	if (strcmp(p.name, q.name) != 0 || p.max_floor_raise != q.max_floor_raise ||
	    p.no_new_libraries != q.no_new_libraries || p.no_new_needs != q.no_new_needs ||
	    p.no_hardening_loss != q.no_hardening_loss || p.no_module_downgrade != q.no_module_downgrade ||
	    p.no_linkage_change != q.no_linkage_change)
		abort();
	sr_diff_policy_free(&p);
	sr_diff_policy_free(&q);
	return 0;
}
