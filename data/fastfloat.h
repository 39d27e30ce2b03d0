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

/* The same for a double, equal to strtod's. */
const char *fastfloat_parse_double(const char *p, double *out);

#endif
