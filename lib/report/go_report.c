/* Reports of the Go reader: `go packages` (text and JSON). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "shipready/report.h"

void *sr_report_go_packages_json(const char *path, const struct sr_go_info *g)
{
	json_t *o = json_object();
	json_object_set_new(o, "path", json_string(path));
	if (g->version)
		json_object_set_new(o, "go_version", json_string(g->version));
	json_object_set_new(o, "pclntab", g->pcln ? json_string(sr_go_pcln_name(g->pcln)) : json_null());
	json_object_set_new(o, "functions", json_integer((json_int_t)g->nfunc));
	json_t *list = json_array();
	const struct sr_go_modinfo *m = g->bi->mod;
	const struct sr_go_linked *gl = sr_go_linked(g);
	for (size_t i = 0; i < gl->npackages; i++) {
		json_t *p = json_object();
		const struct sr_go_module *mod = sr_go_package_module(m, gl->packages[i]);
		json_object_set_new(p, "path", json_string(gl->packages[i]));
		json_object_set_new(p, "std", json_boolean(sr_go_package_is_std(m, gl->packages[i])));
		if (mod) {
			json_object_set_new(p, "module", json_string(mod->path));
			if (mod->version[0])
				json_object_set_new(p, "version", json_string(mod->version));
			if (mod->replace)
				json_object_set_new(p, "replaced_by", json_string(mod->replace->path));
		}
		json_array_append_new(list, p);
	}
	json_object_set_new(o, "packages", list);
	return o;
}

void sr_report_go_packages_text(FILE *out, const char *path, const struct sr_go_info *g)
{
	const struct sr_go_modinfo *m = g->bi->mod;
	const struct sr_go_linked *gl = sr_go_linked(g);
	size_t nstd = 0, width = 0;
	for (size_t i = 0; i < gl->npackages; i++) {
		nstd += sr_go_package_is_std(m, gl->packages[i]);
		if (strlen(gl->packages[i]) > width && strlen(gl->packages[i]) <= 56)
			width = strlen(gl->packages[i]);
	}
	fprintf(out, "%s: %s, %zu packages (%zu standard library, %zu other)\n", path,
	        g->version ? g->version : "Go version unknown", gl->npackages, nstd, gl->npackages - nstd);
	for (size_t i = 0; i < gl->npackages; i++) {
		const struct sr_go_module *mod = sr_go_package_module(m, gl->packages[i]);
		const char *p = gl->packages[i];
		if (mod)
			fprintf(out, "  %-*s  %s%s%s%s%s\n", (int)width, p, mod->path, mod->version[0] ? " " : "",
			        mod->version, mod->replace ? " => " : "", mod->replace ? mod->replace->path : "");
		else
			fprintf(out, "  %-*s  %s\n", (int)width, p, sr_go_package_is_std(m, p) ? "std" : "-");
	}
}
