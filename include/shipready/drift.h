/* shipready — was a Go binary built from this source tree?  (drift)
 *
 * The source: a module directory's go.mod, go.sum and vendor/modules.txt
 * (shipready/gomod.h) and
 * the state of its git work tree (HEAD, uncommitted changes), read with the
 * git program.  The binary: its build info (shipready/go.h).  Each
 * difference says what the binary records and what the source says:
 *   module        the main module's path
 *   go-release    built by a Go release older than go.mod's go line, or
 *                 not the one its toolchain line names
 *   dep-missing   a module linked in that go.mod does not require
 *   dep-version   a module linked in at another version than go.mod's
 *   replace       a replacement in the binary that go.mod lacks, differs
 *                 from, or the reverse
 *   sum-mismatch  the binary's h1: hash differs from go.sum's for the same
 *                 module version: tampering or a proxy problem
 *   sum-missing   go.sum has no hash for a module version the binary has
 *   vendor-inconsistent  vendor/modules.txt disagrees with go.mod (the go
 *                 command's own test, in its words: no vendored build
 *                 starts)
 *   vendor-version  a module linked in at another version than
 *                 vendor/modules.txt vendors
 *   vendor-missing  a module linked in that vendor/modules.txt lacks
 *   vcs-revision  built at another commit than HEAD
 *   vcs-time      built at HEAD, but vcs.time is not its commit time (the
 *                 stamp was edited, or the commit rewritten in place)
 *   vcs-modified  built from a work tree with uncommitted changes
 * and notes that are not drift: a dirty work tree now, no VCS stamp, no
 * -trimpath. */
#ifndef SHIPREADY_DRIFT_H
#define SHIPREADY_DRIFT_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/error.h"
#include "shipready/go.h"
#include "shipready/gomod.h"

struct sr_drift_source {
	const char *dir;
	struct sr_gomod mod;
	bool have_sum;                /* go.sum was there */
	struct sr_gosum sum;
	bool have_vendor;             /* vendor/modules.txt was there */
	struct sr_modtxt vendor;
	bool git;                     /* dir is inside a git work tree */
	char head[64];                /* its HEAD commit, or "" */
	char head_time[32];           /* its commit time as vcs.time is written (UTC, RFC 3339), or "" */
	bool dirty;                   /* git status lists changes */
	char git_why[160];            /* why there are no git facts ("not a git work tree", …) */
};

/* Read DIR/go.mod (required: SR_E_NOENT without it), DIR/go.sum and the
 * git state of DIR.  A directory that is not a repository is not an
 * error. */
enum sr_err sr_drift_source_open(const char *dir, struct sr_drift_source *s, struct sr_error *err);
void sr_drift_source_close(struct sr_drift_source *s);

struct sr_drift_item {
	const char *kind;             /* "dep-version", … (above), or "note" */
	bool drift;                   /* false: a note */
	const char *what;             /* the module path, or the setting */
	const char *binary;           /* what the binary records ("" when nothing) */
	const char *source;           /* what the source says ("" when nothing) */
};

struct sr_drift {
	struct sr_drift_item *items;
	size_t nitems, ndrift;
	struct sr_drift_priv *priv;
};

/* Compare a Go binary's facts with the source.  SR_E_UNSUPPORTED when g is
 * not Go or has no module build info. */
enum sr_err sr_drift_compare(const struct sr_go_info *g, const struct sr_drift_source *s, struct sr_drift *out,
                             struct sr_error *err);
void sr_drift_free(struct sr_drift *d);

#endif
