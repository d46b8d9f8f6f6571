/* shipready — a host preflight script: a POSIX sh program (dash and
 * busybox sh run it), generated from the shared analysis of each file,
 * that a user runs on the machine about to receive the files.  It checks
 * what `check --target dir:/` would on that machine, in the same words:
 * the machine (uname -m), the interpreter and the C library, each needed
 * library the file does not ship (found where the loader would look:
 * RPATH/RUNPATH, /etc/ld.so.conf's directories, the default ones; musl's
 * path file) and the symbol versions it requires from it, the kernel
 * (uname -r), and the run-time files (CA roots, zoneinfo, …: judge.h's
 * rules).  It prints one line per failure or warning, "ok FILE: runs on
 * this host" otherwise, and exits 1 when a file cannot start there.
 *
 * Not judged there: libraries needed by the libraries (the host's own
 * packages bring theirs), LD_LIBRARY_PATH, and the ELF class of a library
 * file found by name.  The script reads files and runs uname, getconf,
 * dd, tr and grep; it writes nothing, needs no privileges and makes no
 * network connection.  Every value it embeds is single-quoted. */
#ifndef SHIPREADY_PREFLIGHT_H
#define SHIPREADY_PREFLIGHT_H

#include "shipready/analysis.h"
#include "shipready/error.h"

struct sr_preflight;

struct sr_preflight *sr_preflight_new(void);   /* NULL when out of memory */
void sr_preflight_free(struct sr_preflight *pf);

/* Add the checks for one analysed file, named name in what the script
 * prints (the path as given).  Errors: not a Linux program (PE, Mach-O,
 * an object file), out of memory; the script is unchanged then. */
enum sr_err sr_preflight_add(struct sr_preflight *pf, struct sr_analysis *an, const char *name, struct sr_error *err);

/* The whole script (malloc'd; the caller frees it).  version is
 * shipready's, written in its first lines. */
enum sr_err sr_preflight_script(const struct sr_preflight *pf, const char *version, char **out, struct sr_error *err);

#endif
