/* shipready — Go binaries: build info, pclntab and what they imply.
 *
 * sr_go_read() reads what a Go binary says about itself from its memory
 * image (any format that fills a struct sr_image): the build info blob (both
 * the pointer layout of Go 1.13–1.17 and the inline layout of Go 1.18+), the
 * module info text inside it, and the pclntab (function names, hence the
 * linked packages).  Only the pages of those tables are touched. */
#ifndef SHIPREADY_GO_H
#define SHIPREADY_GO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/error.h"
#include "shipready/image.h"
#include "shipready/strlist.h"

/* A module line of the build info ("mod", "dep" or "=>").  The strings are
 * NUL-terminated; Go strings may hold NUL bytes, so the parser also records
 * their lengths (a length of 0 in a struct made by hand means strlen). */
struct sr_go_module {
	const char *path;
	const char *version;
	const char *sum;                    /* "" when absent */
	const struct sr_go_module *replace; /* the "=>" line after it, or NULL */
	size_t path_len, version_len, sum_len;
};

/* A "build" line: key=value.  Go strings may hold NUL bytes, so the lengths
 * are kept (the strings are also NUL-terminated). */
struct sr_go_setting {
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len;
};

/* What runtime/debug.ParseBuildInfo makes of the module info text. */
struct sr_go_modinfo {
	const char *path;                   /* "" when absent */
	size_t path_len;                    /* as in struct sr_go_module */
	struct sr_go_module main;           /* all "" when absent */
	struct sr_go_module *deps;
	size_t ndeps;
	struct sr_go_setting *settings;
	size_t nsettings;
};

/* The pclntab layouts, named for the first Go release that wrote them. */
enum sr_go_pcln {
	SR_GO_PCLN_NONE = 0,
	SR_GO_PCLN_12,      /* magic 0xfffffffb, Go 1.2–1.15 */
	SR_GO_PCLN_116,     /* magic 0xfffffffa, Go 1.16–1.17 */
	SR_GO_PCLN_118,     /* magic 0xfffffff0, Go 1.18–1.19 */
	SR_GO_PCLN_120,     /* magic 0xfffffff1, Go 1.20+ */
};

/* The module info text (between the 16-byte sentinels) as Go's
 * debug.ParseBuildInfo reads it.  On failure *out is NULL and errbuf holds
 * Go's own message ("could not parse Go build info: line 3: …"). */
enum sr_err sr_go_modinfo_parse(const char *text, size_t len, struct sr_go_modinfo **out,
                                char *errbuf, size_t errlen);
/* Frees what sr_go_modinfo_parse returned (and nothing else); NULL is fine. */
void sr_go_modinfo_free(struct sr_go_modinfo *m);

/* The text debug.BuildInfo.String() produces for m with an empty GoVersion
 * (what `go version -m` indents under the file name).  malloc'd, NUL-
 * terminated; *len (if not NULL) is its length.  NULL when out of memory. */
char *sr_go_modinfo_string(const struct sr_go_modinfo *m, size_t *len);

/* The value of build setting key in m (the first, should the key repeat),
 * or NULL. */
const struct sr_go_setting *sr_go_modinfo_setting(const struct sr_go_modinfo *m, const char *key);

/* Short names for display and JSON: "1.2", "1.16", "1.18", "1.20", or NULL. */
const char *sr_go_pcln_name(enum sr_go_pcln p);

/* ---- the raw build info blob, read the way Go's debug/buildinfo does ---- */

enum sr_go_bi_status {
	SR_GO_BI_OK = 0,
	SR_GO_BI_NOT_GO,         /* no header, or an empty version: "not a Go executable" */
	SR_GO_BI_BAD_MODINFO,    /* header and version read, module text does not parse */
};

struct sr_go_priv;

struct sr_go_buildinfo {
	enum sr_go_bi_status status;
	bool inline_layout;      /* Go 1.18+: varint-prefixed strings after the header */
	unsigned ptr_size;       /* header byte 14 */
	bool big_endian;         /* pointer layout only: header byte 15 != 0 */
	uint64_t addr;           /* virtual address of the header */
	const char *version;     /* e.g. "go1.23.1 X:nocoverageredesign" (NUL-terminated copy) */
	size_t version_len;
	const char *modinfo;     /* the text between the sentinels ("" if none) */
	size_t modinfo_len;
	struct sr_go_modinfo *mod;   /* parsed modinfo (NULL unless status OK) */
	char error[256];         /* Go's message when status != OK */
	struct sr_go_priv *priv;
};

/* Read the build info of an image exactly as Go's debug/buildinfo does
 * (same start address, same 64 KiB window, same checks), so that
 * `shipready go-version` prints what `go version` prints.  Returns SR_OK
 * with bi->status telling the outcome; an error only when out of memory.
 * Free with sr_go_buildinfo_free(). */
enum sr_err sr_go_buildinfo_read(const struct sr_image *img, struct sr_go_buildinfo **out, struct sr_error *err);
void sr_go_buildinfo_free(struct sr_go_buildinfo *bi);

/* ---- everything about a Go binary ---- */

enum sr_go_vsource {
	SR_GO_VSRC_NONE = 0,
	SR_GO_VSRC_BUILDINFO,     /* the build info header */
	SR_GO_VSRC_RUNTIME,       /* the runtime.buildVersion string (build info removed) */
	SR_GO_VSRC_PCLNTAB,       /* only the pclntab layout: a range of releases */
};

/* What the linked program needs at run time, derived from its functions. */
enum sr_go_need_kind {
	SR_GO_NEED_CA_ROOTS = 0,
	SR_GO_NEED_ZONEINFO,
	SR_GO_NEED_LOCALTIME,
	SR_GO_NEED_DNS,
	SR_GO_NEED_NSS,           /* libc name-service modules (cgo resolver / os/user with cgo) */
	SR_GO_NEED_USERDB,
	SR_GO_NEED_LIBC,
	SR_GO_NEED_LOADER,        /* a dynamic executable without C code still needs its interpreter */
	SR_GO_NEED__COUNT
};

struct sr_go_need {
	enum sr_go_need_kind kind;
	const char *name;         /* "CA roots", "zoneinfo", … */
	const char *summary;      /* the main file or directory, for one-line reports */
	const char *files;        /* what is read, in order ("" if none) */
	const char *env;          /* environment that changes it, or "" */
	const char *because;      /* the package/function that causes it */
	const char *remove;       /* how to do without it, or "" */
	bool optional;            /* a fallback exists (embedded data, defaults) */
};

/* Facts about the binary the Go reader cannot see by itself (from the
 * format parser): dynamic linking, interpreter, needed libraries. */
struct sr_go_link {
	bool dynamic;
	const char *interpreter;            /* or NULL */
	const char *const *needed;
	size_t nneeded;
	bool is_shared_object;              /* a shared library (ELF ET_DYN with SONAME, …) */
	bool is_go_plugin;                  /* the format parser saw a Go plugin's exports */
	const char *libc;                   /* "glibc", "musl", … or NULL when unknown */
	bool is_pie;                        /* a position-independent executable */
	bool known_go;                      /* the format parser saw Go's marks (e.g. runtime
	                                     * symbols): look for the pclntab even without
	                                     * build info or Go sections */
	const char *goos, *goarch;          /* from the file format when build info lacks them */
};

enum sr_go_cgo { SR_GO_CGO_UNKNOWN = -1, SR_GO_CGO_NO = 0, SR_GO_CGO_YES = 1 };

/* The code of a package: its functions' bytes, from each one's entry to the
 * next one's (alignment padding included, as the pclntab lays them out). */
struct sr_go_pkgsize {
	uint64_t bytes;
	uint64_t funcs;
};

/* What a Go binary's linked functions say: its packages, and what they
 * imply (cgo, the toolchain question, files read at run time).  Made from
 * the pclntab, function by function, on the first ask (sr_go_linked):
 * walking a large program's table is most of what a scan spends on Go
 * (make bench: bench/scan.sh; kubectl has 90,000 functions), and a scan's
 * summary asks none of it. */
struct sr_go_linked {
	const char **packages;              /* sorted */
	size_t npackages;
	const struct sr_go_pkgsize *package_sizes;   /* beside packages (NULL when they could not be counted) */
	struct sr_go_pkgsize unattributed;  /* functions of no package: go:, type:, cgo glue, assembly */
	const char *packages_error;         /* why the table could not be walked, or NULL */

	enum sr_go_cgo cgo;
	struct sr_strlist cgo_evidence;
	const char *cgo_consequence;        /* plain words, or NULL */
	bool extldflags_static;

	bool needs_toolchain;
	const char *toolchain_reason;

	struct sr_go_need *needs;
	size_t nneeds;

	/* A linked function that lists network interfaces over a netlink
	 * socket (net.Interfaces, net.InterfaceAddrs, net.ListenMulticastUDP,
	 * …), or NULL.  syscall.NetlinkRIB alone is no evidence: every program
	 * linking net has it, for the names of IPv6 zones (fe80::1%eth0), and
	 * when netlink is refused net shows zones as numbers instead. */
	const char *netlink_func;
};

/* What the file says of itself: made by sr_go_read. */
struct sr_go_info {
	bool is_go;
	struct sr_strlist evidence;         /* why we think it is Go */

	struct sr_go_buildinfo *bi;         /* never NULL after sr_go_read */
	const char *version;                /* best known: "go1.22.4", "go1.20 or later", or NULL */
	enum sr_go_vsource version_source;
	unsigned go_major, go_minor;        /* 1, 22; 0 when unknown */

	enum sr_go_pcln pcln;
	const char *pcln_found_by;          /* ".gopclntab", "scan", … */
	uint64_t nfunc;
	const char *pcln_error;             /* why the pclntab could not be found, or NULL */

	const char *goos, *goarch;
	const char *buildmode;              /* "exe", "pie", "c-shared", "plugin", … or NULL */

	const char *min_kernel, *min_macos, *min_windows;   /* for this Go version, or NULL */
	const char *min_source;                             /* release notes cited */

	struct sr_go_priv *priv;
};

/* The linked facts of g, made on the first ask from the file sr_go_read
 * read (it must still be open: the analysis holding g keeps it so).  Never
 * NULL; a table that cannot be walked says why in packages_error.  Not for
 * two threads at once on one g. */
const struct sr_go_linked *sr_go_linked(const struct sr_go_info *g);

/* Is pkg among l's packages (a search of the sorted list)? */
bool sr_go_has_package(const struct sr_go_linked *l, const char *pkg);

/* Why the pclntab could not be read (found or walked), or NULL: asks for
 * the linked facts. */
const char *sr_go_pcln_problem(const struct sr_go_info *g);

/* Read build info, pclntab and facts.  link may be NULL.  A file without
 * build info, without Go's sections and not link->known_go is not Go: its
 * segments are not scanned for a pclntab (is_go false). */
enum sr_err sr_go_read(const struct sr_image *img, const struct sr_go_link *link, struct sr_go_info **out,
                       struct sr_error *err);
void sr_go_info_free(struct sr_go_info *g);

/* The module that provides package pkg: the longest main/dep module path
 * equal to pkg or a prefix of it ending at '/'; NULL when none (m may be NULL). */
const struct sr_go_module *sr_go_package_module(const struct sr_go_modinfo *m, const char *pkg);

/* Standard library: no module provides it and its first path element has no
 * dot (Go's own rule). */
bool sr_go_package_is_std(const struct sr_go_modinfo *m, const char *pkg);

#endif
