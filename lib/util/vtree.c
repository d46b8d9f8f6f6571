/* A file tree in memory (see shipready/vtree.h).
 *
 * Nodes live in one growing array and are named by their index.  A child
 * is found through one hash map keyed by its directory's number and its
 * name; the map keeps the key's bytes, and the node's name points into
 * them.  A directory also keeps its children in a list, for reading it.
 * A removed node stays in the array, unlinked from its directory's list
 * and marked dead, and the map then answers "none" for its key until the
 * name is added again. */
#include "shipready/vtree.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/map.h"

struct vnode {
	uint32_t parent;
	uint32_t first, next, prev;   /* children (a directory's), siblings */
	uint32_t data;                /* the node whose bytes these are: itself, or a hard link's target */
	uint32_t layer;               /* the layer that made it */
	uint32_t src;                 /* regular files: where their bytes are */
	mode_t mode;
	bool dead;
	unsigned char mark;
	uint64_t off, size;
	const char *name;             /* in the map's key */
	const char *link;             /* a symlink's target */
};

struct sr_vtree {
	struct vnode *v;
	size_t n, cap;
	struct sr_map map;            /* (parent, name) -> node + 1 */
	struct sr_arena **bytes;      /* the map's keys and symlink targets: an arena after another as each fills */
	size_t nbytes;
	struct sr_vtree_source src;
	uint32_t layer;
	dev_t dev;
};

#define TREE_WHOLE_MAX ((uint64_t)4 << 20)

/* Key bytes: the directory's number, then the name (no NUL). */
#define KEY_MAX (4 + 4096)

static size_t make_key(uint32_t dir, const char *name, unsigned char *key)
{
	size_t nl = strlen(name);
	if (nl > KEY_MAX - 4)
		nl = KEY_MAX - 4;
	memcpy(key, &dir, 4);
	memcpy(key + 4, name, nl);
	return 4 + nl;
}

struct sr_vtree *sr_vtree_new(const struct sr_vtree_source *src)
{
	static atomic_uint serial;
	struct sr_vtree *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->cap = 256;
	t->v = malloc(t->cap * sizeof *t->v);
	if (!t->v) {
		sr_vtree_free(t);
		return NULL;
	}
	sr_map_init(&t->map, NULL, 0);   /* keys borrowed: copied below into arenas that can grow past one */
	if (src)
		t->src = *src;
	/* a device number no file system here uses: the tree's files are
	 * nowhere else (the loader keys files by device and inode) */
	t->dev = (dev_t)0xfffff000u + (atomic_fetch_add(&serial, 1) & 0xfffu);
	t->v[0] = (struct vnode){ .parent = 0, .first = SR_VTREE_NONE, .next = SR_VTREE_NONE, .prev = SR_VTREE_NONE,
		                  .data = 0, .mode = S_IFDIR | 0755, .name = "" };
	t->n = 1;
	return t;
}

void sr_vtree_free(struct sr_vtree *t)
{
	if (!t)
		return;
	sr_map_free(&t->map, NULL);
	for (size_t i = 0; i < t->nbytes; i++)
		sr_arena_free(t->bytes[i]);
	free(t->bytes);
	free(t->v);
	free(t);
}

dev_t sr_vtree_dev(const struct sr_vtree *t)
{
	return t->dev;
}

void sr_vtree_set_dev(struct sr_vtree *t, dev_t dev)
{
	t->dev = dev;
}

size_t sr_vtree_count(const struct sr_vtree *t)
{
	return t->n;
}

/* ---------- reading ---------- */

uint32_t sr_vtree_child(const struct sr_vtree *t, uint32_t dir, const char *name)
{
	unsigned char key[KEY_MAX];
	size_t kl = make_key(dir, name, key);
	const struct sr_map_slot *s = sr_map_find(&t->map, key, kl);
	if (!s || !s->val)
		return SR_VTREE_NONE;
	uint32_t id = (uint32_t)((uintptr_t)s->val - 1);
	return t->v[id].dead ? SR_VTREE_NONE : id;
}

void sr_vtree_stat(const struct sr_vtree *t, uint32_t node, struct stat *st)
{
	const struct vnode *v = &t->v[node];
	memset(st, 0, sizeof *st);
	st->st_mode = v->mode;
	st->st_dev = t->dev;
	st->st_ino = (ino_t)v->data + 1;
	st->st_nlink = 1;
	const struct vnode *d = &t->v[v->data];
	st->st_size = S_ISREG(v->mode) ? (off_t)d->size : S_ISLNK(v->mode) && v->link ? (off_t)strlen(v->link) : 4096;
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)((st->st_size + 511) / 512);
}

const char *sr_vtree_link(const struct sr_vtree *t, uint32_t node)
{
	return S_ISLNK(t->v[node].mode) ? t->v[node].link : NULL;
}

const char *sr_vtree_name(const struct sr_vtree *t, uint32_t node)
{
	return t->v[node].name;
}

struct named {
	const char *name;
	uint32_t id;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

long sr_vtree_children(const struct sr_vtree *t, uint32_t dir, uint32_t **out)
{
	*out = NULL;
	size_t n = 0;
	for (uint32_t c = t->v[dir].first; c != SR_VTREE_NONE; c = t->v[c].next)
		n++;
	if (!n)
		return 0;
	struct named *v = malloc(n * sizeof *v);
	uint32_t *ids = malloc(n * sizeof *ids);
	if (!v || !ids) {
		free(v);
		free(ids);
		return -1;
	}
	n = 0;
	for (uint32_t c = t->v[dir].first; c != SR_VTREE_NONE; c = t->v[c].next)
		v[n++] = (struct named){ .name = t->v[c].name, .id = c };
	qsort(v, n, sizeof *v, by_name);
	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].id;
	free(v);
	*out = ids;
	return (long)n;
}

uint32_t sr_vtree_parent(const struct sr_vtree *t, uint32_t node)
{
	return t->v[node].parent;
}

unsigned char sr_vtree_mark(const struct sr_vtree *t, uint32_t node)
{
	return t->v[node].mark;
}

void sr_vtree_set_mark(struct sr_vtree *t, uint32_t node, unsigned char mark)
{
	t->v[node].mark = mark;
}

long sr_vtree_read(const struct sr_vtree *t, uint32_t node, uint64_t at, void *buf, size_t n)
{
	const struct vnode *d = &t->v[t->v[node].data];
	if (!S_ISREG(t->v[node].mode) || !t->src.read_at)
		return -1;
	if (at >= d->size)
		return 0;
	if (n > d->size - at)
		n = (size_t)(d->size - at);
	return t->src.read_at(t->src.ctx, d->src, d->off, at, buf, n);
}

enum sr_err sr_vtree_file_open(const struct sr_vtree *t, uint32_t node, unsigned flags, struct sr_file *f,
                               struct sr_error *err)
{
	const struct vnode *v = &t->v[node];
	if (S_ISDIR(v->mode))
		return sr_error_set(err, SR_E_ISDIR, "is a directory");
	if (!S_ISREG(v->mode) || !t->src.read_at)
		return sr_error_set(err, SR_E_NOT_REGULAR, NULL);
	const struct vnode *d = &t->v[v->data];
	struct sr_file_source s = { .size = d->size, .fd = -1, .read_at = t->src.read_at, .ctx = t->src.ctx,
		                    .src = d->src, .off = d->off };
	if (t->src.plain && !t->src.plain(t->src.ctx, d->src, d->off, &s.fd, &s.base))
		s.fd = -1;
	/* bytes that are not a range of a file cost a decoder's run to reach:
	 * a small file is read whole at once rather than in pieces (`make
	 * bench`: the loader's reads of each library, one run instead of
	 * several) */
	if (s.fd < 0 && s.size <= TREE_WHOLE_MAX)
		flags &= ~SR_FILE_LAZY;
	return sr_file_open_source(&s, flags, f, err);
}

/* ---------- building ---------- */

void sr_vtree_set_layer(struct sr_vtree *t, uint32_t layer)
{
	t->layer = layer;
}

bool sr_vtree_made_now(const struct sr_vtree *t, uint32_t node)
{
	return t->layer && t->v[node].layer == t->layer;
}

void sr_vtree_touch(struct sr_vtree *t, uint32_t node)
{
	t->v[node].layer = t->layer;
}

/* Take node out of its directory's list. */
static void unlink_node(struct sr_vtree *t, uint32_t id)
{
	struct vnode *v = &t->v[id];
	if (v->prev != SR_VTREE_NONE)
		t->v[v->prev].next = v->next;
	else
		t->v[v->parent].first = v->next;
	if (v->next != SR_VTREE_NONE)
		t->v[v->next].prev = v->prev;
	v->next = v->prev = SR_VTREE_NONE;
}

void sr_vtree_remove(struct sr_vtree *t, uint32_t node)
{
	if (node == SR_VTREE_ROOT || t->v[node].dead)
		return;
	unlink_node(t, node);
	/* everything below goes with it: marked dead without a walk of its
	 * own (nothing below is found once this one is dead, as lookups go
	 * from the root), except that a later node with the same key finds
	 * the slot free.  Its children are marked too, so the map does not
	 * answer their old names under a revived directory number. */
	uint32_t stack_top = node;
	t->v[node].dead = true;
	/* depth-first over the dead subtree, through the child lists */
	uint32_t cur = t->v[stack_top].first;
	while (cur != SR_VTREE_NONE) {
		t->v[cur].dead = true;
		if (t->v[cur].first != SR_VTREE_NONE) {
			cur = t->v[cur].first;
			continue;
		}
		while (cur != stack_top && t->v[cur].next == SR_VTREE_NONE)
			cur = t->v[cur].parent;
		cur = cur == stack_top ? SR_VTREE_NONE : t->v[cur].next;
	}
}

/* A lasting copy of n bytes and a NUL, in the current arena or a new one
 * when that is full (one arena holds SR_ARENA_LIMIT). */
static void *keep(struct sr_vtree *t, const void *p, size_t n)
{
	char *copy = t->nbytes ? sr_arena_alloc(t->bytes[t->nbytes - 1], n + 1) : NULL;
	if (!copy) {
		struct sr_arena **grown = realloc(t->bytes, (t->nbytes + 1) * sizeof *grown);
		if (!grown)
			return NULL;
		t->bytes = grown;
		if (!(t->bytes[t->nbytes] = sr_arena_new()))
			return NULL;
		copy = sr_arena_alloc(t->bytes[t->nbytes++], n + 1);
		if (!copy)
			return NULL;
	}
	memcpy(copy, p, n);
	copy[n] = '\0';
	return copy;
}

uint32_t sr_vtree_add(struct sr_vtree *t, uint32_t dir, const char *name, mode_t mode)
{
	unsigned char key[KEY_MAX];
	size_t nl = strlen(name);
	if (nl == 0 || nl > KEY_MAX - 4 || t->n >= SR_VTREE_MAX_NODES)
		return SR_VTREE_NONE;
	size_t kl = make_key(dir, name, key);
	bool fresh;
	struct sr_map_slot *s = sr_map_add(&t->map, key, kl, &fresh);
	if (!s)
		return SR_VTREE_NONE;
	if (fresh) {
		/* the map borrows keys: this one is copied where it stays */
		unsigned char *kept = keep(t, key, kl);
		if (!kept) {
			/* the slot was added last, so nothing probes past it: empty again */
			s->key = NULL;
			s->len = 0;
			s->val = NULL;
			return SR_VTREE_NONE;
		}
		memcpy(kept, key, kl);
		s->key = kept;
	} else if (s->val) {
		sr_vtree_remove(t, (uint32_t)((uintptr_t)s->val - 1));
	}
	if (t->n == t->cap) {
		size_t cap = t->cap * 2;
		struct vnode *v = realloc(t->v, cap * sizeof *v);
		if (!v)
			return SR_VTREE_NONE;
		t->v = v;
		t->cap = cap;
	}
	uint32_t id = (uint32_t)t->n++;
	struct vnode *v = &t->v[id];
	*v = (struct vnode){ .parent = dir, .first = SR_VTREE_NONE, .prev = SR_VTREE_NONE, .data = id,
		             .layer = t->layer, .mode = mode, .name = (const char *)s->key + 4 };
	/* first in its directory's list */
	v->next = t->v[dir].first;
	if (v->next != SR_VTREE_NONE)
		t->v[v->next].prev = id;
	t->v[dir].first = id;
	s->val = (void *)(uintptr_t)(id + 1);
	return id;
}

bool sr_vtree_set_link(struct sr_vtree *t, uint32_t node, const char *target)
{
	char *copy = keep(t, target, strlen(target));
	t->v[node].link = copy;
	return copy != NULL;
}

void sr_vtree_set_data(struct sr_vtree *t, uint32_t node, uint32_t src, uint64_t off, uint64_t size)
{
	struct vnode *v = &t->v[node];
	v->data = node;
	v->src = src;
	v->off = off;
	v->size = size;
}

void sr_vtree_set_same(struct sr_vtree *t, uint32_t node, uint32_t other)
{
	t->v[node].data = t->v[other].data;
	t->v[node].mark = t->v[other].mark;
}
