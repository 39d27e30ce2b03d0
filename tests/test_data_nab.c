/* NAB files: one `timestamp,value` file (rows, 5-minute sampling, its key
 * and combined_windows.json found), two files of one host merged on their
 * common timestamps, and the bundled NAB files (and more from
 * ../shared/data when it is there) through `vigil info`. */
#include "tests/testutil.h"

#include "data/series.h"

#define NAB "data/samples/nab/realAWSCloudwatch"
#define NET NAB "/ec2_network_in_257a54.csv"
#define ELB NAB "/elb_request_count_8c0756.csv"

static void test_one_file(void **state)
{
	(void)state;
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, NET, NULL, &err), STATUS_OK);
	assert_int_equal(s.kind, SERIES_NAB);
	assert_int_equal(s.rows, 4032);
	assert_int_equal(s.metrics, 1);
	assert_int_equal(s.interval, 300);
	assert_int_equal(s.split, 2016);
	assert_string_equal(s.names[0], "ec2_network_in_257a54");
	assert_string_equal(s.nab_key,
			    "realAWSCloudwatch/ec2_network_in_257a54.csv");
	assert_non_null(s.label_path);
	const char *tail = "data/samples/nab/combined_windows.json";
	size_t l = strlen(s.label_path);
	assert_true(l >= strlen(tail));
	assert_string_equal(s.label_path + l - strlen(tail), tail);
	/* first row: 2014-04-10 00:04:00,251643.0 */
	char t[32];
	assert_string_equal(series_format_time(&s, 0, t, sizeof(t)),
			    "2014-04-10 00:04:00");
	assert_true(series_at(&s, 0, 0) == 251643.0f);
	series_free(&s);
}

/* Timestamps (first field) of every data line of a NAB file. */
static size_t read_times(const char *path, char ***out)
{
	char *text = tu_slurp(path, NULL);
	assert_non_null(text);
	size_t n = 0, cap = 8192;
	char **v = malloc(cap * sizeof(char *));
	char *save = NULL;
	strtok_r(text, "\n", &save); /* header */
	for (char *line = strtok_r(NULL, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		*strchr(line, ',') = '\0';
		v[n++] = strdup(line);
	}
	free(text);
	*out = v;
	return n;
}

static void test_two_files_merge_on_common_timestamps(void **state)
{
	(void)state;
	char **a, **b;
	size_t na = read_times(NET, &a), nb = read_times(ELB, &b);
	size_t common = 0;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (!strcmp(a[i], b[j])) {
				common++;
				break;
			}
	assert_true(common > 4000 && common <= 4032);
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, NET "," ELB, NULL, &err), STATUS_OK);
	assert_int_equal(s.rows, common);
	assert_int_equal(s.metrics, 2);
	assert_string_equal(s.names[0], "ec2_network_in_257a54");
	assert_string_equal(s.names[1], "elb_request_count_8c0756");
	assert_int_equal(s.interval, 300);
	assert_int_equal(s.split, common / 2);
	assert_non_null(strstr(s.nab_key, ",realAWSCloudwatch/elb_request"));
	/* every merged row's time is in both files */
	for (size_t r = 0; r < s.rows; r += 97) {
		char t[32];
		series_format_time(&s, r, t, sizeof(t));
		int ina = 0, inb = 0;
		for (size_t i = 0; i < na && !ina; i++)
			ina = !strcmp(a[i], t);
		for (size_t j = 0; j < nb && !inb; j++)
			inb = !strcmp(b[j], t);
		assert_true(ina && inb);
	}
	series_free(&s);
	for (size_t i = 0; i < na; i++)
		free(a[i]);
	for (size_t j = 0; j < nb; j++)
		free(b[j]);
	free(a);
	free(b);
}

static void test_files_without_common_time(void **state)
{
	(void)state;
	char dir[64], p1[128], p2[128], out[2048];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(p1, sizeof(p1), "%s/a.csv", dir);
	snprintf(p2, sizeof(p2), "%s/b.csv", dir);
	tu_write(p1, "timestamp,value\n2014-01-01 00:00:00,1\n"
		     "2014-01-01 00:05:00,2\n");
	tu_write(p2, "timestamp,value\n2015-01-01 00:00:00,1\n"
		     "2015-01-01 00:05:00,2\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s,%s'",
				tu_vigil(), p1, p2),
			 2);
	assert_non_null(strstr(out, "no timestamp common to all 2 files"));
	tu_write(p2, "timestamp,value\n2014-01-01 00:00:00,1\n"
		     "2014-01-01 00:05:00,oops\n");
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s,%s'",
				tu_vigil(), p1, p2),
			 2);
	char where[200];
	snprintf(where, sizeof(where), "%s:3:2: expected a number", p2);
	assert_non_null(strstr(out, where));
	/* a repeated or backward time (NAB's files have them where DST
	 * ended) is kept in a NAB file, in file order */
	tu_write(p2, "timestamp,value\n2014-01-01 00:00:00,1\n"
		     "2014-01-01 00:00:00,2\n2014-01-01 00:05:00,3\n");
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, p2, NULL, &err), STATUS_OK);
	assert_int_equal(s.rows, 3);
	assert_true(series_at(&s, 0, 1) == 2.0f);
	series_free(&s);
	tu_write(p2, "timestamp,value\n2014-01-01 00:05:00,1\n"
		     "2014-01-01 00:00:00,2\n");
	assert_int_equal(series_open(&s, p2, NULL, &err), STATUS_OK);
	assert_int_equal(s.rows, 2);
	assert_true(series_at(&s, 0, 1) == 2.0f);
	series_free(&s);
	/* but files with a backward time cannot be joined by time */
	char both[2100];
	snprintf(both, sizeof(both), "%s,%s", p1, p2);
	assert_int_equal(series_open(&s, both, NULL, &err), STATUS_PARSE);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.message, "cannot be joined"));
	tu_run(out, sizeof(out), "rm -rf '%s'", dir);
}

/* A NAB file whose times are small numbers (seconds from a start, or a
 * counter 1, 2, 3) is read as a generic CSV file reads them: elapsed time,
 * not dates in January 1970 ("1970-01-01 00:05:00", as `vigil info` used
 * to show), and a counter is kept as seconds (it used to be refused with
 * "a NAB file needs a timestamp column", naming line 1 column 1 of a file
 * that has one). */
static void test_small_number_times(void **state)
{
	(void)state;
	char dir[64], p1[128], p2[128], out[4096];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(p1, sizeof(p1), "%s/secs.csv", dir);
	snprintf(p2, sizeof(p2), "%s/count.csv", dir);
	char text[8192], *w = text;
	w += sprintf(w, "timestamp,value\n");
	for (int r = 0; r < 100; r++)
		w += sprintf(w, "%d,%d\n", r * 300, r % 5);
	assert_int_equal(tu_write(p1, text), 0);
	w = text;
	w += sprintf(w, "timestamp,value\n");
	for (int r = 0; r < 100; r++)
		w += sprintf(w, "%d,%d\n", r + 1, r % 5);
	assert_int_equal(tu_write(p2, text), 0);
	assert_int_equal(tu_run(out, sizeof(out), "%s info %s", tu_vigil(), p1),
			 0);
	assert_non_null(strstr(out, "format    NAB\n"));
	assert_non_null(strstr(out, "time      +00:00:00 .. +08:15:00 elapsed"));
	assert_non_null(strstr(out, "sampling  300 s (5 min)"));
	assert_null(strstr(out, "1970"));
	assert_int_equal(tu_run(out, sizeof(out), "%s info %s", tu_vigil(), p2),
			 0);
	assert_non_null(strstr(out, "rows      100\n"));
	assert_non_null(strstr(out, "time      +00:00:01 .. +00:01:40 elapsed"));
	assert_non_null(strstr(out, "sampling  1 s"));
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, p1, NULL, &err), STATUS_OK);
	assert_int_equal(s.kind, SERIES_NAB);
	assert_true(s.time_elapsed);
	char t[40];
	assert_string_equal(series_format_time(&s, 1, t, sizeof(t)),
			    "+00:05:00");
	series_free(&s);
	/* joined into one node, they stay elapsed time */
	char both[300];
	snprintf(both, sizeof(both), "%s,%s", p1, p1);
	assert_int_equal(series_open(&s, both, NULL, &err), STATUS_OK);
	assert_true(s.time_elapsed);
	series_free(&s);
	tu_run(out, sizeof(out), "rm -rf '%s'", dir);
}

/* `vigil info` on a NAB file: its rows, 5-minute sampling, the format and
 * the windows file found with the file's key. */
static void check_info(const char *path, const char *rows)
{
	char out[4096], want[64];
	assert_int_equal(tu_run(out, sizeof(out), "%s info '%s'", tu_vigil(),
				path),
			 0);
	snprintf(want, sizeof(want), "rows      %s\n", rows);
	if (!strstr(out, want))
		fail_msg("%s: want %s in %s", path, want, out);
	assert_non_null(strstr(out, "300 s (5 min)"));
	assert_non_null(strstr(out, "format    NAB"));
	assert_non_null(strstr(out, "combined_windows.json (key "));
}

/* The bundled NAB files (data/samples/nab) through `vigil info`. */
static void test_sample_nab_files(void **state)
{
	(void)state;
	check_info(NET, "4,032");
	check_info(ELB, "4,032");
	check_info("data/samples/nab/realKnownCause/rogue_agent_key_updown.csv",
		   "5,315");
}

/* More NAB files, from ../shared/data (skipped without it): other folders
 * and lengths than the samples'. */
static void test_shared_nab_files(void **state)
{
	(void)state;
	const char *data = tu_shared_data();
	if (!data)
		skip();
	static const struct {
		const char *file;
		const char *rows;
	} files[] = {
		{"artificialWithAnomaly/art_daily_jumpsup.csv", "4,032"},
		{"realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv", "4,032"},
		{"realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv", "4,730"},
		{"realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv", "4,032"},
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4300];
		snprintf(path, sizeof(path), "%s/nab/%s", data, files[i].file);
		check_info(path, files[i].rows);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_file),
		cmocka_unit_test(test_two_files_merge_on_common_timestamps),
		cmocka_unit_test(test_files_without_common_time),
		cmocka_unit_test(test_small_number_times),
		cmocka_unit_test(test_sample_nab_files),
		cmocka_unit_test(test_shared_nab_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
