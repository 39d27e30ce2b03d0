/* Incremental threshold moves (engine/rethresh.h) against a full rerun:
 * the same random sequence of moves (one metric or all, factors from 0.4
 * to 2.5) applied with detect_rethreshold and with rethresh_move to two
 * copies of one detection run must leave the same thresholds, the same
 * detections of every metric, the same node detections and the same alerts
 * (ranked metrics and masses included), and rethresh_score must give every
 * score the full rerun wrote. On real values: the bundled SMD machine (38
 * metrics) and a 40k-row synthetic series (3 metrics, spikes, ranges and a
 * level shift), with a naive forecast (the previous value), in every
 * threshold mode and under both node rules. */
#include "tests/testutil.h"

#include <math.h>

#include "data/synth.h"
#include "engine/detect.h"
#include "engine/rethresh.h"

/* The previous value as the forecast (NaN in the first row). */
static float *naive(const Series *s)
{
	float *p = malloc(s->rows * s->metrics * sizeof(float));
	assert_non_null(p);
	for (size_t m = 0; m < s->metrics; m++)
		for (size_t t = 0; t < s->rows; t++)
			p[m * s->rows + t] =
				t ? s->values[m * s->rows + t - 1] : NAN;
	return p;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static double uniform(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void same_dets(const Detection *a, size_t na, const Detection *b,
		      size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(a[i].r.start, b[i].r.start);
		assert_int_equal(a[i].r.end, b[i].r.end);
		assert_int_equal(a[i].crit, b[i].crit);
		assert_int_equal(a[i].metric, b[i].metric);
		assert_true(a[i].peak == b[i].peak);
	}
}

static void same_result(const DetectResult *a, const DetectResult *b)
{
	size_t R = a->rows;
	for (size_t m = 0; m < a->metrics; m++) {
		assert_true(a->threshold[m] == b->threshold[m]);
		same_dets(a->det[m], a->n_det[m], b->det[m], b->n_det[m]);
		for (size_t t = 0; t < R; t++)
			if (a->score[m * R + t] != rethresh_score(b, m, t))
				fail_msg("metric %zu row %zu: score %.9g, "
					 "incremental %.9g",
					 m, t, (double)a->score[m * R + t],
					 (double)rethresh_score(b, m, t));
	}
	for (size_t i = 0; a->win_thr && i < a->metrics * a->n_win; i++)
		assert_true(a->win_thr[i] == b->win_thr[i]);
	same_dets(a->node, a->n_node, b->node, b->n_node);
	assert_int_equal(a->n_alerts, b->n_alerts);
	for (size_t i = 0; i < a->n_alerts; i++) {
		const Alert *x = &a->alerts[i], *y = &b->alerts[i];
		assert_int_equal(x->r.start, y->r.start);
		assert_int_equal(x->r.end, y->r.end);
		assert_int_equal(x->crit, y->crit);
		assert_true(x->peak == y->peak);
		assert_int_equal(x->n_node, y->n_node);
		assert_int_equal(x->n_low, y->n_low);
		assert_int_equal(x->n_medium, y->n_medium);
		assert_int_equal(x->n_high, y->n_high);
		assert_int_equal(x->n_ranked, y->n_ranked);
		for (size_t j = 0; j < x->n_ranked; j++) {
			assert_int_equal(x->ranked[j].metric,
					 y->ranked[j].metric);
			assert_true(x->ranked[j].mass == y->ranked[j].mass);
			assert_true(x->ranked[j].share == y->ranked[j].share);
		}
	}
}

/* moves random moves on s under cfg, checked after each; returns the
 * number of detections seen in all (so a test can insist on some). */
static size_t check_moves(const Series *s, const DetectConfig *cfg,
			  int moves)
{
	float *pred = naive(s);
	DetectResult full, inc;
	ErrorRecord err;
	detect_result_init(&full);
	detect_result_init(&inc);
	assert_int_equal(detect_run(s, pred, cfg, &full, &err), STATUS_OK);
	assert_int_equal(detect_run(s, pred, cfg, &inc, &err), STATUS_OK);
	RethreshIndex ix;
	assert_int_equal(rethresh_init(&ix, &inc, &err), STATUS_OK);
	same_result(&full, &inc);
	size_t seen = 0;
	for (int i = 0; i < moves; i++) {
		size_t m = uniform() < 0.3 ? DETECT_ALL
					   : (size_t)(uniform() *
						      (double)s->metrics);
		if (i == 0) /* down first: detections to compare */
			m = DETECT_ALL;
		/* small steps like the dashboard's, and big jumps */
		double f = uniform() < 0.5 ? (uniform() < 0.5 ? 1.1 : 1 / 1.1)
					   : 0.4 + 2.1 * uniform();
		if (i == 0)
			f = 0.3;
		assert_int_equal(detect_rethreshold(&full, m, f, &err),
				 STATUS_OK);
		assert_int_equal(rethresh_move(&inc, &ix, m, f, &err),
				 STATUS_OK);
		same_result(&full, &inc);
		seen += full.n_node;
		for (size_t k = 0; k < s->metrics; k++)
			seen += full.n_det[k];
	}
	rethresh_free(&ix);
	detect_result_free(&full);
	detect_result_free(&inc);
	free(pred);
	return seen;
}

static void each_mode(const Series *s, int moves, size_t min_seen)
{
	static const ThresholdMode modes[] = {THRESH_CALIBRATED, THRESH_SEED,
					      THRESH_SIGMA, THRESH_DYNAMIC};
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		for (size_t k = 0; k <= 2; k += 2) {
			DetectConfig cfg;
			detect_config_defaults(&cfg);
			cfg.mode = modes[i];
			cfg.node_top_k = k;
			cfg.min_duration = 120; /* 2 rows */
			cfg.dyn_window = s->rows / 8;
			size_t seen = check_moves(s, &cfg, moves);
			if (seen < min_seen)
				fail_msg("mode %s, top-k %zu: only %zu "
					 "detections over the moves",
					 detect_mode_name(modes[i]), k, seen);
		}
}

static void test_smd_machine(void **state)
{
	(void)state;
	Series s;
	series_init(&s);
	SeriesOptions so;
	memset(&so, 0, sizeof(so));
	ErrorRecord err;
	assert_int_equal(
		series_open(&s,
			    "data/samples/smd-cut/ServerMachineDataset:"
			    "machine-1-2",
			    &so, &err),
		STATUS_OK);
	each_mode(&s, 40, 10);
	series_free(&s);
}

static void test_long_synthetic(void **state)
{
	(void)state;
	SynthOptions so;
	synth_defaults(&so);
	so.points = 40000;
	so.anomalies = 30;
	so.max_duration = 40;
	so.level_shifts = 1;
	Series s;
	series_init(&s);
	ErrorRecord err;
	assert_int_equal(synth_generate(&so, &s, NULL, NULL, &err), STATUS_OK);
	each_mode(&s, 25, 10);
	series_free(&s);
}

/* The display scale: base score x scale is the score in force (up to
 * rounding). */
static void test_scale(void **state)
{
	(void)state;
	SynthOptions so;
	synth_defaults(&so);
	so.points = 3000;
	Series s;
	series_init(&s);
	ErrorRecord err;
	assert_int_equal(synth_generate(&so, &s, NULL, NULL, &err), STATUS_OK);
	float *pred = naive(&s);
	DetectConfig cfg;
	detect_config_defaults(&cfg);
	DetectResult r;
	detect_result_init(&r);
	assert_int_equal(detect_run(&s, pred, &cfg, &r, &err), STATUS_OK);
	RethreshIndex ix;
	assert_int_equal(rethresh_init(&ix, &r, &err), STATUS_OK);
	assert_true(rethresh_scale(&r, &ix, 1) == 1.0);
	assert_int_equal(rethresh_move(&r, &ix, 1, 1.25, &err), STATUS_OK);
	double g = rethresh_scale(&r, &ix, 1);
	assert_true(fabs(g - 0.8) < 1e-6);
	for (size_t t = 0; t < s.rows; t++) {
		double want = rethresh_score(&r, 1, t);
		double got = r.score[s.rows + t] * g;
		assert_true(fabs(want - got) <= 1e-5 * (1 + fabs(want)));
	}
	assert_int_equal(rethresh_move(&r, &ix, 7, 1.25, &err),
			 STATUS_RANGE);
	assert_int_equal(rethresh_move(&r, &ix, 0, 0, &err), STATUS_RANGE);
	rethresh_free(&ix);
	detect_result_free(&r);
	free(pred);
	series_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smd_machine),
		cmocka_unit_test(test_long_synthetic),
		cmocka_unit_test(test_scale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
