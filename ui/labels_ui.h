/* The dashboard's view of the labels: a LabelSet (labels/labelset.h: the
 * original and the working copy per metric and for the node, the undo/redo
 * stack) plus, for each set, its extents as a plain Range array that the
 * panes and the plot read without conversion. The arrays are rebuilt for the
 * one set an edit, undo or redo touched. Scores come from labels/score.h.
 *
 * Ranges are half-open row intervals of the whole series, sorted and
 * disjoint. UI_NODE stands for the node level.
 *
 * Once detections are attached, scores are kept up to date incrementally: a
 * ScoreBoard over the working copy is told about every edit, undo and redo,
 * and the original's scores are computed when the detections change. */
#ifndef VIGIL_UI_LABELS_UI_H
#define VIGIL_UI_LABELS_UI_H

#include <stddef.h>
#include <stdint.h>

#include "data/range.h"
#include "data/status.h"
#include "labels/labelset.h"
#include "labels/score.h"

#define UI_NODE ((size_t)-1)

typedef struct {
	Range *r; /* owned: n sorted disjoint ranges */
	size_t n;
	size_t cap;
} UiRanges;

typedef struct {
	size_t metrics;
	LabelSet ls;    /* owned: original, working, edit stack */
	UiRanges *orig; /* owned: metrics + 1 extents of the original */
	UiRanges *work; /* owned: metrics + 1 extents of the working copy */
	ScoreBoard *sb; /* owned, NULL before detections: working scores */
	ScoreTable *orig_tab; /* owned, NULL before detections: metrics + 1
				 scores of the original labels */
	size_t split, rows;   /* the scored part */
} UiLabels;

typedef enum {
	RULE_EVENT,
	RULE_POINT,
	RULE_PA,
	RULE_COUNT
} ScoreRuleUi;

typedef struct {
	int64_t tp, fp, fn;
	double p, r, f1;
} UiScore;

int ui_labels_init(UiLabels *l, size_t metrics);
void ui_labels_free(UiLabels *l);

/* Adopt a label set read from files (ls is moved in and left empty); its
 * sizes must match. Returns 0 or -1. */
int ui_labels_adopt(UiLabels *l, LabelSet *ls);

/* The extents of metric m (UI_NODE: the node); working or original. */
const UiRanges *ui_labels_set(const UiLabels *l, size_t m, int original);

/* Load ranges as the original (and working) labels of metric m (clears the
 * edit stack). */
int ui_labels_load(UiLabels *l, size_t m, const Range *r, size_t n);

/* Edits on the working copy of set m, undoable. mark adds [a, b) (merging
 * what it overlaps or touches), unmark removes it. Return 1 if the set
 * changed, 0 if not, -1 on failure. */
int ui_labels_mark(UiLabels *l, size_t m, int64_t a, int64_t b);
int ui_labels_unmark(UiLabels *l, size_t m, int64_t a, int64_t b);

/* Undo / redo the last edit; returns the set touched (a metric index or
 * UI_NODE as long), or -1 when there is nothing to undo / redo. */
long ui_labels_undo(UiLabels *l);
long ui_labels_redo(UiLabels *l);

/* Edits between the saved state and now (0: nothing to save). */
size_t ui_labels_unsaved(const UiLabels *l);
/* The current state is saved. */
void ui_labels_saved(UiLabels *l);

/* The range of s containing row r: its index, or -1. */
long ui_ranges_find(const UiRanges *s, int64_t r);

/* Attach the detections of every metric (det[m], n_det[m]) and of the node
 * (node, n_node), scored on rows [split, rows). Returns 0 or -1. */
int ui_labels_attach(UiLabels *l, Detection *const *det, const size_t *n_det,
		     const Detection *node, size_t n_node, size_t split,
		     size_t rows);

/* New detections for metric m (or UI_NODE) after a threshold move: only
 * that unit is rescored. Returns 0 or -1. */
int ui_labels_redetect(UiLabels *l, size_t m, const Detection *det,
		       size_t n);

/* Scores of set m (a metric or UI_NODE) for detections with crit >= min,
 * working (original = 0) or original labels; zeros before detections are
 * attached. out[RULE_*]. */
void ui_labels_score(const UiLabels *l, size_t m, int original,
		     Criticality min, UiScore out[RULE_COUNT]);

#endif
