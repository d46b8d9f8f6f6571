/* The target database: data/targets.json (compiled in by
 * tools/embed_data.py) or a user's file in the same format, checked field by
 * field into struct sr_targets.  Every string is copied; the json_t tree is
 * released before returning. */
#include "shipready/targets.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/file.h"

extern const unsigned char sr_data_targets_json[];
extern const size_t sr_data_targets_json_len;

/* Where a check failed: "targets[3] (debian-12)". */
struct ctx {
	struct sr_error *err;
	char where[160];
};

static enum sr_err bad(struct ctx *c, const char *field, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static enum sr_err bad(struct ctx *c, const char *field, const char *fmt, ...)
{
	char what[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return sr_error_set(c->err, SR_E_MALFORMED, "%s%s%s: %s", c->where, *c->where ? ": " : "", field,
	                    what);
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

/* A string member; nullable allows JSON null (-> NULL).  Missing members
 * are errors: the database says "unknown" explicitly. */
static enum sr_err get_str(struct ctx *c, json_t *obj, const char *key, const char *label, bool nullable,
                           char **out)
{
	*out = NULL;
	json_t *v = json_object_get(obj, key);
	if (!v)
		return bad(c, label, "missing");
	if (json_is_null(v) && nullable)
		return SR_OK;
	if (!json_is_string(v))
		return bad(c, label, nullable ? "expected a string or null" : "expected a string");
	if (!nullable && json_string_length(v) == 0)
		return bad(c, label, "empty string");
	if (!(*out = dup_str(json_string_value(v))))
		return sr_error_set(c->err, SR_E_NOMEM, NULL);
	return SR_OK;
}

static void strlist_free(struct sr_target_strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct sr_target_strs){ 0 };
}

/* An array of strings, or null when nullable. */
static enum sr_err get_list_value(struct ctx *c, json_t *v, const char *label, bool nullable,
                                  struct sr_target_strs *out)
{
	*out = (struct sr_target_strs){ 0 };
	if (!v)
		return bad(c, label, "missing");
	if (json_is_null(v) && nullable)
		return SR_OK;
	if (!json_is_array(v))
		return bad(c, label, nullable ? "expected an array of strings or null" : "expected an array of strings");
	size_t n = json_array_size(v);
	out->present = true;
	if (n == 0)
		return SR_OK;
	if (!(out->v = calloc(n, sizeof *out->v)))
		return sr_error_set(c->err, SR_E_NOMEM, NULL);
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(v, i);
		if (!json_is_string(s)) {
			char l[96];
			snprintf(l, sizeof l, "%s[%zu]", label, i);
			return bad(c, l, "expected a string");
		}
		if (!(out->v[i] = dup_str(json_string_value(s))))
			return sr_error_set(c->err, SR_E_NOMEM, NULL);
		out->n = i + 1;
	}
	return SR_OK;
}

static enum sr_err get_list(struct ctx *c, json_t *obj, const char *key, bool nullable, struct sr_target_strs *out)
{
	return get_list_value(c, json_object_get(obj, key), key, nullable, out);
}

static void target_free(struct sr_target *t)
{
	free(t->name);
	free(t->display_name);
	free(t->libc_version);
	free(t->glibcxx_max);
	free(t->cxxabi_max);
	free(t->kernel);
	strlist_free(&t->openssl_sonames);
	for (size_t i = 0; i < t->narches; i++) {
		free(t->arches[i].arch);
		free(t->arches[i].loader);
		strlist_free(&t->arches[i].lib_dirs);
	}
	free(t->arches);
	free(t->ca_bundle);
	strlist_free(&t->architectures);
	free(t->eol);
	strlist_free(&t->sources);
	strlist_free(&t->unconfirmed);
	free(t->notes);
	memset(t, 0, sizeof *t);
}

/* loader and library_dirs: objects keyed by arch; the arches are the union. */
static enum sr_err parse_arches(struct ctx *c, json_t *e, struct sr_target *t)
{
	json_t *ld = json_object_get(e, "loader"), *dirs = json_object_get(e, "library_dirs");
	if (!ld)
		return bad(c, "loader", "missing");
	if (!json_is_object(ld))
		return bad(c, "loader", "expected an object (arch -> path or null)");
	if (!dirs)
		return bad(c, "library_dirs", "missing");
	if (!json_is_object(dirs))
		return bad(c, "library_dirs", "expected an object (arch -> array of paths or null)");
	size_t cap = json_object_size(ld) + json_object_size(dirs);
	if (cap == 0)
		return SR_OK;
	if (!(t->arches = calloc(cap, sizeof *t->arches)))
		return sr_error_set(c->err, SR_E_NOMEM, NULL);
	const char *key;
	json_t *v;
	json_object_foreach(ld, key, v) {
		struct sr_target_arch *a = &t->arches[t->narches];
		if (!(a->arch = dup_str(key)))
			return sr_error_set(c->err, SR_E_NOMEM, NULL);
		t->narches++;
		char label[96];
		snprintf(label, sizeof label, "loader.%s", key);
		if (json_is_null(v))
			continue;
		if (!json_is_string(v) || json_string_value(v)[0] != '/')
			return bad(c, label, "expected an absolute path or null");
		if (!(a->loader = dup_str(json_string_value(v))))
			return sr_error_set(c->err, SR_E_NOMEM, NULL);
	}
	json_object_foreach(dirs, key, v) {
		struct sr_target_arch *a = NULL;
		for (size_t i = 0; i < t->narches; i++)
			if (strcmp(t->arches[i].arch, key) == 0)
				a = &t->arches[i];
		if (!a) {
			a = &t->arches[t->narches];
			if (!(a->arch = dup_str(key)))
				return sr_error_set(c->err, SR_E_NOMEM, NULL);
			t->narches++;
		}
		char label[96];
		snprintf(label, sizeof label, "library_dirs.%s", key);
		enum sr_err rc = get_list_value(c, v, label, true, &a->lib_dirs);
		if (rc)
			return rc;
	}
	return SR_OK;
}

static enum sr_err parse_target(struct ctx *c, json_t *e, struct sr_target *t)
{
	enum sr_err rc;
	if (!json_is_object(e))
		return bad(c, "entry", "expected an object");
	if ((rc = get_str(c, e, "name", "name", false, &t->name)))
		return rc;
	size_t w = strlen(c->where);
	snprintf(c->where + w, sizeof c->where - w, " (%s)", t->name);
	if ((rc = get_str(c, e, "display_name", "display_name", false, &t->display_name)))
		return rc;
	char *kind;
	if ((rc = get_str(c, e, "kind", "kind", false, &kind)))
		return rc;
	bool distro = strcmp(kind, "distro") == 0, image = strcmp(kind, "image") == 0;
	free(kind);
	if (!distro && !image)
		return bad(c, "kind", "expected \"distro\" or \"image\"");
	t->kind = distro ? SR_TARGET_DISTRO : SR_TARGET_IMAGE;

	json_t *libc = json_object_get(e, "libc");
	if (!libc)
		return bad(c, "libc", "missing");
	if (!json_is_object(libc))
		return bad(c, "libc", "expected an object {family, version}");
	char *fam;
	if ((rc = get_str(c, libc, "family", "libc.family", true, &fam)))
		return rc;
	if (!fam)
		t->libc = SR_LIBC_UNKNOWN;
	else if (strcmp(fam, "glibc") == 0)
		t->libc = SR_LIBC_GLIBC;
	else if (strcmp(fam, "musl") == 0)
		t->libc = SR_LIBC_MUSL;
	else if (strcmp(fam, "none") == 0)
		t->libc = SR_LIBC_NONE;
	else {
		free(fam);
		return bad(c, "libc.family", "expected \"glibc\", \"musl\", \"none\" or null");
	}
	free(fam);
	if ((rc = get_str(c, libc, "version", "libc.version", true, &t->libc_version)))
		return rc;
	if ((rc = get_str(c, e, "glibcxx_max", "glibcxx_max", true, &t->glibcxx_max)) ||
	    (rc = get_str(c, e, "cxxabi_max", "cxxabi_max", true, &t->cxxabi_max)) ||
	    (rc = get_str(c, e, "kernel", "kernel", true, &t->kernel)) ||
	    (rc = get_list(c, e, "openssl_sonames", true, &t->openssl_sonames)) ||
	    (rc = parse_arches(c, e, t)) ||
	    (rc = get_str(c, e, "ca_bundle", "ca_bundle", true, &t->ca_bundle)))
		return rc;
	json_t *z = json_object_get(e, "zoneinfo");
	if (!z)
		return bad(c, "zoneinfo", "missing");
	if (json_is_null(z))
		t->zoneinfo = SR_TRI_UNKNOWN;
	else if (json_is_boolean(z))
		t->zoneinfo = json_is_true(z) ? SR_TRI_YES : SR_TRI_NO;
	else
		return bad(c, "zoneinfo", "expected true, false or null");
	if ((rc = get_list(c, e, "architectures", false, &t->architectures)) ||
	    (rc = get_str(c, e, "eol", "eol", true, &t->eol)) ||
	    (rc = get_list(c, e, "sources", false, &t->sources)) ||
	    (rc = get_list(c, e, "unconfirmed", false, &t->unconfirmed)))
		return rc;
	if (t->sources.n == 0)
		return bad(c, "sources", "empty: every entry cites its sources");
	if (json_object_get(e, "notes") && (rc = get_str(c, e, "notes", "notes", true, &t->notes)))
		return rc;
	return SR_OK;
}

static enum sr_err parse_db(json_t *root, struct sr_targets *db, struct sr_error *err)
{
	struct ctx c = { .err = err };
	if (!json_is_object(root))
		return bad(&c, "document", "expected an object with a \"targets\" array");
	json_t *fmt = json_object_get(root, "format");
	if (!json_is_integer(fmt) || json_integer_value(fmt) != 1)
		return bad(&c, "format", "expected 1");
	json_t *arr = json_object_get(root, "targets");
	if (!arr)
		return bad(&c, "targets", "missing");
	if (!json_is_array(arr))
		return bad(&c, "targets", "expected an array");
	size_t n = json_array_size(arr);
	if (n && !(db->v = calloc(n, sizeof *db->v)))
		return sr_error_set(err, SR_E_NOMEM, NULL);
	for (size_t i = 0; i < n; i++) {
		snprintf(c.where, sizeof c.where, "targets[%zu]", i);
		db->n = i + 1;
		enum sr_err rc = parse_target(&c, json_array_get(arr, i), &db->v[i]);
		if (rc)
			return rc;
		for (size_t k = 0; k < i; k++)
			if (strcmp(db->v[k].name, db->v[i].name) == 0)
				return bad(&c, "name", "duplicate of targets[%zu]", k);
	}
	return SR_OK;
}

enum sr_err sr_targets_load_buffer(const char *buf, size_t len, struct sr_targets *db, struct sr_error *err)
{
	*db = (struct sr_targets){ 0 };
	json_error_t je;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return sr_error_set(err, SR_E_MALFORMED, "%d:%d: %s", je.line, je.column, je.text);
	enum sr_err rc = parse_db(root, db, err);
	json_decref(root);
	if (rc)
		sr_targets_free(db);
	return rc;
}

enum sr_err sr_targets_load_builtin(struct sr_targets *db, struct sr_error *err)
{
	return sr_targets_load_buffer((const char *)sr_data_targets_json, sr_data_targets_json_len, db, err);
}

enum sr_err sr_targets_load_file(const char *path, struct sr_targets *db, struct sr_error *err)
{
	*db = (struct sr_targets){ 0 };
	struct sr_file f;
	enum sr_err rc = sr_file_open(path, &f, err);
	if (rc)
		return rc;
	rc = sr_targets_load_buffer((const char *)f.r.base, f.r.len, db, err);
	sr_file_close(&f);
	return rc;
}

const struct sr_target *sr_targets_find(const struct sr_targets *db, const char *name)
{
	for (size_t i = 0; i < db->n; i++)
		if (strcmp(db->v[i].name, name) == 0)
			return &db->v[i];
	return NULL;
}

bool sr_target_unconfirmed(const struct sr_target *t, const char *field)
{
	size_t n = strlen(field);
	for (size_t i = 0; t->unconfirmed.present && i < t->unconfirmed.n; i++) {
		const char *u = t->unconfirmed.v[i];
		if (strncmp(u, field, n) == 0 && (u[n] == '\0' || u[n] == ' '))
			return true;
	}
	return false;
}

bool sr_target_is_empty_image(const struct sr_target *t)
{
	return t->kind == SR_TARGET_IMAGE && t->libc == SR_LIBC_NONE && t->zoneinfo == SR_TRI_NO;
}

const struct sr_target_arch *sr_target_arch_find(const struct sr_target *t, const char *arch)
{
	for (size_t i = 0; i < t->narches; i++)
		if (strcmp(t->arches[i].arch, arch) == 0)
			return &t->arches[i];
	return NULL;
}

const char *sr_libc_family_name(enum sr_libc f)
{
	switch (f) {
	case SR_LIBC_GLIBC: return "glibc";
	case SR_LIBC_MUSL: return "musl";
	case SR_LIBC_NONE: return "none";
	default: return NULL;
	}
}

void sr_targets_free(struct sr_targets *db)
{
	for (size_t i = 0; i < db->n; i++)
		target_free(&db->v[i]);
	free(db->v);
	*db = (struct sr_targets){ 0 };
}
