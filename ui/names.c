/* Metric names cut to a width, keeping where they differ: see
 * ui/names.h. Shared by the dashboard and the command line's tables. */
#include "ui/names.h"

#include <stdio.h>
#include <string.h>

size_t ui_names_clash(const char *const *names, size_t n, size_t m,
		      size_t w)
{
	const char *a = names[m];
	size_t at = 0;
	if (w < 2 || strlen(a) <= w)
		return 0;
	for (size_t j = 0; j < n; j++) {
		if (j == m || strlen(names[j]) <= w ||
		    strncmp(a, names[j], w - 1))
			continue;
		size_t k = w - 1;
		while (a[k] && a[k] == names[j][k])
			k++;
		if (k > at)
			at = k;
	}
	return at;
}

void ui_short_name(const char *name, char *buf, size_t n, size_t w,
		   int unicode, size_t differs_at)
{
	size_t len = strlen(name);
	if (len <= w && len < n) {
		memcpy(buf, name, len + 1);
		return;
	}
	if (w + 4 > n)
		w = n - 4;
	size_t tail = differs_at ? (w - 1) / 2 : 0, head = w - 1 - tail;
	/* the part after the ellipsis is the name's end when the difference
	 * lies in it, else it ends a byte past the difference (the closing
	 * quote of a one-character label value) */
	size_t from = len - tail;
	if (differs_at < from)
		from = differs_at + 2 > tail ? differs_at + 2 - tail : 0;
	if (from < head)
		from = head;
	const char *t = name + from;
	while (tail && ((unsigned char)*t & 0xC0) == 0x80) { /* UTF-8 */
		t++;
		tail--;
	}
	while (tail && t + tail < name + len &&
	       ((unsigned char)t[tail] & 0xC0) == 0x80)
		tail--;
	memcpy(buf, name, head);
	snprintf(buf + head, n - head, "%s%.*s",
		 unicode ? "\xe2\x80\xa6" : "~", (int)tail, t);
}
