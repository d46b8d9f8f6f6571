/* Fuzz target: the ld.so.cache parser and lookups.
 *
 * The parser takes the byte order from the cache itself, so parsing through a
 * little-endian and a big-endian reader must give the same result.  Every
 * entry is then looked up by name with its own flags: the answer must be an
 * entry with that name (the first baseline one), never a crash.
 *
 * The same bytes opened lazily (sr_ldcache_open: ld.so's binary search in
 * place) must be refused or accepted alike, and every lazy answer must be
 * the path of an entry the parser decoded (the search may miss entries of an
 * unsorted cache, as ld.so does, but never invents one). */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "shipready/ldcache.h"
#include "shipready/reader.h"

static struct sr_ldcache *run(const uint8_t *data, size_t size, bool big_endian, enum sr_err *code)
{
	struct sr_reader r;
	sr_reader_init(&r, data, size, big_endian);
	struct sr_ldcache *c = NULL;
	struct sr_error err = {0};
	*code = sr_ldcache_parse(&r, &c, &err);
	if (*code != SR_OK) {
		if (c)
			abort();   /* contract: *out is NULL on failure */
		(void)sr_error_message(&err);
		return NULL;
	}
	if (!c || !c->format || (c->count && !c->entries))
		abort();
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum sr_err le_code, be_code;
	struct sr_ldcache *le = run(data, size, false, &le_code);
	struct sr_ldcache *be = run(data, size, true, &be_code);
	if (le_code != be_code || (le == NULL) != (be == NULL))
		abort();
	if (le) {
		if (le->count != be->count || strcmp(le->format, be->format) != 0)
			abort();
		for (size_t i = 0; i < le->count; i++) {
			const struct sr_ldcache_entry *a = &le->entries[i], *b = &be->entries[i];
			if (strcmp(a->name, b->name) || strcmp(a->path, b->path) || a->flags != b->flags ||
			    a->hwcap != b->hwcap || (a->hwcaps_subdir == NULL) != (b->hwcaps_subdir == NULL) ||
			    (a->hwcaps_subdir && strcmp(a->hwcaps_subdir, b->hwcaps_subdir)))
				abort();
		}
		size_t n = le->count < 256 ? le->count : 256;
		for (size_t i = 0; i < n; i++) {
			const char *p = sr_ldcache_lookup(le, le->entries[i].name, le->entries[i].flags);
			if (le->entries[i].hwcap == 0 && !p)
				abort();   /* a baseline entry is always found by its own name and flags */
		}
		(void)sr_ldcache_lookup(le, "libc.so.6", 0x303);
	}
	struct sr_reader r;
	sr_reader_init(&r, data, size, false);
	struct sr_ldcache *z = NULL;
	struct sr_error err = {0};
	enum sr_err z_code = sr_ldcache_open(&r, &z, &err);
	if (z_code != le_code || (z == NULL) != (le == NULL))
		abort();
	if (z) {
		static const char *const sub[] = { "x86-64-v3", "x86-64-v2" };
		size_t n = le->count < 64 ? le->count : 64;
		for (size_t i = 0; i <= n; i++) {
			const char *name = i < n ? le->entries[i].name : "libc.so.6";
			int32_t fl = i < n ? le->entries[i].flags : 0x303;
			const char *got[2] = { sr_ldcache_lookup(z, name, fl), sr_ldcache_lookup_hwcaps(z, name, fl, sub, 2) };
			for (int g = 0; g < 2; g++) {
				if (!got[g])
					continue;
				bool known = false;
				for (size_t k = 0; k < le->count && !known; k++)
					known = strcmp(le->entries[k].path, got[g]) == 0;
				if (!known)
					abort();
			}
		}
		sr_ldcache_free(z);
	}
	sr_ldcache_free(le);
	sr_ldcache_free(be);
	return 0;
}
