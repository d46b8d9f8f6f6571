/* Does vendor/modules.txt agree with go.mod?  The go command's own test
 * (modload's checkVendorConsistency, Go 1.19 to 1.22), which makes every
 * build with -mod=vendor fail with "inconsistent vendoring": the same
 * problems, in the same order, in the same words. */
#include "shipready/gomod.h"

#include <stdio.h>
#include <string.h>

#include "shipready/semver.h"

struct emit {
	sr_modtxt_problem_fn fn;
	void *ctx;
	size_t n;
};

/* "path" or "path@version" (cmd/go's describe). */
static const char *describe(const struct sr_gomod_version *v, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", v->path, v->version[0] ? "@" : "", v->version);
	return buf;
}

static void problem(struct emit *e, const struct sr_gomod_version *m, const char *detail)
{
	char mod[1100];
	e->n++;
	e->fn(e->ctx, describe(m, mod, sizeof mod), detail);
}

static bool same(const struct sr_gomod_version *a, const struct sr_gomod_version *b)
{
	return !strcmp(a->path, b->path) && !strcmp(a->version, b->version);
}

static bool required_at(const struct sr_gomod *m, const char *path, const char *version)
{
	for (size_t i = 0; i < m->nrequire; i++)
		if (!strcmp(m->require[i].path, path) && !strcmp(m->require[i].version, version))
			return true;
	return false;
}

/* go.mod's replacement of a module version: the one for that version,
 * else the one for every version; NULL when none (or it is the main
 * module). */
static const struct sr_gomod_version *replacement(const struct sr_gomod *m, const struct sr_gomod_version *v)
{
	if (!v->version[0] && m->module && !strcmp(m->module, v->path))
		return NULL;
	const struct sr_gomod_version *any = NULL;
	for (size_t i = 0; i < m->nreplace; i++) {
		const struct sr_gomod_replace *r = &m->replace[i];
		if (strcmp(r->old.path, v->path))
			continue;
		if (!strcmp(r->old.version, v->version))
			return &r->repl;
		if (!r->old.version[0])
			any = &r->repl;
	}
	return any;
}

size_t sr_modtxt_check(const struct sr_gomod *m, const struct sr_modtxt *t, sr_modtxt_problem_fn fn, void *ctx)
{
	struct emit e = { fn, ctx, 0 };
	char a[1100], b[1100], d[2400];
	/* a go.mod without a go line, or one older than 1.14, gets the old rules */
	char gov[64];
	snprintf(gov, sizeof gov, "v%s", m->go ? m->go : "");
	bool pre114 = sr_semver_cmp(gov, "v1.14") < 0;

	for (size_t i = 0; i < m->nrequire; i++) {
		const struct sr_gomod_require *r = &m->require[i];
		const struct sr_modtxt_module *v = sr_modtxt_find(t, r->path, r->version);
		if (v && v->is_explicit)
			continue;
		struct sr_gomod_version rv = { r->path, r->version };
		if (!pre114) {
			problem(&e, &rv, "is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt");
			continue;
		}
		const char *sel = sr_modtxt_selected(t, r->path);
		if (sel && strcmp(sel, r->version)) {
			snprintf(d, sizeof d, "is explicitly required in go.mod, but vendor/modules.txt indicates %s@%s", r->path,
			         sel);
			problem(&e, &rv, d);
		}
	}

	for (size_t i = 0; i < m->nreplace; i++) {
		const struct sr_gomod_replace *r = &m->replace[i];
		const struct sr_modtxt_module *v = sr_modtxt_find(t, r->old.path, r->old.version);
		if (!v || !v->replaced) {
			const char *sel = sr_modtxt_selected(t, r->old.path);
			if (pre114 && (!r->old.version[0] || !sel || strcmp(sel, r->old.version)))
				continue;   /* before 1.14 only replacements of a vendored version were recorded */
			problem(&e, &r->old, "is replaced in go.mod, but not marked as replaced in vendor/modules.txt");
		} else if (!same(&v->repl, &r->repl)) {
			snprintf(d, sizeof d, "is replaced by %s in go.mod, but marked as replaced by %s in vendor/modules.txt",
			         describe(&r->repl, a, sizeof a), describe(&v->repl, b, sizeof b));
			problem(&e, &r->old, d);
		}
	}

	for (size_t i = 0; i < t->nmods; i++) {
		const struct sr_modtxt_module *v = &t->mods[i];
		if (v->in_build && v->is_explicit && !required_at(m, v->mod.path, v->mod.version))
			problem(&e, &v->mod, "is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod");
	}

	for (size_t i = 0; i < t->nmods; i++) {
		const struct sr_modtxt_module *v = &t->mods[i];
		for (unsigned k = 0; k < v->replaced; k++) {
			const struct sr_gomod_version *r = replacement(m, &v->mod);
			if (!r)
				problem(&e, &v->mod, "is marked as replaced in vendor/modules.txt, but not replaced in go.mod");
			else if (!same(r, &v->repl))
			{
				snprintf(d, sizeof d, "is marked as replaced by %s in vendor/modules.txt, but replaced by %s in go.mod",
				         describe(&v->repl, a, sizeof a), describe(r, b, sizeof b));
				problem(&e, &v->mod, d);
			}
		}
	}
	return e.n;
}
