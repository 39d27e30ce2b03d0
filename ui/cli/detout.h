/* Writing detection results: the detections file of DESIGN section 6, the
 * alerts with their ranked metrics, per-point scores, as CSV or JSON.
 *
 * The detections file itself (metric,start,end,start_time,end_time,
 * criticality,peak_score) is labels/detfile.h's, so reader and writer agree.
 * CSV layouts here (documented in README "Detection"):
 *   alerts      alert,start,end,start_time,end_time,criticality,peak_score,
 *               node_detections,low,medium,high,rank,metric,share
 *               one line per (alert, ranked metric), rank 1 = largest share
 *   points      row,time,node,<metric 1>,...  normalised scores s_t; node is
 *               the largest over the metrics */
#ifndef VIGIL_DETOUT_H
#define VIGIL_DETOUT_H

#include <stdio.h>

#include "data/series.h"
#include "engine/detect.h"

void detout_alerts_csv(FILE *f, const Series *s, const DetectResult *r);
Status detout_points_csv(FILE *f, const Series *s, const DetectResult *r,
			 ErrorRecord *err);
/* One JSON object: dataset, mode, thresholds, detections, alerts and (with
 * points) the per-row scores. */
Status detout_json(FILE *f, const Series *s, const DetectResult *r,
		   int points, ErrorRecord *err);

/* Write text as a CSV field (quoted when it holds , " or a newline). */
void detout_csv_field(FILE *f, const char *text);
/* Write text as a JSON string with quotes. */
void detout_json_string(FILE *f, const char *text);
/* Row r's time as the detections files write it into buf: empty when the
 * series has no time axis (an index axis) or r is outside it. */
const char *detout_row_time(const Series *s, int64_t r, char *buf, size_t n);

#endif
