/* The adapting forecast of engine/adapt.h: block by block through the test
 * part, judge the rows seen so far with detect_run, fine-tune a copy of the
 * model on the recent windows judged normal (mixed with windows of the
 * train part), forecast the next block with it. */
#include "engine/adapt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/checked.h"
#include "data/clock.h"
#include "data/rng.h"
#include "engine/kernels.h"
#include "engine/model_impl.h"

/* Rows forecast per model_forecast_scaled call at most. */
#define ADAPT_CHUNK 8192

void adapt_config_defaults(AdaptConfig *c)
{
	c->every = 0;
	c->steps = 20;
	c->lr = 1e-4f;
	c->recent = 0;
	c->mix = 0.5;
	c->below = 1.0;
	c->head_only = 0;
}

Status adapt_check(const AdaptConfig *ac, const DetectConfig *dc,
		   ErrorRecord *err)
{
	if (ac->steps == 0 || !(ac->lr > 0) || !isfinite(ac->lr) ||
	    !(ac->mix >= 0 && ac->mix <= 1) || !(ac->below > 0))
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "adaptation options out of range: steps >= 1, "
				 "lr > 0, 0 <= mix <= 1, below > 0");
	if (dc->mode == THRESH_DYNAMIC)
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "adaptation judges rows by causal scores; "
				 "--mode dynamic looks ahead");
	return STATUS_OK;
}

Status adapt_check_batch(const AdaptConfig *ac, size_t batch,
			 ErrorRecord *err)
{
	if (!ac->every) {
		AdaptConfig d;
		adapt_config_defaults(&d);
		if (ac->steps != d.steps || ac->lr != d.lr ||
		    ac->recent != d.recent || ac->mix != d.mix ||
		    ac->below != d.below || ac->head_only != d.head_only)
			return error_set(
				err, STATUS_USAGE, "", 0, 0,
				"--adapt-steps, --adapt-lr, --adapt-recent, "
				"--adapt-mix, --adapt-below and --adapt-head "
				"apply only with --adapt N (it is off)");
		return STATUS_OK;
	}
	size_t recent = ac->recent ? ac->recent : ac->every;
	if (recent >= batch)
		return STATUS_OK;
	return error_set(err, STATUS_USAGE, "", 0, 0,
			 "%s %zu: an update takes a batch of %zu windows whose "
			 "targets lie in the last %zu rows, so none could ever "
			 "be made; give %s %zu or more",
			 ac->recent ? "--adapt-recent" : "--adapt", recent,
			 batch, recent,
			 ac->recent ? "--adapt-recent" : "--adapt (or --adapt-recent)",
			 batch);
}

/* The state of one adapting stream (AdaptStream of engine/adapt.h). */
typedef struct {
	LstmModel *m;        /* owned: the copy being fine-tuned */
	const Series *s;     /* borrowed, for one adapt_stream_forecast */
	const AdaptConfig *ac; /* borrowed from adapt_stream_new's caller */
	const float *Z;      /* borrowed: rows x F scaled features */
	size_t rows, split, T, F, O, P, B;
	float *grad, *am, *av; /* three arrays of P in one block (owned) */
	float *wt;           /* owned: transposed weights */
	float *X, *tgt, *Y, *dY, *ws; /* owned: one batch's scratch */
	size_t *cand;        /* owned: targets judged normal (rows) */
	size_t ncand;        /* cand's length */
	Rng rng;
	double b1t, b2t;     /* Adam's bias-correction powers */
} Stream;

struct AdaptStream {
	Stream st;
	AdaptConfig ac;      /* a copy: st.ac points here */
	size_t bound;        /* the next update's row (0: not placed yet) */
	size_t done;         /* rows forecast so far */
	size_t updates, skipped;
};

/* pred rows [a, b) (column-major, rows long) := m's forecast from Z. */
static Status forecast_block(const Stream *st, size_t a, size_t b, float *y,
			     float *pred, ErrorRecord *err)
{
	for (size_t c = a; c < b; c += ADAPT_CHUNK) {
		size_t e = c + ADAPT_CHUNK < b ? c + ADAPT_CHUNK : b;
		Status r = model_forecast_scaled(st->m, st->Z, c, e, y, err);
		if (r)
			return r;
		for (size_t t = c; t < e; t++)
			for (size_t o = 0; o < st->O; o++)
				pred[o * st->rows + t] = model_unscale(
					st->m, o, y[(t - c) * st->O + o]);
	}
	return STATUS_OK;
}

/* One Adam step on a batch: window i's target row is tg[i]. */
static void adapt_step(Stream *st, const size_t *tg)
{
	const LstmDims *d = &st->m->dims;
	size_t T = st->T, F = st->F, O = st->O, B = st->B, P = st->P;
	/* X: T x B x F, window b is rows tg[b] - T .. tg[b] - 1 */
	for (size_t t = 0; t < T; t++)
		for (size_t b = 0; b < B; b++)
			memcpy(st->X + (t * B + b) * F,
			       st->Z + (tg[b] - T + t) * F, F * sizeof(float));
	for (size_t b = 0; b < B; b++)
		for (size_t o = 0; o < O; o++)
			st->tgt[b * O + o] = st->Z[tg[b] * F + o];
	float *p = st->m->params;
	lstm_forward(d, p, B, st->X, st->ws, st->Y);
	float k = 2.0f / (float)(B * O);
	for (size_t i = 0; i < B * O; i++)
		st->dY[i] = k * (st->Y[i] - st->tgt[i]);
	memset(st->grad, 0, P * sizeof(float));
	lstm_transpose_weights(d, p, st->wt);
	lstm_backward(d, p, st->wt, B, st->X, st->ws, st->dY, st->grad);
	if (st->ac->head_only) {
		/* the LSTM layers come first in the block: no gradient, so
		   Adam's moments stay 0 and they do not move */
		LstmLayout lay;
		lstm_layout(d, &lay);
		memset(st->grad, 0, lay.Wd * sizeof(float));
	}
	float gs = 1.0f;
	float clip = st->m->cfg.clip;
	if (clip > 0) {
		double nrm = sqrt(kern_sumsq(st->grad, P));
		if (nrm > clip)
			gs = (float)(clip / nrm);
	}
	const double b1 = 0.9, b2 = 0.999;
	st->b1t *= b1;
	st->b2t *= b2;
	double step = st->ac->lr * sqrt(1 - st->b2t) / (1 - st->b1t);
	kern_adam(P, p, st->grad, st->am, st->av, gs, (float)b1, (float)b2,
		  (float)step, 1e-7f);
}

/* The update at row b: ns holds the node scores of rows < b. Returns 1
 * when it was made, 0 when too few windows were judged normal. */
static int adapt_update(Stream *st, size_t b, const float *ns)
{
	size_t T = st->T, recent = st->ac->recent ? st->ac->recent
						  : st->ac->every;
	size_t lo = b > recent + T ? b - recent : T;
	/* targets r in [lo, b) whose rows r - T .. r are all below `below` */
	size_t nc = 0, bad_until = 0; /* rows < bad_until hold a bad one */
	float below = (float)st->ac->below;
	for (size_t r = lo - T; r < b; r++) {
		if (!(ns[r] < below))
			bad_until = r + T + 1;
		if (r >= lo && r >= bad_until)
			st->cand[nc++] = r;
	}
	if (nc < st->B)
		return 0;
	/* train-part targets: [T, split) */
	size_t ntrain = st->split > T ? st->split - T : 0;
	size_t tg[256];
	for (size_t k = 0; k < st->ac->steps; k++) {
		for (size_t i = 0; i < st->B; i++) {
			double u = rng_uniform(&st->rng);
			if (ntrain && u < st->ac->mix)
				tg[i] = T + (size_t)rng_below(&st->rng, ntrain);
			else
				tg[i] = st->cand[rng_below(&st->rng, nc)];
		}
		adapt_step(st, tg);
	}
	return 1;
}

static void stream_free(Stream *st)
{
	lstm_model_delete(st->m);
	free(st->grad);
	free(st->wt);
	free(st->X);
	free(st->cand);
}

void adapt_stream_delete(AdaptStream *a)
{
	if (!a)
		return;
	stream_free(&a->st);
	free(a);
}

Status adapt_stream_new(AdaptStream **out, const LstmModel *m,
			const AdaptConfig *ac, const DetectConfig *dc,
			ErrorRecord *err)
{
	*out = NULL;
	Status rc = adapt_check(ac, dc, err);
	if (rc)
		return rc;
	if (m->cfg.batch > 256)
		return error_set(err, STATUS_RANGE, "", 0, 0,
				 "adaptation takes batches of at most 256 "
				 "windows, the model's are %zu",
				 m->cfg.batch);
	if ((rc = adapt_check_batch(ac, m->cfg.batch, err)))
		return rc;
	AdaptStream *a = calloc(1, sizeof(*a));
	if (!a)
		return error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
	a->ac = *ac;
	Stream *st = &a->st;
	st->ac = &a->ac;
	st->T = m->dims.T;
	st->F = m->dims.F;
	st->O = m->dims.O;
	st->P = m->nparams;
	st->B = m->cfg.batch;
	st->b1t = st->b2t = 1;
	rc = model_clone(m, &st->m, err);
	if (rc) {
		free(a);
		return rc;
	}
	const LstmDims *d = &st->m->dims;
	size_t T = st->T, B = st->B, P = st->P, O = st->O;
	st->grad = malloc(size_mul3(3, P, sizeof(float)));
	st->wt = malloc(size_mul(lstm_wt_floats(d), sizeof(float)));
	size_t scratch = size_add(size_add(size_mul3(T, B, st->F),
					   size_mul3(3, B, O)),
				  lstm_ws_floats(d, B));
	st->X = malloc(size_mul(scratch, sizeof(float)));
	if (!st->grad || !st->wt || !st->X) {
		adapt_stream_delete(a);
		return error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
	}
	st->am = st->grad + P;
	st->av = st->grad + 2 * P;
	memset(st->am, 0, size_mul3(2, P, sizeof(float)));
	st->tgt = st->X + T * B * st->F;
	st->Y = st->tgt + B * O;
	st->dY = st->Y + B * O;
	st->ws = st->dY + B * O;
	rng_seed(&st->rng, st->m->cfg.seed ^ 0x61646170745f7631ULL);
	*out = a;
	return STATUS_OK;
}

Status adapt_stream_forecast(AdaptStream *a, const Series *s,
			     const DetectConfig *dc, float *pred,
			     AdaptProgressFn fn, void *ctx,
			     AdaptProgress *pr, ErrorRecord *err)
{
	Stream *st = &a->st;
	double t0 = clock_mono_seconds();
	if (s->metrics != st->m->metrics)
		return error_set(err, STATUS_MISMATCH, s->path ? s->path : "", 0,
				 0, "the model forecasts %zu metrics, the data "
				 "has %zu",
				 st->m->metrics, s->metrics);
	size_t rows = s->rows, T = st->T, O = st->O;
	size_t from = a->done < rows ? a->done : rows;
	st->s = s;
	st->rows = rows;
	st->split = model_train_rows(s);
	/* the rows not forecast yet are NaN: a judgement reads rows before
	   the update's row only, and detect_run gives them the same scores
	   whatever comes after (causal) */
	for (size_t o = 0; o < O; o++)
		for (size_t t = from; t < rows; t++)
			pred[o * rows + t] = NAN;
	AdaptProgress p = {0};
	p.rows = rows > st->split ? rows - st->split : 0;
	p.updates = a->updates;
	p.skipped = a->skipped;
	if (rows <= T) {
		a->done = rows;
		goto finish;
	}
	size_t first = st->split > T ? st->split : T;
	size_t every = a->ac.every ? a->ac.every : rows;
	if (!a->bound)
		a->bound = first + every;
	float *Z = NULL, *y = NULL, *ns = NULL;
	DetectResult dr;
	detect_result_init(&dr);
	Status rc = model_features(st->m, s, rows, &Z, err);
	if (rc)
		return rc;
	st->Z = Z;
	if (st->ncand < rows) {
		size_t *c = realloc(st->cand, size_mul(rows, sizeof(size_t)));
		if (c) {
			st->cand = c;
			st->ncand = rows;
		}
	}
	y = malloc(size_mul3(ADAPT_CHUNK, O, sizeof(float)));
	ns = malloc(size_mul(rows, sizeof(float)));
	if (st->ncand < rows || !y || !ns) {
		rc = error_set(err, STATUS_NOMEM, "", 0, 0, "out of memory");
		goto out;
	}
	size_t r = from > T ? from : T;
	while (!rc && r < rows) {
		if (r >= a->bound) {
			/* judge rows < bound: the forecast holds them all */
			rc = detect_run(s, pred, dc, &dr, err);
			if (!rc)
				rc = detect_node_scores(&dr, ns, err);
			if (rc)
				break;
			if (adapt_update(st, a->bound, ns))
				a->updates++;
			else
				a->skipped++;
			a->bound += every;
			continue;
		}
		size_t e = a->bound < rows ? a->bound : rows;
		rc = forecast_block(st, r, e, y, pred, err);
		r = e;
		p.rows_done = r > st->split ? r - st->split : 0;
		p.updates = a->updates;
		p.skipped = a->skipped;
		p.elapsed = clock_mono_seconds() - t0;
		if (fn && !rc && r < rows)
			fn(&p, ctx);
	}
out:
	free(Z);
	free(y);
	free(ns);
	st->Z = NULL;
	detect_result_free(&dr);
	if (rc) {
		for (size_t o = 0; o < O; o++)
			for (size_t t = from; t < rows; t++)
				pred[o * rows + t] = NAN;
		return rc;
	}
	a->done = rows;
finish:
	p.done = 1;
	p.rows_done = p.rows;
	p.updates = a->updates;
	p.skipped = a->skipped;
	p.elapsed = clock_mono_seconds() - t0;
	if (fn)
		fn(&p, ctx);
	if (pr)
		*pr = p;
	return STATUS_OK;
}

void adapt_stream_drop(AdaptStream *a, size_t n)
{
	a->done = a->done > n ? a->done - n : 0;
	if (a->bound)
		a->bound = a->bound > n ? a->bound - n : 0;
}

Status adapt_forecast(const LstmModel *m, const Series *s,
		      const AdaptConfig *ac, const DetectConfig *dc,
		      AdaptProgressFn fn, void *ctx, float *pred,
		      AdaptProgress *last, ErrorRecord *err)
{
	AdaptStream *a;
	Status rc = STATUS_OK;
	if (s->metrics != m->metrics)
		rc = error_set(err, STATUS_MISMATCH, s->path ? s->path : "", 0,
			       0, "the model forecasts %zu metrics, the data "
			       "has %zu",
			       m->metrics, s->metrics);
	if (!rc)
		rc = adapt_stream_new(&a, m, ac, dc, err);
	if (!rc) {
		rc = adapt_stream_forecast(a, s, dc, pred, fn, ctx, last, err);
		adapt_stream_delete(a);
	}
	if (rc)
		for (size_t i = 0; i < m->dims.O * s->rows; i++)
			pred[i] = NAN;
	return rc;
}
