#include "util/strlist.h"

#include <stdio.h>
#include <string.h>

bool sr_strlist_push(struct sr_arena *a, struct sr_strlist_b *b, const char *s, size_t limit)
{
	struct sr_strlist *l = b->out;
	const char **items = sr_arena_grow(a, (void *)l->items, l->count, &b->cap, sizeof *items, limit);
	if (!items)
		return false;
	l->items = items;
	l->items[l->count++] = s;
	return true;
}

bool sr_strlist_has(const struct sr_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

void sr_strlist_add_unique(struct sr_arena *a, struct sr_strlist_b *b, const char *s, size_t limit)
{
	if (sr_strlist_has(b->out, s))
		return;
	char *d = sr_arena_strdup(a, s);
	if (d)
		sr_strlist_push(a, b, d, limit);
}

void sr_strlist_vwarn(struct sr_arena *a, struct sr_strlist_b *b, const char *fmt, va_list ap)
{
	char buf[256];
	vsnprintf(buf, sizeof buf, fmt, ap);
	sr_strlist_add_unique(a, b, buf, SR_STRLIST_MAX_WARNINGS);
}
