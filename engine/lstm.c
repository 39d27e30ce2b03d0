/* The network's parameter layout, initialisation, and the float and double
 * instantiations of the forward/backward code in lstm_core.inc. */
#include "engine/lstm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/checked.h"
#include "engine/kernels.h"

void lstm_layout(const LstmDims *d, LstmLayout *lay)
{
	size_t off = 0, H4 = size_mul(4, d->H);
	for (size_t l = 0; l < 2; l++) {
		if (l < d->L) {
			size_t I = l ? d->H : d->F;
			lay->W[l] = off;
			off = size_add(off, size_mul(size_add(I, d->H), H4));
			lay->b[l] = off;
			off = size_add(off, H4);
		} else {
			lay->W[l] = lay->b[l] = off;
		}
	}
	lay->Wd = off;
	off = size_add(off, size_mul(d->H, d->O));
	lay->bd = off;
	off = size_add(off, d->O);
	lay->total = off;
}

static void glorot(float *w, size_t n, size_t fan_in, size_t fan_out,
		   Rng *rng)
{
	double lim = sqrt(6.0 / (double)(fan_in + fan_out));
	for (size_t i = 0; i < n; i++)
		w[i] = (float)((2.0 * rng_uniform(rng) - 1.0) * lim);
}

/* W (rows x cols, rows <= cols) with orthonormal rows: modified
 * Gram-Schmidt, in double, on rows of standard normal draws. */
static void orthogonal(float *W, size_t rows, size_t cols, Rng *rng)
{
	double *q = malloc(size_mul3(rows, cols, sizeof(double)));
	if (!q) {
		glorot(W, rows * cols, rows, cols, rng);
		return;
	}
	for (size_t i = 0; i < rows * cols; i++)
		q[i] = rng_normal(rng);
	for (size_t i = 0; i < rows; i++) {
		double *qi = q + i * cols;
		for (size_t k = 0; k < i; k++) {
			const double *qk = q + k * cols;
			double dot = 0;
			for (size_t j = 0; j < cols; j++)
				dot += qi[j] * qk[j];
			for (size_t j = 0; j < cols; j++)
				qi[j] -= dot * qk[j];
		}
		double nrm = 0;
		for (size_t j = 0; j < cols; j++)
			nrm += qi[j] * qi[j];
		nrm = sqrt(nrm);
		for (size_t j = 0; j < cols; j++)
			qi[j] = nrm > 0 ? qi[j] / nrm : 0;
	}
	for (size_t i = 0; i < rows * cols; i++)
		W[i] = (float)q[i];
	free(q);
}

void lstm_init_params(const LstmDims *d, float *p, Rng *rng)
{
	LstmLayout lay;
	lstm_layout(d, &lay);
	memset(p, 0, lay.total * sizeof(float));
	size_t H = d->H, H4 = 4 * H;
	for (size_t l = 0; l < d->L; l++) {
		size_t I = l ? H : d->F;
		float *W = p + lay.W[l];
		glorot(W, I * H4, I, H4, rng);
		orthogonal(W + I * H4, H, H4, rng);
		for (size_t j = 0; j < H; j++)
			p[lay.b[l] + H + j] = 1.0f; /* forget gate */
	}
	glorot(p + lay.Wd, H * d->O, H, d->O, rng);
}

size_t lstm_wt_floats(const LstmDims *d)
{
	size_t H4 = size_mul(4, d->H);
	size_t n = size_mul(H4, size_add(d->F, d->H));
	if (d->L > 1)
		n = size_add(n, size_mul3(H4, 2, d->H));
	return size_add(n, size_mul(d->O, d->H));
}

void lstm_transpose_weights(const LstmDims *d, const float *p, float *wt)
{
	LstmLayout lay;
	lstm_layout(d, &lay);
	size_t H4 = 4 * d->H, off = 0;
	for (size_t l = 0; l < d->L; l++) {
		size_t K = (l ? d->H : d->F) + d->H;
		kern_transpose(K, H4, p + lay.W[l], H4, wt + off, K);
		off += K * H4;
	}
	kern_transpose(d->H, d->O, p + lay.Wd, d->O, wt + off, d->H);
}

/* ------------------------------------------------------------------ float */

#define REAL float
#define SFX(name) name##_f
#define GEMM kern_gemm
#define GEMM_BIAS kern_gemm_bias
#define GEMM_TN kern_gemm_tn
#define CELL_FWD kern_lstm_fwd
#define CELL_BWD kern_lstm_bwd
#define EXP expf
#define TANHF tanhf
#include "engine/lstm_core.inc"
#undef REAL
#undef SFX
#undef GEMM
#undef GEMM_BIAS
#undef GEMM_TN
#undef CELL_FWD
#undef CELL_BWD
#undef EXP
#undef TANHF

size_t lstm_ws_floats(const LstmDims *d, size_t B)
{
	Ws_f w;
	ws_carve_f(d, B, NULL, &w);
	return w.total;
}

void lstm_forward(const LstmDims *d, const float *p, size_t B,
		  const float *X, float *ws, float *Y)
{
	LstmLayout lay;
	lstm_layout(d, &lay);
	core_forward_f(d, &lay, p, B, X, ws, Y);
}

void lstm_backward(const LstmDims *d, const float *p, const float *wt,
		   size_t B, const float *X, float *ws, const float *dY,
		   float *g)
{
	LstmLayout lay;
	lstm_layout(d, &lay);
	(void)p;
	core_backward_f(d, &lay, wt, B, X, ws, dY, g);
}

/* The inference workspace: each layer's weights and bias with the gate
 * columns interleaved (kern_lstm_interleave; lstm_rows_prepare), then P
 * (rows x 4H), the step's scratch, and per layer c and two h (n x H
 * each: the step reads one h and writes the other). */
static size_t rows_weights_floats(const LstmDims *d)
{
	size_t n = 0, H4 = size_mul(4, d->H);
	for (size_t l = 0; l < d->L; l++)
		n = size_add(n, size_mul(size_add(size_add(l ? d->H : d->F,
							   d->H),
						  1),
					 H4));
	return n;
}

size_t lstm_rows_ws_floats(const LstmDims *d, size_t n)
{
	size_t H4 = size_mul(4, d->H);
	size_t f = size_add(rows_weights_floats(d),
			    size_mul(size_add(n, d->T - 1), H4));
	f = size_add(f, kern_lstm_step_scratch(n, d->H));
	return size_add(f, size_mul3(3 * d->L, n, d->H));
}

void lstm_rows_prepare(const LstmDims *d, const float *p, float *ws)
{
	LstmLayout lay;
	lstm_layout(d, &lay);
	size_t H4 = 4 * d->H;
	for (size_t l = 0; l < d->L; l++) {
		size_t K = (l ? d->H : d->F) + d->H;
		kern_lstm_interleave(K, d->H, p + lay.W[l], H4, ws, H4);
		ws += K * H4;
		kern_lstm_interleave(1, d->H, p + lay.b[l], H4, ws, H4);
		ws += H4;
	}
}

/* Inference keeps no history: each layer's current c and h, updated step
 * by step by kern_lstm_step (c in place, h into the other of two
 * buffers), the gates never leaving the registers. Every element goes
 * through the same operations in the same order as in lstm_forward: the
 * interleaved columns are the same sums, the fused cell the same
 * arithmetic. */
void lstm_forward_rows(const LstmDims *d, const float *p, size_t n,
		       const float *Z, float *ws, float *Y)
{
	LstmLayout lay;
	lstm_layout(d, &lay);
	size_t H = d->H, H4 = 4 * d->H, nr = n + d->T - 1;
	const float *W[2], *b[2];
	float *q = ws;
	for (size_t l = 0; l < d->L; l++) {
		W[l] = q;
		q += ((l ? H : d->F) + H) * H4;
		b[l] = q;
		q += H4;
	}
	float *P = q, *scratch = P + nr * H4;
	float *c[2], *h[2][2];
	q = scratch + kern_lstm_step_scratch(n, H);
	for (size_t l = 0; l < d->L; l++) {
		c[l] = q;
		h[l][0] = q + n * H;
		h[l][1] = q + 2 * n * H;
		q += 3 * n * H;
	}
	/* layer 0's input product once per row: P = b0 + Z Wx (nr x 4H) */
	kern_gemm_bias(nr, H4, d->F, Z, d->F, W[0], H4, b[0], P, H4);
	for (size_t t = 0; t < d->T; t++) {
		/* step t of window b reads row b + t: rows t .. t+n-1 of P;
		   h[l][t % 2] holds step t - 1's h, h[l][(t + 1) % 2] gets
		   step t's */
		const float *hp0 = h[0][t % 2];
		kern_lstm_step(n, H, P + t * H4, H4, hp0, t ? H : 0,
			       W[0] + d->F * H4, NULL, 0, NULL, t > 0, c[0],
			       h[0][(t + 1) % 2], scratch);
		for (size_t l = 1; l < d->L; l++)
			kern_lstm_step(n, H, b[l], 0, h[l - 1][(t + 1) % 2], H,
				       W[l], h[l][t % 2], t ? H : 0,
				       W[l] + H * H4, t > 0, c[l],
				       h[l][(t + 1) % 2], scratch);
	}
	kern_gemm_bias(n, d->O, H, h[d->L - 1][d->T % 2], H, p + lay.Wd, d->O,
		       p + lay.bd, Y, d->O);
}

/* ----------------------------------------------------------------- double */

static void gemm_d(size_t M, size_t N, size_t K, const double *A, size_t lda,
		   const double *B, size_t ldb, double *C, size_t ldc, int acc)
{
	for (size_t i = 0; i < M; i++) {
		double *c = C + i * ldc;
		if (!acc)
			for (size_t j = 0; j < N; j++)
				c[j] = 0;
		for (size_t k = 0; k < K; k++) {
			double a = A[i * lda + k];
			for (size_t j = 0; j < N; j++)
				c[j] += a * B[k * ldb + j];
		}
	}
}

static void gemm_bias_d(size_t M, size_t N, size_t K, const double *A,
			size_t lda, const double *B, size_t ldb,
			const double *bias, double *C, size_t ldc)
{
	for (size_t i = 0; i < M; i++)
		memcpy(C + i * ldc, bias, N * sizeof(double));
	gemm_d(M, N, K, A, lda, B, ldb, C, ldc, 1);
}

/* C[M x N] += A^T B, A is K x M */
static void gemm_tn_d(size_t M, size_t N, size_t K, const double *A,
		      size_t lda, const double *B, size_t ldb, double *C,
		      size_t ldc)
{
	for (size_t k = 0; k < K; k++)
		for (size_t i = 0; i < M; i++) {
			double a = A[k * lda + i];
			for (size_t j = 0; j < N; j++)
				C[i * ldc + j] += a * B[k * ldb + j];
		}
}

static void transpose_d(size_t M, size_t N, const double *src, size_t lds,
			double *dst, size_t ldd)
{
	for (size_t i = 0; i < M; i++)
		for (size_t j = 0; j < N; j++)
			dst[j * ldd + i] = src[i * lds + j];
}

#define REAL double
#define SFX(name) name##_d
#define GEMM gemm_d
#define GEMM_BIAS gemm_bias_d
#define GEMM_TN gemm_tn_d
#define CELL_FWD cell_fwd_ref_d
#define CELL_BWD cell_bwd_ref_d
#define EXP exp
#define TANHF tanh
#include "engine/lstm_core.inc"
#undef REAL
#undef SFX
#undef GEMM
#undef GEMM_BIAS
#undef GEMM_TN
#undef CELL_FWD
#undef CELL_BWD
#undef EXP
#undef TANHF

size_t lstm_ws_doubles(const LstmDims *d, size_t B)
{
	Ws_d w;
	ws_carve_d(d, B, NULL, &w);
	return w.total + lstm_wt_floats(d);
}

void lstm_forward_d(const LstmDims *d, const double *p, size_t B,
		    const double *X, double *ws, double *Y)
{
	LstmLayout lay;
	lstm_layout(d, &lay);
	core_forward_d(d, &lay, p, B, X, ws, Y);
}

void lstm_backward_d(const LstmDims *d, const double *p, size_t B,
		     const double *X, double *ws, const double *dY, double *g)
{
	LstmLayout lay;
	lstm_layout(d, &lay);
	Ws_d w;
	ws_carve_d(d, B, NULL, &w);
	double *wt = ws + w.total;
	size_t H4 = 4 * d->H, off = 0;
	for (size_t l = 0; l < d->L; l++) {
		size_t K = (l ? d->H : d->F) + d->H;
		transpose_d(K, H4, p + lay.W[l], H4, wt + off, K);
		off += K * H4;
	}
	transpose_d(d->H, d->O, p + lay.Wd, d->O, wt + off, d->H);
	core_backward_d(d, &lay, wt, B, X, ws, dY, g);
}
