/* shipready — the C library facts of data/libc.json (see shipready/libc.h).
 * The tables are generated at build time (tools/gen_libc_facts.py). */
#include <elf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "shipready/elf.h"
#include "shipready/libc.h"
#include "util/strlist.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

/* A name in a rule: exact, or a prefix. */
struct name_rule {
	enum sr_libc family;
	bool prefix;
	const char *name;
	const char *unless_needed;   /* the rule does not hold when the program needs this */
};

/* An object the C library installs; arch NULL: on every machine; since NULL:
 * in every release. */
struct libc_library {
	enum sr_libc family;
	const char *name;
	const char *arch;
	const char *since;
};

/* A fact for a machine: its loader, multiarch triplet, or slibdir. */
struct machine_row {
	uint16_t machine;
	unsigned elf_class;          /* 0: either */
	int float_abi;               /* 0: any, 1: hard, 2: soft (ARM EF_ARM_ABI_FLOAT_HARD) */
	int endian;                  /* 0: any, 1: big, 2: little */
	const char *value;
};

#include "libc_facts.h"

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

const char *sr_libc_name(enum sr_libc l)
{
	switch (l) {
	case SR_LIBC_NONE: return "none";
	case SR_LIBC_GLIBC: return "glibc";
	case SR_LIBC_MUSL: return "musl";
	case SR_LIBC_BIONIC: return "bionic";
	case SR_LIBC_UCLIBC: return "uclibc";
	default: return "unknown";
	}
}

static bool rule_matches(const struct name_rule *r, const char *name, const struct sr_strlist *needed)
{
	bool hit = r->prefix ? strncmp(name, r->name, strlen(r->name)) == 0 : strcmp(name, r->name) == 0;
	return hit && !(r->unless_needed && needed && sr_strlist_has(needed, r->unless_needed));
}

enum sr_libc sr_libc_of_interpreter(const char *interp, const struct sr_strlist *needed)
{
	if (!interp)
		return SR_LIBC_UNKNOWN;
	const char *b = strrchr(interp, '/');
	b = b ? b + 1 : interp;
	for (size_t i = 0; i < COUNT(interp_rules); i++)
		if (rule_matches(&interp_rules[i], b, needed))
			return interp_rules[i].family;
	return SR_LIBC_UNKNOWN;
}

enum sr_libc sr_libc_of_soname(const char *needed)
{
	for (size_t i = 0; needed && i < COUNT(soname_rules); i++)
		if (rule_matches(&soname_rules[i], needed, NULL))
			return soname_rules[i].family;
	return SR_LIBC_UNKNOWN;
}

bool sr_libc_musl_answers(const char *name)
{
	if (strncmp(name, "lib", 3) != 0)
		return false;
	for (size_t i = 0; i < COUNT(musl_loader_answers); i++) {
		size_t n = strlen(musl_loader_answers[i]);
		if (strncmp(name + 3, musl_loader_answers[i], n) == 0 && name[3 + n] == '.')
			return true;
	}
	return false;
}

/* One of the family's own names: its loader or its C library name. */
static bool own_name(enum sr_libc family, const char *soname)
{
	return sr_libc_of_interpreter(soname, NULL) == family || sr_libc_of_soname(soname) == family;
}

bool sr_libc_provides(enum sr_libc family, const char *version, const char *arch, const char *soname)
{
	if (family == SR_LIBC_MUSL)
		return sr_libc_musl_answers(soname) || own_name(family, soname);
	for (size_t i = 0; i < COUNT(libc_libraries); i++) {
		const struct libc_library *l = &libc_libraries[i];
		if (l->family != family || strcmp(l->name, soname) != 0)
			continue;
		if (l->arch && (!arch || strcmp(l->arch, arch) != 0))
			continue;   /* built for other machines (or the machine is unknown) */
		if (!l->since || !version || sr_version_cmp(version, l->since) >= 0)
			return true;
	}
	return false;
}

bool sr_libc_part(const char *soname)
{
	for (size_t i = 0; i < COUNT(libc_libraries); i++)
		if (strcmp(libc_libraries[i].name, soname) == 0)
			return true;
	return sr_libc_musl_answers(soname) || sr_libc_of_interpreter(soname, NULL) != SR_LIBC_UNKNOWN ||
	       sr_libc_of_soname(soname) != SR_LIBC_UNKNOWN;
}

static int name_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

#define HAS(list, name) (bsearch((name), (list), COUNT(list), sizeof (list)[0], name_cmp) != NULL)

/* NAME64 that musl's loader resolves to NAME (ldso/dynlink.c get_lfs64). */
static bool lfs64_name(const char *name)
{
	if (strcmp(name, "readdir64_r") == 0)
		return true;
	size_t l = strlen(name);
	if (l < 3 || l > 40 || strcmp(name + l - 2, "64") != 0)
		return false;
	char base[48];
	memcpy(base, name, l - 2);
	base[l - 2] = '\0';
	return HAS(musl_lfs64, base);
}

enum sr_symbol_answer sr_libc_musl_defines(const char *name, const char *version)
{
	if (lfs64_name(name) && (!version || sr_version_cmp(version, musl_lfs64_since) >= 0))
		return SR_SYMBOL_DEFINED;   /* before 1.2.4 the library itself defines them (the older list) */
	bool in_new = HAS(musl_symbols, name);
	bool in_old = (in_new && !HAS(musl_added, name)) || HAS(musl_dropped, name);
	if (in_old == in_new)
		return in_new ? SR_SYMBOL_DEFINED : SR_SYMBOL_MISSING;
	if (version && sr_version_cmp(version, musl_new_version) >= 0)
		return in_new ? SR_SYMBOL_DEFINED : SR_SYMBOL_MISSING;
	if (version && sr_version_cmp(version, musl_old_version) <= 0)
		return in_old ? SR_SYMBOL_DEFINED : SR_SYMBOL_MISSING;
	return SR_SYMBOL_UNKNOWN;   /* between the two releases, or a release not known */
}

/* The value of the first row for the machine, or NULL. */
static const char *machine_fact(const struct machine_row *rows, size_t n, uint16_t machine, unsigned elf_class,
                                uint32_t eflags, bool big_endian)
{
	int float_abi = (eflags & 0x400) ? 1 : 2;   /* EF_ARM_ABI_FLOAT_HARD */
	int endian = big_endian ? 1 : 2;
	for (size_t i = 0; i < n; i++) {
		const struct machine_row *r = &rows[i];
		if (r->machine == machine && (!r->elf_class || r->elf_class == elf_class) &&
		    (!r->float_abi || machine != EM_ARM || r->float_abi == float_abi) && (!r->endian || r->endian == endian))
			return r->value;
	}
	return NULL;
}

const char *sr_libc_glibc_interpreter(uint16_t machine, unsigned elf_class, uint32_t eflags, bool big_endian)
{
	return machine_fact(default_interps, COUNT(default_interps), machine, elf_class, eflags, big_endian);
}

const char *sr_libc_multiarch_triplet(uint16_t machine, unsigned elf_class, uint32_t eflags, bool big_endian)
{
	return machine_fact(multiarch_triplets, COUNT(multiarch_triplets), machine, elf_class, eflags, big_endian);
}

const char *sr_libc_glibc_slibdir(uint16_t machine, unsigned elf_class, uint32_t eflags, bool big_endian)
{
	return machine_fact(glibc_slibdirs, COUNT(glibc_slibdirs), machine, elf_class, eflags, big_endian);
}

const char *const *sr_libc_glibc_dirs_any_machine(size_t *count)
{
	*count = COUNT(glibc_dirs_any_machine);
	return glibc_dirs_any_machine;
}

const char *sr_libc_musl_default_path(void)
{
	return musl_default_path;
}
