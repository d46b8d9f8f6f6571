/* shipready — os-release, dpkg .list and apk installed database (pkgdb.h). */
#include "pkg/pkgdb.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The line at *off (cut to size - 1 bytes), *off moved past its '\n'. */
static bool next_line(const struct sr_reader *r, uint64_t *off, char *line, size_t size)
{
	if (*off >= r->len)
		return false;
	int64_t nl = sr_reader_find_byte(r, *off, r->len - *off, '\n');
	uint64_t end = nl < 0 ? r->len : (uint64_t)nl;
	uint64_t n = end - *off;
	if (n >= size)
		n = size - 1;
	if (sr_read_bytes(r, *off, n, line) != SR_OK)
		return false;
	line[n] = '\0';
	*off = end + 1;
	return true;
}

static void copy_cut(char *out, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* KEY=VALUE or KEY="VALUE" into out when the line sets key. */
static void os_release_value(const char *line, const char *key, char *out, size_t size)
{
	size_t k = strlen(key);
	if (strncmp(line, key, k) != 0 || line[k] != '=')
		return;
	const char *v = line + k + 1;
	size_t n = strlen(v);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v++;
		n -= 2;
	}
	copy_cut(out, size, v, n);
}

void sr_os_release_parse(const struct sr_reader *r, struct sr_os_release *out)
{
	memset(out, 0, sizeof *out);
	char line[SR_PKGDB_MAX_LINE];
	uint64_t off = 0;
	while (next_line(r, &off, line, sizeof line)) {
		os_release_value(line, "ID", out->id, sizeof out->id);
		os_release_value(line, "VERSION_ID", out->version_id, sizeof out->version_id);
		os_release_value(line, "VERSION_CODENAME", out->codename, sizeof out->codename);
	}
}

void sr_dpkg_list_parse(const struct sr_reader *r, const char *pkg, sr_pkgdb_file_fn *fn, void *ud)
{
	char line[SR_PKGDB_MAX_LINE];
	uint64_t off = 0;
	while (next_line(r, &off, line, sizeof line))
		if (line[0] == '/')
			fn(ud, pkg, line);
}

void sr_apk_db_parse(const struct sr_reader *r, sr_pkgdb_file_fn *fn, void *ud)
{
	char line[SR_PKGDB_MAX_LINE], pkg[256] = "", dir[SR_PKGDB_MAX_LINE] = "", path[2 * SR_PKGDB_MAX_LINE + 2];
	uint64_t off = 0;
	while (next_line(r, &off, line, sizeof line)) {
		if (line[0] == '\0') {
			pkg[0] = dir[0] = '\0';
		} else if (strncmp(line, "P:", 2) == 0) {
			copy_cut(pkg, sizeof pkg, line + 2, strlen(line + 2));
			dir[0] = '\0';
		} else if (strncmp(line, "F:", 2) == 0) {
			copy_cut(dir, sizeof dir, line + 2, strlen(line + 2));
		} else if (strncmp(line, "R:", 2) == 0 && pkg[0] && line[2]) {
			snprintf(path, sizeof path, "/%s%s%s", dir, dir[0] ? "/" : "", line + 2);
			fn(ud, pkg, path);
		}
	}
}

/* A stanza field "Key: value" (the key case-insensitive, as dpkg reads it). */
static const char *field(const char *line, const char *key)
{
	size_t n = strlen(key);
	if (strncasecmp(line, key, n) != 0 || line[n] != ':')
		return NULL;
	const char *v = line + n + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	return v;
}

/* "install ok installed": the last word of a Status line. */
static bool status_installed(const char *v)
{
	const char *last = strrchr(v, ' ');
	return strcmp(last ? last + 1 : v, "installed") == 0;
}

void sr_dpkg_status_parse(const struct sr_reader *r, sr_pkgdb_pkg_fn *fn, void *ud)
{
	char line[SR_PKGDB_MAX_LINE], name[256] = "", version[256] = "", arch[64] = "";
	bool installed = false;
	uint64_t off = 0;
	for (;;) {
		bool more = next_line(r, &off, line, sizeof line);
		if (!more || line[0] == '\0') {
			if (installed && name[0] && version[0])
				fn(ud, name, version, arch);
			name[0] = version[0] = arch[0] = '\0';
			installed = false;
			if (!more)
				break;
			continue;
		}
		if (line[0] == ' ' || line[0] == '\t')
			continue;   /* a continuation (Description, Conffiles) */
		const char *v;
		if ((v = field(line, "Package")))
			copy_cut(name, sizeof name, v, strlen(v));
		else if ((v = field(line, "Version")))
			copy_cut(version, sizeof version, v, strlen(v));
		else if ((v = field(line, "Architecture")))
			copy_cut(arch, sizeof arch, v, strlen(v));
		else if ((v = field(line, "Status")))
			installed = status_installed(v);
	}
}

void sr_apk_pkgs_parse(const struct sr_reader *r, sr_pkgdb_pkg_fn *fn, void *ud)
{
	char line[SR_PKGDB_MAX_LINE], name[256] = "", version[256] = "", arch[64] = "";
	uint64_t off = 0;
	for (;;) {
		bool more = next_line(r, &off, line, sizeof line);
		if (!more || line[0] == '\0') {
			if (name[0] && version[0])
				fn(ud, name, version, arch);
			name[0] = version[0] = arch[0] = '\0';
			if (!more)
				break;
		} else if (strncmp(line, "P:", 2) == 0) {
			copy_cut(name, sizeof name, line + 2, strlen(line + 2));
		} else if (strncmp(line, "V:", 2) == 0) {
			copy_cut(version, sizeof version, line + 2, strlen(line + 2));
		} else if (strncmp(line, "A:", 2) == 0) {
			copy_cut(arch, sizeof arch, line + 2, strlen(line + 2));
		}
	}
}
