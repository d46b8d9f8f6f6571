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

#define SR_PJSON_MAX_INPUT   ((size_t)256 << 10)   /* bytes of JSON text */
#define SR_PJSON_MAX_DEPTH   32u                   /* nested arrays/objects */
#define SR_PJSON_MAX_STRING  4096u                 /* bytes of one decoded string */
#define SR_PJSON_MAX_MEMBERS 256u                  /* members of one object */
#define SR_PJSON_MAX_ITEMS   4096u                 /* elements of one array */

enum sr_pjson_type {
	SR_PJSON_NULL = 0,
	SR_PJSON_FALSE,
	SR_PJSON_TRUE,
	SR_PJSON_NUMBER,
	SR_PJSON_STRING,
	SR_PJSON_ARRAY,
	SR_PJSON_OBJECT,
};

struct sr_pjson_value;

struct sr_pjson_member {
	const char *key;          /* decoded, NUL-terminated (no NUL inside: \u0000 is refused) */
	unsigned line, col;       /* of the key's opening quote */
	struct sr_pjson_value *value;
};

/* A position is 1-based; columns count characters (UTF-8 code points), as
 * jansson's do, with a tab as one. */
struct sr_pjson_value {
	enum sr_pjson_type type;
	unsigned line, col;
	const char *s;            /* SR_PJSON_STRING: decoded text; SR_PJSON_NUMBER: the literal as written */
	size_t len;               /* its length in bytes */
	struct sr_pjson_value **items;  /* SR_PJSON_ARRAY */
	struct sr_pjson_member *members;   /* SR_PJSON_OBJECT, in document order */
	size_t n;                 /* items or members */
};

/* Parse one JSON document.  On failure err->msg is "LINE:COLUMN: reason"
 * (SR_E_MALFORMED), or SR_E_TOO_BIG / SR_E_NOMEM. */
enum sr_err sr_pjson_parse(struct sr_arena *a, const char *buf, size_t len, struct sr_pjson_value **out,
                           struct sr_error *err);

/* "a string", "an array", "true", … for error messages. */
const char *sr_pjson_type_name(const struct sr_pjson_value *v);

/* s as a short quoted string for messages: JSON escapes for '"', '\\' and
 * control characters, cut after 60 bytes (at a character boundary) with
 * "...", and cut shorter when buf (cap bytes) is full; always terminated. */
void sr_pjson_quote(const char *s, size_t len, char *buf, size_t cap);

#endif
