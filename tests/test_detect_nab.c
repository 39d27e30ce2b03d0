/* vigil nab: one result file per input, with the input's row count, scores
 * within [0, 1] and labels that match combined_windows.json, on the NAB
 * sample in data/samples/nab. */
#include "tests/testutil.h"

#include <cjson/cJSON.h>
#include <math.h>

static size_t count_lines(const char *text)
{
	size_t n = 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

/* 1 when ts (YYYY-MM-DD HH:MM:SS) is inside one of key's windows. */
static int in_window(const cJSON *w, const char *key, const char *ts)
{
	const cJSON *list = cJSON_GetObjectItem(w, key), *pair;
	cJSON_ArrayForEach(pair, list)
	{
		const char *a = cJSON_GetArrayItem(pair, 0)->valuestring;
		const char *b = cJSON_GetArrayItem(pair, 1)->valuestring;
		if (strncmp(a, ts, 19) <= 0 && strncmp(ts, b, 19) <= 0)
			return 1;
	}
	return 0;
}

static void check_file(const char *src, const char *res, const cJSON *w,
		       const char *key)
{
	char *in = tu_slurp(src, NULL), *out = tu_slurp(res, NULL);
	assert_non_null(in);
	assert_non_null(out);
	assert_int_equal(count_lines(out), count_lines(in));
	assert_true(strncmp(out, "timestamp,value,anomaly_score,label\n", 36) ==
		    0);
	size_t ones = 0, want_ones = 0, rows = 0;
	double top = 0;
	for (char *line = strchr(out, '\n') + 1; *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char ts[32];
		double v, sc;
		int lab;
		assert_int_equal(sscanf(line, "%31[^,],%lf,%lf,%d", ts, &v, &sc,
					&lab),
				 4);
		assert_true(sc >= 0.0 && sc <= 1.0);
		if (sc > top)
			top = sc;
		assert_int_equal(lab, in_window(w, key, ts));
		ones += lab == 1;
		want_ones += in_window(w, key, ts);
		rows++;
		if (!nl)
			break;
		line = nl + 1;
	}
	assert_int_equal(ones, want_ones);
	assert_true(ones > 0); /* every sample file has a window */
	assert_true(top > 0);  /* something was scored */
	free(in);
	free(out);
}

static void test_nab_result_files(void **state)
{
	(void)state;
	const char *src = "data/samples/nab";
	struct stat st;
	char dir[64], out[16384];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	int rc = tu_run(out, sizeof(out),
			"%s nab %s -o %s/results --name vigil --epochs %d "
			"--hidden %d --quiet",
			tu_vigil(), src, dir, tu_sanitized() ? 1 : 3,
			tu_sanitized() ? 4 : 8);
	assert_int_equal(rc, 0);
	char wpath[4300];
	snprintf(wpath, sizeof(wpath), "%s/combined_windows.json", src);
	char *wtext = tu_slurp(wpath, NULL);
	assert_non_null(wtext);
	cJSON *w = cJSON_Parse(wtext);
	free(wtext);
	assert_non_null(w);
	size_t checked = 0;
	cJSON *item;
	cJSON_ArrayForEach(item, w)
	{
		const char *key = item->string; /* CATEGORY/FILE.csv */
		const char *slash = strchr(key, '/');
		char in[4400], res[4500];
		snprintf(in, sizeof(in), "%s/%s", src, key);
		if (stat(in, &st) != 0)
			continue;
		snprintf(res, sizeof(res), "%s/results/vigil/%.*s/vigil_%s", dir,
			 (int)(slash - key), key, slash + 1);
		check_file(in, res, w, key);
		checked++;
	}
	assert_int_equal(checked, 3); /* every sample file */
	cJSON_Delete(w);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* A file too short for a model (40 rows: a probationary part of 6) next
 * to a normal one: both result files are written, the short one with
 * anomaly_score 0 on every row and its window's labels, a note names it,
 * and the exit code is 0. It used to be skipped with exit code 2, and
 * NAB's scorer then left its windows out of the score. */
static void test_nab_short_file_written(void **state)
{
	(void)state;
	char dir[64], out[16384], p[256];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	assert_int_equal(tu_run(out, sizeof(out),
				"mkdir -p %s/data/realX %s/labels && "
				"cp data/samples/nab/realAWSCloudwatch/"
				"ec2_network_in_257a54.csv %s/data/realX/big.csv",
				dir, dir, dir),
			 0);
	char text[4096], *w = text;
	w += sprintf(w, "timestamp,value\n");
	for (int r = 0; r < 40; r++)
		w += sprintf(w, "2014-04-01 %02d:%02d:00,%d\n", r / 12,
			     r % 12 * 5, r % 7);
	snprintf(p, sizeof(p), "%s/data/realX/short.csv", dir);
	assert_int_equal(tu_write(p, text), 0);
	snprintf(p, sizeof(p), "%s/labels/combined_windows.json", dir);
	assert_int_equal(
		tu_write(p, "{\"realX/big.csv\": [], \"realX/short.csv\": "
			    "[[\"2014-04-01 02:00:00.000000\", "
			    "\"2014-04-01 02:10:00.000000\"]]}\n"),
		0);
	int rc = tu_run(out, sizeof(out),
			"%s nab %s/data -o %s/results --epochs 1 --hidden 4 "
			"--quiet",
			tu_vigil(), dir, dir);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "short.csv: the train part has 6 rows"));
	assert_non_null(strstr(out, "too short for a model, anomaly_score 0 "
				    "on every row"));
	snprintf(p, sizeof(p), "%s/results/vigil/realX/vigil_big.csv", dir);
	assert_int_equal(access(p, R_OK), 0);
	snprintf(p, sizeof(p), "%s/results/vigil/realX/vigil_short.csv", dir);
	char *res = tu_slurp(p, NULL);
	assert_non_null(res);
	assert_int_equal(count_lines(res), 41);
	assert_non_null(strstr(res, "2014-04-01 00:00:00,0,0.000000,0\n"));
	assert_non_null(strstr(res, "2014-04-01 02:00:00,3,0.000000,1\n"));
	assert_non_null(strstr(res, "2014-04-01 02:10:00,5,0.000000,1\n"));
	assert_non_null(strstr(res, "2014-04-01 02:15:00,6,0.000000,0\n"));
	size_t zeros = 0;
	for (const char *q = res; (q = strstr(q, ",0.000000,")); q++)
		zeros++;
	assert_int_equal(zeros, 40);
	free(res);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* A NAB file whose times are seconds from 0: the result file's timestamps
 * stay dates (NAB's scorer parses the column as dates; pandas reads epoch
 * seconds 300 as 1970-01-01 00:05:00), one per row, and a window given in
 * such dates labels its rows; while `vigil info` shows elapsed time. */
static void test_nab_elapsed_times_written_as_dates(void **state)
{
	(void)state;
	char dir[64], out[16384], p[256];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	assert_int_equal(tu_run(out, sizeof(out), "mkdir -p %s/data/cat", dir),
			 0);
	char text[8192], *w = text;
	w += sprintf(w, "timestamp,value\n");
	for (int r = 0; r < 120; r++)
		w += sprintf(w, "%d,%d\n", r * 300, r % 7);
	snprintf(p, sizeof(p), "%s/data/cat/secs.csv", dir);
	assert_int_equal(tu_write(p, text), 0);
	snprintf(p, sizeof(p), "%s/data/combined_windows.json", dir);
	assert_int_equal(
		tu_write(p, "{\"cat/secs.csv\": [[\"1970-01-01 00:10:00.000000\","
			    " \"1970-01-01 00:20:00.000000\"]]}\n"),
		0);
	int rc = tu_run(out, sizeof(out),
			"%s nab %s/data -o %s/results --epochs 1 --hidden 4 "
			"--quiet",
			tu_vigil(), dir, dir);
	assert_int_equal(rc, 0);
	snprintf(p, sizeof(p), "%s/results/vigil/cat/vigil_secs.csv", dir);
	char *res = tu_slurp(p, NULL);
	assert_non_null(res);
	assert_int_equal(count_lines(res), 121);
	assert_non_null(strstr(res, "\n1970-01-01 00:00:00,0,"));
	assert_non_null(strstr(res, "\n1970-01-01 00:05:00,1,"));
	assert_non_null(strstr(res, "\n1970-01-01 09:55:00,0,"));
	assert_null(strstr(res, "+"));
	size_t ones = 0;
	for (const char *q = res; (q = strstr(q, ",1\n")); q++)
		ones++;
	assert_int_equal(ones, 3);
	free(res);
	assert_int_equal(tu_run(out, sizeof(out), "%s info %s/data/cat/secs.csv",
				tu_vigil(), dir),
			 0);
	assert_non_null(strstr(out, "+00:00:00 .. +09:55:00 elapsed"));
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* A probationary part of 0 rows (a small --probation on a short file, or
 * --probation-max 0) must not train: the engine reads a split of 0 as
 * "train on every row", so the model had seen the rows it then scored
 * (look-ahead, against NAB's rules), silently. Now the file is written
 * with anomaly_score 0 and a note, and --probation-max 0 is refused. */
static void test_nab_empty_probation_does_not_train(void **state)
{
	(void)state;
	char dir[64], out[16384], p[256];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	assert_int_equal(tu_run(out, sizeof(out),
				"mkdir -p %s/data/cat && head -n 301 "
				"data/samples/nab/realAWSCloudwatch/"
				"ec2_network_in_257a54.csv > %s/data/cat/f.csv",
				dir, dir),
			 0);
	int rc = tu_run(out, sizeof(out),
			"%s nab %s/data -o %s/results --probation 0.003 "
			"--epochs 1 --hidden 4 --quiet",
			tu_vigil(), dir, dir);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "f.csv: a probationary part of 0 rows "
				    "(300 rows x 0.003): too short for a "
				    "model, anomaly_score 0 on every row"));
	snprintf(p, sizeof(p), "%s/results/vigil/cat/vigil_f.csv", dir);
	char *res = tu_slurp(p, NULL);
	assert_non_null(res);
	assert_int_equal(count_lines(res), 301);
	size_t zeros = 0;
	for (const char *q = res; (q = strstr(q, ",0.000000,")); q++)
		zeros++;
	assert_int_equal(zeros, 300);
	free(res);
	rc = tu_run(out, sizeof(out),
		    "%s nab %s/data -o %s/results --probation-max 0 --quiet",
		    tu_vigil(), dir, dir);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "--probation-max takes a number of rows "
				    ">= 1, not '0'"));
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

static void test_nab_usage(void **state)
{
	(void)state;
	char out[4096];
	assert_int_equal(tu_run(out, sizeof(out), "%s nab --help", tu_vigil()),
			 0);
	assert_non_null(strstr(out, "anomaly_score"));
	assert_int_equal(tu_run(out, sizeof(out), "%s nab /tmp", tu_vigil()),
			 1);
	assert_int_equal(
		tu_run(out, sizeof(out), "%s nab /nonexistent-dir -o /tmp/x",
		       tu_vigil()),
		2);
	/* each file trains its own model and none is cached: --model and
	 * --cache-dir are refused, named, before anything is read or written
	 * (they were taken and ignored, and the help offered them) */
	static const char *const opt[] = {"--model /tmp/m.model",
					  "--cache-dir /tmp/c"};
	for (int k = 0; k < 2; k++) {
		assert_int_equal(tu_run(out, sizeof(out),
					"%s nab /nonexistent-dir -o /tmp/x %s",
					tu_vigil(), opt[k]),
				 1);
		char name[32];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(opt[k], " "),
			 opt[k]);
		if (!strstr(out, name))
			fail_msg("%s is not named:\n%s", name, out);
	}
	assert_int_equal(tu_run(out, sizeof(out), "%s nab --help", tu_vigil()),
			 0);
	assert_null(strstr(out, "--model FILE"));
	assert_null(strstr(out, "--cache-dir DIR"));
	assert_non_null(strstr(out, "--epochs N"));
}

/* A RESULTS_DIR that cannot be made (a file where a folder goes) is said
 * once, before any model trains: nab trained a model for every file and
 * then said 'cannot create' once per file. */
static void test_nab_results_folder_refused_before_training(void **state)
{
	(void)state;
	char dir[64], out[16384], file[128];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(file, sizeof(file), "%s/afile", dir);
	assert_int_equal(tu_write(file, "not a folder\n"), 0);
	int rc = tu_run(out, sizeof(out), "%s nab %s -o %s/res --epochs 2",
			tu_vigil(), "data/samples/nab", file);
	const char *said = strstr(out, "cannot create");
	if (rc != 2 || !said || strstr(said + 1, "cannot create") ||
	    strstr(out, "training"))
		fail_msg("exit %d, not once before training:\n%s", rc, out);
	assert_non_null(strstr(out, "afile/res/vigil: cannot create: Not a "
				    "directory"));
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* --name .. put the results above RESULTS_DIR (RESULTS/../CATEGORY/
 * .._FILE.csv), --name . beside it as hidden files; both are refused
 * now, before anything is written. */
static void test_nab_name_stays_inside_results(void **state)
{
	(void)state;
	char dir[64], out[8192];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	char text[4096], *w = text, p[256];
	w += sprintf(w, "timestamp,value\n");
	for (int r = 0; r < 40; r++)
		w += sprintf(w, "2014-04-01 %02d:%02d:00,%d\n", r / 12,
			     r % 12 * 5, r % 7);
	assert_int_equal(tu_run(out, sizeof(out), "mkdir -p %s/data/cat", dir),
			 0);
	snprintf(p, sizeof(p), "%s/data/cat/f.csv", dir);
	assert_int_equal(tu_write(p, text), 0);
	const char *const names[] = {"..", "."};
	for (int k = 0; k < 2; k++) {
		int rc = tu_run(out, sizeof(out),
				"%s nab %s/data -o %s/res --name %s --quiet",
				tu_vigil(), dir, dir, names[k]);
		assert_int_equal(rc, 1);
		assert_non_null(strstr(out, "--name is a plain name"));
	}
	/* nothing was written anywhere: only the data folder is there */
	assert_int_equal(tu_run(out, sizeof(out), "cd %s && find . | sort",
				dir),
			 0);
	assert_string_equal(out, ".\n./data\n./data/cat\n./data/cat/f.csv\n");
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* A NAB file whose sensor started reporting after the probationary part
 * (its first 200 of 600 values empty, the probation 90 rows): the model
 * used to be trained on those rows back-filled with the first value, a
 * flat line, and the file's first values after it were scored as anomalies
 * (52 rows above 0). It is now written as a file too short for a model is:
 * anomaly_score 0 on every row, and a note says why. */
static void test_nab_probation_without_values_not_trained(void **state)
{
	(void)state;
	char dir[64], out[16384], p[256];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	assert_int_equal(tu_run(out, sizeof(out), "mkdir -p %s/data/realX",
				dir),
			 0);
	static char text[40000];
	char *w = text;
	w += sprintf(w, "timestamp,value\n");
	for (int r = 0; r < 600; r++) {
		w += sprintf(w, "2014-04-%02d %02d:%02d:00,", 1 + r / 288,
			     r / 12 % 24, r % 12 * 5);
		if (r >= 200)
			w += sprintf(w, "%.3f", 50 + 10 * sin(r / 7.0));
		w += sprintf(w, "\n");
	}
	snprintf(p, sizeof(p), "%s/data/realX/late.csv", dir);
	assert_int_equal(tu_write(p, text), 0);
	int rc = tu_run(out, sizeof(out),
			"%s nab %s/data -o %s/results --epochs 2 --hidden 4 "
			"--quiet",
			tu_vigil(), dir, dir);
	if (rc != 0 ||
	    !strstr(out, "metric 'late' has no value in the train part (rows "
			 "0-89 are all missing; its first value is in row "
			 "200)"))
		fail_msg("exit %d\n%s", rc, out);
	snprintf(p, sizeof(p), "%s/results/vigil/realX/vigil_late.csv", dir);
	char *res = tu_slurp(p, NULL);
	assert_non_null(res);
	assert_int_equal(count_lines(res), 601);
	size_t zeros = 0;
	for (const char *q = res; (q = strstr(q, ",0.000000,")); q++)
		zeros++;
	assert_int_equal(zeros, 600);
	free(res);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* `vigil nab DATA -o -` made a results folder named '-': now a usage
 * error before any file is read or trained on */
static void test_nab_dash_output_refused(void **state)
{
	(void)state;
	char dir[64], out[4096], here[2048];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	assert_non_null(getcwd(here, sizeof(here)));
	int rc = tu_run(out, sizeof(out),
			"cd %s && %s nab '%s/data/samples/nab' -o -", dir,
			tu_vigil(), here);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "-o - (stdout) cannot take a results "
				    "folder"));
	assert_int_equal(tu_run(out, sizeof(out), "ls -A %s", dir), 0);
	assert_string_equal(out, "");
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* An entry under the data folder that cannot be read is said and left
 * out, and the run says it is incomplete, exit 2: a broken link named
 * x.csv and a subfolder that cannot be opened (a link to itself; as a
 * user, a folder without read permission too). The readable file is
 * still written, and a subfolder named y.csv is walked into like any
 * other. A broken link was skipped without a word (exit 0, "1 of 1
 * result files"), an unreadable subfolder stopped the whole run. */
static void test_nab_unreadable_entries_said(void **state)
{
	(void)state;
	char dir[64], out[16384], p[256];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	assert_int_equal(tu_run(out, sizeof(out),
				"mkdir -p %s/data/realX %s/data/realY/y.csv "
				"%s/data/shut && "
				"cp data/samples/nab/realAWSCloudwatch/"
				"ec2_network_in_257a54.csv %s/data/realX/a.csv && "
				"cp %s/data/realX/a.csv %s/data/realY/y.csv/b.csv && "
				"cp %s/data/realX/a.csv %s/data/shut/c.csv && "
				"ln -s nowhere.csv %s/data/realX/x.csv && "
				"ln -s loop %s/data/loop",
				dir, dir, dir, dir, dir, dir, dir, dir, dir, dir),
			 0);
	int user = geteuid() != 0;
	if (user) {
		snprintf(p, sizeof(p), "%s/data/shut", dir);
		assert_int_equal(chmod(p, 0), 0);
	}
	int rc = tu_run(out, sizeof(out),
			"%s nab %s/data -o %s/results --epochs 1 --hidden 4 "
			"--quiet",
			tu_vigil(), dir, dir);
	assert_int_equal(rc, 2);
	char want[512];
	snprintf(want, sizeof(want),
		 "vigil nab: %s/data/loop: cannot read: Too many levels of "
		 "symbolic links: left out, no result for it\n",
		 dir);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want),
		 "vigil nab: %s/data/realX/x.csv: cannot read: No such file or "
		 "directory: left out, no result for it\n",
		 dir);
	assert_non_null(strstr(out, want));
	if (user) {
		snprintf(want, sizeof(want),
			 "vigil nab: %s/data/shut: cannot read the folder: "
			 "Permission denied: left out, the files in it have no "
			 "result\n",
			 dir);
		assert_non_null(strstr(out, want));
	}
	assert_non_null(strstr(out, user ? "incomplete: 3 entries under the "
					   "data folder could not be read"
					 : "incomplete: 2 entries under the "
					   "data folder could not be read"));
	snprintf(p, sizeof(p), "%s/results/vigil/realX/vigil_a.csv", dir);
	assert_int_equal(access(p, R_OK), 0);
	snprintf(p, sizeof(p), "%s/results/vigil/realY/y.csv/vigil_b.csv", dir);
	assert_int_equal(access(p, R_OK), 0);
	if (user) {
		snprintf(p, sizeof(p), "%s/data/shut", dir);
		chmod(p, 0755);
	}
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nab_result_files),
		cmocka_unit_test(test_nab_usage),
		cmocka_unit_test(test_nab_short_file_written),
		cmocka_unit_test(test_nab_elapsed_times_written_as_dates),
		cmocka_unit_test(test_nab_empty_probation_does_not_train),
		cmocka_unit_test(test_nab_probation_without_values_not_trained),
		cmocka_unit_test(test_nab_name_stays_inside_results),
		cmocka_unit_test(test_nab_results_folder_refused_before_training),
		cmocka_unit_test(test_nab_dash_output_refused),
		cmocka_unit_test(test_nab_unreadable_entries_said),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
