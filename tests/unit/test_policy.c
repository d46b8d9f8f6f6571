/* Unit tests for lib/check/policy: the JSON reader (every error with its
 * exact line:column), every key of the format, the matchers, the built-in
 * policies, and every rule both holding and violated, on hand-built
 * analyses (struct sr_elf, sr_pe, sr_macho, sr_go_info) and on this test's
 * own executable. */
#include "shipready/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/policy_internal.h"
#include "go/go_internal.h"
#include "harness.h"

/* ---------- helpers ---------- */

static struct sr_policy *load(const char *json)
{
	struct sr_error err = { 0 };
	struct sr_policy *p = NULL;
	enum sr_err rc = sr_policy_load_buffer(json, strlen(json), "test", &p, &err);
	CHECKF(rc == SR_OK && p, "%s: %s", json, sr_error_message(&err));
	return p;
}

/* The policy must fail to load with exactly this message. */
static void expect_error_at(const char *json, size_t len, const char *want, int line)
{
	struct sr_error err = { 0 };
	struct sr_policy *p = (struct sr_policy *)1;
	enum sr_err rc = sr_policy_load_buffer(json, len, "test", &p, &err);
	CHECKF(rc != SR_OK && p == NULL, "line %d: loaded", line);
	CHECKF(strcmp(sr_error_message(&err), want) == 0, "line %d:\n  got  %s\n  want %s", line,
	       sr_error_message(&err), want);
	if (rc == SR_OK)
		sr_policy_free(p);
}
#define EXPECT_ERROR(json, want) expect_error_at(json, strlen(json), want, __LINE__)

/* Violations as text: "rule: message (evidence)" per line. */
static const char *text(const struct sr_violations *v)
{
	static char buf[16384];
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < v->n && o < sizeof buf; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s: %s%s%s%s", i ? "\n" : "", v->v[i].rule,
		                      v->v[i].message, v->v[i].evidence ? " (" : "",
		                      v->v[i].evidence ? v->v[i].evidence : "", v->v[i].evidence ? ")" : "");
	return buf;
}

/* Evaluate json on in (with check results) and compare every violation. */
static void expect_eval_at(const char *json, const struct sr_inspect *in, const struct sr_check_result *const *res,
                           size_t nres, const char *want, int line)
{
	struct sr_policy *p = load(json);
	if (!p)
		return;
	struct sr_violations v;
	struct sr_error err = { 0 };
	enum sr_err rc = sr_policy_eval(p, in, res, nres, &v, &err);
	CHECKF(rc == SR_OK, "line %d: %s", line, sr_error_message(&err));
	if (rc == SR_OK) {
		CHECKF(strcmp(text(&v), want) == 0, "line %d: %s\n  got:\n%s\n  want:\n%s", line, json, text(&v), want);
		sr_violations_free(&v);
		CHECK(v.v == NULL && v.n == 0);
	}
	sr_policy_free(p);
}
#define EXPECT_EVAL(json, in, want) expect_eval_at(json, in, NULL, 0, want, __LINE__)
#define EXPECT_EVAL_R(json, in, res, nres, want) expect_eval_at(json, in, res, nres, want, __LINE__)

/* A dynamically linked, hardened x86-64 PIE needing libc.so.6. */
static const char *base_needed[] = { "libc.so.6" };

static struct sr_elf elf_base(void)
{
	struct sr_elf e;
	memset(&e, 0, sizeof e);
	e.elf_class = 64;
	e.type = 3;   /* ET_DYN */
	e.kind = SR_ELF_KIND_PIE;
	e.linkage = SR_LINK_DYNAMIC;
	e.has_interp = true;
	e.interpreter = "/lib64/ld-linux-x86-64.so.2";
	e.has_dynamic = true;
	e.needed = (struct sr_strlist){ base_needed, 1 };
	e.hardening.pie = true;
	e.hardening.relro = SR_RELRO_FULL;
	e.hardening.has_gnu_stack = true;
	e.hardening.nx_stack = true;
	return e;
}

static struct sr_inspect in_elf(struct sr_elf *e, struct sr_go_info *g)
{
	struct sr_inspect in;
	memset(&in, 0, sizeof in);
	in.path = "t";
	in.format = SR_FMT_ELF;
	in.elf = e;
	in.go = g;
	return in;
}

static struct sr_inspect in_pe(struct sr_pe *pe, struct sr_go_info *g)
{
	struct sr_inspect in;
	memset(&in, 0, sizeof in);
	in.path = "t.exe";
	in.format = SR_FMT_PE;
	in.pe = pe;
	in.go = g;
	return in;
}

static struct sr_inspect in_macho(struct sr_macho *m, struct sr_go_info **gos)
{
	struct sr_inspect in;
	memset(&in, 0, sizeof in);
	in.path = "t.macho";
	in.format = SR_FMT_MACHO;
	in.macho = m;
	in.macho_go = gos;
	in.go = (!m->fat && gos) ? gos[0] : NULL;
	return in;
}

/* A pure-Go binary from build info, module mode, no deps. */
struct gofix {
	struct sr_go_info g;
	struct sr_go_priv priv;   /* its linked facts, made here */
	struct sr_go_buildinfo bi;
	struct sr_go_modinfo mod;
};

static void go_base(struct gofix *f, const char *version)
{
	memset(f, 0, sizeof *f);
	f->g.is_go = true;
	f->g.version = version;
	f->g.version_source = SR_GO_VSRC_BUILDINFO;
	f->g.priv = &f->priv;
	f->priv.linked_made = true;
	f->priv.linked.cgo = SR_GO_CGO_NO;
	f->g.bi = &f->bi;
	f->bi.status = SR_GO_BI_OK;
	f->bi.version = version;
	f->bi.modinfo = "path example.com/app\nmod\texample.com/app\t(devel)\t\n";
	f->bi.modinfo_len = strlen(f->bi.modinfo);
	f->bi.mod = &f->mod;
	f->mod.path = "example.com/app";
	f->mod.main = (struct sr_go_module){ .path = "example.com/app", .version = "(devel)", .sum = "" };
}

/* ---------- the JSON reader and the format ---------- */

static void test_syntax(void)
{
	EXPECT_ERROR("", "1:1: empty file: expected a JSON value");
	EXPECT_ERROR("  \n  ", "2:3: empty file: expected a JSON value");
	EXPECT_ERROR("[]", "1:1: expected a JSON object (the policy), got an array");
	EXPECT_ERROR("\n  \"x\"", "2:3: expected a JSON object (the policy), got a string");
	EXPECT_ERROR("{} x", "1:4: trailing characters after the JSON value ('x')");
	EXPECT_ERROR("{}\n\n]", "3:1: trailing characters after the JSON value (']')");
	EXPECT_ERROR("{}{}", "1:3: trailing characters after the JSON value ('{')");
	EXPECT_ERROR("{\"name\": \"a\",}", "1:13: trailing comma before '}'");
	EXPECT_ERROR("{\"sources\": [\"a\",]}", "1:17: trailing comma before ']'");
	EXPECT_ERROR("{\"name\" \"a\"}", "1:9: expected ':' after the key, got '\"'");
	EXPECT_ERROR("{\"name\": \"a\" \"b\"}", "1:14: expected ',' or '}' after an object member, got '\"'");
	EXPECT_ERROR("{\"sources\": [\"a\" \"b\"]}", "1:18: expected ',' or ']' after an array element, got '\"'");
	EXPECT_ERROR("{\"name\": \"a\"", "1:1: unterminated object (no '}')");
	EXPECT_ERROR("{\"sources\": [\"a\"", "1:13: unterminated array (no ']')");
	EXPECT_ERROR("{\"name\": \"a", "1:10: unterminated string");
	EXPECT_ERROR("{\"name\": \"a\nb\"}",
	             "1:10: unterminated string (a line break inside a string must be written \\n)");
	EXPECT_ERROR("{\"name\": }", "1:10: expected a value, got '}'");
	EXPECT_ERROR("{\"name\": ", "1:10: expected a value, got the end of the file");
	EXPECT_ERROR("{name: 1}", "1:2: expected a string key, got 'n'");
	EXPECT_ERROR("{,}", "1:2: expected a string key, got ','");
	EXPECT_ERROR("{\"a\":1,\"a\":2}", "1:8: duplicate key \"a\" (first at 1:2)");
	EXPECT_ERROR("{\n  \"name\": \"a\",\n  \"require_nx\": true,\n  \"name\": \"b\"\n}",
	             "4:3: duplicate key \"name\" (first at 2:3)");
	EXPECT_ERROR("{\"forbidden_go_modules\": [{\"path\": \"a\", \"path\": \"b\"}]}",
	             "1:41: duplicate key \"path\" (first at 1:28)");
	/* comments and other non-JSON */
	EXPECT_ERROR("{ // no\n}", "1:3: expected a string key, got '/'");
	EXPECT_ERROR("{\"a\": 'x'}", "1:7: expected a value, got '''");
	EXPECT_ERROR("\x01", "1:1: expected a value, got byte 0x01");

	/* numbers: kept as text, so huge ones are only of the wrong type */
	EXPECT_ERROR("{\"require_pie\": 1e999999}", "1:17: require_pie: expected true or false, got a number");
	EXPECT_ERROR("{\"min_go_version\": 123456789012345678901234567890}",
	             "1:20: min_go_version: expected a string like \"1.21\", got a number");
	EXPECT_ERROR("{\"min_go_version\": -0.5E-3}",
	             "1:20: min_go_version: expected a string like \"1.21\", got a number");
	EXPECT_ERROR("{\"a\": 01}", "1:7: invalid number: leading zero");
	EXPECT_ERROR("{\"a\": -}", "1:7: invalid number: '-' without digits");
	EXPECT_ERROR("{\"a\": 1.}", "1:7: invalid number: no digits after '.'");
	EXPECT_ERROR("{\"a\": 1e+}", "1:7: invalid number: no digits in the exponent");
	EXPECT_ERROR("{\"a\": 1x}", "1:8: expected ',' or '}' after an object member, got 'x'");
	{
		char big[5100];
		memcpy(big, "{\"a\": ", 6);
		memset(big + 6, '7', 5000);
		memcpy(big + 5006, "}", 2);
		EXPECT_ERROR(big, "1:7: number longer than 4096 characters");
	}
	/* literals */
	EXPECT_ERROR("{\"a\": tru}", "1:7: invalid literal (expected true, false or null)");
	EXPECT_ERROR("{\"a\": nulls}", "1:7: invalid literal (expected true, false or null)");
	EXPECT_ERROR("{\"a\": True}", "1:7: expected a value, got 'T'");

	/* strings */
	EXPECT_ERROR("{\"name\": \"a\\u0000\"}", "1:12: \\u0000 is not allowed in a string");
	EXPECT_ERROR("{\"name\": \"\\ud800\"}", "1:11: high surrogate \\ud800 without its low half");
	EXPECT_ERROR("{\"name\": \"\\ud800\\u0041\"}", "1:11: high surrogate \\ud800 without its low half");
	EXPECT_ERROR("{\"name\": \"\\udc00\"}", "1:11: lone low surrogate \\udc00");
	EXPECT_ERROR("{\"name\": \"\\u12G4\"}", "1:11: \\u must be followed by four hex digits");
	EXPECT_ERROR("{\"name\": \"\\x\"}", "1:11: invalid escape: backslash followed by 'x'");
	EXPECT_ERROR("{\"name\": \"\xff\"}", "1:11: invalid UTF-8 in a string (byte 0xff)");
	/* an overlong '/', a surrogate, a sequence cut short */
	EXPECT_ERROR("{\"name\": \"\xc0\xaf\"}", "1:11: invalid UTF-8 in a string (byte 0xc0)");
	EXPECT_ERROR("{\"name\": \"\xed\xa0\x80\"}", "1:11: invalid UTF-8 in a string (byte 0xed)");
	EXPECT_ERROR("{\"name\": \"\xe2\x82\"}", "1:11: invalid UTF-8 in a string (byte 0xe2)");
	EXPECT_ERROR("{\"name\": \"a\tb\"}", "1:12: control character 0x09 in a string (write it as \\u0009)");
	EXPECT_ERROR("{\"name\": \"a\\tb\"}", "1:10: name: control character in the string");
	/* a NUL byte in the file is never part of JSON */
	expect_error_at("{\"name\": \"a\0\"}", 14, "1:12: control character 0x00 in a string (write it as \\u0000)",
	                __LINE__);
	expect_error_at("{}\0", 3, "1:3: trailing characters after the JSON value (byte 0x00)", __LINE__);
	{
		char big[5100];
		memcpy(big, "{\"name\": \"", 10);
		memset(big + 10, 'a', 4097);
		memcpy(big + 4107, "\"}", 3);
		EXPECT_ERROR(big, "1:10: string longer than 4096 bytes");
		big[10 + 4096] = '"';
		big[10 + 4097] = '}';
		big[10 + 4098] = '\0';
		struct sr_policy *p = load(big);   /* exactly 4096 bytes is fine */
		CHECK(p && strlen(sr_policy_name(p)) == 4096);
		sr_policy_free(p);
	}

	/* columns count characters, not bytes, as jansson's do */
	EXPECT_ERROR("{\"description\": \"\xc3\xa9\xc3\xa9\xc3\xa9\", \"x\": 1}",
	             "1:24: unknown key \"x\" (see docs/policy.md)");
	EXPECT_ERROR("{\"description\": \"\\u00e9\xf0\x9f\x98\x80\",\n\t\"x\": 1}",
	             "2:2: unknown key \"x\" (see docs/policy.md)");
	/* escapes decode, a BOM is skipped, CRLF is whitespace */
	struct sr_policy *p = load("\xef\xbb\xbf{\"description\": \"\\ud83d\\ude00 \\\"q\\\" \\/ \\\\\",\r\n\"name\": \"n\"}");
	CHECK(p && strcmp(sr_policy_description(p), "\xf0\x9f\x98\x80 \"q\" / \\") == 0);
	CHECK(p && strcmp(sr_policy_name(p), "n") == 0);
	sr_policy_free(p);
	EXPECT_ERROR("\xef\xbb\xbf{\"x\": 1}", "1:2: unknown key \"x\" (see docs/policy.md)");

	/* nesting is bounded: the 32nd '[' is one level too deep */
	{
		char deep[200];
		size_t o = 0;
		o += (size_t)snprintf(deep, sizeof deep, "{\"x\":");
		for (int i = 0; i < 40; i++)
			deep[o++] = '[';
		deep[o] = '\0';
		EXPECT_ERROR(deep, "1:37: nested deeper than 32 levels");
		o = (size_t)snprintf(deep, sizeof deep, "{\"x\":");
		for (int i = 0; i < 31; i++)
			deep[o++] = '[';
		for (int i = 0; i < 31; i++)
			deep[o++] = ']';
		deep[o++] = '}';
		deep[o] = '\0';
		EXPECT_ERROR(deep, "1:2: unknown key \"x\" (see docs/policy.md)");   /* 31 levels parse */
	}
	/* size and counts are bounded */
	{
		size_t n = (256u << 10) + 1;
		char *huge = malloc(n);
		if (huge) {
			memset(huge, ' ', n);
			huge[0] = '{';
			huge[n - 1] = '}';
			struct sr_error err = { 0 };
			struct sr_policy *q;
			CHECK(sr_policy_load_buffer(huge, n, "t", &q, &err) == SR_E_TOO_BIG && q == NULL);
			CHECK(strcmp(err.msg, "larger than 256 KiB") == 0);
			free(huge);
		}
		char *many = malloc(300 * 8 + 16);
		if (many) {
			size_t o = 0;
			many[o++] = '{';
			for (int i = 0; i < 257; i++)
				o += (size_t)sprintf(many + o, "%s\"%03d\":0", i ? "," : "", i);
			many[o++] = '}';
			many[o] = '\0';
			EXPECT_ERROR(many, "1:2050: more than 256 members in one object");
			free(many);
		}
		char *items = malloc(4100 * 2 + 32);
		if (items) {
			size_t o = (size_t)sprintf(items, "{\"sources\":[");
			for (int i = 0; i < 4097; i++)
				o += (size_t)sprintf(items + o, "%s0", i ? "," : "");
			memcpy(items + o, "]}", 3);
			EXPECT_ERROR(items, "1:8205: more than 4096 elements in one array");
			free(items);
		}
	}
}

static void test_keys(void)
{
	/* every key, valid */
	static const char full[] =
		"{\n"
		"  \"$schema\": \"https://shipready.dev/schema/policy/1.json\",\n"
		"  \"name\": \"release-gate\",\n"
		"  \"description\": \"what we ship\",\n"
		"  \"allowed_libraries\": [\"libc.so.6\", \"ld-linux*\"],\n"
		"  \"forbidden_libraries\": [\"libssl.so.1.*\"],\n"
		"  \"max_symbol_versions\": {\"GLIBC\": \"2.17\", \"GLIBCXX\": \"3.4.19\", \"CXXABI\": \"1.3.7\"},\n"
		"  \"linkage\": [\"static-pie\", \"dynamic\"],\n"
		"  \"forbid_cgo\": true,\n"
		"  \"require_pie\": true,\n"
		"  \"require_full_relro\": false,\n"
		"  \"require_nx\": true,\n"
		"  \"forbid_rpath\": true,\n"
		"  \"min_go_version\": \"go1.21.5\",\n"
		"  \"forbidden_go_modules\": [{\"path\": \"github.com/evil/*\"},\n"
		"                           {\"path\": \"golang.org/x/crypto\", \"versions\": [\"< v0.17.0\", "
		"\"v0.20.0\"]}],\n"
		"  \"targets_must_pass\": [\"centos-7\", \"dir:/srv/root\"],\n"
		"  \"fail_on_warnings\": true,\n"
		"  \"sources\": [\"our release checklist\"]\n"
		"}\n";
	struct sr_policy *p = load(full);
	if (p) {
		CHECK(strcmp(sr_policy_name(p), "release-gate") == 0 && !sr_policy_is_builtin(p));
		CHECK(strcmp(sr_policy_description(p), "what we ship") == 0);
		CHECK(p->has_allowed && p->nallowed == 2 && strcmp(p->allowed[1], "ld-linux*") == 0);
		CHECK(p->nforbidden == 1 && strcmp(p->forbidden[0], "libssl.so.1.*") == 0);
		CHECK(p->nsymmax == 3 && strcmp(p->symmax[1].family, "GLIBCXX") == 0 &&
		      strcmp(p->symmax[1].version, "3.4.19") == 0);
		CHECK(p->linkage == (SR_POLICY_LINK_STATIC_PIE | SR_POLICY_LINK_DYNAMIC));
		CHECK(p->cgo_want < 0 && strcmp(p->cgo_key, "forbid_cgo") == 0 && p->require_pie && !p->require_full_relro && p->require_nx && p->forbid_rpath);
		CHECK(p->has_min_go && p->min_go.major == 1 && p->min_go.minor == 21 && p->min_go.patch == 5 &&
		      strcmp(p->min_go_text, "go1.21.5") == 0);
		CHECK(p->ngomods == 2 && p->gomods[0].nranges == 0 && p->gomods[1].nranges == 2 &&
		      p->gomods[1].ranges[0].n == 1 && p->gomods[1].ranges[0].cmp[0].op == SR_POLICY_VOP_LT &&
		      p->gomods[1].ranges[1].cmp[0].op == SR_POLICY_VOP_EQ);
		const char *const *t;
		CHECK(sr_policy_targets(p, &t) == 2 && strcmp(t[1], "dir:/srv/root") == 0);
		CHECK(sr_policy_fail_on_warnings(p));
		sr_policy_free(p);
	}
	/* the empty policy: valid, enforces nothing, named by the caller */
	p = load("{}");
	CHECK(p && strcmp(sr_policy_name(p), "test") == 0 && !sr_policy_description(p) && !p->has_allowed &&
	      sr_policy_targets(p, NULL) == 0 && !sr_policy_fail_on_warnings(p));
	sr_policy_free(p);
	/* "allowed_libraries": [] is a rule (no library at all), unlike leaving it out */
	p = load("{\"allowed_libraries\": [], \"targets_must_pass\": [], \"description\": \"\"}");
	CHECK(p && p->has_allowed && p->nallowed == 0 && strcmp(sr_policy_description(p), "") == 0);
	sr_policy_free(p);
	struct sr_error err = { 0 };
	CHECK(sr_policy_load_buffer("{}", 2, NULL, &p, &err) == SR_OK && strcmp(sr_policy_name(p), "policy") == 0);
	sr_policy_free(p);

	/* unknown keys */
	EXPECT_ERROR("{\"requre_pie\": true}", "1:2: unknown key \"requre_pie\" (did you mean \"require_pie\"?)");
	EXPECT_ERROR("{\"Name\": \"x\"}", "1:2: unknown key \"Name\" (did you mean \"name\"?)");
	EXPECT_ERROR("{\"allowed_libs\": []}", "1:2: unknown key \"allowed_libs\" (see docs/policy.md)");
	EXPECT_ERROR("{\"x\\ny\": 1}", "1:2: unknown key \"x\\u000ay\" (see docs/policy.md)");
	EXPECT_ERROR("{\"forbidden_go_modules\": [{\"path\": \"a\", \"version\": []}]}",
	             "1:41: forbidden_go_modules[0]: unknown key \"version\" (expected \"path\" or \"versions\")");

	/* each key with a wrong value, at the value's position */
	EXPECT_ERROR("{\"$schema\": 5}", "1:13: $schema: expected a string, got a number");
	EXPECT_ERROR("{\"name\": 1}", "1:10: name: expected a string, got a number");
	EXPECT_ERROR("{\"name\": \"\"}", "1:10: name: empty string");
	EXPECT_ERROR("{\"description\": []}", "1:17: description: expected a string, got an array");
	EXPECT_ERROR("{\"allowed_libraries\": \"libc.so.6\"}",
	             "1:23: allowed_libraries: expected an array of library name patterns, got a string");
	EXPECT_ERROR("{\"allowed_libraries\": [\"libc.so.6\", 5]}",
	             "1:37: allowed_libraries[1]: expected a string, got a number");
	EXPECT_ERROR("{\"allowed_libraries\": [\"lib[c.so\"]}",
	             "1:24: allowed_libraries[0]: \"lib[c.so\": unclosed '[' in the pattern");
	EXPECT_ERROR("{\"allowed_libraries\": [\"lib\\\\\"]}",
	             "1:24: allowed_libraries[0]: \"lib\\\\\": pattern ends with a backslash");
	EXPECT_ERROR("{\"allowed_libraries\": [\"\"]}", "1:24: allowed_libraries[0]: empty string");
	EXPECT_ERROR("{\"allowed_libraries\": [\"a\", \"a\"]}",
	             "1:29: allowed_libraries[1]: duplicate of allowed_libraries[0]");
	EXPECT_ERROR("{\"forbidden_libraries\": {}}",
	             "1:25: forbidden_libraries: expected an array of library name patterns, got an object");
	EXPECT_ERROR("{\"forbidden_libraries\": [null]}", "1:26: forbidden_libraries[0]: expected a string, got null");
	EXPECT_ERROR("{\"max_symbol_versions\": [\"GLIBC\"]}",
	             "1:25: max_symbol_versions: expected an object (family -> version, e.g. {\"GLIBC\": \"2.17\"}), "
	             "got an array");
	EXPECT_ERROR("{\"max_symbol_versions\": {\"GLIBC\": 2.17}}",
	             "1:35: max_symbol_versions.GLIBC: expected a string like \"2.17\", got a number");
	EXPECT_ERROR("{\n  \"name\": \"x\",\n  \"description\": \"y\",\n  \"max_symbol_versions\": {\"GLIBC\": \"2.x\"}\n}",
	             "4:36: max_symbol_versions.GLIBC: \"2.x\" is not a dotted version");
	EXPECT_ERROR("{\"max_symbol_versions\": {\"GLIBC\": \"\"}}",
	             "1:35: max_symbol_versions.GLIBC: \"\" is not a dotted version");
	EXPECT_ERROR("{\"max_symbol_versions\": {\"GLIBC\": \"2..17\"}}",
	             "1:35: max_symbol_versions.GLIBC: \"2..17\" is not a dotted version");
	EXPECT_ERROR("{\"max_symbol_versions\": {\"GLIBC\": \"2.17.\"}}",
	             "1:35: max_symbol_versions.GLIBC: \"2.17.\" is not a dotted version");
	EXPECT_ERROR("{\"max_symbol_versions\": {\"GLIBC\": \"1234567890.1\"}}",
	             "1:35: max_symbol_versions.GLIBC: \"1234567890.1\" is not a dotted version");
	EXPECT_ERROR("{\"max_symbol_versions\": {\"glibc\": \"2.17\"}}",
	             "1:26: max_symbol_versions: \"glibc\": families are case-sensitive (GLIBC)");
	EXPECT_ERROR("{\"max_symbol_versions\": {\"GLIBC 2\": \"2.17\"}}",
	             "1:26: max_symbol_versions: \"GLIBC 2\" is not a symbol version family (like GLIBC)");
	EXPECT_ERROR("{\"max_symbol_versions\": {\"\": \"2.17\"}}",
	             "1:26: max_symbol_versions: \"\" is not a symbol version family (like GLIBC)");
	EXPECT_ERROR("{\"linkage\": \"static\"}",
	             "1:13: linkage: expected an array of \"static\", \"static-pie\", \"dynamic\", got a string");
	EXPECT_ERROR("{\"linkage\": []}", "1:13: linkage: empty list");
	EXPECT_ERROR("{\"linkage\": [\"static\", \"shared\"]}",
	             "1:24: linkage[1]: \"shared\": expected \"static\", \"static-pie\" or \"dynamic\"");
	EXPECT_ERROR("{\"linkage\": [\"static\", \"static\"]}", "1:24: linkage[1]: duplicate of linkage[0]");
	EXPECT_ERROR("{\"forbid_cgo\": \"yes\"}", "1:16: forbid_cgo: expected true or false, got a string");
	EXPECT_ERROR("{\"forbid_cgo\": true, \"require_cgo\": true}", "1:37: require_cgo: contradicts forbid_cgo");
	EXPECT_ERROR("{\"require_cgo\": true, \"forbid_cgo\": true}", "1:37: forbid_cgo: contradicts require_cgo");
	EXPECT_ERROR("{\"require_pie\": null}", "1:17: require_pie: expected true or false, got null");
	EXPECT_ERROR("{\"require_full_relro\": 1}", "1:24: require_full_relro: expected true or false, got a number");
	EXPECT_ERROR("{\"require_nx\": [true]}", "1:16: require_nx: expected true or false, got an array");
	EXPECT_ERROR("{\"forbid_rpath\": {}}", "1:18: forbid_rpath: expected true or false, got an object");
	EXPECT_ERROR("{\"fail_on_warnings\": \"false\"}",
	             "1:22: fail_on_warnings: expected true or false, got a string");
	EXPECT_ERROR("{\"min_go_version\": 1.21}",
	             "1:20: min_go_version: expected a string like \"1.21\", got a number");
	static const char *bad_go[] = { "1.x", "1", "1.", "1.21.", "1.21rc1", "0.5", " 1.21", "1.21.5.1", "go", "v1.21" };
	for (size_t i = 0; i < COUNT(bad_go); i++) {
		char json[96], want[160];
		snprintf(json, sizeof json, "{\"min_go_version\": \"%s\"}", bad_go[i]);
		snprintf(want, sizeof want,
		         "1:20: min_go_version: \"%s\" is not a Go release (like \"1.21\" or \"1.21.5\")",
		         bad_go[i]);
		EXPECT_ERROR(json, want);
	}
	EXPECT_ERROR("{\"max_go_version\": 1.23}", "1:20: max_go_version: expected a string like \"1.23\", got a number");
	EXPECT_ERROR("{\"max_go_version\": \"1.x\"}",
	             "1:20: max_go_version: \"1.x\" is not a Go release (like \"1.23\" or \"1.23.4\")");
	EXPECT_ERROR("{\"allowed_go_modules\": [{\"path\": \"a\", \"versions\": []}]}",
	             "1:51: allowed_go_modules[0].versions: empty list (leave \"versions\" out to allow every version)");
	EXPECT_ERROR("{\"require_trimpath\": \"yes\"}",
	             "1:22: require_trimpath: expected true or false, got a string");
	EXPECT_ERROR("{\"require_vcs_clen\": true}", "1:2: unknown key \"require_vcs_clen\" (did you mean \"require_vcs_clean\"?)");
	EXPECT_ERROR("{\"forbidden_go_modules\": {}}",
	             "1:26: forbidden_go_modules: expected an array of {\"path\": …, \"versions\": […]} objects, got "
	             "an object");
	EXPECT_ERROR("{\"forbidden_go_modules\": [\"x\"]}",
	             "1:27: forbidden_go_modules[0]: expected an object {\"path\": …, \"versions\": […]}, got a "
	             "string");
	EXPECT_ERROR("{\"forbidden_go_modules\": [{}]}", "1:27: forbidden_go_modules[0]: missing \"path\"");
	EXPECT_ERROR("{\"forbidden_go_modules\": [{\"path\": 7}]}",
	             "1:36: forbidden_go_modules[0].path: expected a string (a module path or glob), got a number");
	EXPECT_ERROR("{\"forbidden_go_modules\": [{\"path\": \"a/[b\"}]}",
	             "1:36: forbidden_go_modules[0].path: \"a/[b\": unclosed '[' in the pattern");
	EXPECT_ERROR("{\"forbidden_go_modules\": [{\"path\": \"a\", \"versions\": \"v1\"}]}",
	             "1:53: forbidden_go_modules[0].versions: expected an array of versions or ranges (\"< v0.17.0\"), "
	             "got a string");
	EXPECT_ERROR("{\"forbidden_go_modules\": [{\"path\": \"a\", \"versions\": []}]}",
	             "1:53: forbidden_go_modules[0].versions: empty list (leave \"versions\" out to forbid every "
	             "version)");
	EXPECT_ERROR("{\"forbidden_go_modules\": [{\"path\": \"a\", \"versions\": [\"< 0.17.0\"]}]}",
	             "1:54: forbidden_go_modules[0].versions[0]: \"< 0.17.0\": not a Go module version "
	             "(vMAJOR.MINOR.PATCH, e.g. v0.17.0)");
	EXPECT_ERROR("{\"forbidden_go_modules\": [{\"path\": \"a\", \"versions\": [\"<\"]}]}",
	             "1:54: forbidden_go_modules[0].versions[0]: \"<\": expected a version like v1.2.3 (ranges: \"< "
	             "v1.2.3\", \">= v1.0.0, < v1.2.5\")");
	EXPECT_ERROR("{\"forbidden_go_modules\": [{\"path\": \"a\", \"versions\": [\"v1 v2\"]}]}",
	             "1:54: forbidden_go_modules[0].versions[0]: \"v1 v2\": expected ',' between comparisons");
	EXPECT_ERROR("{\"forbidden_go_modules\": [{\"path\": \"a\", \"versions\": [\">= v1.0.0,\"]}]}",
	             "1:54: forbidden_go_modules[0].versions[0]: \">= v1.0.0,\": expected a version like v1.2.3 "
	             "(ranges: \"< v1.2.3\", \">= v1.0.0, < v1.2.5\")");
	EXPECT_ERROR("{\"forbidden_go_modules\": [{\"path\": \"a\", \"versions\": [\"=> v1.0.0\"]}]}",
	             "1:54: forbidden_go_modules[0].versions[0]: \"=> v1.0.0\": not a Go module version "
	             "(vMAJOR.MINOR.PATCH, e.g. v0.17.0)");
	EXPECT_ERROR("{\"targets_must_pass\": \"centos-7\"}",
	             "1:23: targets_must_pass: expected an array of target names, got a string");
	EXPECT_ERROR("{\"targets_must_pass\": [\"centos 7\"]}",
	             "1:24: targets_must_pass[0]: \"centos 7\": expected a target name (see shipready targets) or "
	             "\"dir:PATH\"");
	EXPECT_ERROR("{\"targets_must_pass\": [\"dir:\"]}",
	             "1:24: targets_must_pass[0]: \"dir:\": expected a directory after \"dir:\"");
	EXPECT_ERROR("{\"sources\": [1]}", "1:14: sources[0]: expected a string, got a number");
	/* lists are bounded */
	{
		char *json = malloc(300 * 8 + 64);
		if (json) {
			size_t o = (size_t)sprintf(json, "{\"allowed_libraries\": [");
			for (int i = 0; i < 257; i++)
				o += (size_t)sprintf(json + o, "%s\"l%03d\"", i ? "," : "", i);
			memcpy(json + o, "]}", 3);
			EXPECT_ERROR(json, "1:1816: allowed_libraries: more than 256 entries");
			free(json);
		}
	}
}

static void test_load(void)
{
	struct sr_error err = { 0 };
	struct sr_policy *p = NULL;
	/* built-ins, by name */
	for (size_t i = 0; sr_policy_builtins[i]; i++) {
		CHECKF(sr_policy_load(sr_policy_builtins[i], &p, &err) == SR_OK, "%s: %s", sr_policy_builtins[i],
		       sr_error_message(&err));
		CHECK(p && strcmp(sr_policy_name(p), sr_policy_builtins[i]) == 0 && sr_policy_is_builtin(p));
		CHECK(p && sr_policy_description(p) && sr_policy_description(p)[0]);
		sr_policy_free(p);
		p = NULL;
	}
	CHECK(sr_policy_load("nope", &p, &err) == SR_E_NOENT && p == NULL);
	CHECK(strcmp(err.msg, "unknown policy 'nope' (built-in: portable-glibc-2.17, static-only, distroless-static; "
	                      "a file needs a '/' or a .json name)") == 0);
	CHECK(sr_policy_load_builtin("./static-only", &p, &err) == SR_E_NOENT && p == NULL);
	CHECK(sr_policy_load("", &p, &err) == SR_E_USAGE);
	CHECK(sr_policy_load(NULL, &p, &err) == SR_E_USAGE);

	/* files: by path, with errors at line:column */
	char dir[] = "/tmp/sr-test-policy-XXXXXX";
	if (!mkdtemp(dir)) {
		CHECKF(0, "mkdtemp failed");
		return;
	}
	char path[128], named[128], empty[128];
	snprintf(path, sizeof path, "%s/gate.json", dir);
	snprintf(named, sizeof named, "%s/gate", dir);
	snprintf(empty, sizeof empty, "%s/empty.json", dir);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs("{\n  \"require_pie\": true,\n  \"linkage\": [\"dynamic\", \"shard\"]\n}\n", f);
		fclose(f);
	}
	CHECK(sr_policy_load(path, &p, &err) == SR_E_MALFORMED && p == NULL);
	CHECK(strcmp(err.msg, "3:26: linkage[1]: \"shard\": expected \"static\", \"static-pie\" or \"dynamic\"") == 0);
	f = fopen(named, "w");
	if (f) {
		fputs("{\"require_pie\": true}", f);
		fclose(f);
	}
	CHECKF(sr_policy_load(named, &p, &err) == SR_OK, "%s", sr_error_message(&err));
	CHECK(p && strcmp(sr_policy_name(p), named) == 0 && !sr_policy_is_builtin(p) && p->require_pie);
	sr_policy_free(p);
	f = fopen(empty, "w");
	if (f)
		fclose(f);
	CHECK(sr_policy_load(empty, &p, &err) == SR_E_MALFORMED &&
	      strcmp(err.msg, "1:1: empty file: expected a JSON value") == 0);
	/* a name that is not a built-in but exists is a file */
	char cwd[512];
	if (getcwd(cwd, sizeof cwd) && chdir(dir) == 0) {
		CHECKF(sr_policy_load("gate", &p, &err) == SR_OK, "%s", sr_error_message(&err));
		CHECK(p && strcmp(sr_policy_name(p), "gate") == 0);
		sr_policy_free(p);
		CHECK(chdir(cwd) == 0);
	}
	CHECK(sr_policy_load(dir, &p, &err) == SR_E_ISDIR);
	unlink(path);
	unlink(named);
	unlink(empty);
	rmdir(dir);
	CHECK(sr_policy_load(path, &p, &err) == SR_E_NOENT);
}

static void test_builtins(void)
{
	struct sr_error err = { 0 };
	struct sr_policy *p;
	const char *const *t;

	CHECK(sr_policy_load_builtin("portable-glibc-2.17", &p, &err) == SR_OK);
	if (p) {
		static const char *const libs[] = { "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2",
			                            "librt.so.1", "libgcc_s.so.1", "libstdc++.so.6", "ld-linux*" };
		CHECK(p->has_allowed && p->nallowed == COUNT(libs));
		for (size_t i = 0; i < COUNT(libs) && i < p->nallowed; i++)
			CHECK(strcmp(p->allowed[i], libs[i]) == 0);
		CHECK(p->nsymmax == 3);
		static const char *const fam[][2] = { { "GLIBC", "2.17" }, { "GLIBCXX", "3.4.19" }, { "CXXABI", "1.3.7" } };
		for (size_t i = 0; i < 3 && i < p->nsymmax; i++)
			CHECK(strcmp(p->symmax[i].family, fam[i][0]) == 0 &&
			      strcmp(p->symmax[i].version, fam[i][1]) == 0);
		CHECK(sr_policy_targets(p, &t) == 1 && strcmp(t[0], "centos-7") == 0);
		CHECK(p->linkage == 0 && !p->cgo_want && !p->fail_on_warnings);
		sr_policy_free(p);
	}
	CHECK(sr_policy_load_builtin("static-only", &p, &err) == SR_OK);
	if (p) {
		CHECK(p->linkage == (SR_POLICY_LINK_STATIC | SR_POLICY_LINK_STATIC_PIE));
		CHECK(p->has_allowed && p->nallowed == 0 && sr_policy_targets(p, NULL) == 0);
		sr_policy_free(p);
	}
	CHECK(sr_policy_load_builtin("distroless-static", &p, &err) == SR_OK);
	if (p) {
		/* no libc and no loader in the image: static or static-pie, no shared library */
		CHECK(p->linkage == (SR_POLICY_LINK_STATIC | SR_POLICY_LINK_STATIC_PIE));
		CHECK(p->has_allowed && p->nallowed == 0);
		CHECK(!p->cgo_want);   /* cgo linked in statically runs there */
		CHECK(sr_policy_targets(p, &t) == 1 && strcmp(t[0], "distroless-static") == 0);
		sr_policy_free(p);
	}
}

/* ---------- the matchers ---------- */

static void test_matchers(void)
{
	static const struct {
		const char *pat, *s;
		bool casefold, want;
	} globs[] = {
		{ "lib*.so*", "libc.so.6", false, true },
		{ "ld-linux*", "ld-linux-x86-64.so.2", false, true },
		{ "ld-linux*", "ld-musl-x86_64.so.1", false, false },
		{ "libc.so.6", "libc.so.6", false, true },
		{ "libc.so.6", "libc.so.60", false, false },
		{ "?", "a", false, true },
		{ "?", "", false, false },
		{ "*", "", false, true },
		{ "a*", "a", false, true },
		{ "*b", "ab/cb", false, true },
		{ "[abc]x", "bx", false, true },
		{ "[!abc]x", "bx", false, false },
		{ "[^a-c]x", "dx", false, true },
		{ "[a-c]x", "dx", false, false },
		{ "[]]", "]", false, true },
		{ "[a-]", "-", false, true },
		{ "[\\]]", "]", false, true },
		{ "a\\*", "a*", false, true },
		{ "a\\*", "ab", false, false },
		{ "*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, false },
		{ "*a*b*c", "xaxbxcxc", false, true },
		{ "kernel32.dll", "KERNEL32.DLL", true, true },
		{ "kernel32.dll", "KERNEL32.DLL", false, false },
		{ "[a-z]*.DLL", "Msvcrt.dll", true, true },
		{ "[A-Z]*", "msvcrt", true, true },
	};
	for (size_t i = 0; i < COUNT(globs); i++)
		CHECKF(sr_policy_glob_match(globs[i].pat, globs[i].s, globs[i].casefold) == globs[i].want, "%s ~ %s",
		       globs[i].pat, globs[i].s);
	CHECK(strcmp(sr_policy_glob_error(""), "empty pattern") == 0);
	CHECK(strcmp(sr_policy_glob_error("a\\"), "pattern ends with a backslash") == 0);
	CHECK(strcmp(sr_policy_glob_error("[abc"), "unclosed '[' in the pattern") == 0);
	CHECK(strcmp(sr_policy_glob_error("[\\"), "unclosed '[' in the pattern") == 0);
	CHECK(sr_policy_glob_error("[]") != NULL && sr_policy_glob_error("[!]") != NULL);
	CHECK(sr_policy_glob_error("[]]") == NULL && sr_policy_glob_error("a\\[") == NULL &&
	      sr_policy_glob_error("*") == NULL);
	char longpat[300];
	memset(longpat, 'a', 257);
	longpat[257] = '\0';
	CHECK(strcmp(sr_policy_glob_error(longpat), "pattern longer than 256 bytes") == 0);
	longpat[256] = '\0';
	CHECK(sr_policy_glob_error(longpat) == NULL);

	/* Go module versions: semver.org precedence, Go's shorthands */
	static const char *const ordered[] = {
		"v0.0.0-20191109021931-daa7c04131f5", "v0.0.1", "v1.0.0-alpha", "v1.0.0-alpha.1", "v1.0.0-alpha.beta",
		"v1.0.0-beta", "v1.0.0-beta.2", "v1.0.0-beta.11", "v1.0.0-rc.1", "v1.0.0", "v1.2.3", "v1.10.0",
		"v2.0.0+incompatible", "v10.0.0", "v99999999999999999999.0.0",
	};
	for (size_t i = 0; i < COUNT(ordered); i++) {
		CHECKF(sr_semver_valid(ordered[i]), "%s", ordered[i]);
		for (size_t k = 0; k < COUNT(ordered); k++) {
			int c = sr_semver_cmp(ordered[i], ordered[k]);
			CHECKF((i < k && c < 0) || (i == k && c == 0) || (i > k && c > 0), "%s vs %s: %d", ordered[i],
			       ordered[k], c);
		}
	}
	CHECK(sr_semver_cmp("v1", "v1.0.0") == 0 && sr_semver_cmp("v1.2", "v1.2.0") == 0);
	CHECK(sr_semver_cmp("v1.0.0+meta", "v1.0.0") == 0);
	CHECK(sr_semver_cmp("(devel)", "v0.0.1") < 0 && sr_semver_cmp("(devel)", "") == 0);
	static const char *const invalid[] = { "", "1.2.3", "v", "v1.", "v1.2.", "v01.2.3", "v1.02.3", "v1.2-pre",
		                               "v1.2.3-", "v1.2.3+", "v1.2.3-01", "v1.2.3-a..b", "v1.2.3 ",
		                               "v1.2.3.4", "(devel)", "v1.2.3-a_b" };
	for (size_t i = 0; i < COUNT(invalid); i++)
		CHECKF(!sr_semver_valid(invalid[i]), "%s", invalid[i]);
	CHECK(sr_semver_valid("v1.2.3-0a") && sr_semver_valid("v1.2.3-x.7.z-9+b.1-2"));
	/* canonical forms, as go.mod's versions are kept */
	static const char *const canon[][2] = {
		{ "v1", "v1.0.0" }, { "v1.2", "v1.2.0" }, { "v1.2.3+meta", "v1.2.3" },
		{ "v2.0.0+incompatible", "v2.0.0+incompatible" }, { "v1.2.3-rc.1+b", "v1.2.3-rc.1" },
		{ "v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20191109021931-daa7c04131f5" },
	};
	char cbuf[64];
	for (size_t i = 0; i < COUNT(canon); i++)
		CHECKF(sr_semver_canonical(canon[i][0], cbuf, sizeof cbuf) && strcmp(cbuf, canon[i][1]) == 0, "%s -> %s",
		       canon[i][0], cbuf);
	CHECK(!sr_semver_canonical("v1.2-pre", cbuf, sizeof cbuf) && !sr_semver_canonical("v1.2.3", cbuf, 6));

	/* ranges */
	struct sr_arena *a = sr_arena_new();
	struct sr_policy_vrange r;
	const char *why = NULL;
	CHECK(a && sr_policy_vrange_parse(a, "< v0.17.0", &r, &why));
	CHECK(sr_policy_vrange_match(&r, "v0.16.0") && !sr_policy_vrange_match(&r, "v0.17.0") &&
	      sr_policy_vrange_match(&r, "v0.17.0-rc.1") && sr_policy_vrange_match(&r,
	                             "v0.0.0-20191109021931-daa7c04131f5"));
	CHECK(sr_policy_vrange_parse(a, ">= v1.0.0, < v1.2.5", &r, &why) && r.n == 2);
	CHECK(sr_policy_vrange_match(&r, "v1.2.4") && sr_policy_vrange_match(&r, "v1.0.0") &&
	      !sr_policy_vrange_match(&r, "v1.2.5") &&
	      !sr_policy_vrange_match(&r, "v0.9.9"));
	CHECK(sr_policy_vrange_parse(a, "v1.2.3", &r, &why) && sr_policy_vrange_match(&r, "v1.2.3+meta") &&
	      !sr_policy_vrange_match(&r, "v1.2.4"));
	CHECK(sr_policy_vrange_parse(a, "=v1.2.3", &r, &why) && r.cmp[0].op == SR_POLICY_VOP_EQ);
	CHECK(sr_policy_vrange_parse(a, "<=v1.0.0", &r, &why) && sr_policy_vrange_match(&r, "v1.0.0") &&
	      sr_policy_vrange_match(&r, "v1.0.0-rc.1"));
	CHECK(sr_policy_vrange_parse(a, " > v1 ", &r, &why) && sr_policy_vrange_match(&r, "v1.0.1") &&
	      !sr_policy_vrange_match(&r, "v1.0.0"));
	CHECK(!sr_policy_vrange_parse(a, "", &r, &why) && !sr_policy_vrange_parse(a, "< 1.2.3", &r, &why) &&
	      !sr_policy_vrange_parse(a, "v1,", &r, &why) && !sr_policy_vrange_parse(a, "~v1.2.3", &r, &why));
	sr_arena_free(a);

	/* Go releases */
	struct sr_policy_gover g, h;
	CHECK(sr_policy_gover_parse_min("1.21", &g) && g.major == 1 && g.minor == 21 && g.patch == 0);
	CHECK(sr_policy_gover_parse_min("go1.21.5", &g) && g.patch == 5);
	struct sr_policy_gover_bin b;
	sr_policy_gover_parse_bin("go1.22.4", &b);
	CHECK(b.kind == SR_POLICY_GOVER_EXACT && b.lo.minor == 22 && b.lo.patch == 4 && b.lo.pre == 0);
	sr_policy_gover_parse_bin("go1.22.4 X:nocoverageredesign", &b);
	CHECK(b.kind == SR_POLICY_GOVER_EXACT && b.lo.patch == 4);
	sr_policy_gover_parse_bin("go1.21rc2", &b);
	CHECK(b.kind == SR_POLICY_GOVER_EXACT && b.lo.pre == 2 && b.lo.prenum == 2);
	sr_policy_gover_parse_min("1.21", &g);
	CHECK(sr_policy_gover_cmp(&b.lo, &g) < 0);   /* go1.21rc2 < 1.21 */
	sr_policy_gover_parse_bin("go1.21beta1", &b);
	h = b.lo;
	sr_policy_gover_parse_bin("go1.21rc1", &b);
	CHECK(sr_policy_gover_cmp(&h, &b.lo) < 0);
	sr_policy_gover_parse_bin("go1.21", &b);
	CHECK(b.kind == SR_POLICY_GOVER_EXACT && sr_policy_gover_cmp(&b.lo, &g) == 0);
	sr_policy_gover_parse_bin("go1.20 or later", &b);
	CHECK(b.kind == SR_POLICY_GOVER_RANGE && !b.has_hi && b.lo.minor == 20);
	sr_policy_gover_parse_bin("go1.2 to go1.15", &b);
	CHECK(b.kind == SR_POLICY_GOVER_RANGE && b.has_hi && b.lo.minor == 2 && b.hi_minor == 15);
	sr_policy_gover_parse_bin("devel go1.23-e8ee1dc4f9 Tue Jan 2 2024", &b);
	CHECK(b.kind == SR_POLICY_GOVER_UNKNOWN);
	sr_policy_gover_parse_bin(NULL, &b);
	CHECK(b.kind == SR_POLICY_GOVER_UNKNOWN);
	sr_policy_gover_parse_bin("go1.x", &b);
	CHECK(b.kind == SR_POLICY_GOVER_UNKNOWN);
	sr_policy_gover_parse_bin("go1.2 to", &b);
	CHECK(b.kind == SR_POLICY_GOVER_UNKNOWN);
	sr_policy_gover_parse_bin("go1.9999999", &b);
	CHECK(b.kind == SR_POLICY_GOVER_UNKNOWN);
}

/* ---------- the rules ---------- */

static void test_libraries(void)
{
	struct sr_elf e = elf_base();
	struct sr_inspect in = in_elf(&e, NULL);
	static const char *needed[] = { "libc.so.6", "libssl.so.3", "ld-linux-x86-64.so.2", "/opt/lib/libfoo.so" };
	e.needed = (struct sr_strlist){ needed, 4 };

	EXPECT_EVAL("{\"allowed_libraries\": [\"libc.so.6\", \"ld-linux*\", \"libssl.so.3\", \"libfoo.so\"]}", &in, "");
	EXPECT_EVAL("{\"allowed_libraries\": [\"libc.so.6\", \"ld-linux*\"]}", &in,
	            "allowed_libraries: libssl.so.3 is not an allowed library (DT_NEEDED)\n"
	            "allowed_libraries: /opt/lib/libfoo.so is not an allowed library (DT_NEEDED)");
	/* a pattern with '/' matches the whole name */
	EXPECT_EVAL("{\"allowed_libraries\": [\"libc*\", \"libssl*\", \"ld-*\", \"/usr/*\"]}", &in,
	            "allowed_libraries: /opt/lib/libfoo.so is not an allowed library (DT_NEEDED)");
	EXPECT_EVAL("{\"allowed_libraries\": [\"libc*\", \"libssl*\", \"ld-*\", \"/opt/*\"]}", &in, "");
	EXPECT_EVAL("{\"allowed_libraries\": []}", &in,
	            "allowed_libraries: libc.so.6 is not an allowed library (DT_NEEDED)\n"
	            "allowed_libraries: libssl.so.3 is not an allowed library (DT_NEEDED)\n"
	            "allowed_libraries: ld-linux-x86-64.so.2 is not an allowed library (DT_NEEDED)\n"
	            "allowed_libraries: /opt/lib/libfoo.so is not an allowed library (DT_NEEDED)");
	EXPECT_EVAL("{\"forbidden_libraries\": [\"libssl*\", \"libcrypto*\"]}", &in,
	            "forbidden_libraries: libssl.so.3 is forbidden (matches \"libssl*\") (DT_NEEDED)");
	EXPECT_EVAL("{\"forbidden_libraries\": [\"libcrypto*\"]}", &in, "");
	/* both: the allowed list and the forbidden list are separate rules */
	EXPECT_EVAL("{\"allowed_libraries\": [\"*\"], \"forbidden_libraries\": [\"libfoo*\"]}", &in,
	            "forbidden_libraries: /opt/lib/libfoo.so is forbidden (matches \"libfoo*\") (DT_NEEDED)");
	e.needed = (struct sr_strlist){ NULL, 0 };
	EXPECT_EVAL("{\"allowed_libraries\": [], \"forbidden_libraries\": [\"*\"]}", &in, "");

	/* PE: imported DLLs, compared case-insensitively */
	struct sr_pe pe;
	memset(&pe, 0, sizeof pe);
	struct sr_pe_dll dlls[] = { { .name = "KERNEL32.dll" }, { .name = "libcrypto-3-x64.dll", .delay_load = true } };
	pe.dlls = dlls;
	pe.ndlls = 2;
	pe.dll_characteristics = SR_PE_DLLCHAR_DYNAMIC_BASE | SR_PE_DLLCHAR_NX_COMPAT;
	struct sr_inspect pin = in_pe(&pe, NULL);
	EXPECT_EVAL("{\"allowed_libraries\": [\"kernel32.dll\"]}", &pin,
	            "allowed_libraries: libcrypto-3-x64.dll is not an allowed library (delay-load import)");
	EXPECT_EVAL("{\"forbidden_libraries\": [\"KERNEL32.DLL\"]}", &pin,
	            "forbidden_libraries: KERNEL32.dll is forbidden (matches \"KERNEL32.DLL\") (import)");

	/* Mach-O: the dylib load commands; a pattern without '/' names the file */
	struct sr_macho m;
	struct sr_macho_slice s;
	memset(&m, 0, sizeof m);
	memset(&s, 0, sizeof s);
	struct sr_macho_dylib dylibs[] = { { .kind = SR_MACHO_DYLIB_LOAD, .cmd = 0xc, .name = "/usr/lib/libSystem.B.dylib" },
		                           { .kind = SR_MACHO_DYLIB_WEAK, .cmd = 0x80000018u, .name = "@rpath/libfoo.dylib" } };
	s.parsed = true;
	s.filetype = SR_MH_EXECUTE;
	s.flags = SR_MH_PIE;
	s.dylinker = "/usr/lib/dyld";
	s.dylibs = dylibs;
	s.ndylibs = 2;
	m.slices = &s;
	m.nslices = 1;
	struct sr_inspect min = in_macho(&m, NULL);
	EXPECT_EVAL("{\"allowed_libraries\": [\"libSystem.B.dylib\"]}", &min,
	            "allowed_libraries: @rpath/libfoo.dylib is not an allowed library (LC_LOAD_WEAK_DYLIB)");
	EXPECT_EVAL("{\"allowed_libraries\": [\"/usr/lib/*\", \"@rpath/*\"]}", &min, "");
}

static void test_symbol_versions(void)
{
	struct sr_elf e = elf_base();
	struct sr_vernaux libc_v[] = { { .name = "GLIBC_2.2.5" }, { .name = "GLIBC_2.34" }, { .name = "GLIBC_PRIVATE" },
		                       { .name = "GLIBC_2.17" }, { .name = "GLIBC_2.28" } };
	struct sr_vernaux cxx_v[] = { { .name = "GLIBCXX_3.4.19" }, { .name = "CXXABI_1.3.8" }, { .name = "GLIBCXX_3.4.21" },
		                      { .name = "CXXABI_1.3.7" } };
	struct sr_vernaux m_v[] = { { .name = "GLIBC_2.29" }, { .name = "OTHER_9.9" } };
	struct sr_verneed vn[] = { { "libc.so.6", libc_v, COUNT(libc_v) }, { "libstdc++.so.6", cxx_v, COUNT(cxx_v) },
		                   { "libm.so.6", m_v, COUNT(m_v) } };
	e.verneed = vn;
	e.verneed_count = COUNT(vn);
	struct sr_inspect in = in_elf(&e, NULL);
	EXPECT_EVAL("{\"max_symbol_versions\": {\"GLIBC\": \"2.17\", \"GLIBCXX\": \"3.4.19\", \"CXXABI\": \"1.3.7\"}}",
	            &in,
	            "max_symbol_versions: GLIBC_2.34 > 2.17 (required from libc.so.6)\n"
	            "max_symbol_versions: GLIBC_2.28 > 2.17 (required from libc.so.6)\n"
	            "max_symbol_versions: GLIBCXX_3.4.21 > 3.4.19 (required from libstdc++.so.6)\n"
	            "max_symbol_versions: CXXABI_1.3.8 > 1.3.7 (required from libstdc++.so.6)\n"
	            "max_symbol_versions: GLIBC_2.29 > 2.17 (required from libm.so.6)");
	EXPECT_EVAL("{\"max_symbol_versions\": {\"GLIBC\": \"2.34\", \"GLIBCXX\": \"3.4.21\", \"CXXABI\": \"1.3.8\"}}",
	            &in, "");
	/* numeric, not textual: 2.4 < 2.34 */
	EXPECT_EVAL("{\"max_symbol_versions\": {\"GLIBC\": \"2.4\"}}", &in,
	            "max_symbol_versions: GLIBC_2.34 > 2.4 (required from libc.so.6)\n"
	            "max_symbol_versions: GLIBC_2.28 > 2.4 (required from libc.so.6)\n"
	            "max_symbol_versions: GLIBC_2.17 > 2.4 (required from libc.so.6)\n"
	            "max_symbol_versions: GLIBC_2.29 > 2.4 (required from libm.so.6)");
	/* a family the file does not use holds */
	EXPECT_EVAL("{\"max_symbol_versions\": {\"OPENSSL\": \"1.0.0\"}}", &in, "");
	/* no versions at all (static, or PE/Mach-O): nothing exceeds the maximum */
	e.verneed_count = 0;
	EXPECT_EVAL("{\"max_symbol_versions\": {\"GLIBC\": \"2.17\"}}", &in, "");
}

static void test_linkage(void)
{
	struct sr_elf e = elf_base();
	struct sr_inspect in = in_elf(&e, NULL);
	static const char static_only[] = "{\"linkage\": [\"static\", \"static-pie\"]}";
	EXPECT_EVAL(static_only, &in,
	            "linkage: dynamic linkage; the policy allows static or static-pie (PT_INTERP "
	            "/lib64/ld-linux-x86-64.so.2)");
	EXPECT_EVAL("{\"linkage\": [\"dynamic\"]}", &in, "");
	e.has_interp = false;
	e.interpreter = NULL;
	e.kind = SR_ELF_KIND_SHARED;
	EXPECT_EVAL(static_only, &in,
	            "linkage: dynamic linkage; the policy allows static or static-pie (DT_NEEDED libc.so.6)");
	e.needed.count = 0;
	EXPECT_EVAL(static_only, &in,
	            "linkage: dynamic linkage; the policy allows static or static-pie (a shared object)");
	e.linkage = SR_LINK_STATIC;
	e.kind = SR_ELF_KIND_EXEC;
	EXPECT_EVAL(static_only, &in, "");
	EXPECT_EVAL("{\"linkage\": [\"static-pie\"]}", &in,
	            "linkage: static linkage; the policy allows static-pie (no PT_INTERP, not position-independent)");
	e.linkage = SR_LINK_STATIC_PIE;
	e.kind = SR_ELF_KIND_PIE;
	EXPECT_EVAL(static_only, &in, "");
	EXPECT_EVAL("{\"linkage\": [\"dynamic\", \"static\"]}", &in,
	            "linkage: static-pie linkage; the policy allows static or dynamic (position-independent, no "
	            "PT_INTERP)");
	e.linkage = SR_LINK_NONE;
	e.kind = SR_ELF_KIND_REL;
	EXPECT_EVAL(static_only, &in, "linkage: cannot verify: not a linked program (relocatable)");

	struct sr_pe pe;
	memset(&pe, 0, sizeof pe);
	struct sr_pe_dll dlls[] = { { .name = "KERNEL32.dll" } };
	pe.dlls = dlls;
	pe.ndlls = 1;
	struct sr_inspect pin = in_pe(&pe, NULL);
	EXPECT_EVAL(static_only, &pin,
	            "linkage: dynamic linkage; the policy allows static or static-pie (imports KERNEL32.dll)");
	pe.ndlls = 0;
	EXPECT_EVAL(static_only, &pin, "");
	EXPECT_EVAL("{\"linkage\": [\"dynamic\"]}", &pin,
	            "linkage: static linkage; the policy allows dynamic (no imported DLLs)");

	struct sr_macho m;
	struct sr_macho_slice s;
	memset(&m, 0, sizeof m);
	memset(&s, 0, sizeof s);
	s.parsed = true;
	s.filetype = SR_MH_EXECUTE;
	s.dylinker = "/usr/lib/dyld";
	m.slices = &s;
	m.nslices = 1;
	struct sr_inspect min = in_macho(&m, NULL);
	EXPECT_EVAL(static_only, &min,
	            "linkage: dynamic linkage; the policy allows static or static-pie (LC_LOAD_DYLINKER /usr/lib/dyld)");
	s.dylinker = NULL;
	EXPECT_EVAL(static_only, &min, "");
}

static void test_hardening(void)
{
	struct sr_elf e = elf_base();
	struct sr_inspect in = in_elf(&e, NULL);
	static const char all[] = "{\"require_pie\": true, \"require_full_relro\": true, \"require_nx\": true}";
	EXPECT_EVAL(all, &in, "");
	/* false is no rule at all */
	EXPECT_EVAL("{\"require_pie\": false, \"require_full_relro\": false, \"require_nx\": false}", &in, "");
	e.kind = SR_ELF_KIND_EXEC;
	e.hardening.pie = false;
	e.hardening.relro = SR_RELRO_PARTIAL;
	e.hardening.nx_stack = false;
	EXPECT_EVAL(all, &in,
	            "require_pie: not a position-independent executable (ELF type ET_EXEC)\n"
	            "require_full_relro: partial RELRO (PT_GNU_RELRO without BIND_NOW)\n"
	            "require_nx: executable stack (PT_GNU_STACK with PF_X)");
	e.hardening.relro = SR_RELRO_NONE;
	e.hardening.has_gnu_stack = false;
	EXPECT_EVAL("{\"require_full_relro\": true, \"require_nx\": true}", &in,
	            "require_full_relro: no RELRO (no PT_GNU_RELRO segment)\n"
	            "require_nx: stack may be executable (no PT_GNU_STACK: the kernel's default applies) (no "
	            "PT_GNU_STACK program header)");
	/* a shared library is position-independent by construction */
	e.kind = SR_ELF_KIND_SHARED;
	EXPECT_EVAL("{\"require_pie\": true}", &in, "");
	e.kind = SR_ELF_KIND_REL;
	e.linkage = SR_LINK_NONE;
	EXPECT_EVAL(all, &in,
	            "require_pie: cannot verify: not a linked program (relocatable)\n"
	            "require_full_relro: cannot verify: not a linked program (relocatable)\n"
	            "require_nx: cannot verify: not a linked program (relocatable)");

	struct sr_pe pe;
	memset(&pe, 0, sizeof pe);
	struct sr_inspect pin = in_pe(&pe, NULL);
	EXPECT_EVAL(all, &pin,
	            "require_pie: not relocatable at load time (no ASLR) (DllCharacteristics without DYNAMIC_BASE)\n"
	            "require_full_relro: cannot verify: RELRO is an ELF feature (this is a PE file)\n"
	            "require_nx: not marked NX-compatible (DEP) (DllCharacteristics without NX_COMPAT)");
	pe.dll_characteristics = SR_PE_DLLCHAR_DYNAMIC_BASE | SR_PE_DLLCHAR_NX_COMPAT;
	EXPECT_EVAL("{\"require_pie\": true, \"require_nx\": true}", &pin, "");

	struct sr_macho m;
	struct sr_macho_slice s;
	memset(&m, 0, sizeof m);
	memset(&s, 0, sizeof s);
	s.parsed = true;
	s.filetype = SR_MH_EXECUTE;
	s.flags = 0x20000u;   /* MH_ALLOW_STACK_EXECUTION */
	m.slices = &s;
	m.nslices = 1;
	struct sr_inspect min = in_macho(&m, NULL);
	EXPECT_EVAL(all, &min,
	            "require_pie: not a position-independent executable (mach header without MH_PIE)\n"
	            "require_full_relro: cannot verify: RELRO is an ELF feature (this is a Mach-O file)\n"
	            "require_nx: executable stack (mach header flag MH_ALLOW_STACK_EXECUTION)");
	s.flags = SR_MH_PIE;
	EXPECT_EVAL("{\"require_pie\": true, \"require_nx\": true}", &min, "");
	s.filetype = SR_MH_DYLIB;
	s.flags = 0;
	EXPECT_EVAL("{\"require_pie\": true}", &min, "");
	s.filetype = SR_MH_OBJECT;
	EXPECT_EVAL("{\"require_pie\": true}", &min, "require_pie: cannot verify: not a linked program (MH_OBJECT)");
}

static void test_rpath(void)
{
	struct sr_elf e = elf_base();
	struct sr_inspect in = in_elf(&e, NULL);
	static const char rule[] = "{\"forbid_rpath\": true}";
	EXPECT_EVAL(rule, &in, "");
	static const char *rp[] = { "$ORIGIN/../lib:/opt/x" }, *rup[] = { "/usr/local/lib" };
	e.rpath = (struct sr_strlist){ rp, 1 };
	e.runpath = (struct sr_strlist){ rup, 1 };
	EXPECT_EVAL(rule, &in,
	            "forbid_rpath: RPATH $ORIGIN/../lib:/opt/x (DT_RPATH)\nforbid_rpath: RUNPATH /usr/local/lib (DT_RUNPATH)");
	EXPECT_EVAL("{\"forbid_rpath\": false}", &in, "");

	struct sr_macho m;
	struct sr_macho_slice s;
	memset(&m, 0, sizeof m);
	memset(&s, 0, sizeof s);
	s.parsed = true;
	s.filetype = SR_MH_EXECUTE;
	static const char *mrp[] = { "@loader_path/../Frameworks" };
	s.rpaths = (struct sr_strlist){ mrp, 1 };
	m.slices = &s;
	m.nslices = 1;
	struct sr_inspect min = in_macho(&m, NULL);
	EXPECT_EVAL(rule, &min, "forbid_rpath: rpath @loader_path/../Frameworks (LC_RPATH)");

	struct sr_pe pe;
	memset(&pe, 0, sizeof pe);
	struct sr_inspect pin = in_pe(&pe, NULL);
	EXPECT_EVAL(rule, &pin, "");   /* PE has no run-time search path */
}

static void test_go_rules(void)
{
	struct sr_elf e = elf_base();
	struct gofix f;
	go_base(&f, "go1.22.4");
	struct sr_inspect in = in_elf(&e, &f.g);

	/* cgo */
	static const char cgo[] = "{\"forbid_cgo\": true}";
	EXPECT_EVAL(cgo, &in, "");
	static const char *ev[] = { "build setting CGO_ENABLED=1", "runtime/cgo linked in" };
	f.priv.linked.cgo = SR_GO_CGO_YES;
	f.priv.linked.cgo_evidence = (struct sr_strlist){ ev, 2 };
	EXPECT_EVAL(cgo, &in, "forbid_cgo: uses cgo (build setting CGO_ENABLED=1; runtime/cgo linked in)");
	EXPECT_EVAL("{\"forbid_cgo\": false}", &in, "");
	f.priv.linked.cgo = SR_GO_CGO_UNKNOWN;
	f.priv.linked.cgo_evidence.count = 0;
	EXPECT_EVAL(cgo, &in,
	            "forbid_cgo: cannot verify: cgo use unknown (no CGO_ENABLED build setting, no function table)");
	/* require_cgo: false is forbid_cgo under its own name; true wants cgo */
	f.priv.linked.cgo = SR_GO_CGO_YES;
	f.priv.linked.cgo_evidence = (struct sr_strlist){ ev, 2 };
	EXPECT_EVAL("{\"require_cgo\": false}", &in,
	            "require_cgo: uses cgo (build setting CGO_ENABLED=1; runtime/cgo linked in)");
	EXPECT_EVAL("{\"require_cgo\": true}", &in, "");
	EXPECT_EVAL("{\"require_cgo\": false, \"forbid_cgo\": true}", &in,
	            "forbid_cgo: uses cgo (build setting CGO_ENABLED=1; runtime/cgo linked in)");
	f.priv.linked.cgo = SR_GO_CGO_NO;
	static const char *ev0[] = { "build setting CGO_ENABLED=0" };
	f.priv.linked.cgo_evidence = (struct sr_strlist){ ev0, 1 };
	EXPECT_EVAL("{\"require_cgo\": true}", &in, "require_cgo: does not use cgo (build setting CGO_ENABLED=0)");
	EXPECT_EVAL("{\"require_cgo\": false}", &in, "");
	f.priv.linked.cgo_evidence.count = 0;
	EXPECT_EVAL("{\"require_cgo\": true}", &in, "require_cgo: does not use cgo (no runtime/cgo)");
	/* not Go at all: the Go rules hold */
	static const char go_all[] = "{\"forbid_cgo\": true, \"min_go_version\": \"1.21\", "
	                             "\"forbidden_go_modules\": [{\"path\": \"*\"}]}";
	struct sr_inspect c_in = in_elf(&e, NULL);
	EXPECT_EVAL(go_all, &c_in, "");
	f.g.is_go = false;
	EXPECT_EVAL(go_all, &in, "");
	f.g.is_go = true;
	/* Go marks seen but the Go reader did not run: undecidable */
	e.go = true;
	EXPECT_EVAL(go_all, &c_in,
	            "forbid_cgo: cannot verify: a Go binary not read as Go "
	            "(Go marks in the file, analysed without the Go reader)\n"
	            "min_go_version: cannot verify: a Go binary not read as Go "
	            "(Go marks in the file, analysed without the Go reader)\n"
	            "forbidden_go_modules: cannot verify: a Go binary not read as Go "
	            "(Go marks in the file, analysed without the Go reader)");
	e.go = false;

	/* minimum Go version */
	EXPECT_EVAL("{\"min_go_version\": \"1.21\"}", &in, "");
	EXPECT_EVAL("{\"min_go_version\": \"1.22.4\"}", &in, "");
	EXPECT_EVAL("{\"min_go_version\": \"1.22.5\"}", &in, "min_go_version: go1.22.4 < 1.22.5 (build info)");
	EXPECT_EVAL("{\"min_go_version\": \"go1.23\"}", &in, "min_go_version: go1.22.4 < go1.23 (build info)");
	f.g.version = "go1.21rc2";
	EXPECT_EVAL("{\"min_go_version\": \"1.21\"}", &in, "min_go_version: go1.21rc2 < 1.21 (build info)");
	EXPECT_EVAL("{\"min_go_version\": \"1.20.9\"}", &in, "");
	f.g.version = "go1.20 or later";
	f.g.version_source = SR_GO_VSRC_PCLNTAB;
	EXPECT_EVAL("{\"min_go_version\": \"1.20\"}", &in, "");
	EXPECT_EVAL("{\"min_go_version\": \"1.21\"}", &in,
	            "min_go_version: cannot verify: built with go1.20 or later, the policy needs 1.21 or later "
	            "(function table layout only, no build info)");
	f.g.version = "go1.18 to go1.19";
	EXPECT_EVAL("{\"min_go_version\": \"1.21\"}", &in,
	            "min_go_version: go1.18 to go1.19 < 1.21 (function table layout only, no build info)");
	EXPECT_EVAL("{\"min_go_version\": \"1.19.3\"}", &in,
	            "min_go_version: cannot verify: built with go1.18 to go1.19, the policy needs 1.19.3 or later "
	            "(function table layout only, no build info)");
	EXPECT_EVAL("{\"min_go_version\": \"1.18\"}", &in, "");
	f.g.version = "go1.19.3";
	f.g.version_source = SR_GO_VSRC_RUNTIME;
	EXPECT_EVAL("{\"min_go_version\": \"1.21\"}", &in,
	            "min_go_version: go1.19.3 < 1.21 (runtime.buildVersion, no build info)");
	f.g.version = "devel go1.23-e8ee1dc4f9 Tue Jan 2 2024";
	f.g.version_source = SR_GO_VSRC_BUILDINFO;
	EXPECT_EVAL("{\"min_go_version\": \"1.21\"}", &in,
	            "min_go_version: cannot verify: Go version unknown (devel go1.23-e8ee1dc4f9 Tue Jan 2 2024) (build "
	            "info)");
	f.g.version = NULL;
	f.g.version_source = SR_GO_VSRC_NONE;
	EXPECT_EVAL("{\"min_go_version\": \"1.21\"}", &in,
	            "min_go_version: cannot verify: Go version unknown (no build info, no runtime.buildVersion, no "
	            "function table)");
	f.g.version = "go1.22.4";
	f.g.version_source = SR_GO_VSRC_BUILDINFO;

	/* forbidden modules */
	struct sr_go_module repl[] = {
		{ .path = "golang.org/x/crypto", .version = "v0.17.0", .sum = "" },
		{ .path = "../forks/net", .version = "", .sum = "" },
		{ .path = "github.com/good/yaml", .version = "v3.0.1", .sum = "" },
	};
	struct sr_go_module deps[] = {
		{ .path = "golang.org/x/crypto", .version = "v0.16.0", .sum = "h1:x" },
		{ .path = "golang.org/x/sys", .version = "v0.15.0", .sum = "h1:y" },
		{ .path = "github.com/evil/pkg", .version = "v1.0.0", .sum = "h1:z" },
		{ .path = "golang.org/x/text", .version = "v0.3.7", .sum = "h1:w" },
	};
	f.mod.deps = deps;
	f.mod.ndeps = COUNT(deps);
	EXPECT_EVAL("{\"forbidden_go_modules\": [{\"path\": \"github.com/evil/*\"}]}", &in,
	            "forbidden_go_modules: github.com/evil/pkg v1.0.0 is forbidden (any version) (dep "
	            "github.com/evil/pkg v1.0.0)");
	EXPECT_EVAL("{\"forbidden_go_modules\": [{\"path\": \"golang.org/x/crypto\", \"versions\": [\"< v0.17.0\"]},\n"
	            "  {\"path\": \"golang.org/x/*\", \"versions\": [\"v0.3.7\", \">= v0.15.0, < v0.15.1\"]}]}",
	            &in,
	            "forbidden_go_modules: golang.org/x/crypto v0.16.0 is forbidden (< v0.17.0) (dep "
	            "golang.org/x/crypto v0.16.0)\n"
	            "forbidden_go_modules: golang.org/x/sys v0.15.0 is forbidden (>= v0.15.0, < v0.15.1) (dep "
	            "golang.org/x/sys v0.15.0)\n"
	            "forbidden_go_modules: golang.org/x/text v0.3.7 is forbidden (v0.3.7) (dep golang.org/x/text "
	            "v0.3.7)");
	EXPECT_EVAL("{\"forbidden_go_modules\": [{\"path\": \"golang.org/x/crypto\", \"versions\": [\"< v0.16.0\"]}]}",
	            &in, "");
	/* a replacement is the code linked in: its version counts; its path matches too */
	deps[0].replace = &repl[0];
	EXPECT_EVAL("{\"forbidden_go_modules\": [{\"path\": \"golang.org/x/crypto\", \"versions\": [\"< v0.17.0\"]}]}",
	            &in, "");
	EXPECT_EVAL("{\"forbidden_go_modules\": [{\"path\": \"golang.org/x/crypto\", \"versions\": [\"v0.17.0\"]}]}",
	            &in,
	            "forbidden_go_modules: golang.org/x/crypto v0.17.0 is forbidden (v0.17.0) "
	            "(dep golang.org/x/crypto v0.16.0 => golang.org/x/crypto v0.17.0)");
	deps[1].replace = &repl[1];
	EXPECT_EVAL("{\"forbidden_go_modules\": [{\"path\": \"golang.org/x/sys\", \"versions\": [\"< v1.0.0\"]}]}", &in,
	            "forbidden_go_modules: cannot verify: ../forks/net has no module version to compare "
	            "(dep golang.org/x/sys v0.15.0 => ../forks/net)");
	EXPECT_EVAL("{\"forbidden_go_modules\": [{\"path\": \"golang.org/x/sys\"}]}", &in,
	            "forbidden_go_modules: ../forks/net is forbidden (any version) (dep golang.org/x/sys v0.15.0 => "
	            "../forks/net)");
	deps[2].replace = &repl[2];
	EXPECT_EVAL("{\"forbidden_go_modules\": [{\"path\": \"github.com/good/*\"}]}", &in,
	            "forbidden_go_modules: github.com/good/yaml v3.0.1 is forbidden (any version) "
	            "(dep github.com/evil/pkg v1.0.0 => github.com/good/yaml v3.0.1)");
	deps[0].replace = deps[1].replace = deps[2].replace = NULL;
	/* the main module is the program itself, not a dependency */
	EXPECT_EVAL("{\"forbidden_go_modules\": [{\"path\": \"example.com/*\"}]}", &in, "");
	/* no module list: undecidable */
	f.bi.modinfo = "";
	f.bi.modinfo_len = 0;
	EXPECT_EVAL("{\"forbidden_go_modules\": [{\"path\": \"*\"}]}", &in,
	            "forbidden_go_modules: cannot verify: the modules linked in are unknown (no module list in the "
	            "build info)");
	f.bi.status = SR_GO_BI_BAD_MODINFO;
	f.bi.mod = NULL;
	snprintf(f.bi.error, sizeof f.bi.error, "could not parse Go build info: line 1: unknown line");
	EXPECT_EVAL("{\"forbidden_go_modules\": [{\"path\": \"*\"}]}", &in,
	            "forbidden_go_modules: cannot verify: the modules linked in are unknown "
	            "(could not parse Go build info: line 1: unknown line)");

	/* maximum Go version: "1.23" allows every 1.23.x, "1.23.4" stops there */
	f.bi.modinfo = "path example.com/app\nmod\texample.com/app\t(devel)\t\n";
	f.bi.modinfo_len = strlen(f.bi.modinfo);
	f.bi.status = SR_GO_BI_OK;
	f.bi.mod = &f.mod;
	f.mod.deps = NULL;
	f.mod.ndeps = 0;
	EXPECT_EVAL("{\"max_go_version\": \"1.22\"}", &in, "");
	EXPECT_EVAL("{\"max_go_version\": \"1.22.4\"}", &in, "");
	EXPECT_EVAL("{\"max_go_version\": \"1.22.3\"}", &in, "max_go_version: go1.22.4 > 1.22.3 (build info)");
	EXPECT_EVAL("{\"max_go_version\": \"go1.21\"}", &in, "max_go_version: go1.22.4 > go1.21 (build info)");
	EXPECT_EVAL("{\"min_go_version\": \"1.21\", \"max_go_version\": \"1.22\"}", &in, "");
	f.g.version = "go1.23rc1";
	EXPECT_EVAL("{\"max_go_version\": \"1.22\"}", &in, "max_go_version: go1.23rc1 > 1.22 (build info)");
	EXPECT_EVAL("{\"max_go_version\": \"1.23\"}", &in, "");
	f.g.version = "go1.18 to go1.19";
	f.g.version_source = SR_GO_VSRC_PCLNTAB;
	EXPECT_EVAL("{\"max_go_version\": \"1.19\"}", &in, "");
	EXPECT_EVAL("{\"max_go_version\": \"1.17\"}", &in,
	            "max_go_version: go1.18 to go1.19 > 1.17 (function table layout only, no build info)");
	EXPECT_EVAL("{\"max_go_version\": \"1.18\"}", &in,
	            "max_go_version: cannot verify: built with go1.18 to go1.19, the policy allows 1.18 at most "
	            "(function table layout only, no build info)");
	f.g.version = "go1.20 or later";
	EXPECT_EVAL("{\"max_go_version\": \"1.30\"}", &in,
	            "max_go_version: cannot verify: built with go1.20 or later, the policy allows 1.30 at most "
	            "(function table layout only, no build info)");
	f.g.version = "go1.22.4";
	f.g.version_source = SR_GO_VSRC_BUILDINFO;

	/* build settings: -trimpath and a clean work tree */
	EXPECT_EVAL("{\"require_trimpath\": true, \"require_vcs_clean\": true}", &in,
	            "require_trimpath: cannot verify: no build settings (Go records build settings since 1.18)\n"
	            "require_vcs_clean: cannot verify: no build settings (Go records build settings since 1.18)");
	struct sr_go_setting set[] = {
		{ "-compiler", 9, "gc", 2 },
		{ "CGO_ENABLED", 11, "0", 1 },
		{ "vcs", 3, "git", 3 },
		{ "vcs.revision", 12, "0123456789abcdef0123456789abcdef01234567", 40 },
		{ "vcs.modified", 12, "true", 4 },
		{ "-trimpath", 9, "true", 4 },
	};
	f.mod.settings = set;
	f.mod.nsettings = 5;   /* no -trimpath */
	EXPECT_EVAL("{\"require_trimpath\": true}", &in,
	            "require_trimpath: built without -trimpath: the build machine's paths are in the binary "
	            "(no -trimpath=true build setting)");
	EXPECT_EVAL("{\"require_vcs_clean\": true}", &in,
	            "require_vcs_clean: built from a work tree with uncommitted changes "
	            "(vcs.modified=true, vcs.revision=0123456789abcdef0123456789abcdef01234567)");
	EXPECT_EVAL("{\"require_trimpath\": false, \"require_vcs_clean\": false}", &in, "");
	f.mod.nsettings = 6;
	set[4].value = "false";
	set[4].value_len = 5;
	EXPECT_EVAL("{\"require_trimpath\": true, \"require_vcs_clean\": true}", &in, "");
	f.mod.nsettings = 2;   /* -buildvcs=false, or outside a repository */
	EXPECT_EVAL("{\"require_vcs_clean\": true}", &in,
	            "require_vcs_clean: cannot verify: no version control stamp (built outside a repository, or "
	            "with -buildvcs=false) (no vcs.revision or vcs.modified build setting)");
	f.mod.settings = NULL;
	f.mod.nsettings = 0;

	/* allowed modules: every dependency (the code linked in) must match one */
	struct sr_go_module adeps[] = {
		{ .path = "golang.org/x/sys", .version = "v0.15.0", .sum = "h1:y" },
		{ .path = "github.com/evil/pkg", .version = "v1.0.0", .sum = "h1:z" },
		{ .path = "golang.org/x/text", .version = "v0.3.7", .sum = "h1:w" },
	};
	struct sr_go_module arepl = { .path = "../forks/text", .version = "", .sum = "" };
	f.mod.deps = adeps;
	f.mod.ndeps = COUNT(adeps);
	EXPECT_EVAL("{\"allowed_go_modules\": [{\"path\": \"golang.org/x/*\"}, {\"path\": \"github.com/evil/pkg\"}]}",
	            &in, "");
	EXPECT_EVAL("{\"allowed_go_modules\": [{\"path\": \"golang.org/x/*\", \"versions\": [\">= v0.10.0\"]}]}", &in,
	            "allowed_go_modules: github.com/evil/pkg v1.0.0 is not allowed (dep github.com/evil/pkg v1.0.0)\n"
	            "allowed_go_modules: golang.org/x/text v0.3.7 is not allowed (dep golang.org/x/text v0.3.7)");
	EXPECT_EVAL("{\"allowed_go_modules\": []}", &in,
	            "allowed_go_modules: golang.org/x/sys v0.15.0 is not allowed (dep golang.org/x/sys v0.15.0)\n"
	            "allowed_go_modules: github.com/evil/pkg v1.0.0 is not allowed (dep github.com/evil/pkg v1.0.0)\n"
	            "allowed_go_modules: golang.org/x/text v0.3.7 is not allowed (dep golang.org/x/text v0.3.7)");
	adeps[2].replace = &arepl;
	EXPECT_EVAL("{\"allowed_go_modules\": [{\"path\": \"golang.org/x/*\", \"versions\": [\"< v1.0.0\"]}, "
	            "{\"path\": \"github.com/*\"}]}", &in,
	            "allowed_go_modules: cannot verify: ../forks/text has no module version to compare "
	            "(dep golang.org/x/text v0.3.7 => ../forks/text)");
	EXPECT_EVAL("{\"allowed_go_modules\": [{\"path\": \"*\"}]}", &in, "");
	adeps[2].replace = NULL;
	f.bi.modinfo = "";
	f.bi.modinfo_len = 0;
	EXPECT_EVAL("{\"allowed_go_modules\": [{\"path\": \"*\"}]}", &in,
	            "allowed_go_modules: cannot verify: the modules linked in are unknown (no module list in the "
	            "build info)");
	f.mod.deps = NULL;
	f.mod.ndeps = 0;

	/* PE: the same Go rules */
	go_base(&f, "go1.20.1");
	struct sr_pe pe;
	memset(&pe, 0, sizeof pe);
	struct sr_inspect pin = in_pe(&pe, &f.g);
	EXPECT_EVAL("{\"min_go_version\": \"1.21\"}", &pin, "min_go_version: go1.20.1 < 1.21 (build info)");
}

static void test_macho_slices(void)
{
	/* a universal file: each slice on its own, named in the evidence */
	struct sr_macho m;
	struct sr_macho_slice s[3];
	memset(&m, 0, sizeof m);
	memset(s, 0, sizeof s);
	static const char *rp[] = { "@executable_path/lib" };
	s[0].parsed = true;
	s[0].cputype = SR_CPU_TYPE_X86_64;
	s[0].cpusubtype = 3;
	s[0].filetype = SR_MH_EXECUTE;
	s[0].flags = SR_MH_PIE;
	s[1] = s[0];
	s[1].cputype = SR_CPU_TYPE_ARM64;
	s[1].cpusubtype = 0;
	s[1].rpaths = (struct sr_strlist){ rp, 1 };
	s[2].parsed = false;
	s[2].error = "truncated load commands";
	m.fat = true;
	m.slices = s;
	m.nslices = 3;
	struct gofix f0, f1;
	go_base(&f0, "go1.22.1");
	go_base(&f1, "go1.20.5");
	struct sr_go_info *gos[3] = { &f0.g, &f1.g, NULL };
	struct sr_inspect in = in_macho(&m, gos);
	EXPECT_EVAL("{\"forbid_rpath\": true, \"min_go_version\": \"1.21\"}", &in,
	            "forbid_rpath: rpath @executable_path/lib (arm64 slice: LC_RPATH)\n"
	            "min_go_version: go1.20.5 < 1.21 (arm64 slice: build info)\n"
	            "file: cannot verify: unreadable slice (slice 2: truncated load commands)");
	/* a policy about targets only does not look at the slices */
	EXPECT_EVAL("{\"targets_must_pass\": []}", &in, "");
}

static void test_targets(void)
{
	struct sr_elf e = elf_base();
	struct sr_inspect in = in_elf(&e, NULL);
	struct sr_check_target t7 = { .name = "centos-7" }, t12 = { .name = "debian-12" }, talp = { .name = "alpine-3.20" };
	struct sr_finding f7[] = {
		{ .severity = SR_SEV_FAIL, .kind = "symbol-version", .reason = "needs GLIBC_2.34, centos-7 has glibc 2.17",
		  .message = "/lib64/libc.so.6: version `GLIBC_2.34' not found (required by ./app)",
		  .evidence = "__libc_start_main@GLIBC_2.34" },
		{ .severity = SR_SEV_WARN, .kind = "ca-roots", .reason = "no CA roots at /etc/ssl/certs/ca-certificates.crt",
		  .evidence = "crypto/x509" },
		{ .severity = SR_SEV_INFO, .kind = "zoneinfo", .reason = "zoneinfo present" },
	};
	struct sr_check_result r7 = { .target = &t7, .verdict = SR_VERDICT_FAILS, .findings = f7, .nfindings = 3 };
	struct sr_finding f12[] = { { .severity = SR_SEV_WARN, .kind = "nss", .reason = "no nsswitch.conf" } };
	struct sr_check_result r12 = { .target = &t12, .verdict = SR_VERDICT_WARN, .findings = f12, .nfindings = 1 };
	struct sr_check_result ralp = { .target = &talp, .verdict = SR_VERDICT_FAILS };   /* not in the policy */
	const struct sr_check_result *res[] = { &ralp, &r12, &r7 };

	EXPECT_EVAL_R("{\"targets_must_pass\": [\"centos-7\", \"debian-12\"]}", &in, res, 3,
	              "targets_must_pass: must run on centos-7: needs GLIBC_2.34, centos-7 has glibc 2.17 "
	              "(/lib64/libc.so.6: version `GLIBC_2.34' not found (required by ./app))");
	EXPECT_EVAL_R("{\"targets_must_pass\": [\"centos-7\", \"debian-12\"], \"fail_on_warnings\": true}", &in, res, 3,
	              "targets_must_pass: must run on centos-7: needs GLIBC_2.34, centos-7 has glibc 2.17 "
	              "(/lib64/libc.so.6: version `GLIBC_2.34' not found (required by ./app))\n"
	              "targets_must_pass: must run on centos-7: no CA roots at /etc/ssl/certs/ca-certificates.crt "
	              "(crypto/x509)\n"
	              "targets_must_pass: must run on debian-12: no nsswitch.conf");
	EXPECT_EVAL_R("{\"targets_must_pass\": [\"debian-12\"]}", &in, res, 3, "");
	/* a target without a result: fail closed */
	EXPECT_EVAL_R("{\"targets_must_pass\": [\"debian-13\"]}", &in, res, 3,
	              "targets_must_pass: cannot verify: no check result for debian-13");
	EXPECT_EVAL("{\"targets_must_pass\": [\"centos-7\"]}", &in,
	            "targets_must_pass: cannot verify: no check result for centos-7");
	/* a verdict without the findings that explain it still fails */
	const struct sr_check_result *only_alp[] = { &ralp };
	EXPECT_EVAL_R("{\"targets_must_pass\": [\"alpine-3.20\"]}", &in, only_alp, 1,
	              "targets_must_pass: must run on alpine-3.20: verdict fails");
	/* a target opened for a machine ("centos-7/x86_64") answers for its database entry */
	struct sr_target db7 = { .name = "centos-7" };
	struct sr_check_target t7m = { .name = "centos-7/x86_64", .db = &db7 };
	struct sr_check_result r7m = { .target = &t7m, .verdict = SR_VERDICT_FAILS };
	const struct sr_check_result *machine[] = { &r7m };
	EXPECT_EVAL_R("{\"targets_must_pass\": [\"centos-7\"]}", &in, machine, 1,
	              "targets_must_pass: must run on centos-7: verdict fails");
	/* sr_policy_eval_file: the file rules, never the targets */
	{
		struct sr_policy *p = load("{\"targets_must_pass\": [\"centos-7\"], \"linkage\": [\"static\"]}");
		struct sr_violations v;
		struct sr_error err = { 0 };
		CHECK(p && sr_policy_eval_file(p, &in, &v, &err) == SR_OK && v.n == 1 &&
		      strcmp(v.v[0].rule, "linkage") == 0);
		if (p) {
			sr_violations_free(&v);
			sr_policy_free(p);
		}
	}
	/* results for targets the policy does not name are ignored */
	EXPECT_EVAL_R("{}", &in, res, 3, "");
	/* file rules first, then targets */
	EXPECT_EVAL_R("{\"require_pie\": true, \"linkage\": [\"static\"], \"targets_must_pass\": [\"centos-7\"]}", &in,
	              res, 3,
	              "linkage: dynamic linkage; the policy allows static (PT_INTERP /lib64/ld-linux-x86-64.so.2)\n"
	              "targets_must_pass: must run on centos-7: needs GLIBC_2.34, centos-7 has glibc 2.17 "
	              "(/lib64/libc.so.6: version `GLIBC_2.34' not found (required by ./app))");
}

static void test_limits_and_usage(void)
{
	/* more violations than are listed: the last line counts the rest */
	size_t n = 5000;
	const char **names = calloc(n, sizeof *names);
	char (*buf)[16] = calloc(n, sizeof *buf);
	if (names && buf) {
		for (size_t i = 0; i < n; i++) {
			snprintf(buf[i], sizeof buf[i], "lib%zu.so", i);
			names[i] = buf[i];
		}
		struct sr_elf e = elf_base();
		e.needed = (struct sr_strlist){ names, n };
		struct sr_inspect in = in_elf(&e, NULL);
		struct sr_policy *p = load("{\"allowed_libraries\": []}");
		struct sr_violations v;
		struct sr_error err = { 0 };
		if (p) {
			CHECK(sr_policy_eval(p, &in, NULL, 0, &v, &err) == SR_OK);
			CHECK(v.n == SR_POLICY_MAX_VIOLATIONS);
			CHECK(v.n && strcmp(v.v[v.n - 1].rule, "policy") == 0 &&
			      strcmp(v.v[v.n - 1].message, "905 more violations not listed") == 0);
			CHECK(v.n > 1 && strcmp(v.v[v.n - 2].message, "lib4094.so is not an allowed library") == 0);
			sr_violations_free(&v);
			sr_policy_free(p);
		}
	}
	free(names);
	free(buf);

	struct sr_policy *p = load("{}");
	struct sr_violations v;
	struct sr_error err = { 0 };
	struct sr_inspect empty;
	memset(&empty, 0, sizeof empty);
	CHECK(sr_policy_eval(p, &empty, NULL, 0, &v, &err) == SR_E_USAGE && v.n == 0);
	CHECK(sr_policy_eval(p, NULL, NULL, 0, &v, &err) == SR_E_USAGE);
	CHECK(sr_policy_eval(p, &empty, NULL, 2, &v, &err) == SR_E_USAGE);
	CHECK(sr_policy_eval(p, &empty, NULL, 0, NULL, &err) == SR_E_USAGE);
	sr_policy_free(p);
	sr_violations_free(NULL);
	sr_policy_free(NULL);
}

/* This test's own executable: a dynamically linked program built here. */
static void test_real_file(const char *self)
{
	struct sr_inspect in;
	struct sr_error err = { 0 };
	if (sr_inspect_path(self, &in, &err) != SR_OK) {
		CHECKF(0, "%s: %s", self, sr_error_message(&err));
		return;
	}
	struct sr_policy *p;
	CHECK(sr_policy_load("static-only", &p, &err) == SR_OK);
	struct sr_violations v;
	CHECK(sr_policy_eval(p, &in, NULL, 0, &v, &err) == SR_OK);
	CHECKF(v.n >= 2 && strcmp(v.v[0].rule, "linkage") == 0 &&
	       strncmp(v.v[0].message, "dynamic linkage; the policy allows static or static-pie", 55) == 0,
	       "%s", text(&v));
	bool libc = false;
	for (size_t i = 0; i < v.n; i++)
		libc |= strcmp(v.v[i].message, "libc.so.6 is not an allowed library") == 0 &&
		        strcmp(v.v[i].evidence, "DT_NEEDED") == 0;
	CHECKF(libc, "%s", text(&v));
	sr_violations_free(&v);
	sr_policy_free(p);
	CHECK(sr_policy_load("portable-glibc-2.17", &p, &err) == SR_OK);
	CHECK(sr_policy_eval(p, &in, NULL, 0, &v, &err) == SR_OK);
	CHECKF(v.n >= 1 && strcmp(v.v[v.n - 1].message, "cannot verify: no check result for centos-7") == 0, "%s",
	       text(&v));
	for (size_t i = 0; i + 1 < v.n; i++)
		CHECKF(strcmp(v.v[i].rule, "max_symbol_versions") == 0 || strcmp(v.v[i].rule, "allowed_libraries") == 0,
		       "%s", text(&v));
	sr_violations_free(&v);
	sr_policy_free(p);
	sr_inspect_free(&in);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_syntax();
	test_keys();
	test_load();
	test_builtins();
	test_matchers();
	test_libraries();
	test_symbol_versions();
	test_linkage();
	test_hardening();
	test_rpath();
	test_go_rules();
	test_macho_slices();
	test_targets();
	test_limits_and_usage();
	test_real_file(argv[0]);
	return sr_test_summary("policy");
}
