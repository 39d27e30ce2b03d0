/* Detection: from forecasts to scores, thresholds, detections and alerts.
 *
 * Per metric, the forecast error e_t = |y_t - yhat_t| is measured in scaled
 * units (min-max fitted on the train part), smoothed by an EWMA, and divided
 * by a threshold to give the normalised score s_t (s_t >= 1 is anomalous).
 * Maximal runs of s_t >= 1 become detections with a criticality from their
 * peak score; the node level is their union (node_top_k = 0) or, by
 * default, the runs of the mean of the k largest metric scores; nearby node
 * detections form alerts that rank the metrics by their share of the score
 * mass.
 *
 * The threshold modes (DESIGN section 3):
 *   calibrated (the default; causal) every metric's signals -- the
 *           smoothed error (span), a long-horizon smoothed error
 *           (long_span) and optionally the distance of the smoothed value
 *           from its train median (level_span) -- are each turned into a
 *           surprise, -log10 of their tail probability against their own
 *           sliding history (engine/calib.h); the metric's surprise is the
 *           largest, and its threshold -log10(p) is the same everywhere.
 *   seed    k x the RMSE of the smoothed train errors (the tutorial's rule;
 *           with span 1 it is exactly k x the train RMSE of the forecast).
 *   sigma   mean + z x standard deviation of the smoothed train errors.
 *   dynamic telemanom's nonparametric dynamic threshold, fitted on the
 *           smoothed errors of the detection part (the test part) in windows
 *           of dyn_window rows; see detect.c for how the pruning step is
 *           expressed as a threshold so that s_t = smoothed_t / threshold_t
 *           holds everywhere. It looks ahead (a row's score depends on the
 *           rest of its window): for offline comparison only.
 * seed, sigma and dynamic thresholds are at least min_threshold (scaled
 * units). seed, sigma and calibrated are causal: the score of row t depends
 * only on the train part and rows up to t. */
#ifndef VIGIL_DETECT_H
#define VIGIL_DETECT_H

#include <stddef.h>

#include "data/range.h"
#include "data/series.h"
#include "data/status.h"
#include "engine/alert.h"

typedef enum {
	THRESH_SEED,
	THRESH_SIGMA,
	THRESH_DYNAMIC,
	THRESH_CALIBRATED,
} ThresholdMode;

typedef struct {
	ThresholdMode mode;   /* default THRESH_CALIBRATED (causal; the best
				 on the shared SMD and NAB data together,
				 see the README's tables) */
	double k;             /* seed: k x train RMSE, default 1.5 */
	double z;             /* sigma: mean + z std, default 3 */
	size_t span;          /* EWMA span in rows, alpha = 2/(span+1);
				 1 = no smoothing; default 5 */
	double min_duration;  /* seconds; runs shorter are dropped; default
				 480 (8 min); converted with the series'
				 sampling interval, at least 1 row */
	size_t merge_gap;     /* runs separated by fewer than this many rows
				 are merged; default 5 */
	double medium;        /* peak score cut-off for medium, default 2 */
	double high;          /* peak score cut-off for high, default 4 */
	size_t alert_gap;     /* node detections separated by fewer than this
				 many rows form one alert; default 60 */
	double min_threshold; /* floor of every threshold (scaled units),
				 default 0.01 */
	size_t dyn_window;    /* dynamic: rows per window, 0 = one window over
				 the whole detection part; default 2100
				 (telemanom's 30 batches of 70) */
	size_t dyn_buffer;    /* dynamic: telemanom's error buffer (rows added
				 each side of an exceedance), default 100,
				 capped at 5% of a window's rows */
	double dyn_p;         /* dynamic: pruning ratio, default 0.13 */
	double dyn_floor_z;   /* dynamic: no window's threshold below the
				 sigma rule, mean + dyn_floor_z x std of the
				 smoothed train errors (what the model
				 routinely reaches on normal data);
				 0 = no floor; default 3 */
	size_t node_top_k;    /* node rule: 0 = the union of the metrics'
				 detections (DESIGN section 3); k >= 1 = runs
				 of the node score, the mean of the k largest
				 metric scores per row (k capped at the
				 number of metrics), >= 1, with the same merge
				 gap and minimum duration; default 2 (a lone
				 metric must reach 2 x its threshold, two
				 metrics each their threshold) */
	int whole_series;     /* 1: detect in the train part too; default 0
				 (detections only in the test part) */
	/* calibrated mode (engine/calib.h): */
	double p;             /* tail probability at the threshold: the
				 threshold is -log10(p) on every metric;
				 default 1e-5 (medium 2x: 1e-10, high 4x:
				 1e-20) */
	size_t history;       /* rows of history the tails are fitted on
				 (a sliding window, the train part
				 included); default 30000 */
	size_t refit;         /* rows between two fits; default 50 */
	double tail;          /* fraction of the history in the fitted
				 tail; default 0.02 */
	double min_scale;     /* floor of the tail's scale (scaled units);
				 default 0.001 */
	size_t long_span;     /* EWMA span of the long-horizon error
				 signal, rows (0 = none); default 60 */
	size_t level_span;    /* EWMA span of the level signal (distance of
				 the value from its train median), rows
				 (0 = none); default 0 */
	double season;        /* period of the seasonal signal, seconds (0 =
				 none); default 86400, a day. A metric gets
				 it when the train part holds two periods and
				 correlates with itself one period earlier at
				 r >= 0.7: the distance of each value from
				 the mean of the values 1, 2 and 3 periods
				 earlier, smoothed over `span` rows and
				 calibrated as the others */
} DetectConfig;

typedef struct {
	size_t rows, metrics;
	size_t split;         /* first test row */
	size_t from;          /* first row where detections are searched */
	size_t min_rows;      /* min_duration in rows */
	size_t season_rows;   /* cfg.season in rows (0 = none) */
	DetectConfig cfg;
	float *error;         /* owned: metrics x rows, column-major, scaled
				 |y - yhat|; NaN where there is no forecast */
	float *smooth;        /* owned: metrics x rows, EWMA of error (NaN
				 before the first forecast) */
	float *score;         /* owned: metrics x rows, smooth / threshold
				 (0 where there is no forecast) */
	float *surprise;      /* owned, NULL unless calibrated: metrics x
				 rows, the largest -log10 tail probability
				 of the metric's signals (what is
				 thresholded instead of smooth) */
	float *threshold;     /* owned: metrics; the metric's threshold
				 (dynamic with windows: the median window's) */
	float *win_thr;       /* owned, NULL unless dynamic: metrics x n_win,
				 each window's threshold (row-major by
				 metric); see detect_threshold_at */
	size_t n_win;         /* dynamic: windows over [from, rows) */
	size_t win_rows;      /* dynamic: rows per window (the last one takes
				 the remainder) */
	Detection **det;      /* owned: metrics arrays of n_det[m] */
	size_t *n_det;        /* owned: metrics */
	size_t *cap_det;      /* owned: metrics (capacity) */
	Detection *node;      /* owned: node-level detections */
	size_t n_node;
	size_t cap_node;      /* capacity of node */
	Alert *alerts;        /* owned */
	size_t n_alerts;
} DetectResult;

/* Metric index meaning "every metric" for detect_rethreshold. */
#define DETECT_ALL ((size_t)-1)

void detect_config_defaults(DetectConfig *c);

void detect_result_init(DetectResult *r);
void detect_result_free(DetectResult *r);

/* Score and detect. pred is s->metrics x s->rows, column-major, original
 * units, NaN where there is no forecast (lstm_forecast's layout). r must be
 * initialised; its previous contents are freed, except that its error,
 * smooth, score and surprise arrays are written over instead when they
 * have s's size (a run of the same series: no new pages to touch). */
Status detect_run(const Series *s, const float *pred, const DetectConfig *cfg,
		  DetectResult *r, ErrorRecord *err);

/* Multiply metric m's threshold (every metric's with DETECT_ALL) by factor
 * (> 0), rescale its scores and recompute its detections, the node union and
 * the alerts. One pass over that metric's rows. */
Status detect_rethreshold(DetectResult *r, size_t m, double factor,
			  ErrorRecord *err);

/* Set metric m's threshold to thr (> 0) (for dynamic: scales every window's
 * threshold so the median window's becomes thr), then as above. */
Status detect_set_threshold(DetectResult *r, size_t m, double thr,
			    ErrorRecord *err);

/* Recompute detections, node union and alerts from the current scores after
 * changing r->cfg's duration, gap or cut-off fields (no rescoring). */
Status detect_redetect(DetectResult *r, ErrorRecord *err);

/* The threshold in force for metric m at row t. */
float detect_threshold_at(const DetectResult *r, size_t m, size_t t);

/* The node score of every row into out (rows floats): the mean of the
 * node_top_k largest metric scores (k capped at the number of metrics; with
 * node_top_k 0, the largest), the score whose runs >= 1 are the node
 * detections. Reads each metric's scores in order (cache-friendly: the
 * dashboard recomputes it after every threshold move). STATUS_NOMEM leaves
 * out unchanged. */
Status detect_node_scores(const DetectResult *r, float *out,
			  ErrorRecord *err);

/* The pieces of the detection rules that engine/rethresh.c replays on the
 * rows a threshold move can change (engine-internal).
 *
 * RunJoin turns runs of s >= 1 (maximal, given in row order, each with
 * its largest score) into detections, for a metric and for the node
 * alike: runs fewer than merge_gap rows apart join, detections shorter
 * than min_rows are dropped, the criticality follows the peak.
 * detect_join_add returns 1 when the run closes the pending detection and
 * that one is kept (*done), detect_join_end the same for the last one.
 * detect_tops_mean   the node score from a row's k largest metric scores
 *                    (descending), as detect_node_scores computes it;
 * detect_node_union  node_top_k 0: r->node := the union of the metric
 *                    detections (overlapping or touching ranges join,
 *                    criticality the highest, peak the largest); r->node
 *                    must be empty. */
typedef struct {
	const DetectConfig *cfg;
	size_t min_rows;
	Detection cur;
	int have;
} RunJoin;
void detect_join_init(RunJoin *j, const DetectResult *r, size_t metric);
int detect_join_add(RunJoin *j, int64_t a, int64_t b, float peak,
		    Detection *done);
int detect_join_end(RunJoin *j, Detection *done);
/* Append d to metric m's detections, or to the node's (m DETECT_NODE). */
Status detect_push(DetectResult *r, size_t m, const Detection *d,
		   ErrorRecord *err);
/* detect_rethreshold's argument checks: factor positive and finite, m a
 * metric or DETECT_ALL. */
Status detect_check_move(const DetectResult *r, size_t m, double factor,
			 ErrorRecord *err);
/* Multiply metric m's threshold (every window's, in dynamic mode) by f,
 * leaving its score column as it is. */
void detect_scale_threshold(DetectResult *r, size_t m, double f);
/* Drop the node detections and the alerts (before they are found again). */
void detect_node_reset(DetectResult *r);
float detect_tops_mean(const float *tv, size_t k);

/* Insert score v into tv, a row's k largest scores so far (descending,
 * zeros where none yet): the one step of every top-k pass. */
static inline void detect_top_insert(float *tv, size_t k, float v)
{
	if (!(v > 0) || v <= tv[k - 1])
		return;
	size_t i = k - 1;
	while (i > 0 && tv[i - 1] < v) {
		tv[i] = tv[i - 1];
		i--;
	}
	tv[i] = v;
}
Status detect_node_union(DetectResult *r, ErrorRecord *err);

/* Criticality of a peak score under cfg's cut-offs (peak >= 1 assumed). */
Criticality detect_criticality(const DetectConfig *cfg, double peak);

/* "seed", "sigma", "dynamic"; parse returns 0 or -1. */
const char *detect_mode_name(ThresholdMode m);
int detect_mode_parse(const char *text, ThresholdMode *out);

/* Map a normalised score to [0, 1) monotonically: s / (1 + s) (0.5 at the
 * threshold). Negative or NaN scores map to 0. */
double detect_unit_score(double s);

#endif
