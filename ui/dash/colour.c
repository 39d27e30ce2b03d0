/* Colour roles (STYLE item 11): what is drawn (series, forecast, label
 * band, detections by criticality, threshold, status) mapped to colour
 * pairs in one table; without colours (NO_COLOR, a monochrome terminal)
 * each role falls back to attributes. See colour.h. */
#include "ui/dash/colour.h"

#include <stdlib.h>


static const struct {
	short fg;
	attr_t extra; /* with colour */
	attr_t mono;  /* without colour */
} fg_roles[FG_COUNT] = {
	[FG_PLAIN] = {-1, A_NORMAL, A_NORMAL},
	[FG_SERIES] = {COLOR_CYAN, A_NORMAL, A_NORMAL},
	[FG_FORECAST] = {COLOR_WHITE, A_DIM, A_DIM},
	[FG_LOW] = {COLOR_YELLOW, A_NORMAL, A_BOLD},
	[FG_MEDIUM] = {COLOR_MAGENTA, A_BOLD, A_BOLD},
	[FG_HIGH] = {COLOR_RED, A_BOLD, A_BOLD | A_UNDERLINE},
	[FG_THRESH] = {COLOR_YELLOW, A_DIM, A_DIM},
};

static int use_colour; /* colours started (else attributes) */

attr_t colour_role(Fg fg, int band)
{
	if (!use_colour)
		return fg_roles[fg].mono;
	return COLOR_PAIR(1 + fg * 2 + band) | fg_roles[fg].extra;
}

attr_t colour_status(void)
{
	return use_colour ? COLOR_PAIR(1 + FG_COUNT * 2) : A_REVERSE;
}

void colour_init(App *a)
{
	const char *nc = getenv("NO_COLOR");
	use_colour = 0;
	if ((!nc || !*nc) && has_colors()) {
		start_color();
		use_default_colors();
		if (COLORS >= 8 && COLOR_PAIRS > 1 + FG_COUNT * 2) {
			for (int f = 0; f < FG_COUNT; f++) {
				init_pair((short)(1 + f * 2), fg_roles[f].fg, -1);
				init_pair((short)(2 + f * 2),
					  fg_roles[f].fg == COLOR_BLUE
						  ? COLOR_WHITE
						  : fg_roles[f].fg,
					  COLOR_BLUE);
			}
			init_pair((short)(1 + FG_COUNT * 2), COLOR_BLACK,
				  COLOR_CYAN);
			use_colour = 1;
		}
	}
	a->colour = use_colour;
}

Fg colour_crit(int crit)
{
	return crit >= CRIT_HIGH ? FG_HIGH
	       : crit == CRIT_MEDIUM ? FG_MEDIUM
	       : crit == CRIT_LOW ? FG_LOW
				  : FG_SERIES;
}
