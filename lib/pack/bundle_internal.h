/* shipready — the parts of bundle (shipready/bundle.h): bundle.c the plan of
 * programs and libraries, bundle_needs.c the files run-time needs bring,
 * bundle_write.c the directory or tar written from the plan. */
#ifndef SR_PACK_BUNDLE_INTERNAL_H
#define SR_PACK_BUNDLE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/analysis.h"
#include "shipready/bundle.h"
#include "shipready/root.h"
#include "util/arena.h"

struct sr_bundle_priv {
	struct sr_arena *a;
	struct sr_root host_root;      /* "/" when no root was given */
	const struct sr_root *root;    /* where libraries and data are read */
	bool root_given;
	struct sr_run *run;            /* where programs are analysed (sr_bundle_opts.run, or own_run) */
	bool own_run;
	const char *prefix;
	bool no_needs;                 /* loader closure only (sr_bundle_opts.no_needs) */
	bool resolv_conf;              /* carry the root's /etc/resolv.conf (sr_bundle_opts.resolv_conf) */
	size_t entry_cap, unmet_cap;
	unsigned needs_done;           /* bit per enum sr_need_kind already planned */
};

/* bundle.c */
const char *bundle_afmt(struct sr_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
enum sr_err bundle_add_entry(struct sr_bundle *b, const struct sr_bundle_entry *e, bool check_clash,
                             struct sr_error *err);
enum sr_err bundle_add_unmet(struct sr_bundle *b, const char *program, const struct sr_need *n, const char *reason,
                             struct sr_error *err);
enum sr_err bundle_add_root_file(struct sr_bundle *b, const char *path, enum sr_bundle_kind kind,
                                 const char *reason, struct sr_error *err);
enum sr_err bundle_add_tree(struct sr_bundle *b, const char *path, const char *reason, struct sr_error *err);
enum sr_err bundle_add_generated(struct sr_bundle *b, const char *path, const char *content, const char *reason,
                                 struct sr_error *err);

/* bundle_needs.c */
enum sr_err bundle_plan_need(struct sr_bundle *b, const char *program, const char *placed, const struct sr_need *n,
                             const struct sr_deps *d, struct sr_error *err);

#endif
