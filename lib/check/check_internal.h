/* Internals shared by the check sources (lib/check). */
#ifndef SR_CHECK_INTERNAL_H
#define SR_CHECK_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "shipready/imageroot.h"
#include "shipready/root.h"
#include "util/arena.h"

struct sr_check_target_priv {
	struct sr_arena *arena;
	struct sr_root root;          /* dir: targets */
	bool root_open;
	const char *libc_path;        /* dir: the libc.so.6 (or musl loader) found */
	struct sr_image *image;       /* an image target: the root is over its tree (sr_image_root) */
};


#endif
