/* Unit tests for sr_ldconf_load:
 *  - a root written at test time: includes with globs (sorted, hidden files
 *    and non-matching names skipped), relative includes, a self-include and
 *    an include cycle, an absolute symlink that inside the root points
 *    elsewhere, `..` that cannot leave the root, comments, white space,
 *    duplicates, "hwcap" lines, the old "dir=TYPE" syntax; the exact list;
 *  - this machine's /etc/ld.so.conf with root "/" against the directories
 *    `ldconfig -v -N -X` scans;
 *  - the buffer-level parser on its own. */
#define _GNU_SOURCE 1
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/ldcache.h"
#include "shipready/root.h"
#include "loader/ldconf_internal.h"

#include "harness.h"

static char tmproot[] = "/tmp/sr-ldconf-XXXXXX";

static void write_file(const char *rel, const char *text)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", tmproot, rel);
	/* create parent directories */
	for (char *p = path + strlen(tmproot) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	FILE *f = fopen(path, "w");
	if (!f) {
		CHECKF(0, "cannot write %s", path);
		return;
	}
	fputs(text, f);
	fclose(f);
}

static void make_link(const char *target, const char *rel)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", tmproot, rel);
	CHECKF(symlink(target, path) == 0, "symlink %s", path);
}

static void check_list(char **dirs, size_t n, const char *const *want, size_t nwant, const char *what)
{
	bool same = n == nwant;
	for (size_t i = 0; same && i < n; i++)
		same = strcmp(dirs[i], want[i]) == 0;
	CHECKF(same, "%s: list differs", what);
	if (!same) {
		for (size_t i = 0; i < n || i < nwant; i++)
			fprintf(stderr, "  %-28s %s\n", i < n ? dirs[i] : "-", i < nwant ? want[i] : "-");
	}
}

static void test_root(void)
{
	CHECK(mkdtemp(tmproot) != NULL);
	write_file("etc/ld.so.conf",
	           "# top-level comment\n"
	           "/usr/local/lib\n"
	           "include ld.so.conf.d/*.conf\n"
	           "   /usr/local/lib/   # the same again\n"
	           "include /etc/extra.conf /etc/missing.conf /nowhere/*.conf\n"
	           "include\t/etc/ld.so.conf.d/../../../../../up.conf\n"
	           "/opt/last");   /* no final newline */
	write_file("etc/ld.so.conf.d/a.conf", "/a/lib=libc6\n\t/a/lib2//  \nhwcap 0 nosegneg\nHWCAP\t1 tls\n");
	write_file("etc/ld.so.conf.d/b.conf", "/b/lib\ninclude ../ld.so.conf\n");   /* a cycle */
	write_file("etc/ld.so.conf.d/d.conf", "include sub/*.conf\n");              /* relative */
	write_file("etc/ld.so.conf.d/sub/x.conf", "/d/sub\n#/d/commented\n");
	write_file("etc/ld.so.conf.d/self.conf", "include self.conf\n/self/lib\n");  /* self-include */
	write_file("etc/ld.so.conf.d/c.conf.disabled", "/not/read\n");
	write_file("etc/ld.so.conf.d/.hidden.conf", "/hidden\n");
	write_file("etc/ld.so.conf.d/e.conf", "");                                  /* empty */
	write_file("opt/conf/extra.conf", "/extra/lib\n/\n");
	make_link("/opt/conf/extra.conf", "etc/extra.conf");   /* absolute: inside the root */
	write_file("up.conf", "/up/lib\n");

	struct sr_root root;
	struct sr_error err = {0};
	CHECK(sr_root_open(tmproot, &root, &err) == SR_OK);
	char **dirs = NULL;
	size_t n = 0;
	enum sr_err rc = sr_ldconf_load(&root, "/etc/ld.so.conf", &dirs, &n, &err);
	CHECKF(rc == SR_OK, "%s", sr_error_message(&err));
	static const char *const want[] = {
		"/usr/local/lib", "/a/lib", "/a/lib2", "/b/lib", "/d/sub", "/self/lib", "/extra/lib", "/up/lib", "/opt/last",
	};
	check_list(dirs, n, want, COUNT(want), "test root");
	sr_ldconf_free(dirs, n);

	/* the conf named through a relative path and a symlinked directory */
	make_link("etc", "etc-link");
	rc = sr_ldconf_load(&root, "etc-link/ld.so.conf.d/d.conf", &dirs, &n, &err);
	static const char *const want_d[] = { "/d/sub" };
	CHECK(rc == SR_OK);
	check_list(dirs, n, want_d, COUNT(want_d), "relative conf path");
	sr_ldconf_free(dirs, n);

	/* missing top-level: an error; empty: no directories */
	rc = sr_ldconf_load(&root, "/etc/nothing.conf", &dirs, &n, &err);
	CHECK(rc == SR_E_NOENT && dirs == NULL && n == 0);
	rc = sr_ldconf_load(&root, "/etc/ld.so.conf.d/e.conf", &dirs, &n, &err);
	CHECK(rc == SR_OK && n == 0);
	sr_ldconf_free(dirs, n);
	rc = sr_ldconf_load(&root, "/etc", &dirs, &n, &err);
	CHECK(rc == SR_E_ISDIR);

	/* deep include chains stop at SR_LDCONF_MAX_DEPTH */
	for (int i = 0; i < 40; i++) {
		char rel[64], text[128];
		snprintf(rel, sizeof rel, "deep/%d.conf", i);
		snprintf(text, sizeof text, "/deep/%d\ninclude %d.conf\n", i, i + 1);
		write_file(rel, text);
	}
	rc = sr_ldconf_load(&root, "/deep/0.conf", &dirs, &n, &err);
	CHECK(rc == SR_OK && n == SR_LDCONF_MAX_DEPTH);
	if (n)
		CHECK(strcmp(dirs[0], "/deep/0") == 0);
	sr_ldconf_free(dirs, n);

	sr_root_close(&root);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmproot);
	CHECK(system(cmd) == 0);
}

/* ---------- this machine ---------- */

static const char *ldconfig_bin(void)
{
	static const char *const cands[] = { "/sbin/ldconfig", "/usr/sbin/ldconfig", "/usr/bin/ldconfig" };
	for (size_t i = 0; i < COUNT(cands); i++)
		if (access(cands[i], X_OK) == 0)
			return cands[i];
	return NULL;
}

/* ldconfig scans the directories of ld.so.conf in order, after dropping
 * those that do not exist and those whose (dev, inode) it already has (so
 * /usr/lib/x86_64-linux-gnu disappears behind /lib/x86_64-linux-gnu on a
 * merged-/usr system), adds each one's glibc-hwcaps subdirectories right
 * after it, and ends with its built-in system directories (/lib, /usr/lib
 * and the port's variants, "from <builtin>") unless they were seen already.
 * So: our list, filtered the same way, must be exactly ldconfig's list
 * without glibc-hwcaps subdirectories, up to a tail of system directories. */
static void test_system(void)
{
	const char *ldc = ldconfig_bin();
	if (!ldc || access("/etc/ld.so.conf", R_OK) != 0) {
		printf("skip: no ldconfig or /etc/ld.so.conf\n");
		return;
	}
	struct sr_root root;
	struct sr_error err = {0};
	CHECK(sr_root_open("/", &root, &err) == SR_OK);
	char **dirs = NULL;
	size_t n = 0;
	CHECK(sr_ldconf_load(&root, "/etc/ld.so.conf", &dirs, &n, &err) == SR_OK);
	sr_root_close(&root);

	/* ours, filtered like ldconfig's add_dir_1 + add_single_dir */
	char **mine = calloc(n + 1, sizeof *mine);
	struct stat *seen = calloc(n + 1, sizeof *seen);
	size_t nm = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (dirs[i][0] != '/' || stat(dirs[i], &st) != 0)
			continue;
		bool dup = false;
		for (size_t j = 0; j < nm; j++)
			dup |= seen[j].st_dev == st.st_dev && seen[j].st_ino == st.st_ino;
		if (dup)
			continue;
		seen[nm] = st;
		mine[nm++] = dirs[i];
	}

	char cmd[256];
	snprintf(cmd, sizeof cmd, "LC_ALL=C %s -v -N -X 2>/dev/null", ldc);
	FILE *p = popen(cmd, "r");
	CHECK(p != NULL);
	char line[4096];
	size_t k = 0;
	bool order_ok = true;
	while (p && fgets(line, sizeof line, p)) {
		if (line[0] != '/')
			continue;
		char *colon = strstr(line, ": ");
		if (!colon)
			colon = strstr(line, ":\n");
		if (!colon)
			continue;
		*colon = '\0';
		if (strstr(line, "/glibc-hwcaps/"))
			continue;
		if (k < nm) {
			if (strcmp(line, mine[k]) != 0) {
				order_ok = false;
				fprintf(stderr, "  ldconfig scans %s, we have %s at %zu\n", line, mine[k], k);
			}
			k++;
			continue;
		}
		/* the tail: ldconfig's built-in system directories */
		static const char *const sys[] = { "/lib", "/lib64", "/lib32", "/libx32", "/usr/lib", "/usr/lib64",
		                                   "/usr/lib32", "/usr/libx32", "/lib/ilp32", "/usr/lib/ilp32" };
		bool is_sys = false;
		for (size_t s = 0; s < COUNT(sys); s++)
			is_sys |= strcmp(line, sys[s]) == 0;
		CHECKF(is_sys, "ldconfig scans %s, which we do not list", line);
	}
	if (p)
		pclose(p);
	CHECK(order_ok);
	CHECKF(k == nm, "ldconfig scanned %zu of our %zu directories", k, nm);
	free(mine);
	free(seen);
	sr_ldconf_free(dirs, n);
}

/* ---------- the buffer parser ---------- */

static void test_buffer(void)
{
	static const char text[] = "  # only a comment\n"
	                           "/x/lib\r\n"          /* \r is white space: trimmed */
	                           "include  a.conf\tb.conf\n"
	                           "includes/are/dirs\n" /* not an include line */
	                           "include\n"           /* no blank after: a directory named "include" */
	                           "hwcapx\n"
	                           "/nul\0/after/nul\n"
	                           "/x/lib\n"
	                           "=libc5\n"            /* nothing before '=' */
	                           "/y#comment\n";
	struct sr_ldconf_state *st = malloc(sizeof *st);
	sr_ldconf_state_init(st, NULL);
	CHECK(sr_ldconf_parse_buffer(st, "/etc/ld.so.conf", text, sizeof text - 1) == SR_OK);
	static const char *const want[] = { "/x/lib", "includes/are/dirs", "include", "hwcapx", "/nul", "/y" };
	check_list(st->dirs, st->count, want, COUNT(want), "buffer");
	CHECK(st->includes_seen == 2);
	sr_ldconf_state_free(st);

	/* the directory cap */
	sr_ldconf_state_init(st, NULL);
	size_t len = 0, cap = 8 * (SR_LDCONF_MAX_DIRS + 100);
	char *big = malloc(cap);
	for (int i = 0; i < SR_LDCONF_MAX_DIRS + 100; i++)
		len += (size_t)snprintf(big + len, cap - len, "/d%d\n", i);
	CHECK(sr_ldconf_parse_buffer(st, "/etc/ld.so.conf", big, len) == SR_OK);
	CHECK(st->count == SR_LDCONF_MAX_DIRS);
	sr_ldconf_state_free(st);
	free(big);
	free(st);
}

int main(void)
{
	test_buffer();
	test_root();
	test_system();
	return sr_test_summary("ldconf");
}
