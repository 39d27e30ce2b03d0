/* The load progress bar (ui/loadbar.h): what it draws for a real load
 * (forced on a pipe, without the one-second delay), that it wipes its line
 * at the end and draws nothing after, and that off a terminal it draws
 * nothing at all. */
#include "tests/testutil.h"

#include <fcntl.h>

#include "data/series.h"
#include "ui/loadbar.h"

static char dir[64], csv[128];

static int setup(void **state)
{
	(void)state;
	if (!tu_tmpdir(dir, sizeof(dir)))
		return -1;
	snprintf(csv, sizeof(csv), "%s/a.csv", dir);
	FILE *f = fopen(csv, "w");
	if (!f)
		return -1;
	fprintf(f, "a,b\n");
	for (int i = 0; i < 150000; i++) /* about 2 MB: several updates */
		fprintf(f, "%d.25,%d\n", i, i % 7);
	return fclose(f);
}

static int teardown(void **state)
{
	(void)state;
	char out[256];
	tu_run(out, sizeof(out), "rm -rf '%s'", dir);
	return 0;
}

/* Loads csv with a bar on a pipe; returns what the bar wrote. */
static char *load_with_bar(int force, int *fd_out)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	LoadBar b;
	loadbar_begin(&b, p[1], force);
	SeriesOptions o = {0};
	loadbar_attach(&b, &o);
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, csv, &o, &err), STATUS_OK);
	series_free(&s);
	loadbar_end(&b);
	loadbar_update(&b, 1, 2); /* after the end: nothing */
	close(p[1]);
	static char out[65536];
	ssize_t n = read(p[0], out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = '\0';
	*fd_out = p[0];
	return out;
}

static void test_bar_drawn_and_wiped(void **state)
{
	(void)state;
	int fd;
	const char *out = load_with_bar(1, &fd);
	close(fd);
	assert_non_null(strstr(out, "\rloading ["));
	assert_non_null(strstr(out, "[##############################] 100%"));
	assert_non_null(strstr(out, "  0%"));
	size_t n = strlen(out);
	assert_true(n > 4);
	assert_string_equal(out + n - 4, "\r\033[K"); /* wiped last */
}

static void test_nothing_off_a_terminal(void **state)
{
	(void)state;
	int fd;
	const char *out = load_with_bar(0, &fd);
	close(fd);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bar_drawn_and_wiped),
		cmocka_unit_test(test_nothing_off_a_terminal),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
