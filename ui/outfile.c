/* Atomic output files for the subcommands: see ui/outfile.h. */
#include "ui/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

Status outfile_open(OutFile *o, const char *path, ErrorRecord *err)
{
	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		return STATUS_OK;
	}
	if (strlen(path) >= sizeof(o->path))
		return error_set(err, STATUS_USAGE, path, 0, 0,
				 "output path too long");
	snprintf(o->path, sizeof(o->path), "%s", path);
	snprintf(o->tmp, sizeof(o->tmp), "%s.tmpXXXXXX", path);
	int fd = mkstemp(o->tmp);
	if (fd < 0)
		return error_set(err, STATUS_IO, path, 0, 0,
				 "cannot create a file beside it: %s",
				 strerror(errno));
	if (fchmod(fd, 0644) != 0) {
		/* keep mkstemp's 0600 */
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		int e = errno;
		close(fd);
		unlink(o->tmp);
		return error_set(err, STATUS_IO, path, 0, 0, "%s", strerror(e));
	}
	return STATUS_OK;
}

Status outfile_commit(OutFile *o, ErrorRecord *err)
{
	if (o->f == stdout) {
		o->f = NULL;
		if (fflush(stdout) != 0)
			return error_set(err, STATUS_IO, "<stdout>", 0, 0,
					 "cannot write: %s", strerror(errno));
		return STATUS_OK;
	}
	int bad = ferror(o->f) || fflush(o->f) != 0 || fsync(fileno(o->f)) != 0;
	int e = errno;
	if (fclose(o->f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	o->f = NULL;
	if (bad) {
		unlink(o->tmp);
		return error_set(err, STATUS_IO, o->path, 0, 0,
				 "cannot write: %s", strerror(e));
	}
	if (rename(o->tmp, o->path) != 0) {
		e = errno;
		unlink(o->tmp);
		return error_set(err, STATUS_IO, o->path, 0, 0,
				 "cannot rename into place: %s", strerror(e));
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", o->path);
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return STATUS_OK;
}

void outfile_abort(OutFile *o)
{
	if (o->f && o->f != stdout) {
		fclose(o->f);
		unlink(o->tmp);
	}
	o->f = NULL;
}
