/* `vigil [DATASET]`: the dashboard. Opens the data (the built-in synthetic
 * demo without DATASET), its labels, the model (trained in a background
 * thread while the data can be browsed), and runs the curses loop: keys from
 * the table of ui/dash/keys.h, prompts, the mouse, resizing. `--keys FILE`
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
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <ncursesw/curses.h>

#include "data/clock.h"
#include "data/fileio.h"
#include "data/synth.h"
#include "ui/dash/app.h"
#include "ui/dash/colour.h"
#include "ui/cli.h"
#include "ui/commands.h"
#include "ui/dash/dash.h"
#include "ui/dash/fleet.h"
#include "ui/dash/journal.h"
#include "ui/dash/keys.h"
#include "ui/dash/panes.h"
#include "ui/loadbar.h"
#include "ui/pipeline.h"

static const char dashboard_help[] =
	"Usage: vigil [DATASET] [options]\n"
	"\n"
	"The dashboard: every metric with its forecast, detections and\n"
	"labelled ranges; relabel from the keyboard and watch precision,\n"
	"recall and F1 move. Without DATASET it opens the built-in demo.\n"
	"DATASET may be a folder of datasets (PATH/ServerMachineDataset, or a\n"
	"folder of CSV or NAB files; one holding train.csv and test.csv is one\n"
	"dataset): the machines view lists them with their training, node\n"
	"detections, event P/R/F1 and unsaved edits; Enter opens one, M comes\n"
	"back, q in the view quits.\n"
	"\n"
	"Options:\n"
	"  --labels FILE    labels to start from (default: the dataset's own);\n"
	"                   twice for an SMD pair, a test_label file and an\n"
	"                   interpretation_label file (as s saves them), in\n"
	"                   either order; on an SMD machine a file of one of\n"
	"                   the two keeps the machine's own other one\n"
	"  --keys FILE      replay a key script, then quit (tests, benchmarks)\n"
	"  --dump FILE      write the final screen as text to FILE\n"
	"  --timing         print the time from key to finished frame\n"
	"  --no-model       do not train or load a model\n"
	"  --follow         DATASET grows (a CSV file with lines appended, a\n"
	"                   Prometheus query): new rows appear as they arrive\n"
	"                   and the view follows the end while the cursor is on\n"
	"                   the last row\n"
	"  -h, --help       this help\n"
	"The demo trains a small model (hidden 32 unless --hidden, 12 epochs\n"
	"unless --epochs; every other option as given) and detects with the\n"
	"seed rule unless --mode. A dataset uses the same defaults\n"
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

/* The terminal as it was before curses, and the bytes that take it back
 * (leave the alternate screen, show the cursor, keypad and mouse reports
 * off, plain attributes): made ready before any signal can come, so the
 * handler only calls async-signal-safe write(2) and tcsetattr(3). The
 * journal needs nothing: every operation is on disk before it is shown. */
static struct termios term_saved;
static int term_saved_ok;
static char term_restore[256];
static size_t term_restore_len;

static void add_cap(const char *name)
{
	char *cap = tigetstr((char *)name);
	if (!cap || cap == (char *)-1)
		return;
	size_t n = strlen(cap);
	if (term_restore_len + n < sizeof(term_restore)) {
		memcpy(term_restore + term_restore_len, cap, n);
		term_restore_len += n;
	}
}

static void prepare_restore(void)
{
	term_restore_len = 0;
	/* CAN first: it ends an escape sequence the signal cut short */
	static const char mouse_off[] =
		"\030\033[?1003l\033[?1002l\033[?1000l\033[?1006l";
	memcpy(term_restore, mouse_off, sizeof(mouse_off) - 1);
	term_restore_len = sizeof(mouse_off) - 1;
	add_cap("sgr0");
	add_cap("rmkx");
	add_cap("rmcup");
	add_cap("cnorm");
}

static void on_signal(int sig)
{
	if (curses_on) {
		ssize_t w = write(STDOUT_FILENO, term_restore, term_restore_len);
		(void)w;
		if (term_saved_ok)
			tcsetattr(STDIN_FILENO, TCSANOW, &term_saved);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_signal(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	sigaction(sig, &sa, NULL);
}

/* ---- key scripts -------------------------------------------------------- */

/* Parse a key script: plain characters are keys; <Tab> <Esc> <Enter>
 * <C-r> <Down> <Up> <Left> <Right> <PgUp> <PgDn> <wait> <lap> name others.
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
		{"gt", '>'},         {"lap", DASH_KEY_LAP},
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

/* What the command line asked for besides the dashboard's options. */
typedef struct {
	const char *keys_path; /* --keys FILE */
	const char *dump_path; /* --dump FILE */
	int timing;            /* --timing */
} RunOptions;

/* Parse argv into opt and run; returns -1 to go on, or the exit code
 * (--help, a usage error). */
static int parse_args(int argc, char **argv, DashOptions *opt,
		      RunOptions *run)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r = cli_series_option("dashboard", argc, argv, &i,
					  &opt->series);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(dashboard_help, stdout);
			fputs(pipeline_model_help, stdout);
			fputs(pipeline_detect_help, stdout);
			fputs(pipeline_adapt_help, stdout);
			fputs(cli_series_help, stdout);
			return 0;
		} else if (!strcmp(a, "--labels") || !strcmp(a, "--keys") ||
			   !strcmp(a, "--dump")) {
			if (i + 1 >= argc)
				return cli_usage_error("dashboard",
						       "%s needs a value", a);
			const char *v = argv[++i];
			if (!strcmp(a, "--keys")) {
				run->keys_path = v;
			} else if (!strcmp(a, "--dump")) {
				run->dump_path = v;
			} else if (cli_add_labels("dashboard", v,
						  opt->labels,
						  &opt->n_labels)) {
				return 1;
			}
		} else if (!strcmp(a, "--timing")) {
			run->timing = 1;
		} else if (!strcmp(a, "--no-model")) {
			opt->no_model = 1;
		} else if (!strcmp(a, "--follow")) {
			opt->follow = 1;
			/* a line still being written waits until it is
			   whole, from the first read on */
			opt->series.complete_lines = 1;
			/* and the lines appended are read from where the
			   load ended */
			opt->series.cursor = &opt->cursor;
		} else if ((r = pipeline_option("dashboard", argc, argv, &i,
						&opt->pipe)) != 0) {
			if (r < 0)
				return 1;
			if (!strcmp(a, "--mode"))
				opt->mode_set = 1;
			if (!strcmp(a, "--hidden"))
				opt->hidden_set = 1;
			if (!strcmp(a, "--epochs"))
				opt->epochs_set = 1;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("dashboard",
					       "unknown option '%s'", a);
		} else if (!opt->dataset) {
			opt->dataset = a;
		} else {
			return cli_usage_error("dashboard",
					       "one DATASET at most ('%s')", a);
		}
	}
	return -1;
}

static int have_terminal(void)
{
	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

/* The key script of --keys into *script (n keys). Returns -1 to go on, or
 * the exit code. Without a script the dashboard needs a terminal. */
static int load_script(const char *path, int **script, size_t *n)
{
	*script = NULL;
	*n = 0;
	if (!path) {
		if (have_terminal())
			return -1;
		fprintf(stderr, "vigil: the dashboard needs a terminal (or "
				"--keys FILE)\n");
		return 1;
	}
	FILE *f;
	ErrorRecord kerr;
	Status ks = fileio_open(path, &f, &kerr);
	if (ks)
		return cli_report("dashboard", ks, &kerr);
	char buf[65536];
	size_t got = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[got] = '\0';
	*script = parse_keys(buf, n);
	return *script ? -1 : 3;
}

/* Start curses (a script reads its keys from the script, not the
 * terminal), the signal handlers that restore the terminal and the mouse.
 * NULL when the terminal cannot be started. */
static SCREEN *start_terminal(int scripted)
{
	term_saved_ok = tcgetattr(STDIN_FILENO, &term_saved) == 0;
	SCREEN *scr;
	if (scripted) {
		FILE *in = fopen("/dev/null", "r");
		scr = newterm(NULL, stdout, in ? in : stdin);
	} else {
		scr = newterm(NULL, stdout, stdin);
	}
	if (!scr)
		return NULL;
	prepare_restore();
	curses_on = 1;
	catch_signal(SIGHUP);
	catch_signal(SIGQUIT);
	catch_signal(SIGTERM);
	catch_signal(SIGINT);
#ifndef __SANITIZE_ADDRESS__
	/* under AddressSanitizer its own handler must stay: it writes the
	 * crash report (ours would replace it and the report be lost) */
	catch_signal(SIGSEGV);
	catch_signal(SIGABRT);
	catch_signal(SIGBUS);
	catch_signal(SIGFPE);
	catch_signal(SIGILL);
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
	return scr;
}

/* The terminal, then the colours and the first frame of app. */
static SCREEN *start_curses(App *app, int scripted)
{
	SCREEN *scr = start_terminal(scripted);
	if (!scr)
		return NULL;
	colour_init(app);
	panes_layout(app);
	app->dirty = DIRTY_ALL;
	dash_poll_model(app);
	panes_draw(app);
	return scr;
}

/* Time from key to finished frame, per key (--timing). */
typedef struct {
	double *ms;     /* owned */
	size_t n;
	double worst_ms;
	int worst_key;
	/* since the start of cmd_dashboard, -1 until it happens: the first
	 * frame with provisional detections (of epoch prov_epoch) and the
	 * first with the final ones */
	double start_ms, prov_ms, final_ms;
	size_t prov_epoch;
	int print;      /* --timing */
	size_t lap0;    /* first key of the current lap */
	unsigned laps;
} KeyTimes;

/* After a frame: when it is the first to show provisional or final
 * detections. */
static void key_times_frame(KeyTimes *kt, const App *a)
{
	if (a->provisional && kt->prov_ms < 0) {
		kt->prov_ms = (clock_mono_seconds() * 1e3) - kt->start_ms;
		kt->prov_epoch = a->provisional;
	}
	if (a->model == MODEL_READY && a->has_dr && kt->final_ms < 0)
		kt->final_ms = (clock_mono_seconds() * 1e3) - kt->start_ms;
}

static void key_times_add(KeyTimes *kt, int key, double ms)
{
	if (!kt->ms)
		return;
	kt->ms[kt->n++] = ms;
	if (ms > kt->worst_ms) {
		kt->worst_ms = ms;
		kt->worst_key = key;
	}
}

/* <lap>: median and worst of the keys since the last lap. */
static void key_times_lap(KeyTimes *kt)
{
	size_t n = kt->n - kt->lap0;
	kt->laps++;
	if (!kt->print || !kt->ms || n == 0) {
		kt->lap0 = kt->n;
		return;
	}
	double *sorted = malloc(n * sizeof(double));
	if (!sorted)
		return;
	memcpy(sorted, kt->ms + kt->lap0, n * sizeof(double));
	qsort(sorted, n, sizeof(double), cmp_double);
	fprintf(stderr, "lap %u: keys %zu  median %.3f ms  worst %.3f ms\n",
		kt->laps, n, sorted[n / 2], sorted[n - 1]);
	free(sorted);
	kt->lap0 = kt->n;
}

static void key_times_print(const KeyTimes *kt, int cols, int lines)
{
	if (kt->prov_ms >= 0 || kt->final_ms >= 0) {
		char prov[96] = "none";
		if (kt->prov_ms >= 0)
			snprintf(prov, sizeof(prov), "%.3f s (epoch %zu)",
				 kt->prov_ms / 1000, kt->prov_epoch);
		fprintf(stderr,
			"detections on screen after the start: provisional "
			"%s, final %.3f s\n",
			prov, kt->final_ms / 1000);
	}
	if (!kt->n)
		return;
	double *sorted = malloc(kt->n * sizeof(double));
	if (!sorted)
		return;
	memcpy(sorted, kt->ms, kt->n * sizeof(double));
	qsort(sorted, kt->n, sizeof(double), cmp_double);
	char kn[16];
	fprintf(stderr,
		"keys %zu  median %.3f ms  worst %.3f ms (key %s)  at %dx%d\n",
		kt->n, sorted[kt->n / 2], sorted[kt->n - 1],
		keys_key_name(kt->worst_key, kn, sizeof(kn)), cols, lines);
	free(sorted);
}

/* The loop: a key (from the script, or the terminal with a timeout while
 * the model trains), its handling, one frame. Until quit or the script
 * ends. */
static void run_loop(App *app, const int *script, size_t n_script,
		     KeyTimes *kt, int follow)
{
	size_t si = 0;
	for (;;) {
		int ch;
		if (script) {
			if (si >= n_script) {
				/* the last frame with what the background
				 * jobs were computing (the node score) */
				if (app_poll_jobs(app, 1))
					panes_draw(app);
				return;
			}
			ch = script[si++];
			if (ch == DASH_KEY_LAP) {
				key_times_lap(kt);
				continue;
			}
			if (ch == DASH_KEY_WAIT) {
				/* frames go on while it trains: provisional
				 * detections show as they come */
				while (app->model == MODEL_TRAINING) {
					if (dash_poll_model(app)) {
						panes_draw(app);
						key_times_frame(kt, app);
					}
					struct timespec ts = {0, 10000000};
					nanosleep(&ts, NULL);
				}
				panes_draw(app);
				key_times_frame(kt, app);
				continue;
			}
		} else {
			timeout(app_jobs_busy(app)		? 10
				: app->model == MODEL_TRAINING ? 100
				: follow		       ? 250
							       : -1);
			ch = getch();
			if (ch == ERR) {
				/* idle: the background node score lands
				 * here, not in a key's frame */
				int changed = dash_poll_model(app) |
					      app_poll_jobs(app, 0);
				if (follow)
					changed |= dash_follow_poll(app);
				if (changed) {
					panes_draw(app);
					key_times_frame(kt, app);
				}
				continue;
			}
		}
		double t0 = (clock_mono_seconds() * 1e3);
		unsigned fl = dash_key(app, ch);
		dash_poll_model(app);
		if (fl & APP_RELAYOUT)
			panes_layout(app);
		app->dirty |= fl & DIRTY_ALL;
		panes_draw(app);
		key_times_add(kt, ch, (clock_mono_seconds() * 1e3) - t0);
		key_times_frame(kt, app);
		if (fl & APP_QUIT) {
			if (script && app_poll_jobs(app, 1))
				panes_draw(app);
			return;
		}
	}
}

/* Draw what the fleet shows: the machines view or the open machine. */
static void fleet_frame(Fleet *f)
{
	if (f->open < 0)
		fleet_draw(f);
	else
		panes_draw(&f->m[f->open].app);
}

/* One key in the fleet: the machines view's, or the open machine's (M and
 * q there go back to the view). Returns 1 to quit. */
static int fleet_dispatch(Fleet *f, int ch)
{
	if (f->open < 0) {
		unsigned fl = fleet_key(f, ch);
		if (fl & FLEET_QUIT)
			return 1;
		if (fl & FLEET_OPENED) {
			App *a = &f->m[f->open].app;
			panes_layout(a);
			a->dirty = DIRTY_ALL;
		}
		return 0;
	}
	App *a = &f->m[f->open].app;
	unsigned fl = dash_key(a, ch);
	if (fl & APP_RELAYOUT)
		panes_layout(a);
	if (fl & APP_MACHINES) {
		f->open = -1;
		fleet_free_window();
		return 0;
	}
	a->dirty |= fl & DIRTY_ALL;
	return 0;
}

/* `vigil FOLDER`: the machines view and the machines' dashboards. */
static int run_fleet(DashOptions *opt, const RunOptions *run, int *script,
		     size_t n_script)
{
	Fleet f;
	ErrorRecord err;
	error_clear(&err);
	opt->no_session = script != NULL;
	Status st = fleet_open(&f, opt->dataset, opt, &err);
	if (st != STATUS_OK) {
		int rc = cli_report("dashboard", st, &err);
		fleet_close(&f);
		free(script);
		return rc;
	}
	signal(SIGXFSZ, SIG_IGN);
	const char *cs = nl_langinfo(CODESET);
	SCREEN *scr = start_terminal(script != NULL);
	if (!scr) {
		fprintf(stderr, "vigil: cannot start the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		fleet_close(&f);
		free(script);
		return 3;
	}
	for (size_t i = 0; i < f.n; i++) {
		f.m[i].app.unicode = cs && !strcmp(cs, "UTF-8");
		colour_init(&f.m[i].app);
	}
	fleet_poll(&f);
	fleet_draw(&f);
	size_t si = 0;
	for (;;) {
		int ch;
		if (script) {
			if (si >= n_script)
				break;
			ch = script[si++];
			if (ch == DASH_KEY_LAP)
				continue;
			if (ch == DASH_KEY_WAIT) {
				while (fleet_busy(&f)) {
					fleet_poll(&f);
					struct timespec ts = {0, 20000000};
					nanosleep(&ts, NULL);
				}
				fleet_frame(&f);
				continue;
			}
		} else {
			timeout(fleet_busy(&f) ? 100 : -1);
			ch = getch();
			if (ch == ERR) {
				if (fleet_poll(&f))
					fleet_frame(&f);
				continue;
			}
		}
		if (fleet_dispatch(&f, ch))
			break;
		fleet_poll(&f);
		fleet_frame(&f);
	}
	if (run->dump_path && dump_screen(run->dump_path) != 0)
		fatal("cannot write", run->dump_path);
	endwin();
	curses_on = 0;
	delscreen(scr);
	panes_free();
	fleet_free_window();
	free(script);
	fleet_close(&f);
	return 0;
}

/* Whether opt->dataset opens, as the dashboard would open it (no model):
 * a folder of datasets when one of its machines does, the machines tried
 * in the machines view's order until one opens; else the error the
 * machines view would give (no datasets, or the first machine's). */
static Status probe_dataset(const DashOptions *opt, ErrorRecord *err)
{
	DashOptions probe = *opt;
	probe.no_model = 1;
	if (!cli_is_folder(opt->dataset)) {
		App pa;
		app_init(&pa);
		error_clear(err);
		Status ps = dash_open(&pa, &probe, err);
		app_free(&pa);
		return ps;
	}
	CliFolder cf;
	Status first = cli_folder_open(&cf, opt->dataset, err);
	if (first != STATUS_OK)
		return first;
	ErrorRecord e;
	for (size_t i = 0; i < cf.n; i++) {
		probe.dataset = cf.dataset[i];
		probe.n_labels = 0;
		App pa;
		app_init(&pa);
		error_clear(&e);
		Status ps = dash_open(&pa, &probe, &e);
		app_free(&pa);
		if (ps == STATUS_OK) {
			first = STATUS_OK;
			break;
		}
		if (i == 0) { /* the first machine's, as the view says */
			first = ps;
			*err = e;
		}
	}
	cli_folder_free(&cf);
	return first;
}

int cmd_dashboard(int argc, char **argv)
{
	double start_ms = (clock_mono_seconds() * 1e3);
	DashOptions opt;
	dash_options_defaults(&opt);
	RunOptions run = {NULL, NULL, 0};
	int rc = parse_args(argc, argv, &opt, &run);
	if (rc >= 0)
		return rc;
	if (opt.follow && !opt.dataset)
		return cli_usage_error("dashboard",
				       "--follow needs a DATASET that grows");
	if (pipeline_check_options("dashboard", &opt.pipe))
		return 1;
	ErrorRecord aerr;
	if (adapt_check_batch(&opt.pipe.adapt, opt.pipe.lstm.batch, &aerr))
		return cli_usage_error("dashboard", "%s", aerr.message);
	int *script;
	size_t n_script;
	/* a model file that cannot be read would only show as a message
	 * in the dashboard: refuse what is not a regular file up front */
	if (opt.pipe.model_path) {
		ErrorRecord merr;
		Status ms = fileio_check_regular(opt.pipe.model_path, &merr);
		if (ms)
			return cli_report("dashboard", ms, &merr);
	}
	/* without a terminal the dashboard cannot run, but a dataset that
	 * cannot be opened (a missing file, a bad cell) is the real problem:
	 * said first, as the dashboard would say it (no model trained) */
	if (!run.keys_path && !have_terminal() && opt.dataset) {
		Status ps = probe_dataset(&opt, &aerr);
		if (ps != STATUS_OK)
			return cli_report("dashboard", ps, &aerr);
	}
	rc = load_script(run.keys_path, &script, &n_script);
	if (rc >= 0)
		return rc;

	if (cli_is_folder(opt.dataset))
		return run_fleet(&opt, &run, script, n_script);

	App app;
	app_init(&app);
	ErrorRecord err;
	error_clear(&err);
	/* a load of more than a second shows its progress on the terminal
	 * before the dashboard opens */
	LoadBar bar;
	loadbar_begin(&bar, 2, 0);
	loadbar_attach(&bar, &opt.series);
	Status st = dash_open(&app, &opt, &err);
	loadbar_end(&bar);
	if (st != STATUS_OK) {
		rc = cli_report("dashboard", st, &err);
		app_free(&app);
		free(script);
		return rc;
	}
	/* a file size limit (ulimit -f) makes a write fail with EFBIG, shown
	 * on the status line, instead of killing the session and its
	 * terminal state */
	signal(SIGXFSZ, SIG_IGN);
	/* A replayed script keeps no journal and takes no lock: it leaves an
	 * interactive session's journal alone. */
	if (!script) {
		dash_session_start(&app, opt.dataset);
	}
	const char *cs = nl_langinfo(CODESET);
	app.unicode = cs && !strcmp(cs, "UTF-8");
	if (opt.follow) /* start at the end, following it */
		app_show_row(&app, app.s.rows ? app.s.rows - 1 : 0);

	SCREEN *scr = start_curses(&app, script != NULL);
	if (!scr) {
		fprintf(stderr, "vigil: cannot start the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		dash_close(&app);
		app_free(&app);
		free(script);
		return 3;
	}
	KeyTimes kt = {NULL, 0, -1, 0, start_ms, -1, -1, 0, run.timing, 0, 0};
	if (script)
		kt.ms = malloc((n_script + 1) * sizeof(double));
	run_loop(&app, script, n_script, &kt, opt.follow);
	if (run.dump_path && dump_screen(run.dump_path) != 0)
		fatal("cannot write", run.dump_path);
	int cols = COLS, lines = LINES;
	endwin();
	curses_on = 0;
	delscreen(scr);
	panes_free();
	if (run.timing)
		key_times_print(&kt, cols, lines);
	free(kt.ms);
	free(script);
	dash_close(&app);
	app_free(&app);
	return 0;
}
