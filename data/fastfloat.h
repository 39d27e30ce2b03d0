/* Decimal text to float and double, fast and rounded exactly as strtof and
 * strtod round (in the "C" locale).
 *
 * The loaders' numbers are almost all short decimals ("52.31", "0.075269",
 * "1e-5"): those take Clinger's fast path (an exact mantissa and an exact
 * power of ten, one correctly rounded IEEE operation). Anything else (more
 * than 15-19 significant digits, a large exponent, a float result that a
 * double rounding could get wrong) falls back to strtof or strtod on a copy
 * of the text, so the result is always the library's. */
#ifndef VIGIL_FASTFLOAT_H
#define VIGIL_FASTFLOAT_H

#include <float.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* 10^0 .. 10^22, every one an exact double. */
extern const double fastfloat_pow10[23];

/* The general parser behind fastfloat_parse_float (any exponent, any
 * number of digits). */
const char *fastfloat_parse_float_any(const char *p, float *out);

/* Parse [+-]digits[.digits][(e|E)[+-]digits] (at least one mantissa digit)
 * at p into *out and return the end of the number, or NULL when p does not
 * start one (then *out is untouched). No leading spaces; the byte after
 * the number may be anything that cannot continue it (a NUL, ',', '\n').
 *
 * Inline for the loaders' inner loops: a plain decimal of at most 19
 * digits, no exponent, is done here; anything else in the general
 * parser. */
static inline const char *fastfloat_parse_float(const char *p, float *out)
{
#if FLT_EVAL_METHOD != 0
	return fastfloat_parse_float_any(p, out);
#endif
	const char *s = p + (*p == '-' || *p == '+');
	uint64_t m = 0;
	const char *d0 = s;
	while ((unsigned)(*s - '0') < 10)
		m = m * 10 + (uint64_t)(*s++ - '0');
	const char *dot = s;
	size_t nf = 0;
	if (*s == '.') {
		s++;
		while ((unsigned)(*s - '0') < 10)
			m = m * 10 + (uint64_t)(*s++ - '0');
		nf = (size_t)(s - dot - 1);
	}
	size_t nd = (size_t)(dot - d0) + nf;
	if (nd == 0 || nd > 19 || *s == 'e' || *s == 'E' ||
	    m >= (1ULL << 53) || nf > 22)
		return fastfloat_parse_float_any(p, out);
	double x = (double)m / fastfloat_pow10[nf];
	uint64_t bits;
	memcpy(&bits, &x, sizeof(bits));
	/* a double on a float midpoint (see fastfloat.c); 0 is not one */
	if ((bits & 0x1FFFFFFFu) == 0x10000000u)
		return fastfloat_parse_float_any(p, out);
	*out = (float)(*p == '-' ? -x : x);
	return s;
}

/* The eight ASCII digits of x (first digit in the low byte) as a number. */
static inline uint32_t fastfloat_eight_digits(uint64_t x)
{
	x = (x & 0x0F0F0F0F0F0F0F0FULL) * 2561 >> 8;
	x = (x & 0x00FF00FF00FF00FFULL) * 6553601 >> 16;
	return (uint32_t)((x & 0x0000FFFF0000FFFFULL) * 42949672960001ULL >>
			  32);
}

/* (float)m / d, m < 2^24. On SSE2 the conversion starts from a zeroed
 * register: the compiler's cvtsi2ss would otherwise merge into the last
 * quotient's register and chain every number to the previous division. */
static inline float fastfloat_div(uint64_t m, float d)
{
#if defined(__SSE2__)
	return _mm_cvtss_f32(_mm_div_ss(
		_mm_cvtsi32_ss(_mm_setzero_ps(), (int)m), _mm_set_ss(d)));
#else
	return (float)m / d;
#endif
}

/* fastfloat_parse_float for a number in a buffer whose bytes [p, end] may
 * be read, *end a byte that cannot continue a number (a NUL terminator,
 * say). Where more than 16 bytes are left, the digits after the point
 * are read eight at a time, and a number of at most 7 significant digits
 * (m < 2^24, as "0.160000" or "52.31") is m / 10^k in float arithmetic:
 * both operands are exact floats, so the one rounding of the division is
 * strtof's. Anything else goes to fastfloat_parse_float. */
static inline __attribute__((always_inline)) const char *
fastfloat_parse_float_in(const char *p, const char *end, float *out)
{
#if FLT_EVAL_METHOD == 0 && defined(__BYTE_ORDER__) && \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	static const float p10f[8] = {1e0f, 1e1f, 1e2f, 1e3f,
				      1e4f, 1e5f, 1e6f, 1e7f};
	static const uint32_t p10i[8] = {1,     10,     100,     1000,
					 10000, 100000, 1000000, 10000000};
	if (end - p > 16) {
		const char *s = p + (*p == '-' || *p == '+');
		uint32_t ip = 0;
		int ni = 0;
		while ((unsigned)(*s - '0') < 10 && ni < 8) {
			ip = ip * 10 + (uint32_t)(*s++ - '0');
			ni++;
		}
		if (ni > 0 && ni < 8 && *s == '.') {
			uint64_t x;
			memcpy(&x, s + 1, 8);
			/* bytes that are not digits: nonzero in z */
			uint64_t z = ((x & 0xF0F0F0F0F0F0F0F0ULL) |
				      (((x + 0x0606060606060606ULL) &
					0xF0F0F0F0F0F0F0F0ULL) >>
				       4)) ^
				     0x3333333333333333ULL;
			const char *e;
			uint64_t m;
			int nf;
			/* the usual count of decimals (SMD's 6) by a branch
			   the processor predicts, so that where the next
			   number starts does not wait for the arithmetic;
			   the rest from the bit pattern */
			if ((z & 0x0000FFFFFFFFFFFFULL) == 0 &&
			    (z >> 48 & 0xFF)) {
				nf = 6;
				e = s + 7;
				m = (uint64_t)ip * 1000000u +
				    fastfloat_eight_digits((x << 16) | 0x3030u);
			} else {
				nf = z ? __builtin_ctzll(z) >> 3 : 8;
				if (nf == 0 || nf == 8)
					return fastfloat_parse_float(p, out);
				/* right-align the nf digits behind '0's */
				int sh = 8 * (8 - nf);
				x = (x << sh) |
				    (0x3030303030303030ULL >> (64 - sh));
				m = (uint64_t)ip * p10i[nf] +
				    fastfloat_eight_digits(x);
				e = s + 1 + nf;
			}
			if (m < (1u << 24) && (*e | 0x20) != 'e') {
				float v = fastfloat_div(m, p10f[nf]);
				*out = *p == '-' ? -v : v;
				return e;
			}
		}
	}
#else
	(void)end;
#endif
	return fastfloat_parse_float(p, out);
}

/* The same for a double, equal to strtod's. */
const char *fastfloat_parse_double(const char *p, double *out);

#endif
