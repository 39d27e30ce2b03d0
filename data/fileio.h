/* Reading files: the routines every loader (CSV, SMD, label files,
 * detections, model files, NAB windows) uses, so that a read error, a
 * special file or an oversized file is reported the same way everywhere.
 *
 * Only regular files are read. A folder, a FIFO, a device or a socket is
 * refused with what it is, before any read: reading /dev/zero would never
 * end and opening a FIFO without a writer would block. */
#ifndef VIGIL_FILEIO_H
#define VIGIL_FILEIO_H

#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

#include "data/status.h"

/* The largest file vigil reads whole (1 GiB). */
#define FILEIO_MAX_BYTES ((size_t)1 << 30)

/* What a file of this mode is, for a message: "a folder", "a FIFO (named
 * pipe)", "a character device", ... ("a regular file" for one). */
const char *fileio_kind(mode_t mode);

/* STATUS_OK when path is a regular file; else STATUS_IO naming what it is
 * ("is a FIFO (named pipe), not a regular file"), or the system's reason
 * when it cannot be looked at. */
Status fileio_check_regular(const char *path, ErrorRecord *err);

/* Open path for reading, only when it is a regular file of at most
 * FILEIO_MAX_BYTES (checked on the open descriptor, without blocking on a
 * FIFO). *out is NULL on error. */
Status fileio_open(const char *path, FILE **out, ErrorRecord *err);

/* Read path whole into *buf, NUL-terminated, *len bytes (the NUL not
 * counted). *buf is grown with realloc when *cap is too small, so a caller
 * reading several files can pass the same buffer again; start with NULL and
 * 0. On error *buf stays the caller's to free. Errors: STATUS_IO (cannot
 * open or read, with the system's reason; not a regular file; larger than
 * FILEIO_MAX_BYTES), STATUS_NOMEM. */
Status fileio_read_all(const char *path, char **buf, size_t *cap, size_t *len,
		       ErrorRecord *err);

/* The same into a new buffer *out (the caller frees it); *out is NULL on
 * error. */
Status fileio_slurp(const char *path, char **out, size_t *len,
		    ErrorRecord *err);

#endif
