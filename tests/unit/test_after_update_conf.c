/* The after-update settings file: off by default, yes/no only, and every
 * mistake an error with its file:line:col; the output is untouched then. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/after_update_conf.h"

static bool parse(const char *text, struct rs_after_update_conf *c, struct rs_errors *errs)
{
	return rs_after_update_conf_parse(text, strlen(text), "after-update.conf", c, errs);
}

static void test_defaults_and_values(void **state)
{
	(void)state;
	struct rs_after_update_conf c;
	rs_after_update_conf_defaults(&c);
	assert_false(c.auto_flash_usb);
	struct rs_errors errs = { 0 };
	/* The file as shipped: comments, blank lines, the default. */
	assert_true(parse("# what runs after a Klipper update\n\n  # indented comment\n"
			  "auto_flash_usb = no\n",
			  &c, &errs));
	assert_false(c.auto_flash_usb);
	assert_true(parse("auto_flash_usb=yes", &c, &errs)); /* no final newline, no spaces */
	assert_true(c.auto_flash_usb);
	assert_true(parse("\tauto_flash_usb\t=  no  \r\n", &c, &errs)); /* CRLF, tabs */
	assert_false(c.auto_flash_usb);
	assert_true(parse("", &c, &errs)); /* empty: the defaults stay */
	assert_int_equal(errs.count, 0);
	rs_errors_clear(&errs);
}

struct bad {
	const char *text;
	int line, col;
	enum rs_error_code code;
	const char *msg;
};

static void test_errors(void **state)
{
	(void)state;
	static const struct bad cases[] = {
		{ "auto_flash_usb = true\n", 1, 18, RS_ERR_VALUE,
		  "auto_flash_usb takes yes or no, not 'true'" },
		{ "auto_flash_usb = Yes\n", 1, 18, RS_ERR_VALUE, "not 'Yes'" },
		{ "auto_flash_usb = yes # on\n", 1, 18, RS_ERR_VALUE, "not 'yes # on'" },
		{ "auto_flash_usb =\n", 1, 17, RS_ERR_VALUE, "not ''" },
		{ "# c\n\nauto_flash_all = yes\n", 3, 1, RS_ERR_UNKNOWN_KEY,
		  "unknown setting 'auto_flash_all'" },
		{ "auto_flash_usb = no\nauto_flash_usb = yes\n", 2, 1, RS_ERR_DUPLICATE_KEY,
		  "auto_flash_usb is set twice" },
		{ "\n auto_flash_usb yes\n", 2, 17, RS_ERR_SYNTAX, "expected 'key = value'" },
		{ "[after-update]\n", 1, 1, RS_ERR_SYNTAX, "expected 'key = value'" },
		{ "AUTO_FLASH_USB = yes\n", 1, 1, RS_ERR_SYNTAX, "expected 'key = value'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rs_after_update_conf c = { .auto_flash_usb = true };
		struct rs_errors errs = { 0 };
		assert_false(parse(cases[i].text, &c, &errs));
		assert_true(c.auto_flash_usb); /* untouched */
		assert_int_equal(errs.count, 1);
		char buf[600];
		rs_error_format(&errs.items[0], buf, sizeof(buf));
		if (errs.items[0].line != cases[i].line || errs.items[0].col != cases[i].col ||
		    errs.items[0].code != cases[i].code || !strstr(buf, cases[i].msg))
			fail_msg("case %zu: got %s (code %d), want %d:%d %s", i, buf,
				 errs.items[0].code, cases[i].line, cases[i].col, cases[i].msg);
		assert_non_null(strstr(buf, "after-update.conf:"));
		rs_errors_clear(&errs);
	}
}

static void test_every_error_reported(void **state)
{
	(void)state;
	struct rs_after_update_conf c;
	rs_after_update_conf_defaults(&c);
	struct rs_errors errs = { 0 };
	assert_false(parse("auto_flash_usb = yes\nnonsense\nother = 1\n", &c, &errs));
	assert_false(c.auto_flash_usb); /* the good line is not taken either */
	assert_int_equal(errs.count, 2);
	assert_int_equal(errs.items[0].line, 2);
	assert_int_equal(errs.items[1].line, 3);
	rs_errors_clear(&errs);
	/* A NUL: not a text file. */
	assert_false(rs_after_update_conf_parse("auto_flash_usb = yes\0", 21, "f", &c, &errs));
	assert_int_equal(errs.count, 1);
	assert_int_equal(errs.items[0].code, RS_ERR_ENCODING);
	rs_errors_clear(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_every_error_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
