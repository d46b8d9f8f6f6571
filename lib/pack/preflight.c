/* shipready — the host preflight script (see shipready/preflight.h): the
 * checks of lib/pack/preflight_lib.sh, called per file with the facts of
 * its analysis, every value single-quoted. */
#define _GNU_SOURCE   /* open_memstream */
#include "shipready/preflight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/check.h"
#include "shipready/deps.h"
#include "shipready/libc.h"

/* lib/pack/preflight_lib.sh, compiled in */
extern const unsigned char sr_data_preflight_sh[];
extern const size_t sr_data_preflight_sh_len;

struct sr_preflight {
	char *body;          /* the calls, file after file */
	size_t len;
	FILE *m;
	char *names;         /* the files, one "#   NAME" comment line each */
	size_t names_len;
	FILE *nm;
};

struct sr_preflight *sr_preflight_new(void)
{
	struct sr_preflight *pf = calloc(1, sizeof *pf);
	if (!pf)
		return NULL;
	pf->m = open_memstream(&pf->body, &pf->len);
	pf->nm = open_memstream(&pf->names, &pf->names_len);
	if (!pf->m || !pf->nm) {
		sr_preflight_free(pf);
		return NULL;
	}
	return pf;
}

void sr_preflight_free(struct sr_preflight *pf)
{
	if (!pf)
		return;
	if (pf->m)
		fclose(pf->m);
	if (pf->nm)
		fclose(pf->nm);
	free(pf->body);
	free(pf->names);
	free(pf);
}

/* s single-quoted for sh: nothing inside is special but the quote itself,
 * written as '\''. */
static void put_sq(FILE *out, const char *s)
{
	fputc(' ', out);
	fputc('\'', out);
	for (; s && *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

/* s in a comment line: printable ASCII only, the rest as '?' */
static void put_comment(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc(*s >= 0x20 && *s < 0x7f ? *s : '?', out);
}

static bool has_origin(const char *dir)
{
	return strstr(dir, "$ORIGIN") || strstr(dir, "${ORIGIN}");
}

/* Is name found where the file keeps its own libraries ($ORIGIN in its
 * RPATH or RUNPATH), by the run's resolution on this machine?  Those go
 * with the file: the host need not have them. */
static bool shipped(const struct sr_deps *d, const char *name)
{
	for (size_t i = 0; d && i < d->edge_count; i++) {
		const struct sr_dep_edge *ed = &d->edges[i];
		if (ed->from == 0 && ed->to != SR_DEPS_NONE && strcmp(ed->name, name) == 0)
			return (ed->how == SR_FOUND_RPATH || ed->how == SR_FOUND_RUNPATH) && ed->via && has_origin(ed->via);
	}
	return false;
}

/* The RPATH (unless there is a RUNPATH) and RUNPATH directories that do
 * not depend on where the file is installed. */
static void put_search_dirs(FILE *m, const struct sr_elf *e)
{
	const struct sr_strlist *l = e->runpath.count ? &e->runpath : &e->rpath;
	for (size_t i = 0; i < l->count; i++) {
		const char *p = l->items[i];
		while (*p) {
			size_t n = strcspn(p, ":");
			char *dir = strndup(p, n);
			if (dir && n && !has_origin(dir) && !strchr(dir, '$')) {
				fputs("sr_rpath", m);
				put_sq(m, dir);
				fputc('\n', m);
			}
			free(dir);
			p += n + (p[n] == ':');
		}
	}
}

/* The symbol versions e requires from lib, not weak ones. */
static void put_lib(FILE *m, const struct sr_elf *e, const char *lib)
{
	fputs("sr_lib", m);
	put_sq(m, lib);
	for (size_t i = 0; i < e->verneed_count; i++) {
		const struct sr_verneed *vn = &e->verneed[i];
		if (!vn->file || strcmp(vn->file, lib) != 0)
			continue;
		for (size_t k = 0; k < vn->count; k++)
			if (!(vn->vers[k].flags & 0x2) && vn->vers[k].name)
				put_sq(m, vn->vers[k].name);
	}
	fputc('\n', m);
}

static void put_needs(FILE *m, const struct sr_needs *needs)
{
	for (size_t i = 0; i < needs->n; i++) {
		const struct sr_need *n = &needs->v[i];
		if (n->kind == SR_NEED_DLOPEN || n->paths.count == 0)
			continue;
		fputs("sr_need", m);
		put_sq(m, n->id);
		put_sq(m, n->optional ? "info" : "warn");
		put_sq(m, n->kind == SR_NEED_CA_ROOTS ? "ca" : "any");
		put_sq(m, n->feature ? n->feature : n->name);
		put_sq(m, n->message ? n->message : "");
		for (size_t k = 0; k < n->paths.count; k++)
			put_sq(m, n->paths.items[k]);
		fputc('\n', m);
	}
}

enum sr_err sr_preflight_add(struct sr_preflight *pf, struct sr_analysis *an, const char *name, struct sr_error *err)
{
	const struct sr_inspect *in = &an->in;
	if (in->format != SR_FMT_ELF || !in->elf)
		return sr_error_set(err, SR_E_UNSUPPORTED, "not a Linux program (%s): nothing a Linux host can check",
		                    sr_format_name(in->format));
	const struct sr_elf *e = in->elf;
	if (e->kind != SR_ELF_KIND_EXEC && e->kind != SR_ELF_KIND_PIE)
		return sr_error_set(err, SR_E_UNSUPPORTED, "not a program: an ELF %s", sr_elf_kind_name(e->kind));
	/* what the run resolves on this machine, for the libraries shipped
	 * beside the file; without it, every library is asked of the host */
	const struct sr_deps *d = NULL;
	struct sr_deps_opts o = { 0 };
	struct sr_error derr = { 0 };
	if (e->has_interp && sr_analysis_deps(an, &o, &d, &derr) != SR_OK)
		d = NULL;

	FILE *m = pf->m;
	const char *arch = sr_check_binary_arch(e);
	fputs("\nsr_begin", m);
	put_sq(m, name);
	put_sq(m, arch ? arch : "");
	fputc('\n', m);
	if (e->has_interp && e->interpreter) {
		put_search_dirs(m, e);
		enum sr_libc fam = sr_libc_of_interpreter(e->interpreter, &e->needed);
		const char *triplet = sr_libc_multiarch_triplet(e->machine, e->elf_class, e->flags, e->big_endian);
		const char *slibdir = sr_libc_glibc_slibdir(e->machine, e->elf_class, e->flags, e->big_endian);
		char musl_arch[64] = "";
		const char *b = strrchr(e->interpreter, '/');
		b = b ? b + 1 : e->interpreter;
		if (strncmp(b, "ld-musl-", 8) == 0) {
			const char *dot = strstr(b + 8, ".so");
			size_t n = dot ? (size_t)(dot - (b + 8)) : 0;
			if (n < sizeof musl_arch)
				snprintf(musl_arch, sizeof musl_arch, "%.*s", (int)n, b + 8);
		}
		fputs("sr_interp", m);
		put_sq(m, e->interpreter);
		put_sq(m, fam == SR_LIBC_GLIBC ? "glibc" : fam == SR_LIBC_MUSL ? "musl" : "unknown");
		put_sq(m, triplet ? triplet : "");
		put_sq(m, slibdir ? slibdir : "");
		put_sq(m, musl_arch);
		fputc('\n', m);
		for (size_t i = 0; i < e->needed.count; i++) {
			const char *lib = e->needed.items[i];
			if (fam == SR_LIBC_MUSL && sr_libc_musl_answers(lib))
				continue;   /* musl's loader is its C library, by any of these names */
			if (shipped(d, lib))
				continue;
			put_lib(m, e, lib);
		}
	}
	struct sr_kernel_floor kf;
	sr_inspect_kernel_floor(in, &kf);
	if (kf.glibc[0]) {
		fputs("sr_kernel_min", m);
		put_sq(m, kf.glibc);
		put_sq(m, "its glibc");
		put_sq(m, "FATAL: kernel too old");
		fputc('\n', m);
	}
	if (kf.go) {
		char who[32];
		snprintf(who, sizeof who, "Go %u.%u", in->go->go_major, in->go->go_minor);
		fputs("sr_kernel_min", m);
		put_sq(m, kf.go);
		put_sq(m, who);
		fputc('\n', m);
	}
	const struct sr_needs *needs;
	enum sr_err nrc = sr_analysis_needs(an, &needs, err);
	if (nrc != SR_OK)
		return nrc;
	put_needs(m, needs);
	fputs("sr_end\n", m);
	fputs("#   ", pf->nm);
	put_comment(pf->nm, name);
	fprintf(pf->nm, " (%s)\n", arch ? arch : "unknown machine");
	if (ferror(m) || ferror(pf->nm))
		return sr_error_set(err, SR_E_NOMEM, NULL);
	return SR_OK;
}

/* sr_arch_of: uname -m's spelling to the machine names targets use, from
 * the one table check has. */
static void put_arch_of(FILE *out)
{
	fputs("sr_arch_of() {\n\tcase $1 in\n", out);
	const char *alias, *name;
	for (size_t i = 0; sr_check_arch_alias_at(i, &alias, &name); i++) {
		fputc('\t', out);
		put_sq(out, alias);
		fputs(") echo", out);
		put_sq(out, name);
		fputs(" ;;\n", out);
	}
	fputs("\t*) echo \"$1\" ;;\n\tesac\n}\n", out);
}

enum sr_err sr_preflight_script(const struct sr_preflight *pf, const char *version, char **out, struct sr_error *err)
{
	*out = NULL;
	if (fflush(pf->m) != 0 || fflush(pf->nm) != 0)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	char *text = NULL;
	size_t len = 0;
	FILE *s = open_memstream(&text, &len);
	if (!s)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	fprintf(s, "#!/bin/sh\n"
	           "# Can this host run these files?  Written by shipready %s (shipready preflight)\n"
	           "# from the files themselves:\n",
	        version);
	if (pf->names)
		fwrite(pf->names, 1, pf->names_len, s);
	fputs("# Run it on the host before installing them: sh check-host.sh\n"
	      "# It reads files and runs uname, getconf, dd, tr and grep: it writes nothing,\n"
	      "# needs no privileges and makes no network connection.  One line per\n"
	      "# failure (FAIL) or warning (warn) in the words of 'shipready check', or\n"
	      "# 'ok FILE: runs on this host'; exit status 1 when a file cannot start here.\n"
	      "set -u\n"
	      "LC_ALL=C\n"
	      "export LC_ALL\n\n",
	      s);
	put_arch_of(s);
	size_t n;
	const char *const *dirs = sr_libc_glibc_dirs_any_machine(&n);
	fputs("sr_glibc_dirs=", s);
	fputc('\'', s);
	for (size_t i = 0; i < n; i++)
		fprintf(s, "%s%s", i ? ":" : "", dirs[i]);
	fputs("'\n\n", s);
	fwrite(sr_data_preflight_sh, 1, sr_data_preflight_sh_len, s);
	if (pf->body)
		fwrite(pf->body, 1, pf->len, s);
	fputs("\nsr_finish\n", s);
	if (fclose(s) != 0) {
		free(text);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	*out = text;
	return SR_OK;
}
