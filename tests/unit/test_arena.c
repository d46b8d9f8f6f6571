/* Unit tests for the bounded arena (lib/util/arena.c). */
#include <stdint.h>
#include <string.h>

#include "util/arena.h"

#include "harness.h"

static void test_basic(void)
{
	struct sr_arena *a = sr_arena_new();
	CHECK(a != NULL);
	if (!a)
		return;
	unsigned char *p = sr_arena_alloc(a, 10);
	CHECK(p != NULL);
	CHECK(((uintptr_t)p & 15) == 0);
	int zero = 1;
	for (int i = 0; p && i < 10; i++)
		zero &= p[i] == 0;
	CHECK(zero);
	void *q = sr_arena_alloc(a, 0);   /* zero-size: a valid, distinct pointer */
	CHECK(q != NULL && q != p);
	CHECK(((uintptr_t)q & 15) == 0);

	char *s = sr_arena_strdup(a, "GLIBC_2.34");
	CHECK(s && strcmp(s, "GLIBC_2.34") == 0);
	char *n = sr_arena_strndup(a, "libc.so.6XXXX", 9);
	CHECK(n && strcmp(n, "libc.so.6") == 0);
	char *e = sr_arena_strndup(a, "", 0);
	CHECK(e && e[0] == '\0');

	/* a large allocation gets its own chunk and leaves the small ones valid */
	unsigned char *big = sr_arena_alloc(a, 1 << 20);
	CHECK(big != NULL);
	if (big)
		memset(big, 0xab, 1 << 20);
	CHECK(strcmp(s, "GLIBC_2.34") == 0);
	CHECK(sr_arena_used(a) >= (1u << 20));
	sr_arena_free(a);
	sr_arena_free(NULL);   /* no-op */
}

static void test_limit(void)
{
	struct sr_arena *a = sr_arena_new();
	if (!a) {
		CHECK(a != NULL);
		return;
	}
	/* Single allocations over the limit fail, whatever their size. */
	static const size_t too_big[] = { SR_ARENA_LIMIT + 1, SR_ARENA_LIMIT + 16, SIZE_MAX, SIZE_MAX - 15,
					  SIZE_MAX / 2 + 1 };
	for (size_t i = 0; i < COUNT(too_big); i++)
		CHECKF(sr_arena_alloc(a, too_big[i]) == NULL, "alloc(%#zx) succeeded", too_big[i]);

	/* Many 1 MiB allocations: the total stays under the limit and then fails. */
	size_t ok = 0;
	for (int i = 0; i < 100; i++) {
		if (!sr_arena_alloc(a, (size_t)1 << 20))
			break;
		ok++;
	}
	CHECKF(ok >= 16 && ok <= (SR_ARENA_LIMIT >> 20), "%zu MiB allocated", ok);
	CHECKF(sr_arena_used(a) <= SR_ARENA_LIMIT, "used %zu", sr_arena_used(a));
	CHECK(sr_arena_alloc(a, (size_t)1 << 20) == NULL);   /* still refused */

	/* Many small allocations also stop at the limit. */
	struct sr_arena *b = sr_arena_new();
	size_t n = 0;
	while (b && n < ((size_t)64 << 20) / 64 && sr_arena_alloc(b, 64))
		n++;
	CHECKF(b && n * 64 <= SR_ARENA_LIMIT && n * 64 >= SR_ARENA_LIMIT / 2, "%zu x 64 bytes", n);
	CHECK(b && sr_arena_used(b) <= SR_ARENA_LIMIT);
	sr_arena_free(b);
	sr_arena_free(a);
}

static void test_array(void)
{
	struct sr_arena *a = sr_arena_new();
	if (!a) {
		CHECK(a != NULL);
		return;
	}
	static const struct { size_t n, size; int ok; } t[] = {
		{ 10, 16, 1 },
		{ 0, 16, 1 },
		{ 16, 0, 1 },
		{ SIZE_MAX, 2, 0 },                       /* n * size overflows */
		{ SIZE_MAX / 2 + 1, 2, 0 },               /* exactly 2^64: wraps to 0 */
		{ (SIZE_MAX >> 4) + 1, 16, 0 },           /* wraps to 0 */
		{ ((size_t)1 << 32) + 1, (size_t)1 << 32, 0 },   /* wraps to 2^32 */
		{ 2, SIZE_MAX / 2 + 1, 0 },
		{ SR_ARENA_LIMIT / 8 + 1, 8, 0 },         /* no overflow, but over the limit */
		{ 1024, 1024, 1 },
	};
	for (size_t i = 0; i < COUNT(t); i++) {
		void *p = sr_arena_array(a, t[i].n, t[i].size);
		CHECKF((p != NULL) == t[i].ok, "array(%#zx, %#zx) = %p", t[i].n, t[i].size, p);
	}
	sr_arena_free(a);
}

/* Arenas made and freed one after another keep their contents apart. */
static void test_arena_turns(void)
{
	for (int round = 0; round < 50; round++) {
		struct sr_arena *a = sr_arena_new(), *b = sr_arena_new();
		CHECK(a && b);
		if (!a || !b) {
			sr_arena_free(a);
			sr_arena_free(b);
			return;
		}
		char *sa[40], *sb[40];
		for (int i = 0; i < 40; i++) {
			char buf[64];
			snprintf(buf, sizeof buf, "a-%d-%d-%0*d", round, i, i * 3 % 40, 0);
			sa[i] = sr_arena_strdup(a, buf);
			snprintf(buf, sizeof buf, "b-%d-%d", round, i);
			sb[i] = sr_arena_strdup(b, buf);
			unsigned char *z = sr_arena_alloc(b, (size_t)(i * 97 % 700));
			int zero = 1;
			for (size_t k = 0; z && k < (size_t)(i * 97 % 700); k++)
				zero &= z[k] == 0;
			CHECKF(z && zero, "round %d: alloc %d not cleared", round, i);
		}
		int ok = 1;
		for (int i = 0; i < 40; i++) {
			char buf[64];
			snprintf(buf, sizeof buf, "a-%d-%d-%0*d", round, i, i * 3 % 40, 0);
			ok &= sa[i] && strcmp(sa[i], buf) == 0;
			snprintf(buf, sizeof buf, "b-%d-%d", round, i);
			ok &= sb[i] && strcmp(sb[i], buf) == 0;
		}
		CHECKF(ok, "round %d: strings changed", round);
		sr_arena_free(round % 2 ? a : b);
		sr_arena_free(round % 2 ? b : a);
	}
}

int main(void)
{
	test_basic();
	test_limit();
	test_array();
	test_arena_turns();
	return sr_test_summary("test_arena");
}
