/* Atomic file replacement (see atomicfile.h). */
#include "labels/atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static Status io_error(ErrorRecord *err, const char *path, const char *what,
		       int e)
{
	return error_set(err, STATUS_IO, path, 0, 0,
			 "cannot %s: %s (the earlier file is unchanged)", what,
			 strerror(e));
}

/* The folder part of path ("." when there is none), into buf. */
static void folder_of(const char *path, char *buf, size_t n)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(buf, n, ".");
	else if (slash == path)
		snprintf(buf, n, "/");
	else
		snprintf(buf, n, "%.*s", (int)(slash - path), path);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

Status atomicfile_write(const char *path, const void *data, size_t n,
			ErrorRecord *err)
{
	char dir[4096];
	folder_of(path, dir, sizeof(dir));
	size_t tlen = strlen(path) + 16;
	char *tmp = malloc(tlen);
	if (!tmp)
		return error_set(err, STATUS_NOMEM, path, 0, 0,
				 "out of memory");
	snprintf(tmp, tlen, "%s.tmpXXXXXX", path);

	struct sigaction ign, old;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGXFSZ, &ign, &old);

	Status st = STATUS_OK;
	int fd = mkstemp(tmp);
	if (fd < 0) {
		st = io_error(err, path, "create a temporary file there",
			      errno);
		goto out;
	}
	struct stat sb;
	mode_t mode = stat(path, &sb) == 0 ? (sb.st_mode & 07777) : 0644;
	if (fchmod(fd, mode) != 0 || write_all(fd, data, n) != 0 ||
	    fsync(fd) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		st = io_error(err, path, "write", e);
		goto out;
	}
	if (close(fd) != 0) {
		int e = errno;
		unlink(tmp);
		st = io_error(err, path, "write", e);
		goto out;
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		st = io_error(err, path, "replace the file", e);
		goto out;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		/* The data is in place; a folder that cannot be synced (some
		 * file systems refuse) is not a failed save. */
		(void)fsync(dfd);
		close(dfd);
	}
out:
	sigaction(SIGXFSZ, &old, NULL);
	free(tmp);
	return st;
}
