/* shipready — what a program needs at run time beyond its shared libraries:
 * files the C library or the Go runtime reads (CA roots, zoneinfo, the
 * name-service switch, the user database, gconv modules, locale data) and
 * code no static tool can see (dlopen).
 *
 * For ELF programs of any language the evidence is the functions imported
 * from the C library (dynamic) or linked in (static, from .symtab), the
 * libraries needed (libssl → CA roots) and, for stripped static programs,
 * the file names the C library embeds.  For Go programs it is the linked
 * packages (see struct sr_go_need). */
#ifndef SHIPREADY_NEEDS_H
#define SHIPREADY_NEEDS_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/error.h"
#include "shipready/inspect.h"
#include "shipready/strlist.h"

enum sr_need_kind {
	SR_NEED_CA_ROOTS = 0,   /* TLS certificate verification */
	SR_NEED_ZONEINFO,       /* named time zones (tzset, localtime, time.LoadLocation) */
	SR_NEED_NSS,            /* /etc/nsswitch.conf and, with glibc, libnss_* modules */
	SR_NEED_USERDB,         /* /etc/passwd, /etc/group */
	SR_NEED_DNS,            /* /etc/resolv.conf, /etc/hosts */
	SR_NEED_GCONV,          /* glibc iconv: gconv modules */
	SR_NEED_LOCALE,         /* setlocale: locale data */
	SR_NEED_DLOPEN,         /* libraries loaded at run time: invisible to static analysis */
	SR_NEED__COUNT
};

struct sr_need {
	enum sr_need_kind kind;
	const char *id;              /* "ca-roots", "zoneinfo", "nss", "user-db", "dns", "gconv", "locale", "dlopen" */
	const char *name;            /* "CA roots", … */
	struct sr_strlist evidence;  /* "getaddrinfo", "crypto/x509", "libssl.so.3", "\"/etc/nsswitch.conf\" in .rodata" */
	struct sr_strlist paths;     /* files or directories; any one of them satisfies the need (may be empty: dlopen).
	                              * user-db lists /etc/passwd (/etc/group when only group
	                              * functions are called): the note says when both are read */
	const char *feature;         /* what fails without it: "TLS certificate verification" */
	const char *message;         /* what the user sees when it fails, when known
	                              * ("x509: certificate signed by unknown authority"), else NULL */
	const char *note;            /* one more fact worth saying, or NULL */
	bool optional;               /* the program has a fallback (embedded tzdata, defaults); for a
	                              * kind with several sources, only when every source has one */
};

struct sr_needs_priv;

struct sr_needs {
	struct sr_need *v;           /* at most one per kind, in enum order */
	size_t n;
	struct sr_needs_priv *priv;
};

/* Derive the needs of an analysed file (ELF or Go binary; PE and Mach-O give
 * none today).  *out is zeroed first; an error only when out of memory.  The
 * strings belong to *out (they stay valid after sr_inspect_free(in)) until
 * sr_needs_free(). */
enum sr_err sr_needs_from_inspect(const struct sr_inspect *in, struct sr_needs *out, struct sr_error *err);
void sr_needs_free(struct sr_needs *n);

const char *sr_need_kind_id(enum sr_need_kind k);

#endif
