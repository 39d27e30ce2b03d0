/* Threshold modes on hand-made error series: each threshold checked against
 * a computation written out independently here. */
#include "tests/testutil.h"

#include <math.h>

#include "engine/threshold.h"

static void test_seed_is_k_times_rmse(void **state)
{
	(void)state;
	const float x[] = {0.1f, 0.2f, 0.3f, NAN, 0.4f};
	double rmse = sqrt((0.01 + 0.04 + 0.09 + 0.16) / 4.0);
	assert_float_equal(threshold_seed(x, 5, 1.5), 1.5 * rmse, 1e-6);
	assert_float_equal(threshold_seed(x, 5, 1.0), rmse, 1e-6);
	assert_float_equal(threshold_seed(x, 0, 1.5), 0.0, 0.0);
}

static void test_sigma_is_mean_plus_z_std(void **state)
{
	(void)state;
	const float x[] = {1, 2, 3, 4, 5, 6, 7, 8};
	/* mean 4.5, population variance 5.25 */
	assert_float_equal(threshold_sigma(x, 8, 3.0), 4.5 + 3 * sqrt(5.25),
			   1e-6);
	assert_float_equal(threshold_sigma(x, 8, 0.0), 4.5, 1e-6);
}

/* Quiet noise around 0.1 with spikes at given positions and heights. */
static void make_window(float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x[i] = 0.1f + 0.01f * (float)sin(0.7 * (double)i);
}

/* The dynamic objective, the slow obvious way. */
static double brute_eps(const float *x, size_t n, size_t buf)
{
	double mu = 0, sd = 0;
	for (size_t i = 0; i < n; i++)
		mu += x[i];
	mu /= (double)n;
	for (size_t i = 0; i < n; i++)
		sd += (x[i] - mu) * (x[i] - mu);
	sd = sqrt(sd / (double)n);
	double best = -1e300, best_eps = mu + 12 * sd;
	int *mark = calloc(n, sizeof(int));
	for (double z = 2.5; z <= 12.0 + 1e-9; z += 0.5) {
		double eps = mu + z * sd;
		double sb = 0, sb2 = 0;
		size_t nb = 0;
		memset(mark, 0, n * sizeof(int));
		for (size_t i = 0; i < n; i++) {
			if (x[i] < eps) {
				sb += x[i];
				nb++;
				continue;
			}
			for (long j = (long)i - (long)buf; j <= (long)(i + buf);
			     j++)
				if (j >= 0 && j < (long)n)
					mark[j] = 1;
		}
		if (nb == n || nb == 0)
			continue;
		double mb = sb / (double)nb;
		for (size_t i = 0; i < n; i++)
			if (x[i] < eps)
				sb2 += (x[i] - mb) * (x[i] - mb);
		double sdb = sqrt(sb2 / (double)nb);
		size_t na = 0, nseq = 0;
		for (size_t i = 0; i < n; i++) {
			na += mark[i];
			if (mark[i] && (i == 0 || !mark[i - 1]) && i + 1 < n &&
			    mark[i + 1])
				nseq++;
		}
		double score = ((mu - mb) / mu + (sd - sdb) / sd) /
			       ((double)(nseq * nseq) + (double)na);
		if (score >= best && nseq <= 5 && 2 * na < n) {
			best = score;
			best_eps = eps;
		}
	}
	free(mark);
	return best_eps;
}

static void test_dynamic_eps_matches_the_objective(void **state)
{
	(void)state;
	enum { N = 600 };
	float x[N];
	make_window(x, N);
	for (int i = 200; i < 206; i++)
		x[i] = 0.9f;
	for (int i = 450; i < 453; i++)
		x[i] = 0.5f;
	DynamicThreshold d = threshold_dynamic(x, N, 5, 0.13);
	double want = brute_eps(x, N, 5);
	assert_float_equal(d.eps, want, 1e-6 * want);
	/* the objective favours few sequences: only the big spike (0.9)
	 * is above eps, the 0.5 one and the noise are below */
	assert_true(d.eps < 0.9 && d.eps > 0.5);
	assert_int_equal(d.n_seq, 1);
	assert_int_equal(d.n_kept, 1);
	assert_float_equal(d.threshold, d.eps, 0.0);
	/* z is on the grid */
	double zz = (d.z - 2.5) / 0.5;
	assert_float_equal(zz, round(zz), 1e-9);
	assert_float_equal(d.eps, d.mean + d.z * d.std, 1e-9);

	/* another buffer changes the counts the objective sees */
	d = threshold_dynamic(x, N, 0, 0.13);
	want = brute_eps(x, N, 0);
	assert_float_equal(d.eps, want, 1e-6 * want);
}

static void test_prune_drops_sequences_close_to_the_noise(void **state)
{
	(void)state;
	enum { N = 300 };
	float x[N];
	make_window(x, N); /* noise max ~0.11 */
	for (int i = 50; i < 55; i++)
		x[i] = 1.0f;
	x[150] = 0.118f; /* a bump 7% above the noise max */
	x[151] = 0.118f;
	size_t n_seq, n_kept;
	double thr = threshold_prune(x, N, 0.115, 2, 0.13, &n_seq, &n_kept);
	assert_int_equal(n_seq, 2);
	assert_int_equal(n_kept, 1);
	/* the bump is below the threshold, the spike above */
	assert_true(thr > 0.118);
	assert_true(thr < 0.1181);
	assert_true(1.0 >= thr);

	/* a second spike 5% below the first is kept with it (drop < p, then a
	 * big drop to the bump) */
	for (int i = 100; i < 104; i++)
		x[i] = 0.95f;
	thr = threshold_prune(x, N, 0.115, 2, 0.13, &n_seq, &n_kept);
	assert_int_equal(n_seq, 3);
	assert_int_equal(n_kept, 2);
	assert_true(thr > 0.118 && thr < 0.95);

	/* with p = 0.9 every drop is small: everything is pruned */
	thr = threshold_prune(x, N, 0.115, 2, 0.9, &n_seq, &n_kept);
	assert_int_equal(n_kept, 0);
	assert_true(thr > 1.0);
}

static void test_dynamic_constant_window_detects_nothing(void **state)
{
	(void)state;
	float x[50];
	for (int i = 0; i < 50; i++)
		x[i] = 0.25f;
	DynamicThreshold d = threshold_dynamic(x, 50, 3, 0.13);
	assert_true(d.threshold > 0.25);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_is_k_times_rmse),
		cmocka_unit_test(test_sigma_is_mean_plus_z_std),
		cmocka_unit_test(test_dynamic_eps_matches_the_objective),
		cmocka_unit_test(test_prune_drops_sequences_close_to_the_noise),
		cmocka_unit_test(test_dynamic_constant_window_detects_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
