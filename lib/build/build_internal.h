/* Shared by the readers of build outputs (depfile.c, linkmap.c). */
#ifndef SR_BUILD_INTERNAL_H
#define SR_BUILD_INTERNAL_H

#include "shipready/error.h"
#include "util/arena.h"

struct sr_depfile_priv {
	struct sr_arena *arena;
};

/* A new arena for one parse. */
enum sr_err sr_build_priv_new(struct sr_depfile_priv **out, struct sr_error *err);

#endif
