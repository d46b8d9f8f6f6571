/* shipready — Go module versions: semantic versions as the go command
 * writes them (golang.org/x/mod/semver).  One reader for go.mod, go.sum,
 * vendor/modules.txt, build info and the policy's version ranges. */
#ifndef SHIPREADY_SEMVER_H
#define SHIPREADY_SEMVER_H

#include <stdbool.h>
#include <stddef.h>

/* True for "v1.2.3", "v1.2.3-pre.1", "v1.2.3+build", and the shorthands
 * "v1" and "v1.2" (which take no suffix).  Numbers have no leading zeros. */
bool sr_semver_valid(const char *v);

/* Compare two versions: <0, 0, >0.  Build metadata is ignored, a
 * prerelease is lower than its release, and an invalid version is lower
 * than every valid one (two invalid ones are equal), as Go compares. */
int sr_semver_cmp(const char *a, const char *b);

/* The canonical form of a module version (x/mod's module.CanonicalVersion:
 * v1 -> v1.0.0, build metadata dropped except "+incompatible") written to
 * out; false when v is not valid or out is too small. */
bool sr_semver_canonical(const char *v, char *out, size_t size);

#endif
