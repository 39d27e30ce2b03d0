/* `vigil train` as a user runs it: help, usage errors, training a CSV to a
 * model file with per-epoch progress lines on a non-terminal stderr and the
 * forecast metrics table, and the cache beside the dataset reused by a
 * second run. */
#include "tests/testutil.h"

#include <limits.h>
#include <locale.h>
#include <math.h>

#include "ui/textw.h"

static void write_csv(const char *path, size_t rows)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "cpu,mem\n");
	for (size_t r = 0; r < rows; r++)
		fprintf(f, "%.4f,%.4f\n", 50 + 20 * sin((double)r / 6.0),
			30 + 5 * cos((double)r / 9.0) + 0.5 * sin(r * 7.1));
	fclose(f);
}

static void test_help_and_usage_errors(void **state)
{
	(void)state;
	char out[16384];
	assert_int_equal(tu_run(out, sizeof(out), "%s train --help", tu_vigil()),
			 0);
	assert_non_null(strstr(out, "--look-back N"));
	assert_non_null(strstr(out, "--rolling W"));
	assert_non_null(strstr(out, "--split N"));
	assert_int_equal(tu_run(out, sizeof(out), "%s train", tu_vigil()), 1);
	assert_non_null(strstr(out, "DATASET"));
	assert_int_equal(tu_run(out, sizeof(out), "%s train x.csv --layers 3",
				tu_vigil()),
			 1);
	assert_non_null(strstr(out, "layers must be 1 or 2"));
	assert_int_equal(tu_run(out, sizeof(out), "%s train x.csv --lr abc",
				tu_vigil()),
			 1);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s train /nonexistent/x.csv --epochs 1",
				tu_vigil()),
			 2);
}

static void test_train_csv_to_file_prints_metrics(void **state)
{
	(void)state;
	char dir[64], out[32768];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	char csv[128], model[128];
	snprintf(csv, sizeof(csv), "%s/host.csv", dir);
	snprintf(model, sizeof(model), "%s/host.model", dir);
	write_csv(csv, 600);
	int rc = tu_run(out, sizeof(out),
			"%s train %s -o %s --epochs 3 --patience 0 --hidden 8 "
			"--seed 4",
			tu_vigil(), csv, model);
	if (rc != 0)
		print_message("%s", out);
	assert_int_equal(rc, 0);
	/* stderr is a pipe: one plain line per epoch */
	assert_non_null(strstr(out, "epoch 1/3  loss"));
	assert_non_null(strstr(out, "epoch 3/3  loss"));
	assert_null(strstr(out, "\r"));
	assert_non_null(strstr(out, "trained 3 epochs"));
	assert_non_null(strstr(out, "RMSE val"));
	assert_non_null(strstr(out, "\ncpu "));
	assert_non_null(strstr(out, "\nmem "));
	assert_non_null(strstr(out, "overall (scaled 0..1)"));
	assert_non_null(strstr(out, "x the naive forecast's"));
	assert_int_equal(access(model, R_OK), 0);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* Prometheus names alike for their first 36 characters (two filesystems
 * of node_exporter) are told apart in train's error table: each is cut
 * keeping the part where it differs. The table cut every name at 22
 * characters, so both rows read node_filesystem_avail_. */
static void test_train_table_keeps_long_names_apart(void **state)
{
	(void)state;
	char dir[64], out[32768];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	char csv[128], model[128];
	snprintf(csv, sizeof(csv), "%s/fs.csv", dir);
	snprintf(model, sizeof(model), "%s/fs.model", dir);
	FILE *f = fopen(csv, "w");
	assert_non_null(f);
	fprintf(f, "\"node_filesystem_avail_bytes{device=\"\"sda1\"\","
		   "mountpoint=\"\"/\"\"}\","
		   "\"node_filesystem_avail_bytes{device=\"\"sda2\"\","
		   "mountpoint=\"\"/data\"\"}\",cpu\n");
	for (size_t r = 0; r < 300; r++)
		fprintf(f, "%.4f,%.4f,%.4f\n", 50 + 10 * sin((double)r / 10.0),
			80 + 5 * cos((double)r / 7.0), 20 + sin(r * 7.1));
	assert_int_equal(fclose(f), 0);
	int rc = tu_run(out, sizeof(out),
			"%s train %s -o %s --epochs 2 --hidden 8 --quiet",
			tu_vigil(), csv, model);
	if (rc != 0)
		fail_msg("%s", out);
	if (!strstr(out, "\nnode_filesy~ice=\"sda1\"      ") ||
	    !strstr(out, "\nnode_filesy~ice=\"sda2\"      ") ||
	    !strstr(out, "\ncpu                    ") ||
	    strstr(out, "node_filesystem_avail_"))
		fail_msg("the table does not tell the names apart:\n%s", out);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* Names in another script line up with the rest of the table: the name
 * column was padded with %-22s, which counts bytes, so "температура"
 * (11 columns in 22 bytes) got no padding and CPU使用率 (9 columns in 15
 * bytes) 7 spaces: their rows were 11 and 6 columns short of the header. */
static void test_train_table_pads_by_columns(void **state)
{
	(void)state;
	char dir[64], out[32768], csv[128];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(csv, sizeof(csv), "%s/u.csv", dir);
	FILE *f = fopen(csv, "w");
	assert_non_null(f);
	fprintf(f, "температура,CPU使用率,b\n");
	for (size_t r = 0; r < 300; r++)
		fprintf(f, "%.3f,%.3f,%zu\n", 20 + 5 * sin((double)r / 7.0),
			50 + 10 * cos((double)r / 5.0), r % 7);
	assert_int_equal(fclose(f), 0);
	int rc = tu_run(out, sizeof(out),
			"LC_ALL=C.UTF-8 %s train %s -o %s/u.model --epochs 2 "
			"--hidden 8 --quiet",
			tu_vigil(), csv, dir);
	if (rc != 0)
		fail_msg("%s", out);
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8")); /* for wcwidth */
	const char *want[4] = {"metric ", "температура ", "CPU使用率 ", "b "};
	int width[4] = {0};
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
		for (int k = 0; k < 4; k++)
			if (!strncmp(line, want[k], strlen(want[k])))
				width[k] = textw_cols(line);
	for (int k = 1; k < 4; k++)
		if (width[k] != width[0])
			fail_msg("row '%s' is %d columns, the header %d",
				 want[k], width[k], width[0]);
	assert_true(width[0] > 22);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* A metric whose train part spans more than float's range (both -3e38 and
 * 3e38): its scaled errors and the table's scaled line are numbers, not
 * NaN (the span was infinity, every forecast NaN). */
static void test_train_span_beyond_float(void **state)
{
	(void)state;
	char dir[64], out[32768];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	char csv[128];
	snprintf(csv, sizeof(csv), "%s/huge.csv", dir);
	FILE *f = fopen(csv, "w");
	assert_non_null(f);
	fprintf(f, "cpu,wild\n");
	for (size_t r = 0; r < 400; r++)
		fprintf(f, "%.4f,%.6e\n", 50 + 20 * sin((double)r / 6.0),
			r == 5 ? 3e38 : r == 7 ? -3e38 : 1e37 * sin(r * 1.3));
	fclose(f);
	int rc = tu_run(out, sizeof(out),
			"%s train %s -o %s/m.model --epochs 2 --patience 0 "
			"--hidden 8 --seed 4",
			tu_vigil(), csv, dir);
	if (rc != 0)
		print_message("%s", out);
	assert_int_equal(rc, 0);
	char *line = strstr(out, "overall (scaled 0..1)");
	assert_non_null(line);
	char *end = strchr(line, '\n');
	assert_non_null(end);
	*end = '\0';
	assert_null(strstr(line, "nan"));
	assert_null(strstr(line, "inf"));
	*end = '\n';
	assert_null(strstr(out, "is -nan x"));
	assert_null(strstr(out, "is nan x"));
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* A train part that ends flat (a host idle for its last hour): in the
 * validation part every value repeats the one before, so the naive forecast
 * has no error at all and the model, whatever its RMSE, is not better. The
 * line used to divide by 1 instead and say "0.02 x the naive forecast's
 * (better)". */
static void test_flat_validation_is_not_better_than_naive(void **state)
{
	(void)state;
	char dir[64], out[32768], csv[128];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(csv, sizeof(csv), "%s/idle.csv", dir);
	FILE *f = fopen(csv, "w");
	assert_non_null(f);
	fprintf(f, "cpu\n");
	for (size_t r = 0; r < 400; r++)
		fprintf(f, "%.4f\n",
			r < 150 ? 50 + 20 * sin((double)r / 6.0) : 42.0);
	fclose(f);
	int rc = tu_run(out, sizeof(out),
			"%s train %s -o %s/m.model --epochs 2 --patience 0 "
			"--hidden 8 --seed 4",
			tu_vigil(), csv, dir);
	if (rc != 0)
		print_message("%s", out);
	assert_int_equal(rc, 0);
	char *line = strstr(out, "validation RMSE (scaled) is ");
	assert_non_null(line);
	char *end = strchr(line, '\n');
	assert_non_null(end);
	*end = '\0';
	/* the model's own RMSE, not a ratio, and never "better" */
	double v = -1;
	assert_int_equal(sscanf(line, "validation RMSE (scaled) is %lf", &v), 1);
	assert_true(v > 0);
	if (strstr(line, "(better)") || strstr(line, " x the naive"))
		fail_msg("%s", line);
	assert_non_null(strstr(line, "the naive forecast's is 0"));
	assert_non_null(strstr(line, "(not better)"));
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* A metric that was not recorded before the split (every train row empty,
 * a probe added later): it used to be back-filled over the whole train part
 * from its first test value, the model learnt that constant, and detect
 * flagged the metric's first test hour as a high anomaly, exit 0. Training
 * now refuses it by name (detect, score and the dashboard train through the
 * same code), info says so, and a split that gives the train part some of
 * its values trains as before. */
static void test_metric_missing_from_train_part_is_refused(void **state)
{
	(void)state;
	char dir[64], out[32768], csv[128];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(csv, sizeof(csv), "%s/late.csv", dir);
	FILE *f = fopen(csv, "w");
	assert_non_null(f);
	fprintf(f, "cpu,mem,disk\n");
	for (size_t r = 0; r < 300; r++) {
		fprintf(f, "%.4f,%.4f,", 50 + 20 * sin((double)r / 6.0),
			30 + 5 * cos((double)r / 9.0));
		if (r >= 150)
			fprintf(f, "%.4f", 70 + 10 * sin((double)r / 4.0));
		fprintf(f, "\n");
	}
	fclose(f);
	const char *says = "metric 'disk' has no value in the train part "
			   "(rows 0-149 are all missing; its first value is "
			   "in row 150)";
	int rc = tu_run(out, sizeof(out),
			"%s detect %s --epochs 2 --hidden 8 --cache-dir %s/c "
			"-o %s/det.csv",
			tu_vigil(), csv, dir, dir);
	if (rc != 2 || !strstr(out, says))
		fail_msg("exit %d:\n%s", rc, out);
	char det[128];
	snprintf(det, sizeof(det), "%s/det.csv", dir);
	assert_int_equal(access(det, F_OK), -1);
	rc = tu_run(out, sizeof(out),
		    "%s train %s --epochs 2 --hidden 8 -o %s/m.model",
		    tu_vigil(), csv, dir);
	if (rc != 2 || !strstr(out, says))
		fail_msg("exit %d:\n%s", rc, out);
	assert_int_equal(tu_run(out, sizeof(out), "%s info %s", tu_vigil(), csv),
			 0);
	assert_non_null(strstr(out, "note      disk has no value in the train "
				    "part (rows 0-149 are all missing"));
	/* the train part holding some of its values: trained and detected */
	rc = tu_run(out, sizeof(out),
		    "%s detect %s --split 200 --epochs 2 --hidden 8 "
		    "--cache-dir %s/c -o %s",
		    tu_vigil(), csv, dir, det);
	if (rc != 0)
		fail_msg("exit %d:\n%s", rc, out);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* --split and --train both set the split: given together, in either
 * order, they are a usage error. 'vigil info DATA --split 100 --train 0.9'
 * used to take --split without a word (train 100 rows, not 360). */
static void test_split_and_train_exclude_each_other(void **state)
{
	(void)state;
	char dir[64], out[8192], csv[128];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(csv, sizeof(csv), "%s/host.csv", dir);
	write_csv(csv, 400);
	static const char *const both[] = {"--split 100 --train 0.9",
					   "--train 0.9 --split 100"};
	for (size_t k = 0; k < 2; k++) {
		int rc = tu_run(out, sizeof(out), "%s info %s %s", tu_vigil(),
				csv, both[k]);
		if (rc != 1 ||
		    !strstr(out, "--split and --train both set the split"))
			fail_msg("%s: exit %d\n%s", both[k], rc, out);
	}
	assert_int_equal(tu_run(out, sizeof(out), "%s info %s --train 0.9",
				tu_vigil(), csv),
			 0);
	assert_non_null(strstr(out, "split at 360"));
	assert_int_equal(tu_run(out, sizeof(out), "%s info %s --split 100",
				tu_vigil(), csv),
			 0);
	assert_non_null(strstr(out, "split at 100"));
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* Without -o the model goes to the cache folder ($XDG_CACHE_HOME/vigil),
 * nothing beside the data, and the next train with the same data and
 * options reuses it. */
static void test_cache_in_cache_folder_is_reused(void **state)
{
	(void)state;
	char dir[64], out[32768], csv[128], cache[128];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(csv, sizeof(csv), "%s/web.csv", dir);
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	setenv("XDG_CACHE_HOME", cache, 1);
	write_csv(csv, 400);
	const char *opts = "--epochs 2 --hidden 6 --quiet";
	assert_int_equal(tu_run(out, sizeof(out), "%s train %s %s", tu_vigil(),
				csv, opts),
			 0);
	char want[160];
	snprintf(want, sizeof(want), "model: %s/vigil/web.csv.", cache);
	assert_non_null(strstr(out, want));
	assert_null(strstr(out, "reused"));
	assert_null(strstr(out, "epoch 1/2")); /* --quiet */
	assert_int_equal(tu_run(out, sizeof(out), "%s train %s %s", tu_vigil(),
				csv, opts),
			 0);
	assert_non_null(strstr(out, "reused from the cache"));
	/* other options: another model */
	assert_int_equal(tu_run(out, sizeof(out), "%s train %s %s --seed 9",
				tu_vigil(), csv, opts),
			 0);
	assert_null(strstr(out, "reused"));
	tu_run(out, sizeof(out), "ls %s/vigil | grep -c 'vigil-model$'",
	       cache);
	assert_int_equal(atoi(out), 2);
	/* the data's folder holds the data and the cache folder, no more */
	tu_run(out, sizeof(out), "ls %s", dir);
	assert_string_equal(out, "cache\nweb.csv\n");
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

static void test_same_seed_same_file_across_runs(void **state)
{
	(void)state;
	char dir[64], out[8192], csv[128];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(csv, sizeof(csv), "%s/db.csv", dir);
	write_csv(csv, 300);
	const char *opts = "--epochs 2 --hidden 5 --quiet";
	for (int k = 0; k < 3; k++)
		assert_int_equal(tu_run(out, sizeof(out),
					"%s train %s %s --seed %d -o %s/m%d",
					tu_vigil(), csv, opts, k < 2 ? 7 : 8,
					dir, k),
				 0);
	assert_int_equal(tu_run(out, sizeof(out), "cmp %s/m0 %s/m1", dir, dir),
			 0);
	assert_int_not_equal(
		tu_run(out, sizeof(out), "cmp -s %s/m0 %s/m2", dir, dir), 0);
	/* the model does not depend on --threads, nor does its file: the
	 * thread count was stored in it, so 2 threads gave another file
	 * (byte 97) of the same weights */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s train %s %s --seed 7 --batch 64 --threads 2 "
				"-o %s/t2 && %s train %s %s --seed 7 --batch 64 "
				"-o %s/t1 && cmp %s/t1 %s/t2",
				tu_vigil(), csv, opts, dir, tu_vigil(), csv,
				opts, dir, dir, dir),
			 0);
	/* and detect --model forecasts with its own --threads, alike */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect %s --model %s/t1 --quiet --points "
				"-o %s/d1.csv && %s detect %s --model %s/t1 "
				"--quiet --points --threads 3 -o %s/d3.csv && "
				"cmp %s/d1.csv.points.csv %s/d3.csv.points.csv",
				tu_vigil(), csv, dir, dir, tu_vigil(), csv, dir,
				dir, dir, dir),
			 0);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* `vigil train DATA -o /dev/stdout | cat > m`: stdout holds the model
 * alone, byte for byte the file -o FILE writes, and the table goes to
 * stderr; it was printed on stdout after the model's bytes, so the piped
 * file was a model with text after it, refused as corrupted. */
static void test_model_to_stdout_alone(void **state)
{
	(void)state;
	char dir[64], out[16384], csv[128];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(csv, sizeof(csv), "%s/db.csv", dir);
	write_csv(csv, 300);
	const char *opts = "--epochs 2 --hidden 5 --seed 3";
	assert_int_equal(tu_run(out, sizeof(out),
				"%s train %s %s -o %s/file.model", tu_vigil(),
				csv, opts, dir),
			 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s train %s %s -o /dev/stdout 2>%s/err | cat "
				"> %s/piped.model",
				tu_vigil(), csv, opts, dir, dir),
			 0);
	if (tu_run(out, sizeof(out), "cmp %s/file.model %s/piped.model", dir,
		   dir) != 0)
		fail_msg("the piped model differs from -o FILE's: %s", out);
	char path[160];
	snprintf(path, sizeof(path), "%s/err", dir);
	char *err = tu_slurp(path, NULL);
	assert_non_null(err);
	assert_non_null(strstr(err, "model: /dev/stdout\n"));
	assert_non_null(strstr(err, "overall (scaled 0..1)"));
	free(err);
	/* and the piped model is one detect takes */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect %s --model %s/piped.model --quiet "
				"-o %s/d.csv",
				tu_vigil(), csv, dir, dir),
			 0);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* CRC-32 as zlib computes it: a model file's checksum. */
static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return ~c;
}

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A model used on another SMD machine (every one names its metrics m01 to
 * m38, so the names pass) is said on stderr and on the dashboard's status
 * line, and still used: it was taken without a word. On its own machine
 * nothing is said; a version 1 file (which does not record its data) is
 * still read, silently, and detects the same. */
static void test_model_of_another_machine_warns(void **state)
{
	(void)state;
	char dir[64], out[16384], ds[200], model[160], v1[160], path[160];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	assert_int_equal(tu_run(out, sizeof(out),
				"cp -r data/samples/smd-fleet/"
				"ServerMachineDataset %s/",
				dir),
			 0);
	snprintf(ds, sizeof(ds), "%s/ServerMachineDataset", dir);
	snprintf(model, sizeof(model), "%s/m12.model", dir);
	snprintf(v1, sizeof(v1), "%s/m12-v1.model", dir);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s train %s:machine-1-2 --epochs 2 --hidden 4 "
				"--quiet -o %s",
				tu_vigil(), ds, model),
			 0);
	int rc = tu_run(out, sizeof(out),
			"%s detect %s:machine-3-10 --model %s --quiet -o "
			"%s/d2.csv",
			tu_vigil(), ds, model, dir);
	print_message("%s", out);
	assert_int_equal(rc, 0);
	char want[300];
	snprintf(want, sizeof(want),
		 "vigil: warning: the model %s was trained on machine-1-2, "
		 "not on machine-3-10: ",
		 model);
	assert_non_null(strstr(out, want));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect %s:machine-1-2 --model %s -o "
				"/dev/null",
				tu_vigil(), ds, model),
			 0);
	assert_null(strstr(out, "warning"));
	/* the dashboard says it where it says how the model came */
	snprintf(path, sizeof(path), "%s/keys", dir);
	assert_int_equal(tu_write(path, "<wait>"), 0);
	assert_int_equal(tu_run(out, sizeof(out),
				TU_DASH_ENV "COLUMNS=160 %s %s:machine-3-10 "
				"--model %s --keys %s --dump %s/screen",
				tu_vigil(), ds, model, path, dir),
			 0);
	snprintf(path, sizeof(path), "%s/screen", dir);
	char *screen = tu_slurp(path, NULL);
	assert_non_null(screen);
	if (!strstr(screen, "model loaded, trained on machine-1-2, not on "
			    "machine-3-10"))
		fail_msg("%s", screen);
	free(screen);
	/* the same model as a version 1 file: the origin (u64 hash, u32
	 * length, the name) cut from before the CRC, the version and size
	 * set back */
	size_t len = 0;
	unsigned char *b = (unsigned char *)tu_slurp(model, &len);
	assert_non_null(b);
	size_t cut = 8 + 4 + strlen("machine-1-2"), n1 = len - cut;
	assert_memory_equal(b + len - 4 - strlen("machine-1-2"),
			    "machine-1-2", strlen("machine-1-2"));
	put_le(b + 8, 1, 4);
	put_le(b + 16, n1, 8);
	put_le(b + n1 - 4, crc32_of(b, n1 - 4), 4);
	FILE *f = fopen(v1, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n1, f), n1);
	assert_int_equal(fclose(f), 0);
	free(b);
	rc = tu_run(out, sizeof(out),
		    "%s detect %s:machine-3-10 --model %s --quiet -o %s/d1.csv",
		    tu_vigil(), ds, v1, dir);
	print_message("%s", out);
	assert_int_equal(rc, 0);
	assert_null(strstr(out, "warning"));
	assert_int_equal(tu_run(out, sizeof(out), "cmp %s/d1.csv %s/d2.csv",
				dir, dir),
			 0);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* A model option out of its range is a usage error (exit 1), named, before
 * the dataset is read, in vigil train and in the commands that train
 * through the pipeline: it used to pass the parser, fail in the engine and
 * exit 2 (bad input) with "hidden must be in 1..4096". */
static void test_option_out_of_range_is_usage_error(void **state)
{
	(void)state;
	char out[16384];
	static const char *const bad[] = {
		"train x.csv --hidden 5000",   "train x.csv --look-back 20000",
		"train x.csv --batch 9000",    "train x.csv --rolling 200000",
		"detect x.csv --threads 100",  "detect x.csv --hidden 5000",
		"detect x.csv --look-back 20000", "score x.csv --hidden 5000",
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		int rc = tu_run(out, sizeof(out), "%s %s", tu_vigil(), bad[k]);
		if (rc != 1)
			fail_msg("'vigil %s' exits %d, not 1:\n%s", bad[k], rc,
				 out);
		char opt[64];
		snprintf(opt, sizeof(opt), "%s", strstr(bad[k], "--"));
		if (!strstr(out, opt) || !strstr(out, "Try 'vigil "))
			fail_msg("'vigil %s' does not name '%s':\n%s", bad[k],
				 opt, out);
	}
}

/* vigil train reads its model options with the parser detect, score, nab
 * and the dashboard share: a bad value gets the same message from each
 * (train said "--epochs takes a whole number >= 1" where detect said
 * "takes an integer >= 1", "--layers is 1 or 2" where detect named the
 * value, "--threads is 1..64" where detect said "threads must be in
 * 1..64, not 100"). */
static void test_train_and_detect_say_the_same(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"--epochs 0",	  "--hidden x",	   "--layers 3",
		"--threads 100", "--rolling 1",	   "--clip -1",
		"--batch 0",	  "--look-back -2", "--patience x",
		"--lr 0",	  "--max-train-rows y", "--seed -3",
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		char t[4096], d[4096];
		int rt = tu_run(t, sizeof(t), "%s train x.csv %s", tu_vigil(),
				bad[k]);
		int rd = tu_run(d, sizeof(d), "%s detect x.csv %s", tu_vigil(),
				bad[k]);
		/* the same words after the command's name */
		const char *wt = strstr(t, ": "), *wd = strstr(d, ": ");
		const char *et = strstr(t, "\nTry"), *ed = strstr(d, "\nTry");
		if (rt != 1 || rd != 1 || !wt || !wd || !et || !ed ||
		    et - wt != ed - wd || strncmp(wt, wd, (size_t)(et - wt)))
			fail_msg("'%s': train (exit %d) and detect (exit %d) "
				 "differ:\n%s\n%s",
				 bad[k], rt, rd, t, d);
	}
}

/* A seed train cannot hold (beyond 2^64-1, or negative behind a space) is
 * a usage error in train as in detect: train took 18446744073709551616 as
 * 18446744073709551615 (strtoull's clamp) and ' -1' as the same, and
 * trained and cached under a seed that was not given. */
static void test_seed_beyond_64_bits_is_usage_error(void **state)
{
	(void)state;
	char out[16384];
	static const char *const bad[] = {
		"train x.csv --seed 18446744073709551616",
		"train x.csv --seed 99999999999999999999",
		"train x.csv --seed ' -1'",
		"detect x.csv --seed ' -1'",
		"score x.csv --seed ' 1'",
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		int rc = tu_run(out, sizeof(out), "%s %s", tu_vigil(), bad[k]);
		if (rc != 1 || !strstr(out, "--seed takes a whole number"))
			fail_msg("'vigil %s' exits %d:\n%s", bad[k], rc, out);
	}
	/* the largest one is still taken */
	int rc = tu_run(out, sizeof(out),
			"%s train x.csv --seed 18446744073709551615",
			tu_vigil());
	if (rc != 2 || strstr(out, "--seed"))
		fail_msg("the largest seed is refused (exit %d):\n%s", rc,
			 out);
}

/* Without -o, a cache folder that cannot take the model (a file in its
 * place, a folder that cannot be written) is found out before training as
 * -o's file is: train ran the whole training first and then exited 2 with
 * nothing written. A model already cached there is still reused. */
static void test_uncachable_model_fails_before_training(void **state)
{
	(void)state;
	char dir[64], out[16384], csv[128], notdir[128];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(csv, sizeof(csv), "%s/db.csv", dir);
	write_csv(csv, 300);
	snprintf(notdir, sizeof(notdir), "%s/notdir", dir);
	assert_int_equal(tu_write(notdir, "a file\n"), 0);
	int rc = tu_run(out, sizeof(out),
			"%s train %s --epochs 2 --hidden 4 --cache-dir %s",
			tu_vigil(), csv, notdir);
	if (rc != 2 || strstr(out, "epoch 1/") || !strstr(out, notdir) ||
	    !strstr(out, "Not a directory"))
		fail_msg("train --cache-dir %s: exit %d (not 2) or trained "
			 "first:\n%s",
			 notdir, rc, out);
	/* a cache that can be written: trained once, then reused */
	rc = tu_run(out, sizeof(out),
		    "%s train %s --epochs 2 --hidden 4 --cache-dir %s/c",
		    tu_vigil(), csv, dir);
	if (rc != 0 || !strstr(out, "epoch 1/"))
		fail_msg("train into a fresh cache: exit %d:\n%s", rc, out);
	rc = tu_run(out, sizeof(out),
		    "%s train %s --epochs 2 --hidden 4 --cache-dir %s/c",
		    tu_vigil(), csv, dir);
	if (rc != 0 || !strstr(out, "reused from the cache"))
		fail_msg("the cached model is not reused: exit %d:\n%s", rc,
			 out);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* A model file train cannot write (its folder missing, a folder in its
 * place, an empty name) is found out before training, not after it: the
 * whole training ran first (minutes on a large machine) and was lost. */
static void test_unwritable_output_fails_before_training(void **state)
{
	(void)state;
	char dir[64], out[16384], csv[128];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(csv, sizeof(csv), "%s/db.csv", dir);
	write_csv(csv, 300);
	const char *const where[] = {"/no/such/folder/m", "", "/sub/"};
	tu_run(out, sizeof(out), "mkdir %s/sub", dir);
	for (int k = 0; k < 3; k++) {
		char o[256];
		snprintf(o, sizeof(o), "%s%s", dir, where[k]);
		int rc = tu_run(out, sizeof(out),
				"%s train %s --epochs 2 --hidden 4 -o %s",
				tu_vigil(), csv, o);
		if (rc != 2 || strstr(out, "epoch 1/") || !strstr(out, o))
			fail_msg("train -o %s: exit %d (not 2) or trained "
				 "first:\n%s",
				 o, rc, out);
	}
	assert_int_equal(tu_run(out, sizeof(out),
				"%s train %s --epochs 2 --hidden 4 -o ''",
				tu_vigil(), csv),
			 1);
	assert_null(strstr(out, "epoch 1/"));
	/* '-' is stdout for every other -o, and a model file is written by
	   name and renamed: train made a file named '-' in the current
	   folder ('model: -') */
	char vig[PATH_MAX];
	assert_non_null(realpath(tu_vigil(), vig));
	assert_int_equal(tu_run(out, sizeof(out),
				"cd %s && %s train db.csv --epochs 2 "
				"--hidden 4 -o -",
				dir, vig),
			 1);
	if (strstr(out, "epoch 1/") || !strstr(out, "stdout"))
		fail_msg("train -o -:\n%s", out);
	assert_int_equal(access(dir, F_OK), 0);
	char dash[128];
	snprintf(dash, sizeof(dash), "%s/-", dir);
	assert_int_not_equal(access(dash, F_OK), 0);
	/* nothing was left behind */
	tu_run(out, sizeof(out), "find %s -name '*.tmp*'", dir);
	assert_string_equal(out, "");
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* On a terminal (script(1) gives one), detect's training bar shows no
 * validation loss before the first validation as "val -", as train's bar
 * does; it printed "val nan" through the whole first epoch. Skipped without
 * script(1). */
static void test_detect_bar_before_validation(void **state)
{
	(void)state;
	char dir[64], out[65536], csv[128];
	if (tu_run(out, sizeof(out), "command -v script") != 0)
		skip();
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(csv, sizeof(csv), "%s/db.csv", dir);
	write_csv(csv, 600);
	int rc = tu_run(out, sizeof(out),
			"XDG_CACHE_HOME=%s/c script -qec '%s detect %s "
			"--epochs 2 --hidden 4 --batch 8 -o %s/det.csv' "
			"/dev/null",
			dir, tu_vigil(), csv, dir);
	if (rc != 0 || !strstr(out, "training ["))
		fail_msg("no training bar (exit %d):\n%s", rc, out);
	if (strstr(out, "nan"))
		fail_msg("the bar prints nan:\n%s", out);
	assert_non_null(strstr(out, "val -"));
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* stdout that cannot take the output (a full disk: /dev/full) is an error
 * for vigil train (its table) and vigil cache (the listing), exit 2 and
 * named, as vigil detect has it; both said nothing and exited 0 with the
 * output lost. */
static void test_full_stdout_is_an_error(void **state)
{
	(void)state;
	char dir[64], out[16384], csv[128];
	if (access("/dev/full", W_OK) != 0)
		skip();
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(csv, sizeof(csv), "%s/db.csv", dir);
	write_csv(csv, 300);
	int rc = tu_run(out, sizeof(out),
			"%s train %s --epochs 1 --hidden 4 --quiet -o %s/m "
			">/dev/full",
			tu_vigil(), csv, dir);
	if (rc != 2 || !strstr(out, "vigil train: ") ||
	    !strstr(out, "No space left on device"))
		fail_msg("train to a full stdout: exit %d\n%s", rc, out);
	rc = tu_run(out, sizeof(out),
		    "XDG_CACHE_HOME=%s/c %s cache >/dev/full", dir, tu_vigil());
	if (rc != 2 || !strstr(out, "vigil cache: ") ||
	    !strstr(out, "No space left on device"))
		fail_msg("cache to a full stdout: exit %d\n%s", rc, out);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_and_usage_errors),
		cmocka_unit_test(test_option_out_of_range_is_usage_error),
		cmocka_unit_test(test_seed_beyond_64_bits_is_usage_error),
		cmocka_unit_test(test_train_and_detect_say_the_same),
		cmocka_unit_test(test_unwritable_output_fails_before_training),
		cmocka_unit_test(test_uncachable_model_fails_before_training),
		cmocka_unit_test(test_detect_bar_before_validation),
		cmocka_unit_test(test_full_stdout_is_an_error),
		cmocka_unit_test(test_train_csv_to_file_prints_metrics),
		cmocka_unit_test(test_train_table_keeps_long_names_apart),
		cmocka_unit_test(test_train_table_pads_by_columns),
		cmocka_unit_test(test_train_span_beyond_float),
		cmocka_unit_test(test_flat_validation_is_not_better_than_naive),
		cmocka_unit_test(test_metric_missing_from_train_part_is_refused),
		cmocka_unit_test(test_split_and_train_exclude_each_other),
		cmocka_unit_test(test_cache_in_cache_folder_is_reused),
		cmocka_unit_test(test_same_seed_same_file_across_runs),
		cmocka_unit_test(test_model_to_stdout_alone),
		cmocka_unit_test(test_model_of_another_machine_warns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
