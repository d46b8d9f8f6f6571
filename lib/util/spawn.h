/* Run a program and keep what it prints: for the tools shipready drives
 * (git for drift, the go command for build), never for an analysed
 * binary.  The program is found on PATH; stdin is /dev/null. */
#ifndef SR_UTIL_SPAWN_H
#define SR_UTIL_SPAWN_H

#include <stdbool.h>
#include <stddef.h>

struct sr_spawn {
	const char *dir;              /* run there (NULL: here) */
	const char *const *env;       /* NAME=VALUE to set (or replace) in its environment, NULL-terminated; or NULL */
	int capture;                  /* 1: stdout into out, 2: stderr; the other stream goes to /dev/null */
	bool keep_tail;               /* keep the last bytes when there is more than fits (else the first) */
	char *out;                    /* size bytes, NUL-terminated */
	size_t size;
	bool more;                    /* set when the stream did not fit */
};

/* The exit status (0-255), -1 when it could not be run (errno set: ENOENT
 * when argv[0] is not on PATH), -2 when a signal ended it. */
int sr_spawn_run(const char *const *argv, struct sr_spawn *s);

#endif
