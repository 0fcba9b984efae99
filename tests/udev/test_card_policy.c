/* Table of disks and the verdict each must get. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/card_policy.h"

#define GiB (1024ull * 1024 * 1024)
#define M(r) (1u << (r))

struct row {
	struct rs_card_facts f;
	enum rs_card_refusal want;
	unsigned also; /* reasons that must be in the mask besides want */
};

static const struct row rows[] = {
	/* USB reader with a card */
	{ { "sda", RS_BUS_USB, true, true, false, false, 32 * GiB, false, false }, RS_CARD_OK, 0 },
	/* USB stick that reports removable=0 but is on USB: still hot-pluggable */
	{ { "sdb", RS_BUS_USB, false, true, false, false, 16 * GiB, false, false }, RS_CARD_OK, 0 },
	/* SD card in a laptop's SD slot, not mounted */
	{ { "mmcblk0", RS_BUS_MMC, false, true, false, false, 32 * GiB, false, false }, RS_CARD_OK, 0 },
	/* the Pi's boot card: mmcblk0 holding / */
	{ { "mmcblk0", RS_BUS_MMC, false, true, false, false, 32 * GiB, true, false }, RS_CARD_SYSTEM, 0 },
	/* USB SSD holding /: system wins over everything else */
	{ { "sda", RS_BUS_USB, false, true, false, false, 250 * GiB, true, false }, RS_CARD_SYSTEM, 0 },
	/* system disk that is also read-only: system is the reason shown */
	{ { "sda", RS_BUS_USB, true, true, false, true, 8 * GiB, true, false },
	  RS_CARD_SYSTEM, M(RS_CARD_READ_ONLY) },
	/* empty reader slot */
	{ { "sdc", RS_BUS_USB, true, true, false, false, 0, false, false }, RS_CARD_EMPTY, 0 },
	/* write-protected card: listed, not selectable */
	{ { "sdd", RS_BUS_USB, true, true, false, true, 8 * GiB, false, false }, RS_CARD_READ_ONLY, 0 },
	/* empty and read-only: empty first */
	{ { "sdd", RS_BUS_USB, true, true, false, true, 0, false, false },
	  RS_CARD_EMPTY, M(RS_CARD_READ_ONLY) },
	/* an RP2040 in BOOTSEL: a USB drive, but the board's boot ROM */
	{ { "sdg", RS_BUS_USB, true, true, false, false, 128 << 20, false, true },
	  RS_CARD_BOARD_BOOT, 0 },
	/* internal SATA/NVMe disk */
	{ { "nvme0n1", RS_BUS_OTHER, false, false, false, false, 512 * GiB, false, false },
	  RS_CARD_NOT_REMOVABLE, M(RS_CARD_WRONG_BUS) },
	/* eMMC soldered on (type MMC): not hot-pluggable */
	{ { "mmcblk1", RS_BUS_MMC, false, false, false, false, 32 * GiB, false, false },
	  RS_CARD_NOT_REMOVABLE, 0 },
	/* removable flag but on a SATA bay: wrong bus */
	{ { "sde", RS_BUS_OTHER, true, false, false, false, GiB, false, false }, RS_CARD_WRONG_BUS, 0 },
	{ { "loop0", RS_BUS_OTHER, false, false, false, false, GiB, false, false }, RS_CARD_VIRTUAL, 0 },
	{ { "loop12", RS_BUS_OTHER, false, false, false, false, 0, false, false },
	  RS_CARD_VIRTUAL, M(RS_CARD_EMPTY) },
	{ { "ram0", RS_BUS_OTHER, false, false, false, false, GiB, false, false }, RS_CARD_VIRTUAL, 0 },
	{ { "zram0", RS_BUS_OTHER, false, false, false, false, GiB, false, false }, RS_CARD_VIRTUAL, 0 },
	{ { "dm-0", RS_BUS_OTHER, false, false, false, false, GiB, false, false }, RS_CARD_VIRTUAL, 0 },
	{ { "md127", RS_BUS_OTHER, false, false, false, false, GiB, false, false }, RS_CARD_VIRTUAL, 0 },
	{ { "nbd3", RS_BUS_OTHER, false, false, false, false, GiB, false, false }, RS_CARD_VIRTUAL, 0 },
	/* optical by name and by udev's ID_CDROM (a USB DVD drive) */
	{ { "sr0", RS_BUS_OTHER, true, false, false, true, GiB, false, false }, RS_CARD_OPTICAL, 0 },
	{ { "sdf", RS_BUS_USB, true, true, true, false, GiB, false, false }, RS_CARD_OPTICAL, 0 },
	/* eMMC hardware partitions */
	{ { "mmcblk0boot0", RS_BUS_MMC, false, false, false, true, 4 << 20, false, false },
	  RS_CARD_MMC_HW_PART, 0 },
	{ { "mmcblk10boot1", RS_BUS_MMC, false, true, false, false, 4 << 20, false, false },
	  RS_CARD_MMC_HW_PART, 0 },
	{ { "mmcblk0rpmb", RS_BUS_MMC, false, false, false, false, 4 << 20, false, false },
	  RS_CARD_MMC_HW_PART, 0 },
	/* names that only look like the patterns */
	{ { "loopy", RS_BUS_USB, true, true, false, false, GiB, false, false }, RS_CARD_OK, 0 },
	{ { "mmcblkboot0", RS_BUS_MMC, false, true, false, false, GiB, false, false }, RS_CARD_OK, 0 },
	{ { "src", RS_BUS_USB, true, true, false, false, GiB, false, false }, RS_CARD_OK, 0 },
	/* NULL name must not crash */
	{ { NULL, RS_BUS_USB, true, true, false, false, GiB, false, false }, RS_CARD_OK, 0 },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned mask = 0xdead;
		enum rs_card_refusal got = rs_card_decide(&rows[i].f, &mask);
		if (got != rows[i].want)
			fail_msg("row %zu (%s): got %s, want %s", i, rows[i].f.name,
				 rs_card_refusal_name(got), rs_card_refusal_name(rows[i].want));
		if (rows[i].want == RS_CARD_OK)
			assert_int_equal(mask, 0);
		else
			assert_true(mask & M(rows[i].want));
		assert_int_equal(mask & rows[i].also, rows[i].also);
		/* the reason shown is the most important one present */
		for (int r = RS_CARD_SYSTEM; r < (int)rows[i].want; r++)
			assert_false(mask & M(r));
		assert_non_null(rs_card_refusal_text(got));
	}
	assert_int_equal(rs_card_decide(&rows[0].f, NULL), RS_CARD_OK);
}

static void test_system_paths(void **state)
{
	(void)state;
	static const char *const yes[] = { "/", "/boot", "/boot/firmware", "/boot/efi", "/usr",
					   "/var", "/var/log", "/home", "/etc", "/usr/local",
					   "[SWAP]" };
	static const char *const no[] = { "/media/pi/RATOS", "/mnt", "/mnt/sd", "/run/media/x",
					  "/home/pi/printer_data/gcodes/usb", "/bootx", "/variable" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!rs_mount_is_system(yes[i]))
			fail_msg("%s should be a system path", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (rs_mount_is_system(no[i]))
			fail_msg("%s should not be a system path", no[i]);
}

static void test_names(void **state)
{
	(void)state;
	for (int r = RS_CARD_OK; r < RS_CARD_REFUSAL_COUNT; r++)
		assert_string_not_equal(rs_card_refusal_name((enum rs_card_refusal)r), "?");
	assert_string_equal(rs_card_refusal_name(RS_CARD_SYSTEM), "system-disk");
	assert_string_equal(rs_card_refusal_name(RS_CARD_EMPTY), "empty");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_system_paths),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
