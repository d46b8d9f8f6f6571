/* shipready — a file tree held in memory: what a container image's layers
 * make, without writing it anywhere.
 *
 * Nodes are directories, regular files and symbolic links, numbered from 0
 * (the root directory).  A regular file's bytes stay where they are (a
 * range of a layer); the tree's source reads them when asked.  A hard link
 * is a node that reads another node's bytes.  Removed nodes keep their
 * numbers but are never found again.  A struct sr_root can be opened on a
 * tree (sr_root_open_tree): every lookup inside it is then confined to the
 * tree as it is to a directory. */
#ifndef SHIPREADY_VTREE_H
#define SHIPREADY_VTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "shipready/error.h"
#include "shipready/file.h"

#define SR_VTREE_ROOT 0u
#define SR_VTREE_NONE UINT32_MAX
#define SR_VTREE_MAX_NODES (2u << 20)   /* files, directories and links an image may have */

struct sr_vtree;

/* Where the bytes of regular files are: src and off are what the builder
 * gave sr_vtree_set_data.  read_at fills buf with the n bytes at offset at
 * of the file (the caller keeps inside its size) and returns n, fewer only
 * when the layer ends first, -1 on failure; called from several threads
 * at once (it is struct sr_file_source's read_at).  plain (may
 * be NULL) tells, when the bytes are a range of an open regular file,
 * that file and where the range starts: then they are mapped, not
 * copied. */
struct sr_vtree_source {
	void *ctx;
	long (*read_at)(void *ctx, uint32_t src, uint64_t off, uint64_t at, void *buf, size_t n);
	bool (*plain)(void *ctx, uint32_t src, uint64_t off, int *fd, uint64_t *base);
};

/* An empty tree (the root directory alone); NULL when out of memory. */
struct sr_vtree *sr_vtree_new(const struct sr_vtree_source *src);
void sr_vtree_free(struct sr_vtree *t);

/* The number every node of this tree shows as st_dev: trees differ, unless
 * their builder says two are the same content (sr_vtree_set_dev: the same
 * image read twice numbers its nodes alike, so the loader's cache, keyed
 * by device and inode, and a root's identity agree across both). */
dev_t sr_vtree_dev(const struct sr_vtree *t);
void sr_vtree_set_dev(struct sr_vtree *t, dev_t dev);

/* ---------- reading ---------- */

/* The live child name of directory dir, or SR_VTREE_NONE. */
uint32_t sr_vtree_child(const struct sr_vtree *t, uint32_t dir, const char *name);
/* lstat of a node: mode, size, st_ino (a hard link's is its target's),
 * st_dev, st_nlink. */
void sr_vtree_stat(const struct sr_vtree *t, uint32_t node, struct stat *st);
/* A symbolic link's target (NULL for other nodes). */
const char *sr_vtree_link(const struct sr_vtree *t, uint32_t node);
const char *sr_vtree_name(const struct sr_vtree *t, uint32_t node);
/* The children of dir in name order, into *out (malloc'd; the caller
 * frees it); their count, or -1 when out of memory. */
long sr_vtree_children(const struct sr_vtree *t, uint32_t dir, uint32_t **out);
/* The directory holding node (the root's is the root). */
uint32_t sr_vtree_parent(const struct sr_vtree *t, uint32_t node);
/* A byte the builder keeps with a node for its readers (0 unless set):
 * SR_VTREE_MARK_SNIFFED, the builder tested the file's first bytes as it
 * passed (an image's layer streams once); SR_VTREE_MARK_BINARY, and they
 * are a binary's (sr_sniff_binary, the PE signature included). */
#define SR_VTREE_MARK_SNIFFED 1u
#define SR_VTREE_MARK_BINARY 2u
unsigned char sr_vtree_mark(const struct sr_vtree *t, uint32_t node);
void sr_vtree_set_mark(struct sr_vtree *t, uint32_t node, unsigned char mark);
/* n bytes at offset at of a regular file (fewer at its end); -1 on failure. */
long sr_vtree_read(const struct sr_vtree *t, uint32_t node, uint64_t at, void *buf, size_t n);
/* A regular file for analysis: flags SR_FILE_LAZY as sr_file_open_ex. */
enum sr_err sr_vtree_file_open(const struct sr_vtree *t, uint32_t node, unsigned flags, struct sr_file *f,
                               struct sr_error *err);

/* ---------- building ---------- */

/* Which layer (from 1) the entries added from now on belong to. */
void sr_vtree_set_layer(struct sr_vtree *t, uint32_t layer);
/* Did the current layer make (or re-declare) this node? */
bool sr_vtree_made_now(const struct sr_vtree *t, uint32_t node);
void sr_vtree_touch(struct sr_vtree *t, uint32_t node);

/* Add name in dir (a directory) as mode (S_IFDIR, S_IFREG or S_IFLNK with
 * its permission bits); what was there under that name goes first.
 * SR_VTREE_NONE when out of memory or past SR_VTREE_MAX_NODES. */
uint32_t sr_vtree_add(struct sr_vtree *t, uint32_t dir, const char *name, mode_t mode);
/* A symbolic link's target, a regular file's bytes, a hard link's node. */
bool sr_vtree_set_link(struct sr_vtree *t, uint32_t node, const char *target);
void sr_vtree_set_data(struct sr_vtree *t, uint32_t node, uint32_t src, uint64_t off, uint64_t size);
void sr_vtree_set_same(struct sr_vtree *t, uint32_t node, uint32_t other);
/* Remove node and everything below it. */
void sr_vtree_remove(struct sr_vtree *t, uint32_t node);
/* Nodes added so far (removed ones included). */
size_t sr_vtree_count(const struct sr_vtree *t);

#endif
