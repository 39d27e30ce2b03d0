/* Provisional detections while a model trains: the forecast of a series
 * with one epoch's weights (trainer_snapshot) and the detection run on it,
 * in a worker thread of their own, so that neither the UI nor the trainer
 * waits for them.
 *
 * The forecast covers every row, not only the test part: the scores of the
 * test part depend on the train part's errors (the calibrated mode's
 * history, the seed and sigma fits), so provisional scores are computed
 * exactly as the final model's are, by detect_run. */
#ifndef VIGIL_PREVIEW_H
#define VIGIL_PREVIEW_H

#include "data/series.h"
#include "data/status.h"
#include "engine/detect.h"
#include "engine/model.h"

typedef struct Preview Preview;

/* The scaled features of every row of a series (the model's input), as a
 * preview builds them. The scaler is fitted once per training, so every
 * epoch's weights read the same features: the previews of one training
 * build them once and lend them to the next ones. */
typedef struct PreviewFeatures PreviewFeatures;

/* What a preview cost, wall time in seconds. */
typedef struct {
	double forecast; /* lstm_forecast's share */
	double detect;   /* detect_run's share */
} PreviewTimes;

/* Start forecasting s with m (taken over, deleted when the worker ends) and
 * detecting with dc. s and dc are borrowed: s must not change and both
 * must outlive the preview. */
Status preview_start(Preview **out, const Series *s, LstmModel *m,
		     const DetectConfig *dc, ErrorRecord *err);

/* preview_start that borrows feat (may be NULL; it must outlive the
 * preview): when they are the features of s under m's scaler, they are
 * not built again. Either way the forecast is the same. */
Status preview_start_from(Preview **out, const Series *s, LstmModel *m,
			  const PreviewFeatures *feat, const DetectConfig *dc,
			  ErrorRecord *err);

/* The features a finished preview built (preview_done), for the next
 * previews: owned by the caller (preview_features_delete), or NULL when it
 * borrowed them or failed before. Call before preview_join. */
PreviewFeatures *preview_take_features(Preview *p);

void preview_features_delete(PreviewFeatures *f);

/* 1 when the worker has finished (preview_join will not wait). */
int preview_done(Preview *p);

/* Ask the worker to stop at the next block of rows. */
void preview_cancel(Preview *p);

/* Wait for the worker and free p. On success *pred (metrics x rows,
 * lstm_forecast's layout) is owned by the caller and dr (initialised; its
 * previous contents are freed) holds the detection run; times (may be
 * NULL) gets the costs. A cancelled preview returns STATUS_CANCELLED. */
Status preview_join(Preview *p, float **pred, DetectResult *dr,
		    PreviewTimes *times, ErrorRecord *err);

/* The policy the dashboard follows while a Trainer runs: after each epoch
 * a preview of its weights, one at a time; epochs that finish meanwhile
 * are skipped for the latest. When a core is idle (preview_core_idle: the
 * Trainers and previews of this process, and the machine's other work,
 * leave one of its cores free, as one dashboard training with one thread
 * on two otherwise quiet cores does), the next
 * preview starts as soon as the last one ends and a new epoch is there: it
 * runs on the idle core and does not slow training. When every core is
 * busy (the machines view trains one machine per core), the preview thread
 * is kept busy at most `duty` of the wall time (after a preview that took
 * c seconds, the next starts no sooner than c / duty - c later), so that
 * training is not slowed much. The first preview starts at once. */
typedef struct {
	const Series *s;        /* borrowed */
	const DetectConfig *dc; /* borrowed */
	double duty;            /* 0 < duty <= 1 */
	int throttle;           /* 1: keep to duty even on an idle core */
	Preview *pv;            /* owned, may be NULL: the one at work */
	PreviewFeatures *feat;  /* owned, may be NULL: the features the
				   first preview built, lent to the next */
	size_t epoch;           /* its epoch */
	double started;         /* monotonic seconds: when it started */
	double next;            /* no throttled preview starts before this */
	/* figures */
	size_t n;               /* previews finished */
	size_t idle_starts;     /* previews started on an idle core */
	size_t first_epoch;     /* epochs of the first and the last */
	size_t last_epoch;      /* finished previews */
	double forecast, detect; /* their total costs, seconds */
	double busy;            /* their total wall time, seconds */
} PreviewRunner;

#define PREVIEW_DUTY 0.25

void preview_runner_init(PreviewRunner *r, const Series *s,
			 const DetectConfig *dc, double duty);

/* The cores this process may run on: its affinity mask, else the cores
 * online. */
int preview_cores(void);

/* 1 when a core is idle for a preview: the threads of this process's
 * Trainers (trainer_busy_threads) and running previews leave at least one
 * of preview_cores() free, and so do the threads runnable on the whole
 * machine at this instant (Linux's /proc/loadavg; the caller not counted),
 * so that another process's work is not slowed either. */
int preview_core_idle(void);

/* Collect a finished preview and start the next when one is due. Returns
 * 1 when a preview finished: on success its forecast in *pred (owned by
 * the caller), its run in dr (previous contents freed) and its epoch in
 * *epoch; a failed one returns 1 with STATUS_* in *st and err filled. 0:
 * nothing new. */
int preview_runner_poll(PreviewRunner *r, Trainer *t, float **pred,
			DetectResult *dr, size_t *epoch, Status *st,
			ErrorRecord *err);

/* Cancel and wait for the preview at work, dropping its results, and free
 * the features kept. */
void preview_runner_stop(PreviewRunner *r);

#endif
