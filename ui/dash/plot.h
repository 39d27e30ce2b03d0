/* The plot as pure functions: which rows of a series each terminal column
 * shows, the min and max of each column (so no spike vanishes at any zoom),
 * and the rendering of those spans into a grid of Braille cells (2x4 dots a
 * cell) or ASCII cells (one mark a cell). No curses here: the dashboard only
 * paints what these functions compute, and the tests check them directly. */
#ifndef VIGIL_UI_PLOT_H
#define VIGIL_UI_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "data/range.h"

/* The finite values of one column: lo <= hi when has is 1. */
typedef struct {
	float lo;
	float hi;
	int has;
} PlotSpan;

/* The rows [*r0, *r1) shown by column c of ncols when the window is rows
 * [first, first + count). Every column shows at least one row; when count <
 * ncols neighbouring columns repeat a row. */
void plot_column_rows(size_t first, size_t count, size_t ncols, size_t c,
		      size_t *r0, size_t *r1);

/* The column showing row r, or -1 when r is outside the window. */
long plot_row_column(size_t first, size_t count, size_t ncols, size_t r);

/* out[c] (ncols spans) = min and max of the finite x[r] over column c's
 * rows, rows clipped to [0, n). NaN values are skipped. */
void plot_columns(const float *x, size_t n, size_t first, size_t count,
		  size_t ncols, PlotSpan *out);

/* Min and max of the finite values of x[first .. first+count) (clipped to
 * n); returns 0 when there are none. */
int plot_extent(const float *x, size_t n, size_t first, size_t count,
		float *lo, float *hi);

/* For each of ncols columns, out[c] = max(out[c], value) when any of the
 * ranges (sorted or not) intersects column c's rows. */
void plot_mark_ranges(const Range *r, size_t nr, size_t first, size_t count,
		      size_t ncols, uint8_t value, uint8_t *out);

/* A grid of w x h cells. In Braille mode a cell holds 8 dot bits (Unicode
 * order: dot1 0x01 .. dot8 0x80) and the grid has 2w x 4h dots; in ASCII
 * mode a cell holds one of ' ', '-', '|', '.' and the grid has w x h dots. */
typedef struct {
	size_t w;
	size_t h;
	int braille;
	uint8_t *cells; /* owned: w * h, row-major (row 0 is the top) */
} PlotGrid;

/* Dots across and down: (2w, 4h) in Braille mode, (w, h) otherwise. */
size_t plot_grid_dots_x(const PlotGrid *g);
size_t plot_grid_dots_y(const PlotGrid *g);

/* Allocate a cleared grid; returns 0, or -1 when out of memory. */
int plot_grid_init(PlotGrid *g, size_t w, size_t h, int braille);
void plot_grid_free(PlotGrid *g);
void plot_grid_clear(PlotGrid *g);

/* The dot row (0 = top) of value v for a y range [ymin, ymax] over dy dots;
 * values outside are clamped; a flat range maps to the middle. */
size_t plot_dot_row(float v, float ymin, float ymax, size_t dy);

/* Draw spans (one per dot column: plot_grid_dots_x(g) of them) as a line:
 * each dot column gets a vertical stroke from its min to its max, extended
 * to touch the neighbouring column so the line stays connected. */
void plot_render(PlotGrid *g, const PlotSpan *spans, float ymin, float ymax);

/* Set one dot (x, y) of the grid (clipped). */
void plot_set_dot(PlotGrid *g, size_t x, size_t y);

/* The UTF-8 text of Braille cell bits (U+2800 + bits): writes 3 bytes and a
 * NUL into out. */
void plot_braille_utf8(uint8_t bits, char out[4]);

/* The text of cell (x, y): Braille UTF-8, or one ASCII character. A cell
 * without dots gives " ". out holds at least 4 bytes. */
void plot_cell_text(const PlotGrid *g, size_t x, size_t y, char out[4]);

/* Format v compactly in at most width characters ("61.3", "1.2e+05"). */
void plot_format_value(double v, char *buf, size_t n, int width);

#endif
