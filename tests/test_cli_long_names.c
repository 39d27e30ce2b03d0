/* Long metric names on the command line: Prometheus series with many
 * labels run to 150-400 bytes, and two of them often differ only in their
 * last label. vigil info's notes and vigil score's per-metric titles print
 * them whole, so the two stay apart (they were cut at 95 and 255 bytes). */
#include "tests/testutil.h"

/* Two series of one filesystem metric, 300-odd bytes each, alike up to
 * their last label (device="sda1" and device="sda2"). */
static char name_a[512], name_b[512];

static void make_names(void)
{
	const char *start =
		"node_filesystem_avail_bytes{cluster=\"eu-west-1-production\","
		"datacenter=\"frankfurt-2\",environment=\"production\","
		"fstype=\"ext4\",instance=\"db-primary-01.eu-west-1.internal."
		"example.com:9100\",job=\"node-exporter\",kubernetes_namespace="
		"\"monitoring\",mountpoint=\"/var/lib/postgresql/data\","
		"rack=\"r12-b\",team=\"storage\",";
	snprintf(name_a, sizeof(name_a), "%sdevice=\"sda1\"}", start);
	snprintf(name_b, sizeof(name_b), "%sdevice=\"sda2\"}", start);
}

/* name as one CSV field: quoted, its quotes doubled. */
static void csv_field(char *buf, size_t n, const char *name)
{
	size_t o = 0;
	buf[o++] = '"';
	for (const char *p = name; *p && o + 3 < n; p++) {
		if (*p == '"')
			buf[o++] = '"';
		buf[o++] = *p;
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

/* TMP/long.csv: load, then the two long series, empty in the first 30
 * rows of 60 (so that the train part holds none of their values). */
static void write_dataset(char *path, size_t n)
{
	char qa[1024], qb[1024], text[16384];
	csv_field(qa, sizeof(qa), name_a);
	csv_field(qb, sizeof(qb), name_b);
	size_t o = (size_t)snprintf(text, sizeof(text), "load,%s,%s\n", qa,
				    qb);
	for (int r = 0; r < 60; r++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
				      r < 30 ? "%d,,\n" : "%d,%d,%d\n", r % 7,
				      r % 5, r % 3);
	snprintf(path, n, "%s/long.csv", tu_dir);
	assert_int_equal(tu_write(path, text), 0);
}

static void test_info_notes_name_whole(void **state)
{
	(void)state;
	char ds[128], out[16384];
	write_dataset(ds, sizeof(ds));
	assert_int_equal(tu_run(out, sizeof(out), "%s info %s", tu_vigil(), ds),
			 0);
	/* one note for each series, each with its whole name (before, both
	 * read "node_filesystem_avail_bytes{cluster=...,environment has no
	 * value", cut at 95 bytes, the same for the two) */
	char want[1024];
	snprintf(want, sizeof(want), "note      %s has no value in the train",
		 name_a);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "note      %s has no value in the train",
		 name_b);
	assert_non_null(strstr(out, want));
}

static void test_score_titles_name_whole(void **state)
{
	(void)state;
	char ds[128], lab[128], det[128], qa[1024], qb[1024], text[4096];
	char out[32768];
	write_dataset(ds, sizeof(ds));
	csv_field(qa, sizeof(qa), name_a);
	csv_field(qb, sizeof(qb), name_b);
	snprintf(lab, sizeof(lab), "%s/long.labels.csv", tu_dir);
	snprintf(text, sizeof(text),
		 "metric,start,end,start_time,end_time,source,note\n"
		 "%s,40,45,,,,\n%s,50,55,,,,\n",
		 qa, qb);
	assert_int_equal(tu_write(lab, text), 0);
	snprintf(det, sizeof(det), "%s/det.csv", tu_dir);
	snprintf(text, sizeof(text),
		 "metric,start,end,start_time,end_time,criticality,"
		 "peak_score\n%s,40,45,,,high,5\n",
		 qa);
	assert_int_equal(tu_write(det, text), 0);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s score %s --labels %s --detections %s "
				"--per-metric",
				tu_vigil(), ds, lab, det),
			 0);
	/* each title names its series whole (before, both were cut to the
	 * same 255 bytes, "metric 2: node_filesystem_avail_bytes{...,
	 * mountpoint=\"/var/", without the device) */
	char want[1024];
	snprintf(want, sizeof(want), "\nmetric 2: %s\n", name_a);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "\nmetric 3: %s\n", name_b);
	assert_non_null(strstr(out, want));
}

int main(void)
{
	make_names();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_notes_name_whole),
		cmocka_unit_test(test_score_titles_name_whole),
	};
	return cmocka_run_group_tests(tests, tu_dir_setup, tu_dir_teardown);
}
