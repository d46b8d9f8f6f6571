#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/shipready.h"
#include "shipready/outfile.h"

bool cli_no_color;

enum { OPT_HELP = -1000, OPT_NO_COLOR };

static const struct cli_option common_options[] = {
	{ "no-color", 0, NULL, "never colour the output (also: NO_COLOR set)", OPT_NO_COLOR },
	{ "help", 'h', NULL, "show this help", OPT_HELP },
	{ 0 },
};

static size_t count_opts(const struct cli_option *o)
{
	size_t n = 0;
	while (o && o[n].name)
		n++;
	return n;
}

static void print_opts(FILE *f, const struct cli_option *opts)
{
	for (size_t i = 0; opts && opts[i].name; i++) {
		char left[64];
		if (opts[i].short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", opts[i].short_name, opts[i].name,
			         opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", opts[i].name, opts[i].arg ? " " : "",
			         opts[i].arg ? opts[i].arg : "");
		fprintf(f, "  %-24s %s\n", left, opts[i].help);
	}
}

void cli_command_help(FILE *f, const struct cli_command *cmd)
{
	fprintf(f, "usage: shipready %s %s\n\n", cmd->name, cmd->usage);
	fprintf(f, "%s\n", cmd->description ? cmd->description : cmd->summary);
	fprintf(f, "\noptions:\n");
	print_opts(f, cmd->options);
	print_opts(f, common_options);
	fprintf(f, "\nexit status: 0 ok, 1 findings or policy failure, 2 bad input or usage\n");
}

void cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs("shipready: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, "usage: shipready %s %s\n(see 'shipready help %s')\n", cmd->name, cmd->usage, cmd->name);
	else
		fputs("(see 'shipready --help')\n", stderr);
}

int cli_finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "shipready: error writing output\n");
		return EXIT_ERROR;
	}
	return status;
}

/* s with control characters as \xNN: one line, whatever it holds */
static void put_line_safe(const char *s, FILE *f)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

void cli_file_error(const char *path, const char *reason)
{
	fflush(stdout);
	fputs("shipready: ", stderr);
	/* the path is the user's, the reason may quote the file (a name in an
	 * archive): either may hold control characters */
	put_line_safe(path, stderr);
	fputs(": ", stderr);
	put_line_safe(reason, stderr);
	fputc('\n', stderr);
}

void cli_json_begin(FILE *f, const char *command, int schema_version)
{
	json_t *tool = json_pack("{s:s,s:s}", "name", "shipready", "version", sr_version_string());
	char *t = json_dumps(tool, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fprintf(f, "{\"schema_version\":%d,\"tool\":%s,\"command\":\"%s\",\"results\":[", schema_version,
	        t ? t : "{}", command);
	free(t);
	json_decref(tool);
}

void cli_json_begin_doc(FILE *f, const char *command, int schema_version)
{
	json_t *tool = json_pack("{s:s,s:s}", "name", "shipready", "version", sr_version_string());
	char *t = json_dumps(tool, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fprintf(f, "{\"schema_version\":%d,\"tool\":%s,\"command\":\"%s\"", schema_version, t ? t : "{}", command);
	free(t);
	json_decref(tool);
}

void cli_json_member(FILE *f, const char *key, void *json)
{
	json_t *j = json;
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	fprintf(f, ",\"%s\":%s", key, text ? text : "null");
	free(text);
	json_decref(j);
}

void cli_json_item(FILE *f, void *json, bool *first_done)
{
	json_t *j = json;
	fputs(*first_done ? ",\n" : "\n", f);
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (text) {
		fputs(text, f);
		free(text);
	}
	json_decref(j);
	*first_done = true;
}

void cli_json_end(FILE *f)
{
	fputs("\n]}\n", f);
}

bool cli_use_color(FILE *f)
{
	if (cli_no_color)
		return false;
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return false;
	const char *term = getenv("TERM");
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(f));
}

int cli_parse(int argc, char **argv, const struct cli_command *cmd, int *first,
              void (*on_opt)(int id, const char *arg, void *ud), void *ud)
{
	size_t n = count_opts(cmd->options), nc = count_opts(common_options);
	struct option longs[64];
	const struct cli_option *all[64];
	char shorts[160] = "+";
	size_t k = 0;
	for (size_t i = 0; i < n + nc && k < 63; i++) {
		const struct cli_option *o = i < n ? &cmd->options[i] : &common_options[i - n];
		longs[k] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL, 0x1000 + (int)k };
		all[k] = o;
		if (o->short_name) {
			size_t l = strlen(shorts);
			shorts[l] = o->short_name;
			shorts[l + 1] = '\0';
			if (o->arg)
				strcat(shorts, ":");
		}
		k++;
	}
	longs[k] = (struct option){ 0 };

	opterr = 0;
	optind = 1;
	for (;;) {
		int c = getopt_long(argc, argv, shorts, longs, NULL);
		if (c == -1)
			break;
		const struct cli_option *o = NULL;
		if (c >= 0x1000 && c < 0x1000 + (int)k) {
			o = all[c - 0x1000];
		} else if (c != '?' && c != ':') {
			for (size_t i = 0; i < k; i++)
				if (all[i]->short_name == c)
					o = all[i];
		}
		if (!o) {
			const char *bad = argv[optind - 1];
			if (optopt && optopt < 0x1000)
				cli_usage_error(cmd, "%s: unknown option '-%c'", cmd->name, optopt);
			else
				cli_usage_error(cmd, "%s: unknown option or missing argument '%s'", cmd->name, bad);
			return EXIT_ERROR;
		}
		if (o->id == OPT_HELP) {
			cli_command_help(stdout, cmd);
			return CLI_STOP_OK;
		}
		if (o->id == OPT_NO_COLOR) {
			cli_no_color = true;
			continue;
		}
		on_opt(o->id, optarg, ud);
	}
	*first = optind;
	return 0;
}

int cli_parse_files(int argc, char **argv, const struct cli_command *cmd, int *first,
                    void (*on_opt)(int id, const char *arg, void *ud), void *ud)
{
	int rc = cli_parse(argc, argv, cmd, first, on_opt, ud);
	if (rc == CLI_STOP_OK)
		return CLI_STOP_OK;
	if (rc)
		return rc;
	if (*first >= argc) {
		cli_usage_error(cmd, "%s: no FILE given", cmd->name);
		return EXIT_ERROR;
	}
	return 0;
}

bool cli_open_root(const char *dir, struct sr_root *root)
{
	root->dirfd = -1;
	if (!dir)
		return true;
	struct sr_error err = { 0 };
	if (sr_root_open(dir, root, &err) != SR_OK) {
		cli_file_error(dir, sr_error_message(&err));
		return false;
	}
	return true;
}

int cli_input_error(const char *path, const struct sr_error *err, bool json, bool *first_done)
{
	cli_file_error(path, sr_error_message(err));
	if (json)
		cli_json_item(stdout, sr_report_error_json(path, sr_error_message(err)), first_done);
	return EXIT_ERROR;
}

void cli_options_first(int argc, char **argv, const struct cli_option *options)
{
	char **opts = malloc((size_t)argc * sizeof *opts), **files = malloc((size_t)argc * sizeof *files);
	if (!opts || !files) {
		free(opts);
		free(files);
		return;
	}
	int no = 0, nf = 0, i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (a[0] != '-' || a[1] == '\0') {
			files[nf++] = argv[i];
			continue;
		}
		opts[no++] = argv[i];
		bool takes = false;
		for (const struct cli_option *o = options; o->name; o++) {
			if (!o->arg)
				continue;
			if (a[1] == '-' && strcmp(a + 2, o->name) == 0)
				takes = true;
			if (a[1] == o->short_name && a[2] == '\0')
				takes = true;
		}
		if (takes && i + 1 < argc)
			opts[no++] = argv[++i];
	}
	int k = 1;
	for (int j = 0; j < no; j++)
		argv[k++] = opts[j];
	bool dashdash = i < argc;
	if (dashdash)   /* its slot is reused: operands after it may start with '-' */
		argv[k++] = "--";
	for (int j = 0; j < nf; j++)
		argv[k++] = files[j];
	for (i += dashdash ? 1 : 0; i < argc; i++)
		argv[k++] = argv[i];
	free(opts);
	free(files);
}

void cli_opt_error(const char *command, const char *reason)
{
	fflush(stdout);
	fprintf(stderr, "shipready: %s: ", command);
	for (const unsigned char *p = (const unsigned char *)reason; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			fputc(*p, stderr);
	}
	fputc('\n', stderr);
}

bool cli_write_atomic(const char *path, const char *text)
{
	struct sr_error err = { 0 };
	struct sr_outfile of;
	enum sr_err rc = sr_outfile_open(&of, path, true, &err);
	if (rc == SR_OK && !sr_write_all(of.fd, text, strlen(text))) {
		rc = sr_error_set(&err, SR_E_IO, "%s", strerror(errno));
		sr_outfile_abort(&of);
	} else if (rc == SR_OK) {
		rc = sr_outfile_commit(&of, &err);
	}
	if (rc != SR_OK)
		cli_file_error(path, sr_error_message(&err));
	return rc == SR_OK;
}

bool cli_format_parse(const char *s, enum cli_format *out)
{
	static const char *const names[] = { "text", "json", "jsonl", "sarif", "junit" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum cli_format)i;
			return true;
		}
	return false;
}

bool cli_write_ci_report(const struct sr_ci_log *log, enum cli_format f)
{
	struct sr_error err = { 0 };
	enum sr_err rc = f == CLI_FORMAT_SARIF ? sr_report_sarif(stdout, log, sr_version_string(), &err)
	                                       : sr_report_junit(stdout, log, &err);
	if (rc != SR_OK)
		fprintf(stderr, "shipready: %s\n", sr_error_message(&err));
	return rc == SR_OK;
}
