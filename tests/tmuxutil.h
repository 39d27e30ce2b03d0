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
 * test program), included after tests/testutil.h. At the end, what the
 * workbench tours share: the alerts file, the alert band, saving as CSV,
 * the split marker. */
#ifndef VIGIL_TMUXUTIL_H
#define VIGIL_TMUXUTIL_H

#include <signal.h>
#include <time.h>

#include "data/clock.h"
#include "ui/dash/plot.h"

static char sock[96];   /* the current server's socket name ("" = none) */
static unsigned n_starts;
static char tmp[256];
static char screen[65536];
static const char *pre_cmd = ""; /* put before vigil's command line */
static int server_gone; /* the last capture could not reach the server */

static inline double timeout_s(double plain)
{
	return tu_sanitized() ? plain * 4 : plain;
}

/* Read the screen into screen[]. At most one capture every 20 ms: a
 * capture is a shell and a tmux client (some 3 ms of CPU), and polling
 * loops without a pause kept a core busy that vigil needs (training, the
 * sanitizers, the other test programs of a parallel run). */
static inline void capture(void)
{
	static double last;
	double wait = last + 0.02 - clock_mono_seconds();
	if (wait > 0) {
		struct timespec ts = {0, (long)(wait * 1e9)};
		nanosleep(&ts, NULL);
	}
	int rc = tu_run(screen, sizeof(screen), "tmux -L %s capture-pane -p",
			sock);
	server_gone = rc != 0;
	last = clock_mono_seconds();
}

/* Print what helps to understand a failure: the screen, and vigil's stderr
 * and sanitizer reports of the current start. */
static inline void dump_failure(void)
{
	static char files[32768];
	/* the status line first, where it is easiest to find */
	const char *last = screen;
	for (const char *p = screen; *p; p++)
		if (*p == '\n' && p[1] && p[1] != '\n')
			last = p + 1;
	print_error("status line: %.*s\n", (int)strcspn(last, "\n"), last);
	/* line by line: cmocka cuts one message at 1 KiB */
	print_error("screen%s:\n",
		    server_gone ? " (the tmux server is gone)" : "");
	for (const char *p = screen; *p;) {
		int len = (int)strcspn(p, "\n");
		print_error("%.*s\n", len, p);
		p += len + (p[len] == '\n');
	}
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
		double end_ = clock_mono_seconds() + timeout_s(secs);                   \
		do {                                                       \
			capture();                                         \
		} while (!(cond) && !server_gone && clock_mono_seconds() < end_);       \
		CHECK(cond);                                               \
	} while (0)

/* Poll the screen until it contains text; returns 1 when it did, 0 on
 * timeout or when the server is gone (no point waiting then). */
static inline int wait_for(const char *text, double secs)
{
	double end = clock_mono_seconds() + timeout_s(secs);
	do {
		capture();
		if (strstr(screen, text))
			return 1;
		if (server_gone)
			return 0;
	} while (clock_mono_seconds() < end);
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
	double end = clock_mono_seconds() + timeout_s(15);
	while (pid > 0 && !process_ended(pid) && clock_mono_seconds() < end) {
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

/* A copy of the cut SMD machine in tmp/name; its dataset argument (with
 * --no-model) into args. */
static inline void smd_copy(const char *name, char *args, size_t n)
{
	char out[1024];
	tu_run(out, sizeof(out),
	       "rm -rf '%s/%s' && cp -r data/samples/smd-cut '%s/%s'", tmp,
	       name, tmp, name);
	snprintf(args, n, "--no-model '%s/%s/ServerMachineDataset:machine-1-2'",
		 tmp, name);
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

/* "recall R F1 F" of the panel's event line, as text ("" when absent, or
 * not painted whole on the last capture). */
static inline void panel_recall(char *out, size_t n)
{
	const char *p = strstr(screen, "recall ");
	double r, f;
	out[0] = '\0';
	if (!p || sscanf(p, "recall %lf F1 %lf", &r, &f) != 2)
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
	double end = clock_mono_seconds() + timeout_s(5);
	do {
		capture();
		panel_recall(now, n);
		if (now[0] && (same ? !strcmp(now, old) : !!strcmp(now, old)))
			return 1;
		if (server_gone)
			return 0;
	} while (clock_mono_seconds() < end);
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

/* kill -9 the vigil in the current pane and wait until it is gone (the
 * shell's echo lands in the alternate screen nobody restored: the process
 * is waited for instead). */
static inline void kill_vigil(void)
{
	long pid = vigil_pid();
	CHECK(pid > 0);
	kill((pid_t)pid, SIGKILL);
	double end = clock_mono_seconds() + timeout_s(5);
	while (kill((pid_t)pid, 0) == 0 && clock_mono_seconds() < end) {
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	CHECK(kill((pid_t)pid, 0) != 0);
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

/* Press key until the screen shows text, at most max times, each time
 * waiting for its frame (the screen changes, or text shows) rather than
 * for a fixed time; stops early when a key no longer changes the screen.
 * 1 when text shows. */
static inline int press_until_shown(const char *key, const char *text,
				    int max)
{
	static char before[sizeof(screen)];
	capture();
	for (int i = 0; i < max && !strstr(screen, text); i++) {
		memcpy(before, screen, sizeof(screen));
		keys(key);
		double end = clock_mono_seconds() + timeout_s(5);
		do {
			capture();
		} while (!strstr(screen, text) && !strcmp(screen, before) &&
			 !server_gone && clock_mono_seconds() < end);
		if (!strcmp(screen, before))
			break;
	}
	return strstr(screen, text) != NULL;
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
		double end = clock_mono_seconds() + timeout_s(5);
		do {
			capture();
			status_line(now, sizeof(now));
		} while (!strcmp(now, before) && !server_gone &&
			 clock_mono_seconds() < end);
		if (strstr(now, what))
			return 1;
	}
	return 0;
}


/* ---- shared by the tours (test_ui_tour.c, test_ui_workbench.c) ---- */

/* Colour parameters (30-37, 38, 40-47, 48, 90-107) in the SGR sequences
 * of text captured with escapes. */
static inline int colour_codes(const char *text)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, "\033[")); p++) {
		const char *q = p + 2;
		while (*q) {
			char *end;
			long v = strtol(q, &end, 10);
			if (end == q)
				break;
			if ((v >= 30 && v <= 38) || (v >= 40 && v <= 48) ||
			    (v >= 90 && v <= 107))
				n++;
			if (*end != ';')
				break;
			q = end + 1;
		}
	}
	return n;
}

/* Split a CSV line (no quoted fields) into at most cap fields in place. */
static inline int fields(char *line, char **f, int cap)
{
	int n = 0;
	for (char *p = line; n < cap;) {
		f[n++] = p;
		char *c = strchr(p, ',');
		if (!c)
			break;
		*c = '\0';
		p = c + 1;
	}
	return n;
}

/* One alert of `vigil detect`'s alerts file: its span, criticality and
 * ranked metrics with their shares. */
typedef struct {
	long start, end;
	char start_time[32];
	char crit[16];
	int n;
	char metric[64][32];
	char share[64][32];
} FileAlert;

/* Read `vigil detect`'s alerts file (alert,start,end,start_time,end_time,
 * criticality,peak_score,node_detections,low,medium,high,rank,metric,
 * share) into al (cap alerts); returns the number of alerts. */
static inline int read_alerts(const char *path, FileAlert *al, int cap)
{
	char *csv = tu_slurp(path, NULL);
	assert_non_null(csv);
	char *save = NULL;
	int n = 0;
	strtok_r(csv, "\n", &save); /* the header */
	for (char *line = strtok_r(NULL, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[16];
		if (fields(line, f, 16) != 14)
			fail_msg("alerts file line: %s", line);
		int id = atoi(f[0]);
		if (id > n) {
			assert_true(id == n + 1 && id <= cap);
			FileAlert *a = &al[id - 1];
			memset(a, 0, sizeof(*a));
			a->start = atol(f[1]);
			a->end = atol(f[2]);
			snprintf(a->start_time, sizeof(a->start_time), "%.16s",
				 f[3]);
			snprintf(a->crit, sizeof(a->crit), "%s", f[5]);
			n = id;
		}
		FileAlert *a = &al[id - 1];
		assert_int_equal(atoi(f[11]), a->n + 1);
		if (a->n < 64) {
			snprintf(a->metric[a->n], 32, "%s", f[12]);
			snprintf(a->share[a->n], 32, "%s", f[13]);
			a->n++;
		}
	}
	free(csv);
	return n;
}

/* The alert band: "ALERT i/n crit ...: metric share metric share ... [+N
 * more]" equals the file's ranked metrics and shares, as many as fit (at
 * least the first, its name cut with '~' when it must be). */
static inline int band_ok(const FileAlert *fa, int number, int total,
			  char *why, size_t wn)
{
	char head[64], line[4096];
	snprintf(head, sizeof(head), "ALERT %d/%d %s ", number, total,
		 fa->crit);
	snprintf(why, wn, "no '%s' on the screen", head);
	if (!strstr(screen, head))
		return 0;
	line_of(head, NULL, line, sizeof(line));
	/* a time in the span ("10:05"): the metrics follow ": " */
	const char *p = strstr(strstr(line, head), ": ");
	snprintf(why, wn, "no metrics after the span");
	if (!p)
		return 0;
	p++;
	int k = 0, more = 0, used;
	char name[64], share[64];
	while (sscanf(p, " %63s %63s%n", name, share, &used) == 2) {
		if (name[0] == '+') {
			more = atoi(name + 1);
			break;
		}
		if (name[0] == 'x' && !name[1])
			break; /* the pane's border */
		/* a name cut to fit ends in '~' */
		size_t nl = strlen(name);
		int same = k < fa->n &&
			   (name[nl - 1] == '~'
				    ? !strncmp(name, fa->metric[k], nl - 1)
				    : !strcmp(name, fa->metric[k]));
		if (!same || strcmp(share, fa->share[k])) {
			snprintf(why, wn,
				 "band metric %d: %s %s, the file says %s %s",
				 k + 1, name, share,
				 k < fa->n ? fa->metric[k] : "-",
				 k < fa->n ? fa->share[k] : "-");
			return 0;
		}
		k++;
		p += used;
	}
	snprintf(why, wn, "%d metrics shown and %d more, the file ranks %d", k,
		 more, fa->n);
	return k >= 1 && k + more == fa->n;
}

/* The band as band_ok wants it, waiting for a frame painted whole. */
static inline void check_band(const FileAlert *fa, int number, int total)
{
	char why[512];
	double end = clock_mono_seconds() + timeout_s(5);
	int ok;
	do {
		capture();
		ok = band_ok(fa, number, total, why, sizeof(why));
	} while (!ok && !server_gone && clock_mono_seconds() < end);
	if (!ok) {
		dump_failure();
		fail_msg("%s", why);
	}
}

/* Save the labels as vigil CSV to tmp/name: s, Tab until the format is
 * csv, the path, Enter. */
static inline void save_csv(const char *name)
{
	keys("s");
	expect(" save as ", 5);
	CHECK(press_until_shown("Tab", " save as csv ", 6));
	char cmd[700], done[300];
	snprintf(cmd, sizeof(cmd), "C-u '%s/%s' Enter", tmp, name);
	keys(cmd);
	snprintf(done, sizeof(done), "%s (csv)", name);
	expect(done, 5);
}

/* Characters (UTF-8 aware) in the first n bytes of text. */
static inline long chars_in(const char *text, size_t n)
{
	long c = 0;
	for (size_t i = 0; i < n && text[i]; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* How many lines of the screen have glyph at screen column col. */
static inline int lines_with_glyph_at(const char *glyph, long col)
{
	int n = 0;
	for (const char *p = screen; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		for (const char *q = p; (q = strstr(q, glyph)) && q < p + len;
		     q++)
			if (chars_in(p, (size_t)(q - p)) == col)
				n++;
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
}

/* The split of a dataset (rows, first test row split) where the dashboard
 * must draw it, at w columns with a list pane list_w wide: the plot's
 * first column is list_w + 1 + 7 (the list pane, the plot's border, the y
 * axis), its width w - list_w - 9. The axis line says "train MARK test"
 * with the mark in that column, and the value area draws the mark in the
 * same column on several lines. */
static inline void check_split_mark(const char *mark, int w, int list_w,
				    size_t rows, size_t split)
{
	char axis[32];
	snprintf(axis, sizeof(axis), "train %s test", mark);
	WAIT_CHECK(strstr(screen, axis) != NULL, 5);
	CHECK(list_w > 0);
	size_t pw = (size_t)(w - list_w - 9);
	long col = list_w + 1 + 7 + plot_row_column(0, rows, pw, split);
	char line[4096];
	line_of(axis, NULL, line, sizeof(line));
	long at = chars_in(line, (size_t)(strstr(line, axis) - line)) + 6;
	if (at != col) {
		dump_failure();
		fail_msg("split mark at column %ld, the split row's column is "
			 "%ld",
			 at, col);
	}
	CHECK(lines_with_glyph_at(mark, col) >= 4);
}

#endif
