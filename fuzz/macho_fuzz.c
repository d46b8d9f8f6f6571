/* Fuzz target: the Mach-O parser (thin and universal) and what reads its
 * slices' images.
 *
 * Every input is parsed through a little-endian and a big-endian reader: the
 * parser takes the byte order from the magic, so both parses must give the
 * same error code or the same facts (compared as a text dump).  Then, for
 * each parsed slice, the image's invariants are checked: every in-file
 * section's bytes and every file-backed segment's first byte are readable
 * (the parser clamps them to the slice), and lib/go's build-info reader runs
 * on the image. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/go.h"
#include "shipready/macho.h"
#include "shipready/reader.h"

static void dump_slice(FILE *f, const struct sr_macho_slice *s)
{
	char v1[16], v2[16];
	fprintf(f, "slice %llu %llu %x %x %u parsed %d %s\n", (unsigned long long)s->offset,
	        (unsigned long long)s->size, s->fat_cputype, s->fat_cpusubtype, s->fat_align, s->parsed,
	        s->error ? s->error : "");
	if (!s->parsed)
		return;
	const char *cpu = sr_macho_cpu_name(s->cputype, s->cpusubtype);
	const char *ft = sr_macho_filetype_name(s->filetype);
	fprintf(f, "%s %s %u %d %x %x %u %u %x\n", cpu ? cpu : "?", ft ? ft : "?", s->bits, s->big_endian,
	        s->cputype, s->cpusubtype, s->ncmds, s->sizeofcmds, s->flags);
	const char *names[32];
	size_t n = sr_macho_flag_names(s->flags, names, 32);
	for (size_t i = 0; i < n && i < 32; i++)
		fprintf(f, " %s", names[i]);
	for (size_t i = 0; i < s->ndylibs; i++) {
		const struct sr_macho_dylib *d = &s->dylibs[i];
		const char *cn = sr_macho_cmd_name(d->cmd);
		fprintf(f, "dylib %d %s %s %s %s %u\n", d->kind, cn ? cn : "?", d->name,
		        sr_macho_version_str(d->current_version, false, v1, sizeof v1),
		        sr_macho_version_str(d->compat_version, true, v2, sizeof v2), d->timestamp);
	}
	if (s->has_id_dylib)
		fprintf(f, "id %s %x %x\n", s->id_dylib.name, s->id_dylib.current_version, s->id_dylib.compat_version);
	fprintf(f, "dylinker %s\n", s->dylinker ? s->dylinker : "-");
	for (size_t i = 0; i < s->rpaths.count; i++)
		fprintf(f, "rpath %s\n", s->rpaths.items[i]);
	fprintf(f, "main %d %llx %llx\n", s->has_main, (unsigned long long)s->entryoff,
	        (unsigned long long)s->stacksize);
	for (size_t i = 0; i < s->nversions; i++) {
		const struct sr_macho_minos *v = &s->versions[i];
		const char *p = sr_macho_platform_name(v->platform);
		fprintf(f, "version %x %s %x %x", v->cmd, p ? p : "?", v->minos, v->sdk);
		for (size_t t = 0; t < v->ntools; t++) {
			const char *tn = sr_macho_tool_name(v->tools[t].tool);
			fprintf(f, " %s:%x", tn ? tn : "?", v->tools[t].version);
		}
		fputc('\n', f);
	}
	if (s->has_uuid)
		for (int i = 0; i < 16; i++)
			fprintf(f, "%02x", s->uuid[i]);
	fprintf(f, "\ncodesig %d %x %x %d %x %d\n", s->has_code_signature, s->codesig_off, s->codesig_size,
	        s->has_code_directory, s->cd_flags, (int)s->adhoc);
	fprintf(f, "crypt %d %x %x %x\n", s->has_encryption_info, s->cryptoff, s->cryptsize, s->cryptid);
	for (size_t i = 0; i < s->nsegments; i++) {
		const struct sr_macho_segment *g = &s->segments[i];
		fprintf(f, "seg %s %llx %llx %llx %llx %x %x %u %x %zu %zu\n", g->name, (unsigned long long)g->vmaddr,
		        (unsigned long long)g->vmsize, (unsigned long long)g->fileoff, (unsigned long long)g->filesize,
		        g->maxprot, g->initprot, g->nsects, g->flags, g->first_section, g->nsections);
		if (g->first_section > s->nsections || g->nsections > s->nsections - g->first_section)
			abort();   /* a segment's sections must lie in the slice's list */
	}
	for (size_t i = 0; i < s->nsections; i++) {
		const struct sr_macho_section *x = &s->sections[i];
		fprintf(f, "sect %s,%s %llx %llx %x %x %x\n", x->segname, x->sectname, (unsigned long long)x->addr,
		        (unsigned long long)x->size, x->offset, x->align, x->flags);
	}
	for (size_t i = 0; i < s->warnings.count; i++)
		fprintf(f, "warning %s\n", s->warnings.items[i]);
}

/* The parse through a reader of one byte order, dumped as text (or NULL). */
static char *run(const uint8_t *data, size_t size, bool big_endian, enum sr_err *code, struct sr_macho **keep)
{
	struct sr_reader r;
	sr_reader_init(&r, data, size, big_endian);
	bool is = sr_macho_is_macho(&r);
	struct sr_macho *m = NULL;
	struct sr_error err = {0};
	*code = sr_macho_parse(&r, &m, &err);
	if (*code != SR_OK) {
		if (m)
			abort();   /* contract: *out is NULL on failure */
		(void)sr_error_message(&err);
		return NULL;
	}
	if (!m || m->nslices == 0 || (!m->fat && !is))
		abort();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	fprintf(f, "fat %d %d %u %zu\n", m->fat, m->fat64, m->nfat_arch, m->nslices);
	for (size_t i = 0; i < m->warnings.count; i++)
		fprintf(f, "fat-warning %s\n", m->warnings.items[i]);
	for (size_t i = 0; i < m->nslices; i++)
		dump_slice(f, &m->slices[i]);
	fclose(f);
	if (keep)
		*keep = m;
	else
		sr_macho_free(m);
	return buf;
}

static void check_image(const struct sr_image *img)
{
	if (img->format != SR_IMAGE_MACHO || (img->ptr_size != 4 && img->ptr_size != 8))
		abort();
	for (size_t i = 0; i < img->nsects; i++) {
		struct sr_reader r;
		if (img->sects[i].in_file && sr_image_section_bytes(img, &img->sects[i], &r) != SR_OK)
			abort();   /* in_file sections lie inside the slice */
	}
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct sr_image_seg *g = &img->segs[i];
		struct sr_reader r;
		if (g->filesz > 0 && sr_image_read(img, g->vaddr, 1, &r) != SR_OK)
			abort();   /* file-backed segments are readable */
	}
	struct sr_go_buildinfo *bi = NULL;
	if (sr_go_buildinfo_read(img, &bi, NULL) == SR_OK)
		sr_go_buildinfo_free(bi);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum sr_err le_code, be_code;
	struct sr_macho *m = NULL;
	char *le = run(data, size, false, &le_code, &m);
	char *be = run(data, size, true, &be_code, NULL);
	if (le_code != be_code)
		abort();   /* result depends on the caller's initial byte order */
	if ((le == NULL) != (be == NULL) || (le && strcmp(le, be) != 0))
		abort();
	if (m) {
		for (size_t i = 0; i < m->nslices; i++)
			if (m->slices[i].parsed)
				check_image(&m->slices[i].image);
		sr_macho_free(m);
	}
	free(le);
	free(be);
	return 0;
}
