/* The synthetic generator: the tutorial's three server metrics, made
 * deterministic by an explicit seed, with every injected anomaly recorded.
 *
 * Each metric is a linear trend plus Gaussian noise (and, on request, a
 * daily sine). Anomalies add a constant offset of random sign to 1 to
 * max_duration consecutive points; level shifts (on request) add one to a
 * longer stretch. Injected ranges of one metric never touch each other (a
 * clean point separates them), so the returned labels mark exactly the
 * points that were changed. The random draws happen in a fixed order:
 * noise of every metric, then per metric its level shifts, then its
 * anomalies. */
#include "data/synth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/rng.h"

#define SYNTH_T0 1640995200 /* 2022-01-01 00:00:00 UTC */

typedef struct {
	const char *name;
	double from, to, sd;    /* linear trend and noise */
	double mag_lo, mag_hi;  /* anomaly magnitude */
	double daily;           /* daily sine amplitude */
} SynthMetric;

static const SynthMetric synth_metrics[] = {
	{"cpu_usage", 30, 70, 2, 15, 25, 8},
	{"memory_usage", 20, 80, 3, 15, 25, 10},
	{"network_latency", 10, 50, 1, 5, 15, 5},
};
#define SYNTH_METRICS (sizeof(synth_metrics) / sizeof(synth_metrics[0]))

void synth_defaults(SynthOptions *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 42;
	o->points = 1000;
	o->anomalies = 10;
	o->max_duration = 1;
}

void synth_demo_options(SynthOptions *o)
{
	synth_defaults(o);
	o->min_duration = 3;
	o->max_duration = 12;
	o->level_shifts = 1;
}

static int cmp_injection(const void *a, const void *b)
{
	const SynthInjection *x = a, *y = b;
	if (x->metric != y->metric)
		return (x->metric > y->metric) - (x->metric < y->metric);
	return (x->r.start > y->r.start) - (x->r.start < y->r.start);
}

/* Finds a free stretch of len points (with a clean point on each side) and
 * marks it; returns its start, or -1 after enough failed draws. */
static long place(Rng *rng, unsigned char *used, size_t n, size_t len)
{
	if (len == 0 || len > n)
		return -1;
	for (int attempt = 0; attempt < 1000; attempt++) {
		size_t start = (size_t)rng_below(rng, n - len + 1);
		size_t lo = start ? start - 1 : 0;
		size_t hi = start + len < n ? start + len + 1 : n;
		int clash = 0;
		for (size_t i = lo; i < hi && !clash; i++)
			clash = used[i];
		if (clash)
			continue;
		memset(used + start, 1, len);
		return (long)start;
	}
	return -1;
}

Status synth_generate_injections(const SynthOptions *o, Series *s,
				 SynthInjection **inj, size_t *ninj,
				 ErrorRecord *err)
{
	SynthOptions d;
	if (!o) {
		synth_defaults(&d);
		o = &d;
	}
	series_init(s);
	*inj = NULL;
	*ninj = 0;
	size_t n = o->points;
	if (n < 2)
		return error_set(err, STATUS_RANGE, NULL, 0, 0,
				 "need at least 2 points, not %zu", n);
	size_t maxdur = o->max_duration ? o->max_duration : 1;
	if (maxdur > n / 4 + 1)
		maxdur = n / 4 + 1;
	size_t mindur = o->min_duration ? o->min_duration : 1;
	if (mindur > maxdur)
		mindur = maxdur;
	size_t shifts = o->level_shifts
				? (o->anomalies >= 5 ? o->anomalies / 5 : 1)
				: 0;
	size_t per = shifts + o->anomalies;
	if (per && n > (size_t)-1 / per / SYNTH_METRICS)
		return error_set(err, STATUS_RANGE, NULL, 0, 0,
				 "too many anomalies");
	Status st = series_alloc(s, n, SYNTH_METRICS, err);
	if (st != STATUS_OK)
		return st;
	SynthInjection *list =
		malloc((per * SYNTH_METRICS + 1) * sizeof(SynthInjection));
	unsigned char *used = malloc(n);
	size_t cnt = 0;
	if (!list || !used)
		goto nomem;
	for (size_t m = 0; m < SYNTH_METRICS; m++) {
		free(s->names[m]);
		if (!(s->names[m] = strdup(synth_metrics[m].name)))
			goto nomem;
	}
	s->kind = SERIES_SYNTH;
	s->t0 = SYNTH_T0;
	s->interval = 60;
	s->split = n / 2;
	if (!(s->path = strdup("synthetic")))
		goto nomem;

	Rng rng;
	rng_seed(&rng, o->seed);
	for (size_t m = 0; m < SYNTH_METRICS; m++) {
		const SynthMetric *sm = &synth_metrics[m];
		float *x = series_column(s, m);
		for (size_t r = 0; r < n; r++) {
			double v = sm->from +
				   (sm->to - sm->from) * (double)r /
					   (double)(n - 1) +
				   sm->sd * rng_normal(&rng);
			if (o->daily_cycle)
				v += sm->daily *
				     sin(6.283185307179586 *
					 (double)(r % 1440) / 1440.0);
			x[r] = (float)v;
		}
	}
	for (size_t m = 0; m < SYNTH_METRICS; m++) {
		const SynthMetric *sm = &synth_metrics[m];
		float *x = series_column(s, m);
		memset(used, 0, n);
		for (size_t k = 0; k < per; k++) {
			size_t len;
			if (k < shifts) {
				size_t lo = 3 * maxdur > 20 ? 3 * maxdur : 20;
				size_t hi = n / 20 > lo ? n / 20 : lo;
				len = lo + (size_t)rng_below(&rng, hi - lo + 1);
				if (len > n / 4)
					len = n / 4 ? n / 4 : 1;
			} else {
				len = mindur + (size_t)rng_below(
						       &rng, maxdur - mindur + 1);
			}
			double mag = sm->mag_lo +
				     (sm->mag_hi - sm->mag_lo) *
					     rng_uniform(&rng);
			if (rng_below(&rng, 2))
				mag = -mag;
			long start = place(&rng, used, n, len);
			if (start < 0)
				continue;
			for (size_t r = (size_t)start; r < (size_t)start + len;
			     r++)
				x[r] += (float)mag;
			list[cnt].metric = m;
			list[cnt].r.start = start;
			list[cnt].r.end = start + (long)len;
			list[cnt].offset = (float)mag;
			list[cnt].level_shift = k < shifts;
			cnt++;
		}
	}
	qsort(list, cnt, sizeof(SynthInjection), cmp_injection);
	free(used);
	*inj = list;
	*ninj = cnt;
	return STATUS_OK;
nomem:
	free(list);
	free(used);
	series_free(s);
	return error_set(err, STATUS_NOMEM, NULL, 0, 0, "out of memory");
}

Status synth_generate(const SynthOptions *o, Series *s, Range ***labels,
		      size_t **nlabels, ErrorRecord *err)
{
	SynthInjection *inj;
	size_t ninj;
	Status st = synth_generate_injections(o, s, &inj, &ninj, err);
	if (st != STATUS_OK)
		return st;
	Range **lab = calloc(SYNTH_METRICS, sizeof(Range *));
	size_t *nlab = calloc(SYNTH_METRICS, sizeof(size_t));
	int ok = lab && nlab;
	for (size_t m = 0; ok && m < SYNTH_METRICS; m++)
		ok = (lab[m] = malloc((ninj + 1) * sizeof(Range))) != NULL;
	if (!ok) {
		if (lab)
			for (size_t m = 0; m < SYNTH_METRICS; m++)
				free(lab[m]);
		free(lab);
		free(nlab);
		free(inj);
		series_free(s);
		return error_set(err, STATUS_NOMEM, NULL, 0, 0,
				 "out of memory");
	}
	for (size_t i = 0; i < ninj; i++) {
		size_t m = inj[i].metric;
		lab[m][nlab[m]++] = inj[i].r;
	}
	free(inj);
	if (labels)
		*labels = lab;
	else {
		for (size_t m = 0; m < SYNTH_METRICS; m++)
			free(lab[m]);
		free(lab);
	}
	if (nlabels)
		*nlabels = nlab;
	else
		free(nlab);
	return STATUS_OK;
}
