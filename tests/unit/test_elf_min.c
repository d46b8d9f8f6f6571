/* Unit tests for sr_elf_parse on minimal ELF images built in memory:
 * both classes and byte orders, the kinds, and broken headers. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/elf.h"
#include "shipready/reader.h"

#include "harness.h"

enum { ET_REL = 1, ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4 };
enum { PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3 };
enum { DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5, DT_STRSZ = 10, DT_SONAME = 14 };

/* An image under construction: byte helpers in the image's byte order. */
struct img {
	uint8_t b[1024];
	size_t len;
	int cls;          /* 32 or 64 */
	bool be;
};

static void put(struct img *m, size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned shift = m->be ? 8 * (n - 1 - i) : 8 * i;
		m->b[off + i] = (uint8_t)(v >> shift);
	}
	if (off + n > m->len)
		m->len = off + n;
}
static void put16(struct img *m, size_t off, uint64_t v) { put(m, off, v, 2); }
static void put32(struct img *m, size_t off, uint64_t v) { put(m, off, v, 4); }
static void put_word(struct img *m, size_t off, uint64_t v) { put(m, off, v, m->cls == 64 ? 8 : 4); }
static void putstr(struct img *m, size_t off, const char *s)
{
	size_t n = strlen(s) + 1;
	memcpy(m->b + off, s, n);
	if (off + n > m->len)
		m->len = off + n;
}

static size_t ehsize(const struct img *m) { return m->cls == 64 ? 64 : 52; }
static size_t phentsize(const struct img *m) { return m->cls == 64 ? 56 : 32; }

/* Just an ELF header, no program or section headers. */
static void ehdr(struct img *m, int cls, bool be, uint16_t type, uint16_t machine,
		 uint64_t phoff, uint16_t phnum)
{
	memset(m, 0, sizeof *m);
	m->cls = cls;
	m->be = be;
	memcpy(m->b, "\177ELF", 4);
	m->b[4] = cls == 64 ? 2 : 1;   /* EI_CLASS */
	m->b[5] = be ? 2 : 1;          /* EI_DATA */
	m->b[6] = 1;                   /* EI_VERSION */
	m->len = 16;
	put16(m, 16, type);
	put16(m, 18, machine);
	put32(m, 20, 1);
	if (cls == 64) {
		put(m, 24, type == ET_EXEC ? 0x401000 : 0, 8);   /* e_entry */
		put(m, 32, phoff, 8);
		put(m, 40, 0, 8);                                 /* e_shoff */
		put32(m, 48, 0);                                  /* e_flags */
		put16(m, 52, 64);
		put16(m, 54, phnum ? 56 : 0);
		put16(m, 56, phnum);
		put16(m, 58, 64);
		put16(m, 60, 0);
		put16(m, 62, 0);
	} else {
		put32(m, 24, type == ET_EXEC ? 0x8049000 : 0);
		put32(m, 28, phoff);
		put32(m, 32, 0);
		put32(m, 36, 0);
		put16(m, 40, 52);
		put16(m, 42, phnum ? 32 : 0);
		put16(m, 44, phnum);
		put16(m, 46, 40);
		put16(m, 48, 0);
		put16(m, 50, 0);
	}
}

static void phdr(struct img *m, unsigned i, uint32_t type, uint32_t flags, uint64_t off,
		 uint64_t vaddr, uint64_t size)
{
	size_t o = ehsize(m) + i * phentsize(m);
	put32(m, o, type);
	if (m->cls == 64) {
		put32(m, o + 4, flags);
		put(m, o + 8, off, 8);
		put(m, o + 16, vaddr, 8);
		put(m, o + 24, vaddr, 8);
		put(m, o + 32, size, 8);
		put(m, o + 40, size, 8);
		put(m, o + 48, type == PT_LOAD ? 0x1000 : 8, 8);
	} else {
		put32(m, o + 4, off);
		put32(m, o + 8, vaddr);
		put32(m, o + 12, vaddr);
		put32(m, o + 16, size);
		put32(m, o + 20, size);
		put32(m, o + 24, flags);
		put32(m, o + 28, type == PT_LOAD ? 0x1000 : 4);
	}
}

/* A dynamically linked image: PT_LOAD (whole file), PT_INTERP, PT_DYNAMIC with
 * two DT_NEEDED (and a DT_SONAME if soname) found through DT_STRTAB. */
#define VBASE 0x10000u
static void dyn_image(struct img *m, int cls, bool be, uint16_t type, uint16_t machine,
		      const char *interp, const char *soname)
{
	unsigned nph = interp ? 3 : 2, i = 0;
	ehdr(m, cls, be, type, machine, cls == 64 ? 64 : 52, (uint16_t)nph);
	const size_t o_interp = 0x100, o_str = 0x140, o_dyn = 0x180;
	size_t ent = cls == 64 ? 16 : 8, d = o_dyn;

	memset(m->b + o_str, 0, 0x40);
	putstr(m, o_str + 1, "libfoo.so.1");    /* index 1 */
	putstr(m, o_str + 13, "libbar.so.2");   /* index 13 */
	putstr(m, o_str + 25, "libsynth.so.9"); /* index 25 */
	const size_t strsz = 39;
	if (interp)
		putstr(m, o_interp, interp);

	uint64_t dyn[][2] = {
		{ DT_NEEDED, 1 }, { DT_NEEDED, 13 }, { DT_STRTAB, VBASE + o_str }, { DT_STRSZ, strsz },
		{ soname ? DT_SONAME : DT_NULL, soname ? 25 : 0 }, { DT_NULL, 0 },
	};
	for (size_t k = 0; k < COUNT(dyn); k++, d += ent) {
		put_word(m, d, dyn[k][0]);
		put_word(m, d + ent / 2, dyn[k][1]);
	}
	size_t total = d + 0x10;
	m->len = total;
	phdr(m, i++, PT_LOAD, 5, 0, VBASE, total);
	if (interp)
		phdr(m, i++, PT_INTERP, 4, o_interp, VBASE + o_interp, strlen(interp) + 1);
	phdr(m, i++, PT_DYNAMIC, 6, o_dyn, VBASE + o_dyn, d - o_dyn);
}

static enum sr_err parse(const struct img *m, size_t len, bool reader_be, struct sr_elf **out,
			 struct sr_error *err)
{
	struct sr_reader r;
	/* Exact-size copy so that sanitizers see any read past the end. */
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		abort();
	memcpy(copy, m->b, len);
	sr_reader_init(&r, copy, len, reader_be);
	memset(err, 0, sizeof *err);
	*out = NULL;
	enum sr_err e = sr_elf_parse(&r, out, err);
	/* The result owns copies of all strings: free the input right away. */
	free(copy);
	return e;
}

static bool has_str(const struct sr_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->items[i] && strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

static const struct { int cls; bool be; uint16_t machine; const char *name; } layouts[] = {
	{ 64, false, 62, "le64" },   /* EM_X86_64 */
	{ 64, true, 21, "be64" },    /* EM_PPC64 */
	{ 32, false, 3, "le32" },    /* EM_386 */
	{ 32, true, 8, "be32" },     /* EM_MIPS */
};

static void test_header_only(void)
{
	static const struct { uint16_t type; enum sr_elf_kind kind; } kinds[] = {
		{ ET_REL, SR_ELF_KIND_REL },
		{ ET_CORE, SR_ELF_KIND_CORE },
		{ ET_EXEC, SR_ELF_KIND_EXEC },
	};
	for (size_t l = 0; l < COUNT(layouts); l++) {
		for (size_t k = 0; k < COUNT(kinds); k++) {
			for (int rb = 0; rb < 2; rb++) {   /* the parser picks the byte order, not the reader */
				struct img m;
				ehdr(&m, layouts[l].cls, layouts[l].be, kinds[k].type, layouts[l].machine, 0, 0);
				m.len = ehsize(&m);
				struct sr_elf *e;
				struct sr_error err;
				enum sr_err rc = parse(&m, m.len, rb, &e, &err);
				CHECKF(rc == SR_OK && e, "%s type %u reader_be %d: %s", layouts[l].name,
				       kinds[k].type, rb, sr_error_message(&err));
				if (rc != SR_OK || !e)
					continue;
				CHECKF(e->elf_class == (unsigned)layouts[l].cls, "%s: class %u", layouts[l].name, e->elf_class);
				CHECKF(e->big_endian == layouts[l].be, "%s: big_endian %d", layouts[l].name, e->big_endian);
				CHECKF(e->machine == layouts[l].machine, "%s: machine %u", layouts[l].name, e->machine);
				CHECKF(e->type == kinds[k].type, "%s: type %u", layouts[l].name, e->type);
				CHECKF(e->kind == kinds[k].kind, "%s type %u: kind %s", layouts[l].name,
				       kinds[k].type, sr_elf_kind_name(e->kind));
				if (kinds[k].type == ET_REL || kinds[k].type == ET_CORE)
					CHECKF(e->linkage == SR_LINK_NONE, "%s type %u: linkage %s",
					       layouts[l].name, kinds[k].type, sr_linkage_name(e->linkage));
				CHECK(e->phnum == 0 && e->shnum == 0);
				CHECK(!e->has_dynamic && e->needed.count == 0 && e->interpreter == NULL);
				sr_elf_free(e);
			}
		}
	}
}

static void test_dynamic(void)
{
	for (size_t l = 0; l < COUNT(layouts); l++) {
		for (int rb = 0; rb < 2; rb++) {
			struct img m;
			const char *interp = layouts[l].cls == 64 ? "/lib64/ld-test.so.2" : "/lib/ld-test.so.1";
			dyn_image(&m, layouts[l].cls, layouts[l].be, ET_EXEC, layouts[l].machine, interp, NULL);
			struct sr_elf *e;
			struct sr_error err;
			enum sr_err rc = parse(&m, m.len, rb, &e, &err);
			CHECKF(rc == SR_OK && e, "%s dynamic: %s", layouts[l].name, sr_error_message(&err));
			if (rc != SR_OK || !e)
				continue;
			CHECKF(e->big_endian == layouts[l].be, "%s dynamic: big_endian", layouts[l].name);
			CHECKF(e->phnum == 3, "%s dynamic: phnum %llu", layouts[l].name, (unsigned long long)e->phnum);
			CHECKF(e->interpreter && strcmp(e->interpreter, interp) == 0, "%s: interpreter %s",
			       layouts[l].name, e->interpreter ? e->interpreter : "(null)");
			CHECKF(e->kind == SR_ELF_KIND_EXEC, "%s: kind %s", layouts[l].name, sr_elf_kind_name(e->kind));
			CHECKF(e->linkage == SR_LINK_DYNAMIC, "%s: linkage %s", layouts[l].name,
			       sr_linkage_name(e->linkage));
			CHECKF(e->has_dynamic, "%s: has_dynamic", layouts[l].name);
			CHECKF(e->needed.count == 2 && has_str(&e->needed, "libfoo.so.1") &&
			       has_str(&e->needed, "libbar.so.2"), "%s: %zu needed", layouts[l].name, e->needed.count);
			if (e->needed.count == 2)
				CHECKF(strcmp(e->needed.items[0], "libfoo.so.1") == 0, "%s: NEEDED order", layouts[l].name);
			CHECK(e->soname == NULL);
			sr_elf_free(e);
		}
	}

	/* ET_DYN with an interpreter is a PIE; without one, and with a soname, a library. */
	for (size_t l = 0; l < COUNT(layouts); l++) {
		struct img m;
		struct sr_elf *e;
		struct sr_error err;
		dyn_image(&m, layouts[l].cls, layouts[l].be, ET_DYN, layouts[l].machine, "/lib/ld.so", NULL);
		if (parse(&m, m.len, false, &e, &err) == SR_OK && e) {
			CHECKF(e->kind == SR_ELF_KIND_PIE, "%s ET_DYN+interp: kind %s", layouts[l].name,
			       sr_elf_kind_name(e->kind));
			sr_elf_free(e);
		} else {
			CHECKF(0, "%s ET_DYN+interp: %s", layouts[l].name, sr_error_message(&err));
		}
		dyn_image(&m, layouts[l].cls, layouts[l].be, ET_DYN, layouts[l].machine, NULL, "libsynth.so.9");
		if (parse(&m, m.len, true, &e, &err) == SR_OK && e) {
			CHECKF(e->kind == SR_ELF_KIND_SHARED, "%s ET_DYN+soname: kind %s", layouts[l].name,
			       sr_elf_kind_name(e->kind));
			CHECKF(e->soname && strcmp(e->soname, "libsynth.so.9") == 0, "%s: soname %s",
			       layouts[l].name, e->soname ? e->soname : "(null)");
			CHECK(e->interpreter == NULL);
			sr_elf_free(e);
		} else {
			CHECKF(0, "%s ET_DYN+soname: %s", layouts[l].name, sr_error_message(&err));
		}
	}
}

/* PN_XNUM: e_phnum = 0xffff, the real count in section 0's sh_info (and
 * e_shnum = 0 with the real count in section 0's sh_size). */
static void test_xnum(void)
{
	for (size_t l = 0; l < COUNT(layouts); l++) {
		struct img m;
		dyn_image(&m, layouts[l].cls, layouts[l].be, ET_EXEC, layouts[l].machine, "/lib/ld-x.so.1", NULL);
		size_t shoff = (m.len + 7) & ~(size_t)7;
		size_t shentsize = m.cls == 64 ? 64 : 40;
		memset(m.b + shoff, 0, shentsize);
		if (m.cls == 64) {
			put(&m, shoff + 32, 1, 8);   /* sh_size = e_shnum */
			put32(&m, shoff + 44, 3);    /* sh_info = e_phnum */
			put(&m, 40, shoff, 8);       /* e_shoff */
			put16(&m, 56, 0xffff);       /* e_phnum = PN_XNUM */
			put16(&m, 58, 64);
			put16(&m, 60, 0);            /* e_shnum */
		} else {
			put32(&m, shoff + 20, 1);
			put32(&m, shoff + 28, 3);
			put32(&m, 32, shoff);
			put16(&m, 44, 0xffff);
			put16(&m, 46, 40);
			put16(&m, 48, 0);
		}
		m.len = shoff + shentsize;
		struct sr_elf *e;
		struct sr_error err;
		enum sr_err rc = parse(&m, m.len, false, &e, &err);
		CHECKF(rc == SR_OK && e, "%s PN_XNUM: %s", layouts[l].name, sr_error_message(&err));
		if (rc != SR_OK || !e)
			continue;
		CHECKF(e->phnum == 3, "%s PN_XNUM: phnum %llu", layouts[l].name, (unsigned long long)e->phnum);
		CHECKF(e->shnum == 1, "%s PN_XNUM: shnum %llu", layouts[l].name, (unsigned long long)e->shnum);
		CHECKF(e->interpreter && strcmp(e->interpreter, "/lib/ld-x.so.1") == 0, "%s PN_XNUM: interpreter",
		       layouts[l].name);
		CHECKF(e->needed.count == 2, "%s PN_XNUM: %zu needed", layouts[l].name, e->needed.count);
		sr_elf_free(e);
	}
}

static void test_broken(void)
{
	/* Every prefix of a valid header shorter than the header is an error
	 * (SR_E_TRUNCATED once the magic is there), never a crash or a result. */
	for (size_t l = 0; l < COUNT(layouts); l++) {
		struct img m;
		ehdr(&m, layouts[l].cls, layouts[l].be, ET_EXEC, layouts[l].machine, 0, 0);
		size_t full = ehsize(&m);
		for (size_t n = 0; n < full; n++) {
			struct sr_elf *e;
			struct sr_error err;
			enum sr_err rc = parse(&m, n, false, &e, &err);
			CHECKF(rc != SR_OK && e == NULL, "%s cut at %zu: parsed", layouts[l].name, n);
			if (n >= 16)
				CHECKF(rc == SR_E_TRUNCATED, "%s cut at %zu: %d (%s), want SR_E_TRUNCATED",
				       layouts[l].name, n, (int)rc, sr_error_message(&err));
			if (rc != SR_OK)
				CHECKF(sr_error_message(&err)[0] != '\0', "%s cut at %zu: empty message",
				       layouts[l].name, n);
			if (e)
				sr_elf_free(e);
		}
	}

	/* Program headers past the end of the file: no crash; an error or a warning. */
	for (size_t l = 0; l < COUNT(layouts); l++) {
		struct img m;
		ehdr(&m, layouts[l].cls, layouts[l].be, ET_EXEC, layouts[l].machine, 0x10000, 4);
		m.len = ehsize(&m);
		struct sr_elf *e;
		struct sr_error err;
		enum sr_err rc = parse(&m, m.len, false, &e, &err);
		if (rc == SR_OK) {
			CHECKF(e && e->warnings.count > 0, "%s phoff past EOF: no warning", layouts[l].name);
			sr_elf_free(e);
		} else {
			CHECK(e == NULL);
		}
	}

	/* Not ELF at all. */
	static const struct { const char *what; const char *bytes; size_t len; } notelf[] = {
		{ "empty", "", 0 },
		{ "shell script", "#!/bin/sh\necho hi\n", 18 },
		{ "PE", "MZ\x90\0\3\0\0\0\4\0\0\0\xff\xff\0\0\xb8\0\0\0\0\0\0\0@\0\0\0\0\0\0\0"
			"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x80\0\0\0", 64 },
		{ "bad magic", "\177ELG\2\1\1\0\0\0\0\0\0\0\0\0", 16 },
		{ "zeros", "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 32 },
	};
	for (size_t i = 0; i < COUNT(notelf); i++) {
		struct sr_reader r;
		sr_reader_init(&r, notelf[i].bytes, notelf[i].len, false);
		CHECKF(!sr_elf_is_elf(&r), "%s: is_elf", notelf[i].what);
		struct sr_elf *e = (struct sr_elf *)&r;   /* must be reset to NULL */
		struct sr_error err = {0};
		enum sr_err rc = sr_elf_parse(&r, &e, &err);
		CHECKF(rc != SR_OK, "%s: parsed", notelf[i].what);
		CHECKF(e == NULL, "%s: *out not NULL on failure", notelf[i].what);
		CHECKF(err.code == rc, "%s: err.code %d != %d", notelf[i].what, (int)err.code, (int)rc);
	}

	/* Valid magic, bad EI_CLASS / EI_DATA: errors, not guesses. */
	static const struct { uint8_t cls, data; } bad_ident[] = { { 0, 1 }, { 3, 1 }, { 2, 0 }, { 2, 3 }, { 0xff, 0xff } };
	for (size_t i = 0; i < COUNT(bad_ident); i++) {
		struct img m;
		ehdr(&m, 64, false, ET_EXEC, 62, 0, 0);
		m.len = 64;
		m.b[4] = bad_ident[i].cls;
		m.b[5] = bad_ident[i].data;
		struct sr_elf *e;
		struct sr_error err;
		enum sr_err rc = parse(&m, m.len, false, &e, &err);
		CHECKF(rc != SR_OK && e == NULL, "EI_CLASS %u EI_DATA %u: parsed", bad_ident[i].cls, bad_ident[i].data);
		if (e)
			sr_elf_free(e);
	}
	sr_elf_free(NULL);   /* no-op */
}

static void test_is_elf(void)
{
	struct img m;
	ehdr(&m, 64, false, ET_EXEC, 62, 0, 0);
	struct sr_reader r;
	sr_reader_init(&r, m.b, 4, false);
	CHECK(sr_elf_is_elf(&r));
	sr_reader_init(&r, m.b, 3, false);
	CHECK(!sr_elf_is_elf(&r));
}

int main(void)
{
	test_is_elf();
	test_header_only();
	test_dynamic();
	test_xnum();
	test_broken();
	return sr_test_summary("test_elf_min");
}
