/* shipready — the dynamic loader's configuration files, read from a root:
 * /etc/ld.so.cache (glibc's binary cache) and /etc/ld.so.conf (with include
 * globs), as glibc's ld.so and ldconfig read them. */
#ifndef SHIPREADY_LDCACHE_H
#define SHIPREADY_LDCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "shipready/elf.h"
#include "shipready/error.h"
#include "shipready/reader.h"
#include "shipready/root.h"

/* One cache entry.  Strings are copies owned by the cache. */
struct sr_ldcache_entry {
	const char *name;      /* key, e.g. "libc.so.6" */
	const char *path;      /* value, e.g. "/lib/x86_64-linux-gnu/libc.so.6" */
	int32_t flags;         /* FLAG_ELF_LIBC6 | arch bits, as ldconfig writes them */
	uint64_t hwcap;        /* 0 for baseline entries */
	const char *hwcaps_subdir;   /* glibc-hwcaps subdirectory name ("x86-64-v3"), or NULL */
};

struct sr_ldcache_priv;

struct sr_ldcache {
	struct sr_ldcache_entry *entries;   /* in file order (ldconfig's sort order) */
	size_t count;
	const char *format;    /* "new" (glibc-ld.so.cache1.1), "old" (ld.so-1.7.0) or "old+new" */
	struct sr_ldcache_priv *priv;
};

/* Parse a cache image.  Bounded like every parser: counts and string offsets
 * are checked against the data; a damaged entry is skipped. */
enum sr_err sr_ldcache_parse(const struct sr_reader *r, struct sr_ldcache **out, struct sr_error *err);

/* The cache for lookups only, as ld.so reads it: the header is checked as
 * sr_ldcache_parse checks it, but no entry is decoded (entries is NULL,
 * count 0) and the lookups below binary-search the table in r's bytes, as
 * ld.so's search_cache does, instead of scanning decoded entries.  On a
 * cache written by ldconfig (sorted) both give the same answers; on an
 * unsorted one this gives ld.so's.  r's bytes must outlive the cache (the
 * strings returned point into them). */
enum sr_err sr_ldcache_open(const struct sr_reader *r, struct sr_ldcache **out, struct sr_error *err);
void sr_ldcache_free(struct sr_ldcache *c);

/* The cache flags ld.so requires for an object of this ELF class, machine
 * and e_flags (e.g. x86-64 → FLAG_ELF_LIBC6 | FLAG_X8664_LIB64 = 0x0303);
 * -1 when the machine is unknown to the cache format. */
int32_t sr_ldcache_flags_for(unsigned elf_class, uint16_t machine, uint32_t e_flags);

/* The path ld.so would take from the cache for name and an object with
 * these flags: the first baseline entry in file order whose key matches name
 * the way ld.so compares them (digit runs by value: libfoo.so.01 matches
 * libfoo.so.1) and whose flags equal want_flags, or are a fallback ld.so
 * also accepts (1 for 3; plain 3 for ARM hard/soft float).  glibc-hwcaps and
 * other hwcap-tagged entries are skipped: the target CPU is unknown.  NULL
 * if none. */
const char *sr_ldcache_lookup(const struct sr_ldcache *c, const char *name, int32_t want_flags);

/* The same, preferring glibc-hwcaps entries for the given subdirectories (in
 * that priority order, e.g. "x86-64-v3", "x86-64-v2"), as ld.so does on a
 * CPU that supports them. */
const char *sr_ldcache_lookup_hwcaps(const struct sr_ldcache *c, const char *name, int32_t want_flags,
                                     const char *const *subdirs, size_t nsubdirs);

/* True when some entry names a glibc-hwcaps subdirectory: only then does
 * sr_ldcache_lookup_hwcaps depend on the subdirectories passed. */
bool sr_ldcache_has_hwcaps(const struct sr_ldcache *c);

/* Directories named by an ld.so.conf file inside root, in order, with
 * `include` lines expanded (glob patterns in the last component, relative
 * paths taken from the including file's directory), duplicates removed,
 * `hwcap` lines ignored, include cycles cut.  *dirs is a malloc'd array of
 * malloc'd strings; free with sr_ldconf_free(). */
enum sr_err sr_ldconf_load(const struct sr_root *root, const char *conf_path, char ***dirs, size_t *count,
                           struct sr_error *err);
void sr_ldconf_free(char **dirs, size_t count);

#endif
