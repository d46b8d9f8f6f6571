/* Build info blobs in both layouts, built byte by byte: the Go 1.18+ inline
 * layout and the Go 1.13–1.17 pointer layout in both byte orders and both
 * pointer sizes, plus the ways a blob is not one. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "shipready/file.h"
#include "shipready/go.h"

#define BASE 0x401000u
#define SIZE 4096u

struct img {
	uint8_t bytes[SIZE];
	struct sr_image_seg seg[2];
	struct sr_image image;
};

static const char magic[14] = "\xff Go buildinf:";
static const char mod_text[] = "path\texample.com/app\nmod\texample.com/app\t(devel)\t\n"
                               "dep\texample.com/lib\tv1.2.3\th1:abc=\nbuild\tCGO_ENABLED=0\n";

/* One read-write segment at BASE holding the whole buffer (and a read-only
 * one before it, which the reader must skip). */
static void img_init(struct img *m, bool big_endian, unsigned ptr_size)
{
	memset(m, 0, sizeof *m);
	m->seg[0] = (struct sr_image_seg){ .vaddr = 0x400000, .memsz = 0x1000, .offset = 0, .filesz = 0,
		                           .prot = SR_PROT_R | SR_PROT_X };
	m->seg[1] = (struct sr_image_seg){ .vaddr = BASE, .memsz = SIZE, .offset = 0, .filesz = SIZE,
		                           .prot = SR_PROT_R | SR_PROT_W };
	m->image.format = SR_IMAGE_ELF;
	sr_reader_init(&m->image.file, m->bytes, SIZE, big_endian);
	m->image.ptr_size = ptr_size;
	m->image.big_endian = big_endian;
	m->image.segs = m->seg;
	m->image.nsegs = 2;
}

static void put_word(struct img *m, size_t off, uint64_t v, unsigned size, bool big)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned shift = big ? 8 * (size - 1 - i) : 8 * i;
		m->bytes[off + i] = (uint8_t)(v >> shift);
	}
}

static size_t put_uvarint(struct img *m, size_t off, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		m->bytes[off + n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	m->bytes[off + n++] = (uint8_t)v;
	return n;
}

/* The module text framed by its two 16-byte sentinels, as the linker writes it. */
static size_t framed_mod(char *out, const char *text)
{
	size_t n = strlen(text);
	memset(out, 0x30, 16);
	memcpy(out + 16, text, n);
	memset(out + 16 + n, 0xf9, 16);
	return n + 32;
}

static void header(struct img *m, size_t at, unsigned ptr_size, uint8_t flags)
{
	memcpy(m->bytes + at, magic, sizeof magic);
	m->bytes[at + 14] = (uint8_t)ptr_size;
	m->bytes[at + 15] = flags;
}

static struct sr_go_buildinfo *read_bi(struct img *m)
{
	struct sr_go_buildinfo *bi = NULL;
	struct sr_error err = { 0 };
	CHECK(sr_go_buildinfo_read(&m->image, &bi, &err) == SR_OK);
	return bi;
}

static void test_inline(void)
{
	struct img *m = calloc(1, sizeof *m);
	img_init(m, false, 8);
	header(m, 0, 8, 0x2);
	size_t off = 32;
	off += put_uvarint(m, off, 8);
	memcpy(m->bytes + off, "go1.21.5", 8);
	off += 8;
	char framed[512];
	size_t fl = framed_mod(framed, mod_text);
	off += put_uvarint(m, off, fl);
	memcpy(m->bytes + off, framed, fl);

	struct sr_go_buildinfo *bi = read_bi(m);
	CHECK(bi && bi->status == SR_GO_BI_OK);
	if (bi && bi->status == SR_GO_BI_OK) {
		CHECK(bi->inline_layout);
		CHECK(bi->version_len == 8 && strcmp(bi->version, "go1.21.5") == 0);
		CHECK(bi->modinfo_len == strlen(mod_text) && memcmp(bi->modinfo, mod_text, bi->modinfo_len) == 0);
		CHECK(bi->addr == BASE);
		CHECK(bi->mod && strcmp(bi->mod->path, "example.com/app") == 0 && bi->mod->ndeps == 1);
	}
	sr_go_buildinfo_free(bi);

	/* a string that ends exactly at the end of the window is refused (as Go does) */
	img_init(m, false, 8);
	header(m, SIZE - 48, 8, 0x2);
	put_uvarint(m, SIZE - 16, 15);
	memcpy(m->bytes + SIZE - 15, "go1.21.5-abcdef", 15);
	bi = read_bi(m);
	CHECK(bi && bi->status == SR_GO_BI_NOT_GO && strcmp(bi->error, "not a Go executable") == 0);
	sr_go_buildinfo_free(bi);

	/* a length prefix that overflows */
	img_init(m, false, 8);
	header(m, 0, 8, 0x2);
	memset(m->bytes + 32, 0xff, 11);
	bi = read_bi(m);
	CHECK(bi && bi->status == SR_GO_BI_NOT_GO);
	sr_go_buildinfo_free(bi);
	free(m);
}

/* Pointer layout: header → {data, len} string headers → bytes. */
static void test_pointer(bool big, unsigned ps)
{
	struct img *m = calloc(1, sizeof *m);
	img_init(m, big, ps);
	header(m, 0, ps, big ? 1 : 0);
	put_word(m, 16, BASE + 0x100, ps, big);
	put_word(m, 16 + ps, BASE + 0x100 + 2 * ps, ps, big);
	/* version string header and data */
	put_word(m, 0x100, BASE + 0x200, ps, big);
	put_word(m, 0x100 + ps, 7, ps, big);
	memcpy(m->bytes + 0x200, "go1.15x", 7);
	char framed[512];
	size_t fl = framed_mod(framed, mod_text);
	put_word(m, 0x100 + 2 * ps, BASE + 0x300, ps, big);
	put_word(m, 0x100 + 3 * ps, fl, ps, big);
	memcpy(m->bytes + 0x300, framed, fl);

	struct sr_go_buildinfo *bi = read_bi(m);
	CHECKF(bi && bi->status == SR_GO_BI_OK, "big=%d ps=%u", big, ps);
	if (bi && bi->status == SR_GO_BI_OK) {
		CHECK(!bi->inline_layout && bi->big_endian == big && bi->ptr_size == ps);
		CHECK(strcmp(bi->version, "go1.15x") == 0);
		CHECK(bi->modinfo_len == strlen(mod_text));
		CHECK(bi->mod && bi->mod->nsettings == 1);
	}
	sr_go_buildinfo_free(bi);

	/* the module string runs past its segment: no module text, version kept */
	put_word(m, 0x100 + 3 * ps, SIZE, ps, big);
	bi = read_bi(m);
	CHECK(bi && bi->status == SR_GO_BI_OK && bi->modinfo_len == 0 && bi->mod && bi->mod->ndeps == 0);
	sr_go_buildinfo_free(bi);

	/* the version pointer leads nowhere: not a Go executable */
	put_word(m, 16, 0x10, ps, big);
	bi = read_bi(m);
	CHECK(bi && bi->status == SR_GO_BI_NOT_GO);
	sr_go_buildinfo_free(bi);

	/* wrong byte order in the flags: the pointers do not map */
	put_word(m, 16, BASE + 0x100, ps, big);
	m->bytes[15] = big ? 0 : 1;
	bi = read_bi(m);
	CHECK(bi && bi->status == SR_GO_BI_NOT_GO);
	sr_go_buildinfo_free(bi);
	free(m);
}

static void test_search(void)
{
	struct img *m = calloc(1, sizeof *m);
	/* a misaligned magic first, then the real header at 64 */
	img_init(m, false, 8);
	memcpy(m->bytes + 8, magic, sizeof magic);
	header(m, 64, 8, 0x2);
	size_t off = 96 + put_uvarint(m, 96, 6);
	memcpy(m->bytes + off, "go1.22", 6);
	m->bytes[off + 6] = 0;   /* empty module text */
	struct sr_go_buildinfo *bi = read_bi(m);
	CHECK(bi && bi->status == SR_GO_BI_OK && bi->addr == BASE + 64 && strcmp(bi->version, "go1.22") == 0);
	CHECK(bi && bi->modinfo_len == 0);
	sr_go_buildinfo_free(bi);

	/* no magic at all */
	img_init(m, false, 8);
	bi = read_bi(m);
	CHECK(bi && bi->status == SR_GO_BI_NOT_GO && strcmp(bi->error, "not a Go executable") == 0);
	sr_go_buildinfo_free(bi);

	/* an empty version */
	header(m, 0, 8, 0x2);
	bi = read_bi(m);
	CHECK(bi && bi->status == SR_GO_BI_NOT_GO);
	sr_go_buildinfo_free(bi);

	/* module text that does not parse keeps the version and Go's message */
	img_init(m, false, 8);
	header(m, 0, 8, 0x2);
	off = 32 + put_uvarint(m, 32, 6);
	memcpy(m->bytes + off, "go1.23", 6);
	off += 6;
	char framed[256];
	size_t fl = framed_mod(framed, "path\tx\nmod\ta\tb\tc\td\n");
	off += put_uvarint(m, off, fl);
	memcpy(m->bytes + off, framed, fl);
	bi = read_bi(m);
	CHECK(bi && bi->status == SR_GO_BI_BAD_MODINFO && strcmp(bi->version, "go1.23") == 0);
	CHECKF(bi && strcmp(bi->error, "could not parse Go build info: line 2: expected 2 or 3 columns; got 4") == 0,
	       "%s", bi ? bi->error : "");
	sr_go_buildinfo_free(bi);

	/* no writable segment: Go starts at address 0, which maps nothing */
	img_init(m, false, 8);
	m->seg[1].prot = SR_PROT_R | SR_PROT_X;
	header(m, 0, 8, 0x2);
	bi = read_bi(m);
	CHECK(bi && bi->status == SR_GO_BI_NOT_GO && strcmp(bi->error, "unrecognized file format") == 0);
	sr_go_buildinfo_free(bi);

	/* the .go.buildinfo section wins over the first writable segment */
	img_init(m, false, 8);
	struct sr_image_sect sect = { .name = ".go.buildinfo", .addr = BASE + 0x400, .size = 64,
		                      .offset = 0x400, .in_file = true, .alloc = true };
	m->image.sects = &sect;
	m->image.nsects = 1;
	header(m, 0, 8, 0x2);   /* a decoy at the segment start */
	off = 32 + put_uvarint(m, 32, 6);
	memcpy(m->bytes + off, "go1.10", 6);
	header(m, 0x400, 8, 0x2);
	off = 0x420 + put_uvarint(m, 0x420, 6);
	memcpy(m->bytes + off, "go1.20", 6);
	bi = read_bi(m);
	CHECK(bi && bi->status == SR_GO_BI_OK && strcmp(bi->version, "go1.20") == 0);
	sr_go_buildinfo_free(bi);
	free(m);
}

/* A module text longer than a lazily opened file's sub-readers hold
 * (SR_FILE_LAZY: go-version reads headers only): it is read through the
 * reader, never from bytes that were not fetched. */
static void test_lazy_long_modinfo(void)
{
	enum { BIG = 96 << 10, DEPS = 900 };
	char path[] = "/tmp/shipready-gobi-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	uint8_t *bytes = calloc(1, BIG);
	char *text = malloc(DEPS * 80 + 128), *framed = malloc(DEPS * 80 + 160);
	size_t tl = (size_t)sprintf(text, "path\texample.com/app\nmod\texample.com/app\t(devel)\t\n");
	for (int i = 0; i < DEPS; i++)
		tl += (size_t)sprintf(text + tl, "dep\texample.com/lib%04d\tv1.2.%d\th1:abcdefghijklmnop=\n", i, i);
	size_t fl = framed_mod(framed, text);
	size_t at = 16 << 10;   /* past the lazy head */
	memcpy(bytes + at, magic, sizeof magic);
	bytes[at + 14] = 8;
	bytes[at + 15] = 0x2;
	size_t off = at + 32;
	bytes[off++] = 8;
	memcpy(bytes + off, "go1.22.1", 8);
	off += 8;
	for (uint64_t v = fl; ; v >>= 7) {
		bytes[off++] = (uint8_t)(v >= 0x80 ? (v | 0x80) : v);
		if (v < 0x80)
			break;
	}
	memcpy(bytes + off, framed, fl);
	CHECK(off + fl < BIG && fl > 2 * SR_FILE_LAZY_HEAD);
	CHECK(write(fd, bytes, BIG) == BIG);
	close(fd);

	struct sr_file f;
	struct sr_error err = { 0 };
	CHECK(sr_file_open_ex(AT_FDCWD, path, SR_FILE_LAZY, &f, &err) == SR_OK);
	struct sr_image_seg seg = { .vaddr = BASE, .memsz = BIG, .offset = 0, .filesz = BIG,
		                    .prot = SR_PROT_R | SR_PROT_W };
	struct sr_image img = { .format = SR_IMAGE_ELF, .file = f.r, .ptr_size = 8, .segs = &seg, .nsegs = 1 };
	struct sr_go_buildinfo *bi = NULL;
	CHECK(sr_go_buildinfo_read(&img, &bi, &err) == SR_OK);
	CHECKF(bi && bi->status == SR_GO_BI_OK && bi->modinfo_len == tl && memcmp(bi->modinfo, text, tl) == 0 &&
	       bi->mod && bi->mod->ndeps == DEPS, "lazy file: module text of %zu bytes read whole", tl);
	sr_go_buildinfo_free(bi);
	sr_file_close(&f);
	unlink(path);
	free(bytes);
	free(text);
	free(framed);
}

int main(void)
{
	test_lazy_long_modinfo();
	test_inline();
	test_pointer(false, 8);
	test_pointer(false, 4);
	test_pointer(true, 8);
	test_pointer(true, 4);
	test_search();
	return sr_test_summary("gobuildinfo");
}
