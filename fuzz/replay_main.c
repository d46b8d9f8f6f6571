/* Replay driver: runs LLVMFuzzerTestOneInput over files without libFuzzer.
 *
 *   replay-<name> PATH...     each PATH is a file or a directory (recursed)
 *
 * Each input is copied into a malloc'd buffer of exactly its size, so that
 * ASan/valgrind catch reads past the end.  Exit status: 0 when all inputs ran
 * (a crash aborts the process), 1 on a usage or I/O error. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static unsigned long n_inputs;
static int failed;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		failed = 1;
		return;
	}
	size_t cap = 4096, len = 0;
	unsigned char *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			unsigned char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	int rerr = ferror(f);
	fclose(f);
	if (!buf || rerr) {
		fprintf(stderr, "replay: %s: read failed\n", path);
		free(buf);
		failed = 1;
		return;
	}
	/* Exact-size copy: no slack after the last byte. */
	unsigned char *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		failed = 1;
		return;
	}
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	n_inputs++;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		failed = 1;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		failed = 1;
		return;
	}
	char **names = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;   /* ., .., and hidden files such as .gitignore */
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof *names);
			if (!nn)
				abort();
			names = nn;
		}
		size_t l = strlen(path) + strlen(de->d_name) + 2;
		names[count] = malloc(l);
		if (!names[count])
			abort();
		snprintf(names[count], l, "%s/%s", path, de->d_name);
		count++;
	}
	closedir(d);
	if (count)
		qsort(names, count, sizeof *names, cmp_names);   /* deterministic order */
	for (size_t i = 0; i < count; i++) {
		run_path(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 1;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("replayed %lu input(s)%s\n", n_inputs, failed ? " (with errors)" : "");
	if (n_inputs == 0) {
		fprintf(stderr, "replay: no inputs found\n");
		return 1;
	}
	return failed;
}
