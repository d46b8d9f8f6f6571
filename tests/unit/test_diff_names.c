/* Unit tests for sr_diff_name_key: the names diff pairs release artifacts
 * by (versions out, everything else kept). */
#include "shipready/diff.h"

#include <stdlib.h>
#include <string.h>

#include "harness.h"

int main(void)
{
	static const struct { const char *in, *want; } t[] = {
		{ "app-1.2.3-linux-amd64", "app-linux-amd64" },
		{ "app-1.3.0-linux-amd64", "app-linux-amd64" },
		{ "tool_v2.0.exe", "tool.exe" },
		{ "tool_v2.0.1.exe", "tool.exe" },
		{ "app-2.0.0-rc1-darwin-arm64", "app-darwin-arm64" },
		{ "app-2.0.0-beta.2", "app" },
		{ "app-2.0.0.dev3", "app" },
		{ "app-1.2-devtools", "app-devtools" },    /* "dev" only as a whole word */
		{ "app-1.2-presets", "app-presets" },
		{ "1.4/bin/app-1.4", "/bin/app" },        /* a directory named for the version */
		{ "v1.4.0/app", "/app" },
		{ "libfoo.so.1", "libfoo.so.1" },          /* one number is not a version */
		{ "libfoo.so.1.2.3", "libfoo.so" },
		{ "app-3", "app-3" },
		{ "app", "app" },
		{ "", "" },
		{ "v", "v" },
		{ "app-v", "app-v" },
		{ "app-1.", "app-1." },
		{ "x-1.2.3.4.5.6", "x" },
		{ "python3.11-config", "python3.11-config" },   /* a version glued to a name stays */
	};
	for (size_t i = 0; i < COUNT(t); i++) {
		char *got = sr_diff_name_key(t[i].in);
		CHECKF(got && strcmp(got, t[i].want) == 0, "key(\"%s\") = \"%s\", want \"%s\"", t[i].in, got ? got : "(null)",
		       t[i].want);
		free(got);
	}
	/* the old and new names of one artifact always meet */
	static const char *const pairs[][2] = { { "dist/app-1.0.0-linux-arm64", "dist/app-1.10.2-linux-arm64" },
		                                { "app_v0.9-rc.1.tar", "app_v1.0.tar" } };
	for (size_t i = 0; i < COUNT(pairs); i++) {
		char *a = sr_diff_name_key(pairs[i][0]), *b = sr_diff_name_key(pairs[i][1]);
		CHECKF(a && b && strcmp(a, b) == 0, "\"%s\" and \"%s\" do not pair (\"%s\", \"%s\")", pairs[i][0],
		       pairs[i][1], a ? a : "", b ? b : "");
		free(a);
		free(b);
	}
	return sr_test_summary("test_diff_names");
}
