/* The calibrated score (engine/calib.c): on noise whose law is known, a
 * surprise of 3 is exceeded about once in a thousand rows, whatever the
 * noise's scale (the same threshold means the same on every metric); a
 * value far beyond the history scores far above the threshold; and the
 * first rows of a series score the same whether or not later rows exist.
 * The fast paths (bins without a logarithm, the histogram's counts summed
 * in quarters) give bit for bit what the rules written out plainly give. */
#include "tests/testutil.h"

#include <float.h>
#include <math.h>
#include <stdint.h>

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

/* calib.h's bin rule, written out. */
static int ref_bin(double x)
{
	if (!(x >= 1e-8))
		return 0;
	double b = 1.0 + floor((log10(x) + 8.0) * 25.0);
	return b > CALIB_BINS - 1 ? CALIB_BINS - 1 : (int)b;
}

static float bits_float(uint32_t u)
{
	float f;
	memcpy(&f, &u, sizeof(f));
	return f;
}

static void test_bins_equal_the_rule(void **state)
{
	(void)state;
	/* 64 floats either side of every bin edge */
	for (int b = 1; b < CALIB_BINS + 2; b++) {
		float e = (float)pow(10.0, -8.0 + (b - 1) / 25.0);
		uint32_t u;
		memcpy(&u, &e, sizeof(u));
		for (uint32_t d = 0; d < 128; d++) {
			float x = bits_float(u - 64 + d);
			assert_int_equal(calib_bin(x), ref_bin(x));
		}
	}
	/* a million log-uniform values over 1e-12 .. 1e4, and the odd ones */
	Rng r;
	rng_seed(&r, 5);
	for (int i = 0; i < 1000000; i++) {
		float x = (float)pow(10.0, -12.0 + 16.0 * rng_uniform(&r));
		assert_int_equal(calib_bin(x), ref_bin(x));
	}
	const float odd[] = {0.0f, -0.0f, -1.0f, 1e-8f, FLT_MIN, FLT_MAX,
			     1e-45f, INFINITY, -INFINITY, NAN, 100.0f, 1.0f};
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		assert_int_equal(calib_bin(odd[i]), ref_bin(odd[i]));
}

/* calib_surprise as calib.h describes it, without its shortcuts: the bin
 * of every use computed, the counts summed bin after bin at every fit,
 * every logarithm taken where it is used. */
static void ref_surprise(const float *x, size_t n, size_t fit_end,
			 const CalibConfig *c, float *out)
{
	static double count[CALIB_BINS], sum[CALIB_BINS], ge[CALIB_BINS + 1];
	memset(count, 0, sizeof(count));
	memset(sum, 0, sizeof(sum));
	size_t added = 0, removed = 0;
	for (size_t t0 = 0; t0 < n;) {
		int whole = fit_end > 0 && t0 == 0;
		size_t end = whole ? fit_end : t0 + c->refit < n ? t0 + c->refit : n;
		size_t upto = whole ? fit_end : t0;
		for (; added < upto; added++)
			if (!isnan(x[added])) {
				count[ref_bin(x[added])] += 1.0;
				sum[ref_bin(x[added])] += (double)x[added];
			}
		for (; !whole && removed + c->history < t0; removed++)
			if (!isnan(x[removed])) {
				count[ref_bin(x[removed])] -= 1.0;
				sum[ref_bin(x[removed])] -= (double)x[removed];
			}
		ge[CALIB_BINS] = 0;
		for (int b = CALIB_BINS - 1; b >= 0; b--)
			ge[b] = ge[b + 1] + count[b];
		double nn = ge[0];
		int ok = nn >= 1.0 / c->tail && nn >= 2;
		double u = 0, q = 0, beta = 0;
		if (ok) {
			int j = CALIB_BINS - 1;
			while (j > 0 && ge[j] < c->tail * nn)
				j--;
			double s = 0;
			for (int b = j; b < CALIB_BINS; b++)
				s += sum[b];
			u = j ? pow(10.0, -8.0 + (j - 1) / 25.0) : 0.0;
			q = ge[j] / nn;
			beta = (s - ge[j] * u) / ge[j];
			if (!(beta >= c->min_scale))
				beta = c->min_scale;
		}
		for (size_t t = t0; t < end; t++) {
			double l = 0;
			if (ok && !isnan(x[t])) {
				double p = ge[ref_bin(x[t])] / nn;
				l = x[t] > u ? -log10(q) + ((double)x[t] - u) /
							       (beta * M_LN10)
				    : p < 1.0 ? -log10(p)
					      : 0.0;
			}
			out[t] = (float)(l > c->cap ? c->cap : l);
		}
		t0 = end;
	}
}

static void test_equals_the_plain_rules(void **state)
{
	(void)state;
	const size_t n = 60000;
	const CalibConfig cs[] = {
		cfg,
		{.history = 7000, .refit = 37, .tail = 0.05, .min_scale = 1e-3,
		 .cap = 12},
	};
	CalibWork *w = malloc(sizeof(*w));
	float *a = malloc(n * sizeof(float)), *b = malloc(n * sizeof(float));
	float *x = noise(0.02, 17);
	assert_non_null(w);
	for (size_t t = 0; t < n; t += 997)
		x[t] = NAN;
	for (size_t t = 500; t < n; t += 1500)
		x[t] = 0; /* bin 0 */
	x[20000] = 5.0f; /* far in the tail */
	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++)
		for (size_t fe = 0; fe <= 30000; fe += 30000) {
			calib_surprise(x, n, fe, &cs[i], w, a);
			ref_surprise(x, n, fe, &cs[i], b);
			assert_memory_equal(a, b, n * sizeof(float));
		}
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
		cmocka_unit_test(test_bins_equal_the_rule),
		cmocka_unit_test(test_equals_the_plain_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
