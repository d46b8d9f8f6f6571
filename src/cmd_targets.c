/* shipready targets [--json] [--targets FILE] [NAME...] : list the target
 * database (built in from data/targets.json, or FILE instead). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "shipready/shipready.h"
#include "shipready/targets.h"

enum { OPT_JSON = 1, OPT_TARGETS };

const struct cli_option targets_options[] = {
	{ "json", 'j', NULL, "print one JSON document (docs/schema/targets.json)", OPT_JSON },
	{ "targets", 't', "FILE", "use the target database in FILE instead of the built-in one", OPT_TARGETS },
	{ 0 },
};

struct targets_opts {
	bool json;
	const char *file;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct targets_opts *o = ud;
	if (id == OPT_JSON)
		o->json = true;
	else if (id == OPT_TARGETS)
		o->file = arg;
}

/* Load --targets FILE or the built-in database; false after the error line. */
bool cli_load_targets(const char *file, struct sr_targets *db)
{
	struct sr_error err = { 0 };
	enum sr_err rc = file ? sr_targets_load_file(file, db, &err) : sr_targets_load_builtin(db, &err);
	if (rc != SR_OK) {
		cli_file_error(file ? file : "built-in target database", sr_error_message(&err));
		return false;
	}
	return true;
}

int cmd_targets(int argc, char **argv, const struct cli_command *self)
{
	struct targets_opts o = { 0 };
	int first;
	int rc = cli_parse(argc, argv, self, &first, on_opt, &o);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	struct sr_targets db;
	if (!cli_load_targets(o.file, &db))
		return EXIT_ERROR;

	/* NAME operands select entries, in the order given */
	struct sr_targets sel = db;
	struct sr_target *picked = NULL;
	int status = EXIT_OK;
	if (first < argc) {
		picked = calloc((size_t)(argc - first), sizeof *picked);
		if (!picked) {
			fprintf(stderr, "shipready: out of memory\n");
			sr_targets_free(&db);
			return EXIT_ERROR;
		}
		sel = (struct sr_targets){ picked, 0 };
		for (int i = first; i < argc; i++) {
			const struct sr_target *t = sr_targets_find(&db, argv[i]);
			if (!t) {
				cli_file_error(argv[i], "no such target (see 'shipready targets')");
				status = EXIT_ERROR;
				continue;
			}
			picked[sel.n++] = *t;   /* shallow: db owns the strings */
		}
	}

	if (o.json) {
		bool printed = false;
		cli_json_begin(stdout, "targets", SR_TARGETS_SCHEMA_VERSION);
		for (size_t i = 0; i < sel.n; i++)
			cli_json_item(stdout, sr_report_target_json(&sel.v[i]), &printed);
		cli_json_end(stdout);
	} else if (sel.n) {
		sr_report_targets_text(stdout, &sel);
	}
	free(picked);
	sr_targets_free(&db);
	return cli_finish(status);
}
