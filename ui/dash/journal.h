/* The edit journal and the dataset lock.
 *
 * Every change of the labels (mark, unmark, resize, split, undo, redo, save)
 * is appended to a small text file and fsynced before the screen shows it,
 * so that after a crash or a kill the next start replays exactly the state
 * that was lost, unsaved count included. One journal per dataset, under
 * $XDG_CACHE_HOME/vigil (or ~/.cache/vigil); removed on a clean exit.
 *
 * Beside it, a lock file: the dashboard that edits a dataset holds an
 * exclusive flock on it (and writes its pid there); a second dashboard on
 * the same dataset finds it held and opens read-only, without touching the
 * journal. The lock goes with the process, even after kill -9.
 *
 * Format: a first line "vigil-journal 2 BASE DATASET" (BASE: the original
 * labels' fingerprint, 16 hex digits), then one line per operation:
 *   mark SET START END      unmark SET START END
 *   resize SET AT START END split SET AT
 *   undo                    redo
 *   saved all|metrics|node  base F
 * SET is a metric index or '*' for the node. A line without its newline (a
 * write cut short) is ignored. "base F" follows a save: F is the
 * fingerprint of the labels as they read back from what was saved. When
 * the save replaced the dataset's own label file, the next start's
 * original labels have that fingerprint and not BASE; the journal is then
 * replayed from that line on. "keep OP" lines right after it are the edits
 * that save could not hold (a metric's in SMD's test_label), as ops over
 * those labels: applied when the replay starts there (or at the first
 * line, after a recovery rewrote the journal from there), skipped
 * anywhere else. */
#ifndef VIGIL_UI_JOURNAL_H
#define VIGIL_UI_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ui/dash/labels_ui.h"

typedef struct {
	int fd;         /* -1: no journal (read-only, a script, failed) */
	int lock_fd;    /* -1: the lock is not held */
	long other_pid; /* who holds the lock when another vigil does */
	int error;      /* errno of the last failed write (0: none) */
	char path[1024];
	char lock_path[1040];
} Journal;

/* What a replay found. */
typedef struct {
	long ops;       /* operations applied */
	size_t unsaved; /* the labels' unsaved count afterwards */
	int mismatch;   /* made over other original labels: nothing applied */
	int damaged;    /* a line that is not an operation: replay stopped */
	long line;      /* that line's number */
	long long good; /* bytes up to the end of the last line replayed */
	long long rebased; /* > 0: replayed from this offset, just after the
			      "base" line of a save that wrote these labels */
	int past_save;  /* rebased, and an undo or redo reached before the
			   save: replay stopped */
} JournalScan;

void journal_init(Journal *j);

/* Set j's journal and lock paths for the dataset key (a canonical path, or
 * "demo"), without taking the lock. */
void journal_paths(Journal *j, const char *key);

/* Set the paths for the dataset key (a canonical path, or "demo") and take
 * the lock. Returns 0 when this process holds it, 1 when another vigil does
 * (j->other_pid, 0 when unknown), -1 when the lock cannot be made (errno
 * kept in j->error; the session then runs without a journal). Waits up to
 * a second for a vigil that is just exiting. */
int journal_lock(Journal *j, const char *key);

/* Replay the journal at path onto l (which holds the same original labels
 * as when the journal was written). The labels are left exactly as they
 * were after the last complete operation in the file. */
void journal_replay(const char *path, uint64_t base, UiLabels *l,
		    JournalScan *scan);

/* What a replay of j would give, computed on a scratch copy of cur's
 * original labels (cur is not changed). 0, or -1 when there is no
 * journal. */
int journal_scan(const Journal *j, const UiLabels *cur, JournalScan *scan);

/* Make j's file go on from a recovery (sc: what the replay of it found):
 * cut after the last line replayed, so that new lines follow it and not a
 * line cut short by a crash or a damaged one (which would end the next
 * replay there); when it was replayed from a save (sc->rebased), rewritten
 * as a journal over these labels (base, dataset as journal_open writes
 * them) holding the lines replayed. 0 or an errno (also in j->error). */
int journal_restart(Journal *j, const JournalScan *sc, uint64_t base,
		    const char *dataset);

/* Keep j's journal aside under a name no earlier one has: PATH.old, else
 * PATH.old.2, PATH.old.3, ... (never over an earlier one); moved there
 * (move = 1) or linked, the journal staying (move = 0). The name goes to
 * out. 0, or an errno (nothing kept aside; moved: the journal stays). */
int journal_set_aside(const Journal *j, int move, char *out, size_t n);

/* After a save: "base F" (F: the fingerprint the labels have when read
 * back from what was saved), from which a journal can be replayed over
 * those labels when the save replaced the dataset's own label file. With
 * back (those labels as read back, changed here) and now (the labels
 * saved), followed by the "keep" lines that give back, over back, the
 * edits of the sets the save did not hold (held: UI_SAVED_*), in one
 * write. 0 or the errno of the failed write. */
int journal_append_base(Journal *j, uint64_t base, UiLabels *back,
			const UiLabels *now, unsigned held);

/* Open the journal for appending (keep = 1, after a recovery) or afresh
 * (keep = 0); base is the original labels' fingerprint. Returns 0 or an
 * errno (also in j->error). Does nothing (0) without the lock. */
int journal_open(Journal *j, int keep, uint64_t base, const char *dataset);

/* Append op (as applied: undo / redo carry no set) and fsync. Returns 0, or
 * the errno of the failed write (also in j->error); 0 without a journal
 * (read-only, a script), the open's errno when it could not be opened. */
int journal_append(Journal *j, const UiOp *op);

/* The longest note a journal line holds (bytes); as hex, twice that. */
#define JOURNAL_NOTE_MAX 200
#define JOURNAL_HEX_W "401"

/* One journal line for op, newline included, into buf. */
void journal_format(const UiOp *op, char *buf, size_t n);

/* Close the journal (and delete it when remove is set); release the lock
 * when release is set. */
void journal_close(Journal *j, int remove, int release);

#endif
