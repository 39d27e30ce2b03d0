/* prometheus:// sources that are written wrong: each is bad input, exit 2
 * as the README's table of exit codes says for any DATASET vigil cannot
 * read (exit 1 is for a command line that is wrong: an unknown option, a
 * missing argument), with a message that names what is wrong and the
 * source. No server is needed: nothing is fetched from a malformed
 * source. */
#include "tests/testutil.h"

typedef struct {
	const char *source;
	const char *says; /* a part of the message */
} Bad;

static const Bad bad[] = {
	{"prometheus://", "no host"},
	{"prometheus:///?query=up", "no host"},
	/* a port without a host: it said "no answer from the server: URL
	   using bad/illegal format" */
	{"prometheus://:9090/?query=up", "no host"},
	{"prometheus://127.0.0.1:abc/?query=up", "the port 'abc' is not a number"},
	{"prometheus://127.0.0.1:0/?query=up", "the port '0' is not a number"},
	{"prometheus://127.0.0.1:70000/?query=up",
	 "the port '70000' is not a number"},
	{"prometheus://127.0.0.1:/?query=up", "the port '' is not a number"},
	{"prometheus://127.0.0.1:9090/", "no query"},
	{"prometheus://127.0.0.1:9090/?query=", "no query"},
	{"prometheus://127.0.0.1:9090/?start=now-1h", "no query"},
	{"prometheus://127.0.0.1:9090/?query=up&bare", "'bare' is not NAME=VALUE"},
	{"prometheus://127.0.0.1:9090/?query=up&range=1h",
	 "unknown parameter 'range'"},
	{"prometheus://127.0.0.1:9090/?query=up&step=x", "step is whole seconds"},
	{"prometheus://127.0.0.1:9090/?query=up&step=0", "step is whole seconds"},
	{"prometheus://127.0.0.1:9090/?query=up&start=yesterday",
	 "start is RFC 3339"},
	{"prometheus://127.0.0.1:9090/?query=up&end=now-1x", "end is RFC 3339"},
	{"prometheus://127.0.0.1:9090/?query=up&start=now&end=now-1h",
	 "start is after end"},
};

/* vigil info, detect and watch (the commands a source is given to first)
 * on every malformed form: exit 2, the reason named. They exited 1, the
 * code of a usage error. */
static void test_malformed_source_is_bad_input(void **state)
{
	(void)state;
	static const char *const cmds[] = {"info", "detect",
					   "watch --model none.model"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
			char out[4096];
			int rc = tu_run(out, sizeof(out), "%s %s '%s'",
					tu_vigil(), cmds[c], bad[i].source);
			if (rc != 2 || !strstr(out, bad[i].says) ||
			    !strstr(out, bad[i].source))
				fail_msg("vigil %s '%s': exit %d (want 2, "
					 "saying '%s'):\n%s",
					 cmds[c], bad[i].source, rc,
					 bad[i].says, out);
		}
}

/* A usage error stays one: a source with an option that is not known. */
static void test_usage_error_still_exit_1(void **state)
{
	(void)state;
	char out[4096];
	int rc = tu_run(out, sizeof(out),
			"%s info 'prometheus://127.0.0.1:9090/?query=up' "
			"--no-such-option",
			tu_vigil());
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "--no-such-option"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed_source_is_bad_input),
		cmocka_unit_test(test_usage_error_still_exit_1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
