/* shipready — which changes between two builds fail (see shipready/diff.h
 * and docs/diff.md): the default policy, a JSON policy file, the verdict. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/policy_json.h"
#include "shipready/diff.h"

void sr_diff_policy_default(struct sr_diff_policy *p)
{
	*p = (struct sr_diff_policy){ .name = "default", .max_floor_raise = 0, .no_hardening_loss = true,
		                      .no_module_downgrade = true };
}

static const char *const bool_keys[] = { "no_new_libraries", "no_new_needs", "no_hardening_loss",
	                                 "no_module_downgrade", "no_linkage_change" };

static bool *bool_field(struct sr_diff_policy *p, const char *key)
{
	bool *fields[] = { &p->no_new_libraries, &p->no_new_needs, &p->no_hardening_loss, &p->no_module_downgrade,
		           &p->no_linkage_change };
	for (size_t i = 0; i < sizeof bool_keys / sizeof bool_keys[0]; i++)
		if (strcmp(bool_keys[i], key) == 0)
			return fields[i];
	return NULL;
}

/* key's value v: one of the rules, or an error at v. */
static enum sr_err rule(struct sr_diff_policy *p, const char *key, const struct sr_pjson_value *v, struct sr_error *err)
{
	bool *b = bool_field(p, key);
	if (b) {
		if (v->type != SR_PJSON_TRUE && v->type != SR_PJSON_FALSE)
			return sr_error_set(err, SR_E_MALFORMED, "%u:%u: %s: must be true or false, not %s", v->line, v->col,
			                    key, sr_pjson_type_name(v));
		*b = v->type == SR_PJSON_TRUE;
		return SR_OK;
	}
	if (strcmp(key, "max_floor_raise") == 0) {
		if (v->type == SR_PJSON_NULL) {
			p->max_floor_raise = -1;
			return SR_OK;
		}
		bool digits = v->type == SR_PJSON_NUMBER && v->len > 0 && v->len <= 4;
		for (size_t i = 0; digits && i < v->len; i++)
			digits = v->s[i] >= '0' && v->s[i] <= '9';
		if (!digits || atoi(v->s) > 1000)
			return sr_error_set(err, SR_E_MALFORMED, "%u:%u: max_floor_raise: must be a whole number from 0 to 1000, "
			                    "or null", v->line, v->col);
		p->max_floor_raise = atoi(v->s);
		return SR_OK;
	}
	if (strcmp(key, "name") == 0) {
		if (v->type != SR_PJSON_STRING || v->len == 0 || strlen(v->s) != v->len)
			return sr_error_set(err, SR_E_MALFORMED, "%u:%u: name: must be a non-empty string", v->line, v->col);
		for (size_t i = 0; i < v->len; i++)
			if ((unsigned char)v->s[i] < 0x20 || v->s[i] == 0x7f)
				return sr_error_set(err, SR_E_MALFORMED, "%u:%u: name: a control character", v->line, v->col);
		free((char *)p->name);
		if (!(p->name = strdup(v->s)))
			return sr_error_set(err, SR_E_NOMEM, NULL);
		return SR_OK;
	}
	if (strcmp(key, "$schema") == 0 || strcmp(key, "description") == 0)
		return SR_OK;
	return SR_E_NOENT;
}

enum sr_err sr_diff_policy_parse(const char *buf, size_t len, const char *fallback_name, struct sr_diff_policy *p,
                                 struct sr_error *err)
{
	/* a file states every rule it wants: what it leaves out is off */
	*p = (struct sr_diff_policy){ .name = NULL, .max_floor_raise = -1, .owned = true };
	struct sr_arena *a = sr_arena_new();
	if (!a)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	struct sr_pjson_value *root;
	enum sr_err rc = sr_pjson_parse(a, buf, len, &root, err);
	if (rc == SR_OK && root->type != SR_PJSON_OBJECT)
		rc = sr_error_set(err, SR_E_MALFORMED, "%u:%u: a diff policy is a JSON object, not %s", root->line, root->col,
		                  sr_pjson_type_name(root));
	for (size_t i = 0; rc == SR_OK && i < root->n; i++) {
		const struct sr_pjson_member *m = &root->members[i];
		for (size_t k = 0; k < i && rc == SR_OK; k++)
			if (strcmp(root->members[k].key, m->key) == 0)
				rc = sr_error_set(err, SR_E_MALFORMED, "%u:%u: %s: given twice", m->line, m->col, m->key);
		if (rc != SR_OK)
			break;
		rc = rule(p, m->key, m->value, err);
		if (rc == SR_E_NOENT) {
			char q[96];
			sr_pjson_quote(m->key, strlen(m->key), q, sizeof q);
			rc = sr_error_set(err, SR_E_MALFORMED,
			                  "%u:%u: unknown key %s (name, max_floor_raise, no_new_libraries, no_new_needs, "
			                  "no_hardening_loss, no_module_downgrade, no_linkage_change)",
			                  m->line, m->col, q);
		}
	}
	sr_arena_free(a);
	if (rc == SR_OK && !p->name && !(p->name = strdup(fallback_name ? fallback_name : "policy")))
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
	if (rc != SR_OK)
		sr_diff_policy_free(p);
	return rc;
}

enum sr_err sr_diff_policy_load(const char *path, struct sr_diff_policy *p, struct sr_error *err)
{
	*p = (struct sr_diff_policy){ 0 };
	FILE *f = fopen(path, "rb");
	if (!f)
		return sr_error_set(err, SR_E_NOENT, "cannot be read (%s)", strerror(errno));
	char *buf = malloc(SR_PJSON_MAX_INPUT + 1);
	size_t n = buf ? fread(buf, 1, SR_PJSON_MAX_INPUT + 1, f) : 0;
	bool bad = ferror(f);
	fclose(f);
	enum sr_err rc;
	if (!buf)
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
	else if (bad)
		rc = sr_error_set(err, SR_E_IO, "cannot be read");
	else if (n > SR_PJSON_MAX_INPUT)
		rc = sr_error_set(err, SR_E_TOO_BIG, "a diff policy over 256 KiB");
	else
		rc = sr_diff_policy_parse(buf, n, path, p, err);
	free(buf);
	return rc;
}

void sr_diff_policy_free(struct sr_diff_policy *p)
{
	if (p->owned)
		free((char *)p->name);
	p->name = NULL;
	p->owned = false;
}

bool sr_diff_fails(const struct sr_diff_policy *p, const struct sr_change *c, const char **rule)
{
	const char *r = NULL;
	if (strcmp(c->aspect, "floor") == 0 && p->max_floor_raise >= 0 && c->effect == SR_CHANGE_REGRESSION &&
	    (c->old_value == NULL ? !c->with_new_library : c->delta > p->max_floor_raise))
		r = "max_floor_raise";
	else if (strcmp(c->aspect, "library") == 0 && p->no_new_libraries && !c->old_value)
		r = "no_new_libraries";
	else if (strcmp(c->aspect, "need") == 0 && p->no_new_needs && c->effect == SR_CHANGE_REGRESSION)
		r = "no_new_needs";
	else if (strcmp(c->aspect, "hardening") == 0 && p->no_hardening_loss && c->effect == SR_CHANGE_REGRESSION)
		r = "no_hardening_loss";
	else if (strcmp(c->aspect, "module") == 0 && p->no_module_downgrade && c->downgrade)
		r = "no_module_downgrade";
	else if (p->no_linkage_change && (strcmp(c->aspect, "linkage") == 0 || strcmp(c->aspect, "interpreter") == 0 ||
	                                  strcmp(c->aspect, "libc") == 0 || strcmp(c->aspect, "cgo") == 0))
		r = "no_linkage_change";
	if (rule)
		*rule = r;
	return r != NULL;
}
