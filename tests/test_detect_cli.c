/* vigil detect end to end: a CSV with a planted anomaly, a small model
 * trained on the fly (and cached), detections, alerts and points files in
 * the documented layouts, JSON output, and usage errors. */
#include "tests/testutil.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <sys/stat.h>

static char dir[64];
static char csv[128];

enum { ROWS = 800, SPIKE_A = 600, SPIKE_B = 630 };

static int setup(void **state)
{
	(void)state;
	if (!tu_tmpdir(dir, sizeof(dir)))
		return -1;
	/* the model cache of these runs: a folder of their own */
	char cache[300];
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	setenv("XDG_CACHE_HOME", cache, 1);
	snprintf(csv, sizeof(csv), "%s/node.csv", dir);
	FILE *f = fopen(csv, "w");
	if (!f)
		return -1;
	fprintf(f, "cpu,mem\n");
	for (int t = 0; t < ROWS; t++) {
		double cpu = 50 + 20 * sin(2 * M_PI * t / 50.0);
		double mem = 30 + 5 * cos(2 * M_PI * t / 80.0);
		if (t >= SPIKE_A && t < SPIKE_B)
			cpu += 150; /* far outside anything seen in training */
		fprintf(f, "%.4f,%.4f\n", cpu, mem);
	}
	return fclose(f);
}

static int teardown(void **state)
{
	(void)state;
	char out[256];
	tu_run(out, sizeof(out), "rm -rf %s", dir);
	return 0;
}

static const char *small(void)
{
	return tu_sanitized() ? "--epochs 2 --hidden 4 --quiet"
			      : "--epochs 4 --hidden 8 --quiet";
}

static void test_help_and_usage(void **state)
{
	(void)state;
	char out[8192];
	assert_int_equal(tu_run(out, sizeof(out), "%s detect --help", tu_vigil()),
			 0);
	assert_non_null(strstr(out, "--points"));
	assert_non_null(strstr(out, "--mode"));
	assert_int_equal(tu_run(out, sizeof(out), "%s detect", tu_vigil()), 1);
	assert_int_equal(tu_run(out, sizeof(out), "%s detect %s --mode fancy",
				tu_vigil(), csv),
			 1);
	assert_non_null(strstr(out, "fancy"));
	assert_int_equal(tu_run(out, sizeof(out), "%s detect %s/missing.csv",
				tu_vigil(), dir),
			 2);
	/* --adapt: documented, and refused where rows cannot be judged
	   causally (dynamic); vigil watch takes it (it was refused there),
	   with the same checks */
	assert_int_equal(tu_run(out, sizeof(out), "%s detect --help", tu_vigil()),
			 0);
	assert_non_null(strstr(out, "--adapt-steps"));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect %s --adapt 100 --mode dynamic",
				tu_vigil(), csv),
			 1);
	assert_non_null(strstr(out, "looks ahead"));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s watch %s --model %s/none --adapt 100 "
				"--mode dynamic",
				tu_vigil(), csv, dir),
			 1);
	assert_non_null(strstr(out, "looks ahead"));
	assert_null(strstr(out, "not supported"));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect %s --adapt-mix 1.5", tu_vigil(), csv),
			 1);
	/* fewer rows than a batch (32 windows) to take an update's windows
	   from: no update could ever be made, said before any training (it
	   trained, skipped every update and exited 0) */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect %s %s --adapt 30 --cache-dir "
				"%s/adcache -o %s/ad30.csv",
				tu_vigil(), csv, small(), dir, dir),
			 1);
	assert_non_null(strstr(out, "--adapt 30: an update takes a batch of "
				    "32 windows"));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect %s %s --adapt 100 --adapt-recent 20 "
				"--cache-dir %s/adcache -o %s/ad30.csv",
				tu_vigil(), csv, small(), dir, dir),
			 1);
	assert_non_null(strstr(out, "give --adapt-recent 32 or more"));
	/* the options of --adapt without --adapt N are refused, before any
	   training (they were ignored: the forecast was not adapted) */
	static const char *const sub[] = {"--adapt-steps 5", "--adapt-head",
					  "--adapt-recent 500",
					  "--adapt-lr 1e-3 --model /none"};
	for (int k = 0; k < 4; k++) {
		/* with a model file, none of the training options it
		   refuses */
		char train[256];
		snprintf(train, sizeof(train), "%s --cache-dir %s/adcache",
			 small(), dir);
		int rc = tu_run(out, sizeof(out),
				"%s detect %s %s %s -o %s/adsub.csv",
				tu_vigil(), csv, k == 3 ? "--quiet" : train,
				sub[k], dir);
		if (rc != 1 || !strstr(out, "only with --adapt N"))
			fail_msg("'%s' without --adapt: exit %d\n%s", sub[k],
				 rc, out);
	}
	assert_int_equal(tu_run(out, sizeof(out), "%s nab %s -o %s/adnab "
				"--adapt-steps 5",
				tu_vigil(), "data/samples/nab", dir),
			 1);
	assert_non_null(strstr(out, "only with --adapt N"));
	/* a folder of machines says it once, not once per machine */
	assert_int_equal(tu_run(out, sizeof(out), "%s score %s --adapt-head "
				"--cache-dir %s/adcache",
				tu_vigil(),
				"data/samples/smd-fleet/ServerMachineDataset",
				dir),
			 1);
	const char *once = strstr(out, "only with --adapt N");
	if (!once || strstr(once + 1, "only with --adapt N") ||
	    strstr(out, "not scored"))
		fail_msg("score FOLDER --adapt-head:\n%s", out);
	assert_int_equal(tu_run(out, sizeof(out),
				"ls -A %s/adcache 2>/dev/null | wc -l", dir),
			 0);
	assert_int_equal(atoi(out), 0);
	/* the same before the dashboard or vigil nab trains */
	assert_int_equal(tu_run(out, sizeof(out), "%s %s --adapt 20 --keys "
				"/dev/null --cache-dir %s/adcache",
				tu_vigil(), csv, dir),
			 1);
	assert_non_null(strstr(out, "--adapt 20: an update takes a batch"));
	assert_int_equal(tu_run(out, sizeof(out), "%s nab %s --adapt 20 -o "
				"%s/adnab",
				tu_vigil(), "data/samples/nab", dir),
			 1);
	assert_non_null(strstr(out, "--adapt 20: an update takes a batch"));
}

/* With the model fine-tuned every 50 rows (--adapt 50, so at rows 600 and
 * 650 too), the planted plateau is still a node detection: its rows are
 * judged anomalous and not learnt from. */
static void test_adapt_still_finds_the_planted_anomaly(void **state)
{
	(void)state;
	char out[8192];
	int rc = tu_run(out, sizeof(out),
			"%s detect %s %s -o %s/adapt.csv --min-duration 300 "
			"--adapt 50 --adapt-steps 40 --adapt-lr 1e-3 && "
			"awk -F, '$1 == \"*\" && $2 < %d && $3 > %d' "
			"%s/adapt.csv | grep -q .",
			tu_vigil(), csv, small(), dir, SPIKE_B, SPIKE_A, dir);
	if (rc != 0)
		fail_msg("no node detection on the plateau with --adapt: %s",
			 out);
}

static void test_csv_files_find_the_planted_anomaly(void **state)
{
	(void)state;
	char out[8192], path[256];
	int rc = tu_run(out, sizeof(out),
			"%s detect %s %s -o %s/det.csv --points --min-duration 300 "
			"--node-top-k 0",
			tu_vigil(), csv, small(), dir);
	assert_int_equal(rc, 0);
	snprintf(path, sizeof(path), "%s/det.csv", dir);
	char *text = tu_slurp(path, NULL);
	assert_non_null(text);
	assert_true(strncmp(text,
			    "metric,start,end,start_time,end_time,criticality,"
			    "peak_score\n",
			    60) == 0);
	/* a cpu detection and a node detection overlap the planted rows */
	int cpu_hit = 0, node_hit = 0;
	for (char *line = strchr(text, '\n') + 1; *line;) {
		char *nl = strchr(line, '\n');
		char metric[32], crit[16];
		long a, b;
		if (sscanf(line, "%31[^,],%ld,%ld,,,%15[^,]", metric, &a, &b,
			   crit) == 4 &&
		    a < SPIKE_B && b > SPIKE_A) {
			assert_true(a >= 400); /* test part only */
			if (!strcmp(metric, "cpu"))
				cpu_hit = 1;
			if (!strcmp(metric, "*"))
				node_hit = 1;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	assert_true(cpu_hit);
	assert_true(node_hit);
	free(text);

	snprintf(path, sizeof(path), "%s/det.csv.alerts.csv", dir);
	text = tu_slurp(path, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "alert,start,end,start_time,end_time,"
				     "criticality,peak_score,node_detections,"
				     "low,medium,high,rank,metric,share\n"));
	assert_non_null(strstr(text, ",1,cpu,")); /* cpu ranks first */
	free(text);

	snprintf(path, sizeof(path), "%s/det.csv.points.csv", dir);
	size_t len = 0;
	text = tu_slurp(path, &len);
	assert_non_null(text);
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, ROWS + 1);
	assert_true(strncmp(text, "row,time,node,cpu,mem\n", 22) == 0);
	free(text);
}

/* Every points row's node column against its metrics: rows counted where
 * node == expected(cpu, mem) (to 1e-5 relative). */
static size_t node_rows(const char *path, int top_k, size_t *rows)
{
	char *text = tu_slurp(path, NULL);
	assert_non_null(text);
	size_t ok = 0;
	*rows = 0;
	for (char *line = strchr(text, '\n') + 1; *line;) {
		char *nl = strchr(line, '\n');
		long row;
		double node, cpu, mem;
		if (sscanf(line, "%ld,,%lf,%lf,%lf", &row, &node, &cpu, &mem) ==
		    4) {
			double want = top_k ? (cpu + mem) / 2
					    : (cpu > mem ? cpu : mem);
			ok += fabs(node - want) <= 1e-5 * (1 + fabs(want));
			(*rows)++;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	free(text);
	return ok;
}

/* The points file's node column is the node score whose runs are the node
 * detections: the mean of the 2 largest metric scores by default, the
 * largest with the union rule. */
static void test_points_node_column(void **state)
{
	(void)state;
	char out[4096], path[256];
	for (int k = 0; k <= 2; k += 2) {
		assert_int_equal(tu_run(out, sizeof(out),
					"%s detect %s %s -o %s/pk%d.csv --points "
					"--node-top-k %d",
					tu_vigil(), csv, small(), dir, k, k),
				 0);
		snprintf(path, sizeof(path), "%s/pk%d.csv.points.csv", dir, k);
		size_t rows;
		assert_int_equal(node_rows(path, k, &rows), ROWS);
		assert_int_equal(rows, ROWS);
	}
}

static void test_json_has_detections_and_alerts(void **state)
{
	(void)state;
	char out[8192], path[256];
	snprintf(path, sizeof(path), "%s/det.json", dir);
	int rc = tu_run(out, sizeof(out),
			"%s detect %s %s --format json -o %s --mode sigma --z 4 "
			"--points",
			tu_vigil(), csv, small(), path);
	assert_int_equal(rc, 0);
	char *text = tu_slurp(path, NULL);
	assert_non_null(text);
	cJSON *j = cJSON_Parse(text);
	free(text);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "mode")->valuestring,
			    "sigma");
	cJSON *dets = cJSON_GetObjectItem(j, "detections");
	cJSON *alerts = cJSON_GetObjectItem(j, "alerts");
	assert_true(cJSON_IsArray(dets) && cJSON_IsArray(alerts));
	assert_true(cJSON_GetArraySize(alerts) >= 1);
	cJSON *a0 = cJSON_GetArrayItem(alerts, 0);
	cJSON *ms = cJSON_GetObjectItem(a0, "metrics");
	double total = 0;
	cJSON *m;
	cJSON_ArrayForEach(m, ms) total += cJSON_GetObjectItem(m, "share")
						   ->valuedouble;
	assert_float_equal(total, 1.0, 0.01);
	cJSON *thr = cJSON_GetObjectItem(j, "thresholds");
	assert_true(cJSON_GetObjectItem(thr, "cpu")->valuedouble > 0);
	/* --points: one entry per row, one score per metric */
	cJSON *pts = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "points"), "rows");
	assert_int_equal(cJSON_GetArraySize(pts), ROWS);
	cJSON *p605 = cJSON_GetArrayItem(pts, 605);
	assert_int_equal(cJSON_GetObjectItem(p605, "row")->valueint, 605);
	cJSON *sc = cJSON_GetObjectItem(p605, "scores");
	assert_int_equal(cJSON_GetArraySize(sc), 2);
	/* inside the planted anomaly the cpu score is over the threshold */
	assert_true(cJSON_GetArrayItem(sc, 0)->valuedouble >= 1.0);
	cJSON_Delete(j);
}

static void test_csv_sections_on_stdout(void **state)
{
	(void)state;
	static char out[1 << 16];
	int rc = tu_run(out, sizeof(out), "%s detect %s %s --mode sigma",
			tu_vigil(), csv, small());
	assert_int_equal(rc, 0);
	char *det = strstr(out, "metric,start,end,start_time,end_time,"
				"criticality,peak_score\n");
	char *al = strstr(out, "\n\nalert,start,end,");
	assert_non_null(det);
	assert_non_null(al);
	assert_true(det < al);
	assert_null(strstr(out, "row,time,node")); /* no points unasked */
}

/* -o - is stdout, as -o - is for other tools and detect --help says: the
 * same sections as without -o, and no file named '-' (detect wrote the
 * detections into ./- and the alerts into ./-.alerts.csv). */
static void test_dash_o_is_stdout(void **state)
{
	(void)state;
	static char plain[1 << 16], dash[1 << 16];
	char cwd[200];
	snprintf(cwd, sizeof(cwd), "%s/dash", dir);
	assert_int_equal(mkdir(cwd, 0700), 0);
	int rc = tu_run(plain, sizeof(plain), "cd %s && %s detect %s %s --points",
			cwd, tu_vigil(), csv, small());
	assert_int_equal(rc, 0);
	rc = tu_run(dash, sizeof(dash), "cd %s && %s detect %s %s --points -o -",
		    cwd, tu_vigil(), csv, small());
	assert_int_equal(rc, 0);
	assert_non_null(strstr(dash, "\n\nrow,time,node,cpu,mem\n"));
	assert_string_equal(dash, plain);
	char out[4096];
	assert_int_equal(tu_run(out, sizeof(out), "ls -A %s", cwd), 0);
	assert_string_equal(out, "");
}

/* -o /dev/stdout (here /dev/fd/1) with stdout redirected to a file is
 * stdout: the sections in one stream, as without -o. detect took it for a
 * regular file and wanted the alerts in /dev/fd/1.alerts.csv: exit 2, "No
 * such file or directory (cannot create a temporary file there)" (run as
 * root with /dev/stdout, it made /dev/stdout.alerts.csv in /dev). */
static void test_dev_stdout_is_stdout(void **state)
{
	(void)state;
	static char plain[1 << 16];
	char cwd[200], out[4096];
	snprintf(cwd, sizeof(cwd), "%s/devout", dir);
	assert_int_equal(mkdir(cwd, 0700), 0);
	int rc = tu_run(plain, sizeof(plain), "cd %s && %s detect %s %s --points",
			cwd, tu_vigil(), csv, small());
	assert_int_equal(rc, 0);
	rc = tu_run(out, sizeof(out),
		    "cd %s && %s detect %s %s --points -o /dev/fd/1 > got.csv",
		    cwd, tu_vigil(), csv, small());
	assert_int_equal(rc, 0);
	char path[300];
	snprintf(path, sizeof(path), "%s/got.csv", cwd);
	char *got = tu_slurp(path, NULL);
	assert_non_null(got);
	assert_non_null(strstr(got, "\n\nrow,time,node,cpu,mem\n"));
	assert_string_equal(got, plain);
	free(got);
	assert_int_equal(tu_run(out, sizeof(out), "ls -A %s", cwd), 0);
	assert_string_equal(out, "got.csv\n");
}

/* The series of test_missing_daily_plateau; with gaps, about 3% of the
 * rows are missing (none on the day of the missing plateau). *a and *b
 * are the rows of the missing plateau, as written. */
static void write_daily(const char *path, int gaps, int *a, int *b)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "timestamp,jobs\n");
	int written = 0;
	for (int r = 0; r < 6 * 288; r++) {
		int day = r / 288, slot = r % 288;
		int on = slot >= 144 && slot < 168 && day != 4;
		if (gaps && day != 4 && (r * 13) % 37 == 0)
			continue;
		if (day == 4 && slot == 144)
			*a = written;
		if (day == 4 && slot == 168)
			*b = written;
		fprintf(f, "%lld,%.2f\n", 1600000000LL - 1600000000LL % 86400 +
					     300LL * r,
			(on ? 80.0 : 10.0) + ((r * 37) % 11) * 0.1);
		written++;
	}
	fclose(f);
}

/* vigil detect on path (train part of `split` rows) with opts: 1 when a
 * node detection overlaps rows [a, b). */
static int node_detection_on(const char *path, int split, const char *opts,
			     int a, int b)
{
	char out[8192], det[300];
	int rc = tu_run(out, sizeof(out),
			"%s detect %s --split %d %s %s -o %s/daily.det",
			tu_vigil(), path, split, small(), opts, dir);
	assert_int_equal(rc, 0);
	snprintf(det, sizeof(det), "%s/daily.det", dir);
	char *text = tu_slurp(det, NULL);
	assert_non_null(text);
	int hit = 0;
	for (char *l = strstr(text, "\n*,"); l; l = strstr(l + 1, "\n*,")) {
		long s0, e0;
		if (sscanf(l + 3, "%ld,%ld", &s0, &e0) == 2 && s0 < b && e0 > a)
			hit = 1;
	}
	free(text);
	return hit;
}

/* A daily job that did not run: 6 days of 5-minute rows, a 2-hour plateau
 * at 80 every day from 12:00 (its edges are what the forecast cannot see
 * coming, as in training), except on day 5. The forecast sees a flat line
 * and expects one; only the seasonal signal (this day against the days
 * before it) finds the missing plateau, and --season 0 turns it off. */
static void test_missing_daily_plateau(void **state)
{
	(void)state;
	char path[160];
	snprintf(path, sizeof(path), "%s/daily.csv", dir);
	int a = 0, b = 0;
	write_daily(path, 0, &a, &b);
	if (!node_detection_on(path, 864, "", a, b))
		fail_msg("no node detection on the missing plateau");
	if (node_detection_on(path, 864, "--season 0", a, b))
		fail_msg("--season 0: a node detection on the missing plateau");
	/* with rows missing here and there, a day back is found by its
	   time, not by counting rows (which drift off the day and keep the
	   signal off) */
	write_daily(path, 1, &a, &b);
	if (!node_detection_on(path, 830, "", a, b))
		fail_msg("gaps: no node detection on the missing plateau");
}

/* The forecast is cached beside the cached model, in the cache folder; a
 * damaged cache file is recomputed, and the output never changes because
 * of the cache. */
static void test_forecast_cache_is_reused_and_repaired(void **state)
{
	(void)state;
	char out[8192], a[256], b[256], fc[512];
	snprintf(a, sizeof(a), "%s/fc1.csv", dir);
	snprintf(b, sizeof(b), "%s/fc2.csv", dir);
	assert_int_equal(tu_run(out, sizeof(out), "%s detect %s %s -o %s",
				tu_vigil(), csv, small(), a),
			 0);
	/* the model and its forecast sit in the cache folder, none of it
	 * beside the data */
	assert_int_equal(tu_run(fc, sizeof(fc),
				"ls %s/cache/vigil/node.csv.*.vigil-model"
				".forecast",
				dir),
			 0);
	assert_int_not_equal(tu_run(out, sizeof(out), "ls %s/*.vigil-model*",
				    dir),
			     0);
	fc[strcspn(fc, "\n")] = '\0';
	struct stat st;
	assert_int_equal(stat(fc, &st), 0);
	/* 8 magic + 4 x 8 header + 2 metrics x 800 rows of floats */
	assert_int_equal(st.st_size, 40 + 2 * ROWS * 4);
	/* damage it: the next run recomputes, rewrites, and agrees */
	assert_int_equal(truncate(fc, 40), 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s detect %s %s -o %s",
				tu_vigil(), csv, small(), b),
			 0);
	assert_int_equal(stat(fc, &st), 0);
	assert_int_equal(st.st_size, 40 + 2 * ROWS * 4);
	char *ta = tu_slurp(a, NULL), *tb = tu_slurp(b, NULL);
	assert_non_null(ta);
	assert_non_null(tb);
	assert_string_equal(ta, tb);
	free(tb);
	/* and the intact cache gives the same again */
	assert_int_equal(tu_run(out, sizeof(out), "%s detect %s %s -o %s",
				tu_vigil(), csv, small(), b),
			 0);
	tb = tu_slurp(b, NULL);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
}

/* An output file that is the data itself is refused, before anything is
 * written: `vigil detect node.csv -o node.csv` (or a path to it through
 * '..'), `train -o` and `labels -o` used to replace the dataset with
 * detections, a model or labels, exit 0. The same for an SMD machine's
 * test file. */
/* detect -o naming the model file --model reads (by any path, or as the
 * FILE.alerts.csv written beside FILE) is refused before anything is
 * written: it used to replace the trained model with the detections,
 * exit 0, and the next detect with it said "not a vigil model file". */
/* Nor a file named as the dataset is: `detect -o PATH:machine-1-2` (the
 * DATASET argument pasted for -o) wrote detections into a file of that
 * name, exit 0, and from then on every command read that file as a CSV
 * in the machine's place ("expected a number in column 'metric', found
 * 'm02'"). detect, train and labels refuse it, exit 1, by any path, and
 * the machine still opens. */
static void test_output_never_named_as_the_dataset(void **state)
{
	(void)state;
	char out[8192], smd[300], name[400], other[400];
	snprintf(smd, sizeof(smd), "%s/named/ServerMachineDataset", dir);
	assert_int_equal(tu_run(out, sizeof(out),
				"mkdir -p %s/named && cp -r data/samples/smd-cut/"
				"ServerMachineDataset %s/named/",
				dir, dir),
			 0);
	snprintf(name, sizeof(name), "%s:machine-1-2", smd);
	snprintf(other, sizeof(other), "%s/named/../named/ServerMachineDataset"
				       ":machine-1-2", dir);
	const char *const cmds[] = {"detect", "train", "labels"};
	for (int k = 0; k < 3; k++) {
		const char *o = k == 1 ? other : name;
		int rc = tu_run(out, sizeof(out), "%s %s %s %s -o %s",
				tu_vigil(), cmds[k], name,
				k == 2 ? "--format csv" : small(), o);
		if (rc != 1 || !strstr(out, "is the name of the dataset") ||
		    access(name, F_OK) == 0)
			fail_msg("%s -o %s: exit %d: %s", cmds[k], o, rc, out);
	}
	int rc = tu_run(out, sizeof(out), "%s info %s", tu_vigil(), name);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "format    SMD\n"));
}

static void test_output_never_replaces_the_model(void **state)
{
	(void)state;
	char out[8192], model[160], again[200], side[200];
	snprintf(model, sizeof(model), "%s/kept.model", dir);
	int rc = tu_run(out, sizeof(out), "%s train %s -o %s %s", tu_vigil(),
			csv, model, small());
	if (rc != 0)
		fail_msg("train: exit %d\n%s", rc, out);
	size_t before_len, after_len;
	char *before = tu_slurp(model, &before_len);
	assert_non_null(before);
	snprintf(again, sizeof(again), "%s/./kept.model", dir);
	snprintf(side, sizeof(side), "%s/kept", dir);
	const char *const outs[] = {again, again, side};
	const char *const fmts[] = {"json", "csv", "csv"};
	for (int k = 0; k < 3; k++) {
		/* the third: -o kept writes its alerts into
		   kept.alerts.csv, here the model file */
		const char *m = model;
		char alerts[220];
		if (k == 2) {
			snprintf(alerts, sizeof(alerts), "%s.alerts.csv", side);
			assert_int_equal(rename(model, alerts), 0);
			m = alerts;
		}
		rc = tu_run(out, sizeof(out),
			    "%s detect %s --model %s --format %s -o %s --quiet",
			    tu_vigil(), csv, m, fmts[k], outs[k]);
		if (rc != 1 || !strstr(out, "is the model file --model names"))
			fail_msg("-o %s (%s): exit %d: %s", outs[k], fmts[k], rc,
				 out);
		char *after = tu_slurp(m, &after_len);
		assert_non_null(after);
		assert_int_equal(after_len, before_len);
		assert_memory_equal(after, before, before_len);
		free(after);
	}
	free(before);
}

/* A model file (--model) is used as it was trained: detect, score and
 * the dashboard refuse the options that would train another or find a
 * cached one, as watch does (they were taken and ignored: '--model M
 * --hidden 64' detected with M's 8 units without a word). --threads
 * still applies to the model file. */
static void test_model_file_refuses_training_options(void **state)
{
	(void)state;
	char out[16384], model[160], det[160];
	snprintf(model, sizeof(model), "%s/given.model", dir);
	snprintf(det, sizeof(det), "%s/given.det.csv", dir);
	int rc = tu_run(out, sizeof(out), "%s train %s -o %s %s", tu_vigil(),
			csv, model, small());
	if (rc != 0)
		fail_msg("train: exit %d\n%s", rc, out);
	static const char *const cmds[] = {"detect", "score", ""};
	static const char *const outs[] = {"-o", "--json --labels",
					   "--keys /dev/null --dump"};
	static const char *const opts[] = {"--hidden 64", "--epochs 3",
					   "--seed 9", "--cache-dir /tmp"};
	for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++)
		for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
			rc = tu_run(out, sizeof(out),
				    "%s %s %s --model %s %s %s %s </dev/null",
				    tu_vigil(), cmds[c], csv, model, opts[k],
				    outs[c], det);
			char opt[32];
			snprintf(opt, sizeof(opt), "%.*s",
				 (int)strcspn(opts[k], " "), opts[k]);
			char said[64];
			snprintf(said, sizeof(said),
				 "%s does not apply with --model", opt);
			if (rc != 1 || !strstr(out, said))
				fail_msg("'vigil %s --model M %s': exit %d, "
					 "not a usage error:\n%s",
					 cmds[c], opts[k], rc, out);
			assert_int_not_equal(access(det, F_OK), 0);
		}
	rc = tu_run(out, sizeof(out), "%s detect %s --model %s --threads 2 -o %s",
		    tu_vigil(), csv, model, det);
	if (rc != 0)
		fail_msg("--threads with --model: exit %d\n%s", rc, out);
	assert_int_equal(access(det, R_OK), 0);
}

/* A model file whose look_back is longer than the train part of the data
 * it is given (a model of long windows used on a short file): no train row
 * has a forecast, so there is nothing to fit a threshold on. detect used
 * to exit 0 all the same: the seed and sigma thresholds were fitted on the
 * test part instead (each row's score looking ahead at rows after it), the
 * calibrated scores were 0 on every row ("0 node detections"). Now detect
 * and score say why, exit 2, as training does with too short a train
 * part; a file whose train part is long enough is used as before. */
static void test_model_look_back_longer_than_train_part(void **state)
{
	(void)state;
	char out[16384], model[160], shorter[160], det[160];
	snprintf(model, sizeof(model), "%s/lb40.model", dir);
	snprintf(shorter, sizeof(shorter), "%s/short.csv", dir);
	snprintf(det, sizeof(det), "%s/short.det.csv", dir);
	int rc = tu_run(out, sizeof(out), "%s train %s -o %s --look-back 40 %s",
			tu_vigil(), csv, model, small());
	if (rc != 0)
		fail_msg("train: exit %d\n%s", rc, out);
	/* node.csv's first 70 rows: a train part of 35 */
	assert_int_equal(tu_run(out, sizeof(out), "head -71 %s > %s", csv,
				shorter),
			 0);
	static const char *const modes[] = {"calibrated", "seed", "sigma",
					    "dynamic"};
	for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
		rc = tu_run(out, sizeof(out),
			    "%s detect %s --model %s --mode %s --points -o %s",
			    tu_vigil(), shorter, model, modes[k], det);
		if (rc != 2 ||
		    !strstr(out, "the train part has 35 rows; the model ") ||
		    !strstr(out, "(look_back 40) and needs at least 42"))
			fail_msg("--mode %s: exit %d\n%s", modes[k], rc, out);
		assert_int_not_equal(access(det, F_OK), 0);
	}
	char lab[160];
	snprintf(lab, sizeof(lab), "%s/short.lab.csv", dir);
	assert_int_equal(tu_write(lab, "metric,start,end,start_time,end_time,"
				       "source,note\n*,50,60,,,original,\n"),
			 0);
	rc = tu_run(out, sizeof(out), "%s score %s --model %s --labels %s --json",
		    tu_vigil(), shorter, model, lab);
	if (rc != 2 || !strstr(out, "(look_back 40) and needs at least 42"))
		fail_msg("score: exit %d\n%s", rc, out);
	/* a train part of 42 rows is enough */
	assert_int_equal(tu_run(out, sizeof(out), "head -85 %s > %s", csv,
				shorter),
			 0);
	rc = tu_run(out, sizeof(out), "%s detect %s --model %s -o %s",
		    tu_vigil(), shorter, model, det);
	if (rc != 0)
		fail_msg("84 rows: exit %d\n%s", rc, out);
	assert_int_equal(access(det, R_OK), 0);
}

/* --medium and --high are taken in either order: '--medium 5 --high 8' was
 * refused, exit 1, with "--high (4) must not be below --medium (5)" (the
 * default --high, checked before the --high given after it was read). Both
 * orders now give the same detections, each with the criticality of its
 * peak under those cut-offs; --medium above the default --high alone is
 * still refused. */
static void test_medium_and_high_in_either_order(void **state)
{
	(void)state;
	char out[16384], a[160], b[160];
	snprintf(a, sizeof(a), "%s/mh.csv", dir);
	snprintf(b, sizeof(b), "%s/hm.csv", dir);
	int rc = tu_run(out, sizeof(out),
			"%s detect %s %s --medium 5 --high 8 -o %s", tu_vigil(),
			csv, small(), a);
	if (rc != 0)
		fail_msg("--medium 5 --high 8: exit %d\n%s", rc, out);
	rc = tu_run(out, sizeof(out),
		    "%s detect %s %s --high 8 --medium 5 -o %s", tu_vigil(), csv,
		    small(), b);
	if (rc != 0)
		fail_msg("--high 8 --medium 5: exit %d\n%s", rc, out);
	char *da = tu_slurp(a, NULL), *db = tu_slurp(b, NULL);
	assert_non_null(da);
	assert_non_null(db);
	assert_string_equal(da, db);
	/* every detection's criticality follows its peak and the cut-offs */
	size_t n = 0;
	for (char *line = strchr(da, '\n'); line && line[1];
	     line = strchr(line + 1, '\n')) {
		char crit[16];
		double peak;
		const char *f = line + 1;
		for (int c = 0; c < 5; c++)
			f = strchr(f, ',') + 1;
		assert_int_equal(sscanf(f, "%15[a-z],%lf", crit, &peak), 2);
		const char *want = peak >= 8 ? "high" : peak >= 5 ? "medium"
								  : "low";
		assert_string_equal(crit, want);
		n++;
	}
	assert_true(n > 0);
	free(da);
	free(db);
	rc = tu_run(out, sizeof(out), "%s detect %s %s --medium 5 -o %s",
		    tu_vigil(), csv, small(), a);
	if (rc != 1 || !strstr(out, "--high (4) must not be below --medium (5)"))
		fail_msg("--medium 5 alone: exit %d\n%s", rc, out);
	char keys[160];
	snprintf(keys, sizeof(keys), "%s/none.keys", dir);
	assert_int_equal(tu_write(keys, ""), 0);
	rc = tu_run(out, sizeof(out),
		    TU_DASH_ENV "%s %s %s --medium 5 --high 8 --keys %s "
		    "--dump %s",
		    tu_vigil(), csv, small(), keys, b);
	if (rc != 0)
		fail_msg("dashboard --medium 5 --high 8: exit %d\n%s", rc, out);
}

static void test_output_never_replaces_the_data(void **state)
{
	(void)state;
	char out[8192], other[300];
	size_t before_len, after_len;
	char *before = tu_slurp(csv, &before_len);
	assert_non_null(before);
	snprintf(other, sizeof(other), "%s/../%s", dir, csv + 5);
	const char *const cmds[] = {"detect", "train", "labels"};
	for (int k = 0; k < 3; k++) {
		const char *o = k == 1 ? other : csv;
		int rc = tu_run(out, sizeof(out),
				"%s %s %s %s -o %s%s", tu_vigil(), cmds[k],
				csv, k == 2 ? "" : small(),
				o, k == 0 ? " --format json" : "");
		if (rc != 1 || !strstr(out, "is the dataset's data file"))
			fail_msg("%s: exit %d: %s", cmds[k], rc, out);
		char *after = tu_slurp(csv, &after_len);
		assert_int_equal(after_len, before_len);
		assert_memory_equal(after, before, before_len);
		free(after);
	}
	assert_int_equal(tu_run(out, sizeof(out), "%s detect %s %s -o %s",
				tu_vigil(), csv, small(), csv),
			 1);
	free(before);
	/* an SMD machine's test file */
	char smd[300], test[400];
	assert_int_equal(tu_run(out, sizeof(out),
				"cp -r data/samples/smd-cut/ServerMachineDataset "
				"%s/",
				dir),
			 0);
	snprintf(smd, sizeof(smd), "%s/ServerMachineDataset", dir);
	snprintf(test, sizeof(test), "%s/test/machine-1-2.txt", smd);
	before = tu_slurp(test, &before_len);
	assert_int_equal(tu_run(out, sizeof(out), "%s labels %s:machine-1-2 -o %s",
				tu_vigil(), smd, test),
			 1);
	assert_non_null(strstr(out, "is the dataset's data file"));
	char *after = tu_slurp(test, &after_len);
	assert_int_equal(after_len, before_len);
	assert_memory_equal(after, before, before_len);
	free(after);
	free(before);
}

/* An -o that detect cannot use (the dataset's own file, a folder that
 * does not exist, FILE.alerts.csv a folder) is refused before the model
 * trains: detect trained first (minutes on a large machine), cached the
 * model, then refused; with FILE.alerts.csv a folder it even wrote FILE
 * before failing. */
static void test_bad_output_refused_before_training(void **state)
{
	(void)state;
	char out[16384], cache[200], taken[200], folder[240];
	snprintf(cache, sizeof(cache), "%s/early", dir);
	snprintf(taken, sizeof(taken), "%s/taken.csv", dir);
	snprintf(folder, sizeof(folder), "%s.alerts.csv", taken);
	assert_int_equal(mkdir(folder, 0700), 0);
	const struct {
		const char *o, *said;
		int rc;
	} cases[] = {
		{csv, "is the dataset's data file", 1},
		{"/nonexistent-vigil/x.csv", "/nonexistent-vigil/x.csv", 2},
		{taken, "taken.csv.alerts.csv", 2},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int rc = tu_run(out, sizeof(out),
				"%s detect %s --epochs 2 --hidden 4 "
				"--cache-dir %s -o %s",
				tu_vigil(), csv, cache, cases[k].o);
		if (rc != cases[k].rc || !strstr(out, cases[k].said) ||
		    strstr(out, "training"))
			fail_msg("-o %s: exit %d, not %d before training:\n%s",
				 cases[k].o, rc, cases[k].rc, out);
		/* no model trained, none cached */
		assert_int_not_equal(access(cache, F_OK), 0);
	}
	assert_int_not_equal(access(taken, F_OK), 0);
	rmdir(folder);
}

/* Nor the dataset's own label files: `detect -o` and `train -o` onto an
 * SMD machine's test_label or interpretation_label, or a CSV file's
 * FILE.labels.csv (an analyst's relabelling), replaced them with
 * detections or a model, exit 0. */
static void test_output_never_replaces_the_labels(void **state)
{
	(void)state;
	char out[8192], smd[300], tl[400], il[400], lab[300];
	snprintf(smd, sizeof(smd), "%s/lab/ServerMachineDataset", dir);
	assert_int_equal(tu_run(out, sizeof(out),
				"mkdir -p %s/lab && cp -r data/samples/smd-cut/"
				"ServerMachineDataset %s/lab/",
				dir, dir),
			 0);
	snprintf(tl, sizeof(tl), "%s/test_label/machine-1-2.txt", smd);
	snprintf(il, sizeof(il), "%s/interpretation_label/machine-1-2.txt",
		 smd);
	snprintf(lab, sizeof(lab), "%s/node.labels.csv", dir);
	assert_int_equal(tu_write(lab, "metric,start,end,start_time,end_time,"
				       "source,note\n*,600,630,,,analyst,"
				       "mine\n"),
			 0);
	const struct {
		const char *cmd, *data, *file;
	} cases[] = {
		{"detect", NULL, tl},
		{"train", NULL, il},
		{"detect", csv, lab},
		{"train", csv, lab},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char ds[400];
		if (cases[k].data)
			snprintf(ds, sizeof(ds), "%s", cases[k].data);
		else
			snprintf(ds, sizeof(ds), "%s:machine-1-2", smd);
		size_t before_len, after_len;
		char *before = tu_slurp(cases[k].file, &before_len);
		assert_non_null(before);
		int rc = tu_run(out, sizeof(out), "%s %s %s %s -o %s",
				tu_vigil(), cases[k].cmd, ds, small(),
				cases[k].file);
		if (rc != 1 || !strstr(out, "is the dataset's label file"))
			fail_msg("%s -o %s: exit %d: %s", cases[k].cmd,
				 cases[k].file, rc, out);
		char *after = tu_slurp(cases[k].file, &after_len);
		assert_int_equal(after_len, before_len);
		assert_memory_equal(after, before, before_len);
		free(after);
		free(before);
	}
	unlink(lab);
}

/* Every command that takes one DATASET says the same when it has none:
 * detect said "DATASET is missing" where train, score, info and labels
 * say "which DATASET?" */
static void test_no_dataset_same_words(void **state)
{
	(void)state;
	static const char *const cmds[] = {"detect", "train", "score", "info",
					   "labels"};
	for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
		char out[4096], want[64];
		int rc = tu_run(out, sizeof(out), "%s %s", tu_vigil(), cmds[c]);
		snprintf(want, sizeof(want), "vigil %s: which DATASET?",
			 cmds[c]);
		if (rc != 1 || !strstr(out, want))
			fail_msg("vigil %s: exit %d\n%s", cmds[c], rc, out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_dataset_same_words),
		cmocka_unit_test(test_help_and_usage),
		cmocka_unit_test(test_csv_files_find_the_planted_anomaly),
		cmocka_unit_test(test_points_node_column),
		cmocka_unit_test(test_adapt_still_finds_the_planted_anomaly),
		cmocka_unit_test(test_missing_daily_plateau),
		cmocka_unit_test(test_json_has_detections_and_alerts),
		cmocka_unit_test(test_csv_sections_on_stdout),
		cmocka_unit_test(test_dash_o_is_stdout),
		cmocka_unit_test(test_dev_stdout_is_stdout),
		cmocka_unit_test(test_forecast_cache_is_reused_and_repaired),
		cmocka_unit_test(test_model_file_refuses_training_options),
		cmocka_unit_test(test_model_look_back_longer_than_train_part),
		cmocka_unit_test(test_medium_and_high_in_either_order),
		cmocka_unit_test(test_output_never_replaces_the_data),
		cmocka_unit_test(test_output_never_named_as_the_dataset),
		cmocka_unit_test(test_output_never_replaces_the_model),
		cmocka_unit_test(test_output_never_replaces_the_labels),
		cmocka_unit_test(test_bad_output_refused_before_training),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
