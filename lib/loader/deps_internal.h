/* shipready — the loader model's internals, shared by lib/loader/deps*.c:
 * the session, a resolution's context, and the functions one part of the
 * model calls in another (see deps.c for the model itself). */
#ifndef SR_LOADER_DEPS_INTERNAL_H
#define SR_LOADER_DEPS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "shipready/deps.h"
#include "shipready/file.h"
#include "shipready/ldcache.h"
#include "loader/cpu.h"
#include "util/arena.h"
#include "util/map.h"

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
	uint32_t key;            /* deps_name_key(s): names are compared only where keys agree */
};

#define OBJ_FEW_NAMES 3

struct obj_priv {
	/* every name it answers to (request names, path, SONAME): the first
	 * OBJ_FEW_NAMES in few[], more in names (deps_obj_names() tells which) */
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

/* The session's memos are maps (util/map.h) of at most SMAP_MAX keys, hashed
 * by deps_name_key; past that, new keys are answered but not kept. */
#define SMAP_MAX 65536u

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
	const struct sr_root_dir *dir;   /* when found through a kept directory: it, */
	char *leaf;                   /* and the file's name in it (else NULL) */
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
	struct sr_map elf_of_file;    /* (dev, ino) -> the struct sr_elf in elfs */
	struct sr_arena *keys;        /* the copies of the memos' keys */
	bool cpu_known;               /* CPUID is slow in virtual machines: ask once */
	struct sr_cpu_facts cpu;      /* opts.cpu, or this machine's */
	const char *hwcaps[3];        /* its glibc-hwcaps subdirectories */
	size_t nhwcaps;
	struct sr_map paths;          /* path -> struct path_info */
	struct sr_map dirs;           /* search directory -> struct sr_root_dir */
	size_t dir_fds;               /* descriptors kept open in dirs */
	struct cache_answers {        /* per cache flags value (at most CACHE_FLAGS_MAX): */
		bool used;
		int32_t flags;
		struct sr_map map;    /* name -> struct cache_answer */
	} cache_answers[CACHE_FLAGS_MAX];
	const struct sr_elf *oldq_elf;   /* old_quotes() of this libc.so.6: */
	bool oldq_known, oldq;           /* whether it decides, and the answer */
	/* Version needs found all provided, by (requester, Verneed index,
	 * provider), both parsed files kept by this session (so neither
	 * pointer is ever reused): a library's needs are checked once per run,
	 * not once per program that loads it. */
	struct sr_map vok;
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
	/* Every name of every object so far (add_name), for find_loaded: name
	 * (borrowed: it outlives the resolution) -> the lowest object index
	 * answering to it, hashed by deps_name_key.  names_lost: an add failed
	 * (memory), so find_loaded scans the objects instead. */
	struct sr_map names;
	bool names_lost;
};


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

/* deps_names.c (names) */
void deps_add_name_as(struct ctx *c, size_t obj, const char *name, bool stable);
void deps_add_name_key(struct ctx *c, size_t obj, const char *name, uint32_t key, bool stable);
char *deps_adup(struct ctx *c, const char *s);
char *deps_afmt(struct ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
size_t deps_cat3(char *out, size_t size, const char *a, const char *b, const char *c);
char *deps_dirname_of(struct ctx *c, const char *path);
uint32_t deps_name_key(const char *s);
void deps_names_free(struct ctx *c);
struct obj_name *deps_obj_names(struct obj_priv *p);
bool deps_push_str(struct ctx *c, struct sr_strlist *l, size_t *cap, const char *s, size_t limit);
void deps_warn(struct ctx *c, const char *msg);

/* deps_target.c (target) */
const char *deps_cache_lookup(struct ctx *c, const char *name, uint32_t key, const struct path_info ***pi_memo);
const struct sr_cpu_facts *deps_cpu_of(struct ctx *c);
size_t deps_hwcaps_of(struct ctx *c, const char *const **out);
void deps_musl_path(struct ctx *c);
const char *deps_platform_of(uint16_t m, unsigned cls, bool be);
void deps_set_defaults(struct ctx *c, uint32_t flags);
void **deps_memo_slot(struct sr_map *m, const char *key, uint32_t key_hash, bool *fresh);

/* deps_open.c (open) */
const char *deps_absolute(struct ctx *c, const char *path, char *out);
size_t deps_add_object(struct ctx *c, const char *name, uint32_t key, bool name_stable, const char *path,
                       struct opened *o, size_t loader);
void deps_dir_info_free(void *v);
const struct sr_root_dir *deps_dir_lookup(struct sr_deps_session *ss, const char *cwd, const char *dir);
size_t deps_find_file(struct ctx *c, dev_t dev, ino_t ino);
size_t deps_find_loaded(struct ctx *c, const char *name, uint32_t key);
size_t deps_interp_object(struct ctx *c);
enum cand deps_open_candidate(struct ctx *c, const char *path, struct opened *o, bool check_class);
enum cand deps_open_candidate_memo(struct ctx *c, const char *path, const struct path_info **memo, struct opened *o,
                                   bool check_class);
enum cand deps_open_in_dir(struct ctx *c, const char *dir, const char *name, const char *path,
                           struct opened *o);
void deps_opened_reset(struct opened *o);
const struct path_info *deps_path_lookup(struct sr_deps_session *ss, const char *path, struct path_info *tmp,
                                         char *tmp_real, bool *stated);
struct sr_elf *deps_session_elf(struct sr_deps_session *ss, dev_t dev, ino_t ino);
bool deps_session_keep(struct sr_deps_session *ss, dev_t dev, ino_t ino, struct sr_elf *elf, bool borrowed);
bool deps_split_path(const char *path, char *dir, const char **base);

/* deps_search.c (search) */
void deps_resolve_one(struct ctx *c, size_t from, const char *name);

/* deps_versions.c (versions) */
void deps_check_versions(struct ctx *c);

#endif
