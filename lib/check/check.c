/* shipready — verdicts: will this binary run on that target?
 *
 * Order of the questions is the order in which a start fails: the kernel
 * (format, architecture, OS), the interpreter, the libraries and their
 * symbol versions (ld.so), the kernel version (static glibc, Go), then the
 * files the program reads once running (CA roots, zoneinfo, …), which make
 * a feature fail rather than the start.  Database targets are judged from
 * the entry's facts; dir: targets from their files, with the deps loader
 * model. */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check_internal.h"
#include "shipready/analysis.h"
#include "shipready/check.h"
#include "shipready/deps.h"
#include "shipready/judge.h"
#include "util/arena.h"

struct sr_check_result_priv {
	struct sr_arena *arena;
};

struct ctx {
	struct sr_arena *a;
	struct sr_check_result *r;
	size_t cap;
	struct sr_analysis *an;       /* the binary's one analysis (its resolutions are kept there) */
	const struct sr_inspect *in;
	const struct sr_check_target *t;
	const char *prog;             /* the program as the user names it */
	const char *tname;            /* the target's name for sentences */
	/* database targets: the object judged (the program, or a library it
	 * carries), and the libraries it carries found through $ORIGIN */
	const struct sr_elf *obj;
	const char *req;              /* obj as the loader names it in messages */
	size_t obj_index;             /* obj among shipped->objects (0: the program) */
	const struct sr_deps *shipped;   /* the program resolved on this machine, or NULL */
};

const char *sr_verdict_name(enum sr_verdict v)
{
	switch (v) {
	case SR_VERDICT_RUNS: return "runs";
	case SR_VERDICT_UNKNOWN: return "unknown";
	case SR_VERDICT_WARN: return "warn";
	case SR_VERDICT_FAILS: return "fails";
	}
	return "unknown";
}

const char *sr_severity_name(enum sr_severity s)
{
	switch (s) {
	case SR_SEV_INFO: return "info";
	case SR_SEV_UNKNOWN: return "unknown";
	case SR_SEV_WARN: return "warn";
	case SR_SEV_FAIL: return "fail";
	}
	return "info";
}

static void add(struct ctx *c, enum sr_severity sev, const char *kind, const char *reason, const char *message,
                const char *evidence, const char *fix)
{
	struct sr_check_result *r = c->r;
	struct sr_finding *f = sr_arena_grow(c->a, r->findings, r->nfindings, &c->cap, sizeof *f, 4096);
	if (!f)
		return;
	r->findings = f;
	f[r->nfindings++] = (struct sr_finding){ sev, kind, reason, message, evidence, fix };
}

/* A hostile file can name thousands of libraries: past this many library
 * findings per result, one more says how many were left out. */
#define MAX_LIB_FINDINGS 32

/* Past MAX_LIB_FINDINGS findings since base, one finding says how many
 * entries were left out; true then (stop). */
static bool lib_cap(struct ctx *c, size_t base, size_t left)
{
	if (c->r->nfindings - base < MAX_LIB_FINDINGS)
		return false;
	add(c, SR_SEV_UNKNOWN, "library", sr_arena_printf(c->a, "%zu more needed libraries not judged", left), NULL, NULL, NULL);
	return true;
}

static bool has_kind(const struct ctx *c, const char *kind, enum sr_severity at_least)
{
	for (size_t i = 0; i < c->r->nfindings; i++)
		if (c->r->findings[i].severity >= at_least && strcmp(c->r->findings[i].kind, kind) == 0)
			return true;
	return false;
}

static bool str_in(const struct sr_target_strs *l, const char *s)
{
	for (size_t i = 0; l->present && i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

/* ---------- the C library's files ---------- */

static bool is_cxx_lib(const char *n)
{
	return strcmp(n, "libstdc++.so.6") == 0 || strcmp(n, "libgcc_s.so.1") == 0;
}

static const char *libc_word(enum sr_libc l)
{
	return l == SR_LIBC_GLIBC ? "glibc" : l == SR_LIBC_MUSL ? "musl" : l == SR_LIBC_NONE ? "no C library" : "?";
}

/* ---------- format, architecture, OS ---------- */

const char *sr_check_binary_arch(const struct sr_elf *e)
{
	return sr_check_arch_name(sr_elf_goarch(e));
}

static const char *fix_for_arch(struct ctx *c, const char *arch)
{
	if (c->in->go)
		return sr_arena_printf(c->a, "build for it: GOOS=linux GOARCH=%s", strcmp(arch, "x86_64") == 0 ? "amd64"
		                                                        : strcmp(arch, "aarch64") == 0 ? "arm64"
		                                                        : strcmp(arch, "i386") == 0 ? "386" : arch);
	return sr_arena_printf(c->a, "build it for %s (a cross compiler or a native build)", arch);
}

/* A distribution whose complete list of architectures lacks arch does not
 * run the program; an unconfirmed list says nothing (the facts the program
 * needs on arch are judged, and said unknown, where they are used). */
static bool runs_on_arch(struct ctx *c, const struct sr_target *t, const char *arch)
{
	if (!t || t->kind != SR_TARGET_DISTRO || !t->architectures.present || str_in(&t->architectures, arch) ||
	    sr_target_unconfirmed(t, "architectures"))
		return true;
	add(c, SR_SEV_FAIL, "exec-format", sr_arena_printf(c->a, "%s does not run on %s", t->name, arch),
	    "Exec format error", NULL, NULL);
	return false;
}

/* False when the program cannot start at all for format reasons. */
static bool check_format(struct ctx *c)
{
	const struct sr_inspect *in = c->in;
	const char *arch = c->t->arch;
	if (in->format == SR_FMT_PE || in->format == SR_FMT_MACHO) {
		bool pe = in->format == SR_FMT_PE;
		add(c, SR_SEV_FAIL, "exec-format",
		    pe ? "a Windows program (PE): Linux cannot execute it" : "a macOS program (Mach-O): Linux cannot execute it",
		    "Exec format error", NULL,
		    in->go ? sr_arena_printf(c->a, "build for Linux: GOOS=linux GOARCH=%s", in->go->goarch ? in->go->goarch : "amd64")
		           : "build it for Linux");
		if (pe && in->pe->clr)
			add(c, SR_SEV_INFO, "runtime", "a .NET assembly: it runs on Linux with the .NET runtime (dotnet FILE) "
			    "if it targets .NET Core/5+ and has no Windows-only dependencies", NULL, ".NET (CLR) header", NULL);
		return false;
	}
	if (in->format != SR_FMT_ELF || !in->elf) {
		add(c, SR_SEV_FAIL, "exec-format", "not an executable format Linux knows", "Exec format error", NULL, NULL);
		return false;
	}
	const struct sr_elf *e = in->elf;
	if (e->kind == SR_ELF_KIND_REL || e->kind == SR_ELF_KIND_CORE || e->kind == SR_ELF_KIND_UNKNOWN) {
		add(c, SR_SEV_FAIL, "exec-format", sr_arena_printf(c->a, "not a program: an ELF %s", sr_elf_kind_name(e->kind)),
		    "Exec format error", NULL, NULL);
		return false;
	}

	/* another OS: the Linux kernel loads any ELF of its machine, but the
	 * system calls are not Linux's */
	const char *os = NULL;
	if (in->go && in->go->goos && strcmp(in->go->goos, "linux") != 0 && strcmp(in->go->goos, "android") != 0)
		os = in->go->goos;
	else if (e->osabi == ELFOSABI_FREEBSD)
		os = "FreeBSD";
	else if (e->osabi == ELFOSABI_NETBSD)
		os = "NetBSD";
	else if (e->osabi == ELFOSABI_OPENBSD)
		os = "OpenBSD";
	else if (e->osabi == ELFOSABI_SOLARIS)
		os = "Solaris";
	else if (e->has_abi_tag && e->abi_tag_os != 0)
		os = e->abi_tag_os == 3 ? "FreeBSD" : e->abi_tag_os == 2 ? "Solaris" : "GNU/Hurd";
	if (os) {
		add(c, SR_SEV_FAIL, "wrong-os",
		    sr_arena_printf(c->a, "a program for %s: Linux may load it, but its system calls are not Linux's", os), NULL,
		    in->go ? "GOOS" : "ELF OS/ABI", in->go ? "build for Linux: GOOS=linux" : "build it for Linux");
		return false;
	}

	const char *barch = sr_check_binary_arch(e);
	if (!barch) {
		add(c, SR_SEV_UNKNOWN, "exec-format", sr_arena_printf(c->a, "unknown machine %u", e->machine), NULL, NULL, NULL);
		return true;
	}
	/* a database entry named without an architecture is the program's */
	const struct sr_target *t = c->t->db;
	if (!arch && t)
		arch = barch;
	if (arch) {
		if (strcmp(arch, barch) == 0)
			return runs_on_arch(c, t, barch);
		if (strcmp(barch, "i386") == 0 && strcmp(arch, "x86_64") == 0) {
			add(c, SR_SEV_INFO, "exec-format", "a 32-bit x86 program on x86_64: runs where the kernel has IA32 "
			    "emulation (the distributions' kernels do)", NULL, NULL, NULL);
			return true;
		}
		if (strcmp(barch, "arm") == 0 && strcmp(arch, "aarch64") == 0) {
			add(c, SR_SEV_UNKNOWN, "exec-format", "a 32-bit ARM program on aarch64: runs only on CPUs with AArch32 "
			    "and kernels built with COMPAT", NULL, NULL, NULL);
			return true;
		}
		add(c, SR_SEV_FAIL, "exec-format", sr_arena_printf(c->a, "built for %s, the machine is %s", barch, arch),
		    "Exec format error", sr_arena_printf(c->a, "e_machine %s", sr_elf_machine_name(e->machine)
		                                                    ? sr_elf_machine_name(e->machine) : "?"),
		    fix_for_arch(c, arch));
		return false;
	}
	return true;
}

/* ---------- kernel ---------- */

static void check_kernel(struct ctx *c)
{
	const char *k = c->t->kernel;
	if (!k)
		return;
	struct sr_kernel_floor fl;
	sr_inspect_kernel_floor(c->in, &fl);
	if (fl.glibc[0] && sr_version_cmp(k, fl.glibc) < 0)
		add(c, SR_SEV_FAIL, "kernel", sr_arena_printf(c->a, "its glibc needs Linux ≥ %s, %s has %s", fl.glibc, c->tname, k),
		    "FATAL: kernel too old", sr_arena_printf(c->a, "NT_GNU_ABI_TAG %s", fl.glibc),
		    "link against an older glibc (build on an older distribution)");
	const struct sr_go_info *g = c->in->go;
	if (fl.go && sr_version_cmp(k, fl.go) < 0)
		add(c, SR_SEV_FAIL, "kernel",
		    sr_arena_printf(c->a, "Go %u.%u needs Linux ≥ %s, %s has %s", g->go_major, g->go_minor, g->min_kernel, c->tname, k),
		    NULL, g->version, "build with an older Go release");
}

/* ---------- libraries: from the database ---------- */

static const char *missing_lib_message(struct ctx *c, enum sr_libc family, const char *lib)
{
	if (family == SR_LIBC_MUSL)
		return sr_arena_printf(c->a, "Error loading shared library %s: No such file or directory (needed by %s)", lib, c->req);
	return sr_arena_printf(c->a, "%s: error while loading shared libraries: %s: cannot open shared object file: No such file "
	            "or directory", c->prog, lib);
}

static const char *fix_static(struct ctx *c)
{
	if (c->in->go)
		return "build with CGO_ENABLED=0 (no C library needed), or link statically";
	return "link statically (gcc -static, or musl-gcc -static), or pick a base image with the C library";
}

/* The interpreter on a database target; false when it is missing (the
 * program does not start, and the libraries are not worth judging). */
static bool db_interp(struct ctx *c, const char *barch)
{
	const struct sr_elf *e = c->in->elf;
	const struct sr_target *t = c->t->db;
	const char *interp = e->interpreter;
	enum sr_libc fam = sr_libc_of_interpreter(interp, &e->needed);
	if (fam == SR_LIBC_UNKNOWN)
		fam = e->libc;
	if (t->libc == SR_LIBC_NONE) {
		add(c, SR_SEV_FAIL, "interpreter",
		    sr_arena_printf(c->a, "%s has no dynamic loader: %s is missing", c->tname, interp ? interp : "the interpreter"),
		    "No such file or directory", sr_arena_printf(c->a, "PT_INTERP %s", interp ? interp : "?"), fix_static(c));
		return false;
	}
	if (t->libc == SR_LIBC_UNKNOWN) {
		add(c, SR_SEV_UNKNOWN, "interpreter", sr_arena_printf(c->a, "the database does not say which C library %s has", c->tname),
		    NULL, NULL, NULL);
		return false;
	}
	const struct sr_target_arch *ta = sr_target_arch_find(t, c->t->arch ? c->t->arch : barch);
	if (fam != SR_LIBC_UNKNOWN && fam != t->libc) {
		const char *fix = fam == SR_LIBC_GLIBC && t->libc == SR_LIBC_MUSL
		                      ? (c->in->go ? "build with CGO_ENABLED=0, or build on Alpine (musl), or install "
		                                     "gcompat there (a glibc shim; not complete)"
		                                   : "build against musl (on Alpine, or musl-gcc), link statically, or "
		                                     "install gcompat there (a glibc shim; not complete)")
		                      : "link statically, or install musl on the target";
		add(c, SR_SEV_FAIL, "interpreter",
		    sr_arena_printf(c->a, "a %s program on a %s system: the interpreter %s is missing", libc_word(fam),
		         libc_word(t->libc), interp ? interp : "?"),
		    "No such file or directory", sr_arena_printf(c->a, "PT_INTERP %s", interp ? interp : "?"), fix);
		return false;
	}
	if (!ta || !ta->loader) {
		add(c, SR_SEV_UNKNOWN, "interpreter",
		    sr_arena_printf(c->a, "the database does not give %s's loader on %s", c->tname, c->t->arch ? c->t->arch : barch),
		    NULL, NULL, NULL);
		return true;
	}
	if (interp && strcmp(interp, ta->loader) != 0) {
		add(c, SR_SEV_FAIL, "interpreter", sr_arena_printf(c->a, "the interpreter %s is not where %s keeps it (%s)", interp,
		                                        c->tname, ta->loader),
		    "No such file or directory", sr_arena_printf(c->a, "PT_INTERP %s", interp),
		    sr_arena_printf(c->a, "relink with -Wl,--dynamic-linker=%s, or patchelf --set-interpreter %s", ta->loader,
		         ta->loader));
		return false;
	}
	return true;
}

/* The OpenSSL soname a libcrypto.so.N goes with. */
static bool openssl_lib(const char *n, const char **suffix)
{
	if (strncmp(n, "libssl.so.", 10) == 0) {
		*suffix = n + 10;
		return true;
	}
	if (strncmp(n, "libcrypto.so.", 13) == 0) {
		*suffix = n + 13;
		return true;
	}
	return false;
}

/* ---------- libraries the program carries ($ORIGIN) ---------- */

/* The program resolved where it is (this machine), for the libraries it
 * carries through $ORIGIN; NULL when it names no $ORIGIN or cannot be.
 * The analysis keeps it: every database target reads the same. */
static const struct sr_deps *carried_libraries(struct sr_analysis *an)
{
	const struct sr_elf *e = an->in.elf;
	bool origin = false;
	for (size_t i = 0; i < e->rpath.count && !origin; i++)
		origin = strstr(e->rpath.items[i], "$ORIGIN") != NULL;
	for (size_t i = 0; i < e->runpath.count && !origin; i++)
		origin = strstr(e->runpath.items[i], "$ORIGIN") != NULL;
	const struct sr_deps *d = NULL;
	struct sr_error err = { 0 };
	if (origin && sr_analysis_deps(an, NULL, &d, &err) != SR_OK)
		d = NULL;
	return d;
}

/* Was object i of d found through a search path with $ORIGIN: a library
 * that travels with the program (an npm add-on's tree, a bundle)? */
static bool found_by_origin(const struct sr_deps *d, size_t i)
{
	for (size_t k = 0; k < d->edge_count; k++) {
		const struct sr_dep_edge *ed = &d->edges[k];
		if (ed->to == i && (ed->how == SR_FOUND_RPATH || ed->how == SR_FOUND_RUNPATH) && ed->via &&
		    strstr(ed->via, "$ORIGIN"))
			return true;
	}
	return false;
}

/* Does the judged object's DT_NEEDED name resolve to a carried library? */
static bool shipped_edge(const struct ctx *c, const char *name)
{
	const struct sr_deps *d = c->shipped;
	if (!d)
		return false;
	for (size_t k = 0; k < d->edge_count; k++) {
		const struct sr_dep_edge *ed = &d->edges[k];
		if (ed->from == c->obj_index && ed->to != SR_DEPS_NONE && strcmp(ed->name, name) == 0)
			return found_by_origin(d, ed->to);
	}
	return false;
}

static void db_libraries(struct ctx *c)
{
	const struct sr_elf *e = c->obj;
	const struct sr_target *t = c->t->db;
	size_t base = c->r->nfindings;
	for (size_t i = 0; i < e->needed.count; i++) {
		const char *n = e->needed.items[i];
		const char *suffix;
		if (lib_cap(c, base, e->needed.count - i))
			break;
		if (shipped_edge(c, n))
			continue;   /* carried with the program: judged as one of its objects */
		if ((t->libc == SR_LIBC_GLIBC || t->libc == SR_LIBC_MUSL) &&
		    sr_libc_provides(t->libc, t->libc_version, c->t->arch ? c->t->arch : sr_check_binary_arch(e), n))
			continue;   /* the C library's own (musl's loader answers its names with itself) */
		if (is_cxx_lib(n)) {
			if (t->libc == SR_LIBC_GLIBC && t->kind == SR_TARGET_DISTRO)
				continue;   /* part of every glibc distribution's base (the package manager needs it) */
			add(c, SR_SEV_UNKNOWN, "library", sr_arena_printf(c->a, "%s is not in the base system", n),
			    missing_lib_message(c, t->libc, n), sr_arena_printf(c->a, "DT_NEEDED %s", n),
			    t->libc == SR_LIBC_MUSL ? "apk add libstdc++ libgcc" : "install the C++ runtime, or link it "
			                                                            "statically (-static-libstdc++ -static-libgcc)");
			continue;
		}
		if (openssl_lib(n, &suffix)) {
			if (!t->openssl_sonames.present) {
				add(c, SR_SEV_UNKNOWN, "library", sr_arena_printf(c->a, "the database does not say which OpenSSL %s has", c->tname),
				    NULL, sr_arena_printf(c->a, "DT_NEEDED %s", n), NULL);
				continue;
			}
			char want[64];
			snprintf(want, sizeof want, "libssl.so.%s", suffix);
			if (str_in(&t->openssl_sonames, want))
				continue;
			char have[128] = "";
			for (size_t k = 0; k < t->openssl_sonames.n; k++)
				snprintf(have + strlen(have), sizeof have - strlen(have), "%s%s", k ? ", " : "",
				         t->openssl_sonames.v[k]);
			add(c, SR_SEV_FAIL, "library",
			    sr_arena_printf(c->a, "needs OpenSSL %s, %s has %s", suffix, c->tname, have[0] ? have : "none"),
			    missing_lib_message(c, t->libc, n), sr_arena_printf(c->a, "DT_NEEDED %s", n),
			    "build against the target's OpenSSL, or link OpenSSL statically");
			continue;
		}
		add(c, SR_SEV_UNKNOWN, "library",
		    sr_arena_printf(c->a, "%s is not part of the base system as far as the database knows: the target needs the "
		         "package that provides it", n),
		    missing_lib_message(c, t->libc, n), sr_arena_printf(c->a, "DT_NEEDED %s", n), "ship it beside the program "
		    "(RUNPATH $ORIGIN) or install it on the target");
	}
}

/* The version family a database entry gives ("glibc" for GLIBC_*), its
 * value for t and the field's name; false for a family it does not track. */
static bool db_family(const struct sr_target *t, const char *family, const char **have, const char **what,
                      const char **field)
{
	if (strcmp(family, "GLIBC") == 0)
		*have = t->libc_version, *what = "glibc", *field = "libc.version";
	else if (strcmp(family, "GLIBCXX") == 0)
		*have = t->glibcxx_max, *what = "libstdc++ GLIBCXX", *field = "glibcxx_max";
	else if (strcmp(family, "CXXABI") == 0)
		*have = t->cxxabi_max, *what = "libstdc++ CXXABI", *field = "cxxabi_max";
	else
		return false;
	return true;
}

/* One required version (DT_VERNEED) of a family the database tracks. */
struct need_ver {
	const char *name;          /* "GLIBC_2.34" */
	const char *version;       /* "2.34" */
	const char *file;          /* the library it is required from */
};

/* e's required versions of family (unique names, lowest first, at most cap):
 * read from DT_VERNEED, so a library the loader model parsed for its tables
 * alone (no vermax) is judged like a program. */
static size_t family_versions(const struct sr_elf *e, const char *family, struct need_ver *out, size_t cap)
{
	size_t flen = strlen(family), n = 0;
	for (size_t f = 0; f < e->verneed_count; f++)
		for (size_t k = 0; k < e->verneed[f].count; k++) {
			const char *name = e->verneed[f].vers[k].name, *ver;
			size_t fl, i = 0;
			if (!name || !sr_version_split(name, &fl, &ver) || fl != flen || strncmp(name, family, flen) != 0)
				continue;
			while (i < n && strcmp(out[i].name, name) != 0)
				i++;
			if (i < n || n == cap)
				continue;
			/* insert in version order */
			for (i = n++; i > 0 && sr_version_cmp(out[i - 1].version, ver) > 0; i--)
				out[i] = out[i - 1];
			out[i] = (struct need_ver){ name, ver, e->verneed[f].file };
		}
	return n;
}

/* Every required version (DT_VERNEED) the entry's libraries lack, lowest
 * first, each with the loader's message, as ldd lists them all; the fix is
 * said once, with the highest. */
static void db_versions(struct ctx *c, const char *barch)
{
	static const char *const tracked[] = { "GLIBC", "GLIBCXX", "CXXABI" };
	const struct sr_elf *e = c->obj;
	const struct sr_target *t = c->t->db;
	if (t->libc != SR_LIBC_GLIBC)
		return;   /* musl ignores symbol versions */
	const struct sr_target_arch *ta = sr_target_arch_find(t, c->t->arch ? c->t->arch : barch);
	const char *libdir = ta && ta->lib_dirs.present && ta->lib_dirs.n ? ta->lib_dirs.v[ta->lib_dirs.n - 1] : NULL;
	/* glibc 2.37 changed its quotes from `x' to 'x' */
	bool oldq = t->libc_version && sr_version_cmp(t->libc_version, "2.37") < 0;
	for (size_t fi = 0; fi < sizeof tracked / sizeof tracked[0]; fi++) {
		const char *family = tracked[fi], *have, *what, *field;
		struct need_ver v[64];
		size_t n = family_versions(e, family, v, sizeof v / sizeof v[0]);
		if (n == 0 || !db_family(t, family, &have, &what, &field))
			continue;
		const struct need_ver *top = &v[n - 1];
		if (!have) {
			const char *ev = sr_arena_printf(c->a, "%s from %s", top->name, top->file ? top->file : "?");
			add(c, SR_SEV_UNKNOWN, "symbol-version",
			    sr_arena_printf(c->a, "needs %s, the database does not give %s for %s", top->name, field, c->tname),
			    NULL, ev, NULL);
			continue;
		}
		const char *fix = strcmp(family, "GLIBC") == 0
		        ? (c->in->go ? sr_arena_printf(c->a, "build with CGO_ENABLED=0, or build on a system with glibc ≤ %s", have)
		                     : sr_arena_printf(c->a, "build on a system (or sysroot) with glibc ≤ %s, or link statically", have))
		        : "link libstdc++ statically (-static-libstdc++) or build with an older GCC";
		/* the symbol that needs the highest, when the parser found it */
		const char *symbol = NULL;
		for (size_t m = 0; m < e->vermax_count; m++)
			if (strcmp(e->vermax[m].name, top->name) == 0)
				symbol = e->vermax[m].symbol;
		for (size_t i = 0; i < n; i++) {
			if (sr_version_cmp(v[i].version, have) <= 0)
				continue;
			const char *lib = v[i].file ? v[i].file : "libc.so.6";
			const char *ev = &v[i] == top && symbol ? sr_arena_printf(c->a, "%s@%s from %s", symbol, v[i].name, lib)
			                                        : sr_arena_printf(c->a, "%s from %s", v[i].name, lib);
			add(c, SR_SEV_FAIL, "symbol-version",
			    sr_arena_printf(c->a, "needs %s, %s has %s %s", v[i].name, c->tname, what, have),
			    sr_arena_printf(c->a, "%s: %s%s%s: version %s%s' not found (required by %s)", c->prog,
			                    libdir ? libdir : "", libdir ? "/" : "", lib, oldq ? "`" : "'", v[i].name, c->req),
			    ev, &v[i] == top ? fix : NULL);
		}
	}
}

/* The program's own tree: when its RPATH or RUNPATH names $ORIGIN, the
 * libraries found there (on this machine, where the program is) go with
 * it to any target, and each is judged against the target as the program
 * is: its libraries and its symbol versions. */
/* A glibc object on a musl database target: musl's loader answers
 * libc.so.6 with itself and ignores symbol versions, then binds each import
 * to musl's own symbols; one it does not define stops the load.  Which
 * symbols each musl release defines is data/musl-symbols.json. */
static void db_musl_symbols(struct ctx *c)
{
	const struct sr_elf *e = c->obj;
	const struct sr_target *t = c->t->db;
	if (t->libc != SR_LIBC_MUSL || !e->glibc_imports.count)
		return;
	const char *missing[8], *unknown[8];
	size_t nmissing = 0, nunknown = 0;
	for (size_t i = 0; i < e->glibc_imports.count; i++) {
		const char *s = e->glibc_imports.items[i];
		switch (sr_libc_musl_defines(s, t->libc_version)) {
		case SR_SYMBOL_DEFINED:
			break;
		case SR_SYMBOL_MISSING:
			if (nmissing < 8)
				missing[nmissing] = s;
			nmissing++;
			break;
		case SR_SYMBOL_UNKNOWN:
			if (nunknown < 8)
				unknown[nunknown] = s;
			nunknown++;
			break;
		}
	}
	const char *musl = t->libc_version ? sr_arena_printf(c->a, "musl %s", t->libc_version) : "its musl";
	if (nmissing) {
		char list[512];
		size_t w = 0;
		for (size_t i = 0; i < nmissing && i < 8 && w < sizeof list; i++)
			w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", i ? ", " : "", missing[i]);
		add(c, SR_SEV_FAIL, "symbol",
		    sr_arena_printf(c->a, "%s needs %zu symbol%s from glibc that %s (%s) does not define: %s%s", c->req, nmissing,
		                    nmissing == 1 ? "" : "s", musl, c->tname, list, nmissing > 8 ? ", …" : ""),
		    sr_arena_printf(c->a, "Error relocating %s: %s: symbol not found", c->req, missing[0]),
		    sr_arena_printf(c->a, "imports %s (GLIBC_ versions)", missing[0]),
		    "build it against musl (on Alpine, or with musl-gcc), or install gcompat there (a glibc shim; "
		    "not complete)");
	}
	if (nunknown)
		add(c, SR_SEV_UNKNOWN, "symbol",
		    sr_arena_printf(c->a, "%s needs %s from glibc: defined in one musl release shipready knows and not in the "
		                    "other; not known for %s", c->req, unknown[0], musl),
		    NULL, sr_arena_printf(c->a, "imports %s", unknown[0]), NULL);
}

static void db_carried(struct ctx *c, const char *barch)
{
	const struct sr_elf *e = c->in->elf;
	const struct sr_deps *d = c->shipped;
	if (!d)
		return;
	for (size_t i = 1; i < d->object_count; i++) {
		const struct sr_dep_object *o = &d->objects[i];
		if (!o->elf || o->is_interp || !found_by_origin(d, i))
			continue;
		add(c, SR_SEV_INFO, "library", sr_arena_printf(c->a, "%s ships with the program (%s): judged against %s too",
		                                             o->name, o->path, c->tname), NULL, NULL, NULL);
		c->obj = o->elf;
		c->req = o->path;
		c->obj_index = i;
		db_libraries(c);
		db_versions(c, barch);
		db_musl_symbols(c);
	}
	c->obj = e;
	c->req = c->prog;
	c->obj_index = 0;
}

/* ---------- libraries: from a root's files ---------- */

static void dir_loader(struct ctx *c)
{
	const struct sr_check_target *t = c->t;
	/* a program of the host is imagined at its path inside the root; one
	 * read from the root (scan dir:ROOT) is where it is */
	struct sr_deps_opts o = { .root = &t->priv->root,
		                  .program_on_host = !sr_analysis_read_in(c->an, &t->priv->root) };
	const struct sr_deps *d = NULL;
	struct sr_error err = { 0 };
	if (sr_analysis_deps(c->an, &o, &d, &err) != SR_OK) {
		add(c, SR_SEV_UNKNOWN, "library", sr_arena_printf(c->a, "the loader model could not read it: %s", sr_error_message(&err)),
		    NULL, NULL, NULL);
		return;
	}
	bool musl = d->loader_kind == SR_LOADER_MUSL;
	if (d->interp_missing && !d->interp_is_default) {
		enum sr_libc fam = sr_libc_of_interpreter(d->interp, NULL);
		const char *why = t->libc == SR_LIBC_NONE ? sr_arena_printf(c->a, "%s has no C library: the interpreter %s is missing",
		                                                 c->tname, d->interp)
		                  : fam != SR_LIBC_UNKNOWN && t->libc != SR_LIBC_UNKNOWN && fam != t->libc
		                      ? sr_arena_printf(c->a, "a %s program on a %s root: the interpreter %s is missing", libc_word(fam),
		                             libc_word(t->libc), d->interp)
		                      : sr_arena_printf(c->a, "the interpreter %s is not in the root", d->interp);
		add(c, SR_SEV_FAIL, "interpreter", why, "No such file or directory", sr_arena_printf(c->a, "PT_INTERP %s", d->interp),
		    fix_static(c));
		return;
	}
	size_t base = c->r->nfindings;
	for (size_t i = 0; i < d->edge_count; i++) {
		const struct sr_dep_edge *ed = &d->edges[i];
		if (ed->to != SR_DEPS_NONE)
			continue;
		if (lib_cap(c, base, d->missing_count - (c->r->nfindings - base)))
			break;
		const char *req = ed->from == 0 ? c->prog : d->objects[ed->from].path;
		add(c, SR_SEV_FAIL, "library",
		    sr_arena_printf(c->a, "%s (needed by %s) is not found in the root", ed->name, req),
		    musl ? sr_arena_printf(c->a, "Error loading shared library %s: No such file or directory (needed by %s)", ed->name, req)
		         : sr_arena_printf(c->a, "%s: error while loading shared libraries: %s: %s", c->prog, ed->name,
		                ed->error ? ed->error : "cannot open shared object file: No such file or directory"),
		    sr_arena_printf(c->a, "DT_NEEDED %s", ed->name),
		    "install the package that provides it in the root, or ship it beside the program (RUNPATH $ORIGIN)");
	}
	base = c->r->nfindings;
	for (size_t i = 0; i < d->issue_count; i++) {
		const struct sr_dep_version_issue *is = &d->issues[i];
		if (is->weak || is->no_version_info)
			continue;
		if (lib_cap(c, base, d->issue_count - i))
			break;
		const struct sr_dep_object *prov = &d->objects[is->provider];
		add(c, SR_SEV_FAIL, "symbol-version",
		    sr_arena_printf(c->a, "%s does not define %s", prov->path, is->version),
		    sr_arena_printf(c->a, "%s: %s", c->prog, is->message), sr_arena_printf(c->a, "%s needed from %s", is->version, prov->name),
		    strncmp(is->version, "GLIBC_", 6) == 0
		        ? (c->in->go ? "build with CGO_ENABLED=0, or build against the root's glibc"
		                     : "build against the root's glibc (or an older one), or link statically")
		        : "build against the library version the root has, or ship the newer library");
	}
}

/* ---------- run-time needs ---------- */

/* "a, b, c (and N more)": the first few, for one-line reasons (JSON's
 * needs[].paths has them all). */
static const char *join_paths(struct ctx *c, const struct sr_strlist *l)
{
	char buf[512] = "";
	size_t i = 0;
	for (; i < l->count && i < 3 && strlen(buf) < sizeof buf - 64; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? ", " : "", l->items[i]);
	if (i < l->count)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " (and %zu more)", l->count - i);
	return sr_arena_strdup(c->a, buf);
}

static const char *need_fix(const struct ctx *c, const struct sr_need *n)
{
	bool go = c->in->go && c->in->go->is_go;
	switch (n->kind) {
	case SR_NEED_CA_ROOTS:
		return go ? "add CA certificates (e.g. COPY /etc/ssl/certs/ca-certificates.crt), or embed roots: "
		            "import _ \"golang.org/x/crypto/x509roots/fallback\""
		          : "install CA certificates (ca-certificates) on the target";
	case SR_NEED_ZONEINFO:
		return go ? "add /usr/share/zoneinfo (tzdata), or embed it: import _ \"time/tzdata\" (or -tags timetzdata)"
		          : "install tzdata on the target";
	case SR_NEED_USERDB: return "add /etc/passwd and /etc/group";
	case SR_NEED_NSS: return "add /etc/nsswitch.conf (and, for glibc, the libnss_* modules it names)";
	case SR_NEED_DNS: return "add /etc/resolv.conf and /etc/hosts (container runtimes usually mount them)";
	case SR_NEED_GCONV: return "install the gconv modules of the same glibc, or avoid iconv";
	case SR_NEED_LOCALE: return "install locale data (locales), or use the C/C.UTF-8 locale";
	default: return NULL;
	}
}

static void check_need(struct ctx *c, const struct sr_need *n)
{
	const struct sr_check_target *t = c->t;
	const char *ev = n->evidence.count ? join_paths(c, &n->evidence) : NULL;
	if (n->kind == SR_NEED_DLOPEN) {
		add(c, SR_SEV_INFO, n->id, "loads libraries at run time (dlopen): those are not checked", NULL, ev, NULL);
		return;
	}
	enum sr_severity miss = n->optional ? SR_SEV_INFO : SR_SEV_WARN;
	if (t->dir) {
		struct sr_need_answer ans;
		sr_judge_need(&t->priv->root, n, &ans);
		if (ans.state == SR_NEED_MET) {
			add(c, SR_SEV_INFO, n->id, sr_arena_printf(c->a, "%s: %s", n->name, ans.path), NULL, ev, NULL);
			return;
		}
		if (ans.state == SR_NEED_BY_RUNTIME) {
			add(c, SR_SEV_INFO, n->id,
			    sr_arena_printf(c->a, "%s: not in the root (%s); a container runtime mounts its own, a plain "
			                    "chroot has none", n->name, join_paths(c, &n->paths)), NULL, ev, NULL);
			return;
		}
		if (!n->paths.count)
			return;
		add(c, miss, n->id,
		    sr_arena_printf(c->a, "%s will fail: the root has none of %s%s", n->feature ? n->feature : n->name,
		         join_paths(c, &n->paths), n->optional ? " (the program has a fallback)" : ""),
		    n->message, ev, need_fix(c, n));
		return;
	}
	const struct sr_target *db = t->db;
	struct sr_need_answer ans;
	sr_judge_need_db(db, n, &ans);
	const char *what = n->feature ? n->feature : n->name;
	const char *paths = n->paths.count ? join_paths(c, &n->paths) : n->name;
	switch (ans.state) {
	case SR_NEED_MET:
		if (db->kind == SR_TARGET_DISTRO && n->kind != SR_NEED_CA_ROOTS && n->kind != SR_NEED_ZONEINFO)
			add(c, SR_SEV_INFO, n->id, sr_arena_printf(c->a, "%s: an installed %s provides %s", n->name, c->tname,
			                                         paths), NULL, ev, NULL);
		else
			add(c, SR_SEV_INFO, n->id, sr_arena_printf(c->a, "%s: %s", n->name, ans.path), NULL, ev, NULL);
		return;
	case SR_NEED_BY_RUNTIME:
		add(c, SR_SEV_INFO, n->id, sr_arena_printf(c->a, "%s: the container runtime provides %s", n->name, paths),
		    NULL, ev, NULL);
		return;
	case SR_NEED_MISSING:
		if (sr_target_is_empty_image(db))
			add(c, miss, n->id, sr_arena_printf(c->a, "%s will fail: %s is empty (no %s)", what, c->tname, paths),
			    n->message, ev, need_fix(c, n));
		else
			add(c, miss, n->id, sr_arena_printf(c->a, "%s will fail: %s has no %s", what, c->tname,
			                                  n->kind == SR_NEED_CA_ROOTS ? "CA roots" : n->name),
			    n->message, ev, need_fix(c, n));
		return;
	case SR_NEED_UNKNOWN:
		if (n->kind == SR_NEED_ZONEINFO && db->kind == SR_TARGET_DISTRO)
			add(c, SR_SEV_INFO, n->id, sr_arena_printf(c->a, "zoneinfo is not confirmed for %s (installed systems "
			                                         "have tzdata; slim container images may not)", c->tname),
			    NULL, ev, NULL);
		else if (n->kind == SR_NEED_CA_ROOTS)
			add(c, SR_SEV_UNKNOWN, n->id, sr_arena_printf(c->a, "the database does not say where %s keeps CA roots",
			                                            c->tname), n->message, ev, NULL);
		else
			add(c, SR_SEV_UNKNOWN, n->id, sr_arena_printf(c->a, "the database does not say whether %s has %s",
			                                            c->tname, n->kind == SR_NEED_ZONEINFO ? "zoneinfo" : paths),
			    n->kind == SR_NEED_ZONEINFO ? n->message : NULL, ev, NULL);
		return;
	case SR_NEED_UNJUDGED:
		return;
	}
}

/* ---------- the verdict ---------- */

static int sev_rank(enum sr_severity s)
{
	return s == SR_SEV_FAIL ? 0 : s == SR_SEV_WARN ? 1 : s == SR_SEV_UNKNOWN ? 2 : 3;
}

enum sr_err sr_check_run(struct sr_analysis *an, const struct sr_check_target *t, struct sr_check_result **out,
                         struct sr_error *err)
{
	const struct sr_inspect *in = &an->in;
	const struct sr_needs *needs;
	*out = NULL;
	enum sr_err nrc = sr_analysis_needs(an, &needs, err);
	if (nrc != SR_OK)
		return nrc;
	struct sr_arena *a = sr_arena_new();
	struct sr_check_result *r = a ? sr_arena_alloc(a, sizeof *r) : NULL;
	struct sr_check_result_priv *p = r ? sr_arena_alloc(a, sizeof *p) : NULL;
	if (!p) {
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	p->arena = a;
	r->priv = p;
	r->target = t;
	struct ctx c = { .a = a, .r = r, .an = an, .in = in, .t = t, .prog = in->path, .tname = t->name,
	                 .obj = in->elf, .req = in->path };

	if (check_format(&c)) {
		const struct sr_elf *e = in->elf;
		const char *barch = sr_check_binary_arch(e);
		bool dynamic = e->has_interp || (e->has_dynamic && e->needed.count > 0 && e->kind != SR_ELF_KIND_SHARED);
		if (e->kind == SR_ELF_KIND_SHARED && !e->has_interp)
			add(&c, SR_SEV_INFO, "exec-format", "a shared library: judged as loaded by a program", NULL, NULL, NULL);
		bool started = true;
		if (t->dir) {
			if (dynamic || e->kind == SR_ELF_KIND_SHARED)
				dir_loader(&c);
		} else if (dynamic || e->kind == SR_ELF_KIND_SHARED) {
			started = !dynamic || db_interp(&c, barch);
			if (started) {
				c.shipped = carried_libraries(an);
				db_libraries(&c);
				db_versions(&c, barch);
				db_musl_symbols(&c);
				db_carried(&c, barch);
			}
		}
		(void)started;
		check_kernel(&c);
		if (!has_kind(&c, "interpreter", SR_SEV_FAIL))
			for (size_t i = 0; i < needs->n; i++)
				check_need(&c, &needs->v[i]);
	}

	/* failures first, then warnings, unknowns, infos; each group in the
	 * order found (an insertion sort keeps it stable) */
	for (size_t i = 1; i < r->nfindings; i++) {
		struct sr_finding f = r->findings[i];
		size_t j = i;
		while (j > 0 && sev_rank(r->findings[j - 1].severity) > sev_rank(f.severity)) {
			r->findings[j] = r->findings[j - 1];
			j--;
		}
		r->findings[j] = f;
	}
	r->verdict = SR_VERDICT_RUNS;
	for (size_t i = 0; i < r->nfindings; i++) {
		enum sr_verdict v = r->findings[i].severity == SR_SEV_FAIL ? SR_VERDICT_FAILS
		                    : r->findings[i].severity == SR_SEV_WARN ? SR_VERDICT_WARN
		                    : r->findings[i].severity == SR_SEV_UNKNOWN ? SR_VERDICT_UNKNOWN
		                                                                 : SR_VERDICT_RUNS;
		if (v > r->verdict)
			r->verdict = v;
	}
	*out = r;
	return SR_OK;
}

void sr_check_result_free(struct sr_check_result *r)
{
	if (r && r->priv)
		sr_arena_free(r->priv->arena);
}
