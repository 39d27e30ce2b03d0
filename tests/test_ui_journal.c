/* The journal as the edit history, without a terminal: 10,000 random
 * sequences of mark, unmark, resize, split, undo, redo and save at metric
 * and node scope, applied to the demo's labels through app_apply (the path
 * the keys take: the labels change, the op is journaled and fsynced). Each
 * sequence is cut at a random point as a kill would cut it (after some
 * operation, possibly in the middle of the next line); replaying the cut
 * journal onto the original labels must give the same working labels, the
 * same unsaved count and the same undo/redo depths as the uninterrupted
 * sequence had at that point. After every step the panes' view (the
 * extents ui_labels_set gives) equals the LabelSet, and the scores of the
 * set the step touched equal scoring it from scratch.
 *
 * The journal lives under /dev/shm when there is one, so 200,000 fsyncs
 * cost nothing; the code path is the same as on a disk. */
#include "tests/testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "ui/dash/app.h"
#include "ui/dash/dash.h"
#include "ui/dash/journal.h"

#define SEQUENCES 10000
#define MAX_STEPS 40

static char dir[256];

/* rename(2) for the code under test: it fails with EIO onto this path
 * (what a crash between two renames leaves is what a failure leaves), and
 * is renameat(2) otherwise. */
static const char *fail_rename_onto;

int rename(const char *from, const char *to)
{
	if (fail_rename_onto && !strcmp(to, fail_rename_onto)) {
		errno = EIO;
		return -1;
	}
	return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

static uint64_t next(uint64_t *s)
{
	/* splitmix64: the sequences are reproducible from their number */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int64_t below(uint64_t *s, int64_t n)
{
	return n > 0 ? (int64_t)(next(s) % (uint64_t)n) : 0;
}

/* A hash of every working set's extents, and the pieces a replay must give
 * back. */
typedef struct {
	uint64_t hash;
	size_t unsaved, undo, redo;
} State;

static State state_of(const UiLabels *l)
{
	State st = {1469598103934665603ull, ui_labels_unsaved(l),
		    labelset_undo_depth(&l->ls), labelset_redo_depth(&l->ls)};
	for (size_t i = 0; i <= l->metrics; i++) {
		const UiRanges *u = ui_labels_set(l, i == l->metrics ? UI_NODE
								     : i,
						  0);
		for (size_t k = 0; k < u->n; k++) {
			int64_t v[3] = {(int64_t)i, u->r[k].start, u->r[k].end};
			const unsigned char *c = (const unsigned char *)v;
			for (size_t j = 0; j < sizeof(v); j++) {
				st.hash ^= c[j];
				st.hash *= 1099511628211ull;
			}
			/* and its note */
			const char *note = ui_labels_note_at(
				l, i == l->metrics ? UI_NODE : i, u->r[k].start);
			for (c = (const unsigned char *)(note ? note : "");
			     *c; c++) {
				st.hash ^= *c;
				st.hash *= 1099511628211ull;
			}
		}
	}
	return st;
}

/* A random operation on the labels as they are. */
static UiOp random_op(uint64_t *rng, const UiLabels *l, size_t rows)
{
	UiOp op;
	memset(&op, 0, sizeof(op));
	size_t m = (size_t)below(rng, (int64_t)l->metrics + 1);
	op.set = m == l->metrics ? UI_NODE : m;
	const UiRanges *u = ui_labels_set(l, op.set, 0);
	int64_t r = below(rng, 100);
	if (r < 25 || (r < 55 && u->n == 0)) {
		op.kind = UI_OP_MARK;
	} else if (r < 40) {
		op.kind = UI_OP_UNMARK;
	} else if (r < 45) {
		op.kind = UI_OP_RESIZE;
	} else if (r < 50) {
		op.kind = UI_OP_NOTE;
	} else if (r < 55) {
		op.kind = UI_OP_SPLIT;
	} else if (r < 75) {
		op.kind = UI_OP_UNDO;
	} else if (r < 88) {
		op.kind = UI_OP_REDO;
	} else {
		op.kind = UI_OP_SAVED;
		op.saved = (unsigned)(1 + below(rng, 3));
	}
	if (op.kind == UI_OP_MARK || op.kind == UI_OP_UNMARK) {
		op.start = below(rng, (int64_t)rows);
		op.end = op.start + 1 + below(rng, 60);
		if (op.end > (int64_t)rows)
			op.end = (int64_t)rows;
	} else if (op.kind == UI_OP_RESIZE || op.kind == UI_OP_SPLIT ||
		   op.kind == UI_OP_NOTE) {
		/* notes with spaces, commas, quotes, UTF-8, and none */
		static const char *const notes[] = {
			"disk full", "", "a, \"b\"", "caf\xc3\xa9 %s \\n",
			"x"};
		Range g = u->r[below(rng, (int64_t)u->n)];
		op.at = g.start + below(rng, g.end - g.start);
		if (op.kind == UI_OP_NOTE)
			op.note = notes[below(rng, 5)];
		if (op.kind == UI_OP_SPLIT) {
			/* strictly inside when the range allows it */
			if (g.end - g.start >= 2)
				op.at = g.start + 1 +
					below(rng, g.end - g.start - 1);
		} else if (op.kind == UI_OP_RESIZE) {
			op.start = g.start + below(rng, 41) - 20;
			op.end = g.end + below(rng, 41) - 20;
			if (op.start < 0)
				op.start = 0;
			if (op.end > (int64_t)rows)
				op.end = (int64_t)rows;
			if (op.end <= op.start)
				op.end = op.start + 1;
		}
	}
	return op;
}

/* The set of a metric or the node, as the LabelSet numbers it. */
static size_t ls_set(size_t set)
{
	return set == UI_NODE ? LABEL_NODE : set;
}

static void check_scores(const UiLabels *l, size_t set, Detection **det,
			 const size_t *n_det, const Detection *node,
			 size_t n_node)
{
	ScoreTable t;
	const RangeSet *rs = labelset_get(&l->ls, ls_set(set));
	assert_int_equal(score_compute(rs, set == UI_NODE ? node : det[set],
				       set == UI_NODE ? n_node : n_det[set],
				       l->split, l->rows, &t, NULL),
			 STATUS_OK);
	UiScore w[RULE_COUNT];
	ui_labels_score(l, set, 0, CRIT_LOW, w);
	assert_int_equal(w[RULE_EVENT].tp, t.cell[SCORE_EVENT][SCORE_ALL].tp);
	assert_int_equal(w[RULE_EVENT].fp, t.cell[SCORE_EVENT][SCORE_ALL].fp);
	assert_int_equal(w[RULE_EVENT].fn, t.cell[SCORE_EVENT][SCORE_ALL].fn);
	assert_int_equal(w[RULE_POINT].tp, t.cell[SCORE_POINT][SCORE_ALL].tp);
	assert_int_equal(w[RULE_PA].fn, t.cell[SCORE_ADJUSTED][SCORE_ALL].fn);
}

static void test_replay_equals_uninterrupted(void **state)
{
	(void)state;
	App a;
	app_init(&a);
	DashOptions o;
	dash_options_defaults(&o);
	o.no_model = 1;
	ErrorRecord err;
	assert_int_equal(dash_open(&a, &o, &err), STATUS_OK);
	size_t M = a.s.metrics, rows = a.s.rows;
	/* detections: a few per metric, their union at the node */
	Detection *det[8], node[64];
	size_t n_det[8], n_node = 0;
	assert_true(M <= 8);
	for (size_t m = 0; m < M; m++) {
		det[m] = calloc(6, sizeof(Detection));
		n_det[m] = 6;
		for (size_t i = 0; i < 6; i++) {
			int64_t s0 = (int64_t)(a.s.split + 10 + i * 80 + m * 7);
			det[m][i] = (Detection){{s0, s0 + 15}, m,
						(Criticality)(1 + i % 3), 2.0f};
			node[n_node] = det[m][i];
			node[n_node++].metric = DETECT_NODE;
		}
	}
	/* the original labels, kept aside: every sequence starts there */
	UiLabels orig;
	assert_int_equal(ui_labels_init(&orig, M), 0);
	assert_int_equal(ui_labels_copy_original(&orig, &a.labels), 0);
	uint64_t base = ui_labels_fingerprint(&orig);

	assert_int_equal(journal_lock(&a.journal, "property-test"), 0);
	char cut_path[400];
	snprintf(cut_path, sizeof(cut_path), "%s/cut.log", dir);
	long ops_total = 0, replayed = 0, partial_lines = 0;
	for (int seq = 0; seq < SEQUENCES; seq++) {
		uint64_t rng = (uint64_t)seq * 7919u + 1;
		ui_labels_free(&a.labels);
		assert_int_equal(ui_labels_init(&a.labels, M), 0);
		assert_int_equal(ui_labels_copy_original(&a.labels, &orig), 0);
		assert_int_equal(ui_labels_attach(&a.labels, det, n_det, node,
						  n_node, a.s.split, rows),
				 0);
		assert_int_equal(journal_open(&a.journal, 0, base, "demo"), 0);
		int steps = 1 + (int)below(&rng, MAX_STEPS);
		int cut = (int)below(&rng, steps + 1); /* after `cut` ops */
		State at_cut = state_of(&a.labels);
		struct stat sb;
		assert_int_equal(fstat(a.journal.fd, &sb), 0);
		off_t size_at_cut = sb.st_size;
		for (int i = 0; i < steps; i++) {
			UiOp op = random_op(&rng, &a.labels, rows);
			app_apply(&a, &op);
			ops_total++;
			assert_int_equal(a.journal.error, 0);
			/* the panes read what the LabelSet holds */
			assert_true(ui_labels_consistent(&a.labels));
			if (op.kind != UI_OP_SAVED)
				check_scores(&a.labels, op.set, det, n_det,
					     node, n_node);
			if (i + 1 == cut) {
				at_cut = state_of(&a.labels);
				assert_int_equal(fstat(a.journal.fd, &sb), 0);
				size_at_cut = sb.st_size;
			}
		}
		/* the kill: the journal up to the cut, and maybe part of the
		 * next line (a write the kill interrupted) */
		char jpath[1100];
		snprintf(jpath, sizeof(jpath), "%s", a.journal.path);
		size_t len = 0;
		char *text = tu_slurp(jpath, &len);
		assert_non_null(text);
		size_t keep = (size_t)size_at_cut;
		const char *nl = keep < len ? strchr(text + keep, '\n') : NULL;
		if (nl && below(&rng, 2)) {
			keep += (size_t)below(&rng, nl - (text + keep));
			partial_lines++;
		}
		FILE *f = fopen(cut_path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(text, 1, keep, f), keep);
		fclose(f);
		free(text);

		UiLabels back;
		assert_int_equal(ui_labels_init(&back, M), 0);
		assert_int_equal(ui_labels_copy_original(&back, &orig), 0);
		JournalScan sc;
		journal_replay(cut_path, base, &back, &sc);
		assert_false(sc.mismatch);
		assert_false(sc.damaged);
		replayed += sc.ops;
		State got = state_of(&back);
		if (got.hash != at_cut.hash || got.unsaved != at_cut.unsaved ||
		    got.undo != at_cut.undo || got.redo != at_cut.redo)
			fail_msg("sequence %d cut after %d of %d ops: replay "
				 "unsaved %zu undo %zu redo %zu, uninterrupted "
				 "%zu %zu %zu, labels %s",
				 seq, cut, steps, got.unsaved, got.undo,
				 got.redo, at_cut.unsaved, at_cut.undo,
				 at_cut.redo,
				 got.hash == at_cut.hash ? "equal" : "differ");
		assert_true(ui_labels_consistent(&back));
		ui_labels_free(&back);
	}
	print_message("%d sequences, %ld operations, %ld replayed, %ld cuts "
		      "inside a line\n",
		      SEQUENCES, ops_total, replayed, partial_lines);
	/* the journal is not another session's to replay: a fingerprint of
	 * other original labels refuses it */
	UiLabels other;
	assert_int_equal(ui_labels_init(&other, M), 0);
	assert_int_equal(ui_labels_copy_original(&other, &orig), 0);
	JournalScan sc;
	journal_replay(a.journal.path, base ^ 1, &other, &sc);
	assert_true(sc.mismatch);
	assert_int_equal(sc.ops, 0);
	ui_labels_free(&other);
	ui_labels_free(&orig);
	for (size_t m = 0; m < M; m++)
		free(det[m]);
	app_free(&a);
}

static int count_op(const UiOp *op, void *ctx)
{
	(void)op;
	(*(size_t *)ctx)++;
	return 0;
}

/* The "keep" lines of a lossy save are the ops ui_labels_converge gives:
 * over the original labels they give back every set's working extents
 * and notes, after random marks, unmarks, resizes, splits, notes, undos
 * and redos. */
static void test_converge_gives_the_labels(void **state)
{
	(void)state;
	App a;
	app_init(&a);
	DashOptions o;
	dash_options_defaults(&o);
	o.no_model = 1;
	ErrorRecord err;
	assert_int_equal(dash_open(&a, &o, &err), STATUS_OK);
	size_t M = a.s.metrics;
	UiLabels orig;
	assert_int_equal(ui_labels_init(&orig, M), 0);
	assert_int_equal(ui_labels_copy_original(&orig, &a.labels), 0);
	size_t total = 0;
	for (int seq = 0; seq < 2000; seq++) {
		uint64_t rng = (uint64_t)seq * 104729u + 3;
		ui_labels_free(&a.labels);
		assert_int_equal(ui_labels_init(&a.labels, M), 0);
		assert_int_equal(ui_labels_copy_original(&a.labels, &orig), 0);
		int steps = 1 + (int)below(&rng, MAX_STEPS);
		for (int i = 0; i < steps; i++) {
			UiOp op = random_op(&rng, &a.labels, a.s.rows);
			ui_labels_apply(&a.labels, &op);
		}
		UiLabels back;
		assert_int_equal(ui_labels_init(&back, M), 0);
		assert_int_equal(ui_labels_copy_original(&back, &orig), 0);
		size_t n = 0;
		for (size_t m = 0; m <= M; m++)
			assert_int_equal(ui_labels_converge(&back,
							    m == M ? UI_NODE
								   : m,
							    &a.labels,
							    count_op, &n),
					 0);
		total += n;
		assert_true(ui_labels_consistent(&back));
		assert_true(state_of(&back).hash == state_of(&a.labels).hash);
		/* each op changed the labels: as many edits to save */
		assert_int_equal(ui_labels_unsaved(&back), n);
		ui_labels_free(&back);
	}
	assert_true(total > 2000);
	ui_labels_free(&orig);
	app_free(&a);
}

/* A damaged line (not an operation) stops the replay there: the labels
 * are those after the last good line. */
static void test_damaged_line_stops_replay(void **state)
{
	(void)state;
	App a;
	app_init(&a);
	DashOptions o;
	dash_options_defaults(&o);
	o.no_model = 1;
	ErrorRecord err;
	assert_int_equal(dash_open(&a, &o, &err), STATUS_OK);
	uint64_t base = ui_labels_fingerprint(&a.labels);
	char path[400], text[400];
	snprintf(path, sizeof(path), "%s/damaged.log", dir);
	snprintf(text, sizeof(text),
		 "vigil-journal 2 %016llx demo\nmark 0 700 720\nmark 1 7x 9\n"
		 "mark 2 100 120\n",
		 (unsigned long long)base);
	assert_int_equal(tu_write(path, text), 0);
	JournalScan sc;
	journal_replay(path, base, &a.labels, &sc);
	assert_int_equal(sc.ops, 1);
	assert_true(sc.damaged);
	assert_int_equal(sc.line, 3);
	assert_true(ui_ranges_find(ui_labels_set(&a.labels, 0, 0), 710) >= 0);
	assert_true(ui_ranges_find(ui_labels_set(&a.labels, 2, 0), 110) < 0 ||
		    ui_ranges_find(ui_labels_set(&a.labels, 2, 1), 110) >= 0);
	assert_int_equal(ui_labels_unsaved(&a.labels), 1);
	app_free(&a);
}

/* A journal replayed from a save's base line is rewritten over the labels
 * that save wrote (journal_restart): whatever step of it fails or is cut
 * short by a crash, a journal with the edits since the save is there. It
 * was renamed to .old before the new one was renamed in, so a crash (or a
 * failure) between the two left no journal, and the next start lost every
 * edit since the save. */
static void test_restart_never_leaves_no_journal(void **state)
{
	(void)state;
	Journal j;
	journal_init(&j);
	assert_int_equal(journal_lock(&j, "restart-test"), 0);
	const char *text = "vigil-journal 2 00000000000000aa x\n"
			   "mark 0 1 5\nsaved all\nbase 00000000000000bb\n"
			   "mark 0 10 20\n";
	char old[1200], *got;
	snprintf(old, sizeof(old), "%s.old", j.path);
	for (int fail = 1; fail >= 0; fail--) {
		assert_int_equal(tu_write(j.path, text), 0);
		UiLabels l;
		assert_int_equal(ui_labels_init(&l, 1), 0);
		JournalScan sc;
		journal_replay(j.path, 0xbb, &l, &sc);
		ui_labels_free(&l);
		assert_true(sc.rebased > 0);
		assert_int_equal(sc.ops, 1);
		fail_rename_onto = fail ? j.path : NULL;
		int e = journal_restart(&j, &sc, 0xbb, "x");
		fail_rename_onto = NULL;
		got = tu_slurp(j.path, NULL);
		if (!got)
			fail_msg("journal_restart %s left no journal",
				 fail ? "failing" : "done");
		if (fail) {
			assert_int_equal(e, EIO);
			assert_string_equal(got, text);
		} else {
			assert_int_equal(e, 0);
			assert_string_equal(got, "vigil-journal 2 00000000000000bb "
						 "x\nmark 0 10 20\n");
			/* private, as journal_open makes it */
			struct stat sb;
			assert_int_equal(stat(j.path, &sb), 0);
			assert_int_equal(sb.st_mode & 077, 0);
			free(got);
			got = tu_slurp(old, NULL);
			assert_non_null(got);
			assert_string_equal(got, text);
		}
		free(got);
	}
	journal_close(&j, 1, 1);
}

/* The lock: a second holder in the same process (another open file
 * description, as another vigil would have) is refused and told the pid. */
static void test_second_lock_is_refused(void **state)
{
	(void)state;
	Journal j1, j2;
	journal_init(&j1);
	journal_init(&j2);
	assert_int_equal(journal_lock(&j1, "lock-test"), 0);
	assert_int_equal(journal_lock(&j2, "lock-test"), 1);
	assert_int_equal(j2.other_pid, (long)getpid());
	assert_int_equal(j2.lock_fd, -1);
	/* without the lock nothing is opened or written */
	assert_int_equal(journal_open(&j2, 0, 1, "x"), 0);
	assert_int_equal(j2.fd, -1);
	journal_close(&j1, 1, 1);
	assert_int_equal(journal_lock(&j2, "lock-test"), 0);
	journal_close(&j2, 1, 1);
}

static int setup(void **state)
{
	(void)state;
	struct stat sb;
	snprintf(dir, sizeof(dir), "%s/vigil-journal-XXXXXX",
		 stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) &&
				 access("/dev/shm", W_OK) == 0
			 ? "/dev/shm"
			 : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	char cache[400];
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	setenv("XDG_CACHE_HOME", cache, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char out[256];
	tu_run(out, sizeof(out), "rm -rf '%s'", dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_equals_uninterrupted),
		cmocka_unit_test(test_converge_gives_the_labels),
		cmocka_unit_test(test_damaged_line_stops_replay),
		cmocka_unit_test(test_second_lock_is_refused),
		cmocka_unit_test(test_restart_never_leaves_no_journal),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
