/* The synthetic generator: the tutorial's CPU / memory / latency series,
 * deterministic for a seed, with injected anomalies recorded exactly. */
#ifndef VIGIL_SYNTH_H
#define VIGIL_SYNTH_H

#include <stdint.h>

#include "data/series.h"

typedef struct {
	uint64_t seed;       /* default 42 */
	size_t points;       /* default 1000 */
	size_t anomalies;    /* per metric, default 10 */
	int daily_cycle;     /* add a daily sine */
	int level_shifts;    /* add level-shift anomalies */
	size_t max_duration; /* anomalies last 1..max_duration points (1) */
} SynthOptions;

/* Defaults as above. */
void synth_defaults(SynthOptions *o);

/* Generate the series (3 metrics, one-minute steps from 2022-01-01 00:00,
 * split at half) and the injected anomaly ranges per metric:
 * labels[m] is an owned array of nlabels[m] sorted disjoint ranges (caller
 * frees each and the arrays with free()). */
Status synth_generate(const SynthOptions *o, Series *s, Range ***labels,
		      size_t **nlabels, ErrorRecord *err);

#endif
