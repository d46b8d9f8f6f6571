/* inspect, human text: the path, then aligned `label  value` rows.
 *
 * Strings that come from the file are printed with control bytes escaped
 * (\xNN), so a hostile binary cannot drive the terminal. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/text_util.h"
#include "shipready/needs.h"
#include "shipready/report.h"

#define LABEL_W 11
#define WRAP_AT 100

enum tone { PLAIN, GOOD, BAD, WARN, DIM, BOLD };

struct out {
	FILE *f;
	bool color;
	int col;     /* current column, for wrapping */
};

static void tone_on(struct out *o, enum tone t)
{
	if (!o->color || t == PLAIN)
		return;
	static const char *const codes[] = { "", "\033[32m", "\033[31m", "\033[33m", "\033[2m", "\033[1m" };
	fputs(codes[t], o->f);
}

static void tone_off(struct out *o, enum tone t)
{
	if (o->color && t != PLAIN)
		fputs("\033[0m", o->f);
}


static void label(struct out *o, const char *l)
{
	fprintf(o->f, "  %-*s", LABEL_W, l);
	o->col = 2 + LABEL_W;
}

static void text(struct out *o, enum tone t, const char *s)
{
	tone_on(o, t);
	o->col += sr_put_safe(o->f, s);
	tone_off(o, t);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void textf(struct out *o, enum tone t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	text(o, t, buf);
}

static void endl(struct out *o)
{
	fputc('\n', o->f);
	o->col = 0;
}

/* A space-separated list that wraps under the value column. */
static void list_item(struct out *o, size_t i, enum tone t, const char *s)
{
	size_t len = strlen(s);
	if (i > 0) {
		if (o->col + 1 + (int)len > WRAP_AT) {
			endl(o);
			label(o, "");
		} else {
			fputc(' ', o->f);
			o->col++;
		}
	}
	text(o, t, s);
}

static void row_list(struct out *o, const char *l, const struct sr_strlist *sl)
{
	if (!sl->count)
		return;
	label(o, l);
	for (size_t i = 0; i < sl->count; i++)
		list_item(o, i, PLAIN, sl->items[i]);
	endl(o);
}

static const char *kind_text(const struct sr_elf *e)
{
	switch (e->kind) {
	case SR_ELF_KIND_EXEC: return "executable";
	case SR_ELF_KIND_PIE: return "PIE executable";
	case SR_ELF_KIND_SHARED: return e->interpreter ? "shared library (also runnable)" : "shared library";
	case SR_ELF_KIND_REL: return "relocatable object";
	case SR_ELF_KIND_CORE: return "core dump";
	default: return "unknown type";
	}
}

static void row_file(struct out *o, const struct sr_elf *e)
{
	label(o, "file");
	const char *m = sr_elf_machine_name(e->machine);
	textf(o, PLAIN, "ELF %u-bit %s, ", e->elf_class, e->big_endian ? "MSB" : "LSB");
	if (m)
		text(o, PLAIN, m);
	else
		textf(o, WARN, "machine %u", e->machine);
	if (e->float_abi == SR_FLOAT_HARD)
		text(o, PLAIN, " (hard-float)");
	else if (e->float_abi == SR_FLOAT_SOFT)
		text(o, PLAIN, " (soft-float)");
	if (e->machine == 21)
		textf(o, PLAIN, " (ELFv%u)", (e->flags & 3) ? (unsigned)(e->flags & 3) : 1u);
	textf(o, PLAIN, ", %s", kind_text(e));
	const char *abi = sr_elf_osabi_name(e->osabi);
	if (e->osabi != 0) {
		if (abi)
			textf(o, PLAIN, ", %s", abi);
		else
			textf(o, PLAIN, ", OS/ABI %u", e->osabi);
	}
	endl(o);
}

static void row_linkage(struct out *o, const struct sr_elf *e)
{
	if (e->linkage == SR_LINK_NONE)
		return;
	label(o, "linkage");
	text(o, BOLD, sr_linkage_name(e->linkage));
	if (e->interpreter) {
		text(o, PLAIN, ", interpreter ");
		text(o, PLAIN, e->interpreter);
	} else if (e->has_interp) {
		text(o, WARN, ", interpreter path unreadable");
	} else if (e->linkage == SR_LINK_STATIC || e->linkage == SR_LINK_STATIC_PIE) {
		text(o, PLAIN, " (no interpreter)");
	}
	endl(o);
}

static const struct sr_vermax *family_max(const struct sr_elf *e, const char *fam)
{
	for (size_t i = 0; i < e->vermax_count; i++)
		if (strcmp(e->vermax[i].family, fam) == 0)
			return &e->vermax[i];
	return NULL;
}

static void row_libc(struct out *o, const struct sr_elf *e)
{
	if (e->kind == SR_ELF_KIND_REL || e->kind == SR_ELF_KIND_CORE)
		return;
	label(o, "libc");
	if (e->libc == SR_LIBC_NONE) {
		text(o, PLAIN, "none");
	} else {
		text(o, PLAIN, sr_libc_name(e->libc));
		if (e->libc == SR_LIBC_GLIBC) {
			const struct sr_vermax *m = family_max(e, "GLIBC");
			if (m)
				textf(o, PLAIN, " ≥ %s", m->version);
			if (e->linkage == SR_LINK_STATIC || e->linkage == SR_LINK_STATIC_PIE)
				text(o, PLAIN, " inside the binary");
		} else if (e->libc == SR_LIBC_MUSL &&
		           (e->linkage == SR_LINK_STATIC || e->linkage == SR_LINK_STATIC_PIE)) {
			text(o, PLAIN, " inside the binary");
		}
	}
	if (e->libc_evidence) {
		text(o, DIM, "  (");
		text(o, DIM, e->libc_evidence);
		text(o, DIM, ")");
	}
	endl(o);
}

/* Order version names by family, then numerically (GLIBC_2.3 < GLIBC_2.14). */
static int cmp_vernaux(const void *pa, const void *pb)
{
	const char *a = (*(const struct sr_vernaux *const *)pa)->name;
	const char *b = (*(const struct sr_vernaux *const *)pb)->name;
	const char *ua = strrchr(a, '_'), *ub = strrchr(b, '_');
	size_t fa = ua ? (size_t)(ua - a) : strlen(a), fb = ub ? (size_t)(ub - b) : strlen(b);
	int c = strncmp(a, b, fa < fb ? fa : fb);
	if (c || fa != fb)
		return c ? c : (fa < fb ? -1 : 1);
	if (ua && ub)
		return sr_version_cmp(ua + 1, ub + 1);
	return strcmp(a, b);
}

static void row_versions(struct out *o, const struct sr_elf *e)
{
	if (e->vermax_count) {
		label(o, "max");
		for (size_t i = 0; i < e->vermax_count; i++)
			list_item(o, i, PLAIN, e->vermax[i].name);
		endl(o);
	}
	for (size_t i = 0; i < e->verneed_count; i++) {
		const struct sr_verneed *n = &e->verneed[i];
		label(o, i == 0 ? "versions" : "");
		text(o, PLAIN, n->file);
		text(o, PLAIN, ":");
		/* oldest to newest reads best; the file's order is arbitrary */
		const struct sr_vernaux *sorted[256];
		size_t k = n->count < 256 ? n->count : 256;
		for (size_t j = 0; j < k; j++)
			sorted[j] = &n->vers[j];
		qsort(sorted, k, sizeof sorted[0], cmp_vernaux);
		for (size_t j = 0; j < k; j++) {
			list_item(o, j + 1, PLAIN, sorted[j]->name);
			if (sorted[j]->flags & 0x2)
				text(o, DIM, "(weak)");
		}
		if (n->count > k)
			textf(o, DIM, " … %zu more", n->count - k);
		endl(o);
	}
	size_t shown = 0;
	for (size_t i = 0; i < e->verdef_count; i++) {
		if (e->verdef[i].flags & 0x1)
			continue;
		if (shown == 0)
			label(o, "defines");
		list_item(o, shown++, PLAIN, e->verdef[i].name);
	}
	if (shown)
		endl(o);
}

static void row_dynamic(struct out *o, const struct sr_elf *e)
{
	if (!e->has_dynamic)
		return;
	if (e->soname) {
		label(o, "soname");
		text(o, PLAIN, e->soname);
		endl(o);
	}
	row_list(o, "needed", &e->needed);
	row_list(o, "rpath", &e->rpath);
	row_list(o, "runpath", &e->runpath);
	const char *names[64];
	size_t n = 0;
	if (e->has_flags)
		n = sr_elf_dt_flags_names(e->dt_flags, names, 64);
	size_t k = n > 64 ? 64 : n;
	if (e->has_flags_1) {
		const char *n1[64];
		size_t m = sr_elf_dt_flags_1_names(e->dt_flags_1, n1, 64);
		for (size_t i = 0; i < m && i < 64 && k < 64; i++)
			names[k++] = n1[i];
	}
	if (k) {
		label(o, "flags");
		for (size_t i = 0; i < k; i++)
			list_item(o, i, PLAIN, names[i]);
		endl(o);
	}
}

static void row_notes(struct out *o, const struct sr_elf *e)
{
	if (e->has_abi_tag) {
		label(o, "kernel");
		if (e->abi_tag_os == 0)
			textf(o, PLAIN, "≥ %u.%u.%u", e->abi_tag_kernel[0], e->abi_tag_kernel[1], e->abi_tag_kernel[2]);
		else
			textf(o, PLAIN, "OS %u ≥ %u.%u.%u", e->abi_tag_os, e->abi_tag_kernel[0], e->abi_tag_kernel[1],
			      e->abi_tag_kernel[2]);
		text(o, DIM, "  (GNU ABI tag)");
		endl(o);
	}
	if (e->build_id) {
		label(o, "build-id");
		text(o, PLAIN, e->build_id);
		endl(o);
	}
	if (e->comments.count) {
		for (size_t i = 0; i < e->comments.count; i++) {
			label(o, i == 0 ? "compiler" : "");
			text(o, PLAIN, e->comments.items[i]);
			endl(o);
		}
	}
	if (e->kind == SR_ELF_KIND_CORE)
		return;
	label(o, "symbols");
	text(o, PLAIN, e->has_symtab ? "not stripped" : "stripped");
	text(o, PLAIN, e->has_debug_info ? ", debug info" : ", no debug info");
	endl(o);
}

static void hard_item(struct out *o, size_t *i, bool good, const char *s)
{
	if (*i)
		text(o, PLAIN, " · ");
	(*i)++;
	text(o, good ? GOOD : BAD, s);
}

static void row_hardening(struct out *o, const struct sr_elf *e)
{
	if (e->kind == SR_ELF_KIND_REL || e->kind == SR_ELF_KIND_CORE)
		return;
	const struct sr_hardening *h = &e->hardening;
	size_t i = 0;
	label(o, "hardening");
	if (e->kind == SR_ELF_KIND_EXEC)
		hard_item(o, &i, false, "no PIE");
	else if (e->kind == SR_ELF_KIND_PIE)
		hard_item(o, &i, true, "PIE");
	if (h->relro == SR_RELRO_FULL)
		hard_item(o, &i, true, "full RELRO");
	else if (h->relro == SR_RELRO_PARTIAL)
		hard_item(o, &i, false, "partial RELRO");
	else
		hard_item(o, &i, false, "no RELRO");
	if (h->nx_stack)
		hard_item(o, &i, true, "NX");
	else
		hard_item(o, &i, false, h->has_gnu_stack ? "executable stack" : "no PT_GNU_STACK (stack may be executable)");
	if (h->stack_protector == SR_TRI_YES)
		hard_item(o, &i, true, "canary");
	else if (h->stack_protector == SR_TRI_NO)
		hard_item(o, &i, false, "no canary");
	else
		hard_item(o, &i, false, "canary unknown");
	if (h->fortify == SR_TRI_YES) {
		char buf[48];
		snprintf(buf, sizeof buf, "FORTIFY (%zu)", h->fortified.count);
		hard_item(o, &i, true, buf);
	} else if (h->fortify == SR_TRI_NO) {
		hard_item(o, &i, false, "no FORTIFY");
	}
	endl(o);
}

static void go_evidence(struct out *o, const char *const *items, size_t n)
{
	text(o, DIM, "  (");
	for (size_t i = 0; i < n; i++) {
		if (i)
			text(o, DIM, ", ");
		text(o, DIM, items[i]);
	}
	text(o, DIM, ")");
}

/* Build settings worth a glance (the JSON has them all). */
static void row_go_build(struct out *o, const struct sr_go_info *g)
{
	static const char *const keys[] = { "-buildmode", "-compiler", "CGO_ENABLED", "-trimpath", "-tags", "-ldflags",
		                            "GOAMD64", "GOARM", "GOARM64", "GO386", "GOMIPS", "GOPPC64",
		                            "GORISCV64", "vcs.revision", "vcs.modified" };
	if (!g->bi->mod || g->bi->mod->nsettings == 0)
		return;
	label(o, "go build");
	size_t shown = 0;
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		const struct sr_go_setting *st = sr_go_modinfo_setting(g->bi->mod, keys[k]);
		if (!st)
			continue;
		char buf[160];
		snprintf(buf, sizeof buf, "%s=%.100s%s", st->key, st->value, st->value_len > 100 ? "…" : "");
		list_item(o, shown++, PLAIN, buf);
	}
	if (!shown)
		text(o, DIM, "(see --json)");
	endl(o);
}

static void rows_go_info(struct out *o, const struct sr_go_info *g, const char *min_label);

static void row_go(struct out *o, const struct sr_inspect *in)
{
	const struct sr_elf *e = in->elf;
	const struct sr_go_info *g = in->go;
	if (!e->go && !(g && g->is_go))
		return;
	if (!g || !g->is_go) {
		label(o, "go");
		text(o, BOLD, "Go binary");
		go_evidence(o, e->go_evidence.items, e->go_evidence.count);
		endl(o);
		return;
	}
	rows_go_info(o, g, "min OS");
}

/* The Go rows of any format: version, build, cgo, toolchain, minimums, needs. */
/* min_label: "min OS" where the file has no minimum of its own (ELF), else
 * "go min OS" beside the file's own. */
static void rows_go_info(struct out *o, const struct sr_go_info *g, const char *min_label)
{
	label(o, "go");
	text(o, BOLD, g->version ? g->version : "Go, version unknown");
	if (g->bi->mod && g->bi->mod->path[0]) {
		text(o, PLAIN, "  ");
		text(o, PLAIN, g->bi->mod->path);
	}
	go_evidence(o, g->evidence.items, g->evidence.count);
	endl(o);
	if (g->bi->status == SR_GO_BI_NOT_GO) {
		label(o, "");
		text(o, WARN, g->version_source == SR_GO_VSRC_RUNTIME
		                      ? "build info removed: version read from the runtime's version string"
		                      : "build info removed: version inferred from the pclntab layout");
		endl(o);
	} else if (g->bi->status == SR_GO_BI_BAD_MODINFO) {
		label(o, "");
		text(o, WARN, g->bi->error);
		endl(o);
	}
	row_go_build(o, g);

	const struct sr_go_linked *gl = sr_go_linked(g);
	label(o, "cgo");
	if (gl->cgo == SR_GO_CGO_YES)
		text(o, BOLD, "yes");
	else if (gl->cgo == SR_GO_CGO_NO)
		text(o, GOOD, "no");
	else
		text(o, WARN, "unknown");
	if (gl->cgo_evidence.count)
		go_evidence(o, gl->cgo_evidence.items, gl->cgo_evidence.count);
	endl(o);
	if (gl->cgo_consequence) {
		label(o, "");
		text(o, DIM, gl->cgo_consequence);
		endl(o);
	}

	label(o, "needs Go?");
	text(o, gl->needs_toolchain ? BAD : GOOD, gl->needs_toolchain ? "yes" : "no");
	text(o, DIM, " — ");
	text(o, DIM, gl->toolchain_reason);
	endl(o);

	if (g->min_kernel || g->min_macos || g->min_windows) {
		label(o, min_label);
		const char *os = g->goos ? g->goos : "linux";
		if (strcmp(os, "darwin") == 0 && g->min_macos)
			textf(o, PLAIN, "macOS %s", g->min_macos);
		else if (strcmp(os, "windows") == 0 && g->min_windows)
			textf(o, PLAIN, "Windows %s", g->min_windows);
		else if (g->min_kernel)
			textf(o, PLAIN, "Linux kernel %s", g->min_kernel);
		if (g->min_source)
			textf(o, DIM, "  (%s)", g->min_source);
		endl(o);
	}

	for (size_t i = 0; i < gl->nneeds; i++) {
		const struct sr_go_need *n = &gl->needs[i];
		label(o, i == 0 ? "needs" : "");
		textf(o, n->optional ? DIM : PLAIN, "%-16s", n->name);
		text(o, n->optional ? DIM : PLAIN, n->summary);
		textf(o, DIM, "  (%s%s)", n->because, n->optional ? "; optional" : "");
		endl(o);
	}
}

/* ---------- run-time needs (shipready/needs.h) ---------- */

#define NEED_NAME_W 16

/* Words of s, wrapped under the column after a need's name. */
static void wrapped(struct out *o, enum tone t, const char *s)
{
	char word[256];
	bool first = true;
	while (*s) {
		while (*s == ' ')
			s++;
		size_t n = strcspn(s, " ");
		if (n == 0)
			break;
		size_t k = n < sizeof word - 1 ? n : sizeof word - 1;
		memcpy(word, s, k);
		word[k] = '\0';
		s += n;
		if (!first && o->col + 1 + (int)k > WRAP_AT) {
			endl(o);
			label(o, "");
			textf(o, PLAIN, "%-*s", NEED_NAME_W, "");
		} else if (!first) {
			text(o, t, " ");
		}
		text(o, t, word);
		first = false;
	}
}

/* The Go kinds printed by rows_go_info() */
static bool go_prints(const struct sr_go_info *g, enum sr_need_kind k)
{
	const struct sr_go_linked *gl = sr_go_linked(g);
	for (size_t i = 0; i < gl->nneeds; i++) {
		switch (gl->needs[i].kind) {
		case SR_GO_NEED_CA_ROOTS: if (k == SR_NEED_CA_ROOTS) return true; break;
		case SR_GO_NEED_ZONEINFO:
		case SR_GO_NEED_LOCALTIME: if (k == SR_NEED_ZONEINFO) return true; break;
		case SR_GO_NEED_DNS: if (k == SR_NEED_DNS) return true; break;
		case SR_GO_NEED_NSS: if (k == SR_NEED_NSS) return true; break;
		case SR_GO_NEED_USERDB: if (k == SR_NEED_USERDB) return true; break;
		default: break;
		}
	}
	return false;
}

/* One row per need: name, the first path, the evidence, then the note.  A
 * Go binary's needs of the kinds its Go rows showed are not repeated (the
 * C functions of a cgo binary add the others). */
static void row_needs(struct out *o, const struct sr_inspect *in, const struct sr_needs *nd)
{
	const struct sr_go_info *g = in->go && in->go->is_go ? in->go : NULL;
	bool labelled = g && sr_go_linked(g)->nneeds > 0;
	for (size_t i = 0; i < nd->n; i++) {
		const struct sr_need *d = &nd->v[i];
		if (g && go_prints(g, d->kind))
			continue;
		enum tone t = d->optional ? DIM : PLAIN;
		label(o, labelled ? "" : "needs");
		labelled = true;
		textf(o, t, "%-*s", NEED_NAME_W, d->name);
		if (d->paths.count) {
			/* any one path will do: as many as fit, then how many more */
			size_t shown = 0, width = 0;
			for (; shown < d->paths.count; shown++) {
				size_t w = strlen(d->paths.items[shown]) + (shown ? 4 : 0);
				if (shown && width + w > 48)
					break;
				if (shown)
					text(o, t, " or ");
				text(o, t, d->paths.items[shown]);
				width += w;
			}
			if (shown < d->paths.count)
				textf(o, t, " or %zu more", d->paths.count - shown);
		} else {
			text(o, t, "libraries named at run time");
		}
		text(o, DIM, "  (");
		for (size_t j = 0; j < d->evidence.count && j < 4; j++) {
			if (j)
				text(o, DIM, ", ");
			text(o, DIM, d->evidence.items[j]);
		}
		if (d->evidence.count > 4)
			textf(o, DIM, ", … %zu more", d->evidence.count - 4);
		text(o, DIM, d->optional ? "; optional)" : ")");
		endl(o);
		if (d->note) {
			label(o, "");
			textf(o, PLAIN, "%-*s", NEED_NAME_W, "");
			wrapped(o, DIM, d->note);
			endl(o);
		}
	}
}

/* ---------- PE ---------- */

static void pe_flag(struct out *o, size_t *i, bool good, const char *s)
{
	if (*i)
		text(o, PLAIN, " · ");
	(*i)++;
	text(o, good ? GOOD : BAD, s);
}

static void pe_text(struct out *o, const struct sr_inspect *in)
{
	const struct sr_pe *pe = in->pe;
	const char *m = sr_pe_machine_name(pe->machine);
	const char *sub = sr_pe_subsystem_name(pe->subsystem);
	label(o, "file");
	textf(o, PLAIN, "PE%s %s, %s%s", pe->pe32_plus ? "32+" : "32", m ? m : "unknown machine",
	      sub ? sub : "unknown subsystem", pe->dll ? " DLL" : " executable");
	endl(o);
	uint16_t maj, min;
	sr_pe_min_windows(pe, &maj, &min);
	const char *win = sr_pe_windows_name(maj, min);
	label(o, "min OS");
	if (win)
		text(o, PLAIN, win);
	else
		textf(o, PLAIN, "Windows NT %u.%u", maj, min);
	textf(o, DIM, "  (subsystem %u.%u, OS %u.%u)", pe->subsystem_major, pe->subsystem_minor, pe->os_major,
	      pe->os_minor);
	endl(o);
	if (in->go && in->go->is_go)
		rows_go_info(o, in->go, "go min OS");

	static const enum sr_pe_dll_class order[] = { SR_PE_DLL_SYSTEM, SR_PE_DLL_API_SET, SR_PE_DLL_RUNTIME,
		                                      SR_PE_DLL_APP };
	static const char *const labels[] = { "system", "api sets", "runtimes", "ship with" };
	bool any = false;
	for (size_t k = 0; k < 4; k++) {
		size_t n = 0;
		for (size_t i = 0; i < pe->ndlls; i++) {
			const struct sr_pe_dll *d = &pe->dlls[i];
			if (d->dll_class != order[k])
				continue;
			if (n == 0) {
				label(o, any ? "" : "imports");
				textf(o, DIM, "%-11s", labels[k]);
				any = true;
			}
			char buf[SR_PE_MAX_NAME + 16];
			snprintf(buf, sizeof buf, "%s%s", d->name, d->delay_load ? " (delay-load)" : "");
			list_item(o, n++, order[k] == SR_PE_DLL_APP ? BOLD : PLAIN, buf);
		}
		if (n) {
			endl(o);
			if (order[k] == SR_PE_DLL_RUNTIME) {
				label(o, "");
				text(o, DIM, "           install the runtime on the target or ship these DLLs beside the EXE");
				endl(o);
			} else if (order[k] == SR_PE_DLL_APP) {
				label(o, "");
				text(o, DIM, "           not part of Windows: ship these beside the EXE");
				endl(o);
			}
		}
	}
	if (pe->clr) {
		label(o, ".NET");
		textf(o, WARN, "CLR header (runtime %u.%u): needs a .NET runtime on the target", pe->clr_major,
		      pe->clr_minor);
		endl(o);
	}
	size_t i = 0;
	uint16_t dc = pe->dll_characteristics;
	label(o, "hardening");
	pe_flag(o, &i, dc & SR_PE_DLLCHAR_DYNAMIC_BASE, (dc & SR_PE_DLLCHAR_DYNAMIC_BASE) ? "ASLR" : "no ASLR");
	if (pe->pe32_plus)
		pe_flag(o, &i, dc & SR_PE_DLLCHAR_HIGH_ENTROPY_VA,
		        (dc & SR_PE_DLLCHAR_HIGH_ENTROPY_VA) ? "high-entropy VA" : "no high-entropy VA");
	pe_flag(o, &i, dc & SR_PE_DLLCHAR_NX_COMPAT, (dc & SR_PE_DLLCHAR_NX_COMPAT) ? "DEP" : "no DEP");
	pe_flag(o, &i, dc & SR_PE_DLLCHAR_GUARD_CF, (dc & SR_PE_DLLCHAR_GUARD_CF) ? "CFG" : "no CFG");
	endl(o);
	for (size_t w = 0; w < pe->warnings.count; w++) {
		label(o, "warning");
		text(o, WARN, pe->warnings.items[w]);
		endl(o);
	}
}

/* ---------- Mach-O ---------- */

static void macho_slice_text(struct out *o, const struct sr_macho_slice *s, const struct sr_go_info *g)
{
	char v1[16], v2[16], v3[16];
	const char *cpu = sr_macho_cpu_name(s->cputype, s->cpusubtype);
	const char *ft = sr_macho_filetype_name(s->filetype);
	label(o, "file");
	textf(o, PLAIN, "Mach-O %u-bit %s, %s%s", s->bits, cpu ? cpu : "unknown CPU", ft ? ft : "unknown type",
	      (s->flags & SR_MH_PIE) ? " (PIE)" : "");
	endl(o);
	for (size_t i = 0; i < s->nversions; i++) {
		const struct sr_macho_minos *v = &s->versions[i];
		const char *plat = sr_macho_platform_name(v->platform);
		label(o, i == 0 ? "min OS" : "");
		textf(o, PLAIN, "%s %s", plat ? plat : "platform", sr_macho_version_str(v->minos, false, v1, sizeof v1));
		if (v->sdk)
			textf(o, DIM, "  (SDK %s)", sr_macho_version_str(v->sdk, false, v2, sizeof v2));
		endl(o);
	}
	if (g && g->is_go)
		rows_go_info(o, g, "go min OS");
	for (size_t i = 0; i < s->ndylibs; i++) {
		const struct sr_macho_dylib *d = &s->dylibs[i];
		static const char *const kinds[] = { "", " (weak)", " (re-export)", " (lazy)", " (upward)" };
		label(o, i == 0 ? "dylibs" : "");
		text(o, PLAIN, d->name);
		textf(o, DIM, "%s  compat %s, current %s", kinds[d->kind],
		      sr_macho_version_str(d->compat_version, true, v1, sizeof v1),
		      sr_macho_version_str(d->current_version, true, v3, sizeof v3));
		endl(o);
	}
	for (size_t i = 0; i < s->rpaths.count; i++) {
		label(o, i == 0 ? "rpath" : "");
		text(o, PLAIN, s->rpaths.items[i]);
		endl(o);
	}
	if (s->filetype == SR_MH_EXECUTE || s->filetype == SR_MH_DYLIB || s->filetype == SR_MH_BUNDLE) {
		label(o, "signature");
		bool arm64 = s->cputype == SR_CPU_TYPE_ARM64;
		if (!s->has_code_signature)
			text(o, arm64 ? BAD : WARN, arm64 ? "unsigned: macOS on Apple silicon refuses to run it (sign it, "
			                                    "at least ad hoc: codesign -s -)"
			                                  : "unsigned");
		else if (s->adhoc == SR_TRI_YES)
			text(o, PLAIN, "ad-hoc signed (runs locally; Gatekeeper wants a Developer ID signature for "
			               "downloads)");
		else
			text(o, GOOD, "signed");
		endl(o);
	}
	if (s->has_encryption_info && s->cryptid) {
		label(o, "encrypted");
		text(o, WARN, "yes (App Store encryption): the code cannot be read");
		endl(o);
	}
	for (size_t w = 0; w < s->warnings.count; w++) {
		label(o, "warning");
		text(o, WARN, s->warnings.items[w]);
		endl(o);
	}
}

static void macho_text(struct out *o, const struct sr_inspect *in)
{
	const struct sr_macho *m = in->macho;
	if (m->fat) {
		label(o, "file");
		textf(o, PLAIN, "Mach-O universal%s, %zu slice%s", m->fat64 ? " (fat64)" : "", m->nslices,
		      m->nslices == 1 ? "" : "s");
		endl(o);
		for (size_t w = 0; w < m->warnings.count; w++) {
			label(o, "warning");
			text(o, WARN, m->warnings.items[w]);
			endl(o);
		}
	}
	for (size_t i = 0; i < m->nslices; i++) {
		const struct sr_macho_slice *s = &m->slices[i];
		if (m->fat) {
			const char *cpu = sr_macho_cpu_name(s->fat_cputype, s->fat_cpusubtype);
			label(o, "slice");
			textf(o, BOLD, "%s", cpu ? cpu : "unknown CPU");
			textf(o, DIM, "  (offset %llu, %llu bytes)", (unsigned long long)s->offset,
			      (unsigned long long)s->size);
			endl(o);
		}
		if (!s->parsed) {
			label(o, "error");
			text(o, BAD, s->error ? s->error : "unreadable slice");
			endl(o);
			continue;
		}
		macho_slice_text(o, s, in->macho_go ? in->macho_go[i] : NULL);
	}
}

void sr_report_inspect_text(FILE *f, const struct sr_inspect *in, const struct sr_needs *needs,
                            const struct sr_text_style *st)
{
	struct out o = { f, st && st->color, 0 };
	tone_on(&o, BOLD);
	sr_put_safe(f, in->path);
	tone_off(&o, BOLD);
	endl(&o);
	if (in->root) {
		label(&o, "in root");
		text(&o, PLAIN, in->root);
		if (strcmp(in->resolved, in->path) != 0) {
			text(&o, PLAIN, ", resolved to ");
			text(&o, PLAIN, in->resolved);
		}
		endl(&o);
	}
	if (in->pe) {
		pe_text(&o, in);
		return;
	}
	if (in->macho) {
		macho_text(&o, in);
		return;
	}
	const struct sr_elf *e = in->elf;
	if (!e)
		return;
	row_file(&o, e);
	row_linkage(&o, e);
	row_libc(&o, e);
	row_go(&o, in);
	row_needs(&o, in, needs);
	row_dynamic(&o, e);
	row_versions(&o, e);
	row_notes(&o, e);
	row_hardening(&o, e);
	for (size_t i = 0; i < e->warnings.count; i++) {
		label(&o, "warning");
		text(&o, WARN, e->warnings.items[i]);
		endl(&o);
	}
}
