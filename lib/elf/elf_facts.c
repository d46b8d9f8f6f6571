/* shipready — ELF reader, conclusions drawn from all parts: the C library, linkage, hardening. */
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

/* ---------- conclusions ---------- */

static void decide_libc(struct ctx *c)
{
	struct sr_elf *e = c->e;
	/* the facts of data/libc.json: the interpreter's name, then the C
	 * library's own name among the needed */
	enum sr_libc by_interp = sr_libc_of_interpreter(e->interpreter, &e->needed);
	if (by_interp != SR_LIBC_UNKNOWN) {
		e->libc = by_interp;
		e->libc_evidence = "interpreter";
		return;
	}
	for (size_t i = 0; i < e->needed.count; i++) {
		const char *n = e->needed.items[i];
		enum sr_libc by_name = sr_libc_of_soname(n);
		if (by_name != SR_LIBC_UNKNOWN) {
			e->libc = by_name;
			e->libc_evidence = by_name == SR_LIBC_GLIBC  ? "needs libc.so.6"
			                   : by_name == SR_LIBC_MUSL ? "needs libc.musl"
			                                             : "needs libc.so.0";
			return;
		}
		if (strcmp(n, "libc.so") == 0) {
			e->libc = c->has_android_note ? SR_LIBC_BIONIC : SR_LIBC_MUSL;
			e->libc_evidence = c->has_android_note ? "needs libc.so, Android note" : "needs libc.so";
			return;
		}
	}
	if (e->soname && (sr_libc_of_interpreter(e->soname, NULL) == SR_LIBC_GLIBC ||
	                  sr_libc_of_soname(e->soname) == SR_LIBC_GLIBC)) {
		e->libc = SR_LIBC_GLIBC;
		e->libc_evidence = "part of glibc";
		return;
	}
	for (size_t i = 0; i < e->vermax_count; i++) {
		if (strcmp(e->vermax[i].family, "GLIBC") == 0) {
			e->libc = SR_LIBC_GLIBC;
			e->libc_evidence = "requires GLIBC_ symbol versions";
			return;
		}
	}
	if (e->linkage == SR_LINK_STATIC || e->linkage == SR_LINK_STATIC_PIE) {
		if (c->musl_symbol) {
			e->libc = SR_LIBC_MUSL;
			e->libc_evidence = "static, musl start-up symbols";
		} else if (e->has_abi_tag || c->glibc_symbol) {
			e->libc = SR_LIBC_GLIBC;
			e->libc_evidence = e->has_abi_tag ? "static, GNU ABI tag" : "static, glibc start-up symbols";
		} else if (e->go) {
			e->libc = SR_LIBC_NONE;
			e->libc_evidence = "static Go binary without cgo";
		} else {
			e->libc_evidence = "stripped static binary without GNU ABI tag";
		}
		return;
	}
	if (e->linkage == SR_LINK_DYNAMIC && e->needed.count == 0 && !e->has_interp && e->go) {
		e->libc = SR_LIBC_NONE;
		e->libc_evidence = "no C library needed";
	}
}

void elf_conclude(struct ctx *c)
{
	struct sr_elf *e = c->e;
	switch (e->type) {
	case ET_EXEC:
		e->kind = SR_ELF_KIND_EXEC;
		e->linkage = e->has_interp ? SR_LINK_DYNAMIC : SR_LINK_STATIC;
		break;
	case ET_DYN:
		if (e->has_flags_1 && (e->dt_flags_1 & DF_1_PIE))
			e->kind = SR_ELF_KIND_PIE;
		else if (e->soname)
			e->kind = SR_ELF_KIND_SHARED;
		else if (e->has_interp)
			e->kind = SR_ELF_KIND_PIE;
		else
			e->kind = SR_ELF_KIND_SHARED;
		if (e->kind == SR_ELF_KIND_PIE && !e->has_interp)
			e->linkage = SR_LINK_STATIC_PIE;
		else
			e->linkage = SR_LINK_DYNAMIC;
		break;
	case ET_REL:
		e->kind = SR_ELF_KIND_REL;
		e->linkage = SR_LINK_NONE;
		break;
	case ET_CORE:
		e->kind = SR_ELF_KIND_CORE;
		e->linkage = SR_LINK_NONE;
		break;
	default:
		e->kind = SR_ELF_KIND_UNKNOWN;
		e->linkage = SR_LINK_NONE;
		break;
	}

	e->hardening.pie = e->kind == SR_ELF_KIND_PIE;
	e->hardening.relro = c->has_relro ? (e->bind_now ? SR_RELRO_FULL : SR_RELRO_PARTIAL) : SR_RELRO_NONE;
	bool symbols = c->saw_dynsym || c->saw_symtab;
	e->hardening.stack_protector = symbols ? (c->canary ? SR_TRI_YES : SR_TRI_NO) : SR_TRI_UNKNOWN;
	if (e->hardening.fortified.count > 0)
		e->hardening.fortify = SR_TRI_YES;
	else
		e->hardening.fortify = symbols ? SR_TRI_NO : SR_TRI_UNKNOWN;

	e->go = e->go_evidence.count > 0;
	e->go_plugin = c->go_pkghash && e->kind == SR_ELF_KIND_SHARED;

	/* what a dynamic file calls is what it imports; a static file (or an
	 * object) has the C library's functions in .symtab */
	bool from_symtab = e->linkage == SR_LINK_STATIC || e->linkage == SR_LINK_STATIC_PIE || e->kind == SR_ELF_KIND_REL;
	if (e->kind != SR_ELF_KIND_CORE)
		e->rt_symbols = from_symtab ? c->rt_sym : c->rt_dyn;

	if (e->machine == EM_ARM) {
		if (e->flags & EF_ARM_ABI_FLOAT_HARD)
			e->float_abi = SR_FLOAT_HARD;
		else if (e->flags & EF_ARM_ABI_FLOAT_SOFT)
			e->float_abi = SR_FLOAT_SOFT;
		else
			e->float_abi = SR_FLOAT_UNSPECIFIED;
	}
	decide_libc(c);
}
