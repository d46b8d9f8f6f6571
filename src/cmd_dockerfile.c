/* shipready dockerfile FILE... : a Dockerfile on the smallest base each program needs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "shipready/dockerfile.h"
#include "shipready/root.h"
#include "shipready/shipready.h"

enum { OPT_GO_BUILD = 1, OPT_USER, OPT_HEALTH, OPT_OUT, OPT_ROOT, OPT_JSON, OPT_TARGETS_FILE };

const struct cli_option dockerfile_options[] = {
	{ "go-build", 0, "PKG", "a multi-stage Dockerfile that builds PKG on the golang image of the binary's Go "
	  "release, with its build settings", OPT_GO_BUILD },
	{ "user", 'u', "USER", "run as this non-root UID[:GID] or user (default 65532:65532)", OPT_USER },
	{ "healthcheck", 0, "COMMAND", "a HEALTHCHECK in exec form: COMMAND split at spaces, no shell", OPT_HEALTH },
	{ "output", 'o', "FILE", "write the Dockerfile to FILE (atomically); one FILE only", OPT_OUT },
	{ "from-root", 0, "DIR", "the system the libraries come from (default /): libraries are resolved there, "
	  "mapped to packages through its dpkg or apk database, and its os-release names the base", OPT_ROOT },
	{ "json", 'j', NULL, "print the base, libraries, packages, problems and the Dockerfile as JSON "
	  "(docs/schema/dockerfile.json)", OPT_JSON },
	{ "targets", 0, "FILE", "judge the base image by the target database in FILE instead of the built-in "
	  "one (as check --targets)", OPT_TARGETS_FILE },
	{ 0 },
};

struct dockerfile_cli {
	struct sr_dockerfile_opts d;
	const char *out;
	const char *root;
	const char *db_file;
	bool json;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct dockerfile_cli *c = ud;
	switch (id) {
	case OPT_GO_BUILD: c->d.go_build = arg; break;
	case OPT_USER: c->d.user = arg; break;
	case OPT_HEALTH: c->d.healthcheck = arg; break;
	case OPT_OUT: c->out = arg; break;
	case OPT_ROOT: c->root = arg; break;
	case OPT_JSON: c->json = true; break;
	case OPT_TARGETS_FILE: c->db_file = arg; break;
	default: break;
	}
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *result_json(const char *file, const struct sr_dockerfile *d)
{
	json_t *libs = json_array(), *pkgs = json_array(), *probs = json_array();
	for (size_t i = 0; i < d->nlibs; i++)
		json_array_append_new(libs, json_pack("{s:s,s:o,s:o}", "name", d->libs[i].name, "path",
		                                      jstr_or_null(d->libs[i].path), "package",
		                                      jstr_or_null(d->libs[i].package)));
	for (size_t i = 0; i < d->npackages; i++)
		json_array_append_new(pkgs, json_string(d->packages[i]));
	for (size_t i = 0; i < d->nproblems; i++)
		json_array_append_new(probs, json_pack("{s:s,s:s,s:o}", "kind", d->problems[i].kind, "reason",
		                                       d->problems[i].reason, "fix", jstr_or_null(d->problems[i].fix)));
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:s}", "path", file, "base", d->base, "base_reason",
	                 d->base_reason, "release", jstr_or_null(d->release), "package_manager",
	                 jstr_or_null(d->package_manager), "libraries", libs, "packages", pkgs, "problems", probs,
	                 "unmapped", (json_int_t)d->unmapped, "dockerfile", d->text);
}

static int one_file(struct sr_run *run, const char *file, const struct dockerfile_cli *c, const struct sr_root *root,
                    bool *printed)
{
	struct sr_dockerfile_opts o = c->d;
	const char *base = strrchr(file, '/');
	o.context_name = base ? base + 1 : file;
	o.source = file;
	o.root = root;
	o.root_dir = c->root;

	struct sr_analysis *an;
	struct sr_error err = { 0 };
	if (sr_run_analyse(run, NULL, file, &an, &err) != SR_OK)
		return cli_input_error(file, &err, c->json, printed);
	struct sr_dockerfile *d = NULL;
	enum sr_err rc = sr_dockerfile_build(an, &o, &d, &err);
	sr_run_done(run, an);
	if (rc != SR_OK)
		return cli_input_error(file, &err, c->json, printed);
	int status = EXIT_OK;
	if (c->out) {
		if (!cli_write_atomic(c->out, d->text))
			status = EXIT_ERROR;
	}
	if (c->json) {
		cli_json_item(stdout, result_json(file, d), printed);
	} else if (!c->out) {
		if (*printed)
			fputc('\n', stdout);
		fputs(d->text, stdout);
		*printed = true;
	}
	if (status == EXIT_OK && d->unmapped) {
		char msg[128];
		snprintf(msg, sizeof msg, "warning: %zu librar%s not mapped to a package (named in the Dockerfile)",
		         d->unmapped, d->unmapped == 1 ? "y" : "ies");
		fflush(stdout);
		cli_file_error(file, msg);
		status = EXIT_FINDINGS;
	}
	for (size_t i = 0; status != EXIT_ERROR && i < d->nproblems; i++) {
		char msg[1200];
		snprintf(msg, sizeof msg, "warning: will not run on %s: %s", d->base, d->problems[i].reason);
		fflush(stdout);
		cli_file_error(file, msg);
		status = EXIT_FINDINGS;
	}
	sr_dockerfile_free(d);
	return status;
}

int cmd_dockerfile(int argc, char **argv, const struct cli_command *self)
{
	struct dockerfile_cli c = { 0 };
	int first;
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &c);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	struct sr_error err = { 0 };
	if (sr_dockerfile_check_opts(&c.d, &err) != SR_OK) {
		cli_opt_error("dockerfile", sr_error_message(&err));
		return EXIT_ERROR;
	}
	if (c.out && argc - first > 1) {
		cli_usage_error(self, "dockerfile: -o takes one FILE");
		return EXIT_ERROR;
	}
	struct sr_targets db;
	if (!cli_load_targets(c.db_file, &db))
		return EXIT_ERROR;
	c.d.targets = &db;
	struct sr_root root;
	if (!cli_open_root(c.root, &root)) {
		sr_targets_free(&db);
		return EXIT_ERROR;
	}
	struct sr_run *run;
	struct sr_error rerr = { 0 };
	if (sr_run_new(&run, &rerr) != SR_OK) {
		fprintf(stderr, "shipready: out of memory\n");
		if (c.root)
			sr_root_close(&root);
		sr_targets_free(&db);
		return EXIT_ERROR;
	}
	int status = EXIT_OK;
	bool printed = false;
	if (c.json)
		cli_json_begin(stdout, "dockerfile", SR_DOCKERFILE_SCHEMA_VERSION);
	for (int i = first; i < argc; i++) {
		int s = one_file(run, argv[i], &c, c.root ? &root : NULL, &printed);
		if (s > status)
			status = s;
	}
	if (c.json)
		cli_json_end(stdout);
	sr_run_free(run);
	if (c.root)
		sr_root_close(&root);
	sr_targets_free(&db);
	return cli_finish(status);
}
