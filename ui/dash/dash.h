/* The dashboard's plumbing between the App and the rest of vigil: opening
 * the dataset (or the demo) with its labels, the model in the background,
 * the session (lock and journal), the key dispatch (to the prompts of
 * ui/dash/prompts.h, the views, the key table) and the actions that need
 * files or the engine (save, threshold moves, quit). */
#ifndef VIGIL_UI_DASH_H
#define VIGIL_UI_DASH_H

#include <stddef.h>

#include "data/series.h"
#include "data/status.h"
#include "ui/dash/app.h"
#include "ui/pipeline.h"

/* A pseudo key in scripts: wait until the model is ready. */
#define DASH_KEY_WAIT (-2)
/* A pseudo key in scripts: with --timing, print the timing of the keys
 * since the previous lap (benchmarks time a script part by part). */
#define DASH_KEY_LAP (-3)

typedef struct {
	const char *dataset;  /* NULL: the built-in demo */
	const char *labels[2]; /* --labels, n_labels of them (0: the
				  dataset's own labels; 2: an SMD pair) */
	size_t n_labels;
	SeriesOptions series;
	int no_model;
	PipelineOptions pipe; /* --model, training and detection options, as
				 `vigil detect` takes them */
	int hidden_set;       /* --hidden was given (else the demo trains
				 a smaller model) */
	int epochs_set;       /* --epochs was given (else the demo trains
				 fewer epochs) */
	int mode_set;         /* --mode was given (else the demo uses seed) */
	int no_session;       /* a replayed script: no lock, no journal */
	int follow;           /* --follow: new rows are appended as they
				 arrive (a growing CSV or a Prometheus
				 query) */
	SeriesCsvCursor cursor; /* --follow on a CSV file: where its load
				   ended (series.cursor points here) */
} DashOptions;

void dash_options_defaults(DashOptions *o);

/* Open the data and labels into a, start the model. */
Status dash_open(App *a, const DashOptions *o, ErrorRecord *err);

/* Start the model (cached, given or trained in the background) of a
 * dashboard opened with o->no_model set; o's other fields as for
 * dash_open. */
void dash_start_model(App *a, const DashOptions *o);

/* Stop the model worker and free what dash_open started. */
void dash_close(App *a);

/* Collect model progress; returns nonzero when something changed (and sets
 * dirty bits). */
int dash_poll_model(App *a);

/* --follow: when the poll period has passed, append the rows that arrived,
 * forecast and detect them, and keep the view on the end if it was there
 * (the cursor on the last row). Returns nonzero when something changed. */
int dash_follow_poll(App *a);

/* Block until the model is ready (or failed). */
void dash_wait_model(App *a);

/* Take the lock of the open dataset (dataset: as the user named it, NULL
 * for the demo; every spelling of one dataset takes the same lock): held
 * by another vigil, the session is read-only (message set); else a
 * journal left by an earlier session is offered for recovery (the
 * PROMPT_RECOVER question) or a fresh one is started. */
void dash_session_start(App *a, const char *dataset);

/* The unsaved edits a journal left by an earlier session on the dataset
 * (as dash_session_start names it) would give back; 0 when there is none
 * or it cannot be replayed. The lock is not taken. */
size_t dash_journal_pending(const App *a, const char *dataset);

/* Open the journal afresh (keep = 0) or for appending (keep = 1); a
 * failure is shown on the status line. */
void dash_journal_open(App *a, int keep);

/* After a recovery (sc: what the replay found): the journal goes on from
 * the last line replayed (journal_restart), opened for appending. 0, or
 * the errno when it could not be made to (it is opened all the same). */
int dash_journal_resume(App *a, const JournalScan *sc);

/* Handle one key (prompts first, then the key table); returns flags. */
unsigned dash_key(App *a, int ch);

#endif
