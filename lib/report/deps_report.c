/* deps reports: the explained tree, the ldd-like flat list, JSON, and graphs.
 * Strings that come from files are printed with control bytes escaped. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_util.h"
#include "report/text_util.h"
#include "shipready/report.h"

/* ---------- text helpers ---------- */

/* A text report is built in memory and written with one fwrite: a tree is
 * made of many small pieces, and stdio's cost per call was a fifth of a
 * whole `deps` run. */
struct tbuf {
	FILE *f;
	char *d;                 /* the caller's first buffer (on its stack), then the heap's */
	size_t n, cap;
	bool failed;
	bool heap;               /* d is malloc'd */
};

static void tb_write_slow(struct tbuf *t, const void *p, size_t n)
{
	if (t->failed || n == 0)
		return;
	if (n > t->cap - t->n) {
		size_t cap = t->cap ? t->cap : 4096;
		while (n > cap - t->n) {
			if (cap > SIZE_MAX / 2) {
				t->failed = true;
				return;
			}
			cap *= 2;
		}
		char *d = t->heap ? realloc(t->d, cap) : malloc(cap);
		if (d && !t->heap && t->n)
			memcpy(d, t->d, t->n);
		if (!d) {
			/* out of memory: what is kept goes out now, the rest unbuffered */
			fwrite(t->d, 1, t->n, t->f);
			fwrite(p, 1, n, t->f);
			t->n = 0;
			return;
		}
		t->d = d;
		t->cap = cap;
		t->heap = true;
	}
	memcpy(t->d + t->n, p, n);
	t->n += n;
}

/* the common case inline: room left (a constant n becomes a move or two) */
static inline void tb_write(struct tbuf *t, const void *p, size_t n)
{
	if (n - 1 < t->cap - t->n && !t->failed) {   /* n > 0: no copy of nothing to nowhere */
		memcpy(t->d + t->n, p, n);
		t->n += n;
		return;
	}
	tb_write_slow(t, p, n);
}

static void tb_puts(struct tbuf *t, const char *s)
{
	tb_write(t, s, strlen(s));
}

static void tb_putc(struct tbuf *t, char c)
{
	tb_write(t, &c, 1);
}

/* sr_put_safe into the buffer: control bytes as \xNN; the columns printed. */
static int tb_put_safe(struct tbuf *t, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = strlen(s), plain = sr_plain_prefix(s, len);
	if (plain == len) {
		tb_write(t, s, len);
		return (int)len;
	}
	int n = (int)plain;
	const unsigned char *p = (const unsigned char *)s + plain, *run = (const unsigned char *)s;
	for (; *p; p++) {
		if ((unsigned)(*p - 0x20) < 0x5fu) {   /* printable ASCII */
			n++;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			tb_write(t, run, (size_t)(p - run));
			char esc[4] = { '\\', 'x', hex[*p >> 4], hex[*p & 15] };
			tb_write(t, esc, sizeof esc);
			n += 4;
			run = p + 1;
		} else if ((*p & 0xc0) != 0x80) {
			n++;
		}
	}
	tb_write(t, run, (size_t)(p - run));
	return n;
}

static void tb_done(struct tbuf *t)
{
	if (t->n)
		fwrite(t->d, 1, t->n, t->f);
	if (t->heap)
		free(t->d);
}


/* The columns tb_put_safe takes for s: a control byte is printed as \xNN. */
static size_t width(const char *s)
{
	return (size_t)sr_safe_width(s);
}

static void pad(struct tbuf *f, size_t have, size_t want)
{
	static const char spaces[] = "                                                                ";
	while (have < want) {
		size_t n = want - have < sizeof spaces - 1 ? want - have : sizeof spaces - 1;
		tb_write(f, spaces, n);
		have += n;
	}
}

struct style {
	struct tbuf *f;
	bool color;
};

static void on(const struct style *s, const char *code)
{
	if (s->color)
		tb_puts(s->f, code);
}

static void off(const struct style *s)
{
	if (s->color)
		tb_puts(s->f, "\033[0m");
}

static const char *fail_mark(const struct style *s)
{
	return s->color ? "✗" : "FAIL";
}

static const char *warn_mark(const struct style *s)
{
	return s->color ? "!" : "warn";
}

/* The highest version per family `from` requires of the library named `file`. */
static void needs_text(const struct sr_elf *from, const char *file, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; i < from->verneed_count; i++) {
		const struct sr_verneed *vn = &from->verneed[i];
		if (strcmp(vn->file, file) != 0)
			continue;
		/* per family, the highest */
		const char *best[16];
		size_t nb = 0;
		for (size_t j = 0; j < vn->count; j++) {
			const char *n = vn->vers[j].name;
			size_t fl;
			const char *ver;
			if (!sr_version_split(n, &fl, &ver))
				continue;
			size_t k;
			for (k = 0; k < nb; k++) {
				const char *b = best[k];
				if (strncmp(b, n, fl) == 0 && b[fl] == '_') {
					if (sr_version_cmp(ver, b + fl + 1) > 0)
						best[k] = n;
					break;
				}
			}
			if (k == nb && nb < 16)
				best[nb++] = n;
		}
		/* "needs ≤ A B …", cut to size as snprintf would cut it */
		size_t o = 0;
		for (size_t k = 0; k < nb; k++) {
			const char *parts[2] = { k ? " " : "needs ≤ ", best[k] };
			for (int q = 0; q < 2; q++) {
				size_t n = strlen(parts[q]);
				if (n > size - 1 - o)
					n = size - 1 - o;
				memcpy(out + o, parts[q], n);
				o += n;
			}
		}
		if (size)
			out[o < size ? o : size - 1] = '\0';
		return;
	}
}

/* ---------- tree ---------- */

/* Per object: the first and one past the last edge it is the source of
 * (0, 0: none): every edge of obj lies in [first, end), so the walks below
 * need not look at every edge for every object (the resolver adds each
 * object's edges together, so the range holds only its own); and whether
 * measure() and print_edges() have been through it. */
struct tree_obj {
	size_t first, end;
	bool seen, expanded;
};

struct tree {
	const struct sr_deps *d;
	const struct style *st;
	bool all;
	size_t namew, pathw;
	struct tree_obj *o;
};

/* Needs met by an object already loaded (or by the interpreter, named in
 * the header) are left out unless --all. */
static bool shown(const struct tree *t, const struct sr_dep_edge *e)
{
	return t->all || (e->how != SR_FOUND_LOADED && e->how != SR_FOUND_INTERP);
}

/* The column widths: the tree prefix (4 per level) plus the name, and the path. */
static void measure(struct tree *t, size_t obj, size_t depth)
{
	const struct sr_deps *d = t->d;
	if (t->o[obj].seen)
		return;
	t->o[obj].seen = true;
	for (size_t i = t->o[obj].first; i < t->o[obj].end; i++) {
		const struct sr_dep_edge *e = &d->edges[i];
		if (e->from != obj || !shown(t, e))
			continue;
		size_t w = 4 * (depth + 1) + width(e->name);
		if (w > t->namew)
			t->namew = w;
		if (e->to != SR_DEPS_NONE) {
			size_t pw = width(d->objects[e->to].path);
			if (pw > t->pathw)
				t->pathw = pw;
			if (d->objects[e->to].loader == obj && e->how != SR_FOUND_LOADED && e->how != SR_FOUND_INTERP)
				measure(t, e->to, depth + 1);
		}
	}
}

/* prefix_w: the columns prefix takes */
static void print_edges(struct tree *t, size_t obj, const char *prefix, size_t prefix_w)
{
	const struct sr_deps *d = t->d;
	const struct style *st = t->st;
	struct tbuf *f = st->f;
	size_t last = SR_DEPS_NONE;
	for (size_t i = t->o[obj].first; i < t->o[obj].end; i++)
		if (d->edges[i].from == obj && shown(t, &d->edges[i]))
			last = i;
	for (size_t i = t->o[obj].first; i < t->o[obj].end; i++) {
		const struct sr_dep_edge *e = &d->edges[i];
		if (e->from != obj || !shown(t, e))
			continue;
		bool is_last = i == last;
		tb_puts(f, prefix);
		tb_puts(f, is_last ? "└── " : "├── ");
		size_t used = prefix_w + 4;
		bool missing = e->to == SR_DEPS_NONE;
		if (missing)
			on(st, "\033[31m");
		used += (size_t)tb_put_safe(f, e->name);
		if (missing)
			off(st);
		pad(f, used, t->namew + 2);
		/* prefix + the branch, as snprintf "%s%s" into 1024 bytes would */
		char child_prefix[1024];
		const char *branch = is_last ? "    " : "│   ";
		size_t pl0 = strlen(prefix), bl0 = strlen(branch), pl = pl0, bl = bl0;
		if (pl > sizeof child_prefix - 1)
			pl = sizeof child_prefix - 1;
		if (bl > sizeof child_prefix - 1 - pl)
			bl = sizeof child_prefix - 1 - pl;
		bool cut = pl + bl < pl0 + bl0;
		memcpy(child_prefix, prefix, pl);
		memcpy(child_prefix + pl, branch, bl);
		child_prefix[pl + bl] = '\0';
		size_t child_w = cut ? width(child_prefix) : prefix_w + 4;
		if (missing) {
			on(st, "\033[31m");
			tb_puts(f, "not found");
			off(st);
			pad(f, 9, t->pathw + 2);
			if (e->error && strncmp(e->error, "cannot open", 11) != 0) {
				tb_puts(f, e->error);
				if (e->via) {
					tb_puts(f, ": ");
					tb_put_safe(f, e->via);
				}
			}
			tb_putc(f, '\n');
			if (e->tried.count) {
				tb_puts(f, child_prefix);
				on(st, "\033[2m");
				tb_puts(f, "tried");
				/* the glibc-hwcaps candidates before each directory are in
				 * the JSON; here they would drown the directories */
				size_t hw = 0;
				for (size_t k = 0; k < e->tried.count; k++) {
					if (strstr(e->tried.items[k], "/glibc-hwcaps/")) {
						hw++;
						continue;
					}
					tb_putc(f, ' ');
					tb_put_safe(f, e->tried.items[k]);
				}
				if (hw)
					tb_puts(f, " (each after its glibc-hwcaps subdirectories)");
				off(st);
				tb_putc(f, '\n');
			}
			if (e->skipped.count) {
				tb_puts(f, child_prefix);
				on(st, "\033[2m");
				tb_puts(f, "skipped (other ELF class or machine)");
				for (size_t k = 0; k < e->skipped.count; k++) {
					tb_putc(f, ' ');
					tb_put_safe(f, e->skipped.items[k]);
				}
				off(st);
				tb_putc(f, '\n');
			}
			continue;
		}
		const struct sr_dep_object *to = &d->objects[e->to];
		used = (size_t)tb_put_safe(f, to->path);
		pad(f, used, t->pathw + 2);
		on(st, "\033[2m");
		tb_puts(f, sr_found_how_name(e->how));
		if (e->via && (e->how == SR_FOUND_RPATH || e->how == SR_FOUND_RUNPATH || e->how == SR_FOUND_ENV)) {
			tb_putc(f, ' ');
			tb_put_safe(f, e->via);
		}
		off(st);
		char needs[256];
		needs_text(d->objects[obj].elf, e->name, needs, sizeof needs);
		if (needs[0]) {
			tb_puts(f, "   ");
			tb_puts(f, needs);
		}
		tb_putc(f, '\n');
		/* version problems of this edge */
		for (size_t k = 0; k < d->issue_count; k++) {
			const struct sr_dep_version_issue *vi = &d->issues[k];
			if (vi->requester != obj || vi->provider != e->to)
				continue;
			tb_puts(f, child_prefix);
			bool fatal = !vi->weak && !vi->no_version_info;
			on(st, fatal ? "\033[31m" : "\033[33m");
			tb_puts(f, fatal ? fail_mark(st) : warn_mark(st));
			off(st);
			if (vi->no_version_info)
				tb_puts(f, " defines no symbol versions");
			else
			{
				tb_puts(f, vi->weak ? " weakly needs " : " needs ");
				tb_put_safe(f, vi->version);
				tb_puts(f, ", not provided");
			}
			tb_putc(f, '\n');
		}
		bool expand = to->loader == obj && !t->o[e->to].expanded && e->how != SR_FOUND_LOADED &&
		              e->how != SR_FOUND_INTERP;
		if (expand) {
			t->o[e->to].expanded = true;
			print_edges(t, e->to, child_prefix, child_w);
		}
	}
}

static void deps_text(struct tbuf *f, const char *path, const struct sr_deps *d, const struct sr_text_style *ts,
                      bool all)
{
	struct style st = { f, ts && ts->color };
	on(&st, "\033[1m");
	tb_put_safe(f, path);
	off(&st);
	if (d->interp) {
		tb_puts(f, d->interp_is_default ? "  loaded by " : "  interpreter ");
		if (d->interp_missing)
			on(&st, "\033[31m");
		tb_put_safe(f, d->interp);
		if (d->interp_missing) {
			tb_puts(f, " (missing)");
			off(&st);
		}
	} else if (d->edge_count == 0) {
		tb_puts(f, "  statically linked: no shared libraries");
	}
	tb_putc(f, '\n');

	/* on the stack for the usual few objects */
	struct tree_obj few[64];
	size_t nobj = d->object_count < SR_DEPS_MAX_OBJECTS ? d->object_count : SR_DEPS_MAX_OBJECTS;
	struct tree_obj *po = nobj <= 64 ? few : calloc(nobj, sizeof *po);
	if (!po) {
		tb_puts(f, "(out of memory)\n");
		return;
	}
	if (po == few)
		memset(few, 0, (nobj ? nobj : 1) * sizeof *few);
	for (size_t i = d->edge_count; i-- > 0;) {
		size_t from = d->edges[i].from;
		if (from >= nobj)
			continue;
		if (po[from].end == 0)
			po[from].end = i + 1;
		po[from].first = i;
	}
	struct tree t = { d, &st, all, 0, 0, po };
	if (nobj) {
		measure(&t, 0, 0);
		po[0].expanded = true;
		print_edges(&t, 0, "", 0);
	}

	if (d->interp_missing) {
		on(&st, "\033[31m");
		tb_puts(f, fail_mark(&st));
		off(&st);
		tb_puts(f, " ");
		tb_put_safe(f, d->interp);
		tb_puts(f, ": the interpreter is missing; starting the program fails with "
		      "'No such file or directory'\n");
	}
	for (size_t i = 0; i < d->edge_count; i++) {
		const struct sr_dep_edge *e = &d->edges[i];
		if (e->to != SR_DEPS_NONE)
			continue;
		on(&st, "\033[31m");
		tb_puts(f, fail_mark(&st));
		off(&st);
		tb_puts(f, " error while loading shared libraries: ");
		tb_put_safe(f, e->name);
		tb_puts(f, ": ");
		tb_puts(f, !e->error || strncmp(e->error, "cannot open", 11) == 0
		          ? "cannot open shared object file: No such file or directory"
		          : e->error);
		tb_puts(f, " (needed by ");
		tb_put_safe(f, i < d->edge_count && e->from < d->object_count
		                   ? (e->from == 0 ? d->objects[0].name : d->objects[e->from].path)
		                   : "?");
		tb_puts(f, ")\n");
	}
	for (size_t i = 0; i < d->issue_count; i++) {
		const struct sr_dep_version_issue *vi = &d->issues[i];
		bool fatal = !vi->weak && !vi->no_version_info;
		on(&st, fatal ? "\033[31m" : "\033[33m");
		tb_puts(f, fatal ? fail_mark(&st) : warn_mark(&st));
		off(&st);
		tb_putc(f, ' ');
		tb_put_safe(f, vi->message);
		tb_putc(f, '\n');
	}
	for (size_t i = 0; i < d->warnings.count; i++) {
		on(&st, "\033[33m");
		tb_puts(f, warn_mark(&st));
		off(&st);
		tb_putc(f, ' ');
		tb_put_safe(f, d->warnings.items[i]);
		tb_putc(f, '\n');
	}
	if (po != few)
		free(po);
}

void sr_report_deps_text(FILE *out, const char *path, const struct sr_deps *d, const struct sr_text_style *ts,
                         bool all)
{
	char first[4096];
	struct tbuf t = { .f = out, .d = first, .cap = sizeof first };
	deps_text(&t, path, d, ts, all);
	tb_done(&t);
}

/* ---------- flat (ldd-like) ---------- */

static void deps_flat(struct tbuf *f, const char *path, const struct sr_deps *d)
{
	(void)path;
	if (d->edge_count == 0 && !d->interp_loaded) {
		/* ldd's words: a file with a dynamic section but nothing to load is
		 * "statically linked"; one without is "not a dynamic executable" */
		tb_puts(f, d->objects[0].elf->has_dynamic ? "\tstatically linked\n" : "\tnot a dynamic executable\n");
		return;
	}
	for (size_t i = 1; i < d->object_count; i++) {
		const struct sr_dep_object *o = &d->objects[i];
		if (o->is_interp)
			continue;
		tb_putc(f, '\t');
		tb_put_safe(f, o->name);
		tb_puts(f, " => ");
		tb_put_safe(f, o->path);
		tb_putc(f, '\n');
	}
	for (size_t i = 0; i < d->edge_count; i++) {
		const struct sr_dep_edge *e = &d->edges[i];
		if (e->how == SR_FOUND_SELF && e->to != SR_DEPS_NONE) {
			/* musl: the C library's names are its loader */
			tb_putc(f, '\t');
			tb_put_safe(f, e->name);
			tb_puts(f, " => ");
			tb_put_safe(f, d->objects[e->to].path);
			tb_putc(f, '\n');
			continue;
		}
		if (e->to != SR_DEPS_NONE)
			continue;
		tb_putc(f, '\t');
		tb_put_safe(f, e->name);
		tb_puts(f, " => not found\n");
	}
	if (d->interp_loaded) {
		tb_putc(f, '\t');
		tb_put_safe(f, d->interp);
		tb_putc(f, '\n');
	} else if (d->interp_missing && !d->interp_is_default) {
		tb_putc(f, '\t');
		tb_put_safe(f, d->interp);
		tb_puts(f, " => not found\n");
	}
}

void sr_report_deps_flat(FILE *out, const char *path, const struct sr_deps *d)
{
	char first[4096];
	struct tbuf t = { .f = out, .d = first, .cap = sizeof first };
	deps_flat(&t, path, d);
	tb_done(&t);
}

/* ---------- JSON ---------- */

static json_t *strlist(const struct sr_strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->count; i++)
		json_array_append_new(a, sr_json_str(l->items[i]));
	return a;
}

void *sr_report_deps_json(const char *path, const char *root, const struct sr_deps *d)
{
	json_t *o = json_object();
	json_object_set_new(o, "path", sr_json_str(path));
	if (root)
		json_object_set_new(o, "root", sr_json_str(root));
	json_object_set_new(o, "loader", json_string(d->loader_kind == SR_LOADER_MUSL ? "musl" : "glibc"));
	if (d->interp) {
		json_object_set_new(o, "interpreter", sr_json_str(d->interp));
		json_object_set_new(o, "interpreter_found", json_boolean(!d->interp_missing));
		json_object_set_new(o, "interpreter_is_default", json_boolean(d->interp_is_default));
	}
	if (d->cache)
		json_object_set_new(o, "cache", sr_json_str(d->cache));
	json_object_set_new(o, "default_dirs", strlist(&d->default_dirs));

	json_t *objs = json_array();
	for (size_t i = 0; i < d->object_count; i++) {
		const struct sr_dep_object *ob = &d->objects[i];
		json_t *j = json_object();
		json_object_set_new(j, "index", json_integer((json_int_t)i));
		json_object_set_new(j, "name", sr_json_str(ob->name));
		json_object_set_new(j, "path", sr_json_str(ob->path));
		json_object_set_new(j, "real_path", sr_json_str(ob->real));
		if (ob->elf->soname)
			json_object_set_new(j, "soname", sr_json_str(ob->elf->soname));
		if (ob->loader != SR_DEPS_NONE)
			json_object_set_new(j, "loaded_by", json_integer((json_int_t)ob->loader));
		json_object_set_new(j, "depth", json_integer((json_int_t)ob->depth));
		json_object_set_new(j, "interpreter", json_boolean(ob->is_interp));
		json_array_append_new(objs, j);
	}
	json_object_set_new(o, "objects", objs);

	json_t *edges = json_array();
	json_t *missing = json_array();
	for (size_t i = 0; i < d->edge_count; i++) {
		const struct sr_dep_edge *e = &d->edges[i];
		json_t *j = json_object();
		json_object_set_new(j, "from", json_integer((json_int_t)e->from));
		json_object_set_new(j, "name", sr_json_str(e->name));
		if (e->to != SR_DEPS_NONE)
			json_object_set_new(j, "to", json_integer((json_int_t)e->to));
		else
			json_array_append_new(missing, sr_json_str(e->name));
		json_object_set_new(j, "how", json_string(sr_found_how_name(e->how)));
		if (e->via)
			json_object_set_new(j, "via", sr_json_str(e->via));
		if (e->error)
			json_object_set_new(j, "error", sr_json_str(e->error));
		json_object_set_new(j, "tried", strlist(&e->tried));
		if (e->skipped.count)
			json_object_set_new(j, "skipped_other_class", strlist(&e->skipped));
		json_array_append_new(edges, j);
	}
	json_object_set_new(o, "edges", edges);
	json_object_set_new(o, "missing", missing);

	json_t *iss = json_array();
	for (size_t i = 0; i < d->issue_count; i++) {
		const struct sr_dep_version_issue *vi = &d->issues[i];
		json_t *j = json_object();
		json_object_set_new(j, "requester", json_integer((json_int_t)vi->requester));
		json_object_set_new(j, "provider", json_integer((json_int_t)vi->provider));
		if (vi->version)
			json_object_set_new(j, "version", sr_json_str(vi->version));
		json_object_set_new(j, "weak", json_boolean(vi->weak));
		json_object_set_new(j, "no_version_info", json_boolean(vi->no_version_info));
		json_object_set_new(j, "fatal", json_boolean(!vi->weak && !vi->no_version_info));
		json_object_set_new(j, "message", sr_json_str(vi->message));
		json_array_append_new(iss, j);
	}
	json_object_set_new(o, "version_issues", iss);
	json_object_set_new(o, "ok", json_boolean(d->error_count == 0));
	json_object_set_new(o, "warnings", strlist(&d->warnings));
	return o;
}


/* ---------- graphs ---------- */

void sr_report_deps_graph(FILE *f, const struct sr_deps *d, bool mermaid)
{
	fputs(mermaid ? "graph TD\n" : "digraph deps {\n  rankdir=LR;\n  node [shape=box];\n", f);
	for (size_t i = 0; i < d->object_count; i++) {
		const char *label = i == 0 ? d->objects[0].name : d->objects[i].name;
		if (mermaid) {
			fprintf(f, "  n%zu[\"", i);
			sr_put_graph_label(f, label, true);
			fputs("\"]\n", f);
		} else {
			fprintf(f, "  n%zu [label=\"", i);
			sr_put_graph_label(f, label, false);
			fputs("\"];\n", f);
		}
	}
	size_t m = 0;
	for (size_t i = 0; i < d->edge_count; i++) {
		const struct sr_dep_edge *e = &d->edges[i];
		if (e->to != SR_DEPS_NONE) {
			fprintf(f, mermaid ? "  n%zu --> n%zu\n" : "  n%zu -> n%zu;\n", e->from, e->to);
			continue;
		}
		if (mermaid) {
			fprintf(f, "  m%zu[\"", m);
			sr_put_graph_label(f, e->name, true);
			fprintf(f, " (not found)\"]\n  n%zu --> m%zu\n  style m%zu stroke:#c00,color:#c00\n", e->from, m, m);
		} else {
			fprintf(f, "  m%zu [label=\"", m);
			sr_put_graph_label(f, e->name, false);
			fprintf(f, "\\nnot found\", color=red, fontcolor=red];\n  n%zu -> m%zu [color=red];\n", e->from, m);
		}
		m++;
	}
	if (!mermaid)
		fputs("}\n", f);
}
