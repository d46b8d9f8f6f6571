/* shipready — a Dockerfile on the smallest base that satisfies what an
 * analysed Linux program needs, each choice preceded by a comment giving
 * the reason and its evidence.
 *
 * Bases, smallest first: scratch (static, or static with the CA roots and
 * zoneinfo copied in), gcr.io/distroless/base-debian12 (glibc, no library
 * beyond libc6, source root Debian 12), the slim image of the source root's
 * release (debian:N-slim, ubuntu:N) with the apt packages that hold the
 * extra libraries (mapped through the root's dpkg database), alpine (musl;
 * apk packages mapped through an Alpine root's apk database).  Dynamic
 * programs are judged against the source root with the check engine: a
 * program that would not start there is reported, never given a base that
 * cannot run it.  With a Go package to build, a first stage on the golang
 * image of the binary's Go release rebuilds it with the settings of its
 * build info. */
#ifndef SHIPREADY_DOCKERFILE_H
#define SHIPREADY_DOCKERFILE_H

#include <stddef.h>

#include "shipready/analysis.h"
#include "shipready/error.h"
#include "shipready/inspect.h"
#include "shipready/root.h"
#include "shipready/targets.h"

#define SR_DOCKERFILE_SCHEMA_VERSION 1

struct sr_dockerfile_opts {
	const char *context_name;   /* the program's file name in the build context (required
	                             * unless go_build is given) */
	const char *go_build;       /* a Go package to build in a golang stage, or NULL */
	const char *user;           /* USER: a non-root UID[:GID] or name; NULL: 65532:65532 */
	const char *healthcheck;    /* a command line (split at spaces, no shell), or NULL */
	const char *source;         /* shown in the header comment (the analysed path), or NULL */
	const struct sr_root *root; /* the source root: where libraries are resolved, whose package
	                             * database maps them and whose release names the base; NULL: "/" */
	const char *root_dir;       /* that root's path (for the check engine and messages); NULL: "/" */
	const struct sr_targets *targets;   /* the target database the base image is judged by (the
	                             * one check uses); NULL: nothing is known about any base */
};

/* A library the program loads, as found in the source root. */
struct sr_dockerfile_lib {
	const char *name;           /* the DT_NEEDED name */
	const char *path;           /* where the loader finds it in the root, or NULL: not found */
	const char *package;        /* the package whose file list holds it, or NULL: not mapped */
};

/* Why the program would not start on the chosen base (from the check
 * engine, judged against the source root). */
struct sr_dockerfile_problem {
	const char *kind;           /* "interpreter", "library", "symbol-version", … (see check.h) */
	const char *reason;
	const char *fix;            /* or NULL */
};

struct sr_dockerfile_priv;

struct sr_dockerfile {
	char *text;                 /* the Dockerfile */
	const char *base;           /* "scratch", "gcr.io/distroless/base-debian12", "debian:12-slim", … */
	const char *base_reason;    /* one line: why this base */
	const char *release;        /* the root's release from os-release ("debian 12"), or NULL */
	const char *package_manager; /* "apt", "apk", or NULL (nothing installed) */
	struct sr_dockerfile_lib *libs;
	size_t nlibs;
	const char **packages;      /* installed on top of the base, in order */
	size_t npackages;
	struct sr_dockerfile_problem *problems;
	size_t nproblems;
	size_t unmapped;            /* libraries with no package (each named in a comment) */
	struct sr_dockerfile_priv *priv;
};

/* Check the options alone: SR_E_USAGE with a one-line reason naming the
 * option ("--user '0': ..."), else SR_OK. */
enum sr_err sr_dockerfile_check_opts(const struct sr_dockerfile_opts *o, struct sr_error *err);

/* The Dockerfile for the analysed file an (a Linux ELF executable), with
 * the facts behind it; free with sr_dockerfile_free.  unmapped and
 * problems are findings (the text still says what to do about each).
 * SR_E_USAGE for bad options, SR_E_UNSUPPORTED for a file that is not a
 * Linux executable (or not Go with go_build) or a root no base is known
 * for, SR_E_IO / SR_E_NOENT for a root that cannot be read,
 * SR_E_NOMEM. */
enum sr_err sr_dockerfile_build(struct sr_analysis *an, const struct sr_dockerfile_opts *o,
                                struct sr_dockerfile **out, struct sr_error *err);
void sr_dockerfile_free(struct sr_dockerfile *d);

#endif
