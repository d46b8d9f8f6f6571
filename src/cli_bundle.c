/* CLI pieces shared by the commands that write bundles (bundle, image):
 * SOURCE_DATE_EPOCH, options after the operands, the bundle manifest as
 * JSON and the unmet-need warning lines. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "shipready/bundle.h"

/* SOURCE_DATE_EPOCH (reproducible-builds.org): decimal seconds, else 0. */
bool cli_source_date_epoch(int64_t *out)
{
	*out = 0;
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (!s || !*s)
		return true;
	int64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return true;
}

void *cli_bundle_entries_json(const struct sr_bundle *b)
{
	json_t *entries = json_array();
	for (size_t i = 0; i < b->entry_count; i++) {
		const struct sr_bundle_entry *e = &b->entries[i];
		json_t *o = json_object();
		json_object_set_new(o, "path", json_string(e->path));
		json_object_set_new(o, "kind", json_string(sr_bundle_kind_name(e->kind)));
		if (e->source)
			json_object_set_new(o, "source", json_string(e->source));
		if (e->target)
			json_object_set_new(o, "target", json_string(e->target));
		if (e->kind != SR_BUNDLE_SYMLINK) {
			char mode[8];
			snprintf(mode, sizeof mode, "%04o", e->mode);
			json_object_set_new(o, "mode", json_string(mode));
			json_object_set_new(o, "size", json_integer((json_int_t)e->size));
		}
		if (e->tree)
			json_object_set_new(o, "tree", json_string(e->tree));
		json_object_set_new(o, "reason", json_string(e->reason));
		json_array_append_new(entries, o);
	}
	return entries;
}

void *cli_bundle_unmet_json(const struct sr_bundle *b)
{
	json_t *a = json_array();
	for (size_t i = 0; i < b->unmet_count; i++) {
		const struct sr_bundle_unmet *u = &b->unmet[i];
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:b,s:s}", "program", u->program, "need", u->need, "name",
		                                   u->name, "optional", u->optional, "reason", u->reason));
	}
	return a;
}

void cli_bundle_warnings(const struct sr_bundle *b)
{
	for (size_t i = 0; i < b->unmet_count; i++) {
		char line[1024];
		snprintf(line, sizeof line, "warning: %s not bundled%s: %s", b->unmet[i].name,
		         b->unmet[i].optional ? " (optional)" : "", b->unmet[i].reason);
		cli_file_error(b->unmet[i].program, line);
	}
}
