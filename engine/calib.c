/* Online tail calibration of a statistic against its own sliding history
 * (see calib.h for the model). The histogram holds, per bin, the count and
 * the sum of the values in it, so the mean excess over a bin edge is exact;
 * only the position of u is rounded down to a bin edge (4.7% steps). */
#include "engine/calib.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BINS_PER_DECADE 25.0
#define LOG_LOW -8.0 /* log10 of the first bin edge */

/* The histogram's rule: bin 0 below 1e-8 (and NaN), then
 * 1 + floor((log10(x) + 8) * 25), at most the last bin. */
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

/* bin_of without a logarithm, for a float: edge[b] is the least float
 * whose bin_of is at least b (b >= 1), found by bisection over the
 * positive floats' bit patterns (ordered as the floats are) with bin_of
 * itself; start[i] is bin_of of the least positive float whose top 12
 * bits (exponent and 4 mantissa bits) are i. Such a range spans less than
 * log10(17/16) = 0.027 decade, under one bin (0.04), so at most one edge
 * falls inside it and one comparison finishes the job (edge[CALIB_BINS]
 * is NaN, which no value passes). bin_of is monotone on floats:
 * neighbouring floats' log10 differ by at least 2.6e-8, far more than
 * double rounding moves it. So every result equals bin_of's (checked on
 * all 2^32 bit patterns when this was written; tests/test_detect_calib.c
 * checks the edges and a sample). */
static float g_edge[CALIB_BINS + 1];
static double g_low[CALIB_BINS]; /* bin_low of every bin */
static unsigned char g_start[1u << 12];
static pthread_once_t g_bins_once = PTHREAD_ONCE_INIT;

static float float_of(uint32_t u)
{
	float f;
	memcpy(&f, &u, sizeof(f));
	return f;
}

static uint32_t bits_of(float f)
{
	uint32_t u;
	memcpy(&u, &f, sizeof(u));
	return u;
}

static void bins_init(void)
{
	g_edge[0] = 0.0f;
	for (int b = 0; b < CALIB_BINS; b++)
		g_low[b] = bin_low(b);
	for (int b = 1; b < CALIB_BINS; b++) {
		/* least u in [0, +inf] with bin_of(float_of(u)) >= b */
		uint32_t lo = 0, hi = 0x7f800000u;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (bin_of(float_of(mid)) >= b)
				hi = mid;
			else
				lo = mid + 1;
		}
		g_edge[b] = float_of(lo);
	}
	g_edge[CALIB_BINS] = NAN; /* no value reaches it, +inf included */
	for (uint32_t i = 0; i < (1u << 12); i++)
		g_start[i] = (unsigned char)bin_of(float_of(i << 19));
}

/* calib_bin once bins_init has run. */
static inline int bin_fast(float x)
{
	if (!(x >= g_edge[1])) /* NaN too */
		return 0;
	int b = g_start[bits_of(x) >> 19];
	return b + (x >= g_edge[b + 1]);
}

int calib_bin(float x)
{
	pthread_once(&g_bins_once, bins_init);
	return bin_fast(x);
}

typedef struct {
	int ok;
	double n;    /* values in the history */
	double u;    /* tail start */
	double q;    /* fraction of the history >= u */
	double beta; /* mean excess over u */
	double lq;   /* -log10(q) */
	double bl;   /* beta ln 10 */
} Fit;

/* ge[b] = values in bins >= b. The counts are whole numbers (sums of
 * +-1), so every partial sum is exact and the order of the additions does
 * not matter: four runs over quarters of the bins at once, then each
 * quarter raised by the quarters above it. */
static void suffix_counts(CalibWork *w)
{
	enum { Q = CALIB_BINS / 4 };
	_Static_assert(CALIB_BINS % 4 == 0, "quarters of the bins");
	const double *n = w->count;
	double *ge = w->ge;
	double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
	for (int i = Q - 1; i >= 0; i--) {
		ge[i] = a0 += n[i];
		ge[Q + i] = a1 += n[Q + i];
		ge[2 * Q + i] = a2 += n[2 * Q + i];
		ge[3 * Q + i] = a3 += n[3 * Q + i];
	}
	double c2 = a3, c1 = c2 + a2, c0 = c1 + a1;
	for (int i = 0; i < Q; i++) {
		ge[i] += c0;
		ge[Q + i] += c1;
		ge[2 * Q + i] += c2;
	}
	ge[CALIB_BINS] = 0;
}

/* The tail fitted on the histogram; no value of the series falls in a
 * bin above top, so those bins hold exactly zero (count and sum: the
 * search passes them and adding their sums would add +0). */
static Fit fit(CalibWork *w, const CalibConfig *c, int top)
{
	Fit f = {0};
	suffix_counts(w);
	f.n = w->ge[0];
	if (!(f.n >= 1.0 / c->tail) || f.n < 2)
		return f;
	double need = c->tail * f.n;
	int j = top;
	while (j > 0 && w->ge[j] < need)
		j--;
	double s = 0;
	for (int b = j; b <= top; b++)
		s += w->sum[b];
	double nu = w->ge[j];
	f.u = g_low[j];
	f.q = nu / f.n;
	f.beta = (s - nu * f.u) / nu;
	if (!(f.beta >= c->min_scale))
		f.beta = c->min_scale;
	f.lq = -log10(f.q);
	f.bl = f.beta * M_LN10;
	f.ok = 1;
	return f;
}

/* -log10 of the histogram's tail fraction per bin, ge[b] / n, kept with
 * the ge[b] and n it was computed from (n 0: none yet): a later fit with
 * the same two reads it again. */
typedef struct {
	double lp[CALIB_BINS];
	double ge[CALIB_BINS];
	double n[CALIB_BINS];
} TailLog;

/* x's surprise under f; b is bin_of(x) (x not NaN). Inlined: it runs for
 * every row of every signal. */
static inline __attribute__((always_inline)) float
surprise(const Fit *f, const CalibWork *w, TailLog *tl, float x, int b,
	 double cap)
{
	if (!f->ok || isnan(x))
		return 0.0f;
	double l;
	if (x > f->u) {
		l = f->lq + ((double)x - f->u) / f->bl;
	} else if (tl->n[b] == f->n && tl->ge[b] == w->ge[b]) {
		l = tl->lp[b];
	} else {
		double p = w->ge[b] / f->n;
		l = p < 1.0 ? -log10(p) : 0.0;
		tl->lp[b] = l;
		tl->ge[b] = w->ge[b];
		tl->n[b] = f->n;
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
	return bins ? bins[t] : bin_fast(x[t]);
}

void calib_surprise(const float *x, size_t n, size_t fit_end,
		    const CalibConfig *c, CalibWork *w, float *out)
{
	pthread_once(&g_bins_once, bins_init);
	memset(w, 0, sizeof(*w));
	size_t W = c->history ? c->history : 1;
	size_t K = c->refit ? c->refit : 1;
	if (fit_end > n)
		fit_end = n;
	/* every value's bin once (each is used to add, drop and score it);
	   without the memory, each use computes it */
	unsigned char *bins = malloc(n ? n : 1);
	int top = bins ? 0 : CALIB_BINS - 1;
	for (size_t t = 0; bins && t < n; t++) {
		bins[t] = (unsigned char)bin_fast(x[t]);
		top = bins[t] > top ? bins[t] : top;
	}
	TailLog tl;
	memset(tl.n, 0, sizeof(tl.n));
	size_t added = 0, removed = 0;
	Fit f = {0};
	if (fit_end > 0) {
		/* the train part is fitted as a whole for its own rows */
		for (; added < fit_end; added++)
			hist_add_bin(w, x[added], bin_at(bins, x, added), 1.0);
		f = fit(w, c, top);
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
		f = fit(w, c, top);
		size_t end = n - t0 > K ? t0 + K : n;
		for (size_t t = t0; t < end; t++)
			out[t] = surprise(&f, w, &tl, x[t], bin_at(bins, x, t),
					  c->cap);
	}
	free(bins);
}
