/* Tests of eight bytes at once, for scans whose common case is plain
 * ASCII: load a word with sr_word_load, stop at the first word a test
 * flags, then go on byte by byte.  Each test is exact for the word as a
 * whole (nonzero when some byte qualifies): a borrow only ever follows a
 * byte the test has already found. */
#ifndef SR_UTIL_SWAR_H
#define SR_UTIL_SWAR_H

#include <stdint.h>
#include <string.h>

#define SR_WORD_ONES ((uint64_t)0x0101010101010101u)
#define SR_WORD_HIGHS ((uint64_t)0x8080808080808080u)

/* 8 bytes from p, however aligned */
static inline uint64_t sr_word_load(const void *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

/* some byte is 0x80 or more */
static inline uint64_t sr_word_high(uint64_t w)
{
	return w & SR_WORD_HIGHS;
}

/* some byte is below n (n at most 0x80) */
static inline uint64_t sr_word_below(uint64_t w, unsigned char n)
{
	return (w - n * SR_WORD_ONES) & ~w & SR_WORD_HIGHS;
}

/* some byte is b */
static inline uint64_t sr_word_has(uint64_t w, unsigned char b)
{
	uint64_t x = w ^ (b * SR_WORD_ONES);
	return (x - SR_WORD_ONES) & ~x & SR_WORD_HIGHS;
}

#endif
