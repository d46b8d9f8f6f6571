/* shipready diff OLD NEW : what changed between two releases that matters
 * for deployment.  Files are compared as they are; directories of release
 * artifacts pair their binaries by name with the version stripped and by
 * platform. */
#define _GNU_SOURCE   /* asprintf */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>

#include "cli.h"
#include "shipready/diff.h"
#include "shipready/shipready.h"

#define MAX_FILES 10000u      /* binaries per directory */
#define MAX_DEPTH 16u
#define MAX_GROUP 256u        /* files of one name without versions, both sides */

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

/* Compare one pair and report it: old and new_ are how reports name the
 * files, logged where CI reports locate the new one. */
static void diff_pair(struct diff_cli *x, const char *old, struct sr_analysis *ao, const char *new_,
                      const char *logged, struct sr_analysis *an)
{
	struct sr_diff d;
	struct sr_error err = { 0 };
	if (sr_diff_make(ao, an, &d, &err) != SR_OK) {
		diff_error(x, new_, sr_error_message(&err));
		return;
	}
	if (d.truncated)
		diff_error(x, new_, "more than 20000 changes: the rest are not listed");
	struct sr_diff_count n;
	sr_diff_counts(&d, &x->policy, &n);
	x->failing += n.failing;
	if (x->log) {
		if (sr_ci_log_diff(x->log, old, new_, logged, &d, &x->policy) != SR_OK)
			diff_error(x, new_, "out of memory");
	} else if (x->json) {
		cli_json_item(stdout, sr_report_diff_json(old, new_, &d, &x->policy), &x->json_first);
	} else {
		sr_report_diff_text(stdout, old, new_, &d, &x->policy, &x->style);
	}
	sr_diff_free(&d);
}

/* ---------- directories of release artifacts */

/* A regular file under one of the two directories. */
struct entry {
	const struct sr_root *root;   /* an image's root, where path is; NULL: a directory here */
	char *path;          /* DIR/REL, or /REL inside root: what is opened, and where CI reports locate it */
	char *shown;         /* what reports show: DIR/REL, or IMAGE (PLATFORM):/REL */
	char *key;           /* REL with the versions taken out of each name */
	bool old;            /* under OLD */
};

struct entries {
	struct entry *v;
	size_t n, cap;
	size_t nold, nnew;   /* files of each side */
	bool full_old, full_new;
};

static void add_entry(struct diff_cli *x, struct entries *set, const struct sr_root *root, const char *full,
                      const char *shown, const char *sub, bool old);

/* Every regular file below dir (not hidden ones, no symlink followed),
 * in name order. */
static void collect(struct diff_cli *x, const char *dir, const char *shown, const char *rel,
                    unsigned depth, bool old, struct entries *set)
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
		char sub[8192], full[8192 + 256];
		struct stat st;
		if (nm[0] != '.' && (size_t)snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", nm) < sizeof sub &&
		    (size_t)snprintf(full, sizeof full, "%s/%s", dir, sub) < sizeof full && lstat(full, &st) == 0) {
			if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
				collect(x, dir, shown, sub, depth + 1, old, set);
			} else if (S_ISREG(st.st_mode)) {
				add_entry(x, set, NULL, full, shown, sub, old);
			}
		}
		free(names[i]);
	}
	free(names);
}

/* A file in set (full is what is opened, here or inside root, and where CI
 * reports locate it); an error when out of memory. */
static void add_entry(struct diff_cli *x, struct entries *set, const struct sr_root *root, const char *full,
                      const char *shown, const char *sub, bool old)
{
	size_t *count = old ? &set->nold : &set->nnew;
	bool *over = old ? &set->full_old : &set->full_new;
	if (*count >= MAX_FILES) {
		if (!*over)
			diff_error(x, shown, "more than 10000 files: the rest are not compared");
		*over = true;
		return;
	}
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		struct entry *v = realloc(set->v, cap * sizeof *v);
		if (v) {
			set->v = v;
			set->cap = cap;
		}
	}
	char *sh = NULL, *fp = strdup(full), *key = sr_diff_name_key(sub);
	if (asprintf(&sh, "%s/%s", shown, sub) < 0)
		sh = NULL;
	if (set->n < set->cap && sh && fp && key) {
		set->v[set->n++] = (struct entry){ root, fp, sh, key, old };
		(*count)++;
	} else {
		free(sh);
		free(fp);
		free(key);
		diff_error(x, full, "out of memory");
	}
}

/* Every regular file inside an image's root (not hidden ones, no symlink
 * followed), in name order. */
static void collect_root(struct diff_cli *x, const struct sr_root *root, const char *shown, const char *rel,
                         unsigned depth, bool old, struct entries *set)
{
	char path[8192];
	snprintf(path, sizeof path, "/%s", rel);
	struct sr_error err = { 0 };
	struct sr_root_list *l = sr_root_list_open(root, path, SIZE_MAX, &err);
	if (!l) {
		diff_error(x, shown, sr_error_message(&err));
		return;
	}
	const char *nm;
	while ((nm = sr_root_list_next(l)) != NULL) {
		char sub[8192], full[8192 + 256];
		struct stat st;
		char real[SR_ROOT_MAX_PATH + 1];
		if (nm[0] == '.' || (size_t)snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", nm) >= sizeof sub ||
		    (size_t)snprintf(full, sizeof full, "/%s", sub) >= sizeof full ||
		    sr_root_stat(root, full, real, &st, &err) != SR_OK || strcmp(real, full) != 0)
			continue;   /* a symlink (its target is not this name) is not followed */
		if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH)
			collect_root(x, root, shown, sub, depth + 1, old, set);
		else if (S_ISREG(st.st_mode))
			add_entry(x, set, root, full, shown, sub, old);
	}
	sr_root_list_close(l);
}

/* A binary only one side has: a line, and an entry of the JSON array. */
static void only_in(struct diff_cli *x, bool old, const char *shown, json_t *list)
{
	if (!x->json && !x->log)
		sr_report_diff_only_in_text(stdout, old, shown);
	json_array_append_new(list, sr_report_string_json(shown));
}

static int by_key(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->key ? x->key : "", y->key ? y->key : "");
	if (c)
		return c;
	if (x->old != y->old)
		return x->old ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* The files of one name (without versions) on both sides: analysed (the
 * ones that are not binaries drop out), paired by platform when the name
 * alone does not pair them, compared, and let go, so that memory holds one
 * group at a time. */
static void diff_group(struct diff_cli *x, struct entry *g, size_t n, json_t *unpaired_old, json_t *unpaired_new)
{
	struct sr_analysis *an[MAX_GROUP];
	char platform[MAX_GROUP][48];
	bool paired[MAX_GROUP];
	for (size_t i = 0; i < n; i++) {
		struct sr_error err = { 0 };
		paired[i] = false;
		an[i] = NULL;
		if (!(g[i].root ? sr_scan_root_is_binary(g[i].root, g[i].path) : sr_scan_path_is_binary(g[i].path)))
			continue;
		if (sr_run_analyse(x->run, g[i].root, g[i].path, &an[i], &err) != SR_OK) {
			/* it looks like a binary and is not one that can be read */
			diff_error(x, g[i].shown, sr_error_message(&err));
			an[i] = NULL;
			continue;
		}
		struct sr_matrix_row row;
		sr_matrix_row_fill(&an[i]->in, &row);
		snprintf(platform[i], sizeof platform[i], "%s", row.platform);
	}
	size_t nold = 0, nnew = 0;
	for (size_t i = 0; i < n; i++)
		if (an[i])
			g[i].old ? nold++ : nnew++;
	for (size_t j = 0; j < n; j++) {
		if (!an[j] || g[j].old)
			continue;
		for (size_t i = 0; i < n; i++)
			if (an[i] && g[i].old && !paired[i] &&
			    ((nold == 1 && nnew == 1) || strcmp(platform[i], platform[j]) == 0)) {
				paired[i] = paired[j] = true;
				diff_pair(x, g[i].shown, an[i], g[j].shown, g[j].path, an[j]);
				break;
			}
	}
	for (size_t i = 0; i < n; i++) {
		if (!an[i])
			continue;
		if (!paired[i]) {
			only_in(x, g[i].old, g[i].shown, g[i].old ? unpaired_old : unpaired_new);
		}
		sr_run_done(x->run, an[i]);
	}
}

/* Pair the binaries of two directories and compare each pair; the
 * unpaired ones are named (and added to the JSON arrays). */
static void diff_dirs(struct diff_cli *x, const char *old, const struct sr_root *rold, const char *old_shown,
                      const char *new_, const struct sr_root *rnew, const char *new_shown,
                      json_t *unpaired_old, json_t *unpaired_new)
{
	struct entries set = { 0 };
	if (rold)
		collect_root(x, rold, old_shown, "", 0, true, &set);
	else
		collect(x, old, old_shown, "", 0, true, &set);
	if (rnew)
		collect_root(x, rnew, new_shown, "", 0, false, &set);
	else
		collect(x, new_, new_shown, "", 0, false, &set);
	qsort(set.v, set.n, sizeof *set.v, by_key);
	for (size_t i = 0; i < set.n;) {
		const char *key = set.v[i].key ? set.v[i].key : "";
		size_t k = i + 1;
		while (k < set.n && strcmp(key, set.v[k].key ? set.v[k].key : "") == 0)
			k++;
		if (k - i <= MAX_GROUP)
			diff_group(x, &set.v[i], k - i, unpaired_old, unpaired_new);
		else
			diff_error(x, set.v[i].shown, "more than 256 files share this name without versions: not compared");
		i = k;
	}
	for (size_t i = 0; i < set.n; i++) {
		free(set.v[i].path);
		free(set.v[i].shown);
		free(set.v[i].key);
	}
	free(set.v);
}

/* Two images: each platform of NEW against the same platform of OLD (the
 * only one of each when both have one), read and compared as roots, their files shown as IMAGE (PLATFORM):/PATH. */
static void diff_images(struct diff_cli *x, const char *old, const char *new_, json_t *uo, json_t *un)
{
	struct sr_image *io = NULL, *in = NULL;
	struct sr_error err = { 0 };
	if (sr_image_open(old, &io, &err) != SR_OK) {
		diff_error(x, old, sr_error_message(&err));
		return;
	}
	if (sr_image_open(new_, &in, &err) != SR_OK) {
		diff_error(x, new_, sr_error_message(&err));
		sr_image_free(io);
		return;
	}
	size_t no = sr_image_platform_count(io), nn = sr_image_platform_count(in);
	for (size_t j = 0; j < nn; j++) {
		const struct sr_image_platform *pn = sr_image_platform_at(in, j);
		size_t i = SIZE_MAX;
		for (size_t k = 0; k < no; k++)
			if (strcmp(sr_image_platform_at(io, k)->name, pn->name) == 0)
				i = k;
		if (i == SIZE_MAX && no == 1 && nn == 1)
			i = 0;
		char shown_new[1024], shown_old[1024];
		snprintf(shown_new, sizeof shown_new, "%s (%s):", new_, pn->name);
		if (i == SIZE_MAX) {
			only_in(x, false, shown_new, un);
			continue;
		}
		snprintf(shown_old, sizeof shown_old, "%s (%s):", old, sr_image_platform_at(io, i)->name);
		const struct sr_root *dold, *dnew;
		if (sr_image_root(io, i, &dold, NULL, &err) != SR_OK) {
			diff_error(x, shown_old, sr_error_message(&err));
			continue;
		}
		if (sr_image_root(in, j, &dnew, NULL, &err) != SR_OK) {
			diff_error(x, shown_new, sr_error_message(&err));
			continue;
		}
		/* CI reports locate the files inside the new image */
		snprintf(shown_new, sizeof shown_new, "%s (%s)", new_, pn->name);
		if (x->log && sr_ci_log_root(x->log, shown_new, NULL) != SR_OK)
			diff_error(x, new_, "out of memory");
		snprintf(shown_new, sizeof shown_new, "%s (%s):", new_, pn->name);
		diff_dirs(x, NULL, dold, shown_old, NULL, dnew, shown_new, uo, un);
		if (x->log)
			sr_ci_log_root(x->log, NULL, NULL);
	}
	for (size_t i = 0; i < no; i++) {
		const struct sr_image_platform *po = sr_image_platform_at(io, i);
		bool matched = no == 1 && nn == 1;
		for (size_t j = 0; j < nn && !matched; j++)
			matched = strcmp(sr_image_platform_at(in, j)->name, po->name) == 0;
		if (!matched) {
			char shown_old[1024];
			snprintf(shown_old, sizeof shown_old, "%s (%s):", old, po->name);
			only_in(x, true, shown_old, uo);
		}
	}
	sr_image_free(io);
	sr_image_free(in);
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
	enum cli_format fmt = CLI_FORMAT_TEXT;
	if (x.format && (!cli_format_parse(x.format, &fmt) || fmt == CLI_FORMAT_JSONL)) {
		cli_usage_error(self, "diff: unknown format '%s' (text, json, sarif, junit)", x.format);
		return EXIT_ERROR;
	}
	const char *old = argv[first], *new_ = argv[first + 1];
	bool iold = sr_image_spec_is(old), inew = sr_image_spec_is(new_);
	if (iold != inew) {
		cli_usage_error(self, "diff: OLD and NEW are both images, or neither");
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
	if (!iold && dold != dnew) {
		cli_usage_error(self, "diff: OLD and NEW are both files or both directories");
		sr_diff_policy_free(&x.policy);
		return EXIT_ERROR;
	}
	x.json = fmt == CLI_FORMAT_JSON;
	x.style = (struct sr_text_style){ .color = fmt == CLI_FORMAT_TEXT && cli_use_color(stdout) };
	if (cli_format_is_ci(fmt))
		x.log = sr_ci_log_new("diff");
	x.errors = json_array();
	json_t *uo = json_array(), *un = json_array();
	if (sr_run_new(&x.run, &err) != SR_OK || !x.errors || !uo || !un ||
	    (cli_format_is_ci(fmt) && !x.log)) {
		fprintf(stderr, "shipready: out of memory\n");
		x.status = EXIT_ERROR;
		goto out;
	}
	if (x.json) {
		cli_json_begin_doc(stdout, "diff", SR_DIFF_SCHEMA_VERSION);
		cli_json_member(stdout, "policy", sr_report_diff_policy_json(&x.policy));
		fputs(",\"pairs\":[", stdout);
	}
	if (iold) {
		diff_images(&x, old, new_, uo, un);
	} else if (dold) {
		diff_dirs(&x, old, NULL, old, new_, NULL, new_, uo, un);
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
			diff_pair(&x, old, ao, new_, new_, an);
	}
	if (x.json) {
		fputs("\n]", stdout);
		cli_json_member(stdout, "only_in_old", uo);
		cli_json_member(stdout, "only_in_new", un);
		uo = un = NULL;
		cli_json_member(stdout, "errors", x.errors);
		x.errors = NULL;
		fputs("}\n", stdout);
	} else if (x.log && !cli_write_ci_report(x.log, fmt)) {
		x.status = EXIT_ERROR;
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
