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

/* Parse [+-]digits[.digits][(e|E)[+-]digits] (at least one mantissa digit)
 * at p into *out and return the end of the number, or NULL when p does not
 * start one (then *out is untouched). No leading spaces; the byte after
 * the number may be anything that cannot continue it (a NUL, ',', '\n'). */
const char *fastfloat_parse_float(const char *p, float *out);

/* The same for a double, equal to strtod's. */
const char *fastfloat_parse_double(const char *p, double *out);

#endif
