/* End-to-end tests of the dashboard where space is short (80x24, the
 * smallest terminal it promises) and of what its save tells the user: the
 * real binary in a private tmux server, keys sent as a user types them
 * (helpers in tests/tmuxutil.h). Skipped when tmux is missing. */
#include "tests/testutil.h"

#include "tests/tmuxutil.h"

#include <locale.h>

#include "ui/textw.h"

/* "save anyway?" names only what is not saved yet: after two ranges of
 * m01 were saved as interpretation_label and a third was added, a save as
 * test_label loses 1 range of m01, not 3 (it counted against the original
 * labels). */
static void test_save_anyway_counts_only_unsaved(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char args[600], cmd[800];
	smd_copy("smdu", args, sizeof(args));
	start(args, "C.UTF-8");
	expect(">m01", 10);
	keys(": 3 3 6 Enter m : 3 4 8 Enter m a");
	expect("(13 rows, m01)", 5);
	keys(": 4 0 0 Enter m : 4 1 0 Enter m a");
	expect("2 edits unsaved", 5);
	keys("s");
	expect("save as interp in", 5);
	snprintf(cmd, sizeof(cmd), "C-u '%s/u.interpretation_label.txt' Enter",
		 tmp);
	keys(cmd);
	expect("0 edits unsaved", 5);
	keys(": 4 5 0 Enter m : 4 6 0 Enter m a");
	expect("1 edit unsaved", 5);
	keys("s");
	expect("save as interp in", 5);
	snprintf(cmd, sizeof(cmd), "C-u '%s/u.test_label.txt' Enter", tmp);
	keys(cmd);
	expect("save anyway? y/n", 5);
	expect("edits of 1 metric cannot be written to test_label: 1 range",
	       5);
	/* n: back to the prompt, nothing saved */
	keys("n");
	expect("u.test_label.txt  Tab format", 5);
	keys("Escape");
	expect("1 edit unsaved", 5);
	keys("q");
	expect("unsaved edits", 5);
	keys("d");
	expect("VIGIL-EXIT=0", 5);
}

/* The readout in the plot's title at 80x24 keeps what says where the
 * cursor is and what the row is, and gives way on the rest: on a NAB
 * file's train label at node scope it was cut to "node(ec2_network_in_
 * 257a54) 04-15 12:04 v 257k f - n" (no node score, no label); now the
 * forecast, then the value or the name's end give way and "node s" and
 * "[train label]" show whole, at both scopes. */
static void test_readout_fits_80x24(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	start_at("--no-model "
		 "data/samples/nab/realAWSCloudwatch/ec2_network_in_257a54.csv",
		 "C.UTF-8", 80, 24);
	expect("metric | ? help", 10);
	keys(": '2014-04-15 12:00' Enter");
	expect("row 1582 (2014-04-15 12:04:00)", 5);
	expect(" 04-15 12:04 ", 5);
	expect(" s - [train label] ", 5);
	keys("Tab");
	expect("node | ? help", 5);
	expect(" node(ec2_network", 5);
	expect(" 04-15 12:04 ", 5);
	expect(" node s - [train label] ", 5);
	/* a note, the least of it, gives way to the rest (at 100x30 it is
	 * cut: "disk fu…") */
	keys("Tab i 'disk full on /var after the nightly backup' Enter");
	expect("1 edit unsaved", 5);
	expect(" s - [train label] ", 5);
	keys("q");
	expect("unsaved edits", 5);
	keys("d");
	expect("VIGIL-EXIT=0", 5);
}

/* A long message on the status line at 80x24 keeps its end, the file it
 * names: the hints go, then shorter words, then a long path loses its
 * head to an ellipsis.
 * Before, 'saved (smd); metric labels reopen from interpretation_label/
 * machine-1-2.txt' lost the file name ('...interpretation_label/mach...')
 * and a save into a deep folder showed the folder and not the file. */
static void test_long_message_keeps_file_name(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char out[1024], args[600], cmd[900], last[200];
	smd_copy("smdm", args, sizeof(args));
	start_at(args, "C.UTF-8", 80, 24);
	expect(">m01", 10);
	keys("Tab : 3 0 0 Enter m : 3 1 2 Enter m a");
	expect("(13 rows, node)", 5);
	keys("s");
	expect("save as smd in", 5);
	snprintf(cmd, sizeof(cmd),
		 "C-u '%s/smdm/ServerMachineDataset/test_label/machine-1-2.txt'"
		 " Enter",
		 tmp);
	keys(cmd);
	expect("saved (smd); metric labels reopen from ", 5);
	expect("label/machine-1-2.txt   0 edits unsaved", 5);
	/* a deep folder: the file name and the format stay */
	tu_run(out, sizeof(out), "mkdir -p '%s/a/long/folder/for/the/labels/of/"
		 "this/machine'", tmp);
	keys("m l l m a s");
	expect("save as smd in", 5);
	snprintf(cmd, sizeof(cmd),
		 "C-u '%s/a/long/folder/for/the/labels/of/this/machine/"
		 "machine-1-2.labels.csv' Enter",
		 tmp);
	keys(cmd);
	/* (the machine reads no CSV file: the line says how to) */
	expect("/machine-1-2.labels.csv   0 edits unsaved", 5);
	expect("reopen with --labels", 5);
	status_line(last, sizeof(last));
	CHECK(strstr(last, " reopen with --labels \xe2\x80\xa6/"));
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* A save into a file the next plain start does not read says how to
 * start from it, and a test_label file given with --labels keeps the
 * machine's own interpretation_label for the metrics. Before, the status
 * line said only 'saved PATH (smd)', and '--labels x.test_label.txt' left
 * every metric without labels (m09's range at row 429: 'no next labelled
 * range'). */
static void test_smd_save_says_how_to_reopen(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char args[900], cmd[800];
	smd_copy("smdr", args, sizeof(args));
	start_at(args, "C.UTF-8", 80, 24);
	expect(">m01", 10);
	keys("Tab : 3 0 0 Enter m : 3 1 2 Enter m a");
	expect("(13 rows, node)", 5);
	keys("s");
	expect("save as smd in", 5);
	snprintf(cmd, sizeof(cmd), "C-u '%s/x.test_label.txt' Enter", tmp);
	keys(cmd);
	expect("reopen with --labels ", 5);
	expect("x.test_label.txt (smd); reopen with --labels FILE   0 edits "
	       "unsaved",
	       5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
	/* reopened so: the node's range and the metrics' own labels */
	size_t len = strlen(args);
	snprintf(args + len, sizeof(args) - len,
		 " --labels '%s/x.test_label.txt'", tmp);
	start_at(args, "C.UTF-8", 80, 24);
	expect(">m01", 10);
	keys("j j j j j j j j g ]");
	expect(" m09  429  value 0.00672  forecast -  score - [label] ", 5);
	keys("Tab : 3 0 5 Enter");
	expect(" node s - [label] ", 5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* The machines view's table lines (header and machines, the lines from
 * the one naming `first` on, `n` of them) each keep a space before the
 * right border: returns the first line that does not, or NULL. */
static const char *table_touches_border(const char *first, int n,
					char *bad, size_t bn)
{
	const char *l = strstr(screen, first);
	while (l && l > screen && l[-1] != '\n')
		l--;
	for (int i = 0; l && i < n; i++) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		while (len && l[len - 1] == ' ')
			len--;
		/* the border: a line-drawing character, or 'x' where tmux
		   draws it with the terminal's alternate set */
		size_t b = len >= 3 && !strncmp(l + len - 3, "\xe2\x94\x82", 3)
				   ? 3
				   : 1;
		if (len <= b || l[len - b - 1] != ' ') {
			snprintf(bad, bn, "%.*s", (int)len, l);
			return bad;
		}
		l = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static void check_table(const char *when)
{
	char bad[1024];
	capture();
	if (table_touches_border(" machine ", 3, bad, sizeof(bad))) {
		dump_failure();
		fail_msg("%s: the machines view touches the border: '%s'", when,
			 bad);
	}
}

/* The machines view on a folder of NAB files at 80x24: every column's
 * header and value keeps a space from the right border, after a resize
 * too, and a machine's edits in its journal read whole where they fit
 * and as 'N journal' where they do not. Before, the header's 'edits'
 * touched the border at 80 columns ('... work P/R/F1  edits|'). */
static void test_machines_view_keeps_off_the_border(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char out[1024], args[600];
	tu_run(out, sizeof(out),
	       "rm -rf '%s/nabf' && mkdir '%s/nabf' && cp "
	       "data/samples/nab/realAWSCloudwatch/*.csv "
	       "data/samples/nab/realKnownCause/*.csv '%s/nabf'",
	       tmp, tmp, tmp);
	snprintf(args, sizeof(args), "--no-model '%s/nabf'", tmp);
	start_at(args, "C.UTF-8", 80, 24);
	expect("machines: 3", 10);
	expect(" edits", 5);
	check_table("80x24");
	/* an edit left in a machine's journal */
	keys("Enter");
	expect("0 edits unsaved", 5);
	keys("m l l m a");
	expect("1 edit unsaved", 5);
	keys("M");
	expect("machines: 3", 5);
	stop_server(); /* a kill */
	start_at(args, "C.UTF-8", 80, 24);
	expect("machines: 3", 10);
	WAIT_CHECK(line_with("ec2_network", "no model", " 1 journal "), 5);
	check_table("80x24, an edit in a journal");
	tu_run(out, sizeof(out), "tmux -L %s resize-window -x 100 -y 30",
	       sock);
	WAIT_CHECK(line_with("ec2_network", "no model", " 1 in its journal "),
		   5);
	check_table("100x30");
	tu_run(out, sizeof(out), "tmux -L %s resize-window -x 80 -y 24", sock);
	WAIT_CHECK(line_with("ec2_network", "no model", " 1 journal "), 5);
	check_table("80x24 after 100x30");
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* A save that fails says why at 80x24: where the message is too long for
 * the line, the reason (the system's words) comes first and the file's
 * name without its folder after it; what was done ('(cannot create a
 * temporary file there; ...)') gives way first (at 100 columns it shows
 * cut: test_dashboard_write_failures), then the name's head. Before, the
 * path went down to '…/FILE' and the line's end, the reason, was cut
 * ('not saved: …/machine-1-2.b.label.csv: No such file or d...'). */
static void test_failed_save_keeps_reason(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char args[600], cmd[800], last[200];
	smd_copy("smdf", args, sizeof(args));
	start_at(args, "C.UTF-8", 80, 24);
	expect(">m01", 10);
	keys("Tab : 3 0 0 Enter m : 3 1 2 Enter m a");
	expect("(13 rows, node)", 5);
	keys("s");
	expect("save as smd in", 5);
	snprintf(cmd, sizeof(cmd),
		 "C-u '%s/no/such/folder/machine-1-2.b.label.csv' Enter", tmp);
	keys(cmd);
	/* wait for the message itself: the name typed into the prompt
	   holds the same words before Enter takes effect */
	expect("b.label.csv   1 edit unsaved", 10);
	status_line(last, sizeof(last));
	if (!strstr(last, " not saved (No such file or directory): "
			  "machine-1-2.b.label.csv   1 edit unsaved")) {
		dump_failure();
		fail_msg("status line: '%s'", last);
	}
	/* a name too long for both: the reason stays whole and the name
	   keeps its end, as the save prompt shows it (it was cut at its
	   end, 'machine-1-2.reviewed-b...', which file not to be seen) */
	keys("s");
	expect("save as smd in", 5);
	snprintf(cmd, sizeof(cmd),
		 "C-u '%s/no/such/folder/machine-1-2.reviewed-by-analyst.csv' "
		 "Enter",
		 tmp);
	keys(cmd);
	expect("eviewed-by-analyst.csv   1 edit unsaved", 10);
	status_line(last, sizeof(last));
	if (!strstr(last, " not saved (No such file or directory): "
			  "\xe2\x80\xa6" "eviewed-by-analyst.csv   1 edit unsaved")) {
		dump_failure();
		fail_msg("status line: '%s'", last);
	}
	keys("q");
	expect("unsaved", 5);
	keys("d");
	expect("VIGIL-EXIT=0", 5);
}

/* The alerts view (A) at 80x24 keeps a space before the right border:
 * the last metric's share ran into it ('memory_u… 0.3111|'). */
static void test_alerts_view_keeps_off_the_border(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	start_at("", "C.UTF-8", 80, 24);
	expect("model ", 60);
	keys("A");
	expect("alerts by time", 5);
	char bad[1024];
	capture();
	if (table_touches_border("top metrics (share)", 3, bad,
				 sizeof(bad))) {
		dump_failure();
		fail_msg("the alerts view touches the border: '%s'", bad);
	}
	keys("Escape q");
	expect("VIGIL-EXIT=0", 5);
}

/* Prometheus names a metric by its labels, and the README's own query
 * (rate(node_cpu_seconds_total...) relabelled cpu_user) gives one series a
 * CPU, names alike but for the cpu label in their middle: the metric list
 * cut both as "cpu_use…user\"}", keeping their start and end, so the
 * user could not tell cpu 0 from cpu 1. A cut name now keeps, after the
 * ellipsis, the part where it differs from the others. */
static void test_prometheus_names_differ_in_the_list(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	char path[400], args[500];
	char text[16384], *w = text;
	w += sprintf(w, "t");
	for (int c = 0; c < 2; c++)
		w += sprintf(w, ",\"cpu_user{cpu=\"\"%d\"\",instance=\"\"web-1:"
			     "9100\"\",job=\"\"node\"\",mode=\"\"user\"\"}\"",
			     c);
	w += sprintf(w, ",\"node_load1{instance=\"\"web-1:9100\"\","
		     "job=\"\"node\"\"}\"\n");
	for (int r = 0; r < 200; r++)
		w += sprintf(w, "%d,%d,%d,%d\n", 1795000000 + 60 * r, r % 7,
			     r % 5, r % 3);
	snprintf(path, sizeof(path), "%s/node.csv", tmp);
	assert_int_equal(tu_write(path, text), 0);
	snprintf(args, sizeof(args), "'%s' --no-model", path);
	start(args, "C.UTF-8");
	expect("node_load1{in", 10);
	CHECK(strstr(screen, ">cpu_use\xe2\x80\xa6pu=\"0\" "));
	CHECK(strstr(screen, " cpu_use\xe2\x80\xa6pu=\"1\" "));
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* TMP/unicode.csv, 200 rows a minute apart, with metrics named in other
 * scripts: температура_процессора_ядра_номер_0_в_градусах_цельсия and
 * _1_ (2 bytes a character) and CPU使用率 (two columns a character);
 * vigil's arguments for it into args. */
static void unicode_csv(char *args, size_t n)
{
	char path[400], text[16384], *w = text;
	w += sprintf(w, "t,температура_процессора_ядра_номер_0_в_градусах_"
			"цельсия,температура_процессора_ядра_номер_1_в_"
			"градусах_цельсия,CPU使用率\n");
	for (int r = 0; r < 200; r++)
		w += sprintf(w, "%d,%d,%d,%d\n", 1794999960 + 60 * r,
			     40 + r % 5, 50 + r % 5, r % 3);
	snprintf(path, sizeof(path), "%s/unicode.csv", tmp);
	assert_int_equal(tu_write(path, text), 0);
	snprintf(args, n, "'%s' --no-model", path);
}

/* Metric names in other scripts at 80x24 (температура_процессора_ядра_
 * номер_0_в_градусах_цельсия and _1_, 2 bytes a character; CPU使用率, two
 * columns a character): the plot's title readout and the metric list cut
 * them on whole characters by display columns, the two long ones still
 * apart. Before, counting bytes, the list cut the long ones inside a
 * character ("те\xd0…_0_", both alike) and CPU使用率, 9 columns in 18, to
 * "CPU使用…"; the readout dropped the value and the date to fit
 * ("температура_процессора_ядра_номер_0_в_гр… 12:46 s - "). */
static void test_unicode_names_cut_by_columns(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char args[500], line[4096];
	unicode_csv(args, sizeof(args));
	CHECK(setlocale(LC_CTYPE, "C.UTF-8")); /* textw_cols's wcwidth */
	start_at(args, "C.UTF-8", 80, 24);
	expect("metric | ? help", 10);
	/* the title: the name cut to what the time, value and score leave,
	 * around where the two differ, then the rest whole */
	line_of("metrics", NULL, line, sizeof(line));
	CHECK(strstr(line, " температура_про…а_ядра_номер_0_ 11-18 12:46 "
			   "v 40.0 s - "));
	/* in the box: 80 columns, the corner last */
	CHECK(textw_cols(line) == 80);
	CHECK(line[strlen(line) - 1] == 'k' ||
	      strstr(line + strlen(line) - 3, "┐"));
	/* the list: both long names cut on characters, still apart */
	CHECK(strstr(screen, ">темпе…р_0_ "));
	CHECK(strstr(screen, " темпе…р_1_ "));
	CHECK(strstr(screen, " CPU使用率 "));
	/* no byte of a cut character anywhere, escaped or replaced */
	CHECK(!strstr(screen, "\\x"));
	CHECK(!strstr(screen, "\xef\xbf\xbd"));
	/* a name of two columns a character, whole */
	keys("j j");
	expect(">CPU使用率 ", 5);
	line_of("metrics", NULL, line, sizeof(line));
	CHECK(strstr(line, " CPU使用率  11-18 12:46  value 1  forecast -  "
			   "score - "));
	CHECK(textw_cols(line) == 80);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* The stacked view (v) heads each plot with its metric's name, score and
 * F1 in display columns: at 80x24 with a name of 54 characters in 108
 * bytes, the head was cut at 78 bytes, half the row, to "1 температура_
 * процессора_ядра_номер_0_в_гра" (no score, no F1). */
static void test_stacked_heads_by_columns(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char args[500], line[4096];
	unicode_csv(args, sizeof(args));
	CHECK(setlocale(LC_CTYPE, "C.UTF-8")); /* textw_cols's wcwidth */
	start_at(args, "C.UTF-8", 80, 24);
	expect("metric | ? help", 10);
	keys("Space j Space v");
	expect("stacked: the 2 marked metrics", 5);
	line_of("1 температура", NULL, line, sizeof(line));
	CHECK(strstr(line, "1 температура_процессора_ядра_номер_0_в_градусах_"
			   "цельсия  score 0.00  F1 - "));
	CHECK(textw_cols(line) == 80);
	line_of("2 температура", NULL, line, sizeof(line));
	CHECK(strstr(line, "2 температура_процессора_ядра_номер_1_в_градусах_"
			   "цельсия  score 0.00  F1 - "));
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* Paths whose folders are named in other scripts (données, машина-1,
 * ラベル, two columns a character) at 80x24: the save prompt's folder and
 * a failed save's file name lose their head on whole characters and fill
 * their room by display columns. The folder was cut by bytes, inside a
 * character ('…\x83\xa9ベル/: ...', the keys' help then run past the
 * line's end), and the file name, cut by bytes too, lost too little and
 * then its end ('…1-2.проверено-аналити...'), the part that says which
 * file. */
static void test_unicode_paths_elided_by_columns(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	clear_journals();
	char args[600], cmd[900], last[400];
	smd_copy("smdw", args, sizeof(args));
	start_at(args, "C.UTF-8", 80, 24);
	expect(">m01", 10);
	keys("Tab : 3 0 0 Enter m : 3 1 2 Enter m a");
	expect("(13 rows, node)", 5);
	keys("s");
	expect("save as smd in", 5);
	/* (UTF-8 in the source: what a user types) */
	snprintf(cmd, sizeof(cmd),
		 "C-u '%s/données-du-serveur/машина-1/журнал-меток/ラベル/"
		 "машина-1-2.проверено-аналитиком.csv'",
		 tmp);
	keys(cmd);
	expect("ком.csv  Tab/Enter/Esc", 5);
	/* 80 columns: the ellipsis, 'ток/' and two wide characters fill
	   the folder's room */
	status_line(last, sizeof(last));
	if (strcmp(last, " save as smd in \xe2\x80\xa6ток/ラベル/: "
			 "машина-1-2.проверено-аналитиком.csv  Tab/Enter/Esc")) {
		dump_failure();
		fail_msg("save prompt: '%s'", last);
	}
	keys("Enter");
	expect("1 edit unsaved", 10);
	/* the failed save's file name keeps its end, '.csv', and fills the
	   line to its 80th column */
	status_line(last, sizeof(last));
	if (strcmp(last, " not saved (No such file or directory): "
			 "\xe2\x80\xa6оверено-аналитиком.csv   1 edit unsaved")) {
		dump_failure();
		fail_msg("status line: '%s'", last);
	}
	keys("q");
	expect("unsaved", 5);
	keys("d");
	expect("VIGIL-EXIT=0", 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smd_save_says_how_to_reopen),
		cmocka_unit_test(test_machines_view_keeps_off_the_border),
		cmocka_unit_test(test_failed_save_keeps_reason),
		cmocka_unit_test(test_unicode_paths_elided_by_columns),
		cmocka_unit_test(test_alerts_view_keeps_off_the_border),
		cmocka_unit_test(test_long_message_keeps_file_name),
		cmocka_unit_test(test_readout_fits_80x24),
		cmocka_unit_test(test_save_anyway_counts_only_unsaved),
		cmocka_unit_test(test_prometheus_names_differ_in_the_list),
		cmocka_unit_test(test_unicode_names_cut_by_columns),
		cmocka_unit_test(test_stacked_heads_by_columns),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
