/* shipready check: the verdict matrix (binaries × targets), the reasons
 * with the messages users would see, and the JSON document
 * (docs/schema/check.json). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_util.h"
#include "report/text_util.h"
#include "shipready/report.h"

#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_DIM "\033[2m"
#define C_OFF "\033[0m"

static const char *verdict_word(enum sr_verdict v, bool color)
{
	switch (v) {
	case SR_VERDICT_RUNS: return color ? "✓" : "ok";
	case SR_VERDICT_UNKNOWN: return "?";
	case SR_VERDICT_WARN: return color ? "!" : "warn";
	case SR_VERDICT_FAILS: return color ? "✗" : "FAIL";
	}
	return "?";
}

static const char *verdict_color(enum sr_verdict v)
{
	return v == SR_VERDICT_RUNS ? C_GREEN : v == SR_VERDICT_FAILS ? C_RED : v == SR_VERDICT_WARN ? C_YELLOW : C_DIM;
}

static const char *sev_word(enum sr_severity s, bool color)
{
	switch (s) {
	case SR_SEV_FAIL: return color ? "✗" : "FAIL";
	case SR_SEV_WARN: return color ? "!" : "warn";
	case SR_SEV_UNKNOWN: return "?";
	case SR_SEV_INFO: return "";
	}
	return "";
}

static const char *sev_color(enum sr_severity s)
{
	return s == SR_SEV_FAIL ? C_RED : s == SR_SEV_WARN ? C_YELLOW : C_DIM;
}

/* The widest FILE column of the matrix. */
#define MATRIX_NAME_MAX 48

static void pad(FILE *out, int n)
{
	while (n-- > 0)
		fputc(' ', out);
}

void sr_report_check_matrix_text(FILE *out, const char *const *targets, size_t nt, const char *const *files,
                                 const enum sr_verdict *verdicts, size_t nf, const struct sr_text_style *st)
{
	bool color = st && st->color;
	int w0 = 4;
	for (size_t i = 0; i < nf; i++) {
		int w = sr_safe_width(files[i]);
		if (w > w0)
			w0 = w;
	}
	/* the FILE column is at most MATRIX_NAME_MAX wide: a longer name takes
	 * a line of its own, and its verdicts the next, still in their columns */
	if (w0 > MATRIX_NAME_MAX)
		w0 = MATRIX_NAME_MAX;
	int wt_small[16];
	int *wt = nt <= 16 ? wt_small : calloc(nt, sizeof *wt);
	if (!wt)
		return;
	fputs("FILE", out);
	pad(out, w0 - 4 + 2);
	for (size_t j = 0; j < nt; j++) {
		int w = sr_safe_width(targets[j]);
		wt[j] = w < 4 ? 4 : w;
		sr_put_safe(out, targets[j]);
		if (j + 1 < nt)
			pad(out, wt[j] - w + 2);
	}
	fputc('\n', out);
	for (size_t i = 0; i < nf; i++) {
		int w = sr_put_safe(out, files[i]);
		if (w > w0) {
			fputc('\n', out);
			w = 0;
		}
		pad(out, w0 - w + 2);
		for (size_t j = 0; j < nt; j++) {
			enum sr_verdict v = verdicts[i * nt + j];
			const char *word = verdict_word(v, color);
			if (color)
				fprintf(out, "%s%s%s", verdict_color(v), word, C_OFF);
			else
				fputs(word, out);
			if (j + 1 < nt)
				pad(out, wt[j] - sr_safe_width(word) + 2);
		}
		fputc('\n', out);
	}
	if (wt != wt_small)
		free(wt);
}

static void runtimes_text(FILE *out, const struct sr_inspect *in, const struct sr_runtimes *rt)
{
	if (!rt->n) {
		fputs(in->format == SR_FMT_PE ? "nothing beyond Windows itself"
		      : in->format == SR_FMT_MACHO ? "nothing beyond macOS itself" : "nothing but the kernel", out);
		return;
	}
	for (size_t i = 0; i < rt->n; i++) {
		if (i)
			fputs(" · ", out);
		sr_put_safe(out, rt->v[i].name);
		if (rt->v[i].detail) {
			fputc(' ', out);
			sr_put_safe(out, rt->v[i].detail);
		}
	}
}

struct group {
	const struct sr_finding *f;     /* the first of its kind */
	char label[256];                /* the targets it holds for */
	size_t ntargets;
};

static bool same_finding(const struct sr_finding *a, const struct sr_finding *b)
{
	return a->severity == b->severity && strcmp(a->kind, b->kind) == 0 && strcmp(a->reason, b->reason) == 0 &&
	       ((!a->message && !b->message) || (a->message && b->message && strcmp(a->message, b->message) == 0));
}

static void needs_text(FILE *out, const struct sr_needs *needs)
{
	for (size_t i = 0; i < needs->n; i++) {
		const struct sr_need *nd = &needs->v[i];
		if (i)
			fputs(" · ", out);
		sr_put_safe(out, nd->name);
		if (nd->evidence.count) {
			fputs(" (", out);
			sr_put_safe(out, nd->evidence.items[0]);
			if (nd->evidence.count > 1)
				fputs(", …", out);
			fputc(')', out);
		}
	}
}

void sr_report_check_details_text(FILE *out, const struct sr_inspect *in, const struct sr_runtimes *rt,
                                  const struct sr_needs *needs, struct sr_check_result *const *results, size_t n,
                                  const struct sr_text_style *st)
{
	bool color = st && st->color;
	fputc('\n', out);
	sr_put_safe(out, in->path);
	fputs("\n  runtimes  ", out);
	runtimes_text(out, in, rt);
	fputc('\n', out);
	if (needs && needs->n) {
		fputs("  reads     ", out);
		needs_text(out, needs);
		fputc('\n', out);
	}

	/* one line per distinct finding, with every target it holds for */
	size_t total = 0;
	for (size_t j = 0; j < n; j++)
		total += results[j]->nfindings;
	struct group *g = total ? calloc(total, sizeof *g) : NULL;
	size_t ng = 0;
	for (size_t j = 0; g && j < n; j++) {
		const struct sr_check_result *r = results[j];
		for (size_t k = 0; k < r->nfindings; k++) {
			const struct sr_finding *f = &r->findings[k];
			if (f->severity == SR_SEV_INFO)
				continue;
			size_t q = 0;
			while (q < ng && !same_finding(g[q].f, f))
				q++;
			if (q == ng)
				g[ng++].f = f;
			size_t len = strlen(g[q].label);
			if (g[q].ntargets == 0 || strcmp(g[q].label + (len >= strlen(r->target->name) ? len - strlen(r->target->name) : 0),
			                                   r->target->name) != 0)
				snprintf(g[q].label + len, sizeof g[q].label - len, "%s%s", g[q].ntargets ? ", " : "",
				         r->target->name);
			g[q].ntargets++;
		}
	}
	const int labw = 24;
	int wl = 0;
	for (size_t q = 0; q < ng; q++) {
		if (n > 1 && g[q].ntargets == n)
			snprintf(g[q].label, sizeof g[q].label, "all targets");
		int w = sr_safe_width(g[q].label);
		if (w <= labw && w > wl)
			wl = w;
	}
	const char *fixes[32];
	size_t nfix = 0;
	for (size_t q = 0; q < ng; q++) {
		const struct sr_finding *f = g[q].f;
		fputs("  ", out);
		int w = sr_put_safe(out, g[q].label);
		if (w > wl) {
			fputc('\n', out);
			pad(out, 2 + wl + 2);
		} else {
			pad(out, wl - w + 2);
		}
		const char *word = sev_word(f->severity, color);
		if (color)
			fprintf(out, "%s%s%s", sev_color(f->severity), word, C_OFF);
		else
			fputs(word, out);
		pad(out, 5 - sr_safe_width(word));
		/* an unknown: the reason is the point (the message is what would
		 * be seen if the fact turned out badly; JSON keeps it) */
		bool msg = f->message && f->severity != SR_SEV_UNKNOWN;
		sr_put_safe(out, msg ? f->message : f->reason);
		fputc('\n', out);
		if (msg) {
			pad(out, 2 + wl + 2 + 5);
			if (color)
				fputs(C_DIM, out);
			sr_put_safe(out, f->reason);
			if (color)
				fputs(C_OFF, out);
			fputc('\n', out);
		}
		if (f->fix && nfix < sizeof fixes / sizeof fixes[0]) {
			bool seen = false;
			for (size_t x = 0; x < nfix && !seen; x++)
				seen = strcmp(fixes[x], f->fix) == 0;
			if (!seen)
				fixes[nfix++] = f->fix;
		}
	}
	for (size_t x = 0; x < nfix; x++) {
		fputs(x ? "  " : "  fix", out);
		pad(out, x ? wl + 2 + 5 : wl - 3 + 2 + 5);
		sr_put_safe(out, fixes[x]);
		fputc('\n', out);
	}
	free(g);
}

/* ---------- JSON ---------- */

static void set_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, sr_json_str(v));
}

void *sr_report_check_target_json(const struct sr_check_target *t)
{
	json_t *o = json_object();
	set_str(o, "name", t->name);
	json_object_set_new(o, "source", json_string(t->dir ? "dir" : "database"));
	set_str(o, "dir", t->dir);
	set_str(o, "arch", t->arch);
	set_str(o, "kernel", t->kernel);
	if (t->libc != SR_LIBC_UNKNOWN)
		json_object_set_new(o, "libc", json_string(sr_libc_name(t->libc)));
	set_str(o, "libc_version", t->libc_version);
	return o;
}

static json_t *strlist_json(const struct sr_strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->count; i++)
		json_array_append_new(a, sr_json_str(l->items[i]));
	return a;
}

static const char *format_word(const struct sr_inspect *in)
{
	return in->format == SR_FMT_ELF ? "ELF" : in->format == SR_FMT_PE ? "PE" : in->format == SR_FMT_MACHO ? "Mach-O"
	                                                                                                 : "unknown";
}

void *sr_report_check_binary_json(const struct sr_inspect *in, const struct sr_runtimes *rt,
                                  const struct sr_needs *needs, struct sr_check_result *const *results, size_t n)
{
	json_t *o = json_object();
	set_str(o, "path", in->path);
	json_object_set_new(o, "format", json_string(format_word(in)));
	struct sr_matrix_row row;
	sr_matrix_row_fill(in, &row);
	if (row.platform[0])
		json_object_set_new(o, "platform", sr_json_str(row.platform));
	json_t *ra = json_array();
	for (size_t i = 0; rt && i < rt->n; i++) {
		json_t *r = json_object();
		set_str(r, "name", rt->v[i].name);
		set_str(r, "detail", rt->v[i].detail);
		json_array_append_new(ra, r);
	}
	json_object_set_new(o, "runtimes", ra);
	json_t *na = json_array();
	for (size_t i = 0; needs && i < needs->n; i++) {
		const struct sr_need *nd = &needs->v[i];
		json_t *j = json_object();
		set_str(j, "kind", nd->id);
		set_str(j, "name", nd->name);
		json_object_set_new(j, "evidence", strlist_json(&nd->evidence));
		json_object_set_new(j, "paths", strlist_json(&nd->paths));
		set_str(j, "feature", nd->feature);
		set_str(j, "message", nd->message);
		set_str(j, "note", nd->note);
		json_object_set_new(j, "optional", json_boolean(nd->optional));
		json_array_append_new(na, j);
	}
	json_object_set_new(o, "needs", na);
	json_t *res = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct sr_check_result *r = results[i];
		json_t *j = json_object();
		set_str(j, "target", r->target->name);
		json_object_set_new(j, "verdict", json_string(sr_verdict_name(r->verdict)));
		json_object_set_new(j, "findings", sr_report_findings_json(r));
		json_array_append_new(res, j);
	}
	json_object_set_new(o, "results", res);
	return o;
}

json_t *sr_report_findings_json(const struct sr_check_result *r)
{
	json_t *fa = json_array();
	for (size_t k = 0; k < r->nfindings; k++) {
		const struct sr_finding *f = &r->findings[k];
		json_t *fj = json_object();
		json_object_set_new(fj, "severity", json_string(sr_severity_name(f->severity)));
		set_str(fj, "kind", f->kind);
		set_str(fj, "reason", f->reason);
		set_str(fj, "message", f->message);
		set_str(fj, "evidence", f->evidence);
		set_str(fj, "fix", f->fix);
		json_array_append_new(fa, fj);
	}
	return fa;
}
