/* shipready — the language of a binary, from the facts its parse holds (see
 * shipready/language.h).  Go first (its runtime is unmistakable), then the
 * Rust compiler's own .comment line (rustc writes "rustc version X (HASH
 * DATE)"; strip keeps .comment), then the C++ runtime, then a C
 * toolchain's .comment line; a crate list cargo auditable embedded says
 * Rust in any format. */
#include "shipready/language.h"

#include <stdio.h>
#include <string.h>

#include "shipready/elf.h"
#include "shipready/go.h"
#include "shipready/image.h"
#include "shipready/rustdeps.h"

const char *sr_lang_name(enum sr_lang l)
{
	switch (l) {
	case SR_LANG_C: return "c";
	case SR_LANG_CXX: return "c++";
	case SR_LANG_GO: return "go";
	case SR_LANG_RUST: return "rust";
	default: return "unknown";
	}
}

/* The first word after prefix in s (up to a space or '('), or NULL. */
static const char *word_after(const char *s, const char *prefix, char *buf, size_t size)
{
	const char *p = strstr(s, prefix);
	if (!p)
		return NULL;
	p += strlen(prefix);
	size_t n = strcspn(p, " (");
	if (n == 0 || n >= size)
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* A C or C++ compiler named by a .comment line: "GCC 12.2.0" or "clang 14.0.6". */
static bool c_compiler(const char *comment, char *out, size_t size)
{
	char v[48];
	if (strncmp(comment, "GCC: ", 5) == 0) {
		/* "GCC: (Debian 12.2.0-14+deb12u1) 12.2.0": the version is the last word */
		const char *last = strrchr(comment, ' ');
		snprintf(out, size, "GCC %s", last ? last + 1 : "");
		return true;
	}
	if (word_after(comment, "clang version ", v, sizeof v)) {
		snprintf(out, size, "clang %s", v);
		return true;
	}
	return false;
}

static bool is_cxx_runtime(const char *needed)
{
	return strncmp(needed, "libstdc++.so", 12) == 0 || strncmp(needed, "libc++.so", 9) == 0;
}

static void elf_language(const struct sr_elf *e, struct sr_language *out)
{
	char v[48];
	for (size_t i = 0; i < e->comments.count; i++)
		if (word_after(e->comments.items[i], "rustc version ", v, sizeof v)) {
			out->lang = SR_LANG_RUST;
			snprintf(out->compiler, sizeof out->compiler, "rustc %s", v);
			snprintf(out->evidence, sizeof out->evidence, ".comment: %s", e->comments.items[i]);
			return;
		}
	for (size_t i = 0; i < e->needed.count && out->lang == SR_LANG_UNKNOWN; i++)
		if (is_cxx_runtime(e->needed.items[i])) {
			out->lang = SR_LANG_CXX;
			snprintf(out->evidence, sizeof out->evidence, "NEEDED %s", e->needed.items[i]);
		}
	for (size_t i = 0; i < e->vermax_count && out->lang == SR_LANG_UNKNOWN; i++)
		if (strcmp(e->vermax[i].family, "GLIBCXX") == 0 || strcmp(e->vermax[i].family, "CXXABI") == 0) {
			out->lang = SR_LANG_CXX;
			snprintf(out->evidence, sizeof out->evidence, "needs %s", e->vermax[i].name);
		}
	for (size_t i = 0; i < e->comments.count && !out->compiler[0]; i++)
		if (c_compiler(e->comments.items[i], out->compiler, sizeof out->compiler) &&
		    out->lang == SR_LANG_UNKNOWN) {
			out->lang = SR_LANG_C;
			snprintf(out->evidence, sizeof out->evidence, ".comment: %s, and no C++, Go or Rust runtime",
			         e->comments.items[i]);
		}
}

void sr_language_of(const struct sr_inspect *in, struct sr_language *out)
{
	memset(out, 0, sizeof *out);
	if (in->go && in->go->is_go) {
		out->lang = SR_LANG_GO;
		snprintf(out->compiler, sizeof out->compiler, "%s", in->go->version ? in->go->version : "");
		snprintf(out->evidence, sizeof out->evidence, "%s",
		         in->go->evidence.count ? in->go->evidence.items[0] : "the Go reader");
		return;
	}
	if (in->elf)
		elf_language(in->elf, out);
	/* cargo auditable's crate list, in any format: only a Rust build writes
	 * it (rustc's own .comment line, when there, says more: the compiler) */
	const struct sr_image *img = sr_inspect_image(in);
	if (out->lang != SR_LANG_RUST && img && sr_image_section(img, SR_RUST_DEPS_SECTION)) {
		out->lang = SR_LANG_RUST;
		snprintf(out->evidence, sizeof out->evidence, "%s: the crate list cargo auditable embeds",
		         SR_RUST_DEPS_SECTION);
	}
}
