/* A small JSON reader that remembers where every value starts, so that a
 * policy file's errors can point at the offending value ("4:23: …").
 * jansson (2.14) reports positions only for syntax errors.
 *
 * RFC 8259 JSON, strictly: no comments, no trailing commas, no NaN; the
 * input must be valid UTF-8 (a leading UTF-8 BOM is skipped).  Everything
 * lives in the caller's arena.  Hostile input is bounded by the limits
 * below, each an error with a position. */
#ifndef SR_CHECK_POLICY_JSON_H
#define SR_CHECK_POLICY_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/error.h"
#include "util/arena.h"

#define PJ_MAX_INPUT   ((size_t)256 << 10)   /* bytes of JSON text */
#define PJ_MAX_DEPTH   32u                   /* nested arrays/objects */
#define PJ_MAX_STRING  4096u                 /* bytes of one decoded string */
#define PJ_MAX_MEMBERS 256u                  /* members of one object */
#define PJ_MAX_ITEMS   4096u                 /* elements of one array */

enum pj_type { PJ_NULL = 0, PJ_FALSE, PJ_TRUE, PJ_NUMBER, PJ_STRING, PJ_ARRAY, PJ_OBJECT };

struct pj_value;

struct pj_member {
	const char *key;          /* decoded, NUL-terminated (no NUL inside: \u0000 is refused) */
	unsigned line, col;       /* of the key's opening quote */
	struct pj_value *value;
};

/* A position is 1-based; columns count characters (UTF-8 code points), as
 * jansson's do, with a tab as one. */
struct pj_value {
	enum pj_type type;
	unsigned line, col;
	const char *s;            /* PJ_STRING: decoded text; PJ_NUMBER: the literal as written */
	size_t len;               /* its length in bytes */
	struct pj_value **items;  /* PJ_ARRAY */
	struct pj_member *members;   /* PJ_OBJECT, in document order */
	size_t n;                 /* items or members */
};

/* Parse one JSON document.  On failure err->msg is "LINE:COLUMN: reason"
 * (SR_E_MALFORMED), or SR_E_TOO_BIG / SR_E_NOMEM. */
enum sr_err pj_parse(struct sr_arena *a, const char *buf, size_t len, struct pj_value **out, struct sr_error *err);

/* "a string", "an array", "true", … for error messages. */
const char *pj_type_name(const struct pj_value *v);

/* s as a short quoted string for messages: JSON escapes for '"', '\\' and
 * control characters, cut after 60 bytes (at a character boundary) with
 * "...".  cap of 80 is always enough. */
void pj_quote(const char *s, size_t len, char *buf, size_t cap);

#endif
