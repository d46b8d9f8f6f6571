/* Fuzz target: the ELF parser and both inspect reports.
 *
 * The bytes are parsed twice, through a little-endian and a big-endian
 * reader: the parser must pick the byte order from EI_DATA itself, so both
 * runs must give the same result (same error code, or identical JSON). */
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
	if (text) {
		struct sr_text_style plain = { .color = false }, color = { .color = true };
		sr_report_inspect_text(sr_fuzz_devnull(), &in, &plain);
		sr_report_inspect_text(sr_fuzz_devnull(), &in, &color);
	}
	char *json = sr_fuzz_dump_json(sr_report_inspect_json(&in), 1);
	sr_elf_free(elf);
	return json;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum sr_err le_code, be_code;
	char *le = run(data, size, false, &le_code, true);
	char *be = run(data, size, true, &be_code, false);
	if (le_code != be_code)
		abort();   /* result depends on the caller's initial byte order */
	if ((le == NULL) != (be == NULL) || (le && strcmp(le, be) != 0))
		abort();
	free(le);
	free(be);
	return 0;
}
