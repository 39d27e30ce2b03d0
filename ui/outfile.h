/* Output files written the safe way (data/atomicfile.h): to a temporary
 * file in the same folder, flushed and fsynced, renamed into place, then
 * the folder fsynced; SIGXFSZ does not kill the process, a failed write
 * leaves the earlier file and no temporary file. "-" (or NULL) means
 * stdout. */
#ifndef VIGIL_OUTFILE_H
#define VIGIL_OUTFILE_H

#include <stdio.h>

#include "data/atomicfile.h"
#include "data/status.h"

typedef struct {
	FILE *f;        /* write here */
	AtomicFile af;  /* the file being written (unused for stdout) */
	int is_stdout;
} OutFile;

/* Open path for writing (a temporary beside it), or stdout. */
Status outfile_open(OutFile *o, const char *path, ErrorRecord *err);
/* Flush, fsync, rename into place, fsync the folder. Closes o. */
Status outfile_commit(OutFile *o, ErrorRecord *err);
/* Drop the temporary file (after an error). */
void outfile_abort(OutFile *o);
/* Whether path could be opened by outfile_open, found out before long
 * work: a temporary file made beside it and dropped. stdout, a device or
 * a FIFO (written in place, not opened here) pass. */
Status outfile_check(const char *path, ErrorRecord *err);
/* Nonzero when path is the file stdout writes to ("-", /dev/stdout,
 * /dev/fd/1, or the file stdout is redirected to): what a command prints
 * on stdout must then go elsewhere. */
int outfile_is_stdout(const char *path);

#endif
