/* shipready — a CI log as SARIF 2.1.0 (OASIS; what GitHub code scanning
 * reads).  One run; the driver lists every rule of ci_rules.c; a result
 * per finding, at its artifact. */
#define _GNU_SOURCE   /* asprintf */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/ci_internal.h"
#include "report/json_util.h"
#include "shipready/cireport.h"
#include "util/hex.h"
#include "util/nettle_dl.h"
#include "util/pctenc.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define FINGERPRINT_KEY "shipready/v1"

static const char *level_of(enum sr_severity s)
{
	switch (s) {
	case SR_SEV_FAIL: return "error";
	case SR_SEV_WARN: return "warning";
	case SR_SEV_UNKNOWN: return "note";
	case SR_SEV_INFO: break;
	}
	return "none";
}

/* The base of image k's paths in originalUriBaseIds. */
static void image_base(char *buf, size_t cap, long k)
{
	snprintf(buf, cap, "IMAGE%ld", k + 1);
}

/* path as a URI reference relative to a base: a relative path to
 * %SRCROOT% (where the run started: code scanning's checkout), an absolute
 * one to ROOTPATH, the file system's root; a path inside a root found on
 * this machine as the path there, inside an image to the image's base.
 * Every byte outside RFC 3986's unreserved set and '/' is escaped. */
static json_t *artifact_of(const struct sr_ci_log *log, long root, const char *path)
{
	char base[32], *joined = NULL;
	if (root >= 0 && log->roots[root].host_dir) {
		const char *dir = log->roots[root].host_dir;
		if (asprintf(&joined, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/",
		             path + (path[0] == '/')) < 0)
			return NULL;
		path = joined;
	}
	if (root >= 0 && !log->roots[root].host_dir)
		image_base(base, sizeof base, root);
	else
		snprintf(base, sizeof base, "%s", path[0] == '/' ? "ROOTPATH" : "%SRCROOT%");
	while (*path == '/')
		path++;
	char *u = sr_percent_encode(path, true);
	if (!u) {
		free(joined);
		return NULL;
	}
	json_t *j = json_pack("{s:s,s:s}", "uri", u, "uriBaseId", base);
	free(u);
	free(joined);
	return j;
}

static json_t *location_of(const struct sr_ci_log *log, long root, const char *path)
{
	/* a binary has no lines; code scanning asks for a region all the same,
	 * and line 1 stands for the whole file */
	return json_pack("{s:{s:o,s:{s:i}}}", "physicalLocation", "artifactLocation", artifact_of(log, root, path),
	                 "region", "startLine", 1);
}

/* The same finding in the next run has the same print: the rule, the
 * artifact, what it was judged against, the text and the evidence (two
 * libraries a policy refuses share their evidence, DT_NEEDED), never a
 * position. */
static json_t *fingerprint_of(const struct sr_ci_result *r)
{
	struct sha256_ctx h;
	sha256_init(&h);
	const char *parts[] = { sr_ci_rules[r->rule].id, r->artifact, r->subject, r->text, r->evidence };
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		const char *s = parts[i] ? parts[i] : "";
		sha256_update(&h, strlen(s) + 1, (const uint8_t *)s);   /* with its NUL: parts cannot run together */
	}
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_digest(&h, sizeof d, d);
	char hex[2 * 16 + 1];
	sr_hex_encode(d, 16, hex);
	return json_pack("{s:s}", FINGERPRINT_KEY, hex);
}

static json_t *rule_json(const struct sr_ci_rule *r)
{
	return json_pack("{s:s,s:s,s:{s:s},s:{s:s},s:{s:s},s:{s:s}}", "id", r->id, "name", r->name, "shortDescription",
	                 "text", r->brief, "fullDescription", "text", r->brief, "help", "text", r->help,
	                 "defaultConfiguration", "level", level_of(r->level));
}

static json_t *result_json(const struct sr_ci_log *log, const struct sr_ci_result *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "ruleId", json_string(sr_ci_rules[r->rule].id));
	json_object_set_new(o, "ruleIndex", json_integer((json_int_t)r->rule));
	json_object_set_new(o, "level", json_string(level_of(r->severity)));
	json_object_set_new(o, "message", json_pack("{s:o}", "text", sr_json_str(r->text)));
	json_object_set_new(o, "locations", json_pack("[o]", location_of(log, r->root, r->artifact)));
	json_object_set_new(o, "partialFingerprints", fingerprint_of(r));
	json_t *props = json_pack("{s:o}", "target", sr_json_str(r->subject));
	if (r->evidence)
		json_object_set_new(props, "evidence", sr_json_str(r->evidence));
	if (r->fix)
		json_object_set_new(props, "fix", sr_json_str(r->fix));
	json_object_set_new(o, "properties", props);
	return o;
}

enum sr_err sr_report_sarif(FILE *out, const struct sr_ci_log *log, const char *version, struct sr_error *err)
{
	if (log->failed)
		return sr_error_set(err, SR_E_NOMEM, "out of memory: the SARIF report would be incomplete");
	enum sr_err rc = sr_nettle_load(err);
	if (rc != SR_OK)
		return rc;
	json_t *rules = json_array();
	for (size_t i = 0; i < sr_ci_nrules; i++)
		json_array_append_new(rules, rule_json(&sr_ci_rules[i]));
	json_t *driver = json_pack("{s:s,s:s,s:s,s:o}", "name", "shipready", "version", version, "semanticVersion",
	                           version, "rules", rules);
	json_t *results = json_array();
	for (size_t i = 0; i < log->nresults; i++)
		json_array_append_new(results, result_json(log, &log->results[i]));
	json_t *notes = json_array();
	for (size_t i = 0; i < log->nerrors; i++) {
		const struct sr_ci_error *e = &log->errors[i];
		json_array_append_new(notes, json_pack("{s:s,s:{s:o},s:[o]}", "level", "error", "message", "text",
		                                       sr_json_str(e->reason), "locations", location_of(log, e->root, e->artifact)));
	}
	json_t *inv = json_pack("{s:b,s:o}", "executionSuccessful", log->nerrors == 0, "toolExecutionNotifications", notes);
	json_t *bases = json_pack("{s:{s:s}}", "ROOTPATH", "uri", "file:///");
	for (size_t i = 0; i < log->nroots; i++)
		if (!log->roots[i].host_dir) {
			char name[32];
			image_base(name, sizeof name, (long)i);
			json_object_set_new(bases, name, json_pack("{s:{s:o}}", "description", "text",
			                                           sr_json_str(log->roots[i].name)));
		}
	json_t *run = json_pack("{s:{s:o},s:[o],s:o,s:o,s:s}", "tool", "driver", driver, "invocations", inv,
	                        "originalUriBaseIds", bases, "results", results, "columnKind", "unicodeCodePoints");
	json_t *doc = json_pack("{s:s,s:s,s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs", run);
	if (!doc)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	int w = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (w != 0 || fputc('\n', out) == EOF)
		return sr_error_set(err, SR_E_IO, "cannot write the SARIF document");
	return SR_OK;
}
