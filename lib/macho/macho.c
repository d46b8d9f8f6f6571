/* Mach-O reader: thin files and universal (fat, fat64) files, one slice per
 * architecture, all through the bounded reader.
 *
 * Policy for damaged files (like lib/elf, see docs/security.md):
 *  - a file is refused (hard error) only when its own header is unreadable:
 *    bad magic, a truncated Mach-O or universal header, a universal header
 *    with no slices or an absurd count, or no slice that can be read;
 *  - a slice of a universal file that lies outside the file, overlaps the
 *    universal header or an earlier slice, or has no readable Mach-O header
 *    is kept with parsed == false and the reason, and the others are read;
 *  - inside a slice, a damaged load command (too short, a string outside the
 *    command, a size that is not a multiple of 4/8) is dropped or read as far
 *    as it is sound, with a warning; a command of size < 8 or running past
 *    the load-command area ends the walk (the loader would refuse the file).
 *
 * Every offset of a slice is relative to the slice: a sub-reader over the
 * slice's bytes in the slice's own byte order (the universal header is
 * always big-endian, the code-signature blobs too). */
#include "shipready/macho.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macho/macho_consts.h"
#include "util/arena.h"
#include "util/strlist.h"

struct sr_macho_priv {
	struct sr_arena *arena;
};

/* A growable list of strings in the arena, capped at SR_MACHO_MAX_LIST. */
/* One slice being parsed. */
struct sctx {
	struct sr_reader r;            /* the slice, in its byte order */
	struct sr_macho_slice *s;
	struct sr_arena *a;
	unsigned wsz;                  /* 4 or 8 */
	size_t dylib_cap, ver_cap, seg_cap, sect_cap;
	struct sr_strlist_b rpaths, warnings;
	bool seen_uuid, seen_main, seen_codesig, seen_encryption;
};

/* ---------- small helpers ---------- */

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void warn(struct sctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sr_strlist_vwarn(c->a, &c->warnings, fmt, ap);
	va_end(ap);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void warn_to(struct sr_arena *a, struct sr_strlist_b *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sr_strlist_vwarn(a, b, fmt, ap);
	va_end(ap);
}

static const char *cmd_name(uint32_t cmd, char *buf, size_t len)
{
	const char *n = sr_macho_cmd_name(cmd);
	if (n)
		return n;
	snprintf(buf, len, "command 0x%x", (unsigned)cmd);
	return buf;
}

/* A fixed 16-byte name field (segname, sectname): up to the first NUL. */
static const char *name16(struct sctx *c, const struct sr_reader *lc, uint64_t off)
{
	char buf[17] = {0};
	if (sr_read_bytes(lc, off, 16, buf) != SR_OK)
		return NULL;
	return sr_arena_strdup(c->a, buf);
}

/* An lc_str: a u32 offset at `field` inside the command, pointing to a
 * NUL-terminated string that must start after the fixed part (`min`) and
 * end inside the command.  NULL (and a warning) otherwise. */
static const char *lc_string(struct sctx *c, const struct sr_reader *lc, uint64_t field, uint64_t min,
                             const char *what, uint32_t index)
{
	uint32_t off;
	if (sr_read_u32(lc, field, &off) != SR_OK)
		return NULL;
	if (off < min || off >= lc->len) {
		warn(c, "load command %u (%s): string offset %u is outside the command (%zu bytes)", (unsigned)index,
		     what, (unsigned)off, lc->len);
		return NULL;
	}
	const char *s;
	size_t n;
	if (sr_read_cstr(lc, off, SR_MACHO_MAX_STRING, &s, &n) != SR_OK) {
		warn(c, "load command %u (%s): string is not terminated inside the command", (unsigned)index, what);
		return NULL;
	}
	return sr_arena_strndup(c->a, s, n);
}

static bool too_short(struct sctx *c, const struct sr_reader *lc, uint64_t need, const char *what, uint32_t index)
{
	if (lc->len >= need)
		return false;
	warn(c, "load command %u (%s) is too short (%zu bytes, needs %llu); ignored", (unsigned)index, what, lc->len,
	     (unsigned long long)need);
	return true;
}

/* ---------- load commands ---------- */

static void add_dylib(struct sctx *c, const struct sr_reader *lc, uint32_t cmd, uint32_t index)
{
	struct sr_macho_slice *s = c->s;
	const char *what = sr_macho_cmd_name(cmd);
	if (too_short(c, lc, 24, what, index))
		return;
	struct sr_macho_dylib d = { .cmd = cmd };
	sr_read_u32(lc, 12, &d.timestamp);
	sr_read_u32(lc, 16, &d.current_version);
	sr_read_u32(lc, 20, &d.compat_version);
	d.name = lc_string(c, lc, 8, 24, what, index);
	if (!d.name)
		return;
	switch (cmd) {
	case LC_LOAD_WEAK_DYLIB: d.kind = SR_MACHO_DYLIB_WEAK; break;
	case LC_REEXPORT_DYLIB: d.kind = SR_MACHO_DYLIB_REEXPORT; break;
	case LC_LAZY_LOAD_DYLIB: d.kind = SR_MACHO_DYLIB_LAZY; break;
	case LC_LOAD_UPWARD_DYLIB: d.kind = SR_MACHO_DYLIB_UPWARD; break;
	default: d.kind = SR_MACHO_DYLIB_LOAD; break;
	}
	if (cmd == LC_ID_DYLIB) {
		if (s->has_id_dylib) {
			warn(c, "load command %u: a second LC_ID_DYLIB; ignored", (unsigned)index);
			return;
		}
		s->has_id_dylib = true;
		s->id_dylib = d;
		return;
	}
	struct sr_macho_dylib *arr = sr_arena_grow(c->a, s->dylibs, s->ndylibs, &c->dylib_cap, sizeof *arr,
	                                           SR_MACHO_MAX_LIST);
	if (!arr) {
		warn(c, "too many dylibs; list cut at %u", SR_MACHO_MAX_LIST);
		return;
	}
	s->dylibs = arr;
	arr[s->ndylibs++] = d;
}

static void add_version(struct sctx *c, const struct sr_reader *lc, uint32_t cmd, uint32_t index)
{
	struct sr_macho_slice *s = c->s;
	const char *what = sr_macho_cmd_name(cmd);
	struct sr_macho_minos v = { .cmd = cmd };
	if (cmd == LC_BUILD_VERSION) {
		uint32_t ntools = 0;
		if (too_short(c, lc, 24, what, index))
			return;
		sr_read_u32(lc, 8, &v.platform);
		sr_read_u32(lc, 12, &v.minos);
		sr_read_u32(lc, 16, &v.sdk);
		sr_read_u32(lc, 20, &ntools);
		uint64_t room = (lc->len - 24) / 8;
		if (ntools > room) {
			warn(c, "load command %u (LC_BUILD_VERSION) lists %u tools but has room for %llu", (unsigned)index,
			     (unsigned)ntools, (unsigned long long)room);
			ntools = (uint32_t)room;
		}
		if (ntools > SR_MACHO_MAX_TOOLS)
			ntools = SR_MACHO_MAX_TOOLS;
		if (ntools > 0) {
			struct sr_macho_tool *t = sr_arena_array(c->a, ntools, sizeof *t);
			if (t) {
				for (uint32_t i = 0; i < ntools; i++) {
					sr_read_u32(lc, 24 + 8 * (uint64_t)i, &t[i].tool);
					sr_read_u32(lc, 28 + 8 * (uint64_t)i, &t[i].version);
				}
				v.tools = t;
				v.ntools = ntools;
			}
		}
	} else {
		if (too_short(c, lc, 16, what, index))
			return;
		sr_read_u32(lc, 8, &v.minos);
		sr_read_u32(lc, 12, &v.sdk);
		v.platform = cmd == LC_VERSION_MIN_MACOSX ? PLATFORM_MACOS
		           : cmd == LC_VERSION_MIN_IPHONEOS ? PLATFORM_IOS
		           : cmd == LC_VERSION_MIN_TVOS ? PLATFORM_TVOS : PLATFORM_WATCHOS;
	}
	struct sr_macho_minos *arr = sr_arena_grow(c->a, s->versions, s->nversions, &c->ver_cap, sizeof *arr,
	                                           SR_MACHO_MAX_VERSIONS);
	if (!arr) {
		warn(c, "too many OS version commands; list cut at %u", SR_MACHO_MAX_VERSIONS);
		return;
	}
	s->versions = arr;
	arr[s->nversions++] = v;
}

/* Read the code signature's CodeDirectory flags (big-endian blobs). */
static void read_code_signature(struct sctx *c)
{
	struct sr_macho_slice *s = c->s;
	struct sr_reader blob;
	if (sr_reader_sub(&c->r, s->codesig_off, s->codesig_size, &blob) != SR_OK) {
		warn(c, "code signature (offset %u, %u bytes) is outside the file", (unsigned)s->codesig_off,
		     (unsigned)s->codesig_size);
		return;
	}
	blob.big_endian = true;
	uint32_t magic, length, count;
	if (sr_read_u32(&blob, 0, &magic) || sr_read_u32(&blob, 4, &length) || sr_read_u32(&blob, 8, &count) ||
	    magic != CSMAGIC_EMBEDDED_SIGNATURE) {
		warn(c, "code signature is not an embedded signature blob");
		return;
	}
	sr_reader_shrink(&blob, length);
	for (uint32_t i = 0; i < count && i < 64; i++) {
		uint32_t type, off, cdmagic, flags;
		if (sr_read_u32(&blob, 12 + 8 * (uint64_t)i, &type) || sr_read_u32(&blob, 16 + 8 * (uint64_t)i, &off))
			break;
		if (type != CSSLOT_CODEDIRECTORY)
			continue;
		if (sr_read_u32(&blob, off, &cdmagic) || cdmagic != CSMAGIC_CODEDIRECTORY ||
		    sr_read_u32(&blob, (uint64_t)off + 12, &flags)) {
			warn(c, "code signature: the code directory is unreadable");
			return;
		}
		s->has_code_directory = true;
		s->cd_flags = flags;
		s->adhoc = (flags & CS_ADHOC) ? SR_TRI_YES : SR_TRI_NO;
		return;
	}
	warn(c, "code signature has no code directory");
}

static void add_segment(struct sctx *c, const struct sr_reader *lc, uint32_t cmd, uint32_t index)
{
	struct sr_macho_slice *s = c->s;
	bool is64 = cmd == LC_SEGMENT_64;
	const char *what = is64 ? "LC_SEGMENT_64" : "LC_SEGMENT";
	uint64_t fixed = is64 ? 72 : 56, sectsz = is64 ? 80 : 68;
	if (too_short(c, lc, fixed, what, index))
		return;
	struct sr_macho_segment g = { .first_section = s->nsections };
	g.name = name16(c, lc, 8);
	if (!g.name)
		return;
	uint64_t o = 24;
	if (is64) {
		sr_read_u64(lc, 24, &g.vmaddr);
		sr_read_u64(lc, 32, &g.vmsize);
		sr_read_u64(lc, 40, &g.fileoff);
		sr_read_u64(lc, 48, &g.filesize);
		o = 56;
	} else {
		uint32_t v[4] = {0};
		for (unsigned i = 0; i < 4; i++)
			sr_read_u32(lc, 24 + 4 * i, &v[i]);
		g.vmaddr = v[0];
		g.vmsize = v[1];
		g.fileoff = v[2];
		g.filesize = v[3];
		o = 40;
	}
	sr_read_u32(lc, o, &g.maxprot);
	sr_read_u32(lc, o + 4, &g.initprot);
	sr_read_u32(lc, o + 8, &g.nsects);
	sr_read_u32(lc, o + 12, &g.flags);

	struct sr_macho_segment *arr = sr_arena_grow(c->a, s->segments, s->nsegments, &c->seg_cap, sizeof *arr,
	                                             SR_MACHO_MAX_LIST);
	if (!arr) {
		warn(c, "too many segments; list cut at %u", SR_MACHO_MAX_LIST);
		return;
	}
	s->segments = arr;

	uint64_t nsects = g.nsects, room = (lc->len - fixed) / sectsz;
	if (nsects > room) {
		warn(c, "load command %u (%s %s) claims %u sections but has room for %llu", (unsigned)index, what, g.name,
		     (unsigned)g.nsects, (unsigned long long)room);
		nsects = room;
	}
	for (uint64_t i = 0; i < nsects; i++) {
		if (s->nsections >= SR_IMAGE_MAX_SECTIONS) {
			warn(c, "too many sections; list cut at %u", SR_IMAGE_MAX_SECTIONS);
			break;
		}
		struct sr_macho_section *t = sr_arena_grow(c->a, s->sections, s->nsections, &c->sect_cap, sizeof *t,
		                                           SR_IMAGE_MAX_SECTIONS);
		if (!t)
			break;
		s->sections = t;
		uint64_t p = fixed + i * sectsz;
		struct sr_macho_section x = {0};
		x.sectname = name16(c, lc, p);
		x.segname = name16(c, lc, p + 16);
		if (!x.sectname || !x.segname)
			break;
		uint64_t q;
		if (is64) {
			sr_read_u64(lc, p + 32, &x.addr);
			sr_read_u64(lc, p + 40, &x.size);
			q = p + 48;
		} else {
			uint32_t ad = 0, sz = 0;
			sr_read_u32(lc, p + 32, &ad);
			sr_read_u32(lc, p + 36, &sz);
			x.addr = ad;
			x.size = sz;
			q = p + 40;
		}
		sr_read_u32(lc, q, &x.offset);
		sr_read_u32(lc, q + 4, &x.align);
		sr_read_u32(lc, q + 8, &x.reloff);
		sr_read_u32(lc, q + 12, &x.nreloc);
		sr_read_u32(lc, q + 16, &x.flags);
		sr_read_u32(lc, q + 20, &x.reserved1);
		sr_read_u32(lc, q + 24, &x.reserved2);
		if (is64)
			sr_read_u32(lc, q + 28, &x.reserved3);
		t[s->nsections++] = x;
		g.nsections++;
	}
	arr[s->nsegments++] = g;
}

static void load_command(struct sctx *c, const struct sr_reader *lc, uint32_t cmd, uint32_t index)
{
	struct sr_macho_slice *s = c->s;
	char nbuf[32];
	const char *what = cmd_name(cmd, nbuf, sizeof nbuf);
	switch (cmd) {
	case LC_SEGMENT:
	case LC_SEGMENT_64:
		add_segment(c, lc, cmd, index);
		break;
	case LC_LOAD_DYLIB:
	case LC_LOAD_WEAK_DYLIB:
	case LC_REEXPORT_DYLIB:
	case LC_LAZY_LOAD_DYLIB:
	case LC_LOAD_UPWARD_DYLIB:
	case LC_ID_DYLIB:
		add_dylib(c, lc, cmd, index);
		break;
	case LC_LOAD_DYLINKER:
		if (!too_short(c, lc, 12, what, index) && !s->dylinker)
			s->dylinker = lc_string(c, lc, 8, 12, what, index);
		break;
	case LC_RPATH: {
		if (too_short(c, lc, 12, what, index))
			break;
		const char *p = lc_string(c, lc, 8, 12, what, index);
		if (p && !sr_strlist_push(c->a, &c->rpaths, p, SR_MACHO_MAX_LIST))
			warn(c, "too many LC_RPATH entries; list cut at %u", SR_MACHO_MAX_LIST);
		break;
	}
	case LC_MAIN:
		if (too_short(c, lc, 24, what, index))
			break;
		if (c->seen_main) {
			warn(c, "load command %u: a second LC_MAIN; ignored", (unsigned)index);
			break;
		}
		c->seen_main = s->has_main = true;
		sr_read_u64(lc, 8, &s->entryoff);
		sr_read_u64(lc, 16, &s->stacksize);
		break;
	case LC_BUILD_VERSION:
	case LC_VERSION_MIN_MACOSX:
	case LC_VERSION_MIN_IPHONEOS:
	case LC_VERSION_MIN_TVOS:
	case LC_VERSION_MIN_WATCHOS:
		add_version(c, lc, cmd, index);
		break;
	case LC_UUID:
		if (too_short(c, lc, 24, what, index))
			break;
		if (c->seen_uuid) {
			warn(c, "load command %u: a second LC_UUID; ignored", (unsigned)index);
			break;
		}
		c->seen_uuid = s->has_uuid = true;
		sr_read_bytes(lc, 8, 16, s->uuid);
		break;
	case LC_CODE_SIGNATURE:
		if (too_short(c, lc, 16, what, index))
			break;
		if (c->seen_codesig) {
			warn(c, "load command %u: a second LC_CODE_SIGNATURE; ignored", (unsigned)index);
			break;
		}
		c->seen_codesig = s->has_code_signature = true;
		sr_read_u32(lc, 8, &s->codesig_off);
		sr_read_u32(lc, 12, &s->codesig_size);
		read_code_signature(c);
		break;
	case LC_ENCRYPTION_INFO:
	case LC_ENCRYPTION_INFO_64:
		if (too_short(c, lc, 20, what, index))
			break;
		if (c->seen_encryption) {
			warn(c, "load command %u: a second %s; ignored", (unsigned)index, what);
			break;
		}
		c->seen_encryption = s->has_encryption_info = true;
		sr_read_u32(lc, 8, &s->cryptoff);
		sr_read_u32(lc, 12, &s->cryptsize);
		sr_read_u32(lc, 16, &s->cryptid);
		break;
	default:
		break;
	}
}

/* ---------- the image for format-neutral readers ---------- */

static bool zerofill(uint32_t flags)
{
	uint32_t t = flags & SECTION_TYPE;
	return t == S_ZEROFILL || t == S_GB_ZEROFILL || t == S_THREAD_LOCAL_ZEROFILL;
}

static void fill_image(struct sctx *c)
{
	struct sr_macho_slice *s = c->s;
	struct sr_image *img = &s->image;
	img->format = SR_IMAGE_MACHO;
	img->file = c->r;
	img->ptr_size = c->wsz;
	img->big_endian = s->big_endian;

	struct sr_image_seg *segs = s->nsegments ? sr_arena_array(c->a, s->nsegments, sizeof *segs) : NULL;
	struct sr_image_sect *sects = s->nsections ? sr_arena_array(c->a, s->nsections, sizeof *sects) : NULL;
	if ((s->nsegments && !segs) || (s->nsections && !sects)) {
		warn(c, "no room for the memory image (memory limit)");
		return;
	}
	uint64_t len = c->r.len;
	for (size_t i = 0; i < s->nsegments; i++) {
		const struct sr_macho_segment *g = &s->segments[i];
		uint64_t filesz = g->filesize;
		if (filesz > 0 && !sr_reader_has(&c->r, g->fileoff, filesz)) {
			warn(c, "segment %s (offset %llu, %llu bytes) extends past the end of the file; cut", g->name,
			     (unsigned long long)g->fileoff, (unsigned long long)g->filesize);
			filesz = g->fileoff < len ? len - g->fileoff : 0;
		}
		if (strcmp(g->name, "__PAGEZERO") == 0)
			filesz = 0;
		segs[i] = (struct sr_image_seg){
			.vaddr = g->vmaddr, .memsz = g->vmsize, .offset = g->fileoff, .filesz = filesz,
			.prot = ((g->initprot & VM_PROT_READ) ? SR_PROT_R : 0) |
			        ((g->initprot & VM_PROT_WRITE) ? SR_PROT_W : 0) |
			        ((g->initprot & VM_PROT_EXECUTE) ? SR_PROT_X : 0),
			.name = g->name,
		};
	}
	for (size_t i = 0; i < s->nsections; i++) {
		const struct sr_macho_section *x = &s->sections[i];
		bool in_file = !zerofill(x->flags);
		/* in_file promises readable bytes, even for an empty section */
		if (in_file && !sr_reader_has(&c->r, x->offset, x->size)) {
			if (x->size > 0)
				warn(c, "section %s,%s (offset %u, %llu bytes) extends past the end of the file",
				     x->segname, x->sectname, (unsigned)x->offset, (unsigned long long)x->size);
			in_file = false;
		}
		sects[i] = (struct sr_image_sect){
			.name = x->sectname, .addr = x->addr, .size = x->size, .offset = x->offset,
			.in_file = in_file, .alloc = true, .raw_flags = x->flags,
		};
	}
	img->segs = segs;
	img->nsegs = s->nsegments;
	img->sects = sects;
	img->nsects = s->nsections;
}

/* ---------- one slice ---------- */

/* Parse the Mach-O image in r (a thin file or one slice).  SR_OK unless the
 * Mach header itself is missing or unreadable (reason in err). */
static enum sr_err parse_slice(struct sr_arena *a, const struct sr_reader *r, struct sr_macho_slice *s,
                               struct sr_error *err)
{
	uint8_t m[4];
	if (sr_read_bytes(r, 0, 4, m) != SR_OK)
		return sr_error_set(err, SR_E_TRUNCATED, "truncated Mach-O header");
	uint32_t be = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	struct sctx cx = { .r = *r, .s = s, .a = a };
	struct sctx *c = &cx;
	switch (be) {
	case MH_MAGIC: c->r.big_endian = true; s->bits = 32; break;
	case MH_MAGIC_64: c->r.big_endian = true; s->bits = 64; break;
	case MH_CIGAM: c->r.big_endian = false; s->bits = 32; break;
	case MH_CIGAM_64: c->r.big_endian = false; s->bits = 64; break;
	case FAT_MAGIC:
	case FAT_MAGIC_64:
		return sr_error_set(err, SR_E_MALFORMED, "a universal file inside a universal file");
	default:
		return sr_error_set(err, SR_E_NOT_BINARY, "not a Mach-O file (magic 0x%08x)", (unsigned)be);
	}
	s->big_endian = c->r.big_endian;
	c->wsz = s->bits / 8;
	uint64_t hdr = s->bits == 64 ? 32 : 28;
	if (!sr_reader_has(&c->r, 0, hdr))
		return sr_error_set(err, SR_E_TRUNCATED, "truncated Mach-O header");
	sr_read_u32(&c->r, 0, &s->magic);
	sr_read_u32(&c->r, 4, &s->cputype);
	sr_read_u32(&c->r, 8, &s->cpusubtype);
	sr_read_u32(&c->r, 12, &s->filetype);
	sr_read_u32(&c->r, 16, &s->ncmds);
	sr_read_u32(&c->r, 20, &s->sizeofcmds);
	sr_read_u32(&c->r, 24, &s->flags);
	s->adhoc = SR_TRI_UNKNOWN;
	s->parsed = true;
	c->rpaths.out = &s->rpaths;
	c->warnings.out = &s->warnings;

	uint64_t end = hdr + (uint64_t)s->sizeofcmds;
	if (end > c->r.len) {
		warn(c, "load commands (%u bytes) run past the end of the file; read as far as it goes",
		     (unsigned)s->sizeofcmds);
		end = c->r.len;
	}
	uint32_t ncmds = s->ncmds;
	if (ncmds > SR_MACHO_MAX_CMDS) {
		warn(c, "%u load commands; only the first %u are read", (unsigned)ncmds, SR_MACHO_MAX_CMDS);
		ncmds = SR_MACHO_MAX_CMDS;
	}
	unsigned align = s->bits == 64 ? 8 : 4;
	uint64_t pos = hdr;
	for (uint32_t i = 0; i < ncmds; i++) {
		uint32_t cmd, cmdsize;
		char nbuf[32];
		if (end - pos < 8 || sr_read_u32(&c->r, pos, &cmd) || sr_read_u32(&c->r, pos + 4, &cmdsize)) {
			warn(c, "load command %u of %u lies past the end of the load commands; the rest are ignored",
			     (unsigned)i, (unsigned)s->ncmds);
			break;
		}
		const char *what = cmd_name(cmd, nbuf, sizeof nbuf);
		if (cmdsize < 8) {
			warn(c, "load command %u (%s) has size %u; the rest are ignored", (unsigned)i, what,
			     (unsigned)cmdsize);
			break;
		}
		if (cmdsize > end - pos) {
			warn(c, "load command %u (%s, %u bytes) runs past the end of the load commands; the rest are ignored",
			     (unsigned)i, what, (unsigned)cmdsize);
			break;
		}
		if (cmdsize % align != 0)
			warn(c, "load command %u (%s) size %u is not a multiple of %u", (unsigned)i, what,
			     (unsigned)cmdsize, align);
		struct sr_reader lc;
		sr_reader_sub(&c->r, pos, cmdsize, &lc);
		load_command(c, &lc, cmd, i);
		pos += cmdsize;
	}
	fill_image(c);
	return SR_OK;
}

/* ---------- universal files ---------- */

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;   /* both ranges lie inside the file: no overflow */
}

static enum sr_err parse_fat(struct sr_macho *m, struct sr_arena *a, const struct sr_reader *file,
                             struct sr_error *err)
{
	struct sr_reader r = *file;
	r.big_endian = true;
	uint32_t magic, nfat;
	if (sr_read_u32(&r, 0, &magic) || sr_read_u32(&r, 4, &nfat))
		return sr_error_set(err, SR_E_TRUNCATED, "truncated universal header");
	m->fat = true;
	m->fat64 = magic == FAT_MAGIC_64;
	m->nfat_arch = nfat;
	if (nfat == 0)
		return sr_error_set(err, SR_E_MALFORMED, "universal file with no slices");
	if (nfat > SR_MACHO_MAX_SLICES)
		return sr_error_set(err, SR_E_MALFORMED, "universal file claims %u slices (at most %u are read)",
		                    (unsigned)nfat, SR_MACHO_MAX_SLICES);
	uint64_t entsize = m->fat64 ? 32 : 20, table = 8 + nfat * entsize;
	if (!sr_reader_has(&r, 0, table))
		return sr_error_set(err, SR_E_TRUNCATED, "truncated universal header (%u slices)", (unsigned)nfat);
	m->slices = sr_arena_array(a, nfat, sizeof *m->slices);
	if (!m->slices)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	m->nslices = nfat;
	struct sr_strlist_b fw = { &m->warnings, 0 };
	size_t good = 0;
	enum sr_err first_code = SR_OK;
	char first_why[160] = "";
	for (uint32_t i = 0; i < nfat; i++) {
		struct sr_macho_slice *s = &m->slices[i];
		uint64_t e = 8 + i * entsize;
		sr_read_u32(&r, e, &s->fat_cputype);
		sr_read_u32(&r, e + 4, &s->fat_cpusubtype);
		if (m->fat64) {
			sr_read_u64(&r, e + 8, &s->offset);
			sr_read_u64(&r, e + 16, &s->size);
			sr_read_u32(&r, e + 24, &s->fat_align);
		} else {
			uint32_t off = 0, size = 0;
			sr_read_u32(&r, e + 8, &off);
			sr_read_u32(&r, e + 12, &size);
			sr_read_u32(&r, e + 16, &s->fat_align);
			s->offset = off;
			s->size = size;
		}
		s->adhoc = SR_TRI_UNKNOWN;
		char why[160] = "";
		if (s->size == 0)
			snprintf(why, sizeof why, "slice %u is empty", (unsigned)i);
		else if (!sr_reader_has(&r, s->offset, s->size))
			snprintf(why, sizeof why, "slice %u (offset %llu, %llu bytes) extends past the end of the file",
			         (unsigned)i, (unsigned long long)s->offset, (unsigned long long)s->size);
		else if (s->offset < table)
			snprintf(why, sizeof why, "slice %u (offset %llu) overlaps the universal header", (unsigned)i,
			         (unsigned long long)s->offset);
		for (uint32_t j = 0; j < i && !why[0]; j++) {
			const struct sr_macho_slice *o = &m->slices[j];
			if (o->size > 0 && sr_reader_has(&r, o->offset, o->size) &&
			    ranges_overlap(s->offset, s->size, o->offset, o->size))
				snprintf(why, sizeof why, "slice %u (offset %llu, %llu bytes) overlaps slice %u",
				         (unsigned)i, (unsigned long long)s->offset, (unsigned long long)s->size,
				         (unsigned)j);
		}
		struct sr_error serr = {0};
		if (!why[0]) {
			struct sr_reader sub;
			sr_reader_sub(&r, s->offset, s->size, &sub);
			if (parse_slice(a, &sub, s, &serr) != SR_OK)
				snprintf(why, sizeof why, "slice %u: %s", (unsigned)i, sr_error_message(&serr));
		} else {
			serr.code = SR_E_MALFORMED;
		}
		if (why[0]) {
			s->parsed = false;
			s->error = sr_arena_strdup(a, why);
			if (first_code == SR_OK) {
				first_code = serr.code ? serr.code : SR_E_MALFORMED;
				memcpy(first_why, why, sizeof first_why);
			}
			warn_to(a, &fw, "%s", why);
			continue;
		}
		good++;
		if (s->cputype != s->fat_cputype || s->cpusubtype != s->fat_cpusubtype)
			warn_to(a, &fw, "slice %u: the universal header says CPU %#x/%#x, the slice %#x/%#x", (unsigned)i,
			        (unsigned)s->fat_cputype, (unsigned)s->fat_cpusubtype, (unsigned)s->cputype,
			        (unsigned)s->cpusubtype);
		if (s->fat_align > 15 || (s->offset & (((uint64_t)1 << s->fat_align) - 1)) != 0)
			warn_to(a, &fw, "slice %u: offset %llu is not aligned to 2^%u", (unsigned)i,
			        (unsigned long long)s->offset, (unsigned)s->fat_align);
		for (uint32_t j = 0; j < i; j++) {
			const struct sr_macho_slice *o = &m->slices[j];
			if (o->parsed && o->cputype == s->cputype &&
			    (o->cpusubtype & ~CPU_SUBTYPE_MASK) == (s->cpusubtype & ~CPU_SUBTYPE_MASK)) {
				warn_to(a, &fw, "slices %u and %u have the same architecture", (unsigned)j, (unsigned)i);
				break;
			}
		}
	}
	if (good == 0)
		return sr_error_set(err, first_code, "no readable slice: %s", first_why);
	return SR_OK;
}

/* ---------- entry points ---------- */

bool sr_macho_is_macho(const struct sr_reader *r)
{
	uint8_t m[8];
	if (sr_read_bytes(r, 0, 4, m) != SR_OK)
		return false;
	uint32_t be = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	if (be == MH_MAGIC || be == MH_MAGIC_64 || be == MH_CIGAM || be == MH_CIGAM_64)
		return true;
	if (be != FAT_MAGIC && be != FAT_MAGIC_64)
		return false;
	if (sr_read_bytes(r, 0, 8, m) != SR_OK)
		return false;
	uint32_t n = (uint32_t)m[4] << 24 | (uint32_t)m[5] << 16 | (uint32_t)m[6] << 8 | m[7];
	/* 0xcafebabe is also a Java class file, whose next field is >= 45 */
	return n > 0 && (be == FAT_MAGIC_64 ? n <= SR_MACHO_MAX_SLICES : n < 45);
}

enum sr_err sr_macho_parse(const struct sr_reader *r, struct sr_macho **out, struct sr_error *err)
{
	*out = NULL;
	uint8_t m[4];
	if (sr_read_bytes(r, 0, 4, m) != SR_OK)
		return sr_error_set(err, r->len == 0 ? SR_E_EMPTY : SR_E_TRUNCATED, "truncated Mach-O header");
	uint32_t be = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	bool fat = be == FAT_MAGIC || be == FAT_MAGIC_64;
	if (!fat && be != MH_MAGIC && be != MH_MAGIC_64 && be != MH_CIGAM && be != MH_CIGAM_64)
		return sr_error_set(err, SR_E_NOT_BINARY, "not a Mach-O file");

	struct sr_arena *a = sr_arena_new();
	if (!a)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	struct sr_macho *mo = sr_arena_alloc(a, sizeof *mo);
	struct sr_macho_priv *priv = sr_arena_alloc(a, sizeof *priv);
	if (!mo || !priv) {
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	priv->arena = a;
	mo->priv = priv;
	enum sr_err rc;
	if (fat) {
		rc = parse_fat(mo, a, r, err);
	} else {
		mo->slices = sr_arena_alloc(a, sizeof *mo->slices);
		if (!mo->slices) {
			rc = sr_error_set(err, SR_E_NOMEM, NULL);
		} else {
			mo->nslices = 1;
			mo->slices[0].size = r->len;
			rc = parse_slice(a, r, &mo->slices[0], err);
		}
	}
	if (rc != SR_OK) {
		sr_arena_free(a);
		return rc;
	}
	*out = mo;
	return SR_OK;
}

void sr_macho_free(struct sr_macho *m)
{
	if (m)
		sr_arena_free(m->priv->arena);
}
