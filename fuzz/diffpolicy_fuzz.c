/* Fuzz target: diff policy files (sr_diff_policy_parse: the policy files'
 * JSON reader, lib/check/policy_json.c, and the keys of
 * lib/check/diff_policy.c), then the verdict on a change of every aspect.
 *
 * Invariants:
 *  - a failed load leaves no name, and its error is one line without a
 *    trailing period: "LINE:COLUMN: reason" with LINE a line of the input
 *    (SR_E_MALFORMED), or SR_E_TOO_BIG / SR_E_NOMEM;
 *  - a loaded policy has a name and max_floor_raise in -1..1000; every
 *    failing change names its rule, and a rule is named only for a change
 *    that fails;
 *  - loading the same bytes again gives the same policy. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "shipready/diff.h"

static unsigned long lines_in(const uint8_t *d, size_t n)
{
	unsigned long l = 1;
	for (size_t i = 0; i < n; i++)
		l += d[i] == '\n';
	return l;
}

static void check_error(const uint8_t *d, size_t n, enum sr_err rc, const struct sr_error *err)
{
	const char *m = err->msg;
	size_t len = strlen(m);
	if (len == 0 || m[len - 1] == '.' || strchr(m, '\n'))
		abort();
	if (rc == SR_E_TOO_BIG || rc == SR_E_NOMEM)
		return;
	if (rc != SR_E_MALFORMED)
		abort();
	char *end;
	unsigned long line = strtoul(m, &end, 10);
	if (end == m || *end != ':' || line == 0 || line > lines_in(d, n))
		abort();
}

static const struct sr_change changes[] = {
	{ "floor", "GLIBC", "2.17", "2.34", SR_CHANGE_REGRESSION, false, 17, "GLIBC floor rose" },
	{ "floor", "GLIBCXX", NULL, "3.4.30", SR_CHANGE_REGRESSION, false, 0, "new" },
	{ "floor", "kernel", "3.2", "2.6.32", SR_CHANGE_IMPROVEMENT, false, -1, "fell" },
	{ "library", "libssl.so.3", NULL, "libssl.so.3", SR_CHANGE_REGRESSION, false, 0, "new library" },
	{ "library", "libz.so.1", "libz.so.1", NULL, SR_CHANGE_IMPROVEMENT, false, 0, "dropped" },
	{ "need", "ca-roots", NULL, "CA roots", SR_CHANGE_REGRESSION, false, 0, "new need" },
	{ "linkage", "linkage", "static", "dynamic", SR_CHANGE_REGRESSION, false, 0, "linkage" },
	{ "interpreter", "PT_INTERP", NULL, "/lib/ld-musl-x86_64.so.1", SR_CHANGE_NEUTRAL, false, 0, "interp" },
	{ "cgo", "cgo", "off", "on", SR_CHANGE_REGRESSION, false, 0, "cgo" },
	{ "hardening", "pie", "yes", "no", SR_CHANGE_REGRESSION, false, 0, "pie lost" },
	{ "hardening", "relro", "partial", "full", SR_CHANGE_IMPROVEMENT, false, 0, "relro gained" },
	{ "module", "golang.org/x/net", "v0.2.0", "v0.1.0", SR_CHANGE_REGRESSION, true, 0, "downgraded" },
	{ "module", "golang.org/x/text", "v0.1.0", "v0.2.0", SR_CHANGE_NEUTRAL, false, 0, "upgraded" },
	{ "setting", "-trimpath", "true", NULL, SR_CHANGE_REGRESSION, false, 0, "trimpath" },
	{ "vcs", "vcs.modified", "false", "true", SR_CHANGE_REGRESSION, false, 0, "dirty" },
	{ "size", ".text", "100", "200", SR_CHANGE_NEUTRAL, false, 100, "size" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_diff_policy p, q;
	struct sr_error err = { 0 };
	enum sr_err rc = sr_diff_policy_parse((const char *)data, size, "fuzz.json", &p, &err);
	if (rc != SR_OK) {
		if (p.name)
			abort();
		check_error(data, size, rc, &err);
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
