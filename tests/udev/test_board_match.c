/* Matching connected boards to board files: by USB serial, else by MCU. The
 * catalog is built in code so the rules are tested apart from the YAML. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/board_match.h"
#include "core/xalloc.h"

static void add(struct rs_catalog *cat, const char *id, const char *mcu,
		enum rs_board_kind kind, const char *serial)
{
	struct rs_board b = { 0 };
	b.id = rs_xstrdup(id);
	b.name = rs_xstrdup(id);
	b.manufacturer = rs_xstrdup("Test");
	b.mcu = rs_xstrdup(mcu);
	b.kind = kind;
	b.usb_serial = serial ? rs_xstrdup(serial) : NULL;
	rs_catalog_add_board(cat, &b);
}

static int setup(void **state)
{
	static struct rs_catalog cat;
	memset(&cat, 0, sizeof(cat));
	add(&cat, "btt-octopus-pro-429", "stm32f429xx", RS_KIND_CONTROL, "btt-octopus-pro-429");
	add(&cat, "btt-octopus-pro-446", "stm32f446xx", RS_KIND_CONTROL, "btt-octopus-pro-446");
	add(&cat, "btt-skr-2-429", "stm32f429xx", RS_KIND_CONTROL, "btt-skr-2-429");
	add(&cat, "btt-ebb42-12", "stm32g0b1xx", RS_KIND_TOOLBOARD, "btt-ebb42-12-t0");
	add(&cat, "btt-manta-m8p-11", "stm32g0b1xx", RS_KIND_CONTROL, "btt-manta-m8p-11");
	add(&cat, "no-serial-board", "rp2040", RS_KIND_TOOLBOARD, NULL);
	rs_catalog_finish(&cat);
	*state = &cat;
	return 0;
}

static int teardown(void **state)
{
	rs_catalog_free(*state);
	return 0;
}

static struct rs_hw_board hw(const char *serial, const char *mcu)
{
	return (struct rs_hw_board){ .kind = RS_HW_KLIPPER, .serial = (char *)serial,
				     .mcu = (char *)mcu };
}

struct row {
	const char *serial, *mcu;
	enum rs_match_kind kind;
	const char *ids; /* expected ids, space separated, catalog order */
	bool conflict;
};

static const struct row rows[] = {
	{ "btt-octopus-pro-446", "stm32f446xx", RS_MATCH_SERIAL, "btt-octopus-pro-446", false },
	/* serial wins even when the MCU would give several */
	{ "btt-skr-2-429", "stm32f429xx", RS_MATCH_SERIAL, "btt-skr-2-429", false },
	/* a serial naming a board with another MCU: matched, but flagged */
	{ "btt-octopus-pro-446", "stm32f429xx", RS_MATCH_SERIAL, "btt-octopus-pro-446", true },
	/* toolboards: <id>-t0 as in the data, and other tool numbers */
	{ "btt-ebb42-12-t0", "stm32g0b1xx", RS_MATCH_SERIAL, "btt-ebb42-12", false },
	{ "btt-ebb42-12-t1", "stm32g0b1xx", RS_MATCH_SERIAL, "btt-ebb42-12", false },
	/* the -t suffix only counts for toolboards */
	{ "btt-octopus-pro-446-t0", "stm32f446xx", RS_MATCH_MCU, "btt-octopus-pro-446", false },
	{ "btt-ebb42-12-tx", "stm32g0b1xx", RS_MATCH_MCU_SEVERAL,
	  "btt-manta-m8p-11 btt-ebb42-12", false },
	/* a board without usb_serial in its file is still found by its id */
	{ "no-serial-board", "rp2040", RS_MATCH_SERIAL, "no-serial-board", false },
	/* chip-id serials fall back to the MCU */
	{ "2B0033000851313434373135", "stm32f429xx", RS_MATCH_MCU_SEVERAL,
	  "btt-octopus-pro-429 btt-skr-2-429", false },
	{ "2B0033000851313434373135", "STM32F446XX", RS_MATCH_MCU, "btt-octopus-pro-446", false },
	{ NULL, "stm32f446xx", RS_MATCH_MCU, "btt-octopus-pro-446", false },
	{ "", "stm32f446xx", RS_MATCH_MCU, "btt-octopus-pro-446", false },
	{ "2B0033000851313434373135", "stm32h723xx", RS_MATCH_NONE, "", false },
	{ "2B0033000851313434373135", NULL, RS_MATCH_NONE, "", false },
	/* serials are exact: no case folding, no prefixes */
	{ "BTT-OCTOPUS-PRO-446", NULL, RS_MATCH_NONE, "", false },
	{ "btt-octopus-pro-4", NULL, RS_MATCH_NONE, "", false },
};

static void test_rows(void **state)
{
	const struct rs_catalog *cat = *state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct rs_hw_board h = hw(rows[i].serial, rows[i].mcu);
		struct rs_board_match m;
		rs_board_match(cat, &h, &m);
		char got[256] = "";
		for (size_t k = 0; k < m.count; k++) {
			if (k)
				strcat(got, " ");
			strcat(got, m.boards[k]->id);
		}
		if (m.kind != rows[i].kind || strcmp(got, rows[i].ids) != 0 ||
		    m.mcu_conflict != rows[i].conflict)
			fail_msg("row %zu: got %s [%s]%s, want %s [%s]", i, rs_match_kind_name(m.kind),
				 got, m.mcu_conflict ? " conflict" : "",
				 rs_match_kind_name(rows[i].kind), rows[i].ids);
		rs_board_match_free(&m);
	}
}

static void test_no_catalog(void **state)
{
	(void)state;
	struct rs_hw_board h = hw("btt-octopus-pro-446", "stm32f446xx");
	struct rs_board_match m;
	rs_board_match(NULL, &h, &m);
	assert_int_equal(m.kind, RS_MATCH_NONE);
	assert_int_equal(m.count, 0);
	rs_board_match_free(&m);
}

static void test_best(void **state)
{
	const struct rs_catalog *cat = *state;
	const struct rs_board *b;
	const struct rs_hw_board *from;

	assert_int_equal(rs_board_match_best(cat, NULL, 0, &b, &from), RS_MATCH_NONE);
	assert_null(b);
	assert_null(from);

	/* a toolboard matched by serial loses to a control board matched by serial */
	struct rs_hw_board two[] = { hw("btt-ebb42-12-t0", "stm32g0b1xx"),
				     hw("btt-octopus-pro-446", "stm32f446xx") };
	assert_int_equal(rs_board_match_best(cat, two, 2, &b, &from), RS_MATCH_SERIAL);
	assert_string_equal(b->id, "btt-octopus-pro-446");
	assert_ptr_equal(from, &two[1]);

	/* a serial match beats a unique MCU match, whatever the order */
	struct rs_hw_board mix[] = { hw("X1", "stm32f446xx"), hw("btt-skr-2-429", NULL) };
	assert_int_equal(rs_board_match_best(cat, mix, 2, &b, NULL), RS_MATCH_SERIAL);
	assert_string_equal(b->id, "btt-skr-2-429");

	/* a unique MCU match beats an ambiguous one */
	struct rs_hw_board mcus[] = { hw("X1", "stm32f429xx"), hw("X2", "stm32f446xx") };
	assert_int_equal(rs_board_match_best(cat, mcus, 2, &b, &from), RS_MATCH_MCU);
	assert_string_equal(b->id, "btt-octopus-pro-446");

	/* only ambiguous: the first candidate in catalog order, flagged as such */
	assert_int_equal(rs_board_match_best(cat, mcus, 1, &b, NULL), RS_MATCH_MCU_SEVERAL);
	assert_string_equal(b->id, "btt-octopus-pro-429");

	/* a DFU device tells nothing */
	struct rs_hw_board dfu = { .kind = RS_HW_STM32_DFU, .serial = (char *)"3276385E3133" };
	assert_int_equal(rs_board_match_best(cat, &dfu, 1, &b, NULL), RS_MATCH_NONE);
	assert_null(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_no_catalog),
		cmocka_unit_test(test_best),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
