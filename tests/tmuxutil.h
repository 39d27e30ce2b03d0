/* Helpers of the end-to-end dashboard tests: the real binary in a private
 * tmux server, keys sent with send-keys, the screen read back with
 * capture-pane and polled until the expected text shows (no fixed sleeps).
 * HOME and XDG_CACHE_HOME point at a temporary folder so that caches and
 * journals do not leak.
 *
 * Every start() uses a server of its own (a new socket name in the test's
 * temporary folder), so the previous server's shutdown can never race with
 * the next new-session. vigil's stderr and any sanitizer report go to files
 * in the temporary folder; a failing wait prints the screen, whether the
 * server is still there, and those files. Header-only (static state per
 * test program), included after tests/testutil.h. */
#ifndef VIGIL_TMUXUTIL_H
#define VIGIL_TMUXUTIL_H

#include <signal.h>
#include <time.h>

static char sock[96];   /* the current server's socket name ("" = none) */
static unsigned n_starts;
static char tmp[256];
static char screen[65536];
static const char *pre_cmd = ""; /* put before vigil's command line */
static int server_gone; /* the last capture could not reach the server */

static inline double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double timeout_s(double plain)
{
	return tu_sanitized() ? plain * 4 : plain;
}

static inline void capture(void)
{
	int rc = tu_run(screen, sizeof(screen), "tmux -L %s capture-pane -p",
			sock);
	server_gone = rc != 0;
}

/* Print what helps to understand a failure: the screen, and vigil's stderr
 * and sanitizer reports of the current start. */
static inline void dump_failure(void)
{
	static char files[32768];
	/* the status line first: a long screen may be cut short below */
	const char *last = screen;
	for (const char *p = screen; *p; p++)
		if (*p == '\n' && p[1] && p[1] != '\n')
			last = p + 1;
	print_error("status line: %.*s\n", (int)strcspn(last, "\n"), last);
	print_error("screen%s:\n%s\n",
		    server_gone ? " (the tmux server is gone)" : "", screen);
	tu_run(files, sizeof(files),
	       "for f in '%s'/vigil-%u.err '%s'/asan-%u.*; do "
	       "[ -s \"$f\" ] && echo \"== $f\" && tail -c 12000 \"$f\"; "
	       "done; true",
	       tmp, n_starts, tmp, n_starts);
	if (files[0])
		print_error("vigil's stderr and sanitizer reports:\n%s\n", files);
}

/* Fail with the diagnostics unless cond holds. */
#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			dump_failure();                                    \
			fail_msg("%s", #cond);                             \
		}                                                          \
	} while (0)

/* Poll the screen until cond holds (or secs pass), then CHECK it. */
#define WAIT_CHECK(cond, secs)                                             \
	do {                                                               \
		double end_ = now_s() + timeout_s(secs);                   \
		do {                                                       \
			capture();                                         \
		} while (!(cond) && !server_gone && now_s() < end_);       \
		CHECK(cond);                                               \
	} while (0)

/* Poll the screen until it contains text; returns 1 when it did, 0 on
 * timeout or when the server is gone (no point waiting then). */
static inline int wait_for(const char *text, double secs)
{
	double end = now_s() + timeout_s(secs);
	do {
		capture();
		if (strstr(screen, text))
			return 1;
		if (server_gone)
			return 0;
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	} while (now_s() < end);
	return 0;
}

static inline void expect(const char *text, double secs)
{
	if (!wait_for(text, secs)) {
		dump_failure();
		fail_msg("'%s' did not appear within %.0f s", text,
			 timeout_s(secs));
	}
}

static inline void keys(const char *k)
{
	char out[256];
	tu_run(out, sizeof(out), "tmux -L %s send-keys %s", sock, k);
}

/* Whether process pid has ended (gone, or a zombie nobody reaps yet). */
static inline int process_ended(long pid)
{
	if (kill((pid_t)pid, 0) != 0)
		return 1;
	char path[64], stat[256] = "";
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 1;
	size_t n = fread(stat, 1, sizeof(stat) - 1, f);
	fclose(f);
	stat[n] = '\0';
	const char *p = strrchr(stat, ')'); /* "pid (comm) S ..." */
	return !p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X';
}

/* Kill the current server and wait until the process it ran (vigil, or
 * the shell's sleep after it) has ended: vigil exits on the SIGHUP, but
 * under load or the sanitizers (the leak check at exit) it can take a
 * while, and until then it holds the dataset's lock and journal, so the
 * next start would open read-only or be offered that journal. */
static inline void stop_server(void)
{
	char out[256];
	if (!sock[0])
		return;
	long pid = -1;
	if (tu_run(out, sizeof(out),
		   "ps -o pid= --ppid $(tmux -L %s display -p '#{pane_pid}' "
		   "2>/dev/null) 2>/dev/null",
		   sock) == 0)
		pid = atol(out);
	tu_run(out, sizeof(out), "tmux -L %s kill-server", sock);
	double end = now_s() + timeout_s(15);
	while (pid > 0 && !process_ended(pid) && now_s() < end) {
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

/* Start vigil with args in a fresh server of cols x rows; locale as given
 * (followed by more environment settings if wanted, "C.UTF-8 NO_COLOR=1"). The pane's
 * shell shows vigil's exit code and then stays for ten minutes, longer
 * than any wait, so a vigil that died leaves its screen to read. The
 * command is a script in the temporary folder, so the tmux server's own
 * command line does not name the vigil binary: a `pkill -f vigil-asan`
 * meant for a stray dashboard (tmux servers keep the argv of the client
 * that started them) cannot take the server down with it. */
static inline void start_at(const char *args, const char *lang, int cols,
			    int rows)
{
	char out[1024];
	stop_server();
	n_starts++;
	snprintf(sock, sizeof(sock), "uitest-%ld-%u", (long)getpid(),
		 n_starts);
	char script[400];
	snprintf(script, sizeof(script), "%s/run-%u.sh", tmp, n_starts);
	FILE *f = fopen(script, "w");
	if (!f)
		fail_msg("cannot write %s", script);
	const char *asan = getenv("ASAN_OPTIONS");
	fprintf(f,
		"%senv HOME='%s' XDG_CACHE_HOME='%s/cache' LANG=%s LC_ALL=%s "
		"TERM=xterm-256color ASAN_OPTIONS='%s%slog_path=%s/asan-%u' "
		"%s %s 2>'%s/vigil-%u.err'\n"
		"echo VIGIL-EXIT=$?\n"
		"sleep 600\n",
		pre_cmd, tmp, tmp, lang, lang, asan ? asan : "", asan && *asan ? ":" : "",
		tmp, n_starts, tu_vigil(), args, tmp, n_starts);
	fclose(f);
	int rc = tu_run(out, sizeof(out),
			"tmux -L %s -f /dev/null new-session -d -x %d -y %d "
			"sh '%s'",
			sock, cols, rows, script);
	if (rc != 0)
		fail_msg("tmux new-session: %s", out);
}

/* start_at at 100x30. */
static inline void start(const char *args, const char *lang)
{
	start_at(args, lang, 100, 30);
}

static inline int setup(void **state)
{
	(void)state;
	char out[256];
	if (tu_run(out, sizeof(out), "command -v tmux") != 0)
		return 0;
	char buf[256];
	if (!tu_tmpdir(buf, sizeof(buf)))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s", buf);
	/* the private servers' sockets live in the temporary folder too, so
	 * nothing is left in /tmp/tmux-UID and nothing outside can touch
	 * them */
	setenv("TMUX_TMPDIR", tmp, 1);
	return 0;
}

static inline int teardown(void **state)
{
	(void)state;
	char out[256];
	stop_server();
	if (tmp[0])
		tu_run(out, sizeof(out), "rm -rf '%s'", tmp);
	return 0;
}

/* Forget journals an earlier (failed) test may have left. */
static inline void clear_journals(void)
{
	char out[256];
	tu_run(out, sizeof(out), "rm -f '%s'/cache/vigil/journal-*", tmp);
}

static inline int have_tmux(void)
{
	char out[256];
	return tu_run(out, sizeof(out), "command -v tmux") == 0;
}


/* Send raw SGR mouse reports (xterm's 1006 protocol; TERM is
 * xterm-256color): button b at column x, row y (1-based), press or
 * release. */
static inline void mouse(int b, int x, int y, int press)
{
	char out[256];
	tu_run(out, sizeof(out), "tmux -L %s send-keys -l $(printf '\\033[<%d;%d;%d%c')",
	       sock, b, x, y, press ? 'M' : 'm');
}

/* Several SGR mouse reports ("0;5;4M 0;5;4m": button;x;y then M press,
 * m release) sent in one send-keys, so they reach vigil together: as
 * from a fast hand or to a busy dashboard, which ncurses then hands over
 * as one KEY_MOUSE. */
static inline void mouse_at_once(const char *reports)
{
	char seq[512] = "", one[64], out[256];
	const char *p = reports;
	int used;
	while (sscanf(p, " %40s%n", one, &used) == 1) {
		size_t l = strlen(seq);
		snprintf(seq + l, sizeof(seq) - l, "\\033[<%s", one);
		p += used;
	}
	tu_run(out, sizeof(out), "tmux -L %s send-keys -l \"$(printf '%s')\"",
	       sock, seq);
}

/* "recall R F1 F" of the panel's event line, as text ("" when absent). */
static inline void panel_recall(char *out, size_t n)
{
	const char *p = strstr(screen, "recall ");
	out[0] = '\0';
	if (!p)
		return;
	snprintf(out, n, "%.22s", p); /* "recall 0.96 F1 0.96" */
}

static inline double recall_of(const char *text)
{
	return text[0] ? atof(text + 7) : -1;
}

/* Wait until the panel's recall/F1 text differs from old (or equals it
 * when same is 1). */
static inline int wait_panel(const char *old, int same, char *now, size_t n)
{
	double end = now_s() + timeout_s(5);
	do {
		capture();
		panel_recall(now, n);
		if (now[0] && (same ? !strcmp(now, old) : !!strcmp(now, old)))
			return 1;
		if (server_gone)
			return 0;
	} while (now_s() < end);
	return 0;
}

/* Whether one line of the screen contains a, b and c (in that order, at
 * distinct places). */
static inline int line_with(const char *a, const char *b, const char *c)
{
	const char *p = screen;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[4096];
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		const char *x = strstr(line, a);
		const char *y = x ? strstr(x + strlen(a), b) : NULL;
		const char *z = y ? strstr(y + strlen(b), c) : NULL;
		if (z)
			return 1;
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

/* Occurrences of text on the screen. */
static inline int count_of(const char *text)
{
	int n = 0;
	for (const char *p = screen; (p = strstr(p, text)); p += strlen(text))
		n++;
	return n;
}

/* The line of the screen holding text (without ones holding not), into
 * buf ("" when none). */
static inline void line_of(const char *text, const char *not, char *buf, size_t n)
{
	buf[0] = '\0';
	for (const char *p = screen; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[4096];
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		if (strstr(line, text) && !(not && strstr(line, not))) {
			snprintf(buf, n, "%s", line);
			return;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* The pid of the vigil running in the current server's pane. */
static inline long vigil_pid(void)
{
	char out[256];
	if (tu_run(out, sizeof(out),
		   "ps -o pid= --ppid $(tmux -L %s display -p '#{pane_pid}')",
		   sock) != 0)
		return -1;
	return atol(out);
}

/* The status line (the last non-empty line of the screen) into buf. */
static inline void status_line(char *buf, size_t n)
{
	const char *last = screen;
	for (const char *p = screen; *p; p++)
		if (*p == '\n' && p[1] && p[1] != '\n')
			last = p + 1;
	snprintf(buf, n, "%.*s", (int)strcspn(last, "\n"), last);
}

/* Press key until the status line holds what, at most max times, each
 * time waiting for the status line to change; 1 when it got there. */
static inline int press_until(const char *key, const char *what, int max)
{
	char before[1024], now[1024];
	for (int i = 0; i < max; i++) {
		capture();
		status_line(before, sizeof(before));
		keys(key);
		double end = now_s() + timeout_s(5);
		do {
			capture();
			status_line(now, sizeof(now));
		} while (!strcmp(now, before) && !server_gone &&
			 now_s() < end);
		if (strstr(now, what))
			return 1;
	}
	return 0;
}

#endif
