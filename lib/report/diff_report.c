/* shipready diff: one pair's changes as text (regressions first, each
 * failing change marked with the policy rule) and as JSON
 * (docs/schema/diff.json). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "report/json_util.h"
#include "report/text_util.h"
#include "shipready/report.h"

static const char *effect_name(enum sr_change_effect e)
{
	return e == SR_CHANGE_REGRESSION ? "regression" : e == SR_CHANGE_IMPROVEMENT ? "improvement" : "change";
}

void sr_diff_counts(const struct sr_diff *d, const struct sr_diff_policy *p, struct sr_diff_count *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < d->n; i++) {
		const struct sr_change *c = &d->v[i];
		out->regressions += c->effect == SR_CHANGE_REGRESSION;
		out->improvements += c->effect == SR_CHANGE_IMPROVEMENT;
		out->other += c->effect == SR_CHANGE_NEUTRAL;
		out->failing += sr_diff_fails(p, c, NULL);
	}
}

void sr_report_diff_text(FILE *out, const char *old, const char *new_, const struct sr_diff *d,
                         const struct sr_diff_policy *p, const struct sr_text_style *st)
{
	struct sr_diff_count n;
	sr_diff_counts(d, p, &n);
	sr_put_safe(out, old);
	fputs(" → ", out);
	sr_put_safe(out, new_);
	fprintf(out, ": %zu regression%s, %zu improvement%s, %zu other change%s; %zu fail%s policy %s\n", n.regressions,
	        n.regressions == 1 ? "" : "s", n.improvements, n.improvements == 1 ? "" : "s", n.other,
	        n.other == 1 ? "" : "s", n.failing, n.failing == 1 ? "s" : "", p->name);
	for (size_t i = 0; i < d->n; i++) {
		const struct sr_change *c = &d->v[i];
		const char *rule = NULL;
		bool fails = sr_diff_fails(p, c, &rule);
		const char *mark = fails ? "FAIL" : c->effect == SR_CHANGE_REGRESSION ? "worse"
		                                  : c->effect == SR_CHANGE_IMPROVEMENT ? "better"
		                                                                       : "";
		const char *colour = !st->color ? "" : fails ? "\033[31m" : c->effect == SR_CHANGE_REGRESSION ? "\033[33m"
		                                                    : c->effect == SR_CHANGE_IMPROVEMENT ? "\033[32m"
		                                                                                         : "";
		fprintf(out, "  %s%-6s%s %-11s ", colour, mark, colour[0] ? "\033[0m" : "", c->aspect);
		sr_put_safe(out, c->summary ? c->summary : "");
		if (rule)
			fprintf(out, "   [%s]", rule);
		fputc('\n', out);
	}
}

void *sr_report_diff_json(const char *old, const char *new_, const struct sr_diff *d, const struct sr_diff_policy *p)
{
	json_t *changes = json_array();
	for (size_t i = 0; i < d->n; i++) {
		const struct sr_change *c = &d->v[i];
		const char *rule = NULL;
		bool fails = sr_diff_fails(p, c, &rule);
		json_t *o = json_object();
		json_object_set_new(o, "aspect", json_string(c->aspect));
		json_object_set_new(o, "what", sr_json_str(c->what));
		json_object_set_new(o, "old", c->old_value ? sr_json_str(c->old_value) : json_null());
		json_object_set_new(o, "new", c->new_value ? sr_json_str(c->new_value) : json_null());
		json_object_set_new(o, "effect", json_string(effect_name(c->effect)));
		if (strcmp(c->aspect, "module") == 0)
			json_object_set_new(o, "downgrade", json_boolean(c->downgrade));
		if (strcmp(c->aspect, "size") == 0 || strcmp(c->aspect, "floor") == 0)
			json_object_set_new(o, "delta", json_integer((json_int_t)c->delta));
		if (strcmp(c->aspect, "floor") == 0 && !c->old_value)
			json_object_set_new(o, "with_new_library", json_boolean(c->with_new_library));
		json_object_set_new(o, "summary", sr_json_str(c->summary ? c->summary : ""));
		json_object_set_new(o, "fails", json_boolean(fails));
		json_object_set_new(o, "rule", rule ? json_string(rule) : json_null());
		json_array_append_new(changes, o);
	}
	struct sr_diff_count n;
	sr_diff_counts(d, p, &n);
	return json_pack("{s:o,s:o,s:o,s:{s:I,s:I,s:I,s:I}}", "old", sr_json_str(old), "new", sr_json_str(new_),
	                 "changes", changes, "summary", "regressions", (json_int_t)n.regressions, "improvements",
	                 (json_int_t)n.improvements, "other", (json_int_t)n.other, "failing", (json_int_t)n.failing);
}

void sr_report_diff_only_in_text(FILE *out, bool old, const char *path)
{
	fprintf(out, "only in %s: ", old ? "OLD" : "NEW");
	sr_put_safe(out, path);
	fputc('\n', out);
}

void *sr_report_string_json(const char *s)
{
	return sr_json_str(s);
}

void *sr_report_diff_policy_json(const struct sr_diff_policy *p)
{
	json_t *o = json_pack("{s:s}", "name", p->name);
	json_object_set_new(o, "max_floor_raise", p->max_floor_raise >= 0 ? json_integer(p->max_floor_raise) : json_null());
	json_object_set_new(o, "no_new_libraries", json_boolean(p->no_new_libraries));
	json_object_set_new(o, "no_new_needs", json_boolean(p->no_new_needs));
	json_object_set_new(o, "no_hardening_loss", json_boolean(p->no_hardening_loss));
	json_object_set_new(o, "no_module_downgrade", json_boolean(p->no_module_downgrade));
	json_object_set_new(o, "no_linkage_change", json_boolean(p->no_linkage_change));
	return o;
}
