/* What the after-update flash takes on unattended: a board on USB running
 * Klipper, usb route, current firmware; everything else is left alone
 * with a reason, and current MCUs are not touched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/autoflash.h"

static struct rs_board octopus = { .id = "btt-octopus-pro-446" };
static struct rs_hw_board klipper_usb = { .kind = RS_HW_KLIPPER };
static struct rs_hw_board dfu = { .kind = RS_HW_STM32_DFU };
static struct rs_hw_board bootsel = { .kind = RS_HW_RP2040_BOOT };

static struct rs_mcu_plan_item usb_item(void)
{
	struct rs_mcu_plan_item it;
	memset(&it, 0, sizeof(it));
	snprintf(it.name, sizeof(it.name), "mcu");
	it.board = &octopus;
	it.device = &klipper_usb;
	it.route = RS_MCU_ROUTE_BOARD;
	it.board_route = RS_ROUTE_USB;
	it.needs_flash = true;
	it.built = RS_FWCUR_CURRENT;
	return it;
}

static void test_picks(void **state)
{
	(void)state;
	struct rs_mcu_plan_item it[14];
	const char *want_why[14] = { 0 };
	enum rs_autoflash_pick want[14];
	size_t n = 0;
	/* 0: the one that is flashed. */
	it[n] = usb_item(), want[n++] = RS_AUTOFLASH_FLASH;
	/* 1: runs the tree's version already. */
	it[n] = usb_item(), it[n].needs_flash = false, want[n++] = RS_AUTOFLASH_CURRENT;
	/* 2-4: firmware not known to be current. */
	it[n] = usb_item(), it[n].built = RS_FWCUR_OLD_KLIPPER, it[n].needs_build = true;
	want_why[n] = "not current (other-klipper-version): run ratos-setup build btt-octopus-pro-446";
	want[n++] = RS_AUTOFLASH_LEFT_ALONE;
	it[n] = usb_item(), it[n].built = RS_FWCUR_NO_TREE, want_why[n] = "not current";
	want[n++] = RS_AUTOFLASH_LEFT_ALONE;
	it[n] = usb_item(), it[n].built = RS_FWCUR_NO_FIRMWARE, it[n].needs_build = true;
	want_why[n] = "not current", want[n++] = RS_AUTOFLASH_LEFT_ALONE;
	/* 5-8: routes that need hands. */
	it[n] = usb_item(), it[n].board_route = RS_ROUTE_DFU, it[n].device = &dfu;
	want_why[n] = "DFU", want[n++] = RS_AUTOFLASH_LEFT_ALONE;
	it[n] = usb_item(), it[n].board_route = RS_ROUTE_SDCARD, it[n].device = NULL;
	want_why[n] = "SD card", want[n++] = RS_AUTOFLASH_LEFT_ALONE;
	it[n] = usb_item(), it[n].board_route = RS_ROUTE_REMOTE_SD;
	want_why[n] = "power cycle", want[n++] = RS_AUTOFLASH_LEFT_ALONE;
	it[n] = usb_item(), it[n].route = RS_MCU_ROUTE_RP2040_UF2, it[n].device = &bootsel;
	want_why[n] = "BOOTSEL", want[n++] = RS_AUTOFLASH_LEFT_ALONE;
	/* 9-12: not USB boards, or not known. */
	it[n] = usb_item(), it[n].route = RS_MCU_ROUTE_KATAPULT_CAN, it[n].device = NULL;
	want_why[n] = "CAN", want[n++] = RS_AUTOFLASH_LEFT_ALONE;
	it[n] = usb_item(), it[n].route = RS_MCU_ROUTE_HOST, it[n].board = NULL;
	want_why[n] = "the Pi's own MCU", want[n++] = RS_AUTOFLASH_LEFT_ALONE;
	it[n] = usb_item(), it[n].route = RS_MCU_ROUTE_NONE, it[n].board = NULL;
	want_why[n] = "unknown", want[n++] = RS_AUTOFLASH_LEFT_ALONE;
	it[n] = usb_item(), it[n].device = NULL;
	want_why[n] = "not connected on USB running Klipper", want[n++] = RS_AUTOFLASH_LEFT_ALONE;
	/* 13: marked for flashing by hand (the plan blocks it with a note). */
	it[n] = usb_item(), it[n].blocked = true;
	snprintf(it[n].note, sizeof(it[n].note), "marked for flashing by hand");
	want_why[n] = "marked for flashing by hand", want[n++] = RS_AUTOFLASH_LEFT_ALONE;
	for (size_t i = 0; i < n; i++) {
		char why[300];
		enum rs_autoflash_pick got = rs_autoflash_pick(&it[i], why, sizeof(why));
		if (got != want[i] || (want_why[i] && !strstr(why, want_why[i])) ||
		    (!want_why[i] && why[0]))
			fail_msg("row %zu: pick %d '%s', want %d '%s'", i, got, why, want[i],
				 want_why[i] ? want_why[i] : "");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_picks) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
