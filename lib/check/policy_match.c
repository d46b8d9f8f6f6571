/* The matchers of the policy rules: globs on library names and module
 * paths, Go module versions and their ranges, Go toolchain versions. */
#include "check/policy_internal.h"

#include <stdint.h>
#include <string.h>

/* ---------- globs ---------- */

/* Length of the bracket expression at p (p[0] == '['), ']' included; 0 when
 * it is not closed. */
static size_t class_len(const char *p)
{
	size_t i = 1;
	if (p[i] == '!' || p[i] == '^')
		i++;
	if (p[i] == ']')
		i++;   /* a ']' first in the set is a member */
	while (p[i] && p[i] != ']') {
		if (p[i] == '\\') {
			if (!p[i + 1])
				return 0;
			i += 2;
		} else {
			i++;
		}
	}
	return p[i] == ']' ? i + 1 : 0;
}

/* Is c in the set p[0..len) (p[0] == '[')? */
static bool class_has(const char *p, size_t len, unsigned char c)
{
	size_t i = 1, end = len - 1;   /* end: the closing ']' */
	bool neg = false;
	if (p[i] == '!' || p[i] == '^') {
		neg = true;
		i++;
	}
	bool first = true, in = false;
	while (i < end) {
		if (p[i] == ']' && !first)
			break;
		first = false;
		unsigned char lo = (unsigned char)p[i];
		if (lo == '\\' && i + 1 < end)
			lo = (unsigned char)p[++i];
		i++;
		unsigned char hi = lo;
		if (i + 1 < end && p[i] == '-') {
			hi = (unsigned char)p[i + 1];
			i += 2;
			if (hi == '\\' && i < end)
				hi = (unsigned char)p[i++];
		}
		if (c >= lo && c <= hi)
			in = true;
	}
	return in != neg;
}

static unsigned char fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static unsigned char other_case(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c - 'A' + 'a');
	if (c >= 'a' && c <= 'z')
		return (unsigned char)(c - 'a' + 'A');
	return c;
}

/* Does the single-byte token at p (not '*') match c?  *tl = its length. */
static bool token_match(const char *p, size_t *tl, unsigned char c, bool casefold)
{
	if (p[0] == '?') {
		*tl = 1;
		return true;
	}
	if (p[0] == '[') {
		size_t n = class_len(p);
		if (n) {
			*tl = n;
			return class_has(p, n, c) || (casefold && class_has(p, n, other_case(c)));
		}
	}
	unsigned char lit = (unsigned char)p[0];
	*tl = 1;
	if (p[0] == '\\' && p[1]) {
		lit = (unsigned char)p[1];
		*tl = 2;
	}
	return casefold ? fold(lit) == fold(c) : lit == c;
}

const char *sr_policy_glob_error(const char *pat)
{
	size_t n = strlen(pat);
	if (n == 0)
		return "empty pattern";
	if (n > SR_POLICY_MAX_PATTERN)
		return "pattern longer than 256 bytes";
	for (size_t i = 0; i < n;) {
		if (pat[i] == '\\') {
			if (i + 1 >= n)
				return "pattern ends with a backslash";
			i += 2;
		} else if (pat[i] == '[') {
			size_t cl = class_len(pat + i);
			if (!cl)
				return "unclosed '[' in the pattern";
			i += cl;
		} else {
			i++;
		}
	}
	return NULL;
}

bool sr_policy_glob_match(const char *pat, const char *s, bool casefold)
{
	size_t plen = strlen(pat), slen = strlen(s);
	size_t p = 0, i = 0, star_p = SIZE_MAX, star_i = 0;
	while (i < slen) {
		if (p < plen && pat[p] == '*') {
			while (p < plen && pat[p] == '*')
				p++;
			star_p = p;
			star_i = i;
			continue;
		}
		size_t tl;
		if (p < plen && token_match(pat + p, &tl, (unsigned char)s[i], casefold)) {
			p += tl;
			i++;
			continue;
		}
		if (star_p == SIZE_MAX)
			return false;
		/* the last '*' takes one more byte; earlier stars never need to
		 * (every later token matches one byte), so this is complete */
		p = star_p;
		i = ++star_i;
	}
	while (p < plen && pat[p] == '*')
		p++;
	return p == plen;
}

/* ---------- version ranges ---------- */

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

bool sr_policy_vrange_parse(struct sr_arena *a, const char *text, struct sr_policy_vrange *r, const char **why)
{
	size_t cap = 0;
	memset(r, 0, sizeof *r);
	r->text = text;
	const char *p = text;
	for (;;) {
		p = skip_spaces(p);
		enum sr_policy_vop op = SR_POLICY_VOP_EQ;
		if (p[0] == '<' && p[1] == '=') {
			op = SR_POLICY_VOP_LE;
			p += 2;
		} else if (p[0] == '>' && p[1] == '=') {
			op = SR_POLICY_VOP_GE;
			p += 2;
		} else if (p[0] == '<') {
			op = SR_POLICY_VOP_LT;
			p++;
		} else if (p[0] == '>') {
			op = SR_POLICY_VOP_GT;
			p++;
		} else if (p[0] == '=') {
			p++;
		}
		p = skip_spaces(p);
		const char *start = p;
		while (*p && *p != ',' && *p != ' ' && *p != '\t')
			p++;
		if (p == start) {
			*why = *p == ',' || *p == '\0' ? "expected a version like v1.2.3 (ranges: \"< v1.2.3\", "
			                                 "\">= v1.0.0, < v1.2.5\")"
			                               : "expected a version like v1.2.3";
			return false;
		}
		char *v = sr_arena_strndup(a, start, (size_t)(p - start));
		if (!v) {
			*why = "out of memory";
			return false;
		}
		if (!sr_semver_valid(v)) {
			*why = "not a Go module version (vMAJOR.MINOR.PATCH, e.g. v0.17.0)";
			return false;
		}
		struct sr_policy_vcmp *c = sr_arena_grow(a, r->cmp, r->n, &cap, sizeof *c, 16);
		if (!c) {
			*why = "more than 16 comparisons in one range";
			return false;
		}
		r->cmp = c;
		r->cmp[r->n].op = op;
		r->cmp[r->n].version = v;
		r->n++;
		p = skip_spaces(p);
		if (*p == '\0')
			return true;
		if (*p != ',') {
			*why = "expected ',' between comparisons";
			return false;
		}
		p++;
	}
}

bool sr_policy_vrange_match(const struct sr_policy_vrange *r, const char *v)
{
	for (size_t i = 0; i < r->n; i++) {
		int c = sr_semver_cmp(v, r->cmp[i].version);
		bool ok;
		switch (r->cmp[i].op) {
		case SR_POLICY_VOP_LT: ok = c < 0; break;
		case SR_POLICY_VOP_LE: ok = c <= 0; break;
		case SR_POLICY_VOP_GT: ok = c > 0; break;
		case SR_POLICY_VOP_GE: ok = c >= 0; break;
		default: ok = c == 0; break;
		}
		if (!ok)
			return false;
	}
	return r->n > 0;
}

/* ---------- Go toolchain versions ---------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A decimal number of at most 6 digits at *p. */
static bool small_num(const char **p, unsigned *out)
{
	const char *s = *p;
	unsigned v = 0;
	int n = 0;
	while (is_digit(*s)) {
		if (++n > 6)
			return false;
		v = v * 10 + (unsigned)(*s - '0');
		s++;
	}
	if (n == 0)
		return false;
	*out = v;
	*p = s;
	return true;
}

bool sr_policy_gover_parse_min(const char *s, struct sr_policy_gover *out)
{
	memset(out, 0, sizeof *out);
	const char *p = s;
	if (strncmp(p, "go", 2) == 0)
		p += 2;
	if (!small_num(&p, &out->major) || out->major == 0 || *p != '.')
		return false;
	p++;
	if (!small_num(&p, &out->minor))
		return false;
	if (*p == '.') {
		p++;
		if (!small_num(&p, &out->patch))
			return false;
	}
	return *p == '\0';
}

int sr_policy_gover_cmp(const struct sr_policy_gover *a, const struct sr_policy_gover *b)
{
	unsigned x[5] = { a->major, a->minor, a->patch, a->pre ? a->pre : 3, a->prenum };
	unsigned y[5] = { b->major, b->minor, b->patch, b->pre ? b->pre : 3, b->prenum };
	for (int k = 0; k < 5; k++)
		if (x[k] != y[k])
			return x[k] < y[k] ? -1 : 1;
	return 0;
}

/* "goMAJOR.MINOR[.PATCH][rcN|betaN]" at *p. */
static bool parse_go_release(const char **p, struct sr_policy_gover *g)
{
	const char *s = *p;
	memset(g, 0, sizeof *g);
	if (strncmp(s, "go", 2) != 0)
		return false;
	s += 2;
	if (!small_num(&s, &g->major) || *s != '.')
		return false;
	s++;
	if (!small_num(&s, &g->minor))
		return false;
	if (*s == '.' && is_digit(s[1])) {
		s++;
		if (!small_num(&s, &g->patch))
			return false;
	}
	if (strncmp(s, "rc", 2) == 0 && is_digit(s[2])) {
		s += 2;
		g->pre = 2;
		if (!small_num(&s, &g->prenum))
			return false;
	} else if (strncmp(s, "beta", 4) == 0 && is_digit(s[4])) {
		s += 4;
		g->pre = 1;
		if (!small_num(&s, &g->prenum))
			return false;
	}
	*p = s;
	return true;
}

void sr_policy_gover_parse_bin(const char *s, struct sr_policy_gover_bin *out)
{
	memset(out, 0, sizeof *out);
	if (!s)
		return;
	const char *p = s;
	if (!parse_go_release(&p, &out->lo))
		return;   /* "devel go1.23-…", or not a version */
	if (strcmp(p, " or later") == 0) {
		out->kind = SR_POLICY_GOVER_RANGE;
		return;
	}
	if (strncmp(p, " to ", 4) == 0) {
		struct sr_policy_gover hi;
		p += 4;
		if (!parse_go_release(&p, &hi) || *p != '\0')
			return;
		out->kind = SR_POLICY_GOVER_RANGE;
		out->has_hi = true;
		out->hi_major = hi.major;
		out->hi_minor = hi.minor;
		return;
	}
	if (strncmp(p, " to", 3) == 0 || strncmp(p, " or", 3) == 0)
		return;   /* a range cut short */
	/* the end, or a suffix of the same release (" X:nocoverageredesign",
	 * a vendor's "-20240101-RC01 …") */
	if (*p == '\0' || *p == ' ' || *p == '-' || *p == '+')
		out->kind = SR_POLICY_GOVER_EXACT;
}
