/* Atomic writes under a file size limit (ulimit -f) and into a read-only
 * folder, with the real binary: a model (vigil train -o), labels (vigil
 * labels -o) and the model cache (vigil train without -o). Each time the
 * command fails with a message that names the reason, the earlier file is
 * byte for byte what it was, and no temporary file remains. And the
 * temporary files an interrupted save left are swept by the next save of
 * the same file, while one a live writer holds is kept.
 *
 * As root a read-only folder does not stop writes, so the command then runs
 * without the capabilities that override permissions (setpriv). */
#include "tests/testutil.h"

#include <fcntl.h>
#include <sys/file.h>

static char tmp[256];
static char out[16384];

#define SMD "ServerMachineDataset:machine-1-2"
#define TRAIN_OPTS "--epochs 1 --hidden 8 --quiet"

/* A prefix that makes a read-only folder refuse writes even to root. */
static const char *unprivileged(void)
{
	if (geteuid() != 0)
		return "";
	if (tu_run(out, sizeof(out), "command -v setpriv") != 0)
		return NULL;
	return "setpriv --bounding-set=-dac_override,-dac_read_search,-fowner ";
}

/* Temporary files (NAME.tmpXXXXXX) in dir. */
static int temps_in(const char *dir)
{
	char buf[256];
	tu_run(buf, sizeof(buf), "ls -a '%s' | grep -c '\\.tmp'", dir);
	return atoi(buf);
}

static int same_file(const char *path, const char *bytes, size_t len)
{
	size_t n = 0;
	char *now = tu_slurp(path, &n);
	int same = now && n == len && !memcmp(now, bytes, len);
	free(now);
	return same;
}

static void test_model_file(void **state)
{
	(void)state;
	char dir[400], model[500];
	snprintf(dir, sizeof(dir), "%s/models", tmp);
	snprintf(model, sizeof(model), "%s/m.vigil-model", dir);
	assert_int_equal(tu_run(out, sizeof(out), "mkdir -p '%s'", dir), 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s train '%s/d/" SMD "' -o '%s' " TRAIN_OPTS,
				tu_vigil(), tmp, model),
			 0);
	size_t len = 0;
	char *before = tu_slurp(model, &len);
	assert_non_null(before);
	assert_true(len > 1024); /* more than the limit below */
	/* 1 block of 512 bytes (dash) or 1 KiB (bash): the model does not
	 * fit; another seed, so a written file would differ */
	int rc = tu_run(out, sizeof(out),
			"ulimit -f 1; %s train '%s/d/" SMD "' -o '%s' --seed 7 "
			TRAIN_OPTS,
			tu_vigil(), tmp, model);
	assert_int_not_equal(rc, 0);
	if (!strstr(out, "File too large"))
		fail_msg("no reason given: %s", out);
	assert_true(same_file(model, before, len));
	assert_int_equal(temps_in(dir), 0);

	const char *pre = unprivileged();
	if (pre) {
		tu_run(out, sizeof(out), "chmod a-w '%s'", dir);
		rc = tu_run(out, sizeof(out),
			    "%s%s train '%s/d/" SMD "' -o '%s' --seed 7 "
			    TRAIN_OPTS,
			    pre, tu_vigil(), tmp, model);
		tu_run(NULL, 0, "chmod u+w '%s'", dir);
		assert_int_not_equal(rc, 0);
		if (!strstr(out, "Permission denied"))
			fail_msg("no reason given: %s", out);
		assert_true(same_file(model, before, len));
		assert_int_equal(temps_in(dir), 0);
	}
	free(before);
}

static void test_label_file(void **state)
{
	(void)state;
	char dir[400], labels[500];
	snprintf(dir, sizeof(dir), "%s/labels", tmp);
	snprintf(labels, sizeof(labels), "%s/l.txt", dir);
	assert_int_equal(tu_run(out, sizeof(out), "mkdir -p '%s'", dir), 0);
	/* the earlier file: something else than what would be written */
	const char *earlier = "0\n1\n1\n0\n";
	assert_int_equal(tu_write(labels, earlier), 0);
	/* test_label: 300 lines of "0\n" / "1\n", 600 bytes */
	int rc = tu_run(out, sizeof(out),
			"ulimit -f 1; %s labels '%s/d/" SMD "' -o '%s' "
			"--format smd --force",
			tu_vigil(), tmp, labels);
	assert_int_not_equal(rc, 0);
	if (!strstr(out, "File too large"))
		fail_msg("no reason given: %s", out);
	assert_true(same_file(labels, earlier, strlen(earlier)));
	assert_int_equal(temps_in(dir), 0);

	const char *pre = unprivileged();
	if (pre) {
		tu_run(out, sizeof(out), "chmod a-w '%s'", dir);
		rc = tu_run(out, sizeof(out),
			    "%s%s labels '%s/d/" SMD "' -o '%s' --format smd "
			    "--force",
			    pre, tu_vigil(), tmp, labels);
		tu_run(NULL, 0, "chmod u+w '%s'", dir);
		assert_int_not_equal(rc, 0);
		if (!strstr(out, "Permission denied"))
			fail_msg("no reason given: %s", out);
		assert_true(same_file(labels, earlier, strlen(earlier)));
		assert_int_equal(temps_in(dir), 0);
	}
	/* without a limit the same command writes the file */
	assert_int_equal(tu_run(out, sizeof(out),
				"%s labels '%s/d/" SMD "' -o '%s' --format smd "
				"--force",
				tu_vigil(), tmp, labels),
			 0);
	char orig[600];
	snprintf(orig, sizeof(orig), "%s/d/ServerMachineDataset/test_label/"
		 "machine-1-2.txt", tmp);
	char *a = tu_slurp(labels, NULL), *b = tu_slurp(orig, NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* The model cache, under $XDG_CACHE_HOME/vigil: a damaged cache entry is
 * trained over; when that write fails, the command says why instead of
 * naming the damaged file as its model. */
static void test_cache_file(void **state)
{
	(void)state;
	char ds[400], xdg[400];
	snprintf(ds, sizeof(ds), "%s/d/ServerMachineDataset", tmp);
	snprintf(xdg, sizeof(xdg), "%s/xdg/vigil", tmp);
	assert_int_equal(tu_run(out, sizeof(out),
				"XDG_CACHE_HOME='%s/xdg' %s train '%s/d/" SMD
				"' " TRAIN_OPTS,
				tmp, tu_vigil(), tmp),
			 0);
	char cached[600];
	assert_int_equal(tu_run(cached, sizeof(cached),
				"ls '%s'/machine-1-2.*.vigil-model", xdg),
			 0);
	cached[strcspn(cached, "\n")] = '\0';
	/* damage it: the next train must write a new one */
	assert_int_equal(tu_run(out, sizeof(out), "truncate -s -10 '%s'",
				cached),
			 0);
	size_t len = 0;
	char *before = tu_slurp(cached, &len);
	assert_non_null(before);
	int rc = tu_run(out, sizeof(out),
			"ulimit -f 1; XDG_CACHE_HOME='%s/xdg' %s train '%s/d/" SMD
			"' " TRAIN_OPTS,
			tmp, tu_vigil(), tmp);
	assert_int_not_equal(rc, 0);
	if (!strstr(out, "File too large"))
		fail_msg("no reason given: %s", out);
	assert_true(same_file(cached, before, len));
	assert_int_equal(temps_in(ds), 0);
	tu_run(NULL, 0, "mkdir -p '%s'", xdg);
	assert_int_equal(temps_in(xdg), 0);

	const char *pre = unprivileged();
	if (pre) {
		/* the cache folder does not take it */
		tu_run(out, sizeof(out), "chmod a-w '%s' '%s'", ds, xdg);
		rc = tu_run(out, sizeof(out),
			    "XDG_CACHE_HOME='%s/xdg' %s%s train '%s/d/" SMD
			    "' " TRAIN_OPTS,
			    tmp, pre, tu_vigil(), tmp);
		tu_run(NULL, 0, "chmod u+w '%s' '%s'", ds, xdg);
		assert_int_not_equal(rc, 0);
		if (!strstr(out, "Permission denied"))
			fail_msg("no reason given: %s", out);
		assert_true(same_file(cached, before, len));
		assert_int_equal(temps_in(ds), 0);
		assert_int_equal(temps_in(xdg), 0);
	}
	free(before);
}

/* A killed save leaves NAME.tmpXXXXXX; the next save of NAME removes it,
 * but not the temporary file of a writer that is still at work (it holds
 * an flock on it). */
static void test_orphans_swept(void **state)
{
	(void)state;
	char dir[400], dest[500], orphan[600], live[600];
	snprintf(dir, sizeof(dir), "%s/sweep", tmp);
	snprintf(dest, sizeof(dest), "%s/out.csv", dir);
	snprintf(orphan, sizeof(orphan), "%s.tmpAb12Cd", dest);
	snprintf(live, sizeof(live), "%s.tmpLive01", dest);
	assert_int_equal(tu_run(out, sizeof(out), "mkdir -p '%s'", dir), 0);
	assert_int_equal(tu_write(orphan, "half a file"), 0);
	assert_int_equal(tu_write(live, "being written"), 0);
	assert_int_equal(tu_run(out, sizeof(out), "touch -d '1 hour ago' '%s' '%s'",
				orphan, live),
			 0);
	int fd = open(live, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s labels '%s/d/" SMD "' -o '%s'", tu_vigil(),
				tmp, dest),
			 0);
	assert_int_equal(access(orphan, F_OK), -1);
	assert_int_equal(access(live, F_OK), 0);
	assert_int_equal(access(dest, R_OK), 0);
	close(fd);
}

static int setup(void **state)
{
	(void)state;
	char buf[256];
	if (!tu_tmpdir(buf, sizeof(buf)))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s", buf);
	/* mkdtemp's 0700 would keep a command without its capabilities
	 * out of the folder */
	if (tu_run(out, sizeof(out),
		   "chmod 755 '%s' && cp -r data/samples/smd-cut '%s/d'", tmp,
		   tmp) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_run(out, sizeof(out), "chmod -R u+w '%s'; rm -rf '%s'", tmp, tmp);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_file),
		cmocka_unit_test(test_label_file),
		cmocka_unit_test(test_cache_file),
		cmocka_unit_test(test_orphans_swept),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
