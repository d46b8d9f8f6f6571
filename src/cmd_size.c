/* shipready size FILE... : what each binary's bytes are. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "shipready/shipready.h"

enum { OPT_JSON = 1, OPT_ROOT };

const struct cli_option size_options[] = {
	{ "json", 'j', NULL, "print one JSON document (docs/schema/size.json)", OPT_JSON },
	{ "root", 'r', "DIR", "look each FILE up inside DIR, as if DIR were / (symlinks stay inside)", OPT_ROOT },
	{ 0 },
};

struct size_opts {
	bool json;
	const char *root;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct size_opts *o = ud;
	if (id == OPT_JSON)
		o->json = true;
	else if (id == OPT_ROOT)
		o->root = arg;
}

int cmd_size(int argc, char **argv, const struct cli_command *self)
{
	struct size_opts opts = { 0 };
	int first;
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &opts);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	struct sr_root root;
	if (!cli_open_root(opts.root, &root))
		return EXIT_ERROR;
	struct sr_run *run = NULL;
	struct sr_error err = { 0 };
	if (sr_run_new(&run, &err) != SR_OK) {
		fprintf(stderr, "shipready: out of memory\n");
		if (opts.root)
			sr_root_close(&root);
		return EXIT_ERROR;
	}
	struct sr_text_style style = { .color = !opts.json && cli_use_color(stdout) };
	int status = EXIT_OK;
	bool printed = false;
	if (opts.json)
		cli_json_begin(stdout, "size", SR_SIZE_SCHEMA_VERSION);
	for (int i = first; i < argc; i++) {
		struct sr_analysis *an;
		struct sr_size *s = NULL;
		if (sr_run_analyse(run, opts.root ? &root : NULL, argv[i], &an, &err) != SR_OK) {
			status = cli_input_error(argv[i], &err, opts.json, &printed);
			continue;
		}
		if (sr_size_make(an, &s, &err) != SR_OK) {
			status = cli_input_error(argv[i], &err, opts.json, &printed);
		} else if (opts.json) {
			cli_json_item(stdout, sr_report_size_json(argv[i], s), &printed);
		} else {
			if (printed)
				fputc('\n', stdout);
			sr_report_size_text(stdout, argv[i], s, &style);
			printed = true;
		}
		sr_size_free(s);
		sr_run_done(run, an);
	}
	sr_run_free(run);
	if (opts.json)
		cli_json_end(stdout);
	if (opts.root)
		sr_root_close(&root);
	return cli_finish(status);
}
