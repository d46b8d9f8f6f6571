/* shipready — a platform's layers applied, in order, to a private directory
 * (see shipready/imageroot.h). */
#define _GNU_SOURCE   /* O_PATH */
#include "image/image_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shipready/root.h"
#include "util/path.h"

#define MAX_TREE_DEPTH 1024   /* removal recursion; deeper trees are left to the directory's own removal */
#define ENTRY_COST 4096          /* what an entry takes on disk besides its data: one block */
#define RESERVE_MIN (64u << 20)  /* space an image never takes from the filesystem it unpacks to */

/* One layer being applied. */
struct applier {
	int rootfd;                   /* the directory (O_PATH) */
	const char *dir;
	struct sr_image_unpack_stats *stats;
	ino_t *made;                  /* inodes this layer made: an opaque marker keeps them */
	size_t nmade, capmade;
	bool made_sorted;
	struct image_blob *blob;
	/* what this layer may still take of the directory's filesystem: a
	 * decompression bomb stops here instead of filling $TMPDIR */
	uint64_t space_left, files_left;
	uint64_t reserve;
	unsigned char buf[1 << 16];
};

/* ------------------------------------------------------------ removal */

static void remove_at(int dirfd, const char *name, unsigned depth);

/* The names in the directory fd (closed when *dp is), "." and ".." left
 * out; NULL-terminated, NULL when out of memory. */
static char **dir_names(int fd, DIR **dp)
{
	DIR *d = fdopendir(fd);
	*dp = d;
	if (!d) {
		close(fd);
		return NULL;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char **v = realloc(names, (n + 2) * sizeof *v);
		if (!v || !(v[n] = strdup(de->d_name))) {
			names = v ? v : names;
			names[n] = NULL;
			for (size_t i = 0; i < n; i++)
				free(names[i]);
			free(names);
			return NULL;
		}
		names = v;
		names[++n] = NULL;
	}
	return names;
}

/* Remove what the directory fd holds (fd is closed here). */
static void empty_dir(int fd, unsigned depth)
{
	DIR *d;
	char **names = dir_names(fd, &d);
	for (size_t i = 0; names && names[i]; i++) {
		remove_at(dirfd(d), names[i], depth + 1);
		free(names[i]);
	}
	free(names);
	if (d)
		closedir(d);
}

/* Remove name in dirfd, a directory with all it holds; a symlink is removed,
 * never followed. */
static void remove_at(int dirfd, const char *name, unsigned depth)
{
	if (unlinkat(dirfd, name, 0) == 0 || (errno != EISDIR && errno != EPERM) || depth > MAX_TREE_DEPTH)
		return;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		empty_dir(fd, depth);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

void sr_image_remove_tree(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		empty_dir(fd, 0);
	rmdir(dir);
}

/* ------------------------------------------------------------ names */

/* The entry's name as a path inside the root: "./usr/bin/x", "/usr/bin/x"
 * and "usr//bin/x" are "usr/bin/x"; "" is the root itself.  false for a
 * ".." component (the archive is rejected: no runtime would write it, so it
 * is refused, not cleaned away) or a name longer than cap allows. */
static bool clean_name(const char *in, char *out, size_t cap)
{
	for (const char *p = in; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == in || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return false;
	if (strlen(in) + 2 > cap)
		return false;
	size_t n = sr_path_clean(in, out);   /* "/usr/bin/x", "usr/bin/x" or "." */
	size_t skip = out[0] == '/' ? 1 : 0;
	if (n == 1 && (out[0] == '.' || out[0] == '/'))
		skip = 1;
	memmove(out, out + skip, n - skip + 1);
	return true;
}

static void remember(struct applier *ap, int dirfd, const char *leaf)
{
	struct stat st;
	if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	if (ap->nmade == ap->capmade) {
		size_t cap = ap->capmade ? ap->capmade * 2 : 1024;
		ino_t *v = realloc(ap->made, cap * sizeof *v);
		if (!v)
			return;   /* an opaque marker may then remove this layer's own entry: only less is seen */
		ap->made = v;
		ap->capmade = cap;
	}
	ap->made[ap->nmade++] = st.st_ino;
	ap->made_sorted = false;
}

static int cmp_ino(const void *a, const void *b)
{
	ino_t x = *(const ino_t *)a, y = *(const ino_t *)b;
	return x < y ? -1 : x > y;
}

static bool made_here(struct applier *ap, ino_t ino)
{
	if (!ap->nmade)
		return false;
	if (!ap->made_sorted) {
		qsort(ap->made, ap->nmade, sizeof *ap->made, cmp_ino);
		ap->made_sorted = true;
	}
	return bsearch(&ino, ap->made, ap->nmade, sizeof *ap->made, cmp_ino);
}

/* The directory holding rel's last component (an O_PATH descriptor), made
 * when missing if create; leaf receives the last component.  The walk is a
 * container runtime's inside its root: a symlink on the way is followed
 * with the root as `/` (its target's missing directories made, when
 * create), ".." never rises above the root, and a file on the way is
 * replaced by a directory (a later layer wins). */
static enum sr_err reach_parent(struct applier *ap, const char *rel, bool create, int *out, const char **leaf,
                                struct sr_error *err)
{
	const char *slash = strrchr(rel, '/');
	*leaf = slash ? slash + 1 : rel;
	/* pending: what is left to walk; walked: the real directories passed */
	char pending[2 * SR_ROOT_MAX_PATH + 2], walked[SR_ROOT_MAX_PATH + 1] = "";
	snprintf(pending, sizeof pending, "%.*s", slash ? (int)(slash - rel) : 0, rel);
	int cur = openat(ap->rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return sr_error_set(err, SR_E_IO, "%s: %s", ap->dir, strerror(errno));
	unsigned links = 0;
	size_t at = 0;
	while (pending[at]) {
		size_t l = strcspn(pending + at, "/");
		char comp[SR_ROOT_MAX_PATH + 1];
		if (l > SR_ROOT_MAX_PATH)
			goto bad;
		memcpy(comp, pending + at, l);
		comp[l] = '\0';
		at += l;
		while (pending[at] == '/')
			at++;
		if (!comp[0] || strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char *up = strrchr(walked, '/');
			*(up ? up : walked) = '\0';
			int fd = openat(ap->rootfd, walked[0] ? walked : ".", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				goto bad;
			close(cur);
			cur = fd;
			continue;
		}
		int fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create && mkdirat(cur, comp, 0755) == 0)
			fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (fd < 0 && (errno == ENOTDIR || errno == ELOOP) && fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (S_ISLNK(st.st_mode)) {
				char target[SR_ROOT_MAX_PATH + 1];
				ssize_t n = readlinkat(cur, comp, target, sizeof target - 1);
				if (n <= 0 || ++links > SR_ROOT_MAX_LINKS || (size_t)n + 1 + strlen(pending + at) >= sizeof pending)
					goto bad;
				target[n] = '\0';
				/* the target, then the rest (the length was checked above) */
				size_t rl = strlen(pending + at);
				memmove(pending + n + 1, pending + at, rl + 1);
				memcpy(pending, target, (size_t)n);
				pending[n] = '/';
				at = 0;
				if (target[0] == '/') {
					close(cur);
					walked[0] = '\0';
					if ((cur = openat(ap->rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
						goto bad;
				}
				continue;
			}
			if (create) {
				unlinkat(cur, comp, 0);
				if (mkdirat(cur, comp, 0755) == 0)
					fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			}
		}
		size_t wl = strlen(walked);
		if (fd < 0 || wl + 1 + l > SR_ROOT_MAX_PATH) {
			if (fd >= 0)
				close(fd);
			goto bad;
		}
		if (wl)
			walked[wl++] = '/';
		memcpy(walked + wl, comp, l + 1);
		close(cur);
		cur = fd;
	}
	*out = cur;
	return SR_OK;
bad:
	close(cur);
	return sr_error_set(err, SR_E_MALFORMED, "%s: its directory %s", rel,
	                    links > SR_ROOT_MAX_LINKS ? "is reached through too many symbolic links" : "leads to no directory");
}

/* ------------------------------------------------------------ entries */

/* What the layers below put in the directory fd (closed here) goes: this
 * layer's own entries stay, and a directory this layer re-declared keeps
 * only this layer's entries in turn (the marker may come after them). */
static void opaque_clear(struct applier *ap, int fd, unsigned depth)
{
	DIR *d;
	char **names = dir_names(fd, &d);
	for (size_t i = 0; names && names[i]; i++) {
		struct stat st;
		if (fstatat(dirfd(d), names[i], &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (!made_here(ap, st.st_ino)) {
				remove_at(dirfd(d), names[i], depth + 1);
			} else if (S_ISDIR(st.st_mode) && depth < MAX_TREE_DEPTH) {
				int sub = openat(dirfd(d), names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (sub >= 0)
					opaque_clear(ap, sub, depth + 1);
			}
		}
		free(names[i]);
	}
	free(names);
	if (d)
		closedir(d);
}

/* An opaque marker: what the layers below put in the directory goes. */
static void opaque(struct applier *ap, int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		opaque_clear(ap, fd, 0);
}

/* Take size bytes (and, when an entry, one file) of the layer's budget;
 * an error once it is spent. */
static enum sr_err charge(struct applier *ap, uint64_t size, bool entry, struct sr_error *err)
{
	if (size > ap->space_left || (entry && ap->files_left == 0))
	{
		const char *slash = strrchr(ap->dir, '/');   /* the private directory's parent: $TMPDIR */
		int n = slash && slash != ap->dir ? (int)(slash - ap->dir) : (int)strlen(ap->dir);
		return sr_error_set(err, SR_E_IO,
		                    "the image does not fit in %.*s: it would leave less than %llu MiB (or 10%% of its "
		                    "files) free there; set TMPDIR to a larger place",
		                    n, ap->dir, (unsigned long long)(ap->reserve >> 20));
	}
	ap->space_left -= size;
	if (entry)
		ap->files_left--;
	return SR_OK;
}

static enum sr_err write_file(struct applier *ap, struct archive *ar, struct archive_entry *ent, int dirfd,
                              const char *leaf, const char *rel, struct sr_error *err)
{
	mode_t perm = (archive_entry_perm(ent) & 0755) | 0600;
	int fd = openat(dirfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, perm);
	if (fd < 0)
		return sr_error_set(err, SR_E_IO, "%s: cannot be made in %s (%s)", rel, ap->dir, strerror(errno));
	fchmod(fd, perm);   /* the umask is not the image's */
	const void *p;
	size_t n;
	la_int64_t off;
	int r;
	enum sr_err rc = SR_OK;
	while ((r = archive_read_data_block(ar, &p, &n, &off)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *q = p;
		rc = charge(ap, n, false, err);
		while (n > 0 && rc == SR_OK) {
			ssize_t w = pwrite(fd, q, n, off);
			if (w <= 0)
				rc = sr_error_set(err, SR_E_IO, "%s: cannot be written in %s (%s)", rel, ap->dir,
				                  w < 0 ? strerror(errno) : "no space");
			else {
				q += w;
				n -= (size_t)w;
				off += w;
				ap->stats->bytes += (uint64_t)w;
			}
		}
		if (rc != SR_OK)
			break;
	}
	if (rc == SR_OK && r != ARCHIVE_EOF) {
		const char *why = ap->blob->failed ? ap->blob->why : archive_error_string(ar);
		rc = sr_error_set(err, SR_E_MALFORMED, "%s: %s", rel, why ? why : "its data cannot be read");
	}
	if (rc == SR_OK && archive_entry_size_is_set(ent) && ftruncate(fd, archive_entry_size(ent)) != 0)
		rc = sr_error_set(err, SR_E_IO, "%s: %s", rel, strerror(errno));
	close(fd);
	return rc;
}

static enum sr_err apply_entry(struct applier *ap, struct archive *ar, struct archive_entry *ent,
                               struct sr_error *err)
{
	char rel[SR_ROOT_MAX_PATH + 1];
	const char *raw = archive_entry_pathname(ent);
	if (!raw || !clean_name(raw, rel, sizeof rel))
		return sr_error_set(err, SR_E_MALFORMED, "an unsafe name in a layer: %.200s", raw ? raw : "(none)");
	if (!rel[0])
		return SR_OK;   /* the root itself */
	const char *hard = archive_entry_hardlink(ent);
	char hrel[SR_ROOT_MAX_PATH + 1];
	if (hard && (!clean_name(hard, hrel, sizeof hrel) || !hrel[0]))
		return sr_error_set(err, SR_E_MALFORMED, "%s: an unsafe hard link target: %.200s", rel, hard);
	int dirfd;
	const char *leaf;
	enum sr_err rc = reach_parent(ap, rel, true, &dirfd, &leaf, err);
	if (rc != SR_OK)
		return rc;
	ap->stats->entries++;
	if ((rc = charge(ap, ENTRY_COST, true, err)) != SR_OK) {
		close(dirfd);
		return rc;
	}
	if (strcmp(leaf, ".wh..wh..opq") == 0) {
		ap->stats->whiteouts++;
		opaque(ap, dirfd);
		close(dirfd);
		return SR_OK;
	}
	if (strncmp(leaf, ".wh.", 4) == 0) {
		ap->stats->whiteouts++;
		if (leaf[4] && strcmp(leaf + 4, ".") != 0 && strcmp(leaf + 4, "..") != 0)
			remove_at(dirfd, leaf + 4, 0);
		close(dirfd);
		return SR_OK;
	}
	unsigned type = archive_entry_filetype(ent);
	struct stat st;
	bool exists = fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!hard && type == AE_IFDIR) {
		if (exists && !S_ISDIR(st.st_mode))
			remove_at(dirfd, leaf, 0);
		if ((!exists || !S_ISDIR(st.st_mode)) && mkdirat(dirfd, leaf, 0755) != 0)
			rc = sr_error_set(err, SR_E_IO, "%s: cannot be made in %s (%s)", rel, ap->dir, strerror(errno));
	} else if (!hard && type != AE_IFREG && type != AE_IFLNK) {
		ap->stats->skipped++;   /* devices, FIFOs, sockets: nothing to analyse */
		close(dirfd);
		return SR_OK;
	} else {
		if (exists)
			remove_at(dirfd, leaf, 0);
		if (hard) {
			int tdir;
			const char *tleaf;
			rc = reach_parent(ap, hrel, false, &tdir, &tleaf, err);
			if (rc == SR_OK) {
				if (linkat(tdir, tleaf, dirfd, leaf, 0) != 0)
					rc = sr_error_set(err, SR_E_MALFORMED, "%s: a hard link to %s, which is not there", rel,
					                  hrel);
				close(tdir);
			}
		} else if (type == AE_IFLNK) {
			const char *target = archive_entry_symlink(ent);
			if (!target || !target[0] || symlinkat(target, dirfd, leaf) != 0)
				rc = sr_error_set(err, SR_E_MALFORMED, "%s: a symbolic link that cannot be made", rel);
		} else {
			rc = write_file(ap, ar, ent, dirfd, leaf, rel, err);
		}
	}
	if (rc == SR_OK)
		remember(ap, dirfd, leaf);
	close(dirfd);
	return rc;
}

/* ------------------------------------------------------------ layers */

static la_ssize_t layer_read(struct archive *ar, void *ctx, const void **buf)
{
	(void)ar;
	struct applier *ap = ctx;
	long n = image_blob_read(ap->blob, ap->buf, sizeof ap->buf);
	*buf = ap->buf;
	return n;
}

/* The layer may take what the directory's filesystem has free, less a
 * reserve for everyone else: 10% of its size and at least RESERVE_MIN;
 * of its free files (inodes) likewise 10%. */
static void budget(struct applier *ap)
{
	struct statvfs vfs;
	ap->space_left = ap->files_left = UINT64_MAX;
	ap->reserve = RESERVE_MIN;
	if (fstatvfs(ap->rootfd, &vfs) != 0)
		return;
	uint64_t total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	uint64_t avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (total / 10 > ap->reserve)
		ap->reserve = total / 10;
	ap->space_left = avail > ap->reserve ? avail - ap->reserve : 0;
	if (vfs.f_files > 0) {   /* 0: a filesystem without a file count (btrfs) */
		uint64_t keep = (uint64_t)vfs.f_files / 10;
		ap->files_left = vfs.f_favail > keep ? vfs.f_favail - keep : 0;
	}
}

static enum sr_err apply(struct image_blob *b, const char *dir, struct sr_image_unpack_stats *stats,
                         struct sr_error *err)
{
	struct applier *ap = calloc(1, sizeof *ap);
	if (!ap)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	ap->dir = dir;
	ap->stats = stats;
	ap->blob = b;
	enum sr_err rc = sr_archive_load(err);
	if (rc == SR_OK && (ap->rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		rc = sr_error_set(err, SR_E_IO, "%s: %s", dir, strerror(errno));
	if (rc != SR_OK) {
		free(ap);
		return rc;
	}
	budget(ap);
	struct archive *ar = archive_read_new();
	if (!ar) {
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
	} else {
		archive_read_support_filter_all(ar);
		archive_read_support_format_tar(ar);
		archive_read_support_format_gnutar(ar);
		if (archive_read_open(ar, ap, NULL, layer_read, NULL) != ARCHIVE_OK)
			rc = sr_error_set(err, SR_E_MALFORMED, "%s: %s", b->name,
			                  b->failed ? b->why : "not a tar archive (plain, gzip or zstd)");
	}
	struct archive_entry *ent;
	int r = ARCHIVE_OK;
	/* ARCHIVE_WARN: a name not in this locale's charset, kept as its bytes */
	while (rc == SR_OK && ((r = archive_read_next_header(ar, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN))
		rc = apply_entry(ap, ar, ent, err);
	if (rc == SR_OK && r != ARCHIVE_EOF) {
		const char *why = b->failed ? b->why : archive_error_string(ar);
		rc = sr_error_set(err, SR_E_MALFORMED, "%s: %s", b->name, why ? why : "not a tar archive");
	}
	if (ar)
		archive_read_free(ar);
	close(ap->rootfd);
	free(ap->made);
	free(ap);
	return rc;
}

enum sr_err image_apply_layer(struct image_blob *b, const char *dir, struct sr_image_unpack_stats *stats,
                              struct sr_error *err)
{
	enum sr_err rc = apply(b, dir, stats, err);
	if (rc == SR_OK)
		return image_blob_finish(b, err);
	/* a layer that cannot be read may be one that is not what its digest
	 * says: that is the error to tell */
	struct sr_error e2 = { 0 };
	if (b->want[0] && !b->failed && image_blob_finish(b, &e2) != SR_OK && strstr(e2.msg, "digest"))
		*err = e2;
	return err->code;
}

enum sr_err sr_image_apply_layer_fd(int fd, const char *dir, struct sr_image_unpack_stats *stats,
                                    struct sr_error *err)
{
	struct sr_image_unpack_stats none = { 0 };
	struct image_blob b = { .fd = fd, .size = UINT64_MAX, .until_eof = true };
	snprintf(b.name, sizeof b.name, "layer");
	enum sr_err rc = sr_nettle_load(err);
	if (rc != SR_OK)
		return rc;
	sr_sha256_init(&b.sha);
	return apply(&b, dir, stats ? stats : &none, err);
}

/* A fresh private directory under $TMPDIR (or /tmp). */
static char *private_dir(struct sr_error *err)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !tmp[0])
		tmp = "/tmp";
	char *t = NULL;
	if (asprintf(&t, "%s/shipready-image-XXXXXX", tmp) < 0) {
		sr_error_set(err, SR_E_NOMEM, NULL);
		return NULL;
	}
	if (!mkdtemp(t)) {
		sr_error_set(err, SR_E_IO, "%s: cannot make a directory for the image (%s)", tmp, strerror(errno));
		free(t);
		return NULL;
	}
	return t;
}

void image_reaper_start(const char *dir, int *fd, int *pid)
{
	*fd = -1;
	*pid = 0;
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return;
	pid_t child = fork();
	if (child < 0) {
		close(p[0]);
		close(p[1]);
		return;
	}
	if (child == 0) {
		/* a Ctrl-C or kill of the process group is for the run, not for
		 * its cleanup */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		/* nothing of the run stays open here: not p[1], and not another
		 * reaper's write end, or that reaper would never see its EOF */
		close_range(3, (unsigned)p[0] - 1, 0);
		close_range((unsigned)p[0] + 1, ~0u, 0);
		char c;
		while (read(p[0], &c, 1) > 0 || errno == EINTR)
			;
		sr_image_remove_tree(dir);
		_exit(0);
	}
	close(p[0]);
	*fd = p[1];
	*pid = (int)child;
}

void image_reaper_finish(const char *dir, int fd, int pid)
{
	sr_image_remove_tree(dir);
	if (fd >= 0)
		close(fd);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

enum sr_err sr_image_unpack(struct sr_image *img, size_t i, const char **dir, struct sr_image_unpack_stats *stats,
                            struct sr_error *err)
{
	*dir = NULL;
	struct sr_image_unpack_stats none = { 0 };
	if (!stats)
		stats = &none;
	memset(stats, 0, sizeof *stats);
	if (i >= img->n)
		return sr_error_set(err, SR_E_USAGE, "no image %zu", i);
	if (img->unpacked[i]) {
		*dir = img->unpacked[i];
		return SR_OK;
	}
	char *root = private_dir(err);
	if (!root)
		return err->code;
	image_reaper_start(root, &img->reaper_fd[i], &img->reaper_pid[i]);
	enum sr_err rc = SR_OK;
	for (size_t k = 0; k < img->layers[i].n && rc == SR_OK; k++) {
		struct image_blob b;
		rc = image_blob_open(img, &img->layers[i].v[k], &b, err);
		if (rc == SR_OK) {
			rc = image_apply_layer(&b, root, stats, err);
			image_blob_close(&b);
		}
		if (rc != SR_OK) {
			char why[sizeof err->msg];
			snprintf(why, sizeof why, "%s", sr_error_message(err));
			sr_error_set(err, rc, "layer %zu: %s", k + 1, why);
		}
	}
	if (rc != SR_OK) {
		image_reaper_finish(root, img->reaper_fd[i], img->reaper_pid[i]);
		img->reaper_fd[i] = -1;
		img->reaper_pid[i] = 0;
		free(root);
		return rc;
	}
	img->unpacked[i] = root;
	*dir = root;
	return SR_OK;
}
