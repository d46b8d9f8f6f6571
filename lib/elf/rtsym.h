/* The C-library functions and embedded file names that reveal what a program
 * reads at run time (CA roots, zoneinfo, NSS, …).  The ELF parser collects
 * them into sr_elf.rt_symbols / rt_strings; lib/check/needs.c turns them into
 * needs with the flags below, lib/ship/unit.c into the socket families a
 * service may open.  One table each, so that the two cannot drift. */
#ifndef SR_ELF_RTSYM_H
#define SR_ELF_RTSYM_H

#include <stddef.h>

enum {
	SR_RT_CA_ROOTS = 1u << 0,   /* TLS: the default CA store */
	SR_RT_ZONEINFO = 1u << 1,   /* local time: TZ, /etc/localtime, zoneinfo */
	SR_RT_NSS = 1u << 2,        /* goes through glibc's name-service switch */
	SR_RT_USERDB = 1u << 3,     /* the passwd database */
	SR_RT_GROUPDB = 1u << 4,    /* the group database */
	SR_RT_DNS = 1u << 5,        /* host names: resolv.conf, hosts */
	SR_RT_GCONV = 1u << 6,      /* iconv */
	SR_RT_LOCALE = 1u << 7,     /* named locales */
	SR_RT_DLOPEN = 1u << 8,     /* loads libraries by name */
	/* Linked into statically linked glibc programs for glibc's own use
	 * (verified with glibc 2.36: setlocale, dlopen and dlmopen are in the
	 * .symtab of a program that only calls puts; the res_* functions come
	 * with NSS, even for getpwnam alone): in a static glibc .symtab they
	 * say nothing about what the program itself calls. */
	SR_RT_GLIBC_INTERNAL = 1u << 9,
	/* Reads files only with glibc (musl's getlogin reads $LOGNAME). */
	SR_RT_GLIBC_ONLY = 1u << 10,
	/* Strings: part of glibc's NSS (every static glibc program with NSS
	 * embeds all of /etc/passwd, /etc/group, /etc/hosts, /etc/resolv.conf
	 * whichever function it calls), evidence of the database only when the
	 * C library is not glibc. */
	SR_RT_WITH_GLIBC_NSS = 1u << 11,
	/* Sockets, for the address families a service unit allows
	 * (lib/ship/unit.c); no file is read, so no need comes of them. */
	SR_RT_INET = 1u << 12,      /* Internet sockets: AF_INET, AF_INET6 */
	SR_RT_NETLINK = 1u << 13,   /* netlink sockets: interface lists (getifaddrs) */
	SR_RT_LOCAL = 1u << 14,     /* a local socket: syslog's /dev/log */
	/* Linked into a static glibc program by its NSS code (the nscd client,
	 * getifaddrs for AI_ADDRCONFIG) or syslog even when the program never
	 * calls it (glibc 2.36: socket, connect, bind, sendto, recvfrom,
	 * inet_pton, inet_addr, inet_aton, getifaddrs and if_nameindex for
	 * getpwnam alone; socket and connect for syslog alone). */
	SR_RT_GLIBC_NSS_INTERNAL = 1u << 15,
};

struct sr_rt_name {
	const char *name;
	unsigned uses;              /* SR_RT_* */
};

/* The entry for a function name, or NULL: cheap enough for every symbol. */
const struct sr_rt_name *sr_rt_symbol(const char *name);

/* The whole function table (for the unit test: sorted, all found). */
size_t sr_rt_symbol_table(const struct sr_rt_name **out);

/* The file names and identifiers looked for in the read-only data of
 * stripped static programs (all verified in real binaries: see rtsym.c). */
extern const struct sr_rt_name sr_rt_strings[];
extern const size_t sr_rt_nstrings;
const struct sr_rt_name *sr_rt_string(const char *s);

#endif
