/* shipready — run a bundled program in a sandbox and check that it works.
 *
 * This is the only place shipready executes an analysed program.  The plan
 * (shipready/bundle.h) is written into a temporary directory, and the
 * program started inside fresh namespaces: user (the caller's uid and gid
 * mapped to SR_VERIFY_UID/SR_VERIFY_GID, nothing else mapped, setgroups
 * denied), mount (the bundle as a read-only root through pivot_root, the
 * host's tree detached; /dev/null, /dev/zero, /dev/random, /dev/urandom
 * bound from the host; a fresh /proc; a tmpfs /tmp), pid (a small init of
 * shipready's is PID 1; when it ends the kernel kills everything left),
 * net (only a loopback interface, brought up), ipc and uts (hostname
 * SR_VERIFY_HOSTNAME).  The program gets no capabilities (it runs as a
 * non-zero uid in its namespace, with no_new_privs) and an environment of
 * PATH and HOME=/ only; stdin is /dev/null, stdout and stderr are captured.
 *
 * The health check: the exit status (0 before the timeout passes), or an
 * HTTP/1.0 GET on 127.0.0.1:PORT inside the sandbox answering 2xx before
 * the timeout (polled; the program is then killed).
 *
 * The library never prints: errors are an enum sr_err with a message; the
 * verdict and the captured output are in struct sr_verify_result. */
#ifndef SHIPREADY_VERIFY_H
#define SHIPREADY_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/bundle.h"
#include "shipready/error.h"

#define SR_VERIFY_SCHEMA_VERSION 1
#define SR_VERIFY_CAPTURE_MAX (64 * 1024)   /* the last bytes kept of stdout and of stderr */
#define SR_VERIFY_UID 65534                 /* the program's uid and gid in its user namespace */
#define SR_VERIFY_GID 65534
#define SR_VERIFY_HOSTNAME "shipready-verify"
#define SR_VERIFY_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define SR_VERIFY_MAX_TIMEOUT_MS (3600u * 1000u)

struct sr_verify_opts {
	const char *const *args;   /* the program's arguments after argv[0], NULL-terminated; NULL: none */
	unsigned http_port;        /* 1..65535: the check is GET http://127.0.0.1:PORT/PATH; 0: the exit status */
	const char *http_path;     /* "/healthz" (must start with '/'; no spaces or control characters) */
	unsigned timeout_ms;       /* 1..SR_VERIFY_MAX_TIMEOUT_MS */
	const char *tmpdir;        /* where the temporary directory goes; NULL: $TMPDIR, else /tmp */
	bool keep;                 /* keep the temporary directory (result.bundle_dir) */
};

enum sr_verify_reason {
	SR_VERIFY_EXITED = 0,      /* exited with exit_status (exit check: 0 passes; http: before a 2xx) */
	SR_VERIFY_SIGNALED,        /* killed by signal `signal` */
	SR_VERIFY_TIMEOUT,         /* exit check: still running at the timeout (then killed) */
	SR_VERIFY_HTTP_OK,         /* http: a 2xx answer (http_status) */
	SR_VERIFY_HTTP_STATUS,     /* http: answers, none 2xx, until the timeout (the last is http_status) */
	SR_VERIFY_HTTP_NO_ANSWER,  /* http: no HTTP answer until the timeout (http_error says why) */
	SR_VERIFY_EXEC_FAILED,     /* execve in the sandbox failed (exec_errno) */
};

struct sr_verify_capture {
	char *data;                /* the last SR_VERIFY_CAPTURE_MAX bytes (not NUL-terminated; may be NULL) */
	size_t len;
	unsigned long long total;  /* bytes the program wrote */
};

struct sr_verify_result {
	bool passed;
	enum sr_verify_reason reason;
	int exit_status;
	int signal;
	int http_status;           /* the last HTTP status seen, 0 for none */
	int exec_errno;
	char http_error[128];      /* the last reason no HTTP status came: "connection refused" */
	char message[320];         /* the reason in words: "exit status 3", "GET /healthz answered HTTP 200" */
	double elapsed;            /* seconds from the start of the program to the verdict */
	const char *program;       /* the program's path in the bundle (points into the plan) */
	char *bundle_dir;          /* opts.keep: the temporary directory (the root is its "root") */
	struct sr_verify_capture out, err;
};

/* Write the plan b (finished) into a temporary directory, run its first
 * program in the sandbox and check it.  SR_OK means the check ran: r says
 * pass or fail.  An error means it could not run: namespaces not available
 * to the caller (SR_E_ACCESS, the message names the cause and the fix), the
 * bundle could not be written, bad options (SR_E_USAGE).  The temporary
 * directory is removed unless opts.keep.  Free r with sr_verify_result_free. */
enum sr_err sr_verify_run(const struct sr_bundle *b, const struct sr_verify_opts *opts, struct sr_verify_result *r,
                          struct sr_error *err);

void sr_verify_result_free(struct sr_verify_result *r);

/* "exited", "signaled", "timeout", "http-ok", "http-status", "no-answer", "exec-failed" */
const char *sr_verify_reason_name(enum sr_verify_reason reason);

#endif
