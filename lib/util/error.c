#include "shipready/error.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const messages[SR_E__COUNT] = {
	[SR_OK] = "ok",
	[SR_E_NOMEM] = "out of memory",
	[SR_E_IO] = "read error",
	[SR_E_NOENT] = "no such file",
	[SR_E_ACCESS] = "permission denied",
	[SR_E_ISDIR] = "is a directory",
	[SR_E_NOT_REGULAR] = "not a regular file",
	[SR_E_EMPTY] = "empty file",
	[SR_E_TOO_BIG] = "file too large",
	[SR_E_NOT_BINARY] = "not an executable or library (unknown format)",
	[SR_E_UNSUPPORTED] = "format not supported yet",
	[SR_E_TRUNCATED] = "truncated file",
	[SR_E_MALFORMED] = "malformed file",
	[SR_E_RANGE] = "read out of range",
	[SR_E_USAGE] = "invalid argument",
};

const char *sr_strerror(enum sr_err code)
{
	if ((unsigned)code >= SR_E__COUNT || !messages[code])
		return "unknown error";
	return messages[code];
}

enum sr_err sr_error_set(struct sr_error *err, enum sr_err code, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	err->msg[0] = '\0';
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

const char *sr_error_message(const struct sr_error *err)
{
	if (!err)
		return "unknown error";
	return err->msg[0] ? err->msg : sr_strerror(err->code);
}
