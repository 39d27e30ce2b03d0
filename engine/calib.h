/* Calibration: turn a nonnegative statistic (a smoothed forecast error, a
 * distance from the usual level) into a surprise that means the same on
 * every metric and every dataset: -log10 of the statistic's tail
 * probability against its own history.
 *
 * The history is a sliding window of the statistic's past values, kept as
 * a histogram on a log scale (so adding a row, dropping the oldest one and
 * reading a tail cost O(1) or O(bins), whatever the window). Every `refit`
 * rows the tail is fitted again on the rows before that point: u is the
 * level exceeded by a fraction q of the history (q >= tail, the first bin
 * edge that holds at least `tail` of it), beta the mean excess over u
 * (at least min_scale), and
 *
 *   p(x) = q exp(-(x - u) / beta)       for x > u (an exponential tail, the
 *                                        peaks-over-threshold model with
 *                                        shape 0: it extrapolates beyond the
 *                                        largest value seen)
 *   p(x) = fraction of history >= x     for x <= u (from the histogram)
 *
 * Causality: the value at row t depends only on rows [0, fit_end) (the
 * train part, fitted as a whole for the rows inside it) and rows < t. The
 * same rows always give the same numbers, so a series cut short scores its
 * remaining rows identically. */
#ifndef VIGIL_CALIB_H
#define VIGIL_CALIB_H

#include <stddef.h>

typedef struct {
	size_t history;   /* rows in the sliding window (>= 1) */
	size_t refit;     /* rows between two fits (>= 1) */
	double tail;      /* fraction of the history in the fitted tail,
			     in (0, 0.5] */
	double min_scale; /* floor of beta, in the statistic's units (> 0) */
	double cap;       /* largest surprise returned */
} CalibConfig;

/* Bins of the log-scale histogram: one for values below 1e-8 (zero
 * included), then 25 a decade up to 100 (the last one takes anything
 * larger). */
#define CALIB_BINS 252

/* The histogram bin of x: 0 for x < 1e-8 or NaN, else
 * 1 + floor((log10(x) + 8) * 25), at most CALIB_BINS - 1 (computed
 * without a logarithm, with the same results). */
int calib_bin(float x);

/* Working memory for one series (no allocation inside). */
typedef struct {
	double count[CALIB_BINS];
	double sum[CALIB_BINS];
	double ge[CALIB_BINS + 1]; /* values in bins >= b at the last fit */
} CalibWork;

/* out[t] = -log10 p_t (0 .. cap) for t in [0, n); x[t] >= 0 or NaN
 * (missing: not added to the history, out 0). fit_end is the end of the
 * train part (0: none; the first `refit` rows then get 0). Rows whose
 * history holds fewer than 1/tail values get 0. */
void calib_surprise(const float *x, size_t n, size_t fit_end,
		    const CalibConfig *c, CalibWork *w, float *out);

#endif
