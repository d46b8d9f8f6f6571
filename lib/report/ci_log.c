/* shipready — the log the CI reports are written from: test cases and
 * results gathered file by file (see shipready/cireport.h). */
#define _GNU_SOURCE   /* vasprintf */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/ci_internal.h"
#include "shipready/cireport.h"

/* Past this many, a log takes no more: a report is for people and their
 * tools, and hostile input must not grow it without end. */
#define MAX_ENTRIES 1000000u

struct sr_ci_log *sr_ci_log_new(const char *command)
{
	struct sr_ci_log *log = calloc(1, sizeof *log);
	if (log && !(log->command = strdup(command))) {
		free(log);
		log = NULL;
	}
	if (log)
		log->root = -1;
	return log;
}

void sr_ci_log_free(struct sr_ci_log *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->ncases; i++) {
		struct sr_ci_case *c = &log->cases[i];
		free(c->suite);
		free(c->name);
		free(c->classname);
		free(c->type);
		free(c->message);
		free(c->details);
	}
	for (size_t i = 0; i < log->nresults; i++) {
		struct sr_ci_result *r = &log->results[i];
		free(r->artifact);
		free(r->subject);
		free(r->text);
		free(r->evidence);
		free(r->fix);
	}
	for (size_t i = 0; i < log->nerrors; i++) {
		free(log->errors[i].artifact);
		free(log->errors[i].reason);
	}
	for (size_t i = 0; i < log->nroots; i++) {
		free(log->roots[i].name);
		free(log->roots[i].host_dir);
	}
	free(log->cases);
	free(log->results);
	free(log->errors);
	free(log->roots);
	free(log->command);
	free(log);
}

/* The end of a call that adds to log: out of memory (not ok) marks the
 * log, whose report would be incomplete. */
static enum sr_err settle(struct sr_ci_log *log, bool ok)
{
	if (!ok)
		log->failed = true;
	return ok ? SR_OK : SR_E_NOMEM;
}

/* A copy of s, NULL staying NULL; *ok turns false when memory runs out. */
static char *dup(const char *s, bool *ok)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*ok = false;
	return d;
}

static char *format(bool *ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *format(bool *ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0) {
		s = NULL;
		*ok = false;
	}
	va_end(ap);
	return s;
}

/* Room for one more element of a log array. */
static void *grow(void *arr, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return arr;
	if (n >= MAX_ENTRIES)
		return NULL;
	size_t c = *cap ? *cap * 2 : 16;
	void *v = realloc(arr, c * elem);
	if (v) {
		memset((char *)v + *cap * elem, 0, (c - *cap) * elem);
		*cap = c;
	}
	return v;
}

static struct sr_ci_case *new_case(struct sr_ci_log *log)
{
	struct sr_ci_case *v = grow(log->cases, log->ncases, &log->capcases, sizeof *v);
	if (!v)
		return NULL;
	log->cases = v;
	return &v[log->ncases++];
}

static struct sr_ci_result *new_result(struct sr_ci_log *log)
{
	struct sr_ci_result *v = grow(log->results, log->nresults, &log->capresults, sizeof *v);
	if (!v)
		return NULL;
	log->results = v;
	return &v[log->nresults++];
}

/* A case for path (and rule, if not NULL) in the suite named suite
 * ("debian-12", "policy static-only", "inputs"), of class "shipready.KIND".
 * A target's name is the suite's, not the class's: consumers split class
 * names at dots, and "alpine-3.19" has one. */
static struct sr_ci_case *add_case(struct sr_ci_log *log, const char *path, const char *suite, const char *kind,
                                   const char *rule, bool *ok)
{
	bool made = true;
	char *su = dup(suite, &made), *cl = format(&made, "shipready.%s", kind);
	char *nm = rule ? format(&made, "%s: %s", path, rule) : dup(path, &made);
	struct sr_ci_case *c = made ? new_case(log) : NULL;
	if (!c) {
		/* nothing half made: the writers may trust every case */
		free(su);
		free(cl);
		free(nm);
		*ok = false;
		log->failed = true;
		return NULL;
	}
	c->suite = su;
	c->classname = cl;
	c->name = nm;
	return c;
}

/* A finding's one line: "TARGET: reason: what users see" */
static char *finding_line(const char *subject, const struct sr_finding *f, bool *ok)
{
	if (f->message)
		return format(ok, "%s: %s: %s", subject, f->reason, f->message);
	return format(ok, "%s: %s", subject, f->reason);
}

static void add_result(struct sr_ci_log *log, const char *rule, enum sr_severity sev, const char *path,
                       const char *subject, char *text, const char *evidence, const char *fix, bool *ok)
{
	long idx = sr_ci_rule_index(rule);
	bool made = text != NULL;
	char *ar = dup(path, &made), *su = dup(subject, &made), *ev = dup(evidence, &made), *fx = dup(fix, &made);
	struct sr_ci_result *r = made ? new_result(log) : NULL;
	if (!r) {
		free(text);
		free(ar);
		free(su);
		free(ev);
		free(fx);
		*ok = false;
		log->failed = true;
		return;
	}
	/* the tests hold the table to check's kinds; a kind it lacks all the
	 * same is reported, under "other" */
	r->rule = idx >= 0 ? (size_t)idx : (size_t)sr_ci_rule_index("other");
	r->root = log->root;
	r->severity = sev;
	r->artifact = ar;
	r->subject = su;
	r->text = text;
	r->evidence = ev;
	r->fix = fx;
}

/* Every finding of severity unknown or worse, one per line, into *details. */
static char *details_of(const char *subject, const struct sr_finding *fs, size_t n, bool *ok)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m) {
		*ok = false;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct sr_finding *f = &fs[i];
		if (f->severity == SR_SEV_INFO)
			continue;
		fprintf(m, "%s %s: %s: %s", sr_severity_name(f->severity), f->kind, subject, f->reason);
		if (f->message)
			fprintf(m, "\n  users see: %s", f->message);
		if (f->evidence)
			fprintf(m, "\n  evidence: %s", f->evidence);
		if (f->fix)
			fprintf(m, "\n  fix: %s", f->fix);
		fputc('\n', m);
	}
	if (fclose(m) != 0)
		*ok = false;
	if (len == 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

enum sr_err sr_ci_log_check(struct sr_ci_log *log, const char *path,
                            const struct sr_check_result *const *results, size_t n)
{
	bool ok = true;
	for (size_t j = 0; j < n && ok; j++) {
		const struct sr_check_result *res = results[j];
		const char *subject = res->target->name;
		struct sr_ci_case *c = add_case(log, path, subject, log->command, NULL, &ok);
		if (!c)
			break;
		c->details = details_of(subject, res->findings, res->nfindings, &ok);
		for (size_t k = 0; k < res->nfindings; k++) {
			const struct sr_finding *f = &res->findings[k];
			if (f->severity == SR_SEV_INFO)
				continue;
			if (f->severity == SR_SEV_FAIL && c->outcome == SR_CI_PASSED) {
				c->outcome = SR_CI_FAILED;
				c->type = dup(f->kind, &ok);
				c->message = finding_line(subject, f, &ok);
			}
			add_result(log, f->kind, f->severity, path, subject, finding_line(subject, f, &ok), f->evidence,
			           f->fix, &ok);
		}
	}
	return settle(log, ok);
}

enum sr_err sr_ci_log_policy(struct sr_ci_log *log, const char *path, const struct sr_policy *p,
                             const struct sr_violations *v)
{
	bool ok = true;
	const char *keys[32];
	size_t nk = sr_policy_rules(p, keys, sizeof keys / sizeof keys[0]);
	if (nk > sizeof keys / sizeof keys[0])
		nk = sizeof keys / sizeof keys[0];
	char *subject = format(&ok, "policy %s", sr_policy_name(p));
	if (!subject)
		return settle(log, false);
	for (size_t i = 0; i < nk && ok; i++) {
		struct sr_ci_case *c = add_case(log, path, subject, "policy", keys[i], &ok);
		if (!c)
			break;
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		for (size_t k = 0; k < v->n; k++) {
			const struct sr_violation *x = &v->v[k];
			if (strcmp(x->rule, keys[i]) != 0)
				continue;
			if (c->outcome == SR_CI_PASSED) {
				c->outcome = SR_CI_FAILED;
				c->type = dup(x->rule, &ok);
				c->message = dup(x->message, &ok);
			}
			if (m)
				fprintf(m, "%s%s%s\n", x->message, x->evidence ? "   " : "", x->evidence ? x->evidence : "");
		}
		if (!m || fclose(m) != 0)
			ok = false;
		if (len)
			c->details = buf;
		else
			free(buf);
	}
	for (size_t k = 0; k < v->n && ok; k++) {
		const struct sr_violation *x = &v->v[k];
		char rule[64];
		snprintf(rule, sizeof rule, "policy.%s", x->rule);
		add_result(log, rule, SR_SEV_FAIL, path, subject, format(&ok, "%s: %s", x->rule, x->message), x->evidence,
		           NULL, &ok);
	}
	free(subject);
	return settle(log, ok);
}

enum sr_err sr_ci_log_diff(struct sr_ci_log *log, const char *old, const char *new_, const char *logged,
                           const struct sr_diff *d, const struct sr_diff_policy *p)
{
	bool ok = true;
	char *suite = format(&ok, "diff %s", p->name);
	char *name = format(&ok, "%s → %s", old, new_);
	if (!suite || !name) {
		free(suite);
		free(name);
		return settle(log, false);
	}
	struct sr_ci_case *c = add_case(log, name, suite, "diff", NULL, &ok);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	for (size_t i = 0; c && i < d->n && ok; i++) {
		const struct sr_change *x = &d->v[i];
		const char *rule = NULL;
		bool fails = sr_diff_fails(p, x, &rule);
		if (!fails && x->effect != SR_CHANGE_REGRESSION)
			continue;
		if (m)
			fprintf(m, "%s %s: %s%s%s%s\n", fails ? "FAIL" : "worse", x->aspect, x->summary, fails ? " [" : "",
			        fails ? rule : "", fails ? "]" : "");
		if (fails && c->outcome == SR_CI_PASSED) {
			c->outcome = SR_CI_FAILED;
			c->type = format(&ok, "diff.%s", rule);
			c->message = dup(x->summary, &ok);
		}
		char id[64];
		snprintf(id, sizeof id, "diff.%s", fails ? rule : "regression");
		add_result(log, id, fails ? SR_SEV_FAIL : SR_SEV_WARN, logged, "diff",
		           format(&ok, "%s: %s (from %s)", x->aspect, x->summary, old), x->what, NULL, &ok);
	}
	if (!m || fclose(m) != 0)
		ok = false;
	if (c && len)
		c->details = buf;
	else
		free(buf);
	free(suite);
	free(name);
	return settle(log, ok);
}

enum sr_err sr_ci_log_finding(struct sr_ci_log *log, const char *path, const char *subject,
                              const struct sr_finding *f)
{
	bool ok = true;
	struct sr_ci_case *c = add_case(log, path, subject, log->command, NULL, &ok);
	if (c && f->severity != SR_SEV_INFO) {
		c->details = details_of(subject, f, 1, &ok);
		if (f->severity == SR_SEV_FAIL) {
			c->outcome = SR_CI_FAILED;
			c->type = dup(f->kind, &ok);
			c->message = finding_line(subject, f, &ok);
		}
		add_result(log, f->kind, f->severity, path, subject, finding_line(subject, f, &ok), f->evidence, f->fix,
		           &ok);
	}
	return settle(log, ok);
}

enum sr_err sr_ci_log_pass(struct sr_ci_log *log, const char *path, const char *subject)
{
	bool ok = true;
	add_case(log, path, subject, log->command, NULL, &ok);
	return settle(log, ok);
}

enum sr_err sr_ci_log_error(struct sr_ci_log *log, const char *path, const char *reason)
{
	bool ok = true;
	struct sr_ci_case *c = add_case(log, path, "inputs", "inputs", NULL, &ok);
	if (!c)
		return settle(log, false);
	c->outcome = SR_CI_ERROR;
	c->type = dup("unreadable", &ok);
	c->message = dup(reason, &ok);
	struct sr_ci_error *e = grow(log->errors, log->nerrors, &log->caperrors, sizeof *e);
	if (!e)
		return settle(log, false);
	log->errors = e;
	e = &e[log->nerrors++];
	e->root = log->root;
	e->artifact = dup(path, &ok);
	e->reason = dup(reason, &ok);
	return settle(log, ok);
}

enum sr_err sr_ci_log_root(struct sr_ci_log *log, const char *name, const char *host_dir)
{
	if (!name) {
		log->root = -1;
		return SR_OK;
	}
	bool ok = true;
	char *nm = dup(name, &ok), *hd = dup(host_dir, &ok);
	struct sr_ci_root *v = ok ? grow(log->roots, log->nroots, &log->caproots, sizeof *v) : NULL;
	if (!v) {
		free(nm);
		free(hd);
		log->failed = true;
		return settle(log, false);
	}
	log->roots = v;
	v[log->nroots] = (struct sr_ci_root){ nm, hd };
	log->root = (long)log->nroots++;
	return SR_OK;
}

/* The log array arr of *n elements and capacity *cap with the k (> 0)
 * elements of size elem at src appended (arr itself or a larger copy), or
 * NULL (arr untouched) when memory runs out or the log is full. */
static void *append(void *arr, size_t *n, size_t *cap, const void *src, size_t k, size_t elem)
{
	if (*n + k > MAX_ENTRIES)
		return NULL;
	if (*n + k > *cap) {
		size_t c = *cap ? *cap : 16;
		while (c < *n + k)
			c *= 2;
		void *v = realloc(arr, c * elem);
		if (!v)
			return NULL;
		arr = v;
		*cap = c;
	}
	memcpy((char *)arr + *n * elem, src, k * elem);
	*n += k;
	return arr;
}

enum sr_err sr_ci_log_take(struct sr_ci_log *log, struct sr_ci_log *from)
{
	if (from->failed)
		log->failed = true;
	for (size_t i = 0; i < from->nresults; i++)
		from->results[i].root = log->root;
	for (size_t i = 0; i < from->nerrors; i++)
		from->errors[i].root = log->root;
	if (from->ncases) {
		struct sr_ci_case *c =
			append(log->cases, &log->ncases, &log->capcases, from->cases, from->ncases, sizeof *c);
		if (!c)
			return settle(log, false);
		log->cases = c;
		from->ncases = 0;
	}
	if (from->nresults) {
		struct sr_ci_result *r =
			append(log->results, &log->nresults, &log->capresults, from->results, from->nresults, sizeof *r);
		if (!r)
			return settle(log, false);
		log->results = r;
		from->nresults = 0;
	}
	if (from->nerrors) {
		struct sr_ci_error *e =
			append(log->errors, &log->nerrors, &log->caperrors, from->errors, from->nerrors, sizeof *e);
		if (!e)
			return settle(log, false);
		log->errors = e;
		from->nerrors = 0;
	}
	return SR_OK;
}
