/* shipready — container images written directly, without a daemon or a
 * registry: an OCI image layout in a tar file (what `skopeo copy
 * oci-archive:…`, `podman load` and `umoci` read), or the archive `docker
 * save` writes (`docker load`).
 *
 * Each image is FROM scratch, or FROM a base read from a local OCI image
 * archive (its layers copied blob for blob, digests checked, then ours),
 * with one layer holding the bundle of its programs (shipready/bundle.h) —
 * the programs, their interpreter and libraries and the data files their
 * run-time needs read.  Programs of different
 * platforms (amd64, arm64, …) give one image per platform under one index.
 *
 * Reproducible: the layer is the bundle's tar (sorted, uid/gid 0, every
 * mtime = created), gzip without a timestamp or name, every JSON document
 * with sorted keys and no whitespace, so the same inputs and created time
 * give the same bytes and digests.  Digests are computed (nettle's SHA-256)
 * while the data streams; the output is written to a temporary name beside
 * it and renamed into place (shipready/bundle.h). */
#ifndef SHIPREADY_OCIIMAGE_H
#define SHIPREADY_OCIIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/bundle.h"
#include "shipready/error.h"
#include "shipready/root.h"

#define SR_OCI_SCHEMA_VERSION 1
#define SR_OCI_MAX_PLATFORMS 16

#define SR_OCI_MT_INDEX "application/vnd.oci.image.index.v1+json"
#define SR_OCI_MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define SR_OCI_MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define SR_OCI_MT_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"

enum sr_oci_format {
	SR_OCI_ARCHIVE = 0,       /* OCI image layout in a tar (oci-layout, index.json, blobs/sha256/…) */
	SR_OCI_DOCKER_ARCHIVE,    /* docker save's layout: manifest.json, config, uncompressed layer; one platform */
};

struct sr_oci_opts {
	const struct sr_root *root;         /* libraries and data from here (NULL: the host) */
	const char *prefix;                 /* programs in PREFIX/bin (NULL: /usr/local) */
	enum sr_oci_format format;
	const char *tag;                    /* OCI ref.name; docker: TAG or NAME:TAG (NULL: "latest") */
	const char *entrypoint;             /* path in the image (NULL: each platform's first program) */
	const char *const *cmd;             /* Cmd: arguments after the entrypoint */
	size_t ncmd;
	const char *const *env;             /* NAME=VALUE, after the default PATH */
	size_t nenv;
	const char *user;                   /* NULL: "65532:65532" (never root unless asked for) */
	const char *workdir;                /* NULL: "/" */
	const char *const *expose;          /* "8080", "8080/tcp", "53/udp" */
	size_t nexpose;
	const char *const *labels;          /* KEY=VALUE, over the ones shipready sets */
	size_t nlabels;
	int64_t created;                    /* seconds since the epoch (SOURCE_DATE_EPOCH; 0 by default) */
	const char *platform;               /* "linux/ARCH[/VARIANT]" every FILE must be (it supplies a
	                                     * variant the file does not tell); NULL: from each file */
	const char *base;                   /* NULL or "scratch", or "oci-archive:PATH[:TAG]" (TAG: the
	                                     * only image, or the one tagged latest); oci-archive only */
};

/* One image of the archive: a platform and its layer. */
struct sr_oci_platform {
	const char *os;                     /* "linux" */
	const char *architecture;           /* GOARCH spelling: "amd64", "arm64", "arm", … */
	const char *variant;                /* "v8" for arm64, "v7" for GOARM=7; NULL when none or unknown */
	struct sr_bundle *bundle;           /* what the layer holds */
	const char *entrypoint;             /* path of the program run */
	const char *title;                  /* its file name */
	/* filled by sr_oci_write: "sha256:<64 hex>" and sizes */
	char manifest_digest[72], config_digest[72], layer_digest[72], diff_id[72];
	uint64_t manifest_size, config_size, layer_size, layer_tar_size;
	char base_manifest_digest[72];      /* the base image's manifest ("" FROM scratch) */
	size_t base_layers;                 /* its layers, before ours */
	char *config_json;                  /* the config document as written (labels, env, …) */
	struct sr_oci_platform_priv *priv;
};

struct sr_oci_priv;

struct sr_oci {
	struct sr_oci_platform *platforms;  /* in the order their first program was given */
	size_t platform_count;
	bool unmet_required;                /* some platform's bundle has a required unmet need */
	/* filled by sr_oci_write: what `oci-archive:FILE:TAG` names — the image
	 * manifest (one platform) or the image index of all platforms */
	char digest[72];
	const char *media_type;
	uint64_t size;
	struct sr_oci_priv *priv;
};

/* Check the options (user, ports, labels, env, tag, entrypoint form); an
 * error names the option: "--expose 99999: not a port number". */
/* Load the libraries an image is written with (libarchive, nettle's
 * SHA-256; lib/pack loads them on first use): call it before opening a
 * root or reading any input, so that nothing is loaded once they are
 * open, and a missing library is an error before any work. */
enum sr_err sr_oci_ready(struct sr_error *err);

enum sr_err sr_oci_new(const struct sr_oci_opts *opts, struct sr_oci **out, struct sr_error *err);

/* Add a program (a Linux ELF executable, path on the host): its platform
 * comes from the file (ELF machine, Go's GOARM); it joins that platform's
 * bundle.  On error the image is as it was before the call. */
enum sr_err sr_oci_add(struct sr_oci *img, const char *path, struct sr_error *err);

/* Finish the bundles and write the archive to file (with a base: its
 * index, manifests and config read first, at most 4 MiB each, every name
 * in its tar checked, every blob copied checked against its digest; any
 * fault in it is an error and nothing is written): a temporary beside it,
 * synced and renamed into place (an existing file only with force).  A
 * second platform with SR_OCI_DOCKER_ARCHIVE, or an --entrypoint that is
 * not a program of every platform, is an error before anything is written. */
enum sr_err sr_oci_write(struct sr_oci *img, const char *file, bool force, struct sr_error *err);

void sr_oci_free(struct sr_oci *img);

/* "os/architecture[/variant]" of a platform, in buf (cut to size); buf. */
const char *sr_oci_platform_text(const struct sr_oci_platform *pl, char *buf, size_t size);

#endif
