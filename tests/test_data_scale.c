/* Preprocessing: min-max scaling fitted on the train rows only, constant
 * columns, the inverse, and the rolling mean / standard deviation features
 * against a direct computation. */
#include "tests/testutil.h"

#include <math.h>

#include "data/rng.h"
#include "data/scale.h"

static void make_series(Series *s, size_t rows, size_t metrics)
{
	ErrorRecord err;
	assert_int_equal(series_alloc(s, rows, metrics, &err), STATUS_OK);
}

static void test_fit_on_train_rows_only(void **state)
{
	(void)state;
	Series s;
	make_series(&s, 6, 3);
	/* metric 0: train 10..20, test goes up to 40 */
	const float a[6] = {10, 15, 20, 12, 40, 5};
	const float c[6] = {7, 7, 7, 7, 9, 7}; /* constant in train */
	const float b[6] = {-1, 1, 0, 0.5f, -3, 3};
	memcpy(series_column(&s, 0), a, sizeof(a));
	memcpy(series_column(&s, 1), c, sizeof(c));
	memcpy(series_column(&s, 2), b, sizeof(b));
	s.split = 3;
	Scaler sc;
	scaler_init(&sc);
	ErrorRecord err;
	assert_int_equal(scaler_fit(&sc, &s, &err), STATUS_OK);
	assert_true(sc.min[0] == 10.0f && sc.max[0] == 20.0f);
	assert_true(sc.min[1] == 7.0f && sc.max[1] == 7.0f);
	assert_true(scaler_apply(&sc, 0, 15) == 0.5f);
	assert_true(scaler_apply(&sc, 0, 40) == 3.0f); /* test leaks nothing */
	assert_true(scaler_apply(&sc, 1, 9) == 0.0f);  /* constant: 0 */
	assert_false(isnan(scaler_apply(&sc, 1, 7)));
	assert_true(scaler_invert(&sc, 0, 0.25f) == 12.5f);
	assert_true(scaler_invert(&sc, 1, 0.5f) == 7.0f);
	scaler_transform(&sc, &s);
	assert_true(series_at(&s, 0, 0) == 0.0f);
	assert_true(series_at(&s, 0, 2) == 1.0f);
	assert_true(series_at(&s, 0, 5) == -0.5f);
	assert_true(series_at(&s, 2, 1) == 1.0f);
	for (size_t r = 0; r < 6; r++)
		assert_true(series_at(&s, 1, r) == 0.0f);
	/* round trip */
	for (size_t r = 0; r < 6; r++)
		assert_float_equal(scaler_invert(&sc, 0, series_at(&s, 0, r)),
				   a[r], 1e-5);
	scaler_free(&sc);
	/* split 0: fit on all rows */
	series_free(&s);
	make_series(&s, 4, 1);
	const float d[4] = {1, 2, 3, 9};
	memcpy(series_column(&s, 0), d, sizeof(d));
	s.split = 0;
	assert_int_equal(scaler_fit(&sc, &s, &err), STATUS_OK);
	assert_true(sc.max[0] == 9.0f);
	scaler_free(&sc);
	series_free(&s);
}

static void test_rolling_features_match_direct_computation(void **state)
{
	(void)state;
	enum { N = 500 };
	float x[N], mean[N], sd[N];
	Rng rng;
	rng_seed(&rng, 3);
	for (size_t i = 0; i < N; i++)
		x[i] = (float)(1000.0 + 50.0 * rng_normal(&rng));
	static const size_t ws[] = {1, 5, 10, 60, 1000};
	for (size_t k = 0; k < sizeof(ws) / sizeof(ws[0]); k++) {
		size_t w = ws[k];
		scale_rolling_mean(x, N, w, mean);
		scale_rolling_std(x, N, w, sd);
		for (size_t r = 0; r < N; r++) {
			size_t lo = r + 1 >= w ? r + 1 - w : 0;
			double m = 0, v = 0;
			for (size_t i = lo; i <= r; i++)
				m += x[i];
			m /= (double)(r - lo + 1);
			for (size_t i = lo; i <= r; i++)
				v += (x[i] - m) * (x[i] - m);
			v = sqrt(v / (double)(r - lo + 1));
			assert_float_equal(mean[r], m, 1e-3);
			assert_float_equal(sd[r], v, 1e-2);
		}
	}
	/* a window of 1 has no spread; a constant series neither */
	scale_rolling_std(x, N, 1, sd);
	assert_true(sd[7] == 0.0f);
	float c[20];
	for (size_t i = 0; i < 20; i++)
		c[i] = 0.3f;
	scale_rolling_std(c, 20, 4, sd);
	for (size_t i = 0; i < 20; i++)
		assert_true(sd[i] == 0.0f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit_on_train_rows_only),
		cmocka_unit_test(test_rolling_features_match_direct_computation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
