/* Multi-resolution min/max summaries of a column of floats, so that the
 * plot's min and max per terminal column cost O(log rows) whatever the
 * zoom, instead of a pass over every row in the window.
 *
 * Level 0 holds the min and max of each block of PLOT_SUMMARY_BLOCK rows;
 * level k + 1 combines pairs of level k's blocks. A span of rows is its
 * unaligned ends (fewer than a block each, read from the data) plus at most
 * two blocks per level. The values are the very floats of the data, so the
 * result equals a pass over the rows (plot_columns), NaN skipped alike.
 * Pure C, no curses: tested against brute force. */
#ifndef VIGIL_UI_SUMMARY_H
#define VIGIL_UI_SUMMARY_H

#include <stddef.h>

#include "ui/dash/plot.h"

#define PLOT_SUMMARY_BLOCK 16

typedef struct {
	const float *x;    /* borrowed: the data, n values */
	size_t n;
	size_t levels;     /* levels in use */
	PlotSpan *spans;   /* owned: every level, one after the other */
	size_t off[64];    /* level k starts at spans + off[k] */
	size_t len[64];    /* and holds len[k] blocks */
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

#endif
