/* The display rule for text we did not write (core/text_safe.h): printable
 * UTF-8 kept, controls, C1, line/bidi format characters and bad UTF-8
 * escaped byte by byte; and the JSON writer's use of the same rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_out.h"
#include "core/text_safe.h"

static const struct {
	const char *in, *want;
} cases[] = {
	{ "", "" },
	{ "firmware.bin", "firmware.bin" },
	{ "RATOS CARD", "RATOS CARD" },
	{ "Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
	{ "no\xc2\xa0" "break", "no\xc2\xa0" "break" }, /* U+00A0 is printable */
	{ "a\\x1b", "a\\x1b" },                         /* a backslash is kept */
	/* C0 controls and DEL */
	{ "\x1b[2J", "\\x1b[2J" },
	{ "x\x1b[2J\x1b[H", "x\\x1b[2J\\x1b[H" },
	{ "a\nb\tc\rd\be\x07", "a\\x0ab\\x09c\\x0dd\\x08e\\x07" },
	{ "\x7f", "\\x7f" },
	{ "\x01\x1f ", "\\x01\\x1f " },
	/* OSC: window title ended by BEL, hyperlink ended by ST (ESC \) */
	{ "\x1b]0;owned\x07", "\\x1b]0;owned\\x07" },
	{ "\x1b]8;;http://x/\x1b\\link", "\\x1b]8;;http://x/\\x1b\\link" },
	/* C1 controls as UTF-8 (U+0085 NEL, U+009B CSI, U+009D OSC) and raw */
	{ "\xc2\x9b" "31m", "\\xc2\\x9b31m" },
	{ "a\xc2\x85" "b\xc2\x9d", "a\\xc2\\x85b\\xc2\\x9d" },
	{ "\xc2\x80\xc2\x9f\xc2\xa0", "\\xc2\\x80\\xc2\\x9f\xc2\xa0" },
	{ "\x9b" "2J", "\\x9b2J" },
	/* invalid UTF-8 */
	{ "\x80" "abc", "\\x80abc" },                    /* stray continuation */
	{ "\xc0\xaf", "\\xc0\\xaf" },                    /* overlong '/' */
	{ "\xe0\x80\xaf", "\\xe0\\x80\\xaf" },           /* overlong, 3 bytes */
	{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },           /* surrogate U+D800 */
	{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" },  /* past U+10FFFF */
	{ "\xf8\x88\x80\x80\x80", "\\xf8\\x88\\x80\\x80\\x80" },
	{ "ab\xe2\x82", "ab\\xe2\\x82" },                /* cut at the end */
	{ "\xe2\x82" "x", "\\xe2\\x82x" },               /* cut in the middle */
	{ "\xc3\x28", "\\xc3(" },
	{ "\xfe\xff", "\\xfe\\xff" },
	/* format characters that reorder or break a line */
	{ "abc\xe2\x80\xae" "txt.exe", "abc\\xe2\\x80\\xaetxt.exe" }, /* U+202E */
	{ "a\xe2\x80\xa8" "b", "a\\xe2\\x80\\xa8b" },                 /* U+2028 */
	{ "\xe2\x81\xa6" "x\xe2\x81\xa9", "\\xe2\\x81\\xa6x\\xe2\\x81\\xa9" },
	{ "\xe2\x80\x8f", "\\xe2\\x80\\x8f" },
	{ "\xe2\x80\x8b", "\xe2\x80\x8b" }, /* zero width space: shown */
};

#define N (sizeof(cases) / sizeof(cases[0]))

static void table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N; i++) {
		char *got = rs_text_safe(cases[i].in);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
		assert_true(rs_text_is_safe(got));
		assert_int_equal(rs_text_is_safe(cases[i].in), strcmp(cases[i].in, got) == 0);
		/* Safe text is left alone: applying the rule twice changes nothing. */
		char *again = rs_text_safe(got);
		assert_string_equal(again, got);
		free(again);
		free(got);
	}
	assert_null(rs_text_safe(NULL));
}

static void with_nuls_and_cut(void **state)
{
	(void)state;
	char *s = rs_text_safe_n("a\0b\x1b", 4);
	assert_string_equal(s, "a\\x00b\\x1b");
	free(s);
	char buf[16];
	/* An escape or a character is never cut in half. */
	assert_string_equal(rs_text_safe_copy(buf, 6, "ab\x1b" "cd", 5), "ab");
	assert_string_equal(rs_text_safe_copy(buf, 7, "ab\x1b" "cd", 5), "ab\\x1b");
	assert_string_equal(rs_text_safe_copy(buf, 8, "ab\x1b" "cd", 5), "ab\\x1bc");
	assert_string_equal(rs_text_safe_copy(buf, 4, "a\xe2\x82\xac", 4), "a");
	assert_string_equal(rs_text_safe_copy(buf, 5, "a\xe2\x82\xac", 4), "a\xe2\x82\xac");
	assert_string_equal(rs_text_safe_copy(buf, 1, "abc", 3), "");
}

static void next_reports_kinds(void **state)
{
	(void)state;
	unsigned cp;
	enum rs_text_kind k;
	assert_int_equal(rs_text_next("\xe2\x82\xac", 3, &cp, &k), 3);
	assert_int_equal(cp, 0x20ac);
	assert_int_equal(k, RS_TEXT_SHOWN);
	assert_int_equal(rs_text_next("\xc2\x9b", 2, &cp, &k), 2);
	assert_int_equal(cp, 0x9b);
	assert_int_equal(k, RS_TEXT_CONTROL);
	/* A sequence cut by the length given is invalid, one byte at a time. */
	assert_int_equal(rs_text_next("\xe2\x82\xac", 2, &cp, &k), 1);
	assert_int_equal(cp, 0xe2);
	assert_int_equal(k, RS_TEXT_INVALID);
}

static char *json_of(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct rs_json j;
	rs_json_init(&j, f);
	rs_json_string(&j, s);
	fclose(f);
	return buf;
}

/* JSON output is valid (UTF-8, every control escaped) and terminal-safe, and
 * still decodes to the same text where the text was valid UTF-8. */
static void json_escapes_what_json_and_terminals_need(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} j[] = {
		{ "q\"b\\s", "\"q\\\"b\\\\s\"" },
		{ "\x1b[2J\n\t\r\b\f", "\"\\u001b[2J\\n\\t\\r\\u0008\\u000c\"" },
		{ "\x7f", "\"\\u007f\"" },
		{ "\xc2\x9b" "31m", "\"\\u009b31m\"" },
		{ "x\xe2\x80\xae" "y\xe2\x80\xa8", "\"x\\u202ey\\u2028\"" },
		{ "bad\xff\xc0\xaf" "end", "\"bad\\ufffd\\ufffd\\ufffdend\"" },
		{ "Caf\xc3\xa9 \xf0\x9f\x98\x80", "\"Caf\xc3\xa9 \xf0\x9f\x98\x80\"" },
	};
	for (size_t i = 0; i < sizeof(j) / sizeof(j[0]); i++) {
		char *got = json_of(j[i].in);
		if (strcmp(got, j[i].want) != 0)
			fail_msg("json case %zu: got %s, want %s", i, got, j[i].want);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(with_nuls_and_cut),
		cmocka_unit_test(next_reports_kinds),
		cmocka_unit_test(json_escapes_what_json_and_terminals_need),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
