/* Unnamed scratch files (see spool.h). */
#define _GNU_SOURCE   /* O_TMPFILE */
#include "util/spool.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/statvfs.h>
#include <unistd.h>

int sr_spool_open(uint64_t *room, char *where, size_t where_size)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !tmp[0])
		tmp = "/tmp";
	snprintf(where, where_size, "%s", tmp);
	int fd = open(tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	struct statvfs vfs;
	*room = UINT64_MAX;
	if (fstatvfs(fd, &vfs) == 0) {
		uint64_t total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
		uint64_t avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
		uint64_t reserve = total / 10 > SR_SPOOL_RESERVE_MIN ? total / 10 : SR_SPOOL_RESERVE_MIN;
		*room = avail > reserve ? avail - reserve : 0;
	}
	return fd;
}
