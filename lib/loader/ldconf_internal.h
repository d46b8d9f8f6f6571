/* ld.so.conf parsing at the buffer level: used by sr_ldconf_load() (which
 * reads the files from a root) and by the fuzz target (which has no root). */
#ifndef SR_LOADER_LDCONF_INTERNAL_H
#define SR_LOADER_LDCONF_INTERNAL_H

#include <stddef.h>

#include "shipready/error.h"
#include "shipready/root.h"
#include "util/map.h"

#define SR_LDCONF_MAX_DIRS 4096          /* directories kept; more are dropped */
#define SR_LDCONF_MAX_DEPTH 16           /* nested include levels */
#define SR_LDCONF_MAX_FILES 1024         /* configuration files read in all */
#define SR_LDCONF_MAX_FILE_SIZE ((size_t)1 << 20)
#define SR_LDCONF_MAX_MATCHES 4096       /* files one include pattern may expand to */

struct sr_ldconf_state {
	const struct sr_root *root;   /* NULL: include lines are parsed but not followed */
	char **dirs;                  /* malloc'd strings, in order, unique */
	size_t count, cap;
	struct sr_map seen;           /* the strings of dirs (borrowed keys) */
	const char *stack[SR_LDCONF_MAX_DEPTH];       /* resolved paths being read */
	size_t depth;
	size_t files;
	size_t includes_seen;   /* include patterns met (followed or not) */
	enum sr_err fatal;      /* SR_E_NOMEM once memory ran out */
};

void sr_ldconf_state_init(struct sr_ldconf_state *st, const struct sr_root *root);
/* Release dirs (if not handed out). */
void sr_ldconf_state_free(struct sr_ldconf_state *st);

/* Parse one configuration file's bytes.  file_name is the name the file was
 * reached by (relative include patterns are taken from its directory). */
enum sr_err sr_ldconf_parse_buffer(struct sr_ldconf_state *st, const char *file_name, const char *buf, size_t len);

#endif
