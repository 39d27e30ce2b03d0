/* The man page's OPTIONS section as `make` writes it (man/mankeys.c, built
 * beside the test programs): every subcommand that `vigil --help` lists has
 * its own part there with its --help text, so `man vigil` documents the
 * options of every command the binary has. The real binary and the real
 * generator, run on man/vigil.1. */
#include <libgen.h>

#include "tests/testutil.h"

static char vigil[4096];   /* absolute path of the binary under test */
static char mankeys[4096]; /* BUILD/mankeys, beside BUILD/tests/ */
static char *page;         /* the generated page */

static int setup(void **state)
{
	(void)state;
	if (!realpath(tu_vigil(), vigil))
		return -1;
	char dir[64];
	if (!tu_tmpdir(dir, sizeof(dir)))
		return -1;
	char out[4096], path[128];
	snprintf(path, sizeof(path), "%s/vigil.1", dir);
	int rc = tu_run(out, sizeof(out), "'%s' '%s' < man/vigil.1 > '%s'",
			mankeys, vigil, path);
	if (rc != 0) {
		fprintf(stderr, "%s: exit %d: %s\n", mankeys, rc, out);
		return -1;
	}
	page = tu_slurp(path, NULL);
	tu_run(out, sizeof(out), "rm -rf '%s'", dir);
	return page ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(page);
	return 0;
}

/* Every "  vigil NAME ..." line of `vigil --help` (a subcommand) has a
 * `.SS "vigil NAME"` part after `.SH OPTIONS`, holding its usage line. */
static void test_every_command_has_options(void **state)
{
	(void)state;
	static char help[16384];
	int rc = tu_run(help, sizeof(help), "'%s' --help", vigil);
	assert_int_equal(rc, 0);
	const char *options = strstr(page, "\n.SH OPTIONS\n");
	assert_non_null(options);
	size_t commands = 0;
	for (const char *p = help; (p = strstr(p, "\n  vigil ")); p++) {
		const char *w = p + strlen("\n  vigil ");
		size_t n = 0;
		while (w[n] >= 'a' && w[n] <= 'z')
			n++;
		if (n == 0 || w[n] != ' ')
			continue; /* the dashboard's lines: [DATASET], --follow */
		char part[64], usage[64];
		snprintf(part, sizeof(part), ".SS \"vigil %.*s\"\n", (int)n, w);
		snprintf(usage, sizeof(usage), "Usage: vigil %.*s", (int)n, w);
		const char *at = strstr(options, part);
		if (!at)
			fail_msg("the man page has no OPTIONS part for 'vigil "
				 "%.*s'",
				 (int)n, w);
		const char *next = strstr(at + strlen(part), "\n.SS ");
		const char *u = strstr(at, usage);
		if (!u || (next && u > next))
			fail_msg("the man page's part for 'vigil %.*s' lacks "
				 "'%s'",
				 (int)n, w, usage);
		commands++;
	}
	assert_int_equal(commands, 9); /* info ... watch */
}

/* What a reader of `man vigil` looks up: watch's and cache's options. */
static void test_watch_and_cache_options(void **state)
{
	(void)state;
	const char *options = strstr(page, "\n.SH OPTIONS\n");
	assert_non_null(options);
	/* the page keeps --help's text verbatim (inside .nf) */
	static const char *const want[] = {
		"--alertmanager URL", "--retry-max", "--keep ROWS",
		"--older-than AGE",   "--max-size SIZE",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(options, want[i]))
			fail_msg("the man page's OPTIONS lack '%s'", want[i]);
}

int main(int argc, char **argv)
{
	(void)argc;
	char self[4096];
	snprintf(self, sizeof(self), "%s", argv[0]);
	snprintf(mankeys, sizeof(mankeys), "%s/../mankeys", dirname(self));
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_command_has_options),
		cmocka_unit_test(test_watch_and_cache_options),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
