/* /etc/ld.so.conf, read as glibc's ldconfig reads it (elf/ldconfig.c,
 * parse_conf and parse_conf_include), but inside a root and bounded.
 *
 * Per line: everything from the first '#' is a comment; leading white space
 * is skipped; blank lines are ignored.  "include" followed by a blank starts
 * a list of glob patterns separated by spaces or tabs; a relative pattern is
 * taken from the including file's directory (as the file was named, like
 * ldconfig's dirname(config_file)); the matches are read in strcmp order
 * (ldconfig sets LC_COLLATE=C for glob).  "hwcap" + blank (any case) is an
 * obsolete directive, ignored.  Anything else names a directory: trailing
 * white space, then trailing slashes are dropped (so "a /" names "a "), and
 * an empty result (e.g. "/") is dropped (checked with ldconfig 2.36).
 * "dir=TYPE" (the libc4/libc5-era syntax) is cut at the first '=', as
 * ldconfig 2.36 still does (checked); the add_dir_1() of 2024 sources no
 * longer cuts, and takes the whole text as a directory that never exists.
 *
 * Where we differ, and why:
 *  - Duplicates: ldconfig drops a directory whose (dev, inode) it has seen,
 *    and drops directories that do not exist (stat fails).  We work on
 *    names, so we drop repeated names and keep directories that do not exist:
 *    the caller decides what a missing directory means.
 *  - Include cycles: ldconfig has no guard (it recurses until it runs out of
 *    file descriptors); we skip a file that is already being read, stop at
 *    SR_LDCONF_MAX_DEPTH levels and SR_LDCONF_MAX_FILES files.
 *  - Globs: wildcards are expanded in the last component only; a wildcard in
 *    a directory component is taken literally (ld.so.conf files in the wild
 *    use "dir/ *.conf").  Like glob(3), a leading '.' is matched only
 *    explicitly.  A pattern without wildcards names one file.
 *  - With `ldconfig -r` a relative include is a fatal error; inside a root
 *    we resolve it from the including file's directory.
 * A missing or unreadable included file is ignored, as by ldconfig. */
#define _GNU_SOURCE 1   /* strncasecmp, O_DIRECTORY */
#include "loader/ldconf_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "shipready/file.h"
#include "shipready/ldcache.h"

void sr_ldconf_state_init(struct sr_ldconf_state *st, const struct sr_root *root)
{
	memset(st, 0, sizeof *st);
	st->root = root;
}

void sr_ldconf_state_free(struct sr_ldconf_state *st)
{
	sr_map_free(&st->seen, NULL);
	sr_ldconf_free(st->dirs, st->count);
	st->dirs = NULL;
	st->count = st->cap = 0;
}

void sr_ldconf_free(char **dirs, size_t count)
{
	if (!dirs)
		return;
	for (size_t i = 0; i < count; i++)
		free(dirs[i]);
	free(dirs);
}

/* Add dir (n bytes) unless already there or the list is full. */
static void add_dir(struct sr_ldconf_state *st, const char *dir, size_t n)
{
	if (st->count >= SR_LDCONF_MAX_DIRS || st->fatal)
		return;
	char *d = malloc(n + 1);
	if (!d) {
		st->fatal = SR_E_NOMEM;
		return;
	}
	memcpy(d, dir, n);
	d[n] = '\0';
	if (sr_map_find(&st->seen, d, n)) {
		free(d);
		return;
	}
	if (st->count == st->cap) {
		size_t ncap = st->cap ? st->cap * 2 : 16;
		char **nd = realloc(st->dirs, ncap * sizeof *nd);
		if (!nd) {
			free(d);
			st->fatal = SR_E_NOMEM;
			return;
		}
		st->dirs = nd;
		st->cap = ncap;
	}
	bool fresh;
	if (!sr_map_add(&st->seen, d, n, &fresh)) {
		free(d);
		st->fatal = SR_E_NOMEM;
		return;
	}
	st->dirs[st->count++] = d;
}

/* One directory line (leading white space already skipped). */
static void dir_line(struct sr_ldconf_state *st, const char *cp)
{
	size_t n = strlen(cp);
	const char *eq = memchr(cp, '=', n);
	if (eq)
		n = (size_t)(eq - cp);
	while (n > 0 && isspace((unsigned char)cp[n - 1]))
		n--;
	while (n > 0 && cp[n - 1] == '/')
		n--;
	if (n > 0)
		add_dir(st, cp, n);
}

static bool has_magic(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_file(struct sr_ldconf_state *st, const char *path, bool top, enum sr_err *rc,
                      struct sr_error *err);

/* Expand one include pattern (already made absolute or root-relative). */
static void include_pattern(struct sr_ldconf_state *st, const char *pattern)
{
	const char *slash = strrchr(pattern, '/');
	const char *base = slash ? slash + 1 : pattern;
	if (*base == '\0')
		return;   /* "dir/" matches the directory itself: not a file */
	if (!has_magic(base)) {
		read_file(st, pattern, false, NULL, NULL);
		return;
	}
	/* the directory part, as written: "" (root-relative), "/" or "a/b" */
	size_t dlen = slash ? (size_t)(slash - pattern) : 0;
	char *dirpart = malloc(dlen + 2);
	if (!dirpart) {
		st->fatal = SR_E_NOMEM;
		return;
	}
	memcpy(dirpart, pattern, dlen);
	dirpart[dlen] = '\0';
	if (slash && dlen == 0)
		strcpy(dirpart, "/");

	char **matches = NULL;
	size_t nm = 0, cap = 0;
	struct sr_root_list *dir = sr_root_list_open(st->root, dirpart[0] ? dirpart : ".", SIZE_MAX, NULL);
	if (!dir)
		goto out;
	const char *entry;
	while ((entry = sr_root_list_next(dir)) != NULL && nm < SR_LDCONF_MAX_MATCHES) {
		if (fnmatch(base, entry, FNM_PERIOD) != 0)
			continue;
		if (nm == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **n2 = realloc(matches, ncap * sizeof *n2);
			if (!n2) {
				st->fatal = SR_E_NOMEM;
				goto out;
			}
			matches = n2;
			cap = ncap;
		}
		matches[nm] = strdup(entry);
		if (!matches[nm]) {
			st->fatal = SR_E_NOMEM;
			goto out;
		}
		nm++;
	}
	if (nm > 1)
		qsort(matches, nm, sizeof *matches, cmp_str);
	for (size_t i = 0; i < nm && !st->fatal; i++) {
		size_t ml = strlen(matches[i]);
		char *full = malloc(dlen + 1 + ml + 1);
		if (!full) {
			st->fatal = SR_E_NOMEM;
			break;
		}
		/* as glob(3) builds it: the pattern's directory part + "/" + name */
		memcpy(full, pattern, dlen);
		size_t fl = dlen;
		if (slash)
			full[fl++] = '/';
		memcpy(full + fl, matches[i], ml + 1);
		read_file(st, full, false, NULL, NULL);
		free(full);
	}
out:
	for (size_t i = 0; i < nm; i++)
		free(matches[i]);
	free(matches);
	sr_root_list_close(dir);
	free(dirpart);
}

/* One word of an include line, from file_name. */
static void include_word(struct sr_ldconf_state *st, const char *file_name, const char *word)
{
	st->includes_seen++;
	if (!st->root || st->fatal)
		return;
	const char *slash = strrchr(file_name, '/');
	if (word[0] == '/' || !slash) {
		include_pattern(st, word);
		return;
	}
	/* dirname(file_name) + "/" + word; dirname("/x") is "/" */
	size_t dl = (size_t)(slash - file_name), wl = strlen(word);
	char *p = malloc(dl + 2 + wl + 1);
	if (!p) {
		st->fatal = SR_E_NOMEM;
		return;
	}
	size_t o = 0;
	if (dl == 0)
		p[o++] = '/';
	memcpy(p + o, file_name, dl);
	o += dl;
	p[o++] = '/';
	memcpy(p + o, word, wl + 1);
	include_pattern(st, p);
	free(p);
}

static void parse_line(struct sr_ldconf_state *st, const char *file_name, char *line)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	char *cp = line;
	while (isspace((unsigned char)*cp))
		cp++;
	if (*cp == '\0')
		return;
	if (strncmp(cp, "include", 7) == 0 && (cp[7] == ' ' || cp[7] == '\t')) {
		cp += 8;
		while (cp) {
			char *word = cp;
			size_t n = strcspn(cp, " \t");
			if (cp[n]) {
				cp[n] = '\0';
				cp += n + 1;
			} else {
				cp = NULL;
			}
			if (*word)
				include_word(st, file_name, word);
		}
		return;
	}
	if (strncasecmp(cp, "hwcap", 5) == 0 && (cp[5] == ' ' || cp[5] == '\t'))
		return;
	dir_line(st, cp);
}

enum sr_err sr_ldconf_parse_buffer(struct sr_ldconf_state *st, const char *file_name, const char *buf, size_t len)
{
	char *line = NULL;
	size_t line_cap = 0;
	size_t pos = 0;
	while (pos < len && !st->fatal) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		if (n + 1 > line_cap) {
			char *l2 = realloc(line, n + 1);
			if (!l2) {
				st->fatal = SR_E_NOMEM;
				break;
			}
			line = l2;
			line_cap = n + 1;
		}
		/* a NUL ends the line's text, as for getline() + C strings */
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		parse_line(st, file_name, line);
		pos += n + 1;
	}
	free(line);
	return st->fatal;
}

/* Read one configuration file from the root.  For the top-level file
 * failures are reported through *rc; included files fail silently. */
static void read_file(struct sr_ldconf_state *st, const char *path, bool top, enum sr_err *rc,
                      struct sr_error *err)
{
	if (st->fatal)
		return;
	if (st->depth >= SR_LDCONF_MAX_DEPTH || st->files >= SR_LDCONF_MAX_FILES)
		return;
	struct sr_file f;
	char resolved[SR_ROOT_MAX_PATH + 1];
	struct sr_error local = {0};
	enum sr_err e = sr_root_file_open(st->root, path, &f, resolved, sizeof resolved, top ? err : &local);
	if (e == SR_E_EMPTY) {
		st->files++;   /* an empty file names no directories */
		return;
	}
	if (e != SR_OK) {
		if (top)
			*rc = e;
		return;
	}
	for (size_t i = 0; i < st->depth; i++)
		if (strcmp(st->stack[i], resolved) == 0)
			goto out;   /* an include cycle */
	if (f.r.len > SR_LDCONF_MAX_FILE_SIZE) {
		if (top)
			*rc = sr_error_set(err, SR_E_TOO_BIG, "%s: configuration file over %zu bytes", path,
			                   SR_LDCONF_MAX_FILE_SIZE);
		goto out;
	}
	const uint8_t *bytes = NULL;
	if (f.r.len && sr_read_view(&f.r, 0, f.r.len, &bytes) != SR_OK)
		goto out;
	st->files++;
	st->stack[st->depth++] = resolved;
	(void)sr_ldconf_parse_buffer(st, path, (const char *)bytes, f.r.len);
	st->depth--;
out:
	sr_file_close(&f);
}

enum sr_err sr_ldconf_load(const struct sr_root *root, const char *conf_path, char ***dirs, size_t *count,
                           struct sr_error *err)
{
	*dirs = NULL;
	*count = 0;
	if (!root || !conf_path)
		return sr_error_set(err, SR_E_USAGE, "no root or configuration file");
	struct sr_ldconf_state *st = malloc(sizeof *st);
	if (!st)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	sr_ldconf_state_init(st, root);
	enum sr_err rc = SR_OK;
	read_file(st, conf_path, true, &rc, err);
	if (rc == SR_OK && st->fatal)
		rc = sr_error_set(err, st->fatal, "%s: out of memory", conf_path);
	if (rc != SR_OK) {
		sr_ldconf_state_free(st);
		free(st);
		return rc;
	}
	*dirs = st->dirs;
	*count = st->count;
	sr_map_free(&st->seen, NULL);
	free(st);
	return SR_OK;
}
