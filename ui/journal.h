/* The edit journal: every label edit is appended to a small text file as it
 * happens, so that after a crash or a kill the next start can offer to
 * replay the edits that were not saved. One journal per dataset, under
 * $XDG_CACHE_HOME/vigil (or ~/.cache/vigil); removed on a clean exit.
 *
 * Format: a first line "vigil-journal 1 DATASET", then one line per event:
 * "mark SET START END", "unmark SET START END", "undo", "redo", "saved"
 * (SET is a metric index or '*' for the node). */
#ifndef VIGIL_UI_JOURNAL_H
#define VIGIL_UI_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ui/app.h"

/* Compute a->journal_path for the dataset key (the path, or "demo").
 * Returns the number of unsaved edits an earlier run left in it (0 when
 * there is none). */
long journal_prepare(App *a, const char *key);

/* Replay the unsaved edits of the journal onto a->labels; returns how many
 * were applied. */
long journal_replay(App *a);

/* Open the journal for appending (keep = 1, after a replay) or start it
 * afresh (keep = 0, discarding an old one). */
void journal_start(App *a, int keep);

/* Append one event (set, start, end are ignored for undo/redo). */
void journal_edit(App *a, const char *op, size_t set, int64_t start,
		  int64_t end);

/* Push appended lines to the file (called after every edit). */
void journal_flush(App *a);

/* Record a save (the edits so far are safe). */
void journal_saved(App *a);

/* Close and delete the journal (clean exit). */
void journal_remove(App *a);

#endif
