/* Hexadecimal: the value of one digit (0-9, a-f, A-F), for the parsers of
 * quoted text (Go strings, JSON, compiler escapes); and bytes as lowercase
 * digits (digests, build IDs). */
#ifndef SR_UTIL_HEX_H
#define SR_UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>

static inline int sr_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The n bytes at d as 2n lowercase hex digits at out, NUL-terminated
 * (out has 2n + 1 bytes). */
static inline void sr_hex_encode(const uint8_t *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 0xf];
	}
	out[2 * n] = '\0';
}

#endif
