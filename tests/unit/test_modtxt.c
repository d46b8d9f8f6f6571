/* Unit tests for vendor/modules.txt (lib/go/modules_txt.c) on the lines the
 * go command's reader treats specially and a vendored build rarely writes:
 * Unicode white space between fields, lines it skips, a module named on
 * several lines, versions out of order, paths that are not import paths.
 * The generated files and their consistency with go.mod are checked
 * against the go command itself in tests/cli/test_drift.py. */
#include <stdio.h>
#include <string.h>

#include "shipready/gomod.h"

#include "harness.h"

static const struct sr_modtxt_module *find(const struct sr_modtxt *t, const char *p, const char *v)
{
	return sr_modtxt_find(t, p, v);
}

static char got[16][200];
static size_t got_n;

static void collect(void *ctx, const char *module, const char *detail)
{
	(void)ctx;
	if (got_n < COUNT(got))
		snprintf(got[got_n], sizeof got[0], "%s: %s", module, detail);
	got_n++;
}

int main(void)
{
	static const char text[] =
		"a/pkg\n"                                       /* before any module: skipped */
		"# a v1.0.0\n"
		"## explicit\n"
		"a\n"
		"# a v1.2.0\n"                                  /* a higher version: selected */
		"a/b\n"
		"# a v1.1.0\n"                                  /* lower than the selected one: not in the build */
		"a/c\n"
		"# b => ../b\n"                                 /* a wildcard replacement */
		"# c\xc2\xa0v0.1.0 => d v0.2.0\n"               /* U+00A0 separates fields */
		"##  explicit ; go 1.17\n"
		"c\n"
		"# c v0.1.0\n"                                  /* the same module again: one entry */
		"## go 1.21\n"
		"c/AUX\n"                                       /* a Windows device name: not an import path */
		"c/x//y\n"
		"c/.\n"
		"c/ok d\n"                                      /* two fields: not a package */
		"# e\n"                                         /* too short: changes nothing, c goes on */
		"c/more\n"
		"# f bogus\n"                                   /* neither version nor =>: no module until the next */
		"f\n"
		"## explicit\n"
		"# g v1.0.0 => h\n"                             /* a replacement without a version: not a directory, kept */
		"# i v1.0.0 => j v1 extra\n"                    /* a replacement cmd/go does not understand */
		"i\n";
	struct sr_modtxt t;
	struct sr_error err = { 0 };
	CHECK(sr_modtxt_parse(text, sizeof text - 1, &t, &err) == SR_OK);
	CHECK(t.nmods == 7);
	const struct sr_modtxt_module *a0 = find(&t, "a", "v1.0.0"), *a2 = find(&t, "a", "v1.2.0"),
	                              *a1 = find(&t, "a", "v1.1.0"), *b = find(&t, "b", ""), *c = find(&t, "c", "v0.1.0"),
	                              *g = find(&t, "g", "v1.0.0"), *i = find(&t, "i", "v1.0.0");
	CHECK(a0 && a0->is_explicit && a0->npackages == 1 && a0->in_build && a0->line == 2);
	CHECK(a2 && !a2->is_explicit && a2->in_build && a1 && !a1->in_build && a1->npackages == 1);
	CHECK(strcmp(sr_modtxt_selected(&t, "a"), "v1.2.0") == 0);
	CHECK(b && b->replaced == 1 && strcmp(b->repl.path, "../b") == 0 && b->repl.version[0] == '\0' && !b->npackages);
	CHECK(sr_modtxt_selected(&t, "b") == NULL);
	CHECK(c && c->replaced == 1 && strcmp(c->repl.path, "d") == 0 && strcmp(c->repl.version, "v0.2.0") == 0);
	CHECK(c && c->is_explicit && c->go && strcmp(c->go, "1.21") == 0);
	CHECK(c && c->npackages == 2 && c->in_build);   /* c and c/more */
	CHECK(find(&t, "f", "bogus") == NULL && find(&t, "e", "") == NULL);
	CHECK(g && g->replaced == 1 && strcmp(g->repl.path, "h") == 0);
	CHECK(i && !i->replaced && i->npackages == 1);
	sr_modtxt_free(&t);

	/* consistency: the go command's rules for a go 1.14+ module */
	static const char mod[] = "module m\ngo 1.18\nrequire (\n\ta v1.0.0\n\tz v0.1.0\n)\n"
	                          "replace b => ../b2\nreplace y => ../y\n";
	struct sr_gomod m;
	CHECK(sr_gomod_parse(mod, sizeof mod - 1, &m, &err) == SR_OK);
	CHECK(sr_modtxt_parse(text, sizeof text - 1, &t, &err) == SR_OK);
	got_n = 0;
	size_t n = sr_modtxt_check(&m, &t, collect, NULL);
	static const char *const want[] = {
		"z@v0.1.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt",
		"b: is replaced by ../b2 in go.mod, but marked as replaced by ../b in vendor/modules.txt",
		"y: is replaced in go.mod, but not marked as replaced in vendor/modules.txt",
		"c@v0.1.0: is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod",
		"b: is marked as replaced by ../b in vendor/modules.txt, but replaced by ../b2 in go.mod",
		"c@v0.1.0: is marked as replaced in vendor/modules.txt, but not replaced in go.mod",
		"g@v1.0.0: is marked as replaced in vendor/modules.txt, but not replaced in go.mod",
	};
	CHECK(n == COUNT(want) && got_n == COUNT(want));
	for (size_t k = 0; k < COUNT(want) && k < got_n; k++)
		CHECKF(strcmp(got[k], want[k]) == 0, "%zu: %s", k, got[k]);
	sr_modtxt_free(&t);
	sr_gomod_free(&m);
	return sr_test_summary("modtxt");
}
