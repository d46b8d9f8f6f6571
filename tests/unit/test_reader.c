/* Unit tests for the bounded reader (lib/util/reader.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "shipready/file.h"
#include "shipready/reader.h"

#include "harness.h"

static const uint8_t bytes8[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

static void test_has(void)
{
	struct sr_reader r;
	sr_reader_init(&r, bytes8, sizeof bytes8, false);
	static const struct { uint64_t off, n; bool want; } t[] = {
		{ 0, 0, true },  { 0, 8, true },  { 8, 0, true },  { 7, 1, true },
		{ 1, 7, true },  { 0, 9, false }, { 8, 1, false }, { 9, 0, false },
		{ 7, 2, false }, { 1, 8, false },
		/* values near UINT64_MAX must not wrap around into range */
		{ UINT64_MAX, 1, false }, { 1, UINT64_MAX, false },
		{ UINT64_MAX, UINT64_MAX, false }, { UINT64_MAX, 0, false },
		{ 0, UINT64_MAX, false }, { UINT64_MAX - 6, 8, false },
		{ 8, UINT64_MAX - 7, false }, { 4, UINT64_MAX - 3, false },
		{ (uint64_t)1 << 63, (uint64_t)1 << 63, false },
		{ (uint64_t)SIZE_MAX, 1, false }, { 1, (uint64_t)SIZE_MAX, false },
	};
	for (size_t i = 0; i < COUNT(t); i++)
		CHECKF(sr_reader_has(&r, t[i].off, t[i].n) == t[i].want,
		       "off=%#llx n=%#llx", (unsigned long long)t[i].off, (unsigned long long)t[i].n);

	/* empty and NULL readers */
	struct sr_reader z;
	sr_reader_init(&z, NULL, 100, false);
	CHECK_EQ_U(z.len, 0);
	CHECK(sr_reader_has(&z, 0, 0));
	CHECK(!sr_reader_has(&z, 0, 1));
	uint8_t b;
	CHECK(sr_read_u8(&z, 0, &b) != SR_OK);
}

static void test_ints(void)
{
	struct sr_reader le, be;
	sr_reader_init(&le, bytes8, sizeof bytes8, false);
	sr_reader_init(&be, bytes8, sizeof bytes8, true);

	uint8_t u8 = 0;
	CHECK(sr_read_u8(&le, 7, &u8) == SR_OK);
	CHECK_EQ_U(u8, 0x08);
	CHECK(sr_read_u8(&le, 8, &u8) == SR_E_RANGE);

	static const struct { uint64_t off; uint16_t le, be; } t16[] = {
		{ 0, 0x0201, 0x0102 }, { 6, 0x0807, 0x0708 }, { 3, 0x0504, 0x0405 },
	};
	for (size_t i = 0; i < COUNT(t16); i++) {
		uint16_t v = 0;
		CHECK(sr_read_u16(&le, t16[i].off, &v) == SR_OK);
		CHECK_EQ_U(v, t16[i].le);
		CHECK(sr_read_u16(&be, t16[i].off, &v) == SR_OK);
		CHECK_EQ_U(v, t16[i].be);
	}
	static const struct { uint64_t off; uint32_t le, be; } t32[] = {
		{ 0, 0x04030201u, 0x01020304u }, { 4, 0x08070605u, 0x05060708u },
		{ 1, 0x05040302u, 0x02030405u },
	};
	for (size_t i = 0; i < COUNT(t32); i++) {
		uint32_t v = 0;
		CHECK(sr_read_u32(&le, t32[i].off, &v) == SR_OK);
		CHECK_EQ_U(v, t32[i].le);
		CHECK(sr_read_u32(&be, t32[i].off, &v) == SR_OK);
		CHECK_EQ_U(v, t32[i].be);
	}
	uint64_t v64 = 0;
	CHECK(sr_read_u64(&le, 0, &v64) == SR_OK);
	CHECK_EQ_U(v64, 0x0807060504030201ull);
	CHECK(sr_read_u64(&be, 0, &v64) == SR_OK);
	CHECK_EQ_U(v64, 0x0102030405060708ull);

	/* high bit set: no sign extension */
	static const uint8_t ff[8] = { 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0x80 };
	struct sr_reader hi;
	sr_reader_init(&hi, ff, sizeof ff, false);
	CHECK(sr_read_u64(&hi, 0, &v64) == SR_OK);
	CHECK_EQ_U(v64, 0x80f9fafbfcfdfeffull);
	uint32_t u32 = 0;
	CHECK(sr_read_u32(&hi, 4, &u32) == SR_OK);
	CHECK_EQ_U(u32, 0x80f9fafbu);
	uint64_t w = 0;
	CHECK(sr_read_word(&hi, 4, 4, &w) == SR_OK);
	CHECK_EQ_U(w, 0x80f9fafbu);   /* widened without sign extension */

	/* out of range by one, and absurd offsets */
	static const struct { unsigned size; uint64_t off; } bad[] = {
		{ 2, 7 }, { 4, 5 }, { 8, 1 }, { 2, UINT64_MAX }, { 4, UINT64_MAX - 1 },
		{ 8, UINT64_MAX - 7 }, { 8, 8 },
	};
	for (size_t i = 0; i < COUNT(bad); i++) {
		uint16_t a;
		uint32_t b;
		uint64_t c;
		enum sr_err e = bad[i].size == 2 ? sr_read_u16(&le, bad[i].off, &a)
			      : bad[i].size == 4 ? sr_read_u32(&le, bad[i].off, &b)
						 : sr_read_u64(&le, bad[i].off, &c);
		CHECKF(e == SR_E_RANGE, "size %u off %#llx", bad[i].size, (unsigned long long)bad[i].off);
	}

	/* sr_read_word: 4 or 8 bytes by class, in the reader's byte order */
	static const struct { bool big; unsigned size; uint64_t off; enum sr_err err; uint64_t want; } tw[] = {
		{ false, 4, 0, SR_OK, 0x04030201u },
		{ true, 4, 0, SR_OK, 0x01020304u },
		{ false, 8, 0, SR_OK, 0x0807060504030201ull },
		{ true, 8, 0, SR_OK, 0x0102030405060708ull },
		{ false, 4, 4, SR_OK, 0x08070605u },
		{ false, 4, 5, SR_E_RANGE, 0 },
		{ false, 8, 1, SR_E_RANGE, 0 },
		{ false, 2, 0, SR_E_USAGE, 0 },
		{ false, 0, 0, SR_E_USAGE, 0 },
		{ false, 16, 0, SR_E_USAGE, 0 },
	};
	for (size_t i = 0; i < COUNT(tw); i++) {
		uint64_t got = 0xdeadbeef;
		enum sr_err e = sr_read_word(tw[i].big ? &be : &le, tw[i].off, tw[i].size, &got);
		CHECKF(e == tw[i].err, "word case %zu: err %d", i, (int)e);
		if (tw[i].err == SR_OK)
			CHECKF(got == tw[i].want, "word case %zu: %#llx", i, (unsigned long long)got);
	}
}

static void test_bytes_view(void)
{
	struct sr_reader r;
	sr_reader_init(&r, bytes8, sizeof bytes8, false);
	uint8_t dst[8];
	memset(dst, 0xee, sizeof dst);
	CHECK(sr_read_bytes(&r, 6, 2, dst) == SR_OK);
	CHECK(dst[0] == 7 && dst[1] == 8 && dst[2] == 0xee);
	CHECK(sr_read_bytes(&r, 7, 2, dst) == SR_E_RANGE);
	CHECK(sr_read_bytes(&r, 8, 0, dst) == SR_OK);
	CHECK(sr_read_bytes(&r, UINT64_MAX, 2, dst) == SR_E_RANGE);
	const uint8_t *p = NULL;
	CHECK(sr_read_view(&r, 2, 6, &p) == SR_OK);
	CHECK(p == bytes8 + 2);
	CHECK(sr_read_view(&r, 2, 7, &p) == SR_E_RANGE);
	CHECK(sr_read_view(&r, 1, UINT64_MAX, &p) == SR_E_RANGE);
}

static void test_sub(void)
{
	struct sr_reader r, s, s2;
	sr_reader_init(&r, bytes8, sizeof bytes8, true);
	CHECK(sr_reader_sub(&r, 2, 4, &s) == SR_OK);
	CHECK_EQ_U(s.len, 4);
	CHECK(s.big_endian);   /* inherits the byte order */
	uint16_t v = 0;
	CHECK(sr_read_u16(&s, 0, &v) == SR_OK);
	CHECK_EQ_U(v, 0x0304);
	CHECK(sr_read_u16(&s, 2, &v) == SR_OK);
	CHECK_EQ_U(v, 0x0506);
	CHECK(sr_read_u16(&s, 3, &v) == SR_E_RANGE);   /* may not see past its end */
	uint8_t b;
	CHECK(sr_read_u8(&s, 4, &b) == SR_E_RANGE);

	/* nested sub-readers are relative to their parent */
	CHECK(sr_reader_sub(&s, 1, 3, &s2) == SR_OK);
	CHECK(sr_read_u8(&s2, 0, &b) == SR_OK && b == 0x04);
	CHECK(sr_reader_sub(&s, 1, 4, &s2) == SR_E_RANGE);

	static const struct { uint64_t off, n; enum sr_err want; } t[] = {
		{ 0, 8, SR_OK }, { 8, 0, SR_OK }, { 0, 0, SR_OK }, { 0, 9, SR_E_RANGE },
		{ 9, 0, SR_E_RANGE }, { UINT64_MAX, 2, SR_E_RANGE }, { 2, UINT64_MAX, SR_E_RANGE },
		{ UINT64_MAX - 1, 2, SR_E_RANGE },
	};
	for (size_t i = 0; i < COUNT(t); i++)
		CHECKF(sr_reader_sub(&r, t[i].off, t[i].n, &s) == t[i].want, "sub case %zu", i);

	struct sr_reader le;
	sr_reader_init(&le, bytes8, sizeof bytes8, false);
	CHECK(sr_reader_sub(&le, 0, 8, &s) == SR_OK && !s.big_endian);
}

static void test_cstr(void)
{
	static const char data[] = "abc\0\0defgh";   /* 11 bytes: "abc" NUL NUL "defgh" NUL */
	struct sr_reader r;
	sr_reader_init(&r, data, sizeof data, false);
	struct sr_reader unterminated;
	sr_reader_init(&unterminated, data + 5, 5, false);   /* "defgh", no NUL */

	static const struct {
		int which; uint64_t off; size_t max; enum sr_err err; const char *want;
	} t[] = {
		{ 0, 0, 100, SR_OK, "abc" },
		{ 0, 1, 100, SR_OK, "bc" },
		{ 0, 3, 100, SR_OK, "" },          /* empty string */
		{ 0, 4, 0, SR_OK, "" },            /* max 0 still allows "" */
		{ 0, 5, 100, SR_OK, "defgh" },     /* last string, NUL is the last byte */
		{ 0, 0, 3, SR_OK, "abc" },         /* exactly max */
		{ 0, 0, 2, SR_E_TRUNCATED, NULL }, /* longer than max */
		{ 0, 5, 4, SR_E_TRUNCATED, NULL },
		{ 0, 10, 100, SR_OK, "" },         /* the final NUL */
		{ 0, 11, 100, SR_E_RANGE, NULL },  /* one past the end */
		{ 0, UINT64_MAX, 100, SR_E_RANGE, NULL },
		{ 1, 0, 100, SR_E_TRUNCATED, NULL },     /* unterminated */
		{ 1, 0, 5, SR_E_TRUNCATED, NULL },
		{ 1, 4, 100, SR_E_TRUNCATED, NULL },
		{ 1, 5, 100, SR_E_RANGE, NULL },
		{ 0, 0, SIZE_MAX - 1, SR_OK, "abc" },    /* huge max must not overflow */
		{ 0, 0, SIZE_MAX, SR_OK, "abc" },
	};
	for (size_t i = 0; i < COUNT(t); i++) {
		const char *s = NULL;
		size_t len = 12345;
		enum sr_err e = sr_read_cstr(t[i].which ? &unterminated : &r, t[i].off, t[i].max, &s, &len);
		CHECKF(e == t[i].err, "cstr case %zu: err %d, want %d", i, (int)e, (int)t[i].err);
		if (t[i].err == SR_OK && e == SR_OK) {
			CHECKF(s && strcmp(s, t[i].want) == 0, "cstr case %zu: \"%s\"", i, s ? s : "(null)");
			CHECKF(len == strlen(t[i].want), "cstr case %zu: len %zu", i, len);
		}
	}
	/* outlen may be NULL */
	const char *s = NULL;
	CHECK(sr_read_cstr(&r, 0, 10, &s, NULL) == SR_OK && s == data);
}

static void test_find(void)
{
	static const char hay[] = "xxGo buildinf:yyGo buildinf:";   /* 28 bytes + NUL */
	struct sr_reader r;
	sr_reader_init(&r, hay, sizeof hay - 1, false);
	static const struct {
		uint64_t off, n; const char *needle; size_t nlen; int64_t want;
	} t[] = {
		{ 0, 28, "Go buildinf:", 12, 2 },
		{ 2, 26, "Go buildinf:", 12, 2 },     /* absolute offsets */
		{ 3, 25, "Go buildinf:", 12, 16 },
		{ 16, 12, "Go buildinf:", 12, 16 },   /* exactly fits at the end */
		{ 16, 11, "Go buildinf:", 12, -1 },   /* window one short */
		{ 17, 11, "Go buildinf:", 12, -1 },
		{ 0, 28, "x", 1, 0 },
		{ 0, 28, ":", 1, 13 },
		{ 14, 14, ":", 1, 27 },
		{ 0, 28, "zz", 2, -1 },
		{ 0, 28, "", 0, -1 },                  /* empty needle */
		{ 0, 0, "x", 1, -1 },                  /* empty window */
		{ 0, 29, "x", 1, -1 },                 /* window past the end */
		{ UINT64_MAX, 2, "x", 1, -1 },
		{ 1, UINT64_MAX, "x", 1, -1 },
		{ 0, 2, "xxG", 3, -1 },                /* needle longer than window */
		{ 0, 28, "yyGo", 4, 14 },
		{ 0, 28, "xGo", 3, 1 },                /* partial match first */
	};
	for (size_t i = 0; i < COUNT(t); i++) {
		int64_t got = sr_reader_find(&r, t[i].off, t[i].n, t[i].needle, t[i].nlen);
		CHECKF(got == t[i].want, "find case %zu: got %lld want %lld", i, (long long)got,
		       (long long)t[i].want);
	}
}

static void test_find_byte_match(void)
{
	static const char hay[] = "ab/etc/hosts\0/x";   /* 15 bytes + NUL */
	struct sr_reader r;
	sr_reader_init(&r, hay, sizeof hay - 1, false);
	static const struct { uint64_t off, n; uint8_t b; int64_t want; } f[] = {
		{ 0, 15, '/', 2 },  { 3, 12, '/', 6 },  { 7, 8, '/', 13 },  { 14, 1, '/', -1 },
		{ 13, 1, '/', 13 }, { 0, 15, 0, 12 },   { 0, 0, 'a', -1 },  { 0, 16, 'a', -1 },
		{ UINT64_MAX, 1, 'a', -1 }, { 1, UINT64_MAX, 'a', -1 },
	};
	for (size_t i = 0; i < COUNT(f); i++) {
		int64_t got = sr_reader_find_byte(&r, f[i].off, f[i].n, f[i].b);
		CHECKF(got == f[i].want, "find_byte case %zu: got %lld want %lld", i, (long long)got,
		       (long long)f[i].want);
	}
	static const struct { uint64_t off; const char *s; size_t n; bool want; } m[] = {
		{ 2, "/etc/hosts", 10, true }, { 2, "/etc/hosts\0", 11, true }, { 2, "/etc/host.conf", 14, false },
		{ 13, "/x", 2, true },  { 13, "/xy", 3, false },  { 15, "", 0, true },  { 16, "", 0, false },
		{ UINT64_MAX, "a", 1, false },
	};
	for (size_t i = 0; i < COUNT(m); i++)
		CHECKF(sr_reader_match(&r, m[i].off, m[i].s, m[i].n) == m[i].want, "match case %zu", i);
}

/* This process's resident file pages, in KiB (/proc/self/status RssFile), or -1. */
static long rss_file_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "RssFile:", 8) == 0)
			v = strtol(line + 8, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* sr_reader_drop_pages: a reader over a file mapping keeps its bytes (they
 * are read again), sub-readers of it may drop too, and a reader over our
 * own memory is never touched (dropping its pages would zero them). */
static void test_drop_pages(void)
{
	size_t n = (size_t)1 << 20;   /* past SR_FILE_SMALL: mapped */
	unsigned char *want = malloc(n);
	CHECK(want != NULL);
	if (!want)
		return;
	for (size_t i = 0; i < n; i++)
		want[i] = (unsigned char)(i * 131 + 7);
	char path[] = "/tmp/shipready-test-reader-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, want, n) == (ssize_t)n);
	if (fd >= 0)
		close(fd);
	struct sr_file f;
	struct sr_error err = { 0 };
	CHECK(sr_file_open(path, &f, &err) == SR_OK);
	CHECK(f.r.mapped);
	struct sr_reader sub;
	CHECK(sr_reader_sub(&f.r, 4096 + 5, 300000, &sub) == SR_OK && sub.mapped);
	CHECK(memcmp(sr_reader_at(&f.r, 0, n), want, n) == 0);   /* all resident */
	long before = rss_file_kib();
	sr_reader_drop_pages(&sub);
	sr_reader_drop_pages(&f.r);
	long after = rss_file_kib();
	CHECKF(before < 0 || after + 768 <= before, "1 MiB of file pages let go: RssFile %ld kB -> %ld kB", before,
	       after);
	CHECK(memcmp(sr_reader_at(&f.r, 0, n), want, n) == 0);   /* read again, the same */
	sr_file_close(&f);
	unlink(path);

	struct sr_reader mem;
	unsigned char *own = malloc(n);
	CHECK(own != NULL);
	if (own) {
		memcpy(own, want, n);
		sr_reader_init(&mem, own, n, false);
		CHECK(!mem.mapped);
		CHECK(sr_reader_sub(&mem, 8192, 8192, &sub) == SR_OK && !sub.mapped);
		sr_reader_drop_pages(&mem);
		CHECK(memcmp(own, want, n) == 0);
		free(own);
	}
	free(want);
}

int main(void)
{
	test_has();
	test_ints();
	test_bytes_view();
	test_sub();
	test_cstr();
	test_find();
	test_find_byte_match();
	test_drop_pages();
	return sr_test_summary("test_reader");
}
