/* A growing CSV file as vigil watch and the dashboard's --follow poll it
 * (ui/live.h): appended lines come in, read from where the last read ended
 * (a row cut anywhere waits for its end; line numbers go on); a file whose
 * size and modification time have not changed since it was last read is
 * not read again (an idle follow costs a stat a second, not a parse of the
 * whole file); a file that shrank (truncated, rotated) is named as such,
 * and one rewritten in place or replaced by another is told from one only
 * longer. */
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

	/* any change of size reads it: only the lines after those read, so
	 * the rewrite above, hidden by its size and time, is not seen (a
	 * whole read named the bad cell, line 2) */
	append(path, "13,14\n");
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_OK);
	assert_int_equal(added, 1);
	assert_true(series_column(&s, 0)[6] == 13.0f);

	/* truncated: said, with the rows kept */
	put_file(path, "cpu,mem\n1,2\n");
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_MISMATCH);
	assert_non_null(strstr(err.message, "shrank"));
	assert_non_null(strstr(err.message, "truncated or replaced"));
	assert_non_null(strstr(err.message, "7 rows read"));
	assert_int_equal(s.rows, 7);
	live_close(&l);
	series_free(&s);
}

/* A file that was read but refused names the rows read: the message gave
 * 0 for the counts (the series was freed before they were printed: 'the
 * file now has 0 metrics, not 2'). */
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
	if (!strstr(err.message, "row 4 is not what it was when it was read "
				 "(the file was replaced or rewritten): "
				 "following it stops at the 4 rows read"))
		fail_msg("'%s'", err.message);
	/* and again at the next poll, the file unchanged: it was marked as
	   seen before the check, so that poll answered OK with no rows
	   (vigil watch said 'source: answering again after 1 failed polls'
	   and followed a file it could not read) */
	error_clear(&err);
	added = 99;
	Status again = live_append(&l, &s, 0, &added, &err);
	if (again != STATUS_MISMATCH || !strstr(err.message, "4 rows read"))
		fail_msg("the next poll: status %d, %zu added, '%s'",
			 (int)again, added, err.message);
	/* rewritten with fewer rows in more bytes */
	put_file(path, "cpu,mem\n1000000,2000000\n3000000,4000000\n"
		       "5000000,6000000\n");
	assert_int_equal(live_append(&l, &s, 0, &added, &err),
			 STATUS_MISMATCH);
	if (!strstr(err.message, "row 4 is not what it was"))
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

/* Opens path (written with text first) as watch does, split at row 2. */
static void open_grow(const char *path, const char *text, LiveSource *l,
		      Series *s)
{
	put_file(path, text);
	SeriesOptions opt = {0};
	opt.split_rows = 2;
	ErrorRecord err;
	error_clear(&err);
	if (live_open(l, path, &opt, s, &err) != STATUS_OK)
		fail_msg("%s", err.message);
}

/* Polls once; fails the test unless it answers OK. The rows added. */
static size_t poll_ok(LiveSource *l, Series *s)
{
	ErrorRecord err;
	error_clear(&err);
	size_t added = 99;
	if (live_append(l, s, 0, &added, &err) != STATUS_OK)
		fail_msg("poll: %s", err.message);
	return added;
}

/* A row appended in two writes, cut after each of its bytes in turn: the
 * poll between the two writes takes nothing, the one after takes the row
 * whole, with its values; every other row has a quoted cell (the rows
 * libcsv reads, not the fast path). Reading from where the last whole line
 * ended, a cut line must never be read as a row. */
static void test_row_cut_at_every_byte(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/cut.csv", tu_dir);
	LiveSource l;
	Series s;
	open_grow(path,
		  "time,cpu,mem\n2022-01-01 00:00:00,1,2\n"
		  "2022-01-01 00:01:00,3,4\n2022-01-01 00:02:00,5,6\n",
		  &l, &s);
	size_t rows = 3;
	for (int k = 1;; k++) {
		char row[64];
		int n = snprintf(row, sizeof(row),
				 k % 2 ? "2022-01-01 %02d:%02d:00,%d.25,-%d\n"
				       : "2022-01-01 %02d:%02d:00,\"%d.25\",-%d\n",
				 (k + 2) / 60, (k + 2) % 60, k, k);
		if (k >= n)
			break;
		FILE *f = fopen(path, "a");
		assert_non_null(f);
		fwrite(row, 1, (size_t)k, f);
		fclose(f);
		if (poll_ok(&l, &s) != 0)
			fail_msg("cut after byte %d of '%s': a row was taken",
				 k, row);
		append(path, row + k);
		assert_int_equal(poll_ok(&l, &s), 1);
		rows++;
		assert_int_equal(s.rows, rows);
		assert_true(series_at(&s, 0, rows - 1) == (float)k + 0.25f);
		assert_true(series_at(&s, 1, rows - 1) == -(float)k);
		assert_true(series_time(&s, rows - 1) ==
			    series_time(&s, 0) + 60 * (int64_t)(k + 2));
	}
	assert_true(rows > 25);
	live_close(&l);
	series_free(&s);
}

/* Sets path's modification time ahead by sec seconds (a rewrite in the
 * same second would otherwise keep it on a coarse clock). */
static void touch_ahead(const char *path, int sec)
{
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	struct timespec times[2] = {sb.st_atim, sb.st_mtim};
	times[1].tv_sec += sec;
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

/* A rewrite in place that keeps the size: of an earlier row (the last
 * row read unchanged), then of the last row. Both are noticed: the size
 * did not change while the time did, so every byte read is checked. */
static void test_rewrite_of_same_size_noticed(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/same.csv", tu_dir);
	LiveSource l;
	Series s;
	open_grow(path, "cpu,mem\n1,2\n3,4\n5,6\n7,8\n", &l, &s);
	append(path, "9,10\n");
	assert_int_equal(poll_ok(&l, &s), 1);
	/* row 2 changed, its bytes as many */
	FILE *f = fopen(path, "r+");
	assert_non_null(f);
	fseek(f, 12, SEEK_SET);
	fputs("8", f); /* "3,4" becomes "8,4" */
	fclose(f);
	touch_ahead(path, 1);
	ErrorRecord err;
	error_clear(&err);
	size_t added = 99;
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_MISMATCH);
	if (!strstr(err.message, "the rows before row 5 are not what they "
				 "were when they were read (the file was "
				 "replaced or rewritten): following it stops "
				 "at the 5 rows read"))
		fail_msg("'%s'", err.message);
	/* put back, then the last row changed */
	put_file(path, "cpu,mem\n1,2\n3,4\n5,6\n7,8\n9,11\n");
	touch_ahead(path, 2);
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_MISMATCH);
	if (!strstr(err.message, "row 5 is not what it was"))
		fail_msg("'%s'", err.message);
	/* the same bytes again, only touched: followed on */
	put_file(path, "cpu,mem\n1,2\n3,4\n5,6\n7,8\n9,10\n");
	touch_ahead(path, 3);
	assert_int_equal(poll_ok(&l, &s), 0);
	append(path, "11,12\n");
	assert_int_equal(poll_ok(&l, &s), 1);
	assert_true(series_at(&s, 1, 5) == 12.0f);
	live_close(&l);
	series_free(&s);
}

/* The file replaced (renamed over) by a longer one: one that holds the
 * rows read and more, as a writer that writes a new copy and renames it,
 * is followed on; one whose rows differ is said, naming the last row read
 * when it differs and the rows before it when only they do. */
static void test_replaced_by_longer_file(void **state)
{
	(void)state;
	char path[128], other[128];
	snprintf(path, sizeof(path), "%s/rep.csv", tu_dir);
	snprintf(other, sizeof(other), "%s/rep.new", tu_dir);
	LiveSource l;
	Series s;
	open_grow(path, "cpu,mem\n1,2\n3,4\n5,6\n7,8\n", &l, &s);
	put_file(other, "cpu,mem\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n");
	assert_int_equal(rename(other, path), 0);
	assert_int_equal(poll_ok(&l, &s), 2);
	assert_true(series_at(&s, 0, 5) == 11.0f);
	/* the rows before the last one read differ */
	put_file(other, "cpu,mem\n1,2\n3,5\n5,6\n7,8\n9,10\n11,12\n13,1\n");
	assert_int_equal(rename(other, path), 0);
	ErrorRecord err;
	error_clear(&err);
	size_t added = 99;
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_MISMATCH);
	if (!strstr(err.file, "rep.csv") ||
	    !strstr(err.message, "the rows before row 6 are not what they "
				 "were"))
		fail_msg("'%s'", err.message);
	/* the last row read differs */
	put_file(other, "cpu,mem\n1,2\n3,4\n5,6\n7,8\n9,10\n11,13\n13,1\n");
	assert_int_equal(rename(other, path), 0);
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_MISMATCH);
	if (!strstr(err.message, "row 6 is not what it was"))
		fail_msg("'%s'", err.message);
	assert_int_equal(s.rows, 6);
	live_close(&l);
	series_free(&s);
}

/* Line numbers in what a poll says go on from the lines read before,
 * blank lines and left-out rows counted, after several polls: a row
 * whose time repeats, a row with a field too many, a bad cell. */
static void test_line_numbers_after_polls(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/lines.csv", tu_dir);
	LiveSource l;
	Series s;
	open_grow(path,
		  "time,cpu\n2022-01-01 00:00:00,1\n2022-01-01 00:01:00,2\n"
		  "2022-01-01 00:02:00,3\n",
		  &l, &s); /* lines 1-4 */
	append(path, "2022-01-01 00:03:00,4\n\n2022-01-01 00:04:00,5\n");
	assert_int_equal(poll_ok(&l, &s), 2); /* lines 5-7 */
	append(path, "2022-01-01 00:05:00,6\n2022-01-01 00:05:00,6\n"
		     "2022-01-01 00:06:00,7\n");
	assert_int_equal(poll_ok(&l, &s), 2); /* lines 8-10 */
	long line = 0;
	assert_int_equal(live_take_stale(&l, &line), 1);
	assert_int_equal(line, 9);
	append(path, "2022-01-01 00:07:00,8\n");
	assert_int_equal(poll_ok(&l, &s), 1); /* line 11 */
	assert_int_equal(live_take_stale(&l, &line), 0);
	assert_int_equal(s.rows, 8);
	ErrorRecord err;
	error_clear(&err);
	size_t added = 99;
	append(path, "2022-01-01 00:08:00,9,1\n");
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_PARSE);
	if (err.line != 12 || err.column != 3 ||
	    !strstr(err.message, "expected 2 fields as on line 1, found 3"))
		fail_msg("%ld:%ld: '%s'", err.line, err.column, err.message);
	put_file(path, "time,cpu\n2022-01-01 00:00:00,1\n2022-01-01 00:01:00,2\n"
		       "2022-01-01 00:02:00,3\n2022-01-01 00:03:00,4\n\n"
		       "2022-01-01 00:04:00,5\n2022-01-01 00:05:00,6\n"
		       "2022-01-01 00:05:00,6\n2022-01-01 00:06:00,7\n"
		       "2022-01-01 00:07:00,8\n2022-01-01 00:08:00,9\n"
		       "2022-01-01 00:09:00,x\n");
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_PARSE);
	if (err.line != 13 || err.column != 2 || added != 0 || s.rows != 8)
		fail_msg("%ld:%ld: '%s'", err.line, err.column, err.message);
	live_close(&l);
	series_free(&s);
}

/* A last column with no name, empty in every row read, is no metric; a
 * value in it later is the file's columns changing, said as a whole read
 * said it. */
static void test_blank_last_column_filled_later(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/blank.csv", tu_dir);
	LiveSource l;
	Series s;
	open_grow(path, "cpu,mem,\n1,2,\n3,4,\n5,6,\n", &l, &s);
	assert_int_equal(s.metrics, 2);
	append(path, "7,,\n");
	assert_int_equal(poll_ok(&l, &s), 1);
	assert_true(series_at(&s, 1, 3) == 6.0f); /* filled forward */
	assert_int_equal(s.filled, 1);
	append(path, "9,10,11\n");
	ErrorRecord err;
	error_clear(&err);
	size_t added = 99;
	assert_int_equal(live_append(&l, &s, 0, &added, &err), STATUS_MISMATCH);
	if (!strstr(err.message, "the file now has 3 metrics, not 2"))
		fail_msg("'%s'", err.message);
	live_close(&l);
	series_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unchanged_file_not_read_again),
		cmocka_unit_test(test_refused_file_named_with_its_counts),
		cmocka_unit_test(test_row_cut_at_every_byte),
		cmocka_unit_test(test_rewrite_of_same_size_noticed),
		cmocka_unit_test(test_replaced_by_longer_file),
		cmocka_unit_test(test_line_numbers_after_polls),
		cmocka_unit_test(test_blank_last_column_filled_later),
	};
	return cmocka_run_group_tests(tests, tu_dir_setup, tu_dir_teardown);
}
