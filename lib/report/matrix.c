/* inspect over several files: one aligned row per artifact (a release
 * matrix), the answer a release engineer scans first.  Each row is made
 * from one sr_inspect and kept as short strings, so the inspects can be
 * freed as the run goes and memory stays small however many files. */
#include <stdio.h>
#include <string.h>

#include "report/text_util.h"
#include "shipready/report.h"

static void put(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s ? s : "");
}

static void append(char *dst, size_t cap, size_t *w, const char *s)
{
	if (*w >= cap)
		return;
	int n = snprintf(dst + *w, cap - *w, "%s%s", *w ? ", " : "", s);
	if (n > 0)
		*w += (size_t)n;
}

static void go_cells(const struct sr_go_info *g, struct sr_matrix_row *row)
{
	put(row->go, sizeof row->go, g ? g->version : "-");
	enum sr_go_cgo cgo = g ? sr_go_linked(g)->cgo : SR_GO_CGO_UNKNOWN;
	put(row->cgo, sizeof row->cgo, !g ? "-" : cgo == SR_GO_CGO_YES ? "on" : cgo == SR_GO_CGO_NO ? "off" : "?");
}

static const char *elf_os(const struct sr_elf *e)
{
	switch (e->osabi) {
	case 9: return "freebsd";
	case 2: return "netbsd";
	case 12: return "openbsd";
	case 6: return "solaris";
	default: return "linux";
	}
}

static void elf_row(const struct sr_inspect *in, struct sr_matrix_row *row)
{
	const struct sr_elf *e = in->elf;
	const struct sr_go_info *g = in->go && in->go->is_go ? in->go : NULL;
	put(row->format, sizeof row->format, "ELF");
	const char *arch = sr_elf_goarch(e);
	const char *mname = sr_elf_machine_name(e->machine);
	snprintf(row->platform, sizeof row->platform, "%s/%s", elf_os(e), arch ? arch : mname ? mname : "?");
	if (e->kind == SR_ELF_KIND_SHARED)
		put(row->link, sizeof row->link, "library");
	else if (e->kind == SR_ELF_KIND_REL || e->kind == SR_ELF_KIND_CORE)
		put(row->link, sizeof row->link, sr_elf_kind_name(e->kind));
	else
		put(row->link, sizeof row->link, sr_linkage_name(e->linkage));

	/* the C library, with the highest GLIBC_ version it needs */
	const char *glibc = NULL;
	for (size_t i = 0; i < e->vermax_count; i++)
		if (strcmp(e->vermax[i].family, "GLIBC") == 0)
			glibc = e->vermax[i].version;
	if (e->libc == SR_LIBC_GLIBC && glibc)
		snprintf(row->libc, sizeof row->libc, "glibc %s", glibc);
	else if (e->libc == SR_LIBC_NONE || e->libc == SR_LIBC_UNKNOWN)
		put(row->libc, sizeof row->libc, e->libc == SR_LIBC_NONE ? "none" : "-");
	else
		snprintf(row->libc, sizeof row->libc, "%s%s", sr_libc_name(e->libc),
		         e->linkage == SR_LINK_DYNAMIC ? "" : " (static)");

	go_cells(g, row);

	if (g && g->min_kernel)
		snprintf(row->min_os, sizeof row->min_os, "kernel %s", g->min_kernel);
	else if (e->has_abi_tag && e->abi_tag_os == 0)
		snprintf(row->min_os, sizeof row->min_os, "kernel %u.%u.%u", e->abi_tag_kernel[0], e->abi_tag_kernel[1],
		         e->abi_tag_kernel[2]);
	else
		put(row->min_os, sizeof row->min_os, "-");

	/* what must be on the target besides the file: Go's run-time needs,
	 * else the libraries it loads (the C library is in its own column) */
	size_t w = 0;
	row->needs[0] = '\0';
	if (g) {
		const struct sr_go_linked *gl = sr_go_linked(g);
		for (size_t i = 0; i < gl->nneeds && w < sizeof row->needs; i++) {
			if (gl->needs[i].optional || gl->needs[i].kind == SR_GO_NEED_LIBC)
				continue;
			w += (size_t)snprintf(row->needs + w, sizeof row->needs - w, "%s%s", w ? ", " : "",
			                      gl->needs[i].name);
		}
	} else {
		size_t shown = 0;
		for (size_t i = 0; i < e->needed.count && w < sizeof row->needs; i++) {
			const char *n = e->needed.items[i];
			if (strncmp(n, "libc.so", 7) == 0 || strncmp(n, "ld-linux", 8) == 0)
				continue;
			if (shown == 3) {
				w += (size_t)snprintf(row->needs + w, sizeof row->needs - w, " +%zu", e->needed.count - i);
				break;
			}
			w += (size_t)snprintf(row->needs + w, sizeof row->needs - w, "%s%s", shown ? ", " : "", n);
			shown++;
		}
	}
	if (!row->needs[0])
		put(row->needs, sizeof row->needs, "-");
}

static void pe_row(const struct sr_inspect *in, struct sr_matrix_row *row)
{
	const struct sr_pe *pe = in->pe;
	const struct sr_go_info *g = in->go && in->go->is_go ? in->go : NULL;
	put(row->format, sizeof row->format, pe->pe32_plus ? "PE32+" : "PE32");
	const char *arch = sr_pe_goarch(pe->machine);
	const char *mname = sr_pe_machine_name(pe->machine);
	snprintf(row->platform, sizeof row->platform, "windows/%s", arch ? arch : mname ? mname : "?");
	put(row->link, sizeof row->link, pe->dll ? "library" : "dynamic");
	uint16_t maj, min;
	sr_pe_min_windows(pe, &maj, &min);
	/* the Go runtime may need a newer Windows than the header says
	 * (Go names releases "7", "8", "10": versions 6.1, 6.2, 10.0) */
	if (g && g->min_windows) {
		uint16_t gmaj = 0, gmin = 0;
		if (strcmp(g->min_windows, "7") == 0)
			gmaj = 6, gmin = 1;
		else if (strcmp(g->min_windows, "8") == 0)
			gmaj = 6, gmin = 2;
		else if (strcmp(g->min_windows, "10") == 0)
			gmaj = 10, gmin = 0;
		if (gmaj > maj || (gmaj == maj && gmin > min)) {
			maj = gmaj;
			min = gmin;
		}
	}
	const char *win = sr_pe_windows_name(maj, min);
	if (win)
		put(row->min_os, sizeof row->min_os, win);
	else
		snprintf(row->min_os, sizeof row->min_os, "Windows NT %u.%u", maj, min);
	go_cells(g, row);
	/* the C library column: what the system gives; NEEDS: what must ship */
	size_t w = 0, wl = 0;
	bool runtime = false;
	for (size_t i = 0; i < pe->ndlls; i++) {
		const struct sr_pe_dll *d = &pe->dlls[i];
		if (d->dll_class == SR_PE_DLL_RUNTIME) {
			runtime = true;
			append(row->needs, sizeof row->needs, &w, d->name);
		} else if (d->dll_class == SR_PE_DLL_APP) {
			append(row->needs, sizeof row->needs, &w, d->name);
		}
	}
	append(row->libc, sizeof row->libc, &wl, runtime ? "system DLLs + runtime" : "system DLLs");
	if (pe->clr)
		append(row->needs, sizeof row->needs, &w, ".NET runtime");
	if (!row->needs[0])
		put(row->needs, sizeof row->needs, "system DLLs only");
}

static void macho_row(const struct sr_inspect *in, struct sr_matrix_row *row)
{
	const struct sr_macho *m = in->macho;
	put(row->format, sizeof row->format, m->fat ? "Mach-O fat" : "Mach-O");
	size_t wp = 0, wn = 0;
	const struct sr_macho_slice *first = NULL;
	const struct sr_go_info *g = NULL;
	char plat[48] = "";
	for (size_t i = 0; i < m->nslices; i++) {
		const struct sr_macho_slice *s = &m->slices[i];
		if (!s->parsed)
			continue;
		if (!first)
			first = s;
		if (!g && in->macho_go && in->macho_go[i] && in->macho_go[i]->is_go)
			g = in->macho_go[i];
		const char *arch = sr_macho_goarch(s->cputype);
		const char *cpu = sr_macho_cpu_name(s->cputype, s->cpusubtype);
		if (wp < sizeof plat) {
			int n = snprintf(plat + wp, sizeof plat - wp, "%s%s", wp ? "+" : "", arch ? arch : cpu ? cpu : "?");
			if (n > 0)
				wp += (size_t)n;
		}
		if (s->cputype == SR_CPU_TYPE_ARM64 && !s->has_code_signature &&
		    (s->filetype == SR_MH_EXECUTE || s->filetype == SR_MH_DYLIB || s->filetype == SR_MH_BUNDLE))
			append(row->needs, sizeof row->needs, &wn, "a signature (arm64: unsigned code is refused)");
	}
	snprintf(row->platform, sizeof row->platform, "darwin/%s", plat[0] ? plat : "?");
	if (!first) {
		put(row->link, sizeof row->link, "-");
		return;
	}
	put(row->link, sizeof row->link,
	    first->filetype == SR_MH_EXECUTE ? "dynamic" : first->filetype == SR_MH_DYLIB ? "library"
	    : first->filetype == SR_MH_BUNDLE ? "bundle" : first->filetype == SR_MH_OBJECT ? "object" : "-");
	put(row->libc, sizeof row->libc, "libSystem");
	go_cells(g, row);
	if (first->nversions) {
		char v[16];
		const char *pname = sr_macho_platform_name(first->versions[0].platform);
		const char *ver = sr_macho_version_str(first->versions[0].minos, false, v, sizeof v);
		/* the Go runtime may need a newer macOS than the header says */
		if (g && g->min_macos && first->versions[0].platform == 1 && sr_version_cmp(g->min_macos, ver) > 0)
			ver = g->min_macos;
		snprintf(row->min_os, sizeof row->min_os, "%s %s", pname ? pname : "OS", ver);
	} else {
		put(row->min_os, sizeof row->min_os, "-");
	}
	/* dylibs outside the OS must ship with the program */
	for (size_t i = 0; i < first->ndylibs; i++) {
		const char *n = first->dylibs[i].name;
		bool seen = false;
		for (size_t k = 0; k < i; k++)
			seen |= strcmp(first->dylibs[k].name, n) == 0;
		if (!seen && strncmp(n, "/usr/lib/", 9) != 0 && strncmp(n, "/System/", 8) != 0)
			append(row->needs, sizeof row->needs, &wn, n);
	}
	if (!row->needs[0])
		put(row->needs, sizeof row->needs, "system libraries only");
}

void sr_matrix_row_fill(const struct sr_inspect *in, struct sr_matrix_row *row)
{
	memset(row, 0, sizeof *row);
	put(row->file, sizeof row->file, in->path);
	if (in->elf) {
		elf_row(in, row);
		return;
	}
	if (in->pe) {
		pe_row(in, row);
		return;
	}
	if (in->macho) {
		macho_row(in, row);
		return;
	}
	put(row->format, sizeof row->format, sr_format_name(in->format));
	put(row->platform, sizeof row->platform, "-");
}

static const char *const headers[SR_MATRIX_COLS] = { "FILE", "FORMAT", "PLATFORM", "LINK", "LIBC", "GO",
	                                              "CGO", "MIN OS", "NEEDS" };

static const char *cell(const struct sr_matrix_row *r, int c)
{
	const char *const cells[SR_MATRIX_COLS] = { r->file, r->format, r->platform, r->link, r->libc,
		                                    r->go, r->cgo, r->min_os, r->needs };
	return cells[c];
}

void sr_report_matrix_text(FILE *out, const struct sr_matrix_row *rows, size_t n, const struct sr_text_style *st)
{
	size_t width[SR_MATRIX_COLS];
	for (int c = 0; c < SR_MATRIX_COLS; c++)
		width[c] = strlen(headers[c]);
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < SR_MATRIX_COLS - 1; c++)
			if ((size_t)sr_safe_width(cell(&rows[i], c)) > width[c])
				width[c] = (size_t)sr_safe_width(cell(&rows[i], c));
	bool color = st && st->color;
	if (color)
		fputs("\033[1m", out);
	for (int c = 0; c < SR_MATRIX_COLS - 1; c++)
		fprintf(out, "%-*s  ", (int)width[c], headers[c]);
	fputs(headers[SR_MATRIX_COLS - 1], out);
	if (color)
		fputs("\033[0m", out);
	fputc('\n', out);
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < SR_MATRIX_COLS; c++) {
			const char *s = cell(&rows[i], c);
			size_t used = (size_t)sr_put_safe(out, s);
			if (c < SR_MATRIX_COLS - 1)
				fprintf(out, "%*s", (int)(width[c] - used) + 2, "");
		}
		fputc('\n', out);
	}
}
