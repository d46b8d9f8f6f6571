/* shipready — a list of strings, as the parsers report them (NEEDED,
 * rpaths, warnings, …).  The strings live in the owning object's arena. */
#ifndef SHIPREADY_STRLIST_H
#define SHIPREADY_STRLIST_H

#include <stddef.h>

struct sr_strlist {
	const char **items;
	size_t count;
};

#endif
