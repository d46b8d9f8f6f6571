/* Container images written directly (shipready/ociimage.h).
 *
 * The layer is the bundle plan written by sr_bundle_write_archive into a
 * tar archive whose write callback hashes the uncompressed stream (the
 * config's diff_id) and feeds it to a second libarchive archive, "raw"
 * format with the gzip filter, whose callback hashes the compressed bytes
 * (the blob's digest) and writes them to an anonymous scratch file beside
 * the output.  One pass over the programs and libraries; the compressed
 * layer is then copied into the output tar, which needs its size up front.
 *
 * JSON documents are made with jansson and dumped compact with sorted keys:
 * the same image always gives the same bytes, hence the same digests. */
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
#include "pack/archive_dl.h"
#include "pack/nettle_dl.h"
#include "report/json_util.h"
#include "util/arena.h"
#include "shipready/outfile.h"

#define DEFAULT_USER "65532:65532"
#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define JSON_FLAGS (JSON_COMPACT | JSON_SORT_KEYS)

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

/* ------------------------------------------------------------ options */

static bool has_controls(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

static bool valid_user(const char *u)
{
	/* NAME or UID, optionally :GROUP or :GID; no spaces or controls */
	if (!u[0] || u[0] == ':' || has_controls(u))
		return false;
	size_t colons = 0;
	for (const char *p = u; *p; p++) {
		if (*p == ' ' || *p == '/')
			return false;
		colons += *p == ':';
	}
	return colons <= 1 && u[strlen(u) - 1] != ':';
}

/* "8080" → "8080/tcp"; protocols tcp, udp, sctp. */
static const char *port_key(struct sr_arena *a, const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || s[0] < '0' || s[0] > '9' || errno || v < 1 || v > 65535)
		return NULL;
	const char *proto = "tcp";
	if (*end == '/') {
		proto = end + 1;
		if (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0 && strcmp(proto, "sctp") != 0)
			return NULL;
	} else if (*end) {
		return NULL;
	}
	char buf[32];
	snprintf(buf, sizeof buf, "%ld/%s", v, proto);
	return sr_arena_strdup(a, buf);
}

static bool valid_kv(const char *s)
{
	const char *eq = strchr(s, '=');
	return eq && eq != s && eq - s < 1000 && !has_controls(s);
}

static bool valid_env(const char *s)
{
	if (!valid_kv(s))
		return false;
	for (const char *p = s; *p != '='; p++)
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (p > s && *p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* An OCI ref.name / docker tag: [NAME:]TAG with the characters references use. */
static bool valid_tag(const char *t)
{
	if (!t[0] || strlen(t) > 255)
		return false;
	for (const char *p = t; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("._-:/", *p)))
			return false;
	const char *colon = strrchr(t, ':');
	if (strchr(t, '/') && (!colon || strchr(colon, '/')))
		return false;   /* a NAME with slashes needs its :TAG */
	return t[0] != ':' && t[0] != '.' && t[0] != '-' && (!colon || colon[1]);
}

enum sr_err sr_oci_ready(struct sr_error *err)
{
	enum sr_err rc = sr_archive_load(err);
	return rc == SR_OK ? sr_nettle_load(err) : rc;
}

enum sr_err sr_oci_new(const struct sr_oci_opts *opts, struct sr_oci **out, struct sr_error *err)
{
	*out = NULL;
	struct sr_oci *img = calloc(1, sizeof *img);
	struct sr_oci_priv *p = calloc(1, sizeof *p);
	struct sr_arena *a = sr_arena_new();
	if (!img || !p || !a) {
		free(img);
		free(p);
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	img->priv = p;
	p->a = a;
	p->o = *opts;
	struct sr_oci_opts *o = &p->o;
	if (!o->tag)
		o->tag = "latest";
	if (!o->user)
		o->user = DEFAULT_USER;
	if (!o->workdir)
		o->workdir = "/";
	p->bopts.root = o->root;
	p->bopts.prefix = o->prefix;
	enum sr_err rc = sr_run_new(&p->run, err);
	p->bopts.run = p->run;
	if (rc != SR_OK) {
		/* no memory for the run: err says so */
	} else if (!valid_tag(o->tag))
		rc = sr_error_set(err, SR_E_USAGE, "--tag %s: expected TAG or NAME:TAG (letters, digits, . _ - /)", o->tag);
	else if (!valid_user(o->user))
		rc = sr_error_set(err, SR_E_USAGE, "--user %s: expected USER, UID, USER:GROUP or UID:GID", o->user);
	else if (o->workdir[0] != '/' || has_controls(o->workdir))
		rc = sr_error_set(err, SR_E_USAGE, "--workdir %s: expected an absolute path", o->workdir);
	else if (o->entrypoint && (o->entrypoint[0] != '/' || has_controls(o->entrypoint)))
		rc = sr_error_set(err, SR_E_USAGE, "--entrypoint %s: expected the absolute path of a program in the image",
		                  o->entrypoint);
	else if (o->created < 0 || o->created > 253402300799)   /* 9999-12-31T23:59:59Z */
		rc = sr_error_set(err, SR_E_USAGE, "SOURCE_DATE_EPOCH %lld: out of range", (long long)o->created);
	if (rc == SR_OK && o->platform) {
		/* linux/ARCH[/VARIANT] */
		char *arch = strncmp(o->platform, "linux/", 6) == 0 ? sr_arena_strdup(a, o->platform + 6) : NULL;
		char *slash = arch ? strchr(arch, '/') : NULL;
		if (slash)
			*slash = '\0';
		if (!arch || !arch[0] || (slash && (!slash[1] || strchr(slash + 1, '/'))) || has_controls(arch))
			rc = sr_error_set(err, SR_E_USAGE, "--platform %s: expected linux/ARCH or linux/ARCH/VARIANT",
			                  o->platform);
		p->want_arch = arch;
		p->want_variant = slash ? slash + 1 : NULL;
	}
	if (rc == SR_OK && o->base && strcmp(o->base, "scratch") != 0) {
		/* oci-archive:PATH[:TAG], split at the first ':' after the transport as skopeo does */
		char *path = strncmp(o->base, "oci-archive:", 12) == 0 ? sr_arena_strdup(a, o->base + 12) : NULL;
		char *colon = path ? strchr(path, ':') : NULL;
		if (colon)
			*colon = '\0';
		if (!path || !path[0] || has_controls(path) || (colon && !valid_tag(colon + 1)))
			rc = sr_error_set(err, SR_E_USAGE, "--base %s: expected scratch or oci-archive:PATH[:TAG]", o->base);
		else if (o->format != SR_OCI_ARCHIVE)
			rc = sr_error_set(err, SR_E_UNSUPPORTED,
			                  "--base %s: not yet with --format docker-archive (use oci-archive)", o->base);
		p->base_path = path;
		p->base_tag = colon ? colon + 1 : NULL;
	}
	for (size_t i = 0; rc == SR_OK && i < o->nexpose; i++)
		if (!port_key(a, o->expose[i]))
			rc = sr_error_set(err, SR_E_USAGE, "--expose %s: expected PORT or PORT/tcp|udp|sctp (1-65535)",
			                  o->expose[i]);
	for (size_t i = 0; rc == SR_OK && i < o->nenv; i++)
		if (!valid_env(o->env[i]))
			rc = sr_error_set(err, SR_E_USAGE, "--env %s: expected NAME=VALUE", o->env[i]);
	for (size_t i = 0; rc == SR_OK && i < o->nlabels; i++)
		if (!valid_kv(o->labels[i]))
			rc = sr_error_set(err, SR_E_USAGE, "--label %s: expected KEY=VALUE", o->labels[i]);
	for (size_t i = 0; rc == SR_OK && i < o->ncmd; i++)
		if (strlen(o->cmd[i]) > 4096)
			rc = sr_error_set(err, SR_E_USAGE, "--cmd: an argument longer than 4096 bytes");
	/* the image config is JSON: what the user asks for goes in as it is, or not at all */
	struct { const char *what; const char *const *v; size_t n; } texts[] = {
		{ "--user", &o->user, 1 },           { "--workdir", &o->workdir, 1 },
		{ "--entrypoint", &o->entrypoint, o->entrypoint ? 1 : 0 },
		{ "--platform", &o->platform, o->platform ? 1 : 0 },
		{ "--env", o->env, o->nenv }, { "--label", o->labels, o->nlabels },
		{ "--cmd", o->cmd, o->ncmd },
	};
	for (size_t t = 0; rc == SR_OK && t < sizeof texts / sizeof texts[0]; t++)
		for (size_t i = 0; rc == SR_OK && i < texts[t].n; i++)
			if (!sr_utf8_valid(texts[t].v[i]))
				rc = sr_error_set(err, SR_E_USAGE, "%s: an argument that is not UTF-8 (the image config is JSON)",
				                  texts[t].what);
	if (rc != SR_OK) {
		sr_oci_free(img);
		return rc;
	}
	*out = img;
	return SR_OK;
}

void sr_oci_free(struct sr_oci *img)
{
	if (!img)
		return;
	for (size_t i = 0; i < img->platform_count; i++) {
		struct sr_oci_platform *pl = &img->platforms[i];
		sr_bundle_free(pl->bundle);
		free(pl->config_json);
		if (pl->priv && pl->priv->layer_fd >= 0)
			close(pl->priv->layer_fd);
		if (pl->priv) {
			json_decref(pl->priv->base_manifest);
			json_decref(pl->priv->base_config);
		}
	}
	free(img->platforms);
	if (img->priv) {
		sr_run_free(img->priv->run);
		sr_arena_free(img->priv->a);
	}
	free(img->priv);
	free(img);
}

/* ------------------------------------------------------------ platforms */

/* The OCI platform of an ELF program: GOARCH names (the image spec's), and
 * the variant where the file says it (arm64 is v8; arm only from GOARM). */
static enum sr_err platform_of(const struct sr_inspect *in, const char **arch, const char **variant,
                               struct sr_error *err)
{
	const struct sr_elf *e = in->elf;
	bool le = !e->big_endian, is64 = e->elf_class == 64;
	*variant = NULL;
	switch (e->machine) {
	case 3: *arch = "386"; break;
	case 62: *arch = is64 ? "amd64" : NULL; break;
	case 183: *arch = "arm64"; *variant = "v8"; break;
	case 40: *arch = "arm"; break;
	case 8: *arch = is64 ? (le ? "mips64le" : "mips64") : (le ? "mipsle" : "mips"); break;
	case 21: *arch = le ? "ppc64le" : "ppc64"; break;
	case 22: *arch = is64 ? "s390x" : NULL; break;
	case 243: *arch = is64 ? "riscv64" : NULL; break;
	case 258: *arch = is64 ? "loong64" : NULL; break;
	default: *arch = NULL; break;
	}
	if (!*arch) {
		const char *m = sr_elf_machine_name(e->machine);
		return sr_error_set(err, SR_E_UNSUPPORTED, "no container platform for %d-bit %s programs", e->elf_class,
		                    m ? m : "unknown-machine");
	}
	const struct sr_go_info *g = in->go && in->go->is_go ? in->go : NULL;
	if (g && strcmp(*arch, "arm") == 0 && g->bi && g->bi->mod) {
		const struct sr_go_setting *s = sr_go_modinfo_setting(g->bi->mod, "GOARM");
		if (s && s->value[0] >= '5' && s->value[0] <= '7')
			*variant = s->value[0] == '7' ? "v7" : s->value[0] == '6' ? "v6" : "v5";
	}
	return SR_OK;
}

static const char *go_setting(const struct sr_go_info *g, const char *key)
{
	const struct sr_go_setting *s = g->bi && g->bi->mod ? sr_go_modinfo_setting(g->bi->mod, key) : NULL;
	return s && s->value[0] && !has_controls(s->value) ? s->value : NULL;
}

/* Labels from the build info: Go release, vcs.revision, the main module's
 * version (not "(devel)") and, for a module path on a host, its URL. */
static void go_labels(struct sr_arena *a, const struct sr_inspect *in, struct sr_oci_platform_priv *pp)
{
	const struct sr_go_info *g = in->go && in->go->is_go ? in->go : NULL;
	if (!g)
		return;
	if (g->version && !has_controls(g->version))
		pp->go_version = sr_arena_strdup(a, g->version);
	const char *rev = go_setting(g, "vcs.revision");
	if (rev)
		pp->revision = sr_arena_strdup(a, rev);
	const struct sr_go_modinfo *m = g->bi && g->bi->status == SR_GO_BI_OK ? g->bi->mod : NULL;
	if (!m)
		return;
	const char *v = m->main.version;
	if (v && v[0] && strcmp(v, "(devel)") != 0 && !has_controls(v))
		pp->version = sr_arena_strdup(a, v);
	const char *mp = m->main.path;
	if (mp && mp[0] && !has_controls(mp)) {
		const char *slash = strchr(mp, '/');
		const char *dot = strchr(mp, '.');
		if (slash && dot && dot < slash) {
			char buf[600];
			snprintf(buf, sizeof buf, "https://%s", mp);
			pp->source = sr_arena_strdup(a, buf);
		}
	}
}

enum sr_err sr_oci_add(struct sr_oci *img, const char *path, struct sr_error *err)
{
	struct sr_oci_priv *p = img->priv;
	struct sr_analysis *an;
	enum sr_err rc = sr_run_analyse(p->run, NULL, path, &an, err);
	if (rc != SR_OK)
		return rc;
	const struct sr_inspect *in = &an->in;
	const char *arch = NULL, *variant = NULL;
	if (in->format != SR_FMT_ELF || !in->elf)
		rc = sr_error_set(err, SR_E_UNSUPPORTED, "not an ELF program: an image runs Linux programs");
	else if (in->go && in->go->is_go && in->go->goos && strcmp(in->go->goos, "linux") != 0)
		rc = sr_error_set(err, SR_E_UNSUPPORTED, "a Go program for GOOS=%s, not linux", in->go->goos);
	else
		rc = platform_of(in, &arch, &variant, err);
	if (rc == SR_OK && p->want_arch) {
		/* --platform: a check of the file's platform, and the variant it does not tell */
		if (strcmp(arch, p->want_arch) != 0 || (variant && p->want_variant && strcmp(variant, p->want_variant) != 0))
			rc = sr_error_set(err, SR_E_USAGE, "a linux/%s%s%s program, not %s", arch, variant ? "/" : "",
			                  variant ? variant : "", p->o.platform);
		else if (p->want_variant)
			variant = p->want_variant;
	}
	if (rc != SR_OK) {
		sr_run_done(p->run, an);
		return rc;
	}
	size_t k = 0;
	while (k < img->platform_count && !(strcmp(img->platforms[k].architecture, arch) == 0 &&
	                                     !img->platforms[k].variant == !variant &&
	                                     (!variant || strcmp(img->platforms[k].variant, variant) == 0)))
		k++;
	bool fresh = k == img->platform_count;
	if (fresh) {
		if (k == SR_OCI_MAX_PLATFORMS) {
			sr_run_done(p->run, an);
			return sr_error_set(err, SR_E_TOO_BIG, "more than %d platforms", SR_OCI_MAX_PLATFORMS);
		}
		struct sr_oci_platform *n = realloc(img->platforms, (k + 1) * sizeof *n);
		struct sr_oci_platform_priv *pp = sr_arena_alloc(p->a, sizeof *pp);
		if (!n || !pp) {
			if (n)
				img->platforms = n;
			sr_run_done(p->run, an);
			return sr_error_set(err, SR_E_NOMEM, NULL);
		}
		img->platforms = n;
		memset(&n[k], 0, sizeof n[k]);
		memset(pp, 0, sizeof *pp);
		pp->layer_fd = -1;
		n[k].priv = pp;
		n[k].os = "linux";
		n[k].architecture = arch;
		n[k].variant = variant;
		if ((rc = sr_bundle_new(&p->bopts, &n[k].bundle, err)) != SR_OK) {
			sr_run_done(p->run, an);
			return rc;
		}
		img->platform_count++;
	}
	struct sr_oci_platform *pl = &img->platforms[k];
	rc = sr_bundle_add(pl->bundle, path, err);
	if (rc == SR_OK && !pl->entrypoint) {
		/* the program's place in the bundle: its PROGRAM entry */
		for (size_t i = 0; i < pl->bundle->entry_count; i++) {
			const struct sr_bundle_entry *e = &pl->bundle->entries[i];
			if (e->kind == SR_BUNDLE_PROGRAM && strcmp(e->source, path) == 0) {
				if (!p->o.entrypoint && !sr_utf8_valid(e->path)) {
					rc = sr_error_set(err, SR_E_UNSUPPORTED, "its name is not UTF-8, so the image config "
					                  "(JSON) cannot name it as the entrypoint: rename it, or put another "
					                  "program first or name one with --entrypoint");
					break;
				}
				pl->entrypoint = e->path;
				const char *slash = strrchr(e->path, '/');
				pl->title = slash ? slash + 1 : e->path;
				go_labels(p->a, in, pl->priv);
				break;
			}
		}
	}
	sr_run_done(p->run, an);
	if (rc != SR_OK && fresh) {
		sr_bundle_free(pl->bundle);
		img->platform_count--;
	}
	return rc;
}

/* ------------------------------------------------------------ digests */

struct hashed {
	struct sha256_ctx sha;
	uint64_t size;
};

static void digest_hex(struct hashed *h, char out[72])
{
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_digest(&h->sha, sizeof d, d);
	memcpy(out, "sha256:", 7);
	for (size_t i = 0; i < sizeof d; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", d[i]);
}

static void digest_of(const char *data, size_t n, char out[72])
{
	struct hashed h;
	sha256_init(&h.sha);
	sha256_update(&h.sha, n, (const uint8_t *)data);
	digest_hex(&h, out);
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

static enum sr_err write_layer(struct sr_oci_platform *pl, const char *out, bool compress, int64_t mtime,
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
	digest_hex(&s.tar, pl->diff_id);
	pl->layer_tar_size = s.tar.size;
	digest_hex(&s.blob, pl->layer_digest);
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

/* ------------------------------------------------------------ documents */

static void rfc3339(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *str_array(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *platform_json(const struct sr_oci_platform *pl)
{
	json_t *o = json_pack("{s:s,s:s}", "architecture", pl->architecture, "os", pl->os);
	if (pl->variant)
		json_object_set_new(o, "variant", json_string(pl->variant));
	return o;
}

static json_t *descriptor(const char *media_type, const char *digest, uint64_t size)
{
	return json_pack("{s:s,s:s,s:I}", "mediaType", media_type, "digest", digest, "size", (json_int_t)size);
}

/* key=value: value after the first '=' */
static void set_kv(json_t *obj, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char key[1024];
	size_t n = (size_t)(eq - kv) < sizeof key - 1 ? (size_t)(eq - kv) : sizeof key - 1;
	memcpy(key, kv, n);
	key[n] = '\0';
	json_object_set_new(obj, key, json_string(eq + 1));
}

static json_t *labels_json(const struct sr_oci_opts *o, const struct sr_oci_platform *pl, const char *created)
{
	json_t *l = json_object();
	json_object_set_new(l, "org.opencontainers.image.created", json_string(created));
	const char *title = pl->title;
	if (o->entrypoint) {
		const char *slash = strrchr(o->entrypoint, '/');
		title = slash[1] ? slash + 1 : o->entrypoint;
	}
	json_object_set_new(l, "org.opencontainers.image.title", sr_json_str(title));
	const struct sr_oci_platform_priv *pp = pl->priv;
	if (pp->version)
		json_object_set_new(l, "org.opencontainers.image.version", sr_json_str(pp->version));
	if (pp->revision)
		json_object_set_new(l, "org.opencontainers.image.revision", sr_json_str(pp->revision));
	if (pp->source)
		json_object_set_new(l, "org.opencontainers.image.source", sr_json_str(pp->source));
	if (pp->go_version)
		json_object_set_new(l, "dev.shipready.go.version", sr_json_str(pp->go_version));
	for (size_t i = 0; i < o->nlabels; i++)
		set_kv(l, o->labels[i]);
	return l;
}

/* The index in a of the NAME=VALUE string whose NAME= is kv's first nl bytes, or its size. */
static size_t env_find(const json_t *a, const char *kv, size_t nl)
{
	size_t k;
	json_t *v;
	json_array_foreach(a, k, v)
		if (strncmp(json_string_value(v), kv, nl) == 0)
			break;
	return k;
}

/* Env: the base image's (its NAME=VALUE strings) or else the default PATH,
 * then --env (a NAME given again replaces the earlier one). */
static json_t *env_json(const struct sr_oci_opts *o, const json_t *base)
{
	json_t *a = json_array();
	size_t k;
	json_t *v;
	json_array_foreach(json_object_get(json_object_get(base, "config"), "Env"), k, v)
		if (json_is_string(v) && valid_env(json_string_value(v)))
			json_array_append(a, v);
	if (env_find(a, "PATH=", 5) == json_array_size(a))
		json_array_insert_new(a, 0, json_string(DEFAULT_PATH));
	for (size_t i = 0; i < o->nenv; i++) {
		size_t nl = (size_t)(strchr(o->env[i], '=') - o->env[i]) + 1;
		k = env_find(a, o->env[i], nl);
		if (k < json_array_size(a))
			json_array_set_new(a, k, json_string(o->env[i]));
		else
			json_array_append_new(a, json_string(o->env[i]));
	}
	return a;
}

static json_t *over_base(json_t *ours, const json_t *base);

static char *config_doc(const struct sr_oci_priv *p, const struct sr_oci_platform *pl, const char *entrypoint)
{
	const struct sr_oci_opts *o = &p->o;
	char created[32];
	rfc3339(o->created, created);
	json_t *c = json_object();
	json_object_set_new(c, "Entrypoint", str_array(&entrypoint, 1));
	if (o->ncmd)
		json_object_set_new(c, "Cmd", str_array(o->cmd, o->ncmd));
	json_object_set_new(c, "Env", env_json(o, pl->priv->base_config));
	json_object_set_new(c, "User", json_string(o->user));
	json_object_set_new(c, "WorkingDir", json_string(o->workdir));
	if (o->nexpose) {
		json_t *ports = json_object();
		for (size_t i = 0; i < o->nexpose; i++)
			json_object_set_new(ports, port_key(p->a, o->expose[i]), json_object());
		json_object_set_new(c, "ExposedPorts", ports);
	}
	json_object_set_new(c, "Labels", labels_json(o, pl, created));
	char by[256];
	snprintf(by, sizeof by, "shipready %s image: %zu files", sr_version_string(), pl->bundle->entry_count);
	json_t *doc = platform_json(pl);
	json_object_set_new(doc, "created", json_string(created));
	json_object_set_new(doc, "config", c);
	json_object_set_new(doc, "rootfs", json_pack("{s:s,s:[s]}", "type", "layers", "diff_ids", pl->diff_id));
	json_object_set_new(doc, "history", json_pack("[{s:s,s:s}]", "created", created, "created_by", by));
	if (pl->priv->base_config)
		doc = over_base(doc, pl->priv->base_config);
	char *s = json_dumps(doc, JSON_FLAGS);
	json_decref(doc);
	return s;
}

/* ------------------------------------------------------------ the base image
 *
 * The base archive is untrusted input.  It is read with libarchive in
 * passes, one per document or blob wanted (a tar cannot be searched): the
 * first checks every name in it, the JSON documents are read whole but at
 * most BASE_JSON_MAX bytes, and the layers are streamed from it straight
 * into the output.  Every blob's bytes are hashed and must match its name. */

#define BASE_JSON_MAX ((uint64_t)4 << 20)
#define BASE_BLOB_MAX ((uint64_t)1 << 40)
#define BASE_MAX_LAYERS 127
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

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
static enum sr_err base_open(const struct sr_oci_priv *p, const char *want, struct archive **out, uint64_t *size,
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
		if (!name || has_controls(name)) {
			rc = sr_error_set(err, SR_E_MALFORMED, "base %s: an unsafe name in the archive: %.200s", p->base_path,
			                  raw && !has_controls(raw) ? raw : "(control characters)");
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
static enum sr_err base_stream(const struct sr_oci_priv *p, struct archive *ar, const char *name, uint64_t size,
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
	digest_hex(&h, got);
	if (rc == SR_OK && digest && strcmp(got, digest) != 0)
		rc = sr_error_set(err, SR_E_MALFORMED, "base %s: %s: its content does not match its digest", p->base_path,
		                  name);
	return rc;
}

static const char *blob_path(const char *digest, char buf[96])
{
	snprintf(buf, 96, "blobs/sha256/%s", digest + 7);
	return buf;
}

/* A JSON object from the base: index.json (digest NULL) or a blob. */
static enum sr_err base_json(const struct sr_oci_priv *p, const char *digest, json_t **out, struct sr_error *err)
{
	*out = NULL;
	char nb[96];
	const char *name = digest ? blob_path(digest, nb) : "index.json";
	struct archive *ar;
	uint64_t size = 0;
	enum sr_err rc = base_open(p, name, &ar, &size, err);
	if (rc != SR_OK)
		return rc;
	char *mem = size <= BASE_JSON_MAX ? malloc((size_t)size + 1) : NULL;
	if (size > BASE_JSON_MAX)
		rc = sr_error_set(err, SR_E_TOO_BIG, "base %s: %s: a JSON document over 4 MiB", p->base_path, name);
	else if (!mem)
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
	else
		rc = base_stream(p, ar, name, size, digest, mem, NULL, err);
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
	    !valid_digest(digest) || !mt || !mt[0] || has_controls(mt))
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
		                    os && !has_controls(os) ? os : "?", arch && !has_controls(arch) ? arch : "?",
		                    var ? "/" : "", var && !has_controls(var) ? var : "",
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
static enum sr_err base_resolve(struct sr_oci *img, struct sr_error *err)
{
	struct sr_oci_priv *p = img->priv;
	struct archive *none;
	uint64_t size;
	enum sr_err rc = base_open(p, NULL, &none, &size, err);   /* every name checked */
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
			                  p->base_path, has_controls(mt) ? "?" : mt);
		for (size_t k = 0; rc == SR_OK && k < img->platform_count; k++)
			rc = base_manifest(p, &img->platforms[k], desc_digest(pick), err);
	}
	json_decref(sub);
	json_decref(index);
	return rc;
}

/* dst's members named keys become src's (removed where src has none). */
static void take_members(json_t *dst, const json_t *src, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(src, keys[i]);
		if (v)
			json_object_set(dst, keys[i], v);
		else
			json_object_del(dst, keys[i]);
	}
}

/* Our config over the base's: its layers' diff_ids and history first, its
 * Env under ours, its labels and ports under ours, our Entrypoint, Cmd,
 * User and WorkingDir. */
static json_t *over_base(json_t *ours, const json_t *base)
{
	json_t *doc = json_deep_copy(base);
	json_t *bc = json_object_get(doc, "config");
	if (!json_is_object(bc)) {
		bc = json_object();
		json_object_set_new(doc, "config", bc);
	}
	json_t *oc = json_object_get(ours, "config");
	const char *replace[] = { "Entrypoint", "Cmd", "Env", "User", "WorkingDir" };
	take_members(bc, oc, replace, sizeof replace / sizeof *replace);
	const char *merge[] = { "ExposedPorts", "Labels" };
	for (size_t i = 0; i < sizeof merge / sizeof *merge; i++) {
		json_t *v = json_object_get(oc, merge[i]);
		json_t *b = json_object_get(bc, merge[i]);
		if (v && json_is_object(b))
			json_object_update(b, v);
		else if (v)
			json_object_set(bc, merge[i], v);
	}
	json_t *ids = json_object_get(json_object_get(ours, "rootfs"), "diff_ids");
	json_t *bids = json_object_get(json_object_get(doc, "rootfs"), "diff_ids");
	json_array_extend(bids, ids);
	json_t *hist = json_object_get(doc, "history");
	if (!json_is_array(hist)) {
		hist = json_array();
		json_object_set_new(doc, "history", hist);
	}
	json_array_extend(hist, json_object_get(ours, "history"));
	const char *top[] = { "created", "architecture", "os", "variant" };
	take_members(doc, ours, top, sizeof top / sizeof *top);
	json_decref(ours);
	return doc;
}

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
		rc = base_open(p, e->name, &in, &size, err);
		if (rc == SR_OK && size != e->size)
			rc = sr_error_set(err, SR_E_MALFORMED, "base %s: %s: %llu bytes, its descriptor says %llu", p->base_path,
			                  e->name, (unsigned long long)size, (unsigned long long)e->size);
		if (rc == SR_OK)
			rc = base_stream(p, in, e->name, size, e->base_digest, NULL, ar, err);
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
	return sr_arena_strdup(a, blob_path(digest, buf));
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

static enum sr_err plan_docs(struct sr_oci *img, struct items *it, struct sr_error *err)
{
	struct sr_oci_priv *p = img->priv;
	struct sr_arena *a = p->a;
	bool docker = p->o.format == SR_OCI_DOCKER_ARCHIVE;
	json_t *manifests = json_array();
	for (size_t i = 0; i < img->platform_count; i++) {
		struct sr_oci_platform *pl = &img->platforms[i];
		const char *ep = p->o.entrypoint ? p->o.entrypoint : pl->entrypoint;
		char *cfg = config_doc(p, pl, ep);
		if (!cfg) {
			json_decref(manifests);
			return sr_error_set(err, SR_E_NOMEM, NULL);
		}
		pl->config_json = strdup(cfg);
		own(it, cfg);
		pl->config_size = strlen(cfg);
		digest_of(cfg, pl->config_size, pl->config_digest);
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
			                      descriptor(json_string_value(json_object_get(l, "mediaType")), d, (uint64_t)size));
		}
		json_array_append_new(layers, descriptor(SR_OCI_MT_LAYER_GZIP, pl->layer_digest, pl->layer_size));
		json_t *m = json_pack("{s:i,s:s,s:o,s:o}", "schemaVersion", 2, "mediaType", SR_OCI_MT_MANIFEST, "config",
		                      descriptor(SR_OCI_MT_CONFIG, pl->config_digest, pl->config_size), "layers", layers);
		const char *doc = own(it, json_dumps(m, JSON_FLAGS));
		json_decref(m);
		if (!doc) {
			json_decref(manifests);
			return sr_error_set(err, SR_E_NOMEM, NULL);
		}
		pl->manifest_size = strlen(doc);
		digest_of(doc, pl->manifest_size, pl->manifest_digest);
		add_item(it, blob_name(a, pl->manifest_digest), doc, -1, pl->manifest_size, false);
		json_t *d = descriptor(SR_OCI_MT_MANIFEST, pl->manifest_digest, pl->manifest_size);
		json_object_set_new(d, "platform", platform_json(pl));
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
		digest_of(doc, img->size, img->digest);
		img->media_type = SR_OCI_MT_INDEX;
		add_item(it, blob_name(a, img->digest), doc, -1, img->size, false);
		top = descriptor(SR_OCI_MT_INDEX, img->digest, img->size);
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
	if (p->base_path && (rc = base_resolve(img, err)) != SR_OK)
		return rc;
	struct sr_outfile of;
	if ((rc = sr_outfile_open(&of, file, force, err)) != SR_OK)
		return rc;
	for (size_t i = 0; i < img->platform_count && rc == SR_OK; i++)
		rc = write_layer(&img->platforms[i], file, p->o.format == SR_OCI_ARCHIVE, p->o.created, err);
	struct items *it = calloc(1, sizeof *it);
	if (!it && rc == SR_OK)
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
	if (rc == SR_OK)
		rc = plan_docs(img, it, err);
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
