/* shipready — scan a tree: every ELF, PE and Mach-O file in it found (magic
 * first: a file that is not one costs one small read), each analysed once
 * (the run's shared analysis), and, for a tree that is a root, every program
 * judged inside it as `check --target dir:ROOT` judges it.
 *
 * The walk never follows a symlink (symlinks are counted, not read), skips
 * FIFOs, sockets and devices and the directories of pseudo file systems
 * (/proc, /sys, devpts, …), and opens each file by its name in its
 * directory, which the walk opened itself (no path is walked twice, and
 * nothing on the way can be a symlink).  A file is not stat'ed: the
 * directory's entry type says it is a regular file, and one read of its
 * first 64 bytes says the rest.  Files are read and analysed by worker
 * threads (the calling thread one of them), handed to them in batches, and
 * the workers take turns at the walk itself; the caller sees
 * each result in path order (byte order of the names in each directory,
 * depth first), whatever the number of threads, so the output of one tree
 * is the same on every machine.  Memory is bounded: at most a window of
 * files is between the walk and the caller at any time. */
#ifndef SHIPREADY_SCAN_H
#define SHIPREADY_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "shipready/analysis.h"
#include "shipready/check.h"
#include "shipready/error.h"
#include "shipready/targets.h"

/* One binary found (or a place the walk could not read). */
struct sr_scan_found {
	const char *path;        /* what reports show: DIR/REL for a plain tree, /REL inside a root */
	struct sr_analysis *an;  /* NULL when it could not be read or analysed: error says why (or find_only) */
	const struct sr_error *error;   /* code SR_OK with find_only: a binary, not analysed here */
	bool is_dir;             /* the error is a directory's: nothing under it was seen */
	const struct sr_check_result *judged;   /* a root's ELF programs: the verdict inside it; else NULL */
	const struct sr_root *root;   /* the tree, as the root its files were read in */
	bool as_root;                 /* the tree is a root (dir:): resolutions inside it are the truth */
};

/* What the walk saw (counted as it goes). */
struct sr_scan_stats {
	uint64_t files;          /* regular files looked at */
	uint64_t binaries;       /* ELF, PE and Mach-O files among them */
	uint64_t dirs;           /* directories walked */
	uint64_t symlinks;       /* not followed */
	uint64_t special;        /* FIFOs, sockets, devices: skipped */
	uint64_t pseudo_fs;      /* directories of /proc-like file systems: skipped */
	uint64_t unreadable;     /* files and directories that could not be read */
	uint64_t failed;         /* binaries that could not be analysed */
};

/* A callback's view of the scan. */
struct sr_scan_opts {
	unsigned threads;              /* workers, the calling thread one of them; 0: one per online CPU
	                                * (at most SR_SCAN_MAX_THREADS) */
	bool as_root;                  /* the tree is a root: judge each ELF program inside it */
	const struct sr_targets *db;   /* the target database (for the root's target; may be NULL otherwise) */
	const char *root_name;         /* as_root: how verdicts name the root (NULL: "dir:DIR"), e.g. an image's name */
	const char *root_machine;      /* as_root: the machine that runs the root ("arm64", "aarch64"; NULL: this one) */
	bool inside_paths;             /* records' paths are /REL inside the tree, as with as_root, without its judging */
	bool find_only;                /* only find the binaries: record gets each with an and error NULL, and the
	                                * caller analyses it in its own run (nothing is analysed twice) */
	/* Make the caller's record of one found binary: called in a worker
	 * thread, several at once; f and what it points to last only for the
	 * call.  May return NULL. */
	void *(*record)(void *ctx, const struct sr_scan_found *f);
	/* Take the records in path order, one call at a time. */
	void (*emit)(void *ctx, void *record);
	/* About ten times a second while the walk goes on (may be NULL). */
	void (*progress)(void *ctx, const struct sr_scan_stats *st);
	void *ctx;
};

#define SR_SCAN_MAX_THREADS 64u
#define SR_SCAN_MAX_DEPTH 256u   /* deeper directories are unreadable ("too deep") */

/* Scan the tree under dir.  An error only when dir itself cannot be
 * scanned (not a directory, unreadable) or a worker cannot be started;
 * what is found inside goes to the callbacks.  *stats (if not NULL) gets
 * the counts. */
enum sr_err sr_scan_tree(const char *dir, const struct sr_scan_opts *opts, struct sr_scan_stats *stats,
                         struct sr_error *err);

/* The same for a root: a directory's (as sr_scan_tree of it), or a tree
 * in memory (an image's, sr_image_root), whose files are read from where
 * they are.  Paths in records are inside the root. */
struct sr_root;
enum sr_err sr_scan_root(const struct sr_root *root, const struct sr_scan_opts *opts, struct sr_scan_stats *stats,
                         struct sr_error *err);

/* sr_sniff_binary (shipready/sniff.h) on the regular file at path (a symlink is not followed):
 * its first 512 bytes, and for "MZ" the PE signature wherever e_lfanew points,
 * as the scan reads it.  false when it cannot be read. */
bool sr_scan_path_is_binary(const char *path);
/* The same for a file inside a root (an image's tree knows it already). */
bool sr_scan_root_is_binary(const struct sr_root *root, const char *path);

#endif
