/* Jumper rules over every board with VIN/V_MOT jumpers and every driver of
 * the bundled data (boards/), plus fixed cases with the exact messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jumper.h"
#include "platform/board_dir.h"

static struct rs_catalog cat;

static struct rs_driver make_driver(const char *chip, const unsigned *v, size_t n)
{
	struct rs_driver d = { 0 };
	d.chip = (char *)chip;
	d.name = (char *)chip;
	d.id = (char *)chip;
	for (size_t i = 0; i < n; i++)
		d.voltages[i] = v[i];
	d.voltage_count = n;
	return d;
}

static void test_tmc2209_on_48v_is_destroyed(void **state)
{
	(void)state;
	static const unsigned v24[] = { 24 };
	struct rs_driver d = make_driver("TMC2209", v24, 1);
	char why[256];
	assert_false(rs_jumper_check("MOTOR2", &d, RS_JUMPER_VMOT, 24, 48, why, sizeof(why)));
	assert_string_equal(why, "MOTOR2: a TMC2209 is rated for 24 V; on V_MOT at 48 V it is "
				 "destroyed. Move its jumper to VIN or fit a driver rated for 48 V.");
	assert_true(rs_jumper_check("MOTOR2", &d, RS_JUMPER_VIN, 24, 48, why, sizeof(why)));
	assert_int_equal(rs_jumper_recommend(&d, 24, 48), RS_JUMPER_VIN);
}

static void test_positions(void **state)
{
	(void)state;
	static const unsigned v48[] = { 24, 36, 48 };
	struct rs_driver d = make_driver("TMC5160", v48, 3);
	char why[256];
	/* Rated: V_MOT is recommended and fine; 56 V is over its rating. */
	assert_int_equal(rs_jumper_recommend(&d, 24, 48), RS_JUMPER_VMOT);
	assert_true(rs_jumper_check("M0", &d, RS_JUMPER_VMOT, 24, 48, why, sizeof(why)));
	assert_false(rs_jumper_check("M0", &d, RS_JUMPER_VMOT, 24, 56, why, sizeof(why)));
	assert_non_null(strstr(why, "rated for up to 48 V; on V_MOT at 56 V"));
	/* One supply: everything on VIN; V_MOT has nothing feeding it. */
	assert_int_equal(rs_jumper_recommend(&d, 24, 0), RS_JUMPER_VIN);
	assert_false(rs_jumper_check("M0", &d, RS_JUMPER_VMOT, 24, 0, why, sizeof(why)));
	assert_non_null(strstr(why, "nothing feeds the V_MOT terminal"));
	/* A driver without a jumper gets no power. */
	assert_false(rs_jumper_check("M0", &d, RS_JUMPER_NONE, 24, 48, why, sizeof(why)));
	/* Empty socket: no jumper is right, a jumper is wrong. */
	assert_int_equal(rs_jumper_recommend(NULL, 24, 48), RS_JUMPER_NONE);
	assert_true(rs_jumper_check("M0", NULL, RS_JUMPER_NONE, 24, 48, why, sizeof(why)));
	assert_false(rs_jumper_check("M0", NULL, RS_JUMPER_VIN, 24, 48, why, sizeof(why)));
	/* 12 V on a 24 V driver is within its rating. */
	static const unsigned v24[] = { 24 };
	struct rs_driver small = make_driver("TMC2209", v24, 1);
	assert_true(rs_jumper_check("M0", &small, RS_JUMPER_VIN, 12, 0, why, sizeof(why)));
}

static void test_offered_voltages(void **state)
{
	(void)state;
	struct rs_board b = { 0 };
	unsigned bv[] = { 24, 36, 48, 56 };
	memcpy(b.motor_voltages, bv, sizeof(bv));
	b.motor_voltage_count = 4;
	static const unsigned v24[] = { 24 }, v48[] = { 24, 36, 48 }, v60[] = { 24, 60 };
	struct rs_driver a = make_driver("A", v24, 1), c = make_driver("C", v48, 3),
			 e = make_driver("E", v60, 2);
	const struct rs_driver *only_small[] = { &a };
	const struct rs_driver *mixed[] = { &a, &c, &e };
	unsigned out[RS_MAX_VOLTAGES];
	assert_int_equal(rs_jumper_offered_voltages(&b, only_small, 1, out), 1);
	assert_int_equal(out[0], 24);
	/* 60 V is the driver's but not the board's; 56 V is nobody's driver. */
	assert_int_equal(rs_jumper_offered_voltages(&b, mixed, 3, out), 3);
	assert_int_equal(out[0], 24);
	assert_int_equal(out[1], 36);
	assert_int_equal(out[2], 48);
}

/* Every board with jumpers x every driver x every offered voltage: the
 * recommended position is always safe, and V_MOT is refused exactly when
 * the motor supply is over the driver's rating. */
static void test_every_board_and_driver(void **state)
{
	(void)state;
	size_t boards = 0, checks = 0;
	const struct rs_driver *all[128];
	size_t n = cat.driver_count < 128 ? cat.driver_count : 128;
	for (size_t i = 0; i < n; i++)
		all[i] = &cat.drivers[i];
	for (size_t bi = 0; bi < cat.board_count; bi++) {
		const struct rs_board *b = &cat.boards[bi];
		if (!b->power_jumpers)
			continue;
		boards++;
		assert_true(b->motor_voltage_count > 0);
		unsigned offered[RS_MAX_VOLTAGES];
		size_t no = rs_jumper_offered_voltages(b, all, n, offered);
		assert_true(no > 0);
		for (size_t k = 0; k < no; k++) {
			bool on_board = false;
			for (size_t j = 0; j < b->motor_voltage_count; j++)
				on_board |= b->motor_voltages[j] == offered[k];
			assert_true(on_board);
		}
		char name[32], why[256];
		for (size_t s = 0; s < b->driver_count; s++) {
			rs_jumper_socket_name(b, s, name, sizeof(name));
			for (size_t di = 0; di < n; di++) {
				const struct rs_driver *d = all[di];
				unsigned max = rs_jumper_driver_max(d);
				for (size_t k = 0; k < no; k++) {
					unsigned mv = offered[k];
					enum rs_jumper_pos p = rs_jumper_recommend(d, 24, mv);
					assert_true(rs_jumper_check(name, d, p, 24, mv, why, sizeof(why)));
					bool ok = rs_jumper_check(name, d, RS_JUMPER_VMOT, 24, mv, why,
								  sizeof(why));
					assert_int_equal(ok, mv <= max);
					if (!ok) {
						assert_non_null(strstr(why, name));
						assert_non_null(strstr(why, d->chip));
					}
					checks++;
				}
			}
		}
	}
	if (boards == 0)
		skip();
	print_message("%zu boards with jumpers, %zu drivers, %zu checks\n", boards, n, checks);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !rs_catalog_load_dir(argv[1], &cat)) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tmc2209_on_48v_is_destroyed),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_offered_voltages),
		cmocka_unit_test(test_every_board_and_driver),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rs_catalog_free(&cat);
	return rc;
}
