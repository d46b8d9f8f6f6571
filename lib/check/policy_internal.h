/* shipready — the policy inside the library: the checked rules of one
 * policy file (lib/check/policy.c), and the matchers the rules use
 * (lib/check/policy_match.c: globs, Go module versions, Go toolchain
 * versions).  Unit tests include this header too. */
#ifndef SR_CHECK_POLICY_INTERNAL_H
#define SR_CHECK_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "shipready/policy.h"
#include "shipready/semver.h"
#include "util/arena.h"

/* Limits on one policy (beyond the JSON reader's, see policy_json.h). */
#define SR_POLICY_MAX_LIST     256u    /* entries of a list (libraries, modules, targets) */
#define SR_POLICY_MAX_VERSIONS 64u     /* version ranges of one forbidden module */
#define SR_POLICY_MAX_PATTERN  256u    /* bytes of one glob */
#define SR_POLICY_MAX_VIOLATIONS 4096u /* listed per evaluation; the rest are counted */

/* ---------- globs (fnmatch-like, bounded) ---------- */

/* Why pat is not a valid glob (static text), or NULL when it is.  Syntax:
 * '*' any bytes (including '/'), '?' one byte, [abc] [a-z] [!a-z] [^a-z]
 * one byte of a set, '\' quotes the next byte. */
const char *sr_policy_glob_error(const char *pat);
/* Match a whole string; casefold compares ASCII letters case-insensitively.
 * O(len(pat) * len(s)) at worst: no backtracking blow-up. */
bool sr_policy_glob_match(const char *pat, const char *s, bool casefold);

enum sr_policy_vop { SR_POLICY_VOP_EQ = 0, SR_POLICY_VOP_LT, SR_POLICY_VOP_LE, SR_POLICY_VOP_GT, SR_POLICY_VOP_GE };

struct sr_policy_vcmp {
	enum sr_policy_vop op;
	const char *version;
};

/* One "versions" entry: comparisons joined by ',' (all must hold). */
struct sr_policy_vrange {
	const char *text;               /* as written */
	struct sr_policy_vcmp *cmp;
	size_t n;
};

/* Parse "< v0.17.0", ">= v1.0.0, < v1.2.5", "v1.2.3" into r (strings in a).
 * On failure returns false with *why set (static text). */
bool sr_policy_vrange_parse(struct sr_arena *a, const char *text, struct sr_policy_vrange *r, const char **why);
/* Does the valid version v satisfy every comparison of r? */
bool sr_policy_vrange_match(const struct sr_policy_vrange *r, const char *v);

/* ---------- Go toolchain versions ---------- */

struct sr_policy_gover {
	unsigned major, minor, patch;
	unsigned pre;                   /* 0 release; 1 beta; 2 rc (a release is higher) */
	unsigned prenum;
};

/* A policy's "min_go_version": "1.21", "1.21.5", optionally with "go" in
 * front; no prereleases. */
bool sr_policy_gover_parse_min(const char *s, struct sr_policy_gover *out);
int sr_policy_gover_cmp(const struct sr_policy_gover *a, const struct sr_policy_gover *b);

/* What a binary says (struct sr_go_info.version): an exact release
 * ("go1.22.4", "go1.21rc2", "go1.22.4 X:…"), or a range from the pclntab
 * layout ("go1.18 to go1.19": lo 1.18.0, hi_minor 1.19; "go1.20 or later":
 * no hi).  devel toolchains and anything else are unknown. */
enum sr_policy_gover_kind { SR_POLICY_GOVER_UNKNOWN = 0, SR_POLICY_GOVER_EXACT, SR_POLICY_GOVER_RANGE };
struct sr_policy_gover_bin {
	enum sr_policy_gover_kind kind;
	struct sr_policy_gover lo;         /* EXACT: the version */
	bool has_hi;                    /* RANGE: an upper bound exists */
	unsigned hi_major, hi_minor;    /* RANGE: every 1.hi_minor.x release */
};
void sr_policy_gover_parse_bin(const char *s, struct sr_policy_gover_bin *out);

/* ---------- the policy ---------- */

#define SR_POLICY_LINK_STATIC     0x1u
#define SR_POLICY_LINK_STATIC_PIE 0x2u
#define SR_POLICY_LINK_DYNAMIC    0x4u

struct sr_policy_symmax {
	const char *family;             /* "GLIBC" */
	const char *version;            /* "2.17" */
};

struct sr_policy_gomod {
	const char *path;               /* a glob on module paths */
	struct sr_policy_vrange *ranges;   /* none: every version is forbidden */
	size_t nranges;
};

struct sr_policy {
	struct sr_arena *arena;
	const char *name;               /* built-in name, the file's "name", or its path */
	const char *description;        /* or NULL */
	bool builtin;

	bool has_allowed;               /* "allowed_libraries" given (maybe empty: no library at all) */
	const char **allowed;
	size_t nallowed;
	const char **forbidden;
	size_t nforbidden;
	struct sr_policy_symmax *symmax;
	size_t nsymmax;
	unsigned linkage;               /* SR_POLICY_LINK_* allowed; 0: no rule */
	bool require_pie, require_full_relro, require_nx, forbid_rpath;
	int cgo_want;                   /* -1: must not use cgo, 1: must, 0: no rule */
	const char *cgo_key;            /* the key that set it: "forbid_cgo" or "require_cgo" */
	bool has_min_go;
	struct sr_policy_gover min_go;
	const char *min_go_text;        /* as written */
	bool has_max_go;
	struct sr_policy_gover max_go;
	bool max_go_any_patch;          /* "1.23": every 1.23.x */
	const char *max_go_text;        /* as written */
	struct sr_policy_gomod *gomods;
	size_t ngomods;
	bool has_allowed_gomods;        /* "allowed_go_modules" given (maybe empty: no dependency at all) */
	struct sr_policy_gomod *allowed_gomods;
	size_t nallowed_gomods;
	bool require_trimpath, require_vcs_clean;
	/* what goes into a build (shipready compile-deps) */
	bool has_header_rule;           /* allowed_header_packages or allowed_include_dirs given */
	const char **header_packages;
	size_t nheader_packages;
	const char **include_dirs;
	size_t ninclude_dirs;
	bool has_archive_rule;          /* allowed_static_archives given */
	const char **archives;
	size_t narchives;
	const char **targets;
	size_t ntargets;
	bool fail_on_warnings;
};

/* The built-in policies: name and embedded JSON (data/policies/NAME.json). */
struct sr_policy_builtin_json {
	const char *name;
	const unsigned char *json;
	const size_t *len;
};
extern const struct sr_policy_builtin_json sr_policy_embedded[];
extern const size_t sr_policy_nembedded;

#endif
