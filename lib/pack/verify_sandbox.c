/* shipready — verify's sandbox: user, mount, pid, net, ipc and uts namespaces, the root pivoted
 * into the bundle, init (PID 1) running the program and the health check.  Runs only in forked
 * children, which end with _exit. */
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

const char *const verify_devices[4] = { "null", "zero", "random", "urandom" };

/* ------------------------------------------------------------ in the sandbox */

static void send_setup_error(int res, const char *step, int e)
{
	struct wire w;
	memset(&w, 0, sizeof w);
	w.setup_failed = 1;
	w.err_no = e;
	snprintf(w.step, sizeof w.step, "%s", step);
	sr_write_all(res, &w, sizeof w);
}

/* A failure while making the sandbox: report it and end. */
static void setup_fail(int res, const char *step)
{
	send_setup_error(res, step, errno);
	_exit(120);
}

static void mount_or_fail(int res, const char *src, const char *dst, const char *type, unsigned long flags,
                          const char *data, const char *what)
{
	if (mount(src, dst, type, flags, data) != 0)
		setup_fail(res, what);
}

/* Bring up the loopback interface of the new network namespace. */
static int loopback_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	int e = errno;
	close(s);
	errno = e;
	return rc;
}

/* The statvfs flags a bind remount must keep (a user namespace may not
 * clear the locked ones), as mount flags. */
static unsigned long kept_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;
	if (statvfs(path, &sv) != 0)
		return 0;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

/* a + b into buf; false when it does not fit */
bool verify_join(char *buf, size_t size, const char *a, const char *b)
{
	int n = snprintf(buf, size, "%s%s", a, b);
	return n >= 0 && (size_t)n < size;
}


static void make_root(int res, const char *root)
{
	char p[4200];
	mount_or_fail(res, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, "making the mounts private");
	mount_or_fail(res, root, root, NULL, MS_BIND, NULL, "binding the bundle onto itself");
	for (size_t i = 0; i < sizeof verify_devices / sizeof *verify_devices; i++) {
		char src[32], what[64];
		snprintf(src, sizeof src, "/dev/%s", verify_devices[i]);
		snprintf(what, sizeof what, "binding %s", src);
		if (!verify_join(p, sizeof p, root, src))
			setup_fail(res, "the bundle's path is too long");
		mount_or_fail(res, src, p, NULL, MS_BIND, NULL, what);
	}
	if (!verify_join(p, sizeof p, root, "/tmp"))
		setup_fail(res, "the bundle's path is too long");
	mount_or_fail(res, "tmpfs", p, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=65536k", "mounting a tmpfs on /tmp");
	if (!verify_join(p, sizeof p, root, "/proc"))
		setup_fail(res, "the bundle's path is too long");
	mount_or_fail(res, "proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, "mounting /proc");
	mount_or_fail(res, NULL, root, NULL,
	              MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | kept_flags(root), NULL,
	              "making the bundle read-only");
	if (chdir(root) != 0)
		setup_fail(res, "entering the bundle");
	/* the new root stacked over the old one, then the old one detached */
	if (syscall(SYS_pivot_root, ".", ".") != 0)
		setup_fail(res, "pivot_root into the bundle");
	if (umount2(".", MNT_DETACH) != 0)
		setup_fail(res, "detaching the host's tree");
	if (chdir("/") != 0)
		setup_fail(res, "chdir /");
	if (sethostname(SR_VERIFY_HOSTNAME, strlen(SR_VERIFY_HOSTNAME)) != 0)
		setup_fail(res, "setting the hostname");
	if (loopback_up() != 0)
		setup_fail(res, "bringing up the loopback interface");
}

/* ------------------------------------------------------------ in the sandbox: init */

/* Reap children; true when pid ended (its wait status in *st). */
static bool reap(pid_t pid, int *st)
{
	bool done = false;
	for (;;) {
		int s;
		pid_t r = waitpid(-1, &s, WNOHANG);
		if (r <= 0)
			break;
		if (r == pid) {
			*st = s;
			done = true;
		}
	}
	return done;
}

static void exited(struct wire *w, int st)
{
	if (WIFSIGNALED(st)) {
		w->reason = SR_VERIFY_SIGNALED;
		w->signal = WTERMSIG(st);
	} else {
		w->reason = SR_VERIFY_EXITED;
		w->exit_status = WEXITSTATUS(st);
	}
}

static void run_program(const struct run *rn, int execfd)
{
	static char *const envp[] = { "PATH=" SR_VERIFY_PATH, "HOME=/", NULL };
	/* the pipes above 2 first: shipready may have been started with 0, 1
	 * or 2 closed, and then a pipe could be one of them */
	int out = fcntl(rn->out, F_DUPFD_CLOEXEC, 3), err = fcntl(rn->err, F_DUPFD_CLOEXEC, 3);
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (out < 0 || err < 0 || devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		goto fail;
	/* signals the caller ignored stay ignored across execve: not here */
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			signal(sig, SIG_DFL);
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		goto fail;
	/* nothing the caller of shipready left open (a directory of the host)
	 * may reach the program: every descriptor above 2 closes on exec */
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */) != 0)
#endif
	{
		long max = sysconf(_SC_OPEN_MAX);
		if (max < 0 || max > 1 << 20)
			max = 1 << 20;
		for (int fd = 3; fd < max; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	execve(rn->program, rn->argv, envp);
fail:;
	int e = errno;
	sr_write_all(execfd, &e, sizeof e);
	_exit(127);
}

static void init_main(const struct run *rn)
{
	const struct sr_verify_opts *o = rn->o;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	make_root(rn->res, rn->root);
	int ep[2];
	if (pipe2(ep, O_CLOEXEC) != 0)
		setup_fail(rn->res, "pipe");
	long long start = verify_now_ms(), deadline = start + o->timeout_ms;
	pid_t pid = fork();
	if (pid < 0)
		setup_fail(rn->res, "fork");
	if (pid == 0) {
		close(ep[0]);
		run_program(rn, ep[1]);
	}
	close(ep[1]);
	close(rn->out);
	close(rn->err);
	struct wire w;
	memset(&w, 0, sizeof w);
	int e = 0;
	ssize_t n;
	while ((n = read(ep[0], &e, sizeof e)) < 0 && errno == EINTR) {
	}
	close(ep[0]);
	int st = 0;
	if (n == (ssize_t)sizeof e) {
		w.reason = SR_VERIFY_EXEC_FAILED;
		w.exec_errno = e;
		goto done;
	}
	for (;;) {
		if (reap(pid, &st)) {
			exited(&w, st);
			break;
		}
		if (verify_now_ms() >= deadline) {
			w.reason = o->http_port ? SR_VERIFY_HTTP_NO_ANSWER : SR_VERIFY_TIMEOUT;
			if (o->http_port && w.http_status)
				w.reason = SR_VERIFY_HTTP_STATUS;
			break;
		}
		if (o->http_port) {
			int code = 0;
			char why[128] = "";
			if (verify_http_get(o->http_port, o->http_path, deadline, &code, why, sizeof why)) {
				w.http_status = code;
				if (code >= 200 && code <= 299) {
					w.reason = SR_VERIFY_HTTP_OK;
					break;
				}
			} else if (!w.http_status) {
				snprintf(w.http_error, sizeof w.http_error, "%s", why);
			}
		}
		long long left = deadline - verify_now_ms();
		verify_sleep_ms(left < 50 ? (left > 0 ? (long)left : 0) : 50);
	}
done:
	w.elapsed_ms = verify_now_ms() - start;
	/* everything else in the namespace: this is its PID 1 */
	kill(-1, SIGKILL);
	while (waitpid(-1, &st, 0) > 0 || errno == EINTR) {
	}
	sr_write_all(rn->res, &w, sizeof w);
	_exit(0);
}

void verify_sandbox_main(const struct run *rn, pid_t parent, uid_t uid, gid_t gid)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(120);
	int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;
	if (unshare(flags) != 0)
		setup_fail(rn->res, "unshare");
	char map[64];
	if (!verify_write_file("/proc/self/setgroups", "deny") && errno != ENOENT)
		setup_fail(rn->res, "writing /proc/self/setgroups");
	snprintf(map, sizeof map, "%d %lu 1\n", SR_VERIFY_UID, (unsigned long)uid);
	if (!verify_write_file("/proc/self/uid_map", map))
		setup_fail(rn->res, "writing /proc/self/uid_map");
	snprintf(map, sizeof map, "%d %lu 1\n", SR_VERIFY_GID, (unsigned long)gid);
	if (!verify_write_file("/proc/self/gid_map", map))
		setup_fail(rn->res, "writing /proc/self/gid_map");
	pid_t init = fork();
	if (init < 0)
		setup_fail(rn->res, "fork");
	if (init == 0)
		init_main(rn);
	close(rn->out);
	close(rn->err);
	close(rn->res);
	int st = 0;
	while (waitpid(init, &st, 0) < 0 && errno == EINTR) {
	}
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 121);
}
