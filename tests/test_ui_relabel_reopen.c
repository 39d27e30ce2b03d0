/* Reopening a relabelled SMD machine from the two files the dashboard's
 * `s` saves in SMD's own formats: the node's labels as test_label and the
 * metrics' as interpretation_label, given back together as two --labels
 * (the real binary in a private tmux server, keys sent as a user types
 * them; helpers in tests/tmuxutil.h). Skipped when tmux is missing. */
#include "tests/testutil.h"

#include "tests/tmuxutil.h"

/* Edit a metric's range and a node range, save the metrics as
 * interpretation_label and the node as test_label, quit, reopen with both
 * files: both edits are there, nothing is unsaved, and the scores panel
 * gives the figures it gave before quitting. Before, --labels took one
 * file (the second replaced the first), so one of the two edits was gone:
 * the metrics came from the machine's own interpretation_label, or the
 * node was the metrics' union. */
static void test_smd_pair_saved_then_reopened(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char args[400], cmd[2000], tl[400], il[400], out[1024];
	if (tu_run(out, sizeof(out),
		   "rm -rf '%s/smdrt' && cp -r data/samples/smd-cut '%s/smdrt'",
		   tmp, tmp) != 0)
		fail_msg("cannot copy the dataset: %s", out);
	snprintf(tl, sizeof(tl), "%s/rt.test_label.txt", tmp);
	snprintf(il, sizeof(il), "%s/rt.interpretation_label.txt", tmp);
	snprintf(args, sizeof(args),
		 "'%s/smdrt/ServerMachineDataset:machine-1-2' --epochs 2", tmp);
	start(args, "C.UTF-8");
	expect(">m01", 10);
	expect("recall", 120);
	/* m01: test rows 36-48 (rows 336-348) */
	keys(": 3 3 6 Enter m : 3 4 8 Enter m a");
	expect("(13 rows, m01)", 5);
	keys("s");
	expect("save as interp in", 5);
	snprintf(cmd, sizeof(cmd), "C-u '%s' Enter", il);
	keys(cmd);
	expect("rt.interpretation_label.txt (interp)", 5);
	expect("0 edits unsaved", 5);
	char metric_panel[64], node_panel[64];
	panel_recall(metric_panel, sizeof(metric_panel));
	CHECK(metric_panel[0]);
	/* the node: test rows 0-12 (rows 300-312) */
	keys("Tab : 3 0 0 Enter m : 3 1 2 Enter m a");
	expect("(13 rows, node)", 5);
	keys("s");
	expect("save as smd in", 5);
	snprintf(cmd, sizeof(cmd), "C-u '%s' Enter", tl);
	keys(cmd);
	expect("rt.test_label.txt (smd)", 5);
	expect("0 edits unsaved", 5);
	panel_recall(node_panel, sizeof(node_panel));
	CHECK(node_panel[0]);
	keys("q");
	expect("VIGIL-EXIT=0", 10);

	/* both files back, the metrics' first */
	snprintf(cmd, sizeof(cmd), "%s --labels '%s' --labels '%s'", args, il,
		 tl);
	start(cmd, "C.UTF-8");
	expect(">m01", 10);
	expect("recall", 120);
	expect("0 edits unsaved", 5);
	char now[64];
	/* m01's range and its figures */
	keys(": 3 4 0 Enter");
	expect("[label]", 5);
	CHECK(wait_panel(metric_panel, 1, now, sizeof(now)));
	keys(": 3 5 5 Enter");
	WAIT_CHECK(!strstr(screen, "[label]"), 5);
	/* the node's range and its figures */
	keys("Tab : 3 0 5 Enter");
	expect("node(m01) 305", 5);
	expect("[label]", 5);
	CHECK(wait_panel(node_panel, 1, now, sizeof(now)));
	keys("q");
	expect("VIGIL-EXIT=0", 10);

	/* two files of one kind: refused, saying what to give */
	snprintf(cmd, sizeof(cmd), "%s --labels '%s' --labels '%s'", args, tl,
		 tl);
	start(cmd, "C.UTF-8");
	expect("VIGIL-EXIT=1", 10);
	char *err = NULL;
	char ep[700];
	snprintf(ep, sizeof(ep), "%s/vigil-%u.err", tmp, n_starts);
	err = tu_slurp(ep, NULL);
	assert_non_null(err);
	if (!strstr(err, "are both node-level files (test_label): give one "
			 "node-level file (test_label) and one per-metric "
			 "file (interpretation_label)"))
		fail_msg("stderr: %s", err);
	free(err);
}

/* The pair under names that do not say which is which (m.txt, n.txt): a
 * save over the metrics' file writes interpretation_label there whatever
 * the scope, and says the node reopens from the other file. Before, at
 * node scope the prompt's test_label went into the metrics' file (a .txt
 * was the prompt's format), so the next open refused the pair: two
 * node-level files. */
static void test_smd_pair_file_keeps_its_format(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char args[1200], cmd[2000], mp[300], np[300], out[1024];
	if (tu_run(out, sizeof(out),
		   "rm -rf '%s/smdfk' && cp -r data/samples/smd-cut '%s/smdfk' "
		   "&& cd '%s/smdfk/ServerMachineDataset' && "
		   "cp interpretation_label/machine-1-2.txt ../m.txt && "
		   "cp test_label/machine-1-2.txt ../n.txt",
		   tmp, tmp, tmp) != 0)
		fail_msg("cannot copy the dataset: %s", out);
	snprintf(mp, sizeof(mp), "%s/smdfk/m.txt", tmp);
	snprintf(np, sizeof(np), "%s/smdfk/n.txt", tmp);
	snprintf(args, sizeof(args),
		 "--no-model '%s/smdfk/ServerMachineDataset:machine-1-2' "
		 "--labels '%s' --labels '%s'",
		 tmp, np, mp);
	start(args, "C.UTF-8");
	expect(">m01", 10);
	keys(": 3 3 6 Enter m : 3 4 8 Enter m a");
	expect("(13 rows, m01)", 5);
	keys("Tab");
	expect("node | ? help", 5);
	keys("s");
	expect("save as smd in", 5);
	snprintf(cmd, sizeof(cmd), "C-u '%s' Enter", mp);
	keys(cmd);
	expect("saved (interp); node labels reopen from smdfk/n.txt", 5);
	expect("0 edits unsaved", 5);
	keys("q");
	expect("VIGIL-EXIT=0", 10);
	char *m = tu_slurp(mp, NULL);
	assert_non_null(m);
	if (!strstr(m, "336-349:1\n") && !strstr(m, "36-49:1\n"))
		fail_msg("m.txt: %s", m);
	free(m);
	/* and the pair opens again, the edit there */
	start(args, "C.UTF-8");
	expect(">m01", 10);
	expect("0 edits unsaved", 5);
	keys(": 3 4 0 Enter");
	expect("[label]", 5);
	keys("q");
	expect("VIGIL-EXIT=0", 10);
}

/* Every metric's range removed and saved leaves an empty
 * interpretation_label file: the pair still opens, the metrics without
 * labels and the node from its test_label. Before, the empty file's
 * format could not be told (exit 2: "name it with --label-format", an
 * option the dashboard does not have). */
static void test_smd_pair_with_empty_metric_file(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char args[1200], mp[300], np[300], out[1024];
	if (tu_run(out, sizeof(out),
		   "rm -rf '%s/smdem' && cp -r data/samples/smd-cut '%s/smdem' "
		   "&& : > '%s/smdem/m.txt' && cp "
		   "'%s/smdem/ServerMachineDataset/test_label/machine-1-2.txt' "
		   "'%s/smdem/n.txt'",
		   tmp, tmp, tmp, tmp, tmp) != 0)
		fail_msg("cannot copy the dataset: %s", out);
	snprintf(mp, sizeof(mp), "%s/smdem/m.txt", tmp);
	snprintf(np, sizeof(np), "%s/smdem/n.txt", tmp);
	snprintf(args, sizeof(args),
		 "--no-model '%s/smdem/ServerMachineDataset:machine-1-2' "
		 "--labels '%s' --labels '%s'",
		 tmp, mp, np);
	start(args, "C.UTF-8");
	expect(">m01", 10);
	expect("0 edits unsaved", 5);
	/* m09 has test rows 129-188 in the machine's interpretation_label,
	 * not here; the node has them from n.txt */
	keys("j j j j j j j j : 4 4 0 Enter");
	expect("m09  440  value", 5);
	CHECK(!strstr(screen, "[label]"));
	keys("Tab");
	expect("[label]", 5);
	keys("q");
	expect("VIGIL-EXIT=0", 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smd_pair_saved_then_reopened),
		cmocka_unit_test(test_smd_pair_file_keeps_its_format),
		cmocka_unit_test(test_smd_pair_with_empty_metric_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
