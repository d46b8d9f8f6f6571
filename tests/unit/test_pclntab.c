/* Unit tests for the pclntab reader (lib/go/pclntab.c):
 *  - tables built here for the four layouts (1.2, 1.16, 1.18, 1.20 with a
 *    zero text start as Go 1.26 writes it) × little/big endian × 4/8-byte
 *    pointers, read through readers of either byte order: header fields and
 *    every function name;
 *  - every truncation, out-of-range offsets, negative name offsets,
 *    unterminated names, huge nfunc, bad header bytes: errors, never reads
 *    outside the reader (the sanitised replay of fuzz/corpus/pclntab covers
 *    the rest);
 *  - sr_go_pclntab_find on hand-made images: by section, by scanning
 *    segments past decoys, and nothing found;
 *  - sr_go_pclntab_packages and the symbol → package table;
 *  - sr_go_linked: the table is walked on the first ask, not by
 *    sr_go_read, and once. */
#define _GNU_SOURCE   /* memmem */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "go/go_internal.h"

#include "harness.h"

/* ---------- building tables ---------- */

struct buf {
	uint8_t d[8192];
	size_t len;
	bool be;
};

static void put(struct buf *b, size_t off, uint64_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned shift = b->be ? 8 * (size - 1 - i) : 8 * i;
		b->d[off + i] = (uint8_t)(v >> shift);
	}
	if (off + size > b->len)
		b->len = off + size;
}

static size_t align(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static const uint32_t magics[] = { 0, 0xfffffffb, 0xfffffffa, 0xfffffff0, 0xfffffff1 };

/* Offsets of interest in a built table. */
struct built {
	size_t functab;      /* start of the function table */
	size_t functab_end;  /* end of the function table (incl. the end entry) */
	size_t records;      /* first func record */
	size_t names;        /* first name */
	size_t nameoff_at;   /* where function 0's name offset is stored */
};

/* A table of layout `lay` holding the n names, pcs 0x1000, 0x1010, … */
static struct built build(struct buf *b, enum sr_go_pcln lay, bool be, unsigned ptr, const char *const *names,
                          size_t n)
{
	memset(b, 0, sizeof *b);
	b->be = be;
	struct built o = {0};
	put(b, 0, magics[lay], 4);
	b->d[6] = 1;
	b->d[7] = (uint8_t)ptr;
	unsigned field = lay >= SR_GO_PCLN_118 ? 4 : ptr;
	unsigned entry = lay >= SR_GO_PCLN_118 ? 4 : ptr;
	size_t nwords = lay == SR_GO_PCLN_12 ? 1 : lay == SR_GO_PCLN_116 ? 7 : 8;
	size_t hdr = 8 + nwords * ptr;
	put(b, 8, n, ptr);
	size_t nametab, namelen = 0;
	for (size_t i = 0; i < n; i++)
		namelen += strlen(names[i]) + 1;
	size_t funcdata;
	if (lay == SR_GO_PCLN_12) {
		o.functab = hdr;
		o.functab_end = hdr + (2 * n + 1) * field;
		funcdata = 0;
		o.records = align(o.functab_end + 4, 8);   /* + the filetab offset */
		nametab = 0;
		o.names = o.records + n * 16;
	} else {
		nametab = hdr;
		o.names = hdr;
		o.functab = align(nametab + namelen, 8);
		o.functab_end = o.functab + (2 * n + 1) * field;
		funcdata = o.functab;
		o.records = align(o.functab_end, 8);
		put(b, 8 + ptr, 1, ptr);                     /* nfiles */
		if (lay >= SR_GO_PCLN_118)
			put(b, 8 + 2 * ptr, lay == SR_GO_PCLN_120 ? 0 : 0x401000, ptr);   /* text start */
		unsigned w = lay == SR_GO_PCLN_116 ? 2 : 3;
		put(b, 8 + w * ptr, nametab, ptr);
		for (unsigned k = w + 1; k < nwords - 1; k++)   /* cutab, filetab, pctab: unused here */
			put(b, 8 + k * ptr, nametab, ptr);
		put(b, 8 + (nwords - 1) * ptr, o.functab, ptr);
	}
	size_t np = o.names;
	for (size_t i = 0; i < n; i++) {
		size_t rec = o.records + i * 16;
		uint64_t pc = 0x1000 + 0x10 * i;
		put(b, o.functab + 2 * i * field, pc, field);
		put(b, o.functab + (2 * i + 1) * field, rec - funcdata, field);
		put(b, rec, pc, entry);
		put(b, rec + entry, np - nametab, 4);
		if (i == 0)
			o.nameoff_at = rec + entry;
		size_t l = strlen(names[i]) + 1;
		memcpy(b->d + np, names[i], l);
		if (np + l > b->len)
			b->len = np + l;
		np += l;
	}
	put(b, o.functab + 2 * n * field, 0x1000 + 0x10 * n, field);   /* end pc */
	if (lay == SR_GO_PCLN_12)
		put(b, o.functab_end, 0, 4);
	if (b->len < o.records + n * 16)
		b->len = o.records + n * 16;
	return o;
}

static const char *const names3[] = { "runtime.main", "net/http.(*Client).Do", "gopkg.in/yaml%2ev3.Marshal" };

static const char *lay_name(enum sr_go_pcln l)
{
	return sr_go_pcln_name(l);
}

/* ---------- tests ---------- */

static void test_layouts(void)
{
	static const char *const names[] = {
		"internal/abi.(*RegArgs).Dump", "runtime.main", "main.main", "go:buildid",
		"example.com/x.F[...]", "type:.eq.[2]string",
	};
	for (int lay = SR_GO_PCLN_12; lay <= SR_GO_PCLN_120; lay++)
		for (int be = 0; be < 2; be++)
			for (unsigned ptr = 4; ptr <= 8; ptr += 4)
				for (int rbe = 0; rbe < 2; rbe++) {
					struct buf b;
					build(&b, (enum sr_go_pcln)lay, be, ptr, names, COUNT(names));
					struct sr_reader r;
					sr_reader_init(&r, b.d, b.len, rbe);   /* the reader's own order is ignored */
					struct sr_go_pclntab p;
					struct sr_error err = {0};
					enum sr_err rc = sr_go_pclntab_parse(&r, &p, &err);
					CHECKF(rc == SR_OK, "%s be=%d ptr=%u: %s", lay_name((enum sr_go_pcln)lay), be, ptr,
					       sr_error_message(&err));
					if (rc != SR_OK)
						continue;
					CHECK_EQ_U(p.layout, lay);
					CHECK_EQ_U(p.ptr_size, ptr);
					CHECK_EQ_U(p.quantum, 1);
					CHECK_EQ_U(p.nfunc, COUNT(names));
					CHECK_EQ_U(p.tab.big_endian, be);
					CHECK_EQ_U(p.functab_entsize, lay >= SR_GO_PCLN_118 ? 8 : 2 * ptr);
					for (size_t i = 0; i < COUNT(names); i++) {
						const char *s = NULL;
						size_t len = 0;
						rc = sr_go_pclntab_func_name(&p, i, &s, &len);
						CHECKF(rc == SR_OK && len == strlen(names[i]) && memcmp(s, names[i], len) == 0,
						       "%s be=%d ptr=%u func %zu: rc %d", lay_name((enum sr_go_pcln)lay), be, ptr, i,
						       (int)rc);
					}
					const char *s;
					size_t len;
					CHECK(sr_go_pclntab_func_name(&p, COUNT(names), &s, &len) != SR_OK);
					CHECK(sr_go_pclntab_func_name(&p, UINT64_MAX, &s, &len) != SR_OK);
				}
}

static void test_names(void)
{
	CHECK(strcmp(sr_go_pcln_name(SR_GO_PCLN_12), "1.2") == 0);
	CHECK(strcmp(sr_go_pcln_name(SR_GO_PCLN_116), "1.16") == 0);
	CHECK(strcmp(sr_go_pcln_name(SR_GO_PCLN_118), "1.18") == 0);
	CHECK(strcmp(sr_go_pcln_name(SR_GO_PCLN_120), "1.20") == 0);
	CHECK(sr_go_pcln_name(SR_GO_PCLN_NONE) == NULL);
	CHECK(sr_go_pcln_name((enum sr_go_pcln)99) == NULL);
}

static enum sr_err parse_buf(const struct buf *b, size_t len, struct sr_go_pclntab *p)
{
	struct sr_reader r;
	sr_reader_init(&r, b->d, len, false);
	return sr_go_pclntab_parse(&r, p, NULL);
}

/* Every prefix: the header and function table must fit or parse fails; a
 * table that parses never yields a name from outside the prefix. */
static void test_truncation(void)
{
	for (int lay = SR_GO_PCLN_12; lay <= SR_GO_PCLN_120; lay++)
		for (unsigned ptr = 4; ptr <= 8; ptr += 4) {
			struct buf b;
			struct built o = build(&b, (enum sr_go_pcln)lay, lay % 2, ptr, names3, COUNT(names3));
			unsigned bad = 0, bad_names = 0;
			for (size_t len = 0; len < b.len; len++) {
				struct sr_go_pclntab p;
				enum sr_err rc = parse_buf(&b, len, &p);
				if (len < o.functab_end && rc == SR_OK)
					bad++;
				if (rc != SR_OK)
					continue;
				for (size_t i = 0; i < p.nfunc; i++) {
					const char *s;
					size_t n;
					if (sr_go_pclntab_func_name(&p, i, &s, &n) == SR_OK &&
					    ((const uint8_t *)s < b.d || (const uint8_t *)s + n >= b.d + len))
						bad_names++;
				}
			}
			CHECKF(bad == 0, "%s ptr=%u: %u short prefixes parsed", lay_name((enum sr_go_pcln)lay), ptr, bad);
			CHECKF(bad_names == 0, "%s ptr=%u: %u names outside the prefix", lay_name((enum sr_go_pcln)lay), ptr,
			       bad_names);
			/* 1.2 keeps the names last: the last one cut short is an error */
			struct sr_go_pclntab p;
			if (lay == SR_GO_PCLN_12) {
				const char *s;
				size_t n;
				CHECK(parse_buf(&b, b.len - 1, &p) == SR_OK);
				CHECK(sr_go_pclntab_func_name(&p, 2, &s, &n) == SR_E_TRUNCATED);
				CHECK(sr_go_pclntab_func_name(&p, 1, &s, &n) == SR_OK);
			}
		}
}

static void test_damage(void)
{
	for (int lay = SR_GO_PCLN_12; lay <= SR_GO_PCLN_120; lay++)
		for (unsigned ptr = 4; ptr <= 8; ptr += 4) {
			const char *ln = lay_name((enum sr_go_pcln)lay);
			struct buf b0, b;
			struct built o = build(&b0, (enum sr_go_pcln)lay, false, ptr, names3, COUNT(names3));
			struct sr_go_pclntab p;
			const char *s;
			size_t n;

			/* huge nfunc */
			static const uint64_t huge[] = { 4, 0xffffffffu, UINT64_MAX, UINT64_MAX / 2 + 1 };
			for (size_t k = 0; k < COUNT(huge); k++) {
				b = b0;
				put(&b, 8, huge[k], ptr);
				enum sr_err rc = parse_buf(&b, b.len, &p);
				uint64_t stored = ptr == 4 ? (uint32_t)huge[k] : huge[k];
				bool fits = stored < (b.len - o.functab) / (lay >= SR_GO_PCLN_118 ? 8 : 2 * ptr);
				CHECKF(fits ? rc == SR_OK : rc == SR_E_TRUNCATED, "%s ptr=%u nfunc=%#llx: rc %d", ln, ptr,
				       (unsigned long long)huge[k], (int)rc);
			}

			/* header bytes */
			b = b0;
			b.d[4] = 1;
			CHECK(parse_buf(&b, b.len, &p) == SR_E_MALFORMED);
			b = b0;
			b.d[6] = 3;
			CHECK(parse_buf(&b, b.len, &p) == SR_E_MALFORMED);
			b = b0;
			b.d[7] = 5;
			CHECK(parse_buf(&b, b.len, &p) == SR_E_MALFORMED);
			b = b0;
			b.d[0] = 0xfc;
			CHECK(parse_buf(&b, b.len, &p) == SR_E_NOT_BINARY);

			/* table offsets outside, or inside the header (1.16+) */
			if (lay != SR_GO_PCLN_12) {
				unsigned w = lay == SR_GO_PCLN_116 ? 2 : 3, wf = lay == SR_GO_PCLN_116 ? 6 : 7;
				static const uint64_t offs[] = { 0, 8, 0x100000, 0xffffffffu, UINT64_MAX };
				for (size_t k = 0; k < COUNT(offs); k++) {
					b = b0;
					put(&b, 8 + w * ptr, offs[k], ptr);
					CHECKF(parse_buf(&b, b.len, &p) == SR_E_MALFORMED, "%s names at %#llx", ln,
					       (unsigned long long)offs[k]);
					b = b0;
					put(&b, 8 + wf * ptr, offs[k], ptr);
					CHECKF(parse_buf(&b, b.len, &p) != SR_OK, "%s functions at %#llx", ln,
					       (unsigned long long)offs[k]);
				}
			}

			/* a func offset out of range, a negative or huge name offset,
			 * an empty name, an unterminated one */
			unsigned field = lay >= SR_GO_PCLN_118 ? 4 : ptr;
			static const uint64_t funcoffs[] = { 0x10000, 0xffffffffu, UINT64_MAX };
			for (size_t k = 0; k < COUNT(funcoffs); k++) {
				b = b0;
				put(&b, o.functab + field, funcoffs[k] & (field == 4 ? 0xffffffffu : UINT64_MAX), field);
				CHECK(parse_buf(&b, b.len, &p) == SR_OK);
				CHECK(sr_go_pclntab_func_name(&p, 0, &s, &n) != SR_OK);
				CHECK(sr_go_pclntab_func_name(&p, 1, &s, &n) == SR_OK);
			}
			static const uint32_t nameoffs[] = { 0x80000000u, 0xffffffffu, 0x7fffffffu, 0x10000 };
			for (size_t k = 0; k < COUNT(nameoffs); k++) {
				b = b0;
				put(&b, o.nameoff_at, nameoffs[k], 4);
				CHECK(parse_buf(&b, b.len, &p) == SR_OK);
				CHECKF(sr_go_pclntab_func_name(&p, 0, &s, &n) != SR_OK, "%s nameoff %#x", ln, nameoffs[k]);
			}
			b = b0;
			b.d[o.names] = 0;   /* function 0's name is now empty */
			CHECK(parse_buf(&b, b.len, &p) == SR_OK);
			CHECK(sr_go_pclntab_func_name(&p, 0, &s, &n) == SR_E_MALFORMED);
			/* function 2's name: the last byte of the table, unterminated */
			b = b0;
			b.d[b.len - 1] = 'x';
			put(&b, o.nameoff_at + 2 * 16, b.len - 1 - (lay == SR_GO_PCLN_12 ? 0 : o.names), 4);
			CHECK(parse_buf(&b, b.len, &p) == SR_OK);
			CHECK(sr_go_pclntab_func_name(&p, 2, &s, &n) == SR_E_TRUNCATED);
			b.d[b.len - 1] = 0;   /* …terminated: an empty name */
			CHECK(sr_go_pclntab_func_name(&p, 2, &s, &n) == SR_E_MALFORMED);
		}
	struct sr_go_pclntab p;
	struct buf b = {0};
	CHECK(parse_buf(&b, 0, &p) == SR_E_TRUNCATED);
	CHECK(parse_buf(&b, 7, &p) == SR_E_TRUNCATED);
}

/* An ELF image of d, one read-only segment over all of it, no sections. */
static void image_init(struct sr_image *img, struct sr_image_seg *seg, const uint8_t *d, size_t len, bool be)
{
	memset(img, 0, sizeof *img);
	img->format = SR_IMAGE_ELF;
	sr_reader_init(&img->file, d, len, be);
	img->ptr_size = 8;
	img->big_endian = be;
	*seg = (struct sr_image_seg){ .vaddr = 0x400000, .memsz = len, .offset = 0, .filesz = len, .prot = SR_PROT_R };
	img->segs = seg;
	img->nsegs = 1;
}

static void test_find(void)
{
	static uint8_t file[65536];
	for (int be = 0; be < 2; be++) {
		struct buf t;
		build(&t, SR_GO_PCLN_120, be, 8, names3, COUNT(names3));
		memset(file, 0, sizeof file);
		/* decoys first: an unaligned magic, and an aligned header whose
		 * table is not plausible (names past the end) */
		memcpy(file + 0x101, t.d, t.len);   /* a whole table, but unaligned */
		struct buf bad = t;
		put(&bad, 8 + 3 * 8, 0x7000, 8);   /* funcnametab far away: still in the segment */
		memcpy(file + 0x200, bad.d, bad.len);
		memset(file + 0x200 + 0x7000, 'x', 0x1800);  /* …and names longer than a probe reads */
		size_t at = 0x4000;
		memcpy(file + at, t.d, t.len);
		struct sr_image img;
		struct sr_image_seg seg;
		image_init(&img, &seg, file, sizeof file, be);   /* no section: found by the scan */

		struct sr_go_pclntab p;
		const char *how = NULL;
		struct sr_error err = {0};
		CHECK(sr_go_pclntab_find(&img, &p, &how, &err) == SR_OK);
		CHECKF(how && strcmp(how, "scan of read-only segments") == 0, "how %s", how ? how : "(null)");
		CHECK_EQ_U(p.tab.base - file, at);
		CHECK_EQ_U(p.nfunc, 3);

		struct sr_image_sect sect = { .name = ".gopclntab", .addr = 0x400000 + at, .size = t.len, .offset = at,
			                      .in_file = true, .alloc = true };
		img.sects = &sect;
		img.nsects = 1;
		CHECK(sr_go_pclntab_find(&img, &p, &how, &err) == SR_OK);
		CHECK(how && strcmp(how, "section .gopclntab") == 0);
		CHECK_EQ_U(p.tab.len, t.len);

		/* a section that does not parse: the scan still finds the table */
		sect.offset = 0x10;
		CHECK(sr_go_pclntab_find(&img, &p, &how, &err) == SR_OK);
		CHECK(how && strcmp(how, "scan of read-only segments") == 0);

		/* executable segment: found by the last pass */
		seg.prot = SR_PROT_R | SR_PROT_X;
		CHECK(sr_go_pclntab_find(&img, &p, &how, &err) == SR_OK);
		CHECK(how && strcmp(how, "scan of executable segments") == 0);

		/* a PE section the program may discard (debug data): never
		 * where a runtime's table is, so not searched */
		seg.discardable = true;
		CHECK(sr_go_pclntab_find(&img, &p, &how, &err) == SR_E_NOT_BINARY);
		CHECK(how == NULL);
		seg.discardable = false;

		/* nothing there */
		memset(file + at, 0, t.len);
		CHECK(sr_go_pclntab_find(&img, &p, &how, &err) == SR_E_NOT_BINARY);
		CHECK(how == NULL && p.layout == SR_GO_PCLN_NONE);

		/* no segments: the whole file */
		memcpy(file + at, t.d, t.len);
		img.nsegs = 0;
		img.nsects = 0;
		CHECK(sr_go_pclntab_find(&img, &p, &how, &err) == SR_OK);
		CHECK(how && strcmp(how, "scan of the file") == 0);
	}
}

static void test_packages(void)
{
	static const char *const names[] = {
		"internal/abi.(*RegArgs).Dump", "runtime.main", "runtime.gcStart", "go:buildid", "net/http.Get",
		"type:.eq.[2]string", "gopkg.in/yaml%2ev3.Marshal", "net/http.(*Client).Do", "_cgo_123_Cfunc_x",
		"main.main", "go.uber.org/zap.New", "x_cgo_init", "runtime.main.func1", "x/y%00z.F", "x/%41%zz.F",
	};
	static const char *const want[] = {
		"go.uber.org/zap", "gopkg.in/yaml.v3", "internal/abi", "main", "net/http", "runtime",
		"x/A%zz",    /* %xx undone when hex, kept otherwise */
		"x/y%00z",   /* never into a NUL */
	};
	for (int lay = SR_GO_PCLN_12; lay <= SR_GO_PCLN_120; lay++) {
		struct buf b;
		build(&b, (enum sr_go_pcln)lay, lay == SR_GO_PCLN_118, 8, names, COUNT(names));
		struct sr_go_pclntab p;
		CHECK(parse_buf(&b, b.len, &p) == SR_OK);
		struct sr_arena *a = sr_arena_new();
		const char **pk = NULL;
		size_t n = 0;
		CHECK(sr_go_pclntab_packages(&p, a, &pk, &n) == SR_OK);
		CHECK_EQ_U(n, COUNT(want));
		for (size_t i = 0; i < n && i < COUNT(want); i++)
			CHECKF(strcmp(pk[i], want[i]) == 0, "%s: package %zu: %s, want %s", lay_name((enum sr_go_pcln)lay), i,
			       pk[i], want[i]);
		sr_arena_free(a);
	}

	/* hostile: every function names the same long string; the work is
	 * capped (budget) and the result still correct or an error */
	static uint8_t big[1 << 20];
	struct buf b;
	build(&b, SR_GO_PCLN_120, false, 8, names3, 1);
	struct sr_reader r;
	memset(big, 0, sizeof big);
	memcpy(big, b.d, 8 * 8 + 8);
	/* nfunc = 100000 entries all with func offset 0 → one record → name 0 */
	uint64_t nf = 100000, functab = 0x100, names_at = 0x48;
	struct buf h = { .be = false };
	put(&h, 8, nf, 8);
	put(&h, 8 + 3 * 8, names_at, 8);
	put(&h, 8 + 7 * 8, functab, 8);
	memcpy(big + 8, h.d + 8, 64);
	uint64_t rec = functab + (2 * nf + 1) * 4;
	for (uint64_t i = 0; i <= nf; i++) {
		struct buf e = { .be = false };
		put(&e, 0, i, 4);
		put(&e, 4, rec - functab, 4);
		memcpy(big + functab + 8 * i, e.d, 8);
	}
	memset(big + names_at, 'a', 0x100 - names_at);   /* not terminated before the table... */
	memset(big + rec, 0, 8);                          /* the record: entry 0, name offset 0 */
	sr_reader_init(&r, big, sizeof big, false);
	struct sr_go_pclntab p;
	CHECK(sr_go_pclntab_parse(&r, &p, NULL) == SR_OK);
	struct sr_arena *a = sr_arena_new();
	const char **pk = NULL;
	size_t n = 0;
	enum sr_err rc = sr_go_pclntab_packages(&p, a, &pk, &n);
	CHECKF(rc == SR_OK || rc == SR_E_MALFORMED, "rc %d", (int)rc);
	CHECK(n == 0);
	sr_arena_free(a);
	CHECK(sr_go_pclntab_packages(&p, NULL, &pk, &n) == SR_E_USAGE);
}

static void test_symbol_package(void)
{
	static const struct {
		const char *name;
		const char *pkg;   /* NULL: no package */
	} cases[] = {
		{ "net/http.(*Client).Do", "net/http" },
		{ "net/http.(*Client).Do-fm", "net/http" },
		{ "github.com/a/b.c.func1", "github.com/a/b" },
		{ "github.com/a/b.(*T).M.func2.1", "github.com/a/b" },
		{ "gopkg.in/yaml%2ev3.(*parser).init", "gopkg.in/yaml%2ev3" },
		{ "gopkg.in/yaml.v3.(*parser).init", "gopkg.in/yaml.v3" },
		{ "gopkg.in/yaml.v3.Marshal", "gopkg.in/yaml.v3" },
		{ "gopkg.in/yaml.v3/internal.F", "gopkg.in/yaml.v3/internal" },
		{ "github.com/a/b.v2/c.F", "github.com/a/b.v2/c" },
		{ "github.com/x/y.v2.F", "github.com/x/y.v2" },   /* rule 5: read as a path suffix */
		{ "main.main", "main" },
		{ "main.init.0", "main" },
		{ "runtime.main", "runtime" },
		{ "runtime/internal/atomic.Load", "runtime/internal/atomic" },
		{ "internal/abi.(*RegArgs).Dump", "internal/abi" },
		{ "vendor/golang.org/x/net/dns/dnsmessage.(*Parser).Start", "vendor/golang.org/x/net/dns/dnsmessage" },
		{ "k8s.io/cloud-provider-gcp/vendor/github.com/go-logr/logr.New", "k8s.io/cloud-provider-gcp/vendor/github.com/go-logr/logr" },
		{ "sync/atomic.(*Pointer[...]).Load", "sync/atomic" },
		{ "example.com/app/internal/gen.Map[...]", "example.com/app/internal/gen" },
		{ "slices.Sort[go.shape.[]string,go.shape.string]", "slices" },
		{ "example.com/g.F[go.shape.*example.org/other/pkg.T]", "example.com/g" },
		{ "example.com/g.(*List[go.shape.struct { a/b.C }]).Push", "example.com/g" },
		{ "pkg.F[a/b.T].func1", "pkg" },
		{ "go.uber.org/zap.(*Logger).Info", "go.uber.org/zap" },
		{ "go.opentelemetry.io/otel/semconv/v1%2e17%2e0.init", "go.opentelemetry.io/otel/semconv/v1%2e17%2e0" },
		{ "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc.init",
		  "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc" },
		{ "github.com/docker/cli/cli/command.cliReader.github.com/docker/cli/vendor/go.opentelemetry.io/otel/sdk/metric.register",
		  "github.com/docker/cli/cli/command" },
		{ "cmd/go/internal/x.(*T).internal/foo.m", "cmd/go/internal/x" },
		{ "type.eq.x", NULL },
		{ "type..eq.[2]interface {}", NULL },
		{ "type..eq.go.etcd.io/x.T", NULL },
		{ "type:.eq.[2]string", NULL },
		{ "type:.hash.example.com/a.T", NULL },
		{ "go:buildid", NULL },
		{ "go.buildid", NULL },
		{ "go.shape.int_0", NULL },
		{ "go.itab.*os.File,io.Writer", NULL },
		{ "go.(*struct { sync.Mutex; a/b.T }).Lock", NULL },
		{ "go:struct { sync.Mutex }.Lock", NULL },
		{ "_cgo_3a42d4a5ff3b_Cfunc_getaddrinfo", NULL },
		{ "x_cgo_init", NULL },
		{ "crosscall2", NULL },
		{ "_rt0_amd64_linux", NULL },
		{ "gcWriteBarrier", NULL },
		{ "", NULL },
		{ ".x", NULL },
		{ "a/.x", NULL },
		{ "a b.c", NULL },
		{ "[x.y]", NULL },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		size_t n = 99;
		bool got = sr_go_symbol_package(cases[i].name, strlen(cases[i].name), &n);
		if (!cases[i].pkg)
			CHECKF(!got, "%s: got package %.*s, want none", cases[i].name, (int)n, cases[i].name);
		else
			CHECKF(got && n == strlen(cases[i].pkg) && memcmp(cases[i].name, cases[i].pkg, n) == 0,
			       "%s: got %s%.*s, want %s", cases[i].name, got ? "" : "none ", got ? (int)n : 0, cases[i].name,
			       cases[i].pkg);
	}
	size_t n;
	CHECK(!sr_go_symbol_package(NULL, 0, &n));
	/* the length bounds the name: no read past it */
	CHECK(sr_go_symbol_package("net/http.Get", 8, &n) == false);
	CHECK(sr_go_symbol_package("net/http.Get", 9, &n) && n == 8);
}

/* sr_go_read finds the table; the packages are read from it on the first
 * ask for them, and kept: a name changed after sr_go_read shows, a name
 * changed after the first ask does not. */
static void test_linked_on_first_ask(void)
{
	static uint8_t file[16384];
	struct buf t;
	build(&t, SR_GO_PCLN_120, false, 8, names3, COUNT(names3));
	memset(file, 0, sizeof file);
	size_t at = 0x1000;
	memcpy(file + at, t.d, t.len);
	struct sr_image img;
	struct sr_image_seg seg;
	struct sr_image_sect sect = { .name = ".gopclntab", .addr = 0x400000 + at, .size = t.len, .offset = at,
		                      .in_file = true, .alloc = true };
	image_init(&img, &seg, file, sizeof file, false);
	img.sects = &sect;
	img.nsects = 1;
	struct sr_go_link link = { .known_go = true, .goos = "linux", .goarch = "amd64" };
	struct sr_go_info *g = NULL;
	struct sr_error err = { 0 };
	CHECK(sr_go_read(&img, &link, &g, &err) == SR_OK);
	if (!g)
		return;
	CHECK(g->is_go && g->pcln == SR_GO_PCLN_120 && g->nfunc == 3);
	uint8_t *http = memmem(file, sizeof file, "net/http.", 9);
	CHECK(http != NULL);
	if (http)
		memcpy(http, "net/smtp.", 9);   /* after sr_go_read, before the ask */
	const struct sr_go_linked *l = sr_go_linked(g);
	CHECK_EQ_U(l->npackages, 3);
	CHECK(l->npackages == 3 && strcmp(l->packages[1], "net/smtp") == 0);
	if (http)
		memcpy(http, "net/http.", 9);   /* after the ask: the answer stays */
	CHECK(sr_go_linked(g) == l && l->npackages == 3 && strcmp(l->packages[1], "net/smtp") == 0);
	CHECK(sr_go_pcln_problem(g) == NULL);
	sr_go_info_free(g);
}

int main(void)
{
	test_names();
	test_layouts();
	test_truncation();
	test_damage();
	test_find();
	test_packages();
	test_symbol_package();
	test_linked_on_first_ask();
	return sr_test_summary("pclntab");
}
