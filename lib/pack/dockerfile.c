/* shipready — a Dockerfile on the smallest base an analysed program needs.
 *
 * The base is chosen from what the file says, smallest first:
 *   static, no CA roots / zoneinfo needed      FROM scratch
 *   static, CA roots or zoneinfo needed        FROM scratch + COPY of those files
 *                                              (from the build context, or from the
 *                                              golang build stage with --go-build):
 *                                              smaller than distroless/static and
 *                                              buildable without a registry
 *   glibc, only libc6 libraries               gcr.io/distroless/base-debian12
 *   glibc, other libraries                     debian:12-slim + apt-get install of the
 *                                              packages whose dpkg .list holds them
 *   musl                                       alpine:3.22
 * A library that cannot be mapped to a package is named in a comment and
 * counted: never a guessed package name. */
#include "shipready/dockerfile.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/deps.h"
#include "shipready/needs.h"
#include "shipready/shipready.h"

#define CA_FILE "/etc/ssl/certs/ca-certificates.crt"
#define TZ_DIR "/usr/share/zoneinfo"
#define DPKG_INFO "/var/lib/dpkg/info"
#define MAX_LIBS 256

/* ---------- a growable text buffer ---------- */

struct buf {
	char *d;
	size_t len, cap;
	bool failed;
};

static void put_n(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (!b->d || n >= b->cap - b->len) {
		size_t want = b->cap ? b->cap : 4096;
		while (want - b->len <= n) {
			if (want > SIZE_MAX / 2) {
				b->failed = true;
				return;
			}
			want *= 2;
		}
		char *d = realloc(b->d, want);
		if (!d) {
			b->failed = true;
			return;
		}
		b->d = d;
		b->cap = want;
	}
	memcpy(b->d + b->len, s, n);
	b->len += n;
	b->d[b->len] = '\0';
}

static void put(struct buf *b, const char *s)
{
	put_n(b, s, strlen(s));
}

static void putf(struct buf *b, const char *f, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void putf(struct buf *b, const char *f, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(tmp, sizeof tmp, f, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	put_n(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Text on a comment line: control characters become '?', so that a file
 * name cannot end the comment and start an instruction. */
static void put_comment_text(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char c = (*p < 0x20 || *p == 0x7f) ? '?' : (char)*p;
		put_n(b, &c, 1);
	}
}

/* A JSON string for the exec form of ENTRYPOINT / HEALTHCHECK. */
static void put_json_n(struct buf *b, const char *s, size_t n)
{
	put(b, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			put_n(b, e, 2);
		} else {
			put_n(b, (const char *)&c, 1);
		}
	}
	put(b, "\"");
}

/* A word for sh -c, in single quotes when it is not plain. */
static void put_sh_word(struct buf *b, const char *s)
{
	bool plain = *s != '\0';
	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:+@", *p))
			plain = false;
	if (plain) {
		put(b, s);
		return;
	}
	put(b, "'");
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			put(b, "'\\''");
		else
			put_n(b, p, 1);
	}
	put(b, "'");
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

/* ---------- dpkg: which package holds a file ---------- */

struct lib {
	const char *name;      /* DT_NEEDED name */
	const char *path;      /* as the loader opens it, or NULL when not found */
	const char *real;
	char *pkg;             /* malloc'd, or NULL */
};

static bool path_matches(const char *line, const char *p)
{
	if (!p)
		return false;
	if (strcmp(line, p) == 0)
		return true;
	/* merged /usr: dpkg may list /lib/x when the file is /usr/lib/x, or the reverse */
	if (strncmp(p, "/usr/", 5) == 0 && strcmp(line, p + 4) == 0)
		return true;
	if (strncmp(line, "/usr/", 5) == 0 && strcmp(line + 4, p) == 0)
		return true;
	return false;
}

/* Fill libs[i].pkg from /var/lib/dpkg/info/PKG[:ARCH].list. */
static void dpkg_map(struct lib *libs, size_t n)
{
	DIR *d = opendir(DPKG_INFO);
	if (!d)
		return;
	struct dirent *de;
	char line[4096], path[4096 + 64];
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".list") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", DPKG_INFO, de->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof line, f)) {
			line[strcspn(line, "\n")] = '\0';
			for (size_t i = 0; i < n; i++) {
				if (libs[i].pkg || !(path_matches(line, libs[i].path) || path_matches(line, libs[i].real)))
					continue;
				size_t plen = strcspn(de->d_name, ":");
				if (plen > len - 5)
					plen = len - 5;
				libs[i].pkg = malloc(plen + 1);
				if (libs[i].pkg) {
					memcpy(libs[i].pkg, de->d_name, plen);
					libs[i].pkg[plen] = '\0';
				}
			}
		}
		fclose(f);
	}
	closedir(d);
}

/* ---------- the Dockerfile ---------- */

static const struct sr_need *find_need(const struct sr_needs *nd, enum sr_need_kind k)
{
	for (size_t i = 0; i < nd->n; i++)
		if (nd->v[i].kind == k)
			return &nd->v[i];
	return NULL;
}

static void put_evidence(struct buf *b, const struct sr_need *n)
{
	for (size_t i = 0; i < n->evidence.count && i < 3; i++) {
		put(b, i ? ", " : "");
		put_comment_text(b, n->evidence.items[i]);
	}
	if (n->evidence.count > 3)
		put(b, ", …");
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
static enum sr_err put_go_stage(struct buf *b, const struct sr_inspect *in, const char *pkg, struct sr_error *err)
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
	putf(b, "# build stage: the binary was built by %s: the golang image of that release\n",
	     g->bi->version ? g->bi->version : g->version);
	putf(b, "FROM golang:%u.%u AS build\n", g->go_major, g->go_minor);
	put(b, "WORKDIR /src\nCOPY . .\n");
	put(b, "# the settings of the binary's build info (go version -m)\n");
	const char *trim = setting(g, "-trimpath");
	if (trim && strcmp(trim, "true") == 0 && !setting(g, "-ldflags"))
		put(b, "# Go does not record -ldflags with -trimpath: add the original ones, if any\n");
	put(b, "RUN ");
	for (size_t i = 0; i < sizeof env_keys / sizeof env_keys[0]; i++) {
		const char *v = setting(g, env_keys[i]);
		if (v) {
			putf(b, "%s=", env_keys[i]);
			put_sh_word(b, v);
			put(b, " ");
		}
	}
	put(b, "go build");
	if (trim && strcmp(trim, "true") == 0)
		put(b, " -trimpath");
	for (size_t i = 0; i < sizeof flag_keys / sizeof flag_keys[0]; i++) {
		const char *v = setting(g, flag_keys[i]);
		if (!v || (strcmp(flag_keys[i], "-compiler") == 0 && strcmp(v, "gc") == 0) ||
		    (strcmp(flag_keys[i], "-buildmode") == 0 && strcmp(v, "exe") == 0))
			continue;
		putf(b, " %s=", flag_keys[i]);
		put_sh_word(b, v);
	}
	put(b, " -o /out/app ");
	put_sh_word(b, pkg);
	put(b, "\n\n");
	return SR_OK;
}

enum sr_err sr_dockerfile_build(const struct sr_inspect *in, const struct sr_dockerfile_opts *o, char **text,
                                size_t *unmapped, struct sr_error *err)
{
	*text = NULL;
	if (unmapped)
		*unmapped = 0;
	enum sr_err rc = sr_dockerfile_check_opts(o, err);
	if (rc != SR_OK)
		return rc;
	if (!o->go_build && (!o->context_name || !*o->context_name || !no_controls(o->context_name)))
		return sr_error_set(err, SR_E_USAGE, "a Dockerfile needs the program's name in the build context");
	if ((rc = check_file(in, err)) != SR_OK)
		return rc;
	const struct sr_elf *e = in->elf;
	bool dynamic = e->has_interp || e->needed.count > 0;
	bool musl = e->libc == SR_LIBC_MUSL;
	bool glibc = e->libc == SR_LIBC_GLIBC;
	if (dynamic && !musl && !glibc)
		return sr_error_set(err, SR_E_UNSUPPORTED, "a dynamic program for a C library other than glibc or musl "
		                                         "(%s): no base image known", sr_libc_name(e->libc));

	struct sr_needs needs;
	if ((rc = sr_needs_from_inspect(in, &needs, err)) != SR_OK)
		return rc;
	const struct sr_need *ca = find_need(&needs, SR_NEED_CA_ROOTS);
	const struct sr_need *tz = find_need(&needs, SR_NEED_ZONEINFO);

	/* libraries and their packages (dynamic glibc and musl) */
	struct lib libs[MAX_LIBS];
	size_t nlibs = 0, nmissing = 0, nunmapped = 0;
	struct sr_deps *deps = NULL;
	if (dynamic) {
		struct sr_deps_opts dopts = { 0 };
		if ((rc = sr_deps_resolve(in->path, &dopts, &deps, err)) != SR_OK) {
			sr_needs_free(&needs);
			return rc;
		}
		if (deps->object_count + deps->missing_count > MAX_LIBS) {
			sr_deps_free(deps);
			sr_needs_free(&needs);
			return sr_error_set(err, SR_E_UNSUPPORTED, "more than %d libraries: not supported yet", MAX_LIBS);
		}
		for (size_t i = 1; i < deps->object_count && nlibs < MAX_LIBS; i++) {
			const struct sr_dep_object *ob = &deps->objects[i];
			if (ob->is_interp)
				continue;
			libs[nlibs++] = (struct lib){ ob->name, ob->path, ob->real, NULL };
		}
		for (size_t i = 0; i < deps->edge_count && nlibs < MAX_LIBS; i++)
			if (deps->edges[i].to == SR_DEPS_NONE) {
				libs[nlibs++] = (struct lib){ deps->edges[i].name, NULL, NULL, NULL };
				nmissing++;
			}
		if (glibc)
			dpkg_map(libs, nlibs);
	}

	/* packages beyond what the base has */
	const char *pkgs[MAX_LIBS + 2];
	size_t npkgs = 0;
	for (size_t i = 0; glibc && i < nlibs; i++) {
		if (!libs[i].pkg || strcmp(libs[i].pkg, "libc6") == 0)
			continue;
		bool dup = false;
		for (size_t j = 0; j < npkgs; j++)
			dup |= strcmp(pkgs[j], libs[i].pkg) == 0;
		if (!dup)
			pkgs[npkgs++] = libs[i].pkg;
	}
	bool slim = glibc && dynamic && npkgs > 0;

	struct buf b = { 0 };
	put(&b, "# Dockerfile generated by shipready ");
	put(&b, sr_version_string());
	if (o->source) {
		put(&b, " from ");
		put_comment_text(&b, o->source);
	}
	put(&b, "\n# the base is the smallest that satisfies what the program needs; each choice says why\n");
	if (!o->go_build) {
		put(&b, "# build with the program in the context directory: docker build -f Dockerfile DIR\n");
		if (!dynamic && (ca || tz)) {
			put(&b, "# first copy into DIR the files below, e.g.");
			if (ca)
				put(&b, " mkdir -p DIR/etc/ssl/certs && cp " CA_FILE " DIR/etc/ssl/certs/");
			if (ca && tz)
				put(&b, ";");
			if (tz)
				put(&b, " mkdir -p DIR/usr/share && cp -r " TZ_DIR " DIR/usr/share/");
			put(&b, "\n");
		}
	}
	put(&b, "\n");
	if (o->go_build && (rc = put_go_stage(&b, in, o->go_build, err)) != SR_OK)
		goto fail;

	const char *from = o->go_build ? "--from=build " : "";
	if (!dynamic) {
		put(&b, "# static: no interpreter and no shared libraries (");
		put(&b, in->go && in->go->is_go ? "Go" : sr_libc_name(e->libc));
		put(&b, "): the empty image runs it\nFROM scratch\n");
		if (ca) {
			put(&b, "# CA roots for ");
			put_comment_text(&b, ca->feature ? ca->feature : "TLS");
			put(&b, " (");
			put_evidence(&b, ca);
			put(&b, "); scratch has none\n");
			putf(&b, "COPY %s%s %s\n", from, o->go_build ? CA_FILE : &CA_FILE[1], CA_FILE);
		}
		if (tz && o->go_build) {
			put(&b, "# zoneinfo for named time zones (");
			put_evidence(&b, tz);
			put(&b, "); scratch has none: the golang image's zoneinfo.zip, read through ZONEINFO\n");
			put(&b, "COPY --from=build /usr/local/go/lib/time/zoneinfo.zip /zoneinfo.zip\nENV ZONEINFO=/zoneinfo.zip\n");
		} else if (tz) {
			put(&b, "# zoneinfo for named time zones (");
			put_evidence(&b, tz);
			put(&b, "); scratch has none\n");
			putf(&b, "COPY %s %s\n", &TZ_DIR[1], TZ_DIR);
		}
	} else if (musl) {
		put(&b, "# dynamic, musl (interpreter ");
		put_comment_text(&b, e->interpreter ? e->interpreter : "?");
		put(&b, "): alpine has musl's loader\nFROM alpine:3.22\n");
		for (size_t i = 0; i < nlibs; i++) {
			if (libs[i].path && (strncmp(libs[i].name, "libc.", 5) == 0 || strncmp(libs[i].name, "ld-musl", 7) == 0))
				continue;
			put(&b, "# not mapped: ");
			put_comment_text(&b, libs[i].name);
			put(&b, " (apk packages are not mapped yet): add its package to the image\n");
			nunmapped++;
		}
		if (tz) {
			put(&b, "# zoneinfo for named time zones (");
			put_evidence(&b, tz);
			put(&b, "): alpine's base has none\nRUN apk add --no-cache tzdata\n");
		}
		if (ca)
			put(&b, "# CA roots: alpine's base image has " CA_FILE " (ca-certificates-bundle)\n");
	} else {
		put(&b, "# dynamic, glibc (interpreter ");
		put_comment_text(&b, e->interpreter ? e->interpreter : "?");
		put(&b, "): libraries, packages from the dpkg database of /:\n");
		for (size_t i = 0; i < nlibs; i++) {
			put(&b, "#   ");
			put_comment_text(&b, libs[i].name);
			if (!libs[i].path) {
				put(&b, "  not found on this system: not mapped, add it to the image yourself\n");
				continue;
			}
			put(&b, "  ");
			put_comment_text(&b, libs[i].path);
			if (libs[i].pkg) {
				put(&b, "  ");
				put(&b, libs[i].pkg);
				put(&b, strcmp(libs[i].pkg, "libc6") == 0 ? " (in every glibc base)\n" : "\n");
			} else {
				put(&b, "  in no package: not mapped, add it to the image yourself\n");
				nunmapped++;
			}
		}
		if (!slim) {
			put(&b, "# only libc6: distroless base has glibc");
			put(&b, ca || tz ? ", CA roots and zoneinfo" : "");
			put(&b, " and nothing to install with\nFROM gcr.io/distroless/base-debian12\n");
		} else {
			put(&b, "# more than libc6: debian slim and apt (distroless has no package manager)\n");
			put(&b, "FROM debian:12-slim\n");
			if (ca) {
				put(&b, "# CA roots (");
				put_evidence(&b, ca);
				put(&b, ")\n");
				pkgs[npkgs++] = "ca-certificates";
			}
			if (tz) {
				put(&b, "# zoneinfo (");
				put_evidence(&b, tz);
				put(&b, ")\n");
				pkgs[npkgs++] = "tzdata";
			}
			put(&b, "# the packages listed above\n");
			put(&b, "RUN apt-get update && apt-get install -y --no-install-recommends");
			for (size_t i = 0; i < npkgs; i++) {
				put(&b, " ");
				put(&b, pkgs[i]);
			}
			put(&b, " && rm -rf /var/lib/apt/lists/*\n");
		}
	}
	nunmapped += nmissing;

	/* needs no base provides: said, not silently dropped */
	for (size_t i = 0; i < needs.n; i++) {
		const struct sr_need *n = &needs.v[i];
		if (n->kind == SR_NEED_CA_ROOTS || n->kind == SR_NEED_ZONEINFO)
			continue;
		if (n->kind == SR_NEED_DNS) {
			put(&b, "# DNS (");
			put_evidence(&b, n);
			put(&b, "): the container runtime provides /etc/resolv.conf and /etc/hosts\n");
			continue;
		}
		if (!dynamic || musl) {
			put(&b, "# not provided: ");
			put_comment_text(&b, n->name);
			put(&b, " (");
			put_evidence(&b, n);
			put(&b, ")");
			if (n->feature) {
				put(&b, ": ");
				put_comment_text(&b, n->feature);
			}
			put(&b, n->optional ? " (the program has a fallback)\n" : " may fail\n");
		}
	}

	put(&b, "\n");
	if (o->go_build)
		put(&b, "COPY --from=build /out/app /app\n");
	else {
		put(&b, "COPY [");
		put_json_n(&b, o->context_name, strlen(o->context_name));
		put(&b, ", \"/app\"]\n");
	}
	if (o->user)
		put(&b, "# non-root, as asked (--user)\n");
	else
		put(&b, "# non-root: a numeric user needs no /etc/passwd entry (65532 is distroless's nonroot)\n");
	putf(&b, "USER %s\n", o->user ? o->user : "65532:65532");
	if (o->healthcheck) {
		put(&b, "# --healthcheck, in exec form (no shell in the image)\nHEALTHCHECK CMD [");
		const char *p = o->healthcheck;
		bool first = true;
		for (;;) {
			p += strspn(p, " ");
			if (!*p)
				break;
			size_t n = strcspn(p, " ");
			put(&b, first ? "" : ", ");
			put_json_n(&b, p, n);
			first = false;
			p += n;
		}
		put(&b, "]\n");
	}
	put(&b, "ENTRYPOINT [\"/app\"]\n");
	if (nunmapped)
		putf(&b, "# not yet complete: %zu librar%s not mapped to a package (see above)\n", nunmapped,
		     nunmapped == 1 ? "y" : "ies");

	if (b.failed) {
		rc = sr_error_set(err, SR_E_NOMEM, "out of memory");
		goto fail;
	}
	*text = b.d;
	b.d = NULL;
	if (unmapped)
		*unmapped = nunmapped;
	rc = SR_OK;
fail:
	free(b.d);
	for (size_t i = 0; i < nlibs; i++)
		free(libs[i].pkg);
	sr_deps_free(deps);
	sr_needs_free(&needs);
	return rc;
}
