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

	put(row->go, sizeof row->go, g ? g->version : "-");
	put(row->cgo, sizeof row->cgo, !g ? "-" : g->cgo == SR_GO_CGO_YES ? "on" : g->cgo == SR_GO_CGO_NO ? "off" : "?");

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
		for (size_t i = 0; i < g->nneeds && w < sizeof row->needs; i++) {
			if (g->needs[i].optional || g->needs[i].kind == SR_GO_NEED_LIBC)
				continue;
			w += (size_t)snprintf(row->needs + w, sizeof row->needs - w, "%s%s", w ? ", " : "",
			                      g->needs[i].name);
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

void sr_matrix_row_fill(const struct sr_inspect *in, struct sr_matrix_row *row)
{
	memset(row, 0, sizeof *row);
	put(row->file, sizeof row->file, in->path);
	if (in->elf) {
		elf_row(in, row);
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
