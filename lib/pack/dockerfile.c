/* shipready — a Dockerfile on the smallest base an analysed program needs.
 *
 * The base is chosen from what the file says and what the source root (the
 * system the libraries come from, "/" by default) is, smallest first:
 *   static, no CA roots / zoneinfo needed      FROM scratch
 *   static, CA roots or zoneinfo needed        FROM scratch + COPY of those files
 *                                              (from the build context, or from the
 *                                              golang build stage with --go-build):
 *                                              smaller than distroless/static and
 *                                              buildable without a registry
 *   glibc, only libc6, root Debian 12         gcr.io/distroless/base-debian12
 *   glibc, other libraries                     the root's release (os-release):
 *                                              debian:N-slim or ubuntu:N + apt-get
 *                                              install of the packages whose dpkg
 *                                              .list holds them
 *   musl                                       alpine (the root's release and its apk
 *                                              database when the root is Alpine)
 * A dynamic program is judged against the root with the check engine: what
 * would stop it starting there (a symbol version, the interpreter) is said
 * in the Dockerfile and counted.  A library that cannot be mapped to a
 * package is named in a comment and counted: never a guessed package name.
 * Every file of the root is read through sr_root, never outside it. */
#include "shipready/dockerfile.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shipready/check.h"
#include "shipready/analysis.h"
#include "shipready/deps.h"
#include "shipready/judge.h"
#include "shipready/needs.h"
#include "shipready/root.h"
#include "shipready/shipready.h"
#include "util/strbuf.h"
#include "pkg/pkgdb.h"
#include "shipready/pkgowner.h"
#include "util/arena.h"

#define CA_FILE "/etc/ssl/certs/ca-certificates.crt"
#define TZ_DIR "/usr/share/zoneinfo"
#define MAX_LIBS 256

/* A JSON string for the exec form of ENTRYPOINT / HEALTHCHECK. */
static void put_json_n(struct sr_strbuf *b, const char *s, size_t n)
{
	sr_strbuf_puts(b, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			sr_strbuf_put_n(b, e, 2);
		} else {
			sr_strbuf_put_n(b, (const char *)&c, 1);
		}
	}
	sr_strbuf_puts(b, "\"");
}

/* A word for sh -c, in single quotes when it is not plain. */
static void put_sh_word(struct sr_strbuf *b, const char *s)
{
	bool plain = *s != '\0';
	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:+@", *p))
			plain = false;
	if (plain) {
		sr_strbuf_puts(b, s);
		return;
	}
	sr_strbuf_puts(b, "'");
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			sr_strbuf_puts(b, "'\\''");
		else
			sr_strbuf_put_n(b, p, 1);
	}
	sr_strbuf_puts(b, "'");
}

/* ---------- options ---------- */

static bool no_controls(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool user_ok(const char *u)
{
	if (!*u || strlen(u) > 64)
		return false;
	for (const char *p = u; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:", *p))
			return false;
	return true;
}

static bool user_is_root(const char *u)
{
	size_t n = strcspn(u, ":");
	if (n == 4 && memcmp(u, "root", 4) == 0)
		return true;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (u[i] != '0')
			return false;
	return true;
}

enum sr_err sr_dockerfile_check_opts(const struct sr_dockerfile_opts *o, struct sr_error *err)
{
	if (o->user && !user_ok(o->user))
		return sr_error_set(err, SR_E_USAGE, "--user '%s': expected UID[:GID] or a user name", o->user);
	if (o->user && user_is_root(o->user))
		return sr_error_set(err, SR_E_USAGE, "--user '%s': the container should not run as root", o->user);
	if (o->go_build && (!*o->go_build || !no_controls(o->go_build) || strpbrk(o->go_build, " \t'\"\\$`")))
		return sr_error_set(err, SR_E_USAGE, "--go-build '%s': expected a Go package path", o->go_build);
	if (o->healthcheck) {
		if (!no_controls(o->healthcheck))
			return sr_error_set(err, SR_E_USAGE, "--healthcheck '%s': control characters", o->healthcheck);
		if (o->healthcheck[strspn(o->healthcheck, " ")] == '\0')
			return sr_error_set(err, SR_E_USAGE, "--healthcheck '%s': expected a command", o->healthcheck);
	}
	return SR_OK;
}

/* ---------- the source root: text files, release, package databases ---------- */

/* A file of the root through the bounded reader (sr_root: never outside it). */
static bool root_text(const struct sr_root *root, const char *path, struct sr_file *f)
{
	struct sr_error e = { 0 };
	return sr_root_file_open(root, path, f, NULL, 0, &e) == SR_OK;
}

struct release {
	char id[64], version_id[64], codename[64];
	bool found;
};

static void read_release(const struct sr_root *root, struct release *rel)
{
	memset(rel, 0, sizeof *rel);
	struct sr_file f;
	if (!root_text(root, "/etc/os-release", &f) && !root_text(root, "/usr/lib/os-release", &f))
		return;
	struct sr_os_release o;
	sr_os_release_parse(&f.r, &o);
	sr_file_close(&f);
	rel->found = true;
	memcpy(rel->id, o.id, sizeof rel->id);
	memcpy(rel->version_id, o.version_id, sizeof rel->version_id);
	memcpy(rel->codename, o.codename, sizeof rel->codename);
}

/* An image tag from os-release words: letters, digits, '.', '-', '_'. */
static bool tag_ok(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_", *p))
			return false;
	return true;
}

struct lib {
	const char *name;      /* DT_NEEDED name */
	const char *path;      /* as the loader opens it, or NULL when not found */
	const char *real;
	const char *pkg;       /* arena copy, or NULL */
};

/* The package of each library, from the root's database of that kind;
 * false when the root has none. */
static bool map_packages(struct sr_arena *a, const struct sr_root *root, enum sr_pkgdb_kind kind, struct lib *libs,
                         size_t n)
{
	struct sr_pkgowner *o;
	struct sr_error e = { 0 };
	if (sr_pkgowner_open(root, kind, &o, &e) != SR_OK)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *pkg = sr_pkgowner_find(o, libs[i].path);
		if (!pkg)
			pkg = sr_pkgowner_find(o, libs[i].real);
		if (pkg)
			libs[i].pkg = sr_arena_strdup(a, pkg);
	}
	sr_pkgowner_free(o);
	return true;
}

/* ---------- the Dockerfile ---------- */

struct sr_dockerfile_priv {
	struct sr_arena *a;
};

static const struct sr_need *find_need(const struct sr_needs *nd, enum sr_need_kind k)
{
	for (size_t i = 0; i < nd->n; i++)
		if (nd->v[i].kind == k)
			return &nd->v[i];
	return NULL;
}

static void put_evidence(struct sr_strbuf *b, const struct sr_need *n)
{
	for (size_t i = 0; i < n->evidence.count && i < 3; i++) {
		sr_strbuf_puts(b, i ? ", " : "");
		sr_strbuf_put_comment(b, n->evidence.items[i]);
	}
	if (n->evidence.count > 3)
		sr_strbuf_puts(b, ", …");
}

static enum sr_err check_file(const struct sr_inspect *in, struct sr_error *err)
{
	if (in->format != SR_FMT_ELF || !in->elf)
		return sr_error_set(err, SR_E_UNSUPPORTED, "not an ELF program: a container runs Linux programs");
	const struct sr_elf *e = in->elf;
	if (e->kind != SR_ELF_KIND_EXEC && e->kind != SR_ELF_KIND_PIE)
		return sr_error_set(err, SR_E_UNSUPPORTED, "not an executable");
	const struct sr_go_info *g = in->go && in->go->is_go ? in->go : NULL;
	if (g && g->goos && strcmp(g->goos, "linux") != 0)
		return sr_error_set(err, SR_E_UNSUPPORTED, "a Go program for GOOS=%s, not linux", g->goos);
	return SR_OK;
}

static const char *setting(const struct sr_go_info *g, const char *key)
{
	const struct sr_go_setting *s = g->bi && g->bi->mod ? sr_go_modinfo_setting(g->bi->mod, key) : NULL;
	return s ? s->value : NULL;
}

/* The golang stage: the binary's Go release and its build settings. */
static enum sr_err put_go_stage(struct sr_strbuf *b, const struct sr_inspect *in, const char *pkg, struct sr_error *err)
{
	const struct sr_go_info *g = in->go && in->go->is_go ? in->go : NULL;
	if (!g || !g->bi || g->bi->status != SR_GO_BI_OK || !g->go_major)
		return sr_error_set(err, SR_E_UNSUPPORTED, "--go-build needs a Go program with build info");
	static const char *const env_keys[] = { "CGO_ENABLED", "GOOS", "GOARCH", "GOAMD64", "GOARM", "GOARM64",
		                                "GO386", "GOMIPS", "GOPPC64", "GORISCV64" };
	static const char *const flag_keys[] = { "-buildmode", "-compiler", "-gcflags", "-asmflags",
		                                 "-ldflags", "-tags" };
	for (size_t i = 0; i < g->bi->mod->nsettings; i++) {
		const struct sr_go_setting *s = &g->bi->mod->settings[i];
		if (strlen(s->value) != s->value_len || strlen(s->key) != s->key_len || !no_controls(s->value))
			return sr_error_set(err, SR_E_UNSUPPORTED, "build setting '%s' holds control characters", s->key);
	}
	sr_strbuf_printf(b, "# build stage: the binary was built by %s: the golang image of that release\n",
	     g->bi->version ? g->bi->version : g->version);
	sr_strbuf_printf(b, "FROM golang:%u.%u AS build\n", g->go_major, g->go_minor);
	sr_strbuf_puts(b, "WORKDIR /src\nCOPY . .\n");
	sr_strbuf_puts(b, "# the settings of the binary's build info (go version -m)\n");
	const char *trim = setting(g, "-trimpath");
	if (trim && strcmp(trim, "true") == 0 && !setting(g, "-ldflags"))
		sr_strbuf_puts(b, "# Go does not record -ldflags with -trimpath: add the original ones, if any\n");
	sr_strbuf_puts(b, "RUN ");
	for (size_t i = 0; i < sizeof env_keys / sizeof env_keys[0]; i++) {
		const char *v = setting(g, env_keys[i]);
		if (v) {
			sr_strbuf_printf(b, "%s=", env_keys[i]);
			put_sh_word(b, v);
			sr_strbuf_puts(b, " ");
		}
	}
	sr_strbuf_puts(b, "go build");
	if (trim && strcmp(trim, "true") == 0)
		sr_strbuf_puts(b, " -trimpath");
	for (size_t i = 0; i < sizeof flag_keys / sizeof flag_keys[0]; i++) {
		const char *v = setting(g, flag_keys[i]);
		if (!v || (strcmp(flag_keys[i], "-compiler") == 0 && strcmp(v, "gc") == 0) ||
		    (strcmp(flag_keys[i], "-buildmode") == 0 && strcmp(v, "exe") == 0))
			continue;
		sr_strbuf_printf(b, " %s=", flag_keys[i]);
		put_sh_word(b, v);
	}
	sr_strbuf_puts(b, " -o /out/app ");
	put_sh_word(b, pkg);
	sr_strbuf_puts(b, "\n\n");
	return SR_OK;
}

/* Everything the text is made from. */
struct plan {
	struct sr_arena *a;
	const struct sr_dockerfile_opts *o;
	struct sr_analysis *an;       /* the program's one analysis */
	const struct sr_inspect *in;
	const char *root_dir;
	struct release rel;
	bool dynamic, musl, glibc, alpine_root;
	struct lib libs[MAX_LIBS];
	size_t nlibs, nmissing, nunmapped;
	bool have_db;                 /* the root's package database was read */
	const char *pkgs[MAX_LIBS + 2];
	size_t npkgs;
	struct sr_dockerfile_problem *problems;
	size_t nproblems, cap_problems;
	const char *base, *base_reason, *manager;
	const char *base_entry;       /* the target database's entry for the base ("alpine-3.22"), or NULL */
	const struct sr_target *base_target;
};

/* The base's entry in the run's target database (opts.targets, the one
 * check judges by): what the image has is asked there, never decided
 * here.  The name is kept when the database has no such entry (then every
 * answer is unknown). */
static void use_base_entry(struct plan *p, const char *entry)
{
	p->base_entry = entry;
	p->base_target = entry && p->o->targets ? sr_targets_find(p->o->targets, entry) : NULL;
}

/* The database's judgement of the base image for need n: SR_NEED_UNKNOWN
 * when the base has no entry. */
static void base_judge(const struct plan *p, const struct sr_need *n, struct sr_need_answer *out)
{
	if (p->base_target)
		sr_judge_need_db(p->base_target, n, out);
	else
		*out = (struct sr_need_answer){ SR_NEED_UNKNOWN, NULL, false };
}

/* Does the base image meet need n (NULL: no such need)? */
static bool base_meets(const struct plan *p, const struct sr_need *n)
{
	if (!n)
		return true;
	struct sr_need_answer a;
	base_judge(p, n, &a);
	return a.state == SR_NEED_MET;
}

/* The libraries as the loader finds them in the root, and their packages. */
static enum sr_err plan_libraries(struct plan *p, struct sr_error *err)
{
	struct sr_deps_opts dopts = { .root = p->o->root, .program_on_host = true };
	const struct sr_deps *d;
	enum sr_err rc = sr_analysis_deps(p->an, &dopts, &d, err);
	if (rc != SR_OK)
		return rc;
	if (d->object_count + d->missing_count > MAX_LIBS)
		return sr_error_set(err, SR_E_UNSUPPORTED, "more than %d libraries: not supported yet", MAX_LIBS);
	for (size_t i = 1; i < d->object_count && p->nlibs < MAX_LIBS; i++) {
		const struct sr_dep_object *ob = &d->objects[i];
		if (!ob->is_interp)
			p->libs[p->nlibs++] = (struct lib){ ob->name, ob->path, ob->real, NULL };
	}
	for (size_t i = 0; i < d->edge_count && p->nlibs < MAX_LIBS; i++)
		if (d->edges[i].to == SR_DEPS_NONE) {
			p->libs[p->nlibs++] = (struct lib){ d->edges[i].name, NULL, NULL, NULL };
			p->nmissing++;
		}
	if (p->glibc)
		p->have_db = map_packages(p->a, p->o->root, SR_PKGDB_DPKG, p->libs, p->nlibs);
	else if (p->alpine_root)
		p->have_db = map_packages(p->a, p->o->root, SR_PKGDB_APK, p->libs, p->nlibs);
	return SR_OK;
}

/* The check engine's failures against the root: the program would not
 * start on a base built from it. */
static enum sr_err plan_problems(struct plan *p, struct sr_error *err)
{
	char spec[SR_ROOT_MAX_PATH + 8];
	snprintf(spec, sizeof spec, "dir:%s", p->root_dir);
	struct sr_check_target *t = NULL;
	struct sr_check_result *res = NULL;
	enum sr_err rc = sr_check_target_open(NULL, spec, &t, err);
	if (rc == SR_OK)
		rc = sr_check_run(p->an, t, &res, err);
	for (size_t i = 0; rc == SR_OK && i < res->nfindings; i++) {
		const struct sr_finding *f = &res->findings[i];
		/* a missing library is listed with the libraries already */
		if (f->severity != SR_SEV_FAIL || strcmp(f->kind, "library") == 0)
			continue;
		struct sr_dockerfile_problem *v =
			sr_arena_grow(p->a, p->problems, p->nproblems, &p->cap_problems, sizeof *v, 64);
		if (!v) {
			rc = sr_error_set(err, SR_E_NOMEM, "out of memory");
			break;
		}
		p->problems = v;
		v[p->nproblems++] = (struct sr_dockerfile_problem){
			sr_arena_strdup(p->a, f->kind), sr_arena_strdup(p->a, f->reason),
			f->fix ? sr_arena_strdup(p->a, f->fix) : NULL };
	}
	sr_check_result_free(res);
	sr_check_target_free(t);
	return rc;
}

/* The base image and the package manager of a dynamic program. */
static enum sr_err plan_base(struct plan *p, const struct sr_need *ca, const struct sr_need *tz, struct sr_error *err)
{
	const struct release *r = &p->rel;
	if (p->musl) {
		if (p->alpine_root) {
			char mm[64];
			snprintf(mm, sizeof mm, "%s", r->version_id);
			char *dot = strchr(mm, '.');
			if (dot && (dot = strchr(dot + 1, '.')))
				*dot = '\0';
			p->base = sr_arena_printf(p->a, "alpine:%s", mm);
			p->base_entry = sr_arena_printf(p->a, "alpine-%s", mm);
			p->base_reason = sr_arena_printf(p->a, "musl, and the root %s is Alpine %s: its release", p->root_dir, r->version_id);
		} else {
			p->base = "alpine:3.22";
			p->base_entry = "alpine-3.22";
			p->base_reason = "musl: alpine has musl's loader (the newest Alpine shipready knows)";
		}
		p->manager = "apk";
		use_base_entry(p, p->base_entry);
		return SR_OK;
	}
	bool debian = strcmp(r->id, "debian") == 0, ubuntu = strcmp(r->id, "ubuntu") == 0;
	if (!r->found)
		return sr_error_set(err, SR_E_UNSUPPORTED, "the root %s has no os-release: its release (and so the base "
		                    "image and package names) is unknown", p->root_dir);
	if (!debian && !ubuntu)
		return sr_error_set(err, SR_E_UNSUPPORTED, "no base image known for the release of the root %s (ID=%s): "
		                    "give --from-root a Debian or Ubuntu root", p->root_dir, tag_ok(r->id) ? r->id : "?");
	const char *ver = tag_ok(r->version_id) ? r->version_id : tag_ok(r->codename) ? r->codename : NULL;
	if (!ver)
		return sr_error_set(err, SR_E_UNSUPPORTED, "the root %s names no release version in its os-release",
		                    p->root_dir);
	if (p->npkgs == 0 && debian && strcmp(ver, "12") == 0 && p->nproblems == 0) {
		/* nothing to install: distroless base, when its entry says it has what is needed */
		use_base_entry(p, "distroless-base-debian12");
		if (base_meets(p, ca) && base_meets(p, tz)) {
			p->base = "gcr.io/distroless/base-debian12";
			p->base_reason = ca || tz ? "only libc6: distroless base has Debian 12's glibc, CA roots and zoneinfo, "
			                            "and nothing to install with"
			                          : "only libc6: distroless base has Debian 12's glibc and nothing to install with";
			p->manager = NULL;
			return SR_OK;
		}
	}
	p->base = debian ? sr_arena_printf(p->a, "debian:%s-slim", ver) : sr_arena_printf(p->a, "ubuntu:%s", ver);
	p->base_reason = sr_arena_printf(p->a, "%s, the release of the root %s whose libraries were resolved%s",
	                      p->base, p->root_dir, p->npkgs ? " (distroless has no package manager)" : "");
	p->manager = "apt";
	use_base_entry(p, debian ? sr_arena_printf(p->a, "debian-%s-slim", ver) : NULL);
	return SR_OK;
}

static void add_pkg(struct plan *p, const char *pkg)
{
	for (size_t j = 0; j < p->npkgs; j++)
		if (strcmp(p->pkgs[j], pkg) == 0)
			return;
	p->pkgs[p->npkgs++] = pkg;
}

/* Packages beyond what the base has. */
static void plan_packages(struct plan *p)
{
	for (size_t i = 0; i < p->nlibs; i++) {
		const char *pkg = p->libs[i].pkg;
		if (!pkg)
			continue;
		if (p->glibc && strcmp(pkg, "libc6") == 0)
			continue;
		if (p->musl && strcmp(pkg, "musl") == 0)
			continue;
		add_pkg(p, pkg);
	}
}

static void put_libraries(struct sr_strbuf *b, struct plan *p)
{
	for (size_t i = 0; i < p->nlibs; i++) {
		struct lib *l = &p->libs[i];
		if (p->musl && !p->have_db) {
			if (l->path && sr_libc_provides(SR_LIBC_MUSL, NULL, NULL, l->name))
				continue;
			sr_strbuf_puts(b, "# not mapped: ");
			sr_strbuf_put_comment(b, l->name);
			sr_strbuf_puts(b, " (no apk database: give --from-root an Alpine root to map it): add its package to the "
			       "image\n");
			p->nunmapped++;
			continue;
		}
		sr_strbuf_puts(b, "#   ");
		sr_strbuf_put_comment(b, l->name);
		if (!l->path) {
			sr_strbuf_puts(b, "  not found in the root: not mapped, add it to the image yourself\n");
			continue;
		}
		sr_strbuf_puts(b, "  ");
		sr_strbuf_put_comment(b, l->path);
		if (l->pkg) {
			sr_strbuf_puts(b, "  ");
			sr_strbuf_put_comment(b, l->pkg);
			bool in_base = (p->glibc && strcmp(l->pkg, "libc6") == 0) || (p->musl && strcmp(l->pkg, "musl") == 0);
			sr_strbuf_puts(b, in_base ? " (in the base)\n" : "\n");
		} else {
			sr_strbuf_puts(b, "  in no package: not mapped, add it to the image yourself\n");
			p->nunmapped++;
		}
	}
}

static void put_install(struct sr_strbuf *b, const struct plan *p)
{
	if (!p->npkgs)
		return;
	sr_strbuf_puts(b, "# the packages named above\n");
	if (strcmp(p->manager, "apk") == 0)
		sr_strbuf_puts(b, "RUN apk add --no-cache");
	else
		sr_strbuf_puts(b, "RUN apt-get update && apt-get install -y --no-install-recommends");
	for (size_t i = 0; i < p->npkgs; i++) {
		sr_strbuf_puts(b, " ");
		put_sh_word(b, p->pkgs[i]);
	}
	sr_strbuf_puts(b, strcmp(p->manager, "apk") == 0 ? "\n" : " && rm -rf /var/lib/apt/lists/*\n");
}

static void put_problems(struct sr_strbuf *b, const struct plan *p)
{
	for (size_t i = 0; i < p->nproblems; i++) {
		sr_strbuf_puts(b, "# will not run: ");
		sr_strbuf_put_comment(b, p->problems[i].reason);
		if (p->problems[i].fix) {
			sr_strbuf_puts(b, "; fix: ");
			sr_strbuf_put_comment(b, p->problems[i].fix);
		}
		sr_strbuf_puts(b, "\n");
	}
}

static void put_static(struct sr_strbuf *b, const struct plan *p, const struct sr_need *ca, const struct sr_need *tz)
{
	const char *from = p->o->go_build ? "--from=build " : "";
	sr_strbuf_puts(b, "# static: no interpreter and no shared libraries (");
	sr_strbuf_puts(b, p->in->go && p->in->go->is_go ? "Go" : sr_libc_name(p->in->elf->libc));
	sr_strbuf_puts(b, "): the empty image runs it\nFROM scratch\n");
	if (ca) {
		sr_strbuf_puts(b, "# CA roots for ");
		sr_strbuf_put_comment(b, ca->feature ? ca->feature : "TLS");
		sr_strbuf_puts(b, " (");
		put_evidence(b, ca);
		sr_strbuf_puts(b, "); scratch has none\n");
		sr_strbuf_printf(b, "COPY %s%s %s\n", from, p->o->go_build ? CA_FILE : &CA_FILE[1], CA_FILE);
	}
	if (tz && p->o->go_build) {
		sr_strbuf_puts(b, "# zoneinfo for named time zones (");
		put_evidence(b, tz);
		sr_strbuf_puts(b, "); scratch has none: the golang image's zoneinfo.zip, read through ZONEINFO\n");
		sr_strbuf_puts(b, "COPY --from=build /usr/local/go/lib/time/zoneinfo.zip /zoneinfo.zip\nENV ZONEINFO=/zoneinfo.zip\n");
	} else if (tz) {
		sr_strbuf_puts(b, "# zoneinfo for named time zones (");
		put_evidence(b, tz);
		sr_strbuf_puts(b, "); scratch has none\n");
		sr_strbuf_printf(b, "COPY %s %s\n", &TZ_DIR[1], TZ_DIR);
	}
}

/* CA roots and zoneinfo: what the base image has, as its database entry
 * says (the one judgement); what it lacks is installed with its package
 * manager (ca-certificates, tzdata on Alpine, Debian and Ubuntu alike). */
static void put_base_needs(struct sr_strbuf *b, struct plan *p, const struct sr_need *ca, const struct sr_need *tz)
{
	const char *name = p->base_entry ? p->base_entry : p->base;
	struct sr_need_answer a;
	if (tz) {
		base_judge(p, tz, &a);
		sr_strbuf_puts(b, "# zoneinfo for named time zones (");
		put_evidence(b, tz);
		if (a.state == SR_NEED_MET) {
			sr_strbuf_puts(b, "): ");
			sr_strbuf_put_comment(b, name);
			sr_strbuf_puts(b, "'s image has it\n");
		} else {
			sr_strbuf_puts(b, a.state == SR_NEED_MISSING ? "): " : "): not confirmed that ");
			sr_strbuf_put_comment(b, name);
			sr_strbuf_puts(b, a.state == SR_NEED_MISSING ? "'s image has none\n" : "'s image has it\n");
			add_pkg(p, "tzdata");
		}
	}
	if (ca) {
		base_judge(p, ca, &a);
		if (a.state == SR_NEED_MET) {
			sr_strbuf_puts(b, "# CA roots: ");
			sr_strbuf_put_comment(b, name);
			sr_strbuf_puts(b, "'s image has ");
			sr_strbuf_put_comment(b, a.path);
			sr_strbuf_puts(b, "\n");
		} else {
			sr_strbuf_puts(b, "# CA roots (");
			put_evidence(b, ca);
			sr_strbuf_puts(b, "): ca-certificates\n");
			add_pkg(p, "ca-certificates");
		}
	}
}

static void put_dynamic(struct sr_strbuf *b, struct plan *p, const struct sr_need *ca, const struct sr_need *tz)
{
	const struct sr_elf *e = p->in->elf;
	sr_strbuf_puts(b, p->musl ? "# dynamic, musl (interpreter " : "# dynamic, glibc (interpreter ");
	sr_strbuf_put_comment(b, e->interpreter ? e->interpreter : "?");
	if (p->have_db) {
		sr_strbuf_puts(b, "): libraries, packages from the ");
		sr_strbuf_puts(b, p->glibc ? "dpkg" : "apk");
		sr_strbuf_puts(b, " database of ");
		sr_strbuf_put_comment(b, p->root_dir);
		sr_strbuf_puts(b, ":\n");
	} else if (p->glibc) {
		sr_strbuf_puts(b, "): libraries (the root ");
		sr_strbuf_put_comment(b, p->root_dir);
		sr_strbuf_puts(b, " has no dpkg database):\n");
	} else {
		sr_strbuf_puts(b, ")\n");
	}
	put_libraries(b, p);
	put_problems(b, p);
	sr_strbuf_puts(b, "# ");
	sr_strbuf_put_comment(b, p->base_reason);
	sr_strbuf_puts(b, "\nFROM ");
	sr_strbuf_puts(b, p->base);
	sr_strbuf_puts(b, "\n");
	put_base_needs(b, p, ca, tz);
	put_install(b, p);
}

/* Needs no base provides: said, not silently dropped. */
static void put_other_needs(struct sr_strbuf *b, const struct plan *p, const struct sr_needs *needs)
{
	for (size_t i = 0; i < needs->n; i++) {
		const struct sr_need *n = &needs->v[i];
		if (n->kind == SR_NEED_CA_ROOTS || n->kind == SR_NEED_ZONEINFO)
			continue;
		if (n->kind == SR_NEED_DNS) {
			sr_strbuf_puts(b, "# DNS (");
			put_evidence(b, n);
			sr_strbuf_puts(b, "): the container runtime provides /etc/resolv.conf and /etc/hosts\n");
			continue;
		}
		if (!p->dynamic || p->musl) {
			sr_strbuf_puts(b, "# not provided: ");
			sr_strbuf_put_comment(b, n->name);
			sr_strbuf_puts(b, " (");
			put_evidence(b, n);
			sr_strbuf_puts(b, ")");
			if (n->feature) {
				sr_strbuf_puts(b, ": ");
				sr_strbuf_put_comment(b, n->feature);
			}
			sr_strbuf_puts(b, n->optional ? " (the program has a fallback)\n" : " may fail\n");
		}
	}
}

static void put_tail(struct sr_strbuf *b, const struct plan *p)
{
	const struct sr_dockerfile_opts *o = p->o;
	sr_strbuf_puts(b, "\n");
	if (o->go_build)
		sr_strbuf_puts(b, "COPY --from=build /out/app /app\n");
	else {
		sr_strbuf_puts(b, "COPY [");
		put_json_n(b, o->context_name, strlen(o->context_name));
		sr_strbuf_puts(b, ", \"/app\"]\n");
	}
	if (o->user)
		sr_strbuf_puts(b, "# non-root, as asked (--user)\n");
	else
		sr_strbuf_puts(b, "# non-root: a numeric user needs no /etc/passwd entry (65532 is distroless's nonroot)\n");
	sr_strbuf_printf(b, "USER %s\n", o->user ? o->user : "65532:65532");
	if (o->healthcheck) {
		sr_strbuf_puts(b, "# --healthcheck, in exec form (no shell in the image)\nHEALTHCHECK CMD [");
		const char *s = o->healthcheck;
		bool first = true;
		for (;;) {
			s += strspn(s, " ");
			if (!*s)
				break;
			size_t n = strcspn(s, " ");
			sr_strbuf_puts(b, first ? "" : ", ");
			put_json_n(b, s, n);
			first = false;
			s += n;
		}
		sr_strbuf_puts(b, "]\n");
	}
	sr_strbuf_puts(b, "ENTRYPOINT [\"/app\"]\n");
	size_t unmapped = p->nunmapped + p->nmissing;
	if (unmapped)
		sr_strbuf_printf(b, "# not yet complete: %zu librar%s not mapped to a package (see above)\n", unmapped,
		     unmapped == 1 ? "y" : "ies");
	if (p->nproblems)
		sr_strbuf_printf(b, "# not yet complete: the program would not start on this base (%zu problem%s above)\n",
		     p->nproblems, p->nproblems == 1 ? "" : "s");
}

static void put_header(struct sr_strbuf *b, const struct plan *p, bool ca, bool tz)
{
	const struct sr_dockerfile_opts *o = p->o;
	sr_strbuf_puts(b, "# Dockerfile generated by shipready ");
	sr_strbuf_puts(b, sr_version_string());
	if (o->source) {
		sr_strbuf_puts(b, " from ");
		sr_strbuf_put_comment(b, o->source);
	}
	sr_strbuf_puts(b, "\n# the base is the smallest that satisfies what the program needs; each choice says why\n");
	if (!o->go_build) {
		sr_strbuf_puts(b, "# build with the program in the context directory: docker build -f Dockerfile DIR\n");
		if (!p->dynamic && (ca || tz)) {
			sr_strbuf_puts(b, "# first copy into DIR the files below, e.g.");
			if (ca)
				sr_strbuf_puts(b, " mkdir -p DIR/etc/ssl/certs && cp " CA_FILE " DIR/etc/ssl/certs/");
			if (ca && tz)
				sr_strbuf_puts(b, ";");
			if (tz)
				sr_strbuf_puts(b, " mkdir -p DIR/usr/share && cp -r " TZ_DIR " DIR/usr/share/");
			sr_strbuf_puts(b, "\n");
		}
	}
	sr_strbuf_puts(b, "\n");
}

/* Copy the plan into the result (arena strings stay in the arena). */
static enum sr_err fill_result(struct plan *p, struct sr_dockerfile *d, struct sr_error *err)
{
	d->base = p->base;
	d->base_reason = p->base_reason;
	d->package_manager = p->npkgs ? p->manager : NULL;
	if (p->rel.found && tag_ok(p->rel.id))
		d->release = sr_arena_printf(p->a, "%s %s", p->rel.id,
		                  tag_ok(p->rel.version_id) ? p->rel.version_id
		                  : tag_ok(p->rel.codename) ? p->rel.codename : "?");
	d->libs = sr_arena_array(p->a, p->nlibs ? p->nlibs : 1, sizeof *d->libs);
	d->packages = sr_arena_array(p->a, p->npkgs ? p->npkgs : 1, sizeof *d->packages);
	if (!d->libs || !d->packages)
		return sr_error_set(err, SR_E_NOMEM, "out of memory");
	for (size_t i = 0; i < p->nlibs; i++)
		d->libs[i] = (struct sr_dockerfile_lib){ sr_arena_strdup(p->a, p->libs[i].name),
			                                 p->libs[i].path ? sr_arena_strdup(p->a, p->libs[i].path) : NULL,
			                                 p->libs[i].pkg };
	d->nlibs = p->nlibs;
	memcpy(d->packages, p->pkgs, p->npkgs * sizeof *p->pkgs);
	d->npackages = p->npkgs;
	d->problems = p->problems;
	d->nproblems = p->nproblems;
	d->unmapped = p->nunmapped + p->nmissing;
	return SR_OK;
}

enum sr_err sr_dockerfile_build(struct sr_analysis *an, const struct sr_dockerfile_opts *o,
                                struct sr_dockerfile **out, struct sr_error *err)
{
	*out = NULL;
	const struct sr_inspect *in = &an->in;
	const struct sr_needs *needs;
	enum sr_err rc = sr_dockerfile_check_opts(o, err);
	if (rc != SR_OK || (rc = sr_analysis_needs(an, &needs, err)) != SR_OK)
		return rc;
	if (!o->go_build && (!o->context_name || !*o->context_name || !no_controls(o->context_name)))
		return sr_error_set(err, SR_E_USAGE, "a Dockerfile needs the program's name in the build context");
	if ((rc = check_file(in, err)) != SR_OK)
		return rc;
	const struct sr_elf *e = in->elf;
	struct plan *p = calloc(1, sizeof *p);
	struct sr_dockerfile *d = calloc(1, sizeof *d);
	struct sr_arena *a = sr_arena_new();
	struct sr_root host = { .dirfd = -1 };
	struct sr_strbuf b = { 0 };
	if (!p || !d || !a) {
		rc = sr_error_set(err, SR_E_NOMEM, "out of memory");
		goto fail;
	}
	struct sr_dockerfile_opts opts = *o;
	if (!opts.root) {
		if ((rc = sr_root_open("/", &host, err)) != SR_OK)
			goto fail;
		opts.root = &host;
		opts.root_dir = "/";
	}
	p->a = a;
	p->o = &opts;
	p->an = an;
	p->in = in;
	p->root_dir = opts.root_dir ? opts.root_dir : opts.root->dir;
	p->dynamic = e->has_interp || e->needed.count > 0;
	p->musl = e->libc == SR_LIBC_MUSL;
	p->glibc = e->libc == SR_LIBC_GLIBC;
	if (p->dynamic && !p->musl && !p->glibc) {
		rc = sr_error_set(err, SR_E_UNSUPPORTED, "a dynamic program for a C library other than glibc or musl "
		                                        "(%s): no base image known", sr_libc_name(e->libc));
		goto fail;
	}
	read_release(opts.root, &p->rel);
	p->alpine_root = strcmp(p->rel.id, "alpine") == 0;
	if (p->dynamic && p->glibc && p->alpine_root) {
		rc = sr_error_set(err, SR_E_UNSUPPORTED, "a glibc program, and the root %s is Alpine (musl): give "
		                  "--from-root a Debian or Ubuntu root", p->root_dir);
		goto fail;
	}

	const struct sr_need *ca = find_need(needs, SR_NEED_CA_ROOTS);
	const struct sr_need *tz = find_need(needs, SR_NEED_ZONEINFO);

	if (p->dynamic) {
		/* a musl program is judged against the root only when it is Alpine */
		if (p->glibc || p->alpine_root) {
			if ((rc = plan_libraries(p, err)) != SR_OK)
				goto fail;
			if ((rc = plan_problems(p, err)) != SR_OK)
				goto fail;
		} else {
			for (size_t i = 0; i < e->needed.count && p->nlibs < MAX_LIBS; i++)
				p->libs[p->nlibs++] = (struct lib){ e->needed.items[i], e->needed.items[i], NULL, NULL };
		}
		plan_packages(p);
		if ((rc = plan_base(p, ca, tz, err)) != SR_OK)
			goto fail;
	} else {
		p->base = "scratch";
		p->base_reason = "static: no interpreter and no shared libraries: the empty image runs it";
	}

	put_header(&b, p, ca != NULL, tz != NULL);
	if (o->go_build && (rc = put_go_stage(&b, in, o->go_build, err)) != SR_OK)
		goto fail;
	if (p->dynamic)
		put_dynamic(&b, p, ca, tz);
	else
		put_static(&b, p, ca, tz);
	put_other_needs(&b, p, needs);
	put_tail(&b, p);
	if (b.failed) {
		rc = sr_error_set(err, SR_E_NOMEM, "out of memory");
		goto fail;
	}
	if ((rc = fill_result(p, d, err)) != SR_OK)
		goto fail;
	if (!(d->priv = sr_arena_alloc(a, sizeof *d->priv))) {
		rc = sr_error_set(err, SR_E_NOMEM, "out of memory");
		goto fail;
	}
	d->priv->a = a;
	a = NULL;
	d->text = b.d;
	b.d = NULL;
	*out = d;
	d = NULL;
fail:
	free(b.d);
	if (host.dirfd >= 0)
		sr_root_close(&host);
	free(p);
	free(d);
	sr_arena_free(a);
	return rc;
}

void sr_dockerfile_free(struct sr_dockerfile *d)
{
	if (!d)
		return;
	free(d->text);
	if (d->priv)
		sr_arena_free(d->priv->a);
	free(d);
}
