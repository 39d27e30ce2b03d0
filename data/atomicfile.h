/* Saving a file so that a crash or a failed write never leaves half of it
 * (labels, models, caches, outputs): the bytes go to a temporary file in the
 * same folder ("NAME.tmpXXXXXX"), which is flushed, fsynced, closed (each
 * checked) and renamed over the destination; then the folder is fsynced.
 *
 * SIGXFSZ (a file size limit, ulimit -f) is ignored while a file is open
 * here, so the limit shows up as a write error (EFBIG, "File too large")
 * instead of killing the process. The writer holds an flock on its
 * temporary file; before creating one, the temporary files of interrupted
 * saves of the same destination (no flock held, a few seconds old) are
 * swept away. */
#ifndef VIGIL_ATOMICFILE_H
#define VIGIL_ATOMICFILE_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "data/status.h"

typedef struct {
	int fd;                 /* the temporary file, -1 when closed */
	FILE *f;                /* may be NULL: a stream over fd */
	char path[4096];        /* destination, as named (messages) */
	char target[4096];      /* the file replaced: path, or the regular
				   file a symbolic link at path leads to */
	char tmp[4112];         /* temporary file, beside target */
	struct sigaction xfsz;  /* SIGXFSZ's action before open */
	int direct;             /* 1: path is not a regular file (a device
				   such as /dev/null or /dev/stdout, a FIFO):
				   written in place, never renamed over */
} AtomicFile;

/* Create the temporary file for path (sweeping orphans first). A path that
 * exists and is not a regular file (a character device such as /dev/null or
 * /dev/stdout, a FIFO) is opened for writing as it is: a rename would put a
 * regular file in the device's place. A folder is refused. A symbolic link
 * to a regular file (a user's link, /dev/stdout redirected to a file) stays
 * a link: the file it leads to is the one replaced. */
Status atomicfile_open(AtomicFile *af, const char *path, ErrorRecord *err);
/* A stdio stream over the temporary file (for writers that print);
 * NULL when out of memory. Owned by af. */
FILE *atomicfile_stream(AtomicFile *af);
/* Write n bytes to the temporary file. */
Status atomicfile_put(AtomicFile *af, const void *data, size_t n,
		      ErrorRecord *err);
/* Flush, fsync, close, rename into place, fsync the folder. On failure
 * the temporary file is removed and the earlier file at path is untouched
 * (err says why, STATUS_IO). af is closed either way. */
Status atomicfile_commit(AtomicFile *af, ErrorRecord *err);
/* Drop the temporary file. */
void atomicfile_abort(AtomicFile *af);

/* Write n bytes to path atomically (open, put, commit). A new file gets
 * the mode of the file it replaces, or 0644. */
Status atomicfile_write(const char *path, const void *data, size_t n,
			ErrorRecord *err);

/* Remove the temporary files that interrupted saves of path left (no
 * writer holds them, older than min_age seconds); returns how many. */
int atomicfile_sweep(const char *path, int min_age);

#endif
