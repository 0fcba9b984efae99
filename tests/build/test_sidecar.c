/* The .meta record: round trip, required keys, bad values, unknown keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/sidecar.h"

static void round_trip(void **state)
{
	(void)state;
	struct rs_sidecar sc = {
		.board = "btt-octopus-pro-429",
		.version = "v0.13.0-730-g84104bbbd",
		.tree_version = "v0.13.0-730-g84104bbbd",
		.mcu = "stm32f429xx",
		.fragment_sha256 = "aa",
		.config_sha256 = "bb",
		.sha256 = "cc",
		.size = 44508,
		.built_at = "2026-11-25T17:15:13Z\nsize=1", /* newline cannot inject a key */
	};
	char *text = rs_sidecar_format(&sc);
	assert_non_null(strstr(text, "\nsha256=cc\nsize=44508\n"));
	struct rs_sidecar out;
	struct rs_errors errs = { 0 };
	assert_true(rs_sidecar_parse("m", text, strlen(text), &out, &errs));
	assert_string_equal(out.board, sc.board);
	assert_string_equal(out.version, sc.version);
	assert_string_equal(out.tree_version, sc.tree_version);
	assert_string_equal(out.mcu, sc.mcu);
	assert_string_equal(out.fragment_sha256, "aa");
	assert_string_equal(out.config_sha256, "bb");
	assert_string_equal(out.sha256, "cc");
	assert_int_equal(out.size, 44508);
	assert_string_equal(out.built_at, "2026-11-25T17:15:13Z size=1");
	rs_sidecar_free(&out);
	free(text);
}

static void bad_input(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *msg;
	} t[] = {
		{ "version=v\nmcu=m\nsha256=s\n", "no size" },
		{ "mcu=m\nsha256=s\nsize=1\n", "no version" },
		{ "version=v\nmcu=m\nsha256=s\nsize=-1\n", "size must be a number of bytes" },
		{ "version=v\nmcu=m\nsha256=s\nsize=12k\n", "size must be a number of bytes" },
		{ "version=v\nmcu=m\nsha256=s\nsize=1\ngarbage\n", "expected key=value" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct rs_sidecar out;
		struct rs_errors errs = { 0 };
		assert_false(rs_sidecar_parse("m", t[i].text, strlen(t[i].text), &out, &errs));
		assert_true(errs.count >= 1);
		assert_string_equal(errs.items[0].msg, t[i].msg);
		assert_null(out.version);
		rs_errors_clear(&errs);
	}
}

static void tolerant(void **state)
{
	(void)state;
	const char *text = "# comment\r\n\nversion=v\r\nmcu=m\nfuture_key=x\nsha256=s\nsize=7";
	struct rs_sidecar out;
	struct rs_errors errs = { 0 };
	assert_true(rs_sidecar_parse("m", text, strlen(text), &out, &errs));
	assert_string_equal(out.version, "v");
	assert_int_equal(out.size, 7);
	assert_null(out.board);
	rs_sidecar_free(&out);
}

/* The sidecar lives in the user's folder: a hand-edited version with an
 * escape sequence is read back display-safe. */
static void edited_text_is_display_safe(void **state)
{
	(void)state;
	const char *text = "version=v1\x1b]0;owned\x07\xc2\x9b\nmcu=stm32\x1b[2J\nsha256=s\nsize=7\n";
	struct rs_sidecar out;
	struct rs_errors errs = { 0 };
	assert_true(rs_sidecar_parse("m", text, strlen(text), &out, &errs));
	assert_string_equal(out.version, "v1\\x1b]0;owned\\x07\\xc2\\x9b");
	assert_string_equal(out.mcu, "stm32\\x1b[2J");
	assert_string_equal(out.sha256, "s");
	rs_sidecar_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(tolerant),
		cmocka_unit_test(edited_text_is_display_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
