/* The Go functions that reveal a run-time need (see go_features.h).
 *
 * The needs follow the Go standard library's Linux sources (see
 * docs/targets-facts.md Table 3): crypto/x509 root_linux.go, time
 * zoneinfo_unix.go, net conf.go / dnsconfig_unix.go, os/user
 * lookup_unix.go. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "go/go_features.h"

/* Sorted by name (strcmp order) for bsearch. */
static const struct sr_go_named_feature feature_names[] = {
	{ "crosscall2", F_CGO },
	{ "crypto/x509.SetFallbackRoots", F_X509_FALLBACK },
	{ "crypto/x509.SystemCertPool", F_X509_SYSTEM },
	{ "crypto/x509.initSystemRoots", F_X509_SYSTEM },
	{ "crypto/x509.loadSystemRoots", F_X509_SYSTEM },
	{ "crypto/x509.systemRootsPool", F_X509_SYSTEM },
	{ "net.(*Interface).Addrs", F_NETLINK },
	{ "net.(*Interface).MulticastAddrs", F_NETLINK },
	{ "net.(*Resolver).goLookupHostOrder", F_NET_GO },
	{ "net.InterfaceAddrs", F_NETLINK },
	{ "net.InterfaceByIndex", F_NETLINK },
	{ "net.InterfaceByName", F_NETLINK },
	{ "net.Interfaces", F_NETLINK },
	{ "net.ListenMulticastUDP", F_NETLINK },
	{ "net._C2func_getaddrinfo", F_NET_CGO },
	{ "net._C_getaddrinfo", F_NET_CGO },
	{ "net.cgoLookupHost", F_NET_CGO },
	{ "net.cgoLookupHostIP", F_NET_CGO },
	{ "net.cgoLookupIP", F_NET_CGO },
	{ "net.dnsReadConfig", F_NET_GO },
	{ "net.parseNSSConfFile", F_NET_GO },
	{ "net.readHosts", F_NET_GO },
	{ "os/user._C_getgrnam_r", F_USER_CGO },
	{ "os/user._C_getpwnam_r", F_USER_CGO },
	{ "os/user._C_getpwuid_r", F_USER_CGO },
	{ "os/user._Cfunc_mygetgrnam_r", F_USER_CGO },
	{ "os/user._Cfunc_mygetpwnam_r", F_USER_CGO },
	{ "os/user._Cfunc_mygetpwuid_r", F_USER_CGO },
	{ "os/user.findGroupName", F_USER_GO },
	{ "os/user.findUserId", F_USER_GO },
	{ "os/user.findUsername", F_USER_GO },
	{ "os/user.lookupUserId", F_USER_GO },
	{ "os/user.readColonFile", F_USER_GO },
	{ "runtime/cgo.set_crosscall2", F_CGO },
	{ "time.LoadLocation", F_TZ_LOAD },
	{ "time.initLocal", F_TZ_LOCAL },
	{ "time.loadLocation", F_TZ_BY_ENV },
	{ "time.registerLoadFromEmbeddedTZData", F_TZ_EMBED },
};

struct span {
	const char *s;
	size_t n;
};

/* The packages of feature_names (and crosscall2, which has none). */
static const struct span packages[] = {
	{ "crosscall2", 10 }, { "crypto/x509.", 12 }, { "net.", 4 },
	{ "os/user.", 8 },    { "runtime/cgo.", 12 }, { "time.", 5 },
};

static int cmp_span_feature(const void *k, const void *e)
{
	const struct span *key = k;
	const char *name = ((const struct sr_go_named_feature *)e)->name;
	size_t n = strlen(name);
	int c = memcmp(key->s, name, key->n < n ? key->n : n);
	if (c)
		return c;
	return key->n < n ? -1 : key->n > n;
}

/* Could name be in feature_names: is its package one of theirs?  Nearly
 * every name is turned away here without a search (make bench:
 * bench/scan.sh; the search was a third of the time of a large Go
 * program). */
static bool feature_package(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof packages / sizeof packages[0]; i++)
		if (name[0] == packages[i].s[0] && len >= packages[i].n && memcmp(name, packages[i].s, packages[i].n) == 0)
			return true;
	return false;
}

const struct sr_go_named_feature *sr_go_feature(const char *name, size_t len)
{
	if (len == 0 || !feature_package(name, len))
		return NULL;
	/* assembly entry points carry an ABI suffix in some releases */
	if (len > 5 && memcmp(name + len - 5, ".abi0", 5) == 0)
		len -= 5;
	struct span key = { name, len };
	return bsearch(&key, feature_names, sizeof feature_names / sizeof feature_names[0], sizeof feature_names[0],
	               cmp_span_feature);
}

size_t sr_go_feature_table(const struct sr_go_named_feature **out)
{
	*out = feature_names;
	return sizeof feature_names / sizeof feature_names[0];
}
