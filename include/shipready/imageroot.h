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
 * layer is read once, as a stream, through libarchive (gzip, zstd or
 * plain tar); `.wh.NAME` removes NAME from the layers below, and
 * `.wh..wh..opq` empties its directory of what the layers below put there.
 * The result is a private directory (mode 0700) under $TMPDIR, removed by
 * sr_image_free, or, when the process ends first (a signal, SIGKILL too),
 * by a small child process unpacking forks for it (so unpack with no other
 * thread running): names are resolved inside it (a symlink in a layer can
 * never lead a later entry out of it), `..` in a name rejects the image,
 * devices and FIFOs are not made, and no permission but the owner's read
 * and write and everyone's execute bits is kept. */
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

/* What unpacking a platform met. */
struct sr_image_unpack_stats {
	uint64_t entries;            /* layer entries applied */
	uint64_t whiteouts;          /* .wh.NAME and opaque markers applied */
	uint64_t skipped;            /* devices and FIFOs, not made */
	uint64_t bytes;              /* file bytes written */
};

struct sr_image;

/* Whether spec names an image (one of the three prefixes above). */
bool sr_image_spec_is(const char *spec);

/* Read an image's documents (index, manifests, configs) and find its
 * platforms.  Errors name what is wrong, e.g. "no index.json in the
 * archive", "no image tagged 'v2' (tags: latest)". */
enum sr_err sr_image_open(const char *spec, struct sr_image **out, struct sr_error *err);
void sr_image_free(struct sr_image *img);   /* removes the roots it unpacked */

size_t sr_image_platform_count(const struct sr_image *img);
const struct sr_image_platform *sr_image_platform_at(const struct sr_image *img, size_t i);

/* The platform whose machine is machine ("x86_64", "aarch64", … as
 * uname(2) spells it), or the only one; SIZE_MAX when none fits. */
size_t sr_image_platform_for(const struct sr_image *img, const char *machine);

/* Unpack platform i (once; a second call gives the same directory): *dir
 * receives the root's path, owned by img.  stats may be NULL. */
enum sr_err sr_image_unpack(struct sr_image *img, size_t i, const char **dir, struct sr_image_unpack_stats *stats,
                            struct sr_error *err);

/* Apply one layer, read from fd (a tar, compressed or not), to the
 * directory dir: what sr_image_unpack does per layer, for the fuzz target
 * and the tests of hostile layers. */
enum sr_err sr_image_apply_layer_fd(int fd, const char *dir, struct sr_image_unpack_stats *stats,
                                    struct sr_error *err);

/* Remove a directory tree made by the above (never following a symlink). */
void sr_image_remove_tree(const char *dir);

#endif
