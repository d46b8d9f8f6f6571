/* shipready go-version [-m] [-v] PATH... : what `go version [-m]` prints for
 * the same paths, byte for byte on stdout, so the two can be diffed — read
 * by shipready's own parsers, so it also works where that go is too old.
 *
 * Like go: a directory is walked recursively in lexical order without
 * following symlinked directories; executable regular files (and symlinks to
 * them) are read; files that are not Go binaries are skipped silently unless
 * -v.  A PATH named explicitly that is not an executable Go binary gets the
 * usual `shipready: PATH: reason` line, and the exit status is then 2. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "shipready/shipready.h"

enum { OPT_M = 1, OPT_V };

const struct cli_option go_version_options[] = {
	{ "modules", 'm', NULL, "also print the module and build information (as go version -m)", OPT_M },
	{ "verbose", 'v', NULL, "while walking directories, report files that are not Go binaries", OPT_V },
	{ 0 },
};

struct gv_opts {
	bool m, v;
	int status;
};

static void on_opt(int id, const char *arg, void *ud)
{
	(void)arg;
	struct gv_opts *o = ud;
	if (id == OPT_M)
		o->m = true;
	else if (id == OPT_V)
		o->v = true;
}

/* Print one file the way go version does; false (and why) when it has no
 * readable build info. */
static bool print_file(int dirfd, const char *name, const char *path, const struct gv_opts *o,
                       struct sr_error *err)
{
	struct sr_inspect in;
	if (sr_inspect_path_at(dirfd, name, path, SR_INSPECT_HEADERS_ONLY | SR_INSPECT_NO_GO, &in, err) != SR_OK)
		return false;
	const struct sr_image *img = sr_inspect_image(&in);
	struct sr_go_buildinfo *bi = NULL;
	bool ok = false;
	if (!img)
		sr_error_set(err, SR_E_UNSUPPORTED, "unrecognized file format");
	else if (sr_go_buildinfo_read(img, &bi, err) != SR_OK)
		;
	else if (bi->status != SR_GO_BI_OK)
		sr_error_set(err, SR_E_NOT_BINARY, "%s", bi->error);
	else
		ok = true;
	if (ok) {
		fputs(path, stdout);
		fputs(": ", stdout);
		fwrite(bi->version, 1, bi->version_len, stdout);
		fputc('\n', stdout);
		size_t len = 0;
		char *mod = o->m ? sr_go_modinfo_string(bi->mod, &len) : NULL;
		if (mod && len > 0) {
			/* go indents every line of BuildInfo.String() with a tab */
			fputc('\t', stdout);
			for (size_t i = 0; i + 1 < len; i++) {
				fputc(mod[i], stdout);
				if (mod[i] == '\n')
					fputc('\t', stdout);
			}
			fputc('\n', stdout);
		}
		free(mod);
	}
	sr_go_buildinfo_free(bi);
	sr_inspect_free(&in);
	return ok;
}

/* One candidate file, name in the directory dirfd (AT_FDCWD and the whole
 * path for a named one): st is its lstat (walk) or stat (named).  Relative
 * lookups keep the kernel from walking the whole path again. */
static void scan_file(int dirfd, const char *name, const char *path, struct stat *st, bool must_print, bool named,
                      struct gv_opts *o)
{
	struct stat target;
	if (S_ISLNK(st->st_mode)) {
		if (fstatat(dirfd, name, &target, 0) != 0 || !S_ISREG(target.st_mode)) {
			if (must_print)
				cli_file_error(path, "symlink");
			if (named)
				o->status = EXIT_ERROR;
			return;
		}
		st = &target;
	}
	if (!S_ISREG(st->st_mode) || !(st->st_mode & 0111)) {
		if (must_print)
			cli_file_error(path, "not executable file");
		if (named)
			o->status = EXIT_ERROR;
		return;
	}
	struct sr_error err = { 0 };
	if (!print_file(dirfd, name, path, o, &err)) {
		if (must_print)
			cli_file_error(path, sr_error_message(&err));
		if (named)
			o->status = EXIT_ERROR;
	}
}

/* filepath.Join: dir + "/" + name, then the lexical clean-up Go applies
 * (repeated slashes, "." and "dir/.." elements, trailing slash). */
static char *join_clean(const char *dir, const char *name)
{
	size_t n = strlen(dir) + 1 + strlen(name);
	char *in = malloc(n + 1), *out = malloc(n + 2);
	if (!in || !out) {
		free(in);
		free(out);
		return NULL;
	}
	snprintf(in, n + 1, "%s/%s", dir, name);
	bool rooted = in[0] == '/';
	size_t w = 0, dotdot = 0;   /* out[0..dotdot) cannot be backtracked */
	if (rooted) {
		out[w++] = '/';
		dotdot = 1;
	}
	for (size_t r = rooted ? 1 : 0; r < n;) {
		if (in[r] == '/') {
			r++;
		} else if (in[r] == '.' && (r + 1 == n || in[r + 1] == '/')) {
			r++;
		} else if (in[r] == '.' && in[r + 1] == '.' && (r + 2 == n || in[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			for (; r < n && in[r] != '/'; r++)
				out[w++] = in[r];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = '\0';
	free(in);
	return out;
}

static int cmp_names(const void *a, const void *b)
{
	/* the first member of struct entry is the name */
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* filepath.WalkDir in lexical order; entries that are regular files or
 * symlinks are scanned, directories descended into (symlinks never are).
 * dirfd is the open directory path names. */
static void scan_dir(int dirfd, const char *dir, struct gv_opts *o, unsigned depth)
{
	DIR *d = depth <= 256 ? fdopendir(dirfd) : NULL;
	if (!d) {
		close(dirfd);
		return;   /* go's walk skips unreadable directories silently */
	}
	struct entry {
		char *name;
		unsigned char type;
	} *ents = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (count == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct entry *ne = realloc(ents, ncap * sizeof *ne);
			if (!ne)
				break;
			ents = ne;
			cap = ncap;
		}
		if (!(ents[count].name = strdup(de->d_name)))
			break;
		ents[count++].type = de->d_type;
	}
	if (count)
		qsort(ents, count, sizeof *ents, cmp_names);
	for (size_t i = 0; i < count; i++) {
		/* like WalkDir: the directory entry's type decides, and only
		 * files and symlinks are stat'ed (DT_UNKNOWN: ask lstat) */
		unsigned char t = ents[i].type;
		const char *name = ents[i].name;
		struct stat st;
		bool is_dir = t == DT_DIR;
		bool is_file = false;
		if (t == DT_REG || t == DT_LNK || t == DT_UNKNOWN) {
			if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
				is_dir = S_ISDIR(st.st_mode);
				is_file = S_ISREG(st.st_mode) || S_ISLNK(st.st_mode);
			}
		}
		char *path = is_dir || is_file ? join_clean(dir, name) : NULL;
		if (path && is_dir) {
			int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				scan_dir(sub, path, o, depth + 1);
		} else if (path && is_file) {
			scan_file(dirfd, name, path, &st, o->v, false, o);
		}
		free(path);
		free(ents[i].name);
	}
	free(ents);
	closedir(d);
}

int cmd_go_version(int argc, char **argv, const struct cli_command *self)
{
	struct gv_opts o = { 0 };
	int first;
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &o);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	for (int i = first; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			struct sr_error err = { 0 };
			sr_error_set(&err, errno == ENOENT ? SR_E_NOENT : errno == EACCES ? SR_E_ACCESS : SR_E_IO,
			             errno == ENOENT || errno == EACCES ? NULL : "%s", strerror(errno));
			cli_file_error(argv[i], sr_error_message(&err));
			o.status = EXIT_ERROR;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			/* WalkDir looks at the root with lstat: a symlinked
			 * directory is a symlink to a non-file, so nothing */
			int fd = open(argv[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				scan_dir(fd, argv[i], &o, 0);
		} else {
			scan_file(AT_FDCWD, argv[i], argv[i], &st, true, true, &o);
		}
	}
	return cli_finish(o.status);
}
