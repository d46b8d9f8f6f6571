/* Test driver for the pclntab reader (not installed): used by
 * tests/cli/test_pclntab_oracle.py to compare with an independent reader.
 *
 *   pclntab_driver FILE              header line, then one function name a line
 *   pclntab_driver --packages FILE   header line, then one package a line
 *   pclntab_driver --scan FILE       as the first, but ignore section names
 *                                    (find the table by scanning segments)
 *
 * The header line is
 *   layout=1.20 ptrsize=8 quantum=1 nfunc=N how=<how it was found>
 * Exit status 0 on success, 1 when no table was found or reading failed
 * (a message on stderr), 2 on a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "go/go_internal.h"
#include "shipready/elf.h"
#include "shipready/file.h"

int main(int argc, char **argv)
{
	bool packages = false, scan_only = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--packages") == 0)
			packages = true;
		else if (strcmp(argv[i], "--scan") == 0)
			scan_only = true;
		else
			break;
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: %s [--packages] [--scan] FILE\n", argv[0]);
		return 2;
	}
	const char *path = argv[i];
	struct sr_error err = {0};
	struct sr_file f;
	if (sr_file_open(path, &f, &err) != SR_OK) {
		fprintf(stderr, "pclntab_driver: %s: %s\n", path, sr_error_message(&err));
		return 1;
	}
	struct sr_elf *e = NULL;
	if (sr_elf_parse_ex(&f.r, SR_ELF_NO_SYMBOLS, &e, &err) != SR_OK) {
		fprintf(stderr, "pclntab_driver: %s: %s\n", path, sr_error_message(&err));
		sr_file_close(&f);
		return 1;
	}
	struct sr_image img = e->image;
	if (scan_only)
		img.nsects = 0;
	struct sr_go_pclntab p;
	const char *how = NULL;
	int rc = 0;
	if (sr_go_pclntab_find(&img, &p, &how, &err) != SR_OK) {
		fprintf(stderr, "pclntab_driver: %s: %s\n", path, sr_error_message(&err));
		rc = 1;
		goto out;
	}
	printf("layout=%s ptrsize=%u quantum=%u nfunc=%llu how=%s\n", sr_go_pcln_name(p.layout), p.ptr_size,
	       p.quantum, (unsigned long long)p.nfunc, how);
	if (packages) {
		struct sr_arena *a = sr_arena_new();
		const char **pkgs;
		size_t n;
		enum sr_err e2 = a ? sr_go_pclntab_packages(&p, a, &pkgs, &n) : SR_E_NOMEM;
		if (e2 != SR_OK) {
			fprintf(stderr, "pclntab_driver: %s: packages: %s\n", path, sr_strerror(e2));
			rc = 1;
		} else {
			for (size_t k = 0; k < n; k++)
				printf("%s\n", pkgs[k]);
		}
		sr_arena_free(a);
	} else {
		for (uint64_t k = 0; k < p.nfunc; k++) {
			const char *name;
			size_t len;
			enum sr_err e2 = sr_go_pclntab_func_name(&p, k, &name, &len);
			if (e2 != SR_OK) {
				fprintf(stderr, "pclntab_driver: %s: function %llu: %s\n", path, (unsigned long long)k,
				        sr_strerror(e2));
				rc = 1;
				continue;
			}
			fwrite(name, 1, len, stdout);
			putchar('\n');
		}
	}
out:
	sr_elf_free(e);
	sr_file_close(&f);
	return rc;
}
