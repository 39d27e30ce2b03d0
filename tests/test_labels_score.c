/* Scoring: the worked examples of DESIGN section 4 (point-wise,
 * point-adjusted, event rules), criticality filters, clipping to the test
 * part, and a property test: random edits with incremental rescoring
 * cross-checked against scoring from scratch and against a row-by-row
 * reference. */
#include "tests/testutil.h"

#include "data/rng.h"
#include "labels/labelset.h"
#include "labels/rangeset.h"
#include "labels/score.h"

static RangeSet labels_of(const Range *r, size_t n)
{
	RangeSet rs;
	rangeset_init(&rs);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rangeset_add(&rs, r[i], LABEL_ORIGINAL, NULL,
					      NULL),
				 STATUS_OK);
	return rs;
}

static Detection det(int64_t a, int64_t b, Criticality c)
{
	Detection d;
	memset(&d, 0, sizeof(d));
	d.r = (Range){a, b};
	d.metric = 0;
	d.crit = c;
	d.peak = (float)c;
	return d;
}

static ScoreCell cell_of(const Range *lab, size_t nl, const Detection *d,
			 size_t nd, size_t split, size_t rows, ScoreRule rule,
			 ScoreFilter f)
{
	RangeSet rs = labels_of(lab, nl);
	ScoreTable t;
	assert_int_equal(score_compute(&rs, d, nd, split, rows, &t, NULL),
			 STATUS_OK);
	rangeset_free(&rs);
	return t.cell[rule][f];
}

static void test_event_detection_of_10_overlapping_4(void **state)
{
	(void)state;
	Range lab[] = {{100, 104}};
	Detection d[] = {det(98, 108, CRIT_LOW)};
	ScoreCell c = cell_of(lab, 1, d, 1, 0, 1000, SCORE_EVENT, SCORE_ALL);
	assert_int_equal(c.tp, 6);
	assert_int_equal(c.fp, 4);
	assert_int_equal(c.fn, 0);
	assert_float_equal(c.p, 0.6, 1e-12);
	assert_float_equal(c.r, 1.0, 1e-12);
	assert_float_equal(c.f1, 0.75, 1e-12);
}

static void test_event_detection_of_10_overlapping_8(void **state)
{
	(void)state;
	Range lab[] = {{100, 108}};
	Detection d[] = {det(100, 110, CRIT_HIGH)};
	ScoreCell c = cell_of(lab, 1, d, 1, 0, 1000, SCORE_EVENT, SCORE_ALL);
	assert_int_equal(c.tp, 10);
	assert_int_equal(c.fp, 0);
	assert_int_equal(c.fn, 0);
}

static void test_event_untouched_label_all_fn(void **state)
{
	(void)state;
	Range lab[] = {{10, 30}, {500, 512}};
	Detection d[] = {det(505, 506, CRIT_LOW), det(700, 705, CRIT_LOW)};
	ScoreCell c = cell_of(lab, 2, d, 2, 0, 1000, SCORE_EVENT, SCORE_ALL);
	/* [10,30) untouched: 20 FN. [500,512) touched by one row: no FN;
	 * that detection o = 1 -> TP min(1, 1) = 1. [700,705): 5 FP. */
	assert_int_equal(c.fn, 20);
	assert_int_equal(c.tp, 1);
	assert_int_equal(c.fp, 5);
}

static void test_event_one_point_detection_means_no_fn(void **state)
{
	(void)state;
	Range lab[] = {{200, 260}};
	Detection d[] = {det(259, 260, CRIT_LOW)};
	ScoreCell c = cell_of(lab, 1, d, 1, 0, 1000, SCORE_EVENT, SCORE_ALL);
	assert_int_equal(c.tp, 1);
	assert_int_equal(c.fp, 0);
	assert_int_equal(c.fn, 0);
	/* Point-wise the same case misses 59 rows. */
	ScoreCell p = cell_of(lab, 1, d, 1, 0, 1000, SCORE_POINT, SCORE_ALL);
	assert_int_equal(p.tp, 1);
	assert_int_equal(p.fn, 59);
}

static void test_event_overlap_summed_over_labels(void **state)
{
	(void)state;
	/* One detection of 20 over two labels: o = 3 + 4 = 7 -> TP 10. */
	Range lab[] = {{100, 103}, {110, 114}};
	Detection d[] = {det(95, 115, CRIT_LOW)};
	ScoreCell c = cell_of(lab, 2, d, 1, 0, 1000, SCORE_EVENT, SCORE_ALL);
	assert_int_equal(c.tp, 10);
	assert_int_equal(c.fp, 10);
	assert_int_equal(c.fn, 0);
}

static void test_point_wise_and_point_adjusted(void **state)
{
	(void)state;
	Range lab[] = {{10, 20}, {40, 60}};
	Detection d[] = {det(15, 25, CRIT_LOW), det(80, 84, CRIT_LOW)};
	ScoreCell p = cell_of(lab, 2, d, 2, 0, 100, SCORE_POINT, SCORE_ALL);
	assert_int_equal(p.tp, 5);
	assert_int_equal(p.fp, 9);
	assert_int_equal(p.fn, 25);
	assert_float_equal(p.p, 5.0 / 14, 1e-12);
	assert_float_equal(p.r, 5.0 / 30, 1e-12);
	/* Point-adjusted: [10,20) is wholly detected, [40,60) missed. */
	ScoreCell a = cell_of(lab, 2, d, 2, 0, 100, SCORE_ADJUSTED, SCORE_ALL);
	assert_int_equal(a.tp, 10);
	assert_int_equal(a.fp, 9);
	assert_int_equal(a.fn, 20);
	ScoreCell e = cell_of(lab, 2, d, 2, 0, 100, SCORE_EVENT, SCORE_ALL);
	/* [15,25): o = 5 -> TP 7, FP 3; [80,84): FP 4; FN 20. */
	assert_int_equal(e.tp, 7);
	assert_int_equal(e.fp, 7);
	assert_int_equal(e.fn, 20);
}

static void test_empty_sets_give_zero_not_nan(void **state)
{
	(void)state;
	for (int rule = 0; rule < SCORE_RULES; rule++) {
		ScoreCell c = cell_of(NULL, 0, NULL, 0, 0, 100,
				      (ScoreRule)rule, SCORE_ALL);
		assert_int_equal(c.tp + c.fp + c.fn, 0);
		assert_true(c.p == 0 && c.r == 0 && c.f1 == 0);
	}
	Range lab[] = {{3, 9}};
	ScoreCell fn_only = cell_of(lab, 1, NULL, 0, 0, 100, SCORE_EVENT,
				    SCORE_ALL);
	assert_int_equal(fn_only.fn, 6);
	assert_true(fn_only.p == 0 && fn_only.r == 0 && fn_only.f1 == 0);
	Detection d[] = {det(3, 9, CRIT_LOW)};
	ScoreCell fp_only = cell_of(NULL, 0, d, 1, 0, 100, SCORE_POINT,
				    SCORE_ALL);
	assert_int_equal(fp_only.fp, 6);
	assert_true(fp_only.p == 0 && fp_only.f1 == 0);
}

/* Ranges that touch are one labelled event, as a run of 1s is one range
 * in SMD's test_label: a split range [10, 20) [20, 30) scores as [10, 30)
 * does, and so do ranges read that way from a file (the end of one the
 * start of the next). A detection in the first piece leaves no false
 * negative; the second piece was counted missed (event FN 10, PA TP 10). */
static void test_touching_label_ranges_are_one_event(void **state)
{
	(void)state;
	RangeSet rs, whole, read;
	rangeset_init(&rs);
	rangeset_init(&whole);
	rangeset_init(&read);
	assert_int_equal(rangeset_add(&rs, (Range){10, 30}, LABEL_ORIGINAL,
				      NULL, NULL),
			 STATUS_OK);
	assert_int_equal(rangeset_add(&whole, (Range){10, 30}, LABEL_ORIGINAL,
				      NULL, NULL),
			 STATUS_OK);
	assert_int_equal(rangeset_split(&rs, 20, LABEL_ANALYST, NULL, NULL),
			 STATUS_OK);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rangeset_add(&read, (Range){10, 20}, LABEL_ORIGINAL,
				      NULL, NULL),
			 STATUS_OK);
	assert_int_equal(rangeset_add(&read, (Range){20, 30}, LABEL_ORIGINAL,
				      NULL, NULL),
			 STATUS_OK);
	assert_int_equal(read.n, 2);
	Detection d[] = {det(15, 18, CRIT_LOW)};
	const RangeSet *sets[] = {&rs, &read, &whole};
	for (size_t k = 0; k < 3; k++) {
		ScoreTable t;
		assert_int_equal(score_compute(sets[k], d, 1, 0, 100, &t, NULL),
				 STATUS_OK);
		assert_int_equal(t.cell[SCORE_EVENT][SCORE_ALL].tp, 3);
		assert_int_equal(t.cell[SCORE_EVENT][SCORE_ALL].fn, 0);
		assert_int_equal(t.cell[SCORE_ADJUSTED][SCORE_ALL].tp, 20);
		assert_int_equal(t.cell[SCORE_ADJUSTED][SCORE_ALL].fn, 0);
		assert_int_equal(t.cell[SCORE_POINT][SCORE_ALL].tp, 3);
		assert_int_equal(t.cell[SCORE_POINT][SCORE_ALL].fn, 17);
	}
	/* a gap of one row makes two events again */
	RangeSet gap;
	rangeset_init(&gap);
	assert_int_equal(rangeset_add(&gap, (Range){10, 20}, LABEL_ORIGINAL,
				      NULL, NULL),
			 STATUS_OK);
	assert_int_equal(rangeset_add(&gap, (Range){21, 30}, LABEL_ORIGINAL,
				      NULL, NULL),
			 STATUS_OK);
	ScoreTable t;
	assert_int_equal(score_compute(&gap, d, 1, 0, 100, &t, NULL),
			 STATUS_OK);
	assert_int_equal(t.cell[SCORE_EVENT][SCORE_ALL].fn, 9);
	assert_int_equal(t.cell[SCORE_ADJUSTED][SCORE_ALL].tp, 10);
	rangeset_free(&rs);
	rangeset_free(&whole);
	rangeset_free(&read);
	rangeset_free(&gap);
}

static void test_ranges_at_both_ends_and_train_part_clipped(void **state)
{
	(void)state;
	/* rows 0..99, test part [50, 100). */
	Range lab[] = {{40, 55}, {95, 100}};
	Detection d[] = {det(45, 52, CRIT_LOW), det(99, 100, CRIT_LOW),
			 det(0, 30, CRIT_LOW)};
	ScoreCell e = cell_of(lab, 2, d, 3, 50, 100, SCORE_EVENT, SCORE_ALL);
	/* Clipped: detections [50,52) (o 2 -> TP 2) and [99,100) (o 1 ->
	 * TP 1); [0,30) lies in the train part. Labels [50,55), [95,100)
	 * both touched. */
	assert_int_equal(e.tp, 3);
	assert_int_equal(e.fp, 0);
	assert_int_equal(e.fn, 0);
	ScoreCell p = cell_of(lab, 2, d, 3, 50, 100, SCORE_POINT, SCORE_ALL);
	assert_int_equal(p.tp, 3);
	assert_int_equal(p.fn, 7);
	assert_int_equal(p.fp, 0);
}

static void test_criticality_filters(void **state)
{
	(void)state;
	Range lab[] = {{100, 110}, {200, 210}, {300, 310}};
	Detection d[] = {det(100, 110, CRIT_LOW), det(200, 210, CRIT_MEDIUM),
			 det(300, 310, CRIT_HIGH), det(400, 404, CRIT_HIGH)};
	RangeSet rs = labels_of(lab, 3);
	ScoreTable t;
	assert_int_equal(score_compute(&rs, d, 4, 0, 1000, &t, NULL),
			 STATUS_OK);
	assert_int_equal(t.cell[SCORE_POINT][SCORE_ALL].tp, 30);
	assert_int_equal(t.cell[SCORE_POINT][SCORE_MEDIUM].tp, 20);
	assert_int_equal(t.cell[SCORE_POINT][SCORE_HIGH].tp, 10);
	assert_int_equal(t.cell[SCORE_POINT][SCORE_HIGH].fp, 4);
	assert_int_equal(t.cell[SCORE_EVENT][SCORE_HIGH].fn, 20);
	assert_int_equal(t.cell[SCORE_EVENT][SCORE_MEDIUM].fn, 10);
	assert_int_equal(t.cell[SCORE_EVENT][SCORE_ALL].fn, 0);
	assert_string_equal(score_filter_name(SCORE_MEDIUM), ">=medium");
	rangeset_free(&rs);
}

static void test_overlapping_detections_merged(void **state)
{
	(void)state;
	Range lab[] = {{10, 20}};
	Detection d[] = {det(10, 16, CRIT_LOW), det(14, 20, CRIT_LOW)};
	ScoreCell p = cell_of(lab, 1, d, 2, 0, 100, SCORE_POINT, SCORE_ALL);
	assert_int_equal(p.tp, 10);
	assert_int_equal(p.fp, 0);
}

/* ---- property test ---- */

/* Row-by-row reference scorer for one unit (independent of score.c). */
static void reference(const RangeSet *labels, const Detection *d, size_t n,
		      size_t metric, int64_t lo, int64_t hi, ScoreFilter f,
		      ScoreCell out[SCORE_RULES])
{
	int64_t rows = hi;
	unsigned char *lab = calloc((size_t)rows, 1);
	int *detid = calloc((size_t)rows, sizeof(int));
	for (size_t i = 0; i < labels->n; i++)
		for (int64_t r = labels->v[i].r.start; r < labels->v[i].r.end;
		     r++)
			if (r >= lo && r < hi)
				lab[r] = 1;
	for (size_t i = 0; i < n; i++) {
		if (d[i].metric != metric || !score_filter_pass(f, d[i].crit))
			continue;
		for (int64_t r = d[i].r.start; r < d[i].r.end; r++)
			if (r >= lo && r < hi)
				detid[r] = 1;
	}
	memset(out, 0, SCORE_RULES * sizeof(*out));
	int64_t lab_n = 0, det_n = 0, both = 0;
	for (int64_t r = lo; r < hi; r++) {
		lab_n += lab[r];
		det_n += detid[r] != 0;
		both += lab[r] && detid[r];
	}
	out[SCORE_POINT].tp = both;
	out[SCORE_POINT].fp = det_n - both;
	out[SCORE_POINT].fn = lab_n - both;
	/* Events: detected runs are maximal runs of detected rows (the test
	 * detections never touch, see below). Label ranges from the set. */
	int64_t ev_tp = 0;
	for (int64_t r = lo; r < hi;) {
		if (!detid[r]) {
			r++;
			continue;
		}
		int64_t s = r, o = 0;
		while (r < hi && detid[r]) {
			o += lab[r];
			r++;
		}
		int64_t len = r - s, t = o ? (3 * o) / 2 : 0;
		ev_tp += t < len ? t : len;
	}
	/* Labelled events: maximal runs of labelled rows (ranges that
	 * touch are one event, as a run of 1s in SMD's test_label). */
	int64_t hit = 0;
	for (int64_t r = lo; r < hi;) {
		if (!lab[r]) {
			r++;
			continue;
		}
		int64_t s = r;
		int any = 0;
		while (r < hi && lab[r])
			any |= detid[r++] != 0;
		if (any)
			hit += r - s;
	}
	out[SCORE_ADJUSTED].tp = hit;
	out[SCORE_ADJUSTED].fp = det_n - both;
	out[SCORE_ADJUSTED].fn = lab_n - hit;
	out[SCORE_EVENT].tp = ev_tp;
	out[SCORE_EVENT].fp = det_n - ev_tp;
	out[SCORE_EVENT].fn = lab_n - hit;
	free(lab);
	free(detid);
}

static void assert_same_table(const ScoreTable *a, const ScoreTable *b)
{
	for (int r = 0; r < SCORE_RULES; r++)
		for (int f = 0; f < SCORE_FILTERS; f++) {
			assert_int_equal(a->cell[r][f].tp, b->cell[r][f].tp);
			assert_int_equal(a->cell[r][f].fp, b->cell[r][f].fp);
			assert_int_equal(a->cell[r][f].fn, b->cell[r][f].fn);
			assert_true(a->cell[r][f].f1 == b->cell[r][f].f1);
		}
}

static void test_random_edits_incremental_equals_scratch(void **state)
{
	(void)state;
	const size_t metrics = 5, rows = 2000, split = 300;
	const int edits = tu_sanitized() ? 2000 : 10000;
	Rng rng;
	rng_seed(&rng, 20261124);
	LabelSet ls;
	assert_int_equal(labelset_init(&ls, metrics, NULL), STATUS_OK);
	for (size_t m = 0; m <= metrics; m++) {
		size_t unit = m == metrics ? LABEL_NODE : m;
		for (int k = 0; k < 6; k++) {
			int64_t a = (int64_t)rng_below(&rng, rows - 50);
			rangeset_add(labelset_build(&ls, unit),
				     (Range){a, a + 1 + (int64_t)rng_below(&rng, 40)},
				     LABEL_ORIGINAL, NULL, NULL);
		}
	}
	assert_int_equal(labelset_reset_original(&ls, NULL), STATUS_OK);
	/* Detections: disjoint, never touching within a unit, so the
	 * reference's maximal runs are the detections. */
	Detection dets[400];
	size_t nd = 0;
	for (size_t m = 0; m <= metrics; m++) {
		int64_t pos = (int64_t)rng_below(&rng, 40);
		while (nd < 400 && pos < (int64_t)rows - 2) {
			int64_t len = 1 + (int64_t)rng_below(&rng, 25);
			if (pos + len > (int64_t)rows)
				len = (int64_t)rows - pos;
			dets[nd] = det(pos, pos + len,
				       (Criticality)(1 + rng_below(&rng, 3)));
			dets[nd].metric = m == metrics ? DETECT_NODE : m;
			nd++;
			pos += len + 1 + (int64_t)rng_below(&rng, 120);
		}
	}
	ScoreBoard *sb;
	assert_int_equal(score_board_new(&sb, &ls, dets, nd, split, rows,
					 NULL),
			 STATUS_OK);
	for (int e = 0; e < edits; e++) {
		size_t m = rng_below(&rng, metrics + 1);
		size_t unit = m == metrics ? LABEL_NODE : m;
		int64_t a = (int64_t)rng_below(&rng, rows - 1);
		int64_t b = a + 1 + (int64_t)rng_below(&rng, 60);
		if (b > (int64_t)rows)
			b = (int64_t)rows;
		LabelChange chg;
		int op = (int)rng_below(&rng, 10);
		Status st = STATUS_OK;
		int done = 1;
		if (op < 3)
			st = labelset_mark(&ls, unit, (Range){a, b}, NULL, &chg,
					   NULL);
		else if (op < 5)
			st = labelset_unmark(&ls, unit, (Range){a, b}, &chg,
					     NULL);
		else if (op < 6) {
			const RangeSet *rs = labelset_get(&ls, unit);
			if (rs->n) {
				const LabelRange *l =
					&rs->v[rng_below(&rng, rs->n)];
				st = labelset_resize(
					&ls, unit, l->r.start,
					(Range){l->r.start, l->r.end + 7}, &chg,
					NULL);
			} else {
				done = 0;
			}
		} else if (op < 7) {
			const RangeSet *rs = labelset_get(&ls, unit);
			size_t i = rs->n ? rng_below(&rng, rs->n) : 0;
			if (rs->n && rs->v[i].r.end - rs->v[i].r.start > 1)
				st = labelset_split(&ls, unit,
						    rs->v[i].r.start + 1, &chg,
						    NULL);
			else
				done = 0;
		} else if (op < 9) {
			done = labelset_undo(&ls, &chg) == 1;
		} else {
			done = labelset_redo(&ls, &chg) == 1;
		}
		assert_int_equal(st, STATUS_OK);
		if (done)
			score_board_update_after_edit(sb, &chg);
		/* Cross-check the edited unit against a fresh board. */
		if (e % 10 == 0 || e == edits - 1) {
			ScoreBoard *fresh;
			assert_int_equal(score_board_new(&fresh, &ls, dets, nd,
							 split, rows, NULL),
					 STATUS_OK);
			for (size_t u = 0; u <= metrics; u++) {
				size_t uu = u == metrics ? LABEL_NODE : u;
				ScoreTable x, y;
				score_board_get(sb, uu, &x);
				score_board_get(fresh, uu, &y);
				assert_same_table(&x, &y);
			}
			score_board_delete(fresh);
		}
		if (e % 200 == 0 || e == edits - 1) {
			ScoreTable x;
			score_board_get(sb, unit, &x);
			for (int f = 0; f < SCORE_FILTERS; f++) {
				ScoreCell ref[SCORE_RULES];
				reference(labelset_get(&ls, unit), dets, nd,
					  unit, (int64_t)split, (int64_t)rows,
					  (ScoreFilter)f, ref);
				for (int r = 0; r < SCORE_RULES; r++) {
					assert_int_equal(x.cell[r][f].tp,
							 ref[r].tp);
					assert_int_equal(x.cell[r][f].fp,
							 ref[r].fp);
					assert_int_equal(x.cell[r][f].fn,
							 ref[r].fn);
				}
			}
		}
	}
	/* Undo everything: the working copy is the original again. */
	LabelChange chg;
	while (labelset_undo(&ls, &chg) == 1)
		score_board_update_after_edit(sb, &chg);
	assert_false(labelset_modified(&ls));
	score_board_delete(sb);
	labelset_free(&ls);
}

static void test_board_detections_replaced(void **state)
{
	(void)state;
	LabelSet ls;
	assert_int_equal(labelset_init(&ls, 2, NULL), STATUS_OK);
	rangeset_add(labelset_build(&ls, 1), (Range){100, 110},
		     LABEL_ORIGINAL, NULL, NULL);
	labelset_reset_original(&ls, NULL);
	Detection d = det(100, 105, CRIT_MEDIUM);
	d.metric = 1;
	ScoreBoard *sb;
	assert_int_equal(score_board_new(&sb, &ls, &d, 1, 0, 500, NULL),
			 STATUS_OK);
	ScoreTable t;
	score_board_get(sb, 1, &t);
	assert_int_equal(t.cell[SCORE_POINT][SCORE_ALL].tp, 5);
	Detection wider = det(95, 115, CRIT_HIGH);
	assert_int_equal(score_board_set_detections(sb, 1, &wider, 1, NULL),
			 STATUS_OK);
	score_board_get(sb, 1, &t);
	assert_int_equal(t.cell[SCORE_POINT][SCORE_HIGH].tp, 10);
	assert_int_equal(t.cell[SCORE_POINT][SCORE_HIGH].fp, 10);
	assert_int_equal(t.cell[SCORE_EVENT][SCORE_HIGH].tp, 15);
	/* Node-level union of metric detections. */
	Detection two[2] = {det(0, 10, CRIT_LOW), det(10, 20, CRIT_HIGH)};
	two[1].metric = 1;
	Detection *node;
	size_t nn;
	assert_int_equal(score_node_union(two, 2, &node, &nn, NULL),
			 STATUS_OK);
	assert_int_equal(nn, 1);
	assert_int_equal(node[0].r.end, 20);
	assert_int_equal(node[0].crit, CRIT_HIGH);
	assert_true(node[0].metric == DETECT_NODE);
	free(node);
	score_board_delete(sb);
	labelset_free(&ls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_detection_of_10_overlapping_4),
		cmocka_unit_test(test_event_detection_of_10_overlapping_8),
		cmocka_unit_test(test_event_untouched_label_all_fn),
		cmocka_unit_test(test_event_one_point_detection_means_no_fn),
		cmocka_unit_test(test_event_overlap_summed_over_labels),
		cmocka_unit_test(test_point_wise_and_point_adjusted),
		cmocka_unit_test(test_empty_sets_give_zero_not_nan),
		cmocka_unit_test(test_touching_label_ranges_are_one_event),
		cmocka_unit_test(test_ranges_at_both_ends_and_train_part_clipped),
		cmocka_unit_test(test_criticality_filters),
		cmocka_unit_test(test_overlapping_detections_merged),
		cmocka_unit_test(test_random_edits_incremental_equals_scratch),
		cmocka_unit_test(test_board_detections_replaced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
