/* Provisional detections while training (engine/preview.h): the trainer
 * offers each finished epoch's weights but never the last epoch's; the
 * preview runner turns them into forecasts and detection runs in order of
 * epoch; taking snapshots changes nothing in the trained model; a preview
 * can be cancelled; a preview's run is the one detect_run gives on its
 * forecast; a preview that borrows an earlier one's features gives what
 * one that builds its own gives, and features of another series are not
 * borrowed. Threads: run under the sanitizers by make check. */
#include "tests/testutil.h"

#include <math.h>
#include <time.h>

#include "data/synth.h"
#include "engine/detect.h"
#include "engine/model.h"
#include "engine/preview.h"

static void demo_series(Series *s, size_t points)
{
	SynthOptions so;
	synth_defaults(&so);
	so.points = points;
	ErrorRecord err;
	series_init(s);
	assert_int_equal(synth_generate(&so, s, NULL, NULL, &err), STATUS_OK);
}

static void small_config(LstmConfig *c)
{
	lstm_config_defaults(c);
	c->hidden = 8;
	c->look_back = 5;
	c->epochs = 6;
	c->patience = 0;
}

static void nap(void)
{
	struct timespec ts = {0, 2000000};
	nanosleep(&ts, NULL);
}

/* One poll of the runner: 1 with a preview in *pred and *dr (the caller
 * frees them), its epoch in *ep; 0 with nothing to free. */
static int poll_preview(PreviewRunner *r, Trainer *t, float **pred,
			DetectResult *dr, size_t *ep, ErrorRecord *err)
{
	*pred = NULL;
	*ep = 0;
	detect_result_init(dr);
	Status st;
	if (!preview_runner_poll(r, t, pred, dr, ep, &st, err))
		return 0;
	assert_int_equal(st, STATUS_OK);
	return 1;
}

static void test_previews_in_epoch_order(void **state)
{
	(void)state;
	Series s;
	demo_series(&s, 3000);
	LstmConfig cfg;
	small_config(&cfg);
	DetectConfig dc;
	detect_config_defaults(&dc);
	ErrorRecord err;
	Trainer *t = NULL;
	assert_int_equal(trainer_start(&t, &s, &cfg, &err), STATUS_OK);
	PreviewRunner r;
	preview_runner_init(&r, &s, &dc, 1.0);
	size_t last = 0, got = 0;
	TrainProgress pr;
	do {
		nap();
		trainer_progress(t, &pr);
		float *pred;
		DetectResult dr;
		size_t ep;
		if (poll_preview(&r, t, &pred, &dr, &ep, &err)) {
			assert_true(ep > last);
			assert_true(ep < cfg.epochs);
			last = ep;
			got++;
			/* a forecast of every row after the first window */
			for (size_t m = 0; m < s.metrics; m++) {
				assert_true(isnan(pred[m * s.rows]));
				assert_true(isfinite(pred[m * s.rows + s.rows - 1]));
			}
			for (size_t m = 0; m < s.metrics; m++)
				for (size_t i = cfg.look_back; i < s.rows; i++)
					assert_true(isfinite(pred[m * s.rows + i]));
			assert_int_equal(dr.rows, s.rows);
			assert_non_null(dr.score);
			/* the run is the one detect_run gives on its
			   forecast */
			DetectResult fresh;
			detect_result_init(&fresh);
			assert_int_equal(detect_run(&s, pred, &dc, &fresh, &err),
					 STATUS_OK);
			size_t n = s.rows * s.metrics * sizeof(float);
			assert_memory_equal(dr.score, fresh.score, n);
			assert_memory_equal(dr.surprise, fresh.surprise, n);
			assert_int_equal(dr.n_node, fresh.n_node);
			detect_result_free(&fresh);
			free(pred);
			detect_result_free(&dr);
		}
		/* after the last epoch: until the pending snapshot (if any)
		 * has been previewed */
	} while (!pr.done || r.pv);
	preview_runner_stop(&r);
	LstmModel *m = NULL;
	assert_int_equal(trainer_join(t, &m, &err), STATUS_OK);
	assert_true(got >= 1);
	assert_int_equal(r.n, got);
	lstm_model_delete(m);
	series_free(&s);
}

/* The rule's inputs: a Trainer counts its threads while it trains and not
 * after; training on every core leaves none idle, so a runner keeps to
 * its duty then (no preview starts on an idle core before the training
 * ends); a runner told to throttle never starts one on an idle core. */
static void test_busy_cores_keep_the_throttle(void **state)
{
	(void)state;
	Series s;
	demo_series(&s, 3000);
	LstmConfig cfg;
	small_config(&cfg);
	int cores = preview_cores();
	assert_true(cores >= 1);
	if (cores > 64)
		skip();
	/* one shard of 16 windows a thread: a batch wide enough for all */
	cfg.threads = cores;
	cfg.batch = (size_t)cores * 16;
	cfg.epochs = 8;
	DetectConfig dc;
	detect_config_defaults(&dc);
	ErrorRecord err;
	assert_int_equal(trainer_busy_threads(), 0);
	Trainer *t = NULL;
	assert_int_equal(trainer_start(&t, &s, &cfg, &err), STATUS_OK);
	PreviewRunner r;
	preview_runner_init(&r, &s, &dc, 0.5);
	TrainProgress pr;
	do {
		nap();
		/* counted before looking at the progress: the Trainer stops
		   counting its threads only after it says it is done */
		int busy = trainer_busy_threads(), idle = preview_core_idle();
		trainer_progress(t, &pr);
		if (!pr.done) {
			assert_int_equal(busy, cores);
			assert_false(idle);
		}
		float *pred;
		DetectResult dr;
		size_t ep, before = r.idle_starts;
		if (poll_preview(&r, t, &pred, &dr, &ep, &err)) {
			free(pred);
			detect_result_free(&dr);
		}
		/* a preview on an idle core only once the training has
		   ended (its threads stop counting after it says done) */
		if (r.idle_starts > before) {
			TrainProgress now;
			trainer_progress(t, &now);
			assert_true(now.done);
		}
	} while (!pr.done);
	preview_runner_stop(&r);
	LstmModel *m = NULL;
	assert_int_equal(trainer_join(t, &m, &err), STATUS_OK);
	lstm_model_delete(m);
	assert_int_equal(trainer_busy_threads(), 0);

	/* one thread: the runner held to its duty starts nothing early */
	cfg.threads = 1;
	cfg.batch = 32;
	assert_int_equal(trainer_start(&t, &s, &cfg, &err), STATUS_OK);
	assert_int_equal(trainer_busy_threads(), 1);
	preview_runner_init(&r, &s, &dc, 0.5);
	r.throttle = 1;
	do {
		nap();
		trainer_progress(t, &pr);
		float *pred;
		DetectResult dr;
		size_t ep;
		if (poll_preview(&r, t, &pred, &dr, &ep, &err)) {
			free(pred);
			detect_result_free(&dr);
		}
	} while (!pr.done);
	preview_runner_stop(&r);
	assert_int_equal(trainer_join(t, &m, &err), STATUS_OK);
	lstm_model_delete(m);
	assert_int_equal(r.idle_starts, 0);
	assert_int_equal(trainer_busy_threads(), 0);
	series_free(&s);
}

/* The same seed gives the same model whether or not the snapshots are
 * taken and forecast meanwhile. */
static void test_snapshots_leave_training_alone(void **state)
{
	(void)state;
	Series s;
	demo_series(&s, 1200);
	LstmConfig cfg;
	small_config(&cfg);
	ErrorRecord err;
	LstmModel *plain = NULL, *watched = NULL;
	assert_int_equal(lstm_train(&s, &cfg, NULL, NULL, &plain, &err),
			 STATUS_OK);
	Trainer *t = NULL;
	assert_int_equal(trainer_start(&t, &s, &cfg, &err), STATUS_OK);
	TrainProgress pr;
	size_t taken = 0;
	do {
		nap();
		trainer_progress(t, &pr);
		LstmModel *snap = NULL;
		size_t ep = 0;
		if (trainer_snapshot(t, &snap, &ep)) {
			float *pred = malloc(s.rows * s.metrics * sizeof(float));
			assert_non_null(pred);
			assert_int_equal(lstm_forecast(snap, &s, pred, &err),
					 STATUS_OK);
			free(pred);
			lstm_model_delete(snap);
			taken++;
		}
	} while (!pr.done);
	assert_int_equal(trainer_join(t, &watched, &err), STATUS_OK);
	float *a = malloc(s.rows * s.metrics * sizeof(float));
	float *b = malloc(s.rows * s.metrics * sizeof(float));
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(lstm_forecast(plain, &s, a, &err), STATUS_OK);
	assert_int_equal(lstm_forecast(watched, &s, b, &err), STATUS_OK);
	assert_memory_equal(a, b, s.rows * s.metrics * sizeof(float));
	free(a);
	free(b);
	lstm_model_delete(plain);
	lstm_model_delete(watched);
	series_free(&s);
}

/* A preview asked to stop comes back cancelled (or finished, when it was
 * quicker than the request), and owns nothing after the join. */
static void test_preview_cancel(void **state)
{
	(void)state;
	Series s;
	demo_series(&s, 60000);
	LstmConfig cfg;
	small_config(&cfg);
	cfg.epochs = 1;
	ErrorRecord err;
	LstmModel *m = NULL;
	cfg.max_train_rows = 500;
	assert_int_equal(lstm_train(&s, &cfg, NULL, NULL, &m, &err),
			 STATUS_OK);
	DetectConfig dc;
	detect_config_defaults(&dc);
	Preview *p = NULL;
	assert_int_equal(preview_start(&p, &s, m, &dc, &err), STATUS_OK);
	preview_cancel(p);
	float *pred = NULL;
	DetectResult dr;
	detect_result_init(&dr);
	Status st = preview_join(p, &pred, &dr, NULL, &err);
	assert_true(st == STATUS_CANCELLED || st == STATUS_OK);
	if (st == STATUS_CANCELLED)
		assert_null(pred);
	free(pred);
	detect_result_free(&dr);
	series_free(&s);
}

/* Wait for p, take the features it built (into *feat, or dropped when
 * feat is NULL), join it: its forecast, and its run in dr. */
static float *finish(Preview *p, DetectResult *dr, PreviewFeatures **feat)
{
	while (!preview_done(p))
		nap();
	PreviewFeatures *f = preview_take_features(p);
	if (feat)
		*feat = f;
	else
		preview_features_delete(f);
	float *pred = NULL;
	ErrorRecord err;
	detect_result_init(dr);
	assert_int_equal(preview_join(p, &pred, dr, NULL, &err), STATUS_OK);
	return pred;
}

static LstmModel *train_epochs(const Series *s, size_t epochs)
{
	LstmConfig cfg;
	small_config(&cfg);
	cfg.epochs = epochs;
	ErrorRecord err;
	LstmModel *m = NULL;
	assert_int_equal(lstm_train(s, &cfg, NULL, NULL, &m, &err),
			 STATUS_OK);
	return m;
}

static void test_borrowed_features(void **state)
{
	(void)state;
	Series s, s2;
	demo_series(&s, 3000);
	demo_series(&s2, 2500);
	DetectConfig dc;
	detect_config_defaults(&dc);
	ErrorRecord err;
	/* the first preview builds the features */
	Preview *p = NULL;
	assert_int_equal(preview_start_from(&p, &s, train_epochs(&s, 1), NULL,
					    &dc, &err),
			 STATUS_OK);
	PreviewFeatures *f = NULL;
	DetectResult a, b, c;
	free(finish(p, &a, &f));
	detect_result_free(&a);
	assert_non_null(f);
	/* other weights, the same scaler: borrowed, and the same run as a
	 * preview that builds its own and as lstm_forecast */
	assert_int_equal(preview_start_from(&p, &s, train_epochs(&s, 2), f,
					    &dc, &err),
			 STATUS_OK);
	PreviewFeatures *none = NULL;
	float *pa = finish(p, &a, &none);
	assert_null(none);
	assert_int_equal(preview_start(&p, &s, train_epochs(&s, 2), &dc, &err),
			 STATUS_OK);
	float *pb = finish(p, &b, NULL);
	size_t cells = s.rows * s.metrics;
	assert_memory_equal(pa, pb, cells * sizeof(float));
	assert_memory_equal(a.score, b.score, cells * sizeof(float));
	assert_int_equal(a.n_node, b.n_node);
	LstmModel *m2 = train_epochs(&s, 2);
	float *pc = malloc(cells * sizeof(float));
	assert_non_null(pc);
	assert_int_equal(lstm_forecast(m2, &s, pc, &err), STATUS_OK);
	assert_memory_equal(pa, pc, cells * sizeof(float));
	/* another series: its own features, its own forecast */
	LstmModel *m3 = train_epochs(&s2, 2);
	float *p3 = malloc(s2.rows * s2.metrics * sizeof(float));
	assert_non_null(p3);
	assert_int_equal(lstm_forecast(m3, &s2, p3, &err), STATUS_OK);
	assert_int_equal(preview_start_from(&p, &s2, m3, f, &dc, &err),
			 STATUS_OK);
	PreviewFeatures *f3 = NULL;
	float *pd = finish(p, &c, &f3);
	assert_non_null(f3);
	assert_memory_equal(pd, p3, s2.rows * s2.metrics * sizeof(float));
	preview_features_delete(f);
	preview_features_delete(f3);
	free(pa);
	free(pb);
	free(pc);
	free(pd);
	free(p3);
	detect_result_free(&a);
	detect_result_free(&b);
	detect_result_free(&c);
	lstm_model_delete(m2);
	series_free(&s);
	series_free(&s2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_previews_in_epoch_order),
		cmocka_unit_test(test_snapshots_leave_training_alone),
		cmocka_unit_test(test_preview_cancel),
		cmocka_unit_test(test_borrowed_features),
		cmocka_unit_test(test_busy_cores_keep_the_throttle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
