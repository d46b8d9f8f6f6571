/* Unit tests for lexical path cleaning (lib/util/path.c): the answers are
 * those of Go's path.Clean for the same inputs (checked with go1.19). */
#include <string.h>

#include "util/path.h"

#include "harness.h"

int main(void)
{
	static const char *const cases[][2] = {
		{ "", "." }, { "/", "/" }, { "//", "/" }, { "a/", "a" }, { "/a/b/../c", "/a/c" },
		{ "a/../../b", "../b" }, { "../a/..", ".." }, { "./a/./b/", "a/b" }, { "/../a", "/a" },
		{ "a//b", "a/b" }, { "..", ".." }, { "../..", "../.." }, { "a/b/../../..", ".." }, { "/a/..", "/" },
		{ ".", "." }, { "./", "." }, { "/./", "/" }, { "a/./..", "." }, { "../../a/b/../c", "../../a/c" },
		{ "/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/crt1.o", "/usr/lib/x86_64-linux-gnu/crt1.o" },
		{ "abc/def/../../../ghi/./jkl", "../ghi/jkl" }, { "...", "..." }, { "a/.../b", "a/.../b" },
		{ "/..a/b", "/..a/b" }, { "a..", "a.." },
	};
	char out[128];
	for (size_t i = 0; i < COUNT(cases); i++) {
		size_t n = sr_path_clean(cases[i][0], out);
		CHECKF(strcmp(out, cases[i][1]) == 0 && n == strlen(out), "%s -> %s, want %s", cases[i][0], out,
		       cases[i][1]);
	}
	return sr_test_summary("path");
}
