/* shipready — a program's closure as files laid out at their real paths:
 * the program, its interpreter, every library the loader resolves (the file
 * at its canonical path, a symlink from each path the loader opens, such as
 * the SONAME), and the data files its run-time needs read (CA roots,
 * zoneinfo, nsswitch.conf, a minimal passwd/group, NSS and gconv modules),
 * all read from a source root.  A library found through $ORIGIN moves with
 * the object whose $ORIGIN found it (the program goes to PREFIX/bin, so its
 * $ORIGIN/../lib goes to PREFIX/lib).  Then written as a directory or a tar file,
 * atomically: into a temporary name beside the output, renamed into place.
 *
 * A plan is built first (sr_bundle_add per program), so the caller can show
 * or refuse it before anything is written.  Needs the source root cannot
 * satisfy are listed in the plan (unmet), never dropped. */
#ifndef SHIPREADY_BUNDLE_H
#define SHIPREADY_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/analysis.h"
#include "shipready/error.h"
#include "shipready/root.h"

#define SR_BUNDLE_SCHEMA_VERSION 1
#define SR_BUNDLE_MAX_ENTRIES 200000
#define SR_BUNDLE_MAX_TREE_DEPTH 16

enum sr_bundle_kind {
	SR_BUNDLE_PROGRAM = 0,   /* a FILE given, placed at PREFIX/bin/NAME */
	SR_BUNDLE_INTERPRETER,   /* PT_INTERP, at its canonical path */
	SR_BUNDLE_LIBRARY,       /* a resolved library (or NSS module), at its canonical path */
	SR_BUNDLE_SYMLINK,       /* a path the loader opens (or a link kept inside a data tree) */
	SR_BUNDLE_DATA,          /* a file copied from the source root for a run-time need */
	SR_BUNDLE_GENERATED,     /* written by shipready: passwd, group, nsswitch.conf, hosts */
};

struct sr_bundle_entry {
	const char *path;        /* absolute path inside the bundle: "/usr/lib/x86_64-linux-gnu/libc.so.6" */
	enum sr_bundle_kind kind;
	const char *source;      /* program: the host path given; library/interpreter/data: canonical path
	                          * in the source root; NULL for symlinks and generated files */
	const char *target;      /* symlink: its target, relative when shipready made it */
	const char *content;     /* generated: the bytes (NUL-terminated text) */
	const char *reason;      /* "DT_NEEDED libc.so.6 of /usr/local/bin/app (ld.so.cache)" */
	const char *tree;        /* data copied as part of a directory tree: the tree's path, else NULL */
	unsigned mode;           /* permission bits (0755, 0644; 0777 for symlinks) */
	uint64_t size;           /* bytes of a file as planned (symlinks: 0) */
};

/* A run-time need the source root cannot satisfy, or no file can. */
struct sr_bundle_unmet {
	const char *program;     /* the FILE as given */
	const char *need;        /* "ca-roots", "zoneinfo", …, "dlopen" (see shipready/needs.h) */
	const char *name;        /* "CA roots" */
	const char *reason;      /* "none of /etc/ssl/certs/ca-certificates.crt, … in the source root" */
	bool optional;           /* the program has a fallback */
};

struct sr_bundle_opts {
	const struct sr_root *root;   /* where libraries and data come from; NULL: the host ("/") */
	const char *prefix;           /* programs go to PREFIX/bin; NULL: "/usr/local" */
	struct sr_run *run;           /* the run whose analyses programs are read from (shared with
	                               * the caller's other work on them); NULL: the bundle's own */
	bool no_needs;                /* only the loader closure (program, interpreter, libraries):
	                               * no data files, generated files or unmet needs for the
	                               * run-time needs (verify --no-needs shows their effect) */
	bool resolv_conf;             /* carry the source root's /etc/resolv.conf for DNS (for a
	                               * chroot); otherwise it is left to the container runtime,
	                               * which mounts its own: never the build machine's in an image */
};

struct sr_bundle_priv;

struct sr_bundle {
	struct sr_bundle_entry *entries;   /* sorted by path after sr_bundle_finish */
	size_t entry_count;
	struct sr_bundle_unmet *unmet;
	size_t unmet_count;
	bool unmet_required;               /* some unmet need is not optional */
	struct sr_bundle_priv *priv;
};

enum sr_err sr_bundle_new(const struct sr_bundle_opts *opts, struct sr_bundle **out, struct sr_error *err);

/* Plan one program (a path on the host, read as given): its loader closure
 * from the source root and its run-time needs.  An error (the file is not a
 * dynamic or static ELF program, a library is missing, a path would clash)
 * leaves the plan as it was before the call. */
enum sr_err sr_bundle_add(struct sr_bundle *b, const char *path, struct sr_error *err);

/* Sort the entries by path; call once after the last sr_bundle_add. */
enum sr_err sr_bundle_finish(struct sr_bundle *b, struct sr_error *err);

/* Write the plan to the directory dir: built in a temporary directory
 * beside it (.NAME.tmp-XXXXXX) and renamed into place.  An existing empty
 * dir is replaced; a non-empty one only with force (swapped atomically,
 * then the old tree removed). */
enum sr_err sr_bundle_write_dir(const struct sr_bundle *b, const char *dir, bool force, struct sr_error *err);

/* Write the plan as a tar file (ustar: a path that does not fit is an
 * error, never cut; entries sorted, parent
 * directories included, uid/gid 0, owner "root", every mtime = mtime), so
 * the same plan and mtime give the same bytes.  Written to .NAME.tmp-XXXXXX
 * beside file, synced, then renamed into place (replacing file only with
 * force). */
enum sr_err sr_bundle_write_tar(const struct sr_bundle *b, const char *file, int64_t mtime, bool force,
                                struct sr_error *err);

/* The same entries (parent directories included, sorted, uid/gid 0, every
 * mtime = mtime) written to an archive the caller opened: any format and
 * filter libarchive writes, any write callback (the image layer: a gzip
 * filter and a callback that hashes).  The caller closes ar. */
struct archive;
enum sr_err sr_bundle_write_archive(const struct sr_bundle *b, struct archive *ar, int64_t mtime,
                                    struct sr_error *err);

void sr_bundle_free(struct sr_bundle *b);

/* Load what writing archives needs (libarchive, loaded on first use so that
 * commands which never write one do not pay for it): a caller that confines
 * its reads to a root calls this first, so the library's own files are
 * opened before the root, and a missing libarchive is an error before any
 * work.  SR_E_UNSUPPORTED with the reason. */
enum sr_err sr_bundle_archive_ready(struct sr_error *err);

const char *sr_bundle_kind_name(enum sr_bundle_kind k);   /* "program", "interpreter", … */

#endif
