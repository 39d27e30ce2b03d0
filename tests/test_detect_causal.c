/* Causality on real data (a NAB file from data/samples): a row's score
 * depends only on the train part and the rows up to it. The file is scored
 * whole and cut short; every row before the cut must score identically, for
 * the default mode and every mode that claims to be causal (calibrated,
 * seed, sigma), in `vigil detect --points` and in `vigil nab`'s result
 * files. telemanom's dynamic mode looks ahead, and the same comparison
 * shows it (so the test can tell the difference). The same holds with
 * --adapt (the model keeps learning while streaming), which must also
 * give the same scores on every run and leave the forecast cache of the
 * model it starts from as it was. */
#include "tests/testutil.h"

#define NABFILE "data/samples/nab/realKnownCause/rogue_agent_key_updown.csv"
#define SEASONFILE "data/samples/nab/realAWSCloudwatch/ec2_network_in_257a54.csv"
#define CHECK_RUN(rc) assert_int_equal((rc), 0)

static char dir[64];

static int setup(void **state)
{
	(void)state;
	char out[1024];
	if (!tu_tmpdir(dir, sizeof(dir)))
		return -1;
	/* header + 4,000 rows; and header + 5,000 rows for vigil nab (whose
	 * probationary period is then still its 750-row cap) */
	return tu_run(out, sizeof(out),
		      "mkdir -p %s/full/realKnownCause %s/cut/realKnownCause && "
		      "cp %s %s/full/realKnownCause/ && "
		      "head -n 4001 %s > %s/cut4000.csv && "
		      "head -n 5001 %s > %s/cut/realKnownCause/"
		      "rogue_agent_key_updown.csv",
		      dir, dir, NABFILE, dir, NABFILE, dir, NABFILE, dir);
}

static int teardown(void **state)
{
	(void)state;
	char out[256];
	tu_run(out, sizeof(out), "rm -rf %s", dir);
	return 0;
}

static const char *model_opts(void)
{
	return tu_sanitized() ? "--epochs 3 --hidden 8" : "--epochs 20";
}

/* Score `file` with `mode` ("" = the default); points in dir/NAME.points */
static void points(const char *file, const char *mode, const char *name)
{
	char out[4096];
	int rc = tu_run(out, sizeof(out),
			"%s detect %s --split 750 %s %s --points --quiet "
			"-o %s/%s.csv",
			tu_vigil(), file, mode, model_opts(), dir, name);
	if (rc != 0)
		fail_msg("vigil detect %s: exit %d: %s", mode, rc, out);
}

/* 1 when lines 2..lines of a and b (the rows after the header, which names
 * the metric after its file) are the same. */
static int same_head(const char *a, const char *b, size_t lines)
{
	char out[1024];
	return tu_run(out, sizeof(out),
		      "sed -n 2,%zup %s/%s > %s/head.a && "
		      "sed -n 2,%zup %s/%s > %s/head.b && "
		      "cmp -s %s/head.a %s/head.b",
		      lines, dir, a, dir, lines, dir, b, dir, dir, dir) == 0;
}

static void check_mode(const char *mode, int causal)
{
	char full[128], cut[128], file[256];
	snprintf(full, sizeof(full), "full%s", mode[0] ? mode + 7 : "");
	snprintf(cut, sizeof(cut), "cut%s", mode[0] ? mode + 7 : "");
	snprintf(file, sizeof(file), "%s/full/realKnownCause/"
		 "rogue_agent_key_updown.csv", dir);
	points(file, mode, full);
	snprintf(file, sizeof(file), "%s/cut4000.csv", dir);
	points(file, mode, cut);
	char a[200], b[200];
	snprintf(a, sizeof(a), "%s.csv.points.csv", full);
	snprintf(b, sizeof(b), "%s.csv.points.csv", cut);
	/* header + the 4,000 rows of the cut file */
	if (causal)
		assert_true(same_head(a, b, 4001));
	else
		assert_false(same_head(a, b, 4001));
	/* the train part is the same in both: no mode changes it */
	assert_true(same_head(a, b, 751));
}

static void test_default_is_causal(void **state)
{
	(void)state;
	check_mode("", 1);
}

/* The seasonal signal (a day against the days before it) on a file whose
 * train part repeats itself daily (r = 0.86 at 288 rows): it changes the
 * scores, and they stay causal. */
static void test_seasonal_signal_is_causal(void **state)
{
	(void)state;
	char out[1024], file[256];
	CHECK_RUN(tu_run(out, sizeof(out),
			 "head -n 3001 %s > %s/netcut.csv", SEASONFILE, dir));
	points(SEASONFILE, "", "netfull");
	snprintf(file, sizeof(file), "%s/netcut.csv", dir);
	points(file, "", "netcutdet"); /* not -o netcut.csv: the data */
	assert_true(same_head("netfull.csv.points.csv",
			      "netcutdet.csv.points.csv", 3001));
	points(SEASONFILE, "--season 0", "netnoseason");
	assert_false(same_head("netfull.csv.points.csv",
			       "netnoseason.csv.points.csv", 4033));
}

static void test_calibrated_seed_sigma_are_causal(void **state)
{
	(void)state;
	check_mode("--mode calibrated", 1);
	check_mode("--mode seed", 1);
	check_mode("--mode sigma", 1);
}

static void test_dynamic_looks_ahead(void **state)
{
	(void)state;
	check_mode("--mode dynamic", 0);
}

static void test_nab_results_are_causal(void **state)
{
	(void)state;
	char out[4096];
	for (int i = 0; i < 2; i++) {
		int rc = tu_run(out, sizeof(out),
				"%s nab %s/%s -o %s/res-%s --quiet %s",
				tu_vigil(), dir, i ? "cut" : "full", dir,
				i ? "cut" : "full", model_opts());
		if (rc != 0)
			fail_msg("vigil nab: exit %d: %s", rc, out);
	}
	const char *f = "realKnownCause/vigil_rogue_agent_key_updown.csv";
	char a[256], b[256];
	snprintf(a, sizeof(a), "res-full/vigil/%s", f);
	snprintf(b, sizeof(b), "res-cut/vigil/%s", f);
	assert_true(same_head(a, b, 5001));
	/* and something was reported in the scored part */
	assert_int_equal(tu_run(out, sizeof(out),
				"tail -n +752 %s/%s | cut -d, -f3 | "
				"grep -qv '^0.000000$'",
				dir, a),
			 0);
}

/* --adapt 500: the model is fine-tuned at rows 1250, 1750, ... of the
 * 4,000 before the cut; the scores before the cut stay those of the whole
 * file, and they differ from the scores without --adapt. */
static void test_adapt_is_causal(void **state)
{
	(void)state;
	char file[256];
	snprintf(file, sizeof(file), "%s/full/realKnownCause/"
		 "rogue_agent_key_updown.csv", dir);
	points(file, "--adapt 500", "adfull");
	points(file, "", "adplain");
	snprintf(file, sizeof(file), "%s/cut4000.csv", dir);
	points(file, "--adapt 500", "adcut");
	assert_true(same_head("adfull.csv.points.csv", "adcut.csv.points.csv",
			      4001));
	assert_false(same_head("adfull.csv.points.csv",
			       "adplain.csv.points.csv", 4001));
	/* the train part and the first 500 rows after it: the model as
	   trained */
	assert_true(same_head("adfull.csv.points.csv",
			      "adplain.csv.points.csv", 1251));
}

/* Twice the same scores, and the forecast cache beside the cached model
 * (the plain forecast's) neither rewritten nor read for --adapt. */
static void test_adapt_is_repeatable_and_keeps_the_cache(void **state)
{
	(void)state;
	char out[4096], file[256];
	snprintf(file, sizeof(file), "%s/cut4000.csv", dir);
#define DETECT_CACHED                                                          \
	"%s detect %s --split 750 %s %s --points --quiet --cache-dir %s/cache " \
	"-o %s/%s.csv"
	const char *names[] = {"cplain", "cad1", "cad2", "cplain2"};
	for (int i = 0; i < 4; i++) {
		int rc = tu_run(out, sizeof(out), DETECT_CACHED, tu_vigil(),
				file,
				i == 1 || i == 2 ? "--adapt 500" : "",
				model_opts(), dir, dir, names[i]);
		if (rc != 0)
			fail_msg("vigil detect: exit %d: %s", rc, out);
		if (i == 0)
			CHECK_RUN(tu_run(out, sizeof(out),
					 "cp %s/cache/*.forecast %s/fc.before",
					 dir, dir));
	}
	CHECK_RUN(tu_run(out, sizeof(out),
			 "cmp %s/cache/*.forecast %s/fc.before", dir, dir));
	assert_true(same_head("cad1.csv.points.csv", "cad2.csv.points.csv",
			      4001));
	assert_true(same_head("cplain.csv.points.csv",
			      "cplain2.csv.points.csv", 4001));
	assert_false(same_head("cplain.csv.points.csv",
			       "cad1.csv.points.csv", 4001));
}

static void test_nab_results_with_adapt_are_causal(void **state)
{
	(void)state;
	char out[4096];
	for (int i = 0; i < 2; i++) {
		int rc = tu_run(out, sizeof(out),
				"%s nab %s/%s -o %s/adres-%s --quiet "
				"--adapt 500 %s",
				tu_vigil(), dir, i ? "cut" : "full", dir,
				i ? "cut" : "full", model_opts());
		if (rc != 0)
			fail_msg("vigil nab --adapt: exit %d: %s", rc, out);
	}
	const char *f = "realKnownCause/vigil_rogue_agent_key_updown.csv";
	char a[256], b[256];
	snprintf(a, sizeof(a), "adres-full/vigil/%s", f);
	snprintf(b, sizeof(b), "adres-cut/vigil/%s", f);
	assert_true(same_head(a, b, 5001));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_is_causal),
		cmocka_unit_test(test_seasonal_signal_is_causal),
		cmocka_unit_test(test_calibrated_seed_sigma_are_causal),
		cmocka_unit_test(test_dynamic_looks_ahead),
		cmocka_unit_test(test_nab_results_are_causal),
		cmocka_unit_test(test_adapt_is_causal),
		cmocka_unit_test(test_adapt_is_repeatable_and_keeps_the_cache),
		cmocka_unit_test(test_nab_results_with_adapt_are_causal),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
