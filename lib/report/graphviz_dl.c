/* Graphviz's dot layout to SVG, libgvc loaded on first use (see graphviz.h). */
#include "report/graphviz.h"

#include <dlfcn.h>
#include <gvc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	int state;   /* 0 not tried, 1 loaded, -1 failed */
	char why[512];
	GVC_t *gvc;
	__typeof__(gvContext) *context;
	__typeof__(gvLayout) *layout;
	__typeof__(gvFreeLayout) *free_layout;
	__typeof__(gvRenderData) *render;
	__typeof__(gvFreeRenderData) *free_render;
	__typeof__(agmemread) *memread;
	__typeof__(agclose) *close;
	__typeof__(agseterrf) *seterrf;
	char last[256];   /* Graphviz's last message */
} dl;

/* Graphviz's messages: kept for the error, never printed (the library
 * never prints). */
static int catch_message(char *msg)
{
	if (msg && msg[0]) {
		snprintf(dl.last, sizeof dl.last, "%s", msg);
		size_t n = strlen(dl.last);
		while (n && (dl.last[n - 1] == '\n' || dl.last[n - 1] == ' '))
			dl.last[--n] = '\0';
	}
	return 0;
}

static bool load(void)
{
	if (dl.state)
		return dl.state > 0;
	dl.state = -1;
	void *h = dlopen(SR_LIBGVC_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(dl.why, sizeof dl.why, "%s", e ? e : SR_LIBGVC_SONAME ": cannot be loaded");
		return false;
	}
	/* dlsym returns void *: the POSIX way to assign it to a function
	 * pointer; a handle's symbols include its dependencies' (libcgraph) */
	*(void **)&dl.context = dlsym(h, "gvContext");
	*(void **)&dl.layout = dlsym(h, "gvLayout");
	*(void **)&dl.free_layout = dlsym(h, "gvFreeLayout");
	*(void **)&dl.render = dlsym(h, "gvRenderData");
	*(void **)&dl.free_render = dlsym(h, "gvFreeRenderData");
	*(void **)&dl.memread = dlsym(h, "agmemread");
	*(void **)&dl.close = dlsym(h, "agclose");
	*(void **)&dl.seterrf = dlsym(h, "agseterrf");
	if (!dl.context || !dl.layout || !dl.free_layout || !dl.render || !dl.free_render || !dl.memread || !dl.close ||
	    !dl.seterrf) {
		snprintf(dl.why, sizeof dl.why, "%s lacks a function of Graphviz's API", SR_LIBGVC_SONAME);
		return false;
	}
	dl.seterrf(catch_message);
	if (!(dl.gvc = dl.context())) {
		snprintf(dl.why, sizeof dl.why, "Graphviz could not start");
		return false;
	}
	dl.state = 1;
	return true;
}

enum sr_err sr_graphviz_svg(const char *dot, char **svg, size_t *len, struct sr_error *err)
{
	*svg = NULL;
	*len = 0;
	if (!load())
		return sr_error_set(err, SR_E_UNSUPPORTED, "%s (install Debian's libgvc6)", dl.why);
	dl.last[0] = '\0';
	Agraph_t *g = dl.memread(dot);
	if (!g)
		return sr_error_set(err, SR_E_MALFORMED, "Graphviz cannot read the graph%s%s", dl.last[0] ? ": " : "",
		                    dl.last);
	enum sr_err rc = SR_OK;
	char *out = NULL;
	unsigned int n = 0;
	if (dl.layout(dl.gvc, g, "dot") != 0) {
		rc = sr_error_set(err, SR_E_UNSUPPORTED, "Graphviz has no dot layout%s%s", dl.last[0] ? ": " : "", dl.last);
	} else {
		if (dl.render(dl.gvc, g, "svg", &out, &n) != 0 || !out)
			rc = sr_error_set(err, SR_E_UNSUPPORTED, "Graphviz cannot write SVG%s%s", dl.last[0] ? ": " : "",
			                  dl.last);
		dl.free_layout(dl.gvc, g);
	}
	dl.close(g);
	if (rc != SR_OK) {
		if (out)
			dl.free_render(out);
		return rc;
	}
	/* inline in HTML: from the <svg element on */
	const char *start = strstr(out, "<svg");
	size_t keep = start ? n - (size_t)(start - out) : 0;
	char *copy = start ? malloc(keep + 1) : NULL;
	if (copy) {
		memcpy(copy, start, keep);
		copy[keep] = '\0';
	}
	dl.free_render(out);
	if (!copy)
		return sr_error_set(err, start ? SR_E_NOMEM : SR_E_MALFORMED, start ? NULL : "Graphviz wrote no <svg>");
	*svg = copy;
	*len = keep;
	return SR_OK;
}
