/* glibc's /etc/ld.so.cache, read as ld.so (elf/dl-cache.c) and `ldconfig -p`
 * (elf/cache.c) read it, through the bounded reader.
 *
 * Three layouts exist (sysdeps/generic/dl-cache.h):
 *  - "new": header "glibc-ld.so.cache" "1.1" (48 bytes: nlibs, len_strings,
 *    a flags byte whose low two bits give the byte order, extension_offset),
 *    then nlibs 24-byte entries {int32 flags, key, value, osversion, uint64
 *    hwcap}, then the strings.  Key and value are offsets from the start of
 *    the new header.  The default since glibc 2.32.
 *  - "old": "ld.so-1.7.0" (11 bytes, padded to 12), uint32 nlibs, then nlibs
 *    12-byte entries {int32 flags, key, value}; offsets count from the end
 *    of the entry table.
 *  - "old+new" (`ldconfig -c compat`): the old layout, then, aligned, a whole
 *    new layout hidden in the old string table.  ld.so then reads only the new
 *    part, and so do we; offsets are again from the new header.
 *
 * The new header may carry an extension directory (at extension_offset from
 * the start of the file, magic 0xeaa42174, then {tag, flags, offset, size}
 * sections with offsets from the start of the file).  Tag 1 is an array of
 * uint32 string offsets naming glibc-hwcaps subdirectories; an entry whose
 * hwcap has bit 62 set (ignoring bits 0-31 and the ISA level bits 32-41)
 * takes its subdirectory from that array at index (uint32)hwcap.  ldconfig
 * writes those string offsets relative to the new header (as key and value);
 * glibc's readers take them from the start of the file, which only agrees in
 * the "new" layout (`ldconfig -c compat -p` prints garbage for them).  We
 * follow the writer.
 *
 * The byte order is the flags byte's (2 little, 3 big, 1 "invalid": ld.so
 * ignores such a cache); caches without it (old ldconfig) and old-format
 * headers are judged by which order gives a count that fits the file.  The
 * caller's reader byte order never matters. */
#include "shipready/ldcache.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

#define OLD_MAGIC "ld.so-1.7.0"
#define OLD_MAGIC_LEN 11
#define OLD_HDR 16          /* magic[11], padding, uint32 nlibs */
#define OLD_ENT 12
#define NEW_MAGIC "glibc-ld.so.cache1.1"
#define NEW_MAGIC_LEN 20
#define NEW_HDR 48
#define NEW_ENT 24

#define EXT_MAGIC 0xeaa42174u
#define EXT_TAG_HWCAPS 1u
#define HWCAP_EXTENSION (1ull << 62)
#define HWCAP_ISA_LEVEL_MASK 0x3ffu   /* DL_CACHE_HWCAP_ISA_LEVEL_COUNT = 10 bits */
#define HWCAP_TLS (1ull << 63)

#define ENDIAN_MASK 3u
#define ENDIAN_INVALID 1u
#define ENDIAN_LITTLE 2u
#define ENDIAN_BIG 3u

/* Limits: a name or path is at most PATH_MAX; a real cache holds a few
 * thousand entries, so 2^18 leaves room while keeping copies under the
 * arena limit; at most 1024 extension sections are looked at. */
#define MAX_STRING 4096
#define MAX_ENTRIES ((uint32_t)1 << 18)
#define MAX_EXT_SECTIONS 1024u

/* Values from sysdeps/generic/ldconfig.h. */
enum {
	FLAG_ELF = 0x0001,
	FLAG_ELF_LIBC6 = 0x0003,
	FLAG_SPARC_LIB64 = 0x0100,
	FLAG_IA64_LIB64 = 0x0200,
	FLAG_X8664_LIB64 = 0x0300,
	FLAG_S390_LIB64 = 0x0400,
	FLAG_POWERPC_LIB64 = 0x0500,
	FLAG_MIPS64_LIBN32 = 0x0600,
	FLAG_MIPS64_LIBN64 = 0x0700,
	FLAG_X8664_LIBX32 = 0x0800,
	FLAG_ARM_LIBHF = 0x0900,
	FLAG_AARCH64_LIB64 = 0x0a00,
	FLAG_ARM_LIBSF = 0x0b00,
	FLAG_MIPS_LIB32_NAN2008 = 0x0c00,
	FLAG_MIPS64_LIBN32_NAN2008 = 0x0d00,
	FLAG_MIPS64_LIBN64_NAN2008 = 0x0e00,
	FLAG_RISCV_FLOAT_ABI_SOFT = 0x0f00,
	FLAG_RISCV_FLOAT_ABI_DOUBLE = 0x1000,
	FLAG_LARCH_FLOAT_ABI_SOFT = 0x1100,
	FLAG_LARCH_FLOAT_ABI_DOUBLE = 0x1200,
};

/* ELF constants (elf.h, the psABIs). */
enum {
	EM_SPARC = 2, EM_386 = 3, EM_MIPS = 8, EM_SPARC32PLUS = 18, EM_PPC = 20, EM_PPC64 = 21,
	EM_S390 = 22, EM_ARM = 40, EM_SPARCV9 = 43, EM_IA_64 = 50, EM_X86_64 = 62, EM_AARCH64 = 183,
	EM_RISCV = 243, EM_LOONGARCH = 258,
};
#define EF_ARM_EABIMASK 0xff000000u
#define EF_ARM_EABI_VER5 0x05000000u
#define EF_ARM_ABI_FLOAT_SOFT 0x200u
#define EF_ARM_ABI_FLOAT_HARD 0x400u
#define EF_MIPS_ABI2 0x20u
#define EF_MIPS_NAN2008 0x400u
#define EF_RISCV_FLOAT_ABI 0x6u
#define EF_RISCV_FLOAT_ABI_SOFT 0x0u
#define EF_RISCV_FLOAT_ABI_DOUBLE 0x4u
#define EF_LARCH_ABI_SOFT_FLOAT 0x1u
#define EF_LARCH_ABI_DOUBLE_FLOAT 0x3u

struct sr_ldcache_priv {
	struct sr_arena *arena;
	/* The layout, for a cache opened with sr_ldcache_open (lazy): no
	 * entries are decoded; lookups search the caller's bytes as ld.so
	 * does.  img is the file in the cache's byte order, the entries start
	 * at ent0, strtab is where key and value offsets count from. */
	bool lazy;
	struct sr_reader img, strtab, hwcaps;
	bool have_hwcaps;
	uint64_t ent0;
	unsigned entsz;           /* 24 (new) or 12 (old) */
	uint32_t nlibs;
	bool any_hwcaps;   /* some entry names a glibc-hwcaps subdirectory */
};

struct ctx {
	struct sr_reader r;        /* the whole file, in the cache's byte order */
	struct sr_ldcache *c;
	struct sr_arena *a;
	bool lazy;                 /* sr_ldcache_open: the layout only, no entries */
	/* glibc-hwcaps names (tag 1 section), as a sub-reader; empty if none */
	struct sr_reader hwcaps;
	bool have_hwcaps;
};

static bool has_bytes(const struct sr_reader *r, uint64_t off, const char *s, size_t n)
{
	const uint8_t *p;
	return sr_read_view(r, off, n, &p) == SR_OK && memcmp(p, s, n) == 0;
}

/* A copy of the string at off in tab, or NULL if off is outside tab, the
 * string is unterminated or longer than MAX_STRING, or memory ran out. */
static const char *copy_str(struct ctx *x, const struct sr_reader *tab, uint64_t off)
{
	const char *s;
	size_t n;
	if (sr_read_cstr(tab, off, MAX_STRING, &s, &n) != SR_OK)
		return NULL;
	return sr_arena_strndup(x->a, s, n);
}

static uint32_t u32_at(const struct sr_reader *r, uint64_t off)
{
	uint32_t v = 0;
	(void)sr_read_u32(r, off, &v);   /* callers checked the range */
	return v;
}

/* The byte order under which the count at off fits `room` bytes of entries of
 * `ent` bytes each: when both do, the smaller count (a cache written in one
 * order reads as a huge count in the other unless the count is tiny). */
static bool pick_order(const struct sr_reader *file, uint64_t off, uint64_t room, uint64_t ent, bool *be)
{
	struct sr_reader le = *file, bg = *file;
	le.big_endian = false;
	bg.big_endian = true;
	uint32_t nl = u32_at(&le, off), nb = u32_at(&bg, off);
	bool fl = nl <= room / ent, fb = nb <= room / ent;
	if (!fl && !fb)
		return false;
	*be = fl && fb ? nb < nl : fb;
	return true;
}

/* The extension directory: find the glibc-hwcaps section.  A damaged
 * directory only loses the subdirectory names (ld.so then ignores hwcaps
 * too); it is not an error. */
static void load_extensions(struct ctx *x, uint32_t ext_off)
{
	const struct sr_reader *r = &x->r;
	if (ext_off == 0 || ext_off % 4 != 0 || !sr_reader_has(r, ext_off, 8))
		return;
	if (u32_at(r, ext_off) != EXT_MAGIC)
		return;
	uint32_t count = u32_at(r, ext_off + 4);
	if (!sr_reader_has(r, (uint64_t)ext_off + 8, (uint64_t)count * 16))
		return;
	if (count > MAX_EXT_SECTIONS)
		count = MAX_EXT_SECTIONS;
	for (uint32_t i = 0; i < count; i++) {
		uint64_t s = (uint64_t)ext_off + 8 + (uint64_t)i * 16;
		uint32_t tag = u32_at(r, s), off = u32_at(r, s + 8), size = u32_at(r, s + 12);
		if (!sr_reader_has(r, off, size))
			return;   /* like cache_extension_load: the whole directory is bad */
		if (tag != EXT_TAG_HWCAPS)
			continue;
		/* as cache_extension_verify: non-empty, 4-aligned, a multiple of 4 */
		if (size == 0 || off % 4 != 0 || size % 4 != 0) {
			x->have_hwcaps = false;
			continue;
		}
		if (sr_reader_sub(r, off, size, &x->hwcaps) == SR_OK)
			x->have_hwcaps = true;
	}
}

/* Where the name of an entry's glibc-hwcaps subdirectory is in the string
 * table (hwcaps: the tag 1 section, or NULL when there is none). */
static bool hwcaps_off(const struct sr_reader *hwcaps, uint64_t hwcap, uint32_t *off)
{
	uint32_t idx = (uint32_t)hwcap;
	if (!hwcaps || idx >= hwcaps->len / 4)
		return false;
	*off = u32_at(hwcaps, (uint64_t)idx * 4);
	return true;
}

/* The glibc-hwcaps subdirectory of an entry, or NULL. */
static const char *hwcaps_name(struct ctx *x, const struct sr_reader *strtab, uint64_t hwcap)
{
	uint32_t off;
	return hwcaps_off(x->have_hwcaps ? &x->hwcaps : NULL, hwcap, &off) ? copy_str(x, strtab, off) : NULL;
}

static bool is_hwcaps_entry(uint64_t hwcap)
{
	/* dl_cache_hwcap_extension(): only bit 62 set in the upper half,
	 * ignoring the ISA level bits */
	return ((hwcap >> 32) & ~(uint64_t)HWCAP_ISA_LEVEL_MASK) == (HWCAP_EXTENSION >> 32);
}

static enum sr_err check_count(uint32_t n, struct sr_error *err)
{
	if (n > MAX_ENTRIES)
		return sr_error_set(err, SR_E_UNSUPPORTED, "ld.so.cache holds %u entries, more than %u",
		                    (unsigned)n, (unsigned)MAX_ENTRIES);
	return SR_OK;
}

static enum sr_err alloc_entries(struct ctx *x, uint32_t n, struct sr_error *err)
{
	if (check_count(n, err) != SR_OK)
		return SR_E_UNSUPPORTED;
	if (n == 0)
		return SR_OK;
	x->c->entries = sr_arena_array(x->a, n, sizeof *x->c->entries);
	if (!x->c->entries)
		return sr_error_set(err, SR_E_NOMEM, "ld.so.cache: out of memory for %u entries", (unsigned)n);
	return SR_OK;
}

static void record_layout(struct ctx *x, uint64_t ent0, unsigned entsz, uint32_t nlibs, const struct sr_reader *strtab)
{
	struct sr_ldcache_priv *p = x->c->priv;
	p->img = x->r;
	p->ent0 = ent0;
	p->entsz = entsz;
	p->nlibs = nlibs;
	p->strtab = *strtab;
	p->hwcaps = x->hwcaps;
	p->have_hwcaps = x->have_hwcaps;
}

/* The new layout with its header at h. */
static enum sr_err parse_new(struct ctx *x, uint64_t h, struct sr_error *err)
{
	struct sr_reader *r = &x->r;
	if (!sr_reader_has(r, h, NEW_HDR))
		return sr_error_set(err, SR_E_TRUNCATED, "truncated ld.so.cache header");
	uint8_t flags = 0;
	(void)sr_read_u8(r, h + 28, &flags);
	uint64_t room = r->len - h - NEW_HDR;
	switch (flags & ENDIAN_MASK) {
	case ENDIAN_INVALID:
		return sr_error_set(err, SR_E_MALFORMED, "ld.so.cache is marked invalid");
	case ENDIAN_LITTLE:
		r->big_endian = false;
		break;
	case ENDIAN_BIG:
		r->big_endian = true;
		break;
	default:   /* unset: written by an ldconfig before glibc 2.33 */
		if (!pick_order(r, h + 20, room, NEW_ENT, &r->big_endian))
			return sr_error_set(err, SR_E_TRUNCATED, "truncated ld.so.cache entry table");
	}
	uint32_t nlibs = u32_at(r, h + 20);
	if (nlibs > room / NEW_ENT)
		return sr_error_set(err, SR_E_TRUNCATED, "truncated ld.so.cache entry table (%u entries)",
		                    (unsigned)nlibs);
	load_extensions(x, u32_at(r, h + 32));
	struct sr_reader strtab;
	(void)sr_reader_sub(r, h, r->len - h, &strtab);
	record_layout(x, h + NEW_HDR, NEW_ENT, nlibs, &strtab);
	if (x->lazy)
		return check_count(nlibs, err);
	enum sr_err rc = alloc_entries(x, nlibs, err);
	if (rc != SR_OK)
		return rc;
	for (uint32_t i = 0; i < nlibs; i++) {
		uint64_t e = h + NEW_HDR + (uint64_t)i * NEW_ENT;
		uint32_t fl = u32_at(r, e), key = u32_at(r, e + 4), value = u32_at(r, e + 8);
		uint64_t hwcap = 0;
		(void)sr_read_u64(r, e + 16, &hwcap);
		const char *name = copy_str(x, &strtab, key);
		const char *path = copy_str(x, &strtab, value);
		if (!name || !path)
			continue;   /* a damaged entry is skipped */
		struct sr_ldcache_entry *out = &x->c->entries[x->c->count++];
		out->name = name;
		out->path = path;
		out->flags = (int32_t)fl;
		out->hwcap = hwcap;
		out->hwcaps_subdir = is_hwcaps_entry(hwcap) ? hwcaps_name(x, &strtab, hwcap) : NULL;
	}
	return SR_OK;
}

/* The old layout alone, nlibs already checked to fit. */
static enum sr_err parse_old(struct ctx *x, struct sr_error *err)
{
	struct sr_reader *r = &x->r;
	uint32_t nlibs = u32_at(r, 12);
	uint64_t tab = OLD_HDR + (uint64_t)nlibs * OLD_ENT;
	struct sr_reader strtab;
	(void)sr_reader_sub(r, tab, r->len - tab, &strtab);
	record_layout(x, OLD_HDR, OLD_ENT, nlibs, &strtab);
	if (x->lazy)
		return check_count(nlibs, err);
	enum sr_err rc = alloc_entries(x, nlibs, err);
	if (rc != SR_OK)
		return rc;
	for (uint32_t i = 0; i < nlibs; i++) {
		uint64_t e = OLD_HDR + (uint64_t)i * OLD_ENT;
		const char *name = copy_str(x, &strtab, u32_at(r, e + 4));
		const char *path = copy_str(x, &strtab, u32_at(r, e + 8));
		if (!name || !path)
			continue;
		struct sr_ldcache_entry *out = &x->c->entries[x->c->count++];
		out->name = name;
		out->path = path;
		out->flags = (int32_t)u32_at(r, e);
	}
	return SR_OK;
}

static enum sr_err parse(struct ctx *x, struct sr_error *err)
{
	struct sr_reader *r = &x->r;
	if (has_bytes(r, 0, NEW_MAGIC, NEW_MAGIC_LEN)) {
		x->c->format = "new";
		return parse_new(x, 0, err);
	}
	if (!has_bytes(r, 0, OLD_MAGIC, OLD_MAGIC_LEN)) {
		if (r->len == 0)
			return sr_error_set(err, SR_E_EMPTY, "empty ld.so.cache");
		return sr_error_set(err, SR_E_NOT_BINARY, "not an ld.so.cache file (no known magic)");
	}
	if (!sr_reader_has(r, 0, OLD_HDR))
		return sr_error_set(err, SR_E_TRUNCATED, "truncated ld.so.cache header");
	/* A new layout after the old one, at the old table's end aligned to
	 * __alignof__(struct cache_file_new): 8 on 64-bit hosts, 4 on most
	 * 32-bit ones (ldconfig pads the old table to an even count so both
	 * agree; older ones did not).  Its presence also settles the old
	 * count's byte order. */
	for (int be = 0; be < 2; be++) {
		struct sr_reader o = *r;
		o.big_endian = be;
		uint32_t n = u32_at(&o, 12);
		if (n > (r->len - OLD_HDR) / OLD_ENT)
			continue;
		uint64_t end = OLD_HDR + (uint64_t)n * OLD_ENT;
		for (uint64_t al = 8; al >= 4; al /= 2) {
			uint64_t h = (end + al - 1) / al * al;
			if (has_bytes(r, h, NEW_MAGIC, NEW_MAGIC_LEN)) {
				x->c->format = "old+new";
				return parse_new(x, h, err);
			}
		}
	}
	x->c->format = "old";
	if (!pick_order(r, 12, r->len - OLD_HDR, OLD_ENT, &r->big_endian))
		return sr_error_set(err, SR_E_TRUNCATED, "truncated ld.so.cache entry table");
	return parse_old(x, err);
}

static bool lazy_any_hwcaps(const struct sr_ldcache_priv *p);

static enum sr_err load(const struct sr_reader *r, bool lazy, struct sr_ldcache **out, struct sr_error *err);

enum sr_err sr_ldcache_parse(const struct sr_reader *r, struct sr_ldcache **out, struct sr_error *err)
{
	return load(r, false, out, err);
}

enum sr_err sr_ldcache_open(const struct sr_reader *r, struct sr_ldcache **out, struct sr_error *err)
{
	return load(r, true, out, err);
}

static enum sr_err load(const struct sr_reader *r, bool lazy, struct sr_ldcache **out, struct sr_error *err)
{
	*out = NULL;
	if (!r)
		return sr_error_set(err, SR_E_USAGE, "no input");
	struct sr_ldcache *c = calloc(1, sizeof *c);
	struct sr_ldcache_priv *p = calloc(1, sizeof *p);
	struct sr_arena *a = sr_arena_new();
	if (!c || !p || !a) {
		free(c);
		free(p);
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	p->arena = a;
	c->priv = p;
	struct ctx x = { .r = *r, .c = c, .a = a, .lazy = lazy };
	enum sr_err rc = parse(&x, err);
	if (rc != SR_OK) {
		sr_ldcache_free(c);
		return rc;
	}
	if (lazy) {
		p->lazy = true;
		p->any_hwcaps = lazy_any_hwcaps(p);
		*out = c;
		return SR_OK;
	}
	for (size_t i = 0; i < c->count && !p->any_hwcaps; i++)
		p->any_hwcaps = c->entries[i].hwcaps_subdir != NULL;
	*out = c;
	return SR_OK;
}

void sr_ldcache_free(struct sr_ldcache *c)
{
	if (!c)
		return;
	if (c->priv) {
		sr_arena_free(c->priv->arena);
		free(c->priv);
	}
	free(c);
}

/* From each port's readelflib.c (the flags ldconfig gives such an object) and
 * dl-cache.h (_DL_CACHE_DEFAULT_ID, what that port's ld.so looks for). */
int32_t sr_ldcache_flags_for(unsigned elf_class, uint16_t machine, uint32_t e_flags)
{
	bool c32 = elf_class == 32, c64 = elf_class == 64;
	switch (machine) {
	case EM_386:
	case EM_SPARC:
	case EM_SPARC32PLUS:
	case EM_PPC:
		return c32 ? FLAG_ELF_LIBC6 : -1;
	case EM_X86_64:
		return c64 ? FLAG_X8664_LIB64 | FLAG_ELF_LIBC6 : c32 ? FLAG_X8664_LIBX32 | FLAG_ELF_LIBC6 : -1;
	case EM_SPARCV9:
		return c64 ? FLAG_SPARC_LIB64 | FLAG_ELF_LIBC6 : -1;
	case EM_IA_64:
		return c64 ? FLAG_IA64_LIB64 | FLAG_ELF_LIBC6 : -1;
	case EM_PPC64:
		return c64 ? FLAG_POWERPC_LIB64 | FLAG_ELF_LIBC6 : -1;
	case EM_S390:   /* s390 (31-bit) uses the generic check */
		return c64 ? FLAG_S390_LIB64 | FLAG_ELF_LIBC6 : c32 ? FLAG_ELF_LIBC6 : -1;
	case EM_AARCH64:   /* ILP32 (FLAG_AARCH64_LIB32) never reached mainline glibc */
		return c64 ? FLAG_AARCH64_LIB64 | FLAG_ELF_LIBC6 : -1;
	case EM_ARM:
		if (!c32)
			return -1;
		if ((e_flags & EF_ARM_EABIMASK) == EF_ARM_EABI_VER5) {
			if (e_flags & EF_ARM_ABI_FLOAT_HARD)
				return FLAG_ARM_LIBHF | FLAG_ELF_LIBC6;
			if (e_flags & EF_ARM_ABI_FLOAT_SOFT)
				return FLAG_ARM_LIBSF | FLAG_ELF_LIBC6;
		}
		return FLAG_ELF_LIBC6;   /* unmarked: compatible with both ABIs */
	case EM_MIPS: {
		bool nan2008 = (e_flags & EF_MIPS_NAN2008) != 0;
		if (c64)
			return (nan2008 ? FLAG_MIPS64_LIBN64_NAN2008 : FLAG_MIPS64_LIBN64) | FLAG_ELF_LIBC6;
		if (!c32)
			return -1;
		if (e_flags & EF_MIPS_ABI2)
			return (nan2008 ? FLAG_MIPS64_LIBN32_NAN2008 : FLAG_MIPS64_LIBN32) | FLAG_ELF_LIBC6;
		return nan2008 ? FLAG_MIPS_LIB32_NAN2008 | FLAG_ELF_LIBC6 : FLAG_ELF_LIBC6;   /* o32 */
	}
	case EM_RISCV:   /* the same flags for RV32 and RV64; single and quad float unsupported */
		if (!c32 && !c64)
			return -1;
		switch (e_flags & EF_RISCV_FLOAT_ABI) {
		case EF_RISCV_FLOAT_ABI_SOFT:
			return FLAG_RISCV_FLOAT_ABI_SOFT | FLAG_ELF_LIBC6;
		case EF_RISCV_FLOAT_ABI_DOUBLE:
			return FLAG_RISCV_FLOAT_ABI_DOUBLE | FLAG_ELF_LIBC6;
		default:
			return -1;
		}
	case EM_LOONGARCH:   /* EF_LARCH_OBJABI_V1 (0x40) is ignored */
		if (!c64)
			return -1;
		switch (e_flags & EF_LARCH_ABI_DOUBLE_FLOAT) {
		case EF_LARCH_ABI_SOFT_FLOAT:
			return FLAG_LARCH_FLOAT_ABI_SOFT | FLAG_ELF_LIBC6;
		case EF_LARCH_ABI_DOUBLE_FLOAT:
			return FLAG_LARCH_FLOAT_ABI_DOUBLE | FLAG_ELF_LIBC6;
		default:
			return -1;
		}
	default:
		return -1;
	}
}

/* ld.so compares names with _dl_cache_libcmp, under which runs of digits
 * compare by value ("libfoo.so.01" names the same as "libfoo.so.1").  Only
 * equality matters here; digit runs are compared without converting them
 * (no overflow on long runs). */
static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

static bool libname_eq(const char *a, const char *b)
{
	while (*a && *b) {
		if (is_digit(*a) && is_digit(*b)) {
			while (*a == '0' && is_digit(a[1]))
				a++;
			while (*b == '0' && is_digit(b[1]))
				b++;
			size_t na = 0, nb = 0;
			while (is_digit(a[na]))
				na++;
			while (is_digit(b[nb]))
				nb++;
			if (na != nb || memcmp(a, b, na) != 0)
				return false;
			a += na;
			b += nb;
			continue;
		}
		if (*a != *b)
			return false;
		a++;
		b++;
	}
	return *a == *b;
}

/* Flags ld.so also accepts, after the exact ones (_dl_cache_check_flags):
 * the generic check takes FLAG_ELF (1) besides 3; ARM takes unmarked
 * objects (3) for both float ABIs. */
static bool fallback_flags(int32_t want, int32_t have)
{
	if (want == FLAG_ELF_LIBC6)
		return have == FLAG_ELF;
	if (want == (FLAG_ARM_LIBHF | FLAG_ELF_LIBC6) || want == (FLAG_ARM_LIBSF | FLAG_ELF_LIBC6))
		return have == FLAG_ELF_LIBC6;
	return false;
}

/* ---------- lookups in a lazily opened cache (sr_ldcache_open) ---------- */

/* _dl_cache_libcmp: names compare character by character, except that runs
 * of digits compare by their value, and a digit sorts after a non-digit.
 * The values are accumulated in 32 bits with wrap-around, as ld.so's int
 * arithmetic behaves on the machines it runs on.  Other bytes compare as
 * unsigned (ld.so compares plain chars, signed on x86: the orders differ
 * only for names with bytes over 0x7f, which no library has). */
static int libname_cmp(const char *a, const char *b)
{
	while (*a) {
		if (is_digit(*a)) {
			if (!is_digit(*b))
				return 1;
			uint32_t va = 0, vb = 0;
			while (is_digit(*a))
				va = va * 10u + (uint32_t)(*a++ - '0');
			while (is_digit(*b))
				vb = vb * 10u + (uint32_t)(*b++ - '0');
			if (va != vb)
				return (int32_t)(va - vb) < 0 ? -1 : 1;
		} else if (is_digit(*b)) {
			return -1;
		} else if (*a != *b) {
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		} else {
			a++;
			b++;
		}
	}
	return *b ? -1 : 0;
}

struct lazy_entry {
	int32_t flags;
	uint32_t key, value;
	uint64_t hwcap;
};

static struct lazy_entry lazy_entry_at(const struct sr_ldcache_priv *p, uint32_t i)
{
	struct lazy_entry e = { 0, 0, 0, 0 };
	uint64_t at = p->ent0 + (uint64_t)i * p->entsz;
	e.flags = (int32_t)u32_at(&p->img, at);
	e.key = u32_at(&p->img, at + 4);
	e.value = u32_at(&p->img, at + 8);
	if (p->entsz == NEW_ENT)
		(void)sr_read_u64(&p->img, at + 16, &e.hwcap);
	return e;
}

/* The string at off of the string table (NULL: outside it, unterminated,
 * or over MAX_STRING), borrowed from the caller's bytes. */
static const char *lazy_str(const struct sr_ldcache_priv *p, uint32_t off)
{
	const char *s;
	return sr_read_cstr(&p->strtab, off, MAX_STRING, &s, NULL) == SR_OK ? s : NULL;
}

static const char *lazy_hwcaps_name(const struct sr_ldcache_priv *p, uint64_t hwcap)
{
	uint32_t off;
	if (!is_hwcaps_entry(hwcap) || !hwcaps_off(p->have_hwcaps ? &p->hwcaps : NULL, hwcap, &off))
		return NULL;
	return lazy_str(p, off);
}

static bool lazy_any_hwcaps(const struct sr_ldcache_priv *p)
{
	for (uint32_t i = 0; i < p->nlibs && p->have_hwcaps && p->entsz == NEW_ENT; i++) {
		struct lazy_entry e = lazy_entry_at(p, i);
		if (is_hwcaps_entry(e.hwcap) && lazy_hwcaps_name(p, e.hwcap) && lazy_str(p, e.key) && lazy_str(p, e.value))
			return true;
	}
	return false;
}

/* The entries named name, as ld.so's search_cache finds them: a binary
 * search of the table, which ldconfig sorts by _dl_cache_libcmp in
 * descending order, then back to the first entry of that name; the run
 * ends at the first other name or past the search's right bound.  False
 * when no entry has the name, or when the search meets an entry whose name
 * is outside the string table (ld.so gives up there too). */
static bool lazy_run(const struct sr_ldcache_priv *p, const char *name, uint32_t *first, uint32_t *end)
{
	int64_t left = 0, right = (int64_t)p->nlibs - 1;
	while (left <= right) {
		int64_t mid = (left + right) / 2;
		const char *k = lazy_str(p, lazy_entry_at(p, (uint32_t)mid).key);
		if (!k)
			return false;
		int cmp = libname_cmp(name, k);
		if (cmp == 0) {
			int64_t lo = mid, hi = mid + 1;
			while (lo > 0) {
				const char *prev = lazy_str(p, lazy_entry_at(p, (uint32_t)(lo - 1)).key);
				if (!prev || libname_cmp(name, prev) != 0)
					break;
				lo--;
			}
			while (hi <= right) {
				const char *next = lazy_str(p, lazy_entry_at(p, (uint32_t)hi).key);
				if (!next || libname_cmp(name, next) != 0)
					break;
				hi++;
			}
			*first = (uint32_t)lo;
			*end = (uint32_t)hi;
			return true;
		}
		if (cmp < 0)
			left = mid + 1;
		else
			right = mid - 1;
	}
	return false;
}

/* sr_ldcache_lookup_hwcaps over the run: the same choice as the whole-table
 * lookups below make among the entries of that name, in table order. */
static const char *lazy_lookup(const struct sr_ldcache *c, const char *name, int32_t want_flags,
                               const char *const *subdirs, size_t nsubdirs)
{
	const struct sr_ldcache_priv *p = c->priv;
	uint32_t first, end;
	if (!lazy_run(p, name, &first, &end))
		return NULL;
	for (size_t k = 0; k < nsubdirs && p->any_hwcaps; k++)
		for (uint32_t i = first; i < end; i++) {
			struct lazy_entry e = lazy_entry_at(p, i);
			const char *sub = lazy_hwcaps_name(p, e.hwcap);
			const char *path = lazy_str(p, e.value);
			if (sub && path && strcmp(sub, subdirs[k]) == 0 &&
			    (e.flags == want_flags || fallback_flags(want_flags, e.flags)))
				return path;
		}
	const char *fallback = NULL;
	for (uint32_t i = first; i < end; i++) {
		struct lazy_entry e = lazy_entry_at(p, i);
		const char *path = lazy_str(p, e.value);
		if (!path || (e.hwcap & ~HWCAP_TLS))
			continue;
		if (e.flags == want_flags)
			return path;
		if (!fallback && fallback_flags(want_flags, e.flags))
			fallback = path;
	}
	return fallback;
}

bool sr_ldcache_has_hwcaps(const struct sr_ldcache *c)
{
	return c && c->priv && c->priv->any_hwcaps;
}

const char *sr_ldcache_lookup_hwcaps(const struct sr_ldcache *c, const char *name, int32_t want_flags,
                                     const char *const *subdirs, size_t nsubdirs)
{
	if (!c || !name)
		return NULL;
	if (c->priv && c->priv->lazy)
		return lazy_lookup(c, name, want_flags, subdirs, nsubdirs);
	/* glibc-hwcaps entries first, in the priority order of the subdirectories
	 * the CPU supports (ld.so's _dl_hwcaps_subdirs order) */
	for (size_t k = 0; k < nsubdirs; k++) {
		for (size_t j = 0; j < c->count; j++) {
			const struct sr_ldcache_entry *e = &c->entries[j];
			if (!e->hwcaps_subdir || strcmp(e->hwcaps_subdir, subdirs[k]) != 0)
				continue;
			if (libname_eq(e->name, name) && (e->flags == want_flags || fallback_flags(want_flags, e->flags)))
				return e->path;
		}
	}
	return sr_ldcache_lookup(c, name, want_flags);
}

const char *sr_ldcache_lookup(const struct sr_ldcache *c, const char *name, int32_t want_flags)
{
	if (!c || !name)
		return NULL;
	if (c->priv && c->priv->lazy)
		return lazy_lookup(c, name, want_flags, NULL, 0);
	const char *fallback = NULL;
	for (size_t j = 0; j < c->count; j++) {
		const struct sr_ldcache_entry *e = &c->entries[j];
		/* ld.so prefers a glibc-hwcaps entry (ldconfig sorts them first)
		 * when the running CPU supports that subdirectory's ISA level, and
		 * legacy hwcap entries when the CPU has those hwcap bits.  We look
		 * at a binary for an unknown target CPU, so we take only what
		 * every CPU of the architecture would get: the baseline entry.
		 * (Bit 63 alone marks an old "tls" directory: any CPU.) */
		if (e->hwcap & ~HWCAP_TLS)
			continue;
		if (!libname_eq(e->name, name))
			continue;
		if (e->flags == want_flags)
			return e->path;
		if (!fallback && fallback_flags(want_flags, e->flags))
			fallback = e->path;
	}
	return fallback;
}
