/* Whole-file reads, sized from fstat so a regular file takes one read; the
 * regular-file check is made on the open descriptor, so what is checked is
 * what is read. */
#include "data/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *fileio_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISFIFO(mode))
		return "a FIFO (named pipe)";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

static Status not_regular(const char *path, mode_t mode, ErrorRecord *err)
{
	return error_set(err, STATUS_IO, path, 0, 0,
			 "is %s, not a regular file", fileio_kind(mode));
}

Status fileio_check_regular(const char *path, ErrorRecord *err)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return error_set(err, STATUS_IO, path, 0, 0, "cannot open: %s",
				 strerror(errno));
	if (!S_ISREG(st.st_mode))
		return not_regular(path, st.st_mode, err);
	return STATUS_OK;
}

static Status too_large(const char *path, unsigned long long size,
			ErrorRecord *err)
{
	return error_set(err, STATUS_IO, path, 0, 0,
			 "is too large (%llu MiB): vigil reads files of at "
			 "most %zu MiB",
			 size >> 20, FILEIO_MAX_BYTES >> 20);
}

/* Opens path without blocking (a FIFO without a writer would), checks the
 * descriptor is a regular file within the size cap, and makes it blocking
 * again. */
static Status open_regular(const char *path, int *fd_out, struct stat *st,
			   ErrorRecord *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return error_set(err, STATUS_IO, path, 0, 0, "cannot open: %s",
				 strerror(errno));
	if (fstat(fd, st) != 0) {
		int e = errno;
		close(fd);
		return error_set(err, STATUS_IO, path, 0, 0, "cannot open: %s",
				 strerror(e));
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return not_regular(path, st->st_mode, err);
	}
	if ((unsigned long long)st->st_size > FILEIO_MAX_BYTES) {
		close(fd);
		return too_large(path, (unsigned long long)st->st_size, err);
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl != -1)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	*fd_out = fd;
	return STATUS_OK;
}

Status fileio_open(const char *path, FILE **out, ErrorRecord *err)
{
	*out = NULL;
	int fd;
	struct stat st;
	Status s = open_regular(path, &fd, &st, err);
	if (s)
		return s;
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		int e = errno;
		close(fd);
		return error_set(err, STATUS_IO, path, 0, 0, "cannot open: %s",
				 strerror(e));
	}
	*out = f;
	return STATUS_OK;
}

Status fileio_read_all(const char *path, char **buf, size_t *cap, size_t *len,
		       ErrorRecord *err)
{
	int fd;
	struct stat st;
	Status s = open_regular(path, &fd, &st, err);
	if (s)
		return s;
	/* two bytes more than the file: the first read meets EOF, and the
	   NUL fits; a file that grows meanwhile is read on, up to the cap */
	size_t want = (size_t)st.st_size + 2, n = 0;
	for (;;) {
		if (*cap < want) {
			char *b = realloc(*buf, want);
			if (!b) {
				close(fd);
				return error_set(err, STATUS_NOMEM, path, 0, 0,
						 "out of memory reading the "
						 "file");
			}
			*buf = b;
			*cap = want;
		}
		ssize_t got = read(fd, *buf + n, *cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			close(fd);
			return error_set(err, STATUS_IO, path, 0, 0,
					 "cannot read: %s", strerror(e));
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > FILEIO_MAX_BYTES) {
			close(fd);
			return too_large(path, (unsigned long long)n, err);
		}
		if (n + 1 == *cap)
			want = *cap * 2;
	}
	close(fd);
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
