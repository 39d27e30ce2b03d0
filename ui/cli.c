/* Error reporting and common option parsing for the subcommands. */
#include "ui/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char cli_series_help[] =
	"Dataset options:\n"
	"  --split N        the train part is the first N rows (CSV)\n"
	"  --train F        the train part is this fraction of the rows "
	"(default 0.5)\n"
	"  --interval SEC   sampling interval when the file has no timestamps "
	"(default 60)\n"
	"  --bearer-token-file F  Prometheus: send the token in F\n"
	"  --user USER:PASSWORD   Prometheus: basic auth\n"
	"  --tls            Prometheus: https (as prometheuss://)\n"
	"DATASET is a CSV file, a NAB file (several joined by ','), an SMD\n"
	"machine as PATH/ServerMachineDataset:machine-1-1, or a Prometheus\n"
	"range query: 'prometheus://HOST:PORT/?query=EXPR&start=T&end=T&step=S'\n"
	"(T: RFC 3339, epoch seconds, now or now-DURATION; S: 15s, 1m, ...).\n";

int cli_report(const char *cmd, Status s, const ErrorRecord *err)
{
	char buf[1200];
	if (err && (err->message[0] || err->file[0]))
		fprintf(stderr, "vigil %s: %s\n", cmd,
			error_format(err, buf, sizeof(buf)));
	else
		fprintf(stderr, "vigil %s: %s\n", cmd, status_message(s));
	return status_exit_code(s);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "vigil %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vigil %s --help'.\n", cmd);
	return 1;
}

int cli_parse_long(const char *text, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < 0)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_double(const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (errno || end == text || *end)
		return -1;
	*out = v;
	return 0;
}

int cli_series_option(const char *cmd, int argc, char **argv, int *i,
		      SeriesOptions *opt)
{
	const char *a = argv[*i];
	if (!strcmp(a, "--tls")) {
		opt->tls = 1;
		return 1;
	}
	if (strcmp(a, "--split") && strcmp(a, "--train") &&
	    strcmp(a, "--interval") && strcmp(a, "--bearer-token-file") &&
	    strcmp(a, "--user"))
		return 0;
	if (*i + 1 >= argc) {
		cli_usage_error(cmd, "%s needs a value", a);
		return -1;
	}
	const char *v = argv[++*i];
	if (!strcmp(a, "--bearer-token-file")) {
		opt->bearer_token_file = v;
	} else if (!strcmp(a, "--user")) {
		opt->user = v;
	} else if (!strcmp(a, "--split")) {
		long n;
		if (cli_parse_long(v, &n) || n <= 0) {
			cli_usage_error(cmd, "--split takes a row count, not '%s'",
					v);
			return -1;
		}
		opt->split_rows = n;
	} else if (!strcmp(a, "--train")) {
		double f;
		if (cli_parse_double(v, &f) || f <= 0 || f >= 1) {
			cli_usage_error(cmd,
					"--train takes a fraction in (0,1), "
					"not '%s'",
					v);
			return -1;
		}
		opt->train_fraction = f;
	} else {
		long n;
		if (cli_parse_long(v, &n) || n <= 0) {
			cli_usage_error(cmd,
					"--interval takes seconds, not '%s'", v);
			return -1;
		}
		opt->interval = n;
	}
	return 1;
}
