/* A tiny test harness for the table-driven unit tests: CHECK records a
 * failure (with file:line and the expression) and carries on; main() ends
 * with `return sr_test_summary("name");`, which prints "N passed, N failed"
 * and returns non-zero if anything failed. */
#ifndef SR_TEST_HARNESS_H
#define SR_TEST_HARNESS_H

#include <stdio.h>

static unsigned sr_test_passed, sr_test_failed;

#define CHECK(cond) CHECKF(cond, "%s", "")

/* CHECK with printf-style context printed on failure. */
#define CHECKF(cond, ...)                                                       \
	do {                                                                    \
		if (cond) {                                                     \
			sr_test_passed++;                                       \
		} else {                                                        \
			sr_test_failed++;                                       \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
		}                                                               \
	} while (0)

#define CHECK_EQ_U(a, b) CHECKF((unsigned long long)(a) == (unsigned long long)(b), \
		"got %#llx, want %#llx", (unsigned long long)(a), (unsigned long long)(b))

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static inline int sr_test_summary(const char *name)
{
	printf("%s: %u passed, %u failed\n", name, sr_test_passed, sr_test_failed);
	return sr_test_failed ? 1 : 0;
}

#endif
