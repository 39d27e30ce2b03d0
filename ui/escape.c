/* Escaping text for the terminal (see escape.h). */
#include "ui/escape.h"

#include <string.h>

/* Length of the valid, printable UTF-8 sequence at p (1..4), or 0 when
 * the byte at p must be escaped. */
static size_t printable_len(const unsigned char *p)
{
	unsigned c = p[0];
	if (c >= 0x20 && c < 0x7f)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0; /* controls, DEL, continuation or overlong leads */
	size_t n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (c == 0xc2 && p[1] < 0xa0)
		return 0; /* C1 controls, U+0080..U+009F (0x9b is a CSI) */
	if (c == 0xe0 && p[1] < 0xa0)
		return 0; /* overlong */
	if (c == 0xed && p[1] >= 0xa0)
		return 0; /* UTF-16 surrogates */
	if (c == 0xf0 && p[1] < 0x90)
		return 0; /* overlong */
	if (c == 0xf4 && p[1] >= 0x90)
		return 0; /* past U+10FFFF */
	return n;
}

char *ui_escape(const char *in, char *out, size_t n)
{
	if (!n)
		return out;
	const unsigned char *p = (const unsigned char *)(in ? in : "");
	size_t o = 0;
	while (*p) {
		size_t k = printable_len(p);
		if (k) {
			if (o + k >= n)
				break;
			memcpy(out + o, p, k);
			o += k;
			p += k;
			continue;
		}
		if (o + 4 >= n)
			break;
		static const char hex[] = "0123456789abcdef";
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[*p >> 4];
		out[o++] = hex[*p & 15];
		p++;
	}
	out[o] = '\0';
	return out;
}

void ui_escape_fputs(const char *text, FILE *f)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	while (*p) {
		size_t k = printable_len(p);
		if (k) {
			fwrite(p, 1, k, f);
			p += k;
		} else {
			fprintf(f, "\\x%02x", *p++);
		}
	}
}
