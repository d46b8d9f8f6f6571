/* shipready — a blob of an image, read once as a stream and checked against
 * its digest (see image_internal.h). */
#define _GNU_SOURCE   /* O_PATH */
#include "image/image_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


/* The name of a tar entry as the archive writers spell it: "./x" is "x". */
static const char *entry_name(const char *n)
{
	while (n[0] == '.' && n[1] == '/')
		n += 2;
	return n;
}

/* "sha256:<64 lowercase hex>", the only digest a blob name is made from. */
static bool sha256_digest_ok(const char *d)
{
	if (strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
		return false;
	for (const char *p = d + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

enum sr_err image_blob_open(const struct sr_image *img, const struct image_blob_ref *ref, struct image_blob *b,
                            struct sr_error *err)
{
	memset(b, 0, sizeof *b);
	b->img = img;
	b->fd = -1;
	b->base = -1;
	snprintf(b->name, sizeof b->name, "%s", ref->name);
	snprintf(b->want, sizeof b->want, "%s", ref->digest);
	if (b->want[0] && !sha256_digest_ok(b->want))
		return sr_error_set(err, SR_E_MALFORMED, "%s: not a sha256 digest", b->want);
	enum sr_err rc = sr_nettle_load(err);
	if (rc == SR_OK)
		rc = sr_archive_load(err);
	if (rc != SR_OK)
		return rc;
	sr_sha256_init(&b->sha);
	if (img->kind == IMAGE_OCI_DIR) {
		/* index.json at the top, blobs/sha256/<hex>: one name at a time, never through a symlink */
		bool top = !strchr(ref->name, '/');
		int d1 = top ? -1 : openat(img->dirfd, "blobs", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int d2 = d1 < 0 ? -1 : openat(d1, "sha256", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		const char *leaf = top ? ref->name : strrchr(ref->name, '/') + 1;
		int in = top ? img->dirfd : d2;
		b->fd = in < 0 ? -1 : openat(in, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		int e = errno;
		if (d1 >= 0)
			close(d1);
		if (d2 >= 0)
			close(d2);
		if (!top && (strncmp(ref->name, "blobs/sha256/", 13) != 0 || strchr(ref->name + 13, '/')))
			e = EINVAL;
		struct stat st;
		if (b->fd >= 0 && (e == EINVAL || fstat(b->fd, &st) != 0 || !S_ISREG(st.st_mode))) {
			close(b->fd);
			b->fd = -1;
			e = EINVAL;
		}
		if (b->fd < 0)
			return sr_error_set(err, e == ENOENT ? SR_E_NOENT : SR_E_MALFORMED, "%s: %s", ref->name,
			                    e == ENOENT ? "not in the layout" : "not a regular file of the layout");
		b->size = (uint64_t)st.st_size;
	} else {
		struct archive *ar = archive_read_new();
		if (!ar)
			return sr_error_set(err, SR_E_NOMEM, NULL);
		archive_read_support_filter_all(ar);
		archive_read_support_format_tar(ar);
		archive_read_support_format_gnutar(ar);
		if (archive_read_open_filename(ar, img->path, 1 << 16) != ARCHIVE_OK) {
			int e = access(img->path, R_OK) == 0 ? 0 : errno;
			archive_read_free(ar);
			return sr_error_set(err, e == ENOENT ? SR_E_NOENT : SR_E_IO, "%s",
			                    e ? strerror(e) : "cannot be read as an archive");
		}
		struct archive_entry *ent;
		int r;
		bool found = false;
		while ((r = archive_read_next_header(ar, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
			const char *n = archive_entry_pathname(ent);
			if (n && strcmp(entry_name(n), ref->name) == 0) {
				found = true;
				break;
			}
		}
		if (!found) {
			const char *why = r == ARCHIVE_EOF ? "not in the archive" : archive_error_string(ar);
			sr_error_set(err, r == ARCHIVE_EOF ? SR_E_NOENT : SR_E_MALFORMED, "%s: %s", ref->name,
			             why ? why : "the archive cannot be read");
			archive_read_free(ar);
			return err->code;
		}
		if (archive_entry_filetype(ent) != AE_IFREG || archive_entry_size(ent) < 0) {
			archive_read_free(ar);
			return sr_error_set(err, SR_E_MALFORMED, "%s: not a regular file in the archive", ref->name);
		}
		b->outer = ar;
		b->size = (uint64_t)archive_entry_size(ent);
		/* a plain archive: the blob's bytes are a range of its file, from
		 * where the tar reader stands after the entry's header */
		b->base = archive_filter_count(ar) == 1 && archive_filter_code(ar, 0) == ARCHIVE_FILTER_NONE
		              ? (int64_t)archive_filter_bytes(ar, 0) : -1;
	}
	if (ref->size >= 0 && (uint64_t)ref->size != b->size) {
		image_blob_close(b);
		return sr_error_set(err, SR_E_MALFORMED, "%s: %llu bytes, its descriptor says %lld", ref->name,
		                    (unsigned long long)b->size, (long long)ref->size);
	}
	return SR_OK;
}

long image_blob_read(struct image_blob *b, void *buf, size_t cap)
{
	if (b->failed)
		return -1;
	uint64_t left = b->size - b->done;
	if (cap > left)
		cap = (size_t)left;
	if (cap == 0)
		return 0;
	long n;
	if (b->fd >= 0) {
		do
			n = read(b->fd, buf, cap);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			snprintf(b->why, sizeof b->why, "%s", strerror(errno));
		else if (n == 0 && b->until_eof)
			return 0;
		else if (n == 0)
			snprintf(b->why, sizeof b->why, "shorter than its size");
	} else {
		n = (long)archive_read_data(b->outer, buf, cap);
		if (n < 0) {
			const char *e = archive_error_string(b->outer);
			snprintf(b->why, sizeof b->why, "%s", e ? e : "cannot be read from the archive");
		} else if (n == 0) {
			snprintf(b->why, sizeof b->why, "shorter than its size");
		}
	}
	if (n <= 0) {
		b->failed = true;
		return -1;
	}
	sr_sha256_update(&b->sha, (size_t)n, buf);
	b->done += (uint64_t)n;
	return n;
}

enum sr_err image_blob_finish(struct image_blob *b, struct sr_error *err)
{
	unsigned char buf[1 << 15];
	long n;
	while ((n = image_blob_read(b, buf, sizeof buf)) > 0)
		;
	if (n < 0)
		return sr_error_set(err, SR_E_TRUNCATED, "%s: %s", b->name, b->why);
	if (!b->want[0])
		return SR_OK;
	uint8_t d[32];
	char hex[65];
	sr_sha256_digest(&b->sha, sizeof d, d);
	for (size_t i = 0; i < sizeof d; i++) {
		hex[2 * i] = "0123456789abcdef"[d[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[d[i] & 15];
	}
	hex[64] = '\0';
	if (strcmp(hex, b->want + 7) != 0)
		return sr_error_set(err, SR_E_MALFORMED, "%s: its content does not match its digest %s", b->name, b->want);
	return SR_OK;
}

void image_blob_close(struct image_blob *b)
{
	if (b->fd >= 0)
		close(b->fd);
	if (b->outer)
		archive_read_free(b->outer);
	b->fd = -1;
	b->outer = NULL;
}
