/* shipready — ELF reader, symbols: .dynsym/.symtab names, run-time file names in read-only data,
 * Go's build-info magic. */
#include "shipready/elf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "elf/elf_consts.h"
#include "elf/elf_internal.h"
#include "elf/rtsym.h"
#include "util/map.h"

/* ---------- symbols ---------- */

static bool is_fortify_name(const char *n)
{
	size_t len = strnlen(n, 513);
	return len > 6 && len <= 512 && n[0] == '_' && n[1] == '_' && strcmp(n + len - 4, "_chk") == 0 &&
	       strncmp(n, "__stack_chk", 11) != 0;
}

/* Symbols between two drops of the tables' pages (sr_reader_drop_pages). */
#define SYMS_DROP_EVERY 16384u

void elf_scan_symbols(struct ctx *c, const struct sr_reader *syms, uint64_t entsize, const struct sr_reader *strs,
                      bool dynamic)
{
	uint64_t want = c->wsz == 8 ? 24 : 16;
	if (entsize < want)
		entsize = want;
	uint64_t count = syms->len / entsize;
	if (dynamic)
		c->saw_dynsym = true;
	else
		c->saw_symtab = true;
	for (uint64_t i = 1; i < count; i++) {
		uint64_t o = i * entsize;
		uint32_t name;
		uint16_t shndx;
		if (i % SYMS_DROP_EVERY == 0) {
			/* the symbols before are judged: a large table (node's is tens
			 * of MiB) need not stay resident (make bench: bench/scan.sh) */
			sr_reader_drop_pages(syms);
			sr_reader_drop_pages(strs);
		}
		if (sr_read_u32(syms, o, &name) != SR_OK)
			break;
		uint8_t info;
		if (sr_read_u16(syms, o + (c->wsz == 8 ? 6 : 14), &shndx) != SR_OK ||
		    sr_read_u8(syms, o + (c->wsz == 8 ? 4 : 12), &info) != SR_OK)
			break;
		if (name == 0)
			continue;
		/* Decided without the name (reading names is most of the work:
		 * make bench, bench/scan.sh): a section's or a source file's
		 * symbol names nothing below; in the dynamic table, a defined
		 * symbol counts only as a go:link.pkghash export, which Go's
		 * linker writes as data (STT_OBJECT), as it does every data
		 * symbol. */
		unsigned type = info & 0xfu;
		if (type == STT_SECTION || type == STT_FILE || (dynamic && shndx != SHN_UNDEF && type != STT_OBJECT))
			continue;
		/* The table's end bounds a name: no search for it (make bench:
		 * bench/scan.sh, where the symbol names of /usr were a tenth of
		 * the scan's time). */
		const char *n = sr_read_strtab_str(strs, name);
		if (!n && sr_read_cstr(strs, name, 512, &n, NULL) != SR_OK)
			continue;
		const struct sr_rt_name *rt = sr_rt_symbol(n);
		if (rt && (!dynamic || shndx == SHN_UNDEF)) {
			struct sr_strlist_b *b = dynamic ? &c->rt_dyn_b : &c->rt_sym_b;
			if (!sr_strlist_has(b->out, rt->name))
				sr_strlist_push(c->a, b, rt->name, SR_ELF_MAX_LIST);
		}
		if (n[0] == '_' && n[1] == '_') {
			/* In the dynamic table only imports say what the code calls. */
			bool import = shndx == SHN_UNDEF;
			if (!dynamic || import) {
				if (strcmp(n, "__stack_chk_fail") == 0 || strcmp(n, "__stack_chk_guard") == 0 ||
				    strcmp(n, "__stack_chk_fail_local") == 0 || strcmp(n, "__intel_security_cookie") == 0)
					c->canary = true;
				else if (is_fortify_name(n) && c->e->hardening.fortified.count < 256)
					sr_strlist_add_unique(c->a, &c->fortified, n, SR_ELF_MAX_LIST);
			}
			if (!dynamic && strcmp(n, "__init_libc") == 0)
				c->musl_symbol = true;
			if (!dynamic && (strcmp(n, "__libc_start_call_main") == 0 || strcmp(n, "__libc_setup_tls") == 0))
				c->glibc_symbol = true;
		} else if (!dynamic && n[0] == '_' && strcmp(n, "_dl_relocate_static_pie") == 0) {
			c->glibc_symbol = true;   /* one underscore: not in the branch above */
		} else if (!dynamic && n[0] == 'r' && strcmp(n, "runtime.main") == 0) {
			sr_strlist_add_unique(c->a, &c->go_ev, "Go runtime symbols", SR_ELF_MAX_LIST);
		} else if (dynamic && n[0] == 'g' && shndx != SHN_UNDEF &&
		           (strncmp(n, "go:link.pkghash.", 16) == 0 || strncmp(n, "go.link.pkghash.", 16) == 0)) {
			/* Go 1.21+ spells it go:, older releases go. */
			if (!c->go_pkghash)
				sr_strlist_add_unique(c->a, &c->go_ev, "go:link.pkghash exports", SR_ELF_MAX_LIST);
			c->go_pkghash = true;
		}
	}
}

/* Number of dynamic symbols from DT_HASH or DT_GNU_HASH (for files without sections). */
uint64_t elf_dynsym_count(struct ctx *c)
{
	uint64_t off;
	if (c->has_hash && elf_vaddr_to_off(c, c->dt_hash, &off)) {
		uint32_t nchain;
		if (sr_read_u32(&c->r, off + 4, &nchain) == SR_OK)
			return nchain < (1u << 22) ? nchain : 0;
	}
	if (c->has_gnu_hash && elf_vaddr_to_off(c, c->dt_gnu_hash, &off)) {
		uint32_t nbuckets, symoffset, bloom_size;
		if (sr_read_u32(&c->r, off, &nbuckets) || sr_read_u32(&c->r, off + 4, &symoffset) ||
		    sr_read_u32(&c->r, off + 8, &bloom_size))
			return 0;
		if (nbuckets > (1u << 20) || bloom_size > (1u << 20))
			return 0;   /* absurd: no real table is this large */
		uint64_t buckets = off + 16 + (uint64_t)bloom_size * c->wsz;
		uint64_t chains = buckets + (uint64_t)nbuckets * 4;
		uint32_t max = 0;
		for (uint32_t b = 0; b < nbuckets; b++) {
			uint32_t v;
			if (sr_read_u32(&c->r, buckets + (uint64_t)b * 4, &v))
				return 0;
			if (v > max)
				max = v;
		}
		if (max < symoffset)
			return symoffset;
		for (uint64_t idx = max; idx - max < (1u << 20); idx++) {
			uint32_t h;
			if (sr_read_u32(&c->r, chains + (idx - symoffset) * 4, &h))
				return 0;
			if (h & 1)
				return idx + 1;
		}
	}
	return 0;
}

/* ---------- embedded file names (stripped static files) ---------- */

/* The names of sr_rt_strings found in [off, off+size), each followed by a
 * NUL or '/' (so "/etc/hosts" is not "/etc/hosts.allow"). */
static void rt_strings_in(struct ctx *c, uint64_t off, uint64_t size)
{
	struct sr_reader r;
	if (size == 0 || sr_reader_sub(&c->r, off, size, &r) != SR_OK || !elf_first_visit(c, off, size))
		return;
	if (r.len > c->budget) {
		elf_warn(c, "read-only data of %llu bytes; only its first %llu were searched for file names",
		     (unsigned long long)r.len, (unsigned long long)c->budget);
		sr_reader_shrink(&r, c->budget);
	}
	if (!r.len || !elf_budget_take(c, r.len))
		return;
	enum { MAXN = 16 };
	bool found[MAXN] = { false };
	size_t len[MAXN];
	size_t n = sr_rt_nstrings < MAXN ? sr_rt_nstrings : MAXN;
	for (size_t k = 0; k < n; k++)
		len[k] = strlen(sr_rt_strings[k].name);
	/* names that start with '/': one pass over the slashes */
	for (uint64_t at = 0; at < r.len;) {
		int64_t hit = sr_reader_find_byte(&r, at, r.len - at, '/');
		if (hit < 0)
			break;
		uint8_t second = 0;
		sr_read_u8(&r, (uint64_t)hit + 1, &second);
		for (size_t k = 0; k < n; k++) {
			const char *nm = sr_rt_strings[k].name;
			uint8_t after = 1;
			if (!found[k] && nm[0] == '/' && (uint8_t)nm[1] == second &&
			    sr_reader_match(&r, (uint64_t)hit, nm, len[k]) &&
			    sr_read_u8(&r, (uint64_t)hit + len[k], &after) == SR_OK && (after == 0 || after == '/'))
				found[k] = true;
		}
		at = (uint64_t)hit + 1;
	}
	/* the others: one search each, NUL-terminated */
	for (size_t k = 0; k < n; k++)
		if (sr_rt_strings[k].name[0] != '/')
			found[k] = sr_reader_find(&r, 0, r.len, sr_rt_strings[k].name, len[k] + 1) >= 0;
	for (size_t k = 0; k < n; k++)
		if (found[k] && !sr_strlist_has(c->rt_str.out, sr_rt_strings[k].name))
			sr_strlist_push(c->a, &c->rt_str, sr_rt_strings[k].name, SR_ELF_MAX_LIST);
}

/* A static program without .symtab shows what it calls only through the
 * file names its C library embeds: search .rodata, else the read-only
 * segments.  Go programs are left to lib/go (their strings mean nothing of
 * the C library). */
void elf_scan_rt_strings(struct ctx *c)
{
	struct sr_elf *e = c->e;
	if ((e->linkage != SR_LINK_STATIC && e->linkage != SR_LINK_STATIC_PIE) || e->has_symtab || e->go)
		return;
	if (c->have_rodata) {
		rt_strings_in(c, c->rodata_off, c->rodata_size);
		return;
	}
	for (uint64_t i = 0; i < c->phnum; i++) {
		struct phdr p;
		if (elf_read_phdr(c, i, &p) && p.type == PT_LOAD && !(p.flags & PF_W))
			rt_strings_in(c, p.offset, p.filesz);
	}
}

/* ---------- Go build-info magic ---------- */

void elf_scan_go_magic(struct ctx *c)
{
	static const uint8_t magic[14] = { 0xff, ' ', 'G', 'o', ' ', 'b', 'u', 'i', 'l', 'd', 'i', 'n', 'f', ':' };
	/* Like Go's own reader: the first writable PT_LOAD, first 64 KiB, 16-byte aligned. */
	for (uint64_t i = 0; i < c->phnum; i++) {
		struct phdr p;
		if (!elf_read_phdr(c, i, &p) || p.type != PT_LOAD || !(p.flags & PF_W))
			continue;
		uint64_t len = p.filesz < 65536 ? p.filesz : 65536;
		struct sr_reader seg;
		if (sr_reader_sub(&c->r, p.offset, len, &seg) != SR_OK)
			return;
		for (uint64_t at = 0; at + sizeof magic <= seg.len;) {
			int64_t hit = sr_reader_find(&seg, at, seg.len - at, magic, sizeof magic);
			if (hit < 0)
				break;
			if ((hit % 16) == 0) {
				sr_strlist_add_unique(c->a, &c->go_ev, "build info magic", SR_ELF_MAX_LIST);
				break;
			}
			at = (uint64_t)hit + 1;
		}
		return;
	}
}
