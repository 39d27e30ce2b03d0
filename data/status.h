/* Status codes and error records shared by every module.
 *
 * One X-macro list gives both the enum and status_message(), so a new code
 * can never lack its text. Library code returns a Status and fills an
 * ErrorRecord naming the file, line and column and what was expected; only
 * ui/ prints. The exit code a command returns is derived with
 * status_exit_code(): 0 ok, 1 usage, 2 bad input, 3 internal. */
#ifndef VIGIL_STATUS_H
#define VIGIL_STATUS_H

#include <stddef.h>

#define STATUS_LIST(X)                                               \
	X(STATUS_OK, 0, "success")                                   \
	X(STATUS_USAGE, 1, "usage error")                            \
	X(STATUS_IO, 2, "cannot read or write a file")               \
	X(STATUS_PARSE, 2, "malformed input")                        \
	X(STATUS_EMPTY, 2, "no data")                                \
	X(STATUS_RANGE, 2, "value out of range")                     \
	X(STATUS_MISMATCH, 2, "input does not match the data")       \
	X(STATUS_FORMAT, 2, "unsupported file format or version")    \
	X(STATUS_CORRUPT, 2, "corrupted file")                       \
	X(STATUS_NOMEM, 3, "out of memory")                          \
	X(STATUS_INTERNAL, 3, "internal error")                      \
	X(STATUS_CANCELLED, 3, "cancelled")

typedef enum {
#define STATUS_ENUM(name, exit_code, text) name,
	STATUS_LIST(STATUS_ENUM)
#undef STATUS_ENUM
	STATUS_COUNT
} Status;

/* What went wrong, where. line and column are 1-based; 0 means unknown. */
typedef struct {
	char file[512];
	long line;
	long column;
	char message[512];
} ErrorRecord;

/* The fixed text of a status code. */
const char *status_message(Status s);

/* The process exit code for a status: 0, 1 (usage), 2 (bad input), 3. */
int status_exit_code(Status s);

/* Clear an error record (err may be NULL). */
void error_clear(ErrorRecord *err);

/* Fill err (may be NULL) and return s, so callers can write
 * `return error_set(err, STATUS_PARSE, path, line, col, "...", ...);`. */
Status error_set(ErrorRecord *err, Status s, const char *file, long line,
		 long column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Format err as "file:line:column: message" (parts that are unknown are
 * left out) into buf of size n. Returns buf. */
char *error_format(const ErrorRecord *err, char *buf, size_t n);

#endif
