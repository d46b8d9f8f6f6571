/* Unit tests for lib/go/goquote.c and lib/go/modinfo.c, table-driven.  The
 * expected texts are Go 1.19's (checked with the Go program of
 * tests/fixtures/src/go/quoteoracle; tests/cli/test_goquote_oracle.py
 * compares thousands more cases with Go itself):
 *  - strconv.Quote: escapes, printable and unprintable runes, invalid UTF-8;
 *  - strconv.Unquote / QuotedPrefix: escapes, raw strings, bad literals;
 *  - the %q of a byte (QuoteRune);
 *  - debug.ParseBuildInfo: every error message with its line number;
 *  - BuildInfo.String(): replacements, empty sums, quoting of keys and
 *    values, NUL and non-ASCII bytes;
 *  - the struct fields, lengths and sr_go_modinfo_setting. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "go/go_internal.h"
#include "shipready/go.h"

#include "harness.h"

/* A byte string with its length (sizeof - 1 of a literal: NULs allowed). */
struct bytes {
	const char *s;
	size_t n;
};
#define B(lit) { lit, sizeof(lit) - 1 }

static void show(const char *what, const char *s, size_t n)
{
	fprintf(stderr, "  %s: \"", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputs("\"\n", stderr);
}

static void check_bytes(const char *got, size_t got_n, struct bytes want, const char *ctx)
{
	bool same = got && got_n == want.n && memcmp(got, want.s, want.n) == 0;
	CHECKF(same, "%s", ctx);
	if (!same) {
		show("got ", got ? got : "", got ? got_n : 0);
		show("want", want.s, want.n);
	}
}

/* ---- Quote ---- */

static const struct {
	struct bytes in, out;
} quote_cases[] = {
	{ B(""), B("\"\"") },
	{ B("abc"), B("\"abc\"") },
	{ B("a\"b\\c'd`"), B("\"a\\\"b\\\\c'd`\"") },
	{ B("\a\b\f\n\r\t\v"), B("\"\\a\\b\\f\\n\\r\\t\\v\"") },
	{ B("\0\x01\x1f\x7f"), B("\"\\x00\\x01\\x1f\\x7f\"") },
	{ B("\xff\xfe\x80"), B("\"\\xff\\xfe\\x80\"") },                     /* invalid bytes */
	{ B("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), B("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"") },
	{ B("\xc2\xa0\xc2\xad\xc2\x85"), B("\"\\u00a0\\u00ad\\u0085\"") },   /* NBSP, SHY, NEL */
	{ B("\xe2\x80\x8b\xef\xbb\xbf"), B("\"\\u200b\\ufeff\"") },          /* format chars */
	{ B("\xe3\x80\x80"), B("\"\\u3000\"") },                             /* ideographic space */
	{ B("\xf3\xa0\x80\x81"), B("\"\\U000e0001\"") },                     /* language tag */
	{ B("\xf4\x8f\xbf\xbf"), B("\"\\U0010ffff\"") },
	{ B("\xee\x80\x80"), B("\"\\ue000\"") },                             /* private use */
	{ B("\xef\xbf\xbd"), B("\"\xef\xbf\xbd\"") },                        /* a real U+FFFD */
	{ B("\xed\xa0\x80"), B("\"\\xed\\xa0\\x80\"") },                     /* a surrogate */
	{ B("\xc0\x80"), B("\"\\xc0\\x80\"") },                              /* overlong NUL */
	{ B("\xe0\x9f\xbf"), B("\"\\xe0\\x9f\\xbf\"") },                     /* overlong */
	{ B("\xf4\x90\x80\x80"), B("\"\\xf4\\x90\\x80\\x80\"") },            /* > U+10FFFF */
	{ B("\xe2\x82"), B("\"\\xe2\\x82\"") },                              /* truncated */
	{ B("\xe2\x82x"), B("\"\\xe2\\x82x\"") },
};

static void test_quote(void)
{
	for (size_t i = 0; i < COUNT(quote_cases); i++) {
		struct sr_gobuf b = { 0 };
		sr_go_quote(&b, quote_cases[i].in.s, quote_cases[i].in.n);
		char ctx[32];
		snprintf(ctx, sizeof ctx, "quote case %zu", i);
		CHECK(!b.failed);
		check_bytes(b.data, b.len, quote_cases[i].out, ctx);
		sr_gobuf_free(&b);
	}
}

/* ---- QuoteRune (fmt's %q of a byte) ---- */

static const struct {
	unsigned r;
	const char *out;
} quote_rune_cases[] = {
	{ 'x', "'x'" },
	{ '\'', "'\\''" },
	{ '"', "'\"'" },
	{ '\\', "'\\\\'" },
	{ ' ', "' '" },
	{ '\t', "'\\t'" },
	{ 0, "'\\x00'" },
	{ 0x7f, "'\\x7f'" },
	{ 0x80, "'\\u0080'" },
	{ 0xa0, "'\\u00a0'" },
	{ 0xad, "'\\u00ad'" },
	{ 0xe9, "'\xc3\xa9'" },
	{ 0xff, "'\xc3\xbf'" },
	{ 0xd800, "'\xef\xbf\xbd'" },   /* invalid: U+FFFD, which prints */
	{ 0x110000, "'\xef\xbf\xbd'" },
};

static void test_quote_rune(void)
{
	for (size_t i = 0; i < COUNT(quote_rune_cases); i++) {
		struct sr_gobuf b = { 0 };
		sr_go_quote_rune(&b, quote_rune_cases[i].r);
		bool same = b.data && strcmp(b.data, quote_rune_cases[i].out) == 0;
		CHECKF(same, "quote rune %#x: got %s, want %s", quote_rune_cases[i].r, b.data ? b.data : "(null)",
		       quote_rune_cases[i].out);
		sr_gobuf_free(&b);
	}
	CHECK(sr_go_is_print(' ') && !sr_go_is_print('\t') && !sr_go_is_print(0xa0) && sr_go_is_print(0xa1));
	CHECK(sr_go_is_print(0x1f600) && !sr_go_is_print(0xe000) && !sr_go_is_print(0x10ffff));
	CHECK(!sr_go_is_print(0x110000) && !sr_go_is_print(0xd800) && sr_go_is_print(0xfffd));
}

/* ---- Unquote and QuotedPrefix ---- */

static const struct {
	struct bytes in;
	bool ok;            /* Unquote of the whole */
	struct bytes out;   /* its value */
	size_t prefix;      /* QuotedPrefix length, 0 = error */
} unquote_cases[] = {
	{ B("\"\""), true, B(""), 2 },
	{ B("\"abc\""), true, B("abc"), 5 },
	{ B("\"abc\"def"), false, B(""), 5 },
	{ B("\"abc"), false, B(""), 0 },
	{ B("\""), false, B(""), 0 },
	{ B(""), false, B(""), 0 },
	{ B("abc"), false, B(""), 0 },
	{ B("\"a\\\"b\""), true, B("a\"b"), 6 },
	{ B("\"\\a\\b\\f\\n\\r\\t\\v\\\\\""), true, B("\a\b\f\n\r\t\v\\"), 18 },
	{ B("\"\\x41\\xff\\x00\""), true, B("A\xff\0"), 14 },
	{ B("\"\\x4\""), false, B(""), 0 },
	{ B("\"\\xg0\""), false, B(""), 0 },
	{ B("\"\\u00e9\\U0001F600\""), true, B("\xc3\xa9\xf0\x9f\x98\x80"), 18 },
	{ B("\"\\u0041\""), true, B("A"), 8 },
	{ B("\"\\ud800\""), false, B(""), 0 },          /* surrogate */
	{ B("\"\\U00110000\""), false, B(""), 0 },      /* past U+10FFFF */
	{ B("\"\\u12\""), false, B(""), 0 },
	{ B("\"\\101\\000\\377\""), true, B("A\0\xff"), 14 },
	{ B("\"\\400\""), false, B(""), 0 },            /* octal > 255 */
	{ B("\"\\18\""), false, B(""), 0 },
	{ B("\"\\1\""), false, B(""), 0 },
	{ B("\"\\'\""), false, B(""), 0 },              /* \' only in '…' */
	{ B("\"\\z\""), false, B(""), 0 },
	{ B("\"a\nb\""), false, B(""), 0 },             /* newline */
	{ B("\"\\n\n\""), false, B(""), 0 },
	{ B("\"\xff\""), true, B("\xef\xbf\xbd"), 3 },  /* bad UTF-8 becomes U+FFFD */
	{ B("\"\xc3\xa9\""), true, B("\xc3\xa9"), 4 },
	{ B("\"\\\\\xff\""), true, B("\\\xef\xbf\xbd"), 5 },
	{ B("\"\0\""), true, B("\0"), 3 },
	{ B("`a\\n\"b`"), true, B("a\\n\"b"), 7 },
	{ B("`a\r\nb\r`"), true, B("a\nb"), 7 },        /* raw: CRs dropped */
	{ B("`\xff`"), true, B("\xff"), 3 },            /* raw: bytes kept */
	{ B("``"), true, B(""), 2 },
	{ B("`a`b`"), false, B(""), 3 },
	{ B("`abc"), false, B(""), 0 },
	{ B("'a'"), true, B("a"), 3 },
	{ B("'\xc3\xa9'"), true, B("\xc3\xa9"), 4 },
	{ B("'ab'"), false, B(""), 0 },
	{ B("''"), true, B(""), 2 },                    /* Go 1.19 accepts it */
	{ B("'\\''"), true, B("'"), 4 },
	{ B("'\"'"), true, B("\""), 3 },
	{ B("'\\\"'"), false, B(""), 0 },
	{ B("'\xff'"), true, B("\xef\xbf\xbd"), 3 },
};

static void test_unquote(void)
{
	struct sr_arena *a = sr_arena_new();
	CHECK(a != NULL);
	for (size_t i = 0; a && i < COUNT(unquote_cases); i++) {
		char *out = NULL;
		size_t len = 0;
		bool ok = sr_go_unquote(a, unquote_cases[i].in.s, unquote_cases[i].in.n, &out, &len);
		char ctx[48];
		snprintf(ctx, sizeof ctx, "unquote case %zu", i);
		CHECKF(ok == unquote_cases[i].ok, "%s: got %d", ctx, ok);
		if (ok && unquote_cases[i].ok) {
			check_bytes(out, len, unquote_cases[i].out, ctx);
			CHECKF(out[len] == '\0', "%s: not NUL-terminated", ctx);
		}
		size_t p = sr_go_quoted_prefix(unquote_cases[i].in.s, unquote_cases[i].in.n);
		CHECKF(p == unquote_cases[i].prefix, "quoted prefix case %zu: got %zu, want %zu", i, p,
		       unquote_cases[i].prefix);
	}
	sr_arena_free(a);
}

/* ---- ParseBuildInfo errors ---- */

#define PFX "could not parse Go build info: "

static const struct {
	struct bytes text;
	const char *err;
} error_cases[] = {
	{ B("mod\ta\n"), PFX "line 1: expected 2 or 3 columns; got 1" },
	{ B("path\tp\ndep\ta\tb\tc\td\n"), PFX "line 2: expected 2 or 3 columns; got 4" },
	{ B("mod\t\n"), PFX "line 1: expected 2 or 3 columns; got 1" },
	{ B("\n\nx\n=>\ta\tb\tc\n"), PFX "line 4: replacement with no module on previous line" },
	{ B("dep\ta\tb\n=>\ta\tb\n"), PFX "line 2: expected 3 columns for replacement; got 2" },
	{ B("dep\ta\tb\n=>\ta\tb\tc\td\n"), PFX "line 2: expected 3 columns for replacement; got 4" },
	{ B("dep\ta\tb\n=>\ta\tb\tc\n=>\ta\tb\tc\n"), PFX "line 3: replacement with no module on previous line" },
	{ B("build\t\n"), PFX "line 1: build line missing '='" },
	{ B("build\t=x\n"), PFX "line 1: build line with missing key" },
	{ B("build\tkey\n"), PFX "line 1: build line missing '=' after key" },
	{ B("build\t\"k\n"), PFX "line 1: invalid quoted key in build line" },
	{ B("build\t\"\\q\"=v\n"), PFX "line 1: invalid quoted key in build line" },
	{ B("build\t`k\n"), PFX "line 1: invalid quoted key in build line" },
	{ B("build\t\"k\"\n"), PFX "line 1: build line missing '=' after quoted key" },
	{ B("build\t\"k\"x=v\n"), PFX "line 1: unexpected character after quoted key: 'x'" },
	{ B("build\t\"k\"'=v\n"), PFX "line 1: unexpected character after quoted key: '\\''" },
	{ B("build\t`k` =v\n"), PFX "line 1: unexpected character after quoted key: ' '" },
	{ B("build\t\"k\"\0=v\n"), PFX "line 1: unexpected character after quoted key: '\\x00'" },
	{ B("build\t\"k\"\xe9=v\n"), PFX "line 1: unexpected character after quoted key: '\xc3\xa9'" },
	{ B("build\t\"k\"\xa0=v\n"), PFX "line 1: unexpected character after quoted key: '\\u00a0'" },
	{ B("build\ta b=c\n"), PFX "line 1: unquoted key \"a b\" must be quoted" },
	{ B("build\tk\xff\t=c\n"), PFX "line 1: unquoted key \"k\\xff\\t\" must be quoted" },
	{ B("build\tk`=c\n"), PFX "line 1: unquoted key \"k`\" must be quoted" },
	{ B("build\tk=\"v\n"), PFX "line 1: invalid quoted value in build line" },
	{ B("build\tk=\"v\"x\n"), PFX "line 1: invalid quoted value in build line" },
	{ B("build\tk=`v\n"), PFX "line 1: invalid quoted value in build line" },
	{ B("build\tk=a b\n"), PFX "line 1: unquoted value \"a b\" must be quoted" },
	{ B("build\tk=v\"\0\xc3\xa9\n"), PFX "line 1: unquoted value \"v\\\"\\x00\xc3\xa9\" must be quoted" },
	{ B("build\tk=a\r\n"), PFX "line 1: unquoted value \"a\\r\" must be quoted" },
	{ B("go\t1.19\npath\tp\nunknown\nbuild\tk=v\nbuild\t=\n"), PFX "line 5: build line with missing key" },
};

static void test_parse_errors(void)
{
	for (size_t i = 0; i < COUNT(error_cases); i++) {
		struct sr_go_modinfo *m = (struct sr_go_modinfo *)1;
		char err[256];
		enum sr_err rc = sr_go_modinfo_parse(error_cases[i].text.s, error_cases[i].text.n, &m, err, sizeof err);
		CHECKF(rc == SR_E_MALFORMED, "error case %zu: rc %d", i, rc);
		CHECKF(m == NULL, "error case %zu: *out not NULL", i);
		CHECKF(strcmp(err, error_cases[i].err) == 0, "error case %zu:\n  got  %s\n  want %s", i, err,
		       error_cases[i].err);
		if (rc == SR_OK)
			sr_go_modinfo_free(m);
	}
	/* A short errbuf is cut, NUL-terminated. */
	struct sr_go_modinfo *m;
	char err[12];
	CHECK(sr_go_modinfo_parse("mod\tx\n", 6, &m, err, sizeof err) == SR_E_MALFORMED);
	CHECK(strcmp(err, "could not ") == 0 || strcmp(err, "could not p") == 0);
	CHECK(sr_go_modinfo_parse("mod\tx\n", 6, &m, NULL, 0) == SR_E_MALFORMED);
	CHECK(sr_go_modinfo_parse(NULL, 3, &m, NULL, 0) == SR_E_USAGE);
}

/* ---- String() ---- */

static const struct {
	struct bytes text, out;
} string_cases[] = {
	{ B(""), B("") },
	{ B("path\tp"), B("") },                                   /* no final newline: ignored */
	{ B("path\tp\nmod\tm\tv1\n"), B("path\tp\nmod\tm\tv1\t\n") },
	{ B("path\t\n"), B("") },
	{ B("path\ta\tb\n"), B("path\ta\tb\n") },
	{ B("mod\tm\tv\th1:x\ndep\td\tv2\th1:y\ndep\te\tv3\n"),
	  B("mod\tm\tv\th1:x\ndep\td\tv2\th1:y\ndep\te\tv3\t\n") },
	/* a replaced module: line ends after the version; an empty line follows */
	{ B("dep\ta\tv1\th1:a\n=>\t../a\t\t\ndep\tb\tv2\t\n"), B("dep\ta\tv1\n=>\t../a\t\t\n\ndep\tb\tv2\t\n") },
	{ B("mod\tm\tv\n=>\tr\tw\ts\n"), B("mod\tm\tv\n=>\tr\tw\ts\n\n") },
	/* the replacement goes to the last module line, whatever lies between */
	{ B("dep\ta\tv\nbuild\tk=v\nx\n=>\tr\tw\ts\n"), B("dep\ta\tv\n=>\tr\tw\ts\n\nbuild\tk=v\n") },
	/* a second "mod" line replaces the first whole */
	{ B("mod\ta\tv\n=>\tr\tw\ts\nmod\tb\tv\n"), B("mod\tb\tv\t\n") },
	/* an all-empty main module is not printed unless it is replaced */
	{ B("mod\t\t\n"), B("") },
	{ B("mod\t\t\n=>\tr\tw\ts\n"), B("mod\t\t\n=>\tr\tw\ts\n\n") },
	{ B("build\t-compiler=gc\nbuild\tCGO_ENABLED=0\nbuild\t-ldflags=\"-s -w\"\n"),
	  B("build\t-compiler=gc\nbuild\tCGO_ENABLED=0\nbuild\t-ldflags=\"-s -w\"\n") },
	{ B("build\t\"k\"=`v`\n"), B("build\tk=v\n") },           /* quotes dropped when not needed */
	{ B("build\t`a b`=`x\ty`\n"), B("build\t\"a b\"=\"x\\ty\"\n") },
	{ B("build\t\"\"=\n"), B("build\t\"\"=\n") },              /* the empty key */
	{ B("build\t\"=\"==\n"), B("build\t\"=\"==\n") },
	{ B("build\tk=a=b\n"), B("build\tk=a=b\n") },
	{ B("build\tk=\"\\x00\\xff\\n\"\n"), B("build\tk=\"\\x00\\xff\\n\"\n") },
	{ B("build\tk=\"\\x00\"\n"), B("build\tk=\0\n") },        /* NUL needs no quotes */
	{ B("build\tk\0=\xff\xc3\xa9\n"), B("build\tk\0=\xff\xc3\xa9\n") },
	{ B("build\t`\r\"`=`a\rb`\n"), B("build\t\"\\\"\"=ab\n") },    /* raw: CRs dropped */
	{ B("build\tk=\"\xff\"\n"), B("build\tk=\xef\xbf\xbd\n") },     /* bad UTF-8 -> U+FFFD */
	{ B("build\tk=\"\\u00a0 \xe2\x80\x8b\"\n"), B("build\tk=\"\\u00a0 \\u200b\"\n") },
	{ B("dep\t\0a\tv\0\t\0\n"), B("dep\t\0a\tv\0\t\0\n") },   /* NUL in module columns */
	{ B("go\t1.19\n# c\n\nbuild\tk=v\n"), B("build\tk=v\n") },
};

static void test_string(void)
{
	for (size_t i = 0; i < COUNT(string_cases); i++) {
		struct sr_go_modinfo *m = NULL;
		char err[256];
		char ctx[48];
		snprintf(ctx, sizeof ctx, "string case %zu", i);
		enum sr_err rc = sr_go_modinfo_parse(string_cases[i].text.s, string_cases[i].text.n, &m, err, sizeof err);
		CHECKF(rc == SR_OK, "%s: %s", ctx, err);
		if (rc != SR_OK)
			continue;
		size_t len = 0;
		char *s = sr_go_modinfo_string(m, &len);
		check_bytes(s, len, string_cases[i].out, ctx);
		CHECKF(s && s[len] == '\0', "%s: not NUL-terminated", ctx);
		/* parse(String(x)) gives the same String() again */
		struct sr_go_modinfo *m2 = NULL;
		CHECKF(s && sr_go_modinfo_parse(s, len, &m2, err, sizeof err) == SR_OK, "%s: reparse: %s", ctx, err);
		if (m2) {
			size_t len2;
			char *s2 = sr_go_modinfo_string(m2, &len2);
			check_bytes(s2, len2, (struct bytes){ s, len }, ctx);
			free(s2);
			sr_go_modinfo_free(m2);
		}
		free(s);
		sr_go_modinfo_free(m);
	}
}

/* ---- the structure itself ---- */

static void test_fields(void)
{
	static const char text[] = "path\tex.com/cmd\n"
	                           "mod\tex.com\t(devel)\t\n"
	                           "dep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n"
	                           "=>\t../sys\t\t\n"
	                           "dep\tn\0ul\tv1\n"
	                           "build\tGOOS=linux\n"
	                           "build\t\"a\\x00b\"=\"x\\x00\"\n"
	                           "build\tGOOS=plan9\n";
	struct sr_go_modinfo *m = NULL;
	char err[256];
	CHECK(sr_go_modinfo_parse(text, sizeof text - 1, &m, err, sizeof err) == SR_OK);
	if (!m)
		return;
	CHECK(strcmp(m->path, "ex.com/cmd") == 0 && m->path_len == 10);
	CHECK(strcmp(m->main.path, "ex.com") == 0 && strcmp(m->main.version, "(devel)") == 0);
	CHECK(strcmp(m->main.sum, "") == 0 && m->main.sum_len == 0 && m->main.replace == NULL);
	CHECK_EQ_U(m->ndeps, 2);
	if (m->ndeps == 2) {
		const struct sr_go_module *d = &m->deps[0];
		CHECK(strcmp(d->path, "golang.org/x/sys") == 0 && strcmp(d->sum, "h1:abc=") == 0);
		CHECK(d->replace && strcmp(d->replace->path, "../sys") == 0 && d->replace->version_len == 0);
		CHECK(m->deps[1].path_len == 4 && memcmp(m->deps[1].path, "n\0ul", 5) == 0);
		CHECK(strcmp(m->deps[1].sum, "") == 0 && m->deps[1].replace == NULL);
	}
	CHECK_EQ_U(m->nsettings, 3);
	if (m->nsettings == 3) {
		CHECK(m->settings[1].key_len == 3 && memcmp(m->settings[1].key, "a\0b", 4) == 0);
		CHECK(m->settings[1].value_len == 2 && memcmp(m->settings[1].value, "x\0", 3) == 0);
	}
	const struct sr_go_setting *s = sr_go_modinfo_setting(m, "GOOS");
	CHECK(s && strcmp(s->value, "linux") == 0);   /* the first of two */
	CHECK(sr_go_modinfo_setting(m, "a") == NULL);   /* "a\0b" is not "a" */
	CHECK(sr_go_modinfo_setting(m, "GOARCH") == NULL);
	sr_go_modinfo_free(m);

	/* parse_in: the result lives in the caller's arena */
	struct sr_arena *a = sr_arena_new();
	struct sr_go_modinfo in;
	CHECK(a && sr_go_modinfo_parse_in(a, "dep\tx\tv\n", 8, &in, err, sizeof err));
	CHECK(in.ndeps == 1 && strcmp(in.deps[0].version, "v") == 0 && strcmp(in.path, "") == 0);
	CHECK(a && !sr_go_modinfo_parse_in(a, "dep\tx\n", 6, &in, err, sizeof err));
	CHECK(strcmp(err, PFX "line 1: expected 2 or 3 columns; got 1") == 0);
	sr_arena_free(a);

	/* a struct made by hand: lengths 0 mean strlen */
	struct sr_go_module rep = { .path = "r", .version = "v2" };
	struct sr_go_modinfo hand = { .path = "p", .main = { .path = "m", .version = "v", .sum = "", .replace = &rep } };
	size_t len;
	char *str = sr_go_modinfo_string(&hand, &len);
	check_bytes(str, len, (struct bytes)B("path\tp\nmod\tm\tv\n=>\tr\tv2\t\n\n"), "hand-made");
	free(str);
	sr_go_modinfo_free(NULL);
}

int main(void)
{
	test_quote();
	test_quote_rune();
	test_unquote();
	test_parse_errors();
	test_string();
	test_fields();
	return sr_test_summary("gomodinfo");
}
