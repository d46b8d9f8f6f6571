/* shipready scan PATH... : every binary in a tree, what it is, and for a
 * root (dir:ROOT) whether each program runs there. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "shipready/shipready.h"

enum { OPT_JSON = 1, OPT_JSONL, OPT_THREADS, OPT_SBOM, OPT_PLATFORM, OPT_FORMAT };

const struct cli_option scan_options[] = {
	{ "json", 'j', NULL, "print one JSON document (docs/schema/scan.json)", OPT_JSON },
	{ "jsonl", 0, NULL, "print one JSON line per binary as it is found, then one per scanned PATH", OPT_JSONL },
	{ "threads", 't', "N", "analyse with N threads (default: one per CPU)", OPT_THREADS },
	{ "sbom", 0, "cyclonedx|spdx", "print a CycloneDX 1.6 or SPDX 2.3 SBOM of the tree instead (the summary goes to stderr)",
	  OPT_SBOM },
	{ "platform", 0, "OS/ARCH[/VARIANT]", "of an image, scan only this platform (default: each)", OPT_PLATFORM },
	{ "format", 'f', "FMT",
	  "text (default), json, jsonl, sarif (SARIF 2.1.0: each program judged inside a root, its findings) or "
	  "junit (a test case per program judged inside a root); see docs/ci.md",
	  OPT_FORMAT },
	{ 0 },
};

struct scan_cli {
	bool json, jsonl;
	const char *threads;
	const char *sbom_format;
	const char *platform;       /* --platform */
	const char *format;         /* --format */
	struct sr_ci_log *log;      /* --format sarif|junit: what is found goes here */
	struct sr_sbom *sbom;       /* the bill being made, with --sbom */
	/* per input */
	const char *input;
	const char *image_platform; /* the image's platform being scanned, or NULL */
	const char *image_arch;     /* and its architecture */
	bool tty;                   /* progress on stderr */
	bool first_done;            /* --json: a binary was written */
	bool log_failed;            /* the CI log ran out of memory */
	struct sr_scan_summary sum;
	char *problems;
	size_t problems_len;
	FILE *problems_f;
	double t0;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct scan_cli *o = ud;
	switch (id) {
	case OPT_JSON: o->json = true; break;
	case OPT_JSONL: o->jsonl = true; break;
	case OPT_THREADS: o->threads = arg; break;
	case OPT_SBOM: o->sbom_format = arg; break;
	case OPT_PLATFORM: o->platform = arg; break;
	case OPT_FORMAT: o->format = arg; break;
	default: break;
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What a worker makes of one found binary: its report item and, with
 * --sbom, its piece of the bill. */
struct record {
	struct sr_scan_item *it;
	struct sr_sbom_piece *piece;
	struct sr_ci_log *log;      /* its part of the CI report */
	bool log_lost;              /* that part could not be made (memory) */
};

static void *make_record(void *ctx, const struct sr_scan_found *f)
{
	struct scan_cli *x = ctx;
	struct record *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->it = sr_report_scan_item(f, x->input, x->json || x->jsonl);
	if (x->sbom)
		r->piece = sr_sbom_piece_make(x->sbom, f);
	bool to_log = x->log && (!f->an || f->judged);   /* a plain tree's binaries make no entry */
	if (to_log && (r->log = sr_ci_log_new("scan")) != NULL) {
		/* a failure marks r->log itself; the emitting thread sees it */
		if (!f->an)
			sr_ci_log_error(r->log, f->path, sr_error_message(f->error));
		else if (f->judged)
			sr_ci_log_check(r->log, f->path, &f->judged, 1);
	}
	r->log_lost = to_log && !r->log;
	if (!r->it) {
		sr_scan_item_free(r->it);
		sr_ci_log_free(r->log);
		sr_sbom_piece_free(r->piece);
		free(r);
		return NULL;
	}
	return r;
}

static void take_record(void *ctx, void *record)
{
	struct scan_cli *x = ctx;
	struct record *r = record;
	struct sr_scan_item *it = r->it;
	if (x->sbom)
		sr_sbom_add(x->sbom, r->piece);
	else
		sr_sbom_piece_free(r->piece);
	if (r->log_lost || (r->log && sr_ci_log_take(x->log, r->log) != SR_OK))
		x->log_failed = true;
	sr_ci_log_free(r->log);
	free(r);
	sr_scan_summary_add(&x->sum, it);
	if (it->problem && x->problems_f)
		fputs(it->problem, x->problems_f);
	if (it->json && x->jsonl) {
		fputs("{\"record\":\"binary\",", stdout);
		if (x->image_platform)
			printf("\"image_platform\":\"%s\",", x->image_platform);
		fputs(it->json + 1, stdout);
		fputc('\n', stdout);
	} else if (it->json) {
		fputs(x->first_done ? ",\n" : "\n", stdout);
		fputs(it->json, stdout);
		x->first_done = true;
	}
	sr_scan_item_free(it);
}

/* One line on stderr for what cannot be scanned, and an error in the CI
 * report. */
static void scan_error(struct scan_cli *x, const char *what, const char *reason)
{
	cli_file_error(what, reason);
	/* an input's own failure is no path inside a root */
	if (x->log && (sr_ci_log_root(x->log, NULL, NULL) != SR_OK || sr_ci_log_error(x->log, what, reason) != SR_OK))
		x->log_failed = true;
}

static void show_progress(void *ctx, const struct sr_scan_stats *st)
{
	struct scan_cli *x = ctx;
	if (!x->tty)
		return;
	double t = now() - x->t0;
	fprintf(stderr, "\r\033[Kscan %s: %llu files, %llu binaries, %.0f files/s", x->input,
	        (unsigned long long)st->files, (unsigned long long)st->binaries, t > 0 ? st->files / t : 0.0);
	fflush(stderr);
}

/* Scan one tree: path is how the user named it (with image_platform, an
 * image's), dir the directory read, or tree the image's root. */
static int scan_tree(struct scan_cli *x, const char *path, const char *dir, const struct sr_root *tree, bool as_root,
                     const struct sr_targets *db, unsigned threads, bool *json_first)
{
	struct sr_error err = { 0 };
	char shown[512];
	if (x->image_platform)
		snprintf(shown, sizeof shown, "%s (%s)", path, x->image_platform);
	else
		snprintf(shown, sizeof shown, "%s", path);
	x->input = path;
	memset(&x->sum, 0, sizeof x->sum);
	x->problems = NULL;
	x->problems_len = 0;
	x->problems_f = open_memstream(&x->problems, &x->problems_len);
	x->first_done = false;
	x->t0 = now();
	/* the CI report: a root's programs are paths inside it (an image's are
	 * nowhere on this machine); a plain tree's are paths here */
	if (x->log && sr_ci_log_root(x->log, as_root ? (x->image_platform ? shown : path) : NULL,
	                             x->image_platform ? NULL : dir) != SR_OK)
		x->log_failed = true;
	struct sr_scan_opts so = { .threads = threads, .as_root = as_root, .db = db, .root_name = x->image_platform ? shown : NULL,
		                   .root_machine = x->image_arch, .record = make_record,
		                   .emit = take_record, .progress = show_progress, .ctx = x };
	struct sr_root root = { .dirfd = -1 };
	if (x->sbom_format) {
		/* the bill's timestamp: SOURCE_DATE_EPOCH (a reproducible bill), else now */
		int64_t created = 0;
		const char *sde = getenv("SOURCE_DATE_EPOCH");
		if (!sde || !*sde || !cli_source_date_epoch(&created))
			created = (int64_t)time(NULL);
		enum sr_err rc = as_root && !tree ? sr_root_open(dir, &root, &err) : SR_OK;
		if (rc == SR_OK)
			rc = sr_sbom_new(path, tree ? tree : as_root ? &root : NULL, created, &x->sbom, &err);
		if (rc != SR_OK) {
			if (root.dirfd >= 0)
				sr_root_close(&root);
			cli_file_error(shown, sr_error_message(&err));
			fclose(x->problems_f);
			free(x->problems);
			return EXIT_ERROR;
		}
	}
	if (x->json) {
		fputs(*json_first ? ",\n{" : "\n{", stdout);
		*json_first = true;
		json_t *in = json_string(path);
		char *t = json_dumps(in, JSON_ENCODE_ANY);
		printf("\"input\":%s,\"root\":%s,", t ? t : "null", as_root ? "true" : "false");
		if (x->image_platform)
			printf("\"image_platform\":\"%s\",", x->image_platform);
		fputs("\"binaries\":[", stdout);
		free(t);
		json_decref(in);
	}
	struct sr_scan_stats st;
	enum sr_err rc = tree ? sr_scan_root(tree, &so, &st, &err) : sr_scan_tree(dir, &so, &st, &err);
	if (x->tty)
		fputs("\r\033[K", stderr);
	if (x->problems_f)
		fclose(x->problems_f);
	int status = EXIT_OK;
	if (x->log)
		sr_ci_log_root(x->log, NULL, NULL);
	if (rc != SR_OK) {
		scan_error(x, shown, sr_error_message(&err));
		status = EXIT_ERROR;
	} else if (x->sum.fails || x->sum.errors || st.unreadable) {
		status = EXIT_FINDINGS;
	}
	if (x->json) {
		json_t *s = sr_report_scan_summary_json(&x->sum, &st);
		char *t = json_dumps(s, JSON_COMPACT | JSON_PRESERVE_ORDER);
		printf("\n],\"summary\":%s", t ? t : "null");
		if (rc != SR_OK) {
			json_t *e = json_string(sr_error_message(&err));
			char *et = json_dumps(e, JSON_ENCODE_ANY);
			printf(",\"error\":%s", et ? et : "null");
			free(et);
			json_decref(e);
		}
		fputc('}', stdout);
		free(t);
		json_decref(s);
	} else if (x->jsonl && rc == SR_OK) {
		json_t *line = json_object();
		json_object_set_new(line, "record", json_string("summary"));
		json_object_set_new(line, "input", json_string(path));
		json_object_set_new(line, "root", json_boolean(as_root));
		if (x->image_platform)
			json_object_set_new(line, "image_platform", json_string(x->image_platform));
		json_object_set_new(line, "summary", sr_report_scan_summary_json(&x->sum, &st));
		char *t = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (t)
			puts(t);
		free(t);
		json_decref(line);
	} else if (rc == SR_OK && !x->log) {
		FILE *text = x->sbom ? stderr : stdout;   /* with --sbom, stdout is the bill's */
		struct sr_text_style style = { .color = cli_use_color(text) };
		sr_report_scan_text(text, shown, &x->sum, &st, x->problems, &style);
	}
	if (x->sbom) {
		if (rc == SR_OK && (strcmp(x->sbom_format, "spdx") == 0 ? sr_sbom_write_spdx(x->sbom, stdout, &err)
		                                                          : sr_sbom_write_cyclonedx(x->sbom, stdout, &err)) != SR_OK) {
			cli_file_error(shown, sr_error_message(&err));
			status = EXIT_ERROR;
		}
		sr_sbom_free(x->sbom);
		x->sbom = NULL;
		if (root.dirfd >= 0)
			sr_root_close(&root);
	}
	free(x->problems);
	x->problems = NULL;
	return status;
}

/* Whether the image platform name is the one --platform asks for
 * ("linux/arm64" matches "linux/arm64/v8" too). */
static bool platform_wanted(const char *want, const char *name)
{
	size_t l = want ? strlen(want) : 0;
	return !want || strcmp(want, name) == 0 || (strncmp(want, name, l) == 0 && name[l] == '/');
}

/* An image: each platform (or the one --platform names) read and scanned
 * as a root. */
static int scan_image(struct scan_cli *x, const char *spec, const struct sr_targets *db, unsigned threads,
                      bool *json_first)
{
	struct sr_error err = { 0 };
	struct sr_image *img = NULL;
	if (sr_image_open(spec, &img, &err) != SR_OK) {
		scan_error(x, spec, sr_error_message(&err));
		return EXIT_ERROR;
	}
	size_t n = sr_image_platform_count(img), chosen = 0;
	char names[512] = "";
	for (size_t i = 0; i < n; i++) {
		const struct sr_image_platform *pl = sr_image_platform_at(img, i);
		size_t l = strlen(names);
		snprintf(names + l, sizeof names - l, "%s%s", l ? ", " : "", pl->name);
		if (platform_wanted(x->platform, pl->name))
			chosen++;
	}
	int status = EXIT_OK;
	char why[768];
	if (chosen == 0) {
		snprintf(why, sizeof why, "no %s image in it (it has %s)", x->platform, names);
		scan_error(x, spec, why);
		status = EXIT_ERROR;
	} else if (x->sbom_format && chosen > 1) {
		snprintf(why, sizeof why, "an SBOM describes one platform, and it has %s: choose one with --platform",
		         names);
		scan_error(x, spec, why);
		status = EXIT_ERROR;
	}
	for (size_t i = 0; i < n && status != EXIT_ERROR; i++) {
		const struct sr_image_platform *pl = sr_image_platform_at(img, i);
		if (!platform_wanted(x->platform, pl->name))
			continue;
		const struct sr_root *tree;
		x->image_platform = pl->name;
		x->image_arch = pl->architecture;
		int s;
		if (sr_image_root(img, i, &tree, NULL, &err) != SR_OK) {
			char shown[512];
			snprintf(shown, sizeof shown, "%s (%s)", spec, pl->name);
			scan_error(x, shown, sr_error_message(&err));
			s = EXIT_ERROR;
		} else {
			s = scan_tree(x, spec, NULL, tree, true, db, threads, json_first);
		}
		if (s > status)
			status = s;
		x->image_platform = NULL;
		x->image_arch = NULL;
	}
	sr_image_free(img);
	return status;
}

static int scan_one(struct scan_cli *x, const char *path, const struct sr_targets *db, unsigned threads,
                    bool *json_first)
{
	if (sr_image_spec_is(path))
		return scan_image(x, path, db, threads, json_first);
	bool as_root = strncmp(path, "dir:", 4) == 0;
	const char *dir = as_root ? path + 4 : path;
	if (!dir[0]) {
		scan_error(x, path, "dir: names no directory");
		return EXIT_ERROR;
	}
	return scan_tree(x, path, dir, NULL, as_root, db, threads, json_first);
}

int cmd_scan(int argc, char **argv, const struct cli_command *self)
{
	struct scan_cli x = { 0 };
	int first;
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &x);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	enum cli_format fmt = CLI_FORMAT_TEXT;
	if (x.format && !cli_format_parse(x.format, &fmt)) {
		cli_usage_error(self, "scan: unknown format '%s' (text, json, jsonl, sarif, junit)", x.format);
		return EXIT_ERROR;
	}
	x.json |= fmt == CLI_FORMAT_JSON;
	x.jsonl |= fmt == CLI_FORMAT_JSONL;
	bool ci = cli_format_is_ci(fmt);
	if ((x.json ? 1 : 0) + (x.jsonl ? 1 : 0) + (x.sbom_format ? 1 : 0) + (ci ? 1 : 0) > 1) {
		cli_usage_error(self, "scan: choose one of --json, --jsonl, --sbom, --format");
		return EXIT_ERROR;
	}
	if (x.sbom_format && strcmp(x.sbom_format, "cyclonedx") != 0 && strcmp(x.sbom_format, "spdx") != 0) {
		cli_usage_error(self, "scan: --sbom takes 'cyclonedx' or 'spdx', not '%s'", x.sbom_format);
		return EXIT_ERROR;
	}
	if (x.sbom_format && argc - first != 1) {
		cli_usage_error(self, "scan: --sbom describes one tree: give one PATH");
		return EXIT_ERROR;
	}
	unsigned threads = 0;
	if (x.threads) {
		char *end;
		unsigned long n = strtoul(x.threads, &end, 10);
		if (!x.threads[0] || *end || n < 1 || n > SR_SCAN_MAX_THREADS) {
			cli_usage_error(self, "scan: --threads takes a number from 1 to %u, not '%s'", SR_SCAN_MAX_THREADS,
			                x.threads);
			return EXIT_ERROR;
		}
		threads = (unsigned)n;
	}
	if (ci && !(x.log = sr_ci_log_new("scan"))) {
		fprintf(stderr, "shipready: out of memory\n");
		return EXIT_ERROR;
	}
	struct sr_targets db_store = { 0 }, *db = &db_store;
	struct sr_error err = { 0 };
	if (sr_targets_load_builtin(db, &err) != SR_OK) {
		cli_file_error("targets", sr_error_message(&err));
		sr_ci_log_free(x.log);
		return EXIT_ERROR;
	}
	x.tty = isatty(STDERR_FILENO);
	bool json_first = false;
	if (x.json) {
		cli_json_begin_doc(stdout, "scan", SR_SCAN_SCHEMA_VERSION);
		fputs(",\"scans\":[", stdout);
	}
	int status = EXIT_OK;
	for (int i = first; i < argc; i++) {
		int s = scan_one(&x, argv[i], db, threads, &json_first);
		if (s > status)
			status = s;
		fflush(stdout);
	}
	if (x.json)
		fputs("\n]}\n", stdout);
	if (x.log) {
		if (x.log_failed) {
			fprintf(stderr, "shipready: out of memory: the %s report would be incomplete\n", x.format);
			status = EXIT_ERROR;
		} else if (!cli_write_ci_report(x.log, fmt)) {
			status = EXIT_ERROR;
		}
		sr_ci_log_free(x.log);
	}
	sr_targets_free(db);
	return cli_finish(status);
}
