/* Threshold moves that rescore only what can change, for the dashboard.
 *
 * detect_rethreshold rewrites the moved metrics' score columns and finds
 * every detection again with passes over all rows and metrics (the node
 * rule reads every metric's score at every row). Here the score columns are
 * left as they were when the index was built (the base scores) and the
 * thresholds are scaled exactly as detect_rethreshold scales them; a
 * metric's score in force at row t is then recomputed on demand, with
 * rescore's very arithmetic (rethresh_score). A min/max summary of each base
 * column (block maxima at several block sizes) gives the blocks where the
 * score can reach the threshold: only those rows are scored, so a move
 * costs O(candidate rows + blocks x log rows) per moved metric, not
 * O(rows). Every other metric's raw runs (rows with s >= 1) are kept from
 * the last move; the node rule is evaluated only on their union (the mean
 * of the k largest scores cannot reach 1 where no score does), and the
 * alerts' score masses only inside the alerts.
 *
 * The result (thresholds, detections of every metric, node detections,
 * alerts) equals detect_rethreshold's on the same moves; only r->score
 * differs: it keeps the base scores (see rethresh_scale for display). */
#ifndef VIGIL_RETHRESH_H
#define VIGIL_RETHRESH_H

#include <stddef.h>

#include "data/range.h"
#include "data/status.h"
#include "engine/detect.h"

/* Rows per block of the finest summary level. */
#define RETHRESH_BLOCK 64

typedef struct {
	Range *run;  /* owned: runs of s >= 1 in [from, rows), sorted */
	float *peak; /* owned: each run's largest score */
	size_t n, cap;
} RethreshRuns;

typedef struct {
	size_t rows, metrics;
	float *thr0;        /* owned: metrics, the thresholds of the base
			       scores */
	float *win0;        /* owned, NULL unless dynamic: metrics x n_win */
	size_t n_win;
	float *max;         /* owned: metrics x per_metric block maxima */
	size_t per_metric;
	size_t levels;      /* summary levels (level 0: RETHRESH_BLOCK) */
	size_t off[64];     /* level j starts at max + m * per_metric + off[j] */
	size_t len[64];     /* and holds len[j] blocks */
	RethreshRuns *raw;  /* owned: metrics, raw runs at the thresholds in
			       force */
} RethreshIndex;

/* Index r, whose score columns must match its thresholds (right after
 * detect_run or detect_rethreshold). O(rows x metrics), once. On error ix
 * is left empty. */
Status rethresh_init(RethreshIndex *ix, const DetectResult *r,
		     ErrorRecord *err);
void rethresh_free(RethreshIndex *ix);

/* detect_rethreshold(r, m, factor) (m may be DETECT_ALL) without rewriting
 * r->score: thresholds, the moved metrics' detections, the node detections
 * and the alerts as detect_rethreshold would leave them. r must be the
 * result ix was built on, moved only through here since. */
Status rethresh_move(DetectResult *r, RethreshIndex *ix, size_t m,
		     double factor, ErrorRecord *err);

/* The score of metric m at row t under the thresholds in force: what
 * detect_rethreshold would have written into r->score. */
float rethresh_score(const DetectResult *r, size_t m, size_t t);

/* What the base score of metric m is multiplied by to give (up to
 * rounding) the score in force: threshold at build / threshold now. */
double rethresh_scale(const DetectResult *r, const RethreshIndex *ix,
		      size_t m);

/* detect_node_scores under the thresholds in force, for display: the
 * mean of the k largest of base score x rethresh_scale per row (equal to
 * the node score of the scores in force up to rounding). One pass over
 * every metric's rows. STATUS_NOMEM leaves out unchanged. */
Status rethresh_node_scores(const DetectResult *r, const RethreshIndex *ix,
			    float *out, ErrorRecord *err);

/* rethresh_node_scores in a worker thread, so that a threshold move does
 * not wait for a pass over every row and metric: the scales are taken at
 * the start; r's score columns must not change or be freed until the job
 * is joined (its thresholds may: moves go on meanwhile). */
typedef struct NodeScoreJob NodeScoreJob;

Status rethresh_node_start(NodeScoreJob **out, const DetectResult *r,
			   const RethreshIndex *ix, ErrorRecord *err);
/* 1 when the job has finished (joining will not wait). */
int rethresh_node_done(NodeScoreJob *j);
/* Ask the job to stop soon, without waiting for it. */
void rethresh_node_cancel(NodeScoreJob *j);
/* Wait for the job (asking it to stop first when cancel is set) and free
 * it: its rows floats (the caller owns them), or NULL when it was
 * cancelled or ran out of memory. */
float *rethresh_node_join(NodeScoreJob *j, int cancel);

#endif
