/* shipready verify FILE [--cmd ARGS] [--http PORT/PATH] [--timeout S] :
 * bundle FILE into a temporary directory, run it in fresh namespaces with
 * the bundle as a read-only root (lib/pack/verify.c) and say whether the
 * health check passed, with what the program printed.  The only command
 * that executes the analysed program. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "shipready/bundle.h"
#include "shipready/shipready.h"
#include "shipready/verify.h"

enum { OPT_CMD = 1, OPT_HTTP, OPT_TIMEOUT, OPT_FROM_ROOT, OPT_PREFIX, OPT_NO_NEEDS, OPT_KEEP, OPT_JSON };

const struct cli_option verify_options[] = {
	{ "cmd", 0, "ARGS", "the program's arguments, split into words as sh would ('…', \"…\", \\)", OPT_CMD },
	{ "http", 0, "PORT/PATH", "pass when GET http://127.0.0.1:PORT/PATH answers 2xx inside the sandbox", OPT_HTTP },
	{ "timeout", 0, "S", "seconds the check may take (default 10)", OPT_TIMEOUT },
	{ "from-root", 0, "DIR", "take libraries and data files from DIR (default /)", OPT_FROM_ROOT },
	{ "prefix", 0, "DIR", "place the program in DIR/bin (default /usr/local)", OPT_PREFIX },
	{ "no-needs", 0, NULL, "bundle only the loader closure, none of the run-time needs' files", OPT_NO_NEEDS },
	{ "keep", 0, NULL, "keep the temporary bundle directory (its path is printed)", OPT_KEEP },
	{ "json", 'j', NULL, "print the result as JSON (docs/schema/verify.json)", OPT_JSON },
	{ 0 },
};

struct verify_opts {
	const char *cmd, *http, *timeout, *root, *prefix;
	bool no_needs, keep, json;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct verify_opts *o = ud;
	switch (id) {
	case OPT_CMD: o->cmd = arg; break;
	case OPT_HTTP: o->http = arg; break;
	case OPT_TIMEOUT: o->timeout = arg; break;
	case OPT_FROM_ROOT: o->root = arg; break;
	case OPT_PREFIX: o->prefix = arg; break;
	case OPT_NO_NEEDS: o->no_needs = true; break;
	case OPT_KEEP: o->keep = true; break;
	case OPT_JSON: o->json = true; break;
	default: break;
	}
}

/* Split s into words: blanks separate, '…' quotes literally, "…" quotes
 * with \" \\ \$ \` escapes, \ escapes one character outside quotes.  No
 * expansion of any kind.  NULL-terminated vector of strings in *buf (one
 * allocation each); false on an unterminated quote. */
static bool split_words(const char *s, char ***out, size_t *count)
{
	size_t cap = 8, n = 0;
	char **v = calloc(cap, sizeof *v);
	char *w = malloc(strlen(s) + 1);
	if (!v || !w)
		goto fail;
	const char *p = s;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		size_t l = 0;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			if (*p == '\'') {
				const char *e = strchr(p + 1, '\'');
				if (!e)
					goto fail;
				memcpy(w + l, p + 1, (size_t)(e - p - 1));
				l += (size_t)(e - p - 1);
				p = e + 1;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
						p++;
					w[l++] = *p++;
				}
				if (*p != '"')
					goto fail;
				p++;
			} else if (*p == '\\') {
				if (!p[1])
					goto fail;
				w[l++] = p[1];
				p += 2;
			} else {
				w[l++] = *p++;
			}
		}
		if (n + 2 > cap) {
			cap *= 2;
			char **nv = realloc(v, cap * sizeof *nv);
			if (!nv)
				goto fail;
			v = nv;
		}
		v[n] = malloc(l + 1);
		if (!v[n])
			goto fail;
		memcpy(v[n], w, l);
		v[n++][l] = '\0';
		v[n] = NULL;
	}
	free(w);
	*out = v;
	*count = n;
	return true;
fail:
	if (v)
		for (size_t i = 0; i < n; i++)
			free(v[i]);
	free(v);
	free(w);
	return false;
}

static void free_words(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* "8080/healthz" → 8080, "/healthz"; "8080" → 8080, "/". */
static bool parse_http(const char *s, unsigned *port, const char **path)
{
	unsigned v = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9' && v <= 65535)
		v = v * 10 + (unsigned)(*p++ - '0');
	if (p == s || v == 0 || v > 65535 || (*p && *p != '/'))
		return false;
	*port = v;
	*path = *p ? p : "/";
	return true;
}

static bool parse_timeout(const char *s, unsigned *ms)
{
	char *end = NULL;
	double d = strtod(s, &end);
	if (!end || end == s || *end || !(d > 0) || d * 1000 > SR_VERIFY_MAX_TIMEOUT_MS)
		return false;
	*ms = (unsigned)(d * 1000 + 0.5);
	if (*ms == 0)
		*ms = 1;
	return true;
}

/* The captured bytes as text that is safe on a terminal and valid UTF-8:
 * newline and tab kept, valid UTF-8 sequences kept, other bytes \xNN. */
static char *printable(const char *d, size_t n)
{
	char *o = malloc(n * 4 + 1);
	if (!o)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)d[i];
		size_t len = 0;
		if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f))
			len = 1;
		else if (c >= 0xc2 && c <= 0xf4) {
			size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			bool ok = i + want <= n;
			for (size_t j = 1; ok && j < want; j++)
				ok = ((unsigned char)d[i + j] & 0xc0) == 0x80;
			/* no overlong 3/4-byte forms, no surrogates, nothing past U+10FFFF */
			if (ok && want == 3)
				ok = !(c == 0xe0 && (unsigned char)d[i + 1] < 0xa0) && !(c == 0xed && (unsigned char)d[i + 1] >= 0xa0);
			if (ok && want == 4)
				ok = !(c == 0xf0 && (unsigned char)d[i + 1] < 0x90) && !(c == 0xf4 && (unsigned char)d[i + 1] >= 0x90);
			len = ok ? want : 0;
		}
		if (len) {
			memcpy(o + k, d + i, len);
			k += len;
			i += len;
		} else {
			k += (size_t)sprintf(o + k, "\\x%02x", c);
			i++;
		}
	}
	o[k] = '\0';
	return o;
}

static void print_capture(FILE *f, const char *name, const struct sr_verify_capture *c)
{
	if (c->total == 0) {
		fprintf(f, "%s: (empty)\n", name);
		return;
	}
	if (c->total > c->len)
		fprintf(f, "%s (%llu bytes, the last %zu shown):\n", name, c->total, c->len);
	else
		fprintf(f, "%s (%llu bytes):\n", name, c->total);
	char *t = printable(c->data, c->len);
	if (!t)
		return;
	/* each line indented, so the program's output cannot pass for ours */
	const char *p = t;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(f, "  | %.*s\n", (int)l, p);
		p += l + (nl ? 1 : 0);
	}
	if (c->len && c->data[c->len - 1] != '\n')
		fputs("  (no newline at the end)\n", f);
	free(t);
}

static json_t *capture_json(const struct sr_verify_capture *c)
{
	char *t = printable(c->data ? c->data : "", c->len);
	json_t *o = json_pack("{s:s,s:I,s:b}", "text", t ? t : "", "bytes", (json_int_t)c->total, "truncated",
	                      c->total > c->len);
	free(t);
	return o;
}

static json_t *unmet_json(const struct sr_bundle *b)
{
	json_t *a = json_array();
	for (size_t i = 0; i < b->unmet_count; i++) {
		const struct sr_bundle_unmet *u = &b->unmet[i];
		json_array_append_new(a, json_pack("{s:s,s:s,s:b,s:s}", "need", u->need, "name", u->name, "optional",
		                                   u->optional, "reason", u->reason));
	}
	return a;
}

static void print_json(const char *file, const struct verify_opts *opts, const struct sr_verify_opts *vo,
                       char **words, const struct sr_bundle *b, const struct sr_verify_result *r)
{
	cli_json_begin_doc(stdout, "verify", SR_VERIFY_SCHEMA_VERSION);
	cli_json_member(stdout, "file", json_string(file));
	cli_json_member(stdout, "from_root", json_string(opts->root ? opts->root : "/"));
	cli_json_member(stdout, "no_needs", json_boolean(opts->no_needs));
	cli_json_member(stdout, "program", json_string(r->program));
	json_t *args = json_array();
	for (size_t i = 0; words && words[i]; i++)
		json_array_append_new(args, json_string(words[i]));
	cli_json_member(stdout, "args", args);
	json_t *check = vo->http_port ? json_pack("{s:s,s:i,s:s}", "kind", "http", "port", (int)vo->http_port, "path",
	                                          vo->http_path)
	                              : json_pack("{s:s}", "kind", "exit");
	cli_json_member(stdout, "check", check);
	cli_json_member(stdout, "timeout", json_real(vo->timeout_ms / 1000.0));
	cli_json_member(stdout, "result", json_string(r->passed ? "pass" : "fail"));
	cli_json_member(stdout, "reason", json_string(sr_verify_reason_name(r->reason)));
	cli_json_member(stdout, "message", json_string(r->message));
	bool exited = r->reason == SR_VERIFY_EXITED;
	cli_json_member(stdout, "exit_status", exited ? json_integer(r->exit_status) : json_null());
	cli_json_member(stdout, "signal", r->reason == SR_VERIFY_SIGNALED ? json_integer(r->signal) : json_null());
	cli_json_member(stdout, "http_status", r->http_status ? json_integer(r->http_status) : json_null());
	cli_json_member(stdout, "elapsed", json_real(r->elapsed));
	cli_json_member(stdout, "stdout", capture_json(&r->out));
	cli_json_member(stdout, "stderr", capture_json(&r->err));
	cli_json_member(stdout, "unmet", unmet_json(b));
	if (r->bundle_dir)
		cli_json_member(stdout, "kept", json_string(r->bundle_dir));
	fputs("}\n", stdout);
}

int cmd_verify(int argc, char **argv, const struct cli_command *self)
{
	struct verify_opts opts = { 0 };
	int first;
	cli_options_first(argc, argv, verify_options);
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &opts);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	if (argc - first != 1) {
		cli_usage_error(self, "verify: one FILE, not %d", argc - first);
		return EXIT_ERROR;
	}
	const char *file = argv[first];
	struct sr_verify_opts vo = { .timeout_ms = 10000, .keep = opts.keep };
	if (opts.timeout && !parse_timeout(opts.timeout, &vo.timeout_ms)) {
		cli_usage_error(self, "verify: --timeout '%s': seconds, more than 0 and at most %u", opts.timeout,
		                SR_VERIFY_MAX_TIMEOUT_MS / 1000);
		return EXIT_ERROR;
	}
	if (opts.http && !parse_http(opts.http, &vo.http_port, &vo.http_path)) {
		cli_usage_error(self, "verify: --http '%s': PORT/PATH, a port 1-65535 and an optional path from '/'",
		                opts.http);
		return EXIT_ERROR;
	}
	char **words = NULL;
	size_t nwords = 0;
	if (opts.cmd && !split_words(opts.cmd, &words, &nwords)) {
		cli_usage_error(self, "verify: --cmd '%s': an unterminated quote or a trailing backslash", opts.cmd);
		return EXIT_ERROR;
	}
	vo.args = (const char *const *)words;

	struct sr_root root;
	if (!cli_open_root(opts.root, &root)) {
		free_words(words);
		return EXIT_ERROR;
	}
	struct sr_bundle_opts bopts = { .root = opts.root ? &root : NULL, .prefix = opts.prefix,
		                        .no_needs = opts.no_needs };
	struct sr_bundle *b = NULL;
	struct sr_error err = { 0 };
	struct sr_verify_result r = { 0 };
	int status = EXIT_ERROR;
	if (sr_bundle_new(&bopts, &b, &err) != SR_OK) {
		cli_file_error(opts.prefix ? opts.prefix : opts.root ? opts.root : "/", sr_error_message(&err));
		goto out;
	}
	if (sr_bundle_add(b, file, &err) != SR_OK || sr_bundle_finish(b, &err) != SR_OK) {
		cli_file_error(file, sr_error_message(&err));
		goto out;
	}
	/* unmet needs: said as bundle says them, and run anyway (the run shows the effect) */
	cli_bundle_warnings(b);
	if (sr_verify_run(b, &vo, &r, &err) != SR_OK) {
		cli_file_error(file, sr_error_message(&err));
		goto out;
	}
	status = r.passed ? EXIT_OK : EXIT_FINDINGS;
	if (opts.json) {
		print_json(file, &opts, &vo, words, b, &r);
	} else {
		printf("%s %s: %s (%.2f s)\n", r.passed ? "PASS" : "FAIL", file, r.message, r.elapsed);
		if (opts.no_needs && b->entry_count)
			printf("bundled without the run-time needs' files (--no-needs)\n");
		print_capture(stdout, "stdout", &r.out);
		print_capture(stdout, "stderr", &r.err);
		if (r.bundle_dir)
			printf("kept: %s/root\n", r.bundle_dir);
	}
out:
	sr_verify_result_free(&r);
	sr_bundle_free(b);
	free_words(words);
	if (opts.root)
		sr_root_close(&root);
	return cli_finish(status);
}
