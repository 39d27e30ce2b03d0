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

/* When names[m] (of n names), cut to its first w - 1 bytes, reads like
 * another name so cut (names that share a long prefix: Exathlon's
 * 1_driver_..._processingDelay_0, _1, ...; Prometheus's
 * cpu_user{cpu="0",instance=...}, {cpu="1",...}), the byte where it first
 * differs from all of them; else 0. */
size_t panes_names_clash(const char *const *names, size_t n, size_t m,
			 size_t w);

/* name in w columns into buf (n bytes): whole, or cut with an ellipsis at
 * the end, or, with differs_at (panes_names_clash's answer, names alike at
 * the start), its start around the ellipsis and then the part that ends
 * just past differs_at (its end when that is near the end). */
void panes_short_name(const char *name, char *buf, size_t n, size_t w,
		      int unicode, size_t differs_at);

#endif
