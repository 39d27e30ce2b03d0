/* The streaming CSV loader against the whole-file loader it replaced
 * (tests/csv_oracle.h): the same series and the same error (status, file,
 * line, column, message) on thousands of random small files full of the
 * awkward cases (quotes, CR, NUL bytes, blank lines, wrong field counts,
 * bad numbers and times, a BOM), on files larger than its 1 MiB chunk and
 * with a line longer than it; then round trips of random floats, the
 * progress callback, and errors that leave nothing loaded. */
#include "tests/testutil.h"

#include <math.h>

#include "data/rng.h"
#include "data/series.h"
#include "data/series_internal.h"
#include "tests/csv_oracle.h"

static char tmp[64];

/* A private folder, in memory when /dev/shm is there (many small files
 * are written). */
static int setup(void **state)
{
	(void)state;
	if (access("/dev/shm", W_OK) == 0) {
		snprintf(tmp, sizeof(tmp), "/dev/shm/vigil-test-XXXXXX");
		if (mkdtemp(tmp))
			return 0;
	}
	return tu_tmpdir(tmp, sizeof(tmp)) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char out[256];
	tu_run(out, sizeof(out), "rm -rf '%s'", tmp);
	return 0;
}

/* A growing byte buffer for generated files. */
typedef struct {
	char *p;
	size_t n, cap;
} Buf;

static void put_bytes(Buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void put(Buf *b, const char *s)
{
	put_bytes(b, s, strlen(s));
}

static void write_buf(const char *path, const Buf *b)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b->p, 1, b->n, f), b->n);
	assert_int_equal(fclose(f), 0);
}

/* Prints the bytes of a failing input, escaped. */
static void show_input(const Buf *b)
{
	size_t lim = b->n < 4000 ? b->n : 4000;
	for (size_t i = 0; i < lim; i++) {
		unsigned char c = (unsigned char)b->p[i];
		if (c == '\n')
			print_message("\\n\n");
		else if (c >= 32 && c < 127)
			print_message("%c", c);
		else
			print_message("\\x%02x", c);
	}
	print_message("\n");
}

/* How the random files fared: loaded, or refused (by status). */
static size_t outcomes[STATUS_COUNT];

/* Loads path with both loaders and fails unless they agree exactly. */
static void same_result(const char *path, unsigned flags, const Buf *input)
{
	Series a, b;
	ErrorRecord ea, eb;
	SeriesOptions o = {0};
	Status sa = oracle_load_csv_flags(&a, path, &o, flags, &ea);
	Status sb = series_load_csv_flags(&b, path, &o, flags, &eb);
	int same = sa == sb;
	if (same && sa != STATUS_OK)
		same = ea.line == eb.line && ea.column == eb.column &&
		       !strcmp(ea.message, eb.message) &&
		       !strcmp(ea.file, eb.file);
	if (same && sa == STATUS_OK) {
		same = a.rows == b.rows && a.metrics == b.metrics &&
		       a.filled == b.filled && a.split == b.split &&
		       a.interval == b.interval && a.kind == b.kind &&
		       !memcmp(a.values, b.values,
			       a.rows * a.metrics * sizeof(float)) &&
		       !a.timestamps == !b.timestamps &&
		       (!a.timestamps ||
			!memcmp(a.timestamps, b.timestamps,
				a.rows * sizeof(int64_t))) &&
		       !strcmp(a.path, b.path);
		for (size_t m = 0; same && m < a.metrics; m++)
			same = !strcmp(a.names[m], b.names[m]);
	}
	if (!same) {
		show_input(input);
		char x[1200], y[1200];
		fail_msg("flags %u: whole-file loader: %d %s (%zu x %zu); "
			 "streaming: %d %s (%zu x %zu)",
			 flags, sa,
			 sa ? error_format(&ea, x, sizeof(x)) : "ok", a.rows,
			 a.metrics, sb,
			 sb ? error_format(&eb, y, sizeof(y)) : "ok", b.rows,
			 b.metrics);
	}
	outcomes[sb]++;
	if (sb != STATUS_OK) {
		assert_null(b.values);
		assert_int_equal(b.rows, 0);
	}
	series_free(&a);
	series_free(&b);
}

static int chance(Rng *r, int percent)
{
	return (int)rng_below(r, 100) < percent;
}

static const char *pick(Rng *r, const char *const *list, size_t n)
{
	return list[rng_below(r, n)];
}

/* A numeric-looking cell: mostly plain decimals, sometimes the forms at
 * the edge of the grammar or of a float; wild, also ones that are not
 * numbers. */
static void number_cell(Rng *r, char *out, size_t n, int wild)
{
	static const char *const odd[] = {
		".5", "5.", "+3", "-0", "0", "1e5", "2.5E+3", "1e-5", "1e-50",
		"3.4028235e38", "12345678901234567890123",
		"0.000000000000000000000000123", "1.00000005960464477539",
		/* not numbers: */
		"1e99", "-1e99", "1e", "1.5x", "-", ".", "inf", "0x10", "1,5"};
	size_t nodd = sizeof(odd) / sizeof(odd[0]);
	switch (rng_below(r, 6)) {
	case 0:
		snprintf(out, n, "%s", pick(r, odd, wild ? nodd : 13));
		break;
	case 1:
		snprintf(out, n, "%d", (int)rng_below(r, 2000) - 1000);
		break;
	case 2:
		snprintf(out, n, "%.9g", (rng_uniform(r) - 0.5) * 1e6);
		break;
	default:
		snprintf(out, n, "%.2f", rng_uniform(r) * 100);
		break;
	}
}

static void time_cell(Rng *r, int row, int wild, char *out, size_t n)
{
	int odd = wild ? 8 : 1;
	int step = chance(r, odd) ? -1 : chance(r, odd) ? 0 : 1;
	int sec = row * 60 + step * (int)rng_below(r, 30);
	switch (chance(r, odd) ? 3 : rng_below(r, 3)) {
	case 0:
		snprintf(out, n, "2022-01-01 %02d:%02d:%02d", sec / 3600 % 24,
			 sec / 60 % 60, sec % 60);
		break;
	case 1:
		snprintf(out, n, "2022-01-01T%02d:%02d:%02dZ", sec / 3600 % 24,
			 sec / 60 % 60, sec % 60);
		break;
	case 2:
		snprintf(out, n, "%d", 1700000000 + sec);
		break;
	default:
		snprintf(out, n, "%s", chance(r, 50) ? "2022-13-01 00:00:00"
						     : "yesterday");
		break;
	}
}

/* One cell's bytes, decorated: spaces, quotes, the rare broken quote,
 * NUL byte or lone CR. */
static void cell(Rng *r, Buf *b, int row, int is_time, int header, int wild)
{
	static const char *const missing[] = {"",	 "NaN", "nan", "null",
					      "NA",	 "n/a", "N/A", "NULL"};
	static const char *const names[] = {"cpu", "mem", "timestamp", "time",
					    "ts",  "",	  "a b", "value"};
	char text[160];
	if (header)
		snprintf(text, sizeof(text), "%s",
			 pick(r, names, sizeof(names) / sizeof(names[0])));
	else if (is_time && !chance(r, wild ? 5 : 1))
		time_cell(r, row, wild, text, sizeof(text));
	else if (chance(r, 12))
		snprintf(text, sizeof(text), "%s",
			 pick(r, missing, sizeof(missing) / sizeof(missing[0])));
	else
		number_cell(r, text, sizeof(text), wild);
	if (chance(r, 10))
		put(b, chance(r, 50) ? " " : "\t ");
	if (wild && chance(r, 8)) { /* quoted, maybe with a comma or newline */
		put(b, "\"");
		put(b, text);
		if (chance(r, 20))
			put(b, chance(r, 50) ? ",x" : "\n");
		if (chance(r, 10))
			put(b, "\"\"");
		if (!chance(r, 5))
			put(b, "\"");
		if (chance(r, 5))
			put(b, "x");
	} else {
		put(b, text);
		if (wild && chance(r, 2))
			put_bytes(b, chance(r, 50) ? "\0" : "\"", 1);
		if (wild && chance(r, 2))
			put(b, "\r");
	}
	if (chance(r, 10))
		put(b, chance(r, 50) ? "  " : "\t");
}

/* A random small CSV: a header or not, a time column or not, 1-4 columns,
 * 0-7 rows (or up to 40: past the first rows, which decide the layout),
 * with the line ends and the defects of real files. */
static void random_csv(Rng *r, Buf *b)
{
	b->n = 0;
	put(b, "");
	int wild = chance(r, 30);
	int cols = 1 + (int)rng_below(r, 4);
	int tcol = chance(r, 50) ? (int)rng_below(r, (uint64_t)cols) : -1;
	int rows = (int)rng_below(r, chance(r, 50) ? 8 : 40);
	int header = chance(r, 60);
	const char *eol = chance(r, 70) ? "\n" : chance(r, 70) ? "\r\n" : "\r";
	if (chance(r, 5))
		put(b, "\xEF\xBB\xBF");
	for (int row = -header; row < rows; row++) {
		if (wild && chance(r, 8))
			put(b, chance(r, 50) ? "\n" : " \t\r\n");
		int nf = cols;
		if (wild && chance(r, 5))
			nf += chance(r, 50) ? 1 : -1;
		for (int f = 0; f < nf; f++) {
			if (f)
				put(b, ",");
			cell(r, b, row, f == tcol, row < 0, wild);
		}
		if (row + 1 < rows || !chance(r, 15))
			put(b, eol);
	}
}

static void test_same_as_whole_file_loader_on_random_files(void **state)
{
	(void)state;
	Rng r;
	rng_seed(&r, 13);
	char path[128];
	snprintf(path, sizeof(path), "%s/r.csv", tmp);
	Buf b = {0};
	size_t n = tu_sanitized() ? 3000 : 30000;
	for (size_t i = 0; i < n; i++) {
		random_csv(&r, &b);
		write_buf(path, &b);
		same_result(path, 0, &b);
		same_result(path, SERIES_CSV_REPEATS, &b);
	}
	free(b.p);
	print_message("      %zu files x 2 flags: %zu loaded, %zu malformed, "
		      "%zu empty\n",
		      n, outcomes[STATUS_OK], outcomes[STATUS_PARSE],
		      outcomes[STATUS_EMPTY]);
	assert_true(outcomes[STATUS_OK] > n / 4);
	assert_true(outcomes[STATUS_PARSE] > n / 4);
}

/* Many rows crossing the chunk boundaries, a multi-line quoted cell,
 * CRLF and blank lines; then a file whose lines are each longer than a
 * chunk. */
static void test_same_as_whole_file_loader_on_large_files(void **state)
{
	(void)state;
	Rng r;
	rng_seed(&r, 5);
	char path[128];
	snprintf(path, sizeof(path), "%s/big.csv", tmp);
	Buf b = {0};
	put(&b, "timestamp,a,\"b\",c\n");
	for (int row = 0; b.n < (3u << 20) + 12345; row++) {
		char line[200];
		snprintf(line, sizeof(line), "%d,%.3f,%s,%d%s",
			 1600000000 + 60 * row, rng_uniform(&r) * 1000,
			 row % 1000 == 7	 ? "\"1.5\""
			 : row % 3001 == 5 ? ""
					   : "2.25",
			 row % 17, row % 501 == 3 ? "\r\n" : "\n");
		put(&b, line);
		if (row % 777 == 0)
			put(&b, "\n   \n");
	}
	write_buf(path, &b);
	same_result(path, 0, &b);
	/* a quoted cell over two lines makes the rest a text error */
	put(&b, "1900000000,\"1\n2\",3,4\n");
	write_buf(path, &b);
	same_result(path, 0, &b);

	/* lines longer than a chunk within SERIES_MAX_METRICS columns:
	   each cell led by 120 spaces (trimmed, as libcsv trims them) */
	b.n = 0;
	size_t cols = 9000;
	for (int row = 0; row < 4; row++) {
		for (size_t f = 0; f < cols; f++) {
			char v[160];
			snprintf(v, sizeof(v), "%s%120s%zu.%d", f ? "," : "", "",
				 f, row);
			put(&b, v);
		}
		put(&b, "\n");
	}
	assert_true(b.n > (1u << 20) * 2);
	write_buf(path, &b);
	same_result(path, 0, &b);
	free(b.p);
}

/* Random floats written with 9 significant digits come back exactly, and
 * so do their timestamps. */
static void test_round_trip(void **state)
{
	(void)state;
	Rng r;
	rng_seed(&r, 21);
	char path[128];
	snprintf(path, sizeof(path), "%s/rt.csv", tmp);
	size_t rows = tu_sanitized() ? 5000 : 60000, M = 5;
	float *want = malloc(rows * M * sizeof(float));
	assert_non_null(want);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "time,a,b,c,d,e\n");
	for (size_t i = 0; i < rows; i++) {
		fprintf(f, "%lld", 1500000000LL + 10 * (long long)i);
		for (size_t m = 0; m < M; m++) {
			float v;
			switch (m) {
			case 0: /* any finite float */
				do {
					uint32_t bits = (uint32_t)rng_next(&r);
					memcpy(&v, &bits, sizeof(v));
				} while (!isfinite(v));
				break;
			case 1:
				v = (float)rng_normal(&r);
				break;
			case 2:
				v = (float)(rng_uniform(&r) * 1e-30);
				break;
			default:
				v = (float)((rng_uniform(&r) - 0.5) * 1e6);
			}
			want[m * rows + i] = v;
			fprintf(f, ",%.9g", (double)v);
		}
		fputc('\n', f);
	}
	assert_int_equal(fclose(f), 0);
	Series s;
	ErrorRecord err;
	assert_int_equal(series_load_csv(&s, path, NULL, &err), STATUS_OK);
	assert_int_equal(s.rows, rows);
	assert_int_equal(s.metrics, M);
	assert_string_equal(s.names[4], "e");
	for (size_t k = 0; k < rows * M; k++)
		if (memcmp(&s.values[k], &want[k], sizeof(float)))
			fail_msg("value %zu: %.9g, wrote %.9g", k,
				 (double)s.values[k], (double)want[k]);
	for (size_t i = 0; i < rows; i++)
		assert_int_equal(s.timestamps[i], 1500000000LL + 10 * (long long)i);
	assert_int_equal(s.interval, 10);
	series_free(&s);
	free(want);
}

typedef struct {
	size_t calls, last_done, last_total, backwards;
} Progress;

static void on_progress(void *ctx, size_t done, size_t total)
{
	Progress *p = ctx;
	if (p->calls && done < p->last_done)
		p->backwards++;
	p->calls++;
	p->last_done = done;
	p->last_total = total;
}

/* Writes rows lines of 3 numbers (about 20 bytes a line); bad_row >= 0
 * puts a bad cell there. */
static void write_rows(const char *path, size_t rows, long bad_row)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "a,b,c\n");
	for (size_t i = 0; i < rows; i++)
		if ((long)i == bad_row)
			fprintf(f, "1,2,12.5kb\n");
		else
			fprintf(f, "%zu.5,%zu,0.25\n", i % 1000, i % 77);
	assert_int_equal(fclose(f), 0);
}

static void test_progress_reaches_the_end(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/p.csv", tmp);
	write_rows(path, 200000, -1);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	Progress p = {0};
	SeriesOptions o = {0};
	o.progress = on_progress;
	o.progress_ctx = &p;
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, path, &o, &err), STATUS_OK);
	assert_int_equal(s.rows, 200000);
	/* a start, one a MiB, the end */
	assert_true(p.calls >= 2 + (size_t)st.st_size / (1u << 20));
	assert_int_equal(p.backwards, 0);
	assert_int_equal(p.last_total, (size_t)st.st_size);
	assert_int_equal(p.last_done, (size_t)st.st_size);
	series_free(&s);
}

/* Cuts the file ctx names to the length after it when the parse pass
 * starts (the first progress call, 0 bytes done): the file shrinks between
 * the loader's two reads, as when a job truncates or rewrites it. */
typedef struct {
	const char *path;
	off_t cut;
	int cuts;
} Cutter;

static void cut_at_start(void *ctx, size_t done, size_t total)
{
	Cutter *c = ctx;
	(void)total;
	if (done == 0 && !c->cuts++)
		assert_int_equal(truncate(c->path, c->cut), 0);
}

/* A file cut (at a line end) between the count and the parse of its lines
 * is an error naming it; it loaded the rows that were left as if they were
 * the whole file (here 100,000 of 200,000), without a word. */
static void test_file_shrinking_while_read(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/shrink.csv", tmp);
	write_rows(path, 100000, -1);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	write_rows(path, 200000, -1); /* its first 100,000 rows are those */
	Cutter c = {path, st.st_size, 0};
	SeriesOptions o = {0};
	o.progress = cut_at_start;
	o.progress_ctx = &c;
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, path, &o, &err), STATUS_IO);
	assert_int_equal(c.cuts, 1);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.message, "changed while it was read"));
	assert_null(s.values);
	/* read again, the cut file is whole */
	assert_int_equal(series_open(&s, path, &o, &err), STATUS_OK);
	assert_int_equal(s.rows, 100000);
	series_free(&s);
}

/* An error near the end of a file of several chunks: the error names it
 * and nothing is loaded. */
static void test_errors_leave_nothing_loaded(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/e.csv", tmp);
	write_rows(path, 300000, 299990);
	Progress p = {0};
	SeriesOptions o = {0};
	o.progress = on_progress;
	o.progress_ctx = &p;
	Series s;
	ErrorRecord err;
	assert_int_equal(series_open(&s, path, &o, &err), STATUS_PARSE);
	assert_int_equal(err.line, 299992);
	assert_int_equal(err.column, 3);
	assert_non_null(strstr(err.message, "expected a number in column 'c', "
					    "found '12.5kb'"));
	assert_null(s.values);
	assert_null(s.names);
	assert_int_equal(s.rows, 0);
	assert_true(p.calls > 0);
	/* a wrong field count after it is the one reported, as before */
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fprintf(f, "1,2\n");
	assert_int_equal(fclose(f), 0);
	assert_int_equal(series_open(&s, path, &o, &err), STATUS_PARSE);
	assert_int_equal(err.line, 300002);
	assert_non_null(strstr(err.message, "expected 3 fields as on line 1, "
					    "found 2"));
	assert_null(s.values);
	/* and a quote that never closes comes before both */
	f = fopen(path, "a");
	assert_non_null(f);
	fprintf(f, "1,\"2,3\n");
	assert_int_equal(fclose(f), 0);
	assert_int_equal(series_open(&s, path, &o, &err), STATUS_PARSE);
	assert_int_equal(err.line, 300003);
	assert_non_null(strstr(err.message, "quoted field is never closed"));
	assert_null(s.values);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_whole_file_loader_on_random_files),
		cmocka_unit_test(test_same_as_whole_file_loader_on_large_files),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_progress_reaches_the_end),
		cmocka_unit_test(test_errors_leave_nothing_loaded),
		cmocka_unit_test(test_file_shrinking_while_read),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
