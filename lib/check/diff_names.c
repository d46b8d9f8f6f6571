/* shipready — the names release artifacts are paired by (see
 * sr_diff_name_key in shipready/diff.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/diff.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The length of a version starting at s ("1.2", "v1.2.3", "2.0.0-rc1"),
 * or 0: at least two numbers joined by dots, then maybe a pre-release
 * word (a whole word: "-devtools" is not one) and its number. */
static size_t version_at(const char *s)
{
	size_t i = s[0] == 'v' ? 1 : 0, dots = 0;
	if (!is_digit(s[i]))
		return 0;
	while (is_digit(s[i]) || (s[i] == '.' && is_digit(s[i + 1]))) {
		dots += s[i] == '.';
		i++;
	}
	if (dots == 0)
		return 0;
	static const char *const pre[] = { "rc", "beta", "alpha", "pre", "dev" };
	size_t j = i + (s[i] == '-' || s[i] == '.' || s[i] == '+' || s[i] == '~');
	for (size_t k = 0; k < sizeof pre / sizeof pre[0]; k++) {
		size_t l = strlen(pre[k]);
		if (strncmp(s + j, pre[k], l) != 0 || is_alpha(s[j + l]))
			continue;
		j += l;
		j += s[j] == '.' && is_digit(s[j + 1]);
		while (is_digit(s[j]))
			j++;
		return j;
	}
	return i;
}

char *sr_diff_name_key(const char *rel)
{
	size_t n = strlen(rel);
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		bool start = i == 0 || rel[i - 1] == '/';
		bool sep = rel[i] == '-' || rel[i] == '_' || rel[i] == '.';
		size_t v = sep ? version_at(rel + i + 1) : start ? version_at(rel + i) : 0;
		if (v) {
			i += v + (sep ? 1 : 0);
			continue;
		}
		out[k++] = rel[i++];
	}
	out[k] = '\0';
	return out;
}
