/* vigil cache: what the model cache folder holds (each trained model and
 * its forecast, with their dataset, sizes and last use), and cleaning it,
 * all of it or by age and total size (engine/modelcache.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/modelcache.h"
#include "ui/cli.h"
#include "ui/commands.h"
#include "ui/escape.h"

static const char cache_help[] =
	"Usage: vigil cache [--cache-dir DIR]\n"
	"       vigil cache --clean [--older-than AGE] [--max-size SIZE]\n"
	"                   [--cache-dir DIR]\n"
	"\n"
	"List the cached models and forecasts: one line per trained model,\n"
	"with the sizes of the model and of its forecast, when it was last\n"
	"used and the dataset it was trained on. vigil train, detect, score\n"
	"and the dashboard keep them (vigil nab caches none) in\n"
	"$XDG_CACHE_HOME/vigil (else ~/.cache/vigil), keyed by a hash of the\n"
	"data and the options, and never write them beside the data unless\n"
	"--cache-dir names that folder.\n"
	"\n"
	"Options:\n"
	"  --clean            remove cached models with their forecasts (all of\n"
	"                     them, unless --older-than or --max-size is given)\n"
	"  --older-than AGE   with --clean: those not used for AGE: a number\n"
	"                     with s, m, h, d or w (no unit: days), e.g. 30d\n"
	"  --max-size SIZE    with --clean: then the least recently used until\n"
	"                     the rest holds at most SIZE: bytes, or a number\n"
	"                     with K, M or G (1024-based), e.g. 500M\n"
	"  --cache-dir DIR    the cache folder to list or clean\n"
	"  -h, --help         this help\n"
	"\n"
	"The dashboard's edit journals in the same folder are never removed.\n";

/* "30d", "12h", "90m", "45s", "2w", "7" (days) -> seconds; -1 if bad. */
static int64_t parse_age(const char *v)
{
	char *end;
	double x = strtod(v, &end);
	if (end == v || !(x >= 0) || x > 1e12)
		return -1;
	double unit = 86400;
	if (*end) {
		switch (*end) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		default: return -1;
		}
		if (end[1])
			return -1;
	}
	return (int64_t)(x * unit);
}

/* "1048576", "500K", "1.5M", "2G", "2GiB", "2GB" -> bytes; -1 if bad. */
static int64_t parse_size(const char *v)
{
	char *end;
	double x = strtod(v, &end);
	if (end == v || !(x >= 0) || x > 1e18)
		return -1;
	const char *u = end;
	double unit = 1;
	switch (*u) {
	case 'k': case 'K': unit = 1024.0; u++; break;
	case 'm': case 'M': unit = 1024.0 * 1024; u++; break;
	case 'g': case 'G': unit = 1024.0 * 1024 * 1024; u++; break;
	default: break;
	}
	if (strcmp(u, "") && strcmp(u, "B") && (unit == 1 || strcmp(u, "iB")))
		return -1;
	return (int64_t)(x * unit);
}

/* Bytes for people: "812 B", "19.4 KiB", "7.2 MiB", "1.1 GiB". */
static void fmt_bytes(uint64_t b, char *buf, size_t n)
{
	if (b < 1024) {
		snprintf(buf, n, "%llu B", (unsigned long long)b);
		return;
	}
	static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB"};
	double x = (double)b / 1024;
	int u = 0;
	while (x >= 1024 && u < 3) {
		x /= 1024;
		u++;
	}
	snprintf(buf, n, "%.1f %s", x, unit[u]);
}

static void fmt_when(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm) ||
	    !strftime(buf, n, "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, n, "?");
}

static void print_entry(const ModelCacheEntry *e, const char *verb)
{
	char model[32], fc[32], total[32], when[32];
	fmt_bytes(e->model_bytes, model, sizeof(model));
	if (e->forecast_bytes)
		fmt_bytes(e->forecast_bytes, fc, sizeof(fc));
	else
		snprintf(fc, sizeof(fc), "-");
	if (!e->model_bytes)
		snprintf(model, sizeof(model), "-");
	fmt_bytes(modelcache_entry_bytes(e), total, sizeof(total));
	fmt_when(e->last_used, when, sizeof(when));
	printf("%s%10s %10s %10s  %-16s  ", verb, model, fc, total, when);
	/* the dataset's path comes from outside (a downloaded file's
	   name): escaped, as everywhere it is printed */
	if (e->dataset[0]) {
		ui_escape_fputs(e->dataset, stdout);
	} else {
		printf("(dataset unknown: ");
		ui_escape_fputs(e->name, stdout);
		putchar(')');
	}
	if (e->rows && e->metrics)
		printf(" (%zu rows x %zu metric%s)", e->rows, e->metrics,
		       e->metrics == 1 ? "" : "s");
	putchar('\n');
}

int cmd_cache(int argc, char **argv)
{
	const char *dir_opt = NULL;
	int clean = 0;
	int64_t older = -1, max_size = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(cache_help, stdout);
			return 0;
		}
		if (!strcmp(a, "--clean")) {
			clean = 1;
			continue;
		}
		if (strcmp(a, "--older-than") && strcmp(a, "--max-size") &&
		    strcmp(a, "--cache-dir"))
			return cli_usage_error("cache", "unknown %s '%s'",
					       a[0] == '-' ? "option"
							   : "argument",
					       a);
		if (i + 1 >= argc)
			return cli_usage_error("cache", "%s needs a value", a);
		const char *v = argv[++i];
		if (!strcmp(a, "--cache-dir")) {
			dir_opt = v;
		} else if (!strcmp(a, "--older-than")) {
			if ((older = parse_age(v)) < 0)
				return cli_usage_error(
					"cache",
					"--older-than takes an age such as "
					"30d, 12h or 90m, not '%s'",
					v);
		} else if ((max_size = parse_size(v)) < 0) {
			return cli_usage_error("cache",
					       "--max-size takes a size such as "
					       "500M, 2G or 1048576, not '%s'",
					       v);
		}
	}
	if (!clean && (older >= 0 || max_size >= 0))
		return cli_usage_error("cache", "--older-than and --max-size "
						"go with --clean");

	char dir[4096];
	ErrorRecord err;
	error_clear(&err);
	Status st = modelcache_dir(dir_opt, 0, dir, sizeof(dir), &err);
	ModelCacheEntry *e = NULL;
	size_t n = 0;
	if (!st)
		st = modelcache_list(dir, &e, &n, &err);
	if (st)
		return cli_report("cache", st, &err);
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += modelcache_entry_bytes(&e[i]);
	char tb[32];
	fmt_bytes(total, tb, sizeof(tb));
	if (!clean) {
		printf("cache folder %s: %zu model%s, %s\n", dir, n,
		       n == 1 ? "" : "s", tb);
		if (n)
			printf("%10s %10s %10s  %-16s  %s\n", "model",
			       "forecast", "total", "last used", "dataset");
		for (size_t i = 0; i < n; i++)
			print_entry(&e[i], "");
		free(e);
		return cli_stdout_done("cache", 0);
	}
	int *rm = calloc(n ? n : 1, sizeof(int));
	if (!rm) {
		free(e);
		error_set(&err, STATUS_NOMEM, "", 0, 0, "out of memory");
		return cli_report("cache", STATUS_NOMEM, &err);
	}
	modelcache_select(e, n, (int64_t)time(NULL), older, max_size, rm);
	size_t removed = 0;
	uint64_t freed = 0;
	for (size_t i = 0; i < n && !st; i++) {
		if (!rm[i])
			continue;
		st = modelcache_remove(dir, &e[i], &err);
		if (st)
			break;
		print_entry(&e[i], "removed ");
		removed++;
		freed += modelcache_entry_bytes(&e[i]);
	}
	char fb[32], kb[32];
	fmt_bytes(freed, fb, sizeof(fb));
	fmt_bytes(total - freed, kb, sizeof(kb));
	printf("cache folder %s: removed %zu model%s (%s), kept %zu (%s)\n",
	       dir, removed, removed == 1 ? "" : "s", fb, n - removed, kb);
	free(rm);
	free(e);
	return cli_stdout_done("cache",
			       st ? cli_report("cache", st, &err) : 0);
}
