/* Fuzz target: the PE parser, then every consumer of its result that exists
 * so far: the name helpers, the RVA mapping, and lib/go's build-info reader
 * on the PE image (which reads through image.segs/sects).
 *
 * Checked: *out is NULL on failure; the parse does not depend on the
 * caller's byte order (PE is little-endian whatever the reader says); every
 * RVA mapping the parser reports stays inside the file. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "shipready/go.h"
#include "shipready/pe.h"
#include "shipready/reader.h"

/* A digest of the parse, to compare two parses cheaply. */
static uint64_t digest(const struct sr_pe *pe)
{
	uint64_t h = 1469598103934665603ull;
#define MIX(v) (h = (h ^ (uint64_t)(v)) * 1099511628211ull)
	MIX(pe->machine);
	MIX(pe->pe32_plus);
	MIX(pe->image_base);
	MIX(pe->nsections);
	MIX(pe->ndlls);
	MIX(pe->warnings.count);
	MIX(pe->nrich);
	MIX(pe->clr);
	for (size_t i = 0; i < pe->ndlls; i++) {
		MIX(pe->dlls[i].nfuncs);
		MIX(strlen(pe->dlls[i].name));
	}
#undef MIX
	return h;
}

static void consume(const struct sr_pe *pe, size_t size)
{
	(void)sr_pe_machine_name(pe->machine);
	(void)sr_pe_goarch(pe->machine);
	(void)sr_pe_subsystem_name(pe->subsystem);
	(void)sr_pe_windows_name(pe->os_major, pe->os_minor);
	const char *names[16];
	(void)sr_pe_dll_characteristics_names(pe->dll_characteristics, names, 16);
	(void)sr_pe_characteristics_names(pe->characteristics, names, 16);
	for (size_t i = 0; i < pe->ndlls; i++) {
		const struct sr_pe_dll *d = &pe->dlls[i];
		if (sr_pe_dll_classify(d->name) != d->dll_class)
			abort();
		(void)sr_pe_dll_class_name(d->dll_class);
		for (size_t j = 0; j < d->nfuncs; j++)
			if (!d->funcs[j].by_ordinal && !d->funcs[j].name)
				abort();
	}
	for (size_t i = 0; i < pe->nsections; i++) {
		uint64_t off, n;
		if (sr_pe_rva_to_offset(pe, pe->sections[i].virtual_address, &off, &n) && (off > size || n > size - off))
			abort();
	}
	for (size_t i = 0; i < pe->image.nsegs; i++) {
		const struct sr_image_seg *g = &pe->image.segs[i];
		if (g->filesz && (g->offset > size || g->filesz > size - g->offset))
			abort();
	}
	struct sr_go_buildinfo *bi = NULL;
	struct sr_error err = {0};
	if (sr_go_buildinfo_read(&pe->image, &bi, &err) == SR_OK)
		sr_go_buildinfo_free(bi);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_reader le, be;
	sr_reader_init(&le, data, size, false);
	sr_reader_init(&be, data, size, true);
	(void)sr_pe_is_pe(&le);

	struct sr_pe *a = NULL, *b = NULL;
	struct sr_error err = {0};
	enum sr_err ra = sr_pe_parse(&le, &a, &err);
	if (ra != SR_OK) {
		if (a)
			abort();   /* contract: *out is NULL on failure */
		(void)sr_error_message(&err);
	}
	enum sr_err rb = sr_pe_parse(&be, &b, &err);
	if (ra != rb || (a == NULL) != (b == NULL) || (a && digest(a) != digest(b)))
		abort();   /* the result depends on the caller's byte order */
	if (a)
		consume(a, size);
	sr_pe_free(a);
	sr_pe_free(b);
	return 0;
}
