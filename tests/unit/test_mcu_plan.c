/* The all-MCU plan: boards from printer.cfg and from what is connected,
 * what each needs, its route, and the order (CAN nodes before their
 * bridge, card-only boards prepared, the Pi's own MCU last). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/mcu_plan.h"
#include "core/xalloc.h"

#define TREE "v0.13.0-731-g1a2b3c4d5"
#define OLD "v0.13.0-730-g84104bbbd"

static struct rs_catalog cat;
static unsigned next_katapult; /* flash.katapult.offset of the next board() */

static void board(const char *id, const char *mcu, enum rs_board_kind kind,
		  enum rs_flash_method method, const char *serial, const char *extra_line)
{
	struct rs_board b = { 0 };
	b.id = rs_xstrdup(id);
	b.name = rs_xstrdup(id);
	b.manufacturer = rs_xstrdup("Test");
	b.mcu = rs_xstrdup(mcu);
	b.kind = kind;
	b.flash_method = method;
	b.usb_serial = serial ? rs_xstrdup(serial) : NULL;
	rs_strv_push(&b.klipper, "CONFIG_LOW_LEVEL_OPTIONS=y");
	if (extra_line)
		rs_strv_push(&b.klipper, extra_line);
	if (method == RS_FLASH_SDCARD)
		b.sd_file = rs_xstrdup("firmware.bin");
	b.source_file = rs_xasprintf("%s.yaml", id);
	b.katapult_offset = next_katapult;
	next_katapult = 0;
	rs_catalog_add_board(&cat, &b);
}

static int setup(void **state)
{
	(void)state;
	memset(&cat, 0, sizeof(cat));
	board("btt-octopus-pro-446", "stm32f446xx", RS_KIND_CONTROL, RS_FLASH_USB,
	      "btt-octopus-pro-446", NULL);
	board("btt-octopus-pro-429", "stm32f429xx", RS_KIND_CONTROL, RS_FLASH_SDCARD,
	      "btt-octopus-pro-429", NULL);
	board("btt-ebb36-12", "stm32g0b1xx", RS_KIND_TOOLBOARD, RS_FLASH_USB, "btt-ebb36-12-t0",
	      NULL);
	board("btt-sb-2209-usb-10-rp", "rp2040", RS_KIND_TOOLBOARD, RS_FLASH_USB,
	      "btt-sb-2209-usb-10-rp-t0", NULL);
	board("ldo-nitehawk-36", "rp2040", RS_KIND_TOOLBOARD, RS_FLASH_USB, "ldo-nitehawk-36-t0",
	      NULL);
	next_katapult = 0x20000;
	board("test-bridge-h723", "stm32h723xx", RS_KIND_CONTROL, RS_FLASH_USB, "test-bridge-h723",
	      "CONFIG_STM32_USBCANBUS_PA11_PA12=y");
	next_katapult = 0x2000;
	board("test-ebb-katapult", "stm32g0b1xx", RS_KIND_TOOLBOARD, RS_FLASH_USB,
	      "test-ebb-katapult-t0", "CONFIG_STM32_FLASH_START_2000=y");
	rs_catalog_finish(&cat);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rs_catalog_free(&cat);
	return 0;
}

static void mcu(struct rs_pcfg *c, const char *name, const char *serial, const char *uuid)
{
	struct rs_pcfg_mcu *m = &c->mcus[c->mcu_count++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->serial, sizeof(m->serial), "%s", serial ? serial : "");
	snprintf(m->canbus_uuid, sizeof(m->canbus_uuid), "%s", uuid ? uuid : "");
}

static void dev(struct rs_hw_list *l, enum rs_hw_board_kind kind, const char *syspath,
		const char *serial, const char *mcu_name, const char *by_id)
{
	struct rs_hw_board *b = rs_xcalloc(1, sizeof(*b));
	b->kind = kind;
	b->syspath = rs_xstrdup(syspath);
	b->serial = serial ? rs_xstrdup(serial) : NULL;
	b->mcu = mcu_name ? rs_xstrdup(mcu_name) : NULL;
	b->by_id = by_id ? rs_xstrdup(by_id) : NULL;
	rs_hw_list_put_board(l, b);
	free(b);
}

/* Built firmware: old for every board except those listed as current. */
static const char *current_built[4];
static enum rs_fw_verdict built(void *ctx, const struct rs_board *b)
{
	(void)ctx;
	for (size_t i = 0; i < 4 && current_built[i]; i++)
		if (strcmp(current_built[i], b->id) == 0)
			return RS_FWCUR_CURRENT;
	return RS_FWCUR_OLD_KLIPPER;
}

static const struct rs_mcu_plan_item *item(const struct rs_mcu_plan *p, const char *name,
					   size_t *at)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->items[i].name, name) == 0) {
			if (at)
				*at = i;
			return &p->items[i];
		}
	fail_msg("no plan item %s", name);
	return NULL;
}

static void base_in(struct rs_mcu_plan_in *in, const struct rs_pcfg *c,
		    const struct rs_hw_list *hw, const struct rs_mcu_running *run, size_t nrun)
{
	memset(in, 0, sizeof(*in));
	in->cat = &cat;
	in->cfg = c;
	in->hw = hw;
	in->tree_version = TREE;
	in->running = run;
	in->running_count = nrun;
	in->built = built;
	in->klipper = RS_SERVICE_RUNNING;
	memset(current_built, 0, sizeof(current_built));
}

/* A main board and a toolboard on USB, the Pi's MCU listed first in
 * printer.cfg: both boards are built and flashed with make flash, each by
 * its own device, and the host MCU goes last. */
static void test_main_and_toolboard_usb(void **state)
{
	(void)state;
	struct rs_pcfg c = { 0 };
	mcu(&c, "rpi", RS_HOST_MCU_SERIAL, NULL);
	mcu(&c, "mcu", "/dev/RatOS/btt-octopus-pro-446", NULL);
	mcu(&c, "toolboard_t0",
	    "/dev/serial/by-id/usb-Klipper_stm32g0b1xx_btt-ebb36-12-t0-if00", NULL);
	struct rs_hw_list hw = { 0 };
	dev(&hw, RS_HW_KLIPPER, "/sys/usb1/1-3", "btt-ebb36-12-t0", "stm32g0b1xx",
	    "/dev/serial/by-id/usb-Klipper_stm32g0b1xx_btt-ebb36-12-t0-if00");
	dev(&hw, RS_HW_KLIPPER, "/sys/usb1/1-2", "btt-octopus-pro-446", "stm32f446xx",
	    "/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00");
	struct rs_mcu_running run[] = { { "mcu", OLD, "stm32f446xx" },
					{ "toolboard_t0", OLD, "stm32g0b1xx" },
					{ "rpi", OLD, "linux" } };
	struct rs_mcu_plan_in in;
	base_in(&in, &c, &hw, run, 3);
	struct rs_mcu_plan p;
	rs_mcu_plan_make(&in, &p);

	assert_int_equal(p.count, 3);
	assert_string_equal(p.items[0].name, "mcu");
	assert_string_equal(p.items[1].name, "toolboard_t0");
	assert_string_equal(p.items[2].name, "rpi");
	const struct rs_mcu_plan_item *m = &p.items[0], *t = &p.items[1], *h = &p.items[2];
	assert_string_equal(m->board->id, "btt-octopus-pro-446");
	assert_string_equal(t->board->id, "btt-ebb36-12");
	assert_string_equal(rs_mcu_route_name(m), "usb");
	assert_string_equal(rs_mcu_route_name(t), "usb");
	assert_true(m->needs_build && m->needs_flash && !m->blocked);
	assert_true(t->needs_build && t->needs_flash && !t->blocked);
	assert_ptr_equal(m->device, &hw.boards[1]);
	assert_ptr_equal(t->device, &hw.boards[0]);
	assert_int_equal(h->link, RS_MCU_LINK_HOST);
	assert_int_equal(h->role, RS_MCU_ROLE_HOST);
	assert_int_equal(h->route, RS_MCU_ROUTE_HOST);
	assert_null(h->board);
	assert_true(h->needs_build && h->needs_flash);
	assert_int_equal(rs_mcu_plan_pending(&p), 3);
	rs_hw_list_free(&hw);
}

/* Running the tree's version with current firmware built: nothing to do,
 * still listed. A built file that is current is not rebuilt. */
static void test_current_and_built(void **state)
{
	(void)state;
	struct rs_pcfg c = { 0 };
	mcu(&c, "mcu", "/dev/RatOS/btt-octopus-pro-446", NULL);
	mcu(&c, "toolboard_t0", "/dev/RatOS/btt-ebb36-12", NULL);
	struct rs_mcu_running run[] = { { "mcu", TREE, NULL }, { "toolboard_t0", OLD, NULL } };
	struct rs_mcu_plan_in in;
	base_in(&in, &c, NULL, run, 2);
	current_built[0] = "btt-ebb36-12";
	struct rs_mcu_plan p;
	rs_mcu_plan_make(&in, &p);
	const struct rs_mcu_plan_item *m = item(&p, "mcu", NULL), *t = item(&p, "toolboard_t0", NULL);
	assert_false(m->needs_flash);
	assert_false(m->needs_build);
	assert_true(t->needs_flash);
	assert_false(t->needs_build); /* built for the tree already */
	assert_true(t->blocked);      /* not connected: make flash has no port */
	assert_non_null(strstr(t->note, "not on USB running Klipper"));
	assert_int_equal(rs_mcu_plan_pending(&p), 1);

	/* No tree version, or no log line: cannot tell, so it is flashed. */
	in.tree_version = NULL;
	rs_mcu_plan_make(&in, &p);
	assert_true(item(&p, "mcu", NULL)->needs_flash);
	in.tree_version = TREE;
	in.running_count = 0;
	rs_mcu_plan_make(&in, &p);
	assert_true(item(&p, "mcu", NULL)->needs_flash);
}

/* CAN: a toolboard on CAN behind a main board in USB-to-CAN bridge mode.
 * The node goes first, the bridge after it; without can0 both are blocked
 * with a clear reason. */
static void test_can_bridge_order(void **state)
{
	(void)state;
	struct rs_pcfg c = { 0 };
	mcu(&c, "mcu", NULL, "0c0ffee00001");
	mcu(&c, "EBBCan", NULL, "11aa22bb33cc");
	mcu(&c, "rpi", RS_HOST_MCU_SERIAL, NULL);
	struct rs_hw_list hw = { 0 };
	dev(&hw, RS_HW_CAN_BRIDGE, "/sys/usb1/1-1", "test-bridge-h723", "stm32h723xx", NULL);
	struct rs_mcu_running run[] = { { "mcu", OLD, "stm32h723xx" },
					{ "EBBCan", OLD, "stm32g0b1xx" } };
	struct rs_mcu_plan_in in;
	base_in(&in, &c, &hw, run, 2);
	in.saved_board = "test-bridge-h723";
	struct rs_mcu_plan p;
	rs_mcu_plan_make(&in, &p);

	assert_int_equal(p.count, 3);
	assert_int_equal(p.bridges, 1);
	assert_string_equal(p.items[0].name, "EBBCan");
	assert_string_equal(p.items[1].name, "mcu");
	assert_string_equal(p.items[2].name, "rpi");
	const struct rs_mcu_plan_item *node = &p.items[0], *br = &p.items[1];
	assert_int_equal(node->role, RS_MCU_ROLE_BEHIND_BRIDGE);
	assert_int_equal(br->role, RS_MCU_ROLE_BRIDGE);
	assert_string_equal(br->board->id, "test-bridge-h723");
	assert_ptr_equal(br->device, &hw.boards[0]);
	assert_string_equal(br->address, "0c0ffee00001");
	/* The saved main board is not taken for a node of another chip. */
	assert_null(node->board);
	assert_int_equal(node->route, RS_MCU_ROUTE_NONE);
	assert_true(node->blocked);
	assert_int_equal(br->route, RS_MCU_ROUTE_KATAPULT_CAN);
	assert_true(br->blocked);
	assert_non_null(strstr(br->note, "CAN is not set up"));

	in.can_up = true;
	rs_mcu_plan_make(&in, &p);
	br = item(&p, "mcu", NULL);
	assert_false(br->blocked);
	assert_non_null(strstr(br->note, "Katapult"));
	rs_hw_list_free(&hw);
}

/* Without a bridge MCU (a USB-CAN adapter), CAN nodes are plain. */
static void test_can_without_bridge(void **state)
{
	(void)state;
	struct rs_pcfg c = { 0 };
	mcu(&c, "mcu", "/dev/RatOS/btt-octopus-pro-446", NULL);
	mcu(&c, "EBBCan", NULL, "11aa22bb33cc");
	struct rs_mcu_running run[] = { { "EBBCan", OLD, "stm32g0b1xx" } };
	struct rs_mcu_plan_in in;
	base_in(&in, &c, NULL, run, 1);
	in.saved_board = "btt-ebb36-12";
	in.can_up = true;
	struct rs_mcu_plan p;
	rs_mcu_plan_make(&in, &p);
	assert_int_equal(p.bridges, 0);
	size_t at;
	const struct rs_mcu_plan_item *node = item(&p, "EBBCan", &at);
	assert_int_equal(at, 0);
	assert_int_equal(node->role, RS_MCU_ROLE_PLAIN);
	assert_string_equal(node->board->id, "btt-ebb36-12");
	assert_int_equal(node->route, RS_MCU_ROUTE_KATAPULT_CAN);
	/* Its build starts at 0x0: through Katapult it would not boot. */
	assert_true(node->blocked);
	assert_non_null(strstr(node->note, "btt-ebb36-12's build has no room for it"));
	assert_non_null(strstr(node->note, "starts at 0x0"));
	/* A board whose data says it carries Katapult is flashed through it. */
	in.saved_board = "test-ebb-katapult";
	rs_mcu_plan_make(&in, &p);
	node = item(&p, "EBBCan", NULL);
	assert_string_equal(node->board->id, "test-ebb-katapult");
	assert_int_equal(node->route, RS_MCU_ROUTE_KATAPULT_CAN);
	assert_false(node->blocked);
	/* No room wins over CAN not being set up: it is the reason that stays. */
	in.saved_board = "btt-ebb36-12";
	in.can_up = false;
	rs_mcu_plan_make(&in, &p);
	node = item(&p, "EBBCan", NULL);
	assert_true(node->blocked);
	assert_non_null(strstr(node->note, "no room"));
}

/* An RP2040 toolboard in BOOTSEL: it has no serial then, so it is found as
 * the one RP2040 boot device; its route is the uf2 copy, and it needs
 * flashing even though the log says it ran the tree's version. A Katapult
 * device is found by its serial. */
static void test_bootloaders(void **state)
{
	(void)state;
	struct rs_pcfg c = { 0 };
	mcu(&c, "mcu", "/dev/serial/by-id/usb-Klipper_stm32f446xx_4C0038000851363131363530-if00",
	    NULL);
	mcu(&c, "toolboard_t0", "/dev/RatOS/btt-sb-2209-usb-10-rp", NULL);
	struct rs_hw_list hw = { 0 };
	dev(&hw, RS_HW_RP2040_BOOT, "/sys/usb1/1-4", NULL, "rp2040", NULL);
	hw.boards[0].boot_volume = rs_xstrdup("/dev/sdb1");
	dev(&hw, RS_HW_KATAPULT, "/sys/usb1/1-5", "4C0038000851363131363530", "stm32f446xx",
	    "/dev/serial/by-id/usb-katapult_stm32f446xx_4C0038000851363131363530-if00");
	struct rs_mcu_running run[] = { { "mcu", OLD, "stm32f446xx" },
					{ "toolboard_t0", TREE, "rp2040" } };
	struct rs_mcu_plan_in in;
	base_in(&in, &c, &hw, run, 2);
	struct rs_mcu_plan p;
	rs_mcu_plan_make(&in, &p);
	assert_int_equal(p.count, 2);
	const struct rs_mcu_plan_item *m = item(&p, "mcu", NULL);
	const struct rs_mcu_plan_item *t = item(&p, "toolboard_t0", NULL);
	assert_string_equal(t->board->id, "btt-sb-2209-usb-10-rp");
	assert_ptr_equal(t->device, &hw.boards[0]);
	assert_int_equal(t->route, RS_MCU_ROUTE_RP2040_UF2);
	assert_true(t->needs_flash && t->needs_build && !t->blocked);
	assert_ptr_equal(m->device, &hw.boards[1]);
	assert_int_equal(m->route, RS_MCU_ROUTE_KATAPULT_USB);
	assert_string_equal(m->board->id, "btt-octopus-pro-446");
	/* Its board data has no flash.katapult: refused, with why. */
	assert_true(m->blocked);
	assert_non_null(strstr(m->note, "not flashed through Katapult"));
	assert_non_null(strstr(m->note, "ratos-setup flash BOARD (USB or DFU)"));
	/* Announced before the kernel made its drive: nothing to copy to yet. */
	free(hw.boards[0].boot_volume);
	hw.boards[0].boot_volume = NULL;
	rs_mcu_plan_make(&in, &p);
	t = item(&p, "toolboard_t0", NULL);
	assert_true(t->blocked);
	assert_non_null(strstr(t->note, "RPI-RP2"));
	rs_hw_list_free(&hw);
}

/* Two RP2040 boot devices: neither is guessed for the configured board,
 * and neither is dropped: both are listed, unnamed and blocked. */
static void test_unclaimed_devices_listed(void **state)
{
	(void)state;
	struct rs_pcfg c = { 0 };
	mcu(&c, "toolboard_t0", "/dev/RatOS/btt-sb-2209-usb-10-rp", NULL);
	struct rs_hw_list hw = { 0 };
	dev(&hw, RS_HW_RP2040_BOOT, "/sys/usb1/1-4", NULL, "rp2040", NULL);
	dev(&hw, RS_HW_RP2040_BOOT, "/sys/usb1/1-6", NULL, "rp2040", NULL);
	dev(&hw, RS_HW_KLIPPER, "/sys/usb1/1-2", "btt-octopus-pro-446", "stm32f446xx",
	    "/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00");
	struct rs_mcu_plan_in in;
	base_in(&in, &c, &hw, NULL, 0);
	struct rs_mcu_plan p;
	rs_mcu_plan_make(&in, &p);
	assert_int_equal(p.count, 4);
	const struct rs_mcu_plan_item *t = item(&p, "toolboard_t0", NULL);
	assert_null(t->device);
	size_t boots = 0;
	for (size_t i = 0; i < p.count; i++)
		if (strcmp(p.items[i].name, "rp2040-boot") == 0) {
			boots++;
			assert_null(p.items[i].board);
			assert_true(p.items[i].blocked && p.items[i].needs_flash);
			assert_false(p.items[i].in_config);
		}
	assert_int_equal(boots, 2);
	/* The connected main board printer.cfg does not name is in the pass. */
	const struct rs_mcu_plan_item *m = item(&p, "btt-octopus-pro-446", NULL);
	assert_false(m->in_config);
	assert_string_equal(rs_mcu_route_name(m), "usb");
	assert_string_equal(m->address,
			    "/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00");
	rs_hw_list_free(&hw);
}

/* A card-only board is prepared and offered the card step, after the
 * boards flashed in the pass and before the host MCU. */
static void test_sdcard_prepared(void **state)
{
	(void)state;
	struct rs_pcfg c = { 0 };
	mcu(&c, "rpi", RS_HOST_MCU_SERIAL, NULL);
	mcu(&c, "mcu", "/dev/RatOS/btt-octopus-pro-429", NULL);
	mcu(&c, "toolboard_t0", "/dev/RatOS/btt-ebb36-12", NULL);
	struct rs_hw_list hw = { 0 };
	dev(&hw, RS_HW_KLIPPER, "/sys/usb1/1-3", "btt-ebb36-12-t0", "stm32g0b1xx", NULL);
	dev(&hw, RS_HW_KLIPPER, "/sys/usb1/1-2", "btt-octopus-pro-429", "stm32f429xx", NULL);
	struct rs_mcu_plan_in in;
	base_in(&in, &c, &hw, NULL, 0);
	struct rs_mcu_plan p;
	rs_mcu_plan_make(&in, &p);
	assert_int_equal(p.count, 3);
	assert_string_equal(p.items[0].name, "toolboard_t0");
	assert_string_equal(p.items[1].name, "mcu");
	assert_string_equal(p.items[2].name, "rpi");
	const struct rs_mcu_plan_item *m = &p.items[1];
	assert_string_equal(rs_mcu_route_name(m), "sdcard");
	assert_true(m->needs_build && !m->blocked);
	assert_non_null(strstr(m->note, "sdcard write --board btt-octopus-pro-429"));
	rs_hw_list_free(&hw);
}

static void test_bridge_lines(void **state)
{
	(void)state;
	struct rs_board b = { 0 };
	assert_false(rs_board_is_usb_can_bridge(&b));
	assert_false(rs_board_is_usb_can_bridge(NULL));
	const char *no[] = { "CONFIG_HAVE_STM32_USBCANBUS=y", "CONFIG_STM32_USBCANBUS_PA11_PA12=n",
			     "CONFIG_STM32_MMENU_CANBUS_PB8_PB9=y", "CONFIG_XUSBCANBUS=y",
			     "CONFIG_USBCANBUSX=y" };
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		struct rs_board x = { 0 };
		rs_strv_push(&x.klipper, no[i]);
		assert_false(rs_board_is_usb_can_bridge(&x));
		rs_strv_free(&x.klipper);
	}
	const char *yes[] = { "CONFIG_USBCANBUS=y", "CONFIG_STM32_USBCANBUS_PA11_PA12=y",
			      "CONFIG_RPXXXX_USBCANBUS=y", "CONFIG_LPC_USBCANBUS=y",
			      "CONFIG_ATSAMD_USBCANBUS=y" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		struct rs_board x = { 0 };
		rs_strv_push(&x.klipper, yes[i]);
		assert_true(rs_board_is_usb_can_bridge(&x));
		rs_strv_free(&x.klipper);
	}
	assert_true(rs_mcu_serial_is_host("/tmp/klipper_host_mcu"));
	assert_false(rs_mcu_serial_is_host("/tmp/klipper_host_mcu2"));
	struct rs_mcu_plan_item it = { .route = RS_MCU_ROUTE_RP2040_UF2 };
	assert_string_equal(rs_mcu_route_name(&it), "rp2040-uf2");
	it.route = RS_MCU_ROUTE_BOARD;
	it.board_route = RS_ROUTE_REMOTE_SD;
	assert_string_equal(rs_mcu_route_name(&it), "remote-sd");
	assert_string_equal(rs_mcu_role_name(RS_MCU_ROLE_BEHIND_BRIDGE), "behind-bridge");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_main_and_toolboard_usb),
		cmocka_unit_test(test_current_and_built),
		cmocka_unit_test(test_can_bridge_order),
		cmocka_unit_test(test_can_without_bridge),
		cmocka_unit_test(test_bootloaders),
		cmocka_unit_test(test_unclaimed_devices_listed),
		cmocka_unit_test(test_sdcard_prepared),
		cmocka_unit_test(test_bridge_lines),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
