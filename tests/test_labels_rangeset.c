/* RangeSet and LabelSet: marking, unmarking, resizing and splitting ranges,
 * navigation, differences, and undo/redo of any depth with the original
 * left untouched. */
#include "tests/testutil.h"

#include "labels/labelset.h"
#include "labels/rangeset.h"

static void expect(const RangeSet *rs, const int64_t *pairs, size_t n)
{
	assert_int_equal(rs->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(rs->v[i].r.start, pairs[2 * i]);
		assert_int_equal(rs->v[i].r.end, pairs[2 * i + 1]);
	}
}

static void test_mark_merges_overlapping_and_touching(void **state)
{
	(void)state;
	RangeSet rs;
	rangeset_init(&rs);
	RangeSplice sp;
	assert_int_equal(rangeset_mark(&rs, (Range){10, 20}, LABEL_ANALYST,
				       "first", &sp, NULL),
			 STATUS_OK);
	assert_int_equal(sp.n_removed, 0);
	assert_int_equal(sp.n_added, 1);
	rangeset_splice_free(&sp);
	rangeset_mark(&rs, (Range){30, 40}, LABEL_ANALYST, NULL, NULL, NULL);
	rangeset_mark(&rs, (Range){50, 60}, LABEL_ANALYST, NULL, NULL, NULL);
	int64_t three[] = {10, 20, 30, 40, 50, 60};
	expect(&rs, three, 3);
	/* Touching 40 and overlapping 50..: one range 30..60. */
	assert_int_equal(rangeset_mark(&rs, (Range){40, 55}, LABEL_ANALYST,
				       NULL, &sp, NULL),
			 STATUS_OK);
	assert_int_equal(sp.n_removed, 2);
	rangeset_splice_free(&sp);
	int64_t two[] = {10, 20, 30, 60};
	expect(&rs, two, 2);
	/* Inside an existing range: nothing changes. */
	assert_int_equal(rangeset_mark(&rs, (Range){12, 15}, LABEL_ANALYST,
				       NULL, &sp, NULL),
			 STATUS_OK);
	assert_int_equal(sp.n_removed + sp.n_added, 0);
	assert_string_equal(rs.v[0].note, "first");
	/* Empty and negative ranges are refused. */
	ErrorRecord err;
	assert_int_equal(rangeset_mark(&rs, (Range){5, 5}, LABEL_ANALYST,
				       NULL, NULL, &err),
			 STATUS_RANGE);
	rangeset_free(&rs);
}

static void test_unmark_cuts_and_splits(void **state)
{
	(void)state;
	RangeSet rs;
	rangeset_init(&rs);
	rangeset_add(&rs, (Range){0, 100}, LABEL_ORIGINAL, "n", NULL);
	rangeset_add(&rs, (Range){200, 300}, LABEL_ORIGINAL, NULL, NULL);
	assert_int_equal(rangeset_unmark(&rs, (Range){40, 60}, LABEL_ANALYST,
					 NULL, NULL),
			 STATUS_OK);
	int64_t a[] = {0, 40, 60, 100, 200, 300};
	expect(&rs, a, 3);
	assert_string_equal(rs.v[1].note, "n");
	assert_int_equal(rs.v[1].source, LABEL_ANALYST);
	assert_int_equal(rs.v[2].source, LABEL_ORIGINAL);
	rangeset_unmark(&rs, (Range){90, 250}, LABEL_ANALYST, NULL, NULL);
	int64_t b[] = {0, 40, 60, 90, 250, 300};
	expect(&rs, b, 3);
	assert_int_equal(rangeset_points(&rs), 40 + 30 + 50);
	rangeset_free(&rs);
}

static void test_resize_split_and_navigation(void **state)
{
	(void)state;
	RangeSet rs;
	rangeset_init(&rs);
	rangeset_add(&rs, (Range){10, 20}, LABEL_ORIGINAL, NULL, NULL);
	rangeset_add(&rs, (Range){30, 40}, LABEL_ORIGINAL, NULL, NULL);
	rangeset_add(&rs, (Range){50, 60}, LABEL_ORIGINAL, NULL, NULL);
	rangeset_add(&rs, (Range){70, 80}, LABEL_ORIGINAL, NULL, NULL);
	/* Grow [30,40) to [25,52): absorbs [50,60). */
	assert_int_equal(rangeset_resize(&rs, 1, (Range){25, 52},
					 LABEL_ANALYST, NULL, NULL),
			 STATUS_OK);
	int64_t a[] = {10, 20, 25, 60, 70, 80};
	expect(&rs, a, 3);
	/* Move range 0 far right, past [25,60): that one is kept. */
	assert_int_equal(rangeset_resize(&rs, 0, (Range){62, 65},
					 LABEL_ANALYST, NULL, NULL),
			 STATUS_OK);
	int64_t b[] = {25, 60, 62, 65, 70, 80};
	expect(&rs, b, 3);
	/* Shrink from either side (edge mode): the old extent does not
	 * come back. */
	assert_int_equal(rangeset_resize(&rs, 2, (Range){72, 80},
					 LABEL_ANALYST, NULL, NULL),
			 STATUS_OK);
	assert_int_equal(rangeset_resize(&rs, 2, (Range){72, 79},
					 LABEL_ANALYST, NULL, NULL),
			 STATUS_OK);
	int64_t b2[] = {25, 60, 62, 65, 72, 79};
	expect(&rs, b2, 3);
	assert_int_equal(rangeset_resize(&rs, 2, (Range){70, 80},
					 LABEL_ANALYST, NULL, NULL),
			 STATUS_OK);
	expect(&rs, b, 3);
	assert_int_equal(rangeset_split(&rs, 40, LABEL_ANALYST, NULL, NULL),
			 STATUS_OK);
	int64_t c[] = {25, 40, 40, 60, 62, 65, 70, 80};
	expect(&rs, c, 4);
	/* Marking inside the left half, up to the split point, keeps the
	 * two events apart. */
	RangeSplice sp;
	assert_int_equal(rangeset_mark(&rs, (Range){30, 40}, LABEL_ANALYST,
				       NULL, &sp, NULL),
			 STATUS_OK);
	assert_int_equal(sp.n_removed + sp.n_added, 0);
	expect(&rs, c, 4);
	ErrorRecord err;
	assert_int_equal(rangeset_split(&rs, 40, LABEL_ANALYST, NULL, &err),
			 STATUS_RANGE);
	assert_int_equal(rangeset_split(&rs, 61, LABEL_ANALYST, NULL, &err),
			 STATUS_RANGE);
	assert_int_equal(rangeset_find(&rs, 39), 0);
	assert_int_equal(rangeset_find(&rs, 40), 1);
	assert_true(rangeset_find(&rs, 61) == RANGESET_NONE);
	assert_int_equal(rangeset_next(&rs, 40), 2);
	assert_int_equal(rangeset_next(&rs, 0), 0);
	assert_true(rangeset_next(&rs, 70) == RANGESET_NONE);
	assert_int_equal(rangeset_prev(&rs, 62), 1);
	assert_int_equal(rangeset_prev(&rs, 63), 2);
	assert_true(rangeset_prev(&rs, 25) == RANGESET_NONE);
	assert_int_equal(rangeset_overlap(&rs, (Range){35, 75}), 5 + 20 + 3 + 5);
	rangeset_free(&rs);
}

static void test_difference(void **state)
{
	(void)state;
	RangeSet a, b;
	rangeset_init(&a);
	rangeset_init(&b);
	rangeset_add(&a, (Range){0, 50}, LABEL_ORIGINAL, NULL, NULL);
	rangeset_add(&a, (Range){100, 120}, LABEL_ORIGINAL, NULL, NULL);
	rangeset_add(&b, (Range){10, 20}, LABEL_ORIGINAL, NULL, NULL);
	rangeset_add(&b, (Range){40, 105}, LABEL_ORIGINAL, NULL, NULL);
	Range *d;
	size_t n;
	assert_int_equal(rangeset_difference(&a, &b, &d, &n, NULL), STATUS_OK);
	assert_int_equal(n, 3);
	assert_int_equal(d[0].start, 0);
	assert_int_equal(d[0].end, 10);
	assert_int_equal(d[1].start, 20);
	assert_int_equal(d[1].end, 40);
	assert_int_equal(d[2].start, 105);
	assert_int_equal(d[2].end, 120);
	free(d);
	rangeset_free(&a);
	rangeset_free(&b);
}

static void test_labelset_undo_redo_any_depth(void **state)
{
	(void)state;
	LabelSet ls;
	assert_int_equal(labelset_init(&ls, 3, NULL), STATUS_OK);
	rangeset_add(labelset_build(&ls, 1), (Range){100, 200},
		     LABEL_ORIGINAL, NULL, NULL);
	rangeset_add(labelset_build(&ls, LABEL_NODE), (Range){100, 200},
		     LABEL_ORIGINAL, NULL, NULL);
	assert_int_equal(labelset_reset_original(&ls, NULL), STATUS_OK);
	LabelChange chg;
	assert_int_equal(labelset_mark(&ls, 0, (Range){5, 9}, "spike", &chg,
				       NULL),
			 STATUS_OK);
	assert_int_equal(chg.n_added, 1);
	assert_int_equal(chg.metric, 0);
	labelset_unmark(&ls, 1, (Range){120, 130}, &chg, NULL);
	labelset_split(&ls, LABEL_NODE, 150, &chg, NULL);
	labelset_resize(&ls, 1, 100, (Range){90, 125}, &chg, NULL);
	labelset_mark(&ls, 2, (Range){0, 1000}, NULL, &chg, NULL);
	assert_int_equal(labelset_undo_depth(&ls), 5);
	assert_int_equal(labelset_unsaved(&ls), 5);

	LabelDiff d;
	labelset_diff(&ls, 1, &d);
	/* [100,200) became [90,125) (after the cut, [100,120) grew) and
	 * [130,200). */
	assert_int_equal(d.ranges_removed, 1);
	assert_int_equal(d.ranges_added, 2);
	assert_int_equal(d.points_added, 10);
	assert_int_equal(d.points_removed, 5);
	/* The original is untouched. */
	assert_int_equal(labelset_get_original(&ls, 1)->n, 1);
	assert_int_equal(labelset_get_original(&ls, 0)->n, 0);

	while (labelset_undo(&ls, &chg) == 1)
		;
	assert_false(labelset_modified(&ls));
	assert_int_equal(labelset_redo_depth(&ls), 5);
	assert_int_equal(labelset_redo(&ls, &chg), 1);
	assert_int_equal(labelset_redo(&ls, &chg), 1);
	assert_int_equal(labelset_get(&ls, 1)->n, 2);
	/* A new edit drops the redo branch. */
	labelset_mark(&ls, 0, (Range){500, 510}, NULL, &chg, NULL);
	assert_int_equal(labelset_redo_depth(&ls), 0);
	assert_int_equal(labelset_redo(&ls, &chg), 0);
	labelset_mark_saved(&ls);
	assert_int_equal(labelset_unsaved(&ls), 0);
	labelset_undo(&ls, &chg);
	assert_int_equal(labelset_unsaved(&ls), 1);
	labelset_mark(&ls, 0, (Range){700, 710}, NULL, &chg, NULL);
	assert_true(labelset_unsaved(&ls) == SIZE_MAX);
	labelset_free(&ls);
}

/* A save that holds only some sets (a format without the node level, or
 * without the metrics): the other sets' edits stay unsaved, through undo,
 * redo and a new edit that drops the redo branch. */
static void test_labelset_saved_per_set(void **state)
{
	(void)state;
	LabelSet ls;
	assert_int_equal(labelset_init(&ls, 2, NULL), STATUS_OK);
	labelset_mark(&ls, 0, (Range){10, 20}, NULL, NULL, NULL);
	labelset_mark(&ls, LABEL_NODE, (Range){10, 30}, NULL, NULL, NULL);
	assert_int_equal(labelset_unsaved(&ls), 2);
	/* saved as test_label: the node only */
	labelset_mark_saved_set(&ls, LABEL_NODE);
	assert_int_equal(labelset_unsaved(&ls), 1);
	assert_int_equal(labelset_unsaved_set(&ls, 0), 1);
	assert_int_equal(labelset_unsaved_set(&ls, LABEL_NODE), 0);
	/* undoing the node edit makes it differ from what was saved */
	LabelChange chg;
	assert_int_equal(labelset_undo(&ls, &chg), 1);
	assert_int_equal(labelset_unsaved_set(&ls, LABEL_NODE), 1);
	assert_int_equal(labelset_unsaved(&ls), 2);
	assert_int_equal(labelset_redo(&ls, &chg), 1);
	assert_int_equal(labelset_unsaved(&ls), 1);
	/* saved as interpretation_label: the metrics */
	labelset_mark_saved_set(&ls, 0);
	labelset_mark_saved_set(&ls, 1);
	assert_int_equal(labelset_unsaved(&ls), 0);
	/* undo the node edit, then a new metric edit drops the branch that
	 * held the node's saved state: it can no longer be reached */
	labelset_undo(&ls, &chg);
	labelset_mark(&ls, 1, (Range){50, 60}, NULL, NULL, NULL);
	assert_true(labelset_unsaved_set(&ls, LABEL_NODE) == SIZE_MAX);
	assert_true(labelset_unsaved(&ls) == SIZE_MAX);
	/* metric 0 was not in the dropped branch: still saved */
	assert_int_equal(labelset_unsaved_set(&ls, 0), 0);
	assert_int_equal(labelset_unsaved_set(&ls, 1), 1);
	labelset_mark_saved(&ls);
	assert_int_equal(labelset_unsaved(&ls), 0);
	labelset_free(&ls);
}

/* A note is an edit of its own: extent and source kept, undo gives the old
 * note back, redo the new one; the same note again changes nothing. */
static void test_labelset_note(void **state)
{
	(void)state;
	LabelSet ls;
	assert_int_equal(labelset_init(&ls, 2, NULL), STATUS_OK);
	rangeset_add(labelset_build(&ls, 1), (Range){100, 200}, LABEL_ORIGINAL,
		     NULL, NULL);
	assert_int_equal(labelset_reset_original(&ls, NULL), STATUS_OK);
	LabelChange chg;
	assert_int_equal(labelset_note(&ls, 1, 150, "disk full", &chg, NULL),
			 STATUS_OK);
	assert_int_equal(chg.n_removed, 1);
	assert_int_equal(chg.n_added, 1);
	const RangeSet *rs = labelset_get(&ls, 1);
	assert_int_equal(rs->n, 1);
	assert_int_equal(rs->v[0].r.start, 100);
	assert_int_equal(rs->v[0].r.end, 200);
	assert_int_equal(rs->v[0].source, LABEL_ORIGINAL);
	assert_string_equal(rs->v[0].note, "disk full");
	assert_false(labelset_modified(&ls)); /* the extents are unchanged */
	assert_int_equal(labelset_unsaved(&ls), 1);
	assert_int_equal(labelset_note(&ls, 1, 100, "disk full", &chg, NULL),
			 STATUS_OK);
	assert_int_equal(chg.n_removed + chg.n_added, 0);
	assert_int_equal(labelset_note(&ls, 1, 199, "", &chg, NULL),
			 STATUS_OK);
	assert_null(labelset_get(&ls, 1)->v[0].note);
	assert_int_equal(labelset_undo(&ls, &chg), 1);
	assert_string_equal(labelset_get(&ls, 1)->v[0].note, "disk full");
	assert_int_equal(labelset_undo(&ls, &chg), 1);
	assert_null(labelset_get(&ls, 1)->v[0].note);
	assert_int_equal(labelset_redo(&ls, &chg), 1);
	assert_string_equal(labelset_get(&ls, 1)->v[0].note, "disk full");
	ErrorRecord err;
	assert_int_equal(labelset_note(&ls, 1, 250, "x", &chg, &err),
			 STATUS_RANGE);
	assert_int_equal(labelset_note(&ls, 0, 5, "x", &chg, &err),
			 STATUS_RANGE);
	labelset_free(&ls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mark_merges_overlapping_and_touching),
		cmocka_unit_test(test_unmark_cuts_and_splits),
		cmocka_unit_test(test_resize_split_and_navigation),
		cmocka_unit_test(test_difference),
		cmocka_unit_test(test_labelset_undo_redo_any_depth),
		cmocka_unit_test(test_labelset_saved_per_set),
		cmocka_unit_test(test_labelset_note),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
