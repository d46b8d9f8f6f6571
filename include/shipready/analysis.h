/* shipready — one analysis per file, one run for all of them.
 *
 * A run is what one command learns once.  Each input file is opened and
 * parsed once per run: its analysis holds the inspect facts and the
 * runtimes, and, when a command asks, its run-time needs and its
 * dependencies as the loader would resolve them against a root.  Those are resolved once per
 * root and set of loader options and kept, and each root has one loader
 * session for the whole run, so a library of a root is read once however
 * many programs, targets or commands ask about it.  Every command reads the
 * analysis; none opens the file again. */
#ifndef SHIPREADY_ANALYSIS_H
#define SHIPREADY_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/deps.h"
#include "shipready/error.h"
#include "shipready/inspect.h"
#include "shipready/language.h"
#include "shipready/needs.h"
#include "shipready/root.h"
#include "shipready/runtimes.h"
#include "shipready/rustdeps.h"

struct sr_run;
struct sr_analysis_priv;

struct sr_analysis {
	const char *path;              /* as given */
	struct sr_inspect in;          /* what the file is (format, ELF/PE/Mach-O facts, Go) */
	struct sr_runtimes runtimes;   /* what must be installed for it */
	struct sr_language lang;       /* the language it was written in, as far as its bytes say */
	struct sr_rust_deps rust;      /* a Rust program's crates, from its .dep-v0 section (n 0: none) */
	const char *rust_error;        /* why that section could not be read, or NULL */
	struct sr_analysis_priv *priv;
};

enum sr_err sr_run_new(struct sr_run **out, struct sr_error *err);
/* Frees every analysis and resolution the run made. */
void sr_run_free(struct sr_run *run);

/* The analysis of path (inside root when root is not NULL), made on the
 * first ask and returned again for the same root and path.  It belongs to
 * the run.  On failure err holds the one-line reason (the same on every ask). */
enum sr_err sr_run_analyse(struct sr_run *run, const struct sr_root *root, const char *path,
                           struct sr_analysis **out, struct sr_error *err);
/* The same for path inside root that the caller has opened itself as fd,
 * confined (see sr_inspect_fd_root): a tree walk hands over the file it
 * has just read the head of, not its name to look up and open again.  fd
 * is taken over. */
enum sr_err sr_run_analyse_fd(struct sr_run *run, const struct sr_root *root, const char *path, int fd,
                              struct sr_analysis **out, struct sr_error *err);

/* The analysed ELF's dependencies as the loader would resolve them with
 * opts (opts->root NULL: this machine), resolved on the first ask for those
 * options and kept by the run.  The program is not opened again: the
 * analysis's parse is what the loader model reads.  Errors: not an ELF
 * file, or what the loader model says of a file it cannot read. */
enum sr_err sr_analysis_deps(struct sr_analysis *a, const struct sr_deps_opts *opts, const struct sr_deps **out,
                             struct sr_error *err);

/* What the analysed file reads at run time (see needs.h), made on the
 * first ask and kept with the analysis.  A Go program's needs come from
 * walking its function table (sr_go_linked): a command that prints none
 * (scan's summary) does not pay for it (make bench: bench/scan.sh).  The
 * only error is SR_E_NOMEM. */
enum sr_err sr_analysis_needs(const struct sr_analysis *a, const struct sr_needs **out, struct sr_error *err);

/* Was a read from a file inside root (the same directory, by identity)? */
bool sr_analysis_read_in(const struct sr_analysis *a, const struct sr_root *root);

/* The command is done with a: it and its resolutions are freed (a batch
 * keeps memory bounded); asking for the same file again analyses it again. */
void sr_run_done(struct sr_run *run, struct sr_analysis *a);

#endif
