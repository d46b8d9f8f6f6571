/* shipready — an output file written atomically: created as ".NAME.tmp-XXXXXX" beside
 * NAME, synced, then renamed into place in one step, so a run killed at
 * any point leaves nothing at NAME (at worst a hidden temporary beside it).
 * Shared by the bundle tar writer and the image writer. */
#ifndef SHIPREADY_OUTFILE_H
#define SHIPREADY_OUTFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "shipready/error.h"

struct sr_outfile {
	int fd;                    /* the temporary file, open for writing */
	bool force;                /* replace an existing file at the name */
	const char *file;          /* the final name (not copied) */
	char tmp[PATH_MAX];        /* the temporary's name */
};

/* ".NAME.tmp-XXXXXX" beside out (for mkstemp/mkdtemp); an error for a name
 * without a last component. */
enum sr_err sr_outfile_tmp_name(const char *out, char *tmpl, size_t size, struct sr_error *err);

/* rename(2) that fails with EEXIST instead of replacing (renameat2
 * RENAME_NOREPLACE, plain rename where the kernel lacks it), or that swaps
 * from and to (exchange). */
int sr_rename_noreplace(const char *from, const char *to);
int sr_rename_exchange(const char *from, const char *to);

/* Refuse an existing file unless force; create the temporary (mode 0644). */
enum sr_err sr_outfile_open(struct sr_outfile *o, const char *file, bool force, struct sr_error *err);
/* fsync, close and rename into place; on failure the temporary is removed. */
enum sr_err sr_outfile_commit(struct sr_outfile *o, struct sr_error *err);
/* Close and remove the temporary (after a failure). */
void sr_outfile_abort(struct sr_outfile *o);

/* write(2) all n bytes (again after EINTR and short writes); false with
 * errno set on failure. */
bool sr_write_all(int fd, const void *buf, size_t n);

/* An anonymous scratch file in the directory of out (O_TMPFILE, else a
 * temporary unlinked at once): nothing of it stays when the run dies.
 * Returns the descriptor, or -1 with err set. */
int sr_scratch_file(const char *out, struct sr_error *err);

#endif
