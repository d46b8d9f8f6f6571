/* shipready — which language a binary was written in, as far as its bytes
 * say: the Go runtime's build info, the Rust compiler's .comment line, the
 * C++ runtime it links, or the C toolchain's .comment only. */
#ifndef SHIPREADY_LANGUAGE_H
#define SHIPREADY_LANGUAGE_H

#include "shipready/inspect.h"

enum sr_lang {
	SR_LANG_UNKNOWN = 0,   /* nothing in the file says */
	SR_LANG_C,             /* a C toolchain's .comment and no other runtime: C, or a
	                        * language that uses the C runtime only */
	SR_LANG_CXX,           /* links libstdc++/libc++ (a NEEDED entry or GLIBCXX_/CXXABI_ versions) */
	SR_LANG_GO,            /* the Go reader found a Go binary */
	SR_LANG_RUST,          /* "rustc version …" in .comment */
};

struct sr_language {
	enum sr_lang lang;
	char compiler[96];     /* "go1.22.4", "rustc 1.95.0", "GCC 12.2.0", "clang 14.0.6", or "" */
	char evidence[128];    /* why: ".comment: rustc version 1.95.0 (…)", "NEEDED libstdc++.so.6", … */
};

/* The language of the analysed file (*out is filled whatever it finds). */
void sr_language_of(const struct sr_inspect *in, struct sr_language *out);

/* "unknown", "c", "c++", "go", "rust". */
const char *sr_lang_name(enum sr_lang l);

#endif
