/* shipready inspect FILE... : facts about each binary, text or JSON. */
#include <jansson.h>
#include <stdio.h>

#include "cli.h"
#include "shipready/shipready.h"

struct inspect_opts {
	bool json;
};

static void on_opt(int id, const char *arg, void *ud)
{
	(void)arg;
	struct inspect_opts *o = ud;
	if (id == 1)
		o->json = true;
}

int cmd_inspect(int argc, char **argv, const struct cli_command *self)
{
	struct inspect_opts opts = { 0 };
	int first;
	int rc = cli_parse(argc, argv, self, &first, on_opt, &opts);
	if (rc == CLI_STOP_OK)
		return EXIT_OK;
	if (rc)
		return rc;
	if (first >= argc) {
		cli_usage_error(self, "inspect: no FILE given");
		return EXIT_ERROR;
	}

	struct sr_text_style style = { .color = !opts.json && cli_use_color(stdout) };
	json_t *results = opts.json ? json_array() : NULL;
	int status = EXIT_OK;
	bool printed = false;

	for (int i = first; i < argc; i++) {
		struct sr_inspect in;
		struct sr_error err = { 0 };
		if (sr_inspect_path(argv[i], &in, &err) != SR_OK) {
			cli_file_error(argv[i], sr_error_message(&err));
			if (results)
				json_array_append_new(results, sr_report_error_json(argv[i], sr_error_message(&err)));
			status = EXIT_ERROR;
			continue;
		}
		if (results) {
			json_array_append_new(results, sr_report_inspect_json(&in));
		} else {
			if (printed)
				fputc('\n', stdout);
			sr_report_inspect_text(stdout, &in, &style);
			printed = true;
		}
		sr_inspect_free(&in);
	}

	if (results) {
		json_t *doc = json_object();
		json_t *tool = json_object();
		json_object_set_new(doc, "schema_version", json_integer(SR_INSPECT_SCHEMA_VERSION));
		json_object_set_new(tool, "name", json_string("shipready"));
		json_object_set_new(tool, "version", json_string(sr_version_string()));
		json_object_set_new(doc, "tool", tool);
		json_object_set_new(doc, "command", json_string("inspect"));
		json_object_set_new(doc, "results", results);
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(doc);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "shipready: error writing output\n");
		return EXIT_ERROR;
	}
	return status;
}
