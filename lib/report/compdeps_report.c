/* compile-deps reports: text, JSON and graphs (shipready/report.h). */
#include "shipready/report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_util.h"
#include "report/text_util.h"

/* ---------- the packages ---------- */

struct origin_count {
	const char *name;             /* a package, "(project)" or "(unknown)" */
	size_t files, headers, archives, other;
};

static int by_files(const void *x, const void *y)
{
	const struct origin_count *a = x, *b = y;
	if (a->files != b->files)
		return a->files < b->files ? 1 : -1;
	return strcmp(a->name, b->name);
}

static const char *origin_label(const struct sr_cdep_file *f)
{
	return f->origin == SR_CDEP_PACKAGE ? f->package : f->origin == SR_CDEP_PROJECT ? "(project)" : "(unknown)";
}

/* Files per origin, most first; malloc'd, *n set. */
static struct origin_count *count_origins(const struct sr_compdeps *c, size_t *n)
{
	struct origin_count *v = calloc(c->nfiles + 1, sizeof *v);
	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct sr_cdep_file *f = &c->files[i];
		if (f->role == SR_CDEP_NEEDED || (f->role == SR_CDEP_ARCHIVE && c->members_known && !f->members))
			continue;   /* what did not go in */
		const char *name = origin_label(f);
		size_t k = 0;
		while (k < *n && strcmp(v[k].name, name))
			k++;
		if (k == *n)
			v[(*n)++].name = name;
		v[k].files++;
		if (f->role == SR_CDEP_HEADER)
			v[k].headers++;
		else if (f->role == SR_CDEP_ARCHIVE)
			v[k].archives++;
		else
			v[k].other++;
	}
	qsort(v, *n, sizeof *v, by_files);
	return v;
}

static size_t count_role(const struct sr_compdeps *c, enum sr_cdep_role r)
{
	size_t n = 0;
	for (size_t i = 0; i < c->nfiles; i++)
		n += c->files[i].role == r;
	return n;
}

/* ---------- text ---------- */

void sr_report_compdeps_text(FILE *f, const struct sr_compdeps *c, const char *policy_name, bool list)
{
	fprintf(f, "compile-deps: %zu unit%s, %zu source%s, %zu header%s", c->nunits, c->nunits == 1 ? "" : "s",
	        count_role(c, SR_CDEP_SOURCE), count_role(c, SR_CDEP_SOURCE) == 1 ? "" : "s",
	        count_role(c, SR_CDEP_HEADER), count_role(c, SR_CDEP_HEADER) == 1 ? "" : "s");
	if (c->linked) {
		size_t in = 0;
		for (size_t i = 0; i < c->nfiles; i++)
			in += c->files[i].role >= SR_CDEP_OBJECT && c->files[i].role != SR_CDEP_NEEDED;
		fprintf(f, ", %zu link input%s", in, in == 1 ? "" : "s");
	}
	fprintf(f, "; files attributed with %s\n", c->pkgdb ? c->pkgdb : "no package database (the root has none)");
	size_t n;
	struct origin_count *v = count_origins(c, &n);
	size_t w = 6;
	for (size_t i = 0; v && i < n; i++)
		w = strlen(v[i].name) > w ? strlen(v[i].name) : w;
	fprintf(f, "  %-*s  %6s  %7s  %8s  %5s\n", (int)w, "origin", "files", "headers", "archives", "other");
	for (size_t i = 0; v && i < n; i++) {
		fputs("  ", f);
		int cols = sr_put_safe(f, v[i].name);
		fprintf(f, "%*s  %6zu  %7zu  %8zu  %5zu\n", (int)w - cols, "", v[i].files, v[i].headers, v[i].archives,
		        v[i].other);
	}
	free(v);
	/* the archives: what went in */
	bool head = false;
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct sr_cdep_file *a = &c->files[i];
		if (a->role != SR_CDEP_ARCHIVE || (c->members_known && !a->members))
			continue;
		if (!head)
			fprintf(f, c->members_known ? "static archives linked in:\n" : "static archives searched (a map "
			                                                               "says which members went in):\n");
		head = true;
		fputs("  ", f);
		sr_put_safe(f, a->path);
		fputs("  ", f);
		sr_put_safe(f, origin_label(a));
		if (a->members)
			fprintf(f, "  %zu member%s", a->members, a->members == 1 ? "" : "s");
		fputc('\n', f);
	}
	if (list) {
		fputs("files:\n", f);
		for (size_t i = 0; i < c->nfiles; i++) {
			const struct sr_cdep_file *x = &c->files[i];
			fprintf(f, "  %-7s  ", sr_cdep_role_name(x->role));
			sr_put_safe(f, x->path);
			fputs("  ", f);
			sr_put_safe(f, origin_label(x));
			fputc('\n', f);
		}
	}
	if (policy_name) {
		fputs("policy ", f);
		sr_put_safe(f, policy_name);
		fprintf(f, ": %s\n", c->nviolations ? "violated" : "passed");
		for (size_t i = 0; i < c->nviolations; i++) {
			const struct sr_cdep_violation *x = &c->violations[i];
			fprintf(f, "  %s: ", x->rule);
			sr_put_safe(f, x->message);
			fputs(": ", f);
			sr_put_safe(f, x->by);
			fputc('\n', f);
		}
	}
}

/* ---------- JSON ---------- */

void *sr_report_compdeps_json(const struct sr_compdeps *c, const char *policy_name)
{
	json_t *units = json_array(), *files = json_array(), *pkgs = json_array(), *viol = json_array();
	for (size_t i = 0; i < c->nunits; i++) {
		const struct sr_cdep_unit *u = &c->units[i];
		json_array_append_new(units, json_pack("{s:o,s:o,s:I,s:o}", "target", sr_json_str(u->target), "source",
		                                       sr_json_str(u->source), "headers", (json_int_t)u->nheaders,
		                                       "depfile", sr_json_str(u->depfile)));
	}
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct sr_cdep_file *f = &c->files[i];
		json_t *o = json_pack("{s:o,s:s,s:s,s:o,s:I,s:o}", "path", sr_json_str(f->path), "role",
		                      sr_cdep_role_name(f->role), "origin", sr_cdep_origin_name(f->origin), "package",
		                      f->package ? sr_json_str(f->package) : json_null(), "uses", (json_int_t)f->uses,
		                      "first_by", f->first_by ? sr_json_str(f->first_by) : json_null());
		if (f->role == SR_CDEP_ARCHIVE && c->members_known)
			json_object_set_new(o, "members", json_integer((json_int_t)f->members));
		json_array_append_new(files, o);
	}
	size_t n;
	struct origin_count *v = count_origins(c, &n);
	for (size_t i = 0; v && i < n; i++)
		json_array_append_new(pkgs, json_pack("{s:o,s:I,s:I,s:I,s:I}", "origin", sr_json_str(v[i].name), "files",
		                                      (json_int_t)v[i].files, "headers", (json_int_t)v[i].headers,
		                                      "archives", (json_int_t)v[i].archives, "other",
		                                      (json_int_t)v[i].other));
	free(v);
	for (size_t i = 0; i < c->nviolations; i++) {
		const struct sr_cdep_violation *x = &c->violations[i];
		json_array_append_new(viol, json_pack("{s:s,s:o,s:o,s:o}", "rule", x->rule, "path", sr_json_str(x->path),
		                                      "message", sr_json_str(x->message), "by", sr_json_str(x->by)));
	}
	json_t *pol = json_null();
	if (policy_name)
		pol = json_pack("{s:o,s:b,s:o}", "name", sr_json_str(policy_name), "passed", !c->nviolations, "violations",
		                viol);
	else
		json_decref(viol);
	return json_pack("{s:o,s:b,s:b,s:o,s:o,s:o,s:o}", "package_db", c->pkgdb ? json_string(c->pkgdb) : json_null(),
	                 "linked", c->linked, "members_known", c->members_known, "units", units, "origins", pkgs, "files",
	                 files, "policy", pol);
}

/* ---------- graphs ---------- */

static void node(FILE *f, bool mermaid, const char *id, const char *label, const char *label2, const char *style)
{
	if (mermaid) {
		fprintf(f, "  %s[\"", id);
		sr_put_graph_label(f, label, true);
		if (label2) {
			fputs("<br/>", f);
			sr_put_graph_label(f, label2, true);
		}
		fputs("\"]\n", f);
		if (style)
			fprintf(f, "  style %s %s\n", id, style);
	} else {
		fprintf(f, "  %s [label=\"", id);
		sr_put_graph_label(f, label, false);
		if (label2) {
			fputs("\\n", f);
			sr_put_graph_label(f, label2, false);
		}
		fprintf(f, "\"%s%s];\n", style ? ", " : "", style ? style : "");
	}
}

static void edge(FILE *f, bool mermaid, const char *from, const char *to, const char *label)
{
	if (mermaid && label)
		fprintf(f, "  %s -->|%s| %s\n", from, label, to);
	else if (mermaid)
		fprintf(f, "  %s --> %s\n", from, to);
	else if (label)
		fprintf(f, "  %s -> %s [label=\"%s\"];\n", from, to, label);
	else
		fprintf(f, "  %s -> %s;\n", from, to);
}

/* Each unit: its object, its source and, per origin, how many headers it
 * took from there (the project's headers one by one); the link: the
 * archives and objects that went in, by origin. */
void sr_report_compdeps_graph(FILE *f, const struct sr_compdeps *c, bool mermaid)
{
	fputs(mermaid ? "flowchart LR\n" : "digraph compile_deps {\n  rankdir=LR;\n  node [shape=box];\n", f);
	size_t n;
	struct origin_count *v = count_origins(c, &n);
	char id[64], id2[64], label[64];
	for (size_t k = 0; v && k < n; k++) {
		snprintf(id, sizeof id, "o%zu", k);
		snprintf(label, sizeof label, "%zu file%s", v[k].files, v[k].files == 1 ? "" : "s");
		bool unknown = !strcmp(v[k].name, "(unknown)");
		node(f, mermaid, id, v[k].name, label, unknown ? (mermaid ? "stroke:#c00,color:#c00" : "color=red, fontcolor=red")
		                                             : (mermaid ? NULL : "style=rounded"));
	}
	for (size_t i = 0; i < c->nunits; i++) {
		const struct sr_cdep_unit *u = &c->units[i];
		snprintf(id, sizeof id, "u%zu", i);
		node(f, mermaid, id, u->target, u->source, NULL);
		/* headers of this unit by origin: counted over the files it names */
		for (size_t k = 0; v && k < n; k++) {
			size_t cnt = 0;
			for (size_t j = 0; j < u->nheaders; j++)
				cnt += !strcmp(origin_label(&c->files[u->headers[j]]), v[k].name);
			if (!cnt)
				continue;
			snprintf(id2, sizeof id2, "o%zu", k);
			snprintf(label, sizeof label, "%zu header%s", cnt, cnt == 1 ? "" : "s");
			edge(f, mermaid, id, id2, label);
		}
	}
	if (c->linked) {
		node(f, mermaid, "link", "link", NULL, NULL);
		for (size_t k = 0; v && k < n; k++) {
			size_t cnt = 0;
			for (size_t j = 0; j < c->nfiles; j++) {
				const struct sr_cdep_file *x = &c->files[j];
				if (x->role >= SR_CDEP_OBJECT && x->role != SR_CDEP_NEEDED &&
				    !(x->role == SR_CDEP_ARCHIVE && c->members_known && !x->members) &&
				    !strcmp(origin_label(x), v[k].name))
					cnt++;
			}
			if (!cnt)
				continue;
			snprintf(id2, sizeof id2, "o%zu", k);
			snprintf(label, sizeof label, "%zu input%s", cnt, cnt == 1 ? "" : "s");
			edge(f, mermaid, "link", id2, label);
		}
	}
	free(v);
	if (!mermaid)
		fputs("}\n", f);
}
