/* shipready — Graphviz's dot layout, loaded when first used.
 *
 * Only the HTML report draws graphs; linking libgvc would make every
 * command load it and its plugins.  So sr_graphviz_svg loads libgvc.so.6
 * with dlopen(3) on first use (Debian's libgvc6, whose own configuration
 * names its layout and render plugins) and keeps one context for the run.
 * Graphviz's messages are caught, not printed. */
#ifndef SHIPREADY_REPORT_GRAPHVIZ_H
#define SHIPREADY_REPORT_GRAPHVIZ_H

#include <stddef.h>

#include "shipready/error.h"

#define SR_LIBGVC_SONAME "libgvc.so.6"

/* The graph written in DOT, laid out by dot and rendered as SVG: *svg
 * (malloc'd, NUL-terminated; the caller frees it) starts at its <svg
 * element (no XML prolog or DOCTYPE: it goes inline in HTML).
 * SR_E_UNSUPPORTED when Graphviz cannot be loaded ("install Debian's
 * libgvc6"), SR_E_MALFORMED when it refuses the graph. */
enum sr_err sr_graphviz_svg(const char *dot, char **svg, size_t *len, struct sr_error *err);

#endif
