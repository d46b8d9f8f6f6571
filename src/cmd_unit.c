/* shipready unit FILE... : a hardened systemd service unit per program. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "shipready/shipready.h"
#include "shipready/unit.h"

enum { OPT_NAME = 1, OPT_EXEC, OPT_USER, OPT_ENV, OPT_ARG, OPT_CAP, OPT_STATE, OPT_LOG, OPT_OUT };

const struct cli_option unit_options[] = {
	{ "name", 'n', "NAME", "the unit's name (default: the file's name); one FILE only", OPT_NAME },
	{ "exec-path", 0, "PATH", "where the program is installed (default: /usr/local/bin/NAME); one FILE only",
	  OPT_EXEC },
	{ "user", 'u', "USER", "run as this existing user instead of DynamicUser=yes", OPT_USER },
	{ "env", 'e', "NAME=VALUE", "an Environment= line (repeatable)", OPT_ENV },
	{ "arg", 0, "ARG", "one argument appended to ExecStart, quoted as systemd needs (repeatable)", OPT_ARG },
	{ "capability", 'c', "CAP", "keep this capability, e.g. CAP_NET_BIND_SERVICE (repeatable)", OPT_CAP },
	{ "state-dir", 0, "DIR", "StateDirectory=DIR: a writable /var/lib/DIR", OPT_STATE },
	{ "log-dir", 0, "DIR", "LogsDirectory=DIR: a writable /var/log/DIR", OPT_LOG },
	{ "output", 'o', "FILE|DIR", "write the unit to FILE, or DIR/NAME.service per FILE (atomically)", OPT_OUT },
	{ 0 },
};

struct unit_cli {
	struct sr_unit_opts u;
	const char **env, **args, **caps;
	const char *out;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct unit_cli *c = ud;
	switch (id) {
	case OPT_NAME: c->u.name = arg; break;
	case OPT_EXEC: c->u.exec_path = arg; break;
	case OPT_USER: c->u.user = arg; break;
	case OPT_ENV: c->env[c->u.nenv++] = arg; break;
	case OPT_ARG: c->args[c->u.nargs++] = arg; break;
	case OPT_CAP: c->caps[c->u.ncaps++] = arg; break;
	case OPT_STATE: c->u.state_dir = arg; break;
	case OPT_LOG: c->u.log_dir = arg; break;
	case OPT_OUT: c->out = arg; break;
	default: break;
	}
}

static int one_file(struct sr_run *run, const char *file, const struct unit_cli *c, bool out_dir, bool *printed)
{
	struct sr_unit_opts o = c->u;
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	char name[256], exec_path[4096 + 300];
	if (!o.name) {
		if (!sr_unit_name_ok(base)) {
			cli_file_error(file, "the file name is not a usable unit name: give --name");
			return EXIT_ERROR;
		}
		snprintf(name, sizeof name, "%s", base);
		o.name = name;
	}
	if (!o.exec_path) {
		snprintf(exec_path, sizeof exec_path, "/usr/local/bin/%s", o.name);
		o.exec_path = exec_path;
	}
	o.source = file;

	struct sr_analysis *an;
	struct sr_error err = { 0 };
	if (sr_run_analyse(run, NULL, file, &an, &err) != SR_OK) {
		cli_file_error(file, sr_error_message(&err));
		return EXIT_ERROR;
	}
	char *text = NULL;
	enum sr_err rc = sr_unit_build(an, &o, &text, &err);
	sr_run_done(run, an);
	if (rc != SR_OK) {
		cli_file_error(file, sr_error_message(&err));
		return EXIT_ERROR;
	}
	int status = EXIT_OK;
	if (c->out) {
		char path[4096 + 300];
		if (out_dir)
			snprintf(path, sizeof path, "%s/%s.service", c->out, o.name);
		else
			snprintf(path, sizeof path, "%s", c->out);
		if (!cli_write_atomic(path, text))
			status = EXIT_ERROR;
	} else {
		if (*printed)
			fputc('\n', stdout);
		fputs(text, stdout);
		*printed = true;
	}
	free(text);
	return status;
}

int cmd_unit(int argc, char **argv, const struct cli_command *self)
{
	struct unit_cli c = { 0 };
	/* each repeatable option can occur at most argc times */
	c.env = calloc((size_t)argc + 1, sizeof *c.env);
	c.args = calloc((size_t)argc + 1, sizeof *c.args);
	c.caps = calloc((size_t)argc + 1, sizeof *c.caps);
	int status = EXIT_ERROR;
	if (!c.env || !c.args || !c.caps) {
		fprintf(stderr, "shipready: out of memory\n");
		goto out;
	}
	c.u.env = c.env;
	c.u.args = c.args;
	c.u.caps = c.caps;
	int first;
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &c);
	if (rc) {
		status = rc == CLI_STOP_OK ? EXIT_OK : rc;
		goto out;
	}
	struct sr_error err = { 0 };
	if (sr_unit_check_opts(&c.u, &err) != SR_OK) {
		cli_opt_error("unit", sr_error_message(&err));
		goto out;
	}
	int nfiles = argc - first;
	if (nfiles > 1 && (c.u.name || c.u.exec_path)) {
		cli_usage_error(self, "unit: --name and --exec-path are for one FILE");
		goto out;
	}
	bool out_dir = false;
	if (c.out) {
		struct stat st;
		out_dir = stat(c.out, &st) == 0 && S_ISDIR(st.st_mode);
		if (nfiles > 1 && !out_dir) {
			cli_usage_error(self, "unit: with several FILEs, -o names an existing directory");
			goto out;
		}
	}
	struct sr_run *run;
	struct sr_error rerr = { 0 };
	if (sr_run_new(&run, &rerr) != SR_OK) {
		fprintf(stderr, "shipready: out of memory\n");
		goto out;
	}
	status = EXIT_OK;
	bool printed = false;
	for (int i = first; i < argc; i++)
		if (one_file(run, argv[i], &c, out_dir, &printed) != EXIT_OK)
			status = EXIT_ERROR;
	sr_run_free(run);
	status = cli_finish(status);
out:
	free(c.env);
	free(c.args);
	free(c.caps);
	return status;
}
