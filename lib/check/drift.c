/* shipready — a Go binary's build info against its source tree (shipready/drift.h). */
#include "shipready/drift.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/policy_internal.h"
#include "shipready/file.h"
#include "util/arena.h"
#include "util/spawn.h"

struct sr_drift_priv {
	struct sr_arena *arena;
	size_t cap;
};

/* ---------- the source ---------- */

/* Run git -C dir ARGS with stdout into out (size bytes, NUL-terminated,
 * cut when longer; *more set when there was more).  The exit status, or
 * -1 when git could not be run. */
static int run_git(const char *dir, const char *const *args, char *out, size_t size, bool *more)
{
	const char *argv[16] = { "git", "-C", dir };
	size_t n = 3;
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	struct sr_spawn sp = { .capture = 1, .out = out, .size = size };
	int rc = sr_spawn_run(argv, &sp);
	*more = sp.more;
	return rc < 0 ? -1 : rc;
}

static void git_state(struct sr_drift_source *s)
{
	char out[256];
	bool more;
	static const char *const inside[] = { "rev-parse", "--is-inside-work-tree", NULL };
	int rc = run_git(s->dir, inside, out, sizeof out, &more);
	if (rc < 0) {
		snprintf(s->git_why, sizeof s->git_why, "the git program could not be run");
		return;
	}
	if (rc != 0 || strncmp(out, "true", 4) != 0) {
		snprintf(s->git_why, sizeof s->git_why, "not a git work tree");
		return;
	}
	s->git = true;
	static const char *const head[] = { "rev-parse", "HEAD", NULL };
	if (run_git(s->dir, head, out, sizeof out, &more) == 0) {
		size_t hl = strcspn(out, "\n");
		if (hl >= sizeof s->head)
			hl = sizeof s->head - 1;
		memcpy(s->head, out, hl);
		s->head[hl] = '\0';
	} else {
		snprintf(s->git_why, sizeof s->git_why, "the repository has no commit");
	}
	/* HEAD's commit time as the go command writes vcs.time: UTC, RFC 3339, seconds */
	static const char *const when[] = { "-c", "log.showsignature=false", "show", "-s", "--format=%ct", "HEAD", NULL };
	if (s->head[0] && run_git(s->dir, when, out, sizeof out, &more) == 0) {
		char *end;
		long long t = strtoll(out, &end, 10);
		time_t tt = (time_t)t;
		struct tm tm;
		if (end != out && gmtime_r(&tt, &tm))
			strftime(s->head_time, sizeof s->head_time, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	/* as the go command decides vcs.modified: any line of git status --porcelain */
	static const char *const status[] = { "status", "--porcelain", NULL };
	char st[64];
	if (run_git(s->dir, status, st, sizeof st, &more) == 0)
		s->dirty = st[0] != '\0';
}

static enum sr_err read_text(const char *path, struct sr_file *f, const char **text, size_t *len,
                             struct sr_error *err)
{
	enum sr_err rc = sr_file_open(path, f, err);
	if (rc == SR_E_EMPTY) {
		memset(f, 0, sizeof *f);
		*text = "";
		*len = 0;
		return SR_OK;
	}
	if (rc != SR_OK)
		return rc;
	*len = f->r.len;
	*text = (const char *)sr_reader_at(&f->r, 0, f->r.len);
	if (!*text) {
		sr_file_close(f);
		return sr_error_set(err, SR_E_IO, "%s: cannot read", path);
	}
	return SR_OK;
}

enum sr_err sr_drift_source_open(const char *dir, struct sr_drift_source *s, struct sr_error *err)
{
	memset(s, 0, sizeof *s);
	s->dir = dir;
	char path[4096];
	snprintf(path, sizeof path, "%s/go.mod", dir);
	struct sr_file f;
	const char *text;
	size_t len;
	enum sr_err rc = read_text(path, &f, &text, &len, err);
	if (rc == SR_E_NOENT)
		return sr_error_set(err, SR_E_NOENT, "no go.mod (the source of a Go module)");
	if (rc != SR_OK)
		return rc;
	struct sr_error perr = { 0 };
	rc = sr_gomod_parse(text, len, &s->mod, &perr);
	if (len)
		sr_file_close(&f);
	if (rc != SR_OK)
		return sr_error_set(err, rc, "go.mod: %s", sr_error_message(&perr));
	snprintf(path, sizeof path, "%s/go.sum", dir);
	rc = read_text(path, &f, &text, &len, err);
	if (rc == SR_OK) {
		rc = sr_gosum_parse(text, len, &s->sum, &perr);
		if (len)
			sr_file_close(&f);
		if (rc != SR_OK) {
			sr_gomod_free(&s->mod);
			return sr_error_set(err, rc, "go.sum: %s", sr_error_message(&perr));
		}
		s->have_sum = true;
	} else if (rc != SR_E_NOENT) {
		sr_gomod_free(&s->mod);
		return rc;
	}
	snprintf(path, sizeof path, "%s/vendor/modules.txt", dir);
	rc = read_text(path, &f, &text, &len, err);
	if (rc == SR_OK) {
		rc = sr_modtxt_parse(text, len, &s->vendor, &perr);
		if (len)
			sr_file_close(&f);
		if (rc != SR_OK) {
			sr_drift_source_close(s);
			return sr_error_set(err, rc, "vendor/modules.txt: %s", sr_error_message(&perr));
		}
		s->have_vendor = true;
	} else if (rc != SR_E_NOENT) {
		sr_drift_source_close(s);
		return rc;
	}
	git_state(s);
	return SR_OK;
}

void sr_drift_source_close(struct sr_drift_source *s)
{
	sr_gomod_free(&s->mod);
	if (s->have_sum)
		sr_gosum_free(&s->sum);
	if (s->have_vendor)
		sr_modtxt_free(&s->vendor);
	memset(s, 0, sizeof *s);
}

/* ---------- the comparison ---------- */

struct cmp {
	struct sr_drift *d;
	struct sr_arena *a;
	bool oom;
};

static void item(struct cmp *c, const char *kind, bool drift, const char *what, const char *binary, const char *source)
{
	struct sr_drift *d = c->d;
	struct sr_drift_item *v = sr_arena_grow(c->a, d->items, d->nitems, &d->priv->cap, sizeof *v, (size_t)1 << 16);
	const char *w = sr_arena_strdup(c->a, what), *b = sr_arena_strdup(c->a, binary ? binary : "");
	const char *s = sr_arena_strdup(c->a, source ? source : "");
	if (!v || !w || !b || !s) {
		c->oom = true;
		return;
	}
	d->items = v;
	d->items[d->nitems++] = (struct sr_drift_item){ kind, drift, w, b, s };
	d->ndrift += drift;
}

static const char *setting(const struct sr_go_modinfo *m, const char *key, char *buf, size_t size)
{
	const struct sr_go_setting *s = sr_go_modinfo_setting(m, key);
	if (!s)
		return NULL;
	snprintf(buf, size, "%.*s", (int)s->value_len, s->value);
	return buf;
}

static const struct sr_gomod_require *required(const struct sr_gomod *m, const char *path)
{
	for (size_t i = 0; i < m->nrequire; i++)
		if (!strcmp(m->require[i].path, path))
			return &m->require[i];
	return NULL;
}

/* go.mod's replacement of path at version: one for that version first, else one for every version. */
static const struct sr_gomod_replace *replaced(const struct sr_gomod *m, const char *path, const char *version)
{
	const struct sr_gomod_replace *any = NULL;
	for (size_t i = 0; i < m->nreplace; i++) {
		const struct sr_gomod_replace *r = &m->replace[i];
		if (strcmp(r->old.path, path))
			continue;
		if (!strcmp(r->old.version, version))
			return r;
		if (!r->old.version[0])
			any = r;
	}
	return any;
}

static void go_release(struct cmp *c, const struct sr_go_info *g, const struct sr_drift_source *s)
{
	struct sr_policy_gover_bin b;
	sr_policy_gover_parse_bin(g->version, &b);
	if (b.kind != SR_POLICY_GOVER_EXACT)
		return;
	struct sr_policy_gover want;
	char src[96];
	if (s->mod.go && sr_policy_gover_parse_min(s->mod.go, &want) && sr_policy_gover_cmp(&b.lo, &want) < 0) {
		snprintf(src, sizeof src, "go %s", s->mod.go);
		item(c, "go-release", true, "Go release", g->version, src);
	}
	if (s->mod.toolchain && strcmp(s->mod.toolchain, "default") != 0 &&
	    sr_policy_gover_parse_min(s->mod.toolchain, &want) && sr_policy_gover_cmp(&b.lo, &want) < 0) {
		snprintf(src, sizeof src, "toolchain %s", s->mod.toolchain);
		item(c, "go-release", true, "Go release", g->version, src);
	}
}

static void deps(struct cmp *c, const struct sr_go_modinfo *m, const struct sr_drift_source *s)
{
	char bin[600], src[600];
	for (size_t i = 0; i < m->ndeps; i++) {
		const struct sr_go_module *d = &m->deps[i], *r = d->replace;
		const struct sr_gomod_require *q = required(&s->mod, d->path);
		if (!q)
			item(c, "dep-missing", true, d->path, d->version, "");
		else if (strcmp(q->version, d->version))
			item(c, "dep-version", true, d->path, d->version, q->version);
		const struct sr_gomod_replace *gr = replaced(&s->mod, d->path, d->version);
		/* a directory replacement is recorded at "(devel)"; go.mod gives it no version */
		const char *rv = r && strcmp(r->version, "(devel)") ? r->version : "";
		if (r || gr) {
			snprintf(bin, sizeof bin, "%s%s%s%s", r ? "=> " : "", r ? r->path : "", rv[0] ? " " : "", rv);
			snprintf(src, sizeof src, "%s%s%s%s", gr ? "=> " : "", gr ? gr->repl.path : "",
			         gr && gr->repl.version[0] ? " " : "", gr ? gr->repl.version : "");
			if (strcmp(bin, src))
				item(c, "replace", true, d->path, bin, src);
		}
		/* the code linked in: the replacement's, when it is a module */
		const char *path = r ? r->path : d->path, *version = r ? rv : d->version, *sum = r ? r->sum : d->sum;
		if (!s->have_sum || !sum || !sum[0] || !version[0])
			continue;
		const char *h = sr_gosum_hash(&s->sum, path, version);
		snprintf(bin, sizeof bin, "%s %s", version, sum);
		if (!h) {
			item(c, "sum-missing", true, path, bin, "");
		} else if (strcmp(h, sum)) {
			snprintf(src, sizeof src, "%s %s", version, h);
			item(c, "sum-mismatch", true, path, bin, src);
		}
	}
}

static void vendor_problem(void *ctx, const char *module, const char *detail)
{
	item(ctx, "vendor-inconsistent", true, module, "", detail);
}

/* vendor/modules.txt: consistent with go.mod (or no vendored build would
 * start), and the versions it vendors are the binary's. */
static void vendor(struct cmp *c, const struct sr_go_modinfo *m, const struct sr_drift_source *s)
{
	if (!s->have_vendor)
		return;
	sr_modtxt_check(&s->mod, &s->vendor, vendor_problem, c);
	/* a build with -mod=vendor records the same build info as one with
	 * -mod=mod (Go 1.19 to 1.22: hashes from go.sum, no -mod setting): the
	 * versions are what can be compared */
	for (size_t i = 0; i < m->ndeps; i++) {
		const struct sr_go_module *d = &m->deps[i];
		const char *v = sr_modtxt_selected(&s->vendor, d->path);
		if (!v)
			item(c, "vendor-missing", true, d->path, d->version, "");
		else if (strcmp(v, d->version))
			item(c, "vendor-version", true, d->path, d->version, v);
	}
}

static void vcs(struct cmp *c, const struct sr_go_modinfo *m, const struct sr_drift_source *s)
{
	char rev[128], mod[16], trim[16];
	const char *r = setting(m, "vcs.revision", rev, sizeof rev);
	const char *md = setting(m, "vcs.modified", mod, sizeof mod);
	if (!r)
		item(c, "note", false, "vcs", "no VCS stamp (built outside a repository, or with -buildvcs=false)", "");
	if (md && !strcmp(md, "true"))
		item(c, "vcs-modified", true, "vcs.modified", "true", "");
	if (!s->git) {
		item(c, "note", false, "git", "", s->git_why);
	} else {
		char when[64];
		const char *t = setting(m, "vcs.time", when, sizeof when);
		if (r && s->head[0] && strcmp(r, s->head))
			item(c, "vcs-revision", true, "vcs.revision", r, s->head);
		else if (r && t && s->head_time[0] && strcmp(t, s->head_time))   /* the same commit, another time */
			item(c, "vcs-time", true, "vcs.time", t, s->head_time);
		if (s->dirty)
			item(c, "note", false, "git", "", "the work tree has uncommitted changes now");
	}
	const char *t = setting(m, "-trimpath", trim, sizeof trim);
	if (!t || strcmp(t, "true"))
		item(c, "note", false, "-trimpath", "absent", "a reproducible release builds with -trimpath");
	char cgo[16];
	const char *e = setting(m, "CGO_ENABLED", cgo, sizeof cgo);
	if (e && !strcmp(e, "1"))
		item(c, "note", false, "CGO_ENABLED", "1",
		     "the build used the build machine's C compiler and C library: set CGO_ENABLED=0, or pin the C toolchain "
		     "to rebuild the same bytes");
	else if (!e)
		item(c, "note", false, "CGO_ENABLED", "absent", "no build settings (built before Go 1.18): cgo use unknown");
}

enum sr_err sr_drift_compare(const struct sr_go_info *g, const struct sr_drift_source *s, struct sr_drift *out,
                             struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	const struct sr_go_modinfo *m = g && g->is_go && g->bi ? g->bi->mod : NULL;
	if (!m || !m->main.path || !m->main.path[0])
		return sr_error_set(err, SR_E_UNSUPPORTED, "no module build info (not a Go binary built in module mode)");
	struct sr_arena *a = sr_arena_new();
	struct sr_drift_priv *p = a ? sr_arena_alloc(a, sizeof *p) : NULL;
	if (!p) {
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	p->arena = a;
	out->priv = p;
	struct cmp c = { out, a, false };
	if (!s->mod.module || strcmp(m->main.path, s->mod.module))
		item(&c, "module", true, "module path", m->main.path, s->mod.module ? s->mod.module : "");
	go_release(&c, g, s);
	deps(&c, m, s);
	vendor(&c, m, s);
	vcs(&c, m, s);
	if (c.oom) {
		sr_drift_free(out);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	return SR_OK;
}

void sr_drift_free(struct sr_drift *d)
{
	if (d && d->priv)
		sr_arena_free(d->priv->arena);
	if (d)
		memset(d, 0, sizeof *d);
}
