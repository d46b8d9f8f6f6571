/* shipready — what went into a C build (compile-deps), checked against the
 * policy's allow-lists.
 *
 * The dependency files compilers write name each source and the headers it
 * included; a linker map or --trace lines name the objects, the static
 * archives (and, with a map, the members of them that were linked in) and
 * the shared libraries.  Each file is attributed once: inside the project
 * directory, to the Debian or Alpine package that holds it in the root
 * (shipready/pkgowner.h), or unknown.  The policy's build rules
 * (allowed_header_packages, allowed_include_dirs, allowed_static_archives)
 * are judged here; files of the project are always allowed. */
#ifndef SHIPREADY_COMPDEPS_H
#define SHIPREADY_COMPDEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/depfile.h"
#include "shipready/error.h"
#include "shipready/policy.h"
#include "shipready/root.h"

enum sr_cdep_role {
	SR_CDEP_SOURCE = 1,           /* a depfile rule's first prerequisite */
	SR_CDEP_HEADER,               /* the other prerequisites */
	SR_CDEP_OBJECT,               /* a linker input object */
	SR_CDEP_ARCHIVE,              /* a static archive the linker searched */
	SR_CDEP_SHARED,               /* a shared library or linker script by path */
	SR_CDEP_NEEDED,               /* a shared library by soname (as-needed, from a map) */
};

enum sr_cdep_origin { SR_CDEP_PROJECT = 1, SR_CDEP_PACKAGE, SR_CDEP_UNKNOWN };

struct sr_cdep_file {
	const char *path;             /* absolute and clean (a soname for SR_CDEP_NEEDED) */
	enum sr_cdep_role role;
	enum sr_cdep_origin origin;
	const char *package;          /* SR_CDEP_PACKAGE: its name */
	const char *first_by;         /* the first unit that named it ("SOURCE (TARGET)"), or what pulled it in */
	size_t uses;                  /* how many units (depfile rules) name it */
	size_t members;               /* an archive: members linked in (a map tells) */
	const char *first_member;     /* an archive: the first member linked in, and why */
	const char *first_member_why;
};

struct sr_cdep_unit {
	const char *target;           /* the object */
	const char *source;           /* the source (clean, absolute) */
	size_t nheaders;
	size_t *headers;              /* indexes into files, in the depfile's order */
	const char *depfile;          /* the file it came from */
};

struct sr_cdep_violation {
	const char *rule;             /* "allowed_header_packages", … */
	const char *path;
	const char *message;          /* "/usr/include/zlib.h (zlib1g-dev) is not allowed" */
	const char *by;               /* "included in the build of a.c (a.o)", … */
};

struct sr_compdeps {
	struct sr_cdep_file *files;   /* sources and headers in order of first mention, then link inputs */
	size_t nfiles;
	struct sr_cdep_unit *units;
	size_t nunits;
	struct sr_cdep_violation *violations;
	size_t nviolations;
	bool linked;                  /* a map or trace was given */
	bool members_known;           /* every link input came from a map */
	const char *pkgdb;            /* "dpkg", "apk", or NULL: the root has no package database */
	struct sr_compdeps_priv *priv;
};

struct sr_compdeps_opts {
	const char *project_dir;      /* absolute: the project's files */
	const char *build_dir;        /* absolute: what relative names in the inputs are relative to */
	const struct sr_root *root;   /* whose package database attributes files; NULL: "/" */
	const struct sr_policy *policy;   /* NULL: no rules */
};

enum sr_err sr_compdeps_new(const struct sr_compdeps_opts *o, struct sr_compdeps *out, struct sr_error *err);
/* Add one input (name: for messages).  On SR_E_MALFORMED and the like the
 * input is left out and the others still count. */
enum sr_err sr_compdeps_add_depfile(struct sr_compdeps *c, const char *name, const char *text, size_t len,
                                    struct sr_error *err);
enum sr_err sr_compdeps_add_linkmap(struct sr_compdeps *c, const char *name, const char *text, size_t len,
                                    struct sr_error *err);
enum sr_err sr_compdeps_add_trace(struct sr_compdeps *c, const char *name, const char *text, size_t len,
                                  struct sr_error *err);
/* Attribute every file and judge the policy. */
enum sr_err sr_compdeps_finish(struct sr_compdeps *c, struct sr_error *err);
void sr_compdeps_free(struct sr_compdeps *c);

const char *sr_cdep_role_name(enum sr_cdep_role r);   /* "source", "header", … */
const char *sr_cdep_origin_name(enum sr_cdep_origin o);   /* "project", "package", "unknown" */

#endif
