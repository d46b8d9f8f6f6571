/* Lexical path cleaning (util/path.h). */
#include "util/path.h"

#include <stdbool.h>
#include <string.h>

size_t sr_path_clean(const char *in, char *out)
{
	bool abs = in[0] == '/';
	size_t o = 0, floor = 0;   /* out[0, floor) is what ".." may not take back: "/" or leading "../" */
	if (abs)
		out[o++] = '/', floor = 1;
	for (const char *p = in; *p;) {
		while (*p == '/')
			p++;
		size_t len = strcspn(p, "/");
		if (len == 0)
			break;
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (o > floor) {   /* take back the last element */
				while (o > floor && out[o - 1] != '/')
					o--;
				if (o > floor)
					o--;
			} else if (!abs) {   /* a relative path keeps a ".." it cannot take out */
				if (o > 0)
					out[o++] = '/';
				out[o++] = '.';
				out[o++] = '.';
				floor = o;
			}
		} else {
			if (o > 0 && out[o - 1] != '/')
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p += len;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return o;
}
