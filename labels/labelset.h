/* LabelSet: a dataset's labels, the original as read and the working copy.
 *
 * One RangeSet per metric plus one for the node level (index LABEL_NODE).
 * The original is never modified; every edit of the working copy (mark,
 * unmark, resize, split at a metric or at the node) goes on an undo/redo
 * stack of any depth. Each edit and each undo/redo reports a LabelChange
 * (which set, which ranges left and came) so a ScoreBoard can rescore only
 * what changed. Row indices are those of the whole series. */
#ifndef VIGIL_LABELSET_H
#define VIGIL_LABELSET_H

#include <stddef.h>
#include <stdint.h>

#include "data/range.h"
#include "data/status.h"
#include "labels/rangeset.h"

#define LABEL_NODE DETECT_NODE

/* One line of an SMD interpretation_label file as read: the range (rows of
 * the whole series) and the metric indices (0-based) in file order. */
typedef struct {
	Range r;
	size_t *dims; /* owned: n_dims metric indices */
	size_t n_dims;
} LabelLine;

/* What one edit, undo or redo changed: in set `metric` (or LABEL_NODE) the
 * ranges removed[] were replaced by added[]. The pointers are borrowed from
 * the edit stack and stay valid until the next edit, undo or redo. */
typedef struct {
	size_t metric;
	const LabelRange *removed;
	size_t n_removed;
	const LabelRange *added;
	size_t n_added;
} LabelChange;

typedef struct {
	size_t metric;
	RangeSplice sp;
} LabelEdit;

typedef struct {
	size_t metrics;
	RangeSet *original; /* owned: metrics + 1 sets, the node last */
	RangeSet *working;  /* owned: metrics + 1 sets */
	LabelEdit *edits;   /* owned: done edits [0, n_done), redoable ones
			       [n_done, n_edits) */
	size_t n_done;
	size_t n_edits;
	size_t cap;
	size_t *saved;      /* owned: metrics + 1 entries, per set the n_done
			       when that set was last saved; SIZE_MAX: its
			       saved state can no longer be reached */
	LabelLine *lines;   /* owned, may be NULL: the original
			       interpretation_label lines, for a faithful
			       rewrite and the comparison with test_label */
	size_t n_lines;
} LabelSet;

/* Ranges and rows the working copy adds to / removes from the original. */
typedef struct {
	size_t ranges_added;   /* working ranges not in the original */
	size_t ranges_removed; /* original ranges not in the working copy */
	int64_t points_added;
	int64_t points_removed;
} LabelDiff;

Status labelset_init(LabelSet *ls, size_t metrics, ErrorRecord *err);
void labelset_free(LabelSet *ls);

/* The working / original set of a metric or LABEL_NODE (NULL if out of
 * range). */
const RangeSet *labelset_get(const LabelSet *ls, size_t metric);
const RangeSet *labelset_get_original(const LabelSet *ls, size_t metric);
/* Mutable working set, for readers that build a label set. */
RangeSet *labelset_build(LabelSet *ls, size_t metric);
/* Add the extents of src (with their notes) to the working set m, as
 * original ranges. */
Status labelset_add_set(LabelSet *ls, size_t m, const RangeSet *src,
			ErrorRecord *err);
/* Make the working copy the original (after reading a file): clears the
 * edit stack. */
Status labelset_reset_original(LabelSet *ls, ErrorRecord *err);
/* Take over lines[] (n of them) as the original interpretation_label
 * lines. */
void labelset_set_lines(LabelSet *ls, LabelLine *lines, size_t n);

/* Edits of the working copy, by an analyst; chg (may be NULL) says what
 * changed (n_removed = n_added = 0 when nothing did; no edit is then
 * recorded). */
Status labelset_mark(LabelSet *ls, size_t metric, Range r, const char *note,
		     LabelChange *chg, ErrorRecord *err);
Status labelset_unmark(LabelSet *ls, size_t metric, Range r,
		       LabelChange *chg, ErrorRecord *err);
/* Give the range containing row `at` the extent r. */
Status labelset_resize(LabelSet *ls, size_t metric, int64_t at, Range r,
		       LabelChange *chg, ErrorRecord *err);
Status labelset_split(LabelSet *ls, size_t metric, int64_t at,
		      LabelChange *chg, ErrorRecord *err);
/* Give the range containing row `at` the note (NULL or "" removes it). */
Status labelset_note(LabelSet *ls, size_t metric, int64_t at,
		     const char *note, LabelChange *chg, ErrorRecord *err);

/* Undo / redo the last edit; return 0 when there was nothing to do, 1 when
 * done (chg filled), -1 on failure (out of memory). */
int labelset_undo(LabelSet *ls, LabelChange *chg);
int labelset_redo(LabelSet *ls, LabelChange *chg);
size_t labelset_undo_depth(const LabelSet *ls);
size_t labelset_redo_depth(const LabelSet *ls);

/* Remember the current state as saved; labelset_unsaved() counts the edits
 * between the saved state and now (SIZE_MAX when it can no longer be
 * reached by undo/redo). A save may hold only some sets (a file format
 * without the node level, or without the metrics): labelset_mark_saved_set
 * marks one set (a metric or LABEL_NODE), and the count covers, per set,
 * the edits of that set since it was saved. */
void labelset_mark_saved(LabelSet *ls);
void labelset_mark_saved_set(LabelSet *ls, size_t metric);
size_t labelset_unsaved(const LabelSet *ls);
/* The same count for one set (a metric or LABEL_NODE). */
size_t labelset_unsaved_set(const LabelSet *ls, size_t metric);

/* Working copy versus original for one metric (or LABEL_NODE). */
void labelset_diff(const LabelSet *ls, size_t metric, LabelDiff *out);
/* Working copy versus the set's state when it was last saved
 * (labelset_mark_saved*): what a save of it now would change. The
 * original when it was never saved, or when that state can no longer be
 * reached. */
Status labelset_diff_saved(const LabelSet *ls, size_t metric, LabelDiff *out,
			   ErrorRecord *err);
/* 1 when any set's extents differ from the original. */
int labelset_modified(const LabelSet *ls);
/* Total labelled rows of the working copy over all metrics (not node). */
int64_t labelset_metric_points(const LabelSet *ls);

#endif
