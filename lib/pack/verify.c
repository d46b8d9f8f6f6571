/* Run a bundled program in fresh namespaces and check it (shipready/verify.h).
 *
 * Processes:
 *   shipready (the caller)  writes the bundle into a temporary directory,
 *                           reads the program's stdout/stderr and the
 *                           result from pipes, enforces a hard deadline
 *   └ sandbox               unshare(user, mount, pid, net, ipc, uts), writes
 *                           its own uid_map/gid_map, waits for init
 *     └ init (PID 1)        mounts, pivot_root, hostname, loopback up, then
 *                           starts the program and runs the health check;
 *                           when it exits the kernel kills the namespace
 *       └ the program       no_new_privs, uid SR_VERIFY_UID without
 *                           capabilities, execve
 * The children never return into the caller's code: they end with _exit
 * (no atexit handlers, no LeakSanitizer in a forked child).  Each one dies
 * with its parent (PR_SET_PDEATHSIG), so a killed shipready leaves nothing
 * running. */
#define _GNU_SOURCE 1
#include "shipready/verify.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shipready/outfile.h"
#include "pack/verify_internal.h"

/* ------------------------------------------------------------ reasons and helpers */

const char *sr_verify_reason_name(enum sr_verify_reason reason)
{
	switch (reason) {
	case SR_VERIFY_EXITED: return "exited";
	case SR_VERIFY_SIGNALED: return "signaled";
	case SR_VERIFY_TIMEOUT: return "timeout";
	case SR_VERIFY_HTTP_OK: return "http-ok";
	case SR_VERIFY_HTTP_STATUS: return "http-status";
	case SR_VERIFY_HTTP_NO_ANSWER: return "no-answer";
	case SR_VERIFY_EXEC_FAILED: return "exec-failed";
	}
	return "unknown";
}

long long verify_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void verify_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

bool verify_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = sr_write_all(fd, text, strlen(text));
	int e = errno;
	if (close(fd) != 0)
		ok = false;
	errno = e;
	return ok;
}

/* ------------------------------------------------------------ the caller */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void remove_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Whether the directory name in d is a dead run's: not kept (--keep
 * leaves a .kept file in it) and nobody holds its lock.  A verify run holds
 * one (flock on the directory) from before the directory has its final
 * name until it is removed, whatever PID namespace the run is in. */
static bool abandoned(DIR *d, const char *name)
{
	int fd = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool dead = faccessat(fd, ".kept", F_OK, AT_SYMLINK_NOFOLLOW) != 0 && flock(fd, LOCK_EX | LOCK_NB) == 0;
	close(fd);   /* the lock goes with it */
	return dead;
}

/* The temporary directories of runs that were killed (SIGKILL leaves no
 * chance to clean up) in base: real directories owned by us named
 * shipready-verify.PID.XXXXXX whose lock nobody holds and that were not
 * kept (--keep leaves a .kept file), and shipready-verify-new.PID.XXXXXX
 * (a run killed before its directory had its name) older than a minute.
 * Not by PID: a run in another PID namespace has a PID this one cannot see. */
static void remove_stale(const char *base)
{
	DIR *d = opendir(base);
	if (!d)
		return;
	struct dirent *de;
	char path[4200];
	time_t now = time(NULL);
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		bool fresh = strncmp(n, "shipready-verify-new.", 21) == 0;
		if (!fresh && strncmp(n, "shipready-verify.", 17) != 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		if ((fresh && now - st.st_mtime < 60) || !abandoned(d, n))
			continue;
		int k = snprintf(path, sizeof path, "%s/%s", base, n);
		if (k > 0 && (size_t)k < sizeof path)
			remove_tree(path);
	}
	closedir(d);
}

/* A new temporary directory in base, named shipready-verify.PID.XXXXXX in
 * dir (size bytes), whose lock the returned descriptor holds; -1 with errno
 * set.  It is made under another name and locked before it takes the one
 * remove_stale looks at, so no other run can take it for a dead one. */
static int make_locked_dir(const char *base, char *dir, size_t size)
{
	char fresh[4096];
	long pid = (long)getpid();
	if (snprintf(fresh, sizeof fresh, "%s/shipready-verify-new.%ld.XXXXXX", base, pid) >= (int)sizeof fresh ||
	    snprintf(dir, size, "%s/shipready-verify.%ld.XXXXXX", base, pid) >= (int)size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (!mkdtemp(fresh))
		return -1;
	memcpy(dir + strlen(dir) - 6, fresh + strlen(fresh) - 6, 6);   /* the same XXXXXX */
	int fd = open(fresh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX) != 0 || rename(fresh, dir) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		rmdir(fresh);
		errno = e;
		return -1;
	}
	return fd;
}

static void capture(struct sr_verify_capture *c, const char *buf, size_t n)
{
	c->total += n;
	if (n >= SR_VERIFY_CAPTURE_MAX) {
		memcpy(c->data, buf + n - SR_VERIFY_CAPTURE_MAX, SR_VERIFY_CAPTURE_MAX);
		c->len = SR_VERIFY_CAPTURE_MAX;
		return;
	}
	if (c->len + n > SR_VERIFY_CAPTURE_MAX) {
		size_t drop = c->len + n - SR_VERIFY_CAPTURE_MAX;
		memmove(c->data, c->data + drop, c->len - drop);
		c->len -= drop;
	}
	memcpy(c->data + c->len, buf, n);
	c->len += n;
}

static int read_int(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int v = -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Why namespaces are not available, and what allows them. */
static enum sr_err explain_unavailable(const char *step, int e, struct sr_error *err)
{
	const char *why;
	if (read_int("/proc/sys/user/max_user_namespaces") == 0)
		why = "user.max_user_namespaces is 0 here (sysctl -w user.max_user_namespaces=10000 allows them)";
	else if (read_int("/proc/sys/kernel/unprivileged_userns_clone") == 0 && geteuid() != 0)
		why = "kernel.unprivileged_userns_clone is 0 (sysctl -w kernel.unprivileged_userns_clone=1, or run as root)";
	else if (read_int("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1 && geteuid() != 0)
		why = "AppArmor restricts them (kernel.apparmor_restrict_unprivileged_userns=1: set it to 0, "
		      "or give shipready an AppArmor profile with 'userns')";
	else if (e == ENOSPC)
		why = "the limit of user namespaces (user.max_user_namespaces) is reached";
	else if (e == EINVAL)
		why = "the kernel lacks user namespace support (CONFIG_USER_NS)";
	else
		why = "denied: in a chroot, or in a container whose seccomp profile or missing CAP_SYS_ADMIN "
		      "forbids them (run the container with --privileged or a seccomp profile allowing unshare)";
	return sr_error_set(err, SR_E_ACCESS, "namespaces are not available: %s: %s; %s", step, strerror(e), why);
}

static enum sr_err make_mountpoints(const char *root, struct sr_error *err)
{
	char p[4200];
	static const char *const dirs[] = { "dev", "tmp", "proc" };
	for (size_t i = 0; i < 3; i++) {
		char sub[16];
		snprintf(sub, sizeof sub, "/%s", dirs[i]);
		if (!verify_join(p, sizeof p, root, sub))
			return sr_error_set(err, SR_E_USAGE, "the temporary directory's name is too long");
		struct stat st;
		if (mkdir(p, 0755) != 0 && !(errno == EEXIST && lstat(p, &st) == 0 && S_ISDIR(st.st_mode)))
			return sr_error_set(err, SR_E_USAGE, "the bundle's /%s cannot be a mount point: %s", dirs[i],
			                    errno == EEXIST ? "not a directory" : strerror(errno));
	}
	for (size_t i = 0; i < sizeof verify_devices / sizeof *verify_devices; i++) {
		char sub[32];
		snprintf(sub, sizeof sub, "/dev/%s", verify_devices[i]);
		if (!verify_join(p, sizeof p, root, sub))
			return sr_error_set(err, SR_E_USAGE, "the temporary directory's name is too long");
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0)
			return sr_error_set(err, SR_E_USAGE, "the bundle's /dev/%s cannot be a mount point: %s", verify_devices[i],
			                    strerror(errno));
		close(fd);
	}
	return SR_OK;
}

static void describe(struct sr_verify_result *r, const struct sr_verify_opts *o, const struct wire *w)
{
	double t = o->timeout_ms / 1000.0;
	switch (r->reason) {
	case SR_VERIFY_EXITED:
		if (o->http_port)
			snprintf(r->message, sizeof r->message, "exited with status %d before GET %s answered 2xx",
			         r->exit_status, o->http_path);
		else
			snprintf(r->message, sizeof r->message, "exit status %d", r->exit_status);
		break;
	case SR_VERIFY_SIGNALED:
		snprintf(r->message, sizeof r->message, "killed by signal %d (%s)%s", r->signal, strsignal(r->signal),
		         o->http_port ? " before answering 2xx" : "");
		break;
	case SR_VERIFY_TIMEOUT:
		snprintf(r->message, sizeof r->message, "still running after the timeout (%g s): killed", t);
		break;
	case SR_VERIFY_HTTP_OK:
		snprintf(r->message, sizeof r->message, "GET http://127.0.0.1:%u%s answered HTTP %d", o->http_port,
		         o->http_path, r->http_status);
		break;
	case SR_VERIFY_HTTP_STATUS:
		snprintf(r->message, sizeof r->message,
		         "GET http://127.0.0.1:%u%s answered HTTP %d, no 2xx before the timeout (%g s)", o->http_port,
		         o->http_path, r->http_status, t);
		break;
	case SR_VERIFY_HTTP_NO_ANSWER:
		snprintf(r->message, sizeof r->message, "no HTTP answer on 127.0.0.1:%u before the timeout (%g s): %s",
		         o->http_port, t, w->http_error[0] ? w->http_error : "nothing tried");
		break;
	case SR_VERIFY_EXEC_FAILED:
		snprintf(r->message, sizeof r->message, "cannot execute %s in the sandbox: %s", r->program,
		         strerror(r->exec_errno));
		break;
	}
}

static char **make_argv(const char *program, const char *const *args)
{
	size_t n = 0;
	while (args && args[n])
		n++;
	char **v = calloc(n + 2, sizeof *v);
	if (!v)
		return NULL;
	v[0] = (char *)program;
	for (size_t i = 0; i < n; i++)
		v[i + 1] = (char *)args[i];
	return v;
}

enum sr_err sr_verify_run(const struct sr_bundle *b, const struct sr_verify_opts *o, struct sr_verify_result *r,
                          struct sr_error *err)
{
	memset(r, 0, sizeof *r);
	if (!o || o->timeout_ms == 0 || o->timeout_ms > SR_VERIFY_MAX_TIMEOUT_MS || o->http_port > 65535)
		return sr_error_set(err, SR_E_USAGE, "bad options");
	if (o->http_port) {
		if (!o->http_path || o->http_path[0] != '/' || strlen(o->http_path) > 1000)
			return sr_error_set(err, SR_E_USAGE, "the HTTP path must start with '/' (at most 1000 bytes)");
		for (const char *p = o->http_path; *p; p++)
			if ((unsigned char)*p <= ' ' || *p == 0x7f)
				return sr_error_set(err, SR_E_USAGE, "the HTTP path has a space or a control character");
	}
	for (size_t i = 0; i < b->entry_count; i++)
		if (b->entries[i].kind == SR_BUNDLE_PROGRAM) {
			r->program = b->entries[i].path;
			break;
		}
	if (!r->program)
		return sr_error_set(err, SR_E_USAGE, "the bundle has no program");

	const char *base = o->tmpdir ? o->tmpdir : getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	char dir[4096], root[4200];
	remove_stale(base);
	int lock_fd = make_locked_dir(base, dir, sizeof dir);
	if (lock_fd < 0)
		return errno == ENAMETOOLONG ? sr_error_set(err, SR_E_USAGE, "the temporary directory's name is too long")
		                             : sr_error_set(err, SR_E_IO, "%s: cannot create a temporary directory: %s",
		                                            base, strerror(errno));
	if (!verify_join(root, sizeof root, dir, "/root")) {
		remove_tree(dir);
		close(lock_fd);
		return sr_error_set(err, SR_E_USAGE, "the temporary directory's name is too long");
	}

	enum sr_err rc = SR_OK;
	char **argv = NULL;
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, res[2] = { -1, -1 };
	struct statvfs sv;
	if (statvfs(dir, &sv) == 0 && (sv.f_flag & ST_NOEXEC)) {
		rc = sr_error_set(err, SR_E_USAGE, "%s is on a noexec mount: set TMPDIR to a directory programs may run from",
		                  base);
		goto cleanup;
	}
	if ((rc = sr_bundle_write_dir(b, root, false, err)) != SR_OK || (rc = make_mountpoints(root, err)) != SR_OK)
		goto cleanup;
	r->out.data = malloc(SR_VERIFY_CAPTURE_MAX);
	r->err.data = malloc(SR_VERIFY_CAPTURE_MAX);
	argv = make_argv(r->program, o->args);
	if (!r->out.data || !r->err.data || !argv) {
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
		goto cleanup;
	}
	if (pipe2(out, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0 || pipe2(res, O_CLOEXEC) != 0) {
		rc = sr_error_set(err, SR_E_IO, "pipe: %s", strerror(errno));
		goto cleanup;
	}
	fflush(NULL);
	struct run rn = { root, r->program, argv, o, out[1], errp[1], res[1] };
	pid_t parent = getpid();
	uid_t uid = geteuid();
	gid_t gid = getegid();
	pid_t child = fork();
	if (child < 0) {
		rc = sr_error_set(err, SR_E_IO, "fork: %s", strerror(errno));
		goto cleanup;
	}
	if (child == 0) {
		close(out[0]);
		close(errp[0]);
		close(res[0]);
		verify_sandbox_main(&rn, parent, uid, gid);
	}
	close(out[1]);
	close(errp[1]);
	close(res[1]);
	out[1] = errp[1] = res[1] = -1;

	/* read until every pipe is closed; a sandbox that outlives the
	 * timeout by far (it should not) is killed */
	struct wire w;
	size_t wlen = 0;
	memset(&w, 0, sizeof w);
	long long hard = verify_now_ms() + o->timeout_ms + 15000;
	bool killed = false;
	int fds[3] = { out[0], errp[0], res[0] };
	for (;;) {
		struct pollfd pf[3];
		int n = 0;
		for (int i = 0; i < 3; i++)
			if (fds[i] >= 0)
				pf[n++] = (struct pollfd){ fds[i], POLLIN, 0 };
		if (n == 0)
			break;
		long long left = hard - verify_now_ms();
		if (left <= 0) {
			kill(child, SIGKILL);
			killed = true;
			break;
		}
		int pr = poll(pf, (nfds_t)n, (int)(left > 1000 ? 1000 : left));
		if (pr < 0 && errno != EINTR)
			break;
		for (int k = 0; k < n; k++) {
			if (!pf[k].revents)
				continue;
			char buf[65536];
			ssize_t got = read(pf[k].fd, buf, sizeof buf);
			if (got < 0 && errno == EINTR)
				continue;
			int i = pf[k].fd == fds[0] ? 0 : pf[k].fd == fds[1] ? 1 : 2;
			if (got <= 0) {
				fds[i] = -1;
				continue;
			}
			if (i == 0)
				capture(&r->out, buf, (size_t)got);
			else if (i == 1)
				capture(&r->err, buf, (size_t)got);
			else if (wlen < sizeof w) {
				size_t take = (size_t)got < sizeof w - wlen ? (size_t)got : sizeof w - wlen;
				memcpy((char *)&w + wlen, buf, take);
				wlen += take;
			}
		}
	}
	int st = 0;
	while (waitpid(child, &st, 0) < 0 && errno == EINTR) {
	}
	if (killed) {
		rc = sr_error_set(err, SR_E_IO, "the sandbox did not end %u s after the timeout: killed", 15u);
		goto cleanup;
	}
	if (wlen != sizeof w) {
		rc = sr_error_set(err, SR_E_IO, "the sandbox ended without a result (%s %d)",
		                  WIFSIGNALED(st) ? "signal" : "exit status", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		goto cleanup;
	}
	if (w.setup_failed) {
		w.step[sizeof w.step - 1] = '\0';
		if (strcmp(w.step, "unshare") == 0 || strncmp(w.step, "writing /proc/self/", 19) == 0)
			rc = explain_unavailable(w.step, w.err_no, err);
		else if (strcmp(w.step, "mounting /proc") == 0 && w.err_no == EPERM)
			/* the kernel refuses a new proc where the caller's /proc is partly covered */
			rc = sr_error_set(err, SR_E_ACCESS,
			                  "cannot make the sandbox: mounting /proc: %s; in a container, paths of its /proc "
			                  "are masked (run it with --security-opt systempaths=unconfined or --privileged)",
			                  strerror(w.err_no));
		else
			rc = sr_error_set(err, SR_E_ACCESS, "cannot make the sandbox: %s: %s", w.step, strerror(w.err_no));
		goto cleanup;
	}
	w.http_error[sizeof w.http_error - 1] = '\0';
	r->reason = (enum sr_verify_reason)w.reason;
	r->exit_status = w.exit_status;
	r->signal = w.signal;
	r->http_status = w.http_status;
	r->exec_errno = w.exec_errno;
	snprintf(r->http_error, sizeof r->http_error, "%s", w.http_error);
	r->elapsed = (double)w.elapsed_ms / 1000.0;
	r->passed = o->http_port ? r->reason == SR_VERIFY_HTTP_OK : r->reason == SR_VERIFY_EXITED && r->exit_status == 0;
	describe(r, o, &w);

cleanup:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (errp[i] >= 0)
			close(errp[i]);
		if (res[i] >= 0)
			close(res[i]);
	}
	free(argv);
	if (o->keep && rc == SR_OK) {
		/* the user's now: later runs leave it alone */
		char kept[4200];
		int fd = verify_join(kept, sizeof kept, dir, "/.kept") ? open(kept, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)
		                                               : -1;
		if (fd >= 0)
			close(fd);
		r->bundle_dir = strdup(dir);
	} else {
		remove_tree(dir);
	}
	close(lock_fd);
	return rc;
}

void sr_verify_result_free(struct sr_verify_result *r)
{
	if (!r)
		return;
	free(r->out.data);
	free(r->err.data);
	free(r->bundle_dir);
	memset(r, 0, sizeof *r);
}
