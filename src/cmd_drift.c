/* shipready drift BINARY... --source DIR : was each Go binary built from this source tree? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "shipready/analysis.h"
#include "shipready/drift.h"
#include "shipready/shipready.h"

#define SR_DRIFT_SCHEMA_VERSION 1

enum { OPT_SOURCE = 1, OPT_JSON };

const struct cli_option drift_options[] = {
	{ "source", 's', "DIR", "the Go module's directory (its go.mod, go.sum and git work tree)", OPT_SOURCE },
	{ "json", 'j', NULL, "print each binary's verdict and differences as JSON (docs/schema/drift.json)", OPT_JSON },
	{ 0 },
};

struct drift_cli {
	const char *source;
	bool json;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct drift_cli *c = ud;
	if (id == OPT_SOURCE)
		c->source = arg;
	else if (id == OPT_JSON)
		c->json = true;
}

static json_t *source_json(const struct sr_drift_source *s)
{
	json_t *o = json_pack("{s:s,s:o,s:o,s:o,s:b,s:b,s:b}", "dir", s->dir, "module",
	                      s->mod.module ? json_string(s->mod.module) : json_null(), "go",
	                      s->mod.go ? json_string(s->mod.go) : json_null(), "toolchain",
	                      s->mod.toolchain ? json_string(s->mod.toolchain) : json_null(), "go_sum", s->have_sum,
	                      "vendor", s->have_vendor, "git", s->git);
	if (s->git) {
		json_object_set_new(o, "head", s->head[0] ? json_string(s->head) : json_null());
		json_object_set_new(o, "dirty", json_boolean(s->dirty));
	} else {
		json_object_set_new(o, "git_why", json_string(s->git_why));
	}
	return o;
}

static json_t *result_json(const char *path, const struct sr_drift *d)
{
	json_t *items = json_array();
	for (size_t i = 0; i < d->nitems; i++) {
		const struct sr_drift_item *x = &d->items[i];
		json_array_append_new(items, json_pack("{s:s,s:b,s:s,s:s,s:s}", "kind", x->kind, "drift", x->drift, "what",
		                                       x->what, "binary", x->binary, "source", x->source));
	}
	return json_pack("{s:s,s:s,s:I,s:o}", "path", path, "verdict", d->ndrift ? "drift" : "clean", "differences",
	                 (json_int_t)d->ndrift, "items", items);
}

/* Which file or state of the source a difference of this kind quotes. */
static const char *source_label(const char *kind)
{
	if (!strncmp(kind, "vendor-", 7))
		return "vendor/modules.txt";
	if (!strncmp(kind, "sum-", 4))
		return "go.sum";
	if (!strncmp(kind, "vcs-", 4))
		return "HEAD";
	return "go.mod";
}

/* The verdict line, then each difference and note: KIND  WHAT  binary X  go.mod Y. */
static void print_text(const char *path, const struct sr_drift *d, const struct sr_drift_source *s)
{
	char at[96] = "";
	if (s->git && s->head[0])
		snprintf(at, sizeof at, " at %.12s", s->head);
	if (d->ndrift)
		printf("%s: drift: %zu difference%s from %s%s\n", path, d->ndrift, d->ndrift == 1 ? "" : "s", s->dir, at);
	else
		printf("%s: built from %s%s, clean\n", path, s->dir, at);
	size_t wk = 4, ww = 4;
	for (size_t i = 0; i < d->nitems; i++) {
		size_t k = strlen(d->items[i].kind), w = strlen(d->items[i].what);
		wk = k > wk ? k : wk;
		ww = w > ww && w < 60 ? w : ww;
	}
	for (size_t pass = 0; pass < 2; pass++)   /* differences first, then notes */
		for (size_t i = 0; i < d->nitems; i++) {
			const struct sr_drift_item *x = &d->items[i];
			if (x->drift != (pass == 0))
				continue;
			printf("  %-*s  %-*s", (int)wk, x->kind, (int)ww, x->what);
			if (!x->drift || !strcmp(x->kind, "vendor-inconsistent"))   /* a sentence of its own */
				printf("  %s%s%s", x->binary, x->binary[0] && x->source[0] ? "; " : "", x->source);
			else {
				if (x->binary[0])
					printf("  binary %s", x->binary);
				if (x->source[0])
					printf("  %s %s", source_label(x->kind), x->source);
			}
			putchar('\n');
		}
}

int cmd_drift(int argc, char **argv, const struct cli_command *self)
{
	struct drift_cli c = { 0 };
	int first;
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &c);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	if (!c.source) {
		cli_usage_error(self, "drift: --source DIR is required (the Go module the binaries should come from)");
		return EXIT_ERROR;
	}
	struct sr_drift_source src;
	struct sr_error err = { 0 };
	if (sr_drift_source_open(c.source, &src, &err) != SR_OK) {
		cli_file_error(c.source, sr_error_message(&err));
		return EXIT_ERROR;
	}
	struct sr_run *run;
	if (sr_run_new(&run, &err) != SR_OK) {
		fprintf(stderr, "shipready: out of memory\n");
		sr_drift_source_close(&src);
		return EXIT_ERROR;
	}
	int status = EXIT_OK;
	bool printed = false;
	if (c.json) {
		cli_json_begin_doc(stdout, "drift", SR_DRIFT_SCHEMA_VERSION);
		cli_json_member(stdout, "source", source_json(&src));
		fputs(",\"results\":[", stdout);
	}
	for (int i = first; i < argc; i++) {
		struct sr_analysis *an;
		struct sr_drift d;
		err = (struct sr_error){ 0 };
		if (sr_run_analyse(run, NULL, argv[i], &an, &err) != SR_OK) {
			status = cli_input_error(argv[i], &err, c.json, &printed);
			continue;
		}
		enum sr_err r = sr_drift_compare(an->in.go, &src, &d, &err);
		sr_run_done(run, an);
		if (r != SR_OK) {
			status = cli_input_error(argv[i], &err, c.json, &printed);
			continue;
		}
		if (c.json)
			cli_json_item(stdout, result_json(argv[i], &d), &printed);
		else
			print_text(argv[i], &d, &src);
		if (d.ndrift && status == EXIT_OK)
			status = EXIT_FINDINGS;
		sr_drift_free(&d);
	}
	if (c.json)
		cli_json_end(stdout);
	sr_run_free(run);
	sr_drift_source_close(&src);
	return cli_finish(status);
}
