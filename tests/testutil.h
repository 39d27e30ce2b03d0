/* Helpers shared by the cmocka tests: where things are, temporary folders,
 * running the real binary and reading files back. Header-only so each test
 * stays one file. Tests run from the repository root. */
#ifndef VIGIL_TESTUTIL_H
#define VIGIL_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

/* The vigil binary under test ($VIGIL, or ./vigil). */
static inline const char *tu_vigil(void)
{
	const char *v = getenv("VIGIL");
	return v && *v ? v : "./vigil";
}

/* Nonzero when the tests run under the sanitizers (slower: keep sizes
 * small). */
static inline int tu_sanitized(void)
{
	const char *v = getenv("VIGIL_SANITIZED");
	return v && *v == '1';
}

/* ../shared/data when present, else NULL (tests using it then skip). */
static inline const char *tu_shared_data(void)
{
	static char path[4096];
	const char *env = getenv("VIGIL_SHARED_DATA");
	snprintf(path, sizeof(path), "%s", env && *env ? env : "../shared/data");
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return NULL;
	return path;
}

/* A fresh temporary folder (mkdtemp); the path is static per call site
 * buffer supplied by the caller. */
static inline char *tu_tmpdir(char *buf, size_t n)
{
	snprintf(buf, n, "/tmp/vigil-test-XXXXXX");
	return mkdtemp(buf);
}

/* A test file's scratch folder: tu_dir_setup makes it (a cmocka group
 * setup), tu_dir_teardown removes it with what the tests left there. */
static char tu_dir[64] __attribute__((unused));

static inline int tu_dir_setup(void **state)
{
	(void)state;
	return tu_tmpdir(tu_dir, sizeof(tu_dir)) ? 0 : -1;
}

static inline int tu_run(char *out, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline int tu_dir_teardown(void **state)
{
	(void)state;
	char out[256];
	tu_run(out, sizeof(out), "rm -rf '%s'", tu_dir);
	return 0;
}

/* Run a shell command, capture stdout+stderr (up to n-1 bytes) into out,
 * return its exit code (or -1). */
static inline int tu_run(char *out, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline int tu_run(char *out, size_t n, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	char full[8300];
	snprintf(full, sizeof(full), "( %s ) 2>&1", cmd);
	FILE *p = popen(full, "r");
	if (!p)
		return -1;
	size_t used = 0;
	if (out && n)
		out[0] = '\0';
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		if (out && used + 1 < n) {
			size_t take = got < n - 1 - used ? got : n - 1 - used;
			memcpy(out + used, chunk, take);
			used += take;
			out[used] = '\0';
		}
	}
	int st = pclose(p);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Read a whole file into a malloc'd NUL-terminated buffer (NULL on error). */
static inline char *tu_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)sz + 1);
	if (buf && fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[sz] = '\0';
		if (len)
			*len = (size_t)sz;
	}
	return buf;
}

/* Write text to a file; returns 0 on success. */
static inline int tu_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = strlen(text);
	int ok = fwrite(text, 1, n, f) == n;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* What a command line that runs the dashboard with --keys and --dump puts
 * before vigil: a terminal type and size of its own, since CI runs the
 * tests with no TERM at all (the dashboard refuses to start without one) */
#define TU_DASH_ENV "TERM=xterm-256color COLUMNS=80 LINES=24 "

/* The dashboard's first screen (80x24, no model, no keys) on the CSV text,
 * written to dir/NAME; env goes before the command (e.g. "LANG=C"). The
 * screen, to free; NULL when vigil failed. */
static inline char *tu_first_screen(const char *dir, const char *name,
				    const char *text, const char *env)
{
	char path[512], keys[512], dump[512], out[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(keys, sizeof(keys), "%s/keys", dir);
	snprintf(dump, sizeof(dump), "%s/screen.txt", dir);
	if (tu_write(path, text) || tu_write(keys, "") ||
	    tu_run(out, sizeof(out),
		   TU_DASH_ENV "%s %s %s --no-model --keys %s --dump %s",
		   env, tu_vigil(), path, keys, dump) != 0)
		return NULL;
	return tu_slurp(dump, NULL);
}

#endif
