/* shipready dockerfile FILE... : a Dockerfile on the smallest base each program needs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "shipready/dockerfile.h"
#include "shipready/shipready.h"

enum { OPT_GO_BUILD = 1, OPT_USER, OPT_HEALTH, OPT_OUT };

const struct cli_option dockerfile_options[] = {
	{ "go-build", 0, "PKG", "a multi-stage Dockerfile that builds PKG on the golang image of the binary's Go "
	  "release, with its build settings", OPT_GO_BUILD },
	{ "user", 'u', "USER", "run as this non-root UID[:GID] or user (default 65532:65532)", OPT_USER },
	{ "healthcheck", 0, "COMMAND", "a HEALTHCHECK in exec form: COMMAND split at spaces, no shell", OPT_HEALTH },
	{ "output", 'o', "FILE", "write the Dockerfile to FILE (atomically); one FILE only", OPT_OUT },
	{ 0 },
};

struct dockerfile_cli {
	struct sr_dockerfile_opts d;
	const char *out;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct dockerfile_cli *c = ud;
	switch (id) {
	case OPT_GO_BUILD: c->d.go_build = arg; break;
	case OPT_USER: c->d.user = arg; break;
	case OPT_HEALTH: c->d.healthcheck = arg; break;
	case OPT_OUT: c->out = arg; break;
	default: break;
	}
}

/* `shipready: dockerfile: reason` on one line: the reason quotes the user's
 * option value, which may hold control characters. */
static void opt_error(const char *reason)
{
	fflush(stdout);
	fputs("shipready: dockerfile: ", stderr);
	for (const unsigned char *p = (const unsigned char *)reason; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			fputc(*p, stderr);
	}
	fputc('\n', stderr);
}

/* Write text to path through a temporary file in the same directory and
 * rename(2): readers see the old unit or the new one, never half of it. */
static bool write_atomic(const char *path, const char *text)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	if (!tmp) {
		cli_file_error(path, "out of memory");
		return false;
	}
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	memcpy(tmp, path, dirlen);
	snprintf(tmp + dirlen, plen + 16 - dirlen, ".%s.XXXXXX", path + dirlen);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		cli_file_error(path, strerror(errno));
		free(tmp);
		return false;
	}
	size_t len = strlen(text), off = 0;
	int e = 0;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			break;
		}
		off += (size_t)n;
	}
	if (!e && fchmod(fd, 0644) != 0)
		e = errno;
	if (!e && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) != 0)
		e = errno;
	if (e) {
		unlink(tmp);
		cli_file_error(path, strerror(e));
	}
	free(tmp);
	return e == 0;
}

static int one_file(const char *file, const struct dockerfile_cli *c, bool *printed)
{
	struct sr_dockerfile_opts o = c->d;
	const char *base = strrchr(file, '/');
	o.context_name = base ? base + 1 : file;
	o.source = file;

	struct sr_inspect in;
	struct sr_error err = { 0 };
	if (sr_inspect_path(file, &in, &err) != SR_OK) {
		cli_file_error(file, sr_error_message(&err));
		return EXIT_ERROR;
	}
	char *text = NULL;
	size_t unmapped = 0;
	enum sr_err rc = sr_dockerfile_build(&in, &o, &text, &unmapped, &err);
	sr_inspect_free(&in);
	if (rc != SR_OK) {
		cli_file_error(file, sr_error_message(&err));
		return EXIT_ERROR;
	}
	int status = EXIT_OK;
	if (c->out) {
		if (!write_atomic(c->out, text))
			status = EXIT_ERROR;
	} else {
		if (*printed)
			fputc('\n', stdout);
		fputs(text, stdout);
		*printed = true;
	}
	free(text);
	if (status == EXIT_OK && unmapped) {
		char msg[128];
		snprintf(msg, sizeof msg, "warning: %zu librar%s not mapped to a package (named in the Dockerfile)",
		         unmapped, unmapped == 1 ? "y" : "ies");
		fflush(stdout);
		cli_file_error(file, msg);
		status = EXIT_FINDINGS;
	}
	return status;
}

int cmd_dockerfile(int argc, char **argv, const struct cli_command *self)
{
	struct dockerfile_cli c = { 0 };
	int first;
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &c);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	struct sr_error err = { 0 };
	if (sr_dockerfile_check_opts(&c.d, &err) != SR_OK) {
		opt_error(sr_error_message(&err));
		return EXIT_ERROR;
	}
	if (c.out && argc - first > 1) {
		cli_usage_error(self, "dockerfile: -o takes one FILE");
		return EXIT_ERROR;
	}
	int status = EXIT_OK;
	bool printed = false;
	for (int i = first; i < argc; i++) {
		int s = one_file(argv[i], &c, &printed);
		if (s > status)
			status = s;
	}
	return cli_finish(status);
}
