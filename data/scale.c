/* Preprocessing: the min-max Scaler (fitted on the train rows only, so the
 * test part never leaks into the model's view of the data) and the rolling
 * mean / standard deviation features. */
#include "data/scale.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void scaler_init(Scaler *sc)
{
	memset(sc, 0, sizeof(*sc));
}

void scaler_free(Scaler *sc)
{
	free(sc->min);
	free(sc->max);
	scaler_init(sc);
}

Status scaler_fit(Scaler *sc, const Series *s, ErrorRecord *err)
{
	scaler_free(sc);
	size_t n = s->split ? s->split : s->rows;
	if (n > s->rows)
		n = s->rows;
	if (s->metrics == 0 || n == 0)
		return error_set(err, STATUS_EMPTY, s->path, 0, 0,
				 "nothing to fit a scaler on (%zu rows, %zu "
				 "metrics)",
				 n, s->metrics);
	sc->min = malloc(s->metrics * sizeof(float));
	sc->max = malloc(s->metrics * sizeof(float));
	if (!sc->min || !sc->max) {
		scaler_free(sc);
		return error_set(err, STATUS_NOMEM, s->path, 0, 0,
				 "out of memory");
	}
	sc->metrics = s->metrics;
	for (size_t m = 0; m < s->metrics; m++) {
		const float *x = series_column(s, m);
		float lo = x[0], hi = x[0];
		for (size_t r = 1; r < n; r++) {
			lo = x[r] < lo ? x[r] : lo;
			hi = x[r] > hi ? x[r] : hi;
		}
		sc->min[m] = lo;
		sc->max[m] = hi;
	}
	return STATUS_OK;
}

float scaler_apply(const Scaler *sc, size_t m, float x)
{
	float span = sc->max[m] - sc->min[m];
	if (!(span > 0))
		return 0.0f;
	return (x - sc->min[m]) / span;
}

float scaler_invert(const Scaler *sc, size_t m, float x)
{
	float span = sc->max[m] - sc->min[m];
	if (!(span > 0))
		return sc->min[m];
	return x * span + sc->min[m];
}

void scaler_transform(const Scaler *sc, Series *s)
{
	size_t metrics = s->metrics < sc->metrics ? s->metrics : sc->metrics;
	for (size_t m = 0; m < metrics; m++) {
		float *x = series_column(s, m);
		float lo = sc->min[m], span = sc->max[m] - sc->min[m];
		if (!(span > 0)) {
			for (size_t r = 0; r < s->rows; r++)
				x[r] = 0.0f;
			continue;
		}
		for (size_t r = 0; r < s->rows; r++)
			x[r] = (x[r] - lo) / span;
	}
}

/* Running sums in double so long series do not drift. */
void scale_rolling_mean(const float *x, size_t n, size_t w, float *out)
{
	if (w == 0)
		w = 1;
	double sum = 0;
	for (size_t r = 0; r < n; r++) {
		sum += x[r];
		if (r >= w)
			sum -= x[r - w];
		size_t cnt = r + 1 < w ? r + 1 : w;
		out[r] = (float)(sum / (double)cnt);
	}
}

/* Population standard deviation over the window, from running sums (in
 * double) of the values shifted by the first one, which keeps the
 * cancellation in E[x^2] - E[x]^2 small for metrics far from zero. */
void scale_rolling_std(const float *x, size_t n, size_t w, float *out)
{
	if (w == 0)
		w = 1;
	if (n == 0)
		return;
	double k = x[0], s1 = 0, s2 = 0;
	for (size_t r = 0; r < n; r++) {
		double d = (double)x[r] - k;
		s1 += d;
		s2 += d * d;
		if (r >= w) {
			double o = (double)x[r - w] - k;
			s1 -= o;
			s2 -= o * o;
		}
		size_t cnt = r + 1 < w ? r + 1 : w;
		double mean = s1 / (double)cnt;
		double var = s2 / (double)cnt - mean * mean;
		out[r] = var > 0 ? (float)sqrt(var) : 0.0f;
	}
}
