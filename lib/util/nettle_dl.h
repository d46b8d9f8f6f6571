/* shipready — nettle's SHA-256 and base64 decoder, loaded when first used.
 *
 * Only some commands hash: `image` (its blobs and digests), SBOMs, image
 * reading, SARIF reports (fingerprints).  Linked, libnettle would be
 * loaded by every command, and its constructor asks CPUID for its
 * accelerated code paths: in a virtual machine that alone costs about
 * 0.1 ms per run, more than `deps` spends on a program.  So the library
 * calls the three functions it needs through shims that load
 * libnettle.so.8 with dlopen(3) on first use; the calls read as plain
 * nettle calls (the macros rename them).  Call sr_nettle_load before the
 * first hash to turn a missing library into an error; after a failed load
 * the shims do nothing. */
#ifndef SHIPREADY_UTIL_NETTLE_DL_H
#define SHIPREADY_UTIL_NETTLE_DL_H

#include <nettle/base64.h>
#include <nettle/sha2.h>
#include <nettle/version.h>

#include "shipready/error.h"

/* nettle 3.6 and later (Debian 11 on) have this soname */
#define SR_LIBNETTLE_SONAME "libnettle.so.8"
_Static_assert(NETTLE_VERSION_MAJOR == 3 && NETTLE_VERSION_MINOR >= 6, "libnettle.so.8 is nettle 3.6 or later");

enum sr_err sr_nettle_load(struct sr_error *err);

void sr_sha256_init(struct sha256_ctx *ctx);
void sr_sha256_update(struct sha256_ctx *ctx, size_t length, const uint8_t *data);
void sr_sha256_digest(struct sha256_ctx *ctx, size_t length, uint8_t *digest);
void sr_base64_decode_init(struct base64_decode_ctx *ctx);
int sr_base64_decode_update(struct base64_decode_ctx *ctx, size_t *dst_length, uint8_t *dst, size_t src_length,
                            const char *src);
int sr_base64_decode_final(struct base64_decode_ctx *ctx);

/* nettle's own names are macros for nettle_sha256_*: point them here */
#undef sha256_init
#undef sha256_update
#undef sha256_digest
#define sha256_init sr_sha256_init
#define sha256_update sr_sha256_update
#define sha256_digest sr_sha256_digest
#undef base64_decode_init
#undef base64_decode_update
#undef base64_decode_final
#define base64_decode_init sr_base64_decode_init
#define base64_decode_update sr_base64_decode_update
#define base64_decode_final sr_base64_decode_final

#endif
