/* Running a helper program (util/spawn.h). */
#define _GNU_SOURCE   /* pipe2 */
#include "util/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child: its directory, environment and streams, then the program.
 * Only a write of errno to the status pipe tells the parent it failed. */
static void child(const char *const *argv, const struct sr_spawn *s, int out_fd, int status_fd)
{
	int null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out_fd, s->capture == 2 ? 2 : 1) < 0 ||
	    dup2(null, s->capture == 2 ? 1 : 2) < 0)
		goto fail;
	if (s->dir && chdir(s->dir) != 0)
		goto fail;
	for (size_t i = 0; s->env && s->env[i]; i++) {
		const char *eq = strchr(s->env[i], '=');
		if (!eq)
			continue;
		char name[256];
		size_t n = (size_t)(eq - s->env[i]);
		if (n == 0 || n >= sizeof name)
			continue;
		memcpy(name, s->env[i], n);
		name[n] = '\0';
		if (setenv(name, eq + 1, 1) != 0)
			goto fail;
	}
	execvp(argv[0], (char *const *)argv);
fail:;
	int e = errno;
	ssize_t w = write(status_fd, &e, sizeof e);
	(void)w;
	_exit(127);
}

int sr_spawn_run(const char *const *argv, struct sr_spawn *s)
{
	int out[2], status[2];
	s->more = false;
	if (s->size)
		s->out[0] = '\0';
	if (pipe2(out, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(status, O_CLOEXEC) != 0) {
		close(out[0]);
		close(out[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(out[0]), close(out[1]), close(status[0]), close(status[1]);
		errno = e;
		return -1;
	}
	if (pid == 0)
		child(argv, s, out[1], status[1]);
	close(out[1]);
	close(status[1]);
	size_t got = 0;
	for (;;) {
		char buf[4096];
		ssize_t k = read(out[0], buf, sizeof buf);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		if (!s->size)
			continue;
		size_t take = (size_t)k, room = s->size - 1;
		if (got + take > room) {
			s->more = true;
			if (s->keep_tail) {   /* slide: the last room bytes */
				if (take >= room) {
					memcpy(s->out, buf + take - room, room);
					got = room;
					continue;
				}
				size_t drop = got + take - room;
				memmove(s->out, s->out + drop, got - drop);
				got -= drop;
			} else {
				take = room - got;
			}
		}
		memcpy(s->out + got, buf, take);
		got += take;
	}
	if (s->size)
		s->out[got] = '\0';
	close(out[0]);
	int e = 0;
	ssize_t r;
	while ((r = read(status[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(status[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (r == (ssize_t)sizeof e) {
		errno = e;
		return -1;
	}
	if (WIFSIGNALED(st))
		return -2;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -2;
}
