/* Labels on disk for the dashboard: reading the dataset's own labels at
 * start, and the save-as prompt's formats and writes. The original label
 * files are never written unless the user types their path. */
#ifndef VIGIL_UI_SAVE_H
#define VIGIL_UI_SAVE_H

#include "data/status.h"
#include "ui/app.h"

typedef enum {
	SAVE_CSV,    /* vigil's CSV: every metric and the node */
	SAVE_SMD,    /* SMD test_label: the node, 0/1 per test row */
	SAVE_INTERP, /* SMD interpretation_label: per-metric ranges */
	SAVE_NAB,    /* NAB combined_windows.json */
	SAVE_FORMATS
} SaveFormat;

/* "csv", "smd", "interp", "nab". */
const char *save_format_name(SaveFormat f);

/* Load labels: path (any format, guessed) or, when NULL, the dataset's own
 * (SMD test_label and interpretation_label, NAB windows). */
Status save_read_labels(App *a, const char *path, ErrorRecord *err);

/* Open the save-as prompt with the default format (the dataset's own) and
 * a default path that is never an original label file. */
void save_begin(App *a);

/* Tab in the prompt: the next format, and the default path's suffix. */
void save_cycle_format(App *a);

/* Write the working labels to path in a->save_format, atomically; sets the
 * message; returns 0 on success. */
int save_labels(App *a, const char *path);

#endif
