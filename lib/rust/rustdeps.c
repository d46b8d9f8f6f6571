/* shipready — cargo auditable's .dep-v0 section (see shipready/rustdeps.h). */
#include "shipready/rustdeps.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Inflate the zlib stream, at most SR_RUST_DEPS_MAX_JSON bytes out. */
static enum sr_err inflate_all(const void *z, size_t n, char **out, size_t *len, struct sr_error *err)
{
	if (n > SR_RUST_DEPS_MAX_JSON)   /* compressed larger than the JSON may be */
		return sr_error_set(err, SR_E_TOO_BIG, ".dep-v0: a %zu-byte section", n);
	z_stream s;
	memset(&s, 0, sizeof s);
	if (inflateInit(&s) != Z_OK)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	size_t cap = 1 << 16, used = 0;
	char *buf = malloc(cap);
	int r = Z_OK;
	s.next_in = (Bytef *)z;   /* zlib's API is not const; it does not write the input */
	s.avail_in = (uInt)n;
	while (buf && r == Z_OK) {
		if (used == cap) {
			if (cap >= SR_RUST_DEPS_MAX_JSON)
				break;
			char *g = realloc(buf, cap * 2);
			if (!g) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = g;
			cap *= 2;
		}
		s.next_out = (Bytef *)buf + used;
		s.avail_out = (uInt)(cap - used);
		r = inflate(&s, Z_NO_FLUSH);
		used = cap - s.avail_out;
		if (r == Z_BUF_ERROR && s.avail_in == 0)
			break;   /* the input ended before the stream did */
		if (r == Z_BUF_ERROR)
			r = Z_OK;
	}
	inflateEnd(&s);
	if (!buf)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	if (r != Z_STREAM_END) {
		free(buf);
		return r == Z_OK ? sr_error_set(err, SR_E_TOO_BIG, ".dep-v0: more than %u bytes of JSON", SR_RUST_DEPS_MAX_JSON)
		                 : sr_error_set(err, SR_E_MALFORMED, ".dep-v0: not a complete zlib stream");
	}
	*out = buf;
	*len = used;
	return SR_OK;
}

static char *dup_str(const json_t *v, const char *dflt)
{
	const char *s = json_is_string(v) ? json_string_value(v) : dflt;
	return s ? strdup(s) : NULL;
}

enum sr_err sr_rust_deps_parse(const void *zdata, size_t n, struct sr_rust_deps *out, struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	char *text = NULL;
	size_t len = 0;
	enum sr_err rc = inflate_all(zdata, n, &text, &len, err);
	if (rc != SR_OK)
		return rc;
	json_error_t je;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	free(text);
	const json_t *pkgs = json_object_get(doc, "packages");
	if (!json_is_array(pkgs)) {
		json_decref(doc);
		return sr_error_set(err, SR_E_MALFORMED, ".dep-v0: no \"packages\" list");
	}
	size_t np = json_array_size(pkgs);
	if (np > SR_RUST_DEPS_MAX_PACKAGES) {
		json_decref(doc);
		return sr_error_set(err, SR_E_TOO_BIG, ".dep-v0: more than %u packages", SR_RUST_DEPS_MAX_PACKAGES);
	}
	const json_t *fmt = json_object_get(doc, "format");
	out->format = json_is_integer(fmt) && json_integer_value(fmt) >= 0 && json_integer_value(fmt) < 1000000
	                      ? (int)json_integer_value(fmt)
	                      : 0;
	out->crates = calloc(np ? np : 1, sizeof *out->crates);
	if (!out->crates) {
		json_decref(doc);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	size_t i;
	const json_t *p;
	json_array_foreach(pkgs, i, p) {
		struct sr_rust_crate *c = &out->crates[i];
		out->n = i + 1;
		const json_t *name = json_object_get(p, "name"), *ver = json_object_get(p, "version");
		const json_t *kind = json_object_get(p, "kind"), *deps = json_object_get(p, "dependencies");
		const json_t *root = json_object_get(p, "root"), *src = json_object_get(p, "source");
		if (!json_is_string(name) || !json_string_length(name) || !json_is_string(ver) ||
		    !json_string_length(ver) || (src && !json_is_string(src)) || (kind && !json_is_string(kind)) ||
		    (deps && !json_is_array(deps)) || (root && !json_is_boolean(root))) {
			rc = sr_error_set(err, SR_E_MALFORMED, ".dep-v0: package %zu is malformed", i + 1);
			break;
		}
		c->name = dup_str(name, NULL);
		c->version = dup_str(ver, NULL);
		c->source = dup_str(src, "crates.io");
		c->build = kind && strcmp(json_string_value(kind), "build") == 0;
		c->root = json_is_true(root);
		c->ndeps = json_array_size(deps);
		c->deps = calloc(c->ndeps ? c->ndeps : 1, sizeof *c->deps);
		if (!c->name || !c->version || !c->source || !c->deps) {
			rc = sr_error_set(err, SR_E_NOMEM, NULL);
			break;
		}
		size_t k;
		const json_t *d;
		json_array_foreach(deps, k, d) {
			json_int_t v = json_is_integer(d) ? json_integer_value(d) : -1;
			if (v < 0 || (size_t)v >= np || (size_t)v == i) {
				rc = sr_error_set(err, SR_E_MALFORMED, ".dep-v0: package %zu: a dependency that is no package",
				                  i + 1);
				break;
			}
			c->deps[k] = (size_t)v;
		}
		if (rc != SR_OK)
			break;
	}
	json_decref(doc);
	if (rc != SR_OK)
		sr_rust_deps_free(out);
	return rc;
}

void sr_rust_deps_free(struct sr_rust_deps *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->crates[i].name);
		free(d->crates[i].version);
		free(d->crates[i].source);
		free(d->crates[i].deps);
	}
	free(d->crates);
	memset(d, 0, sizeof *d);
}
