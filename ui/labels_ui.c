/* Label state for the dashboard: original and working range sets per metric
 * and for the node, an undo/redo stack of set snapshots, and scoring by the
 * three rule sets as interval arithmetic (no pass over points). */
#include "ui/labels_ui.h"

#include <stdlib.h>
#include <string.h>

static size_t set_index(const UiLabels *l, size_t m)
{
	return m == UI_NODE || m >= l->metrics ? l->metrics : m;
}

static int ranges_reserve(UiRanges *s, size_t n)
{
	if (n <= s->cap)
		return 0;
	size_t cap = s->cap ? s->cap * 2 : 8;
	while (cap < n)
		cap *= 2;
	Range *r = realloc(s->r, cap * sizeof(*r));
	if (!r)
		return -1;
	s->r = r;
	s->cap = cap;
	return 0;
}

static int ranges_copy(UiRanges *dst, const UiRanges *src)
{
	dst->n = 0;
	if (ranges_reserve(dst, src->n ? src->n : 1))
		return -1;
	if (src->n)
		memcpy(dst->r, src->r, src->n * sizeof(Range));
	dst->n = src->n;
	return 0;
}

static void ranges_free(UiRanges *s)
{
	free(s->r);
	s->r = NULL;
	s->n = s->cap = 0;
}

static int ranges_equal(const UiRanges *a, const UiRanges *b)
{
	return a->n == b->n &&
	       (a->n == 0 || !memcmp(a->r, b->r, a->n * sizeof(Range)));
}

/* dst = src with [a, b) added (mark) or removed (!mark). */
static int ranges_apply(UiRanges *dst, const UiRanges *src, int mark,
			int64_t a, int64_t b)
{
	dst->n = 0;
	if (ranges_reserve(dst, src->n + 2))
		return -1;
	size_t i = 0;
	if (mark) {
		while (i < src->n && src->r[i].end < a)
			dst->r[dst->n++] = src->r[i++];
		Range m = {a, b};
		while (i < src->n && src->r[i].start <= b) {
			if (src->r[i].start < m.start)
				m.start = src->r[i].start;
			if (src->r[i].end > m.end)
				m.end = src->r[i].end;
			i++;
		}
		dst->r[dst->n++] = m;
		while (i < src->n)
			dst->r[dst->n++] = src->r[i++];
	} else {
		for (; i < src->n; i++) {
			Range r = src->r[i];
			if (r.end <= a || r.start >= b) {
				dst->r[dst->n++] = r;
				continue;
			}
			if (r.start < a)
				dst->r[dst->n++] = (Range){r.start, a};
			if (r.end > b)
				dst->r[dst->n++] = (Range){b, r.end};
		}
	}
	return 0;
}

int ui_labels_init(UiLabels *l, size_t metrics)
{
	memset(l, 0, sizeof(*l));
	l->metrics = metrics;
	l->orig = calloc(metrics + 1, sizeof(UiRanges));
	l->work = calloc(metrics + 1, sizeof(UiRanges));
	return l->orig && l->work ? 0 : -1;
}

static void edit_free(UiEdit *e)
{
	ranges_free(&e->before);
	ranges_free(&e->after);
}

void ui_labels_free(UiLabels *l)
{
	for (size_t i = 0; l->orig && l->work && i <= l->metrics; i++) {
		ranges_free(&l->orig[i]);
		ranges_free(&l->work[i]);
	}
	for (size_t i = 0; i < l->n_undo; i++)
		edit_free(&l->undo[i]);
	for (size_t i = 0; i < l->n_redo; i++)
		edit_free(&l->redo[i]);
	free(l->undo);
	free(l->redo);
	free(l->orig);
	free(l->work);
	memset(l, 0, sizeof(*l));
}

const UiRanges *ui_labels_set(const UiLabels *l, size_t m, int original)
{
	size_t i = set_index(l, m);
	return original ? &l->orig[i] : &l->work[i];
}

static int cmp_range(const void *x, const void *y)
{
	const Range *a = x, *b = y;
	return (a->start > b->start) - (a->start < b->start);
}

int ui_labels_load(UiLabels *l, size_t m, const Range *r, size_t n)
{
	size_t i = set_index(l, m);
	UiRanges tmp = {0};
	if (ranges_reserve(&tmp, n + 1))
		return -1;
	if (n)
		memcpy(tmp.r, r, n * sizeof(Range));
	qsort(tmp.r, n, sizeof(Range), cmp_range);
	/* merge overlapping or touching ranges */
	size_t k = 0;
	for (size_t j = 0; j < n; j++) {
		if (tmp.r[j].end <= tmp.r[j].start)
			continue;
		if (k && tmp.r[j].start <= tmp.r[k - 1].end) {
			if (tmp.r[j].end > tmp.r[k - 1].end)
				tmp.r[k - 1].end = tmp.r[j].end;
		} else {
			tmp.r[k++] = tmp.r[j];
		}
	}
	tmp.n = k;
	ranges_free(&l->orig[i]);
	l->orig[i] = tmp;
	return ranges_copy(&l->work[i], &l->orig[i]);
}

static int push(UiEdit **stack, size_t *n, size_t *cap, UiEdit e)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		UiEdit *s = realloc(*stack, c * sizeof(*s));
		if (!s)
			return -1;
		*stack = s;
		*cap = c;
	}
	(*stack)[(*n)++] = e;
	return 0;
}

static int edit(UiLabels *l, size_t m, int mark, int64_t a, int64_t b)
{
	if (b <= a)
		return 0;
	size_t i = set_index(l, m);
	UiEdit e = {i, {0}, {0}};
	if (ranges_copy(&e.before, &l->work[i]) ||
	    ranges_apply(&e.after, &l->work[i], mark, a, b)) {
		edit_free(&e);
		return -1;
	}
	if (ranges_equal(&e.before, &e.after)) {
		edit_free(&e);
		return 0;
	}
	if (ranges_copy(&l->work[i], &e.after) ||
	    push(&l->undo, &l->n_undo, &l->cap_undo, e)) {
		edit_free(&e);
		return -1;
	}
	for (size_t k = 0; k < l->n_redo; k++)
		edit_free(&l->redo[k]);
	l->n_redo = 0;
	l->unsaved++;
	return 1;
}

int ui_labels_mark(UiLabels *l, size_t m, int64_t a, int64_t b)
{
	return edit(l, m, 1, a, b);
}

int ui_labels_unmark(UiLabels *l, size_t m, int64_t a, int64_t b)
{
	return edit(l, m, 0, a, b);
}

long ui_labels_undo(UiLabels *l)
{
	if (!l->n_undo)
		return -1;
	UiEdit e = l->undo[l->n_undo - 1];
	if (ranges_copy(&l->work[e.set], &e.before) ||
	    push(&l->redo, &l->n_redo, &l->cap_redo, e))
		return -1;
	l->n_undo--;
	l->unsaved++;
	return (long)e.set;
}

long ui_labels_redo(UiLabels *l)
{
	if (!l->n_redo)
		return -1;
	UiEdit e = l->redo[l->n_redo - 1];
	if (ranges_copy(&l->work[e.set], &e.after) ||
	    push(&l->undo, &l->n_undo, &l->cap_undo, e))
		return -1;
	l->n_redo--;
	l->unsaved++;
	return (long)e.set;
}

long ui_ranges_find(const UiRanges *s, int64_t r)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->r[mid].end <= r)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n && s->r[lo].start <= r && r < s->r[lo].end)
		return (long)lo;
	return -1;
}

static int64_t overlap_len(const Range *a, size_t na, const Range *b,
			   size_t nb)
{
	int64_t o = 0;
	size_t i = 0, j = 0;
	while (i < na && j < nb) {
		int64_t s = a[i].start > b[j].start ? a[i].start : b[j].start;
		int64_t e = a[i].end < b[j].end ? a[i].end : b[j].end;
		if (e > s)
			o += e - s;
		if (a[i].end < b[j].end)
			i++;
		else
			j++;
	}
	return o;
}

static int64_t total_len(const Range *a, size_t n)
{
	int64_t t = 0;
	for (size_t i = 0; i < n; i++)
		t += a[i].end - a[i].start;
	return t;
}

int64_t ui_labels_changed_points(const UiLabels *l)
{
	int64_t d = 0;
	for (size_t i = 0; i <= l->metrics; i++) {
		const UiRanges *o = &l->orig[i], *w = &l->work[i];
		int64_t both = overlap_len(o->r, o->n, w->r, w->n);
		d += total_len(o->r, o->n) + total_len(w->r, w->n) - 2 * both;
	}
	return d;
}

static void finish(UiScore *s)
{
	s->p = s->tp + s->fp ? (double)s->tp / (double)(s->tp + s->fp) : 0;
	s->r = s->tp + s->fn ? (double)s->tp / (double)(s->tp + s->fn) : 0;
	s->f1 = s->p + s->r > 0 ? 2 * s->p * s->r / (s->p + s->r) : 0;
}

/* Clip, sort and merge ranges into out (capacity n); returns the count. */
static size_t normalise(Range *out, size_t n, int64_t from, int64_t to)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		Range r = out[i];
		if (r.start < from)
			r.start = from;
		if (r.end > to)
			r.end = to;
		if (r.end > r.start)
			out[k++] = r;
	}
	qsort(out, k, sizeof(Range), cmp_range);
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		if (m && out[i].start <= out[m - 1].end) {
			if (out[i].end > out[m - 1].end)
				out[m - 1].end = out[i].end;
		} else {
			out[m++] = out[i];
		}
	}
	return m;
}

void ui_score(const Range *lab, size_t nl, const Detection *det, size_t nd,
	      Criticality min_crit, int64_t from, int64_t to,
	      UiScore out[RULE_COUNT])
{
	memset(out, 0, RULE_COUNT * sizeof(UiScore));
	Range *d = malloc((nd ? nd : 1) * sizeof(Range));
	Range *L = malloc((nl ? nl : 1) * sizeof(Range));
	if (!d || !L) {
		free(d);
		free(L);
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < nd; i++)
		if (det[i].crit >= min_crit)
			d[k++] = det[i].r;
	nd = normalise(d, k, from, to);
	memcpy(L, lab, nl * sizeof(Range));
	nl = normalise(L, nl, from, to);

	/* point-wise */
	int64_t both = overlap_len(L, nl, d, nd);
	int64_t dl = total_len(d, nd), ll = total_len(L, nl);
	out[RULE_POINT].tp = both;
	out[RULE_POINT].fp = dl - both;
	out[RULE_POINT].fn = ll - both;

	/* event: per detected range, its overlap o with the labels */
	size_t j = 0;
	for (size_t i = 0; i < nd; i++) {
		while (j < nl && L[j].end <= d[i].start)
			j++;
		int64_t o = 0;
		for (size_t q = j; q < nl && L[q].start < d[i].end; q++) {
			int64_t s = L[q].start > d[i].start ? L[q].start
							    : d[i].start;
			int64_t e = L[q].end < d[i].end ? L[q].end : d[i].end;
			if (e > s)
				o += e - s;
		}
		int64_t D = d[i].end - d[i].start;
		if (o == 0) {
			out[RULE_EVENT].fp += D;
		} else {
			int64_t tp = (3 * o) / 2;
			if (tp > D)
				tp = D;
			out[RULE_EVENT].tp += tp;
			out[RULE_EVENT].fp += D - tp;
		}
	}
	/* labelled ranges: touched or not (shared by event and PA) */
	int64_t pa_extra = 0;
	j = 0;
	for (size_t i = 0; i < nl; i++) {
		while (j < nd && d[j].end <= L[i].start)
			j++;
		int64_t o = 0;
		for (size_t q = j; q < nd && d[q].start < L[i].end; q++) {
			int64_t s = d[q].start > L[i].start ? d[q].start
							    : L[i].start;
			int64_t e = d[q].end < L[i].end ? d[q].end : L[i].end;
			if (e > s)
				o += e - s;
		}
		int64_t len = L[i].end - L[i].start;
		if (o == 0) {
			out[RULE_EVENT].fn += len;
			out[RULE_PA].fn += len;
		} else {
			pa_extra += len - o;
		}
	}
	out[RULE_PA].tp = both + pa_extra;
	out[RULE_PA].fp = dl - both;
	for (int r = 0; r < RULE_COUNT; r++)
		finish(&out[r]);
	free(d);
	free(L);
}
