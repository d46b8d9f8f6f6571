/* shipready — what a binary's bytes are: sizes by section for every format,
 * and for a Go program by package and by module, from the pclntab's
 * function table (each function from its entry to the next one's, so its
 * alignment padding counts with it).  `shipready size` prints it; the HTML
 * report draws it. */
#ifndef SHIPREADY_SIZE_H
#define SHIPREADY_SIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/analysis.h"
#include "shipready/error.h"

/* A section, a package or a module, and its bytes. */
struct sr_size_part {
	const char *name;       /* ".text"; "net/http"; "golang.org/x/net", "std" or "(unknown)" */
	const char *version;    /* a module's version ("(devel)" for the main module's), or NULL */
	const char *module;     /* a package's module path ("std", "(unknown)"), or NULL */
	uint64_t bytes;
	uint64_t count;         /* a package's functions; a module's packages; 0 for a section */
	bool in_file;           /* a section that takes bytes of the file (not .bss) */
};

struct sr_size {
	uint64_t file_bytes;
	struct sr_size_part *sections;   /* largest first (ties: by name) */
	size_t nsections;
	/* Go: the function table's view (go false when it could not be read) */
	bool go;
	uint64_t nfunc;
	uint64_t go_text_bytes;          /* all functions, those of no package included */
	struct sr_size_part *packages;   /* largest first */
	size_t npackages;
	struct sr_size_part *modules;    /* largest first: the main module, its dependencies, "std" */
	size_t nmodules;
	struct sr_size_part unattributed;   /* "(no package)": go:, type:, cgo glue, assembly entry points */
	struct sr_size_priv *priv;
};

/* The sizes of an analysed file (a fat Mach-O: its first slice). */
enum sr_err sr_size_make(const struct sr_analysis *an, struct sr_size **out, struct sr_error *err);
void sr_size_free(struct sr_size *s);

#endif
