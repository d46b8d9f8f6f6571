/* The functions of a Go program that reveal what it reads at run time:
 * found by name in its pclntab (lib/go/go.c turns them into needs).  One
 * table, sorted, with a quick filter in front of its search (every
 * function name of a program is asked). */
#ifndef SR_GO_FEATURES_H
#define SR_GO_FEATURES_H

#include <stddef.h>

enum sr_go_feature_flag {
	F_X509_SYSTEM = 1u << 0,   /* system root pool */
	F_X509_FALLBACK = 1u << 1, /* x509.SetFallbackRoots linked */
	F_TZ_LOAD = 1u << 2,       /* time.LoadLocation */
	F_TZ_EMBED = 1u << 3,      /* time/tzdata registered */
	F_TZ_LOCAL = 1u << 4,      /* local zone from TZ / /etc/localtime */
	F_NET_GO = 1u << 5,        /* pure-Go resolver reads the config files */
	F_NET_CGO = 1u << 6,       /* cgo resolver: getaddrinfo via libc */
	F_USER_GO = 1u << 7,       /* os/user reads /etc/passwd, /etc/group */
	F_USER_CGO = 1u << 8,      /* os/user via libc getpw*_r */
	F_CGO = 1u << 9,           /* the cgo runtime glue */
	F_NETLINK = 1u << 10,      /* lists interfaces over netlink: net.Interfaces, InterfaceAddrs, multicast */
	F_TZ_BY_ENV = 1u << 11,    /* time.loadLocation: a zone file read for the zone $TZ names (initLocal),
	                            * and for time.LoadLocation when that is linked too */
};

struct sr_go_named_feature {
	const char *name;
	unsigned feature;   /* F_* */
};

/* The entry for a function name (len bytes, not NUL-terminated; an ".abi0"
 * suffix is ignored), or NULL. */
const struct sr_go_named_feature *sr_go_feature(const char *name, size_t len);

/* The whole table (for the unit test: sorted, every entry found). */
size_t sr_go_feature_table(const struct sr_go_named_feature **out);

#endif
