/* Detection on hand-made series: thresholds fitted on the train part, the
 * min-duration and merge edges, criticality cut-offs, node union, alerts
 * and their metric ranking, and moving the threshold afterwards; a run
 * written over an earlier run's arrays equals a fresh one in every mode. */
#include "tests/testutil.h"

#include <math.h>

#include "engine/detect.h"
#include "engine/threshold.h"

enum { ROWS = 200, SPLIT = 100, LOOK = 5 };

typedef struct {
	Series s;
	float y[2 * ROWS];
	float pred[2 * ROWS];
} Fixture;

/* Metric 0: train alternates 0/1 (range 1) forecast 0.1 off; metric 1:
 * train errors alternate 0.1/0.3. Test part: y = 0, errors set by caller
 * through pred. First LOOK rows have no forecast. */
static void fx_init(Fixture *f, int64_t interval)
{
	memset(f, 0, sizeof(*f));
	f->s.rows = ROWS;
	f->s.metrics = 2;
	f->s.values = f->y;
	f->s.split = SPLIT;
	f->s.interval = interval;
	for (size_t t = 0; t < ROWS; t++) {
		float *y0 = &f->y[t], *y1 = &f->y[ROWS + t];
		float *p0 = &f->pred[t], *p1 = &f->pred[ROWS + t];
		if (t < SPLIT) {
			*y0 = (float)(t % 2);
			*p0 = *y0 + 0.1f;
			*y1 = (float)(t % 2);
			*p1 = *y1 + (t % 4 < 2 ? 0.1f : 0.3f);
		} else {
			*y0 = *y1 = 0;
			*p0 = *p1 = 0;
		}
		if (t < LOOK)
			*p0 = *p1 = NAN;
	}
}

static void fx_err(Fixture *f, size_t m, size_t a, size_t b, float e)
{
	for (size_t t = a; t < b; t++)
		f->pred[m * ROWS + t] = e;
}

static void test_seed_and_sigma_fit_on_the_train_part(void **state)
{
	(void)state;
	Fixture f;
	fx_init(&f, 60);
	fx_err(&f, 0, 150, 160, 5.0f); /* test errors must not matter */
	DetectConfig cfg;
	detect_config_defaults(&cfg);
	cfg.mode = THRESH_SEED;
	cfg.span = 1;
	DetectResult r;
	detect_result_init(&r);
	ErrorRecord err;
	assert_int_equal(detect_run(&f.s, f.pred, &cfg, &r, &err), STATUS_OK);
	/* metric 0: every train error is 0.1 -> 1.5 x 0.1 */
	assert_float_equal(r.threshold[0], 0.15, 1e-6);
	/* metric 1: errors 0.1 and 0.3 -> RMSE sqrt((0.01 + 0.09) / 2) */
	double rms = 0;
	size_t n = 0;
	for (size_t t = LOOK; t < SPLIT; t++, n++) {
		double e = t % 4 < 2 ? 0.1 : 0.3;
		rms += e * e;
	}
	assert_float_equal(r.threshold[1], 1.5 * sqrt(rms / (double)n), 1e-5);
	assert_true(isnan(r.error[0]) && r.score[0] == 0.0f);
	assert_float_equal(r.score[150], 5.0 / 0.15, 1e-3);
	detect_result_free(&r);

	cfg.mode = THRESH_SIGMA;
	cfg.z = 3;
	assert_int_equal(detect_run(&f.s, f.pred, &cfg, &r, &err), STATUS_OK);
	double mu = 0, sd = 0;
	for (size_t t = LOOK; t < SPLIT; t++)
		mu += t % 4 < 2 ? 0.1 : 0.3;
	mu /= (double)n;
	for (size_t t = LOOK; t < SPLIT; t++) {
		double e = (t % 4 < 2 ? 0.1 : 0.3) - mu;
		sd += e * e;
	}
	sd = sqrt(sd / (double)n);
	assert_float_equal(r.threshold[1], mu + 3 * sd, 1e-5);
	/* metric 0: zero spread -> the mean, 0.1 */
	assert_float_equal(r.threshold[0], 0.1, 1e-6);
	detect_result_free(&r);

	/* span 5: the EWMA of the train errors feeds the rule */
	cfg.mode = THRESH_SEED;
	cfg.span = 5;
	assert_int_equal(detect_run(&f.s, f.pred, &cfg, &r, &err), STATUS_OK);
	double a = 2.0 / 6.0, acc = NAN, ss = 0;
	for (size_t t = LOOK; t < SPLIT; t++) {
		double e = t % 4 < 2 ? 0.1 : 0.3;
		acc = isnan(acc) ? e : a * e + (1 - a) * acc;
		ss += acc * acc;
		assert_float_equal(r.smooth[ROWS + t], acc, 1e-5);
	}
	assert_float_equal(r.threshold[1], 1.5 * sqrt(ss / (double)n), 1e-5);
	detect_result_free(&r);
}

static void test_min_duration_in_rows(void **state)
{
	(void)state;
	Fixture f;
	DetectConfig cfg;
	detect_config_defaults(&cfg);
	DetectResult r;
	detect_result_init(&r);
	ErrorRecord err;
	const struct {
		int64_t interval;
		double seconds;
		size_t rows;
	} cases[] = {{60, 480, 8}, {300, 480, 2}, {0, 480, 8},
		     {60, 0, 1},   {60, 481, 9},  {3600, 480, 1}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fx_init(&f, cases[i].interval);
		cfg.min_duration = cases[i].seconds;
		assert_int_equal(detect_run(&f.s, f.pred, &cfg, &r, &err),
				 STATUS_OK);
		assert_int_equal(r.min_rows, cases[i].rows);
		detect_result_free(&r);
	}
}

/* The layout shared by the next tests (threshold set to 0.25, span 1,
 * merge_gap 5, min 8 rows):
 *   A [105,113) s=1 (exactly 8 rows: kept, low)
 *   B [120,127) s=2 (7 rows: dropped)
 *   C [135,140) s=2 + [143,148) s=4 (gap 3: merged, high)
 *   D [160,165) + [170,175) s=2 (gap 5: not merged; both too short)
 *   E [180,185) + [189,194) s=1.99 (gap 4: merged, low)
 * metric 1: [140,160) s=1 (low). */
static void layout(Fixture *f, DetectResult *r, DetectConfig *cfg)
{
	fx_init(f, 60);
	fx_err(f, 0, 105, 113, 0.25f);
	fx_err(f, 0, 120, 127, 0.5f);
	fx_err(f, 0, 135, 140, 0.5f);
	fx_err(f, 0, 143, 148, 1.0f);
	fx_err(f, 0, 160, 165, 0.5f);
	fx_err(f, 0, 170, 175, 0.5f);
	fx_err(f, 0, 180, 185, 0.4975f);
	fx_err(f, 0, 189, 194, 0.4975f);
	fx_err(f, 1, 140, 160, 0.25f);
	detect_config_defaults(cfg);
	cfg->mode = THRESH_SEED;
	cfg->span = 1;
	cfg->node_top_k = 0; /* these tests check the DESIGN union */
	ErrorRecord err;
	detect_result_init(r);
	assert_int_equal(detect_run(&f->s, f->pred, cfg, r, &err), STATUS_OK);
	assert_int_equal(detect_set_threshold(r, DETECT_ALL, 0.25, &err),
			 STATUS_OK);
}

static void test_runs_merge_and_min_duration_edges(void **state)
{
	(void)state;
	Fixture f;
	DetectConfig cfg;
	DetectResult r;
	layout(&f, &r, &cfg);
	assert_int_equal(r.n_det[0], 3);
	const Detection *d = r.det[0];
	assert_int_equal(d[0].r.start, 105);
	assert_int_equal(d[0].r.end, 113);
	assert_int_equal(d[0].crit, CRIT_LOW);
	assert_float_equal(d[0].peak, 1.0, 1e-6);
	assert_int_equal(d[1].r.start, 135);
	assert_int_equal(d[1].r.end, 148);
	assert_int_equal(d[1].crit, CRIT_HIGH);
	assert_float_equal(d[1].peak, 4.0, 1e-6);
	assert_int_equal(d[2].r.start, 180);
	assert_int_equal(d[2].r.end, 194);
	assert_int_equal(d[2].crit, CRIT_LOW); /* 1.99 < 2 */
	assert_int_equal(d[0].metric, 0);

	/* one row less of minimum duration lets B and D in */
	ErrorRecord err;
	r.cfg.min_duration = 420; /* 7 rows */
	r.min_rows = 7;
	assert_int_equal(detect_redetect(&r, &err), STATUS_OK);
	assert_int_equal(r.n_det[0], 4);
	assert_int_equal(r.det[0][1].r.start, 120);
	assert_int_equal(r.det[0][1].crit, CRIT_MEDIUM);
	/* D is two 5-row runs at gap 5 and E follows at gap 5: a merge gap
	 * of 6 joins D1, D2 and E into one */
	r.cfg.merge_gap = 6;
	assert_int_equal(detect_redetect(&r, &err), STATUS_OK);
	const Detection *last = &r.det[0][r.n_det[0] - 1];
	assert_int_equal(last->r.start, 160);
	assert_int_equal(last->r.end, 194);
	assert_int_equal(last->crit, CRIT_MEDIUM);
	detect_result_free(&r);
}

static void test_criticality_cutoffs(void **state)
{
	(void)state;
	DetectConfig cfg;
	detect_config_defaults(&cfg);
	assert_int_equal(detect_criticality(&cfg, 1.0), CRIT_LOW);
	assert_int_equal(detect_criticality(&cfg, 1.999), CRIT_LOW);
	assert_int_equal(detect_criticality(&cfg, 2.0), CRIT_MEDIUM);
	assert_int_equal(detect_criticality(&cfg, 3.999), CRIT_MEDIUM);
	assert_int_equal(detect_criticality(&cfg, 4.0), CRIT_HIGH);
	cfg.medium = 1.5;
	cfg.high = 1.9;
	assert_int_equal(detect_criticality(&cfg, 1.6), CRIT_MEDIUM);
	assert_int_equal(detect_criticality(&cfg, 1.99), CRIT_HIGH);

	/* through the pipeline: E's peak 1.99 becomes high with high = 1.9 */
	Fixture f;
	DetectResult r;
	layout(&f, &r, &cfg);
	ErrorRecord err;
	r.cfg.medium = 1.5;
	r.cfg.high = 1.9;
	assert_int_equal(detect_redetect(&r, &err), STATUS_OK);
	assert_int_equal(r.det[0][2].crit, CRIT_HIGH);
	assert_int_equal(r.det[0][0].crit, CRIT_LOW);
	detect_result_free(&r);
}

static void test_node_union_takes_the_highest(void **state)
{
	(void)state;
	Fixture f;
	DetectConfig cfg;
	DetectResult r;
	layout(&f, &r, &cfg);
	assert_int_equal(r.n_det[1], 1);
	assert_int_equal(r.det[1][0].r.start, 140);
	assert_int_equal(r.det[1][0].r.end, 160);
	assert_int_equal(r.n_node, 3);
	assert_int_equal(r.node[0].r.start, 105);
	assert_int_equal(r.node[0].r.end, 113);
	assert_int_equal(r.node[1].r.start, 135);
	assert_int_equal(r.node[1].r.end, 160);
	assert_int_equal(r.node[1].crit, CRIT_HIGH);
	assert_float_equal(r.node[1].peak, 4.0, 1e-6);
	assert_true(r.node[1].metric == DETECT_NODE);
	assert_int_equal(r.node[2].crit, CRIT_LOW);
	detect_result_free(&r);
}

static void test_alert_grouping_and_ranking(void **state)
{
	(void)state;
	Fixture f;
	DetectConfig cfg;
	DetectResult r;
	layout(&f, &r, &cfg);
	ErrorRecord err;
	/* default gap 60: one alert over everything */
	assert_int_equal(r.n_alerts, 1);
	assert_int_equal(r.alerts[0].n_node, 3);
	assert_int_equal(r.alerts[0].crit, CRIT_HIGH);
	/* gaps between node detections are 22 and 20 */
	r.cfg.alert_gap = 21;
	assert_int_equal(detect_redetect(&r, &err), STATUS_OK);
	assert_int_equal(r.n_alerts, 2);
	const Alert *a = &r.alerts[0];
	assert_int_equal(a->r.start, 105);
	assert_int_equal(a->r.end, 113);
	assert_int_equal(a->crit, CRIT_LOW);
	assert_int_equal(a->n_ranked, 1);
	assert_float_equal(a->ranked[0].share, 1.0, 1e-9);
	assert_float_equal(a->ranked[0].mass, 8.0, 1e-5);
	a = &r.alerts[1];
	assert_int_equal(a->r.start, 135);
	assert_int_equal(a->r.end, 194);
	assert_int_equal(a->n_node, 2);
	assert_int_equal(a->n_high, 1);
	assert_int_equal(a->n_low, 2);
	assert_int_equal(a->crit, CRIT_HIGH);
	/* metric 0: C 5 x 2 + 5 x 4, D (no detection, but s >= 1 in the
	 * span) 10 x 2, E 10 x 1.99; metric 1: 20 x 1 */
	double m0 = 10 + 20 + 20 + 19.9, m1 = 20;
	assert_int_equal(a->n_ranked, 2);
	assert_int_equal(a->ranked[0].metric, 0);
	assert_float_equal(a->ranked[0].mass, m0, 1e-4);
	assert_float_equal(a->ranked[0].share, m0 / (m0 + m1), 1e-6);
	assert_int_equal(a->ranked[1].metric, 1);
	assert_float_equal(a->ranked[1].share, m1 / (m0 + m1), 1e-6);
	r.cfg.alert_gap = 20; /* 20 is not closer than 20 */
	assert_int_equal(detect_redetect(&r, &err), STATUS_OK);
	assert_int_equal(r.n_alerts, 3);
	detect_result_free(&r);
}

static void test_alert_criticality_rule(void **state)
{
	(void)state;
	/* two medium metric detections in one alert make it high; one makes
	 * it medium */
	enum { R = 40 };
	float score[2 * R] = {0};
	Detection d0[] = {{{10, 15}, 0, CRIT_MEDIUM, 2.5f}};
	Detection d1[] = {{{12, 20}, 1, CRIT_MEDIUM, 3.0f}};
	Detection node[] = {{{10, 20}, DETECT_NODE, CRIT_MEDIUM, 3.0f}};
	for (int t = 10; t < 15; t++)
		score[t] = 2.5f;
	for (int t = 12; t < 20; t++)
		score[R + t] = 3.0f;
	Detection *det[] = {d0, d1};
	size_t n_det[] = {1, 1};
	Alert *al;
	size_t n;
	ErrorRecord err;
	assert_int_equal(alerts_build(node, 1, det, n_det, 2, score, R, 5, &al,
				      &n, &err),
			 STATUS_OK);
	assert_int_equal(n, 1);
	assert_int_equal(al[0].crit, CRIT_HIGH);
	assert_int_equal(al[0].ranked[0].metric, 1); /* 24 > 12.5 */
	alerts_free(al, n);
	n_det[1] = 0;
	for (int t = 12; t < 20; t++)
		score[R + t] = 0;
	assert_int_equal(alerts_build(node, 1, det, n_det, 2, score, R, 5, &al,
				      &n, &err),
			 STATUS_OK);
	assert_int_equal(al[0].crit, CRIT_MEDIUM);
	assert_int_equal(al[0].n_ranked, 1);
	alerts_free(al, n);
}

static void test_rethreshold_moves_detections(void **state)
{
	(void)state;
	Fixture f;
	DetectConfig cfg;
	DetectResult r;
	layout(&f, &r, &cfg);
	ErrorRecord err;
	/* doubling metric 0's threshold halves its scores: A (1 -> 0.5) and
	 * E (1.99 -> 0.995) fall below; C (2 -> 1, 4 -> 2) stays, medium */
	assert_int_equal(detect_rethreshold(&r, 0, 2.0, &err), STATUS_OK);
	assert_float_equal(r.threshold[0], 0.5, 1e-6);
	assert_float_equal(r.threshold[1], 0.25, 1e-6);
	assert_int_equal(r.n_det[0], 1);
	assert_int_equal(r.det[0][0].r.start, 135);
	assert_int_equal(r.det[0][0].crit, CRIT_MEDIUM);
	assert_float_equal(r.det[0][0].peak, 2.0, 1e-6);
	assert_int_equal(r.n_det[1], 1); /* untouched */
	assert_int_equal(r.n_node, 1);
	assert_int_equal(r.node[0].r.start, 135);
	assert_int_equal(r.node[0].r.end, 160);
	/* and back */
	assert_int_equal(detect_set_threshold(&r, 0, 0.25, &err), STATUS_OK);
	assert_int_equal(r.n_det[0], 3);
	assert_int_equal(detect_rethreshold(&r, 0, -1, &err), STATUS_RANGE);
	assert_int_equal(detect_rethreshold(&r, 7, 2, &err), STATUS_RANGE);
	detect_result_free(&r);
}

static void test_dynamic_mode_end_to_end(void **state)
{
	(void)state;
	Fixture f;
	fx_init(&f, 60);
	/* small noise in the test part and one burst */
	for (size_t t = SPLIT; t < ROWS; t++) {
		f.pred[t] = 0.02f + 0.01f * (float)(t % 3);
		f.pred[ROWS + t] = 0.02f + 0.01f * (float)(t % 5);
	}
	fx_err(&f, 0, 150, 162, 0.8f);
	DetectConfig cfg;
	detect_config_defaults(&cfg);
	cfg.mode = THRESH_DYNAMIC;
	cfg.span = 1;
	cfg.dyn_window = 0; /* one window over the 100 test rows */
	cfg.dyn_buffer = 10;
	DetectResult r;
	detect_result_init(&r);
	ErrorRecord err;
	assert_int_equal(detect_run(&f.s, f.pred, &cfg, &r, &err), STATUS_OK);
	assert_non_null(r.win_thr);
	assert_int_equal(r.n_win, 1);
	DynamicThreshold d = threshold_dynamic(r.smooth + SPLIT, ROWS - SPLIT,
					       cfg.dyn_buffer, cfg.dyn_p);
	assert_float_equal(r.threshold[0], (float)d.threshold, 1e-7);
	assert_true(d.threshold > 0.04 && d.threshold < 0.8);
	assert_int_equal(r.n_det[0], 1);
	assert_int_equal(r.det[0][0].r.start, 150);
	assert_int_equal(r.det[0][0].r.end, 162);
	/* metric 1 is pure noise: nothing */
	assert_int_equal(r.n_det[1], 0);
	/* scores are smoothed / threshold at every row */
	assert_float_equal(r.score[155], 0.8 / r.threshold[0], 1e-4);
	detect_result_free(&r);

	/* windows: two windows of 50 rows, a 5-row burst in the second (a
	 * burst must be a small part of its window to stand out) */
	for (size_t t = 150; t < 162; t++)
		f.pred[t] = 0.02f + 0.01f * (float)(t % 3);
	fx_err(&f, 0, 170, 175, 0.8f);
	cfg.dyn_window = 50;
	cfg.min_duration = 240;
	cfg.dyn_buffer = 3; /* buffered points must stay under half */
	assert_int_equal(detect_run(&f.s, f.pred, &cfg, &r, &err), STATUS_OK);
	assert_int_equal(r.n_win, 2);
	d = threshold_dynamic(r.smooth + SPLIT + 50, 50, cfg.dyn_buffer,
			      cfg.dyn_p);
	assert_float_equal(detect_threshold_at(&r, 0, 199), (float)d.threshold,
			   1e-7);
	assert_true(d.threshold < 0.8);
	/* the quiet first window has its own, lower threshold */
	assert_true(detect_threshold_at(&r, 0, 120) < d.threshold);
	assert_int_equal(r.n_det[0], 1);
	assert_int_equal(r.det[0][0].r.start, 170);
	assert_int_equal(r.det[0][0].r.end, 175);
	detect_result_free(&r);
}

/* The calibrated default end to end: a burst far beyond what the errors
 * were in training is a high-criticality detection from its first row; test
 * errors below the training ones score 0; the threshold is -log10(p) on
 * every metric, and moving it moves the detections. */
static void test_calibrated_mode_end_to_end(void **state)
{
	(void)state;
	Fixture f;
	fx_init(&f, 60);
	for (size_t t = SPLIT; t < ROWS; t++) {
		f.pred[t] = 0.02f + 0.01f * (float)(t % 3);
		f.pred[ROWS + t] = 0.02f + 0.01f * (float)(t % 5);
	}
	fx_err(&f, 0, 150, 162, 0.8f);
	DetectConfig cfg;
	detect_config_defaults(&cfg);
	assert_int_equal(cfg.mode, THRESH_CALIBRATED);
	DetectResult r;
	detect_result_init(&r);
	ErrorRecord err;
	/* with the long-horizon signal (span 60) the detection lasts while
	 * the long average stays far above training's; first without it */
	cfg.long_span = 0;
	assert_int_equal(detect_run(&f.s, f.pred, &cfg, &r, &err), STATUS_OK);
	size_t short_end = (size_t)r.det[0][0].r.end;
	detect_result_free(&r);
	cfg.long_span = 60;
	assert_int_equal(detect_run(&f.s, f.pred, &cfg, &r, &err), STATUS_OK);
	assert_true(short_end >= 162 && short_end <= 170);
	assert_true((size_t)r.det[0][0].r.end >= short_end);
	assert_float_equal(r.threshold[0], 5.0, 1e-6);
	assert_float_equal(r.threshold[1], 5.0, 1e-6);
	assert_int_equal(r.n_det[0], 1);
	assert_int_equal(r.det[0][0].r.start, 150);
	assert_int_equal(r.det[0][0].crit, CRIT_HIGH);
	/* quieter than training: nothing, and scores far below 1 */
	assert_int_equal(r.n_det[1], 0);
	assert_true(r.score[120] < 0.2f);
	assert_true(r.score[ROWS + 120] < 0.2f);
	/* the lone metric at 4x its threshold carries the top-2 node rule */
	assert_int_equal(r.n_node, 1);
	assert_int_equal(r.node[0].r.start, 150);
	/* a threshold above the largest surprise leaves nothing */
	assert_int_equal(detect_set_threshold(&r, DETECT_ALL, 200, &err),
			 STATUS_OK);
	assert_int_equal(r.n_det[0], 0);
	assert_int_equal(r.n_node, 0);
	detect_result_free(&r);
	/* bad calibrated options are refused */
	cfg.p = 1.5;
	assert_int_equal(detect_run(&f.s, f.pred, &cfg, &r, &err),
			 STATUS_RANGE);
}

/* A perfect forecast with no threshold floor: scores stay finite (0). */
static void test_perfect_forecast_without_floor(void **state)
{
	(void)state;
	Fixture f;
	fx_init(&f, 60);
	for (size_t t = LOOK; t < ROWS; t++)
		f.pred[t] = f.y[t];
	DetectConfig cfg;
	detect_config_defaults(&cfg);
	cfg.min_threshold = 0;
	DetectResult r;
	detect_result_init(&r);
	ErrorRecord err;
	const ThresholdMode all[] = {THRESH_SEED, THRESH_SIGMA, THRESH_DYNAMIC,
				     THRESH_CALIBRATED};
	for (size_t k = 0; k < 4; k++) {
		cfg.mode = all[k];
		assert_int_equal(detect_run(&f.s, f.pred, &cfg, &r, &err),
				 STATUS_OK);
		assert_true(r.threshold[0] > 0);
		for (size_t t = 0; t < ROWS; t++)
			assert_true(r.score[t] == 0.0f);
		assert_int_equal(r.n_det[0], 0);
		detect_result_free(&r);
	}
}

/* Run b over a (its arrays reused when they fit) and into a fresh result:
 * the same numbers. */
static void check_same_run(const Series *s, const float *pred,
			   const DetectConfig *cfg, DetectResult *a)
{
	DetectResult b;
	detect_result_init(&b);
	ErrorRecord err;
	assert_int_equal(detect_run(s, pred, cfg, a, &err), STATUS_OK);
	assert_int_equal(detect_run(s, pred, cfg, &b, &err), STATUS_OK);
	size_t n = s->rows * s->metrics * sizeof(float);
	assert_memory_equal(a->error, b.error, n);
	assert_memory_equal(a->smooth, b.smooth, n);
	assert_memory_equal(a->score, b.score, n);
	assert_true((a->surprise == NULL) == (b.surprise == NULL));
	if (a->surprise)
		assert_memory_equal(a->surprise, b.surprise, n);
	assert_memory_equal(a->threshold, b.threshold,
			    s->metrics * sizeof(float));
	assert_int_equal(a->n_node, b.n_node);
	for (size_t m = 0; m < s->metrics; m++)
		assert_int_equal(a->n_det[m], b.n_det[m]);
	detect_result_free(&b);
}

static void test_run_over_an_earlier_run(void **state)
{
	(void)state;
	Fixture f;
	fx_init(&f, 60);
	DetectConfig cfg;
	detect_config_defaults(&cfg);
	cfg.history = 60;
	cfg.refit = 7;
	DetectResult a;
	detect_result_init(&a);
	static const ThresholdMode modes[] = {THRESH_CALIBRATED, THRESH_SEED,
					      THRESH_CALIBRATED, THRESH_DYNAMIC,
					      THRESH_SIGMA};
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		/* other errors each time, so stale values would show */
		fx_err(&f, i % 2, 120 + 10 * i, 130 + 10 * i, 2.0f + (float)i);
		cfg.mode = modes[i];
		check_same_run(&f.s, f.pred, &cfg, &a);
	}
	/* a run of another size is not written over */
	f.s.rows = ROWS / 2;
	f.s.split = SPLIT / 2;
	check_same_run(&f.s, f.pred, &cfg, &a);
	detect_result_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_and_sigma_fit_on_the_train_part),
		cmocka_unit_test(test_min_duration_in_rows),
		cmocka_unit_test(test_runs_merge_and_min_duration_edges),
		cmocka_unit_test(test_criticality_cutoffs),
		cmocka_unit_test(test_node_union_takes_the_highest),
		cmocka_unit_test(test_alert_grouping_and_ranking),
		cmocka_unit_test(test_alert_criticality_rule),
		cmocka_unit_test(test_rethreshold_moves_detections),
		cmocka_unit_test(test_dynamic_mode_end_to_end),
		cmocka_unit_test(test_perfect_forecast_without_floor),
		cmocka_unit_test(test_calibrated_mode_end_to_end),
		cmocka_unit_test(test_run_over_an_earlier_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
