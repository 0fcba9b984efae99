/* The wizard's model on the real board data: choosing a board and the
 * jumper defaults it brings, re-validating a saved run against the data as
 * it is now, and which step follows which for boards with and without
 * jumpers, endstop rail and card. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/wizard_model.h"
#include "core/xalloc.h"
#include "platform/board_dir.h"

static const char *boards_dir;

static int load(void **state)
{
	struct rs_catalog *cat = rs_xcalloc(1, sizeof(*cat));
	if (!rs_catalog_load_dir(boards_dir, cat))
		return -1;
	rs_catalog_finish(cat);
	*state = cat;
	return 0;
}

static int unload(void **state)
{
	rs_catalog_free(*state);
	free(*state);
	return 0;
}

static const struct rs_board *board(const struct rs_catalog *cat, const char *id)
{
	const struct rs_board *b = rs_catalog_find(cat, id);
	assert_non_null(b);
	return b;
}

static void test_choose_board_defaults(void **state)
{
	const struct rs_catalog *cat = *state;
	struct rs_wizard_state st;
	rs_wizard_state_init(&st);
	assert_null(rs_model_board(cat, &st));

	/* Octopus Pro: 8 sockets to fill, power jumpers. */
	const struct rs_board *pro = board(cat, "btt-octopus-pro-429");
	rs_model_choose_board(cat, &st, pro);
	assert_ptr_equal(rs_model_board(cat, &st), pro);
	assert_int_equal(st.socket_count, 8);
	assert_int_equal(st.main_v, 24);
	assert_int_equal(st.motor_v, 0);
	for (size_t i = 0; i < st.socket_count; i++) {
		assert_string_equal(st.drivers[i], "");
		assert_null(rs_model_driver(cat, &st, i));
		assert_int_equal(st.jumpers[i], RS_JUMPER_NONE); /* empty socket */
	}

	/* A 48 V motor supply: a TMC5160 rated for it goes on V_MOT, a
	 * TMC2209 (24 V) stays on VIN. */
	snprintf(st.drivers[0], sizeof(st.drivers[0]), "BTT-TMC5160-PRO-11");
	snprintf(st.drivers[1], sizeof(st.drivers[1]), "BTT-TMC2209-13");
	st.motor_v = 48;
	rs_model_recommend_jumpers(cat, &st);
	assert_int_equal(st.jumpers[0], RS_JUMPER_VMOT);
	assert_int_equal(st.jumpers[1], RS_JUMPER_VIN);
	assert_int_equal(st.jumpers[2], RS_JUMPER_NONE);

	/* The same board again keeps the choices. */
	st.endstop_ack = true;
	rs_model_choose_board(cat, &st, pro);
	assert_string_equal(st.drivers[0], "BTT-TMC5160-PRO-11");
	assert_int_equal(st.motor_v, 48);
	assert_true(st.endstop_ack);

	/* Another board starts its choices over; its integrated driver is
	 * fitted and its jumper recommended for it. */
	rs_model_choose_board(cat, &st, board(cat, "btt-ebb36-12"));
	assert_string_equal(st.board, "btt-ebb36-12");
	assert_false(st.endstop_ack);
	assert_int_equal(st.socket_count, 1);
	assert_int_equal(st.motor_v, 0);
	assert_string_equal(st.drivers[0], "BTT-TMC2209-13");
	assert_non_null(rs_model_driver(cat, &st, 0));
	assert_int_equal(st.jumpers[0], RS_JUMPER_VIN);
	assert_string_equal(st.drivers[1], "");
}

static void test_integrated_driver_per_socket(void **state)
{
	const struct rs_catalog *cat = *state;
	struct rs_wizard_state st;
	rs_wizard_state_init(&st);
	rs_model_choose_board(cat, &st, board(cat, "btt-kraken"));
	assert_int_equal(st.socket_count, 8);
	assert_string_equal(st.drivers[0], "BTT-KRAKEN-2160-PLUS");
	assert_string_equal(st.drivers[7], "BTT-KRAKEN-2160");
	/* Integrated drivers win over whatever a state file says. */
	snprintf(st.drivers[7], sizeof(st.drivers[7]), "BTT-TMC2209-13");
	assert_string_equal(rs_model_driver(cat, &st, 7)->id, "BTT-KRAKEN-2160");
}

static void test_revalidate(void **state)
{
	const struct rs_catalog *cat = *state;
	struct rs_wizard_state saved, out;
	rs_wizard_state_init(&saved);
	rs_model_choose_board(cat, &saved, board(cat, "btt-octopus-pro-429"));
	snprintf(saved.step, sizeof(saved.step), "summary");
	snprintf(saved.drivers[0], sizeof(saved.drivers[0]), "BTT-TMC5160-PRO-11");
	snprintf(saved.drivers[3], sizeof(saved.drivers[3]), "GONE-DRIVER");
	saved.motor_v = 48;
	saved.jumpers[0] = RS_JUMPER_VMOT;
	saved.cable = RS_CABLE_WHITE;

	/* Known board, one driver the data no longer has: that socket empty,
	 * everything else as saved. */
	assert_int_equal(rs_model_revalidate(cat, &saved, &out), RS_MODEL_RESUMABLE);
	assert_string_equal(out.step, "summary");
	assert_string_equal(out.drivers[0], "BTT-TMC5160-PRO-11");
	assert_string_equal(out.drivers[3], "");
	assert_int_equal(out.motor_v, 48);
	assert_int_equal(out.jumpers[0], RS_JUMPER_VMOT);
	assert_int_equal(out.cable, RS_CABLE_WHITE);

	/* The board's socket count changed: its choices start over, the
	 * board and the step stay. */
	saved.socket_count = 6;
	assert_int_equal(rs_model_revalidate(cat, &saved, &out), RS_MODEL_RESUMABLE);
	assert_string_equal(out.board, "btt-octopus-pro-429");
	assert_string_equal(out.step, "summary");
	assert_int_equal(out.socket_count, 8);
	assert_string_equal(out.drivers[0], "");
	assert_int_equal(out.motor_v, 0);
	assert_int_equal(out.cable, RS_CABLE_UNANSWERED);

	/* A board the data does not have any more: a fresh state. */
	snprintf(saved.board, sizeof(saved.board), "no-such-board");
	assert_int_equal(rs_model_revalidate(cat, &saved, &out), RS_MODEL_BOARD_GONE);
	assert_string_equal(out.board, "");
	assert_int_equal(out.socket_count, 0);
}

/* The whole run for a board, as step ids joined by spaces. */
static void walk(const struct rs_board *b, char *buf, size_t len)
{
	buf[0] = '\0';
	for (enum rs_step s = RS_STEP_WELCOME; s != RS_STEP_COUNT; s = rs_model_next_step(b, s)) {
		strncat(buf, rs_step_id(s), len - strlen(buf) - 1);
		strncat(buf, " ", len - strlen(buf) - 1);
	}
}

static void test_next_step(void **state)
{
	const struct rs_catalog *cat = *state;
	char run[200];
	/* No board yet: every step may come. */
	walk(NULL, run, sizeof(run));
	assert_string_equal(run, "welcome board jumpers endstop summary firmware flash sdcard ");
	/* Jumpers, 5 V endstop rail, flashed from a card: the routes (remote SD,
	 * DFU besides the card) come before the card step. */
	walk(board(cat, "btt-octopus-pro-429"), run, sizeof(run));
	assert_string_equal(run, "welcome board jumpers endstop summary firmware flash sdcard ");
	/* No jumpers, no endstop rail, card (and remote SD). */
	walk(board(cat, "btt-skr-14-turbo"), run, sizeof(run));
	assert_string_equal(run, "welcome board summary firmware flash sdcard ");
	/* No jumpers, 3.3 V rail, flashed over USB: the routes end it, no card step. */
	walk(board(cat, "btt-octopus-11"), run, sizeof(run));
	assert_string_equal(run, "welcome board endstop summary firmware flash ");
	/* Jumpers, 5 V rail, USB. */
	walk(board(cat, "btt-manta-m8p-20"), run, sizeof(run));
	assert_string_equal(run, "welcome board jumpers endstop summary firmware flash ");
	/* A toolboard: nothing between the board and the summary. */
	walk(board(cat, "btt-ebb36-12"), run, sizeof(run));
	assert_string_equal(run, "welcome board summary firmware flash ");
}

static void test_prev_and_landing(void **state)
{
	const struct rs_catalog *cat = *state;
	const struct rs_board *skr = board(cat, "btt-skr-14-turbo");
	assert_int_equal(rs_model_prev_step(skr, RS_STEP_SUMMARY), RS_STEP_BOARD);
	assert_int_equal(rs_model_prev_step(skr, RS_STEP_WELCOME), RS_STEP_COUNT);
	assert_int_equal(rs_model_prev_step(NULL, RS_STEP_SUMMARY), RS_STEP_ENDSTOP);
	/* A saved step that no longer applies lands on the next that does. */
	assert_int_equal(rs_model_landing_step(skr, RS_STEP_JUMPERS), RS_STEP_SUMMARY);
	assert_int_equal(rs_model_landing_step(skr, RS_STEP_FIRMWARE), RS_STEP_FIRMWARE);
	const struct rs_board *usb = board(cat, "btt-octopus-11");
	assert_int_equal(rs_model_landing_step(usb, RS_STEP_SDCARD), RS_STEP_COUNT);
	assert_int_equal(rs_model_next_step(usb, RS_STEP_FIRMWARE), RS_STEP_FLASH);
	assert_int_equal(rs_model_next_step(usb, RS_STEP_FLASH), RS_STEP_COUNT);
	const struct rs_board *card = board(cat, "btt-octopus-pro-429");
	assert_int_equal(rs_model_next_step(card, RS_STEP_FLASH), RS_STEP_SDCARD);
	assert_int_equal(rs_model_next_step(usb, RS_STEP_COUNT), RS_STEP_COUNT);
	assert_false(rs_model_step_applies(usb, RS_STEP_COUNT));
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	boards_dir = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose_board_defaults),
		cmocka_unit_test(test_integrated_driver_per_socket),
		cmocka_unit_test(test_revalidate),
		cmocka_unit_test(test_next_step),
		cmocka_unit_test(test_prev_and_landing),
	};
	return cmocka_run_group_tests(tests, load, unload);
}
