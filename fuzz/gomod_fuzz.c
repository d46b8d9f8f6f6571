/* Fuzz target: go.mod, go.sum and vendor/modules.txt (sr_gomod_parse,
 * sr_gosum_parse, sr_gosum_hash, sr_modtxt_parse, sr_modtxt_check) on the
 * same bytes.
 *
 * Invariants:
 *  - parsing fails only with SR_E_MALFORMED ("LINE:COL: …" for go.mod,
 *    "LINE: …" for go.sum) or for memory; on failure the result is empty;
 *  - on success every string is there, require and exclude versions start
 *    with "v", and parsing the same bytes again gives the same directives;
 *  - go.sum: every line has three non-empty fields without white space, and
 *    sr_gosum_hash answers the first hash recorded for a module version;
 *  - modules.txt: parsing fails only for memory; every module is found
 *    again by (path, version), one in the build provides a package and is
 *    not above the selected version of its path; the consistency check
 *    against a go.mod (these bytes when they parse as one, else a fixed one)
 *    reports as many problems as it says, each with a module and words. */
#include "fuzz.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/gomod.h"
#include "shipready/semver.h"

static void check_gomod(const char *text, size_t size)
{
	struct sr_gomod m, again;
	struct sr_error err = { 0 };
	enum sr_err rc = sr_gomod_parse(text, size, &m, &err);
	if (rc != SR_OK) {
		if (m.module || m.go || m.nrequire || m.priv)
			abort();
		const char *msg = sr_error_message(&err);
		if (rc == SR_E_MALFORMED && !(isdigit((unsigned char)msg[0]) && strchr(msg, ':')))
			abort();
		if (rc != SR_E_MALFORMED && rc != SR_E_NOMEM)
			abort();
		return;
	}
	for (size_t i = 0; i < m.nrequire; i++)
		if (!m.require[i].path || !m.require[i].version || m.require[i].version[0] != 'v')
			abort();
	for (size_t i = 0; i < m.nexclude; i++)
		if (!m.exclude[i].path || !m.exclude[i].version || m.exclude[i].version[0] != 'v')
			abort();
	for (size_t i = 0; i < m.nreplace; i++)
		if (!m.replace[i].old.path || !m.replace[i].old.version || !m.replace[i].repl.path ||
		    !m.replace[i].repl.version)
			abort();
	for (size_t i = 0; i < m.nretract; i++)
		if (!m.retract[i].low || !m.retract[i].high)
			abort();
	if (sr_gomod_parse(text, size, &again, &err) != SR_OK || again.nrequire != m.nrequire ||
	    again.nreplace != m.nreplace || again.nexclude != m.nexclude || again.nretract != m.nretract ||
	    (m.module == NULL) != (again.module == NULL) || (m.module && strcmp(m.module, again.module)) ||
	    (m.go == NULL) != (again.go == NULL) || (m.go && strcmp(m.go, again.go)))
		abort();
	for (size_t i = 0; i < m.nrequire; i++)
		if (strcmp(m.require[i].path, again.require[i].path) || strcmp(m.require[i].version, again.require[i].version) ||
		    m.require[i].indirect != again.require[i].indirect)
			abort();
	sr_gomod_free(&again);
	sr_gomod_free(&m);
}

static void check_gosum(const char *text, size_t size)
{
	struct sr_gosum s;
	struct sr_error err = { 0 };
	enum sr_err rc = sr_gosum_parse(text, size, &s, &err);
	if (rc != SR_OK) {
		if (s.nlines || s.lines || s.priv || (rc != SR_E_MALFORMED && rc != SR_E_NOMEM))
			abort();
		return;
	}
	for (size_t i = 0; i < s.nlines; i++) {
		const struct sr_gosum_line *l = &s.lines[i];
		const char *f[3] = { l->path, l->version, l->hash };
		for (int k = 0; k < 3; k++) {
			if (!f[k][0])
				abort();
			for (const char *p = f[k]; *p; p++)
				if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f')
					abort();
		}
		/* the first line of this module version is the one answered */
		size_t first = i;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s.lines[j].path, l->path) && !strcmp(s.lines[j].version, l->version)) {
				first = j;
				break;
			}
		const char *h = sr_gosum_hash(&s, l->path, l->version);
		if (strlen(l->path) + strlen(l->version) < 1000 && (!h || strcmp(h, s.lines[first].hash)))
			abort();
	}
	sr_gosum_free(&s);
}

static size_t nproblems;

static void count_problem(void *ctx, const char *module, const char *detail)
{
	(void)ctx;
	if (!module[0] || !detail[0])
		abort();
	nproblems++;
}

static void check_modtxt(const char *text, size_t size)
{
	struct sr_modtxt t;
	struct sr_error err = { 0 };
	enum sr_err rc = sr_modtxt_parse(text, size, &t, &err);
	if (rc != SR_OK) {
		if (t.nmods || t.priv || rc != SR_E_NOMEM)
			abort();
		return;
	}
	for (size_t i = 0; i < t.nmods; i++) {
		const struct sr_modtxt_module *v = &t.mods[i];
		if (!v->mod.path || !v->mod.version || !v->repl.path != !v->replaced)
			abort();
		if (sr_modtxt_find(&t, v->mod.path, v->mod.version) != v)
			abort();
		const char *sel = sr_modtxt_selected(&t, v->mod.path);
		if (v->in_build && (!v->npackages || !sel || sr_semver_cmp(v->mod.version, sel) > 0))
			abort();
	}
	static const char fixed[] = "module example.com/app\ngo 1.18\nrequire example.com/dep v1.0.0\n"
	                            "replace example.com/other => ./other\n";
	struct sr_gomod m;
	if (sr_gomod_parse(text, size, &m, &err) != SR_OK && sr_gomod_parse(fixed, sizeof fixed - 1, &m, &err) != SR_OK)
		abort();
	nproblems = 0;
	if (sr_modtxt_check(&m, &t, count_problem, NULL) != nproblems)
		abort();
	sr_gomod_free(&m);
	sr_modtxt_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_gomod((const char *)data, size);
	check_gosum((const char *)data, size);
	check_modtxt((const char *)data, size);
	return 0;
}
