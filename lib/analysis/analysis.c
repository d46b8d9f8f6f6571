/* shipready — the run: each input analysed once, each root's loader session
 * made once, each resolution kept (see shipready/analysis.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "shipready/analysis.h"

/* One root and loader options: what makes two resolutions the same. */
struct deps_key {
	bool host;                 /* no root: this machine's "/" */
	dev_t dev;                 /* else the root directory's identity */
	ino_t ino;
	bool program_on_host, record_tried;
	const char *library_path;  /* or NULL (owned once kept) */
	bool cpu_given;
	struct sr_cpu_facts cpu;
};

struct session_slot {
	struct deps_key key;
	struct sr_deps_session *ss;
};

struct deps_slot {
	struct deps_key key;
	struct sr_deps *deps;      /* NULL with failed: the error below, said again on each ask */
	bool failed;
	struct sr_error err;
};

struct sr_analysis_priv {
	struct sr_run *run;
	bool root_given;
	dev_t root_dev;            /* the root it was read from (with root_given) */
	ino_t root_ino;
	bool failed;               /* the file could not be analysed: err says why */
	char rust_error[256];      /* a->rust_error's text */
	struct sr_error err;
	bool in_open, runtimes_made;
	bool needs_made;           /* needs (made on the first ask) */
	struct sr_needs needs;
	bool lent;                 /* a loader session holds in.elf (a library): it outlives the analysis */
	struct deps_slot *deps;
	size_t ndeps;
};

struct sr_run {
	struct sr_analysis **analyses;
	size_t nanalyses;
	struct sr_elf **kept;      /* parses of analyses done with that a session still holds */
	size_t nkept;
	struct session_slot *sessions;
	size_t nsessions;
};

enum sr_err sr_run_new(struct sr_run **out, struct sr_error *err)
{
	*out = calloc(1, sizeof **out);
	return *out ? SR_OK : sr_error_set(err, SR_E_NOMEM, NULL);
}

/* Free an analysis.  With keep, its parse goes to *keep instead (a session
 * still holds it: the run frees it after the sessions). */
static void analysis_free(struct sr_analysis *a, struct sr_elf **keep)
{
	struct sr_analysis_priv *p = a->priv;
	for (size_t i = 0; i < p->ndeps; i++) {
		sr_deps_free(p->deps[i].deps);
		free((char *)p->deps[i].key.library_path);
	}
	free(p->deps);
	sr_rust_deps_free(&a->rust);
	if (p->runtimes_made)
		sr_runtimes_free(&a->runtimes);
	if (p->needs_made)
		sr_needs_free(&p->needs);
	if (p->in_open && keep) {
		*keep = a->in.elf;
		a->in.elf = NULL;
	}
	if (p->in_open)
		sr_inspect_free(&a->in);
	free((char *)a->path);
	free(p);
	free(a);
}

void sr_run_free(struct sr_run *run)
{
	if (!run)
		return;
	/* resolutions hold a session's parses: they go first, then the
	 * sessions, which may hold an analysis's parse (borrowed), then those */
	for (size_t i = 0; i < run->nanalyses; i++) {
		struct sr_analysis_priv *p = run->analyses[i]->priv;
		for (size_t k = 0; k < p->ndeps; k++) {
			sr_deps_free(p->deps[k].deps);
			p->deps[k].deps = NULL;
		}
	}
	for (size_t i = 0; i < run->nsessions; i++) {
		sr_deps_session_free(run->sessions[i].ss);
		free((char *)run->sessions[i].key.library_path);
	}
	free(run->sessions);
	for (size_t i = 0; i < run->nanalyses; i++)
		analysis_free(run->analyses[i], NULL);
	free(run->analyses);
	for (size_t i = 0; i < run->nkept; i++)
		sr_elf_free(run->kept[i]);
	free(run->kept);
	free(run);
}

void sr_run_done(struct sr_run *run, struct sr_analysis *a)
{
	size_t i = 0;
	while (i < run->nanalyses && run->analyses[i] != a)
		i++;
	if (i == run->nanalyses)
		return;
	if (a->priv->lent && a->priv->in_open) {
		struct sr_elf **grown = realloc(run->kept, (run->nkept + 1) * sizeof *grown);
		if (!grown)
			return;   /* out of memory: it stays until sr_run_free */
		run->kept = grown;
		analysis_free(a, &run->kept[run->nkept++]);
	} else {
		analysis_free(a, NULL);
	}
	memmove(&run->analyses[i], &run->analyses[i + 1], (run->nanalyses - i - 1) * sizeof *run->analyses);
	run->nanalyses--;
}

static bool root_identity(const struct sr_root *root, dev_t *dev, ino_t *ino)
{
	return root && sr_root_identity(root, dev, ino);
}

/* Make the analysis: the file parsed once, then what is derived from the
 * parse.  Its runtimes are kept whatever the command; its needs are made
 * on the first ask (sr_analysis_needs). */
static void analyse(struct sr_analysis *a, const struct sr_root *root, int fd)
{
	struct sr_analysis_priv *p = a->priv;
	enum sr_err rc = fd >= 0 ? sr_inspect_fd_root(root, a->path, fd, &a->in, &p->err)
	                 : root  ? sr_inspect_path_root(root, a->path, &a->in, &p->err)
	                         : sr_inspect_path(a->path, &a->in, &p->err);
	if (rc != SR_OK) {
		p->failed = true;
		return;
	}
	p->in_open = true;
	if (sr_runtimes_from_inspect(&a->in, &a->runtimes, &p->err) != SR_OK) {
		p->failed = true;
		return;
	}
	p->runtimes_made = true;
	sr_language_of(&a->in, &a->lang);
	const struct sr_image *img = sr_inspect_image(&a->in);
	const struct sr_image_sect *s = img ? sr_image_section(img, SR_RUST_DEPS_SECTION) : NULL;
	struct sr_reader sec;
	if (s) {
		const void *bytes = NULL;
		if (s->in_file && sr_reader_sub(&img->file, s->offset, s->size, &sec) == SR_OK)
			bytes = sr_reader_at(&sec, 0, sec.len);
		struct sr_error re = { 0 };
		if (!bytes)
			sr_error_set(&re, SR_E_TRUNCATED, ".dep-v0: cannot be read");
		if (!bytes || sr_rust_deps_parse(bytes, sec.len, &a->rust, &re) != SR_OK) {
			snprintf(p->rust_error, sizeof p->rust_error, "%s", sr_error_message(&re));
			a->rust_error = p->rust_error;
		}
	}
}

enum sr_err sr_analysis_needs(const struct sr_analysis *a, const struct sr_needs **out, struct sr_error *err)
{
	struct sr_analysis_priv *p = a->priv;
	*out = NULL;
	if (!p->needs_made) {
		enum sr_err rc = sr_needs_from_inspect(&a->in, &p->needs, err);
		if (rc != SR_OK)
			return rc;   /* out of memory: asked again, tried again */
		p->needs_made = true;
	}
	*out = &p->needs;
	return SR_OK;
}

/* sr_run_analyse, and sr_run_analyse_fd with fd >= 0 (taken over). */
static enum sr_err run_analyse(struct sr_run *run, const struct sr_root *root, const char *path, int fd,
                               struct sr_analysis **out, struct sr_error *err)
{
	*out = NULL;
	dev_t rdev = 0;
	ino_t rino = 0;
	bool rooted = root && root_identity(root, &rdev, &rino);
	for (size_t i = 0; i < run->nanalyses; i++) {
		struct sr_analysis *a = run->analyses[i];
		const struct sr_analysis_priv *p = a->priv;
		if (strcmp(a->path, path) != 0 || p->root_given != rooted ||
		    (rooted && (p->root_dev != rdev || p->root_ino != rino)))
			continue;
		if (fd >= 0)
			close(fd);   /* made already */
		if (p->failed) {
			*err = p->err;
			return p->err.code;
		}
		*out = a;
		return SR_OK;
	}
	struct sr_analysis **grown = realloc(run->analyses, (run->nanalyses + 1) * sizeof *grown);
	if (!grown) {
		if (fd >= 0)
			close(fd);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	run->analyses = grown;
	struct sr_analysis *a = calloc(1, sizeof *a);
	struct sr_analysis_priv *p = a ? calloc(1, sizeof *p) : NULL;
	char *copy = p ? strdup(path) : NULL;
	if (!copy) {
		free(p);
		free(a);
		if (fd >= 0)
			close(fd);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	a->path = copy;
	a->priv = p;
	p->run = run;
	p->root_given = rooted;
	p->root_dev = rdev;
	p->root_ino = rino;
	run->analyses[run->nanalyses++] = a;
	analyse(a, rooted || fd >= 0 ? root : NULL, fd);
	if (p->failed) {
		*err = p->err;
		return p->err.code;
	}
	*out = a;
	return SR_OK;
}

enum sr_err sr_run_analyse(struct sr_run *run, const struct sr_root *root, const char *path,
                           struct sr_analysis **out, struct sr_error *err)
{
	return run_analyse(run, root, path, -1, out, err);
}

enum sr_err sr_run_analyse_fd(struct sr_run *run, const struct sr_root *root, const char *path, int fd,
                              struct sr_analysis **out, struct sr_error *err)
{
	return run_analyse(run, root, path, fd, out, err);
}

bool sr_analysis_read_in(const struct sr_analysis *a, const struct sr_root *root)
{
	dev_t dev;
	ino_t ino;
	return a->priv->root_given && root_identity(root, &dev, &ino) && dev == a->priv->root_dev &&
	       ino == a->priv->root_ino;
}

static bool key_equal(const struct deps_key *x, const struct deps_key *y)
{
	return x->host == y->host && (x->host || (x->dev == y->dev && x->ino == y->ino)) &&
	       x->program_on_host == y->program_on_host && x->record_tried == y->record_tried &&
	       !x->library_path == !y->library_path &&
	       (!x->library_path || strcmp(x->library_path, y->library_path) == 0) && x->cpu_given == y->cpu_given &&
	       (!x->cpu_given || memcmp(&x->cpu, &y->cpu, sizeof x->cpu) == 0);
}

static enum sr_err key_of(const struct sr_deps_opts *o, struct deps_key *k, struct sr_error *err)
{
	memset(k, 0, sizeof *k);
	k->host = !o->root;
	if (o->root && !root_identity(o->root, &k->dev, &k->ino))
		return sr_error_set(err, SR_E_IO, "cannot stat the root %s", o->root->dir ? o->root->dir : "");
	k->program_on_host = o->root && o->program_on_host;
	k->record_tried = o->record_tried;
	k->library_path = o->library_path;   /* borrowed until kept (key_keep) */
	if (o->cpu) {
		k->cpu_given = true;
		k->cpu = *o->cpu;
	}
	return SR_OK;
}

/* A key's own copy of its strings, for keeping it. */
static bool key_keep(struct deps_key *k)
{
	if (!k->library_path)
		return true;
	char *copy = strdup(k->library_path);
	k->library_path = copy;
	return copy != NULL;
}

/* The run's loader session for a root and options: one per run. */
static enum sr_err session_for(struct sr_run *run, const struct deps_key *key, const struct sr_deps_opts *opts,
                               struct sr_deps_session **out, struct sr_error *err)
{
	for (size_t i = 0; i < run->nsessions; i++)
		if (key_equal(&run->sessions[i].key, key)) {
			*out = run->sessions[i].ss;
			return SR_OK;
		}
	struct session_slot *grown = realloc(run->sessions, (run->nsessions + 1) * sizeof *grown);
	if (!grown)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	run->sessions = grown;
	struct session_slot *s = &run->sessions[run->nsessions];
	s->key = *key;
	if (!key_keep(&s->key))
		return sr_error_set(err, SR_E_NOMEM, NULL);
	enum sr_err rc = sr_deps_session_new(opts, &s->ss, err);
	if (rc != SR_OK) {
		free((char *)s->key.library_path);
		return rc;
	}
	run->nsessions++;
	*out = s->ss;
	return SR_OK;
}

enum sr_err sr_analysis_deps(struct sr_analysis *a, const struct sr_deps_opts *opts, const struct sr_deps **out,
                             struct sr_error *err)
{
	*out = NULL;
	struct sr_analysis_priv *p = a->priv;
	static const struct sr_deps_opts none = { 0 };
	if (!opts)
		opts = &none;
	if (a->in.format != SR_FMT_ELF || !a->in.elf)
		return sr_error_set(err, SR_E_UNSUPPORTED, "not an ELF file: the loader model reads ELF only");
	struct deps_key key;
	enum sr_err rc = key_of(opts, &key, err);
	if (rc != SR_OK)
		return rc;
	/* the loader looks the program up where the analysis read it */
	if (p->root_given ? key.host || key.dev != p->root_dev || key.ino != p->root_ino
	                  : !key.host && !key.program_on_host)
		return sr_error_set(err, SR_E_USAGE, "the loader would read another file than the one analysed");
	for (size_t i = 0; i < p->ndeps; i++) {
		struct deps_slot *d = &p->deps[i];
		if (!key_equal(&d->key, &key))
			continue;
		if (d->failed) {
			*err = d->err;
			return d->err.code;
		}
		*out = d->deps;
		return SR_OK;
	}
	struct deps_slot *grown = realloc(p->deps, (p->ndeps + 1) * sizeof *grown);
	if (!grown)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	p->deps = grown;
	struct sr_deps_session *ss = NULL;
	if ((rc = session_for(p->run, &key, opts, &ss, err)) != SR_OK)
		return rc;
	struct deps_slot *d = &p->deps[p->ndeps];
	memset(d, 0, sizeof *d);
	d->key = key;
	if (!key_keep(&d->key))
		return sr_error_set(err, SR_E_NOMEM, NULL);
	p->ndeps++;
	bool kept = false;
	rc = sr_deps_session_resolve_parsed(ss, a->path, a->in.elf, &kept, &d->deps, &d->err);
	p->lent |= kept;
	if (rc != SR_OK) {
		d->failed = true;
		*err = d->err;
		return d->err.code;
	}
	*out = d->deps;
	return SR_OK;
}
