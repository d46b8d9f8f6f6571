/* shipready diff OLD NEW : what changed between two releases that matters
 * for deployment.  Files are compared as they are; directories of release
 * artifacts pair their binaries by name with the version stripped and by
 * platform. */
#define _GNU_SOURCE   /* strndup */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "shipready/diff.h"
#include "shipready/shipready.h"

#define MAX_FILES 10000u      /* binaries per directory */
#define MAX_DEPTH 16u

enum { OPT_JSON = 1, OPT_POLICY, OPT_FORMAT };

const struct cli_option diff_options[] = {
	{ "policy", 'p', "FILE",
	  "decide what fails with this diff policy (docs/diff.md; default: no floor may rise, no hardening may be "
	  "lost, no Go module may go down)",
	  OPT_POLICY },
	{ "json", 'j', NULL, "print one JSON document (docs/schema/diff.json)", OPT_JSON },
	{ "format", 'f', "FMT", "text (default), json, sarif or junit (see docs/ci.md)", OPT_FORMAT },
	{ 0 },
};

struct diff_cli {
	const char *policy_file;
	const char *format;
	struct sr_diff_policy policy;
	struct sr_run *run;
	struct sr_ci_log *log;
	bool json, json_first;
	struct sr_text_style style;
	json_t *errors;
	int status;
	size_t failing;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct diff_cli *x = ud;
	switch (id) {
	case OPT_POLICY: x->policy_file = arg; break;
	case OPT_JSON: x->format = "json"; break;
	case OPT_FORMAT: x->format = arg; break;
	default: break;
	}
}

static void diff_error(struct diff_cli *x, const char *path, const char *reason)
{
	cli_file_error(path, reason);
	if (x->errors)
		json_array_append_new(x->errors, sr_report_error_json(path, reason));
	if (x->log)
		sr_ci_log_error(x->log, path, reason);
	x->status = EXIT_ERROR;
}

/* Compare one pair and report it. */
static void diff_pair(struct diff_cli *x, const char *old, struct sr_analysis *ao, const char *new_,
                      struct sr_analysis *an)
{
	struct sr_diff d;
	struct sr_error err = { 0 };
	if (sr_diff_make(ao, an, &d, &err) != SR_OK) {
		diff_error(x, new_, sr_error_message(&err));
		return;
	}
	struct sr_diff_count n;
	sr_diff_counts(&d, &x->policy, &n);
	x->failing += n.failing;
	if (x->log) {
		if (sr_ci_log_diff(x->log, old, new_, &d, &x->policy) != SR_OK)
			diff_error(x, new_, "out of memory");
	} else if (x->json) {
		cli_json_item(stdout, sr_report_diff_json(old, new_, &d, &x->policy), &x->json_first);
	} else {
		sr_report_diff_text(stdout, old, new_, &d, &x->policy, &x->style);
	}
	sr_diff_free(&d);
}

/* ---------- directories of release artifacts */

struct artifact {
	char *path;          /* as reports show it: DIR/REL */
	char *key;           /* the name without its version, and the platform */
	struct sr_analysis *an;
	bool paired;
};

struct artifacts {
	struct artifact *v;
	size_t n, cap;
};

/* Does a version start at s ("1.2", "v1.2.3", "2.0.0-rc1")?  Its length
 * (digits and dots, then a pre-release word and number), or 0: at least
 * two numbers joined by a dot. */
static size_t version_at(const char *s)
{
	size_t i = s[0] == 'v' ? 1 : 0, dots = 0;
	if (s[i] < '0' || s[i] > '9')
		return 0;
	while ((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')) {
		dots += s[i] == '.';
		i++;
	}
	if (dots == 0)
		return 0;
	static const char *const pre[] = { "rc", "beta", "alpha", "pre", "dev" };
	size_t j = i + (s[i] == '-' || s[i] == '.' || s[i] == '+' || s[i] == '~');
	for (size_t k = 0; k < sizeof pre / sizeof pre[0]; k++) {
		size_t l = strlen(pre[k]);
		if (strncmp(s + j, pre[k], l) == 0) {
			j += l;
			j += s[j] == '.';
			while (s[j] >= '0' && s[j] <= '9')
				j++;
			return j;
		}
	}
	return i;
}

/* name without its versions: "app-1.2.3-linux-amd64" → "app-linux-amd64",
 * "tool_v2.0.exe" → "tool.exe". */
static char *strip_version(const char *name)
{
	size_t n = strlen(name);
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		bool sep = name[i] == '-' || name[i] == '_' || name[i] == '.';
		size_t v = sep ? version_at(name + i + 1) : (i == 0 ? version_at(name) : 0);
		if (v) {
			i += v + (sep ? 1 : 0);
			continue;
		}
		out[k++] = name[i++];
	}
	out[k] = '\0';
	return out;
}

static void collect(struct diff_cli *x, const char *dir, const char *rel, unsigned depth, struct artifacts *set)
{
	char path[8192];
	snprintf(path, sizeof path, "%s%s%s", dir, rel[0] ? "/" : "", rel);
	struct dirent **names = NULL;
	int n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		diff_error(x, path, "cannot be read");
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		if (nm[0] == '.') {
			free(names[i]);
			continue;
		}
		char sub[8192], full[8192 + 256];
		snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", nm);
		snprintf(full, sizeof full, "%s/%s", dir, sub);
		struct stat st;
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
			collect(x, dir, sub, depth + 1, set);
		} else if (lstat(full, &st) == 0 && S_ISREG(st.st_mode) && set->n < MAX_FILES) {
			struct sr_analysis *an;
			struct sr_error err = { 0 };
			/* only binaries take part: checksums, READMEs and the like do not */
			if (sr_run_analyse(x->run, NULL, full, &an, &err) == SR_OK) {
				if (set->n == set->cap) {
					size_t cap = set->cap ? set->cap * 2 : 16;
					struct artifact *v = realloc(set->v, cap * sizeof *v);
					if (!v) {
						free(names[i]);
						continue;
					}
					set->v = v;
					set->cap = cap;
				}
				struct sr_matrix_row row;
				sr_matrix_row_fill(&an->in, &row);
				char *stripped = strip_version(nm);
				char *key = NULL;
				if (stripped && asprintf(&key, "%s\037%s", stripped, row.platform) < 0)
					key = NULL;
				free(stripped);
				set->v[set->n++] = (struct artifact){ strdup(full), key, an, false };
			}
		}
		free(names[i]);
	}
	free(names);
}

static void free_artifacts(struct artifacts *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].path);
		free(s->v[i].key);
	}
	free(s->v);
}

static void only_in(struct diff_cli *x, const char *which, const struct artifact *a)
{
	if (x->json || x->log)
		return;
	printf("only in %s: ", which);
	fputs(a->path, stdout);
	putchar('\n');
}

/* Pair the binaries of two directories and compare each pair; the
 * unpaired ones are named (and added to the JSON arrays). */
static void diff_dirs(struct diff_cli *x, const char *old, const char *new_, json_t *unpaired_old,
                      json_t *unpaired_new)
{
	struct artifacts so = { 0 }, sn = { 0 };
	collect(x, old, "", 0, &so);
	collect(x, new_, "", 0, &sn);
	for (size_t j = 0; j < sn.n; j++) {
		for (size_t i = 0; i < so.n; i++)
			if (!so.v[i].paired && so.v[i].key && sn.v[j].key && strcmp(so.v[i].key, sn.v[j].key) == 0) {
				so.v[i].paired = sn.v[j].paired = true;
				diff_pair(x, so.v[i].path, so.v[i].an, sn.v[j].path, sn.v[j].an);
				break;
			}
	}
	for (size_t i = 0; i < so.n; i++)
		if (!so.v[i].paired) {
			only_in(x, old, &so.v[i]);
			json_array_append_new(unpaired_old, json_string(so.v[i].path));
		}
	for (size_t j = 0; j < sn.n; j++)
		if (!sn.v[j].paired) {
			only_in(x, new_, &sn.v[j]);
			json_array_append_new(unpaired_new, json_string(sn.v[j].path));
		}
	free_artifacts(&so);
	free_artifacts(&sn);
}

int cmd_diff(int argc, char **argv, const struct cli_command *self)
{
	struct diff_cli x = { .status = EXIT_OK };
	int first;
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &x);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	if (argc - first != 2) {
		cli_usage_error(self, "diff: give OLD and NEW");
		return EXIT_ERROR;
	}
	const char *fmt = x.format ? x.format : "text";
	if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0 && strcmp(fmt, "sarif") != 0 &&
	    strcmp(fmt, "junit") != 0) {
		cli_usage_error(self, "diff: unknown format '%s' (text, json, sarif, junit)", fmt);
		return EXIT_ERROR;
	}
	const char *old = argv[first], *new_ = argv[first + 1];
	for (int i = 0; i < 2; i++)
		if (sr_image_spec_is(argv[first + i])) {
			cli_file_error(argv[first + i], "not yet: diff reads files and directories; unpack an image (skopeo, "
			                                "umoci) and diff its directories");
			return EXIT_ERROR;
		}
	struct sr_error err = { 0 };
	if (x.policy_file) {
		if (sr_diff_policy_load(x.policy_file, &x.policy, &err) != SR_OK) {
			cli_file_error(x.policy_file, sr_error_message(&err));
			return EXIT_ERROR;
		}
	} else {
		sr_diff_policy_default(&x.policy);
	}
	struct stat so, sn;
	bool dold = stat(old, &so) == 0 && S_ISDIR(so.st_mode), dnew = stat(new_, &sn) == 0 && S_ISDIR(sn.st_mode);
	if (dold != dnew) {
		cli_usage_error(self, "diff: OLD and NEW are both files or both directories");
		sr_diff_policy_free(&x.policy);
		return EXIT_ERROR;
	}
	x.json = strcmp(fmt, "json") == 0;
	x.style = (struct sr_text_style){ .color = strcmp(fmt, "text") == 0 && cli_use_color(stdout) };
	if (strcmp(fmt, "sarif") == 0 || strcmp(fmt, "junit") == 0)
		x.log = sr_ci_log_new("diff");
	x.errors = json_array();
	json_t *uo = json_array(), *un = json_array();
	if (sr_run_new(&x.run, &err) != SR_OK || !x.errors || !uo || !un ||
	    ((strcmp(fmt, "sarif") == 0 || strcmp(fmt, "junit") == 0) && !x.log)) {
		fprintf(stderr, "shipready: out of memory\n");
		x.status = EXIT_ERROR;
		goto out;
	}
	if (x.json) {
		cli_json_begin_doc(stdout, "diff", SR_DIFF_SCHEMA_VERSION);
		cli_json_member(stdout, "policy", sr_report_diff_policy_json(&x.policy));
		fputs(",\"pairs\":[", stdout);
	}
	if (dold) {
		diff_dirs(&x, old, new_, uo, un);
	} else {
		struct sr_analysis *ao = NULL, *an = NULL;
		if (sr_run_analyse(x.run, NULL, old, &ao, &err) != SR_OK) {
			diff_error(&x, old, sr_error_message(&err));
			ao = NULL;
		}
		if (sr_run_analyse(x.run, NULL, new_, &an, &err) != SR_OK) {
			diff_error(&x, new_, sr_error_message(&err));
			an = NULL;
		}
		if (ao && an)
			diff_pair(&x, old, ao, new_, an);
	}
	if (x.json) {
		fputs("\n]", stdout);
		cli_json_member(stdout, "only_in_old", uo);
		cli_json_member(stdout, "only_in_new", un);
		uo = un = NULL;
		cli_json_member(stdout, "errors", x.errors);
		x.errors = NULL;
		fputs("}\n", stdout);
	} else if (x.log) {
		if ((strcmp(fmt, "sarif") == 0 ? sr_report_sarif(stdout, x.log, sr_version_string(), &err)
		                               : sr_report_junit(stdout, x.log, &err)) != SR_OK) {
			fprintf(stderr, "shipready: %s\n", sr_error_message(&err));
			x.status = EXIT_ERROR;
		}
	}
	if (x.status == EXIT_OK && x.failing)
		x.status = EXIT_FINDINGS;
out:
	json_decref(uo);
	json_decref(un);
	json_decref(x.errors);
	sr_ci_log_free(x.log);
	sr_run_free(x.run);
	sr_diff_policy_free(&x.policy);
	return cli_finish(x.status);
}
