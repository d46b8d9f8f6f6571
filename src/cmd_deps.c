/* shipready deps FILE... : the shared libraries each file needs, resolved as
 * the dynamic loader would, and why each was (not) found. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "shipready/shipready.h"

enum { OPT_JSON = 1, OPT_FLAT, OPT_GRAPH, OPT_ROOT, OPT_ENV_PATH, OPT_ALL, OPT_CPU };

const struct cli_option deps_options[] = {
	{ "root", 'r', "DIR", "resolve inside DIR (sysroot, unpacked image) as if it were /", OPT_ROOT },
	{ "flat", 'f', NULL, "an ldd-like list: name => path", OPT_FLAT },
	{ "json", 'j', NULL, "print one JSON document (docs/schema/deps.json)", OPT_JSON },
	{ "graph", 'g', "dot|mermaid", "print the dependency graph", OPT_GRAPH },
	{ "all", 'a', NULL, "in the tree, also show needs met by libraries already loaded", OPT_ALL },
	{ "env-library-path", 0, NULL, "model LD_LIBRARY_PATH from the environment (ignored otherwise)",
	  OPT_ENV_PATH },
	{ "cpu", 0, "host|VENDOR[/LEVEL]",
	  "the x86-64 CPU to model (glibc-hwcaps, $PLATFORM): intel, amd, zhaoxin or other, "
	  "with x86-64, x86-64-v2, -v3, -v4 or xeon-phi; default this machine's", OPT_CPU },
	{ 0 },
};

struct deps_opts {
	bool json, flat, all, env_path;
	const char *graph;
	const char *root;
	const char *cpu;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct deps_opts *o = ud;
	switch (id) {
	case OPT_JSON: o->json = true; break;
	case OPT_FLAT: o->flat = true; break;
	case OPT_GRAPH: o->graph = arg; break;
	case OPT_ROOT: o->root = arg; break;
	case OPT_ENV_PATH: o->env_path = true; break;
	case OPT_ALL: o->all = true; break;
	case OPT_CPU: o->cpu = arg; break;
	default: break;
	}
}

int cmd_deps(int argc, char **argv, const struct cli_command *self)
{
	struct deps_opts opts = { 0 };
	int first;
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &opts);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	if (opts.graph && strcmp(opts.graph, "dot") != 0 && strcmp(opts.graph, "mermaid") != 0) {
		cli_usage_error(self, "deps: --graph takes 'dot' or 'mermaid', not '%s'", opts.graph);
		return EXIT_ERROR;
	}
	if ((opts.json ? 1 : 0) + (opts.flat ? 1 : 0) + (opts.graph ? 1 : 0) > 1) {
		cli_usage_error(self, "deps: choose one of --json, --flat, --graph");
		return EXIT_ERROR;
	}

	struct sr_cpu_facts cpu;
	if (opts.cpu) {
		struct sr_error cerr = { 0 };
		if (sr_cpu_parse(opts.cpu, &cpu, &cerr) != SR_OK) {
			cli_usage_error(self, "deps: %s", sr_error_message(&cerr));
			return EXIT_ERROR;
		}
	}
	struct sr_root root;
	if (!cli_open_root(opts.root, &root))
		return EXIT_ERROR;
	struct sr_deps_opts dopts = {
		.root = opts.root ? &root : NULL,
		.library_path = opts.env_path ? getenv("LD_LIBRARY_PATH") : NULL,
		.cpu = opts.cpu ? &cpu : NULL,
	};
	/* one session: the cache and every library are read once for all inputs */
	struct sr_deps_session *session = NULL;
	{
		struct sr_error serr = { 0 };
		if (sr_deps_session_new(&dopts, &session, &serr) != SR_OK) {
			cli_file_error(opts.root ? opts.root : "/", sr_error_message(&serr));
			if (opts.root)
				sr_root_close(&root);
			return EXIT_ERROR;
		}
	}
	struct sr_text_style style = { .color = !opts.json && !opts.graph && cli_use_color(stdout) };
	int status = EXIT_OK;
	bool printed = false;
	if (opts.json)
		cli_json_begin(stdout, "deps", SR_DEPS_SCHEMA_VERSION);
	for (int i = first; i < argc; i++) {
		struct sr_deps *d = NULL;
		struct sr_error err = { 0 };
		if (sr_deps_session_resolve(session, argv[i], &d, &err) != SR_OK) {
			status = cli_input_error(argv[i], &err, opts.json, &printed);
			continue;
		}
		if (d->error_count && status == EXIT_OK)
			status = EXIT_FINDINGS;
		if (opts.json) {
			cli_json_item(stdout, sr_report_deps_json(argv[i], opts.root, d), &printed);
		} else if (opts.graph) {
			sr_report_deps_graph(stdout, d, strcmp(opts.graph, "mermaid") == 0);
		} else if (opts.flat) {
			if (argc - first > 1)
				printf("%s:\n", argv[i]);
			sr_report_deps_flat(stdout, argv[i], d);
		} else {
			if (printed)
				fputc('\n', stdout);
			sr_report_deps_text(stdout, argv[i], d, &style, opts.all);
		}
		printed = true;
		sr_deps_free(d);
	}
	if (opts.json)
		cli_json_end(stdout);
	sr_deps_session_free(session);
	if (opts.root)
		sr_root_close(&root);
	return cli_finish(status);
}
