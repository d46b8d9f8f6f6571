/* Unit tests for the run-time name tables (lib/elf/rtsym.c): both sorted for
 * bsearch, every entry found (the quick filter on a name's first three
 * bytes rejects nothing of the table), and a few names that must not match,
 * some sharing a table name's first bytes. */
#include <string.h>

#include "elf/rtsym.h"

#include "harness.h"

int main(void)
{
	const struct sr_rt_name *t;
	size_t n = sr_rt_symbol_table(&t);
	CHECK(n > 40);
	for (size_t i = 0; i < n; i++) {
		if (i)
			CHECKF(strcmp(t[i - 1].name, t[i].name) < 0, "not sorted at %s", t[i].name);
		CHECKF(sr_rt_symbol(t[i].name) == &t[i], "%s not found", t[i].name);
		CHECKF(t[i].uses & (SR_RT_CA_ROOTS | SR_RT_ZONEINFO | SR_RT_NSS | SR_RT_USERDB | SR_RT_GROUPDB |
		                    SR_RT_DNS | SR_RT_GCONV | SR_RT_LOCALE | SR_RT_DLOPEN | SR_RT_INET |
		                    SR_RT_NETLINK | SR_RT_LOCAL),
		       "%s implies no need and no socket", t[i].name);
	}
	static const char *const not_names[] = { "", "_", "__", "__res", "getaddrinfo_a", "getaddrinf", "puts",
		                                 "__stack_chk_fail", "Getaddrinfo", "SSL_CTX_free", "zzz",
		                                 "dlopen@GLIBC_2.34", "res_querydomain", "socketpair", "acceptx",
		                                 "bindresvport" };
	for (size_t i = 0; i < COUNT(not_names); i++)
		CHECKF(sr_rt_symbol(not_names[i]) == NULL, "%s matched", not_names[i]);
	for (size_t i = 0; i < sr_rt_nstrings; i++) {
		if (i)
			CHECKF(strcmp(sr_rt_strings[i - 1].name, sr_rt_strings[i].name) < 0, "strings not sorted at %s",
			       sr_rt_strings[i].name);
		CHECKF(sr_rt_string(sr_rt_strings[i].name) == &sr_rt_strings[i], "%s not found", sr_rt_strings[i].name);
	}
	/* the ELF parser keeps a fixed array of found flags */
	CHECK(sr_rt_nstrings <= 16);
	CHECK(sr_rt_string("/etc/shadow") == NULL);
	return sr_test_summary("test_rtsym");
}
