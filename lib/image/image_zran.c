/* shipready — random access into a gzip layer (see image_internal.h).
 *
 * While a layer streams through once, an access point is kept every span
 * bytes of output, at a deflate block boundary: where the block starts in
 * the compressed bytes (and at which bit), and the 32 KiB of output before
 * it, which is all a deflate decoder needs to go on from there.  A read at
 * any offset then starts at the nearest point below it and inflates only
 * from there.  Points are bounded per layer: when they run out, every other
 * one goes and the span doubles.  Concatenated gzip members (pigz, some
 * registries) are followed across their trailers and headers.
 *
 * A read leaves its decoder where it stopped, in a small pool per layer:
 * the next read at or after that offset (the rest of the same file, the
 * next file of a walk in the layer's order) goes on from there instead of
 * from a point.  `make bench` (bench/scan.sh, a debootstrap root as one
 * gzip layer) shows why: without the pool a scan inflated 30 times the
 * bytes it asked for, each read starting up to a span before them. */
#include "image/image_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define WINDOW 32768u
#define SPAN_FIRST ((uint64_t)1 << 20)
#define POINTS_MAX 64u     /* per layer: 2 MiB of windows; a larger layer spaces them wider */

struct zpoint {
	uint64_t out;          /* output offset of the point */
	uint64_t in;           /* input offset of the first byte holding the block's bits */
	int bits;              /* bits of the byte at in-1 that belong to the block (0: none); -1: a member's start */
	unsigned char *window; /* the 32 KiB of output before out (NULL at a member's start) */
};

#define CURSORS 4u   /* decoders kept per layer: about 50 KiB each */

/* A decoder stopped at output offset out, ready to go on. */
struct zcursor {
	z_stream s;
	uint64_t out;          /* output offset of the next byte it makes */
	uint64_t in;           /* input offset of the next byte it reads */
	bool raw;              /* raw deflate: the member's trailer is ours to skip */
	bool trailer;          /* after a member's end: the next member starts at in */
	unsigned char inbuf[16384];
};

struct image_zran {
	struct zpoint *pt;
	size_t n;
	uint64_t span;
	pthread_mutex_t mu;    /* the pool */
	struct zcursor *pool[CURSORS];
	unsigned long long used[CURSORS];   /* when each was put back, for the least recent */
	unsigned long long tick;
};

static void cursor_free(struct zcursor *c)
{
	if (c) {
		inflateEnd(&c->s);
		free(c);
	}
}

void image_zran_free(struct image_zran *z)
{
	if (!z)
		return;
	for (size_t i = 0; i < CURSORS; i++)
		cursor_free(z->pool[i]);
	pthread_mutex_destroy(&z->mu);
	for (size_t i = 0; i < z->n; i++)
		free(z->pt[i].window);
	free(z->pt);
	free(z);
}

/* ---------- building, as the layer streams ---------- */

struct image_inflater {
	z_stream s;
	bool started, member_end, done;
	uint64_t in_total, out_total;  /* bytes taken and made so far */
	uint64_t last_point;           /* output offset of the newest point */
	unsigned char window[WINDOW];  /* output, written round: the newest WINDOW bytes */
	size_t wpos;                   /* where the next output goes in window */
	struct image_zran *z;
	bool failed;
};

struct image_inflater *image_inflater_new(void)
{
	struct image_inflater *f = calloc(1, sizeof *f);
	struct image_zran *z = calloc(1, sizeof *z);
	if (!f || !z || inflateInit2(&f->s, 47) != Z_OK) {   /* 47: gzip or zlib header, 32 KiB window */
		free(f);
		free(z);
		return NULL;
	}
	z->span = SPAN_FIRST;
	pthread_mutex_init(&z->mu, NULL);
	f->z = z;
	f->started = true;
	return f;
}

struct image_zran *image_inflater_take(struct image_inflater *f)
{
	struct image_zran *z = f->z;
	f->z = NULL;
	return z;
}

void image_inflater_free(struct image_inflater *f)
{
	if (!f)
		return;
	inflateEnd(&f->s);
	image_zran_free(f->z);
	free(f);
}

/* Every other point goes (the first stays), and the span doubles. */
static void thin(struct image_zran *z)
{
	size_t k = 0;
	for (size_t i = 0; i < z->n; i++) {
		if (i % 2 == 0)
			z->pt[k++] = z->pt[i];
		else
			free(z->pt[i].window);
	}
	z->n = k;
	z->span *= 2;
}

static bool add_point(struct image_inflater *f, int bits)
{
	struct image_zran *z = f->z;
	if (z->n == POINTS_MAX)
		thin(z);
	if (z->n && bits != -1 && f->out_total - z->pt[z->n - 1].out < z->span)
		return true;   /* thinned: this one is now too close */
	struct zpoint *g = realloc(z->pt, (z->n + 1) * sizeof *g);
	if (!g)
		return false;
	z->pt = g;
	struct zpoint *p = &z->pt[z->n];
	*p = (struct zpoint){ .out = f->out_total, .in = f->in_total, .bits = bits };
	if (bits != -1) {
		p->window = malloc(WINDOW);
		if (!p->window)
			return false;
		/* the window, oldest byte first */
		memcpy(p->window, f->window + f->wpos, WINDOW - f->wpos);
		memcpy(p->window + (WINDOW - f->wpos), f->window, f->wpos);
	}
	z->n++;
	f->last_point = f->out_total;
	return true;
}

long image_inflater_run(struct image_inflater *f, const unsigned char *in, size_t *in_len, const void **out)
{
	*out = NULL;
	if (f->failed)
		return -1;
	if (f->done)
		return 0;   /* past the last member: trailing bytes (zeros) are taken and ignored, as gzip does */
	if (f->member_end) {
		/* a next member after the trailer: a fresh header */
		if (*in_len == 0)
			return 0;
		if (in[0] != 0x1f) {   /* padding, not a member */
			f->done = true;
			return 0;
		}
		if (inflateReset2(&f->s, 47) != Z_OK) {
			f->failed = true;
			return -1;
		}
		f->member_end = false;
		f->started = true;
	}
	if (f->started) {
		f->started = false;
		if (!add_point(f, -1)) {
			f->failed = true;
			return -1;
		}
	}
	if (f->wpos == WINDOW)
		f->wpos = 0;
	f->s.next_in = (Bytef *)in;   /* zlib's API is not const; it does not write the input */
	f->s.avail_in = (uInt)*in_len;
	f->s.next_out = f->window + f->wpos;
	f->s.avail_out = (uInt)(WINDOW - f->wpos);
	unsigned char *start = f->window + f->wpos;
	int r = inflate(&f->s, Z_BLOCK);
	size_t took = *in_len - f->s.avail_in;
	size_t made = (size_t)(f->s.next_out - start);
	*in_len = took;
	f->in_total += took;
	f->out_total += made;
	f->wpos += made;
	if (r == Z_STREAM_END) {
		f->member_end = true;
	} else if (r != Z_OK && r != Z_BUF_ERROR) {
		f->failed = true;
		return -1;
	} else if ((f->s.data_type & 128) && !(f->s.data_type & 64) && f->out_total - f->last_point >= f->z->span) {
		/* the end of a block (not the last): a point here */
		if (!add_point(f, f->s.data_type & 7)) {
			f->failed = true;
			return -1;
		}
	}
	*out = start;
	return (long)made;
}

const char *image_inflater_error(const struct image_inflater *f)
{
	return f->s.msg ? f->s.msg : "not a gzip stream";
}

/* ---------- reading at an offset ---------- */

/* A decoder at point p. */
static struct zcursor *cursor_at(const struct zpoint *p, int fd, uint64_t base)
{
	struct zcursor *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	if (inflateInit2(&c->s, p->bits == -1 ? 47 : -15) != Z_OK) {
		free(c);
		return NULL;
	}
	c->raw = p->bits != -1;
	c->in = p->in;
	c->out = p->out;
	if (p->bits > 0) {
		unsigned char ch;
		if (pread(fd, &ch, 1, (off_t)(base + p->in - 1)) != 1) {
			cursor_free(c);
			return NULL;
		}
		inflatePrime(&c->s, p->bits, ch >> (8 - p->bits));
	}
	if (p->bits != -1)
		inflateSetDictionary(&c->s, p->window, WINDOW);
	return c;
}

/* Take from the pool the decoder that stands closest below at, if it is
 * closer than from (the nearest point's offset); NULL when none is. */
static struct zcursor *cursor_take(struct image_zran *z, uint64_t at, uint64_t from)
{
	pthread_mutex_lock(&z->mu);
	size_t best = CURSORS;
	for (size_t i = 0; i < CURSORS; i++)
		if (z->pool[i] && z->pool[i]->out <= at && z->pool[i]->out >= from &&
		    (best == CURSORS || z->pool[i]->out > z->pool[best]->out))
			best = i;
	struct zcursor *c = NULL;
	if (best < CURSORS) {
		c = z->pool[best];
		z->pool[best] = NULL;
	}
	pthread_mutex_unlock(&z->mu);
	return c;
}

/* Put a decoder back, in place of the least recently used one. */
static void cursor_put(struct image_zran *z, struct zcursor *c)
{
	pthread_mutex_lock(&z->mu);
	size_t slot = 0;
	for (size_t i = 0; i < CURSORS; i++) {
		if (!z->pool[i]) {
			slot = i;
			break;
		}
		if (z->used[i] < z->used[slot])
			slot = i;
	}
	struct zcursor *old = z->pool[slot];
	z->pool[slot] = c;
	z->used[slot] = ++z->tick;
	pthread_mutex_unlock(&z->mu);
	cursor_free(old);
}

/* Inflate from c until n bytes at offset at are in buf (what is before at
 * made and dropped); how many were, or -1 when the stream is corrupt. */
static long cursor_read(struct zcursor *c, int fd, uint64_t base, uint64_t size, uint64_t at, void *buf, size_t n)
{
	unsigned char skip[16384];
	size_t got = 0;
	while (got < n) {
		if (c->s.avail_in == 0) {
			if (c->in >= size)
				break;
			size_t want = sizeof c->inbuf;
			if (want > size - c->in)
				want = (size_t)(size - c->in);
			ssize_t k = pread(fd, c->inbuf, want, (off_t)(base + c->in));
			if (k <= 0) {
				if (k < 0 && errno == EINTR)
					continue;
				return -1;
			}
			c->in += (uint64_t)k;
			c->s.next_in = c->inbuf;
			c->s.avail_in = (uInt)k;
		}
		if (c->trailer) {
			/* a member must start here */
			if (c->s.next_in[0] != 0x1f || inflateReset2(&c->s, 47) != Z_OK)
				break;
			c->trailer = false;
			c->raw = false;
		}
		/* before at: into the scratch buffer; then into buf */
		bool skipping = c->out < at;
		c->s.next_out = skipping ? skip : (unsigned char *)buf + got;
		c->s.avail_out = skipping ? (uInt)(at - c->out < sizeof skip ? at - c->out : sizeof skip) : (uInt)(n - got);
		unsigned char *o0 = c->s.next_out;
		int r = inflate(&c->s, Z_NO_FLUSH);
		size_t made = (size_t)(c->s.next_out - o0);
		c->out += made;
		if (!skipping)
			got += made;
		if (r == Z_STREAM_END) {
			/* skip the member's trailer (8 bytes) from what is at hand or still to come */
			size_t t = c->raw ? 8 : 0;
			while (t > 0) {
				if (c->s.avail_in == 0) {
					unsigned char c8[8];
					ssize_t k = pread(fd, c8, t, (off_t)(base + c->in));
					if (k <= 0)
						break;
					c->in += (uint64_t)k;
					t -= (size_t)k;
					continue;
				}
				size_t d = c->s.avail_in < t ? c->s.avail_in : t;
				c->s.next_in += d;
				c->s.avail_in -= (uInt)d;
				t -= d;
			}
			c->trailer = true;
			if (t > 0)
				break;
		} else if (r != Z_OK && r != Z_BUF_ERROR) {
			return -1;
		} else if (r == Z_BUF_ERROR && c->s.avail_in != 0) {
			return -1;
		}
	}
	return (long)got;
}

long image_zran_read(struct image_zran *z, int fd, uint64_t base, uint64_t size, uint64_t at, void *buf, size_t n)
{
	if (!z->n || n == 0)
		return 0;
	/* the last point at or below at */
	size_t lo = 0, hi = z->n;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (z->pt[mid].out <= at)
			lo = mid;
		else
			hi = mid;
	}
	struct zcursor *c = cursor_take(z, at, z->pt[lo].out);
	if (!c && !(c = cursor_at(&z->pt[lo], fd, base)))
		return -1;
	long got = cursor_read(c, fd, base, size, at, buf, n);
	if (got < 0) {
		cursor_free(c);
		return -1;
	}
	cursor_put(z, c);
	return got;
}
