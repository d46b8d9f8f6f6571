/* shipready — error codes returned by the library.  The library never prints:
 * it returns one of these plus an optional detail message; the CLI prints. */
#ifndef SHIPREADY_ERROR_H
#define SHIPREADY_ERROR_H

#include <stddef.h>

enum sr_err {
	SR_OK = 0,
	SR_E_NOMEM,          /* allocation failed or a memory limit was reached */
	SR_E_IO,             /* read/open/stat failed (detail carries strerror) */
	SR_E_NOENT,          /* no such file, or a dangling symlink */
	SR_E_ACCESS,         /* permission denied */
	SR_E_ISDIR,          /* a directory */
	SR_E_NOT_REGULAR,    /* FIFO, socket, device */
	SR_E_EMPTY,          /* zero bytes */
	SR_E_TOO_BIG,        /* non-mappable input over the read limit */
	SR_E_NOT_BINARY,     /* no known magic */
	SR_E_UNSUPPORTED,    /* a known format this version does not read yet */
	SR_E_TRUNCATED,      /* a structure runs past the end of the file */
	SR_E_MALFORMED,      /* inconsistent header values */
	SR_E_RANGE,          /* internal: a bounded read was out of range */
	SR_E_USAGE,          /* bad arguments to a library call */
	SR_E__COUNT
};

/* A failure with an optional human-readable detail, e.g.
 * code = SR_E_TRUNCATED, msg = "truncated program header table". */
struct sr_error {
	enum sr_err code;
	char msg[256];
};

/* Text for an error code, lowercase, no trailing period. */
const char *sr_strerror(enum sr_err code);

/* Record an error; returns code so callers can `return sr_error_set(...)`.
 * err may be NULL.  fmt may be NULL (then sr_strerror(code) is used). */
enum sr_err sr_error_set(struct sr_error *err, enum sr_err code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* The message to show: err->msg if set, else sr_strerror(err->code). */
const char *sr_error_message(const struct sr_error *err);

#endif
