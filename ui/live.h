/* A dataset that grows: a Prometheus query polled for the rows after the
 * last one, or a CSV file read on from where its last read ended; and the
 * forecast of just the new rows. Shared by vigil watch (ui/cli) and the
 * dashboard's --follow (ui/dash). */
#ifndef VIGIL_LIVE_H
#define VIGIL_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "data/prom.h"
#include "data/series.h"
#include "engine/adapt.h"
#include "engine/model.h"

typedef struct {
	char *source;      /* owned: what was opened */
	SeriesOptions opt; /* its strings borrowed from the caller */
	PromSource *prom;  /* owned, NULL for a CSV file */
	SeriesCsvCursor cursor; /* CSV: where the last read ended */
	size_t unknown_told; /* Prometheus: new series already handed out by
				live_next_unknown */
	unsigned char *gone_told; /* owned, may be NULL: per metric, 1 while
				     live_next_gone has said it went away */
	size_t n_gone_told;
	size_t stale_new; /* CSV: rows left out because their time was not
			     after the row before, not yet handed out by
			     live_take_stale */
} LiveSource;

/* Open source (a prometheus:// query or a CSV file; an SMD machine does
 * not grow and is refused). With history != NULL, load the source's rows
 * into it (Prometheus: start..end); else the caller loaded them already,
 * a CSV file with opt->cursor set (and complete_lines), read on from
 * there. */
Status live_open(LiveSource *l, const char *source, const SeriesOptions *opt,
		 Series *history, ErrorRecord *err);
void live_close(LiveSource *l);

/* Append the rows that arrived since s's last one (Prometheus: up to the
 * last whole second at or before now - delay, a fraction counted; CSV: the
 * whole lines after those read, read from where the last read ended, once
 * the file's size or modification time changed; a file that shrank or is
 * not the same file only longer is refused: series_csv_read_on). *added
 * may be 0. */
Status live_append(LiveSource *l, Series *s, double delay, size_t *added,
		   ErrorRecord *err);

/* A series that appeared in the source after the history was read (a new
 * metric on Prometheus) and is not scored, each once: the caller says so.
 * NULL when there is none left to tell. */
const char *live_next_unknown(LiveSource *l);

/* Prometheus: a metric of s whose series went away (the rows appended
 * last held no sample of it: its last value is carried forward) or came
 * back since it was said, one at a time: 1 gone, 0 back, with its index in
 * *m; -1 when there is nothing new to tell (or no memory to tell it). */
int live_next_gone(LiveSource *l, const Series *s, size_t *m);

/* CSV: the rows appended since the last call whose time was not after
 * the row before theirs (a sample written twice, a clock that stepped
 * back): they are left out, not scored, and the file is followed on; the
 * caller says so. 0 when none; *line receives the last one's line. */
size_t live_take_stale(LiveSource *l, long *line);

/* The natural poll period in seconds: the query's step, or the file's
 * sampling interval. */
int64_t live_step(const LiveSource *l, const Series *s);

/* Grow *pred (metrics x rows, column-major, was metrics x old_rows) to s's
 * rows, forecasting only rows [old_rows, rows) from the window of rows the
 * model needs before them: the same numbers as forecasting the whole
 * series. */
Status live_forecast(const LstmModel *model, const Series *s,
		     size_t old_rows, float **pred, ErrorRecord *err);

/* The same with --adapt: rows [old_rows, rows) forecast by the learning
 * copy in a (which makes the updates whose row has arrived), the old rows'
 * forecasts kept. */
Status live_adapt_forecast(AdaptStream *a, const DetectConfig *dc,
			   const Series *s, size_t old_rows, float **pred,
			   ErrorRecord *err);

#endif
