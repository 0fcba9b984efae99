/* Platform tests that need no device: the read-back comparison, the write
 * sequence through a mount point (a plain directory stands in for a mounted
 * card), the firmware gate, and the child-process runner. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/xalloc.h"
#include "platform/mtools.h"
#include "platform/sdwrite.h"

static const struct rs_board btt = { .id = "btt-octopus-pro-429", .name = "Octopus Pro 429",
				     .mcu = "stm32f429xx", .sd_file = "firmware.bin",
				     .sd_renamed = "FIRMWARE.CUR" };

static char dir[] = "/tmp/rs-sdplat-XXXXXX";

static char *path_in(const char *sub, const char *name)
{
	return rs_xasprintf("%s/%s/%s", dir, sub, name);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A firmware stand-in: filler with a compressed dictionary in the middle. */
static char *make_fw(const char *name, const char *mcu)
{
	char json[256];
	snprintf(json, sizeof(json), "{\"config\": {\"MCU\": \"%s\"}, \"version\": \"v0.13.0-1\"}", mcu);
	unsigned char buf[4096];
	memset(buf, 0xA5, sizeof(buf));
	uLongf zlen = 1024;
	assert_int_equal(compress2(buf + 1000, &zlen, (const unsigned char *)json, strlen(json), 9), Z_OK);
	char *p = path_in("fw", name);
	write_file(p, buf, sizeof(buf));
	return p;
}

static bool exists(const char *sub, const char *name)
{
	char *p = path_in(sub, name);
	struct stat st;
	bool ok = stat(p, &st) == 0;
	free(p);
	return ok;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	char *a = rs_xasprintf("%s/card", dir), *b = rs_xasprintf("%s/fw", dir);
	int rc = mkdir(a, 0755) | mkdir(b, 0755);
	free(a);
	free(b);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	const char *argv[] = { "rm", "-rf", dir, NULL };
	struct rs_mtools_out o;
	rs_mtools_run(argv, 0, &o);
	rs_mtools_out_free(&o);
	return 0;
}

static void test_verify_data(void **state)
{
	(void)state;
	unsigned char data[1000], expected[RS_SHA256_LEN];
	memset(data, 7, sizeof(data));
	rs_sha256(data, sizeof(data), expected);
	assert_true(rs_sd_verify_data(data, sizeof(data), expected, sizeof(data)));
	data[500] ^= 1; /* one flipped bit */
	assert_false(rs_sd_verify_data(data, sizeof(data), expected, sizeof(data)));
	data[500] ^= 1;
	assert_false(rs_sd_verify_data(data, sizeof(data) - 1, expected, sizeof(data)));
}

static void test_firmware_gate(void **state)
{
	(void)state;
	struct rs_errors errs = { 0 };
	struct rs_fwinfo info;
	char *good = make_fw("good.bin", "stm32f429xx");
	char *wrong = make_fw("f446.bin", "stm32f446xx");
	char *empty = path_in("fw", "empty.bin");
	write_file(empty, "", 0);
	char *junk = path_in("fw", "junk.bin");
	write_file(junk, "not a firmware", 14);
	char *missing = path_in("fw", "missing.bin");

	assert_int_equal(rs_sd_firmware_check(&btt, good, &info, &errs), RS_SD_OK);
	assert_string_equal(info.mcu, "stm32f429xx");
	assert_string_equal(info.version, "v0.13.0-1");
	rs_fwinfo_free(&info);
	assert_int_equal(errs.count, 0);

	assert_int_equal(rs_sd_firmware_check(&btt, wrong, &info, &errs), RS_SD_WRONG_MCU);
	rs_fwinfo_free(&info);
	assert_non_null(strstr(errs.items[errs.count - 1].msg, "stm32f446xx"));
	assert_non_null(strstr(errs.items[errs.count - 1].msg, "stm32f429xx"));
	assert_int_equal(rs_sd_firmware_check(&btt, empty, &info, &errs), RS_SD_BAD_FIRMWARE);
	assert_int_equal(rs_sd_firmware_check(&btt, junk, &info, &errs), RS_SD_BAD_FIRMWARE);
	assert_int_equal(rs_sd_firmware_check(&btt, missing, &info, &errs), RS_SD_BAD_FIRMWARE);
	assert_non_null(strstr(errs.items[errs.count - 1].msg, "ratos-setup build btt-octopus-pro-429"));

	struct rs_board usb = btt;
	usb.sd_file = NULL;
	assert_int_equal(rs_sd_board_check(&usb, &errs), RS_SD_BAD_BOARD);
	rs_errors_clear(&errs);
	free(good);
	free(wrong);
	free(empty);
	free(junk);
	free(missing);
}

/* A mounted card: everything goes through the mount point. */
static void test_write_through_mount(void **state)
{
	(void)state;
	char *fw = make_fw("klipper.bin", "stm32f429xx");
	static const char *const pre[] = { "FIRMWARE.CUR", "firmware-old.bin", "notes.txt", "OLD.BIN" };
	for (size_t i = 0; i < 4; i++) {
		char *p = path_in("card", pre[i]);
		write_file(p, "old", 3);
		free(p);
	}
	struct rs_sdcard c = { 0 };
	c.path = path_in("card", "");
	c.mountpoint = rs_xasprintf("%s/card", dir);
	c.mount_fd = open(c.mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(c.mount_fd >= 0);
	c.has_mount_fd = true;
	c.kind = RS_SD_PARTITION;
	c.fs.kind = RS_FS_FAT32;
	struct rs_errors errs = { 0 };
	struct rs_sd_write_result res;

	struct rs_strv plan = { 0 };
	assert_int_equal(rs_sd_plan(&c, &btt, &plan, &errs), RS_SD_OK);
	assert_int_equal(plan.count, 3);
	rs_strv_free(&plan);

	assert_int_equal(rs_sd_write_firmware(&c, &btt, fw, NULL, &res, &errs), RS_SD_OK);
	assert_true(res.via_mount);
	assert_true(res.verified);
	assert_int_equal(res.removed.count, 3);
	assert_int_equal(res.bytes, 4096);
	assert_true(exists("card", "firmware.bin"));
	assert_true(exists("card", "notes.txt"));
	assert_false(exists("card", "FIRMWARE.CUR"));
	assert_false(exists("card", "OLD.BIN"));
	assert_false(exists("card", "firmware-old.bin"));
	assert_false(exists("card", RS_SD_TEMP_NAME));
	rs_sd_write_result_free(&res);

	/* Not yet flashed, then the bootloader renames it. */
	struct rs_sdcheck_result r;
	assert_int_equal(rs_sd_check(&c, &btt, fw, &r, &errs), RS_SD_OK);
	assert_int_equal(r.state, RS_SDCHECK_NOT_TAKEN);
	char *a = path_in("card", "firmware.bin"), *b = path_in("card", "FIRMWARE.CUR");
	assert_int_equal(rename(a, b), 0);
	assert_int_equal(rs_sd_check(&c, &btt, fw, &r, &errs), RS_SD_OK);
	assert_int_equal(r.state, RS_SDCHECK_FLASHED);
	assert_true(r.compared);
	assert_int_equal(errs.count, 0);

	/* A refused card is never touched. */
	c.fs.kind = RS_FS_EXFAT;
	assert_int_equal(rs_sd_write_firmware(&c, &btt, fw, NULL, &res, &errs), RS_SD_NOT_FAT);
	rs_sd_write_result_free(&res);
	assert_true(exists("card", "FIRMWARE.CUR"));
	c.fs.kind = RS_FS_FAT32;
	c.system_disk = true;
	assert_int_equal(rs_sd_write_firmware(&c, &btt, fw, NULL, &res, &errs), RS_SD_SYSTEM_DISK);
	rs_sd_write_result_free(&res);
	assert_true(exists("card", "FIRMWARE.CUR"));

	rs_errors_clear(&errs);
	free(a);
	free(b);
	close(c.mount_fd);
	free(c.path);
	free(c.mountpoint);
	free(fw);
}

static void test_runner(void **state)
{
	(void)state;
	struct rs_mtools_out o;
	const char *missing[] = { "rs-no-such-tool-here", NULL };
	rs_mtools_run(missing, 0, &o);
	assert_int_equal(o.status, -1);
	assert_int_equal(o.exec_errno, ENOENT);
	rs_mtools_out_free(&o);

	/* stdin is /dev/null, and the child sees MTOOLS_SKIP_CHECK=1. */
	const char *env[] = { "sh", "-c", "cat; printf %s \"$MTOOLS_SKIP_CHECK\"; echo oops >&2; exit 3", NULL };
	rs_mtools_run(env, 100, &o);
	assert_int_equal(o.status, 3);
	assert_string_equal((char *)o.out, "1");
	assert_string_equal(o.err, "oops\n");
	rs_mtools_out_free(&o);

	/* The caller's mtools configuration never reaches the child: not
	 * MTOOLSRC, not any MTOOLS_* variable, not ~/.mtoolsrc through HOME. */
	setenv("MTOOLSRC", "/tmp/evil.mtoolsrc", 1);
	setenv("MTOOLS_NO_VFAT", "1", 1);
	setenv("MTOOLS_SKIP_CHECK", "0", 1);
	setenv("HOME", dir, 1);
	const char *cfg[] = { "sh", "-c", "env | grep -E '^(MTOOLS|HOME=)' | sort", NULL };
	rs_mtools_run(cfg, 1000, &o);
	assert_int_equal(o.status, 0);
	assert_string_equal((char *)o.out, "HOME=/nonexistent\nMTOOLS_SKIP_CHECK=1\n");
	rs_mtools_out_free(&o);
	unsetenv("MTOOLSRC");
	unsetenv("MTOOLS_NO_VFAT");

	/* Output beyond the cap is a failure, not a silently short read. */
	const char *big[] = { "head", "-c", "5000", "/dev/zero", NULL };
	rs_mtools_run(big, 100, &o);
	assert_int_equal(o.status, -1);
	rs_mtools_out_free(&o);

	/* The card goes to mtools only as an open file: nothing a user typed. */
	char *spec = rs_mtools_image_spec(7, 1048576);
	assert_string_equal(spec, "/dev/fd/7@@1048576");
	free(spec);
	spec = rs_mtools_image_spec(7, 0);
	assert_string_equal(spec, "/dev/fd/7");
	free(spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verify_data),
		cmocka_unit_test(test_firmware_gate),
		cmocka_unit_test(test_write_through_mount),
		cmocka_unit_test(test_runner),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
