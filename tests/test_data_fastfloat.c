/* The fast decimal parser (data/fastfloat.h) against the C library: the
 * same float as strtof and the same double as strtod, bit for bit, on edge
 * values (float and double boundaries, halfway cases, long mantissas) and
 * on many random decimals of every length and exponent; and the grammar it
 * accepts. */
#include "tests/testutil.h"

#include <float.h>
#include <math.h>

#include "data/fastfloat.h"
#include "data/rng.h"

/* Fails unless both parsers agree with strtof and strtod on text, and end
 * at its end. */
/* The text sits in a heap block of its exact size, so a read past it is
 * an AddressSanitizer report under make check. */
static void agree(const char *text)
{
	size_t n = strlen(text);
	char *exact = malloc(n + 1);
	assert_non_null(exact);
	memcpy(exact, text, n + 1);
	float f, wf = strtof(text, NULL);
	double d, wd = strtod(text, NULL);
	const char *ef = fastfloat_parse_float(exact, &f);
	const char *ed = fastfloat_parse_double(text, &d);
	int whole = ef == exact + n && ed && !*ed;
	free(exact);
	if (!whole)
		fail_msg("%s: not parsed to its end", text);
	if (memcmp(&f, &wf, sizeof(f)))
		fail_msg("%s: float %.9g, strtof %.9g", text, (double)f,
			 (double)wf);
	if (memcmp(&d, &wd, sizeof(d)))
		fail_msg("%s: double %.17g, strtod %.17g", text, d, wd);
}

static void test_edge_values(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"0", "-0", "+0", "0.0", "-0.0e5", "00000", "0e999999",
		"1", "-1", ".5", "5.", "+3", "0.1", "0.2", "0.3", "1e-5",
		"2.5E+3", "1E22", "1e23", "9007199254740992",
		"9007199254740993", "9007199254740993.0", "16777216",
		"16777217", "16777217.0", "16777219", "33554435",
		"3.4028234e38", "3.4028235e38", "3.40282357e38",
		"3.4028236e38", "1e39", "1e308", "1.7976931348623157e308",
		"1.7976931348623159e308", "2e308", "1.17549435e-38",
		"1.1754942e-38", "1.4e-45", "7e-46", "1e-46",
		"2.2250738585072014e-308", "4.9e-324", "2e-324", "1e-400",
		"1.00000005960464477539", "1.0000000596046447753906",
		"1.00000005960464477539062500001", "1.0000001788139343",
		"7.038531e-26", "0.000001", "123456.789", "52.31",
		"0.075269", "12345678901234567890123",
		"0.000000000000000000000000123",
		"1234567890123456789", "12345678901234567890",
		"0.1234567890123456789012345678901234567890",
		"4503599627370496.5", "4503599627370497.5",
		"8.589973e9", "8.589974e9", "1e-22", "9.999999999999999e22",
		"123456789e-22", "123456789e22", "1.5e-22", "1.5e+22",
		/* digit runs of every length */
		"1234567", "12345678", "123456789", "1234567.8",
		"12345678.12345678", "0.12345678", "0.123456789",
		"00000000.00000001", "99999999.99999999", "1.2345678901234567",
		"-8765432.1", "7.0000000", "70000000.0",
		/* float midpoints written out exactly */
		"1.000000059604644775390625", "16777217.0000000000001",
		"0.500000029802322387695312", "3.0000001192092896",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		agree(cases[i]);
	/* a number longer than any buffer */
	char big[600];
	memset(big, '1', 500);
	snprintf(big + 500, sizeof(big) - 500, ".25e-480");
	agree(big);
}

/* Random floats' decimal forms, and the midpoint above each: exact, a
 * hair either side, and rounded to 15 or 16 digits. */
static void test_floats_and_their_midpoints(void **state)
{
	(void)state;
	Rng r;
	rng_seed(&r, 3);
	size_t n = tu_sanitized() ? 20000 : 400000;
	for (size_t i = 0; i < n; i++) {
		uint32_t bits = (uint32_t)rng_next(&r);
		float f;
		memcpy(&f, &bits, sizeof(f));
		if (!isfinite(f))
			continue;
		char t[64];
		snprintf(t, sizeof(t), "%.9g", (double)f);
		agree(t);
		snprintf(t, sizeof(t), "%.*g", 1 + (int)rng_below(&r, 8),
			 (double)f);
		agree(t);
		float up = nextafterf(f, INFINITY);
		if (!isfinite(up))
			continue;
		double mid = ((double)f + (double)up) / 2;
		snprintf(t, sizeof(t), "%.40g", mid);
		agree(t);
		/* 15 or 16 digits near a midpoint often round (as a double)
		 * onto it: the case where a second rounding to float errs */
		snprintf(t, sizeof(t), "%.16g", mid);
		agree(t);
		snprintf(t, sizeof(t), "%.15g", mid);
		agree(t);
		snprintf(t, sizeof(t), "%.17g", nextafter(mid, 0));
		agree(t);
		snprintf(t, sizeof(t), "%.17g", nextafter(mid, INFINITY));
		agree(t);
	}
}

/* Random decimals: 1-25 digits, the point anywhere, exponents -50..50,
 * signs, leading zeros. */
static void test_random_decimals(void **state)
{
	(void)state;
	Rng r;
	rng_seed(&r, 11);
	size_t n = tu_sanitized() ? 50000 : 1000000;
	for (size_t i = 0; i < n; i++) {
		char digs[40], t[96];
		int nd = 1 + (int)rng_below(&r, 25);
		for (int j = 0; j < nd; j++)
			digs[j] = (char)('0' + rng_below(&r, 10));
		digs[nd] = '\0';
		int dot = (int)rng_below(&r, (uint64_t)nd + 1);
		const char *sign = rng_below(&r, 4) == 0	  ? "-"
				   : rng_below(&r, 8) == 0 ? "+"
							    : "";
		if (rng_below(&r, 3) == 0)
			snprintf(t, sizeof(t), "%s%.*s.%s", sign, dot, digs,
				 digs + dot);
		else
			snprintf(t, sizeof(t), "%s%.*s.%se%d", sign, dot, digs,
				 digs + dot, (int)rng_below(&r, 101) - 50);
		agree(t);
	}
}

/* fastfloat_parse_float_in on text followed by tail and a NUL, in a heap
 * block of their exact size (a read past it is an AddressSanitizer
 * report): strtof's float, ending where the number ends. */
static void agree_in(const char *text, const char *tail)
{
	size_t n = strlen(text), nt = strlen(tail);
	char *buf = malloc(n + nt + 1);
	assert_non_null(buf);
	memcpy(buf, text, n);
	memcpy(buf + n, tail, nt + 1);
	float f = 0, wf = strtof(text, NULL);
	const char *e = fastfloat_parse_float_in(buf, buf + n + nt, &f);
	int at = e == buf + n;
	free(buf);
	if (!at)
		fail_msg("%s%s: not parsed to the number's end", text, tail);
	if (memcmp(&f, &wf, sizeof(f)))
		fail_msg("%s (then %s): float %.9g, strtof %.9g", text, tail,
			 (double)f, (double)wf);
}

/* SMD's numbers: every "d.dddddd" below 2^24 millionths (every 61st
 * under the sanitizers), then random short decimals of every shape the
 * eight-digit path takes or refuses, each before a comma, a line end, more
 * digits of an exponent, or the end of the buffer. */
static void test_short_decimals_in_a_buffer(void **state)
{
	(void)state;
	const char *pad = ",0.000000,0.000000\n";
	unsigned step = tu_sanitized() ? 61 : 1;
	char t[64];
	for (unsigned m = 0; m < (1u << 24); m += step) {
		snprintf(t, sizeof(t), "%u.%06u", m / 1000000, m % 1000000);
		agree_in(t, pad);
	}
	static const char *tails[] = {",0.5,0.25,0.125\n", "\n0.1,0.2,0.3,0.4",
				      "e5,0.000000,1.0000", "E-3,0.000000,1.0",
				      "", ",", "x0000000000000000"};
	Rng r;
	rng_seed(&r, 13);
	size_t n = tu_sanitized() ? 20000 : 400000;
	for (size_t i = 0; i < n; i++) {
		char ip[16], fp[16];
		int ni = 1 + (int)rng_below(&r, 9), nf = (int)rng_below(&r, 10);
		for (int j = 0; j < ni; j++)
			ip[j] = (char)('0' + rng_below(&r, 10));
		ip[ni] = '\0';
		for (int j = 0; j < nf; j++)
			fp[j] = (char)('0' + rng_below(&r, 10));
		fp[nf] = '\0';
		const char *sign = rng_below(&r, 4) == 0   ? "-"
				   : rng_below(&r, 8) == 0 ? "+"
							    : "";
		snprintf(t, sizeof(t), "%s%s%s%s", sign, ip, nf || rng_below(&r, 2) ? "." : "", fp);
		const char *tail = tails[rng_below(&r, 7)];
		if (tail[0] == 'e' || tail[0] == 'E') {
			/* the exponent is part of the number */
			char te[80];
			size_t k = strcspn(tail, ",");
			snprintf(te, sizeof(te), "%s%.*s", t, (int)k, tail);
			agree_in(te, tail + k);
		} else {
			agree_in(t, tail);
		}
	}
}

/* What is a number and where it ends. */
static void test_grammar(void **state)
{
	(void)state;
	static const char *const not_numbers[] = {
		"", "-", "+", ".", "-.", "e5", ".e5", "1e", "1e+", "1E-",
		"abc", "inf", "nan", " 1", ",1"};
	float f = 42;
	double d = 42;
	for (size_t i = 0; i < sizeof(not_numbers) / sizeof(not_numbers[0]);
	     i++) {
		const char *t = not_numbers[i];
		assert_null(fastfloat_parse_float(t, &f));
		assert_null(fastfloat_parse_double(not_numbers[i], &d));
	}
	assert_true(f == 42 && d == 42); /* untouched */
	static const struct {
		const char *text;
		size_t len;
	} prefixes[] = {{"1.5x", 3}, {"12,3", 2}, {"0x10", 1},
			{"1.5e3.2", 5}, {"-2\n", 2}, {"7 ", 1}, {"3.25\r\n", 4}};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		const char *t = prefixes[i].text;
		const char *e = fastfloat_parse_float(t, &f);
		assert_non_null(e);
		assert_int_equal(e - prefixes[i].text, prefixes[i].len);
	}
	assert_non_null(fastfloat_parse_float("-0", &f));
	assert_true(f == 0 && signbit(f));
	assert_non_null(fastfloat_parse_float("1e99", &f));
	assert_true(isinf(f)); /* strtof's overflow; the loaders refuse it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edge_values),
		cmocka_unit_test(test_floats_and_their_midpoints),
		cmocka_unit_test(test_random_decimals),
		cmocka_unit_test(test_grammar),
		cmocka_unit_test(test_short_decimals_in_a_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
