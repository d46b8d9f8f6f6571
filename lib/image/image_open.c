/* shipready — an image's documents: which platforms it holds and which
 * layers make each (see shipready/imageroot.h). */
#define _GNU_SOURCE   /* O_PATH */
#include "image/image_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MAX_NESTING 4   /* index inside index (buildx writes one) */

static const struct {
	const char *prefix;
	enum image_kind kind;
} transports[] = {
	{ "oci-archive:", IMAGE_OCI_ARCHIVE },
	{ "docker-archive:", IMAGE_DOCKER_ARCHIVE },
	{ "oci:", IMAGE_OCI_DIR },
};

bool sr_image_spec_is(const char *spec)
{
	for (size_t i = 0; i < sizeof transports / sizeof *transports; i++)
		if (strncmp(spec, transports[i].prefix, strlen(transports[i].prefix)) == 0)
			return true;
	return false;
}

/* PATH[:TAG]: the whole is the path when it exists, else it is split at
 * the last ':' (a tag has no '/'). */
static enum sr_err split_spec(struct sr_image *img, const char *rest, struct sr_error *err)
{
	struct stat st;
	const char *colon = strrchr(rest, ':');
	if (stat(rest, &st) == 0 || !colon || strchr(colon, '/')) {
		img->path = strdup(rest);
	} else {
		img->path = strndup(rest, (size_t)(colon - rest));
		img->tag = strdup(colon + 1);
		if (img->tag && !img->tag[0]) {
			free(img->tag);
			img->tag = NULL;
		}
	}
	if (!img->path)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	if (!img->path[0])
		return sr_error_set(err, SR_E_USAGE, "names no file");
	return SR_OK;
}

/* A JSON object read whole from a blob (at most IMAGE_MAX_DOC bytes). */
/* A JSON document read whole from a blob (at most IMAGE_MAX_DOC bytes),
 * its size and digest checked. */
static enum sr_err read_json(const struct sr_image *img, const struct image_blob_ref *ref, json_t **out,
                             struct sr_error *err)
{
	*out = NULL;
	struct image_blob b;
	enum sr_err rc = image_blob_open(img, ref, &b, err);
	if (rc != SR_OK)
		return rc;
	if (b.size > IMAGE_MAX_DOC) {
		image_blob_close(&b);
		return sr_error_set(err, SR_E_TOO_BIG, "%s: a JSON document over 4 MiB", ref->name);
	}
	char *mem = malloc(b.size ? b.size : 1);
	size_t got = 0;
	long n = 0;
	while (mem && got < b.size && (n = image_blob_read(&b, mem + got, b.size - got)) > 0)
		got += (size_t)n;
	if (!mem)
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
	else if (got < b.size)
		rc = sr_error_set(err, SR_E_TRUNCATED, "%s: %s", ref->name, b.why);
	else
		rc = image_blob_finish(&b, err);
	image_blob_close(&b);
	if (rc == SR_OK && !(*out = json_loadb(mem, got, JSON_REJECT_DUPLICATES, NULL)))
		rc = sr_error_set(err, SR_E_MALFORMED, "%s: not JSON", ref->name);
	free(mem);
	return rc;
}

/* The same, for a document that must be a JSON object. */
static enum sr_err read_doc(const struct sr_image *img, const struct image_blob_ref *ref, json_t **out,
                            struct sr_error *err)
{
	enum sr_err rc = read_json(img, ref, out, err);
	if (rc == SR_OK && !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		rc = sr_error_set(err, SR_E_MALFORMED, "%s: not a JSON object", ref->name);
	}
	return rc;
}

/* A descriptor's blob: {"digest": "sha256:…", "size": N}. */
static bool descriptor_ref(const json_t *d, struct image_blob_ref *ref)
{
	const char *dg = json_string_value(json_object_get(d, "digest"));
	const json_t *sz = json_object_get(d, "size");
	if (!dg || strncmp(dg, "sha256:", 7) != 0 || strlen(dg) != 71 || strchr(dg + 7, '/') ||
	    !json_is_integer(sz) || json_integer_value(sz) < 0)
		return false;
	snprintf(ref->name, sizeof ref->name, "blobs/sha256/%s", dg + 7);
	snprintf(ref->digest, sizeof ref->digest, "%s", dg);
	ref->size = json_integer_value(sz);
	return true;
}

static void copy_str(char *dst, size_t cap, const json_t *v)
{
	const char *s = json_string_value(v);
	snprintf(dst, cap, "%s", s ? s : "");
}

/* The platform from the config (os, architecture, variant) and its name. */
static enum sr_err platform_from_config(struct sr_image_platform *pl, const json_t *cfg, const char *what,
                                        struct sr_error *err)
{
	copy_str(pl->os, sizeof pl->os, json_object_get(cfg, "os"));
	copy_str(pl->architecture, sizeof pl->architecture, json_object_get(cfg, "architecture"));
	copy_str(pl->variant, sizeof pl->variant, json_object_get(cfg, "variant"));
	if (!pl->os[0] || !pl->architecture[0])
		return sr_error_set(err, SR_E_MALFORMED, "%s: the config names no os or architecture", what);
	/* printed and put in JSON as they are: names only */
	const char *names[] = { pl->os, pl->architecture, pl->variant };
	for (size_t i = 0; i < 3; i++)
		if (strspn(names[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(names[i]))
			return sr_error_set(err, SR_E_MALFORMED, "%s: the config's os, architecture or variant is not a name",
			                    what);
	snprintf(pl->name, sizeof pl->name, "%s/%s%s%s", pl->os, pl->architecture, pl->variant[0] ? "/" : "",
	         pl->variant);
	return SR_OK;
}

static enum sr_err add_layer(struct image_layer_list *l, const struct image_blob_ref *ref, struct sr_error *err)
{
	if (l->n >= SR_IMAGE_MAX_LAYERS)
		return sr_error_set(err, SR_E_TOO_BIG, "more than %d layers", SR_IMAGE_MAX_LAYERS);
	struct image_blob_ref *v = realloc(l->v, (l->n + 1) * sizeof *v);
	if (!v)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	l->v = v;
	v[l->n++] = *ref;
	return SR_OK;
}

static enum sr_err new_platform(struct sr_image *img, size_t *i, struct sr_error *err)
{
	if (img->n >= SR_IMAGE_MAX_PLATFORMS)
		return sr_error_set(err, SR_E_TOO_BIG, "more than %d images", SR_IMAGE_MAX_PLATFORMS);
	*i = img->n++;
	return SR_OK;
}

/* An OCI (or Docker v2) image manifest: its config and layers. */
static enum sr_err read_manifest(struct sr_image *img, const struct image_blob_ref *ref, struct sr_error *err)
{
	json_t *m = NULL, *cfg = NULL;
	enum sr_err rc = read_doc(img, ref, &m, err);
	if (rc != SR_OK)
		return rc;
	struct image_blob_ref cref;
	const json_t *layers = json_object_get(m, "layers");
	if (!descriptor_ref(json_object_get(m, "config"), &cref) || !json_is_array(layers)) {
		json_decref(m);
		return sr_error_set(err, SR_E_MALFORMED, "manifest %s: no config or layers", ref->digest);
	}
	size_t i = 0;
	if ((rc = new_platform(img, &i, err)) != SR_OK || (rc = read_doc(img, &cref, &cfg, err)) != SR_OK)
		goto out;
	struct sr_image_platform *pl = &img->plat[i];
	snprintf(pl->manifest_digest, sizeof pl->manifest_digest, "%s", ref->digest);
	if ((rc = platform_from_config(pl, cfg, ref->digest, err)) != SR_OK)
		goto out;
	size_t k;
	const json_t *d;
	json_array_foreach(layers, k, d) {
		struct image_blob_ref lref;
		const char *mt = json_string_value(json_object_get(d, "mediaType"));
		if (!descriptor_ref(d, &lref)) {
			rc = sr_error_set(err, SR_E_MALFORMED, "manifest %s: layer %zu: not a descriptor", ref->digest, k + 1);
			goto out;
		}
		if (mt && strstr(mt, "encrypted")) {
			rc = sr_error_set(err, SR_E_UNSUPPORTED, "manifest %s: layer %zu is encrypted (%s)", ref->digest,
			                  k + 1, mt);
			goto out;
		}
		if ((rc = add_layer(&img->layers[i], &lref, err)) != SR_OK)
			goto out;
	}
	pl->layers = img->layers[i].n;
out:
	json_decref(cfg);
	json_decref(m);
	return rc;
}

static bool is_attestation(const json_t *d)
{
	const json_t *p = json_object_get(d, "platform");
	const char *os = json_string_value(json_object_get(p, "os"));
	const char *ref_type = json_string_value(json_object_get(json_object_get(d, "annotations"),
	                                                           "vnd.docker.reference.type"));
	return (os && strcmp(os, "unknown") == 0) || (ref_type && strcmp(ref_type, "attestation-manifest") == 0);
}

/* An index: each manifest in it (for the top level, those tagged TAG). */
static enum sr_err read_index(struct sr_image *img, const json_t *idx, int depth, json_t *tags, struct sr_error *err)
{
	const json_t *ms = json_object_get(idx, "manifests");
	if (!json_is_array(ms))
		return sr_error_set(err, SR_E_MALFORMED, "an index with no manifests");
	size_t k;
	const json_t *d;
	json_array_foreach(ms, k, d) {
		const char *mt = json_string_value(json_object_get(d, "mediaType"));
		const char *ref_name = json_string_value(json_object_get(json_object_get(d, "annotations"),
		                                                           "org.opencontainers.image.ref.name"));
		if (depth == 0 && ref_name && tags)
			json_array_append_new(tags, json_string(ref_name));
		if (depth == 0 && img->tag && (!ref_name || strcmp(ref_name, img->tag) != 0))
			continue;
		if (is_attestation(d))
			continue;
		struct image_blob_ref ref;
		if (!descriptor_ref(d, &ref))
			return sr_error_set(err, SR_E_MALFORMED, "index: manifest %zu: not a descriptor", k + 1);
		enum sr_err rc;
		if (mt && (strcmp(mt, MT_OCI_INDEX) == 0 || strcmp(mt, MT_DOCKER_LIST) == 0)) {
			if (depth + 1 >= MAX_NESTING)
				return sr_error_set(err, SR_E_MALFORMED, "indexes nested more than %d deep", MAX_NESTING);
			json_t *sub = NULL;
			if ((rc = read_doc(img, &ref, &sub, err)) != SR_OK)
				return rc;
			rc = read_index(img, sub, depth + 1, NULL, err);
			json_decref(sub);
		} else if (!mt || strcmp(mt, MT_OCI_MANIFEST) == 0 || strcmp(mt, MT_DOCKER_MANIFEST) == 0) {
			rc = read_manifest(img, &ref, err);
		} else {
			continue;   /* an artifact, not an image */
		}
		if (rc != SR_OK)
			return rc;
	}
	return SR_OK;
}

static enum sr_err read_oci(struct sr_image *img, struct sr_error *err)
{
	struct image_blob_ref ref = { .name = "index.json", .size = -1 };
	json_t *idx = NULL, *tags = json_array();
	enum sr_err rc = read_doc(img, &ref, &idx, err);
	if (rc == SR_OK)
		rc = read_index(img, idx, 0, tags, err);
	if (rc == SR_OK && img->n == 0) {
		char list[256] = "";
		size_t k;
		const json_t *t;
		json_array_foreach(tags, k, t) {
			size_t l = strlen(list);
			snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", json_string_value(t));
		}
		if (img->tag)
			rc = sr_error_set(err, SR_E_NOENT, "no image tagged '%s' (tags: %s)", img->tag,
			                  list[0] ? list : "none");
		else
			rc = sr_error_set(err, SR_E_NOENT, "no image in the index");
	}
	json_decref(tags);
	json_decref(idx);
	return rc;
}

/* docker save: manifest.json, [{"Config": NAME, "RepoTags": [...], "Layers": [NAME, …]}]. */
static enum sr_err read_docker(struct sr_image *img, struct sr_error *err)
{
	struct image_blob_ref ref = { .name = "manifest.json", .size = -1 };
	json_t *doc = NULL, *cfg = NULL;
	enum sr_err rc = read_json(img, &ref, &doc, err);   /* an array, not an object */
	if (rc != SR_OK)
		return rc;
	const json_t *pick = NULL, *e;
	size_t k;
	if (json_is_array(doc))
		json_array_foreach(doc, k, e) {
			const json_t *t;
			size_t j;
			if (!img->tag && !pick)
				pick = e;
			json_array_foreach(json_object_get(e, "RepoTags"), j, t) {
				const char *s = json_string_value(t);
				const char *c = s ? strrchr(s, ':') : NULL;
				if (img->tag && s && (strcmp(s, img->tag) == 0 || (c && strcmp(c + 1, img->tag) == 0)))
					pick = pick ? pick : e;
			}
		}
	const char *cname = json_string_value(json_object_get(pick, "Config"));
	const json_t *layers = json_object_get(pick, "Layers");
	if (!json_is_array(doc)) {
		rc = sr_error_set(err, SR_E_MALFORMED, "manifest.json: not an array of images");
	} else if (!pick) {
		rc = img->tag ? sr_error_set(err, SR_E_NOENT, "no image tagged '%s'", img->tag)
		              : sr_error_set(err, SR_E_NOENT, "no image in manifest.json");
	} else if (!cname || !json_is_array(layers)) {
		rc = sr_error_set(err, SR_E_MALFORMED, "manifest.json: no Config or Layers");
	}
	size_t i = 0;
	if (rc == SR_OK)
		rc = new_platform(img, &i, err);
	if (rc == SR_OK) {
		struct image_blob_ref cref = { .size = -1 };
		snprintf(cref.name, sizeof cref.name, "%s", cname);
		/* "blobs/sha256/HEX" (docker 25 and later) or "HEX.json" */
		const char *leaf = strrchr(cname, '/') ? strrchr(cname, '/') + 1 : cname;
		if (strspn(leaf, "0123456789abcdef") == 64)
			snprintf(cref.digest, sizeof cref.digest, "sha256:%.64s", leaf);
		rc = read_doc(img, &cref, &cfg, err);
	}
	if (rc == SR_OK)
		rc = platform_from_config(&img->plat[i], cfg, cname, err);
	const json_t *diff_ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	if (rc == SR_OK && json_array_size(diff_ids) != json_array_size(layers))
		rc = sr_error_set(err, SR_E_MALFORMED, "%s: rootfs.diff_ids and Layers differ in number", cname);
	json_array_foreach(layers, k, e) {
		if (rc != SR_OK)
			break;
		const char *ln = json_string_value(e);
		const char *id = json_string_value(json_array_get(diff_ids, k));
		struct image_blob_ref lref = { .size = -1 };
		if (!ln || strlen(ln) >= sizeof lref.name) {
			rc = sr_error_set(err, SR_E_MALFORMED, "manifest.json: layer %zu: not a name", k + 1);
			break;
		}
		snprintf(lref.name, sizeof lref.name, "%s", ln);
		/* the blob's own digest when its name says it; else an uncompressed
		 * layer.tar, whose digest is its diff_id */
		if (strncmp(ln, "blobs/sha256/", 13) == 0 && strlen(ln) == 13 + 64)
			snprintf(lref.digest, sizeof lref.digest, "sha256:%s", ln + 13);
		else if (id)
			snprintf(lref.digest, sizeof lref.digest, "%s", id);
		rc = add_layer(&img->layers[i], &lref, err);
	}
	if (rc == SR_OK)
		img->plat[i].layers = img->layers[i].n;
	json_decref(cfg);
	json_decref(doc);
	return rc;
}

enum sr_err sr_image_open(const char *spec, struct sr_image **out, struct sr_error *err)
{
	*out = NULL;
	struct sr_image *img = calloc(1, sizeof *img);
	if (!img)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	img->dirfd = -1;
	if (!(img->spec = strdup(spec))) {
		free(img);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	enum sr_err rc = SR_E_USAGE;
	for (size_t i = 0; i < sizeof transports / sizeof *transports; i++)
		if (strncmp(spec, transports[i].prefix, strlen(transports[i].prefix)) == 0) {
			img->kind = transports[i].kind;
			rc = split_spec(img, spec + strlen(transports[i].prefix), err);
			break;
		}
	if (rc == SR_E_USAGE && !err->code)
		rc = sr_error_set(err, SR_E_USAGE, "not an image (oci-archive:, docker-archive:, oci:)");
	if (rc == SR_OK && img->kind == IMAGE_OCI_DIR) {
		img->dirfd = open(img->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (img->dirfd < 0)
			rc = sr_error_set(err, errno == ENOENT ? SR_E_NOENT : SR_E_IO, "%s: %s", img->path,
			                  errno == ENOTDIR ? "not an OCI layout directory" : strerror(errno));
	}
	if (rc == SR_OK && img->kind == IMAGE_DOCKER_ARCHIVE)
		rc = read_docker(img, err);
	else if (rc == SR_OK)
		rc = read_oci(img, err);
	if (rc != SR_OK) {
		sr_image_free(img);
		return rc;
	}
	*out = img;
	return SR_OK;
}

size_t sr_image_platform_count(const struct sr_image *img)
{
	return img->n;
}

const struct sr_image_platform *sr_image_platform_at(const struct sr_image *img, size_t i)
{
	return i < img->n ? &img->plat[i] : NULL;
}

/* GOARCH as uname(2) spells the machine. */
static const char *goarch_of_machine(const char *m)
{
	static const char *const map[][2] = {
		{ "x86_64", "amd64" }, { "aarch64", "arm64" }, { "i686", "386" },   { "i386", "386" },
		{ "armv7l", "arm" },   { "armv6l", "arm" },    { "ppc64le", "ppc64le" }, { "s390x", "s390x" },
		{ "riscv64", "riscv64" },
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(m, map[i][0]) == 0)
			return map[i][1];
	return m;
}

size_t sr_image_platform_for(const struct sr_image *img, const char *machine)
{
	if (img->n == 1)
		return 0;
	const char *arch = machine ? goarch_of_machine(machine) : NULL;
	for (size_t i = 0; arch && i < img->n; i++)
		if (strcmp(img->plat[i].architecture, arch) == 0)
			return i;
	return SIZE_MAX;
}

void sr_image_free(struct sr_image *img)
{
	if (!img)
		return;
	for (size_t i = 0; i < SR_IMAGE_MAX_PLATFORMS; i++) {
		image_tree_free(img->trees[i]);
		free(img->layers[i].v);
	}
	free(img->spec);
	if (img->dirfd >= 0)
		close(img->dirfd);
	free(img->path);
	free(img->tag);
	free(img);
}
