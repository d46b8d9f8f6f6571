/* The one hash map of the library: byte-string keys to pointer values.
 *
 * Open addressing with linear probing over a power-of-two number of slots,
 * kept at most half full, and at most `max` entries: past that, a new key
 * is refused (NULL), which every caller treats as "answer it without
 * remembering".  Keys are copied into the arena given to sr_map_init (so
 * they live as long as it), or, without one, borrowed: the caller keeps
 * them alive as long as the map.  A slot is valid until the next add. */
#ifndef SR_UTIL_MAP_H
#define SR_UTIL_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

struct sr_map_slot {
	const void *key;   /* NULL: an empty slot; copies end with a NUL past len */
	size_t len;
	uint64_t hash;
	void *val;
};

struct sr_map {
	struct sr_map_slot *slots;
	size_t cap, count, max;
	struct sr_arena *keys;   /* where keys are copied; NULL: borrowed */
};

/* An empty map of at most max entries (0: as many as memory allows).  A
 * zeroed struct sr_map is an empty map too: unlimited, keys borrowed. */
void sr_map_init(struct sr_map *m, struct sr_arena *keys, size_t max);
/* Frees the slots (and each value with free_val, when not NULL); the keys'
 * arena is the caller's.  The map is empty again afterwards. */
void sr_map_free(struct sr_map *m, void (*free_val)(void *));

/* A hash of len bytes; equal bytes, equal hashes. */
uint64_t sr_hash(const void *key, size_t len);

/* The slot of key, or NULL when absent.  _h: with the key's hash already
 * made (a map must be asked with one kind of hash throughout). */
struct sr_map_slot *sr_map_find_h(const struct sr_map *m, const void *key, size_t len, uint64_t hash);
/* The slot of key, added (value NULL, *fresh true) when absent; NULL when
 * the map is full or memory ran out. */
struct sr_map_slot *sr_map_add_h(struct sr_map *m, const void *key, size_t len, uint64_t hash, bool *fresh);

static inline struct sr_map_slot *sr_map_find(const struct sr_map *m, const void *key, size_t len)
{
	return sr_map_find_h(m, key, len, sr_hash(key, len));
}
static inline struct sr_map_slot *sr_map_add(struct sr_map *m, const void *key, size_t len, bool *fresh)
{
	return sr_map_add_h(m, key, len, sr_hash(key, len), fresh);
}

/* The entries one by one: start with *i = 0; NULL at the end. */
struct sr_map_slot *sr_map_next(const struct sr_map *m, size_t *i);

#endif
