/* A JSON reader with positions (see policy_json.h).  Every byte is read
 * through lex_peek()/lex_step(), which check l->i < l->len. */
#include "check/policy_json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "util/hex.h"

struct lex {
	const unsigned char *p;
	size_t len, i;
	unsigned line, col;       /* of p[i] */
	struct sr_arena *a;
	struct sr_error *err;
};

static enum sr_err fail_at(struct lex *l, unsigned line, unsigned col, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static enum sr_err fail_at(struct lex *l, unsigned line, unsigned col, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return sr_error_set(l->err, SR_E_MALFORMED, "%u:%u: %s", line, col, what);
}

static enum sr_err nomem(struct lex *l)
{
	return sr_error_set(l->err, SR_E_NOMEM, NULL);
}

static bool lex_eof(const struct lex *l)
{
	return l->i >= l->len;
}

/* The byte at the cursor, or -1 at the end. */
static int lex_peek(const struct lex *l)
{
	return l->i < l->len ? l->p[l->i] : -1;
}

/* Consume one byte; columns advance once per character (not on UTF-8
 * continuation bytes). */
static void lex_step(struct lex *l)
{
	if (l->i >= l->len)
		return;
	unsigned char c = l->p[l->i++];
	if (c == '\n') {
		l->line++;
		l->col = 1;
	} else if ((c & 0xc0) != 0x80) {
		l->col++;
	}
}

static void skip_ws(struct lex *l)
{
	for (;;) {
		int c = lex_peek(l);
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		lex_step(l);
	}
}

/* What the cursor points at, for "unexpected …" messages. */
static void describe_here(const struct lex *l, char *buf, size_t cap)
{
	int c = lex_peek(l);
	if (c < 0)
		snprintf(buf, cap, "the end of the file");
	else if (c > 0x20 && c < 0x7f)
		snprintf(buf, cap, "'%c'", c);
	else
		snprintf(buf, cap, "byte 0x%02x", (unsigned)c);
}

static enum sr_err unexpected(struct lex *l, const char *wanted)
{
	char here[32];
	describe_here(l, here, sizeof here);
	return fail_at(l, l->line, l->col, "expected %s, got %s", wanted, here);
}

const char *sr_pjson_type_name(const struct sr_pjson_value *v)
{
	switch (v->type) {
	case SR_PJSON_NULL: return "null";
	case SR_PJSON_FALSE: return "false";
	case SR_PJSON_TRUE: return "true";
	case SR_PJSON_NUMBER: return "a number";
	case SR_PJSON_STRING: return "a string";
	case SR_PJSON_ARRAY: return "an array";
	case SR_PJSON_OBJECT: return "an object";
	}
	return "a value";
}

static struct sr_pjson_value *new_value(struct lex *l, enum sr_pjson_type t, unsigned line, unsigned col)
{
	struct sr_pjson_value *v = sr_arena_alloc(l->a, sizeof *v);
	if (v) {
		v->type = t;
		v->line = line;
		v->col = col;
	}
	return v;
}

/* ---------- strings ---------- */

/* Four hex digits after "\u" (the cursor is on the first). */
static bool read_hex4(struct lex *l, unsigned *out)
{
	unsigned v = 0;
	for (int k = 0; k < 4; k++) {
		int h = sr_hex_digit(lex_peek(l));
		if (h < 0)
			return false;
		v = v << 4 | (unsigned)h;
		lex_step(l);
	}
	*out = v;
	return true;
}

/* Length of the well-formed UTF-8 sequence at the cursor, or 0 (RFC 3629:
 * no overlong forms, no surrogates, nothing over U+10FFFF). */
static size_t utf8_len(const struct lex *l)
{
	const unsigned char *s = l->p + l->i;
	size_t avail = l->len - l->i;
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (avail < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	return n;
}

static size_t utf8_put(unsigned cp, unsigned char *o)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at the cursor (on the opening quote), decoded into the arena. */
static enum sr_err parse_string(struct lex *l, const char **out, size_t *outlen)
{
	unsigned line = l->line, col = l->col;
	unsigned char buf[SR_PJSON_MAX_STRING + 4];
	size_t n = 0;
	lex_step(l);   /* the opening quote */
	for (;;) {
		if (lex_eof(l))
			return fail_at(l, line, col, "unterminated string");
		unsigned char c = l->p[l->i];
		unsigned char enc[4];
		size_t k;
		if (c == '"') {
			lex_step(l);
			break;
		}
		if (c < 0x20) {
			if (c == '\n')
				return fail_at(l, line, col, "unterminated string (a line break inside a string must be written \\n)");
			return fail_at(l, l->line, l->col, "control character 0x%02x in a string (write it as \\u%04x)",
			               (unsigned)c, (unsigned)c);
		}
		if (c == '\\') {
			unsigned eline = l->line, ecol = l->col;
			lex_step(l);
			int e = lex_peek(l);
			if (e < 0)
				return fail_at(l, line, col, "unterminated string");
			const char *simple = strchr("\"\\/bfnrt", e);
			if (e != 0 && simple) {
				static const char repl[] = "\"\\/\b\f\n\r\t";
				enc[0] = (unsigned char)repl[simple - "\"\\/bfnrt"];
				k = 1;
				lex_step(l);
			} else if (e == 'u') {
				lex_step(l);
				unsigned cp;
				if (!read_hex4(l, &cp))
					return fail_at(l, eline, ecol, "\\u must be followed by four hex digits");
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return fail_at(l, eline, ecol, "lone low surrogate \\u%04x", cp);
				if (cp >= 0xd800 && cp <= 0xdbff) {
					unsigned lo;
					if (lex_peek(l) != '\\')
						return fail_at(l, eline, ecol, "high surrogate \\u%04x without its low half", cp);
					lex_step(l);
					if (lex_peek(l) != 'u')
						return fail_at(l, eline, ecol, "high surrogate \\u%04x without its low half", cp);
					lex_step(l);
					if (!read_hex4(l, &lo) || lo < 0xdc00 || lo > 0xdfff)
						return fail_at(l, eline, ecol, "high surrogate \\u%04x without its low half", cp);
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				if (cp == 0)
					return fail_at(l, eline, ecol, "\\u0000 is not allowed in a string");
				k = utf8_put(cp, enc);
			} else {
				char here[32];
				describe_here(l, here, sizeof here);
				return fail_at(l, eline, ecol, "invalid escape: backslash followed by %s", here);
			}
		} else if (c < 0x80) {
			enc[0] = c;
			k = 1;
			lex_step(l);
		} else {
			k = utf8_len(l);
			if (k == 0)
				return fail_at(l, l->line, l->col, "invalid UTF-8 in a string (byte 0x%02x)", (unsigned)c);
			memcpy(enc, l->p + l->i, k);
			for (size_t j = 0; j < k; j++)
				lex_step(l);
		}
		if (n + k > SR_PJSON_MAX_STRING)
			return fail_at(l, line, col, "string longer than %u bytes", SR_PJSON_MAX_STRING);
		memcpy(buf + n, enc, k);
		n += k;
	}
	char *s = sr_arena_strndup(l->a, (const char *)buf, n);
	if (!s)
		return nomem(l);
	*out = s;
	*outlen = n;
	return SR_OK;
}

/* ---------- numbers and literals ---------- */

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static enum sr_err parse_number(struct lex *l, struct sr_pjson_value *v)
{
	size_t start = l->i;
	if (lex_peek(l) == '-')
		lex_step(l);
	if (lex_peek(l) == '0') {
		lex_step(l);
		if (is_digit(lex_peek(l)))
			return fail_at(l, v->line, v->col, "invalid number: leading zero");
	} else if (is_digit(lex_peek(l))) {
		while (is_digit(lex_peek(l)))
			lex_step(l);
	} else {
		return fail_at(l, v->line, v->col, "invalid number: '-' without digits");
	}
	if (lex_peek(l) == '.') {
		lex_step(l);
		if (!is_digit(lex_peek(l)))
			return fail_at(l, v->line, v->col, "invalid number: no digits after '.'");
		while (is_digit(lex_peek(l)))
			lex_step(l);
	}
	if (lex_peek(l) == 'e' || lex_peek(l) == 'E') {
		lex_step(l);
		if (lex_peek(l) == '+' || lex_peek(l) == '-')
			lex_step(l);
		if (!is_digit(lex_peek(l)))
			return fail_at(l, v->line, v->col, "invalid number: no digits in the exponent");
		while (is_digit(lex_peek(l)))
			lex_step(l);
	}
	size_t n = l->i - start;
	if (n > SR_PJSON_MAX_STRING)
		return fail_at(l, v->line, v->col, "number longer than %u characters", SR_PJSON_MAX_STRING);
	if (!(v->s = sr_arena_strndup(l->a, (const char *)l->p + start, n)))
		return nomem(l);
	v->len = n;
	return SR_OK;
}

static enum sr_err parse_literal(struct lex *l, struct sr_pjson_value *v)
{
	static const struct { const char *text; enum sr_pjson_type t; } lits[] = {
		{ "true", SR_PJSON_TRUE }, { "false", SR_PJSON_FALSE }, { "null", SR_PJSON_NULL },
	};
	for (size_t k = 0; k < sizeof lits / sizeof lits[0]; k++) {
		size_t n = strlen(lits[k].text);
		if (l->len - l->i >= n && memcmp(l->p + l->i, lits[k].text, n) == 0) {
			for (size_t j = 0; j < n; j++)
				lex_step(l);
			int c = lex_peek(l);
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_')
				break;
			v->type = lits[k].t;
			return SR_OK;
		}
	}
	return fail_at(l, v->line, v->col, "invalid literal (expected true, false or null)");
}

/* ---------- arrays and objects ---------- */

static enum sr_err parse_value(struct lex *l, unsigned depth, struct sr_pjson_value **out);

static enum sr_err parse_array(struct lex *l, unsigned depth, struct sr_pjson_value *v)
{
	size_t cap = 0;
	lex_step(l);   /* '[' */
	skip_ws(l);
	if (lex_peek(l) == ']') {
		lex_step(l);
		return SR_OK;
	}
	for (;;) {
		skip_ws(l);
		if (v->n >= SR_PJSON_MAX_ITEMS)
			return fail_at(l, l->line, l->col, "more than %u elements in one array", SR_PJSON_MAX_ITEMS);
		struct sr_pjson_value **items = sr_arena_grow(l->a, v->items, v->n, &cap, sizeof *items, SR_PJSON_MAX_ITEMS);
		if (!items)
			return nomem(l);
		v->items = items;
		enum sr_err rc = parse_value(l, depth + 1, &v->items[v->n]);
		if (rc)
			return rc;
		v->n++;
		skip_ws(l);
		if (lex_peek(l) == ',') {
			unsigned cl = l->line, cc = l->col;
			lex_step(l);
			skip_ws(l);
			if (lex_peek(l) == ']')
				return fail_at(l, cl, cc, "trailing comma before ']'");
			continue;
		}
		if (lex_peek(l) == ']') {
			lex_step(l);
			return SR_OK;
		}
		if (lex_eof(l))
			return fail_at(l, v->line, v->col, "unterminated array (no ']')");
		return unexpected(l, "',' or ']' after an array element");
	}
}

void sr_pjson_quote(const char *s, size_t len, char *buf, size_t cap)
{
	size_t o = 0;
	if (cap < 8) {
		if (cap)
			buf[0] = '\0';
		return;
	}
	buf[o++] = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[8];
		size_t n;
		if (i >= 60 && (c & 0xc0) != 0x80) {
			memcpy(tmp, "...", 3);
			n = 3;
			if (o + n + 2 > cap)
				break;
			memcpy(buf + o, tmp, n);
			o += n;
			break;
		}
		if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			n = 2;
		} else if (c < 0x20 || c == 0x7f) {
			n = (size_t)snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned)c);
		} else {
			tmp[0] = (char)c;
			n = 1;
		}
		if (o + n + 2 > cap)
			break;
		memcpy(buf + o, tmp, n);
		o += n;
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

static enum sr_err parse_object(struct lex *l, unsigned depth, struct sr_pjson_value *v)
{
	size_t cap = 0;
	lex_step(l);   /* '{' */
	skip_ws(l);
	if (lex_peek(l) == '}') {
		lex_step(l);
		return SR_OK;
	}
	for (;;) {
		skip_ws(l);
		if (lex_peek(l) != '"') {
			if (lex_eof(l))
				return fail_at(l, v->line, v->col, "unterminated object (no '}')");
			return unexpected(l, "a string key");
		}
		if (v->n >= SR_PJSON_MAX_MEMBERS)
			return fail_at(l, l->line, l->col, "more than %u members in one object", SR_PJSON_MAX_MEMBERS);
		struct sr_pjson_member *m = sr_arena_grow(l->a, v->members, v->n, &cap, sizeof *m, SR_PJSON_MAX_MEMBERS);
		if (!m)
			return nomem(l);
		v->members = m;
		m = &v->members[v->n];
		m->line = l->line;
		m->col = l->col;
		size_t klen;
		enum sr_err rc = parse_string(l, &m->key, &klen);
		if (rc)
			return rc;
		for (size_t k = 0; k < v->n; k++) {
			if (strcmp(v->members[k].key, m->key) == 0) {
				char q[96];
				sr_pjson_quote(m->key, klen, q, sizeof q);
				return fail_at(l, m->line, m->col, "duplicate key %s (first at %u:%u)", q,
				               v->members[k].line, v->members[k].col);
			}
		}
		skip_ws(l);
		if (lex_peek(l) != ':')
			return unexpected(l, "':' after the key");
		lex_step(l);
		skip_ws(l);
		if ((rc = parse_value(l, depth + 1, &m->value)))
			return rc;
		v->n++;
		skip_ws(l);
		if (lex_peek(l) == ',') {
			unsigned cl = l->line, cc = l->col;
			lex_step(l);
			skip_ws(l);
			if (lex_peek(l) == '}')
				return fail_at(l, cl, cc, "trailing comma before '}'");
			continue;
		}
		if (lex_peek(l) == '}') {
			lex_step(l);
			return SR_OK;
		}
		if (lex_eof(l))
			return fail_at(l, v->line, v->col, "unterminated object (no '}')");
		return unexpected(l, "',' or '}' after an object member");
	}
}

static enum sr_err parse_value(struct lex *l, unsigned depth, struct sr_pjson_value **out)
{
	skip_ws(l);
	int c = lex_peek(l);
	if (c < 0)
		return unexpected(l, "a value");
	struct sr_pjson_value *v = new_value(l, SR_PJSON_NULL, l->line, l->col);
	if (!v)
		return nomem(l);
	*out = v;
	if ((c == '[' || c == '{') && depth >= SR_PJSON_MAX_DEPTH)
		return fail_at(l, l->line, l->col, "nested deeper than %u levels", SR_PJSON_MAX_DEPTH);
	switch (c) {
	case '{':
		v->type = SR_PJSON_OBJECT;
		return parse_object(l, depth, v);
	case '[':
		v->type = SR_PJSON_ARRAY;
		return parse_array(l, depth, v);
	case '"':
		v->type = SR_PJSON_STRING;
		return parse_string(l, &v->s, &v->len);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		v->type = SR_PJSON_NUMBER;
		return parse_number(l, v);
	case 't': case 'f': case 'n':
		return parse_literal(l, v);
	default:
		return unexpected(l, "a value");
	}
}

enum sr_err sr_pjson_parse(struct sr_arena *a, const char *buf, size_t len, struct sr_pjson_value **out,
                           struct sr_error *err)
{
	*out = NULL;
	if (len > SR_PJSON_MAX_INPUT)
		return sr_error_set(err, SR_E_TOO_BIG, "larger than %zu KiB", SR_PJSON_MAX_INPUT >> 10);
	struct lex l = { .p = (const unsigned char *)buf, .len = len, .line = 1, .col = 1, .a = a, .err = err };
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		l.i = 3;   /* a UTF-8 byte order mark (RFC 8259 8.1: may be ignored) */
	skip_ws(&l);
	if (lex_eof(&l))
		return fail_at(&l, l.line, l.col, "empty file: expected a JSON value");
	struct sr_pjson_value *v;
	enum sr_err rc = parse_value(&l, 0, &v);
	if (rc)
		return rc;
	skip_ws(&l);
	if (!lex_eof(&l)) {
		char here[32];
		describe_here(&l, here, sizeof here);
		return fail_at(&l, l.line, l.col, "trailing characters after the JSON value (%s)", here);
	}
	*out = v;
	return SR_OK;
}
