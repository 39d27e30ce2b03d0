/* make bench: the dashboard's time from key to finished frame at 200x60.
 * Replays a key script (browsing, zooming, jumps, relabelling with undo and
 * redo, scope, the comparison views, threshold moves) on one SMD machine
 * (../shared/data machine-1-2, or the bundled cut when it is absent) through
 * the real binary's --keys/--timing options, with the screen written to
 * /dev/null. Prints the median and the worst; the target is 10 ms a key.
 * The model comes from the cache (trained once, not timed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char script[] =
	"<wait>"
	"jjjjjkkkllllllllhhhh++++----HHLLLnnnNNN]]][[[ffFF"
	"m llllllll m a u <C-r> u x u"
	"<Tab> jj kk llll ++ -- nn <Tab>"
	"c <Esc> o <Esc> ? <Esc>"
	"t >>>> <<<< <Esc> <Tab> t >> << <Esc> <Tab>"
	"gG gG y y"
	"jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjkkkkkkkkkkkkkkkkkkkk";

int main(void)
{
	const char *vigil = getenv("VIGIL");
	if (!vigil || !*vigil)
		vigil = "./vigil";
	char dataset[1024];
	struct stat st;
	if (stat("../shared/data/smd/ServerMachineDataset/test/machine-1-2.txt",
		 &st) == 0)
		snprintf(dataset, sizeof(dataset),
			 "../shared/data/smd/ServerMachineDataset:machine-1-2");
	else
		snprintf(dataset, sizeof(dataset),
			 "data/samples/smd-cut/ServerMachineDataset:machine-1-2");
	char keys[] = "/tmp/vigil-bench-ui-XXXXXX";
	int fd = mkstemp(keys);
	if (fd < 0 || write(fd, script, strlen(script)) !=
			      (ssize_t)strlen(script)) {
		perror("bench_ui");
		return 1;
	}
	close(fd);
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "COLUMNS=200 LINES=60 TERM=xterm-256color LANG=C.UTF-8 %s "
		 "'%s' --keys %s --timing 2>&1 >/dev/null",
		 vigil, dataset, keys);
	printf("bench_ui: %s (model trained on the first run, then "
	       "cached)\n",
	       dataset);
	fflush(stdout);
	FILE *p = popen(cmd, "r");
	if (!p) {
		perror("bench_ui");
		unlink(keys);
		return 1;
	}
	char line[512];
	int got = 0;
	while (fgets(line, sizeof(line), p)) {
		if (!strncmp(line, "keys ", 5)) {
			printf("bench_ui: key to frame at 200x60: %s", line + 5);
			got = 1;
		} else {
			fputs(line, stdout);
		}
	}
	int rc = pclose(p);
	unlink(keys);
	if (!got || rc != 0) {
		printf("bench_ui: the dashboard did not report timings "
		       "(exit %d)\n",
		       rc);
		return 1;
	}
	printf("bench_ui: target <= 10 ms per key (median and worst)\n");
	return 0;
}
