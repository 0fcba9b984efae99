/* Kconfig fragments, expanded-file parsing, the survival check and the hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/kconfig.h"

static const char expanded[] =
	"# Automatically generated file; DO NOT EDIT.\n"
	"# Klipper Firmware Configuration\n"
	"CONFIG_LOW_LEVEL_OPTIONS=y\n"
	"CONFIG_MACH_STM32=y\n"
	"CONFIG_MACH_STM32F446=y\n"
	"CONFIG_MCU=\"stm32f446xx\"\n"
	"CONFIG_STM32_FLASH_START_8000=y\n"
	"# CONFIG_STM32_FLASH_START_0000 is not set\n"
	"# CONFIG_STM32_CLOCK_REF_8M is not set\n"
	"CONFIG_STM32_CLOCK_REF_12M=y\n"
	"CONFIG_CLOCK_REF_FREQ=12000000\n"
	"\n"
	"# CONFIG_USB_SERIAL_NUMBER_CHIPID is not set\n"
	"CONFIG_USB_SERIAL_NUMBER=\"btt-octopus-pro-446\"\r\n";

static void fragment_with_serial(void **state)
{
	(void)state;
	struct rs_board b = { 0 };
	rs_strv_push(&b.klipper, "CONFIG_LOW_LEVEL_OPTIONS=y");
	rs_strv_push(&b.klipper, "CONFIG_MACH_STM32=y");
	b.usb_serial = strdup("we\"ird\\id");
	struct rs_strv lines = { 0 };
	rs_kconfig_fragment(&b, &lines);
	assert_int_equal(lines.count, 4);
	assert_string_equal(lines.items[0], "CONFIG_LOW_LEVEL_OPTIONS=y");
	assert_string_equal(lines.items[2], "# CONFIG_USB_SERIAL_NUMBER_CHIPID is not set");
	assert_string_equal(lines.items[3], "CONFIG_USB_SERIAL_NUMBER=\"we\\\"ird\\\\id\"");
	char *text = rs_kconfig_join(&lines);
	assert_string_equal(text, "CONFIG_LOW_LEVEL_OPTIONS=y\nCONFIG_MACH_STM32=y\n"
				  "# CONFIG_USB_SERIAL_NUMBER_CHIPID is not set\n"
				  "CONFIG_USB_SERIAL_NUMBER=\"we\\\"ird\\\\id\"\n");
	free(text);
	rs_strv_free(&lines);
	free(b.usb_serial);
	b.usb_serial = NULL;
	rs_kconfig_fragment(&b, &lines);
	assert_int_equal(lines.count, 2); /* no serial, no serial lines */
	rs_strv_free(&lines);
	rs_strv_free(&b.klipper);
}

static void parse_lines(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		const char *key, *value; /* key NULL: not a setting */
	} t[] = {
		{ "CONFIG_A=y", "CONFIG_A", "y" },
		{ "CONFIG_B=\"x=y\"\n", "CONFIG_B", "\"x=y\"" },
		{ "CONFIG_C=", "CONFIG_C", "" },
		{ "# CONFIG_D is not set", "CONFIG_D", NULL },
		{ "# CONFIG_ is not set", NULL, NULL },
		{ "# Klipper Firmware Configuration", NULL, NULL },
		{ "", NULL, NULL },
		{ "CONFIG_=y", NULL, NULL },
		{ "CONFIG_A B=y", NULL, NULL },
		{ "NOTCONFIG_A=y", NULL, NULL },
		{ "#CONFIG_E is not set", NULL, NULL },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *k = NULL, *v = NULL;
		bool ok = rs_kconfig_parse_line(t[i].line, &k, &v);
		assert_int_equal(ok, t[i].key != NULL);
		if (!ok)
			continue;
		assert_string_equal(k, t[i].key);
		if (t[i].value)
			assert_string_equal(v, t[i].value);
		else
			assert_null(v);
		free(k);
		free(v);
	}
}

static void parse_and_get(void **state)
{
	(void)state;
	struct rs_kconfig kc;
	rs_kconfig_parse(expanded, sizeof(expanded) - 1, &kc);
	assert_int_equal(kc.count, 11);
	assert_string_equal(rs_kconfig_get(&kc, "CONFIG_MCU"), "\"stm32f446xx\"");
	assert_string_equal(rs_kconfig_get(&kc, "CONFIG_STM32_CLOCK_REF_8M"), "n");
	assert_string_equal(rs_kconfig_get(&kc, "CONFIG_USB_SERIAL_NUMBER"),
			    "\"btt-octopus-pro-446\"");
	assert_null(rs_kconfig_get(&kc, "CONFIG_NOPE"));
	assert_int_equal(rs_kconfig_find(&kc, "CONFIG_CLOCK_REF_FREQ")->line, 11);
	rs_kconfig_free(&kc);
}

static bool check(const char *const *req, size_t n, struct rs_errors *errs)
{
	struct rs_strv v = { 0 };
	for (size_t i = 0; i < n; i++)
		rs_strv_push(&v, req[i]);
	struct rs_kconfig kc;
	rs_kconfig_parse(expanded, sizeof(expanded) - 1, &kc);
	bool ok = rs_kconfig_check(&v, &kc, "board.config", errs);
	rs_kconfig_free(&kc);
	rs_strv_free(&v);
	return ok;
}

static void survival(void **state)
{
	(void)state;
	struct rs_errors errs = { 0 };
	const char *good[] = { "CONFIG_LOW_LEVEL_OPTIONS=y", "CONFIG_STM32_CLOCK_REF_12M=y",
			       "# CONFIG_USB_SERIAL_NUMBER_CHIPID is not set",
			       "CONFIG_USB_SERIAL_NUMBER=\"btt-octopus-pro-446\"",
			       "# a comment requests nothing" };
	assert_true(check(good, 5, &errs));
	assert_int_equal(errs.count, 0);

	/* The 8 MHz crystal was requested but Kconfig kept 12 MHz. */
	const char *dropped[] = { "CONFIG_STM32_CLOCK_REF_8M=y" };
	assert_false(check(dropped, 1, &errs));
	assert_int_equal(errs.count, 1);
	assert_int_equal(errs.items[0].line, 9);
	assert_string_equal(errs.items[0].msg,
			    "requested 'CONFIG_STM32_CLOCK_REF_8M=y' did not survive olddefconfig: "
			    "the expanded config says '# CONFIG_STM32_CLOCK_REF_8M is not set'");
	rs_errors_clear(&errs);

	/* A "not set" request is checked too. */
	const char *notset[] = { "# CONFIG_STM32_FLASH_START_8000 is not set",
				 "CONFIG_CLOCK_REF_FREQ=8000000", "CONFIG_FROB=y" };
	assert_false(check(notset, 3, &errs));
	assert_int_equal(errs.count, 3);
	assert_non_null(strstr(errs.items[0].msg, "says 'CONFIG_STM32_FLASH_START_8000=y'"));
	assert_non_null(strstr(errs.items[1].msg, "says 'CONFIG_CLOCK_REF_FREQ=12000000'"));
	assert_non_null(strstr(errs.items[2].msg, "the expanded config has no CONFIG_FROB"));
	rs_errors_clear(&errs);
}

static void hash(void **state)
{
	(void)state;
	struct rs_kconfig a, b, c;
	char ha[RS_SHA256_HEX_LEN], hb[RS_SHA256_HEX_LEN], hc[RS_SHA256_HEX_LEN];
	rs_kconfig_parse("# header\nCONFIG_A=y\n# CONFIG_B is not set\n", 42, &a);
	rs_kconfig_parse("CONFIG_A=y\n\n# other comment\n# CONFIG_B is not set", 49, &b);
	rs_kconfig_parse("CONFIG_A=y\nCONFIG_B=y\n", 22, &c);
	rs_kconfig_hash(&a, ha);
	rs_kconfig_hash(&b, hb);
	rs_kconfig_hash(&c, hc);
	assert_string_equal(ha, hb); /* comments and blank lines do not count */
	assert_string_not_equal(ha, hc);
	assert_int_equal(strlen(ha), 64);
	rs_kconfig_free(&a);
	rs_kconfig_free(&b);
	rs_kconfig_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fragment_with_serial), cmocka_unit_test(parse_lines),
		cmocka_unit_test(parse_and_get),        cmocka_unit_test(survival),
		cmocka_unit_test(hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
