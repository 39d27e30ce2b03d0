/* Atomic file replacement (see atomicfile.h). */
#include "data/atomicfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static Status io_error(ErrorRecord *err, const char *path, const char *what,
		       int e)
{
	/* the reason first: it is what a narrow status line must show; the
	   earlier file is named only when there is one */
	struct stat sb;
	int had = stat(path, &sb) == 0;
	return error_set(err, STATUS_IO, path, 0, 0, "%s (cannot %s%s)",
			 strerror(e), what,
			 had ? "; the earlier file is unchanged"
			     : "; nothing was written");
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

/* Whether name is base + ".tmp" + six mkstemp characters. */
static int is_temp_of(const char *name, const char *base)
{
	size_t bl = strlen(base);
	if (strncmp(name, base, bl) || strncmp(name + bl, ".tmp", 4))
		return 0;
	const char *x = name + bl + 4;
	if (strlen(x) != 6)
		return 0;
	for (; *x; x++)
		if (!((*x >= 'a' && *x <= 'z') || (*x >= 'A' && *x <= 'Z') ||
		      (*x >= '0' && *x <= '9')))
			return 0;
	return 1;
}

int atomicfile_sweep(const char *path, int min_age)
{
	char dir[4096];
	folder_of(path, dir, sizeof(dir));
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int removed = 0;
	time_t now = time(NULL);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!is_temp_of(de->d_name, base))
			continue;
		char p[8300];
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct stat a, b;
		/* a writer holds its lock from creation to rename; a fresh
		 * file may be one whose writer has not taken it yet */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &a) == 0 &&
		    S_ISREG(a.st_mode) && now - a.st_mtime >= min_age &&
		    lstat(p, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev && unlink(p) == 0)
			removed++;
		close(fd);
	}
	closedir(d);
	return removed;
}

Status atomicfile_open(AtomicFile *af, const char *path, ErrorRecord *err)
{
	memset(af, 0, sizeof(*af));
	af->fd = -1;
	if (snprintf(af->path, sizeof(af->path), "%s", path) >=
	    (int)sizeof(af->path))
		return error_set(err, STATUS_IO, path, 0, 0,
				 "path is too long");
	struct stat st;
	int exists = stat(path, &st) == 0;
	if (exists && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return error_set(err, STATUS_IO, path, 0, 0,
					 "is a folder, not a file");
		int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return io_error(err, path, "open it for writing",
					errno);
		af->fd = fd;
		af->direct = 1;
		return STATUS_OK;
	}
	/* a symbolic link to a regular file: the temporary file goes beside
	   the file it leads to, which the rename replaces; renamed over the
	   link itself, it left a copy in its place (or, for /dev/stdout
	   redirected to a file, wrote into /dev) */
	struct stat lst;
	const char *target = path;
	char *real = NULL;
	if (exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		if (!(real = realpath(path, NULL)))
			return io_error(err, path, "follow the link", errno);
		target = real;
	}
	int long_name = snprintf(af->target, sizeof(af->target), "%s",
				 target) >= (int)sizeof(af->target);
	free(real);
	if (long_name)
		return error_set(err, STATUS_IO, path, 0, 0,
				 "the file it links to has too long a path");
	snprintf(af->tmp, sizeof(af->tmp), "%s.tmpXXXXXX", af->target);
	atomicfile_sweep(af->target, 5);

	struct sigaction ign;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGXFSZ, &ign, &af->xfsz);

	int fd = mkstemp(af->tmp);
	if (fd < 0) {
		int e = errno;
		sigaction(SIGXFSZ, &af->xfsz, NULL);
		return io_error(err, path, "create a temporary file there", e);
	}
	(void)flock(fd, LOCK_EX | LOCK_NB);
	struct stat sb;
	mode_t mode = stat(af->target, &sb) == 0 ? (sb.st_mode & 07777) : 0644;
	if (fchmod(fd, mode) != 0) {
		/* mkstemp's 0600 then: the data is what matters */
	}
	af->fd = fd;
	return STATUS_OK;
}

FILE *atomicfile_stream(AtomicFile *af)
{
	if (!af->f && af->fd >= 0)
		af->f = fdopen(af->fd, "w");
	return af->f;
}

Status atomicfile_put(AtomicFile *af, const void *data, size_t n,
		      ErrorRecord *err)
{
	if (af->f && fflush(af->f) != 0)
		return io_error(err, af->path, "write", errno);
	if (write_all(af->fd, data, n) != 0)
		return io_error(err, af->path, "write", errno);
	return STATUS_OK;
}

/* Close the temporary file (stream or descriptor); 0 or errno. */
static int close_tmp(AtomicFile *af)
{
	int e = 0;
	if (af->f) {
		if (fclose(af->f) != 0)
			e = errno;
	} else if (af->fd >= 0 && close(af->fd) != 0) {
		e = errno;
	}
	af->f = NULL;
	af->fd = -1;
	return e;
}

static void drop(AtomicFile *af)
{
	close_tmp(af);
	if (af->direct)
		return;
	unlink(af->tmp);
	sigaction(SIGXFSZ, &af->xfsz, NULL);
}

/* Commit in place (a device or FIFO): flush and close. */
static Status commit_direct(AtomicFile *af, ErrorRecord *err)
{
	int e = 0;
	errno = 0;
	if (af->f && (fflush(af->f) != 0 || ferror(af->f)))
		e = errno ? errno : EIO;
	int c = close_tmp(af);
	if (!e)
		e = c;
	if (e)
		return error_set(err, STATUS_IO, af->path, 0, 0,
				 "%s (cannot write)", strerror(e));
	return STATUS_OK;
}

Status atomicfile_commit(AtomicFile *af, ErrorRecord *err)
{
	if (af->fd < 0)
		return error_set(err, STATUS_INTERNAL, af->path, 0, 0,
				 "not open");
	if (af->direct)
		return commit_direct(af, err);
	int e = 0;
	errno = 0;
	if (af->f && (fflush(af->f) != 0 || ferror(af->f)))
		e = errno ? errno : EIO;
	if (!e && fsync(af->fd) != 0)
		e = errno;
	if (e) {
		drop(af);
		return io_error(err, af->path, "write", e);
	}
	e = close_tmp(af);
	if (e) {
		drop(af);
		return io_error(err, af->path, "write", e);
	}
	if (rename(af->tmp, af->target) != 0) {
		e = errno;
		drop(af);
		return io_error(err, af->path, "replace the file", e);
	}
	sigaction(SIGXFSZ, &af->xfsz, NULL);
	char dir[4096];
	folder_of(af->target, dir, sizeof(dir));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		/* The data is in place; a folder that cannot be synced (some
		 * file systems refuse) is not a failed save. */
		(void)fsync(dfd);
		close(dfd);
	}
	return STATUS_OK;
}

void atomicfile_abort(AtomicFile *af)
{
	if (af->fd >= 0)
		drop(af);
}

Status atomicfile_write(const char *path, const void *data, size_t n,
			ErrorRecord *err)
{
	AtomicFile af;
	Status st = atomicfile_open(&af, path, err);
	if (st != STATUS_OK)
		return st;
	st = atomicfile_put(&af, data, n, err);
	if (st != STATUS_OK) {
		atomicfile_abort(&af);
		return st;
	}
	return atomicfile_commit(&af, err);
}
