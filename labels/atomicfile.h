/* Saving a file so that a crash or a failed write never leaves half of it:
 * the bytes go to a temporary file in the same folder, which is flushed,
 * fsynced and renamed over the destination; then the folder is fsynced.
 * SIGXFSZ (a file size limit, ulimit -f) is ignored while writing so the
 * limit shows up as a write error (EFBIG) instead of killing the process. */
#ifndef VIGIL_ATOMICFILE_H
#define VIGIL_ATOMICFILE_H

#include <stddef.h>

#include "data/status.h"

/* Write n bytes to path atomically. On failure the earlier file at path (if
 * any) is untouched, the temporary file is removed, and err says why
 * (STATUS_IO). A new file gets the mode of the file it replaces, or 0644. */
Status atomicfile_write(const char *path, const void *data, size_t n,
			ErrorRecord *err);

#endif
