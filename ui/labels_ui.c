/* The dashboard's label state over labels/labelset: plain Range arrays per
 * set for drawing, kept in step with the LabelSet after every change, and
 * scoring through labels/score. */
#include "ui/labels_ui.h"

#include <stdlib.h>
#include <string.h>


static size_t set_index(const UiLabels *l, size_t m)
{
	return m == UI_NODE || m >= l->metrics ? l->metrics : m;
}

static size_t ls_index(const UiLabels *l, size_t i)
{
	return i == l->metrics ? LABEL_NODE : i;
}

/* dst = the extents of rs. */
static int extents(UiRanges *dst, const RangeSet *rs)
{
	if (rs->n > dst->cap) {
		Range *r = realloc(dst->r, rs->n * sizeof(Range));
		if (!r)
			return -1;
		dst->r = r;
		dst->cap = rs->n;
	}
	for (size_t i = 0; i < rs->n; i++)
		dst->r[i] = rs->v[i].r;
	dst->n = rs->n;
	return 0;
}

static int refresh(UiLabels *l, size_t i)
{
	size_t k = ls_index(l, i);
	return extents(&l->work[i], labelset_get(&l->ls, k)) ||
			       extents(&l->orig[i],
				       labelset_get_original(&l->ls, k))
		       ? -1
		       : 0;
}

static int refresh_all(UiLabels *l)
{
	for (size_t i = 0; i <= l->metrics; i++)
		if (refresh(l, i))
			return -1;
	return 0;
}

int ui_labels_init(UiLabels *l, size_t metrics)
{
	memset(l, 0, sizeof(*l));
	l->metrics = metrics;
	l->orig = calloc(metrics + 1, sizeof(UiRanges));
	l->work = calloc(metrics + 1, sizeof(UiRanges));
	if (!l->orig || !l->work)
		return -1;
	return labelset_init(&l->ls, metrics, NULL) == STATUS_OK ? 0 : -1;
}

void ui_labels_free(UiLabels *l)
{
	for (size_t i = 0; l->orig && l->work && i <= l->metrics; i++) {
		free(l->orig[i].r);
		free(l->work[i].r);
	}
	free(l->orig);
	free(l->work);
	score_board_delete(l->sb);
	free(l->orig_tab);
	labelset_free(&l->ls);
	memset(l, 0, sizeof(*l));
}

int ui_labels_adopt(UiLabels *l, LabelSet *ls)
{
	if (ls->metrics != l->metrics)
		return -1;
	labelset_free(&l->ls);
	l->ls = *ls;
	memset(ls, 0, sizeof(*ls));
	if (l->sb)
		score_board_rescore(l->sb, NULL);
	return refresh_all(l);
}

const UiRanges *ui_labels_set(const UiLabels *l, size_t m, int original)
{
	size_t i = set_index(l, m);
	return original ? &l->orig[i] : &l->work[i];
}

int ui_labels_load(UiLabels *l, size_t m, const Range *r, size_t n)
{
	size_t i = set_index(l, m);
	RangeSet *rs = labelset_build(&l->ls, ls_index(l, i));
	if (!rs)
		return -1;
	for (size_t k = 0; k < n; k++)
		if (r[k].end > r[k].start &&
		    rangeset_add(rs, r[k], LABEL_ORIGINAL, NULL, NULL) !=
			    STATUS_OK)
			return -1;
	if (labelset_reset_original(&l->ls, NULL) != STATUS_OK)
		return -1;
	if (l->sb)
		score_board_rescore(l->sb, NULL);
	return refresh_all(l);
}

static int edit(UiLabels *l, size_t m, int mark, int64_t a, int64_t b)
{
	if (b <= a)
		return 0;
	size_t i = set_index(l, m);
	LabelChange chg;
	memset(&chg, 0, sizeof(chg));
	Range r = {a, b};
	Status st = mark ? labelset_mark(&l->ls, ls_index(l, i), r, NULL,
					 &chg, NULL)
			 : labelset_unmark(&l->ls, ls_index(l, i), r, &chg,
					   NULL);
	if (st != STATUS_OK)
		return -1;
	if (!chg.n_removed && !chg.n_added)
		return 0;
	if (l->sb)
		score_board_update_after_edit(l->sb, &chg);
	return refresh(l, i) ? -1 : 1;
}

int ui_labels_mark(UiLabels *l, size_t m, int64_t a, int64_t b)
{
	return edit(l, m, 1, a, b);
}

int ui_labels_unmark(UiLabels *l, size_t m, int64_t a, int64_t b)
{
	return edit(l, m, 0, a, b);
}

static long undo_redo(UiLabels *l, int redo)
{
	LabelChange chg;
	memset(&chg, 0, sizeof(chg));
	int rc = redo ? labelset_redo(&l->ls, &chg)
		      : labelset_undo(&l->ls, &chg);
	if (rc <= 0)
		return -1;
	if (l->sb)
		score_board_update_after_edit(l->sb, &chg);
	size_t i = set_index(l, chg.metric);
	refresh(l, i);
	return i == l->metrics ? (long)UI_NODE : (long)i;
}

long ui_labels_undo(UiLabels *l)
{
	return undo_redo(l, 0);
}

long ui_labels_redo(UiLabels *l)
{
	return undo_redo(l, 1);
}

size_t ui_labels_unsaved(const UiLabels *l)
{
	return labelset_unsaved(&l->ls);
}

void ui_labels_saved(UiLabels *l)
{
	labelset_mark_saved(&l->ls);
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

/* The original's scores of unit i (set index) against dets. */
static int score_original(UiLabels *l, size_t i, const Detection *det,
			  size_t n)
{
	return score_compute(labelset_get_original(&l->ls, ls_index(l, i)),
			     det, n, l->split, l->rows, &l->orig_tab[i],
			     NULL) == STATUS_OK
		       ? 0
		       : -1;
}

int ui_labels_attach(UiLabels *l, Detection *const *det, const size_t *n_det,
		     const Detection *node, size_t n_node, size_t split,
		     size_t rows)
{
	size_t total = n_node;
	for (size_t m = 0; m < l->metrics; m++)
		total += n_det[m];
	Detection *all = malloc((total ? total : 1) * sizeof(Detection));
	if (!all)
		return -1;
	size_t k = 0;
	for (size_t m = 0; m < l->metrics; m++)
		for (size_t i = 0; i < n_det[m]; i++) {
			all[k] = det[m][i];
			all[k++].metric = m;
		}
	for (size_t i = 0; i < n_node; i++) {
		all[k] = node[i];
		all[k++].metric = DETECT_NODE;
	}
	score_board_delete(l->sb);
	l->sb = NULL;
	l->split = split;
	l->rows = rows;
	Status st = score_board_new(&l->sb, &l->ls, all, k, split, rows, NULL);
	free(all);
	if (st != STATUS_OK)
		return -1;
	free(l->orig_tab);
	l->orig_tab = calloc(l->metrics + 1, sizeof(ScoreTable));
	if (!l->orig_tab)
		return -1;
	for (size_t m = 0; m < l->metrics; m++)
		if (score_original(l, m, det[m], n_det[m]))
			return -1;
	return score_original(l, l->metrics, node, n_node);
}

int ui_labels_redetect(UiLabels *l, size_t m, const Detection *det,
		       size_t n)
{
	if (!l->sb)
		return -1;
	size_t i = set_index(l, m);
	if (score_board_set_detections(l->sb, ls_index(l, i), det, n, NULL) !=
	    STATUS_OK)
		return -1;
	return score_original(l, i, det, n);
}

void ui_labels_score(const UiLabels *l, size_t m, int original,
		     Criticality min, UiScore out[RULE_COUNT])
{
	memset(out, 0, RULE_COUNT * sizeof(UiScore));
	if (!l->sb || !l->orig_tab)
		return;
	size_t i = set_index(l, m);
	ScoreTable t;
	if (original)
		t = l->orig_tab[i];
	else
		score_board_get(l->sb, ls_index(l, i), &t);
	ScoreFilter f = min >= CRIT_HIGH     ? SCORE_HIGH
			: min == CRIT_MEDIUM ? SCORE_MEDIUM
					     : SCORE_ALL;
	static const ScoreRule map[RULE_COUNT] = {
		[RULE_EVENT] = SCORE_EVENT,
		[RULE_POINT] = SCORE_POINT,
		[RULE_PA] = SCORE_ADJUSTED,
	};
	for (int r = 0; r < RULE_COUNT; r++) {
		const ScoreCell *c = &t.cell[map[r]][f];
		out[r] = (UiScore){c->tp, c->fp, c->fn, c->p, c->r, c->f1};
	}
}
