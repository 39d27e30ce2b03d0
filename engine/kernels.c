/* Kernels with run-time dispatch (see kernels.h). The AVX-512 and AVX2
 * versions are compiled with target attributes so the binary still runs on
 * any x86-64; the portable versions are plain C. The matrix product keeps a
 * block of C in registers (8 rows x 32 columns with AVX-512, 6 x 16 with
 * AVX2) and streams A and B through it; every C element sums over k in
 * order, so a row's result does not depend on how many rows are computed
 * together. The inference step (kern_lstm_step) keeps a tile of 6 rows x
 * one block of 16 units' four gates (64 columns) in registers through the
 * product and applies the cell to it there, with the same arithmetic per
 * element as the product and cell kernels. */
#include "engine/kernels.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dlfcn.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define KERN_X86 1
#else
#define KERN_X86 0
#endif

static KernIsa g_isa = KERN_GENERIC;
static KernIsa g_best = KERN_GENERIC;
static int g_blas;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* OpenBLAS, for comparison only, is loaded on demand with dlopen: the vigil
 * binary does not link it, so no BLAS thread pool starts with every
 * command. The cblas enum values are the standard ones. */
enum { BLAS_ROW_MAJOR = 101, BLAS_NO_TRANS = 111, BLAS_TRANS = 112 };
typedef void (*BlasSgemm)(int, int, int, int, int, int, float, const float *,
			  int, const float *, int, float, float *, int);
static BlasSgemm blas_sgemm;
static void (*blas_set_threads)(int);
static char *(*blas_corename)(void);
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;

static void blas_load(void)
{
	static const char *const names[] = {"libopenblas.so.0",
					    "libopenblas.so"};
	void *h = NULL;
	for (size_t i = 0; !h && i < sizeof(names) / sizeof(names[0]); i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return;
	*(void **)&blas_set_threads = dlsym(h, "openblas_set_num_threads");
	*(void **)&blas_corename = dlsym(h, "openblas_get_corename");
	*(void **)&blas_sgemm = dlsym(h, "cblas_sgemm");
}

/* ---------------------------------------------------------------- generic */

#if KERN_X86
/* The portable product still has SSE2 (every x86-64 has it): C[mr x 8]
 * (+)= A[mr x K] B[K x 8] in 2 registers a row, plain mul and add. */
static inline __attribute__((always_inline)) void
mk128(const int mr, size_t K, const float *A, size_t sr, size_t sk,
      const float *B, size_t ldb, float *C, size_t ldc, int acc)
{
	__m128 c0[4], c1[4];
#pragma GCC unroll 4
	for (int r = 0; r < mr; r++) {
		c0[r] = acc ? _mm_loadu_ps(C + r * ldc) : _mm_setzero_ps();
		c1[r] = acc ? _mm_loadu_ps(C + r * ldc + 4) : _mm_setzero_ps();
	}
	for (size_t k = 0; k < K; k++) {
		__m128 b0 = _mm_loadu_ps(B + k * ldb);
		__m128 b1 = _mm_loadu_ps(B + k * ldb + 4);
#pragma GCC unroll 4
		for (int r = 0; r < mr; r++) {
			__m128 a = _mm_set1_ps(A[r * sr + k * sk]);
			c0[r] = _mm_add_ps(c0[r], _mm_mul_ps(a, b0));
			c1[r] = _mm_add_ps(c1[r], _mm_mul_ps(a, b1));
		}
	}
#pragma GCC unroll 4
	for (int r = 0; r < mr; r++) {
		_mm_storeu_ps(C + r * ldc, c0[r]);
		_mm_storeu_ps(C + r * ldc + 4, c1[r]);
	}
}
#endif

static void gemm_generic(size_t M, size_t N, size_t K, const float *A,
			 size_t sr, size_t sk, const float *B, size_t ldb,
			 float *C, size_t ldc, int acc)
{
	size_t j0 = 0;
#if KERN_X86
	/* blocks of 8 columns with SSE2, the rest below */
	for (; j0 + 8 <= N; j0 += 8) {
		size_t i = 0;
		for (; i + 4 <= M; i += 4)
			mk128(4, K, A + i * sr, sr, sk, B + j0, ldb,
			      C + i * ldc + j0, ldc, acc);
		const float *a = A + i * sr;
		float *c = C + i * ldc + j0;
		switch (M - i) {
		case 3: mk128(3, K, a, sr, sk, B + j0, ldb, c, ldc, acc); break;
		case 2: mk128(2, K, a, sr, sk, B + j0, ldb, c, ldc, acc); break;
		case 1: mk128(1, K, a, sr, sk, B + j0, ldb, c, ldc, acc); break;
		default: break;
		}
	}
#endif
	for (size_t i = 0; i < M && j0 < N; i++) {
		float *c = C + i * ldc;
		for (size_t j = j0; j < N; j++) {
			float v = acc ? c[j] : 0.0f;
			for (size_t k = 0; k < K; k++)
				v += A[i * sr + k * sk] * B[k * ldb + j];
			c[j] = v;
		}
	}
}

static void sigmoid_generic(float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x[i] = 1.0f / (1.0f + expf(-x[i]));
}

static void tanh_generic(float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x[i] = tanhf(x[i]);
}

static double sumsq_generic(const float *x, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += (double)x[i] * x[i];
	return s;
}

static void adam_generic(size_t n, float *p, const float *g, float *m,
			 float *v, float gs, float b1, float b2, float step,
			 float eps)
{
	for (size_t i = 0; i < n; i++) {
		float gi = g[i] * gs;
		m[i] = b1 * m[i] + (1 - b1) * gi;
		v[i] = b2 * v[i] + (1 - b2) * (gi * gi);
		p[i] -= step * m[i] / (sqrtf(v[i]) + eps);
	}
}

static void lstm_fwd_generic(size_t B, size_t H, float *g, const float *cp,
			     float *c, float *tc, float *h)
{
	for (size_t b = 0; b < B; b++) {
		float *gb = g + b * 4 * H;
		sigmoid_generic(gb, 3 * H);
		tanh_generic(gb + 3 * H, H);
		for (size_t j = 0; j < H; j++) {
			size_t k = b * H + j;
			float v = gb[j] * gb[3 * H + j];
			if (cp)
				v += gb[H + j] * cp[k];
			c[k] = v;
			tc[k] = tanhf(v);
			h[k] = gb[2 * H + j] * tc[k];
		}
	}
}

static void lstm_bwd_generic(size_t B, size_t H, const float *g,
			     const float *tc, const float *cp,
			     const float *din, const float *dhrec, float *dc,
			     float *dg)
{
	for (size_t b = 0; b < B; b++) {
		const float *gb = g + b * 4 * H;
		float *db = dg + b * 4 * H;
		for (size_t j = 0; j < H; j++) {
			size_t k = b * H + j;
			float iv = gb[j], fv = gb[H + j];
			float ov = gb[2 * H + j], gv = gb[3 * H + j];
			float tv = tc[k];
			float dhv = din[k] + (dhrec ? dhrec[k] : 0);
			float dov = dhv * tv;
			float dcv = dc[k] + dhv * ov * (1 - tv * tv);
			float cpv = cp ? cp[k] : 0;
			dc[k] = dcv * fv;
			db[j] = dcv * gv * iv * (1 - iv);
			db[H + j] = dcv * cpv * fv * (1 - fv);
			db[2 * H + j] = dov * ov * (1 - ov);
			db[3 * H + j] = dcv * iv * (1 - gv * gv);
		}
	}
}

#if KERN_X86
/* ---------------------------------------------------------------- AVX-512 */

#define TGT512 __attribute__((target("avx512f,avx2,fma")))

/* C[mr x 16nv] (+)= A[mr x K] B[K x 16nv]: nv (1..3) vectors of 16
 * columns, the last one masked by mlast; A's element (r, k) is
 * A[r * sr + k * sk]. mr and nv are constants after inlining, so the
 * accumulators live in registers (up to 24 of the 32). With bias (rows of
 * 16nv floats, ldbias apart; 0: one row for all) row r of C starts from
 * bias row r instead of from C or zero. */
TGT512 static inline __attribute__((always_inline)) void
mk512(const int mr, const int nv, size_t K, const float *A, size_t sr,
      size_t sk, const float *B, size_t ldb, float *C, size_t ldc,
      __mmask16 mlast, int acc, const float *bias, size_t ldbias)
{
	__m512 c[8][3];
	__mmask16 mk[3];
#pragma GCC unroll 3
	for (int v = 0; v < nv; v++)
		mk[v] = v == nv - 1 ? mlast : (__mmask16)0xffff;
#pragma GCC unroll 8
	for (int r = 0; r < mr; r++)
#pragma GCC unroll 3
		for (int v = 0; v < nv; v++)
			c[r][v] = bias	? _mm512_maskz_loadu_ps(
						mk[v], bias + r * ldbias + 16 * v)
				  : acc ? _mm512_maskz_loadu_ps(
						  mk[v], C + r * ldc + 16 * v)
					: _mm512_setzero_ps();
	for (size_t k = 0; k < K; k++) {
		__m512 b[3];
#pragma GCC unroll 3
		for (int v = 0; v < nv; v++)
			b[v] = _mm512_maskz_loadu_ps(mk[v], B + k * ldb + 16 * v);
#pragma GCC unroll 8
		for (int r = 0; r < mr; r++) {
			__m512 a = _mm512_set1_ps(A[r * sr + k * sk]);
#pragma GCC unroll 3
			for (int v = 0; v < nv; v++)
				c[r][v] = _mm512_fmadd_ps(a, b[v], c[r][v]);
		}
	}
#pragma GCC unroll 8
	for (int r = 0; r < mr; r++)
#pragma GCC unroll 3
		for (int v = 0; v < nv; v++)
			_mm512_mask_storeu_ps(C + r * ldc + 16 * v, mk[v],
					      c[r][v]);
}

/* One panel of columns (nv vectors) over all rows, 8 rows at a time. */
#define PANEL512(nv)                                                        \
	do {                                                                \
		size_t i = 0;                                               \
		for (; i + 8 <= M; i += 8)                                  \
			mk512(8, nv, K, A + i * sr, sr, sk, b, ldb,         \
			      C + i * ldc + j, ldc, ml, acc,                \
			      bj ? bj + i * lb : NULL, lb);                 \
		const float *a = A + i * sr;                                \
		float *c = C + i * ldc + j;                                 \
		const float *bi = bj ? bj + i * lb : NULL;                  \
		switch (M - i) {                                            \
		case 7: mk512(7, nv, K, a, sr, sk, b, ldb, c, ldc, ml, acc, bi, lb); break; \
		case 6: mk512(6, nv, K, a, sr, sk, b, ldb, c, ldc, ml, acc, bi, lb); break; \
		case 5: mk512(5, nv, K, a, sr, sk, b, ldb, c, ldc, ml, acc, bi, lb); break; \
		case 4: mk512(4, nv, K, a, sr, sk, b, ldb, c, ldc, ml, acc, bi, lb); break; \
		case 3: mk512(3, nv, K, a, sr, sk, b, ldb, c, ldc, ml, acc, bi, lb); break; \
		case 2: mk512(2, nv, K, a, sr, sk, b, ldb, c, ldc, ml, acc, bi, lb); break; \
		case 1: mk512(1, nv, K, a, sr, sk, b, ldb, c, ldc, ml, acc, bi, lb); break; \
		default: break;                                             \
		}                                                           \
	} while (0)

/* C (+)= A B (or C = bias + A B, bias rows lb apart, 0: one row) with A's element (i, k) at A[i * sr + k * sk]. Panels of 48
 * columns, the rest as one panel of 1 to 3 vectors. */
TGT512 static void gemm_avx512(size_t M, size_t N, size_t K, const float *A,
			       size_t sr, size_t sk, const float *B,
			       size_t ldb, float *C, size_t ldc, int acc,
			       const float *bias, size_t lb)
{
	for (size_t j = 0; j < N; j += 48) {
		size_t nj = N - j < 48 ? N - j : 48;
		size_t rem = nj % 16;
		__mmask16 ml = rem ? (__mmask16)((1u << rem) - 1) : 0xffff;
		const float *b = B + j;
		const float *bj = bias ? bias + j : NULL;
		if (nj > 32)
			PANEL512(3);
		else if (nj > 16)
			PANEL512(2);
		else
			PANEL512(1);
	}
}
#undef PANEL512

/* exp(x) for x in [-87, 88]: Cephes expf polynomial, 2^n by scalef. */
TGT512 static inline __attribute__((always_inline)) __m512 exp512(__m512 x)
{
	x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.0f)),
			  _mm512_set1_ps(88.0f));
	__m512 n = _mm512_roundscale_ps(
		_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
		_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
	__m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
	r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
	__m512 p = _mm512_set1_ps(1.9875691500e-4f);
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
	p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r),
			    _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
	return _mm512_scalef_ps(p, n);
}

TGT512 static void sigmoid_avx512(float *x, size_t n)
{
	const __m512 one = _mm512_set1_ps(1.0f);
	for (size_t i = 0; i < n; i += 16) {
		__mmask16 m = n - i >= 16 ? 0xffff
					  : (__mmask16)((1u << (n - i)) - 1);
		__m512 v = _mm512_maskz_loadu_ps(m, x + i);
		__m512 e = exp512(_mm512_sub_ps(_mm512_setzero_ps(), v));
		_mm512_mask_storeu_ps(x + i, m,
				      _mm512_div_ps(one, _mm512_add_ps(one, e)));
	}
}

/* tanh(x) = 1 - 2 / (1 + exp(2x)) */
TGT512 static void tanh_avx512(float *x, size_t n)
{
	const __m512 one = _mm512_set1_ps(1.0f), two = _mm512_set1_ps(2.0f);
	for (size_t i = 0; i < n; i += 16) {
		__mmask16 m = n - i >= 16 ? 0xffff
					  : (__mmask16)((1u << (n - i)) - 1);
		__m512 v = _mm512_maskz_loadu_ps(m, x + i);
		__m512 e = exp512(_mm512_add_ps(v, v));
		__m512 t = _mm512_sub_ps(
			one, _mm512_div_ps(two, _mm512_add_ps(one, e)));
		_mm512_mask_storeu_ps(x + i, m, t);
	}
}

/* 16 floats as two vectors of 8 doubles, and back. */
TGT512 static inline __attribute__((always_inline)) void
widen512(__m512 v, __m512d *lo, __m512d *hi)
{
	*lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
	*hi = _mm512_cvtps_pd(_mm256_castpd_ps(
		_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}

TGT512 static inline __attribute__((always_inline)) __m512
narrow512(__m512d lo, __m512d hi)
{
	__m256 l = _mm512_cvtpd_ps(lo), h = _mm512_cvtpd_ps(hi);
	return _mm512_castpd_ps(_mm512_insertf64x4(
		_mm512_castps_pd(_mm512_castps256_ps512(l)),
		_mm256_castps_pd(h), 1));
}

TGT512 static void abs_err_avx512(size_t n, const float *y, const float *p,
				  double d, float *e)
{
	const __m512d vd = _mm512_set1_pd(d);
	for (size_t i = 0; i < n; i += 16) {
		__mmask16 m = n - i >= 16 ? 0xffff
					  : (__mmask16)((1u << (n - i)) - 1);
		__m512d yl, yh, pl, ph;
		widen512(_mm512_maskz_loadu_ps(m, y + i), &yl, &yh);
		widen512(_mm512_maskz_loadu_ps(m, p + i), &pl, &ph);
		__m512d lo = _mm512_div_pd(_mm512_abs_pd(_mm512_sub_pd(yl, pl)), vd);
		__m512d hi = _mm512_div_pd(_mm512_abs_pd(_mm512_sub_pd(yh, ph)), vd);
		_mm512_mask_storeu_ps(e + i, m, narrow512(lo, hi));
	}
}

TGT512 static void div_or_zero_avx512(size_t n, const float *x, double d,
				      float *s)
{
	const __m512d vd = _mm512_set1_pd(d);
	for (size_t i = 0; i < n; i += 16) {
		__mmask16 m = n - i >= 16 ? 0xffff
					  : (__mmask16)((1u << (n - i)) - 1);
		__m512 v = _mm512_maskz_loadu_ps(m, x + i);
		__m512d lo, hi;
		widen512(v, &lo, &hi);
		__m512 q = narrow512(_mm512_div_pd(lo, vd), _mm512_div_pd(hi, vd));
		__mmask16 nan = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
		_mm512_mask_storeu_ps(s + i, m,
				      _mm512_mask_blend_ps(nan, q,
							   _mm512_setzero_ps()));
	}
}

TGT512 static double sumsq_avx512(const float *x, size_t n)
{
	__m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd();
	for (size_t i = 0; i < n; i += 16) {
		__mmask16 m = n - i >= 16 ? 0xffff
					  : (__mmask16)((1u << (n - i)) - 1);
		__m512 v = _mm512_maskz_loadu_ps(m, x + i);
		__m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
		__m512d hi = _mm512_cvtps_pd(_mm256_castpd_ps(
			_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
		a0 = _mm512_fmadd_pd(lo, lo, a0);
		a1 = _mm512_fmadd_pd(hi, hi, a1);
	}
	return _mm512_reduce_add_pd(_mm512_add_pd(a0, a1));
}

TGT512 static void adam_avx512(size_t n, float *p, const float *g, float *m,
			       float *v, float gs, float b1, float b2,
			       float step, float eps)
{
	const __m512 vgs = _mm512_set1_ps(gs), vb1 = _mm512_set1_ps(b1);
	const __m512 vb2 = _mm512_set1_ps(b2), c1 = _mm512_set1_ps(1 - b1);
	const __m512 c2 = _mm512_set1_ps(1 - b2), vst = _mm512_set1_ps(step);
	const __m512 veps = _mm512_set1_ps(eps);
	for (size_t i = 0; i < n; i += 16) {
		__mmask16 k = n - i >= 16 ? 0xffff
					  : (__mmask16)((1u << (n - i)) - 1);
		__m512 gi = _mm512_mul_ps(_mm512_maskz_loadu_ps(k, g + i), vgs);
		__m512 mi = _mm512_add_ps(
			_mm512_mul_ps(vb1, _mm512_maskz_loadu_ps(k, m + i)),
			_mm512_mul_ps(c1, gi));
		__m512 vi = _mm512_add_ps(
			_mm512_mul_ps(vb2, _mm512_maskz_loadu_ps(k, v + i)),
			_mm512_mul_ps(c2, _mm512_mul_ps(gi, gi)));
		__m512 upd = _mm512_div_ps(_mm512_mul_ps(vst, mi),
					   _mm512_add_ps(_mm512_sqrt_ps(vi),
							 veps));
		_mm512_mask_storeu_ps(m + i, k, mi);
		_mm512_mask_storeu_ps(v + i, k, vi);
		_mm512_mask_storeu_ps(
			p + i, k,
			_mm512_sub_ps(_mm512_maskz_loadu_ps(k, p + i), upd));
	}
}

TGT512 static inline __attribute__((always_inline)) __m512
tanh512(__m512 v)
{
	const __m512 one = _mm512_set1_ps(1.0f), two = _mm512_set1_ps(2.0f);
	__m512 e = exp512(_mm512_add_ps(v, v));
	return _mm512_sub_ps(one, _mm512_div_ps(two, _mm512_add_ps(one, e)));
}

TGT512 static void lstm_fwd_avx512(size_t B, size_t H, float *g,
				   const float *cp, float *c, float *tc,
				   float *h)
{
	for (size_t b = 0; b < B; b++) {
		float *gb = g + b * 4 * H;
		sigmoid_avx512(gb, 3 * H);
		tanh_avx512(gb + 3 * H, H);
		for (size_t j = 0; j < H; j += 16) {
			__mmask16 m = H - j >= 16
					      ? 0xffff
					      : (__mmask16)((1u << (H - j)) - 1);
			size_t k = b * H + j;
			__m512 iv = _mm512_maskz_loadu_ps(m, gb + j);
			__m512 fv = _mm512_maskz_loadu_ps(m, gb + H + j);
			__m512 ov = _mm512_maskz_loadu_ps(m, gb + 2 * H + j);
			__m512 gv = _mm512_maskz_loadu_ps(m, gb + 3 * H + j);
			__m512 v = _mm512_mul_ps(iv, gv);
			if (cp)
				v = _mm512_add_ps(
					v, _mm512_mul_ps(
						   fv, _mm512_maskz_loadu_ps(
							       m, cp + k)));
			__m512 t = tanh512(v);
			_mm512_mask_storeu_ps(c + k, m, v);
			_mm512_mask_storeu_ps(tc + k, m, t);
			_mm512_mask_storeu_ps(h + k, m, _mm512_mul_ps(ov, t));
		}
	}
}

TGT512 static inline __attribute__((always_inline)) __m512
sigmoid512(__m512 v)
{
	const __m512 one = _mm512_set1_ps(1.0f);
	__m512 e = exp512(_mm512_sub_ps(_mm512_setzero_ps(), v));
	return _mm512_div_ps(one, _mm512_add_ps(one, e));
}

/* kern_lstm_step's cell for one row of up to 16 units (masked by m) from
 * the activated gates: as lstm_fwd_avx512 computes it. */
TGT512 static inline __attribute__((always_inline)) void
cell_act512(__m512 iv, __m512 fv, __m512 ov, __m512 gv, __mmask16 m,
	    int have_c, float *c, float *h)
{
	__m512 v = _mm512_mul_ps(iv, gv);
	if (have_c)
		v = _mm512_add_ps(v, _mm512_mul_ps(fv,
						   _mm512_maskz_loadu_ps(m, c)));
	_mm512_mask_storeu_ps(c, m, v);
	_mm512_mask_storeu_ps(h, m, _mm512_mul_ps(ov, tanh512(v)));
}

/* The same from the gate pre-activations, activated as sigmoid_avx512
 * and tanh_avx512 do. */
TGT512 static inline __attribute__((always_inline)) void
cell512(__m512 pi, __m512 pf, __m512 po, __m512 pg, __mmask16 m,
	int have_c, float *c, float *h)
{
	cell_act512(sigmoid512(pi), sigmoid512(pf), sigmoid512(po),
		    tanh512(pg), m, have_c, c, h);
}

/* sigmoid512 on the lanes outside tg, tanh512 on those in it, with one
 * exp512 and one division: each lane's arithmetic is theirs. */
TGT512 static inline __attribute__((always_inline)) __m512
gates512(__m512 x, __mmask16 tg)
{
	const __m512 one = _mm512_set1_ps(1.0f);
	__m512 arg = _mm512_mask_add_ps(_mm512_sub_ps(_mm512_setzero_ps(), x),
					tg, x, x);
	__m512 e = exp512(arg);
	__m512 num = _mm512_mask_blend_ps(tg, one, _mm512_set1_ps(2.0f));
	__m512 q = _mm512_div_ps(num, _mm512_add_ps(one, e));
	return _mm512_mask_sub_ps(q, tg, one, q);
}

/* acc[r] (mr rows of 64 columns) += A[r] (K values) W (K rows, ldw
 * apart, 64 columns): the tile's share of one product. */
TGT512 static inline __attribute__((always_inline)) void
tile_product512(const int mr, __m512 acc[6][4], const float *A, size_t K,
		const float *W, size_t ldw)
{
	for (size_t k = 0; k < K; k++) {
		__m512 b[4];
#pragma GCC unroll 4
		for (int v = 0; v < 4; v++)
			b[v] = _mm512_loadu_ps(W + k * ldw + 16 * v);
#pragma GCC unroll 6
		for (int r = 0; r < mr; r++) {
			__m512 a = _mm512_set1_ps(A[r * K + k]);
#pragma GCC unroll 4
			for (int v = 0; v < 4; v++)
				acc[r][v] = _mm512_fmadd_ps(a, b[v], acc[r][v]);
		}
	}
}

/* mr rows of one full block of 16 units: the 64 gate columns in
 * registers from C0 through the products, then the cell. A1, A2, C0, c
 * and h point at the tile's first row (and block); W1, W2 at the block's
 * first column. */
TGT512 static inline __attribute__((always_inline)) void
step_tile512(const int mr, const float *C0, size_t ldc0, const float *A1,
	     size_t K1, const float *W1, const float *A2, size_t K2,
	     const float *W2, size_t ldw, size_t H, int have_c, float *c,
	     float *h)
{
	__m512 acc[6][4];
#pragma GCC unroll 6
	for (int r = 0; r < mr; r++)
#pragma GCC unroll 4
		for (int v = 0; v < 4; v++)
			acc[r][v] = _mm512_loadu_ps(C0 + r * ldc0 + 16 * v);
	tile_product512(mr, acc, A1, K1, W1, ldw);
	tile_product512(mr, acc, A2, K2, W2, ldw);
#pragma GCC unroll 6
	for (int r = 0; r < mr; r++)
		cell512(acc[r][0], acc[r][1], acc[r][2], acc[r][3], 0xffff,
			have_c, c + r * H, h + r * H);
}

#define STEP_ROWS 6

TGT512 static void lstm_step_avx512(size_t B, size_t H, const float *C0,
				    size_t ldc0, const float *A1, size_t K1,
				    const float *W1, const float *A2,
				    size_t K2, const float *W2, int have_c,
				    float *c, float *h, float *scratch)
{
	size_t H4 = 4 * H, full = H / 16, w = H % 16;
	if (!K2) { /* read nowhere; no offsets on a null pointer */
		A2 = A1;
		W2 = W1;
	}
	for (size_t u = 0; u < full; u++) {
		size_t col = 64 * u, j = 16 * u;
		const float *w1 = W1 + col, *w2 = W2 + col;
		size_t i = 0;
		for (; i + STEP_ROWS <= B; i += STEP_ROWS)
			step_tile512(STEP_ROWS, C0 + i * ldc0 + col, ldc0,
				     A1 + i * K1, K1, w1, A2 + i * K2, K2, w2,
				     H4, H, have_c, c + i * H + j,
				     h + i * H + j);
#define TILE(n)                                                             \
	step_tile512(n, C0 + i * ldc0 + col, ldc0, A1 + i * K1, K1, w1,       \
		     A2 + i * K2, K2, w2, H4, H, have_c, c + i * H + j,          \
		     h + i * H + j)
		switch (B - i) {
		case 5: TILE(5); break;
		case 4: TILE(4); break;
		case 3: TILE(3); break;
		case 2: TILE(2); break;
		case 1: TILE(1); break;
		default: break;
		}
#undef TILE
	}
	if (!w)
		return;
	/* the last units: their 4w gate columns through the product into
	   scratch (B x 4w), then the cell row by row */
	size_t col = 64 * full, j = 16 * full, nw = 4 * w;
	gemm_avx512(B, nw, K1, A1, K1, 1, W1 + col, H4, scratch, nw, 0,
		    C0 + col, ldc0);
	if (K2)
		gemm_avx512(B, nw, K2, A2, K2, 1, W2 + col, H4, scratch, nw, 1,
			    NULL, 0);
	__mmask16 m = (__mmask16)((1u << w) - 1);
	if (nw <= 16) {
		/* the four gates of a row in one vector: activated together,
		   then each moved to lanes 0 .. w-1 */
		__mmask16 all = (__mmask16)((1u << nw) - 1);
		__mmask16 tg = (__mmask16)(all & ~((1u << (3 * w)) - 1));
		__m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
						 10, 11, 12, 13, 14, 15);
		__m512i sw = _mm512_set1_epi32((int)w);
		__m512i xf = _mm512_add_epi32(lane, sw);
		__m512i xo = _mm512_add_epi32(xf, sw);
		__m512i xg = _mm512_add_epi32(xo, sw);
		for (size_t b = 0; b < B; b++) {
			__m512 a = gates512(
				_mm512_maskz_loadu_ps(all, scratch + b * nw), tg);
			cell_act512(a, _mm512_permutexvar_ps(xf, a),
				    _mm512_permutexvar_ps(xo, a),
				    _mm512_permutexvar_ps(xg, a), m, have_c,
				    c + b * H + j, h + b * H + j);
		}
		return;
	}
	for (size_t b = 0; b < B; b++) {
		const float *g = scratch + b * nw;
		cell512(_mm512_maskz_loadu_ps(m, g),
			_mm512_maskz_loadu_ps(m, g + w),
			_mm512_maskz_loadu_ps(m, g + 2 * w),
			_mm512_maskz_loadu_ps(m, g + 3 * w), m, have_c,
			c + b * H + j, h + b * H + j);
	}
}
#undef STEP_ROWS

TGT512 static void lstm_bwd_avx512(size_t B, size_t H, const float *g,
				   const float *tc, const float *cp,
				   const float *din, const float *dhrec,
				   float *dc, float *dg)
{
	const __m512 one = _mm512_set1_ps(1.0f);
	for (size_t b = 0; b < B; b++) {
		const float *gb = g + b * 4 * H;
		float *db = dg + b * 4 * H;
		for (size_t j = 0; j < H; j += 16) {
			__mmask16 m = H - j >= 16
					      ? 0xffff
					      : (__mmask16)((1u << (H - j)) - 1);
			size_t k = b * H + j;
			__m512 iv = _mm512_maskz_loadu_ps(m, gb + j);
			__m512 fv = _mm512_maskz_loadu_ps(m, gb + H + j);
			__m512 ov = _mm512_maskz_loadu_ps(m, gb + 2 * H + j);
			__m512 gv = _mm512_maskz_loadu_ps(m, gb + 3 * H + j);
			__m512 tv = _mm512_maskz_loadu_ps(m, tc + k);
			__m512 dhv = _mm512_maskz_loadu_ps(m, din + k);
			if (dhrec)
				dhv = _mm512_add_ps(
					dhv, _mm512_maskz_loadu_ps(m, dhrec + k));
			__m512 cpv = cp ? _mm512_maskz_loadu_ps(m, cp + k)
					: _mm512_setzero_ps();
			__m512 dov = _mm512_mul_ps(dhv, tv);
			__m512 dcv = _mm512_add_ps(
				_mm512_maskz_loadu_ps(m, dc + k),
				_mm512_mul_ps(
					_mm512_mul_ps(dhv, ov),
					_mm512_sub_ps(one,
						      _mm512_mul_ps(tv, tv))));
			_mm512_mask_storeu_ps(dc + k, m, _mm512_mul_ps(dcv, fv));
			_mm512_mask_storeu_ps(
				db + j, m,
				_mm512_mul_ps(
					_mm512_mul_ps(_mm512_mul_ps(dcv, gv), iv),
					_mm512_sub_ps(one, iv)));
			_mm512_mask_storeu_ps(
				db + H + j, m,
				_mm512_mul_ps(
					_mm512_mul_ps(_mm512_mul_ps(dcv, cpv), fv),
					_mm512_sub_ps(one, fv)));
			_mm512_mask_storeu_ps(
				db + 2 * H + j, m,
				_mm512_mul_ps(_mm512_mul_ps(dov, ov),
					      _mm512_sub_ps(one, ov)));
			_mm512_mask_storeu_ps(
				db + 3 * H + j, m,
				_mm512_mul_ps(_mm512_mul_ps(dcv, iv),
					      _mm512_sub_ps(one,
							    _mm512_mul_ps(gv, gv))));
		}
	}
}

/* ------------------------------------------------------------------- AVX2 */

#define TGT2 __attribute__((target("avx2,fma")))

static const int32_t g_mask8[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
				    0,  0,  0,  0,  0,  0,  0,  0};

/* Lane mask for the first n (0..8) of 8 floats. */
TGT2 static inline __attribute__((always_inline)) __m256i mask8(size_t n)
{
	return _mm256_loadu_si256((const __m256i *)(g_mask8 + 8 - n));
}

/* C[mr x 16] (+)= A[mr x K] B[K x 16], columns masked by m0, m1; A's
 * element (r, k) is A[r * sr + k * sk]. */
TGT2 static inline __attribute__((always_inline)) void
mk256(const int mr, size_t K, const float *A, size_t sr, size_t sk,
      const float *B, size_t ldb, float *C, size_t ldc, __m256i m0,
      __m256i m1, int acc)
{
	__m256 c0[6], c1[6];
#pragma GCC unroll 6
	for (int r = 0; r < mr; r++) {
		if (acc) {
			c0[r] = _mm256_maskload_ps(C + r * ldc, m0);
			c1[r] = _mm256_maskload_ps(C + r * ldc + 8, m1);
		} else {
			c0[r] = _mm256_setzero_ps();
			c1[r] = _mm256_setzero_ps();
		}
	}
	for (size_t k = 0; k < K; k++) {
		__m256 b0 = _mm256_maskload_ps(B + k * ldb, m0);
		__m256 b1 = _mm256_maskload_ps(B + k * ldb + 8, m1);
#pragma GCC unroll 6
		for (int r = 0; r < mr; r++) {
			__m256 a = _mm256_broadcast_ss(A + r * sr + k * sk);
			c0[r] = _mm256_fmadd_ps(a, b0, c0[r]);
			c1[r] = _mm256_fmadd_ps(a, b1, c1[r]);
		}
	}
#pragma GCC unroll 6
	for (int r = 0; r < mr; r++) {
		_mm256_maskstore_ps(C + r * ldc, m0, c0[r]);
		_mm256_maskstore_ps(C + r * ldc + 8, m1, c1[r]);
	}
}

TGT2 static void gemm_avx2(size_t M, size_t N, size_t K, const float *A,
			   size_t sr, size_t sk, const float *B, size_t ldb,
			   float *C, size_t ldc, int acc)
{
	for (size_t j = 0; j < N; j += 16) {
		size_t nj = N - j < 16 ? N - j : 16;
		__m256i m0 = mask8(nj >= 8 ? 8 : nj);
		__m256i m1 = mask8(nj > 8 ? nj - 8 : 0);
		const float *b = B + j;
		size_t i = 0;
		for (; i + 6 <= M; i += 6)
			mk256(6, K, A + i * sr, sr, sk, b, ldb,
			      C + i * ldc + j, ldc, m0, m1, acc);
		const float *a = A + i * sr;
		float *c = C + i * ldc + j;
#define MK(n) mk256(n, K, a, sr, sk, b, ldb, c, ldc, m0, m1, acc)
		switch (M - i) {
		case 5: MK(5); break;
		case 4: MK(4); break;
		case 3: MK(3); break;
		case 2: MK(2); break;
		case 1: MK(1); break;
		default: break;
		}
#undef MK
	}
}

TGT2 static inline __attribute__((always_inline)) __m256 exp256(__m256 x)
{
	x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)),
			  _mm256_set1_ps(88.0f));
	__m256 n = _mm256_round_ps(
		_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
		_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
	__m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
	r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
	__m256 p = _mm256_set1_ps(1.9875691500e-4f);
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
	p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r),
			    _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
	__m256i e = _mm256_slli_epi32(
		_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)),
		23);
	return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

TGT2 static void sigmoid_avx2(float *x, size_t n)
{
	const __m256 one = _mm256_set1_ps(1.0f);
	for (size_t i = 0; i < n; i += 8) {
		__m256i m = mask8(n - i >= 8 ? 8 : n - i);
		__m256 v = _mm256_maskload_ps(x + i, m);
		__m256 e = exp256(_mm256_sub_ps(_mm256_setzero_ps(), v));
		_mm256_maskstore_ps(x + i, m,
				    _mm256_div_ps(one, _mm256_add_ps(one, e)));
	}
}

TGT2 static void tanh_avx2(float *x, size_t n)
{
	const __m256 one = _mm256_set1_ps(1.0f), two = _mm256_set1_ps(2.0f);
	for (size_t i = 0; i < n; i += 8) {
		__m256i m = mask8(n - i >= 8 ? 8 : n - i);
		__m256 v = _mm256_maskload_ps(x + i, m);
		__m256 e = exp256(_mm256_add_ps(v, v));
		__m256 t = _mm256_sub_ps(
			one, _mm256_div_ps(two, _mm256_add_ps(one, e)));
		_mm256_maskstore_ps(x + i, m, t);
	}
}
TGT2 static inline __attribute__((always_inline)) __m256 tanh256(__m256 v)
{
	const __m256 one = _mm256_set1_ps(1.0f), two = _mm256_set1_ps(2.0f);
	__m256 e = exp256(_mm256_add_ps(v, v));
	return _mm256_sub_ps(one, _mm256_div_ps(two, _mm256_add_ps(one, e)));
}

TGT2 static void lstm_fwd_avx2(size_t B, size_t H, float *g, const float *cp,
			       float *c, float *tc, float *h)
{
	for (size_t b = 0; b < B; b++) {
		float *gb = g + b * 4 * H;
		sigmoid_avx2(gb, 3 * H);
		tanh_avx2(gb + 3 * H, H);
		for (size_t j = 0; j < H; j += 8) {
			__m256i m = mask8(H - j >= 8 ? 8 : H - j);
			size_t k = b * H + j;
			__m256 iv = _mm256_maskload_ps(gb + j, m);
			__m256 fv = _mm256_maskload_ps(gb + H + j, m);
			__m256 ov = _mm256_maskload_ps(gb + 2 * H + j, m);
			__m256 gv = _mm256_maskload_ps(gb + 3 * H + j, m);
			__m256 v = _mm256_mul_ps(iv, gv);
			if (cp)
				v = _mm256_add_ps(
					v, _mm256_mul_ps(
						   fv, _mm256_maskload_ps(cp + k, m)));
			__m256 t = tanh256(v);
			_mm256_maskstore_ps(c + k, m, v);
			_mm256_maskstore_ps(tc + k, m, t);
			_mm256_maskstore_ps(h + k, m, _mm256_mul_ps(ov, t));
		}
	}
}

TGT2 static void lstm_bwd_avx2(size_t B, size_t H, const float *g,
			       const float *tc, const float *cp,
			       const float *din, const float *dhrec,
			       float *dc, float *dg)
{
	const __m256 one = _mm256_set1_ps(1.0f);
	for (size_t b = 0; b < B; b++) {
		const float *gb = g + b * 4 * H;
		float *db = dg + b * 4 * H;
		for (size_t j = 0; j < H; j += 8) {
			__m256i m = mask8(H - j >= 8 ? 8 : H - j);
			size_t k = b * H + j;
			__m256 iv = _mm256_maskload_ps(gb + j, m);
			__m256 fv = _mm256_maskload_ps(gb + H + j, m);
			__m256 ov = _mm256_maskload_ps(gb + 2 * H + j, m);
			__m256 gv = _mm256_maskload_ps(gb + 3 * H + j, m);
			__m256 tv = _mm256_maskload_ps(tc + k, m);
			__m256 dhv = _mm256_maskload_ps(din + k, m);
			if (dhrec)
				dhv = _mm256_add_ps(
					dhv, _mm256_maskload_ps(dhrec + k, m));
			__m256 cpv = cp ? _mm256_maskload_ps(cp + k, m)
					: _mm256_setzero_ps();
			__m256 dov = _mm256_mul_ps(dhv, tv);
			__m256 dcv = _mm256_add_ps(
				_mm256_maskload_ps(dc + k, m),
				_mm256_mul_ps(
					_mm256_mul_ps(dhv, ov),
					_mm256_sub_ps(one, _mm256_mul_ps(tv, tv))));
			_mm256_maskstore_ps(dc + k, m, _mm256_mul_ps(dcv, fv));
			_mm256_maskstore_ps(
				db + j, m,
				_mm256_mul_ps(
					_mm256_mul_ps(_mm256_mul_ps(dcv, gv), iv),
					_mm256_sub_ps(one, iv)));
			_mm256_maskstore_ps(
				db + H + j, m,
				_mm256_mul_ps(
					_mm256_mul_ps(_mm256_mul_ps(dcv, cpv), fv),
					_mm256_sub_ps(one, fv)));
			_mm256_maskstore_ps(
				db + 2 * H + j, m,
				_mm256_mul_ps(_mm256_mul_ps(dov, ov),
					      _mm256_sub_ps(one, ov)));
			_mm256_maskstore_ps(
				db + 3 * H + j, m,
				_mm256_mul_ps(_mm256_mul_ps(dcv, iv),
					      _mm256_sub_ps(one,
							    _mm256_mul_ps(gv, gv))));
		}
	}
}

TGT2 static double sumsq_avx2(const float *x, size_t n)
{
	__m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
	for (size_t i = 0; i < n; i += 8) {
		__m256 v = _mm256_maskload_ps(x + i, mask8(n - i >= 8 ? 8 : n - i));
		__m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
		__m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
		a0 = _mm256_fmadd_pd(lo, lo, a0);
		a1 = _mm256_fmadd_pd(hi, hi, a1);
	}
	double t[4];
	_mm256_storeu_pd(t, _mm256_add_pd(a0, a1));
	return (t[0] + t[1]) + (t[2] + t[3]);
}

TGT2 static void adam_avx2(size_t n, float *p, const float *g, float *m,
			   float *v, float gs, float b1, float b2, float step,
			   float eps)
{
	const __m256 vgs = _mm256_set1_ps(gs), vb1 = _mm256_set1_ps(b1);
	const __m256 vb2 = _mm256_set1_ps(b2), c1 = _mm256_set1_ps(1 - b1);
	const __m256 c2 = _mm256_set1_ps(1 - b2), vst = _mm256_set1_ps(step);
	const __m256 veps = _mm256_set1_ps(eps);
	for (size_t i = 0; i < n; i += 8) {
		__m256i k = mask8(n - i >= 8 ? 8 : n - i);
		__m256 gi = _mm256_mul_ps(_mm256_maskload_ps(g + i, k), vgs);
		__m256 mi = _mm256_add_ps(
			_mm256_mul_ps(vb1, _mm256_maskload_ps(m + i, k)),
			_mm256_mul_ps(c1, gi));
		__m256 vi = _mm256_add_ps(
			_mm256_mul_ps(vb2, _mm256_maskload_ps(v + i, k)),
			_mm256_mul_ps(c2, _mm256_mul_ps(gi, gi)));
		__m256 upd = _mm256_div_ps(_mm256_mul_ps(vst, mi),
					   _mm256_add_ps(_mm256_sqrt_ps(vi),
							 veps));
		_mm256_maskstore_ps(m + i, k, mi);
		_mm256_maskstore_ps(v + i, k, vi);
		_mm256_maskstore_ps(
			p + i, k,
			_mm256_sub_ps(_mm256_maskload_ps(p + i, k), upd));
	}
}
#endif /* KERN_X86 */

/* --------------------------------------------------------------- dispatch */

static KernIsa clamp_isa(KernIsa want)
{
	return want > g_best ? g_best : want;
}

static void kern_init(void)
{
	g_best = KERN_GENERIC;
#if KERN_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
		g_best = KERN_AVX2;
	if (g_best == KERN_AVX2 && __builtin_cpu_supports("avx512f"))
		g_best = KERN_AVX512;
#endif
	g_isa = g_best;
	const char *e = getenv("VIGIL_ISA");
	if (e && !strcmp(e, "generic"))
		g_isa = KERN_GENERIC;
	else if (e && !strcmp(e, "avx2"))
		g_isa = clamp_isa(KERN_AVX2);
	const char *b = getenv("VIGIL_GEMM");
	if (b && !strcmp(b, "blas")) {
		pthread_once(&blas_once, blas_load);
		g_blas = blas_sgemm != NULL;
		if (g_blas && blas_set_threads)
			blas_set_threads(1);
	}
}

KernIsa kern_isa(void)
{
	pthread_once(&g_once, kern_init);
	return g_isa;
}

const char *kern_isa_name(void)
{
	switch (kern_isa()) {
	case KERN_AVX512: return "avx512";
	case KERN_AVX2: return "avx2";
	default: return "generic";
	}
}

KernIsa kern_set_isa(KernIsa isa)
{
	pthread_once(&g_once, kern_init);
	g_isa = clamp_isa(isa);
	return g_isa;
}

int kern_use_blas(int on)
{
	pthread_once(&g_once, kern_init);
	if (!on) {
		g_blas = 0;
		return 0;
	}
	pthread_once(&blas_once, blas_load);
	if (!blas_sgemm)
		return -1;
	g_blas = 1;
	if (blas_set_threads) /* vigil's own threads split the work */
		blas_set_threads(1);
	return 0;
}

const char *kern_blas_corename(void)
{
	pthread_once(&blas_once, blas_load);
	return blas_corename ? blas_corename() : "unavailable";
}

int kern_using_blas(void)
{
	pthread_once(&g_once, kern_init);
	return g_blas;
}

/* bias (may be NULL): C = bias + A B, acc ignored; bias rows lb apart (0:
 * the same row for every row of C). Only the AVX-512
 * kernel starts its accumulators from the bias; the others copy it into C
 * and accumulate, which gives the same sums. */
static void gemm_any(size_t M, size_t N, size_t K, const float *A,
		     size_t sr, size_t sk, const float *B, size_t ldb,
		     float *C, size_t ldc, int acc, const float *bias,
		     size_t lb)
{
	KernIsa isa = kern_isa();
	if (M == 0 || N == 0)
		return;
	if (bias) {
#if KERN_X86
		if (isa == KERN_AVX512 && !g_blas && K > 0) {
			gemm_avx512(M, N, K, A, sr, sk, B, ldb, C, ldc, 0,
				    bias, lb);
			return;
		}
#endif
		for (size_t i = 0; i < M; i++)
			memcpy(C + i * ldc, bias + i * lb, N * sizeof(float));
		acc = 1;
	}
	if (K == 0) {
		if (!acc)
			for (size_t i = 0; i < M; i++)
				memset(C + i * ldc, 0, N * sizeof(float));
		return;
	}
	if (g_blas) {
		int tr = sk != 1;
		blas_sgemm(BLAS_ROW_MAJOR, tr ? BLAS_TRANS : BLAS_NO_TRANS,
			   BLAS_NO_TRANS, (int)M, (int)N, (int)K, 1.0f, A,
			    (int)(tr ? sk : sr), B, (int)ldb,
			    acc ? 1.0f : 0.0f, C, (int)ldc);
		return;
	}
#if KERN_X86
	if (isa == KERN_AVX512) {
		gemm_avx512(M, N, K, A, sr, sk, B, ldb, C, ldc, acc, NULL, 0);
		return;
	}
	if (isa == KERN_AVX2) {
		gemm_avx2(M, N, K, A, sr, sk, B, ldb, C, ldc, acc);
		return;
	}
#endif
	(void)isa;
	gemm_generic(M, N, K, A, sr, sk, B, ldb, C, ldc, acc);
}

void kern_gemm(size_t M, size_t N, size_t K, const float *A, size_t lda,
	       const float *B, size_t ldb, float *C, size_t ldc, int acc)
{
	gemm_any(M, N, K, A, lda, 1, B, ldb, C, ldc, acc, NULL, 0);
}

void kern_gemm_bias(size_t M, size_t N, size_t K, const float *A,
		    size_t lda, const float *B, size_t ldb, const float *bias,
		    float *C, size_t ldc)
{
	gemm_any(M, N, K, A, lda, 1, B, ldb, C, ldc, 0, bias, 0);
}

void kern_gemm_from(size_t M, size_t N, size_t K, const float *A,
		    size_t lda, const float *B, size_t ldb, const float *C0,
		    size_t ldc0, float *C, size_t ldc)
{
	gemm_any(M, N, K, A, lda, 1, B, ldb, C, ldc, 0, C0, ldc0);
}

void kern_gemm_tn(size_t M, size_t N, size_t K, const float *A, size_t lda,
		  const float *B, size_t ldb, float *C, size_t ldc)
{
	gemm_any(M, N, K, A, 1, lda, B, ldb, C, ldc, 1, NULL, 0);
}

void kern_sigmoid(float *x, size_t n)
{
	KernIsa isa = kern_isa();
#if KERN_X86
	if (isa == KERN_AVX512) {
		sigmoid_avx512(x, n);
		return;
	}
	if (isa == KERN_AVX2) {
		sigmoid_avx2(x, n);
		return;
	}
#endif
	(void)isa;
	sigmoid_generic(x, n);
}

void kern_tanh(float *x, size_t n)
{
	KernIsa isa = kern_isa();
#if KERN_X86
	if (isa == KERN_AVX512) {
		tanh_avx512(x, n);
		return;
	}
	if (isa == KERN_AVX2) {
		tanh_avx2(x, n);
		return;
	}
#endif
	(void)isa;
	tanh_generic(x, n);
}

void kern_transpose(size_t M, size_t N, const float *src, size_t lds,
		    float *dst, size_t ldd)
{
#if KERN_X86
	/* 4 x 4 blocks through SSE registers (every x86-64 has SSE), the
	   ragged edges below */
	size_t M4 = M & ~(size_t)3, N4 = N & ~(size_t)3;
	for (size_t i = 0; i < M4; i += 4)
		for (size_t j = 0; j < N4; j += 4) {
			__m128 r0 = _mm_loadu_ps(src + i * lds + j);
			__m128 r1 = _mm_loadu_ps(src + (i + 1) * lds + j);
			__m128 r2 = _mm_loadu_ps(src + (i + 2) * lds + j);
			__m128 r3 = _mm_loadu_ps(src + (i + 3) * lds + j);
			_MM_TRANSPOSE4_PS(r0, r1, r2, r3);
			_mm_storeu_ps(dst + j * ldd + i, r0);
			_mm_storeu_ps(dst + (j + 1) * ldd + i, r1);
			_mm_storeu_ps(dst + (j + 2) * ldd + i, r2);
			_mm_storeu_ps(dst + (j + 3) * ldd + i, r3);
		}
	for (size_t i = 0; i < M; i++)
		for (size_t j = i < M4 ? N4 : 0; j < N; j++)
			dst[j * ldd + i] = src[i * lds + j];
	return;
#endif
	/* Blocks of 8 x 8 keep both sides in cache lines. */
	for (size_t i0 = 0; i0 < M; i0 += 8) {
		size_t i1 = i0 + 8 < M ? i0 + 8 : M;
		for (size_t j0 = 0; j0 < N; j0 += 8) {
			size_t j1 = j0 + 8 < N ? j0 + 8 : N;
			for (size_t i = i0; i < i1; i++)
				for (size_t j = j0; j < j1; j++)
					dst[j * ldd + i] = src[i * lds + j];
		}
	}
}

double kern_sumsq(const float *x, size_t n)
{
#if KERN_X86
	if (kern_isa() == KERN_AVX512)
		return sumsq_avx512(x, n);
	if (kern_isa() == KERN_AVX2)
		return sumsq_avx2(x, n);
#endif
	return sumsq_generic(x, n);
}

void kern_adam(size_t n, float *p, const float *g, float *m, float *v,
	       float gscale, float b1, float b2, float step, float eps)
{
#if KERN_X86
	if (kern_isa() == KERN_AVX512) {
		adam_avx512(n, p, g, m, v, gscale, b1, b2, step, eps);
		return;
	}
	if (kern_isa() == KERN_AVX2) {
		adam_avx2(n, p, g, m, v, gscale, b1, b2, step, eps);
		return;
	}
#endif
	adam_generic(n, p, g, m, v, gscale, b1, b2, step, eps);
}

void kern_lstm_fwd(size_t B, size_t H, float *g, const float *cp, float *c,
		   float *tc, float *h)
{
#if KERN_X86
	if (kern_isa() == KERN_AVX512) {
		lstm_fwd_avx512(B, H, g, cp, c, tc, h);
		return;
	}
	if (kern_isa() == KERN_AVX2) {
		lstm_fwd_avx2(B, H, g, cp, c, tc, h);
		return;
	}
#endif
	lstm_fwd_generic(B, H, g, cp, c, tc, h);
}

void kern_lstm_bwd(size_t B, size_t H, const float *g, const float *tc,
		   const float *cp, const float *din, const float *dhrec,
		   float *dc, float *dg)
{
#if KERN_X86
	if (kern_isa() == KERN_AVX512) {
		lstm_bwd_avx512(B, H, g, tc, cp, din, dhrec, dc, dg);
		return;
	}
	if (kern_isa() == KERN_AVX2) {
		lstm_bwd_avx2(B, H, g, tc, cp, din, dhrec, dc, dg);
		return;
	}
#endif
	lstm_bwd_generic(B, H, g, tc, cp, din, dhrec, dc, dg);
}

void kern_lstm_interleave(size_t rows, size_t H, const float *src,
			  size_t lds, float *dst, size_t ldd)
{
	for (size_t r = 0; r < rows; r++) {
		const float *s = src + r * lds;
		float *d = dst + r * ldd;
		for (size_t j0 = 0; j0 < H; j0 += KERN_UNIT_BLOCK) {
			size_t w = H - j0 < KERN_UNIT_BLOCK ? H - j0
							    : KERN_UNIT_BLOCK;
			for (size_t q = 0; q < 4; q++)
				memcpy(d + 4 * j0 + q * w, s + q * H + j0,
				       w * sizeof(float));
		}
	}
}

size_t kern_lstm_step_scratch(size_t B, size_t H)
{
	/* the gates of every row (interleaved), then one row gate-major and
	   its tanh(c) for the portable path */
	return B * 4 * H + 5 * H;
}

void kern_lstm_step(size_t B, size_t H, const float *C0, size_t ldc0,
		    const float *A1, size_t K1, const float *W1,
		    const float *A2, size_t K2, const float *W2, int have_c,
		    float *c, float *h, float *scratch)
{
	if (B == 0 || H == 0)
		return;
#if KERN_X86
	if (kern_isa() == KERN_AVX512 && !g_blas) {
		lstm_step_avx512(B, H, C0, ldc0, A1, K1, W1, A2, K2, W2,
				 have_c, c, h, scratch);
		return;
	}
#endif
	/* the products as kern_gemm_from and kern_gemm compute them, then
	   each row back in gate-major order through kern_lstm_fwd */
	size_t H4 = 4 * H;
	float *G = scratch, *row = G + B * H4, *tc = row + H4;
	gemm_any(B, H4, K1, A1, K1, 1, W1, H4, G, H4, 0, C0, ldc0);
	if (K2)
		gemm_any(B, H4, K2, A2, K2, 1, W2, H4, G, H4, 1, NULL, 0);
	for (size_t b = 0; b < B; b++) {
		const float *g = G + b * H4;
		for (size_t j0 = 0; j0 < H; j0 += KERN_UNIT_BLOCK) {
			size_t w = H - j0 < KERN_UNIT_BLOCK ? H - j0
							    : KERN_UNIT_BLOCK;
			for (size_t q = 0; q < 4; q++)
				memcpy(row + q * H + j0, g + 4 * j0 + q * w,
				       w * sizeof(float));
		}
		kern_lstm_fwd(1, H, row, have_c ? c + b * H : NULL, c + b * H,
			      tc, h + b * H);
	}
}

void kern_abs_err(size_t n, const float *y, const float *p, double d,
		  float *e)
{
#if KERN_X86
	if (kern_isa() == KERN_AVX512) {
		abs_err_avx512(n, y, p, d, e);
		return;
	}
#endif
	for (size_t i = 0; i < n; i++)
		e[i] = (float)(fabs((double)y[i] - p[i]) / d);
}

void kern_div_or_zero(size_t n, const float *x, double d, float *s)
{
#if KERN_X86
	if (kern_isa() == KERN_AVX512) {
		div_or_zero_avx512(n, x, d, s);
		return;
	}
#endif
	for (size_t i = 0; i < n; i++)
		s[i] = isnan(x[i]) ? 0.0f : (float)((double)x[i] / d);
}
