/* shipready — the one hash map (see map.h). */
#include "util/map.h"

#include <stdlib.h>
#include <string.h>

void sr_map_init(struct sr_map *m, struct sr_arena *keys, size_t max)
{
	*m = (struct sr_map){ .keys = keys, .max = max };
}

void sr_map_free(struct sr_map *m, void (*free_val)(void *))
{
	if (free_val)
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].key)
				free_val(m->slots[i].val);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}

uint64_t sr_hash(const void *key, size_t len)
{
	/* eight bytes at a time (copied, so no alignment or aliasing
	 * assumption): several times faster than FNV-1a's byte at a time on
	 * the names and paths the loader model hashes */
	const unsigned char *s = key;
	size_t n = len;
	uint64_t h = 0x9e3779b97f4a7c15u ^ (uint64_t)len;
	for (; n >= 8; s += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	/* the last bytes, as a little-endian load would read them, in
	 * fixed-size pieces (a memcpy of a variable length is a call) */
	uint64_t w = 0;
	unsigned shift = 0;
	if (n & 4) {
		uint32_t x;
		memcpy(&x, s, 4);
		w = x;
		s += 4;
		shift = 32;
	}
	if (n & 2) {
		uint16_t x;
		memcpy(&x, s, 2);
		w |= (uint64_t)x << shift;
		s += 2;
		shift += 16;
	}
	if (n & 1)
		w |= (uint64_t)*s << shift;
	h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	h ^= h >> 29;
	return h;
}

static bool same_key(const struct sr_map_slot *e, const void *key, size_t len, uint64_t hash)
{
	return e->hash == hash && e->len == len && memcmp(e->key, key, len) == 0;
}

struct sr_map_slot *sr_map_find_h(const struct sr_map *m, const void *key, size_t len, uint64_t hash)
{
	if (!m->cap)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)hash & mask; m->slots[i].key; i = (i + 1) & mask)
		if (same_key(&m->slots[i], key, len, hash))
			return &m->slots[i];
	return NULL;
}

/* Twice the slots, the entries placed again; false when memory ran out. */
static bool grow(struct sr_map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 32;
	struct sr_map_slot *n = ncap <= SIZE_MAX / 2 / sizeof *n ? calloc(ncap, sizeof *n) : NULL;
	if (!n)
		return false;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		size_t j = (size_t)m->slots[i].hash & (ncap - 1);
		while (n[j].key)
			j = (j + 1) & (ncap - 1);
		n[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = n;
	m->cap = ncap;
	return true;
}

struct sr_map_slot *sr_map_add_h(struct sr_map *m, const void *key, size_t len, uint64_t hash, bool *fresh)
{
	*fresh = false;
	struct sr_map_slot *e = sr_map_find_h(m, key, len, hash);
	if (e)
		return e;
	if ((m->max && m->count >= m->max) || (2 * (m->count + 1) > m->cap && !grow(m)))
		return NULL;
	size_t mask = m->cap - 1, i = (size_t)hash & mask;
	while (m->slots[i].key)
		i = (i + 1) & mask;
	const void *k = key;
	if (m->keys) {
		char *copy = sr_arena_alloc(m->keys, len + 1);   /* zeroed: the NUL is there */
		if (!copy)
			return NULL;
		memcpy(copy, key, len);
		k = copy;
	}
	m->slots[i] = (struct sr_map_slot){ k, len, hash, NULL };
	m->count++;
	*fresh = true;
	return &m->slots[i];
}

struct sr_map_slot *sr_map_next(const struct sr_map *m, size_t *i)
{
	for (; *i < m->cap; (*i)++)
		if (m->slots[*i].key)
			return &m->slots[(*i)++];
	return NULL;
}
