/* shipready — reading a base image archive (untrusted): names, documents, blobs checked against
 * their digests. */
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

/* ------------------------------------------------------------ the base image
 *
 * The base archive is untrusted input.  It is read with libarchive in
 * passes, one per document or blob wanted (a tar cannot be searched): the
 * first checks every name in it, the JSON documents are read whole but at
 * most BASE_JSON_MAX bytes, and the layers are streamed from it straight
 * into the output.  Every blob's bytes are hashed and must match its name. */


/* The name of a tar entry, "./" stripped; NULL for an absolute name or one with a ".." part. */
static const char *safe_name(const char *n)
{
	if (!n)
		return NULL;
	while (n[0] == '.' && n[1] == '/')
		n += 2;
	if (n[0] == '/')
		return NULL;
	for (const char *c = n; *c; c = strchr(c, '/') ? strchr(c, '/') + 1 : c + strlen(c))
		if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || c[2] == '\0'))
			return NULL;
	return n;
}

/* Open the base archive and read up to the regular file named want (NULL:
 * through to the end, checking every name). */
enum sr_err oci_base_open(const struct sr_oci_priv *p, const char *want, struct archive **out, uint64_t *size,
                          struct sr_error *err)
{
	*out = NULL;
	struct archive *ar = archive_read_new();
	if (!ar)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	enum sr_err rc = SR_OK;
	if (archive_read_support_format_tar(ar) != ARCHIVE_OK ||
	    archive_read_open_filename(ar, p->base_path, 1 << 16) != ARCHIVE_OK) {
		int e = access(p->base_path, R_OK) == 0 ? 0 : errno;
		rc = sr_error_set(err, e == ENOENT ? SR_E_NOENT : SR_E_IO, "base %s: %s", p->base_path,
		                  e == ENOENT ? "no such file" : "cannot be read");
		archive_read_free(ar);
		return rc;
	}
	struct archive_entry *ae;
	int r;
	while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *raw = archive_entry_pathname(ae);
		const char *name = safe_name(raw);
		if (!name || oci_has_controls(name)) {
			rc = sr_error_set(err, SR_E_MALFORMED, "base %s: an unsafe name in the archive: %.200s", p->base_path,
			                  raw && !oci_has_controls(raw) ? raw : "(control characters)");
			break;
		}
		if (want && strcmp(name, want) == 0 && archive_entry_filetype(ae) == AE_IFREG) {
			la_int64_t sz = archive_entry_size(ae);
			if (sz < 0 || (uint64_t)sz > BASE_BLOB_MAX) {
				rc = sr_error_set(err, SR_E_TOO_BIG, "base %s: %s: size out of range", p->base_path, want);
				break;
			}
			*size = (uint64_t)sz;
			*out = ar;
			return SR_OK;
		}
		if (archive_read_data_skip(ar) != ARCHIVE_OK) {
			r = ARCHIVE_FATAL;
			break;
		}
	}
	if (rc == SR_OK && r != ARCHIVE_EOF)
		rc = sr_error_set(err, SR_E_MALFORMED, "base %s: not a valid tar archive", p->base_path);
	else if (rc == SR_OK && want)
		rc = sr_error_set(err, SR_E_MALFORMED, "base %s: no %s in the archive", p->base_path, want);
	archive_read_free(ar);
	return rc;
}

static bool valid_digest(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
		return false;
	for (const char *c = d + 7; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return false;
	return true;
}

/* Read the entry base_open stopped at, size bytes: into mem, or written to
 * out; its sha256 must be digest (NULL: index.json, named by no digest). */
enum sr_err oci_base_stream(const struct sr_oci_priv *p, struct archive *ar, const char *name, uint64_t size,
                            const char *digest, char *mem, struct archive *out, struct sr_error *err)
{
	enum { BUF = 1 << 16 };
	char *buf = mem ? NULL : malloc(BUF);
	if (!mem && !buf)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	struct hashed h;
	sha256_init(&h.sha);
	h.size = 0;
	enum sr_err rc = SR_OK;
	for (;;) {
		char *at = mem ? mem + h.size : buf;
		size_t want = mem ? (size_t)(size - h.size) + 1 : BUF;
		la_ssize_t r = archive_read_data(ar, at, want);
		if (r < 0) {
			rc = sr_error_set(err, SR_E_MALFORMED, "base %s: %s: cannot be read from the archive", p->base_path,
			                  name);
			break;
		}
		if (r == 0)
			break;
		if (h.size + (uint64_t)r > size) {
			rc = sr_error_set(err, SR_E_MALFORMED, "base %s: %s: longer than its size", p->base_path, name);
			break;
		}
		sha256_update(&h.sha, (size_t)r, (const uint8_t *)at);
		h.size += (uint64_t)r;
		if (out && archive_write_data(out, at, (size_t)r) != r) {
			rc = sr_error_set(err, SR_E_IO, "%s: %s", name, archive_error_string(out));
			break;
		}
	}
	free(buf);
	if (rc == SR_OK && h.size != size)
		rc = sr_error_set(err, SR_E_TRUNCATED, "base %s: %s: shorter than its size", p->base_path, name);
	char got[72];
	oci_digest_hex(&h, got);
	if (rc == SR_OK && digest && strcmp(got, digest) != 0)
		rc = sr_error_set(err, SR_E_MALFORMED, "base %s: %s: its content does not match its digest", p->base_path,
		                  name);
	return rc;
}

const char *oci_blob_path(const char *digest, char buf[96])
{
	snprintf(buf, 96, "blobs/sha256/%s", digest + 7);
	return buf;
}

/* A JSON object from the base: index.json (digest NULL) or a blob. */
static enum sr_err base_json(const struct sr_oci_priv *p, const char *digest, json_t **out, struct sr_error *err)
{
	*out = NULL;
	char nb[96];
	const char *name = digest ? oci_blob_path(digest, nb) : "index.json";
	struct archive *ar;
	uint64_t size = 0;
	enum sr_err rc = oci_base_open(p, name, &ar, &size, err);
	if (rc != SR_OK)
		return rc;
	char *mem = size <= BASE_JSON_MAX ? malloc((size_t)size + 1) : NULL;
	if (size > BASE_JSON_MAX)
		rc = sr_error_set(err, SR_E_TOO_BIG, "base %s: %s: a JSON document over 4 MiB", p->base_path, name);
	else if (!mem)
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
	else
		rc = oci_base_stream(p, ar, name, size, digest, mem, NULL, err);
	archive_read_free(ar);
	if (rc == SR_OK) {
		json_error_t je;
		*out = json_loadb(mem, (size_t)size, JSON_REJECT_DUPLICATES, &je);
		if (!json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			rc = sr_error_set(err, SR_E_MALFORMED, "base %s: %s: not a JSON object", p->base_path, name);
		}
	}
	free(mem);
	return rc;
}

/* A descriptor's digest, or NULL when it is not a well-formed one. */
static const char *desc_digest(const json_t *d)
{
	const json_t *size = json_object_get(d, "size");
	const char *digest = json_string_value(json_object_get(d, "digest"));
	const char *mt = json_string_value(json_object_get(d, "mediaType"));
	if (!json_is_integer(size) || json_integer_value(size) < 0 || (uint64_t)json_integer_value(size) > BASE_BLOB_MAX ||
	    !valid_digest(digest) || !mt || !mt[0] || oci_has_controls(mt))
		return NULL;
	return digest;
}

static bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* A platform object (an index entry's, or a config) against ours; arm64 without a variant is v8. */
static bool platform_matches(const json_t *o, const struct sr_oci_platform *pl)
{
	const char *v = json_string_value(json_object_get(o, "variant"));
	const char *ours = pl->variant;
	if (strcmp(pl->architecture, "arm64") == 0) {
		v = v ? v : "v8";
		ours = ours ? ours : "v8";
	}
	return str_eq(json_string_value(json_object_get(o, "os")), pl->os) &&
	       str_eq(json_string_value(json_object_get(o, "architecture")), pl->architecture) &&
	       (v ? str_eq(v, ours) : !ours);
}

const char *sr_oci_platform_text(const struct sr_oci_platform *pl, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s%s%s", pl->os, pl->architecture, pl->variant ? "/" : "", pl->variant ? pl->variant : "");
	return buf;
}

/* The manifest a platform is built on: its config's platform must be ours,
 * its layers and diff_ids well-formed. */
static enum sr_err base_manifest(const struct sr_oci_priv *p, struct sr_oci_platform *pl, const char *digest,
                                 struct sr_error *err)
{
	struct sr_oci_platform_priv *pp = pl->priv;
	enum sr_err rc = base_json(p, digest, &pp->base_manifest, err);
	if (rc != SR_OK)
		return rc;
	snprintf(pl->base_manifest_digest, sizeof pl->base_manifest_digest, "%s", digest);
	const json_t *m = pp->base_manifest;
	const json_t *cfg = json_object_get(m, "config");
	const json_t *layers = json_object_get(m, "layers");
	const char *mt = json_string_value(json_object_get(m, "mediaType"));
	if ((mt && strcmp(mt, SR_OCI_MT_MANIFEST) != 0) || !desc_digest(cfg) || !json_is_array(layers) ||
	    json_array_size(layers) > BASE_MAX_LAYERS)
		return sr_error_set(err, SR_E_MALFORMED, "base %s: manifest %s: not an OCI image manifest", p->base_path,
		                    digest);
	size_t i;
	const json_t *l;
	json_array_foreach(layers, i, l)
		if (!desc_digest(l))
			return sr_error_set(err, SR_E_MALFORMED, "base %s: manifest %s: layer %zu: not a descriptor",
			                    p->base_path, digest, i + 1);
	pl->base_layers = json_array_size(layers);
	if ((rc = base_json(p, desc_digest(cfg), &pp->base_config, err)) != SR_OK)
		return rc;
	const json_t *c = pp->base_config;
	char want[64];
	if (!platform_matches(c, pl)) {
		const char *os = json_string_value(json_object_get(c, "os"));
		const char *arch = json_string_value(json_object_get(c, "architecture"));
		const char *var = json_string_value(json_object_get(c, "variant"));
		return sr_error_set(err, SR_E_USAGE, "base %s: a %.32s/%.32s%s%.32s image, not %s", p->base_path,
		                    os && !oci_has_controls(os) ? os : "?", arch && !oci_has_controls(arch) ? arch : "?",
		                    var ? "/" : "", var && !oci_has_controls(var) ? var : "",
		                    sr_oci_platform_text(pl, want, sizeof want));
	}
	const json_t *ids = json_object_get(json_object_get(c, "rootfs"), "diff_ids");
	const json_t *hist = json_object_get(c, "history");
	bool ok = json_is_array(ids) && json_array_size(ids) == pl->base_layers && (!hist || json_is_array(hist)) &&
	          (!json_object_get(c, "config") || json_is_object(json_object_get(c, "config")));
	json_array_foreach(ids, i, l)
		ok = ok && valid_digest(json_string_value(l));
	if (!ok)
		return sr_error_set(err, SR_E_MALFORMED, "base %s: config %s: rootfs.diff_ids, history or config malformed",
		                    p->base_path, desc_digest(cfg));
	return SR_OK;
}

/* index.json → the image the tag names → each platform's manifest and config. */
enum sr_err oci_base_resolve(struct sr_oci *img, struct sr_error *err)
{
	struct sr_oci_priv *p = img->priv;
	struct archive *none;
	uint64_t size;
	enum sr_err rc = oci_base_open(p, NULL, &none, &size, err);   /* every name checked */
	json_t *index = NULL, *sub = NULL;
	if (rc == SR_OK)
		rc = base_json(p, NULL, &index, err);
	if (rc != SR_OK)
		return rc;
	const json_t *ms = json_object_get(index, "manifests");
	const json_t *pick = NULL, *d;
	size_t hits = 0, i;
	json_array_foreach(ms, i, d) {
		const char *ref = json_string_value(
			json_object_get(json_object_get(d, "annotations"), "org.opencontainers.image.ref.name"));
		if (p->base_tag ? str_eq(ref, p->base_tag) : json_array_size(ms) == 1 || str_eq(ref, "latest")) {
			pick = d;
			hits++;
		}
	}
	if (!json_is_array(ms) || json_array_size(ms) == 0)
		rc = sr_error_set(err, SR_E_MALFORMED, "base %s: index.json: no manifests", p->base_path);
	else if (hits != 1)
		rc = sr_error_set(err, SR_E_USAGE, "base %s: %s%s", p->base_path,
		                  hits ? "several images named " : p->base_tag ? "no image named " :
		                  "several images and none named latest: give oci-archive:PATH:TAG",
		                  hits ? (p->base_tag ? p->base_tag : "latest") : p->base_tag ? p->base_tag : "");
	else if (!desc_digest(pick))
		rc = sr_error_set(err, SR_E_MALFORMED, "base %s: index.json: not a descriptor", p->base_path);
	const char *mt = rc == SR_OK ? json_string_value(json_object_get(pick, "mediaType")) : NULL;
	if (rc == SR_OK && (str_eq(mt, SR_OCI_MT_INDEX) || str_eq(mt, MT_DOCKER_LIST))) {
		/* an image index: one manifest per platform */
		const char *idig = desc_digest(pick);
		rc = base_json(p, idig, &sub, err);
		const json_t *subms = json_object_get(sub, "manifests");
		if (rc == SR_OK && !json_is_array(subms))
			rc = sr_error_set(err, SR_E_MALFORMED, "base %s: index %s: no manifests", p->base_path, idig);
		for (size_t k = 0; rc == SR_OK && k < img->platform_count; k++) {
			struct sr_oci_platform *pl = &img->platforms[k];
			const json_t *found = NULL;
			json_array_foreach(subms, i, d)
				if (!found && platform_matches(json_object_get(d, "platform"), pl))
					found = d;
			char want[64];
			if (!found)
				rc = sr_error_set(err, SR_E_USAGE, "base %s: no image for %s", p->base_path,
				                  sr_oci_platform_text(pl, want, sizeof want));
			else if (!desc_digest(found))
				rc = sr_error_set(err, SR_E_MALFORMED, "base %s: index %s: not a descriptor", p->base_path, idig);
			else
				rc = base_manifest(p, pl, desc_digest(found), err);
		}
	} else if (rc == SR_OK) {
		if (mt && strcmp(mt, SR_OCI_MT_MANIFEST) != 0)
			rc = sr_error_set(err, SR_E_UNSUPPORTED, "base %s: index.json: media type %.100s: not an OCI image",
			                  p->base_path, oci_has_controls(mt) ? "?" : mt);
		for (size_t k = 0; rc == SR_OK && k < img->platform_count; k++)
			rc = base_manifest(p, &img->platforms[k], desc_digest(pick), err);
	}
	json_decref(sub);
	json_decref(index);
	return rc;
}
