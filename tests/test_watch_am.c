/* vigil watch and a real Alertmanager (Debian's prometheus-alertmanager,
 * started on 127.0.0.1 at a free port with its data in a temporary folder,
 * and stopped): a firing alert stays firing between two of watch's polls,
 * however long the poll and however short Alertmanager's resolve_timeout.
 * The source is a CSV file whose last rows are an anomaly, so the alert is
 * open from the start and nothing else happens. Skipped without the
 * package.
 *
 * At stop, the alerts still queued (a failed post waiting for its retry)
 * go out if Alertmanager answers within 2 s, and a post to one that
 * never answers (a socket that listens, nothing more) does not hold the
 * stop beyond that: watch says how many alerts were not delivered.
 *
 * Every metric name and a --node name of 700 characters reach
 * Alertmanager (and stdout) whole. */
#include "tests/testutil.h"
#include "tests/procutil.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include "data/clock.h"
#include "data/prom.h"

/* 1 when Alertmanager lists a VigilAnomaly alert, 0 when not, -1 when it
 * does not answer; the listing goes into body. */
static int am_lists(int port, char *body, size_t n)
{
	char url[128];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v2/alerts", port);
	char *b = NULL;
	long code = 0;
	ErrorRecord err;
	if (prom_http_get(url, 5, &b, &code, &err) != STATUS_OK || code != 200) {
		free(b);
		return -1;
	}
	snprintf(body, n, "%s", b);
	int has = strstr(b, "VigilAnomaly") != NULL;
	free(b);
	return has;
}

/* Alertmanager resolves an alert it has not heard about for its
 * resolve_timeout (here 1 s). watch posted firing alerts without endsAt
 * and again only after a poll, so with --poll above the resolve_timeout
 * (a step of 5m against the default 5m, or a shorter resolve_timeout) the
 * alert was resolved and fired again at every poll: a notification each
 * time. */
/* In dir: tail.csv, 300 synthetic rows whose last 20 are +40 on every
 * metric (an alert open at the end), into path, and a small model of it
 * into model. */
static void tail_csv_and_model(const char *dir, char *path, size_t pn,
			       char *model, size_t mn)
{
	char out[16384];
	assert_int_equal(tu_run(out, sizeof(out),
				"%s synth -o %s --points 300 --seed 7",
				tu_vigil(), dir),
			 0);
	char src[512];
	snprintf(src, sizeof(src), "%s/synthetic.csv", dir);
	snprintf(path, pn, "%s/tail.csv", dir);
	snprintf(model, mn, "%s/m.model", dir);
	FILE *in = fopen(src, "r"), *f = fopen(path, "w");
	assert_true(in && f);
	char line[256];
	for (long r = -1; fgets(line, sizeof(line), in); r++) {
		char ts[32];
		double a, b, c;
		if (r >= 280) {
			assert_int_equal(sscanf(line, "%19[^,],%lf,%lf,%lf", ts,
						&a, &b, &c),
					 4);
			snprintf(line, sizeof(line), "%s,%.4f,%.4f,%.4f\n", ts,
				 a + 40, b + 40, c + 40);
		}
		fputs(line, f);
	}
	fclose(in);
	fclose(f);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s train %s --split 250 -o %s --epochs 3 "
				"--hidden 8 --quiet",
				tu_vigil(), path, model),
			 0);
}

/* Start Alertmanager (resolve_timeout 1s, no receiver) on port with its
 * data in dir and wait until it answers; its pid, or fail. */
static pid_t start_am(const char *dir, int port)
{
	char cfg[512], cfgarg[600], store[600], listen[64], log[512];
	snprintf(cfg, sizeof(cfg), "%s/am.yml", dir);
	tu_write(cfg, "global:\n  resolve_timeout: 1s\n"
		      "route:\n  receiver: \"null\"\n"
		      "receivers:\n  - name: \"null\"\n");
	snprintf(cfgarg, sizeof(cfgarg), "--config.file=%s", cfg);
	snprintf(store, sizeof(store), "--storage.path=%s/am", dir);
	snprintf(listen, sizeof(listen), "--web.listen-address=127.0.0.1:%d",
		 port);
	snprintf(log, sizeof(log), "%s/am.log", dir);
	char *am_argv[] = {"prometheus-alertmanager", cfgarg, store, listen,
			   "--cluster.listen-address=", "--log.level=warn",
			   NULL};
	pid_t am = tu_spawn(am_argv, log, log);
	char body[65536];
	int up = 0;
	for (int i = 0; i < 300 && !up; i++) {
		up = am_lists(port, body, sizeof(body)) >= 0;
		if (!up)
			usleep(100000);
	}
	if (!up) {
		tu_stop(&am);
		fail_msg("Alertmanager did not start");
	}
	return am;
}

#define NEED_AM()                                                             \
	do {                                                                  \
		if (system("command -v prometheus-alertmanager >/dev/null "   \
			   "2>&1")) {                                         \
			print_message("prometheus-alertmanager not "          \
				      "installed\n");                         \
			skip();                                               \
		}                                                             \
	} while (0)

static void test_firing_alert_held_between_polls(void **state)
{
	(void)state;
	NEED_AM();
	char dir[256], out[16384], path[512], model[512];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	tail_csv_and_model(dir, path, sizeof(path), model, sizeof(model));
	int port = tu_free_port();
	assert_true(port > 0);
	pid_t am = start_am(dir, port);
	char body[65536];

	char amurl[64], wout[512], werr[512];
	snprintf(amurl, sizeof(amurl), "http://127.0.0.1:%d", port);
	snprintf(wout, sizeof(wout), "%s/watch.out", dir);
	snprintf(werr, sizeof(werr), "%s/watch.err", dir);
	char *w_argv[] = {(char *)tu_vigil(), "watch",    path,    "--model",
			  model,              "--split",  "250",   "--poll",
			  "60",               "--alertmanager", amurl, NULL};
	pid_t w = tu_spawn(w_argv, wout, werr);
	int listed = 0;
	for (int i = 0; i < 300 && !listed; i++) {
		listed = am_lists(port, body, sizeof(body)) == 1;
		if (!listed)
			usleep(100000);
	}
	if (!listed) {
		char *e = tu_slurp(werr, NULL);
		tu_stop(&w);
		tu_stop(&am);
		fail_msg("Alertmanager never listed the alert: %s",
			 e ? e : "");
	}
	/* well past the resolve_timeout, well before the next poll */
	sleep(5);
	int still = am_lists(port, body, sizeof(body));
	char *o = tu_slurp(wout, NULL);
	int wrc = tu_stop(&w);
	tu_stop(&am);
	assert_non_null(o);
	assert_non_null(strstr(o, "\"event\": \"open\", \"type\": \"alert\""));
	assert_null(strstr(o, "\"event\": \"close\""));
	free(o);
	if (still != 1)
		fail_msg("the alert, still open in watch, was resolved by "
			 "Alertmanager between two polls: %s",
			 body);
	assert_int_equal(wrc, 0);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* Start vigil watch on the tail CSV (an alert open from the start, the
 * next poll a minute away) posting to Alertmanager at port; output in
 * dir/TAG.out and TAG.err (the latter's name into werr). */
static pid_t watch_tail(const char *dir, const char *path, const char *model,
			int port, const char *tag, char *werr, size_t n)
{
	char amurl[64], wout[512];
	snprintf(amurl, sizeof(amurl), "http://127.0.0.1:%d", port);
	snprintf(wout, sizeof(wout), "%s/%s.out", dir, tag);
	snprintf(werr, n, "%s/%s.err", dir, tag);
	char *w_argv[] = {(char *)tu_vigil(),  "watch", (char *)path,
			  "--model",           (char *)model, "--split",
			  "250",               "--poll",      "60",
			  "--alertmanager",    amurl,         NULL};
	return tu_spawn(w_argv, wout, werr);
}

/* An alert whose post failed (Alertmanager not up yet) waits for its
 * retry, after the next poll; watch stopped before it used to drop it
 * without a word. Now the queue has a last chance at stop, and
 * Alertmanager, up by then, lists the alert. */
static void test_queued_alert_delivered_at_stop(void **state)
{
	(void)state;
	NEED_AM();
	char dir[256], out[16384], path[512], model[512], werr[512];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	tail_csv_and_model(dir, path, sizeof(path), model, sizeof(model));
	int port = tu_free_port();
	assert_true(port > 0);
	pid_t w = watch_tail(dir, path, model, port, "queued", werr,
			     sizeof(werr));
	if (!tu_wait_file(werr, "retrying in 1 s", 1, 60)) {
		char *e = tu_slurp(werr, NULL);
		tu_stop(&w);
		fail_msg("the first post did not fail: %s", e ? e : "");
	}
	pid_t am = start_am(dir, port);
	char body[65536];
	int before = am_lists(port, body, sizeof(body));
	int wrc = tu_stop(&w);
	int after = am_lists(port, body, sizeof(body));
	tu_stop(&am);
	char *e = tu_slurp(werr, NULL);
	assert_non_null(e);
	assert_int_equal(before, 0);
	if (after != 1)
		fail_msg("the alert queued at stop never reached "
			 "Alertmanager: %s\nwatch's stderr:\n%s",
			 body, e);
	assert_null(strstr(e, "not delivered"));
	free(e);
	assert_int_equal(wrc, 0);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* An Alertmanager that takes the connection and never answers (here a
 * socket that listens and nothing more): a post waited 10 s for it, so
 * SIGTERM took that long to stop watch, and the alert was dropped without
 * a word. Now the stop cuts the post, gives the queue 2 s, and says how
 * many alerts were not delivered. */
static void test_hanging_alertmanager_does_not_hold_stop(void **state)
{
	(void)state;
	char dir[256], out[16384], path[512], model[512], werr[512];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	tail_csv_and_model(dir, path, sizeof(path), model, sizeof(model));
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t l = sizeof(a);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	pid_t w = watch_tail(dir, path, model, ntohs(a.sin_port), "hang",
			     werr, sizeof(werr));
	if (!tu_wait_file(werr, "polling every", 1, 60)) {
		tu_stop(&w);
		close(fd);
		fail_msg("watch did not start");
	}
	usleep(500000); /* the post is waiting for its answer */
	double t0 = clock_mono_seconds();
	kill(w, SIGTERM);
	int st = 0;
	while (waitpid(w, &st, WNOHANG) == 0 && clock_mono_seconds() - t0 < 30)
		usleep(20000);
	double took = clock_mono_seconds() - t0;
	if (took >= 30) {
		kill(w, SIGKILL);
		waitpid(w, &st, 0);
	}
	close(fd);
	char *e = tu_slurp(werr, NULL);
	assert_non_null(e);
	if (took > (tu_sanitized() ? 5.0 : 3.5) ||
	    !strstr(e, "alertmanager: 1 alert not delivered at "
				     "stop: "))
		fail_msg("stopped after %.1f s (2 s for the queue at most), "
			 "stderr:\n%s",
			 took, e);
	free(e);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* An alert over twelve metrics named as Prometheus names them, each
 * name 253 characters long: Alertmanager gets it with every name whole,
 * the three largest shares in top_metrics and the ten largest in the
 * shares annotation. The annotations were written into fixed buffers,
 * which cut each name in shares at 200 characters (and could cut the
 * whole JSON, which Alertmanager then refused). */
static void test_alert_over_many_long_named_metrics(void **state)
{
	(void)state;
	NEED_AM();
	char dir[256], out[16384], path[512], model[512], werr[512];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/many.csv", dir);
	snprintf(model, sizeof(model), "%s/many.model", dir);
	enum { M = 12 };
	char pad[121];
	memset(pad, 'x', 120);
	pad[120] = '\0';
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("timestamp", f);
	for (int m = 0; m < M; m++)
		fprintf(f,
			",\"node_metric_%02d{instance=\"\"web-%02d.example.com:"
			"9100\"\",job=\"\"node\"\",datacenter=\"\"eu-west-1\"\","
			"rack=\"\"r17\"\",service=\"\"checkout\"\",team=\"\""
			"payments\"\",description=\"\"%s\"\"}\"",
			m, m, pad);
	fputc('\n', f);
	for (int r = 0; r < 300; r++) {
		fprintf(f, "2022-01-01 %02d:%02d:00", r / 60, r % 60);
		for (int m = 0; m < M; m++)
			fprintf(f, ",%.4f",
				50 + 10 * sin(r / 10.0 + m) +
					((r * 7 + m * 13) % 11) / 10.0 +
					(r >= 280 ? 40 : 0));
		fputc('\n', f);
	}
	fclose(f);
	assert_int_equal(tu_run(out, sizeof(out),
				"%s train %s --split 250 -o %s --epochs 3 "
				"--hidden 8 --quiet",
				tu_vigil(), path, model),
			 0);
	int port = tu_free_port();
	assert_true(port > 0);
	pid_t am = start_am(dir, port);
	pid_t w = watch_tail(dir, path, model, port, "many", werr,
			     sizeof(werr));
	char body[65536];
	int listed = 0;
	for (int i = 0; i < 300 && !listed; i++) {
		listed = am_lists(port, body, sizeof(body)) == 1;
		if (!listed)
			usleep(100000);
	}
	int wrc = tu_stop(&w);
	tu_stop(&am);
	char *e = tu_slurp(werr, NULL);
	assert_non_null(e);
	if (!listed)
		fail_msg("Alertmanager never listed the alert: %s", e);
	cJSON *j = cJSON_Parse(body);
	assert_non_null(j);
	assert_int_equal(cJSON_GetArraySize(j), 1);
	cJSON *al = cJSON_GetArrayItem(j, 0);
	const char *top = cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetObjectItem(al, "labels"), "top_metrics"));
	const char *shares = cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetObjectItem(al, "annotations"), "shares"));
	assert_non_null(top);
	assert_non_null(shares);
	/* each name whole: its description to the end, then its share */
	char end[160];
	snprintf(end, sizeof(end), "description=\"%s\"}", pad);
	if (tu_count(top, end) != 3 || tu_count(shares, end) != 10 ||
	    tu_count(shares, "\"} ") != 10 || tu_count(shares, "%") != 10)
		fail_msg("names cut in the alert: top_metrics %s\nshares %s",
			 top, shares);
	cJSON_Delete(j);
	free(e);
	assert_int_equal(wrc, 0);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* A --node name of 700 characters (a long host name with its labels, say)
 * reaches stdout's JSON lines and Alertmanager's node label whole: it was
 * cut at 511 characters without a word (the default, a long query, too). */
static void test_long_node_name_whole(void **state)
{
	(void)state;
	NEED_AM();
	char dir[256], out[16384], path[512], model[512];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	tail_csv_and_model(dir, path, sizeof(path), model, sizeof(model));
	char node[701];
	for (int i = 0; i < 700; i++)
		node[i] = (char)('a' + i % 26);
	memcpy(node + 690, "-the-end.x", 10);
	node[700] = '\0';
	int port = tu_free_port();
	assert_true(port > 0);
	pid_t am = start_am(dir, port);
	char amurl[64], wout[512], werr[512];
	snprintf(amurl, sizeof(amurl), "http://127.0.0.1:%d", port);
	snprintf(wout, sizeof(wout), "%s/node.out", dir);
	snprintf(werr, sizeof(werr), "%s/node.err", dir);
	char *w_argv[] = {(char *)tu_vigil(), "watch", path, "--model", model,
			  "--split", "250", "--poll", "60", "--node", node,
			  "--alertmanager", amurl, NULL};
	pid_t w = tu_spawn(w_argv, wout, werr);
	char body[65536];
	int listed = 0;
	for (int i = 0; i < 300 && !listed; i++) {
		listed = am_lists(port, body, sizeof(body)) == 1;
		if (!listed)
			usleep(100000);
	}
	int wrc = tu_stop(&w);
	tu_stop(&am);
	char *o = tu_slurp(wout, NULL), *e = tu_slurp(werr, NULL);
	assert_non_null(o);
	assert_non_null(e);
	if (!listed)
		fail_msg("Alertmanager never listed the alert: %s", e);
	char want[800];
	snprintf(want, sizeof(want), "\"node\": \"%s\"", node);
	if (!strstr(o, want))
		fail_msg("stdout has not the node whole:\n%.2000s", o);
	cJSON *j = cJSON_Parse(body);
	assert_non_null(j);
	const char *label = cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "labels"),
		"node"));
	if (!label || strcmp(label, node))
		fail_msg("Alertmanager's node label is %zu characters, not "
			 "700: %s",
			 label ? strlen(label) : 0, label ? label : "(none)");
	cJSON_Delete(j);
	free(o);
	free(e);
	assert_int_equal(wrc, 0);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* The alert's 'vigil' annotation is a command line for a POSIX shell: a
 * source named with a ' (here the file it's tail.csv) is one word, read
 * back whole. It was put in single quotes as it was, so the shell read
 * 'vigil it' then s tail.csv... with the quote left open. */
static void test_command_annotation_quotes_the_source(void **state)
{
	(void)state;
	NEED_AM();
	char dir[256], out[16384], path[512], model[512], quoted[600];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	tail_csv_and_model(dir, path, sizeof(path), model, sizeof(model));
	snprintf(quoted, sizeof(quoted), "%s/it's tail.csv", dir);
	assert_int_equal(rename(path, quoted), 0);
	int port = tu_free_port();
	assert_true(port > 0);
	pid_t am = start_am(dir, port);
	char werr[512];
	pid_t w = watch_tail(dir, quoted, model, port, "quote", werr,
			     sizeof(werr));
	char body[65536];
	int listed = 0;
	for (int i = 0; i < 300 && !listed; i++) {
		listed = am_lists(port, body, sizeof(body)) == 1;
		if (!listed)
			usleep(100000);
	}
	int wrc = tu_stop(&w);
	tu_stop(&am);
	if (!listed) {
		char *e = tu_slurp(werr, NULL);
		fail_msg("Alertmanager never listed the alert: %s", e ? e : "");
	}
	cJSON *j = cJSON_Parse(body);
	assert_non_null(j);
	const char *cmd = cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "annotations"),
		"vigil"));
	assert_non_null(cmd);
	char words[2048], tmp[600], want[1400];
	snprintf(tmp, sizeof(tmp), "%s/words", dir);
	int rc = tu_shell_words(cmd, tmp, words, sizeof(words));
	/* then the model, by its absolute path, and the history's split */
	snprintf(want, sizeof(want), "%s\n--model\n%s\n--split\n250\n",
		 quoted, model);
	if (rc != 0 || strcmp(words, want) || strncmp(cmd, "vigil ", 6))
		fail_msg("the annotation %s reads in sh as (exit %d):\n%s",
			 cmd, rc, words);
	cJSON_Delete(j);
	assert_int_equal(wrc, 0);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_firing_alert_held_between_polls),
		cmocka_unit_test(test_queued_alert_delivered_at_stop),
		cmocka_unit_test(test_hanging_alertmanager_does_not_hold_stop),
		cmocka_unit_test(test_alert_over_many_long_named_metrics),
		cmocka_unit_test(test_long_node_name_whole),
		cmocka_unit_test(test_command_annotation_quotes_the_source),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
