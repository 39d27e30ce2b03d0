/* The dispatched kernels at every instruction set this CPU has (portable,
 * AVX2, AVX-512): matrix products on shapes with ragged edges, the
 * activations across their range, the fused LSTM cell, and the fused
 * inference step (product and cell on interleaved gates), each against a
 * plain double computation; the inference step also bit for bit against
 * the product and cell kernels it replaces, and detection's error and
 * score kernels against the C expressions they stand for. */
#include "tests/testutil.h"

#include <math.h>

#include "data/rng.h"
#include "engine/kernels.h"

static const KernIsa all_isas[] = {KERN_GENERIC, KERN_AVX2, KERN_AVX512};

static void fill(float *x, size_t n, Rng *rng)
{
	for (size_t i = 0; i < n; i++)
		x[i] = (float)(2 * rng_uniform(rng) - 1);
}

static void check_gemm_shape(size_t M, size_t N, size_t K, Rng *rng)
{
	size_t lda = K + 3, ldb = N + 5, ldc = N + 2, ldat = M + 1;
	float *A = malloc(M * lda * sizeof(float));
	float *At = malloc(K * ldat * sizeof(float)); /* A^T, K x M */
	float *B = malloc(K * ldb * sizeof(float));
	float *C = malloc(M * ldc * sizeof(float));
	float *C0 = malloc(M * ldc * sizeof(float));
	float *bias = malloc(N * sizeof(float));
	float *Cf = malloc(M * ldc * sizeof(float)); /* kern_gemm_from's C0 */
	fill(A, M * lda, rng);
	fill(bias, N, rng);
	fill(Cf, M * ldc, rng);
	fill(B, K * ldb, rng);
	fill(C0, M * ldc, rng);
	for (size_t i = 0; i < M; i++)
		for (size_t k = 0; k < K; k++)
			At[k * ldat + i] = A[i * lda + k];
	for (int mode = 0; mode < 5; mode++) {
		/* 0: C = A B; 1: C += A B; 2: C += A^T-stored B;
		   3: C = bias + A B; 4: C = Cf + A B */
		memcpy(C, C0, M * ldc * sizeof(float));
		if (mode == 2)
			kern_gemm_tn(M, N, K, At, ldat, B, ldb, C, ldc);
		else if (mode == 3)
			kern_gemm_bias(M, N, K, A, lda, B, ldb, bias, C, ldc);
		else if (mode == 4)
			kern_gemm_from(M, N, K, A, lda, B, ldb, Cf, ldc, C,
				       ldc);
		else
			kern_gemm(M, N, K, A, lda, B, ldb, C, ldc, mode);
		for (size_t i = 0; i < M; i++)
			for (size_t j = 0; j < ldc; j++) {
				if (j >= N) { /* outside the matrix: untouched */
					assert_true(C[i * ldc + j] ==
						    C0[i * ldc + j]);
					continue;
				}
				double want = mode == 4 ? Cf[i * ldc + j]
					      : mode == 3 ? bias[j]
					      : mode    ? C0[i * ldc + j]
							: 0;
				for (size_t k = 0; k < K; k++)
					want += (double)A[i * lda + k] *
						B[k * ldb + j];
				double tol = 1e-6 * (double)(K + 1);
				if (fabs(C[i * ldc + j] - want) > tol)
					print_message("M %zu N %zu K %zu mode %d "
						      "(%zu,%zu): %g vs %g\n",
						      M, N, K, mode, i, j,
						      C[i * ldc + j], want);
				assert_true(fabs(C[i * ldc + j] - want) <= tol);
			}
	}
	free(A);
	free(At);
	free(B);
	free(C);
	free(C0);
	free(bias);
	free(Cf);
}

static void test_gemm_at_every_isa(void **state)
{
	(void)state;
	static const size_t shapes[][3] = {
		{1, 1, 1},    {7, 33, 5},   {9, 50, 200}, {17, 200, 38},
		{16, 49, 3},  {8, 48, 16},  {3, 97, 64},  {25, 15, 11},
		{160, 200, 38}, {1, 200, 160}};
	Rng rng;
	rng_seed(&rng, 5);
	KernIsa keep = kern_isa();
	for (size_t v = 0; v < 3; v++) {
		if (kern_set_isa(all_isas[v]) != all_isas[v])
			continue; /* not on this CPU */
		for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++)
			check_gemm_shape(shapes[s][0], shapes[s][1],
					 shapes[s][2], &rng);
	}
	kern_set_isa(keep);
}

static void test_activations_at_every_isa(void **state)
{
	(void)state;
	const size_t n = 4001; /* not a multiple of any vector width */
	float *x = malloc(n * sizeof(float)), *y = malloc(n * sizeof(float));
	KernIsa keep = kern_isa();
	for (size_t v = 0; v < 3; v++) {
		if (kern_set_isa(all_isas[v]) != all_isas[v])
			continue;
		for (size_t i = 0; i < n; i++)
			x[i] = -100.0f + 200.0f * (float)i / (float)(n - 1);
		memcpy(y, x, n * sizeof(float));
		kern_sigmoid(y, n);
		for (size_t i = 0; i < n; i++)
			assert_true(fabs(y[i] - 1 / (1 + exp(-(double)x[i]))) <
				    1e-6);
		memcpy(y, x, n * sizeof(float));
		kern_tanh(y, n);
		for (size_t i = 0; i < n; i++)
			assert_true(fabs(y[i] - tanh((double)x[i])) < 2e-7 * 4);
	}
	kern_set_isa(keep);
	free(x);
	free(y);
}

static double sig(double v)
{
	return 1 / (1 + exp(-v));
}

static void test_lstm_cell_at_every_isa(void **state)
{
	(void)state;
	const size_t B = 3, H = 21, H4 = 84;
	float g[3 * 84], g0[3 * 84], cp[63], c[63], tc[63], h[63];
	float din[63], dh2[63], dc[63], dc0[63], dg[3 * 84];
	Rng rng;
	rng_seed(&rng, 8);
	fill(g0, B * H4, &rng);
	fill(cp, B * H, &rng);
	fill(din, B * H, &rng);
	fill(dh2, B * H, &rng);
	fill(dc0, B * H, &rng);
	KernIsa keep = kern_isa();
	for (size_t v = 0; v < 3; v++) {
		if (kern_set_isa(all_isas[v]) != all_isas[v])
			continue;
		for (int first = 0; first < 2; first++) {
			const float *prev = first ? NULL : cp;
			memcpy(g, g0, sizeof(g));
			kern_lstm_fwd(B, H, g, prev, c, tc, h);
			memcpy(dc, dc0, sizeof(dc));
			kern_lstm_bwd(B, H, g, tc, prev, din,
				      first ? NULL : dh2, dc, dg);
			for (size_t b = 0; b < B; b++)
				for (size_t j = 0; j < H; j++) {
					size_t k = b * H + j;
					const float *z = g0 + b * H4;
					double i = sig(z[j]), f = sig(z[H + j]);
					double o = sig(z[2 * H + j]);
					double gg = tanh(z[3 * H + j]);
					double p = prev ? prev[k] : 0;
					double cc = f * p + i * gg;
					double t = tanh(cc);
					assert_true(fabs(c[k] - cc) < 1e-6);
					assert_true(fabs(h[k] - o * t) < 1e-6);
					double dhv = din[k] + (first ? 0 : dh2[k]);
					double dcv = dc0[k] + dhv * o * (1 - t * t);
					assert_true(fabs(dc[k] - dcv * f) < 1e-5);
					const float *d = dg + b * H4;
					assert_true(fabs(d[j] - dcv * gg * i * (1 - i)) <
						    1e-5);
					assert_true(fabs(d[H + j] -
							 dcv * p * f * (1 - f)) < 1e-5);
					assert_true(fabs(d[2 * H + j] -
							 dhv * t * o * (1 - o)) < 1e-5);
					assert_true(fabs(d[3 * H + j] -
							 dcv * i * (1 - gg * gg)) <
						    1e-5);
				}
		}
	}
	kern_set_isa(keep);
}

/* kern_lstm_step on B rows of H units: against the double computation,
 * and bit for bit against kern_gemm_from / kern_gemm and kern_lstm_fwd on
 * the gate-major layout. */
static void check_step_shape(size_t B, size_t H, size_t K1, size_t K2,
			     int bias_row, int have_c, Rng *rng)
{
	size_t H4 = 4 * H, ldc0 = bias_row ? 0 : H4;
	size_t nc0 = bias_row ? H4 : B * H4;
	float *C0 = malloc(nc0 * sizeof(float));
	float *A1 = malloc((B * K1 + 1) * sizeof(float));
	float *A2 = malloc((B * K2 + 1) * sizeof(float));
	float *W1 = malloc((K1 * H4 + 1) * sizeof(float));
	float *W2 = malloc((K2 * H4 + 1) * sizeof(float));
	float *C0i = malloc(nc0 * sizeof(float));
	float *W1i = malloc((K1 * H4 + 1) * sizeof(float));
	float *W2i = malloc((K2 * H4 + 1) * sizeof(float));
	float *c = malloc(B * H * sizeof(float)), *h = malloc(B * H * sizeof(float));
	float *c0 = malloc(B * H * sizeof(float));
	float *cr = malloc(B * H * sizeof(float)), *hr = malloc(B * H * sizeof(float));
	float *tc = malloc(B * H * sizeof(float)), *g = malloc(B * H4 * sizeof(float));
	float *scr = malloc(kern_lstm_step_scratch(B, H) * sizeof(float));
	fill(C0, nc0, rng);
	fill(A1, B * K1 + 1, rng);
	fill(A2, B * K2 + 1, rng);
	fill(W1, K1 * H4 + 1, rng);
	fill(W2, K2 * H4 + 1, rng);
	fill(c0, B * H, rng);
	kern_lstm_interleave(bias_row ? 1 : B, H, C0, H4, C0i, H4);
	kern_lstm_interleave(K1, H, W1, H4, W1i, H4);
	kern_lstm_interleave(K2, H, W2, H4, W2i, H4);
	memcpy(c, c0, B * H * sizeof(float));
	kern_lstm_step(B, H, C0i, ldc0, A1, K1, W1i, K2 ? A2 : NULL, K2,
		       K2 ? W2i : NULL, have_c, c, h, scr);
	/* the kernels it replaces */
	for (size_t b = 0; b < B; b++)
		memcpy(g + b * H4, C0 + b * ldc0, H4 * sizeof(float));
	kern_gemm(B, H4, K1, A1, K1, W1, H4, g, H4, 1);
	if (K2)
		kern_gemm(B, H4, K2, A2, K2, W2, H4, g, H4, 1);
	memcpy(cr, c0, B * H * sizeof(float));
	kern_lstm_fwd(B, H, g, have_c ? cr : NULL, cr, tc, hr);
	assert_memory_equal(c, cr, B * H * sizeof(float));
	assert_memory_equal(h, hr, B * H * sizeof(float));
	/* the equations */
	for (size_t b = 0; b < B; b++)
		for (size_t j = 0; j < H; j++) {
			double z[4];
			for (size_t q = 0; q < 4; q++) {
				size_t col = q * H + j;
				z[q] = C0[b * ldc0 + col];
				for (size_t k = 0; k < K1; k++)
					z[q] += (double)A1[b * K1 + k] *
						W1[k * H4 + col];
				for (size_t k = 0; k < K2; k++)
					z[q] += (double)A2[b * K2 + k] *
						W2[k * H4 + col];
			}
			double cc = sig(z[0]) * tanh(z[3]) +
				    (have_c ? sig(z[1]) * c0[b * H + j] : 0);
			double tol = 1e-6 * (double)(K1 + K2 + 4);
			assert_true(fabs(c[b * H + j] - cc) < tol);
			assert_true(fabs(h[b * H + j] - sig(z[2]) * tanh(cc)) <
				    tol);
		}
	free(C0);
	free(A1);
	free(A2);
	free(W1);
	free(W2);
	free(C0i);
	free(W1i);
	free(W2i);
	free(c);
	free(h);
	free(c0);
	free(cr);
	free(hr);
	free(tc);
	free(g);
	free(scr);
}

static void test_lstm_step_at_every_isa(void **state)
{
	(void)state;
	/* B, H, K1, K2: full blocks of 16 units, a ragged last block, no
	   product (the first step), two products (a second layer) */
	static const size_t shapes[][4] = {
		{1, 1, 1, 0},   {7, 7, 5, 0},    {13, 16, 16, 0},
		{128, 50, 50, 0}, {11, 50, 0, 0}, {9, 37, 37, 37},
		{6, 33, 4, 0},  {25, 64, 20, 10}, {5, 50, 50, 50},
		{130, 19, 3, 0}};
	Rng rng;
	rng_seed(&rng, 21);
	KernIsa keep = kern_isa();
	for (size_t v = 0; v < 3; v++) {
		if (kern_set_isa(all_isas[v]) != all_isas[v])
			continue;
		for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++)
			for (int var = 0; var < 4; var++)
				check_step_shape(shapes[s][0], shapes[s][1],
						 shapes[s][2], shapes[s][3],
						 var & 1, var >> 1, &rng);
	}
	kern_set_isa(keep);
}

/* The detection's two element-wise kernels, bit for bit against the C
 * expressions they stand for, NaN, infinities and subnormals included. */
static void test_error_and_score_kernels_at_every_isa(void **state)
{
	(void)state;
	const size_t n = 1003;
	float *y = malloc(n * sizeof(float)), *p = malloc(n * sizeof(float));
	float *a = malloc(n * sizeof(float)), *b = malloc(n * sizeof(float));
	Rng rng;
	rng_seed(&rng, 33);
	for (size_t i = 0; i < n; i++) {
		y[i] = (float)((rng_uniform(&rng) - 0.3) * 1e3);
		p[i] = (float)((rng_uniform(&rng) - 0.3) * 1e3);
	}
	const float odd[] = {NAN, -NAN, INFINITY, -INFINITY, 1e-40f, -0.0f,
			     3.4e38f};
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		y[7 * i + 3] = odd[i];
		p[11 * i + 5] = odd[i];
	}
	static const double ds[] = {1.0, 0.37, 1e-30, 12345.678};
	KernIsa keep = kern_isa();
	for (size_t v = 0; v < 3; v++) {
		if (kern_set_isa(all_isas[v]) != all_isas[v])
			continue;
		for (size_t k = 0; k < sizeof(ds) / sizeof(ds[0]); k++)
			for (size_t len = n - 16; len <= n; len += 5) {
				double d = ds[k];
				kern_abs_err(len, y, p, d, a);
				for (size_t i = 0; i < len; i++)
					b[i] = (float)(fabs((double)y[i] - p[i]) /
						       d);
				assert_memory_equal(a, b, len * sizeof(float));
				kern_div_or_zero(len, y, d, a);
				for (size_t i = 0; i < len; i++)
					b[i] = isnan(y[i]) ? 0.0f
							   : (float)((double)y[i] / d);
				assert_memory_equal(a, b, len * sizeof(float));
			}
	}
	kern_set_isa(keep);
	free(y);
	free(p);
	free(a);
	free(b);
}

static void test_adam_and_norm_at_every_isa(void **state)
{
	(void)state;
	const size_t n = 37;
	float p[37], g[37], m[37], v[37], p0[37], m0[37], v0[37];
	Rng rng;
	rng_seed(&rng, 3);
	fill(p0, n, &rng);
	fill(g, n, &rng);
	fill(m0, n, &rng);
	for (size_t i = 0; i < n; i++)
		v0[i] = (float)rng_uniform(&rng);
	KernIsa keep = kern_isa();
	for (size_t k = 0; k < 3; k++) {
		if (kern_set_isa(all_isas[k]) != all_isas[k])
			continue;
		double ss = 0;
		for (size_t i = 0; i < n; i++)
			ss += (double)g[i] * g[i];
		assert_true(fabs(kern_sumsq(g, n) - ss) < 1e-12);
		memcpy(p, p0, sizeof(p));
		memcpy(m, m0, sizeof(m));
		memcpy(v, v0, sizeof(v));
		kern_adam(n, p, g, m, v, 0.5f, 0.9f, 0.999f, 0.01f, 1e-7f);
		for (size_t i = 0; i < n; i++) {
			double gi = 0.5 * g[i];
			double mi = 0.9 * m0[i] + 0.1 * gi;
			double vi = 0.999 * v0[i] + 0.001 * gi * gi;
			assert_true(fabs(m[i] - mi) < 1e-6);
			assert_true(fabs(v[i] - vi) < 1e-6);
			assert_true(fabs(p[i] - (p0[i] - 0.01 * mi /
							 (sqrt(vi) + 1e-7))) <
				    1e-5);
		}
	}
	kern_set_isa(keep);
}

/* Transposes on ragged shapes (the weights' 88 x 200 and 50 x 38 among
 * them): every element in its place, nothing outside the matrix touched. */
static void test_transpose(void **state)
{
	(void)state;
	static const size_t shapes[][2] = {{1, 1},   {3, 5},   {4, 4},
					   {88, 200}, {50, 38}, {7, 13},
					   {16, 3},  {5, 16}};
	Rng rng;
	rng_seed(&rng, 17);
	for (size_t v = 0; v < sizeof(shapes) / sizeof(shapes[0]); v++) {
		size_t M = shapes[v][0], N = shapes[v][1];
		size_t lds = N + 3, ldd = M + 2;
		float *src = malloc(M * lds * sizeof(float));
		float *dst = malloc(N * ldd * sizeof(float));
		fill(src, M * lds, &rng);
		for (size_t i = 0; i < N * ldd; i++)
			dst[i] = -7.0f;
		kern_transpose(M, N, src, lds, dst, ldd);
		for (size_t j = 0; j < N; j++)
			for (size_t i = 0; i < ldd; i++)
				assert_true(dst[j * ldd + i] ==
					    (i < M ? src[i * lds + j] : -7.0f));
		free(src);
		free(dst);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gemm_at_every_isa),
		cmocka_unit_test(test_activations_at_every_isa),
		cmocka_unit_test(test_lstm_cell_at_every_isa),
		cmocka_unit_test(test_lstm_step_at_every_isa),
		cmocka_unit_test(test_error_and_score_kernels_at_every_isa),
		cmocka_unit_test(test_adam_and_norm_at_every_isa),
		cmocka_unit_test(test_transpose),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
