/* shipready — which changes between two builds fail (see shipready/diff.h
 * and docs/diff.md): the default policy, a JSON policy file, the verdict. */
#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "shipready/diff.h"

#define MAX_POLICY_BYTES (256u << 10)

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

enum sr_err sr_diff_policy_load(const char *path, struct sr_diff_policy *p, struct sr_error *err)
{
	/* a file states every rule it wants: what it leaves out is off */
	*p = (struct sr_diff_policy){ .name = NULL, .max_floor_raise = -1, .owned = true };
	struct stat st;
	if (stat(path, &st) != 0)
		return sr_error_set(err, SR_E_NOENT, "no such file");
	if (st.st_size > (off_t)MAX_POLICY_BYTES)
		return sr_error_set(err, SR_E_TOO_BIG, "a diff policy over 256 KiB");
	json_error_t je;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return sr_error_set(err, SR_E_MALFORMED, "%d:%d: %s", je.line, je.column, je.text);
	enum sr_err rc = SR_OK;
	if (!json_is_object(doc))
		rc = sr_error_set(err, SR_E_MALFORMED, "1:1: a diff policy is a JSON object");
	const char *key;
	json_t *v;
	json_object_foreach(doc, key, v)
	{
		if (rc != SR_OK)
			break;
		bool *b = bool_field(p, key);
		if (b) {
			if (!json_is_boolean(v))
				rc = sr_error_set(err, SR_E_MALFORMED, "%s: must be true or false", key);
			else
				*b = json_is_true(v);
		} else if (strcmp(key, "max_floor_raise") == 0) {
			if (json_is_null(v))
				p->max_floor_raise = -1;
			else if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000)
				rc = sr_error_set(err, SR_E_MALFORMED, "max_floor_raise: must be a whole number from 0 to 1000, or null");
			else
				p->max_floor_raise = (int)json_integer_value(v);
		} else if (strcmp(key, "name") == 0) {
			if (!json_is_string(v) || !json_string_length(v))
				rc = sr_error_set(err, SR_E_MALFORMED, "name: must be a non-empty string");
			else if (!(p->name = strdup(json_string_value(v))))
				rc = sr_error_set(err, SR_E_NOMEM, NULL);
		} else if (strcmp(key, "$schema") != 0 && strcmp(key, "description") != 0) {
			rc = sr_error_set(err, SR_E_MALFORMED,
			                  "unknown key \"%.64s\" (name, max_floor_raise, no_new_libraries, no_new_needs, "
			                  "no_hardening_loss, no_module_downgrade, no_linkage_change)",
			                  key);
		}
	}
	json_decref(doc);
	if (rc == SR_OK && !p->name && !(p->name = strdup(path)))
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
	if (rc != SR_OK)
		sr_diff_policy_free(p);
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
	    (c->old_value == NULL || c->delta > p->max_floor_raise))
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
