/* The panes of the dashboard behind one table of operations (draw, resize):
 * the metric list, the plot (value, forecast, label band, detections, score
 * strip, time axis, cursor readout), the scores panel and the status line,
 * plus the full-screen views (help, criticality comparison, original vs
 * working). Colours are roles mapped to pairs in one table; without colour
 * (NO_COLOR, monochrome) roles fall back to attributes and glyphs. */
#ifndef VIGIL_UI_PANES_H
#define VIGIL_UI_PANES_H

#include "ui/dash/app.h"

/* Start colours (unless NO_COLOR is set or the terminal has none); sets
 * a->colour. Call after initscr. */
void panes_init_colours(App *a);

/* Compute the layout for the current terminal size and (re)create the
 * pane windows. */
void panes_layout(App *a);

/* Redraw the dirty panes (or the current full-screen view) with
 * wnoutrefresh and one doupdate; clears a->dirty. */
void panes_draw(App *a);

/* Offer a key to the panes (KEY_MOUSE goes to the pane under the pointer:
 * a click in the list selects a metric, in the plot it moves the cursor, a
 * drag there selects). Returns DIRTY_* flags, 0 when no pane took it. */
unsigned panes_on_key(App *a, int ch);

/* Free the pane windows. */
void panes_free(void);

#endif
