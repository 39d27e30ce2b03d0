/* The App: view state and the actions of the key table. Everything here is
 * plain C over the App struct (no curses), so that a key script can be
 * replayed and measured; the panes paint the result. */
#include "ui/dash/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ui/dash/journal.h"
#include "ui/dash/plot.h"

void app_init(App *a)
{
	memset(a, 0, sizeof(*a));
	series_init(&a->s);
	detect_result_init(&a->dr);
	a->keymode = KEYMODE_NORMAL;
	journal_init(&a->journal);
}

void app_free(App *a)
{
	series_free(&a->s);
	free(a->title);
	free(a->pred);
	app_settle(a);
	detect_result_free(&a->dr);
	rethresh_free(&a->rix);
	free(a->node_score);
	free(a->thr_factor);
	free(a->visible);
	free(a->marked);
	free(a->disagree);
	ui_labels_free(&a->labels);
	journal_close(&a->journal, 0, 1);
	memset(a, 0, sizeof(*a));
	journal_init(&a->journal);
}

void app_message(App *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
	a->message_brief[0] = '\0';
	a->dirty |= DIRTY_STATUS;
}

void app_message_brief(App *a, const char *brief)
{
	snprintf(a->message_brief, sizeof(a->message_brief), "%s", brief);
}

size_t app_scope(const App *a)
{
	return a->node_scope ? UI_NODE : a->metric;
}

size_t app_plot_columns(const App *a)
{
	size_t w = a->plot_w > 0 ? (size_t)a->plot_w : 80;
	return a->unicode ? 2 * w : w;
}

static void clamp_window(App *a)
{
	size_t rows = a->s.rows ? a->s.rows : 1;
	size_t min_count = 8;
	if (a->count < min_count)
		a->count = min_count;
	if (a->count > rows)
		a->count = rows;
	if (a->first + a->count > rows)
		a->first = rows - a->count;
	if (a->cursor >= rows)
		a->cursor = rows - 1;
}

void app_show_row(App *a, size_t r)
{
	if (r >= a->s.rows)
		r = a->s.rows ? a->s.rows - 1 : 0;
	a->cursor = r;
	if (r < a->first || r >= a->first + a->count)
		a->first = r >= a->count / 2 ? r - a->count / 2 : 0;
	clamp_window(a);
}

void app_reset_view(App *a)
{
	a->first = 0;
	a->count = a->s.rows;
	a->cursor = a->s.split < a->s.rows ? a->s.split : 0;
	a->metric = 0;
	clamp_window(a);
	app_apply_filter(a, a->filter);
	a->dirty = DIRTY_ALL;
}

int app_apply_filter(App *a, const char *regex)
{
	size_t *vis = malloc((a->s.metrics ? a->s.metrics : 1) * sizeof(size_t));
	if (!vis)
		return -1;
	size_t n = 0;
	pcre2_code *re = NULL;
	if (regex && *regex) {
		int ec;
		PCRE2_SIZE off;
		re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED,
				   PCRE2_CASELESS, &ec, &off, NULL);
		if (!re) {
			PCRE2_UCHAR msg[128];
			pcre2_get_error_message(ec, msg, sizeof(msg));
			app_message(a, "regex error at %zu: %s", (size_t)off,
				    (const char *)msg);
			free(vis);
			return -1;
		}
	}
	pcre2_match_data *md =
		re ? pcre2_match_data_create_from_pattern(re, NULL) : NULL;
	for (size_t m = 0; m < a->s.metrics; m++) {
		if (re && pcre2_match(re, (PCRE2_SPTR)a->s.names[m],
				      PCRE2_ZERO_TERMINATED, 0, 0, md,
				      NULL) < 0)
			continue;
		vis[n++] = m;
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	if (n == 0 && regex && *regex) {
		app_message(a, "no metric matches /%s/", regex);
		free(vis);
		return -1;
	}
	if (regex != a->filter)
		snprintf(a->filter, sizeof(a->filter), "%s", regex ? regex : "");
	free(a->visible);
	a->visible = vis;
	a->n_visible = n;
	int found = 0;
	for (size_t i = 0; i < n; i++)
		found |= vis[i] == a->metric;
	if (!found && n)
		a->metric = vis[0];
	a->list_top = 0;
	app_order_list(a);
	a->dirty |= DIRTY_ALL;
	return 0;
}

const Detection *app_detections(const App *a, size_t *n)
{
	if (a->node_scope) {
		*n = a->n_node_det;
		return a->node_det;
	}
	if (!a->det || a->metric >= a->s.metrics) {
		*n = 0;
		return NULL;
	}
	*n = a->n_det[a->metric];
	return a->det[a->metric];
}

void app_settle(App *a)
{
	if (a->node_job)
		free(rethresh_node_join(a->node_job, 1));
	a->node_job = NULL;
	a->node_dirty = 0;
}

/* The node score of the scores in force, at once. */
static void node_score_now(App *a)
{
	ErrorRecord err;
	a->node_gen++;
	if (a->rix_ok)
		(void)rethresh_node_scores(&a->dr, &a->rix, a->node_score,
					   &err);
	else
		(void)detect_node_scores(&a->dr, a->node_score, &err);
}

/* After a threshold move: the node score in the background. A job at
 * work is only asked to stop (a key never waits for it); the poll starts
 * the next. */
static void node_score_later(App *a)
{
	ErrorRecord err;
	if (a->node_job) {
		rethresh_node_cancel(a->node_job);
		a->node_dirty = 1;
		return;
	}
	if (rethresh_node_start(&a->node_job, &a->dr, &a->rix, &err) !=
	    STATUS_OK)
		node_score_now(a);
}

int app_jobs_busy(const App *a)
{
	return a->node_job != NULL;
}

int app_poll_jobs(App *a, int wait)
{
	int changed = 0;
	while (a->node_job && (wait || rethresh_node_done(a->node_job))) {
		float *ns = rethresh_node_join(a->node_job, 0);
		a->node_job = NULL;
		if (a->node_dirty) {
			/* made with stale scales: again with today's */
			free(ns);
			a->node_dirty = 0;
			node_score_later(a);
			changed |= a->node_job == NULL;
			continue;
		}
		if (!ns)
			continue;
		free(a->node_score);
		a->node_score = ns;
		a->node_gen++;
		changed = 1;
	}
	if (changed)
		a->dirty |= DIRTY_PLOT | DIRTY_STATUS;
	return changed;
}

/* Point the App at a->dr's detections and recompute the node score (in
 * the background when async, after a threshold move). */
static void point_at_dr(App *a, int async)
{
	a->score = a->dr.score;
	a->det = a->dr.det;
	a->n_det = a->dr.n_det;
	a->node_det = a->dr.node;
	a->n_node_det = a->dr.n_node;
	size_t R = a->s.rows, M = a->s.metrics;
	if (!a->node_score)
		a->node_score = malloc((R ? R : 1) * sizeof(float));
	if (!a->thr_factor) {
		a->thr_factor = malloc((M + 1) * sizeof(double));
		for (size_t m = 0; a->thr_factor && m <= M; m++)
			a->thr_factor[m] = 1.0;
	}
	if (!a->node_score)
		return;
	/* the node rule's score (engine/detect.h), whose runs are the node
	 * detections; out of memory leaves the previous one */
	if (async && a->rix_ok) {
		node_score_later(a);
		return;
	}
	app_settle(a);
	node_score_now(a);
}

void app_index_scores(App *a)
{
	rethresh_free(&a->rix);
	a->rix_ok = 0;
	ErrorRecord err;
	if (a->has_dr && rethresh_init(&a->rix, &a->dr, &err) == STATUS_OK)
		a->rix_ok = 1;
}

double app_score_scale(const App *a, size_t m)
{
	return a->rix_ok ? rethresh_scale(&a->dr, &a->rix, m) : 1.0;
}

Status app_move_threshold(App *a, size_t m, double factor, ErrorRecord *err)
{
	if (!a->rix_ok) {
		Status st = detect_rethreshold(&a->dr, m, factor, err);
		if (st == STATUS_OK)
			app_take_detections(a);
		return st;
	}
	Status st = rethresh_move(&a->dr, &a->rix, m, factor, err);
	/* the score columns did not change: their plot summaries stay; the
	 * node score follows in the background */
	point_at_dr(a, 1);
	return st;
}

void app_take_detections(App *a)
{
	a->plot_gen++;
	a->node_gen++;
	if (!a->has_dr) {
		rethresh_free(&a->rix);
		a->rix_ok = 0;
		a->score = NULL;
		a->det = NULL;
		a->n_det = NULL;
		a->node_det = NULL;
		a->n_node_det = 0;
		return;
	}
	point_at_dr(a, 0);
}

void app_scores(const App *a, size_t m, int original, Criticality min,
		UiScore out[RULE_COUNT])
{
	ui_labels_score(&a->labels, m, original, min, out);
}

static size_t visible_pos(const App *a)
{
	for (size_t i = 0; i < a->n_visible; i++)
		if (a->visible[i] == a->metric)
			return i;
	return 0;
}

/* Rows one plot column spans (at least 1). */
static size_t col_rows(const App *a)
{
	size_t c = app_plot_columns(a);
	size_t r = a->count / (c ? c : 1);
	return r ? r : 1;
}

static void move_cursor(App *a, long delta)
{
	long c = (long)a->cursor + delta;
	if (c < 0)
		c = 0;
	if ((size_t)c >= a->s.rows)
		c = (long)a->s.rows - 1;
	a->cursor = (size_t)c;
	if (a->cursor < a->first)
		a->first = a->cursor;
	else if (a->cursor >= a->first + a->count)
		a->first = a->cursor - a->count + 1;
	clamp_window(a);
}

/* Jump to the next (dir 1) or previous (dir -1) start among ranges. */
static int jump_ranges(App *a, const Range *r, size_t n, int dir)
{
	int64_t cur = (int64_t)a->cursor;
	long best = -1;
	for (size_t i = 0; i < n; i++) {
		if (dir > 0 && r[i].start > cur &&
		    (best < 0 || r[i].start < r[best].start))
			best = (long)i;
		if (dir < 0 && r[i].start < cur &&
		    (best < 0 || r[i].start > r[best].start))
			best = (long)i;
	}
	if (best < 0)
		return 0;
	app_show_row(a, (size_t)r[best].start);
	return 1;
}

static void selection(const App *a, int64_t *s, int64_t *e)
{
	size_t lo = a->sel_anchor < a->cursor ? a->sel_anchor : a->cursor;
	size_t hi = a->sel_anchor < a->cursor ? a->cursor : a->sel_anchor;
	*s = (int64_t)lo;
	*e = (int64_t)hi + 1;
}

/* The status message for an applied op. */
/* Row r's time, or 'row R' for one not read yet (a label range that
 * reaches past the rows of a growing series, --follow). */
static void op_time(const App *a, int64_t r, char *buf, size_t n)
{
	if (r >= 0 && (size_t)r < a->s.rows)
		series_format_time(&a->s, (size_t)r, buf, n);
	else
		snprintf(buf, n, "row %lld", (long long)r);
}

static void op_message(App *a, const UiOp *op, int rc)
{
	static const char *const verb[] = {
		[UI_OP_MARK] = "labelled",   [UI_OP_UNMARK] = "unlabelled",
		[UI_OP_RESIZE] = "resized",  [UI_OP_SPLIT] = "split",
		[UI_OP_UNDO] = "undone",     [UI_OP_REDO] = "redone",
		[UI_OP_SAVED] = "saved",
	};
	char where[80];
	if (op->set == UI_NODE)
		snprintf(where, sizeof(where), "node");
	else
		snprintf(where, sizeof(where), "%.70s",
			 op->set < a->s.metrics ? a->s.names[op->set] : "?");
	if (rc == 0) {
		if (op->kind == UI_OP_UNDO || op->kind == UI_OP_REDO)
			app_message(a, "nothing to %s",
				    op->kind == UI_OP_UNDO ? "undo" : "redo");
		else
			app_message(a, "no change");
		return;
	}
	char t0[32], t1[32];
	switch (op->kind) {
	case UI_OP_MARK:
	case UI_OP_UNMARK:
	case UI_OP_RESIZE:
		op_time(a, op->start, t0, sizeof(t0));
		op_time(a, op->end - 1, t1, sizeof(t1));
		app_message(a, "%s %s .. %s (%ld row%s, %s)", verb[op->kind],
			    t0, t1, (long)(op->end - op->start),
			    op->end - op->start == 1 ? "" : "s", where);
		break;
	case UI_OP_SPLIT:
		op_time(a, op->at, t0, sizeof(t0));
		app_message(a, "split at %s (%s)", t0, where);
		break;
	case UI_OP_UNDO:
	case UI_OP_REDO:
		app_message(a, "%s (%s)", verb[op->kind], where);
		break;
	case UI_OP_NOTE:
		op_time(a, op->at, t0, sizeof(t0));
		if (op->note && *op->note)
			app_message(a, "note on the range at %s (%s): %.120s",
				    t0, where, op->note);
		else
			app_message(a, "note removed from the range at %s (%s)",
				    t0, where);
		break;
	case UI_OP_SAVED:
		break;
	}
}

unsigned app_apply(App *a, UiOp *op)
{
	if (a->read_only) {
		app_message(a, "read-only: another vigil (pid %ld) edits these "
			       "labels",
			    a->journal.other_pid);
		return DIRTY_STATUS;
	}
	int rc = ui_labels_apply(&a->labels, op);
	if (rc < 0) {
		app_message(a, "out of memory");
		return DIRTY_ALL;
	}
	if (rc == 0) {
		op_message(a, op, 0);
		return DIRTY_STATUS;
	}
	/* on disk before the screen says it happened */
	int e = journal_append(&a->journal, op);
	op_message(a, op, 1);
	if (e) {
		/* first, so that a narrow status line still shows it */
		char done[sizeof(a->message)];
		snprintf(done, sizeof(done), "%s", a->message);
		app_message(a, "JOURNAL NOT WRITTEN (%s): %.180s", strerror(e),
			    done);
	}
	return DIRTY_ALL;
}

static unsigned do_label(App *a, int mark)
{
	if (a->read_only) {
		UiOp none = {UI_OP_MARK, 0, 0, 0, 0, 0, NULL};
		a->selecting = 0;
		return app_apply(a, &none); /* says why nothing happens */
	}
	size_t scope = app_scope(a);
	int64_t s, e;
	if (a->selecting) {
		selection(a, &s, &e);
	} else if (!mark) {
		const UiRanges *L = ui_labels_set(&a->labels, scope, 0);
		long i = ui_ranges_find(L, (int64_t)a->cursor);
		if (i < 0) {
			app_message(a, "no labelled range under the cursor");
			return DIRTY_STATUS;
		}
		s = L->r[i].start;
		e = L->r[i].end;
	} else {
		app_message(a, "press m at both ends of a range first");
		return DIRTY_STATUS;
	}
	a->selecting = 0;
	UiOp op = {mark ? UI_OP_MARK : UI_OP_UNMARK, scope, 0, s, e, 0,
		   NULL};
	return app_apply(a, &op) | DIRTY_PLOT;
}

/* ---- the actions of the key table ------------------------------------- */

/* One handler per action (or per pair of opposite actions); each returns
 * DIRTY_* / APP_* flags. */
typedef unsigned (*ActionFn)(App *a, Action act);

static unsigned act_metric(App *a, Action act)
{
	if (!a->n_visible)
		return 0;
	size_t p = visible_pos(a);
	if (act == ACT_METRIC_NEXT && p + 1 < a->n_visible)
		p++;
	else if (act == ACT_METRIC_PREV && p > 0)
		p--;
	a->metric = a->visible[p];
	return DIRTY_LIST | DIRTY_PLOT | DIRTY_SCORES | DIRTY_STATUS;
}

static unsigned edge_move(App *a, long rows);

static unsigned act_cursor(App *a, Action act)
{
	if (a->keymode == KEYMODE_EDGE)
		return edge_move(a, act == ACT_CURSOR_LEFT ? -1 : 1);
	long step = (long)col_rows(a);
	move_cursor(a, act == ACT_CURSOR_LEFT ? -step : step);
	return DIRTY_PLOT | DIRTY_STATUS;
}

static unsigned act_page(App *a, Action act)
{
	size_t step = a->count * 3 / 4 ? a->count * 3 / 4 : 1;
	if (a->keymode == KEYMODE_EDGE)
		return edge_move(a, act == ACT_PAGE_LEFT ? -(long)step
							 : (long)step);
	if (act == ACT_PAGE_LEFT) {
		a->first = a->first > step ? a->first - step : 0;
		a->cursor = a->cursor > step ? a->cursor - step : 0;
	} else {
		a->first += step;
		a->cursor += step;
	}
	clamp_window(a);
	if (a->cursor < a->first)
		a->cursor = a->first;
	if (a->cursor >= a->first + a->count)
		a->cursor = a->first + a->count - 1;
	return DIRTY_PLOT | DIRTY_STATUS;
}

/* Halve or double the window, keeping the cursor where it is on screen. */
static unsigned act_zoom(App *a, Action act)
{
	size_t old = a->count;
	double f = a->count ? (double)(a->cursor - a->first) / (double)a->count
			    : 0.5;
	a->count = act == ACT_ZOOM_IN ? a->count / 2 : a->count * 2;
	clamp_window(a);
	if (a->count == old)
		return 0;
	size_t off = (size_t)(f * (double)a->count);
	a->first = a->cursor > off ? a->cursor - off : 0;
	clamp_window(a);
	return DIRTY_PLOT | DIRTY_STATUS;
}

static unsigned act_start_end(App *a, Action act)
{
	size_t rows = a->s.rows;
	app_show_row(a, act == ACT_START ? 0 : rows - 1);
	a->first = act == ACT_START ? 0 : rows - a->count;
	clamp_window(a);
	return DIRTY_PLOT | DIRTY_STATUS;
}

static unsigned act_jump_detection(App *a, Action act)
{
	size_t n;
	const Detection *d = app_detections(a, &n);
	Range *r = malloc((n ? n : 1) * sizeof(Range));
	if (!r)
		return 0;
	for (size_t i = 0; i < n; i++)
		r[i] = d[i].r;
	int ok = jump_ranges(a, r, n, act == ACT_DET_NEXT ? 1 : -1);
	free(r);
	if (!ok)
		app_message(a, "no %s detection",
			    act == ACT_DET_NEXT ? "next" : "previous");
	return DIRTY_PLOT | DIRTY_STATUS;
}

static unsigned act_jump_label(App *a, Action act)
{
	const UiRanges *L = ui_labels_set(&a->labels, app_scope(a), 0);
	if (!jump_ranges(a, L->r, L->n, act == ACT_LABEL_NEXT ? 1 : -1))
		app_message(a, "no %s labelled range",
			    act == ACT_LABEL_NEXT ? "next" : "previous");
	return DIRTY_PLOT | DIRTY_STATUS;
}

/* One place where detections and working labels disagree, in the scored
 * (test) part: detected rows outside labels (a false positive), or
 * labelled rows no detection covers (a false negative; label_rows is the
 * whole label's length, equal to the piece's when no detection touches the
 * label). */
typedef struct {
	Range r;
	int fn;
	int64_t label_rows;
} Disagreement;

/* Append to *out the pieces of x (clipped to [lo, hi)) that none of the
 * sorted, disjoint ranges c[0..n) covers. */
static void uncovered(Range x, const Range *c, size_t n, int64_t lo,
		      int64_t hi, int fn, Disagreement *out, size_t *k)
{
	int64_t s = x.start > lo ? x.start : lo;
	int64_t e = x.end < hi ? x.end : hi;
	size_t j = 0;
	while (j < n && c[j].end <= s)
		j++;
	for (; s < e && j < n && c[j].start < e; j++) {
		if (c[j].start > s)
			out[(*k)++] = (Disagreement){{s, c[j].start}, fn,
						     x.end - x.start};
		if (c[j].end > s)
			s = c[j].end;
	}
	if (s < e)
		out[(*k)++] = (Disagreement){{s, e}, fn, x.end - x.start};
}

static int cmp_disagreement(const void *x, const void *y)
{
	const Disagreement *a = x, *b = y;
	return (a->r.start > b->r.start) - (a->r.start < b->r.start);
}

/* The disagreements of the current scope, sorted by start (malloc'd into
 * *out, NULL when out of memory). Partial overlaps count: the part of a
 * detection that sticks out of a label, the part of a label a detection
 * leaves. */
static size_t disagreements(const App *a, Disagreement **out)
{
	size_t nd;
	const Detection *d = app_detections(a, &nd);
	const UiRanges *L = ui_labels_set(&a->labels, app_scope(a), 0);
	/* a range has one piece more than the ranges it overlaps, and two
	 * sorted disjoint sets overlap in fewer than nd + L->n pairs */
	Range *dr = malloc((nd + 1) * sizeof(Range));
	Disagreement *r = malloc((3 * (nd + L->n) + 1) * sizeof(*r));
	size_t k = 0;
	*out = NULL;
	if (!dr || !r) {
		free(dr);
		free(r);
		return 0;
	}
	/* detections are sorted by start; their union (for the labels'
	 * side) needs them disjoint: merge overlapping ones */
	size_t nm = 0;
	for (size_t i = 0; i < nd; i++) {
		if (nm && d[i].r.start <= dr[nm - 1].end) {
			if (d[i].r.end > dr[nm - 1].end)
				dr[nm - 1].end = d[i].r.end;
		} else {
			dr[nm++] = d[i].r;
		}
	}
	int64_t lo = (int64_t)a->s.split, hi = (int64_t)a->s.rows;
	for (size_t i = 0; i < nm; i++)
		uncovered(dr[i], L->r, L->n, lo, hi, 0, r, &k);
	for (size_t j = 0; j < L->n; j++)
		uncovered(L->r[j], dr, nm, lo, hi, 1, r, &k);
	free(dr);
	qsort(r, k, sizeof(*r), cmp_disagreement);
	*out = r;
	return k;
}

/* f / F: to the start of the next / previous disagreement, saying what it
 * is. */
static unsigned act_jump_disagreement(App *a, Action act)
{
	Disagreement *r;
	size_t n = disagreements(a, &r);
	int dir = act == ACT_DIS_NEXT ? 1 : -1;
	int64_t cur = (int64_t)a->cursor;
	long best = -1;
	for (size_t i = 0; i < n; i++) {
		if (dir > 0 && r[i].r.start > cur) {
			best = (long)i;
			break;
		}
		if (dir < 0 && r[i].r.start < cur)
			best = (long)i;
	}
	if (best < 0) {
		app_message(a, "no %s disagreement (%zu in all)",
			    dir > 0 ? "next" : "previous", n);
	} else {
		const Disagreement *g = &r[best];
		int64_t rows = g->r.end - g->r.start;
		app_show_row(a, (size_t)g->r.start);
		if (!g->fn)
			app_message(a, "FP: %lld detected row%s outside labels  "
				       "(%ld/%zu)",
				    (long long)rows, rows == 1 ? "" : "s",
				    best + 1, n);
		else if (rows == g->label_rows)
			app_message(a, "FN: label of %lld row%s not detected  "
				       "(%ld/%zu)",
				    (long long)rows, rows == 1 ? "" : "s",
				    best + 1, n);
		else
			app_message(a, "FN: %lld of a label's %lld rows not "
				       "detected  (%ld/%zu)",
				    (long long)rows, (long long)g->label_rows,
				    best + 1, n);
	}
	free(r);
	return DIRTY_PLOT | DIRTY_STATUS;
}

/* m opens a selection at the cursor; a second m closes it, ready for a or
 * x. */
static unsigned act_mark(App *a, Action act)
{
	(void)act;
	if (!a->selecting) {
		a->selecting = 1;
		a->sel_anchor = a->cursor;
	} else {
		a->selecting = 2;
	}
	return DIRTY_PLOT | DIRTY_STATUS;
}

static unsigned act_label(App *a, Action act)
{
	return do_label(a, act == ACT_LABEL);
}

/* d: label the whole detection under the cursor, one undoable edit. */
static unsigned act_label_detection(App *a, Action act)
{
	(void)act;
	size_t n;
	const Detection *d = app_detections(a, &n);
	int64_t r = (int64_t)a->cursor;
	for (size_t i = 0; i < n; i++)
		if (d[i].r.start <= r && r < d[i].r.end) {
			a->selecting = 0;
			UiOp op = {UI_OP_MARK, app_scope(a), 0, d[i].r.start,
				   d[i].r.end, 0, NULL};
			return app_apply(a, &op) | DIRTY_PLOT;
		}
	app_message(a, "no detection under the cursor (n / N go to one)");
	return DIRTY_STATUS;
}

/* e: edge mode on the label under the cursor; the edge nearer the cursor
 * moves. */
static unsigned act_edge(App *a, Action act)
{
	(void)act;
	if (a->read_only) {
		UiOp none = {UI_OP_RESIZE, 0, 0, 0, 0, 0, NULL};
		return app_apply(a, &none); /* says why nothing happens */
	}
	size_t scope = app_scope(a);
	const UiRanges *L = ui_labels_set(&a->labels, scope, 0);
	long i = ui_ranges_find(L, (int64_t)a->cursor);
	if (i < 0) {
		app_message(a, "no labelled range under the cursor");
		return DIRTY_STATUS;
	}
	Range r = L->r[i];
	int64_t c = (int64_t)a->cursor;
	a->selecting = 0;
	a->keymode = KEYMODE_EDGE;
	a->edge_set = scope;
	a->edge_at = r.start;
	a->edge_start = r.start;
	a->edge_end = r.end;
	a->edge_end_side = r.end - 1 - c < c - r.start;
	app_show_row(a, (size_t)(a->edge_end_side ? r.end - 1 : r.start));
	return DIRTY_PLOT | DIRTY_STATUS;
}

/* In edge mode: move the edge by rows (negative: left), keeping at least
 * one row and staying in the series. */
static unsigned edge_move(App *a, long rows)
{
	int64_t n = (int64_t)a->s.rows;
	if (a->edge_end_side) {
		int64_t e = a->edge_end + rows;
		a->edge_end = e <= a->edge_start ? a->edge_start + 1
			      : e > n		  ? n
						  : e;
		app_show_row(a, (size_t)(a->edge_end - 1));
	} else {
		int64_t s = a->edge_start + rows;
		a->edge_start = s >= a->edge_end ? a->edge_end - 1
				: s < 0		 ? 0
						 : s;
		app_show_row(a, (size_t)a->edge_start);
	}
	return DIRTY_PLOT | DIRTY_STATUS;
}

/* Enter in edge mode: the new extent as one undoable resize. */
static unsigned edge_apply(App *a)
{
	a->keymode = KEYMODE_NORMAL;
	const UiRanges *L = ui_labels_set(&a->labels, a->edge_set, 0);
	long i = ui_ranges_find(L, a->edge_at);
	if (i >= 0 && L->r[i].start == a->edge_start &&
	    L->r[i].end == a->edge_end) {
		app_message(a, "edge unchanged");
		return DIRTY_PLOT | DIRTY_STATUS;
	}
	UiOp op = {UI_OP_RESIZE, a->edge_set, a->edge_at, a->edge_start,
		   a->edge_end, 0, NULL};
	return app_apply(a, &op) | DIRTY_PLOT;
}

long app_alert_at(const App *a, size_t row)
{
	if (!a->has_dr)
		return -1;
	for (size_t i = 0; i < a->dr.n_alerts; i++)
		if (a->dr.alerts[i].r.start <= (int64_t)row &&
		    (int64_t)row < a->dr.alerts[i].r.end)
			return (long)i;
	return -1;
}

static const App *sort_app; /* for cmp_alert (qsort has no context) */

static int cmp_alert(const void *x, const void *y)
{
	const Alert *al = sort_app->dr.alerts;
	const Alert *p = &al[*(const size_t *)x], *q = &al[*(const size_t *)y];
	int c = 0;
	if (sort_app->alert_sort == 1) /* criticality, then peak */
		c = (q->crit > p->crit) - (q->crit < p->crit);
	if (sort_app->alert_sort == 1 && !c)
		c = (q->peak > p->peak) - (q->peak < p->peak);
	if (sort_app->alert_sort == 2) { /* longest first */
		int64_t dp = p->r.end - p->r.start, dq = q->r.end - q->r.start;
		c = (dq > dp) - (dq < dp);
	}
	if (!c)
		c = (p->r.start > q->r.start) - (p->r.start < q->r.start);
	return c;
}

size_t app_alert_order(const App *a, size_t *idx)
{
	size_t n = a->has_dr ? a->dr.n_alerts : 0;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	sort_app = a;
	qsort(idx, n, sizeof(size_t), cmp_alert);
	return n;
}

const char *app_alert_sort_name(int sort)
{
	static const char *const names[] = {"time", "criticality",
					    "duration"};
	return sort >= 0 && sort < 3 ? names[sort] : "?";
}

const char *app_list_order_name(int order)
{
	static const char *const names[] = {"name", "score at the cursor",
					    "F1"};
	return order >= 0 && order < 3 ? names[order] : "?";
}

float app_score_at(const App *a, size_t m, size_t r)
{
	if (!a->score || m >= a->s.metrics || r >= a->s.rows)
		return 0;
	float v = a->score[m * a->s.rows + r];
	if (a->rix_ok)
		v = (float)(v * app_score_scale(a, m));
	return v == v ? v : 0;
}

int app_carries_node(const App *a, size_t m, size_t r)
{
	if (!a->score || m >= a->s.metrics)
		return 0;
	float v = app_score_at(a, m, r);
	size_t k = a->has_dr ? a->dr.cfg.node_top_k : 0;
	if (k == 0)
		return v >= 1;
	if (v <= 0)
		return 0;
	/* rank of m among the scores at r (ties: the earlier metric first) */
	size_t above = 0;
	for (size_t j = 0; j < a->s.metrics; j++) {
		float u = app_score_at(a, j, r);
		above += u > v || (u == v && j < m);
	}
	return above < k;
}

static const App *order_app; /* for cmp_metric (qsort has no context) */
static UiScore *order_f1;    /* event F1 per metric for the F1 order */

static int cmp_metric(const void *x, const void *y)
{
	size_t p = *(const size_t *)x, q = *(const size_t *)y;
	double vp, vq;
	if (order_app->list_order == 1) {
		vp = app_score_at(order_app, p, order_app->cursor);
		vq = app_score_at(order_app, q, order_app->cursor);
	} else {
		vp = order_f1[p].f1;
		vq = order_f1[q].f1;
	}
	int c = (vq > vp) - (vq < vp);
	return c ? c : (p > q) - (p < q);
}

unsigned app_order_list(App *a)
{
	size_t n = a->n_visible;
	if (!n)
		return 0;
	size_t *old = malloc(n * sizeof(size_t));
	UiScore *f1 = calloc(a->s.metrics + 1, sizeof(UiScore));
	if (!old || !f1) {
		free(old);
		free(f1);
		return 0;
	}
	memcpy(old, a->visible, n * sizeof(size_t));
	if (a->list_order == 2)
		for (size_t i = 0; i < n; i++) {
			UiScore sc[RULE_COUNT];
			app_scores(a, a->visible[i], 0, CRIT_LOW, sc);
			f1[a->visible[i]] = sc[RULE_EVENT];
		}
	order_app = a;
	order_f1 = f1;
	if (a->list_order == 0) {
		/* the series' order: visible indices are increasing */
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && a->visible[j - 1] >
						       a->visible[j];
			     j--) {
				size_t t = a->visible[j];
				a->visible[j] = a->visible[j - 1];
				a->visible[j - 1] = t;
			}
	} else {
		qsort(a->visible, n, sizeof(size_t), cmp_metric);
	}
	int changed = memcmp(old, a->visible, n * sizeof(size_t)) != 0;
	free(old);
	free(f1);
	return changed ? DIRTY_LIST : 0;
}

/* Enter: apply the edge (edge mode); in the alerts view, go to the chosen
 * alert; else, in an alert, select its next ranked metric. */
static unsigned act_pick(App *a, Action act)
{
	(void)act;
	if (a->keymode == KEYMODE_EDGE)
		return edge_apply(a);
	if (a->view == VIEW_ALERTS) {
		size_t n = a->has_dr ? a->dr.n_alerts : 0;
		size_t *idx = malloc((n ? n : 1) * sizeof(size_t));
		if (!idx || a->alert_sel >= app_alert_order(a, idx)) {
			free(idx);
			return 0;
		}
		const Alert *al = &a->dr.alerts[idx[a->alert_sel]];
		free(idx);
		a->view = VIEW_MAIN;
		app_show_row(a, (size_t)al->r.start);
		if (al->n_ranked && al->ranked[0].metric < a->s.metrics)
			a->metric = al->ranked[0].metric;
		app_message(a, "alert: %s, top metric %s",
			    crit_name(al->crit),
			    al->n_ranked ? a->s.names[al->ranked[0].metric]
					 : "-");
		return DIRTY_ALL;
	}
	long i = app_alert_at(a, a->cursor);
	if (i < 0) {
		app_message(a, "no alert at the cursor (A lists them)");
		return DIRTY_STATUS;
	}
	const Alert *al = &a->dr.alerts[i];
	if (!al->n_ranked)
		return DIRTY_STATUS;
	size_t k = 0;
	for (size_t j = 0; j < al->n_ranked; j++)
		if (al->ranked[j].metric == a->metric)
			k = (j + 1) % al->n_ranked;
	a->metric = al->ranked[k].metric;
	app_message(a, "metric %zu of the alert: %s (share %.4f)", k + 1,
		    a->s.names[a->metric], al->ranked[k].share);
	return DIRTY_ALL;
}

/* S: the metric list's order (name, score at the cursor, F1), or in the
 * alerts view the alerts' (time, criticality, duration). */
static unsigned act_sort(App *a, Action act)
{
	(void)act;
	if (a->view == VIEW_ALERTS) {
		a->alert_sort = (a->alert_sort + 1) % 3;
		a->alert_sel = 0;
		a->alert_top = 0;
		app_message(a, "alerts by %s",
			    app_alert_sort_name(a->alert_sort));
		return DIRTY_ALL;
	}
	a->list_order = (a->list_order + 1) % 3;
	a->list_top = 0;
	app_order_list(a);
	app_message(a, "metrics by %s", app_list_order_name(a->list_order));
	return DIRTY_ALL;
}

static unsigned act_alerts(App *a, Action act)
{
	(void)act;
	a->view = a->view == VIEW_ALERTS ? VIEW_MAIN : VIEW_ALERTS;
	if (a->view == VIEW_ALERTS) {
		/* start on the alert at the cursor, if any */
		size_t n = a->has_dr ? a->dr.n_alerts : 0;
		size_t *idx = malloc((n ? n : 1) * sizeof(size_t));
		long at = app_alert_at(a, a->cursor);
		a->alert_sel = 0;
		for (size_t i = 0; idx && i < app_alert_order(a, idx); i++)
			if ((long)idx[i] == at)
				a->alert_sel = i;
		free(idx);
	}
	return DIRTY_ALL;
}

/* Seconds in one unit of an offset ("s", "m", "h", "d", "w"), 0 for rows
 * (no unit), -1 when not a unit. */
static int64_t unit_seconds(const char *u)
{
	if (!*u)
		return 0;
	if (u[1])
		return -1;
	switch (*u) {
	case 's':
		return 1;
	case 'm':
		return 60;
	case 'h':
		return 3600;
	case 'd':
		return 86400;
	case 'w':
		return 7 * 86400;
	default:
		return -1;
	}
}

/* The row for text, or -1 when it is not a row, time or offset. *before
 * is set when the time or offset lies before the first row (row 0 is
 * returned). */
static long goto_row(const App *a, const char *text, int *before)
{
	const Series *s = &a->s;
	char *end;
	*before = 0;
	/* elapsed time as shown ("+2d 10:30", "08:40"): from the start */
	int64_t e;
	if (s->time_elapsed && series_has_time(s) &&
	    series_parse_elapsed(text, &e) == 0)
		return (long)series_row_at_time(s, e);
	if (*text == '+' || *text == '-') {
		long long n = strtoll(text + 1, &end, 10);
		int64_t unit = unit_seconds(end);
		if (end == text + 1 || unit < 0)
			return -1;
		if (*text == '-')
			n = -n;
		if (unit == 0) {
			long long r = (long long)a->cursor + n;
			*before = r < 0;
			return r < 0 ? 0 : (long)r;
		}
		int64_t t = series_time(s, a->cursor) + (int64_t)n * unit;
		*before = t < series_time(s, 0);
		return (long)series_row_at_time(s, t);
	}
	long long row = strtoll(text, &end, 10);
	if (end != text && !*end && *text >= '0' && *text <= '9')
		return (long)row;
	/* "HH:MM[:SS]": on the cursor's day */
	char full[64];
	if (strlen(text) <= 8 && text[0] && text[2] == ':') {
		char day[40];
		series_format_time(s, a->cursor, day, sizeof(day));
		snprintf(full, sizeof(full), "%.10s %.8s", day, text);
		text = full;
	}
	int64_t t;
	if (series_has_time(s) && !s->time_elapsed &&
	    series_parse_time(text, &t) == 0) {
		*before = t < series_time(s, 0);
		return (long)series_row_at_time(s, t);
	}
	return -1;
}

int app_goto(App *a, const char *input)
{
	/* blanks around what was typed are not part of it ("42 " is row
	 * 42, not a time) */
	char text[128];
	while (*input == ' ')
		input++;
	snprintf(text, sizeof(text), "%s", input);
	size_t tl = strlen(text);
	while (tl && text[tl - 1] == ' ')
		text[--tl] = '\0';
	int before;
	long r = goto_row(a, text, &before);
	if (r < 0) {
		app_message(a, "not a row, time or +/-offset: '%.60s' (e.g. "
			       "42339, %s, +1d, -90m)",
			    text,
			    a->s.time_elapsed ? "+2d 10:30 from the start"
					      : "2022-01-01 10:30");
		return -1;
	}
	int past = (size_t)r >= a->s.rows;
	app_show_row(a, (size_t)r);
	a->dirty |= DIRTY_ALL;
	/* the time too, when rows have one */
	char t[48] = "";
	if (series_has_time(&a->s)) {
		t[0] = ' ';
		t[1] = '(';
		series_format_time(&a->s, a->cursor, t + 2, sizeof(t) - 3);
		strcat(t, ")");
	}
	if (past)
		app_message(a, "past the end: the last row, %zu%s", a->cursor,
			    t);
	else if (before)
		app_message(a, "before the start: the first row, %zu%s",
			    a->cursor, t);
	else
		app_message(a, "row %zu%s", a->cursor, t);
	return 0;
}

size_t app_stack_metrics(const App *a, size_t out[4], int *why)
{
	size_t n = 0;
	int dummy;
	if (!why)
		why = &dummy;
	*why = 0;
	for (size_t k = 0; a->marked && k < a->n_visible && n < 4; k++)
		if (a->marked[a->visible[k]])
			out[n++] = a->visible[k];
	if (n)
		return n;
	long i = app_alert_at(a, a->cursor);
	*why = i >= 0 ? 1 : 2;
	if (i >= 0) {
		const Alert *al = &a->dr.alerts[i];
		for (size_t k = 0; k < al->n_ranked && n < 4; k++)
			out[n++] = al->ranked[k].metric;
		return n;
	}
	/* the largest scores at the cursor (the first metrics before a
	 * model): a selection sort over the visible ones */
	for (; n < 4 && n < a->n_visible; n++) {
		long best = -1;
		for (size_t k = 0; k < a->n_visible; k++) {
			size_t m = a->visible[k];
			int taken = 0;
			for (size_t j = 0; j < n; j++)
				taken |= out[j] == m;
			if (taken)
				continue;
			if (best < 0 || app_score_at(a, m, a->cursor) >
						app_score_at(a, (size_t)best,
							     a->cursor))
				best = (long)m;
		}
		out[n] = (size_t)best;
	}
	return n;
}

static unsigned act_stack(App *a, Action act)
{
	(void)act;
	a->view = a->view == VIEW_STACK ? VIEW_MAIN : VIEW_STACK;
	return DIRTY_ALL;
}

/* Space: mark (or unmark) the selected metric for the stacked view. */
static unsigned act_mark_metric(App *a, Action act)
{
	(void)act;
	if (!a->marked &&
	    !(a->marked = calloc(a->s.metrics ? a->s.metrics : 1, 1)))
		return 0;
	a->marked[a->metric] = !a->marked[a->metric];
	size_t n = 0;
	for (size_t m = 0; m < a->s.metrics; m++)
		n += a->marked[m];
	app_message(a, "%s %s: %zu marked for v%s",
		    a->marked[a->metric] ? "marked" : "unmarked",
		    a->s.names[a->metric], n, n > 4 ? " (it shows 4)" : "");
	return DIRTY_LIST | DIRTY_STATUS;
}

static unsigned act_goto(App *a, Action act)
{
	(void)act;
	a->prompt = PROMPT_GOTO;
	a->input[0] = '\0';
	a->input_len = 0;
	return DIRTY_STATUS;
}

/* i: a note on the labelled range under the cursor, through a prompt
 * that starts with the note it has. */
static unsigned act_note(App *a, Action act)
{
	(void)act;
	if (a->read_only) {
		UiOp none = {UI_OP_NOTE, 0, 0, 0, 0, 0, NULL};
		return app_apply(a, &none); /* says why nothing happens */
	}
	size_t scope = app_scope(a);
	const UiRanges *L = ui_labels_set(&a->labels, scope, 0);
	long i = ui_ranges_find(L, (int64_t)a->cursor);
	if (i < 0) {
		app_message(a, "no labelled range under the cursor for a note");
		return DIRTY_STATUS;
	}
	a->note_set = scope;
	a->note_at = L->r[i].start;
	const char *old = ui_labels_note_at(&a->labels, scope, a->note_at);
	snprintf(a->input, sizeof(a->input), "%s", old ? old : "");
	a->input_len = strlen(a->input);
	a->prompt = PROMPT_NOTE;
	return DIRTY_STATUS;
}

unsigned app_note_apply(App *a, const char *text)
{
	char note[JOURNAL_NOTE_MAX + 1];
	snprintf(note, sizeof(note), "%s", text);
	/* a cut must not leave half a UTF-8 character */
	size_t n = strlen(note);
	if (n == JOURNAL_NOTE_MAX)
		while (n && ((unsigned char)note[n - 1] & 0xc0) == 0x80)
			note[--n] = '\0';
	if (n && ((unsigned char)note[n - 1] & 0xc0) == 0xc0)
		note[--n] = '\0';
	UiOp op = {UI_OP_NOTE, a->note_set, a->note_at, 0, 0, 0, note};
	return app_apply(a, &op) | DIRTY_PLOT;
}

static unsigned act_undo_redo(App *a, Action act)
{
	UiOp op = {act == ACT_UNDO ? UI_OP_UNDO : UI_OP_REDO, 0, 0, 0, 0, 0,
		   NULL};
	return app_apply(a, &op);
}

static unsigned act_scope(App *a, Action act)
{
	(void)act;
	a->node_scope = !a->node_scope;
	return DIRTY_ALL;
}

static unsigned act_yfit(App *a, Action act)
{
	(void)act;
	a->yfit_whole = !a->yfit_whole;
	app_message(a, "y-axis: %s",
		    a->yfit_whole ? "whole series" : "visible window");
	return DIRTY_PLOT | DIRTY_STATUS;
}

static unsigned act_threshold(App *a, Action act)
{
	(void)act;
	a->keymode = a->keymode == KEYMODE_THRESHOLD ? KEYMODE_NORMAL
						    : KEYMODE_THRESHOLD;
	return DIRTY_STATUS | DIRTY_PLOT;
}

/* c, o and ?: open their full-screen view, or close it. */
static unsigned act_view(App *a, Action act)
{
	ViewKind v = act == ACT_COMPARE	 ? VIEW_COMPARE
		     : act == ACT_ORIGINAL ? VIEW_ORIGINAL
					   : VIEW_HELP;
	a->view = a->view == v ? VIEW_MAIN : v;
	a->help_top = 0;
	return DIRTY_ALL;
}

static unsigned act_cancel(App *a, Action act)
{
	(void)act;
	int edge = a->keymode == KEYMODE_EDGE;
	a->selecting = 0;
	a->keymode = KEYMODE_NORMAL;
	a->view = VIEW_MAIN;
	a->message[0] = '\0';
	if (edge)
		app_message(a, "edge mode left, label unchanged");
	return DIRTY_ALL;
}

static unsigned act_redraw(App *a, Action act)
{
	(void)a;
	(void)act;
	return DIRTY_ALL | APP_RELAYOUT;
}

static unsigned act_filter(App *a, Action act)
{
	(void)act;
	a->prompt = PROMPT_FILTER;
	snprintf(a->input, sizeof(a->input), "%s", a->filter);
	a->input_len = strlen(a->input);
	return DIRTY_STATUS;
}

/* Actions without a handler here (save, threshold moves, quit) need files
 * or the engine: the dashboard (ui/dash/dash.c) handles them. */
static const ActionFn action_fns[ACT_COUNT] = {
	[ACT_METRIC_NEXT] = act_metric,
	[ACT_METRIC_PREV] = act_metric,
	[ACT_CURSOR_LEFT] = act_cursor,
	[ACT_CURSOR_RIGHT] = act_cursor,
	[ACT_PAGE_LEFT] = act_page,
	[ACT_PAGE_RIGHT] = act_page,
	[ACT_ZOOM_IN] = act_zoom,
	[ACT_ZOOM_OUT] = act_zoom,
	[ACT_START] = act_start_end,
	[ACT_END] = act_start_end,
	[ACT_DET_NEXT] = act_jump_detection,
	[ACT_DET_PREV] = act_jump_detection,
	[ACT_LABEL_NEXT] = act_jump_label,
	[ACT_LABEL_PREV] = act_jump_label,
	[ACT_DIS_NEXT] = act_jump_disagreement,
	[ACT_DIS_PREV] = act_jump_disagreement,
	[ACT_MARK] = act_mark,
	[ACT_LABEL] = act_label,
	[ACT_UNLABEL] = act_label,
	[ACT_LABEL_DET] = act_label_detection,
	[ACT_EDGE] = act_edge,
	[ACT_PICK] = act_pick,
	[ACT_SORT] = act_sort,
	[ACT_ALERTS] = act_alerts,
	[ACT_STACK] = act_stack,
	[ACT_GOTO] = act_goto,
	[ACT_MARK_METRIC] = act_mark_metric,
	[ACT_NOTE] = act_note,
	[ACT_UNDO] = act_undo_redo,
	[ACT_REDO] = act_undo_redo,
	[ACT_SCOPE] = act_scope,
	[ACT_YFIT] = act_yfit,
	[ACT_THRESHOLD] = act_threshold,
	[ACT_COMPARE] = act_view,
	[ACT_ORIGINAL] = act_view,
	[ACT_HELP] = act_view,
	[ACT_CANCEL] = act_cancel,
	[ACT_REDRAW] = act_redraw,
	[ACT_FILTER] = act_filter,
};

unsigned app_action(App *a, Action act)
{
	if (act <= ACT_NONE || act >= ACT_COUNT || !action_fns[act])
		return 0;
	if (!a->s.rows)
		return 0;
	return action_fns[act](a, act);
}

unsigned app_mouse(App *a, int col, int kind)
{
	if (a->plot_w <= 0 || !a->s.rows)
		return 0;
	if (col < 0)
		col = 0;
	if (col >= a->plot_w)
		col = a->plot_w - 1;
	size_t ncols = (size_t)a->plot_w;
	size_t r0, r1;
	plot_column_rows(a->first, a->count, ncols, (size_t)col, &r0, &r1);
	if (r0 >= a->s.rows)
		r0 = a->s.rows - 1;
	if (kind == 0) {
		a->cursor = r0;
		a->mouse_down = 1;
		a->selecting = 0;
		a->sel_anchor = r0;
	} else if (kind == 1 && a->mouse_down) {
		a->cursor = r0;
		if (a->cursor != a->sel_anchor)
			a->selecting = 1;
	} else if (kind == 2) {
		a->cursor = r0;
		if (a->mouse_down && a->cursor != a->sel_anchor)
			a->selecting = 2;
		a->mouse_down = 0;
	}
	return DIRTY_PLOT | DIRTY_STATUS;
}
