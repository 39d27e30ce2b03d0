/* End-to-end test of provisional detections (issue 13): a cold SMD machine
 * (the bundled cut, in a fresh cache folder) trains in the background; the
 * detections of an epoch's weights show, marked PROVISIONAL in the status
 * line, long before training ends, and a later epoch's replace them; a
 * threshold move made on them carries
 * over; then the final detections replace them and the marker goes. The
 * real binary in tmux (tests/tmuxutil.h). Skipped when tmux is missing. */
#include "tests/testutil.h"

#include <time.h>

#include "tests/tmuxutil.h"

/* The epoch of the PROVISIONAL marker on the captured screen, 0 without
 * one. */
static size_t marker_epoch(void)
{
	const char *k = strstr(screen, "PROVISIONAL (epoch ");
	size_t ep = 0;
	if (k && sscanf(k, "PROVISIONAL (epoch %zu", &ep) != 1)
		ep = 0;
	return ep;
}

static void test_provisional_then_final(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	char out[2048];
	if (tu_run(out, sizeof(out),
		   "rm -rf '%s/smdp' '%s/cache' && "
		   "cp -r data/samples/smd-cut '%s/smdp'",
		   tmp, tmp, tmp) != 0)
		fail_msg("cannot prepare the dataset: %s", out);
	/* no early stop and a wider model: training lasts a few seconds,
	 * the provisional phase with it. The first provisional detections
	 * show after 0.25 s of some 3.3 s of training here, and after 1 s
	 * under the sanitizers, where an epoch takes some 30 times longer:
	 * 40 epochs there keep about the same margin (300 took 107 s) */
	char args[600];
	snprintf(args, sizeof(args),
		 "'%s/smdp/ServerMachineDataset:machine-1-2' --epochs %d "
		 "--patience 0 --hidden 128",
		 tmp, tu_sanitized() ? 40 : 300);
	start_at(args, "C.UTF-8", 120, 30);
	expect("PROVISIONAL (epoch", 60);
	/* refreshed as training goes on: a later epoch's detections replace
	 * the first ones while the marker stays */
	size_t first = marker_epoch();
	CHECK(first >= 1);
	WAIT_CHECK(marker_epoch() > first, 60);
	/* the scores panel scores the provisional detections, and says so */
	expect("PROVISIONAL: the scores of epoch", 10);
	CHECK(!strstr(screen, "model trained in"));
	CHECK(!strstr(screen, "waiting for the model"));
	CHECK(!strstr(screen, "recall"));
	/* a threshold move on provisional detections (or, on a slow day,
	 * on the final ones: training goes on meanwhile) */
	keys("t");
	keys("'>'");
	expect("THRESHOLD x1.10", 10);
	keys("Escape");
	expect("model trained in", 300);
	WAIT_CHECK(!strstr(screen, "PROVISIONAL"), 5);
	expect("recall", 5);
	/* the move was applied to the final detections too */
	keys("t");
	expect("THRESHOLD x1.10", 5);
	keys("Escape");
	keys("q");
	expect("VIGIL-EXIT=0", 10);
	/* the model went to the fresh cache folder */
	CHECK(tu_run(out, sizeof(out),
		     "ls '%s'/cache/vigil/machine-1-2.*.vigil-model", tmp) ==
	      0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_provisional_then_final),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
