/* shipready — the target database: what each distribution release or base
 * image provides (C library, libstdc++ ABI, kernel, OpenSSL, loader, library
 * dirs, CA roots, zoneinfo).  The built-in database is data/targets.json,
 * compiled in; a user's file in the same format can replace it.  Values the
 * sources do not confirm are absent (NULL / SR_TRI_UNKNOWN) and named in the
 * entry's `unconfirmed` list. */
#ifndef SHIPREADY_TARGETS_H
#define SHIPREADY_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/elf.h"     /* enum sr_libc, enum sr_tri */
#include "shipready/error.h"

enum sr_target_kind { SR_TARGET_DISTRO, SR_TARGET_IMAGE };

/* A list of strings; present false means the value is unknown (JSON null),
 * which is not the same as known-empty. */
struct sr_target_strs {
	bool present;
	char **v;
	size_t n;
};

struct sr_target_arch {
	char *arch;                   /* "x86_64", "aarch64", … */
	char *loader;                 /* PT_INTERP path, NULL if unknown */
	struct sr_target_strs lib_dirs;   /* default library directories */
};

struct sr_target {
	char *name;                   /* "debian-12" */
	char *display_name;           /* "Debian 12 bookworm" */
	enum sr_target_kind kind;
	enum sr_libc libc;
	char *libc_version;           /* "2.36", NULL if unknown or none */
	char *glibcxx_max;            /* "3.4.30" (GLIBCXX_ version), NULL if unknown */
	char *cxxabi_max;             /* "1.3.13" */
	char *kernel;                 /* "6.1" */
	struct sr_target_strs openssl_sonames;
	struct sr_target_arch *arches;   /* loader and lib dirs per arch */
	size_t narches;
	char *ca_bundle;              /* NULL if unknown or absent */
	enum sr_tri zoneinfo;
	struct sr_target_strs architectures;
	char *eol;                    /* YYYY-MM-DD or NULL */
	struct sr_target_strs sources;    /* never empty */
	struct sr_target_strs unconfirmed;
	char *notes;                  /* may be NULL */
};

struct sr_targets {
	struct sr_target *v;
	size_t n;
};

/* Load the compiled-in database.  db is zeroed first; on failure it holds
 * nothing to free. */
enum sr_err sr_targets_load_builtin(struct sr_targets *db, struct sr_error *err);

/* Load a database file (the format of data/targets.json).  Errors name the
 * problem: "LINE:COLUMN: <jansson's reason>" for bad JSON, else the entry
 * and field, e.g. "targets[3] (debian-12): libc.version: expected a string
 * or null". */
enum sr_err sr_targets_load_file(const char *path, struct sr_targets *db, struct sr_error *err);

/* The same from bytes in memory (need not be NUL-terminated). */
enum sr_err sr_targets_load_buffer(const char *buf, size_t len, struct sr_targets *db, struct sr_error *err);

/* The entry named name, or NULL. */
const struct sr_target *sr_targets_find(const struct sr_targets *db, const char *name);

/* Is field (as named in 'unconfirmed': "ca_bundle", "architectures", …)
 * listed as unconfirmed for t? */
bool sr_target_unconfirmed(const struct sr_target *t, const char *field);

/* An image known to hold nothing (FROM scratch): no C library, no zoneinfo. */
bool sr_target_is_empty_image(const struct sr_target *t);

/* The loader path of t for arch, or NULL when unknown. */
const struct sr_target_arch *sr_target_arch_find(const struct sr_target *t, const char *arch);

/* "glibc", "musl", "none" as in the database; NULL for SR_LIBC_UNKNOWN. */
const char *sr_libc_family_name(enum sr_libc f);

void sr_targets_free(struct sr_targets *db);

#endif
