/* The plot, painted: a metric's (or the node's) value and forecast over
 * the window with min/max per column, the label band, the labels and
 * detections lanes, the score strip with the threshold line, the train /
 * test split and the time axis, into any rectangle of a window (the plot
 * pane, each panel of the c / o views, each band of v). The numbers come
 * from ui/dash/plot.h; only this paints them. */
#ifndef VIGIL_UI_PLOTPAINT_H
#define VIGIL_UI_PLOTPAINT_H

#include <ncursesw/curses.h>

#include "ui/dash/app.h"

/* Columns of the y-axis labels left of the plot. */
#define PLOTPAINT_AXIS_W 7

/* What one plot shows. */
typedef struct {
	size_t metric;      /* series drawn */
	size_t scope;       /* labels / detections: metric or UI_NODE */
	Criticality min;    /* detections shown */
	int original;       /* show the original labels */
	int strip_h;        /* rows of the score strip */
	int lanes;          /* label + detection lanes */
	int lanes_first;    /* a band too short for values and lanes keeps
			       the lanes (what the c and o views compare);
			       else the values */
} PlotSpec;

/* Paint the plot of sp into w's rows [y0, y0 + h) and columns [left,
 * left + width) (the y-axis labels included). */
void plotpaint_draw(App *a, WINDOW *w, int y0, int h, int left, int width,
		    const PlotSpec *sp);

/* The detections of scope (a metric or UI_NODE), n of them. */
const Detection *plotpaint_dets(const App *a, size_t scope, size_t *n);

/* Free the scratch grids (at exit). */
void plotpaint_free(void);

/* Free the min/max summaries the painter keeps across frames and layouts
 * (ui/dash/summary.h); at the end of a session. */
void plotpaint_cache_free(void);

#endif
