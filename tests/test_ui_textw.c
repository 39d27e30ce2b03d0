/* Display width of UTF-8 text (ui/textw.h), which the dashboard's
 * status line, prompts and titles fit text with: columns by wcwidth, cuts
 * between characters. */
#include "tests/testutil.h"

#include <locale.h>

#include "ui/textw.h"

static void test_columns_not_bytes(void **state)
{
	(void)state;
	assert_int_equal(textw_cols("machine-1"), 9);
	/* é two bytes, one column; ラ three bytes, two columns */
	assert_int_equal(textw_cols("données"), 7);
	assert_int_equal(textw_cols("машина-1"), 8);
	assert_int_equal(textw_cols("ラベル/"), 7);
	/* e and a combining acute: one column */
	assert_int_equal(textw_cols("e\xcc\x81"), 1);
	/* bytes that are no character: one column each */
	assert_int_equal(textw_cols("a\xff\xd0"), 3);
	assert_int_equal(textw_span_cols("ラベル/", 6), 4);
}

static void test_cuts_between_characters(void **state)
{
	(void)state;
	/* dropping 3 columns of "машина" drops 3 characters, 6 bytes */
	assert_int_equal(textw_skip("машина", 3), 6);
	/* a wide character is dropped whole: 1 column takes ラ (3 bytes) */
	assert_int_equal(textw_skip("ラベル", 1), 3);
	assert_int_equal(textw_skip("ラベル", 2), 3);
	assert_int_equal(textw_skip("ab", 9), 2);
	/* a combining mark stays with its letter */
	assert_int_equal(textw_skip("e\xcc\x81x", 1), 3);
	/* at most 3 columns: ラ and not ベ, which would make 4 */
	assert_int_equal(textw_fit("ラベル", 3), 3);
	assert_int_equal(textw_fit("ラベル", 4), 6);
	assert_int_equal(textw_fit("données", 5), 6);
	assert_int_equal(textw_fit("abc", 0), 0);
}

int main(void)
{
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		return 0;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_not_bytes),
		cmocka_unit_test(test_cuts_between_characters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
