/* Opening data and labels for the dashboard, the model worker, the prompts
 * and the actions that touch files or the engine. See dash.h. */
#include "ui/dash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ncursesw/curses.h>

#include "data/synth.h"
#include "ui/journal.h"
#include "ui/keys.h"
#include "ui/save.h"

void dash_options_defaults(DashOptions *o)
{
	memset(o, 0, sizeof(*o));
}

/* The demo: the synthetic generator with range anomalies and level shifts
 * so that ranges exist, its injected anomalies as the original labels. */
static Status open_demo(App *a, ErrorRecord *err)
{
	SynthOptions so;
	synth_defaults(&so);
	so.points = 1000;
	so.anomalies = 6;
	so.max_duration = 12;
	so.level_shifts = 1;
	Range **lab = NULL;
	size_t *nlab = NULL;
	Status st = synth_generate(&so, &a->s, &lab, &nlab, err);
	if (st != STATUS_OK)
		return st;
	if (ui_labels_init(&a->labels, a->s.metrics)) {
		st = error_set(err, STATUS_NOMEM, NULL, 0, 0, "out of memory");
		goto out;
	}
	size_t total = 0;
	for (size_t m = 0; m < a->s.metrics; m++)
		total += nlab[m];
	Range *all = malloc((total + 1) * sizeof(Range));
	if (!all) {
		st = error_set(err, STATUS_NOMEM, NULL, 0, 0, "out of memory");
		goto out;
	}
	size_t k = 0;
	for (size_t m = 0; m < a->s.metrics; m++) {
		ui_labels_load(&a->labels, m, lab[m], nlab[m]);
		memcpy(all + k, lab[m], nlab[m] * sizeof(Range));
		k += nlab[m];
	}
	ui_labels_load(&a->labels, UI_NODE, all, k);
	free(all);
	a->title = strdup("demo");
out:
	for (size_t m = 0; lab && m < a->s.metrics; m++)
		free(lab[m]);
	free(lab);
	free(nlab);
	return st;
}

Status dash_open(App *a, const DashOptions *o, ErrorRecord *err)
{
	Status st;
	if (!o->dataset) {
		st = open_demo(a, err);
	} else {
		st = series_open(&a->s, o->dataset, &o->series, err);
		if (st == STATUS_OK && ui_labels_init(&a->labels, a->s.metrics))
			st = error_set(err, STATUS_NOMEM, NULL, 0, 0,
				       "out of memory");
		if (st == STATUS_OK)
			st = save_read_labels(a, o->labels, err);
		if (st == STATUS_OK)
			a->title = strdup(a->s.machine ? a->s.machine
							: o->dataset);
	}
	if (st != STATUS_OK)
		return st;
	if (a->s.rows == 0 || a->s.metrics == 0)
		return error_set(err, STATUS_EMPTY, o->dataset, 0, 0,
				 "no rows to show");
	a->model = MODEL_NONE;
	app_reset_view(a);
	return STATUS_OK;
}

void dash_close(App *a)
{
	(void)a;
}

int dash_poll_model(App *a)
{
	(void)a;
	return 0;
}

void dash_wait_model(App *a)
{
	(void)a;
}

/* ---- prompts ---------------------------------------------------------- */

static unsigned prompt_edit(App *a, int ch)
{
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (a->input_len)
			a->input[--a->input_len] = '\0';
	} else if (ch == 21) { /* Ctrl-U */
		a->input_len = 0;
		a->input[0] = '\0';
	} else if (ch >= 32 && ch < 256 && ch != 127 &&
		   a->input_len + 1 < sizeof(a->input)) {
		a->input[a->input_len++] = (char)ch;
		a->input[a->input_len] = '\0';
	}
	if (a->prompt == PROMPT_FILTER) {
		/* filter live as the user types; errors wait for Enter */
		char keep[sizeof(a->message)];
		snprintf(keep, sizeof(keep), "%s", a->message);
		if (app_apply_filter(a, a->input) != 0)
			snprintf(a->message, sizeof(a->message), "%s", keep);
	}
	return DIRTY_ALL;
}

static unsigned do_quit(App *a)
{
	journal_remove(a);
	return APP_QUIT;
}

static unsigned prompt_key(App *a, int ch)
{
	int enter = ch == '\n' || ch == '\r' || ch == KEY_ENTER;
	switch (a->prompt) {
	case PROMPT_FILTER:
		if (ch == 27) {
			a->prompt = PROMPT_NONE;
			app_apply_filter(a, "");
			return DIRTY_ALL;
		}
		if (enter) {
			a->prompt = PROMPT_NONE;
			if (app_apply_filter(a, a->input) == 0)
				app_message(a, a->n_visible == a->s.metrics
						       ? "all %zu metrics"
						       : "%zu metrics match",
					    a->n_visible);
			return DIRTY_ALL;
		}
		return prompt_edit(a, ch);
	case PROMPT_SAVE:
		if (ch == 27) {
			a->prompt = PROMPT_NONE;
			app_message(a, "not saved");
			return DIRTY_STATUS;
		}
		if (ch == '\t') {
			save_cycle_format(a);
			return DIRTY_STATUS;
		}
		if (enter) {
			a->prompt = PROMPT_NONE;
			int quitting = a->save_then_quit;
			a->save_then_quit = 0;
			if (save_labels(a, a->input) == 0) {
				journal_saved(a);
				if (quitting)
					return do_quit(a);
			}
			return DIRTY_ALL;
		}
		return prompt_edit(a, ch);
	case PROMPT_QUIT:
		if (ch == 's') {
			a->save_then_quit = 1;
			save_begin(a);
			return DIRTY_STATUS;
		}
		if (ch == 'd')
			return do_quit(a);
		if (ch == 27 || ch == 'n' || ch == 'q') {
			a->prompt = PROMPT_NONE;
			app_message(a, "quit cancelled");
			return DIRTY_STATUS;
		}
		return 0;
	case PROMPT_RECOVER:
		if (ch == 'r') {
			long n = journal_replay(a);
			a->prompt = PROMPT_NONE;
			journal_start(a, 1);
			app_message(a, "recovered %ld edit%s from the journal",
				    n, n == 1 ? "" : "s");
			return DIRTY_ALL;
		}
		if (ch == 'd' || ch == 27) {
			a->prompt = PROMPT_NONE;
			journal_start(a, 0);
			app_message(a, "journal discarded");
			return DIRTY_ALL;
		}
		return 0;
	case PROMPT_NONE:
		break;
	}
	return 0;
}

static unsigned on_mouse(App *a)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return 0;
	if (a->view != VIEW_MAIN)
		return 0;
	int col = ev.x - a->plot_x;
	if (ev.bstate & BUTTON1_PRESSED) {
		if (col < 0 || col >= a->plot_w || ev.y < a->plot_y ||
		    ev.y >= a->plot_y + a->plot_h)
			return 0;
		return app_mouse(a, col, 0);
	}
	if (ev.bstate & BUTTON1_RELEASED)
		return app_mouse(a, col, 2);
	if (ev.bstate & REPORT_MOUSE_POSITION)
		return app_mouse(a, col, 1);
	return 0;
}

unsigned dash_key(App *a, int ch)
{
	if (ch == KEY_RESIZE)
		return APP_RELAYOUT | DIRTY_ALL;
	if (a->prompt != PROMPT_NONE)
		return prompt_key(a, ch);
	if (ch == KEY_MOUSE)
		return on_mouse(a);
	a->message[0] = '\0';
	Action act = keys_lookup(ch, a->keymode);
	if (act == ACT_NONE && a->keymode == KEYMODE_THRESHOLD) {
		a->keymode = KEYMODE_NORMAL;
		act = keys_lookup(ch, a->keymode);
	}
	switch (act) {
	case ACT_QUIT:
		if (a->labels.unsaved) {
			a->prompt = PROMPT_QUIT;
			return DIRTY_STATUS;
		}
		return do_quit(a);
	case ACT_SAVE:
		save_begin(a);
		return DIRTY_STATUS;
	case ACT_THR_DOWN:
	case ACT_THR_UP:
		app_message(a, "no model: nothing to threshold");
		return DIRTY_STATUS;
	case ACT_NONE: {
		char kn[16];
		app_message(a, "%s: not bound (? for help)",
			    keys_key_name(ch, kn, sizeof(kn)));
		return DIRTY_STATUS;
	}
	default:
		return app_action(a, act) | DIRTY_STATUS;
	}
}
