/* Test driver for the Mach-O parser (not installed): prints what
 * sr_macho_parse() finds, in a stable text form, for
 * tests/cli/test_macho_oracle.py to compare with LLVM's tools and Go.
 *
 *   macho_driver FILE        the facts of every slice (format below)
 *   macho_driver --go FILE   per parsed slice: "slice N go-version V" and the
 *                            module text lines as "slice N mod LINE", read by
 *                            lib/go from the slice's image (or "slice N
 *                            go-error MESSAGE")
 *
 * Facts, one per line, numbers in decimal unless named 0x…:
 *   fat 0|1 fat64 0|1 nfat_arch N nslices N
 *   fat-warning TEXT
 *   slice N offset O size S fatcpu 0xT 0xS align A
 *   slice N error TEXT                                  (unparsed slice; nothing more)
 *   slice N header cpu NAME cputype 0xT cpusubtype 0xS bits B endian little|big
 *   slice N filetype NAME flags 0xF [NAME…]
 *   slice N ncmds N sizeofcmds N
 *   slice N dylib LC_… NAME current X.Y.Z compat X.Y.Z timestamp T
 *   slice N id-dylib NAME current X.Y.Z compat X.Y.Z timestamp T
 *   slice N dylinker PATH
 *   slice N rpath PATH
 *   slice N main entryoff N stacksize N
 *   slice N version LC_… platform NAME minos X.Y.Z sdk X.Y.Z
 *   slice N tool NAME|N X.Y.Z
 *   slice N uuid HEX (uppercase, dashed as 8-4-4-4-12)
 *   slice N codesig dataoff N datasize N cdflags 0xF|- adhoc yes|no|unknown
 *   slice N encryption cryptoff N cryptsize N cryptid N
 *   slice N segment NAME vmaddr 0x… vmsize 0x… fileoff N filesize N maxprot 0xP initprot 0xP nsects N flags 0xF
 *   slice N section SEG,SECT addr 0x… size 0x… offset N align N reloff N nreloc N flags 0xF r1 N r2 N r3 N
 *   slice N image-seg NAME vaddr 0x… filesz N prot rwx
 *   slice N warning TEXT
 * Exit status 0 on success, 1 when the parser refused the file (message on
 * stderr), 2 on a usage error. */
#include <stdio.h>
#include <string.h>

#include "shipready/file.h"
#include "shipready/go.h"
#include "shipready/macho.h"

static const char *dylib_cmd(const struct sr_macho_dylib *d)
{
	const char *n = sr_macho_cmd_name(d->cmd);
	return n ? n : "?";
}

static void print_slice(size_t i, const struct sr_macho_slice *s)
{
	char v1[16], v2[16];
	printf("slice %zu offset %llu size %llu fatcpu %#x %#x align %u\n", i, (unsigned long long)s->offset,
	       (unsigned long long)s->size, (unsigned)s->fat_cputype, (unsigned)s->fat_cpusubtype,
	       (unsigned)s->fat_align);
	if (!s->parsed) {
		printf("slice %zu error %s\n", i, s->error ? s->error : "?");
		return;
	}
	const char *cpu = sr_macho_cpu_name(s->cputype, s->cpusubtype);
	printf("slice %zu header cpu %s cputype %#x cpusubtype %#x bits %u endian %s\n", i, cpu ? cpu : "?",
	       (unsigned)s->cputype, (unsigned)s->cpusubtype, s->bits, s->big_endian ? "big" : "little");
	const char *ft = sr_macho_filetype_name(s->filetype);
	printf("slice %zu filetype %s flags %#x", i, ft ? ft : "?", (unsigned)s->flags);
	const char *names[32];
	size_t n = sr_macho_flag_names(s->flags, names, 32);
	for (size_t k = 0; k < n && k < 32; k++)
		printf(" %s", names[k]);
	printf("\n");
	printf("slice %zu ncmds %u sizeofcmds %u\n", i, (unsigned)s->ncmds, (unsigned)s->sizeofcmds);
	for (size_t k = 0; k < s->ndylibs; k++) {
		const struct sr_macho_dylib *d = &s->dylibs[k];
		printf("slice %zu dylib %s %s current %s compat %s timestamp %u\n", i, dylib_cmd(d), d->name,
		       sr_macho_version_str(d->current_version, true, v1, sizeof v1),
		       sr_macho_version_str(d->compat_version, true, v2, sizeof v2), (unsigned)d->timestamp);
	}
	if (s->has_id_dylib)
		printf("slice %zu id-dylib %s current %s compat %s timestamp %u\n", i, s->id_dylib.name,
		       sr_macho_version_str(s->id_dylib.current_version, true, v1, sizeof v1),
		       sr_macho_version_str(s->id_dylib.compat_version, true, v2, sizeof v2),
		       (unsigned)s->id_dylib.timestamp);
	if (s->dylinker)
		printf("slice %zu dylinker %s\n", i, s->dylinker);
	for (size_t k = 0; k < s->rpaths.count; k++)
		printf("slice %zu rpath %s\n", i, s->rpaths.items[k]);
	if (s->has_main)
		printf("slice %zu main entryoff %llu stacksize %llu\n", i, (unsigned long long)s->entryoff,
		       (unsigned long long)s->stacksize);
	for (size_t k = 0; k < s->nversions; k++) {
		const struct sr_macho_minos *v = &s->versions[k];
		const char *p = sr_macho_platform_name(v->platform);
		printf("slice %zu version %s platform %s minos %s sdk %s\n", i, sr_macho_cmd_name(v->cmd),
		       p ? p : "?", sr_macho_version_str(v->minos, true, v1, sizeof v1),
		       sr_macho_version_str(v->sdk, true, v2, sizeof v2));
		for (size_t t = 0; t < v->ntools; t++) {
			const char *tn = sr_macho_tool_name(v->tools[t].tool);
			if (tn)
				printf("slice %zu tool %s %s\n", i, tn,
				       sr_macho_version_str(v->tools[t].version, true, v1, sizeof v1));
			else
				printf("slice %zu tool %u %s\n", i, (unsigned)v->tools[t].tool,
				       sr_macho_version_str(v->tools[t].version, true, v1, sizeof v1));
		}
	}
	if (s->has_uuid) {
		printf("slice %zu uuid ", i);
		for (int k = 0; k < 16; k++)
			printf("%02X%s", s->uuid[k], (k == 3 || k == 5 || k == 7 || k == 9) ? "-" : "");
		printf("\n");
	}
	if (s->has_code_signature) {
		printf("slice %zu codesig dataoff %u datasize %u", i, (unsigned)s->codesig_off, (unsigned)s->codesig_size);
		if (s->has_code_directory)
			printf(" cdflags %#x", (unsigned)s->cd_flags);
		else
			printf(" cdflags -");
		printf(" adhoc %s\n", s->adhoc == SR_TRI_YES ? "yes" : s->adhoc == SR_TRI_NO ? "no" : "unknown");
	}
	if (s->has_encryption_info)
		printf("slice %zu encryption cryptoff %u cryptsize %u cryptid %u\n", i, (unsigned)s->cryptoff,
		       (unsigned)s->cryptsize, (unsigned)s->cryptid);
	for (size_t k = 0; k < s->nsegments; k++) {
		const struct sr_macho_segment *g = &s->segments[k];
		printf("slice %zu segment %s vmaddr %#llx vmsize %#llx fileoff %llu filesize %llu maxprot %#x "
		       "initprot %#x nsects %u flags %#x\n",
		       i, g->name, (unsigned long long)g->vmaddr, (unsigned long long)g->vmsize,
		       (unsigned long long)g->fileoff, (unsigned long long)g->filesize, (unsigned)g->maxprot,
		       (unsigned)g->initprot, (unsigned)g->nsects, (unsigned)g->flags);
		for (size_t j = 0; j < g->nsections; j++) {
			const struct sr_macho_section *x = &s->sections[g->first_section + j];
			printf("slice %zu section %s,%s addr %#llx size %#llx offset %u align %u reloff %u nreloc %u "
			       "flags %#x r1 %u r2 %u r3 %u\n",
			       i, x->segname, x->sectname, (unsigned long long)x->addr, (unsigned long long)x->size,
			       (unsigned)x->offset, (unsigned)x->align, (unsigned)x->reloff, (unsigned)x->nreloc,
			       (unsigned)x->flags, (unsigned)x->reserved1, (unsigned)x->reserved2,
			       (unsigned)x->reserved3);
		}
	}
	for (size_t k = 0; k < s->image.nsegs; k++) {
		const struct sr_image_seg *g = &s->image.segs[k];
		printf("slice %zu image-seg %s vaddr %#llx filesz %llu prot %c%c%c\n", i, g->name ? g->name : "-",
		       (unsigned long long)g->vaddr, (unsigned long long)g->filesz, (g->prot & SR_PROT_R) ? 'r' : '-',
		       (g->prot & SR_PROT_W) ? 'w' : '-', (g->prot & SR_PROT_X) ? 'x' : '-');
	}
	for (size_t k = 0; k < s->warnings.count; k++)
		printf("slice %zu warning %s\n", i, s->warnings.items[k]);
}

static void print_go(size_t i, const struct sr_macho_slice *s)
{
	if (!s->parsed)
		return;
	struct sr_go_buildinfo *bi = NULL;
	struct sr_error err = {0};
	if (sr_go_buildinfo_read(&s->image, &bi, &err) != SR_OK) {
		printf("slice %zu go-error %s\n", i, sr_error_message(&err));
		return;
	}
	if (bi->status != SR_GO_BI_OK) {
		printf("slice %zu go-error %s\n", i, bi->error);
	} else {
		printf("slice %zu go-version %.*s\n", i, (int)bi->version_len, bi->version);
		const char *p = bi->modinfo, *end = bi->modinfo + bi->modinfo_len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
			printf("slice %zu mod %.*s\n", i, (int)len, p);
			p += len + (nl ? 1 : 0);
		}
	}
	sr_go_buildinfo_free(bi);
}

int main(int argc, char **argv)
{
	bool go = argc == 3 && strcmp(argv[1], "--go") == 0;
	if (argc != 2 && !go) {
		fprintf(stderr, "usage: %s [--go] FILE\n", argv[0]);
		return 2;
	}
	const char *path = argv[argc - 1];
	struct sr_error err = {0};
	struct sr_file f;
	if (sr_file_open(path, &f, &err) != SR_OK) {
		fprintf(stderr, "macho_driver: %s: %s\n", path, sr_error_message(&err));
		return 1;
	}
	struct sr_macho *m = NULL;
	if (sr_macho_parse(&f.r, &m, &err) != SR_OK) {
		fprintf(stderr, "macho_driver: %s: %s\n", path, sr_error_message(&err));
		sr_file_close(&f);
		return 1;
	}
	if (!go) {
		printf("fat %d fat64 %d nfat_arch %u nslices %zu\n", m->fat, m->fat64, (unsigned)m->nfat_arch,
		       m->nslices);
		for (size_t k = 0; k < m->warnings.count; k++)
			printf("fat-warning %s\n", m->warnings.items[k]);
	}
	for (size_t i = 0; i < m->nslices; i++) {
		if (go)
			print_go(i, &m->slices[i]);
		else
			print_slice(i, &m->slices[i]);
	}
	sr_macho_free(m);
	sr_file_close(&f);
	return 0;
}
