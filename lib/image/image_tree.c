/* shipready — a platform's layers applied, in order, to a tree in memory
 * (see shipready/imageroot.h and shipready/vtree.h).
 *
 * Each layer streams once: its blob is hashed as it passes, a gzip layer
 * is inflated here (keeping access points, image_zran.c), and libarchive
 * reads the tar.  An entry becomes a node; a regular file's node records
 * where its bytes start in the layer's tar, so they are read from the
 * archive when a parser asks, and never written anywhere (but a large file
 * of a gzip layer that a parse reads whole: see SR_FILE_SPOOL_MIN).  A layer
 * compressed otherwise (zstd, xz, bzip2), or a blob inside a compressed
 * archive, has no such place: its tar is first written to an unnamed file
 * in $TMPDIR (O_TMPFILE: gone with the process, however it ends), within
 * a budget of that file system. */
#define _GNU_SOURCE
#include "image/image_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/root.h"
#include "shipready/sniff.h"
#include "shipready/vtree.h"
#include "util/map.h"
#include "util/path.h"
#include "util/spool.h"

#define SNIFF 512u                  /* bytes of each file read as it passes, to tell a binary */
#define PE_SIG_MAX (1u << 20)       /* how far into a file "MZ" may put its PE signature and be seen */

/* Where one layer's bytes are, as its tree reads them. */
struct layer_src {
	int fd;                     /* the file holding them (owned), or -1 */
	uint64_t base, size;        /* the layer's bytes in fd: gzip or a plain tar */
	struct image_zran *z;       /* gzip: its access points; NULL: a plain tar */
};

struct image_tree {
	struct sr_vtree *tree;
	struct sr_root root;
	struct layer_src layer[SR_IMAGE_MAX_LAYERS];
	size_t nlayers;
};

/* ------------------------------------------------------------ the tree's source */

static long src_read_at(void *ctx, uint32_t src, uint64_t off, uint64_t at, void *buf, size_t n)
{
	const struct image_tree *it = ctx;
	if (src >= it->nlayers)
		return -1;
	const struct layer_src *l = &it->layer[src];
	if (l->z)
		return image_zran_read(l->z, l->fd, l->base, l->size, off + at, buf, n);
	if (off + at >= l->size)
		return 0;
	if (n > l->size - off - at)
		n = (size_t)(l->size - off - at);
	size_t got = 0;
	while (got < n) {
		ssize_t k = pread(l->fd, (char *)buf + got, n - got, (off_t)(l->base + off + at + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (long)got;
}

static bool src_plain(void *ctx, uint32_t src, uint64_t off, int *fd, uint64_t *base)
{
	const struct image_tree *it = ctx;
	if (src >= it->nlayers || it->layer[src].z)
		return false;
	*fd = it->layer[src].fd;
	*base = it->layer[src].base + off;
	return true;
}

void image_tree_free(struct image_tree *it)
{
	if (!it)
		return;
	if (sr_root_is_open(&it->root))
		sr_root_close(&it->root);
	sr_vtree_free(it->tree);
	for (size_t i = 0; i < it->nlayers; i++) {
		if (it->layer[i].fd >= 0)
			close(it->layer[i].fd);
		image_zran_free(it->layer[i].z);
	}
	free(it);
}

static struct image_tree *tree_new(void)
{
	struct image_tree *it = calloc(1, sizeof *it);
	if (!it)
		return NULL;
	it->root.dirfd = -1;
	struct sr_vtree_source s = { .ctx = it, .read_at = src_read_at, .plain = src_plain };
	if (!(it->tree = sr_vtree_new(&s))) {
		free(it);
		return NULL;
	}
	return it;
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

/* ------------------------------------------------------------ applying entries */

/* One layer being applied. */
struct applier {
	struct sr_vtree *t;
	uint32_t layer;                  /* its index in the tree's layers */
	struct sr_image_unpack_stats *stats;
	struct archive *ar;
};

/* The directory holding rel's last component, made when missing if
 * create; leaf receives the last component.  The walk is a container
 * runtime's inside its root: a symlink on the way is followed with the
 * root as `/` (its target's missing directories made, when create), ".."
 * never rises above the root, and a file on the way is replaced by a
 * directory (a later layer wins). */
static enum sr_err reach_parent(struct applier *ap, const char *rel, bool create, uint32_t *out, const char **leaf,
                                struct sr_error *err)
{
	const char *slash = strrchr(rel, '/');
	*leaf = slash ? slash + 1 : rel;
	char pending[2 * SR_ROOT_MAX_PATH + 2];
	snprintf(pending, sizeof pending, "%.*s", slash ? (int)(slash - rel) : 0, rel);
	uint32_t cur = SR_VTREE_ROOT;
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
			cur = sr_vtree_parent(ap->t, cur);
			continue;
		}
		uint32_t c = sr_vtree_child(ap->t, cur, comp);
		struct stat st;
		if (c != SR_VTREE_NONE)
			sr_vtree_stat(ap->t, c, &st);
		if (c != SR_VTREE_NONE && S_ISLNK(st.st_mode)) {
			const char *target = sr_vtree_link(ap->t, c);
			size_t n = target ? strlen(target) : 0;
			size_t rl = strlen(pending + at);
			if (n == 0 || ++links > SR_ROOT_MAX_LINKS || n + 1 + rl >= sizeof pending)
				goto bad;
			/* the target, then the rest (the length was checked above) */
			memmove(pending + n + 1, pending + at, rl + 1);
			memcpy(pending, target, n);
			pending[n] = '/';
			at = 0;
			if (target[0] == '/')
				cur = SR_VTREE_ROOT;
			continue;
		}
		if (c == SR_VTREE_NONE || !S_ISDIR(st.st_mode)) {
			if (!create)
				goto bad;
			c = sr_vtree_add(ap->t, cur, comp, S_IFDIR | 0755);
			if (c == SR_VTREE_NONE)
				return sr_error_set(err, SR_E_NOMEM, "the image has too many files (over %u)", SR_VTREE_MAX_NODES);
		}
		cur = c;
	}
	*out = cur;
	return SR_OK;
bad:
	return sr_error_set(err, SR_E_MALFORMED, "%s: its directory %s", rel,
	                    links > SR_ROOT_MAX_LINKS ? "is reached through too many symbolic links" : "leads to no directory");
}

/* What the layers below put in the directory goes; this layer's own
 * entries stay, whatever their order (the marker may come after them):
 * a directory this layer re-declared keeps only this layer's entries in
 * turn, and one it did not is kept only to hold entries of this layer
 * below it.  Whether anything of this layer is left in dir. */
static bool opaque_clear(struct applier *ap, uint32_t dir, unsigned depth)
{
	uint32_t *kids;
	long n = sr_vtree_children(ap->t, dir, &kids);
	bool left = false;
	for (long i = 0; i < n; i++) {
		struct stat st;
		sr_vtree_stat(ap->t, kids[i], &st);
		bool now = sr_vtree_made_now(ap->t, kids[i]);
		bool dir_below = S_ISDIR(st.st_mode) && depth < SR_ROOT_MAX_PATH / 2;
		bool holds = dir_below && opaque_clear(ap, kids[i], depth + 1);
		if (now || holds) {
			left = true;
			if (!now)
				sr_vtree_touch(ap->t, kids[i]);
		} else {
			sr_vtree_remove(ap->t, kids[i]);
		}
	}
	free(kids);
	return left;
}

/* Is this the start of a binary?  The first bytes of the file as the scan
 * tests them; for "MZ" with the PE signature past them, read on to it. */
static bool sniff(struct applier *ap, uint64_t size)
{
	unsigned char head[SNIFF];
	size_t got = 0;
	while (got < sizeof head) {
		la_ssize_t k = archive_read_data(ap->ar, head + got, sizeof head - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (!sr_sniff_binary(head, got, got < SNIFF ? got : size))
		return false;
	if (got < SNIFF || head[0] != 'M' || head[1] != 'Z')
		return true;
	uint32_t lfanew = sr_sniff_pe_offset(head);
	if ((uint64_t)lfanew + 4 <= SNIFF)
		return true;   /* sr_sniff_binary saw it */
	if ((uint64_t)lfanew + 4 > size || lfanew > PE_SIG_MAX)
		return false;
	/* on through the stream to the signature */
	uint64_t pos = got;
	unsigned char buf[4096], sig[4];
	size_t have = 0;
	while (have < 4) {
		size_t want = pos < lfanew ? (size_t)(lfanew - pos < sizeof buf ? lfanew - pos : sizeof buf) : 4 - have;
		la_ssize_t k = archive_read_data(ap->ar, pos < lfanew ? buf : sig + have, want);
		if (k <= 0)
			return false;
		if (pos >= lfanew)
			have += (size_t)k;
		pos += (uint64_t)k;
	}
	return memcmp(sig, "PE\0\0", 4) == 0;
}

static enum sr_err apply_entry(struct applier *ap, struct archive_entry *ent, struct sr_error *err)
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
	uint32_t dir;
	const char *leaf;
	enum sr_err rc = reach_parent(ap, rel, true, &dir, &leaf, err);
	if (rc != SR_OK)
		return rc;
	ap->stats->entries++;
	if (strcmp(leaf, ".wh..wh..opq") == 0) {
		ap->stats->whiteouts++;
		opaque_clear(ap, dir, 0);
		return SR_OK;
	}
	if (strncmp(leaf, ".wh.", 4) == 0) {
		ap->stats->whiteouts++;
		uint32_t gone = leaf[4] ? sr_vtree_child(ap->t, dir, leaf + 4) : SR_VTREE_NONE;
		if (gone != SR_VTREE_NONE)
			sr_vtree_remove(ap->t, gone);
		return SR_OK;
	}
	unsigned type = archive_entry_filetype(ent);
	uint32_t here = sr_vtree_child(ap->t, dir, leaf);
	struct stat st;
	if (here != SR_VTREE_NONE)
		sr_vtree_stat(ap->t, here, &st);
	uint32_t made = SR_VTREE_NONE;
	if (!hard && type == AE_IFDIR) {
		if (here != SR_VTREE_NONE && S_ISDIR(st.st_mode)) {
			sr_vtree_touch(ap->t, here);
			return SR_OK;
		}
		made = sr_vtree_add(ap->t, dir, leaf, S_IFDIR | 0755);
	} else if (!hard && type != AE_IFREG && type != AE_IFLNK) {
		ap->stats->skipped++;   /* devices, FIFOs, sockets: nothing to analyse */
		return SR_OK;
	} else if (hard) {
		uint32_t tdir;
		const char *tleaf;
		rc = reach_parent(ap, hrel, false, &tdir, &tleaf, err);
		uint32_t target = rc == SR_OK ? sr_vtree_child(ap->t, tdir, tleaf) : SR_VTREE_NONE;
		struct stat tst;
		if (target != SR_VTREE_NONE)
			sr_vtree_stat(ap->t, target, &tst);
		if (target == SR_VTREE_NONE || S_ISDIR(tst.st_mode))
			return sr_error_set(err, SR_E_MALFORMED, "%s: a hard link to %s, which is not there", rel, hrel);
		if (target == here)
			return SR_OK;   /* a link to itself: it stays */
		char *link = S_ISLNK(tst.st_mode) ? strdup(sr_vtree_link(ap->t, target)) : NULL;
		made = sr_vtree_add(ap->t, dir, leaf, tst.st_mode);
		if (made != SR_VTREE_NONE && link && !sr_vtree_set_link(ap->t, made, link))
			made = SR_VTREE_NONE;
		free(link);
		if (made != SR_VTREE_NONE && S_ISREG(tst.st_mode))
			sr_vtree_set_same(ap->t, made, target);
	} else if (type == AE_IFLNK) {
		const char *target = archive_entry_symlink(ent);
		if (!target || !target[0])
			return sr_error_set(err, SR_E_MALFORMED, "%s: a symbolic link that cannot be made", rel);
		made = sr_vtree_add(ap->t, dir, leaf, S_IFLNK | 0777);
		if (made != SR_VTREE_NONE && !sr_vtree_set_link(ap->t, made, target))
			made = SR_VTREE_NONE;
	} else {
		if (archive_entry_sparse_count(ent) > 0) {
			ap->stats->skipped++;   /* its bytes are not one range of the tar: not read in place */
			return SR_OK;
		}
		/* where the data starts: what the tar reader has taken so far */
		la_int64_t off = archive_filter_bytes(ap->ar, 0);
		la_int64_t size = archive_entry_size(ent);
		if (off < 0 || size < 0)
			return sr_error_set(err, SR_E_MALFORMED, "%s: its size cannot be read", rel);
		made = sr_vtree_add(ap->t, dir, leaf, S_IFREG | ((archive_entry_perm(ent) & 0755) | 0600));
		if (made != SR_VTREE_NONE) {
			sr_vtree_set_data(ap->t, made, ap->layer, (uint64_t)off, (uint64_t)size);
			ap->stats->bytes += (uint64_t)size;
			bool binary = size > 0 && sniff(ap, (uint64_t)size);
			sr_vtree_set_mark(ap->t, made, SR_VTREE_MARK_SNIFFED | (binary ? SR_VTREE_MARK_BINARY : 0));
		}
	}
	if (made == SR_VTREE_NONE)
		return sr_error_set(err, SR_E_NOMEM, "the image has too many files (over %u)", SR_VTREE_MAX_NODES);
	return SR_OK;
}

/* ------------------------------------------------------------ a layer's stream */

enum how { HOW_PLAIN, HOW_GZIP };

/* The tar of one layer as libarchive reads it: the blob's bytes (first the
 * ones already read to tell its kind), inflated when gzip; or a spooled
 * tar, read from its file. */
struct stream {
	struct image_blob *b;       /* NULL: read fd */
	int fd;
	uint64_t pos;
	enum how how;
	struct image_inflater *inf;
	unsigned char in[1 << 16];
	size_t in_pos, in_len;
	bool in_end;
	unsigned char out[1 << 16];
	const char *why;
};

static la_ssize_t stream_read(struct archive *ar, void *ctx, const void **buf)
{
	(void)ar;
	struct stream *s = ctx;
	if (!s->b) {
		ssize_t k;
		do
			k = pread(s->fd, s->out, sizeof s->out, (off_t)s->pos);
		while (k < 0 && errno == EINTR);
		if (k > 0)
			s->pos += (uint64_t)k;
		*buf = s->out;
		return k;
	}
	for (;;) {
		if (s->in_pos == s->in_len && !s->in_end) {
			long k = image_blob_read(s->b, s->in, sizeof s->in);
			if (k < 0)
				return -1;
			s->in_pos = 0;
			s->in_len = (size_t)k;
			s->in_end = k == 0;
		}
		if (s->how == HOW_PLAIN) {
			*buf = s->in + s->in_pos;
			size_t n = s->in_len - s->in_pos;
			s->in_pos = s->in_len;
			return (la_ssize_t)n;
		}
		size_t took = s->in_len - s->in_pos;
		const void *out;
		long made = image_inflater_run(s->inf, s->in + s->in_pos, &took, &out);
		if (made < 0) {
			s->why = image_inflater_error(s->inf);
			return -1;
		}
		s->in_pos += took;
		if (made > 0) {
			*buf = out;
			return made;
		}
		if (s->in_end && s->in_pos == s->in_len)
			return 0;
		if (took == 0 && s->in_pos < s->in_len) {
			s->why = "a gzip stream that does not go on";   /* input at hand, room to write, no progress */
			return -1;
		}
	}
}

/* Apply the tar read through s to the tree. */
static enum sr_err apply_tar(struct sr_vtree *t, uint32_t layer, struct stream *s, const char *name,
                             struct sr_image_unpack_stats *stats, struct sr_error *err)
{
	struct archive *ar = archive_read_new();
	if (!ar)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	archive_read_support_format_tar(ar);
	archive_read_support_format_gnutar(ar);
	enum sr_err rc = SR_OK;
	if (archive_read_open(ar, s, NULL, stream_read, NULL) != ARCHIVE_OK) {
		const char *why = s->why ? s->why : s->b && s->b->failed ? s->b->why : archive_error_string(ar);
		rc = sr_error_set(err, SR_E_MALFORMED, "%s: %s", name, why ? why : "not a tar archive (plain, gzip or zstd)");
	}
	struct applier ap = { .t = t, .layer = layer, .stats = stats, .ar = ar };
	sr_vtree_set_layer(t, layer + 1);
	struct archive_entry *ent;
	int r = ARCHIVE_OK;
	/* ARCHIVE_WARN: a name not in this locale's charset, kept as its bytes */
	while (rc == SR_OK && ((r = archive_read_next_header(ar, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN))
		rc = apply_entry(&ap, ent, err);
	if (rc == SR_OK && r != ARCHIVE_EOF) {
		const char *why = s->why ? s->why : s->b && s->b->failed ? s->b->why : archive_error_string(ar);
		rc = sr_error_set(err, SR_E_MALFORMED, "%s: %s", name, why ? why : "not a tar archive");
	}
	archive_read_free(ar);
	return rc;
}

/* ------------------------------------------------------------ spooling */

/* A scratch file for a layer's tar (util/spool.h), and what it may take. */
static int spool_open(uint64_t *room, char *where, size_t where_size, struct sr_error *err)
{
	int fd = sr_spool_open(room, where, where_size);
	if (fd < 0)
		sr_error_set(err, SR_E_IO, "%s: no room for a layer that is not gzip (%s); set TMPDIR to a writable place",
		             where, strerror(errno));
	return fd;
}

/* The blob, decompressed by libarchive (zstd, xz, bzip2, or a gzip blob
 * whose bytes are nowhere to read again), into a spool file: its fd. */
static la_ssize_t blob_read(struct archive *ar, void *ctx, const void **buf)
{
	(void)ar;
	struct stream *s = ctx;
	if (s->in_pos < s->in_len) {   /* what was read to tell the kind, first */
		*buf = s->in + s->in_pos;
		size_t n = s->in_len - s->in_pos;
		s->in_pos = s->in_len;
		return (la_ssize_t)n;
	}
	long k = image_blob_read(s->b, s->in, sizeof s->in);
	*buf = s->in;
	return k;
}

static int spool(struct stream *s, const char *name, struct sr_error *err)
{
	uint64_t room;
	char where[512];
	int fd = spool_open(&room, where, sizeof where, err);
	if (fd < 0)
		return -1;
	struct archive *ar = archive_read_new();
	if (!ar) {
		close(fd);
		sr_error_set(err, SR_E_NOMEM, NULL);
		return -1;
	}
	archive_read_support_filter_all(ar);
	archive_read_support_format_raw(ar);
	struct archive_entry *ent;
	enum sr_err rc = SR_OK;
	if (archive_read_open(ar, s, NULL, blob_read, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(ar, &ent) != ARCHIVE_OK) {
		const char *why = s->b->failed ? s->b->why : archive_error_string(ar);
		rc = sr_error_set(err, SR_E_MALFORMED, "%s: %s", name, why ? why : "cannot be decompressed");
	}
	uint64_t done = 0;
	unsigned char buf[1 << 16];
	la_ssize_t k;
	while (rc == SR_OK && (k = archive_read_data(ar, buf, sizeof buf)) != 0) {
		if (k < 0) {
			const char *why = s->b->failed ? s->b->why : archive_error_string(ar);
			rc = sr_error_set(err, SR_E_MALFORMED, "%s: %s", name, why ? why : "cannot be decompressed");
			break;
		}
		if ((uint64_t)k > room - done) {
			rc = sr_error_set(err, SR_E_IO,
			                  "the image does not fit in %s: it would leave less than 10%% of it free there; set "
			                  "TMPDIR to a larger place",
			                  where);
			break;
		}
		for (size_t w = 0; w < (size_t)k && rc == SR_OK;) {
			ssize_t put = pwrite(fd, buf + w, (size_t)k - w, (off_t)(done + w));
			if (put < 0 && errno == EINTR)
				continue;
			if (put <= 0)
				rc = sr_error_set(err, SR_E_IO, "%s: cannot write a layer there (%s)", where,
				                  put < 0 ? strerror(errno) : "no space");
			else
				w += (size_t)put;
		}
		done += (uint64_t)k;
	}
	archive_read_free(ar);
	if (rc != SR_OK) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ------------------------------------------------------------ a platform */

/* Apply the layer streaming from b (opened) as layer k of it->tree.  fd
 * (taken over; -1: none) holds the blob's bytes again at base: then they
 * are read from there later, else from a spool file. */
static enum sr_err layer_into(struct image_tree *it, size_t k, struct image_blob *b, int fd, uint64_t base,
                              struct sr_image_unpack_stats *stats, struct sr_error *err)
{
	enum sr_err rc = SR_OK;
	struct stream *s = calloc(1, sizeof *s);
	if (!s) {
		if (fd >= 0)
			close(fd);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	s->b = b;
	s->fd = -1;
	struct layer_src *l = &it->layer[it->nlayers];
	*l = (struct layer_src){ .fd = -1, .size = b->size };
	/* its kind, from its first bytes */
	long n = image_blob_read(b, s->in, sizeof s->in);
	if (n < 0) {
		rc = sr_error_set(err, SR_E_TRUNCATED, "%s: %s", b->name, b->why);
		goto out;
	}
	s->in_len = (size_t)n;
	s->in_end = n == 0;
	bool gzip = n >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b;
	bool tar = n >= 262 && memcmp(s->in + 257, "ustar", 5) == 0;
	bool placed = fd >= 0;
	if (placed) {
		/* the place must hold what streamed: else it is not what the
		 * reader thinks, and the layer is read the long way */
		unsigned char check[512];
		size_t want = (size_t)n < sizeof check ? (size_t)n : sizeof check;
		placed = pread(fd, check, want, (off_t)base) == (ssize_t)want && memcmp(check, s->in, want) == 0;
	}
	if (placed && (gzip || tar || n == 0)) {
		l->fd = fd;
		l->base = base;
		if (b->until_eof) {
			struct stat st;
			l->size = fstat(fd, &st) == 0 && (uint64_t)st.st_size > base ? (uint64_t)st.st_size - base : 0;
		}
		fd = -1;
		s->how = gzip ? HOW_GZIP : HOW_PLAIN;
		if (gzip && !(s->inf = image_inflater_new())) {
			rc = sr_error_set(err, SR_E_NOMEM, NULL);
			goto out;
		}
		it->nlayers++;
		rc = apply_tar(it->tree, (uint32_t)k, s, b->name, stats, err);
		if (rc == SR_OK && gzip)
			l->z = image_inflater_take(s->inf);
	} else {
		/* decompressed once into a spool file, then read as a plain tar */
		int sp = spool(s, b->name, err);
		if (sp < 0) {
			rc = err->code;
			goto out;
		}
		struct stat st;
		l->fd = sp;
		l->base = 0;
		l->size = fstat(sp, &st) == 0 ? (uint64_t)st.st_size : 0;
		it->nlayers++;
		struct stream *t = calloc(1, sizeof *t);
		if (!t) {
			rc = sr_error_set(err, SR_E_NOMEM, NULL);
			goto out;
		}
		t->fd = sp;
		rc = apply_tar(it->tree, (uint32_t)k, t, b->name, stats, err);
		free(t);
	}
	if (rc == SR_OK)
		rc = image_blob_finish(b, err);
	else if (b->want[0] && !b->failed) {
		/* a layer that cannot be read may be one that is not what its
		 * digest says: that is the error to tell */
		struct sr_error e2 = { 0 };
		if (image_blob_finish(b, &e2) != SR_OK && strstr(e2.msg, "digest"))
			*err = e2;
		rc = err->code;
	}
out:
	if (fd >= 0)
		close(fd);
	image_inflater_free(s->inf);
	free(s);
	return rc;
}

/* Read layer k of platform i into it->tree. */
static enum sr_err read_layer(struct sr_image *img, size_t i, size_t k, struct image_tree *it,
                              struct sr_image_unpack_stats *stats, struct sr_error *err)
{
	struct image_blob b;
	enum sr_err rc = image_blob_open(img, &img->layers[i].v[k], &b, err);
	if (rc != SR_OK)
		return rc;
	/* where the blob's bytes are, to read again: its own file, or a range
	 * of a plain archive */
	int fd = -1;
	if (b.fd >= 0)
		fd = fcntl(b.fd, F_DUPFD_CLOEXEC, 0);
	else if (b.base >= 0)
		fd = open(img->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	rc = layer_into(it, k, &b, fd, b.fd >= 0 ? 0 : (uint64_t)b.base, stats, err);
	image_blob_close(&b);
	return rc;
}

enum sr_err sr_image_root(struct sr_image *img, size_t i, const struct sr_root **root,
                          struct sr_image_unpack_stats *stats, struct sr_error *err)
{
	*root = NULL;
	struct sr_image_unpack_stats none = { 0 };
	if (!stats)
		stats = &none;
	memset(stats, 0, sizeof *stats);
	if (i >= img->n)
		return sr_error_set(err, SR_E_USAGE, "no image %zu", i);
	if (img->trees[i]) {
		*root = &img->trees[i]->root;
		return SR_OK;
	}
	struct image_tree *it = tree_new();
	if (!it)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	/* the same image and platform, read again (check --target of an image
	 * a scan reads too), is the same tree: one identity for both, from the
	 * archive's file and the platform's manifest */
	struct stat ist;
	if (stat(img->path, &ist) == 0) {
		char key[256];
		int kn = snprintf(key, sizeof key, "%llu:%llu:%lld:%zu:%s", (unsigned long long)ist.st_dev,
		                  (unsigned long long)ist.st_ino, (long long)ist.st_mtime, i, img->plat[i].manifest_digest);
		if (kn > 0)
			sr_vtree_set_dev(it->tree, (dev_t)(0xfff0000000000000ull | (sr_hash(key, (size_t)kn) >> 12)));
	}
	enum sr_err rc = SR_OK;
	for (size_t k = 0; k < img->layers[i].n && rc == SR_OK; k++) {
		rc = read_layer(img, i, k, it, stats, err);
		if (rc != SR_OK) {
			char why[sizeof err->msg];
			snprintf(why, sizeof why, "%s", sr_error_message(err));
			sr_error_set(err, rc, "layer %zu: %s", k + 1, why);
		}
	}
	char name[sizeof img->plat[i].name + 1024];
	snprintf(name, sizeof name, "%s (%s)", img->spec ? img->spec : img->path, img->plat[i].name);
	if (rc == SR_OK)
		rc = sr_root_open_tree(it->tree, name, &it->root, err);
	if (rc != SR_OK) {
		image_tree_free(it);
		return rc;
	}
	img->trees[i] = it;
	*root = &it->root;
	return SR_OK;
}

enum sr_err sr_image_layer_fd(int fd, void (*visit)(const struct sr_root *root, void *ctx), void *ctx,
                              struct sr_image_unpack_stats *stats, struct sr_error *err)
{
	struct sr_image_unpack_stats none = { 0 };
	struct image_blob b = { .fd = fd, .size = UINT64_MAX, .until_eof = true, .base = -1 };
	snprintf(b.name, sizeof b.name, "layer");
	enum sr_err rc = sr_nettle_load(err);
	if (rc == SR_OK)
		rc = sr_archive_load(err);
	if (rc != SR_OK)
		return rc;
	sr_sha256_init(&b.sha);
	struct image_tree *it = tree_new();
	if (!it)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	int again = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	rc = layer_into(it, 0, &b, again, 0, stats ? stats : &none, err);
	if (rc == SR_OK)
		rc = sr_root_open_tree(it->tree, "layer", &it->root, err);
	if (rc == SR_OK && visit)
		visit(&it->root, ctx);
	image_tree_free(it);
	return rc;
}
