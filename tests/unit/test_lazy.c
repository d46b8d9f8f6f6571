/* Unit tests for lazily read files (SR_FILE_LAZY, lib/util/file.c): every
 * reader function gives through a lazy reader what it gives through a reader
 * holding the whole file, for head sizes that put the boundary everywhere;
 * large and many requests fall back to mapping the file; views stay valid
 * while pieces are added; a file cut short after the open gives range
 * errors, not crashes.  A file with no descriptor of its own (a layer's, read
 * through a callback) gives the same bytes read whole, lazily, copied to a
 * scratch file in TMPDIR when large, or into memory when TMPDIR is nowhere.
 * Then the loader model's ELF parse
 * (SR_ELF_LOADER_ONLY) through a lazy reader equals the parse through a
 * whole-file reader for the machine's own ELF files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shipready/elf.h"
#include "shipready/file.h"
#include "shipready/reader.h"

#include "harness.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717u;
}

/* A temporary file of n pattern bytes (one in 61 a NUL, for strings). */
static int make_file(char *path, size_t pathsz, size_t n, uint8_t **bytes)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, pathsz, "%s/shipready-lazy.XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	uint8_t *b = malloc(n);
	for (size_t i = 0; b && i < n; i++)
		b[i] = i % 61 == 60 ? 0 : (uint8_t)(1 + (i * 2654435761u >> 13) % 255);
	if (!b || write(fd, b, n) != (ssize_t)n) {
		free(b);
		close(fd);
		unlink(path);
		return -1;
	}
	*bytes = b;
	return fd;
}

/* make_file, closed: false (and a failed check) if it could not be made */
static bool made_file(char *path, size_t pathsz, size_t n, uint8_t **bytes)
{
	int fd = make_file(path, pathsz, n, bytes);
	CHECK(fd >= 0);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool lazy_open(const char *path, size_t head, struct sr_file *f)
{
	struct sr_error err = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd >= 0 && sr_file_lazy_fd(fd, head, f, &err) == SR_OK;
}

/* Random and boundary requests: the lazy reader answers as the whole one. */
static void compare_readers(const struct sr_reader *whole, const struct sr_reader *lazy, size_t head)
{
	size_t len = whole->len;
	CHECK_EQ_U(lazy->len, len);
	uint64_t offs[64];
	size_t no = 0;
	/* around the head's end and page boundaries */
	static const int64_t near[] = { -9, -8, -4, -2, -1, 0, 1, 3 };
	const uint64_t marks[] = { head, 4096, 8192, 12288, len / 2, len };
	for (size_t m = 0; m < COUNT(marks); m++)
		for (size_t k = 0; k < COUNT(near) && no < COUNT(offs); k++)
			if ((int64_t)marks[m] + near[k] >= 0)
				offs[no++] = (uint64_t)((int64_t)marks[m] + near[k]);
	for (unsigned i = 0; i < 4000; i++) {
		uint64_t off = i < no ? offs[i] : rnd() % (len + 16);
		uint64_t n = rnd() % 6 == 0 ? rnd() % 20000 : rnd() % 9;
		struct sr_reader w = *whole, l = *lazy;
		w.big_endian = l.big_endian = rnd() & 1;
		uint64_t a = 0, b = 0;
		uint32_t a32 = 0, b32 = 0;
		uint16_t a16 = 0, b16 = 0;
		uint8_t a8 = 0, b8 = 0;
		CHECKF(sr_read_u64(&w, off, &a) == sr_read_u64(&l, off, &b) && a == b, "u64 at %llu", (unsigned long long)off);
		CHECKF(sr_read_u32(&w, off, &a32) == sr_read_u32(&l, off, &b32) && a32 == b32, "u32 at %llu",
		       (unsigned long long)off);
		CHECKF(sr_read_u16(&w, off, &a16) == sr_read_u16(&l, off, &b16) && a16 == b16, "u16 at %llu",
		       (unsigned long long)off);
		CHECKF(sr_read_u8(&w, off, &a8) == sr_read_u8(&l, off, &b8) && a8 == b8, "u8 at %llu", (unsigned long long)off);

		const uint8_t *vw = NULL, *vl = NULL;
		enum sr_err ew = sr_read_view(&w, off, n, &vw), el = sr_read_view(&l, off, n, &vl);
		CHECKF(ew == el && (ew != SR_OK || n == 0 || memcmp(vw, vl, n) == 0), "view %llu+%llu",
		       (unsigned long long)off, (unsigned long long)n);

		const char *sw = NULL, *sl = NULL;
		size_t nw = 0, nl = 0;
		size_t max = rnd() % 3 == 0 ? SIZE_MAX : (size_t)(rnd() % 100);
		ew = sr_read_cstr(&w, off, max, &sw, &nw);
		el = sr_read_cstr(&l, off, max, &sl, &nl);
		CHECKF(ew == el && (ew != SR_OK || (nw == nl && memcmp(sw, sl, nw + 1) == 0)), "cstr at %llu max %zu",
		       (unsigned long long)off, max);

		struct sr_reader subw, subl;
		ew = sr_reader_sub(&w, off, n, &subw);
		el = sr_reader_sub(&l, off, n, &subl);
		CHECKF(ew == el && (ew != SR_OK || subl.len == n), "sub %llu+%llu", (unsigned long long)off,
		       (unsigned long long)n);
		if (ew == SR_OK && el == SR_OK) {
			/* small: all at hand; large: lazy too, and read through */
			CHECKF(n > 2 * head || (subl.avail == n && !subl.lazy), "sub %llu+%llu at hand",
			       (unsigned long long)off, (unsigned long long)n);
			uint8_t *got = malloc(n ? n : 1);
			CHECKF(got && sr_read_bytes(&subl, 0, n, got) == SR_OK && (n == 0 || memcmp(got, subw.base, n) == 0),
			       "sub %llu+%llu bytes", (unsigned long long)off, (unsigned long long)n);
			free(got);
			/* a sub of the sub: the same bytes as the whole reader's */
			uint64_t o2 = n ? rnd() % n : 0, n2 = n - o2 ? rnd() % (n - o2 + 1) : 0;
			struct sr_reader s2w, s2l;
			const char *sw2, *sl2;
			CHECKF(sr_reader_sub(&subw, o2, n2, &s2w) == SR_OK && sr_reader_sub(&subl, o2, n2, &s2l) == SR_OK &&
			       sr_read_u16(&s2w, 0, &a16) == sr_read_u16(&s2l, 0, &b16) && a16 == b16 &&
			       sr_read_cstr(&s2w, 1, 50, &sw2, &nw) == sr_read_cstr(&s2l, 1, 50, &sl2, &nl),
			       "sub %llu+%llu of sub %llu+%llu", (unsigned long long)o2, (unsigned long long)n2,
			       (unsigned long long)off, (unsigned long long)n);
		}

		uint8_t needle[3] = { 0 };
		if (sr_read_bytes(&w, (off + 7) % (len ? len : 1), 3, needle) != SR_OK)
			memcpy(needle, "ab", 3);
		CHECKF(sr_reader_find(&w, off, n, needle, 1 + i % 3) == sr_reader_find(&l, off, n, needle, 1 + i % 3),
		       "find %llu+%llu", (unsigned long long)off, (unsigned long long)n);
		CHECKF(sr_reader_find_byte(&w, off, n, 0) == sr_reader_find_byte(&l, off, n, 0), "find_byte %llu+%llu",
		       (unsigned long long)off, (unsigned long long)n);
		CHECKF(sr_reader_match(&w, off, needle, 1 + i % 3) == sr_reader_match(&l, off, needle, 1 + i % 3),
		       "match at %llu", (unsigned long long)off);
		uint8_t cw[64], cl[64];
		uint64_t k = n % 64;
		ew = sr_read_bytes(&w, off, k, cw);
		el = sr_read_bytes(&l, off, k, cl);
		CHECKF(ew == el && (ew != SR_OK || memcmp(cw, cl, k) == 0), "bytes %llu+%llu", (unsigned long long)off,
		       (unsigned long long)k);
	}
}

static void test_equal_to_whole(void)
{
	char path[4096];
	uint8_t *bytes = NULL;
	const size_t len = 300 * 1024 + 123;
	if (!made_file(path, sizeof path, len, &bytes))
		return;
	struct sr_reader whole;
	sr_reader_init(&whole, bytes, len, false);
	/* 60 and 4147: a NUL (every 61st byte) is the first byte past the head */
	static const size_t heads[] = { 1, 7, 60, 64, 4095, 4096, 4147, 8192, 65536, 300 * 1024 + 123, 1 << 20 };
	for (size_t h = 0; h < COUNT(heads); h++) {
		struct sr_file f;
		bool ok = lazy_open(path, heads[h], &f);
		CHECKF(ok, "lazy open, head %zu", heads[h]);
		if (!ok)
			continue;
		CHECK_EQ_U(f.r.avail, heads[h] < len ? heads[h] : len);
		compare_readers(&whole, &f.r, heads[h]);
		sr_file_close(&f);
	}
	unlink(path);
	free(bytes);
}

/* A large request maps the file; so do pieces past the total; views taken
 * before stay valid and unchanged. */
static void test_map_fallback(void)
{
	char path[4096];
	uint8_t *bytes = NULL;
	const size_t len = 3u << 20;
	if (!made_file(path, sizeof path, len, &bytes))
		return;
	struct sr_file f;
	CHECK(lazy_open(path, 4096, &f));
	const uint8_t *early = NULL;
	CHECK(sr_read_view(&f.r, 10000, 100, &early) == SR_OK);
	/* 4 KiB pieces, 64 KiB apart: past the total after about 256 */
	for (uint64_t off = 65536; off + 4096 < len; off += 65536) {
		const uint8_t *v = NULL;
		CHECKF(sr_read_view(&f.r, off, 4096, &v) == SR_OK && memcmp(v, bytes + off, 4096) == 0, "piece at %llu",
		       (unsigned long long)off);
	}
	CHECK(early && memcmp(early, bytes + 10000, 100) == 0);
	struct sr_reader big;
	const uint8_t *bv = NULL;
	CHECK(sr_reader_sub(&f.r, 5, len - 10, &big) == SR_OK && big.len == len - 10 &&
	      sr_read_view(&big, 0, len - 10, &bv) == SR_OK && memcmp(bv, bytes + 5, len - 10) == 0);
	sr_file_close(&f);

	/* one request over the piece limit maps at once */
	CHECK(lazy_open(path, 4096, &f));
	struct sr_reader sub;
	const uint8_t *sv = NULL;
	CHECK(sr_reader_sub(&f.r, 100000, 600000, &sub) == SR_OK && sr_read_view(&sub, 0, 600000, &sv) == SR_OK &&
	      memcmp(sv, bytes + 100000, 600000) == 0);
	CHECK(early && sr_read_view(&f.r, 10000, 100, &early) == SR_OK && memcmp(early, bytes + 10000, 100) == 0);
	sr_file_close(&f);
	unlink(path);
	free(bytes);
}

/* The file is cut short after the open: what is gone is a range error. */
static void test_cut_short(void)
{
	char path[4096];
	uint8_t *bytes = NULL;
	const size_t len = 2u << 20;
	int fd = make_file(path, sizeof path, len, &bytes);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	struct sr_file f;
	CHECK(lazy_open(path, 4096, &f));
	CHECK(ftruncate(fd, 10000) == 0);
	uint32_t v = 0;
	CHECK(sr_read_u32(&f.r, 100, &v) == SR_OK);                  /* in the head */
	CHECK(sr_read_u32(&f.r, 6000, &v) == SR_OK && v == ((uint32_t)bytes[6003] << 24 | (uint32_t)bytes[6002] << 16 |
	                                                    (uint32_t)bytes[6001] << 8 | bytes[6000]));
	CHECK(sr_read_u32(&f.r, 500000, &v) == SR_E_RANGE);          /* gone: a piece */
	struct sr_reader sub;   /* a large sub-reader is lazy: reading it finds the bytes gone */
	CHECK(sr_reader_sub(&f.r, 20000, len - 30000, &sub) != SR_OK || sr_read_u32(&sub, 700000, &v) == SR_E_RANGE);
	CHECK(sr_reader_sub(&f.r, 20000, len - 30000, &sub) != SR_OK ||
	      sr_read_view(&sub, 0, len - 30000, &(const uint8_t *){ NULL }) == SR_E_RANGE);   /* gone: the map */
	const char *s;
	CHECK(sr_read_cstr(&f.r, 1500000, SIZE_MAX, &s, NULL) == SR_E_RANGE);
	sr_file_close(&f);
	close(fd);
	unlink(path);
	free(bytes);
}

/* ---------- the loader model's parse, lazily and whole ---------- */

static bool same_list(const struct sr_strlist *a, const struct sr_strlist *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (strcmp(a->items[i], b->items[i]) != 0)
			return false;
	return true;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_elf(const struct sr_elf *a, const struct sr_elf *b)
{
	if (a->kind != b->kind || a->linkage != b->linkage || a->machine != b->machine || a->flags != b->flags ||
	    !same_str(a->interpreter, b->interpreter) || !same_str(a->soname, b->soname) ||
	    !same_list(&a->needed, &b->needed) || !same_list(&a->rpath, &b->rpath) ||
	    !same_list(&a->runpath, &b->runpath) || !same_list(&a->warnings, &b->warnings) ||
	    a->has_flags_1 != b->has_flags_1 || a->dt_flags_1 != b->dt_flags_1 ||
	    a->verneed_count != b->verneed_count || a->verdef_count != b->verdef_count)
		return false;
	for (size_t i = 0; i < a->verneed_count; i++) {
		const struct sr_verneed *x = &a->verneed[i], *y = &b->verneed[i];
		if (strcmp(x->file, y->file) != 0 || x->count != y->count)
			return false;
		for (size_t j = 0; j < x->count; j++)
			if (strcmp(x->vers[j].name, y->vers[j].name) != 0 || x->vers[j].flags != y->vers[j].flags ||
			    x->vers[j].hash != y->vers[j].hash || x->vers[j].index != y->vers[j].index)
				return false;
	}
	for (size_t i = 0; i < a->verdef_count; i++) {
		const struct sr_verdef *x = &a->verdef[i], *y = &b->verdef[i];
		if (!same_str(x->name, y->name) || x->flags != y->flags || x->index != y->index ||
		    !same_list(&x->parents, &y->parents))
			return false;
	}
	return true;
}

static unsigned elf_files, elf_parsed;

static void compare_parse(const char *path)
{
	struct sr_error e1 = { 0 }, e2 = { 0 };
	struct sr_file whole, lazy;
	if (sr_file_open(path, &whole, &e1) != SR_OK)
		return;
	if (!sr_elf_is_elf(&whole.r)) {
		sr_file_close(&whole);
		return;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	/* heads: the real one, and a small one that makes every table a piece */
	static const size_t heads[] = { SR_FILE_LAZY_HEAD, 64 };
	for (size_t h = 0; fd >= 0 && h < COUNT(heads); h++) {
		int dfd = dup(fd);
		if (dfd < 0 || sr_file_lazy_fd(dfd, heads[h], &lazy, &e2) != SR_OK)
			continue;
		struct sr_elf *a = NULL, *b = NULL;
		enum sr_err ra = sr_elf_parse_ex(&whole.r, SR_ELF_LOADER_ONLY, &a, &e1);
		enum sr_err rb = sr_elf_parse_ex(&lazy.r, SR_ELF_LOADER_ONLY, &b, &e2);
		elf_files += h == 0;
		elf_parsed += h == 0 && ra == SR_OK;
		CHECKF(ra == rb && (ra != SR_OK || same_elf(a, b)) &&
		       (ra == SR_OK || strcmp(sr_error_message(&e1), sr_error_message(&e2)) == 0),
		       "%s (head %zu): the lazy parse differs", path, heads[h]);
		sr_elf_free(a);
		sr_elf_free(b);
		sr_file_close(&lazy);
	}
	if (fd >= 0)
		close(fd);
	sr_file_close(&whole);
}

static void walk(const char *dir, int depth, unsigned *budget)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL && *budget > 0) {
		if (de->d_name[0] == '.')
			continue;
		char p[4096];
		if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, de->d_name) >= sizeof p)
			continue;
		struct stat st;
		if (lstat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth > 0)
			walk(p, depth - 1, budget);
		else if (S_ISREG(st.st_mode) && st.st_size >= 64) {
			compare_parse(p);
			(*budget)--;
		}
	}
	closedir(d);
}

static void test_machine_elf_files(void)
{
	unsigned budget = 6000;
	static const char *const dirs[] = { "/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu", "/usr/lib",
	                                    "/usr/libexec" };
	for (size_t i = 0; i < COUNT(dirs); i++)
		walk(dirs[i], 2, &budget);
	printf("loader parse, lazy vs whole: %u ELF files, %u parsed\n", elf_files, elf_parsed);
	CHECK(elf_parsed >= 50);
}

/* ---- sources without a descriptor (sr_file_open_source, fd < 0) ---- */

struct mem_source {
	const uint8_t *bytes;
	size_t n;
	unsigned calls;
};

static long mem_read_at(void *ctx, uint32_t src, uint64_t off, uint64_t at, void *buf, size_t n)
{
	(void)src;
	(void)off;
	struct mem_source *m = ctx;
	m->calls++;
	if (at >= m->n)
		return 0;
	size_t k = n < m->n - at ? n : (size_t)(m->n - at);
	memcpy(buf, m->bytes + at, k);
	return (long)k;
}

/* Every byte of f equals bytes, read at offsets spread over the file and
 * in runs large enough to make a lazy reader give up on pieces. */
static bool source_reads_back(struct sr_file *f, const uint8_t *bytes, size_t n)
{
	for (size_t at = 0; at < n; at += 1 + rnd() % (n / 64)) {
		size_t len = 1 + rnd() % (300u << 10);
		if (len > n - at)
			len = n - at;
		const uint8_t *p = NULL;
		if (sr_read_view(&f->r, at, len, &p) != SR_OK || memcmp(p, bytes + at, len) != 0)
			return false;
	}
	return true;
}

static void test_source_without_fd(void)
{
	size_t n = (size_t)SR_FILE_SPOOL_MIN * 3 + 12345;
	uint8_t *bytes = malloc(n);
	CHECK(bytes != NULL);
	if (!bytes)
		return;
	for (size_t i = 0; i < n; i++)
		bytes[i] = (uint8_t)(rnd() >> 56);
	struct mem_source m = { bytes, n, 0 };
	struct sr_file_source src = { .size = n, .fd = -1, .read_at = mem_read_at, .ctx = &m };
	const char *saved = getenv("TMPDIR");
	char *keep = saved ? strdup(saved) : NULL;
	for (int nowhere = 0; nowhere < 2; nowhere++) {
		if (nowhere)
			setenv("TMPDIR", "/nonexistent/shipready-no-tmp", 1);
		for (int lazy = 0; lazy < 2; lazy++) {
			struct sr_file f;
			struct sr_error err = { 0 };
			CHECKF(sr_file_open_source(&src, lazy ? SR_FILE_LAZY : 0, &f, &err) == SR_OK, "open (lazy %d, tmp %s): %s",
			       lazy, nowhere ? "nowhere" : "there", sr_error_message(&err));
			CHECKF(source_reads_back(&f, bytes, n), "bytes (lazy %d, tmp %s)", lazy, nowhere ? "nowhere" : "there");
			/* with a TMPDIR the whole file is a mapping (spooled), without one a buffer */
			bool mapped = f.map != NULL || (f.lazy && f.r.mapped);
			if (!lazy)
				CHECKF(mapped == !nowhere && (f.buf != NULL) == (bool)nowhere, "read whole: spooled %d, tmp %s",
				       mapped, nowhere ? "nowhere" : "there");
			sr_file_close(&f);
		}
	}
	if (keep)
		setenv("TMPDIR", keep, 1);
	else
		unsetenv("TMPDIR");
	free(keep);
	free(bytes);
}

int main(void)
{
	test_equal_to_whole();
	test_map_fallback();
	test_cut_short();
	test_source_without_fd();
	test_machine_elf_files();
	return sr_test_summary("test_lazy");
}
