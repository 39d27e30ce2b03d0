/* The key table: every key DESIGN section 5 promises is bound, no key is
 * bound twice in one mode, and the help lines come from the same table. */
#include "tests/testutil.h"

#include "ui/dash/keys.h"

static void test_design_keys_bound(void **state)
{
	(void)state;
	static const struct {
		int key;
		KeyMode mode;
		Action act;
	} want[] = {
		{'j', KEYMODE_NORMAL, ACT_METRIC_NEXT},
		{'k', KEYMODE_NORMAL, ACT_METRIC_PREV},
		{'h', KEYMODE_NORMAL, ACT_CURSOR_LEFT},
		{'l', KEYMODE_NORMAL, ACT_CURSOR_RIGHT},
		{'H', KEYMODE_NORMAL, ACT_PAGE_LEFT},
		{'L', KEYMODE_NORMAL, ACT_PAGE_RIGHT},
		{'+', KEYMODE_NORMAL, ACT_ZOOM_IN},
		{'-', KEYMODE_NORMAL, ACT_ZOOM_OUT},
		{'g', KEYMODE_NORMAL, ACT_START},
		{'G', KEYMODE_NORMAL, ACT_END},
		{'n', KEYMODE_NORMAL, ACT_DET_NEXT},
		{'N', KEYMODE_NORMAL, ACT_DET_PREV},
		{']', KEYMODE_NORMAL, ACT_LABEL_NEXT},
		{'[', KEYMODE_NORMAL, ACT_LABEL_PREV},
		{'f', KEYMODE_NORMAL, ACT_DIS_NEXT},
		{'F', KEYMODE_NORMAL, ACT_DIS_PREV},
		{'m', KEYMODE_NORMAL, ACT_MARK},
		{'a', KEYMODE_NORMAL, ACT_LABEL},
		{'x', KEYMODE_NORMAL, ACT_UNLABEL},
		{'u', KEYMODE_NORMAL, ACT_UNDO},
		{'r' & 0x1f, KEYMODE_NORMAL, ACT_REDO},
		{'s', KEYMODE_NORMAL, ACT_SAVE},
		{'c', KEYMODE_NORMAL, ACT_COMPARE},
		{'o', KEYMODE_NORMAL, ACT_ORIGINAL},
		{'\t', KEYMODE_NORMAL, ACT_SCOPE},
		{'/', KEYMODE_NORMAL, ACT_FILTER},
		{'t', KEYMODE_NORMAL, ACT_THRESHOLD},
		{'<', KEYMODE_THRESHOLD, ACT_THR_DOWN},
		{'>', KEYMODE_THRESHOLD, ACT_THR_UP},
		{'?', KEYMODE_NORMAL, ACT_HELP},
		{'q', KEYMODE_NORMAL, ACT_QUIT},
		/* the workbench keys of issue 12 */
		{'d', KEYMODE_NORMAL, ACT_LABEL_DET},
		{'e', KEYMODE_NORMAL, ACT_EDGE},
		{'l', KEYMODE_EDGE, ACT_CURSOR_RIGHT},
		{'H', KEYMODE_EDGE, ACT_PAGE_LEFT},
		{'\r', KEYMODE_EDGE, ACT_PICK},
		{27, KEYMODE_EDGE, ACT_CANCEL},
		{'\r', KEYMODE_NORMAL, ACT_PICK},
		{'A', KEYMODE_NORMAL, ACT_ALERTS},
		{'S', KEYMODE_NORMAL, ACT_SORT},
		{'v', KEYMODE_NORMAL, ACT_STACK},
		{':', KEYMODE_NORMAL, ACT_GOTO},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		Action a = keys_lookup(want[i].key, want[i].mode);
		if (a != want[i].act)
			fail_msg("key %d bound to %s, want %s", want[i].key,
				 keys_action_name(a),
				 keys_action_name(want[i].act));
	}
	/* '<' and '>' do nothing outside threshold mode; q does not quit
	 * inside it */
	assert_int_equal(keys_lookup('<', KEYMODE_NORMAL), ACT_NONE);
	assert_int_equal(keys_lookup('q', KEYMODE_THRESHOLD), ACT_NONE);
	assert_int_equal(keys_lookup('Z', KEYMODE_NORMAL), ACT_NONE);
	/* edge mode takes only its keys: no undo, save or quit in it */
	assert_int_equal(keys_lookup('u', KEYMODE_EDGE), ACT_NONE);
	assert_int_equal(keys_lookup('s', KEYMODE_EDGE), ACT_NONE);
	assert_int_equal(keys_lookup('q', KEYMODE_EDGE), ACT_NONE);
}

/* The man page's KEYS section comes from the table: every action with its
 * keys and help, troff-escaped (the "- _" key and hyphens as \-). */
static void test_man_keys_from_table(void **state)
{
	(void)state;
	char path[] = "/tmp/vigil-man-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w+");
	assert_non_null(f);
	keys_man_write(f);
	fflush(f);
	char *man = tu_slurp(path, NULL);
	fclose(f);
	unlink(path);
	assert_non_null(man);
	assert_true(!strncmp(man, ".SH KEYS\n", 9));
	size_t tp = 0;
	for (const char *p = man; (p = strstr(p, ".TP\n")); p += 4)
		tp++;
	assert_int_equal(tp, (size_t)ACT_COUNT); /* every action + mouse */
	for (int a = 1; a < ACT_COUNT; a++) {
		/* the help text, its hyphens escaped */
		char want[128];
		size_t k = 0;
		for (const char *h = keys_action_help((Action)a); *h && k < 120;
		     h++) {
			if (*h == '-')
				want[k++] = '\\';
			want[k++] = *h;
		}
		want[k] = '\0';
		if (!strstr(man, want))
			fail_msg("man page lacks '%s'", want);
	}
	assert_non_null(strstr(man, ".B \\- _\n"));
	assert_non_null(strstr(man, ".B j Down\nnext metric\n"));
	assert_non_null(strstr(man, ".B Enter\napply edge; pick alert/metric\n"));
	free(man);
}

static void test_no_duplicate_bindings(void **state)
{
	(void)state;
	size_t n;
	const KeyBinding *t = keys_table(&n);
	assert_true(n > 30);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (t[i].key == t[j].key && (t[i].modes & t[j].modes))
				fail_msg("key %d bound twice (%s, %s)", t[i].key,
					 keys_action_name(t[i].act),
					 keys_action_name(t[j].act));
}

/* Every action has a key, a name and help text, and appears in the help
 * lines with its key names. */
static void test_help_from_table(void **state)
{
	(void)state;
	size_t n;
	const KeyBinding *t = keys_table(&n);
	const char *const *lines;
	size_t nl = keys_help_lines(&lines);
	assert_int_equal(nl, ACT_COUNT); /* every action + the mouse line */
	for (int a = 1; a < ACT_COUNT; a++) {
		int bound = 0;
		for (size_t i = 0; i < n; i++)
			bound |= t[i].act == (Action)a;
		if (!bound)
			fail_msg("action %s has no key", keys_action_name(a));
		assert_true(strlen(keys_action_help(a)) > 3);
		int found = 0;
		for (size_t l = 0; l < nl; l++)
			found |= strstr(lines[l], keys_action_help(a)) != NULL;
		assert_true(found);
	}
	int redo = 0, tab = 0;
	for (size_t l = 0; l < nl; l++) {
		redo |= strstr(lines[l], "Ctrl-R") && strstr(lines[l], "redo");
		tab |= strncmp(lines[l], "Tab", 3) == 0;
	}
	assert_true(redo);
	assert_true(tab);
	char buf[16];
	assert_string_equal(keys_key_name('j', buf, sizeof(buf)), "j");
	assert_string_equal(keys_key_name(18, buf, sizeof(buf)), "Ctrl-R");
}

/* At 80x24 the help has 78 inner columns: two columns of 39 hold every
 * line whole only if none is longer than 38 (the rest scrolls, but the
 * standard size should show the whole table at once). */
static void test_help_fits_two_columns_at_80(void **state)
{
	(void)state;
	const char *const *lines;
	size_t n = keys_help_lines(&lines);
	assert_true(n > 30);
	for (size_t i = 0; i < n; i++)
		if (strlen(lines[i]) > 38)
			fail_msg("help line too long for 80 columns: '%s'",
				 lines[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_design_keys_bound),
		cmocka_unit_test(test_no_duplicate_bindings),
		cmocka_unit_test(test_help_from_table),
		cmocka_unit_test(test_help_fits_two_columns_at_80),
		cmocka_unit_test(test_man_keys_from_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
