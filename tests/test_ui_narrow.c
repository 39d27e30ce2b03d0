/* End-to-end tests of the dashboard where space is short (80x24, the
 * smallest terminal it promises) and of what its save tells the user: the
 * real binary in a private tmux server, keys sent as a user types them
 * (helpers in tests/tmuxutil.h). Skipped when tmux is missing. */
#include "tests/testutil.h"

#include "tests/tmuxutil.h"

/* A copy of the cut SMD machine in tmp/name; its dataset argument (with
 * --no-model) into args. */
static void smd_copy(const char *name, char *args, size_t n)
{
	char out[1024];
	tu_run(out, sizeof(out),
	       "rm -rf '%s/%s' && cp -r data/samples/smd-cut '%s/%s'", tmp,
	       name, tmp, name);
	snprintf(args, n, "--no-model '%s/%s/ServerMachineDataset:machine-1-2'",
		 tmp, name);
}

/* "save anyway?" names only what is not saved yet: after two ranges of
 * m01 were saved as interpretation_label and a third was added, a save as
 * test_label loses 1 range of m01, not 3 (it counted against the original
 * labels). */
static void test_save_anyway_counts_only_unsaved(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char args[600], cmd[800];
	smd_copy("smdu", args, sizeof(args));
	start(args, "C.UTF-8");
	expect(">m01", 10);
	keys(": 3 3 6 Enter m : 3 4 8 Enter m a");
	expect("(13 rows, m01)", 5);
	keys(": 4 0 0 Enter m : 4 1 0 Enter m a");
	expect("2 edits unsaved", 5);
	keys("s");
	expect("save as interp in", 5);
	snprintf(cmd, sizeof(cmd), "C-u '%s/u.interpretation_label.txt' Enter",
		 tmp);
	keys(cmd);
	expect("0 edits unsaved", 5);
	keys(": 4 5 0 Enter m : 4 6 0 Enter m a");
	expect("1 edit unsaved", 5);
	keys("s");
	expect("save as interp in", 5);
	snprintf(cmd, sizeof(cmd), "C-u '%s/u.test_label.txt' Enter", tmp);
	keys(cmd);
	expect("save anyway? y/n", 5);
	expect("edits of 1 metric cannot be written to test_label: 1 range",
	       5);
	/* n: back to the prompt, nothing saved */
	keys("n");
	expect("u.test_label.txt  Tab format", 5);
	keys("Escape");
	expect("1 edit unsaved", 5);
	keys("q");
	expect("unsaved edits", 5);
	keys("d");
	expect("VIGIL-EXIT=0", 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_anyway_counts_only_unsaved),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
