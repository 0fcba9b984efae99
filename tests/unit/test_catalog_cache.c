/* The catalog cache: a round trip keeps everything, and damaged or foreign
 * bytes are rejected without crashing or leaking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/board_rules.h"
#include "core/catalog_cache.h"
#include "platform/board_dir.h"

static const char *boards_dir;

static void test_round_trip(void **state)
{
	(void)state;
	struct rs_catalog cat = { 0 }, back;
	assert_true(rs_catalog_load_dir(boards_dir, &cat));
	assert_true(cat.board_count > 0);
	size_t len, len2;
	char *bytes = rs_catalog_cache_encode(&cat, "fp", &len);
	assert_true(rs_catalog_cache_decode(bytes, len, "fp", &back));
	assert_int_equal(back.board_count, cat.board_count);
	assert_int_equal(back.driver_count, cat.driver_count);
	assert_int_equal(back.errors.count, cat.errors.count);
	/* Encoding the decoded catalog gives the same bytes: nothing was lost. */
	char *again = rs_catalog_cache_encode(&back, "fp", &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(bytes, again, len);
	const struct rs_board *b = rs_catalog_find(&back, "btt-octopus-pro-429");
	assert_non_null(b);
	assert_string_equal(b->sd_renamed, "FIRMWARE.CUR");
	assert_int_equal(b->motor_voltages[b->motor_voltage_count - 1], 56);
	const struct rs_board *n = rs_catalog_find(&back, "ldo-nitehawk-36");
	assert_non_null(n);
	assert_int_equal(n->katapult_offset, 0x4000);
	free(again);
	free(bytes);
	rs_catalog_free(&back);
	rs_catalog_free(&cat);
}

static void test_rejects_damage(void **state)
{
	(void)state;
	struct rs_catalog cat = { 0 }, back;
	assert_true(rs_catalog_load_dir(boards_dir, &cat));
	size_t len;
	char *bytes = rs_catalog_cache_encode(&cat, "fp", &len);
	assert_false(rs_catalog_cache_decode(bytes, len, "other", &back));
	assert_int_equal(back.board_count, 0);
	/* Every truncation is rejected. */
	for (size_t cut = 0; cut < len; cut++)
		assert_false(rs_catalog_cache_decode(bytes, cut, "fp", &back));
	/* Flipped bytes are either rejected or decode to a usable catalog. */
	srand(1);
	for (int i = 0; i < 3000; i++) {
		char *copy = malloc(len);
		memcpy(copy, bytes, len);
		copy[(size_t)rand() % len] ^= (char)(1 + rand() % 255);
		if (rs_catalog_cache_decode(copy, len, "fp", &back)) {
			for (size_t k = 0; k < back.board_count; k++)
				assert_non_null(back.boards[k].id);
			rs_catalog_free(&back);
		}
		free(copy);
	}
	free(bytes);
	rs_catalog_free(&cat);
}

/* Hand-edited values: well-formed bytes, but strings the loader would never
 * have produced. Each must make the whole cache unusable. */
static void test_rejects_values(void **state)
{
	(void)state;
	static const struct {
		const char *what, *value;
	} edits[] = {
		{ "id", "../../../x" },		  { "id", "Octopus" },
		{ "id", "zz-elsewhere" },	  { "id", "a/b" },
		{ "recommended", "../x" },	  { "klipper", "CONFIG_A=y\nCONFIG_B=y" },
		{ "klipper", "make -C /" },	  { "usb_serial", "a b" },
		{ "sd_file", "../firmware.bin" }, { "sd_file", "-v" },
		{ "sd_file", "*.bin" },		  { "sd_file", "card@@x.bin" },
		{ "sd_file", "firmware.binary" }, { "sd_renamed", "a/b" },
		{ "source_file", "/etc/x.yaml" }, { "name", "bad \xff utf-8" },
		{ "docs", "file:///etc/passwd" }, { "driver", "../x" },
		{ "integrated", "../x" },
	};
	struct rs_catalog cat = { 0 }, back;
	assert_true(rs_catalog_load_dir(boards_dir, &cat));
	struct rs_board *b = (struct rs_board *)rs_catalog_find(&cat, "btt-octopus-pro-429");
	assert_non_null(b);
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		const char *what = edits[i].what, *v = edits[i].value;
		char **field = strcmp(what, "id") == 0		? &b->id
			       : strcmp(what, "recommended") == 0 ? &b->recommended
			       : strcmp(what, "klipper") == 0	? &b->klipper.items[2]
			       : strcmp(what, "usb_serial") == 0	? &b->usb_serial
			       : strcmp(what, "sd_file") == 0	? &b->sd_file
			       : strcmp(what, "sd_renamed") == 0	? &b->sd_renamed
			       : strcmp(what, "source_file") == 0 ? &b->source_file
			       : strcmp(what, "name") == 0	? &b->name
			       : strcmp(what, "docs") == 0	? &b->docs_url
			       : strcmp(what, "driver") == 0	? &cat.drivers[0].id
								: NULL;
		char *kept = NULL;
		if (field) {
			kept = *field;
			*field = (char *)v;
		} else {
			rs_strv_push(&b->integrated_drivers, v);
		}
		size_t len;
		char *bytes = rs_catalog_cache_encode(&cat, "fp", &len);
		bool accepted = rs_catalog_cache_decode(bytes, len, "fp", &back);
		if (accepted)
			rs_catalog_free(&back);
		free(bytes);
		if (field)
			*field = kept;
		else
			free(b->integrated_drivers.items[--b->integrated_drivers.count]);
		if (accepted)
			fail_msg("a cache with %s \"%s\" was accepted", what, v);
	}
	/* Unedited, the same catalog is accepted. */
	size_t len;
	char *bytes = rs_catalog_cache_encode(&cat, "fp", &len);
	assert_true(rs_catalog_cache_decode(bytes, len, "fp", &back));
	rs_catalog_free(&back);
	free(bytes);
	rs_catalog_free(&cat);
}

static void test_rules(void **state)
{
	(void)state;
	static const char *const good_files[] = { "firmware.bin", "FIRMWARE.CUR", "OLD.BIN",
						  "klipper.bin", "ROBIN_N.BIN", "a" };
	static const char *const bad_files[] = { "", "../x.bin", "a/b", "-v", ".bin", "*.bin",
						 "x?.bin", "[a].bin", "a b.bin", "x@@1.bin",
						 "firmware.binx", "toolongname.bin", "a.b.c",
						 "a.", "\x01.bin" };
	for (size_t i = 0; i < sizeof(good_files) / sizeof(good_files[0]); i++)
		assert_true(rs_board_rules_card_file(good_files[i]));
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++)
		if (rs_board_rules_card_file(bad_files[i]))
			fail_msg("card file name \"%s\" accepted", bad_files[i]);
	assert_true(rs_board_rules_id("btt-octopus-pro-429"));
	assert_false(rs_board_rules_id(".."));
	assert_false(rs_board_rules_id("-x"));
	assert_false(rs_board_rules_id(""));
	assert_true(rs_board_rules_driver_id("BTT-TMC2209-13"));
	assert_false(rs_board_rules_driver_id("../x"));
	assert_true(rs_board_rules_config_line("CONFIG_MACH_atmega2560=y"));
	assert_false(rs_board_rules_config_line("CONFIG_X=y # comment"));
	/* A Katapult offset is held to the build's start, cached or not. */
	struct rs_board b = { 0 };
	rs_strv_push(&b.klipper, "CONFIG_LOW_LEVEL_OPTIONS=y");
	rs_strv_push(&b.klipper, "CONFIG_RPXXXX_FLASH_START_4000=y");
	assert_int_equal(rs_board_rules_app_offset(&b.klipper), 0x4000);
	char why[300];
	b.katapult_offset = 0x4000;
	assert_null(rs_board_rules_katapult(&b, why, sizeof(why)));
	b.katapult_offset = 0x2000;
	assert_non_null(rs_board_rules_katapult(&b, why, sizeof(why)));
	rs_strv_free(&b.klipper);
	rs_strv_push(&b.klipper, "CONFIG_LOW_LEVEL_OPTIONS=y");
	assert_int_equal(rs_board_rules_app_offset(&b.klipper), 0);
	assert_non_null(strstr(rs_board_rules_katapult(&b, why, sizeof(why)), "no room"));
	rs_strv_free(&b.klipper);
}

int main(int argc, char **argv)
{
	boards_dir = argc > 1 ? argv[1] : "boards";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_rejects_damage),
		cmocka_unit_test(test_rejects_values),
		cmocka_unit_test(test_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
