/* Status texts, exit codes and the error record helpers. */
#include "data/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_texts[] = {
#define STATUS_TEXT(name, exit_code, text) text,
	STATUS_LIST(STATUS_TEXT)
#undef STATUS_TEXT
};

static const int status_exits[] = {
#define STATUS_EXIT(name, exit_code, text) exit_code,
	STATUS_LIST(STATUS_EXIT)
#undef STATUS_EXIT
};

const char *status_message(Status s)
{
	if ((int)s < 0 || s >= STATUS_COUNT)
		return "unknown status";
	return status_texts[s];
}

int status_exit_code(Status s)
{
	if ((int)s < 0 || s >= STATUS_COUNT)
		return 3;
	return status_exits[s];
}

void error_clear(ErrorRecord *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

Status error_set(ErrorRecord *err, Status s, const char *file, long line,
		 long column, const char *fmt, ...)
{
	if (!err)
		return s;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->column = column;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return s;
}

char *error_format(const ErrorRecord *err, char *buf, size_t n)
{
	size_t used = 0;
	if (n == 0)
		return buf;
	buf[0] = '\0';
	if (err->file[0]) {
		used += (size_t)snprintf(buf + used, n - used, "%s:", err->file);
		if (used < n && err->line > 0)
			used += (size_t)snprintf(buf + used, n - used, "%ld:",
						 err->line);
		if (used < n && err->line > 0 && err->column > 0)
			used += (size_t)snprintf(buf + used, n - used, "%ld:",
						 err->column);
		if (used < n)
			used += (size_t)snprintf(buf + used, n - used, " ");
	}
	if (used < n)
		snprintf(buf + used, n - used, "%s", err->message);
	return buf;
}
