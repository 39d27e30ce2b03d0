/* Multi-resolution min/max summaries of a column of floats, so that the
 * plot's min and max per terminal column cost O(log rows) whatever the
 * zoom, instead of a pass over every row in the window.
 *
 * Level 0 holds the min and max of each block of PLOT_SUMMARY_BLOCK rows;
 * level k + 1 combines pairs of level k's blocks. A span of rows is its
 * unaligned ends (fewer than a block each, read from the data) plus at most
 * two blocks per level. The values are the very floats of the data, so the
 * result equals a pass over the rows (plot_columns), NaN and infinities
 * skipped alike. About half a byte per row. Pure C, no curses: tested
 * against brute force. */
#ifndef VIGIL_UI_SUMMARY_H
#define VIGIL_UI_SUMMARY_H

#include <stddef.h>

#include "ui/dash/plot.h"

#define PLOT_SUMMARY_BLOCK 32

typedef struct {
	const float *x;  /* borrowed: the data, n values */
	size_t n;
	size_t levels;   /* levels in use (0: shorter than a block) */
	float *lo, *hi;  /* owned: every level, one after the other; an
			    empty block is lo = +inf, hi = -inf */
	size_t off[64];  /* level k starts at lo + off[k] (and hi + off[k]) */
	size_t len[64];  /* and holds len[k] blocks */
} PlotSummary;

/* Summarise x[0 .. n) (x must outlive s and not change; build again when
 * it does). Returns 0, or -1 when out of memory (s is then empty). */
int plot_summary_build(PlotSummary *s, const float *x, size_t n);
void plot_summary_free(PlotSummary *s);

/* Min and max of the finite x[r0 .. r1) (clipped to n). */
PlotSpan plot_summary_span(const PlotSummary *s, size_t r0, size_t r1);

/* plot_columns from the summary: the same spans, O(ncols x log n). */
void plot_summary_columns(const PlotSummary *s, size_t first, size_t count,
			  size_t ncols, PlotSpan *out);

/* plot_extent from the summary: 0 when the window has no finite value. */
int plot_summary_extent(const PlotSummary *s, size_t first, size_t count,
			float *lo, float *hi);

/* The summaries the plot draws from, kept between frames: a few slots,
 * the least recently used rebuilt when another column is asked for. A
 * slot is valid for the same data pointer, length and generation; the
 * caller bumps the generation whenever the data may have changed in place
 * (new forecast, new scores). Series shorter than PLOT_SUMMARY_MIN_ROWS
 * are not summarised: a pass over them is as cheap. */
#define PLOT_SUMMARY_SLOTS 128
#define PLOT_SUMMARY_MIN_ROWS 4096

typedef struct {
	PlotSummary slot[PLOT_SUMMARY_SLOTS];
	unsigned gen[PLOT_SUMMARY_SLOTS];
	unsigned long used[PLOT_SUMMARY_SLOTS]; /* clock of the last use */
	unsigned long clock;
} PlotSummaryCache;

/* The summary of x[0 .. n) at generation gen (built when missing), or
 * NULL when n is short or memory is out. Zero-initialise c first. */
const PlotSummary *plot_summary_cached(PlotSummaryCache *c, const float *x,
				       size_t n, unsigned gen);
void plot_summary_cache_free(PlotSummaryCache *c);

/* plot_columns and plot_extent through the cache when the window is
 * long, directly otherwise: the same results either way. */
void plot_columns_fast(PlotSummaryCache *c, unsigned gen, const float *x,
		       size_t n, size_t first, size_t count, size_t ncols,
		       PlotSpan *out);
int plot_extent_fast(PlotSummaryCache *c, unsigned gen, const float *x,
		     size_t n, size_t first, size_t count, float *lo,
		     float *hi);

#endif
