/* Unit tests of the pure SD-card rules: SHA-256, FAT boot sectors (real ones
 * made by mkfs.fat and crafted ones), the MBR, mountinfo, stale files and
 * the flashed / not flashed decision. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fat.h"
#include "core/mbr.h"
#include "core/card_policy.h"
#include "core/mountinfo.h"
#include "core/sdcheck.h"
#include "core/sha256.h"

static void load(const char *name, unsigned char buf[512])
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", SD_DATA "/sectors", name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, 512, f), 512);
	fclose(f);
}

static void hex_of(const void *data, size_t len, char *out)
{
	rs_sha256_hex(data, len, out);
}

static void test_sha256_vectors(void **state)
{
	(void)state;
	char hex[RS_SHA256_HEX_LEN];
	hex_of("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hex_of("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	hex_of(two, strlen(two), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* A million 'a', fed in odd-sized pieces across block boundaries. */
	struct rs_sha256 s;
	rs_sha256_init(&s);
	char chunk[997];
	memset(chunk, 'a', sizeof(chunk));
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
		rs_sha256_update(&s, chunk, n);
		left -= n;
	}
	unsigned char d[RS_SHA256_LEN];
	rs_sha256_final(&s, d);
	rs_sha256_to_hex(d, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_fat32_real(void **state)
{
	(void)state;
	unsigned char b[512];
	struct rs_fat_info fi;
	load("fat32-64m.bin", b);
	assert_true(rs_fat_is_volume(b, sizeof(b)));
	assert_int_equal(rs_fat_inspect(b, sizeof(b), &fi), RS_FS_FAT32);
	assert_string_equal(fi.label, "RATOS");
	assert_int_equal(fi.serial, 0x1234ABCD);
	assert_int_equal(fi.sector_size, 512);
	assert_int_equal(fi.cluster_size, 512);
	assert_true(fi.total_bytes == 64ull << 20);
	assert_true(fi.clusters >= 65525);
	assert_true(rs_fs_kind_usable(fi.kind));
	/* Too short: nothing. */
	assert_int_equal(rs_fat_inspect(b, 511, &fi), RS_FS_NONE);
}

static void test_fat16_fat12_real(void **state)
{
	(void)state;
	unsigned char b[512];
	struct rs_fat_info fi;
	load("fat16-64m.bin", b);
	assert_int_equal(rs_fat_inspect(b, sizeof(b), &fi), RS_FS_FAT16);
	assert_string_equal(fi.label, "CARD16");
	assert_int_equal(fi.serial, 0x0BADF00D);
	assert_true(fi.cluster_size >= 1024);
	assert_true(rs_fs_kind_usable(fi.kind));
	load("fat12-4m.bin", b);
	assert_int_equal(rs_fat_inspect(b, sizeof(b), &fi), RS_FS_FAT12);
	assert_string_equal(fi.label, ""); /* NO NAME */
	assert_false(rs_fs_kind_usable(fi.kind));
	/* FAT32 layout with a FAT16 cluster count: readers disagree, refuse. */
	load("fat32-too-few-clusters.bin", b);
	assert_int_equal(rs_fat_inspect(b, sizeof(b), &fi), RS_FS_OTHER);
}

static void test_exfat_ntfs_none(void **state)
{
	(void)state;
	unsigned char b[512] = { 0 };
	struct rs_fat_info fi;
	assert_int_equal(rs_fat_inspect(b, sizeof(b), &fi), RS_FS_NONE);
	assert_false(rs_fat_is_volume(b, sizeof(b)));

	/* exFAT: 64 GB, 512-byte sectors, 128 KiB clusters. */
	b[0] = 0xEB; b[1] = 0x76; b[2] = 0x90;
	memcpy(b + 3, "EXFAT   ", 8);
	uint64_t sectors = 125000000ull;
	for (int i = 0; i < 8; i++)
		b[72 + i] = (unsigned char)(sectors >> (8 * i));
	b[108] = 9;
	b[109] = 8;
	b[510] = 0x55;
	b[511] = 0xAA;
	assert_true(rs_fat_is_volume(b, sizeof(b)));
	assert_int_equal(rs_fat_inspect(b, sizeof(b), &fi), RS_FS_EXFAT);
	assert_int_equal(fi.cluster_size, 128 * 1024);
	assert_true(fi.total_bytes == sectors * 512);
	assert_false(rs_fs_kind_usable(fi.kind));
	assert_string_equal(rs_fs_kind_name(fi.kind), "exFAT");

	memset(b, 0, sizeof(b));
	memcpy(b + 3, "NTFS    ", 8);
	b[11] = 0x00; b[12] = 0x02; /* 512 */
	b[40] = 0x00; b[41] = 0x10; /* 4096 sectors */
	b[510] = 0x55;
	b[511] = 0xAA;
	assert_int_equal(rs_fat_inspect(b, sizeof(b), &fi), RS_FS_NTFS);
	assert_true(fi.total_bytes == 4096 * 512);

	/* A signature but garbage parameters. */
	memset(b, 0x11, sizeof(b));
	b[510] = 0x55;
	b[511] = 0xAA;
	assert_int_equal(rs_fat_inspect(b, sizeof(b), &fi), RS_FS_OTHER);
}

static void test_mbr_real_and_crafted(void **state)
{
	(void)state;
	unsigned char b[512];
	struct rs_mbr m;
	load("mbr-one-fat32.bin", b);
	assert_false(rs_fat_is_volume(b, sizeof(b)));
	assert_true(rs_mbr_parse(b, sizeof(b), &m));
	assert_false(m.gpt);
	assert_int_equal(rs_mbr_first(&m), 0);
	assert_int_equal(m.part[0].type, 0x0C);
	assert_true(m.part[0].bootable);
	assert_int_equal(m.part[0].start, 2048);
	assert_int_equal(m.part[0].sectors, 129024);
	assert_true(rs_mbr_type_is_fat(m.part[0].type));

	load("mbr-gpt-protective.bin", b);
	assert_true(rs_mbr_parse(b, sizeof(b), &m));
	assert_true(m.gpt);

	/* A FAT boot sector is not a partition table. */
	load("fat32-64m.bin", b);
	assert_true(rs_fat_is_volume(b, sizeof(b)));

	/* Our own builder round-trips. */
	rs_mbr_build(b, 2048, 1000000);
	assert_true(rs_mbr_parse(b, sizeof(b), &m));
	assert_int_equal(m.part[0].start, 2048);
	assert_int_equal(m.part[0].sectors, 1000000);
	assert_int_equal(m.part[0].type, 0x0C);

	/* Bad status byte, overlapping entries, empty table. */
	b[446] = 0x12;
	assert_false(rs_mbr_parse(b, sizeof(b), &m));
	rs_mbr_build(b, 2048, 1000000);
	memcpy(b + 462, b + 446, 16);
	assert_false(rs_mbr_parse(b, sizeof(b), &m));
	memset(b + 446, 0, 64);
	assert_false(rs_mbr_parse(b, sizeof(b), &m));
	assert_false(rs_mbr_type_is_fat(0x07));
}

static void test_mountinfo(void **state)
{
	(void)state;
	const char *text =
		"22 27 0:21 / /proc rw,relatime - proc proc rw\n"
		"27 1 179:2 / / rw,relatime shared:1 - ext4 /dev/root rw\n"
		"28 27 179:1 / /boot/firmware rw - vfat /dev/mmcblk0p1 rw\n"
		"99 27 8:1 / /media/pi/RATOS\\040CARD rw,nosuid master:3 - vfat /dev/sda1 rw\n"
		"garbage line\n";
	struct rs_mounts m;
	rs_mountinfo_parse(text, &m);
	assert_int_equal(m.count, 4);
	const struct rs_mount *card = rs_mounts_of(&m, 8, 1, NULL, 0);
	assert_non_null(card);
	assert_string_equal(card->mountpoint, "/media/pi/RATOS CARD");
	assert_string_equal(card->fstype, "vfat");
	assert_false(rs_mount_is_system(card->mountpoint));
	assert_null(rs_mounts_of(&m, 8, 2, NULL, 0));
	assert_ptr_equal(rs_mounts_of(&m, 0, 0, "/dev/sda1", 0), card);
	/* major 0 never matches by number (virtual filesystems). */
	assert_null(rs_mounts_of(&m, 0, 21, NULL, 0));
	assert_true(rs_mount_is_system(rs_mounts_of(&m, 179, 2, NULL, 0)->mountpoint));
	assert_true(rs_mount_is_system(rs_mounts_of(&m, 179, 1, NULL, 0)->mountpoint));
	rs_mounts_free(&m);
}

static const struct rs_board btt = { .id = "btt-octopus-pro-429", .mcu = "stm32f429xx",
				     .sd_file = "firmware.bin", .sd_renamed = "FIRMWARE.CUR" };

static void test_stale_names(void **state)
{
	(void)state;
	static const char *const stale[] = { "firmware.bin", "FIRMWARE.BIN", "FIRMWARE.CUR",
					     "firmware.cur", "OLD.BIN", "fwtmp.bin",
					     "firmware-old.bin", "Firmware (1).BIN", "firmware2.bin" };
	static const char *const keep[] = { "notes.txt", "config.g", "firmware.txt", "fw.bin",
					    "klipper.bin", "firmware", "myfirmware.bin", "FIRMWARE.CU" };
	for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++)
		assert_true(rs_sd_is_stale(stale[i], &btt));
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		assert_false(rs_sd_is_stale(keep[i], &btt));
	struct rs_board other = btt;
	other.sd_file = "klipper.bin";
	other.sd_renamed = "KLIPPER.CUR";
	assert_true(rs_sd_is_stale("klipper.bin", &other));
	assert_true(rs_sd_is_stale("KLIPPER.CUR", &other));
	assert_true(rs_sd_is_stale("klipper-v2.bin", &other));
	assert_false(rs_sd_is_stale("notes.txt", &other));
}

static void fill_fs(struct rs_sdcheck_input *in)
{
	memset(in, 0, sizeof(*in));
	in->fs.kind = RS_FS_FAT32;
	in->fs.cluster_size = 4096;
	in->fs.total_bytes = 16ull << 30;
}

static void test_check_decisions(void **state)
{
	(void)state;
	struct rs_sdcheck_input in;
	struct rs_sdcheck_result r;

	/* Still there: not taken, with generic causes only. */
	fill_fs(&in);
	in.file_present = true;
	rs_sdcheck_decide(&in, &btt, &r);
	assert_int_equal(r.state, RS_SDCHECK_NOT_TAKEN);
	assert_false(r.flashed);
	assert_int_equal(r.cause_count, 3);

	/* Same, on a big card with big clusters: those causes come first. */
	in.fs.cluster_size = 64 * 1024;
	in.fs.total_bytes = 64ull << 30;
	rs_sdcheck_decide(&in, &btt, &r);
	assert_int_equal(r.cause_count, 5);
	assert_non_null(strstr(r.causes[0], "clusters"));
	assert_non_null(strstr(r.causes[1], "32 GB"));

	/* Renamed and equal to what was written: flashed. */
	fill_fs(&in);
	in.renamed_present = true;
	in.renamed_size = 44528;
	in.renamed_hashed = in.expected_known = true;
	rs_sha256("fw", 2, in.renamed_sha);
	rs_sha256("fw", 2, in.expected_sha);
	rs_sdcheck_decide(&in, &btt, &r);
	assert_int_equal(r.state, RS_SDCHECK_FLASHED);
	assert_true(r.flashed);
	assert_true(r.compared);

	/* Renamed but a different firmware. */
	rs_sha256("other", 5, in.expected_sha);
	rs_sdcheck_decide(&in, &btt, &r);
	assert_int_equal(r.state, RS_SDCHECK_DIFFERENT);
	assert_false(r.flashed);

	/* Nothing to compare with: still flashed, but not compared. */
	in.expected_known = false;
	rs_sdcheck_decide(&in, &btt, &r);
	assert_true(r.flashed);
	assert_false(r.compared);

	/* An empty file renamed: nothing flashed. */
	in.renamed_size = 0;
	rs_sdcheck_decide(&in, &btt, &r);
	assert_int_equal(r.state, RS_SDCHECK_EMPTY);
	assert_false(r.flashed);

	/* Neither name. */
	fill_fs(&in);
	rs_sdcheck_decide(&in, &btt, &r);
	assert_int_equal(r.state, RS_SDCHECK_NO_FIRMWARE);
	assert_false(r.flashed);

	/* Both names: the new file was not taken. */
	in.file_present = in.renamed_present = true;
	in.renamed_size = 10;
	rs_sdcheck_decide(&in, &btt, &r);
	assert_int_equal(r.state, RS_SDCHECK_NOT_TAKEN);
	assert_string_equal(rs_sdcheck_state_name(r.state), "not-flashed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_fat32_real),
		cmocka_unit_test(test_fat16_fat12_real),
		cmocka_unit_test(test_exfat_ntfs_none),
		cmocka_unit_test(test_mbr_real_and_crafted),
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_stale_names),
		cmocka_unit_test(test_check_decisions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
