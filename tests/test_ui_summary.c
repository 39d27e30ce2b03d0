/* The plot's multi-resolution min/max summaries against brute force: on
 * random series (with NaN and infinities) of many lengths, every span and
 * every window at every zoom gives exactly the min and max a pass over the
 * rows gives (plot_columns, plot_extent), and a lone spike in a million
 * rows shows in the column that holds it when zoomed all the way out. */
#include "tests/testutil.h"

#include <math.h>

#include "data/rng.h"
#include "ui/dash/plot.h"
#include "ui/dash/summary.h"

static float *random_series(Rng *rng, size_t n)
{
	float *x = malloc((n ? n : 1) * sizeof(float));
	assert_non_null(x);
	for (size_t r = 0; r < n; r++) {
		double u = rng_uniform(rng);
		if (u < 0.03)
			x[r] = NAN;
		else if (u < 0.035)
			x[r] = u < 0.0325 ? INFINITY : -INFINITY;
		else
			x[r] = (float)(100 * rng_normal(rng));
	}
	return x;
}

static void same_span(PlotSpan want, PlotSpan got)
{
	assert_int_equal(want.has, got.has);
	if (want.has) {
		assert_true(want.lo == got.lo);
		assert_true(want.hi == got.hi);
	}
}

/* Every span [r0, r1) of short series (every length up to 5 blocks and a
 * bit), and random spans of longer ones. */
static void test_spans_match_brute_force(void **state)
{
	(void)state;
	Rng rng;
	rng_seed(&rng, 7);
	for (size_t n = 0; n <= 5 * PLOT_SUMMARY_BLOCK + 3; n++) {
		float *x = random_series(&rng, n);
		PlotSummary s;
		assert_int_equal(plot_summary_build(&s, x, n), 0);
		for (size_t r0 = 0; r0 <= n; r0++)
			for (size_t r1 = r0; r1 <= n + 2; r1++) {
				PlotSpan want;
				plot_columns(x, n, r0, r1 - r0, 1, &want);
				if (r1 == r0)
					want.has = 0;
				same_span(want, plot_summary_span(&s, r0, r1));
			}
		plot_summary_free(&s);
		free(x);
	}
	size_t lens[] = {1000, 4096, 4097, 65535, 100003};
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t n = lens[i];
		float *x = random_series(&rng, n);
		PlotSummary s;
		assert_int_equal(plot_summary_build(&s, x, n), 0);
		for (int k = 0; k < 600; k++) {
			size_t r0 = (size_t)(rng_uniform(&rng) * (double)n);
			size_t r1 = r0 + (size_t)(rng_uniform(&rng) *
						  (double)(n - r0 + 1));
			PlotSpan want;
			plot_columns(x, n, r0, r1 - r0, 1, &want);
			if (r1 == r0)
				want.has = 0;
			same_span(want, plot_summary_span(&s, r0, r1));
		}
		plot_summary_free(&s);
		free(x);
	}
}

/* Random windows and zooms (zoomed in past one row a column, and out to
 * the whole series): the columns and the extent equal plot_columns' and
 * plot_extent's. */
static void test_columns_and_extent_at_any_zoom(void **state)
{
	(void)state;
	Rng rng;
	rng_seed(&rng, 11);
	size_t n = 200003;
	float *x = random_series(&rng, n);
	PlotSummary s;
	assert_int_equal(plot_summary_build(&s, x, n), 0);
	PlotSpan *want = malloc(400 * sizeof(PlotSpan));
	PlotSpan *got = malloc(400 * sizeof(PlotSpan));
	for (int k = 0; k < 300; k++) {
		size_t ncols = 1 + (size_t)(rng_uniform(&rng) * 399);
		/* window lengths from a few rows to all of them, log-uniform */
		size_t count = (size_t)exp(rng_uniform(&rng) * log((double)n));
		if (count < 1)
			count = 1;
		if (count > n)
			count = n;
		size_t first = (size_t)(rng_uniform(&rng) *
					(double)(n - count + 1));
		plot_columns(x, n, first, count, ncols, want);
		plot_summary_columns(&s, first, count, ncols, got);
		for (size_t c = 0; c < ncols; c++)
			same_span(want[c], got[c]);
		float lo1 = 0, hi1 = 0, lo2 = 0, hi2 = 0;
		int h1 = plot_extent(x, n, first, count, &lo1, &hi1);
		int h2 = plot_summary_extent(&s, first, count, &lo2, &hi2);
		assert_int_equal(h1, h2);
		if (h1) {
			assert_true(lo1 == lo2);
			assert_true(hi1 == hi2);
		}
	}
	free(want);
	free(got);
	plot_summary_free(&s);
	free(x);
}

/* A million flat rows with one spike: zoomed all the way out to 200
 * columns the spike's column reaches it, the others stay flat. */
static void test_spike_survives_zoom_out(void **state)
{
	(void)state;
	size_t n = 1000000, spike = 612345;
	float *x = malloc(n * sizeof(float));
	assert_non_null(x);
	for (size_t r = 0; r < n; r++)
		x[r] = 50.0f;
	x[spike] = 97.5f;
	PlotSummary s;
	assert_int_equal(plot_summary_build(&s, x, n), 0);
	PlotSpan cols[200];
	plot_summary_columns(&s, 0, n, 200, cols);
	long at = plot_row_column(0, n, 200, spike);
	assert_int_equal(at, 122);
	for (size_t c = 0; c < 200; c++) {
		assert_true(cols[c].has);
		assert_true(cols[c].lo == 50.0f);
		assert_true(cols[c].hi == ((long)c == at ? 97.5f : 50.0f));
	}
	plot_summary_free(&s);
	free(x);
}

/* The cache between frames: the same data at the same generation is
 * summarised once; data changed in place shows once the generation moves;
 * short series go row by row; with more columns of data than slots, the
 * answers stay right. */
static void test_cache_follows_generations(void **state)
{
	(void)state;
	Rng rng;
	rng_seed(&rng, 3);
	size_t n = 50000;
	float *x = random_series(&rng, n);
	PlotSummaryCache c;
	memset(&c, 0, sizeof(c));
	const PlotSummary *a = plot_summary_cached(&c, x, n, 1);
	assert_non_null(a);
	assert_ptr_equal(plot_summary_cached(&c, x, n, 1), a);
	assert_null(plot_summary_cached(&c, x, PLOT_SUMMARY_MIN_ROWS - 1, 1));
	x[40000] = 1e9f; /* a new score, say: the plot must show it */
	PlotSpan want[100], got[100];
	plot_columns(x, n, 0, n, 100, want);
	plot_columns_fast(&c, 2, x, n, 0, n, 100, got);
	for (size_t k = 0; k < 100; k++)
		same_span(want[k], got[k]);
	assert_true(got[80].hi == 1e9f);
	float lo, hi;
	assert_true(plot_extent_fast(&c, 2, x, n, 39000, 2000, &lo, &hi));
	assert_true(hi == 1e9f);
	/* more columns than slots */
	float *many[PLOT_SUMMARY_SLOTS + 5];
	for (size_t i = 0; i < PLOT_SUMMARY_SLOTS + 5; i++)
		many[i] = random_series(&rng, 5000);
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < PLOT_SUMMARY_SLOTS + 5; i++) {
			plot_columns(many[i], 5000, 0, 5000, 100, want);
			plot_columns_fast(&c, 2, many[i], 5000, 0, 5000, 100,
					  got);
			for (size_t k = 0; k < 100; k++)
				same_span(want[k], got[k]);
		}
	for (size_t i = 0; i < PLOT_SUMMARY_SLOTS + 5; i++)
		free(many[i]);
	plot_summary_cache_free(&c);
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spans_match_brute_force),
		cmocka_unit_test(test_columns_and_extent_at_any_zoom),
		cmocka_unit_test(test_spike_survives_zoom_out),
		cmocka_unit_test(test_cache_follows_generations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
