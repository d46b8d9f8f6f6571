/* shipready — opening candidates: the session's parsed files (by device and inode), its directory cache, the objects loaded. */
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

/* The parsed files of a session, found by (device, inode): a batch of
 * programs loads the same few hundred libraries again and again. */
struct file_id {
	uint64_t dev, ino;
};

struct sr_elf *deps_session_elf(struct sr_deps_session *ss, dev_t dev, ino_t ino)
{
	struct file_id id = { dev, ino };
	const struct sr_map_slot *e = sr_map_find(&ss->elf_of_file, &id, sizeof id);
	return e ? e->val : NULL;
}

bool deps_session_keep(struct sr_deps_session *ss, dev_t dev, ino_t ino, struct sr_elf *elf, bool borrowed)
{
	if (ss->nelfs == ss->capelfs) {
		size_t ncap = ss->capelfs ? ss->capelfs * 2 : 16;
		struct elf_entry *n = ncap <= SIZE_MAX / sizeof *n ? realloc(ss->elfs, ncap * sizeof *n) : NULL;
		if (!n)
			return false;
		ss->elfs = n;
		ss->capelfs = ncap;
	}
	struct file_id id = { dev, ino };
	bool fresh;
	struct sr_map_slot *e = sr_map_add(&ss->elf_of_file, &id, sizeof id, &fresh);
	if (!e || !fresh)
		return false;
	e->val = elf;
	ss->elfs[ss->nelfs++] = (struct elf_entry){ dev, ino, elf, borrowed };
	return true;
}

/* Split an absolute path into its directory and last component (in dir,
 * SR_ROOT_MAX_PATH + 1 bytes); false when there is no plain last component. */
bool deps_split_path(const char *path, char *dir, const char **base)
{
	const char *slash = strrchr(path, '/');
	if (!slash || !slash[1] || (size_t)(slash - path) > SR_ROOT_MAX_PATH)
		return false;
	size_t dl = slash == path ? 1 : (size_t)(slash - path);
	memcpy(dir, path, dl);
	dir[dl] = '\0';
	*base = slash + 1;
	return true;
}

/* Resolve path inside the root once per session: found or missing,
 * identity, type and canonical path.  The answer lives in the session, or,
 * when the table is full, in *tmp and tmp_real (SR_ROOT_MAX_PATH + 1).  The
 * path's directory is reached through the kept directories when it can be
 * (the same walk, done once per directory), else the whole path is walked.
 * *stated (when not NULL) tells whether the answer was found just now
 * rather than remembered. */
const struct path_info *deps_path_lookup(struct sr_deps_session *ss, const char *path, struct path_info *tmp,
                                         char *tmp_real, bool *stated)
{
	bool fresh;
	void **slot = deps_memo_slot(&ss->paths, path, deps_name_key(path), &fresh);
	if (stated)
		*stated = false;
	if (slot && !fresh && *slot)
		return *slot;
	if (stated)
		*stated = true;
	memset(tmp, 0, sizeof *tmp);
	struct stat st;
	char leaf[SR_ROOT_MAX_PATH + 1];
	char dir[SR_ROOT_MAX_PATH + 1];
	const char *base;
	enum sr_root_in how = SR_ROOT_IN_WALK;
	const struct sr_root_dir *di = NULL;
	if (path[0] == '/' && deps_split_path(path, dir, &base) && (di = deps_dir_lookup(ss, NULL, dir)) != NULL)
		how = sr_root_dir_lookup(di, base, &st, leaf);
	if (how == SR_ROOT_IN_FOUND) {
		if (deps_cat3(tmp_real, SR_ROOT_MAX_PATH + 1, di->real, strcmp(di->real, "/") ? "/" : "", leaf) >
		    SR_ROOT_MAX_PATH)
			how = SR_ROOT_IN_WALK;
	}
	if (how == SR_ROOT_IN_FOUND) {
		tmp->found = true;
		tmp->dir = di;
	} else if (how == SR_ROOT_IN_WALK) {
		char name[SR_ROOT_MAX_PATH + 1];
		struct sr_error e = { 0 };
		int dirfd;
		struct sr_root_found rf;
		if (sr_root_lookup_ex(ss->root, path, &dirfd, name, tmp_real, SR_ROOT_MAX_PATH + 1, SR_ROOT_BORROW, &rf,
		                      &e) == SR_OK) {
			tmp->found = name[0] && rf.stated;
			st = rf.st;
			if (!rf.borrowed)
				sr_root_release(ss->root, dirfd);
		}
	}
	if (tmp->found) {
		tmp->dev = st.st_dev;
		tmp->ino = st.st_ino;
		tmp->mode = st.st_mode;
	}
	tmp->real = tmp->found ? tmp_real : NULL;
	if (!slot) {
		tmp->dir = NULL;   /* no room to keep the leaf: the caller walks */
		return tmp;
	}
	/* keep a copy in the session */
	size_t rl = tmp->found ? strlen(tmp_real) + 1 : 0;
	size_t ll = tmp->dir ? strlen(leaf) + 1 : 0;
	struct path_info *kept = malloc(sizeof *kept + rl + ll);
	if (!kept) {
		tmp->dir = NULL;
		return tmp;   /* the key stays with a NULL value: asked again next time */
	}
	*kept = *tmp;
	if (rl) {
		kept->real = (char *)(kept + 1);
		memcpy(kept->real, tmp_real, rl);
	}
	if (ll) {
		kept->leaf = (char *)(kept + 1) + rl;
		memcpy(kept->leaf, leaf, ll);
	}
	*slot = kept;
	return kept;
}



/* A fresh struct opened (without clearing its 4 KiB path buffer). */
void deps_opened_reset(struct opened *o)
{
	o->elf = NULL;
	o->other_class = 0;
	o->real[0] = '\0';
	o->stable_real = NULL;
	o->dev = 0;
	o->ino = 0;
	o->mode = 0;
	o->why = NULL;
}

/* Load the ELF of a candidate found at o->real/dev/ino (parsed once per
 * session), and check its class and machine.  dirfd/name locate it when the
 * caller has them (stated: it has just found name a regular file there);
 * otherwise path is walked again. */
static enum cand load_found(struct ctx *c, int dirfd, const char *name, bool stated, const char *path,
                            struct opened *o, bool check_class)
{
	struct sr_error e = { 0 };
	o->elf = deps_session_elf(c->ss, o->dev, o->ino);
	if (!o->elf) {
		char walked[SR_ROOT_MAX_PATH + 1];
		int own = -1;
		struct sr_root_found rf = { .borrowed = true };
		if (dirfd < 0) {
			/* first time this file is needed: the walk again, once */
			if (sr_root_lookup_ex(c->root, path, &own, walked, NULL, 0, SR_ROOT_BORROW, &rf, &e) != SR_OK ||
			    !walked[0]) {
				if (own >= 0 && !rf.borrowed)
					sr_root_release(c->root, own);
				return CAND_MISSING;
			}
			dirfd = own;
			name = walked;
		}
		struct sr_file f;
		/* lazily: the loader model reads a few small tables of each file */
		enum sr_err rc = sr_root_at_file_open(c->root, dirfd, name,
		                                      SR_FILE_LAZY | (stated && own < 0 ? SR_FILE_STATED : 0), &f, &e);
		if (own >= 0 && !rf.borrowed)
			sr_root_release(c->root, own);
		if (rc != SR_OK) {
			o->why = rc == SR_E_ACCESS ? "cannot open shared object file: Permission denied"
			       : rc == SR_E_EMPTY ? "file too short" : "cannot read file data";
			return CAND_INVALID;
		}
		if (!sr_elf_is_elf(&f.r)) {
			o->why = f.r.len < 64 ? "file too short" : "invalid ELF header";
			sr_file_close(&f);
			return CAND_INVALID;
		}
		/* the loader model needs headers, dynamic section and versions only */
		rc = sr_elf_parse_ex(&f.r, SR_ELF_LOADER_ONLY, &o->elf, &e);
		sr_file_close(&f);
		if (rc != SR_OK) {
			o->why = deps_adup(c, sr_error_message(&e));
			return CAND_INVALID;
		}
		if (!deps_session_keep(c->ss, o->dev, o->ino, o->elf, false)) {
			sr_elf_free(o->elf);
			o->elf = NULL;
			o->why = "out of memory";
			return CAND_INVALID;
		}
	}
	if (check_class && (o->elf->elf_class != c->elf_class || o->elf->machine != c->machine ||
	                    o->elf->big_endian != c->big_endian)) {
		o->other_class = o->elf->elf_class != c->elf_class ? o->elf->elf_class : 0;
		o->elf = NULL;   /* stays in the session */
		return CAND_OTHER_CLASS;
	}
	return CAND_OK;
}

/* Relative paths are from the working directory on the host, as the
 * loader's open(); out has SR_ROOT_MAX_PATH + 1 bytes.  NULL if too long. */
const char *deps_absolute(struct ctx *c, const char *path, char *out)
{
	if (path[0] == '/' || !c->cwd)
		return path;
	if (deps_cat3(out, SR_ROOT_MAX_PATH + 1, c->cwd, "/", path) > SR_ROOT_MAX_PATH)
		return NULL;
	return out;
}

/* The real path of what was opened. */
static const char *opened_real(const struct opened *o)
{
	return o->stable_real ? o->stable_real : o->real;
}

/* Open the candidate path.  memo (when not NULL): where the session's
 * path_lookup answer for this path is remembered, so the next time needs no
 * lookup. */
enum cand deps_open_candidate_memo(struct ctx *c, const char *path, const struct path_info **memo, struct opened *o,
                                   bool check_class)
{
	deps_opened_reset(o);
	char abs[SR_ROOT_MAX_PATH + 1];
	if (!(path = deps_absolute(c, path, abs)))
		return CAND_MISSING;
	struct path_info tmp;
	bool stated = false;
	const struct path_info *pi = memo ? *memo : NULL;
	if (!pi) {
		pi = deps_path_lookup(c->ss, path, &tmp, o->real, &stated);
		if (memo && pi != &tmp)
			*memo = pi;   /* kept by the session */
	}
	if (!pi->found || !S_ISREG(pi->mode))
		return CAND_MISSING;   /* ld.so's open() of a directory fails the same way */
	if (pi != &tmp)
		o->stable_real = pi->real;   /* the session's */
	else if (pi->real != o->real)
		deps_cat3(o->real, sizeof o->real, pi->real, "", "");
	o->dev = pi->dev;
	o->ino = pi->ino;
	o->mode = pi->mode;
	/* a remembered answer may be from an earlier input: then the file is
	 * stated again before it is opened */
	if (pi->dir && pi->leaf)
		return load_found(c, pi->dir->fd, pi->leaf, stated, path, o, check_class);
	return load_found(c, -1, NULL, false, path, o, check_class);
}

enum cand deps_open_candidate(struct ctx *c, const char *path, struct opened *o, bool check_class)
{
	return deps_open_candidate_memo(c, path, NULL, o, check_class);
}

void deps_dir_info_free(void *v)
{
	sr_root_dir_free(v);
}

/* The search directory dir, kept by the root (sr_root_dir_open) once per
 * session.  NULL when it cannot be kept (table or descriptor limit): walk
 * instead.  A relative dir is taken from cwd (the host's working directory). */
const struct sr_root_dir *deps_dir_lookup(struct sr_deps_session *ss, const char *cwd, const char *dir)
{
	char abs[SR_ROOT_MAX_PATH + 1];
	if (dir[0] != '/' && cwd) {
		if (deps_cat3(abs, sizeof abs, cwd, "/", dir) > SR_ROOT_MAX_PATH)
			return NULL;
		dir = abs;
	}
	bool fresh;
	void **slot = deps_memo_slot(&ss->dirs, dir, deps_name_key(dir), &fresh);
	if (!slot)
		return NULL;
	if (!fresh && *slot)
		return *slot;
	if (ss->dir_fds >= DIR_FDS_MAX)
		return NULL;
	struct sr_root_dir *di = sr_root_dir_open(ss->root, dir);
	if (!di)
		return NULL;
	ss->dir_fds += di->owned;
	*slot = di;
	return di;
}

/* dir/name for a search directory: one fstatat() relative to the kept
 * directory; a symlink (or anything the shortcut cannot answer) takes the
 * full confined walk of path. */
enum cand deps_open_in_dir(struct ctx *c, const char *dir, const char *name, const char *path,
                           struct opened *o)
{
	const struct sr_root_dir *di = strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")
	                            ? NULL : deps_dir_lookup(c->ss, c->cwd, dir);
	if (!di)
		return deps_open_candidate(c, path, o, true);
	deps_opened_reset(o);
	struct stat st;
	char leaf[SR_ROOT_MAX_PATH + 1];
	enum sr_root_in how = sr_root_dir_lookup(di, name, &st, leaf);
	if (how == SR_ROOT_IN_MISSING)
		return CAND_MISSING;
	if (how == SR_ROOT_IN_WALK)
		return deps_open_candidate(c, path, o, true);
	if (!S_ISREG(st.st_mode))
		return CAND_MISSING;
	if (deps_cat3(o->real, sizeof o->real, di->real, strcmp(di->real, "/") ? "/" : "", leaf) >= sizeof o->real)
		return CAND_MISSING;
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	o->mode = st.st_mode;
	return load_found(c, di->fd, leaf, true, path, o, true);
}

/* name_stable: name lives as long as the result (a DT_NEEDED string of a
 * parsed file) and is kept without a copy; key is its name_key. */
size_t deps_add_object(struct ctx *c, const char *name, uint32_t key, bool name_stable, const char *path,
                       struct opened *o, size_t loader)
{
	struct sr_deps *d = c->d;
	/* objects and their private parts grow together */
	size_t cap = c->cap_objects, pcap = c->cap_objects;
	struct sr_dep_object *n = sr_arena_grow(c->a, d->objects, d->object_count, &cap, sizeof *n, SR_DEPS_MAX_OBJECTS);
	struct obj_priv *np = sr_arena_grow(c->a, d->priv->op, d->object_count, &pcap, sizeof *np, SR_DEPS_MAX_OBJECTS);
	if (!n || !np)
		return SR_DEPS_NONE;
	d->objects = n;
	d->priv->op = np;
	c->cap_objects = cap;
	size_t i = d->object_count++;
	struct sr_dep_object *ob = &d->objects[i];
	struct obj_priv *p = &d->priv->op[i];
	memset(ob, 0, sizeof *ob);
	memset(p, 0, sizeof *p);
	ob->name = name_stable ? name : deps_adup(c, name);
	ob->path = strcmp(path, name) == 0 ? ob->name : deps_adup(c, path);
	ob->real = o->stable_real ? o->stable_real : deps_adup(c, o->real);
	ob->elf = o->elf;
	ob->loader = loader;
	ob->depth = loader == SR_DEPS_NONE ? 0 : d->objects[loader].depth + 1;
	p->dev = o->dev;
	p->ino = o->ino;
	p->has_runpath = o->elf->runpath.count > 0;
	/* $ORIGIN: the program's canonical directory (ld.so reads /proc/self/exe);
	 * for a library, the directory of the path it was opened as. */
	p->origin = deps_dirname_of(c, i == 0 ? opened_real(o) : path);
	ob->origin = p->origin;
	/* the copies above, and the SONAME in the parsed file (the session's,
	 * or this result's own program): all outlive the result's names */
	if (ob->name)
		deps_add_name_key(c, i, ob->name, key, true);
	if (ob->path != ob->name)
		deps_add_name_as(c, i, ob->path, true);
	if (o->elf->soname && (!ob->name || strcmp(o->elf->soname, ob->name) != 0))
		deps_add_name_as(c, i, o->elf->soname, true);
	return i;
}

/* Make the interpreter an object (the first time something needs it). */
size_t deps_interp_object(struct ctx *c)
{
	struct interp_slot *in = &c->interp;
	if (in->obj != SR_DEPS_NONE)
		return in->obj;
	struct opened o;
	deps_opened_reset(&o);
	o.elf = in->elf;
	o.dev = in->dev;
	o.ino = in->ino;
	o.stable_real = in->real ? in->real : "";   /* in the result's arena */
	in->elf = NULL;
	size_t i = in->path ? deps_add_object(c, in->path, deps_name_key(in->path), true, in->path, &o, SR_DEPS_NONE)
	                    : SR_DEPS_NONE;
	if (i != SR_DEPS_NONE) {
		c->d->objects[i].is_interp = true;
		c->d->interp_loaded = true;
	}
	in->obj = i;
	return i;
}

/* The object already loaded that answers to name (whose name_key is key). */
size_t deps_find_loaded(struct ctx *c, const char *name, uint32_t key)
{
	struct sr_deps *d = c->d;
	if (!c->names_lost) {
		/* the first object (lowest index) with that name, as the scan below */
		const struct sr_map_slot *e = sr_map_find_h(&c->names, name, strlen(name), key);
		if (e)
			return (size_t)(uintptr_t)e->val - 1;
	} else {
		for (size_t i = 0; i < d->object_count; i++) {
			struct obj_priv *p = &d->priv->op[i];
			const struct obj_name *names = deps_obj_names(p);
			for (size_t j = 0; j < p->nnames; j++)
				if (names[j].key == key && strcmp(names[j].s, name) == 0)
					return i;
		}
	}
	struct interp_slot *in = &c->interp;
	if (in->ok && in->obj == SR_DEPS_NONE &&
	    (strcmp(name, in->path) == 0 || (in->elf->soname && strcmp(name, in->elf->soname) == 0)))
		return deps_interp_object(c);
	return SR_DEPS_NONE;
}

size_t deps_find_file(struct ctx *c, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < c->d->object_count; i++)
		if (c->d->priv->op[i].dev == dev && c->d->priv->op[i].ino == ino)
			return i;
	if (c->interp.ok && c->interp.obj == SR_DEPS_NONE && c->interp.dev == dev && c->interp.ino == ino)
		return deps_interp_object(c);
	return SR_DEPS_NONE;
}
