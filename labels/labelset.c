/* LabelSet: original and working label sets with the edit stack (see
 * labelset.h). An edit is a RangeSplice on one set; undo applies it
 * inversely, redo applies it again, so any depth is exact. */
#include "labels/labelset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static Status nomem(ErrorRecord *err)
{
	return error_set(err, STATUS_NOMEM, NULL, 0, 0, "out of memory");
}

Status labelset_init(LabelSet *ls, size_t metrics, ErrorRecord *err)
{
	memset(ls, 0, sizeof(*ls));
	ls->metrics = metrics;
	ls->original = calloc(metrics + 1, sizeof(*ls->original));
	ls->working = calloc(metrics + 1, sizeof(*ls->working));
	ls->saved = calloc(metrics + 1, sizeof(*ls->saved));
	if (!ls->original || !ls->working || !ls->saved) {
		free(ls->original);
		free(ls->working);
		free(ls->saved);
		memset(ls, 0, sizeof(*ls));
		return nomem(err);
	}
	for (size_t i = 0; i <= metrics; i++) {
		rangeset_init(&ls->original[i]);
		rangeset_init(&ls->working[i]);
	}
	return STATUS_OK;
}

static void free_edits(LabelSet *ls, size_t from)
{
	for (size_t i = from; i < ls->n_edits; i++)
		rangeset_splice_free(&ls->edits[i].sp);
	ls->n_edits = from;
	if (ls->n_done > from)
		ls->n_done = from;
}

static void free_lines(LabelLine *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i].dims);
	free(lines);
}

void labelset_free(LabelSet *ls)
{
	if (ls->original)
		for (size_t i = 0; i <= ls->metrics; i++) {
			rangeset_free(&ls->original[i]);
			rangeset_free(&ls->working[i]);
		}
	free(ls->original);
	free(ls->working);
	free(ls->saved);
	free_edits(ls, 0);
	free(ls->edits);
	free_lines(ls->lines, ls->n_lines);
	memset(ls, 0, sizeof(*ls));
}

static size_t slot(const LabelSet *ls, size_t metric)
{
	if (metric == LABEL_NODE)
		return ls->metrics;
	return metric < ls->metrics ? metric : SIZE_MAX;
}

const RangeSet *labelset_get(const LabelSet *ls, size_t metric)
{
	size_t i = slot(ls, metric);
	return i == SIZE_MAX ? NULL : &ls->working[i];
}

const RangeSet *labelset_get_original(const LabelSet *ls, size_t metric)
{
	size_t i = slot(ls, metric);
	return i == SIZE_MAX ? NULL : &ls->original[i];
}

RangeSet *labelset_build(LabelSet *ls, size_t metric)
{
	size_t i = slot(ls, metric);
	return i == SIZE_MAX ? NULL : &ls->working[i];
}

Status labelset_add_set(LabelSet *ls, size_t m, const RangeSet *src,
			ErrorRecord *err)
{
	RangeSet *rs = labelset_build(ls, m);
	if (!rs)
		return error_set(err, STATUS_INTERNAL, NULL, 0, 0,
				 "no label set %zu", m);
	for (size_t i = 0; i < src->n; i++) {
		Status st = rangeset_add(rs, src->v[i].r, LABEL_ORIGINAL,
					 src->v[i].note, err);
		if (st != STATUS_OK)
			return st;
	}
	return STATUS_OK;
}

Status labelset_reset_original(LabelSet *ls, ErrorRecord *err)
{
	RangeSet *copies = calloc(ls->metrics + 1, sizeof(*copies));
	if (!copies)
		return nomem(err);
	for (size_t i = 0; i <= ls->metrics; i++) {
		Status st = rangeset_copy(&copies[i], &ls->working[i], err);
		if (st) {
			for (size_t k = 0; k < i; k++)
				rangeset_free(&copies[k]);
			free(copies);
			return st;
		}
	}
	for (size_t i = 0; i <= ls->metrics; i++)
		rangeset_free(&ls->original[i]);
	free(ls->original);
	ls->original = copies;
	free_edits(ls, 0);
	for (size_t i = 0; i <= ls->metrics; i++)
		ls->saved[i] = 0;
	return STATUS_OK;
}

void labelset_set_lines(LabelSet *ls, LabelLine *lines, size_t n)
{
	free_lines(ls->lines, ls->n_lines);
	ls->lines = lines;
	ls->n_lines = n;
}

static void fill_change(const LabelEdit *e, int inverse, LabelChange *chg)
{
	if (!chg)
		return;
	chg->metric = e->metric;
	chg->removed = inverse ? e->sp.added : e->sp.removed;
	chg->n_removed = inverse ? e->sp.n_added : e->sp.n_removed;
	chg->added = inverse ? e->sp.removed : e->sp.added;
	chg->n_added = inverse ? e->sp.n_removed : e->sp.n_added;
}

static void no_change(size_t metric, LabelChange *chg)
{
	if (chg) {
		memset(chg, 0, sizeof(*chg));
		chg->metric = metric;
	}
}

/* Push a finished splice onto the stack (dropping the redo branch). */
static Status push(LabelSet *ls, size_t metric, RangeSplice *sp,
		   LabelChange *chg, ErrorRecord *err)
{
	if (sp->n_added == 0 && sp->n_removed == 0) {
		no_change(metric, chg);
		return STATUS_OK;
	}
	/* A set saved in the redo branch that is about to go: when the branch
	 * touches that set, its saved state is lost; otherwise the set is as
	 * saved right now. */
	for (size_t s = 0; s <= ls->metrics; s++) {
		if (ls->saved[s] == SIZE_MAX || ls->saved[s] <= ls->n_done)
			continue;
		size_t hit = 0;
		for (size_t i = ls->n_done; i < ls->saved[s] && !hit; i++)
			hit = slot(ls, ls->edits[i].metric) == s;
		ls->saved[s] = hit ? SIZE_MAX : ls->n_done;
	}
	free_edits(ls, ls->n_done);
	if (ls->n_edits == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 64;
		LabelEdit *v = realloc(ls->edits, cap * sizeof(*v));
		if (!v) {
			/* Keep the set consistent: take the edit back. */
			rangeset_apply(labelset_build(ls, metric), sp, 1, NULL);
			rangeset_splice_free(sp);
			return nomem(err);
		}
		ls->edits = v;
		ls->cap = cap;
	}
	LabelEdit *e = &ls->edits[ls->n_edits++];
	e->metric = metric;
	e->sp = *sp;
	ls->n_done = ls->n_edits;
	fill_change(e, 0, chg);
	return STATUS_OK;
}

static Status bad_metric(size_t metric, ErrorRecord *err)
{
	return error_set(err, STATUS_RANGE, NULL, 0, 0, "no metric number %zu",
			 metric);
}

Status labelset_mark(LabelSet *ls, size_t metric, Range r, const char *note,
		     LabelChange *chg, ErrorRecord *err)
{
	RangeSet *rs = labelset_build(ls, metric);
	if (!rs)
		return bad_metric(metric, err);
	RangeSplice sp;
	Status st = rangeset_mark(rs, r, LABEL_ANALYST, note, &sp, err);
	return st ? st : push(ls, metric, &sp, chg, err);
}

Status labelset_unmark(LabelSet *ls, size_t metric, Range r,
		       LabelChange *chg, ErrorRecord *err)
{
	RangeSet *rs = labelset_build(ls, metric);
	if (!rs)
		return bad_metric(metric, err);
	RangeSplice sp;
	Status st = rangeset_unmark(rs, r, LABEL_ANALYST, &sp, err);
	return st ? st : push(ls, metric, &sp, chg, err);
}

Status labelset_resize(LabelSet *ls, size_t metric, int64_t at, Range r,
		       LabelChange *chg, ErrorRecord *err)
{
	RangeSet *rs = labelset_build(ls, metric);
	if (!rs)
		return bad_metric(metric, err);
	size_t i = rangeset_find(rs, at);
	if (i == RANGESET_NONE)
		return error_set(err, STATUS_RANGE, NULL, 0, 0,
				 "no labelled range at row %lld",
				 (long long)at);
	if (rs->v[i].r.start == r.start && rs->v[i].r.end == r.end) {
		no_change(metric, chg);
		return STATUS_OK;
	}
	RangeSplice sp;
	Status st = rangeset_resize(rs, i, r, LABEL_ANALYST, &sp, err);
	return st ? st : push(ls, metric, &sp, chg, err);
}

Status labelset_note(LabelSet *ls, size_t metric, int64_t at,
		     const char *note, LabelChange *chg, ErrorRecord *err)
{
	RangeSet *rs = labelset_build(ls, metric);
	if (!rs)
		return bad_metric(metric, err);
	size_t i = rangeset_find(rs, at);
	if (i == RANGESET_NONE)
		return error_set(err, STATUS_RANGE, NULL, 0, 0,
				 "no labelled range at row %lld",
				 (long long)at);
	const char *old = rs->v[i].note ? rs->v[i].note : "";
	if (!strcmp(old, note ? note : "")) {
		no_change(metric, chg);
		return STATUS_OK;
	}
	RangeSplice sp;
	Status st = rangeset_set_note(rs, i, note, &sp, err);
	return st ? st : push(ls, metric, &sp, chg, err);
}

Status labelset_split(LabelSet *ls, size_t metric, int64_t at,
		      LabelChange *chg, ErrorRecord *err)
{
	RangeSet *rs = labelset_build(ls, metric);
	if (!rs)
		return bad_metric(metric, err);
	RangeSplice sp;
	Status st = rangeset_split(rs, at, LABEL_ANALYST, &sp, err);
	return st ? st : push(ls, metric, &sp, chg, err);
}

int labelset_undo(LabelSet *ls, LabelChange *chg)
{
	if (ls->n_done == 0)
		return 0;
	LabelEdit *e = &ls->edits[ls->n_done - 1];
	if (rangeset_apply(labelset_build(ls, e->metric), &e->sp, 1, NULL))
		return -1;
	ls->n_done--;
	fill_change(e, 1, chg);
	return 1;
}

int labelset_redo(LabelSet *ls, LabelChange *chg)
{
	if (ls->n_done == ls->n_edits)
		return 0;
	LabelEdit *e = &ls->edits[ls->n_done];
	if (rangeset_apply(labelset_build(ls, e->metric), &e->sp, 0, NULL))
		return -1;
	ls->n_done++;
	fill_change(e, 0, chg);
	return 1;
}

size_t labelset_undo_depth(const LabelSet *ls)
{
	return ls->n_done;
}

size_t labelset_redo_depth(const LabelSet *ls)
{
	return ls->n_edits - ls->n_done;
}

void labelset_mark_saved(LabelSet *ls)
{
	for (size_t i = 0; i <= ls->metrics; i++)
		ls->saved[i] = ls->n_done;
}

void labelset_mark_saved_set(LabelSet *ls, size_t metric)
{
	size_t i = slot(ls, metric);
	if (i != SIZE_MAX)
		ls->saved[i] = ls->n_done;
}

/* Edits of set index s (or of every set, s = SIZE_MAX) between its saved
 * state and now. */
static size_t unsaved_of(const LabelSet *ls, size_t only)
{
	size_t n = 0;
	for (size_t s = 0; s <= ls->metrics; s++)
		if ((only == SIZE_MAX || s == only) &&
		    ls->saved[s] == SIZE_MAX)
			return SIZE_MAX;
	for (size_t i = 0; i < ls->n_edits; i++) {
		size_t s = slot(ls, ls->edits[i].metric);
		if (s == SIZE_MAX || (only != SIZE_MAX && s != only))
			continue;
		size_t lo = ls->saved[s] < ls->n_done ? ls->saved[s]
						      : ls->n_done;
		size_t hi = ls->saved[s] < ls->n_done ? ls->n_done
						      : ls->saved[s];
		n += i >= lo && i < hi;
	}
	return n;
}

size_t labelset_unsaved(const LabelSet *ls)
{
	return ls->saved ? unsaved_of(ls, SIZE_MAX) : 0;
}

size_t labelset_unsaved_set(const LabelSet *ls, size_t metric)
{
	size_t i = slot(ls, metric);
	return i == SIZE_MAX || !ls->saved ? 0 : unsaved_of(ls, i);
}

/* Ranges of a whose exact extent is not in b (both sorted). */
static size_t ranges_not_in(const RangeSet *a, const RangeSet *b)
{
	size_t count = 0, j = 0;
	for (size_t i = 0; i < a->n; i++) {
		while (j < b->n && (b->v[j].r.start < a->v[i].r.start ||
				    (b->v[j].r.start == a->v[i].r.start &&
				     b->v[j].r.end < a->v[i].r.end)))
			j++;
		if (!(j < b->n && b->v[j].r.start == a->v[i].r.start &&
		      b->v[j].r.end == a->v[i].r.end))
			count++;
	}
	return count;
}

/* Rows of a not covered by b, by interval arithmetic. */
static int64_t points_not_in(const RangeSet *a, const RangeSet *b)
{
	int64_t sum = 0;
	for (size_t i = 0; i < a->n; i++)
		sum += (a->v[i].r.end - a->v[i].r.start) -
		       rangeset_overlap(b, a->v[i].r);
	return sum;
}

static void diff_sets(const RangeSet *w, const RangeSet *o, LabelDiff *out)
{
	out->ranges_added = ranges_not_in(w, o);
	out->ranges_removed = ranges_not_in(o, w);
	out->points_added = points_not_in(w, o);
	out->points_removed = points_not_in(o, w);
}

void labelset_diff(const LabelSet *ls, size_t metric, LabelDiff *out)
{
	memset(out, 0, sizeof(*out));
	const RangeSet *w = labelset_get(ls, metric);
	const RangeSet *o = labelset_get_original(ls, metric);
	if (w)
		diff_sets(w, o, out);
}

Status labelset_diff_saved(const LabelSet *ls, size_t metric, LabelDiff *out,
			   ErrorRecord *err)
{
	memset(out, 0, sizeof(*out));
	size_t s = slot(ls, metric);
	if (s == SIZE_MAX)
		return STATUS_OK;
	size_t saved = ls->saved ? ls->saved[s] : 0;
	if (saved == SIZE_MAX) {
		labelset_diff(ls, metric, out);
		return STATUS_OK;
	}
	/* the saved state: the working set with this set's edits since the
	   save taken back (or, when the save is in the redo branch, the
	   edits up to it done again) */
	RangeSet then;
	Status st = rangeset_copy(&then, &ls->working[s], err);
	for (size_t i = ls->n_done; st == STATUS_OK && i > saved; i--)
		if (slot(ls, ls->edits[i - 1].metric) == s)
			st = rangeset_apply(&then, &ls->edits[i - 1].sp, 1,
					    err);
	for (size_t i = ls->n_done; st == STATUS_OK && i < saved; i++)
		if (slot(ls, ls->edits[i].metric) == s)
			st = rangeset_apply(&then, &ls->edits[i].sp, 0, err);
	if (st == STATUS_OK)
		diff_sets(&ls->working[s], &then, out);
	rangeset_free(&then);
	return st;
}

int labelset_modified(const LabelSet *ls)
{
	for (size_t i = 0; i <= ls->metrics; i++)
		if (!rangeset_same_extents(&ls->working[i], &ls->original[i]))
			return 1;
	return 0;
}

int64_t labelset_metric_points(const LabelSet *ls)
{
	int64_t sum = 0;
	for (size_t i = 0; i < ls->metrics; i++)
		sum += rangeset_points(&ls->working[i]);
	return sum;
}
