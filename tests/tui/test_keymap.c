/* The one keymap (tui/keymap.h) and the request rows built on it
 * (tui/footer.h): which requests a key stands for and in which order, and
 * which rows answer, show in the footer and hide the global ones in a
 * screen's mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/footer.h"
#include "tui/keymap.h"

static size_t reqs_of(int key, enum rs_request out[RS_KEYMAP_MAX_REQUESTS])
{
	for (size_t i = 0; i < RS_KEYMAP_MAX_REQUESTS; i++)
		out[i] = RS_REQ_NONE;
	return rs_keymap_requests(key, out);
}

static void test_keys_to_requests(void **state)
{
	(void)state;
	enum rs_request r[RS_KEYMAP_MAX_REQUESTS];
	int enters[] = { '\n', '\r', KEY_ENTER };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(reqs_of(enters[i], r), 1);
		assert_int_equal(r[0], RS_REQ_ACCEPT);
	}
	assert_int_equal(reqs_of(27, r), 1);
	assert_int_equal(r[0], RS_REQ_CANCEL);
	assert_int_equal(reqs_of(KEY_F(1), r), 1);
	assert_int_equal(r[0], RS_REQ_HELP);
	/* A letter is text first, then its command: 'l' is the log where there
	 * is one, else right in a table. */
	assert_int_equal(reqs_of('l', r), 3);
	assert_int_equal(r[0], RS_REQ_TYPE);
	assert_int_equal(r[1], RS_REQ_LOG);
	assert_int_equal(r[2], RS_REQ_RIGHT);
	assert_int_equal(reqs_of('n', r), 3);
	assert_int_equal(r[1], RS_REQ_NO);
	assert_int_equal(r[2], RS_REQ_NEXT);
	assert_int_equal(reqs_of('Q', r), 2);
	assert_int_equal(r[1], RS_REQ_QUIT);
	assert_int_equal(reqs_of('c', r), 3);
	assert_int_equal(r[1], RS_REQ_STOP);
	assert_int_equal(r[2], RS_REQ_CHECK);
	/* Other printable characters are only text; other keys nothing. */
	assert_int_equal(reqs_of('x', r), 1);
	assert_int_equal(r[0], RS_REQ_TYPE);
	assert_int_equal(rs_keymap_char('x'), 'x');
	assert_int_equal(reqs_of(' ', r), 1);
	assert_int_equal(r[0], RS_REQ_TYPE);
	assert_int_equal(reqs_of(KEY_F(5), r), 0);
	assert_int_equal(rs_keymap_char(KEY_UP), 0);
	assert_int_equal(reqs_of(KEY_UP, r), 1);
	assert_int_equal(r[0], RS_REQ_UP);
}

static enum rs_key_result nop(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)st;
	(void)ctx;
	(void)req;
	(void)ch;
	return RS_KEY_HANDLED;
}

enum { MODE_A = 1u << 0, MODE_B = 1u << 1 };

static const struct rs_key_binding screen_rows[] = {
	{ { RS_REQ_ACCEPT }, "Enter", "go", false, nop, MODE_A },
	{ { RS_REQ_CANCEL }, "Esc", "stop", false, nop, MODE_B },
	{ { RS_REQ_QUIT, RS_REQ_HELP }, "q", "answer first", true, nop, MODE_B },
	{ { RS_REQ_UP, RS_REQ_DOWN }, "Up/Down", "scroll", true, nop, 0 },
	{ { 0 }, NULL, NULL, false, NULL, 0 },
};

static const struct rs_key_binding global_rows[] = {
	{ { RS_REQ_CANCEL }, "Esc", "back", false, nop, 0 },
	{ { RS_REQ_HELP }, "?", "help", false, nop, 0 },
	{ { RS_REQ_QUIT }, "q", "quit", false, nop, 0 },
	{ { 0 }, NULL, NULL, false, NULL, 0 },
};

static void test_rows_by_mode(void **state)
{
	(void)state;
	/* A row applies in the modes it names; one naming none in all. */
	assert_true(rs_key_available(&screen_rows[0], MODE_A));
	assert_false(rs_key_available(&screen_rows[0], MODE_B));
	assert_true(rs_key_available(&screen_rows[1], MODE_A | MODE_B));
	assert_true(rs_key_available(&screen_rows[3], MODE_B));
	assert_true(rs_key_bound(&screen_rows[2], RS_REQ_HELP));
	assert_false(rs_key_bound(&screen_rows[2], RS_REQ_ACCEPT));
	/* In mode A nothing of the screen takes Esc, ? or q: all global rows
	 * show. In mode B the screen answers all three. */
	for (size_t i = 0; i < 3; i++) {
		assert_false(rs_key_shadowed(&global_rows[i], screen_rows, MODE_A));
		assert_true(rs_key_shadowed(&global_rows[i], screen_rows, MODE_B));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_to_requests),
		cmocka_unit_test(test_rows_by_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
