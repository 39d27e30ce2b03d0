/* End-to-end tests of the dashboard: the real binary in a private tmux
 * server (100x30), keys sent with send-keys, the screen read back with
 * capture-pane and polled until the expected text shows (no fixed sleeps).
 * HOME and XDG_CACHE_HOME point at a temporary folder so that caches and
 * journals do not leak. Skipped when tmux is missing. */
#include "tests/testutil.h"

#include <time.h>

static char sock[64];
static char tmp[256];
static char screen[65536];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double timeout_s(double plain)
{
	return tu_sanitized() ? plain * 4 : plain;
}

static void capture(void)
{
	tu_run(screen, sizeof(screen), "tmux -L %s capture-pane -p", sock);
}

/* Poll the screen until it contains text; returns 1 when it did. */
static int wait_for(const char *text, double secs)
{
	double end = now_s() + timeout_s(secs);
	do {
		capture();
		if (strstr(screen, text))
			return 1;
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	} while (now_s() < end);
	return 0;
}

static void expect(const char *text, double secs)
{
	if (!wait_for(text, secs)) {
		print_error("screen:\n%s\n", screen);
		fail_msg("'%s' did not appear within %.0f s", text,
			 timeout_s(secs));
	}
}

static void keys(const char *k)
{
	char out[256];
	tu_run(out, sizeof(out), "tmux -L %s send-keys %s", sock, k);
}

/* Start vigil with args in a fresh session; locale as given. */
static void start(const char *args, const char *lang)
{
	char out[1024];
	tu_run(out, sizeof(out), "tmux -L %s kill-server", sock);
	int rc = tu_run(out, sizeof(out),
			"tmux -L %s new-session -d -x 100 -y 30 "
			"\"env HOME=%s XDG_CACHE_HOME=%s/cache LANG=%s "
			"LC_ALL=%s TERM=xterm-256color %s %s; "
			"echo VIGIL-EXIT=\\$?; sleep 60\"",
			sock, tmp, tmp, lang, lang, tu_vigil(), args);
	assert_int_equal(rc, 0);
}

static int setup(void **state)
{
	(void)state;
	char out[256];
	if (tu_run(out, sizeof(out), "command -v tmux") != 0)
		return 0;
	snprintf(sock, sizeof(sock), "vigiltest-%ld", (long)getpid());
	char buf[256];
	if (!tu_tmpdir(buf, sizeof(buf)))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s", buf);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char out[256];
	if (sock[0])
		tu_run(out, sizeof(out), "tmux -L %s kill-server", sock);
	if (tmp[0])
		tu_run(out, sizeof(out), "rm -rf '%s'", tmp);
	return 0;
}

static int have_tmux(void)
{
	char out[256];
	return tu_run(out, sizeof(out), "command -v tmux") == 0;
}

/* Open the demo, move between metrics, zoom, see the help, quit. */
static void test_demo_browse(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	start("--no-model", "C.UTF-8");
	expect("metrics", 10);
	expect(">cpu_usage", 5);
	capture();
	char before[65536];
	snprintf(before, sizeof(before), "%s", screen);
	/* the demo's time axis starts at midnight, and the whole series
	 * (1000 minutes) spans more than 16 hours of ticks */
	assert_non_null(strstr(screen, "|00:00"));
	keys("j");
	expect(">memory_usage", 5);
	expect("memory_usage  2022-01-01", 5);
	/* zoom in twice around the cursor (row 500 = 08:20): the axis no
	 * longer starts at 00:00 */
	keys("+ +");
	double end = now_s() + timeout_s(5);
	do {
		capture();
	} while (strstr(screen, "|00:00") && now_s() < end);
	assert_null(strstr(screen, "|00:00"));
	/* the cursor moves right: the readout time changes */
	expect("08:20:00  value", 2);
	keys("l l l l");
	double end2 = now_s() + timeout_s(5);
	do {
		capture();
	} while (strstr(screen, "08:20:00  value") && now_s() < end2);
	assert_null(strstr(screen, "08:20:00  value"));
	keys("?");
	expect("vigil keys", 5);
	expect("next metric", 2);
	expect("Ctrl-R", 2);
	keys("Escape");
	expect(">memory_usage", 5);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

/* The C locale: ASCII plot and boxes, no Braille. */
static void test_c_locale_ascii(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	start("--no-model", "C");
	expect("metrics", 10);
	capture();
	for (const unsigned char *p = (const unsigned char *)screen; *p; p++)
		if (*p >= 0x80)
			fail_msg("non-ASCII byte in the C locale:\n%s", screen);
	keys("q");
	expect("VIGIL-EXIT=0", 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_browse),
		cmocka_unit_test(test_c_locale_ascii),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
