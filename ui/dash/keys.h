/* The dashboard's actions and the keys bound to them, from one X-macro list:
 * the enum, the names, the help text, the key-to-action lookup and the help
 * screen all come from ACTION_LIST, so the help can never go stale.
 *
 * Key codes are curses key codes (ASCII for printable keys, KEY_* for the
 * others); the table is built in keys.c, which includes curses. */
#ifndef VIGIL_UI_KEYS_H
#define VIGIL_UI_KEYS_H

#include <stddef.h>
#include <stdio.h>

/* Modes in which a binding applies. */
typedef enum {
	KEYMODE_NORMAL = 1,    /* browsing */
	KEYMODE_THRESHOLD = 2, /* after 't': '<' and '>' move the threshold */
	KEYMODE_EDGE = 4,      /* after 'e': h/l, H/L move a label's edge,
				  Enter applies it */
} KeyMode;

/* X(id, name, help). Order is the order of the help screen. */
#define ACTION_LIST(X)                                                      \
	X(ACT_METRIC_NEXT, "metric-next", "next metric")                    \
	X(ACT_METRIC_PREV, "metric-prev", "previous metric")                \
	X(ACT_CURSOR_LEFT, "cursor-left", "cursor one column left")         \
	X(ACT_CURSOR_RIGHT, "cursor-right", "cursor one column right")      \
	X(ACT_PAGE_LEFT, "page-left", "page left")                          \
	X(ACT_PAGE_RIGHT, "page-right", "page right")                       \
	X(ACT_ZOOM_IN, "zoom-in", "zoom in around the cursor")              \
	X(ACT_ZOOM_OUT, "zoom-out", "zoom out")                             \
	X(ACT_START, "start", "go to the start")                            \
	X(ACT_END, "end", "go to the end")                                  \
	X(ACT_DET_NEXT, "detection-next", "next detection")                 \
	X(ACT_DET_PREV, "detection-prev", "previous detection")             \
	X(ACT_LABEL_NEXT, "label-next", "next labelled range")              \
	X(ACT_LABEL_PREV, "label-prev", "previous labelled range")          \
	X(ACT_DIS_NEXT, "disagree-next",                                    \
	  "next disagreement (FP or FN)")                 \
	X(ACT_DIS_PREV, "disagree-prev", "previous disagreement")           \
	X(ACT_MARK, "mark", "start / end a selection")                      \
	X(ACT_LABEL, "label", "label the selection")                        \
	X(ACT_UNLABEL, "unlabel",                                           \
	  "unlabel selection / range here")            \
	X(ACT_LABEL_DET, "label-detection", "label the detection here")    \
	X(ACT_EDGE, "edge", "edge mode: h/l H/L, Enter")     \
	X(ACT_PICK, "pick", "apply edge; pick alert/metric")              \
	X(ACT_UNDO, "undo", "undo the last edit")                           \
	X(ACT_REDO, "redo", "redo")                                         \
	X(ACT_SAVE, "save", "save labels (asks file/format)") \
	X(ACT_COMPARE, "compare",                                           \
	  "compare all / >=medium / high")                  \
	X(ACT_ORIGINAL, "original", "original vs working labels")           \
	X(ACT_SCOPE, "scope", "switch metric / node scope")                 \
	X(ACT_FILTER, "filter", "filter metric names (regex)")              \
	X(ACT_SORT, "sort", "order: metric list / alerts")                  \
	X(ACT_ALERTS, "alerts", "alerts view (Enter: go there)")            \
	X(ACT_STACK, "stack", "stacked: the alert's top 4")                 \
	X(ACT_MARK_METRIC, "mark-metric", "mark the metric for v")          \
	X(ACT_GOTO, "goto", "go to row, time or +-offset")                  \
	X(ACT_NOTE, "note", "note on the label here")                       \
	X(ACT_MACHINES, "machines", "machines view (a folder)")             \
	X(ACT_YFIT, "y-axis",                                               \
	  "y-axis: window / whole series")              \
	X(ACT_THRESHOLD, "threshold", "threshold mode: then < or >")        \
	X(ACT_THR_DOWN, "threshold-down", "lower the threshold (after t)")  \
	X(ACT_THR_UP, "threshold-up", "raise the threshold (after t)")      \
	X(ACT_CANCEL, "cancel", "cancel selection / mode / view")           \
	X(ACT_REDRAW, "redraw", "redraw the screen")                        \
	X(ACT_HELP, "help", "this help")                                    \
	X(ACT_QUIT, "quit", "quit (asks if edits unsaved)")

typedef enum {
	ACT_NONE = 0,
#define KEYS_ENUM(id, name, help) id,
	ACTION_LIST(KEYS_ENUM)
#undef KEYS_ENUM
	ACT_COUNT
} Action;

typedef struct {
	int key;      /* curses key code */
	Action act;
	unsigned modes; /* KeyMode bits */
} KeyBinding;

/* The binding table and its length. */
const KeyBinding *keys_table(size_t *n);

/* The action bound to key in mode (ACT_NONE when unbound). */
Action keys_lookup(int key, KeyMode mode);

const char *keys_action_name(Action a);
const char *keys_action_help(Action a);

/* A readable name for a key: "j", "Ctrl-R", "Tab", "Down", "PgUp". */
const char *keys_key_name(int key, char *buf, size_t n);

/* The help screen, one line per action ("j Down      next metric"),
 * generated from the table; returns the number of lines and sets *lines to
 * a static array (valid until the next call). */
size_t keys_help_lines(const char *const **lines);

/* The man page's KEYS section (troff) from the same table: a paragraph,
 * then each action with its keys, then the mouse. */
void keys_man_write(FILE *f);

#endif
