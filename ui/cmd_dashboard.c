/* `vigil [DATASET]`: the dashboard. Opens the data (the built-in synthetic
 * demo without DATASET), its labels, the model (trained in a background
 * thread while the data can be browsed), and runs the curses loop: keys from
 * the table of ui/keys.h, prompts, the mouse, resizing. `--keys FILE`
 * replays a key script, `--dump FILE` writes the final screen as text and
 * `--timing` prints the time from key to finished frame, for tests and the
 * benchmark. The fatal path restores the terminal before it prints. */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <ncursesw/curses.h>

#include "data/fileio.h"
#include "data/synth.h"
#include "ui/app.h"
#include "ui/cli.h"
#include "ui/commands.h"
#include "ui/dash.h"
#include "ui/journal.h"
#include "ui/keys.h"
#include "ui/panes.h"
#include "ui/pipeline.h"

static const char dashboard_help[] =
	"Usage: vigil [DATASET] [options]\n"
	"\n"
	"The dashboard: every metric with its forecast, detections and\n"
	"labelled ranges; relabel from the keyboard and watch precision,\n"
	"recall and F1 move. Without DATASET it opens the built-in demo.\n"
	"\n"
	"Options:\n"
	"  --labels FILE    labels to start from (default: the dataset's own)\n"
	"  --keys FILE      replay a key script, then quit (tests, benchmarks)\n"
	"  --dump FILE      write the final screen as text to FILE\n"
	"  --timing         print the time from key to finished frame\n"
	"  --no-model       do not train or load a model\n"
	"  -h, --help       this help\n"
	"The demo trains a small model (hidden 32, 12 epochs) and detects with\n"
	"the seed rule unless told otherwise. A dataset uses the same defaults\n"
	"and the same model cache as vigil train, detect and score, so the\n"
	"dashboard and the command line show the same detections.\n\n";

static int curses_on;

/* The fatal path: restore the terminal, then print. */
static void fatal(const char *what, const char *arg)
{
	if (curses_on) {
		endwin();
		curses_on = 0;
	}
	fprintf(stderr, "vigil: %s %s\n", what, arg);
}

static void on_signal(int sig)
{
	if (curses_on)
		endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- key scripts -------------------------------------------------------- */

/* Parse a key script: plain characters are keys; <Tab> <Esc> <Enter>
 * <C-r> <Down> <Up> <Left> <Right> <PgUp> <PgDn> <wait> name others.
 * Whitespace between tokens is ignored ("<Space>" types a space). */
static int *parse_keys(const char *text, size_t *n)
{
	static const struct {
		const char *name;
		int key;
	} named[] = {
		{"Tab", '\t'},       {"Esc", 27},           {"Enter", '\n'},
		{"C-r", 'r' & 0x1f}, {"C-l", 'l' & 0x1f},   {"Down", KEY_DOWN},
		{"Up", KEY_UP},      {"Left", KEY_LEFT},     {"Right", KEY_RIGHT},
		{"PgUp", KEY_PPAGE}, {"PgDn", KEY_NPAGE},    {"Space", ' '},
		{"BS", KEY_BACKSPACE}, {"wait", DASH_KEY_WAIT}, {"lt", '<'},
		{"gt", '>'},
	};
	size_t cap = strlen(text) + 1;
	int *keys = malloc(cap * sizeof(int));
	size_t k = 0;
	if (!keys)
		return NULL;
	for (const char *p = text; *p;) {
		if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') {
			p++;
			continue;
		}
		if (*p == '<') {
			const char *e = strchr(p, '>');
			int found = 0;
			if (e && e > p + 1) {
				for (size_t i = 0;
				     i < sizeof(named) / sizeof(named[0]); i++)
					if ((size_t)(e - p - 1) ==
						    strlen(named[i].name) &&
					    !strncmp(p + 1, named[i].name,
						     (size_t)(e - p - 1))) {
						keys[k++] = named[i].key;
						found = 1;
					}
			}
			if (found) {
				p = e + 1;
				continue;
			}
		}
		keys[k++] = (unsigned char)*p++;
	}
	*n = k;
	return keys;
}

/* ---- the screen as text ------------------------------------------------- */

static int dump_screen(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	for (int y = 0; y < LINES; y++) {
		char line[4096];
		size_t used = 0;
		for (int x = 0; x < COLS && used + 8 < sizeof(line); x++) {
			cchar_t cc;
			wchar_t wc[CCHARW_MAX + 1];
			attr_t at;
			short pair;
			if (mvwin_wch(curscr, y, x, &cc) == ERR ||
			    getcchar(&cc, wc, &at, &pair, NULL) == ERR) {
				line[used++] = ' ';
				continue;
			}
			if (at & A_ALTCHARSET) {
				/* line drawing in the C locale */
				char c = (char)wc[0];
				line[used++] = c == 'q'   ? '-'
					       : c == 'x' ? '|'
					       : (c == 'l' || c == 'k' || c == 'm' ||
						  c == 'j')
						       ? '+'
						       : c;
				continue;
			}
			mbstate_t st;
			memset(&st, 0, sizeof(st));
			char mb[16];
			size_t len = wcrtomb(mb, wc[0] ? wc[0] : L' ', &st);
			if (len == (size_t)-1) {
				line[used++] = '?';
			} else {
				memcpy(line + used, mb, len);
				used += len;
			}
		}
		while (used && line[used - 1] == ' ')
			used--;
		line[used] = '\0';
		fprintf(f, "%s\n", line);
	}
	return fclose(f) == 0 ? 0 : -1;
}

/* ---- the loop ----------------------------------------------------------- */

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

int cmd_dashboard(int argc, char **argv)
{
	DashOptions opt;
	dash_options_defaults(&opt);
	const char *keys_path = NULL, *dump_path = NULL;
	int timing = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r = cli_series_option("dashboard", argc, argv, &i,
					  &opt.series);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(dashboard_help, stdout);
			fputs(pipeline_model_help, stdout);
			fputs(pipeline_detect_help, stdout);
			fputs(cli_series_help, stdout);
			return 0;
		} else if (!strcmp(a, "--labels") && i + 1 < argc) {
			opt.labels = argv[++i];
		} else if (!strcmp(a, "--keys") && i + 1 < argc) {
			keys_path = argv[++i];
		} else if (!strcmp(a, "--dump") && i + 1 < argc) {
			dump_path = argv[++i];
		} else if (!strcmp(a, "--timing")) {
			timing = 1;
		} else if (!strcmp(a, "--no-model")) {
			opt.no_model = 1;
		} else if ((r = pipeline_option("dashboard", argc, argv, &i,
						&opt.pipe)) != 0) {
			if (r < 0)
				return 1;
			static const char *const train_opts[] = {
				"--epochs", "--hidden",		"--look-back",
				"--seed",   "--max-train-rows", "--threads"};
			if (!strcmp(a, "--mode"))
				opt.mode_set = 1;
			for (size_t k = 0;
			     k < sizeof(train_opts) / sizeof(train_opts[0]); k++)
				if (!strcmp(a, train_opts[k]))
					opt.lstm_set = 1;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("dashboard",
					       "unknown option '%s'", a);
		} else if (!opt.dataset) {
			opt.dataset = a;
		} else {
			return cli_usage_error("dashboard",
					       "one DATASET at most ('%s')", a);
		}
	}

	int *script = NULL;
	size_t n_script = 0;
	/* a model file that cannot be read would only show as a message
	 * in the dashboard: refuse what is not a regular file up front */
	if (opt.pipe.model_path) {
		ErrorRecord merr;
		Status ms = fileio_check_regular(opt.pipe.model_path, &merr);
		if (ms)
			return cli_report("dashboard", ms, &merr);
	}
	if (keys_path) {
		FILE *f;
		ErrorRecord kerr;
		Status ks = fileio_open(keys_path, &f, &kerr);
		if (ks)
			return cli_report("dashboard", ks, &kerr);
		char buf[65536];
		size_t got = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[got] = '\0';
		script = parse_keys(buf, &n_script);
		if (!script)
			return 3;
	} else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "vigil: the dashboard needs a terminal (or "
				"--keys FILE)\n");
		return 1;
	}

	App app;
	app_init(&app);
	ErrorRecord err;
	error_clear(&err);
	Status st = dash_open(&app, &opt, &err);
	if (st != STATUS_OK) {
		int rc = cli_report("dashboard", st, &err);
		app_free(&app);
		free(script);
		return rc;
	}
	/* A replayed script keeps no journal and leaves an interactive
	 * session's journal alone. */
	if (!script) {
		long pending = journal_prepare(&app, opt.dataset ? opt.dataset
								 : "demo");
		if (pending > 0)
			app.prompt = PROMPT_RECOVER;
		else
			journal_start(&app, 0);
	}

	const char *cs = nl_langinfo(CODESET);
	app.unicode = cs && !strcmp(cs, "UTF-8");

	SCREEN *scr;
	if (script) {
		FILE *in = fopen("/dev/null", "r");
		scr = newterm(NULL, stdout, in ? in : stdin);
	} else {
		scr = newterm(NULL, stdout, stdin);
	}
	if (!scr) {
		fprintf(stderr, "vigil: cannot start the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		app_free(&app);
		free(script);
		return 3;
	}
	curses_on = 1;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
#ifndef __SANITIZE_ADDRESS__
	/* under AddressSanitizer its own handler must stay: it writes the
	 * crash report (ours would replace it and the report be lost) */
	signal(SIGSEGV, on_signal);
	signal(SIGABRT, on_signal);
#endif
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	/* stdscr stays empty and untouched, so getch() never repaints over
	 * the panes */
	refresh();
	mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED | REPORT_MOUSE_POSITION,
		  NULL);
	mouseinterval(0);
	panes_init_colours(&app);
	panes_layout(&app);
	app.dirty = DIRTY_ALL;
	dash_poll_model(&app);
	panes_draw(&app);

	double *times = script ? malloc((n_script + 1) * sizeof(double)) : NULL;
	size_t n_times = 0;
	double worst_ms = -1;
	int worst_key = 0;
	int quit = 0;
	size_t si = 0;
	while (!quit) {
		int ch;
		if (script) {
			if (si >= n_script)
				break;
			ch = script[si++];
			if (ch == DASH_KEY_WAIT) {
				dash_wait_model(&app);
				panes_draw(&app);
				continue;
			}
		} else {
			timeout(app.model == MODEL_TRAINING ? 100 : -1);
			ch = getch();
			if (ch == ERR) {
				if (dash_poll_model(&app))
					panes_draw(&app);
				continue;
			}
		}
		double t0 = now_ms();
		unsigned fl = dash_key(&app, ch);
		dash_poll_model(&app);
		if (fl & APP_RELAYOUT)
			panes_layout(&app);
		if (fl & APP_QUIT)
			quit = 1;
		app.dirty |= fl & DIRTY_ALL;
		panes_draw(&app);
		if (times) {
			times[n_times] = now_ms() - t0;
			if (times[n_times] > worst_ms) {
				worst_ms = times[n_times];
				worst_key = ch;
			}
			n_times++;
		}
	}
	if (dump_path && dump_screen(dump_path) != 0)
		fatal("cannot write", dump_path);
	int cols = COLS, lines = LINES;
	endwin();
	curses_on = 0;
	delscreen(scr);
	panes_free();
	if (timing && n_times) {
		double *sorted = malloc(n_times * sizeof(double));
		if (sorted) {
			memcpy(sorted, times, n_times * sizeof(double));
			qsort(sorted, n_times, sizeof(double), cmp_double);
			char kn[16];
			fprintf(stderr,
				"keys %zu  median %.3f ms  worst %.3f ms (key "
				"%s)  at %dx%d\n",
				n_times, sorted[n_times / 2],
				sorted[n_times - 1],
				keys_key_name(worst_key, kn, sizeof(kn)), cols,
				lines);
			free(sorted);
		}
	}
	free(times);
	free(script);
	int rc = 0;
	if (!ui_labels_unsaved(&app.labels) || quit)
		journal_remove(&app);
	dash_close(&app);
	app_free(&app);
	return rc;
}
