/* shipready — names and small helpers of the loader model: the object's names and their keys, paths joined, warnings. */
#define _GNU_SOURCE 1   /* O_PATH */
#include "loader/deps_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/libc.h"
#include "shipready/macho.h"
#include "shipready/pe.h"

char *deps_adup(struct ctx *c, const char *s)
{
	return s ? sr_arena_strdup(c->a, s) : NULL;
}

char *deps_afmt(struct ctx *c, const char *fmt, ...)
{
	char buf[SR_ROOT_MAX_PATH * 2];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return deps_adup(c, buf);
}

bool deps_push_str(struct ctx *c, struct sr_strlist *l, size_t *cap, const char *s, size_t limit)
{
	if (!s)
		return false;
	const char **items = sr_arena_grow(c->a, (void *)l->items, l->count, cap, sizeof *items, limit);
	if (!items)
		return false;
	l->items = items;
	l->items[l->count++] = s;
	return true;
}

void deps_warn(struct ctx *c, const char *msg)
{
	deps_push_str(c, &c->d->warnings, &c->caps.warnings, deps_adup(c, msg), 64);
}

/* A hash of a name or path for the tables below (equal hashes are
 * confirmed with strcmp). */
uint32_t deps_name_key(const char *s)
{
	return sr_elf_name_key(s);
}

void deps_names_free(struct ctx *c)
{
	sr_map_free(&c->names, NULL);
}

struct obj_name *deps_obj_names(struct obj_priv *p)
{
	return p->capnames ? p->names : p->few;
}

/* Add one name of object obj to the index find_loaded searches; the
 * lowest object answering to a name is kept.  Without memory for it,
 * find_loaded searches the objects' own lists. */
static void index_name(struct ctx *c, size_t obj, const char *s, uint32_t key)
{
	if (c->names_lost)
		return;
	bool fresh;
	struct sr_map_slot *e = sr_map_add_h(&c->names, s, strlen(s), key, &fresh);
	if (!e) {
		c->names_lost = true;
		deps_names_free(c);
		return;
	}
	if (fresh || obj < (uintptr_t)e->val - 1)
		e->val = (void *)(uintptr_t)(obj + 1);
}

/* One more name object obj answers to, whose name_key is key.  stable:
 * name lives as long as the result (its arena, or a parsed file's) and is
 * kept without a copy. */
void deps_add_name_key(struct ctx *c, size_t obj, const char *name, uint32_t key, bool stable)
{
	struct obj_priv *p = &c->d->priv->op[obj];
	struct obj_name *names = deps_obj_names(p);
	for (size_t i = 0; i < p->nnames; i++)
		if (names[i].key == key && strcmp(names[i].s, name) == 0)
			return;
	if (p->nnames == OBJ_FEW_NAMES && !p->capnames) {
		/* past the few: into the arena (op[] moves as it grows; few[] moves with it) */
		struct obj_name *n = sr_arena_array(c->a, 2 * OBJ_FEW_NAMES, sizeof *n);
		if (!n)
			return;
		memcpy(n, p->few, sizeof p->few);
		p->names = n;
		p->capnames = 2 * OBJ_FEW_NAMES;
	} else if (p->capnames) {
		struct obj_name *n = sr_arena_grow(c->a, p->names, p->nnames, &p->capnames, sizeof *n, 256);
		if (!n)
			return;
		p->names = n;
	}
	const char *copy = stable ? name : deps_adup(c, name);
	if (!copy)
		return;
	deps_obj_names(p)[p->nnames++] = (struct obj_name){ copy, key };
	index_name(c, obj, copy, key);
}

void deps_add_name_as(struct ctx *c, size_t obj, const char *name, bool stable)
{
	if (name)
		deps_add_name_key(c, obj, name, deps_name_key(name), stable);
}

char *deps_dirname_of(struct ctx *c, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return deps_adup(c, ".");
	if (slash == path)
		return deps_adup(c, "/");
	return sr_arena_strndup(c->a, path, (size_t)(slash - path));
}

/* out = a b c, as snprintf(out, size, "%s%s%s", a, b, c) (cut and
 * NUL-terminated when it does not fit; size > 0); returns the full length.
 * The paths of every candidate are built this way: snprintf costs far more. */
size_t deps_cat3(char *out, size_t size, const char *a, const char *b, const char *c)
{
	const char *parts[3] = { a, b, c };
	size_t o = 0, total = 0;
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(parts[i]);
		total += n;
		if (o < size - 1) {
			size_t k = n < size - 1 - o ? n : size - 1 - o;
			memcpy(out + o, parts[i], k);
			o += k;
		}
	}
	out[o] = '\0';
	return total;
}
