/* The synthetic generator and `vigil synth`: the same seed gives the same
 * bytes, the label file marks exactly the points that were changed (checked
 * against the generator's own ranges and against the clean signal), and the
 * SMD-shaped folder reads back through the SMD loader with matching labels. */
#include "tests/testutil.h"

#include <math.h>

#include "data/series.h"
#include "data/synth.h"

static void test_same_seed_same_bytes(void **state)
{
	(void)state;
	char out[4096];
	for (int k = 0; k < 2; k++) {
		const char *fmt = k ? "smd" : "csv";
		assert_int_equal(tu_run(out, sizeof(out),
					"%s synth -o %s/A%s --seed 7 --format %s",
					tu_vigil(), tu_dir, fmt, fmt),
				 0);
		assert_int_equal(tu_run(out, sizeof(out),
					"%s synth -o %s/B%s --seed 7 --format %s",
					tu_vigil(), tu_dir, fmt, fmt),
				 0);
		assert_int_equal(tu_run(out, sizeof(out),
					"diff -r %s/A%s %s/B%s", tu_dir, fmt, tu_dir,
					fmt),
				 0);
	}
	assert_int_equal(tu_run(out, sizeof(out),
				"%s synth -o %s/C --seed 8", tu_vigil(), tu_dir),
			 0);
	assert_int_not_equal(tu_run(out, sizeof(out),
				    "cmp -s %s/Acsv/synthetic.csv "
				    "%s/C/synthetic.csv",
				    tu_dir, tu_dir),
			     0);
	/* the CSV has the documented header and 1,000 rows from 2022-01-01 */
	char path[200];
	snprintf(path, sizeof(path), "%s/Acsv/synthetic.csv", tu_dir);
	char *text = tu_slurp(path, NULL);
	assert_non_null(text);
	assert_memory_equal(text,
			    "timestamp,cpu_usage,memory_usage,network_latency\n"
			    "2022-01-01 00:00:00,",
			    69);
	size_t lines = 0;
	for (char *c = text; *c; c++)
		lines += *c == '\n';
	assert_int_equal(lines, 1001);
	free(text);
}

typedef struct {
	char metric[32];
	long start, end;
} LabelRow;

static size_t read_labels(const char *path, LabelRow *rows, size_t max)
{
	char *text = tu_slurp(path, NULL);
	assert_non_null(text);
	char *save = NULL;
	char *line = strtok_r(text, "\n", &save);
	assert_string_equal(line,
			    "metric,start,end,start_time,end_time,source,note");
	size_t n = 0;
	while ((line = strtok_r(NULL, "\n", &save)) && n < max) {
		char src[32];
		assert_int_equal(sscanf(line, "%31[^,],%ld,%ld,%*[^,],%*[^,],%31[^,]",
					rows[n].metric, &rows[n].start,
					&rows[n].end, src),
				 4);
		assert_string_equal(src, "original");
		n++;
	}
	free(text);
	return n;
}

/* Runs `vigil synth extra` into dir/name and checks its labels.csv against
 * synth_generate with the same options, and against the clean signal. */
static void check_labels_exact(const char *name, const char *extra,
			       const SynthOptions *o)
{
	char out[4096], path[200];
	assert_int_equal(tu_run(out, sizeof(out), "%s synth -o %s/%s %s",
				tu_vigil(), tu_dir, name, extra),
			 0);
	Series s, clean;
	Range **lab;
	size_t *nlab;
	ErrorRecord err;
	assert_int_equal(synth_generate(o, &s, &lab, &nlab, &err), STATUS_OK);
	SynthOptions co = *o;
	co.anomalies = 0;
	co.level_shifts = 0;
	assert_int_equal(synth_generate(&co, &clean, NULL, NULL, &err),
			 STATUS_OK);

	LabelRow rows[512];
	snprintf(path, sizeof(path), "%s/%s/labels.csv", tu_dir, name);
	size_t n = read_labels(path, rows, 512);
	/* node rows first: the union of the metric rows, sorted, disjoint */
	size_t k = 0;
	long prev_end = -1;
	unsigned char node[100000] = {0}, uni[100000] = {0};
	assert_true(s.rows <= sizeof(node));
	for (; k < n && !strcmp(rows[k].metric, "*"); k++) {
		assert_true(rows[k].start > prev_end);
		prev_end = rows[k].end;
		memset(node + rows[k].start, 1,
		       (size_t)(rows[k].end - rows[k].start));
	}
	size_t total = 0;
	for (size_t m = 0; m < s.metrics; m++) {
		total += nlab[m];
		for (size_t i = 0; i < nlab[m]; i++, k++) {
			assert_true(k < n);
			assert_string_equal(rows[k].metric, s.names[m]);
			assert_int_equal(rows[k].start, lab[m][i].start);
			assert_int_equal(rows[k].end, lab[m][i].end);
			memset(uni + rows[k].start, 1,
			       (size_t)(rows[k].end - rows[k].start));
		}
		/* injected points, and only they, differ from the clean
		 * signal, by at least the smallest magnitude */
		double minmag = m == 2 ? 5.0 : 15.0;
		size_t i = 0;
		for (size_t r = 0; r < s.rows; r++) {
			while (i < nlab[m] && lab[m][i].end <= (int64_t)r)
				i++;
			int in = i < nlab[m] && lab[m][i].start <= (int64_t)r;
			double d = fabs((double)series_at(&s, m, r) -
					(double)series_at(&clean, m, r));
			if (in)
				assert_true(d >= minmag - 1e-3);
			else
				assert_true(d == 0.0);
		}
	}
	assert_int_equal(k, n);
	assert_int_equal(total, o->anomalies * 3 +
					(o->level_shifts ? 3 * (o->anomalies / 5)
							 : 0));
	assert_memory_equal(node, uni, s.rows);
	/* the CSV values are the generator's, to 4 decimals */
	snprintf(path, sizeof(path), "%s/%s/synthetic.csv", tu_dir, name);
	Series back;
	assert_int_equal(series_load_csv(&back, path, NULL, &err), STATUS_OK);
	assert_int_equal(back.rows, s.rows);
	assert_int_equal(back.timestamps[0], 1640995200);
	assert_non_null(back.label_path); /* labels.csv found next to it */
	for (size_t m = 0; m < 3; m++)
		for (size_t r = 0; r < s.rows; r++)
			assert_float_equal(series_at(&back, m, r),
					   series_at(&s, m, r), 1e-4);
	series_free(&back);
	for (size_t m = 0; m < s.metrics; m++)
		free(lab[m]);
	free(lab);
	free(nlab);
	series_free(&s);
	series_free(&clean);
}

static void test_labels_mark_exactly_the_injected_points(void **state)
{
	(void)state;
	SynthOptions o;
	synth_defaults(&o);
	o.seed = 7;
	check_labels_exact("L1", "--seed 7", &o);
	o.max_duration = 12;
	o.level_shifts = 1;
	o.daily_cycle = 1;
	o.points = 3000;
	check_labels_exact("L2",
			   "--seed 7 --duration 12 --shifts --daily "
			   "--points 3000",
			   &o);
}

static void test_demo_options_have_range_anomalies(void **state)
{
	(void)state;
	SynthOptions o;
	synth_demo_options(&o);
	SynthInjection *inj;
	size_t n;
	Series s;
	ErrorRecord err;
	assert_int_equal(synth_generate_injections(&o, &s, &inj, &n, &err),
			 STATUS_OK);
	size_t longer = 0, shifts = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t len = inj[i].r.end - inj[i].r.start;
		assert_true(len >= 3);
		longer += len >= 8;
		shifts += inj[i].level_shift;
		assert_true(fabsf(inj[i].offset) >= 5.0f);
	}
	assert_true(longer >= 5);
	assert_int_equal(shifts, 6);
	assert_int_equal(s.rows, 1000);
	assert_int_equal(s.split, 500);
	assert_int_equal(s.t0, 1640995200);
	assert_int_equal(s.interval, 60);
	free(inj);
	series_free(&s);
}

static void test_smd_format_reads_back(void **state)
{
	(void)state;
	char out[4096], root[200], path[300];
	assert_int_equal(tu_run(out, sizeof(out),
				"%s synth -o %s/S --seed 5 --format smd "
				"--duration 6 --shifts",
				tu_vigil(), tu_dir),
			 0);
	snprintf(root, sizeof(root), "%s/S/ServerMachineDataset", tu_dir);
	Series s, g;
	ErrorRecord err;
	assert_int_equal(series_load_smd(&s, root, "synthetic", &err),
			 STATUS_OK);
	assert_int_equal(s.rows, 1000);
	assert_int_equal(s.metrics, 3);
	assert_int_equal(s.split, 500);
	assert_non_null(s.label_path);
	assert_non_null(s.interp_path);
	SynthOptions o;
	synth_defaults(&o);
	o.seed = 5;
	o.max_duration = 6;
	o.level_shifts = 1;
	SynthInjection *inj;
	size_t n;
	assert_int_equal(synth_generate_injections(&o, &g, &inj, &n, &err),
			 STATUS_OK);
	/* min-max scaled over the whole series, 6 decimals */
	for (size_t m = 0; m < 3; m++) {
		float lo = series_at(&g, m, 0), hi = lo;
		float slo = 1, shi = 0;
		for (size_t r = 0; r < g.rows; r++) {
			lo = fminf(lo, series_at(&g, m, r));
			hi = fmaxf(hi, series_at(&g, m, r));
			slo = fminf(slo, series_at(&s, m, r));
			shi = fmaxf(shi, series_at(&s, m, r));
		}
		assert_true(slo == 0.0f && shi == 1.0f);
		for (size_t r = 0; r < g.rows; r += 37)
			assert_float_equal(series_at(&s, m, r),
					   (series_at(&g, m, r) - lo) / (hi - lo),
					   1e-5);
	}
	/* test_label: 1 exactly where some metric was injected */
	unsigned char node[1000] = {0};
	for (size_t i = 0; i < n; i++)
		memset(node + inj[i].r.start, 1,
		       (size_t)(inj[i].r.end - inj[i].r.start));
	char *text = tu_slurp(s.label_path, NULL);
	assert_non_null(text);
	assert_int_equal(strlen(text), 500 * 2);
	for (size_t r = 0; r < 500; r++)
		assert_int_equal(text[2 * r] - '0', node[500 + r]);
	free(text);
	/* interpretation_label: test-relative ranges with 1-based dims */
	snprintf(path, sizeof(path), "%s", s.interp_path);
	text = tu_slurp(path, NULL);
	assert_non_null(text);
	unsigned char marked[500] = {0};
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		long a, b;
		int used;
		assert_int_equal(sscanf(line, "%ld-%ld:%n", &a, &b, &used), 2);
		assert_true(a >= 0 && b <= 500 && a < b);
		memset(marked + a, 1, (size_t)(b - a));
		for (char *d = strtok(line + used, ","); d; d = strtok(NULL, ",")) {
			long dim = atol(d);
			assert_true(dim >= 1 && dim <= 3);
			int hit = 0;
			for (size_t i = 0; i < n && !hit; i++)
				hit = inj[i].metric == (size_t)(dim - 1) &&
				      inj[i].r.start < b + 500 &&
				      inj[i].r.end > a + 500;
			assert_true(hit);
		}
	}
	assert_memory_equal(marked, node + 500, 500);
	free(text);
	free(inj);
	series_free(&g);
	series_free(&s);
	/* vigil info reads it too */
	assert_int_equal(tu_run(out, sizeof(out), "%s info %s:synthetic",
				tu_vigil(), root),
			 0);
	assert_non_null(strstr(out, "split at 500"));
}

/* synth takes every 64-bit seed, as train does, with train's message for
 * a bad one: it read the seed as a long and refused 2^64-1 ('takes a
 * non-negative integer') while taking ' 5' with a space. */
static void test_cli_seed_as_train_takes_it(void **state)
{
	(void)state;
	SynthOptions o;
	synth_defaults(&o);
	o.seed = UINT64_MAX;
	check_labels_exact("S64", "--seed 18446744073709551615", &o);
	char out[4096];
	static const char *const bad[] = {"' 5'", "-3", "18446744073709551616"};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		int rc = tu_run(out, sizeof(out), "%s synth -o %s/bad --seed %s",
				tu_vigil(), tu_dir, bad[k]);
		if (rc != 1 || !strstr(out, "--seed takes a whole number"))
			fail_msg("--seed %s: exit %d\n%s", bad[k], rc, out);
	}
}

static void test_cli_help_and_usage(void **state)
{
	(void)state;
	char out[4096];
	assert_int_equal(tu_run(out, sizeof(out), "%s synth --help", tu_vigil()),
			 0);
	assert_non_null(strstr(out, "Usage: vigil synth"));
	assert_non_null(strstr(out, "--format smd"));
	assert_int_equal(tu_run(out, sizeof(out), "%s synth --format xml",
				tu_vigil()),
			 1);
	assert_int_equal(tu_run(out, sizeof(out), "%s synth --seed -3",
				tu_vigil()),
			 1);
	assert_int_equal(tu_run(out, sizeof(out), "%s synth --bogus",
				tu_vigil()),
			 1);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s synth -o /proc/vigil-cannot-write",
				tu_vigil()),
			 2);
	assert_non_null(strstr(out, "cannot create"));
}

/* `vigil synth` writes DIR/synthetic.csv and DIR/labels.csv, DIR "." by
 * default. A labels.csv there without synth's synthetic.csv beside it is
 * another dataset's (`vigil labels M -o labels.csv`, a folder's labels, a
 * train.csv/test.csv folder's relabelling) and is left as it was, exit 1;
 * so is a synthetic.csv holding other data. It used to be replaced. An
 * earlier run's two files are still replaced (same seed, same bytes). */
static void test_cli_keeps_other_labels(void **state)
{
	(void)state;
	char out[4096], dir[300], lab[400], syn[400];
	snprintf(dir, sizeof(dir), "%s/keep", tu_dir);
	snprintf(lab, sizeof(lab), "%s/labels.csv", dir);
	snprintf(syn, sizeof(syn), "%s/synthetic.csv", dir);
	assert_int_equal(tu_run(out, sizeof(out), "mkdir -p %s", dir), 0);
	const char *mine = "metric,start,end,start_time,end_time,source,note\n"
			   "*,10,20,,,analyst,mine\n";
	assert_int_equal(tu_write(lab, mine), 0);
	/* the default -o, the folder it runs in */
	char vig[4096];
	assert_non_null(realpath(tu_vigil(), vig));
	int rc = tu_run(out, sizeof(out), "cd %s && %s synth", dir, vig);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "labels.csv exists and no synthetic.csv "
				    "beside it"));
	char *t = tu_slurp(lab, NULL);
	assert_string_equal(t, mine);
	free(t);
	assert_int_equal(access(syn, F_OK), -1);
	/* a synthetic.csv of other data */
	assert_int_equal(tu_write(syn, "timestamp,cpu\n"), 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s synth -o %s", tu_vigil(),
				dir),
			 1);
	assert_non_null(strstr(out, "synthetic.csv exists and is not vigil "
				    "synth's output"));
	t = tu_slurp(syn, NULL);
	assert_string_equal(t, "timestamp,cpu\n");
	free(t);
	/* an earlier run's files: replaced */
	assert_int_equal(tu_run(out, sizeof(out), "rm %s %s && %s synth -o %s "
				"--seed 3 && %s synth -o %s --seed 4",
				lab, syn, tu_vigil(), dir, tu_vigil(), dir),
			 0);
	assert_non_null(strstr(out, "seed 4"));
}

/* --anomalies beyond the points is a usage error with the limit (exit 1):
 * 99999999999 used to be "out of memory", exit 3. The "open it with" line
 * of --format smd quotes the folder for the shell, so it can be pasted:
 * the command it prints opens the machine. */
static void test_cli_anomaly_limit_and_quoted_path(void **state)
{
	(void)state;
	char out[4096];
	assert_int_equal(tu_run(out, sizeof(out),
				"%s synth -o %s/L --anomalies 99999999999",
				tu_vigil(), tu_dir),
			 1);
	assert_non_null(strstr(out, "vigil synth: --anomalies takes at most "
				    "1000, the number of points (--points "
				    "1000), not 99999999999"));
	assert_null(strstr(out, "out of memory"));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s synth -o %s/L --points 20 --anomalies 21",
				tu_vigil(), tu_dir),
			 1);
	assert_non_null(strstr(out, "at most 20"));
	/* as many as the points is fine (those that do not fit are left
	   out), and --points 10 with the default 10 still works */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s synth -o %s/L --points 10", tu_vigil(),
				tu_dir),
			 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"cd %s && %s synth -o \"it's a dir\" --format "
				"smd",
				tu_dir, tu_vigil()),
			 0);
	const char *want = "open it with: vigil info 'it'\\''s a "
			   "dir/ServerMachineDataset:synthetic'\n";
	char *line = strstr(out, "open it with: ");
	assert_non_null(line);
	assert_string_equal(line, want);
	/* the printed command, run by the shell, opens the machine */
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "cd %s && %s%s", tu_dir, tu_vigil(),
		 line + strlen("open it with: vigil"));
	cmd[strlen(cmd) - 1] = '\0';
	assert_int_equal(tu_run(out, sizeof(out), "%s", cmd), 0);
	assert_non_null(strstr(out, "format    SMD"));
}

/* `vigil synth -o -` made a folder named '-' (detect's -o - is stdout;
 * labels' and train's are refused): now a usage error that writes
 * nothing, and ./- still names such a folder */
static void test_cli_dash_output_refused(void **state)
{
	(void)state;
	char dir[64], out[4096];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	int rc = tu_run(out, sizeof(out), "cd %s && %s synth -o - --points 200",
			dir, tu_vigil());
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "-o - (stdout) cannot take synth's two "
				    "files: name a folder"));
	assert_int_equal(tu_run(out, sizeof(out), "ls -A %s", dir), 0);
	assert_string_equal(out, "");
	rc = tu_run(out, sizeof(out),
		    "cd %s && %s synth -o ./- --points 200 && ls ./-", dir,
		    tu_vigil());
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "synthetic.csv"));
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_bytes),
		cmocka_unit_test(test_labels_mark_exactly_the_injected_points),
		cmocka_unit_test(test_demo_options_have_range_anomalies),
		cmocka_unit_test(test_smd_format_reads_back),
		cmocka_unit_test(test_cli_help_and_usage),
		cmocka_unit_test(test_cli_seed_as_train_takes_it),
		cmocka_unit_test(test_cli_keeps_other_labels),
		cmocka_unit_test(test_cli_anomaly_limit_and_quoted_path),
		cmocka_unit_test(test_cli_dash_output_refused),
	};
	return cmocka_run_group_tests(tests, tu_dir_setup, tu_dir_teardown);
}
