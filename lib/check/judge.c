/* Whether a root meets a run-time need: the rules of include/shipready/judge.h. */
#include "shipready/judge.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* A directory whose entries are examined for a certificate: past this many,
 * judged by what was seen (a CA directory holds a few hundred). */
#define CA_DIR_MAX_ENTRIES 4096
/* The head of a file searched for a PEM certificate's first line. */
#define PEM_HEAD 4096

bool sr_judge_file(const struct sr_root *root, const char *path)
{
	struct stat st;
	struct sr_error err = { 0 };
	return sr_root_stat(root, path, NULL, &st, &err) == SR_OK && S_ISREG(st.st_mode) && st.st_size > 0;
}

static bool is_certificate(const struct sr_root *root, const char *path)
{
	static const char pem[] = "-----BEGIN CERTIFICATE-----";
	char head[PEM_HEAD + 1];
	long n = sr_root_read_head(root, path, head, PEM_HEAD);
	if (n < (long)sizeof pem - 1)
		return false;
	head[n] = '\0';
	/* a NUL before it would hide it from strstr: search each piece */
	for (const char *s = head; s < head + n; s += strlen(s) + 1)
		if (strstr(s, pem))
			return true;
	return false;
}

/* Does the directory at path have an entry (for CA roots: a certificate)? */
static bool dir_counts(const struct sr_root *root, const char *path, bool want_certificate)
{
	struct sr_error err = { 0 };
	struct sr_root_list *d = sr_root_list_open(root, path, CA_DIR_MAX_ENTRIES, &err);
	if (!d)
		return false;
	bool found = false;
	const char *name;
	while (!found && (name = sr_root_list_next(d)) != NULL) {
		if (!want_certificate) {
			found = true;
			break;
		}
		char p[SR_ROOT_MAX_PATH + 1];
		int k = snprintf(p, sizeof p, "%s/%s", path, name);
		if (k > 0 && (size_t)k < sizeof p)
			found = is_certificate(root, p);
	}
	sr_root_list_close(d);
	return found;
}

void sr_judge_need(const struct sr_root *root, const struct sr_need *n, struct sr_need_answer *out)
{
	*out = (struct sr_need_answer){ SR_NEED_MISSING, NULL, false };
	if (n->kind == SR_NEED_DLOPEN) {
		out->state = SR_NEED_UNJUDGED;
		return;
	}
	for (size_t i = 0; i < n->paths.count; i++) {
		const char *path = n->paths.items[i];
		struct stat st;
		struct sr_error err = { 0 };
		if (sr_root_stat(root, path, NULL, &st, &err) != SR_OK)
			continue;
		bool ca = n->kind == SR_NEED_CA_ROOTS;
		bool counts = S_ISREG(st.st_mode) ? st.st_size > 0 && (!ca || is_certificate(root, path))
		            : S_ISDIR(st.st_mode) ? dir_counts(root, path, ca)
		                                  : false;
		if (counts) {
			*out = (struct sr_need_answer){ SR_NEED_MET, path, S_ISDIR(st.st_mode) };
			return;
		}
	}
	if (n->kind == SR_NEED_DNS)
		out->state = SR_NEED_BY_RUNTIME;
}

void sr_judge_need_db(const struct sr_target *t, const struct sr_need *n, struct sr_need_answer *out)
{
	bool distro = t->kind == SR_TARGET_DISTRO;
	const char *first = n->paths.count ? n->paths.items[0] : NULL;
	*out = (struct sr_need_answer){ SR_NEED_MISSING, NULL, false };
	if (n->kind == SR_NEED_DLOPEN) {
		out->state = SR_NEED_UNJUDGED;
		return;
	}
	if (n->kind == SR_NEED_DNS) {
		*out = distro ? (struct sr_need_answer){ SR_NEED_MET, first, false }
		              : (struct sr_need_answer){ SR_NEED_BY_RUNTIME, NULL, false };
		return;
	}
	if (sr_target_is_empty_image(t))
		return;
	switch (n->kind) {
	case SR_NEED_CA_ROOTS:
		if (t->ca_bundle)
			*out = (struct sr_need_answer){ SR_NEED_MET, t->ca_bundle, false };
		else if (distro || sr_target_unconfirmed(t, "ca_bundle"))
			out->state = SR_NEED_UNKNOWN;
		return;
	case SR_NEED_ZONEINFO:
		if (t->zoneinfo == SR_TRI_YES)
			*out = (struct sr_need_answer){ SR_NEED_MET, "/usr/share/zoneinfo", true };
		else if (t->zoneinfo == SR_TRI_UNKNOWN)
			out->state = SR_NEED_UNKNOWN;
		return;
	default:
		*out = distro ? (struct sr_need_answer){ SR_NEED_MET, first, false }
		              : (struct sr_need_answer){ SR_NEED_UNKNOWN, NULL, false };
		return;
	}
}
