/* shipready — a Go release built for several platforms, and proven: the
 * go command on PATH builds each (shipready never fetches a toolchain:
 * GOTOOLCHAIN=local), a second build with an empty build cache says
 * whether the bytes are reproducible and, when not, where they first
 * differ, and each artifact gets its SHA-256 for SHA256SUMS.  What an
 * artifact needs and where it runs is the shared analysis's (build's
 * command reads sr_run_analyse and the check engine). */
#ifndef SHIPREADY_RELEASE_H
#define SHIPREADY_RELEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/error.h"
#include "shipready/inspect.h"

struct sr_release_opts {
	const char *dir;              /* the module's directory: the go command runs there */
	const char *package;          /* the main package as go build takes it ("." by default) */
	bool cgo;                     /* CGO_ENABLED=1 (else 0) */
	bool trimpath;                /* -trimpath */
	const char *ldflags, *tags;   /* -ldflags, -tags, or NULL */
};

/* The go command's version ("go1.19.8").  SR_E_NOENT when there is no go
 * command on PATH. */
enum sr_err sr_release_go_version(char *out, size_t size, struct sr_error *err);

/* go build for GOOS/GOARCH into out (an absolute path).  gocache: the
 * GOCACHE to use (NULL: the user's).  A failed build is SR_E_IO with the
 * go command's last line in err; SR_E_NOENT: no go command. */
enum sr_err sr_release_build(const struct sr_release_opts *o, const char *goos, const char *goarch, const char *out,
                             const char *gocache, struct sr_error *err);

/* Two builds compared: *same, else the offset of the first byte that
 * differs (the shorter file's length when one is a prefix of the other). */
enum sr_err sr_release_compare(const char *a, const char *b, bool *same, uint64_t *offset, struct sr_error *err);

/* The section of an analysed file that holds a file offset, or NULL
 * (headers, tables outside sections). */
const char *sr_release_section_at(const struct sr_inspect *in, uint64_t offset);

/* A file's SHA-256 as 64 lowercase hex digits. */
enum sr_err sr_release_sha256(const char *path, char hex[65], struct sr_error *err);

/* Remove a directory tree the build made (its empty-cache GOCACHE),
 * without following symlinks. */
void sr_release_remove_tree(const char *dir);

#endif
