/* The engine's numerical kernels: a row-major single-precision matrix
 * product and the vectorised gate activations, each with AVX-512, AVX2+FMA
 * and portable versions chosen once at run time from what the CPU supports
 * (or forced with VIGIL_ISA=generic|avx2|avx512). The matrix product can
 * also be routed to OpenBLAS (VIGIL_GEMM=blas) for comparison. For a given
 * machine and choice every call is deterministic: no threading inside a
 * kernel, fixed summation order. */
#ifndef VIGIL_KERNELS_H
#define VIGIL_KERNELS_H

#include <stddef.h>

typedef enum {
	KERN_GENERIC,
	KERN_AVX2,
	KERN_AVX512,
} KernIsa;

/* C[M x N] = A[M x K] * B[K x N] (acc == 0) or C += A * B (acc != 0).
 * All row-major; lda, ldb, ldc are row strides in floats. */
void kern_gemm(size_t M, size_t N, size_t K, const float *A, size_t lda,
	       const float *B, size_t ldb, float *C, size_t ldc, int acc);

/* C[M x N] = bias + A[M x K] * B[K x N]: every row of C starts from the
 * row bias (N floats); the same sums as copying bias into each row of C
 * and calling kern_gemm with acc != 0, without the pass over C. */
void kern_gemm_bias(size_t M, size_t N, size_t K, const float *A,
		    size_t lda, const float *B, size_t ldb, const float *bias,
		    float *C, size_t ldc);

/* C[M x N] = C0 + A B where C0 (M x N, row stride ldc0 >= N) does not
 * overlap C: the same sums as copying C0 into C and calling kern_gemm with
 * acc != 0. */
void kern_gemm_from(size_t M, size_t N, size_t K, const float *A,
		    size_t lda, const float *B, size_t ldb, const float *C0,
		    size_t ldc0, float *C, size_t ldc);

/* C[M x N] += A^T B where A is K x M (row stride lda). */
void kern_gemm_tn(size_t M, size_t N, size_t K, const float *A, size_t lda,
		  const float *B, size_t ldb, float *C, size_t ldc);

/* LSTM cell forward over B rows of H units: g (B x 4H) holds the gate
 * pre-activations i, f, o, g on entry and their activations (sigmoid,
 * sigmoid, sigmoid, tanh) on return; c = f * cp + i * g (cp NULL: zero),
 * tc = tanh(c), h = o * tc (B x H each). */
void kern_lstm_fwd(size_t B, size_t H, float *g, const float *cp, float *c,
		   float *tc, float *h);

/* LSTM cell backward: from the activated gates g, tc = tanh(c), the
 * previous cell state cp (NULL: zero), the gradient reaching h (din + dhrec;
 * dhrec may be NULL) and the one reaching c (dc, replaced by the gradient
 * for the previous cell state), the gate pre-activation gradients
 * dg (B x 4H). */
void kern_lstm_bwd(size_t B, size_t H, const float *g, const float *tc,
		   const float *cp, const float *din, const float *dhrec,
		   float *dc, float *dg);

/* Units per block of the interleaved gate layout of kern_lstm_step. */
#define KERN_UNIT_BLOCK 16

/* The gate columns of an LSTM layer's weights in the order kern_lstm_step
 * reads them: src (rows x 4H, row stride lds; columns the gates i, f, o, g
 * of H units, gate after gate) into dst (rows x 4H, row stride ldd) by
 * blocks of KERN_UNIT_BLOCK units: block u holds the i, f, o and g columns
 * of units [16u, 16u + w), w = min(16, H - 16u), w columns each. */
void kern_lstm_interleave(size_t rows, size_t H, const float *src,
			  size_t lds, float *dst, size_t ldd);

/* Floats of scratch kern_lstm_step needs for B rows of H units. */
size_t kern_lstm_step_scratch(size_t B, size_t H);

/* One inference step of an LSTM layer over B rows, the gate columns
 * interleaved (kern_lstm_interleave): the gate pre-activations
 *   G = C0 + A1 W1 + A2 W2
 * (C0: B x 4H, row stride ldc0, 0 for one row for all, e.g. the bias;
 * A1: B x K1 and A2: B x K2, row-major, K1 or K2 may be 0; W1, W2:
 * K1 x 4H and K2 x 4H, row-major), summed in that order, then the cell of
 * kern_lstm_fwd: c = f * c + i * g (have_c == 0: c = i * g) in place,
 * h = o * tanh(c) (B x H each). Every element gets the same operations as
 * kern_gemm_from / kern_gemm and kern_lstm_fwd give it on the gate-major
 * layout. h must not overlap A1 or A2; scratch has
 * kern_lstm_step_scratch(B, H) floats. */
void kern_lstm_step(size_t B, size_t H, const float *C0, size_t ldc0,
		    const float *A1, size_t K1, const float *W1,
		    const float *A2, size_t K2, const float *W2, int have_c,
		    float *c, float *h, float *scratch);

/* e[i] = (float)(fabs((double)y[i] - p[i]) / d) for i < n: detection's
 * scaled forecast error, bit for bit as that C expression gives it (AVX-512
 * eight lanes of doubles at a time, else that loop). */
void kern_abs_err(size_t n, const float *y, const float *p, double d,
		  float *e);

/* s[i] = isnan(x[i]) ? 0 : (float)((double)x[i] / d) for i < n, the same
 * way: detection's score from its statistic and threshold. */
void kern_div_or_zero(size_t n, const float *x, double d, float *s);

/* x[i] = 1 / (1 + exp(-x[i])) for i < n, in place. */
void kern_sigmoid(float *x, size_t n);
/* x[i] = tanh(x[i]) for i < n, in place. */
void kern_tanh(float *x, size_t n);

/* dst[N x M] = src[M x N]^T (row strides lds and ldd). */
void kern_transpose(size_t M, size_t N, const float *src, size_t lds,
		    float *dst, size_t ldd);

/* Sum of squares of x[0..n), accumulated in double. */
double kern_sumsq(const float *x, size_t n);

/* One Adam step over n parameters with the gradient g scaled by gscale:
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *   p -= step * m / (sqrt(v) + eps)
 * (step carries the bias correction). */
void kern_adam(size_t n, float *p, const float *g, float *m, float *v,
	       float gscale, float b1, float b2, float step, float eps);

/* The instruction set in use, and its name ("avx512", "avx2", "generic"). */
KernIsa kern_isa(void);
const char *kern_isa_name(void);
/* Force an instruction set (clamped to what the CPU has); returns the one
 * now in use. For benchmarks and tests. */
KernIsa kern_set_isa(KernIsa isa);
/* Route kern_gemm to OpenBLAS's cblas_sgemm (1) or the own kernels (0).
 * OpenBLAS is loaded with dlopen on first use; returns -1 (and stays on the
 * own kernels) when it is not installed. */
int kern_use_blas(int on);
/* OpenBLAS's name for the core it runs on, or "unavailable". */
const char *kern_blas_corename(void);
int kern_using_blas(void);

#endif
