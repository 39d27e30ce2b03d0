/* Alerts: node detections close in time grouped into one alert, with the
 * metrics ranked by their share of the score mass (the root-cause hint).
 *
 * Rules (documented here because users read them in the output):
 *  - node detections separated by fewer than alert_gap rows (the gap is the
 *    next start minus the previous end) belong to the same alert;
 *  - the alert counts the metric-level detections that overlap its span by
 *    criticality; its criticality is high if any of them is high or at least
 *    two are medium, medium if exactly one is medium, low otherwise;
 *  - a metric's mass is the sum of its score s_t over the alert span, rows
 *    with s_t >= 1 only (below-threshold noise does not dilute the ranking);
 *    its share is mass / the sum of all metrics' masses. Metrics with no
 *    mass are not listed. Ties keep metric order. */
#ifndef VIGIL_ALERT_H
#define VIGIL_ALERT_H

#include <stddef.h>

#include "data/range.h"
#include "data/status.h"

/* One metric's part in an alert. */
typedef struct {
	size_t metric;
	double mass;  /* sum of s_t >= 1 over the alert span */
	double share; /* mass / the alert's total mass, in (0, 1] */
} AlertMetric;

typedef struct {
	Range r;             /* first node detection's start to the last's end */
	Criticality crit;    /* rule above */
	float peak;          /* highest peak of its node detections */
	size_t n_node;       /* node detections in it */
	size_t n_low, n_medium, n_high; /* metric detections overlapping it */
	AlertMetric *ranked; /* owned: n_ranked, by share, descending */
	size_t n_ranked;
} Alert;

/* Group node detections (sorted by start, disjoint) into alerts.
 * det[m] (n_det[m] entries, sorted) are the metric detections; score is
 * metrics x rows column-major. *out is malloc'd (free with alerts_free). */
Status alerts_build(const Detection *node, size_t n_node,
		    Detection *const *det, const size_t *n_det, size_t metrics,
		    const float *score, size_t rows, size_t alert_gap,
		    Alert **out, size_t *n_out, ErrorRecord *err);

/* The same with the scores read through fn(ctx, m, t) (rows rows per
 * metric) instead of an array: for scores computed on demand. */
typedef float (*AlertScoreFn)(const void *ctx, size_t m, size_t t);
Status alerts_build_fn(const Detection *node, size_t n_node,
		       Detection *const *det, const size_t *n_det,
		       size_t metrics, AlertScoreFn fn, const void *ctx,
		       size_t rows, size_t alert_gap, Alert **out,
		       size_t *n_out, ErrorRecord *err);

void alerts_free(Alert *a, size_t n);

#endif
