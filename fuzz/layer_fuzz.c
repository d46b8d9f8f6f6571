/* Fuzz target: one image layer applied to a directory (lib/image/image_unpack.c),
 * as scan and check --target apply each layer of an image.
 *
 * The bytes are the layer blob (tar, gzip, zstd, … as libarchive reads it).
 * Invariants: whatever the layer holds (names with "..", symlinks out of the
 * root or in loops, hard links anywhere, devices), nothing appears beside
 * the root directory; inside it there is no device, FIFO or socket, no file
 * with a set-user-ID, set-group-ID or sticky bit or writable by group or
 * others; and the tree is removed completely afterwards. */
#define _GNU_SOURCE   /* memfd_create */
#include "fuzz.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/imageroot.h"

static void check_tree(int dfd, unsigned depth)
{
	DIR *d = fdopendir(dfd);
	if (!d)
		abort();
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			abort();
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
			abort();
		if (S_ISREG(st.st_mode) && (st.st_mode & (S_ISUID | S_ISGID | S_ISVTX | 0022)))
			abort();
		if (S_ISDIR(st.st_mode) && depth < 64) {
			int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				abort();
			check_tree(fd, depth + 1);
		}
	}
	closedir(d);
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return (size_t)-1;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char base[64];
	char root[96], outside[96];
	if (!base[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(base, sizeof base, "%s/layer-fuzz-XXXXXX", tmp && strlen(tmp) < 32 ? tmp : "/tmp");
		if (!mkdtemp(base))
			abort();
	}
	snprintf(root, sizeof root, "%s/root", base);
	snprintf(outside, sizeof outside, "%s/outside", base);
	if (mkdir(root, 0700) != 0 || (mkdir(outside, 0700) != 0 && entries(outside) != 0))
		abort();
	int fd = memfd_create("layer", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	struct sr_error err = { 0 };
	struct sr_image_unpack_stats st = { 0 };
	(void)sr_image_apply_layer_fd(fd, root, &st, &err);
	close(fd);
	if (entries(outside) != 0 || entries(base) != 2)
		abort();
	int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		abort();
	check_tree(rfd, 0);
	sr_image_remove_tree(root);
	if (access(root, F_OK) == 0)
		abort();
	return 0;
}
