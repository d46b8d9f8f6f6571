/* Unit tests for sr_pe_parse on PE images built in memory: PE32 and PE32+,
 * imports by name and ordinal, delay-load imports, long section names, the
 * CLR directory, and hostile headers (truncation, e_lfanew out of range,
 * huge NumberOfSections, import tables that never end or point nowhere). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/go.h"
#include "shipready/pe.h"
#include "shipready/reader.h"

#include "harness.h"

#define IMG_SIZE 0x4000u
#define LFANEW   0x80u
#define COFF     (LFANEW + 4)
#define OPT      (COFF + 20)
#define IDATA_RVA 0x2000u
#define IDATA_OFF 0x400u
#define DATA_RVA  0x3000u
#define DATA_OFF  0xc00u
#define STRTAB_OFF 0xe00u

struct img {
	uint8_t *b;
	size_t len;
	bool plus;        /* PE32+ */
};

static void put(struct img *m, size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		m->b[off + i] = (uint8_t)(v >> (8 * i));
}
static void put16(struct img *m, size_t off, uint64_t v) { put(m, off, v, 2); }
static void put32(struct img *m, size_t off, uint64_t v) { put(m, off, v, 4); }
static void putstr(struct img *m, size_t off, const char *s) { memcpy(m->b + off, s, strlen(s) + 1); }
static size_t opt_size(const struct img *m) { return m->plus ? 112 + 16 * 8 : 96 + 16 * 8; }
static size_t sect_table(const struct img *m) { return OPT + opt_size(m); }
static size_t dir_off(const struct img *m, unsigned i) { return OPT + (m->plus ? 112 : 96) + 8 * i; }
static size_t rva_off(uint32_t rva) { return rva - IDATA_RVA + IDATA_OFF; }   /* inside .idata */

static void section(struct img *m, unsigned i, const char *name, uint32_t va, uint32_t vsize, uint32_t raw,
                    uint32_t off, uint32_t flags)
{
	size_t h = sect_table(m) + 40 * i;
	memset(m->b + h, 0, 40);
	memcpy(m->b + h, name, strlen(name) < 8 ? strlen(name) : 8);
	put32(m, h + 8, vsize);
	put32(m, h + 12, va);
	put32(m, h + 16, raw);
	put32(m, h + 20, off);
	put32(m, h + 36, flags);
}

/* A thunk in the image's width. */
static void thunk(struct img *m, uint32_t rva, uint64_t v)
{
	put(m, rva_off(rva), v, m->plus ? 8 : 4);
}

static uint64_t ord(const struct img *m, unsigned n)
{
	return (m->plus ? (uint64_t)1 << 63 : (uint64_t)1 << 31) | n;
}

/* A good image: .idata with KERNEL32.dll (ExitProcess, ordinal 7),
 * a delay-load of app.dll (Run), .data the Go reader's first data section. */
static void build(struct img *m, bool plus)
{
	m->b = calloc(1, IMG_SIZE);
	m->len = IMG_SIZE;
	m->plus = plus;
	putstr(m, 0, "MZ");
	put32(m, 0x3c, LFANEW);
	putstr(m, LFANEW, "PE");
	put16(m, COFF, plus ? 0x8664 : 0x14c);
	put16(m, COFF + 2, 2);
	put32(m, COFF + 4, 0x5f000000);
	put16(m, COFF + 16, opt_size(m));
	put16(m, COFF + 18, 0x22);
	put16(m, OPT, plus ? 0x20b : 0x10b);
	put32(m, OPT + 16, 0x1000);
	if (plus)
		put(m, OPT + 24, 0x140000000ull, 8);
	else
		put32(m, OPT + 28, 0x400000);
	put32(m, OPT + 32, 0x1000);
	put32(m, OPT + 36, 0x200);
	put16(m, OPT + 40, 6);
	put16(m, OPT + 42, 1);
	put16(m, OPT + 48, 6);
	put16(m, OPT + 50, 2);
	put32(m, OPT + 60, 0x400);
	put16(m, OPT + 68, 3);
	put16(m, OPT + 70, 0x4160);
	put32(m, OPT + (plus ? 108 : 92), 16);
	section(m, 0, ".idata", IDATA_RVA, 0x800, 0x800, IDATA_OFF, 0x40000040);
	section(m, 1, ".data", DATA_RVA, 0x400, 0x200, DATA_OFF, 0xc0600040);

	put32(m, dir_off(m, 1), IDATA_RVA);
	put32(m, dir_off(m, 1) + 4, 40);
	/* descriptor 0, then the all-zero terminator */
	put32(m, rva_off(IDATA_RVA), 0x2100);
	put32(m, rva_off(IDATA_RVA) + 12, 0x2200);
	put32(m, rva_off(IDATA_RVA) + 16, 0x2180);
	thunk(m, 0x2100, 0x2300);
	thunk(m, 0x2100 + (plus ? 8 : 4), ord(m, 7));
	putstr(m, rva_off(0x2200), "KERNEL32.dll");
	put16(m, rva_off(0x2300), 0x168);
	putstr(m, rva_off(0x2302), "ExitProcess");

	/* delay-load: one ImgDelayDescr (RVA form) and a zero one */
	put32(m, dir_off(m, 13), 0x2400);
	put32(m, dir_off(m, 13) + 4, 64);
	put32(m, rva_off(0x2400), 1);
	put32(m, rva_off(0x2400) + 4, 0x2500);
	put32(m, rva_off(0x2400) + 16, 0x2600);
	putstr(m, rva_off(0x2500), "app.dll");
	thunk(m, 0x2600, 0x2700);
	putstr(m, rva_off(0x2702), "Run");
}

static enum sr_err parse(const struct img *m, size_t len, struct sr_pe **pe, struct sr_error *err)
{
	struct sr_reader r;
	sr_reader_init(&r, m->b, len, false);
	*pe = (struct sr_pe *)1;
	enum sr_err rc = sr_pe_parse(&r, pe, err);
	if (rc != SR_OK)
		CHECKF(*pe == NULL, "out must be NULL on failure");
	return rc;
}

static bool has_warning(const struct sr_pe *pe, const char *part)
{
	for (size_t i = 0; i < pe->warnings.count; i++)
		if (strstr(pe->warnings.items[i], part))
			return true;
	return false;
}

static void test_good(bool plus)
{
	struct img m;
	build(&m, plus);
	struct sr_pe *pe;
	struct sr_error err = {0};
	CHECK(parse(&m, m.len, &pe, &err) == SR_OK);
	if (!pe)
		return;
	CHECK(pe->pe32_plus == plus);
	CHECK_EQ_U(pe->machine, plus ? 0x8664 : 0x14c);
	CHECK(!pe->dll && pe->large_address_aware);
	CHECK_EQ_U(pe->subsystem, 3);
	CHECK(strcmp(sr_pe_subsystem_name(pe->subsystem), "console") == 0);
	CHECK(strcmp(sr_pe_windows_name(pe->os_major, pe->os_minor), "Windows 7") == 0);
	CHECK(strcmp(sr_pe_windows_name(pe->subsystem_major, pe->subsystem_minor), "Windows 8") == 0);
	CHECK_EQ_U(pe->dll_characteristics, 0x4160);
	const char *names[8];
	CHECK_EQ_U(sr_pe_dll_characteristics_names(pe->dll_characteristics, names, 8), 4);
	CHECK(strcmp(names[0], "HIGH_ENTROPY_VA") == 0 && strcmp(names[3], "GUARD_CF") == 0);
	CHECK_EQ_U(pe->image_base, plus ? 0x140000000ull : 0x400000);
	CHECK_EQ_U(pe->nsections, 2);
	CHECK_EQ_U(pe->ndlls, 2);
	if (pe->ndlls == 2) {
		const struct sr_pe_dll *k = &pe->dlls[0], *d = &pe->dlls[1];
		CHECK(strcmp(k->name, "KERNEL32.dll") == 0 && !k->delay_load && k->dll_class == SR_PE_DLL_SYSTEM);
		CHECK_EQ_U(k->nfuncs, 2);
		if (k->nfuncs == 2) {
			CHECK(!k->funcs[0].by_ordinal && strcmp(k->funcs[0].name, "ExitProcess") == 0);
			CHECK_EQ_U(k->funcs[0].hint, 0x168);
			CHECK(k->funcs[1].by_ordinal && k->funcs[1].ordinal == 7 && !k->funcs[1].name);
		}
		CHECK(strcmp(d->name, "app.dll") == 0 && d->delay_load && d->dll_class == SR_PE_DLL_APP);
		CHECK(d->nfuncs == 1 && strcmp(d->funcs[0].name, "Run") == 0);
	}
	CHECK_EQ_U(pe->warnings.count, 0);
	/* the image: one segment per section, Go's data-section rule */
	CHECK(pe->image.format == SR_IMAGE_PE && pe->image.ptr_size == (plus ? 8u : 4u) && !pe->image.big_endian);
	CHECK_EQ_U(pe->image.nsegs, 2);
	CHECK_EQ_U(pe->image.segs[1].vaddr, pe->image_base + DATA_RVA);
	CHECK_EQ_U(pe->image.segs[1].filesz, 0x200);
	CHECK_EQ_U(pe->image.segs[1].memsz, 0x400);
	CHECK_EQ_U(pe->image.segs[1].prot, SR_PROT_R | SR_PROT_W);
	CHECK_EQ_U(pe->image.sects[1].raw_flags, 0xc0600040);
	/* RVA mapping: file-backed, zero-filled tail, headers, nowhere */
	uint64_t off, n;
	CHECK(sr_pe_rva_to_offset(pe, DATA_RVA + 0x10, &off, &n) && off == DATA_OFF + 0x10 && n == 0x1f0);
	CHECK(!sr_pe_rva_to_offset(pe, DATA_RVA + 0x300, &off, &n));
	CHECK(sr_pe_rva_to_offset(pe, 0x3c, &off, &n) && off == 0x3c && n == 0x400 - 0x3c);
	CHECK(!sr_pe_rva_to_offset(pe, 0x9000, &off, &n));
	sr_pe_free(pe);

	/* Go build info in .data (the first section whose flags, less the
	 * alignment, are 0xC0000040) is found at ImageBase + VirtualAddress */
	static const uint8_t magic[14] = { 0xff, ' ', 'G', 'o', ' ', 'b', 'u', 'i', 'l', 'd', 'i', 'n', 'f', ':' };
	memcpy(m.b + DATA_OFF, magic, sizeof magic);
	m.b[DATA_OFF + 14] = plus ? 8 : 4;
	m.b[DATA_OFF + 15] = 2;
	m.b[DATA_OFF + 32] = 8;
	memcpy(m.b + DATA_OFF + 33, "go1.21.0", 8);
	m.b[DATA_OFF + 41] = 0;
	CHECK(parse(&m, m.len, &pe, &err) == SR_OK);
	struct sr_go_buildinfo *bi = NULL;
	CHECK(pe && sr_go_buildinfo_read(&pe->image, &bi, &err) == SR_OK);
	CHECKF(bi && bi->status == SR_GO_BI_OK && strcmp(bi->version, "go1.21.0") == 0, "%s", bi ? bi->error : "");
	sr_go_buildinfo_free(bi);
	sr_pe_free(pe);
	free(m.b);
}

static void test_truncated(void)
{
	struct img m;
	build(&m, true);
	struct sr_pe *pe;
	struct sr_error err = {0};
	static const struct { size_t len; enum sr_err want; } cases[] = {
		{ 0, SR_E_NOT_BINARY },
		{ 1, SR_E_NOT_BINARY },
		{ 2, SR_E_TRUNCATED },            /* MZ, no e_lfanew */
		{ 0x40, SR_E_TRUNCATED },         /* e_lfanew past the end */
		{ LFANEW + 4, SR_E_TRUNCATED },   /* no COFF header */
		{ COFF + 20, SR_E_TRUNCATED },    /* no optional header */
		{ OPT + 100, SR_E_TRUNCATED },    /* half an optional header */
		{ OPT + 240 + 40, SR_E_TRUNCATED }, /* one section header of two */
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		enum sr_err rc = parse(&m, cases[i].len, &pe, &err);
		CHECKF(rc == cases[i].want, "len %zu: got %d (%s), want %d", cases[i].len, rc, err.msg, cases[i].want);
	}
	/* the sections' raw data cut off: still parsed, with a warning, and
	 * the image segment clamped to the file */
	CHECK(parse(&m, DATA_OFF + 0x100, &pe, &err) == SR_OK);
	if (pe) {
		CHECK(has_warning(pe, "past end of file"));
		CHECK_EQ_U(pe->image.segs[1].filesz, 0x100);
		sr_pe_free(pe);
	}
	free(m.b);
}

static void test_bad_headers(void)
{
	struct img m;
	build(&m, true);
	struct sr_pe *pe;
	struct sr_error err = {0};
	put32(&m, 0x3c, 0xfffffff0u);
	CHECK(parse(&m, m.len, &pe, &err) == SR_E_TRUNCATED);
	CHECK(strstr(err.msg, "e_lfanew") != NULL);
	put32(&m, 0x3c, IMG_SIZE - 2);
	CHECK(parse(&m, m.len, &pe, &err) == SR_E_TRUNCATED);
	put32(&m, 0x3c, 0x40);   /* points at zeros: an MS-DOS program */
	CHECK(parse(&m, m.len, &pe, &err) == SR_E_UNSUPPORTED);
	put32(&m, 0x3c, LFANEW);
	put16(&m, OPT, 0x107);
	CHECK(parse(&m, m.len, &pe, &err) == SR_E_MALFORMED);
	put16(&m, OPT, 0x20b);
	put16(&m, COFF + 16, 0);
	CHECK(parse(&m, m.len, &pe, &err) == SR_E_MALFORMED);   /* an object file */
	put16(&m, COFF + 16, 100);
	CHECK(parse(&m, m.len, &pe, &err) == SR_E_MALFORMED);   /* too small for PE32+ */
	/* NumberOfRvaAndSizes larger than the header holds: read what fits */
	put16(&m, COFF + 16, 112 + 2 * 8);
	put32(&m, OPT + 108, 0x7fffffff);
	CHECK(parse(&m, m.len, &pe, &err) == SR_OK);
	if (pe) {
		CHECK_EQ_U(pe->ndirs, 2);
		CHECK(has_warning(pe, "NumberOfRvaAndSizes"));
		sr_pe_free(pe);
	}
	free(m.b);
}

static void test_many_sections(void)
{
	struct img m;
	build(&m, true);
	struct sr_pe *pe;
	struct sr_error err = {0};
	put16(&m, COFF + 2, 0xffff);   /* 2.6 MB of section table in a 16 KiB file */
	CHECK(parse(&m, m.len, &pe, &err) == SR_E_TRUNCATED);
	CHECK(strstr(err.msg, "section table") != NULL);
	/* 200 sections that fit: the first SR_PE_MAX_SECTIONS are kept */
	uint8_t *big = calloc(1, 0x10000);
	memcpy(big, m.b, IMG_SIZE);
	free(m.b);
	m.b = big;
	m.len = 0x10000;
	put16(&m, COFF + 2, 200);
	for (unsigned i = 2; i < 200; i++)
		section(&m, i, ".x", 0x10000 + 0x1000 * i, 0x10, 0, 0, 0x40000040);
	CHECK(parse(&m, m.len, &pe, &err) == SR_OK);
	if (pe) {
		CHECK_EQ_U(pe->nsections, SR_PE_MAX_SECTIONS);
		CHECK_EQ_U(pe->image.nsegs, SR_PE_MAX_SECTIONS);
		CHECK(has_warning(pe, "sections; only the first"));
		sr_pe_free(pe);
	}
	free(m.b);
}

static void test_bad_imports(void)
{
	struct img m;
	build(&m, false);
	struct sr_pe *pe;
	struct sr_error err = {0};

	/* descriptors that never end: six copies of the first run into the
	 * end of .idata (all naming the same thunk table) */
	for (uint32_t rva = 0x2780; rva + 20 <= IDATA_RVA + 0x800; rva += 20)
		memcpy(m.b + rva_off(rva), m.b + rva_off(IDATA_RVA), 20);
	put32(&m, dir_off(&m, 1), 0x2780);
	CHECK(parse(&m, m.len, &pe, &err) == SR_OK);
	if (pe) {
		CHECK(has_warning(pe, "import table runs past the end of its section"));
		CHECK_EQ_U(pe->ndlls, 6 + 1);
		CHECK(pe->dlls[5].nfuncs == 2 && strcmp(pe->dlls[5].funcs[0].name, "ExitProcess") == 0);
		sr_pe_free(pe);
	}
	free(m.b);

	/* import directory, a DLL name, a thunk table and a hint/name outside every section */
	static const struct { uint32_t at, value; const char *warning; } cases[] = {
		{ 0, 0x90000, "import table at RVA 0x90000" },
		{ 12, 0x90000, "DLL name at RVA 0x90000" },
		{ 0, 0x2800 - 4, "runs past the end of its section" },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		build(&m, false);
		if (cases[i].at == 0 && i == 0)
			put32(&m, dir_off(&m, 1), cases[i].value);
		else
			put32(&m, rva_off(IDATA_RVA) + cases[i].at, cases[i].value);
		if (i == 2)
			thunk(&m, 0x2800 - 4, 0x2300);   /* the last word of .idata, no terminator after it */
		CHECK(parse(&m, m.len, &pe, &err) == SR_OK);
		if (pe) {
			CHECKF(has_warning(pe, cases[i].warning), "case %zu: %s", i,
			       pe->warnings.count ? pe->warnings.items[0] : "(no warning)");
			sr_pe_free(pe);
		}
		free(m.b);
	}
	/* a name RVA pointing past the image, and a name running to the section's end */
	build(&m, false);
	thunk(&m, 0x2100, 0x7fff0000);
	CHECK(parse(&m, m.len, &pe, &err) == SR_OK);
	if (pe) {
		CHECK(pe->ndlls == 2 && pe->dlls[0].truncated && pe->dlls[0].nfuncs == 0);
		CHECK(has_warning(pe, "import name at RVA 0x7fff0000"));
		sr_pe_free(pe);
	}
	/* "Run" loses its NUL up to the end of .idata */
	memset(m.b + rva_off(0x2700), 'A', 0x2800 - 0x2700);
	thunk(&m, 0x2100, 0x2300);
	CHECK(parse(&m, m.len, &pe, &err) == SR_OK);
	if (pe) {
		CHECK(pe->ndlls == 2 && pe->dlls[1].truncated && pe->dlls[1].nfuncs == 0);
		sr_pe_free(pe);
	}
	free(m.b);
}

static void test_long_names_and_clr(void)
{
	struct img m;
	build(&m, true);
	struct sr_pe *pe;
	struct sr_error err = {0};
	put32(&m, COFF + 8, STRTAB_OFF - 18);   /* one symbol, then the string table */
	put32(&m, COFF + 12, 1);
	put32(&m, STRTAB_OFF, 4 + 12 + 8);
	putstr(&m, STRTAB_OFF + 4, ".debug_info");
	putstr(&m, STRTAB_OFF + 16, ".symtab");
	section(&m, 0, "/4", IDATA_RVA, 0x800, 0x800, IDATA_OFF, 0xc0000040);
	section(&m, 1, "/999", DATA_RVA, 0x400, 0x200, DATA_OFF, 0xc0000040);
	put32(&m, dir_off(&m, 14), DATA_RVA);
	put32(&m, dir_off(&m, 14) + 4, 72);
	put32(&m, DATA_OFF, 72);
	put16(&m, DATA_OFF + 4, 2);
	put16(&m, DATA_OFF + 6, 5);
	put32(&m, DATA_OFF + 16, 1);
	CHECK(parse(&m, m.len, &pe, &err) == SR_OK);
	if (pe) {
		CHECK(strcmp(pe->sections[0].name, ".debug_info") == 0 && strcmp(pe->sections[0].raw_name, "/4") == 0);
		CHECK(strcmp(pe->image.sects[0].name, ".debug_info") == 0);
		CHECK(strcmp(pe->sections[1].name, "/999") == 0);
		CHECK(has_warning(pe, "long name /999"));
		CHECK(pe->clr && pe->clr_major == 2 && pe->clr_minor == 5 && pe->clr_flags == 1);
		sr_pe_free(pe);
	}
	/* offset 16 is ".symtab" */
	section(&m, 1, "/16", DATA_RVA, 0x400, 0x200, DATA_OFF, 0xc0000040);
	CHECK(parse(&m, m.len, &pe, &err) == SR_OK);
	if (pe) {
		CHECK(strcmp(pe->sections[1].name, ".symtab") == 0);
		sr_pe_free(pe);
	}
	free(m.b);
}

static void test_names(void)
{
	static const struct { const char *dll; enum sr_pe_dll_class want; } dlls[] = {
		{ "KERNEL32.dll", SR_PE_DLL_SYSTEM },
		{ "ntdll.dll", SR_PE_DLL_SYSTEM },
		{ "msvcrt.dll", SR_PE_DLL_SYSTEM },
		{ "ucrtbase.dll", SR_PE_DLL_SYSTEM },
		{ "WS2_32.dll", SR_PE_DLL_SYSTEM },
		{ "api-ms-win-crt-runtime-l1-1-0.dll", SR_PE_DLL_API_SET },
		{ "API-MS-WIN-CORE-SYNCH-L1-2-0.DLL", SR_PE_DLL_API_SET },
		{ "ext-ms-win-ntuser-window-l1-1-0.dll", SR_PE_DLL_API_SET },
		{ "VCRUNTIME140.dll", SR_PE_DLL_RUNTIME },
		{ "VCRUNTIME140_1.dll", SR_PE_DLL_RUNTIME },
		{ "MSVCP140.dll", SR_PE_DLL_RUNTIME },
		{ "msvcr120.dll", SR_PE_DLL_RUNTIME },
		{ "libgcc_s_seh-1.dll", SR_PE_DLL_RUNTIME },
		{ "libstdc++-6.dll", SR_PE_DLL_RUNTIME },
		{ "libwinpthread-1.dll", SR_PE_DLL_RUNTIME },
		{ "pelib.dll", SR_PE_DLL_APP },
		{ "kernel32x.dll", SR_PE_DLL_APP },
		{ "", SR_PE_DLL_APP },
	};
	for (size_t i = 0; i < COUNT(dlls); i++)
		CHECKF(sr_pe_dll_classify(dlls[i].dll) == dlls[i].want, "%s", dlls[i].dll);
	CHECK(sr_pe_windows_name(6, 3) && strcmp(sr_pe_windows_name(6, 3), "Windows 8.1") == 0);
	CHECK(sr_pe_windows_name(10, 0) && strcmp(sr_pe_windows_name(10, 0), "Windows 10") == 0);
	CHECK(sr_pe_windows_name(7, 0) == NULL);
	CHECK(strcmp(sr_pe_machine_name(0xaa64), "ARM64") == 0 && strcmp(sr_pe_machine_name(0x1c4), "ARMNT") == 0);
	CHECK(sr_pe_machine_name(0x1234) == NULL);
	CHECK(strcmp(sr_pe_subsystem_name(2), "gui") == 0);
	CHECK(strcmp(sr_pe_goarch(0x8664), "amd64") == 0);
}

int main(void)
{
	test_good(true);
	test_good(false);
	test_truncated();
	test_bad_headers();
	test_many_sections();
	test_bad_imports();
	test_long_names_and_clr();
	test_names();
	return sr_test_summary("pe");
}
