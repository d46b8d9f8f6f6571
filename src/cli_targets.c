/* The targets of check and report: --target lists, a policy's, the default set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "shipready/policy.h"
#include "shipready/shipready.h"

/* spec (a database name, NAME/ARCH or dir:PATH; --arch pins a bare name)
 * once; false after saying why it cannot be opened. */
static bool cli_target_add(struct cli_target_set *ts, const struct sr_targets *db, const char *spec, const char *arch)
{
	for (size_t i = 0; i < ts->n; i++)
		if (strcmp(ts->v[i]->name, spec) == 0)
			return true;
	char buf[512];
	/* --arch pins database targets given without one */
	if (arch && strncmp(spec, "dir:", 4) != 0 && !strchr(spec, '/')) {
		snprintf(buf, sizeof buf, "%s/%s", spec, arch);
		spec = buf;
	}
	struct sr_error err = { 0 };
	struct sr_check_target *t;
	if (sr_check_target_open(db, spec, &t, &err) != SR_OK) {
		cli_file_error(spec, sr_error_message(&err));
		return false;
	}
	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? ts->cap * 2 : 8;
		struct sr_check_target **v = realloc(ts->v, cap * sizeof *v);
		if (!v) {
			sr_check_target_free(t);
			fprintf(stderr, "shipready: out of memory\n");
			return false;
		}
		ts->v = v;
		ts->cap = cap;
	}
	ts->v[ts->n++] = t;
	return true;
}

/* Every comma-separated element of list. */
static bool cli_targets_add_list(struct cli_target_set *ts, const struct sr_targets *db, const char *list, const char *arch)
{
	bool ok = true;
	const char *s = list;
	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n > 0) {
			char *one = strndup(s, n);
			if (!one || !cli_target_add(ts, db, one, arch))
				ok = false;
			free(one);
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return ok;
}

/* The targets asked for besides --target: the policy's, else (nothing
 * asked for) the default set; false after saying why one cannot be used. */
static bool cli_targets_more(struct cli_target_set *ts, const struct sr_targets *db, bool given, const char *arch,
                             const struct sr_policy *policy, bool *requested)
{
	bool ok = true;
	*requested = given || policy;
	if (policy) {
		/* the policy's targets are requested too; without --target they are the only ones */
		const char *const *pt;
		size_t npt = sr_policy_targets(policy, &pt);
		for (size_t i = 0; i < npt; i++)
			ok &= cli_target_add(ts, db, pt[i], arch);
	}
	if (!*requested)
		for (size_t i = 0; sr_check_default_targets[i]; i++)
			ok &= cli_target_add(ts, db, sr_check_default_targets[i], arch);
	return ok;
}

static void cli_targets_free(struct cli_target_set *ts)
{
	for (size_t j = 0; j < ts->n; j++)
		sr_check_target_free(ts->v[j]);
	free(ts->v);
	ts->v = NULL;
	ts->n = ts->cap = 0;
}

bool cli_judging_open(struct cli_judging *jd, const struct cli_command *self, char *const *specs, size_t nspecs,
                      const char *arch, const char *db_file, const char *policy_arg)
{
	memset(jd, 0, sizeof *jd);
	if (arch && !sr_check_arch_name(arch)) {
		cli_usage_error(self, "%s: unknown architecture '%s' (x86_64, aarch64, i386, arm, ...)", self->name, arch);
		return false;
	}
	if (!cli_load_targets(db_file, &jd->db))
		return false;
	jd->db_loaded = true;
	bool ok = true;
	for (size_t i = 0; i < nspecs; i++)
		ok &= cli_targets_add_list(&jd->ts, &jd->db, specs[i], arch);
	if (policy_arg) {
		struct sr_error perr = { 0 };
		if (sr_policy_load(policy_arg, &jd->policy, &perr) != SR_OK) {
			cli_file_error(policy_arg, sr_error_message(&perr));
			return false;
		}
	}
	ok &= cli_targets_more(&jd->ts, &jd->db, nspecs > 0, arch, jd->policy, &jd->requested);
	return ok;
}

void cli_judging_free(struct cli_judging *jd)
{
	sr_policy_free(jd->policy);
	cli_targets_free(&jd->ts);
	if (jd->db_loaded)
		sr_targets_free(&jd->db);
	memset(jd, 0, sizeof *jd);
}
