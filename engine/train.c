/* Training: mini-batch Adam on windows of the train part, global-norm
 * clipping, early stopping on the validation windows (the last 20%,
 * chronological) with the best weights restored; and the Trainer, which
 * runs it in a worker thread and publishes progress under a lock.
 *
 * A batch is cut into shards of SHARD windows; each shard's forward and
 * backward pass writes its own gradient block, and the blocks are summed
 * in shard order. Worker threads take shards, so the thread count changes
 * the speed but not a single bit of the result. */
#include "engine/model_impl.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/checked.h"
#include "data/clock.h"
#include "data/rng.h"
#include "engine/kernels.h"

#define SHARD 16
#define MAX_THREADS 64
#define SPIN_LIMIT 2000
#define SPIN_SECONDS 0.0005

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* ------------------------------------------------------------ thread pool */

/* Workers wait for a new generation number, then call fn(arg, gen). A
 * worker that the OS schedules late may see a later generation than the
 * one it was woken for, or none it can help with; fn must check (batch_job
 * does, through the generation stamped on its shard counter). */
typedef struct Pool {
	pthread_t th[MAX_THREADS];
	int n; /* workers besides the calling thread */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_uint gen;
	atomic_int quit;
	void (*fn)(void *arg, unsigned gen, int tid);
	void *arg;
	struct PoolWorker {
		struct Pool *pool;
		int tid;
	} w[MAX_THREADS];
} Pool;

static void *pool_main(void *arg)
{
	struct PoolWorker *w = arg;
	Pool *p = w->pool;
	unsigned seen = 0;
	for (;;) {
		unsigned g;
		unsigned spins = 0;
		double t0 = clock_mono_seconds();
		while ((g = atomic_load(&p->gen)) == seen) {
			/* between batches the wait is short: spin for up to
			   SPIN_SECONDS, then sleep (validation, the end) */
			if ((++spins & 63) || clock_mono_seconds() - t0 < SPIN_SECONDS) {
				/* a thread of ours waiting for this core goes
				   first */
				if (spins & 63)
					cpu_relax();
				else
					sched_yield();
				continue;
			}
			pthread_mutex_lock(&p->mu);
			while ((g = atomic_load(&p->gen)) == seen)
				pthread_cond_wait(&p->cv, &p->mu);
			pthread_mutex_unlock(&p->mu);
			break;
		}
		seen = g;
		if (atomic_load(&p->quit))
			return NULL;
		p->fn(p->arg, g, w->tid);
	}
}

/* Start nthreads - 1 workers (fewer if creation fails) running fn. */
static void pool_start(Pool *p, int nthreads,
		       void (*fn)(void *, unsigned, int), void *arg)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	atomic_init(&p->gen, 0);
	atomic_init(&p->quit, 0);
	p->fn = fn;
	p->arg = arg;
	for (int i = 1; i < nthreads && i < MAX_THREADS; i++) {
		p->w[p->n] = (struct PoolWorker){p, p->n + 1};
		if (pthread_create(&p->th[p->n], NULL, pool_main, &p->w[p->n]))
			break;
		p->n++;
	}
}

static void pool_wake(Pool *p)
{
	pthread_mutex_lock(&p->mu);
	atomic_fetch_add(&p->gen, 1);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* The generation the next pool_run will start. */
static unsigned pool_next_gen(Pool *p)
{
	return atomic_load(&p->gen) + 1;
}

/* Wake the workers for the next generation and run fn on the caller too. */
static void pool_run(Pool *p)
{
	unsigned g = pool_next_gen(p);
	if (p->n)
		pool_wake(p);
	p->fn(p->arg, g, 0);
}

static void pool_stop(Pool *p)
{
	atomic_store(&p->quit, 1);
	if (p->n)
		pool_wake(p);
	for (int i = 0; i < p->n; i++)
		pthread_join(p->th[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
}

/* ---------------------------------------------------------------- batches */

typedef struct {
	size_t B;          /* windows in this shard for the current batch */
	const size_t *idx; /* first rows of its windows (borrowed) */
	float *g;          /* gradient block of this shard (nparams) */
	double sse;        /* sum of squared errors */
} Shard;

/* Scratch of one thread, reused for every shard it takes. */
typedef struct {
	float *X;            /* T x SHARD x F */
	float *tgt, *Y, *dY; /* SHARD x O each */
	float *ws;           /* lstm_ws_floats(d, SHARD) */
} ThreadWs;

typedef struct {
	const LstmModel *m;
	const float *Z;  /* rows x F scaled features */
	const float *wt; /* transposed weights */
	Shard *sh;
	ThreadWs *tw;    /* one per thread */
	size_t nsh;      /* shards in the current batch */
	size_t batch_n;  /* windows in the current batch */
	/* (generation << 16) | next shard to take: a worker woken for an
	   older batch sees another generation and leaves */
	atomic_uint_fast64_t claim;
	atomic_size_t done; /* shards finished */
} BatchCtx;

static void shard_run(const BatchCtx *c, Shard *s, ThreadWs *w)
{
	const LstmDims *d = &c->m->dims;
	size_t T = d->T, F = d->F, O = d->O, B = s->B;
	for (size_t t = 0; t < T; t++)
		for (size_t b = 0; b < B; b++)
			memcpy(w->X + (t * B + b) * F,
			       c->Z + (s->idx[b] + t) * F, F * sizeof(float));
	for (size_t b = 0; b < B; b++)
		for (size_t o = 0; o < O; o++)
			w->tgt[b * O + o] = c->Z[(s->idx[b] + T) * F + o];
	lstm_forward(d, c->m->params, B, w->X, w->ws, w->Y);
	double sse = 0;
	float k = 2.0f / (float)(c->batch_n * O);
	for (size_t i = 0; i < B * O; i++) {
		float e = w->Y[i] - w->tgt[i];
		sse += (double)e * e;
		w->dY[i] = k * e;
	}
	s->sse = sse;
	memset(s->g, 0, c->m->nparams * sizeof(float));
	lstm_backward(d, c->m->params, c->wt, B, w->X, w->ws, w->dY, s->g);
}

/* Every thread takes the next shard until none is left, so a thread
 * that the OS does not schedule holds up at most one shard. */
static void batch_job(void *arg, unsigned gen, int tid)
{
	BatchCtx *c = arg;
	for (;;) {
		uint_fast64_t cl = atomic_load(&c->claim);
		if ((unsigned)(cl >> 16) != gen || (cl & 0xffff) >= c->nsh)
			return;
		if (!atomic_compare_exchange_weak(&c->claim, &cl, cl + 1))
			continue;
		shard_run(c, &c->sh[cl & 0xffff], &c->tw[tid]);
		atomic_fetch_add(&c->done, 1);
	}
}

/* ---------------------------------------------------------------- training */

typedef struct {
	TrainProgressFn fn;
	void *ctx;
	const atomic_int *cancel;
	/* may be NULL: called after each epoch's validation with the model
	   holding that epoch's weights (for provisional detections) */
	void (*epoch_fn)(const LstmModel *m, size_t epoch, void *ctx);
} Reporter;

static Status train_core(const Series *s, const LstmConfig *cfg,
			 const Reporter *rep, LstmModel **out,
			 ErrorRecord *err)
{
	*out = NULL;
	double t_start = clock_mono_seconds();
	Status st = model_check_config(cfg, err);
	if (st)
		return st;
	if (!s || s->rows == 0 || s->metrics == 0 || !s->values)
		return error_set(err, STATUS_EMPTY, s && s->path ? s->path : "",
				 0, 0, "no data to train on");
	size_t n = model_train_rows(s), T = cfg->look_back;
	size_t ntrain, nval;
	if (!model_split_windows(n, T, &ntrain, &nval))
		return error_set(err, STATUS_EMPTY, s->path ? s->path : "", 0,
				 0,
				 "the train part has %zu rows; training with "
				 "look_back %zu needs at least %zu",
				 n, T, T + 2);
	/* a metric missing from the whole train part was back-filled there
	   from its first test value: a model would learn that copy, and every
	   move of the metric in the test part would look like an anomaly */
	size_t um = series_untrained_metric(s, 0);
	if (um < s->metrics)
		return error_set(err, STATUS_EMPTY, s->path ? s->path : "", 0,
				 0,
				 "metric '%s' has no value in the train part "
				 "(rows 0-%zu are all missing; its first value "
				 "is in row %zu): a model cannot learn it; move "
				 "the split so that the train part holds some "
				 "of its values, or leave the column out",
				 s->names ? s->names[um] : "?", n - 1,
				 s->first_value[um]);
	size_t w0 = 0;
	if (cfg->max_train_rows && ntrain > cfg->max_train_rows)
		w0 = ntrain - cfg->max_train_rows;
	size_t nwin = ntrain - w0;

	LstmModel *m = NULL;
	st = model_new(&m, cfg, s->metrics, s->names, err);
	if (st)
		return st;
	st = model_fit_scaler(m, s, n, err);
	model_origin_of(s, &m->origin_hash, m->origin_name,
			sizeof(m->origin_name));
	m->has_origin = 1;
	float *Z = NULL;
	if (!st)
		st = model_features(m, s, n, &Z, err);
	if (st) {
		lstm_model_delete(m);
		return st;
	}
	const LstmDims *d = &m->dims;
	size_t P = m->nparams, O = d->O;
	size_t nsh_max = (cfg->batch + SHARD - 1) / SHARD;
	int nthreads = cfg->threads < (int)nsh_max ? cfg->threads
						   : (int)nsh_max;

	/* One block, carved into five arrays of P floats: the parameters,
	   the gradient, Adam's m and v, and the best weights so far. The
	   model owns it from here on (shrunk to the parameters at the end). */
	float *blk = calloc(size_mul(5, P), sizeof(float));
	if (blk) {
		free(m->params);
		m->params = blk;
	}
	float *wt = malloc(size_mul(lstm_wt_floats(d), sizeof(float)));
	size_t *order = malloc(size_mul(nwin, sizeof(size_t)));
	Shard *sh = calloc(nsh_max, sizeof(Shard));
	ThreadWs *tw = calloc((size_t)nthreads, sizeof(ThreadWs));
	float *vpred = malloc(size_mul3(nval, O, sizeof(float)));
	size_t ws_n = lstm_ws_floats(d, SHARD);
	size_t per_thread = size_add(size_add(size_mul3(d->T, SHARD, d->F),
					     size_mul(3 * SHARD, O)),
				    ws_n);
	float *twmem =
		malloc(size_mul3((size_t)nthreads, per_thread, sizeof(float)));
	float *gmem = malloc(size_mul3(nsh_max > 1 ? nsh_max - 1 : 1, P,
				       sizeof(float)));
	if (!blk || !wt || !order || !sh || !tw || !vpred || !twmem || !gmem) {
		st = error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
		goto done;
	}
	struct {
		float *param, *grad, *m, *v, *best;
	} pb = {blk, blk + P, blk + 2 * P, blk + 3 * P, blk + 4 * P};
	float *grad = pb.grad, *am = pb.m, *av = pb.v, *best = pb.best;
	/* shard 0 writes the batch's gradient itself; the others are added
	   to it in shard order */
	sh[0].g = grad;
	for (size_t i = 1; i < nsh_max; i++)
		sh[i].g = gmem + (i - 1) * P;
	for (int i = 0; i < nthreads; i++) {
		float *q = twmem + (size_t)i * per_thread;
		tw[i].X = q;
		q += d->T * SHARD * d->F;
		tw[i].tgt = q;
		q += SHARD * O;
		tw[i].Y = q;
		q += SHARD * O;
		tw[i].dY = q;
		q += SHARD * O;
		tw[i].ws = q;
	}

	Rng rng;
	rng_seed(&rng, cfg->seed);
	lstm_init_params(d, pb.param, &rng);
	memcpy(best, m->params, P * sizeof(float));
	for (size_t i = 0; i < nwin; i++)
		order[i] = w0 + i;

	BatchCtx bc = {.m = m, .Z = Z, .wt = wt, .sh = sh, .tw = tw};
	Pool pool;
	pool_start(&pool, nthreads, batch_job, &bc);

	size_t batches = (nwin + cfg->batch - 1) / cfg->batch;
	TrainProgress pr = {.epochs = cfg->epochs, .batches = batches,
			    .train_loss = NAN, .val_loss = NAN,
			    .best_val = INFINITY};
	const double b1 = 0.9, b2 = 0.999;
	double b1t = 1, b2t = 1;
	size_t wait = 0, done_batches = 0;
	m->best_val = INFINITY;
	m->best_epoch = 0;
	for (size_t ep = 1; ep <= cfg->epochs && !st; ep++) {
		/* Fisher-Yates shuffle of the training windows */
		for (size_t i = nwin; i > 1; i--) {
			size_t j = (size_t)rng_below(&rng, i);
			size_t tmp = order[i - 1];
			order[i - 1] = order[j];
			order[j] = tmp;
		}
		pr.epoch = ep;
		double sse = 0;
		size_t seen = 0;
		for (size_t bi = 0; bi < batches; bi++) {
			if (rep->cancel && atomic_load(rep->cancel)) {
				st = error_set(err, STATUS_CANCELLED, "", 0, 0,
					       "training cancelled");
				break;
			}
			size_t a = bi * cfg->batch;
			size_t bn = nwin - a < cfg->batch ? nwin - a : cfg->batch;
			bc.batch_n = bn;
			bc.nsh = (bn + SHARD - 1) / SHARD;
			for (size_t i = 0; i < bc.nsh; i++) {
				sh[i].idx = order + a + i * SHARD;
				sh[i].B = bn - i * SHARD < SHARD
						  ? bn - i * SHARD
						  : SHARD;
			}
			lstm_transpose_weights(d, m->params, wt);
			atomic_store(&bc.done, 0);
			atomic_store(&bc.claim,
				     (uint_fast64_t)pool_next_gen(&pool) << 16);
			pool_run(&pool);
			/* wait for shards other threads still work on */
			for (int spins = 0; atomic_load(&bc.done) < bc.nsh;)
				if (++spins < SPIN_LIMIT)
					cpu_relax();
				else
					sched_yield();
			/* sum the shards' gradients in shard order */
			double bsse = sh[0].sse;
			for (size_t i = 1; i < bc.nsh; i++) {
				const float *gi = sh[i].g;
				for (size_t k = 0; k < P; k++)
					grad[k] += gi[k];
				bsse += sh[i].sse;
			}
			if (!isfinite(bsse)) {
				st = error_set(err, STATUS_RANGE, "", 0, 0,
					       "training diverged (loss is "
					       "not finite) in epoch %zu",
					       ep);
				break;
			}
			float gs = 1.0f;
			if (cfg->clip > 0) {
				double nrm = sqrt(kern_sumsq(grad, P));
				if (nrm > cfg->clip)
					gs = (float)(cfg->clip / nrm);
			}
			b1t *= b1;
			b2t *= b2;
			double step = cfg->lr * sqrt(1 - b2t) / (1 - b1t);
			kern_adam(P, m->params, grad, am, av, gs, (float)b1,
				  (float)b2, (float)step, 1e-7f);
			sse += bsse;
			seen += bn;
			done_batches++;
			pr.batch = bi + 1;
			pr.train_loss = sse / (double)(seen * O);
			pr.elapsed = clock_mono_seconds() - t_start;
			pr.eta = pr.elapsed / (double)done_batches *
				 (double)(cfg->epochs * batches - done_batches);
			/* the last batch is reported after validation */
			if (rep->fn && pr.batch < batches)
				rep->fn(&pr, rep->ctx);
		}
		if (st)
			break;
		/* validation */
		st = model_forecast_scaled(m, Z, T + ntrain, n, vpred, err);
		if (st)
			break;
		double vs = 0;
		for (size_t r = 0; r < nval; r++)
			for (size_t o = 0; o < O; o++) {
				double e = (double)vpred[r * O + o] -
					   Z[(T + ntrain + r) * d->F + o];
				vs += e * e;
			}
		pr.val_loss = vs / (double)(nval * O);
		m->epochs_run = ep;
		if (pr.val_loss < m->best_val) {
			m->best_val = pr.val_loss;
			m->best_epoch = ep;
			memcpy(best, m->params, P * sizeof(float));
			wait = 0;
		} else {
			wait++;
		}
		pr.best_val = m->best_val;
		pr.elapsed = clock_mono_seconds() - t_start;
		int stop = cfg->patience > 0 && wait >= cfg->patience;
		if (stop || ep == cfg->epochs) {
			pr.done = 1;
			pr.eta = 0;
		}
		if (rep->epoch_fn && !pr.done)
			rep->epoch_fn(m, ep, rep->ctx);
		if (rep->fn)
			rep->fn(&pr, rep->ctx);
		if (stop)
			break;
	}
	pool_stop(&pool);
	if (!st) {
		memcpy(pb.param, best, P * sizeof(float));
		float *shrunk = realloc(m->params, P * sizeof(float));
		if (shrunk)
			m->params = shrunk;
	}

done:
	free(wt);
	free(order);
	free(sh);
	free(tw);
	free(vpred);
	free(twmem);
	free(gmem);
	free(Z);
	if (st) {
		lstm_model_delete(m);
		return st;
	}
	m->train_seconds = clock_mono_seconds() - t_start;
	*out = m;
	return STATUS_OK;
}

Status lstm_train(const Series *s, const LstmConfig *cfg, TrainProgressFn fn,
		  void *ctx, LstmModel **out, ErrorRecord *err)
{
	Reporter rep = {fn, ctx, NULL, NULL};
	return train_core(s, cfg, &rep, out, err);
}

/* ---------------------------------------------------------------- Trainer */

struct Trainer {
	pthread_t th;
	pthread_mutex_t mu;
	TrainProgress pr;  /* guarded by mu */
	LstmModel *snap;   /* guarded by mu, owned: the last epoch's weights
			      not yet taken by trainer_snapshot */
	size_t snap_epoch; /* guarded by mu: its epoch */
	atomic_int cancel;
	const Series *s;   /* borrowed */
	LstmConfig cfg;
	Status st;
	LstmModel *model;  /* owned until joined */
	ErrorRecord err;
	int busy;          /* threads it counts in g_busy_threads */
};

/* Threads of the Trainers training now (trainer_busy_threads). */
static atomic_int g_busy_threads;

int trainer_busy_threads(void)
{
	return atomic_load(&g_busy_threads);
}

static void trainer_report(const TrainProgress *p, void *ctx)
{
	Trainer *t = ctx;
	pthread_mutex_lock(&t->mu);
	t->pr = *p;
	pthread_mutex_unlock(&t->mu);
}

/* After an epoch: a copy of its weights replaces the one not yet taken
 * (copied outside the lock; a copy that fails to allocate is skipped). */
static void trainer_epoch(const LstmModel *m, size_t epoch, void *ctx)
{
	Trainer *t = ctx;
	LstmModel *c = NULL;
	if (model_clone(m, &c, NULL) != STATUS_OK)
		return;
	pthread_mutex_lock(&t->mu);
	LstmModel *old = t->snap;
	t->snap = c;
	t->snap_epoch = epoch;
	pthread_mutex_unlock(&t->mu);
	lstm_model_delete(old);
}

static void *trainer_main(void *arg)
{
	Trainer *t = arg;
	Reporter rep = {trainer_report, t, &t->cancel, trainer_epoch};
	error_clear(&t->err);
	t->st = train_core(t->s, &t->cfg, &rep, &t->model, &t->err);
	pthread_mutex_lock(&t->mu);
	t->pr.done = 1;
	pthread_mutex_unlock(&t->mu);
	/* after done: a caller that saw the training not done and then
	   counted the threads counted these */
	atomic_fetch_sub(&g_busy_threads, t->busy);
	return NULL;
}

Status trainer_start(Trainer **out, const Series *s, const LstmConfig *cfg,
		     ErrorRecord *err)
{
	*out = NULL;
	Status st = model_check_config(cfg, err);
	if (st)
		return st;
	Trainer *t = calloc(1, sizeof(*t));
	if (!t)
		return error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
	pthread_mutex_init(&t->mu, NULL);
	atomic_init(&t->cancel, 0);
	t->s = s;
	t->cfg = *cfg;
	t->pr.epochs = cfg->epochs;
	t->pr.train_loss = t->pr.val_loss = NAN;
	t->pr.best_val = INFINITY;
	/* train_core runs at most one thread a shard of a batch */
	size_t shards = (cfg->batch + SHARD - 1) / SHARD;
	t->busy = (size_t)cfg->threads < shards ? cfg->threads : (int)shards;
	atomic_fetch_add(&g_busy_threads, t->busy);
	if (pthread_create(&t->th, NULL, trainer_main, t)) {
		atomic_fetch_sub(&g_busy_threads, t->busy);
		pthread_mutex_destroy(&t->mu);
		free(t);
		return error_set(err, STATUS_INTERNAL, "", 0, 0,
				 "cannot start the training thread");
	}
	*out = t;
	return STATUS_OK;
}

void trainer_progress(Trainer *t, TrainProgress *out)
{
	pthread_mutex_lock(&t->mu);
	*out = t->pr;
	pthread_mutex_unlock(&t->mu);
}

int trainer_snapshot(Trainer *t, LstmModel **out, size_t *epoch)
{
	pthread_mutex_lock(&t->mu);
	*out = t->snap;
	*epoch = t->snap_epoch;
	t->snap = NULL;
	pthread_mutex_unlock(&t->mu);
	return *out != NULL;
}

void trainer_cancel(Trainer *t)
{
	atomic_store(&t->cancel, 1);
}

Status trainer_join(Trainer *t, LstmModel **out, ErrorRecord *err)
{
	*out = NULL;
	pthread_join(t->th, NULL);
	lstm_model_delete(t->snap);
	Status st = t->st;
	if (st) {
		if (err)
			*err = t->err;
		lstm_model_delete(t->model);
	} else {
		*out = t->model;
	}
	pthread_mutex_destroy(&t->mu);
	free(t);
	return st;
}
