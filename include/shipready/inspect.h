/* shipready — inspect one file: detect its format and read its facts. */
#ifndef SHIPREADY_INSPECT_H
#define SHIPREADY_INSPECT_H

#include "shipready/elf.h"
#include "shipready/error.h"
#include "shipready/file.h"
#include "shipready/go.h"
#include "shipready/image.h"
#include "shipready/macho.h"
#include "shipready/pe.h"
#include "shipready/root.h"

enum sr_format { SR_FMT_UNKNOWN = 0, SR_FMT_ELF, SR_FMT_PE, SR_FMT_MACHO };

struct sr_inspect {
	const char *path;            /* as given */
	const char *root;            /* the --root directory, or NULL */
	char resolved[SR_ROOT_MAX_PATH + 1];   /* with a root: the canonical path inside it */
	enum sr_format format;
	struct sr_file file;
	struct sr_elf *elf;          /* when format == SR_FMT_ELF */
	struct sr_pe *pe;            /* when format == SR_FMT_PE */
	struct sr_macho *macho;      /* when format == SR_FMT_MACHO */
	struct sr_go_info *go;       /* a Go binary (ELF, PE, thin Mach-O), unless SR_INSPECT_NO_GO */
	struct sr_go_info **macho_go;   /* Mach-O: per slice (NULL entries: not Go) */
};

/* Detect the format of the bytes in r. */
enum sr_format sr_detect_format(const struct sr_reader *r);
const char *sr_format_name(enum sr_format f);

/* Open and analyse path.  On failure err holds a one-line reason. */
enum sr_err sr_inspect_path(const char *path, struct sr_inspect *out, struct sr_error *err);
/* The same, with path looked up inside root (see shipready/root.h). */
enum sr_err sr_inspect_path_root(const struct sr_root *root, const char *path, struct sr_inspect *out,
                                 struct sr_error *err);
/* The same for path inside root that the caller has opened itself as fd,
 * confined as a lookup in root would be (a walk of its directories that
 * followed no symlink), so that path is its canonical path there.  fd is
 * taken over. */
enum sr_err sr_inspect_fd_root(const struct sr_root *root, const char *path, int fd, struct sr_inspect *out,
                               struct sr_error *err);
void sr_inspect_free(struct sr_inspect *in);

/* sr_inspect_path with options: SR_INSPECT_HEADERS_ONLY reads no symbol
 * tables (see SR_ELF_NO_SYMBOLS); SR_INSPECT_NO_GO skips the Go reader. */
#define SR_INSPECT_HEADERS_ONLY 0x1u
#define SR_INSPECT_NO_GO 0x2u
enum sr_err sr_inspect_path_ex(const char *path, unsigned flags, struct sr_inspect *out, struct sr_error *err);

/* The same for name relative to the directory descriptor dirfd (symlinks
 * followed); path is what reports show. */
enum sr_err sr_inspect_path_at(int dirfd, const char *name, const char *path, unsigned flags,
                               struct sr_inspect *out, struct sr_error *err);

/* What the analysed file is for: "program" (an ELF executable or PIE, a PE
 * image without IMAGE_FILE_DLL, MH_EXECUTE), "library" (a shared object, a
 * DLL, MH_DYLIB or MH_BUNDLE), "object" (ET_REL, MH_OBJECT), "core", or
 * "other".  A universal Mach-O file is what its first slice is. */
const char *sr_inspect_role(const struct sr_inspect *in);

/* The kernel floors a file states: a static glibc program refuses a
 * kernel older than its NT_GNU_ABI_TAG ("FATAL: kernel too old"), and a Go
 * program needs its release's floor.  check, diff and preflight read them
 * here. */
struct sr_kernel_floor {
	char glibc[48];              /* "3.2.0", or "" */
	const char *go;              /* struct sr_go_info.min_kernel ("2.6.32"), or NULL */
};
void sr_inspect_kernel_floor(const struct sr_inspect *in, struct sr_kernel_floor *out);

/* The memory image of an analysed file (NULL when the format has none yet). */
const struct sr_image *sr_inspect_image(const struct sr_inspect *in);

#endif
