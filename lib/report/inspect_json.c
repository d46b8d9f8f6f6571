/* inspect --json: one object per input, following docs/schema/inspect.json. */
#include <jansson.h>
#include <stdio.h>

#include "shipready/needs.h"
#include "shipready/report.h"
#include "report/json_util.h"

static json_t *strlist(const struct sr_strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->count; i++)
		json_array_append_new(a, sr_json_str(l->items[i]));
	return a;
}

static json_t *tri(enum sr_tri t)
{
	return t == SR_TRI_UNKNOWN ? json_null() : json_boolean(t == SR_TRI_YES);
}

static json_t *named(const char *name, unsigned code)
{
	if (name)
		return sr_json_str(name);
	char buf[32];
	snprintf(buf, sizeof buf, "unknown(%u)", code);
	return sr_json_str(buf);
}

static const char *type_name(uint16_t t)
{
	static const char *const n[] = { "NONE", "REL", "EXEC", "DYN", "CORE" };
	return t < 5 ? n[t] : "OTHER";
}

static json_t *flags_list(uint64_t flags, size_t (*fn)(uint64_t, const char **, size_t))
{
	const char *names[64];
	size_t n = fn(flags, names, 64);
	json_t *a = json_array();
	for (size_t i = 0; i < n && i < 64; i++)
		json_array_append_new(a, sr_json_str(names[i]));
	return a;
}

static json_t *elf_header(const struct sr_elf *e)
{
	json_t *h = json_object();
	json_object_set_new(h, "class", json_integer(e->elf_class));
	json_object_set_new(h, "byte_order", sr_json_str(e->big_endian ? "big" : "little"));
	json_object_set_new(h, "osabi", named(sr_elf_osabi_name(e->osabi), e->osabi));
	json_object_set_new(h, "osabi_code", json_integer(e->osabi));
	json_object_set_new(h, "abi_version", json_integer(e->abi_version));
	json_object_set_new(h, "type", sr_json_str(type_name(e->type)));
	json_object_set_new(h, "type_code", json_integer(e->type));
	json_object_set_new(h, "machine", named(sr_elf_machine_name(e->machine), e->machine));
	json_object_set_new(h, "machine_code", json_integer(e->machine));
	json_object_set_new(h, "flags", json_integer(e->flags));
	if (e->float_abi != SR_FLOAT_NA)
		json_object_set_new(h, "float_abi", sr_json_str(sr_float_abi_name(e->float_abi)));
	if (e->machine == 243) {
		static const char *const rv[] = { "soft", "single", "double", "quad" };
		json_object_set_new(h, "riscv_float_abi", sr_json_str(rv[(e->flags >> 1) & 3]));
	}
	if (e->machine == 21)
		json_object_set_new(h, "ppc64_abi", json_integer((e->flags & 3) ? (json_int_t)(e->flags & 3) : 1));
	/* JSON integers here are signed 64-bit: a larger address goes out as hex text */
	if (e->entry <= (uint64_t)INT64_MAX) {
		json_object_set_new(h, "entry", json_integer((json_int_t)e->entry));
	} else {
		char hex[24];
		snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)e->entry);
		json_object_set_new(h, "entry", sr_json_str(hex));
	}
	json_object_set_new(h, "program_headers", json_integer((json_int_t)e->phnum));
	json_object_set_new(h, "section_headers", json_integer((json_int_t)e->shnum));
	return h;
}

static const char *abi_os_name(uint32_t os)
{
	switch (os) {
	case 0: return "Linux";
	case 1: return "GNU/Hurd";
	case 2: return "Solaris";
	case 3: return "FreeBSD";
	default: return "unknown";
	}
}

static json_t *go_json(const struct sr_elf *e, const struct sr_go_info *g);

/* The run-time needs (shipready/needs.h): C and Go merged, one per kind. */
static json_t *needs_json(const struct sr_needs *needs)
{
	json_t *a = json_array();
	for (size_t i = 0; i < needs->n; i++) {
		const struct sr_need *d = &needs->v[i];
		json_t *j = json_object();
		json_object_set_new(j, "kind", json_string(d->id));
		json_object_set_new(j, "name", json_string(d->name));
		json_object_set_new(j, "evidence", strlist(&d->evidence));
		json_object_set_new(j, "paths", strlist(&d->paths));
		json_object_set_new(j, "feature", json_string(d->feature));
		json_object_set_new(j, "message", d->message ? sr_json_str(d->message) : json_null());
		json_object_set_new(j, "note", d->note ? sr_json_str(d->note) : json_null());
		json_object_set_new(j, "optional", json_boolean(d->optional));
		json_array_append_new(a, j);
	}
	return a;
}

static json_t *elf_json(const struct sr_inspect *in, const struct sr_needs *needs)
{
	const struct sr_elf *e = in->elf;
	json_t *o = json_object();
	json_object_set_new(o, "path", sr_json_str(in->path));
	if (in->root) {
		json_object_set_new(o, "root", sr_json_str(in->root));
		json_object_set_new(o, "resolved", sr_json_str(in->resolved));
	}
	json_object_set_new(o, "format", sr_json_str("elf"));
	json_object_set_new(o, "elf", elf_header(e));
	json_object_set_new(o, "kind", sr_json_str(sr_elf_kind_name(e->kind)));
	json_object_set_new(o, "linkage", sr_json_str(sr_linkage_name(e->linkage)));
	if (e->interpreter)
		json_object_set_new(o, "interpreter", sr_json_str(e->interpreter));

	json_t *libc = json_object();
	json_object_set_new(libc, "flavour", sr_json_str(sr_libc_name(e->libc)));
	if (e->libc_evidence)
		json_object_set_new(libc, "evidence", sr_json_str(e->libc_evidence));
	json_object_set_new(o, "libc", libc);

	if (e->has_dynamic) {
		json_t *d = json_object();
		json_object_set_new(d, "needed", strlist(&e->needed));
		if (e->soname)
			json_object_set_new(d, "soname", sr_json_str(e->soname));
		json_object_set_new(d, "rpath", strlist(&e->rpath));
		json_object_set_new(d, "runpath", strlist(&e->runpath));
		if (e->has_flags)
			json_object_set_new(d, "flags", flags_list(e->dt_flags, sr_elf_dt_flags_names));
		if (e->has_flags_1)
			json_object_set_new(d, "flags_1", flags_list(e->dt_flags_1, sr_elf_dt_flags_1_names));
		json_object_set_new(d, "bind_now", json_boolean(e->bind_now));
		json_object_set_new(o, "dynamic", d);
	}

	json_t *vn = json_array();
	for (size_t i = 0; i < e->verneed_count; i++) {
		const struct sr_verneed *n = &e->verneed[i];
		json_t *lib = json_object();
		json_t *vers = json_array();
		for (size_t j = 0; j < n->count; j++) {
			json_t *v = json_object();
			json_object_set_new(v, "name", sr_json_str(n->vers[j].name));
			json_object_set_new(v, "hash", json_integer(n->vers[j].hash));
			json_object_set_new(v, "weak", json_boolean(n->vers[j].flags & 0x2));
			json_object_set_new(v, "index", json_integer(n->vers[j].index));
			json_array_append_new(vers, v);
		}
		json_object_set_new(lib, "file", sr_json_str(n->file));
		json_object_set_new(lib, "versions", vers);
		json_array_append_new(vn, lib);
	}
	json_object_set_new(o, "version_needs", vn);

	json_t *vd = json_array();
	for (size_t i = 0; i < e->verdef_count; i++) {
		const struct sr_verdef *d = &e->verdef[i];
		json_t *v = json_object();
		json_object_set_new(v, "name", sr_json_str(d->name));
		json_object_set_new(v, "index", json_integer(d->index));
		json_object_set_new(v, "base", json_boolean(d->flags & 0x1));
		json_object_set_new(v, "hash", json_integer(d->hash));
		if (d->parents.count)
			json_object_set_new(v, "parents", strlist(&d->parents));
		json_array_append_new(vd, v);
	}
	json_object_set_new(o, "version_defs", vd);

	json_t *vm = json_array();
	for (size_t i = 0; i < e->vermax_count; i++) {
		const struct sr_vermax *m = &e->vermax[i];
		json_t *v = json_object();
		json_object_set_new(v, "family", sr_json_str(m->family));
		json_object_set_new(v, "version", sr_json_str(m->version));
		json_object_set_new(v, "name", sr_json_str(m->name));
		json_object_set_new(v, "file", sr_json_str(m->file));
		json_object_set_new(v, "symbol", m->symbol ? sr_json_str(m->symbol) : json_null());
		json_array_append_new(vm, v);
	}
	json_object_set_new(o, "max_versions", vm);

	if (e->has_abi_tag) {
		char k[48];
		snprintf(k, sizeof k, "%u.%u.%u", e->abi_tag_kernel[0], e->abi_tag_kernel[1], e->abi_tag_kernel[2]);
		json_t *t = json_object();
		json_object_set_new(t, "os", sr_json_str(abi_os_name(e->abi_tag_os)));
		json_object_set_new(t, "kernel", sr_json_str(k));
		json_object_set_new(o, "abi_tag", t);
		if (e->abi_tag_os == 0)
			json_object_set_new(o, "min_kernel", sr_json_str(k));
	}
	if (e->build_id)
		json_object_set_new(o, "build_id", sr_json_str(e->build_id));
	json_object_set_new(o, "compilers", strlist(&e->comments));
	json_object_set_new(o, "stripped", json_boolean(!e->has_symtab));
	json_object_set_new(o, "debug_info", json_boolean(e->has_debug_info));

	json_t *h = json_object();
	json_object_set_new(h, "pie", json_boolean(e->hardening.pie));
	json_object_set_new(h, "relro", sr_json_str(sr_relro_name(e->hardening.relro)));
	json_object_set_new(h, "nx_stack", json_boolean(e->hardening.nx_stack));
	json_object_set_new(h, "stack_protector", tri(e->hardening.stack_protector));
	json_object_set_new(h, "fortify", tri(e->hardening.fortify));
	json_object_set_new(h, "fortified", strlist(&e->hardening.fortified));
	json_object_set_new(o, "hardening", h);

	json_object_set_new(o, "go", go_json(e, in->go));
	json_object_set_new(o, "needs", needs_json(needs));

	json_object_set_new(o, "warnings", strlist(&e->warnings));
	return o;
}

static json_t *strarray(const char *const *items, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, sr_json_str(items[i]));
	return a;
}

static json_t *go_module_json(const struct sr_go_module *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "path", sr_json_str(m->path));
	json_object_set_new(o, "version", sr_json_str(m->version));
	if (m->sum[0])
		json_object_set_new(o, "sum", sr_json_str(m->sum));
	if (m->replace)
		json_object_set_new(o, "replace", go_module_json(m->replace));
	return o;
}

static json_t *go_buildinfo_json(const struct sr_go_buildinfo *bi)
{
	static const char *const status[] = { "ok", "absent", "unparsable" };
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string(status[bi->status]));
	if (bi->status == SR_GO_BI_NOT_GO) {
		json_object_set_new(o, "error", sr_json_str(bi->error));
		return o;
	}
	json_object_set_new(o, "layout", json_string(bi->inline_layout ? "inline" : "pointer"));
	json_object_set_new(o, "pointer_size", json_integer(bi->ptr_size));
	json_object_set_new(o, "go_version", sr_json_strn(bi->version, bi->version_len));
	if (bi->status == SR_GO_BI_BAD_MODINFO) {
		json_object_set_new(o, "error", sr_json_str(bi->error));
		return o;
	}
	const struct sr_go_modinfo *m = bi->mod;
	if (m->path[0])
		json_object_set_new(o, "path", sr_json_str(m->path));
	if (m->main.path[0] || m->main.version[0])
		json_object_set_new(o, "main", go_module_json(&m->main));
	json_t *deps = json_array();
	for (size_t i = 0; i < m->ndeps; i++)
		json_array_append_new(deps, go_module_json(&m->deps[i]));
	json_object_set_new(o, "deps", deps);
	json_t *set = json_array();
	for (size_t i = 0; i < m->nsettings; i++) {
		json_t *kv = json_object();
		json_object_set_new(kv, "key", sr_json_strn(m->settings[i].key, m->settings[i].key_len));
		json_object_set_new(kv, "value", sr_json_strn(m->settings[i].value, m->settings[i].value_len));
		json_array_append_new(set, kv);
	}
	json_object_set_new(o, "settings", set);
	return o;
}

static json_t *go_json(const struct sr_elf *e, const struct sr_go_info *g)
{
	json_t *o = json_object();
	if (!g || !g->is_go) {
		json_object_set_new(o, "detected", json_boolean(e && e->go));
		json_object_set_new(o, "evidence", e ? strlist(&e->go_evidence) : json_array());
		return o;
	}
	static const char *const vsrc[] = { "none", "build_info", "runtime_string", "pclntab_layout" };
	static const char *const need_kind[] = { "ca_roots", "zoneinfo", "localtime", "dns", "nss", "user_db", "libc", "loader" };
	json_object_set_new(o, "detected", json_true());
	json_object_set_new(o, "evidence", strarray(g->evidence.items, g->evidence.count));
	json_object_set_new(o, "version", g->version ? sr_json_str(g->version) : json_null());
	json_object_set_new(o, "version_source", json_string(vsrc[g->version_source]));
	json_object_set_new(o, "build_info", go_buildinfo_json(g->bi));
	const struct sr_go_linked *gl = sr_go_linked(g);
	json_t *p = json_object();
	json_object_set_new(p, "layout", g->pcln ? json_string(sr_go_pcln_name(g->pcln)) : json_null());
	if (g->pcln) {
		json_object_set_new(p, "found_by", sr_json_str(g->pcln_found_by));
		json_object_set_new(p, "functions", json_integer((json_int_t)g->nfunc));
	}
	const char *pcln_problem = sr_go_pcln_problem(g);
	if (pcln_problem)
		json_object_set_new(p, "error", sr_json_str(pcln_problem));
	json_object_set_new(o, "pclntab", p);
	json_object_set_new(o, "packages", strarray(gl->packages, gl->npackages));
	if (g->goos)
		json_object_set_new(o, "goos", sr_json_str(g->goos));
	if (g->goarch)
		json_object_set_new(o, "goarch", sr_json_str(g->goarch));
	if (g->buildmode)
		json_object_set_new(o, "buildmode", sr_json_str(g->buildmode));
	json_t *c = json_object();
	json_object_set_new(c, "used", gl->cgo == SR_GO_CGO_UNKNOWN ? json_null() : json_boolean(gl->cgo == SR_GO_CGO_YES));
	json_object_set_new(c, "evidence", strarray(gl->cgo_evidence.items, gl->cgo_evidence.count));
	if (gl->cgo_consequence)
		json_object_set_new(c, "consequence", sr_json_str(gl->cgo_consequence));
	json_object_set_new(c, "extldflags_static", json_boolean(gl->extldflags_static));
	json_object_set_new(o, "cgo", c);
	json_t *t = json_object();
	json_object_set_new(t, "needed", json_boolean(gl->needs_toolchain));
	json_object_set_new(t, "reason", sr_json_str(gl->toolchain_reason));
	json_object_set_new(o, "toolchain_on_target", t);
	if (g->min_source) {
		json_t *m = json_object();
		if (g->min_kernel)
			json_object_set_new(m, "linux_kernel", sr_json_str(g->min_kernel));
		if (g->min_macos)
			json_object_set_new(m, "macos", sr_json_str(g->min_macos));
		if (g->min_windows)
			json_object_set_new(m, "windows", sr_json_str(g->min_windows));
		json_object_set_new(m, "source", sr_json_str(g->min_source));
		json_object_set_new(o, "minimums", m);
	}
	json_t *needs = json_array();
	for (size_t i = 0; i < gl->nneeds; i++) {
		const struct sr_go_need *n = &gl->needs[i];
		json_t *j = json_object();
		json_object_set_new(j, "kind", json_string(need_kind[n->kind]));
		json_object_set_new(j, "name", sr_json_str(n->name));
		json_object_set_new(j, "summary", sr_json_str(n->summary));
		json_object_set_new(j, "files", sr_json_str(n->files));
		if (n->env[0])
			json_object_set_new(j, "env", sr_json_str(n->env));
		json_object_set_new(j, "because", sr_json_str(n->because));
		if (n->remove[0])
			json_object_set_new(j, "remedy", sr_json_str(n->remove));
		json_object_set_new(j, "optional", json_boolean(n->optional));
		json_array_append_new(needs, j);
	}
	json_object_set_new(o, "needs", needs);
	return o;
}

static json_t *strs_json(const struct sr_strlist *l)
{
	return strarray(l->items, l->count);
}

static json_t *pe_json(const struct sr_inspect *in)
{
	const struct sr_pe *pe = in->pe;
	json_t *o = json_object();
	json_object_set_new(o, "path", sr_json_str(in->path));
	if (in->root) {
		json_object_set_new(o, "root", sr_json_str(in->root));
		json_object_set_new(o, "resolved", sr_json_str(in->resolved));
	}
	json_object_set_new(o, "format", json_string("pe"));
	json_t *h = json_object();
	json_object_set_new(h, "pe32_plus", json_boolean(pe->pe32_plus));
	json_object_set_new(h, "machine", sr_json_str(sr_pe_machine_name(pe->machine)));
	json_object_set_new(h, "machine_code", json_integer(pe->machine));
	json_object_set_new(h, "goarch", sr_json_str(sr_pe_goarch(pe->machine)));
	json_object_set_new(h, "dll", json_boolean(pe->dll));
	json_object_set_new(h, "subsystem", sr_json_str(sr_pe_subsystem_name(pe->subsystem)));
	json_object_set_new(h, "subsystem_code", json_integer(pe->subsystem));
	char v[32];
	snprintf(v, sizeof v, "%u.%u", pe->os_major, pe->os_minor);
	json_object_set_new(h, "os_version", json_string(v));
	snprintf(v, sizeof v, "%u.%u", pe->subsystem_major, pe->subsystem_minor);
	json_object_set_new(h, "subsystem_version", json_string(v));
	uint16_t maj, min;
	sr_pe_min_windows(pe, &maj, &min);
	json_object_set_new(h, "min_windows", sr_json_str(sr_pe_windows_name(maj, min)));
	json_object_set_new(h, "image_base", json_integer((json_int_t)(pe->image_base & 0x7fffffffffffffffull)));
	json_object_set_new(h, "timestamp", json_integer(pe->timestamp));
	const char *names[16];
	size_t n = sr_pe_dll_characteristics_names(pe->dll_characteristics, names, 16);
	json_object_set_new(h, "dll_characteristics", strarray(names, n < 16 ? n : 16));
	json_object_set_new(o, "pe", h);
	json_t *sec = json_object();
	uint16_t dc = pe->dll_characteristics;
	json_object_set_new(sec, "aslr", json_boolean(dc & SR_PE_DLLCHAR_DYNAMIC_BASE));
	json_object_set_new(sec, "high_entropy_va", json_boolean(dc & SR_PE_DLLCHAR_HIGH_ENTROPY_VA));
	json_object_set_new(sec, "dep", json_boolean(dc & SR_PE_DLLCHAR_NX_COMPAT));
	json_object_set_new(sec, "cfg", json_boolean(dc & SR_PE_DLLCHAR_GUARD_CF));
	json_object_set_new(o, "hardening", sec);
	json_t *dlls = json_array();
	for (size_t i = 0; i < pe->ndlls; i++) {
		const struct sr_pe_dll *d = &pe->dlls[i];
		json_t *j = json_object();
		json_object_set_new(j, "name", sr_json_str(d->name));
		json_object_set_new(j, "class", json_string(sr_pe_dll_class_name(d->dll_class)));
		json_object_set_new(j, "delay_load", json_boolean(d->delay_load));
		json_t *f = json_array();
		for (size_t k = 0; k < d->nfuncs; k++) {
			if (d->funcs[k].by_ordinal)
				json_array_append_new(f, json_integer(d->funcs[k].ordinal));
			else
				json_array_append_new(f, sr_json_str(d->funcs[k].name));
		}
		json_object_set_new(j, "functions", f);
		json_array_append_new(dlls, j);
	}
	json_object_set_new(o, "imports", dlls);
	if (pe->clr) {
		json_t *c = json_object();
		snprintf(v, sizeof v, "%u.%u", pe->clr_major, pe->clr_minor);
		json_object_set_new(c, "runtime_version", json_string(v));
		json_object_set_new(c, "flags", json_integer(pe->clr_flags));
		json_object_set_new(o, "dotnet", c);
	}
	json_object_set_new(o, "go", go_json(NULL, in->go));
	json_object_set_new(o, "warnings", strs_json(&pe->warnings));
	return o;
}

static json_t *macho_slice_json(const struct sr_macho_slice *s, const struct sr_go_info *g)
{
	char v1[16], v2[16];
	json_t *o = json_object();
	json_object_set_new(o, "offset", json_integer((json_int_t)s->offset));
	json_object_set_new(o, "size", json_integer((json_int_t)s->size));
	if (!s->parsed) {
		json_object_set_new(o, "error", sr_json_str(s->error ? s->error : "unreadable slice"));
		return o;
	}
	json_object_set_new(o, "bits", json_integer(s->bits));
	json_object_set_new(o, "byte_order", json_string(s->big_endian ? "big" : "little"));
	json_object_set_new(o, "cpu", sr_json_str(sr_macho_cpu_name(s->cputype, s->cpusubtype)));
	json_object_set_new(o, "cputype", json_integer(s->cputype));
	json_object_set_new(o, "cpusubtype", json_integer(s->cpusubtype));
	json_object_set_new(o, "goarch", sr_json_str(sr_macho_goarch(s->cputype)));
	json_object_set_new(o, "filetype", sr_json_str(sr_macho_filetype_name(s->filetype)));
	const char *names[32];
	size_t n = sr_macho_flag_names(s->flags, names, 32);
	json_object_set_new(o, "flags", strarray(names, n < 32 ? n : 32));
	json_object_set_new(o, "pie", json_boolean(s->flags & SR_MH_PIE));
	json_t *vs = json_array();
	for (size_t i = 0; i < s->nversions; i++) {
		const struct sr_macho_minos *m = &s->versions[i];
		json_t *j = json_object();
		json_object_set_new(j, "platform", sr_json_str(sr_macho_platform_name(m->platform)));
		json_object_set_new(j, "minos", json_string(sr_macho_version_str(m->minos, true, v1, sizeof v1)));
		if (m->sdk)
			json_object_set_new(j, "sdk", json_string(sr_macho_version_str(m->sdk, true, v2, sizeof v2)));
		json_array_append_new(vs, j);
	}
	json_object_set_new(o, "min_os", vs);
	static const char *const kinds[] = { "load", "weak", "reexport", "lazy", "upward" };
	json_t *dl = json_array();
	for (size_t i = 0; i < s->ndylibs; i++) {
		const struct sr_macho_dylib *d = &s->dylibs[i];
		json_t *j = json_object();
		json_object_set_new(j, "name", sr_json_str(d->name));
		json_object_set_new(j, "kind", json_string(kinds[d->kind]));
		json_object_set_new(j, "compatibility_version",
		                    json_string(sr_macho_version_str(d->compat_version, true, v1, sizeof v1)));
		json_object_set_new(j, "current_version",
		                    json_string(sr_macho_version_str(d->current_version, true, v2, sizeof v2)));
		json_array_append_new(dl, j);
	}
	json_object_set_new(o, "dylibs", dl);
	if (s->has_id_dylib)
		json_object_set_new(o, "install_name", sr_json_str(s->id_dylib.name));
	json_object_set_new(o, "rpaths", strs_json(&s->rpaths));
	if (s->has_uuid) {
		char u[33];
		for (int i = 0; i < 16; i++)
			snprintf(u + 2 * i, 3, "%02x", s->uuid[i]);
		json_object_set_new(o, "uuid", json_string(u));
	}
	json_t *sig = json_object();
	json_object_set_new(sig, "present", json_boolean(s->has_code_signature));
	json_object_set_new(sig, "adhoc", s->adhoc == SR_TRI_UNKNOWN ? json_null() : json_boolean(s->adhoc == SR_TRI_YES));
	json_object_set_new(o, "code_signature", sig);
	json_object_set_new(o, "encrypted", json_boolean(s->has_encryption_info && s->cryptid));
	json_object_set_new(o, "go", go_json(NULL, g));
	json_object_set_new(o, "warnings", strs_json(&s->warnings));
	return o;
}

static json_t *macho_json(const struct sr_inspect *in)
{
	const struct sr_macho *m = in->macho;
	json_t *o = json_object();
	json_object_set_new(o, "path", sr_json_str(in->path));
	if (in->root) {
		json_object_set_new(o, "root", sr_json_str(in->root));
		json_object_set_new(o, "resolved", sr_json_str(in->resolved));
	}
	json_object_set_new(o, "format", json_string("macho"));
	json_object_set_new(o, "universal", json_boolean(m->fat));
	json_object_set_new(o, "fat64", json_boolean(m->fat64));
	json_t *sl = json_array();
	for (size_t i = 0; i < m->nslices; i++)
		json_array_append_new(sl, macho_slice_json(&m->slices[i], in->macho_go ? in->macho_go[i] : NULL));
	json_object_set_new(o, "slices", sl);
	json_object_set_new(o, "warnings", strs_json(&m->warnings));
	return o;
}

void *sr_report_inspect_json(const struct sr_inspect *in, const struct sr_needs *needs)
{
	if (in->format == SR_FMT_ELF && in->elf)
		return elf_json(in, needs);
	if (in->format == SR_FMT_PE && in->pe)
		return pe_json(in);
	if (in->format == SR_FMT_MACHO && in->macho)
		return macho_json(in);
	return sr_report_error_json(in->path, "no analysis available");
}

void *sr_report_error_json(const char *path, const char *reason)
{
	json_t *o = json_object();
	json_object_set_new(o, "path", sr_json_str(path));
	json_object_set_new(o, "error", sr_json_str(reason));
	return o;
}
