/* The load progress bar (see loadbar.h). One write(2) per drawing: a
 * carriage return, the bar, and an erase to the end of the line. */
#include "ui/loadbar.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "data/clock.h"

void loadbar_begin(LoadBar *b, int fd, int force)
{
	memset(b, 0, sizeof(*b));
	b->fd = force || isatty(fd) ? fd : -1;
	b->delay = force ? 0 : 1.0;
	b->t0 = clock_mono_seconds();
	b->active = 1;
}

void loadbar_attach(LoadBar *b, SeriesOptions *o)
{
	o->progress = loadbar_update;
	o->progress_ctx = b;
}

static void put(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return; /* a bar is not worth an error */
		s += w;
		n -= (size_t)w;
	}
}

void loadbar_update(void *ctx, size_t done, size_t total)
{
	LoadBar *b = ctx;
	if (!b->active || b->fd < 0)
		return;
	double t = clock_mono_seconds(), el = t - b->t0;
	if (el < b->delay || (b->last && t - b->last < 0.1 && done < total))
		return;
	b->last = t;
	enum { W = 30 };
	double frac = total ? (double)done / (double)total : 0;
	if (frac > 1)
		frac = 1;
	char bar[W + 1];
	size_t full = (size_t)(frac * W);
	memset(bar, '#', full);
	memset(bar + full, '.', W - full);
	bar[W] = '\0';
	char line[160];
	int n = snprintf(line, sizeof(line),
			 "\rloading [%s] %3.0f%%  %.0f of %.0f MB  %.1f s\033[K",
			 bar, frac * 100, (double)done / 1e6,
			 (double)total / 1e6, el);
	if (n > 0)
		put(b->fd, line, (size_t)n < sizeof(line) ? (size_t)n
							  : sizeof(line) - 1);
	b->shown = 1;
}

void loadbar_end(LoadBar *b)
{
	if (b->active && b->shown && b->fd >= 0)
		put(b->fd, "\r\033[K", 4);
	b->active = 0;
	b->shown = 0;
}

Status loadbar_series_open(Series *s, const char *dataset,
			   const SeriesOptions *opt, ErrorRecord *err)
{
	SeriesOptions o;
	if (opt)
		o = *opt;
	else
		memset(&o, 0, sizeof(o));
	LoadBar b;
	loadbar_begin(&b, 2, 0);
	loadbar_attach(&b, &o);
	Status st = series_open(s, dataset, &o, err);
	loadbar_end(&b);
	return st;
}
