/* Min/max pyramids over a float column (see summary.h): built in one pass,
 * queried in O(block + log n) per span. */
#include "ui/dash/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void merge(PlotSpan *a, PlotSpan b)
{
	if (!b.has)
		return;
	if (!a->has) {
		*a = b;
		return;
	}
	if (b.lo < a->lo)
		a->lo = b.lo;
	if (b.hi > a->hi)
		a->hi = b.hi;
}

/* The finite values of x[r0 .. r1), row by row. */
static void scan(PlotSpan *a, const float *x, size_t r0, size_t r1)
{
	for (size_t r = r0; r < r1; r++) {
		float v = x[r];
		if (isfinite(v))
			merge(a, (PlotSpan){v, v, 1});
	}
}

int plot_summary_build(PlotSummary *s, const float *x, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->x = x;
	s->n = n;
	size_t total = 0, len = (n + PLOT_SUMMARY_BLOCK - 1) / PLOT_SUMMARY_BLOCK;
	size_t levels = 0;
	while (len > 0 && levels < 64) {
		s->off[levels] = total;
		s->len[levels] = len;
		total += len;
		levels++;
		if (len == 1)
			break;
		len = (len + 1) / 2;
	}
	if (!total)
		return 0;
	s->spans = malloc(total * sizeof(PlotSpan));
	if (!s->spans) {
		memset(s, 0, sizeof(*s));
		return -1;
	}
	s->levels = levels;
	PlotSpan *l0 = s->spans;
	for (size_t j = 0; j < s->len[0]; j++) {
		size_t r0 = j * PLOT_SUMMARY_BLOCK, r1 = r0 + PLOT_SUMMARY_BLOCK;
		PlotSpan a = {0, 0, 0};
		scan(&a, x, r0, r1 < n ? r1 : n);
		l0[j] = a;
	}
	for (size_t k = 1; k < levels; k++) {
		const PlotSpan *lo = s->spans + s->off[k - 1];
		PlotSpan *up = s->spans + s->off[k];
		for (size_t j = 0; j < s->len[k]; j++) {
			PlotSpan a = lo[2 * j];
			if (2 * j + 1 < s->len[k - 1])
				merge(&a, lo[2 * j + 1]);
			up[j] = a;
		}
	}
	return 0;
}

void plot_summary_free(PlotSummary *s)
{
	free(s->spans);
	memset(s, 0, sizeof(*s));
}

PlotSpan plot_summary_span(const PlotSummary *s, size_t r0, size_t r1)
{
	PlotSpan a = {0, 0, 0};
	if (r1 > s->n)
		r1 = s->n;
	if (r0 >= r1)
		return a;
	/* whole blocks [ja, jb) of level 0, the rest row by row */
	size_t ja = (r0 + PLOT_SUMMARY_BLOCK - 1) / PLOT_SUMMARY_BLOCK;
	size_t jb = r1 / PLOT_SUMMARY_BLOCK;
	if (!s->spans || ja >= jb) {
		scan(&a, s->x, r0, r1);
		return a;
	}
	scan(&a, s->x, r0, ja * PLOT_SUMMARY_BLOCK);
	scan(&a, s->x, jb * PLOT_SUMMARY_BLOCK, r1);
	/* bottom-up: an odd left end or right end is a block of its own at
	 * this level; the rest pairs up into the level above */
	for (size_t k = 0; ja < jb && k < s->levels; k++) {
		const PlotSpan *l = s->spans + s->off[k];
		if (ja & 1)
			merge(&a, l[ja++]);
		if (jb & 1)
			merge(&a, l[--jb]);
		ja /= 2;
		jb /= 2;
	}
	return a;
}

void plot_summary_columns(const PlotSummary *s, size_t first, size_t count,
			  size_t ncols, PlotSpan *out)
{
	for (size_t c = 0; c < ncols; c++) {
		size_t r0, r1;
		plot_column_rows(first, count, ncols, c, &r0, &r1);
		out[c] = plot_summary_span(s, r0, r1);
	}
}

int plot_summary_extent(const PlotSummary *s, size_t first, size_t count,
			float *lo, float *hi)
{
	PlotSpan a = plot_summary_span(s, first, first + count);
	if (a.has) {
		*lo = a.lo;
		*hi = a.hi;
	}
	return a.has;
}
