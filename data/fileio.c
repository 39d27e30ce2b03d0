/* Whole-file reads, sized from fstat so a regular file takes one read. */
#include "data/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

Status fileio_read_all(const char *path, char **buf, size_t *cap, size_t *len,
		       ErrorRecord *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return error_set(err, STATUS_IO, path, 0, 0, "cannot open: %s",
				 strerror(errno));
	struct stat st;
	/* one byte more than the file, so the first read meets EOF */
	size_t want = (fstat(fileno(f), &st) == 0 && st.st_size > 0)
			      ? (size_t)st.st_size + 2
			      : 1 << 16;
	size_t n = 0;
	for (;;) {
		if (*cap < want) {
			char *b = realloc(*buf, want);
			if (!b) {
				fclose(f);
				return error_set(err, STATUS_NOMEM, path, 0, 0,
						 "out of memory reading the "
						 "file");
			}
			*buf = b;
			*cap = want;
		}
		n += fread(*buf + n, 1, *cap - n - 1, f);
		if (n < *cap - 1 || feof(f))
			break;
		want = *cap * 2;
	}
	int bad = ferror(f), e = errno;
	fclose(f);
	if (bad)
		return error_set(err, STATUS_IO, path, 0, 0, "cannot read: %s",
				 strerror(e));
	(*buf)[n] = '\0';
	*len = n;
	return STATUS_OK;
}

Status fileio_slurp(const char *path, char **out, size_t *len,
		    ErrorRecord *err)
{
	char *buf = NULL;
	size_t cap = 0;
	Status st = fileio_read_all(path, &buf, &cap, len, err);
	if (st != STATUS_OK) {
		free(buf);
		buf = NULL;
	}
	*out = buf;
	return st;
}
