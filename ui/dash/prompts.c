/* The line prompts at the bottom of the dashboard (see prompts.h): each
 * with its own key handler, the text being edited in a->input. */
#include "ui/dash/prompts.h"

#include <stdio.h>
#include <string.h>

#include <ncursesw/curses.h>

#include "ui/dash/dash.h"
#include "ui/dash/journal.h"
#include "ui/dash/save.h"

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

unsigned prompts_quit(App *a)
{
	/* the user saved or chose to discard: the journal has done its job */
	journal_close(&a->journal, 1, 0);
	return APP_QUIT;
}

/* After a save that went through: quit when the quit guard asked for it
 * and nothing is left unsaved. */
static unsigned after_save(App *a)
{
	int quitting = a->save_then_quit;
	a->save_then_quit = 0;
	if (quitting && !ui_labels_unsaved(&a->labels))
		return prompts_quit(a);
	return DIRTY_ALL;
}

/* Enter in the save prompt, or y to one of its questions. */
static unsigned save_go(App *a, const char *path)
{
	a->prompt = PROMPT_NONE;
	int rc = save_request(a, path);
	if (rc == 0)
		return DIRTY_STATUS; /* a question is on the status line */
	if (rc < 0) {
		a->save_then_quit = 0;
		return DIRTY_ALL;
	}
	return after_save(a);
}

static int is_enter(int ch)
{
	return ch == '\n' || ch == '\r' || ch == KEY_ENTER;
}

/* / regex: filters as it is typed; Enter keeps it, Esc clears it. */
static unsigned prompt_filter_key(App *a, int ch)
{
	if (ch == 27) {
		a->prompt = PROMPT_NONE;
		app_apply_filter(a, "");
		return DIRTY_ALL;
	}
	if (is_enter(ch)) {
		a->prompt = PROMPT_NONE;
		if (app_apply_filter(a, a->input) == 0)
			app_message(a, "%s%zu metric%s",
				    a->n_visible == a->s.metrics ? "all "
								 : "",
				    a->n_visible,
				    a->n_visible == a->s.metrics
					    ? a->n_visible == 1 ? "" : "s"
				    : a->n_visible == 1 ? " matches"
							: "s match");
		return DIRTY_ALL;
	}
	return prompt_edit(a, ch);
}

/* : row, time or offset: Enter goes there, Esc gives up. */
static unsigned prompt_goto_key(App *a, int ch)
{
	if (ch == 27) {
		a->prompt = PROMPT_NONE;
		return DIRTY_STATUS;
	}
	if (is_enter(ch)) {
		a->prompt = PROMPT_NONE;
		app_goto(a, a->input);
		return DIRTY_ALL;
	}
	return prompt_edit(a, ch);
}

/* i: Enter sets the note (empty: removes it), Esc gives up. */
static unsigned prompt_note_key(App *a, int ch)
{
	if (ch == 27) {
		a->prompt = PROMPT_NONE;
		app_message(a, "note unchanged");
		return DIRTY_STATUS;
	}
	if (is_enter(ch)) {
		a->prompt = PROMPT_NONE;
		return app_note_apply(a, a->input) | DIRTY_STATUS;
	}
	return prompt_edit(a, ch);
}

/* save as NAME: Tab cycles the formats, Enter saves, Esc gives up. */
static unsigned prompt_save_key(App *a, int ch)
{
	if (ch == 27) {
		a->prompt = PROMPT_NONE;
		a->save_then_quit = 0;
		app_message(a, "not saved");
		return DIRTY_STATUS;
	}
	if (ch == '\t') {
		save_cycle_format(a);
		return DIRTY_STATUS;
	}
	if (is_enter(ch)) {
		a->save_checked = 0;
		return save_go(a, a->input);
	}
	return prompt_edit(a, ch);
}

/* The save's y / n questions (a lossy format, a changed destination). */
static unsigned prompt_question_key(App *a, int ch)
{
	if (ch == 'y') {
		if (a->prompt == PROMPT_LOSSY)
			a->save_checked = 1;
		char path[sizeof(a->save_path)];
		snprintf(path, sizeof(path), "%s", a->save_path);
		return save_go(a, path);
	}
	if (ch == 'n' || ch == 27) {
		/* back to the prompt, the name and format kept */
		a->prompt = PROMPT_SAVE;
		a->save_checked = 0;
		app_message(a, "not saved");
		return DIRTY_STATUS;
	}
	return 0;
}

/* The quit guard: s save (then quit), d discard and quit, Esc back. */
static unsigned prompt_quit_key(App *a, int ch)
{
	if (ch == 's') {
		a->save_then_quit = 1;
		save_begin(a);
		return DIRTY_STATUS;
	}
	if (ch == 'd')
		return prompts_quit(a);
	if (ch == 27 || ch == 'n' || ch == 'q') {
		a->prompt = PROMPT_NONE;
		app_message(a, "quit cancelled");
		return DIRTY_STATUS;
	}
	return 0;
}

/* A journal from an earlier session: r replays it, d discards it. */
static unsigned prompt_recover_key(App *a, int ch)
{
	if (ch == 'r') {
		JournalScan sc;
		journal_replay(a->journal.path,
			       ui_labels_fingerprint(&a->labels), &a->labels,
			       &sc);
		a->prompt = PROMPT_NONE;
		int e = dash_journal_resume(a, &sc);
		if (e)
			app_message(a, "JOURNAL NOT WRITTEN (%s): new edits "
				       "are not protected against a crash",
				    strerror(e));
		else if (!a->journal.error)
			app_message(a,
				    "recovered %ld edit%s from the journal%s%s",
				    sc.ops, sc.ops == 1 ? "" : "s",
				    sc.rebased ? " since the save of these "
						 "labels"
						: "",
				    sc.damaged ? " (it ends in a damaged line)"
				    : sc.past_save
					    ? " (it ends in an undo of an edit "
					      "made before that save)"
					    : "");
		return DIRTY_ALL;
	}
	if (ch == 'd' || ch == 27) {
		a->prompt = PROMPT_NONE;
		dash_journal_open(a, 0);
		if (!a->journal.error)
			app_message(a, "journal discarded");
		return DIRTY_ALL;
	}
	return 0;
}

unsigned prompts_key(App *a, int ch)
{
	switch (a->prompt) {
	case PROMPT_FILTER:
		return prompt_filter_key(a, ch);
	case PROMPT_GOTO:
		return prompt_goto_key(a, ch);
	case PROMPT_NOTE:
		return prompt_note_key(a, ch);
	case PROMPT_SAVE:
		return prompt_save_key(a, ch);
	case PROMPT_LOSSY:
	case PROMPT_REPLACE:
		return prompt_question_key(a, ch);
	case PROMPT_QUIT:
		return prompt_quit_key(a, ch);
	case PROMPT_RECOVER:
		return prompt_recover_key(a, ch);
	case PROMPT_NONE:
		break;
	}
	return 0;
}

