/* The calibrated score (engine/calib.c): on noise whose law is known, a
 * surprise of 3 is exceeded about once in a thousand rows, whatever the
 * noise's scale (the same threshold means the same on every metric); a
 * value far beyond the history scores far above the threshold; and the
 * first rows of a series score the same whether or not later rows exist. */
#include "tests/testutil.h"

#include <math.h>

#include "data/rng.h"
#include "engine/calib.h"

enum { N = 200000, SPLIT = 20000 };

static const CalibConfig cfg = {.history = 30000,
				.refit = 50,
				.tail = 0.02,
				.min_scale = 1e-9,
				.cap = 100};

/* Exponential noise times scale. */
static float *noise(double scale, uint64_t seed)
{
	float *x = malloc(N * sizeof(*x));
	assert_non_null(x);
	Rng r;
	rng_seed(&r, seed);
	for (size_t t = 0; t < N; t++)
		x[t] = (float)(-log(1.0 - rng_uniform(&r)) * scale);
	return x;
}

static size_t exceed(const float *s, double level)
{
	size_t k = 0;
	for (size_t t = SPLIT; t < N; t++)
		k += s[t] >= level;
	return k;
}

static void test_tail_probability_is_calibrated(void **state)
{
	(void)state;
	CalibWork *w = malloc(sizeof(*w));
	float *s1 = malloc(N * sizeof(float)), *s2 = malloc(N * sizeof(float));
	assert_non_null(w);
	float *x = noise(1.0, 7), *y = noise(1000.0, 7);
	calib_surprise(x, N, SPLIT, &cfg, w, s1);
	calib_surprise(y, N, SPLIT, &cfg, w, s2);
	/* 180,000 scored rows: p <= 1e-3 about 180 times, 1e-2 about 1,800 */
	size_t k3 = exceed(s1, 3.0), k2 = exceed(s1, 2.0);
	assert_in_range(k3, 90, 360);
	assert_in_range(k2, 1200, 2700);
	/* a thousand times the scale: the same surprises, up to the
	 * histogram's rounding */
	size_t d3 = exceed(s2, 3.0);
	assert_in_range(d3, k3 * 8 / 10, k3 * 12 / 10 + 2);
	/* p <= 1e-6 is rare on Exp(1) noise: exp(-13.8) */
	assert_in_range(exceed(s1, 6.0), 0, 3);
	free(x);
	free(y);
	free(s1);
	free(s2);
	free(w);
}

static void test_outlier_stands_out(void **state)
{
	(void)state;
	CalibWork *w = malloc(sizeof(*w));
	float *s = malloc(N * sizeof(float));
	float *x = noise(0.01, 3);
	assert_non_null(w);
	x[SPLIT + 5000] = 0.3f; /* 30 x the mean: p = exp(-30) ~ 1e-13 */
	calib_surprise(x, N, SPLIT, &cfg, w, s);
	assert_true(s[SPLIT + 5000] > 10.0f);
	assert_true(s[SPLIT + 5000] < 16.0f);
	/* missing values score 0 and are not history */
	x[SPLIT + 6000] = NAN;
	calib_surprise(x, N, SPLIT, &cfg, w, s);
	assert_true(s[SPLIT + 6000] == 0.0f);
	free(x);
	free(s);
	free(w);
}

static void test_causal(void **state)
{
	(void)state;
	CalibWork *w = malloc(sizeof(*w));
	float *a = malloc(N * sizeof(float)), *b = malloc(N * sizeof(float));
	float *x = noise(2.0, 11);
	assert_non_null(w);
	calib_surprise(x, N, SPLIT, &cfg, w, a);
	/* cut at a row that is not a refit boundary */
	size_t cut = SPLIT + 12345;
	calib_surprise(x, cut, SPLIT, &cfg, w, b);
	assert_memory_equal(a, b, cut * sizeof(float));
	/* and a change after the cut changes nothing before it */
	for (size_t t = cut; t < N; t++)
		x[t] *= 50;
	calib_surprise(x, N, SPLIT, &cfg, w, b);
	assert_memory_equal(a, b, cut * sizeof(float));
	free(x);
	free(a);
	free(b);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tail_probability_is_calibrated),
		cmocka_unit_test(test_outlier_stands_out),
		cmocka_unit_test(test_causal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
