/* shipready compile-deps [--map FILE]... [--trace FILE]... [--policy P] DEPFILE... :
 * what went into a C build, attributed to the project or a package, and
 * checked against the policy's allow-lists. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "shipready/compdeps.h"
#include "shipready/file.h"
#include "shipready/policy.h"
#include "shipready/report.h"
#include "shipready/root.h"

#define SR_COMPDEPS_SCHEMA_VERSION 1

enum { OPT_MAP = 1, OPT_TRACE, OPT_PROJECT, OPT_BUILD_DIR, OPT_ROOT, OPT_POLICY, OPT_GRAPH, OPT_JSON, OPT_LIST };

const struct cli_option compile_deps_options[] = {
	{ "map", 'm', "FILE", "a GNU linker map (-Wl,-Map=FILE): the archive members that went in (repeatable)", OPT_MAP },
	{ "trace", 't', "FILE", "the linker's -Wl,--trace lines: the objects and archives it read (repeatable)",
	  OPT_TRACE },
	{ "project", 'P', "DIR", "the project's directory: its files are always allowed (default: the current one)",
	  OPT_PROJECT },
	{ "build-dir", 'C', "DIR", "what relative names in the inputs are relative to (default: the current one)",
	  OPT_BUILD_DIR },
	{ "root", 'r', "DIR", "the system whose dpkg or apk database attributes files (default /)", OPT_ROOT },
	{ "policy", 'p', "FILE|NAME", "judge allowed_header_packages, allowed_include_dirs, allowed_static_archives "
	                              "(docs/policy.md)", OPT_POLICY },
	{ "graph", 'g', "dot|mermaid", "print the dependency graph instead of the report", OPT_GRAPH },
	{ "json", 'j', NULL, "print every file and violation as JSON (docs/schema/compile-deps.json)", OPT_JSON },
	{ "list", 'l', NULL, "list every file with its origin", OPT_LIST },
	{ 0 },
};

struct input {
	const char *path;
	int kind;                     /* OPT_MAP, OPT_TRACE, or 0 for a depfile */
};

struct cd_cli {
	struct input *in;
	size_t nin;
	const char *project, *build_dir, *root, *policy, *graph;
	bool json, list, bad;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct cd_cli *c = ud;
	switch (id) {
	case OPT_MAP:
	case OPT_TRACE: {
		struct input *v = realloc(c->in, (c->nin + 1) * sizeof *v);
		if (!v) {
			c->bad = true;
			return;
		}
		c->in = v;
		c->in[c->nin++] = (struct input){ arg, id };
		break;
	}
	case OPT_PROJECT: c->project = arg; break;
	case OPT_BUILD_DIR: c->build_dir = arg; break;
	case OPT_ROOT: c->root = arg; break;
	case OPT_POLICY: c->policy = arg; break;
	case OPT_GRAPH: c->graph = arg; break;
	case OPT_JSON: c->json = true; break;
	case OPT_LIST: c->list = true; break;
	}
}

/* An absolute form of a directory option (which must exist). */
static char *absolute_dir(const char *dir, const char *opt)
{
	char *r = realpath(dir ? dir : ".", NULL);
	if (!r) {
		char msg[300];
		snprintf(msg, sizeof msg, "--%s: not a directory", opt);
		cli_file_error(dir ? dir : ".", msg);
	}
	return r;
}

static enum sr_err add_input(struct sr_compdeps *cd, const struct input *in, struct sr_error *err)
{
	struct sr_file f;
	enum sr_err rc = sr_file_open(in->path, &f, err);
	bool empty = rc == SR_E_EMPTY;
	if (rc != SR_OK && !empty)
		return rc;
	size_t len = empty ? 0 : f.r.len;
	const char *text = len ? (const char *)sr_reader_at(&f.r, 0, len) : "";
	if (!text)
		rc = sr_error_set(err, SR_E_IO, "cannot read");
	else if (in->kind == OPT_MAP)
		rc = sr_compdeps_add_linkmap(cd, in->path, text, len, err);
	else if (in->kind == OPT_TRACE)
		rc = sr_compdeps_add_trace(cd, in->path, text, len, err);
	else
		rc = sr_compdeps_add_depfile(cd, in->path, text, len, err);
	if (!empty)
		sr_file_close(&f);
	return rc;
}

int cmd_compile_deps(int argc, char **argv, const struct cli_command *self)
{
	struct cd_cli c = { 0 };
	int first;
	cli_options_first(argc, argv, compile_deps_options);   /* `compile-deps a.d --map m` */
	int rc = cli_parse(argc, argv, self, &first, on_opt, &c);
	if (rc || c.bad) {
		free(c.in);
		return rc == CLI_STOP_OK ? EXIT_OK : EXIT_ERROR;
	}
	for (int i = first; i < argc; i++) {
		struct input *v = realloc(c.in, (c.nin + 1) * sizeof *v);
		if (!v) {
			free(c.in);
			return EXIT_ERROR;
		}
		c.in = v;
		c.in[c.nin++] = (struct input){ argv[i], 0 };
	}
	if (!c.nin) {
		cli_usage_error(self, "compile-deps: give dependency files (gcc -MD), --map FILE or --trace FILE");
		free(c.in);
		return EXIT_ERROR;
	}
	if (c.graph && strcmp(c.graph, "dot") && strcmp(c.graph, "mermaid")) {
		cli_opt_error("compile-deps", "--graph: expected dot or mermaid");
		free(c.in);
		return EXIT_ERROR;
	}
	int status = EXIT_OK;
	char *project = absolute_dir(c.project, "project"), *build = absolute_dir(c.build_dir, "build-dir");
	struct sr_policy *policy = NULL;
	struct sr_root root;
	bool have_root = false;
	struct sr_compdeps cd = { 0 };
	struct sr_error err = { 0 };
	json_t *errors = json_array();
	if (!project || !build) {
		status = EXIT_ERROR;
		goto out;
	}
	if (c.root) {
		if (!cli_open_root(c.root, &root)) {
			status = EXIT_ERROR;
			goto out;
		}
		have_root = true;
	}
	if (c.policy && sr_policy_load(c.policy, &policy, &err) != SR_OK) {
		cli_file_error(c.policy, sr_error_message(&err));
		status = EXIT_ERROR;
		goto out;
	}
	struct sr_compdeps_opts o = { project, build, have_root ? &root : NULL, policy };
	if (sr_compdeps_new(&o, &cd, &err) != SR_OK) {
		fprintf(stderr, "shipready: compile-deps: %s\n", sr_error_message(&err));
		status = EXIT_ERROR;
		goto out;
	}
	size_t good = 0;
	for (size_t i = 0; i < c.nin; i++) {
		err = (struct sr_error){ 0 };
		if (add_input(&cd, &c.in[i], &err) != SR_OK) {
			cli_file_error(c.in[i].path, sr_error_message(&err));
			json_array_append_new(errors, json_pack("{s:s,s:s}", "path", c.in[i].path, "error",
			                                        sr_error_message(&err)));
			status = EXIT_ERROR;
			continue;
		}
		good++;
	}
	if (!good)
		goto out;
	if (sr_compdeps_finish(&cd, &err) != SR_OK) {
		fprintf(stderr, "shipready: compile-deps: %s\n", sr_error_message(&err));
		status = EXIT_ERROR;
		goto out;
	}
	const char *pname = policy ? sr_policy_name(policy) : NULL;
	if (c.graph) {
		sr_report_compdeps_graph(stdout, &cd, !strcmp(c.graph, "mermaid"));
	} else if (c.json) {
		cli_json_begin_doc(stdout, "compile-deps", SR_COMPDEPS_SCHEMA_VERSION);
		cli_json_member(stdout, "project", json_string(project));
		cli_json_member(stdout, "build_dir", json_string(build));
		json_t *body = sr_report_compdeps_json(&cd, pname);
		const char *key;
		json_t *val;
		json_object_foreach(body, key, val)
			cli_json_member(stdout, key, json_incref(val));
		json_decref(body);
		cli_json_member(stdout, "errors", errors);
		errors = NULL;
		fputs("}\n", stdout);
	} else {
		sr_report_compdeps_text(stdout, &cd, pname, c.list);
	}
	if (cd.nviolations && status == EXIT_OK)
		status = EXIT_FINDINGS;
out:
	json_decref(errors);
	sr_compdeps_free(&cd);
	if (policy)
		sr_policy_free(policy);
	if (have_root)
		sr_root_close(&root);
	free(project);
	free(build);
	free(c.in);
	return cli_finish(status);
}
