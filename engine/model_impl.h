/* The inside of an LstmModel, shared by the engine's own files (training,
 * forecasting, model files). Not for other modules: they use model.h. */
#ifndef VIGIL_MODEL_IMPL_H
#define VIGIL_MODEL_IMPL_H

#include <math.h>
#include <stdatomic.h>

#include "engine/lstm.h"
#include "engine/model.h"

struct LstmModel {
	LstmConfig cfg;
	LstmDims dims;       /* F features, H, O = metrics, T, L */
	size_t metrics;
	size_t features;
	char **names;        /* owned: metrics names */
	float *fmin, *fmax;  /* owned: features each, the min-max scaler */
	float *params;       /* owned: the parameter block (nparams) */
	size_t nparams;
	size_t epochs_run, best_epoch;
	double best_val;
	double train_seconds;
	int has_origin;      /* 0: a version 1 file, which did not say */
	uint64_t origin_hash; /* model_origin_of: the train part it saw */
	char origin_name[256]; /* the dataset's name (model_origin_of) */
};

/* Allocate a model for cfg over `metrics` metrics named names (copied);
 * parameters zeroed, scaler unset. */
Status model_new(LstmModel **out, const LstmConfig *cfg, size_t metrics,
		 char *const *names, ErrorRecord *err);

/* A copy of m (configuration, names, scaler, parameters and training
 * facts) that *out owns. */
Status model_clone(const LstmModel *m, LstmModel **out, ErrorRecord *err);

/* The train part's length: s->split, or all rows when it is 0 or past
 * the end. */
size_t model_train_rows(const Series *s);

/* Fit the scaler on rows [0, train_rows) of the features of s. */
Status model_fit_scaler(LstmModel *m, const Series *s, size_t train_rows,
			ErrorRecord *err);

/* The scaled feature matrix of rows [0, rows) of s: *Z is rows x F,
 * row-major, malloc'd. */
Status model_features(const LstmModel *m, const Series *s, size_t rows,
		      float **Z, ErrorRecord *err);

/* Scaled forecasts for target rows [r0, r1) (r0 >= T) from Z: out is
 * (r1 - r0) x O row-major. Uses the model's thread count. */
Status model_forecast_scaled(const LstmModel *m, const float *Z, size_t r0,
			     size_t r1, float *out, ErrorRecord *err);

/* lstm_forecast that looks at *cancel (when not NULL) before each block
 * of 8192 rows and stops with STATUS_CANCELLED once it is set. Z (may be
 * NULL: built here) is model_features of every row of s with m's scaler,
 * borrowed. */
Status model_forecast_until(const LstmModel *m, const Series *s,
			    const float *Z, float *pred,
			    const atomic_int *cancel, ErrorRecord *err);

/* Windows of a train part of n rows: targets [T, T + ntrain) train,
 * [T + ntrain, n) validation. Returns 0 when there are too few rows. */
int model_split_windows(size_t n, size_t T, size_t *ntrain, size_t *nval);

/* Original units <-> scaled, for feature f. A span beyond float's range
 * (a column holding both -3e38 and 3e38) is taken in double, where it is
 * finite, rather than as infinity (which scaled every value to 0 and
 * unscaled every forecast to NaN). */
static inline float model_scale(const LstmModel *m, size_t f, float x)
{
	float span = m->fmax[f] - m->fmin[f];
	if (!(span < INFINITY))
		return (float)(((double)x - m->fmin[f]) /
			       ((double)m->fmax[f] - m->fmin[f]));
	return span > 0 ? (x - m->fmin[f]) / span : 0.0f;
}

static inline float model_unscale(const LstmModel *m, size_t f, float x)
{
	float span = m->fmax[f] - m->fmin[f];
	if (!(span < INFINITY))
		return (float)((double)x * ((double)m->fmax[f] - m->fmin[f]) +
			       m->fmin[f]);
	return span > 0 ? x * span + m->fmin[f] : m->fmin[f];
}

#endif
