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
 * All file access goes through the root (shipready/root.h). */
#define _GNU_SOURCE 1   /* O_PATH */
#include "shipready/deps.h"
#include "shipready/macho.h"
#include "shipready/pe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/file.h"
#include "shipready/ldcache.h"
#include "loader/cpu.h"
#include "util/arena.h"
#include "util/block.h"

#define EM_386 3
#define EM_MIPS 8
#define EM_PPC64 21
#define EM_S390 22
#define EM_ARM 40
#define EM_X86_64 62
#define EM_AARCH64 183
#define EM_RISCV 243
#define EM_LOONGARCH 258
#define DF_1_NODEFLIB 0x800u

struct obj_name {
	const char *s;
	uint32_t key;            /* name_key(s): names are compared only where keys agree */
};

#define OBJ_FEW_NAMES 3

struct obj_priv {
	/* every name it answers to (request names, path, SONAME): the first
	 * OBJ_FEW_NAMES in few[], more in names (obj_names() tells which) */
	struct obj_name few[OBJ_FEW_NAMES];
	struct obj_name *names;
	size_t nnames, capnames;
	size_t edge_first, edge_end;   /* its DT_NEEDED edges (added together, in order) */
	dev_t dev;
	ino_t ino;
	char *origin;            /* $ORIGIN */
	bool has_runpath;
};

struct sr_deps_priv {
	struct sr_arena *arena;
	struct obj_priv *op;     /* parallel to objects */
	struct sr_deps_session *own_session;   /* sr_deps_resolve's private session */
	struct sr_elf *own_elf;  /* the program, when not kept in the session */
};

/* What stays the same across the inputs of one run: the root, the loader's
 * cache and configuration, and every file parsed so far (by device and
 * inode), so each library is read once however many programs need it. */
struct elf_entry {
	dev_t dev;
	ino_t ino;
	struct sr_elf *elf;
	bool borrowed;           /* the caller's parse (sr_deps_session_resolve_parsed): not freed here */
};

/* A table of strings to values for the session's memos: open addressing,
 * at most SMAP_MAX keys; past that, new keys are answered but not kept. */
#define SMAP_MAX 65536u

struct smap {
	struct smap_slot {
		char *key;           /* NULL: empty */
		void *val;
		uint32_t hash;       /* name_key(key) */
	} *slots;
	size_t cap, count;
};

/* The cache's answer for one name (path NULL: none), and the session's
 * path_lookup answer for that path once asked. */
struct cache_answer {
	const char *path;     /* in the cache file, open for the session */
	const struct path_info *pi;
};

/* One path looked up inside the root: the loader model asks for the same
 * candidates (libc, the cache's paths, default directories) for every input,
 * and each lookup walks the root one component at a time. */
struct path_info {
	bool found;           /* exists (after following symlinks inside the root) */
	dev_t dev;
	ino_t ino;
	mode_t mode;
	char *real;           /* canonical path inside the root */
	const struct dir_info *dir;   /* when found through a kept directory: it, */
	char *leaf;                   /* and the file's name in it (else NULL) */
};

/* A search directory, reached once by the confined walk and kept open
 * (O_PATH), so each candidate in it costs one fstatat() relative to it. */
struct dir_info {
	int fd;               /* -1: missing or not a directory */
	bool owned;           /* fd is ours, not the root memo's */
	unsigned links;       /* symlinks the walk to it followed */
	char *real;           /* canonical path inside the root */
};

#define DIR_FDS_MAX 256u
#define CACHE_FLAGS_MAX 4u

struct sr_deps_session {
	struct sr_deps_opts opts;
	struct sr_root host;          /* the host's / when no root was given */
	struct sr_root view;          /* else the caller's root, with this session's memo */
	const struct sr_root *root;
	char *cwd;                    /* on the host: relative paths are from here */
	char *host_cwd;               /* program_on_host: the working directory for inputs */
	bool cache_tried;
	struct sr_ldcache *cache;
	struct sr_file cache_file;     /* its bytes: the cache is searched in place */
	bool cache_file_open;
	bool conf_tried;
	char **conf_dirs;
	size_t nconf_dirs;
	struct elf_entry *elfs;
	size_t nelfs, capelfs;
	uint32_t *elf_index;         /* open addressing over elfs: index + 1, 0 empty; 2 x capelfs slots */
	size_t elf_index_cap;
	bool cpu_known;               /* CPUID is slow in virtual machines: ask once */
	struct sr_cpu_facts cpu;      /* opts.cpu, or this machine's */
	const char *hwcaps[3];        /* its glibc-hwcaps subdirectories */
	size_t nhwcaps;
	struct smap paths;            /* path -> struct path_info */
	struct smap dirs;             /* search directory -> struct dir_info */
	size_t dir_fds;               /* descriptors kept open in dirs */
	struct cache_answers {        /* per cache flags value (at most CACHE_FLAGS_MAX): */
		bool used;
		int32_t flags;
		struct smap map;      /* name -> struct cache_answer */
	} cache_answers[CACHE_FLAGS_MAX];
	const struct sr_elf *oldq_elf;   /* old_quotes() of this libc.so.6: */
	bool oldq_known, oldq;           /* whether it decides, and the answer */
	/* Version needs found all provided, by (requester, Verneed index,
	 * provider), both parsed files kept by this session (so neither
	 * pointer is ever reused): a library's needs are checked once per run,
	 * not once per program that loads it.  Open addressing, a power-of-two
	 * number of slots, req NULL for empty. */
	struct vok { const struct sr_elf *req, *prov; size_t v; } *vok;
	size_t vok_cap, vok_count;
	bool glibc_known;             /* glibc_minor is set for glibc_machine/glibc_class */
	uint16_t glibc_machine;
	unsigned glibc_class;
	int glibc_minor;              /* the root's glibc 2.N, -1 unknown */
};

struct ctx {
	struct sr_deps_session *ss;
	struct sr_deps *d;
	struct sr_arena *a;
	const struct sr_root *root;
	const struct sr_deps_opts *opts;
	int32_t cache_flags;
	bool no_cache_conf;       /* no cache: directories from ld.so.conf stand in for it */
	const char *lib_dst;      /* $LIB */
	const char *platform;     /* $PLATFORM */
	bool secure;              /* set-user/group-ID program: ld.so's secure mode */
	unsigned elf_class;
	uint16_t machine;
	bool big_endian;
	size_t cap_objects, cap_edges, cap_issues;
	struct strlist_cap { size_t warnings, defaults; } caps;
	const char *musl_arch;
	const char *cwd;          /* on the host: relative paths are from here */
	int glibc_minor;          /* the root's glibc 2.N, -1 unknown */
	/* The interpreter is loaded before anything else, but ld.so lists it
	 * (and so do we) only once a DT_NEEDED resolves to it. */
	struct interp_slot {
		bool ok;
		const char *path;
		struct sr_elf *elf;   /* owned here until it becomes an object */
		const char *real;     /* its real path in the root (in the result's arena) */
		dev_t dev;
		ino_t ino;
		size_t obj;
	} interp;
	/* Every name of every object so far (add_name), for find_loaded: open
	 * addressing on name_key, a power-of-two number of slots (0: none yet),
	 * each empty (s NULL) or one name of object obj. */
	struct name_slot { const char *s; uint32_t key; uint32_t obj; } *names;
	size_t names_cap, names_count;
};

/* ---------- small helpers ---------- */

static char *adup(struct ctx *c, const char *s)
{
	return s ? sr_arena_strdup(c->a, s) : NULL;
}

static char *afmt(struct ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
static char *afmt(struct ctx *c, const char *fmt, ...)
{
	char buf[SR_ROOT_MAX_PATH * 2];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return adup(c, buf);
}

static bool push_str(struct ctx *c, struct sr_strlist *l, size_t *cap, const char *s, size_t limit)
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

static void warn(struct ctx *c, const char *msg)
{
	push_str(c, &c->d->warnings, &c->caps.warnings, adup(c, msg), 64);
}

/* A hash of a name or path for the tables below (equal hashes are
 * confirmed with strcmp). */
static uint32_t name_key(const char *s)
{
	return sr_elf_name_key(s);
}

static void name_slot_put(struct name_slot *t, size_t cap, struct name_slot v)
{
	size_t h = v.key & (cap - 1);
	while (t[h].s)
		h = (h + 1) & (cap - 1);
	t[h] = v;
}

static void names_free(struct ctx *c)
{
	if (c->names)
		sr_block_put(c->names, c->names_cap * sizeof *c->names);
	c->names = NULL;
}

static struct obj_name *obj_names(struct obj_priv *p)
{
	return p->capnames ? p->names : p->few;
}

/* Add one name of object obj to the index find_loaded searches (kept at
 * most half full).  Without memory for it, find_loaded searches the
 * objects' own lists. */
static void index_name(struct ctx *c, size_t obj, const char *s, uint32_t key)
{
	if (c->names_cap == SIZE_MAX || obj > UINT32_MAX)
		return;
	if (2 * (c->names_count + 1) > c->names_cap) {
		size_t ncap = c->names_cap ? c->names_cap * 2 : 64;
		struct name_slot *t = ncap <= SIZE_MAX / sizeof *t ? sr_block_get(ncap * sizeof *t) : NULL;
		if (!t) {
			names_free(c);
			c->names_cap = SIZE_MAX;   /* given up: find_loaded scans */
			return;
		}
		memset(t, 0, ncap * sizeof *t);
		for (size_t i = 0; i < c->names_cap; i++)
			if (c->names[i].s)
				name_slot_put(t, ncap, c->names[i]);
		names_free(c);
		c->names = t;
		c->names_cap = ncap;
	}
	name_slot_put(c->names, c->names_cap, (struct name_slot){ s, key, (uint32_t)obj });
	c->names_count++;
}

/* One more name object obj answers to, whose name_key is key.  stable:
 * name lives as long as the result (its arena, or a parsed file's) and is
 * kept without a copy. */
static void add_name_key(struct ctx *c, size_t obj, const char *name, uint32_t key, bool stable)
{
	struct obj_priv *p = &c->d->priv->op[obj];
	struct obj_name *names = obj_names(p);
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
	const char *copy = stable ? name : adup(c, name);
	if (!copy)
		return;
	obj_names(p)[p->nnames++] = (struct obj_name){ copy, key };
	index_name(c, obj, copy, key);
}

static void add_name_as(struct ctx *c, size_t obj, const char *name, bool stable)
{
	if (name)
		add_name_key(c, obj, name, name_key(name), stable);
}

static char *dirname_of(struct ctx *c, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return adup(c, ".");
	if (slash == path)
		return adup(c, "/");
	return sr_arena_strndup(c->a, path, (size_t)(slash - path));
}

/* out = a b c, as snprintf(out, size, "%s%s%s", a, b, c) (cut and
 * NUL-terminated when it does not fit; size > 0); returns the full length.
 * The paths of every candidate are built this way: snprintf costs far more. */
static size_t cat3(char *out, size_t size, const char *a, const char *b, const char *c)
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

/* ---------- the target ---------- */

static const char *platform_of(uint16_t m, unsigned cls, bool be)
{
	switch (m) {
	case EM_X86_64: return "x86_64";
	case EM_386: return "i686";
	case EM_AARCH64: return "aarch64";
	case EM_ARM: return "v7l";
	case EM_S390: return "z13";
	case EM_PPC64: return be ? "power8" : "power9";
	case EM_MIPS: return cls == 64 ? "mips64" : "mips";
	default: return NULL;   /* the kernel passes no AT_PLATFORM we can know */
	}
}

static const struct path_info *path_lookup(struct sr_deps_session *ss, const char *path, struct path_info *tmp,
                                           char *tmp_real, bool *stated);
static const struct dir_info *dir_lookup(struct sr_deps_session *ss, const char *cwd, const char *dir);


/* The value slot for key, whose name_key is h: *fresh tells whether the
 * key was just added (its value is then NULL).  NULL when the table is full
 * or memory ran out. */
static void **smap_slot_h(struct smap *m, const char *key, uint32_t h, bool *fresh)
{
	*fresh = false;
	if (m->count * 2 >= m->cap && m->cap < SMAP_MAX * 2) {
		size_t ncap = m->cap ? m->cap * 2 : 32;
		struct smap_slot *n = calloc(ncap, sizeof *n);
		if (n) {
			for (size_t i = 0; i < m->cap; i++) {
				if (!m->slots[i].key)
					continue;
				size_t j = m->slots[i].hash & (ncap - 1);
				while (n[j].key)
					j = (j + 1) & (ncap - 1);
				n[j] = m->slots[i];
			}
			free(m->slots);
			m->slots = n;
			m->cap = ncap;
		}
	}
	if (!m->cap)
		return NULL;
	size_t j = h & (m->cap - 1);
	while (m->slots[j].key) {
		if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0)
			return &m->slots[j].val;
		j = (j + 1) & (m->cap - 1);
	}
	if (m->count * 2 >= m->cap || !(m->slots[j].key = strdup(key)))
		return NULL;
	m->slots[j].hash = h;
	m->count++;
	*fresh = true;
	return &m->slots[j].val;
}

static void **smap_slot(struct smap *m, const char *key, bool *fresh)
{
	return smap_slot_h(m, key, name_key(key), fresh);
}

static void smap_free(struct smap *m, void (*free_val)(void *))
{
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		free(m->slots[i].key);
		if (free_val)
			free_val(m->slots[i].val);
	}
	free(m->slots);
	memset(m, 0, sizeof *m);
}

/* The CPU an x86-64 program is imagined on (opts.cpu, or this machine's),
 * asked when first needed (a search through directories, a cache with
 * glibc-hwcaps entries, $PLATFORM), since CPUID is slow in a virtual
 * machine and most programs resolve without it.  NULL for programs of other
 * machines: their loaders' CPU rules are not modelled (the baseline). */
static const struct sr_cpu_facts *cpu_of(struct ctx *c)
{
	struct sr_deps_session *ss = c->ss;
	if (c->machine != EM_X86_64 || c->elf_class != 64)
		return NULL;
	if (!ss->cpu_known) {
		sr_cpu_probe(&ss->cpu);
		ss->nhwcaps = sr_cpu_hwcaps(&ss->cpu, ss->hwcaps);
		ss->cpu_known = true;
	}
	return &ss->cpu;
}

/* The glibc-hwcaps subdirectories of the program's CPU; their number. */
static size_t hwcaps_of(struct ctx *c, const char *const **out)
{
	*out = c->ss->hwcaps;
	return cpu_of(c) ? c->ss->nhwcaps : 0;
}

/* The cache's answer for (name, flags, CPU), asked once per session: the
 * answers for each flags value (a run has one or two) in a table keyed by
 * name, whose name_key is key.  NULL when none; *pi_memo (when not NULL)
 * is then where the session's path_lookup answer for it is remembered. */
static const char *cache_lookup(struct ctx *c, const char *name, uint32_t key, const struct path_info ***pi_memo)
{
	struct sr_deps_session *ss = c->ss;
	struct smap *answers = NULL;
	if (pi_memo)
		*pi_memo = NULL;
	for (size_t i = 0; i < CACHE_FLAGS_MAX && !answers; i++)
		if (ss->cache_answers[i].used && ss->cache_answers[i].flags == c->cache_flags)
			answers = &ss->cache_answers[i].map;
	for (size_t i = 0; i < CACHE_FLAGS_MAX && !answers; i++)
		if (!ss->cache_answers[i].used) {
			ss->cache_answers[i].used = true;
			ss->cache_answers[i].flags = c->cache_flags;
			answers = &ss->cache_answers[i].map;
		}
	bool fresh = true;
	void **slot = answers ? smap_slot_h(answers, name, key, &fresh) : NULL;
	struct cache_answer *ca = slot ? *slot : NULL;
	if (!ca) {
		const char *const *hwcaps = NULL;
		size_t nhwcaps = sr_ldcache_has_hwcaps(ss->cache) ? hwcaps_of(c, &hwcaps) : 0;
		const char *val = sr_ldcache_lookup_hwcaps(ss->cache, name, c->cache_flags, hwcaps, nhwcaps);
		if (!slot || !(ca = malloc(sizeof *ca)))
			return val;   /* answered, not kept: asked again next time */
		*ca = (struct cache_answer){ val, NULL };
		*slot = ca;
	}
	if (pi_memo && ca->path && ca->path[0] == '/')
		*pi_memo = &ca->pi;
	return ca->path;
}

static bool is_dir_in_root(struct ctx *c, const char *path)
{
	struct path_info tmp;
	char real[SR_ROOT_MAX_PATH + 1];
	const struct path_info *pi = path_lookup(c->ss, path, &tmp, real, NULL);
	return pi->found && S_ISDIR(pi->mode);
}

/* The default directories of the target's glibc, chosen by the root's
 * layout: Debian's multiarch directories, or lib64 (Fedora, SUSE, …), or
 * lib. */
static void set_defaults(struct ctx *c, uint32_t flags)
{
	struct sr_deps *d = c->d;
	const char *t = sr_multiarch_triplet(c->elf_class, c->machine, flags, c->big_endian);
	char buf[256];
	if (d->loader_kind == SR_LOADER_MUSL)
		return;   /* musl: see musl_path() */
	if (t) {
		cat3(buf, sizeof buf, "/usr/lib/", t, "");
		char buf2[256];
		cat3(buf2, sizeof buf2, "/lib/", t, "");
		if (is_dir_in_root(c, buf) || is_dir_in_root(c, buf2)) {
			push_str(c, &d->default_dirs, &c->caps.defaults, adup(c, buf2), 16);
			push_str(c, &d->default_dirs, &c->caps.defaults, adup(c, buf), 16);
			push_str(c, &d->default_dirs, &c->caps.defaults, "/lib", 16);
			push_str(c, &d->default_dirs, &c->caps.defaults, "/usr/lib", 16);
			c->lib_dst = adup(c, buf2 + 1);   /* "lib/" + the triplet */
			return;
		}
	}
	if (c->elf_class == 64 && (is_dir_in_root(c, "/usr/lib64") || is_dir_in_root(c, "/lib64")) &&
	    c->machine != EM_AARCH64 && c->machine != EM_RISCV) {
		push_str(c, &d->default_dirs, &c->caps.defaults, "/lib64", 16);
		push_str(c, &d->default_dirs, &c->caps.defaults, "/usr/lib64", 16);
		c->lib_dst = "lib64";
		return;
	}
	push_str(c, &d->default_dirs, &c->caps.defaults, "/lib", 16);
	push_str(c, &d->default_dirs, &c->caps.defaults, "/usr/lib", 16);
	c->lib_dst = "lib";
}

/* musl's directories: /etc/ld-musl-ARCH.path (newline or colon separated) or
 * its built-in default. */
static void musl_path(struct ctx *c)
{
	struct sr_deps *d = c->d;
	char p[128];
	snprintf(p, sizeof p, "/etc/ld-musl-%s.path", c->musl_arch ? c->musl_arch : "unknown");
	struct sr_file f;
	struct sr_error e;
	if (c->musl_arch && sr_root_file_open(c->root, p, &f, NULL, 0, &e) == SR_OK) {
		size_t n = f.r.len < 65536 ? f.r.len : 65536;
		char *text = sr_arena_alloc(c->a, n + 1);
		if (text && sr_read_bytes(&f.r, 0, n, text) == SR_OK) {
			text[n] = '\0';
			for (char *tok = strtok(text, ":\n"); tok; tok = strtok(NULL, ":\n"))
				if (*tok)
					push_str(c, &d->default_dirs, &c->caps.defaults, tok, 64);
		}
		sr_file_close(&f);
		if (d->default_dirs.count)
			return;
	}
	push_str(c, &d->default_dirs, &c->caps.defaults, "/lib", 16);
	push_str(c, &d->default_dirs, &c->caps.defaults, "/usr/local/lib", 16);
	push_str(c, &d->default_dirs, &c->caps.defaults, "/usr/lib", 16);
}

/* ---------- opening candidates ---------- */

/* The parsed files of a session, found by (device, inode): a batch of
 * programs loads the same few hundred libraries again and again. */
static size_t elf_slot(const struct sr_deps_session *ss, dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t)ino * 0x9e3779b97f4a7c15u) ^ ((uint64_t)dev * 0xc2b2ae3d27d4eb4fu);
	size_t mask = ss->elf_index_cap - 1, i = (size_t)(h >> 17) & mask;
	while (ss->elf_index[i]) {
		const struct elf_entry *e = &ss->elfs[ss->elf_index[i] - 1];
		if (e->dev == dev && e->ino == ino)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

static struct sr_elf *session_elf(struct sr_deps_session *ss, dev_t dev, ino_t ino)
{
	if (!ss->elf_index_cap)
		return NULL;
	uint32_t k = ss->elf_index[elf_slot(ss, dev, ino)];
	return k ? ss->elfs[k - 1].elf : NULL;
}

static bool session_keep(struct sr_deps_session *ss, dev_t dev, ino_t ino, struct sr_elf *elf, bool borrowed)
{
	if (ss->nelfs == ss->capelfs) {
		size_t ncap = ss->capelfs ? ss->capelfs * 2 : 16;
		if (ncap > UINT32_MAX / 4)
			return false;
		struct elf_entry *n = realloc(ss->elfs, ncap * sizeof *n);
		if (!n)
			return false;
		ss->elfs = n;
		uint32_t *idx = calloc(ncap * 2, sizeof *idx);
		if (!idx) {
			ss->capelfs = ss->nelfs;   /* the array grew; the index did not: try again next time */
			return false;
		}
		free(ss->elf_index);
		ss->elf_index = idx;
		ss->elf_index_cap = ncap * 2;
		ss->capelfs = ncap;
		for (size_t i = 0; i < ss->nelfs; i++)
			ss->elf_index[elf_slot(ss, ss->elfs[i].dev, ss->elfs[i].ino)] = (uint32_t)i + 1;
	}
	ss->elfs[ss->nelfs] = (struct elf_entry){ dev, ino, elf, borrowed };
	ss->elf_index[elf_slot(ss, dev, ino)] = (uint32_t)ss->nelfs + 1;
	ss->nelfs++;
	return true;
}

/* How resolve_in_dir ended. */
enum rid { RID_FOUND, RID_MISSING, RID_WALK };

/* name inside the kept directory di, as the confined walk would resolve it
 * as the last component of a path: a symlink whose target is a plain name
 * (no '/', not "." or "..") stays in the same directory and is followed
 * here; any other symlink, or one more than the walk's limit allows
 * (counting the links taken to reach di), is RID_WALK: the caller walks the
 * whole path.  On RID_FOUND *st describes the file and leaf (SR_ROOT_MAX_PATH
 * + 1 bytes) is its name in di. */
static enum rid resolve_in_dir(const struct dir_info *di, const char *name, struct stat *st, char *leaf)
{
	if (di->fd < 0)
		return RID_MISSING;   /* the directory does not exist inside the root */
	size_t nl = strlen(name);
	if (nl == 0 || nl > SR_ROOT_MAX_PATH || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return RID_WALK;
	memcpy(leaf, name, nl + 1);
	for (unsigned links = di->links;;) {
		if (fstatat(di->fd, leaf, st, AT_SYMLINK_NOFOLLOW) != 0)
			return RID_MISSING;
		if (!S_ISLNK(st->st_mode))
			return RID_FOUND;
		if (++links > SR_ROOT_MAX_LINKS)
			return RID_WALK;
		char target[SR_ROOT_MAX_PATH + 1];
		ssize_t n = readlinkat(di->fd, leaf, target, sizeof target - 1);
		if (n <= 0)
			return RID_WALK;
		target[n] = '\0';
		if (memchr(target, '/', (size_t)n) || !strcmp(target, ".") || !strcmp(target, ".."))
			return RID_WALK;
		memcpy(leaf, target, (size_t)n + 1);
	}
}

/* Split an absolute path into its directory and last component (in dir,
 * SR_ROOT_MAX_PATH + 1 bytes); false when there is no plain last component. */
static bool split_path(const char *path, char *dir, const char **base)
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
static const struct path_info *path_lookup(struct sr_deps_session *ss, const char *path, struct path_info *tmp,
                                           char *tmp_real, bool *stated)
{
	bool fresh;
	void **slot = smap_slot(&ss->paths, path, &fresh);
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
	enum rid how = RID_WALK;
	const struct dir_info *di = NULL;
	if (path[0] == '/' && split_path(path, dir, &base) && (di = dir_lookup(ss, NULL, dir)) != NULL)
		how = resolve_in_dir(di, base, &st, leaf);
	if (how == RID_FOUND) {
		if (cat3(tmp_real, SR_ROOT_MAX_PATH + 1, di->real, strcmp(di->real, "/") ? "/" : "", leaf) >
		    SR_ROOT_MAX_PATH)
			how = RID_WALK;
	}
	if (how == RID_FOUND) {
		tmp->found = true;
		tmp->dir = di;
	} else if (how == RID_WALK) {
		char name[SR_ROOT_MAX_PATH + 1];
		struct sr_error e = { 0 };
		int dirfd;
		struct sr_root_found rf;
		if (sr_root_lookup_ex(ss->root, path, &dirfd, name, tmp_real, SR_ROOT_MAX_PATH + 1, SR_ROOT_BORROW, &rf,
		                      &e) == SR_OK) {
			tmp->found = name[0] && rf.stated;
			st = rf.st;
			if (!rf.borrowed)
				close(dirfd);
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

enum cand { CAND_OK, CAND_MISSING, CAND_OTHER_CLASS, CAND_INVALID };

struct opened {
	struct sr_elf *elf;
	unsigned other_class;    /* CAND_OTHER_CLASS: the file's ELF class when it differs (32/64), else 0 */
	char real[SR_ROOT_MAX_PATH + 1];
	const char *stable_real; /* when not NULL, the real path instead of real[]: a string of the
	                            session (or of the result) that outlives the result */
	dev_t dev;
	ino_t ino;
	mode_t mode;
	const char *why;         /* for CAND_INVALID */
};

/* A fresh struct opened (without clearing its 4 KiB path buffer). */
static void opened_reset(struct opened *o)
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
	o->elf = session_elf(c->ss, o->dev, o->ino);
	if (!o->elf) {
		char walked[SR_ROOT_MAX_PATH + 1];
		int own = -1;
		struct sr_root_found rf = { .borrowed = true };
		if (dirfd < 0) {
			/* first time this file is needed: the walk again, once */
			if (sr_root_lookup_ex(c->root, path, &own, walked, NULL, 0, SR_ROOT_BORROW, &rf, &e) != SR_OK ||
			    !walked[0]) {
				if (own >= 0 && !rf.borrowed)
					close(own);
				return CAND_MISSING;
			}
			dirfd = own;
			name = walked;
		}
		struct sr_file f;
		/* lazily: the loader model reads a few small tables of each file */
		enum sr_err rc = sr_file_open_ex(dirfd, name, SR_FILE_LAZY | (stated && own < 0 ? SR_FILE_STATED : 0),
		                                 &f, &e);
		if (own >= 0 && !rf.borrowed)
			close(own);
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
			o->why = adup(c, sr_error_message(&e));
			return CAND_INVALID;
		}
		if (!session_keep(c->ss, o->dev, o->ino, o->elf, false)) {
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
static const char *absolute(struct ctx *c, const char *path, char *out)
{
	if (path[0] == '/' || !c->cwd)
		return path;
	if (cat3(out, SR_ROOT_MAX_PATH + 1, c->cwd, "/", path) > SR_ROOT_MAX_PATH)
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
static enum cand open_candidate_memo(struct ctx *c, const char *path, const struct path_info **memo, struct opened *o,
                                     bool check_class)
{
	opened_reset(o);
	char abs[SR_ROOT_MAX_PATH + 1];
	if (!(path = absolute(c, path, abs)))
		return CAND_MISSING;
	struct path_info tmp;
	bool stated = false;
	const struct path_info *pi = memo ? *memo : NULL;
	if (!pi) {
		pi = path_lookup(c->ss, path, &tmp, o->real, &stated);
		if (memo && pi != &tmp)
			*memo = pi;   /* kept by the session */
	}
	if (!pi->found || !S_ISREG(pi->mode))
		return CAND_MISSING;   /* ld.so's open() of a directory fails the same way */
	if (pi != &tmp)
		o->stable_real = pi->real;   /* the session's */
	else if (pi->real != o->real)
		cat3(o->real, sizeof o->real, pi->real, "", "");
	o->dev = pi->dev;
	o->ino = pi->ino;
	o->mode = pi->mode;
	/* a remembered answer may be from an earlier input: then the file is
	 * stated again before it is opened */
	if (pi->dir && pi->leaf)
		return load_found(c, pi->dir->fd, pi->leaf, stated, path, o, check_class);
	return load_found(c, -1, NULL, false, path, o, check_class);
}

static enum cand open_candidate(struct ctx *c, const char *path, struct opened *o, bool check_class)
{
	return open_candidate_memo(c, path, NULL, o, check_class);
}

static void dir_info_free(void *v)
{
	struct dir_info *di = v;
	if (di && di->fd >= 0 && di->owned)
		close(di->fd);
	free(di);
}

/* The search directory dir, reached by the confined walk once per session.
 * NULL when it cannot be kept (table or descriptor limit): walk instead.
 * A relative dir is taken from cwd (the host's working directory). */
static const struct dir_info *dir_lookup(struct sr_deps_session *ss, const char *cwd, const char *dir)
{
	char abs[SR_ROOT_MAX_PATH + 1];
	if (dir[0] != '/' && cwd) {
		if (cat3(abs, sizeof abs, cwd, "/", dir) > SR_ROOT_MAX_PATH)
			return NULL;
		dir = abs;
	}
	bool fresh;
	void **slot = smap_slot(&ss->dirs, dir, &fresh);
	if (!slot)
		return NULL;
	if (!fresh && *slot)
		return *slot;
	if (ss->dir_fds >= DIR_FDS_MAX)
		return NULL;
	/* "dir/.": the walk goes into dir itself (the root memo keeps it when
	 * it can, and then so do we, borrowed) and hands it back as the parent */
	char inside[SR_ROOT_MAX_PATH + 1], name[SR_ROOT_MAX_PATH + 1], real[SR_ROOT_MAX_PATH + 1];
	if (cat3(inside, sizeof inside, dir, "/.", "") > SR_ROOT_MAX_PATH)
		return NULL;
	struct sr_error e = { 0 };
	int fd = -1;
	struct sr_root_found rf = { .links = 0 };
	if (sr_root_lookup_ex(ss->root, inside, &fd, name, real, sizeof real, SR_ROOT_BORROW, &rf, &e) != SR_OK)
		fd = -1;
	size_t rl = fd >= 0 ? strlen(real) + 1 : 0;
	struct dir_info *di = malloc(sizeof *di + rl);
	if (!di) {
		if (fd >= 0 && !rf.borrowed)
			close(fd);
		return NULL;
	}
	di->fd = fd;
	di->owned = fd >= 0 && !rf.borrowed;
	di->links = rf.links;
	di->real = NULL;
	if (fd >= 0) {
		di->real = (char *)(di + 1);
		memcpy(di->real, real, rl);
		ss->dir_fds += di->owned;
	}
	*slot = di;
	return di;
}

/* dir/name for a search directory: one fstatat() relative to the kept
 * directory; a symlink (or anything the shortcut cannot answer) takes the
 * full confined walk of path. */
static enum cand open_in_dir(struct ctx *c, const char *dir, const char *name, const char *path,
                             struct opened *o)
{
	const struct dir_info *di = strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")
	                            ? NULL : dir_lookup(c->ss, c->cwd, dir);
	if (!di)
		return open_candidate(c, path, o, true);
	opened_reset(o);
	struct stat st;
	char leaf[SR_ROOT_MAX_PATH + 1];
	enum rid how = resolve_in_dir(di, name, &st, leaf);
	if (how == RID_MISSING)
		return CAND_MISSING;
	if (how == RID_WALK)
		return open_candidate(c, path, o, true);
	if (!S_ISREG(st.st_mode))
		return CAND_MISSING;
	if (cat3(o->real, sizeof o->real, di->real, strcmp(di->real, "/") ? "/" : "", leaf) >= sizeof o->real)
		return CAND_MISSING;
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	o->mode = st.st_mode;
	return load_found(c, di->fd, leaf, true, path, o, true);
}

/* name_stable: name lives as long as the result (a DT_NEEDED string of a
 * parsed file) and is kept without a copy; key is its name_key. */
static size_t add_object(struct ctx *c, const char *name, uint32_t key, bool name_stable, const char *path,
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
	ob->name = name_stable ? name : adup(c, name);
	ob->path = strcmp(path, name) == 0 ? ob->name : adup(c, path);
	ob->real = o->stable_real ? o->stable_real : adup(c, o->real);
	ob->elf = o->elf;
	ob->loader = loader;
	ob->depth = loader == SR_DEPS_NONE ? 0 : d->objects[loader].depth + 1;
	p->dev = o->dev;
	p->ino = o->ino;
	p->has_runpath = o->elf->runpath.count > 0;
	/* $ORIGIN: the program's canonical directory (ld.so reads /proc/self/exe);
	 * for a library, the directory of the path it was opened as. */
	p->origin = dirname_of(c, i == 0 ? opened_real(o) : path);
	ob->origin = p->origin;
	/* the copies above, and the SONAME in the parsed file (the session's,
	 * or this result's own program): all outlive the result's names */
	if (ob->name)
		add_name_key(c, i, ob->name, key, true);
	if (ob->path != ob->name)
		add_name_as(c, i, ob->path, true);
	if (o->elf->soname && (!ob->name || strcmp(o->elf->soname, ob->name) != 0))
		add_name_as(c, i, o->elf->soname, true);
	return i;
}

/* Make the interpreter an object (the first time something needs it). */
static size_t interp_object(struct ctx *c)
{
	struct interp_slot *in = &c->interp;
	if (in->obj != SR_DEPS_NONE)
		return in->obj;
	struct opened o;
	opened_reset(&o);
	o.elf = in->elf;
	o.dev = in->dev;
	o.ino = in->ino;
	o.stable_real = in->real ? in->real : "";   /* in the result's arena */
	in->elf = NULL;
	size_t i = in->path ? add_object(c, in->path, name_key(in->path), true, in->path, &o, SR_DEPS_NONE)
	                    : SR_DEPS_NONE;
	if (i != SR_DEPS_NONE) {
		c->d->objects[i].is_interp = true;
		c->d->interp_loaded = true;
	}
	in->obj = i;
	return i;
}

/* The object already loaded that answers to name (whose name_key is key). */
static size_t find_loaded(struct ctx *c, const char *name, uint32_t key)
{
	struct sr_deps *d = c->d;
	if (c->names_cap != SIZE_MAX) {
		/* the first object (lowest index) with that name, as the scan below */
		size_t best = SR_DEPS_NONE, mask = c->names_cap - 1;
		for (size_t h = key & mask; c->names_cap && c->names[h].s; h = (h + 1) & mask)
			if (c->names[h].key == key && c->names[h].obj < best && strcmp(c->names[h].s, name) == 0)
				best = c->names[h].obj;
		if (best != SR_DEPS_NONE)
			return best;
	} else {
		for (size_t i = 0; i < d->object_count; i++) {
			struct obj_priv *p = &d->priv->op[i];
			const struct obj_name *names = obj_names(p);
			for (size_t j = 0; j < p->nnames; j++)
				if (names[j].key == key && strcmp(names[j].s, name) == 0)
					return i;
		}
	}
	struct interp_slot *in = &c->interp;
	if (in->ok && in->obj == SR_DEPS_NONE &&
	    (strcmp(name, in->path) == 0 || (in->elf->soname && strcmp(name, in->elf->soname) == 0)))
		return interp_object(c);
	return SR_DEPS_NONE;
}

static size_t find_file(struct ctx *c, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < c->d->object_count; i++)
		if (c->d->priv->op[i].dev == dev && c->d->priv->op[i].ino == ino)
			return i;
	if (c->interp.ok && c->interp.obj == SR_DEPS_NONE && c->interp.dev == dev && c->interp.ino == ino)
		return interp_object(c);
	return SR_DEPS_NONE;
}

/* ---------- search paths ---------- */

/* Length of a dynamic string token ($NAME or ${NAME}) at s (after the '$'), or 0. */
static size_t dst_len(const char *s, const char *name)
{
	size_t n = strlen(name);
	if (s[0] == '{') {
		if (strncmp(s + 1, name, n) == 0 && s[1 + n] == '}')
			return n + 2;
		return 0;
	}
	if (strncmp(s, name, n) == 0) {
		char next = s[n];
		if (!((next >= 'A' && next <= 'Z') || (next >= 'a' && next <= 'z') || (next >= '0' && next <= '9') ||
		      next == '_'))
			return n;
	}
	return 0;
}

/* Expand $ORIGIN, $LIB and $PLATFORM in one path element, as ld.so does.
 * NULL when the element must be dropped (a known token without a value, or
 * $ORIGIN in secure mode). */
static const char *expand(struct ctx *c, const char *elem, size_t obj)
{
	if (!strchr(elem, '$'))
		return elem;
	char out[SR_ROOT_MAX_PATH + 1];
	size_t o = 0;
	for (const char *s = elem; *s;) {
		const char *repl = NULL;
		size_t len = 0;
		bool known = false;
		if (*s == '$') {
			if ((len = dst_len(s + 1, "ORIGIN"))) {
				known = true;
				repl = c->secure ? NULL : c->d->priv->op[obj].origin;
			} else if ((len = dst_len(s + 1, "PLATFORM"))) {
				known = true;
				repl = c->platform;
				/* glibc from 2.26 on may replace x86-64's AT_PLATFORM
				 * ("haswell", "xeon_phi" on Intel CPUs that qualify) */
				if (c->d->loader_kind == SR_LOADER_GLIBC && cpu_of(c))
					repl = sr_cpu_glibc_platform(cpu_of(c), c->glibc_minor, c->platform);
			} else if ((len = dst_len(s + 1, "LIB"))) {
				known = true;
				repl = c->lib_dst;
			}
		}
		if (known && !repl)
			return NULL;
		if (known) {
			size_t rl = strlen(repl);
			if (o + rl >= sizeof out)
				return NULL;
			memcpy(out + o, repl, rl);
			o += rl;
			s += 1 + len;
		} else {
			if (o + 1 >= sizeof out)
				return NULL;
			out[o++] = *s++;
		}
	}
	out[o] = '\0';
	return adup(c, out);
}

struct search {
	unsigned other_class;     /* a candidate of another ELF class was seen (ld.so's found_other_class) */
	const char *name;
	bool fatal;
	const char *fatal_why;
	char found_path[SR_ROOT_MAX_PATH + 1];
	struct opened op;
	bool have_op;
};

static void record(struct ctx *c, struct sr_strlist *l, size_t *cap, const char *s)
{
	push_str(c, l, cap, adup(c, s), 512);
}

struct edge_caps { size_t tried, skipped; };

static bool try_path(struct ctx *c, struct search *s, struct sr_dep_edge *e, struct edge_caps *ec,
                     const char *dir, const char *path);

/* Try dir/name, after dir/glibc-hwcaps/SUBDIR/name for each subdirectory the
 * CPU supports (glibc 2.33 and later).  True when the search ends (found, or
 * a fatal file error). */
static bool try_dir(struct ctx *c, struct search *s, struct sr_dep_edge *e, struct edge_caps *ec, const char *dir)
{
	char path[SR_ROOT_MAX_PATH + 1];
	size_t dl = strlen(dir);
	if (dl == 0)
		dir = ".", dl = 1;
	if (dl + 1 + strlen(s->name) + 32 >= sizeof path)
		return false;
	const char *sep = dir[dl - 1] == '/' ? "" : "/";
	if (c->d->loader_kind == SR_LOADER_GLIBC && (c->glibc_minor < 0 || c->glibc_minor >= 33)) {
		const char *const *hwcaps;
		size_t nhwcaps = hwcaps_of(c, &hwcaps);
		for (size_t k = 0; k < nhwcaps; k++) {
			char sub[SR_ROOT_MAX_PATH + 1];
			char mid[64];
			if (cat3(mid, sizeof mid, sep, "glibc-hwcaps/", hwcaps[k]) >= sizeof mid ||
			    cat3(sub, sizeof sub, dir, mid, "") >= sizeof sub ||
			    cat3(path, sizeof path, sub, "/", s->name) >= sizeof path)
				continue;
			if (try_path(c, s, e, ec, sub, path))
				return true;
		}
	}
	cat3(path, sizeof path, dir, sep, s->name);
	return try_path(c, s, e, ec, dir, path);
}

static bool try_path(struct ctx *c, struct search *s, struct sr_dep_edge *e, struct edge_caps *ec,
                     const char *dir, const char *path)
{
	enum cand r = open_in_dir(c, dir, s->name, path, &s->op);
	if (r == CAND_MISSING) {
		record(c, &e->tried, &ec->tried, path);
		return false;
	}
	if (r == CAND_OTHER_CLASS) {
		if (s->op.other_class)
			s->other_class = s->op.other_class;
		record(c, &e->skipped, &ec->skipped, path);
		return false;
	}
	if (r == CAND_INVALID) {
		s->fatal = true;
		s->fatal_why = s->op.why;
		cat3(s->found_path, sizeof s->found_path, path, "", "");
		return true;
	}
	if (c->opts->record_tried)
		record(c, &e->tried, &ec->tried, path);
	cat3(s->found_path, sizeof s->found_path, path, "", "");
	s->have_op = true;
	return true;
}

/* Search a colon-separated list (RPATH/RUNPATH/LD_LIBRARY_PATH) of object obj. */
static bool try_list(struct ctx *c, struct search *s, struct sr_dep_edge *e, struct edge_caps *ec, const char *list,
                     size_t obj, enum sr_found_how how)
{
	char *copy = adup(c, list);
	if (!copy)
		return false;
	/* strtok would skip empty elements; walk by hand (an empty element is ".") */
	char *p = copy;
	for (;;) {
		char *colon = strchr(p, ':');
		if (colon)
			*colon = '\0';
		const char *dir = expand(c, p, obj);
		if (dir && try_dir(c, s, e, ec, dir)) {
			e->how = how;
			e->via = adup(c, p);
			return true;
		}
		if (!colon)
			break;
		p = colon + 1;
	}
	return false;
}

static bool try_rpaths_of(struct ctx *c, struct search *s, struct sr_dep_edge *e, struct edge_caps *ec, size_t obj)
{
	const struct sr_elf *el = c->d->objects[obj].elf;
	if (el->runpath.count)
		return false;   /* glibc drops DT_RPATH of an object that has DT_RUNPATH */
	for (size_t i = 0; i < el->rpath.count; i++)
		if (try_list(c, s, e, ec, el->rpath.items[i], obj, SR_FOUND_RPATH))
			return true;
	return false;
}

static bool in_default_dirs(struct ctx *c, const char *path)
{
	for (size_t i = 0; i < c->d->default_dirs.count; i++) {
		const char *dd = c->d->default_dirs.items[i];
		size_t n = strlen(dd);
		if (strncmp(path, dd, n) == 0 && path[n] == '/' && !strchr(path + n + 1, '/'))
			return true;
	}
	return false;
}

/* Resolve one DT_NEEDED of object `from`. */
static void resolve_one(struct ctx *c, size_t from, const char *name)
{
	struct sr_deps *d = c->d;
	struct sr_dep_edge *edges = sr_arena_grow(c->a, d->edges, d->edge_count, &c->cap_edges, sizeof *edges,
	                                          SIZE_MAX);   /* bounded by the arena limit */
	if (!edges)
		return;
	d->edges = edges;
	struct sr_dep_edge *e = &d->edges[d->edge_count++];
	memset(e, 0, sizeof *e);
	e->from = from;
	e->name = name;   /* a DT_NEEDED string of a file this result keeps */
	e->to = SR_DEPS_NONE;
	struct edge_caps ec = { 0, 0 };

	uint32_t key = name_key(name);
	size_t hit = find_loaded(c, name, key);
	if (hit != SR_DEPS_NONE) {
		e->to = hit;
		e->how = c->d->objects[hit].is_interp ? SR_FOUND_INTERP : SR_FOUND_LOADED;
		return;
	}
	if (d->loader_kind == SR_LOADER_MUSL && sr_libc_musl_answers(name)) {
		/* musl's loader is its C library: libc, libm, libpthread, … are it */
		if (c->interp.ok) {
			e->to = interp_object(c);
			if (e->to != SR_DEPS_NONE)
				add_name_key(c, e->to, name, key, true);
			e->how = SR_FOUND_SELF;
			return;
		}
		e->how = SR_FOUND_NOT_FOUND;
		e->error = "the C library is the missing interpreter";
		d->missing_count++;
		return;
	}

	struct search s;   /* not memset: its two path buffers are 8 KiB */
	s.other_class = 0;
	s.name = name;
	s.fatal = false;
	s.fatal_why = NULL;
	s.found_path[0] = '\0';
	opened_reset(&s.op);
	s.have_op = false;
	bool done = false;
	const struct obj_priv *fp = &d->priv->op[from];

	if (strchr(name, '/')) {
		/* a name with '/' is opened as given, with no search, after
		 * expanding $ORIGIN & co. (expand_dynamic_string_token) */
		e->how = SR_FOUND_DIRECT;
		const char *xname = expand(c, name, from);
		enum cand r = xname ? open_candidate(c, xname, &s.op, true) : CAND_MISSING;
		const char *opened = xname ? xname : name;
		if (r == CAND_OK) {
			cat3(s.found_path, sizeof s.found_path, opened, "", "");
			s.have_op = done = true;
		} else if (r == CAND_INVALID) {
			s.fatal = true;
			s.fatal_why = s.op.why;
			cat3(s.found_path, sizeof s.found_path, opened, "", "");
		} else {
			if (r == CAND_OTHER_CLASS && s.op.other_class)
				s.other_class = s.op.other_class;
			record(c, r == CAND_OTHER_CLASS ? &e->skipped : &e->tried,
			       r == CAND_OTHER_CLASS ? &ec.skipped : &ec.tried, opened);
		}
	} else if (d->loader_kind == SR_LOADER_MUSL) {
		if (c->opts->library_path && try_list(c, &s, e, &ec, c->opts->library_path, from, SR_FOUND_ENV))
			done = true;
		for (size_t o = from; !done && o != SR_DEPS_NONE; o = d->objects[o].loader) {
			const struct sr_elf *el = d->objects[o].elf;
			const struct sr_strlist *lists[2] = { &el->runpath, &el->rpath };
			for (int k = 0; k < 2 && !done; k++)
				for (size_t i = 0; i < lists[k]->count && !done; i++)
					done = try_list(c, &s, e, &ec, lists[k]->items[i], o,
					                k == 0 ? SR_FOUND_RUNPATH : SR_FOUND_RPATH);
		}
		for (size_t i = 0; !done && i < d->default_dirs.count; i++)
			if (try_dir(c, &s, e, &ec, d->default_dirs.items[i])) {
				done = true;
				e->how = SR_FOUND_DEFAULT;
				e->via = d->default_dirs.items[i];
			}
	} else {
		if (!fp->has_runpath) {
			bool did_main = false;
			for (size_t o = from; !done && o != SR_DEPS_NONE; o = d->objects[o].loader) {
				done = try_rpaths_of(c, &s, e, &ec, o);
				did_main |= o == 0;
			}
			if (!done && !did_main)
				done = try_rpaths_of(c, &s, e, &ec, 0);
		}
		if (!done && c->opts->library_path && !c->secure)
			done = try_list(c, &s, e, &ec, c->opts->library_path, from, SR_FOUND_ENV);
		if (!done && fp->has_runpath) {
			const struct sr_elf *el = d->objects[from].elf;
			for (size_t i = 0; !done && i < el->runpath.count; i++)
				done = try_list(c, &s, e, &ec, el->runpath.items[i], from, SR_FOUND_RUNPATH);
		}
		bool nodeflib = d->objects[from].elf->has_flags_1 && (d->objects[from].elf->dt_flags_1 & DF_1_NODEFLIB);
		if (!done && c->ss->cache) {
			const struct path_info **memo;
			const char *cached = cache_lookup(c, name, key, &memo);
			if (cached && !(nodeflib && in_default_dirs(c, cached))) {
				enum cand r = open_candidate_memo(c, cached, memo, &s.op, true);
				if (r == CAND_OK) {
					cat3(s.found_path, sizeof s.found_path, cached, "", "");
					s.have_op = done = true;
					e->how = SR_FOUND_CACHE;
					e->via = c->d->cache;
				} else {
					record(c, &e->tried, &ec.tried, cached);
				}
			}
		} else if (!done && c->no_cache_conf) {
			for (size_t i = 0; !done && i < c->ss->nconf_dirs; i++)
				if (try_dir(c, &s, e, &ec, c->ss->conf_dirs[i])) {
					done = true;
					e->how = SR_FOUND_CACHE;
					e->via = "/etc/ld.so.conf (no ld.so.cache)";
				}
		}
		if (!done && !nodeflib)
			for (size_t i = 0; !done && i < d->default_dirs.count; i++)
				if (try_dir(c, &s, e, &ec, d->default_dirs.items[i])) {
					done = true;
					e->how = SR_FOUND_DEFAULT;
					e->via = d->default_dirs.items[i];
				}
	}

	if (s.fatal) {
		e->how = SR_FOUND_NOT_FOUND;
		e->error = afmt(c, "%s", s.fatal_why ? s.fatal_why : "invalid ELF header");
		e->via = adup(c, s.found_path);
		d->missing_count++;
		return;
	}
	if (!done || !s.have_op) {
		e->how = SR_FOUND_NOT_FOUND;
		/* ld.so reports a class mismatch it met on the way; a machine
		 * mismatch alone is just "not found" */
		e->error = s.other_class == 32 ? "wrong ELF class: ELFCLASS32"
		         : s.other_class == 64 ? "wrong ELF class: ELFCLASS64"
		                               : "cannot open shared object file: No such file or directory";
		d->missing_count++;
		return;
	}
	/* the same file under another name is the same object */
	size_t same = find_file(c, s.op.dev, s.op.ino);
	if (same != SR_DEPS_NONE) {
		add_name_key(c, same, name, key, true);
		e->to = same;
		return;
	}
	e->to = add_object(c, name, key, true, s.found_path, &s.op, from);
}

/* ---------- versions ---------- */

/* glibc 2.37 changed its messages from `x' quoting to 'x'. */
static bool old_quotes(struct ctx *c)
{
	struct sr_deps_session *ss = c->ss;
	for (size_t i = 0; i < c->d->object_count; i++) {
		const struct sr_elf *el = c->d->objects[i].elf;
		if (!el->soname || strcmp(el->soname, "libc.so.6") != 0)
			continue;
		/* the answer depends on this file alone: kept for the next input */
		if (ss->oldq_elf == el) {
			if (ss->oldq_known)
				return ss->oldq;
			continue;
		}
		ss->oldq_elf = el;
		ss->oldq_known = false;
		const char *best = NULL;
		for (size_t j = 0; j < el->verdef_count; j++) {
			const char *n = el->verdef[j].name;
			if (strncmp(n, "GLIBC_2.", 8) == 0 && (!best || sr_version_cmp(n + 6, best + 6) > 0))
				best = n;
		}
		if (best) {
			ss->oldq_known = true;
			ss->oldq = sr_version_cmp(best + 6, "2.37") < 0;
			return ss->oldq;
		}
	}
	return false;
}

static const char *display_name(struct ctx *c, size_t obj)
{
	return obj == 0 ? c->d->objects[0].name : c->d->objects[obj].path;
}

static void add_issue(struct ctx *c, size_t req, size_t prov, const char *ver, bool weak, bool noinfo, bool oldq)
{
	struct sr_deps *d = c->d;
	struct sr_dep_version_issue *issues = sr_arena_grow(c->a, d->issues, d->issue_count, &c->cap_issues,
	                                                    sizeof *issues, 4096);
	if (!issues)
		return;
	d->issues = issues;
	struct sr_dep_version_issue *i = &d->issues[d->issue_count++];
	i->requester = req;
	i->provider = prov;
	i->version = ver;
	i->weak = weak;
	i->no_version_info = noinfo;
	const char *lq = oldq ? "`" : "'";
	if (noinfo)
		i->message = afmt(c, "%s: no version information available (required by %s)", d->objects[prov].path,
		                  display_name(c, req));
	else
		i->message = afmt(c, "%s: %sversion %s%s' not found (required by %s)", d->objects[prov].path,
		                  weak ? "weak " : "", lq, ver, display_name(c, req));
	if (!weak && !noinfo)
		d->error_count++;
}

static size_t vok_hash(const struct sr_elf *req, size_t v, const struct sr_elf *prov)
{
	uint64_t h = (uint64_t)(uintptr_t)req * 0x9e3779b97f4a7c15u ^ (uint64_t)(uintptr_t)prov * 0xc2b2ae3d27d4eb4fu ^ v;
	return (size_t)(h ^ h >> 29);
}

static bool vok_has(const struct sr_deps_session *ss, const struct sr_elf *req, size_t v, const struct sr_elf *prov)
{
	if (!ss->vok_cap)
		return false;
	for (size_t h = vok_hash(req, v, prov) & (ss->vok_cap - 1); ss->vok[h].req; h = (h + 1) & (ss->vok_cap - 1))
		if (ss->vok[h].req == req && ss->vok[h].prov == prov && ss->vok[h].v == v)
			return true;
	return false;
}

static void vok_put(struct vok *t, size_t cap, struct vok e)
{
	size_t h = vok_hash(e.req, e.v, e.prov) & (cap - 1);
	while (t[h].req)
		h = (h + 1) & (cap - 1);
	t[h] = e;
}

/* Remember a check that passed (kept at most half full; without memory,
 * checks are just made again). */
static void vok_add(struct sr_deps_session *ss, const struct sr_elf *req, size_t v, const struct sr_elf *prov)
{
	if (2 * (ss->vok_count + 1) > ss->vok_cap) {
		size_t ncap = ss->vok_cap ? ss->vok_cap * 2 : 32;
		if (ncap > ((size_t)1 << 22))
			return;
		struct vok *t = calloc(ncap, sizeof *t);
		if (!t)
			return;
		for (size_t i = 0; i < ss->vok_cap; i++)
			if (ss->vok[i].req)
				vok_put(t, ncap, ss->vok[i]);
		free(ss->vok);
		ss->vok = t;
		ss->vok_cap = ncap;
	}
	vok_put(ss->vok, ss->vok_cap, (struct vok){ req, prov, v });
	ss->vok_count++;
}

static void check_versions(struct ctx *c)
{
	struct sr_deps *d = c->d;
	if (d->loader_kind == SR_LOADER_MUSL)
		return;   /* musl ignores symbol versions */
	bool oldq = old_quotes(c);
	for (size_t o = 0; o < d->object_count; o++) {
		const struct sr_elf *el = d->objects[o].elf;
		for (size_t v = 0; v < el->verneed_count; v++) {
			const struct sr_verneed *vn = &el->verneed[v];
			/* the provider is the object this one's DT_NEEDED of that name resolved to */
			size_t prov = SR_DEPS_NONE;
			const struct obj_priv *op = &d->priv->op[o];
			for (size_t k = op->edge_first; k < op->edge_end && prov == SR_DEPS_NONE; k++)
				if (strcmp(d->edges[k].name, vn->file) == 0)
					prov = d->edges[k].to;
			if (prov == SR_DEPS_NONE)
				prov = find_loaded(c, vn->file, name_key(vn->file));
			if (prov == SR_DEPS_NONE)
				continue;   /* missing: already reported */
			const struct sr_elf *pe = d->objects[prov].elf;
			if (pe->verdef_count == 0) {
				if (vn->count)
					add_issue(c, o, prov, NULL, false, true, oldq);
				continue;
			}
			/* the program is this result's own: only pairs of the session's files are remembered */
			const struct sr_elf *own = d->priv->own_elf;
			bool memo = el != own && pe != own;
			if (memo && vok_has(c->ss, el, v, pe))
				continue;
			bool all = true;
			for (size_t a = 0; a < vn->count; a++) {
				bool ok = false;
				for (size_t k = 0; k < pe->verdef_count && !ok; k++)
					ok = pe->verdef[k].key == vn->vers[a].key &&
					     strcmp(pe->verdef[k].name, vn->vers[a].name) == 0;
				if (!ok) {
					all = false;
					add_issue(c, o, prov, vn->vers[a].name, (vn->vers[a].flags & 0x2) != 0, false, oldq);
				}
			}
			if (memo && all)
				vok_add(c->ss, el, v, pe);
		}
	}
}

/* ---------- entry point ---------- */

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
		warn(c, "no /etc/ld.so.cache in the root: directories from /etc/ld.so.conf are searched as "
		        "ldconfig would cache them");
	} else {
		warn(c, "no usable /etc/ld.so.cache in the root: only the default directories are searched");
	}
}

/* The minor version of the root's glibc (2.N), from the version
 * definitions of the libc.so.6 the loader would find; -1 if unknown. */
static int root_glibc_minor(struct ctx *c)
{
	const char *p = NULL;
	if (c->ss->cache)
		p = cache_lookup(c, "libc.so.6", name_key("libc.so.6"), NULL);
	struct opened o;
	char buf[SR_ROOT_MAX_PATH + 1];
	for (size_t i = 0; !p && i < c->d->default_dirs.count; i++) {
		snprintf(buf, sizeof buf, "%s/libc.so.6", c->d->default_dirs.items[i]);
		if (open_candidate(c, buf, &o, true) == CAND_OK)
			p = buf;
	}
	if (!p || open_candidate(c, p, &o, true) != CAND_OK)
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
			free(ss);
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
	free(ss->elf_index);
	free(ss->vok);
	smap_free(&ss->paths, free);
	smap_free(&ss->dirs, dir_info_free);
	for (size_t i = 0; i < CACHE_FLAGS_MAX; i++)
		smap_free(&ss->cache_answers[i].map, free);
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
		cat3(abs, sizeof abs, path, "", "");
	else if (cat3(abs, sizeof abs, c->ss->host_cwd, "/", path) > SR_ROOT_MAX_PATH)
		return sr_error_set(err, SR_E_TOO_BIG, "path too long");
	/* normalise "." and ".." components and repeated slashes */
	char norm[SR_ROOT_MAX_PATH + 1];
	size_t n = 0;
	for (const char *s = abs; *s;) {
		while (*s == '/')
			s++;
		const char *e = s;
		while (*e && *e != '/')
			e++;
		size_t len = (size_t)(e - s);
		if (len == 0 || (len == 1 && s[0] == '.')) {
			/* skip */
		} else if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (n > 0 && norm[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
		} else {
			if (n + 1 + len > SR_ROOT_MAX_PATH)
				return sr_error_set(err, SR_E_TOO_BIG, "path too long");
			norm[n++] = '/';
			memcpy(norm + n, s, len);
			n += len;
		}
		s = e;
	}
	if (n == 0)
		norm[n++] = '/';
	norm[n] = '\0';
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
		cat3(lookup, sizeof lookup, c->cwd, "/", path);
	else
		cat3(lookup, sizeof lookup, path, "", "");
	opened_reset(o);
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
	const struct dir_info *di;
	if (c->ss->host_cwd) {
		rc = open_host_program(c, path, o, given ? NULL : &f, err);
		if (rc != SR_OK)
			return rc;
	} else if (lookup[0] == '/' && split_path(lookup, dir, &base) && (di = dir_lookup(c->ss, NULL, dir)) != NULL &&
	    resolve_in_dir(di, base, &st, name) == RID_FOUND && S_ISREG(st.st_mode) &&
	    cat3(o->real, sizeof o->real, di->real, strcmp(di->real, "/") ? "/" : "", name) < sizeof o->real) {
		o->dev = st.st_dev;
		o->ino = st.st_ino;
		o->mode = st.st_mode;
		rc = given ? SR_OK : sr_file_open_ex(di->fd, name, SR_FILE_STATED | SR_FILE_LAZY, &f, err);
		if (rc != SR_OK)
			return rc;
	} else {
		struct sr_root_found rf;
		rc = sr_root_lookup_ex(c->root, lookup, &dirfd, name, o->real, sizeof o->real, SR_ROOT_BORROW, &rf, err);
		if (rc != SR_OK)
			return rc;
		if (!name[0]) {
			if (!rf.borrowed)
				close(dirfd);
			return sr_error_set(err, SR_E_ISDIR, "is a directory");
		}
		if (!rf.stated && given && fstatat(dirfd, name, &rf.st, AT_SYMLINK_NOFOLLOW) == 0)
			rf.stated = true;
		if (rf.stated) {
			o->dev = rf.st.st_dev;
			o->ino = rf.st.st_ino;
			o->mode = rf.st.st_mode;
		}
		rc = given ? SR_OK : sr_file_open_ex(dirfd, name, SR_FILE_LAZY, &f, err);
		if (!rf.borrowed)
			close(dirfd);
		if (rc != SR_OK)
			return rc;
	}
	if (given) {
		/* the caller's parse, kept (not owned) so a DT_NEEDED naming it finds it */
		o->elf = given;
		if ((given->has_interp && !given->soname) || session_elf(c->ss, o->dev, o->ino))
			return SR_OK;
		if (!session_keep(c->ss, o->dev, o->ino, given, true))
			return sr_error_set(err, SR_E_NOMEM, NULL);
		*lent = true;
		return SR_OK;
	}
	o->elf = session_elf(c->ss, o->dev, o->ino);
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
	if (!session_keep(c->ss, o->dev, o->ino, o->elf, false)) {
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
	struct ctx *c = sr_block_get(sizeof *c);
	if (c)
		memset(c, 0, sizeof *c);
	if (!a || !d || !priv || !c) {
		sr_block_put(c, sizeof *c);
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
	c->platform = platform_of(c->machine, c->elf_class, c->big_endian);
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
	d->interp = adup(c, interp);
	if (add_object(c, path, name_key(path), false, path, &o, SR_DEPS_NONE) != 0) {
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
		goto fail;
	}
	if (!dynamic)
		goto done;   /* static: nothing to load */

	if (d->loader_kind == SR_LOADER_MUSL)
		musl_path(c);
	else
		set_defaults(c, eflags);
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
		enum cand r = open_candidate(c, interp, &io, true);
		if (r == CAND_OK) {
			c->interp.ok = true;
			c->interp.path = d->interp;
			c->interp.elf = io.elf;
			c->interp.dev = io.dev;
			c->interp.ino = io.ino;
			c->interp.real = io.stable_real ? io.stable_real : adup(c, io.real);
		} else {
			d->interp_missing = true;
			if (!d->interp_is_default)
				d->error_count++;
			if (r == CAND_OTHER_CLASS)
				warn(c, "the interpreter is for another ELF class or machine");
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
			resolve_one(c, i, el->needed.items[k]);
		d->priv->op[i].edge_first = first;   /* op may have moved: set after */
		d->priv->op[i].edge_end = d->edge_count;
		if (d->object_count >= SR_DEPS_MAX_OBJECTS) {
			warn(c, "too many objects; the resolution was cut");
			break;
		}
	}
	check_versions(c);
done:
	d->error_count += d->missing_count;
	names_free(c);
	sr_block_put(c, sizeof *c);
	*out = d;
	return SR_OK;
fail:
	names_free(c);
	sr_block_put(c, sizeof *c);
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
