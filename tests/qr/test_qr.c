/* core/qr.h: a QR matrix written as text, exactly. A 3x3 matrix
 *   # . #
 *   . # .
 *   # # .
 * with its 4-module quiet zone is 11 modules a side: 6 half-block rows (the
 * last one only has a top half) or 11 ASCII rows of 22 characters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/qr.h"

#define UP "\xe2\x96\x80"
#define DOWN "\xe2\x96\x84"
#define FULL "\xe2\x96\x88"

static unsigned char modules[9] = { 1, 0, 1, 0, 1, 0, 1, 1, 0 };
static const struct rs_qr qr3 = { 3, modules };

static void test_sizes(void **state)
{
	(void)state;
	int rows, cols;
	rs_qr_text_size(&qr3, RS_QR_HALF_BLOCKS, &rows, &cols);
	assert_int_equal(rows, 6);
	assert_int_equal(cols, 11);
	rs_qr_text_size(&qr3, RS_QR_ASCII, &rows, &cols);
	assert_int_equal(rows, 11);
	assert_int_equal(cols, 22);
	/* Version 4 (33 modules), the size of the longest link in boards/:
	 * 41 columns by 21 rows in half blocks. */
	struct rs_qr v4 = { 33, NULL };
	rs_qr_text_size(&v4, RS_QR_HALF_BLOCKS, &rows, &cols);
	assert_int_equal(rows, 21);
	assert_int_equal(cols, 41);
}

static void test_half_blocks(void **state)
{
	(void)state;
	char *text = rs_qr_text(&qr3, RS_QR_HALF_BLOCKS);
	/* Module rows 4..6 hold the matrix: rows 4+5 are char row 2, row 6 is
	 * the top of char row 3. */
	const char *want = "           \n"
			   "           \n"
			   "    " UP DOWN UP "    \n"
			   "    " UP UP " " "    \n"
			   "           \n"
			   "           \n";
	assert_string_equal(text, want);
	free(text);
}

static void test_ascii(void **state)
{
	(void)state;
	char *line = rs_qr_text_line(&qr3, RS_QR_ASCII, 4);
	assert_string_equal(line, "        ##  ##        ");
	free(line);
	line = rs_qr_text_line(&qr3, RS_QR_ASCII, 6);
	assert_string_equal(line, "        ####          ");
	free(line);
	char *text = rs_qr_text(&qr3, RS_QR_ASCII);
	size_t lines = 0;
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 11);
	assert_int_equal(strlen(text), 11 * 23);
	free(text);
}

static void test_dark_outside(void **state)
{
	(void)state;
	assert_true(rs_qr_dark(&qr3, 0, 0));
	assert_false(rs_qr_dark(&qr3, 1, 0));
	assert_false(rs_qr_dark(&qr3, -1, 0));
	assert_false(rs_qr_dark(&qr3, 3, 0));
	assert_false(rs_qr_dark(&qr3, 0, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_half_blocks),
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_dark_outside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
