/* shipready preflight FILE... [-o FILE] : a POSIX sh script that checks,
 * on the host about to receive the files, that each can start there. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli.h"
#include "shipready/preflight.h"
#include "shipready/shipready.h"

enum { OPT_OUT = 1 };

const struct cli_option preflight_options[] = {
	{ "output", 'o', "FILE", "write the script to FILE (atomically, mode 0755) instead of stdout", OPT_OUT },
	{ 0 },
};

static void on_opt(int id, const char *arg, void *ud)
{
	const char **out = ud;
	if (id == OPT_OUT)
		*out = arg;
}

int cmd_preflight(int argc, char **argv, const struct cli_command *self)
{
	const char *out = NULL;
	int first;
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &out);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	struct sr_preflight *pf = sr_preflight_new();
	struct sr_run *run = NULL;
	struct sr_error err = { 0 };
	if (!pf || sr_run_new(&run, &err) != SR_OK) {
		fprintf(stderr, "shipready: out of memory\n");
		sr_preflight_free(pf);
		return EXIT_ERROR;
	}
	int status = EXIT_OK;
	size_t added = 0;
	for (int i = first; i < argc; i++) {
		struct sr_analysis *an;
		if (sr_run_analyse(run, NULL, argv[i], &an, &err) != SR_OK) {
			cli_file_error(argv[i], sr_error_message(&err));
			status = EXIT_ERROR;
			continue;
		}
		if (sr_preflight_add(pf, an, argv[i], &err) != SR_OK) {
			cli_file_error(argv[i], sr_error_message(&err));
			status = EXIT_ERROR;
		} else {
			added++;
		}
		sr_run_done(run, an);
	}
	char *text = NULL;
	if (added && sr_preflight_script(pf, sr_version_string(), &text, &err) != SR_OK) {
		fprintf(stderr, "shipready: %s\n", sr_error_message(&err));
		status = EXIT_ERROR;
	} else if (text && out) {
		if (!cli_write_atomic(out, text) || chmod(out, 0755) != 0)
			status = EXIT_ERROR;
	} else if (text) {
		fputs(text, stdout);
	}
	free(text);
	sr_run_free(run);
	sr_preflight_free(pf);
	return cli_finish(status);
}
