/* The value of one hexadecimal digit (0-9, a-f, A-F), or -1: for the
 * parsers of quoted text (Go strings, JSON, compiler escapes). */
#ifndef SR_UTIL_HEX_H
#define SR_UTIL_HEX_H

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

#endif
