/* Output files written the safe way: to a temporary file in the same
 * folder, flushed and fsynced, renamed into place, then the folder fsynced.
 * A crash never leaves half a file. "-" (or NULL) means stdout. */
#ifndef VIGIL_OUTFILE_H
#define VIGIL_OUTFILE_H

#include <stdio.h>

#include "data/status.h"

typedef struct {
	FILE *f;          /* write here */
	char path[4096];  /* final path ("" for stdout) */
	char tmp[4112];   /* temporary path */
} OutFile;

/* Open path for writing (a temporary beside it), or stdout. */
Status outfile_open(OutFile *o, const char *path, ErrorRecord *err);
/* Flush, fsync, rename into place, fsync the folder. Closes o. */
Status outfile_commit(OutFile *o, ErrorRecord *err);
/* Drop the temporary file (after an error). */
void outfile_abort(OutFile *o);

#endif
