/* shipready — resolve the shared libraries a dynamic ELF needs, as the
 * dynamic loader would, without running anything.
 *
 * The model follows glibc's ld.so (elf/dl-load.c, elf/dl-deps.c,
 * elf/dl-version.c) and musl's ldso/dynlink.c: breadth-first loading of
 * DT_NEEDED, the search order (DT_RPATH of the loader chain unless the loader
 * has DT_RUNPATH, LD_LIBRARY_PATH, DT_RUNPATH, ld.so.cache, default
 * directories), reuse of objects already loaded (by name, SONAME or file
 * identity), candidates of another class or machine skipped, and symbol
 * version checks.  Every path is looked up inside a root (the host's `/` by
 * default). */
#ifndef SHIPREADY_DEPS_H
#define SHIPREADY_DEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/cpu.h"
#include "shipready/elf.h"
#include "shipready/error.h"
#include "shipready/root.h"

#define SR_DEPS_MAX_OBJECTS 2048
#define SR_DEPS_NONE ((size_t)-1)

enum sr_found_how {
	SR_FOUND_NOT_FOUND = 0,
	SR_FOUND_LOADED,       /* already loaded under this name, its SONAME or its file */
	SR_FOUND_INTERP,       /* the program interpreter */
	SR_FOUND_DIRECT,       /* the name contains '/' */
	SR_FOUND_RPATH,
	SR_FOUND_ENV,          /* LD_LIBRARY_PATH (only with --env-library-path) */
	SR_FOUND_RUNPATH,
	SR_FOUND_CACHE,        /* /etc/ld.so.cache */
	SR_FOUND_DEFAULT,      /* the loader's default directories */
	SR_FOUND_SELF,         /* musl: the name is the C library itself */
};

enum sr_loader_kind { SR_LOADER_GLIBC = 0, SR_LOADER_MUSL };

/* One loaded object.  objects[0] is the program itself. */
struct sr_dep_object {
	const char *name;        /* the name it was first requested as (DT_NEEDED), or the path given */
	const char *path;        /* the path the loader opens (not canonicalised: as ldd prints it) */
	const char *real;        /* canonical path inside the root */
	const char *origin;      /* what $ORIGIN expands to in its search paths: the program's
	                          * canonical directory, a library's directory as opened */
	struct sr_elf *elf;
	size_t loader;           /* the object whose DT_NEEDED loaded it (l_loader), SR_DEPS_NONE for roots */
	size_t depth;
	bool is_interp;
};

/* One DT_NEEDED entry and how it was resolved. */
struct sr_dep_edge {
	size_t from;             /* requesting object */
	const char *name;        /* DT_NEEDED */
	size_t to;               /* object, or SR_DEPS_NONE when not found */
	enum sr_found_how how;
	const char *via;         /* the search-path element that matched, e.g. "$ORIGIN/../lib" */
	const char *error;       /* when not found: "cannot open shared object file: No such file or directory" */
	struct sr_strlist tried; /* every path tried, in the loader's order (when not found, or verbose) */
	struct sr_strlist skipped;   /* candidates of another class/machine, skipped */
};

/* A required symbol version the provider does not define. */
struct sr_dep_version_issue {
	size_t requester, provider;
	const char *version;     /* "GLIBC_2.38" */
	bool weak;               /* a weak requirement: ld.so only notes it */
	bool no_version_info;    /* the provider defines no versions at all (a warning in ld.so) */
	const char *message;     /* what the loader prints */
};

struct sr_deps_priv;

struct sr_deps {
	enum sr_loader_kind loader_kind;
	const char *interp;             /* PT_INTERP of the program (or, for a library, the system loader) */
	bool interp_is_default;         /* interp is the system loader: the input has no PT_INTERP */
	bool interp_missing;
	bool interp_loaded;             /* some DT_NEEDED resolved to it: it is among the objects (as ldd lists it) */
	const char *cache;              /* the ld.so.cache used, or NULL */
	struct sr_strlist default_dirs; /* the loader's default directories for this target */
	struct sr_dep_object *objects;
	size_t object_count;
	struct sr_dep_edge *edges;
	size_t edge_count;
	struct sr_dep_version_issue *issues;
	size_t issue_count;
	size_t missing_count;           /* edges not found */
	size_t error_count;             /* missing + fatal version issues + missing interpreter */
	struct sr_strlist warnings;
	struct sr_deps_priv *priv;
};

struct sr_deps_opts {
	const struct sr_root *root;     /* NULL: the host ("/") */
	const char *library_path;       /* LD_LIBRARY_PATH to model, or NULL */
	bool record_tried;              /* record tried paths for found libraries too */
	bool program_on_host;           /* with a root: the input is a file of the host, imagined
	                                 * at the same absolute path inside the root (its $ORIGIN
	                                 * is looked up there); only what it loads comes from the
	                                 * root.  `check --target dir:ROOT` works this way. */
	const struct sr_cpu_facts *cpu; /* the CPU of an x86-64 program's machine (glibc-hwcaps,
	                                 * $PLATFORM); NULL: the one shipready runs on */
};

/* Resolve the dependencies of the ELF at path (inside the root if one is
 * given; relative to the working directory otherwise).  A hard error only
 * when the file itself cannot be analysed; missing libraries and version
 * problems are findings in the result. */
enum sr_err sr_deps_resolve(const char *path, const struct sr_deps_opts *opts, struct sr_deps **out,
                            struct sr_error *err);
void sr_deps_free(struct sr_deps *d);

/* A session resolves several inputs against one root, reading the loader's
 * cache once and each file once (by device and inode).  Results from a
 * session must be freed (sr_deps_free) before the session. */
struct sr_deps_session;
enum sr_err sr_deps_session_new(const struct sr_deps_opts *opts, struct sr_deps_session **out, struct sr_error *err);
enum sr_err sr_deps_session_resolve(struct sr_deps_session *ss, const char *path, struct sr_deps **out,
                                    struct sr_error *err);
/* The same for a program already parsed (an analysis): the file is looked
 * up for its place and identity, never opened or parsed again.  elf must
 * outlive the result.  *kept says whether the session kept it too (a
 * library, found again when a DT_NEEDED names it): then it must outlive the
 * session. */
enum sr_err sr_deps_session_resolve_parsed(struct sr_deps_session *ss, const char *path, const struct sr_elf *elf,
                                           bool *kept, struct sr_deps **out, struct sr_error *err);
void sr_deps_session_free(struct sr_deps_session *ss);

const char *sr_found_how_name(enum sr_found_how h);   /* "rpath", "runpath", "ld.so.cache", … */

#endif
