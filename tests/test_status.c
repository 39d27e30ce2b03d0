/* Status codes and error records: the messages a user sees. */
#include "tests/testutil.h"

#include "data/range.h"
#include "data/status.h"

static void test_error_format_names_file_line_column(void **state)
{
	(void)state;
	ErrorRecord err;
	char buf[1200];
	error_clear(&err);
	Status s = error_set(&err, STATUS_PARSE, "x.csv", 3, 7,
			     "expected a number, found '%s'", "abc");
	assert_int_equal(s, STATUS_PARSE);
	assert_string_equal(error_format(&err, buf, sizeof(buf)),
			    "x.csv:3:7: expected a number, found 'abc'");
	assert_int_equal(status_exit_code(s), 2);
	assert_int_equal(status_exit_code(STATUS_USAGE), 1);
	assert_int_equal(status_exit_code(STATUS_NOMEM), 3);
	assert_int_equal(status_exit_code(STATUS_OK), 0);
}

static void test_crit_names_round_trip(void **state)
{
	(void)state;
	Criticality c;
	assert_int_equal(crit_parse("medium", &c), 0);
	assert_int_equal(c, CRIT_MEDIUM);
	assert_string_equal(crit_name(CRIT_HIGH), "high");
	assert_int_equal(crit_parse("severe", &c), -1);
}

static void test_help_and_unknown_exit_codes(void **state)
{
	(void)state;
	char out[8192];
	assert_int_equal(tu_run(out, sizeof(out), "%s --help", tu_vigil()), 0);
	assert_non_null(strstr(out, "vigil score"));
}

/* Every help text holds in an 80-column terminal: `vigil --help` printed
 * each command and its summary on one line of up to 118 columns, and
 * score's usage ran to 85, so each wrapped mid-word there. */
static void test_help_fits_80_columns(void **state)
{
	(void)state;
	static const char *const cmds[] = {"",       "info",  "train", "detect",
					   "score",  "labels", "synth", "nab",
					   "cache",  "watch",  "./"};
	static char out[32768];
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		int rc = tu_run(out, sizeof(out), "%s %s --help", tu_vigil(),
				cmds[i]);
		assert_int_equal(rc, 0);
		size_t line = 1;
		for (const char *p = out; *p; line++) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			if (n > 80)
				fail_msg("vigil %s --help, line %zu: %zu "
					 "columns: %.*s",
					 cmds[i], line, n, (int)n, p);
			p += n + (e != NULL);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_format_names_file_line_column),
		cmocka_unit_test(test_crit_names_round_trip),
		cmocka_unit_test(test_help_and_unknown_exit_codes),
		cmocka_unit_test(test_help_fits_80_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
