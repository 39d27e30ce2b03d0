/* The machines view (see fleet.h): a table of every machine of an SMD
 * folder, each one a whole dashboard (App) kept in memory, their models
 * trained in the background a few at a time. */
#include "ui/dash/fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ncursesw/curses.h>

#include "data/series.h"
#include "engine/preview.h"
#include "ui/cli.h"
#include "ui/dash/journal.h"
#include "ui/dash/panes.h"
#include "ui/textw.h"
#include "ui/escape.h"
#include "ui/names.h"

static WINDOW *fleet_win;

/* Trainings at once: one per core this process may run on (its affinity
 * mask, as nproc counts them; else the cores online), each training using
 * threads of them. */
static size_t fleet_slots(int threads)
{
	int cores = preview_cores();
	if (threads > 1)
		cores /= threads;
	return cores > 0 ? (size_t)cores : 1;
}

Status fleet_open(Fleet *f, const char *dir, const DashOptions *opt,
		  ErrorRecord *err)
{
	memset(f, 0, sizeof(*f));
	f->open = -1;
	f->opt = *opt;
	f->slots = fleet_slots(opt->pipe.lstm.threads);
	CliFolder cf;
	Status st = cli_folder_open(&cf, dir, err);
	if (st != STATUS_OK)
		return st;
	if (!(f->m = calloc(cf.n, sizeof(*f->m)))) {
		cli_folder_free(&cf);
		return error_set(err, STATUS_NOMEM, NULL, 0, 0,
				 "out of memory");
	}
	size_t opened = 0;
	ErrorRecord first;
	error_clear(&first);
	for (size_t i = 0; i < cf.n; i++) {
		FleetMachine *m = &f->m[i];
		snprintf(m->name, sizeof(m->name), "%s", cf.name[i]);
		snprintf(m->dataset, sizeof(m->dataset), "%s", cf.dataset[i]);
		app_init(&m->app);
		f->n = i + 1;
		DashOptions o = *opt;
		o.dataset = m->dataset;
		o.n_labels = 0;
		o.no_model = 1; /* queued: fleet_poll starts them */
		ErrorRecord e;
		error_clear(&e);
		Status ms = dash_open(&m->app, &o, &e);
		if (ms != STATUS_OK) {
			/* listed with its error; the other machines open */
			if (st == STATUS_OK) {
				st = ms;
				first = e;
			}
			error_format(&e, m->error, sizeof(m->error));
			if (!m->error[0])
				snprintf(m->error, sizeof(m->error), "%s",
					 status_message(ms));
			app_free(&m->app);
			app_init(&m->app);
			m->started = 1;
		} else {
			opened++;
			/* edits an earlier session left in its journal are
			 * listed before Enter offers them */
			if (!opt->no_session)
				m->pending = dash_journal_pending(&m->app,
								  m->dataset);
		}
		m->app.in_fleet = 1;
		m->app.message[0] = '\0';
	}
	cli_folder_free(&cf);
	if (opened)
		return STATUS_OK;
	if (err)
		*err = first;
	return st;
}

void fleet_close(Fleet *f)
{
	for (size_t i = 0; i < f->n; i++) {
		App *a = &f->m[i].app;
		/* a machine left with nothing unsaved: its journal has done
		 * its job (one with edits keeps it for the next start) */
		if (f->m[i].session && !ui_labels_unsaved(&a->labels))
			journal_close(&a->journal, 1, 0);
		dash_close(a);
		app_free(a);
	}
	free(f->m);
	f->m = NULL;
	f->n = 0;
}

int fleet_poll(Fleet *f)
{
	int changed = 0;
	size_t training = 0;
	for (size_t i = 0; i < f->n; i++) {
		App *a = &f->m[i].app;
		changed |= dash_poll_model(a) | app_poll_jobs(a, 0);
		training += a->model == MODEL_TRAINING;
	}
	/* the queue: the open machine first, then in name order; a cached
	 * model is ready at once */
	for (size_t k = 0; k <= f->n && training < f->slots; k++) {
		size_t i = k == 0 ? (size_t)f->open : k - 1;
		if (k == 0 && f->open < 0)
			continue;
		FleetMachine *m = &f->m[i];
		if (m->started || f->opt.no_model)
			continue;
		m->started = 1;
		DashOptions o = f->opt;
		o.dataset = m->dataset;
		dash_start_model(&m->app, &o);
		training += m->app.model == MODEL_TRAINING;
		changed = 1;
	}
	return changed;
}

int fleet_busy(const Fleet *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->m[i].app.model == MODEL_TRAINING ||
		    app_jobs_busy(&f->m[i].app) ||
		    (!f->m[i].started && !f->opt.no_model))
			return 1;
	return 0;
}

/* The lock and journal of machine m, taken when it is first opened (the
 * key as for one dataset: the real path of the file, or of an SMD folder
 * followed by ":machine"). */
static void open_session(Fleet *f, FleetMachine *m)
{
	if (m->session || f->opt.no_session)
		return;
	m->session = 1;
	dash_session_start(&m->app, m->dataset);
}

static size_t unsaved_machines(const Fleet *f)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		n += ui_labels_unsaved(&f->m[i].app.labels) != 0;
	return n;
}

unsigned fleet_key(Fleet *f, int ch)
{
	f->message[0] = '\0';
	if (ch != 'q')
		f->quit_asked = 0;
	switch (ch) {
	case 'j':
	case KEY_DOWN:
		f->sel += f->sel + 1 < f->n;
		return FLEET_REDRAW;
	case 'k':
	case KEY_UP:
		f->sel -= f->sel > 0;
		return FLEET_REDRAW;
	case 'g':
	case KEY_HOME:
		f->sel = 0;
		return FLEET_REDRAW;
	case 'G':
	case KEY_END:
		f->sel = f->n ? f->n - 1 : 0;
		return FLEET_REDRAW;
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (!f->n)
			return 0;
		if (f->m[f->sel].error[0]) {
			snprintf(f->message, sizeof(f->message),
				 "%.60s cannot be opened: %.170s",
				 f->m[f->sel].name,
				 f->m[f->sel].error);
			return FLEET_REDRAW;
		}
		f->open = (long)f->sel;
		open_session(f, &f->m[f->sel]);
		return FLEET_OPENED | FLEET_REDRAW;
	case 'q': {
		size_t u = unsaved_machines(f);
		if (u && !f->quit_asked) {
			f->quit_asked = 1;
			snprintf(f->message, sizeof(f->message),
				 "%zu machine%s with unsaved edits (their "
				 "journals keep them): q again quits",
				 u, u == 1 ? "" : "s");
			return FLEET_REDRAW;
		}
		return FLEET_QUIT;
	}
	case KEY_RESIZE:
		panes_flush_stdscr();
		fleet_free_window();
		return FLEET_REDRAW;
	default:
		snprintf(f->message, sizeof(f->message),
			 "j/k choose, Enter opens the machine (M comes back), "
			 "q quits");
		return FLEET_REDRAW;
	}
}

/* A ratio as ".32" (1.0 for >= .995). */
static void ratio(double v, char *buf, size_t n)
{
	if (v >= 0.995)
		snprintf(buf, n, "1.0");
	else
		snprintf(buf, n, ".%02d", (int)(v * 100 + 0.5));
}

/* "P/R/F1" of the node's event scores against the original or working
 * labels, all detections. */
static void prf(const App *a, int original, char *buf, size_t n)
{
	UiScore sc[RULE_COUNT];
	app_scores(a, UI_NODE, original, CRIT_LOW, sc);
	char p[8], r[8], f1[8];
	ratio(sc[RULE_EVENT].p, p, sizeof(p));
	ratio(sc[RULE_EVENT].r, r, sizeof(r));
	ratio(sc[RULE_EVENT].f1, f1, sizeof(f1));
	snprintf(buf, n, "%s/%s/%s", p, r, f1);
}

/* The table's columns after the name: the rows as wide as the largest
 * count (at least "rows"), then model, node l/m/h, orig and work P/R/F1
 * as wide as their longest values ("training 45%", "12/3/1",
 * "1.0/1.0/1.0"), each after one space. */
#define FLEET_MIDDLE (1 + 12 + 1 + 10 + 1 + 11 + 1 + 11)

static int rows_width(const Fleet *f)
{
	int w = 4;
	for (size_t i = 0; i < f->n; i++) {
		char d[32];
		int k = snprintf(d, sizeof(d), "%zu", f->m[i].app.s.rows);
		w = k > w ? k : w;
	}
	return w;
}

/* One machine's row of the table into buf, its name (name, as shown) in
 * namew columns and its rows in rowsw; room: the columns the edits
 * column has before the border's space (a journal's count is said
 * shorter when "N in its journal" does not fit). */
static void machine_row(const Fleet *f, const FleetMachine *m,
			const char *name, int namew, int rowsw, int room,
			char *buf, size_t n)
{
	const App *a = &m->app;
	/* namew columns of a name that may hold a multi-byte ellipsis */
	int pad = namew + (int)(strlen(name) - (size_t)textw_cols(name));
	if (m->error[0]) {
		snprintf(buf, n, " %-*s %*s not opened: %.300s", pad, name,
			 rowsw, "-", m->error);
		return;
	}
	char model[32], dets[32] = "-", orig[24] = "-", work[24] = "-";
	switch (a->model) {
	case MODEL_TRAINING:
		snprintf(model, sizeof(model), "training %2.0f%%",
			 a->train_frac * 100);
		break;
	case MODEL_READY:
		snprintf(model, sizeof(model), "trained");
		break;
	case MODEL_FAILED:
		snprintf(model, sizeof(model), "failed");
		break;
	case MODEL_NONE:
		snprintf(model, sizeof(model), "%s",
			 f->opt.no_model ? "no model" : "queued");
		break;
	}
	if (a->model == MODEL_READY) {
		size_t c[4] = {0, 0, 0, 0};
		for (size_t i = 0; i < a->n_node_det; i++)
			c[a->node_det[i].crit & 3]++;
		snprintf(dets, sizeof(dets), "%zu/%zu/%zu", c[CRIT_LOW],
			 c[CRIT_MEDIUM], c[CRIT_HIGH]);
		prf(a, 1, orig, sizeof(orig));
		prf(a, 0, work, sizeof(work));
	}
	size_t u = ui_labels_unsaved(&a->labels);
	char edits[48];
	if (u == (size_t)-1)
		snprintf(edits, sizeof(edits), "yes");
	else if (!m->session && m->pending &&
		 snprintf(edits, sizeof(edits), "%zu in its journal",
			  m->pending) > room)
		snprintf(edits, sizeof(edits), "%zu journal", m->pending);
	else if (!m->session && m->pending)
		; /* said in full */
	else
		snprintf(edits, sizeof(edits), "%zu", u);
	snprintf(buf, n, " %-*s %*zu %-12s %-10s %-11s %-11s %s", pad, name,
		 rowsw, a->s.rows, model, dets, orig, work, edits);
}

void fleet_free_window(void)
{
	if (fleet_win)
		delwin(fleet_win);
	fleet_win = NULL;
}

void fleet_draw(Fleet *f)
{
	if (!fleet_win)
		fleet_win = newwin(LINES, COLS, 0, 0);
	if (!fleet_win)
		return;
	WINDOW *w = fleet_win;
	int H = getmaxy(w), W = getmaxx(w);
	werase(w);
	box(w, 0, 0);
	char title[160];
	snprintf(title, sizeof(title),
		 " machines: %zu  (j/k choose, Enter open, M back, q quit) ",
		 f->n);
	mvwaddnstr(w, 0, 2, title, W - 4);
	/* the names as wide as the longest, as far as the rest leaves room
	 * (the columns after the name, with 9 for the edits: "3 journal",
	 * and a space before the border), but never under 12 (an SMD
	 * machine's whole name: the columns on the right give way); a name
	 * cut keeps its end where the cut ones would read alike */
	int rowsw = rows_width(f);
	int after = 1 + rowsw + FLEET_MIDDLE + 1 + 9 + 1;
	int namew = 7, longest = 0;
	for (size_t i = 0; i < f->n; i++)
		if ((int)strlen(f->m[i].name) > longest)
			longest = (int)strlen(f->m[i].name);
	namew = longest > namew ? longest : namew;
	if (namew > W - 3 - after) {
		int least = longest < 12 ? longest : 12;
		namew = W - 3 - after > least ? W - 3 - after : least;
		namew = namew > 7 ? namew : 7;
	}
	/* the edits column's room: up to the space before the border */
	int room = W - 3 - (1 + namew + 1 + rowsw + FLEET_MIDDLE + 1);
	const char **names = malloc((f->n ? f->n : 1) * sizeof(*names));
	for (size_t i = 0; names && i < f->n; i++)
		names[i] = f->m[i].name;
	char head[256];
	snprintf(head, sizeof(head), " %-*s %*s %-12s %-10s %-11s %-11s %s",
		 namew, "machine", rowsw, "rows", "model", "node l/m/h",
		 "orig P/R/F1", "work P/R/F1", "edits");
	/* nothing touches the right border: the last column is a space */
	wattron(w, A_BOLD);
	mvwaddnstr(w, 1, 1, head, W - 3);
	wattroff(w, A_BOLD);
	int rows = H - 3;
	size_t top = f->sel >= (size_t)rows ? f->sel - (size_t)rows + 1 : 0;
	for (int r = 0; r < rows && top + (size_t)r < f->n; r++) {
		size_t i = top + (size_t)r;
		char line[1024], name[300];
		ui_short_name(f->m[i].name, name, sizeof(name),
			      (size_t)namew, f->m[i].app.unicode,
			      names ? ui_names_clash(names, f->n, i,
						     (size_t)namew)
				    : 0);
		machine_row(f, &f->m[i], name, namew, rowsw, room, line,
			    sizeof(line));
		if (i == f->sel)
			wattron(w, A_REVERSE);
		mvwhline(w, 2 + r, 1, ' ', W - 2);
		char safe[2048];
		ui_escape(line, safe, sizeof(safe));
		mvwaddnstr(w, 2 + r, 1, safe, (int)textw_fit(safe, W - 3));
		wattroff(w, A_REVERSE);
	}
	free(names);
	wattron(w, A_REVERSE);
	mvwhline(w, H - 1, 0, ' ', W);
	char msg[1024];
	mvwaddnstr(w, H - 1, 1,
		   f->message[0] ? ui_escape(f->message, msg, sizeof(msg))
				 : "node level, event rule, all detections; "
				   "Enter opens a machine",
		   W - 2);
	wattroff(w, A_REVERSE);
	wnoutrefresh(w);
	doupdate();
}
