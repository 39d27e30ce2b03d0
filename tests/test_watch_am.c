/* vigil watch and a real Alertmanager (Debian's prometheus-alertmanager,
 * started on 127.0.0.1 at a free port with its data in a temporary folder,
 * and stopped): a firing alert stays firing between two of watch's polls,
 * however long the poll and however short Alertmanager's resolve_timeout.
 * The source is a CSV file whose last rows are an anomaly, so the alert is
 * open from the start and nothing else happens. Skipped without the
 * package. */
#include "tests/testutil.h"
#include "tests/procutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

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
static void test_firing_alert_held_between_polls(void **state)
{
	(void)state;
	if (system("command -v prometheus-alertmanager >/dev/null 2>&1")) {
		print_message("prometheus-alertmanager not installed\n");
		skip();
	}
	char dir[256], out[16384], path[512], model[512];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	assert_int_equal(tu_run(out, sizeof(out),
				"%s synth -o %s --points 300 --seed 7",
				tu_vigil(), dir),
			 0);
	/* the last 20 rows +40 on every metric: an alert open at the end */
	char src[512];
	snprintf(src, sizeof(src), "%s/synthetic.csv", dir);
	snprintf(path, sizeof(path), "%s/tail.csv", dir);
	snprintf(model, sizeof(model), "%s/m.model", dir);
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

	int port = tu_free_port();
	assert_true(port > 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_firing_alert_held_between_polls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
