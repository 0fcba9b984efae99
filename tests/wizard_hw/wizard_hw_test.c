/* The wizard with hardware: the real binary in a pty (libvterm), an emulated
 * udev tree (umockdev) with a Klipper F429 on USB and a card reader whose
 * partition node is a real FAT32 image, a firmware made for the F429.
 *
 *   walk:    umockdev-run -d KLIPPER -d READER -- wizard_hw_test walk BIN BOARDS MKFW TERM
 *            The reader is there from the start: welcome lists both, the board
 *            is preselected and marked, the SD screen writes, asks first
 *            (Enter on the default No writes nothing), verifies, and after
 *            a simulated bootloader run the check says flashed.
 *   names:   as walk, with a card whose old firmware copies are named with an
 *            ESC sequence and a C1 control: the confirmation shows them as \xNN.
 *   slow:    as walk, the write slowed (RATOS_SETUP_TEST_WRITE_DELAY_MS): its
 *            progress advances while help opens and closes, the terminal is
 *            resized below the minimum and back, and the stop question is
 *            asked and answered No; then it finishes, verified.
 *   stop:    as slow, with an old firmware.bin on the card: stopped mid-write
 *            (after the copy is on the card), the card keeps the old
 *            firmware.bin byte for byte, no copy is left, fsck.fat is clean;
 *            the failure sub-state says so and Enter writes again.
 *   hotplug: umockdev-wrapper wizard_hw_test hotplug BIN BOARDS MKFW TERM DATA UDEV_DATA
 *            Only the board is there; the reader is plugged in and out and the
 *            card taken out and put back while the SD screen waits.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef RS_WITH_UMOCKDEV
#include <umockdev.h>
#endif

#include "../tui/harness.h"
#include "../tui/vt.h"

#define WAIT_MS 8000 /* only a failure deadline; nothing sleeps */
#define B429 "btt-octopus-pro-429"
#define READER "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2"
#define SDF READER "/1-2:1.0/host6/target6:0:0/6:0:0:0/block/sdf"

static const char *bin, *boards, *mkfw;
static char tmp[64], env_home[96], env_state[128], env_term[64];
static char fw[256], image[256];

#define GONE(text) CHECK(vt_wait_gone(t, text, WAIT_MS), "\"%s\" still on screen", text)

/* WIZHW_SHOW=1 prints the screen at the interesting points (for people). */
static void show(struct vt *t, const char *what)
{
	if (!getenv("WIZHW_SHOW"))
		return;
	vt_settle(t, 50);
	char *s = vt_text(t);
	printf("==== %s (TERM=%s) ====\n%s\n", what, term, s);
	free(s);
}

/* The card's root directory as mdir sees it, names lower-cased by mtools. */
static bool card_has(const char *name)
{
	return sh("mdir -a -b -i /dev/sdf1 ::/ 2>/dev/null | grep -qix '::/%s'", name) == 0;
}

/* A clean FAT32 card holding a stale FIRMWARE.CUR and a file of the user's. */
static bool make_card(void)
{
	return sh("rm -f '%s' && truncate -s 64M '%s' && mkfs.fat -F 32 -n RATOS '%s' >/dev/null"
		  " && echo old >'%s.cur' && mcopy -i '%s' '%s.cur' ::/FIRMWARE.CUR"
		  " && echo mine >'%s.txt' && mcopy -i '%s' '%s.txt' ::/notes.txt",
		  image, image, image, image, image, image, image, image, image) == 0;
}

static bool put_card_in_node(void)
{
	const char *dir = getenv("UMOCKDEV_DIR");
	return dir && sh("cp '%s' '%s/dev/sdf1'", image, dir) == 0;
}

static char env_delay[64] = "RATOS_SETUP_TEST_WRITE_DELAY_MS=";

static bool start(struct vt *t)
{
	char *argv[] = { (char *)bin, "--boards-dir", (char *)boards, "--reset", NULL };
	char *env[] = { env_home, env_state, env_term, "LC_ALL=C.UTF-8", "NO_COLOR=",
			"XDG_CACHE_HOME=", env_delay, NULL };
	return vt_spawn(t, 24, 80, argv, env);
}

/* Run on the route step before it is left (the hotplug scenario). */
static bool (*at_routes)(struct vt *t);

/* The route step: the 429 is a card board with two routes that spare the
 * card in the reader, each with what it needs; the cursor is on the best
 * route possible now. */
static bool flash_routes(struct vt *t, bool card_there)
{
	EXPECT("Step 6 of 7");
	EXPECT("Flash firmware");
	EXPECT("Ways to put the new firmware on the Octopus Pro 429, best first:");
	if (card_there)
		EXPECT("> 1. SD card from the Pi's reader: possible now");
	else
		EXPECT("1. SD card from the Pi's reader: not now");
	EXPECT("Needs a card in a USB card reader on the Pi; then the card in the board");
	EXPECT("2. remote SD update (flash-sdcard.sh): ");
	EXPECT("Needs the board on USB running Klipper and a FAT32 card (32 GB or smaller)");
	EXPECT("in the board's own SD slot; Klipper is stopped meanwhile; then a power");
	EXPECT("3. DFU (STM32 bootloader): waits for the board");
	EXPECT("Needs the board in DFU mode (BOOT0 jumper, then reset)");
	EXPECT("Now: no board in DFU mode (0483:df11) now: follow the board's DFU steps.");
	CHECK(!vt_has(t, "USB (Klipper's make flash)"), "no USB route for a card board");
	show(t, "routes");
	/* Enter on another route asks first (or, without root, names the command). */
	vt_key(t, VTERM_KEY_DOWN);
	EXPECT("> 2. remote SD update");
	vt_key(t, VTERM_KEY_DOWN);
	EXPECT("> 3. DFU (STM32 bootloader)");
	vt_key(t, VTERM_KEY_ENTER);
	if (geteuid() == 0) {
		/* It runs here, after a question whose default is No. */
		EXPECT("Flash the board now?");
		EXPECT("Put it in DFU mode now:");
		EXPECT("[ No ] [ Yes, flash ]");
		vt_key(t, VTERM_KEY_ENTER);
		GONE("Flash the board now?");
	} else {
		/* Klipper's make flash would ask sudo for a password. */
		EXPECT("needs root");
		EXPECT("sudo ratos-setup flash " B429 " --route dfu");
	}
	EXPECT("Step 6 of 7");
	vt_key(t, VTERM_KEY_UP);
	EXPECT("> 2. remote SD update");
	vt_key(t, VTERM_KEY_UP);
	EXPECT("> 1. SD card from the Pi's reader");
	return !at_routes || at_routes(t);
}

/* Welcome to the SD screen, through every step the 429 has. */
static bool walk_to_sd(struct vt *t, bool card_there)
{
	EXPECT("Enter start");
	EXPECT("USB /dev/ttyACM0 Klipper firmware, stm32f429xx: Octopus Pro 429");
	show(t, "welcome");
	if (card_there)
		EXPECT("SD card /dev/sdf1 Generic STORAGE DEVICE 66.1 MB FAT32 \"RATOS\"");
	else
		EXPECT("SD card none in a card reader");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 1 of 7");
	EXPECT("> Octopus Pro 429 [connected]");
	EXPECT("Connected /dev/ttyACM0 (klipper)");
	CHECK(!vt_has(t, "Octopus Pro 446 [connected"), "only the 429 is marked");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 2 of 7");
	EXPECT("Driver power jumpers");
	vt_key(t, VTERM_KEY_TAB);
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 3 of 7");
	vt_char(t, 'y');
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 4 of 7");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 5 of 7");
	EXPECT("Firmware up to date");
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(flash_routes(t, card_there), "the routes");
	vt_key(t, VTERM_KEY_ENTER); /* on the card route: the card step */
	EXPECT("Step 7 of 7");
	EXPECT("Write SD card");
	EXPECT("Firmware firmware-" B429 ".bin (44528 bytes)");
	EXPECT("in ~/printer_data/config/firmware_binaries");
	EXPECT("for stm32f429xx, Klipper v0.13.0-730-g84104bbbd");
	EXPECT("Insert the SD card into a USB card reader on the Pi. Cards appear here.");
	EXPECT("Not shown: the Pi's own boot card, internal disks, empty reader slots.");
	return true;
}

/* The dialog: what will be written and removed; default No. */
static bool expect_dialog(struct vt *t)
{
	EXPECT("Write firmware?");
	/* Line by line: the box wraps the text. */
	EXPECT("/dev/sdf1 (66.1 MB FAT32 \"RATOS\") will get firmware.bin");
	EXPECT("(44528 bytes, stm32f429xx, v0.13.0-730-g84104bbbd).");
	EXPECT("FIRMWARE.CUR will be removed. Nothing else on the card");
	EXPECT("Generic_STORAGE_DEVICE_000000000819-0:0."); /* the card's serial */
	EXPECT("Left/Right No / Yes Enter answer Esc No");
	EXPECT("[ No ] [ Yes, write ]");
	show(t, "confirm");
	return true;
}

static char sha_prefix[16];

static bool write_and_check(struct vt *t)
{
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(expect_dialog(t), "dialog");
	vt_key(t, VTERM_KEY_RIGHT); /* Yes */
	vt_key(t, VTERM_KEY_ENTER);
	char want[96];
	snprintf(want, sizeof(want), "Verified: firmware.bin on the card matches (sha256 %s",
		 sha_prefix);
	EXPECT(want);
	EXPECT("Done: copied to fwtmp.bin, read fwtmp.bin back, renamed to firmware.bin,");
	EXPECT("removed FIRMWARE.CUR");
	EXPECT("It is safe to remove the card from the reader now.");
	EXPECT("Unplug the USB cable between the Pi and the board");
	EXPECT("Press c here");
	show(t, "written");
	CHECK(sh("mtype -i /dev/sdf1 ::/firmware.bin | cmp -s - '%s'", fw) == 0,
	      "firmware.bin on the card equals the firmware");
	CHECK(!card_has("FIRMWARE.CUR") && card_has("notes.txt") && !card_has("fwtmp.bin"),
	      "stale file removed, the user's file kept, no temporary file");
	return true;
}

static bool scenario_walk(struct vt *t)
{
	CHECK(make_card() && put_card_in_node(), "card image in the emulated node");
	CHECK(start(t), "spawn");
	CHECK(walk_to_sd(t, true), "walk");
	EXPECT("> /dev/sdf1 Generic STORAGE DEVICE 66.1 MB FAT32 \"RATOS\"");

	/* Enter opens the dialog; Enter again is No: nothing written. */
	CHECK(sh("cp '%s/dev/sdf1' '%s.before'", getenv("UMOCKDEV_DIR"), image) == 0, "copy");
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(expect_dialog(t), "dialog");
	vt_key(t, VTERM_KEY_ENTER);
	GONE("Write firmware?");
	EXPECT("Nothing written.");
	CHECK(sh("cmp -s '%s/dev/sdf1' '%s.before'", getenv("UMOCKDEV_DIR"), image) == 0,
	      "the card is byte for byte unchanged after No");
	CHECK(!card_has("firmware.bin") && card_has("FIRMWARE.CUR"), "mdir: nothing written");
	/* Esc in the dialog is No too. */
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Write firmware?");
	vt_key(t, VTERM_KEY_ESCAPE);
	GONE("Write firmware?");
	EXPECT("Step 7 of 7");
	CHECK(!card_has("firmware.bin"), "Esc wrote nothing");

	CHECK(write_and_check(t), "write");
	/* The board has not had the card yet. */
	vt_char(t, 'c');
	EXPECT("Not flashed. /dev/sdf1: the firmware file is still on the card");
	EXPECT("Likely causes:");
	show(t, "not flashed");
	/* The bootloader renames the file after flashing it. */
	CHECK(sh("mren -i /dev/sdf1 ::/firmware.bin ::/FIRMWARE.CUR") == 0, "mren");
	vt_char(t, 'c');
	EXPECT("Flashed. /dev/sdf1: flashed");
	EXPECT("Enter finishes");
	show(t, "flashed");
	CHECK(sh("fsck.fat -n '%s/dev/sdf1' >/dev/null 2>&1", getenv("UMOCKDEV_DIR")) == 0,
	      "fsck.fat: the card is clean");
	vt_key(t, VTERM_KEY_ENTER);
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "finishing exits 0 (got %d)", rc);
	EXPECT("choices saved in");
	return true;
}

/* Old firmware copies whose names hold an ESC sequence and a C1 control
 * (U+009B, CSI): mcopy refuses ESC in a name, so a placeholder in the
 * long-name entry is patched (its checksum covers only the short name). */
static bool make_card_with_names(void)
{
	return make_card() &&
	       sh("mcopy -i '%s' '%s.cur' '::/firmwareQ[2J.bin' && "
		  "mcopy -i '%s' '%s.cur' \"::/firmware$(printf '\\302\\233')31m.bin\" && "
		  "python3 -c 'import sys\n"
		  "d = bytearray(open(sys.argv[1], \"rb\").read())\n"
		  "i = d.index(\"Q\".encode(\"utf-16-le\") + b\"[\\0\")\n"
		  "d[i] = 0x1b\n"
		  "open(sys.argv[1], \"wb\").write(d)' '%s'",
		  image, image, image, image, image) == 0;
}

/* The confirmation names every file it will remove, escaped as \xNN: no
 * control byte from the card reaches the terminal. */
static bool scenario_names(struct vt *t)
{
	CHECK(make_card_with_names() && put_card_in_node(), "card image in the emulated node");
	CHECK(start(t), "spawn");
	CHECK(walk_to_sd(t, true), "walk");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Write firmware?");
	EXPECT("firmware\\x1b[2J.bin");
	EXPECT("firmware\\xc2\\x9b31m.bin");
	show(t, "confirm with odd names");
	vt_key(t, VTERM_KEY_ESCAPE);
	GONE("Write firmware?");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "quit exits 0 (got %d)", rc);
	return true;
}

/* Yes in the write dialog (checked whole for a card without firmware.bin). */
static bool confirm_write(struct vt *t, bool had_firmware)
{
	vt_key(t, VTERM_KEY_ENTER);
	if (had_firmware) {
		EXPECT("Write firmware?");
		EXPECT("FIRMWARE.CUR will be removed. firmware.bin will be removed.");
		EXPECT("[ No ] [ Yes, write ]");
	} else {
		CHECK(expect_dialog(t), "dialog");
	}
	vt_key(t, VTERM_KEY_RIGHT);
	vt_key(t, VTERM_KEY_ENTER);
	GONE("Write firmware?");
	return true;
}

#define SLOW_WAIT_MS 30000 /* a slowed write: three pauses */

/* Keeps reading the terminal for ms (the program must not block on it). */
static void pump_for(struct vt *t, int ms)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		vt_pump(t, 50);
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

/* The write is slowed at three points; the screen answers keys meanwhile. */
static bool scenario_slow(struct vt *t)
{
	snprintf(env_delay, sizeof(env_delay), "RATOS_SETUP_TEST_WRITE_DELAY_MS=3000");
	CHECK(make_card() && put_card_in_node(), "card image in the emulated node");
	CHECK(start(t), "spawn");
	CHECK(walk_to_sd(t, true), "walk");
	CHECK(confirm_write(t, false), "confirm");
	EXPECT("Writing firmware.bin to /dev/sdf1");
	EXPECT("0/4 steps 0 %");
	EXPECT("Now: copying the firmware to the card as fwtmp.bin");
	EXPECT("c stop writing Esc stop and back q stop and quit");
	show(t, "writing");
	/* Help opens on top of the running write and closes again; the write
	 * went on meanwhile (the first pause is over by then). */
	vt_char(t, '?');
	EXPECT("Help: Write SD card");
	EXPECT("stop writing");
	pump_for(t, 3200);
	vt_key(t, VTERM_KEY_ESCAPE);
	GONE("Help: Write SD card");
	vt_settle(t, 100);
	CHECK(!vt_has(t, "0/4 steps"), "the write went on while help was open");
	/* An arrow is not for this screen now: nothing moves, nothing stops. */
	vt_key(t, VTERM_KEY_DOWN);
	EXPECT("Writing firmware.bin to /dev/sdf1");
	/* Too small, then back: the write goes on, the screen is redrawn. */
	vt_resize(t, 20, 60);
	EXPECT("need 80x24, have 60x20");
	vt_resize(t, 24, 80);
	EXPECT("Writing firmware.bin to /dev/sdf1");
	/* The stop question, answered No (its default): the write goes on. */
	vt_char(t, 'c');
	EXPECT("Stop writing?");
	EXPECT("[ No, keep writing ]");
	show(t, "stop?");
	vt_key(t, VTERM_KEY_ENTER);
	GONE("Stop writing?");
	CHECK(vt_wait(t, "Verified: firmware.bin on the card matches", SLOW_WAIT_MS), "verified");
	EXPECT("Done: copied to fwtmp.bin, read fwtmp.bin back, renamed to firmware.bin,");
	show(t, "written");
	CHECK(sh("mtype -i /dev/sdf1 ::/firmware.bin | cmp -s - '%s'", fw) == 0,
	      "firmware.bin on the card equals the firmware");
	CHECK(!card_has("FIRMWARE.CUR") && card_has("notes.txt") && !card_has("fwtmp.bin"),
	      "stale file removed, the user's file kept, no temporary file");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "quit exits 0 (got %d)", rc);
	return true;
}

/* Stopped after the copy is on the card: no half-written firmware.bin. */
static bool scenario_stop(struct vt *t)
{
	snprintf(env_delay, sizeof(env_delay), "RATOS_SETUP_TEST_WRITE_DELAY_MS=2500");
	char old[300];
	snprintf(old, sizeof(old), "%s.old", fw);
	CHECK(sh("'%s' '%s' stm32f429xx v0.13.0-731-gaaaa 50000", mkfw, old) == 0, "old firmware");
	CHECK(make_card() && sh("mcopy -i '%s' '%s' ::/firmware.bin", image, old) == 0 &&
		      put_card_in_node(),
	      "card with an old firmware.bin in the emulated node");
	CHECK(start(t), "spawn");
	CHECK(walk_to_sd(t, true), "walk");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Write firmware?");
	vt_key(t, VTERM_KEY_RIGHT);
	vt_key(t, VTERM_KEY_ENTER);
	/* The copy is on the card, under the temporary name only. */
	EXPECT("Now: reading fwtmp.bin back to compare it (SHA-256)");
	EXPECT("Written 44528 of 44528 bytes, read back 0 of 44528.");
	CHECK(card_has("fwtmp.bin"), "the copy is on the card mid-write");
	vt_char(t, 'c');
	EXPECT("Stop writing?");
	vt_key(t, VTERM_KEY_RIGHT);
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Stopped on request: the card's old files are as they were; the unfinished");
	EXPECT("copy was removed.");
	EXPECT("Write again when you are ready.");
	EXPECT("Enter writes again (it asks first)");
	show(t, "stopped");
	CHECK(sh("mtype -i /dev/sdf1 ::/firmware.bin | cmp -s - '%s'", old) == 0,
	      "firmware.bin is the old firmware, complete");
	CHECK(!card_has("fwtmp.bin") && card_has("FIRMWARE.CUR") && card_has("notes.txt"),
	      "no copy left, the other files kept");
	CHECK(sh("fsck.fat -n '%s/dev/sdf1' >/dev/null 2>&1", getenv("UMOCKDEV_DIR")) == 0,
	      "fsck.fat: the card is clean");
	/* From the failure sub-state, Enter writes again. */
	CHECK(confirm_write(t, true), "confirm again");
	CHECK(vt_wait(t, "Verified: firmware.bin on the card matches", SLOW_WAIT_MS), "verified");
	CHECK(sh("mtype -i /dev/sdf1 ::/firmware.bin | cmp -s - '%s'", fw) == 0,
	      "firmware.bin on the card equals the new firmware");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "quit exits 0 (got %d)", rc);
	return true;
}

#ifdef RS_WITH_UMOCKDEV
static UMockdevTestbed *tb;
static const char *data_dir, *udev_dir;

/* name.umockdev from this test's data, else from the discovery tests'. */
static bool add(const char *name)
{
	GError *err = NULL;
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.umockdev", data_dir, name);
	if (access(path, R_OK) != 0)
		snprintf(path, sizeof(path), "%s/%s.umockdev", udev_dir, name);
	bool ok = umockdev_testbed_add_from_file(tb, path, &err);
	if (!ok) {
		fprintf(stderr, "cannot load %s: %s\n", path, err ? err->message : "?");
		g_clear_error(&err);
	}
	return ok;
}

/* The whole reader, children first as the kernel reports it. Debian's
 * umockdev 0.17 removes without an event, so each is sent first. */
static void unplug_reader(void)
{
	static const char *const tree[] = {
		SDF "/sdf1", SDF, READER "/1-2:1.0/host6/target6:0:0/6:0:0:0",
		READER "/1-2:1.0/host6/target6:0:0", READER "/1-2:1.0/host6",
		READER "/1-2:1.0", READER,
	};
	for (size_t i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
		umockdev_testbed_uevent(tb, tree[i], "remove");
		umockdev_testbed_remove_device(tb, tree[i]);
	}
	/* 0.17 leaves the /sys/block, /sys/bus and /dev/disk links behind,
	 * dangling; plugging the reader in again would trip over them. */
	gchar *root = umockdev_testbed_get_root_dir(tb);
	sh("find '%s/sys' '%s/dev' -xtype l -delete", root, root);
	g_free(root);
}

/* The card out of (or back into) a reader that stays plugged in: the kernel
 * says "change" and the size goes to 0 (or back). */
static void media(bool in)
{
	umockdev_testbed_set_attribute(tb, SDF, "size", in ? "131072" : "0");
	umockdev_testbed_uevent(tb, SDF, "change");
}

/* The route list follows the hardware: the card route becomes possible
 * when a reader with a card comes, and not when it goes. */
static bool routes_follow_reader(struct vt *t)
{
	CHECK(add("reader-sdf") && put_card_in_node(), "plug in the reader");
	EXPECT("> 1. SD card from the Pi's reader: possible now");
	unplug_reader();
	EXPECT("> 1. SD card from the Pi's reader: not now");
	EXPECT("Now: no writable card in a reader on the Pi.");
	return true;
}

static bool scenario_hotplug(struct vt *t)
{
	CHECK(make_card(), "card image");
	CHECK(start(t), "spawn");
	at_routes = routes_follow_reader;
	CHECK(walk_to_sd(t, false), "walk");
	EXPECT("(no card yet)");
	show(t, "waiting");

	/* The reader comes: the screen moves on by itself. */
	CHECK(add("reader-sdf") && put_card_in_node(), "plug in the reader");
	EXPECT("Card found: /dev/sdf1.");
	EXPECT("> /dev/sdf1 Generic STORAGE DEVICE 66.1 MB FAT32 \"RATOS\"");
	GONE("(no card yet)");
	/* ... and goes. */
	unplug_reader();
	EXPECT("The card /dev/sdf1 was taken out. Insert a card to go on.");
	EXPECT("(no card yet)");

	/* Taken out while the dialog asks: the dialog goes, nothing written. */
	CHECK(add("reader-sdf") && put_card_in_node(), "plug in again");
	EXPECT("> /dev/sdf1");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Write firmware?");
	unplug_reader();
	EXPECT("The card was taken out before anything was written.");
	GONE("Write firmware?");

	/* Back in; while the dialog asks, another card takes its place in the
	 * same reader without an event reaching the screen: Yes writes nothing,
	 * because this is not the card that was confirmed. */
	CHECK(add("reader-sdf") && put_card_in_node(), "plug in a third time");
	EXPECT("Card found: /dev/sdf1.");
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(expect_dialog(t), "dialog");
	umockdev_testbed_set_property(tb, SDF, "ID_SERIAL", "Other_CARD_4711");
	vt_key(t, VTERM_KEY_RIGHT);
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("this is not the card you confirmed");
	show(t, "another card");
	CHECK(!card_has("firmware.bin") && card_has("FIRMWARE.CUR"), "the other card is untouched");
	umockdev_testbed_set_property(tb, SDF, "ID_SERIAL", "Generic_STORAGE_DEVICE_000000000819-0:0");

	/* Written; then the card goes into the board and comes back. */
	CHECK(write_and_check(t), "write");
	media(false);
	EXPECT("Card taken out. Follow the steps below");
	show(t, "card out after writing");
	vt_char(t, 'c');
	EXPECT("Put the card back into the reader on the Pi");
	show(t, "check waits");
	CHECK(sh("mren -i /dev/sdf1 ::/firmware.bin ::/FIRMWARE.CUR") == 0, "the bootloader");
	media(true);
	EXPECT("Flashed. /dev/sdf1: flashed");

	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "quit exits 0 (got %d)", rc);
	return true;
}
#endif

/* The firmware step lets Next through once the installed image is up to
 * date: a Klipper tree (~/klipper) of the image's version, a toolchain on
 * PATH (the fake one), and the build record a build would have left next to
 * the image (the fragment's checksum is that of `ratos-setup config`). */
static bool make_up_to_date(void)
{
	const char *v = "v0.13.0-730-g84104bbbd";
	return sh("mkdir -p '%s/klipper/src' '%s/klipper/klippy' && : >'%s/klipper/Makefile' && "
		  ": >'%s/klipper/src/Kconfig' && echo %s >'%s/klipper/klippy/.version'",
		  tmp, tmp, tmp, tmp, v, tmp) == 0 &&
	       sh("{ echo board=" B429 "; echo version=%s; echo tree_version=%s; "
		  "echo mcu=stm32f429xx; "
		  "echo fragment_sha256=$('%s' --boards-dir '%s' config " B429 " | sha256sum | "
		  "cut -d' ' -f1); echo sha256=$(sha256sum <'%s' | cut -d' ' -f1); "
		  "echo size=$(stat -c %%s '%s'); } >'%s.meta'",
		  v, v, bin, boards, fw, fw, fw) == 0;
}

static bool firmware_sha(void)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", fw);
	FILE *p = popen(cmd, "r");
	if (!p)
		return false;
	bool ok = fscanf(p, "%8s", sha_prefix) == 1;
	return pclose(p) == 0 && ok;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: wizard_hw_test walk|hotplug BIN BOARDS MKFW TERM [DATA UDEV_DATA]\n");
		return 2;
	}
	const char *mode = argv[1];
	bin = argv[2];
	boards = argv[3];
	mkfw = argv[4];
	term = argv[5];
	harness_name = "wizard_hw_test.c";
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	setenv("PATH", RS_FAKE_BIN ":/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", 1);
	setenv("RATOS_SETUP_ROOT_PATH", getenv("PATH"), 1); /* as root, children's PATH */
	if (sh("command -v mkfs.fat && command -v mcopy && command -v mren && command -v fsck.fat")
	    != 0) {
		fprintf(stderr, "SKIP: dosfstools and mtools are needed\n");
		return 77;
	}
#ifdef RS_WITH_UMOCKDEV
	if (strcmp(mode, "hotplug") == 0) {
		if (argc < 8)
			return 2;
		data_dir = argv[6];
		udev_dir = argv[7];
		tb = umockdev_testbed_new();
		/* Ask only after creating the testbed (the answer is cached). */
		if (!umockdev_in_mock_environment()) {
			fprintf(stderr, "SKIP: run this under umockdev-wrapper\n");
			return 77;
		}
		if (!add("klipper-f429"))
			return 1;
	}
#endif
	if (!getenv("UMOCKDEV_DIR")) {
		fprintf(stderr, "SKIP: run this under umockdev-run (walk) or umockdev-wrapper\n");
		return 77;
	}
	snprintf(tmp, sizeof(tmp), "/tmp/rs-wizhw-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	snprintf(env_home, sizeof(env_home), "HOME=%s", tmp);
	snprintf(env_state, sizeof(env_state), "XDG_STATE_HOME=%s/state", tmp);
	snprintf(env_term, sizeof(env_term), "TERM=%s", term);
	snprintf(fw, sizeof(fw), "%s/printer_data/config/firmware_binaries/firmware-" B429 ".bin",
		 tmp);
	snprintf(image, sizeof(image), "%s/card.img", tmp);
	if (sh("mkdir -p '%s/printer_data/config/firmware_binaries' && '%s' '%s' stm32f429xx", tmp,
	       mkfw, fw) != 0 || !firmware_sha() || !make_up_to_date()) {
		fprintf(stderr, "FAIL: cannot make the firmware\n");
		return 1;
	}

	struct vt t = { 0 };
	bool ok = false;
	if (strcmp(mode, "walk") == 0)
		ok = scenario_walk(&t);
	else if (strcmp(mode, "names") == 0)
		ok = scenario_names(&t);
	else if (strcmp(mode, "slow") == 0)
		ok = scenario_slow(&t);
	else if (strcmp(mode, "stop") == 0)
		ok = scenario_stop(&t);
#ifdef RS_WITH_UMOCKDEV
	else if (strcmp(mode, "hotplug") == 0)
		ok = scenario_hotplug(&t);
#endif
	else
		fprintf(stderr, "unknown mode %s\n", mode);
	if (!ok && t.pid > 0 && !t.exited)
		kill(t.pid, SIGKILL);
	vt_close(&t);
	printf("%s TERM=%s %s\n", ok ? "PASS" : "FAIL", term, mode);
	sh("rm -rf '%s'", tmp);
#ifdef RS_WITH_UMOCKDEV
	if (tb)
		g_object_unref(tb);
#endif
	return ok && !failures ? 0 : 1;
}
