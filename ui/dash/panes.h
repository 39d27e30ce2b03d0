/* The panes of the dashboard behind one table of operations (draw, resize):
 * the metric list, the plot (painted by ui/dash/plotpaint: value,
 * forecast, label band, detections, score strip, time axis; here its
 * readout and the alert band), the scores panel and the status line, plus
 * the full-screen views (help, criticality comparison, original vs
 * working, alerts, stacked). Colours are the roles of ui/dash/colour.h. */
#ifndef VIGIL_UI_PANES_H
#define VIGIL_UI_PANES_H

#include "ui/dash/app.h"

/* Compute the layout for the current terminal size and (re)create the
 * pane windows. */
void panes_layout(App *a);

/* Redraw the dirty panes (or the current full-screen view) with
 * wnoutrefresh and one doupdate; clears a->dirty. */
void panes_draw(App *a);

/* Offer a key to the panes (KEY_MOUSE goes to the pane under the pointer:
 * a click in the list selects a metric, in the plot it moves the cursor, a
 * drag there selects; reports that came in together are taken in order,
 * and dropped while a prompt or another view is up). Returns DIRTY_*
 * flags, 0 when no pane took it. */
unsigned panes_on_key(App *a, int ch);

/* Free the pane windows. */
void panes_free(void);

/* After a resize: flush stdscr (touched by the resize) blank now, so that
 * the next getch() does not repaint it over the windows drawn since. */
void panes_flush_stdscr(void);

#endif
