/* Building a struct sr_strlist in an arena: one set of helpers for every
 * parser (ELF, PE, Mach-O), with the list's limit given by the caller. */
#ifndef SR_UTIL_STRLIST_H
#define SR_UTIL_STRLIST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "shipready/strlist.h"
#include "util/arena.h"

/* Warnings kept per list: a hostile file repeats one problem many times. */
#define SR_STRLIST_MAX_WARNINGS 64u

struct sr_strlist_b {
	struct sr_strlist *out;
	size_t cap;
};

/* Append s (borrowed: it must live in the arena too); false when the list
 * has reached limit or memory ran out. */
bool sr_strlist_push(struct sr_arena *a, struct sr_strlist_b *b, const char *s, size_t limit);

bool sr_strlist_has(const struct sr_strlist *l, const char *s);

/* Append a copy of s unless the list already holds it. */
void sr_strlist_add_unique(struct sr_arena *a, struct sr_strlist_b *b, const char *s, size_t limit);

/* A formatted warning (at most 255 bytes), once, at most SR_STRLIST_MAX_WARNINGS. */
void sr_strlist_vwarn(struct sr_arena *a, struct sr_strlist_b *b, const char *fmt, va_list ap)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 0)))
#endif
	;

#endif
