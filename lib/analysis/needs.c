/* sr_needs_from_inspect: the files a program reads at run time beyond its
 * shared libraries, from what the parsers found.
 *
 * ELF (any language): the C functions it calls (sr_elf.rt_symbols, flags in
 * lib/elf/rtsym.c), the TLS libraries it needs (DT_NEEDED), and for stripped
 * static programs the file names its C library embeds (sr_elf.rt_strings).
 * Go: the needs lib/go derives from the linked functions (struct
 * sr_go_need), merged with the C ones of a cgo binary, one entry per kind.
 *
 * Facts behind the rules (checked on Debian 12: glibc 2.36, musl 1.2.3,
 * OpenSSL 3.0, GnuTLS 3.7, Go 1.19 sources):
 *  - glibc 2.34 moved the files and dns NSS services into libc.so.6
 *    (libnss_files.so.2 and libnss_dns.so.2 are empty stubs); every other
 *    service named in /etc/nsswitch.conf is a libnss_<name>.so.2 module;
 *  - a static glibc program calling an NSS function, dlopen or iconv still
 *    loads shared NSS / gconv modules, which must come from the glibc
 *    release it was linked with (the linker says so for NSS and dlopen);
 *  - without /etc/nsswitch.conf glibc uses files, and dns then files for
 *    hosts (glibc manual, "Notes on NSS Configuration File");
 *  - musl has no NSS and no gconv (iconv is built in): it reads /etc/passwd,
 *    /etc/group, /etc/hosts and /etc/resolv.conf itself;
 *  - glibc's built-in conversions are ASCII, UTF-8, UCS-2 and UCS-4 (the
 *    __gconv_transform_* functions of a static program); C.UTF-8 is not
 *    built in (glibc 2.35 NEWS): setlocale needs locale data;
 *  - Go's crypto/x509 root_linux.go, time/zoneinfo_unix.go and os/user
 *    lookup_unix.go for the Go paths and messages. */
#include "shipready/needs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/rtsym.h"
#include "shipready/libc.h"
#include "util/arena.h"
#include "util/strlist.h"

struct sr_needs_priv {
	struct sr_arena *arena;
};

static const struct {
	const char *id, *name, *feature;
} kinds[SR_NEED__COUNT] = {
	[SR_NEED_CA_ROOTS] = { "ca-roots", "CA roots", "TLS certificate verification" },
	[SR_NEED_ZONEINFO] = { "zoneinfo", "zoneinfo", "local time in a zone named by TZ or the program" },
	[SR_NEED_NSS] = { "nss", "libc NSS", "user, group and host lookups through the name-service switch" },
	[SR_NEED_USERDB] = { "user-db", "user database", "user and group names and IDs" },
	[SR_NEED_DNS] = { "dns", "DNS config", "host name resolution" },
	[SR_NEED_GCONV] = { "gconv", "gconv modules",
		            "iconv between character sets other than ASCII, UTF-8, UCS-2 and UCS-4 (built into glibc)" },
	[SR_NEED_LOCALE] = { "locale", "locale data", "named locales (setlocale with LANG or LC_*)" },
	[SR_NEED_DLOPEN] = { "dlopen", "dlopen", "libraries loaded by name at run time" },
};

const char *sr_need_kind_id(enum sr_need_kind k)
{
	return (unsigned)k < SR_NEED__COUNT ? kinds[k].id : "unknown";
}

/* Where each kind's evidence came from: the notes depend on it. */
enum source { FROM_SYMBOL = 1u << 0, FROM_STRING = 1u << 1, FROM_LIBRARY = 1u << 2, FROM_GO = 1u << 3 };

#define MAX_NOTES 6

struct acc {
	bool on;
	unsigned from;              /* enum source */
	bool optional;              /* every source has a fallback */
	struct sr_strlist ev, paths;
	struct sr_strlist_b evb, pathsb;
	const char *notes[MAX_NOTES];
	size_t nnotes;
	const char *message;
};

struct build {
	struct sr_arena *a;
	struct acc k[SR_NEED__COUNT];
	bool passwd, group;         /* user-db: which databases the C code reads */
};

static struct acc *need(struct build *b, enum sr_need_kind k, unsigned from, bool optional)
{
	struct acc *n = &b->k[k];
	if (!n->on) {
		n->on = true;
		n->optional = optional;
		n->evb.out = &n->ev;
		n->pathsb.out = &n->paths;
	} else {
		n->optional = n->optional && optional;
	}
	n->from |= from;
	return n;
}

static void evidence(struct build *b, struct acc *n, const char *s)
{
	sr_strlist_add_unique(b->a, &n->evb, s, 64);
}

static void paths(struct build *b, struct acc *n, const char *const *p, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (p[i])
			sr_strlist_add_unique(b->a, &n->pathsb, p[i], 64);
}

static void note(struct acc *n, const char *s)
{
	if (!s || !*s)
		return;
	for (size_t i = 0; i < n->nnotes; i++)
		if (strcmp(n->notes[i], s) == 0)
			return;
	if (n->nnotes < MAX_NOTES)
		n->notes[n->nnotes++] = s;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---------- the C side (ELF) ---------- */

/* The default CA stores of OpenSSL (OPENSSLDIR/cert.pem and certs/:
 * OPENSSLDIR is /usr/lib/ssl -> /etc/ssl on Debian, /etc/pki/tls on Fedora
 * and RHEL, /etc/ssl on Alpine and SUSE) and GnuTLS (the trust store file
 * chosen when it was built), as distributions ship them. */
static const char *const c_ca_paths[] = {
	"/etc/ssl/certs/ca-certificates.crt",                  /* Debian, Ubuntu, Alpine */
	"/etc/pki/tls/certs/ca-bundle.crt",                    /* Fedora, RHEL */
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",   /* RHEL 7+ */
	"/etc/ssl/ca-bundle.pem",                              /* openSUSE */
	"/etc/ssl/cert.pem",                                   /* Alpine */
	"/etc/pki/tls/cert.pem",                               /* Fedora, RHEL */
	"/etc/ssl/certs",
	"/etc/pki/tls/certs",
};

struct cside {
	const struct sr_elf *e;
	bool glibc, musl, is_static;
	bool glibc_nss;             /* glibc, or a stripped program embedding /etc/nsswitch.conf */
	const char *where;          /* where embedded strings were found */
};

static void c_apply(struct build *b, const struct cside *c, unsigned uses, const char *ev, unsigned from)
{
	struct acc *n;
	if (uses & SR_RT_CA_ROOTS) {
		n = need(b, SR_NEED_CA_ROOTS, from, false);
		evidence(b, n, ev);
		paths(b, n, c_ca_paths, COUNT(c_ca_paths));
	}
	if (uses & SR_RT_ZONEINFO) {
		n = need(b, SR_NEED_ZONEINFO, from, true);
		evidence(b, n, ev);
		static const char *const musl_tz[] = { "/usr/share/zoneinfo", "/share/zoneinfo", "/etc/zoneinfo" };
		static const char *const glibc_tz[] = { "/usr/share/zoneinfo" };
		if (c->musl)
			paths(b, n, musl_tz, COUNT(musl_tz));
		else
			paths(b, n, glibc_tz, COUNT(glibc_tz));
	}
	if ((uses & SR_RT_NSS) && c->glibc_nss) {
		n = need(b, SR_NEED_NSS, from, true);
		evidence(b, n, ev);
		static const char *const p[] = { "/etc/nsswitch.conf" };
		paths(b, n, p, 1);
	}
	if (uses & (SR_RT_USERDB | SR_RT_GROUPDB)) {
		n = need(b, SR_NEED_USERDB, from, false);
		evidence(b, n, ev);
		b->passwd |= (uses & SR_RT_USERDB) != 0;
		b->group |= (uses & SR_RT_GROUPDB) != 0;
	}
	if (uses & SR_RT_DNS) {
		n = need(b, SR_NEED_DNS, from, true);
		evidence(b, n, ev);
		static const char *const p[] = { "/etc/resolv.conf", "/etc/hosts" };
		paths(b, n, p, COUNT(p));
	}
	if ((uses & SR_RT_GCONV) && c->glibc) {
		n = need(b, SR_NEED_GCONV, from, false);
		evidence(b, n, ev);
		const struct sr_elf *e = c->e;
		const char *t = sr_libc_multiarch_triplet(e->machine, e->elf_class, e->flags, e->big_endian);
		const char *p[] = { t ? sr_arena_printf(b->a, "/usr/lib/%s/gconv", t) : NULL,   /* Debian, Ubuntu */
			            e->elf_class == 64 ? "/usr/lib64/gconv" : NULL,    /* Fedora, RHEL, SUSE */
			            "/usr/lib/gconv" };                                /* 32-bit RPM, Arch */
		paths(b, n, p, COUNT(p));
	}
	if ((uses & SR_RT_LOCALE) && c->glibc) {
		n = need(b, SR_NEED_LOCALE, from, true);
		evidence(b, n, ev);
		static const char *const p[] = { "/usr/lib/locale/locale-archive", "/usr/lib/locale" };
		paths(b, n, p, COUNT(p));
	}
	if (uses & SR_RT_DLOPEN) {
		n = need(b, SR_NEED_DLOPEN, from, false);
		evidence(b, n, ev);
	}
}

/* Libraries whose presence means TLS with the system's CA store.  libcrypto
 * alone does not count: it is linked for hashes and ciphers too (OpenSSH's
 * ssh); its X509_STORE_set_default_paths is a symbol in the table. */
static bool tls_library(const char *n)
{
	static const char *const prefixes[] = { "libssl.so", "libgnutls.so", "libnss3.so", "libcurl.so",
		                                "libcurl-gnutls.so" };
	for (size_t i = 0; i < COUNT(prefixes); i++)
		if (strncmp(n, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static bool has_section(const struct sr_elf *e, const char *name)
{
	for (size_t i = 0; i < e->image.nsects; i++)
		if (e->image.sects[i].name && strcmp(e->image.sects[i].name, name) == 0)
			return true;
	return false;
}

static void elf_needs(struct build *b, const struct sr_elf *e)
{
	struct cside c = { .e = e };
	c.glibc = e->libc == SR_LIBC_GLIBC;
	c.musl = e->libc == SR_LIBC_MUSL;
	c.is_static = e->linkage == SR_LINK_STATIC || e->linkage == SR_LINK_STATIC_PIE;
	c.glibc_nss = c.glibc;
	for (size_t i = 0; i < e->rt_strings.count; i++)
		if (strcmp(e->rt_strings.items[i], "/etc/nsswitch.conf") == 0)
			c.glibc_nss = true;   /* only glibc reads it */
	c.where = has_section(e, ".rodata") ? ".rodata" : "read-only data";

	for (size_t i = 0; i < e->rt_symbols.count; i++) {
		const struct sr_rt_name *rt = sr_rt_symbol(e->rt_symbols.items[i]);
		if (!rt)
			continue;
		if ((rt->uses & SR_RT_GLIBC_INTERNAL) && c.glibc && c.is_static)
			continue;   /* glibc's own, in every static program (rtsym.h) */
		if ((rt->uses & SR_RT_GLIBC_ONLY) && !c.glibc)
			continue;
		c_apply(b, &c, rt->uses, rt->name, FROM_SYMBOL);
	}
	for (size_t i = 0; i < e->rt_strings.count; i++) {
		const struct sr_rt_name *rt = sr_rt_string(e->rt_strings.items[i]);
		if (!rt || ((rt->uses & SR_RT_WITH_GLIBC_NSS) && c.glibc_nss))
			continue;   /* with glibc these come with all of NSS: /etc/nsswitch.conf says it */
		c_apply(b, &c, rt->uses, sr_arena_printf(b->a, "\"%s\" in %s", rt->name, c.where), FROM_STRING);
	}
	for (size_t i = 0; i < e->needed.count; i++)
		if (tls_library(e->needed.items[i]))
			c_apply(b, &c, SR_RT_CA_ROOTS, e->needed.items[i], FROM_LIBRARY);

	/* the notes of the C side, now that all evidence is in */
	struct acc *n;
	const char *strings_note = "found as strings in a stripped static program: the code is linked in, whether "
	                           "it runs cannot be told";
	for (size_t k = 0; k < SR_NEED__COUNT; k++)
		if (b->k[k].on && b->k[k].from == FROM_STRING)
			note(&b->k[k], strings_note);
	if ((n = &b->k[SR_NEED_CA_ROOTS])->on && (n->from & (FROM_SYMBOL | FROM_STRING | FROM_LIBRARY))) {
		if (!(n->from & (FROM_SYMBOL | FROM_STRING)))
			note(n, "linked with a TLS library: the roots are read when it verifies certificates against "
			        "the system store");
		note(n, "OpenSSL reads OPENSSLDIR/cert.pem and OPENSSLDIR/certs (SSL_CERT_FILE and SSL_CERT_DIR "
		        "override them), GnuTLS the trust store it was built with");
	}
	if ((n = &b->k[SR_NEED_ZONEINFO])->on && (n->from & (FROM_SYMBOL | FROM_STRING)))
		note(n, !c.glibc ? "the local zone is /etc/localtime; zoneinfo is read when TZ names a zone "
		                 "(TZ=Europe/Berlin); without either, times are UTC"
		               : "the local zone is /etc/localtime; zoneinfo is read when TZ names a zone "
		                 "(TZ=Europe/Berlin; TZDIR moves it) or /etc/localtime links into it; without "
		                 "either, times are UTC");
	if ((n = &b->k[SR_NEED_NSS])->on && (n->from & (FROM_SYMBOL | FROM_STRING))) {
		if (c.is_static)
			note(n, "static glibc still loads the libnss_*.so.2 modules /etc/nsswitch.conf names (all but "
			        "files and dns since glibc 2.34) with dlopen: they must come from the glibc release "
			        "it was linked with");
		else
			note(n, "glibc loads the libnss_*.so.2 module of each service /etc/nsswitch.conf names (files "
			        "and dns are inside libc.so.6 since glibc 2.34)");
		note(n, "without /etc/nsswitch.conf glibc uses files, and dns then files for hosts");
	}
	if ((n = &b->k[SR_NEED_USERDB])->on) {
		static const char *const pw[] = { "/etc/passwd" }, *const gr[] = { "/etc/group" };
		/* any one path satisfies a need: the passwd file stands for both */
		paths(b, n, b->passwd ? pw : gr, 1);
	}
	if (n->on && (n->from & (FROM_SYMBOL | FROM_STRING))) {
		if (b->passwd && b->group)
			note(n, "group lookups read /etc/group");
		if (c.glibc_nss)
			note(n, "through NSS: /etc/nsswitch.conf may name other sources (systemd, sss, ldap)");
		else if (c.musl)
			note(n, "musl reads these files itself (and asks nscd when its socket exists): no NSS modules");
		else
			note(n, "the C library (not glibc: no NSS) reads these files itself");
	}
	if ((n = &b->k[SR_NEED_DNS])->on && (n->from & (FROM_SYMBOL | FROM_STRING))) {
		if (c.musl)
			note(n, "musl reads /etc/hosts and /etc/resolv.conf itself (no NSS)");
		else if (!c.glibc_nss)
			note(n, "the C library (not glibc: no NSS) reads /etc/hosts and /etc/resolv.conf itself");
		if (!(n->from & FROM_GO))   /* Go's own note says the same */
			note(n, "without /etc/resolv.conf queries go to a name server on localhost");
	}
	if ((n = &b->k[SR_NEED_GCONV])->on)
		note(n, c.is_static ? "static glibc loads gconv modules with dlopen: they must come from the glibc "
		                      "release it was linked with"
		                    : "GCONV_PATH adds directories");
	if ((n = &b->k[SR_NEED_LOCALE])->on)
		note(n, "without the locale setlocale fails and the program stays in the C locale (C.UTF-8 must be "
		        "installed too); LOCPATH changes where glibc looks");
	if ((n = &b->k[SR_NEED_DLOPEN])->on) {
		note(n, "which libraries is decided at run time: static analysis cannot see them");
		if (c.glibc && c.is_static)
			note(n, "a static glibc program can load only libraries built for the glibc release it was "
			        "linked with");
	}
}

/* ---------- the Go side ---------- */

static void go_needs(struct build *b, const struct sr_go_info *g)
{
	static const char *const go_ca[] = {
		"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
		"/etc/pki/tls/cacert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem",
		"/etc/ssl/certs", "/etc/pki/tls/certs",
	};
	/* platformZoneSources; /etc/zoneinfo since Go 1.21 */
	bool etc_zoneinfo = g->go_major == 0 || g->go_major > 1 || g->go_minor >= 21;
	const char *go_tz[] = { "/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ",
		                etc_zoneinfo ? "/etc/zoneinfo" : NULL };
	const struct sr_go_linked *gl = sr_go_linked(g);
	for (size_t i = 0; i < gl->nneeds; i++) {
		const struct sr_go_need *gn = &gl->needs[i];
		struct acc *n = NULL;
		switch (gn->kind) {
		case SR_GO_NEED_CA_ROOTS:
			n = need(b, SR_NEED_CA_ROOTS, FROM_GO, gn->optional);
			paths(b, n, go_ca, COUNT(go_ca));
			if (!gn->optional)
				n->message = "x509: certificate signed by unknown authority";
			break;
		case SR_GO_NEED_ZONEINFO:
			n = need(b, SR_NEED_ZONEINFO, FROM_GO, gn->optional);
			paths(b, n, go_tz, COUNT(go_tz));
			if (!gn->optional)
				n->message = "unknown time zone NAME";
			break;
		case SR_GO_NEED_LOCALTIME:
			/* TZ=Area/City is looked up in the same directories */
			n = need(b, SR_NEED_ZONEINFO, FROM_GO, true);
			paths(b, n, go_tz, COUNT(go_tz));
			break;
		case SR_GO_NEED_DNS: {
			n = need(b, SR_NEED_DNS, FROM_GO, gn->optional);
			static const char *const p[] = { "/etc/resolv.conf", "/etc/hosts" };
			paths(b, n, p, COUNT(p));
			break;
		}
		case SR_GO_NEED_NSS: {
			n = need(b, SR_NEED_NSS, FROM_GO, gn->optional);
			static const char *const p[] = { "/etc/nsswitch.conf" };
			paths(b, n, p, 1);
			break;
		}
		case SR_GO_NEED_USERDB: {
			n = need(b, SR_NEED_USERDB, FROM_GO, gn->optional);
			b->passwd = true;
			n->message = "open /etc/passwd: no such file or directory";
			break;
		}
		default:
			continue;   /* the C library and the loader: the check engine's own findings */
		}
		evidence(b, n, gn->because);
		note(n, gn->remove);
	}
}

/* ---------- the result ---------- */

static const char *join_notes(struct sr_arena *a, const struct acc *n)
{
	if (n->nnotes == 0)
		return NULL;
	size_t len = 0;
	for (size_t i = 0; i < n->nnotes; i++)
		len += strlen(n->notes[i]) + 2;
	char *s = sr_arena_alloc(a, len + 1);
	if (!s)
		return NULL;
	char *p = s;
	for (size_t i = 0; i < n->nnotes; i++) {
		size_t l = strlen(n->notes[i]);
		if (i) {
			memcpy(p, "; ", 2);
			p += 2;
		}
		memcpy(p, n->notes[i], l);
		p += l;
	}
	*p = '\0';
	return s;
}

enum sr_err sr_needs_from_inspect(const struct sr_inspect *in, struct sr_needs *out, struct sr_error *err)
{
	memset(out, 0, sizeof *out);
	struct sr_arena *a = sr_arena_new();
	struct sr_needs_priv *priv = a ? sr_arena_alloc(a, sizeof *priv) : NULL;
	struct build *b = calloc(1, sizeof *b);
	if (!a || !priv || !b) {
		free(b);
		sr_arena_free(a);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	priv->arena = a;
	out->priv = priv;
	b->a = a;

	if (in->format == SR_FMT_ELF && in->elf) {
		if (in->go && in->go->is_go)
			go_needs(b, in->go);
		elf_needs(b, in->elf);
	}

	size_t count = 0;
	for (size_t k = 0; k < SR_NEED__COUNT; k++)
		count += b->k[k].on;
	if (count) {
		out->v = sr_arena_array(a, count, sizeof *out->v);
		if (!out->v) {
			free(b);
			sr_needs_free(out);
			return sr_error_set(err, SR_E_NOMEM, NULL);
		}
	}
	for (size_t k = 0; k < SR_NEED__COUNT; k++) {
		const struct acc *n = &b->k[k];
		if (!n->on)
			continue;
		struct sr_need *d = &out->v[out->n++];
		d->kind = (enum sr_need_kind)k;
		d->id = kinds[k].id;
		d->name = kinds[k].name;
		d->evidence = n->ev;
		d->paths = n->paths;
		d->feature = kinds[k].feature;
		d->message = n->message;
		d->note = join_notes(a, n);
		d->optional = n->optional;
	}
	free(b);
	return SR_OK;
}

void sr_needs_free(struct sr_needs *n)
{
	if (n && n->priv)
		sr_arena_free(n->priv->arena);
	if (n)
		memset(n, 0, sizeof *n);
}
