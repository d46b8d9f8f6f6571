/* A bump allocator with a hard total limit: everything a parser keeps for one
 * file lives here and is released at once, and hostile input cannot make it
 * grow past SR_ARENA_LIMIT. */
#ifndef SR_UTIL_ARENA_H
#define SR_UTIL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#define SR_ARENA_LIMIT ((size_t)32 << 20)

struct sr_arena;

struct sr_arena *sr_arena_new(void);
void sr_arena_free(struct sr_arena *a);
/* Zeroed, 16-byte aligned memory; NULL when out of memory or over the limit. */
void *sr_arena_alloc(struct sr_arena *a, size_t n);
/* Overflow-checked n * size. */
void *sr_arena_array(struct sr_arena *a, size_t n, size_t size);
/* Room for one more element in an arena array of `count` elements and
 * capacity *cap: the array itself while there is room, else a copy with
 * doubled capacity (at most `limit` elements; *cap updated).  NULL when
 * count has reached limit or memory ran out. */
void *sr_arena_grow_slow(struct sr_arena *a, void *arr, size_t count, size_t *cap, size_t elem, size_t limit);
static inline void *sr_arena_grow(struct sr_arena *a, void *arr, size_t count, size_t *cap, size_t elem,
                                  size_t limit)
{
	/* the common case, where the caller is: room left */
	return count < *cap ? arr : sr_arena_grow_slow(a, arr, count, cap, elem, limit);
}
char *sr_arena_strndup(struct sr_arena *a, const char *s, size_t n);
char *sr_arena_strdup(struct sr_arena *a, const char *s);
/* printf into the arena, whole (NULL when out of memory or over the limit). */
char *sr_arena_vprintf(struct sr_arena *a, const char *fmt, va_list ap)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 0)))
#endif
	;
char *sr_arena_printf(struct sr_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
size_t sr_arena_used(const struct sr_arena *a);

#endif
