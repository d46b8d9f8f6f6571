/* shipready — targets for `check`: a database entry (optionally pinned to an
 * architecture, "debian-12/arm64") or a real root directory ("dir:PATH"),
 * judged from its files: its C library, its loader, its certificates. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <dirent.h>

#include "check/check_internal.h"
#include "shipready/check.h"
#include "shipready/judge.h"
#include "shipready/root.h"
#include "util/arena.h"

const char *const sr_check_default_targets[] = {
	"debian-11", "debian-12", "ubuntu-22.04", "ubuntu-24.04", "rhel-8", "rhel-9", "alpine-3.22", "scratch", NULL,
};

/* Go and uname spellings of machines to the database's (uname's). */
static const struct {
	const char *alias, *name;
} arch_names[] = {
	{ "x86_64", "x86_64" },   { "amd64", "x86_64" },       { "aarch64", "aarch64" },   { "arm64", "aarch64" },
	{ "i386", "i386" },       { "i686", "i386" },          { "386", "i386" },          { "x86", "i386" },
	{ "i486", "i386" },       { "i586", "i386" },
	{ "arm", "arm" },         { "armv7l", "arm" },         { "armhf", "arm" },         { "armv7", "arm" },
	{ "armv6l", "arm" },      { "armv5tel", "arm" },       { "armv5tejl", "arm" },     { "armv8l", "arm" },
	{ "ppc64le", "ppc64le" },
	{ "ppc64", "ppc64" },     { "s390x", "s390x" },        { "riscv64", "riscv64" },   { "loong64", "loongarch64" },
	{ "loongarch64", "loongarch64" }, { "mips", "mips" },  { "mipsle", "mipsel" },     { "mipsel", "mipsel" },
	{ "mips64", "mips64" },   { "mips64le", "mips64el" },  { "mips64el", "mips64el" },
};

const char *sr_check_arch_name(const char *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < sizeof arch_names / sizeof arch_names[0]; i++)
		if (strcmp(arch_names[i].alias, s) == 0)
			return arch_names[i].name;
	return NULL;
}

bool sr_check_arch_alias_at(size_t i, const char **alias, const char **name)
{
	if (i >= sizeof arch_names / sizeof arch_names[0])
		return false;
	*alias = arch_names[i].alias;
	*name = arch_names[i].name;
	return true;
}

void sr_check_target_free(struct sr_check_target *t)
{
	if (!t)
		return;
	if (t->priv) {
		if (t->priv->root_open)
			sr_root_close(&t->priv->root);
		sr_image_free(t->priv->image);   /* after the root: it removes the directory */
		sr_arena_free(t->priv->arena);
	}
}

/* The host's kernel release, up to the first character that is not part
 * of a dotted version ("6.1.0-18-amd64" -> "6.1.0"). */
static const char *host_kernel(struct sr_arena *a, const struct utsname *u)
{
	size_t n = 0;
	while (u->release[n] && ((u->release[n] >= '0' && u->release[n] <= '9') || u->release[n] == '.'))
		n++;
	while (n > 0 && u->release[n - 1] == '.')
		n--;
	return n ? sr_arena_strndup(a, u->release, n) : NULL;
}

/* The version in glibc's banner "… release version 2.31." of libc.so.6. */
static bool glibc_banner(const struct sr_reader *r, char *out, size_t cap)
{
	static const char key[] = "release version ";
	int64_t at = sr_reader_find(r, 0, r->len, key, sizeof key - 1);
	if (at < 0)
		return false;
	uint64_t o = (uint64_t)at + sizeof key - 1;
	size_t n = 0;
	uint8_t ch;
	while (n + 1 < cap && sr_read_u8(r, o + n, &ch) == SR_OK && ((ch >= '0' && ch <= '9') || ch == '.')) {
		out[n] = (char)ch;
		n++;
	}
	while (n > 0 && out[n - 1] == '.')
		n--;
	out[n] = '\0';
	return n >= 3 && strchr(out, '.') != NULL;
}

/* Does the root have musl's loader for arch (its name's spelling)?  Then
 * the root's C library is musl, of that machine. */
static bool probe_musl(struct sr_check_target *t, const char *arch)
{
	char musl[64];
	snprintf(musl, sizeof musl, "/lib/ld-musl-%s.so.1", arch);
	if (!sr_judge_file(&t->priv->root, musl))
		return false;
	t->libc = SR_LIBC_MUSL;
	t->priv->libc_path = sr_arena_strdup(t->priv->arena, musl);
	t->arch = sr_check_arch_name(arch) ? sr_check_arch_name(arch) : t->arch;
	return true;
}

/* The root's C library: glibc's libc.so.6 where the loader of this machine
 * finds it (its highest GLIBC_2.N definition is the version), else musl's
 * loader. */
static void probe_libc(struct sr_check_target *t)
{
	size_t ndirs;
	const char *const *glibc_dirs = sr_libc_glibc_dirs_any_machine(&ndirs);
	struct sr_check_target_priv *p = t->priv;
	t->libc = SR_LIBC_NONE;
	for (size_t i = 0; i < ndirs; i++) {
		char path[256];
		snprintf(path, sizeof path, "%s/libc.so.6", glibc_dirs[i]);
		struct sr_file f;
		struct sr_error err = { 0 };
		if (sr_root_file_open(&p->root, path, &f, NULL, 0, &err) != SR_OK)
			continue;
		struct sr_elf *e = NULL;
		if (sr_elf_is_elf(&f.r) && sr_elf_parse_ex(&f.r, SR_ELF_LOADER_ONLY, &e, &err) == SR_OK) {
			const char *best = NULL;
			for (size_t j = 0; j < e->verdef_count; j++) {
				const char *n = e->verdef[j].name;
				if (strncmp(n, "GLIBC_2.", 8) == 0 && (!best || sr_version_cmp(n + 6, best) > 0))
					best = n + 6;
			}
			if (best) {
				t->libc = SR_LIBC_GLIBC;
				/* the root's machine is its C library's (a sysroot or an
				 * image of another architecture, judged on this one) */
				const char *arch = sr_check_arch_name(sr_elf_goarch(e));
				if (arch)
					t->arch = arch;
				/* A release that adds no symbol (2.31) defines no version
				 * node of its own: the banner libc.so.6 prints when run
				 * ("… release version 2.31.") is the release. */
				char banner[32];
				t->libc_version = sr_arena_strdup(p->arena, glibc_banner(&f.r, banner, sizeof banner) &&
				                                                    sr_version_cmp(banner, best) >= 0
				                                                ? banner
				                                                : best);
				p->libc_path = sr_arena_strdup(p->arena, path);
			}
			sr_elf_free(e);
		}
		sr_file_close(&f);
		if (t->libc == SR_LIBC_GLIBC)
			return;
	}
	/* musl's loader names its machine: this machine's first (its entry in
	 * the list is tried again, and found absent, in order) */
	static const char *const musl_arches[] = { "x86_64", "aarch64", "i386", "armhf", "riscv64", "ppc64le", "s390x" };
	if (t->arch && probe_musl(t, t->arch))
		return;
	for (size_t i = 0; i < sizeof musl_arches / sizeof musl_arches[0]; i++)
		if (probe_musl(t, musl_arches[i]))
			return;
}

/* The rest of a root's target, its root open: the machine that runs it
 * (this one's, unless its C library is of another machine, or the image
 * says its own: machine, GOARCH spelling), the kernel (this one's: a root
 * is run by it, in a chroot or a container), its C library. */
static void root_target(struct sr_check_target *t, const struct utsname *u, const char *machine)
{
	struct sr_arena *a = t->priv->arena;
	t->dir = t->priv->root.dir;
	t->arch = u ? sr_check_arch_name(u->machine) : NULL;
	if (!t->arch && u)
		t->arch = sr_arena_strdup(a, u->machine);
	if (machine)
		t->arch = sr_check_arch_name(machine) ? sr_check_arch_name(machine) : sr_arena_strdup(a, machine);
	t->kernel = u ? host_kernel(a, u) : NULL;
	probe_libc(t);
}

static struct sr_check_target *target_new(const char *spec)
{
	struct sr_arena *a = sr_arena_new();
	struct sr_check_target *t = a ? sr_arena_alloc(a, sizeof *t) : NULL;
	struct sr_check_target_priv *p = t ? sr_arena_alloc(a, sizeof *p) : NULL;
	if (!p) {
		sr_arena_free(a);
		return NULL;
	}
	p->arena = a;
	t->priv = p;
	t->name = sr_arena_strdup(a, spec);
	t->libc = SR_LIBC_UNKNOWN;
	return t;
}

enum sr_err sr_check_target_of_root(const struct sr_root *root, const char *name, const char *machine,
                                    struct sr_check_target **out, struct sr_error *err)
{
	*out = NULL;
	struct sr_check_target *t = target_new(name);
	if (!t)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	enum sr_err rc = root->tree ? sr_root_open_tree(root->tree, root->dir, &t->priv->root, err)
	                            : sr_root_open(root->dir, &t->priv->root, err);
	if (rc != SR_OK) {
		sr_check_target_free(t);
		return rc;
	}
	t->priv->root_open = true;
	struct utsname u;
	root_target(t, uname(&u) == 0 ? &u : NULL, machine);
	*out = t;
	return SR_OK;
}

enum sr_err sr_check_target_open(const struct sr_targets *db, const char *spec, struct sr_check_target **out,
                                 struct sr_error *err)
{
	*out = NULL;
	struct sr_check_target *t = target_new(spec);
	if (!t)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	struct sr_check_target_priv *p = t->priv;
	struct utsname u;
	bool have_uname = uname(&u) == 0;

	const char *dir = strncmp(spec, "dir:", 4) == 0 ? spec + 4 : NULL;
	if (dir && !dir[0]) {
		sr_check_target_free(t);
		return sr_error_set(err, SR_E_USAGE, "dir: needs a directory, e.g. dir:/srv/rootfs");
	}
	if (sr_image_spec_is(spec)) {
		/* an image: the platform this machine would run (or its only one)
		 * is the root */
		const struct sr_root *ir = NULL;
		enum sr_err rc = sr_image_open(spec, &p->image, err);
		size_t i = rc == SR_OK ? sr_image_platform_for(p->image, have_uname ? u.machine : NULL) : 0;
		if (rc == SR_OK && i == SIZE_MAX)
			rc = sr_error_set(err, SR_E_USAGE, "%s: no image for this machine (%s) among its %zu platforms", spec,
			                  have_uname ? u.machine : "unknown", sr_image_platform_count(p->image));
		if (rc == SR_OK)
			rc = sr_image_root(p->image, i, &ir, NULL, err);
		if (rc == SR_OK)
			rc = sr_root_open_tree(ir->tree, ir->dir, &p->root, err);
		if (rc != SR_OK) {
			sr_check_target_free(t);
			return rc;
		}
		p->root_open = true;
		root_target(t, have_uname ? &u : NULL, sr_image_platform_at(p->image, i)->architecture);
		*out = t;
		return SR_OK;
	}
	if (dir) {
		enum sr_err rc = sr_root_open(dir, &p->root, err);
		if (rc != SR_OK) {
			sr_check_target_free(t);
			return rc;
		}
		p->root_open = true;
		root_target(t, have_uname ? &u : NULL, NULL);
		*out = t;
		return SR_OK;
	}

	/* NAME or NAME/ARCH */
	char name[128];
	const char *slash = strchr(spec, '/');
	size_t nlen = slash ? (size_t)(slash - spec) : strlen(spec);
	if (nlen >= sizeof name) {
		sr_check_target_free(t);
		return sr_error_set(err, SR_E_USAGE, "unknown target (see 'shipready targets')");
	}
	memcpy(name, spec, nlen);
	name[nlen] = '\0';
	t->db = db ? sr_targets_find(db, name) : NULL;
	if (!t->db) {
		sr_check_target_free(t);
		return sr_error_set(err, SR_E_USAGE, "unknown target '%s' (see 'shipready targets')", name);
	}
	if (slash) {
		t->arch = sr_check_arch_name(slash + 1);
		if (!t->arch) {
			sr_check_target_free(t);
			return sr_error_set(err, SR_E_USAGE, "unknown architecture '%s' (x86_64, aarch64, i386, arm, …)",
			                    slash + 1);
		}
	}
	t->libc = t->db->libc;
	t->libc_version = t->db->libc_version;
	/* an image's kernel is the host's: unknown here */
	t->kernel = t->db->kind == SR_TARGET_DISTRO ? t->db->kernel : NULL;
	*out = t;
	return SR_OK;
}
