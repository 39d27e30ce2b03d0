/* Preprocessing: min-max scaling fitted on the train part, and rolling
 * features. Pure functions over float columns. */
#ifndef VIGIL_SCALE_H
#define VIGIL_SCALE_H

#include <stddef.h>

#include "data/series.h"

typedef struct {
	size_t metrics;
	float *min; /* owned: metrics */
	float *max; /* owned: metrics */
} Scaler;

void scaler_init(Scaler *sc);
void scaler_free(Scaler *sc);

/* Fit per-metric min and max on rows [0, s->split) (all rows if split is
 * 0). */
Status scaler_fit(Scaler *sc, const Series *s, ErrorRecord *err);

/* x' = (x - min) / (max - min); a constant column maps to 0. */
float scaler_apply(const Scaler *sc, size_t m, float x);
float scaler_invert(const Scaler *sc, size_t m, float x);

/* Scale a whole series in place. */
void scaler_transform(const Scaler *sc, Series *s);

/* out[r] = mean of x[r-w+1 .. r] (shorter at the start). */
void scale_rolling_mean(const float *x, size_t n, size_t w, float *out);
/* out[r] = population standard deviation over the same window. */
void scale_rolling_std(const float *x, size_t n, size_t w, float *out);

#endif
