/* Labels on disk for the dashboard: reading the dataset's own labels at
 * start, and the save-as prompt's formats and writes. The original label
 * files are never written unless the user types their path. */
#ifndef VIGIL_UI_SAVE_H
#define VIGIL_UI_SAVE_H

#include "data/status.h"
#include "ui/dash/app.h"

typedef enum {
	SAVE_CSV,    /* vigil's CSV: every metric and the node */
	SAVE_SMD,    /* SMD test_label: the node, 0/1 per test row */
	SAVE_INTERP, /* SMD interpretation_label: per-metric ranges */
	SAVE_NAB,    /* NAB combined_windows.json */
	SAVE_FORMATS
} SaveFormat;

/* "csv", "smd", "interp", "nab". */
const char *save_format_name(SaveFormat f);

/* Load the labels a start reads: a->labels_args (any format, guessed; an
 * SMD pair) or, when none, the dataset's own (SMD test_label and
 * interpretation_label, NAB windows, a CSV file's). */
Status save_read_labels(App *a, ErrorRecord *err);

/* Whether format f can be written for the open dataset at all: NAB windows
 * need a NAB file with timestamps, the SMD formats an SMD machine (they
 * count its test rows); vigil's CSV always works. */
int save_format_usable(const App *a, SaveFormat f);

/* The sets format f holds of the current labels (UI_SAVED_*): test_label
 * the node, interpretation_label the metrics (and the node when it is
 * their union), NAB the node (one file) or the metrics, CSV everything. */
unsigned save_format_holds(const App *a, SaveFormat f);

/* What a save in format f would lose: the edits of the sets it cannot hold,
 * as a sentence ("node-level edits cannot be written to
 * interpretation_label: 3 ranges"; compact: "node-level edits not in
 * interp: 3 ranges", for narrow terminals); "" when nothing is lost. */
void save_format_loss(const App *a, SaveFormat f, int compact, char *buf,
		      size_t n);

/* Open the save-as prompt with the default format (the dataset's own) and
 * a default path that is never an original label file. */
void save_begin(App *a);

/* Tab in the prompt: the next usable format, and the default path's
 * suffix. */
void save_cycle_format(App *a);

/* The folder a save of the prompt's text would land in, for the prompt. */
void save_folder(const App *a, char *buf, size_t n);

/* Enter in the save prompt (or y to a question it asked): check what the
 * format would lose and whether the destination changed on disk; ask (a
 * PROMPT_LOSSY or PROMPT_REPLACE question) or save. Returns 1 when saved,
 * 0 when a question is waiting, -1 when not saved (message set). */
int save_request(App *a, const char *path);

/* Remember path as read or written now (its size, mtime and inode), so a
 * later change by someone else is noticed. */
void save_remember(App *a, const char *path);

/* Write the working labels to path in a->save_format (or the format its
 * name says), atomically, without questions; records the save in the
 * journal (only the sets the format holds count as saved); sets the
 * message; returns 0 on success. */
int save_labels(App *a, const char *path);

#endif
