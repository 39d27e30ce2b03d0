/* Writing detection results: the detections file of DESIGN section 6, the
 * alerts with their ranked metrics, per-point scores, as CSV or JSON.
 *
 * CSV layouts (documented in README "Detection"):
 *   detections  metric,start,end,start_time,end_time,criticality,peak_score
 *               per-metric rows (by metric, then start) then node rows '*';
 *               start/end 0-based rows of the whole series, half-open;
 *               end_time is the time of the last row (end - 1)
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

void detout_detections_csv(FILE *f, const Series *s, const DetectResult *r);
void detout_alerts_csv(FILE *f, const Series *s, const DetectResult *r);
void detout_points_csv(FILE *f, const Series *s, const DetectResult *r);
/* One JSON object: dataset, mode, thresholds, detections, alerts and (with
 * points) the per-row scores. */
void detout_json(FILE *f, const Series *s, const DetectResult *r, int points);

/* Write text as a CSV field (quoted when it holds , " or a newline). */
void detout_csv_field(FILE *f, const char *text);
/* Write text as a JSON string with quotes. */
void detout_json_string(FILE *f, const char *text);

#endif
