#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct sr_arena {
	struct chunk *head;
	size_t total;
	size_t next_size;        /* the next chunk's block size: 1 KiB doubling to 16 KiB */
};

/* Most arenas live for one file or one result: chunks start small. */
enum { CHUNK_FIRST = 1024, CHUNK_LAST = 16384 };

/* a chunk of sz bytes (header included; sz > the header) */
static struct chunk *chunk_new(size_t sz)
{
	struct chunk *c = malloc(sz);
	if (c)
		c->size = sz - sizeof *c;
	return c;
}

static void chunk_free(struct chunk *c)
{
	free(c);
}

struct sr_arena *sr_arena_new(void)
{
	/* malloc, not calloc: glibc's calloc skips its per-thread cache */
	struct sr_arena *a = malloc(sizeof *a);
	if (a)
		*a = (struct sr_arena){ NULL, 0, 0 };
	return a;
}

void sr_arena_free(struct sr_arena *a)
{
	if (!a)
		return;
	struct chunk *c = a->head;
	while (c) {
		struct chunk *n = c->next;
		chunk_free(c);
		c = n;
	}
	free(a);
}

/* n bytes, not cleared (what strings and copies overwrite at once) */
static void *take(struct sr_arena *a, size_t n)
{
	if (n == 0)
		n = 1;
	if (n > SR_ARENA_LIMIT)
		return NULL;
	n = (n + 15) & ~(size_t)15;
	struct chunk *c = a->head;
	if (!c || c->size - c->used < n) {
		/* Small first chunks: most arenas hold one parsed file's few
		 * strings and are kept for a whole run, and every page they
		 * touch costs a page fault. */
		size_t step = a->next_size ? a->next_size : CHUNK_FIRST;   /* a block, header included */
		size_t sz = n + sizeof *c > step ? n + sizeof *c : step;
		a->next_size = step < CHUNK_LAST ? step * 2 : CHUNK_LAST;
		if (a->total + sz > SR_ARENA_LIMIT)
			return NULL;
		c = chunk_new(sz);
		if (!c)
			return NULL;
		c->next = a->head;
		c->used = 0;
		a->head = c;
		a->total += sz;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

void *sr_arena_alloc(struct sr_arena *a, size_t n)
{
	void *p = take(a, n);
	if (p)
		memset(p, 0, n ? n : 1);
	return p;
}

void *sr_arena_array(struct sr_arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return sr_arena_alloc(a, n * size);
}

void *sr_arena_grow_slow(struct sr_arena *a, void *arr, size_t count, size_t *cap, size_t elem, size_t limit)
{
	if (count < *cap)
		return arr;
	if (count >= limit)
		return NULL;
	size_t ncap = *cap ? *cap * 2 : 8;
	if (ncap > limit)
		ncap = limit;
	if (elem && ncap > SIZE_MAX / elem)
		return NULL;
	unsigned char *n = take(a, ncap * elem);
	if (!n)
		return NULL;
	if (count)
		memcpy(n, arr, count * elem);
	memset(n + count * elem, 0, (ncap - count) * elem);   /* the new entries are cleared */
	*cap = ncap;
	return n;
}

char *sr_arena_strndup(struct sr_arena *a, const char *s, size_t n)
{
	char *p = n < SIZE_MAX ? take(a, n + 1) : NULL;
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *sr_arena_strdup(struct sr_arena *a, const char *s)
{
	return sr_arena_strndup(a, s, strlen(s));
}

char *sr_arena_vprintf(struct sr_arena *a, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *out = n >= 0 ? take(a, (size_t)n + 1) : NULL;
	if (out)
		vsnprintf(out, (size_t)n + 1, fmt, again);
	va_end(again);
	return out;
}

char *sr_arena_printf(struct sr_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *out = sr_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return out;
}

size_t sr_arena_used(const struct sr_arena *a)
{
	return a->total;
}
