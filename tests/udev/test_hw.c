/* The plain-data side of discovery: mount table parsing, USB identities,
 * list updates and diffs, and the hand-fed backend screens are tested with. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hw.h"
#include "core/mountinfo.h"
#include "core/xalloc.h"
#include "platform/discovery_fixed.h"

static void test_mountinfo(void **state)
{
	(void)state;
	struct rs_mounts m;
	rs_mountinfo_parse(
		"22 1 179:2 / / rw,noatime shared:1 - ext4 /dev/root rw\n"
		"36 22 179:1 / /boot/firmware rw shared:34 master:2 - vfat /dev/mmcblk0p1 rw\n"
		"garbage line\n"
		"40 22 8:1 / /media/pi/MY\\040CARD\\134x rw - vfat /dev/sda1 rw\n"
		"41 22 0:45 /@home /home rw - btrfs /dev/sdb2 rw\n"
		"42 22 x:y / /bad rw - ext4 /dev/x rw\n"
		"43 22 8:2 / /nosep rw shared:1 ext4 /dev/sda2 rw\n"
		"44 22 8:3 / /nofstype rw -\n"
		"45 22 8:4 / /nosource rw - tmpfs",
		&m);
	assert_int_equal(m.count, 5);
	assert_string_equal(m.items[0].mountpoint, "/");
	assert_string_equal(m.items[0].source, "/dev/root");
	assert_int_equal(m.items[0].major, 179);
	assert_int_equal(m.items[0].minor, 2);
	assert_string_equal(m.items[1].fstype, "vfat");
	assert_string_equal(m.items[2].mountpoint, "/media/pi/MY CARD\\x");
	assert_string_equal(m.items[4].source, "");

	assert_string_equal(rs_mounts_of(&m, 179, 1, NULL, 0)->mountpoint, "/boot/firmware");
	assert_null(rs_mounts_of(&m, 179, 1, NULL, 1));
	/* btrfs: anonymous 0:N, found through the source instead */
	assert_null(rs_mounts_of(&m, 0, 45, NULL, 0));
	assert_string_equal(rs_mounts_of(&m, 8, 18, "/dev/sdb2", 0)->mountpoint, "/home");
	rs_mounts_free(&m);

	assert_false(rs_mountinfo_read("/nonexistent/mountinfo", &m));
	assert_int_equal(m.count, 0);
	assert_true(rs_mountinfo_read("/proc/self/mountinfo", &m));
	assert_true(m.count > 0);
	rs_mounts_free(&m);
}

static void test_usb_ids(void **state)
{
	(void)state;
	static const struct {
		unsigned vid, pid;
		const char *name;
		bool tty;
	} rows[] = {
		{ 0x1d50, 0x614e, "klipper", true },      { 0x1d50, 0x6177, "katapult", true },
		{ 0x1d50, 0x606f, "can-bridge", false },  { 0x0483, 0xdf11, "dfu", false },
		{ 0x2e8a, 0x0003, "rp2040-boot", false }, { 0x2c99, 0x0002, "einsy", true },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum rs_hw_board_kind k;
		assert_true(rs_hw_board_kind_from_usb(rows[i].vid, rows[i].pid, &k));
		assert_string_equal(rs_hw_board_kind_name(k), rows[i].name);
		assert_int_equal(rs_hw_board_kind_has_tty(k), rows[i].tty);
	}
	enum rs_hw_board_kind k;
	assert_false(rs_hw_board_kind_from_usb(0x05e3, 0x0751, &k)); /* a card reader */
	assert_false(rs_hw_board_kind_from_usb(0x1d50, 0x0000, &k));

	char *mcu = rs_hw_board_guess_mcu(RS_HW_KLIPPER, " STM32F429xx ");
	assert_string_equal(mcu, "stm32f429xx");
	free(mcu);
	assert_null(rs_hw_board_guess_mcu(RS_HW_KLIPPER, "not an mcu!"));
	assert_null(rs_hw_board_guess_mcu(RS_HW_KLIPPER, NULL));
	assert_null(rs_hw_board_guess_mcu(RS_HW_STM32_DFU, "STM32  BOOTLOADER"));
	mcu = rs_hw_board_guess_mcu(RS_HW_RP2040_BOOT, "RP2 Boot");
	assert_string_equal(mcu, "rp2040");
	free(mcu);
}

static struct rs_hw_card card(const char *syspath, unsigned long long size)
{
	struct rs_hw_card c = { 0 };
	c.syspath = rs_xstrdup(syspath);
	c.name = rs_xstrdup(strrchr(syspath, '/') + 1);
	c.size = size;
	return c;
}

static struct rs_hw_board board(const char *syspath, const char *tty)
{
	struct rs_hw_board b = { 0 };
	b.syspath = rs_xstrdup(syspath);
	b.tty_syspath = tty ? rs_xstrdup(tty) : NULL;
	b.serial = rs_xstrdup("X");
	return b;
}

struct seen {
	char lines[8][64];
	int n;
};

static void record(void *ctx, const struct rs_hw_event *ev)
{
	struct seen *s = ctx;
	assert_true(s->n < 8);
	assert_true((ev->board == NULL) != (ev->card == NULL));
	snprintf(s->lines[s->n++], 64, "%s %s", rs_hw_change_name(ev->change),
		 ev->board ? ev->board->syspath : ev->card->name);
}

static void test_list(void **state)
{
	(void)state;
	struct rs_hw_list l = { 0 };
	struct rs_hw_card c = card("/sys/usb1/1-2/block/sda", 100);
	rs_hw_list_put_card(&l, &c);
	assert_null(c.syspath); /* ownership moved */
	c = card("/sys/usb1/1-3/block/sdb", 0);
	c.refusal = RS_CARD_EMPTY;
	rs_hw_list_put_card(&l, &c);
	struct rs_hw_board b = board("/sys/usb1/1-1", "/sys/usb1/1-1/1-1:1.0/tty/ttyACM0");
	rs_hw_list_put_board(&l, &b);
	assert_int_equal(l.card_count, 2);
	assert_int_equal(rs_hw_list_candidates(&l), 1);

	struct rs_hw_list before;
	rs_hw_list_copy(&before, &l);

	/* same syspath replaces; a new size is a change */
	c = card("/sys/usb1/1-3/block/sdb", 4096);
	rs_hw_list_put_card(&l, &c);
	assert_int_equal(l.card_count, 2);
	/* removing the tty drops the board; a sibling path is not "below" */
	assert_int_equal(rs_hw_list_remove(&l, "/sys/usb1/1-1/1-1:1.0/tty/ttyACM0"), 1);
	assert_int_equal(rs_hw_list_remove(&l, "/sys/usb1/1-"), 0);
	/* removing the USB device drops the disk behind it */
	assert_int_equal(rs_hw_list_remove(&l, "/sys/usb1/1-2"), 1);
	c = card("/sys/usb1/1-4/block/sdc", 1);
	rs_hw_list_put_card(&l, &c);

	struct seen s = { 0 };
	rs_hw_list_diff(&before, &l, record, &s);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.lines[0], "remove /sys/usb1/1-1");
	assert_string_equal(s.lines[1], "remove sda");
	assert_string_equal(s.lines[2], "change sdb");
	assert_string_equal(s.lines[3], "add sdc");

	s.n = 0;
	rs_hw_list_diff(&l, &l, record, &s);
	assert_int_equal(s.n, 0);
	rs_hw_list_free(&before);
	rs_hw_list_free(&l);
}

static void test_fixed_backend(void **state)
{
	(void)state;
	struct rs_hw_list l = { 0 };
	struct rs_hw_card c = card("/sys/x/block/sda", 1 << 20);
	rs_hw_list_put_card(&l, &c);

	struct rs_discovery *d = rs_discovery_fixed_new(NULL);
	int fd = rs_discovery_fd(d);
	assert_true(fd >= 0);
	assert_int_equal(rs_discovery_list(d)->card_count, 0);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 0), 0);
	assert_false(rs_discovery_process(d));

	rs_discovery_fixed_set(d, &l);
	rs_hw_list_free(&l); /* the backend keeps its own copy */
	assert_int_equal(poll(&p, 1, 0), 1);
	unsigned long gen = rs_discovery_generation(d);
	assert_true(rs_discovery_process(d));
	assert_int_equal(rs_discovery_generation(d), gen + 1);
	assert_int_equal(rs_discovery_list(d)->card_count, 1);
	assert_string_equal(rs_discovery_list(d)->cards[0].name, "sda");
	assert_int_equal(poll(&p, 1, 0), 0);
	assert_false(rs_discovery_process(d));

	rs_discovery_fixed_set(d, &l); /* now empty: the card was removed */
	assert_true(rs_discovery_process(d));
	assert_int_equal(rs_discovery_list(d)->card_count, 0);
	rs_discovery_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_usb_ids),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_fixed_backend),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
