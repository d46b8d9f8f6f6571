/* shipready — libarchive, loaded when first used.

 * Only bundle, image and the image reader (scan and check of an image) use archives;
 * linking libarchive would make every command (inspect, deps, check) start by loading it and, through
 * it, libxml2, ICU and libstdc++: ld.so then spends more time relocating
 * them than `deps` spends on a program.  So the library calls libarchive
 * through this header: each function below is a shim that loads
 * libarchive.so.13 with dlopen(3) on first use and calls the real one.
 * The calls read as plain libarchive calls (the macros rename them).
 *
 * sr_archive_load reports, once, why libarchive cannot be loaded; call it
 * before the first archive call to turn that into an error.  If it has
 * failed, the shims return libarchive's own failure values (NULL,
 * ARCHIVE_FATAL) and do nothing for void functions. */
#ifndef SHIPREADY_UTIL_ARCHIVE_DL_H
#define SHIPREADY_UTIL_ARCHIVE_DL_H

#include <archive.h>
#include <archive_entry.h>

#include "shipready/error.h"

/* The soname of the libarchive the headers are from (3.x). */
#define SR_LIBARCHIVE_SONAME "libarchive.so.13"

enum sr_err sr_archive_load(struct sr_error *err);

struct archive * sr_archive_write_new(void);
int sr_archive_write_free(struct archive *a);
int sr_archive_write_close(struct archive *a);
int sr_archive_write_set_format_ustar(struct archive *a);
int sr_archive_write_set_format_pax_restricted(struct archive *a);
int sr_archive_write_set_format_raw(struct archive *a);
int sr_archive_write_add_filter_gzip(struct archive *a);
int sr_archive_write_add_filter_none(struct archive *a);
int sr_archive_write_set_options(struct archive *a, const char *opts);
int sr_archive_write_set_filter_option(struct archive *a, const char *m, const char *o, const char *v);
int sr_archive_write_set_bytes_per_block(struct archive *a, int n);
int sr_archive_write_set_bytes_in_last_block(struct archive *a, int n);
int sr_archive_write_open_fd(struct archive *a, int fd);
int sr_archive_write_open(struct archive *a, void *cd, archive_open_callback *o, archive_write_callback *w, archive_close_callback *c);
int sr_archive_write_open2(struct archive *a, void *cd, archive_open_callback *o, archive_write_callback *w, archive_close_callback *c, archive_free_callback *f);
/* variadic: formatted here, passed on as "%s" */
void sr_archive_set_error(struct archive *a, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
int sr_archive_write_header(struct archive *a, struct archive_entry *e);
la_ssize_t sr_archive_write_data(struct archive *a, const void *p, size_t n);
int sr_archive_write_finish_entry(struct archive *a);
const char * sr_archive_error_string(struct archive *a);
struct archive_entry * sr_archive_entry_new(void);
void sr_archive_entry_free(struct archive_entry *e);
struct archive_entry * sr_archive_entry_clear(struct archive_entry *e);
void sr_archive_entry_set_pathname(struct archive_entry *e, const char *s);
void sr_archive_entry_set_symlink(struct archive_entry *e, const char *s);
void sr_archive_entry_set_hardlink(struct archive_entry *e, const char *s);
void sr_archive_entry_set_uname(struct archive_entry *e, const char *s);
void sr_archive_entry_set_gname(struct archive_entry *e, const char *s);
void sr_archive_entry_set_mtime(struct archive_entry *e, time_t t, long ns);
void sr_archive_entry_set_uid(struct archive_entry *e, la_int64_t v);
void sr_archive_entry_set_gid(struct archive_entry *e, la_int64_t v);
void sr_archive_entry_set_size(struct archive_entry *e, la_int64_t v);
void sr_archive_entry_set_filetype(struct archive_entry *e, unsigned int v);
void sr_archive_entry_set_perm(struct archive_entry *e, __LA_MODE_T v);
void sr_archive_entry_set_mode(struct archive_entry *e, __LA_MODE_T v);

struct archive *sr_archive_read_new(void);
int sr_archive_read_free(struct archive *a);
int sr_archive_read_support_format_tar(struct archive *a);
int sr_archive_read_open_filename(struct archive *a, const char *f, size_t n);
int sr_archive_read_next_header(struct archive *a, struct archive_entry **e);
la_ssize_t sr_archive_read_data(struct archive *a, void *p, size_t n);
int sr_archive_read_data_skip(struct archive *a);
const char *sr_archive_entry_pathname(struct archive_entry *e);
la_int64_t sr_archive_entry_size(struct archive_entry *e);
__LA_MODE_T sr_archive_entry_filetype(struct archive_entry *e);
int sr_archive_read_support_filter_all(struct archive *a);
int sr_archive_read_support_format_gnutar(struct archive *a);
int sr_archive_read_open(struct archive *a, void *cd, archive_open_callback *o, archive_read_callback *r, archive_close_callback *c);
int sr_archive_read_data_block(struct archive *a, const void **buf, size_t *n, la_int64_t *off);
const char *sr_archive_entry_symlink(struct archive_entry *e);
const char *sr_archive_entry_hardlink(struct archive_entry *e);
__LA_MODE_T sr_archive_entry_perm(struct archive_entry *e);
int sr_archive_entry_size_is_set(struct archive_entry *e);
la_int64_t sr_archive_filter_bytes(struct archive *a, int n);
int sr_archive_filter_count(struct archive *a);
int sr_archive_filter_code(struct archive *a, int n);
int sr_archive_entry_sparse_count(struct archive_entry *e);
int sr_archive_read_support_format_raw(struct archive *a);

#define archive_write_new sr_archive_write_new
#define archive_write_free sr_archive_write_free
#define archive_write_close sr_archive_write_close
#define archive_write_set_format_ustar sr_archive_write_set_format_ustar
#define archive_write_set_format_pax_restricted sr_archive_write_set_format_pax_restricted
#define archive_write_set_format_raw sr_archive_write_set_format_raw
#define archive_write_add_filter_gzip sr_archive_write_add_filter_gzip
#define archive_write_add_filter_none sr_archive_write_add_filter_none
#define archive_write_set_options sr_archive_write_set_options
#define archive_write_set_filter_option sr_archive_write_set_filter_option
#define archive_write_set_bytes_per_block sr_archive_write_set_bytes_per_block
#define archive_write_set_bytes_in_last_block sr_archive_write_set_bytes_in_last_block
#define archive_write_open_fd sr_archive_write_open_fd
#define archive_write_open sr_archive_write_open
#define archive_write_open2 sr_archive_write_open2
#define archive_set_error sr_archive_set_error
#define archive_write_header sr_archive_write_header
#define archive_write_data sr_archive_write_data
#define archive_write_finish_entry sr_archive_write_finish_entry
#define archive_error_string sr_archive_error_string
#define archive_entry_new sr_archive_entry_new
#define archive_entry_free sr_archive_entry_free
#define archive_entry_clear sr_archive_entry_clear
#define archive_entry_set_pathname sr_archive_entry_set_pathname
#define archive_entry_set_symlink sr_archive_entry_set_symlink
#define archive_entry_set_hardlink sr_archive_entry_set_hardlink
#define archive_entry_set_uname sr_archive_entry_set_uname
#define archive_entry_set_gname sr_archive_entry_set_gname
#define archive_entry_set_mtime sr_archive_entry_set_mtime
#define archive_entry_set_uid sr_archive_entry_set_uid
#define archive_entry_set_gid sr_archive_entry_set_gid
#define archive_entry_set_size sr_archive_entry_set_size
#define archive_entry_set_filetype sr_archive_entry_set_filetype
#define archive_entry_set_perm sr_archive_entry_set_perm
#define archive_entry_set_mode sr_archive_entry_set_mode
#define archive_read_new sr_archive_read_new
#define archive_read_free sr_archive_read_free
#define archive_read_support_format_tar sr_archive_read_support_format_tar
#define archive_read_open_filename sr_archive_read_open_filename
#define archive_read_next_header sr_archive_read_next_header
#define archive_read_data sr_archive_read_data
#define archive_read_data_skip sr_archive_read_data_skip
#define archive_entry_pathname sr_archive_entry_pathname
#define archive_entry_size sr_archive_entry_size
#define archive_entry_filetype sr_archive_entry_filetype

#define archive_read_support_filter_all sr_archive_read_support_filter_all
#define archive_read_support_format_gnutar sr_archive_read_support_format_gnutar
#define archive_read_open sr_archive_read_open
#define archive_read_data_block sr_archive_read_data_block
#define archive_entry_symlink sr_archive_entry_symlink
#define archive_entry_hardlink sr_archive_entry_hardlink
#define archive_entry_perm sr_archive_entry_perm
#define archive_entry_size_is_set sr_archive_entry_size_is_set
#define archive_filter_bytes sr_archive_filter_bytes
#define archive_filter_count sr_archive_filter_count
#define archive_filter_code sr_archive_filter_code
#define archive_entry_sparse_count sr_archive_entry_sparse_count
#define archive_read_support_format_raw sr_archive_read_support_format_raw

#endif
