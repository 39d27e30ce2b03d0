/* Keeping on learning while streaming (engine/adapt.h): on a series whose
 * test part drifts from its train part, the adapting forecast follows the
 * drift that the trained model misses; it learns only from rows judged
 * normal (with every row flagged it is the trained model's forecast, bit
 * for bit); with --adapt-head only the output layer learns, and that
 * follows the drift too; it is causal (a series cut short is forecast alike up to the
 * cut); it is the same on every run; and the model it starts from is left
 * as it was. */
#include "tests/testutil.h"

#include <math.h>

#include "engine/adapt.h"
#include "engine/model.h"
#include "tests/engine_testutil.h"

#define ROWS 3000
#define SPLIT 1000

/* Two noisy sines; from the split on, metric 0 is 2.5 units higher
 * (a quarter of its train range) and metric 1's swing is 1.4 times wider:
 * the drift of a server whose load grew. */
static void drifting_series(Series *s, size_t rows)
{
	et_sine_series(s, rows, 2, SPLIT, 0.2, 5);
	for (size_t r = SPLIT; r < rows; r++) {
		s->values[r] += 2.5f;
		float *v = &s->values[rows + r];
		*v = 20.0f + 1.4f * (*v - 20.0f);
	}
}

static LstmModel *train_small(const Series *s)
{
	LstmConfig c;
	lstm_config_defaults(&c);
	c.hidden = 16;
	c.epochs = tu_sanitized() ? 8 : 20;
	c.lr = 3e-3f;
	c.seed = 7;
	LstmModel *m = NULL;
	ErrorRecord err;
	assert_int_equal(lstm_train(s, &c, NULL, NULL, &m, &err), STATUS_OK);
	return m;
}

static void adapt_opts(AdaptConfig *ac)
{
	adapt_config_defaults(ac);
	ac->every = 200;
	ac->steps = 40;
	ac->lr = 1e-3f;
}

/* Mean absolute error of pred over rows [a, b), both metrics. */
static double mae(const Series *s, const float *pred, size_t a, size_t b)
{
	double sum = 0;
	for (size_t o = 0; o < s->metrics; o++)
		for (size_t r = a; r < b; r++)
			sum += fabs(pred[o * s->rows + r] - series_at(s, o, r));
	return sum / (double)(s->metrics * (b - a));
}

static void test_adapting_forecast_follows_drift(void **state)
{
	(void)state;
	Series s;
	drifting_series(&s, ROWS);
	LstmModel *m = train_small(&s);
	float *plain = malloc(2 * ROWS * sizeof(float));
	float *ad = malloc(2 * ROWS * sizeof(float));
	float *again = malloc(2 * ROWS * sizeof(float));
	ErrorRecord err;
	assert_int_equal(lstm_forecast(m, &s, plain, &err), STATUS_OK);
	AdaptConfig ac;
	adapt_opts(&ac);
	DetectConfig dc;
	detect_config_defaults(&dc);
	AdaptProgress pr;
	assert_int_equal(adapt_forecast(m, &s, &ac, &dc, NULL, NULL, ad, &pr,
					&err),
			 STATUS_OK);
	double e_plain = mae(&s, plain, ROWS - 1000, ROWS);
	double e_ad = mae(&s, ad, ROWS - 1000, ROWS);
	print_message("last 1000 rows: MAE %.3f trained model, %.3f adapting "
		      "(%zu updates, %zu skipped)\n",
		      e_plain, e_ad, pr.updates, pr.skipped);
	assert_true(pr.updates >= 3);
	assert_int_equal(pr.updates + pr.skipped, (ROWS - SPLIT) / 200 - 1);
	assert_true(e_ad < 0.75 * e_plain);
	/* the train part and the first block: the trained model's forecast */
	assert_memory_equal(plain, ad, (SPLIT + 200) * sizeof(float));
	assert_memory_equal(plain + ROWS, ad + ROWS,
			    (SPLIT + 200) * sizeof(float));
	/* the same on a second run, and m itself unchanged */
	assert_int_equal(adapt_forecast(m, &s, &ac, &dc, NULL, NULL, again,
					NULL, &err),
			 STATUS_OK);
	assert_memory_equal(ad, again, 2 * ROWS * sizeof(float));
	assert_int_equal(lstm_forecast(m, &s, again, &err), STATUS_OK);
	assert_memory_equal(plain, again, 2 * ROWS * sizeof(float));
	/* only the output layer learning (--adapt-head): a level and a
	   swing are the output layer's to follow too, and it is another
	   forecast than the whole model's */
	ac.head_only = 1;
	assert_int_equal(adapt_forecast(m, &s, &ac, &dc, NULL, NULL, again,
					NULL, &err),
			 STATUS_OK);
	double e_head = mae(&s, again, ROWS - 1000, ROWS);
	print_message("output layer only: MAE %.3f\n", e_head);
	assert_true(e_head < 0.75 * e_plain);
	assert_memory_not_equal(ad, again, 2 * ROWS * sizeof(float));
	free(plain);
	free(ad);
	free(again);
	lstm_model_delete(m);
	et_series_free(&s);
}

/* Every row flagged (the seed rule with a threshold of 1e-9 scaled units):
 * no window is judged normal, no update is made, and the forecast is the
 * trained model's. */
static void test_learns_only_from_rows_judged_normal(void **state)
{
	(void)state;
	Series s;
	drifting_series(&s, ROWS);
	LstmModel *m = train_small(&s);
	float *plain = malloc(2 * ROWS * sizeof(float));
	float *ad = malloc(2 * ROWS * sizeof(float));
	ErrorRecord err;
	assert_int_equal(lstm_forecast(m, &s, plain, &err), STATUS_OK);
	AdaptConfig ac;
	adapt_opts(&ac);
	DetectConfig dc;
	detect_config_defaults(&dc);
	dc.mode = THRESH_SEED;
	dc.k = 1e-6;
	dc.min_threshold = 1e-9;
	AdaptProgress pr;
	assert_int_equal(adapt_forecast(m, &s, &ac, &dc, NULL, NULL, ad, &pr,
					&err),
			 STATUS_OK);
	assert_int_equal(pr.updates, 0);
	assert_memory_equal(plain, ad, 2 * ROWS * sizeof(float));
	/* the judgement is what holds it back: with the default detection
	   the same series adapts */
	detect_config_defaults(&dc);
	assert_int_equal(adapt_forecast(m, &s, &ac, &dc, NULL, NULL, ad, &pr,
					&err),
			 STATUS_OK);
	assert_true(pr.updates > 0);
	assert_memory_not_equal(plain, ad, 2 * ROWS * sizeof(float));
	/* a look-ahead mode cannot judge causally */
	dc.mode = THRESH_DYNAMIC;
	assert_int_equal(adapt_forecast(m, &s, &ac, &dc, NULL, NULL, ad, &pr,
					&err),
			 STATUS_RANGE);
	free(plain);
	free(ad);
	lstm_model_delete(m);
	et_series_free(&s);
}

/* The series cut at row 2,100 (mid-block) is forecast as the whole one up
 * to the cut. */
static void test_adapting_forecast_is_causal(void **state)
{
	(void)state;
	Series s, cut;
	drifting_series(&s, ROWS);
	drifting_series(&cut, 2100);
	for (size_t o = 0; o < 2; o++) /* the same values, cut short */
		memcpy(cut.values + o * 2100, s.values + o * ROWS,
		       2100 * sizeof(float));
	LstmModel *m = train_small(&s);
	float *a = malloc(2 * ROWS * sizeof(float));
	float *b = malloc(2 * 2100 * sizeof(float));
	ErrorRecord err;
	AdaptConfig ac;
	adapt_opts(&ac);
	DetectConfig dc;
	detect_config_defaults(&dc);
	assert_int_equal(adapt_forecast(m, &s, &ac, &dc, NULL, NULL, a, NULL,
					&err),
			 STATUS_OK);
	assert_int_equal(adapt_forecast(m, &cut, &ac, &dc, NULL, NULL, b,
					NULL, &err),
			 STATUS_OK);
	for (size_t o = 0; o < 2; o++)
		assert_memory_equal(a + o * ROWS, b + o * 2100,
				    2100 * sizeof(float));
	free(a);
	free(b);
	lstm_model_delete(m);
	et_series_free(&s);
	et_series_free(&cut);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adapting_forecast_follows_drift),
		cmocka_unit_test(test_learns_only_from_rows_judged_normal),
		cmocka_unit_test(test_adapting_forecast_is_causal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
