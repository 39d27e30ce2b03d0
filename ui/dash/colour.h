/* Colour roles for the dashboard's drawing: one table maps each role to a
 * colour pair (over the default background, or over the label band's) and
 * to the attributes used without colours (NO_COLOR, monochrome). */
#ifndef VIGIL_UI_COLOUR_H
#define VIGIL_UI_COLOUR_H

#include <ncursesw/curses.h>

#include "ui/dash/app.h"

typedef enum {
	FG_PLAIN,
	FG_SERIES,
	FG_FORECAST,
	FG_LOW,
	FG_MEDIUM,
	FG_HIGH,
	FG_THRESH,
	FG_COUNT
} Fg;

/* Start the colours unless NO_COLOR is set or the terminal has fewer than
 * 8; sets a->colour. Call once curses is up. */
void colour_init(App *a);

/* The attributes of role fg over the default background (band 0) or the
 * label band (band 1). */
attr_t colour_role(Fg fg, int band);

/* The status line's attributes. */
attr_t colour_status(void);

/* The role of a detection of criticality crit (0: none, the series). */
Fg colour_crit(int crit);

#endif
