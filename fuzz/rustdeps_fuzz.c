/* Fuzz target: cargo auditable's .dep-v0 section (lib/rust/rustdeps.c).
 *
 * The bytes are the section: a zlib stream of JSON.  Invariants: on success
 * every crate has a non-empty name and version and a source, and every
 * dependency index names another crate of the list; on failure the list is
 * empty.  Inflating stops at SR_RUST_DEPS_MAX_JSON (a zlib bomb is an error,
 * not an allocation). */
#include "fuzz.h"

#include <stdlib.h>

#include "shipready/rustdeps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_rust_deps d;
	struct sr_error err = { 0 };
	if (sr_rust_deps_parse(data, size, &d, &err) != SR_OK) {
		if (d.n || d.crates || !err.msg[0])
			abort();
		return 0;
	}
	for (size_t i = 0; i < d.n; i++) {
		const struct sr_rust_crate *c = &d.crates[i];
		if (!c->name || !c->name[0] || !c->version || !c->version[0] || !c->source)
			abort();
		for (size_t k = 0; k < c->ndeps; k++)
			if (c->deps[k] >= d.n || c->deps[k] == i)
				abort();
	}
	sr_rust_deps_free(&d);
	return 0;
}
