/* The Go pclntab: function names of a Go binary, hence its linked packages.
 *
 * Every layout starts with an 8-byte header: a 4-byte magic (whose byte
 * order is the table's), two zero bytes, the pc quantum (1, 2 or 4) and the
 * pointer size (4 or 8).  Then pointer-sized words, word k at 8 + k*ptrsize:
 *
 *  - 1.2 (0xfffffffb, Go 1.2–1.15): word 0 = nfunc; the function table
 *    follows at 8 + ptrsize: nfunc pairs of pointer-sized (entry pc, func
 *    offset), then the end pc.  Func offsets and name offsets count from the
 *    start of the table.
 *  - 1.16 (0xfffffffa, Go 1.16–1.17): words nfunc, nfiles, funcnametab,
 *    cutab, filetab, pctab, pclntab (offsets from the header).  The function
 *    table is at the pclntab offset, pairs of pointer-sized words as in 1.2,
 *    and func offsets count from there too; name offsets count from
 *    funcnametab.
 *  - 1.18 (0xfffffff0, Go 1.18–1.19) and 1.20 (0xfffffff1, Go 1.20+): as
 *    1.16 with one more word after nfiles, the text start (relocated at load
 *    time; always 0 since Go 1.26), and function table entries that are
 *    uint32 pairs (entry offset from the text start, func offset).
 *
 * The record a func offset points at begins with the entry (a pointer in 1.2
 * and 1.16, a uint32 offset since 1.18) followed by an int32 name offset.
 *
 * Nothing is trusted: every offset is checked against the reader, nfunc
 * against the room its table has, and the work done per table is capped. */
#include <stdlib.h>
#include <string.h>

#include "go/go_internal.h"
#include "util/map.h"
#include "util/hex.h"

#define MAGIC_12 0xfffffffbu
#define MAGIC_116 0xfffffffau
#define MAGIC_118 0xfffffff0u
#define MAGIC_120 0xfffffff1u

/* Longest function name read (Go 1.18–1.20 spell out generic shapes in full;
 * real names stay far below this). */
#define MAX_NAME ((size_t)16 << 10)

/* Functions checked when judging a candidate found by scanning, the name
 * length allowed there, and how many candidates with a plausible header get
 * that check (hostile input can plant a header at every aligned offset). */
#define PROBE_FUNCS 16u
#define PROBE_NAME 4096u
#define MAX_PROBES 1024u

/* Distinct packages kept by sr_go_pclntab_packages (a large real binary
 * links a few thousand). */
#define MAX_PACKAGES ((size_t)1 << 16)
/* Functions between two drops of the pclntab's pages (sr_reader_drop_pages):
 * a few hundred KiB of a table resident at a time, not all of it. */
#define DROP_EVERY 8192u
/* Bytes of a segment searched for a pclntab header between two drops of
 * its pages. */
#define SCAN_CHUNK ((uint64_t)1 << 20)

const char *sr_go_pcln_name(enum sr_go_pcln p)
{
	switch (p) {
	case SR_GO_PCLN_12: return "1.2";
	case SR_GO_PCLN_116: return "1.16";
	case SR_GO_PCLN_118: return "1.18";
	case SR_GO_PCLN_120: return "1.20";
	case SR_GO_PCLN_NONE: break;
	}
	return NULL;
}

/* Size of one field of the function table (entry or func offset). */
static unsigned field_size(const struct sr_go_pclntab *p)
{
	return (unsigned)(p->functab_entsize / 2);
}

enum sr_err sr_go_pclntab_parse(const struct sr_reader *tab, struct sr_go_pclntab *out, struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	struct sr_reader le = *tab, be = *tab;
	le.big_endian = false;
	be.big_endian = true;
	uint32_t mle, mbe;
	uint8_t pad1, pad2, quantum, ptr;
	if (sr_read_u32(&le, 0, &mle) != SR_OK || sr_read_u32(&be, 0, &mbe) != SR_OK ||
	    sr_read_u8(tab, 4, &pad1) != SR_OK || sr_read_u8(tab, 5, &pad2) != SR_OK ||
	    sr_read_u8(tab, 6, &quantum) != SR_OK || sr_read_u8(tab, 7, &ptr) != SR_OK)
		return sr_error_set(err, SR_E_TRUNCATED, "truncated pclntab header");

	enum sr_go_pcln layout = SR_GO_PCLN_NONE;
	struct sr_reader r = le;
	static const struct {
		uint32_t magic;
		enum sr_go_pcln layout;
	} magics[] = {
		{ MAGIC_12, SR_GO_PCLN_12 },
		{ MAGIC_116, SR_GO_PCLN_116 },
		{ MAGIC_118, SR_GO_PCLN_118 },
		{ MAGIC_120, SR_GO_PCLN_120 },
	};
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
		if (mle == magics[i].magic) {
			layout = magics[i].layout;
			r = le;
		} else if (mbe == magics[i].magic) {
			layout = magics[i].layout;
			r = be;
		}
	}
	if (layout == SR_GO_PCLN_NONE)
		return sr_error_set(err, SR_E_NOT_BINARY, "no pclntab magic");
	if (pad1 != 0 || pad2 != 0 || (quantum != 1 && quantum != 2 && quantum != 4) || (ptr != 4 && ptr != 8))
		return sr_error_set(err, SR_E_MALFORMED, "bad pclntab header (pad %u %u, quantum %u, pointer size %u)",
		                    pad1, pad2, quantum, ptr);

	/* Words of the header: the index of funcnametab and of the function
	 * table, and how many words there are. */
	unsigned w_names = 0, w_functab = 0, nwords = 1;
	switch (layout) {
	case SR_GO_PCLN_12: nwords = 1; break;
	case SR_GO_PCLN_116: w_names = 2, w_functab = 6, nwords = 7; break;
	case SR_GO_PCLN_118:
	case SR_GO_PCLN_120: w_names = 3, w_functab = 7, nwords = 8; break;
	case SR_GO_PCLN_NONE: break;
	}
	uint64_t hdr = 8 + (uint64_t)nwords * ptr;
	uint64_t words[8] = {0};
	for (unsigned k = 0; k < nwords; k++)
		if (sr_read_word(&r, 8 + (uint64_t)k * ptr, ptr, &words[k]) != SR_OK)
			return sr_error_set(err, SR_E_TRUNCATED, "truncated pclntab header");

	struct sr_go_pclntab p = {
		.layout = layout,
		.tab = r,
		.ptr_size = ptr,
		.quantum = quantum,
		.nfunc = words[0],
	};
	unsigned field = ptr;
	if (layout == SR_GO_PCLN_12) {
		p.funcnametab = 0;
		p.functab = hdr;
		p.funcdata = 0;
	} else {
		p.funcnametab = words[w_names];
		p.functab = words[w_functab];
		p.funcdata = p.functab;
		if (layout >= SR_GO_PCLN_118)
			field = 4;
		if (p.funcnametab < hdr || p.funcnametab >= r.len || p.functab < hdr || p.functab > r.len)
			return sr_error_set(err, SR_E_MALFORMED,
			                    "pclntab offsets outside the table (names %#llx, functions %#llx, size %#zx)",
			                    (unsigned long long)p.funcnametab, (unsigned long long)p.functab, r.len);
	}
	p.functab_entsize = 2u * field;
	/* nfunc pairs and the end entry must fit after functab. */
	uint64_t room = r.len > p.functab ? r.len - p.functab : 0;
	if (room < field || p.nfunc > (room / field - 1) / 2)
		return sr_error_set(err, SR_E_TRUNCATED, "pclntab function table (%llu functions) runs past the end",
		                    (unsigned long long)p.nfunc);
	*out = p;
	return SR_OK;
}

/* The entry field of function i (its pc or pc offset). */
static enum sr_err func_entry(const struct sr_go_pclntab *p, uint64_t i, uint64_t *pc)
{
	unsigned f = field_size(p);
	return sr_read_word(&p->tab, p->functab + 2 * i * f, f, pc);
}

/* Function i's name, scanning at most max bytes for its end. */
static enum sr_err func_name(const struct sr_go_pclntab *p, uint64_t i, size_t max, const char **name, size_t *len)
{
	if (i >= p->nfunc || p->functab_entsize < 8)
		return SR_E_RANGE;
	unsigned f = field_size(p);
	uint64_t funcoff;
	enum sr_err rc = sr_read_word(&p->tab, p->functab + (2 * i + 1) * f, f, &funcoff);
	if (rc != SR_OK)
		return rc;
	/* the record's entry field is 4 bytes since 1.18, else a pointer */
	uint64_t entry = p->layout >= SR_GO_PCLN_118 ? 4 : p->ptr_size;
	if (funcoff > p->tab.len || p->funcdata > p->tab.len - funcoff)
		return SR_E_RANGE;
	uint32_t nameoff;
	rc = sr_read_u32(&p->tab, p->funcdata + funcoff + entry, &nameoff);
	if (rc != SR_OK)
		return rc;
	if (nameoff > INT32_MAX || p->funcnametab > p->tab.len)
		return SR_E_MALFORMED;
	size_t n;
	rc = sr_read_cstr(&p->tab, p->funcnametab + nameoff, max, name, &n);
	if (rc != SR_OK)
		return rc;
	if (n == 0)
		return SR_E_MALFORMED;
	*len = n;
	return SR_OK;
}

enum sr_err sr_go_pclntab_func_name(const struct sr_go_pclntab *p, uint64_t i, const char **name, size_t *len)
{
	return func_name(p, i, MAX_NAME, name, len);
}

/* ---- the package of a symbol ---- */

static bool starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(s, prefix, k) == 0;
}

/* True when s[0..n) is a plausible host name, as module paths start with
 * (and some hold inside: …/instrumentation/google.golang.org/grpc/…):
 * lowercase letters, digits, '-' and '.', at least one dot, no empty label. */
static bool host_like(const char *s, size_t n)
{
	bool dot = false;
	char prev = '.';
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.') {
			if (prev == '.')
				return false;
			dot = true;
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
			return false;
		}
		prev = c;
	}
	return dot && prev != '.';
}

/* True when s[0..n) is a plausible inner element of an import path with
 * one dot (github.com/a/b.v2/c): letters, digits, "-_~+" and one '.'. */
static bool plain_element(const char *s, size_t n)
{
	unsigned dots = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.')
			dots++;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		           c == '_' || c == '~' || c == '+'))
			return false;
	}
	return dots == 1;
}

/* The rules, in order (debug/gosym's Sym.PackageName and the runtime's
 * funcpkgpath are the starting point; the extra cases are what real binaries
 * hold):
 *  1. Names made by the compiler or linker belong to no package: prefixes
 *     "go:" and "type:" (Go 1.20+; ':' cannot occur in an import path) and
 *     "go." and "type." (before 1.20) — unless the first path element is a
 *     host name followed by '/', as in go.uber.org/zap or go.etcd.io/bbolt.
 *     This covers go:buildid, type:.eq.[2]string, go.shape.int_0,
 *     go.(*struct { … }).Lock, type..eq.go.etcd.io/x.T and the like.
 *  2. cgo glue and assembly entry points belong to no package: names
 *     starting "_cgo_" or "x_cgo_", crosscall2, _rt0_…, and generally any name
 *     with no '.' before its first '['.
 *  3. Generic instantiations carry type arguments in brackets, which may
 *     hold other packages' paths and dots (pkg.F[go.shape.*a/b.T]): only the
 *     part before the first '[' is looked at.
 *  4. That part is split at '/' into elements.  The package ends at the
 *     first '.' of the last element — or earlier: at the first '.' of an
 *     element followed by '/' that has a '.' but looks like no path element:
 *     neither a host name (github.com, also inside a path as in
 *     …/instrumentation/google.golang.org/grpc) nor, after the first, an
 *     element with one dot and only path characters (…/b.v2/…).  The early
 *     stop is for methods qualified by another package's path (unexported
 *     interface methods: github.com/docker/cli/cli/command.cliReader.
 *     github.com/…/sdk/metric.register), where Go's own last-'/' rule
 *     (runtime funcpkgpath, debug/gosym) is wrong.  Known limit: such a
 *     name whose type is all lowercase (pkg.reader.other.org/x.m) reads as
 *     a path, as Go reads it.
 *     Receivers, closures (.func1), method value wrappers (-fm), init.0 and
 *     the like all come after the package's dot.  vendor/…, internal/… and
 *     runtime/internal/… are ordinary paths.
 *  5. The compiler writes dots of the last path element escaped ("%2e":
 *     gopkg.in/yaml%2ev3.Marshal), so rule 4 holds for those; the escape is
 *     kept here (sr_go_pclntab_packages undoes it).  For names written with
 *     the dot (gopkg.in/yaml.v3.Marshal), a last-element dot followed by
 *     "v<digits>." is taken as part of the path (the gopkg.in major-version
 *     suffix), when the path has a '/'.
 *  6. A result that is empty, ends in '/', or holds a character no import
 *     path has (space, parentheses, braces, '*', ',', ';', '"') means no
 *     package. */
bool sr_go_symbol_package(const char *name, size_t len, size_t *pkg_len)
{
	if (!name || len == 0)
		return false;
	if (starts(name, len, "go:") || starts(name, len, "type:"))
		return false;
	if (starts(name, len, "go.") || starts(name, len, "type.")) {
		const char *sl = memchr(name, '/', len);
		if (!sl || !host_like(name, (size_t)(sl - name)))
			return false;
	}
	if (starts(name, len, "_cgo_") || starts(name, len, "x_cgo_") || starts(name, len, "crosscall2") ||
	    starts(name, len, "_rt0_"))
		return false;

	size_t end = len;
	const char *br = memchr(name, '[', len);
	if (br)
		end = (size_t)(br - name);

	/* rule 4: walk the elements */
	size_t n = 0, start = 0;
	bool found = false, slash = false;
	for (size_t el = 0; start <= end; el++) {
		const char *sl = memchr(name + start, '/', end - start);
		size_t stop = sl ? (size_t)(sl - name) : end;
		const char *dot = memchr(name + start, '.', stop - start);
		if (dot) {
			bool last = !sl;
			bool path_part = !last && (host_like(name + start, stop - start) ||
			                           (el > 0 && plain_element(name + start, stop - start)));
			if (!path_part) {
				n = (size_t)(dot - name);
				found = true;
				break;
			}
		}
		if (!sl)
			break;
		slash = true;
		start = stop + 1;
	}
	if (!found)
		return false;

	/* rule 5: ".v<digits>." right after the package's dot */
	if (slash && n + 2 < end && name[n + 1] == 'v' && name[n + 2] >= '0' && name[n + 2] <= '9') {
		size_t k = n + 2;
		while (k < end && name[k] >= '0' && name[k] <= '9')
			k++;
		if (k < end && name[k] == '.' && !memchr(name + k, '/', end - k))
			n = k;
	}

	if (n == 0 || name[n - 1] == '/')
		return false;
	for (size_t i = 0; i < n; i++)
		if (memchr(" (){}*,;\"", name[i], 9))
			return false;
	*pkg_len = n;
	return true;
}

/* ---- finding the table in an image ---- */

/* Is p plausibly a real table?  At least one function; the first entries'
 * pcs do not decrease and the end pc is not below the last entry; their
 * names are readable and printable.  Pcs may all be 0 in a 1.2/1.16 table
 * of a position-independent binary (relocated at load time). */
static bool plausible(const struct sr_go_pclntab *p)
{
	if (p->nfunc == 0)
		return false;
	uint64_t n = p->nfunc < PROBE_FUNCS ? p->nfunc : PROBE_FUNCS;
	uint64_t prev = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t pc;
		if (func_entry(p, i, &pc) != SR_OK || pc < prev)
			return false;
		prev = pc;
		const char *s;
		size_t len;
		if (func_name(p, i, PROBE_NAME, &s, &len) != SR_OK)
			return false;
		for (size_t k = 0; k < len; k++)
			if ((unsigned char)s[k] < 0x20 || (unsigned char)s[k] == 0x7f)
				return false;
	}
	uint64_t last, endpc;
	if (func_entry(p, p->nfunc - 1, &last) != SR_OK || func_entry(p, p->nfunc, &endpc) != SR_OK ||
	    endpc < last)
		return false;
	return true;
}

/* Is there a pclntab magic (any layout, in r's byte order) followed by
 * its two zero pad bytes at h? */
static bool magic_at(const struct sr_reader *r, uint64_t h)
{
	static const uint32_t magics[] = { 0xfffffff1, 0xfffffff0, 0xfffffffa, 0xfffffffb };
	uint32_t m;
	uint16_t pad;
	if (sr_read_u32(r, h, &m) != SR_OK || sr_read_u16(r, h + 4, &pad) != SR_OK || pad != 0)
		return false;
	for (size_t k = 0; k < sizeof magics / sizeof magics[0]; k++)
		if (m == magics[k])
			return true;
	return false;
}

/* Scan r (vaddr is the address of its first byte; 0 when unknown) for the
 * first aligned magic whose table is plausible.  *probes counts full
 * checks.  One pass for the four layouts: every magic ends (little-endian)
 * or starts (big-endian) with three 0xff bytes, which are searched for,
 * and what is around them is then read.  (Four passes, one per magic, cost
 * four reads of every segment of each PE file that is not Go: make bench,
 * bench/scan.sh.) */
static bool scan(const struct sr_reader *r, uint64_t vaddr, struct sr_go_pclntab *out, unsigned *probes)
{
	static const uint8_t core_le[5] = { 0xff, 0xff, 0xff, 0, 0 };   /* magic bytes 1..3, then the pad */
	static const uint8_t core_be[3] = { 0xff, 0xff, 0xff };         /* magic bytes 0..2 */
	const uint8_t *core = r->big_endian ? core_be : core_le;
	size_t core_len = r->big_endian ? sizeof core_be : sizeof core_le;
	uint64_t back = r->big_endian ? 0 : 1;   /* where the magic starts before the core */
	uint64_t off = back, dropped = 0;
	while (off < r->len && *probes < MAX_PROBES) {
		/* a chunk at a time, its pages let go of as the scan moves on (a
		 * large segment need not stay resident) */
		uint64_t span = r->len - off < SCAN_CHUNK ? r->len - off : SCAN_CHUNK;
		uint64_t look = r->len - off - span < core_len - 1 ? r->len - off : span + core_len - 1;
		int64_t hit = sr_reader_find(r, off, look, core, core_len);
		if (hit < 0) {
			off += span;
			if (off - dropped >= SCAN_CHUNK) {
				sr_reader_drop_pages(r);
				dropped = off;
			}
			continue;
		}
		uint64_t h = (uint64_t)hit - back;
		off = (uint64_t)hit + 1;
		if ((vaddr + h) % 4 != 0 || !magic_at(r, h))
			continue;
		struct sr_reader tab;
		if (sr_reader_sub(r, h, r->len - h, &tab) != SR_OK)
			break;
		struct sr_go_pclntab p;
		if (sr_go_pclntab_parse(&tab, &p, NULL) != SR_OK)
			continue;
		++*probes;
		if (plausible(&p)) {
			*out = p;
			return true;
		}
	}
	return false;
}

enum sr_err sr_go_pclntab_find(const struct sr_image *img, struct sr_go_pclntab *out, const char **how,
                               struct sr_error *err)
{
	static const char *const names[] = { ".gopclntab", ".data.rel.ro.gopclntab", "__gopclntab" };
	static const char *const hows[] = { "section .gopclntab", "section .data.rel.ro.gopclntab",
		                            "section __gopclntab" };
	memset(out, 0, sizeof *out);
	if (how)
		*how = NULL;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const struct sr_image_sect *s = sr_image_section(img, names[i]);
		struct sr_reader r;
		struct sr_go_pclntab p;
		if (s && sr_image_section_bytes(img, s, &r) == SR_OK && sr_go_pclntab_parse(&r, &p, NULL) == SR_OK &&
		    plausible(&p)) {
			*out = p;
			if (how)
				*how = hows[i];
			return SR_OK;
		}
	}

	/* Scan: read-only data first (ELF .rodata, PE .rdata), then other
	 * non-executable segments (relro), then the rest (Mach-O __TEXT). */
	static const char *const scans[] = { "scan of read-only segments", "scan of data segments",
		                             "scan of executable segments" };
	unsigned probes = 0;
	for (unsigned pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < img->nsegs; i++) {
			const struct sr_image_seg *g = &img->segs[i];
			bool x = g->prot & SR_PROT_X, w = g->prot & SR_PROT_W;
			unsigned want = x ? 2 : w ? 1 : 0;
			/* the runtime reads its pclntab: never in a PE section the
			 * program may discard (debug data, most of a mingw DLL) */
			if (want != pass || g->filesz == 0 || g->discardable)
				continue;
			struct sr_reader r;
			if (sr_reader_sub(&img->file, g->offset, g->filesz, &r) != SR_OK) {
				/* a segment running past the end: what the file has of it */
				if (g->offset >= img->file.len ||
				    sr_reader_sub(&img->file, g->offset, img->file.len - g->offset, &r) != SR_OK)
					continue;
			}
			if (scan(&r, g->vaddr, out, &probes)) {
				if (how)
					*how = scans[pass];
				return SR_OK;
			}
		}
	}
	if (img->nsegs == 0 && scan(&img->file, 0, out, &probes)) {
		if (how)
			*how = "scan of the file";
		return SR_OK;
	}
	memset(out, 0, sizeof *out);
	return sr_error_set(err, SR_E_NOT_BINARY, "no Go pclntab found");
}

/* ---- linked packages ---- */

/* Undo the compiler's %xx escapes (cmd/internal/objabi PathToPrefix) into
 * buf (at least n bytes); the new length. */
static size_t unescape(const char *s, size_t n, char *buf)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < n && (hi = sr_hex_digit(s[i + 1])) >= 0 && (lo = sr_hex_digit(s[i + 2])) >= 0 &&
		    (hi || lo)) {
			buf[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			buf[o++] = s[i];
		}
	}
	return o;
}

/* Add s[0..n) (unescaped already) to the set of packages, copied into the
 * set's arena, with bytes and funcs more of its functions; SR_E_NOMEM when
 * memory or the package limit ran out. */
static enum sr_err set_add(struct sr_map *set, struct sr_arena *a, const char *s, size_t n, uint64_t bytes,
                           uint64_t funcs)
{
	bool fresh;
	struct sr_map_slot *e = sr_map_add(set, s, n, &fresh);
	if (!e)
		return SR_E_NOMEM;
	struct sr_go_pkgsize *z = e->val;
	if (!z && !(z = e->val = sr_arena_alloc(a, sizeof *z)))
		return SR_E_NOMEM;
	z->bytes += bytes;
	z->funcs += funcs;
	return SR_OK;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The bytes of function i: from its entry to the next one's (the table
 * ends with the end of the text); 0 when they are not in order. */
static uint64_t func_size(const struct sr_go_pclntab *p, uint64_t i)
{
	uint64_t a, b;
	if (func_entry(p, i, &a) != SR_OK || func_entry(p, i + 1, &b) != SR_OK || b < a)
		return 0;
	return b - a;
}

enum sr_err sr_go_pclntab_packages(const struct sr_go_pclntab *p, struct sr_arena *a, const char ***pkgs,
                                   size_t *count)
{
	return sr_go_pclntab_packages_each(p, a, NULL, NULL, pkgs, count, NULL, NULL);
}

enum sr_err sr_go_pclntab_packages_each(const struct sr_go_pclntab *p, struct sr_arena *a,
                                        void (*each_name)(void *ctx, const char *name, size_t len), void *ctx,
                                        const char ***pkgs, size_t *count, struct sr_go_pkgsize **sizes,
                                        struct sr_go_pkgsize *other)
{
	*pkgs = NULL;
	*count = 0;
	if (sizes)
		*sizes = NULL;
	struct sr_go_pkgsize none = { 0 };
	if (!other)
		other = &none;
	*other = none;
	if (!p || !a || p->layout == SR_GO_PCLN_NONE)
		return SR_E_USAGE;
	struct sr_map set;   /* keys copied into a: they are the answer */
	sr_map_init(&set, a, MAX_PACKAGES);
	char buf[MAX_NAME];
	/* Names read are charged to a budget: a real table's names are distinct
	 * and fit in it, so names that all point at one long string (or at
	 * none) cost at most about the table's size. */
	uint64_t budget = (uint64_t)p->tab.len + ((uint64_t)1 << 20);
	const char *prev = NULL;
	size_t prev_len = 0;
	/* the current run of one package's functions: its bytes go to the set
	 * when the package changes */
	uint64_t run_bytes = 0, run_funcs = 0;
	enum sr_err rc = SR_OK;
	for (uint64_t i = 0; i < p->nfunc; i++) {
		const char *name;
		size_t len;
		if (i % DROP_EVERY == DROP_EVERY - 1)
			sr_reader_drop_pages(&p->tab);   /* the names before are in the set: their pages can go */
		rc = func_name(p, i, MAX_NAME, &name, &len);
		uint64_t cost = rc == SR_OK ? len + 1 : MAX_NAME;
		if (cost > budget) {
			sr_map_free(&set, NULL);
			return SR_E_MALFORMED;
		}
		budget -= cost;
		uint64_t size = sizes ? func_size(p, i) : 0;
		if (rc == SR_OK && each_name)
			each_name(ctx, name, len);
		if (rc == SR_OK && prev && len > prev_len && name[prev_len] == '.' && memcmp(name, prev, prev_len) == 0 &&
		    !memchr(name + prev_len, '/', len - prev_len)) {
			/* the previous package's "PKG." with no path after: the same package
			 * (sr_go_symbol_package would say so; make bench's scan /usr needs the
			 * shortcut, as most names of a package are adjacent) */
			run_bytes += size;
			run_funcs++;
			continue;
		}
		size_t n;
		if (rc != SR_OK || !sr_go_symbol_package(name, len, &n)) {
			/* an unreadable name is skipped (best effort); go:, type:, cgo
			 * glue and assembly entry points belong to no package */
			other->bytes += size;
			other->funcs++;
			rc = SR_OK;
			continue;
		}
		if (prev && n == prev_len && memcmp(prev, name, n) == 0) {
			run_bytes += size;   /* functions of a package are mostly adjacent */
			run_funcs++;
			continue;
		}
		if (prev && (rc = set_add(&set, a, buf, unescape(prev, prev_len, buf), run_bytes, run_funcs)) != SR_OK)
			break;
		prev = name;
		prev_len = n;
		run_bytes = size;
		run_funcs = 1;
	}
	if (rc == SR_OK && prev)
		rc = set_add(&set, a, buf, unescape(prev, prev_len, buf), run_bytes, run_funcs);
	if (rc != SR_OK) {
		sr_map_free(&set, NULL);
		return rc;
	}
	const char **v = NULL;
	size_t k = 0;
	if (set.count) {
		v = sr_arena_array(a, set.count, sizeof *v);
		if (!v) {
			sr_map_free(&set, NULL);
			return SR_E_NOMEM;
		}
		const struct sr_map_slot *e;
		for (size_t i = 0; (e = sr_map_next(&set, &i)) != NULL;)
			v[k++] = e->key;
		qsort(v, k, sizeof *v, cmp_str);
		if (sizes && (*sizes = sr_arena_array(a, k, sizeof **sizes)) != NULL)
			for (size_t i = 0; i < k; i++)
				(*sizes)[i] = *(const struct sr_go_pkgsize *)sr_map_find(&set, v[i], strlen(v[i]))->val;
	}
	sr_map_free(&set, NULL);
	*pkgs = v;
	*count = k;
	return SR_OK;
}
