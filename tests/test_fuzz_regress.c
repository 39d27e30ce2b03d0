/* Every input kept under tests/fuzz/regress/TARGET/ (inputs that once
 * crashed vigil or that a fix was made for) and every seed under
 * tests/fuzz/seeds/TARGET/, run through the same fuzz targets `make fuzz`
 * uses (tests/fuzz/targets.c). A regression shows as a crash, a sanitizer
 * report in the sanitized run, or a target's own consistency abort. */
#include "tests/testutil.h"

#include <dirent.h>

#include "tests/fuzz/targets.h"

/* Run every regular file in dir through t; returns how many ran. */
static size_t run_dir(const FuzzTarget *t, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (e->d_name[0] == '.' || stat(path, &st) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		size_t len = 0;
		char *buf = tu_slurp(path, &len);
		assert_non_null(buf);
		print_message("fuzz %s: %s (%zu bytes)\n", t->name, path, len);
		assert_int_equal(t->run((const uint8_t *)buf, len), 0);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

static size_t run_kept(const char *name, const char *kind)
{
	const FuzzTarget *t = fuzz_target_find(name);
	assert_non_null(t);
	char dir[256];
	snprintf(dir, sizeof(dir), "tests/fuzz/%s/%s", kind, name);
	return run_dir(t, dir);
}

/* The model loader's use-after-free (a wrong weight count) and its 82 GB
 * allocation (a huge declared shape), both from 776-byte bodies. */
static void test_model_regressions(void **state)
{
	(void)state;
	assert_int_equal(run_kept("model", "regress"), 3);
}

/* A version 2 model whose dataset name starts with a NUL byte: it loaded
 * as trained on '' (the name cut at the NUL) and detect warned 'trained
 * on , not on machine-1-2'. */
static void test_model_v2_regressions(void **state)
{
	(void)state;
	assert_int_equal(run_kept("model_v2", "regress"), 1);
}

/* NUL bytes in fields, a long interpretation_label line, and the empty
 * label column (a null pointer plus 0 in labelfile_read, which clang's
 * UBSan reports and GCC's does not), and a line of 10,004 commas (the
 * loader refuses it past SERIES_MAX_METRICS, the csv target's oracle
 * read it and the target aborted on the difference). */
static void test_parser_regressions(void **state)
{
	(void)state;
	assert_int_equal(run_kept("csv", "regress"), 2);
	assert_int_equal(run_kept("label_csv", "regress"), 1);
	assert_int_equal(run_kept("detections", "regress"), 1);
	assert_int_equal(run_kept("interp", "regress"), 1);
	assert_int_equal(run_kept("label_column", "regress"), 1);
}

/* Every target runs on its seeds, and on the empty input. */
static void test_every_target_on_its_seeds(void **state)
{
	(void)state;
	size_t total = 0;
	for (size_t i = 0; i < fuzz_target_count; i++) {
		const FuzzTarget *t = &fuzz_targets[i];
		total += run_kept(t->name, "seeds");
		total += run_kept(t->name, "regress");
		assert_int_equal(t->run((const uint8_t *)"", 0), 0);
	}
	assert_true(total >= 17);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_regressions),
		cmocka_unit_test(test_model_v2_regressions),
		cmocka_unit_test(test_parser_regressions),
		cmocka_unit_test(test_every_target_on_its_seeds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
