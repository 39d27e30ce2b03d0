/* The provisional-detection worker of engine/preview.h: one thread that
 * forecasts a series block by block (model_forecast_until, so that a
 * cancel is seen within a block) and runs the detection on the forecast.
 * The scaled features it forecasts from are built by the first preview of
 * a training and borrowed by the next ones (PreviewFeatures), checked
 * against each model's scaler. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "engine/preview.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "data/bigalloc.h"
#include "data/checked.h"
#include "data/clock.h"
#include "engine/model_impl.h"

/* Threads of the previews at work in this process (their forecasts run
 * with their model's threads). */
static atomic_int g_preview_threads;

struct PreviewFeatures {
	const Series *s;     /* borrowed: the series they are of */
	size_t rows, F;
	float *Z;            /* owned: rows x F, model_features */
	float *fmin, *fmax;  /* owned: F each, the scaler they were made with */
};

struct Preview {
	pthread_t th;
	const Series *s;        /* borrowed */
	const DetectConfig *dc; /* borrowed */
	LstmModel *m;           /* owned */
	const PreviewFeatures *feat; /* borrowed, may be NULL */
	PreviewFeatures *made;  /* owned until taken or joined */
	atomic_int cancel;
	atomic_int done;
	Status st;
	ErrorRecord err;
	float *pred;            /* owned until joined */
	DetectResult dr;        /* owned until joined */
	PreviewTimes times;
	int threads;            /* counted in g_preview_threads */
};

void preview_features_delete(PreviewFeatures *f)
{
	if (!f)
		return;
	free(f->Z);
	free(f->fmin);
	free(f->fmax);
	free(f);
}

/* 1 when f holds the features of s under m's scaler. */
static int features_fit(const PreviewFeatures *f, const LstmModel *m,
			const Series *s)
{
	size_t F = m->features;
	return f && f->s == s && f->rows == s->rows && f->F == F &&
	       !memcmp(f->fmin, m->fmin, F * sizeof(float)) &&
	       !memcmp(f->fmax, m->fmax, F * sizeof(float));
}

static Status features_new(PreviewFeatures **out, const LstmModel *m,
			   const Series *s, ErrorRecord *err)
{
	size_t F = m->features;
	PreviewFeatures *f = calloc(1, sizeof(*f));
	if (f) {
		f->fmin = malloc(F * sizeof(float));
		f->fmax = malloc(F * sizeof(float));
	}
	if (!f || !f->fmin || !f->fmax) {
		preview_features_delete(f);
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "out of memory for a provisional forecast");
	}
	Status st = model_features(m, s, s->rows, &f->Z, err);
	if (st) {
		preview_features_delete(f);
		return st;
	}
	f->s = s;
	f->rows = s->rows;
	f->F = F;
	memcpy(f->fmin, m->fmin, F * sizeof(float));
	memcpy(f->fmax, m->fmax, F * sizeof(float));
	*out = f;
	return STATUS_OK;
}

static void *preview_main(void *arg)
{
	Preview *p = arg;
	double t0 = clock_mono_seconds();
	const PreviewFeatures *f = p->feat;
	Status st = STATUS_OK;
	if (!features_fit(f, p->m, p->s)) {
		st = features_new(&p->made, p->m, p->s, &p->err);
		f = p->made;
	}
	if (!st)
		st = model_forecast_until(p->m, p->s, f->Z, p->pred,
					  &p->cancel, &p->err);
	double t1 = clock_mono_seconds();
	p->times.forecast = t1 - t0;
	if (!st && atomic_load(&p->cancel))
		st = error_set(&p->err, STATUS_CANCELLED, "", 0, 0,
			       "preview cancelled");
	if (!st) {
		st = detect_run(p->s, p->pred, p->dc, &p->dr, &p->err);
		p->times.detect = clock_mono_seconds() - t1;
	}
	p->st = st;
	atomic_fetch_sub(&g_preview_threads, p->threads);
	lstm_model_delete(p->m);
	p->m = NULL;
	atomic_store(&p->done, 1);
	return NULL;
}

Status preview_start(Preview **out, const Series *s, LstmModel *m,
		     const DetectConfig *dc, ErrorRecord *err)
{
	return preview_start_from(out, s, m, NULL, dc, err);
}

Status preview_start_from(Preview **out, const Series *s, LstmModel *m,
			  const PreviewFeatures *feat, const DetectConfig *dc,
			  ErrorRecord *err)
{
	*out = NULL;
	Preview *p = calloc(1, sizeof(*p));
	size_t cells = s->rows && s->metrics <= SIZE_MAX / sizeof(float) / s->rows
			       ? s->rows * s->metrics
			       : 0;
	if (p && cells)
		p->pred = big_alloc(cells * sizeof(float));
	if (!p || !p->pred) {
		free(p);
		lstm_model_delete(m);
		return error_set(err, STATUS_NOMEM, "", 0, 0,
				 "out of memory for a provisional forecast");
	}
	p->s = s;
	p->dc = dc;
	p->m = m;
	p->feat = feat;
	atomic_init(&p->cancel, 0);
	atomic_init(&p->done, 0);
	error_clear(&p->err);
	detect_result_init(&p->dr);
	p->threads = m->cfg.threads > 0 ? m->cfg.threads : 1;
	atomic_fetch_add(&g_preview_threads, p->threads);
	if (pthread_create(&p->th, NULL, preview_main, p)) {
		atomic_fetch_sub(&g_preview_threads, p->threads);
		free(p->pred);
		free(p);
		lstm_model_delete(m);
		return error_set(err, STATUS_INTERNAL, "", 0, 0,
				 "cannot start the provisional forecast");
	}
	*out = p;
	return STATUS_OK;
}

PreviewFeatures *preview_take_features(Preview *p)
{
	if (!atomic_load(&p->done))
		return NULL;
	PreviewFeatures *f = p->made;
	p->made = NULL;
	return f;
}

int preview_done(Preview *p)
{
	return atomic_load(&p->done);
}

void preview_cancel(Preview *p)
{
	atomic_store(&p->cancel, 1);
}

Status preview_join(Preview *p, float **pred, DetectResult *dr,
		    PreviewTimes *times, ErrorRecord *err)
{
	*pred = NULL;
	pthread_join(p->th, NULL);
	preview_features_delete(p->made);
	Status st = p->st;
	if (times)
		*times = p->times;
	if (st) {
		if (err)
			*err = p->err;
		free(p->pred);
		detect_result_free(&p->dr);
	} else {
		*pred = p->pred;
		detect_result_free(dr);
		*dr = p->dr;
	}
	free(p);
	return st;
}

/* ---------------------------------------------------------------- runner */

int preview_cores(void)
{
	long cores = 0;
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		cores = CPU_COUNT(&set);
	if (cores <= 0)
		cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores > 0 ? (int)cores : 1;
}

/* Threads runnable on the whole machine at this instant, the caller
 * included (Linux: /proc/loadavg's fourth field), or -1. */
static int machine_running(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	if (!f)
		return -1;
	int run = -1;
	if (fscanf(f, "%*f %*f %*f %d/", &run) != 1)
		run = -1;
	fclose(f);
	return run;
}

int preview_core_idle(void)
{
	int cores = preview_cores();
	int ours = trainer_busy_threads() + atomic_load(&g_preview_threads);
	if (ours >= cores)
		return 0;
	/* other processes count too: on a shared machine the core our
	   threads leave may be someone else's */
	int run = machine_running();
	return run < 0 || run - 1 < cores;
}

void preview_runner_init(PreviewRunner *r, const Series *s,
			 const DetectConfig *dc, double duty)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->dc = dc;
	r->duty = duty > 0 && duty <= 1 ? duty : PREVIEW_DUTY;
}

int preview_runner_poll(PreviewRunner *r, Trainer *t, float **pred,
			DetectResult *dr, size_t *epoch, Status *st,
			ErrorRecord *err)
{
	int got = 0;
	*pred = NULL;
	*st = STATUS_OK;
	double now = clock_mono_seconds();
	if (r->pv && preview_done(r->pv)) {
		PreviewTimes tm = {0, 0};
		PreviewFeatures *f = preview_take_features(r->pv);
		if (f) {
			preview_features_delete(r->feat);
			r->feat = f;
		}
		*st = preview_join(r->pv, pred, dr, &tm, err);
		r->pv = NULL;
		double cost = now - r->started;
		r->n++;
		if (*st == STATUS_OK) {
			if (!r->first_epoch)
				r->first_epoch = r->epoch;
			r->last_epoch = r->epoch;
		}
		r->forecast += tm.forecast;
		r->detect += tm.detect;
		r->busy += cost;
		r->next = now + cost / r->duty - cost;
		*epoch = r->epoch;
		got = 1;
	}
	LstmModel *m = NULL;
	size_t ep = 0;
	int idle = 0;
	if (!r->pv && (now >= r->next || (idle = !r->throttle &&
						      preview_core_idle())) &&
	    trainer_snapshot(t, &m, &ep) &&
	    preview_start_from(&r->pv, r->s, m, r->feat, r->dc, NULL) ==
		    STATUS_OK) {
		r->epoch = ep;
		r->started = now;
		r->idle_starts += idle && now < r->next;
	}
	return got;
}

void preview_runner_stop(PreviewRunner *r)
{
	if (r->pv) {
		float *pred = NULL;
		DetectResult dr;
		detect_result_init(&dr);
		preview_cancel(r->pv);
		(void)preview_join(r->pv, &pred, &dr, NULL, NULL);
		r->pv = NULL;
		free(pred);
		detect_result_free(&dr);
	}
	/* after the join: the preview may have borrowed them */
	preview_features_delete(r->feat);
	r->feat = NULL;
}
