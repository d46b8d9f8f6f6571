/* ELF reader: one pass over the headers, then the dynamic section, symbol
 * versioning, notes, sections and symbols, all through the bounded reader.
 *
 * Policy for damaged files (see docs/security.md and the inspect man page):
 *  - a structure the ELF header itself points to (program header table,
 *    section header table, a segment's or section's file bytes) that lies
 *    past the end of the file is a hard error: the file is truncated, and the
 *    kernel or loader would refuse it too;
 *  - a damaged table found inside the file (a bad string offset, a version
 *    chain that loops, a malformed note) is dropped with a warning and the
 *    rest of the file is still reported. */
#include "shipready/elf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "elf/elf_consts.h"
#include "elf/elf_internal.h"
#include "elf/rtsym.h"
#include "util/map.h"

/* ---------- small helpers ---------- */

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void elf_warn(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sr_strlist_vwarn(c->a, &c->warnings, fmt, ap);
	va_end(ap);
}

/* True the first time a table at [off, off+size) is asked for. */
bool elf_first_visit(struct ctx *c, uint64_t off, uint64_t size)
{
	for (size_t i = 0; i < c->nseen; i++)
		if (c->seen[i].off == off && c->seen[i].size == size)
			return false;
	if (c->nseen < sizeof c->seen / sizeof c->seen[0]) {
		c->seen[c->nseen].off = off;
		c->seen[c->nseen].size = size;
		c->nseen++;
	}
	return true;
}

/* Take `bytes` of scanning work from the budget; false (and one warning) when spent. */
bool elf_budget_take(struct ctx *c, uint64_t bytes)
{
	if (bytes <= c->budget) {
		c->budget -= bytes;
		return true;
	}
	if (!c->budget_warned) {
		c->budget_warned = true;
		elf_warn(c, "too many tables to scan; some symbol, note or comment tables were skipped");
	}
	return false;
}

/* Copy a NUL-terminated string out of a reader, bounded.  On failure *why
 * says whether the offset was outside the table or the string unterminated. */
const char *elf_get_str_why(struct ctx *c, const struct sr_reader *tab, uint64_t off, const char **why)
{
	const char *s;
	size_t n;
	enum sr_err rc = sr_read_cstr(tab, off, SR_ELF_MAX_STRING, &s, &n);
	if (rc != SR_OK) {
		if (why)
			*why = off >= tab->len ? "is outside the string table" : "points to an unterminated string";
		return NULL;
	}
	const char *d = sr_arena_strndup(c->a, s, n);
	if (!d && why)
		*why = "could not be stored (memory limit)";
	return d;
}

const char *elf_get_str(struct ctx *c, const struct sr_reader *tab, uint64_t off)
{
	return elf_get_str_why(c, tab, off, NULL);
}

/* ---------- entry points ---------- */

uint32_t sr_elf_name_key(const char *s)
{
	return (uint32_t)sr_hash(s, strlen(s));
}

bool sr_elf_is_elf(const struct sr_reader *r)
{
	uint8_t m[4];
	return sr_read_bytes(r, 0, 4, m) == SR_OK && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
}

enum sr_err sr_elf_parse(const struct sr_reader *r, struct sr_elf **out, struct sr_error *err)
{
	return sr_elf_parse_ex(r, 0, out, err);
}

enum sr_err sr_elf_parse_ex(const struct sr_reader *r, unsigned flags, struct sr_elf **out, struct sr_error *err)
{
	*out = NULL;
	if (!sr_elf_is_elf(r))
		return sr_error_set(err, r->len < 4 ? SR_E_TRUNCATED : SR_E_NOT_BINARY,
		                    r->len < 4 ? "truncated ELF header" : "not an ELF file");
	struct sr_arena *a = sr_arena_new();
	if (!a)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	struct sr_elf *e = sr_arena_alloc(a, sizeof *e);
	struct sr_elf_priv *priv = sr_arena_alloc(a, sizeof *priv);
	/* cleared up to seen[]: 1.5 KiB less to clear per parse */
	struct ctx *c = malloc(sizeof *c);
	if (c)
		memset(c, 0, offsetof(struct ctx, seen));
	if (!e || !priv || !c) {
		free(c);
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	priv->arena = a;
	e->priv = priv;
	c->r = *r;
	c->loader_only = (flags & SR_ELF_LOADER_ONLY) != 0;
	c->no_symbols = c->loader_only || (flags & SR_ELF_NO_SYMBOLS) != 0;
	/* 4x the file is plenty for real binaries; the absolute cap keeps the
	 * pages touched (and so the memory) bounded for a huge sparse file */
	c->budget = 4 * (uint64_t)r->len + (1u << 20);
	if (c->budget > SR_ELF_SCAN_BUDGET)
		c->budget = SR_ELF_SCAN_BUDGET;
	c->e = e;
	c->a = a;
	c->err = err;
	c->needed.out = &e->needed;
	c->rpath.out = &e->rpath;
	c->runpath.out = &e->runpath;
	c->comments.out = &e->comments;
	c->fortified.out = &e->hardening.fortified;
	c->go_ev.out = &e->go_evidence;
	c->warnings.out = &e->warnings;
	c->rt_dyn_b.out = &c->rt_dyn;
	c->rt_sym_b.out = &c->rt_sym;
	c->rt_str.out = &e->rt_strings;

	enum sr_err rc = elf_parse_header(c);
	if (rc == SR_OK)
		rc = elf_scan_segments(c);
	if (rc == SR_OK)
		rc = elf_scan_sections(c);
	if (rc == SR_OK) {
		elf_parse_dynamic(c);
		elf_parse_verneed(c);
		elf_parse_verdef(c);
		elf_vermax_symbols(c);
		elf_glibc_imports(c);
		if (!c->no_symbols)
			elf_scan_go_magic(c);
		elf_conclude(c);
		if (!c->no_symbols)
			elf_scan_rt_strings(c);
	}
	free(c);
	if (rc != SR_OK) {
		sr_arena_free(a);
		return rc;
	}
	*out = e;
	return SR_OK;
}

void sr_elf_free(struct sr_elf *e)
{
	if (e)
		sr_arena_free(e->priv->arena);
}
