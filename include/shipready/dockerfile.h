/* shipready — a Dockerfile on the smallest base that satisfies what an
 * analysed Linux program needs, each choice preceded by a comment giving
 * the reason and its evidence.
 *
 * Bases, smallest first: scratch (static, or static with the CA roots and
 * zoneinfo copied in), gcr.io/distroless/base-debian12 (glibc, no library
 * beyond libc6), debian:12-slim with the apt packages that hold the extra
 * libraries (mapped through the dpkg database of /), alpine:3.22 (musl).
 * With a Go package to build, a first stage on the golang image of the
 * binary's Go release rebuilds it with the settings of its build info. */
#ifndef SHIPREADY_DOCKERFILE_H
#define SHIPREADY_DOCKERFILE_H

#include <stddef.h>

#include "shipready/error.h"
#include "shipready/inspect.h"

struct sr_dockerfile_opts {
	const char *context_name;   /* the program's file name in the build context (required
	                             * unless go_build is given) */
	const char *go_build;       /* a Go package to build in a golang stage, or NULL */
	const char *user;           /* USER: a non-root UID[:GID] or name; NULL: 65532:65532 */
	const char *healthcheck;    /* a command line (split at spaces, no shell), or NULL */
	const char *source;         /* shown in the header comment (the analysed path), or NULL */
};

/* Check the options alone: SR_E_USAGE with a one-line reason naming the
 * option ("--user '0': ..."), else SR_OK. */
enum sr_err sr_dockerfile_check_opts(const struct sr_dockerfile_opts *o, struct sr_error *err);

/* The Dockerfile text for the analysed file in (a Linux ELF executable):
 * *text is malloc'd and NUL-terminated (free() it).  *unmapped (if not
 * NULL) counts the libraries no base or package was found for (each named
 * in a comment).  SR_E_USAGE for bad options, SR_E_UNSUPPORTED for a file
 * that is not a Linux executable (or not Go with go_build), SR_E_NOMEM. */
enum sr_err sr_dockerfile_build(const struct sr_inspect *in, const struct sr_dockerfile_opts *o, char **text,
                                size_t *unmapped, struct sr_error *err);

#endif
