/* Training on learnable series: the model beats the naive last-value
 * forecast, forecasts line up with the rows, the worker-thread API reports
 * progress and can be cancelled, and the thread count does not change the
 * result. */
#include "tests/testutil.h"

#include <math.h>
#include <time.h>

#include "engine/model.h"
#include "tests/engine_testutil.h"

static void small_config(LstmConfig *c)
{
	lstm_config_defaults(c);
	c->hidden = 16;
	c->epochs = tu_sanitized() ? 12 : 30;
	c->lr = 3e-3f;
	c->seed = 3;
}

static void test_sine_beats_naive_forecast(void **state)
{
	(void)state;
	Series s;
	size_t rows = tu_sanitized() ? 1000 : 1400;
	et_sine_series(&s, rows, 2, rows * 3 / 4, 0.3, 11);
	LstmConfig c;
	small_config(&c);
	LstmModel *m = NULL;
	ErrorRecord err;
	assert_int_equal(lstm_train(&s, &c, NULL, NULL, &m, &err), STATUS_OK);
	ModelMetrics mm;
	assert_int_equal(lstm_eval(m, &s, &mm, &err), STATUS_OK);
	print_message("val RMSE %.4f (naive %.4f), train RMSE %.4f (naive "
		      "%.4f)\n",
		      mm.val.overall.rmse, mm.naive_val.overall.rmse,
		      mm.train.overall.rmse, mm.naive_train.overall.rmse);
	assert_true(mm.val.overall.rmse < mm.naive_val.overall.rmse);
	assert_true(mm.val.windows > 0 && mm.train.windows > mm.val.windows);
	for (size_t o = 0; o < 2; o++)
		assert_true(mm.val.per_metric[o].rmse <
			    mm.naive_val.per_metric[o].rmse);

	/* lstm_forecast: NaN before the first full window, and the same
	   errors on the validation rows as lstm_eval */
	float *pred = malloc(2 * rows * sizeof(float));
	assert_int_equal(lstm_forecast(m, &s, pred, &err), STATUS_OK);
	for (size_t r = 0; r < 10; r++)
		assert_true(isnan(pred[r]) && isnan(pred[rows + r]));
	size_t n = s.split, nwin = n - 10, nval = nwin / 5;
	double sq = 0;
	for (size_t r = n - nval; r < n; r++)
		for (size_t o = 0; o < 2; o++) {
			double e = pred[o * rows + r] - series_at(&s, o, r);
			sq += e * e;
		}
	double rmse = sqrt(sq / (double)(2 * nval));
	assert_true(fabs(rmse - mm.val.overall.rmse) <
		    1e-4 * mm.val.overall.rmse);
	for (size_t r = 10; r < rows; r++)
		assert_false(isnan(pred[r]) || isnan(pred[rows + r]));
	LstmModelInfo info;
	lstm_model_info(m, &info);
	assert_true(info.epochs_run >= 1 && info.epochs_run <= c.epochs);
	assert_true(info.best_epoch >= 1 && info.best_epoch <= info.epochs_run);
	free(pred);
	model_metrics_free(&mm);
	lstm_model_delete(m);
	et_series_free(&s);
}

static void test_thread_count_does_not_change_the_model(void **state)
{
	(void)state;
	Series s;
	et_sine_series(&s, 500, 3, 400, 0.2, 5);
	LstmConfig c;
	small_config(&c);
	c.epochs = 3;
	c.batch = 40; /* three shards, the last one short */
	LstmModel *m1 = NULL, *m2 = NULL;
	ErrorRecord err;
	assert_int_equal(lstm_train(&s, &c, NULL, NULL, &m1, &err), STATUS_OK);
	c.threads = 2;
	assert_int_equal(lstm_train(&s, &c, NULL, NULL, &m2, &err), STATUS_OK);
	float *p1 = malloc(3 * 500 * sizeof(float));
	float *p2 = malloc(3 * 500 * sizeof(float));
	assert_int_equal(lstm_forecast(m1, &s, p1, &err), STATUS_OK);
	assert_int_equal(lstm_forecast(m2, &s, p2, &err), STATUS_OK);
	assert_memory_equal(p1 + 10, p2 + 10, (3 * 500 - 10) * sizeof(float));
	free(p1);
	free(p2);
	lstm_model_delete(m1);
	lstm_model_delete(m2);
	et_series_free(&s);
}

static void test_trainer_reports_progress_and_finishes(void **state)
{
	(void)state;
	Series s;
	et_sine_series(&s, 600, 2, 500, 0.3, 9);
	LstmConfig c;
	small_config(&c);
	c.epochs = 3;
	c.patience = 0; /* run all epochs */
	Trainer *t = NULL;
	ErrorRecord err;
	assert_int_equal(trainer_start(&t, &s, &c, &err), STATUS_OK);
	TrainProgress p;
	size_t polls = 0;
	do {
		trainer_progress(t, &p);
		polls++;
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	} while (!p.done);
	assert_true(polls >= 1);
	assert_int_equal(p.epoch, 3);
	assert_int_equal(p.epochs, 3);
	assert_true(p.batches == (392 + 31) / 32); /* 490 windows, 98 val */
	assert_true(isfinite(p.train_loss) && p.train_loss > 0);
	assert_true(isfinite(p.val_loss) && p.best_val <= p.val_loss);
	LstmModel *m = NULL;
	assert_int_equal(trainer_join(t, &m, &err), STATUS_OK);
	assert_non_null(m);
	LstmModelInfo info;
	lstm_model_info(m, &info);
	assert_int_equal(info.epochs_run, 3);
	lstm_model_delete(m);
	et_series_free(&s);
}

static void test_trainer_can_be_cancelled(void **state)
{
	(void)state;
	Series s;
	et_sine_series(&s, 3000, 4, 2500, 0.3, 2);
	LstmConfig c;
	small_config(&c);
	c.epochs = 1000;
	c.patience = 0;
	Trainer *t = NULL;
	ErrorRecord err;
	assert_int_equal(trainer_start(&t, &s, &c, &err), STATUS_OK);
	struct timespec ts = {0, 20000000};
	nanosleep(&ts, NULL);
	trainer_cancel(t);
	LstmModel *m = NULL;
	assert_int_equal(trainer_join(t, &m, &err), STATUS_CANCELLED);
	assert_null(m);
	assert_non_null(strstr(err.message, "cancelled"));
	et_series_free(&s);
}

static void test_bad_configuration_is_refused(void **state)
{
	(void)state;
	Series s;
	et_sine_series(&s, 100, 1, 80, 0.1, 1);
	LstmConfig c;
	lstm_config_defaults(&c);
	c.layers = 3;
	LstmModel *m = NULL;
	ErrorRecord err;
	assert_int_equal(lstm_train(&s, &c, NULL, NULL, &m, &err),
			 STATUS_RANGE);
	assert_non_null(strstr(err.message, "layers must be 1 or 2"));
	lstm_config_defaults(&c);
	c.look_back = 79;
	assert_int_equal(lstm_train(&s, &c, NULL, NULL, &m, &err),
			 STATUS_EMPTY);
	assert_non_null(strstr(err.message, "the train part has 80 rows"));
	assert_null(m);
	et_series_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sine_beats_naive_forecast),
		cmocka_unit_test(test_thread_count_does_not_change_the_model),
		cmocka_unit_test(test_trainer_reports_progress_and_finishes),
		cmocka_unit_test(test_trainer_can_be_cancelled),
		cmocka_unit_test(test_bad_configuration_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
