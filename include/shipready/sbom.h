/* shipready — a software bill of materials of a scanned tree (CycloneDX 1.6
 * JSON), from what the scan found, never guessed:
 *   - each binary, with its SHA-256 and what it is;
 *   - each Go module linked into a Go program (pkg:golang/PATH@VERSION, its
 *     go.sum h1: hash as SHA-256), and the Go standard library of its release
 *     (pkg:golang/stdlib@goX.Y.Z);
 *   - in a root (dir:ROOT), the package that installed each binary, from the
 *     root's dpkg or apk database (pkg:deb/debian/NAME@VERSION?arch=…&distro=…,
 *     pkg:apk/alpine/…), and which file each ELF file loads, as the loader
 *     model resolves it inside the root.
 * A piece is made per binary in the scan worker that found it (hashing
 * there, in parallel); pieces are added in path order; the document is
 * written at the end. */
#ifndef SHIPREADY_SBOM_H
#define SHIPREADY_SBOM_H

#include <stdint.h>
#include <stdio.h>

#include "shipready/error.h"
#include "shipready/root.h"
#include "shipready/scan.h"

struct sr_sbom;
struct sr_sbom_piece;

/* A new bill for the tree named subject.  root (a dir: scan's root, or NULL)
 * is read for its package database and os-release; created is the
 * document's timestamp (seconds since the epoch: SOURCE_DATE_EPOCH or now). */
enum sr_err sr_sbom_new(const char *subject, const struct sr_root *root, int64_t created, struct sr_sbom **out,
                        struct sr_error *err);
void sr_sbom_free(struct sr_sbom *b);

/* The piece of one found binary (NULL for a place that could not be read,
 * or out of memory).  Thread-safe against other pieces of the same bill. */
struct sr_sbom_piece *sr_sbom_piece_make(const struct sr_sbom *b, const struct sr_scan_found *f);
/* Add a piece (one call at a time, in path order); it is taken over. */
void sr_sbom_add(struct sr_sbom *b, struct sr_sbom_piece *p);
void sr_sbom_piece_free(struct sr_sbom_piece *p);

/* Write the CycloneDX 1.6 JSON document. */
enum sr_err sr_sbom_write_cyclonedx(struct sr_sbom *b, FILE *out, struct sr_error *err);

#endif
