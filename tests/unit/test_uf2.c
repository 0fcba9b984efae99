/* The UF2 reader: complete RP2040 files pass, anything the boot ROM would
 * take only in part or not at all is refused with the reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/uf2.h"

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static unsigned char *make(unsigned n, uint32_t family, uint32_t flags)
{
	unsigned char *d = calloc(n, RS_UF2_BLOCK);
	for (unsigned i = 0; i < n; i++) {
		unsigned char *b = d + i * RS_UF2_BLOCK;
		put32(b, 0x0A324655u);
		put32(b + 4, 0x9E5D5157u);
		put32(b + 8, flags);
		put32(b + 12, 0x10000000u + 256u * i);
		put32(b + 16, 256);
		put32(b + 20, i);
		put32(b + 24, n);
		put32(b + 28, family);
		put32(b + 508, 0x0AB16F30u);
	}
	return d;
}

static void test_good(void **state)
{
	(void)state;
	unsigned char *d = make(5, RS_UF2_FAMILY_RP2040, 0x2000);
	struct rs_uf2_info info;
	char why[200];
	assert_true(rs_uf2_check(d, 5 * RS_UF2_BLOCK, RS_UF2_FAMILY_RP2040, &info, why,
				 sizeof(why)));
	assert_int_equal(info.blocks, 5);
	assert_int_equal(info.family, RS_UF2_FAMILY_RP2040);
	assert_int_equal(info.first_addr, 0x10000000u);
	assert_int_equal(info.payload, 5 * 256);
	assert_string_equal(why, "");
	free(d);
	/* No family flag: nothing to compare, accepted. */
	d = make(2, 0, 0);
	assert_true(rs_uf2_check(d, 2 * RS_UF2_BLOCK, RS_UF2_FAMILY_RP2040, &info, why,
				 sizeof(why)));
	assert_int_equal(info.family, 0);
	free(d);
}

static void test_refused(void **state)
{
	(void)state;
	struct rs_uf2_info info;
	char why[200];
	unsigned char *d = make(4, RS_UF2_FAMILY_RP2040, 0x2000);
	assert_false(rs_uf2_check(d, 0, 0, &info, why, sizeof(why)));
	assert_false(rs_uf2_check(d, 3 * RS_UF2_BLOCK + 10, 0, &info, why, sizeof(why)));
	assert_non_null(strstr(why, "512-byte blocks"));
	/* Cut short: the blocks count 4, the file holds 3. */
	assert_false(rs_uf2_check(d, 3 * RS_UF2_BLOCK, 0, &info, why, sizeof(why)));
	assert_non_null(strstr(why, "incomplete"));
	/* A damaged end magic in the last block. */
	d[3 * RS_UF2_BLOCK + 508] ^= 1;
	assert_false(rs_uf2_check(d, 4 * RS_UF2_BLOCK, 0, &info, why, sizeof(why)));
	assert_non_null(strstr(why, "block 3"));
	free(d);
	/* Another chip's family (nRF52840). */
	d = make(2, 0xada52840u, 0x2000);
	assert_false(rs_uf2_check(d, 2 * RS_UF2_BLOCK, RS_UF2_FAMILY_RP2040, &info, why,
				  sizeof(why)));
	assert_non_null(strstr(why, "another chip family"));
	assert_true(rs_uf2_check(d, 2 * RS_UF2_BLOCK, 0, &info, why, sizeof(why)));
	free(d);
	/* A payload larger than a block can carry. */
	d = make(1, RS_UF2_FAMILY_RP2040, 0x2000);
	put32(d + 16, 477);
	assert_false(rs_uf2_check(d, RS_UF2_BLOCK, 0, &info, why, sizeof(why)));
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
