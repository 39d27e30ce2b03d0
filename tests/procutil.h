/* Real servers for the live tests (Prometheus, Alertmanager, vigil watch):
 * a free TCP port on 127.0.0.1, a program started with its output in
 * files, waited for by what it writes, and stopped. Shared by
 * tests/test_live_prom.c, tests/test_watch_am.c and tests/test_watch_csv.c.
 * Needs tests/testutil.h (tu_slurp) first. */
#ifndef VIGIL_TESTS_PROCUTIL_H
#define VIGIL_TESTS_PROCUTIL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* A port nothing listens on now (bound and released), or -1. */
static inline int tu_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t l = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &l)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Start argv with stdout appended to out and stderr to errlog; returns
 * the pid. */
static inline pid_t tu_spawn(char *const argv[], const char *out,
			     const char *errlog)
{
	pid_t pid = fork();
	if (pid == 0) {
		FILE *o = freopen(out, "a", stdout);
		FILE *e = freopen(errlog, "a", stderr);
		(void)o;
		(void)e;
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* SIGTERM, wait up to 10 s, then SIGKILL; returns the exit status (-1
 * when killed or not started); *pid becomes 0. */
static inline int tu_stop(pid_t *pid)
{
	if (*pid <= 0)
		return -1;
	kill(*pid, SIGTERM);
	int st = 0;
	for (int i = 0; i < 100; i++) {
		if (waitpid(*pid, &st, WNOHANG) == *pid) {
			*pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		usleep(100000);
	}
	kill(*pid, SIGKILL);
	waitpid(*pid, &st, 0);
	*pid = 0;
	return -1;
}

/* The words a POSIX shell makes of the command line cmd (as sh -c runs it,
 * its first word replaced by a function that prints its arguments), one a
 * line, into out (tmp names a scratch file); sh's exit status. */
static inline int tu_shell_words(const char *cmd, const char *tmp, char *out,
				 size_t n)
{
	size_t len = strlen(cmd) + 64;
	char *script = malloc(len);
	if (!script)
		return -1;
	const char *rest = cmd + strcspn(cmd, " ");
	snprintf(script, len, "words() { printf '%%s\\n' \"$@\"; }; words%s",
		 rest);
	unlink(tmp);
	char *argv[] = {"sh", "-c", script, NULL};
	pid_t pid = tu_spawn(argv, tmp, "/dev/null");
	int st = 0;
	waitpid(pid, &st, 0);
	free(script);
	char *t = tu_slurp(tmp, NULL);
	snprintf(out, n, "%s", t ? t : "");
	free(t);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* How many times needle occurs in text. */
static inline int tu_count(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Wait up to sec seconds until path's content contains needle at least
 * times times (a program's log saying it is ready, say). */
static inline int tu_wait_file(const char *path, const char *needle,
			       int times, double sec)
{
	for (int i = 0; i < (int)(sec * 10); i++) {
		char *t = tu_slurp(path, NULL);
		int ok = t && tu_count(t, needle) >= times;
		free(t);
		if (ok)
			return 1;
		usleep(100000);
	}
	return 0;
}

#endif
