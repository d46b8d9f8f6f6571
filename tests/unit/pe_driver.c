/* Test driver for the PE parser (not installed): prints what lib/pe reads
 * from each file in a stable text form, for tests/cli/test_pe_oracle.py to
 * compare with objdump and llvm-readobj, and what lib/go reads through the
 * PE image (--go) for comparison with `go version -m`.
 *
 *   pe_driver FILE...        the facts below, one "key: value" a line
 *   pe_driver --go FILE      Go build info: "version: …", then the module text
 *
 * Lines (hex numbers without leading zeros):
 *   file: PATH
 *   format: PE32|PE32+
 *   machine: 0x8664 x86-64
 *   characteristics: 0x22 EXECUTABLE_IMAGE LARGE_ADDRESS_AWARE
 *   dll: yes|no
 *   timestamp: 0x…
 *   image-base: 0x400000
 *   entry: 0x…                       (the RVA)
 *   os-version: 6.1 Windows 7        (the name only when one release)
 *   subsystem-version: 6.1 Windows 7
 *   subsystem: 3 console
 *   dll-characteristics: 0x8160 HIGH_ENTROPY_VA DYNAMIC_BASE NX_COMPAT TERMINAL_SERVER_AWARE
 *   section: NAME va=0x… vsize=0x… raw=0x… off=0x… flags=0x…
 *   import: DLL CLASS                 then "  func: NAME hint=N" or "  ordinal: N"
 *   delay-import: DLL CLASS           the same
 *   clr: 2.5 flags=0x1                (only with a CLR header)
 *   rich: N entries key=0x…           (only with a Rich header)
 *   warning: TEXT
 * Exit status 0 when every file parsed, 1 otherwise (a message on stderr),
 * 2 on a usage error. */
#include <stdio.h>
#include <string.h>

#include "shipready/file.h"
#include "shipready/go.h"
#include "shipready/pe.h"

static void names_line(const char *key, uint16_t v, size_t (*fn)(uint16_t, const char **, size_t))
{
	const char *n[16];
	size_t k = fn(v, n, 16);
	printf("%s: 0x%x", key, v);
	for (size_t i = 0; i < k && i < 16; i++)
		printf(" %s", n[i]);
	printf("\n");
}

static void version_line(const char *key, uint16_t major, uint16_t minor)
{
	const char *w = sr_pe_windows_name(major, minor);
	printf("%s: %u.%u%s%s\n", key, major, minor, w ? " " : "", w ? w : "");
}

static void print_pe(const char *path, const struct sr_pe *pe)
{
	const char *m = sr_pe_machine_name(pe->machine), *s = sr_pe_subsystem_name(pe->subsystem);
	printf("file: %s\n", path);
	printf("format: %s\n", pe->pe32_plus ? "PE32+" : "PE32");
	printf("machine: 0x%x %s\n", pe->machine, m ? m : "unknown");
	names_line("characteristics", pe->characteristics, sr_pe_characteristics_names);
	printf("dll: %s\n", pe->dll ? "yes" : "no");
	printf("timestamp: 0x%x\n", pe->timestamp);
	printf("image-base: 0x%llx\n", (unsigned long long)pe->image_base);
	printf("entry: 0x%x\n", pe->entry_rva);
	version_line("os-version", pe->os_major, pe->os_minor);
	version_line("subsystem-version", pe->subsystem_major, pe->subsystem_minor);
	printf("subsystem: %u %s\n", pe->subsystem, s ? s : "unknown");
	names_line("dll-characteristics", pe->dll_characteristics, sr_pe_dll_characteristics_names);
	for (size_t i = 0; i < pe->nsections; i++) {
		const struct sr_pe_section *x = &pe->sections[i];
		printf("section: %s va=0x%x vsize=0x%x raw=0x%x off=0x%x flags=0x%x\n", x->name, x->virtual_address,
		       x->virtual_size, x->raw_size, x->raw_offset, x->characteristics);
	}
	for (size_t i = 0; i < pe->ndlls; i++) {
		const struct sr_pe_dll *d = &pe->dlls[i];
		printf("%s: %s %s%s\n", d->delay_load ? "delay-import" : "import", d->name,
		       sr_pe_dll_class_name(d->dll_class), d->truncated ? " truncated" : "");
		for (size_t j = 0; j < d->nfuncs; j++) {
			if (d->funcs[j].by_ordinal)
				printf("  ordinal: %u\n", d->funcs[j].ordinal);
			else
				printf("  func: %s hint=%u\n", d->funcs[j].name, d->funcs[j].hint);
		}
	}
	if (pe->clr)
		printf("clr: %u.%u flags=0x%x\n", pe->clr_major, pe->clr_minor, pe->clr_flags);
	if (pe->has_rich)
		printf("rich: %zu entries key=0x%x\n", pe->nrich, pe->rich_key);
	for (size_t i = 0; i < pe->warnings.count; i++)
		printf("warning: %s\n", pe->warnings.items[i]);
}

static int go_info(const struct sr_pe *pe)
{
	struct sr_go_buildinfo *bi = NULL;
	struct sr_error err = {0};
	if (sr_go_buildinfo_read(&pe->image, &bi, &err) != SR_OK) {
		fprintf(stderr, "pe_driver: %s\n", sr_error_message(&err));
		return 1;
	}
	int rc = 0;
	if (bi->status != SR_GO_BI_OK) {
		fprintf(stderr, "pe_driver: %s\n", bi->error);
		rc = 1;
	} else {
		printf("version: %s\n", bi->version);
		fwrite(bi->modinfo, 1, bi->modinfo_len, stdout);
	}
	sr_go_buildinfo_free(bi);
	return rc;
}

int main(int argc, char **argv)
{
	bool go = argc > 1 && strcmp(argv[1], "--go") == 0;
	int first = go ? 2 : 1;
	if (argc <= first) {
		fprintf(stderr, "usage: %s [--go] FILE...\n", argv[0]);
		return 2;
	}
	int rc = 0;
	for (int i = first; i < argc; i++) {
		struct sr_error err = {0};
		struct sr_file f;
		if (sr_file_open(argv[i], &f, &err) != SR_OK) {
			fprintf(stderr, "pe_driver: %s: %s\n", argv[i], sr_error_message(&err));
			rc = 1;
			continue;
		}
		struct sr_pe *pe = NULL;
		if (sr_pe_parse(&f.r, &pe, &err) != SR_OK) {
			fprintf(stderr, "pe_driver: %s: %s\n", argv[i], sr_error_message(&err));
			rc = 1;
		} else {
			if (go)
				rc |= go_info(pe);
			else
				print_pe(argv[i], pe);
			sr_pe_free(pe);
		}
		sr_file_close(&f);
	}
	return rc;
}
