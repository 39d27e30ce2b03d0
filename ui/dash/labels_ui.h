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
	int mirror; /* one metric whose original labels are the node's (a
		       NAB file, a one-metric CSV): one list shown at both
		       scopes, every edit of either made to both */
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
/* Give the range of set m containing row at the extent [a, b); cut the
 * range containing row at in two before that row. Same returns. */
int ui_labels_resize(UiLabels *l, size_t m, int64_t at, int64_t a,
		     int64_t b);
int ui_labels_split(UiLabels *l, size_t m, int64_t at);
/* Give the range of set m containing row at the note ("" removes it).
 * Same returns. */
int ui_labels_note(UiLabels *l, size_t m, int64_t at, const char *note);
/* The note of the working range of set m containing row r, or NULL. */
const char *ui_labels_note_at(const UiLabels *l, size_t m, int64_t r);

/* Undo / redo the last edit: 1 when done (*set, may be NULL, receives the
 * set touched: a metric index or UI_NODE), 0 when there is nothing to undo
 * / redo, -1 on failure. */
int ui_labels_undo(UiLabels *l, size_t *set);
int ui_labels_redo(UiLabels *l, size_t *set);

/* What a save holds (UI_SAVED_*): the metrics' sets, the node's, both. */
enum { UI_SAVED_METRICS = 1, UI_SAVED_NODE = 2, UI_SAVED_ALL = 3 };

/* Every change of the labels as one value: what the keys do, what the
 * journal records and what a recovery replays, through one function. */
typedef enum {
	UI_OP_MARK,   /* set, [start, end) */
	UI_OP_UNMARK, /* set, [start, end) */
	UI_OP_RESIZE, /* set, at, [start, end) */
	UI_OP_SPLIT,  /* set, at */
	UI_OP_UNDO,
	UI_OP_REDO,
	UI_OP_SAVED,  /* saved: UI_SAVED_* */
	UI_OP_NOTE,   /* set, at, note */
} UiOpKind;

typedef struct {
	UiOpKind kind;
	size_t set; /* a metric index or UI_NODE; undo / redo: filled with
		       the set they touched */
	int64_t at, start, end;
	unsigned saved;
	const char *note; /* borrowed: UI_OP_NOTE's text ("" none) */
} UiOp;

/* Apply op; returns 1 when the labels changed (or a save was recorded), 0
 * when nothing changed (nothing to undo, an edit without effect), -1 on
 * failure. */
int ui_labels_apply(UiLabels *l, UiOp *op);

/* Edit the working copy of set m (a metric or UI_NODE) of l until its
 * extents and notes are those of the same set of to's working copy, with
 * unmarks, marks, splits and notes; every op that changed l is passed, as
 * applied, to emit (ctx), whose non-zero return stops. Returns 0, emit's
 * return, or -1 on failure. */
int ui_labels_converge(UiLabels *l, size_t m, const UiLabels *to,
		       int (*emit)(const UiOp *op, void *ctx), void *ctx);

/* Edits between the saved state and now (0: nothing to save; SIZE_MAX:
 * the saved state can no longer be reached by undo / redo). */
size_t ui_labels_unsaved(const UiLabels *l);
/* The same for one set (a metric or UI_NODE). */
size_t ui_labels_unsaved_set(const UiLabels *l, size_t m);
/* The current state is saved, for the sets in `which` (UI_SAVED_*). */
void ui_labels_saved(UiLabels *l, unsigned which);

/* A hash of the original labels (every set's extents): a journal made over
 * other originals must not be replayed. */
uint64_t ui_labels_fingerprint(const UiLabels *l);
/* The fingerprint the original labels have when they are read back from a
 * save that held saved (UI_SAVED_*) over the dataset's own label files:
 * those sets' working extents, the others' original ones. */
uint64_t ui_labels_fingerprint_saved(const UiLabels *l, unsigned saved);

/* dst (initialised, empty, same metrics) takes src's original labels as
 * its original and working copy (no edits, no scores). Returns 0 or -1. */
int ui_labels_copy_original(UiLabels *dst, const UiLabels *src);

/* 1 when the drawn extents (ui_labels_set) equal the LabelSet's, every set,
 * working and original: the panes cannot show anything else. */
int ui_labels_consistent(const UiLabels *l);

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
