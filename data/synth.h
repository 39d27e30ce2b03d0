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
	size_t max_duration; /* anomalies last min..max_duration points (1) */
	size_t min_duration; /* 0 or 1: from a single point */
} SynthOptions;

/* One injected anomaly: rows [r.start, r.end) of metric `metric` got
 * `offset` added (a level shift is a longer stretch). */
typedef struct {
	size_t metric;
	Range r;
	float offset;
	int level_shift;
} SynthInjection;

/* Defaults as above (the tutorial's generator, `vigil synth`). */
void synth_defaults(SynthOptions *o);

/* The built-in demo's options: the defaults plus anomalies of 3 to 12
 * points and level shifts, so range anomalies show in the dashboard. */
void synth_demo_options(SynthOptions *o);

/* Like synth_generate, but returns every injection (sorted by metric, then
 * start) as an owned array *inj of *ninj (free with free()). */
Status synth_generate_injections(const SynthOptions *o, Series *s,
				 SynthInjection **inj, size_t *ninj,
				 ErrorRecord *err);

/* Generate the series (3 metrics, one-minute steps from 2022-01-01 00:00,
 * split at half) and the injected anomaly ranges per metric:
 * labels[m] is an owned array of nlabels[m] sorted disjoint ranges (caller
 * frees each and the arrays with free()). labels and nlabels may be NULL
 * when the ranges are not wanted. */
Status synth_generate(const SynthOptions *o, Series *s, Range ***labels,
		      size_t **nlabels, ErrorRecord *err);

#endif
