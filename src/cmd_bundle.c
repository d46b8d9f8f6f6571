/* shipready bundle FILE... -o DIR|FILE.tar : each program's closure (its
 * interpreter, libraries and the data files its run-time needs read) laid
 * out at its real paths, from a source root, written atomically. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "shipready/bundle.h"
#include "shipready/shipready.h"

enum { OPT_OUTPUT = 1, OPT_FROM_ROOT, OPT_PREFIX, OPT_JSON, OPT_FORCE, OPT_RESOLV_CONF };

const struct cli_option bundle_options[] = {
	{ "output", 'o', "DIR|FILE.tar", "write the bundle here (a name ending in .tar: a tar file)", OPT_OUTPUT },
	{ "from-root", 0, "DIR", "take libraries and data files from DIR (default /)", OPT_FROM_ROOT },
	{ "prefix", 0, "DIR", "place programs in DIR/bin (default /usr/local)", OPT_PREFIX },
	{ "force", 0, NULL, "replace an existing output", OPT_FORCE },
	{ "resolv-conf", 0, NULL, "carry the source root's /etc/resolv.conf (for a chroot; a container runtime "
	  "mounts its own)", OPT_RESOLV_CONF },
	{ "json", 'j', NULL, "print the manifest as JSON (docs/schema/bundle.json)", OPT_JSON },
	{ 0 },
};

struct bundle_opts {
	const char *output, *root, *prefix;
	bool json, force, resolv_conf;
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct bundle_opts *o = ud;
	switch (id) {
	case OPT_OUTPUT: o->output = arg; break;
	case OPT_FROM_ROOT: o->root = arg; break;
	case OPT_PREFIX: o->prefix = arg; break;
	case OPT_JSON: o->json = true; break;
	case OPT_FORCE: o->force = true; break;
	case OPT_RESOLV_CONF: o->resolv_conf = true; break;
	default: break;
	}
}

static bool is_tar_name(const char *p)
{
	size_t n = strlen(p);
	return n > 4 && strcmp(p + n - 4, ".tar") == 0;
}

static void format_size(char *buf, size_t size, uint64_t n)
{
	if (n >= 10u << 20)
		snprintf(buf, size, "%.0f MiB", (double)n / (1 << 20));
	else if (n >= 1u << 20)
		snprintf(buf, size, "%.1f MiB", (double)n / (1 << 20));
	else if (n >= 1u << 10)
		snprintf(buf, size, "%.0f KiB", (double)n / (1 << 10));
	else
		snprintf(buf, size, "%llu bytes", (unsigned long long)n);
}

/* The answer first (where, how many, how big), then one line per file; a
 * copied directory tree is one line with its file count. */
static void manifest_text(FILE *f, const struct sr_bundle *b, const char *output, const char *root)
{
	size_t kinds[SR_BUNDLE_GENERATED + 1] = { 0 };
	uint64_t bytes = 0;
	for (size_t i = 0; i < b->entry_count; i++) {
		kinds[b->entries[i].kind]++;
		bytes += b->entries[i].size;
	}
	fprintf(f, "%s: %zu files from %s (", output, b->entry_count, root);
	/* kinds in enum order, plural when more than one */
	bool sep = false;
	for (int k = 0; k <= SR_BUNDLE_GENERATED; k++) {
		if (!kinds[k])
			continue;
		static const char *const plural[] = { "programs", "interpreters", "libraries", "symlinks", "data files",
			                              "generated" };
		fprintf(f, "%s%zu %s", sep ? ", " : "", kinds[k],
		        kinds[k] == 1 && k != SR_BUNDLE_DATA ? sr_bundle_kind_name((enum sr_bundle_kind)k) : plural[k]);
		sep = true;
	}
	char sz[32];
	format_size(sz, sizeof sz, bytes);
	fprintf(f, "), %s\n", sz);
	for (size_t i = 0; i < b->entry_count; i++) {
		const struct sr_bundle_entry *e = &b->entries[i];
		char shown[4200];
		if (e->tree) {
			size_t n = 0;
			uint64_t tb = 0;
			for (size_t k = 0; k < b->entry_count; k++)
				if (b->entries[k].tree && strcmp(b->entries[k].tree, e->tree) == 0) {
					n++;
					tb += b->entries[k].size;
				}
			/* one line per tree: at its first entry */
			bool first = true;
			for (size_t k = 0; k < i; k++)
				if (b->entries[k].tree && strcmp(b->entries[k].tree, e->tree) == 0)
					first = false;
			if (!first)
				continue;
			format_size(sz, sizeof sz, tb);
			snprintf(shown, sizeof shown, "%s/ (%zu files, %s)", e->tree, n, sz);
		} else if (e->kind == SR_BUNDLE_SYMLINK) {
			snprintf(shown, sizeof shown, "%s -> %s", e->path, e->target);
		} else {
			snprintf(shown, sizeof shown, "%s", e->path);
		}
		fprintf(f, "  %-12s %-52s %s\n", e->tree ? "data" : sr_bundle_kind_name(e->kind), shown, e->reason);
	}
	for (size_t i = 0; i < b->unmet_count; i++)
		fprintf(f, "  %-12s %s not bundled%s: %s\n", "warn", b->unmet[i].name,
		        b->unmet[i].optional ? " (optional)" : "", b->unmet[i].reason);
}

int cmd_bundle(int argc, char **argv, const struct cli_command *self)
{
	struct bundle_opts opts = { 0 };
	int first;
	cli_options_first(argc, argv, bundle_options);
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &opts);
	if (rc)
		return rc == CLI_STOP_OK ? EXIT_OK : rc;
	if (!opts.output || !opts.output[0]) {
		cli_usage_error(self, "bundle: -o DIR or -o FILE.tar is required");
		return EXIT_ERROR;
	}
	int64_t mtime;
	if (!cli_source_date_epoch(&mtime)) {
		cli_file_error("SOURCE_DATE_EPOCH", "not a number of seconds");
		return EXIT_ERROR;
	}
	/* libarchive is loaded before the root is opened and any input read */
	struct sr_error aerr = { 0 };
	if (is_tar_name(opts.output) && sr_bundle_archive_ready(&aerr) != SR_OK) {
		cli_file_error(opts.output, sr_error_message(&aerr));
		return EXIT_ERROR;
	}

	struct sr_root root;
	if (!cli_open_root(opts.root, &root))
		return EXIT_ERROR;
	struct sr_bundle_opts bopts = { .root = opts.root ? &root : NULL, .prefix = opts.prefix,
	                                .resolv_conf = opts.resolv_conf };
	struct sr_bundle *b = NULL;
	struct sr_error err = { 0 };
	int status = EXIT_OK;
	if (sr_bundle_new(&bopts, &b, &err) != SR_OK) {
		cli_file_error(opts.prefix ? opts.prefix : opts.root ? opts.root : "/", sr_error_message(&err));
		status = EXIT_ERROR;
		goto out;
	}
	/* every input is planned (each error reported); nothing is written unless all are */
	for (int i = first; i < argc; i++) {
		struct sr_error e = { 0 };
		if (sr_bundle_add(b, argv[i], &e) != SR_OK) {
			cli_file_error(argv[i], sr_error_message(&e));
			status = EXIT_ERROR;
		}
	}
	if (status != EXIT_OK)
		goto out;
	bool tar = is_tar_name(opts.output);
	if (sr_bundle_finish(b, &err) != SR_OK ||
	    (tar ? sr_bundle_write_tar(b, opts.output, mtime, opts.force, &err)
	         : sr_bundle_write_dir(b, opts.output, opts.force, &err)) != SR_OK) {
		cli_file_error(opts.output, sr_error_message(&err));
		status = EXIT_ERROR;
		goto out;
	}
	cli_bundle_warnings(b);
	if (b->unmet_required)
		status = EXIT_FINDINGS;
	if (opts.json) {
		cli_json_begin_doc(stdout, "bundle", SR_BUNDLE_SCHEMA_VERSION);
		cli_json_member(stdout, "output", json_string(opts.output));
		cli_json_member(stdout, "format", json_string(tar ? "tar" : "dir"));
		cli_json_member(stdout, "from_root", json_string(opts.root ? opts.root : "/"));
		if (tar)
			cli_json_member(stdout, "mtime", json_integer((json_int_t)mtime));
		cli_json_member(stdout, "entries", cli_bundle_entries_json(b));
		cli_json_member(stdout, "unmet", cli_bundle_unmet_json(b));
		fputs("}\n", stdout);
	} else {
		manifest_text(stdout, b, opts.output, opts.root ? opts.root : "/");
	}
out:
	sr_bundle_free(b);
	if (opts.root)
		sr_root_close(&root);
	return cli_finish(status);
}
