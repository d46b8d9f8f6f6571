/* shipready — the tree scan (see shipready/scan.h).
 *
 * The walk reads the directories in order and puts the regular files'
 * names, in walk order, into batches of up to SCAN_BATCH files (a batch may
 * span directories).  Full batches go into a ring of SCAN_WINDOW slots.
 * Workers (the calling thread is one) take the batches in turn, read the
 * head of each file, and analyse the binaries; the walk itself is taken in
 * turns by the workers, one at a time, whenever few batches are left (see
 * walk_turn).  A finished batch waits in the ring until every earlier one
 * is finished; then its records go to the caller, so records come out in
 * walk order.  The walk stops while the ring is full, which bounds both the
 * names in flight and the records waiting.
 *
 * Batches, not single files, pass between the threads: a lock and a
 * wake-up per file cost more than reading the file's head (make bench:
 * bench/scan.sh; per file, futex calls were half the system calls).
 *
 * A worker with no new batch to take helps with one already taken: the
 * files of a batch are claimed one at a time (an atomic counter).  One
 * directory of large programs in one batch (google-cloud-sdk/bin: ten Go
 * programs of 5-10 ms each) otherwise kept one worker busy while the ring
 * filled behind it and the other CPU idled: a tenth of scan /usr's time
 * (make bench: bench/scan.sh, perf sched). */
#define _GNU_SOURCE
#include "shipready/scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "shipready/elf.h"
#include "shipready/inspect.h"
#include "shipready/root.h"
#include "shipready/sniff.h"
#include "shipready/vtree.h"

#define SCAN_BATCH 64u             /* files handed over at a time */
#define SCAN_WINDOW 32u            /* batches between the walk and the caller */
#define SCAN_AHEAD 4u              /* batches the walk keeps queued ahead of the workers */
/* Bytes read of every file to tell a binary: a DOS header's, the most the
 * magic numbers need (a PE's signature is read where e_lfanew points).  Not
 * more: each further cache line copied out of the page cache is paid for
 * 155,000 files (make bench: 512 bytes cost 4% more system time in
 * bench/scan.sh). */
#define SCAN_HEAD 64u
#define PROGRESS_NS 100000000L     /* progress every 100 ms */
#define SCAN_DIRS_QUEUED 128u      /* directories kept open for queued files, beyond the walk's */
#define SCAN_DIRS_SLACK 16u        /* of them closed before a walk stopped at the limit goes on */

/* A directory the walk has open: its files are opened relative to it (one
 * name each, no path walk).  Shared by the walk and the queued files in it;
 * closed by whoever lets go of it last. */
struct dirh {
	int fd;
	atomic_uint refs;
};

/* One file of a batch, or a place the walk could not read (its record
 * made already). */
struct item {
	uint32_t rel;              /* where its name below the top starts in the batch's text: "usr/bin/ls" */
	uint32_t name_off;         /* where its last component starts in that name */
	struct dirh *dir;          /* the directory holding it (a reference), until it is opened */
	uint32_t node;             /* a tree's: the file's node */
	bool walk_error;           /* the record is the walk's: nothing to read */
	void *record;              /* the caller's, or NULL */
};

struct batch {
	bool done;                 /* its files are read: its records may go out (under mu) */
	unsigned n;
	atomic_uint next;          /* its next file to claim (past n: none left) */
	unsigned inside;           /* workers claiming its files (under mu): it is not done while any is */
	struct item it[SCAN_BATCH];
	char *text;                /* the items' names, each NUL-terminated */
	size_t len, cap;
};

struct worker {
	struct scan *s;
	pthread_t thread;
	bool started;
	struct sr_run *run;
	struct sr_root root;       /* the top directory: every binary is read inside it */
	bool root_open;
	struct sr_check_target *target;   /* as_root: dir:TOP */
};

struct walk;

/* Why the walk stopped short of a batch: it goes on when a batch's records
 * have gone out (ring full), or when queued files have let go of
 * SCAN_DIRS_SLACK directories. */
enum stall { STALL_NONE, STALL_RING, STALL_DIRS };

struct scan {
	const struct sr_scan_opts *o;
	const char *top;
	const struct sr_root *tree_root;   /* a tree (an image's) is scanned instead of top */

	pthread_mutex_t mu;
	pthread_cond_t work;       /* a batch was queued, the walk may go on, or it ended */
	struct batch *ring[SCAN_WINDOW];
	struct batch *fill;        /* the walk's: being filled, not in the ring */
	uint64_t next_seq;         /* the walk's next batch */
	uint64_t next_claim;       /* the workers' next batch */
	uint64_t next_emit;        /* the caller's next batch */
	bool emitting;             /* a thread is handing records out (in order, one at a time) */
	struct walk *walk;         /* where the walk is (only the worker walking touches it) */
	bool walking;              /* a worker has the walk */
	enum stall stall;          /* why the walk cannot go on now, or STALL_NONE */
	atomic_uint dirs_wake;     /* with STALL_DIRS: the count of open directories at
	                              which the close that reaches it lets the walk go on */
	unsigned idle;             /* workers waiting on work */
	atomic_uint live_dirs;     /* directory handles open */
	atomic_bool noatime;       /* files are still opened with O_NOATIME (see open_quiet) */
	bool walk_done;
	struct sr_scan_stats st;   /* under mu: what the workers counted */
	struct sr_scan_stats wst;  /* the walk's own counts (dirs, symlinks, special, pseudo_fs,
	                              unreadable): the worker walking's */
	struct sr_scan_stats wst_seen;   /* under mu: wst as the last turn of the walk left it */
	bool progressing;          /* under mu: a worker is giving progress */
	struct timespec last_progress;   /* under mu */
};

/* ------------------------------------------------------------ records out, in order */

/* Let go of a directory handle: the last one closes it. */
static void dir_release(struct scan *s, struct dirh *d)
{
	if (d && atomic_fetch_sub(&d->refs, 1) == 1) {
		close(d->fd);
		free(d);
		/* a walk stopped at the limit of directories goes on at once,
		 * not when a whole batch is done (a slow file in it kept the
		 * workers waiting: bench/scan.sh); the one close that reaches
		 * the mark says so, not each */
		if (atomic_fetch_sub(&s->live_dirs, 1) - 1 == atomic_load(&s->dirs_wake)) {
			pthread_mutex_lock(&s->mu);
			if (s->stall == STALL_DIRS) {
				s->stall = STALL_NONE;
				atomic_store(&s->dirs_wake, UINT_MAX);
				if (s->idle)
					pthread_cond_signal(&s->work);
			}
			pthread_mutex_unlock(&s->mu);
		}
	}
}

static void batch_reset(struct batch *b)
{
	b->done = false;
	b->n = 0;
	atomic_store(&b->next, 0);
	b->inside = 0;
	b->len = 0;
}

/* Hand out the records of every finished batch that is next in order.
 * Called with mu held; returns with it held.  Only one thread hands out at
 * a time. */
static void emit_ready(struct scan *s)
{
	if (s->emitting)
		return;
	s->emitting = true;
	while (s->next_emit < s->next_seq && s->ring[s->next_emit % SCAN_WINDOW]->done) {
		struct batch *b = s->ring[s->next_emit % SCAN_WINDOW];
		pthread_mutex_unlock(&s->mu);
		for (unsigned i = 0; i < b->n; i++)
			if (b->it[i].record)
				s->o->emit(s->o->ctx, b->it[i].record);
		pthread_mutex_lock(&s->mu);
		batch_reset(b);
		s->next_emit++;
		if (s->stall == STALL_RING) {
			s->stall = STALL_NONE;
			if (s->idle)
				pthread_cond_signal(&s->work);
		}
	}
	s->emitting = false;
}

static void stats_add(struct sr_scan_stats *to, const struct sr_scan_stats *d)
{
	to->files += d->files;
	to->binaries += d->binaries;
	to->unreadable += d->unreadable;
	to->failed += d->failed;
}

/* ------------------------------------------------------------ one file (a worker) */

/* The three system calls made for every file, made straight rather than
 * through glibc's wrappers: those are cancellation points, and in a process
 * with threads each call marks its thread cancellable and back, 2% of scan
 * /usr's CPU (make bench: bench/scan.sh, eight runs of six each).  The scan
 * never cancels a thread. */
static int sys_openat(int dirfd, const char *name, int flags)
{
	return (int)syscall(SYS_openat, dirfd, name, flags);
}

static ssize_t sys_pread(int fd, void *buf, size_t n)
{
	return (ssize_t)syscall(SYS_pread64, fd, buf, n, (off_t)0);
}

static void sys_close(int fd)
{
	syscall(SYS_close, fd);
}

/* openat, leaving the access time alone where the kernel lets us (we own
 * the file, or have CAP_FOWNER), as backup tools do: a scan is not a use
 * of the files (on a relatime mount, a scan wrote a new access time to
 * every file it read, once a day).  It also spares the kernel an
 * access-time check per read: 3-6% of a bare walk's CPU, about 1% of scan
 * /usr's (bench/scan.sh).  Once refused (EPERM), it is not asked for
 * again. */
static int open_quiet(struct scan *s, int dirfd, const char *name, int flags)
{
	if (atomic_load_explicit(&s->noatime, memory_order_relaxed)) {
		int fd = sys_openat(dirfd, name, flags | O_NOATIME);
		if (fd >= 0 || errno != EPERM)
			return fd;
		atomic_store_explicit(&s->noatime, false, memory_order_relaxed);
	}
	return sys_openat(dirfd, name, flags);
}

/* Open a file in its directory (one name: nothing on the way to follow;
 * O_NOFOLLOW for the name itself). */
static int open_in_dir(struct scan *s, const struct dirh *dir, const char *name)
{
	return open_quiet(s, dir->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
}

/* Reads n bytes at off of the file being tested (ctx says which): the
 * count read, or -1. */
typedef long (*read_at_fn)(void *ctx, uint64_t off, void *buf, size_t n);

/* Is a file whose first n bytes are head (all of it when n < SCAN_HEAD) a
 * binary: the magic numbers, and for "MZ" the PE signature wherever
 * e_lfanew points (read_at reads it when that is past the head; a text file
 * starting "MZ" points anywhere). */
static bool head_is_binary(const unsigned char *head, size_t n, read_at_fn read_at, void *ctx)
{
	if (!sr_sniff_binary(head, n, n < SCAN_HEAD ? (uint64_t)n : UINT64_MAX))
		return false;
	if (n < SCAN_HEAD || head[0] != 'M' || head[1] != 'Z' || (uint64_t)sr_sniff_pe_offset(head) + 4 <= n)
		return true;   /* sr_sniff_binary saw all there is */
	unsigned char sig[4];
	return read_at(ctx, sr_sniff_pe_offset(head), sig, 4) == 4 && memcmp(sig, "PE\0\0", 4) == 0;
}

static long fd_read_at(void *ctx, uint64_t off, void *buf, size_t n)
{
	return (long)pread(*(const int *)ctx, buf, n, (off_t)off);
}

struct root_file {
	const struct sr_root *root;
	const char *path;
};

static long root_read_at(void *ctx, uint64_t off, void *buf, size_t n)
{
	const struct root_file *f = ctx;
	return sr_root_read_at(f->root, f->path, off, buf, n);
}

struct tree_file {
	const struct sr_vtree *t;
	uint32_t node;
};

static long tree_read_at(void *ctx, uint64_t off, void *buf, size_t n)
{
	const struct tree_file *f = ctx;
	return sr_vtree_read(f->t, f->node, off, buf, n);
}

/* What the tree's builder found of a regular file's first bytes as its
 * layer passed: 1 a binary, 0 not, -1 not tested (or no regular file). */
static int tree_sniffed(const struct sr_vtree *t, uint32_t node)
{
	struct stat st;
	sr_vtree_stat(t, node, &st);
	unsigned char mark = sr_vtree_mark(t, node);
	if (!S_ISREG(st.st_mode) || !(mark & SR_VTREE_MARK_SNIFFED))
		return -1;
	return (mark & SR_VTREE_MARK_BINARY) != 0;
}

bool sr_scan_root_is_binary(const struct sr_root *root, const char *path)
{
	if (root->tree) {
		int dir, known;
		char name[SR_ROOT_MAX_PATH + 1];
		struct sr_error err = { 0 };
		if (sr_root_lookup(root, path, &dir, name, NULL, 0, &err) != SR_OK || !name[0])
			return false;
		uint32_t node = sr_vtree_child(root->tree, (uint32_t)dir, name);
		if (node == SR_VTREE_NONE)
			return false;
		if ((known = tree_sniffed(root->tree, node)) >= 0)
			return known;
	}
	unsigned char head[SCAN_HEAD];
	struct root_file f = { root, path };
	long n = sr_root_read_at(root, path, 0, head, sizeof head);
	return n >= 0 && head_is_binary(head, (size_t)n, root_read_at, &f);
}

bool sr_scan_path_is_binary(const char *path)
{
	unsigned char head[SCAN_HEAD];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return false;
	struct stat st;
	ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? pread(fd, head, sizeof head, 0) : -1;
	bool binary = n >= 0 && head_is_binary(head, (size_t)n, fd_read_at, &fd);
	close(fd);
	return binary;
}

static char *display_path(const struct scan *s, const char *rel, char *buf, size_t size)
{
	if (s->o->as_root || s->o->inside_paths)
		snprintf(buf, size, "/%s", rel);
	else {
		size_t n = strlen(s->top);
		snprintf(buf, size, "%s%s%s", s->top, n && s->top[n - 1] == '/' ? "" : "/", rel);
	}
	return buf;
}

static bool is_program(const struct sr_analysis *an)
{
	return an->in.elf && strcmp(sr_inspect_role(&an->in), "program") == 0;
}

/* Read one file of a batch, analyse it if it is a binary; its counts go to
 * *d, and its record (or NULL) is returned. */
static void *scan_file(struct worker *w, const char *rel, const struct item *it, struct sr_scan_stats *d)
{
	struct scan *s = w->s;
	unsigned char head[SCAN_HEAD];
	/* No stat: the walk saw a regular file here (d_type), and the reads say
	 * the rest.  A name swapped since (O_NONBLOCK: a FIFO does not block)
	 * fails to open or to read (ELOOP, EISDIR, ESPIPE, …) and is passed by. */
	ssize_t n = -1;
	int e = 0, fd = -1;
	bool binary;
	if (s->tree_root) {
		/* the layer was read once already, and its first bytes tested as
		 * it passed */
		const struct sr_vtree *t = s->tree_root->tree;
		int known = tree_sniffed(t, it->node);
		if (known >= 0) {
			n = 0;   /* read already: no error */
			binary = known;
		} else {
			struct tree_file tf = { t, it->node };
			n = sr_vtree_read(t, it->node, 0, head, sizeof head);
			e = EIO;
			binary = n >= 0 && head_is_binary(head, (size_t)n, tree_read_at, &tf);
		}
	} else {
		fd = open_in_dir(s, it->dir, rel + it->name_off);
		if (fd >= 0)
			n = sys_pread(fd, head, sizeof head);
		e = errno;
		binary = n >= 0 && head_is_binary(head, (size_t)n, fd_read_at, &fd);
		if (fd >= 0 && (!binary || s->o->find_only)) {
			sys_close(fd);   /* a binary's stays open: the analysis reads it from there */
			fd = -1;
		}
	}
	if (n < 0 && (e == ENOENT || e == ELOOP || e == EISDIR || e == ESPIPE || e == EINVAL || e == ENXIO ||
	              e == ENODEV))
		return NULL;   /* gone, or not a regular file now: not a file of the walk */
	if (n >= 0 && !binary) {
		d->files++;
		return NULL;   /* most files: nothing more to do (no record, no path) */
	}
	char path[SR_ROOT_MAX_PATH + 2];
	struct sr_error err = { 0 };
	struct sr_scan_found f = { .path = display_path(s, rel, path, sizeof path), .error = &err, .root = &w->root,
		                   .as_root = s->o->as_root };
	if (n < 0) {
		d->unreadable++;
		sr_error_set(&err, e == EACCES ? SR_E_ACCESS : SR_E_IO, "cannot read it: %s", strerror(e));
		return s->o->record(s->o->ctx, &f);
	}
	d->files++;
	d->binaries++;
	if (s->o->find_only)
		return s->o->record(s->o->ctx, &f);   /* the caller analyses it */
	char inside[SR_ROOT_MAX_PATH + 2];
	snprintf(inside, sizeof inside, "/%s", rel);
	struct sr_analysis *an = NULL;
	if ((fd >= 0 ? sr_run_analyse_fd(w->run, &w->root, inside, fd, &an, &err)
	             : sr_run_analyse(w->run, &w->root, inside, &an, &err)) != SR_OK) {
		d->failed++;
		return s->o->record(s->o->ctx, &f);
	}
	f.an = an;
	struct sr_check_result *judged = NULL;
	if (w->target && is_program(an) && sr_check_run(an, w->target, &judged, &err) == SR_OK)
		f.judged = judged;
	void *record = s->o->record(s->o->ctx, &f);
	sr_check_result_free(judged);
	sr_run_done(w->run, an);
	return record;
}

static bool walk_turn(struct scan *s);
static void progress_maybe(struct scan *s, bool force);

/* The files of b this worker claims, one at a time, until none is left;
 * each directory let go of once its file is read.  Their counts go to *d. */
static void scan_claimed(struct worker *w, struct batch *b, struct sr_scan_stats *d)
{
	unsigned i;
	while ((i = atomic_fetch_add(&b->next, 1)) < b->n) {
		struct item *it = &b->it[i];
		if (it->walk_error)
			continue;
		it->record = scan_file(w, b->text + it->rel, it, d);
		dir_release(w->s, it->dir);
		it->dir = NULL;
	}
}

/* A batch taken already whose files are not all claimed, oldest first, or
 * NULL (mu held). */
static struct batch *batch_to_help(struct scan *s)
{
	for (uint64_t q = s->next_emit; q < s->next_claim; q++) {
		struct batch *b = s->ring[q % SCAN_WINDOW];
		if (!b->done && atomic_load(&b->next) < b->n)
			return b;
	}
	return NULL;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct scan *s = w->s;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		/* the walk while few batches wait: the other workers have files
		 * to read meanwhile */
		if (!s->walking && s->stall == STALL_NONE && !s->walk_done && s->next_seq - s->next_claim < SCAN_AHEAD) {
			s->walking = true;
			pthread_mutex_unlock(&s->mu);
			bool more = walk_turn(s);
			pthread_mutex_lock(&s->mu);
			s->wst_seen = s->wst;
			s->walking = false;
			if (!more) {
				s->walk_done = true;
				pthread_cond_broadcast(&s->work);
			}
			continue;
		}
		struct batch *b = s->next_claim < s->next_seq ? s->ring[s->next_claim++ % SCAN_WINDOW] : batch_to_help(s);
		if (b) {
			b->inside++;
			pthread_mutex_unlock(&s->mu);
			struct sr_scan_stats d = { 0 };
			scan_claimed(w, b, &d);   /* the batch stays until it is emitted */
			pthread_mutex_lock(&s->mu);
			stats_add(&s->st, &d);
			/* every file claimed, and no worker still reading one: the
			 * last one out finishes the batch */
			if (--b->inside == 0 && atomic_load(&b->next) >= b->n && !b->done) {
				b->done = true;
				emit_ready(s);
			}
			progress_maybe(s, false);
			continue;
		}
		if (s->walk_done)
			break;
		s->idle++;
		pthread_cond_wait(&s->work, &s->mu);
		s->idle--;
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* ------------------------------------------------------------ the walk */

/* The scan's counts so far (mu held): the workers' and the walk's as its
 * last turn left them. */
static struct sr_scan_stats stats_now(const struct scan *s)
{
	struct sr_scan_stats c = s->st;
	c.dirs = s->wst_seen.dirs;
	c.symlinks = s->wst_seen.symlinks;
	c.special = s->wst_seen.special;
	c.pseudo_fs = s->wst_seen.pseudo_fs;
	c.unreadable += s->wst_seen.unreadable;
	return c;
}

/* Progress to the caller, every PROGRESS_NS at most, one worker at a time
 * (mu held; let go of while the caller is told). */
static void progress_maybe(struct scan *s, bool force)
{
	if (!s->o->progress || s->progressing)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ns = (now.tv_sec - s->last_progress.tv_sec) * 1000000000L + (now.tv_nsec - s->last_progress.tv_nsec);
	if (!force && ns < PROGRESS_NS)
		return;
	s->last_progress = now;
	s->progressing = true;
	struct sr_scan_stats copy = stats_now(s);
	pthread_mutex_unlock(&s->mu);
	s->o->progress(s->o->ctx, &copy);
	pthread_mutex_lock(&s->mu);
	s->progressing = false;
}

static bool ring_full(const struct scan *s)
{
	return s->next_seq - s->next_emit >= SCAN_WINDOW;
}

/* The directories open with the walk at depth: its own, one per level, and
 * at most SCAN_DIRS_QUEUED held by queued files, so descriptors stay far
 * below the usual limit of 1024 however the files are spread. */
static unsigned dirs_limit(unsigned depth)
{
	return depth + 1 + SCAN_DIRS_QUEUED;
}

static bool dirs_full(const struct scan *s, unsigned depth)
{
	return atomic_load(&s->live_dirs) > dirs_limit(depth);
}

/* Once full, the walk goes on when SCAN_DIRS_SLACK of them have closed. */
static unsigned dirs_low_mark(unsigned depth)
{
	return dirs_limit(depth) - SCAN_DIRS_SLACK;
}

/* The walk's batch goes into the ring, the slot's emptied batch becoming
 * the next one filled; false (STALL_RING) when the ring is full. */
static bool submit_fill(struct scan *s)
{
	pthread_mutex_lock(&s->mu);
	bool room = !ring_full(s);
	if (room) {
		struct batch **slot = &s->ring[s->next_seq % SCAN_WINDOW];
		struct batch *empty = *slot;
		*slot = s->fill;
		s->fill = empty;
		s->next_seq++;
		if (s->idle)
			pthread_cond_signal(&s->work);
	} else {
		s->stall = STALL_RING;   /* emit_ready lifts it */
	}
	pthread_mutex_unlock(&s->mu);
	return room;
}

/* The walk at depth stops until directories close (STALL_DIRS).  The mark
 * is set before the count is looked at again: a close that reaches the mark
 * after that look sees the mark, and lifts the stall. */
static void stall_on_dirs(struct scan *s, unsigned depth)
{
	atomic_store(&s->dirs_wake, dirs_low_mark(depth));
	pthread_mutex_lock(&s->mu);
	if (atomic_load(&s->live_dirs) > dirs_low_mark(depth))
		s->stall = STALL_DIRS;
	pthread_mutex_unlock(&s->mu);
}

/* block (*cap elements of size bytes) with room for need, doubling from
 * first: the block, moved perhaps, or NULL (block kept) when out of memory
 * or past UINT32_MAX elements, what the uint32_t offsets into the blocks of
 * names reach. */
static void *room(void *block, size_t *cap, size_t need, size_t size, size_t first)
{
	if (need <= *cap)
		return block;
	size_t c = *cap ? *cap : first;
	while (c < need)
		c *= 2;
	void *b = c <= UINT32_MAX ? realloc(block, c * size) : NULL;
	if (b)
		*cap = c;
	return b;
}

/* Room for need bytes in a block of names (*text, *cap bytes). */
static bool text_room(char **text, size_t *cap, size_t need)
{
	char *t = room(*text, cap, need, 1, 4096);
	if (t)
		*text = t;
	return t != NULL;
}

/* The next item of the walk's batch, with rel (if not NULL) copied into
 * its text; NULL when out of memory. */
static struct item *fill_item(struct scan *s, const char *rel)
{
	struct batch *b = s->fill;
	size_t n = rel ? strlen(rel) + 1 : 0;
	if (!text_room(&b->text, &b->cap, b->len + n))
		return NULL;
	struct item *it = &b->it[b->n];
	memset(it, 0, sizeof *it);
	it->rel = (uint32_t)b->len;
	if (n)
		memcpy(b->text + b->len, rel, n);
	b->len += n;
	return it;
}

/* The batch's item is complete (walk_turn hands a full batch over). */
static void fill_done(struct scan *s)
{
	s->fill->n++;
}

static void queue_file(struct scan *s, const char *rel, size_t name_off, struct dirh *dir, uint32_t node)
{
	struct item *it = fill_item(s, rel);
	if (!it) {
		s->wst.unreadable++;   /* out of memory: the file is not looked at */
		return;
	}
	it->name_off = (uint32_t)name_off;
	it->node = node;
	if (dir) {
		atomic_fetch_add(&dir->refs, 1);
		it->dir = dir;
	}
	fill_done(s);
}

/* A place the walk could not read: its record goes out in order too. */
static void queue_error(struct scan *s, const char *rel, bool is_dir, const char *reason, const char *why)
{
	char path[SR_ROOT_MAX_PATH + 2];
	struct sr_error err = { 0 };
	sr_error_set(&err, SR_E_IO, "%s%s%s", reason, why ? ": " : "", why ? why : "");
	struct sr_scan_found f = { .path = display_path(s, rel, path, sizeof path), .error = &err, .is_dir = is_dir };
	void *record = s->o->record(s->o->ctx, &f);
	struct item *it = fill_item(s, NULL);   /* never fails: no text */
	it->walk_error = true;
	it->record = record;
	s->wst.unreadable++;
	fill_done(s);
}

/* Directories of file systems that are views of the kernel, not files. */
static bool pseudo_fs(int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) != 0)
		return false;
	switch ((unsigned long)sf.f_type) {
	case PROC_SUPER_MAGIC: case SYSFS_MAGIC: case DEVPTS_SUPER_MAGIC: case DEBUGFS_MAGIC:
	case SECURITYFS_MAGIC: case CGROUP_SUPER_MAGIC: case CGROUP2_SUPER_MAGIC: case TRACEFS_MAGIC:
	case BPF_FS_MAGIC: case PSTOREFS_MAGIC: case EFIVARFS_MAGIC:
		return true;
	default:
		return false;
	}
}

/* A directory's entries, sorted by name.  The names are in one block of
 * text, not one allocation each (a malloc and a free for each of 155,000
 * names were 2% of scan /usr's CPU, on the walk's thread: make bench,
 * bench/scan.sh). */
struct entry {
	uint32_t name;             /* where it starts in the listing's text */
	uint16_t len;
	unsigned char type;        /* d_type */
};

struct listing {
	struct entry *v;
	size_t n, cap;
	char *text;
	size_t len, text_cap;
};

static int entry_cmp(const void *a, const void *b, void *text)
{
	return strcmp((const char *)text + ((const struct entry *)a)->name,
	              (const char *)text + ((const struct entry *)b)->name);
}

/* One more entry, name (len bytes) copied; false when out of memory. */
static bool listing_add(struct listing *l, const char *name, size_t len, unsigned char type)
{
	struct entry *v = room(l->v, &l->cap, l->n + 1, sizeof *v, 64);
	if (!v)
		return false;
	l->v = v;
	if (!text_room(&l->text, &l->text_cap, l->len + len + 1))
		return false;
	memcpy(l->text + l->len, name, len + 1);
	l->v[l->n++] = (struct entry){ .name = (uint32_t)l->len, .len = (uint16_t)len, .type = type };
	l->len += len + 1;
	return true;
}

static void listing_free(struct listing *l)
{
	free(l->v);
	free(l->text);
}

/* The entries of the directory fd (read straight with getdents64: the fd
 * stays the walk's, with no DIR around it), sorted by name; false when it
 * cannot be read.  Out of memory, the entries read so far. */
static bool read_entries(int fd, struct listing *l)
{
	*l = (struct listing){ 0 };
	char buf[32768];
	ssize_t got;
	while ((got = getdents64(fd, buf, sizeof buf)) > 0) {
		for (ssize_t off = 0; off < got;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + off);
			off += de->d_reclen;
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if (!listing_add(l, de->d_name, strnlen(de->d_name, NAME_MAX), de->d_type))
				goto done;
		}
	}
	if (got < 0 && l->n == 0) {
		listing_free(l);
		return false;
	}
done:
	if (l->n)
		qsort_r(l->v, l->n, sizeof *l->v, entry_cmp, l->text);
	return true;
}

/* rel (len bytes, a directory's) + "/" + name, its last component at *sub;
 * false (said in the records) when that would be longer than PATH_MAX. */
static bool rel_append(struct scan *s, char *rel, size_t len, const char *name, size_t nl, size_t *sub)
{
	if (len + nl + 2 > SR_ROOT_MAX_PATH) {
		queue_error(s, rel, true, "a name below it is longer than PATH_MAX: not looked at", NULL);
		return false;
	}
	*sub = len;
	if (len)
		rel[(*sub)++] = '/';
	memcpy(rel + *sub, name, nl + 1);
	return true;
}

/* The walk is taken in turns by the workers, one at a time (s->walking):
 * a worker takes it while fewer than SCAN_AHEAD batches wait, goes on from
 * where the last turn stopped until it has handed over a batch, and stops
 * short where it would have to wait (the ring full, or directories held
 * past the limit: s->stall).  A walker thread of its own, beside a worker
 * per CPU, was a third thread on two: each time it slept or was set aside,
 * a CPU stood idle until it ran again (make bench: bench/scan.sh). */

/* An entry that was gone when the walk looked at it closer. */
#define TYPE_GONE 0xffu

/* A directory the walk is in. */
struct level {
	struct dirh *dir;          /* its handle (NULL in a tree) */
	struct listing l;          /* its entries, or in a tree */
	uint32_t *kids;            /* its children */
	size_t n, next;            /* entries, and the next one to look at */
	size_t len;                /* the length of its name below the top, in rel */
};

struct walk {
	struct level lv[SR_SCAN_MAX_DEPTH];
	unsigned depth;            /* levels open: 0 when the walk is over */
	char rel[SR_ROOT_MAX_PATH + 2];   /* where it is, below the top: "usr/bin/ls" */
};

/* Into the directory d (the walk's handle, counted in live_dirs), whose
 * name below the top is k->rel (len bytes): a level, unless it is a view of
 * the kernel or cannot be read. */
static bool enter_dir(struct scan *s, struct walk *k, struct dirh *d, size_t len)
{
	if (pseudo_fs(d->fd)) {
		s->wst.pseudo_fs++;
		dir_release(s, d);
		return false;
	}
	s->wst.dirs++;
	struct level *L = &k->lv[k->depth];
	*L = (struct level){ .dir = d, .len = len };
	if (!read_entries(d->fd, &L->l)) {
		queue_error(s, k->rel, true, "cannot read the directory", strerror(errno));
		dir_release(s, d);
		return false;
	}
	L->n = L->l.n;
	k->depth++;
	return true;
}

/* Into a tree's directory node (the same). */
static bool enter_node(struct scan *s, struct walk *k, uint32_t node, size_t len)
{
	s->wst.dirs++;
	struct level *L = &k->lv[k->depth];
	*L = (struct level){ .len = len };
	long n = sr_vtree_children(s->tree_root->tree, node, &L->kids);
	if (n < 0) {
		queue_error(s, k->rel, true, "cannot read the directory", strerror(ENOMEM));
		return false;
	}
	L->n = (size_t)n;
	k->depth++;
	return true;
}

/* Out of the innermost directory, all of it looked at. */
static void leave(struct scan *s, struct walk *k)
{
	struct level *L = &k->lv[--k->depth];
	listing_free(&L->l);
	free(L->kids);
	dir_release(s, L->dir);
	if (k->depth)
		k->rel[k->lv[k->depth - 1].len] = '\0';
}

/* The next entry of the directory level L (not a tree's): its name and
 * type, a DT_UNKNOWN type found out with a stat and kept. */
static const char *peek_entry(struct level *L, unsigned char *type, size_t *nl)
{
	struct entry *e = &L->l.v[L->next];
	const char *name = L->l.text + e->name;
	if (e->type == DT_UNKNOWN) {
		struct stat st;
		e->type = fstatat(L->dir->fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ? DT_UNKNOWN
		          : S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR
		          : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
		if (e->type == DT_UNKNOWN)
			e->type = TYPE_GONE;   /* not stated again, nor counted */
	}
	*type = e->type;
	*nl = e->len;
	return name;
}

/* One step of the walk in the innermost directory: its next entry looked
 * at (a file queued, a directory entered).  At most one item is queued.
 * false, the entry left for later, when it is a directory and the
 * directories held are at the limit. */
static bool walk_dir_step(struct scan *s, struct walk *k)
{
	struct level *L = &k->lv[k->depth - 1];
	unsigned depth = k->depth - 1;
	unsigned char type;
	size_t nl, sub;
	const char *name = peek_entry(L, &type, &nl);
	if (type == DT_DIR && depth + 1 < SR_SCAN_MAX_DEPTH && dirs_full(s, depth))
		return false;
	L->next++;
	if (!rel_append(s, k->rel, L->len, name, nl, &sub))
		return true;
	if (type == DT_REG)
		queue_file(s, k->rel, sub, L->dir, SR_VTREE_NONE);
	else if (type == DT_LNK)
		s->wst.symlinks++;
	else if (type == DT_DIR) {
		int fd = depth + 1 < SR_SCAN_MAX_DEPTH
		                 ? open_quiet(s, L->dir->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
		                 : -1;
		struct dirh *sd = fd >= 0 ? calloc(1, sizeof *sd) : NULL;
		if (sd) {
			sd->fd = fd;
			atomic_init(&sd->refs, 1);   /* the walk's */
			atomic_fetch_add(&s->live_dirs, 1);
			if (!enter_dir(s, k, sd, sub + nl))
				k->rel[L->len] = '\0';
			return true;   /* entered, rel stays: the directory's name */
		}
		if (fd >= 0) {
			close(fd);
			queue_error(s, k->rel, true, "cannot open the directory", strerror(ENOMEM));
		} else if (depth + 1 >= SR_SCAN_MAX_DEPTH)
			queue_error(s, k->rel, true, "deeper than the scan goes: not looked at", NULL);
		else if (errno != ENOENT)   /* gone since the directory was read */
			queue_error(s, k->rel, true, "cannot open the directory", strerror(errno));
	} else if (type != TYPE_GONE)
		s->wst.special++;
	k->rel[L->len] = '\0';
	return true;
}

/* The same over a tree in memory: names in order, no descriptors. */
static void walk_node_step(struct scan *s, struct walk *k)
{
	const struct sr_vtree *t = s->tree_root->tree;
	struct level *L = &k->lv[k->depth - 1];
	unsigned depth = k->depth - 1;
	uint32_t node = L->kids[L->next++];
	const char *name = sr_vtree_name(t, node);
	size_t nl = strlen(name), sub;
	if (!rel_append(s, k->rel, L->len, name, nl, &sub))
		return;
	struct stat st;
	sr_vtree_stat(t, node, &st);
	if (S_ISREG(st.st_mode))
		queue_file(s, k->rel, sub, NULL, node);
	else if (S_ISLNK(st.st_mode))
		s->wst.symlinks++;
	else if (S_ISDIR(st.st_mode) && depth + 1 < SR_SCAN_MAX_DEPTH) {
		if (enter_node(s, k, node, sub + nl))
			return;   /* rel stays: the directory's name */
	} else if (S_ISDIR(st.st_mode))
		queue_error(s, k->rel, true, "deeper than the scan goes: not looked at", NULL);
	else
		s->wst.special++;
	k->rel[L->len] = '\0';
}

/* One turn of the walk (the worker has s->walking): on until a batch is
 * handed over, or the walk must wait (s->stall).  false when the walk is
 * over and its last batch handed over. */
static bool walk_turn(struct scan *s)
{
	struct walk *k = s->walk;
	for (;;) {
		if (s->fill->n == SCAN_BATCH || (k->depth == 0 && s->fill->n)) {
			if (!submit_fill(s))
				return true;
			return k->depth > 0;
		}
		if (k->depth == 0)
			return false;
		struct level *L = &k->lv[k->depth - 1];
		if (L->next == L->n)
			leave(s, k);
		else if (s->tree_root)
			walk_node_step(s, k);
		else if (!walk_dir_step(s, k)) {
			/* the files queued hold directories: out they go first */
			if (s->fill->n && !submit_fill(s))
				return true;
			stall_on_dirs(s, k->depth - 1);
			return true;
		}
	}
}

/* The walk at the top: dir (a directory's descriptor, duplicated) or the
 * tree's root.  false when out of memory. */
static bool walk_start(struct scan *s, int topfd)
{
	struct walk *k = calloc(1, sizeof *k);
	if (!k)
		return false;
	s->walk = k;
	if (s->tree_root) {
		enter_node(s, k, SR_VTREE_ROOT, 0);
		return true;
	}
	struct dirh *top = calloc(1, sizeof *top);
	if (!top || (top->fd = fcntl(topfd, F_DUPFD_CLOEXEC, 0)) < 0) {
		free(top);
		return false;
	}
	atomic_init(&top->refs, 1);
	atomic_store(&s->live_dirs, 1);
	enter_dir(s, k, top, 0);
	return true;
}

static void walk_free(struct scan *s)
{
	if (!s->walk)
		return;
	while (s->walk->depth)
		leave(s, s->walk);
	free(s->walk);
}

static void worker_free(struct worker *w)
{
	sr_check_target_free(w->target);
	sr_run_free(w->run);
	if (w->root_open)
		sr_root_close(&w->root);
}

static enum sr_err worker_init(struct worker *w, struct scan *s, struct sr_error *err)
{
	w->s = s;
	enum sr_err rc = sr_run_new(&w->run, err);
	if (rc == SR_OK && s->tree_root) {
		/* a tree: each worker's own root over it; its target is the tree */
		if ((rc = sr_root_open_tree(s->tree_root->tree, s->tree_root->dir, &w->root, err)) == SR_OK)
			w->root_open = true;
		if (rc == SR_OK && s->o->as_root)
			rc = sr_check_target_of_root(&w->root, s->o->root_name ? s->o->root_name : s->tree_root->dir,
			                             s->o->root_machine, &w->target, err);
		return rc;
	}
	if (rc == SR_OK && (rc = sr_root_open(s->top, &w->root, err)) == SR_OK) {
		w->root_open = true;
		sr_root_memo_start(&w->root);
	}
	if (rc == SR_OK && s->o->as_root) {
		size_t n = strlen(s->top) + 5;
		char *spec = malloc(n);
		if (!spec)
			return sr_error_set(err, SR_E_NOMEM, NULL);
		snprintf(spec, n, "dir:%s", s->top);
		rc = sr_check_target_open(s->o->db, spec, &w->target, err);
		if (rc == SR_OK && s->o->root_name)
			w->target->name = s->o->root_name;
		const char *m = s->o->root_machine ? sr_check_arch_name(s->o->root_machine) : NULL;
		if (rc == SR_OK && m)
			w->target->arch = m;
		free(spec);
	}
	return rc;
}

static unsigned thread_count(const struct sr_scan_opts *o)
{
	long n = o->threads ? (long)o->threads : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > (long)SR_SCAN_MAX_THREADS ? SR_SCAN_MAX_THREADS : (unsigned)n;
}

/* A directory (dir, its descriptor topfd) or a tree (tree_root) scanned. */
static enum sr_err scan_run(const char *dir, int topfd, const struct sr_root *tree_root,
                            const struct sr_scan_opts *opts, struct sr_scan_stats *stats, struct sr_error *err)
{
	if (stats)
		memset(stats, 0, sizeof *stats);
	struct scan *s = calloc(1, sizeof *s);
	unsigned nw = thread_count(opts);
	struct worker *w = calloc(nw, sizeof *w);
	struct batch *pool = calloc(SCAN_WINDOW + 1, sizeof *pool);
	if (!s || !w || !pool) {
		free(s);
		free(w);
		free(pool);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	for (unsigned i = 0; i < SCAN_WINDOW; i++)
		s->ring[i] = &pool[i];
	s->fill = &pool[SCAN_WINDOW];
	s->o = opts;
	s->top = dir;
	s->tree_root = tree_root;
	atomic_init(&s->noatime, true);
	atomic_init(&s->dirs_wake, UINT_MAX);
	atomic_init(&s->live_dirs, 0);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work, NULL);
	clock_gettime(CLOCK_MONOTONIC, &s->last_progress);
	enum sr_err rc = SR_OK;
	for (unsigned i = 0; i < nw && rc == SR_OK; i++)
		rc = worker_init(&w[i], s, err);
	/* the walk is the calling thread's until the workers have started:
	 * then it is theirs, the calling thread being one of them */
	s->walking = true;
	for (unsigned i = 1; i < nw && rc == SR_OK; i++) {
		int e = pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
		if (e != 0)
			rc = sr_error_set(err, SR_E_IO, "cannot start a worker thread: %s", strerror(e));
		else
			w[i].started = true;
	}
	if (rc == SR_OK && !walk_start(s, topfd))
		rc = sr_error_set(err, SR_E_NOMEM, NULL);
	pthread_mutex_lock(&s->mu);
	s->walking = false;
	s->walk_done = rc != SR_OK;
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->mu);
	if (rc == SR_OK)
		worker_main(&w[0]);
	for (unsigned i = 1; i < nw; i++)
		if (w[i].started)
			pthread_join(w[i].thread, NULL);
	walk_free(s);
	/* every worker has finished its batches: what is left goes out now */
	pthread_mutex_lock(&s->mu);
	emit_ready(s);
	s->wst_seen = s->wst;
	if (rc == SR_OK)
		progress_maybe(s, true);
	if (stats)
		*stats = stats_now(s);
	pthread_mutex_unlock(&s->mu);
	for (unsigned i = 0; i < nw; i++)
		worker_free(&w[i]);
	for (unsigned i = 0; i <= SCAN_WINDOW; i++)
		free(pool[i].text);
	free(pool);
	pthread_cond_destroy(&s->work);
	pthread_mutex_destroy(&s->mu);
	free(w);
	free(s);
	return rc;
}

enum sr_err sr_scan_tree(const char *dir, const struct sr_scan_opts *opts, struct sr_scan_stats *stats,
                         struct sr_error *err)
{
	int topfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (topfd < 0) {
		if (stats)
			memset(stats, 0, sizeof *stats);
		return sr_error_set(err, errno == ENOENT ? SR_E_NOENT : errno == ENOTDIR ? SR_E_USAGE : SR_E_IO, "%s",
		                    errno == ENOTDIR ? "not a directory" : strerror(errno));
	}
	enum sr_err rc = scan_run(dir, topfd, NULL, opts, stats, err);
	close(topfd);
	return rc;
}

enum sr_err sr_scan_root(const struct sr_root *root, const struct sr_scan_opts *opts, struct sr_scan_stats *stats,
                         struct sr_error *err)
{
	if (!root->tree)
		return sr_scan_tree(root->dir, opts, stats, err);
	return scan_run(root->dir, -1, root, opts, stats, err);
}
