/* Platform minimums implied by the Go release a binary was built with.
 *
 * Data, with sources (see also docs/targets-facts.md Table 2a): the Go
 * release notes go1.N.md in golang/website, the Go wiki MinimumRequirements
 * page, and the download page's requirement strings (golang/website
 * internal/dl/dl.go).  The kernel minimum rose to 2.6.32 in Go 1.18
 * (go1.18.md, golang/go#45964) and to 3.2 in Go 1.24 (go1.24.md,
 * golang/go#67001); macOS and Windows rows follow each go1.N.md. */
#include <stddef.h>
#include <string.h>

#include "go/go_internal.h"

struct go_min {
	unsigned minor;          /* Go 1.minor */
	const char *kernel, *macos, *windows;
};

static const struct go_min mins[] = {
	{ 13, "2.6.23", "10.11", "7" },   /* go1.13.md */
	{ 14, "2.6.23", "10.11", "7" },   /* go1.14.md: last for macOS 10.11 */
	{ 15, "2.6.23", "10.12", "7" },   /* go1.15.md */
	{ 16, "2.6.23", "10.12", "7" },   /* go1.16.md: last for 10.12 */
	{ 17, "2.6.23", "10.13", "7" },   /* go1.17.md */
	{ 18, "2.6.32", "10.13", "7" },   /* go1.18.md: kernel 2.6.32 */
	{ 19, "2.6.32", "10.13", "7" },   /* go1.19.md */
	{ 20, "2.6.32", "10.13", "7" },   /* go1.20.md: last for Windows 7/8, macOS 10.13/10.14 */
	{ 21, "2.6.32", "10.15", "10" },  /* go1.21.md: macOS Catalina, Windows 10 / Server 2016 */
	{ 22, "2.6.32", "10.15", "10" },  /* go1.22.md */
	{ 23, "2.6.32", "11", "10" },     /* go1.23.md: macOS Big Sur; last for kernel 2.6.32 */
	{ 24, "3.2", "11", "10" },        /* go1.24.md: kernel 3.2 */
	{ 25, "3.2", "12", "10" },        /* go1.25.md: macOS Monterey */
	{ 26, "3.2", "12", "10" },        /* go1.26.md */
	{ 27, "3.2", "13", "10" },        /* go1.27.md: macOS Ventura */
};

bool sr_go_minimums(unsigned major, unsigned minor, const char *goarch, const char **kernel, const char **macos,
                    const char **windows, bool *newer_than_known)
{
	*kernel = *macos = *windows = NULL;
	*newer_than_known = false;
	if (major != 1 || minor < mins[0].minor)
		return false;
	const struct go_min *m = &mins[0];
	for (size_t i = 0; i < sizeof mins / sizeof mins[0]; i++)
		if (mins[i].minor <= minor)
			m = &mins[i];
	*newer_than_known = minor > mins[sizeof mins / sizeof mins[0] - 1].minor;
	*kernel = m->kernel;
	*macos = m->macos;
	*windows = m->windows;
	/* linux/loong64 arrived in Go 1.19 and needs kernel 5.19 (go1.19.md) */
	if (goarch && minor >= 19 && strcmp(goarch, "loong64") == 0)
		*kernel = "5.19";
	return true;
}
