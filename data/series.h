/* The Series: a machine's metrics over time, the type every module shares.
 *
 * Values are float, column-major: metric m's row r is values[m * rows + r].
 * The time axis is either explicit int64 timestamps (seconds since the epoch,
 * UTC) or a row index with a sampling interval starting at t0. The first
 * `split` rows are the train part, the rest the test part (the only part that
 * is scored). */
#ifndef VIGIL_SERIES_H
#define VIGIL_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "data/range.h"
#include "data/status.h"

/* The most metrics a dataset may have (README, Input formats): Exathlon's
 * 2,283 Spark metrics, the widest public benchmark, fit four times over;
 * a wider line is refused with its file, line and column before anything
 * is allocated for it, where a line of 100 MB of commas used to be read as
 * 100 million metrics and take gigabytes. */
#define SERIES_MAX_METRICS 10000

typedef enum {
	SERIES_CSV,
	SERIES_SMD,
	SERIES_NAB,
	SERIES_SYNTH,
	SERIES_PROM, /* a Prometheus range query (data/prom.h) */
	SERIES_PSM,  /* a folder holding train.csv and test.csv (eBay's PSM
			layout): train rows then test rows (data/psm.c) */
} SeriesKind;

typedef struct {
	size_t rows;
	size_t metrics;
	char **names;        /* owned: metrics strings */
	float *values;       /* owned: metrics * rows, column-major */
	int64_t *timestamps; /* owned, may be NULL: rows seconds (UTC) */
	int64_t t0;          /* start time when timestamps == NULL (0 = none) */
	int64_t interval;    /* sampling interval in seconds (median step) */
	int time_counter;    /* 1: a CSV file's time column counted steps
				(plain numbers below 10^8, not epoch
				seconds): left out, the row index is the
				time axis */
	int time_elapsed;    /* 1: the timestamps count from a start, not
				from the epoch (a time column whose numbers
				all stay below 10^8 s: PSM's minutes from
				0, seconds 0, 10, 20): shown as elapsed
				time, "+DDd HH:MM:SS" */
	char *axis_note;     /* owned, may be NULL: why the time axis is the
				row index although the files had times (a
				train.csv/test.csv folder whose test times
				do not continue the train's) */
	size_t split;        /* first test row; train is [0, split) */
	size_t filled;       /* missing cells that were filled */
	size_t stale_rows;   /* CSV rows left out because their time was not
				after the previous row's (only with
				SeriesOptions.skip_stale_times) */
	long stale_line;     /* the line of the last of them */
	size_t *first_value; /* owned, may be NULL: per metric, the first row
				that held a value in the file (the rows
				before it were back-filled from it); NULL
				when no metric was back-filled or the loader
				does not say (Prometheus) */
	SeriesKind kind;
	char *path;          /* owned: what was opened (file, or SMD dir) */
	char *machine;       /* owned, may be NULL: SMD machine name */
	char *label_path;    /* owned, may be NULL: the dataset's own labels
				(SMD test_label, NAB combined_windows.json,
				for a CSV file vigil's label CSV found next
				to it: FILE.labels.csv or labels.csv) */
	char *interp_path;   /* owned, may be NULL: SMD interpretation_label */
	char *label_column;  /* owned, may be NULL: a CSV file's column of 0
				and 1 named as labels (`label`, `is_anomaly`,
				...), kept out of the metrics; label_path is
				then the file itself (format `column`) unless
				a label file was found next to it */
	char *nab_key;       /* owned, may be NULL: NAB key "dir/file.csv";
				for several files, their keys joined by ',' */
} Series;

/* A running hash of a byte stream, fed in pieces of any length: the same
 * bytes give the same hash however they are cut (words of 8 bytes, the
 * bytes of a word not yet whole kept in pend). */
typedef struct {
	uint64_t h;
	uint64_t pend;
	unsigned npend;
} SeriesHash;

/* Where a CSV file was read up to, to read on from there as it grows
 * (vigil watch, --follow): filled by a load given it in
 * SeriesOptions.cursor (with complete_lines set), advanced by
 * series_csv_read_on. What tells "the same file, only longer": the same
 * device and inode, a size not smaller, the bytes of the last row read
 * (its line, and any left-out lines after it) where they were, and, when
 * the inode changed or the size did not while the time did, the hash of
 * every byte read. */
typedef struct {
	int ready;                  /* 1: filled by a load that succeeded */
	uint64_t dev, ino;          /* the file read */
	int64_t size, mtime_ns;     /* its size and time when last looked at */
	int64_t end;                /* bytes of the whole lines read */
	long line;                  /* the line that starts at end */
	int64_t row_start;          /* where the last row read starts */
	uint64_t row_hash;          /* hash of the bytes [row_start, end) */
	SeriesHash head;            /* hash of the bytes [0, end) */
	size_t rows;                /* rows read (those left out not counted) */
	size_t stale;               /* rows left out, their time not after the
				       row before's (skip_stale_times) */
	long stale_line;            /* the line of the last of them */
	/* the layout of the first read: the fields of a line, the time
	 * column, the columns that are no metric of the series */
	unsigned flags;
	size_t ncols;
	long tcol, line0;
	double tunit;
	int tnumber, keep_ts;
	char sep;
	size_t label_col;           /* raw metric index of the label column
				       taken out, or SIZE_MAX */
	int blank_dropped;          /* the last field, unnamed and empty, was
				       no column */
	int64_t last_t;             /* the last row's time as read */
} SeriesCsvCursor;

/* Options for loading a CSV or NAB file. Zero-initialise, then set. */
typedef struct {
	long split_rows;       /* > 0: train part is the first split_rows */
	double train_fraction; /* > 0: train part is this fraction */
	int64_t interval;      /* sampling interval without timestamps; 0 =
				  60 s */
	/* Prometheus sources (data/prom.h): */
	const char *bearer_token_file; /* borrowed, may be NULL: a file
					  holding the bearer token */
	const char *user;      /* borrowed, may be NULL: USER:PASSWORD for
				  basic auth */
	int tls;               /* 1: https for prometheus:// */
	int complete_lines;    /* 1: a CSV file's last line without its
				  newline is left out (a file being written:
				  the rest of the line is still to come) */
	int skip_stale_times;  /* 1: a CSV row whose time is not after the
				  previous row's is left out and counted in
				  Series.stale_rows, not refused (a file
				  being written: a sample written twice) */
	/* Progress of a CSV or NAB load, may be NULL: called from the
	 * loading thread with the bytes read so far and the file's size,
	 * at the start (0), after every MiB, and with done == total at the
	 * end of a load that succeeded. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx; /* borrowed: the progress function's */
	SeriesCsvCursor *cursor; /* borrowed, may be NULL: a CSV file's load
				    (one NAB file's too) fills it, to read
				    on with series_csv_read_on */
} SeriesOptions;

/* Nonzero when a column header names per-row labels: `label`, `labels`,
 * `is_anomaly`, `anomaly`, `anomaly_label`, `attack` or `is_attack` (any
 * case, blanks around). A generic CSV file's column so named that holds
 * only 0 and 1 is its labels (Series.label_column), not a metric. */
int series_label_name(const char *text);

/* 3 when p[0..n) starts with a UTF-8 byte order mark (a file saved by a
 * spreadsheet or pandas' utf-8-sig), which is no text; else 0. */
size_t series_bom_len(const char *p, size_t n);

/* Excel's separator line: when the line p[0..n) (without its '\n'; a '\r'
 * before it allowed) is `sep=X` (any case), X; else 0. The CSV readers skip
 * `sep=,` and refuse another separator by name. */
char series_sep_line(const char *p, size_t n);

/* A CSV file loaded with its label column kept among the metrics (to read
 * the labels from it: labels/labelfile.c, format `column`). Every cell of
 * the first column named as labels must be 0 or 1 (`True`/`False`): any
 * other, an empty cell included, is STATUS_PARSE with its line and
 * column. */
Status series_load_csv_labels(Series *s, const char *path, ErrorRecord *err);

void series_init(Series *s);
void series_free(Series *s);

/* The first metric from `from` on without a single value in the train part
 * [0, split) (every one of those rows back-filled from a test row, so the
 * train part holds a copy of a test value: nothing a model can learn), or
 * metrics when there is none (or the loader does not say: first_value
 * NULL). */
size_t series_untrained_metric(const Series *s, size_t from);

/* Value of metric m at row r. */
static inline float series_at(const Series *s, size_t m, size_t r)
{
	return s->values[m * s->rows + r];
}

/* Pointer to metric m's column (rows floats). */
static inline float *series_column(const Series *s, size_t m)
{
	return s->values + m * s->rows;
}

/* Time of row r in seconds (timestamps, or t0 + r * interval, the interval
 * taken as 60 s when unset). */
int64_t series_time(const Series *s, size_t r);

/* Row whose time is the first >= t (rows when none). */
size_t series_row_at_time(const Series *s, int64_t t);

/* Format row r's time as "YYYY-MM-DD HH:MM:SS" (UTC), as elapsed time
 * "+DDd HH:MM:SS" ("+HH:MM:SS" under a day) when the times count from a
 * start (time_elapsed), or the row index when the series has no time axis.
 * Returns buf. */
char *series_format_time(const Series *s, size_t r, char *buf, size_t n);

/* Allocate an empty rows x metrics series with names m01.. (values 0,
 * no timestamps, interval 60 s, split at half, kind SERIES_CSV). */
Status series_alloc(Series *s, size_t rows, size_t metrics, ErrorRecord *err);

/* Open any DATASET as the command line names it: a CSV file, a NAB file,
 * several NAB files joined by ',' (one node), PATH/ServerMachineDataset:M
 * (or PATH:M where PATH holds train/ and test/), or a Prometheus range
 * query prometheus://HOST:PORT/?query=... (data/prom.h). */
Status series_open(Series *s, const char *dataset, const SeriesOptions *opt,
		   ErrorRecord *err);

/* Generic CSV (DESIGN section 2), streamed: read twice in 1 MiB chunks,
 * parsed straight into the floats (peak memory about the floats), with
 * opt->progress told the bytes read. Nothing is half-loaded: on error *s
 * is left empty. */
Status series_load_csv(Series *s, const char *path, const SeriesOptions *opt,
		       ErrorRecord *err);

/* Append to s the rows of the whole lines written to path since c's read
 * (s is what that read gave, rows may have been dropped from it but its
 * last row is the last one read): the file is read from c->end only, with
 * the layout, line numbers and time order of the read before; a row whose
 * time is not after the row before is left out and counted in c->stale.
 * An unchanged file (size and time) is not opened. A file that shrank, or
 * is not the same file only longer (see SeriesCsvCursor), is
 * STATUS_MISMATCH saying so; bad input STATUS_PARSE with its line and
 * column. On error s and c are as they were. *added may be 0. */
Status series_csv_read_on(Series *s, SeriesCsvCursor *c, const char *path,
			  size_t *added, ErrorRecord *err);

/* SMD machine: dir holds train/, test/, test_label/, interpretation_label/. */
Status series_load_smd(Series *s, const char *dir, const char *machine,
		       ErrorRecord *err);

/* Several NAB files of one host joined on their common timestamps; each
 * metric is named after its file. */
Status series_load_nab(Series *s, const char *const *paths, size_t n,
		       const SeriesOptions *opt, ErrorRecord *err);

/* Parse a timestamp in one of the accepted forms into epoch seconds:
 * "YYYY-MM-DD HH:MM:SS[.ffffff]", "YYYY-MM-DDTHH:MM:SS[Z]" (seconds
 * optional; a UTC offset like +02:00 instead of Z is applied),
 * "YYYY-MM-DD", or epoch seconds. Returns 0 on success, -1 if
 * text is not a timestamp. */
int series_parse_time(const char *text, int64_t *out);

/* Nonzero when rows have wall-clock times (timestamps, or t0 != 0). */
int series_has_time(const Series *s);

/* Format epoch seconds t as "YYYY-MM-DD HH:MM:SS" (UTC) into buf. */
void series_time_string(int64_t t, char *buf, size_t n);

/* Format t seconds from a start as "+DDd HH:MM:SS" ("+HH:MM:SS" under a
 * day, "-" before the start) into buf. */
void series_elapsed_string(int64_t t, char *buf, size_t n);

/* Parse elapsed time as series_elapsed_string writes it, "[+][Dd ]HH:MM[:SS]"
 * (days optional, blanks around), into seconds. 0, or -1 when text is not
 * such a time. */
int series_parse_elapsed(const char *text, int64_t *out);

/* s as one shell word into buf (n bytes): as it is when every character
 * is plain (letters, digits, ._+-=@%:,/), else in single quotes, a quote
 * as '\''. 0, or -1 when it does not fit (buf is then not a word). */
int series_shell_word(const char *s, char *buf, size_t n);

/* The label file of vigil's format that belongs to the data file path
 * (FILE.labels.csv beside it, FILE without .csv: found first when the
 * file is opened, and where the dashboard saves a relabelling) into buf. */
void series_labels_csv_path(const char *path, char *buf, size_t n);

/* The labels a CSV data file at path has when it is opened (what
 * Series.label_path is then): FILE.labels.csv beside it, else a labels.csv
 * in its folder unless column (the file's own 0/1 column, then path
 * itself). Owned by the caller; NULL when there are none (or out of
 * memory). */
char *series_csv_label_path(const char *path, int column);

/* Nonzero when dir is a folder holding the files train.csv and test.csv
 * (eBay's PSM layout) and is not an SMD folder: one dataset. */
int series_is_psm_dir(const char *dir);

/* A train.csv/test.csv folder as one series: train.csv's rows, then
 * test.csv's, each read by series_load_csv; the split is train.csv's row
 * count (--split and --train are refused). Both files must have the same
 * metric columns in the same order. Test times that do not continue the
 * train's give the index axis (axis_note says why). Labels: vigil's label
 * CSV labels.csv in the folder, else test_label.csv (format `column`). */
Status series_load_psm(Series *s, const char *dir, const SeriesOptions *opt,
		       ErrorRecord *err);

/* "CSV", "SMD", "NAB", "synthetic". */
const char *series_kind_name(SeriesKind k);

/* The machines of an SMD folder (the M of each train/M.txt, sorted),
 * up to max of them into names; *n receives the total count. */
Status series_smd_machines(const char *dir, char (*names)[256], size_t max,
			   size_t *n, ErrorRecord *err);

#endif
