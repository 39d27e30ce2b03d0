/* Online tail calibration of a statistic against its own sliding history
 * (see calib.h for the model). The histogram holds, per bin, the count and
 * the sum of the values in it, so the mean excess over a bin edge is exact;
 * only the position of u is rounded down to a bin edge (4.7% steps). */
#include "engine/calib.h"

#include <math.h>
#include <stdlib.h>
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

/* -log10 of the histogram's tail fraction per bin, computed once per fit:
 * stamp[b] == gen marks lp[b] as this fit's. */
typedef struct {
	double lp[CALIB_BINS];
	unsigned stamp[CALIB_BINS];
	unsigned gen;
} TailLog;

/* x's surprise under f; b is bin_of(x) (x not NaN). */
static float surprise(const Fit *f, const CalibWork *w, TailLog *tl, float x,
		      int b, double cap)
{
	if (!f->ok || isnan(x))
		return 0.0f;
	double l;
	if (x > f->u) {
		l = -log10(f->q) + ((double)x - f->u) / (f->beta * M_LN10);
	} else if (tl->stamp[b] == tl->gen) {
		l = tl->lp[b];
	} else {
		double p = w->ge[b] / f->n;
		l = p < 1.0 ? -log10(p) : 0.0;
		tl->lp[b] = l;
		tl->stamp[b] = tl->gen;
	}
	if (l > cap)
		l = cap;
	return (float)l;
}

static void hist_add_bin(CalibWork *w, float x, int b, double sign)
{
	if (isnan(x))
		return;
	w->count[b] += sign;
	w->sum[b] += sign * (double)x;
}

/* The bin of row t: from bins[] when there is one, else computed. */
static int bin_at(const unsigned char *bins, const float *x, size_t t)
{
	return bins ? bins[t] : isnan(x[t]) ? 0 : bin_of(x[t]);
}

void calib_surprise(const float *x, size_t n, size_t fit_end,
		    const CalibConfig *c, CalibWork *w, float *out)
{
	memset(w, 0, sizeof(*w));
	size_t W = c->history ? c->history : 1;
	size_t K = c->refit ? c->refit : 1;
	if (fit_end > n)
		fit_end = n;
	/* every value's bin once (each is used to add, drop and score it);
	   without the memory, each use computes it */
	unsigned char *bins = malloc(n ? n : 1);
	for (size_t t = 0; bins && t < n; t++)
		bins[t] = (unsigned char)(isnan(x[t]) ? 0 : bin_of(x[t]));
	TailLog tl;
	memset(tl.stamp, 0, sizeof(tl.stamp));
	tl.gen = 0;
	size_t added = 0, removed = 0;
	Fit f = {0};
	if (fit_end > 0) {
		/* the train part is fitted as a whole for its own rows */
		for (; added < fit_end; added++)
			hist_add_bin(w, x[added], bin_at(bins, x, added), 1.0);
		f = fit(w, c);
		tl.gen++;
		for (size_t t = 0; t < fit_end; t++)
			out[t] = surprise(&f, w, &tl, x[t], bin_at(bins, x, t),
					  c->cap);
	}
	for (size_t t0 = fit_end; t0 < n; t0 += K) {
		for (; added < t0; added++)
			hist_add_bin(w, x[added], bin_at(bins, x, added), 1.0);
		for (; removed + W < t0; removed++)
			hist_add_bin(w, x[removed], bin_at(bins, x, removed),
				     -1.0);
		f = fit(w, c);
		tl.gen++;
		size_t end = n - t0 > K ? t0 + K : n;
		for (size_t t = t0; t < end; t++)
			out[t] = surprise(&f, w, &tl, x[t], bin_at(bins, x, t),
					  c->cap);
	}
	free(bins);
}
