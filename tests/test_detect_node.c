/* The node rule (node_top_k) and the dynamic threshold's train floor
 * (dyn_floor_z) on hand-made series: which metric scores make a node
 * detection under the union and under the mean of the k largest scores,
 * the cap of k at the number of metrics, merge and minimum duration at node
 * level, and a floor that keeps the dynamic threshold above the errors the
 * model makes on its own training data. */
#include "tests/testutil.h"

#include <math.h>

#include "engine/detect.h"
#include "engine/threshold.h"

enum { ROWS = 200, SPLIT = 100, MAXM = 3 };

typedef struct {
	Series s;
	float y[MAXM * ROWS];
	float pred[MAXM * ROWS];
} Fixture;

/* metrics series; train values alternate 0/1 (range 1) with a perfect
 * forecast; test values 0, forecast 0 unless set by fx_err. */
static void fx_init(Fixture *f, size_t metrics)
{
	memset(f, 0, sizeof(*f));
	f->s.rows = ROWS;
	f->s.metrics = metrics;
	f->s.values = f->y;
	f->s.split = SPLIT;
	f->s.interval = 60; /* min_duration 480 s -> 8 rows */
	for (size_t m = 0; m < metrics; m++)
		for (size_t t = 0; t < ROWS; t++) {
			f->y[m * ROWS + t] = t < SPLIT ? (float)(t % 2) : 0;
			f->pred[m * ROWS + t] = f->y[m * ROWS + t];
		}
}

/* error e (scaled units) on metric m over [a, b) */
static void fx_err(Fixture *f, size_t m, size_t a, size_t b, float e)
{
	for (size_t t = a; t < b; t++)
		f->pred[m * ROWS + t] = e;
}

/* seed mode without smoothing, every threshold then set to 0.25, so a
 * metric's score is 4 x its error */
static void run(Fixture *f, size_t top_k, DetectResult *r)
{
	DetectConfig cfg;
	detect_config_defaults(&cfg);
	cfg.mode = THRESH_SEED;
	cfg.span = 1;
	cfg.node_top_k = top_k;
	ErrorRecord err;
	detect_result_init(r);
	assert_int_equal(detect_run(&f->s, f->pred, &cfg, r, &err), STATUS_OK);
	assert_int_equal(detect_set_threshold(r, DETECT_ALL, 0.25, &err),
			 STATUS_OK);
}

static void test_defaults(void **state)
{
	(void)state;
	DetectConfig c;
	detect_config_defaults(&c);
	assert_int_equal(c.node_top_k, 2);
	assert_float_equal(c.dyn_floor_z, 3.0, 0);
	assert_int_equal(c.mode, THRESH_CALIBRATED);
	assert_float_equal(c.p, 1e-5, 0);
	assert_int_equal(c.history, 30000);
}

static void test_lone_metric_needs_twice_its_threshold(void **state)
{
	(void)state;
	Fixture f;
	fx_init(&f, 3);
	fx_err(&f, 0, 110, 120, 0.375f); /* A: metric 0 alone at s = 1.5 */
	fx_err(&f, 1, 130, 140, 0.625f); /* B: metric 1 alone at s = 2.5 */
	fx_err(&f, 0, 150, 160, 0.25f);  /* C: metrics 0 and 2 both at s = 1 */
	fx_err(&f, 2, 150, 160, 0.25f);
	fx_err(&f, 1, 170, 180, 0.25f);  /* D: metric 1 at 1, metric 2 at */
	fx_err(&f, 2, 170, 180, 0.2f);   /* 0.8: mean 0.9 */
	DetectResult r;
	run(&f, 0, &r);
	/* the union: every range with a metric detection */
	assert_int_equal(r.n_node, 4);
	detect_result_free(&r);

	run(&f, 2, &r);
	assert_int_equal(r.n_node, 2);
	/* B: mean of 2.5 and 0 = 1.25 */
	assert_int_equal(r.node[0].r.start, 130);
	assert_int_equal(r.node[0].r.end, 140);
	assert_true(r.node[0].metric == DETECT_NODE);
	/* peak: the largest metric score involved, criticality from it */
	assert_float_equal(r.node[0].peak, 2.5, 1e-5);
	assert_int_equal(r.node[0].crit, CRIT_MEDIUM);
	/* C: two metrics at their thresholds */
	assert_int_equal(r.node[1].r.start, 150);
	assert_int_equal(r.node[1].r.end, 160);
	assert_float_equal(r.node[1].peak, 1.0, 1e-5);
	assert_int_equal(r.node[1].crit, CRIT_LOW);
	/* the metric detections themselves are unchanged */
	assert_int_equal(r.n_det[0], 2);
	assert_int_equal(r.n_det[1], 2);
	/* alerts are built from the node detections (gap 60: one alert) */
	assert_int_equal(r.n_alerts, 1);
	assert_int_equal(r.alerts[0].n_node, 2);
	detect_result_free(&r);

	/* k = 3: B's mean is 2.5 / 3, C's 2 / 3: nothing */
	run(&f, 3, &r);
	assert_int_equal(r.n_node, 0);
	assert_int_equal(r.n_alerts, 0);
	detect_result_free(&r);
}

static void test_k_is_capped_at_the_metric_count(void **state)
{
	(void)state;
	Fixture f;
	fx_init(&f, 1);
	fx_err(&f, 0, 110, 120, 0.375f); /* s = 1.5 */
	DetectResult r;
	run(&f, 2, &r); /* one metric: k = 1, the node is that metric */
	assert_int_equal(r.n_node, 1);
	assert_int_equal(r.node[0].r.start, 110);
	assert_int_equal(r.node[0].r.end, 120);
	assert_float_equal(r.node[0].peak, 1.5, 1e-5);
	detect_result_free(&r);
}

static void test_node_merge_and_min_duration(void **state)
{
	(void)state;
	Fixture f;
	fx_init(&f, 2);
	/* both metrics at s = 1.2: 6 rows, gap 4, 6 rows -> one detection of
	 * 16 rows (gap < merge_gap 5); then 7 rows alone (< 8 rows): dropped */
	fx_err(&f, 0, 110, 116, 0.3f);
	fx_err(&f, 1, 110, 116, 0.3f);
	fx_err(&f, 0, 120, 126, 0.3f);
	fx_err(&f, 1, 120, 126, 0.3f);
	fx_err(&f, 0, 150, 157, 0.3f);
	fx_err(&f, 1, 150, 157, 0.3f);
	/* a gap of exactly 5 rows is not merged */
	fx_err(&f, 0, 170, 178, 0.3f);
	fx_err(&f, 1, 170, 178, 0.3f);
	fx_err(&f, 0, 183, 191, 0.3f);
	fx_err(&f, 1, 183, 191, 0.3f);
	DetectResult r;
	run(&f, 2, &r);
	assert_int_equal(r.n_node, 3);
	assert_int_equal(r.node[0].r.start, 110);
	assert_int_equal(r.node[0].r.end, 126);
	assert_int_equal(r.node[1].r.start, 170);
	assert_int_equal(r.node[1].r.end, 178);
	assert_int_equal(r.node[2].r.start, 183);
	assert_int_equal(r.node[2].r.end, 191);
	detect_result_free(&r);
}

static void test_dynamic_floor_from_train_errors(void **state)
{
	(void)state;
	Fixture f;
	fx_init(&f, 1);
	/* train errors alternate 0.1 / 0.3 (mean 0.2, std 0.1): floor at
	 * z = 3 is 0.5. Test errors: quiet 0.01 with one bump of 0.4, inside
	 * what the model does on its training data */
	for (size_t t = 0; t < SPLIT; t++)
		f.pred[t] = f.y[t] + (t % 2 ? 0.1f : 0.3f);
	for (size_t t = SPLIT; t < ROWS; t++)
		f.pred[t] = 0.01f;
	fx_err(&f, 0, 150, 160, 0.4f);
	DetectConfig cfg;
	detect_config_defaults(&cfg);
	cfg.mode = THRESH_DYNAMIC;
	cfg.span = 1;
	cfg.dyn_window = 0;
	cfg.dyn_buffer = 5;
	cfg.dyn_floor_z = 0;
	DetectResult r;
	detect_result_init(&r);
	ErrorRecord err;
	assert_int_equal(detect_run(&f.s, f.pred, &cfg, &r, &err), STATUS_OK);
	/* without the floor the bump stands out of the quiet test part */
	assert_true(r.threshold[0] < 0.4f);
	assert_int_equal(r.n_det[0], 1);
	assert_int_equal(r.n_node, 1);
	detect_result_free(&r);

	cfg.dyn_floor_z = 3;
	assert_int_equal(detect_run(&f.s, f.pred, &cfg, &r, &err), STATUS_OK);
	double floor = threshold_sigma(r.smooth, SPLIT, 3);
	assert_float_equal(floor, 0.5, 1e-6);
	assert_float_equal(r.threshold[0], 0.5, 1e-6);
	assert_float_equal(r.score[155], 0.4 / 0.5, 1e-5);
	assert_int_equal(r.n_det[0], 0);
	assert_int_equal(r.n_node, 0);
	detect_result_free(&r);

	/* a bump well above the floor is still found */
	fx_err(&f, 0, 150, 160, 1.5f);
	assert_int_equal(detect_run(&f.s, f.pred, &cfg, &r, &err), STATUS_OK);
	assert_true(r.threshold[0] >= 0.5f);
	assert_int_equal(r.n_det[0], 1);
	assert_int_equal(r.det[0][0].r.start, 150);
	detect_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_lone_metric_needs_twice_its_threshold),
		cmocka_unit_test(test_k_is_capped_at_the_metric_count),
		cmocka_unit_test(test_node_merge_and_min_duration),
		cmocka_unit_test(test_dynamic_floor_from_train_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
