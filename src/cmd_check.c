/* shipready check [--target T[,T...]]... [--arch A] [--policy P] [--json] FILE... :
 * will each binary run on each target, and if not, what will the user see? */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "shipready/policy.h"
#include "shipready/shipready.h"

enum { OPT_TARGET = 1, OPT_ARCH, OPT_JSON, OPT_TARGETS_FILE, OPT_POLICY, OPT_FORMAT };

const struct cli_option check_options[] = {
	{ "target", 't', "T[,T...]",
	  "judge against these targets: database names (see 'shipready targets'), NAME/ARCH, or dir:PATH "
	  "(a real root: sysroot, debootstrap tree, unpacked image); repeatable",
	  OPT_TARGET },
	{ "arch", 'a', "ARCH", "the machine of database targets (x86_64, aarch64, …; default: the binary's own)",
	  OPT_ARCH },
	{ "policy", 'p', "FILE|NAME",
	  "gate on a policy (docs/policy.md): a JSON file or a built-in (portable-glibc-2.17, static-only, "
	  "distroless-static); its targets_must_pass are judged too; any violation is exit 1",
	  OPT_POLICY },
	{ "json", 'j', NULL, "print one JSON document (docs/schema/check.json)", OPT_JSON },
	{ "format", 'f', "FMT",
	  "text (default), json (as --json), sarif (SARIF 2.1.0 for code scanning) or junit (JUnit XML: a test case "
	  "per binary and target or policy rule); see docs/ci.md",
	  OPT_FORMAT },
	{ "targets", 0, "FILE", "use the target database in FILE instead of the built-in one", OPT_TARGETS_FILE },
	{ 0 },
};

struct check_opts {
	bool json;
	enum cli_format format;
	const char *format_arg;      /* --format as given, when it names none of them */
	const char *arch;
	const char *db_file;
	const char *policy;
	char **specs;        /* --target arguments, unsplit */
	size_t nspecs;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct check_opts *o = ud;
	switch (id) {
	case OPT_TARGET: o->specs[o->nspecs++] = (char *)arg; break;
	case OPT_ARCH: o->arch = arg; break;
	case OPT_JSON: o->format = CLI_FORMAT_JSON; break;
	case OPT_FORMAT:
		o->format_arg = cli_format_parse(arg, &o->format) && o->format != CLI_FORMAT_JSONL ? NULL : arg;
		break;
	case OPT_TARGETS_FILE: o->db_file = arg; break;
	case OPT_POLICY: o->policy = arg; break;
	default: break;
	}
}

struct row {
	char *path;
	char *details;       /* text mode: the explained findings */
	size_t details_len;
	char *violations;    /* text mode: the policy's violations */
	size_t violations_len;
	size_t nviolations;
};

/* One run of check over the files: the targets, the shared analysis run,
 * and what the report gathers file by file. */
struct batch {
	const struct cli_target_set *ts;
	const struct sr_policy *policy;
	bool json;
	struct sr_ci_log *log;          /* --format sarif|junit: what is found goes here */
	struct sr_text_style style;
	struct sr_run *run;
	struct sr_check_result **res;   /* one per target, for the file at hand */
	enum sr_verdict *verdicts;      /* rows × targets */
	struct row *rows;
	size_t nrows;
	json_t *errors;
	bool printed, any_fail;
	size_t total_violations;
	int status;
};

/* The document's head in JSON mode: the targets and the policy. */
static void put_json_head(const struct batch *b)
{
	cli_json_begin_doc(stdout, "check", SR_CHECK_SCHEMA_VERSION);
	json_t *tj = json_array();
	for (size_t j = 0; j < b->ts->n; j++)
		json_array_append_new(tj, sr_report_check_target_json(b->ts->v[j]));
	cli_json_member(stdout, "targets", tj);
	if (b->policy) {
		const char *const *pt;
		size_t npt = sr_policy_targets(b->policy, &pt);
		json_t *pta = json_array();
		for (size_t k = 0; k < npt; k++)
			json_array_append_new(pta, json_string(pt[k]));
		cli_json_member(stdout, "policy", json_pack("{s:s,s:o}", "name", sr_policy_name(b->policy), "targets", pta));
	}
	fputs(",\"binaries\":[", stdout);
}

/* One file: its analysis judged on every target, the policy evaluated, and
 * its part of the report (a JSON item now, or the text kept for the end). */
static void check_file(struct batch *b, const char *path)
{
	const struct cli_target_set *ts = b->ts;
	struct sr_analysis *an;
	struct sr_error err = { 0 };
	if (sr_run_analyse(b->run, NULL, path, &an, &err) != SR_OK) {
		cli_file_error(path, sr_error_message(&err));
		json_array_append_new(b->errors, sr_report_error_json(path, sr_error_message(&err)));
		if (b->log)
			sr_ci_log_error(b->log, path, sr_error_message(&err));
		b->status = EXIT_ERROR;
		return;
	}
	bool ok = true;
	size_t nres = 0;
	for (size_t j = 0; ok && j < ts->n; j++, nres++)
		ok = sr_check_run(an, ts->v[j], &b->res[j], &err) == SR_OK;
	if (!ok) {
		cli_file_error(path, sr_error_message(&err));
		if (b->log)
			sr_ci_log_error(b->log, path, sr_error_message(&err));
		b->status = EXIT_ERROR;
		goto done;
	}
	struct row *row = &b->rows[b->nrows];
	for (size_t j = 0; j < ts->n; j++) {
		b->verdicts[b->nrows * ts->n + j] = b->res[j]->verdict;
		b->any_fail |= b->res[j]->verdict == SR_VERDICT_FAILS;
	}
	row->path = strdup(path);
	struct sr_violations viol = { 0 };
	bool have_viol = false;
	const struct sr_needs *needs = NULL;
	if (b->policy) {
		if (sr_policy_eval(b->policy, &an->in, (const struct sr_check_result *const *)b->res, ts->n, &viol, &err) !=
		    SR_OK) {
			cli_file_error(path, sr_error_message(&err));
			if (b->log)
				sr_ci_log_error(b->log, path, sr_error_message(&err));
			b->status = EXIT_ERROR;
		} else {
			have_viol = true;
			b->total_violations += viol.n;
		}
	}
	if (b->log) {
		if (sr_ci_log_check(b->log, path, (const struct sr_check_result *const *)b->res, ts->n) != SR_OK ||
		    (have_viol && sr_ci_log_policy(b->log, path, b->policy, &viol) != SR_OK)) {
			cli_file_error(path, "out of memory");
			b->status = EXIT_ERROR;
		}
	} else if (sr_analysis_needs(an, &needs, &err) != SR_OK) {
		cli_file_error(path, sr_error_message(&err));
		b->status = EXIT_ERROR;
	} else if (b->json) {
		json_t *bj = sr_report_check_binary_json(&an->in, &an->runtimes, needs, b->res, ts->n);
		if (have_viol)
			json_object_set_new(bj, "policy", sr_report_policy_json(b->policy, &viol));
		cli_json_item(stdout, bj, &b->printed);
	} else {
		if (have_viol && viol.n) {
			FILE *vm = open_memstream(&row->violations, &row->violations_len);
			if (vm) {
				sr_report_policy_text(vm, path, &viol, &b->style);
				fclose(vm);
			}
		}
		row->nviolations = have_viol ? viol.n : 0;
		FILE *m = open_memstream(&row->details, &row->details_len);
		if (m) {
			if (ts->n)
				sr_report_check_details_text(m, &an->in, &an->runtimes, needs, b->res, ts->n, &b->style);
			fclose(m);
		}
	}
	if (have_viol)
		sr_violations_free(&viol);
	b->nrows++;
done:
	for (size_t j = 0; j < nres && j < ts->n; j++)
		sr_check_result_free(b->res[j]);
	sr_run_done(b->run, an);
}

/* Text mode, after the last file: the matrix, each file's findings, then
 * the policy's violations. */
static void put_text_report(const struct batch *b)
{
	const struct cli_target_set *ts = b->ts;
	const char **names = calloc(ts->n + 1, sizeof *names);
	const char **files = calloc(b->nrows + 1, sizeof *files);
	if (names && files) {
		for (size_t j = 0; j < ts->n; j++)
			names[j] = ts->v[j]->name;
		for (size_t i = 0; i < b->nrows; i++)
			files[i] = b->rows[i].path ? b->rows[i].path : "?";
		if (ts->n)
			sr_report_check_matrix_text(stdout, names, ts->n, files, b->verdicts, b->nrows, &b->style);
		for (size_t i = 0; ts->n && i < b->nrows; i++)
			if (b->rows[i].details)
				fwrite(b->rows[i].details, 1, b->rows[i].details_len, stdout);
		if (b->policy) {
			if (ts->n)
				fputc('\n', stdout);
			sr_report_policy_header_text(stdout, b->policy);
			for (size_t i = 0; i < b->nrows; i++)
				if (b->rows[i].violations)
					fwrite(b->rows[i].violations, 1, b->rows[i].violations_len, stdout);
			sr_report_policy_total_text(stdout, b->total_violations);
		}
	}
	free(names);
	free(files);
}

int cmd_check(int argc, char **argv, const struct cli_command *self)
{
	struct check_opts o = { 0 };
	o.specs = calloc((size_t)argc + 1, sizeof *o.specs);
	if (!o.specs) {
		fprintf(stderr, "shipready: out of memory\n");
		return EXIT_ERROR;
	}
	int first;
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &o);
	if (rc) {
		free(o.specs);
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	}
	if (o.format_arg) {
		cli_usage_error(self, "check: unknown format '%s' (text, json, sarif, junit)", o.format_arg);
		free(o.specs);
		return EXIT_ERROR;
	}
	o.json = o.format == CLI_FORMAT_JSON;
	struct cli_judging jd;
	struct batch b = { .ts = &jd.ts, .json = o.json, .status = EXIT_OK };
	if (!cli_judging_open(&jd, self, o.specs, o.nspecs, o.arch, o.db_file, o.policy))
		b.status = EXIT_ERROR;
	const struct sr_policy *policy = jd.policy;
	if (b.status != EXIT_OK || (jd.ts.n == 0 && !policy))
		goto out;

	size_t nfiles = (size_t)(argc - first);
	b.policy = policy;
	b.style = (struct sr_text_style){ .color = o.format == CLI_FORMAT_TEXT && cli_use_color(stdout) };
	if (cli_format_is_ci(o.format))
		b.log = sr_ci_log_new("check");
	b.verdicts = calloc(nfiles * jd.ts.n + 1, sizeof *b.verdicts);
	b.rows = calloc(nfiles + 1, sizeof *b.rows);
	b.res = calloc(jd.ts.n + 1, sizeof *b.res);
	b.errors = json_array();
	struct sr_error rerr = { 0 };
	if (!b.verdicts || !b.rows || !b.res || !b.errors || (cli_format_is_ci(o.format) && !b.log) ||
	    sr_run_new(&b.run, &rerr) != SR_OK) {
		fprintf(stderr, "shipready: out of memory\n");
		b.status = EXIT_ERROR;
	} else {
		if (o.json)
			put_json_head(&b);
		for (int i = first; i < argc; i++)
			check_file(&b, argv[i]);
		if (o.json) {
			fputs("\n]", stdout);
			cli_json_member(stdout, "errors", b.errors);
			b.errors = NULL;
			fputs("}\n", stdout);
		} else if (b.log) {
			if (!cli_write_ci_report(b.log, o.format))
				b.status = EXIT_ERROR;
		} else if (b.nrows) {
			put_text_report(&b);
		}
	}
	sr_ci_log_free(b.log);
	json_decref(b.errors);
	for (size_t i = 0; b.rows && i < b.nrows; i++) {
		free(b.rows[i].path);
		free(b.rows[i].details);
		free(b.rows[i].violations);
	}
	free(b.rows);
	free(b.verdicts);
	free(b.res);
	sr_run_free(b.run);
	if (b.status == EXIT_OK && ((b.any_fail && jd.requested) || b.total_violations))
		b.status = EXIT_FINDINGS;
out:
	cli_judging_free(&jd);
	free(o.specs);
	return cli_finish(b.status);
}
