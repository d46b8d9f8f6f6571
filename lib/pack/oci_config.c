/* shipready — the image config document: platform, user, environment, labels, entrypoint, merged
 * over a base's. */
#include "shipready/analysis.h"
#include "shipready/ociimage.h"
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "shipready/elf.h"
#include "shipready/go.h"
#include "shipready/inspect.h"
#include "shipready/shipready.h"
#include "util/archive_dl.h"
#include "util/nettle_dl.h"
#include "report/json_util.h"
#include "util/arena.h"
#include "shipready/outfile.h"
#include "pack/oci_internal.h"

/* ------------------------------------------------------------ documents */

static void rfc3339(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *str_array(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *oci_platform_json(const struct sr_oci_platform *pl)
{
	json_t *o = json_pack("{s:s,s:s}", "architecture", pl->architecture, "os", pl->os);
	if (pl->variant)
		json_object_set_new(o, "variant", json_string(pl->variant));
	return o;
}

json_t *oci_descriptor(const char *media_type, const char *digest, uint64_t size)
{
	return json_pack("{s:s,s:s,s:I}", "mediaType", media_type, "digest", digest, "size", (json_int_t)size);
}

/* key=value: value after the first '=' */
static void set_kv(json_t *obj, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char key[1024];
	size_t n = (size_t)(eq - kv) < sizeof key - 1 ? (size_t)(eq - kv) : sizeof key - 1;
	memcpy(key, kv, n);
	key[n] = '\0';
	json_object_set_new(obj, key, json_string(eq + 1));
}

static json_t *labels_json(const struct sr_oci_opts *o, const struct sr_oci_platform *pl, const char *created)
{
	json_t *l = json_object();
	json_object_set_new(l, "org.opencontainers.image.created", json_string(created));
	const char *title = pl->title;
	if (o->entrypoint) {
		const char *slash = strrchr(o->entrypoint, '/');
		title = slash[1] ? slash + 1 : o->entrypoint;
	}
	json_object_set_new(l, "org.opencontainers.image.title", sr_json_str(title));
	const struct sr_oci_platform_priv *pp = pl->priv;
	if (pp->version)
		json_object_set_new(l, "org.opencontainers.image.version", sr_json_str(pp->version));
	if (pp->revision)
		json_object_set_new(l, "org.opencontainers.image.revision", sr_json_str(pp->revision));
	if (pp->source)
		json_object_set_new(l, "org.opencontainers.image.source", sr_json_str(pp->source));
	if (pp->go_version)
		json_object_set_new(l, "dev.shipready.go.version", sr_json_str(pp->go_version));
	for (size_t i = 0; i < o->nlabels; i++)
		set_kv(l, o->labels[i]);
	return l;
}

/* The index in a of the NAME=VALUE string whose NAME= is kv's first nl bytes, or its size. */
static size_t env_find(const json_t *a, const char *kv, size_t nl)
{
	size_t k;
	json_t *v;
	json_array_foreach(a, k, v)
		if (strncmp(json_string_value(v), kv, nl) == 0)
			break;
	return k;
}

/* Env: the base image's (its NAME=VALUE strings) or else the default PATH,
 * then --env (a NAME given again replaces the earlier one). */
static json_t *env_json(const struct sr_oci_opts *o, const json_t *base)
{
	json_t *a = json_array();
	size_t k;
	json_t *v;
	json_array_foreach(json_object_get(json_object_get(base, "config"), "Env"), k, v)
		if (json_is_string(v) && oci_valid_env(json_string_value(v)))
			json_array_append(a, v);
	if (env_find(a, "PATH=", 5) == json_array_size(a))
		json_array_insert_new(a, 0, json_string(DEFAULT_PATH));
	for (size_t i = 0; i < o->nenv; i++) {
		size_t nl = (size_t)(strchr(o->env[i], '=') - o->env[i]) + 1;
		k = env_find(a, o->env[i], nl);
		if (k < json_array_size(a))
			json_array_set_new(a, k, json_string(o->env[i]));
		else
			json_array_append_new(a, json_string(o->env[i]));
	}
	return a;
}

/* dst's members named keys become src's (removed where src has none). */
static void take_members(json_t *dst, const json_t *src, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(src, keys[i]);
		if (v)
			json_object_set(dst, keys[i], v);
		else
			json_object_del(dst, keys[i]);
	}
}

/* Our config over the base's: its layers' diff_ids and history first, its
 * Env under ours, its labels and ports under ours, our Entrypoint, Cmd,
 * User and WorkingDir. */
static json_t *over_base(json_t *ours, const json_t *base)
{
	json_t *doc = json_deep_copy(base);
	json_t *bc = json_object_get(doc, "config");
	if (!json_is_object(bc)) {
		bc = json_object();
		json_object_set_new(doc, "config", bc);
	}
	json_t *oc = json_object_get(ours, "config");
	const char *replace[] = { "Entrypoint", "Cmd", "Env", "User", "WorkingDir" };
	take_members(bc, oc, replace, sizeof replace / sizeof *replace);
	const char *merge[] = { "ExposedPorts", "Labels" };
	for (size_t i = 0; i < sizeof merge / sizeof *merge; i++) {
		json_t *v = json_object_get(oc, merge[i]);
		json_t *b = json_object_get(bc, merge[i]);
		if (v && json_is_object(b))
			json_object_update(b, v);
		else if (v)
			json_object_set(bc, merge[i], v);
	}
	json_t *ids = json_object_get(json_object_get(ours, "rootfs"), "diff_ids");
	json_t *bids = json_object_get(json_object_get(doc, "rootfs"), "diff_ids");
	json_array_extend(bids, ids);
	json_t *hist = json_object_get(doc, "history");
	if (!json_is_array(hist)) {
		hist = json_array();
		json_object_set_new(doc, "history", hist);
	}
	json_array_extend(hist, json_object_get(ours, "history"));
	const char *top[] = { "created", "architecture", "os", "variant" };
	take_members(doc, ours, top, sizeof top / sizeof *top);
	json_decref(ours);
	return doc;
}

char *oci_config_doc(const struct sr_oci_priv *p, const struct sr_oci_platform *pl, const char *entrypoint)
{
	const struct sr_oci_opts *o = &p->o;
	char created[32];
	rfc3339(o->created, created);
	json_t *c = json_object();
	json_object_set_new(c, "Entrypoint", str_array(&entrypoint, 1));
	if (o->ncmd)
		json_object_set_new(c, "Cmd", str_array(o->cmd, o->ncmd));
	json_object_set_new(c, "Env", env_json(o, pl->priv->base_config));
	json_object_set_new(c, "User", json_string(o->user));
	json_object_set_new(c, "WorkingDir", json_string(o->workdir));
	if (o->nexpose) {
		json_t *ports = json_object();
		for (size_t i = 0; i < o->nexpose; i++)
			json_object_set_new(ports, oci_port_key(p->a, o->expose[i]), json_object());
		json_object_set_new(c, "ExposedPorts", ports);
	}
	json_object_set_new(c, "Labels", labels_json(o, pl, created));
	char by[256];
	snprintf(by, sizeof by, "shipready %s image: %zu files", sr_version_string(), pl->bundle->entry_count);
	json_t *doc = oci_platform_json(pl);
	json_object_set_new(doc, "created", json_string(created));
	json_object_set_new(doc, "config", c);
	json_object_set_new(doc, "rootfs", json_pack("{s:s,s:[s]}", "type", "layers", "diff_ids", pl->diff_id));
	json_object_set_new(doc, "history", json_pack("[{s:s,s:s}]", "created", created, "created_by", by));
	if (pl->priv->base_config)
		doc = over_base(doc, pl->priv->base_config);
	char *s = json_dumps(doc, JSON_FLAGS);
	json_decref(doc);
	return s;
}
