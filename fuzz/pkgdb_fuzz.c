/* Fuzz target: a root's package facts (lib/pkg/pkgdb.c): the same bytes as
 * an os-release, a dpkg .list and an apk installed database.
 *
 * Invariants: os-release fields are NUL-terminated inside their arrays and
 * hold no '\n'; every file reported is absolute, has no '\n', is at most
 * two lines long, and comes with a non-empty package name without '\n'
 * (the dpkg one is the name given); the dpkg parser reports exactly the
 * lines that start with '/' (checked by counting them here).  Package
 * records (dpkg's status file, apk's database) have a non-empty name and
 * version, no field holds '\n', and there are no more of them than lines
 * that read as empty, plus one. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "pkg/pkgdb.h"

struct seen {
	const char *want_pkg;   /* dpkg: the name given, else NULL */
	size_t n;
};

static void on_file(void *ud, const char *pkg, const char *path)
{
	struct seen *s = ud;
	if (!pkg[0] || strchr(pkg, '\n') || path[0] != '/' || strchr(path, '\n') ||
	    strlen(path) > 2 * SR_PKGDB_MAX_LINE + 1)
		abort();
	if (s->want_pkg && strcmp(pkg, s->want_pkg) != 0)
		abort();
	s->n++;
}

static void on_pkg(void *ud, const char *name, const char *version, const char *arch)
{
	if (!name[0] || !version[0] || strchr(name, '\n') || strchr(version, '\n') || strchr(arch, '\n'))
		abort();
	++*(size_t *)ud;
}

static void check_field(const char *f, size_t size)
{
	if (!memchr(f, '\0', size) || strchr(f, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_reader r;
	sr_reader_init(&r, data, size, false);

	struct sr_os_release o;
	sr_os_release_parse(&r, &o);
	check_field(o.id, sizeof o.id);
	check_field(o.version_id, sizeof o.version_id);
	check_field(o.codename, sizeof o.codename);

	struct seen dpkg = { "pkg", 0 };
	sr_dpkg_list_parse(&r, "pkg", on_file, &dpkg);
	size_t slash_lines = 0;
	for (size_t i = 0; i < size; i++)
		if (data[i] == '/' && (i == 0 || data[i - 1] == '\n'))
			slash_lines++;
	if (dpkg.n != slash_lines)
		abort();

	struct seen apk = { NULL, 0 };
	sr_apk_db_parse(&r, on_file, &apk);

	/* lines that read as empty: nothing, or a NUL first (a C string) */
	size_t blank = 0;
	for (size_t i = 0; i < size; i++)
		if ((data[i] == '\n' || data[i] == '\0') && (i == 0 || data[i - 1] == '\n'))
			blank++;
	size_t n = 0;
	sr_dpkg_status_parse(&r, on_pkg, &n);
	if (n > blank + 1)
		abort();
	n = 0;
	sr_apk_pkgs_parse(&r, on_pkg, &n);
	if (n > blank + 1)
		abort();
	return 0;
}
