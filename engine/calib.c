/* Online tail calibration of a statistic against its own sliding history
 * (see calib.h for the model). The histogram holds, per bin, the count and
 * the sum of the values in it, so the mean excess over a bin edge is exact;
 * only the position of u is rounded down to a bin edge (4.7% steps). */
#include "engine/calib.h"

#include <math.h>
#include <string.h>

#define BINS_PER_DECADE 25.0
#define LOG_LOW -8.0 /* log10 of the first bin edge */

static int bin_of(double x)
{
	if (!(x >= 1e-8))
		return 0;
	double b = 1.0 + floor((log10(x) - LOG_LOW) * BINS_PER_DECADE);
	if (b > CALIB_BINS - 1)
		return CALIB_BINS - 1;
	return (int)b;
}

/* Lower edge of bin b (0 for the first). */
static double bin_low(int b)
{
	return b == 0 ? 0.0 : pow(10.0, LOG_LOW + (b - 1) / BINS_PER_DECADE);
}

static void hist_add(CalibWork *w, float x, double sign)
{
	if (isnan(x))
		return;
	int b = bin_of(x);
	w->count[b] += sign;
	w->sum[b] += sign * (double)x;
}

typedef struct {
	int ok;
	double n;    /* values in the history */
	double u;    /* tail start */
	double q;    /* fraction of the history >= u */
	double beta; /* mean excess over u */
} Fit;

static Fit fit(CalibWork *w, const CalibConfig *c)
{
	Fit f = {0};
	w->ge[CALIB_BINS] = 0;
	for (int b = CALIB_BINS - 1; b >= 0; b--)
		w->ge[b] = w->ge[b + 1] + w->count[b];
	f.n = w->ge[0];
	if (!(f.n >= 1.0 / c->tail) || f.n < 2)
		return f;
	double need = c->tail * f.n;
	int j = CALIB_BINS - 1;
	while (j > 0 && w->ge[j] < need)
		j--;
	double s = 0;
	for (int b = j; b < CALIB_BINS; b++)
		s += w->sum[b];
	double nu = w->ge[j];
	f.u = bin_low(j);
	f.q = nu / f.n;
	f.beta = (s - nu * f.u) / nu;
	if (!(f.beta >= c->min_scale))
		f.beta = c->min_scale;
	f.ok = 1;
	return f;
}

static float surprise(const Fit *f, const CalibWork *w, float x, double cap)
{
	if (!f->ok || isnan(x))
		return 0.0f;
	double l;
	if (x > f->u) {
		l = -log10(f->q) + ((double)x - f->u) / (f->beta * M_LN10);
	} else {
		double p = w->ge[bin_of(x)] / f->n;
		l = p < 1.0 ? -log10(p) : 0.0;
	}
	if (l > cap)
		l = cap;
	return (float)l;
}

void calib_surprise(const float *x, size_t n, size_t fit_end,
		    const CalibConfig *c, CalibWork *w, float *out)
{
	memset(w, 0, sizeof(*w));
	size_t W = c->history ? c->history : 1;
	size_t K = c->refit ? c->refit : 1;
	if (fit_end > n)
		fit_end = n;
	size_t added = 0, removed = 0;
	Fit f = {0};
	if (fit_end > 0) {
		/* the train part is fitted as a whole for its own rows */
		for (; added < fit_end; added++)
			hist_add(w, x[added], 1.0);
		f = fit(w, c);
		for (size_t t = 0; t < fit_end; t++)
			out[t] = surprise(&f, w, x[t], c->cap);
	}
	for (size_t t0 = fit_end; t0 < n; t0 += K) {
		for (; added < t0; added++)
			hist_add(w, x[added], 1.0);
		for (; removed + W < t0; removed++)
			hist_add(w, x[removed], -1.0);
		f = fit(w, c);
		size_t end = n - t0 > K ? t0 + K : n;
		for (size_t t = t0; t < end; t++)
			out[t] = surprise(&f, w, x[t], c->cap);
	}
}
