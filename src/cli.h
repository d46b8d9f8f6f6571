/* The CLI's shared pieces: the command table, declarative options, output
 * conventions (exit codes, error lines, colour). Only src/ prints. */
#ifndef SR_CLI_H
#define SR_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "shipready/targets.h"

enum {
	EXIT_OK = 0,        /* everything analysed, nothing to report */
	EXIT_FINDINGS = 1,  /* findings or a policy failure */
	EXIT_ERROR = 2,     /* bad input or usage */
};

struct cli_option {
	const char *name;     /* long name without dashes */
	char short_name;      /* 0 for none */
	const char *arg;      /* NULL for a flag, else the argument's name */
	const char *help;
	int id;               /* returned by cli_parse for this option */
};

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv, const struct cli_command *self);
	const char *summary;
	const char *usage;              /* e.g. "[--json] FILE..." */
	const char *description;        /* paragraph(s) for `help CMD` */
	const struct cli_option *options;   /* terminated by { 0 } */
};

extern const struct cli_command cli_commands[];

#define CLI_STOP_OK (-1)   /* cli_parse: help was printed, exit 0 */

/* Parse argv against cmd->options (plus --help, --no-color).  Calls on_opt
 * for each option; leaves operands in argv[*first..argc).  Returns 0, or an
 * exit code (or CLI_STOP_OK) when the caller should stop. */
int cli_parse(int argc, char **argv, const struct cli_command *cmd, int *first,
              void (*on_opt)(int id, const char *arg, void *ud), void *ud);

/* cli_parse for commands that take one or more FILE operands: a usage
 * error when none is given.  Returns 0 to go on, else the exit status. */
int cli_parse_files(int argc, char **argv, const struct cli_command *cmd, int *first,
                    void (*on_opt)(int id, const char *arg, void *ud), void *ud);

/* For commands whose form puts options after the operands (`bundle FILE...
 * -o DIR`, `verify FILE --cmd ARGS`): move the options of `options` (with
 * their arguments) in front of the operands, keeping both orders, up to a
 * "--" (operands after it may start with '-'). */
void cli_options_first(int argc, char **argv, const struct cli_option *options);

/* `shipready: COMMAND: reason` on one line for a bad option value: the
 * reason quotes the user's value, so control characters are shown as \xNN. */
void cli_opt_error(const char *command, const char *reason);

/* Write text to path (replacing what is there) through lib/util/outfile.c:
 * a temporary beside it, synced and renamed into place, so readers see the
 * old file or the new one, never half; false after printing
 * `shipready: PATH: reason`. */
bool cli_write_atomic(const char *path, const char *text);

/* --format's values, for the commands that have it. */
enum cli_format { CLI_FORMAT_TEXT = 0, CLI_FORMAT_JSON, CLI_FORMAT_JSONL, CLI_FORMAT_SARIF, CLI_FORMAT_JUNIT };

/* The format named s; false when s names none. */
bool cli_format_parse(const char *s, enum cli_format *out);

/* The CI formats: what goes into a struct sr_ci_log. */
static inline bool cli_format_is_ci(enum cli_format f)
{
	return f == CLI_FORMAT_SARIF || f == CLI_FORMAT_JUNIT;
}

/* Write log to stdout as SARIF or JUnit (f); false after one line on
 * stderr saying why not. */
struct sr_ci_log;
bool cli_write_ci_report(const struct sr_ci_log *log, enum cli_format f);

/* Open the --root directory (when dir is not NULL); false after printing the
 * error line. */
struct sr_root;
bool cli_open_root(const char *dir, struct sr_root *root);

void cli_command_help(FILE *f, const struct cli_command *cmd);
void cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* A command's --json document, streamed one result per line so memory
 * stays bounded by the largest single result however many files are given:
 * {"schema_version":N,"tool":{…},"command":"…","results":[ item, … ]}.
 * cli_json_item writes one result compactly in a single write and releases
 * it (jansson's stream dumper makes many small writes). */
void cli_json_begin(FILE *f, const char *command, int schema_version);
void cli_json_item(FILE *f, void *json, bool *first_done);
void cli_json_end(FILE *f);
/* For documents with other members than "results": the opening
 * {"schema_version":N,"tool":{…},"command":"…" (no closing brace), and one
 * ,"key":value member (value released). */
void cli_json_begin_doc(FILE *f, const char *command, int schema_version);
void cli_json_member(FILE *f, const char *key, void *json);

/* An input that could not be analysed: the stderr line, and with --json
 * its {"path","error"} result too.  Returns EXIT_ERROR. */
struct sr_error;
int cli_input_error(const char *path, const struct sr_error *err, bool json, bool *first_done);

/* End of a command: flush stdout; a write error (a full disk, a closed
 * pipe) becomes `shipready: error writing output` and EXIT_ERROR, else
 * status is returned. */
int cli_finish(int status);

/* `shipready: PATH: reason` on stderr. */
void cli_file_error(const char *path, const char *reason);

/* Colour only on a TTY and never with NO_COLOR (or --no-color). */
bool cli_use_color(FILE *f);
extern bool cli_no_color;

extern const struct cli_option inspect_options[];
int cmd_inspect(int argc, char **argv, const struct cli_command *self);
/* The targets a command judges against (cli_targets.c). */
struct sr_targets;
struct sr_check_target;
struct cli_target_set {
	struct sr_check_target **v;
	size_t n, cap;
};

/* What check and report judge with: the target database, the targets, the
 * policy.  cli_judging_open checks --arch, loads the database (db_file, or
 * the built-in one), opens the --target lists (specs), loads --policy and
 * adds its targets (else, nothing asked for, the default set); false after
 * saying why (the command then exits 2).  Free it either way. */
struct cli_judging {
	struct sr_targets db;
	bool db_loaded;
	struct cli_target_set ts;
	struct sr_policy *policy;
	bool requested;    /* targets were asked for (--target or a policy) */
};
bool cli_judging_open(struct cli_judging *jd, const struct cli_command *self, char *const *specs, size_t nspecs,
                      const char *arch, const char *db_file, const char *policy_arg);
void cli_judging_free(struct cli_judging *jd);

extern const struct cli_option report_options[];
int cmd_report(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option size_options[];
int cmd_size(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option scan_options[];
int cmd_scan(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option deps_options[];
int cmd_deps(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option go_version_options[];
int cmd_go_version(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option targets_options[];
int cmd_targets(int argc, char **argv, const struct cli_command *self);
/* Load --targets FILE (or the built-in database when NULL); false after
 * printing 'shipready: FILE: reason'. */
struct sr_targets;
bool cli_load_targets(const char *file, struct sr_targets *db);
extern const struct cli_option check_options[];
int cmd_check(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option diff_options[];
int cmd_diff(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option preflight_options[];
int cmd_preflight(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option unit_options[];
int cmd_unit(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option drift_options[];
int cmd_drift(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option compile_deps_options[];
int cmd_compile_deps(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option build_options[];
int cmd_build(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option dockerfile_options[];
int cmd_dockerfile(int argc, char **argv, const struct cli_command *self);
/* src/cli_bundle.c: SOURCE_DATE_EPOCH (decimal seconds; 0 when unset;
 * false when it is not a number); a bundle's entries and unmet needs as JSON (docs/schema/bundle.json); one warning
 * line per unmet need. */
struct sr_bundle;
bool cli_source_date_epoch(int64_t *out);
void *cli_bundle_entries_json(const struct sr_bundle *b);
void *cli_bundle_unmet_json(const struct sr_bundle *b);
void cli_bundle_warnings(const struct sr_bundle *b);

extern const struct cli_option bundle_options[];
int cmd_bundle(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option verify_options[];
int cmd_verify(int argc, char **argv, const struct cli_command *self);
extern const struct cli_option image_options[];
int cmd_image(int argc, char **argv, const struct cli_command *self);
int cmd_go(int argc, char **argv, const struct cli_command *self);
int cmd_help(int argc, char **argv, const struct cli_command *self);

#endif
