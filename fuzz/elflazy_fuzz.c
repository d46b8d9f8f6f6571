/* Fuzz target: the loader model's ELF parse (SR_ELF_LOADER_ONLY) through a
 * lazily read file (SR_FILE_LAZY) against the same parse through a reader
 * holding the whole input.
 *
 * `deps` reads each file lazily: only a head is read at once, the tables
 * past it are read on demand.  Whatever the head size, the two parses must
 * agree exactly: the same error code and message, or the same JSON report.
 * The input is written to one temporary file per process; the head size is
 * chosen from a hash of the bytes (1 byte up to the whole input, so that
 * every table starts, ends or straddles the boundary in some run), and a
 * reproducer always takes the same one.  The corpus is fuzz-elf's. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shipready/elf.h"
#include "shipready/file.h"
#include "shipready/inspect.h"
#include "shipready/reader.h"
#include "shipready/report.h"

static char *parse(const struct sr_reader *r, enum sr_err *code, char *why, size_t whysz)
{
	struct sr_elf *elf = NULL;
	struct sr_error err = { 0 };
	*code = sr_elf_parse_ex(r, SR_ELF_LOADER_ONLY, &elf, &err);
	if (*code != SR_OK) {
		if (elf)
			abort();   /* contract: *out is NULL on failure */
		snprintf(why, whysz, "%s", sr_error_message(&err));
		return NULL;
	}
	struct sr_inspect in = { .path = "fuzz", .format = SR_FMT_ELF, .elf = elf };
	struct sr_needs needs;
	if (sr_needs_from_inspect(&in, &needs, &err) != SR_OK)
		abort();   /* only out of memory, which libFuzzer reports itself */
	char *json = sr_fuzz_dump_json(sr_report_inspect_json(&in, &needs), 1);
	sr_needs_free(&needs);
	sr_elf_free(elf);
	return json;
}

static int scratch = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (scratch < 0) {
		FILE *t = tmpfile();   /* unlinked already; kept for the process */
		if (!t || (scratch = dup(fileno(t))) < 0)
			abort();
		fclose(t);
	}
	if (ftruncate(scratch, 0) != 0 || pwrite(scratch, data, size, 0) != (ssize_t)size)
		abort();

	uint32_t h = 2166136261u ^ (uint32_t)size;   /* FNV-1a of up to the first 64 bytes */
	for (size_t i = 0; i < size && i < 64; i++)
		h = (h ^ data[i]) * 16777619u;
	size_t head = 1 + h % size;

	struct sr_reader whole;
	sr_reader_init(&whole, data, size, false);
	struct sr_file f;
	struct sr_error err = { 0 };
	int fd = dup(scratch);
	if (fd < 0 || sr_file_lazy_fd(fd, head, &f, &err) != SR_OK)
		abort();

	enum sr_err cw, cl;
	char ww[512] = "", wl[512] = "";
	char *jw = parse(&whole, &cw, ww, sizeof ww);
	char *jl = parse(&f.r, &cl, wl, sizeof wl);
	if (cw != cl || strcmp(ww, wl) != 0)
		abort();   /* a lazy read changed the outcome */
	if ((jw == NULL) != (jl == NULL) || (jw && strcmp(jw, jl) != 0))
		abort();   /* a lazy read changed what was parsed */
	free(jw);
	free(jl);
	sr_file_close(&f);
	return 0;
}
