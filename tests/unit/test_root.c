/* Unit tests for the confined lookup (lib/loader/root.c) and its memo:
 *  - a root written at test time with relative, absolute and `..` symlinks,
 *    a symlink loop, a chain longer than SR_ROOT_MAX_LINKS, a symlink that
 *    points above the root, a file used as a directory, deep directories
 *    and more directories than the memo keeps open;
 *  - every path is looked up in a root without a memo and in one with it,
 *    three times each (the memo empty, then filled), and the answers must
 *    be the same: status, error text, final name, canonical path, symlinks
 *    followed, the final component's identity, and the parent directory
 *    (same device and inode);
 *  - a borrowed descriptor is the memo's own (not closed by the caller) and
 *    one asked for without SR_ROOT_BORROW is the caller's to close;
 *  - the memo stops with the root: no descriptor is left open. */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/root.h"

#include "harness.h"

static char tmproot[] = "/tmp/sr-root-XXXXXX";

static void at(char *out, size_t size, const char *rel)
{
	snprintf(out, size, "%s/%s", tmproot, rel);
}

static void mkdirs(const char *rel)
{
	char path[4096];
	at(path, sizeof path, rel);
	for (char *p = path + strlen(tmproot) + 1;; p++) {
		p = strchr(p, '/');
		if (p)
			*p = '\0';
		mkdir(path, 0755);
		if (!p)
			break;
		*p = '/';
	}
}

static void touch(const char *rel)
{
	char path[4096];
	at(path, sizeof path, rel);
	FILE *f = fopen(path, "w");
	CHECKF(f != NULL, "cannot write %s", path);
	if (f) {
		fputs("x\n", f);
		fclose(f);
	}
}

static void link_to(const char *target, const char *rel)
{
	char path[4096];
	at(path, sizeof path, rel);
	CHECKF(symlink(target, path) == 0, "symlink %s -> %s", path, target);
}

static int open_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;   /* the directory's own */
}

struct answer {
	enum sr_err rc;
	char msg[512];
	char name[SR_ROOT_MAX_PATH + 1];
	char resolved[SR_ROOT_MAX_PATH + 1];
	unsigned links;
	bool stated;
	dev_t dev, pdev;
	ino_t ino, pino;
};

static void lookup(const struct sr_root *root, const char *path, unsigned flags, struct answer *a)
{
	memset(a, 0, sizeof *a);
	struct sr_error err = { 0 };
	int fd = -1;
	struct sr_root_found f;
	a->rc = sr_root_lookup_ex(root, path, &fd, a->name, a->resolved, sizeof a->resolved, flags, &f, &err);
	snprintf(a->msg, sizeof a->msg, "%s", a->rc == SR_OK ? "" : sr_error_message(&err));
	a->links = f.links;
	if (a->rc != SR_OK) {
		CHECKF(fd == -1, "%s: no descriptor on failure", path);
		return;
	}
	a->stated = f.stated;
	if (f.stated) {
		a->dev = f.st.st_dev;
		a->ino = f.st.st_ino;
		/* what was stated is what the name is in the directory */
		struct stat st;
		CHECKF(fstatat(fd, a->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_ino == f.st.st_ino &&
		       !S_ISLNK(st.st_mode), "%s: the stat is the final component's", path);
	}
	struct stat ps;
	CHECKF(fstat(fd, &ps) == 0 && S_ISDIR(ps.st_mode), "%s: the parent is a directory", path);
	a->pdev = ps.st_dev;
	a->pino = ps.st_ino;
	if (!(flags & SR_ROOT_BORROW))
		CHECKF(!f.borrowed, "%s: without SR_ROOT_BORROW the descriptor is the caller's", path);
	if (!f.borrowed)
		CHECKF(close(fd) == 0, "%s: the caller's descriptor closes", path);
	else
		CHECKF(root->memo != NULL || fd == root->dirfd, "%s: only a memo's or the root's is borrowed", path);
}

static void same(const char *path, const struct answer *want, const struct answer *got, const char *how)
{
	CHECKF(want->rc == got->rc, "%s (%s): status %d, want %d", path, how, got->rc, want->rc);
	CHECKF(strcmp(want->msg, got->msg) == 0, "%s (%s): error '%s', want '%s'", path, how, got->msg, want->msg);
	CHECKF(strcmp(want->name, got->name) == 0, "%s (%s): name '%s', want '%s'", path, how, got->name, want->name);
	CHECKF(strcmp(want->resolved, got->resolved) == 0, "%s (%s): resolved '%s', want '%s'", path, how,
	       got->resolved, want->resolved);
	CHECKF(want->links == got->links, "%s (%s): links %u, want %u", path, how, got->links, want->links);
	CHECKF(want->stated == got->stated && want->ino == got->ino && want->dev == got->dev,
	       "%s (%s): final component differs", path, how);
	CHECKF(want->pino == got->pino && want->pdev == got->pdev, "%s (%s): parent directory differs", path, how);
}

/* path in plain and, borrowing, in memo: the same answer */
static void borrowed_same(const struct sr_root *plain, const struct sr_root *memo, const char *path, const char *how)
{
	struct answer want, got;
	lookup(plain, path, 0, &want);
	lookup(memo, path, SR_ROOT_BORROW, &got);
	same(path, &want, &got, how);
}

int main(void)
{
	if (!mkdtemp(tmproot)) {
		perror("mkdtemp");
		return 1;
	}
	mkdirs("usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3");
	mkdirs("usr/bin");
	mkdirs("etc");
	mkdirs("opt/app/lib");
	touch("usr/lib/x86_64-linux-gnu/libc.so.6");
	touch("usr/lib/x86_64-linux-gnu/libm.so.6");
	touch("usr/bin/app");
	touch("etc/ld.so.cache");
	touch("opt/app/lib/libx.so");
	link_to("usr/lib", "lib");                                   /* relative, at the top */
	link_to("usr/lib64", "lib64");                               /* to a missing directory */
	link_to("/usr/lib/x86_64-linux-gnu/libc.so.6", "usr/lib/x86_64-linux-gnu/ld.so");   /* absolute */
	link_to("libc.so.6", "usr/lib/x86_64-linux-gnu/libc.so");    /* same directory */
	link_to("../../bin/app", "usr/lib/x86_64-linux-gnu/app");    /* .. */
	link_to("../../../../../../etc", "opt/app/up");              /* above the root: stays in it */
	link_to("/opt/app/lib", "usr/lib/applib");                   /* a directory, absolute */
	link_to("loop-b", "etc/loop-a");
	link_to("loop-a", "etc/loop-b");
	link_to("/", "usr/rootlink");
	/* a chain just under the limit and one over it */
	char name[64], target[64];
	for (int i = 0; i < SR_ROOT_MAX_LINKS + 1; i++) {
		snprintf(name, sizeof name, "etc/chain%d", i);
		snprintf(target, sizeof target, i == SR_ROOT_MAX_LINKS ? "ld.so.cache" : "chain%d", i + 1);
		link_to(target, name);
	}
	/* more directories than the memo keeps open */
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "many/d%d/sub", i);
		mkdirs(name);
		snprintf(name, sizeof name, "many/d%d/sub/f", i);
		touch(name);
	}
	char deep[2048] = "deep";
	for (int i = 0; i < 40; i++)
		strcat(deep, "/x");
	mkdirs(deep);

	static const char *const paths[] = {
		"/", "", ".", "/usr", "/usr/", "usr/lib", "/lib/x86_64-linux-gnu/libc.so.6",
		"/lib/x86_64-linux-gnu/libc.so", "/lib/x86_64-linux-gnu/ld.so", "/lib/x86_64-linux-gnu/app",
		"/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3",
		"/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libc.so.6", "/usr/lib/missing/libz.so.1",
		"/usr/lib/x86_64-linux-gnu/libc.so.6/x", "/opt/app/up/ld.so.cache", "/opt/app/up/../usr/bin/app",
		"/../../../usr/bin/app", "/usr/lib/applib/libx.so", "/usr/lib/applib/../../bin/app",
		"/etc/loop-a", "/etc/loop-a/x", "/etc/chain1", "/etc/chain0", "/usr/rootlink/usr/rootlink/etc/ld.so.cache",
		"//usr//lib///x86_64-linux-gnu/./libm.so.6", "/usr/lib/x86_64-linux-gnu/..", "/usr/bin/app/",
		"/many/d7/sub/f", "/many/d299/sub/f", "/many/d150/sub/../sub/f",
	};
	int fds_before = open_fds();
	struct sr_root plain, memo;
	struct sr_error err = { 0 };
	CHECK(sr_root_open(tmproot, &plain, &err) == SR_OK);
	CHECK(sr_root_open(tmproot, &memo, &err) == SR_OK);
	CHECK(plain.memo == NULL);
	sr_root_memo_start(&memo);
	CHECK(memo.memo != NULL);

	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < COUNT(paths); i++) {
			struct answer want, got, borrowed;
			lookup(&plain, paths[i], 0, &want);
			lookup(&memo, paths[i], 0, &got);
			lookup(&memo, paths[i], SR_ROOT_BORROW, &borrowed);
			same(paths[i], &want, &got, round ? "memo filled" : "memo empty");
			same(paths[i], &want, &borrowed, "borrowed");
		}
		/* every directory of many/: past the memo's descriptors */
		char p[2100];
		for (int i = 0; i < 300; i += round + 1) {
			snprintf(p, sizeof p, "/many/d%d/sub/f", i);
			borrowed_same(&plain, &memo, p, "many");
		}
		snprintf(p, sizeof p, "/%s", deep);
		borrowed_same(&plain, &memo, p, "deep");
	}

	/* a few answers pinned down, so that both agreeing on a wrong one fails */
	struct answer a;
	lookup(&memo, "/lib/x86_64-linux-gnu/ld.so", SR_ROOT_BORROW, &a);
	CHECKF(a.rc == SR_OK && !strcmp(a.resolved, "/usr/lib/x86_64-linux-gnu/libc.so.6") && a.links == 2,
	       "ld.so: %s, %u links", a.resolved, a.links);
	lookup(&memo, "/opt/app/up/ld.so.cache", SR_ROOT_BORROW, &a);
	CHECKF(a.rc == SR_OK && !strcmp(a.resolved, "/etc/ld.so.cache"), "up: %s", a.resolved);
	lookup(&memo, "/etc/loop-a", SR_ROOT_BORROW, &a);
	CHECKF(a.rc != SR_OK && strstr(a.msg, "symbolic links"), "loop: %s", a.msg);
	lookup(&memo, "/etc/chain1", SR_ROOT_BORROW, &a);
	CHECKF(a.rc == SR_OK && a.links == SR_ROOT_MAX_LINKS, "chain1: %u links", a.links);
	lookup(&memo, "/etc/chain0", SR_ROOT_BORROW, &a);
	CHECKF(a.rc != SR_OK, "chain0: over the limit");
	lookup(&memo, "/usr/lib/x86_64-linux-gnu/libc.so.6/x", SR_ROOT_BORROW, &a);
	CHECKF(a.rc == SR_E_NOENT && strstr(a.msg, "not a directory"), "file as directory: %s", a.msg);
	lookup(&memo, "/usr/lib/missing/libz.so.1", SR_ROOT_BORROW, &a);
	CHECKF(a.rc == SR_E_NOENT && strstr(a.msg, "/usr/lib/missing"), "missing: %s", a.msg);

	/* kept directories: every answer inside one is the full walk's answer */
	for (int round = 0; round < 2; round++) {
		struct sr_root *r = round ? &memo : &plain;
		for (size_t i = 0; i < COUNT(paths); i++) {
			const char *slash = strrchr(paths[i], '/');
			if (paths[i][0] != '/' || !slash || !slash[1] || slash == paths[i])
				continue;
			char dir[SR_ROOT_MAX_PATH + 1], leaf[SR_ROOT_MAX_PATH + 1];
			snprintf(dir, sizeof dir, "%.*s", (int)(slash - paths[i]), paths[i]);
			struct sr_root_dir *d = sr_root_dir_open(r, dir);
			CHECKF(d != NULL, "%s: kept", dir);
			if (!d)
				continue;
			struct stat st;
			enum sr_root_in how = sr_root_dir_lookup(d, slash + 1, &st, leaf);
			lookup(&plain, paths[i], 0, &a);
			if (how == SR_ROOT_IN_FOUND) {
				char real[2 * SR_ROOT_MAX_PATH + 2];
				snprintf(real, sizeof real, "%s%s%s", d->real, strcmp(d->real, "/") ? "/" : "", leaf);
				CHECKF(a.rc == SR_OK && a.stated && a.ino == st.st_ino && a.dev == st.st_dev &&
				       !strcmp(a.resolved, real), "%s in a kept directory: %s, the walk: %s", paths[i], real,
				       a.resolved);
			} else if (how == SR_ROOT_IN_MISSING) {
				CHECKF(a.rc != SR_OK || !a.stated, "%s: missing in the kept directory, found by the walk", paths[i]);
			}
			sr_root_dir_free(d);
		}
	}
	/* and a few pinned: a same-directory link is followed, links that leave
	 * the directory are the walk's, a missing directory has nothing */
	struct {
		const char *dir, *name;
		enum sr_root_in how;
		const char *leaf;
	} const kept[] = {
		{ "/lib/x86_64-linux-gnu", "libc.so", SR_ROOT_IN_FOUND, "libc.so.6" },
		{ "/lib/x86_64-linux-gnu", "ld.so", SR_ROOT_IN_WALK, NULL },
		{ "/lib/x86_64-linux-gnu", "app", SR_ROOT_IN_WALK, NULL },
		{ "/lib/x86_64-linux-gnu", "nothing.so", SR_ROOT_IN_MISSING, NULL },
		{ "/lib64", "ld-linux-x86-64.so.2", SR_ROOT_IN_MISSING, NULL },
		{ "/opt/app", "up", SR_ROOT_IN_WALK, NULL },
		{ "/etc", "chain1", SR_ROOT_IN_FOUND, "ld.so.cache" },
		{ "/etc", "chain0", SR_ROOT_IN_WALK, NULL },
		{ "/etc", "loop-a", SR_ROOT_IN_WALK, NULL },
		{ "/etc", "..", SR_ROOT_IN_WALK, NULL },
	};
	for (size_t i = 0; i < COUNT(kept); i++) {
		struct sr_root_dir *d = sr_root_dir_open(&memo, kept[i].dir);
		CHECK(d != NULL);
		if (!d)
			continue;
		struct stat st;
		char leaf[SR_ROOT_MAX_PATH + 1];
		enum sr_root_in how = sr_root_dir_lookup(d, kept[i].name, &st, leaf);
		CHECKF(how == kept[i].how && (!kept[i].leaf || !strcmp(leaf, kept[i].leaf)), "%s/%s: %d (%s), want %d",
		       kept[i].dir, kept[i].name, (int)how, how == SR_ROOT_IN_FOUND ? leaf : "-", (int)kept[i].how);
		sr_root_dir_free(d);
	}

	sr_root_close(&plain);
	sr_root_close(&memo);
	CHECK(memo.memo == NULL);
	CHECKF(open_fds() == fds_before, "descriptors left open: %d, before %d", open_fds(), fds_before);

	/* a copy of a root with its own memo: stopping it leaves the root open */
	struct sr_root base, view;
	CHECK(sr_root_open(tmproot, &base, &err) == SR_OK);
	view = base;
	view.memo = NULL;
	sr_root_memo_start(&view);
	lookup(&view, "/lib/x86_64-linux-gnu/libc.so.6", SR_ROOT_BORROW, &a);
	CHECK(a.rc == SR_OK);
	sr_root_memo_stop(&view);
	struct stat st;
	CHECK(fstat(base.dirfd, &st) == 0 && S_ISDIR(st.st_mode));
	sr_root_close(&base);
	CHECKF(open_fds() == fds_before, "descriptors left open: %d, before %d", open_fds(), fds_before);

	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmproot);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmproot);
	return sr_test_summary("root");
}
