/* shipready — nettle's SHA-256 and base64 decoder loaded on first use (see nettle_dl.h). */
#include "util/nettle_dl.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>

/* the shims have the real functions' types */
_Static_assert(_Generic(&sr_sha256_init, __typeof__(nettle_sha256_init) *: 1, default: 0), "sr_sha256_init");
_Static_assert(_Generic(&sr_sha256_update, __typeof__(nettle_sha256_update) *: 1, default: 0), "sr_sha256_update");
_Static_assert(_Generic(&sr_sha256_digest, __typeof__(nettle_sha256_digest) *: 1, default: 0), "sr_sha256_digest");
_Static_assert(_Generic(&sr_base64_decode_init, __typeof__(nettle_base64_decode_init) *: 1, default: 0),
               "sr_base64_decode_init");
_Static_assert(_Generic(&sr_base64_decode_update, __typeof__(nettle_base64_decode_update) *: 1, default: 0),
               "sr_base64_decode_update");
_Static_assert(_Generic(&sr_base64_decode_final, __typeof__(nettle_base64_decode_final) *: 1, default: 0),
               "sr_base64_decode_final");

static struct {
	int state;   /* 0 not tried, 1 loaded, -1 failed */
	char why[512];
	__typeof__(nettle_sha256_init) *init;
	__typeof__(nettle_sha256_update) *update;
	__typeof__(nettle_sha256_digest) *digest;
	__typeof__(nettle_base64_decode_init) *b64_init;
	__typeof__(nettle_base64_decode_update) *b64_update;
	__typeof__(nettle_base64_decode_final) *b64_final;
} dl;

static bool load(void)
{
	if (dl.state)
		return dl.state > 0;
	dl.state = -1;
	void *h = dlopen(SR_LIBNETTLE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(dl.why, sizeof dl.why, "%s", e ? e : SR_LIBNETTLE_SONAME ": cannot be loaded");
		return false;
	}
	/* dlsym returns void *: the POSIX way to assign it to a function pointer */
	*(void **)(&dl.init) = dlsym(h, "nettle_sha256_init");
	*(void **)(&dl.update) = dlsym(h, "nettle_sha256_update");
	*(void **)(&dl.digest) = dlsym(h, "nettle_sha256_digest");
	*(void **)(&dl.b64_init) = dlsym(h, "nettle_base64_decode_init");
	*(void **)(&dl.b64_update) = dlsym(h, "nettle_base64_decode_update");
	*(void **)(&dl.b64_final) = dlsym(h, "nettle_base64_decode_final");
	if (!dl.init || !dl.update || !dl.digest || !dl.b64_init || !dl.b64_update || !dl.b64_final) {
		snprintf(dl.why, sizeof dl.why, "%s has no nettle_sha256_init/update/digest or base64 decoder",
		         SR_LIBNETTLE_SONAME);
		return false;
	}
	dl.state = 1;
	return true;
}

enum sr_err sr_nettle_load(struct sr_error *err)
{
	if (load())
		return SR_OK;
	return sr_error_set(err, SR_E_UNSUPPORTED, "%s (install Debian's libnettle8)", dl.why);
}

void sr_sha256_init(struct sha256_ctx *ctx)
{
	if (load())
		dl.init(ctx);
}

void sr_sha256_update(struct sha256_ctx *ctx, size_t length, const uint8_t *data)
{
	if (load())
		dl.update(ctx, length, data);
}

void sr_sha256_digest(struct sha256_ctx *ctx, size_t length, uint8_t *digest)
{
	if (load())
		dl.digest(ctx, length, digest);
}

void sr_base64_decode_init(struct base64_decode_ctx *ctx)
{
	if (load())
		dl.b64_init(ctx);
}

int sr_base64_decode_update(struct base64_decode_ctx *ctx, size_t *dst_length, uint8_t *dst, size_t src_length,
                            const char *src)
{
	return load() ? dl.b64_update(ctx, dst_length, dst, src_length, src) : 0;
}

int sr_base64_decode_final(struct base64_decode_ctx *ctx)
{
	return load() ? dl.b64_final(ctx) : 0;
}
