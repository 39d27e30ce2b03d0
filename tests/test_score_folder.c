/* `vigil score FOLDER`: an SMD folder without a machine scores every
 * machine against its own labels and prints the table and the means (text
 * and JSON); each machine's figures equal `vigil score FOLDER:machine`'s.
 * On a folder of two machines made from the bundled SMD cut (the second
 * with a label file of its own), with a quick model (2 epochs). */
#include "tests/testutil.h"

#include <math.h>

static char tmp[256];

static int setup(void **state)
{
	(void)state;
	if (!tu_tmpdir(tmp, sizeof(tmp)))
		return -1;
	char out[2048];
	/* machine-a: the cut as it is; machine-b: the same data, its
	 * test_label with the first labelled range removed */
	return tu_run(out, sizeof(out),
		      "src=data/samples/smd-cut/ServerMachineDataset; "
		      "dst='%s/f/ServerMachineDataset'; "
		      "for d in train test test_label interpretation_label; do "
		      "mkdir -p \"$dst/$d\" && "
		      "cp \"$src/$d/machine-1-2.txt\" \"$dst/$d/machine-a.txt\" "
		      "&& cp \"$src/$d/machine-1-2.txt\" "
		      "\"$dst/$d/machine-b.txt\" || exit 1; done; "
		      "awk 'BEGIN{s=0} $1==1 && s<2 {s=1; print 0; next} "
		      "$1==0 && s==1 {s=2} {print}' "
		      "\"$src/test_label/machine-1-2.txt\" > "
		      "\"$dst/test_label/machine-b.txt\"",
		      tmp) == 0
		       ? 0
		       : -1;
}

static int teardown(void **state)
{
	(void)state;
	char out[256];
	tu_run(out, sizeof(out), "rm -rf '%s'", tmp);
	return 0;
}

/* The "event ... all" F1 of a single-machine text report. */
static double machine_f1(const char *machine)
{
	char out[8192];
	int rc = tu_run(out, sizeof(out),
			"XDG_CACHE_HOME='%s/cache' %s score "
			"'%s/f/ServerMachineDataset:%s' --epochs 2 2>/dev/null",
			tmp, tu_vigil(), tmp, machine);
	assert_int_equal(rc, 0);
	const char *p = strstr(out, "  event ");
	assert_non_null(p);
	char line[256];
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
	return atof(strrchr(line, ' ') + 1);
}

static void test_folder_table_and_means(void **state)
{
	(void)state;
	double fa = machine_f1("machine-a"), fb = machine_f1("machine-b");
	char out[16384];
	int rc = tu_run(out, sizeof(out),
			"XDG_CACHE_HOME='%s/cache' %s score "
			"'%s/f/ServerMachineDataset' --epochs 2 2>/dev/null",
			tmp, tu_vigil(), tmp);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "(2 datasets, each against its own "
				    "labels)"));
	/* each row ends with the event F1; the mean is theirs */
	char want[64];
	snprintf(want, sizeof(want), " %.3f\n  machine-b", fa);
	if (!strstr(out, want))
		fail_msg("machine-a's F1 %.3f not in:\n%s", fa, out);
	const char *mb = strstr(out, "  machine-b");
	const char *mean = strstr(out, "  mean");
	assert_non_null(mb);
	assert_non_null(mean);
	char line[256];
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(mb, "\n"), mb);
	assert_true(fabs(atof(strrchr(line, ' ') + 1) - fb) < 0.0005);
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(mean, "\n"), mean);
	assert_true(fabs(atof(strrchr(line, ' ') + 1) - (fa + fb) / 2) <
		    0.001);
	/* the two label files differ: so do the machines' figures */
	assert_true(fa != fb);

	rc = tu_run(out, sizeof(out),
		    "XDG_CACHE_HOME='%s/cache' %s score "
		    "'%s/f/ServerMachineDataset' --epochs 2 --json 2>/dev/null",
		    tmp, tu_vigil(), tmp);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "{\"folder\": "));
	assert_non_null(strstr(out, "\"machine\": \"machine-a\""));
	assert_non_null(strstr(out, "\"machine\": \"machine-b\""));
	assert_non_null(strstr(out, "], \"mean\": {\"point-wise\": "));
}

/* The machines scored two at a time (--jobs 2, each with a cache of its
 * own, so both train) give the same table as one at a time, and stderr
 * says as each one is done. */
static void test_folder_jobs_same_table(void **state)
{
	(void)state;
	char one[16384], two[16384], err[4096];
	int rc = tu_run(one, sizeof(one),
			"%s score '%s/f/ServerMachineDataset' --epochs 2 "
			"--jobs 1 --cache-dir '%s/j1' 2>/dev/null",
			tu_vigil(), tmp, tmp);
	assert_int_equal(rc, 0);
	rc = tu_run(two, sizeof(two),
		    "%s score '%s/f/ServerMachineDataset' --epochs 2 --jobs 2 "
		    "--cache-dir '%s/j2' 2>'%s/j2.err'",
		    tu_vigil(), tmp, tmp, tmp);
	assert_int_equal(rc, 0);
	assert_string_equal(one, two);
	assert_non_null(strstr(two, "  machine-a"));
	rc = tu_run(err, sizeof(err), "cat '%s/j2.err'", tmp);
	assert_non_null(strstr(err, "scored (2 of 2)"));
	assert_int_equal(tu_run(err, sizeof(err),
				"%s score '%s/f/ServerMachineDataset' --jobs 0",
				tu_vigil(), tmp),
			 1);
	assert_non_null(strstr(err, "--jobs needs a count"));
	/* one machine is one job: --jobs there was dropped silently */
	assert_int_equal(tu_run(err, sizeof(err),
				"%s score '%s/f/ServerMachineDataset:machine-a' "
				"--jobs 2",
				tu_vigil(), tmp),
			 1);
	assert_non_null(strstr(err, "--jobs goes with a folder of machines"));
}

/* One machine that cannot be scored (a train part of 10 rows, too short
 * for a model; another with a bad number) no longer stops the folder: it
 * used to end `vigil score FOLDER` with its error and no table at all.
 * Now its error (naming the machine) is on stderr, it is listed as
 * skipped, the other machines are scored, the mean is over them, and the
 * exit code is 2. */
static void test_folder_skips_a_bad_machine(void **state)
{
	(void)state;
	double fa = machine_f1("machine-a");
	char out[16384];
	assert_int_equal(
		tu_run(out, sizeof(out),
		       "src='%s/f/ServerMachineDataset'; "
		       "dst='%s/g/ServerMachineDataset'; "
		       "for d in train test test_label interpretation_label; do "
		       "mkdir -p \"$dst/$d\" && cp \"$src/$d/machine-a.txt\" "
		       "\"$dst/$d/\" || exit 1; done; "
		       "head -10 \"$src/train/machine-a.txt\" > "
		       "\"$dst/train/machine-c.txt\" && "
		       "cp \"$src/test/machine-a.txt\" "
		       "\"$dst/test/machine-c.txt\" && "
		       "cp \"$src/test_label/machine-a.txt\" "
		       "\"$dst/test_label/machine-c.txt\" && "
		       "cp \"$src/train/machine-a.txt\" "
		       "\"$dst/train/machine-d.txt\" && "
		       "(echo oops; tail -n +2 \"$src/test/machine-a.txt\") > "
		       "\"$dst/test/machine-d.txt\"",
		       tmp, tmp),
		0);
	int rc = tu_run(out, sizeof(out),
			"XDG_CACHE_HOME='%s/cache' %s score "
			"'%s/g/ServerMachineDataset' --epochs 2 2>&1",
			tmp, tu_vigil(), tmp);
	assert_int_equal(rc, 2);
	if (!strstr(out, "ServerMachineDataset:machine-c: the train part has "
			 "10 rows"))
		fail_msg("machine-c's error not named:\n%s", out);
	assert_non_null(strstr(out, "/test/machine-d.txt:1:1: expected a "
				    "number, found 'oops'"));
	assert_non_null(strstr(out, "  machine-c  skipped"));
	assert_non_null(strstr(out, "  machine-d  skipped"));
	assert_non_null(strstr(out, "1 of 3 datasets scored"));
	const char *ma = strstr(out, "  machine-a");
	const char *mean = strstr(out, "  mean");
	assert_non_null(ma);
	assert_non_null(mean);
	char line[256];
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(ma, "\n"), ma);
	assert_true(fabs(atof(strrchr(line, ' ') + 1) - fa) < 0.0005);
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(mean, "\n"), mean);
	assert_true(fabs(atof(strrchr(line, ' ') + 1) - fa) < 0.0005);

	rc = tu_run(out, sizeof(out),
		    "XDG_CACHE_HOME='%s/cache' %s score "
		    "'%s/g/ServerMachineDataset' --epochs 2 --json 2>/dev/null",
		    tmp, tu_vigil(), tmp);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "\"skipped\": [\"machine-c\", "
				    "\"machine-d\"]"));
	assert_null(strstr(out, "\"machine\": \"machine-c\""));
}

static void test_folder_refuses_other_labels(void **state)
{
	(void)state;
	char out[2048];
	int rc = tu_run(out, sizeof(out),
			"%s score '%s/f/ServerMachineDataset' --labels x.csv",
			tu_vigil(), tmp);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "each machine's own labels"));
}

/* A folder of CSV files is for score and the dashboard; info and detect
 * want one file of it, and say so. */
static void test_csv_folder_for_one_file_commands(void **state)
{
	(void)state;
	char out[2048];
	int rc = tu_run(out, sizeof(out),
			"mkdir -p '%s/csvs' && cp data/samples/nab/realKnownCause/"
			"rogue_agent_key_updown.csv '%s/csvs/' && %s info '%s/csvs'",
			tmp, tmp, tu_vigil(), tmp);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "name one file of it here (vigil score and "
				    "the dashboard take a folder"));
}

/* A folder of CSV files holds their labels beside them: FILE.labels.csv
 * (where the dashboard saves a file's relabelling) and labels.csv (vigil
 * synth's). Those are label files, not datasets: vigil score FOLDER read
 * them as machines, each failed ('expected a number in column 'metric',
 * found '*''), its line read 'skipped' and the run exited 2. */
static void test_folder_leaves_out_label_files(void **state)
{
	(void)state;
	char out[16384], dir[400];
	snprintf(dir, sizeof(dir), "%s/withlabels", tmp);
	assert_int_equal(
		tu_run(out, sizeof(out),
		       "mkdir -p '%s' && %s synth -o '%s' --points 600 --seed 3 "
		       "&& cp '%s/synthetic.csv' '%s/b.csv' && "
		       "cp '%s/labels.csv' '%s/b.labels.csv'",
		       dir, tu_vigil(), dir, dir, dir, dir, dir),
		0);
	int rc = tu_run(out, sizeof(out),
			"XDG_CACHE_HOME='%s/cache' %s score '%s' --epochs 1 "
			"--hidden 8 --quiet",
			tmp, tu_vigil(), dir);
	if (rc != 0 || !strstr(out, "(2 datasets, each against its own "
				    "labels)") ||
	    strstr(out, "skipped") || !strstr(out, "\n  b ") ||
	    !strstr(out, "\n  synthetic "))
		fail_msg("exit %d:\n%s", rc, out);
	/* b.labels.csv damaged (its header cut): b's labels, refused as
	 * such; not a third dataset, which was 'b.labels not scored' with
	 * 'expected a number in column ...' besides */
	assert_int_equal(tu_run(out, sizeof(out),
				"cd '%s' && tail -n +2 labels.csv > "
				"b.labels.csv",
				dir),
			 0);
	rc = tu_run(out, sizeof(out),
		    "XDG_CACHE_HOME='%s/cache' %s score '%s' --epochs 1 "
		    "--hidden 8 --quiet",
		    tmp, tu_vigil(), dir);
	if (rc != 2 || !strstr(out, "b.labels.csv:1:1: expected the header") ||
	    !strstr(out, "(2 datasets, each against its own labels)") ||
	    strstr(out, "b.labels skipped") || !strstr(out, "b skipped"))
		fail_msg("exit %d:\n%s", rc, out);
}

/* A folder of CSV files where one has no labels (no label column, no
 * FILE.labels.csv): its "--labels FILE is needed" line names that file;
 * it said "the dataset has no label file of its own", and the folder
 * holds many datasets */
static void test_folder_names_the_unlabelled_file(void **state)
{
	(void)state;
	char out[16384], dir[400];
	snprintf(dir, sizeof(dir), "%s/unlabelled", tmp);
	assert_int_equal(
		tu_run(out, sizeof(out),
		       "mkdir -p '%s' && %s synth -o '%s' --points 600 --seed 3 "
		       "&& cd '%s' && cut -d, -f1,2 synthetic.csv > bare.csv "
		       "&& mv synthetic.csv b.csv && mv labels.csv b.labels.csv",
		       dir, tu_vigil(), dir, dir),
		0);
	int rc = tu_run(out, sizeof(out),
			"XDG_CACHE_HOME='%s/cache' %s score '%s' --epochs 1 "
			"--hidden 8 --quiet",
			tmp, tu_vigil(), dir);
	char want[600];
	snprintf(want, sizeof(want),
		 "%s/bare.csv: no label file of its own (a folder's datasets "
		 "are each scored against their own labels)", dir);
	if (rc != 2 || !strstr(out, want) ||
	    !strstr(out, "bare skipped (left out of the means)"))
		fail_msg("exit %d:\n%s", rc, out);
}

/* A dataset of a folder without labels is bad input of the folder (exit
 * 2, as a file that does not load), in an SMD folder, a folder of CSV
 * files and a folder of NAB files alike: the SMD and CSV folders exited 1
 * with '--labels FILE is needed' (a usage error, though --labels cannot
 * be given with a folder) where the NAB folder exited 2 ('no windows for
 * ...'). One dataset alone still needs --labels (exit 1). */
static void test_unlabelled_dataset_same_exit_in_every_folder(void **state)
{
	(void)state;
	char out[16384], ul[300], p[400];
	snprintf(ul, sizeof(ul), "%s/ul", tmp);
	assert_int_equal(
		tu_run(out, sizeof(out),
		       "rm -rf '%s' && mkdir -p '%s/csv' '%s/nab/cat' && "
		       "cp -r '%s/f/ServerMachineDataset' '%s/smd' && "
		       "rm '%s/smd/test_label/machine-b.txt' "
		       "'%s/smd/interpretation_label/machine-b.txt' && "
		       "%s synth -o '%s/s' --points 300 --seed 3 && "
		       "cp '%s/s/synthetic.csv' '%s/csv/bare.csv'",
		       ul, ul, ul, tmp, ul, ul, ul, tu_vigil(), ul, ul, ul),
		0);
	/* a NAB file that combined_windows.json does not list */
	snprintf(p, sizeof(p), "%s/nab/combined_windows.json", ul);
	assert_int_equal(tu_write(p, "{\"cat/other.csv\": []}\n"), 0);
	char text[8192], *w = text;
	w += sprintf(w, "timestamp,value\n");
	for (int r = 0; r < 100; r++)
		w += sprintf(w, "2014-04-01 %02d:%02d:00,%d\n", r / 12,
			     r % 12 * 5, r % 7);
	snprintf(p, sizeof(p), "%s/nab/cat/new.csv", ul);
	assert_int_equal(tu_write(p, text), 0);
	const char *folders[] = {"smd", "csv", "nab/cat"};
	const char *named[] = {"ul/smd:machine-b: no label file",
			       "ul/csv/bare.csv: no label file",
			       "no windows for \"cat/new.csv\""};
	for (int k = 0; k < 3; k++) {
		int rc = tu_run(out, sizeof(out),
				"XDG_CACHE_HOME='%s/cache' %s score '%s/%s' "
				"--epochs 2 --quiet",
				tmp, tu_vigil(), ul, folders[k]);
		if (rc != 2 || !strstr(out, named[k]) ||
		    !strstr(out, "skipped (left out of the means)"))
			fail_msg("%s: exit %d:\n%s", folders[k], rc, out);
	}
	int rc = tu_run(out, sizeof(out), "%s score '%s/csv/bare.csv'",
			tu_vigil(), ul);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "--labels FILE is needed"));
}

/* A file in a folder named with an escape sequence (a downloaded corpus):
 * `vigil score FOLDER` lists it escaped in its table and on stderr, and
 * `vigil nab` in its progress lines, as every other message prints names;
 * both used to send the raw ESC [31m to the terminal. */
static void test_folder_names_escaped(void **state)
{
	(void)state;
	char out[8192], dir[400], p[600];
	snprintf(dir, sizeof(dir), "%s/esc/cat", tmp);
	assert_int_equal(tu_run(out, sizeof(out), "mkdir -p '%s'", dir), 0);
	char text[4096], *w = text;
	w += sprintf(w, "timestamp,value\n");
	for (int r = 0; r < 40; r++)
		w += sprintf(w, "2014-04-01 %02d:%02d:00,%d\n", r / 12,
			     r % 12 * 5, r % 7);
	snprintf(p, sizeof(p), "%s/x\x1b[31my.csv", dir);
	assert_int_equal(tu_write(p, text), 0);
	/* no labels: skipped at once, named in the table and on stderr */
	int rc = tu_run(out, sizeof(out), "%s score '%s' --quiet", tu_vigil(),
			dir);
	assert_int_equal(rc, 2);
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "vigil score: x\\x1b[31my skipped"));
	assert_non_null(strstr(out, "  x\\x1b[31my  skipped: not scored"));
	/* too short for a model: written, the progress line names it */
	rc = tu_run(out, sizeof(out), "%s nab '%s/esc' -o '%s/escres'",
		    tu_vigil(), tmp, tmp);
	assert_int_equal(rc, 0);
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "vigil nab: [1/1] cat/x\\x1b[31my.csv\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folder_table_and_means),
		cmocka_unit_test(test_folder_refuses_other_labels),
		cmocka_unit_test(test_folder_skips_a_bad_machine),
		cmocka_unit_test(test_folder_jobs_same_table),
		cmocka_unit_test(test_csv_folder_for_one_file_commands),
		cmocka_unit_test(test_folder_names_escaped),
		cmocka_unit_test(test_folder_leaves_out_label_files),
		cmocka_unit_test(test_folder_names_the_unlabelled_file),
		cmocka_unit_test(test_unlabelled_dataset_same_exit_in_every_folder),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
