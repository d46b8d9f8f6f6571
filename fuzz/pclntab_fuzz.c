/* Fuzz target: the pclntab reader.
 *
 * The input is a table from its magic on.  The parser takes the byte order
 * from the magic, so readers of either order must give the same header and
 * the same names.  Then every name (at most 4096) is read and its package
 * taken (a prefix of the name), the package set is built in an arena (and
 * again with each package's function sizes: every function counted once), and
 * the finder scans an image whose one segment is the input (no sections):
 * whatever it finds must parse again and lie inside the input. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "go/go_internal.h"

static void check_packages(const struct sr_go_pclntab *p)
{
	struct sr_arena *a = sr_arena_new();
	if (!a)
		return;
	const char **pk;
	size_t n;
	if (sr_go_pclntab_packages(p, a, &pk, &n) == SR_OK) {
		for (size_t i = 0; i < n; i++)
			if (!pk[i][0] || (i && strcmp(pk[i - 1], pk[i]) >= 0))
				abort();   /* non-empty, sorted, unique */
	}
	/* with sizes: the same packages, each with at least one function, and
	 * no more functions than the table has */
	const char **pk2;
	size_t n2;
	struct sr_go_pkgsize *sz, other;
	if (sr_go_pclntab_packages_each(p, a, NULL, NULL, &pk2, &n2, &sz, &other) == SR_OK) {
		uint64_t funcs = other.funcs;
		for (size_t i = 0; i < n2; i++) {
			if (!sz || sz[i].funcs == 0)
				abort();
			funcs += sz[i].funcs;
		}
		if (funcs != p->nfunc)
			abort();
	}
	sr_arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_reader le, be;
	sr_reader_init(&le, data, size, false);
	sr_reader_init(&be, data, size, true);
	struct sr_go_pclntab a, b;
	struct sr_error err = {0};
	enum sr_err ra = sr_go_pclntab_parse(&le, &a, &err);
	enum sr_err rb = sr_go_pclntab_parse(&be, &b, NULL);
	(void)sr_error_message(&err);
	if (ra != rb)
		abort();
	if (ra == SR_OK) {
		if (a.layout != b.layout || a.nfunc != b.nfunc || a.functab != b.functab ||
		    a.funcnametab != b.funcnametab || a.tab.big_endian != b.tab.big_endian || !sr_go_pcln_name(a.layout))
			abort();
		uint64_t n = a.nfunc < 4096 ? a.nfunc : 4096;
		for (uint64_t i = 0; i < n; i++) {
			const char *s1, *s2;
			size_t l1, l2;
			enum sr_err e1 = sr_go_pclntab_func_name(&a, i, &s1, &l1);
			enum sr_err e2 = sr_go_pclntab_func_name(&b, i, &s2, &l2);
			if (e1 != e2 || (e1 == SR_OK && (s1 != s2 || l1 != l2)))
				abort();
			if (e1 != SR_OK)
				continue;
			if ((const uint8_t *)s1 < data || (size_t)((const uint8_t *)s1 - data) + l1 >= size)
				abort();   /* the name and its NUL lie inside the input */
			size_t pl;
			if (sr_go_symbol_package(s1, l1, &pl) && (pl == 0 || pl > l1))
				abort();
		}
		check_packages(&a);
	}

	/* the input as a name */
	size_t pl;
	if (sr_go_symbol_package((const char *)data, size, &pl) && (pl == 0 || pl > size))
		abort();

	/* the finder over an image of one read-only segment */
	struct sr_image_seg seg = { .vaddr = 0x10000, .memsz = size, .offset = 0, .filesz = size, .prot = SR_PROT_R };
	struct sr_image img = { .format = SR_IMAGE_ELF, .file = le, .ptr_size = 8, .segs = &seg, .nsegs = 1 };
	struct sr_go_pclntab f;
	const char *how = NULL;
	if (sr_go_pclntab_find(&img, &f, &how, NULL) == SR_OK) {
		if (!how || f.tab.base < data || f.tab.base + f.tab.len > data + size || f.nfunc == 0)
			abort();
		struct sr_go_pclntab again;
		if (sr_go_pclntab_parse(&f.tab, &again, NULL) != SR_OK || again.nfunc != f.nfunc)
			abort();
	}
	return 0;
}
