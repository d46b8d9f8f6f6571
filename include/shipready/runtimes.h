/* shipready — the article's question: what must be installed on a machine
 * for this binary to run (nothing, a C library, libstdc++, .NET, …)? */
#ifndef SHIPREADY_RUNTIMES_H
#define SHIPREADY_RUNTIMES_H

#include <stddef.h>

#include "shipready/error.h"
#include "shipready/inspect.h"

/* A runtime the binary needs installed on the target. */
struct sr_runtime {
	const char *name;          /* "none", "glibc", "musl", "libstdc++", "libgcc_s", ".NET", "dynamic loader", "library" */
	const char *detail;        /* "≥ 2.34 (GLIBC_2.34)", "libssl.so.3", … or NULL */
};

struct sr_runtimes_priv;
struct sr_runtimes {
	struct sr_runtime *v;      /* empty list: needs nothing but the kernel */
	size_t n;
	struct sr_runtimes_priv *priv;
};

/* What must be installed for the analysed file to run.  *out is zeroed
 * first; the strings belong to it until sr_runtimes_free. */
enum sr_err sr_runtimes_from_inspect(const struct sr_inspect *in, struct sr_runtimes *out, struct sr_error *err);
void sr_runtimes_free(struct sr_runtimes *r);

#endif
