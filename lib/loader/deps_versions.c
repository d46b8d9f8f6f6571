/* shipready — symbol version checks: each Verneed of each object against the provider's Verdef, as ld.so does. */
#define _GNU_SOURCE 1   /* O_PATH */
#include "loader/deps_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/libc.h"
#include "shipready/macho.h"
#include "shipready/pe.h"

/* glibc 2.37 changed its messages from `x' quoting to 'x'. */
static bool old_quotes(struct ctx *c)
{
	struct sr_deps_session *ss = c->ss;
	for (size_t i = 0; i < c->d->object_count; i++) {
		const struct sr_elf *el = c->d->objects[i].elf;
		if (!el->soname || strcmp(el->soname, "libc.so.6") != 0)
			continue;
		/* the answer depends on this file alone: kept for the next input */
		if (ss->oldq_elf == el) {
			if (ss->oldq_known)
				return ss->oldq;
			continue;
		}
		ss->oldq_elf = el;
		ss->oldq_known = false;
		const char *best = NULL;
		for (size_t j = 0; j < el->verdef_count; j++) {
			const char *n = el->verdef[j].name;
			if (strncmp(n, "GLIBC_2.", 8) == 0 && (!best || sr_version_cmp(n + 6, best + 6) > 0))
				best = n;
		}
		if (best) {
			ss->oldq_known = true;
			ss->oldq = sr_version_cmp(best + 6, "2.37") < 0;
			return ss->oldq;
		}
	}
	return false;
}

static const char *display_name(struct ctx *c, size_t obj)
{
	return obj == 0 ? c->d->objects[0].name : c->d->objects[obj].path;
}

static void add_issue(struct ctx *c, size_t req, size_t prov, const char *ver, bool weak, bool noinfo, bool oldq)
{
	struct sr_deps *d = c->d;
	struct sr_dep_version_issue *issues = sr_arena_grow(c->a, d->issues, d->issue_count, &c->cap_issues,
	                                                    sizeof *issues, 4096);
	if (!issues)
		return;
	d->issues = issues;
	struct sr_dep_version_issue *i = &d->issues[d->issue_count++];
	i->requester = req;
	i->provider = prov;
	i->version = ver;
	i->weak = weak;
	i->no_version_info = noinfo;
	const char *lq = oldq ? "`" : "'";
	if (noinfo)
		i->message = deps_afmt(c, "%s: no version information available (required by %s)", d->objects[prov].path,
		                  display_name(c, req));
	else
		i->message = deps_afmt(c, "%s: %sversion %s%s' not found (required by %s)", d->objects[prov].path,
		                  weak ? "weak " : "", lq, ver, display_name(c, req));
	if (!weak && !noinfo)
		d->error_count++;
}

/* The key of a version check that passed: (requester, Verneed index,
 * provider), both parsed files kept by the session, so neither pointer is
 * ever reused while it lives. */
struct vok_key {
	const struct sr_elf *req, *prov;
	size_t v;
};

static bool vok_has(const struct sr_deps_session *ss, const struct sr_elf *req, size_t v, const struct sr_elf *prov)
{
	struct vok_key k = { req, prov, v };
	return sr_map_find(&ss->vok, &k, sizeof k) != NULL;
}

/* Remember a check that passed (without room or memory, checks are just
 * made again). */
static void vok_add(struct sr_deps_session *ss, const struct sr_elf *req, size_t v, const struct sr_elf *prov)
{
	struct vok_key k = { req, prov, v };
	bool fresh;
	struct sr_map_slot *e = sr_map_add(&ss->vok, &k, sizeof k, &fresh);
	if (e)
		e->val = ss;   /* any non-NULL value */
}

void deps_check_versions(struct ctx *c)
{
	struct sr_deps *d = c->d;
	if (d->loader_kind == SR_LOADER_MUSL)
		return;   /* musl ignores symbol versions */
	bool oldq = old_quotes(c);
	for (size_t o = 0; o < d->object_count; o++) {
		const struct sr_elf *el = d->objects[o].elf;
		for (size_t v = 0; v < el->verneed_count; v++) {
			const struct sr_verneed *vn = &el->verneed[v];
			/* the provider is the object this one's DT_NEEDED of that name resolved to */
			size_t prov = SR_DEPS_NONE;
			const struct obj_priv *op = &d->priv->op[o];
			for (size_t k = op->edge_first; k < op->edge_end && prov == SR_DEPS_NONE; k++)
				if (strcmp(d->edges[k].name, vn->file) == 0)
					prov = d->edges[k].to;
			if (prov == SR_DEPS_NONE)
				prov = deps_find_loaded(c, vn->file, deps_name_key(vn->file));
			if (prov == SR_DEPS_NONE)
				continue;   /* missing: already reported */
			const struct sr_elf *pe = d->objects[prov].elf;
			if (pe->verdef_count == 0) {
				if (vn->count)
					add_issue(c, o, prov, NULL, false, true, oldq);
				continue;
			}
			/* the program is this result's own: only pairs of the session's files are remembered */
			const struct sr_elf *own = d->priv->own_elf;
			bool memo = el != own && pe != own;
			if (memo && vok_has(c->ss, el, v, pe))
				continue;
			bool all = true;
			for (size_t a = 0; a < vn->count; a++) {
				bool ok = false;
				for (size_t k = 0; k < pe->verdef_count && !ok; k++)
					ok = pe->verdef[k].key == vn->vers[a].key &&
					     strcmp(pe->verdef[k].name, vn->vers[a].name) == 0;
				if (!ok) {
					all = false;
					add_issue(c, o, prov, vn->vers[a].name, (vn->vers[a].flags & 0x2) != 0, false, oldq);
				}
			}
			if (memo && all)
				vok_add(c->ss, el, v, pe);
		}
	}
}
