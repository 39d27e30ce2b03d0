/* The progress bar of a load (a big CSV takes seconds): drawn on a
 * terminal only, only once the load has taken more than a second, at most
 * ten times a second, and wiped when the load ends, so a quick load prints
 * nothing and the line is left clean for what follows. The command line
 * draws it on stderr; the dashboard draws it before curses starts. The
 * bytes come from the loaders' progress callback (SeriesOptions). */
#ifndef VIGIL_UI_LOADBAR_H
#define VIGIL_UI_LOADBAR_H

#include <stddef.h>

#include "data/series.h"

typedef struct {
	int fd;          /* where to draw, -1: nowhere */
	double delay;    /* seconds before the first drawing */
	double t0;       /* monotonic start */
	double last;     /* the last drawing (0: none yet) */
	int shown;       /* a bar is on the line */
	int active;      /* between begin and end */
} LoadBar;

/* Start a bar on fd (drawn only when fd is a terminal) with the usual
 * one-second delay; force nonzero draws on any fd (tests), delay 0. */
void loadbar_begin(LoadBar *b, int fd, int force);

/* Point o's progress callback at b. */
void loadbar_attach(LoadBar *b, SeriesOptions *o);

/* The progress callback: ctx is the LoadBar. Does nothing after
 * loadbar_end. */
void loadbar_update(void *ctx, size_t done, size_t total);

/* Wipe the bar if it was drawn; later updates are ignored. */
void loadbar_end(LoadBar *b);

/* series_open with a bar on stderr. */
Status loadbar_series_open(Series *s, const char *dataset,
			   const SeriesOptions *opt, ErrorRecord *err);

#endif
