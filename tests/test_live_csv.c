/* A growing CSV file as vigil watch and the dashboard's --follow poll it
 * (ui/live.h): appended lines come in; a file whose size and modification
 * time have not changed since it was last read is not read again (an idle
 * follow costs a stat a second, not a parse of the whole file); a file that
 * shrank (truncated, rotated) is named as such. */
#include "tests/testutil.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "ui/live.h"

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_unchanged_file_not_read_again(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/grow.csv", tu_dir);
	put_file(path, "cpu,mem\n1,2\n3,4\n5,6\n7,8\n");
	SeriesOptions opt = {0};
	opt.split_rows = 2;
	LiveSource l;
	Series s;
	ErrorRecord err;
	error_clear(&err);
	assert_int_equal(live_open(&l, path, &opt, &s, &err), STATUS_OK);
	assert_int_equal(s.rows, 4);
	size_t added = 99;
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_OK);
	assert_int_equal(added, 0);
	append(path, "9,10\n11,12\n");
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_OK);
	assert_int_equal(added, 2);
	assert_int_equal(s.rows, 6);
	assert_true(series_column(&s, 1)[5] == 12.0f);

	/* the same bytes count, the same time: not read (the garbage would
	 * be an error if it were) */
	struct stat before;
	assert_int_equal(stat(path, &before), 0);
	FILE *f = fopen(path, "r+");
	assert_non_null(f);
	fputs("xx", f); /* "cp" of the header becomes "xx": still valid */
	fseek(f, 8, SEEK_SET);
	fputs("z", f); /* the first value: not a number */
	fclose(f);
	struct timespec times[2] = {before.st_atim, before.st_mtim};
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_OK);
	assert_int_equal(added, 0);
	assert_int_equal(s.rows, 6);

	/* any change of time reads it: here the bad cell, with its place */
	append(path, "13,14\n");
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_PARSE);
	assert_int_equal(err.line, 2);

	/* truncated: said, with the rows kept */
	put_file(path, "cpu,mem\n1,2\n");
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_MISMATCH);
	assert_non_null(strstr(err.message, "shrank"));
	assert_non_null(strstr(err.message, "truncated or replaced"));
	assert_non_null(strstr(err.message, "6 rows read"));
	assert_int_equal(s.rows, 6);
	live_close(&l);
	series_free(&s);
}

/* A file that was read but refused names what it now holds: the message
 * gave 0 for its metrics and rows (the series was freed before they were
 * printed: 'the file now has 0 metrics, not 2'). */
static void test_refused_file_named_with_its_counts(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/wider.csv", tu_dir);
	put_file(path, "cpu,mem\n1,2\n3,4\n5,6\n7,8\n");
	SeriesOptions opt = {0};
	opt.split_rows = 2;
	LiveSource l;
	Series s;
	ErrorRecord err;
	error_clear(&err);
	assert_int_equal(live_open(&l, path, &opt, &s, &err), STATUS_OK);
	size_t added = 99;
	/* rewritten with a third metric */
	put_file(path, "cpu,mem,io\n1,2,5\n3,4,6\n5,6,7\n7,8,8\n9,9,9\n");
	assert_int_equal(live_append(&l, &s, 0, &added, &err),
			 STATUS_MISMATCH);
	if (!strstr(err.message, "has 3 metrics, not 2"))
		fail_msg("'%s'", err.message);
	/* and again at the next poll, the file unchanged: it was marked as
	   seen before the check, so that poll answered OK with no rows
	   (vigil watch said 'source: answering again after 1 failed polls'
	   and followed a file it could not read) */
	error_clear(&err);
	added = 99;
	Status again = live_append(&l, &s, 0, &added, &err);
	if (again != STATUS_MISMATCH || !strstr(err.message, "3 metrics"))
		fail_msg("the next poll: status %d, %zu added, '%s'",
			 (int)again, added, err.message);
	/* rewritten with fewer rows in more bytes */
	put_file(path, "cpu,mem\n1000000,2000000\n3000000,4000000\n"
		       "5000000,6000000\n");
	assert_int_equal(live_append(&l, &s, 0, &added, &err),
			 STATUS_MISMATCH);
	if (!strstr(err.message, "has 3 rows, fewer than the 4 read"))
		fail_msg("'%s'", err.message);
	assert_int_equal(live_append(&l, &s, 0, &added, &err),
			 STATUS_MISMATCH);
	/* put right (a row more than read): read again */
	put_file(path, "cpu,mem\n1,2\n3,4\n5,6\n7,8\n9,10\n");
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_OK);
	assert_int_equal(added, 1);
	assert_int_equal(s.rows, 5);
	live_close(&l);
	series_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unchanged_file_not_read_again),
		cmocka_unit_test(test_refused_file_named_with_its_counts),
	};
	return cmocka_run_group_tests(tests, tu_dir_setup, tu_dir_teardown);
}
