/* Rescoring speed on an SMD-sized machine: 38 metrics, the test part of
 * machine-1-1 (28,479 rows; 23,700 when its labels are absent), real labels
 * from machine-1-1's interpretation_label (synthetic otherwise) and about
 * 1,000 synthetic detections spread over the metrics plus their node-level
 * union. Measures one label edit followed by the incremental rescoring
 * (target <= 50 microseconds), a threshold move (one metric's detections
 * replaced, that unit rescored), and scoring everything from scratch.
 * Figures only: timings are noisy on a shared machine, nothing fails. */
#include "tests/testutil.h"

#include <time.h>

#include "data/clock.h"
#include "data/rng.h"
#include "labels/labelfile.h"
#include "labels/labelset.h"
#include "labels/score.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void summary(const char *what, double *t, size_t n, int target)
{
	qsort(t, n, sizeof(*t), cmp_double);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += t[i];
	printf("  %-44s median %8.2f us  p99 %8.2f us  worst %8.2f us  "
	       "mean %8.2f us (n=%zu)%s\n",
	       what, t[n / 2], t[(size_t)(0.99 * (double)(n - 1))], t[n - 1],
	       sum / (double)n, n,
	       target ? (t[n / 2] <= 50 ? "  [target <= 50 us: met]"
					: "  [target <= 50 us: MISSED]")
		      : "");
}

int main(void)
{
	const size_t metrics = 38;
	size_t test_rows = 23700, split = 23700;
	char tl[4400], il[4400];
	const char *shared = tu_shared_data();
	const char *dir = "data/samples/smd/ServerMachineDataset";
	char sdir[4200];
	if (shared) {
		snprintf(sdir, sizeof(sdir), "%s/smd/ServerMachineDataset",
			 shared);
		dir = sdir;
	}
	snprintf(tl, sizeof(tl), "%s/test_label/machine-1-1.txt", dir);
	snprintf(il, sizeof(il), "%s/interpretation_label/machine-1-1.txt",
		 dir);
	char *text = tu_slurp(tl, NULL);
	int real = text != NULL;
	if (text) {
		test_rows = 0;
		for (char *p = text; *p; p++)
			test_rows += *p == '\n';
		free(text);
	}
	Series s;
	memset(&s, 0, sizeof(s));
	s.metrics = metrics;
	s.split = split;
	s.rows = split + test_rows;
	s.interval = 60;

	Rng rng;
	rng_seed(&rng, 42);
	LabelSet ls;
	ErrorRecord err;
	if (real && labelfile_read(&ls, &s, il, LABEL_FORMAT_INTERP, &err) ==
			    STATUS_OK) {
		printf("bench_score: labels from %s\n", il);
	} else {
		real = 0;
		labelset_init(&ls, metrics, NULL);
		for (size_t m = 0; m <= metrics; m++)
			for (int k = 0; k < 8; k++) {
				int64_t a = (int64_t)(split + rng_below(&rng, test_rows - 600));
				rangeset_add(labelset_build(&ls, m == metrics ? LABEL_NODE : m),
					     (Range){a, a + 20 + (int64_t)rng_below(&rng, 500)},
					     LABEL_ORIGINAL, NULL, NULL);
			}
		labelset_reset_original(&ls, NULL);
		printf("bench_score: synthetic labels (machine-1-1 not found)\n");
	}
	/* About 1,000 detections: 26 per metric, disjoint within a metric. */
	size_t cap = 2000, nd = 0;
	Detection *dets = malloc(cap * sizeof(*dets));
	for (size_t m = 0; m < metrics; m++) {
		int64_t step = (int64_t)(test_rows / 26);
		for (int k = 0; k < 26; k++) {
			int64_t a = (int64_t)split + k * step +
				    (int64_t)rng_below(&rng, (uint64_t)step / 2);
			int64_t len = 5 + (int64_t)rng_below(&rng, 60);
			Detection d = {{a, a + len}, m,
				       (Criticality)(1 + rng_below(&rng, 3)),
				       1.0f};
			dets[nd++] = d;
		}
	}
	size_t n_metric = nd;
	Detection *node;
	size_t nn;
	score_node_union(dets, n_metric, &node, &nn, NULL);
	memcpy(dets + nd, node, nn * sizeof(*node));
	nd += nn;
	free(node);
	size_t labelled = 0;
	for (size_t m = 0; m < metrics; m++)
		labelled += labelset_get(&ls, m)->n;
	printf("bench_score: %zu metrics x %zu test rows, %zu labelled "
	       "metric ranges, %zu detections (%zu per metric + %zu node)\n",
	       metrics, test_rows, labelled, nd, n_metric, nn);

	/* From scratch. */
	const int reps = 30;
	double *t = malloc(20000 * sizeof(double));
	ScoreBoard *sb = NULL;
	for (int r = 0; r < reps; r++) {
		ScoreBoard *b;
		double t0 = 1e6 * clock_mono_seconds();
		score_board_new(&b, &ls, dets, nd, s.split, s.rows, NULL);
		t[r] = 1e6 * clock_mono_seconds() - t0;
		if (r == reps - 1)
			sb = b;
		else
			score_board_delete(b);
	}
	summary("score from scratch (all units, 3 filters)", t, (size_t)reps,
		0);

	/* One edit + incremental rescoring. */
	const size_t edits = 20000;
	double *te = malloc(edits * sizeof(double));
	size_t timed = 0;
	for (size_t e = 0; e < edits; e++) {
		size_t m = rng_below(&rng, metrics + 1);
		size_t unit = m == metrics ? LABEL_NODE : m;
		int64_t a = (int64_t)(split + rng_below(&rng, test_rows - 300));
		int64_t b = a + 1 + (int64_t)rng_below(&rng, 300);
		LabelChange chg;
		int op = (int)rng_below(&rng, 10);
		double t0 = 1e6 * clock_mono_seconds();
		int done = 1;
		if (op < 4)
			labelset_mark(&ls, unit, (Range){a, b}, NULL, &chg,
				      NULL);
		else if (op < 7)
			labelset_unmark(&ls, unit, (Range){a, b}, &chg, NULL);
		else if (op < 9)
			done = labelset_undo(&ls, &chg) == 1;
		else
			done = labelset_redo(&ls, &chg) == 1;
		double t1 = 1e6 * clock_mono_seconds();
		if (done)
			score_board_update_after_edit(sb, &chg);
		double t2 = 1e6 * clock_mono_seconds();
		if (!done || chg.n_removed + chg.n_added == 0)
			continue; /* nothing changed: not an edit */
		t[timed] = t2 - t1;
		te[timed] = t2 - t0;
		timed++;
	}
	summary("rescoring after one edit", t, timed, 1);
	summary("edit + rescoring", te, timed, 1);

	/* Threshold move: one metric's detections replaced. */
	const size_t moves = 2000;
	for (size_t k = 0; k < moves; k++) {
		size_t m = rng_below(&rng, metrics);
		Detection mine[40];
		size_t n = 0;
		for (size_t i = 0; i < n_metric && n < 40; i++)
			if (dets[i].metric == m) {
				mine[n] = dets[i];
				mine[n].r.end += (int64_t)rng_below(&rng, 5);
				n++;
			}
		double t0 = 1e6 * clock_mono_seconds();
		score_board_set_detections(sb, m, mine, n, NULL);
		t[k] = 1e6 * clock_mono_seconds() - t0;
	}
	summary("threshold move: one metric's detections", t, moves, 0);

	/* Check the incremental state against scratch once. */
	ScoreBoard *fresh;
	score_board_new(&fresh, &ls, dets, nd, s.split, s.rows, NULL);
	ScoreTable x, y;
	score_board_get(sb, LABEL_NODE, &x);
	score_board_get(fresh, LABEL_NODE, &y);
	printf("  node event F1 (all): incremental %.4f, from scratch %.4f\n",
	       x.cell[SCORE_EVENT][SCORE_ALL].f1,
	       y.cell[SCORE_EVENT][SCORE_ALL].f1);
	score_board_delete(fresh);
	score_board_delete(sb);
	labelset_free(&ls);
	free(dets);
	free(t);
	free(te);
	return 0;
}
