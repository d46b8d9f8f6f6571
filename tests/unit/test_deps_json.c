/* The streamed deps JSON (sr_report_deps_json_write) must be byte for byte
 * what json_dumps(sr_report_deps_json(...), JSON_COMPACT |
 * JSON_PRESERVE_ORDER) writes, for every kind of string a file or a path
 * can carry: control bytes, quotes, backslashes, invalid and valid UTF-8. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/deps.h"
#include "shipready/report.h"

#include "harness.h"

static const char *const strings[] = {
	"",
	"plain",
	"/usr/lib/x86_64-linux-gnu/libc.so.6",
	"quote\" backslash\\ slash/",
	"\b\f\n\r\t\x01\x1f\x7f",
	"caf\xc3\xa9 \xe2\x9c\x97 \xf0\x9f\x98\x80",        /* valid 2, 3 and 4 byte sequences */
	"\xff\xfe bad \xc3 cut \xe2\x9c",                   /* invalid and cut sequences */
	"\xc0\xaf overlong \xed\xa0\x80 surrogate \xf4\x90\x80\x80 too big",
	"\xef\xbf\xbd already a replacement",
	"\x1b[31mred\x1b[0m",
};
#define NS (sizeof strings / sizeof strings[0])

static char *dump_streamed(const char *path, const char *root, const struct sr_deps *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	sr_report_deps_json_write(f, path, root, d);
	fclose(f);
	return buf;
}

static void compare(const char *what, const char *path, const char *root, const struct sr_deps *d)
{
	json_t *j = sr_report_deps_json(path, root, d);
	char *want = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	char *got = dump_streamed(path, root, d);
	CHECKF(want && got && strcmp(want, got) == 0, "%s:\n want %s\n got  %s", what, want ? want : "(null)",
	       got ? got : "(null)");
	free(want);
	free(got);
}

int main(void)
{
	struct sr_elf elves[NS];
	struct sr_dep_object objs[NS];
	struct sr_dep_edge edges[NS * 2];
	struct sr_dep_version_issue issues[NS];
	memset(elves, 0, sizeof elves);
	memset(objs, 0, sizeof objs);
	memset(edges, 0, sizeof edges);
	memset(issues, 0, sizeof issues);

	for (size_t i = 0; i < NS; i++) {
		elves[i].soname = i % 3 ? strings[i] : NULL;
		objs[i].name = strings[i];
		objs[i].path = strings[(i + 1) % NS];
		objs[i].real = strings[(i + 2) % NS];
		objs[i].elf = &elves[i];
		objs[i].loader = i ? i - 1 : SR_DEPS_NONE;
		objs[i].depth = i;
		objs[i].is_interp = i == 3;
	}
	for (size_t i = 0; i < NS * 2; i++) {
		struct sr_dep_edge *e = &edges[i];
		e->from = i % NS;
		e->name = strings[i % NS];
		e->to = i % 4 == 1 ? SR_DEPS_NONE : (i + 1) % NS;
		e->how = (enum sr_found_how)(i % (SR_FOUND_SELF + 1));
		e->via = i % 3 ? strings[(i + 4) % NS] : NULL;
		e->error = e->to == SR_DEPS_NONE ? strings[(i + 5) % NS] : NULL;
		e->tried.items = (const char **)strings;
		e->tried.count = i % NS;
		e->skipped.items = (const char **)strings + 1;
		e->skipped.count = i % 2 ? NS - 1 : 0;
	}
	for (size_t i = 0; i < NS; i++) {
		issues[i].requester = i;
		issues[i].provider = NS - 1 - i;
		issues[i].version = i % 4 ? strings[i] : NULL;
		issues[i].weak = i % 2;
		issues[i].no_version_info = i % 3 == 0;
		issues[i].message = strings[(i + 3) % NS];
	}

	struct sr_deps d;
	memset(&d, 0, sizeof d);
	compare("empty result (no interpreter, no objects)", "p", NULL, &d);

	d.objects = objs;
	d.object_count = 1;
	compare("one object", strings[4], NULL, &d);

	for (size_t k = 0; k < NS; k++) {
		d.loader_kind = k % 2 ? SR_LOADER_MUSL : SR_LOADER_GLIBC;
		d.interp = k % 3 ? strings[k] : NULL;
		d.interp_missing = k % 2;
		d.interp_is_default = k % 5 == 0;
		d.cache = k % 4 ? strings[(k + 1) % NS] : NULL;
		d.default_dirs.items = (const char **)strings;
		d.default_dirs.count = k;
		d.objects = objs;
		d.object_count = NS;
		d.edges = edges;
		d.edge_count = k * 2;
		d.issues = issues;
		d.issue_count = k;
		d.error_count = k % 2;
		d.warnings.items = (const char **)strings + k;
		d.warnings.count = NS - k;
		char what[64];
		snprintf(what, sizeof what, "full result %zu", k);
		compare(what, strings[k], k % 2 ? strings[(k + 6) % NS] : NULL, &d);
	}
	return sr_test_summary("deps-json");
}
