/* shipready size: a binary's bytes by section, and a Go program's by
 * package and module, as text and JSON (docs/schema/size.json). */
#include <jansson.h>
#include <inttypes.h>
#include <string.h>

#include "report/json_util.h"
#include "report/text_util.h"
#include "shipready/report.h"

#define TEXT_ROWS 20   /* rows of each table in text; --json has them all */

/* One table: name, bytes, share of whole, and an extra column. */
static void table(FILE *out, const char *title, const struct sr_size_part *v, size_t n, uint64_t whole,
                  const char *count_word, const struct sr_text_style *st)
{
	if (!n)
		return;
	int w = 4;
	size_t shown = n < TEXT_ROWS ? n : TEXT_ROWS;
	for (size_t i = 0; i < shown; i++) {
		int k = sr_safe_width(v[i].name);
		if (k > w)
			w = k > 48 ? 48 : k;
	}
	fprintf(out, "  %s%s%s\n", st->color ? "\033[1m" : "", title, st->color ? "\033[0m" : "");
	uint64_t rest = 0, rest_count = 0;
	for (size_t i = 0; i < n; i++) {
		if (i >= shown) {
			rest += v[i].bytes;
			rest_count++;
			continue;
		}
		char hb[32];
		sr_human_bytes(hb, sizeof hb, v[i].bytes);
		fputs("    ", out);
		int k = sr_put_safe(out, v[i].name);
		fprintf(out, "%*s  %10s  %5.1f%%", k < w ? w - k : 0, "", hb,
		        whole ? 100.0 * (double)v[i].bytes / (double)whole : 0.0);
		if (v[i].version) {
			fputs("  ", out);
			sr_put_safe(out, v[i].version);
		}
		if (count_word && v[i].count)
			fprintf(out, "  %" PRIu64 " %s%s", v[i].count, count_word, v[i].count == 1 ? "" : "s");
		if (!count_word && !v[i].in_file)
			fputs("  (not in the file)", out);
		fputc('\n', out);
	}
	if (rest_count) {
		char hb[32], more[48];
		sr_human_bytes(hb, sizeof hb, rest);
		snprintf(more, sizeof more, "(%" PRIu64 " more)", rest_count);
		fprintf(out, "    %-*s  %10s  %5.1f%%  --json lists them all\n", w, more, hb,
		        whole ? 100.0 * (double)rest / (double)whole : 0.0);
	}
}

void sr_report_size_text(FILE *out, const char *path, const struct sr_size *s, const struct sr_text_style *st)
{
	char hb[32];
	sr_human_bytes(hb, sizeof hb, s->file_bytes);
	sr_put_safe(out, path);
	fprintf(out, ": %s (%" PRIu64 " bytes)", hb, s->file_bytes);
	if (s->go) {
		sr_human_bytes(hb, sizeof hb, s->go_text_bytes);
		fprintf(out, "; Go code %s in %" PRIu64 " functions", hb, s->nfunc);
	}
	fputc('\n', out);
	table(out, "sections", s->sections, s->nsections, s->file_bytes, NULL, st);
	if (s->go) {
		table(out, "Go modules (function bytes)", s->modules, s->nmodules, s->go_text_bytes, "package", st);
		table(out, "Go packages (function bytes)", s->packages, s->npackages, s->go_text_bytes, "function", st);
		if (s->unattributed.bytes) {
			sr_human_bytes(hb, sizeof hb, s->unattributed.bytes);
			fprintf(out, "  and %s in %" PRIu64 " functions of no package (go:, type:, cgo glue, assembly)\n", hb,
			        s->unattributed.count);
		}
	}
}

enum part_kind { PART_SECTION, PART_PACKAGE, PART_MODULE };

static json_t *parts_json(const struct sr_size_part *v, size_t n, enum part_kind kind)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, kind == PART_MODULE ? "path" : "name", sr_json_str(v[i].name));
		if (kind == PART_MODULE)
			json_object_set_new(o, "version", v[i].version ? sr_json_str(v[i].version) : json_null());
		if (kind == PART_PACKAGE)
			json_object_set_new(o, "module", sr_json_str(v[i].module));
		json_object_set_new(o, "bytes", json_integer((json_int_t)v[i].bytes));
		if (kind == PART_SECTION)
			json_object_set_new(o, "in_file", json_boolean(v[i].in_file));
		if (kind == PART_PACKAGE)
			json_object_set_new(o, "functions", json_integer((json_int_t)v[i].count));
		if (kind == PART_MODULE)
			json_object_set_new(o, "packages", json_integer((json_int_t)v[i].count));
		json_array_append_new(a, o);
	}
	return a;
}

void *sr_report_size_json(const char *path, const struct sr_size *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "path", sr_json_str(path));
	json_object_set_new(o, "file_bytes", json_integer((json_int_t)s->file_bytes));
	json_object_set_new(o, "sections", parts_json(s->sections, s->nsections, PART_SECTION));
	if (s->go) {
		json_t *g = json_object();
		json_object_set_new(g, "functions", json_integer((json_int_t)s->nfunc));
		json_object_set_new(g, "function_bytes", json_integer((json_int_t)s->go_text_bytes));
		json_object_set_new(g, "no_package_bytes", json_integer((json_int_t)s->unattributed.bytes));
		json_object_set_new(g, "no_package_functions", json_integer((json_int_t)s->unattributed.count));
		json_object_set_new(g, "modules", parts_json(s->modules, s->nmodules, PART_MODULE));
		json_object_set_new(g, "packages", parts_json(s->packages, s->npackages, PART_PACKAGE));
		json_object_set_new(o, "go", g);
	} else {
		json_object_set_new(o, "go", json_null());
	}
	return o;
}
