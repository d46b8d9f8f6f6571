/* Prints what lib/go/gomod.c reads from a go.mod file in the shape of
 * `go mod edit -json` (Module.Path, Go, Toolchain, Require, Exclude,
 * Replace, Retract without its rationale), for
 * tests/cli/test_gomod_oracle.py; or "error: LINE:COL: reason" and exit 1.
 * With --sum FILE: the go.sum lines as [path, version, hash] arrays.
 * With --vendor FILE: vendor/modules.txt's modules, each {Path, Version,
 * Replace: {Path, Version} or null, Explicit, GoVersion, Packages,
 * InBuild}. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/file.h"
#include "shipready/gomod.h"

static json_t *version_json(const struct sr_gomod_version *v)
{
	json_t *o = json_pack("{s:s}", "Path", v->path);
	if (v->version[0])
		json_object_set_new(o, "Version", json_string(v->version));
	return o;
}

static json_t *list_or_null(json_t *a)
{
	if (json_array_size(a))
		return a;
	json_decref(a);
	return json_null();
}

int main(int argc, char **argv)
{
	bool sum = argc == 3 && !strcmp(argv[1], "--sum");
	bool vendor = argc == 3 && !strcmp(argv[1], "--vendor");
	if (argc != 2 && !sum && !vendor) {
		fprintf(stderr, "usage: gomod-driver [--sum|--vendor] FILE\n");
		return 2;
	}
	struct sr_file f;
	struct sr_error err = { 0 };
	enum sr_err rc = sr_file_open(argv[argc - 1], &f, &err);
	bool empty = rc == SR_E_EMPTY;   /* an empty go.mod is a valid one */
	if (rc != SR_OK && !empty) {
		fprintf(stderr, "%s\n", sr_error_message(&err));
		return 2;
	}
	if (empty)
		memset(&f, 0, sizeof f);
	size_t len = empty ? 0 : f.r.len;
	const char *text = len ? (const char *)sr_reader_at(&f.r, 0, len) : "";
	json_t *doc;
	if (sum) {
		struct sr_gosum s;
		if (sr_gosum_parse(text, len, &s, &err) != SR_OK) {
			printf("error: %s\n", sr_error_message(&err));
			if (!empty)
				sr_file_close(&f);
			return 1;
		}
		doc = json_array();
		for (size_t i = 0; i < s.nlines; i++)
			json_array_append_new(doc, json_pack("[s,s,s]", s.lines[i].path, s.lines[i].version, s.lines[i].hash));
		sr_gosum_free(&s);
	} else if (vendor) {
		struct sr_modtxt t;
		if (sr_modtxt_parse(text, len, &t, &err) != SR_OK) {
			printf("error: %s\n", sr_error_message(&err));
			if (!empty)
				sr_file_close(&f);
			return 1;
		}
		doc = json_array();
		for (size_t i = 0; i < t.nmods; i++) {
			const struct sr_modtxt_module *v = &t.mods[i];
			json_t *o = json_pack("{s:s,s:s,s:o,s:b,s:o,s:I,s:b}", "Path", v->mod.path, "Version", v->mod.version,
			                      "Replace", v->replaced ? version_json(&v->repl) : json_null(), "Explicit",
			                      v->is_explicit, "GoVersion", v->go ? json_string(v->go) : json_null(), "Packages",
			                      (json_int_t)v->npackages, "InBuild", v->in_build);
			json_array_append_new(doc, o);
		}
		sr_modtxt_free(&t);
	} else {
		struct sr_gomod m;
		if (sr_gomod_parse(text, len, &m, &err) != SR_OK) {
			printf("error: %s\n", sr_error_message(&err));
			if (!empty)
				sr_file_close(&f);
			return 1;
		}
		json_t *req = json_array(), *exc = json_array(), *rep = json_array(), *ret = json_array();
		for (size_t i = 0; i < m.nrequire; i++) {
			json_t *r = json_pack("{s:s,s:s}", "Path", m.require[i].path, "Version", m.require[i].version);
			if (m.require[i].indirect)
				json_object_set_new(r, "Indirect", json_true());
			json_array_append_new(req, r);
		}
		for (size_t i = 0; i < m.nexclude; i++)
			json_array_append_new(exc, version_json(&m.exclude[i]));
		for (size_t i = 0; i < m.nreplace; i++)
			json_array_append_new(rep, json_pack("{s:o,s:o}", "Old", version_json(&m.replace[i].old), "New",
			                                     version_json(&m.replace[i].repl)));
		for (size_t i = 0; i < m.nretract; i++)
			json_array_append_new(ret, json_pack("{s:s,s:s}", "Low", m.retract[i].low, "High", m.retract[i].high));
		doc = json_pack("{s:{s:s},s:o,s:o,s:o,s:o}", "Module", "Path", m.module ? m.module : "", "Require",
		                list_or_null(req), "Exclude", list_or_null(exc), "Replace", list_or_null(rep), "Retract",
		                list_or_null(ret));
		if (m.go)
			json_object_set_new(doc, "Go", json_string(m.go));
		if (m.toolchain)
			json_object_set_new(doc, "Toolchain", json_string(m.toolchain));
		sr_gomod_free(&m);
	}
	char *out = json_dumps(doc, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	puts(out ? out : "null");
	free(out);
	json_decref(doc);
	if (!empty)
		sr_file_close(&f);
	return 0;
}
