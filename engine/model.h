/* The forecasting model's public face: configuration, training with
 * progress, forecasting, model files and the model cache.
 *
 * CONTRACT for the other modules (detect, ui): these declarations are
 * stable; the engine may add to them but not change them. The model forecasts
 * the next value of every metric of a Series from the previous look_back rows
 * of all input features. Scaling (min-max fitted on the train part) is inside
 * the model: callers pass and receive values in the series' original units. */
#ifndef VIGIL_MODEL_H
#define VIGIL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "data/series.h"
#include "data/status.h"

typedef struct {
	size_t look_back;      /* window length, default 10 */
	size_t hidden;         /* LSTM units, default 50 */
	size_t layers;         /* 1 or 2, default 1 */
	size_t batch;          /* default 32 */
	size_t epochs;         /* maximum, default 50 */
	size_t patience;       /* early stopping, default 5 */
	float lr;              /* Adam learning rate, default 1e-3 */
	float clip;            /* global-norm clipping, default 1.0 (0 = off) */
	uint64_t seed;         /* default 1 */
	size_t rolling;        /* > 0: add rolling mean/std features of this
				  window; default 0 (off) */
	int threads;           /* worker threads for the kernels, default 1 */
	size_t max_train_rows; /* > 0: train on at most this many windows
				  (the last ones of the train part); 0 = all */
	const char *cache_dir; /* borrowed, may be NULL: the model cache's
				  folder (--cache-dir); NULL = the user's
				  cache folder. Not a hyperparameter: it
				  changes neither the weights nor the cache
				  key, and no model file stores it */
} LstmConfig;

/* Progress published by training (copied out under a lock). */
typedef struct {
	size_t epoch;      /* 1-based epoch in progress */
	size_t epochs;     /* maximum epochs */
	size_t batch;      /* batches done in this epoch */
	size_t batches;    /* batches per epoch */
	double train_loss; /* mean MSE (scaled units) of the epoch so far
			      (the whole epoch when batch == batches) */
	double val_loss;   /* validation MSE of the last epoch */
	double best_val;   /* best validation MSE so far */
	double elapsed;    /* seconds since training started */
	double eta;        /* estimated seconds left (upper bound) */
	int done;          /* 1 when training has finished */
} TrainProgress;

typedef void (*TrainProgressFn)(const TrainProgress *p, void *ctx);

typedef struct LstmModel LstmModel;
typedef struct Trainer Trainer;

void lstm_config_defaults(LstmConfig *c);
/* Check cfg's values against the engine's bounds (hidden 1..4096, ...);
 * names the first bad one (STATUS_RANGE). */
Status model_check_config(const LstmConfig *cfg, ErrorRecord *err);

/* Train synchronously on s's train part; fn (may be NULL) is called after
 * every batch from the calling thread. The call for an epoch's last batch
 * comes after that epoch's validation: batch == batches means val_loss is
 * the epoch's own. */
Status lstm_train(const Series *s, const LstmConfig *cfg, TrainProgressFn fn,
		  void *ctx, LstmModel **out, ErrorRecord *err);

/* Train in a worker thread; the caller polls trainer_progress() and
 * collects the model with trainer_join(). s must outlive the trainer. */
Status trainer_start(Trainer **t, const Series *s, const LstmConfig *cfg,
		     ErrorRecord *err);
void trainer_progress(Trainer *t, TrainProgress *out);
/* The weights of the latest finished epoch that was not taken yet, as a
 * model of its own (for provisional detections while training goes on):
 * 1 with *out owning it and *epoch its 1-based epoch, or 0 (*out NULL).
 * The last epoch is never offered: trainer_join gives the final model. */
int trainer_snapshot(Trainer *t, LstmModel **out, size_t *epoch);
void trainer_cancel(Trainer *t);
/* The threads the Trainers of this process train with right now: each
 * counts its threads (cfg->threads, at most one per shard of 16 windows of
 * a batch) from trainer_start until it reports done (for the previews'
 * rule, engine/preview.h). */
int trainer_busy_threads(void);
/* Wait for the worker; on success *out owns the model. Frees t. */
Status trainer_join(Trainer *t, LstmModel **out, ErrorRecord *err);

/* Forecast every row of s: pred is s->metrics x s->rows, column-major, in
 * original units; rows r < look_back (no full window) are NaN. */
Status lstm_forecast(const LstmModel *m, const Series *s, float *pred,
		     ErrorRecord *err);

/* The configuration the model was trained with. */
const LstmConfig *lstm_model_config(const LstmModel *m);
/* The threads its forecasts use (1..64; others are ignored). A model file
 * does not store them: a loaded model has 1 until told. */
void lstm_model_set_threads(LstmModel *m, int threads);

void lstm_model_delete(LstmModel *m);

/* Model files (DESIGN section 3), written atomically. model_load refuses a
 * truncated, corrupted, other-version file, and (when s != NULL) one trained
 * on other metrics or whose look_back leaves fewer than two rows of s's
 * train part forecast, each with its own message. */
Status model_save(const LstmModel *m, const char *path, ErrorRecord *err);
Status model_load(LstmModel **out, const char *path, const Series *s,
		  ErrorRecord *err);

/* Which data a model was trained on, as a model file records it (format
 * version 2): a hash of the train part's values (its rows and metrics)
 * and the dataset's name (the SMD machine, or the file's name without its
 * folder). model_origin_of gives them for s; model_origin gives the
 * model's and returns 0 when it does not know (a version 1 file). */
void model_origin_of(const Series *s, uint64_t *hash, char *name, size_t n);
int model_origin(const LstmModel *m, uint64_t *hash, const char **name);

/* Where the cached model for (s, cfg) lives: in cfg->cache_dir when set,
 * else under $XDG_CACHE_HOME/vigil (fallback ~/.cache/vigil), never beside
 * the dataset; the folder is created. The file is named after the dataset
 * and a hash of its train part and of the options (engine/modelcache.h). */
Status model_cache_path(const Series *s, const LstmConfig *cfg, char *buf,
			size_t n, ErrorRecord *err);

/* Load the cached model for (s, cfg), or train one (reporting through fn)
 * and cache it (model_cache_save). *from_cache (may be NULL) says which
 * happened. A model trained but not cached is still STATUS_OK; err then
 * says why it was not cached (its message is left as it was otherwise). */
Status model_obtain(const Series *s, const LstmConfig *cfg, TrainProgressFn fn,
		    void *ctx, LstmModel **out, int *from_cache,
		    ErrorRecord *err);

/* ---- additions (engine helper): forecast metrics and model facts ---- */

/* Forecast errors over a set of windows. */
typedef struct {
	double mae, mse, rmse;
} ErrorStats;

typedef struct {
	size_t windows;                /* windows evaluated */
	size_t metrics;
	ErrorStats *per_metric;        /* owned: metrics, original units */
	ErrorStats *per_metric_scaled; /* owned: metrics, min-max units */
	ErrorStats overall;            /* over every metric and window */
	ErrorStats overall_scaled;
} ForecastStats;

/* The model's forecast errors on its train and validation windows (the
 * validation part is the last 20% of the train part's windows, as in
 * training), and those of the naive last-value forecast (y_t = y_{t-1}) on
 * the same windows. */
typedef struct {
	ForecastStats train, val;
	ForecastStats naive_train, naive_val;
} ModelMetrics;

/* Evaluate m on s (which must have the model's metrics). Free the result
 * with model_metrics_free(). */
Status lstm_eval(const LstmModel *m, const Series *s, ModelMetrics *out,
		 ErrorRecord *err);
/* The same from pred, m's forecast of every row of s (lstm_forecast's
 * layout), instead of forecasting the train part again. */
Status lstm_eval_forecast(const LstmModel *m, const Series *s,
			  const float *pred, ModelMetrics *out,
			  ErrorRecord *err);
void model_metrics_free(ModelMetrics *mm);

typedef struct {
	size_t metrics;      /* forecast outputs */
	size_t features;     /* inputs per step (metrics, + 2 x metrics with
				rolling features) */
	size_t params;       /* trainable parameters */
	size_t epochs_run;   /* epochs trained (early stopping may cut) */
	size_t best_epoch;   /* 1-based epoch whose weights were kept */
	double best_val;     /* its validation MSE (scaled units) */
	double train_seconds; /* wall time of training (0 for a loaded model) */
} LstmModelInfo;

void lstm_model_info(const LstmModel *m, LstmModelInfo *out);

/* The cached model file for (s, cfg), when it exists: 1 and its path in
 * buf (and the entry counts as used now for `vigil cache --clean
 * --older-than`), or 0. */
int model_cache_find(const Series *s, const LstmConfig *cfg, char *buf,
		     size_t n);

/* Save m as the cached model of s at path (from model_cache_path), with a
 * note beside it that names the dataset for `vigil cache`. */
Status model_cache_save(const LstmModel *m, const Series *s, const char *path,
			ErrorRecord *err);

/* Metric name i of the model (i < metrics). */
const char *lstm_model_metric(const LstmModel *m, size_t i);

#endif
