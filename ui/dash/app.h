/* The dashboard's one state struct: the data being looked at, the view
 * (metric, window, cursor, selection, scope), the modes and prompts, and the
 * dirty flags that say which panes must be redrawn. Panes read the App and
 * never keep state of their own; actions (ui/dash/keys.h) change it. */
#ifndef VIGIL_UI_APP_H
#define VIGIL_UI_APP_H

#include <stddef.h>
#include <stdint.h>

#include "data/range.h"
#include "data/series.h"
#include "engine/detect.h"
#include "engine/rethresh.h"
#include "labels/labelfile.h"
#include "ui/dash/journal.h"
#include "ui/dash/keys.h"
#include "ui/dash/labels_ui.h"

/* Panes, in drawing order. */
typedef enum {
	PANE_LIST,
	PANE_PLOT,
	PANE_SCORES,
	PANE_STATUS,
	PANE_COUNT
} PaneId;

/* Dirty bits and handler results (STYLE item 10). */
enum {
	DIRTY_LIST = 1u << PANE_LIST,
	DIRTY_PLOT = 1u << PANE_PLOT,
	DIRTY_SCORES = 1u << PANE_SCORES,
	DIRTY_STATUS = 1u << PANE_STATUS,
	DIRTY_ALL = (1u << PANE_COUNT) - 1,
	APP_RELAYOUT = 1u << 8,
	APP_QUIT = 1u << 9,
	APP_MACHINES = 1u << 10, /* back to the machines view */
};

/* Full-screen views over the panes. */
typedef enum {
	VIEW_MAIN,
	VIEW_HELP,
	VIEW_COMPARE,  /* c: all / >= medium / high side by side */
	VIEW_ORIGINAL, /* o: original vs working labels */
	VIEW_ALERTS,   /* A: every alert */
	VIEW_STACK,    /* v: metrics stacked on one time axis */
} ViewKind;

/* Line prompts at the bottom of the screen. */
typedef enum {
	PROMPT_NONE,
	PROMPT_FILTER,  /* / regex */
	PROMPT_GOTO,    /* : row, time or offset */
	PROMPT_NOTE,    /* i: the note of a labelled range */
	PROMPT_SAVE,    /* save as PATH */
	PROMPT_QUIT,    /* unsaved edits: save, discard or cancel */
	PROMPT_RECOVER, /* a journal was found: recover or discard */
	PROMPT_LOSSY,   /* the save format cannot hold every edit: y / n */
	PROMPT_REPLACE, /* the destination changed on disk: y / n */
} PromptKind;

/* Where the model stands. */
typedef enum {
	MODEL_NONE,     /* --no-model: the data and labels only */
	MODEL_TRAINING, /* a worker thread is training */
	MODEL_READY,    /* forecasts and detections are in */
	MODEL_FAILED,
} ModelState;

typedef struct {
	/* data */
	Series s;             /* owned */
	char *title;          /* owned: what is open ("demo", machine, file) */
	float *pred;          /* owned, may be NULL: metrics x rows forecast */
	DetectResult dr;      /* owned: scores, thresholds, detections */
	RethreshIndex rix;    /* owned: summaries of dr's score columns for
				 threshold moves (engine/rethresh.h) */
	int rix_ok;           /* rix is built on dr: dr.score holds the base
				 scores, app_score_scale scales them */
	NodeScoreJob *node_job; /* owned, may be NULL: the node score after
				 a threshold move, computed in the
				 background (app_poll_jobs takes it in) */
	int node_dirty;       /* node_job was asked to stop: a later move
				 made its scales stale; start again */
	int has_dr;           /* dr holds a detection run (the final model's,
				 or a provisional one while training) */
	size_t provisional;   /* > 0: dr comes from this epoch's weights
				 while training goes on; 0: final or none */
	float *score;         /* borrowed from dr, may be NULL: metrics x rows */
	float *node_score;    /* owned, may be NULL: rows, the node rule's
				 score (mean of the k largest metric scores;
				 the largest with k = 0) */
	unsigned plot_gen;    /* bumped when score changes */
	unsigned node_gen;    /* bumped when node_score changes */
	unsigned pred_gen;    /* bumped when pred changes (the plot's min/max
				 summaries follow both) */
	double *thr_factor;   /* owned: metrics + 1 threshold moves (1 = as
				 fitted; the last is the node's, all metrics) */
	Detection **det;      /* borrowed from dr (NULL when none) */
	size_t *n_det;        /* borrowed from dr */
	Detection *node_det;  /* borrowed from dr */
	size_t n_node_det;
	UiLabels labels;      /* working and original labels, edits */
	Range *disagree;      /* owned, may be NULL: where SMD test_label and
				 interpretation_label disagree (rows) */
	size_t n_disagree;
	const char *labels_args[2]; /* borrowed: --labels, read at the
				       start in place of the dataset's */
	size_t n_labels_args;
	LabelSources label_src; /* the label files the start read (an SMD
				   machine's own or --labels files), the
				   paths borrowed; zero when none or the
				   dataset's own non-SMD labels */
	int labels_ahead;     /* --follow: label ranges may end after the
				 rows read (labelfile_read_ahead) */

	/* model */
	ModelState model;
	double train_frac;    /* 0..1 training progress */
	char train_text[128]; /* progress line */
	void *worker;         /* owned: the trainer thread (ui/dash/dash.c) */

	/* view */
	size_t metric;        /* selected metric (index into s) */
	size_t *visible;      /* owned: metric indices passing the filter */
	unsigned char *marked; /* owned: metrics flags, Space: for v */
	size_t n_visible;
	size_t list_top;      /* first visible entry of the list pane */
	int node_scope;       /* Tab: labels / scores / edits at node level */
	size_t first, count;  /* window of rows [first, first + count) */
	size_t cursor;        /* row under the cursor */
	int selecting;        /* 0 none, 1 open (m once, or dragging), 2 closed
				 (m twice, or released): a / x act on it */
	size_t sel_anchor;    /* row where the selection started */
	int yfit_whole;       /* y-axis over the whole series */
	KeyMode keymode;      /* normal, threshold or edge */
	/* edge mode (e): the label being resized and its new extent */
	size_t edge_set;      /* a metric or UI_NODE */
	int64_t edge_at;      /* the label's start before the resize */
	int64_t edge_start, edge_end; /* the new extent, [start, end) */
	int edge_end_side;    /* 1: the end edge moves, 0: the start edge */
	size_t note_set;      /* i: the set and start row of the range */
	int64_t note_at;      /* whose note the prompt edits */
	ViewKind view;
	size_t help_top;      /* first help row shown when the help scrolls */
	int list_order;       /* S: 0 name, 1 score at the cursor, 2 F1 */
	int alert_sort;       /* S in the alerts view: 0 time, 1
				 criticality, 2 duration */
	size_t alert_sel;     /* the chosen row of the alerts view */
	size_t alert_top;     /* its first row shown */
	PromptKind prompt;
	char input[512];      /* prompt text being edited */
	size_t input_len;
	char filter[256];     /* regex of metric names ("" = all) */
	int save_format;      /* SaveFormat of the save prompt */
	int save_then_quit;   /* the save prompt came from the quit guard */
	char message[700];    /* one-shot status message */
	char message_brief[700]; /* what the status line shows instead when
				    the message is too long for it ("":
				    none; app_message clears it) */
	int unicode;          /* Braille and box glyphs allowed */
	int colour;           /* colours in use */

	/* plot geometry of the last layout (for the mouse) */
	int plot_x, plot_y, plot_w, plot_h;
	int mouse_down;

	unsigned dirty;       /* DIRTY_* bits */
	Journal journal;      /* owned: the edit journal and the dataset lock */
	int in_fleet;         /* one machine of the machines view: M goes
				 back to it */
	int read_only;        /* another vigil edits this dataset: no edits,
				 no saves, no journal */
	char question[256];   /* the y / n prompts' question */
	char question_brief[256]; /* the same for a narrow status line */
	char save_path[512];  /* the save waiting for a y / n answer */
	int save_fmt;         /* its SaveFormat */
	int save_checked;     /* lossy format already accepted */
	/* files this session read or wrote, with what they looked like then:
	 * a destination that changed since is not replaced without asking */
	struct {
		char path[512];
		long long size, mtime_ns, ino;
	} known[8];
	size_t n_known;
} App;

void app_init(App *a);
void app_free(App *a);

/* After the data (and maybe labels) are in: reset the view, the visible
 * metric list and the scores. */
void app_reset_view(App *a);

/* Rebuild the list of metric indices whose names match a->filter. Returns
 * 0, or -1 when the regex does not compile (message set). */
int app_apply_filter(App *a, const char *regex);

/* Apply a change of the labels (an edit, undo, redo or a save record):
 * it is journaled and fsynced before this returns, so before the screen
 * can show it; sets the message (with the journal's error when its write
 * failed). Refused in a read-only session. Returns DIRTY_* flags. */
unsigned app_apply(App *a, UiOp *op);

/* Apply one action; returns DIRTY_* / APP_* flags. */
unsigned app_action(App *a, Action act);

/* Mouse: a click at plot column col moves the cursor; press-drag-release
 * selects. kind: 0 press, 1 drag, 2 release. */
unsigned app_mouse(App *a, int col, int kind);

/* Number of dot columns of the plot (what h/l moves by). */
size_t app_plot_columns(const App *a);

/* Move the window so that row r is visible (keeps the zoom). */
void app_show_row(App *a, size_t r);

/* The detections of the current scope (metric or node) and their count. */
const Detection *app_detections(const App *a, size_t *n);

/* Set a->message (printf-style); marks the status line dirty. */
void app_message(App *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The shorter words of the message just set, for a status line too
 * narrow for it: they end with the file they name, maybe followed by a
 * parenthesis; the parenthesis gives way first, then the file's head. */
void app_message_brief(App *a, const char *brief);

/* Scores at scope m (a metric or UI_NODE) of its detections with crit >=
 * min against the working (original = 0) or original labels, on the test
 * part. */
void app_scores(const App *a, size_t m, int original, Criticality min,
		UiScore out[RULE_COUNT]);

/* After a detection run or a threshold move: point score / det / node
 * fields at a->dr and recompute the node score. */
void app_take_detections(App *a);

/* After a new detection run in a->dr, before any move: build the score
 * summaries that make threshold moves incremental (without them moves
 * fall back to detect_rethreshold). */
void app_index_scores(App *a);

/* Move the threshold of metric m (DETECT_ALL: every metric) by factor:
 * only the detections that can change are found again; the score columns
 * stay and are scaled for display. Then as app_take_detections, without
 * rebuilding the metrics' plot summaries. */
Status app_move_threshold(App *a, size_t m, double factor, ErrorRecord *err);

/* What metric m's stored scores (a->score) are multiplied by for display:
 * 1 unless threshold moves were made on indexed scores. */
double app_score_scale(const App *a, size_t m);

/* Take in the node score of a background job that has finished (wait
 * for it when wait is set). Returns nonzero when the node score changed
 * (dirty bits set). */
int app_poll_jobs(App *a, int wait);

/* A background job is at work (poll more often). */
int app_jobs_busy(const App *a);

/* Stop background jobs that read a->dr: before a->dr changes. */
void app_settle(App *a);

/* The alert (index into a->dr.alerts) whose span holds row, or -1. */
long app_alert_at(const App *a, size_t row);

/* The alerts' indices in the order of a->alert_sort into idx (room for
 * a->dr.n_alerts); returns their number. */
size_t app_alert_order(const App *a, size_t *idx);

/* The score of metric m at row r (0 before detections). */
float app_score_at(const App *a, size_t m, size_t r);

/* Whether metric m is one that carries the node score at row r: one of
 * the node rule's k largest scores there (k = node_top_k; with 0, the
 * union rule, every metric at or over its threshold). */
int app_carries_node(const App *a, size_t m, size_t r);

/* Order the visible metrics by a->list_order (name: the series' order;
 * score at the cursor, or event F1, largest first). Returns DIRTY_LIST
 * when the order changed, else 0. */
unsigned app_order_list(App *a);

/* ":" go to: a row ("42339"), a time ("2022-01-01 10:30", or "10:30" on
 * the cursor's day) or an offset from the cursor ("+1d", "-90m", "+2h",
 * "+30s", "+100" rows). Moves the cursor and says where; returns 0, or -1
 * (message set) when text is none of them. */
int app_goto(App *a, const char *text);

/* Enter in the note prompt: text (cut to JOURNAL_NOTE_MAX bytes; ""
 * removes the note) becomes the note of the range the prompt was opened
 * on, one undoable edit. Returns DIRTY_* flags. */
unsigned app_note_apply(App *a, const char *text);

/* The metrics of the stacked view (v), at most 4 into out: the ones
 * marked with Space (in the list's order), else the top of the alert at
 * the cursor, else the largest scores at the cursor (the first visible
 * metrics before a model). Returns how many; *why (may be NULL) says which
 * rule chose them: 0 marked, 1 alert, 2 scores. */
size_t app_stack_metrics(const App *a, size_t out[4], int *why);

/* Names of the orders S cycles through. */
const char *app_alert_sort_name(int sort);
const char *app_list_order_name(int order);

/* Scope index for labels: the metric, or UI_NODE at node scope. */
size_t app_scope(const App *a);

#endif
