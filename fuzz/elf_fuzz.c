/* Fuzz target: the ELF parser and both inspect reports.
 *
 * Every input is parsed through a little-endian reader and run through the
 * text report (plain and colour) and the JSON report.
 *
 * The parser must pick the byte order from EI_DATA itself, so parsing through
 * a big-endian reader must give the same result (same error code, or
 * identical JSON).  That second parse costs ~40% of the throughput, so it is
 * done for a deterministic sample: every input shorter than 256 bytes (where
 * the header code dominates) and one in four of the others, chosen by a hash
 * of the bytes (so a reproducer always takes the same path).  A parser that
 * keeps the caller's byte order anywhere shows it on a large share of inputs,
 * so sampling costs the check nothing in practice. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "shipready/elf.h"
#include "shipready/inspect.h"
#include "shipready/reader.h"
#include "shipready/report.h"

static char *run(const uint8_t *data, size_t size, bool big_endian, enum sr_err *code, bool text)
{
	struct sr_reader r;
	sr_reader_init(&r, data, size, big_endian);

	(void)sr_elf_is_elf(&r);

	struct sr_elf *elf = NULL;
	struct sr_error err = {0};
	*code = sr_elf_parse(&r, &elf, &err);
	if (*code != SR_OK) {
		if (elf)
			abort();   /* contract: *out is NULL on failure */
		(void)sr_error_message(&err);
		return NULL;
	}
	if (!elf)
		abort();

	struct sr_inspect in = { .path = "fuzz", .format = SR_FMT_ELF, .elf = elf };
	struct sr_needs needs;
	if (sr_needs_from_inspect(&in, &needs, &err) != SR_OK)
		abort();   /* only out of memory, which libFuzzer reports itself */
	if (text) {
		struct sr_text_style plain = { .color = false }, color = { .color = true };
		sr_report_inspect_text(sr_fuzz_devnull(), &in, &needs, &plain);
		sr_report_inspect_text(sr_fuzz_devnull(), &in, &needs, &color);
	}
	char *json = sr_fuzz_dump_json(sr_report_inspect_json(&in, &needs), 1);
	sr_needs_free(&needs);
	sr_elf_free(elf);
	return json;
}

/* Whether this input also gets the big-endian-reader parse (see above). */
static bool check_byte_order(const uint8_t *data, size_t size)
{
	if (size < 256)
		return true;
	uint32_t h = 2166136261u ^ (uint32_t)size;   /* FNV-1a of the first 64 bytes */
	for (size_t i = 0; i < 64; i++)
		h = (h ^ data[i]) * 16777619u;
	return (h >> 28 & 3) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum sr_err le_code, be_code;
	char *le = run(data, size, false, &le_code, true);
	if (!check_byte_order(data, size)) {
		free(le);
		return 0;
	}
	char *be = run(data, size, true, &be_code, false);
	if (le_code != be_code)
		abort();   /* result depends on the caller's initial byte order */
	if ((le == NULL) != (be == NULL) || (le && strcmp(le, be) != 0))
		abort();
	free(le);
	free(be);
	return 0;
}
