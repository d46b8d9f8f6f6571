/* Internal interfaces of lib/go: the pieces sr_go_read() is built from,
 * each a parser of untrusted bytes with its own unit tests and fuzz target. */
#ifndef SR_GO_INTERNAL_H
#define SR_GO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shipready/go.h"
#include "shipready/reader.h"
#include "util/arena.h"

struct sr_go_pclntab;

/* Owner of everything one sr_go_buildinfo / sr_go_info holds; for an info,
 * what its linked facts are made from on the first ask. */
struct sr_go_priv {
	struct sr_arena *arena;
	struct sr_go_link link;            /* the format parser's facts (has_link) */
	bool has_link;
	struct sr_go_pclntab *pcln;        /* the table found (its reader borrows the file), or NULL */
	bool linked_made;
	struct sr_go_linked linked;
};

/* ---- goquote.c: Go's strconv quoting rules (used by the build lines) ---- */

/* A growable byte buffer (malloc'd). */
struct sr_gobuf {
	char *data;
	size_t len, cap;
	bool failed;      /* an allocation failed; data is unusable */
};
void sr_gobuf_put(struct sr_gobuf *b, const void *s, size_t n);
void sr_gobuf_putc(struct sr_gobuf *b, char ch);
void sr_gobuf_free(struct sr_gobuf *b);

/* strconv.Quote: append s (n bytes) double-quoted, escaping as Go does
 * (non-printable runes per Go's IsPrint, invalid UTF-8 as \x). */
void sr_go_quote(struct sr_gobuf *b, const char *s, size_t n);

/* strconv.QuoteRune: r single-quoted (what fmt's %q makes of a byte or
 * rune); an invalid rune is written as U+FFFD. */
void sr_go_quote_rune(struct sr_gobuf *b, uint32_t r);

/* strconv.IsPrint (Unicode categories L, M, N, P, S and U+0020). */
bool sr_go_is_print(uint32_t r);

/* strconv.QuotedPrefix: length of the quoted string at the start of s, or 0
 * when s does not start with a valid quoted string. */
size_t sr_go_quoted_prefix(const char *s, size_t n);

/* strconv.Unquote of the whole of s: the unquoted bytes go to the arena
 * (NUL-terminated; *outlen excludes the NUL).  False when s is not a valid
 * quoted string (Go returns ErrSyntax). */
bool sr_go_unquote(struct sr_arena *a, const char *s, size_t n, char **out, size_t *outlen);

/* ---- modinfo.c ---- */

/* sr_go_modinfo_parse into an existing arena (the result lives there: free
 * the arena, not the result). */
bool sr_go_modinfo_parse_in(struct sr_arena *a, const char *text, size_t len, struct sr_go_modinfo *out,
                            char *errbuf, size_t errlen);

/* ---- pclntab.c ---- */

/* A pclntab header, read from a reader that starts at its magic.  All
 * offsets are from the magic and were checked against tab by the parser. */
struct sr_go_pclntab {
	enum sr_go_pcln layout;
	struct sr_reader tab;    /* from the magic to the end of the section (found
	                          * by name) or of the segment's file bytes (found
	                          * by scanning); in the table's byte order */
	unsigned ptr_size;       /* 4 or 8 */
	unsigned quantum;        /* 1, 2 or 4 */
	uint64_t nfunc;
	uint64_t funcnametab;    /* offset in tab of function names (1.16+); 0 in 1.2 */
	uint64_t functab;        /* offset in tab of the function table */
	uint64_t functab_entsize; /* bytes per (entry, func offset) pair: 8 since
	                          * 1.18, else 2 * ptr_size */
	uint64_t funcdata;       /* offset the functab's func offsets are relative to */
};

/* Parse the header at the start of tab (byte order and pointer size are
 * taken from the header; tab's own byte order does not matter).  Checks that
 * the name table lies in tab and that nfunc pairs plus the end entry fit
 * after functab.  SR_E_NOT_BINARY without a magic, SR_E_MALFORMED for bad
 * header bytes or offsets, SR_E_TRUNCATED when tab is too short. */
enum sr_err sr_go_pclntab_parse(const struct sr_reader *tab, struct sr_go_pclntab *out, struct sr_error *err);

/* The name of function i (i < nfunc), borrowed from the file (NUL-terminated
 * there; *len excludes the NUL).  SR_E_RANGE/SR_E_TRUNCATED when an offset
 * leads outside tab or the name is unterminated (or over 16 KiB),
 * SR_E_MALFORMED for a negative name offset or an empty name. */
enum sr_err sr_go_pclntab_func_name(const struct sr_go_pclntab *p, uint64_t i, const char **name, size_t *len);

/* The package a Go symbol name belongs to: *pkg_len bytes of name (the
 * compiler's %xx escapes, as in gopkg.in/yaml%2ev3, are kept).  False for
 * names that belong to no package (go:/type: names, cgo glue, assembly entry
 * points).  The rules are listed in pclntab.c. */
bool sr_go_symbol_package(const char *name, size_t len, size_t *pkg_len);

/* Find the pclntab of an image: by section name (.gopclntab,
 * .data.rel.ro.gopclntab, __gopclntab), else by scanning the segments (read-
 * only first, then writable, then executable; the whole file when there are
 * no segments) for a 4-byte-aligned magic in the image's byte order whose
 * header parses and whose first functions look real (pcs in order, names
 * readable).  Cost: linear in the segments' size, at most 1024 candidates
 * checked in full.  *how (static text) says which: "section .gopclntab", …,
 * "scan of read-only segments", "scan of data segments", "scan of executable
 * segments", "scan of the file".  SR_E_NOT_BINARY when there is none. */
enum sr_err sr_go_pclntab_find(const struct sr_image *img, struct sr_go_pclntab *out, const char **how,
                               struct sr_error *err);

/* The sorted, de-duplicated packages of every function in p (%xx escapes
 * undone: gopkg.in/yaml.v3), copied into a.  Unreadable names are skipped.
 * SR_E_MALFORMED when reading the names costs more than the table's size
 * (names sharing one long string), SR_E_NOMEM past 65536 packages or the
 * arena's limit. */
enum sr_err sr_go_pclntab_packages(const struct sr_go_pclntab *p, struct sr_arena *a, const char ***pkgs,
                                   size_t *count);
/* The same, and each function's name (a readable one) also goes to
 * each_name(ctx, name, len) on the way, and (sizes not NULL) each
 * package's function bytes (entry to the next entry: its padding
 * included) go to (*sizes)[i], beside (*pkgs)[i], those of functions of no
 * package to *other: one pass over the names for every use of them (make
 * bench: the names of a large Go program are tens of MiB).
 * (Former wording:) each function's name (a readable one) also goes to
 * each_name(ctx, name, len) on the way: one pass over the names for
 * every use of them (make bench: the names of a large Go program are
 * tens of MiB). */
enum sr_err sr_go_pclntab_packages_each(const struct sr_go_pclntab *p, struct sr_arena *a,
                                        void (*each_name)(void *ctx, const char *name, size_t len), void *ctx,
                                        const char ***pkgs, size_t *count, struct sr_go_pkgsize **sizes,
                                        struct sr_go_pkgsize *other);

/* ---- minimums.c ---- */

/* Oldest Linux kernel, macOS and Windows a Go 1.minor binary supports (per
 * the release notes); false when the release is older than the table.
 * *newer_than_known when minor is past the last row (its values are used). */
bool sr_go_minimums(unsigned major, unsigned minor, const char *goarch, const char **kernel, const char **macos,
                    const char **windows, bool *newer_than_known);

/* ---- gomod.c ---- */

/* The index key of a module version: path, sep, version (malloc'd, *len
 * its length), or NULL.  go.sum and vendor/modules.txt use it. */
char *sr_go_module_key(const char *path, size_t pl, char sep, const char *version, size_t vl, size_t *len);

#endif
