/* shipready go packages [--json] FILE... : the packages linked into each Go
 * binary (read from its pclntab, so it works without build info), each with
 * the module that provides it.   `shipready go version` is go-version. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "shipready/shipready.h"

enum { OPT_JSON = 1 };

const struct cli_option go_options[] = {
	{ "json", 'j', NULL, "print one JSON document (docs/schema/go-packages.json)", OPT_JSON },
	{ 0 },
};

static void on_opt(int id, const char *arg, void *ud)
{
	(void)arg;
	if (id == OPT_JSON)
		*(bool *)ud = true;
}

/* One package list, as a JSON result or a text block. */
static void emit(const char *label, const struct sr_go_info *g, bool json, bool *printed)
{
	if (json) {
		cli_json_item(stdout, sr_report_go_packages_json(label, g), printed);
		return;
	}
	if (*printed)
		fputc('\n', stdout);
	sr_report_go_packages_text(stdout, label, g);
	*printed = true;
}

static int go_packages(int argc, char **argv, const struct cli_command *self)
{
	bool json = false;
	int first;
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &json);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	int status = EXIT_OK;
	bool printed = false;
	if (json)
		cli_json_begin(stdout, "go packages", SR_GO_PACKAGES_SCHEMA_VERSION);
	for (int i = first; i < argc; i++) {
		struct sr_inspect in;
		struct sr_error err = { 0 };
		if (sr_inspect_path_ex(argv[i], SR_INSPECT_HEADERS_ONLY, &in, &err) != SR_OK) {
			status = cli_input_error(argv[i], &err, json, &printed);
			continue;
		}
		/* a universal Mach-O: every Go slice, named PATH (cpu) */
		if (in.macho && in.macho->fat && in.macho_go) {
			bool any = false;
			for (size_t k = 0; k < in.macho->nslices; k++) {
				const struct sr_go_info *g = in.macho_go[k];
				if (!g || !g->is_go || g->pcln == SR_GO_PCLN_NONE)
					continue;
				const struct sr_macho_slice *sl = &in.macho->slices[k];
				const char *cpu = sr_macho_cpu_name(sl->cputype, sl->cpusubtype);
				char label[4200];
				snprintf(label, sizeof label, "%s (%s)", argv[i], cpu ? cpu : "?");
				emit(label, g, json, &printed);
				any = true;
			}
			if (any) {
				sr_inspect_free(&in);
				continue;
			}
		}
		if (!in.go || !in.go->is_go || in.go->pcln == SR_GO_PCLN_NONE) {
			const char *why = in.go ? sr_go_pcln_problem(in.go) : NULL;
			sr_error_set(&err, SR_E_NOT_BINARY,
			             in.go && in.go->is_go ? "a Go binary without a readable pclntab%s%s"
			                                   : "not a Go executable%s%s",
			             why ? ": " : "", why ? why : "");
			status = cli_input_error(argv[i], &err, json, &printed);
			sr_inspect_free(&in);
			continue;
		}
		emit(argv[i], in.go, json, &printed);
		sr_inspect_free(&in);
	}
	if (json)
		cli_json_end(stdout);
	return cli_finish(status);
}

static const struct cli_command go_subcommands[] = {
	{ "go packages", go_packages, "list the packages linked into each Go binary", "[--json] FILE...",
	  "List the Go packages linked into each FILE, read from its pclntab (so it works\n"
	  "when build info was removed), each with the module that provides it according\n"
	  "to the build info, or 'std' for the standard library.",
	  go_options },
	{ 0 },
};

int cmd_go(int argc, char **argv, const struct cli_command *self)
{
	if (argc >= 2 && strcmp(argv[1], "packages") == 0)
		return go_subcommands[0].run(argc - 1, argv + 1, &go_subcommands[0]);
	if (argc >= 2 && strcmp(argv[1], "version") == 0) {
		for (const struct cli_command *c = cli_commands; c->name; c++)
			if (strcmp(c->name, "go-version") == 0)
				return c->run(argc - 1, argv + 1, c);
	}
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		cli_command_help(stdout, self);
		return EXIT_OK;
	}
	cli_usage_error(self, "go: expected 'packages' or 'version'");
	return EXIT_ERROR;
}
