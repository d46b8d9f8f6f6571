/* Compiler dependency files (shipready/depfile.h). */
#include "shipready/depfile.h"

#include <stdlib.h>
#include <string.h>

#include "build/build_internal.h"
#include "util/arena.h"

struct lexer {
	const char *p, *end;
	unsigned line;
	char *tok;                    /* scratch: a name never outgrows the input */
	size_t tl;
};

static bool at_newline(const struct lexer *lx, const char *p)
{
	return p < lx->end && (*p == '\n' || (*p == '\r' && p + 1 < lx->end && p[1] == '\n'));
}

static const char *past_newline(const char *p)
{
	return *p == '\r' ? p + 2 : p + 1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

enum tok_end { TOK_NAME, TOK_TARGETS, TOK_NEWLINE, TOK_EOF };

/* Skips blanks, continuations and comments; the next name in lx->tok
 * (TOK_NAME, or TOK_TARGETS when a ':' ended it: the name may be empty),
 * or the end of the rule or the input. */
static enum tok_end next(struct lexer *lx, bool targets_done)
{
	lx->tl = 0;
	for (;;) {
		if (lx->p >= lx->end)
			return TOK_EOF;
		if (is_blank(*lx->p)) {
			lx->p++;
		} else if (*lx->p == '\\' && at_newline(lx, lx->p + 1)) {
			lx->p = past_newline(lx->p + 1);
			lx->line++;
		} else if (at_newline(lx, lx->p)) {
			lx->p = past_newline(lx->p);
			lx->line++;
			return TOK_NEWLINE;
		} else if (*lx->p == '#') {   /* a comment, to the end of the line (a continuation continues it) */
			while (lx->p < lx->end && !at_newline(lx, lx->p)) {
				if (*lx->p == '\\' && at_newline(lx, lx->p + 1)) {
					lx->p = past_newline(lx->p + 1);
					lx->line++;
				} else {
					lx->p++;
				}
			}
		} else {
			break;
		}
	}
	while (lx->p < lx->end) {
		const char *p = lx->p;
		char c = *p;
		if (is_blank(c) || at_newline(lx, p))
			return TOK_NAME;
		if (c == '\\') {
			size_t k = 0;
			while (p + k < lx->end && p[k] == '\\')
				k++;
			const char *after = p + k;
			if (after < lx->end && *after == ' ') {
				size_t keep = k % 2 ? (k - 1) / 2 : k;
				memset(lx->tok + lx->tl, '\\', keep);
				lx->tl += keep;
				if (k % 2 == 0) {   /* 2N backslashes: the name ends after them */
					lx->p = after;
					return TOK_NAME;
				}
				lx->tok[lx->tl++] = ' ';
				lx->p = after + 1;
			} else if (after < lx->end && (*after == '#' || *after == ':')) {
				memset(lx->tok + lx->tl, '\\', k - 1);
				lx->tl += k - 1;
				lx->tok[lx->tl++] = *after;
				lx->p = after + 1;
			} else if (k == 1 && at_newline(lx, after)) {
				return TOK_NAME;   /* a continuation: the blank skipping takes it */
			} else {
				memset(lx->tok + lx->tl, '\\', k);
				lx->tl += k;
				lx->p = after;
			}
			continue;
		}
		if (c == '$' && p + 1 < lx->end && p[1] == '$') {
			lx->tok[lx->tl++] = '$';
			lx->p = p + 2;
			continue;
		}
		if (c == '#')
			return TOK_NAME;   /* a comment starts */
		if (c == ':' && !targets_done) {
			const char *q = p + 1;
			if (q < lx->end && *q == ':')   /* a double-colon rule */
				q++;
			if (q == lx->end || is_blank(*q) || at_newline(lx, q) || (*q == '\\' && at_newline(lx, q + 1))) {
				lx->p = q;
				return TOK_TARGETS;
			}
		}
		lx->tok[lx->tl++] = c;
		lx->p = p + 1;
	}
	return TOK_NAME;
}

struct list {
	const char **v;
	size_t n, cap;
};

static bool push(struct sr_arena *a, struct list *l, const char *s, size_t n)
{
	const char **v = sr_arena_grow(a, l->v, l->n, &l->cap, sizeof *v, (size_t)1 << 24);
	char *c = sr_arena_strndup(a, s, n);
	if (!v || !c)
		return false;
	l->v = v;
	l->v[l->n++] = c;
	return true;
}

enum sr_err sr_depfile_parse(const char *text, size_t len, struct sr_depfile *out, struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	if (len > SR_DEPFILE_MAX_BYTES)
		return sr_error_set(err, SR_E_MALFORMED, "larger than %zu bytes", SR_DEPFILE_MAX_BYTES);
	struct sr_depfile_priv *priv;
	enum sr_err rc = sr_build_priv_new(&priv, err);
	if (rc != SR_OK)
		return rc;
	out->priv = priv;
	struct sr_arena *a = priv->arena;
	struct lexer lx = { text, text + len, 1, malloc(len + 1), 0 };
	if (!lx.tok) {
		sr_depfile_free(out);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	size_t cap = 0;
	struct list names = { 0 }, targets = { 0 };
	bool colon = false, oom = false;
	unsigned first_line = 1;
	for (;;) {
		unsigned line = lx.line;
		enum tok_end t = next(&lx, colon);
		if (t == TOK_NAME || t == TOK_TARGETS) {
			if (!names.n && !targets.n && !colon)
				first_line = line;
			if (memchr(lx.tok, '\0', lx.tl)) {
				rc = sr_error_set(err, SR_E_MALFORMED, "%u: a NUL byte in a name", line);
				break;
			}
			if (lx.tl && !push(a, colon ? &names : &targets, lx.tok, lx.tl)) {
				oom = true;
				break;
			}
			if (t == TOK_TARGETS) {
				colon = true;
				if (!targets.n) {
					rc = sr_error_set(err, SR_E_MALFORMED, "%u: a ':' without a target before it", line);
					break;
				}
			}
			continue;
		}
		/* the end of a rule */
		if (targets.n && !colon) {
			rc = sr_error_set(err, SR_E_MALFORMED, "%u: expected ':' after the targets", first_line);
			break;
		}
		if (colon) {
			struct sr_deprule *r = sr_arena_grow(a, out->rules, out->nrules, &cap, sizeof *r, (size_t)1 << 22);
			if (!r) {
				oom = true;
				break;
			}
			out->rules = r;
			out->rules[out->nrules++] = (struct sr_deprule){ targets.v, targets.n, names.v, names.n, first_line };
		}
		names = (struct list){ 0 };
		targets = (struct list){ 0 };
		colon = false;
		if (t == TOK_EOF)
			break;
	}
	free(lx.tok);
	if (oom)
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
	if (rc != SR_OK)
		sr_depfile_free(out);
	return rc;
}

void sr_depfile_free(struct sr_depfile *d)
{
	if (d && d->priv)
		sr_arena_free(d->priv->arena);
	if (d)
		memset(d, 0, sizeof *d);
}
