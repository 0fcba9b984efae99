/* doctor's pure parts: the streaming klippy.log reader (any chunking gives
 * the same answer; only the last start counts), printer.cfg's [mcu]
 * sections with includes in Klipper's order, serial names, verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/doctor.h"
#include "core/klippy_log.h"
#include "core/printer_cfg.h"

static const char log_text[] =
	"Starting Klippy...\n"
	"Git version: 'v0.13.0-730-g84104bbbd'\n"
	"Loaded MCU 'mcu' 117 commands (v0.12.0-1-gaaaa / gcc: x binutils: y)\n"
	"Starting Klippy...\r\n"
	"Git version: 'v0.13.0-731-g1a2b3c4d5'\r\n"
	"Loaded MCU 'mcu' 117 commands (v0.13.0-730-g84104bbbd / gcc: x binutils: y)\r\n"
	"MCU 'mcu' config: ADC_MAX=4095 CLOCK_FREQ=180000000 MCU=stm32f429xx PWM_MAX=255\r\n"
	"Loaded MCU 'EBBCan' 121 commands (v0.13.0-731-g1a2b3c4d5 / gcc: x binutils: y)\n"
	"MCU Protocol error\n"
	"\n"
	"Your Klipper version is: v0.13.0-731-g1a2b3c4d5\n"
	"MCU(s) which should be updated:\n"
	"mcu: Current version v0.13.0-730-g84104bbbd\n"
	"Up-to-date MCU(s):\n"
	"EBBCan: Current version v0.13.0-731-g1a2b3c4d5\n"
	"\n"
	"Protocol error connecting to MCU 'mcu'"; /* no final newline */

static void check_log(const struct rs_klog *k)
{
	assert_true(k->have_start);
	assert_int_equal(k->starts, 2);
	assert_int_equal(k->start_line, 4);
	assert_string_equal(k->host_version, "v0.13.0-731-g1a2b3c4d5");
	assert_true(k->protocol_error);
	assert_int_equal(k->mcu_count, 2);
	assert_string_equal(k->mcus[0].name, "mcu");
	assert_string_equal(k->mcus[0].version, "v0.13.0-730-g84104bbbd");
	assert_string_equal(k->mcus[0].chip, "stm32f429xx");
	assert_int_equal(k->mcus[0].listed, RS_KLOG_TO_UPDATE);
	assert_string_equal(k->mcus[1].name, "EBBCan");
	assert_int_equal(k->mcus[1].listed, RS_KLOG_UP_TO_DATE);
	assert_false(rs_klog_looks_binary(k));
}

static void log_any_chunking(void **state)
{
	(void)state;
	static struct rs_klog k;
	size_t len = strlen(log_text);
	for (size_t chunk = 1; chunk <= len; chunk = chunk < 8 ? chunk + 1 : chunk * 3) {
		rs_klog_init(&k);
		for (size_t i = 0; i < len; i += chunk)
			rs_klog_feed(&k, log_text + i, i + chunk > len ? len - i : chunk);
		rs_klog_finish(&k);
		check_log(&k);
	}
}

static void log_bounded(void **state)
{
	(void)state;
	static struct rs_klog k;
	rs_klog_init(&k);
	/* More MCUs than fit, a line longer than the buffer, NULs. */
	rs_klog_feed(&k, "Starting Klippy...\n", 19);
	char line[128];
	for (int i = 0; i < 40; i++) {
		int n = snprintf(line, sizeof(line), "Loaded MCU 'm%d' 1 commands (v%d / gcc)\n", i, i);
		rs_klog_feed(&k, line, (size_t)n);
	}
	assert_int_equal(k.mcu_count, RS_KLOG_MAX_MCUS);
	static char big[3 * RS_KLOG_LINE];
	memset(big, 'G', sizeof(big));
	memcpy(big, "Git version: '", 14);
	rs_klog_feed(&k, big, sizeof(big));
	rs_klog_feed(&k, "\n", 1);
	assert_true(strlen(k.host_version) < RS_KLOG_STR);
	rs_klog_feed(&k, "\0\0\0\0\0\0\0\0\0\0", 10);
	assert_false(rs_klog_looks_binary(&k));
	/* A name too long for the table is skipped, not cut. */
	rs_klog_init(&k);
	char longname[200];
	memset(longname, 'n', sizeof(longname));
	rs_klog_feed(&k, "Starting Klippy...\nLoaded MCU '", 31);
	rs_klog_feed(&k, longname, sizeof(longname));
	rs_klog_feed(&k, "' 1 commands (v1 / x)\n", 22);
	assert_int_equal(k.mcu_count, 0);
}

struct files {
	const char *name, *text;
};
static const struct files tree[] = {
	{ "printer.cfg", "[include board.cfg]\n"
			 "[mcu EBBCan] # toolhead\n"
			 "serial : /dev/serial/by-id/usb-Klipper_stm32g0b1xx_btt-ebb42-12-t0-if00 ; x\n"
			 "[mcu]\n"
			 "restart_method: command\n"
			 "#*# [mcu]\n#*# serial = /dev/ttyACM9\n" },
	{ "board.cfg", "[mcu]\nserial: /dev/RatOS/btt-octopus-pro-429\n"
		       "[gcode_macro X]\ngcode:\n  serial: not this\n"
		       "[mcuextra]\nserial: nor this\n" },
};

static void include(void *ctx, const char *pattern, const char *file, int line)
{
	(void)file;
	assert_int_equal(line, 1);
	for (size_t i = 0; i < 2; i++)
		if (strcmp(tree[i].name, pattern) == 0)
			rs_pcfg_parse(ctx, tree[i].name, tree[i].text, strlen(tree[i].text), include,
				      ctx);
}

static void config(void **state)
{
	(void)state;
	static struct rs_pcfg cfg;
	memset(&cfg, 0, sizeof(cfg));
	rs_pcfg_parse(&cfg, "printer.cfg", tree[0].text, strlen(tree[0].text), include, &cfg);
	assert_int_equal(cfg.mcu_count, 2);
	assert_string_equal(cfg.mcus[0].name, "mcu");
	assert_string_equal(cfg.mcus[0].serial, "/dev/RatOS/btt-octopus-pro-429");
	assert_string_equal(cfg.mcus[0].file, "board.cfg");
	assert_int_equal(cfg.mcus[0].line, 2);
	assert_string_equal(cfg.mcus[1].name, "EBBCan");
	assert_string_equal(cfg.mcus[1].serial,
			    "/dev/serial/by-id/usb-Klipper_stm32g0b1xx_btt-ebb42-12-t0-if00");
	char id[64], chip[32];
	assert_true(rs_pcfg_serial_names(cfg.mcus[1].serial, id, sizeof(id), chip, sizeof(chip)));
	assert_string_equal(id, "btt-ebb42-12-t0");
	assert_string_equal(chip, "stm32g0b1xx");
	assert_true(rs_pcfg_serial_names("/dev/RatOS/btt-skr-2-429", id, sizeof(id), chip,
					 sizeof(chip)));
	assert_string_equal(id, "btt-skr-2-429");
	assert_false(rs_pcfg_serial_names("/dev/ttyACM0", id, sizeof(id), chip, sizeof(chip)));
	assert_false(rs_pcfg_serial_names("/dev/RatOS/", id, sizeof(id), chip, sizeof(chip)));
	assert_false(rs_pcfg_serial_names("/dev/serial/by-id/usb-Klipper_x", id, sizeof(id), chip,
					  sizeof(chip)));
}

static void verdicts(void **state)
{
	(void)state;
	struct rs_board sd = { .id = "btt-octopus-pro-429", .flash_method = RS_FLASH_SDCARD };
	struct rs_board usb = { .id = "btt-octopus-pro-446", .flash_method = RS_FLASH_USB };
	struct rs_doctor_mcu m;
	struct rs_doctor_facts f = { "mcu", "v0.13.0-730-g8", "v0.13.0-731-g1", true, &sd, NULL,
				     NULL, "/dev/RatOS/btt-octopus-pro-429" };
	rs_doctor_judge(&f, &m);
	assert_int_equal(m.verdict, RS_DOC_FIRMWARE_OLDER);
	assert_non_null(strstr(m.next, "ratos-setup build btt-octopus-pro-429 && sudo ratos-setup "
				       "sdcard write --board btt-octopus-pro-429"));
	f.built_version = "v0.13.0-731-g1";
	f.klipper_arg = "/opt/k";
	rs_doctor_judge(&f, &m);
	assert_int_equal(m.verdict, RS_DOC_BUILT_NOT_FLASHED);
	assert_non_null(strstr(m.next, "run ratos-setup --klipper /opt/k and press f"));
	f.board = &usb;
	rs_doctor_judge(&f, &m);
	assert_non_null(strstr(m.next, "flash it over USB"));
	f.mcu_version = "v0.13.0-731-g1";
	f.listed_to_update = false;
	rs_doctor_judge(&f, &m);
	assert_int_equal(m.verdict, RS_DOC_CURRENT);
	assert_string_equal(m.next, "");
	f.host_version = NULL;
	rs_doctor_judge(&f, &m);
	assert_int_equal(m.verdict, RS_DOC_UNKNOWN);
	/* Listed by Klipper as to update overrides equal strings. */
	f.host_version = "v0.13.0-731-g1";
	f.listed_to_update = true;
	f.built_version = NULL;
	rs_doctor_judge(&f, &m);
	assert_int_equal(m.verdict, RS_DOC_FIRMWARE_OLDER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(log_any_chunking),
		cmocka_unit_test(log_bounded),
		cmocka_unit_test(config),
		cmocka_unit_test(verdicts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
