/* shipready — the image reader's own parts (see shipready/imageroot.h). */
#ifndef SHIPREADY_IMAGE_INTERNAL_H
#define SHIPREADY_IMAGE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/imageroot.h"
#include "util/archive_dl.h"
#include "util/nettle_dl.h"

#define IMAGE_MAX_DOC (4u << 20)   /* index, manifest, config: JSON documents this large at most */

enum image_kind { IMAGE_OCI_ARCHIVE, IMAGE_DOCKER_ARCHIVE, IMAGE_OCI_DIR };

/* A blob as the archive names it: by digest (OCI) or by its name in the
 * archive (docker save's "ID/layer.tar"), with the digest it must have. */
struct image_blob_ref {
	char name[256];       /* name inside the archive or layout */
	char digest[72];      /* "sha256:<hex>" it must hash to, or "" (unchecked: none is known) */
	int64_t size;         /* -1: unknown */
};

struct image_layer_list {
	struct image_blob_ref *v;
	size_t n;
};

struct sr_image {
	enum image_kind kind;
	char *path;           /* the archive file or layout directory */
	char *tag;            /* or NULL */
	int dirfd;            /* IMAGE_OCI_DIR: the layout directory (O_PATH) */
	size_t n;
	struct sr_image_platform plat[SR_IMAGE_MAX_PLATFORMS];
	struct image_layer_list layers[SR_IMAGE_MAX_PLATFORMS];
	char *unpacked[SR_IMAGE_MAX_PLATFORMS];
	int reaper_fd[SR_IMAGE_MAX_PLATFORMS];     /* write end of each directory's reaper pipe, or -1 */
	int reaper_pid[SR_IMAGE_MAX_PLATFORMS];    /* the reaper, or 0 */
};

/* A child that removes dir when this process ends, however it ends (a
 * signal, SIGKILL included): it waits for EOF on a pipe whose write end
 * only this process holds.  *fd and *pid receive that end and the child
 * (-1 and 0 when it cannot be made: then only sr_image_free removes dir).
 * Call with no other thread running. */
void image_reaper_start(const char *dir, int *fd, int *pid);
/* Remove dir now and let its reaper go. */
void image_reaper_finish(const char *dir, int fd, int pid);

/* A blob being read: bytes counted and hashed as they pass. */
struct image_blob {
	const struct sr_image *img;
	int fd;                        /* IMAGE_OCI_DIR */
	struct archive *outer;         /* the archives: positioned at the blob's entry */
	uint64_t size, done;
	bool until_eof;                /* a bare layer file (sr_image_apply_layer_fd): size unknown */
	struct sha256_ctx sha;
	char want[72];
	char name[256];
	bool failed;
	char why[160];                 /* why a read failed */
};

enum sr_err image_blob_open(const struct sr_image *img, const struct image_blob_ref *ref, struct image_blob *b,
                            struct sr_error *err);
/* Up to cap bytes; 0 at the end; -1 on failure (b->why). */
long image_blob_read(struct image_blob *b, void *buf, size_t cap);
/* Read what is left, then check size and digest. */
enum sr_err image_blob_finish(struct image_blob *b, struct sr_error *err);
void image_blob_close(struct image_blob *b);

/* Apply the layer read from b to the directory root_fd (dir names it in errors). */
enum sr_err image_apply_layer(struct image_blob *b, const char *dir, struct sr_image_unpack_stats *stats,
                              struct sr_error *err);

#endif
