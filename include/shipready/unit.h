/* shipready — a hardened systemd service unit for an analysed Linux program.
 *
 * The unit confines the program as far as what it links allows: socket
 * families from the networking it links (Go packages, C socket and resolver
 * functions, networking libraries), network-online ordering only with
 * networking, no capabilities unless asked for.  Every hardening line is
 * preceded by a comment saying why it is there, with the evidence. */
#ifndef SHIPREADY_UNIT_H
#define SHIPREADY_UNIT_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/analysis.h"
#include "shipready/error.h"
#include "shipready/inspect.h"

struct sr_unit_opts {
	const char *name;               /* unit name without ".service" (required) */
	const char *exec_path;          /* absolute install path (required) */
	const char *user;               /* a named user, or NULL for DynamicUser=yes */
	const char *const *args;        /* appended to ExecStart, one word each */
	size_t nargs;
	const char *const *env;         /* NAME=VALUE each */
	size_t nenv;
	const char *const *caps;        /* CAP_NET_BIND_SERVICE, … */
	size_t ncaps;
	const char *state_dir;          /* StateDirectory= (relative to /var/lib), or NULL */
	const char *log_dir;            /* LogsDirectory= (relative to /var/log), or NULL */
	const char *source;             /* shown in the header comment (the analysed path), or NULL */
};

/* Check the options alone (no file needed; a NULL name or exec_path is
 * not checked): SR_E_USAGE with a one-line reason naming the option
 * ("--env 'X': expected NAME=VALUE"), else SR_OK. */
enum sr_err sr_unit_check_opts(const struct sr_unit_opts *o, struct sr_error *err);

/* Is name usable as a unit name (letters, digits, ":_.-", not starting with
 * '.' or '-', at most 248 bytes so that NAME.service fits)? */
bool sr_unit_name_ok(const char *name);

/* The unit text for the analysed file an (a Linux ELF executable) with
 * options o: *text is malloc'd and NUL-terminated (free() it).  SR_E_USAGE
 * for bad options, SR_E_UNSUPPORTED for a file that is not a Linux
 * executable, SR_E_NOMEM. */
enum sr_err sr_unit_build(const struct sr_analysis *an, const struct sr_unit_opts *o, char **text,
                          struct sr_error *err);

#endif
