/* sr_go_read: everything shipready knows about a Go binary — build info,
 * the pclntab's functions and packages, and what they imply (cgo, the
 * toolchain question, platform minimums, files read at run time).
 *
 * The run-time needs follow the Go standard library's Linux sources (see
 * docs/targets-facts.md Table 3: crypto/x509 root_linux.go, time
 * zoneinfo_unix.go, net conf.go / dnsconfig_unix.go, os/user
 * lookup_unix.go); each is keyed on functions the linker kept, so a package
 * that is linked but whose file-reading code was dead-code-eliminated does
 * not count. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "go/go_features.h"
#include "go/go_internal.h"
#include "util/strlist.h"

/* ---------- small helpers ---------- */

/* Evidence strings are static or already in the arena: borrowed, once each. */
static void push(struct sr_arena *a, struct sr_strlist_b *b, const char *s)
{
	if (s && !sr_strlist_has(b->out, s))
		sr_strlist_push(a, b, s, 64);
}

static char *fmt(struct sr_arena *a, const char *f, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static char *fmt(struct sr_arena *a, const char *f, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, sizeof buf, f, ap);
	va_end(ap);
	return sr_arena_strdup(a, buf);
}

bool sr_go_has_package(const struct sr_go_linked *l, const char *pkg)
{
	size_t lo = 0, hi = l->npackages;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->packages[mid], pkg);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static const char *setting(const struct sr_go_info *g, const char *key)
{
	if (!g->bi->mod)
		return NULL;
	const struct sr_go_setting *s = sr_go_modinfo_setting(g->bi->mod, key);
	return s ? s->value : NULL;
}

/* "go1.22.4", "go1.22-20231128-RC02 cl/…", "devel go1.23-abc …" → 1, 22 */
static bool parse_go_version(const char *v, unsigned *major, unsigned *minor)
{
	const char *p = v ? strstr(v, "go1.") : NULL;
	if (!p || (p[4] < '0' || p[4] > '9'))
		return false;
	unsigned m = 0;
	for (p += 4; *p >= '0' && *p <= '9' && m < 1000; p++)
		m = m * 10 + (unsigned)(*p - '0');
	*major = 1;
	*minor = m;
	return true;
}

/* ---------- the Go version when build info is gone ---------- */

static bool is_version_text(const struct sr_reader *s)
{
	/* go1.N[anything printable], as runtime.buildVersion holds it */
	if (s->len < 5 || memcmp(s->base, "go1.", 4) != 0 || s->base[4] < '0' || s->base[4] > '9')
		return false;
	for (size_t i = 0; i < s->len; i++)
		if (s->base[i] < 0x20 || s->base[i] > 0x7e)
			return false;
	return true;
}

/* runtime.buildVersion is a Go string variable: a {data, len} header in a
 * writable segment that points at "go1.…".  Find the headers that do; one
 * distinct answer is the version.  Bounded: at most 64 MiB of data scanned. */
static const char *runtime_version(struct sr_arena *a, const struct sr_image *img)
{
	uint64_t budget = (uint64_t)64 << 20;
	const char *found = NULL;
	size_t found_len = 0;
	unsigned w = img->ptr_size;
	if (w != 4 && w != 8)
		return NULL;
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct sr_image_seg *g = &img->segs[i];
		if (!(g->prot & SR_PROT_W) || (g->prot & SR_PROT_X) || g->filesz == 0)
			continue;
		struct sr_reader seg;
		uint64_t n = g->filesz < budget ? g->filesz : budget;
		if (sr_reader_sub(&img->file, g->offset, n, &seg) != SR_OK)
			continue;
		budget -= n;
		uint64_t skew = (w - g->vaddr % w) % w;   /* scan at aligned addresses */
		for (uint64_t off = skew; off + 2 * (uint64_t)w <= seg.len; off += w) {
			uint64_t len, ptr;
			if (sr_read_word(&seg, off + w, w, &len) != SR_OK || len < 5 || len > 128)
				continue;
			if (sr_read_word(&seg, off, w, &ptr) != SR_OK)
				continue;
			struct sr_reader s;
			if (sr_image_read(img, ptr, len, &s) != SR_OK || s.len != len || !is_version_text(&s))
				continue;
			if (found && (found_len != len || memcmp(found, s.base, len) != 0))
				return NULL;   /* two different candidates: no answer */
			found = (const char *)s.base;
			found_len = len;
		}
		if (budget == 0)
			break;
	}
	return found ? sr_arena_strndup(a, found, found_len) : NULL;
}

/* ---------- reading ---------- */

static const char *const go_sections[] = {
	".go.buildinfo", ".gopclntab", ".data.rel.ro.gopclntab", ".note.go.buildid", ".go.module", ".go.fipsinfo",
	"__go_buildinfo", "__gopclntab",
};

/* The features a function's name shows (sr_go_feature), noted while the
 * package list reads every name. */
struct feature_pass {
	struct sr_go_linked *l;
	unsigned *features;
};

static void note_feature(void *ctx, const char *name, size_t len)
{
	struct feature_pass *fp = ctx;
	const struct sr_go_named_feature *f = sr_go_feature(name, len);
	if (!f)
		return;
	*fp->features |= f->feature;
	if ((f->feature & F_NETLINK) && !fp->l->netlink_func)
		fp->l->netlink_func = f->name;
}

/* Find the pclntab: its layout and size say Go, and the table stays for
 * the walk of sr_go_linked. */
static void find_pclntab(struct sr_arena *a, struct sr_go_info *g, const struct sr_image *img)
{
	struct sr_go_pclntab p;
	struct sr_error perr = { 0 };
	const char *how = NULL;
	if (sr_go_pclntab_find(img, &p, &how, &perr) != SR_OK) {
		if (perr.code != SR_OK && perr.code != SR_E_NOENT)
			g->pcln_error = sr_arena_strdup(a, sr_error_message(&perr));
		return;
	}
	struct sr_go_pclntab *kept = sr_arena_alloc(a, sizeof *kept);
	if (!kept) {
		g->pcln_error = "out of memory";
		return;
	}
	*kept = p;
	g->priv->pcln = kept;
	g->pcln = p.layout;
	g->pcln_found_by = how;
	g->nfunc = p.nfunc;
}

/* Walk the table: the packages, their sizes, and the features their
 * functions show. */
static void walk_pclntab(struct sr_arena *a, const struct sr_go_pclntab *p, struct sr_go_linked *l,
                         unsigned *features)
{
	struct feature_pass fp = { .l = l, .features = features };
	struct sr_go_pkgsize *sizes = NULL;
	if (sr_go_pclntab_packages_each(p, a, note_feature, &fp, &l->packages, &l->npackages, &sizes,
	                                &l->unattributed) != SR_OK) {
		l->packages = NULL;
		l->npackages = 0;
		sizes = NULL;
		l->packages_error = "the package list is too large";
	}
	l->package_sizes = sizes;
}

static void decide_version(struct sr_arena *a, struct sr_go_info *g, const struct sr_image *img)
{
	if (g->bi->status != SR_GO_BI_NOT_GO) {
		g->version = g->bi->version;
		g->version_source = SR_GO_VSRC_BUILDINFO;
	} else if (g->pcln != SR_GO_PCLN_NONE && (g->version = runtime_version(a, img)) != NULL) {
		g->version_source = SR_GO_VSRC_RUNTIME;
	} else {
		switch (g->pcln) {
		case SR_GO_PCLN_12: g->version = "go1.2 to go1.15"; break;
		case SR_GO_PCLN_116: g->version = "go1.16 to go1.17"; break;
		case SR_GO_PCLN_118: g->version = "go1.18 to go1.19"; break;
		case SR_GO_PCLN_120: g->version = "go1.20 or later"; break;
		default: g->version = NULL; break;
		}
		if (g->version)
			g->version_source = SR_GO_VSRC_PCLNTAB;
	}
	if (!parse_go_version(g->version, &g->go_major, &g->go_minor))
		g->go_major = g->go_minor = 0;
}

static void decide_cgo(struct sr_arena *a, const struct sr_go_info *g, struct sr_go_linked *l, const struct sr_go_link *link,
                       unsigned features)
{
	struct sr_strlist_b ev = { &l->cgo_evidence, 0 };
	const char *cgo_enabled = setting(g, "CGO_ENABLED");
	bool linked = (features & F_CGO) || sr_go_has_package(l, "runtime/cgo");
	if (cgo_enabled)
		push(a, &ev, fmt(a, "build setting CGO_ENABLED=%s", cgo_enabled));
	if (linked)
		push(a, &ev, "runtime/cgo linked in");
	bool libc_needed = false;
	if (link && link->dynamic) {
		for (size_t i = 0; i < link->nneeded; i++)
			if (strncmp(link->needed[i], "libc.", 5) == 0 || strncmp(link->needed[i], "libc.musl", 9) == 0) {
				push(a, &ev, fmt(a, "dynamically linked, needs %s", link->needed[i]));
				libc_needed = true;
			}
	}
	const char *ldflags = setting(g, "-ldflags");
	l->extldflags_static = ldflags && strstr(ldflags, "-extldflags") && strstr(ldflags, "-static");
	if (l->extldflags_static)
		push(a, &ev, "-ldflags with -extldflags -static");

	if (linked || libc_needed)
		l->cgo = SR_GO_CGO_YES;
	else if ((cgo_enabled && strcmp(cgo_enabled, "0") == 0) || (g->pcln != SR_GO_PCLN_NONE && link && !link->dynamic))
		l->cgo = SR_GO_CGO_NO;
	else if (cgo_enabled && g->pcln != SR_GO_PCLN_NONE)
		l->cgo = SR_GO_CGO_NO;   /* enabled for the build, but no C code was linked */
	else
		l->cgo = SR_GO_CGO_UNKNOWN;

	if (l->cgo == SR_GO_CGO_YES && link && link->dynamic)
		l->cgo_consequence = "uses cgo: needs the C library it was linked against on the target at run time "
		                     "(see deps); cross-compiling needs a C toolchain for the target";
	else if (l->cgo == SR_GO_CGO_YES && link && link->libc && strcmp(link->libc, "glibc") == 0)
		l->cgo_consequence = "uses cgo, glibc linked in statically: no libc needed at run time, but glibc "
		                     "still loads libnss_* modules for user and host lookups; cross-compiling needs a "
		                     "C toolchain for the target";
	else if (l->cgo == SR_GO_CGO_YES && link && link->libc)
		l->cgo_consequence = fmt(a, "uses cgo, %s linked in statically: no C library needed at run time; "
		                            "cross-compiling needs a C toolchain for the target", link->libc);
	else if (l->cgo == SR_GO_CGO_YES)
		l->cgo_consequence = "uses cgo, C library linked in statically: no C library needed at run time (a "
		                     "static glibc still loads libnss_* for user and host lookups); cross-compiling "
		                     "needs a C toolchain for the target";
	else if (l->cgo == SR_GO_CGO_NO && cgo_enabled && strcmp(cgo_enabled, "1") == 0)
		l->cgo_consequence = "built with CGO_ENABLED=1 but no C code was linked: no C library needed at run time";
	else if (l->cgo == SR_GO_CGO_NO)
		l->cgo_consequence = "pure Go: no C library needed at run time; cross-compiles with GOOS/GOARCH alone";
}

static void decide_toolchain(const struct sr_go_info *g, struct sr_go_linked *l)
{
	const char *race = setting(g, "-race");
	const char *msan = setting(g, "-msan");
	const char *asan = setting(g, "-asan");
	l->needs_toolchain = false;
	if (g->buildmode && strcmp(g->buildmode, "plugin") == 0)
		l->toolchain_reason = "no toolchain, but a plugin loads only into a program built by the same Go "
		                      "release with the same versions of the packages they share";
	else if (g->buildmode && (strcmp(g->buildmode, "c-shared") == 0 || strcmp(g->buildmode, "c-archive") == 0))
		l->toolchain_reason = "the Go runtime is inside this library; the program that loads it needs only "
		                      "the C library";
	else if ((race && strcmp(race, "true") == 0) || sr_go_has_package(l, "runtime/race"))
		l->toolchain_reason = "the race detector's runtime is linked in (a -race build is for testing: "
		                      "slower, more memory)";
	else if ((msan && strcmp(msan, "true") == 0) || (asan && strcmp(asan, "true") == 0) ||
	         sr_go_has_package(l, "runtime/msan") || sr_go_has_package(l, "runtime/asan"))
		l->toolchain_reason = "no toolchain, but a -msan/-asan build needs the C sanitizer runtime it was "
		                      "linked with (a build for testing)";
	else
		l->toolchain_reason = "native code with the Go runtime linked in: nothing of Go is installed where "
		                      "it runs";
}

static struct sr_go_need *add_need(struct sr_arena *a, struct sr_go_linked *l, size_t *cap, enum sr_go_need_kind k)
{
	struct sr_go_need *n = sr_arena_grow(a, l->needs, l->nneeds, cap, sizeof *n, SR_GO_NEED__COUNT + 2);
	if (!n)
		return NULL;
	l->needs = n;
	n = &n[l->nneeds++];
	memset(n, 0, sizeof *n);
	n->kind = k;
	n->summary = n->files = n->env = n->because = n->remove = "";
	return n;
}

static void decide_needs(struct sr_arena *a, const struct sr_go_info *g, struct sr_go_linked *l,
                         const struct sr_go_link *link, unsigned f)
{
	size_t cap = 0;
	struct sr_go_need *n;
	/* The file lists are Go's Linux rules; other systems use their own stores. */
	bool linux_target = !g->goos || strcmp(g->goos, "linux") == 0 || strcmp(g->goos, "android") == 0;
	bool tz_embedded = (f & F_TZ_EMBED) || sr_go_has_package(l, "time/tzdata");
	if (g->goos && strcmp(g->goos, "windows") == 0 && (f & F_TZ_LOAD) && !tz_embedded &&
	    (n = add_need(a, l, &cap, SR_GO_NEED_ZONEINFO))) {
		/* Windows has no zoneinfo of its own for Go (zoneinfo_windows.go:
		 * no platform sources): only $ZONEINFO and the Go installation */
		n->name = "zoneinfo";
		n->summary = "$GOROOT/lib/time/zoneinfo.zip";
		n->files = "$ZONEINFO, then $GOROOT/lib/time/zoneinfo.zip (GOROOT as recorded at build: a machine "
		           "without that Go installation has none)";
		n->env = "ZONEINFO";
		n->because = "time.LoadLocation";
		n->remove = "import _ \"time/tzdata\" (or build with -tags timetzdata) to embed the database";
	}
	if (!linux_target)
		return;
	bool fallback = (f & F_X509_FALLBACK) || sr_go_has_package(l, "golang.org/x/crypto/x509roots/fallback");
	if ((f & F_X509_SYSTEM) && (n = add_need(a, l, &cap, SR_GO_NEED_CA_ROOTS))) {
		n->name = "CA roots";
		n->summary = "/etc/ssl/certs/ca-certificates.crt or another CA bundle";
		n->files = "first of /etc/ssl/certs/ca-certificates.crt, /etc/pki/tls/certs/ca-bundle.crt, "
		           "/etc/ssl/ca-bundle.pem, /etc/pki/tls/cacert.pem, "
		           "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem, /etc/ssl/cert.pem; "
		           "then the directories /etc/ssl/certs, /etc/pki/tls/certs";
		n->env = "SSL_CERT_FILE, SSL_CERT_DIR";
		n->because = "crypto/x509 (system root pool)";
		n->optional = fallback;
		n->remove = fallback ? "roots embedded by golang.org/x/crypto/x509roots/fallback are used when none "
		                       "are found"
		                     : "import golang.org/x/crypto/x509roots/fallback (Go 1.20+) to embed roots, or "
		                       "ship a CA bundle (ca-certificates)";
	}
	if ((f & (F_TZ_LOAD | F_TZ_BY_ENV)) && (n = add_need(a, l, &cap, SR_GO_NEED_ZONEINFO))) {
		bool embedded = tz_embedded;
		/* only time.loadLocation linked: a zone file is read only when $TZ
		 * names a zone (initLocal); unset, the local zone is /etc/localtime */
		bool by_env = !(f & F_TZ_LOAD);
		n->name = "zoneinfo";
		n->summary = "/usr/share/zoneinfo";
		n->files = g->go_minor >= 21 || g->go_major == 0
		                   ? "$ZONEINFO, /usr/share/zoneinfo/, /usr/share/lib/zoneinfo/, /usr/lib/locale/TZ/, "
		                     "/etc/zoneinfo/, then $GOROOT/lib/time/zoneinfo.zip"
		                   : "$ZONEINFO, /usr/share/zoneinfo/, /usr/share/lib/zoneinfo/, /usr/lib/locale/TZ/, "
		                     "then $GOROOT/lib/time/zoneinfo.zip";
		n->env = by_env ? "ZONEINFO, TZ" : "ZONEINFO";
		n->because = by_env ? "time.loadLocation (a zone named by $TZ; time.LoadLocation is not linked)"
		                    : "time.LoadLocation";
		n->optional = embedded || by_env;
		n->remove = embedded ? "time/tzdata is embedded: used when no zoneinfo is found"
		          : by_env   ? "needed only when TZ names a zone (TZ=Europe/Berlin); unset, the local zone "
		                       "comes from /etc/localtime"
		                     : "import _ \"time/tzdata\" (or build with -tags timetzdata) to embed the database";
	}
	if ((f & F_TZ_LOCAL) && (n = add_need(a, l, &cap, SR_GO_NEED_LOCALTIME))) {
		n->name = "local time zone";
		n->summary = "/etc/localtime";
		n->files = "/etc/localtime (or the zone named by $TZ)";
		n->env = "TZ";
		n->because = "time (local zone)";
		n->optional = true;
		n->remove = "without it the local zone is UTC";
	}
	/* musl has no NSS: its getaddrinfo and getpwnam read the files themselves */
	bool musl = link && link->libc && strcmp(link->libc, "musl") == 0;
	if (musl && (f & F_NET_CGO))
		f |= F_NET_GO;
	if (musl && (f & F_USER_CGO))
		f |= F_USER_GO;
	if ((f & F_NET_GO) && (n = add_need(a, l, &cap, SR_GO_NEED_DNS))) {
		n->name = "DNS config";
		n->summary = "/etc/resolv.conf, /etc/hosts, /etc/nsswitch.conf";
		n->files = "/etc/resolv.conf, /etc/hosts, /etc/nsswitch.conf (and /etc/services, /etc/protocols "
		           "for port and protocol names)";
		n->env = "GODEBUG=netdns=go|cgo, LOCALDOMAIN, RES_OPTIONS, HOSTALIASES";
		n->because = "net (pure-Go resolver)";
		n->optional = true;
		n->remove = "without /etc/resolv.conf queries go to localhost:53";
	}
	if (!musl && (f & (F_NET_CGO | F_USER_CGO)) && (n = add_need(a, l, &cap, SR_GO_NEED_NSS))) {
		n->name = "libc NSS";
		n->summary = "/etc/nsswitch.conf and libnss_*.so.2";
		n->files = "/etc/nsswitch.conf and the libnss_*.so.2 modules it names (loaded by libc at run time)";
		bool both = (f & F_NET_CGO) && (f & F_USER_CGO);
		n->because = both ? "net (cgo resolver) and os/user (via libc)"
		                  : (f & F_NET_CGO) ? "net (cgo resolver, getaddrinfo)" : "os/user (via libc getpwnam_r)";
		n->remove = both ? "build with -tags netgo,osusergo (or CGO_ENABLED=0)"
		                 : (f & F_NET_CGO) ? "build with -tags netgo (or CGO_ENABLED=0)"
		                                   : "build with -tags osusergo (or CGO_ENABLED=0)";
	}
	if ((f & F_USER_GO) && (n = add_need(a, l, &cap, SR_GO_NEED_USERDB))) {
		n->name = "user database";
		n->summary = "/etc/passwd, /etc/group";
		n->files = "/etc/passwd, /etc/group";
		n->because = "os/user (pure Go)";
		n->remove = "lookups fail with \"unknown user\" when the files lack the entry";
	}
	if (l->cgo == SR_GO_CGO_YES && link && link->dynamic && (n = add_need(a, l, &cap, SR_GO_NEED_LIBC))) {
		n->name = "C library";
		n->summary = link->interpreter ? link->interpreter : "its shared libraries";
		n->files = link->interpreter ? fmt(a, "%s and the libraries it loads (see deps)", link->interpreter)
		                             : "the shared libraries it needs (see deps)";
		n->because = "cgo";
		n->remove = "CGO_ENABLED=0, or link statically (-ldflags '-extldflags -static')";
	} else if (link && link->dynamic && link->interpreter && !link->is_shared_object &&
	           (n = add_need(a, l, &cap, SR_GO_NEED_LOADER))) {
		/* e.g. -buildmode=pie without cgo: no C code, but the kernel
		 * still starts the program through its interpreter */
		n->name = "dynamic loader";
		n->summary = link->interpreter;
		n->files = fmt(a, "%s (PT_INTERP)", link->interpreter);
		n->because = g->buildmode && strcmp(g->buildmode, "pie") == 0 ? "-buildmode=pie" : "dynamic linking";
		n->remove = "-buildmode=exe with CGO_ENABLED=0 makes a static binary";
	}
}

/* ---------- packages and modules ---------- */

const struct sr_go_module *sr_go_package_module(const struct sr_go_modinfo *m, const char *pkg)
{
	if (!m)
		return NULL;
	const struct sr_go_module *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i <= m->ndeps; i++) {
		const struct sr_go_module *mod = i == 0 ? &m->main : &m->deps[i - 1];
		size_t n = strlen(mod->path);
		if (n == 0 || n <= best_len || strncmp(pkg, mod->path, n) != 0 || (pkg[n] != '\0' && pkg[n] != '/'))
			continue;
		best = mod;
		best_len = n;
	}
	return best;
}

bool sr_go_package_is_std(const struct sr_go_modinfo *m, const char *pkg)
{
	if (sr_go_package_module(m, pkg))
		return false;
	const char *slash = strchr(pkg, '/');
	size_t first = slash ? (size_t)(slash - pkg) : strlen(pkg);
	return memchr(pkg, '.', first) == NULL;
}

enum sr_err sr_go_read(const struct sr_image *img, const struct sr_go_link *link, struct sr_go_info **out,
                       struct sr_error *err)
{
	*out = NULL;
	struct sr_arena *a = sr_arena_new();
	struct sr_go_info *g = a ? sr_arena_alloc(a, sizeof *g) : NULL;
	struct sr_go_priv *priv = g ? sr_arena_alloc(a, sizeof *priv) : NULL;
	if (!priv) {
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	priv->arena = a;
	if (link) {
		priv->link = *link;
		priv->has_link = true;
	}
	g->priv = priv;
	enum sr_err rc = sr_go_buildinfo_read(img, &g->bi, err);
	if (rc != SR_OK) {
		sr_arena_free(a);
		return rc;
	}

	struct sr_strlist_b ev = { &g->evidence, 0 };
	for (size_t i = 0; i < sizeof go_sections / sizeof go_sections[0]; i++)
		if (sr_image_section(img, go_sections[i]))
			push(a, &ev, go_sections[i]);
	if (g->bi->status != SR_GO_BI_NOT_GO)
		push(a, &ev, "build info");

	if (g->evidence.count == 0 && !(link && link->known_go)) {
		*out = g;   /* no mark of Go at all: spare ordinary DLLs and dylibs the scan */
		return SR_OK;
	}
	find_pclntab(a, g, img);
	if (g->pcln != SR_GO_PCLN_NONE)
		push(a, &ev, fmt(a, "pclntab (Go %s layout)", sr_go_pcln_name(g->pcln)));
	g->is_go = g->bi->status != SR_GO_BI_NOT_GO || g->pcln != SR_GO_PCLN_NONE;
	if (!g->is_go) {
		*out = g;
		return SR_OK;
	}

	decide_version(a, g, img);
	g->goos = setting(g, "GOOS");
	g->goarch = setting(g, "GOARCH");
	if (!g->goos && link)
		g->goos = link->goos;
	if (!g->goarch && link)
		g->goarch = link->goarch;
	g->buildmode = setting(g, "-buildmode");
	/* Go 1.18+ records -buildmode only for some modes; the file tells the rest */
	if (!g->buildmode && link && link->is_go_plugin)
		g->buildmode = "plugin";
	else if (!g->buildmode && link && link->is_shared_object)
		g->buildmode = "c-shared";
	else if (!g->buildmode && link && link->is_pie)
		g->buildmode = "pie";

	bool newer;
	if (g->go_major && sr_go_minimums(g->go_major, g->go_minor, g->goarch, &g->min_kernel, &g->min_macos,
	                                  &g->min_windows, &newer))
		g->min_source = newer ? fmt(a, "release notes up to go1.27 (go1.%u is newer)", g->go_minor)
		                      : fmt(a, "go1.%u release notes", g->go_minor);
	*out = g;
	return SR_OK;
}

const struct sr_go_linked *sr_go_linked(const struct sr_go_info *g)
{
	struct sr_go_priv *p = g->priv;
	if (p->linked_made)
		return &p->linked;
	p->linked_made = true;
	struct sr_go_linked *l = &p->linked;
	l->cgo = SR_GO_CGO_UNKNOWN;
	if (!g->is_go)
		return l;   /* what sr_go_read left of a file that is not Go: nothing linked */
	struct sr_arena *a = p->arena;
	const struct sr_go_link *link = p->has_link ? &p->link : NULL;
	unsigned features = 0;
	if (p->pcln)
		walk_pclntab(a, p->pcln, l, &features);
	decide_cgo(a, g, l, link, features);
	decide_toolchain(g, l);
	decide_needs(a, g, l, link, features);
	return l;
}

const char *sr_go_pcln_problem(const struct sr_go_info *g)
{
	return g->pcln_error ? g->pcln_error : sr_go_linked(g)->packages_error;
}

void sr_go_info_free(struct sr_go_info *g)
{
	if (!g)
		return;
	sr_go_buildinfo_free(g->bi);
	sr_arena_free(g->priv->arena);
}
