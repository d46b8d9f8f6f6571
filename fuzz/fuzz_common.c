/* Helpers shared by all fuzz targets. */
#include "fuzz.h"

#include <stdlib.h>

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
