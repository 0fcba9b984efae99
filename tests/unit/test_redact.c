/* What a help report gives away (core/redact.h): secret lines dropped whole,
 * homes as ~, serials of devices that are not the configured boards'
 * masked, addresses masked; and what must survive (build errors, versions,
 * the configured board's serial). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/redact.h"

static const char *const keep[] = { "3E0047001851503131333630" };
static const char *const mask[] = { "058F63666485", "AB12", "xy" };
static const struct rs_redact_rules rules = {
	.home = "/home/pi",
	.keep_serials = keep,
	.keep_count = 1,
	.mask_serials = mask,
	.mask_count = 3,
};

static const struct {
	const char *in, *want;
} cases[] = {
	{ "", "" },
	{ "nothing here\n", "nothing here\n" },
	/* homes */
	{ "Args: ['/home/pi/klipper/klippy/klippy.py', '/home/pi/printer_data/config/printer.cfg']",
	  "Args: ['~/klipper/klippy/klippy.py', '~/printer_data/config/printer.cfg']" },
	{ "cd /home/pi", "cd ~" },
	{ "/home/pi2/x", "~/x" }, /* another user: still not named */
	{ "/home/alice's files", "~'s files" },
	{ "/homework/x /home/", "/homework/x /home/" },
	/* serials: the configured board's stays, others go */
	{ "serial: /dev/serial/by-id/usb-Klipper_stm32f446xx_3E0047001851503131333630-if00",
	  "serial: /dev/serial/by-id/usb-Klipper_stm32f446xx_3E0047001851503131333630-if00" },
	{ "serial: /dev/serial/by-id/usb-Klipper_rp2040_E66138935F4A2C28-if00",
	  "serial: /dev/serial/by-id/usb-Klipper_rp2040_" RS_REDACT_SERIAL "-if00" },
	{ "usb-katapult_stm32g0b1xx_1D0023000B50415833323520-if00 x",
	  "usb-katapult_stm32g0b1xx_" RS_REDACT_SERIAL "-if00 x" },
	/* RatOS-built firmware uses the board id as its serial: kept */
	{ "/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00",
	  "/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00" },
	{ "card 058F63666485 in reader", "card " RS_REDACT_SERIAL " in reader" },
	{ "ID_SERIAL=Generic_STORAGE_DEVICE_058F63666485-0:0",
	  "ID_SERIAL=Generic_STORAGE_DEVICE_" RS_REDACT_SERIAL "-0:0" },
	{ "x058F63666485 058F63666485y", "x058F63666485 058F63666485y" }, /* not a whole word */
	{ "AB12 xy", RS_REDACT_SERIAL " xy" }, /* too short to mask */
	/* addresses */
	{ "client 192.168.1.23:7125 connected", "client <ip>:7125 connected" },
	{ "bind 127.0.0.1 and 0.0.0.0", "bind 127.0.0.1 and 0.0.0.0" },
	{ "Klipper v0.13.0-730-g84104bbbd gcc 12.2.1 1.2.3.4.5", "Klipper v0.13.0-730-g84104bbbd gcc 12.2.1 1.2.3.4.5" },
	{ "256.1.1.1", "256.1.1.1" },
	{ "wlan0 ether dc:a6:32:01:02:03 up", "wlan0 ether <mac> up" },
	/* secret lines go whole */
	{ "a\n\tpsk=\"hunter2-wifi\"\nb\n", "a\n" RS_REDACT_REMOVED_LINE "\nb\n" },
	{ "password: s3cret", RS_REDACT_REMOVED_LINE },
	{ "moonraker_api_key = 0123", RS_REDACT_REMOVED_LINE },
	{ "{\"token\": \"abc\"}", RS_REDACT_REMOVED_LINE },
	{ "  wpa-psk abcdefgh", RS_REDACT_REMOVED_LINE },
	{ "Authorization: Bearer abc", RS_REDACT_REMOVED_LINE },
	{ "SECRET_KEY=1", RS_REDACT_REMOVED_LINE },
	{ "url: https://user:pw@example.org/x", RS_REDACT_REMOVED_LINE },
	/* ... but not words that only look like it */
	{ "src/foo.c:3:1: error: expected ';' before '}' token",
	  "src/foo.c:3:1: error: expected ';' before '}' token" },
	{ "password_file_missing", "password_file_missing" },
	{ "see https://docs.ratos.io/x", "see https://docs.ratos.io/x" },
	{ "no newline at the end", "no newline at the end" },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = 0;
		char *got = rs_redact(&rules, cases[i].in, strlen(cases[i].in), &n);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: '%s'\n got  '%s'\n want '%s'", i, cases[i].in, got,
				 cases[i].want);
		assert_int_equal(n, strlen(got));
		free(got);
	}
}

/* A home outside /home (root's, or a service user's) and none at all. */
static void test_other_homes(void **state)
{
	(void)state;
	struct rs_redact_rules r = { .home = "/var/lib/klipper/" };
	const char *in = "/var/lib/klipper/printer_data /var/lib/klipperx";
	char *got = rs_redact(&r, in, strlen(in), NULL);
	assert_string_equal(got, "~/printer_data /var/lib/klipperx");
	free(got);
	struct rs_redact_rules none = { 0 };
	got = rs_redact(&none, "/root/x /home/pi/y", 18, NULL);
	assert_string_equal(got, "/root/x ~/y");
	free(got);
}

/* Text with NUL bytes and no terminator is handled by length. */
static void test_binary(void **state)
{
	(void)state;
	const char in[] = { 'a', '\0', 'p', 's', 'k', '=', '1', '\n', 'b' };
	size_t n = 0;
	char *got = rs_redact(&rules, in, sizeof(in), &n);
	assert_int_equal(n, strlen(RS_REDACT_REMOVED_LINE) + 2);
	assert_string_equal(got, RS_REDACT_REMOVED_LINE "\nb");
	free(got);
}

static void test_serial_of(void **state)
{
	(void)state;
	char buf[64];
	assert_true(rs_redact_serial_of("/dev/serial/by-id/usb-Klipper_stm32f446xx_3E00470018-if00",
					buf, sizeof(buf)));
	assert_string_equal(buf, "3E00470018");
	assert_true(rs_redact_serial_of("usb-1a86_USB_Serial-if00-port0", buf, sizeof(buf)));
	assert_string_equal(buf, "Serial");
	assert_false(rs_redact_serial_of("/dev/RatOS/btt-octopus-pro-446", buf, sizeof(buf)));
	assert_false(rs_redact_serial_of("/dev/ttyACM0", buf, sizeof(buf)));
	assert_false(rs_redact_serial_of("usb-Klipper_x_0123456789-if00", buf, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_other_homes),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_serial_of),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
