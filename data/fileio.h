/* Reading a whole file into memory: the one routine every loader (CSV, SMD,
 * label files, model files, NAB windows) uses, so a read error is reported
 * the same way everywhere. */
#ifndef VIGIL_FILEIO_H
#define VIGIL_FILEIO_H

#include <stddef.h>

#include "data/status.h"

/* Read path whole into *buf, NUL-terminated, *len bytes (the NUL not
 * counted). *buf is grown with realloc when *cap is too small, so a caller
 * reading several files can pass the same buffer again; start with NULL and
 * 0. On error *buf stays the caller's to free. Errors: STATUS_IO (cannot
 * open or read, with the system's reason), STATUS_NOMEM. */
Status fileio_read_all(const char *path, char **buf, size_t *cap, size_t *len,
		       ErrorRecord *err);

/* The same into a new buffer *out (the caller frees it); *out is NULL on
 * error. */
Status fileio_slurp(const char *path, char **out, size_t *len,
		    ErrorRecord *err);

#endif
