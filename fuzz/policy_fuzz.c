/* Fuzz target: policy files (sr_policy_load_buffer: lib/check/policy_json.c
 * and the key checks of lib/check/policy.c), then every rule of a policy
 * that loads (sr_policy_eval) on fixed hand-built analyses: an ELF with
 * libraries, versions and rpaths, a Go binary with modules, a PE and a
 * universal Mach-O, with check results for two targets.
 *
 * Invariants:
 *  - on failure *out is NULL, and a syntax or value error is
 *    "LINE:COLUMN: reason" with LINE and COLUMN inside the input (a line
 *    that exists, a column at most one past its last character), one line,
 *    no trailing period;
 *  - only SR_E_MALFORMED, SR_E_TOO_BIG or SR_E_NOMEM fail a load;
 *  - a loaded policy evaluates on every analysis, each violation with a
 *    rule and a message; loading the same bytes again gives the same name
 *    and the same violations. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "shipready/policy.h"

#include "go/go_internal.h"

/* ---------- fixed analyses ---------- */

static const char *needed[] = { "libc.so.6", "libssl.so.3", "ld-linux-x86-64.so.2", "/opt/lib/libX.so" };
static const char *rpath[] = { "$ORIGIN/../lib" }, *runpath[] = { "/usr/local/lib" };
static const char *cgo_ev[] = { "build setting CGO_ENABLED=1" };
static const char *mrpath[] = { "@loader_path/../Frameworks" };

static void eval_all(const struct sr_policy *p, struct sr_violations *out, size_t nout)
{
	static struct sr_vernaux libc_v[] = { { .name = "GLIBC_2.2.5" }, { .name = "GLIBC_2.34" },
		                              { .name = "GLIBC_PRIVATE" } };
	static struct sr_vernaux cxx_v[] = { { .name = "GLIBCXX_3.4.30" }, { .name = "CXXABI_1.3.13" } };
	static struct sr_verneed vn[] = { { "libc.so.6", libc_v, 3 }, { "libstdc++.so.6", cxx_v, 2 } };
	struct sr_elf elf;
	memset(&elf, 0, sizeof elf);
	elf.kind = SR_ELF_KIND_EXEC;
	elf.linkage = SR_LINK_DYNAMIC;
	elf.has_interp = true;
	elf.interpreter = "/lib64/ld-linux-x86-64.so.2";
	elf.needed = (struct sr_strlist){ needed, 4 };
	elf.rpath = (struct sr_strlist){ rpath, 1 };
	elf.runpath = (struct sr_strlist){ runpath, 1 };
	elf.verneed = vn;
	elf.verneed_count = 2;
	elf.hardening.relro = SR_RELRO_PARTIAL;

	static struct sr_go_module repl = { .path = "golang.org/x/crypto", .version = "v0.17.0", .sum = "" };
	static struct sr_go_module deps[] = {
		{ .path = "golang.org/x/crypto", .version = "v0.1.0", .sum = "", .replace = &repl },
		{ .path = "github.com/a/b", .version = "v1.2.3-pre.1+meta", .sum = "" },
		{ .path = "example.com/dir", .version = "", .sum = "" },
	};
	struct sr_go_modinfo mod;
	memset(&mod, 0, sizeof mod);
	mod.path = "";
	mod.main = (struct sr_go_module){ .path = "example.com/app", .version = "(devel)", .sum = "" };
	mod.deps = deps;
	mod.ndeps = 3;
	struct sr_go_buildinfo bi;
	memset(&bi, 0, sizeof bi);
	bi.modinfo = "mod\texample.com/app\t(devel)\t\n";
	bi.modinfo_len = strlen(bi.modinfo);
	bi.mod = &mod;
	/* the linked facts made here, as sr_go_linked would have them */
	struct sr_go_priv linked, linked2;
	memset(&linked, 0, sizeof linked);
	linked.linked_made = true;
	linked.linked.cgo = SR_GO_CGO_YES;
	linked.linked.cgo_evidence = (struct sr_strlist){ cgo_ev, 1 };
	linked2 = linked;
	linked2.linked.cgo = SR_GO_CGO_UNKNOWN;
	struct sr_go_info go;
	memset(&go, 0, sizeof go);
	go.is_go = true;
	go.bi = &bi;
	go.version = "go1.21rc2";
	go.priv = &linked;

	struct sr_go_info go2 = go;
	go2.version = "go1.18 to go1.19";
	go2.priv = &linked2;

	struct sr_pe pe;
	memset(&pe, 0, sizeof pe);
	struct sr_pe_dll dlls[] = { { .name = "KERNEL32.dll" }, { .name = "VCRUNTIME140.dll", .delay_load = true } };
	pe.dlls = dlls;
	pe.ndlls = 2;

	struct sr_macho_dylib dylibs[] = { { .cmd = 0xc, .name = "/usr/lib/libSystem.B.dylib" },
		                           { .cmd = 0xc, .name = "@rpath/libfoo.dylib" } };
	struct sr_macho_slice slices[2];
	memset(slices, 0, sizeof slices);
	slices[0].parsed = true;
	slices[0].cputype = 0x01000007u;
	slices[0].filetype = 2;
	slices[0].dylinker = "/usr/lib/dyld";
	slices[0].dylibs = dylibs;
	slices[0].ndylibs = 2;
	slices[0].rpaths = (struct sr_strlist){ mrpath, 1 };
	slices[1].error = "truncated";
	struct sr_macho macho;
	memset(&macho, 0, sizeof macho);
	macho.fat = true;
	macho.slices = slices;
	macho.nslices = 2;
	struct sr_go_info *mgo[2] = { &go2, NULL };

	struct sr_inspect in[4];
	memset(in, 0, sizeof in);
	in[0].format = SR_FMT_ELF;
	in[0].elf = &elf;
	in[1].format = SR_FMT_ELF;
	in[1].elf = &elf;
	in[1].go = &go;
	in[2].format = SR_FMT_PE;
	in[2].pe = &pe;
	in[2].go = &go2;
	in[3].format = SR_FMT_MACHO;
	in[3].macho = &macho;
	in[3].macho_go = mgo;

	struct sr_check_target t1 = { .name = "centos-7" }, t2 = { .name = "debian-12" };
	struct sr_finding f[] = { { .severity = SR_SEV_FAIL, .kind = "libc", .reason = "needs GLIBC_2.34",
		                    .message = "version `GLIBC_2.34' not found" },
		                  { .severity = SR_SEV_WARN, .kind = "ca-roots", .reason = "no CA roots" } };
	struct sr_check_result r1 = { .target = &t1, .verdict = SR_VERDICT_FAILS, .findings = f, .nfindings = 2 };
	struct sr_check_result r2 = { .target = &t2, .verdict = SR_VERDICT_WARN };
	const struct sr_check_result *res[] = { &r1, &r2 };

	for (size_t i = 0; i < 4 && i < nout; i++) {
		struct sr_error err = { 0 };
		if (sr_policy_eval(p, &in[i], res, 2, &out[i], &err) != SR_OK) {
			if (err.code != SR_E_NOMEM)
				abort();
			continue;
		}
		for (size_t k = 0; k < out[i].n; k++)
			if (!out[i].v[k].rule || !out[i].v[k].message || !out[i].v[k].message[0])
				abort();
	}
}

static bool same(const struct sr_violations *a, const struct sr_violations *b)
{
	if (a->n != b->n)
		return false;
	for (size_t k = 0; k < a->n; k++) {
		const struct sr_violation *x = &a->v[k], *y = &b->v[k];
		if (strcmp(x->rule, y->rule) != 0 || strcmp(x->message, y->message) != 0 || !x->evidence != !y->evidence ||
		    (x->evidence && strcmp(x->evidence, y->evidence) != 0))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_error err = { 0 };
	struct sr_policy *p = (struct sr_policy *)1;
	enum sr_err rc = sr_policy_load_buffer((const char *)data, size, "fuzz", &p, &err);
	if (rc != SR_OK) {
		if (p != NULL)
			abort();
		sr_fuzz_check_position_error(data, size, rc, &err);
		return 0;
	}
	if (!p || !sr_policy_name(p))
		abort();
	struct sr_violations a[4], b[4];
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	eval_all(p, a, 4);
	struct sr_policy *q;
	if (sr_policy_load_buffer((const char *)data, size, "fuzz", &q, &err) != SR_OK ||
	    strcmp(sr_policy_name(p), sr_policy_name(q)) != 0)
		abort();
	eval_all(q, b, 4);
	for (size_t i = 0; i < 4; i++) {
		if (!same(&a[i], &b[i]))
			abort();
		sr_violations_free(&a[i]);
		sr_violations_free(&b[i]);
	}
	sr_policy_free(q);
	sr_policy_free(p);
	return 0;
}
