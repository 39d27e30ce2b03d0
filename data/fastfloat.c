/* The fast decimal parser (see fastfloat.h).
 *
 * Why the fast path is exact: a mantissa below 2^53 and 10^k for k <= 22
 * are both exact doubles, so m * 10^k or m / 10^k is one correctly rounded
 * IEEE operation: strtod's double. For a float, converting that double
 * rounds a second time, which can differ from rounding the decimal once
 * only when the double lands exactly on a midpoint between two floats; the
 * parser tests for that bit pattern and asks strtof instead. The fast
 * path's values lie between 1e-22 and 1e38, inside the normal float range,
 * so subnormals and overflow never reach it. The common case (a plain
 * decimal, no exponent) is inline in fastfloat.h. */
#include "data/fastfloat.h"

#include <float.h>
#include <stdlib.h>

const double fastfloat_pow10[23] = {
	1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

typedef struct {
	uint64_t mant; /* the first 19 significant digits */
	int exp10;     /* value = mant * 10^exp10 (when !many) */
	int neg;
	int many;      /* more than 19 significant digits */
} Decimal;

/* Scans the grammar at p into *d; returns the end or NULL. */
static const char *scan(const char *p, Decimal *d)
{
	d->neg = 0;
	if (*p == '-' || *p == '+')
		d->neg = *p++ == '-';
	uint64_t mant = 0;
	int nd = 0, exp10 = 0, any = 0, many = 0;
	while (*p == '0') { /* leading zeros are not significant */
		p++;
		any = 1;
	}
	while ((unsigned)(*p - '0') < 10) {
		if (nd < 19) {
			mant = mant * 10 + (uint64_t)(*p - '0');
			nd++;
		} else {
			exp10++;
			many |= *p != '0';
		}
		p++;
		any = 1;
	}
	if (*p == '.') {
		p++;
		if (mant == 0)
			while (*p == '0') {
				p++;
				exp10--;
				any = 1;
			}
		while ((unsigned)(*p - '0') < 10) {
			if (nd < 19) {
				mant = mant * 10 + (uint64_t)(*p - '0');
				nd++;
				exp10--;
			} else {
				many |= *p != '0';
			}
			p++;
			any = 1;
		}
	}
	if (!any)
		return NULL;
	if (*p == 'e' || *p == 'E') {
		const char *e = p + 1;
		int eneg = 0, ev = 0;
		if (*e == '-' || *e == '+')
			eneg = *e++ == '-';
		if ((unsigned)(*e - '0') >= 10)
			return NULL;
		while ((unsigned)(*e - '0') < 10) {
			if (ev < 100000)
				ev = ev * 10 + (*e - '0');
			e++;
		}
		exp10 += eneg ? -ev : ev;
		p = e;
	}
	d->mant = mant;
	d->exp10 = exp10;
	d->many = many;
	return p;
}

/* Clinger's fast path: 0 with *v set when m * 10^e is one exact
 * operation away. */
static int fast_double(const Decimal *d, double *v)
{
#if FLT_EVAL_METHOD == 0
	if (d->many || d->mant >= (1ULL << 53) || d->exp10 < -22 ||
	    d->exp10 > 22)
		return -1;
	double x = (double)d->mant;
	x = d->exp10 < 0 ? x / fastfloat_pow10[-d->exp10] : x * fastfloat_pow10[d->exp10];
	*v = d->neg ? -x : x;
	return 0;
#else
	(void)d;
	(void)v;
	return -1; /* excess precision would break the argument above */
#endif
}

/* A NUL-terminated copy of [p, end) for strtof/strtod: in buf when it
 * fits, else on the heap (*heap is then to be freed). NULL when out of
 * memory. */
static char *copy_text(const char *p, const char *end, char *buf, size_t n,
		       char **heap)
{
	size_t len = (size_t)(end - p);
	char *dst = buf;
	*heap = NULL;
	if (len >= n) {
		if (!(dst = *heap = malloc(len + 1)))
			return NULL;
	}
	memcpy(dst, p, len);
	dst[len] = '\0';
	return dst;
}

const char *fastfloat_parse_float_any(const char *p, float *out)
{
	Decimal d;
	const char *end = scan(p, &d);
	if (!end)
		return NULL;
	if (d.mant == 0 && !d.many) {
		*out = d.neg ? -0.0f : 0.0f;
		return end;
	}
	double v;
	if (fast_double(&d, &v) == 0) {
		uint64_t bits;
		memcpy(&bits, &v, sizeof(bits));
		/* not a midpoint between two floats: one rounding suffices */
		if ((bits & 0x1FFFFFFFu) != 0x10000000u) {
			*out = (float)v;
			return end;
		}
	}
	char buf[128], *heap, *text = copy_text(p, end, buf, sizeof(buf), &heap);
	if (!text)
		return NULL;
	*out = strtof(text, NULL);
	free(heap);
	return end;
}

const char *fastfloat_parse_double(const char *p, double *out)
{
	Decimal d;
	const char *end = scan(p, &d);
	if (!end)
		return NULL;
	if (d.mant == 0 && !d.many) {
		*out = d.neg ? -0.0 : 0.0;
		return end;
	}
	if (fast_double(&d, out) == 0)
		return end;
	char buf[128], *heap, *text = copy_text(p, end, buf, sizeof(buf), &heap);
	if (!text)
		return NULL;
	*out = strtod(text, NULL);
	free(heap);
	return end;
}
