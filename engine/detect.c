/* Detection pipeline after the forecast: scaled errors, EWMA smoothing,
 * thresholds (engine/threshold.c), normalised scores, run finding with merge
 * and minimum duration, criticality, node union and alerts (engine/alert.c).
 *
 * Choices worth knowing:
 *  - errors are scaled by the metric's min-max range over the train part
 *    (the same fit as the model's scaler); a metric that is constant in the
 *    train part is measured in its original units (range 1), so a change
 *    after training still shows up, and the threshold floor min_threshold
 *    keeps a near-zero train error from making every wobble an anomaly;
 *  - seed and sigma are fitted on the smoothed errors of the train rows that
 *    have a forecast (all forecast rows when the train part has fewer
 *    than 2);
 *  - dynamic is fitted, like telemanom, on the smoothed errors of the part
 *    being searched (rows >= from), in windows of dyn_window rows (0 = one
 *    window; a last window shorter than half a window joins the previous
 *    one; the error buffer is capped at 5% of the window's rows).
 *    telemanom's pruning removes whole anomalous sequences whose peak
 *    is close to the next smaller one; vigil expresses that as a threshold
 *    by raising the window's eps just above the largest pruned peak, so
 *    s_t = smoothed_t / threshold_t holds at every row and the UI can move
 *    it. What this drops from telemanom: its error buffer does not widen the
 *    final detections (they are the rows with s_t >= 1), and the kept
 *    sequences are cut at the raised threshold rather than at eps. Rows
 *    before `from` use the first window's threshold. Only the windows'
 *    thresholds are stored (detect_threshold_at maps a row to its window). */
#include "engine/detect.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/bigalloc.h"
#include "engine/calib.h"
#include "engine/kernels.h"
#include "engine/threshold.h"

void detect_config_defaults(DetectConfig *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = THRESH_CALIBRATED;
	c->k = 1.5;
	c->z = 3.0;
	c->span = 5;
	c->min_duration = 480.0;
	c->merge_gap = 5;
	c->medium = 2.0;
	c->high = 4.0;
	c->alert_gap = 60;
	c->min_threshold = 0.01;
	c->dyn_window = 2100;
	c->dyn_buffer = 100;
	c->dyn_p = 0.13;
	c->dyn_floor_z = 3.0;
	c->node_top_k = 2;
	c->whole_series = 0;
	c->p = 1e-5;
	c->history = 30000;
	c->refit = 50;
	c->tail = 0.02;
	c->min_scale = 1e-3;
	c->long_span = 60;
	c->level_span = 0;
	c->season = 86400.0;
}

const char *detect_mode_name(ThresholdMode m)
{
	switch (m) {
	case THRESH_SEED:
		return "seed";
	case THRESH_SIGMA:
		return "sigma";
	case THRESH_DYNAMIC:
		return "dynamic";
	case THRESH_CALIBRATED:
		return "calibrated";
	}
	return NULL;
}

int detect_mode_parse(const char *text, ThresholdMode *out)
{
	static const ThresholdMode all[] = {THRESH_SEED, THRESH_SIGMA,
					    THRESH_DYNAMIC, THRESH_CALIBRATED};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(text, detect_mode_name(all[i]))) {
			*out = all[i];
			return 0;
		}
	}
	return -1;
}

double detect_unit_score(double s)
{
	if (!(s > 0))
		return 0.0;
	if (isinf(s))
		return 1.0;
	return s / (1.0 + s);
}

Criticality detect_criticality(const DetectConfig *cfg, double peak)
{
	if (peak >= cfg->high)
		return CRIT_HIGH;
	if (peak >= cfg->medium)
		return CRIT_MEDIUM;
	return CRIT_LOW;
}

void detect_result_init(DetectResult *r)
{
	memset(r, 0, sizeof(*r));
}

void detect_result_free(DetectResult *r)
{
	if (r->det)
		for (size_t m = 0; m < r->metrics; m++)
			free(r->det[m]);
	free(r->det);
	free(r->n_det);
	free(r->cap_det);
	free(r->error);
	free(r->smooth);
	free(r->surprise);
	free(r->score);
	free(r->threshold);
	free(r->win_thr);
	free(r->node);
	alerts_free(r->alerts, r->n_alerts);
	detect_result_init(r);
}

float detect_threshold_at(const DetectResult *r, size_t m, size_t t)
{
	if (!r->win_thr)
		return r->threshold[m];
	size_t w = t < r->from ? 0 : (t - r->from) / r->win_rows;
	if (w >= r->n_win)
		w = r->n_win - 1;
	return r->win_thr[m * r->n_win + w];
}

Status detect_push(DetectResult *r, size_t m, const Detection *d,
		   ErrorRecord *err)
{
	Detection **list = m == DETECT_NODE ? &r->node : &r->det[m];
	size_t *n = m == DETECT_NODE ? &r->n_node : &r->n_det[m];
	size_t *cap = m == DETECT_NODE ? &r->cap_node : &r->cap_det[m];
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		Detection *nd = realloc(*list, c * sizeof(*nd));
		if (!nd)
			return error_set(err, STATUS_NOMEM, "", 0, 0,
					 "out of memory for detections");
		*list = nd;
		*cap = c;
	}
	(*list)[(*n)++] = *d;
	return STATUS_OK;
}

void detect_node_reset(DetectResult *r)
{
	free(r->node);
	r->node = NULL;
	r->n_node = r->cap_node = 0;
	alerts_free(r->alerts, r->n_alerts);
	r->alerts = NULL;
	r->n_alerts = 0;
}

void detect_join_init(RunJoin *j, const DetectResult *r, size_t metric)
{
	memset(j, 0, sizeof(*j));
	j->cfg = &r->cfg;
	j->min_rows = r->min_rows;
	j->cur.metric = metric;
}

int detect_join_end(RunJoin *j, Detection *done)
{
	if (!j->have ||
	    (size_t)(j->cur.r.end - j->cur.r.start) < j->min_rows)
		return 0;
	*done = j->cur;
	done->crit = detect_criticality(j->cfg, done->peak);
	return 1;
}

int detect_join_add(RunJoin *j, int64_t a, int64_t b, float peak,
		    Detection *done)
{
	if (j->have && a - j->cur.r.end < (int64_t)j->cfg->merge_gap) {
		j->cur.r.end = b;
		if (peak > j->cur.peak)
			j->cur.peak = peak;
		return 0;
	}
	int kept = detect_join_end(j, done);
	j->cur.r.start = a;
	j->cur.r.end = b;
	j->cur.peak = peak;
	j->have = 1;
	return kept;
}

/* Metric m's detections from its scores: maximal runs of s >= 1 in
 * [from, rows) through RunJoin. */
static Status detect_metric(DetectResult *r, size_t m, ErrorRecord *err)
{
	const float *s = r->score + m * r->rows;
	r->n_det[m] = 0;
	RunJoin j;
	detect_join_init(&j, r, m);
	Detection d;
	size_t t = r->from;
	while (t < r->rows) {
		if (!(s[t] >= 1.0f)) {
			t++;
			continue;
		}
		size_t a = t;
		float pk = s[t];
		while (t < r->rows && s[t] >= 1.0f) {
			if (s[t] > pk)
				pk = s[t];
			t++;
		}
		if (detect_join_add(&j, (int64_t)a, (int64_t)t, pk, &d)) {
			Status st = detect_push(r, m, &d, err);
			if (st != STATUS_OK)
				return st;
		}
	}
	return detect_join_end(&j, &d) ? detect_push(r, m, &d, err)
				       : STATUS_OK;
}

/* The k used for the node score: node_top_k capped at the number of
 * metrics; with node_top_k 0 (the union rule), 1: the largest. */
static size_t node_k(const DetectResult *r)
{
	size_t k = r->cfg.node_top_k ? r->cfg.node_top_k : 1;
	return k < r->metrics ? k : r->metrics;
}

/* Every row's k largest metric scores, descending (rows x k floats; rows
 * without a score count as 0), built metric by metric so that each metric's
 * scores are read in order. NULL when out of memory. */
static float *node_tops(const DetectResult *r, size_t k)
{
	size_t R = r->rows, M = r->metrics;
	if (R && k > SIZE_MAX / sizeof(float) / R)
		return NULL;
	float *top = calloc(R > 0 && k > 0 ? R * k : 1, sizeof(float));
	if (!top)
		return NULL;
	for (size_t m = 0; m < M; m++) {
		const float *sc = r->score + m * R;
		for (size_t t = 0; t < R; t++)
			detect_top_insert(top + t * k, k, sc[t]);
	}
	return top;
}

float detect_tops_mean(const float *tv, size_t k)
{
	double sum = 0;
	for (size_t i = 0; i < k; i++)
		sum += tv[i];
	return (float)(sum / (double)k);
}

Status detect_node_scores(const DetectResult *r, float *out,
			  ErrorRecord *err)
{
	size_t R = r->rows, k = node_k(r);
	if (k == 0) {
		for (size_t t = 0; t < R; t++)
			out[t] = 0;
		return STATUS_OK;
	}
	float *top = node_tops(r, k);
	if (!top)
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "out of memory for the node score");
	for (size_t t = 0; t < R; t++)
		out[t] = detect_tops_mean(top + t * k, k);
	free(top);
	return STATUS_OK;
}

/* Node level with node_top_k = k >= 1: per row of [from, rows) the node
 * score is the mean of the k largest metric scores; its runs >= 1, merged
 * across gaps < merge_gap and at least min_rows long, are the node
 * detections. A detection's peak is the largest metric score in its rows
 * (as for the union, the most anomalous metric involved) and its
 * criticality follows that peak. Fills r->node / r->n_node. */
static Status node_top_k(DetectResult *r, ErrorRecord *err)
{
	size_t R = r->rows, k = node_k(r);
	if (k == 0)
		return STATUS_OK;
	float *top = node_tops(r, k);
	if (!top)
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "out of memory for the node score");
	RunJoin j;
	detect_join_init(&j, r, DETECT_NODE);
	Detection d;
	Status st = STATUS_OK;
	size_t t = r->from;
	while (t < R && st == STATUS_OK) {
		if (!(detect_tops_mean(top + t * k, k) >= 1.0f)) {
			t++;
			continue;
		}
		size_t a = t;
		float pk = 0;
		for (; t < R && detect_tops_mean(top + t * k, k) >= 1.0f; t++)
			if (top[t * k] > pk)
				pk = top[t * k];
		if (detect_join_add(&j, (int64_t)a, (int64_t)t, pk, &d))
			st = detect_push(r, DETECT_NODE, &d, err);
	}
	if (st == STATUS_OK && detect_join_end(&j, &d))
		st = detect_push(r, DETECT_NODE, &d, err);
	free(top);
	return st;
}

Status detect_node_union(DetectResult *r, ErrorRecord *err)
{
	size_t total = 0;
	for (size_t m = 0; m < r->metrics; m++)
		total += r->n_det[m];
	if (total == 0)
		return STATUS_OK;
	Detection *all = malloc(total * sizeof(*all));
	if (!all)
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "out of memory for %zu detections", total);
	size_t k = 0;
	for (size_t m = 0; m < r->metrics; m++) {
		if (r->n_det[m] == 0)
			continue;
		memcpy(all + k, r->det[m], r->n_det[m] * sizeof(*all));
		k += r->n_det[m];
	}
	size_t n = detection_union(all, total, all);
	r->node = all;
	r->n_node = n;
	r->cap_node = total;
	return STATUS_OK;
}

/* Node level: with node_top_k = 0 the union of all metric detections
 * (overlapping or touching ranges join), criticality the highest involved,
 * peak the largest; otherwise node_top_k above. Then the alerts. */
static Status detect_node(DetectResult *r, ErrorRecord *err)
{
	detect_node_reset(r);
	Status st = r->cfg.node_top_k > 0 ? node_top_k(r, err)
					  : detect_node_union(r, err);
	if (st != STATUS_OK || r->n_node == 0)
		return st;
	return alerts_build(r->node, r->n_node, r->det, r->n_det, r->metrics,
			    r->score, r->rows, r->cfg.alert_gap, &r->alerts,
			    &r->n_alerts, err);
}

Status detect_redetect(DetectResult *r, ErrorRecord *err)
{
	for (size_t m = 0; m < r->metrics; m++) {
		Status st = detect_metric(r, m, err);
		if (st != STATUS_OK)
			return st;
	}
	return detect_node(r, err);
}

/* Metric m's scores from its smoothed errors and thresholds. */
static void rescore(DetectResult *r, size_t m)
{
	const float *sm = (r->surprise ? r->surprise : r->smooth) + m * r->rows;
	float *s = r->score + m * r->rows;
	size_t t = 0;
	while (t < r->rows) {
		/* rows up to `end` share one threshold */
		size_t end = r->rows;
		if (r->win_thr && t >= r->from) {
			size_t w = (t - r->from) / r->win_rows;
			if (w + 1 < r->n_win)
				end = r->from + (w + 1) * r->win_rows;
		} else if (r->win_thr) {
			end = r->from;
		}
		kern_div_or_zero(end - t, sm + t, detect_threshold_at(r, m, t),
				 s + t);
		t = end;
	}
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* Windows of the dynamic mode over [from, rows): win_rows each, the last
 * one taking the remainder (a remainder shorter than half a window joins
 * the last full window). */
static void plan_windows(DetectResult *r)
{
	size_t n = r->rows - r->from;
	size_t w = r->cfg.dyn_window && r->cfg.dyn_window < n ? r->cfg.dyn_window
							       : n;
	if (w == 0)
		w = 1;
	size_t nwin = n / w;
	if (nwin == 0)
		nwin = 1;
	if (n > nwin * w && n - nwin * w >= (w + 1) / 2)
		nwin++;
	r->win_rows = w;
	r->n_win = nwin;
}

/* Dynamic thresholds of metric m, one per window. */
static Status fit_dynamic(DetectResult *r, size_t m, double floor,
			  ErrorRecord *err)
{
	const float *sm = r->smooth + m * r->rows;
	float *thr = r->win_thr + m * r->n_win;
	size_t nwin = r->n_win, w = r->win_rows;
	float *wthr = malloc(nwin * sizeof(*wthr));
	if (!wthr)
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "out of memory for thresholds");
	for (size_t i = 0; i < nwin; i++) {
		size_t ws = r->from + i * w;
		size_t we = i + 1 == nwin ? r->rows : ws + w;
		/* telemanom's buffer is sized for windows of thousands of
		 * rows; in a short window it would swallow the window, so it
		 * is capped at 5% of the window's length */
		size_t buf = r->cfg.dyn_buffer;
		if (buf > (we - ws) / 20)
			buf = (we - ws) / 20;
		DynamicThreshold d = threshold_dynamic(sm + ws, we - ws, buf,
						       r->cfg.dyn_p);
		float v = (float)d.threshold;
		if (v < floor)
			v = (float)floor;
		if (!(v >= r->cfg.min_threshold))
			v = (float)r->cfg.min_threshold;
		if (!(v > 0))
			v = 1e-6f; /* an all-zero window with no floor */
		thr[i] = v;
		wthr[i] = v;
	}
	qsort(wthr, nwin, sizeof(*wthr), cmp_float);
	r->threshold[m] = wthr[nwin / 2];
	free(wthr);
	return STATUS_OK;
}

/* Metrics scored side by side: each EWMA is a chain of dependent steps,
 * so their smoothings (two per metric in the calibrated mode) run in one
 * pass to keep the core busy. */
#define EWMA_GROUP 4

/* EWMA of x[j][0..n) with span[j] into out[j], for j < k (at most
 * 2 EWMA_GROUP), side by side: NaN until the first finite value; a NaN
 * keeps the previous value. */
static void ewma_chains(size_t k, const float *const *x, const size_t *span,
			size_t n, float *const *out)
{
	double alpha[2 * EWMA_GROUP], acc[2 * EWMA_GROUP];
	for (size_t j = 0; j < k; j++) {
		alpha[j] = 2.0 / ((double)span[j] + 1.0);
		acc[j] = NAN;
	}
	for (size_t t = 0; t < n; t++)
		for (size_t j = 0; j < k; j++) {
			float v = x[j][t];
			if (!isnan(v))
				acc[j] = isnan(acc[j])
						 ? v
						 : alpha[j] * v +
							   (1 - alpha[j]) * acc[j];
			out[j][t] = (float)acc[j];
		}
}

/* The seasonal signal: the train part must correlate with itself one
 * period earlier at least this much, and the residual is taken against the
 * mean of up to this many previous periods. */
#define SEASON_MIN_CORR 0.7
#define SEASON_PERIODS 3

static void ewma(const float *x, size_t n, size_t span, float *out)
{
	ewma_chains(1, &x, &span, n, &out);
}

/* Scratch memory of the calibrated mode: two columns, the histogram, and
 * the long-horizon smoothed errors of a group of metrics. */
typedef struct {
	float *a, *b;
	CalibWork *work;
	float *lng; /* EWMA_GROUP x rows */
	const int64_t *ts; /* borrowed, may be NULL: the series' times */
	int64_t interval;  /* the series' sampling interval, seconds */
} CalibScratch;

static void raise_to(float *dst, const float *src, size_t n)
{
	for (size_t t = 0; t < n; t++)
		if (src[t] > dst[t])
			dst[t] = src[t];
}

/* The rows one to SEASON_PERIODS periods before a row, asked for in
 * increasing row order: with timestamps, the row whose time is within half
 * a step of the row's time minus j periods (so a gap in the series does
 * not shift the day), else j x P rows back. */
typedef struct {
	const int64_t *ts;
	size_t P;
	int64_t period, tol;
	size_t at[SEASON_PERIODS + 1]; /* moving search start per j */
} SeasonRef;

static SeasonRef season_ref_init(const CalibScratch *cs, size_t P)
{
	SeasonRef sr = {.ts = cs->ts, .P = P};
	sr.period = (int64_t)P * cs->interval;
	sr.tol = cs->interval / 2;
	return sr;
}

/* Row t's reference j periods back, or -1 when there is none. */
static long season_ref(SeasonRef *sr, size_t t, size_t j)
{
	if (!sr->ts)
		return j * sr->P <= t ? (long)(t - j * sr->P) : -1;
	int64_t want = sr->ts[t] - (int64_t)j * sr->period;
	size_t u = sr->at[j];
	while (u < t && sr->ts[u] < want - sr->tol)
		u++;
	sr->at[j] = u;
	if (u < t && sr->ts[u] <= want + sr->tol)
		return (long)u;
	return -1;
}

/* Correlation of y with y one period earlier over the first n rows (0
 * when undefined); two passes, so large values with a small spread keep
 * their digits. */
static double lag_corr(const float *y, size_t n, const CalibScratch *cs,
		       size_t P)
{
	double sa = 0, sb = 0, k = 0;
	SeasonRef sr = season_ref_init(cs, P);
	for (size_t t = 0; t < n; t++) {
		long u = season_ref(&sr, t, 1);
		if (u >= 0 && !isnan(y[t]) && !isnan(y[u])) {
			sa += y[t];
			sb += y[u];
			k++;
		}
	}
	if (k < 3)
		return 0;
	double ma = sa / k, mb = sb / k, va = 0, vb = 0, cov = 0;
	sr = season_ref_init(cs, P);
	for (size_t t = 0; t < n; t++) {
		long u = season_ref(&sr, t, 1);
		if (u >= 0 && !isnan(y[t]) && !isnan(y[u])) {
			double a = y[t] - ma, b = y[u] - mb;
			va += a * a;
			vb += b * b;
			cov += a * b;
		}
	}
	return va > 0 && vb > 0 ? cov / sqrt(va * vb) : 0;
}

/* The seasonal residual of y (R rows) into out: |y[t] - the mean of its
 * references 1..SEASON_PERIODS periods back, those there are| / range;
 * NaN without any. */
static void season_residual(const float *y, size_t R, const CalibScratch *cs,
			    size_t P, double range, float *out)
{
	SeasonRef sr = season_ref_init(cs, P);
	for (size_t t = 0; t < R; t++) {
		double acc = 0;
		size_t k = 0;
		for (size_t j = 1; j <= SEASON_PERIODS; j++) {
			long u = season_ref(&sr, t, j);
			if (u >= 0 && !isnan(y[u])) {
				acc += y[u];
				k++;
			}
		}
		out[t] = k && !isnan(y[t])
				 ? (float)(fabs(y[t] - acc / (double)k) / range)
				 : NAN;
	}
}

/* The calibrated mode for metric m: surprise = the largest of the
 * calibrated short error (smooth), long error (lng, its EWMA with
 * long_span, when long_span > 0), level and seasonal signals. y is the
 * metric's values, (lo, range) its train range. */
static void calibrate_metric(DetectResult *r, size_t m, const float *y,
			     double lo, double range, const float *lng,
			     CalibScratch *cs)
{
	const DetectConfig *c = &r->cfg;
	size_t R = r->rows;
	CalibConfig cc = {.history = c->history,
			  .refit = c->refit,
			  .tail = c->tail,
			  .min_scale = c->min_scale,
			  .cap = 100.0};
	float *out = r->surprise + m * R;
	calib_surprise(r->smooth + m * R, R, r->split, &cc, cs->work, out);
	if (c->long_span > 0) {
		calib_surprise(lng, R, r->split, &cc, cs->work, cs->b);
		raise_to(out, cs->b, R);
	}
	if (c->level_span > 0) {
		/* distance of the smoothed scaled value from its train median */
		size_t n = 0;
		for (size_t t = 0; t < r->split; t++)
			if (!isnan(y[t]))
				cs->a[n++] = (float)((y[t] - lo) / range);
		double med = 0;
		if (n) {
			qsort(cs->a, n, sizeof(float), cmp_float);
			med = n % 2 ? cs->a[n / 2]
				    : 0.5 * ((double)cs->a[n / 2 - 1] + cs->a[n / 2]);
		}
		for (size_t t = 0; t < R; t++)
			cs->b[t] = (float)((y[t] - lo) / range);
		ewma(cs->b, R, c->level_span, cs->a);
		for (size_t t = 0; t < R; t++)
			cs->a[t] = isnan(cs->a[t]) ? NAN
						   : (float)fabs(cs->a[t] - med);
		calib_surprise(cs->a, R, r->split, &cc, cs->work, cs->b);
		raise_to(out, cs->b, R);
	}
	/* a day that does not repeat the days before it (a daily job that
	   did not run, a plateau where the usual peak is): only where the
	   train part holds two periods and repeats itself */
	size_t P = r->season_rows;
	if (P >= 4 && 2 * P <= r->split &&
	    lag_corr(y, r->split, cs, P) >= SEASON_MIN_CORR) {
		season_residual(y, R, cs, P, range, cs->a);
		ewma(cs->a, R, c->span, cs->b);
		calib_surprise(cs->b, R, r->split, &cc, cs->work, cs->a);
		raise_to(out, cs->a, R);
	}
	/* rows without a forecast have no score */
	const float *e = r->error + m * R;
	for (size_t t = 0; t < R && isnan(e[t]); t++)
		out[t] = 0;
}

/* The series-sized arrays of a detection run (error, smooth, score,
 * surprise). */
typedef struct {
	float *a[4];
} RunArrays;

/* Take r's series-sized arrays out of it when they hold rows x M cells
 * (a run writes every one of their elements again), then free the rest
 * of r. */
static RunArrays take_arrays(DetectResult *r, size_t rows, size_t M)
{
	RunArrays k = {{NULL, NULL, NULL, NULL}};
	if (rows && r->rows == rows && r->metrics == M) {
		k = (RunArrays){{r->error, r->smooth, r->score, r->surprise}};
		r->error = r->smooth = r->score = r->surprise = NULL;
	}
	detect_result_free(r);
	return k;
}

static void free_arrays(RunArrays *k)
{
	for (int i = 0; i < 4; i++) {
		free(k->a[i]);
		k->a[i] = NULL;
	}
}

/* k->a[i] when there is one (taken), else a new array of n bytes. */
static float *array_or_new(RunArrays *k, int i, size_t n)
{
	float *p = k->a[i];
	k->a[i] = NULL;
	return p ? p : big_alloc(n);
}

Status detect_run(const Series *s, const float *pred, const DetectConfig *cfg,
		  DetectResult *r, ErrorRecord *err)
{
	RunArrays keep = take_arrays(r, s ? s->rows : 0, s ? s->metrics : 0);
	Status st = STATUS_OK;
	int calibrated = cfg->mode == THRESH_CALIBRATED;
	if (!s || !pred || s->rows == 0 || s->metrics == 0)
		st = error_set(err, STATUS_EMPTY, s && s->path ? s->path : "",
			       0, 0, "nothing to detect on: empty series");
	else if (cfg->span == 0 || !(cfg->medium >= 1) ||
		 !(cfg->high >= cfg->medium))
		st = error_set(err, STATUS_RANGE, "", 0, 0,
			       "detection options out of range: span >= 1, "
			       "1 <= medium <= high");
	else if (calibrated &&
		 (!(cfg->p > 0 && cfg->p < 1) || cfg->history == 0 ||
		  cfg->refit == 0 || !(cfg->tail > 0 && cfg->tail <= 0.5) ||
		  !(cfg->min_scale > 0)))
		st = error_set(err, STATUS_RANGE, "", 0, 0,
			       "calibrated options out of range: 0 < p < 1, "
			       "history >= 1, refit >= 1, 0 < tail <= 0.5, "
			       "min-scale > 0");
	else if (s->metrics > SIZE_MAX / sizeof(float) / s->rows)
		st = error_set(err, STATUS_NOMEM, s->path ? s->path : "", 0,
			       0, "%zu x %zu scores do not fit in memory",
			       s->rows, s->metrics);
	if (st) {
		free_arrays(&keep);
		return st;
	}
	size_t rows = s->rows, M = s->metrics;
	r->rows = rows;
	r->metrics = M;
	r->cfg = *cfg;
	r->split = s->split <= rows ? s->split : rows;
	r->from = cfg->whole_series || r->split >= rows ? 0 : r->split;
	double interval = s->interval > 0 ? (double)s->interval : 60.0;
	double mr = ceil(cfg->min_duration / interval - 1e-9);
	r->min_rows = mr >= 1 ? (size_t)mr : 1;
	double sp = cfg->season > 0 ? floor(cfg->season / interval + 0.5) : 0;
	r->season_rows = sp >= 1 && sp < (double)rows ? (size_t)sp : 0;

	size_t cells = rows * M;
	CalibScratch cs = {0};
	cs.ts = s->timestamps;
	cs.interval = (int64_t)interval;
	r->error = array_or_new(&keep, 0, cells * sizeof(float));
	r->smooth = array_or_new(&keep, 1, cells * sizeof(float));
	r->score = array_or_new(&keep, 2, cells * sizeof(float));
	r->threshold = calloc(M, sizeof(float));
	r->det = calloc(M, sizeof(*r->det));
	r->n_det = calloc(M, sizeof(size_t));
	r->cap_det = calloc(M, sizeof(size_t));
	if (cfg->mode == THRESH_DYNAMIC) {
		plan_windows(r);
		r->win_thr = malloc(M * r->n_win * sizeof(float));
	}
	if (calibrated) {
		r->surprise = array_or_new(&keep, 3, cells * sizeof(float));
		cs.a = malloc(rows * sizeof(float));
		cs.b = malloc(rows * sizeof(float));
		cs.work = malloc(sizeof(*cs.work));
		cs.lng = malloc(EWMA_GROUP * rows * sizeof(float));
	}
	free_arrays(&keep); /* a surprise array the mode does not use */
	if (!r->error || !r->smooth || !r->score || !r->threshold || !r->det ||
	    !r->n_det || !r->cap_det ||
	    (cfg->mode == THRESH_DYNAMIC && !r->win_thr) ||
	    (calibrated &&
	     (!r->surprise || !cs.a || !cs.b || !cs.work || !cs.lng))) {
		free(cs.a);
		free(cs.b);
		free(cs.work);
		free(cs.lng);
		detect_result_free(r);
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "out of memory for %zu x %zu scores", rows, M);
	}

	size_t fit_end = r->split ? r->split : rows;
	int with_long = calibrated && cfg->long_span > 0;
	for (size_t m0 = 0; m0 < M; m0 += EWMA_GROUP) {
		size_t gm = M - m0 < EWMA_GROUP ? M - m0 : EWMA_GROUP, k = 0;
		float lo[EWMA_GROUP];
		double range[EWMA_GROUP];
		const float *cx[2 * EWMA_GROUP];
		float *cout[2 * EWMA_GROUP];
		size_t cspan[2 * EWMA_GROUP];
		for (size_t m = m0; m < m0 + gm; m++) {
			const float *y = s->values + m * rows;
			const float *p = pred + m * rows;
			float *e = r->error + m * rows;
			/* min-max range over the train part */
			float l = INFINITY, hi = -INFINITY;
			for (size_t t = 0; t < fit_end; t++) {
				if (isnan(y[t]))
					continue;
				if (y[t] < l)
					l = y[t];
				if (y[t] > hi)
					hi = y[t];
			}
			double rg = hi > l ? (double)hi - l : 1.0;
			lo[m - m0] = l;
			range[m - m0] = rg;
			kern_abs_err(rows, y, p, rg, e);
			cx[k] = e;
			cspan[k] = cfg->span;
			cout[k++] = r->smooth + m * rows;
			if (with_long) {
				cx[k] = e;
				cspan[k] = cfg->long_span;
				cout[k++] = cs.lng + (m - m0) * rows;
			}
		}
		ewma_chains(k, cx, cspan, rows, cout);
		for (size_t m = m0; m < m0 + gm; m++) {
			const float *y = s->values + m * rows;
			const float *sm = r->smooth + m * rows;
			size_t fit_n = 0;
			for (size_t t = 0; t < fit_end; t++)
				fit_n += !isnan(sm[t]);
			size_t n = fit_n >= 2 ? fit_end : rows;
			if (calibrated) {
				float l = lo[m - m0];
				calibrate_metric(r, m, y, isfinite(l) ? l : 0.0,
						 range[m - m0],
						 cs.lng + (m - m0) * rows, &cs);
				r->threshold[m] = (float)-log10(cfg->p);
			} else if (cfg->mode == THRESH_DYNAMIC) {
				double floor =
					cfg->dyn_floor_z > 0
						? threshold_sigma(sm, n,
								  cfg->dyn_floor_z)
						: 0.0;
				st = fit_dynamic(r, m, floor, err);
				if (st != STATUS_OK) {
					free(cs.a);
					free(cs.b);
					free(cs.work);
					free(cs.lng);
					detect_result_free(r);
					return st;
				}
			} else {
				double thr = cfg->mode == THRESH_SEED
						     ? threshold_seed(sm, n, cfg->k)
						     : threshold_sigma(sm, n, cfg->z);
				if (!(thr >= cfg->min_threshold))
					thr = cfg->min_threshold;
				if (!(thr > 0))
					thr = 1e-6;
				r->threshold[m] = (float)thr;
			}
			rescore(r, m);
		}
	}
	free(cs.a);
	free(cs.b);
	free(cs.work);
	free(cs.lng);
	st = detect_redetect(r, err);
	if (st != STATUS_OK)
		detect_result_free(r);
	return st;
}

void detect_scale_threshold(DetectResult *r, size_t m, double f)
{
	r->threshold[m] = (float)(r->threshold[m] * f);
	if (r->win_thr) {
		float *thr = r->win_thr + m * r->n_win;
		for (size_t i = 0; i < r->n_win; i++)
			thr[i] = (float)(thr[i] * f);
	}
}

static void scale_metric(DetectResult *r, size_t m, double f)
{
	detect_scale_threshold(r, m, f);
	rescore(r, m);
}

Status detect_check_move(const DetectResult *r, size_t m, double factor,
			 ErrorRecord *err)
{
	if (!(factor > 0) || isinf(factor))
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "threshold factor must be positive, not %g",
				 factor);
	if (m != DETECT_ALL && m >= r->metrics)
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "no metric %zu (there are %zu)", m, r->metrics);
	return STATUS_OK;
}

Status detect_rethreshold(DetectResult *r, size_t m, double factor,
			  ErrorRecord *err)
{
	Status st = detect_check_move(r, m, factor, err);
	if (st != STATUS_OK)
		return st;
	for (size_t i = 0; i < r->metrics; i++) {
		if (m != DETECT_ALL && i != m)
			continue;
		scale_metric(r, i, factor);
		st = detect_metric(r, i, err);
		if (st != STATUS_OK)
			return st;
	}
	return detect_node(r, err);
}

Status detect_set_threshold(DetectResult *r, size_t m, double thr,
			    ErrorRecord *err)
{
	if (!(thr > 0) || isinf(thr))
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "threshold must be positive, not %g", thr);
	if (m != DETECT_ALL && m >= r->metrics)
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "no metric %zu (there are %zu)", m, r->metrics);
	for (size_t i = 0; i < r->metrics; i++) {
		if (m != DETECT_ALL && i != m)
			continue;
		scale_metric(r, i, thr / r->threshold[i]);
		Status st = detect_metric(r, i, err);
		if (st != STATUS_OK)
			return st;
	}
	return detect_node(r, err);
}
