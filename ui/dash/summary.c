/* Min/max pyramids over a float column (see summary.h): built in one pass,
 * queried in O(block + log n) per span; the cache that keeps the plot's
 * summaries from one frame to the next. */
#include "ui/dash/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* An empty span is lo = +inf, hi = -inf: the finite values never are. */
static void scan(float *lo, float *hi, const float *x, size_t r0, size_t r1)
{
	for (size_t r = r0; r < r1; r++) {
		float v = x[r];
		if (!isfinite(v))
			continue;
		if (v < *lo)
			*lo = v;
		if (v > *hi)
			*hi = v;
	}
}

int plot_summary_build(PlotSummary *s, const float *x, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->x = x;
	s->n = n;
	size_t total = 0, len = n / PLOT_SUMMARY_BLOCK, levels = 0;
	while (len > 0 && levels < 64) {
		s->off[levels] = total;
		s->len[levels] = len;
		total += len;
		levels++;
		len /= 2;
	}
	if (!total)
		return 0; /* shorter than a block: read row by row */
	s->lo = malloc(total * sizeof(float));
	s->hi = malloc(total * sizeof(float));
	if (!s->lo || !s->hi) {
		free(s->lo);
		free(s->hi);
		memset(s, 0, sizeof(*s));
		return -1;
	}
	s->levels = levels;
	for (size_t j = 0; j < s->len[0]; j++) {
		float lo = INFINITY, hi = -INFINITY;
		scan(&lo, &hi, x, j * PLOT_SUMMARY_BLOCK,
		     (j + 1) * PLOT_SUMMARY_BLOCK);
		s->lo[j] = lo;
		s->hi[j] = hi;
	}
	/* level k's block j is level k-1's blocks 2j and 2j+1 (a last odd
	 * block of level k-1 has no parent: queries take it at its level) */
	for (size_t k = 1; k < levels; k++) {
		const float *dlo = s->lo + s->off[k - 1];
		const float *dhi = s->hi + s->off[k - 1];
		float *ulo = s->lo + s->off[k], *uhi = s->hi + s->off[k];
		for (size_t j = 0; j < s->len[k]; j++) {
			ulo[j] = fminf(dlo[2 * j], dlo[2 * j + 1]);
			uhi[j] = fmaxf(dhi[2 * j], dhi[2 * j + 1]);
		}
	}
	return 0;
}

void plot_summary_free(PlotSummary *s)
{
	free(s->lo);
	free(s->hi);
	memset(s, 0, sizeof(*s));
}

PlotSpan plot_summary_span(const PlotSummary *s, size_t r0, size_t r1)
{
	float lo = INFINITY, hi = -INFINITY;
	if (r1 > s->n)
		r1 = s->n;
	if (r0 < r1) {
		/* whole blocks [ja, jb) of level 0, the ends row by row */
		size_t ja = (r0 + PLOT_SUMMARY_BLOCK - 1) / PLOT_SUMMARY_BLOCK;
		size_t jb = r1 / PLOT_SUMMARY_BLOCK;
		if (ja >= jb || !s->levels) {
			scan(&lo, &hi, s->x, r0, r1);
		} else {
			scan(&lo, &hi, s->x, r0, ja * PLOT_SUMMARY_BLOCK);
			scan(&lo, &hi, s->x, jb * PLOT_SUMMARY_BLOCK, r1);
			/* bottom-up: an odd left end or right end is a
			 * block of its own at this level (so is a last block
			 * without a parent); the rest pairs up into the
			 * level above */
			for (size_t k = 0; ja < jb && k < s->levels; k++) {
				const float *l = s->lo + s->off[k];
				const float *h = s->hi + s->off[k];
				if (ja & 1) {
					lo = fminf(lo, l[ja]);
					hi = fmaxf(hi, h[ja]);
					ja++;
				}
				if ((jb & 1) && ja < jb) {
					jb--;
					lo = fminf(lo, l[jb]);
					hi = fmaxf(hi, h[jb]);
				}
				if (k + 1 == s->levels) {
					for (; ja < jb; ja++) {
						lo = fminf(lo, l[ja]);
						hi = fmaxf(hi, h[ja]);
					}
					break;
				}
				ja /= 2;
				jb /= 2;
			}
		}
	}
	PlotSpan out = {lo, hi, lo <= hi};
	if (!out.has)
		out.lo = out.hi = 0;
	return out;
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

/* ------------------------------------------------------------ the cache */

void plot_summary_cache_free(PlotSummaryCache *c)
{
	for (size_t i = 0; i < PLOT_SUMMARY_SLOTS; i++)
		plot_summary_free(&c->slot[i]);
	memset(c, 0, sizeof(*c));
}

const PlotSummary *plot_summary_cached(PlotSummaryCache *c, const float *x,
				       size_t n, unsigned gen)
{
	if (n < PLOT_SUMMARY_MIN_ROWS)
		return NULL;
	c->clock++;
	size_t victim = 0;
	for (size_t i = 0; i < PLOT_SUMMARY_SLOTS; i++) {
		PlotSummary *s = &c->slot[i];
		if (s->levels && s->x == x && s->n == n && c->gen[i] == gen) {
			c->used[i] = c->clock;
			return s;
		}
		if (c->used[i] < c->used[victim])
			victim = i;
	}
	PlotSummary *s = &c->slot[victim];
	plot_summary_free(s);
	if (plot_summary_build(s, x, n) != 0 || !s->levels) {
		plot_summary_free(s);
		c->used[victim] = 0;
		return NULL;
	}
	c->gen[victim] = gen;
	c->used[victim] = c->clock;
	return s;
}

void plot_columns_fast(PlotSummaryCache *c, unsigned gen, const float *x,
		       size_t n, size_t first, size_t count, size_t ncols,
		       PlotSpan *out)
{
	const PlotSummary *s = count >= PLOT_SUMMARY_MIN_ROWS
				       ? plot_summary_cached(c, x, n, gen)
				       : NULL;
	if (s)
		plot_summary_columns(s, first, count, ncols, out);
	else
		plot_columns(x, n, first, count, ncols, out);
}

int plot_extent_fast(PlotSummaryCache *c, unsigned gen, const float *x,
		     size_t n, size_t first, size_t count, float *lo,
		     float *hi)
{
	const PlotSummary *s = count >= PLOT_SUMMARY_MIN_ROWS
				       ? plot_summary_cached(c, x, n, gen)
				       : NULL;
	if (s)
		return plot_summary_extent(s, first, count, lo, hi);
	return plot_extent(x, n, first, count, lo, hi);
}
