/* Prints what lib/build reads from a dependency file (--dep FILE: its rules
 * as [{"targets": […], "prereqs": […], "line": N}]) or from the linker
 * (--map FILE, --trace FILE: [{"kind", "path", "member", "reason"}]), for
 * tests/cli/test_compile_deps.py; "error: …" and exit 1 when it is refused. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/depfile.h"
#include "shipready/file.h"

static json_t *strings(const char **v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static const char *kind_name(enum sr_link_kind k)
{
	switch (k) {
	case SR_LINK_OBJECT: return "object";
	case SR_LINK_ARCHIVE: return "archive";
	case SR_LINK_MEMBER: return "member";
	case SR_LINK_SHARED: return "shared";
	case SR_LINK_NEEDED: return "needed";
	}
	return "?";
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "--dep") && strcmp(argv[1], "--map") && strcmp(argv[1], "--trace"))) {
		fprintf(stderr, "usage: depfile-driver --dep|--map|--trace FILE\n");
		return 2;
	}
	struct sr_file f;
	struct sr_error err = { 0 };
	enum sr_err rc = sr_file_open(argv[2], &f, &err);
	bool empty = rc == SR_E_EMPTY;
	if (rc != SR_OK && !empty) {
		fprintf(stderr, "%s\n", sr_error_message(&err));
		return 2;
	}
	size_t len = empty ? 0 : f.r.len;
	const char *text = len ? (const char *)sr_reader_at(&f.r, 0, len) : "";
	json_t *doc = json_array();
	if (!strcmp(argv[1], "--dep")) {
		struct sr_depfile d;
		rc = sr_depfile_parse(text, len, &d, &err);
		for (size_t i = 0; rc == SR_OK && i < d.nrules; i++)
			json_array_append_new(doc, json_pack("{s:o,s:o,s:I}", "targets", strings(d.rules[i].targets,
			                                     d.rules[i].ntargets), "prereqs", strings(d.rules[i].prereqs,
			                                     d.rules[i].nprereqs), "line", (json_int_t)d.rules[i].line));
		sr_depfile_free(&d);
	} else {
		struct sr_link_inputs l;
		rc = !strcmp(argv[1], "--map") ? sr_linkmap_parse(text, len, &l, &err) : sr_linktrace_parse(text, len, &l, &err);
		for (size_t i = 0; rc == SR_OK && i < l.n; i++) {
			const struct sr_link_input *v = &l.v[i];
			json_array_append_new(doc, json_pack("{s:s,s:s,s:o,s:o}", "kind", kind_name(v->kind), "path", v->path,
			                                     "member", v->member ? json_string(v->member) : json_null(),
			                                     "reason", v->reason ? json_string(v->reason) : json_null()));
		}
		sr_link_inputs_free(&l);
	}
	if (!empty)
		sr_file_close(&f);
	if (rc != SR_OK) {
		printf("error: %s\n", sr_error_message(&err));
		json_decref(doc);
		return 1;
	}
	char *out = json_dumps(doc, JSON_INDENT(1));
	puts(out ? out : "null");
	free(out);
	json_decref(doc);
	return 0;
}
