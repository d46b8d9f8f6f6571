/* shipready — the target machine of a resolution: its platform, the loader's default directories, ld.so.cache lookups, musl's path file. */
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

const char *deps_platform_of(uint16_t m, unsigned cls, bool be)
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



/* The value slot of key (hashed by key_hash, its deps_name_key) in one of
 * the session's memos: *fresh tells whether it was just added (its value
 * is then NULL).  NULL when the memo is full or memory ran out. */
void **deps_memo_slot(struct sr_map *m, const char *key, uint32_t key_hash, bool *fresh)
{
	struct sr_map_slot *e = sr_map_add_h(m, key, strlen(key), key_hash, fresh);
	return e ? &e->val : NULL;
}

/* The CPU an x86-64 program is imagined on (opts.cpu, or this machine's),
 * asked when first needed (a search through directories, a cache with
 * glibc-hwcaps entries, $PLATFORM), since CPUID is slow in a virtual
 * machine and most programs resolve without it.  NULL for programs of other
 * machines: their loaders' CPU rules are not modelled (the baseline). */
const struct sr_cpu_facts *deps_cpu_of(struct ctx *c)
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
size_t deps_hwcaps_of(struct ctx *c, const char *const **out)
{
	*out = c->ss->hwcaps;
	return deps_cpu_of(c) ? c->ss->nhwcaps : 0;
}

/* The cache's answer for (name, flags, CPU), asked once per session: the
 * answers for each flags value (a run has one or two) in a table keyed by
 * name, whose name_key is key.  NULL when none; *pi_memo (when not NULL)
 * is then where the session's path_lookup answer for it is remembered. */
const char *deps_cache_lookup(struct ctx *c, const char *name, uint32_t key, const struct path_info ***pi_memo)
{
	struct sr_deps_session *ss = c->ss;
	struct sr_map *answers = NULL;
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
	void **slot = answers ? deps_memo_slot(answers, name, key, &fresh) : NULL;
	struct cache_answer *ca = slot ? *slot : NULL;
	if (!ca) {
		const char *const *hwcaps = NULL;
		size_t nhwcaps = sr_ldcache_has_hwcaps(ss->cache) ? deps_hwcaps_of(c, &hwcaps) : 0;
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
	const struct path_info *pi = deps_path_lookup(c->ss, path, &tmp, real, NULL);
	return pi->found && S_ISDIR(pi->mode);
}

/* The pair /LIB, /usr/LIB (lib: "lib/x86_64-linux-gnu", "lib64") as the
 * default directories, when the root has either; false when it has neither. */
static bool use_dir_pair(struct ctx *c, const char *lib)
{
	char top[256], usr[256];
	if (deps_cat3(top, sizeof top, "/", lib, "") >= sizeof top ||
	    deps_cat3(usr, sizeof usr, "/usr/", lib, "") >= sizeof usr)
		return false;
	if (!is_dir_in_root(c, usr) && !is_dir_in_root(c, top))
		return false;
	struct sr_deps *d = c->d;
	deps_push_str(c, &d->default_dirs, &c->caps.defaults, deps_adup(c, top), 16);
	deps_push_str(c, &d->default_dirs, &c->caps.defaults, deps_adup(c, usr), 16);
	c->lib_dst = deps_adup(c, lib);
	return true;
}

/* The default directories of the target's glibc, chosen by the root's
 * layout: Debian's multiarch directories (then /lib and /usr/lib), or
 * upstream glibc's own for the machine (lib64 on Fedora, SUSE, …), or lib
 * (data/libc.json has both). */
void deps_set_defaults(struct ctx *c, uint32_t flags)
{
	struct sr_deps *d = c->d;
	if (d->loader_kind == SR_LOADER_MUSL)
		return;   /* musl: see deps_musl_path() */
	const char *t = sr_libc_multiarch_triplet(c->machine, c->elf_class, flags, c->big_endian);
	char lib[256];
	if (t && deps_cat3(lib, sizeof lib, "lib/", t, "") < sizeof lib && use_dir_pair(c, lib)) {
		deps_push_str(c, &d->default_dirs, &c->caps.defaults, "/lib", 16);
		deps_push_str(c, &d->default_dirs, &c->caps.defaults, "/usr/lib", 16);
		return;
	}
	const char *sl = sr_libc_glibc_slibdir(c->machine, c->elf_class, flags, c->big_endian);
	if (sl && use_dir_pair(c, sl))
		return;
	deps_push_str(c, &d->default_dirs, &c->caps.defaults, "/lib", 16);
	deps_push_str(c, &d->default_dirs, &c->caps.defaults, "/usr/lib", 16);
	c->lib_dst = "lib";
}

/* musl's directories: /etc/ld-musl-ARCH.path (newline or colon separated) or
 * its built-in default. */
void deps_musl_path(struct ctx *c)
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
					deps_push_str(c, &d->default_dirs, &c->caps.defaults, tok, 64);
		}
		sr_file_close(&f);
		if (d->default_dirs.count)
			return;
	}
	/* the built-in path, one directory at a time */
	const char *path = sr_libc_musl_default_path();
	for (const char *p0 = path; *p0;) {
		size_t n = strcspn(p0, ":");
		if (n)
			deps_push_str(c, &d->default_dirs, &c->caps.defaults, sr_arena_strndup(c->a, p0, n), 16);
		p0 += n + (p0[n] == ':');
	}
}
