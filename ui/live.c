/* Growing datasets and the forecast of their new rows (ui/live.h). */
#include "ui/live.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

Status live_open(LiveSource *l, const char *source, const SeriesOptions *opt,
		 Series *history, ErrorRecord *err)
{
	memset(l, 0, sizeof(*l));
	if (opt)
		l->opt = *opt;
	/* a line still being written is read once it is whole */
	l->opt.complete_lines = 1;
	if (!(l->source = strdup(source)))
		return error_set(err, STATUS_NOMEM, source, 0, 0,
				 "out of memory");
	Status st;
	if (prom_is_url(source)) {
		st = prom_open(&l->prom, source, &l->opt, err);
		if (st == STATUS_OK && history)
			st = prom_fetch(l->prom, &l->opt, history, err);
	} else if (history) {
		st = series_open(history, source, &l->opt, err);
		if (st == STATUS_OK && (history->kind == SERIES_SMD ||
					history->kind == SERIES_PSM)) {
			int smd = history->kind == SERIES_SMD;
			series_free(history);
			st = error_set(err, STATUS_USAGE, source, 0, 0,
				       "%s does not grow: give a Prometheus "
				       "query or a CSV file",
				       smd ? "an SMD machine"
					   : "a train.csv/test.csv folder");
		}
	} else {
		st = STATUS_OK;
	}
	if (st)
		live_close(l);
	return st;
}

void live_close(LiveSource *l)
{
	prom_close(l->prom);
	free(l->gone_told);
	free(l->source);
	memset(l, 0, sizeof(*l));
}

const char *live_next_unknown(LiveSource *l)
{
	if (!l->prom || l->unknown_told >= prom_unknown_count(l->prom))
		return NULL;
	return prom_unknown_name(l->prom, l->unknown_told++);
}

int live_next_gone(LiveSource *l, const Series *s, size_t *m)
{
	if (!l->prom)
		return -1;
	if (l->n_gone_told != s->metrics) {
		free(l->gone_told);
		l->gone_told = calloc(s->metrics ? s->metrics : 1, 1);
		l->n_gone_told = l->gone_told ? s->metrics : 0;
	}
	for (size_t i = 0; i < l->n_gone_told; i++) {
		int gone = prom_metric_gone(l->prom, i);
		if (gone != l->gone_told[i]) {
			l->gone_told[i] = (unsigned char)gone;
			*m = i;
			return gone;
		}
	}
	return -1;
}

size_t live_take_stale(LiveSource *l, long *line)
{
	size_t n = l->stale_new;
	*line = l->stale_line;
	l->stale_new = 0;
	return n;
}

int64_t live_step(const LiveSource *l, const Series *s)
{
	if (l->prom)
		return prom_step(l->prom);
	return s->interval > 0 ? s->interval : 60;
}

Status live_forecast(const LstmModel *model, const Series *s,
		     size_t old_rows, float **predp, ErrorRecord *err)
{
	const LstmConfig *c = lstm_model_config(model);
	size_t margin = c->look_back + 2 * c->rolling + 1;
	size_t a = old_rows > margin ? old_rows - margin : 0;
	size_t vr = s->rows - a, M = s->metrics;
	Series view = *s;
	view.rows = vr;
	view.values = malloc(vr * M * sizeof(float));
	float *tp = malloc(vr * M * sizeof(float));
	float *pred = malloc(s->rows * M * sizeof(float));
	Status st = STATUS_OK;
	if (!view.values || !tp || !pred) {
		st = error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
		goto done;
	}
	for (size_t m = 0; m < M; m++)
		memcpy(view.values + m * vr, s->values + m * s->rows + a,
		       vr * sizeof(float));
	view.timestamps = s->timestamps ? s->timestamps + a : NULL;
	view.t0 = s->timestamps ? 0 : series_time(s, a);
	view.split = s->split > a ? s->split - a : 0;
	st = lstm_forecast(model, &view, tp, err);
	if (st)
		goto done;
	for (size_t m = 0; m < M; m++) {
		memcpy(pred + m * s->rows, *predp + m * old_rows,
		       old_rows * sizeof(float));
		memcpy(pred + m * s->rows + old_rows,
		       tp + m * vr + (old_rows - a),
		       (s->rows - old_rows) * sizeof(float));
	}
	free(*predp);
	*predp = pred;
	pred = NULL;
done:
	free(view.values);
	free(tp);
	free(pred);
	return st;
}

/* The file's size and time once its rows are in: what was read is what it
 * held then (a line appended while it was read changes the time again, so
 * it is read at the next poll). A file refused (or rows not taken for want
 * of memory) is not marked, so the next poll reads it again. */
static void mark_seen(LiveSource *l, int64_t size, int64_t mtime)
{
	l->seen = 1;
	l->seen_size = size;
	l->seen_mtime_ns = mtime;
}

/* CSV: read the file again and append the rows beyond those read. */
static Status csv_append(LiveSource *l, Series *s, size_t *added,
			 ErrorRecord *err)
{
	*added = 0;
	struct stat sb;
	if (stat(l->source, &sb) != 0)
		return error_set(err, STATUS_IO, l->source, 0, 0, "%s",
				 strerror(errno));
	int64_t size = (int64_t)sb.st_size;
	int64_t mtime = (int64_t)sb.st_mtim.tv_sec * 1000000000 +
			(int64_t)sb.st_mtim.tv_nsec;
	if (l->seen && size == l->seen_size && mtime == l->seen_mtime_ns)
		return STATUS_OK;
	if (l->seen && size < l->seen_size)
		return error_set(err, STATUS_MISMATCH, l->source, 0, 0,
				 "the file shrank from %lld to %lld bytes "
				 "(truncated or replaced): following it stops "
				 "at the %lld rows read",
				 (long long)l->seen_size, (long long)size,
				 (long long)s->rows + (long long)l->dropped);
	/* a row whose time is not after the one before it is left out and
	   said, where the whole file was refused at every poll from then on
	   (the history, read before, had no such row) */
	SeriesOptions o = l->opt;
	o.skip_stale_times = 1;
	Series n;
	Status st = series_open(&n, l->source, &o, err);
	if (st)
		return st;
	if (n.stale_rows > l->stale_seen) {
		l->stale_new += n.stale_rows - l->stale_seen;
		l->stale_seen = n.stale_rows;
		l->stale_line = n.stale_line;
	}
	/* the counts are kept for the messages (series_free zeroes them) */
	size_t now_metrics = n.metrics, now_rows = n.rows;
	if (now_metrics != s->metrics) {
		series_free(&n);
		return error_set(err, STATUS_MISMATCH, l->source, 0, 0,
				 "the file now has %zu metrics, not %zu",
				 now_metrics, s->metrics);
	}
	size_t had = s->rows + (size_t)l->dropped; /* rows read from the file */
	if (now_rows < had) {
		series_free(&n);
		return error_set(err, STATUS_MISMATCH, l->source, 0, 0,
				 "the file now has %zu rows, fewer than the "
				 "%zu read",
				 now_rows, had);
	}
	/* the rows read are still the file's first ones: the last of them
	   has the same time and values (a file replaced by another one, a
	   window of the last hours written anew, would otherwise give its
	   rows beyond the count read as new ones, or none) */
	int same = series_time(&n, had - 1) == series_time(s, s->rows - 1);
	for (size_t m = 0; same && m < s->metrics; m++) {
		float a = series_at(&n, m, had - 1);
		float b = series_at(s, m, s->rows - 1);
		same = a == b || (isnan(a) && isnan(b));
	}
	if (!same) {
		series_free(&n);
		return error_set(err, STATUS_MISMATCH, l->source, 0, 0,
				 "row %zu is not what it was when it was read "
				 "(the file was replaced or rewritten): "
				 "following it stops at the %zu rows read",
				 had, had);
	}
	if (n.rows == had) {
		series_free(&n);
		mark_seen(l, size, mtime);
		return STATUS_OK;
	}
	size_t rows = s->rows + (n.rows - had), M = s->metrics;
	float *v = malloc(rows * M * sizeof(float));
	int64_t *ts = NULL;
	if (s->timestamps)
		ts = malloc(rows * sizeof(int64_t));
	if (!v || (s->timestamps && !ts)) {
		free(v);
		free(ts);
		series_free(&n);
		return error_set(err, STATUS_NOMEM, l->source, 0, 0,
				 "out of memory");
	}
	for (size_t m = 0; m < M; m++) {
		memcpy(v + m * rows, s->values + m * s->rows,
		       s->rows * sizeof(float));
		memcpy(v + m * rows + s->rows, n.values + m * n.rows + had,
		       (rows - s->rows) * sizeof(float));
	}
	if (ts) {
		memcpy(ts, s->timestamps, s->rows * sizeof(int64_t));
		for (size_t r = s->rows; r < rows; r++)
			ts[r] = series_time(&n, had + (r - s->rows));
		free(s->timestamps);
		s->timestamps = ts;
	}
	free(s->values);
	s->values = v;
	*added = rows - s->rows;
	s->rows = rows;
	s->filled = n.filled;
	series_free(&n);
	mark_seen(l, size, mtime);
	return STATUS_OK;
}


Status live_append(LiveSource *l, Series *s, double delay, size_t *added,
		   ErrorRecord *err)
{
	if (l->prom) {
		/* the last whole second at or before now - delay: a fraction
		   of a second counts (it was dropped, so --delay 0.5 read up
		   to now and 1.9 up to now - 1) */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		double end = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9 -
			     delay;
		if (!(end > 0)) /* a delay beyond the epoch: nothing yet */
			end = 0;
		return prom_append(l->prom, s, (int64_t)floor(end), added,
				   err);
	}
	return csv_append(l, s, added, err);
}

Status live_adapt_forecast(AdaptStream *a, const DetectConfig *dc,
			   const Series *s, size_t old_rows, float **predp,
			   ErrorRecord *err)
{
	size_t rows = s->rows, M = s->metrics;
	float *pred = malloc(rows * M * sizeof(float));
	if (!pred)
		return error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
	for (size_t m = 0; m < M; m++)
		memcpy(pred + m * rows, *predp + m * old_rows,
		       old_rows * sizeof(float));
	free(*predp);
	*predp = pred;
	return adapt_stream_forecast(a, s, dc, pred, NULL, NULL, NULL, err);
}
