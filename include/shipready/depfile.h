/* shipready — what a build wrote about its inputs: the dependency files
 * compilers write (gcc and clang -M, -MD, -MMD) and what the GNU linker
 * says it read (a map from -Wl,-Map=FILE, or the -Wl,--trace lines).
 *
 * Dependency files are make rules, "TARGET…: PREREQUISITE…", read with the
 * escapes gcc writes as ninja reads them: "\ " is a space in a name (2N+1
 * backslashes before a space are N and the space; 2N end the name after
 * them), "\#" and "\:" are '#' and ':' (one backslash fewer), "$$" is '$',
 * a backslash before a newline joins lines, "#" starts a comment, and a
 * ':' ends the targets when white space or the end of the line follows it.
 * Names are kept as written (no path is cleaned or looked at).  The input
 * is untrusted: bounded by SR_DEPFILE_MAX_BYTES and an arena. */
#ifndef SHIPREADY_DEPFILE_H
#define SHIPREADY_DEPFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/error.h"

#define SR_DEPFILE_MAX_BYTES ((size_t)64 << 20)

struct sr_deprule {
	const char **targets;
	size_t ntargets;
	const char **prereqs;         /* for a compiler's rule: the source, then each header */
	size_t nprereqs;
	unsigned line;
};

struct sr_depfile {
	struct sr_deprule *rules;     /* in order; "header.h:" rules of -MP have no prerequisites */
	size_t nrules;
	struct sr_depfile_priv *priv;
};

/* SR_E_MALFORMED "LINE: reason" for names without a ':' after them. */
enum sr_err sr_depfile_parse(const char *text, size_t len, struct sr_depfile *out, struct sr_error *err);
void sr_depfile_free(struct sr_depfile *d);

/* ---------- the linker's inputs ---------- */

enum sr_link_kind {
	SR_LINK_OBJECT = 1,           /* an object file named on the command line or by the driver */
	SR_LINK_ARCHIVE,              /* a static archive the linker searched */
	SR_LINK_MEMBER,               /* a member of an archive that was linked in */
	SR_LINK_SHARED,               /* a shared library (or a linker script such as libc.so) */
	SR_LINK_NEEDED,               /* a shared library by soname, included --as-needed (map only) */
};

struct sr_link_input {
	enum sr_link_kind kind;
	const char *path;             /* as the linker wrote it; the archive for a member; a soname */
	const char *member;           /* the member's name, or NULL */
	const char *reason;           /* "FILE (SYMBOL)" that pulled a member or as-needed library in, or NULL */
};

struct sr_link_inputs {
	struct sr_link_input *v;      /* in the linker's order, each (path, member) once */
	size_t n;
	bool members_known;           /* a map: which archive members went in is known */
	struct sr_depfile_priv *priv;
};

/* A GNU ld (bfd) or gold map: "Archive member included …" entries, the
 * as-needed libraries and bfd's LOAD lines.  SR_E_UNSUPPORTED for an lld
 * map; SR_E_MALFORMED when nothing in it is a linker map. */
enum sr_err sr_linkmap_parse(const char *text, size_t len, struct sr_link_inputs *out, struct sr_error *err);
/* The linker's --trace (-t) lines: one input per line, an archive member as
 * "ARCHIVE(MEMBER)" or "(ARCHIVE)MEMBER"; the linker's own messages
 * ("/usr/bin/ld: mode elf_x86_64", "collect2: …") are skipped. */
enum sr_err sr_linktrace_parse(const char *text, size_t len, struct sr_link_inputs *out, struct sr_error *err);
void sr_link_inputs_free(struct sr_link_inputs *l);

#endif
