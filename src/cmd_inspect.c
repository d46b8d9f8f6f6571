/* shipready inspect FILE... : facts about each binary, text or JSON. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "shipready/shipready.h"

enum { OPT_JSON = 1, OPT_ROOT, OPT_LONG, OPT_MATRIX };

const struct cli_option inspect_options[] = {
	{ "json", 'j', NULL, "print one JSON document (docs/schema/inspect.json)", OPT_JSON },
	{ "root", 'r', "DIR", "look each FILE up inside DIR, as if DIR were / (symlinks stay inside)", OPT_ROOT },
	{ "long", 'l', NULL, "the full report for every FILE (the default for one FILE)", OPT_LONG },
	{ "matrix", 'm', NULL, "one row per FILE (the default for several FILEs)", OPT_MATRIX },
	{ 0 },
};

struct inspect_opts {
	bool json;
	const char *root;
	int layout;   /* 0: by file count, OPT_LONG, OPT_MATRIX */
};

static void on_opt(int id, const char *arg, void *ud)
{
	(void)arg;
	struct inspect_opts *o = ud;
	if (id == OPT_JSON)
		o->json = true;
	else if (id == OPT_ROOT)
		o->root = arg;
	else if (id == OPT_LONG || id == OPT_MATRIX)
		o->layout = id;
}

int cmd_inspect(int argc, char **argv, const struct cli_command *self)
{
	struct inspect_opts opts = { 0 };
	int first;
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &opts);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;

	struct sr_root root;
	if (!cli_open_root(opts.root, &root))
		return EXIT_ERROR;

	struct sr_text_style style = { .color = !opts.json && cli_use_color(stdout) };
	int status = EXIT_OK;
	bool printed = false;
	bool matrix = !opts.json && (opts.layout == OPT_MATRIX || (opts.layout == 0 && argc - first > 1));
	struct sr_matrix_row *rows = NULL;
	size_t nrows = 0;
	struct sr_run *run = NULL;
	struct sr_error rerr = { 0 };
	if ((matrix && !(rows = calloc((size_t)(argc - first), sizeof *rows))) || sr_run_new(&run, &rerr) != SR_OK) {
		fprintf(stderr, "shipready: out of memory\n");
		free(rows);
		if (opts.root)
			sr_root_close(&root);
		return EXIT_ERROR;
	}
	if (opts.json)
		cli_json_begin(stdout, "inspect", SR_INSPECT_SCHEMA_VERSION);

	for (int i = first; i < argc; i++) {
		struct sr_analysis *an;
		struct sr_error err = { 0 };
		if (sr_run_analyse(run, opts.root ? &root : NULL, argv[i], &an, &err) != SR_OK) {
			status = cli_input_error(argv[i], &err, opts.json, &printed);
			continue;
		}
		const struct sr_needs *needs = NULL;
		if (!matrix && sr_analysis_needs(an, &needs, &err) != SR_OK) {
			status = cli_input_error(argv[i], &err, opts.json, &printed);
		} else if (opts.json) {
			cli_json_item(stdout, sr_report_inspect_json(&an->in, needs), &printed);
		} else if (matrix) {
			sr_matrix_row_fill(&an->in, &rows[nrows++]);
		} else {
			if (printed)
				fputc('\n', stdout);
			sr_report_inspect_text(stdout, &an->in, needs, &style);
			printed = true;
		}
		sr_run_done(run, an);
	}
	sr_run_free(run);

	if (opts.json)
		cli_json_end(stdout);
	if (matrix && nrows)
		sr_report_matrix_text(stdout, rows, nrows, &style);
	free(rows);
	if (opts.root)
		sr_root_close(&root);
	return cli_finish(status);
}
