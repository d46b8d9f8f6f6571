/* shipready targets: the target database as aligned text columns and as
 * one JSON object per target (docs/schema/targets.json). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_util.h"
#include "shipready/report.h"

/* Is field (or a "field …" / "field.sub" entry) listed as unconfirmed? */
static bool unconfirmed(const struct sr_target *t, const char *field)
{
	size_t n = strlen(field);
	for (size_t i = 0; i < t->unconfirmed.n; i++) {
		const char *u = t->unconfirmed.v[i];
		if (strncmp(u, field, n) == 0 && (u[n] == '\0' || u[n] == ' ' || u[n] == '.'))
			return true;
	}
	return false;
}

/* A missing value: "?" when the sources leave it open, "-" when it is
 * known to be absent. */
static const char *missing(const struct sr_target *t, const char *field)
{
	return unconfirmed(t, field) ? "?" : "-";
}

static void join(char *out, size_t cap, const struct sr_target_strs *l)
{
	size_t k = 0;
	out[0] = '\0';
	for (size_t i = 0; i < l->n && k + 1 < cap; i++) {
		int w = snprintf(out + k, cap - k, "%s%s", i ? "," : "", l->v[i]);
		if (w < 0)
			break;
		k += (size_t)w < cap - k ? (size_t)w : cap - k - 1;
	}
}

#define TCOLS 8
static const char *const headers[TCOLS] = { "NAME", "LIBC", "KERNEL", "GLIBCXX", "OPENSSL", "CA BUNDLE",
	                                    "ZONEINFO", "ARCHES" };

static void cells(const struct sr_target *t, char c[TCOLS][256])
{
	snprintf(c[0], 256, "%s", t->name);
	const char *fam = sr_libc_family_name(t->libc);
	if (!fam)
		snprintf(c[1], 256, "?");
	else if (t->libc_version)
		snprintf(c[1], 256, "%s %s", fam, t->libc_version);
	else
		snprintf(c[1], 256, "%s%s", fam, unconfirmed(t, "libc.version") ? " ?" : "");
	snprintf(c[2], 256, "%s", t->kernel ? t->kernel : missing(t, "kernel"));
	snprintf(c[3], 256, "%s", t->glibcxx_max ? t->glibcxx_max : missing(t, "glibcxx_max"));
	if (!t->openssl_sonames.present || (t->openssl_sonames.n == 0 && unconfirmed(t, "openssl_sonames")))
		snprintf(c[4], 256, "%s", t->openssl_sonames.present ? "-" : "?");
	else if (t->openssl_sonames.n == 0)
		snprintf(c[4], 256, "-");
	else
		join(c[4], 256, &t->openssl_sonames);
	snprintf(c[5], 256, "%s", t->ca_bundle ? t->ca_bundle : missing(t, "ca_bundle"));
	snprintf(c[6], 256, "%s", t->zoneinfo == SR_TRI_YES ? "yes" : t->zoneinfo == SR_TRI_NO ? "no" : "?");
	if (t->architectures.n)
		join(c[7], 256, &t->architectures);
	else
		snprintf(c[7], 256, "%s", missing(t, "architectures"));
	/* the values come from a user's file too: no control characters */
	for (int k = 0; k < TCOLS; k++)
		for (char *p = c[k]; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
}

static void put_cell(FILE *out, const char *s, size_t width, bool last)
{
	if (last)
		fprintf(out, "%s\n", s);
	else
		fprintf(out, "%-*s  ", (int)width, s);
}

void sr_report_targets_text(FILE *out, const struct sr_targets *db)
{
	size_t w[TCOLS];
	for (int k = 0; k < TCOLS; k++)
		w[k] = strlen(headers[k]);
	char c[TCOLS][256];
	for (size_t i = 0; i < db->n; i++) {
		cells(&db->v[i], c);
		for (int k = 0; k < TCOLS; k++)
			if (strlen(c[k]) > w[k])
				w[k] = strlen(c[k]);
	}
	for (int k = 0; k < TCOLS; k++)
		put_cell(out, headers[k], w[k], k + 1 == TCOLS);
	for (size_t i = 0; i < db->n; i++) {
		cells(&db->v[i], c);
		for (int k = 0; k < TCOLS; k++)
			put_cell(out, c[k], w[k], k + 1 == TCOLS);
	}
}

static json_t *list_json(const struct sr_target_strs *l)
{
	if (!l->present)
		return json_null();
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, sr_json_str(l->v[i]));
	return a;
}

void *sr_report_target_json(const struct sr_target *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", sr_json_str(t->name));
	json_object_set_new(o, "display_name", sr_json_str(t->display_name));
	json_object_set_new(o, "kind", json_string(t->kind == SR_TARGET_DISTRO ? "distro" : "image"));
	json_object_set_new(o, "libc", json_pack("{s:o,s:o}", "family", sr_json_str(sr_libc_family_name(t->libc)),
	                                         "version", sr_json_str(t->libc_version)));
	json_object_set_new(o, "glibcxx_max", sr_json_str(t->glibcxx_max));
	json_object_set_new(o, "cxxabi_max", sr_json_str(t->cxxabi_max));
	json_object_set_new(o, "kernel", sr_json_str(t->kernel));
	json_object_set_new(o, "openssl_sonames", list_json(&t->openssl_sonames));
	json_t *ld = json_object(), *dirs = json_object();
	for (size_t i = 0; i < t->narches; i++) {
		json_object_set_new(ld, t->arches[i].arch, sr_json_str(t->arches[i].loader));
		json_object_set_new(dirs, t->arches[i].arch, list_json(&t->arches[i].lib_dirs));
	}
	json_object_set_new(o, "loader", ld);
	json_object_set_new(o, "library_dirs", dirs);
	json_object_set_new(o, "ca_bundle", sr_json_str(t->ca_bundle));
	json_object_set_new(o, "zoneinfo", t->zoneinfo == SR_TRI_UNKNOWN ? json_null() : json_boolean(t->zoneinfo == SR_TRI_YES));
	json_object_set_new(o, "architectures", list_json(&t->architectures));
	json_object_set_new(o, "eol", sr_json_str(t->eol));
	json_object_set_new(o, "sources", list_json(&t->sources));
	json_object_set_new(o, "unconfirmed", list_json(&t->unconfirmed));
	json_object_set_new(o, "notes", sr_json_str(t->notes));
	return o;
}
