/* Hostile input, run as a user would meet it: model files with a valid
 * CRC but a wrong weight count or a huge declared shape, special files
 * (/dev/zero, a FIFO, a folder) as every file argument, NUL bytes inside
 * fields, data whose names hold terminal escape sequences, and a very long
 * interpretation_label line. Each case
 * must end quickly with exit 2 and a message naming what is wrong; nothing
 * from a data file may reach the terminal unescaped. */
#include "tests/testutil.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "data/clock.h"

static char tmp[64];
static char data[128];   /* TMP/d/synthetic.csv: 1000 rows, 3 metrics */
static char labels[128]; /* TMP/d/labels.csv */
static char model[128];  /* TMP/m.model: hidden 4, 829 bytes */
static char keys[128];   /* TMP/keys: a dashboard script that quits */
static char fifo[128];   /* TMP/fifo: a FIFO nobody writes to */

static int setup(void **state)
{
	(void)state;
	if (!tu_tmpdir(tmp, sizeof(tmp)))
		return -1;
	char out[4096];
	snprintf(data, sizeof(data), "%s/d/synthetic.csv", tmp);
	snprintf(labels, sizeof(labels), "%s/d/labels.csv", tmp);
	snprintf(model, sizeof(model), "%s/m.model", tmp);
	snprintf(keys, sizeof(keys), "%s/keys", tmp);
	snprintf(fifo, sizeof(fifo), "%s/fifo", tmp);
	if (tu_run(out, sizeof(out), "%s synth --seed 7 -o %s/d", tu_vigil(),
		   tmp) ||
	    tu_run(out, sizeof(out),
		   "%s train %s --hidden 4 --epochs 2 --quiet -o %s",
		   tu_vigil(), data, model) ||
	    tu_write(keys, "q\n") || mkfifo(fifo, 0600) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char out[256];
	tu_run(out, sizeof(out), "rm -rf %s", tmp);
	return 0;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* CRC-32 as zlib computes it: the model file's checksum. */
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

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Offsets of the model file's fields (engine/modelfile.c). */
enum { OFF_HIDDEN = 32, OFF_LAYERS = 40, OFF_METRICS = 108,
       OFF_FEATURES = 116, OFF_NPARAMS = 124 };

/* A copy of the trained model at path with fields changed (pairs of
 * offset, value; offset -1 ends) and the CRC made valid again. */
static void patched_model(const char *path, const long long *changes)
{
	size_t len = 0;
	unsigned char *d = (unsigned char *)tu_slurp(model, &len);
	assert_non_null(d);
	assert_int_equal(len, 829);
	for (size_t i = 0; changes[i] >= 0; i += 2)
		put_u64(d + changes[i], (uint64_t)changes[i + 1]);
	uint32_t crc = crc32_of(d, len - 4);
	for (int i = 0; i < 4; i++)
		d[len - 4 + (size_t)i] = (unsigned char)(crc >> (8 * i));
	write_bytes(path, d, len);
	free(d);
}

static void assert_no_sanitizer_report(const char *out)
{
	assert_null(strstr(out, "AddressSanitizer"));
	assert_null(strstr(out, "LeakSanitizer"));
	assert_null(strstr(out, "runtime error"));
}

static void test_model_with_wrong_weight_count(void **state)
{
	(void)state;
	char path[160], out[4096];
	size_t len = 0;
	unsigned char *d = (unsigned char *)tu_slurp(model, &len);
	assert_non_null(d);
	uint64_t n = get_u64(d + OFF_NPARAMS);
	free(d);
	/* hidden 4, 3 metrics: (3 + 4) x 16 + 16 + 4 x 3 + 3 weights */
	assert_int_equal(n, 143);
	snprintf(path, sizeof(path), "%s/wrong-count.model", tmp);
	patched_model(path, (const long long[]){OFF_NPARAMS, 144, -1});
	int rc = tu_run(out, sizeof(out), "%s detect %s --model %s",
			tu_vigil(), data, path);
	print_message("%s", out);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "wrong-count.model: corrupted model file: "
				    "144 weights where the shape (3 metrics, "
				    "hidden 4, 1 layer) needs 143"));
	assert_no_sanitizer_report(out);
}

static void test_model_with_huge_shape(void **state)
{
	(void)state;
	char path[160], out[4096];
	/* hidden 4096, 2 layers, a million metrics: 20,682,359,360 weights,
	 * 82 GB, declared by a 829-byte file with a valid CRC. The check
	 * must come before any allocation: a plain run gets 1 GB of address
	 * space (the sanitizers reserve more than that for themselves). */
	const char *limit = tu_sanitized() ? "" : "ulimit -v 1000000; ";
	snprintf(path, sizeof(path), "%s/huge.model", tmp);
	patched_model(path, (const long long[]){OFF_HIDDEN, 4096, OFF_LAYERS,
						2, OFF_METRICS, 1000000,
						OFF_FEATURES, 1000000,
						OFF_NPARAMS, 20682359360LL,
						-1});
	int rc = tu_run(out, sizeof(out), "%s%s detect %s --model %s", limit,
			tu_vigil(), data, path);
	print_message("%s", out);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "huge.model: corrupted model file: its "
				    "shape (1000000 metrics, hidden 4096, 2 "
				    "layers, 20682359360 weights) needs at "
				    "least 82741437600 bytes, the file has "
				    "829"));
	assert_no_sanitizer_report(out);
	/* the same shape with the old weight count: the count is wrong */
	patched_model(path, (const long long[]){OFF_HIDDEN, 4096, OFF_LAYERS,
						2, OFF_METRICS, 1000000,
						OFF_FEATURES, 1000000, -1});
	rc = tu_run(out, sizeof(out), "%s%s detect %s --model %s", limit,
		    tu_vigil(), data, path);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "143 weights where the shape (1000000 "
				    "metrics, hidden 4096, 2 layers) needs "
				    "20682359360"));
	assert_no_sanitizer_report(out);
}

/* Every command line that takes a file, with %s where the file goes. */
static const char *const file_args[] = {
	"info %s",
	"score %s",
	"detect %s",
	"watch %s --model TMP/m.model",
	"watch DATA --model %s",
	"train %s --quiet",
	"%s --keys KEYS",
	"detect DATA --model %s",
	"score DATA --labels %s",
	"score DATA --labels %s --label-format csv",
	"score DATA --labels %s --label-format interp",
	"score DATA --labels LABELS --detections %s",
	"labels DATA --labels %s -o TMP/out.csv",
	"DATA --model %s --keys KEYS",
	"DATA --labels %s --keys KEYS",
	"DATA --no-model --keys %s",
};

/* Expand DATA, LABELS, KEYS and TMP in a template, and %s to file. */
static void expand(const char *tpl, const char *file, char *buf, size_t n)
{
	size_t o = 0;
	for (const char *p = tpl; *p && o + 1 < n;) {
		const char *rep = NULL;
		size_t skip = 1;
		if (!strncmp(p, "%s", 2))
			rep = file, skip = 2;
		else if (!strncmp(p, "DATA", 4))
			rep = data, skip = 4;
		else if (!strncmp(p, "LABELS", 6))
			rep = labels, skip = 6;
		else if (!strncmp(p, "KEYS", 4))
			rep = keys, skip = 4;
		else if (!strncmp(p, "TMP", 3))
			rep = tmp, skip = 3;
		if (rep) {
			o += (size_t)snprintf(buf + o, n - o, "%s", rep);
			p += skip;
		} else {
			buf[o++] = *p++;
		}
	}
	buf[o < n ? o : n - 1] = '\0';
}

static void expect_refused_quickly(const char *file, const char *what)
{
	for (size_t i = 0; i < sizeof(file_args) / sizeof(file_args[0]); i++) {
		char args[1024], out[4096], want[256];
		expand(file_args[i], file, args, sizeof(args));
		double t0 = clock_mono_seconds();
		/* timeout: a regression must fail the test, not hang it */
		int rc = tu_run(out, sizeof(out), "timeout 10 %s %s </dev/null",
				tu_vigil(), args);
		double dt = clock_mono_seconds() - t0;
		print_message("vigil %s -> %d in %.3f s: %s", args, rc, dt, out);
		assert_int_equal(rc, 2);
		snprintf(want, sizeof(want), "%s: is %s, not a regular file",
			 file, what);
		assert_non_null(strstr(out, want));
		assert_true(dt < 1.0);
		assert_no_sanitizer_report(out);
	}
}

static void test_dev_zero_as_every_file_argument(void **state)
{
	(void)state;
	expect_refused_quickly("/dev/zero", "a character device");
}

static void test_fifo_as_every_file_argument(void **state)
{
	(void)state;
	expect_refused_quickly(fifo, "a FIFO (named pipe)");
}

/* -o naming a FIFO (or a device: /dev/null, /dev/stdout) writes into it;
 * the atomic save's rename would have put a regular file in its place
 * (run as root, `-o /dev/null` replaced /dev/null). A folder is refused. */
static void test_output_to_a_fifo_stays_a_fifo(void **state)
{
	(void)state;
	char out[4096], ofifo[160], got[160];
	snprintf(ofifo, sizeof(ofifo), "%s/out.fifo", tmp);
	snprintf(got, sizeof(got), "%s/got.json", tmp);
	assert_int_equal(mkfifo(ofifo, 0600), 0);
	int rc = tu_run(out, sizeof(out),
			"timeout 20 cat %s > %s & %s detect %s --model %s --format json "
			"-o %s --quiet; rc=$?; wait; exit $rc",
			ofifo, got, tu_vigil(), data, model, ofifo);
	assert_int_equal(rc, 0);
	struct stat sb;
	assert_int_equal(lstat(ofifo, &sb), 0);
	assert_true(S_ISFIFO(sb.st_mode));
	size_t len = 0;
	char *json = tu_slurp(got, &len);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"detections\""));
	assert_non_null(strstr(json, "\"thresholds\""));
	free(json);
	unlink(ofifo);
	rc = tu_run(out, sizeof(out), "%s detect %s --model %s -o %s/d",
		    tu_vigil(), data, model, tmp);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "is a folder, not a file"));
	assert_no_sanitizer_report(out);
}

/* -o naming a symbolic link to a regular file writes that file and keeps
 * the link: the rename used to go over the link itself, which left a copy
 * in its place (the linked file unchanged); through /dev/fd/N (as through
 * /dev/stdout when stdout is a file) the temporary file was made in /proc,
 * refused as "No such file or directory", or, run as root with
 * /dev/stdout, put a regular file in /dev in place of /dev/stdout. */
static void test_output_through_a_symlink(void **state)
{
	(void)state;
	char out[4096], real[160], link[160], fd3[160];
	snprintf(real, sizeof(real), "%s/real.json", tmp);
	snprintf(link, sizeof(link), "%s/link.json", tmp);
	snprintf(fd3, sizeof(fd3), "%s/fd3.json", tmp);
	assert_int_equal(tu_write(real, "old\n"), 0);
	assert_int_equal(symlink("real.json", link), 0);
	int rc = tu_run(out, sizeof(out),
			"%s detect %s --model %s --format json -o %s --quiet",
			tu_vigil(), data, model, link);
	assert_int_equal(rc, 0);
	struct stat sb;
	assert_int_equal(lstat(link, &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	char *json = tu_slurp(real, NULL);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"detections\""));
	free(json);
	/* a labels file saved through a link: the same */
	char lab[160];
	snprintf(lab, sizeof(lab), "%s/lab-link.csv", tmp);
	assert_int_equal(symlink("real.json", lab), 0);
	rc = tu_run(out, sizeof(out), "%s labels %s --labels %s -o %s --force",
		    tu_vigil(), data, labels, lab);
	assert_int_equal(rc, 0);
	assert_int_equal(lstat(lab, &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	char *csv = tu_slurp(real, NULL);
	assert_non_null(csv);
	assert_true(!strncmp(csv, "metric,start,end,", 17));
	free(csv);
	/* /dev/fd/3, a link to the file the shell opened as descriptor 3 */
	rc = tu_run(out, sizeof(out),
		    "%s detect %s --model %s --format json -o /dev/fd/3 "
		    "--quiet 3>%s",
		    tu_vigil(), data, model, fd3);
	assert_int_equal(rc, 0);
	json = tu_slurp(fd3, NULL);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"thresholds\""));
	free(json);
	assert_no_sanitizer_report(out);
}

/* A train.csv/test.csv folder whose train.csv is a FIFO (or a device, or
 * a folder) is refused at once, naming that file and what it is, not as
 * a folder of no known layout. */
static void test_psm_folder_with_a_fifo(void **state)
{
	(void)state;
	char out[4096], dir[200], want[300];
	snprintf(dir, sizeof(dir), "%s/psm", tmp);
	assert_int_equal(tu_run(out, sizeof(out),
				"mkdir -p %s && cp data/samples/psm/test.csv %s && "
				"mkfifo %s/train.csv",
				dir, dir, dir),
			 0);
	double t0 = clock_mono_seconds();
	int rc = tu_run(out, sizeof(out), "timeout 20 %s info %s",
			tu_vigil(), dir);
	assert_int_equal(rc, 2);
	assert_true(clock_mono_seconds() - t0 < 5.0);
	snprintf(want, sizeof(want),
		 "%s/train.csv: is a FIFO (named pipe), not a regular file",
		 dir);
	assert_non_null(strstr(out, want));
	assert_no_sanitizer_report(out);
}

/* vigil score on a folder of CSV files, one of them a FIFO named
 * pipe.csv: the FIFO is skipped with what it is and the others are scored.
 * The look at each file's first line (is it a label CSV?) opened it with
 * fopen, which waited for a writer for good: the command hung. */
static void test_fifo_in_a_folder_of_csv_files(void **state)
{
	(void)state;
	char out[8192], dir[200], want[300];
	snprintf(dir, sizeof(dir), "%s/fold", tmp);
	assert_int_equal(tu_run(out, sizeof(out),
				"mkdir -p %s && cp %s %s %s && mkfifo %s/pipe.csv",
				dir, data, labels, dir, dir),
			 0);
	/* timeout: a regression must fail the test, not hang it */
	int rc = tu_run(out, sizeof(out),
			"timeout 120 %s score %s --hidden 4 --epochs 2 --quiet "
			"</dev/null",
			tu_vigil(), dir);
	assert_int_equal(rc, 2);
	snprintf(want, sizeof(want),
		 "%s/pipe.csv: is a FIFO (named pipe), not a regular file", dir);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "1 of 2 datasets scored"));
	assert_no_sanitizer_report(out);
}

/* An SMD machine whose files are FIFOs (in train/ and test/, so the
 * machines view lists it): named as FIFOs; it was said to be missing,
 * 'cannot open: No such file or directory (no machine 'machine-9' ...)'. */
static void test_fifo_as_smd_machine(void **state)
{
	(void)state;
	char out[8192], dir[200], want[300];
	snprintf(dir, sizeof(dir), "%s/smdfifo", tmp);
	assert_int_equal(tu_run(out, sizeof(out),
				"mkdir -p %s && cp -r data/samples/smd-cut/"
				"ServerMachineDataset/* %s/ && mkfifo "
				"%s/train/machine-9.txt %s/test/machine-9.txt",
				dir, dir, dir, dir),
			 0);
	int rc = tu_run(out, sizeof(out),
			"timeout 60 %s info %s:machine-9 </dev/null",
			tu_vigil(), dir);
	assert_int_equal(rc, 2);
	snprintf(want, sizeof(want),
		 "%s/test/machine-9.txt: is a FIFO (named pipe), not a regular "
		 "file", dir);
	if (!strstr(out, want) || strstr(out, "No such file"))
		fail_msg("%s", out);
	/* a machine that is not there is still said with those that are */
	rc = tu_run(out, sizeof(out), "%s info %s:nope", tu_vigil(), dir);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "no machine 'nope' in "));
	assert_no_sanitizer_report(out);
}

/* An SMD machine whose label files are a FIFO (interpretation_label) and
 * /dev/zero (test_label) names them, at once, in score, labels and the
 * dashboard (exit 2). Before, they were taken as missing: 'score' said
 * '--labels FILE is needed: ... has no label file of its own' (exit 1) and
 * the dashboard opened without labels, saying nothing. */
static void test_fifo_as_smd_label_files(void **state)
{
	(void)state;
	char out[8192], dir[200], m[260], want[300];
	snprintf(dir, sizeof(dir), "%s/smdlab", tmp);
	snprintf(m, sizeof(m), "%s:machine-1-2", dir);
	assert_int_equal(
		tu_run(out, sizeof(out),
		       "mkdir -p %s && cp -r data/samples/smd-cut/"
		       "ServerMachineDataset/* %s/ && cd %s && "
		       "rm interpretation_label/machine-1-2.txt "
		       "test_label/machine-1-2.txt && mkfifo "
		       "interpretation_label/machine-1-2.txt && ln -s /dev/zero "
		       "test_label/machine-1-2.txt",
		       dir, dir, dir),
		0);
	static const char *const cmds[] = {
		"score %s",
		"labels %s -o TMP/l.csv",
		"%s --no-model --keys KEYS",
	};
	static const char *const said[] = {
		"interpretation_label/machine-1-2.txt: is a FIFO (named pipe), "
		"not a regular file",
		"test_label/machine-1-2.txt: is a character device, not a "
		"regular file",
		"interpretation_label/machine-1-2.txt: is a FIFO (named pipe), "
		"not a regular file",
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char args[600];
		expand(cmds[i], m, args, sizeof(args));
		double t0 = clock_mono_seconds();
		int rc = tu_run(out, sizeof(out), "timeout 10 %s %s </dev/null",
				tu_vigil(), args);
		double dt = clock_mono_seconds() - t0;
		print_message("vigil %s -> %d in %.3f s: %s", args, rc, dt, out);
		snprintf(want, sizeof(want), "%s/%s", dir, said[i]);
		assert_int_equal(rc, 2);
		assert_non_null(strstr(out, want));
		assert_true(dt < 1.0);
		assert_no_sanitizer_report(out);
	}
}

/* The label file found beside a CSV file (labels.csv), in a train.csv/
 * test.csv folder (test_label.csv) and above a NAB file
 * (labels/combined_windows.json), when it is a FIFO, is named by score and
 * the dashboard, at once: exit 2, or for the dashboard on a CSV file the
 * labels left out, said ('labels left out: …/labels.csv: is a FIFO ...')
 * as for any label file found that does not fit. Before, it was taken as
 * missing: '--labels FILE is needed: ... has no label file of its own'
 * (exit 1), the dashboard opening without labels, saying nothing. */
static void test_fifo_as_label_file_beside_the_data(void **state)
{
	(void)state;
	char out[8192];
	assert_int_equal(
		tu_run(out, sizeof(out),
		       "cd %s && mkdir lc lp ln ln/data ln/labels && "
		       "cp d/synthetic.csv lc/ && mkfifo lc/labels.csv && "
		       "cp $OLDPWD/data/samples/psm/train.csv "
		       "$OLDPWD/data/samples/psm/test.csv lp/ && "
		       "mkfifo lp/test_label.csv && "
		       "cp $OLDPWD/data/samples/nab/realAWSCloudwatch/"
		       "ec2_network_in_257a54.csv ln/data/ && "
		       "mkfifo ln/labels/combined_windows.json",
		       tmp),
		0);
	static const struct {
		const char *cmd, *fifo;
		int rc;
	} cases[] = {
		{"score TMP/lc/synthetic.csv", "lc/labels.csv", 2},
		{"TMP/lc/synthetic.csv --no-model --keys KEYS", "/labels.csv", 0},
		{"score TMP/lp", "lp/test_label.csv", 2},
		{"score TMP/ln/data/ec2_network_in_257a54.csv",
		 "ln/labels/combined_windows.json", 2},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char args[600], want[300];
		expand(cases[i].cmd, "", args, sizeof(args));
		double t0 = clock_mono_seconds();
		int rc = tu_run(out, sizeof(out),
				"TERM=xterm-256color COLUMNS=80 LINES=24 "
				"timeout 10 %s %s </dev/null",
				tu_vigil(), args);
		double dt = clock_mono_seconds() - t0;
		print_message("vigil %s -> %d in %.3f s: %s", args, rc, dt, out);
		snprintf(want, sizeof(want), "%s: is a FIFO (named pipe), not a",
			 cases[i].fifo);
		assert_int_equal(rc, cases[i].rc);
		assert_non_null(strstr(out, want));
		assert_true(dt < 1.0);
		assert_no_sanitizer_report(out);
	}
}

/* vigil synth -o DIR where DIR/synthetic.csv is a FIFO: refused as not
 * synth's output (exit 1), the FIFO left alone. The look at its first
 * line opened it with fopen, which waited for a writer for good. */
static void test_synth_over_a_fifo(void **state)
{
	(void)state;
	char out[4096], dir[200], want[300];
	snprintf(dir, sizeof(dir), "%s/synth-fifo", tmp);
	assert_int_equal(tu_run(out, sizeof(out),
				"mkdir -p %s && mkfifo %s/synthetic.csv", dir,
				dir),
			 0);
	int rc = tu_run(out, sizeof(out),
			"timeout 60 %s synth --seed 7 -o %s </dev/null",
			tu_vigil(), dir);
	assert_int_equal(rc, 1);
	snprintf(want, sizeof(want),
		 "%s/synthetic.csv exists and is not vigil synth's output",
		 dir);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "%s/synthetic.csv", dir);
	struct stat sb;
	assert_int_equal(lstat(want, &sb), 0);
	assert_true(S_ISFIFO(sb.st_mode));
	assert_no_sanitizer_report(out);
}

static void test_folder_as_labels_is_named(void **state)
{
	(void)state;
	char out[4096];
	int rc = tu_run(out, sizeof(out), "%s score %s --labels %s/d",
			tu_vigil(), data, tmp);
	assert_int_equal(rc, 2);
	char want[160];
	snprintf(want, sizeof(want), "%s/d: is a folder, not a regular file",
		 tmp);
	assert_non_null(strstr(out, want));
}

/* vigil nab's NAB_DATA_DIR that is not a folder, or is missing, says what
 * it is, at once (exit 2). Before, each read 'cannot read the folder', the
 * reason left out. */
static void test_nab_folder_that_is_not_one(void **state)
{
	(void)state;
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/no-such-folder", tmp);
	const struct {
		const char *dir, *said;
	} cases[] = {
		{"/dev/zero", "is a character device, not a folder"},
		{fifo, "is a FIFO (named pipe), not a folder"},
		{data, "is a regular file, not a folder"},
		{missing, "cannot read the folder: No such file or directory"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[4096], want[300];
		double t0 = clock_mono_seconds();
		int rc = tu_run(out, sizeof(out),
				"timeout 10 %s nab %s -o %s/nabout </dev/null",
				tu_vigil(), cases[i].dir, tmp);
		double dt = clock_mono_seconds() - t0;
		print_message("vigil nab %s -> %d in %.3f s: %s", cases[i].dir,
			      rc, dt, out);
		snprintf(want, sizeof(want), "vigil nab: %s: %s", cases[i].dir,
			 cases[i].said);
		assert_int_equal(rc, 2);
		assert_non_null(strstr(out, want));
		assert_true(dt < 1.0);
		assert_no_sanitizer_report(out);
	}
}

static void test_nul_byte_in_a_field(void **state)
{
	(void)state;
	char path[160], out[4096];
	/* a data CSV: line 3, field 2 */
	static const char csv[] = "timestamp,a,b\n"
				  "2022-01-01 00:00:00,1,2\n"
				  "2022-01-01 00:01:00,3\0009,4\n"
				  "2022-01-01 00:02:00,1,2\n";
	snprintf(path, sizeof(path), "%s/nul.csv", tmp);
	write_bytes(path, csv, sizeof(csv) - 1);
	int rc = tu_run(out, sizeof(out), "%s info %s", tu_vigil(), path);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "nul.csv:3:2: a NUL byte inside a field"));
	/* a label CSV: line 3, column 23 (inside the source field) */
	static const char lab[] = "metric,start,end,start_time,end_time,"
				  "source,note\n"
				  "cpu_usage,5,9,,,original,\n"
				  "cpu_usage,20,29,,,orig\000inal,\n";
	snprintf(path, sizeof(path), "%s/nul-labels.csv", tmp);
	write_bytes(path, lab, sizeof(lab) - 1);
	rc = tu_run(out, sizeof(out), "%s score %s --labels %s", tu_vigil(),
		    data, path);
	assert_int_equal(rc, 2);
	assert_non_null(
		strstr(out, "nul-labels.csv:3:23: a NUL byte inside a field"));
	/* a detections CSV: line 2, column 14 (inside the end field) */
	static const char det[] = "metric,start,end,start_time,end_time,"
				  "criticality,peak_score\n"
				  "cpu_usage,5,9\0000,,,low,1.5\n";
	snprintf(path, sizeof(path), "%s/nul-det.csv", tmp);
	write_bytes(path, det, sizeof(det) - 1);
	rc = tu_run(out, sizeof(out), "%s score %s --labels %s --detections %s",
		    tu_vigil(), data, labels, path);
	assert_int_equal(rc, 2);
	assert_non_null(
		strstr(out, "nul-det.csv:2:14: a NUL byte inside a field"));
}

static int has_byte(const char *s, char c)
{
	return strchr(s, c) != NULL;
}

static void test_escape_sequences_in_a_header_are_escaped(void **state)
{
	(void)state;
	char path[160], out[8192], dump[160];
	/* a header that sets the window title and clears the screen */
	snprintf(path, sizeof(path), "%s/esc.csv", tmp);
	assert_int_equal(tu_write(path, "timestamp,\033]0;pwned\007\033[2J,b\n"
					"2022-01-01 00:00:00,1,2\n"
					"2022-01-01 00:01:00,2,3\n"
					"2022-01-01 00:02:00,3,\033[31mred\n"),
			 0);
	/* the bad cell's message quotes it escaped */
	int rc = tu_run(out, sizeof(out), "%s info %s", tu_vigil(), path);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "found '\\x1b[31mred'"));
	assert_false(has_byte(out, '\033'));
	/* vigil info lists the name escaped */
	assert_int_equal(tu_write(path, "timestamp,\033]0;pwned\007\033[2J,b\n"
					"2022-01-01 00:00:00,1,2\n"
					"2022-01-01 00:01:00,2,3\n"
					"2022-01-01 00:02:00,3,4\n"
					"2022-01-01 00:03:00,2,3\n"),
			 0);
	rc = tu_run(out, sizeof(out), "%s info %s", tu_vigil(), path);
	assert_int_equal(rc, 0);
	assert_non_null(
		strstr(out, "metrics   2: \\x1b]0;pwned\\x07\\x1b[2J, b"));
	assert_false(has_byte(out, '\033'));
	assert_false(has_byte(out, '\007'));
	/* and so does the dashboard's metric list and plot title */
	snprintf(dump, sizeof(dump), "%s/screen.txt", tmp);
	rc = tu_run(out, sizeof(out),
		    "TERM=xterm-256color COLUMNS=80 LINES=24 %s %s --no-model "
		    "--keys %s --dump %s",
		    tu_vigil(), path, keys, dump);
	assert_int_equal(rc, 0);
	char *screen = tu_slurp(dump, NULL);
	assert_non_null(screen);
	assert_non_null(strstr(screen, "|>\\x1b]0;pwned"));
	assert_non_null(strstr(screen, "+- \\x1b]0;pwned\\x07\\x1b[2J "));
	assert_false(has_byte(screen, '\033'));
	free(screen);
}

/* Run argv (no shell) and return its exit code; *maxrss_kb gets its peak
 * resident memory. */
static int run_measured(char *const argv[], long *maxrss_kb)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execv(argv[0], argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	assert_int_equal(wait4(pid, &status, 0, &ru), pid);
	*maxrss_kb = ru.ru_maxrss;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_long_interpretation_label_line(void **state)
{
	(void)state;
	char out[4096], path[160], smd[200], conv[160];
	/* the SMD sample machine (38 metrics), and a 1.4 MB label line of
	 * 500,000 dims; PCRE2's backtracking frames took 332 MB for it */
	assert_int_equal(tu_run(out, sizeof(out),
				"cp -r data/samples/smd-cut/"
				"ServerMachineDataset %s/",
				tmp),
			 0);
	snprintf(smd, sizeof(smd), "%s/ServerMachineDataset:machine-1-2", tmp);
	snprintf(path, sizeof(path), "%s/long-interp.txt", tmp);
	snprintf(conv, sizeof(conv), "%s/long-interp.csv", tmp);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("10-20:", f);
	for (int i = 0; i < 500000; i++)
		fprintf(f, i ? ",%d" : "%d", i % 38 + 1);
	fputc('\n', f);
	assert_int_equal(fclose(f), 0);
	char vigil[512];
	snprintf(vigil, sizeof(vigil), "%s", tu_vigil());
	char *argv[] = {vigil,	"labels", smd, "--labels", path, "--label-format",
			"interp", "-o",	 conv, NULL};
	long kb = 0;
	int rc = run_measured(argv, &kb);
	print_message("500,000 dims: exit %d, peak RSS %ld KB\n", rc, kb);
	assert_int_equal(rc, 0);
	/* all 38 metrics got the range (rows 310-320 of the series) */
	char *csv = tu_slurp(conv, NULL);
	assert_non_null(csv);
	assert_non_null(strstr(csv, "m01,310,320,"));
	assert_non_null(strstr(csv, "m38,310,320,"));
	free(csv);
	if (!tu_sanitized()) /* the sanitizers' shadow memory would count */
		assert_true(kb < 64 * 1024);
}

/* A file of n metric columns named c0.. (after a time column when ts), 4
 * rows. */
static void write_wide(const char *path, int n, int ts)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(ts ? "timestamp" : "", f);
	for (int i = 0; i < n; i++)
		fprintf(f, i || ts ? ",c%d" : "c%d", i);
	for (int r = 0; r < 4; r++) {
		fputc('\n', f);
		if (ts)
			fprintf(f, "%d", 1600000000 + 60 * r);
		for (int i = 0; i < n; i++)
			fprintf(f, i || ts ? ",%d" : "%d", r + i % 3);
	}
	fputc('\n', f);
	assert_int_equal(fclose(f), 0);
}

static void test_line_of_commas_is_refused(void **state)
{
	(void)state;
	char out[4096], path[160], vigil[512];
	snprintf(vigil, sizeof(vigil), "%s", tu_vigil());
	/* 20 MB of commas on one line: 20 million empty metrics, which
	 * took 1.3 GB and said only "column 'm01' has no values at all" */
	snprintf(path, sizeof(path), "%s/commas.csv", tmp);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 20 * 1000 * 1000; i++)
		fputc(',', f);
	fputc('\n', f);
	assert_int_equal(fclose(f), 0);
	char *argv[] = {vigil, "info", path, NULL};
	long kb = 0;
	int rc = run_measured(argv, &kb);
	print_message("20 MB of commas: exit %d, peak RSS %ld KB\n", rc, kb);
	assert_int_equal(rc, 2);
	if (!tu_sanitized())
		assert_true(kb < 64 * 1024);
	rc = tu_run(out, sizeof(out), "%s info %s", vigil, path);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "commas.csv:1:10004: more than 10003 "
				    "fields on a line: vigil reads at most "
				    "10000 metrics a dataset"));
	/* 10,000 metrics and a time column are read; one more is refused
	 * at its column */
	snprintf(path, sizeof(path), "%s/wide.csv", tmp);
	write_wide(path, 10000, 1);
	rc = tu_run(out, sizeof(out), "%s info %s", vigil, path);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "metrics   10000: c0, c1,"));
	write_wide(path, 10001, 1);
	rc = tu_run(out, sizeof(out), "%s info %s", vigil, path);
	print_message("%s", out);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "wide.csv:1:10002: 10001 metric columns: "
				    "vigil reads at most 10000 metrics"));
	/* an SMD machine of 10,001 fields a line */
	assert_int_equal(tu_run(out, sizeof(out),
				"mkdir -p %s/wsmd/train %s/wsmd/test", tmp, tmp),
			 0);
	const char *half[] = {"train", "test"};
	for (int h = 0; h < 2; h++) {
		snprintf(path, sizeof(path), "%s/wsmd/%s/m.txt", tmp, half[h]);
		f = fopen(path, "w");
		assert_non_null(f);
		for (int i = 0; i < 10001; i++)
			fputs(i ? ",1" : "1", f);
		fputc('\n', f);
		assert_int_equal(fclose(f), 0);
	}
	rc = tu_run(out, sizeof(out), "%s info %s/wsmd:m", vigil, tmp);
	print_message("%s", out);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "wsmd/train/m.txt:1:10001: 10001 fields on "
				    "a line: vigil reads at most 10000"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_with_wrong_weight_count),
		cmocka_unit_test(test_model_with_huge_shape),
		cmocka_unit_test(test_dev_zero_as_every_file_argument),
		cmocka_unit_test(test_fifo_as_every_file_argument),
		cmocka_unit_test(test_output_to_a_fifo_stays_a_fifo),
		cmocka_unit_test(test_output_through_a_symlink),
		cmocka_unit_test(test_folder_as_labels_is_named),
		cmocka_unit_test(test_nab_folder_that_is_not_one),
		cmocka_unit_test(test_psm_folder_with_a_fifo),
		cmocka_unit_test(test_fifo_in_a_folder_of_csv_files),
		cmocka_unit_test(test_fifo_as_smd_machine),
		cmocka_unit_test(test_fifo_as_smd_label_files),
		cmocka_unit_test(test_fifo_as_label_file_beside_the_data),
		cmocka_unit_test(test_synth_over_a_fifo),
		cmocka_unit_test(test_nul_byte_in_a_field),
		cmocka_unit_test(test_escape_sequences_in_a_header_are_escaped),
		cmocka_unit_test(test_long_interpretation_label_line),
		cmocka_unit_test(test_line_of_commas_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
