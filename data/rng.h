/* A small explicit random number generator (xoshiro256**, seeded through
 * splitmix64). Every random choice in vigil comes from an Rng the caller
 * seeds; rand() is never used, so a seed gives the same result everywhere. */
#ifndef VIGIL_RNG_H
#define VIGIL_RNG_H

#include <stdint.h>

typedef struct {
	uint64_t s[4];
} Rng;

void rng_seed(Rng *r, uint64_t seed);
uint64_t rng_next(Rng *r);
/* Uniform in [0, 1). */
double rng_uniform(Rng *r);
/* Standard normal (Box-Muller, no cached state). */
double rng_normal(Rng *r);
/* Uniform integer in [0, n). */
uint64_t rng_below(Rng *r, uint64_t n);

#endif
