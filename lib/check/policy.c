/* Policies: the built-ins of data/policies/ (compiled in by
 * tools/embed_data.py) or a user's file, read with lib/check/policy_json.c
 * so that every error points at the offending value ("4:23: …"), and
 * checked key by key into struct sr_policy (docs/policy.md). */
#include "shipready/policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "check/policy_internal.h"
#include "check/policy_json.h"
#include "shipready/file.h"

extern const unsigned char sr_data_policy_portable_glibc_2_17[];
extern const size_t sr_data_policy_portable_glibc_2_17_len;
extern const unsigned char sr_data_policy_static_only[];
extern const size_t sr_data_policy_static_only_len;
extern const unsigned char sr_data_policy_distroless_static[];
extern const size_t sr_data_policy_distroless_static_len;

const struct sr_policy_builtin_json sr_policy_embedded[] = {
	{ "portable-glibc-2.17", sr_data_policy_portable_glibc_2_17, &sr_data_policy_portable_glibc_2_17_len },
	{ "static-only", sr_data_policy_static_only, &sr_data_policy_static_only_len },
	{ "distroless-static", sr_data_policy_distroless_static, &sr_data_policy_distroless_static_len },
};
const size_t sr_policy_nembedded = sizeof sr_policy_embedded / sizeof sr_policy_embedded[0];

const char *const sr_policy_builtins[] = { "portable-glibc-2.17", "static-only", "distroless-static", NULL };

/* ---------- errors that point at a value ---------- */

struct ctx {
	struct sr_policy *p;
	struct sr_error *err;
};

static enum sr_err bad(struct ctx *c, unsigned line, unsigned col, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;

/* "LINE:COLUMN: path: reason" (no path at the top level). */
static enum sr_err bad(struct ctx *c, unsigned line, unsigned col, const char *path, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return sr_error_set(c->err, SR_E_MALFORMED, "%u:%u: %s%s%s", line, col, path ? path : "", path ? ": " : "",
	                    what);
}

static enum sr_err nomem(struct ctx *c)
{
	return sr_error_set(c->err, SR_E_NOMEM, NULL);
}

static void quote(const struct sr_pjson_value *v, char *buf, size_t cap)
{
	sr_pjson_quote(v->s, v->len, buf, cap);
}

static enum sr_err want(struct ctx *c, const struct sr_pjson_value *v, const char *path, enum sr_pjson_type t,
                        const char *what)
{
	if (v->type == t || (t == SR_PJSON_TRUE && v->type == SR_PJSON_FALSE))
		return SR_OK;
	return bad(c, v->line, v->col, path, "expected %s, got %s", what, sr_pjson_type_name(v));
}

static bool has_control(const struct sr_pjson_value *v)
{
	for (size_t i = 0; i < v->len; i++)
		if ((unsigned char)v->s[i] < 0x20 || v->s[i] == 0x7f)
			return true;
	return false;
}

/* A non-empty string without control characters, copied into the policy. */
static enum sr_err get_string(struct ctx *c, const struct sr_pjson_value *v, const char *path, const char *what,
                              const char **out)
{
	enum sr_err rc = want(c, v, path, SR_PJSON_STRING, what);
	if (rc)
		return rc;
	if (v->len == 0)
		return bad(c, v->line, v->col, path, "empty string");
	if (has_control(v))
		return bad(c, v->line, v->col, path, "control character in the string");
	if (!(*out = sr_arena_strndup(c->p->arena, v->s, v->len)))
		return nomem(c);
	return SR_OK;
}

static enum sr_err get_bool(struct ctx *c, const struct sr_pjson_value *v, const char *path, bool *out)
{
	enum sr_err rc = want(c, v, path, SR_PJSON_TRUE, "true or false");
	if (rc)
		return rc;
	*out = v->type == SR_PJSON_TRUE;
	return SR_OK;
}

/* "forbid_cgo": true, or "require_cgo": true or false (false: must not use
 * cgo, the release engineer's spelling of forbid_cgo). The two may not
 * contradict each other. */
static enum sr_err key_cgo(struct ctx *c, const struct sr_pjson_value *v, const char *k)
{
	bool b;
	enum sr_err rc = get_bool(c, v, k, &b);
	if (rc)
		return rc;
	bool require = strcmp(k, "require_cgo") == 0;
	if (!require && !b)
		return SR_OK;   /* forbid_cgo: false is no rule */
	int want = require && b ? 1 : -1;
	if (c->p->cgo_want && c->p->cgo_want != want)
		return bad(c, v->line, v->col, k, "contradicts %s", c->p->cgo_key);
	c->p->cgo_want = want;
	c->p->cgo_key = require ? "require_cgo" : "forbid_cgo";
	return SR_OK;
}

/* Checks one element of a string list; returns a static reason or NULL. */
typedef const char *(*item_check)(const char *s);

/* An array of distinct strings (each checked), copied into the policy. */
static enum sr_err get_list(struct ctx *c, const struct sr_pjson_value *v, const char *path, const char *what,
                            item_check check, bool allow_empty, const char ***out, size_t *n)
{
	char ipath[96];
	enum sr_err rc = want(c, v, path, SR_PJSON_ARRAY, what);
	if (rc)
		return rc;
	if (v->n == 0 && !allow_empty)
		return bad(c, v->line, v->col, path, "empty list");
	if (v->n > SR_POLICY_MAX_LIST)
		return bad(c, v->items[SR_POLICY_MAX_LIST]->line, v->items[SR_POLICY_MAX_LIST]->col, path,
		           "more than %u entries", SR_POLICY_MAX_LIST);
	const char **arr = sr_arena_array(c->p->arena, v->n ? v->n : 1, sizeof *arr);
	if (!arr)
		return nomem(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct sr_pjson_value *it = v->items[i];
		snprintf(ipath, sizeof ipath, "%s[%zu]", path, i);
		if ((rc = get_string(c, it, ipath, "a string", &arr[i])))
			return rc;
		const char *why = check ? check(arr[i]) : NULL;
		if (why) {
			char q[96];
			quote(it, q, sizeof q);
			return bad(c, it->line, it->col, ipath, "%s: %s", q, why);
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(arr[k], arr[i]) == 0)
				return bad(c, it->line, it->col, ipath, "duplicate of %s[%zu]", path, k);
	}
	*out = arr;
	*n = v->n;
	return SR_OK;
}

/* ---------- the keys ---------- */

/* Dotted decimal numbers: "2.17", "3.4.19". */
static bool is_dotted(const char *s)
{
	bool digit = false;
	size_t run = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			digit = true;
			if (++run > 9)
				return false;
		} else if (*s == '.' && digit) {
			digit = false;
			run = 0;
		} else {
			return false;
		}
	}
	return digit;
}

/* The characters of a version name's family part ("GLIBC", "Qt", "LIBXML2"). */
static bool is_family(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '.' || *s == '+' || *s == '-'))
			return false;
	return true;
}

static enum sr_err key_symmax(struct ctx *c, const struct sr_pjson_value *v, const char *path)
{
	static const char *const known[] = { "GLIBC", "GLIBCXX", "CXXABI", "GCC" };
	enum sr_err rc = want(c, v, path, SR_PJSON_OBJECT, "an object (family -> version, e.g. {\"GLIBC\": \"2.17\"})");
	if (rc)
		return rc;
	struct sr_policy *p = c->p;
	if (!(p->symmax = sr_arena_array(p->arena, v->n ? v->n : 1, sizeof *p->symmax)))
		return nomem(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct sr_pjson_member *m = &v->members[i];
		char mpath[128], q[96];
		sr_pjson_quote(m->key, strlen(m->key), q, sizeof q);
		if (!is_family(m->key))
			return bad(c, m->line, m->col, path, "%s is not a symbol version family (like GLIBC)", q);
		for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
			if (strcmp(m->key, known[k]) != 0 && strcasecmp(m->key, known[k]) == 0)
				return bad(c, m->line, m->col, path, "%s: families are case-sensitive (%s)", q, known[k]);
		snprintf(mpath, sizeof mpath, "%s.%s", path, m->key);
		const struct sr_pjson_value *mv = m->value;
		if (mv->type != SR_PJSON_STRING)
			return bad(c, mv->line, mv->col, mpath, "expected a string like \"2.17\", got %s", sr_pjson_type_name(mv));
		quote(mv, q, sizeof q);
		if (mv->len == 0 || memchr(mv->s, '\0', mv->len) || !is_dotted(mv->s))
			return bad(c, mv->line, mv->col, mpath, "%s is not a dotted version", q);
		struct sr_policy_symmax *s = &p->symmax[p->nsymmax++];
		if (!(s->family = sr_arena_strdup(p->arena, m->key)) || !(s->version = sr_arena_strdup(p->arena, mv->s)))
			return nomem(c);
	}
	return SR_OK;
}

static const char *check_linkage(const char *s)
{
	if (strcmp(s, "static") == 0 || strcmp(s, "static-pie") == 0 || strcmp(s, "dynamic") == 0)
		return NULL;
	return "expected \"static\", \"static-pie\" or \"dynamic\"";
}

static enum sr_err key_linkage(struct ctx *c, const struct sr_pjson_value *v, const char *path)
{
	const char **l;
	size_t n;
	enum sr_err rc = get_list(c, v, path, "an array of \"static\", \"static-pie\", \"dynamic\"", check_linkage,
	                          false, &l, &n);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		c->p->linkage |= strcmp(l[i], "static") == 0       ? SR_POLICY_LINK_STATIC
		                 : strcmp(l[i], "static-pie") == 0 ? SR_POLICY_LINK_STATIC_PIE
		                                                   : SR_POLICY_LINK_DYNAMIC;
	return SR_OK;
}

static enum sr_err key_min_go(struct ctx *c, const struct sr_pjson_value *v, const char *path)
{
	if (v->type != SR_PJSON_STRING)
		return bad(c, v->line, v->col, path, "expected a string like \"1.21\", got %s", sr_pjson_type_name(v));
	char q[96];
	quote(v, q, sizeof q);
	if (memchr(v->s, '\0', v->len) || !sr_policy_gover_parse_min(v->s, &c->p->min_go))
		return bad(c, v->line, v->col, path, "%s is not a Go release (like \"1.21\" or \"1.21.5\")", q);
	c->p->has_min_go = true;
	return get_string(c, v, path, "a string", &c->p->min_go_text);
}

/* forbidden_go_modules and allowed_go_modules: {"path": glob, "versions": [range, …]} entries. */
static enum sr_err key_max_go(struct ctx *c, const struct sr_pjson_value *v, const char *path)
{
	if (v->type != SR_PJSON_STRING)
		return bad(c, v->line, v->col, path, "expected a string like \"1.23\", got %s", sr_pjson_type_name(v));
	char q[96];
	quote(v, q, sizeof q);
	if (memchr(v->s, '\0', v->len) || !sr_policy_gover_parse_min(v->s, &c->p->max_go))
		return bad(c, v->line, v->col, path, "%s is not a Go release (like \"1.23\" or \"1.23.4\")", q);
	/* "1.23" allows every 1.23.x; "1.23.4" stops there */
	size_t dots = 0;
	for (size_t i = 0; i < v->len; i++)
		dots += v->s[i] == '.';
	c->p->max_go_any_patch = dots < 2;
	c->p->has_max_go = true;
	return get_string(c, v, path, "a string", &c->p->max_go_text);
}

static enum sr_err key_gomods(struct ctx *c, const struct sr_pjson_value *v, const char *path,
                              struct sr_policy_gomod **list, size_t *nlist)
{
	enum sr_err rc = want(c, v, path, SR_PJSON_ARRAY, "an array of {\"path\": …, \"versions\": […]} objects");
	if (rc)
		return rc;
	if (v->n > SR_POLICY_MAX_LIST)
		return bad(c, v->items[SR_POLICY_MAX_LIST]->line, v->items[SR_POLICY_MAX_LIST]->col, path,
		           "more than %u entries", SR_POLICY_MAX_LIST);
	struct sr_policy *p = c->p;
	if (!(*list = sr_arena_array(p->arena, v->n ? v->n : 1, sizeof **list)))
		return nomem(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct sr_pjson_value *o = v->items[i];
		struct sr_policy_gomod *g = &(*list)[i];
		char ipath[96], mpath[128], q[96];
		snprintf(ipath, sizeof ipath, "%s[%zu]", path, i);
		if ((rc = want(c, o, ipath, SR_PJSON_OBJECT, "an object {\"path\": …, \"versions\": […]}")))
			return rc;
		const struct sr_pjson_value *versions = NULL;
		for (size_t k = 0; k < o->n; k++) {
			const struct sr_pjson_member *m = &o->members[k];
			snprintf(mpath, sizeof mpath, "%s.%s", ipath, m->key);
			if (strcmp(m->key, "path") == 0) {
				if ((rc = get_string(c, m->value, mpath, "a string (a module path or glob)", &g->path)))
					return rc;
				const char *why = sr_policy_glob_error(g->path);
				if (why) {
					quote(m->value, q, sizeof q);
					return bad(c, m->value->line, m->value->col, mpath, "%s: %s", q, why);
				}
			} else if (strcmp(m->key, "versions") == 0) {
				versions = m->value;
			} else {
				sr_pjson_quote(m->key, strlen(m->key), q, sizeof q);
				return bad(c, m->line, m->col, ipath, "unknown key %s (expected \"path\" or \"versions\")", q);
			}
		}
		if (!g->path)
			return bad(c, o->line, o->col, ipath, "missing \"path\"");
		if (!versions)
			continue;
		snprintf(mpath, sizeof mpath, "%s.versions", ipath);
		if ((rc = want(c, versions, mpath, SR_PJSON_ARRAY, "an array of versions or ranges (\"< v0.17.0\")")))
			return rc;
		if (versions->n == 0)
			return bad(c, versions->line, versions->col, mpath, "empty list (leave \"versions\" out to %s every version)",
			           *list == p->gomods ? "forbid" : "allow");
		if (versions->n > SR_POLICY_MAX_VERSIONS)
			return bad(c, versions->items[SR_POLICY_MAX_VERSIONS]->line, versions->items[SR_POLICY_MAX_VERSIONS]->col,
			           mpath, "more than %u entries", SR_POLICY_MAX_VERSIONS);
		if (!(g->ranges = sr_arena_array(p->arena, versions->n, sizeof *g->ranges)))
			return nomem(c);
		for (size_t k = 0; k < versions->n; k++) {
			const struct sr_pjson_value *rv = versions->items[k];
			char rpath[160];
			const char *text, *why = NULL;
			snprintf(rpath, sizeof rpath, "%s[%zu]", mpath, k);
			if ((rc = get_string(c, rv, rpath, "a string (\"v1.2.3\", \"< v0.17.0\", \">= v1.0.0, < v1.2.5\")",
			                     &text)))
				return rc;
			if (!sr_policy_vrange_parse(p->arena, text, &g->ranges[k], &why)) {
				quote(rv, q, sizeof q);
				return bad(c, rv->line, rv->col, rpath, "%s: %s", q, why);
			}
		}
		g->nranges = versions->n;
	}
	*nlist = v->n;
	return SR_OK;
}

static const char *check_target(const char *s)
{
	if (strncmp(s, "dir:", 4) == 0)
		return s[4] ? NULL : "expected a directory after \"dir:\"";
	for (const char *t = s; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') || *t == '.' ||
		      *t == '-' || *t == '_'))
			return "expected a target name (see shipready targets) or \"dir:PATH\"";
	return NULL;
}

/* An allowed include directory: an absolute pattern. */
static const char *dir_pattern_error(const char *pat)
{
	if (pat[0] != '/')
		return "not an absolute directory (headers inside the project are always allowed)";
	return sr_policy_glob_error(pat);
}

static enum sr_err key_string_list(struct ctx *c, const struct sr_pjson_value *v, const char *key)
{
	struct sr_policy *p = c->p;
	if (strcmp(key, "allowed_libraries") == 0) {
		p->has_allowed = true;
		return get_list(c, v, key, "an array of library name patterns", sr_policy_glob_error, true, &p->allowed,
		                &p->nallowed);
	}
	if (strcmp(key, "forbidden_libraries") == 0)
		return get_list(c, v, key, "an array of library name patterns", sr_policy_glob_error, true, &p->forbidden,
		                &p->nforbidden);
	if (strcmp(key, "allowed_header_packages") == 0) {
		p->has_header_rule = true;
		return get_list(c, v, key, "an array of package name patterns", sr_policy_glob_error, true,
		                &p->header_packages, &p->nheader_packages);
	}
	if (strcmp(key, "allowed_include_dirs") == 0) {
		p->has_header_rule = true;
		return get_list(c, v, key, "an array of absolute directory patterns", dir_pattern_error, true,
		                &p->include_dirs, &p->ninclude_dirs);
	}
	if (strcmp(key, "allowed_static_archives") == 0) {
		p->has_archive_rule = true;
		return get_list(c, v, key, "an array of archive name patterns", sr_policy_glob_error, true, &p->archives,
		                &p->narchives);
	}
	return get_list(c, v, key, "an array of target names", check_target, true, &p->targets, &p->ntargets);
}

static const char *const known_keys[] = {
	"$schema", "name", "description", "allowed_libraries", "forbidden_libraries", "max_symbol_versions",
	"linkage", "forbid_cgo", "require_pie", "require_full_relro", "require_nx", "forbid_rpath",
	"min_go_version", "forbidden_go_modules", "targets_must_pass", "fail_on_warnings", "sources",
	"max_go_version", "allowed_go_modules", "require_trimpath", "require_vcs_clean", "require_cgo",
	"allowed_header_packages", "allowed_include_dirs", "allowed_static_archives",
};

/* Edit distance, for "did you mean"; a and b at most 64 bytes. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[65];
	if (la > 64 || lb > 64)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static enum sr_err unknown_key(struct ctx *c, const struct sr_pjson_member *m)
{
	char q[96];
	sr_pjson_quote(m->key, strlen(m->key), q, sizeof q);
	const char *best = NULL;
	size_t bd = 3;
	for (size_t k = 0; k < sizeof known_keys / sizeof known_keys[0]; k++) {
		size_t d = distance(m->key, known_keys[k]);
		if (d < bd) {
			bd = d;
			best = known_keys[k];
		}
	}
	if (best)
		return bad(c, m->line, m->col, NULL, "unknown key %s (did you mean \"%s\"?)", q, best);
	return bad(c, m->line, m->col, NULL, "unknown key %s (see docs/policy.md)", q);
}

static enum sr_err parse_policy(struct ctx *c, const struct sr_pjson_value *root)
{
	struct sr_policy *p = c->p;
	if (root->type != SR_PJSON_OBJECT)
		return bad(c, root->line, root->col, NULL, "expected a JSON object (the policy), got %s",
		           sr_pjson_type_name(root));
	for (size_t i = 0; i < root->n; i++) {
		const struct sr_pjson_member *m = &root->members[i];
		const struct sr_pjson_value *v = m->value;
		const char *k = m->key;
		enum sr_err rc;
		const char *ignored;
		const char **ignored_list;
		size_t nignored;
		if (strcmp(k, "$schema") == 0)
			rc = get_string(c, v, k, "a string", &ignored);
		else if (strcmp(k, "sources") == 0)   /* provenance, for readers */
			rc = get_list(c, v, k, "an array of strings", NULL, true, &ignored_list, &nignored);
		else if (strcmp(k, "name") == 0)
			rc = get_string(c, v, k, "a string", &p->name);
		else if (strcmp(k, "description") == 0) {
			rc = want(c, v, k, SR_PJSON_STRING, "a string");
			if (!rc && !(p->description = sr_arena_strndup(p->arena, v->s, v->len)))
				rc = nomem(c);
		} else if (strcmp(k, "allowed_libraries") == 0 || strcmp(k, "forbidden_libraries") == 0 ||
		           strcmp(k, "targets_must_pass") == 0 || strcmp(k, "allowed_header_packages") == 0 ||
		           strcmp(k, "allowed_include_dirs") == 0 || strcmp(k, "allowed_static_archives") == 0)
			rc = key_string_list(c, v, k);
		else if (strcmp(k, "max_symbol_versions") == 0)
			rc = key_symmax(c, v, k);
		else if (strcmp(k, "linkage") == 0)
			rc = key_linkage(c, v, k);
		else if (strcmp(k, "forbid_cgo") == 0 || strcmp(k, "require_cgo") == 0)
			rc = key_cgo(c, v, k);
		else if (strcmp(k, "require_pie") == 0)
			rc = get_bool(c, v, k, &p->require_pie);
		else if (strcmp(k, "require_full_relro") == 0)
			rc = get_bool(c, v, k, &p->require_full_relro);
		else if (strcmp(k, "require_nx") == 0)
			rc = get_bool(c, v, k, &p->require_nx);
		else if (strcmp(k, "forbid_rpath") == 0)
			rc = get_bool(c, v, k, &p->forbid_rpath);
		else if (strcmp(k, "fail_on_warnings") == 0)
			rc = get_bool(c, v, k, &p->fail_on_warnings);
		else if (strcmp(k, "min_go_version") == 0)
			rc = key_min_go(c, v, k);
		else if (strcmp(k, "max_go_version") == 0)
			rc = key_max_go(c, v, k);
		else if (strcmp(k, "forbidden_go_modules") == 0)
			rc = key_gomods(c, v, k, &p->gomods, &p->ngomods);
		else if (strcmp(k, "allowed_go_modules") == 0) {
			p->has_allowed_gomods = true;
			rc = key_gomods(c, v, k, &p->allowed_gomods, &p->nallowed_gomods);
		} else if (strcmp(k, "require_trimpath") == 0)
			rc = get_bool(c, v, k, &p->require_trimpath);
		else if (strcmp(k, "require_vcs_clean") == 0)
			rc = get_bool(c, v, k, &p->require_vcs_clean);
		else
			rc = unknown_key(c, m);
		if (rc)
			return rc;
	}
	return SR_OK;
}

/* ---------- loading ---------- */

static enum sr_err load(const char *buf, size_t len, const char *fallback_name, bool builtin,
                        struct sr_policy **out, struct sr_error *err)
{
	*out = NULL;
	struct sr_policy *p = calloc(1, sizeof *p);
	struct sr_arena *tmp = sr_arena_new();
	if (!p || !tmp || !(p->arena = sr_arena_new())) {
		free(p);
		sr_arena_free(tmp);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	p->builtin = builtin;
	struct sr_pjson_value *root;
	struct ctx c = { .p = p, .err = err };
	enum sr_err rc = sr_pjson_parse(tmp, buf, len, &root, err);
	if (!rc)
		rc = parse_policy(&c, root);
	if (!rc && !p->name && !(p->name = sr_arena_strdup(p->arena, fallback_name ? fallback_name : "policy")))
		rc = nomem(&c);
	sr_arena_free(tmp);
	if (rc) {
		sr_policy_free(p);
		return rc;
	}
	*out = p;
	return SR_OK;
}

enum sr_err sr_policy_load_buffer(const char *buf, size_t len, const char *name, struct sr_policy **out,
                                  struct sr_error *err)
{
	if (!out || (!buf && len))
		return sr_error_set(err, SR_E_USAGE, "sr_policy_load_buffer: no buffer");
	return load(buf ? buf : "", len, name, false, out, err);
}

enum sr_err sr_policy_load_builtin(const char *name, struct sr_policy **out, struct sr_error *err)
{
	if (!out)
		return sr_error_set(err, SR_E_USAGE, "sr_policy_load_builtin: no output");
	*out = NULL;
	for (size_t i = 0; name && i < sr_policy_nembedded; i++) {
		if (strcmp(sr_policy_embedded[i].name, name) != 0)
			continue;
		enum sr_err rc = load((const char *)sr_policy_embedded[i].json, *sr_policy_embedded[i].len, name, true, out, err);
		if (rc) {   /* data/policies/ is tested; this would be a build problem */
			char why[sizeof err->msg];
			snprintf(why, sizeof why, "%s", err ? err->msg : "");
			return sr_error_set(err, rc, "built-in policy %s: %s", name, why);
		}
		if (strcmp((*out)->name, name) != 0) {
			sr_policy_free(*out);
			*out = NULL;
			return sr_error_set(err, SR_E_MALFORMED, "built-in policy %s: its \"name\" differs", name);
		}
		return SR_OK;
	}
	return sr_error_set(err, SR_E_NOENT, "unknown built-in policy '%s' (built-in: portable-glibc-2.17, "
	                    "static-only, distroless-static)", name ? name : "");
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

enum sr_err sr_policy_load(const char *spec, struct sr_policy **out, struct sr_error *err)
{
	if (!out)
		return sr_error_set(err, SR_E_USAGE, "sr_policy_load: no output");
	*out = NULL;
	if (!spec || !*spec)
		return sr_error_set(err, SR_E_USAGE, "empty policy name");
	bool path_like = strchr(spec, '/') || ends_with(spec, ".json");
	if (!path_like) {
		for (size_t i = 0; i < sr_policy_nembedded; i++)
			if (strcmp(sr_policy_embedded[i].name, spec) == 0)
				return sr_policy_load_builtin(spec, out, err);
		if (access(spec, F_OK) != 0)
			return sr_error_set(err, SR_E_NOENT, "unknown policy '%s' (built-in: portable-glibc-2.17, static-only, "
			                    "distroless-static; a file needs a '/' or a .json name)", spec);
	}
	struct sr_file f;
	enum sr_err rc = sr_file_open(spec, &f, err);
	if (rc == SR_E_EMPTY)   /* the reader's error, with a position like every other */
		return load("", 0, spec, false, out, err);
	if (rc)
		return rc;
	if (f.r.len > SR_PJSON_MAX_INPUT) {
		sr_file_close(&f);
		return sr_error_set(err, SR_E_TOO_BIG, "policy file larger than %zu KiB", SR_PJSON_MAX_INPUT >> 10);
	}
	rc = load((const char *)f.r.base, f.r.len, spec, false, out, err);
	sr_file_close(&f);
	return rc;
}

void sr_policy_free(struct sr_policy *p)
{
	if (!p)
		return;
	sr_arena_free(p->arena);
	free(p);
}

const char *sr_policy_name(const struct sr_policy *p)
{
	return p->name;
}

const char *sr_policy_description(const struct sr_policy *p)
{
	return p->description;
}

bool sr_policy_is_builtin(const struct sr_policy *p)
{
	return p->builtin;
}

size_t sr_policy_targets(const struct sr_policy *p, const char *const **names)
{
	if (names)
		*names = p->targets;
	return p->ntargets;
}

bool sr_policy_fail_on_warnings(const struct sr_policy *p)
{
	return p->fail_on_warnings;
}

size_t sr_policy_rules(const struct sr_policy *p, const char **keys, size_t cap)
{
	/* the order of the violations (docs/policy.md, "The rules") */
	const struct {
		bool set;
		const char *key;
	} rules[] = {
		{ p->linkage != 0, "linkage" },
		{ p->has_allowed, "allowed_libraries" },
		{ p->nforbidden > 0, "forbidden_libraries" },
		{ p->nsymmax > 0, "max_symbol_versions" },
		{ p->forbid_rpath, "forbid_rpath" },
		{ p->require_pie, "require_pie" },
		{ p->require_full_relro, "require_full_relro" },
		{ p->require_nx, "require_nx" },
		{ p->cgo_want != 0, p->cgo_key ? p->cgo_key : "forbid_cgo" },
		{ p->has_min_go, "min_go_version" },
		{ p->has_max_go, "max_go_version" },
		{ p->ngomods > 0, "forbidden_go_modules" },
		{ p->has_allowed_gomods, "allowed_go_modules" },
		{ p->require_trimpath, "require_trimpath" },
		{ p->require_vcs_clean, "require_vcs_clean" },
		{ p->ntargets > 0, "targets_must_pass" },
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i].set) {
			if (n < cap)
				keys[n] = rules[i].key;
			n++;
		}
	return n;
}
