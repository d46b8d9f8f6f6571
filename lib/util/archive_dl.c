/* shipready — libarchive loaded on first use (see archive_dl.h). */
#include "util/archive_dl.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define NOT_LOADED "libarchive is not loaded"

/* The real functions: the header's macros are not defined here. */
#undef archive_write_new
#undef archive_write_free
#undef archive_write_close
#undef archive_write_set_format_ustar
#undef archive_write_set_format_pax_restricted
#undef archive_write_set_format_raw
#undef archive_write_add_filter_gzip
#undef archive_write_add_filter_none
#undef archive_write_set_options
#undef archive_write_set_filter_option
#undef archive_write_set_bytes_per_block
#undef archive_write_set_bytes_in_last_block
#undef archive_write_open_fd
#undef archive_write_open
#undef archive_write_open2
#undef archive_set_error
#undef archive_write_header
#undef archive_write_data
#undef archive_write_finish_entry
#undef archive_error_string
#undef archive_entry_new
#undef archive_entry_free
#undef archive_entry_clear
#undef archive_entry_set_pathname
#undef archive_entry_set_symlink
#undef archive_entry_set_hardlink
#undef archive_entry_set_uname
#undef archive_entry_set_gname
#undef archive_entry_set_mtime
#undef archive_entry_set_uid
#undef archive_entry_set_gid
#undef archive_entry_set_size
#undef archive_entry_set_filetype
#undef archive_entry_set_perm
#undef archive_entry_set_mode
#undef archive_read_new
#undef archive_read_free
#undef archive_read_support_format_tar
#undef archive_read_open_filename
#undef archive_read_next_header
#undef archive_read_data
#undef archive_read_data_skip
#undef archive_entry_pathname
#undef archive_entry_size
#undef archive_entry_filetype
#undef archive_read_support_filter_all
#undef archive_read_support_format_gnutar
#undef archive_read_open
#undef archive_read_data_block
#undef archive_entry_symlink
#undef archive_entry_hardlink
#undef archive_entry_perm
#undef archive_entry_size_is_set
#undef archive_filter_bytes
#undef archive_filter_count
#undef archive_filter_code
#undef archive_entry_sparse_count
#undef archive_read_support_format_raw

/* the shims have the real functions' types */
_Static_assert(_Generic(&sr_archive_write_new, __typeof__(archive_write_new) *: 1, default: 0), "sr_archive_write_new is not archive_write_new");
_Static_assert(_Generic(&sr_archive_write_free, __typeof__(archive_write_free) *: 1, default: 0), "sr_archive_write_free is not archive_write_free");
_Static_assert(_Generic(&sr_archive_write_close, __typeof__(archive_write_close) *: 1, default: 0), "sr_archive_write_close is not archive_write_close");
_Static_assert(_Generic(&sr_archive_write_set_format_ustar, __typeof__(archive_write_set_format_ustar) *: 1, default: 0), "sr_archive_write_set_format_ustar is not archive_write_set_format_ustar");
_Static_assert(_Generic(&sr_archive_write_set_format_pax_restricted, __typeof__(archive_write_set_format_pax_restricted) *: 1, default: 0), "sr_archive_write_set_format_pax_restricted is not archive_write_set_format_pax_restricted");
_Static_assert(_Generic(&sr_archive_write_set_format_raw, __typeof__(archive_write_set_format_raw) *: 1, default: 0), "sr_archive_write_set_format_raw is not archive_write_set_format_raw");
_Static_assert(_Generic(&sr_archive_write_add_filter_gzip, __typeof__(archive_write_add_filter_gzip) *: 1, default: 0), "sr_archive_write_add_filter_gzip is not archive_write_add_filter_gzip");
_Static_assert(_Generic(&sr_archive_write_add_filter_none, __typeof__(archive_write_add_filter_none) *: 1, default: 0), "sr_archive_write_add_filter_none is not archive_write_add_filter_none");
_Static_assert(_Generic(&sr_archive_write_set_options, __typeof__(archive_write_set_options) *: 1, default: 0), "sr_archive_write_set_options is not archive_write_set_options");
_Static_assert(_Generic(&sr_archive_write_set_filter_option, __typeof__(archive_write_set_filter_option) *: 1, default: 0), "sr_archive_write_set_filter_option is not archive_write_set_filter_option");
_Static_assert(_Generic(&sr_archive_write_set_bytes_per_block, __typeof__(archive_write_set_bytes_per_block) *: 1, default: 0), "sr_archive_write_set_bytes_per_block is not archive_write_set_bytes_per_block");
_Static_assert(_Generic(&sr_archive_write_set_bytes_in_last_block, __typeof__(archive_write_set_bytes_in_last_block) *: 1, default: 0), "sr_archive_write_set_bytes_in_last_block is not archive_write_set_bytes_in_last_block");
_Static_assert(_Generic(&sr_archive_write_open_fd, __typeof__(archive_write_open_fd) *: 1, default: 0), "sr_archive_write_open_fd is not archive_write_open_fd");
_Static_assert(_Generic(&sr_archive_write_open, __typeof__(archive_write_open) *: 1, default: 0), "sr_archive_write_open is not archive_write_open");
_Static_assert(_Generic(&sr_archive_write_open2, __typeof__(archive_write_open2) *: 1, default: 0), "sr_archive_write_open2 is not archive_write_open2");
_Static_assert(_Generic(&sr_archive_set_error, __typeof__(archive_set_error) *: 1, default: 0), "sr_archive_set_error is not archive_set_error");
_Static_assert(_Generic(&sr_archive_write_header, __typeof__(archive_write_header) *: 1, default: 0), "sr_archive_write_header is not archive_write_header");
_Static_assert(_Generic(&sr_archive_write_data, __typeof__(archive_write_data) *: 1, default: 0), "sr_archive_write_data is not archive_write_data");
_Static_assert(_Generic(&sr_archive_write_finish_entry, __typeof__(archive_write_finish_entry) *: 1, default: 0), "sr_archive_write_finish_entry is not archive_write_finish_entry");
_Static_assert(_Generic(&sr_archive_error_string, __typeof__(archive_error_string) *: 1, default: 0), "sr_archive_error_string is not archive_error_string");
_Static_assert(_Generic(&sr_archive_entry_new, __typeof__(archive_entry_new) *: 1, default: 0), "sr_archive_entry_new is not archive_entry_new");
_Static_assert(_Generic(&sr_archive_entry_free, __typeof__(archive_entry_free) *: 1, default: 0), "sr_archive_entry_free is not archive_entry_free");
_Static_assert(_Generic(&sr_archive_entry_clear, __typeof__(archive_entry_clear) *: 1, default: 0), "sr_archive_entry_clear is not archive_entry_clear");
_Static_assert(_Generic(&sr_archive_entry_set_pathname, __typeof__(archive_entry_set_pathname) *: 1, default: 0), "sr_archive_entry_set_pathname is not archive_entry_set_pathname");
_Static_assert(_Generic(&sr_archive_entry_set_symlink, __typeof__(archive_entry_set_symlink) *: 1, default: 0), "sr_archive_entry_set_symlink is not archive_entry_set_symlink");
_Static_assert(_Generic(&sr_archive_entry_set_hardlink, __typeof__(archive_entry_set_hardlink) *: 1, default: 0), "sr_archive_entry_set_hardlink is not archive_entry_set_hardlink");
_Static_assert(_Generic(&sr_archive_entry_set_uname, __typeof__(archive_entry_set_uname) *: 1, default: 0), "sr_archive_entry_set_uname is not archive_entry_set_uname");
_Static_assert(_Generic(&sr_archive_entry_set_gname, __typeof__(archive_entry_set_gname) *: 1, default: 0), "sr_archive_entry_set_gname is not archive_entry_set_gname");
_Static_assert(_Generic(&sr_archive_entry_set_mtime, __typeof__(archive_entry_set_mtime) *: 1, default: 0), "sr_archive_entry_set_mtime is not archive_entry_set_mtime");
_Static_assert(_Generic(&sr_archive_entry_set_uid, __typeof__(archive_entry_set_uid) *: 1, default: 0), "sr_archive_entry_set_uid is not archive_entry_set_uid");
_Static_assert(_Generic(&sr_archive_entry_set_gid, __typeof__(archive_entry_set_gid) *: 1, default: 0), "sr_archive_entry_set_gid is not archive_entry_set_gid");
_Static_assert(_Generic(&sr_archive_entry_set_size, __typeof__(archive_entry_set_size) *: 1, default: 0), "sr_archive_entry_set_size is not archive_entry_set_size");
_Static_assert(_Generic(&sr_archive_entry_set_filetype, __typeof__(archive_entry_set_filetype) *: 1, default: 0), "sr_archive_entry_set_filetype is not archive_entry_set_filetype");
_Static_assert(_Generic(&sr_archive_entry_set_perm, __typeof__(archive_entry_set_perm) *: 1, default: 0), "sr_archive_entry_set_perm is not archive_entry_set_perm");
_Static_assert(_Generic(&sr_archive_entry_set_mode, __typeof__(archive_entry_set_mode) *: 1, default: 0), "sr_archive_entry_set_mode is not archive_entry_set_mode");
_Static_assert(_Generic(&sr_archive_read_new, __typeof__(archive_read_new) *: 1, default: 0), "sr_archive_read_new is not archive_read_new");
_Static_assert(_Generic(&sr_archive_read_free, __typeof__(archive_read_free) *: 1, default: 0), "sr_archive_read_free is not archive_read_free");
_Static_assert(_Generic(&sr_archive_read_support_format_tar, __typeof__(archive_read_support_format_tar) *: 1, default: 0), "sr_archive_read_support_format_tar is not archive_read_support_format_tar");
_Static_assert(_Generic(&sr_archive_read_open_filename, __typeof__(archive_read_open_filename) *: 1, default: 0), "sr_archive_read_open_filename is not archive_read_open_filename");
_Static_assert(_Generic(&sr_archive_read_next_header, __typeof__(archive_read_next_header) *: 1, default: 0), "sr_archive_read_next_header is not archive_read_next_header");
_Static_assert(_Generic(&sr_archive_read_data, __typeof__(archive_read_data) *: 1, default: 0), "sr_archive_read_data is not archive_read_data");
_Static_assert(_Generic(&sr_archive_read_data_skip, __typeof__(archive_read_data_skip) *: 1, default: 0), "sr_archive_read_data_skip is not archive_read_data_skip");
_Static_assert(_Generic(&sr_archive_entry_pathname, __typeof__(archive_entry_pathname) *: 1, default: 0), "sr_archive_entry_pathname is not archive_entry_pathname");
_Static_assert(_Generic(&sr_archive_entry_size, __typeof__(archive_entry_size) *: 1, default: 0), "sr_archive_entry_size is not archive_entry_size");
_Static_assert(_Generic(&sr_archive_entry_filetype, __typeof__(archive_entry_filetype) *: 1, default: 0), "sr_archive_entry_filetype is not archive_entry_filetype");
_Static_assert(_Generic(&sr_archive_read_support_filter_all, __typeof__(archive_read_support_filter_all) *: 1, default: 0), "sr_archive_read_support_filter_all is not archive_read_support_filter_all");
_Static_assert(_Generic(&sr_archive_read_support_format_gnutar, __typeof__(archive_read_support_format_gnutar) *: 1, default: 0), "sr_archive_read_support_format_gnutar is not archive_read_support_format_gnutar");
_Static_assert(_Generic(&sr_archive_read_open, __typeof__(archive_read_open) *: 1, default: 0), "sr_archive_read_open is not archive_read_open");
_Static_assert(_Generic(&sr_archive_read_data_block, __typeof__(archive_read_data_block) *: 1, default: 0), "sr_archive_read_data_block is not archive_read_data_block");
_Static_assert(_Generic(&sr_archive_entry_symlink, __typeof__(archive_entry_symlink) *: 1, default: 0), "sr_archive_entry_symlink is not archive_entry_symlink");
_Static_assert(_Generic(&sr_archive_entry_hardlink, __typeof__(archive_entry_hardlink) *: 1, default: 0), "sr_archive_entry_hardlink is not archive_entry_hardlink");
_Static_assert(_Generic(&sr_archive_entry_perm, __typeof__(archive_entry_perm) *: 1, default: 0), "sr_archive_entry_perm is not archive_entry_perm");
_Static_assert(_Generic(&sr_archive_entry_size_is_set, __typeof__(archive_entry_size_is_set) *: 1, default: 0), "sr_archive_entry_size_is_set is not archive_entry_size_is_set");
_Static_assert(_Generic(&sr_archive_filter_bytes, __typeof__(archive_filter_bytes) *: 1, default: 0), "sr_archive_filter_bytes is not archive_filter_bytes");
_Static_assert(_Generic(&sr_archive_filter_count, __typeof__(archive_filter_count) *: 1, default: 0), "sr_archive_filter_count is not archive_filter_count");
_Static_assert(_Generic(&sr_archive_filter_code, __typeof__(archive_filter_code) *: 1, default: 0), "sr_archive_filter_code is not archive_filter_code");
_Static_assert(_Generic(&sr_archive_entry_sparse_count, __typeof__(archive_entry_sparse_count) *: 1, default: 0), "sr_archive_entry_sparse_count is not archive_entry_sparse_count");
_Static_assert(_Generic(&sr_archive_read_support_format_raw, __typeof__(archive_read_support_format_raw) *: 1, default: 0), "sr_archive_read_support_format_raw is not archive_read_support_format_raw");

/* each pointer has the type of the real function (from its header), so
 * every call below is checked against libarchive's own prototype */
static struct {
	int state;   /* 0 not tried, 1 loaded, -1 failed */
	char why[512];
	__typeof__(archive_write_new) *archive_write_new;
	__typeof__(archive_write_free) *archive_write_free;
	__typeof__(archive_write_close) *archive_write_close;
	__typeof__(archive_write_set_format_ustar) *archive_write_set_format_ustar;
	__typeof__(archive_write_set_format_pax_restricted) *archive_write_set_format_pax_restricted;
	__typeof__(archive_write_set_format_raw) *archive_write_set_format_raw;
	__typeof__(archive_write_add_filter_gzip) *archive_write_add_filter_gzip;
	__typeof__(archive_write_add_filter_none) *archive_write_add_filter_none;
	__typeof__(archive_write_set_options) *archive_write_set_options;
	__typeof__(archive_write_set_filter_option) *archive_write_set_filter_option;
	__typeof__(archive_write_set_bytes_per_block) *archive_write_set_bytes_per_block;
	__typeof__(archive_write_set_bytes_in_last_block) *archive_write_set_bytes_in_last_block;
	__typeof__(archive_write_open_fd) *archive_write_open_fd;
	__typeof__(archive_write_open) *archive_write_open;
	__typeof__(archive_write_open2) *archive_write_open2;
	__typeof__(archive_set_error) *archive_set_error;
	__typeof__(archive_write_header) *archive_write_header;
	__typeof__(archive_write_data) *archive_write_data;
	__typeof__(archive_write_finish_entry) *archive_write_finish_entry;
	__typeof__(archive_error_string) *archive_error_string;
	__typeof__(archive_entry_new) *archive_entry_new;
	__typeof__(archive_entry_free) *archive_entry_free;
	__typeof__(archive_entry_clear) *archive_entry_clear;
	__typeof__(archive_entry_set_pathname) *archive_entry_set_pathname;
	__typeof__(archive_entry_set_symlink) *archive_entry_set_symlink;
	__typeof__(archive_entry_set_hardlink) *archive_entry_set_hardlink;
	__typeof__(archive_entry_set_uname) *archive_entry_set_uname;
	__typeof__(archive_entry_set_gname) *archive_entry_set_gname;
	__typeof__(archive_entry_set_mtime) *archive_entry_set_mtime;
	__typeof__(archive_entry_set_uid) *archive_entry_set_uid;
	__typeof__(archive_entry_set_gid) *archive_entry_set_gid;
	__typeof__(archive_entry_set_size) *archive_entry_set_size;
	__typeof__(archive_entry_set_filetype) *archive_entry_set_filetype;
	__typeof__(archive_entry_set_perm) *archive_entry_set_perm;
	__typeof__(archive_entry_set_mode) *archive_entry_set_mode;
	__typeof__(archive_read_new) *archive_read_new;
	__typeof__(archive_read_free) *archive_read_free;
	__typeof__(archive_read_support_format_tar) *archive_read_support_format_tar;
	__typeof__(archive_read_open_filename) *archive_read_open_filename;
	__typeof__(archive_read_next_header) *archive_read_next_header;
	__typeof__(archive_read_data) *archive_read_data;
	__typeof__(archive_read_data_skip) *archive_read_data_skip;
	__typeof__(archive_entry_pathname) *archive_entry_pathname;
	__typeof__(archive_entry_size) *archive_entry_size;
	__typeof__(archive_entry_filetype) *archive_entry_filetype;
	__typeof__(archive_read_support_filter_all) *archive_read_support_filter_all;
	__typeof__(archive_read_support_format_gnutar) *archive_read_support_format_gnutar;
	__typeof__(archive_read_open) *archive_read_open;
	__typeof__(archive_read_data_block) *archive_read_data_block;
	__typeof__(archive_entry_symlink) *archive_entry_symlink;
	__typeof__(archive_entry_hardlink) *archive_entry_hardlink;
	__typeof__(archive_entry_perm) *archive_entry_perm;
	__typeof__(archive_entry_size_is_set) *archive_entry_size_is_set;
	__typeof__(archive_filter_bytes) *archive_filter_bytes;
	__typeof__(archive_filter_count) *archive_filter_count;
	__typeof__(archive_filter_code) *archive_filter_code;
	__typeof__(archive_entry_sparse_count) *archive_entry_sparse_count;
	__typeof__(archive_read_support_format_raw) *archive_read_support_format_raw;
} dl;

static bool load(void)
{
	if (dl.state)
		return dl.state > 0;
	dl.state = -1;
	void *h = dlopen(SR_LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(dl.why, sizeof dl.why, "%s", e ? e : SR_LIBARCHIVE_SONAME ": cannot be loaded");
		return false;
	}
	/* dlsym returns void *: the POSIX way to assign it to a function pointer */
#define SYM(name)                                                                            \
	do {                                                                                 \
		*(void **)(&dl.name) = dlsym(h, #name);                                       \
		if (!dl.name) {                                                              \
			snprintf(dl.why, sizeof dl.why, "%s has no %s", SR_LIBARCHIVE_SONAME, #name); \
			return false;                                                        \
		}                                                                            \
	} while (0)
	SYM(archive_write_new);
	SYM(archive_write_free);
	SYM(archive_write_close);
	SYM(archive_write_set_format_ustar);
	SYM(archive_write_set_format_pax_restricted);
	SYM(archive_write_set_format_raw);
	SYM(archive_write_add_filter_gzip);
	SYM(archive_write_add_filter_none);
	SYM(archive_write_set_options);
	SYM(archive_write_set_filter_option);
	SYM(archive_write_set_bytes_per_block);
	SYM(archive_write_set_bytes_in_last_block);
	SYM(archive_write_open_fd);
	SYM(archive_write_open);
	SYM(archive_write_open2);
	SYM(archive_set_error);
	SYM(archive_write_header);
	SYM(archive_write_data);
	SYM(archive_write_finish_entry);
	SYM(archive_error_string);
	SYM(archive_entry_new);
	SYM(archive_entry_free);
	SYM(archive_entry_clear);
	SYM(archive_entry_set_pathname);
	SYM(archive_entry_set_symlink);
	SYM(archive_entry_set_hardlink);
	SYM(archive_entry_set_uname);
	SYM(archive_entry_set_gname);
	SYM(archive_entry_set_mtime);
	SYM(archive_entry_set_uid);
	SYM(archive_entry_set_gid);
	SYM(archive_entry_set_size);
	SYM(archive_entry_set_filetype);
	SYM(archive_entry_set_perm);
	SYM(archive_entry_set_mode);
	SYM(archive_read_new);
	SYM(archive_read_free);
	SYM(archive_read_support_format_tar);
	SYM(archive_read_open_filename);
	SYM(archive_read_next_header);
	SYM(archive_read_data);
	SYM(archive_read_data_skip);
	SYM(archive_entry_pathname);
	SYM(archive_entry_size);
	SYM(archive_entry_filetype);
	SYM(archive_read_support_filter_all);
	SYM(archive_read_support_format_gnutar);
	SYM(archive_read_open);
	SYM(archive_read_data_block);
	SYM(archive_entry_symlink);
	SYM(archive_entry_hardlink);
	SYM(archive_entry_perm);
	SYM(archive_entry_size_is_set);
	SYM(archive_filter_bytes);
	SYM(archive_filter_count);
	SYM(archive_filter_code);
	SYM(archive_entry_sparse_count);
	SYM(archive_read_support_format_raw);
#undef SYM
	dl.state = 1;
	return true;
}

enum sr_err sr_archive_load(struct sr_error *err)
{
	if (load())
		return SR_OK;
	return sr_error_set(err, SR_E_UNSUPPORTED, "%s (install Debian's libarchive13)", dl.why);
}

struct archive * sr_archive_write_new(void)
{
	return load() ? dl.archive_write_new() : NULL;
}

int sr_archive_write_free(struct archive *a)
{
	return load() ? dl.archive_write_free(a) : ARCHIVE_FATAL;
}

int sr_archive_write_close(struct archive *a)
{
	return load() ? dl.archive_write_close(a) : ARCHIVE_FATAL;
}

int sr_archive_write_set_format_ustar(struct archive *a)
{
	return load() ? dl.archive_write_set_format_ustar(a) : ARCHIVE_FATAL;
}

int sr_archive_write_set_format_pax_restricted(struct archive *a)
{
	return load() ? dl.archive_write_set_format_pax_restricted(a) : ARCHIVE_FATAL;
}

int sr_archive_write_set_format_raw(struct archive *a)
{
	return load() ? dl.archive_write_set_format_raw(a) : ARCHIVE_FATAL;
}

int sr_archive_write_add_filter_gzip(struct archive *a)
{
	return load() ? dl.archive_write_add_filter_gzip(a) : ARCHIVE_FATAL;
}

int sr_archive_write_add_filter_none(struct archive *a)
{
	return load() ? dl.archive_write_add_filter_none(a) : ARCHIVE_FATAL;
}

int sr_archive_write_set_options(struct archive *a, const char *opts)
{
	return load() ? dl.archive_write_set_options(a, opts) : ARCHIVE_FATAL;
}

int sr_archive_write_set_filter_option(struct archive *a, const char *m, const char *o, const char *v)
{
	return load() ? dl.archive_write_set_filter_option(a, m, o, v) : ARCHIVE_FATAL;
}

int sr_archive_write_set_bytes_per_block(struct archive *a, int n)
{
	return load() ? dl.archive_write_set_bytes_per_block(a, n) : ARCHIVE_FATAL;
}

int sr_archive_write_set_bytes_in_last_block(struct archive *a, int n)
{
	return load() ? dl.archive_write_set_bytes_in_last_block(a, n) : ARCHIVE_FATAL;
}

int sr_archive_write_open_fd(struct archive *a, int fd)
{
	return load() ? dl.archive_write_open_fd(a, fd) : ARCHIVE_FATAL;
}

int sr_archive_write_open(struct archive *a, void *cd, archive_open_callback *o, archive_write_callback *w, archive_close_callback *c)
{
	return load() ? dl.archive_write_open(a, cd, o, w, c) : ARCHIVE_FATAL;
}

int sr_archive_write_header(struct archive *a, struct archive_entry *e)
{
	return load() ? dl.archive_write_header(a, e) : ARCHIVE_FATAL;
}

la_ssize_t sr_archive_write_data(struct archive *a, const void *p, size_t n)
{
	return load() ? dl.archive_write_data(a, p, n) : ARCHIVE_FATAL;
}

int sr_archive_write_finish_entry(struct archive *a)
{
	return load() ? dl.archive_write_finish_entry(a) : ARCHIVE_FATAL;
}

const char * sr_archive_error_string(struct archive *a)
{
	return load() ? dl.archive_error_string(a) : NOT_LOADED;
}

struct archive_entry * sr_archive_entry_new(void)
{
	return load() ? dl.archive_entry_new() : NULL;
}

void sr_archive_entry_free(struct archive_entry *e)
{
	if (load())
		dl.archive_entry_free(e);
}

struct archive_entry * sr_archive_entry_clear(struct archive_entry *e)
{
	return load() ? dl.archive_entry_clear(e) : NULL;
}

void sr_archive_entry_set_pathname(struct archive_entry *e, const char *s)
{
	if (load())
		dl.archive_entry_set_pathname(e, s);
}

void sr_archive_entry_set_symlink(struct archive_entry *e, const char *s)
{
	if (load())
		dl.archive_entry_set_symlink(e, s);
}

void sr_archive_entry_set_hardlink(struct archive_entry *e, const char *s)
{
	if (load())
		dl.archive_entry_set_hardlink(e, s);
}

void sr_archive_entry_set_uname(struct archive_entry *e, const char *s)
{
	if (load())
		dl.archive_entry_set_uname(e, s);
}

void sr_archive_entry_set_gname(struct archive_entry *e, const char *s)
{
	if (load())
		dl.archive_entry_set_gname(e, s);
}

void sr_archive_entry_set_mtime(struct archive_entry *e, time_t t, long ns)
{
	if (load())
		dl.archive_entry_set_mtime(e, t, ns);
}

void sr_archive_entry_set_uid(struct archive_entry *e, la_int64_t v)
{
	if (load())
		dl.archive_entry_set_uid(e, v);
}

void sr_archive_entry_set_gid(struct archive_entry *e, la_int64_t v)
{
	if (load())
		dl.archive_entry_set_gid(e, v);
}

void sr_archive_entry_set_size(struct archive_entry *e, la_int64_t v)
{
	if (load())
		dl.archive_entry_set_size(e, v);
}

void sr_archive_entry_set_filetype(struct archive_entry *e, unsigned int v)
{
	if (load())
		dl.archive_entry_set_filetype(e, v);
}

void sr_archive_entry_set_perm(struct archive_entry *e, __LA_MODE_T v)
{
	if (load())
		dl.archive_entry_set_perm(e, v);
}

void sr_archive_entry_set_mode(struct archive_entry *e, __LA_MODE_T v)
{
	if (load())
		dl.archive_entry_set_mode(e, v);
}

int sr_archive_write_open2(struct archive *a, void *cd, archive_open_callback *o, archive_write_callback *w, archive_close_callback *c, archive_free_callback *f)
{
	return load() ? dl.archive_write_open2(a, cd, o, w, c, f) : ARCHIVE_FATAL;
}

void sr_archive_set_error(struct archive *a, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (load())
		dl.archive_set_error(a, code, "%s", msg);
}

struct archive *sr_archive_read_new(void)
{
	return load() ? dl.archive_read_new() : NULL;
}

int sr_archive_read_free(struct archive *a)
{
	return load() ? dl.archive_read_free(a) : ARCHIVE_FATAL;
}

int sr_archive_read_support_format_tar(struct archive *a)
{
	return load() ? dl.archive_read_support_format_tar(a) : ARCHIVE_FATAL;
}

int sr_archive_read_open_filename(struct archive *a, const char *f, size_t n)
{
	return load() ? dl.archive_read_open_filename(a, f, n) : ARCHIVE_FATAL;
}

int sr_archive_read_next_header(struct archive *a, struct archive_entry **e)
{
	return load() ? dl.archive_read_next_header(a, e) : ARCHIVE_FATAL;
}

la_ssize_t sr_archive_read_data(struct archive *a, void *p, size_t n)
{
	return load() ? dl.archive_read_data(a, p, n) : ARCHIVE_FATAL;
}

int sr_archive_read_data_skip(struct archive *a)
{
	return load() ? dl.archive_read_data_skip(a) : ARCHIVE_FATAL;
}

const char *sr_archive_entry_pathname(struct archive_entry *e)
{
	return load() ? dl.archive_entry_pathname(e) : NULL;
}

la_int64_t sr_archive_entry_size(struct archive_entry *e)
{
	return load() ? dl.archive_entry_size(e) : 0;
}

__LA_MODE_T sr_archive_entry_filetype(struct archive_entry *e)
{
	return load() ? dl.archive_entry_filetype(e) : 0;
}

int sr_archive_read_support_filter_all(struct archive *a)
{
	return load() ? dl.archive_read_support_filter_all(a) : ARCHIVE_FATAL;
}

int sr_archive_read_support_format_gnutar(struct archive *a)
{
	return load() ? dl.archive_read_support_format_gnutar(a) : ARCHIVE_FATAL;
}

int sr_archive_read_open(struct archive *a, void *cd, archive_open_callback *o, archive_read_callback *r,
                         archive_close_callback *c)
{
	return load() ? dl.archive_read_open(a, cd, o, r, c) : ARCHIVE_FATAL;
}

int sr_archive_read_data_block(struct archive *a, const void **buf, size_t *n, la_int64_t *off)
{
	return load() ? dl.archive_read_data_block(a, buf, n, off) : ARCHIVE_FATAL;
}

const char *sr_archive_entry_symlink(struct archive_entry *e)
{
	return load() ? dl.archive_entry_symlink(e) : NULL;
}

const char *sr_archive_entry_hardlink(struct archive_entry *e)
{
	return load() ? dl.archive_entry_hardlink(e) : NULL;
}

__LA_MODE_T sr_archive_entry_perm(struct archive_entry *e)
{
	return load() ? dl.archive_entry_perm(e) : 0;
}

int sr_archive_entry_size_is_set(struct archive_entry *e)
{
	return load() ? dl.archive_entry_size_is_set(e) : 0;
}

la_int64_t sr_archive_filter_bytes(struct archive *a, int n)
{
	return load() ? dl.archive_filter_bytes(a, n) : -1;
}

int sr_archive_filter_count(struct archive *a)
{
	return load() ? dl.archive_filter_count(a) : 0;
}

int sr_archive_filter_code(struct archive *a, int n)
{
	return load() ? dl.archive_filter_code(a, n) : -1;
}

int sr_archive_entry_sparse_count(struct archive_entry *e)
{
	return load() ? dl.archive_entry_sparse_count(e) : 0;
}

int sr_archive_read_support_format_raw(struct archive *a)
{
	return load() ? dl.archive_read_support_format_raw(a) : ARCHIVE_FATAL;
}
