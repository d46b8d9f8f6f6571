/* The Mach-O parser on images built byte by byte: thin files in both word
 * sizes and byte orders with every load command it reads, universal files
 * (fat and fat64) with two slices, and the damaged forms it must survive:
 * truncation at every length, absurd ncmds, cmdsize 0, overlapping slices,
 * strings outside their command, sections past their command, segments past
 * the file. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "shipready/go.h"
#include "shipready/macho.h"

#define CAP 32768u

/* A buffer written in one byte order. */
struct mb {
	uint8_t b[CAP];
	size_t len;
	bool be;
};

static void put(struct mb *m, size_t off, uint64_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned shift = m->be ? 8 * (size - 1 - i) : 8 * i;
		m->b[off + i] = (uint8_t)(v >> shift);
	}
	if (off + size > m->len)
		m->len = off + size;
}

static size_t emit(struct mb *m, uint64_t v, unsigned size)
{
	size_t at = m->len;
	put(m, at, v, size);
	return at;
}

static void emit_bytes(struct mb *m, const void *p, size_t n)
{
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void emit_name16(struct mb *m, const char *s)
{
	char n[16] = {0};
	memcpy(n, s, strlen(s) < 16 ? strlen(s) : 16);
	emit_bytes(m, n, 16);
}

static void pad_to(struct mb *m, size_t align)
{
	while (m->len % align)
		m->b[m->len++] = 0;
}

#define LC_SEGMENT 0x1u
#define LC_SEGMENT_64 0x19u
#define LC_LOAD_DYLIB 0xcu
#define LC_ID_DYLIB 0xdu
#define LC_LOAD_DYLINKER 0xeu
#define LC_LOAD_WEAK_DYLIB 0x80000018u
#define LC_UUID 0x1bu
#define LC_RPATH 0x8000001cu
#define LC_CODE_SIGNATURE 0x1du
#define LC_REEXPORT_DYLIB 0x8000001fu
#define LC_LAZY_LOAD_DYLIB 0x20u
#define LC_ENCRYPTION_INFO 0x21u
#define LC_LOAD_UPWARD_DYLIB 0x80000023u
#define LC_VERSION_MIN_IPHONEOS 0x25u
#define LC_MAIN 0x80000028u
#define LC_BUILD_VERSION 0x32u
#define V(x, y, z) ((uint32_t)(x) << 16 | (uint32_t)(y) << 8 | (uint32_t)(z))

/* Where the pieces of a built thin image are, for the tests to break them. */
struct layout {
	size_t hdr;           /* end of the Mach header */
	size_t dylib_cmd;     /* the first LC_LOAD_DYLIB */
	size_t text_cmd;      /* the __TEXT segment command */
	size_t rpath_cmd;
	size_t main_cmd;
	size_t ncmds;
	size_t data_off;      /* __DATA in the file */
	size_t bi_off;        /* the Go build info header */
};

static const char go_version[] = "go1.21.5";
static const char go_mod[] = "path\texample.com/app\nmod\texample.com/app\t(devel)\t\nbuild\tGOOS=darwin\n";

static size_t begin_cmd(struct mb *m, uint32_t cmd)
{
	size_t at = emit(m, cmd, 4);
	emit(m, 0, 4);   /* cmdsize, set by end_cmd */
	return at;
}

static void end_cmd(struct mb *m, size_t at, bool is64)
{
	pad_to(m, is64 ? 8 : 4);
	put(m, at + 4, m->len - at, 4);
}

static void dylib_cmd(struct mb *m, bool is64, uint32_t cmd, const char *name, uint32_t cur, uint32_t compat)
{
	size_t at = begin_cmd(m, cmd);
	emit(m, 24, 4);
	emit(m, 2, 4);
	emit(m, cur, 4);
	emit(m, compat, 4);
	emit_bytes(m, name, strlen(name) + 1);
	end_cmd(m, at, is64);
}

static void str_cmd(struct mb *m, bool is64, uint32_t cmd, const char *s)
{
	size_t at = begin_cmd(m, cmd);
	emit(m, 12, 4);
	emit_bytes(m, s, strlen(s) + 1);
	end_cmd(m, at, is64);
}

/* A segment with one section (or none when sect is NULL). */
static size_t segment_cmd(struct mb *m, bool is64, const char *seg, uint64_t vmaddr, uint64_t vmsize,
                          uint64_t fileoff, uint64_t filesize, uint32_t prot, const char *sect, uint64_t saddr,
                          uint64_t ssize, uint32_t soff, uint32_t sflags)
{
	size_t at = begin_cmd(m, is64 ? LC_SEGMENT_64 : LC_SEGMENT);
	emit_name16(m, seg);
	unsigned w = is64 ? 8 : 4;
	emit(m, vmaddr, w);
	emit(m, vmsize, w);
	emit(m, fileoff, w);
	emit(m, filesize, w);
	emit(m, prot, 4);   /* maxprot */
	emit(m, prot, 4);   /* initprot */
	emit(m, sect ? 1 : 0, 4);
	emit(m, 0, 4);
	if (sect) {
		emit_name16(m, sect);
		emit_name16(m, seg);
		emit(m, saddr, w);
		emit(m, ssize, w);
		emit(m, soff, 4);
		emit(m, 4, 4);     /* align 2^4 */
		emit(m, 0, 4);
		emit(m, 0, 4);
		emit(m, sflags, 4);
		emit(m, 7, 4);     /* reserved1 */
		emit(m, 9, 4);     /* reserved2 */
		if (is64)
			emit(m, 0, 4);
	}
	end_cmd(m, at, is64);
	return at;
}

static size_t uvarint(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* A thin image with every command the parser reads; __DATA at 0x1000 in the
 * file holds a Go 1.18+ build info blob in section __go_buildinfo, and a code
 * signature (CodeDirectory flags 0x20002) follows at 0x2000. */
static void build_thin(struct mb *m, struct layout *lay, bool be, bool is64, uint32_t cputype)
{
	memset(m, 0, sizeof *m);
	memset(lay, 0, sizeof *lay);
	m->be = be;
	unsigned w = is64 ? 8 : 4;
	emit(m, is64 ? 0xfeedfacfu : 0xfeedfaceu, 4);
	emit(m, cputype, 4);
	emit(m, is64 ? 0x80000003u : 3u, 4);   /* subtype with a capability bit (64-bit) */
	emit(m, 2, 4);                          /* MH_EXECUTE */
	emit(m, 0, 4);                          /* ncmds, below */
	emit(m, 0, 4);                          /* sizeofcmds, below */
	emit(m, 0x00200085u, 4);                /* NOUNDEFS DYLDLINK TWOLEVEL PIE */
	if (is64)
		emit(m, 0, 4);
	lay->hdr = m->len;
	uint64_t base = is64 ? 0x100000000ull : 0x1000u;
	size_t n = 0;
	segment_cmd(m, is64, "__PAGEZERO", 0, base, 0, 0, 0, NULL, 0, 0, 0, 0), n++;
	lay->text_cmd = segment_cmd(m, is64, "__TEXT", base, 0x1000, 0, 0x1000, 5, "__text", base + 0x800, 0x100,
	                            0x800, 0x80000400u), n++;
	segment_cmd(m, is64, "__DATA", base + 0x1000, 0x2000, 0x1000, 0x1000, 3, "__go_buildinfo", base + 0x1000,
	            0x100, 0x1000, 0), n++;
	segment_cmd(m, is64, "__LINKEDIT", base + 0x3000, 0x1000, 0x2000, 0x100, 1, NULL, 0, 0, 0, 0), n++;
	lay->dylib_cmd = m->len;
	dylib_cmd(m, is64, LC_LOAD_DYLIB, "/usr/lib/libSystem.B.dylib", V(1311, 100, 3), V(1, 0, 0)), n++;
	dylib_cmd(m, is64, LC_LOAD_WEAK_DYLIB, "@rpath/libweak.dylib", V(2, 1, 0), V(2, 0, 0)), n++;
	dylib_cmd(m, is64, LC_REEXPORT_DYLIB, "@loader_path/libre.dylib", V(3, 0, 0), V(1, 0, 0)), n++;
	dylib_cmd(m, is64, LC_LAZY_LOAD_DYLIB, "/usr/lib/liblazy.dylib", V(0, 0, 1), V(0, 0, 1)), n++;
	dylib_cmd(m, is64, LC_LOAD_UPWARD_DYLIB, "@executable_path/../up.dylib", V(65535, 255, 255), 0), n++;
	dylib_cmd(m, is64, LC_ID_DYLIB, "@rpath/libme.1.dylib", V(1, 2, 3), V(1, 0, 0)), n++;
	str_cmd(m, is64, LC_LOAD_DYLINKER, "/usr/lib/dyld"), n++;
	lay->rpath_cmd = m->len;
	str_cmd(m, is64, LC_RPATH, "@executable_path/../Frameworks"), n++;
	str_cmd(m, is64, LC_RPATH, "/opt/lib"), n++;
	size_t at = lay->main_cmd = begin_cmd(m, LC_MAIN);
	emit(m, 0x800, 8);
	emit(m, 0x10000, 8);
	end_cmd(m, at, is64), n++;
	at = begin_cmd(m, LC_BUILD_VERSION);
	emit(m, 1, 4);                 /* macOS */
	emit(m, V(12, 0, 0), 4);
	emit(m, V(13, 1, 0), 4);
	emit(m, 2, 4);                 /* ntools */
	emit(m, 3, 4), emit(m, V(820, 1, 0), 4);
	emit(m, 1, 4), emit(m, V(15, 0, 0), 4);
	end_cmd(m, at, is64), n++;
	at = begin_cmd(m, LC_VERSION_MIN_IPHONEOS);
	emit(m, V(9, 3, 0), 4);
	emit(m, 0, 4);
	end_cmd(m, at, is64), n++;
	at = begin_cmd(m, LC_UUID);
	for (uint8_t i = 0; i < 16; i++)
		emit(m, 0xa0u + i, 1);
	end_cmd(m, at, is64), n++;
	at = begin_cmd(m, LC_CODE_SIGNATURE);
	emit(m, 0x2000, 4);
	emit(m, 0x40, 4);
	end_cmd(m, at, is64), n++;
	at = begin_cmd(m, LC_ENCRYPTION_INFO);
	emit(m, 0x1000, 4);
	emit(m, 0x1000, 4);
	emit(m, 1, 4);
	end_cmd(m, at, is64), n++;
	lay->ncmds = n;
	put(m, 16, n, 4);
	put(m, 20, m->len - lay->hdr, 4);

	/* __DATA: Go build info (inline layout: header byte 15 bit 1) */
	m->len = 0x1000;
	lay->data_off = 0x1000;
	lay->bi_off = 0x1000;
	uint8_t *p = m->b + 0x1000;
	memcpy(p, "\xff Go buildinf:", 14);
	p[14] = (uint8_t)w;
	p[15] = 2;
	size_t o = 32;
	o += uvarint(p + o, sizeof go_version - 1);
	memcpy(p + o, go_version, sizeof go_version - 1);
	o += sizeof go_version - 1;
	/* module text framed by the 16-byte sentinels Go writes */
	size_t mlen = 16 + sizeof go_mod - 1 + 16;
	o += uvarint(p + o, mlen);
	memset(p + o, 0x30, 16);
	memcpy(p + o + 16, go_mod, sizeof go_mod - 1);
	memset(p + o + 16 + sizeof go_mod - 1, 0xf9, 16);

	/* code signature: SuperBlob with one CodeDirectory (always big-endian) */
	struct mb sig = { .be = true };
	emit(&sig, 0xfade0cc0u, 4);
	emit(&sig, 0x40, 4);
	emit(&sig, 1, 4);
	emit(&sig, 0, 4);       /* CSSLOT_CODEDIRECTORY */
	emit(&sig, 20, 4);
	emit(&sig, 0xfade0c02u, 4);
	emit(&sig, 0x2c, 4);
	emit(&sig, 0x20400, 4); /* version */
	emit(&sig, 0x20002, 4); /* CS_ADHOC | CS_LINKER_SIGNED */
	memcpy(m->b + 0x2000, sig.b, sig.len);
	m->len = 0x2100;
}

static enum sr_err parse(const uint8_t *p, size_t n, bool reader_be, struct sr_macho **out)
{
	struct sr_reader r;
	struct sr_error err = {0};
	sr_reader_init(&r, p, n, reader_be);
	*out = (struct sr_macho *)1;   /* must be reset */
	enum sr_err rc = sr_macho_parse(&r, out, &err);
	if (rc != SR_OK)
		CHECKF(*out == NULL && err.msg[0], "rc %d: out not NULL or no message", rc);
	return rc;
}

static bool has_warning(const struct sr_strlist *w, const char *needle)
{
	for (size_t i = 0; i < w->count; i++)
		if (strstr(w->items[i], needle))
			return true;
	return false;
}

static void check_go(const struct sr_macho_slice *s, const char *what)
{
	struct sr_go_buildinfo *bi = NULL;
	struct sr_error err = {0};
	CHECKF(sr_go_buildinfo_read(&s->image, &bi, &err) == SR_OK, "%s", what);
	if (!bi)
		return;
	CHECKF(bi->status == SR_GO_BI_OK, "%s: %s", what, bi->error);
	CHECKF(bi->version && strcmp(bi->version, go_version) == 0, "%s: version %s", what,
	       bi->version ? bi->version : "(null)");
	CHECKF(bi->modinfo_len == sizeof go_mod - 1 && memcmp(bi->modinfo, go_mod, bi->modinfo_len) == 0, "%s", what);
	sr_go_buildinfo_free(bi);
}

/* Every fact of a slice built by build_thin. */
static void check_thin_slice(const struct sr_macho_slice *s, bool be, bool is64, uint32_t cputype, const char *what)
{
	char b1[16];
	CHECKF(s->parsed && s->error == NULL, "%s", what);
	CHECKF(s->bits == (is64 ? 64u : 32u) && s->big_endian == be, "%s: bits %u be %d", what, s->bits, s->big_endian);
	CHECK_EQ_U(s->cputype, cputype);
	CHECK_EQ_U(s->cpusubtype, is64 ? 0x80000003u : 3u);
	CHECK_EQ_U(s->filetype, SR_MH_EXECUTE);
	CHECK_EQ_U(s->flags, 0x00200085u);
	CHECK((s->flags & SR_MH_PIE) && (s->flags & SR_MH_TWOLEVEL));
	CHECK(s->warnings.count == 0);
	for (size_t i = 0; i < s->warnings.count; i++)
		fprintf(stderr, "  %s: warning %s\n", what, s->warnings.items[i]);

	CHECK_EQ_U(s->ndylibs, 5);
	if (s->ndylibs == 5) {
		static const struct { enum sr_macho_dylib_kind kind; const char *name; uint32_t cur, compat; } want[] = {
			{ SR_MACHO_DYLIB_LOAD, "/usr/lib/libSystem.B.dylib", V(1311, 100, 3), V(1, 0, 0) },
			{ SR_MACHO_DYLIB_WEAK, "@rpath/libweak.dylib", V(2, 1, 0), V(2, 0, 0) },
			{ SR_MACHO_DYLIB_REEXPORT, "@loader_path/libre.dylib", V(3, 0, 0), V(1, 0, 0) },
			{ SR_MACHO_DYLIB_LAZY, "/usr/lib/liblazy.dylib", V(0, 0, 1), V(0, 0, 1) },
			{ SR_MACHO_DYLIB_UPWARD, "@executable_path/../up.dylib", V(65535, 255, 255), 0 },
		};
		for (size_t i = 0; i < COUNT(want); i++) {
			const struct sr_macho_dylib *d = &s->dylibs[i];
			CHECKF(d->kind == want[i].kind && strcmp(d->name, want[i].name) == 0 && d->current_version == want[i].cur &&
			       d->compat_version == want[i].compat && d->timestamp == 2, "%s dylib %zu %s", what, i, d->name);
		}
		CHECK(strcmp(sr_macho_version_str(s->dylibs[0].current_version, false, b1, sizeof b1), "1311.100.3") == 0);
		CHECK(strcmp(sr_macho_version_str(s->dylibs[4].current_version, true, b1, sizeof b1), "65535.255.255") == 0);
		CHECK(strcmp(sr_macho_version_str(s->dylibs[1].compat_version, false, b1, sizeof b1), "2.0") == 0);
	}
	CHECKF(s->has_id_dylib && strcmp(s->id_dylib.name, "@rpath/libme.1.dylib") == 0 &&
	       s->id_dylib.current_version == V(1, 2, 3), "%s", what);
	CHECKF(s->dylinker && strcmp(s->dylinker, "/usr/lib/dyld") == 0, "%s", what);
	CHECKF(s->rpaths.count == 2 && strcmp(s->rpaths.items[0], "@executable_path/../Frameworks") == 0 &&
	       strcmp(s->rpaths.items[1], "/opt/lib") == 0, "%s", what);
	CHECKF(s->has_main && s->entryoff == 0x800 && s->stacksize == 0x10000, "%s", what);
	CHECK_EQ_U(s->nversions, 2);
	if (s->nversions == 2) {
		const struct sr_macho_minos *v = &s->versions[0];
		CHECKF(v->cmd == LC_BUILD_VERSION && v->platform == 1 && v->minos == V(12, 0, 0) && v->sdk == V(13, 1, 0) &&
		       v->ntools == 2, "%s", what);
		if (v->ntools == 2)
			CHECK(v->tools[0].tool == 3 && v->tools[0].version == V(820, 1, 0) && v->tools[1].tool == 1);
		CHECK(strcmp(sr_macho_platform_name(v->platform), "macOS") == 0);
		CHECK(s->versions[1].cmd == LC_VERSION_MIN_IPHONEOS && s->versions[1].platform == 2 &&
		      s->versions[1].minos == V(9, 3, 0));
	}
	CHECKF(s->has_uuid && s->uuid[0] == 0xa0 && s->uuid[15] == 0xaf, "%s", what);
	CHECKF(s->has_code_signature && s->codesig_off == 0x2000 && s->codesig_size == 0x40, "%s", what);
	CHECKF(s->has_code_directory && s->cd_flags == 0x20002 && s->adhoc == SR_TRI_YES, "%s", what);
	CHECKF(s->has_encryption_info && s->cryptid == 1 && s->cryptoff == 0x1000, "%s", what);

	uint64_t base = is64 ? 0x100000000ull : 0x1000u;
	CHECK_EQ_U(s->nsegments, 4);
	CHECK_EQ_U(s->nsections, 2);
	if (s->nsegments == 4 && s->nsections == 2) {
		CHECK(strcmp(s->segments[1].name, "__TEXT") == 0 && s->segments[1].vmaddr == base &&
		      s->segments[1].initprot == 5 && s->segments[1].nsections == 1 && s->segments[1].first_section == 0);
		const struct sr_macho_section *x = &s->sections[1];
		CHECK(strcmp(x->sectname, "__go_buildinfo") == 0 && strcmp(x->segname, "__DATA") == 0 &&
		      x->addr == base + 0x1000 && x->size == 0x100 && x->offset == 0x1000 && x->align == 4 &&
		      x->reserved1 == 7 && x->reserved2 == 9);
	}
	/* the image */
	const struct sr_image *img = &s->image;
	CHECK(img->format == SR_IMAGE_MACHO && img->ptr_size == (is64 ? 8u : 4u) && img->big_endian == be);
	CHECK(img->file.big_endian == be);
	CHECK_EQ_U(img->nsegs, 4);
	CHECK_EQ_U(img->nsects, 2);
	if (img->nsegs == 4) {
		CHECK(strcmp(img->segs[0].name, "__PAGEZERO") == 0 && img->segs[0].filesz == 0 &&
		      img->segs[0].memsz == base);
		CHECK(img->segs[1].prot == (SR_PROT_R | SR_PROT_X) && img->segs[1].filesz == 0x1000);
		CHECK(img->segs[2].prot == (SR_PROT_R | SR_PROT_W) && img->segs[2].offset == 0x1000);
		CHECK(img->segs[3].prot == SR_PROT_R && img->segs[3].filesz == 0x100);
	}
	const struct sr_image_sect *t = sr_image_section(img, "__text");
	CHECK(t && t->addr == base + 0x800 && t->in_file && t->raw_flags == 0x80000400u);
	check_go(s, what);
}

static void test_thin(void)
{
	static struct mb m;
	struct layout lay;
	static const struct { bool be, is64; uint32_t cpu; const char *name; } cases[] = {
		{ false, true, SR_CPU_TYPE_X86_64, "x86_64" },
		{ false, false, SR_CPU_TYPE_X86, "i386" },
		{ true, true, SR_CPU_TYPE_POWERPC64, "ppc64" },
		{ true, false, SR_CPU_TYPE_POWERPC, "ppc" },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		build_thin(&m, &lay, cases[i].be, cases[i].is64, cases[i].cpu);
		for (int rbe = 0; rbe < 2; rbe++) {   /* the caller's byte order must not matter */
			struct sr_macho *mo;
			CHECKF(parse(m.b, m.len, rbe, &mo) == SR_OK, "%s", cases[i].name);
			if (!mo)
				continue;
			CHECK(!mo->fat && !mo->fat64 && mo->nslices == 1 && mo->slices[0].offset == 0 &&
			      mo->slices[0].size == m.len);
			check_thin_slice(&mo->slices[0], cases[i].be, cases[i].is64, cases[i].cpu, cases[i].name);
			CHECK(strcmp(sr_macho_cpu_name(mo->slices[0].cputype, mo->slices[0].cpusubtype), cases[i].name) == 0);
			sr_macho_free(mo);
		}
		struct sr_reader r;
		sr_reader_init(&r, m.b, m.len, false);
		CHECK(sr_macho_is_macho(&r));
	}
}

/* Universal files: the LE64 x86_64 and BE32 ppc slices, fat and fat64. */
static struct mb fatbuf;

static size_t build_fat(bool fat64, struct mb *a, struct mb *b, uint64_t off_b)
{
	struct mb *f = &fatbuf;
	memset(f, 0, sizeof *f);
	f->be = true;
	emit(f, fat64 ? 0xcafebabfu : 0xcafebabeu, 4);
	emit(f, 2, 4);
	uint64_t offs[2] = { 0x1000, off_b };
	struct mb *sl[2] = { a, b };
	for (int i = 0; i < 2; i++) {
		uint32_t cpu = i == 0 ? SR_CPU_TYPE_X86_64 : SR_CPU_TYPE_POWERPC;
		emit(f, cpu, 4);
		emit(f, i == 0 ? 0x80000003u : 3u, 4);
		if (fat64) {
			emit(f, offs[i], 8);
			emit(f, sl[i]->len, 8);
			emit(f, 12, 4);
			emit(f, 0, 4);
		} else {
			emit(f, offs[i], 4);
			emit(f, sl[i]->len, 4);
			emit(f, 12, 4);
		}
	}
	size_t end = 0;
	for (int i = 1; i >= 0; i--) {   /* b first: an overlapping a wins the bytes it shares */
		memcpy(f->b + offs[i], sl[i]->b, sl[i]->len);
		if (offs[i] + sl[i]->len > end)
			end = offs[i] + sl[i]->len;
	}
	f->len = end;
	return end;
}

static void test_fat(void)
{
	static struct mb a, b;
	struct layout la, lb;
	build_thin(&a, &la, false, true, SR_CPU_TYPE_X86_64);
	build_thin(&b, &lb, true, false, SR_CPU_TYPE_POWERPC);
	for (int fat64 = 0; fat64 < 2; fat64++) {
		size_t n = build_fat(fat64, &a, &b, 0x4000);
		CHECK(n <= CAP);
		struct sr_macho *mo;
		CHECKF(parse(fatbuf.b, n, false, &mo) == SR_OK, "fat64 %d", fat64);
		if (!mo)
			continue;
		CHECK(mo->fat && mo->fat64 == (fat64 != 0) && mo->nfat_arch == 2 && mo->nslices == 2);
		CHECK(mo->warnings.count == 0);
		for (size_t i = 0; i < mo->warnings.count; i++)
			fprintf(stderr, "  fat warning %s\n", mo->warnings.items[i]);
		if (mo->nslices == 2) {
			CHECK(mo->slices[0].offset == 0x1000 && mo->slices[0].size == a.len && mo->slices[0].fat_align == 12);
			CHECK(mo->slices[1].offset == 0x4000 && mo->slices[1].fat_cputype == SR_CPU_TYPE_POWERPC);
			check_thin_slice(&mo->slices[0], false, true, SR_CPU_TYPE_X86_64, "fat slice 0");
			check_thin_slice(&mo->slices[1], true, false, SR_CPU_TYPE_POWERPC, "fat slice 1");
			/* offsets are relative to the slice */
			CHECK(mo->slices[1].image.file.base == fatbuf.b + 0x4000 && mo->slices[1].image.file.len == b.len);
		}
		sr_macho_free(mo);
		struct sr_reader r;
		sr_reader_init(&r, fatbuf.b, n, false);
		CHECK(sr_macho_is_macho(&r));
	}

	/* slice 1 overlaps slice 0: dropped with the reason, slice 0 still read */
	size_t n = build_fat(false, &a, &b, 0x2000);
	struct sr_macho *mo;
	CHECK(parse(fatbuf.b, n, false, &mo) == SR_OK);
	if (mo) {
		CHECK(mo->slices[0].parsed && !mo->slices[1].parsed);
		CHECKF(mo->slices[1].error && strstr(mo->slices[1].error, "overlaps slice 0"), "%s",
		       mo->slices[1].error ? mo->slices[1].error : "(null)");
		CHECK(has_warning(&mo->warnings, "overlaps slice 0"));
		sr_macho_free(mo);
	}
	/* a slice overlapping the universal header, one past the end of the file */
	build_fat(false, &a, &b, 0x4000);
	put(&fatbuf, 8 + 8, 16, 4);            /* slice 0 offset 16 */
	put(&fatbuf, 28 + 8, 0x100000, 4);     /* slice 1 offset 1 MiB */
	CHECK(parse(fatbuf.b, fatbuf.len, false, &mo) != SR_OK);   /* nothing readable left */
	build_fat(false, &a, &b, 0x4000);
	put(&fatbuf, 28 + 12, 0xffffffffu, 4); /* slice 1 size */
	CHECK(parse(fatbuf.b, fatbuf.len, false, &mo) == SR_OK);
	if (mo) {
		CHECK(mo->slices[0].parsed && !mo->slices[1].parsed &&
		      strstr(mo->slices[1].error, "past the end of the file"));
		sr_macho_free(mo);
	}
	/* a universal file inside a slice */
	build_fat(false, &a, &b, 0x4000);
	memcpy(fatbuf.b + 0x4000, "\xca\xfe\xba\xbe\0\0\0\1", 8);
	CHECK(parse(fatbuf.b, fatbuf.len, false, &mo) == SR_OK);
	if (mo) {
		CHECK(!mo->slices[1].parsed && strstr(mo->slices[1].error, "inside a universal file"));
		sr_macho_free(mo);
	}
	/* counts: none, absurd, and a table past the end */
	build_fat(false, &a, &b, 0x4000);
	put(&fatbuf, 4, 0, 4);
	CHECK(parse(fatbuf.b, fatbuf.len, false, &mo) == SR_E_MALFORMED);
	put(&fatbuf, 4, 0x7fffffff, 4);
	CHECK(parse(fatbuf.b, fatbuf.len, false, &mo) == SR_E_MALFORMED);
	put(&fatbuf, 4, 2, 4);
	for (size_t len = 0; len < 8 + 2 * 20; len++)
		CHECKF(parse(fatbuf.b, len, false, &mo) != SR_OK, "fat header cut at %zu", len);
	/* a Java class file starts with 0xcafebabe too */
	struct sr_reader r;
	sr_reader_init(&r, "\xca\xfe\xba\xbe\0\0\0\x34", 8, false);
	CHECK(!sr_macho_is_macho(&r));
	sr_reader_init(&r, "\x7f" "ELF\2\1\1\0", 8, false);
	CHECK(!sr_macho_is_macho(&r));
}

static void test_truncated(void)
{
	static struct mb m;
	struct layout lay;
	for (int is64 = 0; is64 < 2; is64++) {
		build_thin(&m, &lay, false, is64, is64 ? SR_CPU_TYPE_ARM64 : SR_CPU_TYPE_ARM);
		/* no Mach header: a hard error */
		for (size_t len = 0; len < lay.hdr; len++) {
			struct sr_macho *mo;
			CHECKF(parse(m.b, len, false, &mo) != SR_OK, "cut at %zu", len);
		}
		/* past the header: best effort at every length, and the
		 * commands before the cut are read */
		for (size_t len = lay.hdr; len <= m.len; len++) {
			struct sr_macho *mo;
			CHECKF(parse(m.b, len, false, &mo) == SR_OK, "cut at %zu", len);
			if (!mo)
				continue;
			const struct sr_macho_slice *s = &mo->slices[0];
			if (len > lay.rpath_cmd + 16)
				CHECKF(s->ndylibs == 5, "cut at %zu: %zu dylibs", len, s->ndylibs);
			if (len < lay.main_cmd)
				CHECKF(has_warning(&s->warnings, "past the end of the file"), "cut at %zu", len);
			sr_macho_free(mo);
		}
	}
}

static void test_damaged_commands(void)
{
	static struct mb m;
	struct layout lay;
	struct sr_macho *mo;

	/* ncmds huge: the walk stops at the end of sizeofcmds */
	build_thin(&m, &lay, false, true, SR_CPU_TYPE_X86_64);
	put(&m, 16, 0xffffffffu, 4);
	CHECK(parse(m.b, m.len, false, &mo) == SR_OK);
	if (mo) {
		CHECK(mo->slices[0].ndylibs == 5 && mo->slices[0].has_encryption_info);
		CHECK(has_warning(&mo->slices[0].warnings, "load commands; only the first"));
		CHECK(has_warning(&mo->slices[0].warnings, "past the end of the load commands"));
		sr_macho_free(mo);
	}
	/* cmdsize 0 (and 4): must not loop; the commands before it are read */
	for (uint32_t bad = 0; bad <= 4; bad += 4) {
		build_thin(&m, &lay, false, true, SR_CPU_TYPE_X86_64);
		put(&m, lay.rpath_cmd + 4, bad, 4);
		CHECK(parse(m.b, m.len, false, &mo) == SR_OK);
		if (mo) {
			const struct sr_macho_slice *s = &mo->slices[0];
			CHECK(s->ndylibs == 5 && s->rpaths.count == 0 && !s->has_main && !s->has_uuid);
			CHECKF(has_warning(&s->warnings, "LC_RPATH) has size"), "cmdsize %u", bad);
			sr_macho_free(mo);
		}
	}
	/* cmdsize running past sizeofcmds */
	build_thin(&m, &lay, false, true, SR_CPU_TYPE_X86_64);
	put(&m, lay.main_cmd + 4, 0x7ffffff0u, 4);
	CHECK(parse(m.b, m.len, false, &mo) == SR_OK);
	if (mo) {
		CHECK(!mo->slices[0].has_main && mo->slices[0].rpaths.count == 2);
		CHECK(has_warning(&mo->slices[0].warnings, "runs past the end of the load commands"));
		sr_macho_free(mo);
	}
	/* a size that is not a multiple of 8 (64-bit): read, with a warning */
	build_thin(&m, &lay, false, true, SR_CPU_TYPE_X86_64);
	put(&m, lay.text_cmd + 4, 72 + 80 + 4, 4);   /* the next command is then read 4 bytes late */
	CHECK(parse(m.b, m.len, false, &mo) == SR_OK);
	if (mo) {
		CHECK(has_warning(&mo->slices[0].warnings, "is not a multiple of 8"));
		sr_macho_free(mo);
	}
	/* sizeofcmds past the end of the file */
	build_thin(&m, &lay, false, true, SR_CPU_TYPE_X86_64);
	put(&m, 20, 0xfffffff0u, 4);
	CHECK(parse(m.b, m.len, false, &mo) == SR_OK);
	if (mo) {
		CHECK(mo->slices[0].ndylibs == 5);
		CHECK(has_warning(&mo->slices[0].warnings, "run past the end of the file"));
		sr_macho_free(mo);
	}
	/* strings out of range: offset past the command, inside the fixed
	 * part, and not terminated inside the command */
	static const struct { uint32_t off; bool unterminated; const char *want; } strs[] = {
		{ 0x10000, false, "outside the command" },
		{ 8, false, "outside the command" },
		{ 24, true, "not terminated" },
	};
	for (size_t i = 0; i < COUNT(strs); i++) {
		build_thin(&m, &lay, false, true, SR_CPU_TYPE_X86_64);
		put(&m, lay.dylib_cmd + 8, strs[i].off, 4);
		if (strs[i].unterminated) {
			uint32_t size = 56;   /* "/usr/lib/libSystem.B.dylib" + NUL padded: fill to the end */
			memset(m.b + lay.dylib_cmd + 24, 'x', size - 24);
		}
		CHECK(parse(m.b, m.len, false, &mo) == SR_OK);
		if (mo) {
			const struct sr_macho_slice *s = &mo->slices[0];
			CHECKF(s->ndylibs == 4 && strcmp(s->dylibs[0].name, "@rpath/libweak.dylib") == 0, "case %zu", i);
			CHECKF(has_warning(&s->warnings, strs[i].want), "case %zu", i);
			sr_macho_free(mo);
		}
	}
	/* nsects larger than the command: clamped */
	build_thin(&m, &lay, false, true, SR_CPU_TYPE_X86_64);
	put(&m, lay.text_cmd + 64, 1000, 4);
	CHECK(parse(m.b, m.len, false, &mo) == SR_OK);
	if (mo) {
		CHECK(mo->slices[0].segments[1].nsects == 1000 && mo->slices[0].segments[1].nsections == 1);
		CHECK(has_warning(&mo->slices[0].warnings, "claims 1000 sections but has room for 1"));
		sr_macho_free(mo);
	}
	/* a segment and a section past the end of the file: cut in the image */
	build_thin(&m, &lay, false, true, SR_CPU_TYPE_X86_64);
	put(&m, lay.text_cmd + 48, 0x100000, 8);        /* __TEXT filesize */
	put(&m, lay.text_cmd + 72 + 48, 0x100000, 4);   /* __text offset */
	CHECK(parse(m.b, m.len, false, &mo) == SR_OK);
	if (mo) {
		const struct sr_macho_slice *s = &mo->slices[0];
		CHECK(s->segments[1].filesize == 0x100000 && s->image.segs[1].filesz == m.len);
		CHECK(!s->image.sects[0].in_file);
		CHECK(has_warning(&s->warnings, "segment __TEXT"));
		CHECK(has_warning(&s->warnings, "section __TEXT,__text"));
		check_go(s, "damaged __TEXT");
		sr_macho_free(mo);
	}
	/* __PAGEZERO with file bytes: never read through the image (Go skips it) */
	build_thin(&m, &lay, false, true, SR_CPU_TYPE_X86_64);
	put(&m, lay.hdr + 48, 0x100, 8);
	CHECK(parse(m.b, m.len, false, &mo) == SR_OK);
	if (mo) {
		CHECK(mo->slices[0].segments[0].filesize == 0x100 && mo->slices[0].image.segs[0].filesz == 0);
		sr_macho_free(mo);
	}
	/* not Mach-O at all */
	CHECK(parse((const uint8_t *)"\x7f" "ELF\2\1\1\0\0\0\0\0\0\0\0\0", 16, false, &mo) == SR_E_NOT_BINARY);
}

static void test_names(void)
{
	char b[16];
	CHECK(strcmp(sr_macho_cpu_name(SR_CPU_TYPE_X86_64, 8), "x86_64h") == 0);
	CHECK(strcmp(sr_macho_cpu_name(SR_CPU_TYPE_ARM64, 0x80000002u), "arm64e") == 0);
	CHECK(strcmp(sr_macho_cpu_name(SR_CPU_TYPE_ARM64, 0), "arm64") == 0);
	CHECK(strcmp(sr_macho_cpu_name(SR_CPU_TYPE_ARM64_32, 1), "arm64_32") == 0);
	CHECK(strcmp(sr_macho_cpu_name(SR_CPU_TYPE_ARM, 9), "armv7") == 0);
	CHECK(strcmp(sr_macho_cpu_name(SR_CPU_TYPE_ARM, 11), "armv7s") == 0);
	CHECK(strcmp(sr_macho_cpu_name(SR_CPU_TYPE_X86, 3), "i386") == 0);
	CHECK(sr_macho_cpu_name(0x1234, 0) == NULL);
	CHECK(strcmp(sr_macho_goarch(SR_CPU_TYPE_ARM64), "arm64") == 0);
	CHECK(strcmp(sr_macho_filetype_name(SR_MH_BUNDLE), "MH_BUNDLE") == 0);
	CHECK(sr_macho_filetype_name(99) == NULL);
	CHECK(strcmp(sr_macho_platform_name(2), "iOS") == 0);
	CHECK(strcmp(sr_macho_tool_name(3), "ld") == 0);
	const char *names[8];
	CHECK(sr_macho_flag_names(0x00200085u, names, 8) == 4 && strcmp(names[3], "PIE") == 0);
	CHECK(strcmp(sr_macho_version_str(V(10, 15, 0), false, b, sizeof b), "10.15") == 0);
	CHECK(strcmp(sr_macho_version_str(V(10, 15, 0), true, b, sizeof b), "10.15.0") == 0);
}

int main(void)
{
	test_thin();
	test_fat();
	test_truncated();
	test_damaged_commands();
	test_names();
	return sr_test_summary("macho");
}
