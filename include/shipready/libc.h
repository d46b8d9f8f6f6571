/* shipready — facts about C libraries, from data/libc.json (compiled in):
 * which C library an interpreter or a DT_NEEDED name belongs to, which
 * shared objects a C library installs itself, the names musl's loader
 * answers with itself, and glibc's loader path per machine.  The ELF
 * parser, the loader model, the runtimes and check all ask here. */
#ifndef SHIPREADY_LIBC_H
#define SHIPREADY_LIBC_H

#include <stdbool.h>
#include <stdint.h>

#include "shipready/strlist.h"

enum sr_libc {
	SR_LIBC_UNKNOWN = 0,
	SR_LIBC_NONE,            /* no C library at all (e.g. a pure Go binary) */
	SR_LIBC_GLIBC,
	SR_LIBC_MUSL,
	SR_LIBC_BIONIC,
	SR_LIBC_UCLIBC,
};

const char *sr_libc_name(enum sr_libc l);            /* "glibc", "musl", … "unknown" */

/* The C library a program interpreter (PT_INTERP, in any directory) is the
 * loader of; needed (or NULL) settles "ld.so.1", which is glibc's unless the
 * program needs "libc.so".  SR_LIBC_UNKNOWN for another name. */
enum sr_libc sr_libc_of_interpreter(const char *interp, const struct sr_strlist *needed);

/* The C library whose own C library name a DT_NEEDED entry is ("libc.so.6":
 * glibc, "libc.musl-x86_64.so.1": musl, "libc.so.0": uClibc), else
 * SR_LIBC_UNKNOWN.  ("libc.so" is musl's or, with an Android note,
 * bionic's: the caller knows the notes.) */
enum sr_libc sr_libc_of_soname(const char *needed);

/* Does a machine whose C library is family (of version, e.g. "2.31", or
 * NULL when unknown; arch in check's spelling, e.g. "x86_64", or NULL) have
 * the shared object soname from its C library alone?  glibc: the objects
 * it installs (those added in a later release than version, or not built
 * for arch, are not there); musl: the names its loader answers with itself
 * and its own loader and libc.musl names. */
bool sr_libc_provides(enum sr_libc family, const char *version, const char *arch, const char *soname);

/* Is soname part of some C library (glibc's objects, musl's names)? */
bool sr_libc_part(const char *soname);

/* Does musl's loader answer a DT_NEEDED of this name with itself ("lib" +
 * c, pthread, rt, m, dl, util or xnet + ".")? */
bool sr_libc_musl_answers(const char *name);

/* Does musl's libc.so (its loader binds imports to it) define symbol name
 * in release version ("1.2.5"; NULL: unknown)?  From data/musl-symbols.json:
 * the defined symbols of two releases, and the LFS64 names (stat64, …) the
 * loader resolves itself from 1.2.4 on.  Unknown for a symbol one of the
 * releases has and the other not, when version lies between them or is
 * not known. */
enum sr_symbol_answer { SR_SYMBOL_DEFINED = 0, SR_SYMBOL_MISSING, SR_SYMBOL_UNKNOWN };
enum sr_symbol_answer sr_libc_musl_defines(const char *name, const char *version);

/* glibc's loader for a machine (ELF class 32/64, e_flags, byte order): what
 * ldd runs a library without PT_INTERP under.  NULL when not known. */
const char *sr_libc_glibc_interpreter(uint16_t machine, unsigned elf_class, uint32_t eflags, bool big_endian);

/* Debian's multiarch triplet for a machine ("x86_64-linux-gnu",
 * "arm-linux-gnueabihf" when eflags has EF_ARM_ABI_FLOAT_HARD, …), as in
 * /usr/lib/<triplet>; NULL for machines Debian has no port for. */
const char *sr_libc_multiarch_triplet(uint16_t machine, unsigned elf_class, uint32_t eflags, bool big_endian);

/* The directory upstream glibc installs its libraries in for a machine
 * ("lib64", "libx32", "lib64/lp64d"): its loader searches /SLIBDIR and
 * /usr/SLIBDIR by default.  NULL: lib, so /lib and /usr/lib. */
const char *sr_libc_glibc_slibdir(uint16_t machine, unsigned elf_class, uint32_t eflags, bool big_endian);

/* Every directory a glibc loader of some machine searches by default
 * (Debian's multiarch ones, upstream's slibdirs, /lib, /usr/lib), x86_64's
 * first: where a root's libc.so.6 may be. */
const char *const *sr_libc_glibc_dirs_any_machine(size_t *count);

/* musl's built-in library path, when /etc/ld-musl-ARCH.path is absent
 * ("/lib:/usr/local/lib:/usr/lib"). */
const char *sr_libc_musl_default_path(void);

#endif
