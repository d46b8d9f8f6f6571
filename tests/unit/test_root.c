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
 *  - the memo stops with the root: no descriptor is left open;
 *  - the same tree copied into a tree in memory (shipready/vtree.h, what an
 *    image's layers make) answers every path as the directory does (status,
 *    error text, final name, canonical path, symlinks followed, the final
 *    component's kind and bytes), kept directories and listings too. */
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
#include "shipready/vtree.h"

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

/* ---------- the directory copied into a tree in memory ---------- */

static char *bytes[4096];     /* each regular file's bytes, by source number */
static size_t nbytes_of[4096];
static uint32_t nsrc;

static long mem_read(void *ctx, uint32_t src, uint64_t off, uint64_t at, void *buf, size_t n)
{
	(void)ctx;
	(void)off;
	if (src >= nsrc || at >= nbytes_of[src])
		return 0;
	if (n > nbytes_of[src] - at)
		n = nbytes_of[src] - (size_t)at;
	memcpy(buf, bytes[src] + at, n);
	return (long)n;
}

static void copy_dir(struct sr_vtree *t, uint32_t node, const char *path)
{
	DIR *d = opendir(path);
	CHECKF(d != NULL, "%s: opendir", path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[4096];
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		struct stat st;
		CHECK(lstat(sub, &st) == 0);
		uint32_t c = sr_vtree_add(t, node, e->d_name, st.st_mode);
		CHECKF(c != SR_VTREE_NONE, "%s: added", sub);
		if (c == SR_VTREE_NONE)
			continue;
		if (S_ISDIR(st.st_mode)) {
			copy_dir(t, c, sub);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlink(sub, target, sizeof target - 1);
			target[n > 0 ? n : 0] = '\0';
			CHECK(sr_vtree_set_link(t, c, target));
		} else if (nsrc < COUNT(bytes)) {
			FILE *f = fopen(sub, "rb");
			bytes[nsrc] = malloc((size_t)st.st_size + 1);
			nbytes_of[nsrc] = f && bytes[nsrc] ? fread(bytes[nsrc], 1, (size_t)st.st_size, f) : 0;
			if (f)
				fclose(f);
			sr_vtree_set_data(t, c, nsrc, 0, nbytes_of[nsrc]);
			nsrc++;
		}
	}
	closedir(d);
}

/* The same walk in the directory and in the tree: the same answer, and
 * the same file (kind; a regular file's bytes). */
static void tree_same(const struct sr_root *dir, const struct sr_root *tree, const char *path)
{
	struct answer want, got;
	memset(&got, 0, sizeof got);
	lookup(dir, path, 0, &want);
	struct sr_error err = { 0 };
	int h = -1;
	struct sr_root_found f;
	got.rc = sr_root_lookup_ex(tree, path, &h, got.name, got.resolved, sizeof got.resolved, 0, &f, &err);
	snprintf(got.msg, sizeof got.msg, "%s", got.rc == SR_OK ? "" : sr_error_message(&err));
	got.links = f.links;
	CHECKF(want.rc == got.rc && !strcmp(want.msg, got.msg) && !strcmp(want.name, got.name) &&
	       !strcmp(want.resolved, got.resolved) && want.links == got.links,
	       "%s in the tree: %d '%s' '%s' '%s' %u, the directory: %d '%s' '%s' '%s' %u", path, got.rc, got.msg,
	       got.name, got.resolved, got.links, want.rc, want.msg, want.name, want.resolved, want.links);
	if (got.rc != SR_OK)
		return;
	CHECKF(f.borrowed, "%s: a tree's handle is never the caller's to close", path);
	struct stat ds, ts;
	int dr = sr_root_stat(dir, path, NULL, &ds, &err), tr = sr_root_stat(tree, path, NULL, &ts, &err);
	CHECKF(dr == tr && (dr != 0 || (ds.st_mode & S_IFMT) == (ts.st_mode & S_IFMT)), "%s: the same kind", path);
	if (dr != 0 || !S_ISREG(ds.st_mode))
		return;
	struct sr_file fd_, ft;
	CHECK(sr_root_file_open(dir, path, &fd_, NULL, 0, &err) == SR_OK);
	CHECKF(sr_root_file_open(tree, path, &ft, NULL, 0, &err) == SR_OK, "%s: opens in the tree: %s", path,
	       sr_error_message(&err));
	CHECKF(fd_.r.len == ft.r.len && !memcmp(fd_.r.base, ft.r.base, fd_.r.len), "%s: the same bytes", path);
	char head[8];
	CHECKF(sr_root_read_head(tree, path, head, sizeof head) == (long)(ft.r.len < 8 ? ft.r.len : 8),
	       "%s: its head", path);
	sr_file_close(&fd_);
	sr_file_close(&ft);
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

	/* the tree in memory, copied from the directory */
	struct sr_vtree_source src = { .read_at = mem_read };
	struct sr_vtree *vt = sr_vtree_new(&src);
	CHECK(vt != NULL);
	copy_dir(vt, SR_VTREE_ROOT, tmproot);
	struct sr_root dr, tr;
	CHECK(sr_root_open(tmproot, &dr, &err) == SR_OK);
	CHECK(sr_root_open_tree(vt, "tree", &tr, &err) == SR_OK);
	sr_root_memo_start(&tr);
	CHECK(tr.memo == NULL && sr_root_is_open(&tr));
	for (size_t i = 0; i < COUNT(paths); i++)
		tree_same(&dr, &tr, paths[i]);
	for (int i = 0; i < 300; i += 37) {
		char p[64];
		snprintf(p, sizeof p, "/many/d%d/sub/f", i);
		tree_same(&dr, &tr, p);
	}
	/* kept directories answer as the directory's */
	for (size_t i = 0; i < COUNT(kept); i++) {
		struct sr_root_dir *dd = sr_root_dir_open(&dr, kept[i].dir), *td = sr_root_dir_open(&tr, kept[i].dir);
		CHECK(dd && td);
		if (!dd || !td) {
			sr_root_dir_free(dd);
			sr_root_dir_free(td);
			continue;
		}
		struct stat s1, s2;
		char l1[SR_ROOT_MAX_PATH + 1], l2[SR_ROOT_MAX_PATH + 1];
		enum sr_root_in h1 = sr_root_dir_lookup(dd, kept[i].name, &s1, l1);
		enum sr_root_in h2 = sr_root_dir_lookup(td, kept[i].name, &s2, l2);
		CHECKF(h1 == h2 && (h1 != SR_ROOT_IN_FOUND || !strcmp(l1, l2)), "%s/%s: the tree's kept directory: %d, want %d",
		       kept[i].dir, kept[i].name, (int)h2, (int)h1);
		if (h2 == SR_ROOT_IN_FOUND) {
			struct sr_file f1;
			CHECK(sr_root_dir_file_open(td, l2, SR_FILE_LAZY, &f1, &err) == SR_OK);
			sr_file_close(&f1);
		}
		sr_root_dir_free(dd);
		sr_root_dir_free(td);
	}
	/* listings: the same names in the same order */
	static const char *const lists[] = { "/", "/etc", "/lib/x86_64-linux-gnu", "/many", "/opt/app/up" };
	for (size_t i = 0; i < COUNT(lists); i++) {
		struct sr_root_list *a1 = sr_root_list_open(&dr, lists[i], SIZE_MAX, &err);
		struct sr_root_list *a2 = sr_root_list_open(&tr, lists[i], SIZE_MAX, &err);
		CHECKF(a1 && a2, "%s: listed", lists[i]);
		const char *n1 = "", *n2 = "";
		size_t n = 0;
		while (a1 && a2 && n1 && n2) {
			n1 = sr_root_list_next(a1);
			n2 = sr_root_list_next(a2);
			CHECKF((!n1 && !n2) || (n1 && n2 && !strcmp(n1, n2)), "%s: entry %zu: %s, want %s", lists[i], n,
			       n2 ? n2 : "(end)", n1 ? n1 : "(end)");
			n++;
		}
		sr_root_list_close(a1);
		sr_root_list_close(a2);
	}
	CHECK(sr_root_list_open(&tr, "/etc/ld.so.cache", SIZE_MAX, &err) == NULL);
	/* a name added again replaces what was there; a removed directory takes
	 * what is below it */
	uint32_t etc = sr_vtree_child(vt, SR_VTREE_ROOT, "etc");
	uint32_t cache = sr_vtree_child(vt, etc, "ld.so.cache");
	CHECK(cache != SR_VTREE_NONE);
	uint32_t again = sr_vtree_add(vt, etc, "ld.so.cache", S_IFDIR | 0755);
	CHECK(again != SR_VTREE_NONE && again != cache && sr_vtree_child(vt, etc, "ld.so.cache") == again);
	struct stat st2;
	CHECK(sr_root_stat(&tr, "/etc/ld.so.cache", NULL, &st2, &err) == SR_OK && S_ISDIR(st2.st_mode));
	uint32_t usr = sr_vtree_child(vt, SR_VTREE_ROOT, "usr");
	sr_vtree_remove(vt, usr);
	CHECK(sr_vtree_child(vt, SR_VTREE_ROOT, "usr") == SR_VTREE_NONE);
	CHECK(sr_root_stat(&tr, "/lib/x86_64-linux-gnu/libc.so.6", NULL, &st2, &err) == SR_E_NOENT);
	uint32_t usr2 = sr_vtree_add(vt, SR_VTREE_ROOT, "usr", S_IFDIR | 0755);
	CHECK(usr2 != SR_VTREE_NONE && sr_vtree_child(vt, usr2, "lib") == SR_VTREE_NONE);
	/* a hard link reads its target's bytes and has its identity */
	uint32_t app = sr_vtree_child(vt, sr_vtree_child(vt, sr_vtree_child(vt, SR_VTREE_ROOT, "opt"), "app"), "lib");
	uint32_t libx = sr_vtree_child(vt, app, "libx.so");
	uint32_t hl = sr_vtree_add(vt, app, "hard.so", S_IFREG | 0644);
	sr_vtree_set_same(vt, hl, libx);
	struct stat h1s, h2s;
	CHECK(sr_root_stat(&tr, "/opt/app/lib/hard.so", NULL, &h1s, &err) == SR_OK &&
	      sr_root_stat(&tr, "/opt/app/lib/libx.so", NULL, &h2s, &err) == SR_OK && h1s.st_ino == h2s.st_ino &&
	      h1s.st_size == h2s.st_size && h1s.st_dev == sr_vtree_dev(vt));
	sr_root_close(&tr);
	sr_root_close(&dr);
	sr_vtree_free(vt);
	for (uint32_t i = 0; i < nsrc; i++)
		free(bytes[i]);

	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmproot);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmproot);
	return sr_test_summary("root");
}
