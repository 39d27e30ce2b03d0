/* Growing datasets and the forecast of their new rows (ui/live.h). */
#include "ui/live.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		l->opt.cursor = &l->cursor;
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
	} else if (opt && opt->cursor && opt->cursor->ready) {
		l->cursor = *opt->cursor; /* where the caller's load ended */
		st = STATUS_OK;
	} else {
		st = error_set(err, STATUS_USAGE, source, 0, 0,
			       "not loaded as a file that grows: give a "
			       "Prometheus query or a CSV file");
	}
	l->opt.cursor = NULL;
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
	*line = l->cursor.stale_line;
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

/* CSV: the rows of the lines appended since the last read, read from
 * where that read ended (data/series.h, series_csv_read_on). */
static Status csv_append(LiveSource *l, Series *s, size_t *added,
			 ErrorRecord *err)
{
	size_t stale = l->cursor.stale;
	Status st = series_csv_read_on(s, &l->cursor, l->source, added, err);
	if (st == STATUS_OK && l->cursor.stale > stale)
		l->stale_new += l->cursor.stale - stale;
	return st;
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
