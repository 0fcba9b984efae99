/* The catalog cache: a round trip keeps everything, and damaged or foreign
 * bytes are rejected without crashing or leaking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
	boards_dir = argc > 1 ? argv[1] : "boards";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_rejects_damage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
