/* What a binary's bytes are (see shipready/size.h): the parse's sections and
 * the Go reader's package sizes, grouped by module with its build info. */
#include "shipready/size.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

struct sr_size_priv {
	struct sr_arena *a;
};

/* Largest first, then by name: the same order for the same file. */
static int by_bytes(const void *x, const void *y)
{
	const struct sr_size_part *a = x, *b = y;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void sections_of(struct sr_size *s, const struct sr_image *img, struct sr_arena *a)
{
	if (!img || !img->nsects)
		return;
	s->sections = sr_arena_array(a, img->nsects, sizeof *s->sections);
	if (!s->sections)
		return;
	for (size_t i = 0; i < img->nsects; i++) {
		const struct sr_image_sect *x = &img->sects[i];
		uint64_t bytes = x->size;
		/* a PE section's size is its bytes in the file; one with none
		 * (uninitialised data) has its size in memory in its segment (the
		 * PE parser makes one per section, in the same order) */
		if (img->format == SR_IMAGE_PE && !x->in_file && img->nsegs == img->nsects)
			bytes = img->segs[i].memsz;
		if (!x->name || !x->name[0] || bytes == 0)
			continue;   /* the ELF null section, empty ones */
		s->sections[s->nsections++] = (struct sr_size_part){ .name = x->name, .bytes = bytes,
			                                             .in_file = x->in_file };
	}
	qsort(s->sections, s->nsections, sizeof *s->sections, by_bytes);
}

/* The module of each package, and each module's total. */
static void go_of(struct sr_size *s, const struct sr_go_info *g, struct sr_arena *a)
{
	if (!g || !g->is_go)
		return;
	const struct sr_go_linked *gl = sr_go_linked(g);
	if (!gl->package_sizes || !gl->npackages)
		return;
	const struct sr_go_modinfo *m = g->bi ? g->bi->mod : NULL;
	s->go = true;
	s->nfunc = g->nfunc;
	s->packages = sr_arena_array(a, gl->npackages, sizeof *s->packages);
	/* at most one module per package, and std and (unknown) */
	s->modules = sr_arena_array(a, gl->npackages + 2, sizeof *s->modules);
	if (!s->packages || !s->modules) {
		s->go = false;
		return;
	}
	s->unattributed = (struct sr_size_part){ .name = "(no package)", .bytes = gl->unattributed.bytes,
		                                 .count = gl->unattributed.funcs };
	s->go_text_bytes = gl->unattributed.bytes;
	for (size_t i = 0; i < gl->npackages; i++) {
		const struct sr_go_module *mod = sr_go_package_module(m, gl->packages[i]);
		bool main_pkg = strcmp(gl->packages[i], "main") == 0;   /* its symbols say "main", not its path */
		if (main_pkg && m && m->main.path && m->main.path[0])
			mod = &m->main;
		const char *mp = mod ? mod->path
		               : sr_go_package_is_std(m, gl->packages[i]) && !main_pkg ? "std" : "(unknown)";
		s->packages[i] = (struct sr_size_part){ .name = gl->packages[i], .module = mp,
			                                .bytes = gl->package_sizes[i].bytes,
			                                .count = gl->package_sizes[i].funcs };
		s->go_text_bytes += gl->package_sizes[i].bytes;
		size_t k = 0;
		while (k < s->nmodules && strcmp(s->modules[k].name, mp) != 0)
			k++;   /* a few dozen modules: a scan is enough */
		if (k == s->nmodules) {
			const char *v = mod ? (mod->replace && mod->replace->version[0] ? mod->replace->version : mod->version)
			                    : NULL;
			s->modules[s->nmodules++] = (struct sr_size_part){ .name = mp, .version = v && v[0] ? v : NULL };
		}
		s->modules[k].bytes += s->packages[i].bytes;
		s->modules[k].count++;
	}
	qsort(s->packages, gl->npackages, sizeof *s->packages, by_bytes);
	s->npackages = gl->npackages;
	qsort(s->modules, s->nmodules, sizeof *s->modules, by_bytes);
}

enum sr_err sr_size_make(const struct sr_analysis *an, struct sr_size **out, struct sr_error *err)
{
	*out = NULL;
	struct sr_arena *a = sr_arena_new();
	struct sr_size *s = a ? sr_arena_alloc(a, sizeof *s) : NULL;
	struct sr_size_priv *p = s ? sr_arena_alloc(a, sizeof *p) : NULL;
	if (!p) {
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	p->a = a;
	s->priv = p;
	s->file_bytes = an->in.file.r.len;
	sections_of(s, sr_inspect_image(&an->in), a);
	go_of(s, an->in.go ? an->in.go : an->in.macho_go ? an->in.macho_go[0] : NULL, a);
	*out = s;
	return SR_OK;
}

void sr_size_free(struct sr_size *s)
{
	if (s)
		sr_arena_free(s->priv->a);
}
