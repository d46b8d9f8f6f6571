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
	struct image_tree *trees[SR_IMAGE_MAX_PLATFORMS];   /* each platform's, once read */
	char *spec;           /* as given, for names */
};

struct image_tree;
void image_tree_free(struct image_tree *it);

/* Random access into a gzip stream (image_zran.c): an inflater that keeps
 * access points as the stream passes through it once, and reads at any
 * offset of the output afterwards. */
struct image_zran;
struct image_inflater;
struct image_inflater *image_inflater_new(void);
/* Inflate from in (*in_len bytes; receives how many were taken): the
 * bytes made, at *out (valid until the next call); 0 with nothing taken
 * at the end; -1 on corrupt input (image_inflater_error). */
long image_inflater_run(struct image_inflater *f, const unsigned char *in, size_t *in_len, const void **out);
const char *image_inflater_error(const struct image_inflater *f);
/* The access points (the inflater keeps none afterwards). */
struct image_zran *image_inflater_take(struct image_inflater *f);
void image_inflater_free(struct image_inflater *f);
/* n bytes at offset at of the output, the stream being size bytes at
 * base of fd: how many were read (fewer at its end), -1 on failure.  Safe
 * from several threads at once. */
long image_zran_read(struct image_zran *z, int fd, uint64_t base, uint64_t size, uint64_t at, void *buf,
                     size_t n);
void image_zran_free(struct image_zran *z);

/* A blob being read: bytes counted and hashed as they pass. */
struct image_blob {
	const struct sr_image *img;
	int fd;                        /* IMAGE_OCI_DIR */
	struct archive *outer;         /* the archives: positioned at the blob's entry */
	int64_t base;                  /* the archives: where the blob starts in the file, when it is not compressed; else -1 */
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


#endif
