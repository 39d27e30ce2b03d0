/* vigil --follow in tmux: the dashboard on a CSV file that grows. Rows
 * appended to the file appear, the view follows the end while the cursor is
 * on the last row, stays where the user moved it otherwise, and follows
 * again after G. The real binary in a private tmux server (120x30), the
 * screen read back with capture-pane and polled (no fixed sleeps). HOME
 * points at the temporary folder. Skipped when tmux is missing. */
#include "tests/testutil.h"

#include <limits.h>
#include <time.h>

static char sock[96];
static char dir[256];
static char screen[65536];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void capture(void)
{
	tu_run(screen, sizeof(screen), "tmux -L %s capture-pane -p", sock);
}

/* Wait until the screen shows text (plain seconds, 4x under the
 * sanitizers). */
static int wait_for(const char *text, double secs)
{
	double end = now_s() + (tu_sanitized() ? 4 * secs : secs);
	do {
		capture();
		if (strstr(screen, text))
			return 1;
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	} while (now_s() < end);
	return 0;
}

#define EXPECT(text, secs)                                                 \
	do {                                                               \
		if (!wait_for(text, secs))                                 \
			fail_msg("'%s' did not appear; screen:\n%s", text, \
				 screen);                                  \
	} while (0)

/* Append lines [a, b) of the synthetic file (line 0 is the header). */
static void append(int a, int b)
{
	char out[256];
	assert_int_equal(tu_run(out, sizeof(out),
				"sed -n '%d,%dp' %s/synthetic.csv >> %s/grow.csv",
				a + 1, b, dir, dir),
			 0);
}

/* The title line (the first line of the screen). */
static void title(char *buf, size_t n)
{
	capture();
	snprintf(buf, n, "%.*s", (int)strcspn(screen, "\n"), screen);
}

static void test_follow_growing_csv(void **state)
{
	(void)state;
	char out[8192];
	if (tu_run(out, sizeof(out), "command -v tmux") != 0)
		skip();
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(sock, sizeof(sock), "vigil-follow-%d", (int)getpid());
	assert_int_equal(tu_run(out, sizeof(out),
				"%s synth -o %s --points 700 --seed 7 && "
				"head -501 %s/synthetic.csv > %s/grow.csv && "
				"HOME=%s %s train %s/grow.csv --split 250 -o "
				"%s/m.model --epochs 3 --hidden 8 --quiet",
				tu_vigil(), dir, dir, dir, dir, tu_vigil(), dir,
				dir),
			 0);
	char vigil[4096];
	assert_non_null(realpath(tu_vigil(), vigil));
	assert_int_equal(
		tu_run(out, sizeof(out),
		       "tmux -L %s new-session -d -x 120 -y 30 "
		       "\"cd %s && HOME=%s XDG_CACHE_HOME=%s LANG=C.UTF-8 "
		       "%s --follow grow.csv --model m.model --split 250 "
		       "2> err.txt\"",
		       sock, dir, dir, dir, vigil),
		0);
	/* 500 rows from 2022-01-01 00:00: the cursor starts on the last */
	EXPECT("model loaded", 20);
	EXPECT("2022-01-01 08:19", 5);
	/* rows arrive: they appear and the view follows */
	append(501, 560);
	EXPECT("follow: 59 new rows, 559 in all", 10);
	EXPECT("2022-01-01 09:18", 5);
	/* the user moves away: the view stays. One h at a time, each
	 * waited for: t0 must be the title after the third (under load the
	 * capture could see the first before the others arrived) */
	char t0[512], prev[512];
	title(t0, sizeof(t0));
	for (int i = 0; i < 3; i++) {
		snprintf(prev, sizeof(prev), "%s", t0);
		tu_run(out, sizeof(out), "tmux -L %s send-keys h", sock);
		double end = now_s() + 5;
		do {
			title(t0, sizeof(t0));
		} while (!strcmp(t0, prev) && now_s() < end);
		assert_string_not_equal(t0, prev);
	}
	assert_null(strstr(t0, "09:18"));
	append(560, 600);
	EXPECT("599 in all", 10);
	char t1[512];
	title(t1, sizeof(t1));
	assert_string_equal(t0, t1);
	/* G: at the end again, and following */
	tu_run(out, sizeof(out), "tmux -L %s send-keys G", sock);
	EXPECT("2022-01-01 09:58", 5);
	append(600, 610);
	EXPECT("609 in all", 10);
	EXPECT("2022-01-01 10:08", 5);
	tu_run(out, sizeof(out), "tmux -L %s send-keys q", sock);
	tu_run(out, sizeof(out), "tmux -L %s kill-server", sock);
	char *err = tu_slurp(strcat(strcpy(out, dir), "/err.txt"), NULL);
	if (err && *err)
		fail_msg("vigil wrote on stderr: %s", err);
	free(err);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

static int teardown(void **state)
{
	(void)state;
	char out[256];
	if (sock[0])
		tu_run(out, sizeof(out), "tmux -L %s kill-server", sock);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follow_growing_csv),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
