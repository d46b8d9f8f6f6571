/* The shipready side of tests/cli/test_goquote_oracle.py: the requests of
 * tests/fixtures/src/go/quoteoracle/main.go (see there for the protocol),
 * answered with lib/go's functions instead of Go's strconv and
 * runtime/debug.  Reads stdin, writes one answer line per request. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "go/go_internal.h"
#include "util/hex.h"
#include "shipready/go.h"

static void put_hex(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", (unsigned char)s[i]);
}

static void answer_ok(const char *s, size_t n)
{
	fputs("ok ", stdout);
	put_hex(stdout, s, n);
	putchar('\n');
}

/* Decode hex in place; false when it is not hex. */
static bool decode_hex(char *s, size_t n, size_t *out)
{
	if (n % 2)
		return false;
	for (size_t i = 0; i < n; i += 2) {
		int hi = sr_hex_digit((unsigned char)s[i]), lo = sr_hex_digit((unsigned char)s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		s[i / 2] = (char)(hi << 4 | lo);
	}
	*out = n / 2;
	return true;
}

static void print_ranges(void)
{
	struct sr_gobuf b = { 0 };
	long start = -1;
	for (uint32_t r = 0; r <= 0x110000; r++) {
		bool p = r < 0x110000 && sr_go_is_print(r);
		if (p && start < 0) {
			start = (long)r;
		} else if (!p && start >= 0) {
			char tmp[32];
			int n = snprintf(tmp, sizeof tmp, "%s%lx-%lx", b.len ? "," : "", start, (long)r - 1);
			sr_gobuf_put(&b, tmp, (size_t)n);
			start = -1;
		}
	}
	answer_ok(b.data ? b.data : "", b.len);
	sr_gobuf_free(&b);
}

static void answer(char op, const char *s, size_t n)
{
	switch (op) {
	case 'q': {
		struct sr_gobuf b = { 0 };
		sr_go_quote(&b, s, n);
		if (b.failed)
			exit(2);
		answer_ok(b.data, b.len);
		sr_gobuf_free(&b);
		return;
	}
	case 'u': {
		struct sr_arena *a = sr_arena_new();
		char *out;
		size_t len;
		if (!a)
			exit(2);
		if (sr_go_unquote(a, s, n, &out, &len))
			answer_ok(out, len);
		else
			puts("err");
		sr_arena_free(a);
		return;
	}
	case 'p': {
		size_t len = sr_go_quoted_prefix(s, n);
		if (len)
			answer_ok(s, len);
		else
			puts("err");
		return;
	}
	case 'm': {
		struct sr_go_modinfo *m;
		size_t errlen = 10 * n + 256;   /* room for any key or value in %q form */
		char *err = malloc(errlen);
		if (!err)
			exit(2);
		enum sr_err rc = sr_go_modinfo_parse(s, n, &m, err, errlen);
		if (rc == SR_E_MALFORMED) {
			fputs("err ", stdout);
			put_hex(stdout, err, strlen(err));
			putchar('\n');
		}
		free(err);
		if (rc == SR_E_MALFORMED)
			return;
		if (rc != SR_OK)
			exit(2);
		size_t len;
		char *text = sr_go_modinfo_string(m, &len);
		if (!text)
			exit(2);
		answer_ok(text, len);
		free(text);
		sr_go_modinfo_free(m);
		return;
	}
	case 'i':
		print_ranges();
		return;
	}
	puts("bad-request");
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	while ((got = getline(&line, &cap, stdin)) >= 0) {
		size_t n = (size_t)got;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		size_t len = 0;
		if (n < 1 || (n > 1 && line[1] != ' ') || !decode_hex(line + 2 * (n > 1), n > 1 ? n - 2 : 0, &len)) {
			puts("bad-request");
			continue;
		}
		answer(line[0], line + 2 * (n > 1), len);
	}
	free(line);
	return ferror(stdout) ? 1 : 0;
}
