/* Metric names cut to a width, keeping where they differ: see
 * ui/names.h. Shared by the dashboard and the command line's tables;
 * widths are display columns and cuts fall between UTF-8 characters
 * (ui/textw.h). */
#include "ui/names.h"

#include <stdio.h>
#include <string.h>

#include "ui/textw.h"

size_t ui_names_clash(const char *const *names, size_t n, size_t m,
		      size_t w)
{
	const char *a = names[m];
	size_t at = 0;
	if (w < 2 || textw_cols(a) <= (int)w)
		return 0;
	/* the head a keeps when cut to w - 1 columns */
	size_t hb = textw_fit(a, (int)w - 1);
	for (size_t j = 0; j < n; j++) {
		/* the byte compare first: the columns of every name would be
		   measured for every name otherwise (n^2 decodes in a
		   table of n metrics) */
		if (j == m || strncmp(a, names[j], hb) ||
		    textw_cols(names[j]) <= (int)w)
			continue;
		size_t k = hb;
		while (a[k] && a[k] == names[j][k])
			k++;
		if (k > at)
			at = k;
	}
	return at;
}

/* name cut to w columns as ui_short_name says, into buf (n bytes);
 * returns the bytes it needs, its NUL included (more than n: cut, and
 * try a smaller w). */
static size_t short_name(const char *name, char *buf, size_t n, int w,
			 int unicode, size_t differs_at)
{
	size_t len = strlen(name);
	const char *ell = unicode ? "\xe2\x80\xa6" : "~";
	int tail = differs_at ? (w - 1) / 2 : 0;
	size_t head = textw_fit(name, w - 1 - tail);
	/* the part after the ellipsis is the name's end when the difference
	 * lies in it, else it ends a byte past the difference (the closing
	 * quote of a one-character label value), on a character boundary */
	size_t end = len;
	if (tail && differs_at + 2 < len &&
	    textw_span_cols(name + differs_at, len - differs_at) > tail) {
		end = differs_at + 2;
		while (end < len && ((unsigned char)name[end] & 0xC0) == 0x80)
			end++;
	}
	if (end < head)
		end = head;
	int over = textw_span_cols(name + head, end - head) - tail;
	size_t from = head + (over > 0 ? textw_skip(name + head, over) : 0);
	if (from > end)
		from = end;
	size_t need = head + strlen(ell) + (tail ? end - from : 0) + 1;
	if (need <= n)
		snprintf(buf, n, "%.*s%s%.*s", (int)head, name, ell,
			 tail ? (int)(end - from) : 0, name + from);
	return need;
}

void ui_short_name(const char *name, char *buf, size_t n, size_t w,
		   int unicode, size_t differs_at)
{
	size_t len = strlen(name);
	if (textw_cols(name) <= (int)w && len < n) {
		memcpy(buf, name, len + 1);
		return;
	}
	/* narrower until it fits buf (multi-byte characters take more
	 * bytes than columns) */
	int cols = (int)w;
	while (short_name(name, buf, n, cols, unicode, differs_at) > n)
		if (--cols < 1) {
			buf[0] = '\0';
			return;
		}
}
