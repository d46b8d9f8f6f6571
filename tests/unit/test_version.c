/* Unit tests for sr_version_cmp (dotted versions compared numerically). */
#include "shipready/elf.h"

#include <string.h>

#include "harness.h"

static int sign(int v) { return (v > 0) - (v < 0); }

int main(void)
{
	static const struct { const char *a, *b; int want; } t[] = {
		{ "2.34", "2.4", 1 },
		{ "2.2.5", "2.3", -1 },
		{ "3.4.30", "3.4.9", 1 },
		{ "2.34", "2.34", 0 },
		{ "1.3", "1.3.1", -1 },
		{ "2.17", "2.2.5", 1 },
		{ "2.10", "2.9", 1 },
		{ "1.0", "1.0", 0 },
		{ "0", "0", 0 },
		{ "10", "9", 1 },
		{ "1.2.3.4", "1.2.3.4", 0 },
		{ "1.2.3.4", "1.2.3.5", -1 },
		{ "2.3.4", "2.3", 1 },
		{ "1.100", "1.99", 1 },
		{ "3.4.21", "3.4.29", -1 },   /* GLIBCXX_3.4.21 vs 3.4.29 */
		{ "1.3.9", "1.3.13", -1 },    /* CXXABI_1.3.9 vs 1.3.13 */
	};
	for (size_t i = 0; i < COUNT(t); i++) {
		int got = sign(sr_version_cmp(t[i].a, t[i].b));
		CHECKF(got == t[i].want, "cmp(\"%s\", \"%s\") = %d, want %d", t[i].a, t[i].b, got, t[i].want);
		int rev = sign(sr_version_cmp(t[i].b, t[i].a));
		CHECKF(rev == -t[i].want, "cmp(\"%s\", \"%s\") = %d, want %d (antisymmetry)",
		       t[i].b, t[i].a, rev, -t[i].want);
	}
	/* Odd input must not crash, and stays reflexive. */
	static const char *const odd[] = { "", ".", "..", "1..2", "a.b", "2.34a", "99999999999999999999999.1",
					   "1.-2", "  1.2", "1.2." };
	for (size_t i = 0; i < COUNT(odd); i++)
		CHECKF(sr_version_cmp(odd[i], odd[i]) == 0, "cmp(\"%s\", itself) != 0", odd[i]);
	/* A huge component: compared numerically, without overflowing into a wrong order. */
	CHECK(sign(sr_version_cmp("99999999999999999999999.1", "2.1")) == 1);

	/* sr_version_split: family and number at the last '_', number all dotted digits. */
	static const struct { const char *name; bool ok; size_t family_len; const char *version; } sp[] = {
		{ "GLIBC_2.34", true, 5, "2.34" },
		{ "GLIBC_2.2.5", true, 5, "2.2.5" },
		{ "GLIBCXX_3.4.30", true, 7, "3.4.30" },
		{ "CURL_OPENSSL_4", true, 12, "4" },
		{ "OPENSSL_3.0.0", true, 7, "3.0.0" },
		{ "GLIBC_PRIVATE", false, 0, NULL },
		{ "libjansson.so.4", false, 0, NULL },
		{ "_2.1", false, 0, NULL },
		{ "VER_", false, 0, NULL },
		{ "X_1.0a", false, 0, NULL },
		{ "", false, 0, NULL },
	};
	for (size_t i = 0; i < COUNT(sp); i++) {
		size_t fl = 99;
		const char *v = NULL;
		bool ok = sr_version_split(sp[i].name, &fl, &v);
		CHECKF(ok == sp[i].ok, "split(\"%s\") = %d, want %d", sp[i].name, ok, sp[i].ok);
		if (ok && sp[i].ok) {
			CHECKF(fl == sp[i].family_len, "split(\"%s\") family length %zu, want %zu", sp[i].name, fl,
			       sp[i].family_len);
			CHECKF(strcmp(v, sp[i].version) == 0, "split(\"%s\") version \"%s\", want \"%s\"", sp[i].name, v,
			       sp[i].version);
		}
	}
	return sr_test_summary("test_version");
}
