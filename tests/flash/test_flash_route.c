/* Which routes a board has, best first, and which can run with what is
 * connected now: real board files from boards/, hardware lists as discovery
 * fills them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board_loader.h"
#include "core/flash_route.h"
#include "core/xalloc.h"

static const char *boards_dir;

static struct rs_board load(const char *id)
{
	struct rs_board b;
	struct rs_errors errs = { 0 };
	char *path = rs_xasprintf("%s/%s.yaml", boards_dir, id);
	bool ok = rs_board_load_file(path, &b, &errs);
	if (!ok)
		fprintf(stderr, "%s: %s\n", path, errs.count ? errs.items[0].msg : "?");
	assert_true(ok);
	rs_errors_clear(&errs);
	free(path);
	return b;
}

static struct rs_hw_board hw_board(enum rs_hw_board_kind kind, const char *serial, const char *mcu,
				   const char *by_id)
{
	struct rs_hw_board h = { .kind = kind };
	h.syspath = rs_xasprintf("/sys/devices/usb1/1-%s", serial ? serial : "x");
	h.devnode = rs_xstrdup("/dev/ttyACM0");
	h.serial = serial ? rs_xstrdup(serial) : NULL;
	h.mcu = mcu ? rs_xstrdup(mcu) : NULL;
	h.by_id = by_id ? rs_xstrdup(by_id) : NULL;
	return h;
}

/* The list takes the strings; the struct is copied. */
static void put(struct rs_hw_list *l, struct rs_hw_board h)
{
	rs_hw_list_put_board(l, &h);
}

#define BYID_446 "/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00"

static void order(const struct rs_route_list *l, const char *want)
{
	char got[128] = "";
	for (size_t i = 0; i < l->count; i++) {
		strcat(got, i ? " " : "");
		strcat(got, rs_route_name(l->items[i].route));
	}
	assert_string_equal(got, want);
}

static void test_usb_board_running_klipper(void **state)
{
	(void)state;
	struct rs_board b = load("btt-octopus-pro-446");
	struct rs_hw_list hw = { 0 };
	put(&hw, hw_board(RS_HW_KLIPPER, "btt-octopus-pro-446", "stm32f446xx", BYID_446));
	struct rs_route_input in = { .board = &b, .hw = &hw, .klipper = RS_SERVICE_RUNNING };
	struct rs_route_list l;
	rs_route_list_make(&in, &l);
	order(&l, "usb remote-sd dfu sdcard");
	assert_false(l.manual);
	assert_false(l.avr);
	const struct rs_route_option *best = rs_route_list_best(&l);
	assert_non_null(best);
	assert_int_equal(best->route, RS_ROUTE_USB);
	assert_string_equal(best->device, BYID_446);
	assert_string_equal(best->why_not, "");
	assert_true(rs_route_list_find(&l, RS_ROUTE_REMOTE_SD)->possible);
	const struct rs_route_option *dfu = rs_route_list_find(&l, RS_ROUTE_DFU);
	assert_false(dfu->possible);
	assert_true(dfu->can_wait);
	assert_non_null(strstr(dfu->needs, "dfu-util 0.11"));
	assert_false(rs_route_list_find(&l, RS_ROUTE_SDCARD)->possible);

	/* Nothing connected: nothing possible, DFU can wait for the board. */
	in.hw = NULL;
	rs_route_list_make(&in, &l);
	assert_null(rs_route_list_best(&l));
	assert_non_null(strstr(l.items[0].why_not, "not on USB"));
	/* No service manager to stop Klipper with: USB is refused. */
	in.hw = &hw;
	in.klipper = RS_SERVICE_UNKNOWN;
	rs_route_list_make(&in, &l);
	assert_false(l.items[0].possible);
	assert_non_null(strstr(l.items[0].why_not, "systemctl"));
	rs_hw_list_free(&hw);
	rs_board_free(&b);
}

/* The 429: card, remote SD update with a power cycle, DFU; never USB. */
static void test_card_board_routes(void **state)
{
	(void)state;
	struct rs_board b = load("btt-octopus-pro-429");
	assert_string_equal(b.remote_sd_board, "btt-octopus-pro-f429-v1.0");
	assert_true(b.remote_sd_power_cycle);
	struct rs_hw_list hw = { 0 };
	struct rs_route_input in = { .board = &b, .hw = &hw, .klipper = RS_SERVICE_RUNNING };
	struct rs_route_list l;
	rs_route_list_make(&in, &l);
	order(&l, "sdcard remote-sd dfu");
	assert_null(rs_route_list_best(&l));
	assert_non_null(strstr(rs_route_list_find(&l, RS_ROUTE_REMOTE_SD)->needs, "power cycle"));
	assert_non_null(strstr(rs_route_list_find(&l, RS_ROUTE_REMOTE_SD)->needs, "own SD slot"));

	/* In DFU now: DFU is the best possible route. */
	put(&hw, hw_board(RS_HW_STM32_DFU, "3276385E3133", NULL, NULL));
	rs_route_list_make(&in, &l);
	const struct rs_route_option *best = rs_route_list_best(&l);
	assert_non_null(best);
	assert_int_equal(best->route, RS_ROUTE_DFU);
	assert_string_equal(best->device, RS_DFU_DEVICE);
	/* Running Klipper (chip-id serial, only board with its MCU): remote SD. */
	put(&hw, hw_board(RS_HW_KLIPPER, "33004E001951", "stm32f429xx", "/dev/serial/by-id/x"));
	rs_route_list_make(&in, &l);
	assert_int_equal(rs_route_list_best(&l)->route, RS_ROUTE_REMOTE_SD);
	rs_hw_list_free(&hw);
	rs_board_free(&b);

	/* The SKR Pro's own method is the remote SD update; no power cycle. */
	b = load("btt-skr-pro-12");
	rs_route_list_make(&in, &l);
	order(&l, "remote-sd sdcard");
	assert_false(b.remote_sd_power_cycle);
	assert_null(strstr(l.items[0].needs, "power cycle"));
	rs_board_free(&b);
}

static void test_manual_and_avr(void **state)
{
	(void)state;
	struct rs_board b = load("btt-octopus-pro-h723");
	struct rs_route_input in = { .board = &b, .klipper = RS_SERVICE_RUNNING };
	struct rs_route_list l;
	rs_route_list_make(&in, &l);
	assert_true(l.manual);
	order(&l, "usb dfu sdcard");
	rs_board_free(&b);

	b = load("prusa-einsy");
	struct rs_hw_list hw = { 0 };
	put(&hw, hw_board(RS_HW_EINSY, "CZPX1234", "atmega2560", "/dev/serial/by-id/usb-Prusa_Einsy"));
	in.hw = &hw;
	rs_route_list_make(&in, &l);
	assert_true(l.avr);
	assert_false(l.manual);
	order(&l, "usb");
	assert_true(l.items[0].possible);
	assert_non_null(strstr(l.items[0].needs, "avrdude"));
	rs_hw_list_free(&hw);
	rs_board_free(&b);
}

/* A user who is not root: a running Klipper cannot be stopped, and an ARM
 * board's make flash calls sudo; root can do all; AVR needs no sudo. */
static void test_root_reason(void **state)
{
	(void)state;
	struct rs_board b = load("btt-octopus-pro-446");
	assert_null(rs_route_root_reason(&b, RS_ROUTE_USB, RS_SERVICE_RUNNING, true));
	assert_null(rs_route_root_reason(&b, RS_ROUTE_DFU, RS_SERVICE_RUNNING, true));
	assert_non_null(strstr(rs_route_root_reason(&b, RS_ROUTE_USB, RS_SERVICE_RUNNING, false),
			       "stopping the Klipper service needs root"));
	assert_non_null(strstr(rs_route_root_reason(&b, RS_ROUTE_REMOTE_SD, RS_SERVICE_RUNNING,
						    false), "needs root"));
	assert_non_null(strstr(rs_route_root_reason(&b, RS_ROUTE_USB, RS_SERVICE_ABSENT, false),
			       "sudo"));
	assert_non_null(rs_route_root_reason(&b, RS_ROUTE_DFU, RS_SERVICE_RUNNING, false));
	assert_null(rs_route_root_reason(&b, RS_ROUTE_REMOTE_SD, RS_SERVICE_STOPPED, false));
	assert_null(rs_route_root_reason(&b, RS_ROUTE_SDCARD, RS_SERVICE_RUNNING, false));
	rs_board_free(&b);
	b = load("prusa-einsy");
	assert_null(rs_route_root_reason(&b, RS_ROUTE_USB, RS_SERVICE_STOPPED, false));
	assert_non_null(rs_route_root_reason(&b, RS_ROUTE_USB, RS_SERVICE_RUNNING, false));
	rs_board_free(&b);
}

/* Two boards with the board's MCU and chip-id serials: --device decides. */
static void test_ambiguous_needs_device(void **state)
{
	(void)state;
	struct rs_board b = load("btt-octopus-pro-446");
	struct rs_hw_list hw = { 0 };
	put(&hw, hw_board(RS_HW_KLIPPER, "AAA", "stm32f446xx", "/dev/serial/by-id/a"));
	struct rs_hw_board second = hw_board(RS_HW_KLIPPER, "BBB", "stm32f446xx", "/dev/serial/by-id/b");
	free(second.devnode);
	second.devnode = rs_xstrdup("/dev/ttyACM1");
	put(&hw, second);
	struct rs_route_input in = { .board = &b, .hw = &hw, .klipper = RS_SERVICE_STOPPED };
	struct rs_route_list l;
	rs_route_list_make(&in, &l);
	assert_true(l.ambiguous);
	assert_false(l.items[0].possible);
	assert_non_null(strstr(l.items[0].why_not, "--device"));
	in.device = "/dev/ttyACM1";
	rs_route_list_make(&in, &l);
	assert_true(l.items[0].possible);
	assert_string_equal(l.items[0].device, "/dev/serial/by-id/b");
	in.device = "/dev/ttyACM9";
	rs_route_list_make(&in, &l);
	assert_false(l.items[0].possible);
	assert_non_null(strstr(l.items[0].why_not, "/dev/ttyACM9"));
	rs_hw_list_free(&hw);
	rs_board_free(&b);
}

/* Every board in boards/ has at least one route, and every remote SD name
 * is one flash-sdcard.sh can take as an argument. */
static void test_every_board_has_a_route(void **state)
{
	(void)state;
	DIR *d = opendir(boards_dir);
	assert_non_null(d);
	struct dirent *e;
	unsigned boards = 0, remote = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0 || strcmp(e->d_name, "drivers.yaml") == 0)
			continue;
		char *id = rs_xstrndup(e->d_name, n - 5);
		struct rs_board b = load(id);
		struct rs_route_input in = { .board = &b, .klipper = RS_SERVICE_RUNNING };
		struct rs_route_list l;
		rs_route_list_make(&in, &l);
		if (l.count == 0)
			fprintf(stderr, "%s has no route\n", id);
		assert_true(l.count > 0);
		assert_int_equal(l.manual, b.flash_method == RS_FLASH_MANUAL);
		remote += b.remote_sd_board != NULL;
		boards++;
		rs_board_free(&b);
		free(id);
	}
	closedir(d);
	assert_true(boards >= 50);
	assert_true(remote >= 15);
}

static void test_names_and_dfu_util(void **state)
{
	(void)state;
	for (unsigned i = 0; i < RS_ROUTE_COUNT; i++) {
		enum rs_route r;
		assert_true(rs_route_from_name(rs_route_name((enum rs_route)i), &r));
		assert_int_equal(r, i);
	}
	enum rs_route r;
	assert_false(rs_route_from_name("ftp", &r));
	bool known;
	assert_true(rs_route_dfu_util_ok("dfu-util 0.11", &known));
	assert_true(known);
	assert_true(rs_route_dfu_util_ok("dfu-util 0.11-dev", &known));
	assert_true(rs_route_dfu_util_ok("dfu-util 1.0", &known));
	assert_false(rs_route_dfu_util_ok("dfu-util 0.9", &known));
	assert_true(known);
	assert_false(rs_route_dfu_util_ok("dfu-util 0.10", &known));
	assert_false(rs_route_dfu_util_ok("bash: dfu-util: not found", &known));
	assert_false(known);
	assert_true(rs_route_mcu_is_avr("atmega2560"));
	assert_false(rs_route_mcu_is_avr("stm32f446xx"));
}

int main(int argc, char **argv)
{
	boards_dir = argc > 1 ? argv[1] : "boards";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usb_board_running_klipper),
		cmocka_unit_test(test_card_board_routes),
		cmocka_unit_test(test_manual_and_avr),
		cmocka_unit_test(test_ambiguous_needs_device),
		cmocka_unit_test(test_every_board_has_a_route),
		cmocka_unit_test(test_names_and_dfu_util),
		cmocka_unit_test(test_root_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
