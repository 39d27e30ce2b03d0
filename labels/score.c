/* Scoring by interval arithmetic with partial sums (see score.h).
 *
 * Per unit (metric or node) and filter we keep the merged, clipped detected
 * ranges d[0..n) (sorted, disjoint), each one's overlap o[i] with the labels,
 * and five sums:
 *   det_len  sum of |d|          sum_o   sum of o
 *   ev_tp    sum of min(|d|, floor(1.5 o)) over d with o > 0
 *   lab_len  rows of labelled ranges (clipped)
 *   hit_len  rows of labelled events that some detection overlaps
 * from which every rule's TP, FP and FN follow. A labelled event is a
 * maximal run of labelled rows: ranges that touch (the end of one is the
 * start of the next, as a split leaves them) are one event, as a run of 1s
 * is one range in SMD's test_label, so the same labelled rows score alike
 * whatever file holds them. */
#include "labels/score.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	Range *d;   /* owned: n detected ranges, sorted, disjoint */
	int64_t *o; /* owned: n overlaps with the labels */
	size_t n;
	int64_t det_len, sum_o, ev_tp, lab_len, hit_len;
} FilterState;

typedef struct {
	FilterState f[SCORE_FILTERS];
} Unit;

struct ScoreBoard {
	const LabelSet *ls; /* borrowed */
	int64_t lo, hi;     /* the test part [split, rows) */
	size_t metrics;
	Unit *units;        /* owned: metrics + 1, the node last */
};

const char *score_rule_name(ScoreRule rule)
{
	switch (rule) {
	case SCORE_POINT:
		return "point-wise";
	case SCORE_ADJUSTED:
		return "point-adjusted";
	case SCORE_EVENT:
		return "event";
	default:
		return "?";
	}
}

const char *score_filter_name(ScoreFilter f)
{
	switch (f) {
	case SCORE_ALL:
		return "all";
	case SCORE_MEDIUM:
		return ">=medium";
	case SCORE_HIGH:
		return "high";
	default:
		return "?";
	}
}

int score_filter_pass(ScoreFilter f, Criticality c)
{
	switch (f) {
	case SCORE_ALL:
		return c >= CRIT_LOW;
	case SCORE_MEDIUM:
		return c >= CRIT_MEDIUM;
	case SCORE_HIGH:
		return c == CRIT_HIGH;
	default:
		return 0;
	}
}

void score_cell_finish(ScoreCell *c)
{
	c->p = c->tp + c->fp > 0 ? (double)c->tp / (double)(c->tp + c->fp) : 0;
	c->r = c->tp + c->fn > 0 ? (double)c->tp / (double)(c->tp + c->fn) : 0;
	c->f1 = c->p + c->r > 0 ? 2 * c->p * c->r / (c->p + c->r) : 0;
}

static Status nomem(ErrorRecord *err)
{
	return error_set(err, STATUS_NOMEM, NULL, 0, 0, "out of memory");
}

/* TP the event rule gives a detected range of length len overlapping the
 * labels on o rows. */
static int64_t event_tp(int64_t len, int64_t o)
{
	if (o <= 0)
		return 0;
	int64_t t = (3 * o) / 2;
	return t < len ? t : len;
}

static Range clip(Range r, int64_t lo, int64_t hi)
{
	if (r.start < lo)
		r.start = lo;
	if (r.end > hi)
		r.end = hi;
	if (r.end < r.start)
		r.end = r.start;
	return r;
}

static void filter_free(FilterState *fs)
{
	free(fs->d);
	free(fs->o);
	memset(fs, 0, sizeof(*fs));
}

static int cmp_range(const void *a, const void *b)
{
	const Range *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

/* Fill fs->d from the detections passing f: clipped, sorted, overlapping
 * ones merged. */
static Status filter_build(FilterState *fs, const Detection *dets, size_t n,
			   ScoreFilter f, int64_t lo, int64_t hi,
			   ErrorRecord *err)
{
	memset(fs, 0, sizeof(*fs));
	if (n == 0)
		return STATUS_OK;
	fs->d = malloc(n * sizeof(*fs->d));
	fs->o = calloc(n, sizeof(*fs->o));
	if (!fs->d || !fs->o) {
		filter_free(fs);
		return nomem(err);
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!score_filter_pass(f, dets[i].crit))
			continue;
		Range r = clip(dets[i].r, lo, hi);
		if (r.end > r.start)
			fs->d[k++] = r;
	}
	qsort(fs->d, k, sizeof(*fs->d), cmp_range);
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		if (m > 0 && fs->d[i].start < fs->d[m - 1].end) {
			if (fs->d[i].end > fs->d[m - 1].end)
				fs->d[m - 1].end = fs->d[i].end;
		} else {
			fs->d[m++] = fs->d[i];
		}
	}
	fs->n = m;
	return STATUS_OK;
}

/* First detection whose end is > x. */
static size_t det_lower(const FilterState *fs, int64_t x)
{
	size_t lo = 0, hi = fs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (fs->d[mid].end > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int det_hits(const FilterState *fs, Range l)
{
	size_t i = det_lower(fs, l.start);
	return i < fs->n && fs->d[i].start < l.end;
}

/* Add (sign = 1) or take away (sign = -1) a labelled range's share. */
static void label_account(FilterState *fs, Range l, int64_t lo, int64_t hi,
			  int sign)
{
	Range c = clip(l, lo, hi);
	int64_t len = c.end - c.start;
	if (len <= 0)
		return;
	fs->lab_len += sign * len;
	if (det_hits(fs, c))
		fs->hit_len += sign * len;
}

/* Recompute detection i's overlap with the labels and its share. */
static void det_refresh(FilterState *fs, size_t i, const RangeSet *labels)
{
	int64_t len = fs->d[i].end - fs->d[i].start;
	fs->sum_o -= fs->o[i];
	fs->ev_tp -= event_tp(len, fs->o[i]);
	fs->o[i] = rangeset_overlap(labels, fs->d[i]);
	fs->sum_o += fs->o[i];
	fs->ev_tp += event_tp(len, fs->o[i]);
}

/* Account (sign 1 or -1) the events of the sorted, disjoint ranges
 * r[0..n): runs of touching ranges, each one event. */
static void events_account(FilterState *fs, const Range *r, size_t n,
			   int64_t lo, int64_t hi, int sign)
{
	for (size_t i = 0; i < n;) {
		Range run = r[i++];
		while (i < n && r[i].start == run.end)
			run.end = r[i++].end;
		label_account(fs, run, lo, hi, sign);
	}
}

/* The events of a RangeSet, accounted with sign. */
static void set_account(FilterState *fs, const RangeSet *labels, int64_t lo,
			int64_t hi, int sign)
{
	for (size_t i = 0; i < labels->n;) {
		Range run = labels->v[i++].r;
		while (i < labels->n && labels->v[i].r.start == run.end)
			run.end = labels->v[i++].r.end;
		label_account(fs, run, lo, hi, sign);
	}
}

/* All sums of one filter from scratch (fs->d already built). */
static void filter_score(FilterState *fs, const RangeSet *labels, int64_t lo,
			 int64_t hi)
{
	fs->det_len = fs->sum_o = fs->ev_tp = fs->lab_len = fs->hit_len = 0;
	for (size_t i = 0; i < fs->n; i++) {
		fs->det_len += fs->d[i].end - fs->d[i].start;
		fs->o[i] = 0;
		det_refresh(fs, i, labels);
	}
	set_account(fs, labels, lo, hi, 1);
}

static void filter_table(const FilterState *fs, ScoreFilter f,
			 ScoreTable *out)
{
	ScoreCell *pw = &out->cell[SCORE_POINT][f];
	ScoreCell *pa = &out->cell[SCORE_ADJUSTED][f];
	ScoreCell *ev = &out->cell[SCORE_EVENT][f];
	pw->tp = fs->sum_o;
	pw->fp = fs->det_len - fs->sum_o;
	pw->fn = fs->lab_len - fs->sum_o;
	pa->tp = fs->hit_len;
	pa->fp = fs->det_len - fs->sum_o;
	pa->fn = fs->lab_len - fs->hit_len;
	ev->tp = fs->ev_tp;
	ev->fp = fs->det_len - fs->ev_tp;
	ev->fn = fs->lab_len - fs->hit_len;
	score_cell_finish(pw);
	score_cell_finish(pa);
	score_cell_finish(ev);
}

static void unit_free(Unit *u)
{
	for (int f = 0; f < SCORE_FILTERS; f++)
		filter_free(&u->f[f]);
}

static Status unit_build(Unit *u, const Detection *dets, size_t n,
			 const RangeSet *labels, int64_t lo, int64_t hi,
			 ErrorRecord *err)
{
	memset(u, 0, sizeof(*u));
	for (int f = 0; f < SCORE_FILTERS; f++) {
		Status st = filter_build(&u->f[f], dets, n, (ScoreFilter)f, lo,
					 hi, err);
		if (st) {
			unit_free(u);
			return st;
		}
		filter_score(&u->f[f], labels, lo, hi);
	}
	return STATUS_OK;
}

Status score_compute(const RangeSet *labels, const Detection *dets, size_t n,
		     size_t split, size_t rows, ScoreTable *out,
		     ErrorRecord *err)
{
	Unit u;
	Status st = unit_build(&u, dets, n, labels, (int64_t)split,
			       (int64_t)rows, err);
	if (st)
		return st;
	for (int f = 0; f < SCORE_FILTERS; f++)
		filter_table(&u.f[f], (ScoreFilter)f, out);
	unit_free(&u);
	return STATUS_OK;
}

static size_t unit_index(size_t metrics, size_t metric)
{
	if (metric == DETECT_NODE)
		return metrics;
	return metric < metrics ? metric : SIZE_MAX;
}

Status score_board_new(ScoreBoard **out, const LabelSet *ls,
		       const Detection *dets, size_t n, size_t split,
		       size_t rows, ErrorRecord *err)
{
	*out = NULL;
	for (size_t i = 0; i < n; i++)
		if (unit_index(ls->metrics, dets[i].metric) == SIZE_MAX)
			return error_set(err, STATUS_MISMATCH, NULL, 0, 0,
					 "detection %zu names metric %zu; the "
					 "labels have %zu metrics",
					 i + 1, dets[i].metric, ls->metrics);
	ScoreBoard *sb = calloc(1, sizeof(*sb));
	Detection *sorted = n ? malloc(n * sizeof(*sorted)) : NULL;
	if (!sb || (n && !sorted)) {
		free(sb);
		free(sorted);
		return nomem(err);
	}
	sb->ls = ls;
	sb->lo = (int64_t)split;
	sb->hi = (int64_t)rows;
	sb->metrics = ls->metrics;
	sb->units = calloc(ls->metrics + 1, sizeof(*sb->units));
	if (!sb->units) {
		free(sb);
		free(sorted);
		return nomem(err);
	}
	/* Group by unit with a stable counting pass (qsort has no context). */
	size_t *count = calloc(ls->metrics + 2, sizeof(*count));
	if (!count) {
		free(sorted);
		score_board_delete(sb);
		return nomem(err);
	}
	for (size_t i = 0; i < n; i++)
		count[unit_index(ls->metrics, dets[i].metric) + 1]++;
	for (size_t u = 1; u <= ls->metrics + 1; u++)
		count[u] += count[u - 1];
	for (size_t i = 0; i < n; i++)
		sorted[count[unit_index(ls->metrics, dets[i].metric)]++] =
			dets[i];
	Status st = STATUS_OK;
	size_t from = 0;
	for (size_t u = 0; u <= ls->metrics && !st; u++) {
		size_t to = count[u];
		size_t metric = u == ls->metrics ? LABEL_NODE : u;
		st = unit_build(&sb->units[u], sorted + from, to - from,
				labelset_get(ls, metric), sb->lo, sb->hi, err);
		from = to;
	}
	free(count);
	free(sorted);
	if (st) {
		score_board_delete(sb);
		return st;
	}
	*out = sb;
	return STATUS_OK;
}

void score_board_delete(ScoreBoard *sb)
{
	if (!sb)
		return;
	if (sb->units)
		for (size_t u = 0; u <= sb->metrics; u++)
			unit_free(&sb->units[u]);
	free(sb->units);
	free(sb);
}

void score_board_update_after_edit(ScoreBoard *sb, const LabelChange *chg)
{
	size_t u = unit_index(sb->metrics, chg->metric);
	if (u == SIZE_MAX || (chg->n_removed == 0 && chg->n_added == 0))
		return;
	const RangeSet *labels = labelset_get(sb->ls, chg->metric);
	Range span = chg->n_removed ? chg->removed[0].r : chg->added[0].r;
	for (size_t i = 0; i < chg->n_removed; i++) {
		if (chg->removed[i].r.start < span.start)
			span.start = chg->removed[i].r.start;
		if (chg->removed[i].r.end > span.end)
			span.end = chg->removed[i].r.end;
	}
	for (size_t i = 0; i < chg->n_added; i++) {
		if (chg->added[i].r.start < span.start)
			span.start = chg->added[i].r.start;
		if (chg->added[i].r.end > span.end)
			span.end = chg->added[i].r.end;
	}
	/* The events the edit can change: the runs of the set now that
	   touch or overlap span, each stretched over the ranges it touches
	   (w[0..nw)); before the edit they were these ranges without the
	   added ones and with the removed ones (old[0..nold)). Ranges
	   outside run alike before and after. */
	size_t i0 = rangeset_lower(labels, span.start - 1), i1 = i0;
	while (i1 < labels->n && labels->v[i1].r.start <= span.end)
		i1++;
	if (i1 > i0) {
		while (i0 > 0 &&
		       labels->v[i0 - 1].r.end == labels->v[i0].r.start)
			i0--;
		while (i1 < labels->n &&
		       labels->v[i1].r.start == labels->v[i1 - 1].r.end)
			i1++;
	}
	size_t nw = i1 - i0, nold = 0;
	Range *w = malloc((nw + 1) * sizeof(*w));
	Range *old = malloc((nw + chg->n_removed + 1) * sizeof(*old));
	if (!w || !old) { /* out of memory: from scratch, which needs none */
		free(w);
		free(old);
		for (int f = 0; f < SCORE_FILTERS; f++)
			filter_score(&sb->units[u].f[f], labels, sb->lo,
				     sb->hi);
		return;
	}
	for (size_t i = 0; i < nw; i++) {
		w[i] = labels->v[i0 + i].r;
		int added = 0;
		for (size_t j = 0; j < chg->n_added && !added; j++)
			added = chg->added[j].r.start == w[i].start &&
				chg->added[j].r.end == w[i].end;
		if (!added)
			old[nold++] = w[i];
	}
	for (size_t j = 0; j < chg->n_removed; j++)
		old[nold++] = chg->removed[j].r;
	qsort(old, nold, sizeof(*old), cmp_range);
	for (int f = 0; f < SCORE_FILTERS; f++) {
		FilterState *fs = &sb->units[u].f[f];
		events_account(fs, old, nold, sb->lo, sb->hi, -1);
		events_account(fs, w, nw, sb->lo, sb->hi, 1);
		for (size_t i = det_lower(fs, span.start);
		     i < fs->n && fs->d[i].start < span.end; i++)
			det_refresh(fs, i, labels);
	}
	free(w);
	free(old);
}

Status score_board_set_detections(ScoreBoard *sb, size_t metric,
				  const Detection *dets, size_t n,
				  ErrorRecord *err)
{
	size_t u = unit_index(sb->metrics, metric);
	if (u == SIZE_MAX)
		return error_set(err, STATUS_RANGE, NULL, 0, 0,
				 "no metric number %zu", metric);
	Unit fresh;
	Status st = unit_build(&fresh, dets, n, labelset_get(sb->ls, metric),
			       sb->lo, sb->hi, err);
	if (st)
		return st;
	unit_free(&sb->units[u]);
	sb->units[u] = fresh;
	return STATUS_OK;
}

Status score_board_rescore(ScoreBoard *sb, ErrorRecord *err)
{
	(void)err;
	for (size_t u = 0; u <= sb->metrics; u++) {
		size_t metric = u == sb->metrics ? LABEL_NODE : u;
		for (int f = 0; f < SCORE_FILTERS; f++)
			filter_score(&sb->units[u].f[f],
				     labelset_get(sb->ls, metric), sb->lo,
				     sb->hi);
	}
	return STATUS_OK;
}

void score_board_get(const ScoreBoard *sb, size_t metric, ScoreTable *out)
{
	memset(out, 0, sizeof(*out));
	size_t u = unit_index(sb->metrics, metric);
	if (u == SIZE_MAX)
		return;
	for (int f = 0; f < SCORE_FILTERS; f++)
		filter_table(&sb->units[u].f[f], (ScoreFilter)f, out);
}

size_t score_board_detections(const ScoreBoard *sb, size_t metric,
			      ScoreFilter f)
{
	size_t u = unit_index(sb->metrics, metric);
	if (u == SIZE_MAX || (int)f >= SCORE_FILTERS)
		return 0;
	return sb->units[u].f[f].n;
}

Status score_node_union(const Detection *dets, size_t n, Detection **out,
			size_t *n_out, ErrorRecord *err)
{
	*out = NULL;
	*n_out = 0;
	if (n == 0)
		return STATUS_OK;
	Detection *v = malloc(n * sizeof(*v));
	if (!v)
		return nomem(err);
	size_t m = detection_union(dets, n, v);
	*out = v;
	*n_out = m;
	return STATUS_OK;
}
