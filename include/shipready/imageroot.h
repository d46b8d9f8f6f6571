/* shipready — a container image as a root: the images `scan` and
 * `check --target` read.
 *
 * Three ways an image reaches us, named as skopeo names them:
 *   oci-archive:FILE[:TAG]   an OCI image layout in a tar file
 *   docker-archive:FILE      what `docker save` writes (manifest.json)
 *   oci:DIR[:TAG]            an OCI image layout directory
 * An index may hold several platforms (a nested index too, as buildx
 * writes); TAG keeps the manifests whose org.opencontainers.image.ref.name
 * is TAG.  Attestation manifests (platform unknown/unknown) are not images.
 *
 * The archive is untrusted.  Every document is read with a size cap, every
 * blob is checked against its digest while it streams, names inside the
 * archive are matched exactly and never used as paths outside it.
 *
 * A platform's root is made by applying its layers in order, as a
 * container runtime does (OCI image spec, "Applying changesets"): each
 * layer is read once, as a stream (gzip, zstd, xz or plain tar);
 * `.wh.NAME` removes NAME from the layers below, and `.wh..wh..opq`
 * empties its directory of what the layers below put there.  Nothing is
 * unpacked: the result is a tree in memory (shipready/vtree.h) whose
 * files' bytes are read from the archive when a parser asks for them (a
 * range of the file for a plain tar layer, from the nearest access point
 * for gzip).  Only a layer compressed otherwise, or one inside a
 * compressed archive, is first decompressed to an unnamed file in $TMPDIR
 * (gone when the process ends, however it ends), within 90% of that file
 * system's free space.  Names are resolved inside the tree (a symlink in
 * a layer can never lead a later entry out of it), `..` in a name rejects
 * the image, devices and FIFOs are left out, and no permission but the
 * owner's read and write and everyone's execute bits is kept.  The archive
 * must not change while it is read. */
#ifndef SHIPREADY_IMAGEROOT_H
#define SHIPREADY_IMAGEROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/error.h"

#define SR_IMAGE_MAX_PLATFORMS 32
#define SR_IMAGE_MAX_LAYERS 256

/* One image of the archive. */
struct sr_image_platform {
	char os[32];
	char architecture[32];       /* GOARCH spelling, as the config says: "amd64", "arm64", … */
	char variant[16];            /* "v8", "v7", or "" */
	char name[96];               /* "linux/arm64/v8" */
	char manifest_digest[72];    /* "sha256:…" ("" for docker-archive) */
	size_t layers;
};

/* What reading a platform met. */
struct sr_image_unpack_stats {
	uint64_t entries;            /* layer entries applied */
	uint64_t whiteouts;          /* .wh.NAME and opaque markers applied */
	uint64_t skipped;            /* devices, FIFOs and sparse files, left out */
	uint64_t bytes;              /* file bytes in the layers */
};

struct sr_root;
struct sr_image;

/* Whether spec names an image (one of the three prefixes above). */
bool sr_image_spec_is(const char *spec);

/* Read an image's documents (index, manifests, configs) and find its
 * platforms.  Errors name what is wrong, e.g. "no index.json in the
 * archive", "no image tagged 'v2' (tags: latest)". */
enum sr_err sr_image_open(const char *spec, struct sr_image **out, struct sr_error *err);
void sr_image_free(struct sr_image *img);   /* and the roots it made */

size_t sr_image_platform_count(const struct sr_image *img);
const struct sr_image_platform *sr_image_platform_at(const struct sr_image *img, size_t i);

/* The platform whose machine is machine ("x86_64", "aarch64", … as
 * uname(2) spells it), or the only one; SIZE_MAX when none fits. */
size_t sr_image_platform_for(const struct sr_image *img, const char *machine);

/* Platform i as a root (read once; a second call gives the same root):
 * *root is a root over its tree, owned by img.  stats may be NULL. */
enum sr_err sr_image_root(struct sr_image *img, size_t i, const struct sr_root **root,
                          struct sr_image_unpack_stats *stats, struct sr_error *err);

/* Apply one layer, read from fd (a regular file or memfd holding a tar,
 * plain, gzip or otherwise compressed), to an empty tree, show visit (may
 * be NULL) a root over it, and let it go: what sr_image_root does per
 * layer, for the fuzz target. */
enum sr_err sr_image_layer_fd(int fd, void (*visit)(const struct sr_root *root, void *ctx), void *ctx,
                              struct sr_image_unpack_stats *stats, struct sr_error *err);

#endif
