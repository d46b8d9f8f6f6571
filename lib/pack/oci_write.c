/* shipready — the output archive: layers, configs, manifests and index (OCI) or manifest.json
 * (docker), sorted and reproducible. */
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
#include "util/archive_dl.h"
#include "util/nettle_dl.h"
#include "report/json_util.h"
#include "util/arena.h"
#include "shipready/outfile.h"
#include "pack/oci_internal.h"

/* ------------------------------------------------------------ the archive */

struct item {
	const char *name;
	const char *data;     /* bytes in memory, or NULL */
	int fd;               /* else a scratch file (-1 for a directory) */
	uint64_t size;
	bool dir;
	const char *base_digest;   /* else a blob copied from the base archive */
};

struct items {
	struct item v[8 + (4 + BASE_MAX_LAYERS) * SR_OCI_MAX_PLATFORMS];
	size_t n;
	char *owned[2 + 2 * SR_OCI_MAX_PLATFORMS + 2];   /* documents freed at the end */
	size_t nowned;
};

static struct item *add_item(struct items *it, const char *name, const char *data, int fd, uint64_t size, bool dir)
{
	for (size_t i = 0; i < it->n; i++)
		if (strcmp(it->v[i].name, name) == 0)
			return &it->v[i];   /* the same blob twice (same digest, same bytes) */
	it->v[it->n] = (struct item){ name, data, fd, size, dir, NULL };
	return &it->v[it->n++];
}

static int item_cmp(const void *x, const void *y)
{
	return strcmp(((const struct item *)x)->name, ((const struct item *)y)->name);
}

static const char *own(struct items *it, char *s)
{
	if (s)
		it->owned[it->nowned++] = s;
	return s;
}

static enum sr_err write_item(const struct sr_oci_priv *p, struct archive *ar, const struct item *e, int64_t mtime,
                              struct sr_error *err)
{
	struct archive_entry *ae = archive_entry_new();
	if (!ae)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	archive_entry_set_pathname(ae, e->name);
	archive_entry_set_mtime(ae, (time_t)mtime, 0);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_uname(ae, "root");
	archive_entry_set_gname(ae, "root");
	archive_entry_set_filetype(ae, e->dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(ae, e->dir ? 0755 : 0644);
	if (!e->dir)
		archive_entry_set_size(ae, (la_int64_t)e->size);
	enum sr_err rc = SR_OK;
	if (archive_write_header(ar, ae) != ARCHIVE_OK)
		rc = sr_error_set(err, SR_E_IO, "%s: %s", e->name, archive_error_string(ar));
	else if (e->base_digest) {
		struct archive *in;
		uint64_t size = 0;
		rc = oci_base_open(p, e->name, &in, &size, err);
		if (rc == SR_OK && size != e->size)
			rc = sr_error_set(err, SR_E_MALFORMED, "base %s: %s: %llu bytes, its descriptor says %llu", p->base_path,
			                  e->name, (unsigned long long)size, (unsigned long long)e->size);
		if (rc == SR_OK)
			rc = oci_base_stream(p, in, e->name, size, e->base_digest, NULL, ar, err);
		if (in)
			archive_read_free(in);
	} else if (e->data) {
		if (archive_write_data(ar, e->data, (size_t)e->size) != (la_ssize_t)e->size)
			rc = sr_error_set(err, SR_E_IO, "%s: %s", e->name, archive_error_string(ar));
	} else if (!e->dir) {
		enum { BUF = 1 << 20 };
		char *buf = malloc(BUF);
		if (!buf)
			rc = sr_error_set(err, SR_E_NOMEM, NULL);
		uint64_t off = 0;
		while (rc == SR_OK && off < e->size) {
			size_t want = e->size - off < BUF ? (size_t)(e->size - off) : BUF;
			ssize_t r = pread(e->fd, buf, want, (off_t)off);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				rc = sr_error_set(err, SR_E_IO, "reading back the layer: %s", r < 0 ? strerror(errno) : "short");
			else if (archive_write_data(ar, buf, (size_t)r) != r)
				rc = sr_error_set(err, SR_E_IO, "%s: %s", e->name, archive_error_string(ar));
			else
				off += (uint64_t)r;
		}
		free(buf);
	}
	archive_entry_free(ae);
	return rc;
}

static const char *blob_name(struct sr_arena *a, const char *digest)
{
	char buf[96];
	return sr_arena_strdup(a, oci_blob_path(digest, buf));
}

/* docker's RepoTags: NAME:TAG as given, or localhost/TITLE:TAG. */
static const char *repo_tag(struct sr_arena *a, const char *tag, const char *title)
{
	if (strchr(tag, ':'))
		return tag;
	char buf[512];
	size_t o = (size_t)snprintf(buf, sizeof buf, "localhost/");
	for (const char *p = title; *p && o < 300; p++) {
		char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		buf[o++] = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ? ch : '_';
	}
	snprintf(buf + o, sizeof buf - o, ":%s", tag);
	return sr_arena_strdup(a, buf);
}

/* The image's documents as items of the output: each platform's config and
 * manifest, then the index and oci-layout (OCI) or manifest.json (docker). */
static enum sr_err make_documents(struct sr_oci *img, struct items *it, struct sr_error *err)
{
	struct sr_oci_priv *p = img->priv;
	struct sr_arena *a = p->a;
	bool docker = p->o.format == SR_OCI_DOCKER_ARCHIVE;
	json_t *manifests = json_array();
	for (size_t i = 0; i < img->platform_count; i++) {
		struct sr_oci_platform *pl = &img->platforms[i];
		const char *ep = p->o.entrypoint ? p->o.entrypoint : pl->entrypoint;
		char *cfg = oci_config_doc(p, pl, ep);
		if (!cfg) {
			json_decref(manifests);
			return sr_error_set(err, SR_E_NOMEM, NULL);
		}
		pl->config_json = strdup(cfg);
		own(it, cfg);
		pl->config_size = strlen(cfg);
		oci_digest_of(cfg, pl->config_size, pl->config_digest);
		if (docker) {
			char name[96];
			snprintf(name, sizeof name, "%s.json", pl->config_digest + 7);
			const char *config = sr_arena_strdup(a, name);
			add_item(it, config, cfg, -1, pl->config_size, false);
			snprintf(name, sizeof name, "%s", pl->layer_digest + 7);
			add_item(it, sr_arena_strdup(a, name), NULL, -1, 0, true);
			snprintf(name, sizeof name, "%s/layer.tar", pl->layer_digest + 7);
			const char *layer = sr_arena_strdup(a, name);
			add_item(it, layer, NULL, pl->priv->layer_fd, pl->layer_size, false);
			json_t *m = json_pack("[{s:s,s:[s],s:[s]}]", "Config", config, "RepoTags",
			                      repo_tag(a, p->o.tag, pl->title), "Layers", layer);
			const char *doc = own(it, json_dumps(m, JSON_FLAGS));
			json_decref(m);
			if (!doc) {
				json_decref(manifests);
				return sr_error_set(err, SR_E_NOMEM, NULL);
			}
			add_item(it, "manifest.json", doc, -1, strlen(doc), false);
			/* a docker archive's image is named by its config's digest (the image ID) */
			snprintf(img->digest, sizeof img->digest, "%s", pl->config_digest);
			img->media_type = "application/vnd.docker.container.image.v1+json";
			img->size = pl->config_size;
			break;
		}
		add_item(it, blob_name(a, pl->config_digest), cfg, -1, pl->config_size, false);
		add_item(it, blob_name(a, pl->layer_digest), NULL, pl->priv->layer_fd, pl->layer_size, false);
		/* the base's layers first, as they are (same digests, sizes and media types) */
		json_t *layers = json_array();
		size_t k;
		const json_t *l;
		json_array_foreach(json_object_get(pl->priv->base_manifest, "layers"), k, l) {
			const char *d = json_string_value(json_object_get(l, "digest"));
			json_int_t size = json_integer_value(json_object_get(l, "size"));
			add_item(it, blob_name(a, d), NULL, -1, (uint64_t)size, false)->base_digest = d;
			json_array_append_new(layers,
			                      oci_descriptor(json_string_value(json_object_get(l, "mediaType")), d, (uint64_t)size));
		}
		json_array_append_new(layers, oci_descriptor(SR_OCI_MT_LAYER_GZIP, pl->layer_digest, pl->layer_size));
		json_t *m = json_pack("{s:i,s:s,s:o,s:o}", "schemaVersion", 2, "mediaType", SR_OCI_MT_MANIFEST, "config",
		                      oci_descriptor(SR_OCI_MT_CONFIG, pl->config_digest, pl->config_size), "layers", layers);
		const char *doc = own(it, json_dumps(m, JSON_FLAGS));
		json_decref(m);
		if (!doc) {
			json_decref(manifests);
			return sr_error_set(err, SR_E_NOMEM, NULL);
		}
		pl->manifest_size = strlen(doc);
		oci_digest_of(doc, pl->manifest_size, pl->manifest_digest);
		add_item(it, blob_name(a, pl->manifest_digest), doc, -1, pl->manifest_size, false);
		json_t *d = oci_descriptor(SR_OCI_MT_MANIFEST, pl->manifest_digest, pl->manifest_size);
		json_object_set_new(d, "platform", oci_platform_json(pl));
		json_array_append_new(manifests, d);
	}
	if (docker) {
		json_decref(manifests);
		return SR_OK;
	}
	/* index.json names the image by the tag: the manifest itself (one
	 * platform), or an image index of the platforms' manifests */
	json_t *top;
	if (img->platform_count == 1) {
		top = json_incref(json_array_get(manifests, 0));
		struct sr_oci_platform *pl = &img->platforms[0];
		memcpy(img->digest, pl->manifest_digest, sizeof img->digest);
		img->size = pl->manifest_size;
		img->media_type = SR_OCI_MT_MANIFEST;
	} else {
		json_t *idx = json_pack("{s:i,s:s,s:O}", "schemaVersion", 2, "mediaType", SR_OCI_MT_INDEX, "manifests",
		                        manifests);
		const char *doc = own(it, json_dumps(idx, JSON_FLAGS));
		json_decref(idx);
		if (!doc) {
			json_decref(manifests);
			return sr_error_set(err, SR_E_NOMEM, NULL);
		}
		img->size = strlen(doc);
		oci_digest_of(doc, img->size, img->digest);
		img->media_type = SR_OCI_MT_INDEX;
		add_item(it, blob_name(a, img->digest), doc, -1, img->size, false);
		top = oci_descriptor(SR_OCI_MT_INDEX, img->digest, img->size);
	}
	json_object_set_new(top, "annotations", json_pack("{s:s}", "org.opencontainers.image.ref.name", p->o.tag));
	json_t *index = json_pack("{s:i,s:s,s:[o]}", "schemaVersion", 2, "mediaType", SR_OCI_MT_INDEX, "manifests", top);
	/* several platforms: each image also by its own name, TAG-ARCH[-VARIANT]
	 * (umoci, and tools without a platform choice, need one manifest per name) */
	for (size_t i = 0; img->platform_count > 1 && i < img->platform_count; i++) {
		const struct sr_oci_platform *pl = &img->platforms[i];
		char ref[400];
		snprintf(ref, sizeof ref, "%s-%s%s%s", p->o.tag, pl->architecture, pl->variant ? "-" : "",
		         pl->variant ? pl->variant : "");
		json_t *d = json_deep_copy(json_array_get(manifests, i));
		json_object_set_new(d, "annotations", json_pack("{s:s}", "org.opencontainers.image.ref.name", ref));
		json_array_append_new(json_object_get(index, "manifests"), d);
	}
	json_decref(manifests);
	const char *doc = own(it, json_dumps(index, JSON_FLAGS));
	json_decref(index);
	const char *layout = "{\"imageLayoutVersion\":\"1.0.0\"}";
	if (!doc)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	add_item(it, "index.json", doc, -1, strlen(doc), false);
	add_item(it, "oci-layout", layout, -1, strlen(layout), false);
	add_item(it, "blobs", NULL, -1, 0, true);
	add_item(it, "blobs/sha256", NULL, -1, 0, true);
	return SR_OK;
}

static bool has_program(const struct sr_bundle *b, const char *path)
{
	for (size_t i = 0; i < b->entry_count; i++)
		if (b->entries[i].kind == SR_BUNDLE_PROGRAM && strcmp(b->entries[i].path, path) == 0)
			return true;
	return false;
}

enum sr_err sr_oci_write(struct sr_oci *img, const char *file, bool force, struct sr_error *err)
{
	struct sr_oci_priv *p = img->priv;
	if (img->platform_count == 0)
		return sr_error_set(err, SR_E_USAGE, "no programs to put in the image");
	if (p->o.format == SR_OCI_DOCKER_ARCHIVE && img->platform_count > 1)
		return sr_error_set(err, SR_E_UNSUPPORTED,
		                    "programs for %zu platforms (%s, %s, …): a docker archive holds one; "
		                    "--format oci-archive makes a multi-platform index",
		                    img->platform_count, img->platforms[0].architecture, img->platforms[1].architecture);
	img->unmet_required = false;
	enum sr_err rc = SR_OK;
	for (size_t i = 0; i < img->platform_count && rc == SR_OK; i++) {
		struct sr_oci_platform *pl = &img->platforms[i];
		rc = sr_bundle_finish(pl->bundle, err);
		if (rc == SR_OK && p->o.entrypoint && !has_program(pl->bundle, p->o.entrypoint))
			rc = sr_error_set(err, SR_E_USAGE, "--entrypoint %s: not a program of the %s image", p->o.entrypoint,
			                  pl->architecture);
		img->unmet_required |= pl->bundle->unmet_required;
	}
	if (rc != SR_OK || (rc = sr_oci_ready(err)) != SR_OK)
		return rc;
	if (p->base_path && (rc = oci_base_resolve(img, err)) != SR_OK)
		return rc;
	struct sr_outfile of;
	if ((rc = sr_outfile_open(&of, file, force, err)) != SR_OK)
		return rc;
	for (size_t i = 0; i < img->platform_count && rc == SR_OK; i++)
		rc = oci_write_layer(&img->platforms[i], file, p->o.format == SR_OCI_ARCHIVE, p->o.created, err);
	struct items *it = calloc(1, sizeof *it);
	if (!it && rc == SR_OK)
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
	if (rc == SR_OK)
		rc = make_documents(img, it, err);
	struct archive *ar = NULL;
	if (rc == SR_OK) {
		qsort(it->v, it->n, sizeof it->v[0], item_cmp);
		ar = archive_write_new();
		if (!ar || archive_write_set_format_ustar(ar) != ARCHIVE_OK || archive_write_open_fd(ar, of.fd) != ARCHIVE_OK)
			rc = sr_error_set(err, SR_E_IO, "%s", ar ? archive_error_string(ar) : "out of memory");
	}
	for (size_t i = 0; rc == SR_OK && i < it->n; i++)
		rc = write_item(p, ar, &it->v[i], p->o.created, err);
	if (rc == SR_OK && archive_write_close(ar) != ARCHIVE_OK)
		rc = sr_error_set(err, SR_E_IO, "%s", archive_error_string(ar));
	if (ar)
		archive_write_free(ar);
	if (it)
		for (size_t i = 0; i < it->nowned; i++)
			free(it->owned[i]);
	free(it);
	for (size_t i = 0; i < img->platform_count; i++) {
		struct sr_oci_platform_priv *pp = img->platforms[i].priv;
		if (pp->layer_fd >= 0)
			close(pp->layer_fd);
		pp->layer_fd = -1;
	}
	if (rc != SR_OK) {
		sr_outfile_abort(&of);
		return rc;
	}
	return sr_outfile_commit(&of, err);
}
