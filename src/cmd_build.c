/* shipready build [DIR] [--target OS/ARCH]... : a Go main package built for
 * each platform with the go command on PATH, each artifact built twice to
 * prove the bytes, hashed into SHA256SUMS, analysed and judged. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "shipready/analysis.h"
#include "shipready/check.h"
#include "shipready/file.h"
#include "shipready/gomod.h"
#include "shipready/outfile.h"
#include "shipready/policy.h"
#include "shipready/release.h"
#include "shipready/report.h"
#include "shipready/targets.h"

#define SR_BUILD_SCHEMA_VERSION 1
#define MAX_PLATFORMS 32
#define MAX_CHECKS 32

enum {
	OPT_TARGET = 1, OPT_OUT, OPT_NAME, OPT_PACKAGE, OPT_CGO, OPT_NO_TRIMPATH, OPT_LDFLAGS, OPT_TAGS,
	OPT_NO_REPRO, OPT_CHECK, OPT_POLICY, OPT_JSON,
};

const struct cli_option build_options[] = {
	{ "target", 't', "OS/ARCH", "a platform to build (repeatable; default linux/amd64, linux/arm64, "
	                            "darwin/arm64, windows/amd64)", OPT_TARGET },
	{ "out", 'o', "DIR", "where the artifacts and SHA256SUMS go (default DIR/dist)", OPT_OUT },
	{ "name", 'n', "NAME", "the artifacts' name (default the module path's last element)", OPT_NAME },
	{ "package", 'P', "PKG", "the main package, as go build takes it (default .)", OPT_PACKAGE },
	{ "cgo", 0, NULL, "build with CGO_ENABLED=1 (default 0)", OPT_CGO },
	{ "no-trimpath", 0, NULL, "build without -trimpath", OPT_NO_TRIMPATH },
	{ "ldflags", 0, "FLAGS", "go build -ldflags", OPT_LDFLAGS },
	{ "tags", 0, "TAGS", "go build -tags", OPT_TAGS },
	{ "no-reproduce", 0, NULL, "skip the second build that proves the bytes", OPT_NO_REPRO },
	{ "check-target", 'c', "T[,T...]", "judge the Linux artifacts on these targets (repeatable; see shipready "
	                                   "targets)", OPT_CHECK },
	{ "policy", 'p', "FILE|NAME", "gate every artifact on a policy (docs/policy.md)", OPT_POLICY },
	{ "json", 'j', NULL, "print the manifest as JSON (docs/schema/build.json)", OPT_JSON },
	{ 0 },
};

struct build_cli {
	const char *targets[MAX_PLATFORMS];
	size_t ntargets;
	const char *checks[MAX_CHECKS];
	size_t nchecks;
	const char *out, *name, *package, *ldflags, *tags, *policy;
	bool cgo, no_trimpath, no_repro, json, too_many;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct build_cli *c = ud;
	switch (id) {
	case OPT_TARGET:
		if (c->ntargets < MAX_PLATFORMS)
			c->targets[c->ntargets++] = arg;
		else
			c->too_many = true;
		break;
	case OPT_CHECK:
		if (c->nchecks < MAX_CHECKS)
			c->checks[c->nchecks++] = arg;
		else
			c->too_many = true;
		break;
	case OPT_OUT: c->out = arg; break;
	case OPT_NAME: c->name = arg; break;
	case OPT_PACKAGE: c->package = arg; break;
	case OPT_CGO: c->cgo = true; break;
	case OPT_NO_TRIMPATH: c->no_trimpath = true; break;
	case OPT_LDFLAGS: c->ldflags = arg; break;
	case OPT_TAGS: c->tags = arg; break;
	case OPT_NO_REPRO: c->no_repro = true; break;
	case OPT_POLICY: c->policy = arg; break;
	case OPT_JSON: c->json = true; break;
	}
}

/* ---------- one artifact ---------- */

struct artifact {
	char goos[32], goarch[32];
	char file[300];                    /* NAME_OS_ARCH[.exe] */
	char path[4400];
	bool built;
	char error[600];                   /* the build's failure */
	int repro;                         /* 1 same bytes, 0 not, -1 not tried, -2 the second build failed */
	uint64_t diff_offset;
	char diff_section[128];
	char sha[65];
	uint64_t size;
	struct sr_matrix_row row;
	int verdict[MAX_CHECKS * 4];       /* per check target: enum sr_verdict, or -1 not judged */
	char first_fail[MAX_CHECKS * 4][300];
	char violations[2000];             /* "rule: message" lines */
	size_t nviolations;
	double secs;
	bool problem;
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static bool split_platform(const char *s, struct artifact *a)
{
	const char *slash = strchr(s, '/');
	if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/') || (size_t)(slash - s) >= sizeof a->goos ||
	    strlen(slash + 1) >= sizeof a->goarch)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '/'))
			return false;
	snprintf(a->goos, sizeof a->goos, "%.*s", (int)(slash - s), s);
	snprintf(a->goarch, sizeof a->goarch, "%s", slash + 1);
	return true;
}

/* The module path's last element, without a /vN major version suffix. */
static bool module_name(const char *dir, char *out, size_t size)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/go.mod", dir);
	struct sr_file f;
	struct sr_error err = { 0 };
	if (sr_file_open(path, &f, &err) != SR_OK)
		return false;
	struct sr_gomod m;
	const char *text = (const char *)sr_reader_at(&f.r, 0, (size_t)f.r.len);
	bool ok = text && sr_gomod_parse(text, (size_t)f.r.len, &m, &err) == SR_OK;
	sr_file_close(&f);
	if (!ok)
		return false;
	ok = m.module != NULL;
	if (ok) {
		char mod[1024];
		snprintf(mod, sizeof mod, "%s", m.module);
		char *last = strrchr(mod, '/');
		if (last && last[1] == 'v' && strspn(last + 2, "0123456789") == strlen(last + 2) && last[2]) {
			*last = '\0';
			last = strrchr(mod, '/');
		}
		const char *base = last ? last + 1 : mod;
		size_t bl = strlen(base);
		if (bl >= size)
			bl = size - 1;
		memcpy(out, base, bl);
		out[bl] = '\0';
	}
	sr_gomod_free(&m);
	return ok && out[0];
}

struct ctx {
	struct build_cli *c;
	struct sr_release_opts ro;
	char outdir[4200], tmp[4200];
	struct sr_targets db;
	bool have_db;
	struct sr_policy *policy;
	const char *checks[MAX_CHECKS * 4];   /* every spec: --check-target lists and the policy's targets */
	size_t nchecks;
	struct sr_run *run;
	bool tty;
};

/* The check target for an artifact: database targets take its machine. */
static struct sr_check_target *open_target(struct ctx *x, const char *spec, const struct artifact *a)
{
	char buf[600];
	const char *arch = sr_check_arch_name(a->goarch);
	if (strncmp(spec, "dir:", 4) != 0 && !strchr(spec, '/') && arch) {
		snprintf(buf, sizeof buf, "%s/%s", spec, arch);
		spec = buf;
	}
	struct sr_check_target *t;
	struct sr_error err = { 0 };
	return sr_check_target_open(&x->db, spec, &t, &err) == SR_OK ? t : NULL;
}

static void judge(struct ctx *x, struct artifact *a)
{
	struct sr_analysis *an;
	struct sr_error err = { 0 };
	if (sr_run_analyse(x->run, NULL, a->path, &an, &err) != SR_OK) {
		snprintf(a->error, sizeof a->error, "cannot analyse: %s", sr_error_message(&err));
		a->problem = true;
		return;
	}
	sr_matrix_row_fill(&an->in, &a->row);
	snprintf(a->row.file, sizeof a->row.file, "%s", a->file);
	if (a->repro == 0) {
		const char *s = sr_release_section_at(&an->in, a->diff_offset);
		snprintf(a->diff_section, sizeof a->diff_section, "%s", s ? s : "outside any section");
	}
	struct sr_check_result *res[MAX_CHECKS * 4] = { 0 };
	size_t nres = 0;
	bool linux_elf = !strcmp(a->goos, "linux");
	for (size_t j = 0; linux_elf && j < x->nchecks; j++) {
		struct sr_check_target *t = open_target(x, x->checks[j], a);
		if (!t) {
			snprintf(a->first_fail[j], sizeof a->first_fail[j], "no %s target for %s", x->checks[j], a->goarch);
			continue;
		}
		struct sr_check_result *r = NULL;
		if (sr_check_run(an, t, &r, &err) == SR_OK) {
			a->verdict[j] = (int)r->verdict;
			if (r->verdict == SR_VERDICT_FAILS) {
				a->problem = true;
				snprintf(a->first_fail[j], sizeof a->first_fail[j], "%s",
				         r->nfindings ? r->findings[0].reason : "fails");
			}
			res[nres++] = r;
		}
		/* the target must outlive the result: freed with it below */
		if (!r)
			sr_check_target_free(t);
	}
	if (x->policy) {
		struct sr_violations v;
		/* the targets are Linux systems: they judge the Linux artifacts only */
		enum sr_err rc = linux_elf ? sr_policy_eval(x->policy, &an->in, (const struct sr_check_result *const *)res,
		                                            nres, &v, &err)
		                           : sr_policy_eval_file(x->policy, &an->in, &v, &err);
		if (rc == SR_OK) {
			size_t used = 0;
			for (size_t k = 0; k < v.n; k++) {
				int w = snprintf(a->violations + used, sizeof a->violations - used, "%s: %s\n", v.v[k].rule,
				                 v.v[k].message);
				if (w < 0 || (size_t)w >= sizeof a->violations - used)
					break;
				used += (size_t)w;
			}
			a->nviolations = v.n;
			a->problem |= v.n > 0;
			sr_violations_free(&v);
		}
	}
	for (size_t k = 0; k < nres; k++) {
		struct sr_check_target *t = (struct sr_check_target *)res[k]->target;
		sr_check_result_free(res[k]);
		sr_check_target_free(t);
	}
	sr_run_done(x->run, an);
}

static void progress(struct ctx *x, const struct artifact *a, const char *what)
{
	if (!x->tty)
		return;
	printf("\r\033[K  %s/%s  %s", a->goos, a->goarch, what);
	fflush(stdout);
}

static void make_one(struct ctx *x, struct artifact *a, const char *name)
{
	struct sr_error err = { 0 };
	double t0 = now();
	bool exe = !strcmp(a->goos, "windows");
	snprintf(a->file, sizeof a->file, "%s_%s_%s%s", name, a->goos, a->goarch, exe ? ".exe" : "");
	snprintf(a->path, sizeof a->path, "%s/%s", x->outdir, a->file);
	a->repro = -1;
	for (size_t j = 0; j < x->nchecks; j++)
		a->verdict[j] = -1;   /* not judged, until it is */
	progress(x, a, "building");
	if (sr_release_build(&x->ro, a->goos, a->goarch, a->path, NULL, &err) != SR_OK) {
		snprintf(a->error, sizeof a->error, "%s", sr_error_message(&err));
		a->problem = true;
		progress(x, a, "build failed\n");
		return;
	}
	a->built = true;
	struct stat st;
	if (stat(a->path, &st) == 0)
		a->size = (uint64_t)st.st_size;
	if (!x->c->no_repro) {
		progress(x, a, "building again with an empty cache");
		char again[4500], cache[4300];
		snprintf(again, sizeof again, "%s/%s", x->tmp, a->file);
		snprintf(cache, sizeof cache, "%s/gocache", x->tmp);
		bool same;
		if (sr_release_build(&x->ro, a->goos, a->goarch, again, cache, &err) != SR_OK) {
			a->repro = -2;
			snprintf(a->diff_section, sizeof a->diff_section, "%.120s", sr_error_message(&err));
		} else if (sr_release_compare(a->path, again, &same, &a->diff_offset, &err) == SR_OK) {
			a->repro = same;
		}
		unlink(again);
		a->problem |= a->repro == 0 || a->repro == -2;
	}
	if (sr_release_sha256(a->path, a->sha, &err) != SR_OK)
		snprintf(a->error, sizeof a->error, "sha256: %s", sr_error_message(&err));
	judge(x, a);
	a->secs = now() - t0;
	if (x->tty) {
		char done[64];
		snprintf(done, sizeof done, "%.1f s\n", a->secs);
		progress(x, a, done);
	}
}

/* ---------- output ---------- */

static const char *repro_text(const struct artifact *a, char *buf, size_t size)
{
	if (a->repro == 1)
		return "yes";
	if (a->repro == -1)
		return a->built ? "not tried" : "-";
	if (a->repro == -2)
		return "second build failed";
	snprintf(buf, size, "no: 0x%llx in %s", (unsigned long long)a->diff_offset, a->diff_section);
	return buf;
}

static int by_problem(const void *p, const void *q)
{
	const struct artifact *a = p, *b = q;
	if (a->problem != b->problem)
		return a->problem ? -1 : 1;
	return strcmp(a->file, b->file);
}

static void print_text(struct ctx *x, struct artifact *v, size_t n, const char *module, const char *gover)
{
	size_t problems = 0;
	for (size_t i = 0; i < n; i++)
		problems += v[i].problem;
	printf("build: %s with %s, %zu platform%s into %s: %zu with problems\n", module, gover, n, n == 1 ? "" : "s",
	       x->outdir, problems);
	struct sr_matrix_row rows[MAX_PLATFORMS];
	size_t nr = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].built && v[i].row.file[0])
			rows[nr++] = v[i].row;
	struct sr_text_style st = { .color = cli_use_color(stdout) };
	if (nr)
		sr_report_matrix_text(stdout, rows, nr, &st);
	/* verdicts: reproducible, checksum, targets, policy */
	int wf = 4, wr = 12, wc[MAX_CHECKS * 4];
	for (size_t i = 0; i < n; i++) {
		char buf[200];
		int l = (int)strlen(v[i].file), r = (int)strlen(repro_text(&v[i], buf, sizeof buf));
		wf = l > wf ? l : wf;
		wr = r > wr ? r : wr;
	}
	for (size_t j = 0; j < x->nchecks; j++)
		wc[j] = strlen(x->checks[j]) > 7 ? (int)strlen(x->checks[j]) : 7;
	printf("\n%-*s  %-*s  %-12s", wf, "FILE", wr, "REPRODUCIBLE", "SHA256");
	for (size_t j = 0; j < x->nchecks; j++)
		printf("  %-*s", wc[j], x->checks[j]);
	printf("%s\n", x->policy ? "  POLICY" : "");
	for (size_t i = 0; i < n; i++) {
		const struct artifact *a = &v[i];
		char buf[200];
		printf("%-*s  %-*s  %-12.12s", wf, a->file, wr, repro_text(a, buf, sizeof buf), a->sha[0] ? a->sha : "-");
		for (size_t j = 0; j < x->nchecks; j++)
			printf("  %-*s", wc[j], a->verdict[j] < 0 ? "-" : sr_verdict_name((enum sr_verdict)a->verdict[j]));
		if (x->policy)
			printf("  %s", !a->built ? "-" : a->nviolations ? "violated" : "passes");
		putchar('\n');
	}
	for (size_t i = 0; i < n; i++) {
		const struct artifact *a = &v[i];
		if (!a->problem)
			continue;
		printf("\n%s:\n", a->file);
		if (a->error[0])
			printf("  %s\n", a->error);
		if (a->repro == 0)
			printf("  not reproducible: an empty-cache rebuild first differs at byte 0x%llx, in %s\n",
			       (unsigned long long)a->diff_offset, a->diff_section);
		if (a->repro == -2)
			printf("  the second build failed: %s\n", a->diff_section);
		for (size_t j = 0; j < x->nchecks; j++)
			if (a->verdict[j] == SR_VERDICT_FAILS)
				printf("  %s: fails: %s\n", x->checks[j], a->first_fail[j]);
		for (const char *l = a->violations; *l;) {
			const char *e = strchr(l, '\n');
			printf("  policy %.*s\n", (int)(e ? e - l : (long)strlen(l)), l);
			l = e ? e + 1 : l + strlen(l);
		}
	}
	printf("\n%s/SHA256SUMS: %zu artifact%s\n", x->outdir, nr, nr == 1 ? "" : "s");
}

static json_t *manifest(struct ctx *x, struct artifact *v, size_t n, const char *module, const char *gover)
{
	json_t *arts = json_array(), *checks = json_array();
	for (size_t j = 0; j < x->nchecks; j++)
		json_array_append_new(checks, json_string(x->checks[j]));
	for (size_t i = 0; i < n; i++) {
		const struct artifact *a = &v[i];
		char plat[80];
		snprintf(plat, sizeof plat, "%s/%s", a->goos, a->goarch);
		json_t *o = json_pack("{s:s,s:s,s:b,s:b}", "platform", plat, "file", a->file, "built", a->built, "ok",
		                      !a->problem);
		json_object_set_new(o, "error", a->error[0] ? json_string(a->error) : json_null());
		json_object_set_new(o, "sha256", a->sha[0] ? json_string(a->sha) : json_null());
		json_object_set_new(o, "size", a->built ? json_integer((json_int_t)a->size) : json_null());
		json_object_set_new(o, "reproducible", a->repro == 1 ? json_true() : a->repro == 0 || a->repro == -2 ?
		                                                      json_false() : json_null());
		json_object_set_new(o, "first_difference", a->repro == 0 ? json_pack("{s:I,s:s}", "offset",
		                                                                      (json_int_t)a->diff_offset, "section",
		                                                                      a->diff_section)
		                                                          : json_null());
		json_t *facts = json_null();
		if (a->row.file[0])
			facts = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "format", a->row.format, "platform",
			                  a->row.platform, "link", a->row.link, "libc", a->row.libc, "go", a->row.go, "cgo",
			                  a->row.cgo, "min_os", a->row.min_os, "needs", a->row.needs);
		json_object_set_new(o, "facts", facts);
		json_t *verd = json_object();
		for (size_t j = 0; j < x->nchecks; j++)
			json_object_set_new(verd, x->checks[j], a->verdict[j] < 0 ? json_null() :
			                    json_string(sr_verdict_name((enum sr_verdict)a->verdict[j])));
		json_object_set_new(o, "verdicts", verd);
		json_t *viol = json_array();
		for (const char *l = a->violations; *l;) {
			const char *e = strchr(l, '\n');
			json_array_append_new(viol, json_stringn(l, (size_t)(e ? e - l : (long)strlen(l))));
			l = e ? e + 1 : l + strlen(l);
		}
		json_object_set_new(o, "policy_violations", x->policy ? viol : (json_decref(viol), json_null()));
		json_array_append_new(arts, o);
	}
	char sums[4300];
	snprintf(sums, sizeof sums, "%s/SHA256SUMS", x->outdir);
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "module", module, "go", gover, "checksums", sums, "check_targets",
	                 checks, "policy", x->policy ? json_string(sr_policy_name(x->policy)) : json_null(), "artifacts",
	                 arts);
}

/* SHA256SUMS, as sha256sum -c reads it, written as every output is: a
 * temporary beside it, synced, renamed into place (build owns dist/, so
 * the last run's list is replaced). */
static bool write_sums(const struct ctx *x, struct artifact *v, size_t n)
{
	char path[4300], line[600];
	snprintf(path, sizeof path, "%s/SHA256SUMS", x->outdir);
	struct sr_outfile o;
	struct sr_error err = { 0 };
	if (sr_outfile_open(&o, path, true, &err) != SR_OK)
		return false;
	for (size_t i = 0; i < n; i++) {   /* sorted by name: v is */
		if (!v[i].built || !v[i].sha[0])
			continue;
		int w = snprintf(line, sizeof line, "%s  %s\n", v[i].sha, v[i].file);
		if (w < 0 || (size_t)w >= sizeof line || !sr_write_all(o.fd, line, (size_t)w)) {
			sr_outfile_abort(&o);
			return false;
		}
	}
	return sr_outfile_commit(&o, &err) == SR_OK;
}

static int by_name(const void *p, const void *q)
{
	return strcmp(((const struct artifact *)p)->file, ((const struct artifact *)q)->file);
}

int cmd_build(int argc, char **argv, const struct cli_command *self)
{
	struct build_cli c = { 0 };
	cli_options_first(argc, argv, build_options);   /* `build DIR --target …` */
	int first;
	int rc = cli_parse(argc, argv, self, &first, on_opt, &c);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	if (c.too_many || argc - first > 1) {
		cli_usage_error(self, "build: one module directory, at most %d --target and %d --check-target",
		                MAX_PLATFORMS, MAX_CHECKS);
		return EXIT_ERROR;
	}
	static const char *const defaults[] = { "linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64" };
	struct artifact *v = calloc(MAX_PLATFORMS, sizeof *v);
	if (!v)
		return EXIT_ERROR;
	size_t n = 0;
	for (size_t i = 0; i < (c.ntargets ? c.ntargets : 4); i++) {
		const char *p = c.ntargets ? c.targets[i] : defaults[i];
		if (!split_platform(p, &v[n])) {
			char msg[300];
			snprintf(msg, sizeof msg, "--target '%.200s': expected OS/ARCH, as go tool dist list names them", p);
			cli_opt_error("build", msg);
			free(v);
			return EXIT_ERROR;
		}
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			dup |= !strcmp(v[k].goos, v[n].goos) && !strcmp(v[k].goarch, v[n].goarch);
		if (!dup)
			n++;
	}
	const char *dir = first < argc ? argv[first] : ".";
	char gover[64];
	struct sr_error err = { 0 };
	int status = EXIT_OK;
	struct ctx x = { .c = &c };
	if (sr_release_go_version(gover, sizeof gover, &err) != SR_OK) {
		fprintf(stderr, "shipready: build: %s: install one (Debian: apt-get install golang-go; or a release from "
		                "https://go.dev/dl), shipready never downloads a toolchain\n", sr_error_message(&err));
		free(v);
		return EXIT_ERROR;
	}
	char name[256];
	if (c.name)
		snprintf(name, sizeof name, "%s", c.name);
	else if (!module_name(dir, name, sizeof name)) {
		cli_file_error(dir, "no go.mod with a module line (or give --name)");
		free(v);
		return EXIT_ERROR;
	}
	if (strchr(name, '/') || !name[0] || name[0] == '.') {
		cli_opt_error("build", "--name: a file name, without '/'");
		free(v);
		return EXIT_ERROR;
	}
	char *absdir = realpath(dir, NULL);
	if (!absdir) {
		cli_file_error(dir, "not a directory");
		free(v);
		return EXIT_ERROR;
	}
	x.ro = (struct sr_release_opts){ absdir, c.package, c.cgo, !c.no_trimpath, c.ldflags, c.tags };
	snprintf(x.outdir, sizeof x.outdir, "%s", c.out ? c.out : "");
	if (!c.out)
		snprintf(x.outdir, sizeof x.outdir, "%s/dist", absdir);
	if (mkdir(x.outdir, 0755) != 0 && errno != EEXIST) {
		cli_file_error(x.outdir, strerror(errno));
		status = EXIT_ERROR;
		goto out;
	}
	if (x.outdir[0] != '/') {
		char *o = realpath(x.outdir, NULL);
		if (o) {
			snprintf(x.outdir, sizeof x.outdir, "%s", o);
			free(o);
		}
	}
	const char *tmpbase = getenv("TMPDIR");
	snprintf(x.tmp, sizeof x.tmp, "%s/shipready-build-XXXXXX", tmpbase && tmpbase[0] ? tmpbase : "/tmp");
	if (!mkdtemp(x.tmp)) {
		cli_file_error(x.tmp, strerror(errno));
		x.tmp[0] = '\0';
		status = EXIT_ERROR;
		goto out;
	}
	if (!cli_load_targets(NULL, &x.db)) {
		status = EXIT_ERROR;
		goto out;
	}
	x.have_db = true;
	if (c.policy && sr_policy_load(c.policy, &x.policy, &err) != SR_OK) {
		cli_file_error(c.policy, sr_error_message(&err));
		status = EXIT_ERROR;
		goto out;
	}
	/* every check target named: validated now, opened per artifact for its machine */
	for (size_t i = 0; i < c.nchecks; i++) {
		char *list = strdup(c.checks[i]);
		for (char *s = list, *tok; list && (tok = strsep(&s, ","));)
			if (*tok && x.nchecks < MAX_CHECKS * 4)
				x.checks[x.nchecks++] = strdup(tok);
		free(list);
	}
	if (x.policy) {
		const char *const *pt;
		size_t npt = sr_policy_targets(x.policy, &pt);
		for (size_t i = 0; i < npt && x.nchecks < MAX_CHECKS * 4; i++) {
			bool have = false;
			for (size_t k = 0; k < x.nchecks; k++)
				have |= !strcmp(x.checks[k], pt[i]);
			if (!have)
				x.checks[x.nchecks++] = strdup(pt[i]);
		}
	}
	for (size_t i = 0; i < x.nchecks; i++) {
		struct sr_check_target *t;
		if (!x.checks[i] || sr_check_target_open(&x.db, x.checks[i], &t, &err) != SR_OK) {
			cli_file_error(x.checks[i] ? x.checks[i] : "?", sr_error_message(&err));
			status = EXIT_ERROR;
			goto out;
		}
		sr_check_target_free(t);
	}
	if (sr_run_new(&x.run, &err) != SR_OK) {
		status = EXIT_ERROR;
		goto out;
	}
	x.tty = !c.json && isatty(STDOUT_FILENO);
	for (size_t i = 0; i < n; i++)
		make_one(&x, &v[i], name);
	qsort(v, n, sizeof *v, by_name);
	if (!write_sums(&x, v, n)) {
		cli_file_error(x.outdir, "cannot write SHA256SUMS");
		status = EXIT_ERROR;
	}
	char module[1100];
	snprintf(module, sizeof module, "%s", name);
	if (c.json) {
		cli_json_begin_doc(stdout, "build", SR_BUILD_SCHEMA_VERSION);
		json_t *body = manifest(&x, v, n, name, gover);
		const char *key;
		json_t *val;
		json_object_foreach(body, key, val)
			cli_json_member(stdout, key, json_incref(val));
		json_decref(body);
		fputs("}\n", stdout);
	} else {
		qsort(v, n, sizeof *v, by_problem);
		print_text(&x, v, n, module, gover);
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].problem && status == EXIT_OK)
			status = EXIT_FINDINGS;
out:
	if (x.tmp[0])
		sr_release_remove_tree(x.tmp);
	for (size_t i = 0; i < x.nchecks; i++)
		free((char *)x.checks[i]);
	if (x.run)
		sr_run_free(x.run);
	if (x.policy)
		sr_policy_free(x.policy);
	if (x.have_db)
		sr_targets_free(&x.db);
	free(absdir);
	free(v);
	return cli_finish(status);
}
