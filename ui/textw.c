/* Display width of UTF-8 text (ui/textw.h): one decoder for every
 * measure and cut the dashboard and ui/names.c make. */
#include "ui/textw.h"

#include <wchar.h>

/* The character at t (not at its end): its length in bytes (1 for a byte
 * that does not start a valid UTF-8 sequence) and its columns. */
static size_t glyph(const char *t, int *cols)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t len = u[0] < 0x80   ? 1
		     : u[0] < 0xc2 ? 0
		     : u[0] < 0xe0 ? 2
		     : u[0] < 0xf0 ? 3
		     : u[0] < 0xf5 ? 4
				   : 0;
	unsigned long cp = len == 1 ? u[0]
			   : len == 2 ? u[0] & 0x1fu
			   : len == 3 ? u[0] & 0x0fu
				      : u[0] & 0x07u;
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			len = 0;
			break;
		}
		cp = cp << 6 | (u[i] & 0x3fu);
	}
	if (len == 0) {
		*cols = 1;
		return 1;
	}
	int w = wcwidth((wchar_t)cp);
	*cols = w < 0 ? 1 : w;
	return len;
}

int textw_span_cols(const char *t, size_t n)
{
	int c = 0, w;
	for (size_t i = 0; i < n && t[i];) {
		i += glyph(t + i, &w);
		c += w;
	}
	return c;
}

int textw_cols(const char *t)
{
	int c = 0, w;
	while (*t) {
		t += glyph(t, &w);
		c += w;
	}
	return c;
}

size_t textw_skip(const char *t, int cols)
{
	size_t i = 0;
	int c = 0, w;
	while (t[i] && c < cols) {
		i += glyph(t + i, &w);
		c += w;
	}
	/* combining marks stay with the character they follow */
	for (size_t l; t[i] && (l = glyph(t + i, &w), w == 0);)
		i += l;
	return i;
}

size_t textw_fit(const char *t, int cols)
{
	size_t i = 0;
	int c = 0, w;
	while (t[i]) {
		size_t l = glyph(t + i, &w);
		if (c + w > cols)
			break;
		c += w;
		i += l;
	}
	return i;
}
