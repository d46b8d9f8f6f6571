#include "util/block.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define KEEP_BLOCKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KEEP_BLOCKS 0
#endif
#endif
#ifndef KEEP_BLOCKS
#define KEEP_BLOCKS 1
#endif

enum { CLASS_FIRST = 10, CLASSES = 6 };   /* 1 KiB, 2 KiB, … 32 KiB */

/* the size class of n: 1 << (CLASS_FIRST + k), or -1 for malloc's own sizes */
static int class_of(size_t n)
{
	if (n < SR_BLOCK_MIN || n > SR_BLOCK_MAX)
		return -1;
	if (n <= (size_t)1 << CLASS_FIRST)
		return 0;
#if defined(__GNUC__)
	/* the bit length of n - 1 is the smallest power of two >= n */
	return (int)(64 - __builtin_clzll((unsigned long long)(n - 1))) - CLASS_FIRST;
#else
	int k = 0;
	while (((size_t)1 << (CLASS_FIRST + k)) < n)
		k++;
	return k;
#endif
}

size_t sr_block_room(size_t n)
{
	int k = class_of(n);
	return k < 0 ? n : (size_t)1 << (CLASS_FIRST + k);
}

#if KEEP_BLOCKS
struct kept {
	struct kept *next;
};

static _Thread_local struct blocks {
	struct kept *first[CLASSES];
	unsigned count[CLASSES];
	bool keyed;                /* the thread-exit destructor is set */
} blocks;

static pthread_key_t blocks_key;
static bool blocks_key_ok;
static pthread_once_t blocks_once = PTHREAD_ONCE_INIT;

static void blocks_drop(void *unused)
{
	(void)unused;
	for (int k = 0; k < CLASSES; k++)
		while (blocks.first[k]) {
			struct kept *b = blocks.first[k];
			blocks.first[k] = b->next;
			free(b);
		}
	memset(&blocks, 0, sizeof blocks);
}

static void blocks_key_init(void)
{
	blocks_key_ok = pthread_key_create(&blocks_key, blocks_drop) == 0;
}
#endif

void *sr_block_get(size_t n)
{
	int k = class_of(n);
	if (k < 0)
		return malloc(n ? n : 1);
#if KEEP_BLOCKS
	struct kept *b = blocks.first[k];
	if (b) {
		blocks.first[k] = b->next;
		blocks.count[k]--;
		return b;
	}
#endif
	return malloc((size_t)1 << (CLASS_FIRST + k));
}

void sr_block_put(void *p, size_t n)
{
	if (!p)
		return;
#if KEEP_BLOCKS
	int k = class_of(n);
	if (k >= 0 && blocks.count[k] < SR_BLOCK_EACH) {
		if (!blocks.keyed) {
			/* the first block this thread keeps: all are freed when it exits */
			pthread_once(&blocks_once, blocks_key_init);
			blocks.keyed = blocks_key_ok && pthread_setspecific(blocks_key, &blocks) == 0;
		}
		if (blocks.keyed) {
			struct kept *b = p;
			b->next = blocks.first[k];
			blocks.first[k] = b;
			blocks.count[k]++;
			return;
		}
	}
#endif
	free(p);
}
