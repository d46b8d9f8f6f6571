/* The dynamic loader model: which file each DT_NEEDED resolves to, and why.
 *
 * glibc (elf/dl-load.c _dl_map_object, elf/dl-deps.c): objects are loaded
 * breadth-first from the program's DT_NEEDED.  A name already loaded (its
 * request name, its path or its SONAME) is reused.  A name with a '/' is
 * opened as is.  Otherwise the search is: DT_RPATH of the requesting object
 * and then of each object up its loader chain and of the program, all only
 * when the requesting object has no DT_RUNPATH; LD_LIBRARY_PATH; the
 * requesting object's own DT_RUNPATH; /etc/ld.so.cache; the default
 * directories (skipped with DF_1_NODEFLIB).  A candidate of another ELF
 * class or machine is skipped and the search goes on; a file already loaded
 * under another name (same device and inode) is reused.
 *
 * musl (ldso/dynlink.c load_library): LD_LIBRARY_PATH, then DT_RPATH or
 * DT_RUNPATH of the requester and up its chain, then the path file
 * /etc/ld-musl-ARCH.path or /lib:/usr/local/lib:/usr/lib; names of the C
 * library itself (libc, libm, libpthread, …) are the loader.
 *
 * All file access goes through the root (shipready/root.h).  The parts: deps_names.c, deps_target.c, deps_open.c, deps_search.c,
 * deps_versions.c; this file is the session and the walk. */
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
#include "util/path.h"

const char *sr_found_how_name(enum sr_found_how h)
{
	switch (h) {
	case SR_FOUND_LOADED: return "already loaded";
	case SR_FOUND_INTERP: return "interpreter";
	case SR_FOUND_DIRECT: return "path";
	case SR_FOUND_RPATH: return "RPATH";
	case SR_FOUND_ENV: return "LD_LIBRARY_PATH";
	case SR_FOUND_RUNPATH: return "RUNPATH";
	case SR_FOUND_CACHE: return "ld.so.cache";
	case SR_FOUND_DEFAULT: return "default path";
	case SR_FOUND_SELF: return "C library (musl)";
	default: return "not found";
	}
}

static void load_cache(struct ctx *c, uint32_t flags)
{
	struct sr_deps_session *ss = c->ss;
	struct sr_error e = { 0 };
	c->cache_flags = sr_ldcache_flags_for(c->elf_class, c->machine, flags);
	if (!ss->cache_tried) {
		ss->cache_tried = true;
		/* searched in place as ld.so searches it (binary search, nothing
		 * decoded): the file stays open for the session */
		if (sr_root_file_open(ss->root, "/etc/ld.so.cache", &ss->cache_file, NULL, 0, &e) == SR_OK) {
			if (sr_ldcache_open(&ss->cache_file.r, &ss->cache, &e) == SR_OK) {
				ss->cache_file_open = true;
			} else {
				ss->cache = NULL;
				sr_file_close(&ss->cache_file);
			}
		}
	}
	if (ss->cache) {
		c->d->cache = "/etc/ld.so.cache";
		return;
	}
	/* No cache: ld.so would search only the default directories.  An image
	 * normally gets its cache from ldconfig, whose directories come from
	 * ld.so.conf: use them, and say so. */
	if (!ss->conf_tried) {
		ss->conf_tried = true;
		if (sr_ldconf_load(ss->root, "/etc/ld.so.conf", &ss->conf_dirs, &ss->nconf_dirs, &e) != SR_OK) {
			ss->conf_dirs = NULL;
			ss->nconf_dirs = 0;
		}
	}
	if (ss->nconf_dirs > 0) {
		c->no_cache_conf = true;
		deps_warn(c, "no /etc/ld.so.cache in the root: directories from /etc/ld.so.conf are searched as "
		        "ldconfig would cache them");
	} else {
		deps_warn(c, "no usable /etc/ld.so.cache in the root: only the default directories are searched");
	}
}

/* The minor version of the root's glibc (2.N), from the version
 * definitions of the libc.so.6 the loader would find; -1 if unknown. */
static int root_glibc_minor(struct ctx *c)
{
	const char *p = NULL;
	if (c->ss->cache)
		p = deps_cache_lookup(c, "libc.so.6", deps_name_key("libc.so.6"), NULL);
	struct opened o;
	char buf[SR_ROOT_MAX_PATH + 1];
	for (size_t i = 0; !p && i < c->d->default_dirs.count; i++) {
		snprintf(buf, sizeof buf, "%s/libc.so.6", c->d->default_dirs.items[i]);
		if (deps_open_candidate(c, buf, &o, true) == CAND_OK)
			p = buf;
	}
	if (!p || deps_open_candidate(c, p, &o, true) != CAND_OK)
		return -1;
	int best = -1;
	for (size_t i = 0; i < o.elf->verdef_count; i++) {
		const char *n = o.elf->verdef[i].name;
		if (strncmp(n, "GLIBC_2.", 8) == 0) {
			int v = atoi(n + 8);
			if (v > best)
				best = v;
		}
	}
	return best;
}

enum sr_err sr_deps_session_new(const struct sr_deps_opts *opts, struct sr_deps_session **out, struct sr_error *err)
{
	*out = NULL;
	struct sr_deps_session *ss = calloc(1, sizeof *ss);
	if (!ss)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	ss->host.dirfd = -1;
	if (!(ss->keys = sr_arena_new())) {
		free(ss);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	sr_map_init(&ss->paths, ss->keys, SMAP_MAX);
	sr_map_init(&ss->dirs, ss->keys, SMAP_MAX);
	for (size_t i = 0; i < CACHE_FLAGS_MAX; i++)
		sr_map_init(&ss->cache_answers[i].map, ss->keys, SMAP_MAX);
	sr_map_init(&ss->elf_of_file, ss->keys, 0);
	sr_map_init(&ss->vok, ss->keys, (size_t)1 << 21);
	if (opts)
		ss->opts = *opts;
	if (ss->opts.cpu) {   /* kept by value: the caller's may go */
		ss->cpu = *ss->opts.cpu;
		ss->nhwcaps = sr_cpu_hwcaps(&ss->cpu, ss->hwcaps);
		ss->cpu_known = true;
		ss->opts.cpu = NULL;
	}
	if (ss->opts.root) {
		/* the caller's root with this session's memo of its walks */
		ss->view = *ss->opts.root;
		ss->view.memo = NULL;
		sr_root_memo_start(&ss->view);
		ss->root = &ss->view;
	} else {
		enum sr_err rc = sr_root_open("/", &ss->host, err);
		if (rc != SR_OK) {
			sr_deps_session_free(ss);
			return rc;
		}
		sr_root_memo_start(&ss->host);
		ss->root = &ss->host;
		char cwd[SR_ROOT_MAX_PATH];
		if (!getcwd(cwd, sizeof cwd) || !(ss->cwd = strdup(cwd))) {
			sr_deps_session_free(ss);
			return sr_error_set(err, SR_E_IO, "cannot get the working directory");
		}
	}
	if (ss->opts.root && ss->opts.program_on_host) {
		char cwd[SR_ROOT_MAX_PATH];
		if (!getcwd(cwd, sizeof cwd) || !(ss->host_cwd = strdup(cwd))) {
			sr_deps_session_free(ss);
			return sr_error_set(err, SR_E_IO, "cannot get the working directory");
		}
	}
	*out = ss;
	return SR_OK;
}

void sr_deps_session_free(struct sr_deps_session *ss)
{
	if (!ss)
		return;
	for (size_t i = 0; i < ss->nelfs; i++)
		if (!ss->elfs[i].borrowed)
			sr_elf_free(ss->elfs[i].elf);
	free(ss->elfs);
	sr_map_free(&ss->elf_of_file, NULL);
	sr_map_free(&ss->vok, NULL);
	sr_map_free(&ss->paths, free);
	sr_map_free(&ss->dirs, deps_dir_info_free);
	for (size_t i = 0; i < CACHE_FLAGS_MAX; i++)
		sr_map_free(&ss->cache_answers[i].map, free);
	sr_arena_free(ss->keys);
	if (ss->cache)
		sr_ldcache_free(ss->cache);
	if (ss->cache_file_open)
		sr_file_close(&ss->cache_file);
	if (ss->conf_dirs)
		sr_ldconf_free(ss->conf_dirs, ss->nconf_dirs);
	if (ss->host.dirfd >= 0)
		sr_root_close(&ss->host);
	sr_root_memo_stop(&ss->view);
	free(ss->cwd);
	free(ss->host_cwd);
	free(ss);
}

/* The program itself gets the ordinary file errors (not the loader's). */
static enum sr_err open_host_program(struct ctx *c, const char *path, struct opened *o, struct sr_file *f,
                                     struct sr_error *err)
{
	/* f NULL: the program is parsed already; only its place and identity are wanted */
	/* The file is the host's; where it would sit inside the root is its
	 * absolute path, lexically (no symlink of the host is resolved: the
	 * root decides what its directories are). */
	char abs[SR_ROOT_MAX_PATH + 1];
	if (path[0] == '/')
		deps_cat3(abs, sizeof abs, path, "", "");
	else if (deps_cat3(abs, sizeof abs, c->ss->host_cwd, "/", path) > SR_ROOT_MAX_PATH)
		return sr_error_set(err, SR_E_TOO_BIG, "path too long");
	/* "." and ".." components and repeated slashes out */
	char norm[SR_ROOT_MAX_PATH + 2];
	size_t n = sr_path_clean(abs, norm);
	memcpy(o->real, norm, n + 1);
	enum sr_err rc = f ? sr_file_open_ex(AT_FDCWD, path, SR_FILE_FOLLOW | SR_FILE_LAZY, f, err) : SR_OK;
	if (rc != SR_OK)
		return rc;
	struct stat st;
	if (stat(path, &st) == 0) {
		o->dev = st.st_dev;
		o->ino = st.st_ino;
		o->mode = st.st_mode;
	}
	return SR_OK;
}

/* The program's place and identity, and its parse: given (a caller's
 * analysis, not opened again) or read here. */
static enum sr_err open_program(struct ctx *c, const char *path, struct sr_elf *given, bool *lent, struct opened *o,
                                struct sr_error *err)
{
	char lookup[SR_ROOT_MAX_PATH + 1];
	if (c->cwd && path[0] != '/')
		deps_cat3(lookup, sizeof lookup, c->cwd, "/", path);
	else
		deps_cat3(lookup, sizeof lookup, path, "", "");
	deps_opened_reset(o);
	int dirfd;
	char name[SR_ROOT_MAX_PATH + 1];
	struct sr_file f;
	struct stat st;
	enum sr_err rc;
	/* A regular file in a directory already reached (inputs are often
	 * many files of one directory): no walk.  Anything else takes the
	 * walk, which also gives the errors. */
	char dir[SR_ROOT_MAX_PATH + 1];
	const char *base;
	const struct sr_root_dir *di;
	if (c->ss->host_cwd) {
		rc = open_host_program(c, path, o, given ? NULL : &f, err);
		if (rc != SR_OK)
			return rc;
	} else if (lookup[0] == '/' && deps_split_path(lookup, dir, &base) && (di = deps_dir_lookup(c->ss, NULL, dir)) != NULL &&
	    sr_root_dir_lookup(di, base, &st, name) == SR_ROOT_IN_FOUND && S_ISREG(st.st_mode) &&
	    deps_cat3(o->real, sizeof o->real, di->real, strcmp(di->real, "/") ? "/" : "", name) < sizeof o->real) {
		o->dev = st.st_dev;
		o->ino = st.st_ino;
		o->mode = st.st_mode;
		rc = given ? SR_OK : sr_root_dir_file_open(di, name, SR_FILE_STATED | SR_FILE_LAZY, &f, err);
		if (rc != SR_OK)
			return rc;
	} else {
		struct sr_root_found rf;
		rc = sr_root_lookup_ex(c->root, lookup, &dirfd, name, o->real, sizeof o->real, SR_ROOT_BORROW, &rf, err);
		if (rc != SR_OK)
			return rc;
		if (!name[0]) {
			if (!rf.borrowed)
				sr_root_release(c->root, dirfd);
			return sr_error_set(err, SR_E_ISDIR, "is a directory");
		}
		if (!rf.stated && given && sr_root_at_stat(c->root, dirfd, name, &rf.st) == 0)
			rf.stated = true;
		if (rf.stated) {
			o->dev = rf.st.st_dev;
			o->ino = rf.st.st_ino;
			o->mode = rf.st.st_mode;
		}
		rc = given ? SR_OK : sr_root_at_file_open(c->root, dirfd, name, SR_FILE_LAZY, &f, err);
		if (!rf.borrowed)
			sr_root_release(c->root, dirfd);
		if (rc != SR_OK)
			return rc;
	}
	if (given) {
		/* the caller's parse, kept (not owned) so a DT_NEEDED naming it finds it */
		o->elf = given;
		if ((given->has_interp && !given->soname) || deps_session_elf(c->ss, o->dev, o->ino))
			return SR_OK;
		if (!deps_session_keep(c->ss, o->dev, o->ino, given, true))
			return sr_error_set(err, SR_E_NOMEM, NULL);
		*lent = true;
		return SR_OK;
	}
	o->elf = deps_session_elf(c->ss, o->dev, o->ino);
	if (o->elf) {
		sr_file_close(&f);
		return SR_OK;
	}
	if (!sr_elf_is_elf(&f.r)) {
		/* the loader models are ELF's; say what a PE or Mach-O file gets instead */
		bool pe = sr_pe_is_pe(&f.r), macho = sr_macho_is_macho(&f.r);
		sr_file_close(&f);
		if (pe)
			return sr_error_set(err, SR_E_UNSUPPORTED, "a PE file: deps resolves ELF libraries only (not yet "
			                    "the Windows DLL search); `shipready inspect` lists its DLLs and what must ship");
		if (macho)
			return sr_error_set(err, SR_E_UNSUPPORTED, "a Mach-O file: deps resolves ELF libraries only (not "
			                    "yet dyld's search); `shipready inspect` lists its dylibs and rpaths");
		return sr_error_set(err, SR_E_NOT_BINARY, "not an ELF file");
	}
	rc = sr_elf_parse_ex(&f.r, SR_ELF_LOADER_ONLY, &o->elf, err);
	sr_file_close(&f);
	if (rc != SR_OK)
		return rc;
	/* A program with an interpreter and no SONAME is not what a DT_NEEDED
	 * names: it belongs to this result alone, and a batch of programs does
	 * not keep them all (should one be needed after all, it is read again). */
	if (o->elf->has_interp && !o->elf->soname) {
		c->d->priv->own_elf = o->elf;
		return SR_OK;
	}
	if (!deps_session_keep(c->ss, o->dev, o->ino, o->elf, false)) {
		sr_elf_free(o->elf);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	return SR_OK;
}

static enum sr_err resolve_program(struct sr_deps_session *ss, const char *path, struct sr_elf *given, bool *lent,
                                   struct sr_deps **out, struct sr_error *err)
{
	*out = NULL;
	struct sr_arena *a = sr_arena_new();
	struct sr_deps *d = a ? sr_arena_alloc(a, sizeof *d) : NULL;
	struct sr_deps_priv *priv = d ? sr_arena_alloc(a, sizeof *priv) : NULL;
	struct ctx *c = malloc(sizeof *c);
	if (c)
		memset(c, 0, sizeof *c);
	if (!a || !d || !priv || !c) {
		free(c);
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	priv->arena = a;
	d->priv = priv;
	c->ss = ss;
	c->d = d;
	c->a = a;
	c->root = ss->root;
	c->opts = &ss->opts;
	c->cwd = ss->cwd;
	c->interp.obj = SR_DEPS_NONE;
	c->glibc_minor = -1;

	struct opened o;
	enum sr_err rc = open_program(c, path, given, lent, &o, err);
	if (rc != SR_OK)
		goto fail;
	c->elf_class = o.elf->elf_class;
	c->machine = o.elf->machine;
	c->big_endian = o.elf->big_endian;
	c->secure = (o.mode & (S_ISUID | S_ISGID)) != 0;
	c->platform = deps_platform_of(c->machine, c->elf_class, c->big_endian);
	uint32_t eflags = o.elf->flags;
	bool is_library = o.elf->kind == SR_ELF_KIND_SHARED && !o.elf->has_interp;
	const char *interp = o.elf->interpreter;
	if (!interp && is_library) {
		interp = sr_libc_glibc_interpreter(c->machine, c->elf_class, eflags, c->big_endian);
		d->interp_is_default = interp != NULL;
	}
	bool dynamic = o.elf->has_dynamic && (o.elf->has_interp || is_library);
	if (interp) {
		const char *b = strrchr(interp, '/');
		b = b ? b + 1 : interp;
		if (sr_libc_of_interpreter(interp, NULL) == SR_LIBC_MUSL && strncmp(b, "ld-musl-", 8) == 0) {
			/* ld-musl-ARCH.so.1: ARCH names its path file (/etc/ld-musl-ARCH.path) */
			d->loader_kind = SR_LOADER_MUSL;
			const char *dot = strstr(b + 8, ".so");
			c->musl_arch = dot ? sr_arena_strndup(a, b + 8, (size_t)(dot - (b + 8))) : NULL;
		}
	}
	d->interp = deps_adup(c, interp);
	if (deps_add_object(c, path, deps_name_key(path), false, path, &o, SR_DEPS_NONE) != 0) {
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
		goto fail;
	}
	if (!dynamic)
		goto done;   /* static: nothing to load */

	if (d->loader_kind == SR_LOADER_MUSL)
		deps_musl_path(c);
	else
		deps_set_defaults(c, eflags);
	if (d->loader_kind == SR_LOADER_GLIBC) {
		load_cache(c, eflags);
		/* it depends only on the target machine: once per session */
		if (!ss->glibc_known || ss->glibc_machine != c->machine || ss->glibc_class != c->elf_class) {
			ss->glibc_minor = root_glibc_minor(c);
			ss->glibc_known = true;
			ss->glibc_machine = c->machine;
			ss->glibc_class = c->elf_class;
		}
		c->glibc_minor = ss->glibc_minor;
	}

	/* The interpreter is loaded before any DT_NEEDED (it answers to its
	 * path and its SONAME).  A missing one is what the kernel reports as
	 * "No such file or directory" when the program is started. */
	if (interp) {
		struct opened io;
		enum cand r = deps_open_candidate(c, interp, &io, true);
		if (r == CAND_OK) {
			c->interp.ok = true;
			c->interp.path = d->interp;
			c->interp.elf = io.elf;
			c->interp.dev = io.dev;
			c->interp.ino = io.ino;
			c->interp.real = io.stable_real ? io.stable_real : deps_adup(c, io.real);
		} else {
			d->interp_missing = true;
			if (!d->interp_is_default)
				d->error_count++;
			if (r == CAND_OTHER_CLASS)
				deps_warn(c, "the interpreter is for another ELF class or machine");
		}
	}

	/* Breadth-first, as _dl_map_object_deps: the program's needs, then each
	 * loaded object's needs in load order. */
	for (size_t i = 0; i < d->object_count; i++) {
		if (d->objects[i].is_interp && i != 0)
			continue;   /* the loader's own needs are not searched */
		const struct sr_elf *el = d->objects[i].elf;
		size_t first = d->edge_count;
		for (size_t k = 0; k < el->needed.count; k++)
			deps_resolve_one(c, i, el->needed.items[k]);
		d->priv->op[i].edge_first = first;   /* op may have moved: set after */
		d->priv->op[i].edge_end = d->edge_count;
		if (d->object_count >= SR_DEPS_MAX_OBJECTS) {
			deps_warn(c, "too many objects; the resolution was cut");
			break;
		}
	}
	deps_check_versions(c);
done:
	d->error_count += d->missing_count;
	deps_names_free(c);
	free(c);
	*out = d;
	return SR_OK;
fail:
	deps_names_free(c);
	free(c);
	sr_elf_free(priv->own_elf);
	sr_arena_free(a);
	return rc;
}

enum sr_err sr_deps_session_resolve(struct sr_deps_session *ss, const char *path, struct sr_deps **out,
                                    struct sr_error *err)
{
	bool lent = false;
	return resolve_program(ss, path, NULL, &lent, out, err);
}

enum sr_err sr_deps_session_resolve_parsed(struct sr_deps_session *ss, const char *path, const struct sr_elf *elf,
                                           bool *kept, struct sr_deps **out, struct sr_error *err)
{
	/* the loader model only reads a parse: the one cast that lets the
	 * session hold the caller's next to its own (marked borrowed) */
	*kept = false;
	return resolve_program(ss, path, (struct sr_elf *)elf, kept, out, err);
}

enum sr_err sr_deps_resolve(const char *path, const struct sr_deps_opts *opts, struct sr_deps **out,
                            struct sr_error *err)
{
	struct sr_deps_session *ss;
	enum sr_err rc = sr_deps_session_new(opts, &ss, err);
	if (rc != SR_OK)
		return rc;
	rc = sr_deps_session_resolve(ss, path, out, err);
	if (rc != SR_OK) {
		sr_deps_session_free(ss);
		return rc;
	}
	(*out)->priv->own_session = ss;
	return SR_OK;
}

void sr_deps_free(struct sr_deps *d)
{
	if (!d)
		return;
	struct sr_deps_session *own = d->priv->own_session;
	sr_elf_free(d->priv->own_elf);
	sr_arena_free(d->priv->arena);   /* the other parsed files belong to the session */
	sr_deps_session_free(own);
}
