/* shipready report [--target T[,T...]]... [--policy P] -o report.html FILE|DIR|dir:ROOT|IMAGE... :
 * one self-contained HTML page for a release review. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "shipready/htmlreport.h"
#include "shipready/policy.h"
#include "shipready/shipready.h"

enum { OPT_TARGET = 1, OPT_ARCH, OPT_TARGETS_FILE, OPT_POLICY, OPT_OUTPUT };

const struct cli_option report_options[] = {
	{ "output", 'o', "FILE", "write the page to FILE (required; replaced whole, never half written)", OPT_OUTPUT },
	{ "target", 't', "T[,T...]",
	  "the matrix's targets: database names (see 'shipready targets'), NAME/ARCH, or dir:PATH; repeatable "
	  "(default: the policy's, else check's default set)",
	  OPT_TARGET },
	{ "arch", 'a', "ARCH", "the machine of database targets (x86_64, aarch64, …; default: the binary's own)",
	  OPT_ARCH },
	{ "policy", 'p', "FILE|NAME", "show each binary's violations of a policy (docs/policy.md)", OPT_POLICY },
	{ "targets", 0, "FILE", "use the target database in FILE instead of the built-in one", OPT_TARGETS_FILE },
	{ 0 },
};

struct report_opts {
	const char *output, *arch, *db_file, *policy;
	char **specs;
	size_t nspecs;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct report_opts *o = ud;
	switch (id) {
	case OPT_OUTPUT: o->output = arg; break;
	case OPT_TARGET: o->specs[o->nspecs++] = (char *)arg; break;
	case OPT_ARCH: o->arch = arg; break;
	case OPT_TARGETS_FILE: o->db_file = arg; break;
	case OPT_POLICY: o->policy = arg; break;
	default: break;
	}
}

struct job {
	/* a tree's scan reports from its workers, the binaries they read and
	 * the directories the walk cannot read: the page is changed under mu */
	pthread_mutex_t mu;
	struct sr_html_report *page;
	const struct cli_target_set *ts;
	const struct sr_policy *policy;
	struct sr_run *run;
	struct sr_check_result **res;
	bool any_fail;
	size_t violations;
	int status;
};

static void input_error(struct job *j, const char *path, const char *reason)
{
	struct sr_error err = { 0 };
	pthread_mutex_lock(&j->mu);
	cli_file_error(path, reason);
	if (sr_html_report_add_error(j->page, path, reason, &err) != SR_OK)
		fprintf(stderr, "shipready: out of memory\n");
	j->status = EXIT_ERROR;
	pthread_mutex_unlock(&j->mu);
}

/* One analysed binary (shown as path; read inside root, or on this machine
 * when root is NULL): judged on every target, the policy evaluated, its
 * size and its libraries (the root's loader, else this machine's)
 * measured, then given to the page. */
static void report_analysis(struct job *j, const char *path, struct sr_analysis *an, const struct sr_root *root)
{
	struct sr_error err = { 0 };
	size_t nres = 0;
	for (; nres < j->ts->n; nres++) {
		if (sr_check_run(an, j->ts->v[nres], &j->res[nres], &err) != SR_OK)
			break;
		if (j->res[nres]->verdict == SR_VERDICT_FAILS)
			j->any_fail = true;
	}
	struct sr_violations viol = { 0 };
	bool have_viol = false;
	struct sr_size *size = NULL;
	const struct sr_deps *deps = NULL;
	const char *note = NULL;
	char why[300];
	if (nres < j->ts->n) {
		input_error(j, path, sr_error_message(&err));
		goto done;
	}
	if (j->policy) {
		if (sr_policy_eval(j->policy, &an->in, (const struct sr_check_result *const *)j->res, nres, &viol, &err) !=
		    SR_OK) {
			input_error(j, path, sr_error_message(&err));
			goto done;
		}
		have_viol = true;
		j->violations += viol.n;
	}
	if (sr_size_make(an, &size, &err) != SR_OK)
		size = NULL;
	if (!an->in.elf) {
		note = "dependency graphs are drawn for ELF files";
	} else if (an->in.elf->linkage != SR_LINK_DYNAMIC) {
		note = "statically linked: it loads no shared library";
	} else {
		struct sr_deps_opts o = { .root = root };
		if (sr_analysis_deps(an, &o, &deps, &err) != SR_OK) {
			snprintf(why, sizeof why, "its libraries cannot be resolved %s: %s", root ? "in its root" : "here",
			         sr_error_message(&err));
			note = why;
			deps = NULL;
		}
	}
	struct sr_html_binary b = { .path = path, .an = an, .results = j->res, .violations = have_viol ? &viol : NULL,
		                    .size = size, .deps = deps, .deps_note = note };
	pthread_mutex_lock(&j->mu);
	if (sr_html_report_add(j->page, &b, &err) != SR_OK) {
		fprintf(stderr, "shipready: out of memory\n");
		j->status = EXIT_ERROR;
	}
	pthread_mutex_unlock(&j->mu);
done:
	sr_size_free(size);
	if (have_viol)
		sr_violations_free(&viol);
	for (size_t k = 0; k < nres; k++) {
		sr_check_result_free(j->res[k]);
		j->res[k] = NULL;
	}
}

static void report_file(struct job *j, const char *path)
{
	struct sr_error err = { 0 };
	struct sr_analysis *an;
	if (sr_run_analyse(j->run, NULL, path, &an, &err) != SR_OK) {
		input_error(j, path, sr_error_message(&err));
		return;
	}
	report_analysis(j, path, an, NULL);
	sr_run_done(j->run, an);
}

/* ---------- trees, roots and images: their binaries, as scan finds them */

struct walk {
	struct job *j;
	const char *prefix;   /* how a binary inside a root is shown: "IMAGE (PLATFORM):" + its path */
	char **found;         /* a plain tree: the binaries' paths, analysed after the walk */
	size_t nfound, cap;
};

/* A scan's record, in its one worker thread (threads = 1: the page is
 * touched by one thread at a time): a binary of a root is reported with
 * the scan's own analysis; a plain tree's is only noted. */
static void *on_found(void *ctx, const struct sr_scan_found *f)
{
	struct walk *w = ctx;
	char shown[SR_ROOT_MAX_PATH + 1200];
	snprintf(shown, sizeof shown, "%s%s", w->prefix ? w->prefix : "", f->path);
	if (f->error && f->error->code != SR_OK) {
		input_error(w->j, shown, sr_error_message(f->error));
		return NULL;
	}
	if (f->an) {
		report_analysis(w->j, shown, f->an, f->root);
		return NULL;
	}
	if (w->nfound == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		char **v = realloc(w->found, cap * sizeof *v);
		if (!v)
			return NULL;
		w->found = v;
		w->cap = cap;
	}
	if ((w->found[w->nfound] = strdup(f->path)) != NULL)
		w->nfound++;
	return NULL;
}

static void on_emit(void *ctx, void *record)
{
	(void)ctx;
	(void)record;
}

static void scan_into(struct job *j, const char *input, const char *prefix, const char *dir,
                      const struct sr_root *root)
{
	struct walk w = { .j = j, .prefix = prefix };
	/* a root's binaries are shown as PREFIX/REL; they are judged on the
	 * report's targets only (the root among them when it is given) */
	struct sr_scan_opts so = { .threads = 1, .find_only = !root, .inside_paths = root != NULL, .record = on_found,
		                   .emit = on_emit, .ctx = &w };
	struct sr_scan_stats st;
	struct sr_error err = { 0 };
	enum sr_err rc = root ? sr_scan_root(root, &so, &st, &err) : sr_scan_tree(dir, &so, &st, &err);
	if (rc != SR_OK)
		input_error(j, input, sr_error_message(&err));
	for (size_t i = 0; i < w.nfound; i++) {
		report_file(j, w.found[i]);
		free(w.found[i]);
	}
	free(w.found);
}

static void report_input(struct job *j, const char *path)
{
	struct sr_error err = { 0 };
	struct stat st;
	if (sr_image_spec_is(path)) {
		/* each platform of the image, read in place, as scan reads it */
		struct sr_image *img = NULL;
		if (sr_image_open(path, &img, &err) != SR_OK) {
			input_error(j, path, sr_error_message(&err));
			return;
		}
		for (size_t i = 0; i < sr_image_platform_count(img); i++) {
			const struct sr_image_platform *pl = sr_image_platform_at(img, i);
			const struct sr_root *root;
			char prefix[1200];
			snprintf(prefix, sizeof prefix, "%s (%s):", path, pl->name);
			if (sr_image_root(img, i, &root, NULL, &err) != SR_OK)
				input_error(j, prefix, sr_error_message(&err));
			else
				scan_into(j, path, prefix, NULL, root);
		}
		sr_image_free(img);
	} else if (strncmp(path, "dir:", 4) == 0) {
		struct sr_root root;
		char prefix[SR_ROOT_MAX_PATH + 8];
		snprintf(prefix, sizeof prefix, "%s:", path);
		if (sr_root_open(path + 4, &root, &err) != SR_OK) {
			input_error(j, path, sr_error_message(&err));
			return;
		}
		scan_into(j, path, prefix, NULL, &root);
		sr_root_close(&root);
	} else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		scan_into(j, path, NULL, path, NULL);
	} else {
		report_file(j, path);
	}
}

/* When the page is of: SOURCE_DATE_EPOCH (a reproducible page), else now. */
static void generated_at(char *buf, size_t n)
{
	int64_t sde = 0;
	const char *env = getenv("SOURCE_DATE_EPOCH");
	time_t t = env && *env && cli_source_date_epoch(&sde) ? (time_t)sde : time(NULL);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(buf, n, "?");
}

int cmd_report(int argc, char **argv, const struct cli_command *self)
{
	struct report_opts o = { 0 };
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
	if (!o.output) {
		cli_usage_error(self, "report: -o FILE is required (the page is written there)");
		free(o.specs);
		return EXIT_ERROR;
	}
	struct cli_judging jd;
	struct job j = { .mu = PTHREAD_MUTEX_INITIALIZER, .ts = &jd.ts, .status = EXIT_OK };
	if (!cli_judging_open(&jd, self, o.specs, o.nspecs, o.arch, o.db_file, o.policy))
		j.status = EXIT_ERROR;
	const struct sr_policy *policy = jd.policy;
	struct sr_error err = { 0 };
	if (j.status == EXIT_OK) {
		j.policy = policy;
		j.res = calloc(jd.ts.n + 1, sizeof *j.res);
		if (!j.res || sr_run_new(&j.run, &err) != SR_OK ||
		    sr_html_report_new((const struct sr_check_target *const *)jd.ts.v, jd.ts.n,
		                       policy ? sr_policy_name(policy) : NULL, &j.page, &err) != SR_OK) {
			fprintf(stderr, "shipready: out of memory\n");
			j.status = EXIT_ERROR;
		}
	}
	if (j.page) {
		for (int i = first; i < argc; i++)
			report_input(&j, argv[i]);
		char when[64], *html = NULL;
		size_t len = 0;
		generated_at(when, sizeof when);
		FILE *m = open_memstream(&html, &len);
		if (!m || sr_html_report_write(j.page, m, when, &err) != SR_OK) {
			if (m)
				fclose(m);
			cli_file_error(o.output, m ? sr_error_message(&err) : "out of memory");
			j.status = EXIT_ERROR;
		} else {
			fclose(m);
			if (!cli_write_atomic(o.output, html))
				j.status = EXIT_ERROR;
		}
		free(html);
	}
	sr_html_report_free(j.page);
	sr_run_free(j.run);
	free(j.res);
	if (j.status == EXIT_OK && ((j.any_fail && jd.requested) || j.violations))
		j.status = EXIT_FINDINGS;
	cli_judging_free(&jd);
	free(o.specs);
	return cli_finish(j.status);
}
