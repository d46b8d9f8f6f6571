/* A Go release built and proven (shipready/release.h). */
#define _XOPEN_SOURCE 700   /* nftw */
#include "shipready/release.h"

#include <ftw.h>
#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/hex.h"
#include "util/nettle_dl.h"
#include "shipready/file.h"
#include "shipready/image.h"
#include "util/spawn.h"

/* The last non-empty line of the go command's words. */
static const char *last_line(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
	char *nl = strrchr(s, '\n');
	return nl ? nl + 1 : s;
}

enum sr_err sr_release_go_version(char *out, size_t size, struct sr_error *err)
{
	static const char *const argv[] = { "go", "env", "GOVERSION", NULL };
	static const char *const env[] = { "GOTOOLCHAIN=local", NULL };
	char buf[256];
	struct sr_spawn sp = { .env = env, .capture = 1, .out = buf, .size = sizeof buf };
	int rc = sr_spawn_run(argv, &sp);
	if (rc == -1 && errno == ENOENT)
		return sr_error_set(err, SR_E_NOENT, "no go command on PATH");
	if (rc != 0)
		return sr_error_set(err, SR_E_IO, "go env GOVERSION failed");
	snprintf(out, size, "%s", last_line(buf));
	return SR_OK;
}

enum sr_err sr_release_build(const struct sr_release_opts *o, const char *goos, const char *goarch, const char *out,
                             const char *gocache, struct sr_error *err)
{
	char e_os[64], e_arch[64], e_cache[4200];
	snprintf(e_os, sizeof e_os, "GOOS=%s", goos);
	snprintf(e_arch, sizeof e_arch, "GOARCH=%s", goarch);
	snprintf(e_cache, sizeof e_cache, "GOCACHE=%s", gocache ? gocache : "");
	const char *env[] = { e_os, e_arch, o->cgo ? "CGO_ENABLED=1" : "CGO_ENABLED=0", "GOTOOLCHAIN=local",
		              gocache ? e_cache : NULL, NULL };
	const char *argv[16];
	size_t n = 0;
	argv[n++] = "go";
	argv[n++] = "build";
	if (o->trimpath)
		argv[n++] = "-trimpath";
	if (o->ldflags) {
		argv[n++] = "-ldflags";
		argv[n++] = o->ldflags;
	}
	if (o->tags) {
		argv[n++] = "-tags";
		argv[n++] = o->tags;
	}
	argv[n++] = "-o";
	argv[n++] = out;
	argv[n++] = o->package ? o->package : ".";
	argv[n] = NULL;
	char words[2048];
	struct sr_spawn sp = { .dir = o->dir, .env = env, .capture = 2, .keep_tail = true, .out = words,
		               .size = sizeof words };
	int rc = sr_spawn_run(argv, &sp);
	if (rc == -1 && errno == ENOENT)
		return sr_error_set(err, SR_E_NOENT, "no go command on PATH");
	if (rc == -1)
		return sr_error_set(err, SR_E_IO, "cannot run go build: %s", strerror(errno));
	if (rc != 0)
		return sr_error_set(err, SR_E_IO, "go build for %s/%s failed: %s", goos, goarch, last_line(words));
	return SR_OK;
}

enum sr_err sr_release_compare(const char *a, const char *b, bool *same, uint64_t *offset, struct sr_error *err)
{
	struct sr_file fa, fb;
	enum sr_err rc = sr_file_open(a, &fa, err);
	if (rc != SR_OK)
		return rc;
	if ((rc = sr_file_open(b, &fb, err)) != SR_OK) {
		sr_file_close(&fa);
		return rc;
	}
	uint64_t n = fa.r.len < fb.r.len ? fa.r.len : fb.r.len, off = 0;
	const uint8_t *pa = sr_reader_at(&fa.r, 0, (size_t)fa.r.len), *pb = sr_reader_at(&fb.r, 0, (size_t)fb.r.len);
	if (!pa || !pb) {
		rc = sr_error_set(err, SR_E_IO, "cannot read the builds");
	} else {
		while (off < n && pa[off] == pb[off])
			off++;
		*same = off == n && fa.r.len == fb.r.len;
		*offset = off;
	}
	sr_file_close(&fa);
	sr_file_close(&fb);
	return rc;
}

const char *sr_release_section_at(const struct sr_inspect *in, uint64_t offset)
{
	const struct sr_image *img = in ? sr_inspect_image(in) : NULL;
	for (size_t i = 0; img && i < img->nsects; i++) {
		const struct sr_image_sect *s = &img->sects[i];
		if (s->in_file && offset >= s->offset && offset - s->offset < s->size)
			return s->name;
	}
	return NULL;
}

enum sr_err sr_release_sha256(const char *path, char hex[65], struct sr_error *err)
{
	enum sr_err rc = sr_nettle_load(err);
	if (rc != SR_OK)
		return rc;
	struct sr_file f;
	bool empty = false;
	if ((rc = sr_file_open(path, &f, err)) == SR_E_EMPTY)
		empty = true;
	else if (rc != SR_OK)
		return rc;
	struct sha256_ctx h;
	sha256_init(&h);
	if (!empty) {
		const uint8_t *p = sr_reader_at(&f.r, 0, (size_t)f.r.len);
		if (!p) {
			sr_file_close(&f);
			return sr_error_set(err, SR_E_IO, "%s: cannot read", path);
		}
		sha256_update(&h, (size_t)f.r.len, p);
		sr_file_close(&f);
	}
	uint8_t d[32];
	sha256_digest(&h, sizeof d, d);
	sr_hex_encode(d, 32, hex);
	return SR_OK;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void sr_release_remove_tree(const char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
