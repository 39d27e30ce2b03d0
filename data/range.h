/* Ranges and detections: the currency between engine/ and labels/.
 *
 * A Range is a half-open row interval [start, end) of the whole series. The
 * engine emits detections as Detection arrays; labels/ scores them. Metric
 * index DETECT_NODE stands for the node level (the union over metrics). */
#ifndef VIGIL_RANGE_H
#define VIGIL_RANGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	int64_t start; /* first row */
	int64_t end;   /* one past the last row */
} Range;

typedef enum {
	CRIT_LOW = 1,
	CRIT_MEDIUM = 2,
	CRIT_HIGH = 3,
} Criticality;

#define DETECT_NODE ((size_t)-1)

typedef struct {
	Range r;
	size_t metric;    /* metric index, or DETECT_NODE */
	Criticality crit; /* from the peak normalised score */
	float peak;       /* peak normalised score s_t in the range */
} Detection;

/* "low", "medium", "high"; NULL for anything else. */
const char *crit_name(Criticality c);
/* Parse "low"/"medium"/"high"; returns 0 or -1. */
int crit_parse(const char *text, Criticality *out);

/* The node level as the union of metric detections (DESIGN section 3):
 * the n detections of in, without node-level and empty ones, sorted by
 * start; overlapping or touching ranges join, keeping the highest
 * criticality and the largest peak; metric DETECT_NODE. out has room for
 * n and may be in itself. Returns the number written. */
size_t detection_union(const Detection *in, size_t n, Detection *out);

#endif
