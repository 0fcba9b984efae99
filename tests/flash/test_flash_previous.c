/* `flash BOARD --previous`: what make flash runs, with the kept previous
 * image's path, for each MCU family (Klipper's src/<mcu>/Makefile flash
 * targets), from the board's build config; and the refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/flash_previous.h"

static char dir[] = "/tmp/rs-flashprev-XXXXXX";
static char *config, *klipper;

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	config = rs_xasprintf("%s/board.config", dir);
	klipper = rs_xasprintf("%s/klipper", dir);
	mkdir(klipper, 0755);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = rs_xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	free(config);
	free(klipper);
	return rc == 0 ? 0 : -1;
}

static void write_config(const char *text)
{
	FILE *f = fopen(config, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The argv (joined with spaces) for a board of mcu, or "FAIL: message". */
static char *argv_for(const char *mcu, bool uf2_kept, bool nosudo, const char *device)
{
	struct rs_board b = { .id = (char *)"b", .name = (char *)"B", .mcu = (char *)mcu };
	struct rs_flash_ctx c = { .board = &b, .klipper_dir = klipper, .config_path = config,
				  .nosudo = nosudo };
	struct rs_fw_previous p = { .image = (char *)"/fw/firmware-b.prev.bin",
				    .uf2 = uf2_kept ? (char *)"/fw/firmware-b.prev.uf2" : NULL };
	rs_flash_ctx_use_previous(&c, &p);
	struct rs_strv argv = { 0 };
	struct rs_proc_opts po = { 0 };
	struct rs_status st = RS_STATUS_OK;
	char *out;
	if (rs_flash_previous_argv(&c, device, &argv, &po, &st)) {
		assert_string_equal(po.cwd, klipper); /* run in the tree, as make flash */
		size_t n = 1;
		for (size_t i = 0; i < argv.count; i++)
			n += strlen(argv.items[i]) + 1;
		out = rs_xcalloc(1, n);
		for (size_t i = 0; i < argv.count; i++) {
			strcat(out, argv.items[i]);
			if (i + 1 < argv.count)
				strcat(out, " ");
		}
	} else {
		out = rs_xasprintf("FAIL: %s", st.message);
	}
	rs_status_clear(&st);
	rs_strv_free(&argv);
	rs_fw_previous_free(c.previous);
	free(c.previous);
	return out;
}

static void stm32_gives_the_application_start(void **state)
{
	(void)state;
	write_config("CONFIG_MACH_STM32=y\nCONFIG_MCU=\"stm32g0b1xx\"\n"
		     "CONFIG_FLASH_APPLICATION_ADDRESS=0x8002000\n");
	char *a = argv_for("stm32g0b1xx", false, true, "/dev/serial/by-id/x");
	assert_string_equal(a, "python3 ./scripts/flash_usb.py -t stm32g0b1xx -d /dev/serial/by-id/x "
			       "-s 0x8002000 --no-sudo /fw/firmware-b.prev.bin");
	free(a);
	a = argv_for("stm32g0b1xx", false, false, "0483:df11");
	assert_string_equal(a, "python3 ./scripts/flash_usb.py -t stm32g0b1xx -d 0483:df11 "
			       "-s 0x8002000 /fw/firmware-b.prev.bin");
	free(a);
}

static void stm32_without_start_is_refused(void **state)
{
	(void)state;
	write_config("CONFIG_MCU=\"stm32f446xx\"\n");
	char *a = argv_for("stm32f446xx", false, true, "/dev/x");
	assert_non_null(strstr(a, "FAIL: the board's build config"));
	assert_non_null(strstr(a, "CONFIG_FLASH_APPLICATION_ADDRESS"));
	free(a);
	unlink(config); /* no build at all: the same refusal */
	a = argv_for("stm32f446xx", false, true, "/dev/x");
	assert_non_null(strstr(a, "FAIL: "));
	free(a);
}

static void rp2040_writes_the_uf2_or_the_bin_after_a_bootloader(void **state)
{
	(void)state;
	write_config("CONFIG_MACH_RPXXXX=y\nCONFIG_MCU=\"rp2040\"\n");
	char *a = argv_for("rp2040", true, true, "/dev/x");
	assert_string_equal(a, "python3 ./scripts/flash_usb.py -t rp2040 -d /dev/x --no-sudo "
			       "/fw/firmware-b.prev.uf2");
	free(a);
	a = argv_for("rp2040", false, true, "/dev/x");
	assert_non_null(strstr(a, "FAIL: no UF2 image was kept"));
	free(a);
	write_config("CONFIG_MCU=\"rp2040\"\nCONFIG_RPXXXX_FLASH_START_4000=y\n"
		     "CONFIG_RPXXXX_HAVE_BOOTLOADER=y\n");
	a = argv_for("rp2040", false, true, "/dev/x");
	assert_string_equal(a, "python3 ./scripts/flash_usb.py -t rp2040 -d /dev/x --no-sudo "
			       "/fw/firmware-b.prev.bin");
	free(a);
}

static void lpc_has_no_start(void **state)
{
	(void)state;
	write_config("CONFIG_MCU=\"lpc1769\"\nCONFIG_FLASH_APPLICATION_ADDRESS=0x4000\n");
	char *a = argv_for("lpc1769", false, false, "/dev/x");
	assert_string_equal(a, "python3 ./scripts/flash_usb.py -t lpc1769 -d /dev/x "
			       "/fw/firmware-b.prev.bin");
	free(a);
}

static void avr_runs_avrdude_on_the_hex(void **state)
{
	(void)state;
	write_config("CONFIG_MCU=\"atmega2560\"\nCONFIG_AVRDUDE_PROTOCOL=\"stk500v2\"\n");
	char *a = argv_for("atmega2560", false, true, "/dev/ttyACM0");
	assert_string_equal(a, "avrdude -patmega2560 -cstk500v2 -P/dev/ttyACM0 -D "
			       "-Uflash:w:/fw/firmware-b.prev.bin:i");
	free(a);
	/* A config that does not say: Klipper's default for the chip. */
	write_config("CONFIG_MCU=\"atmega2560\"\n");
	a = argv_for("atmega2560", false, true, "/dev/ttyACM0");
	assert_non_null(strstr(a, " -cwiring "));
	free(a);
}

static void other_families_are_refused(void **state)
{
	(void)state;
	write_config("CONFIG_MCU=\"samd21g18a\"\n");
	char *a = argv_for("samd21g18a", false, true, "/dev/x");
	assert_non_null(strstr(a, "FAIL: putting back the previous firmware is not supported"));
	free(a);
}

static void helper_built_only_when_missing(void **state)
{
	(void)state;
	struct rs_board b = { .id = (char *)"b", .mcu = (char *)"rp2040" };
	struct rs_flash_ctx c = { .board = &b, .klipper_dir = klipper, .config_path = config };
	assert_false(rs_flash_previous_tools_wanted(&c)); /* not --previous: make flash does it */
	struct rs_fw_previous p = { .image = (char *)"/fw/x.prev.bin" };
	rs_flash_ctx_use_previous(&c, &p);
	assert_true(rs_flash_previous_tools_wanted(&c));
	struct rs_strv argv = { 0 };
	struct rs_proc_opts po = { 0 };
	struct rs_status st = RS_STATUS_OK;
	assert_true(rs_flash_previous_tools_argv(&c, &argv, &po, &st));
	assert_int_equal(argv.count, 4);
	assert_string_equal(argv.items[0], "make");
	assert_string_equal(argv.items[1], "-C");
	assert_string_equal(argv.items[2], "lib/rp2040_flash");
	assert_string_equal(argv.items[3], "rp2040_flash");
	rs_strv_free(&argv);
	char *lib = rs_xasprintf("%s/lib", klipper), *sub = rs_xasprintf("%s/rp2040_flash", lib);
	char *tool = rs_xasprintf("%s/rp2040_flash", sub);
	mkdir(lib, 0755);
	mkdir(sub, 0755);
	FILE *f = fopen(tool, "w");
	fclose(f);
	chmod(tool, 0755);
	assert_false(rs_flash_previous_tools_wanted(&c));
	free(lib);
	free(sub);
	free(tool);
	rs_fw_previous_free(c.previous);
	free(c.previous);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stm32_gives_the_application_start),
		cmocka_unit_test(stm32_without_start_is_refused),
		cmocka_unit_test(rp2040_writes_the_uf2_or_the_bin_after_a_bootloader),
		cmocka_unit_test(lpc_has_no_start),
		cmocka_unit_test(avr_runs_avrdude_on_the_hex),
		cmocka_unit_test(other_families_are_refused),
		cmocka_unit_test(helper_built_only_when_missing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
