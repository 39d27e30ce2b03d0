/* The dashboard's label state: for every metric and for the node, the
 * original ranges (as loaded, never modified) and the working copy the
 * analyst edits, with undo and redo of any depth, and the scores of a set of
 * detections against either copy (event, point-wise, point-adjusted rules
 * of DESIGN section 4, on the test part only).
 *
 * Ranges are half-open row intervals of the whole series, kept sorted and
 * disjoint. Set index `metrics` (UI_NODE maps to it) is the node level. */
#ifndef VIGIL_UI_LABELS_UI_H
#define VIGIL_UI_LABELS_UI_H

#include <stddef.h>
#include <stdint.h>

#include "data/range.h"
#include "data/status.h"

#define UI_NODE ((size_t)-1)

typedef struct {
	Range *r; /* owned: n sorted disjoint ranges */
	size_t n;
	size_t cap;
} UiRanges;

typedef struct {
	size_t set;       /* set index (metrics = node) */
	UiRanges before;  /* owned copies */
	UiRanges after;
} UiEdit;

typedef struct {
	size_t metrics;
	UiRanges *orig; /* owned: metrics + 1 sets */
	UiRanges *work; /* owned: metrics + 1 sets */
	UiEdit *undo;   /* owned stack */
	size_t n_undo, cap_undo;
	UiEdit *redo;   /* owned stack */
	size_t n_redo, cap_redo;
	long unsaved;   /* edits since the last save (undo counts too) */
} UiLabels;

typedef enum {
	RULE_EVENT,
	RULE_POINT,
	RULE_PA,
	RULE_COUNT
} ScoreRule;

typedef struct {
	int64_t tp, fp, fn;
	double p, r, f1;
} UiScore;

int ui_labels_init(UiLabels *l, size_t metrics);
void ui_labels_free(UiLabels *l);

/* The set for metric m (UI_NODE: the node); working or original. */
const UiRanges *ui_labels_set(const UiLabels *l, size_t m, int original);

/* Load ranges as the original (and working) labels of metric m. */
int ui_labels_load(UiLabels *l, size_t m, const Range *r, size_t n);

/* Edits on the working copy of set m, recorded for undo. mark adds [a, b)
 * (merging), unmark removes it. Return 1 if the set changed, 0 if not, -1
 * when out of memory. */
int ui_labels_mark(UiLabels *l, size_t m, int64_t a, int64_t b);
int ui_labels_unmark(UiLabels *l, size_t m, int64_t a, int64_t b);

/* Undo / redo the last edit; returns the set index touched, or -1 when
 * there is nothing to undo / redo. */
long ui_labels_undo(UiLabels *l);
long ui_labels_redo(UiLabels *l);

/* The range of set s containing row r: its index, or -1. */
long ui_ranges_find(const UiRanges *s, int64_t r);

/* Points in the working set that differ from the original, over all sets. */
int64_t ui_labels_changed_points(const UiLabels *l);

/* Scores of detections (any order; only those with crit >= min_crit count)
 * against label ranges, counted on rows [from, to) only. out[RULE_*]. */
void ui_score(const Range *lab, size_t nl, const Detection *det, size_t nd,
	      Criticality min_crit, int64_t from, int64_t to,
	      UiScore out[RULE_COUNT]);

#endif
