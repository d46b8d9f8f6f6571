/* Fuzz target: one image layer applied to a tree in memory
 * (lib/image/image_tree.c), as scan and check --target apply each layer of
 * an image, then every file of the tree read back from the layer's bytes
 * (lib/image/image_zran.c for gzip).
 *
 * The bytes are the layer blob (tar, gzip, zstd, … ).  Invariants: whatever
 * the layer holds (names with "..", symlinks out of the root or in loops,
 * hard links anywhere, devices, a corrupt gzip stream), the tree holds only
 * directories, regular files and symlinks; no file has a set-user-ID,
 * set-group-ID or sticky bit or is writable by group or others; each
 * regular file reads back no more than its size; and what the builder
 * marked a binary as it passed is one when read back. */
#define _GNU_SOURCE   /* memfd_create */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/imageroot.h"
#include "shipready/root.h"
#include "shipready/sniff.h"
#include "shipready/vtree.h"

static void check_node(const struct sr_vtree *t, uint32_t dir, unsigned depth)
{
	uint32_t *kids;
	long n = sr_vtree_children(t, dir, &kids);
	for (long i = 0; i < n; i++) {
		struct stat st;
		sr_vtree_stat(t, kids[i], &st);
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
			abort();
		if (S_ISREG(st.st_mode) && (st.st_mode & (S_ISUID | S_ISGID | S_ISVTX | 0022)))
			abort();
		if (S_ISLNK(st.st_mode) && !sr_vtree_link(t, kids[i]))
			abort();
		if (S_ISREG(st.st_mode)) {
			unsigned char buf[4096];
			uint64_t total = 0;
			long k;
			while (total < ((uint64_t)1 << 22) &&
			       (k = sr_vtree_read(t, kids[i], total, buf, sizeof buf)) > 0)
				total += (uint64_t)k;
			if (total > (uint64_t)st.st_size)
				abort();
			unsigned char head[512];
			long h = sr_vtree_read(t, kids[i], 0, head, sizeof head);
			if (h > 0 && (sr_vtree_mark(t, kids[i]) & SR_VTREE_MARK_BINARY) &&
			    !sr_sniff_binary(head, (size_t)h, (uint64_t)st.st_size))
				abort();
		}
		if (S_ISDIR(st.st_mode) && depth < 64)
			check_node(t, kids[i], depth + 1);
	}
	free(kids);
}

static void visit(const struct sr_root *root, void *ctx)
{
	(void)ctx;
	check_node(root->tree, SR_VTREE_ROOT, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("layer", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	struct sr_error err = { 0 };
	struct sr_image_unpack_stats st = { 0 };
	(void)sr_image_layer_fd(fd, visit, NULL, &st, &err);
	close(fd);
	return 0;
}
