/* Scoring detections against labels (DESIGN section 4), incrementally.
 *
 * Scores cover the test part [split, rows) only: labels and detections are
 * clipped to it. For each unit (every metric and the node level) and each
 * criticality filter (all, >= medium, high only) three rule sets give TP,
 * FP, FN, precision, recall and F1:
 *   point-wise      every row on its own;
 *   point-adjusted  a labelled range with any detected row counts as wholly
 *                   detected (inflated; shown for comparison only);
 *   event           a detected range of length D overlapping the labels on o
 *                   rows: o = 0 -> FP += D; o > 0 -> TP += min(D,
 *                   floor(1.5 o)), FP += D - that TP. A labelled range that
 *                   no detection overlaps adds all its rows as FN, otherwise
 *                   none. P, R, F1 are 0 where undefined.
 * A labelled range is a labelled event: a maximal run of labelled rows, so
 * ranges that touch (as a split leaves them) are one, as a run of 1s is one
 * range in SMD's test_label.
 * Within a unit and filter, overlapping detections are merged first (touching
 * ones stay separate ranges).
 *
 * All of it is interval arithmetic on partial sums kept per unit and filter:
 * per detection its overlap o with the labels, per labelled event whether it
 * is hit. An edit of one set only revisits the detections and labels it
 * touches (a few binary searches), never the rows. */
#ifndef VIGIL_SCORE_H
#define VIGIL_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "data/range.h"
#include "data/status.h"
#include "labels/labelset.h"
#include "labels/rangeset.h"

typedef enum {
	SCORE_POINT = 0,
	SCORE_ADJUSTED = 1,
	SCORE_EVENT = 2,
	SCORE_RULES = 3,
} ScoreRule;

typedef enum {
	SCORE_ALL = 0,    /* >= low */
	SCORE_MEDIUM = 1, /* >= medium */
	SCORE_HIGH = 2,   /* high only */
	SCORE_FILTERS = 3,
} ScoreFilter;

typedef struct {
	int64_t tp, fp, fn;
	double p, r, f1;
} ScoreCell;

/* Every rule set under every criticality filter, for one unit. */
typedef struct {
	ScoreCell cell[SCORE_RULES][SCORE_FILTERS];
} ScoreTable;

/* "point-wise", "point-adjusted", "event"; "all", ">=medium", "high". */
const char *score_rule_name(ScoreRule rule);
const char *score_filter_name(ScoreFilter f);
/* 1 when a detection of criticality c passes filter f. */
int score_filter_pass(ScoreFilter f, Criticality c);
/* Fill p, r, f1 of a cell from its tp, fp, fn. */
void score_cell_finish(ScoreCell *c);

typedef struct ScoreBoard ScoreBoard;

/* Score every unit of ls (borrowed: the working copy; it must outlive the
 * board) against dets (each with its metric index or DETECT_NODE; copied).
 * Detections for metrics outside ls are an error. */
Status score_board_new(ScoreBoard **out, const LabelSet *ls,
		       const Detection *dets, size_t n, size_t split,
		       size_t rows, ErrorRecord *err);
void score_board_delete(ScoreBoard *sb);

/* Rescore after one labelset edit, undo or redo (chg as it reported). */
void score_board_update_after_edit(ScoreBoard *sb, const LabelChange *chg);
/* Replace the detections of one unit (metric or DETECT_NODE; the metric
 * field of dets is ignored) and rescore that unit, e.g. after a threshold
 * move. */
Status score_board_set_detections(ScoreBoard *sb, size_t metric,
				  const Detection *dets, size_t n,
				  ErrorRecord *err);
/* Rescore everything from the labels (after the label set was replaced
 * wholesale, e.g. reloaded). */
Status score_board_rescore(ScoreBoard *sb, ErrorRecord *err);

/* The scores of a metric or DETECT_NODE. */
void score_board_get(const ScoreBoard *sb, size_t metric, ScoreTable *out);
/* Number of detections of a unit under a filter, after clipping to the test
 * part and merging overlaps. */
size_t score_board_detections(const ScoreBoard *sb, size_t metric,
			      ScoreFilter f);

/* Score one set of labels against dets (metric fields ignored) from
 * scratch, without a board. */
Status score_compute(const RangeSet *labels, const Detection *dets, size_t n,
		     size_t split, size_t rows, ScoreTable *out,
		     ErrorRecord *err);

/* The node-level detections the engine would derive when a detections file
 * has only per-metric rows: the union of all metrics' detections, each with
 * the highest criticality and peak among the metrics involved. *out is
 * malloc'd (free it). */
Status score_node_union(const Detection *dets, size_t n, Detection **out,
			size_t *n_out, ErrorRecord *err);

#endif
