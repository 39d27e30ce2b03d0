/* The dashboard's label state over labels/labelset: plain Range arrays per
 * set for drawing, kept in step with the LabelSet after every change, and
 * scoring through labels/score. */
#include "ui/dash/labels_ui.h"

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

/* Whether the labels are one metric's that are also its node's: then the
 * edits of either scope go to the metric's set and are copied to the
 * node's (set_mirror after the originals were read). */
static void set_mirror(UiLabels *l)
{
	const LabelSet *ls = &l->ls;
	l->mirror = l->metrics == 1 &&
		    rangeset_same_extents(labelset_get_original(ls, 0),
					  labelset_get_original(ls, LABEL_NODE)) &&
		    rangeset_same_extents(labelset_get(ls, 0),
					  labelset_get(ls, LABEL_NODE));
}

static int refresh_all(UiLabels *l)
{
	for (size_t i = 0; i <= l->metrics; i++)
		if (refresh(l, i))
			return -1;
	set_mirror(l);
	return 0;
}

/* The set an edit of set m is made in: the metric's when mirrored. */
static size_t edit_index(const UiLabels *l, size_t m)
{
	return l->mirror ? 0 : set_index(l, m);
}

/* Mirrored: the change chg of the metric's set, the splice sp (taken back
 * when inverse), made to the node's set too, which was equal to it. */
static int mirror_node(UiLabels *l, const LabelChange *chg,
		       const RangeSplice *sp, int inverse)
{
	if (!l->mirror || chg->metric != 0 ||
	    (!chg->n_removed && !chg->n_added))
		return 0;
	if (rangeset_apply(labelset_build(&l->ls, LABEL_NODE), sp, inverse,
			   NULL) != STATUS_OK)
		return -1;
	LabelChange node = *chg;
	node.metric = LABEL_NODE;
	if (l->sb)
		score_board_update_after_edit(l->sb, &node);
	return refresh(l, l->metrics);
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

/* After a change reported by the LabelSet: the scores and the drawn extents
 * of that one set follow it. */
static int follow(UiLabels *l, const LabelChange *chg)
{
	if (!chg->n_removed && !chg->n_added)
		return 0;
	if (l->sb)
		score_board_update_after_edit(l->sb, chg);
	if (mirror_node(l, chg, &l->ls.edits[l->ls.n_done - 1].sp, 0))
		return -1;
	return refresh(l, set_index(l, chg->metric)) ? -1 : 1;
}

/* Status of an edit that was refused: out of memory is a failure; a range
 * that is not there (resize, split) is "no change". */
static int refused(Status st)
{
	return st == STATUS_NOMEM ? -1 : 0;
}

static int edit(UiLabels *l, size_t m, int mark, int64_t a, int64_t b)
{
	if (b <= a)
		return 0;
	size_t i = edit_index(l, m);
	LabelChange chg;
	memset(&chg, 0, sizeof(chg));
	Range r = {a, b};
	Status st = mark ? labelset_mark(&l->ls, ls_index(l, i), r, NULL,
					 &chg, NULL)
			 : labelset_unmark(&l->ls, ls_index(l, i), r, &chg,
					   NULL);
	return st != STATUS_OK ? refused(st) : follow(l, &chg);
}

int ui_labels_mark(UiLabels *l, size_t m, int64_t a, int64_t b)
{
	return edit(l, m, 1, a, b);
}

int ui_labels_unmark(UiLabels *l, size_t m, int64_t a, int64_t b)
{
	return edit(l, m, 0, a, b);
}

int ui_labels_resize(UiLabels *l, size_t m, int64_t at, int64_t a,
		     int64_t b)
{
	if (b <= a)
		return 0;
	LabelChange chg;
	memset(&chg, 0, sizeof(chg));
	Status st = labelset_resize(&l->ls, ls_index(l, edit_index(l, m)), at,
				    (Range){a, b}, &chg, NULL);
	return st != STATUS_OK ? refused(st) : follow(l, &chg);
}

int ui_labels_split(UiLabels *l, size_t m, int64_t at)
{
	LabelChange chg;
	memset(&chg, 0, sizeof(chg));
	Status st = labelset_split(&l->ls, ls_index(l, edit_index(l, m)), at,
				   &chg, NULL);
	return st != STATUS_OK ? refused(st) : follow(l, &chg);
}

int ui_labels_note(UiLabels *l, size_t m, int64_t at, const char *note)
{
	LabelChange chg;
	memset(&chg, 0, sizeof(chg));
	Status st = labelset_note(&l->ls, ls_index(l, edit_index(l, m)), at,
				  note, &chg, NULL);
	return st != STATUS_OK ? refused(st) : follow(l, &chg);
}

const char *ui_labels_note_at(const UiLabels *l, size_t m, int64_t r)
{
	const RangeSet *rs =
		labelset_get(&l->ls, ls_index(l, set_index(l, m)));
	size_t i = rs ? rangeset_find(rs, r) : RANGESET_NONE;
	return i == RANGESET_NONE ? NULL : rs->v[i].note;
}

static int undo_redo(UiLabels *l, int redo, size_t *set)
{
	LabelChange chg;
	memset(&chg, 0, sizeof(chg));
	int rc = redo ? labelset_redo(&l->ls, &chg)
		      : labelset_undo(&l->ls, &chg);
	if (rc <= 0)
		return rc;
	size_t i = set_index(l, chg.metric);
	if (set)
		*set = i == l->metrics ? UI_NODE : i;
	if (l->sb)
		score_board_update_after_edit(l->sb, &chg);
	size_t e = redo ? l->ls.n_done - 1 : l->ls.n_done;
	if (mirror_node(l, &chg, &l->ls.edits[e].sp, !redo))
		return -1;
	return refresh(l, i) ? -1 : 1;
}

int ui_labels_undo(UiLabels *l, size_t *set)
{
	return undo_redo(l, 0, set);
}

int ui_labels_redo(UiLabels *l, size_t *set)
{
	return undo_redo(l, 1, set);
}

int ui_labels_apply(UiLabels *l, UiOp *op)
{
	switch (op->kind) {
	case UI_OP_MARK:
		return ui_labels_mark(l, op->set, op->start, op->end);
	case UI_OP_UNMARK:
		return ui_labels_unmark(l, op->set, op->start, op->end);
	case UI_OP_RESIZE:
		return ui_labels_resize(l, op->set, op->at, op->start, op->end);
	case UI_OP_SPLIT:
		return ui_labels_split(l, op->set, op->at);
	case UI_OP_UNDO:
		return ui_labels_undo(l, &op->set);
	case UI_OP_REDO:
		return ui_labels_redo(l, &op->set);
	case UI_OP_SAVED:
		ui_labels_saved(l, op->saved);
		return 1;
	case UI_OP_NOTE:
		return ui_labels_note(l, op->set, op->at,
				      op->note ? op->note : "");
	}
	return -1;
}

/* Apply op to l and pass it to emit when it changed something. */
static int converge_step(UiLabels *l, UiOp *op,
			 int (*emit)(const UiOp *op, void *ctx), void *ctx)
{
	int rc = ui_labels_apply(l, op);
	return rc < 0 ? -1 : rc ? emit(op, ctx) : 0;
}

/* Whether rs holds a range with exactly the extent r; its index. */
static size_t exact(const RangeSet *rs, Range r)
{
	size_t i = rangeset_find(rs, r.start);
	return i != RANGESET_NONE && rs->v[i].r.start == r.start &&
		       rs->v[i].r.end == r.end
		       ? i
		       : RANGESET_NONE;
}

int ui_labels_converge(UiLabels *l, size_t m, const UiLabels *to,
		       int (*emit)(const UiOp *op, void *ctx), void *ctx)
{
	if (l->metrics != to->metrics)
		return -1;
	size_t k = ls_index(l, set_index(l, m));
	const RangeSet *want = labelset_get(&to->ls, k);
	Range *gone = NULL;
	size_t n_gone = 0;
	if (rangeset_difference(labelset_get(&l->ls, k), want, &gone, &n_gone,
				NULL) != STATUS_OK)
		return -1;
	int rc = 0;
	/* the rows to lose, then every wanted range not here as it is (a
	   mark merges what it touches: the splits put the cuts back) */
	for (size_t i = 0; i < n_gone && !rc; i++) {
		UiOp op = {UI_OP_UNMARK, m, 0, gone[i].start, gone[i].end, 0,
			   NULL};
		rc = converge_step(l, &op, emit, ctx);
	}
	free(gone);
	for (size_t i = 0; i < want->n && !rc; i++) {
		Range r = want->v[i].r;
		if (exact(labelset_get(&l->ls, k), r) != RANGESET_NONE)
			continue;
		UiOp op = {UI_OP_MARK, m, 0, r.start, r.end, 0, NULL};
		rc = converge_step(l, &op, emit, ctx);
	}
	for (size_t i = 1; i < want->n && !rc; i++) {
		Range r = want->v[i].r;
		if (want->v[i - 1].r.end != r.start ||
		    exact(labelset_get(&l->ls, k), r) != RANGESET_NONE)
			continue;
		UiOp op = {UI_OP_SPLIT, m, r.start, 0, 0, 0, NULL};
		rc = converge_step(l, &op, emit, ctx);
	}
	for (size_t i = 0; i < want->n && !rc; i++) {
		const char *note = want->v[i].note ? want->v[i].note : "";
		const char *have = ui_labels_note_at(l, m, want->v[i].r.start);
		if (!strcmp(note, have ? have : ""))
			continue;
		UiOp op = {UI_OP_NOTE, m, want->v[i].r.start, 0, 0, 0, note};
		rc = converge_step(l, &op, emit, ctx);
	}
	return rc;
}

size_t ui_labels_unsaved(const UiLabels *l)
{
	return labelset_unsaved(&l->ls);
}

size_t ui_labels_unsaved_set(const UiLabels *l, size_t m)
{
	return labelset_unsaved_set(&l->ls, ls_index(l, edit_index(l, m)));
}

void ui_labels_saved(UiLabels *l, unsigned which)
{
	if ((which & UI_SAVED_ALL) == UI_SAVED_ALL ||
	    (l->mirror && (which & UI_SAVED_ALL))) {
		labelset_mark_saved(&l->ls);
		return;
	}
	if (which & UI_SAVED_METRICS)
		for (size_t m = 0; m < l->metrics; m++)
			labelset_mark_saved_set(&l->ls, m);
	if (which & UI_SAVED_NODE)
		labelset_mark_saved_set(&l->ls, LABEL_NODE);
}

/* The extents of every set: the working ones of the sets in working
 * (UI_SAVED_*), the original ones of the others. */
static uint64_t fingerprint(const UiLabels *l, unsigned working)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i <= l->metrics; i++) {
		unsigned bit = i == l->metrics ? UI_SAVED_NODE
					       : UI_SAVED_METRICS;
		const RangeSet *rs =
			working & bit
				? labelset_get(&l->ls, ls_index(l, i))
				: labelset_get_original(&l->ls, ls_index(l, i));
		int64_t v[3] = {(int64_t)i, (int64_t)rs->n, 0};
		for (size_t k = 0; k <= rs->n; k++) {
			if (k < rs->n) {
				v[1] = rs->v[k].r.start;
				v[2] = rs->v[k].r.end;
			}
			const unsigned char *c = (const unsigned char *)v;
			for (size_t j = 0; j < sizeof(v); j++) {
				h ^= c[j];
				h *= 1099511628211ull;
			}
		}
	}
	return h;
}

uint64_t ui_labels_fingerprint(const UiLabels *l)
{
	return fingerprint(l, 0);
}

uint64_t ui_labels_fingerprint_saved(const UiLabels *l, unsigned saved)
{
	return fingerprint(l, saved);
}

int ui_labels_copy_original(UiLabels *dst, const UiLabels *src)
{
	if (dst->metrics != src->metrics)
		return -1;
	for (size_t i = 0; i <= src->metrics; i++) {
		size_t k = ls_index(src, i);
		const RangeSet *o = labelset_get_original(&src->ls, k);
		RangeSet *w = labelset_build(&dst->ls, k);
		for (size_t j = 0; j < o->n; j++)
			if (rangeset_add(w, o->v[j].r, o->v[j].source,
					 o->v[j].note, NULL) != STATUS_OK)
				return -1;
	}
	if (labelset_reset_original(&dst->ls, NULL) != STATUS_OK)
		return -1;
	return refresh_all(dst);
}

static int same(const UiRanges *u, const RangeSet *rs)
{
	if (u->n != rs->n)
		return 0;
	for (size_t i = 0; i < u->n; i++)
		if (u->r[i].start != rs->v[i].r.start ||
		    u->r[i].end != rs->v[i].r.end)
			return 0;
	return 1;
}

int ui_labels_consistent(const UiLabels *l)
{
	for (size_t i = 0; i <= l->metrics; i++) {
		size_t k = ls_index(l, i);
		if (!same(&l->work[i], labelset_get(&l->ls, k)) ||
		    !same(&l->orig[i], labelset_get_original(&l->ls, k)))
			return 0;
	}
	return 1;
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
