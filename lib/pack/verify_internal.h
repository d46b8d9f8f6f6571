/* shipready — the parts of verify (shipready/verify.h): verify.c the caller,
 * verify_sandbox.c the namespaces and init, verify_http.c the health check. */
#ifndef SR_PACK_VERIFY_INTERNAL_H
#define SR_PACK_VERIFY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "shipready/verify.h"

/* The one message from the sandbox to the caller, written once (smaller
 * than PIPE_BUF, so whole or not at all). */
struct wire {
	int setup_failed;      /* 1: the sandbox could not be made: step, err_no */
	int err_no;
	char step[160];
	int reason;            /* enum sr_verify_reason */
	int exit_status, signal, http_status, exec_errno;
	char http_error[128];
	long long elapsed_ms;
};

/* What the sandbox runs, and where it writes. */
struct run {
	const char *root;
	const char *program;          /* path inside the bundle */
	char **argv;
	const struct sr_verify_opts *o;
	int out, err, res;            /* write ends */
};

/* The devices bound from the host into the sandbox's /dev. */
extern const char *const verify_devices[4];

/* verify.c */
long long verify_now_ms(void);
void verify_sleep_ms(long ms);
bool verify_write_file(const char *path, const char *text);

/* verify_sandbox.c */
bool verify_join(char *buf, size_t size, const char *a, const char *b);
void verify_sandbox_main(const struct run *rn, pid_t parent, uid_t uid, gid_t gid);

/* verify_http.c */
int verify_http_get(unsigned port, const char *path, long long deadline, int *status, char *why, size_t wsz);

#endif
