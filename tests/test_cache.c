/* The cache folder, with the real binary and a temporary XDG_CACHE_HOME:
 * train and detect write nothing beside the data; `vigil cache` names each
 * cached model's dataset with the sizes of its files; `vigil cache --clean`
 * removes all of them, or those --older-than says, or the least recently
 * used beyond --max-size, and keeps the rest and the dashboard's journals;
 * --cache-dir puts the cache where it says; and vigil train leaves the
 * forecast cache that the next vigil detect reads. */
#include "tests/testutil.h"

#include <limits.h>
#include <math.h>

static char tmp[256];     /* the test's folder */
static char xdg[300];     /* XDG_CACHE_HOME */
static char cdir[320];    /* $XDG_CACHE_HOME/vigil */
static char smd[400];     /* the SMD machine, as on the command line */
static char smd_abs[PATH_MAX + 64]; /* how vigil cache names it */
static char csv[300];     /* a small CSV file */
static char csv_abs[PATH_MAX + 64];
static char out[32768];

#define OPTS "--epochs 1 --hidden 8 --quiet"

/* The same figures as vigil cache prints. */
static void fmt_bytes(unsigned long long b, char *buf, size_t n)
{
	if (b < 1024) {
		snprintf(buf, n, "%llu B", b);
		return;
	}
	static const char *const unit[] = {"KiB", "MiB", "GiB"};
	double x = (double)b / 1024;
	int u = 0;
	while (x >= 1024 && u < 2) {
		x /= 1024;
		u++;
	}
	snprintf(buf, n, "%.1f %s", x, unit[u]);
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Files under the data's folder, with their sizes. */
static char *data_files(void)
{
	static char buf[8192];
	tu_run(buf, sizeof(buf), "cd '%s' && find d data.csv -printf '%%p %%s\\n' | sort",
	       tmp);
	return strdup(buf);
}

/* Entries (model files) in the cache folder. */
static int models_in(const char *dir)
{
	char b[64];
	tu_run(b, sizeof(b), "ls -A '%s' 2>/dev/null | grep -c 'vigil-model$'",
	       dir);
	return atoi(b);
}

/* Train with extra options; the model's path from "model: PATH" into
 * path. */
static void train(const char *dataset, const char *extra, char *path,
		  size_t n)
{
	assert_int_equal(tu_run(out, sizeof(out), "%s train '%s' " OPTS " %s",
				tu_vigil(), dataset, extra),
			 0);
	const char *m = strstr(out, "model: ");
	assert_non_null(m);
	snprintf(path, n, "%.*s", (int)strcspn(m + 7, " \n"), m + 7);
}

static int setup(void **state)
{
	(void)state;
	char buf[256];
	if (!tu_tmpdir(buf, sizeof(buf)))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s", buf);
	snprintf(xdg, sizeof(xdg), "%s/xdg", tmp);
	snprintf(cdir, sizeof(cdir), "%s/vigil", xdg);
	setenv("XDG_CACHE_HOME", xdg, 1);
	snprintf(smd, sizeof(smd),
		 "%s/d/ServerMachineDataset:machine-1-2", tmp);
	snprintf(csv, sizeof(csv), "%s/data.csv", tmp);
	if (tu_run(out, sizeof(out), "cp -r data/samples/smd-cut '%s/d'",
		   tmp) != 0)
		return -1;
	FILE *f = fopen(csv, "w");
	if (!f)
		return -1;
	fprintf(f, "cpu,mem\n");
	for (int t = 0; t < 300; t++)
		fprintf(f, "%.3f,%.3f\n", 50 + 20 * sin(t / 8.0),
			30 + 5 * cos(t / 13.0));
	if (fclose(f) != 0)
		return -1;
	char real[PATH_MAX];
	if (!realpath(tmp, real))
		return -1;
	snprintf(smd_abs, sizeof(smd_abs),
		 "%s/d/ServerMachineDataset:machine-1-2", real);
	snprintf(csv_abs, sizeof(csv_abs), "%s/data.csv", real);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_run(out, sizeof(out), "rm -rf '%s'", tmp);
	return 0;
}

/* Each test starts from an empty cache. */
static int empty_cache(void **state)
{
	(void)state;
	return tu_run(out, sizeof(out), "rm -rf '%s' '%s/mine'", xdg, tmp);
}

static void test_nothing_beside_the_data(void **state)
{
	(void)state;
	char *before = data_files();
	char model[600];
	train(smd, "", model, sizeof(model));
	assert_int_equal(strncmp(model, cdir, strlen(cdir)), 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s detect '%s' " OPTS
				" -o '%s/det.csv'",
				tu_vigil(), smd, tmp),
			 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s detect '%s' " OPTS
				" -o '%s/det2.csv'",
				tu_vigil(), csv, tmp),
			 0);
	char *after = data_files();
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* both models, each with its forecast and its note, are in the
	 * cache folder */
	assert_int_equal(models_in(cdir), 2);
	char path[700];
	snprintf(path, sizeof(path), "%s.forecast", model);
	assert_true(file_size(path) > 0);
	snprintf(path, sizeof(path), "%s.dataset", model);
	assert_true(file_size(path) > 0);
}

static void test_listing_names_dataset_and_sizes(void **state)
{
	(void)state;
	char model[600], fc[700];
	train(smd, "", model, sizeof(model));
	assert_int_equal(tu_run(out, sizeof(out), "%s detect '%s' " OPTS
				" -o '%s/det.csv'",
				tu_vigil(), smd, tmp),
			 0);
	snprintf(fc, sizeof(fc), "%s.forecast", model);
	/* 8 magic + 4 x 8 header + 38 metrics x 600 rows of floats */
	assert_int_equal(file_size(fc), 40 + 38 * 600 * 4);
	assert_int_equal(tu_run(out, sizeof(out), "%s cache", tu_vigil()), 0);
	char want[PATH_MAX + 200], msize[32];
	snprintf(want, sizeof(want), "cache folder %s: 1 model, ", cdir);
	if (!strstr(out, want))
		fail_msg("no folder line '%s' in:\n%s", want, out);
	fmt_bytes((unsigned long long)file_size(model), msize, sizeof(msize));
	snprintf(want, sizeof(want), "%s   89.1 KiB", msize);
	if (!strstr(out, want))
		fail_msg("no sizes '%s' in:\n%s", want, out);
	snprintf(want, sizeof(want), "%s (600 rows x 38 metrics)\n", smd_abs);
	if (!strstr(out, want))
		fail_msg("no dataset '%s' in:\n%s", want, out);
	/* an empty folder says so */
	tu_run(out, sizeof(out), "rm -rf '%s'", xdg);
	assert_int_equal(tu_run(out, sizeof(out), "%s cache", tu_vigil()), 0);
	snprintf(want, sizeof(want), "cache folder %s: 0 models, 0 B\n", cdir);
	assert_string_equal(out, want);
}

static void test_clean_older_than(void **state)
{
	(void)state;
	char old_model[600], new_model[600];
	train(smd, "", old_model, sizeof(old_model));
	train(csv, "", new_model, sizeof(new_model));
	/* the SMD model was last used ten days ago */
	assert_int_equal(tu_run(out, sizeof(out),
				"touch -d '10 days ago' '%s'/machine-1-2.*",
				cdir),
			 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s cache --clean --older-than 5d",
				tu_vigil()),
			 0);
	char want[PATH_MAX + 100];
	snprintf(want, sizeof(want), "%s (600 rows x 38 metrics)", smd_abs);
	if (!strstr(out, "removed ") || !strstr(out, want))
		fail_msg("the old model is not named as removed:\n%s", out);
	assert_non_null(strstr(out, "removed 1 model ("));
	assert_non_null(strstr(out, "kept 1 ("));
	assert_int_equal(access(old_model, F_OK), -1);
	char path[700];
	snprintf(path, sizeof(path), "%s.dataset", old_model);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(access(new_model, R_OK), 0);
	assert_int_equal(models_in(cdir), 1);
	/* using a model makes it recent again: 5 days does not take it */
	assert_int_equal(tu_run(out, sizeof(out),
				"touch -d '10 days ago' '%s'/data.csv.*",
				cdir),
			 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s detect '%s' " OPTS
				" -o '%s/det.csv'",
				tu_vigil(), csv, tmp),
			 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s cache --clean --older-than 5d",
				tu_vigil()),
			 0);
	assert_non_null(strstr(out, "removed 0 models (0 B), kept 1"));
	assert_int_equal(access(new_model, R_OK), 0);
	/* the options go with --clean; bad values are usage errors */
	assert_int_equal(tu_run(out, sizeof(out), "%s cache --older-than 5d",
				tu_vigil()),
			 1);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s cache --clean --older-than soon",
				tu_vigil()),
			 1);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s cache --clean --max-size 3X", tu_vigil()),
			 1);
	assert_int_equal(models_in(cdir), 1);
}

static void test_clean_max_size_drops_least_recently_used(void **state)
{
	(void)state;
	char m[3][600];
	for (int k = 0; k < 3; k++) {
		char seed[32];
		snprintf(seed, sizeof(seed), "--seed %d", k + 1);
		train(csv, seed, m[k], sizeof(m[k]));
		assert_int_equal(tu_run(out, sizeof(out), "%s detect '%s' " OPTS
					" %s -o '%s/det.csv'",
					tu_vigil(), csv, seed, tmp),
				 0);
	}
	/* last used 3, 2 and 1 days ago; every entry is the same size */
	long long entry = 0;
	const char *suffix[] = {"", ".forecast", ".dataset"};
	for (int k = 0; k < 3; k++)
		for (int j = 0; j < 3; j++) {
			char path[2000];
			snprintf(path, sizeof(path), "%s%s", m[k], suffix[j]);
			long long sz = file_size(path);
			assert_true(sz > 0);
			if (k == 0)
				entry += sz;
			assert_int_equal(tu_run(out, sizeof(out),
						"touch -d '%d days ago' '%s'",
						3 - k, path),
					 0);
		}
	/* room for two: the oldest goes */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s cache --clean --max-size %lld", tu_vigil(),
				2 * entry),
			 0);
	assert_non_null(strstr(out, "removed 1 model ("));
	assert_int_equal(access(m[0], F_OK), -1);
	assert_int_equal(access(m[1], R_OK), 0);
	assert_int_equal(access(m[2], R_OK), 0);
	/* room for one and a half: the older of the two goes */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s cache --clean --max-size %lld", tu_vigil(),
				entry + entry / 2),
			 0);
	assert_int_equal(access(m[1], F_OK), -1);
	assert_int_equal(access(m[2], R_OK), 0);
	/* a size that holds it keeps it, in any unit */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s cache --clean --max-size 1M", tu_vigil()),
			 0);
	assert_non_null(strstr(out, "removed 0 models"));
	assert_int_equal(access(m[2], R_OK), 0);
}

static void test_clean_removes_all_and_keeps_journals(void **state)
{
	(void)state;
	char a[600], b[600], journal[400];
	train(smd, "", a, sizeof(a));
	train(csv, "", b, sizeof(b));
	snprintf(journal, sizeof(journal), "%s/journal-0123456789abcdef.log",
		 cdir);
	assert_int_equal(tu_write(journal, "edit\n"), 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s cache --clean",
				tu_vigil()),
			 0);
	assert_non_null(strstr(out, "removed 2 models ("));
	assert_non_null(strstr(out, "kept 0 (0 B)"));
	assert_int_equal(models_in(cdir), 0);
	tu_run(out, sizeof(out), "ls -A '%s'", cdir);
	assert_string_equal(out, "journal-0123456789abcdef.log\n");
}

static void test_cache_dir_option(void **state)
{
	(void)state;
	char mine[320];
	snprintf(mine, sizeof(mine), "%s/mine", tmp);
	assert_int_equal(tu_run(out, sizeof(out), "%s detect '%s' " OPTS
				" --cache-dir '%s' -o '%s/det.csv'",
				tu_vigil(), csv, mine, tmp),
			 0);
	assert_int_equal(models_in(mine), 1);
	assert_int_equal(models_in(cdir), 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s cache --cache-dir '%s'",
				tu_vigil(), mine),
			 0);
	assert_non_null(strstr(out, ": 1 model, "));
	char want[PATH_MAX + 100];
	snprintf(want, sizeof(want), "%s (300 rows x 2 metrics)", csv_abs);
	if (!strstr(out, want))
		fail_msg("no dataset '%s' in:\n%s", want, out);
	/* the same model is found there again */
	assert_int_equal(tu_run(out, sizeof(out), "%s train '%s' " OPTS
				" --cache-dir '%s'",
				tu_vigil(), csv, mine),
			 0);
	assert_non_null(strstr(out, "reused from the cache"));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s cache --clean --cache-dir '%s'",
				tu_vigil(), mine),
			 0);
	assert_int_equal(models_in(mine), 0);
}

/* vigil train writes the forecast cache it computes for its error table:
 * the first vigil detect after it takes the forecast from the cache (it
 * says so) and leaves the file as it was (same inode, same time), and its
 * detections are those of a detect that forecasts again. */
static void test_train_writes_the_forecast_detect_reuses(void **state)
{
	(void)state;
	char model[600], fc[700], want[1000];
	train(smd, "", model, sizeof(model));
	snprintf(fc, sizeof(fc), "%s.forecast", model);
	snprintf(want, sizeof(want),
		 "forecast: %s (600 rows x 38 metrics; vigil detect reuses "
		 "it)\n",
		 fc);
	if (!strstr(out, want))
		fail_msg("train does not name its forecast '%s':\n%s", want,
			 out);
	assert_int_equal(file_size(fc), 40 + 38 * 600 * 4);
	struct stat before, after;
	assert_int_equal(stat(fc, &before), 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect '%s' --epochs 1 --hidden 8 "
				"-o '%s/det1.csv'",
				tu_vigil(), smd, tmp),
			 0);
	if (!strstr(out, "model loaded, forecast from the cache"))
		fail_msg("detect forecast again:\n%s", out);
	assert_int_equal(stat(fc, &after), 0);
	assert_true(before.st_ino == after.st_ino);
	assert_true(before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
		    before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
	/* without it, detect forecasts, writes it again, and agrees */
	assert_int_equal(unlink(fc), 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect '%s' --epochs 1 --hidden 8 "
				"-o '%s/det2.csv'",
				tu_vigil(), smd, tmp),
			 0);
	assert_null(strstr(out, "forecast from the cache"));
	assert_int_equal(file_size(fc), 40 + 38 * 600 * 4);
	assert_int_equal(tu_run(out, sizeof(out), "cmp '%s/det1.csv' '%s/det2.csv'",
				tmp, tmp),
			 0);
	/* a second train reuses both */
	train(smd, "", model, sizeof(model));
	assert_non_null(strstr(out, "(600 rows x 38 metrics, reused from the "
				    "cache)"));
}

/* A dataset whose file name holds an escape sequence and a byte that is
 * not UTF-8 (a downloaded file's name) is listed escaped, as vigil info
 * and every error message print it; the listing used to send the raw
 * ESC [31m to the terminal. */
static void test_listing_escapes_the_dataset_name(void **state)
{
	(void)state;
	char odd[400], model[600];
	snprintf(odd, sizeof(odd), "%s/bad\xff\x1b[31mname.csv", tmp);
	assert_int_equal(tu_run(out, sizeof(out), "cp '%s' '%s'", csv, odd),
			 0);
	train(odd, "", model, sizeof(model));
	assert_int_equal(tu_run(out, sizeof(out), "%s cache", tu_vigil()), 0);
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\xff'));
	assert_non_null(strstr(out, "/bad\\xff\\x1b[31mname.csv (300 rows x 2 "
				    "metrics)\n"));
	assert_int_equal(tu_run(out, sizeof(out), "%s cache --clean",
				tu_vigil()),
			 0);
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "removed "));
	assert_non_null(strstr(out, "/bad\\xff\\x1b[31mname.csv"));
}

/* A forecast cache whose forecasts were damaged on disk (a flipped byte
 * here, a bad sector) is not read: detect forecasts again, says nothing of
 * the cache, writes it afresh and gives the detections of the intact one.
 * It used to take the damaged forecasts as they were: one float turned
 * into 3.4e38 gave a high node detection that is not in the data. */
static void test_damaged_forecast_is_not_used(void **state)
{
	(void)state;
	char model[600], fc[700];
	train(smd, "", model, sizeof(model));
	snprintf(fc, sizeof(fc), "%s.forecast", model);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect '%s' --epochs 1 --hidden 8 "
				"-o '%s/det1.csv'",
				tu_vigil(), smd, tmp),
			 0);
	assert_non_null(strstr(out, "forecast from the cache"));
	/* metric 1's forecast of row 550 (a test row) becomes 3.4e38 */
	long long at = file_size(fc) - 4LL * 38 * 50;
	FILE *f = fopen(fc, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, (long)at, SEEK_SET), 0);
	const unsigned char big[4] = {0xff, 0xff, 0x7f, 0x7f};
	assert_int_equal(fwrite(big, 1, 4, f), 4);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect '%s' --epochs 1 --hidden 8 "
				"-o '%s/det2.csv'",
				tu_vigil(), smd, tmp),
			 0);
	if (strstr(out, "forecast from the cache"))
		fail_msg("the damaged forecast was read:\n%s", out);
	assert_int_equal(tu_run(out, sizeof(out),
				"cmp '%s/det1.csv' '%s/det2.csv' && "
				"cmp '%s/det1.csv.alerts.csv' "
				"'%s/det2.csv.alerts.csv'",
				tmp, tmp, tmp, tmp),
			 0);
	/* written afresh: the next detect reads it again */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect '%s' --epochs 1 --hidden 8 "
				"-o '%s/det3.csv'",
				tu_vigil(), smd, tmp),
			 0);
	assert_non_null(strstr(out, "forecast from the cache"));
	assert_int_equal(tu_run(out, sizeof(out),
				"cmp '%s/det1.csv' '%s/det3.csv'", tmp, tmp),
			 0);
}

/* A dataset whose name holds ".vigil-model" (a file a user saved as
 * old.vigil-model.csv) is listed and cleaned as any other: its entry
 * used to be skipped as a temporary file, never listed and never removed
 * by --clean, whatever its size. */
static void test_dataset_named_like_a_model(void **state)
{
	(void)state;
	char odd[400], model[600];
	snprintf(odd, sizeof(odd), "%s/old.vigil-model.csv", tmp);
	assert_int_equal(tu_run(out, sizeof(out), "cp '%s' '%s'", csv, odd),
			 0);
	train(odd, "", model, sizeof(model));
	assert_int_equal(tu_run(out, sizeof(out), "%s cache", tu_vigil()), 0);
	assert_non_null(strstr(out, ": 1 model, "));
	assert_non_null(strstr(out, "/old.vigil-model.csv (300 rows x 2 "
				    "metrics)\n"));
	assert_int_equal(tu_run(out, sizeof(out), "%s cache --clean",
				tu_vigil()),
			 0);
	assert_non_null(strstr(out, "removed 1 model ("));
	assert_int_equal(access(model, F_OK), -1);
	tu_run(out, sizeof(out), "ls -A '%s'", cdir);
	assert_string_equal(out, "");
}

/* A model vigil train caches with any of its model options (--layers 2,
 * --batch, --lr, --clip, --rolling, a seed beyond 2^63) is the one vigil
 * detect finds with the same options, as train says ("vigil detect reuses
 * it"): detect refused --layers, --batch, --lr, --clip and --rolling as
 * unknown options and a seed above 2^63-1, so it could only train another
 * model beside it. */
static void test_detect_reaches_every_trained_model(void **state)
{
	(void)state;
	static const char opts[] =
		"--layers 2 --batch 16 --lr 0.002 --clip 0.5 --rolling 4 "
		"--seed 9223372036854775808";
	char model[600];
	train(csv, opts, model, sizeof(model));
	assert_non_null(strstr(out, "vigil detect reuses it"));
	assert_int_equal(tu_run(out, sizeof(out), "%s detect '%s' --epochs 1 "
				"--hidden 8 %s -o '%s/det.csv'",
				tu_vigil(), csv, opts, tmp),
			 0);
	if (!strstr(out, "model loaded, forecast from the cache"))
		fail_msg("detect did not reuse the trained model:\n%s", out);
	assert_int_equal(models_in(cdir), 1);
	/* score takes them too, and finds the same model */
	char lab[400];
	snprintf(lab, sizeof(lab), "%s/lab.csv", tmp);
	assert_int_equal(tu_write(lab, "metric,start,end,start_time,end_time,"
				       "source,note\n*,200,210,,,original,\n"),
			 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s score '%s' --labels '%s' " OPTS " %s",
				tu_vigil(), csv, lab, opts),
			 0);
	assert_int_equal(models_in(cdir), 1);
	/* and refuses what train refuses, as usage errors */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect '%s' --layers 3", tu_vigil(), csv),
			 1);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect '%s' --lr 0", tu_vigil(), csv),
			 1);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s detect '%s' --rolling 1", tu_vigil(), csv),
			 1);
}

/* A model that detect trains but cannot cache (the cache folder is not a
 * folder, not writable, full) is named as not cached on stderr, with the
 * reason: detect trained it again on every run and only said "model
 * trained", as if caching worked. --quiet keeps stderr quiet. */
static void test_detect_says_when_it_cannot_cache(void **state)
{
	(void)state;
	char notdir[400];
	snprintf(notdir, sizeof(notdir), "%s/notdir", tmp);
	assert_int_equal(tu_write(notdir, "a file\n"), 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s detect '%s' --epochs 1 "
				"--hidden 8 --cache-dir '%s' -o '%s/det.csv'",
				tu_vigil(), csv, notdir, tmp),
			 0);
	if (!strstr(out, "model not cached: ") ||
	    !strstr(out, "Not a directory"))
		fail_msg("no word of the model not cached:\n%s", out);
	assert_non_null(strstr(out, "model trained"));
	assert_int_equal(tu_run(out, sizeof(out), "%s detect '%s' " OPTS
				" --cache-dir '%s' -o '%s/det.csv'",
				tu_vigil(), csv, notdir, tmp),
			 0);
	assert_string_equal(out, "");
}

/* vigil score on a folder with --jobs 2 (a job per machine: progress bars
 * off) names a model it cannot cache as detect does; the bars' switch also
 * silenced that line, so every run trained every machine again without a
 * word. --quiet still keeps it quiet. */
static void test_score_jobs_say_when_they_cannot_cache(void **state)
{
	(void)state;
	char notdir[400], dir[400];
	snprintf(notdir, sizeof(notdir), "%s/notdir2", tmp);
	assert_int_equal(tu_write(notdir, "a file\n"), 0);
	snprintf(dir, sizeof(dir), "%s/machines", tmp);
	assert_int_equal(tu_run(out, sizeof(out),
				"rm -rf '%s' && mkdir '%s' && for m in a b; do "
				"awk 'NR == 1 { print $0 \",label\"; next } "
				"{ print $0 \",\" (NR > 200 && NR < 212) }' "
				"'%s' > \"%s/$m.csv\"; done",
				dir, dir, csv, dir),
			 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s score '%s' --jobs 2 --epochs 1 --hidden 8 "
				"--cache-dir '%s' 2>&1 >/dev/null",
				tu_vigil(), dir, notdir),
			 0);
	const char *one = strstr(out, "model not cached: ");
	if (!one || !strstr(one + 1, "model not cached: ") ||
	    !strstr(out, "Not a directory"))
		fail_msg("no word of the models not cached:\n%s", out);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s score '%s' --jobs 2 " OPTS
				" --cache-dir '%s' 2>&1 >/dev/null",
				tu_vigil(), dir, notdir),
			 0);
	assert_string_equal(out, "");
}

/* The model files vigil cache lists for the built-in demo: how many,
 * and whether their model sizes are all the same. */
static int demo_models(int *same_size)
{
	assert_int_equal(tu_run(out, sizeof(out), "%s cache", tu_vigil()), 0);
	int n = 0;
	*same_size = 1;
	char first[16] = "";
	for (const char *l = out; *l;) {
		size_t len = strcspn(l, "\n");
		const char *demo = strstr(l, "built-in demo");
		if (demo && demo < l + len) {
			if (!n++)
				snprintf(first, sizeof(first), "%.10s", l);
			else if (strncmp(first, l, 10))
				*same_size = 0;
		}
		l += len + (l[len] == '\n');
	}
	return n;
}

/* The demo's quick model (hidden 32, 12 epochs) takes the options a user
 * gives and keeps the quick settings the user did not replace: --threads 2
 * opens the same model (the cached one) with two threads, --seed 3 trains
 * the quick model with that seed. Before, --threads, --seed, --look-back,
 * --patience and --max-train-rows each replaced it by the full model
 * (hidden 50, 50 epochs, trained anew), while --layers, --batch, --lr,
 * --clip and --rolling kept it. */
static void test_demo_quick_model_takes_the_options(void **state)
{
	(void)state;
	char keys[400], dump[400];
	snprintf(keys, sizeof(keys), "%s/wait.keys", tmp);
	snprintf(dump, sizeof(dump), "%s/demo.txt", tmp);
	assert_int_equal(tu_write(keys, "<wait>\n"), 0);
	static const struct {
		const char *opts, *says;
	} runs[] = {
		{"", "model trained in"},
		{"--threads 2", "model from the cache"},
		{"--seed 3", "model trained in"},
		{"--seed 3 --threads 2", "model from the cache"},
	};
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		assert_int_equal(tu_run(out, sizeof(out),
					TU_DASH_ENV "%s %s --keys '%s' --dump '%s'",
					tu_vigil(), runs[i].opts, keys, dump),
				 0);
		char *screen = tu_slurp(dump, NULL);
		assert_non_null(screen);
		if (!strstr(screen, runs[i].says))
			fail_msg("vigil %s: no '%s' in\n%s", runs[i].opts,
				 runs[i].says, screen);
		free(screen);
	}
	int same;
	assert_int_equal(demo_models(&same), 2);
	assert_true(same); /* both the quick model's size */
	/* --hidden and --epochs still replace the quick ones */
	assert_int_equal(tu_run(out, sizeof(out),
				TU_DASH_ENV "%s --hidden 40 --keys '%s' "
				"--dump '%s'",
				tu_vigil(), keys, dump),
			 0);
	assert_int_equal(demo_models(&same), 3);
	assert_false(same);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_nothing_beside_the_data,
				       empty_cache),
		cmocka_unit_test_setup(test_listing_names_dataset_and_sizes,
				       empty_cache),
		cmocka_unit_test_setup(test_clean_older_than, empty_cache),
		cmocka_unit_test_setup(
			test_clean_max_size_drops_least_recently_used,
			empty_cache),
		cmocka_unit_test_setup(test_clean_removes_all_and_keeps_journals,
				       empty_cache),
		cmocka_unit_test_setup(test_cache_dir_option, empty_cache),
		cmocka_unit_test_setup(test_listing_escapes_the_dataset_name,
				       empty_cache),
		cmocka_unit_test_setup(
			test_train_writes_the_forecast_detect_reuses,
			empty_cache),
		cmocka_unit_test_setup(test_damaged_forecast_is_not_used,
				       empty_cache),
		cmocka_unit_test_setup(test_dataset_named_like_a_model,
				       empty_cache),
		cmocka_unit_test_setup(test_detect_reaches_every_trained_model,
				       empty_cache),
		cmocka_unit_test_setup(test_detect_says_when_it_cannot_cache,
				       empty_cache),
		cmocka_unit_test_setup(
			test_score_jobs_say_when_they_cannot_cache,
			empty_cache),
		cmocka_unit_test_setup(test_demo_quick_model_takes_the_options,
				       empty_cache),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
