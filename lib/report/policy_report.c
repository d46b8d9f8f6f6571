/* shipready — the policy gate's violations, as text and JSON. */
#include <jansson.h>
#include <stdio.h>

#include "shipready/policy.h"
#include "shipready/report.h"

void sr_report_policy_text(FILE *out, const char *path, const struct sr_violations *v, const struct sr_text_style *st)
{
	bool color = st && st->color;
	for (size_t i = 0; i < v->n; i++) {
		fputs(color ? "\033[31m✗\033[0m " : "FAIL ", out);
		fprintf(out, "%s: %s: %s", path, v->v[i].rule, v->v[i].message);
		if (v->v[i].evidence)
			fprintf(out, "   %s", v->v[i].evidence);
		fputc('\n', out);
	}
}

void sr_report_policy_header_text(FILE *out, const struct sr_policy *p)
{
	fprintf(out, "policy %s\n", sr_policy_name(p));
}

void sr_report_policy_total_text(FILE *out, size_t total)
{
	fprintf(out, "%zu violation%s\n", total, total == 1 ? "" : "s");
}

void *sr_report_policy_json(const struct sr_policy *p, const struct sr_violations *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->n; i++) {
		json_t *o = json_pack("{s:s,s:s}", "rule", v->v[i].rule, "message", v->v[i].message);
		if (v->v[i].evidence)
			json_object_set_new(o, "evidence", json_string(v->v[i].evidence));
		json_array_append_new(a, o);
	}
	return json_pack("{s:s,s:o}", "name", sr_policy_name(p), "violations", a);
}
