/* The detections file (DESIGN section 6), written by `vigil detect` and read
 * by `vigil score --detections`:
 *   metric,start,end,start_time,end_time,criticality,peak_score
 * metric is a metric name or '*' for the node level; start/end are 0-based
 * rows of the whole series, half-open; the times are "YYYY-MM-DD HH:MM:SS"
 * (UTC; start_time is the first row's, end_time the last row's) or empty
 * when the series has no time axis; criticality is low, medium or high. */
#ifndef VIGIL_DETFILE_H
#define VIGIL_DETFILE_H

#include <stddef.h>
#include <stdio.h>

#include "data/range.h"
#include "data/series.h"
#include "data/status.h"

/* Read path: *out (malloc'd, free it) gets *n detections with metric
 * indices of s (DETECT_NODE for '*'). Errors name line and column. */
Status detfile_read(const char *path, const Series *s, Detection **out,
		    size_t *n, ErrorRecord *err);

/* Write the detections to path atomically (temp file, fsync, rename). */
Status detfile_write(const char *path, const Series *s, const Detection *d,
		     size_t n, ErrorRecord *err);

/* Write the same text to an open stream (e.g. stdout). */
Status detfile_write_stream(FILE *f, const Series *s, const Detection *d,
			    size_t n, ErrorRecord *err);

#endif
