/* Atomic output files for the subcommands: see ui/outfile.h. */
#include "ui/outfile.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

Status outfile_open(OutFile *o, const char *path, ErrorRecord *err)
{
	memset(o, 0, sizeof(*o));
	o->af.fd = -1;
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		o->is_stdout = 1;
		return STATUS_OK;
	}
	Status st = atomicfile_open(&o->af, path, err);
	if (st != STATUS_OK)
		return st;
	o->f = atomicfile_stream(&o->af);
	if (!o->f) {
		int e = errno;
		atomicfile_abort(&o->af);
		return error_set(err, STATUS_IO, path, 0, 0, "%s", strerror(e));
	}
	return STATUS_OK;
}

Status outfile_commit(OutFile *o, ErrorRecord *err)
{
	if (o->is_stdout) {
		o->f = NULL;
		if (fflush(stdout) != 0)
			return error_set(err, STATUS_IO, "<stdout>", 0, 0,
					 "cannot write: %s", strerror(errno));
		return STATUS_OK;
	}
	o->f = NULL;
	return atomicfile_commit(&o->af, err);
}

void outfile_abort(OutFile *o)
{
	if (!o->is_stdout)
		atomicfile_abort(&o->af);
	o->f = NULL;
}

Status outfile_check(const char *path, ErrorRecord *err)
{
	struct stat st;
	if (!path || !strcmp(path, "-") ||
	    (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	     !S_ISDIR(st.st_mode)))
		return STATUS_OK;
	AtomicFile af;
	Status s = atomicfile_open(&af, path, err);
	if (s == STATUS_OK)
		atomicfile_abort(&af);
	return s;
}

int outfile_is_stdout(const char *path)
{
	if (!path || !strcmp(path, "-"))
		return 1;
	struct stat a, b;
	return stat(path, &a) == 0 && fstat(STDOUT_FILENO, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}
