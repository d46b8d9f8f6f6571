/* shipready check [--target T[,T...]]... [--arch A] [--policy P] [--json] FILE... :
 * will each binary run on each target, and if not, what will the user see? */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "shipready/policy.h"
#include "shipready/shipready.h"

enum { OPT_TARGET = 1, OPT_ARCH, OPT_JSON, OPT_TARGETS_FILE, OPT_POLICY };

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
	{ "targets", 0, "FILE", "use the target database in FILE instead of the built-in one", OPT_TARGETS_FILE },
	{ 0 },
};

struct check_opts {
	bool json;
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
	case OPT_JSON: o->json = true; break;
	case OPT_TARGETS_FILE: o->db_file = arg; break;
	case OPT_POLICY: o->policy = arg; break;
	default: break;
	}
}

struct target_set {
	struct sr_check_target **v;
	size_t n, cap;
};

static bool target_add(struct target_set *ts, const struct sr_targets *db, const char *spec, const char *arch)
{
	for (size_t i = 0; i < ts->n; i++)
		if (strcmp(ts->v[i]->name, spec) == 0)
			return true;
	char buf[512];
	/* --arch pins database targets given without one */
	if (arch && strncmp(spec, "dir:", 4) != 0 && !strchr(spec, '/')) {
		snprintf(buf, sizeof buf, "%s/%s", spec, arch);
		spec = buf;
	}
	struct sr_error err = { 0 };
	struct sr_check_target *t;
	if (sr_check_target_open(db, spec, &t, &err) != SR_OK) {
		cli_file_error(spec, sr_error_message(&err));
		return false;
	}
	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? ts->cap * 2 : 8;
		struct sr_check_target **v = realloc(ts->v, cap * sizeof *v);
		if (!v) {
			sr_check_target_free(t);
			fprintf(stderr, "shipready: out of memory\n");
			return false;
		}
		ts->v = v;
		ts->cap = cap;
	}
	ts->v[ts->n++] = t;
	return true;
}

/* Every comma-separated element of spec. */
static bool targets_add_list(struct target_set *ts, const struct sr_targets *db, const char *list, const char *arch)
{
	bool ok = true;
	const char *s = list;
	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n > 0) {
			char *one = strndup(s, n);
			if (!one || !target_add(ts, db, one, arch))
				ok = false;
			free(one);
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return ok;
}

struct row {
	char *path;
	char *details;       /* text mode: the explained findings */
	size_t details_len;
	char *violations;    /* text mode: the policy's violations */
	size_t violations_len;
	size_t nviolations;
};

static void violations_text(FILE *f, const char *path, const struct sr_violations *v, bool color)
{
	for (size_t i = 0; i < v->n; i++) {
		fputs(color ? "\033[31m✗\033[0m " : "FAIL ", f);
		fprintf(f, "%s: %s: %s", path, v->v[i].rule, v->v[i].message);
		if (v->v[i].evidence)
			fprintf(f, "   %s", v->v[i].evidence);
		fputc('\n', f);
	}
}

static json_t *violations_json(const struct sr_policy *p, const struct sr_violations *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->n; i++) {
		json_t *o = json_pack("{s:s,s:s}", "rule", v->v[i].rule, "message", v->v[i].message);
		if (v->v[i].evidence)
			json_object_set_new(o, "evidence", json_string(v->v[i].evidence));
		json_array_append_new(a, o);
	}
	return json_pack("{s:s,s:o}", "name", sr_policy_name(p), "violations", a);
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
	if (o.arch && !sr_check_arch_name(o.arch)) {
		cli_usage_error(self, "check: unknown architecture '%s' (x86_64, aarch64, i386, arm, ...)", o.arch);
		free(o.specs);
		return EXIT_ERROR;
	}
	struct sr_targets db;
	if (!cli_load_targets(o.db_file, &db)) {
		free(o.specs);
		return EXIT_ERROR;
	}

	int status = EXIT_OK;
	struct target_set ts = { 0 };
	struct sr_policy *policy = NULL;
	bool requested = o.nspecs > 0;
	for (size_t i = 0; i < o.nspecs; i++)
		if (!targets_add_list(&ts, &db, o.specs[i], o.arch))
			status = EXIT_ERROR;
	if (o.policy) {
		struct sr_error perr = { 0 };
		if (sr_policy_load(o.policy, &policy, &perr) != SR_OK) {
			cli_file_error(o.policy, sr_error_message(&perr));
			status = EXIT_ERROR;
			goto out;
		}
		/* the policy's targets are requested too; without --target they are the only ones */
		const char *const *pt;
		size_t npt = sr_policy_targets(policy, &pt);
		for (size_t i = 0; i < npt; i++)
			if (!target_add(&ts, &db, pt[i], o.arch))
				status = EXIT_ERROR;
		requested = true;
	}
	if (!requested)
		for (size_t i = 0; sr_check_default_targets[i]; i++)
			if (!target_add(&ts, &db, sr_check_default_targets[i], o.arch))
				status = EXIT_ERROR;
	if (status != EXIT_OK || (ts.n == 0 && !policy))
		goto out;

	struct sr_text_style style = { .color = !o.json && cli_use_color(stdout) };
	size_t nfiles = (size_t)(argc - first);
	enum sr_verdict *verdicts = calloc(nfiles * ts.n + 1, sizeof *verdicts);
	struct row *rows = calloc(nfiles + 1, sizeof *rows);
	struct sr_check_result **res = calloc(ts.n + 1, sizeof *res);
	json_t *errors = json_array();
	struct sr_run *run = NULL;
	struct sr_error rerr = { 0 };
	if (!verdicts || !rows || !res || !errors || sr_run_new(&run, &rerr) != SR_OK) {
		fprintf(stderr, "shipready: out of memory\n");
		status = EXIT_ERROR;
		free(verdicts);
		free(rows);
		free(res);
		json_decref(errors);
		goto out;
	}
	size_t nrows = 0;
	bool any_fail = false, printed = false;
	size_t total_violations = 0;

	if (o.json) {
		cli_json_begin_doc(stdout, "check", SR_CHECK_SCHEMA_VERSION);
		json_t *tj = json_array();
		for (size_t j = 0; j < ts.n; j++)
			json_array_append_new(tj, sr_report_check_target_json(ts.v[j]));
		cli_json_member(stdout, "targets", tj);
		if (policy) {
			const char *const *pt;
			size_t npt = sr_policy_targets(policy, &pt);
			json_t *pta = json_array();
			for (size_t k = 0; k < npt; k++)
				json_array_append_new(pta, json_string(pt[k]));
			cli_json_member(stdout, "policy", json_pack("{s:s,s:o}", "name", sr_policy_name(policy), "targets", pta));
		}
		fputs(",\"binaries\":[", stdout);
	}

	for (int i = first; i < argc; i++) {
		struct sr_analysis *an;
		struct sr_error err = { 0 };
		if (sr_run_analyse(run, NULL, argv[i], &an, &err) != SR_OK) {
			cli_file_error(argv[i], sr_error_message(&err));
			json_array_append_new(errors, sr_report_error_json(argv[i], sr_error_message(&err)));
			status = EXIT_ERROR;
			continue;
		}
		const struct sr_inspect *in = &an->in;
		bool ok = true;
		size_t nres = 0;
		for (size_t j = 0; ok && j < ts.n; j++, nres++)
			ok = sr_check_run(an, ts.v[j], &res[j], &err) == SR_OK;
		if (!ok) {
			cli_file_error(argv[i], sr_error_message(&err));
			status = EXIT_ERROR;
		} else {
			for (size_t j = 0; j < ts.n; j++) {
				verdicts[nrows * ts.n + j] = res[j]->verdict;
				any_fail |= res[j]->verdict == SR_VERDICT_FAILS;
			}
			rows[nrows].path = strdup(argv[i]);
			struct sr_violations viol = { 0 };
			bool have_viol = false;
			if (policy) {
				if (sr_policy_eval(policy, in, (const struct sr_check_result *const *)res, ts.n, &viol, &err) !=
				    SR_OK) {
					cli_file_error(argv[i], sr_error_message(&err));
					status = EXIT_ERROR;
				} else {
					have_viol = true;
					total_violations += viol.n;
				}
			}
			if (o.json) {
				json_t *bj = sr_report_check_binary_json(in, &an->runtimes, &an->needs, res, ts.n);
				if (have_viol)
					json_object_set_new(bj, "policy", violations_json(policy, &viol));
				cli_json_item(stdout, bj, &printed);
			} else {
				if (have_viol && viol.n) {
					FILE *vm = open_memstream(&rows[nrows].violations, &rows[nrows].violations_len);
					if (vm) {
						violations_text(vm, argv[i], &viol, style.color);
						fclose(vm);
					}
				}
				rows[nrows].nviolations = have_viol ? viol.n : 0;
				FILE *m = open_memstream(&rows[nrows].details, &rows[nrows].details_len);
				if (m) {
					if (ts.n)
						sr_report_check_details_text(m, in, &an->runtimes, &an->needs, res, ts.n, &style);
					fclose(m);
				}
			}
			if (have_viol)
				sr_violations_free(&viol);
			nrows++;
		}
		for (size_t j = 0; j < nres && j < ts.n; j++)
			sr_check_result_free(res[j]);
		sr_run_done(run, an);
	}

	if (o.json) {
		fputs("\n]", stdout);
		cli_json_member(stdout, "errors", errors);
		errors = NULL;
		fputs("}\n", stdout);
	} else if (nrows) {
		const char **names = calloc(ts.n, sizeof *names);
		const char **files = calloc(nrows, sizeof *files);
		if (names && files) {
			for (size_t j = 0; j < ts.n; j++)
				names[j] = ts.v[j]->name;
			for (size_t i = 0; i < nrows; i++)
				files[i] = rows[i].path ? rows[i].path : "?";
			if (ts.n)
				sr_report_check_matrix_text(stdout, names, ts.n, files, verdicts, nrows, &style);
			for (size_t i = 0; ts.n && i < nrows; i++)
				if (rows[i].details)
					fwrite(rows[i].details, 1, rows[i].details_len, stdout);
			if (policy) {
				if (ts.n)
					fputc('\n', stdout);
				printf("policy %s\n", sr_policy_name(policy));
				for (size_t i = 0; i < nrows; i++)
					if (rows[i].violations)
						fwrite(rows[i].violations, 1, rows[i].violations_len, stdout);
				printf("%zu violation%s\n", total_violations, total_violations == 1 ? "" : "s");
			}
		}
		free(names);
		free(files);
	}
	json_decref(errors);
	for (size_t i = 0; i < nrows; i++) {
		free(rows[i].path);
		free(rows[i].details);
		free(rows[i].violations);
	}
	free(rows);
	free(verdicts);
	free(res);
	sr_run_free(run);
	if (status == EXIT_OK && ((any_fail && requested) || total_violations))
		status = EXIT_FINDINGS;
out:
	sr_policy_free(policy);
	for (size_t j = 0; j < ts.n; j++)
		sr_check_target_free(ts.v[j]);
	free(ts.v);
	sr_targets_free(&db);
	free(o.specs);
	return cli_finish(status);
}
