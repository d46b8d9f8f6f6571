/* shipready — verify's health check: one HTTP/1.0 GET to the program inside the sandbox's network
 * namespace, with a deadline. */
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

/* ------------------------------------------------------------ the health check */

/* One HTTP/1.0 GET: 1 with *status, 0 with why. */
int verify_http_get(unsigned port, const char *path, long long deadline, int *status, char *why, size_t wsz)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0) {
		snprintf(why, wsz, "socket: %s", strerror(errno));
		return 0;
	}
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int got = 0;
	char buf[512];
	size_t len = 0;
	char req[1200];
	int rl = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: 127.0.0.1:%u\r\nUser-Agent: shipready-verify\r\n"
	                  "Connection: close\r\n\r\n", path, port);
	size_t sent = 0;
	/* each attempt gets at most 2 s, so a server that starts late is retried */
	long long end = verify_now_ms() + 2000;
	if (end > deadline)
		end = deadline;
	if (connect(s, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) {
		snprintf(why, wsz, "%s", errno == ECONNREFUSED ? "connection refused" : strerror(errno));
		goto out;
	}
	bool connected = false;
	for (;;) {
		long long left = end - verify_now_ms();
		if (left <= 0) {
			snprintf(why, wsz, "%s", connected ? "no HTTP status line in time" : "connect timed out");
			goto out;
		}
		struct pollfd pf = { s, (short)(connected && sent == (size_t)rl ? POLLIN : POLLOUT), 0 };
		int pr = poll(&pf, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			continue;
		if (!connected) {
			int e = 0;
			socklen_t el = sizeof e;
			getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &el);
			if (e) {
				snprintf(why, wsz, "%s", e == ECONNREFUSED ? "connection refused" : strerror(e));
				goto out;
			}
			connected = true;
			continue;
		}
		if (sent < (size_t)rl) {
			ssize_t w = send(s, req + sent, (size_t)rl - sent, MSG_NOSIGNAL);
			if (w < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (w < 0) {
				snprintf(why, wsz, "sending the request: %s", strerror(errno));
				goto out;
			}
			sent += (size_t)w;
			continue;
		}
		ssize_t r = recv(s, buf + len, sizeof buf - 1 - len, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r < 0) {
			snprintf(why, wsz, "reading the answer: %s", strerror(errno));
			goto out;
		}
		len += (size_t)r;
		buf[len] = '\0';
		char *eol = strstr(buf, "\r\n");
		if (!eol)
			eol = strchr(buf, '\n');
		if (eol || r == 0 || len == sizeof buf - 1) {
			int code = 0;
			if (strncmp(buf, "HTTP/", 5) == 0) {
				const char *sp = strchr(buf, ' ');
				if (sp && sp[1] >= '1' && sp[1] <= '5' && sp[2] >= '0' && sp[2] <= '9' && sp[3] >= '0' &&
				    sp[3] <= '9')
					code = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
			}
			if (code) {
				*status = code;
				got = 1;
			} else {
				snprintf(why, wsz, "%s", len ? "an answer that is not HTTP" : "the connection closed without an answer");
			}
			goto out;
		}
	}
out:
	close(s);
	return got;
}
