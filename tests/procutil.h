/* Real servers for the live tests (Prometheus, Alertmanager, vigil watch):
 * a free TCP port on 127.0.0.1, a program started with its output in
 * files, waited for by what it writes, and stopped. Shared by
 * tests/test_live_prom.c, tests/test_watch_am.c and tests/test_watch_csv.c.
 * Needs tests/testutil.h (tu_slurp) first. */
#ifndef VIGIL_TESTS_PROCUTIL_H
#define VIGIL_TESTS_PROCUTIL_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
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

/* Wait up to sec seconds until another process (vigil watch on a CSV
 * file) has read path again, opened and closed it, after what was written
 * to it before this call. The file's modification time moves on by a
 * microsecond first, so a poller that reads a file only when its size or
 * time changed reads it once more even when it had already read the
 * write; inotify reports the opens that follow that change (IN_MODIFY
 * for a new modification time), in order.
 * Nothing else may open path meanwhile. 1 when it was read. */
static inline int tu_wait_reread(const char *path, double sec)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	struct stat sb;
	if (fd < 0)
		return 0;
	if (inotify_add_watch(fd, path, IN_MODIFY | IN_ATTRIB | IN_OPEN |
					       IN_CLOSE_NOWRITE) < 0 ||
	    stat(path, &sb) != 0) {
		close(fd);
		return 0;
	}
	struct timespec t[2] = {{0, UTIME_OMIT}, sb.st_mtim};
	t[1].tv_nsec += 1000;
	if (t[1].tv_nsec >= 1000000000) {
		t[1].tv_sec++;
		t[1].tv_nsec -= 1000000000;
	}
	if (utimensat(AT_FDCWD, path, t, 0) != 0) {
		close(fd);
		return 0;
	}
	/* 0: our time change not yet seen, 1: seen, 2: opened after it */
	int state = 0, ms = (int)(sec * 1000);
	struct timespec now, end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (long)(ms % 1000) * 1000000;
	for (;;) {
		char buf[4096]
			__attribute__((aligned(__alignof__(struct inotify_event))));
		ssize_t n;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			for (char *p = buf; p < buf + n;) {
				const struct inotify_event *e =
					(const struct inotify_event *)p;
				if (state == 0 &&
				    (e->mask & (IN_MODIFY | IN_ATTRIB)))
					state = 1;
				else if (state == 1 && (e->mask & IN_OPEN))
					state = 2;
				else if (state == 2 &&
					 (e->mask & IN_CLOSE_NOWRITE)) {
					close(fd);
					return 1;
				}
				p += sizeof(*e) + e->len;
			}
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = (end.tv_sec - now.tv_sec) * 1000 +
			    (end.tv_nsec - now.tv_nsec) / 1000000;
		if (left <= 0)
			break;
		struct pollfd pf = {fd, POLLIN, 0};
		poll(&pf, 1, (int)left);
	}
	close(fd);
	return 0;
}

#endif
