/* shipready — a software bill of materials of a scanned tree (CycloneDX 1.6
 * or SPDX 2.3 JSON), from what the scan found, never guessed:
 *   - each binary, with its SHA-256 and what it is;
 *   - each Go module linked into a Go program (pkg:golang/PATH@VERSION, its
 *     go.sum h1: hash as SHA-256), and the Go standard library of its release
 *     (pkg:golang/stdlib@goX.Y.Z);
 *   - in a root (dir:ROOT), every installed package of its dpkg or apk
 *     database (pkg:deb/debian/NAME@VERSION?arch=…&distro=…, pkg:apk/alpine/…)
 *     and the one that installed each binary, and which file each ELF file
 *     loads, as the loader model resolves it inside the root.
 * The same facts can be written as SPDX 2.3 JSON.
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

/* Write the SPDX 2.3 JSON document: every component a package (a binary
 * with purpose APPLICATION, LIBRARY or FILE and its SHA256 checksum; a Go
 * module, Go's library or a distribution package with its purl), the tree
 * a package the document DESCRIBES and that CONTAINS each binary, a
 * distribution package CONTAINS the binaries it installed, a binary
 * DYNAMIC_LINKs the files it loads and STATIC_LINKs its Go modules. */
enum sr_err sr_sbom_write_spdx(struct sr_sbom *b, FILE *out, struct sr_error *err);

#endif
