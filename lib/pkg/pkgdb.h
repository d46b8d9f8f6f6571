/* shipready — the package facts of a root, parsed from buffers: its release
 * (os-release(5)), and which package holds which file (a dpkg .list, Alpine's
 * apk installed database).  Every byte goes through the bounded reader; a
 * line longer than SR_PKGDB_MAX_LINE is cut (no real database has one), so a
 * hostile file costs time linear in its size and no memory. */
#ifndef SHIPREADY_PKG_PKGDB_H
#define SHIPREADY_PKG_PKGDB_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/reader.h"

#define SR_PKGDB_MAX_LINE 4096

struct sr_os_release {
	char id[64], version_id[64], codename[64];   /* ID, VERSION_ID, VERSION_CODENAME; "" if absent */
};

/* KEY=VALUE lines, values unquoted ("…" or '…'); the last of a key wins. */
void sr_os_release_parse(const struct sr_reader *r, struct sr_os_release *out);

/* One file of a package: path is absolute, NUL-terminated, without '\n'. */
typedef void sr_pkgdb_file_fn(void *ud, const char *pkg, const char *path);

/* A dpkg PKG.list: one absolute path per line (others are skipped). */
void sr_dpkg_list_parse(const struct sr_reader *r, const char *pkg, sr_pkgdb_file_fn *fn, void *ud);

/* apk's installed database: blocks of "P:package", "F:dir" (relative) and
 * "R:file" (a file in the last F: directory), a blank line between blocks. */
void sr_apk_db_parse(const struct sr_reader *r, sr_pkgdb_file_fn *fn, void *ud);

/* One installed package, as its database writes it: "libc6", "2.36-9+deb12u4",
 * "amd64" (arch may be "" when not written). */
typedef void sr_pkgdb_pkg_fn(void *ud, const char *name, const char *version, const char *arch);

/* dpkg's status file: RFC 822 stanzas ("Package:", "Status:", "Version:",
 * "Architecture:"; continuation lines start with a blank), a blank line
 * between.  Only packages whose Status' last word is "installed". */
void sr_dpkg_status_parse(const struct sr_reader *r, sr_pkgdb_pkg_fn *fn, void *ud);

/* apk's installed database: "P:", "V:" and "A:" of each block. */
void sr_apk_pkgs_parse(const struct sr_reader *r, sr_pkgdb_pkg_fn *fn, void *ud);

#endif
