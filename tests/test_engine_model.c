/* Model files and the cache: a seed gives a byte-identical file, a loaded
 * model forecasts exactly like the saved one, damaged or foreign files are
 * refused with their own messages, and model_obtain reuses its cache. */
#include "tests/testutil.h"

#include <math.h>

#include "engine/model.h"
#include "tests/engine_testutil.h"

static void tiny_config(LstmConfig *c, uint64_t seed)
{
	lstm_config_defaults(c);
	c->hidden = 8;
	c->epochs = 2;
	c->seed = seed;
}

static LstmModel *train_tiny(const Series *s, uint64_t seed)
{
	LstmConfig c;
	tiny_config(&c, seed);
	LstmModel *m = NULL;
	ErrorRecord err;
	assert_int_equal(lstm_train(s, &c, NULL, NULL, &m, &err), STATUS_OK);
	return m;
}

static void test_same_seed_gives_identical_files(void **state)
{
	(void)state;
	char dir[64], a[128], b[128], c[128];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(a, sizeof(a), "%s/a.model", dir);
	snprintf(b, sizeof(b), "%s/b.model", dir);
	snprintf(c, sizeof(c), "%s/c.model", dir);
	Series s;
	et_sine_series(&s, 300, 3, 250, 0.2, 4);
	ErrorRecord err;
	LstmModel *m1 = train_tiny(&s, 21), *m2 = train_tiny(&s, 21);
	LstmModel *m3 = train_tiny(&s, 22);
	assert_int_equal(model_save(m1, a, &err), STATUS_OK);
	assert_int_equal(model_save(m2, b, &err), STATUS_OK);
	assert_int_equal(model_save(m3, c, &err), STATUS_OK);
	size_t la = 0, lb = 0, lc = 0;
	char *da = tu_slurp(a, &la), *db = tu_slurp(b, &lb);
	char *dc = tu_slurp(c, &lc);
	assert_non_null(da);
	assert_non_null(db);
	assert_non_null(dc);
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	assert_int_equal(la, lc);
	assert_memory_not_equal(da, dc, la);
	/* no temporary file is left behind */
	char out[4096];
	tu_run(out, sizeof(out), "ls %s", dir);
	assert_null(strstr(out, "tmp"));
	free(da);
	free(db);
	free(dc);
	lstm_model_delete(m1);
	lstm_model_delete(m2);
	lstm_model_delete(m3);
	et_series_free(&s);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

static void test_loaded_model_forecasts_the_same(void **state)
{
	(void)state;
	char dir[64], path[128], out[256];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/m.model", dir);
	Series s;
	et_sine_series(&s, 300, 3, 250, 0.2, 4);
	LstmConfig c;
	tiny_config(&c, 5);
	c.rolling = 6;
	c.layers = 2;
	LstmModel *m = NULL, *back = NULL;
	ErrorRecord err;
	assert_int_equal(lstm_train(&s, &c, NULL, NULL, &m, &err), STATUS_OK);
	assert_int_equal(model_save(m, path, &err), STATUS_OK);
	assert_int_equal(model_load(&back, path, &s, &err), STATUS_OK);
	const LstmConfig *bc = lstm_model_config(back);
	assert_int_equal(bc->rolling, 6);
	assert_int_equal(bc->layers, 2);
	assert_int_equal(bc->hidden, 8);
	assert_int_equal(bc->seed, 5);
	assert_string_equal(lstm_model_metric(back, 2), "metric_2");
	float *p1 = malloc(3 * 300 * sizeof(float));
	float *p2 = malloc(3 * 300 * sizeof(float));
	assert_int_equal(lstm_forecast(m, &s, p1, &err), STATUS_OK);
	assert_int_equal(lstm_forecast(back, &s, p2, &err), STATUS_OK);
	assert_memory_equal(p1 + 10, p2 + 10, (3 * 300 - 10) * sizeof(float));
	free(p1);
	free(p2);
	lstm_model_delete(m);
	lstm_model_delete(back);
	et_series_free(&s);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* Save a model, damage a copy with fn, and expect status and message. */
static void expect_refusal(const char *what, Status want, const char *msg)
{
	char dir[64], path[128], out[512];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/m.model", dir);
	Series s;
	et_sine_series(&s, 200, 2, 150, 0.2, 4);
	LstmModel *m = train_tiny(&s, 1);
	ErrorRecord err;
	assert_int_equal(model_save(m, path, &err), STATUS_OK);
	size_t len = 0;
	unsigned char *d = (unsigned char *)tu_slurp(path, &len);
	assert_non_null(d);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	if (!strcmp(what, "truncated")) {
		fwrite(d, 1, len / 2, f);
	} else if (!strcmp(what, "corrupted")) {
		d[len - 40] ^= 0x10; /* a bit of a weight */
		fwrite(d, 1, len, f);
	} else if (!strcmp(what, "version")) {
		d[8] = 7;
		fwrite(d, 1, len, f);
	} else if (!strcmp(what, "empty")) {
		/* nothing: a save that never happened */
	} else if (!strcmp(what, "one byte")) {
		fwrite(d, 1, 1, f);
	} else if (!strcmp(what, "notmodel")) {
		fputs("timestamp,value\n", f);
	} else {
		fwrite(d, 1, len, f);
	}
	fclose(f);
	if (!strcmp(what, "metrics")) {
		free(s.names[1]);
		s.names[1] = strdup("disk_io");
	}
	LstmModel *back = NULL;
	error_clear(&err);
	Status st = model_load(&back, path, &s, &err);
	print_message("%s: %s\n", what, err.message);
	assert_int_equal(st, want);
	assert_null(back);
	assert_non_null(strstr(err.message, msg));
	assert_string_equal(err.file, path);
	free(d);
	lstm_model_delete(m);
	et_series_free(&s);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

static void test_truncated_file_is_refused(void **state)
{
	(void)state;
	expect_refusal("truncated", STATUS_CORRUPT, "truncated model file");
}

static void test_corrupted_file_is_refused(void **state)
{
	(void)state;
	expect_refusal("corrupted", STATUS_CORRUPT, "CRC-32");
}

static void test_other_version_is_refused(void **state)
{
	(void)state;
	expect_refusal("version", STATUS_FORMAT, "format version 7");
}

static void test_other_metrics_are_refused(void **state)
{
	(void)state;
	expect_refusal("metrics", STATUS_MISMATCH,
		       "metric 2 is 'metric_1' in the model but 'disk_io'");
}

/* Write n bytes of d to path; with fix, the header's size and the CRC-32
 * made to fit the bytes (so the damage reaches the field checks). */
static void write_model_bytes(const char *path, unsigned char *d, size_t n,
			      int fix)
{
	if (fix && n >= 28) {
		for (int i = 0; i < 8; i++)
			d[16 + i] = (unsigned char)((uint64_t)n >> (8 * i));
		uint32_t c = 0xffffffffu;
		for (size_t i = 0; i + 4 < n; i++) {
			c ^= d[i];
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		}
		c = ~c;
		for (int i = 0; i < 4; i++)
			d[n - 4 + (size_t)i] = (unsigned char)(c >> (8 * i));
	}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* model_load on path refuses with a message holding one of want[] (NULL
 * ended) and names the file. */
static void expect_damaged(const char *path, const char *const *want,
			   const char *what, size_t at)
{
	LstmModel *back = NULL;
	ErrorRecord err;
	error_clear(&err);
	Status st = model_load(&back, path, NULL, &err);
	int said = 0;
	for (size_t i = 0; want[i] && !said; i++)
		said = strstr(err.message, want[i]) != NULL;
	if (st == STATUS_OK || back || !said || strcmp(err.file, path))
		print_error("%s at %zu: status %d, '%s: %s'\n", what, at,
			    (int)st, err.file, err.message);
	assert_int_not_equal(st, STATUS_OK);
	assert_null(back);
	assert_true(said);
	assert_string_equal(err.file, path);
}

/* A version 2 file (its origin last: the train part's hash, the name's
 * length and bytes) cut at every byte, cut and given a header and CRC that
 * fit the cut, and with each bit of the name's length, the hash and the
 * version flipped, with the CRC as it was and made to fit: every one is
 * refused with a message on the file, none loads, none asks for more
 * memory than the file (a name length of 2^31 is not allocated). A
 * flipped hash under a fitting CRC is a valid file of another origin. */
static void test_damaged_v2_file_is_refused(void **state)
{
	(void)state;
	char dir[64], path[128], out[256];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/m.model", dir);
	Series s;
	et_sine_series(&s, 200, 2, 150, 0.2, 4);
	LstmModel *m = train_tiny(&s, 1);
	ErrorRecord err;
	assert_int_equal(model_save(m, path, &err), STATUS_OK);
	uint64_t hash;
	const char *name;
	assert_true(model_origin(m, &hash, &name));
	size_t nlen = strlen(name);
	assert_true(nlen > 0);
	size_t len = 0;
	unsigned char *orig = (unsigned char *)tu_slurp(path, &len);
	assert_non_null(orig);
	assert_int_equal(orig[8], 2);
	size_t len_at = len - 4 - nlen - 4, hash_at = len_at - 8;
	assert_int_equal(orig[len_at], nlen);
	assert_memory_equal(orig + len_at + 4, name, nlen);
	unsigned char *d = malloc(len);
	assert_non_null(d);
	static const char *const cut[] = {"truncated model file",
					  "empty file, not a model", NULL};
	static const char *const bad[] = {"corrupted model file", NULL};
	static const char *const crc[] = {"CRC-32", NULL};
	static const char *const adds[] = {"sections do not add up", NULL};
	for (size_t k = 0; k < len; k++) {
		memcpy(d, orig, len);
		write_model_bytes(path, d, k, 0);
		expect_damaged(path, cut, "cut", k);
	}
	for (size_t k = 28; k < len; k++) {
		memcpy(d, orig, len);
		write_model_bytes(path, d, k, 1);
		expect_damaged(path, bad, "cut, CRC fitting", k);
	}
	for (int bit = 0; bit < 32; bit++) {
		for (int fix = 0; fix < 2; fix++) {
			memcpy(d, orig, len);
			d[len_at + (size_t)bit / 8] ^= (unsigned char)(1u << (bit % 8));
			write_model_bytes(path, d, len, fix);
			expect_damaged(path, fix ? adds : crc, "name length",
				       (size_t)bit);
		}
	}
	for (int bit = 0; bit < 64; bit++) {
		memcpy(d, orig, len);
		d[hash_at + (size_t)bit / 8] ^= (unsigned char)(1u << (bit % 8));
		write_model_bytes(path, d, len, 0);
		expect_damaged(path, crc, "hash", (size_t)bit);
		write_model_bytes(path, d, len, 1);
		LstmModel *back = NULL;
		assert_int_equal(model_load(&back, path, NULL, &err), STATUS_OK);
		uint64_t h2;
		const char *n2;
		assert_true(model_origin(back, &h2, &n2));
		assert_true(h2 == (hash ^ (1ull << bit)));
		assert_string_equal(n2, name);
		lstm_model_delete(back);
	}
	/* a version 2 file said to be version 1 (the origin then left over)
	   and a version 1 file said to be version 2 (no origin) */
	static const char *const v1[] = {"sections do not add up",
					  "CRC-32", NULL};
	memcpy(d, orig, len);
	d[8] = 1;
	write_model_bytes(path, d, len, 0);
	expect_damaged(path, crc, "version 1", 0);
	write_model_bytes(path, d, len, 1);
	expect_damaged(path, v1, "version 1", 1);
	memcpy(d, orig, len);
	memmove(d + hash_at, d + len - 4, 4);
	write_model_bytes(path, d, hash_at + 4, 1);
	expect_damaged(path, adds, "version 2 without origin", 0);
	/* a NUL byte in the dataset's name (it read as cut short there) */
	static const char *const nul[] = {"holds a NUL byte", NULL};
	memcpy(d, orig, len);
	d[len_at + 4] = '\0';
	write_model_bytes(path, d, len, 1);
	expect_damaged(path, nul, "NUL in the name", 0);
	free(d);
	free(orig);
	lstm_model_delete(m);
	et_series_free(&s);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* A NUL byte inside a metric's name is refused, with the file and the
 * metric named, as one in the dataset's name is. Before, the name was
 * cut short there: 'met<NUL>ic_1' loaded as the metric 'met'. */
static void test_nul_in_metric_name_is_refused(void **state)
{
	(void)state;
	char dir[64], path[128], out[256];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/m.model", dir);
	Series s;
	et_sine_series(&s, 200, 2, 150, 0.2, 4);
	assert_string_equal(s.names[1], "metric_1");
	LstmModel *m = train_tiny(&s, 1);
	ErrorRecord err;
	assert_int_equal(model_save(m, path, &err), STATUS_OK);
	size_t len = 0;
	unsigned char *d = (unsigned char *)tu_slurp(path, &len);
	assert_non_null(d);
	/* the second name: its length (8) then "metric_1" */
	static const unsigned char name1[] = "\x08\0\0\0metric_1";
	unsigned char *at = NULL;
	for (size_t i = 0; i + sizeof(name1) - 1 <= len && !at; i++)
		if (!memcmp(d + i, name1, sizeof(name1) - 1))
			at = d + i + 4;
	assert_non_null(at);
	at[3] = '\0';
	write_model_bytes(path, d, len, 1);
	LstmModel *back = NULL;
	error_clear(&err);
	Status st = model_load(&back, path, NULL, &err);
	if (back)
		print_error("loaded, metric 2 named '%s'\n",
			    lstm_model_metric(back, 1));
	assert_null(back);
	assert_int_equal(st, STATUS_CORRUPT);
	assert_string_equal(err.file, path);
	assert_string_equal(err.message, "corrupted model file: the name of "
					 "metric 2 holds a NUL byte");
	free(d);
	lstm_model_delete(m);
	et_series_free(&s);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* An empty file is said to be empty (it was "not a vigil model file"),
 * and the first byte of a model alone reads "only 1 byte" (it read
 * "only 1 bytes") */
static void test_empty_and_one_byte_files(void **state)
{
	(void)state;
	expect_refusal("empty", STATUS_CORRUPT,
		       "empty file, not a model: the save that wrote it did "
		       "not finish, or it was made by something else");
	expect_refusal("one byte", STATUS_CORRUPT,
		       "truncated model file: only 1 byte");
}

static void test_other_file_is_not_a_model(void **state)
{
	(void)state;
	expect_refusal("notmodel", STATUS_FORMAT, "not a vigil model file");
}

/* The cache is a folder of its own: nothing is written beside the data,
 * a second obtain reuses the model, other options or data get another
 * entry, and cfg.cache_dir (--cache-dir) moves the cache elsewhere. */
static void test_cache_in_cache_folder_is_reused(void **state)
{
	(void)state;
	char dir[64], out[512], cpath[4096], want[256];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	char data[128], xdg[128];
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(xdg, sizeof(xdg), "%s/xdg", dir);
	assert_int_equal(mkdir(data, 0755), 0);
	setenv("XDG_CACHE_HOME", xdg, 1);
	Series s;
	et_sine_series(&s, 300, 2, 250, 0.2, 8);
	s.kind = SERIES_CSV;
	s.path = malloc(256);
	snprintf(s.path, 256, "%s/host.csv", data);
	LstmConfig c;
	tiny_config(&c, 3);
	ErrorRecord err;
	assert_int_equal(model_cache_path(&s, &c, cpath, sizeof(cpath), &err),
			 STATUS_OK);
	snprintf(want, sizeof(want), "%s/vigil/host.csv.", xdg);
	assert_true(strncmp(cpath, want, strlen(want)) == 0);
	assert_non_null(strstr(cpath, ".vigil-model"));
	LstmModel *m1 = NULL, *m2 = NULL;
	int cached = -1;
	assert_int_equal(model_obtain(&s, &c, NULL, NULL, &m1, &cached, &err),
			 STATUS_OK);
	assert_int_equal(cached, 0);
	assert_int_equal(access(cpath, R_OK), 0);
	/* the data's folder is as empty as it was */
	assert_int_equal(tu_run(out, sizeof(out), "ls -A '%s' | wc -l", data),
			 0);
	assert_int_equal(atoi(out), 0);
	assert_int_equal(model_obtain(&s, &c, NULL, NULL, &m2, &cached, &err),
			 STATUS_OK);
	assert_int_equal(cached, 1);
	float *p1 = malloc(2 * 300 * sizeof(float));
	float *p2 = malloc(2 * 300 * sizeof(float));
	assert_int_equal(lstm_forecast(m1, &s, p1, &err), STATUS_OK);
	assert_int_equal(lstm_forecast(m2, &s, p2, &err), STATUS_OK);
	assert_memory_equal(p1 + 10, p2 + 10, (2 * 300 - 10) * sizeof(float));
	/* --cache-dir: the same entry name in that folder */
	char other[4096], elsewhere[128];
	snprintf(elsewhere, sizeof(elsewhere), "%s/mine", dir);
	c.cache_dir = elsewhere;
	assert_int_equal(model_cache_path(&s, &c, other, sizeof(other), &err),
			 STATUS_OK);
	assert_string_equal(strrchr(other, '/'), strrchr(cpath, '/'));
	assert_true(strncmp(other, elsewhere, strlen(elsewhere)) == 0);
	c.cache_dir = NULL;
	/* other options or other data: another key */
	c.hidden = 9;
	assert_int_equal(model_cache_path(&s, &c, other, sizeof(other), &err),
			 STATUS_OK);
	assert_string_not_equal(other, cpath);
	c.hidden = 8;
	s.values[5] += 1.0f;
	assert_int_equal(model_cache_path(&s, &c, other, sizeof(other), &err),
			 STATUS_OK);
	assert_string_not_equal(other, cpath);
	free(p1);
	free(p2);
	lstm_model_delete(m1);
	lstm_model_delete(m2);
	et_series_free(&s);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

static void test_cache_falls_back_to_xdg_cache_home(void **state)
{
	(void)state;
	char dir[64], out[512], cpath[4096], want[256];
	assert_non_null(tu_tmpdir(dir, sizeof(dir)));
	Series s;
	et_sine_series(&s, 100, 2, 80, 0.2, 8);
	s.kind = SERIES_CSV;
	s.path = strdup("/nonexistent-vigil-dir/host.csv");
	setenv("XDG_CACHE_HOME", dir, 1);
	LstmConfig c;
	tiny_config(&c, 3);
	ErrorRecord err;
	assert_int_equal(model_cache_path(&s, &c, cpath, sizeof(cpath), &err),
			 STATUS_OK);
	snprintf(want, sizeof(want), "%s/vigil/host.csv.", dir);
	assert_true(strncmp(cpath, want, strlen(want)) == 0);
	/* a synthetic series (path "synthetic") never lands in the cwd */
	free(s.path);
	s.path = strdup("synthetic");
	s.kind = SERIES_SYNTH;
	assert_int_equal(model_cache_path(&s, &c, cpath, sizeof(cpath), &err),
			 STATUS_OK);
	snprintf(want, sizeof(want), "%s/vigil/synth.", dir);
	assert_true(strncmp(cpath, want, strlen(want)) == 0);
	et_series_free(&s);
	tu_run(out, sizeof(out), "rm -rf %s", dir);
}

/* The error table from a forecast of every row equals the one lstm_eval
 * forecasts for itself (vigil train uses the former for a cached model). */
static void test_eval_from_forecast_matches(void **state)
{
	(void)state;
	Series s;
	et_sine_series(&s, 300, 2, 250, 0.2, 8);
	LstmModel *m = train_tiny(&s, 5);
	ErrorRecord err;
	float *pred = malloc(2 * 300 * sizeof(float));
	assert_int_equal(lstm_forecast(m, &s, pred, &err), STATUS_OK);
	ModelMetrics a, b;
	assert_int_equal(lstm_eval(m, &s, &a, &err), STATUS_OK);
	assert_int_equal(lstm_eval_forecast(m, &s, pred, &b, &err), STATUS_OK);
	assert_int_equal(a.train.windows, b.train.windows);
	assert_int_equal(a.val.windows, b.val.windows);
	assert_true(a.val.windows > 0);
	const ForecastStats *fa[] = {&a.train, &a.val, &a.naive_val};
	const ForecastStats *fb[] = {&b.train, &b.val, &b.naive_val};
	for (int k = 0; k < 3; k++) {
		assert_true(fabs(fa[k]->overall.rmse - fb[k]->overall.rmse) <=
			    1e-9 * (1 + fa[k]->overall.rmse));
		assert_true(fabs(fa[k]->overall_scaled.rmse -
				 fb[k]->overall_scaled.rmse) <=
			    1e-9 * (1 + fa[k]->overall_scaled.rmse));
		assert_true(fa[k]->overall.rmse > 0);
	}
	model_metrics_free(&a);
	model_metrics_free(&b);
	free(pred);
	lstm_model_delete(m);
	et_series_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_gives_identical_files),
		cmocka_unit_test(test_loaded_model_forecasts_the_same),
		cmocka_unit_test(test_truncated_file_is_refused),
		cmocka_unit_test(test_corrupted_file_is_refused),
		cmocka_unit_test(test_other_version_is_refused),
		cmocka_unit_test(test_other_metrics_are_refused),
		cmocka_unit_test(test_other_file_is_not_a_model),
		cmocka_unit_test(test_empty_and_one_byte_files),
		cmocka_unit_test(test_damaged_v2_file_is_refused),
		cmocka_unit_test(test_nul_in_metric_name_is_refused),
		cmocka_unit_test(test_cache_in_cache_folder_is_reused),
		cmocka_unit_test(test_cache_falls_back_to_xdg_cache_home),
		cmocka_unit_test(test_eval_from_forecast_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
