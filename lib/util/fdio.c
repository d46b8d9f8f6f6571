/* Whole writes to a descriptor (util/fdio.h). */
#include "util/fdio.h"

#include <errno.h>
#include <unistd.h>

bool sr_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}
