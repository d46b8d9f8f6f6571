/* shipready — the bill of materials of a scanned tree (see shipready/sbom.h).
 *
 * Components are kept by bom-ref in a JSON object (insertion order is path
 * order), so a module linked into many programs is one component; each
 * ref's dependsOn is kept as a set.  The document lists them at the end. */
#define _GNU_SOURCE
#include "shipready/sbom.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/nettle_dl.h"
#include "util/pctenc.h"
#include "report/json_util.h"
#include "shipready/analysis.h"
#include "shipready/deps.h"
#include "shipready/go.h"
#include "shipready/language.h"
#include "shipready/pkgowner.h"
#include "shipready/version.h"
#include "pkg/pkgdb.h"

#define HASH_CHUNK ((size_t)1 << 20)   /* bytes hashed at a time */
#define HASH_DROP_EVERY 16u            /* chunks between two drops of a mapping's pages */

struct sr_sbom {
	char *subject;
	int64_t created;
	struct sr_pkgowner *owner;     /* the root's package database, or NULL */
	char distro[160];              /* "debian-12", or "" */
	char purl_ns[64];              /* "debian", "alpine", "ubuntu", or "" */
	json_t *components;            /* ref -> component */
	json_t *depends;               /* ref -> { ref: true } */
};

struct sr_sbom_piece {
	json_t *components;            /* ref -> component: the binary's, then what it brings */
	json_t *depends;               /* ref -> { ref: true } */
};

/* ------------------------------------------------------------ purls */

static char *golang_purl(const char *path, const char *version)
{
	char *p = sr_percent_encode(path, true), *v = sr_percent_encode(version, false);
	char *out = NULL;
	if (p && v && asprintf(&out, "pkg:golang/%s@%s", p, v) < 0)
		out = NULL;
	free(p);
	free(v);
	return out;
}

/* ------------------------------------------------------------ the bill */

static void read_distro(struct sr_sbom *b, const struct sr_root *root)
{
	static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };
	for (size_t i = 0; i < 2; i++) {
		struct sr_file f;
		struct sr_error e = { 0 };
		if (sr_root_file_open(root, paths[i], &f, NULL, 0, &e) != SR_OK)
			continue;
		struct sr_os_release o;
		sr_os_release_parse(&f.r, &o);
		sr_file_close(&f);
		if (!o.id[0])
			continue;
		snprintf(b->purl_ns, sizeof b->purl_ns, "%s", o.id);
		/* Alpine's VERSION_ID is 3.22.1: its distro qualifier is the branch */
		char ver[64];
		snprintf(ver, sizeof ver, "%s", o.version_id);
		if (strcmp(o.id, "alpine") == 0) {
			char *dot = strchr(ver, '.');
			if (dot && (dot = strchr(dot + 1, '.')))
				*dot = '\0';
		}
		snprintf(b->distro, sizeof b->distro, "%s%s%s", o.id, ver[0] ? "-" : "", ver);
		return;
	}
}

enum sr_err sr_sbom_new(const char *subject, const struct sr_root *root, int64_t created, struct sr_sbom **out,
                        struct sr_error *err)
{
	*out = NULL;
	enum sr_err rc = sr_nettle_load(err);
	if (rc != SR_OK)
		return rc;
	struct sr_sbom *b = calloc(1, sizeof *b);
	if (!b || !(b->subject = strdup(subject)) || !(b->components = json_object()) ||
	    !(b->depends = json_object())) {
		sr_sbom_free(b);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	b->created = created;
	if (root) {
		struct sr_error e = { 0 };
		if (sr_pkgowner_open(root, SR_PKGDB_ANY, &b->owner, &e) != SR_OK && e.code != SR_E_NOENT) {
			sr_sbom_free(b);
			*err = e;
			return e.code;
		}
		read_distro(b, root);
	}
	*out = b;
	return SR_OK;
}

void sr_sbom_free(struct sr_sbom *b)
{
	if (!b)
		return;
	sr_pkgowner_free(b->owner);
	json_decref(b->components);
	json_decref(b->depends);
	free(b->subject);
	free(b);
}

void sr_sbom_piece_free(struct sr_sbom_piece *p)
{
	if (!p)
		return;
	json_decref(p->components);
	json_decref(p->depends);
	free(p);
}

/* ------------------------------------------------------------ one binary */

static void depend(json_t *depends, const char *from, const char *to)
{
	json_t *set = json_object_get(depends, from);
	if (!set) {
		set = json_object();
		json_object_set_new(depends, from, set);
	}
	if (to)
		json_object_set_new(set, to, json_true());
}

static void prop(json_t *props, const char *name, const char *value)
{
	if (!value || !value[0])
		return;
	json_array_append_new(props, json_pack("{s:s,s:o}", "name", name, "value", sr_json_str(value)));
}

static void hex(const uint8_t *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

/* SHA-256 of the analysed file, a chunk at a time, its pages let go of as
 * the hash moves on (a 500 MiB library need not stay resident). */
static bool file_sha256(const struct sr_reader *r, char out[65])
{
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	size_t k = 0;
	for (uint64_t off = 0; off < r->len; off += HASH_CHUNK, k++) {
		size_t n = r->len - off < HASH_CHUNK ? (size_t)(r->len - off) : HASH_CHUNK;
		const uint8_t *p = sr_reader_at(r, off, n);
		if (!p)
			return false;
		sha256_update(&ctx, n, p);
		if (k % HASH_DROP_EVERY == HASH_DROP_EVERY - 1)
			sr_reader_drop_pages(r);
	}
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_digest(&ctx, sizeof d, d);
	hex(d, sizeof d, out);
	return true;
}

/* go.sum's "h1:BASE64" is a SHA-256 (of the module's file list): as hex. */
static bool h1_hex(const char *sum, char out[65])
{
	if (strncmp(sum, "h1:", 3) != 0)
		return false;
	struct base64_decode_ctx ctx;
	uint8_t d[BASE64_DECODE_LENGTH(64)];
	size_t n = sizeof d;
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &n, d, strlen(sum + 3), sum + 3) || !base64_decode_final(&ctx) ||
	    n != SHA256_DIGEST_SIZE)
		return false;
	hex(d, n, out);
	return true;
}

static json_t *hashes(const char *sha)
{
	return json_pack("[{s:s,s:s}]", "alg", "SHA-256", "content", sha);
}

/* A Go module as a component (the replacement when there is one: its code is
 * what was linked); none for a directory (a replacement by a path). */
static void add_module(json_t *comps, json_t *depends, const char *from, const struct sr_go_module *m,
                       const char *kind)
{
	const struct sr_go_module *use = m->replace ? m->replace : m;
	if (!use->version || !use->version[0] || strcmp(use->version, "(devel)") == 0)
		return;   /* a directory (a replacement by a path): no version to name */
	char *purl = golang_purl(use->path, use->version);
	if (!purl)
		return;
	if (!json_object_get(comps, purl)) {
		json_t *c = json_pack("{s:s,s:s,s:o,s:o,s:s}", "type", "library", "bom-ref", purl, "name",
		                      sr_json_str(use->path), "version", sr_json_str(use->version), "purl", purl);
		char h[65];
		if (use->sum && h1_hex(use->sum, h))
			json_object_set_new(c, "hashes", hashes(h));
		json_t *props = json_array();
		prop(props, "shipready:go.sum", use->sum);
		prop(props, "shipready:go.module", kind);
		if (m->replace)
			prop(props, "shipready:go.replaces", m->path);
		if (json_array_size(props))
			json_object_set_new(c, "properties", props);
		else
			json_decref(props);
		json_object_set_new(comps, purl, c);
	}
	depend(depends, from, purl);
	free(purl);
}

static void add_go(json_t *comps, json_t *depends, const char *from, const struct sr_go_info *g)
{
	const struct sr_go_modinfo *m = g->bi ? g->bi->mod : NULL;
	if (m && m->main.path && m->main.path[0] && m->main.version && strcmp(m->main.version, "(devel)") != 0)
		add_module(comps, depends, from, &m->main, "main");
	for (size_t i = 0; m && i < m->ndeps; i++)
		add_module(comps, depends, from, &m->deps[i], "dependency");
	/* the standard library of the release: "go1.22.4" (a version with extras
	 * after a space, "go1.23.1 X:nocoverageredesign", keeps its first word) */
	if (g->bi && g->bi->status == SR_GO_BI_OK && g->version && strncmp(g->version, "go", 2) == 0) {
		char v[64];
		snprintf(v, sizeof v, "%.*s", (int)strcspn(g->version, " "), g->version);
		char *purl = golang_purl("stdlib", v);
		if (purl && !json_object_get(comps, purl))
			json_object_set_new(comps, purl,
			                    json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", "library", "bom-ref", purl, "name",
			                              "stdlib", "version", v, "purl", purl));
		if (purl)
			depend(depends, from, purl);
		free(purl);
	}
}

/* A Rust program's crates (cargo auditable): each one linked in, as
 * pkg:cargo/NAME@VERSION when it comes from crates.io (the purl type's
 * registry); from git, a path or another registry it has no purl, only a
 * bom-ref naming its source.  Build-time crates are not in the program. */
static void add_rust(json_t *comps, json_t *depends, const char *from, const struct sr_rust_deps *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct sr_rust_crate *k = &d->crates[i];
		if (k->build)
			continue;
		bool crates_io = strcmp(k->source, "crates.io") == 0;
		char *n = sr_percent_encode(k->name, false), *v = sr_percent_encode(k->version, false), *ref = NULL;
		int r = !n || !v ? -1
		        : crates_io ? asprintf(&ref, "pkg:cargo/%s@%s", n, v)
		                    : asprintf(&ref, "crate:%s:%s@%s", k->source, n, v);
		if (r < 0)
			ref = NULL;
		free(n);
		free(v);
		if (!ref)
			continue;
		if (!json_object_get(comps, ref)) {
			json_t *c = json_pack("{s:s,s:s,s:o,s:o}", "type", k->root ? "application" : "library", "bom-ref", ref,
			                      "name", sr_json_str(k->name), "version", sr_json_str(k->version));
			if (crates_io)
				json_object_set_new(c, "purl", json_string(ref));
			json_t *props = json_array();
			prop(props, "shipready:cargo.source", k->source);
			if (k->root)
				prop(props, "shipready:cargo.root", "true");
			json_object_set_new(c, "properties", props);
			json_object_set_new(comps, ref, c);
		}
		depend(depends, from, ref);
		free(ref);
	}
}

/* An installed package as a component of comps (once); its purl, or NULL. */
static char *package_component(const struct sr_sbom *b, json_t *comps, const char *pkg, const char *version,
                               const char *arch)
{
	bool apk = sr_pkgowner_kind(b->owner) == SR_PKGDB_APK;
	char *n = sr_percent_encode(pkg, false), *v = sr_percent_encode(version, false), *purl = NULL;
	char quals[256] = "";
	size_t w = 0;
	if (arch[0])
		w += (size_t)snprintf(quals + w, sizeof quals - w, "arch=%s", arch);
	if (b->distro[0] && w < sizeof quals)
		snprintf(quals + w, sizeof quals - w, "%sdistro=%s", w ? "&" : "", b->distro);
	const char *ns = b->purl_ns[0] ? b->purl_ns : apk ? "alpine" : "debian";
	if (n && v && asprintf(&purl, "pkg:%s/%s/%s@%s%s%s", apk ? "apk" : "deb", ns, n, v, quals[0] ? "?" : "",
	                       quals) < 0)
		purl = NULL;
	free(n);
	free(v);
	if (purl && !json_object_get(comps, purl))
		json_object_set_new(comps, purl,
		                    json_pack("{s:s,s:s,s:o,s:o,s:s}", "type", "library", "bom-ref", purl, "name",
		                              sr_json_str(pkg), "version", sr_json_str(version), "purl", purl));
	return purl;
}

/* The package that installed the file, as a component; its purl, or NULL. */
static char *add_package(const struct sr_sbom *b, json_t *comps, const char *path)
{
	const char *pkg = b->owner ? sr_pkgowner_find(b->owner, path) : NULL;
	const char *version, *arch;
	if (!pkg || !sr_pkgowner_version(b->owner, pkg, &version, &arch))
		return NULL;
	return package_component(b, comps, pkg, version, arch);
}

static void each_package(void *ud, const char *pkg, const char *version, const char *arch)
{
	struct sr_sbom *b = ud;
	free(package_component(b, b->components, pkg, version, arch));
}

/* Every installed package of the root is in the bill, also those that hold
 * no binary (tzdata, ca-certificates: what the programs' needs read). */
static void add_all_packages(struct sr_sbom *b)
{
	if (b->owner)
		sr_pkgowner_each(b->owner, each_package, b);
}

/* In a root: the files this ELF file loads directly (its DT_NEEDED and its
 * interpreter), as the loader model resolves them there. */
static void add_loads(json_t *depends, const char *from, struct sr_analysis *an, const struct sr_root *root)
{
	const struct sr_deps_opts o = { .root = root };
	const struct sr_deps *d = NULL;
	struct sr_error e = { 0 };
	if (!an->in.elf || !an->in.elf->has_dynamic || sr_analysis_deps(an, &o, &d, &e) != SR_OK)
		return;
	for (size_t i = 0; i < d->edge_count; i++) {
		const struct sr_dep_edge *ed = &d->edges[i];
		if (ed->from != 0 || ed->to == SR_DEPS_NONE || !d->objects[ed->to].real)
			continue;
		char *ref = NULL;
		if (asprintf(&ref, "file:%s", d->objects[ed->to].real) >= 0) {
			depend(depends, from, ref);
			free(ref);
		}
	}
	for (size_t i = 1; i < d->object_count; i++)
		if (d->objects[i].is_interp && d->objects[i].real) {
			char *ref = NULL;
			if (asprintf(&ref, "file:%s", d->objects[i].real) >= 0) {
				depend(depends, from, ref);
				free(ref);
			}
		}
}

struct sr_sbom_piece *sr_sbom_piece_make(const struct sr_sbom *b, const struct sr_scan_found *f)
{
	if (!f->an)
		return NULL;
	struct sr_analysis *an = f->an;
	char sha[65];
	if (!file_sha256(&an->in.file.r, sha))
		return NULL;
	struct sr_sbom_piece *p = calloc(1, sizeof *p);
	if (!p || !(p->components = json_object()) || !(p->depends = json_object())) {
		sr_sbom_piece_free(p);
		return NULL;
	}
	char *ref = NULL;
	if (asprintf(&ref, "file:%s", f->path) < 0) {
		sr_sbom_piece_free(p);
		return NULL;
	}
	const char *role = sr_inspect_role(&an->in);
	const char *base = strrchr(f->path, '/');
	json_t *c = json_pack("{s:s,s:s,s:o,s:o}", "type",
	                      strcmp(role, "program") == 0 ? "application" : strcmp(role, "library") == 0 ? "library" : "file",
	                      "bom-ref", ref, "name", sr_json_str(base ? base + 1 : f->path), "hashes", hashes(sha));
	json_t *props = json_array();
	prop(props, "shipready:path", f->path);
	prop(props, "shipready:format", sr_format_name(an->in.format));
	prop(props, "shipready:role", role);
	prop(props, "shipready:language", sr_lang_name(an->lang.lang));
	prop(props, "shipready:compiler", an->lang.compiler);
	json_object_set_new(c, "properties", props);
	json_object_set_new(p->components, ref, c);
	depend(p->depends, ref, NULL);
	if (f->as_root) {
		char *pkg = add_package(b, p->components, f->path);
		if (pkg) {
			prop(props, "shipready:package", pkg);
			free(pkg);
		}
		add_loads(p->depends, ref, an, f->root);
	}
	if (an->in.go && an->in.go->is_go)
		add_go(p->components, p->depends, ref, an->in.go);
	add_rust(p->components, p->depends, ref, &an->rust);
	free(ref);
	return p;
}

void sr_sbom_add(struct sr_sbom *b, struct sr_sbom_piece *p)
{
	if (!p)
		return;
	const char *k;
	json_t *v;
	json_object_foreach(p->components, k, v) {
		if (!json_object_get(b->components, k))
			json_object_set(b->components, k, v);
	}
	json_object_foreach(p->depends, k, v) {
		json_t *set = json_object_get(b->depends, k);
		if (!set)
			json_object_set(b->depends, k, v);
		else
			json_object_update(set, v);
	}
	sr_sbom_piece_free(p);
}

/* ------------------------------------------------------------ the document */

/* Write a document (taken over), indented, keys in the order made. */
static enum sr_err write_doc(json_t *doc, FILE *out, struct sr_error *err)
{
	if (!doc)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(doc);
	return rc == 0 ? SR_OK : sr_error_set(err, SR_E_IO, "cannot write the SBOM");
}

/* The bill's time as both formats write it: "2023-11-14T22:13:20Z". */
static void utc_stamp(int64_t created, char out[32])
{
	time_t t = (time_t)created;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

/* A UUID made from the bill's content (the same tree, the same serial
 * number), in the form of version 5 (name-based, SHA-1 there, SHA-256 here). */
static void content_uuid(const char *text, char out[37])
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(text), (const uint8_t *)text);
	sha256_digest(&ctx, sizeof d, d);
	d[6] = (uint8_t)((d[6] & 0x0f) | 0x50);
	d[8] = (uint8_t)((d[8] & 0x3f) | 0x80);
	char h[33];
	hex(d, 16, h);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

enum sr_err sr_sbom_write_cyclonedx(struct sr_sbom *b, FILE *out, struct sr_error *err)
{
	add_all_packages(b);
	json_t *comps = json_array(), *deps = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(b->components, k, v)
		json_array_append(comps, v);
	json_object_foreach(b->depends, k, v) {
		json_t *on = json_array();
		const char *to;
		json_t *x;
		json_object_foreach(v, to, x) {
			if (json_object_get(b->components, to))   /* only refs the bill has */
				json_array_append_new(on, json_string(to));
		}
		json_array_append_new(deps, json_pack("{s:s,s:o}", "ref", k, "dependsOn", on));
	}
	char *body = json_dumps(comps, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char uuid[37];
	content_uuid(body ? body : "", uuid);
	free(body);
	char stamp[32];
	utc_stamp(b->created, stamp);
	char serial[48];
	snprintf(serial, sizeof serial, "urn:uuid:%s", uuid);
	json_t *tool = json_pack("{s:s,s:s,s:s}", "type", "application", "name", "shipready", "version",
	                         sr_version_string());
	json_t *subject = json_pack("{s:s,s:s,s:o}", "type", b->owner ? "operating-system" : "file", "bom-ref",
	                            "subject", "name", sr_json_str(b->subject));
	json_t *doc = json_pack("{s:s,s:s,s:s,s:i,s:{s:s,s:{s:[o]},s:o},s:o,s:o}", "bomFormat", "CycloneDX",
	                        "specVersion", "1.6", "serialNumber", serial, "version", 1, "metadata", "timestamp",
	                        stamp, "tools", "components", tool, "component", subject, "components", comps,
	                        "dependencies", deps);
	return write_doc(doc, out, err);
}

/* ------------------------------------------------------------ SPDX 2.3 */

/* An SPDX element id for a bom-ref: "SPDXRef-" and the ref's characters
 * that SPDX allows ([A-Za-z0-9.-], others as '-'), the last 40 at most,
 * and a hash of the whole ref (ids must be unique, refs are). */
static char *spdx_id(const char *ref)
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(ref), (const uint8_t *)ref);
	sha256_digest(&ctx, sizeof d, d);
	char h[17];
	hex(d, 8, h);
	size_t n = strlen(ref);
	const char *tail = n > 40 ? ref + n - 40 : ref;
	char clean[41];
	size_t w = 0;
	for (const char *p = tail; *p; p++)
		clean[w++] = ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.')
		                     ? *p : '-';
	clean[w] = '\0';
	char *out = NULL;
	if (asprintf(&out, "SPDXRef-%s-%s", clean, h) < 0)
		return NULL;
	return out;
}

static const char *prop_of(const json_t *c, const char *name)
{
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(c, "properties"), i, q) {
		if (strcmp(json_string_value(json_object_get(q, "name")), name) == 0)
			return json_string_value(json_object_get(q, "value"));
	}
	return NULL;
}

static json_t *spdx_package(const char *ref, const json_t *c)
{
	char *id = spdx_id(ref);
	if (!id)
		return NULL;
	const char *type = json_string_value(json_object_get(c, "type"));
	const char *purl = json_string_value(json_object_get(c, "purl"));
	bool file = strncmp(ref, "file:", 5) == 0;
	json_t *p = json_pack("{s:s,s:O,s:s,s:b,s:s,s:s,s:s}", "SPDXID", id, "name", json_object_get(c, "name"),
	                      "downloadLocation", "NOASSERTION", "filesAnalyzed", 0, "licenseConcluded", "NOASSERTION",
	                      "licenseDeclared", "NOASSERTION", "copyrightText", "NOASSERTION");
	free(id);
	if (!p)
		return NULL;
	json_t *v = json_object_get(c, "version");
	if (v)
		json_object_set(p, "versionInfo", v);
	json_object_set_new(p, "primaryPackagePurpose",
	                    json_string(!file ? "LIBRARY" : strcmp(type, "application") == 0 ? "APPLICATION"
	                                : strcmp(type, "library") == 0 ? "LIBRARY" : "FILE"));
	json_t *sums = json_array();
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(c, "hashes"), i, h) {
		json_array_append_new(sums, json_pack("{s:s,s:O}", "algorithm", "SHA256", "checksumValue",
		                                      json_object_get(h, "content")));
	}
	if (json_array_size(sums))
		json_object_set_new(p, "checksums", sums);
	else
		json_decref(sums);
	if (purl)
		json_object_set_new(p, "externalRefs",
		                    json_pack("[{s:s,s:s,s:s}]", "referenceCategory", "PACKAGE-MANAGER", "referenceType",
		                              "purl", "referenceLocator", purl));
	const char *path = file ? prop_of(c, "shipready:path") : NULL;
	if (path) {
		json_t *cm = sr_json_str(path);
		char *text = NULL;
		if (asprintf(&text, "file %s", json_string_value(cm)) >= 0)
			json_object_set_new(p, "comment", json_string(text));
		free(text);
		json_decref(cm);
	}
	return p;
}

static void relate(json_t *rels, const char *from, const char *type, const char *to)
{
	char *a = spdx_id(from), *b = spdx_id(to);
	if (a && b)
		json_array_append_new(rels, json_pack("{s:s,s:s,s:s}", "spdxElementId", a, "relationshipType", type,
		                                      "relatedSpdxElement", b));
	free(a);
	free(b);
}

enum sr_err sr_sbom_write_spdx(struct sr_sbom *b, FILE *out, struct sr_error *err)
{
	add_all_packages(b);
	json_t *pkgs = json_array(), *rels = json_array();
	const char *k;
	json_t *v;
	/* the tree itself, which the document describes */
	char *sid = spdx_id("subject");
	if (!sid)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	json_array_append_new(pkgs, json_pack("{s:s,s:o,s:s,s:b,s:s,s:s,s:s,s:s}", "SPDXID", sid, "name",
	                                      sr_json_str(b->subject), "downloadLocation", "NOASSERTION", "filesAnalyzed",
	                                      0, "licenseConcluded", "NOASSERTION", "licenseDeclared", "NOASSERTION",
	                                      "copyrightText", "NOASSERTION", "primaryPackagePurpose",
	                                      b->owner ? "OPERATING-SYSTEM" : "FILE"));
	json_array_append_new(rels, json_pack("{s:s,s:s,s:s}", "spdxElementId", "SPDXRef-DOCUMENT", "relationshipType",
	                                      "DESCRIBES", "relatedSpdxElement", sid));
	free(sid);
	json_object_foreach(b->components, k, v) {
		json_t *p = spdx_package(k, v);
		if (p)
			json_array_append_new(pkgs, p);
		if (strncmp(k, "file:", 5) != 0)
			continue;
		relate(rels, "subject", "CONTAINS", k);
		const char *pkg = prop_of(v, "shipready:package");
		if (pkg && json_object_get(b->components, pkg))
			relate(rels, pkg, "CONTAINS", k);
	}
	json_object_foreach(b->depends, k, v) {
		const char *to;
		json_t *x;
		json_object_foreach(v, to, x) {
			if (json_object_get(b->components, to))
				relate(rels, k, strncmp(to, "file:", 5) == 0 ? "DYNAMIC_LINK" : "STATIC_LINK", to);
		}
	}
	char *body = json_dumps(pkgs, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char uuid[37];
	content_uuid(body ? body : "", uuid);
	free(body);
	char stamp[32], ns[96], tool[64];
	utc_stamp(b->created, stamp);
	snprintf(ns, sizeof ns, "https://shipready.dev/spdxdocs/%s", uuid);
	snprintf(tool, sizeof tool, "Tool: shipready-%s", sr_version_string());
	json_t *doc = json_pack("{s:s,s:s,s:s,s:o,s:s,s:{s:s,s:[s]},s:o,s:o}", "spdxVersion", "SPDX-2.3", "dataLicense",
	                        "CC0-1.0", "SPDXID", "SPDXRef-DOCUMENT", "name", sr_json_str(b->subject),
	                        "documentNamespace", ns, "creationInfo", "created", stamp, "creators", tool, "packages",
	                        pkgs, "relationships", rels);
	return write_doc(doc, out, err);
}
