/* shipready — the crates of a Rust program, as `cargo auditable` embeds
 * them: a `.dep-v0` section holding zlib-compressed JSON
 * ({"packages": [{"name", "version", "source", "kind", "dependencies": [index…],
 * "root"}…]}, cargo-auditable's VersionInfo; its format is documented by
 * the rust-secure-code project with a JSON schema).
 *
 * The section is untrusted: at most SR_RUST_DEPS_MAX_JSON bytes are
 * inflated (cargo auditable itself refuses larger ones), names and versions
 * must be strings, a dependency index must name another package, and a
 * malformed section is an error, never a partial list. */
#ifndef SHIPREADY_RUSTDEPS_H
#define SHIPREADY_RUSTDEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/error.h"

#define SR_RUST_DEPS_SECTION ".dep-v0"   /* its name in ELF, PE and Mach-O (in __DATA) alike */
#define SR_RUST_DEPS_MAX_JSON (8u << 20)
#define SR_RUST_DEPS_MAX_PACKAGES 20000u

struct sr_rust_crate {
	char *name;
	char *version;
	char *source;          /* "crates.io", "git", "local", "registry", … (default "crates.io") */
	bool build;            /* "kind": "build": a build-time dependency, not linked in */
	bool root;             /* the program's own package */
	size_t *deps;          /* indexes into the list */
	size_t ndeps;
};

struct sr_rust_deps {
	struct sr_rust_crate *crates;
	size_t n;
	int format;            /* "format", 0 when absent */
};

/* Parse the bytes of a .dep-v0 section (zlib stream) into *out. */
enum sr_err sr_rust_deps_parse(const void *zdata, size_t n, struct sr_rust_deps *out, struct sr_error *err);
void sr_rust_deps_free(struct sr_rust_deps *d);

#endif
