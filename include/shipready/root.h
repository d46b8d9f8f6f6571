/* shipready — paths inside a root: a directory (a sysroot, a debootstrap
 * tree, an unpacked container image) or a container image's layers read
 * into a tree in memory (shipready/vtree.h).
 *
 * Inside a root, every path is looked up as if the root were `/`: absolute
 * symlinks and `..` are resolved relative to the root and can never leave
 * it.  The walk opens one component at a time with O_NOFOLLOW relative to the
 * directory already reached, so no file outside the root is ever opened. */
#ifndef SHIPREADY_ROOT_H
#define SHIPREADY_ROOT_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "shipready/error.h"
#include "shipready/file.h"

#define SR_ROOT_MAX_LINKS 40   /* symlinks followed per lookup, as Linux (ELOOP) */
#define SR_ROOT_MAX_PATH 4096

struct sr_root_memo;
struct sr_vtree;

/* A root is a directory, or a tree held in memory (an image's layers, see
 * shipready/vtree.h).  Either way a place inside it is an int handle: a
 * directory descriptor, or the tree's node number; -1 is none. */
struct sr_root {
	int dirfd;       /* O_PATH descriptor of the root directory, or -1 (a tree) */
	char *dir;       /* the root as given (a tree: its name, e.g. the image's) */
	struct sr_root_memo *memo;   /* NULL: every lookup walks from the root */
	struct sr_vtree *tree;       /* the tree (borrowed: it outlives the root), or NULL */
};

enum sr_err sr_root_open(const char *dir, struct sr_root *root, struct sr_error *err);
/* A root over a tree in memory; name says what it is in messages. */
enum sr_err sr_root_open_tree(struct sr_vtree *tree, const char *name, struct sr_root *root, struct sr_error *err);
/* Is root open (either kind)?  A zeroed root with dirfd -1 is not. */
bool sr_root_is_open(const struct sr_root *root);
/* Closes the root and stops its memo. */
void sr_root_close(struct sr_root *root);
/* A device and inode naming the root itself (caches key on them). */
bool sr_root_identity(const struct sr_root *root, dev_t *dev, ino_t *ino);

/* From now on, lookups in root remember the directories (kept open, O_PATH)
 * and symlinks their walks pass through, by canonical path inside the root,
 * so a later walk through them costs no system call: for a caller that looks
 * up many paths in a root that does not change meanwhile (deps, a batch of
 * programs).  Bounded: past a fixed number of directories or entries,
 * walks go on as without it.  A copy of another caller's struct sr_root may
 * have its own memo: sr_root_memo_stop then leaves the root's descriptor
 * alone.  On failure (memory) lookups simply walk. */
void sr_root_memo_start(struct sr_root *root);
void sr_root_memo_stop(struct sr_root *root);

/* Resolve path inside root.  On success *parent_fd is an O_PATH descriptor
 * of the directory holding the final component (caller closes it), name
 * (NUL-terminated, at most SR_ROOT_MAX_PATH) is that component ("" when the
 * path is the root itself), and resolved (if not NULL) receives the
 * canonical absolute path inside the root, e.g. "/usr/lib/libc.so.6". */
enum sr_err sr_root_lookup(const struct sr_root *root, const char *path, int *parent_fd, char *name,
                           char *resolved, size_t resolved_size, struct sr_error *err);

/* A handle sr_root_lookup gave (not a borrowed one), let go of. */
void sr_root_release(const struct sr_root *root, int h);
/* lstat of name in the directory h (0, or -1 with errno). */
int sr_root_at_stat(const struct sr_root *root, int h, const char *name, struct stat *st);
/* Open the regular file name (not a symlink) in the directory h for
 * analysis; flags SR_FILE_STATED, SR_FILE_LAZY as sr_file_open_ex. */
enum sr_err sr_root_at_file_open(const struct sr_root *root, int h, const char *name, unsigned flags,
                                 struct sr_file *f, struct sr_error *err);

/* What sr_root_lookup_ex tells besides. */
struct sr_root_found {
	unsigned links;     /* symlinks followed: a caller going on from parent_fd keeps to SR_ROOT_MAX_LINKS */
	bool borrowed;      /* parent_fd is the memo's own (SR_ROOT_BORROW): do not close it */
	bool stated;        /* st is the final component's (lstat: not a symlink, which was followed) */
	struct stat st;
};

/* Flags of sr_root_lookup_ex. */
#define SR_ROOT_BORROW 0x1u   /* hand back the memo's descriptor itself rather than a copy */

/* The same, and found (if not NULL) receives the above. */
enum sr_err sr_root_lookup_ex(const struct sr_root *root, const char *path, int *parent_fd, char *name,
                              char *resolved, size_t resolved_size, unsigned flags, struct sr_root_found *found,
                              struct sr_error *err);

/* A directory inside a root, reached once by the confined walk and kept
 * open (O_PATH), so that each name in it is then one fstatat(): the
 * loader's search directories, asked for library after library. */
struct sr_root_dir {
	const struct sr_root *root;
	int fd;            /* its handle; -1: the directory does not exist inside the root (or is not one) */
	bool owned;        /* fd is this struct's own, not the root memo's */
	unsigned links;    /* symlinks the walk to it followed */
	char *real;        /* its canonical path inside the root (NULL when fd < 0) */
};

/* Reach the absolute path dir inside root and keep it (a missing directory
 * is kept too, with fd -1); NULL when out of memory.  sr_root_dir_free. */
struct sr_root_dir *sr_root_dir_open(const struct sr_root *root, const char *dir);
void sr_root_dir_free(struct sr_root_dir *d);

/* How sr_root_dir_lookup ended. */
enum sr_root_in {
	SR_ROOT_IN_FOUND,     /* *st is the file's (not a symlink), leaf its name in the directory */
	SR_ROOT_IN_MISSING,   /* no such file (or the directory is missing) */
	SR_ROOT_IN_WALK,      /* cannot be answered inside the directory: look the whole path up */
};

/* name (a plain last component) inside the kept directory d, as the
 * confined walk would resolve it: a symlink whose target is another plain
 * name in the same directory is followed here, counting the links taken to
 * reach d against SR_ROOT_MAX_LINKS; any other symlink is SR_ROOT_IN_WALK.
 * leaf has SR_ROOT_MAX_PATH + 1 bytes. */
enum sr_root_in sr_root_dir_lookup(const struct sr_root_dir *d, const char *name, struct stat *st, char *leaf);

/* Open leaf (as sr_root_dir_lookup found it) in d for analysis; flags as
 * sr_root_at_file_open. */
enum sr_err sr_root_dir_file_open(const struct sr_root_dir *d, const char *leaf, unsigned flags, struct sr_file *f,
                                  struct sr_error *err);

/* The names in a directory inside root (the final component not followed
 * if it is a symlink: it was resolved inside the root), at most max of
 * them, in name order, "." and ".." left out; NULL with err set when it is
 * not one.  sr_root_list_next gives them one by one (NULL after the last). */
struct sr_root_list;
struct sr_root_list *sr_root_list_open(const struct sr_root *root, const char *path, size_t max, struct sr_error *err);
const char *sr_root_list_next(struct sr_root_list *l);
void sr_root_list_close(struct sr_root_list *l);

/* lstat of path inside root, after the symlinks on the way (the final one
 * included: they are resolved inside the root); resolved (if not NULL, at
 * least SR_ROOT_MAX_PATH + 1 bytes) receives the canonical path inside it. */
enum sr_err sr_root_stat(const struct sr_root *root, const char *path, char *resolved, struct stat *st,
                         struct sr_error *err);

/* Up to cap bytes from the start (or offset off) of the regular file at
 * path inside root; the count read, or -1 when it is not a readable
 * regular file. */
long sr_root_read_head(const struct sr_root *root, const char *path, void *buf, size_t cap);
long sr_root_read_at(const struct sr_root *root, const char *path, uint64_t off, void *buf, size_t cap);

/* Open a file inside root for analysis (see sr_file_open). */
enum sr_err sr_root_file_open(const struct sr_root *root, const char *path, struct sr_file *f, char *resolved,
                              size_t resolved_size, struct sr_error *err);

#endif
