/* A path with "." and ".." taken out lexically, as Go's path.Clean does:
 * no symlink is looked at.  Repeated slashes become one, a trailing slash
 * goes, "x/.." goes; a relative path keeps the ".." it cannot take out,
 * and "/.." is "/".  The empty path is ".". */
#ifndef SR_UTIL_PATH_H
#define SR_UTIL_PATH_H

#include <stddef.h>

/* Writes the clean form of in to out, which holds strlen(in) + 2 bytes;
 * returns its length. */
size_t sr_path_clean(const char *in, char *out);

#endif
