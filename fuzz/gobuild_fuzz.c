/* Fuzz target: the Go reader as a whole — build info in both layouts, the
 * module text, the pclntab found by section or by scanning, the runtime
 * version scan and the facts — plus the Go rows of both inspect reports.
 *
 * An input that starts with the ELF magic is parsed as ELF and read through
 * its image, like `inspect` and `go-version` do.  Any other input is one
 * read-write segment at 0x10000 of an image whose byte order and pointer
 * size come from the first byte (bit 0: big endian, bit 1: 4-byte
 * pointers), so the build-info and version scanners see arbitrary bytes
 * without an ELF wrapper in the way.
 *
 * Invariants: the reader answers the same twice; a readable build info
 * prints with sr_go_modinfo_string and that text parses again to the same
 * text; a binary said to be Go has a version or a pclntab. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "shipready/elf.h"
#include "shipready/go.h"
#include "shipready/inspect.h"
#include "shipready/report.h"

static void check_info(const struct sr_image *img, const struct sr_go_link *link)
{
	struct sr_go_info *g = NULL;
	struct sr_error err = {0};
	if (sr_go_read(img, link, &g, &err) != SR_OK) {
		if (g)
			abort();
		return;
	}
	if (g->is_go && !g->version && g->pcln == SR_GO_PCLN_NONE)
		abort();
	const struct sr_go_buildinfo *bi = g->bi;
	if (bi->status == SR_GO_BI_OK) {
		size_t len = 0;
		char *s = sr_go_modinfo_string(bi->mod, &len);
		if (!s)
			abort();
		struct sr_go_modinfo *again = NULL;
		char msg[256];
		if (sr_go_modinfo_parse(s, len, &again, msg, sizeof msg) != SR_OK)
			abort();   /* what we print must read back */
		size_t len2 = 0;
		char *s2 = sr_go_modinfo_string(again, &len2);
		if (!s2 || len2 != len || memcmp(s, s2, len) != 0)
			abort();
		free(s2);
		sr_go_modinfo_free(again);
		free(s);
	}
	if (g->is_go)
		sr_fuzz_dump_json(sr_report_go_packages_json("fuzz", g), 0);
	/* the same answer twice */
	struct sr_go_buildinfo *b2 = NULL;
	if (sr_go_buildinfo_read(img, &b2, NULL) == SR_OK) {
		if (b2->status != bi->status || b2->version_len != bi->version_len ||
		    memcmp(b2->version, bi->version, bi->version_len) != 0 || b2->modinfo_len != bi->modinfo_len)
			abort();
		sr_go_buildinfo_free(b2);
	}
	sr_go_info_free(g);
}

static void run_elf(const uint8_t *data, size_t size)
{
	struct sr_reader r;
	sr_reader_init(&r, data, size, false);
	struct sr_elf *e = NULL;
	if (sr_elf_parse_ex(&r, SR_ELF_NO_SYMBOLS, &e, NULL) != SR_OK)
		return;
	struct sr_go_link link = {
		.dynamic = e->linkage == SR_LINK_DYNAMIC,
		.interpreter = e->interpreter,
		.needed = e->needed.items,
		.nneeded = e->needed.count,
		.is_pie = e->kind == SR_ELF_KIND_PIE,
		.libc = "glibc",
		.goos = "linux",
		.goarch = sr_elf_goarch(e),
		.known_go = e->go,
	};
	check_info(&e->image, &link);

	/* and through both reports, as inspect shows it */
	struct sr_go_info *g = NULL;
	if (sr_go_read(&e->image, &link, &g, NULL) == SR_OK) {
		struct sr_inspect in = { .path = "fuzz", .format = SR_FMT_ELF, .elf = e, .go = g };
		struct sr_text_style plain = { .color = false };
		struct sr_needs needs;
		if (sr_needs_from_inspect(&in, &needs, NULL) != SR_OK)
			abort();   /* only out of memory, which libFuzzer reports itself */
		sr_report_inspect_text(sr_fuzz_devnull(), &in, &needs, &plain);
		sr_fuzz_dump_json(sr_report_inspect_json(&in, &needs), 0);
		sr_needs_free(&needs);
		sr_go_info_free(g);
	}
	sr_elf_free(e);
}

static void run_raw(const uint8_t *data, size_t size)
{
	if (size < 1)
		return;
	bool big = data[0] & 1;
	unsigned ptr = (data[0] & 2) ? 4 : 8;
	struct sr_image_seg seg = { .vaddr = 0x10000, .memsz = size - 1, .offset = 1, .filesz = size - 1,
		                    .prot = SR_PROT_R | SR_PROT_W };
	struct sr_image img = { .format = SR_IMAGE_ELF, .ptr_size = ptr, .big_endian = big,
		                .segs = &seg, .nsegs = 1 };
	sr_reader_init(&img.file, data, size, big);
	struct sr_go_link dyn = { .dynamic = true, .interpreter = "/lib/ld-musl-x86_64.so.1", .libc = "musl",
		                  .known_go = true };
	check_info(&img, NULL);   /* unmarked bytes: build info only */
	check_info(&img, &dyn);   /* and with the pclntab and version scans */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 4 && memcmp(data, "\x7f" "ELF", 4) == 0)
		run_elf(data, size);
	else
		run_raw(data, size);
	return 0;
}
