/* shipready report: one self-contained HTML page (see shipready/htmlreport.h).
 *
 * Each binary is rendered when it is added (its analysis can then go), into
 * a fragment kept in memory, with its row of the matrix; the page is the
 * head, the matrix, the fragments and the inputs that failed. */
#include "shipready/htmlreport.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/graphviz.h"
#include "report/html.h"
#include "report/json_util.h"
#include "report/text_util.h"
#include "shipready/version.h"
#include "shipready/report.h"

#define MAX_CELL_TITLE 600
#define SIZE_ROWS 20   /* bars per chart; the rest is one bar */

struct cell {
	enum sr_verdict verdict;
	char *title;        /* the message users would see, and the fix */
};

struct bin {
	char *path;
	char *fragment;     /* its section of the page */
	size_t fragment_len;
	struct cell *cells; /* one per target */
	size_t nviolations;
};

struct failed {
	char *path, *reason;
};

struct sr_html_report {
	const struct sr_check_target *const *targets;
	size_t ntargets;
	char *policy;
	struct bin *v;
	size_t n, cap;
	struct failed *bad;
	size_t nbad, capbad;
};

enum sr_err sr_html_report_new(const struct sr_check_target *const *targets, size_t ntargets, const char *policy,
                               struct sr_html_report **out, struct sr_error *err)
{
	*out = NULL;
	struct sr_html_report *r = calloc(1, sizeof *r);
	if (!r || (policy && !(r->policy = strdup(policy)))) {
		free(r);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	r->targets = targets;
	r->ntargets = ntargets;
	*out = r;
	return SR_OK;
}

void sr_html_report_free(struct sr_html_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].path);
		free(r->v[i].fragment);
		for (size_t j = 0; r->v[i].cells && j < r->ntargets; j++)
			free(r->v[i].cells[j].title);
		free(r->v[i].cells);
	}
	for (size_t i = 0; i < r->nbad; i++) {
		free(r->bad[i].path);
		free(r->bad[i].reason);
	}
	free(r->bad);
	free(r->v);
	free(r->policy);
	free(r);
}

/* ------------------------------------------------------------ pieces */

static const char *verdict_class(enum sr_verdict v)
{
	switch (v) {
	case SR_VERDICT_RUNS: return "ok";
	case SR_VERDICT_WARN: return "warn";
	case SR_VERDICT_FAILS: return "fail";
	default: return "unknown";
	}
}

static const char *verdict_word(enum sr_verdict v)
{
	switch (v) {
	case SR_VERDICT_RUNS: return "ok";
	case SR_VERDICT_WARN: return "warn";
	case SR_VERDICT_FAILS: return "FAIL";
	default: return "?";
	}
}

static void fact(FILE *f, const char *label, const char *value)
{
	if (!value || !value[0])
		return;
	fprintf(f, "<dt>%s</dt><dd>", label);
	sr_html_text(f, value);
	fputs("</dd>\n", f);
}

/* The facts card: what the file is, as inspect's matrix row says, then
 * hardening, run-time needs with their evidence, and what to install. */
static void facts(FILE *f, const struct sr_analysis *an)
{
	struct sr_matrix_row row;
	sr_matrix_row_fill(&an->in, &row);
	fputs("<dl class=\"facts\">\n", f);
	fact(f, "format", row.format);
	fact(f, "platform", row.platform);
	fact(f, "linkage", row.link);
	fact(f, "C library", row.libc);
	fact(f, "Go", row.go);
	fact(f, "cgo", row.cgo);
	fact(f, "minimum OS", row.min_os);
	if (an->in.elf) {
		const struct sr_hardening *h = &an->in.elf->hardening;
		char hb[160];
		snprintf(hb, sizeof hb, "%s, %s RELRO, %s, %s, %s", h->pie ? "PIE" : "no PIE",
		         h->relro == SR_RELRO_NONE ? "no" : sr_relro_name(h->relro),
		         h->nx_stack ? "NX stack" : "executable stack",
		         h->stack_protector == SR_TRI_YES ? "canary" : h->stack_protector == SR_TRI_NO ? "no canary"
		                                                                                        : "canary unknown",
		         h->fortify == SR_TRI_YES ? "FORTIFY" : h->fortify == SR_TRI_NO ? "no FORTIFY" : "FORTIFY unknown");
		fact(f, "hardening", hb);
	}
	for (size_t i = 0; i < an->runtimes.n; i++) {
		char rb[512];
		snprintf(rb, sizeof rb, "%s%s%s", an->runtimes.v[i].name, an->runtimes.v[i].detail ? " " : "",
		         an->runtimes.v[i].detail ? an->runtimes.v[i].detail : "");
		fact(f, i ? "" : "needs installed", rb);
	}
	fputs("</dl>\n", f);
	const struct sr_needs *nd;
	if (sr_analysis_needs(an, &nd, NULL) != SR_OK) {
		fputs("<p class=\"muted\">What it reads at run time: out of memory.</p>\n", f);
		return;
	}
	if (!nd->n)
		return;
	fputs("<h4>Reads at run time</h4>\n<table class=\"needs\"><tr><th>need</th><th>paths</th><th>because of</th>"
	      "<th>without it</th></tr>\n",
	      f);
	for (size_t i = 0; i < nd->n; i++) {
		const struct sr_need *n = &nd->v[i];
		fputs("<tr><td>", f);
		sr_html_text(f, n->name);
		if (n->optional)
			fputs(" <span class=\"muted\">(optional)</span>", f);
		fputs("</td><td>", f);
		for (size_t k = 0; k < n->paths.count; k++) {
			fputs(k ? "<br>" : "", f);
			sr_html_code(f, n->paths.items[k]);
		}
		fputs("</td><td>", f);
		for (size_t k = 0; k < n->evidence.count && k < 8; k++) {
			fputs(k ? ", " : "", f);
			sr_html_code(f, n->evidence.items[k]);
		}
		if (n->evidence.count > 8)
			fprintf(f, " and %zu more", n->evidence.count - 8);
		fputs("</td><td>", f);
		sr_html_text(f, n->feature ? n->feature : "");
		if (n->message) {
			fputs("<br>", f);
			sr_html_code(f, n->message);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Each target's findings: severity, what users see, why, the evidence, the fix. */
static void findings(FILE *f, const struct sr_html_report *r, struct sr_check_result *const *res)
{
	if (!res || !r->ntargets)
		return;
	fputs("<h4>Targets</h4>\n<table class=\"findings\"><tr><th>target</th><th>verdict</th><th>finding</th>"
	      "<th>what users see</th><th>evidence</th><th>fix</th></tr>\n",
	      f);
	for (size_t j = 0; j < r->ntargets; j++) {
		const struct sr_check_result *x = res[j];
		if (!x)
			continue;
		size_t rows = x->nfindings ? x->nfindings : 1;
		for (size_t k = 0; k < rows; k++) {
			fputs("<tr>", f);
			if (k == 0) {
				fprintf(f, "<td rowspan=\"%zu\">", rows);
				sr_html_text(f, r->targets[j]->name);
				fprintf(f, "</td><td rowspan=\"%zu\" class=\"v %s\">%s</td>", rows, verdict_class(x->verdict),
				        verdict_word(x->verdict));
			}
			if (!x->nfindings) {
				fputs("<td colspan=\"4\" class=\"muted\">nothing to say: it runs</td></tr>\n", f);
				continue;
			}
			const struct sr_finding *fd = &x->findings[k];
			fprintf(f, "<td><span class=\"sev %s\">%s</span> ", sr_severity_name(fd->severity),
			        sr_severity_name(fd->severity));
			sr_html_text(f, fd->kind);
			fputs(": ", f);
			sr_html_text(f, fd->reason ? fd->reason : "");
			fputs("</td><td>", f);
			if (fd->message)
				sr_html_code(f, fd->message);
			fputs("</td><td>", f);
			if (fd->evidence)
				sr_html_code(f, fd->evidence);
			fputs("</td><td>", f);
			sr_html_text(f, fd->fix ? fd->fix : "");
			fputs("</td></tr>\n", f);
		}
	}
	fputs("</table>\n", f);
}

static void violations(FILE *f, const struct sr_html_report *r, const struct sr_violations *v)
{
	if (!r->policy || !v)
		return;
	fputs("<h4>Policy ", f);
	sr_html_text(f, r->policy);
	fputs("</h4>\n", f);
	if (!v->n) {
		fputs("<p class=\"ok-text\">no violation</p>\n", f);
		return;
	}
	fputs("<table class=\"findings\"><tr><th>rule</th><th>violation</th><th>evidence</th></tr>\n", f);
	for (size_t i = 0; i < v->n; i++) {
		fputs("<tr><td>", f);
		sr_html_text(f, v->v[i].rule);
		fputs("</td><td class=\"fail-text\">", f);
		sr_html_text(f, v->v[i].message);
		fputs("</td><td>", f);
		if (v->v[i].evidence)
			sr_html_code(f, v->v[i].evidence);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* The dependency graph in DOT: each library labelled with how the loader
 * found it, missing ones and those lacking a required version in red. */
static void deps_dot(FILE *f, const struct sr_deps *d)
{
	fputs("digraph deps {\n  rankdir=LR;\n  bgcolor=\"transparent\";\n"
	      "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f6f8\", fontname=\"sans-serif\", "
	      "fontsize=10];\n  edge [color=\"#6b7785\"];\n",
	      f);
	bool *bad = calloc(d->object_count + 1, sizeof *bad);
	for (size_t i = 0; bad && i < d->issue_count; i++)
		if (!d->issues[i].weak && !d->issues[i].no_version_info && d->issues[i].provider < d->object_count)
			bad[d->issues[i].provider] = true;
	for (size_t i = 0; i < d->object_count; i++) {
		/* how the edge that loaded it found it */
		const char *how = i == 0 ? "the program" : d->objects[i].is_interp ? "the interpreter" : NULL;
		for (size_t k = 0; !how && k < d->edge_count; k++)
			if (d->edges[k].to == i)
				how = sr_found_how_name(d->edges[k].how);
		fprintf(f, "  n%zu [label=\"", i);
		sr_put_graph_label(f, d->objects[i].name, false);
		fputs("\\n", f);
		sr_put_graph_label(f, how ? how : "", false);
		if (bad && bad[i])
			fputs("\\nlacks a required version\", color=\"#c0392b\", fontcolor=\"#c0392b\"];\n", f);
		else
			fputs("\"];\n", f);
	}
	size_t m = 0;
	for (size_t i = 0; i < d->edge_count; i++) {
		const struct sr_dep_edge *e = &d->edges[i];
		if (e->to != SR_DEPS_NONE) {
			fprintf(f, "  n%zu -> n%zu;\n", e->from, e->to);
			continue;
		}
		fprintf(f, "  m%zu [label=\"", m);
		sr_put_graph_label(f, e->name, false);
		fprintf(f, "\\nnot found\", color=\"#c0392b\", fontcolor=\"#c0392b\", fillcolor=\"#fdecea\"];\n"
		           "  n%zu -> m%zu [color=\"#c0392b\"];\n",
		        e->from, m);
		m++;
	}
	fputs("}\n", f);
	free(bad);
}

/* The graph as inline SVG, or a note saying why there is none. */
static void graph(FILE *f, const struct sr_html_binary *b)
{
	fputs("<h4>Dependencies</h4>\n", f);
	if (!b->deps) {
		fputs("<p class=\"muted\">", f);
		sr_html_text(f, b->deps_note ? b->deps_note : "no shared libraries to draw");
		fputs("</p>\n", f);
		return;
	}
	char *dot = NULL, *svg = NULL;
	size_t dlen = 0, slen = 0;
	FILE *m = open_memstream(&dot, &dlen);
	if (!m) {
		fputs("<p class=\"muted\">out of memory</p>\n", f);
		return;
	}
	deps_dot(m, b->deps);
	fclose(m);
	struct sr_error err = { 0 };
	if (sr_graphviz_svg(dot, &svg, &slen, &err) != SR_OK) {
		fputs("<p class=\"muted\">graph not drawn: ", f);
		sr_html_text(f, sr_error_message(&err));
		fputs("</p>\n", f);
	} else if (!sr_html_svg_is_inert(svg)) {
		fputs("<p class=\"muted\">graph not drawn: Graphviz wrote something that is not plain SVG</p>\n", f);
	} else {
		fputs("<div class=\"graph\">", f);
		fwrite(svg, 1, slen, f);
		fputs("</div>\n", f);
	}
	free(svg);
	free(dot);
}

static void sizes(FILE *f, const struct sr_size *s)
{
	if (!s)
		return;
	fputs("<h4>Size</h4>\n", f);
	sr_html_bars(f, "Sections", s->sections, s->nsections, s->file_bytes, SIZE_ROWS);
	if (s->go) {
		sr_html_bars(f, "Go modules (function bytes)", s->modules, s->nmodules, s->go_text_bytes, SIZE_ROWS);
		sr_html_bars(f, "Go packages (function bytes)", s->packages, s->npackages, s->go_text_bytes, SIZE_ROWS);
	}
}

/* The cell's hover text: the worst finding's message (or reason), and its fix. */
static char *cell_title(const struct sr_check_result *x)
{
	if (!x || !x->nfindings)
		return NULL;
	const struct sr_finding *fd = &x->findings[0];
	char buf[MAX_CELL_TITLE];
	snprintf(buf, sizeof buf, "%s%s%s", fd->message ? fd->message : fd->reason ? fd->reason : fd->kind,
	         fd->fix ? " \xe2\x80\x94 fix: " : "", fd->fix ? fd->fix : "");
	return strdup(buf);
}

/* ------------------------------------------------------------ adding */

static bool grow(struct sr_html_report *r)
{
	if (r->n < r->cap)
		return true;
	size_t cap = r->cap ? r->cap * 2 : 16;
	struct bin *v = realloc(r->v, cap * sizeof *v);
	if (!v)
		return false;
	r->v = v;
	r->cap = cap;
	return true;
}

enum sr_err sr_html_report_add(struct sr_html_report *r, const struct sr_html_binary *b, struct sr_error *err)
{
	if (!grow(r))
		return sr_error_set(err, SR_E_NOMEM, NULL);
	struct bin *x = &r->v[r->n];
	memset(x, 0, sizeof *x);
	x->path = strdup(b->path);
	x->cells = calloc(r->ntargets + 1, sizeof *x->cells);
	FILE *f = x->path && x->cells ? open_memstream(&x->fragment, &x->fragment_len) : NULL;
	if (!f) {
		free(x->path);
		free(x->cells);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	for (size_t j = 0; j < r->ntargets; j++) {
		const struct sr_check_result *res = b->results ? b->results[j] : NULL;
		x->cells[j].verdict = res ? res->verdict : SR_VERDICT_UNKNOWN;
		x->cells[j].title = cell_title(res);
	}
	x->nviolations = b->violations ? b->violations->n : 0;
	fprintf(f, "<section class=\"binary\" id=\"b%zu\">\n<details open><summary><h3>", r->n);
	sr_html_text(f, b->path);
	fputs("</h3></summary>\n", f);
	facts(f, b->an);
	findings(f, r, b->results);
	violations(f, r, b->violations);
	graph(f, b);
	sizes(f, b->size);
	fputs("</details>\n</section>\n", f);
	fclose(f);
	r->n++;
	return SR_OK;
}

enum sr_err sr_html_report_add_error(struct sr_html_report *r, const char *path, const char *reason,
                                     struct sr_error *err)
{
	if (r->nbad == r->capbad) {
		size_t cap = r->capbad ? r->capbad * 2 : 8;
		struct failed *v = realloc(r->bad, cap * sizeof *v);
		if (!v)
			return sr_error_set(err, SR_E_NOMEM, NULL);
		r->bad = v;
		r->capbad = cap;
	}
	r->bad[r->nbad].path = strdup(path);
	r->bad[r->nbad].reason = strdup(reason);
	if (!r->bad[r->nbad].path || !r->bad[r->nbad].reason) {
		free(r->bad[r->nbad].path);
		free(r->bad[r->nbad].reason);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	r->nbad++;
	return SR_OK;
}

/* ------------------------------------------------------------ the page */

static void matrix(FILE *f, const struct sr_html_report *r)
{
	if (!r->n)
		return;
	fputs("<h2>Release matrix</h2>\n<table class=\"matrix\"><tr><th>artifact</th>", f);
	for (size_t j = 0; j < r->ntargets; j++) {
		fputs("<th>", f);
		sr_html_text(f, r->targets[j]->name);
		fputs("</th>", f);
	}
	if (r->policy) {
		fputs("<th>policy ", f);
		sr_html_text(f, r->policy);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < r->n; i++) {
		fprintf(f, "<tr><td><a href=\"#b%zu\">", i);
		sr_html_text(f, r->v[i].path);
		fputs("</a></td>", f);
		for (size_t j = 0; j < r->ntargets; j++) {
			const struct cell *c = &r->v[i].cells[j];
			fprintf(f, "<td class=\"v %s\"", verdict_class(c->verdict));
			if (c->title) {
				fputs(" title=\"", f);
				sr_html_text(f, c->title);
				fputs("\"", f);
			}
			fprintf(f, ">%s</td>", verdict_word(c->verdict));
		}
		if (r->policy)
			fprintf(f, "<td class=\"v %s\">%zu violation%s</td>", r->v[i].nviolations ? "fail" : "ok",
			        r->v[i].nviolations, r->v[i].nviolations == 1 ? "" : "s");
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	/* the details rows: what users would see where it does not simply run */
	bool any = false;
	for (size_t i = 0; i < r->n; i++)
		for (size_t j = 0; j < r->ntargets; j++) {
			const struct cell *c = &r->v[i].cells[j];
			if (!c->title || c->verdict == SR_VERDICT_RUNS)
				continue;
			if (!any)
				fputs("<ul class=\"cells\">\n", f);
			any = true;
			fprintf(f, "<li><span class=\"v %s\">%s</span> ", verdict_class(c->verdict), verdict_word(c->verdict));
			sr_html_text(f, r->v[i].path);
			fputs(" on ", f);
			sr_html_text(f, r->targets[j]->name);
			fputs(": ", f);
			sr_html_text(f, c->title);
			fputs("</li>\n", f);
		}
	if (any)
		fputs("</ul>\n", f);
}

static const char STYLE[] =
	":root{color-scheme:light dark;--bg:#ffffff;--fg:#1d232a;--muted:#6b7785;--line:#d8dee4;--card:#f6f8fa;"
	"--ok:#1e7e34;--okbg:#e6f4ea;--warn:#8a5a00;--warnbg:#fff4d6;--fail:#b42318;--failbg:#fdecea;"
	"--unk:#4a5562;--unkbg:#eef1f4;--bar:#4c78a8}\n"
	"@media (prefers-color-scheme:dark){:root{--bg:#0f1419;--fg:#e6e9ec;--muted:#98a2ad;--line:#2d3640;"
	"--card:#161d24;--ok:#6fd38b;--okbg:#12301d;--warn:#f0c05a;--warnbg:#3a2e0f;--fail:#ff8a80;--failbg:#3d1714;"
	"--unk:#c3cbd3;--unkbg:#232c35;--bar:#7aa6d6}}\n"
	"body{background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",sans-serif;"
	"margin:2em auto;max-width:72em;padding:0 1em}\n"
	"h1{font-size:1.6em;margin:0 0 .2em}h2{margin-top:1.6em}h3{display:inline;font-size:1.1em;"
	"word-break:break-all}h4{margin:1.2em 0 .4em}\n"
	"table{border-collapse:collapse;margin:.4em 0}th,td{border:1px solid var(--line);padding:.3em .55em;"
	"text-align:left;vertical-align:top}th{background:var(--card)}\n"
	".v{font-weight:600;text-align:center}.ok{color:var(--ok);background:var(--okbg)}"
	".warn{color:var(--warn);background:var(--warnbg)}.fail{color:var(--fail);background:var(--failbg)}"
	".unknown{color:var(--unk);background:var(--unkbg)}\n"
	".sev{font-size:.8em;padding:0 .35em;border-radius:3px}.muted{color:var(--muted)}"
	".ok-text{color:var(--ok)}.fail-text{color:var(--fail)}\n"
	"code{font:12px/1.3 ui-monospace,\"DejaVu Sans Mono\",monospace;word-break:break-all}\n"
	"section.binary{border:1px solid var(--line);border-radius:6px;padding:.6em 1em;margin:1em 0;"
	"background:var(--bg);content-visibility:auto;contain-intrinsic-size:auto 900px}\n"
	"dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.6em 0}"
	"dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}\n"
	".graph{overflow-x:auto;background:#ffffff;border-radius:4px;padding:.3em}.graph svg{max-width:100%;height:auto}\n"
	"svg.bars text{fill:var(--fg);font:11px system-ui,sans-serif}svg.bars rect{fill:var(--bar)}\n"
	"ul.cells{padding-left:1.2em}ul.cells li{margin:.2em 0}summary{cursor:pointer}\n";

enum sr_err sr_html_report_write(const struct sr_html_report *r, FILE *f, const char *generated,
                                 struct sr_error *err)
{
	size_t counts[4] = { 0 };
	for (size_t i = 0; i < r->n; i++)
		for (size_t j = 0; j < r->ntargets; j++)
			counts[r->v[i].cells[j].verdict]++;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
	      "img-src data:\">\n<title>shipready report</title>\n<style>\n",
	      f);
	fputs(STYLE, f);
	fputs("</style>\n</head>\n<body>\n<header>\n<h1>shipready report</h1>\n<p class=\"muted\">", f);
	fprintf(f, "%zu binar%s, %zu target%s", r->n, r->n == 1 ? "y" : "ies", r->ntargets, r->ntargets == 1 ? "" : "s");
	if (r->ntargets)
		fprintf(f, ": %zu ok, %zu warn, %zu FAIL, %zu ?", counts[SR_VERDICT_RUNS], counts[SR_VERDICT_WARN],
		        counts[SR_VERDICT_FAILS], counts[SR_VERDICT_UNKNOWN]);
	if (r->nbad)
		fprintf(f, "; %zu input%s not analysed", r->nbad, r->nbad == 1 ? "" : "s");
	fprintf(f, " \xc2\xb7 shipready %s", sr_version_string());
	if (generated) {
		fputs(" \xc2\xb7 ", f);
		sr_html_text(f, generated);
	}
	fputs("</p>\n</header>\n<main>\n", f);
	matrix(f, r);
	if (r->nbad) {
		fputs("<h2>Not analysed</h2>\n<ul>\n", f);
		for (size_t i = 0; i < r->nbad; i++) {
			fputs("<li>", f);
			sr_html_text(f, r->bad[i].path);
			fputs(": <span class=\"fail-text\">", f);
			sr_html_text(f, r->bad[i].reason);
			fputs("</span></li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	if (r->n)
		fputs("<h2>Binaries</h2>\n", f);
	for (size_t i = 0; i < r->n; i++)
		fwrite(r->v[i].fragment, 1, r->v[i].fragment_len, f);
	fputs("</main>\n</body>\n</html>\n", f);
	if (ferror(f))
		return sr_error_set(err, SR_E_IO, "cannot write the report");
	return SR_OK;
}
