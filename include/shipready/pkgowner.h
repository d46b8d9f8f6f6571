/* shipready — which installed package holds a file of a root.
 *
 * The root's package database is read once: dpkg's
 * var/lib/dpkg/info/PKG[:ARCH].list files, or apk's lib/apk/db/installed.
 * A path is found as written and, for merged-/usr systems, with "/usr"
 * taken off or put on ("/lib/x" is listed, "/usr/lib/x" is asked, or the
 * reverse).  When two packages list the same path, the first read wins.
 * Every byte goes through the bounded reader and every path lookup stays
 * inside the root. */
#ifndef SHIPREADY_PKGOWNER_H
#define SHIPREADY_PKGOWNER_H

#include <stdbool.h>

#include "shipready/error.h"
#include "shipready/root.h"

enum sr_pkgdb_kind { SR_PKGDB_DPKG = 1, SR_PKGDB_APK = 2, SR_PKGDB_ANY = 3 };

struct sr_pkgowner;

/* Read the root's database of the given kind (SR_PKGDB_ANY: dpkg, else
 * apk).  SR_E_NOENT when the root has none. */
enum sr_err sr_pkgowner_open(const struct sr_root *root, enum sr_pkgdb_kind which, struct sr_pkgowner **out,
                             struct sr_error *err);
/* The database read: SR_PKGDB_DPKG or SR_PKGDB_APK. */
enum sr_pkgdb_kind sr_pkgowner_kind(const struct sr_pkgowner *o);
/* "dpkg" or "apk". */
const char *sr_pkgowner_name(const struct sr_pkgowner *o);
/* The package that holds the absolute path, or NULL. */
const char *sr_pkgowner_find(const struct sr_pkgowner *o, const char *path);
/* The installed version and architecture of a package ("2.36-9+deb12u4",
 * "amd64"; arch "" when apk does not write one), from dpkg's status file or
 * apk's database; false when neither names the package.  For a package
 * installed for several architectures, the first record. */
bool sr_pkgowner_version(const struct sr_pkgowner *o, const char *pkg, const char **version, const char **arch);
/* Every installed package with a version, in name order; false when out of memory. */
bool sr_pkgowner_each(const struct sr_pkgowner *o,
                      void (*fn)(void *ud, const char *pkg, const char *version, const char *arch), void *ud);
void sr_pkgowner_free(struct sr_pkgowner *o);

#endif
