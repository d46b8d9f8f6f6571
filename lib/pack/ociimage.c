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
#include "util/archive_dl.h"
#include "util/nettle_dl.h"
#include "report/json_util.h"
#include "util/arena.h"
#include "shipready/outfile.h"
#include "pack/oci_internal.h"

/* ------------------------------------------------------------ options */

bool oci_has_controls(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

static bool valid_user(const char *u)
{
	/* NAME or UID, optionally :GROUP or :GID; no spaces or controls */
	if (!u[0] || u[0] == ':' || oci_has_controls(u))
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
const char *oci_port_key(struct sr_arena *a, const char *s)
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
	return eq && eq != s && eq - s < 1000 && !oci_has_controls(s);
}

bool oci_valid_env(const char *s)
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
	else if (o->workdir[0] != '/' || oci_has_controls(o->workdir))
		rc = sr_error_set(err, SR_E_USAGE, "--workdir %s: expected an absolute path", o->workdir);
	else if (o->entrypoint && (o->entrypoint[0] != '/' || oci_has_controls(o->entrypoint)))
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
		if (!arch || !arch[0] || (slash && (!slash[1] || strchr(slash + 1, '/'))) || oci_has_controls(arch))
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
		if (!path || !path[0] || oci_has_controls(path) || (colon && !valid_tag(colon + 1)))
			rc = sr_error_set(err, SR_E_USAGE, "--base %s: expected scratch or oci-archive:PATH[:TAG]", o->base);
		else if (o->format != SR_OCI_ARCHIVE)
			rc = sr_error_set(err, SR_E_UNSUPPORTED,
			                  "--base %s: not yet with --format docker-archive (use oci-archive)", o->base);
		p->base_path = path;
		p->base_tag = colon ? colon + 1 : NULL;
	}
	for (size_t i = 0; rc == SR_OK && i < o->nexpose; i++)
		if (!oci_port_key(a, o->expose[i]))
			rc = sr_error_set(err, SR_E_USAGE, "--expose %s: expected PORT or PORT/tcp|udp|sctp (1-65535)",
			                  o->expose[i]);
	for (size_t i = 0; rc == SR_OK && i < o->nenv; i++)
		if (!oci_valid_env(o->env[i]))
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
	return s && s->value[0] && !oci_has_controls(s->value) ? s->value : NULL;
}

/* Labels from the build info: Go release, vcs.revision, the main module's
 * version (not "(devel)") and, for a module path on a host, its URL. */
static void go_labels(struct sr_arena *a, const struct sr_inspect *in, struct sr_oci_platform_priv *pp)
{
	const struct sr_go_info *g = in->go && in->go->is_go ? in->go : NULL;
	if (!g)
		return;
	if (g->version && !oci_has_controls(g->version))
		pp->go_version = sr_arena_strdup(a, g->version);
	const char *rev = go_setting(g, "vcs.revision");
	if (rev)
		pp->revision = sr_arena_strdup(a, rev);
	const struct sr_go_modinfo *m = g->bi && g->bi->status == SR_GO_BI_OK ? g->bi->mod : NULL;
	if (!m)
		return;
	const char *v = m->main.version;
	if (v && v[0] && strcmp(v, "(devel)") != 0 && !oci_has_controls(v))
		pp->version = sr_arena_strdup(a, v);
	const char *mp = m->main.path;
	if (mp && mp[0] && !oci_has_controls(mp)) {
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
