/* Size arithmetic that cannot wrap around. A product or sum that does not
 * fit a size_t saturates at SIZE_MAX: an allocation of that size fails
 * cleanly (out of memory) instead of returning a buffer too small for what
 * the caller then writes, and a size compared with a file's length is
 * simply too large. */
#ifndef VIGIL_CHECKED_H
#define VIGIL_CHECKED_H

#include <stddef.h>
#include <stdint.h>

/* a * b, or SIZE_MAX when it does not fit. */
static inline size_t size_mul(size_t a, size_t b)
{
	size_t r;
	return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

/* a + b, or SIZE_MAX when it does not fit. */
static inline size_t size_add(size_t a, size_t b)
{
	size_t r;
	return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

/* a * b * c, or SIZE_MAX when it does not fit. */
static inline size_t size_mul3(size_t a, size_t b, size_t c)
{
	return size_mul(size_mul(a, b), c);
}

#endif
