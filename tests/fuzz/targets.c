/* The fuzz targets (see targets.h). Each writes the input to a file in a
 * private temporary folder and hands the path to the real loader, so the
 * whole read path (fileio, then the parser) is exercised; what the loader
 * returns is checked only for consistency, since any status is a valid
 * answer to arbitrary bytes. */
#include "tests/fuzz/targets.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/series.h"
#include "engine/model.h"
#include "labels/detfile.h"
#include "labels/labelfile.h"
#include "labels/labelset.h"
#include "labels/score.h"
#include "tests/csv_oracle.h"
#include "ui/dash/journal.h"
#include "ui/dash/labels_ui.h"
#include "ui/pipeline.h"

static char dir[64];

/* Removes the private folder at exit (its files and the SMD folders). */
static void remove_tmp(void)
{
	static const char *const names[] = {
		"smd/train/m.txt", "smd/test/m.txt", "smd/train", "smd/test",
		"smd", "data.csv", "nab.csv", "interp.txt", "test_label.txt",
		"labels.csv", "label_column.csv", "combined_windows.json",
		"detections.csv",
		"m.model", "journal.log", "psm/train.csv", "psm/test.csv",
		"psm/labels.csv", "psm/test_label.csv", "psm"};
	char path[160];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (unlink(path) != 0)
			rmdir(path);
	}
	rmdir(dir);
}

/* The private folder (created on first use) and path name inside it. */
static const char *tmp_path(const char *name)
{
	static char path[160];
	if (!dir[0]) {
		const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
								 : "/tmp";
		snprintf(dir, sizeof(dir), "%s/vigil-fuzz-XXXXXX", base);
		if (!mkdtemp(dir))
			abort();
		atexit(remove_tmp);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void write_file(const char *path, const uint8_t *d, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(d, 1, n, f) != n || fclose(f) != 0)
		abort();
}

/* A loaded series must be whole: names, values and a split inside it. */
static void check_series(const Series *s)
{
	if (s->rows == 0 || s->metrics == 0 || !s->values || !s->names ||
	    s->split > s->rows)
		abort();
	for (size_t m = 0; m < s->metrics; m++)
		if (!s->names[m])
			abort();
}

/* The streaming CSV loader, checked against the whole-file loader it
 * replaced (tests/csv_oracle.h): the same status, the same error (line,
 * column, message), the same series bit for bit. */
static int run_csv(const uint8_t *d, size_t n)
{
	const char *p = tmp_path("data.csv");
	write_file(p, d, n);
	Series s, o;
	ErrorRecord err, oerr;
	Status st = series_load_csv(&s, p, NULL, &err);
	Status ost = oracle_load_csv_flags(&o, p, NULL, 0, &oerr);
	/* the oracle predates the cap of SERIES_MAX_METRICS: a wider file
	   is refused by the loader (at its first field too many), whatever
	   the oracle made of it */
	if (st != STATUS_OK &&
	    strstr(err.message, "vigil reads at most") &&
	    (ost != STATUS_OK || o.metrics > SERIES_MAX_METRICS)) {
		series_free(&s);
		series_free(&o);
		return 0;
	}
	if (ost == STATUS_OK && o.metrics > SERIES_MAX_METRICS)
		abort();
	if (st != ost)
		abort();
	if (st != STATUS_OK &&
	    (err.line != oerr.line || err.column != oerr.column ||
	     strcmp(err.message, oerr.message) || s.values))
		abort();
	if (st == STATUS_OK) {
		check_series(&s);
		if (s.rows != o.rows || s.metrics != o.metrics ||
		    s.filled != o.filled || s.split != o.split ||
		    s.interval != o.interval || !s.timestamps != !o.timestamps ||
		    memcmp(s.values, o.values,
			   s.rows * s.metrics * sizeof(float)) ||
		    (s.timestamps &&
		     memcmp(s.timestamps, o.timestamps,
			    s.rows * sizeof(int64_t))))
			abort();
		for (size_t m = 0; m < s.metrics; m++)
			if (strcmp(s.names[m], o.names[m]))
				abort();
	}
	series_free(&s);
	series_free(&o);
	return 0;
}

static int run_nab(const uint8_t *d, size_t n)
{
	const char *p = tmp_path("nab.csv");
	write_file(p, d, n);
	Series s;
	ErrorRecord err;
	if (series_load_nab(&s, &p, 1, NULL, &err) == STATUS_OK)
		check_series(&s);
	series_free(&s);
	return 0;
}

/* An SMD folder whose test file is the input (the train file is two
 * valid rows of as many fields as the input's first line, so the two
 * agree often enough to reach the value parser). */
static int run_smd(const uint8_t *d, size_t n)
{
	char root[200];
	snprintf(root, sizeof(root), "%s", tmp_path("smd"));
	static int made;
	char sub[260];
	if (!made) {
		mkdir(root, 0700);
		snprintf(sub, sizeof(sub), "%s/train", root);
		mkdir(sub, 0700);
		snprintf(sub, sizeof(sub), "%s/test", root);
		mkdir(sub, 0700);
		made = 1;
	}
	size_t fields = 1;
	for (size_t i = 0; i < n && d[i] != '\n'; i++)
		fields += d[i] == ',';
	if (fields > 64)
		fields = 64;
	char train[2 * 64 * 2 + 4];
	size_t o = 0;
	for (int r = 0; r < 2; r++)
		for (size_t f = 0; f < fields; f++) {
			train[o++] = (char)('1' + r);
			train[o++] = f + 1 < fields ? ',' : '\n';
		}
	snprintf(sub, sizeof(sub), "%s/train/m.txt", root);
	write_file(sub, (const uint8_t *)train, o);
	snprintf(sub, sizeof(sub), "%s/test/m.txt", root);
	write_file(sub, d, n);
	Series s;
	ErrorRecord err;
	if (series_load_smd(&s, root, "m", &err) == STATUS_OK)
		check_series(&s);
	series_free(&s);
	return 0;
}

/* A train.csv/test.csv folder (eBay's PSM layout, series_load_psm): the
 * input up to its first line "--" is train.csv, the rest test.csv (no
 * such line: the same text in both, so columns and times agree often
 * enough to reach the joining). */
static int run_psm(const uint8_t *d, size_t n)
{
	char root[200], path[260];
	snprintf(root, sizeof(root), "%s", tmp_path("psm"));
	mkdir(root, 0700);
	size_t cut = n, rest = 0;
	for (size_t i = 0; i + 2 < n; i++)
		if ((i == 0 || d[i - 1] == '\n') && d[i] == '-' &&
		    d[i + 1] == '-' && d[i + 2] == '\n') {
			cut = i;
			rest = i + 3;
			break;
		}
	snprintf(path, sizeof(path), "%s/train.csv", root);
	write_file(path, d, cut);
	snprintf(path, sizeof(path), "%s/test.csv", root);
	if (rest)
		write_file(path, d + rest, n - rest);
	else
		write_file(path, d, n);
	Series s;
	ErrorRecord err;
	SeriesOptions opt = {0};
	if (series_load_psm(&s, root, &opt, &err) == STATUS_OK) {
		check_series(&s);
		if (s.split == 0 || s.split >= s.rows)
			abort(); /* train rows, then at least one test row */
	}
	series_free(&s);
	return 0;
}

/* The series labels are read against: the SMD sample machine (300 train
 * and 300 test rows, 38 metrics) and the NAB sample file (timestamps). */
static const Series *smd_series(void)
{
	static Series s;
	static int loaded;
	if (!loaded) {
		ErrorRecord err;
		if (series_load_smd(&s,
				    "data/samples/smd-cut/ServerMachineDataset",
				    "machine-1-2", &err) != STATUS_OK) {
			fprintf(stderr, "fuzz: run from the repository root "
					"(%s)\n",
				err.message);
			abort();
		}
		loaded = 1;
	}
	return &s;
}

static const Series *nab_series(void)
{
	static Series s;
	static int loaded;
	if (!loaded) {
		ErrorRecord err;
		const char *p = "data/samples/nab/realAWSCloudwatch/"
				"ec2_network_in_257a54.csv";
		if (series_load_nab(&s, &p, 1, NULL, &err) != STATUS_OK) {
			fprintf(stderr, "fuzz: run from the repository root "
					"(%s)\n",
				err.message);
			abort();
		}
		loaded = 1;
	}
	return &s;
}

/* Read the input as labels of format f against s; a label set read must
 * stay inside the series. */
static int run_labels(const uint8_t *d, size_t n, const Series *s,
		      LabelFormat f, const char *name)
{
	const char *p = tmp_path(name);
	write_file(p, d, n);
	LabelSet ls;
	ErrorRecord err;
	if (labelfile_read(&ls, s, p, f, &err) == STATUS_OK) {
		for (size_t m = 0; m <= s->metrics; m++) {
			const RangeSet *rs = labelset_get(
				&ls, m == s->metrics ? LABEL_NODE : m);
			for (size_t i = 0; rs && i < rs->n; i++)
				if (rs->v[i].r.start < 0 ||
				    rs->v[i].r.start >= rs->v[i].r.end ||
				    rs->v[i].r.end > (int64_t)s->rows)
					abort();
		}
		labelset_free(&ls);
	}
	return 0;
}

static int run_interp(const uint8_t *d, size_t n)
{
	return run_labels(d, n, smd_series(), LABEL_FORMAT_INTERP,
			  "interp.txt");
}

static int run_test_label(const uint8_t *d, size_t n)
{
	return run_labels(d, n, smd_series(), LABEL_FORMAT_SMD,
			  "test_label.txt");
}

static int run_label_csv(const uint8_t *d, size_t n)
{
	return run_labels(d, n, smd_series(), LABEL_FORMAT_CSV, "labels.csv");
}

static int run_label_column(const uint8_t *d, size_t n)
{
	return run_labels(d, n, smd_series(), LABEL_FORMAT_COLUMN,
			  "label_column.csv");
}

/* A ScoreBoard's every table must equal a from-scratch score_compute of
 * the same labels: the incremental rescoring of runs of touching ranges
 * checked against the whole. */
static void check_board(const ScoreBoard *sb, const LabelSet *ls,
			const Detection *dets, size_t nd, const Series *s)
{
	for (size_t m = 0; m <= s->metrics; m++) {
		size_t u = m == s->metrics ? LABEL_NODE : m;
		Detection unit[64];
		size_t k = 0;
		for (size_t i = 0; i < nd; i++)
			if (dets[i].metric == u)
				unit[k++] = dets[i];
		ScoreTable a, b;
		ErrorRecord err;
		score_board_get(sb, u, &a);
		if (score_compute(labelset_get(ls, u), unit, k, s->split,
				  s->rows, &b, &err) != STATUS_OK)
			abort();
		for (int r = 0; r < SCORE_RULES; r++)
			for (int f = 0; f < SCORE_FILTERS; f++) {
				const ScoreCell *x = &a.cell[r][f];
				const ScoreCell *y = &b.cell[r][f];
				if (x->tp != y->tp || x->fp != y->fp ||
				    x->fn != y->fn || x->tp < 0 || x->fp < 0 ||
				    x->fn < 0)
					abort();
			}
	}
}

/* A label CSV read as the dashboard reads it with --follow
 * (labelfile_read_ahead: ranges may end past the rows read) against the
 * smd-cut machine, then scored as the dashboard scores it: a ScoreBoard
 * over fixed detections of m01, m02 and the node, checked against
 * score_compute. The input up to a line "--" is the label CSV; each 4
 * bytes after it are an edit (kind, set, start, length; start and length
 * in steps of 3 rows from row 290, so edits reach touching ranges, the
 * split and past the last row), the board updated and checked after each
 * as the dashboard updates it. */
static int run_label_csv_ahead(const uint8_t *d, size_t n)
{
	size_t cut = n, rest = n;
	for (size_t i = 0; i + 2 < n; i++)
		if ((i == 0 || d[i - 1] == '\n') && d[i] == '-' &&
		    d[i + 1] == '-' && d[i + 2] == '\n') {
			cut = i;
			rest = i + 3;
			break;
		}
	const Series *s = smd_series();
	const char *p = tmp_path("labels.csv");
	write_file(p, d, cut);
	LabelSet ls;
	ErrorRecord err;
	if (labelfile_read_ahead(&ls, s, p, LABEL_FORMAT_CSV, &err) !=
	    STATUS_OK)
		return 0;
	for (size_t m = 0; m <= s->metrics; m++) {
		const RangeSet *rs =
			labelset_get(&ls, m == s->metrics ? LABEL_NODE : m);
		for (size_t i = 0; rs && i < rs->n; i++)
			if (rs->v[i].r.start < 0 ||
			    rs->v[i].r.start >= rs->v[i].r.end ||
			    (i && rs->v[i].r.start < rs->v[i - 1].r.end))
				abort();
	}
	Detection dets[3 * 8];
	size_t nd = 0;
	const size_t units[3] = {0, 1, LABEL_NODE};
	for (size_t u = 0; u < 3; u++)
		for (int k = 0; k < 8; k++)
			dets[nd++] = (Detection){
				.r = {295 + 40 * k + 3 * (int64_t)u,
				      310 + 40 * k + 5 * (int64_t)u},
				.metric = units[u],
				.crit = (Criticality)(1 + k % 3),
				.peak = 1.0f};
	ScoreBoard *sb = NULL;
	if (score_board_new(&sb, &ls, dets, nd, s->split, s->rows, &err) !=
	    STATUS_OK)
		abort();
	check_board(sb, &ls, dets, nd, s);
	for (size_t i = rest; i + 4 <= n; i += 4) {
		size_t set = d[i + 1] % 3 == 2 ? LABEL_NODE : d[i + 1] % 3;
		int64_t a = 290 + 3 * (int64_t)d[i + 2];
		Range r = {a, a + 1 + 3 * (int64_t)(d[i + 3] % 32)};
		LabelChange chg;
		Status st = STATUS_OK;
		int done = 1;
		switch (d[i] % 6) {
		case 0:
			st = labelset_mark(&ls, set, r, NULL, &chg, &err);
			break;
		case 1:
			st = labelset_unmark(&ls, set, r, &chg, &err);
			break;
		case 2:
			st = labelset_split(&ls, set, a, &chg, &err);
			break;
		case 3:
			st = labelset_resize(&ls, set, a, r, &chg, &err);
			break;
		case 4:
			done = labelset_undo(&ls, &chg) == 1;
			break;
		default:
			done = labelset_redo(&ls, &chg) == 1;
			break;
		}
		if (st == STATUS_OK && done)
			score_board_update_after_edit(sb, &chg);
		check_board(sb, &ls, dets, nd, s);
	}
	score_board_delete(sb);
	labelset_free(&ls);
	return 0;
}

static int run_nab_windows(const uint8_t *d, size_t n)
{
	return run_labels(d, n, nab_series(), LABEL_FORMAT_NAB,
			  "combined_windows.json");
}

static int run_detections(const uint8_t *d, size_t n)
{
	const char *p = tmp_path("detections.csv");
	write_file(p, d, n);
	const Series *s = smd_series();
	Detection *v = NULL;
	size_t nv = 0;
	ErrorRecord err;
	if (detfile_read(p, s, &v, &nv, &err) == STATUS_OK)
		for (size_t i = 0; i < nv; i++)
			if (v[i].r.start < 0 || v[i].r.start >= v[i].r.end ||
			    v[i].r.end > (int64_t)s->rows)
				abort();
	free(v);
	return 0;
}

/* The model file: the input is everything between the 24-byte header and
 * the CRC. The harness writes a valid header (magic, the version, the
 * total size) and the right CRC-32, so every input reaches the field
 * checks instead of stopping at the checksum. Target model reads the input
 * as a version 1 file, model_v2 as version 2 (the origin section after the
 * weights: the train part's hash, its name's length and bytes). */
static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return ~c;
}

static int run_model_version(const uint8_t *d, size_t n, uint8_t version)
{
	size_t total = 24 + n + 4;
	uint8_t *b = malloc(total);
	if (!b)
		abort();
	memcpy(b, "VIGILMDL", 8);
	memset(b + 8, 0, 16);
	b[8] = version;
	for (int i = 0; i < 8; i++)
		b[16 + i] = (uint8_t)((uint64_t)total >> (8 * i));
	if (n)
		memcpy(b + 24, d, n);
	uint32_t crc = crc32_of(b, total - 4);
	for (int i = 0; i < 4; i++)
		b[total - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
	const char *p = tmp_path("m.model");
	write_file(p, b, total);
	free(b);
	LstmModel *m = NULL;
	ErrorRecord err;
	if (model_load(&m, p, NULL, &err) == STATUS_OK) {
		LstmModelInfo info;
		lstm_model_info(m, &info);
		if (info.metrics == 0)
			abort();
		/* the origin a version 2 file records: a name that fits its
		   buffer, compared with a dataset's as detect does it */
		uint64_t h;
		const char *on;
		if (model_origin(m, &h, &on)) {
			if (version < 2 || !on[0] || strlen(on) > 255)
				abort();
			char note[1200];
			pipeline_model_elsewhere(m, smd_series(), p, note,
						 sizeof(note));
		}
		lstm_model_delete(m);
	} else if (m) {
		abort();
	}
	return 0;
}

static int run_model(const uint8_t *d, size_t n)
{
	return run_model_version(d, n, 1);
}

static int run_model_v2(const uint8_t *d, size_t n)
{
	return run_model_version(d, n, 2);
}

/* The dashboard's journal (ui/dash/journal.c), replayed onto empty labels
 * of 3 metrics, as the dashboard does after a crash. When the first byte is
 * odd the input follows a valid header (so the fuzzer reaches the
 * operations), otherwise it is the whole file (the header is fuzzed too).
 * Operation lines start with an odd byte ('m', 'u', 's'), a header with an
 * even one ('v'). */
static int run_journal(const uint8_t *d, size_t n)
{
	UiLabels l;
	if (ui_labels_init(&l, 3) != 0)
		abort();
	uint64_t base = ui_labels_fingerprint(&l);
	const char *p = tmp_path("journal.log");
	FILE *f = fopen(p, "wb");
	if (!f)
		abort();
	if (n && d[0] % 2 == 1)
		fprintf(f, "vigil-journal 2 %016" PRIx64 " fuzz\n", base);
	if (n && fwrite(d, 1, n, f) != n)
		abort();
	fclose(f);
	JournalScan scan;
	journal_replay(p, base, &l, &scan);
	for (size_t m = 0; m <= 3; m++) {
		const UiRanges *r = ui_labels_set(&l, m == 3 ? UI_NODE : m, 0);
		for (size_t i = 0; r && i < r->n; i++)
			if (r->r[i].start >= r->r[i].end ||
			    (i && r->r[i].start < r->r[i - 1].end))
				abort();
	}
	ui_labels_free(&l);
	return 0;
}

const FuzzTarget fuzz_targets[] = {
	{"csv", run_csv, "generic CSV (series_load_csv)"},
	{"smd", run_smd, "SMD machine file (series_load_smd, test part)"},
	{"psm", run_psm, "train.csv/test.csv folder (series_load_psm)"},
	{"nab", run_nab, "NAB data file (series_load_nab)"},
	{"interp", run_interp, "SMD interpretation_label"},
	{"test_label", run_test_label, "SMD test_label"},
	{"label_csv", run_label_csv, "vigil's label CSV"},
	{"label_csv_ahead", run_label_csv_ahead,
	 "label CSV ahead of the rows (--follow), scored and edited"},
	{"label_column", run_label_column,
	 "a CSV label column (format column)"},
	{"nab_windows", run_nab_windows, "NAB combined_windows.json"},
	{"detections", run_detections, "detections CSV (detfile_read)"},
	{"model", run_model,
	 "model file version 1, valid size and CRC (model_load)"},
	{"model_v2", run_model_v2,
	 "model file version 2 (with its origin), valid size and CRC"},
	{"journal", run_journal, "dashboard journal (journal_replay)"},
};
const size_t fuzz_target_count = sizeof(fuzz_targets) / sizeof(fuzz_targets[0]);

const FuzzTarget *fuzz_target_find(const char *name)
{
	for (size_t i = 0; i < fuzz_target_count; i++)
		if (!strcmp(fuzz_targets[i].name, name))
			return &fuzz_targets[i];
	return NULL;
}
