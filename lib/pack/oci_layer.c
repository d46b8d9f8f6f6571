/* shipready — image layers: the bundle written as a tar, hashed (diff_id), gzip'd and hashed again
 * (the blob digest). */
#include "shipready/analysis.h"
#include "shipready/ociimage.h"
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "shipready/elf.h"
#include "shipready/go.h"
#include "shipready/inspect.h"
#include "shipready/shipready.h"
#include "util/hex.h"
#include "util/archive_dl.h"
#include "util/nettle_dl.h"
#include "report/json_util.h"
#include "util/arena.h"
#include "shipready/outfile.h"
#include "pack/oci_internal.h"

/* ------------------------------------------------------------ digests */

void oci_digest_hex(struct hashed *h, char out[72])
{
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_digest(&h->sha, sizeof d, d);
	memcpy(out, "sha256:", 7);
	sr_hex_encode(d, sizeof d, out + 7);
}

void oci_digest_of(const char *data, size_t n, char out[72])
{
	struct hashed h;
	sha256_init(&h.sha);
	sha256_update(&h.sha, n, (const uint8_t *)data);
	oci_digest_hex(&h, out);
}

/* The layer's two streams: the tar as written (diff_id), and what reaches
 * the scratch file (the blob: gzip for OCI, the tar itself for docker). */
struct layer_sink {
	struct hashed tar, blob;
	struct archive *gz;   /* NULL: the tar is the blob */
	int fd;
	int error;            /* errno of a failed write */
};

static la_ssize_t blob_write(struct archive *ar, void *ud, const void *buf, size_t n)
{
	struct layer_sink *s = ud;
	sha256_update(&s->blob.sha, n, buf);
	s->blob.size += n;
	if (!sr_write_all(s->fd, buf, n)) {
		s->error = errno ? errno : EIO;
		archive_set_error(ar, s->error, "writing the layer: %s", strerror(s->error));
		return -1;
	}
	return (la_ssize_t)n;
}

static la_ssize_t tar_write(struct archive *ar, void *ud, const void *buf, size_t n)
{
	struct layer_sink *s = ud;
	sha256_update(&s->tar.sha, n, buf);
	s->tar.size += n;
	if (!s->gz)
		return blob_write(ar, ud, buf, n);
	la_ssize_t w = archive_write_data(s->gz, buf, n);
	if (w != (la_ssize_t)n) {
		archive_set_error(ar, EIO, "compressing the layer: %s", archive_error_string(s->gz));
		return -1;
	}
	return (la_ssize_t)n;
}

/* A gzip stream without a file name or timestamp in its header, so equal
 * tars compress to equal bytes; no padding after it (a reader would take
 * padding for a second member). */
static struct archive *open_gzip(struct layer_sink *s)
{
	struct archive *gz = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	bool ok = gz && ae && archive_write_add_filter_gzip(gz) == ARCHIVE_OK &&
	          archive_write_set_filter_option(gz, "gzip", "timestamp", NULL) == ARCHIVE_OK &&
	          archive_write_set_format_raw(gz) == ARCHIVE_OK &&
	          archive_write_set_bytes_in_last_block(gz, 1) == ARCHIVE_OK &&
	          archive_write_open2(gz, s, NULL, blob_write, NULL, NULL) == ARCHIVE_OK;
	if (ok) {
		archive_entry_set_pathname(ae, "layer.tar");
		archive_entry_set_filetype(ae, AE_IFREG);
		ok = archive_write_header(gz, ae) == ARCHIVE_OK;
	}
	archive_entry_free(ae);
	if (!ok && gz) {
		archive_write_free(gz);
		gz = NULL;
	}
	return gz;
}

enum sr_err oci_write_layer(struct sr_oci_platform *pl, const char *out, bool compress, int64_t mtime,
                            struct sr_error *err)
{
	struct layer_sink s = { .fd = -1 };
	sha256_init(&s.tar.sha);
	sha256_init(&s.blob.sha);
	s.fd = sr_scratch_file(out, err);
	if (s.fd < 0)
		return err ? err->code : SR_E_IO;
	enum sr_err rc = SR_OK;
	struct archive *ar = NULL;
	if (compress && !(s.gz = open_gzip(&s))) {
		rc = sr_error_set(err, SR_E_IO, "%s: cannot set up gzip compression", out);
		goto fail;
	}
	ar = archive_write_new();
	if (!ar || archive_write_set_format_ustar(ar) != ARCHIVE_OK ||
	    archive_write_open2(ar, &s, NULL, tar_write, NULL, NULL) != ARCHIVE_OK) {
		rc = sr_error_set(err, SR_E_IO, "%s: %s", out, ar ? archive_error_string(ar) : "out of memory");
		goto fail;
	}
	if ((rc = sr_bundle_write_archive(pl->bundle, ar, mtime, err)) != SR_OK)
		goto fail;
	if (archive_write_close(ar) != ARCHIVE_OK || (s.gz && archive_write_close(s.gz) != ARCHIVE_OK)) {
		rc = sr_error_set(err, SR_E_IO, "%s: %s", out,
		                  s.error ? strerror(s.error) : archive_error_string(s.gz ? s.gz : ar));
		goto fail;
	}
	archive_write_free(ar);
	if (s.gz)
		archive_write_free(s.gz);
	oci_digest_hex(&s.tar, pl->diff_id);
	pl->layer_tar_size = s.tar.size;
	oci_digest_hex(&s.blob, pl->layer_digest);
	pl->layer_size = s.blob.size;
	pl->priv->layer_fd = s.fd;
	return SR_OK;
fail:
	if (ar)
		archive_write_free(ar);
	if (s.gz)
		archive_write_free(s.gz);
	close(s.fd);
	return rc;
}
