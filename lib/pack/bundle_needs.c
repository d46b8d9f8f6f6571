/* shipready — bundle: the files a program's run-time needs bring (CA roots, zoneinfo, NSS modules,
 * gconv, generated /etc files), judged by the analysis's rule for the source root. */
#define _GNU_SOURCE 1   /* renameat2 flags, O_PATH */
#include "shipready/analysis.h"
#include "shipready/bundle.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "shipready/deps.h"
#include "shipready/inspect.h"
#include "shipready/judge.h"
#include "shipready/needs.h"
#include "util/archive_dl.h"
#include "util/arena.h"
#include "shipready/outfile.h"
#include "pack/bundle_internal.h"

/* ------------------------------------------------------------ needs */

static const char passwd_text[] = "root:x:0:0:root:/root:/sbin/nologin\n"
                                  "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n";
static const char group_text[] = "root:x:0:\nnogroup:x:65534:\n";
static const char nsswitch_text[] = "passwd:    files\n"
                                    "group:     files\n"
                                    "shadow:    files\n"
                                    "hosts:     files dns\n"
                                    "networks:  files\n"
                                    "protocols: files\n"
                                    "services:  files\n"
                                    "ethers:    files\n"
                                    "rpc:       files\n";
static const char hosts_text[] = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";

/* "CA roots (crypto/x509, …) of /usr/local/bin/app" */
static const char *need_reason(struct sr_arena *a, const struct sr_need *n, const char *what, const char *placed)
{
	char ev[512] = "";
	size_t o = 0;
	for (size_t i = 0; i < n->evidence.count && i < 3; i++) {
		int k = snprintf(ev + o, sizeof ev - o, "%s%s", i ? ", " : "", n->evidence.items[i]);
		if (k < 0 || (size_t)k >= sizeof ev - o)
			break;
		o += (size_t)k;
	}
	if (n->evidence.count > 3 && o + 6 < sizeof ev)
		memcpy(ev + o, ", …", sizeof ", …");
	return bundle_afmt(a, "%s%s%s (%s) of %s", what ? what : n->name, what ? " for " : "", what ? n->name : "", ev,
	            placed);
}

/* What the root has for the need, as the one judgement (judge.h) finds it:
 * the file, or the tree, carried into the bundle. */
static enum sr_err satisfy_from_root(struct sr_bundle *b, const struct sr_need *n, const char *reason, bool *met,
                                     struct sr_error *err)
{
	struct sr_need_answer ans;
	sr_judge_need(b->priv->root, n, &ans);
	*met = ans.state == SR_NEED_MET;
	if (!*met)
		return SR_OK;
	if (ans.is_dir)
		return bundle_add_tree(b, ans.path, reason, err);
	char real[SR_ROOT_MAX_PATH + 1];
	struct stat st;
	enum sr_err rc = sr_root_stat(b->priv->root, ans.path, real, &st, err);
	if (rc != SR_OK)
		return rc;
	struct sr_bundle_entry e = {
		.path = sr_arena_strdup(b->priv->a, ans.path), .kind = SR_BUNDLE_DATA,
		.source = sr_arena_strdup(b->priv->a, real), .reason = reason, .mode = st.st_mode & 0755,
		.size = (uint64_t)st.st_size,
	};
	return e.path && e.source ? bundle_add_entry(b, &e, true, err) : sr_error_set(err, SR_E_NOMEM, NULL);
}

static const char *paths_list(struct sr_arena *a, const struct sr_strlist *l)
{
	char buf[1024] = "";
	size_t o = 0;
	for (size_t i = 0; i < l->count; i++) {
		int k = snprintf(buf + o, sizeof buf - o, "%s%s", i ? ", " : "", l->items[i]);
		if (k < 0 || (size_t)k >= sizeof buf - o)
			break;
		o += (size_t)k;
	}
	return sr_arena_strdup(a, buf);
}

/* glibc's NSS modules for the generated nsswitch.conf ("files", "dns"):
 * since glibc 2.34 both are inside libc.so.6, and the files may be absent;
 * when the root has them beside the C library they come along. */
static enum sr_err add_nss_modules(struct sr_bundle *b, const struct sr_deps *d, const char *reason,
                                   struct sr_error *err)
{
	static const char *const mods[] = { "libnss_files.so.2", "libnss_dns.so.2" };
	const char *dirs[64];
	size_t nd = 0;
	for (size_t i = 1; i < d->object_count && nd < 64; i++) {
		const char *soname = d->objects[i].elf ? d->objects[i].elf->soname : NULL;
		if (soname && sr_libc_of_soname(soname) == SR_LIBC_GLIBC) {
			const char *slash = strrchr(d->objects[i].path, '/');
			if (slash)
				dirs[nd++] = sr_arena_strndup(b->priv->a, d->objects[i].path,
				                              (size_t)(slash - d->objects[i].path));
		}
	}
	for (size_t i = 0; i < d->default_dirs.count && nd < 64; i++)
		dirs[nd++] = d->default_dirs.items[i];
	for (size_t m = 0; m < 2; m++) {
		for (size_t i = 0; i < nd; i++) {
			if (!dirs[i])
				return sr_error_set(err, SR_E_NOMEM, NULL);
			const char *p = bundle_afmt(b->priv->a, "%s/%s", dirs[i], mods[m]);
			char real[SR_ROOT_MAX_PATH + 1];
			struct stat st;
			struct sr_error ignored = { 0 };
			if (!p || sr_root_stat(b->priv->root, p, real, &st, &ignored) != SR_OK || !S_ISREG(st.st_mode))
				continue;
			const char *why = bundle_afmt(b->priv->a, "NSS module for the generated nsswitch.conf; %s", reason);
			enum sr_err rc = bundle_add_root_file(b, p, SR_BUNDLE_LIBRARY, why, err);
			if (rc != SR_OK)
				return rc;
			break;
		}
	}
	return SR_OK;
}

enum sr_err bundle_plan_need(struct sr_bundle *b, const char *program, const char *placed, const struct sr_need *n,
                             const struct sr_deps *d, struct sr_error *err)
{
	struct sr_arena *a = b->priv->a;
	unsigned bit = 1u << n->kind;
	if (b->priv->needs_done & bit)
		return SR_OK;
	b->priv->needs_done |= bit;
	const char *reason = need_reason(a, n, NULL, placed);
	if (!reason)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	enum sr_err rc = SR_OK;
	bool met = false;
	switch (n->kind) {
	case SR_NEED_USERDB:
		if ((rc = bundle_add_generated(b, "/etc/passwd", passwd_text, reason, err)) == SR_OK)
			rc = bundle_add_generated(b, "/etc/group", group_text, reason, err);
		return rc;
	case SR_NEED_NSS:
		if ((rc = bundle_add_generated(b, "/etc/nsswitch.conf", nsswitch_text, reason, err)) == SR_OK)
			rc = add_nss_modules(b, d, reason, err);
		return rc;
	case SR_NEED_DNS: {
		/* /etc/resolv.conf names the build machine's name servers: a
		 * container runtime mounts its own, so it comes along only when
		 * asked (resolv_conf), and its absence is never unmet */
		if (!b->priv->resolv_conf) {
			const char *why = bundle_afmt(a, "%s; /etc/resolv.conf is left to the container runtime", reason);
			return why ? bundle_add_generated(b, "/etc/hosts", hosts_text, why, err) : sr_error_set(err, SR_E_NOMEM, NULL);
		}
		if ((rc = bundle_add_generated(b, "/etc/hosts", hosts_text, reason, err)) != SR_OK)
			return rc;
		static const char *const rp[] = { "/etc/resolv.conf" };
		struct sr_need r = *n;
		r.paths = (struct sr_strlist){ (const char **)rp, 1 };
		if ((rc = satisfy_from_root(b, &r, reason, &met, err)) != SR_OK || met)
			return rc;
		return bundle_add_unmet(b, program, n, "--resolv-conf: /etc/resolv.conf is not in the source root", err);
	}
	case SR_NEED_DLOPEN:
		return bundle_add_unmet(b, program, n,
		                 "libraries opened with dlopen cannot be known without running the program: "
		                 "add them by hand",
		                 err);
	default:
		break;
	}
	if ((rc = satisfy_from_root(b, n, reason, &met, err)) != SR_OK || met)
		return rc;
	const char *list = paths_list(a, &n->paths);
	const char *why = n->paths.count ? bundle_afmt(a, "none of %s in the source root", list ? list : "")
	                                 : "no file is known to satisfy it";
	return bundle_add_unmet(b, program, n, why ? why : "", err);
}
