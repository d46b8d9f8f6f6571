/* shipready — a Go module's go.mod and go.sum, read as the go command reads
 * them (golang.org/x/mod/modfile's grammar; cmd/go's go.sum reader).
 *
 * go.mod is parsed into its directives: module, go, toolchain, require
 * (with "// indirect"), exclude, replace and retract, one per line or in a
 * parenthesized block.  Syntax and the shape of each directive are checked
 * as the go command checks them (an unknown directive, a repeated module or
 * go line, a go version not like 1.21, a replace without "=>", a replacement
 * without a version that is not a directory path, …); the form of module
 * paths and versions is not (they are taken as written: a release check
 * compares them with what a binary says).  Comments other than "indirect"
 * are not kept.  The input is untrusted: bounded by SR_GOMOD_MAX_BYTES and
 * the parser's arena.
 *
 * go.sum and vendor/modules.txt are read as cmd/go reads them too. */
#ifndef SHIPREADY_GOMOD_H
#define SHIPREADY_GOMOD_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/error.h"

#define SR_GOMOD_MAX_BYTES ((size_t)16 << 20)

struct sr_gomod_version {
	const char *path;
	const char *version;          /* "" when none (a replacement directory, a replace of every version) */
};

struct sr_gomod_require {
	const char *path, *version;
	bool indirect;                /* "// indirect" on its line */
	unsigned line;
};

struct sr_gomod_replace {
	struct sr_gomod_version old, repl;
	unsigned line;
};

struct sr_gomod_retract {
	const char *low, *high;       /* equal for a single version */
};

struct sr_gomod {
	const char *module;           /* NULL: no module line */
	const char *go;               /* the go line's version, or NULL */
	const char *toolchain;        /* the toolchain line's name (go1.21.5), or NULL */
	struct sr_gomod_require *require;
	size_t nrequire;
	struct sr_gomod_version *exclude;
	size_t nexclude;
	struct sr_gomod_replace *replace;
	size_t nreplace;
	struct sr_gomod_retract *retract;
	size_t nretract;
	struct sr_gomod_priv *priv;
};

/* Parse go.mod text.  On a syntax or directive error: SR_E_MALFORMED with
 * "LINE:COL: reason" in err (the first error, as the go command reports
 * it), and *out empty. */
enum sr_err sr_gomod_parse(const char *text, size_t len, struct sr_gomod *out, struct sr_error *err);
void sr_gomod_free(struct sr_gomod *m);

/* One go.sum line: a module version (or its go.mod, version ending
 * "/go.mod") and its hash ("h1:…"). */
struct sr_gosum_line {
	const char *path, *version, *hash;
	unsigned line;
};

struct sr_gosum {
	struct sr_gosum_line *lines;
	size_t nlines;
	struct sr_gomod_priv *priv;
};

/* Parse go.sum as cmd/go reads it: blank lines skipped, every other line
 * exactly three fields; a line with another number of fields is
 * SR_E_MALFORMED ("LINE: wrong number of fields N"). */
enum sr_err sr_gosum_parse(const char *text, size_t len, struct sr_gosum *out, struct sr_error *err);
void sr_gosum_free(struct sr_gosum *s);
/* The hash go.sum records for path at version (version "v1.2.3" or
 * "v1.2.3/go.mod"), or NULL. */
const char *sr_gosum_hash(const struct sr_gosum *s, const char *path, const char *version);

/* One module of vendor/modules.txt: a "# path version" line (version ""
 * for "# path => new", a replacement of every version) and what the lines
 * after it say.  A module written on several lines is one entry. */
struct sr_modtxt_module {
	struct sr_gomod_version mod;
	struct sr_gomod_version repl; /* the last "=> new [version]" cmd/go understood */
	unsigned replaced;            /* how many lines replace it: 0 is none */
	bool is_explicit;             /* "## explicit" */
	const char *go;               /* "## go 1.17": "1.17", or NULL */
	size_t npackages;             /* package lines under it */
	bool in_build;                /* provides a package, and no higher version of its path came before */
	unsigned line;                /* its first line */
};

struct sr_modtxt {
	struct sr_modtxt_module *mods;   /* in order of first appearance */
	size_t nmods;
	struct sr_modtxt_priv *priv;
};

/* Parse vendor/modules.txt.  Lines cmd/go skips (an unknown "# " form, a
 * package line before any module, anything that is not an import path) are
 * skipped; only size and memory make it fail. */
enum sr_err sr_modtxt_parse(const char *text, size_t len, struct sr_modtxt *out, struct sr_error *err);
void sr_modtxt_free(struct sr_modtxt *m);
/* The entry for path at version ("" for a wildcard replacement), or NULL. */
const struct sr_modtxt_module *sr_modtxt_find(const struct sr_modtxt *m, const char *path, const char *version);
/* The version of path the vendored build uses (the highest one that
 * provides a package, cmd/go's vendorVersion), or NULL. */
const char *sr_modtxt_selected(const struct sr_modtxt *m, const char *path);

/* Does vendor/modules.txt agree with go.mod, as the go command requires
 * before it builds from the vendor directory?  fn gets each problem in the
 * go command's order and words ("example.com/dep@v1.0.0", "is explicitly
 * required in go.mod, but not marked as explicit in vendor/modules.txt");
 * returns how many there were. */
typedef void (*sr_modtxt_problem_fn)(void *ctx, const char *module, const char *detail);
size_t sr_modtxt_check(const struct sr_gomod *m, const struct sr_modtxt *t, sr_modtxt_problem_fn fn, void *ctx);

#endif
