/* The curses painter of the plot (see plotpaint.h): the columns' marks
 * (labels, detections, selection, train part) from ui/dash/plot's column
 * mapping, then the value and forecast lines, the lanes, the score strip
 * and the time axis, each a step of its own. */
#include "ui/dash/plotpaint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/dash/colour.h"
#include "ui/dash/plot.h"
#include "ui/dash/summary.h"
#include "ui/escape.h"

static PlotGrid grid, fgrid, sgrid; /* scratch, freed after each plot */
/* min/max summaries of the columns drawn, kept across frames and resizes;
 * the values never change (generation 0), the forecast follows
 * App.pred_gen, the scores App.plot_gen (threshold moves scale them
 * without a new generation), the node score App.node_gen */
static PlotSummaryCache sums;
static const float *summarised; /* the series whose values were
				   summarised ahead */

void plotpaint_cache_free(void)
{
	plot_summary_cache_free(&sums);
	summarised = NULL;
}

/* On the first frame of a series, summarise the values of its first
 * metrics (up to half the slots) at once, so that the first visit of each
 * costs a key nothing. */
static void summarise_ahead(const App *a)
{
	if (summarised == a->s.values)
		return;
	summarised = a->s.values;
	for (size_t m = 0; m < a->s.metrics && m < (PLOT_SUMMARY_SLOTS - 2) / 3;
	     m++)
		plot_summary_cached(&sums, series_column(&a->s, m), a->s.rows,
				    0);
}

/* When a model's forecast or scores arrive, summarise them for as many
 * metrics as the slots hold beside the values (about a byte per row and
 * column in all), so that moving to another metric costs a key no pass
 * over its rows. */
/* Summarise the first n columns of cols (rows each) at generation gen,
 * unless *done and *done_gen say that was the last thing done. */
static void summarise_columns(const App *a, const float *cols, size_t n,
			      unsigned gen, const float **done,
			      unsigned *done_gen)
{
	size_t R = a->s.rows;
	if (!cols || (cols == *done && gen == *done_gen))
		return;
	*done = cols;
	*done_gen = gen;
	for (size_t m = 0; m < n; m++)
		plot_summary_cached(&sums, cols + m * R, R, gen);
}

static void summarise_model(const App *a)
{
	static const float *done_pred, *done_score;
	static unsigned done_pg, done_sg;
	size_t n = a->s.metrics < (PLOT_SUMMARY_SLOTS - 2) / 3
			   ? a->s.metrics
			   : (PLOT_SUMMARY_SLOTS - 2) / 3;
	summarise_columns(a, a->pred, n, a->pred_gen, &done_pred, &done_pg);
	summarise_columns(a, a->score, n, a->plot_gen, &done_score, &done_sg);
}

/* The node score is summarised whenever it changes (a new run, or a
 * background recompute after a threshold move lands: frames that answer
 * no key), so that Tab to node scope costs a key nothing. */
static void summarise_node(const App *a)
{
	static const float *done_ptr;
	static unsigned done_gen;
	summarise_columns(a, a->node_score, 1, a->node_gen, &done_ptr,
			  &done_gen);
}

void plotpaint_free(void)
{
	plot_grid_free(&grid);
	plot_grid_free(&fgrid);
	plot_grid_free(&sgrid);
}

/* Print at most n bytes of text, control characters escaped. */
static void put(WINDOW *w, int y, int x, int n, const char *text)
{
	char safe[1024];
	if (n > 0)
		mvwaddnstr(w, y, x, ui_escape(text, safe, sizeof(safe)), n);
}



const Detection *plotpaint_dets(const App *a, size_t scope, size_t *n)
{
	if (scope == UI_NODE) {
		*n = a->n_node_det;
		return a->node_det;
	}
	*n = a->det ? a->n_det[scope] : 0;
	return a->det ? a->det[scope] : NULL;
}


static const char *crit_glyph(int crit, int unicode)
{
	static const char *uni[] = {" ", "\xe2\x96\x82", "\xe2\x96\x84",
				    "\xe2\x96\x88"};
	static const char *asc[] = {" ", "l", "M", "H"};
	if (crit < 0 || crit > 3)
		crit = 0;
	return unicode ? uni[crit] : asc[crit];
}

/* One plot being painted: where it goes and what each of its columns
 * shows, built once by area_init and read by every painting step. */
typedef struct {
	WINDOW *w;
	int left;      /* first column of the y-axis labels */
	int x0, pw;    /* first plot column, number of plot columns */
	int uni;       /* Braille and box glyphs */
	uint8_t *lab;  /* per column: labelled (working, or original when the
			  spec says so) */
	uint8_t *orig; /* per column: 1 originally labelled, 2 the SMD label
			  files disagree here (node) */
	uint8_t *det;  /* per column: highest criticality shown, 0 none */
	uint8_t *selm; /* per column: inside the selection */
	uint8_t *train; /* per column: shows train rows (not scored) */
	long ccol;     /* the cursor's column, -1 when outside the window */
	long split_col; /* the column of the first test row, -1 when the
			   window does not show the split */
} PlotArea;

static void area_free(PlotArea *pa)
{
	free(pa->lab);
	free(pa->det);
	free(pa->orig);
	free(pa->selm);
	free(pa->train);
}

/* Mark the columns of labels, original labels, detections (criticality >=
 * sp->min) and the selection. Returns 0, or -1 when out of memory. */
static int area_init(App *a, PlotArea *pa, WINDOW *w, int left, int width,
		     const PlotSpec *sp)
{
	memset(pa, 0, sizeof(*pa));
	pa->w = w;
	pa->left = left;
	pa->x0 = left + PLOTPAINT_AXIS_W;
	pa->pw = width - PLOTPAINT_AXIS_W;
	pa->uni = a->unicode;
	size_t pw = (size_t)pa->pw;
	pa->lab = calloc(pw, 1);
	pa->det = calloc(pw, 1);
	pa->orig = calloc(pw, 1);
	pa->selm = calloc(pw, 1);
	pa->train = calloc(pw, 1);
	if (!pa->lab || !pa->det || !pa->orig || !pa->selm || !pa->train) {
		area_free(pa);
		return -1;
	}
	const UiRanges *L = ui_labels_set(&a->labels, sp->scope, sp->original);
	plot_mark_ranges(L->r, L->n, a->first, a->count, pw, 1, pa->lab);
	const UiRanges *O = ui_labels_set(&a->labels, sp->scope, 1);
	plot_mark_ranges(O->r, O->n, a->first, a->count, pw, 1, pa->orig);
	if (sp->scope == UI_NODE && a->n_disagree)
		plot_mark_ranges(a->disagree, a->n_disagree, a->first, a->count,
				 pw, 2, pa->orig);
	size_t nd;
	const Detection *d = plotpaint_dets(a, sp->scope, &nd);
	for (size_t i = 0; i < nd; i++)
		if (d[i].crit >= sp->min)
			plot_mark_ranges(&d[i].r, 1, a->first, a->count, pw,
					 (uint8_t)d[i].crit, pa->det);
	if (a->selecting) {
		size_t lo = a->sel_anchor < a->cursor ? a->sel_anchor
						      : a->cursor;
		size_t hi = a->sel_anchor < a->cursor ? a->cursor
						      : a->sel_anchor;
		Range r = {(int64_t)lo, (int64_t)hi + 1};
		plot_mark_ranges(&r, 1, a->first, a->count, pw, 1, pa->selm);
	}
	if (a->keymode == KEYMODE_EDGE && a->edge_set == sp->scope) {
		/* the label's new extent, as a selection */
		Range r = {a->edge_start, a->edge_end};
		plot_mark_ranges(&r, 1, a->first, a->count, pw, 1, pa->selm);
	}
	pa->ccol = plot_row_column(a->first, a->count, pw, a->cursor);
	size_t split = a->s.split;
	pa->split_col = -1;
	if (split > 0 && split < a->s.rows) {
		Range tr = {0, (int64_t)split};
		plot_mark_ranges(&tr, 1, a->first, a->count, pw, 1, pa->train);
		if (split > a->first)
			pa->split_col =
				plot_row_column(a->first, a->count, pw, split);
	}
	return 0;
}

/* The y range of metric m's value and forecast over the window (or the
 * whole series), never empty. */
static void value_extent(const App *a, size_t m, float *lo, float *hi)
{
	const Series *s = &a->s;
	const float *x = series_column(s, m);
	const float *f = a->pred ? a->pred + m * s->rows : NULL;
	size_t e0 = a->yfit_whole ? 0 : a->first;
	size_t en = a->yfit_whole ? s->rows : a->count;
	if (!plot_extent_fast(&sums, 0, x, s->rows, e0, en, lo, hi)) {
		*lo = 0;
		*hi = 1;
	}
	float flo, fhi;
	if (f && plot_extent_fast(&sums, a->pred_gen, f, s->rows, e0, en,
				  &flo, &fhi)) {
		if (flo < *lo)
			*lo = flo;
		if (fhi > *hi)
			*hi = fhi;
	}
	if (*hi <= *lo) {
		*hi = *lo + 1;
		*lo -= 1;
	}
}

/* Render x over the window into g (ph rows), y range [lo, hi]. */
static int render_line(App *a, PlotGrid *g, const PlotArea *pa, int ph,
		       const float *x, unsigned gen, float lo, float hi)
{
	if (plot_grid_init(g, (size_t)pa->pw, (size_t)ph, pa->uni))
		return -1;
	size_t dx = plot_grid_dots_x(g);
	PlotSpan *spans = malloc(dx * sizeof(PlotSpan));
	if (!spans)
		return -1;
	plot_columns_fast(&sums, gen, x, a->s.rows, a->first, a->count, dx,
			  spans);
	plot_render(g, spans, lo, hi);
	free(spans);
	return 0;
}

/* The value (coloured by the detection under it) and the forecast
 * (dimmed) of metric m in rows [y0, y0 + ph), over the label band, with
 * the y-axis's max and min beside it. */
static void paint_values(App *a, const PlotArea *pa, int y0, int ph,
			 size_t m)
{
	const Series *s = &a->s;
	const float *f = a->pred ? a->pred + m * s->rows : NULL;
	float lo, hi;
	summarise_ahead(a);
	summarise_model(a);
	summarise_node(a);
	value_extent(a, m, &lo, &hi);
	if (render_line(a, &grid, pa, ph, series_column(s, m), 0, lo, hi))
		return;
	if (f && render_line(a, &fgrid, pa, ph, f, a->pred_gen, lo, hi))
		return;
	WINDOW *w = pa->w;
	for (int yy = 0; yy < ph; yy++) {
		for (int xx = 0; xx < pa->pw; xx++) {
			char cell[4];
			/* labels in the train part are not scored: no band */
			int band = pa->lab[xx] && !pa->train[xx] ? 1 : 0;
			size_t at_cell = (size_t)yy * grid.w + (size_t)xx;
			attr_t at;
			if (grid.cells[at_cell]) {
				plot_cell_text(&grid, (size_t)xx, (size_t)yy,
					       cell);
				at = colour_role(pa->det[xx] ? colour_crit(pa->det[xx])
						      : FG_SERIES,
					  band);
			} else if (f && fgrid.cells[at_cell]) {
				plot_cell_text(&fgrid, (size_t)xx, (size_t)yy,
					       cell);
				if (!pa->uni)
					cell[0] = '.';
				at = colour_role(FG_FORECAST, band);
			} else if (xx == pa->split_col) {
				/* the train/test split */
				snprintf(cell, sizeof(cell), "%s",
					 pa->uni ? "\xe2\x95\x8e" : ":");
				at = colour_role(FG_THRESH, band);
			} else {
				cell[0] = ' ';
				cell[1] = '\0';
				at = colour_role(FG_PLAIN, band);
			}
			if (xx == pa->ccol || pa->selm[xx])
				at |= A_REVERSE;
			wattrset(w, at);
			mvwaddstr(w, y0 + yy, pa->x0 + xx, cell);
		}
	}
	wattrset(w, A_NORMAL);
	/* y axis: max at the top, min at the bottom */
	char vb[32];
	plot_format_value(hi, vb, sizeof(vb), PLOTPAINT_AXIS_W - 1);
	mvwprintw(w, y0, pa->left, "%*.*s", PLOTPAINT_AXIS_W - 1, PLOTPAINT_AXIS_W - 1, vb);
	plot_format_value(lo, vb, sizeof(vb), PLOTPAINT_AXIS_W - 1);
	mvwprintw(w, y0 + ph - 1, pa->left, "%*.*s", PLOTPAINT_AXIS_W - 1,
		  PLOTPAINT_AXIS_W - 1, vb);
}

/* The labels lane (working or original; added, removed and disputed
 * ranges marked) at row y and the detections lane under it. */
static void paint_lanes(const PlotArea *pa, int y, int original)
{
	WINDOW *w = pa->w;
	int uni = pa->uni;
	put(w, y, pa->left, PLOTPAINT_AXIS_W - 1, original ? "orig" : "labels");
	put(w, y + 1, pa->left, PLOTPAINT_AXIS_W - 1, "detect");
	for (int xx = 0; xx < pa->pw; xx++) {
		const char *g = " ";
		attr_t at = A_NORMAL;
		if (pa->orig[xx] == 2) {
			g = "!"; /* the label files disagree here */
		} else if (pa->lab[xx] && pa->train[xx]) {
			/* train part: drawn dimmed, not scored */
			g = uni ? "\xe2\x96\x94" : "-";
			at = A_DIM;
		} else if (pa->lab[xx]) {
			g = uni ? "\xe2\x96\x80" : "=";
			at = colour_role(FG_PLAIN, 1);
			if (!original && !pa->orig[xx])
				g = uni ? "\xe2\x96\x9a" : "+"; /* added */
		} else if (!original && pa->orig[xx]) {
			g = uni ? "\xe2\x95\x8c" : "x"; /* removed */
		}
		if (xx == pa->ccol || pa->selm[xx])
			at |= A_REVERSE;
		wattrset(w, at);
		mvwaddstr(w, y, pa->x0 + xx, g);
		at = pa->det[xx] ? colour_role(colour_crit(pa->det[xx]), 0) : A_NORMAL;
		if (xx == pa->ccol)
			at |= A_REVERSE;
		wattrset(w, at);
		mvwaddstr(w, y + 1, pa->x0 + xx, crit_glyph(pa->det[xx], uni));
	}
	wattrset(w, A_NORMAL);
}

/* The score sc (rows, summarised at generation gen) times g in rows
 * [y, y + sh) on a 0..2 (up to 8) scale with the threshold line at s = 1;
 * a note instead when there is no score. The stored scores are drawn on an
 * axis scaled by 1 / g, so a threshold move (which changes g) does not
 * rebuild their summaries. */
static void paint_score_strip(App *a, const PlotArea *pa, int y, int sh,
			      const float *sc, unsigned gen, double g)
{
	WINDOW *w = pa->w;
	const Series *s = &a->s;
	put(w, y, pa->left, PLOTPAINT_AXIS_W - 1, "score");
	float slo, shi;
	if (!(g > 0))
		g = 1;
	if (!sc || !plot_extent_fast(&sums, gen, sc, s->rows, a->first,
				     a->count, &slo, &shi))
		shi = 2;
	else
		shi = (float)(shi * g);
	float top = shi < 2 ? 2 : shi > 8 ? 8 : shi;
	if (!sc || render_line(a, &sgrid, pa, sh, sc, gen, 0,
			       (float)(top / g))) {
		put(w, y + sh / 2, pa->x0, pa->pw,
		    a->model == MODEL_TRAINING ? "(training...)"
					       : "(no model)");
		return;
	}
	size_t ty = plot_dot_row(1.0f, 0, top, plot_grid_dots_y(&sgrid));
	int trow = (int)(pa->uni ? ty / 4 : ty);
	for (int yy = 0; yy < sh; yy++)
		for (int xx = 0; xx < pa->pw; xx++) {
			char cell[4];
			plot_cell_text(&sgrid, (size_t)xx, (size_t)yy, cell);
			attr_t at = colour_role(pa->det[xx] ? colour_crit(pa->det[xx])
						     : FG_SERIES,
					 0);
			if (cell[0] == ' ' && yy == trow) {
				snprintf(cell, sizeof(cell), "%s",
					 pa->uni ? "\xe2\x94\x80" : "-");
				at = colour_role(FG_THRESH, 0);
			}
			if (xx == pa->ccol)
				at |= A_REVERSE;
			wattrset(w, at);
			mvwaddstr(w, y + yy, pa->x0 + xx, cell);
		}
	wattrset(w, A_NORMAL);
	mvwprintw(w, y + trow, pa->left, "%*s", PLOTPAINT_AXIS_W - 1, "thr 1");
}

/* On the time axis at row y: "train" before the split's column, its
 * mark, "test" after it (each where it fits). */
static void paint_split_mark(const PlotArea *pa, int y)
{
	long c = pa->split_col;
	if (c < 0)
		return;
	WINDOW *w = pa->w;
	wattrset(w, colour_role(FG_THRESH, 0));
	if (c >= 6)
		put(w, y, pa->x0 + (int)c - 6, 6, "train ");
	mvwaddstr(w, y, pa->x0 + (int)c, pa->uni ? "\xe2\x95\x8e" : ":");
	if (c + 5 < pa->pw)
		put(w, y, pa->x0 + (int)c + 1, 5, " test");
	wattrset(w, A_NORMAL);
}

/* The time axis at row y: a tick label every 18 columns ("|MM-DD HH:MM"
 * when the window spans more than a day, "|HH:MM" otherwise). */
static void paint_time_axis(App *a, const PlotArea *pa, int y)
{
	const Series *s = &a->s;
	WINDOW *w = pa->w;
	mvwhline(w, y, pa->x0, ' ', pa->pw);
	int span_day = series_time(s, a->first + a->count - 1) -
			       series_time(s, a->first) >
		       86400;
	for (int xx = 0; xx + 6 < pa->pw; xx += 18) {
		size_t r0, r1;
		plot_column_rows(a->first, a->count, (size_t)pa->pw,
				 (size_t)xx, &r0, &r1);
		char t[32], lbl[40];
		series_format_time(s, r0, t, sizeof(t));
		/* "YYYY-MM-DD HH:MM:SS": keep MM-DD HH:MM or HH:MM */
		if (strlen(t) >= 16)
			snprintf(lbl, sizeof(lbl), "|%.*s", span_day ? 11 : 5,
				 t + (span_day ? 5 : 11));
		else
			snprintf(lbl, sizeof(lbl), "|%s", t);
		long c = pa->split_col, len = (long)strlen(lbl);
		if (c >= 0 && xx < c + 6 && xx + len > c - 6)
			continue; /* the split's mark goes there */
		put(w, y, pa->x0 + xx, pa->pw - xx, lbl);
	}
	paint_split_mark(pa, y);
}

/* Paint the plot of spec into w's rows [y0, y0 + h) and columns [left,
 * left + width) (the y-axis labels included): from the top, the value
 * area, the two lanes, the score strip and the time axis. The value area
 * gets what the others leave; the strip goes first when space is short. */
void plotpaint_draw(App *a, WINDOW *w, int y0, int h, int left, int width,
		    const PlotSpec *sp)
{
	if (width - PLOTPAINT_AXIS_W < 4 || h < 1)
		return;
	int lanes = sp->lanes ? 2 : 0;
	int sh = sp->strip_h, axis = 1;
	int ph = h - lanes - sh - axis;
	if (ph < 2) {
		sh = 0;
		ph = h - lanes - axis;
	}
	/* a short band (views stacked in a small window): the time axis
	 * goes, then the values or the lanes (sp->lanes_first) */
	if (ph < 1) {
		axis = 0;
		ph = h - lanes;
	}
	if (ph < 1 && !(sp->lanes_first && ph == 0)) {
		lanes = 0;
		ph = h;
	}
	PlotArea pa;
	if (area_init(a, &pa, w, left, width, sp))
		return;
	int y = y0;
	if (ph > 0)
		paint_values(a, &pa, y, ph, sp->metric);
	y += ph;
	if (lanes) {
		paint_lanes(&pa, y, sp->original);
		y += lanes;
	}
	if (sh > 0) {
		int node = sp->scope == UI_NODE;
		const float *sc = node	     ? a->node_score
				  : a->score ? a->score + sp->metric * a->s.rows
					     : NULL;
		paint_score_strip(a, &pa, y, sh, sc,
				  node ? a->node_gen : a->plot_gen,
				  node ? 1.0 : app_score_scale(a, sp->metric));
		y += sh;
	}
	if (axis)
		paint_time_axis(a, &pa, y);
	area_free(&pa);
	plot_grid_free(&grid);
	plot_grid_free(&fgrid);
	plot_grid_free(&sgrid);
}
