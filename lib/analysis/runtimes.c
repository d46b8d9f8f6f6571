/* shipready — the article's question: what must be installed on the target
 * for this binary to run (nothing / a C library / libstdc++ / .NET / …)? */
#include <stdio.h>
#include <string.h>

#include "shipready/runtimes.h"
#include "util/arena.h"

struct sr_runtimes_priv {
	struct sr_arena *arena;
};

struct rctx {
	struct sr_arena *a;
	struct sr_runtimes *r;
	size_t cap;
};

static void add(struct rctx *c, const char *name, const char *detail)
{
	for (size_t i = 0; i < c->r->n; i++)
		if (strcmp(c->r->v[i].name, name) == 0 && ((!detail && !c->r->v[i].detail) ||
		                                            (detail && c->r->v[i].detail &&
		                                             strcmp(detail, c->r->v[i].detail) == 0)))
			return;
	struct sr_runtime *v = sr_arena_grow(c->a, c->r->v, c->r->n, &c->cap, sizeof *v, 4096);
	if (!v)
		return;
	c->r->v = v;
	v[c->r->n++] = (struct sr_runtime){ name, detail ? sr_arena_strdup(c->a, detail) : NULL };
}

static const struct sr_vermax *vermax(const struct sr_elf *e, const char *family)
{
	for (size_t i = 0; i < e->vermax_count; i++)
		if (strcmp(e->vermax[i].family, family) == 0)
			return &e->vermax[i];
	return NULL;
}

static void elf_runtimes(struct rctx *c, const struct sr_elf *e)
{
	if (!e->has_interp && !(e->kind == SR_ELF_KIND_SHARED && e->needed.count))
		return;   /* static: the kernel is all it needs */
	char buf[256];
	if (e->interpreter)
		add(c, "dynamic loader", e->interpreter);
	const struct sr_vermax *g = vermax(e, "GLIBC");
	if (e->libc == SR_LIBC_GLIBC || g) {
		if (g)
			snprintf(buf, sizeof buf, "≥ %s (%s)", g->version, g->name);
		add(c, "glibc", g ? buf : NULL);
	} else if (e->libc == SR_LIBC_MUSL) {
		add(c, "musl", NULL);
	}
	for (size_t i = 0; i < e->needed.count; i++) {
		const char *n = e->needed.items[i];
		if (sr_libc_part(n))
			continue;
		if (strcmp(n, "libstdc++.so.6") == 0) {
			const struct sr_vermax *x = vermax(e, "GLIBCXX");
			if (x)
				snprintf(buf, sizeof buf, "≥ %s (%s)", x->version, x->name);
			add(c, "libstdc++", x ? buf : NULL);
		} else if (strcmp(n, "libgcc_s.so.1") == 0) {
			add(c, "libgcc_s", NULL);
		} else {
			add(c, "library", n);
		}
	}
}

enum sr_err sr_runtimes_from_inspect(const struct sr_inspect *in, struct sr_runtimes *out, struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	struct sr_arena *a = sr_arena_new();
	struct sr_runtimes_priv *p = a ? sr_arena_alloc(a, sizeof *p) : NULL;
	if (!p) {
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	p->arena = a;
	out->priv = p;
	struct rctx c = { .a = a, .r = out };
	if (in->elf) {
		elf_runtimes(&c, in->elf);
	} else if (in->pe) {
		const struct sr_pe *pe = in->pe;
		if (pe->clr) {
			char buf[64];
			snprintf(buf, sizeof buf, "CLR header %u.%u", pe->clr_major, pe->clr_minor);
			add(&c, ".NET", buf);
		}
		for (size_t i = 0; i < pe->ndlls; i++) {
			if (pe->dlls[i].dll_class == SR_PE_DLL_RUNTIME)
				add(&c, "redistributable runtime", pe->dlls[i].name);
			else if (pe->dlls[i].dll_class == SR_PE_DLL_APP)
				add(&c, "library", pe->dlls[i].name);
		}
	} else if (in->macho) {
		for (size_t s = 0; s < in->macho->nslices; s++) {
			const struct sr_macho_slice *sl = &in->macho->slices[s];
			for (size_t i = 0; sl->parsed && i < sl->ndylibs; i++) {
				const char *n = sl->dylibs[i].name;
				if (strncmp(n, "/usr/lib/", 9) == 0 || strncmp(n, "/System/", 8) == 0)
					continue;   /* part of macOS */
				add(&c, "library", n);
			}
		}
	}
	return SR_OK;
}

void sr_runtimes_free(struct sr_runtimes *r)
{
	if (r && r->priv)
		sr_arena_free(r->priv->arena);
	if (r)
		memset(r, 0, sizeof *r);
}
