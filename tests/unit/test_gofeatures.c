/* Unit tests for the Go functions that reveal a run-time need
 * (lib/go/go_features.c): the table sorted for bsearch, every entry found
 * (so the package filter in front of the search turns none of them away),
 * the ".abi0" suffix ignored, and names that must not match. */
#include <string.h>

#include "go/go_features.h"

#include "harness.h"

static const struct sr_go_named_feature *find(const char *s)
{
	return sr_go_feature(s, strlen(s));
}

int main(void)
{
	const struct sr_go_named_feature *t;
	size_t n = sr_go_feature_table(&t);
	CHECK(n > 30);
	for (size_t i = 0; i < n; i++) {
		if (i)
			CHECKF(strcmp(t[i - 1].name, t[i].name) < 0, "not sorted at %s", t[i].name);
		CHECKF(find(t[i].name) == &t[i], "%s not found", t[i].name);
		char abi[128];
		snprintf(abi, sizeof abi, "%s.abi0", t[i].name);
		CHECKF(find(abi) == &t[i], "%s not found", abi);
		CHECKF(t[i].feature != 0, "%s means nothing", t[i].name);
	}
	/* a name is its bytes, not up to a NUL: a prefix of an entry is not it */
	CHECK(sr_go_feature("time.LoadLocationX", 17) == find("time.LoadLocation"));
	CHECK(sr_go_feature("time.LoadLocation", 16) == NULL);
	static const char *const not_names[] = { "", "t", "time.", "time.Now", "net.", "net.Dial", "crosscall",
		                                 "crosscall2x", "main.main", "runtime.main", "os/user.Current",
		                                 "Time.LoadLocation", "crypto/x509.ParseCertificate", ".abi0",
		                                 "vendor/net.readHosts" };
	for (size_t i = 0; i < COUNT(not_names); i++)
		CHECKF(find(not_names[i]) == NULL, "%s matched", not_names[i]);
	return sr_test_summary("test_gofeatures");
}
