/* shipready — the parts of the image writer (shipready/ociimage.h) share these:
 * ociimage.c options and programs, oci_layer.c the layer, oci_config.c the
 * config document, oci_base.c the base archive, oci_write.c the output. */
#ifndef SR_PACK_OCI_INTERNAL_H
#define SR_PACK_OCI_INTERNAL_H

#include <archive.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "shipready/analysis.h"
#include "shipready/bundle.h"
#include "shipready/ociimage.h"
#include "util/nettle_dl.h"
#include "util/arena.h"

#define DEFAULT_USER "65532:65532"
#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define JSON_FLAGS (JSON_COMPACT | JSON_SORT_KEYS)
/* limits on the base archive (oci_base.c) */
#define BASE_JSON_MAX ((uint64_t)4 << 20)
#define BASE_BLOB_MAX ((uint64_t)1 << 40)
#define BASE_MAX_LAYERS 127
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

struct sr_oci_platform_priv {
	/* labels from the entrypoint program's Go build info, or NULL */
	const char *go_version, *revision, *version, *source;
	int layer_fd;   /* the compressed (OCI) or plain (docker) layer, in a scratch file */
	json_t *base_manifest, *base_config;   /* the base image's, checked; NULL FROM scratch */
};

struct sr_oci_priv {
	struct sr_arena *a;
	struct sr_oci_opts o;
	const char *want_arch, *want_variant;   /* --platform, split */
	struct sr_bundle_opts bopts;
	struct sr_run *run;           /* each program analysed once, for its platform and its bundle */
	const char *base_path, *base_tag;       /* --base oci-archive:PATH[:TAG] (NULL: scratch; no TAG) */
};

/* A running SHA-256 and the bytes it has seen. */
struct hashed {
	struct sha256_ctx sha;
	uint64_t size;
};

/* ociimage.c */
bool oci_has_controls(const char *s);
const char *oci_port_key(struct sr_arena *a, const char *s);
bool oci_valid_env(const char *s);

/* oci_layer.c */
void oci_digest_hex(struct hashed *h, char out[72]);
void oci_digest_of(const char *data, size_t n, char out[72]);
enum sr_err oci_write_layer(struct sr_oci_platform *pl, const char *out, bool compress, int64_t mtime,
                            struct sr_error *err);

/* oci_config.c */
json_t *oci_platform_json(const struct sr_oci_platform *pl);
json_t *oci_descriptor(const char *media_type, const char *digest, uint64_t size);
char *oci_config_doc(const struct sr_oci_priv *p, const struct sr_oci_platform *pl, const char *entrypoint);

/* oci_base.c */
enum sr_err oci_base_open(const struct sr_oci_priv *p, const char *want, struct archive **out, uint64_t *size,
                          struct sr_error *err);
enum sr_err oci_base_stream(const struct sr_oci_priv *p, struct archive *ar, const char *name, uint64_t size,
                            const char *digest, char *mem, struct archive *out, struct sr_error *err);
const char *oci_blob_path(const char *digest, char buf[96]);
enum sr_err oci_base_resolve(struct sr_oci *img, struct sr_error *err);

#endif
