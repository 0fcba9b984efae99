/* The loader rejects hostile and mistaken board files with the exact
 * position and kind of the problem, and accepts the valid base document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board_loader.h"
#include "core/xalloc.h"

static const char base[] =
	"id: test-board\n"                      /* 1 */
	"name: Test Board\n"                    /* 2 */
	"manufacturer: ACME\n"                  /* 3 */
	"kind: control\n"                       /* 4 */
	"mcu: stm32f446xx\n"                    /* 5 */
	"support:\n"                            /* 6 */
	"  level: full\n"                       /* 7 */
	"klipper:\n"                            /* 8 */
	"  - CONFIG_LOW_LEVEL_OPTIONS=y\n"      /* 9 */
	"  - CONFIG_MACH_STM32=y\n"             /* 10 */
	"  - CONFIG_MACH_STM32F446=y\n"         /* 11 */
	"usb_serial: test-board\n"              /* 12 */
	"flash:\n"                              /* 13 */
	"  method: usb\n"                       /* 14 */
	"drivers:\n"                            /* 15 */
	"  count: 4\n"                          /* 16 */
	"  power_jumpers: true\n"               /* 17 */
	"  motor_voltages: [24, 48]\n"          /* 18 */
	"endstop_rail: 5V\n"                    /* 19 */
	"docs: https://example.com/board\n";    /* 20 */

/* base with the first occurrence of from replaced by to. */
static char *edit(const char *from, const char *to)
{
	const char *at = strstr(base, from);
	assert_non_null(at);
	return rs_xasprintf("%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
}

struct bad_case {
	const char *from, *to; /* edit of base; from == NULL: to is the whole document */
	int line, col;
	enum rs_error_code code;
};

/* The flash block as an SD-card board (lines 14-17): values at 16:11 and 17:17. */
#define SD(file, renamed)                                                                     \
	"  method: sdcard\n  sdcard:\n    file: " file "\n    renamed_to: " renamed "\n"
#define SD_FILE(v) { "  method: usb\n", SD(v, "FIRMWARE.CUR"), 16, 11, RS_ERR_VALUE }
#define SD_RENAMED(v) { "  method: usb\n", SD("firmware.bin", v), 17, 17, RS_ERR_VALUE }

/* flash.katapult (lines 15-16; the offset's value at 16:13): base's build
 * starts the firmware at 0x0, which leaves no room for Katapult. */
#define KATAPULT(v) "  method: usb\n  katapult:\n    offset: " v "\n"

static const struct bad_case cases[] = {
	/* Katapult's offset against the build's start */
	{ "  method: usb\n", KATAPULT("0x8000"), 16, 13, RS_ERR_VALUE }, /* build at 0x0 */
	{ "  method: usb\n", KATAPULT("0x1000000"), 16, 13, RS_ERR_TYPE },
	{ "  method: usb\n", KATAPULT("32768"), 16, 13, RS_ERR_TYPE },
	{ "  method: usb\n", KATAPULT("0x"), 16, 13, RS_ERR_TYPE },
	{ "  method: usb\n", KATAPULT("0x0"), 16, 13, RS_ERR_RANGE },
	{ "  method: usb\n", "  method: usb\n  katapult: {}\n", 15, 13, RS_ERR_MISSING_KEY },
	{ "  method: usb\n", "  method: usb\n  katapult:\n    offset: 0x8000\n    size: 1\n", 17, 5,
	  RS_ERR_UNKNOWN_KEY },
	/* sdcard.file and renamed_to: plain 8.3 names only */
	SD_FILE("../firmware.bin"),
	SD_FILE("/firmware.bin"),
	SD_FILE("fw/a.bin"),
	SD_FILE("'fw\\a.bin'"),
	SD_FILE("\"*.bin\""),
	SD_FILE("fw?.bin"),
	SD_FILE("\"[ab].bin\""),
	SD_FILE("fw]a.bin"),
	SD_FILE("-firmware.bin"),
	SD_FILE("-v"),
	SD_FILE(".firmware"),
	SD_FILE("fw@@1.bin"),
	SD_FILE("\"fw\\e[2J.bin\""),   /* YAML escape for ESC */
	SD_FILE("\"fw\\u009b.bin\""),  /* C1 CSI */
	SD_FILE("\"fw\\t.bin\""),
	SD_FILE("f\xc3\xa9.bin"),        /* not ASCII */
	SD_FILE("\"fw a.bin\""),
	SD_FILE("firmware1.bin"),       /* 9 before the dot */
	SD_FILE("firmware.bins"),       /* 4 after it */
	SD_FILE("firmware."),
	SD_FILE("fw.tar.gz"),
	SD_FILE("firmware12"),
	SD_RENAMED("FIRMWARE/CUR"),
	SD_RENAMED("FIRMWARE.CURR"),
	SD_RENAMED("\"*\""),
	SD_RENAMED("-OLD.BIN"),
	SD_RENAMED("FIRMWARE.BIN"),     /* the same name as file, in another case */
	{ "  method: usb\n", SD("firmware.bin", "\"\""), 17, 17, RS_ERR_EMPTY },
	/* flash.remote_sd.board goes to flash-sdcard.sh as an argument */
	{ "  method: usb\n", SD("firmware.bin", "FIRMWARE.CUR") "  remote_sd:\n    board: -l\n    power_cycle: true\n", 19, 12, RS_ERR_VALUE },
	{ "  method: usb\n", SD("firmware.bin", "FIRMWARE.CUR") "  remote_sd:\n    board: \"a b\"\n    power_cycle: true\n", 19, 12, RS_ERR_VALUE },
	{ "  method: usb\n", SD("firmware.bin", "FIRMWARE.CUR") "  remote_sd:\n    board: btt-skr-v1.4\n", 19, 5, RS_ERR_MISSING_KEY },
	{ "  method: usb\n", "  method: usb\n  remote_sd:\n    board: btt-skr-v1.4\n    power_cycle: false\n", 16, 5, RS_ERR_MISSING_KEY },
	{ "docs: https://example.com/board\n", "docs: https://example.com/board\ncolour: red\n", 21, 1, RS_ERR_UNKNOWN_KEY },
	{ "name: Test Board\n", "name: Test Board\nname: Again\n", 3, 1, RS_ERR_DUPLICATE_KEY },
	{ "mcu: stm32f446xx", "mcu: &m stm32f446xx", 5, 6, RS_ERR_ALIAS },
	{ NULL, "id: &a test-board\nname: *a\n", 1, 5, RS_ERR_ALIAS },
	{ "  count: 4", "  count: four", 16, 10, RS_ERR_TYPE },
	{ "  count: 4", "  count: \"4\"", 16, 10, RS_ERR_TYPE },
	{ "  count: 4", "  count: -4", 16, 10, RS_ERR_TYPE },
	{ "  count: 4", "  count: 17", 16, 10, RS_ERR_RANGE },
	{ "[24, 48]", "[24, 480]", 18, 24, RS_ERR_RANGE },
	{ "[24, 48]", "[]", 18, 19, RS_ERR_RANGE },
	{ "id: test-board", "id: Test_Board", 1, 5, RS_ERR_VALUE },
	{ "id: test-board", "id: other-board", 1, 5, RS_ERR_VALUE },
	{ "  - CONFIG_MACH_STM32F446=y", "  - MACH_STM32F446=y", 11, 5, RS_ERR_VALUE },
	{ "  - CONFIG_MACH_STM32F446=y", "  - CONFIG_mach_stm32=y", 11, 5, RS_ERR_VALUE },
	{ "  - CONFIG_MACH_STM32F446=y", "  - CONFIG_FLASH=", 11, 5, RS_ERR_VALUE },
	{ "CONFIG_LOW_LEVEL_OPTIONS=y", "CONFIG_FOO=y", 9, 5, RS_ERR_VALUE },
	{ "CONFIG_MACH_STM32=y", "CONFIG_X=y", 10, 5, RS_ERR_VALUE },
	{ "  - CONFIG_MACH_STM32F446=y", "  - CONFIG_USB_SERIAL_NUMBER=\"x\"", 11, 5, RS_ERR_VALUE },
	{ "name: Test Board", "name: \"\"", 2, 7, RS_ERR_EMPTY },
	{ "name: Test Board", "name:", 2, 6, RS_ERR_EMPTY },
	{ "endstop_rail: 5V\n", "", 1, 1, RS_ERR_MISSING_KEY },
	{ "kind: control", "kind: mainboard", 4, 7, RS_ERR_VALUE },
	{ "power_jumpers: true", "power_jumpers: yes", 17, 18, RS_ERR_TYPE },
	{ "name: Test Board", "name: {a: 1}", 2, 7, RS_ERR_TYPE },
	{ "support:\n  level: full", "support: [full]", 6, 10, RS_ERR_TYPE },
	{ "name: Test Board", "name: [unclosed", 3, 13, RS_ERR_SYNTAX },
	{ "manufacturer: ACME", "manufacturer: AC\xff", 3, 17, RS_ERR_ENCODING },
	{ "manufacturer: ACME", "manufacturer: AC\xc0\xaf", 3, 17, RS_ERR_ENCODING },
	{ "manufacturer: ACME", "manufacturer: \xed\xa0\x80", 3, 15, RS_ERR_ENCODING },
	{ "name: Test Board", "name: Te\x01st", 2, 9, RS_ERR_ENCODING },
	{ NULL, "", 1, 1, RS_ERR_EMPTY },
	{ NULL, "- just\n- a list\n", 1, 1, RS_ERR_TYPE },
	{ "docs: https://example.com/board\n", "docs: https://example.com/board\n---\nid: x\n", 21, 1, RS_ERR_SYNTAX },
	{ "  count: 4", "  count: !!str 4", 16, 10, RS_ERR_TYPE },
	{ "  level: full", "  level: partial", 7, 3, RS_ERR_MISSING_KEY },
	{ "  level: full", "  level: best", 7, 10, RS_ERR_VALUE },
	{ "  method: usb", "  method: sdcard", 14, 3, RS_ERR_MISSING_KEY },
	{ "  count: 4\n", "  count: 4\n  sockets: [A, B]\n", 17, 12, RS_ERR_RANGE },
	{ "  motor_voltages: [24, 48]\n", "", 16, 3, RS_ERR_MISSING_KEY },
	{ "docs: https://example.com/board", "docs: example.com", 20, 7, RS_ERR_VALUE },
	{ "usb_serial: test-board", "usb_serial: test board", 12, 13, RS_ERR_VALUE },
	{ "usb_serial: test-board", "usb_serial:\n  - a", 13, 3, RS_ERR_TYPE },
	{ NULL, "a: [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]\n", 1, 20, RS_ERR_RANGE },
	{ "[24, 48]", "[24, 4.5]", 18, 24, RS_ERR_TYPE },
	{ "mcu: stm32f446xx", "? [a, b]\n: c\nmcu: stm32f446xx", 5, 3, RS_ERR_TYPE },
};

static void test_bad_inputs(void **state)
{
	(void)state;
	unsigned wrong = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		char *doc = c->from ? edit(c->from, c->to) : rs_xstrdup(c->to);
		struct rs_errors errs = { 0 };
		struct rs_board b;
		bool ok = rs_board_parse("t.yaml", doc, strlen(doc), "test-board", &b, &errs);
		char got[600] = "(no error)";
		if (errs.count)
			rs_error_format(&errs.items[0], got, sizeof(got));
		if (ok || errs.count == 0 || errs.items[0].line != c->line ||
		    errs.items[0].col != c->col || errs.items[0].code != c->code) {
			print_error("case %zu: want %d:%d %s, got %s [%s]\n", i, c->line, c->col,
				    rs_error_code_name(c->code), got,
				    errs.count ? rs_error_code_name(errs.items[0].code) : "-");
			wrong++;
		}
		assert_null(b.id); /* output untouched on failure */
		rs_errors_clear(&errs);
		free(doc);
	}
	assert_int_equal(wrong, 0);
}

static void test_base_is_valid(void **state)
{
	(void)state;
	struct rs_errors errs = { 0 };
	struct rs_board b;
	assert_true(rs_board_parse("t.yaml", base, strlen(base), "test-board", &b, &errs));
	assert_int_equal(errs.count, 0);
	assert_string_equal(b.mcu, "stm32f446xx");
	assert_int_equal(b.driver_count, 4);
	assert_int_equal(b.sockets.count, 4); /* defaulted MOTOR0..3 */
	assert_string_equal(b.sockets.items[3], "MOTOR3");
	assert_int_equal(b.motor_voltage_count, 2);
	assert_int_equal(b.motor_voltages[1], 48);
	assert_int_equal(b.endstop_rail, RS_RAIL_5V);
	assert_true(b.power_jumpers);
	assert_string_equal(b.docs_url, "https://example.com/board");
	rs_board_free(&b);
}

/* A board the documentation has no page for leaves docs out: it loads, with no
 * link, rather than carrying a dead one. */
/* A build that starts the firmware at Katapult's offset carries it. */
static void test_katapult(void **state)
{
	(void)state;
	static const char *const starts[][2] = {
		{ "  - CONFIG_STM32_FLASH_START_8000=y", "0x8000" },
		{ "  - CONFIG_STM32_FLASH_START_2000=y", "0x2000" },
		{ "  - CONFIG_RPXXXX_FLASH_START_4000=y", "0x4000" },
		{ "  - CONFIG_LPC_FLASH_START_4000=y", "0x4000" },
	};
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		char *line = rs_xasprintf("  - CONFIG_MACH_STM32F446=y\n%s\n", starts[i][0]);
		char *one = edit("  - CONFIG_MACH_STM32F446=y\n", line);
		const char *at = strstr(one, "  method: usb\n");
		char *doc = rs_xasprintf("%.*s  method: usb\n  katapult:\n    offset: %s\n%s",
					 (int)(at - one), one, starts[i][1], at + 14);
		struct rs_errors errs = { 0 };
		struct rs_board b;
		assert_true(rs_board_parse("t.yaml", doc, strlen(doc), "test-board", &b, &errs));
		assert_int_equal(b.katapult_offset, (unsigned)strtoul(starts[i][1], NULL, 16));
		rs_board_free(&b);
		free(line);
		free(one);
		free(doc);
	}
	/* RP2040's 256-byte boot stage is not room for a bootloader. */
	char *one = edit("  - CONFIG_MACH_STM32F446=y\n",
			 "  - CONFIG_MACH_STM32F446=y\n  - CONFIG_RPXXXX_FLASH_START_0100=y\n");
	const char *at = strstr(one, "  method: usb\n");
	char *doc = rs_xasprintf("%.*s  method: usb\n  katapult:\n    offset: 0x100\n%s",
			   (int)(at - one), one, at + 14);
	struct rs_errors errs = { 0 };
	struct rs_board b;
	assert_false(rs_board_parse("t.yaml", doc, strlen(doc), "test-board", &b, &errs));
	char got[600];
	rs_error_format(&errs.items[0], got, sizeof(got));
	assert_non_null(strstr(got, "t.yaml:17:13: "));
	assert_non_null(strstr(got, "no room for Katapult"));
	rs_errors_clear(&errs);
	free(one);
	free(doc);
	/* An offset the build does not start at: would not boot. */
	one = edit("  - CONFIG_MACH_STM32F446=y\n",
		   "  - CONFIG_MACH_STM32F446=y\n  - CONFIG_STM32_FLASH_START_8000=y\n");
	at = strstr(one, "  method: usb\n");
	doc = rs_xasprintf("%.*s  method: usb\n  katapult:\n    offset: 0x4000\n%s",
			   (int)(at - one), one, at + 14);
	assert_false(rs_board_parse("t.yaml", doc, strlen(doc), "test-board", &b, &errs));
	rs_error_format(&errs.items[0], got, sizeof(got));
	assert_non_null(strstr(got, "t.yaml:17:13: Katapult's offset 0x4000 is not where the build "
				    "puts the firmware (0x8000"));
	rs_errors_clear(&errs);
	free(one);
	free(doc);
	/* No field: no Katapult. */
	assert_true(rs_board_parse("t.yaml", base, strlen(base), "test-board", &b, &errs));
	assert_int_equal(b.katapult_offset, 0);
	rs_board_free(&b);
}

static void test_docs_optional(void **state)
{
	(void)state;
	struct rs_errors errs = { 0 };
	struct rs_board b;
	char *doc = edit("docs: https://example.com/board\n", "");
	assert_true(rs_board_parse("t.yaml", doc, strlen(doc), "test-board", &b, &errs));
	assert_int_equal(errs.count, 0);
	assert_null(b.docs_url);
	rs_board_free(&b);
	free(doc);
}

/* The names bootloaders use, in either case, and other 8.3 names load; a
 * rejected one says which name and why, the value shown display-safe. */
static void test_sd_names(void **state)
{
	(void)state;
	static const char *const good[][2] = {
		{ "firmware.bin", "FIRMWARE.CUR" }, { "firmware.bin", "OLD.BIN" },
		{ "FIRMWARE.BIN", "firmware.cur" }, { "fw_2-a.bin", "A" },
		{ "KLIPPER", "K.B" },               { "Robin_e3.bin", "ROBIN_E3.CUR" },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *block = rs_xasprintf("  method: sdcard\n  sdcard:\n    file: %s\n"
					   "    renamed_to: %s\n", good[i][0], good[i][1]);
		char *doc = edit("  method: usb\n", block);
		struct rs_errors errs = { 0 };
		struct rs_board b;
		bool ok = rs_board_parse("t.yaml", doc, strlen(doc), "test-board", &b, &errs);
		if (!ok)
			fail_msg("%s / %s rejected: %s", good[i][0], good[i][1], errs.items[0].msg);
		assert_string_equal(b.sd_file, good[i][0]);
		assert_string_equal(b.sd_renamed, good[i][1]);
		rs_board_free(&b);
		free(doc);
		free(block);
	}
	static const char *const bad[][2] = {
		{ SD("../firmware.bin", "FIRMWARE.CUR"),
		  "'file' must be a plain 8.3 file name like firmware.bin or FIRMWARE.CUR; "
		  "\"../firmware.bin\" holds '/': it names a file in the card's root, not a path" },
		{ SD("\"fw\\e[2J.bin\"", "FIRMWARE.CUR"),
		  "'file' must be a plain 8.3 file name like firmware.bin or FIRMWARE.CUR; "
		  "\"fw\\x1b[2J.bin\" holds a control character" },
		{ SD("firmware.bin", "FIRMWARE.CURR"),
		  "'renamed_to' must be a plain 8.3 file name like firmware.bin or FIRMWARE.CUR; "
		  "\"FIRMWARE.CURR\" has 4 characters after the '.' (1 to 3)" },
		{ SD("fw@@1.bin", "FIRMWARE.CUR"),
		  "'file' must be a plain 8.3 file name like firmware.bin or FIRMWARE.CUR; "
		  "\"fw@@1.bin\" holds '@' (mtools reads \"@@\" as an offset)" },
		{ SD("-v", "FIRMWARE.CUR"),
		  "'file' must be a plain 8.3 file name like firmware.bin or FIRMWARE.CUR; "
		  "\"-v\" starts with '-', which tools read as an option" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *doc = edit("  method: usb\n", bad[i][0]);
		struct rs_errors errs = { 0 };
		struct rs_board b;
		assert_false(rs_board_parse("t.yaml", doc, strlen(doc), "test-board", &b, &errs));
		assert_int_equal(errs.count, 1);
		assert_string_equal(errs.items[0].msg, bad[i][1]);
		rs_errors_clear(&errs);
		free(doc);
	}
}

static void test_oversized(void **state)
{
	(void)state;
	size_t len = RS_BOARD_FILE_MAX + 1;
	char *doc = rs_xmalloc(len);
	memset(doc, '#', len);
	struct rs_errors errs = { 0 };
	struct rs_board b;
	assert_false(rs_board_parse("big.yaml", doc, len, NULL, &b, &errs));
	assert_int_equal(errs.items[0].code, RS_ERR_TOO_LARGE);
	assert_int_equal(errs.items[0].line, 1);
	rs_errors_clear(&errs);
	free(doc);
}

static void test_every_error_reported(void **state)
{
	(void)state;
	/* Three independent mistakes: all three are reported, in file order. */
	char *a = edit("kind: control", "kind: mainboard");
	char *doc = rs_xasprintf("%s%s", a, "colour: red\nsize: 3\n");
	struct rs_errors errs = { 0 };
	struct rs_board b;
	assert_false(rs_board_parse("t.yaml", doc, strlen(doc), "test-board", &b, &errs));
	assert_int_equal(errs.count, 3);
	assert_int_equal(errs.items[0].line, 4);
	assert_int_equal(errs.items[1].line, 21);
	assert_int_equal(errs.items[2].line, 22);
	char line[600];
	assert_string_equal(rs_error_format(&errs.items[1], line, sizeof(line)),
			    "t.yaml:21:1: unknown key 'colour'");
	rs_errors_clear(&errs);
	free(doc);
	free(a);
}

static const char drivers_base[] =
	"drivers:\n"
	"  - id: BTT-TMC2209-13\n"
	"    name: BTT TMC2209 v1.3\n"
	"    chip: TMC2209\n"
	"    protocol: uart\n"
	"    sense_ohm: 0.11\n"
	"    voltages: [24]\n"
	"    max_current: 2.0\n";

static void test_drivers(void **state)
{
	(void)state;
	struct rs_catalog cat = { 0 };
	struct rs_errors errs = { 0 };
	assert_true(rs_drivers_parse("d.yaml", drivers_base, strlen(drivers_base), &cat, &errs));
	assert_int_equal(cat.driver_count, 1);
	assert_true(cat.drivers[0].sense_ohm > 0.109 && cat.drivers[0].sense_ohm < 0.111);

	static const struct { const char *from, *to; int line, col; enum rs_error_code code; } bad[] = {
		{ "protocol: uart", "protocol: i2c", 5, 15, RS_ERR_VALUE },
		{ "id: BTT-TMC2209-13", "id: btt-tmc2209", 2, 9, RS_ERR_VALUE },
		{ "sense_ohm: 0.11", "sense_ohm: 5", 6, 16, RS_ERR_RANGE },
		{ "max_current: 2.0", "max_current: nan", 8, 18, RS_ERR_TYPE },
		{ "drivers:", "driver:", 1, 1, RS_ERR_TYPE },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *at = strstr(drivers_base, bad[i].from);
		char *doc = rs_xasprintf("%.*s%s%s", (int)(at - drivers_base), drivers_base, bad[i].to,
					 at + strlen(bad[i].from));
		struct rs_catalog c2 = { 0 };
		assert_false(rs_drivers_parse("d.yaml", doc, strlen(doc), &c2, &errs));
		if (errs.items[0].line != bad[i].line || errs.items[0].col != bad[i].col ||
		    errs.items[0].code != bad[i].code)
			fail_msg("driver case %zu: got %d:%d %s", i, errs.items[0].line,
				 errs.items[0].col, errs.items[0].msg);
		assert_int_equal(c2.driver_count, 0);
		rs_errors_clear(&errs);
		rs_catalog_free(&c2);
		free(doc);
	}
	/* The same id twice. */
	char *twice = rs_xasprintf("%s%s", drivers_base, drivers_base + strlen("drivers:\n"));
	assert_false(rs_drivers_parse("d.yaml", twice, strlen(twice), &cat, &errs));
	assert_int_equal(errs.items[0].code, RS_ERR_DUPLICATE_KEY);
	assert_int_equal(errs.items[0].line, 9);
	rs_errors_clear(&errs);
	free(twice);
	rs_catalog_free(&cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_is_valid),
		cmocka_unit_test(test_docs_optional),
		cmocka_unit_test(test_katapult),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_sd_names),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_every_error_reported),
		cmocka_unit_test(test_drivers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
