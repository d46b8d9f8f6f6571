/* Format detection and the per-file inspect entry point. */
#include "shipready/inspect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum sr_format sr_detect_format(const struct sr_reader *r)
{
	uint8_t m[4];
	if (sr_read_bytes(r, 0, 4, m) != SR_OK)
		return SR_FMT_UNKNOWN;
	if (m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F')
		return SR_FMT_ELF;
	if (m[0] == 'M' && m[1] == 'Z')
		return SR_FMT_PE;
	uint32_t be = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	uint32_t le = (uint32_t)m[3] << 24 | (uint32_t)m[2] << 16 | (uint32_t)m[1] << 8 | m[0];
	if (be == 0xfeedface || be == 0xfeedfacf || le == 0xfeedface || le == 0xfeedfacf)
		return SR_FMT_MACHO;
	/* fat Mach-O; 0xcafebabe is shared with Java class files, whose next
	 * field (a version >= 45) is larger than any plausible slice count. */
	if (be == 0xcafebabe || be == 0xcafebabf) {
		uint8_t n[4];
		if (sr_read_bytes(r, 4, 4, n) == SR_OK) {
			uint32_t count = (uint32_t)n[0] << 24 | (uint32_t)n[1] << 16 | (uint32_t)n[2] << 8 | n[3];
			if (count > 0 && count < 45)
				return SR_FMT_MACHO;
		}
	}
	return SR_FMT_UNKNOWN;
}

const char *sr_format_name(enum sr_format f)
{
	switch (f) {
	case SR_FMT_ELF: return "elf";
	case SR_FMT_PE: return "pe";
	case SR_FMT_MACHO: return "macho";
	default: return "unknown";
	}
}

/* The deep Go reader, for files the ELF parser already thinks are Go. */
static enum sr_err read_go(struct sr_inspect *out, struct sr_error *err)
{
	const struct sr_elf *e = out->elf;
	if (!e->go)
		return SR_OK;
	struct sr_go_link link = {
		.dynamic = e->linkage == SR_LINK_DYNAMIC,
		.interpreter = e->interpreter,
		.needed = e->needed.items,
		.nneeded = e->needed.count,
		.is_shared_object = e->kind == SR_ELF_KIND_SHARED,
		.is_go_plugin = e->go_plugin,
		.is_pie = e->kind == SR_ELF_KIND_PIE,
		.libc = e->libc == SR_LIBC_UNKNOWN || e->libc == SR_LIBC_NONE ? NULL : sr_libc_name(e->libc),
		.goos = "linux",
		.goarch = sr_elf_goarch(e),
		.known_go = true,   /* e->go: sections, build info magic or runtime symbols */
	};
	return sr_go_read(&e->image, &link, &out->go, err);
}

static enum sr_err read_go_pe(struct sr_inspect *out, struct sr_error *err)
{
	const struct sr_pe *pe = out->pe;
	struct sr_go_link link = {
		.dynamic = true,   /* every Windows program loads system DLLs */
		.is_shared_object = pe->dll,
		/* a Go PE has no section or note of its own: without build info
		 * only its pclntab (in .rdata) tells, so look for it */
		.known_go = true,
		.goos = "windows",
		.goarch = sr_pe_goarch(pe->machine),
	};
	return sr_go_read(&pe->image, &link, &out->go, err);
}

static enum sr_err read_go_macho(struct sr_inspect *out, struct sr_error *err)
{
	const struct sr_macho *m = out->macho;
	out->macho_go = calloc(m->nslices, sizeof *out->macho_go);
	if (!out->macho_go)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	for (size_t i = 0; i < m->nslices; i++) {
		const struct sr_macho_slice *s = &m->slices[i];
		if (!s->parsed)
			continue;
		struct sr_go_link link = {
			.dynamic = true,   /* every macOS program loads libSystem through dyld */
			.interpreter = s->dylinker,
			.is_shared_object = s->filetype == SR_MH_DYLIB || s->filetype == SR_MH_BUNDLE,
			.is_pie = (s->flags & SR_MH_PIE) != 0,
			.goos = "darwin",
			.goarch = sr_macho_goarch(s->cputype),
		};
		enum sr_err rc = sr_go_read(&s->image, &link, &out->macho_go[i], err);
		if (rc != SR_OK)
			return rc;
	}
	if (!m->fat)
		out->go = out->macho_go[0];
	return SR_OK;
}

/* Detect the format of an opened file and parse it. */
static enum sr_err analyse(struct sr_inspect *out, unsigned flags, struct sr_error *err)
{
	enum sr_err rc;
	out->format = sr_detect_format(&out->file.r);
	switch (out->format) {
	case SR_FMT_ELF:
		rc = sr_elf_parse_ex(&out->file.r, (flags & SR_INSPECT_HEADERS_ONLY) ? SR_ELF_NO_SYMBOLS : 0, &out->elf,
		                     err);
		if (rc == SR_OK && !(flags & SR_INSPECT_NO_GO))
			rc = read_go(out, err);
		break;
	case SR_FMT_PE:
		rc = sr_pe_parse(&out->file.r, &out->pe, err);
		if (rc == SR_OK && !(flags & SR_INSPECT_NO_GO))
			rc = read_go_pe(out, err);
		break;
	case SR_FMT_MACHO:
		rc = sr_macho_parse(&out->file.r, &out->macho, err);
		if (rc == SR_OK && !(flags & SR_INSPECT_NO_GO))
			rc = read_go_macho(out, err);
		break;
	default:
		if (out->file.r.len < 4)
			rc = sr_error_set(err, SR_E_NOT_BINARY, "not an executable or library (too short)");
		else
			rc = sr_error_set(err, SR_E_NOT_BINARY, "not an executable or library (unknown format)");
		break;
	}
	if (rc != SR_OK)
		sr_inspect_free(out);
	return rc;
}

enum sr_err sr_inspect_fd_root(const struct sr_root *root, const char *path, int fd, struct sr_inspect *out,
                               struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	out->path = path;
	out->root = root->dir;
	snprintf(out->resolved, sizeof out->resolved, "%s", path);
	enum sr_err rc = sr_file_open_fd(fd, 0, &out->file, err);
	if (rc != SR_OK)
		return rc;
	return analyse(out, 0, err);
}

enum sr_err sr_inspect_path(const char *path, struct sr_inspect *out, struct sr_error *err)
{
	return sr_inspect_path_ex(path, 0, out, err);
}

enum sr_err sr_inspect_path_ex(const char *path, unsigned flags, struct sr_inspect *out, struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	out->path = path;
	enum sr_err rc = sr_file_open(path, &out->file, err);
	if (rc != SR_OK)
		return rc;
	return analyse(out, flags, err);
}

enum sr_err sr_inspect_path_at(int dirfd, const char *name, const char *path, unsigned flags,
                               struct sr_inspect *out, struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	out->path = path;
	/* headers only: a few small tables of a large file, read with pread
	 * rather than mapped and faulted in page by page (go-version over many
	 * files: make bench's go-version -m target needs it) */
	unsigned how = SR_FILE_FOLLOW | (flags & SR_INSPECT_HEADERS_ONLY ? SR_FILE_LAZY : 0);
	enum sr_err rc = sr_file_open_ex(dirfd, name, how, &out->file, err);
	if (rc != SR_OK)
		return rc;
	return analyse(out, flags, err);
}

const char *sr_inspect_role(const struct sr_inspect *in)
{
	if (in->elf) {
		switch (in->elf->kind) {
		case SR_ELF_KIND_EXEC: case SR_ELF_KIND_PIE: return "program";
		case SR_ELF_KIND_SHARED: return "library";
		case SR_ELF_KIND_REL: return "object";
		case SR_ELF_KIND_CORE: return "core";
		default: return "other";
		}
	}
	if (in->pe)
		return in->pe->dll ? "library" : "program";
	if (in->macho && in->macho->nslices && in->macho->slices[0].parsed) {
		switch (in->macho->slices[0].filetype) {
		case SR_MH_EXECUTE: return "program";
		case SR_MH_DYLIB: case SR_MH_BUNDLE: return "library";
		case SR_MH_OBJECT: return "object";
		default: return "other";
		}
	}
	return "other";
}

const struct sr_image *sr_inspect_image(const struct sr_inspect *in)
{
	if (in->elf)
		return &in->elf->image;
	if (in->pe)
		return &in->pe->image;
	/* a universal file has one image per slice; like Go's reader, none here */
	if (in->macho && !in->macho->fat && in->macho->nslices == 1 && in->macho->slices[0].parsed)
		return &in->macho->slices[0].image;
	return NULL;
}

enum sr_err sr_inspect_path_root(const struct sr_root *root, const char *path, struct sr_inspect *out,
                                 struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	out->path = path;
	out->root = root->dir;
	enum sr_err rc = sr_root_file_open(root, path, &out->file, out->resolved, sizeof out->resolved, err);
	if (rc != SR_OK)
		return rc;
	return analyse(out, 0, err);
}

void sr_inspect_free(struct sr_inspect *in)
{
	if (!in)
		return;
	if (in->macho_go) {
		for (size_t i = 0; in->macho && i < in->macho->nslices; i++)
			sr_go_info_free(in->macho_go[i]);
		free(in->macho_go);
		in->macho_go = NULL;
	} else {
		sr_go_info_free(in->go);
	}
	in->go = NULL;
	sr_pe_free(in->pe);
	in->pe = NULL;
	sr_macho_free(in->macho);
	in->macho = NULL;
	sr_elf_free(in->elf);
	in->elf = NULL;
	sr_file_close(&in->file);
}

void sr_inspect_kernel_floor(const struct sr_inspect *in, struct sr_kernel_floor *out)
{
	memset(out, 0, sizeof *out);
	const struct sr_elf *e = in->elf;
	if (!e)
		return;
	if (e->has_abi_tag && e->abi_tag_os == 0 && e->libc == SR_LIBC_GLIBC && !e->has_interp)
		snprintf(out->glibc, sizeof out->glibc, "%u.%u.%u", e->abi_tag_kernel[0], e->abi_tag_kernel[1],
		         e->abi_tag_kernel[2]);
	if (in->go && in->go->is_go)
		out->go = in->go->min_kernel;
}
