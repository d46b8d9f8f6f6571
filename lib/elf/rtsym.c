/* The run-time-relevant C-library functions and embedded strings (rtsym.h).
 *
 * Sources for the strings: built at the time of writing on Debian 12 with
 * gcc -static (glibc 2.36), musl-gcc -static (musl 1.2.3), stripped, and
 * read back with strings(1):
 *   glibc, any NSS function    /etc/nsswitch.conf and all the files service
 *                              databases (/etc/passwd, /etc/group, /etc/hosts,
 *                              /etc/resolv.conf, …) whichever function is called
 *   glibc, getaddrinfo         /etc/gai.conf (not with getpwnam or gethostbyname)
 *   glibc, localtime           /usr/share/zoneinfo
 *   musl, getaddrinfo          /etc/hosts, /etc/resolv.conf
 *   musl, getpwnam             /etc/passwd, /etc/group
 *   musl, localtime            /usr/share/zoneinfo/ (also /share/zoneinfo/, /etc/zoneinfo/)
 *   OpenSSL 3, SSL_CTX_new     SSL_CTX_new_ex (a function name kept for error
 *                              reports; absent when only libcrypto is linked)
 *   GnuTLS, system trust       /etc/ssl/certs/ca-certificates.crt (Debian's
 *                              libgnutls.a, in the object that defines
 *                              gnutls_x509_trust_list_add_system_trust)
 * Not usable: glibc's gconv and locale paths (/usr/lib/locale/locale-archive,
 * /usr/lib/<triplet>/gconv) are in every static glibc program, even one that
 * only calls puts; musl embeds nothing for iconv, setlocale or dlopen. */
#include "elf/rtsym.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
	CA = SR_RT_CA_ROOTS,
	TZ = SR_RT_ZONEINFO,
	NSS = SR_RT_NSS,
	PW = SR_RT_USERDB,
	GR = SR_RT_GROUPDB,
	DNS = SR_RT_DNS,
	GCONV = SR_RT_GCONV,
	LOC = SR_RT_LOCALE,
	DL = SR_RT_DLOPEN,
	INTERNAL = SR_RT_GLIBC_INTERNAL,
	GLIBC = SR_RT_GLIBC_ONLY,
	INET = SR_RT_INET,
	NL = SR_RT_NETLINK,
	LOCAL = SR_RT_LOCAL,
	BYNSS = SR_RT_GLIBC_NSS_INTERNAL,
};

/* Sorted by strcmp (upper case, then '_', then lower case), for bsearch. */
static const struct sr_rt_name symbols[] = {
	{ "OPENSSL_init_ssl", CA },
	{ "SSL_CTX_new", CA },
	{ "SSL_CTX_set_default_verify_paths", CA },
	{ "SSL_new", CA },
	{ "X509_STORE_set_default_paths", CA },
	{ "__res_init", DNS | INTERNAL },        /* res_init before glibc 2.34's headers */
	{ "__res_ninit", DNS | INTERNAL },
	{ "__res_nquery", DNS | INET | INTERNAL },
	{ "__res_nsearch", DNS | INET | INTERNAL },
	{ "__res_query", DNS | INET | INTERNAL },
	{ "__res_search", DNS | INET | INTERNAL },
	{ "accept", INET },
	{ "accept4", INET },
	{ "bind", INET | BYNSS },
	{ "connect", INET | BYNSS },
	{ "ctime", TZ },
	{ "ctime_r", TZ },
	{ "dlmopen", DL | INTERNAL },
	{ "dlopen", DL | INTERNAL },
	{ "getaddrinfo", NSS | DNS | INET },
	{ "getgrent", NSS | GR },
	{ "getgrgid", NSS | GR },
	{ "getgrgid_r", NSS | GR },
	{ "getgrnam", NSS | GR },
	{ "getgrnam_r", NSS | GR },
	{ "getgrouplist", NSS | GR },
	{ "gethostbyaddr", NSS | DNS | INET },
	{ "gethostbyaddr_r", NSS | DNS | INET },
	{ "gethostbyname", NSS | DNS | INET },
	{ "gethostbyname2", NSS | DNS | INET },
	{ "gethostbyname2_r", NSS | DNS | INET },
	{ "gethostbyname_r", NSS | DNS | INET },
	{ "getifaddrs", NL | BYNSS },
	{ "getlogin", NSS | PW | GLIBC },        /* glibc: loginuid, then getpwuid_r */
	{ "getlogin_r", NSS | PW | GLIBC },
	{ "getnameinfo", NSS | DNS | INET },
	{ "getnetgrent", NSS },
	{ "getprotobyname", NSS },
	{ "getprotobynumber", NSS },
	{ "getpwent", NSS | PW },
	{ "getpwnam", NSS | PW },
	{ "getpwnam_r", NSS | PW },
	{ "getpwuid", NSS | PW },
	{ "getpwuid_r", NSS | PW },
	{ "getservbyname", NSS },
	{ "getservbyname_r", NSS },
	{ "getservbyport", NSS },
	{ "getservbyport_r", NSS },
	{ "getspnam", NSS },
	{ "getspnam_r", NSS },
	{ "gnutls_certificate_set_x509_system_trust", CA },
	{ "gnutls_x509_trust_list_add_system_trust", CA },
	{ "iconv_open", GCONV },
	{ "if_nameindex", NL | BYNSS },
	{ "inet_addr", INET | BYNSS },
	{ "inet_aton", INET | BYNSS },
	{ "inet_ntop", INET },
	{ "inet_pton", INET | BYNSS },
	{ "initgroups", NSS | GR },
	{ "listen", INET },
	{ "localtime", TZ },
	{ "localtime_r", TZ },
	{ "mktime", TZ },
	{ "newlocale", LOC },
	{ "openlog", LOCAL },
	{ "recvfrom", INET | BYNSS },
	{ "res_init", DNS | INTERNAL },
	{ "res_ninit", DNS | INTERNAL },
	{ "res_nquery", DNS | INET | INTERNAL },
	{ "res_nsearch", DNS | INET | INTERNAL },
	{ "res_query", DNS | INET | INTERNAL },
	{ "res_search", DNS | INET | INTERNAL },
	{ "sendto", INET | BYNSS },
	{ "setlocale", LOC | INTERNAL },
	{ "socket", INET | BYNSS },
	{ "strftime", TZ },
	{ "syslog", LOCAL },
	{ "timelocal", TZ },
	{ "tzset", TZ },
	{ "vsyslog", LOCAL },
};

/* Sorted by strcmp, as the symbols. */
const struct sr_rt_name sr_rt_strings[] = {
	{ "/etc/gai.conf", DNS },
	{ "/etc/group", GR | SR_RT_WITH_GLIBC_NSS },
	{ "/etc/hosts", DNS | SR_RT_WITH_GLIBC_NSS },
	{ "/etc/nsswitch.conf", NSS },
	{ "/etc/passwd", PW | SR_RT_WITH_GLIBC_NSS },
	{ "/etc/resolv.conf", DNS | SR_RT_WITH_GLIBC_NSS },
	{ "/etc/ssl/certs/ca-certificates.crt", CA },
	{ "/usr/share/zoneinfo", TZ },
	{ "SSL_CTX_new_ex", CA },
};
const size_t sr_rt_nstrings = sizeof sr_rt_strings / sizeof sr_rt_strings[0];

static int cmp_name(const void *k, const void *e)
{
	return strcmp(k, ((const struct sr_rt_name *)e)->name);
}

/* A name's first three bytes folded to 12 bits.  The folds of the table's
 * names are marked once; any other name is turned away on its fold, with
 * no search: every symbol of every ELF file is asked about, and the
 * search was a twentieth of scan /usr (make bench: bench/scan.sh). */
#define FOLD_BITS 4096u
static uint64_t fold_marks[FOLD_BITS / 64];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static unsigned fold3(const char *n)
{
	unsigned a = (unsigned char)n[0];
	unsigned b = a ? (unsigned char)n[1] : 0;
	unsigned c = b ? (unsigned char)n[2] : 0;
	return (a * 961u + b * 31u + c) % FOLD_BITS;
}

static void mark_folds(void)
{
	for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
		unsigned f = fold3(symbols[i].name);
		fold_marks[f / 64] |= (uint64_t)1 << (f % 64);
	}
}

const struct sr_rt_name *sr_rt_symbol(const char *name)
{
	pthread_once(&fold_once, mark_folds);
	unsigned f = fold3(name);
	if (!(fold_marks[f / 64] >> (f % 64) & 1))
		return NULL;
	return bsearch(name, symbols, sizeof symbols / sizeof symbols[0], sizeof symbols[0], cmp_name);
}

const struct sr_rt_name *sr_rt_string(const char *s)
{
	return bsearch(s, sr_rt_strings, sr_rt_nstrings, sizeof sr_rt_strings[0], cmp_name);
}

size_t sr_rt_symbol_table(const struct sr_rt_name **out)
{
	*out = symbols;
	return sizeof symbols / sizeof symbols[0];
}
