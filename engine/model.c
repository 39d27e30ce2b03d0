/* The model object: configuration, the features it reads (metrics, plus
 * optional rolling mean and standard deviation), the min-max scaler fitted
 * on the train part, forecasting a whole series, and forecast metrics. */
#include "engine/model_impl.h"
#include "engine/modelcache.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/checked.h"
#include "data/scale.h"
#include "engine/kernels.h"

/* Windows per forecast chunk: large enough for long matrix products, small
 * enough that a chunk's activations stay in the L2 cache. */
#define FORECAST_CHUNK 128
#define MAX_THREADS 64

void lstm_config_defaults(LstmConfig *c)
{
	memset(c, 0, sizeof(*c));
	c->look_back = 10;
	c->hidden = 50;
	c->layers = 1;
	c->batch = 32;
	c->epochs = 50;
	c->patience = 5;
	c->lr = 1e-3f;
	c->clip = 1.0f;
	c->seed = 1;
	c->rolling = 0;
	c->threads = 1;
	c->max_train_rows = 0;
}

Status model_check_config(const LstmConfig *c, ErrorRecord *err)
{
	if (c->look_back < 1 || c->look_back > 10000)
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "look_back must be in 1..10000, not %zu",
				 c->look_back);
	if (c->hidden < 1 || c->hidden > 4096)
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "hidden must be in 1..4096, not %zu",
				 c->hidden);
	if (c->layers < 1 || c->layers > 2)
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "layers must be 1 or 2, not %zu", c->layers);
	if (c->batch < 1 || c->batch > 8192)
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "batch must be in 1..8192, not %zu",
				 c->batch);
	if (c->epochs < 1)
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "epochs must be at least 1");
	if (!(c->lr > 0) || !isfinite(c->lr))
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "the learning rate must be positive");
	if (!(c->clip >= 0) || !isfinite(c->clip))
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "clip must be 0 (off) or positive");
	if (c->rolling == 1 || c->rolling > 100000)
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "the rolling window must be 0 (off) or "
				 "2..100000, not %zu",
				 c->rolling);
	if (c->threads < 1 || c->threads > MAX_THREADS)
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "threads must be in 1..%d, not %d",
				 MAX_THREADS, c->threads);
	return STATUS_OK;
}

Status model_new(LstmModel **out, const LstmConfig *cfg, size_t metrics,
		 char *const *names, ErrorRecord *err)
{
	*out = NULL;
	LstmModel *m = calloc(1, sizeof(*m));
	if (!m)
		return error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
	m->cfg = *cfg;
	m->metrics = metrics;
	m->features = cfg->rolling ? size_mul(3, metrics) : metrics;
	m->dims = (LstmDims){.F = m->features, .H = cfg->hidden,
			     .O = metrics, .T = cfg->look_back,
			     .L = cfg->layers};
	LstmLayout lay;
	lstm_layout(&m->dims, &lay);
	m->nparams = lay.total;
	m->names = calloc(metrics, sizeof(char *));
	m->fmin = calloc(m->features, sizeof(float));
	m->fmax = calloc(m->features, sizeof(float));
	m->params = calloc(m->nparams, sizeof(float));
	int ok = m->names && m->fmin && m->fmax && m->params;
	for (size_t i = 0; ok && i < metrics; i++) {
		char tmp[32];
		const char *nm = names && names[i] ? names[i] : NULL;
		if (!nm) {
			snprintf(tmp, sizeof(tmp), "m%02zu", i + 1);
			nm = tmp;
		}
		m->names[i] = strdup(nm);
		ok = m->names[i] != NULL;
	}
	if (!ok) {
		lstm_model_delete(m);
		return error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
	}
	*out = m;
	return STATUS_OK;
}

void lstm_model_delete(LstmModel *m)
{
	if (!m)
		return;
	if (m->names)
		for (size_t i = 0; i < m->metrics; i++)
			free(m->names[i]);
	free(m->names);
	free(m->fmin);
	free(m->fmax);
	free(m->params);
	free(m);
}

Status model_clone(const LstmModel *m, LstmModel **out, ErrorRecord *err)
{
	Status st = model_new(out, &m->cfg, m->metrics, m->names, err);
	if (st)
		return st;
	LstmModel *c = *out;
	memcpy(c->fmin, m->fmin, m->features * sizeof(float));
	memcpy(c->fmax, m->fmax, m->features * sizeof(float));
	memcpy(c->params, m->params, m->nparams * sizeof(float));
	c->epochs_run = m->epochs_run;
	c->best_epoch = m->best_epoch;
	c->best_val = m->best_val;
	c->train_seconds = m->train_seconds;
	c->has_origin = m->has_origin;
	c->origin_hash = m->origin_hash;
	memcpy(c->origin_name, m->origin_name, sizeof(c->origin_name));
	return STATUS_OK;
}

void model_origin_of(const Series *s, uint64_t *hash, char *name, size_t n)
{
	size_t rows = model_train_rows(s);
	uint64_t h = 0xcbf29ce484222325ULL;
	uint64_t shape[2] = {rows, s->metrics};
	h = modelcache_fnv(h, shape, sizeof(shape));
	for (size_t m = 0; m < s->metrics; m++)
		h = modelcache_fnv(h, s->values + m * s->rows,
				   rows * sizeof(float));
	*hash = h;
	model_dataset_base(s, name, n);
}

int model_origin(const LstmModel *m, uint64_t *hash, const char **name)
{
	if (!m->has_origin)
		return 0;
	*hash = m->origin_hash;
	*name = m->origin_name;
	return 1;
}

const LstmConfig *lstm_model_config(const LstmModel *m)
{
	return &m->cfg;
}

void lstm_model_set_threads(LstmModel *m, int threads)
{
	if (threads >= 1 && threads <= MAX_THREADS)
		m->cfg.threads = threads;
}

void lstm_model_info(const LstmModel *m, LstmModelInfo *out)
{
	out->metrics = m->metrics;
	out->features = m->features;
	out->params = m->nparams;
	out->epochs_run = m->epochs_run;
	out->best_epoch = m->best_epoch;
	out->best_val = m->best_val;
	out->train_seconds = m->train_seconds;
}

const char *lstm_model_metric(const LstmModel *m, size_t i)
{
	return i < m->metrics ? m->names[i] : NULL;
}

size_t model_train_rows(const Series *s)
{
	return s->split > 0 && s->split <= s->rows ? s->split : s->rows;
}

int model_split_windows(size_t n, size_t T, size_t *ntrain, size_t *nval)
{
	if (n < T + 2)
		return 0;
	size_t nwin = n - T;
	size_t v = nwin / 5;
	if (v < 1)
		v = 1;
	*nval = v;
	*ntrain = nwin - v;
	return 1;
}

/* Feature f of s at rows [0, rows) into out (rows floats): metric f, or
 * its rolling mean or rolling standard deviation (data/scale.h; each row
 * sees only itself and earlier rows, so the train rows alone give the same
 * values as the whole series). */
static void feature_column(const LstmModel *m, const Series *s, size_t f,
			   size_t rows, float *out)
{
	size_t M = m->metrics;
	const float *x = series_column(s, f % M);
	if (f < M)
		memcpy(out, x, rows * sizeof(float));
	else if (f < 2 * M)
		scale_rolling_mean(x, rows, m->cfg.rolling, out);
	else
		scale_rolling_std(x, rows, m->cfg.rolling, out);
}

/* The metrics are scaled by data/scale.h's Scaler (fitted on the train
 * part); the rolling features, which a Series does not hold, by the same
 * rule over their own train rows. */
Status model_fit_scaler(LstmModel *m, const Series *s, size_t train_rows,
			ErrorRecord *err)
{
	Scaler sc;
	scaler_init(&sc);
	Status st = scaler_fit(&sc, s, err);
	if (st)
		return st;
	for (size_t f = 0; f < m->metrics; f++) {
		m->fmin[f] = sc.min[f];
		m->fmax[f] = sc.max[f];
	}
	scaler_free(&sc);
	float *col = malloc(size_mul(train_rows ? train_rows : 1, sizeof(float)));
	if (!col)
		return error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
	for (size_t f = m->metrics; f < m->features; f++) {
		feature_column(m, s, f, train_rows, col);
		float lo = col[0], hi = col[0];
		for (size_t r = 1; r < train_rows; r++) {
			lo = col[r] < lo ? col[r] : lo;
			hi = col[r] > hi ? col[r] : hi;
		}
		m->fmin[f] = lo;
		m->fmax[f] = hi;
	}
	free(col);
	for (size_t f = 0; f < m->features; f++)
		if (!isfinite(m->fmin[f]) || !isfinite(m->fmax[f]))
			return error_set(err, STATUS_RANGE,
					 s->path ? s->path : "", 0, 0,
					 "metric '%s' is not finite in the "
					 "train part",
					 m->names[f % m->metrics]);
	return STATUS_OK;
}

Status model_features(const LstmModel *m, const Series *s, size_t rows,
		      float **Z, ErrorRecord *err)
{
	size_t F = m->features;
	float *z = malloc(size_mul3(rows ? rows : 1, F, sizeof(float)));
	float *col = malloc(size_mul(rows ? rows : 1, sizeof(float)));
	if (!z || !col) {
		free(z);
		free(col);
		return error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
	}
	for (size_t f = 0; f < F; f++) {
		feature_column(m, s, f, rows, col);
		for (size_t r = 0; r < rows; r++)
			z[r * F + f] = model_scale(m, f, col[r]);
	}
	free(col);
	*Z = z;
	return STATUS_OK;
}

/* ---------------------------------------------------------- forecasting */

typedef struct {
	const LstmModel *m;
	const float *Z;
	size_t r0, r1;
	float *out;
	atomic_size_t *next; /* next chunk to take (shared) */
	int failed;
} ForecastJob;

static void *forecast_worker(void *arg)
{
	ForecastJob *j = arg;
	const LstmDims *d = &j->m->dims;
	size_t T = d->T, O = d->O;
	float *ws = malloc(size_mul(lstm_rows_ws_floats(d, FORECAST_CHUNK),
				    sizeof(float)));
	if (!ws) {
		j->failed = 1;
		return NULL;
	}
	lstm_rows_prepare(d, j->m->params, ws);
	size_t nchunks = (j->r1 - j->r0 + FORECAST_CHUNK - 1) / FORECAST_CHUNK;
	size_t c;
	while ((c = atomic_fetch_add(j->next, 1)) < nchunks) {
		size_t a = j->r0 + c * FORECAST_CHUNK;
		size_t n = j->r1 - a < FORECAST_CHUNK ? j->r1 - a
						       : FORECAST_CHUNK;
		/* target row a uses rows a-T .. a-1 */
		lstm_forward_rows(d, j->m->params, n,
				  j->Z + (a - T) * d->F, ws,
				  j->out + (a - j->r0) * O);
	}
	free(ws);
	return NULL;
}

Status model_forecast_scaled(const LstmModel *m, const float *Z, size_t r0,
			     size_t r1, float *out, ErrorRecord *err)
{
	if (r1 <= r0)
		return STATUS_OK;
	size_t nchunks = (r1 - r0 + FORECAST_CHUNK - 1) / FORECAST_CHUNK;
	size_t nt = m->cfg.threads > 0 ? (size_t)m->cfg.threads : 1;
	if (nt > nchunks)
		nt = nchunks;
	if (nt > MAX_THREADS)
		nt = MAX_THREADS;
	ForecastJob jobs[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	int started[MAX_THREADS] = {0};
	atomic_size_t next;
	atomic_init(&next, 0);
	for (size_t t = 0; t < nt; t++)
		jobs[t] = (ForecastJob){m, Z, r0, r1, out, &next, 0};
	for (size_t t = 1; t < nt; t++)
		started[t] = pthread_create(&th[t], NULL, forecast_worker,
					    &jobs[t]) == 0;
	forecast_worker(&jobs[0]);
	/* chunks are claimed one by one: a thread that did not start (or
	   starts late) leaves its share to the others */
	for (size_t t = 1; t < nt; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	for (size_t t = 0; t < nt; t++)
		if (jobs[t].failed)
			return error_set(err, STATUS_NOMEM, "", 0, 0,
					 "out of memory");
	return STATUS_OK;
}

static Status check_series(const LstmModel *m, const Series *s,
			   ErrorRecord *err)
{
	if (s->metrics != m->metrics)
		return error_set(err, STATUS_MISMATCH,
				 s->path ? s->path : "", 0, 0,
				 "the model forecasts %zu metrics, the data "
				 "has %zu",
				 m->metrics, s->metrics);
	return STATUS_OK;
}

Status lstm_forecast(const LstmModel *m, const Series *s, float *pred,
		     ErrorRecord *err)
{
	return model_forecast_until(m, s, NULL, pred, NULL, err);
}

Status model_forecast_until(const LstmModel *m, const Series *s,
			    const float *Z, float *pred,
			    const atomic_int *cancel, ErrorRecord *err)
{
	Status st = check_series(m, s, err);
	if (st)
		return st;
	size_t rows = s->rows, T = m->dims.T, O = m->metrics;
	/* rows without a full window; the others are written below (all of
	   them NaN again when the forecast fails) */
	for (size_t o = 0; o < O; o++)
		for (size_t r = 0; r < T && r < rows; r++)
			pred[o * rows + r] = NAN;
	if (rows <= T)
		return STATUS_OK;
	float *own = NULL;
	if (!Z) {
		st = model_features(m, s, rows, &own, err);
		if (st)
			goto failed;
		Z = own;
	}
	/* blocks of rows keep the scaled output small, and a cancel is
	   seen within one */
	const size_t blk = 8192;
	float *y = malloc(size_mul3(blk, O, sizeof(float)));
	if (!y) {
		free(own);
		st = error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
		goto failed;
	}
	for (size_t a = T; a < rows && !st; a += blk) {
		if (cancel && atomic_load(cancel)) {
			st = error_set(err, STATUS_CANCELLED, "", 0, 0,
				       "forecast cancelled");
			break;
		}
		size_t b = a + blk < rows ? a + blk : rows;
		st = model_forecast_scaled(m, Z, a, b, y, err);
		for (size_t r = a; r < b && !st; r++)
			for (size_t o = 0; o < O; o++)
				pred[o * rows + r] =
					model_unscale(m, o, y[(r - a) * O + o]);
	}
	free(y);
	free(own);
	if (!st)
		return STATUS_OK;
failed:
	for (size_t i = 0; i < O * rows; i++)
		pred[i] = NAN;
	return st;
}

/* ---------------------------------------------------------------- metrics */

void model_metrics_free(ModelMetrics *mm)
{
	ForecastStats *all[4] = {&mm->train, &mm->val, &mm->naive_train,
				 &mm->naive_val};
	for (int i = 0; i < 4; i++) {
		free(all[i]->per_metric);
		free(all[i]->per_metric_scaled);
		all[i]->per_metric = all[i]->per_metric_scaled = NULL;
	}
}

typedef struct {
	double *abs, *sq, *abs_s, *sq_s; /* per metric sums */
	size_t n;
} Acc;

static void stats_finish(const Acc *a, size_t M, ForecastStats *fs)
{
	double ta = 0, ts = 0, tas = 0, tss = 0;
	fs->windows = a->n;
	fs->metrics = M;
	double n = a->n ? (double)a->n : 1.0;
	for (size_t o = 0; o < M; o++) {
		ErrorStats *e = &fs->per_metric[o], *es = &fs->per_metric_scaled[o];
		e->mae = a->abs[o] / n;
		e->mse = a->sq[o] / n;
		e->rmse = sqrt(e->mse);
		es->mae = a->abs_s[o] / n;
		es->mse = a->sq_s[o] / n;
		es->rmse = sqrt(es->mse);
		ta += a->abs[o];
		ts += a->sq[o];
		tas += a->abs_s[o];
		tss += a->sq_s[o];
	}
	double nm = n * (double)(M ? M : 1);
	fs->overall = (ErrorStats){ta / nm, ts / nm, sqrt(ts / nm)};
	fs->overall_scaled = (ErrorStats){tas / nm, tss / nm, sqrt(tss / nm)};
}

static int stats_alloc(ForecastStats *fs, size_t M)
{
	fs->per_metric = calloc(M ? M : 1, sizeof(ErrorStats));
	fs->per_metric_scaled = calloc(M ? M : 1, sizeof(ErrorStats));
	return fs->per_metric && fs->per_metric_scaled;
}

/* lstm_eval, from pred (lstm_forecast's layout) when not NULL, else
 * forecasting the train part's windows here. */
static Status eval(const LstmModel *m, const Series *s, const float *pred,
		   ModelMetrics *out, ErrorRecord *err)
{
	memset(out, 0, sizeof(*out));
	Status st = check_series(m, s, err);
	if (st)
		return st;
	size_t n = model_train_rows(s), T = m->dims.T, M = m->metrics;
	size_t ntrain, nval;
	if (!model_split_windows(n, T, &ntrain, &nval))
		return error_set(err, STATUS_EMPTY, s->path ? s->path : "", 0,
				 0,
				 "the train part has %zu rows; at least %zu "
				 "are needed",
				 n, T + 2);
	ForecastStats *fs[4] = {&out->train, &out->val, &out->naive_train,
				&out->naive_val};
	for (int i = 0; i < 4; i++)
		if (!stats_alloc(fs[i], M)) {
			model_metrics_free(out);
			return error_set(err, STATUS_NOMEM, "", 0, 0,
					 "out of memory");
		}
	float *Z = NULL;
	st = model_features(m, s, n, &Z, err);
	if (st) {
		model_metrics_free(out);
		return st;
	}
	size_t nw = n - T;
	float *y = pred ? NULL : malloc(size_mul3(nw, M, sizeof(float)));
	double *sums = calloc(size_mul(16, M), sizeof(double));
	if ((!pred && !y) || !sums) {
		free(Z);
		free(y);
		free(sums);
		model_metrics_free(out);
		return error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
	}
	if (!pred)
		st = model_forecast_scaled(m, Z, T, n, y, err);
	if (!st) {
		Acc acc[4];
		for (int k = 0; k < 4; k++)
			acc[k] = (Acc){sums + (4 * k) * M, sums + (4 * k + 1) * M,
				       sums + (4 * k + 2) * M,
				       sums + (4 * k + 3) * M, 0};
		for (size_t r = T; r < n; r++) {
			int v = r >= T + ntrain;
			Acc *am = &acc[v], *an = &acc[2 + v];
			am->n++;
			an->n++;
			for (size_t o = 0; o < M; o++) {
				float ys = Z[r * m->features + o];
				/* the scaled error is the original one
				 * scaled: none for a metric constant in
				 * training, as in original units */
				float po = pred ? pred[o * s->rows + r]
						: model_unscale(
							  m, o,
							  y[(r - T) * M + o]);
				float ps = model_scale(m, o, po);
				float ns = Z[(r - 1) * m->features + o];
				float yo = series_at(s, o, r);
				float no = series_at(s, o, r - 1);
				double e = (double)po - yo, es = (double)ps - ys;
				am->abs[o] += fabs(e);
				am->sq[o] += e * e;
				am->abs_s[o] += fabs(es);
				am->sq_s[o] += es * es;
				e = (double)no - yo;
				es = (double)ns - ys;
				an->abs[o] += fabs(e);
				an->sq[o] += e * e;
				an->abs_s[o] += fabs(es);
				an->sq_s[o] += es * es;
			}
		}
		for (int k = 0; k < 4; k++)
			stats_finish(&acc[k], M, fs[k]);
	}
	free(Z);
	free(y);
	free(sums);
	if (st)
		model_metrics_free(out);
	return st;
}

Status lstm_eval(const LstmModel *m, const Series *s, ModelMetrics *out,
		 ErrorRecord *err)
{
	return eval(m, s, NULL, out, err);
}

Status lstm_eval_forecast(const LstmModel *m, const Series *s,
			  const float *pred, ModelMetrics *out,
			  ErrorRecord *err)
{
	return eval(m, s, pred, out, err);
}
