/* Unit tests for lib/targets: the built-in database loads and answers
 * lookups; broken databases fail with the place and the reason. */
#include "shipready/targets.h"

#include <string.h>

#include "harness.h"

/* One valid entry; the tests below break it one field at a time. */
#define ENTRY(name, over)                                                                        \
	"{\"name\":\"" name "\",\"display_name\":\"T\",\"kind\":\"distro\","                          \
	"\"libc\":{\"family\":\"glibc\",\"version\":\"2.36\"},\"glibcxx_max\":null,"                  \
	"\"cxxabi_max\":null,\"kernel\":\"6.1\",\"openssl_sonames\":[\"libssl.so.3\"],"               \
	"\"loader\":{\"x86_64\":\"/lib64/ld-linux-x86-64.so.2\",\"aarch64\":null},"                   \
	"\"library_dirs\":{\"x86_64\":[\"/usr/lib/x86_64-linux-gnu\"],\"aarch64\":null},"             \
	"\"ca_bundle\":null,\"zoneinfo\":null,\"architectures\":[\"x86_64\"],\"eol\":null,"           \
	"\"sources\":[\"DEB\"],\"unconfirmed\":[]" over "}"

static bool has(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

int main(void)
{
	struct sr_targets db;
	struct sr_error err = { 0 };

	/* the built-in database */
	CHECKF(sr_targets_load_builtin(&db, &err) == SR_OK, "%s", sr_error_message(&err));
	CHECK(db.n >= 20);
	const struct sr_target *t = sr_targets_find(&db, "debian-12");
	CHECK(t && t->libc == SR_LIBC_GLIBC && t->libc_version && strcmp(t->libc_version, "2.36") == 0);
	t = sr_targets_find(&db, "centos-7");
	CHECK(t && t->libc_version && strcmp(t->libc_version, "2.17") == 0);
	CHECK(t && t->glibcxx_max && strcmp(t->glibcxx_max, "3.4.19") == 0);
	t = sr_targets_find(&db, "alpine-3.20");
	CHECK(t && t->libc == SR_LIBC_MUSL);
	const struct sr_target_arch *a = t ? sr_target_arch_find(t, "x86_64") : NULL;
	CHECK(a && a->loader && strcmp(a->loader, "/lib/ld-musl-x86_64.so.1") == 0);
	CHECK(sr_targets_find(&db, "debian-99") == NULL);
	CHECK(sr_targets_find(&db, "") == NULL);
	for (size_t i = 0; i < db.n; i++)
		CHECKF(db.v[i].sources.n > 0, "%s has no sources", db.v[i].name);
	sr_targets_free(&db);
	CHECK(db.v == NULL && db.n == 0);

	/* a minimal valid file, and the same file broken in one place each */
	static const char ok[] = "{\"format\":1,\"targets\":[" ENTRY("a-1", "") "," ENTRY("b-2", "") "]}";
	CHECKF(sr_targets_load_buffer(ok, strlen(ok), &db, &err) == SR_OK, "%s", sr_error_message(&err));
	CHECK(db.n == 2 && sr_targets_find(&db, "b-2") == &db.v[1]);
	CHECK(db.n == 2 && db.v[0].zoneinfo == SR_TRI_UNKNOWN && !db.v[0].ca_bundle);
	CHECK(db.n == 2 && db.v[0].openssl_sonames.present && db.v[0].openssl_sonames.n == 1);
	sr_targets_free(&db);

	static const struct {
		const char *json;
		const char *want;   /* substring of the message */
	} bad[] = {
		/* bad JSON: line and column from jansson */
		{ "{\"format\":1,\n\"targets\":[\n  {\"name\": }\n]}", "3:12: " },
		{ "{\"format\":1,\"targets\":[", "1:23: " },
		{ "", "1:0: " },
		{ "[]", "document: expected an object" },
		{ "{\"targets\":[]}", "format: expected 1" },
		{ "{\"format\":1}", "targets: missing" },
		{ "{\"format\":1,\"targets\":{}}", "targets: expected an array" },
		/* missing fields */
		{ "{\"format\":1,\"targets\":[{\"display_name\":\"x\"}]}", "targets[0]: name: missing" },
		{ "{\"format\":1,\"targets\":[{\"name\":\"x-1\"}]}", "targets[0] (x-1): display_name: missing" },
		/* wrong types; a repeated key is refused, not silently overridden */
		{ "{\"format\":1,\"targets\":[7]}", "targets[0]: entry: expected an object" },
		{ "{\"format\":1,\"targets\":[" ENTRY("a-1", "") "," ENTRY("a-1", "") "]}",
		  "targets[1] (a-1): name: duplicate of targets[0]" },
		{ "{\"format\":1,\"targets\":[" ENTRY("a-1", ",\"notes\":3") "]}", "targets[0] (a-1): notes: expected a string or null" },
		{ "{\"format\":1,\"targets\":[" ENTRY("a-1", ",\"kernel\":6") "]}", "duplicate object key" },
	};
	for (size_t i = 0; i < COUNT(bad); i++) {
		memset(&err, 0, sizeof err);
		enum sr_err rc = sr_targets_load_buffer(bad[i].json, strlen(bad[i].json), &db, &err);
		CHECKF(rc != SR_OK, "case %zu loaded", i);
		CHECKF(has(sr_error_message(&err), bad[i].want), "case %zu: got \"%s\", want \"%s\"", i,
		       sr_error_message(&err), bad[i].want);
		CHECK(db.v == NULL && db.n == 0);
	}

	/* wrong types: built by replacing one field of a valid entry */
	static const struct { const char *from, *to, *want; } sub[] = {
		{ "\"kind\":\"distro\"", "\"kind\":\"vm\"", "(a-1): kind: expected \"distro\" or \"image\"" },
		{ "\"version\":\"2.36\"", "\"version\":2.36", "(a-1): libc.version: expected a string or null" },
		{ "\"family\":\"glibc\"", "\"family\":\"bionic\"", "(a-1): libc.family: expected" },
		{ "\"libc\":{\"family\":\"glibc\",\"version\":\"2.36\"}", "\"libc\":\"glibc\"", "(a-1): libc: expected an object" },
		{ "\"zoneinfo\":null", "\"zoneinfo\":\"yes\"", "(a-1): zoneinfo: expected true, false or null" },
		{ "\"openssl_sonames\":[\"libssl.so.3\"]", "\"openssl_sonames\":[3]", "(a-1): openssl_sonames[0]: expected a string" },
		{ "\"sources\":[\"DEB\"]", "\"sources\":[]", "(a-1): sources: empty" },
		{ "\"sources\":[\"DEB\"]", "\"sources\":null", "(a-1): sources: expected an array of strings" },
		{ "\"architectures\":[\"x86_64\"],", "", "(a-1): architectures: missing" },
		{ "\"x86_64\":\"/lib64/ld-linux-x86-64.so.2\"", "\"x86_64\":\"ld.so\"", "(a-1): loader.x86_64: expected an absolute path" },
		{ "\"x86_64\":[\"/usr/lib/x86_64-linux-gnu\"]", "\"x86_64\":\"/usr/lib\"", "(a-1): library_dirs.x86_64: expected an array" },
		{ "\"eol\":null,", "", "(a-1): eol: missing" },
	};
	for (size_t i = 0; i < COUNT(sub); i++) {
		const char *p = strstr(ok, sub[i].from);
		CHECKF(p != NULL, "sub %zu: \"%s\" not in the base entry", i, sub[i].from);
		if (!p)
			continue;
		char buf[4096];
		int nb = snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - ok), ok, sub[i].to, p + strlen(sub[i].from));
		CHECK(nb > 0 && (size_t)nb < sizeof buf);
		memset(&err, 0, sizeof err);
		enum sr_err rc = sr_targets_load_buffer(buf, strlen(buf), &db, &err);
		CHECKF(rc != SR_OK, "sub %zu loaded", i);
		CHECKF(has(sr_error_message(&err), sub[i].want), "sub %zu: got \"%s\", want \"%s\"", i,
		       sr_error_message(&err), sub[i].want);
		CHECK(db.v == NULL && db.n == 0);
	}

	/* a file that is not there, and a directory */
	CHECK(sr_targets_load_file("/nonexistent/targets.json", &db, &err) == SR_E_NOENT);
	CHECK(sr_targets_load_file("/", &db, &err) != SR_OK);
	return sr_test_summary("targets");
}
