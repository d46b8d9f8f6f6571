/* Which installed package holds a file of a root (shipready/pkgowner.h). */
#include "shipready/pkgowner.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkg/pkgdb.h"
#include "shipready/file.h"
#include "util/arena.h"
#include "util/map.h"

/* No real database lists more paths (a full Debian desktop: ~500,000). */
#define MAX_PATHS ((size_t)8 << 20)
/* Nor more packages (Debian has ~65,000 binary packages in all). */
#define MAX_PKGS ((size_t)1 << 18)

/* An installed package's version and architecture. */
struct pkg_rec {
	const char *version, *arch;
};

struct sr_pkgowner {
	struct sr_arena *a;
	struct sr_map paths;          /* path -> package name (in the arena) */
	struct sr_map pkgs;           /* package name -> struct pkg_rec (in the arena) */
	enum sr_pkgdb_kind kind;
	const char *pkg;              /* the package being read */
	bool oom;
};

static void add_path(void *ud, const char *pkg, const char *path)
{
	struct sr_pkgowner *o = ud;
	if (o->oom)
		return;
	if (!o->pkg || strcmp(o->pkg, pkg)) {
		if (!(o->pkg = sr_arena_strdup(o->a, pkg))) {
			o->oom = true;
			return;
		}
	}
	bool fresh;
	struct sr_map_slot *e = sr_map_add(&o->paths, path, strlen(path), &fresh);
	if (!e)
		o->oom = true;
	else if (fresh)
		e->val = (void *)o->pkg;   /* the first package to list a path keeps it */
}

static void add_pkg(void *ud, const char *name, const char *version, const char *arch)
{
	struct sr_pkgowner *o = ud;
	if (o->oom)
		return;
	bool fresh;
	struct sr_map_slot *e = sr_map_add(&o->pkgs, name, strlen(name), &fresh);
	if (!e) {
		o->oom = true;
		return;
	}
	if (!fresh)
		return;   /* another architecture of a multi-arch package: the first stays */
	struct pkg_rec *r = sr_arena_alloc(o->a, sizeof *r);
	if (!r || !(r->version = sr_arena_strdup(o->a, version)) || !(r->arch = sr_arena_strdup(o->a, arch))) {
		o->oom = true;
		return;
	}
	e->val = r;
}

/* The versions: dpkg's status file, apk's installed database. */
static void read_versions(const struct sr_root *root, struct sr_pkgowner *o)
{
	struct sr_file f;
	struct sr_error e = { 0 };
	const char *path = o->kind == SR_PKGDB_DPKG ? "/var/lib/dpkg/status" : "/lib/apk/db/installed";
	if (sr_root_file_open(root, path, &f, NULL, 0, &e) != SR_OK)
		return;   /* no versions: files still have their packages */
	if (o->kind == SR_PKGDB_DPKG)
		sr_dpkg_status_parse(&f.r, add_pkg, o);
	else
		sr_apk_pkgs_parse(&f.r, add_pkg, o);
	sr_file_close(&f);
}

/* dpkg: ROOT/var/lib/dpkg/info/PKG[:ARCH].list, read in name order so the
 * answer for a path two packages list does not depend on the directory's. */
static bool read_dpkg(const struct sr_root *root, struct sr_pkgowner *o)
{
	struct sr_error e = { 0 };
	struct sr_root_list *d = sr_root_list_open(root, "/var/lib/dpkg/info", SIZE_MAX, &e);
	if (!d)
		return false;
	char **names = NULL;
	size_t n = 0, cap = 0;
	const char *entry;
	while ((entry = sr_root_list_next(d)) != NULL) {
		size_t len = strlen(entry);
		if (len < 6 || strcmp(entry + len - 5, ".list") != 0)
			continue;
		char **grown = sr_arena_grow(o->a, names, n, &cap, sizeof *names, (size_t)1 << 20);
		char *name = sr_arena_strdup(o->a, entry);
		if (!grown || !name) {
			o->oom = true;
			break;
		}
		names = grown;
		names[n++] = name;
	}
	sr_root_list_close(d);
	/* in name order (the list's) */
	for (size_t i = 0; i < n && !o->oom; i++) {
		struct sr_file f;
		char path[SR_ROOT_MAX_PATH + 1];
		int k = snprintf(path, sizeof path, "/var/lib/dpkg/info/%s", names[i]);
		if (k < 0 || (size_t)k >= sizeof path || sr_root_file_open(root, path, &f, NULL, 0, &e) != SR_OK)
			continue;
		size_t len = strlen(names[i]), plen = strcspn(names[i], ":");
		if (plen > len - 5)
			plen = len - 5;
		char pkg[256];
		snprintf(pkg, sizeof pkg, "%.*s", (int)plen, names[i]);
		sr_dpkg_list_parse(&f.r, pkg, add_path, o);
		sr_file_close(&f);
	}
	return true;
}

/* apk: ROOT/lib/apk/db/installed. */
static bool read_apk(const struct sr_root *root, struct sr_pkgowner *o)
{
	struct sr_file f;
	struct sr_error e = { 0 };
	if (sr_root_file_open(root, "/lib/apk/db/installed", &f, NULL, 0, &e) != SR_OK)
		return false;
	sr_apk_db_parse(&f.r, add_path, o);
	sr_file_close(&f);
	return true;
}

enum sr_err sr_pkgowner_open(const struct sr_root *root, enum sr_pkgdb_kind which, struct sr_pkgowner **out,
                             struct sr_error *err)
{
	*out = NULL;
	struct sr_arena *a = sr_arena_new();
	struct sr_pkgowner *o = a ? sr_arena_alloc(a, sizeof *o) : NULL;
	if (!o) {
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	memset(o, 0, sizeof *o);
	o->a = a;
	sr_map_init(&o->paths, a, MAX_PATHS);
	sr_map_init(&o->pkgs, a, MAX_PKGS);
	if ((which & SR_PKGDB_DPKG) && read_dpkg(root, o))
		o->kind = SR_PKGDB_DPKG;
	else if (!o->oom && (which & SR_PKGDB_APK) && read_apk(root, o))
		o->kind = SR_PKGDB_APK;
	if (o->kind && !o->oom)
		read_versions(root, o);
	if (o->oom || !o->kind) {
		bool oom = o->oom;
		sr_pkgowner_free(o);
		return oom ? sr_error_set(err, SR_E_NOMEM, "the package database") :
		             sr_error_set(err, SR_E_NOENT, "no package database (var/lib/dpkg/info, lib/apk/db/installed)");
	}
	*out = o;
	return SR_OK;
}

enum sr_pkgdb_kind sr_pkgowner_kind(const struct sr_pkgowner *o)
{
	return o->kind;
}

const char *sr_pkgowner_name(const struct sr_pkgowner *o)
{
	return o->kind == SR_PKGDB_APK ? "apk" : "dpkg";
}

static const char *lookup(const struct sr_pkgowner *o, const char *p, size_t n)
{
	const struct sr_map_slot *e = sr_map_find(&o->paths, p, n);
	return e ? e->val : NULL;
}

const char *sr_pkgowner_find(const struct sr_pkgowner *o, const char *path)
{
	if (!o || !path)
		return NULL;
	size_t n = strlen(path);
	const char *pkg = lookup(o, path, n);
	if (pkg)
		return pkg;
	/* merged /usr: the package lists /lib/x for /usr/lib/x, or the reverse */
	if (strncmp(path, "/usr/", 5) == 0)
		return lookup(o, path + 4, n - 4);
	char *with = malloc(n + 5);
	if (!with)
		return NULL;
	memcpy(with, "/usr", 4);
	memcpy(with + 4, path, n + 1);
	pkg = lookup(o, with, n + 4);
	free(with);
	return pkg;
}

void sr_pkgowner_free(struct sr_pkgowner *o)
{
	if (!o)
		return;
	sr_map_free(&o->paths, NULL);
	sr_map_free(&o->pkgs, NULL);
	sr_arena_free(o->a);
}

bool sr_pkgowner_version(const struct sr_pkgowner *o, const char *pkg, const char **version, const char **arch)
{
	const struct sr_map_slot *e = sr_map_find(&o->pkgs, pkg, strlen(pkg));
	const struct pkg_rec *r = e ? e->val : NULL;
	if (!r)
		return false;
	*version = r->version;
	*arch = r->arch;
	return true;
}

static int cmp_keys(const void *x, const void *y)
{
	return strcmp((const char *)(*(const struct sr_map_slot *const *)x)->key,
	              (const char *)(*(const struct sr_map_slot *const *)y)->key);
}

bool sr_pkgowner_each(const struct sr_pkgowner *o,
                      void (*fn)(void *ud, const char *pkg, const char *version, const char *arch), void *ud)
{
	const struct sr_map_slot **v = o->pkgs.count ? malloc(o->pkgs.count * sizeof *v) : NULL;
	if (o->pkgs.count && !v)
		return false;
	size_t n = 0;
	const struct sr_map_slot *e;
	for (size_t i = 0; (e = sr_map_next(&o->pkgs, &i)) != NULL;)
		v[n++] = e;
	if (n)
		qsort(v, n, sizeof *v, cmp_keys);
	for (size_t i = 0; i < n; i++) {
		const struct pkg_rec *r = v[i]->val;
		fn(ud, (const char *)v[i]->key, r->version, r->arch);
	}
	free(v);
	return true;
}
