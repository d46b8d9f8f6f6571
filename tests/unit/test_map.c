/* Unit tests for the one hash map (lib/util/map.c): every answer is
 * checked against a plain list of the same keys, under many adds with
 * colliding and prefix-sharing keys, both key modes, and the entry limit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/map.h"

#include "harness.h"

enum { N = 5000 };

/* the model: keys in order of first add, with the value last set */
static char model_key[N][40];
static size_t model_len[N];
static uintptr_t model_val[N];
static size_t model_count;

static long model_find(const char *k, size_t n)
{
	for (size_t i = 0; i < model_count; i++)
		if (model_len[i] == n && memcmp(model_key[i], k, n) == 0)
			return (long)i;
	return -1;
}

/* key i of a family of keys that share prefixes and lengths, some with NUL bytes inside */
static size_t make_key(unsigned i, char *out)
{
	size_t n = (size_t)snprintf(out, 40, "/usr/lib/x86_64-linux-gnu/lib%u.so", i % 1777);
	if (i % 3 == 0)
		out[n - 3] = '\0';   /* a NUL inside: keys are bytes, not strings */
	if (i % 5 == 0)
		n -= 1;              /* a prefix of another key */
	return n;
}

static void test_against_model(struct sr_arena *keys)
{
	struct sr_map m;
	sr_map_init(&m, keys, 0);
	model_count = 0;
	static char borrowed[N][40];
	uint32_t rnd = 12345;
	for (unsigned step = 0; step < 20000; step++) {
		rnd = rnd * 1103515245u + 12345u;
		unsigned i = (rnd >> 8) % N;
		char k[40];
		size_t n = make_key(i, k);
		long at = model_find(k, n);
		if (rnd & 0x10000) {
			/* find */
			struct sr_map_slot *e = sr_map_find(&m, k, n);
			CHECKF((e != NULL) == (at >= 0), "step %u: find %s: %s", step, k, e ? "found" : "absent");
			if (e && at >= 0)
				CHECKF((uintptr_t)e->val == model_val[at] && e->len == n && memcmp(e->key, k, n) == 0,
				       "step %u: value or key differs", step);
		} else {
			/* add (borrowed keys must outlive the map: give a stable copy) */
			const char *key = k;
			if (!keys) {
				memcpy(borrowed[i], k, n);
				key = borrowed[i];
			}
			bool fresh;
			struct sr_map_slot *e = sr_map_add(&m, key, n, &fresh);
			CHECK(e != NULL);
			if (!e)
				continue;
			CHECKF(fresh == (at < 0), "step %u: fresh %d, the model %ld", step, fresh, at);
			if (fresh) {
				CHECK(e->val == NULL);
				at = (long)model_count++;
				memcpy(model_key[at], k, n);
				model_len[at] = n;
			}
			if (keys)
				CHECKF(e->key != key && ((const char *)e->key)[n] == '\0', "step %u: a copied key, NUL-ended", step);
			else if (fresh)
				CHECK(e->key == key);   /* borrowed: the first adder's bytes */
			model_val[at] = step + 1;
			e->val = (void *)(uintptr_t)(step + 1);
		}
	}
	CHECKF(m.count == model_count, "count %zu, the model %zu", m.count, model_count);
	CHECKF(2 * m.count <= m.cap, "at most half full: %zu of %zu", m.count, m.cap);
	/* iteration sees each entry once */
	size_t seen = 0;
	struct sr_map_slot *e;
	for (size_t i = 0; (e = sr_map_next(&m, &i)) != NULL; seen++) {
		long at = model_find(e->key, e->len);
		CHECK(at >= 0 && (uintptr_t)e->val == model_val[at]);
	}
	CHECKF(seen == model_count, "iterated %zu, the model %zu", seen, model_count);
	sr_map_free(&m, NULL);
	CHECK(m.count == 0 && m.cap == 0 && sr_map_find(&m, "x", 1) == NULL);
}

static int freed;
static void count_free(void *v)
{
	freed += v != NULL;
}

static void test_limit_and_free(void)
{
	struct sr_map m;
	sr_map_init(&m, NULL, 3);
	static const char *const k[] = { "a", "b", "c", "d" };
	bool fresh;
	for (int i = 0; i < 3; i++) {
		struct sr_map_slot *e = sr_map_add(&m, k[i], 1, &fresh);
		CHECK(e && fresh);
		if (e)
			e->val = (void *)k[i];
	}
	CHECK(sr_map_add(&m, k[3], 1, &fresh) == NULL && !fresh);   /* full: refused */
	struct sr_map_slot *again = sr_map_add(&m, k[1], 1, &fresh);   /* a known key is still found */
	CHECK(again && !fresh && again->val == k[1]);
	freed = 0;
	sr_map_free(&m, count_free);
	CHECK(freed == 3);

	/* a zeroed map is an empty, unlimited one; _h with a caller's hash */
	struct sr_map z = { 0 };
	for (unsigned i = 0; i < 1000; i++) {
		char key[16];
		int n = snprintf(key, sizeof key, "%u", i);
		CHECK(sr_map_add_h(&z, strdup(key), (size_t)n, i % 7, &fresh) && fresh);   /* colliding hashes */
	}
	CHECK(z.count == 1000);
	CHECK(sr_map_find_h(&z, "999", 3, 999 % 7) != NULL && sr_map_find_h(&z, "999", 3, 1) == NULL);
	struct sr_map_slot *e;
	for (size_t i = 0; (e = sr_map_next(&z, &i)) != NULL;)
		free((void *)e->key);
	sr_map_free(&z, NULL);

	/* equal bytes hash equal; the hash looks at every byte */
	CHECK(sr_hash("libc.so.6", 9) == sr_hash("libc.so.6", 9));
	CHECK(sr_hash("libc.so.6", 9) != sr_hash("libc.so.7", 9));
	CHECK(sr_hash("abcdefgh1", 9) != sr_hash("abcdefgh2", 9));
	CHECK(sr_hash("", 0) != sr_hash("\0", 1));
}

int main(void)
{
	test_against_model(NULL);
	struct sr_arena *a = sr_arena_new();
	CHECK(a != NULL);
	if (a) {
		test_against_model(a);
		sr_arena_free(a);
	}
	test_limit_and_free();
	return sr_test_summary("map");
}
