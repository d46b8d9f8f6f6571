/* shipready — the one judgement of whether a root meets a run-time need
 * (CA roots, zoneinfo, …; see needs.h).  check, bundle, image, verify and
 * dockerfile all ask here, so they cannot disagree about what counts:
 *
 *   - a file counts when it is a regular file with at least one byte, and
 *     for CA roots when it holds a certificate (PEM);
 *   - a directory counts when it has at least one entry, and for CA roots
 *     when at least one of its entries is a certificate: an empty
 *     /etc/ssl/certs, as a minbase root has, is no CA roots;
 *   - DNS configuration (/etc/resolv.conf, /etc/hosts) missing from a root
 *     is the container runtime's to provide (it mounts its own), not unmet;
 *   - libraries opened with dlopen cannot be judged from files;
 *   - a database entry (a distribution release, a base image) meets a need
 *     as its facts in data/targets.json say (sr_judge_need_db). */
#ifndef SHIPREADY_JUDGE_H
#define SHIPREADY_JUDGE_H

#include <stdbool.h>

#include "shipready/needs.h"
#include "shipready/root.h"
#include "shipready/targets.h"

enum sr_need_state {
	SR_NEED_MET = 0,        /* the root has it: path */
	SR_NEED_BY_RUNTIME,     /* not in the root, and the container runtime provides it */
	SR_NEED_MISSING,        /* the root has none of the need's paths */
	SR_NEED_UNJUDGED,       /* no file can tell (dlopen) */
	SR_NEED_UNKNOWN,        /* a database entry that does not say */
};

struct sr_need_answer {
	enum sr_need_state state;
	const char *path;       /* SR_NEED_MET: the need's path that the root has (one of n->paths) */
	bool is_dir;            /* and it is a directory (a tree to carry along) */
};

/* Judge need n against root. */
void sr_judge_need(const struct sr_root *root, const struct sr_need *n, struct sr_need_answer *out);

/* Judge need n against a database entry: a base image (scratch,
 * distroless, …) has what the entry says it has, and the container runtime
 * provides DNS configuration to every image; a distribution release is
 * taken as installed (it provides DNS configuration, the user database,
 * NSS, gconv and locales) except where the entry says otherwise: its CA
 * bundle and zoneinfo, when unconfirmed, are SR_NEED_UNKNOWN. */
void sr_judge_need_db(const struct sr_target *t, const struct sr_need *n, struct sr_need_answer *out);

/* Does root have a file at path that counts (a regular file with at least
 * one byte)?  The rule above, for callers that ask about one path. */
bool sr_judge_file(const struct sr_root *root, const char *path);

#endif
