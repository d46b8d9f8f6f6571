/* Go module versions: parse, compare, canonical form (shipready/semver.h). */
#include "shipready/semver.h"

#include <stdio.h>
#include <string.h>

struct sv {
	const char *num[3];
	size_t numl[3];
	int parts;                     /* numbers written: 1 to 3 */
	const char *pre;               /* after '-', or NULL */
	size_t prel;
	const char *build;             /* after '+', or NULL */
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* A decimal number without leading zeros at *p. */
static bool sv_num(const char **p, const char **start, size_t *len)
{
	const char *s = *p;
	if (!is_digit(*s))
		return false;
	if (*s == '0' && is_digit(s[1]))
		return false;
	while (is_digit(*s))
		s++;
	*start = *p;
	*len = (size_t)(s - *p);
	*p = s;
	return true;
}

/* Dot-separated identifiers of [0-9A-Za-z-]; numeric ones without leading
 * zeros in a prerelease. */
static bool sv_idents(const char **p, bool prerelease)
{
	const char *s = *p;
	for (;;) {
		const char *start = s;
		bool numeric = true;
		while (is_ident_char(*s)) {
			if (!is_digit(*s))
				numeric = false;
			s++;
		}
		if (s == start)
			return false;
		if (prerelease && numeric && s - start > 1 && *start == '0')
			return false;
		if (*s != '.')
			break;
		s++;
	}
	*p = s;
	return true;
}

static bool sv_parse(const char *v, struct sv *out)
{
	static const char zero[] = "0";
	memset(out, 0, sizeof *out);
	if (!v || v[0] != 'v')
		return false;
	const char *p = v + 1;
	if (!sv_num(&p, &out->num[0], &out->numl[0]))
		return false;
	out->parts = 1;
	for (int k = 1; k < 3; k++) {
		if (*p == '\0') {   /* v1, v1.2: shorthand, no suffix allowed */
			for (; k < 3; k++) {
				out->num[k] = zero;
				out->numl[k] = 1;
			}
			return true;
		}
		if (*p != '.')
			return false;
		p++;
		if (!sv_num(&p, &out->num[k], &out->numl[k]))
			return false;
		out->parts++;
	}
	if (*p == '-') {
		p++;
		out->pre = p;
		if (!sv_idents(&p, true))
			return false;
		out->prel = (size_t)(p - out->pre);
	}
	if (*p == '+') {
		p++;
		out->build = p;
		if (!sv_idents(&p, false))
			return false;
	}
	return *p == '\0';
}

bool sr_semver_valid(const char *v)
{
	struct sv s;
	return sv_parse(v, &s);
}

/* Numbers without leading zeros: the longer is larger. */
static int num_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	if (al != bl)
		return al < bl ? -1 : 1;
	int c = memcmp(a, b, al);
	return (c > 0) - (c < 0);
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return n > 0;
}

static int pre_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	if (al == 0 || bl == 0) {    /* no prerelease is higher */
		if (al == bl)
			return 0;
		return al == 0 ? 1 : -1;
	}
	size_t i = 0, j = 0;
	while (i < al && j < bl) {
		size_t ie = i, je = j;
		while (ie < al && a[ie] != '.')
			ie++;
		while (je < bl && b[je] != '.')
			je++;
		bool an = all_digits(a + i, ie - i), bn = all_digits(b + j, je - j);
		int c;
		if (an && bn)
			c = num_cmp(a + i, ie - i, b + j, je - j);
		else if (an != bn)
			c = an ? -1 : 1;   /* numeric identifiers are lower */
		else {
			size_t n = ie - i < je - j ? ie - i : je - j;
			c = memcmp(a + i, b + j, n);
			c = (c > 0) - (c < 0);
			if (c == 0 && ie - i != je - j)
				c = ie - i < je - j ? -1 : 1;
		}
		if (c)
			return c;
		i = ie + (ie < al);
		j = je + (je < bl);
	}
	if (i < al)
		return 1;
	if (j < bl)
		return -1;
	return 0;
}

int sr_semver_cmp(const char *a, const char *b)
{
	struct sv x, y;
	bool okx = sv_parse(a, &x), oky = sv_parse(b, &y);
	if (!okx || !oky)
		return okx == oky ? 0 : (okx ? 1 : -1);
	for (int k = 0; k < 3; k++) {
		int c = num_cmp(x.num[k], x.numl[k], y.num[k], y.numl[k]);
		if (c)
			return c;
	}
	return pre_cmp(x.pre ? x.pre : "", x.prel, y.pre ? y.pre : "", y.prel);
}

bool sr_semver_canonical(const char *v, char *out, size_t size)
{
	struct sv s;
	if (!sv_parse(v, &s))
		return false;
	bool incompatible = s.build && strcmp(s.build, "incompatible") == 0;
	int w = snprintf(out, size, "v%.*s.%.*s.%.*s%s%.*s%s", (int)s.numl[0], s.num[0], (int)s.numl[1], s.num[1],
	                 (int)s.numl[2], s.num[2], s.pre ? "-" : "", (int)s.prel, s.pre ? s.pre : "",
	                 incompatible ? "+incompatible" : "");
	return w >= 0 && (size_t)w < size;
}
