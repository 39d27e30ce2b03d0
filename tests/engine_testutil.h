/* Series built in memory for the engine tests (independent of the data
 * loaders): a noisy sine per metric, deterministic for a seed. */
#ifndef VIGIL_ENGINE_TESTUTIL_H
#define VIGIL_ENGINE_TESTUTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/rng.h"
#include "data/series.h"

/* rows x metrics; metric m is 10*(m+1) + 5 sin(2 pi r / period_m + m)
 * + noise N(0, noise). split = train rows. */
static inline void et_sine_series(Series *s, size_t rows, size_t metrics,
				  size_t split, double noise, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->rows = rows;
	s->metrics = metrics;
	s->split = split;
	s->interval = 60;
	s->kind = SERIES_SYNTH;
	s->values = malloc(rows * metrics * sizeof(float));
	s->names = calloc(metrics, sizeof(char *));
	Rng rng;
	rng_seed(&rng, seed);
	for (size_t m = 0; m < metrics; m++) {
		char buf[32];
		snprintf(buf, sizeof(buf), "metric_%zu", m);
		s->names[m] = strdup(buf);
		double period = 24.0 + 7.0 * (double)m;
		for (size_t r = 0; r < rows; r++)
			s->values[m * rows + r] =
				(float)(10.0 * (double)(m + 1) +
					5.0 * sin(6.283185307179586 *
							  (double)r / period +
						  (double)m) +
					noise * rng_normal(&rng));
	}
}

static inline void et_series_free(Series *s)
{
	for (size_t m = 0; m < s->metrics; m++)
		free(s->names[m]);
	free(s->names);
	free(s->values);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

#endif
