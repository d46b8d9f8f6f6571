/* shipready image FILE... -o app.tar : an OCI image archive (or docker
 * save's layout) FROM scratch or a local OCI archive, written directly: the
 * base's layers, then one layer holding the programs' bundle, a config with a non-root user and labels from the
 * build info, an index of the platforms. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "shipready/ociimage.h"
#include "shipready/shipready.h"

enum {
	OPT_OUTPUT = 1, OPT_FORMAT, OPT_BASE, OPT_TAG, OPT_ENTRYPOINT, OPT_CMD, OPT_ENV, OPT_USER, OPT_WORKDIR,
	OPT_EXPOSE, OPT_LABEL, OPT_FROM_ROOT, OPT_PREFIX, OPT_FORCE, OPT_JSON, OPT_PLATFORM,
};

const struct cli_option image_options[] = {
	{ "output", 'o', "FILE", "write the image archive here (required)", OPT_OUTPUT },
	{ "format", 'f', "FORMAT", "oci-archive (default) or docker-archive (what docker load reads)", OPT_FORMAT },
	{ "base", 0, "IMAGE", "scratch (the default) or oci-archive:PATH[:TAG], a local OCI archive whose layers go "
	  "first (oci-archive output only)", OPT_BASE },
	{ "platform", 0, "linux/ARCH", "the platform (/VARIANT) every FILE must be; supplies an untold variant",
	  OPT_PLATFORM },
	{ "tag", 't', "TAG", "the image's name in the archive: TAG or NAME:TAG (default latest)", OPT_TAG },
	{ "entrypoint", 0, "PATH", "the program to run, its path in the image (default: the first FILE's)",
	  OPT_ENTRYPOINT },
	{ "cmd", 0, "ARG", "an argument after the entrypoint (Cmd; repeatable)", OPT_CMD },
	{ "env", 'e', "NAME=VALUE", "an environment variable (repeatable; PATH is set)", OPT_ENV },
	{ "user", 'u', "USER", "USER, UID or UID:GID to run as (default 65532:65532)", OPT_USER },
	{ "workdir", 0, "DIR", "the working directory (default /)", OPT_WORKDIR },
	{ "expose", 0, "PORT[/PROTO]", "a port the program listens on, e.g. 8080/tcp (repeatable)", OPT_EXPOSE },
	{ "label", 'l', "KEY=VALUE", "a label (repeatable; over the ones shipready sets)", OPT_LABEL },
	{ "from-root", 0, "DIR", "take libraries and data files from DIR (default /)", OPT_FROM_ROOT },
	{ "prefix", 0, "DIR", "place programs in DIR/bin (default /usr/local)", OPT_PREFIX },
	{ "force", 0, NULL, "replace an existing output", OPT_FORCE },
	{ "json", 'j', NULL, "print what was written as JSON (docs/schema/image.json)", OPT_JSON },
	{ 0 },
};

struct image_cli {
	struct sr_oci_opts o;
	const char *output, *format, *base, *root_dir;
	bool json, force;
	const char **cmd, **env, **expose, **labels;   /* argc slots each */
};

static void on_opt(int id, const char *arg, void *ud)
{
	struct image_cli *c = ud;
	switch (id) {
	case OPT_OUTPUT: c->output = arg; break;
	case OPT_FORMAT: c->format = arg; break;
	case OPT_BASE: c->base = arg; break;
	case OPT_TAG: c->o.tag = arg; break;
	case OPT_PLATFORM: c->o.platform = arg; break;
	case OPT_ENTRYPOINT: c->o.entrypoint = arg; break;
	case OPT_CMD: c->cmd[c->o.ncmd++] = arg; break;
	case OPT_ENV: c->env[c->o.nenv++] = arg; break;
	case OPT_USER: c->o.user = arg; break;
	case OPT_WORKDIR: c->o.workdir = arg; break;
	case OPT_EXPOSE: c->expose[c->o.nexpose++] = arg; break;
	case OPT_LABEL: c->labels[c->o.nlabels++] = arg; break;
	case OPT_FROM_ROOT: c->root_dir = arg; break;
	case OPT_PREFIX: c->o.prefix = arg; break;
	case OPT_FORCE: c->force = true; break;
	case OPT_JSON: c->json = true; break;
	default: break;
	}
}

static json_t *blob_json(const char *digest, uint64_t size)
{
	return json_pack("{s:s,s:I}", "digest", digest, "size", (json_int_t)size);
}

static void print_json(const struct image_cli *c, const struct sr_oci *img, const char *root)
{
	cli_json_begin_doc(stdout, "image", SR_OCI_SCHEMA_VERSION);
	cli_json_member(stdout, "output", json_string(c->output));
	cli_json_member(stdout, "format", json_string(c->o.format == SR_OCI_DOCKER_ARCHIVE ? "docker-archive" : "oci-archive"));
	cli_json_member(stdout, "tag", json_string(c->o.tag ? c->o.tag : "latest"));
	cli_json_member(stdout, "from_root", json_string(root));
	cli_json_member(stdout, "created", json_integer((json_int_t)c->o.created));
	cli_json_member(stdout, "digest", json_string(img->digest));
	cli_json_member(stdout, "media_type", json_string(img->media_type));
	json_t *plats = json_array();
	for (size_t i = 0; i < img->platform_count; i++) {
		const struct sr_oci_platform *p = &img->platforms[i];
		json_t *o = json_pack("{s:s,s:s}", "os", p->os, "architecture", p->architecture);
		if (p->variant)
			json_object_set_new(o, "variant", json_string(p->variant));
		if (c->o.format == SR_OCI_ARCHIVE)
			json_object_set_new(o, "manifest", blob_json(p->manifest_digest, p->manifest_size));
		json_object_set_new(o, "config", blob_json(p->config_digest, p->config_size));
		if (p->base_manifest_digest[0])
			json_object_set_new(o, "base", json_pack("{s:s,s:s,s:I}", "name", c->base, "manifest",
			                                         p->base_manifest_digest, "layers", (json_int_t)p->base_layers));
		json_t *layer = blob_json(p->layer_digest, p->layer_size);
		json_object_set_new(layer, "diff_id", json_string(p->diff_id));
		json_object_set_new(layer, "tar_size", json_integer((json_int_t)p->layer_tar_size));
		json_object_set_new(layer, "compression", json_string(c->o.format == SR_OCI_ARCHIVE ? "gzip" : "none"));
		json_object_set_new(o, "layer", layer);
		json_t *cfg = json_loads(p->config_json, 0, NULL);
		json_t *cc = cfg ? json_object_get(cfg, "config") : NULL;
		json_object_set(o, "image_config", cc ? cc : json_null());
		json_decref(cfg);
		json_object_set_new(o, "entries", cli_bundle_entries_json(p->bundle));
		json_object_set_new(o, "unmet", cli_bundle_unmet_json(p->bundle));
		json_array_append_new(plats, o);
	}
	cli_json_member(stdout, "platforms", plats);
	fputs("}\n", stdout);
}

static void print_text(const struct image_cli *c, const struct sr_oci *img)
{
	printf("%s: %s %s, %zu platform%s, %s\n", c->output,
	       c->o.format == SR_OCI_DOCKER_ARCHIVE ? "docker-archive" : "oci-archive", c->o.tag ? c->o.tag : "latest",
	       img->platform_count, img->platform_count == 1 ? "" : "s", img->digest);
	for (size_t i = 0; i < img->platform_count; i++) {
		const struct sr_oci_platform *p = &img->platforms[i];
		char name[64];
		printf("  %-16s %s  %zu file%s, layer %llu bytes%s, entrypoint %s\n",
		       sr_oci_platform_text(p, name, sizeof name),
		       c->o.format == SR_OCI_ARCHIVE ? p->manifest_digest : p->config_digest, p->bundle->entry_count,
		       p->bundle->entry_count == 1 ? "" : "s",
		       (unsigned long long)p->layer_size, c->o.format == SR_OCI_ARCHIVE ? " (gzip)" : "",
		       c->o.entrypoint ? c->o.entrypoint : p->entrypoint);
		if (p->base_manifest_digest[0])
			printf("  %-16s %s  %zu layer%s from %s\n", "", p->base_manifest_digest, p->base_layers,
			       p->base_layers == 1 ? "" : "s", c->base);
	}
}

int cmd_image(int argc, char **argv, const struct cli_command *self)
{
	struct image_cli c = { 0 };
	c.cmd = calloc((size_t)argc + 1, sizeof *c.cmd);
	c.env = calloc((size_t)argc + 1, sizeof *c.env);
	c.expose = calloc((size_t)argc + 1, sizeof *c.expose);
	c.labels = calloc((size_t)argc + 1, sizeof *c.labels);
	struct sr_oci *img = NULL;
	struct sr_root root;
	bool root_open = false;
	int status = EXIT_ERROR;
	if (!c.cmd || !c.env || !c.expose || !c.labels) {
		cli_file_error("image", "out of memory");
		goto out;
	}
	int first;
	cli_options_first(argc, argv, image_options);
	int rc = cli_parse_files(argc, argv, self, &first, on_opt, &c);
	if (rc) {
		status = rc == CLI_STOP_OK ? EXIT_OK : rc;
		goto out;
	}
	if (!c.output || !c.output[0]) {
		cli_usage_error(self, "image: -o FILE is required");
		goto out;
	}
	if (!c.format || strcmp(c.format, "oci-archive") == 0 || strcmp(c.format, "oci") == 0) {
		c.o.format = SR_OCI_ARCHIVE;
	} else if (strcmp(c.format, "docker-archive") == 0 || strcmp(c.format, "docker") == 0) {
		c.o.format = SR_OCI_DOCKER_ARCHIVE;
	} else {
		char why[300];
		snprintf(why, sizeof why, "--format %.200s: expected oci-archive or docker-archive", c.format);
		cli_file_error("image", why);
		goto out;
	}
	c.o.base = c.base;
	if (!cli_source_date_epoch(&c.o.created)) {
		cli_file_error("SOURCE_DATE_EPOCH", "not a number of seconds");
		goto out;
	}
	/* libarchive and nettle are loaded before the root is opened and any input read */
	struct sr_error aerr = { 0 };
	if (sr_oci_ready(&aerr) != SR_OK) {
		cli_file_error(c.output, sr_error_message(&aerr));
		goto out;
	}
	const char *root_dir = c.root_dir;
	if (root_dir) {
		if (!cli_open_root(root_dir, &root))
			goto out;
		root_open = true;
		c.o.root = &root;
	}
	c.o.cmd = c.cmd;
	c.o.env = c.env;
	c.o.expose = c.expose;
	c.o.labels = c.labels;
	struct sr_error err = { 0 };
	if (sr_oci_new(&c.o, &img, &err) != SR_OK) {
		cli_file_error("image", sr_error_message(&err));
		goto out;
	}
	/* every input is planned (each error reported); nothing is written unless all are */
	status = EXIT_OK;
	for (int i = first; i < argc; i++) {
		struct sr_error e = { 0 };
		if (sr_oci_add(img, argv[i], &e) != SR_OK) {
			cli_file_error(argv[i], sr_error_message(&e));
			status = EXIT_ERROR;
		}
	}
	if (status != EXIT_OK)
		goto out;
	if (sr_oci_write(img, c.output, c.force, &err) != SR_OK) {
		cli_file_error(c.output, sr_error_message(&err));
		status = EXIT_ERROR;
		goto out;
	}
	for (size_t i = 0; i < img->platform_count; i++)
		cli_bundle_warnings(img->platforms[i].bundle);
	if (img->unmet_required)
		status = EXIT_FINDINGS;
	if (c.json)
		print_json(&c, img, root_dir ? root_dir : "/");
	else
		print_text(&c, img);
out:
	sr_oci_free(img);
	if (root_open)
		sr_root_close(&root);
	free(c.cmd);
	free(c.env);
	free(c.expose);
	free(c.labels);
	return cli_finish(status);
}
