/* Helpers shared by all fuzz targets. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#ifdef __GLIBC__
#include <stdio_ext.h>
#endif

FILE *sr_fuzz_devnull(void)
{
	static FILE *devnull;
	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (!devnull)
			abort();
#ifdef __GLIBC__
		/* single-threaded: skip the per-character stdio lock */
		__fsetlocking(devnull, FSETLOCKING_BYCALLER);
#endif
	}
	return devnull;
}

char *sr_fuzz_dump_json(void *json, int keep)
{
	if (!json)
		return NULL;
	char *s = json_dumps((json_t *)json, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref((json_t *)json);
	if (!s)
		abort();   /* every report must be serialisable (e.g. valid UTF-8) */
	if (!keep) {
		free(s);
		return NULL;
	}
	return s;
}

/* Under ASan, libFuzzer's -rss_limit_mb=256 counts ASan's free-memory
 * quarantine (256 MB by default) too, which ends long runs with a bogus
 * "out-of-memory" although the live heap is ~30 MB.  Keep it small. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SR_FUZZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(SR_FUZZ_ASAN)
#define SR_FUZZ_ASAN 1
#endif
#ifdef SR_FUZZ_ASAN
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16:malloc_context_size=20";
}
#endif

/* Characters (UTF-8 code points) on line `line` (1-based), or -1 if the
 * input has no such line.  A leading BOM is not counted. */
static long line_chars(const uint8_t *d, size_t n, unsigned long line)
{
	size_t i = (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf) ? 3 : 0;
	unsigned long l = 1;
	for (; i < n && l < line; i++)
		if (d[i] == '\n')
			l++;
	if (l != line)
		return -1;
	long c = 0;
	for (; i < n && d[i] != '\n'; i++)
		if ((d[i] & 0xc0) != 0x80)
			c++;
	return c;
}

void sr_fuzz_check_position_error(const uint8_t *d, size_t n, enum sr_err rc, const struct sr_error *err)
{
	const char *m = err->msg;
	size_t len = strlen(m);
	if (len == 0 || m[len - 1] == '.' || strchr(m, '\n'))
		abort();
	if (rc == SR_E_TOO_BIG || rc == SR_E_NOMEM)
		return;
	if (rc != SR_E_MALFORMED)
		abort();
	char *end;
	unsigned long line = strtoul(m, &end, 10);
	if (end == m || *end != ':' || line == 0)
		abort();
	const char *c = end + 1;
	unsigned long col = strtoul(c, &end, 10);
	if (end == c || end[0] != ':' || end[1] != ' ' || col == 0 || !end[2])
		abort();
	long chars = line_chars(d, n, line);
	if (chars < 0 || col > (unsigned long)chars + 1)
		abort();
}
