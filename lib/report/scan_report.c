/* shipready scan: one item per binary found (made in a scan worker, so the
 * JSON is serialised in parallel), the summary that counts them, and the
 * text and JSON views (docs/schema/scan.json). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_util.h"
#include "report/text_util.h"
#include "shipready/elf.h"
#include "shipready/go.h"
#include "shipready/pe.h"
#include "shipready/report.h"

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v && v[0] ? sr_json_str(v) : json_null());
}

static json_t *strlist_json(const struct sr_strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; l && i < l->count; i++)
		json_array_append_new(a, sr_json_str(l->items[i]));
	return a;
}

static json_t *libraries_json(const struct sr_inspect *in)
{
	if (in->elf)
		return strlist_json(&in->elf->needed);
	json_t *a = json_array();
	for (size_t i = 0; in->pe && i < in->pe->ndlls; i++)
		json_array_append_new(a, sr_json_str(in->pe->dlls[i].name));
	return a;
}

/* A Rust program's crates (cargo auditable's .dep-v0), or null: the ones
 * linked in, name@version, and the build-time ones counted. */
static json_t *rust_json(const struct sr_analysis *an)
{
	if (an->rust_error)
		return json_pack("{s:o}", "error", sr_json_str(an->rust_error));
	if (!an->rust.n)
		return json_null();
	json_t *crates = json_array();
	size_t build = 0;
	for (size_t i = 0; i < an->rust.n; i++) {
		const struct sr_rust_crate *k = &an->rust.crates[i];
		if (k->build) {
			build++;
			continue;
		}
		size_t nl = strlen(k->name), vl = strlen(k->version);
		char *s = malloc(nl + vl + 2);
		if (s) {
			memcpy(s, k->name, nl);
			s[nl] = '@';
			memcpy(s + nl + 1, k->version, vl + 1);
			json_array_append_new(crates, sr_json_str(s));
			free(s);
		}
	}
	return json_pack("{s:o,s:I,s:i}", "crates", crates, "build_crates", (json_int_t)build, "format", an->rust.format);
}

static json_t *go_json(const struct sr_go_info *g, const char *cgo)
{
	if (!g || !g->is_go)
		return json_null();
	json_t *o = json_object();
	set_str(o, "version", g->version);
	const struct sr_go_modinfo *m = g->bi ? g->bi->mod : NULL;
	set_str(o, "path", m ? m->path : NULL);
	set_str(o, "main", m ? m->main.path : NULL);
	set_str(o, "main_version", m ? m->main.version : NULL);
	json_object_set_new(o, "modules", json_integer(m ? (json_int_t)m->ndeps : 0));
	set_str(o, "cgo", cgo);
	return o;
}

static json_t *binary_json(const struct sr_scan_found *f, const char *input, const struct sr_matrix_row *row)
{
	json_t *o = json_object();
	json_object_set_new(o, "input", sr_json_str(input));
	json_object_set_new(o, "path", sr_json_str(f->path));
	if (!f->an) {
		json_object_set_new(o, "error", sr_json_str(sr_error_message(f->error)));
		json_object_set_new(o, "directory", json_boolean(f->is_dir));
		return o;
	}
	const struct sr_analysis *an = f->an;
	const struct sr_inspect *in = &an->in;
	json_object_set_new(o, "format", json_string(sr_format_name(in->format)));
	json_object_set_new(o, "role", json_string(sr_inspect_role(in)));
	set_str(o, "platform", row->platform);
	set_str(o, "linkage", row->link);
	set_str(o, "libc", row->libc);
	json_object_set_new(o, "language", json_string(sr_lang_name(an->lang.lang)));
	set_str(o, "compiler", an->lang.compiler);
	set_str(o, "language_evidence", an->lang.evidence);
	set_str(o, "interpreter", in->elf ? in->elf->interpreter : NULL);
	json_object_set_new(o, "libraries", libraries_json(in));
	set_str(o, "min_os", strcmp(row->min_os, "-") ? row->min_os : NULL);
	json_object_set_new(o, "go", go_json(in->go, row->cgo));
	json_object_set_new(o, "rust", rust_json(an));
	const struct sr_needs *nd;
	if (sr_analysis_needs(an, &nd, NULL) != SR_OK) {
		json_decref(o);
		return NULL;   /* out of memory: the item is not made */
	}
	json_t *needs = json_array();
	for (size_t i = 0; i < nd->n; i++)
		json_array_append_new(needs, json_string(nd->v[i].id));
	json_object_set_new(o, "needs", needs);
	if (f->judged) {
		json_object_set_new(o, "verdict", json_string(sr_verdict_name(f->judged->verdict)));
		json_object_set_new(o, "findings", sr_report_findings_json(f->judged));
	}
	return o;
}

/* The problem lines of one item: what would go wrong, worst first, in the
 * loader's and the program's own words where check has them. */
static char *problem_lines(const struct sr_scan_found *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return NULL;
	if (!f->an)
		fprintf(m, "%s %s: %s\n", f->is_dir ? "SKIP" : "ERROR", f->path, sr_error_message(f->error));
	else if (f->judged && f->judged->verdict != SR_VERDICT_RUNS) {
		for (size_t k = 0; k < f->judged->nfindings; k++) {
			const struct sr_finding *x = &f->judged->findings[k];
			if (x->severity != SR_SEV_FAIL && x->severity != SR_SEV_WARN && x->severity != SR_SEV_UNKNOWN)
				continue;
			fprintf(m, "%s %s: %s", x->severity == SR_SEV_FAIL ? "FAIL" : x->severity == SR_SEV_WARN ? "warn" : "?",
			        f->path, x->reason);
			if (x->message)
				fprintf(m, " (%s)", x->message);
			fputc('\n', m);
		}
	}
	fclose(m);
	if (len == 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

struct sr_scan_item *sr_report_scan_item(const struct sr_scan_found *f, const char *input, bool want_json)
{
	struct sr_scan_item *it = calloc(1, sizeof *it);
	if (!it)
		return NULL;
	if (f->an) {
		it->format = sr_format_name(f->an->in.format);
		it->role = sr_inspect_role(&f->an->in);
		it->language = sr_lang_name(f->an->lang.lang);
		it->libc = f->an->in.elf ? sr_libc_name(f->an->in.elf->libc) : f->an->in.pe ? "windows" : "darwin";
	}
	it->analysed = f->an != NULL;
	it->dir_error = f->is_dir;
	it->judged = f->judged != NULL;
	it->verdict = f->judged ? f->judged->verdict : SR_VERDICT_RUNS;
	it->problem = problem_lines(f);
	if (want_json) {
		/* the whole record: a Go program's function table is walked for
		 * its cgo and needs (a summary needs only the lines above) */
		struct sr_matrix_row row = { 0 };
		if (f->an)
			sr_matrix_row_fill(&f->an->in, &row);
		json_t *o = binary_json(f, input, &row);
		it->json = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
		if (!it->json) {
			sr_scan_item_free(it);
			return NULL;
		}
	}
	return it;
}

void sr_scan_item_free(struct sr_scan_item *it)
{
	if (!it)
		return;
	free(it->json);
	free(it->problem);
	free(it);
}

/* ------------------------------------------------------------ the summary */

static void tally(struct sr_scan_tally *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].key, key) == 0) {
			t->v[i].count++;
			return;
		}
	if (t->n < SR_SCAN_TALLY_MAX) {
		t->v[t->n].key = key;
		t->v[t->n++].count = 1;
	}
}

void sr_scan_summary_add(struct sr_scan_summary *s, const struct sr_scan_item *it)
{
	if (it->analysed) {
		s->binaries++;
		tally(&s->by_format, it->format);
		tally(&s->by_role, it->role);
		tally(&s->by_language, it->language);
		tally(&s->by_libc, it->libc);
	} else if (!it->dir_error) {
		s->errors++;
	}
	if (it->judged) {
		s->judged++;
		if (it->verdict == SR_VERDICT_FAILS)
			s->fails++;
		else if (it->verdict == SR_VERDICT_WARN)
			s->warns++;
		else if (it->verdict == SR_VERDICT_UNKNOWN)
			s->unknowns++;
	}
}

static int tally_cmp(const void *a, const void *b)
{
	const struct sr_scan_count *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->key, y->key);
}

static void sort_tally(struct sr_scan_tally *t)
{
	qsort(t->v, t->n, sizeof *t->v, tally_cmp);
}

static void put_tally(FILE *out, const char *label, struct sr_scan_tally *t)
{
	sort_tally(t);
	fprintf(out, "  %-10s", label);
	for (size_t i = 0; i < t->n; i++)
		fprintf(out, "%s%s %llu", i ? ", " : " ", t->v[i].key, (unsigned long long)t->v[i].count);
	fputs(t->n ? "\n" : " -\n", out);
}

void sr_report_scan_text(FILE *out, const char *input, struct sr_scan_summary *s, const struct sr_scan_stats *st,
                         const char *problems, const struct sr_text_style *style)
{
	fprintf(out, "%s: %llu files, %llu binaries", input, (unsigned long long)st->files,
	        (unsigned long long)s->binaries);
	if (s->judged)
		fprintf(out, "; %llu programs judged inside it: %llu fail, %llu warn, %llu unknown", (unsigned long long)s->judged,
		        (unsigned long long)s->fails, (unsigned long long)s->warns, (unsigned long long)s->unknowns);
	fputc('\n', out);
	if (problems && problems[0]) {
		fputs("problems:\n", out);
		for (const char *l = problems; *l;) {
			size_t n = strcspn(l, "\n");
			fputs("  ", out);
			if (style && style->color && strncmp(l, "FAIL", 4) == 0)
				fprintf(out, "\033[31mFAIL\033[0m%.*s", (int)n - 4, l + 4);
			else
				fwrite(l, 1, n, out);
			fputc('\n', out);
			l += n + (l[n] == '\n');
		}
	}
	if (s->binaries) {
		put_tally(out, "format", &s->by_format);
		put_tally(out, "role", &s->by_role);
		put_tally(out, "language", &s->by_language);
		put_tally(out, "libc", &s->by_libc);
	}
	fprintf(out, "  %-10s %llu symlinks not followed, %llu special files, %llu pseudo file systems, %llu unreadable\n",
	        "skipped", (unsigned long long)st->symlinks, (unsigned long long)st->special,
	        (unsigned long long)st->pseudo_fs, (unsigned long long)st->unreadable);
}

static json_t *tally_json(struct sr_scan_tally *t)
{
	sort_tally(t);
	json_t *o = json_object();
	for (size_t i = 0; i < t->n; i++)
		json_object_set_new(o, t->v[i].key, json_integer((json_int_t)t->v[i].count));
	return o;
}

void *sr_report_scan_summary_json(struct sr_scan_summary *s, const struct sr_scan_stats *st)
{
	json_t *o = json_object();
	json_object_set_new(o, "files", json_integer((json_int_t)st->files));
	json_object_set_new(o, "directories", json_integer((json_int_t)st->dirs));
	json_object_set_new(o, "binaries", json_integer((json_int_t)s->binaries));
	json_object_set_new(o, "errors", json_integer((json_int_t)s->errors));
	json_object_set_new(o, "judged", json_integer((json_int_t)s->judged));
	json_object_set_new(o, "fails", json_integer((json_int_t)s->fails));
	json_object_set_new(o, "warns", json_integer((json_int_t)s->warns));
	json_object_set_new(o, "unknowns", json_integer((json_int_t)s->unknowns));
	json_object_set_new(o, "by_format", tally_json(&s->by_format));
	json_object_set_new(o, "by_role", tally_json(&s->by_role));
	json_object_set_new(o, "by_language", tally_json(&s->by_language));
	json_object_set_new(o, "by_libc", tally_json(&s->by_libc));
	json_t *sk = json_object();
	json_object_set_new(sk, "symlinks", json_integer((json_int_t)st->symlinks));
	json_object_set_new(sk, "special", json_integer((json_int_t)st->special));
	json_object_set_new(sk, "pseudo_fs", json_integer((json_int_t)st->pseudo_fs));
	json_object_set_new(sk, "unreadable", json_integer((json_int_t)st->unreadable));
	json_object_set_new(o, "skipped", sk);
	return o;
}
