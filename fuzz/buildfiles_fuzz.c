/* Fuzz target: what a build wrote about its inputs (lib/build): the same
 * bytes as a compiler dependency file, a GNU linker map and --trace lines.
 *
 * Invariants:
 *  - a dependency file fails only with SR_E_MALFORMED ("LINE: …") or for
 *    memory, and then is empty; every rule has a target; no name is empty;
 *    a second parse gives the same rules;
 *  - a map fails only as malformed, unsupported (lld) or for memory; map
 *    and trace inputs have a path, a member exactly when they are one, and
 *    each (kind, path, member) comes once. */
#include "fuzz.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/depfile.h"

static void check_depfile(const char *text, size_t size)
{
	struct sr_depfile d, again;
	struct sr_error err = { 0 };
	enum sr_err rc = sr_depfile_parse(text, size, &d, &err);
	if (rc != SR_OK) {
		if (d.nrules || d.priv || (rc != SR_E_MALFORMED && rc != SR_E_NOMEM))
			abort();
		if (rc == SR_E_MALFORMED && !isdigit((unsigned char)sr_error_message(&err)[0]) &&
		    strncmp(sr_error_message(&err), "larger", 6))
			abort();
		return;
	}
	for (size_t i = 0; i < d.nrules; i++) {
		if (!d.rules[i].ntargets)
			abort();
		for (size_t k = 0; k < d.rules[i].ntargets; k++)
			if (!d.rules[i].targets[k][0])
				abort();
		for (size_t k = 0; k < d.rules[i].nprereqs; k++)
			if (!d.rules[i].prereqs[k][0])
				abort();
	}
	if (sr_depfile_parse(text, size, &again, &err) != SR_OK || again.nrules != d.nrules)
		abort();
	for (size_t i = 0; i < d.nrules; i++) {
		if (again.rules[i].nprereqs != d.rules[i].nprereqs || again.rules[i].line != d.rules[i].line)
			abort();
		for (size_t k = 0; k < d.rules[i].nprereqs; k++)
			if (strcmp(again.rules[i].prereqs[k], d.rules[i].prereqs[k]))
				abort();
	}
	sr_depfile_free(&again);
	sr_depfile_free(&d);
}

static void check_inputs(const struct sr_link_inputs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct sr_link_input *v = &l->v[i];
		if (!v->path || !v->path[0] || (v->kind == SR_LINK_MEMBER) != (v->member != NULL))
			abort();
		for (size_t j = 0; j < i && l->n < 200; j++) {
			const struct sr_link_input *w = &l->v[j];
			if ((w->kind == SR_LINK_MEMBER) == (v->kind == SR_LINK_MEMBER) && !strcmp(w->path, v->path) &&
			    (!v->member || !strcmp(v->member, w->member)))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	check_depfile(text, size);
	struct sr_link_inputs l;
	struct sr_error err = { 0 };
	enum sr_err rc = sr_linkmap_parse(text, size, &l, &err);
	if (rc == SR_OK)
		check_inputs(&l);
	else if ((rc != SR_E_MALFORMED && rc != SR_E_UNSUPPORTED && rc != SR_E_NOMEM) || l.n || l.priv)
		abort();
	sr_link_inputs_free(&l);
	rc = sr_linktrace_parse(text, size, &l, &err);
	if (rc == SR_OK)
		check_inputs(&l);
	else if (rc != SR_E_NOMEM && rc != SR_E_MALFORMED)
		abort();
	sr_link_inputs_free(&l);
	return 0;
}
