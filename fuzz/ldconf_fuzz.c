/* Fuzz target: ld.so.conf line parsing (sr_ldconf_parse_buffer), without a
 * root, so include lines are parsed but not followed.
 *
 * Invariants: the directories are unique, non-empty, hold no '#' (comments
 * are cut), never start with white space or end in '/' (white space before
 * trailing slashes stays, as in ldconfig: "a /" is "a "), and there are at
 * most SR_LDCONF_MAX_DIRS of them. */
#include "fuzz.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "loader/ldconf_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > SR_LDCONF_MAX_FILE_SIZE)
		return 0;
	struct sr_ldconf_state *st = malloc(sizeof *st);
	if (!st)
		return 0;
	sr_ldconf_state_init(st, NULL);
	if (sr_ldconf_parse_buffer(st, "/etc/ld.so.conf", (const char *)data, size) != SR_OK)
		abort();   /* only memory exhaustion fails */
	if (st->count > SR_LDCONF_MAX_DIRS)
		abort();
	for (size_t i = 0; i < st->count; i++) {
		const char *d = st->dirs[i];
		size_t n = strlen(d);
		if (n == 0 || strchr(d, '#') || strchr(d, '=') || d[n - 1] == '/' || isspace((unsigned char)d[0]))
			abort();
		for (size_t j = 0; j < i && st->count < 512; j++)
			if (strcmp(st->dirs[j], d) == 0)
				abort();
	}
	sr_ldconf_state_free(st);
	free(st);
	return 0;
}
