/* Fuzz target: the module info text of Go binaries (sr_go_modinfo_parse,
 * sr_go_modinfo_string) and Go's quoting (sr_go_quote, sr_go_unquote,
 * sr_go_quoted_prefix), on the same bytes.
 *
 * Invariants:
 *  - parsing fails only with SR_E_MALFORMED (and Go's message prefix) or
 *    for memory; on failure *out is NULL;
 *  - when it succeeds, String() parses again and gives the same String();
 *  - unquote(quote(s)) == s for any bytes s, and quote(s) is its own
 *    quoted prefix;
 *  - Unquote(s) succeeds exactly when QuotedPrefix(s) is all of s. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "go/go_internal.h"

static void check_modinfo(const char *text, size_t size)
{
	static const char prefix[] = "could not parse Go build info: line ";
	struct sr_go_modinfo *m = (struct sr_go_modinfo *)1;
	char err[512];
	enum sr_err rc = sr_go_modinfo_parse(text, size, &m, err, sizeof err);
	if (rc != SR_OK) {
		if (m != NULL)
			abort();
		if (rc == SR_E_MALFORMED && strncmp(err, prefix, sizeof prefix - 1) != 0)
			abort();
		if (rc != SR_E_MALFORMED && rc != SR_E_NOMEM)
			abort();
		return;
	}
	size_t len;
	char *s = sr_go_modinfo_string(m, &len);
	if (!s)
		abort();
	struct sr_go_modinfo *m2;
	if (sr_go_modinfo_parse(s, len, &m2, err, sizeof err) != SR_OK)
		abort();
	size_t len2;
	char *s2 = sr_go_modinfo_string(m2, &len2);
	if (!s2 || len2 != len || memcmp(s, s2, len) != 0)
		abort();
	for (size_t i = 0; i < m->nsettings; i++) {   /* lookup finds the first of a key (without NUL) */
		const struct sr_go_setting *k = &m->settings[i], *found = sr_go_modinfo_setting(m, k->key);
		if (strlen(k->key) == k->key_len && (!found || found > k || found->key_len != k->key_len))
			abort();
	}
	free(s2);
	sr_go_modinfo_free(m2);
	free(s);
	sr_go_modinfo_free(m);
}

static void check_quote(const char *data, size_t size)
{
	struct sr_arena *a = sr_arena_new();
	if (!a)
		abort();
	struct sr_gobuf q = { 0 };
	sr_go_quote(&q, data, size);
	if (q.failed)
		abort();
	char *out;
	size_t outlen;
	if (!sr_go_unquote(a, q.data, q.len, &out, &outlen) || outlen != size || memcmp(out, data, size) != 0)
		abort();
	if (sr_go_quoted_prefix(q.data, q.len) != q.len)
		abort();
	sr_gobuf_free(&q);

	bool whole = sr_go_quoted_prefix(data, size) == size && size > 0;
	if (sr_go_unquote(a, data, size, &out, &outlen) != whole)
		abort();
	sr_arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_modinfo((const char *)data, size);
	check_quote((const char *)data, size);
	return 0;
}
