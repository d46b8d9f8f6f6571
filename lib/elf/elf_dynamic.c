/* shipready — ELF reader, the dynamic section and symbol versioning (Verneed, Verdef,
 * .gnu.version). */
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

/* ---------- dynamic section ---------- */

void elf_parse_dynamic(struct ctx *c)
{
	struct sr_elf *e = c->e;
	struct sr_reader d;
	if (!c->have_dyn || sr_reader_sub(&c->r, c->dyn_off, c->dyn_size, &d) != SR_OK)
		return;
	e->has_dynamic = true;
	uint64_t esz = (uint64_t)c->wsz * 2;
	uint64_t n = d.len / esz;
	/* read twice (scalars, then strings): charged to the scan budget */
	if (n * esz * 2 > c->budget) {
		elf_warn(c, "dynamic section has %llu entries; only the first %llu were read", (unsigned long long)n,
		     (unsigned long long)(c->budget / (esz * 2)));
		n = c->budget / (esz * 2);
	}
	elf_budget_take(c, n * esz * 2);

	/* Pass 1: the scalar entries (the string table may come after NEEDED). */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t tag, val;
		if (sr_read_word(&d, i * esz, c->wsz, &tag) || sr_read_word(&d, i * esz + c->wsz, c->wsz, &val))
			break;
		if (tag == DT_NULL)
			break;
		switch (tag) {
		case DT_STRTAB: c->dt_strtab = val; c->has_strtab = true; break;
		case DT_STRSZ: c->dt_strsz = val; c->has_strsz = true; break;
		case DT_SYMTAB: c->dt_symtab = val; c->has_symtab_dt = true; break;
		case DT_SYMENT: c->dt_syment = val; break;
		case DT_HASH: c->dt_hash = val; c->has_hash = true; break;
		case DT_GNU_HASH: c->dt_gnu_hash = val; c->has_gnu_hash = true; break;
		case DT_VERNEED: c->dt_verneed = val; c->has_verneed = true; break;
		case DT_VERNEEDNUM: c->dt_verneednum = val; c->has_verneednum = true; break;
		case DT_VERDEF: c->dt_verdef = val; c->has_verdef = true; break;
		case DT_VERDEFNUM: c->dt_verdefnum = val; c->has_verdefnum = true; break;
		case DT_VERSYM: c->dt_versym = val; c->has_versym_dt = true; break;
		case DT_FLAGS: e->has_flags = true; e->dt_flags = val; break;
		case DT_FLAGS_1: e->has_flags_1 = true; e->dt_flags_1 = val; break;
		case DT_BIND_NOW: e->bind_now = true; break;
		default: break;
		}
	}
	if ((e->has_flags && (e->dt_flags & DF_BIND_NOW)) || (e->has_flags_1 && (e->dt_flags_1 & DF_1_NOW)))
		e->bind_now = true;

	/* The string table: DT_STRTAB mapped through the segments; else the
	 * .dynamic section's linked string table. */
	uint64_t soff;
	if (c->has_strtab && elf_vaddr_to_off(c, c->dt_strtab, &soff)) {
		uint64_t size = c->has_strsz ? c->dt_strsz : 0;
		if (!c->has_strsz || !sr_reader_has(&c->r, soff, size)) {
			/* clamp to the end of the file, and say so */
			if (c->has_strsz)
				elf_warn(c, "dynamic string table extends past end of file");
			size = soff < c->r.len ? c->r.len - soff : 0;
		}
		if (sr_reader_sub(&c->r, soff, size, &c->dynstr) == SR_OK)
			c->have_dynstr = true;
	}
	if (!c->have_dynstr) {
		elf_warn(c, "dynamic string table not found");
		return;
	}

	/* Pass 2: the string entries. */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t tag, val;
		if (sr_read_word(&d, i * esz, c->wsz, &tag) || sr_read_word(&d, i * esz + c->wsz, c->wsz, &val))
			break;
		if (tag == DT_NULL)
			break;
		struct sr_strlist_b *dst = NULL;
		const char *what = NULL;
		switch (tag) {
		case DT_NEEDED: dst = &c->needed; what = "DT_NEEDED"; break;
		case DT_RPATH: dst = &c->rpath; what = "DT_RPATH"; break;
		case DT_RUNPATH: dst = &c->runpath; what = "DT_RUNPATH"; break;
		case DT_SONAME: what = "DT_SONAME"; break;
		default: continue;
		}
		const char *why = "is unreadable";
		const char *s = elf_get_str_why(c, &c->dynstr, val, &why);
		if (!s) {
			elf_warn(c, "%s string offset %llu %s", what, (unsigned long long)val, why);
			continue;
		}
		if (dst) {
			if (!sr_strlist_push(c->a, dst, s, SR_ELF_MAX_LIST))
				elf_warn(c, "too many %s entries; list cut at %u", what, SR_ELF_MAX_LIST);
		} else if (!e->soname) {
			e->soname = s;
		}
	}

	/* Files without section headers: read the dynamic symbols through DT_SYMTAB. */
	if (!c->saw_dynsym && c->has_symtab_dt && !c->no_symbols) {
		uint64_t symoff, count = elf_dynsym_count(c);
		uint64_t ent = c->dt_syment ? c->dt_syment : (c->wsz == 8 ? 24 : 16);
		if (count > 0 && ent <= 64 && elf_vaddr_to_off(c, c->dt_symtab, &symoff)) {
			struct sr_reader syms;
			uint64_t bytes = count * ent;
			if (count < (1u << 26) && sr_reader_sub(&c->r, symoff, bytes, &syms) == SR_OK &&
			    elf_budget_take(c, bytes)) {
				c->have_dynsym_tab = true;
				c->dynsym = syms;
				c->dynsym_str = c->dynstr;
				c->dynsym_ent = ent;
				elf_scan_symbols(c, &syms, ent, &c->dynstr, true);
			}
		}
	}
}

/* ---------- symbol versioning ---------- */

static void note_max(struct ctx *c, const char *name, const char *file, uint16_t index)
{
	struct sr_elf *e = c->e;
	size_t flen;
	const char *ver;
	if (!sr_version_split(name, &flen, &ver))
		return;
	for (size_t i = 0; i < e->vermax_count; i++) {
		struct sr_vermax *m = &e->vermax[i];
		if (strlen(m->family) == flen && strncmp(m->family, name, flen) == 0) {
			if (sr_version_cmp(ver, m->version) > 0) {
				m->version = ver;
				m->name = name;
				m->file = file;
				c->vermax_index[i] = index;
			}
			return;
		}
	}
	struct sr_vermax *arr = sr_arena_grow(c->a, e->vermax, e->vermax_count, &c->vermax_cap, sizeof *arr,
	                                      sizeof c->vermax_index / sizeof c->vermax_index[0]);
	if (!arr)
		return;
	e->vermax = arr;
	struct sr_vermax *m = &e->vermax[e->vermax_count++];
	m->family = sr_arena_strndup(c->a, name, flen);
	m->version = ver;
	m->name = name;
	m->file = file;
	c->vermax_index[e->vermax_count - 1] = index;
	if (!m->family)
		e->vermax_count--;
}

/* Locate a version table: DT_ address mapped to a file offset, else the section of that type. */
static bool find_table(struct ctx *c, bool has_dt, uint64_t va, uint32_t shtype, uint64_t *off, uint64_t *info)
{
	if (has_dt && elf_vaddr_to_off(c, va, off))
		return true;
	/* the first section of that type: scan_sections has read every header */
	const struct vtab *t = shtype == SHT_GNU_VERNEED ? &c->sect_verneed : &c->sect_verdef;
	if (!t->found)
		return false;
	*off = t->off;
	if (info)
		*info = t->info;
	return true;
}

/* Where a version table starts and how many entries to read: its DT_
 * address (else its section), the count from DT_VER*NUM (else the section's
 * sh_info, else the cap).  False when absent or unusable. */
static bool version_table(struct ctx *c, bool has_dt, uint64_t va, uint32_t shtype, bool has_num, uint64_t num,
                          const char *what, uint64_t *off, uint64_t *info, uint64_t *count)
{
	*info = 0;
	if (!find_table(c, has_dt, va, shtype, off, info))
		return false;
	if (!c->have_dynstr) {
		elf_warn(c, "%s present but no dynamic string table", what);
		return false;
	}
	*count = has_num ? num : (*info ? *info : SR_ELF_MAX_LIST);
	if (*count > SR_ELF_MAX_LIST)
		*count = SR_ELF_MAX_LIST;
	return true;
}

void elf_parse_verneed(struct ctx *c)
{
	struct sr_elf *e = c->e;
	uint64_t off, info, count;
	if (!version_table(c, c->has_verneed, c->dt_verneed, SHT_GNU_VERNEED, c->has_verneednum, c->dt_verneednum,
	                   "version needs", &off, &info, &count))
		return;
	const struct sr_reader *r = &c->r;
	uint64_t pos = off;
	size_t total_aux = 0;
	for (uint64_t i = 0; i < count; i++) {
		uint16_t ver, cnt;
		uint32_t file, aux, next;
		struct sr_reader ent;   /* the 16-byte Verneed, fetched at once */
		if (sr_reader_sub(r, pos, 16, &ent) || sr_read_u16(&ent, 0, &ver) || sr_read_u16(&ent, 2, &cnt) ||
		    sr_read_u32(&ent, 4, &file) || sr_read_u32(&ent, 8, &aux) || sr_read_u32(&ent, 12, &next)) {
			elf_warn(c, "version needs table runs past end of file");
			return;
		}
		struct sr_verneed *arr = sr_arena_grow(c->a, e->verneed, e->verneed_count, &c->verneed_cap, sizeof *arr,
		                              SR_ELF_MAX_LIST);
		if (!arr)
			return;
		e->verneed = arr;
		struct sr_verneed *vn = &e->verneed[e->verneed_count];
		memset(vn, 0, sizeof *vn);
		vn->file = elf_get_str(c, &c->dynstr, file);
		if (!vn->file) {
			elf_warn(c, "version needs entry %llu has a bad file name offset", (unsigned long long)i);
			vn->file = "?";
		}
		if (cnt > 0) {
			size_t want = cnt;
			if (total_aux + want > SR_ELF_MAX_LIST)
				want = SR_ELF_MAX_LIST - total_aux;
			vn->vers = sr_arena_array(c->a, want ? want : 1, sizeof *vn->vers);
			uint64_t apos = pos + aux;
			for (size_t j = 0; vn->vers && j < want; j++) {
				uint32_t hash, name, anext;
				uint16_t flags, other;
				struct sr_reader aux16;   /* the 16-byte Vernaux */
				if (sr_reader_sub(r, apos, 16, &aux16) || sr_read_u32(&aux16, 0, &hash) ||
				    sr_read_u16(&aux16, 4, &flags) || sr_read_u16(&aux16, 6, &other) ||
				    sr_read_u32(&aux16, 8, &name) || sr_read_u32(&aux16, 12, &anext)) {
					elf_warn(c, "version needs of %s run past end of file", vn->file);
					break;
				}
				const char *s = elf_get_str(c, &c->dynstr, name);
				if (!s) {
					elf_warn(c, "version name offset %lu is outside the string table", (unsigned long)name);
				} else {
					struct sr_vernaux *va = &vn->vers[vn->count++];
					va->name = s;
					va->key = sr_elf_name_key(s);
					va->hash = hash;
					va->flags = flags;
					va->index = other;
					if (!c->loader_only)
						note_max(c, s, vn->file, other);
				}
				if (anext == 0)
					break;
				apos += anext;
			}
			total_aux += vn->count;
		}
		e->verneed_count++;
		if (next == 0)
			break;
		pos += next;
		if (i + 1 == count && !c->has_verneednum && !info)
			elf_warn(c, "version needs chain too long; cut at %u", SR_ELF_MAX_LIST);
	}
}

void elf_parse_verdef(struct ctx *c)
{
	struct sr_elf *e = c->e;
	uint64_t off, info, count;
	if (!version_table(c, c->has_verdef, c->dt_verdef, SHT_GNU_VERDEF, c->has_verdefnum, c->dt_verdefnum,
	                   "version definitions", &off, &info, &count))
		return;
	const struct sr_reader *r = &c->r;
	uint64_t pos = off;
	for (uint64_t i = 0; i < count; i++) {
		uint16_t ver, flags, ndx, cnt;
		uint32_t hash, aux, next;
		struct sr_reader ent;   /* the 20-byte Verdef */
		if (sr_reader_sub(r, pos, 20, &ent) || sr_read_u16(&ent, 0, &ver) || sr_read_u16(&ent, 2, &flags) ||
		    sr_read_u16(&ent, 4, &ndx) || sr_read_u16(&ent, 6, &cnt) || sr_read_u32(&ent, 8, &hash) ||
		    sr_read_u32(&ent, 12, &aux) || sr_read_u32(&ent, 16, &next)) {
			elf_warn(c, "version definitions run past end of file");
			return;
		}
		struct sr_verdef *arr = sr_arena_grow(c->a, e->verdef, e->verdef_count, &c->verdef_cap, sizeof *arr, SR_ELF_MAX_LIST);
		if (!arr)
			return;
		e->verdef = arr;
		struct sr_verdef *vd = &e->verdef[e->verdef_count];
		memset(vd, 0, sizeof *vd);
		vd->flags = flags;
		vd->index = ndx;
		vd->hash = hash;
		uint64_t apos = pos + aux;
		struct sr_strlist_b parents = { &vd->parents, 0 };
		for (uint16_t j = 0; j < cnt && j < 64; j++) {
			uint32_t name, anext;
			struct sr_reader vda;   /* the 8-byte Verdaux */
			if (sr_reader_sub(r, apos, 8, &vda) || sr_read_u32(&vda, 0, &name) || sr_read_u32(&vda, 4, &anext))
				break;
			const char *s = elf_get_str(c, &c->dynstr, name);
			if (s) {
				if (j == 0) {
					vd->name = s;
					vd->key = sr_elf_name_key(s);
				}
				else
					sr_strlist_push(c->a, &parents, s, SR_ELF_MAX_LIST);
			}
			if (anext == 0)
				break;
			apos += anext;
		}
		if (vd->name)
			e->verdef_count++;
		else
			elf_warn(c, "version definition %llu has no valid name", (unsigned long long)i);
		if (next == 0)
			break;
		pos += next;
	}
}

/* .gnu.version beside .dynsym (one 16-bit entry per symbol; a table cut by
 * the end of the file is read in part), with the .dynsym entry size and the
 * number of entries both hold: found once per file, whoever asks first. */
static bool versym_table(struct ctx *c, struct sr_reader *vs, uint64_t *ent, uint64_t *count)
{
	if (!c->versym_tried) {
		c->versym_tried = true;
		uint64_t off;
		if (!(c->has_versym_dt && elf_vaddr_to_off(c, c->dt_versym, &off))) {
			if (!c->sect_versym_found)
				return false;
			off = c->sect_versym_off;
		}
		uint64_t want = c->wsz == 8 ? 24 : 16;
		c->versym_ent = c->dynsym_ent < want ? want : c->dynsym_ent;
		uint64_t n = c->dynsym.len / c->versym_ent;
		uint64_t avail = off < c->r.len ? (c->r.len - off) / 2 : 0;
		if (n > avail)
			n = avail;
		c->versym_ok = n >= 2 && sr_reader_sub(&c->r, off, n * 2, &c->versym) == SR_OK && elf_budget_take(c, n * 2);
		c->versym_count = n;
	}
	*vs = c->versym;
	*ent = c->versym_ent;
	*count = c->versym_count;
	return c->versym_ok;
}

/* For each highest version, one imported symbol that requires it: the first
 * undefined .dynsym entry whose .gnu.version entry is that Vernaux's index. */
void elf_vermax_symbols(struct ctx *c)
{
	struct sr_elf *e = c->e;
	if (c->no_symbols || !c->have_dynsym_tab || e->vermax_count == 0)
		return;
	struct sr_reader vs;
	uint64_t ent, count;
	if (!versym_table(c, &vs, &ent, &count))
		return;
	/* version index -> 1 + its vermax entry: one lookup per symbol */
	uint16_t top = 0;
	for (size_t k = 0; k < e->vermax_count; k++)
		if ((c->vermax_index[k] & 0x7fff) > top)
			top = c->vermax_index[k] & 0x7fff;
	uint16_t *which = sr_arena_array(c->a, (size_t)top + 1, sizeof *which);
	if (!which)
		return;
	for (size_t k = e->vermax_count; k-- > 0;)
		which[c->vermax_index[k] & 0x7fff] = (uint16_t)(k + 1);
	size_t left = e->vermax_count;
	for (uint64_t i = 1; i < count && left; i++) {
		uint16_t v;
		if (sr_read_u16(&vs, i * 2, &v) != SR_OK)
			break;
		v &= 0x7fff;   /* bit 15: hidden */
		if (v < 2 || v > top || !which[v])
			continue;
		struct sr_vermax *m = &e->vermax[which[v] - 1];
		uint32_t name;
		uint16_t shndx;
		if (m->symbol || sr_read_u32(&c->dynsym, i * ent, &name) != SR_OK ||
		    sr_read_u16(&c->dynsym, i * ent + (c->wsz == 8 ? 6 : 14), &shndx) != SR_OK || shndx != SHN_UNDEF)
			continue;
		const char *sym = elf_get_str(c, &c->dynsym_str, name);
		if (sym && *sym) {
			m->symbol = sym;
			left--;
		}
	}
}

/* The imports bound to a GLIBC_ version (sr_elf.glibc_imports). */
void elf_glibc_imports(struct ctx *c)
{
	struct sr_elf *e = c->e;
	if (c->no_symbols || !c->have_dynsym_tab)
		return;
	/* the Vernaux indexes naming a GLIBC_ version */
	uint16_t top = 0;
	for (size_t i = 0; i < e->verneed_count; i++)
		for (size_t k = 0; k < e->verneed[i].count; k++) {
			const struct sr_vernaux *v = &e->verneed[i].vers[k];
			if (v->name && strncmp(v->name, "GLIBC_", 6) == 0 && (v->index & 0x7fff) > top)
				top = v->index & 0x7fff;
		}
	if (top < 2)
		return;
	bool *glibc = sr_arena_array(c->a, (size_t)top + 1, sizeof *glibc);
	if (!glibc)
		return;
	for (size_t i = 0; i < e->verneed_count; i++)
		for (size_t k = 0; k < e->verneed[i].count; k++) {
			const struct sr_vernaux *v = &e->verneed[i].vers[k];
			if (v->name && strncmp(v->name, "GLIBC_", 6) == 0)
				glibc[v->index & 0x7fff] = true;
		}
	struct sr_reader vs;
	uint64_t ent, count;
	if (!versym_table(c, &vs, &ent, &count))
		return;
	struct sr_strlist_b b = { &e->glibc_imports, 0 };
	for (uint64_t i = 1; i < count; i++) {
		uint16_t v;
		uint32_t name;
		uint16_t shndx;
		uint8_t info;
		if (sr_read_u16(&vs, i * 2, &v) != SR_OK)
			break;
		v &= 0x7fff;   /* bit 15: hidden */
		if (v > top || !glibc[v] || sr_read_u32(&c->dynsym, i * ent, &name) != SR_OK ||
		    sr_read_u16(&c->dynsym, i * ent + (c->wsz == 8 ? 6 : 14), &shndx) != SR_OK || shndx != SHN_UNDEF ||
		    sr_read_u8(&c->dynsym, i * ent + (c->wsz == 8 ? 4 : 12), &info) != SR_OK || (info >> 4) == STB_WEAK)
			continue;
		const char *sym = elf_get_str(c, &c->dynsym_str, name);
		if (sym && *sym && !sr_strlist_push(c->a, &b, sym, SR_ELF_MAX_LIST))
			break;
	}
}
