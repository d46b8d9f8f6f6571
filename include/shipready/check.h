/* shipready — will this binary run there?  A verdict per binary and target
 * (a database entry or a real root directory), each failure with the
 * message the user would see. */
#ifndef SHIPREADY_CHECK_H
#define SHIPREADY_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/analysis.h"
#include "shipready/error.h"
#include "shipready/inspect.h"
#include "shipready/needs.h"
#include "shipready/strlist.h"
#include "shipready/targets.h"

/* Ordered: a result's verdict is the worst of its findings. */
enum sr_verdict {
	SR_VERDICT_RUNS = 0,       /* starts, and every need we know of is met */
	SR_VERDICT_UNKNOWN,        /* starts as far as we know; some fact about the target is unknown */
	SR_VERDICT_WARN,           /* starts, but a feature will fail (no CA roots, no zoneinfo, …) */
	SR_VERDICT_FAILS,          /* does not start */
};

enum sr_severity { SR_SEV_INFO = 0, SR_SEV_UNKNOWN, SR_SEV_WARN, SR_SEV_FAIL };

/* Finding kinds (JSON "kind"):
 *   exec-format     wrong architecture or not an executable format of the OS
 *   wrong-os        an ELF for another OS (FreeBSD, …)
 *   interpreter     PT_INTERP absent on the target
 *   libc            musl program on glibc or the reverse
 *   library         a DT_NEEDED library the target does not have
 *   symbol-version  a required symbol version the target's library lacks
 *   symbol          a symbol the target's C library does not define (a glibc
 *                   object on musl: "Error relocating …: symbol not found")
 *   kernel          the kernel is older than the program needs
 *   ca-roots, zoneinfo, nss, user-db, dns, gconv, locale, dlopen   (see needs.h)
 *   runtime         a runtime the target must have installed (.NET, …) */
struct sr_finding {
	enum sr_severity severity;
	const char *kind;
	const char *reason;        /* plain words: "needs GLIBC_2.34, debian-11 has glibc 2.31" */
	const char *message;       /* what the user would see, or NULL */
	const char *evidence;      /* "__libc_start_main@GLIBC_2.34", "crypto/x509", … or NULL */
	const char *fix;           /* one way out, or NULL */
};

struct sr_check_target_priv;

struct sr_check_target {
	const char *name;                 /* "debian-12", "dir:/srv/root" */
	const struct sr_target *db;       /* database entry, or NULL */
	const char *dir;                  /* root directory, or NULL */
	const char *arch;                 /* the machine it runs on: "x86_64" (dir: the host's) */
	const char *kernel;               /* "6.1" (dir: the host's running kernel), or NULL */
	enum sr_libc libc;                /* dir: from the files found; db: from the entry */
	const char *libc_version;         /* or NULL */
	struct sr_check_target_priv *priv;
};

/* Open a target from its spec: a database name or "dir:PATH".  Errors:
 * "unknown target 'x' (see shipready targets)", or why PATH cannot be used. */
enum sr_err sr_check_target_open(const struct sr_targets *db, const char *spec, struct sr_check_target **out,
                                 struct sr_error *err);
void sr_check_target_free(struct sr_check_target *t);

/* A target that is a root already open (a directory, or an image's tree,
 * which must outlive the target), named name; machine (GOARCH or uname
 * spelling) when the root says what runs it, else NULL. */
struct sr_root;
enum sr_err sr_check_target_of_root(const struct sr_root *root, const char *name, const char *machine,
                                    struct sr_check_target **out, struct sr_error *err);

/* The machine name targets use ("x86_64", "aarch64", "i386", "arm", …) for
 * Go's or uname's spelling ("amd64", "arm64", "386", "armv7l", …); NULL if
 * unknown. */
const char *sr_check_arch_name(const char *s);

/* The i-th spelling sr_check_arch_name knows and its machine name; false
 * past the last. */
bool sr_check_arch_alias_at(size_t i, const char **alias, const char **name);

/* The machine name of an ELF file's e_machine (and class, flags), as
 * targets spell it ("x86_64", "aarch64", "arm", …); NULL if unknown. */
const char *sr_check_binary_arch(const struct sr_elf *e);

/* The default target set when none is given (database names). */
extern const char *const sr_check_default_targets[];

struct sr_check_result_priv;

struct sr_check_result {
	const struct sr_check_target *target;
	enum sr_verdict verdict;
	struct sr_finding *findings;      /* failures first, then warnings, unknowns, infos */
	size_t nfindings;
	struct sr_check_result_priv *priv;
};

/* Judge one analysed binary against one target: its inspect facts and
 * needs, and for a dir: target (or a program carrying libraries through
 * $ORIGIN) its dependencies, resolved through the analysis so that every
 * target and command reads the same resolution. */
enum sr_err sr_check_run(struct sr_analysis *an, const struct sr_check_target *t, struct sr_check_result **out,
                         struct sr_error *err);
void sr_check_result_free(struct sr_check_result *r);

const char *sr_verdict_name(enum sr_verdict v);    /* "runs", "unknown", "warn", "fails" */
const char *sr_severity_name(enum sr_severity s);  /* "info", "unknown", "warn", "fail" */

#endif
