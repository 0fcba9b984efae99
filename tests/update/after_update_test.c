/* After a Klipper update, in the wizard: the real binary in a pty (libvterm)
 * under umockdev (an Octopus Pro 429 on USB, a card reader whose partition
 * is a real FAT32 image), building from copies of the fake Klipper tree.
 *
 * The board is set up to "Write SD card" with firmware built from Klipper
 * v0.13.0-730 and the wizard left; then Klipper moves to v0.13.0-731 and the
 * wizard is started again. It must never write the old firmware, must say
 * what changed, and must reach a verified card holding the new firmware
 * within the key budget: at most 5 keys when the new build has not run yet,
 * at most 4 when it already has. Keys are counted from the start of the
 * wizard to "Verified" on the screen.
 *
 *   umockdev-run -d KLIPPER_F429 -d READER -- after_update_test MODE BIN BOARDS
 *       FAKE_KLIPPER FAKE_BIN TERM
 *   MODE: clone      the new tree is a fresh clone elsewhere (--klipper)
 *         inplace    ~/klipper itself is updated (HOME in a temp dir)
 *         prebuilt   the after-update build already ran (--klipper)
 *         live       Klipper is updated while the wizard sits on the SD step
 *         fixit      klippy.log ends in "MCU Protocol error" for the 429 and the
 *                    tree is a fresh clone (--klipper): the welcome screen says
 *                    so, f fixes it
 *         fixit-home the same with ~/klipper updated in place, the after-update
 *                    build already run
 *   (the fixit modes take the klippy.log fixtures' directory as a 7th argument)
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tui/harness.h"
#include "../tui/vt.h"

#define WAIT_MS 15000 /* only a failure deadline; nothing sleeps */
#define B429 "btt-octopus-pro-429"
#define V730 "v0.13.0-730-g84104bbbd"
#define V731 "v0.13.0-731-g1a2b3c4d5"
#define V732 "v0.13.0-732-gfeedf00d1"

static const char *bin, *boards, *fake_klipper, *fake_bin, *mode, *logs;
static char tmp[64], old_tree[128], new_tree[128], fw[256], image[256];
static char env[6][400];
static int keys; /* keys sent since the counted run started */

static void key(struct vt *t, VTermKey k)
{
	keys++;
	vt_key(t, k);
}

static void chr(struct vt *t, unsigned c)
{
	keys++;
	vt_char(t, c);
}

static void show(struct vt *t, const char *what)
{
	if (!getenv("UPDATE_SHOW"))
		return;
	vt_settle(t, 50);
	char *s = vt_text(t);
	printf("==== %s (%s, TERM=%s) ====\n%s\n", what, mode, term, s);
	free(s);
}

static bool tree(const char *dir, const char *version)
{
	return sh("rm -rf '%s' && cp -r '%s' '%s' && echo %s >'%s/klippy/.version'", dir,
		  fake_klipper, dir, version, dir) == 0;
}

static bool fresh_card(void)
{
	const char *dir = getenv("UMOCKDEV_DIR");
	return dir && sh("rm -f '%s' && truncate -s 64M '%s' && mkfs.fat -F 32 -n RATOS '%s' "
			 ">/dev/null && cp '%s' '%s/dev/sdf1'",
			 image, image, image, image, dir) == 0;
}

/* The Klipper version of firmware.bin on the card, as fwinfo reads it. */
static bool card_holds(const char *version)
{
	return sh("mtype -i /dev/sdf1 ::/firmware.bin >'%s/oncard.bin' && '%s' fwinfo "
		  "'%s/oncard.bin' | grep -q 'Version: *%s$'",
		  tmp, bin, tmp, version) == 0;
}

static bool spawn(struct vt *t, const char *klipper)
{
	char *argv[] = { (char *)bin, "--boards-dir", (char *)boards, NULL, NULL, NULL };
	if (klipper) {
		argv[3] = "--klipper";
		argv[4] = (char *)klipper;
	}
	char *e[] = { env[0], env[1], env[2], env[3], env[4], env[5], "LC_ALL=C.UTF-8",
		      "NO_COLOR=", NULL };
	return vt_spawn(t, 24, 80, argv, e);
}

/* The first run: every step to "Write SD card", building from the old tree
 * on the way, then q. */
static bool set_up(struct vt *t, const char *klipper, const char *version)
{
	CHECK(spawn(t, klipper), "spawn");
	EXPECT("Enter start");
	EXPECT("SD card /dev/sdf1");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("> Octopus Pro 429 [connected]");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Driver power jumpers");
	vt_key(t, VTERM_KEY_TAB);
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Endstop cables");
	vt_char(t, 'y');
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Summary");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Build firmware");
	EXPECT("Enter build");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Enter next");
	vt_key(t, VTERM_KEY_ENTER);
	/* The routes, the card first and possible: Enter takes it. */
	EXPECT("> 1. SD card from the Pi's reader: possible now");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Write SD card");
	char want[128];
	snprintf(want, sizeof(want), "for stm32f429xx, Klipper %s", version);
	EXPECT(want);
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "quit");
	vt_close(t);
	memset(t, 0, sizeof(*t));
	CHECK(sh("grep -q '^step=sdcard$' '%s/state/ratos-setup/state'", tmp) == 0,
	      "saved at the SD step");
	return true;
}

/* On the SD screen with the card selected: write it (Enter, y) and check
 * the card holds version. */
static bool write_card(struct vt *t, const char *version)
{
	EXPECT("Write SD card");
	EXPECT("> /dev/sdf1");
	key(t, VTERM_KEY_ENTER);
	EXPECT("Write firmware?");
	EXPECT("[ No ] [ Yes, write ]");
	chr(t, 'y');
	EXPECT("Verified: firmware.bin on the card matches");
	show(t, "verified");
	CHECK(card_holds(version), "firmware.bin on the card is %s", version);
	return true;
}

static bool scenario(struct vt *t)
{
	bool fixit = strncmp(mode, "fixit", 5) == 0;
	bool clone = strcmp(mode, "inplace") != 0 && strcmp(mode, "fixit-home") != 0;
	const char *old_arg = clone ? old_tree : NULL;
	const char *new_arg = clone ? new_tree : NULL;
	CHECK(tree(old_tree, V730), "old tree");
	CHECK(fresh_card(), "card");
	CHECK(set_up(t, old_arg, V730), "first run");
	CHECK(sh("cp '%s' '%s/old.bin'", fw, tmp) == 0, "keep the old build");

	/* Klipper is updated. */
	if (clone)
		CHECK(tree(new_tree, V731), "new tree");
	else
		CHECK(sh("echo %s >'%s/klippy/.version'", V731, old_tree) == 0, "update in place");
	bool prebuilt = strcmp(mode, "prebuilt") == 0 || strcmp(mode, "fixit-home") == 0;
	/* Klipper restarted after the update and stopped: its log says why. */
	if (fixit)
		CHECK(sh("mkdir -p '%s/printer_data/logs' && cp '%s/klippy-protocol-error.log' "
			 "'%s/printer_data/logs/klippy.log'",
			 tmp, logs, tmp) == 0,
		      "klippy.log");
	if (prebuilt)
		CHECK(sh("'%s' --boards-dir '%s' build " B429 " --klipper '%s' >/dev/null 2>&1", bin,
			 boards, clone ? new_tree : old_tree) == 0,
		      "the after-update build");

	keys = 0;
	CHECK(spawn(t, new_arg), "spawn again");
	EXPECT("Saved from an earlier run: Octopus Pro 429, at \"Write SD card\".");
	if (prebuilt) {
		EXPECT("Klipper changed since the last run (" V731 ", was " V730 "); the");
		EXPECT("firmware for it is already built.");
		EXPECT("Resume where you left off? [Y/n]");
	} else {
		EXPECT("Klipper changed since the last run: the firmware was built for");
		EXPECT("v0.13.0-730, Klipper is now v0.13.0-731. Build it again, then write the");
		EXPECT("Resume at \"Build firmware\"? [Y/n]");
	}
	show(t, "welcome");
	if (fixit) {
		if (prebuilt)
			EXPECT("Firmware mcu: new firmware built but not flashed (Octopus Pro 429)");
		else
			EXPECT("Firmware mcu: firmware older than host (v0.13.0-730, Octopus Pro 429)");
		EXPECT("EBBCan: current (v0.13.0-731, board unknown)");
		EXPECT("f: new firmware onto the Octopus Pro 429's SD card");
		EXPECT("f fix it");
		chr(t, 'f');
	} else {
		key(t, VTERM_KEY_ENTER);
	}
	if (!prebuilt) {
		/* The build runs by itself and leads on to the card. */
		EXPECT("Write SD card");
		EXPECT("for stm32f429xx, Klipper " V731);
	}
	CHECK(write_card(t, V731), "write");
	int budget = prebuilt ? 4 : 5;
	printf("%s TERM=%s: %d keys from start to a verified card (budget %d)\n", mode, term,
	       keys, budget);
	CHECK(keys <= budget, "%d keys, budget %d", keys, budget);
	CHECK(sh("cmp -s '%s/oncard.bin' '%s/old.bin'", tmp, tmp) != 0,
	      "the old firmware is not what went on the card");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "quit");
	return true;
}

/* Klipper is updated while the wizard waits on the SD step: Enter does not
 * write the old firmware; it says why, and Enter rebuilds first and comes
 * back to the card. */
static bool scenario_live(struct vt *t)
{
	CHECK(tree(old_tree, V731), "tree");
	CHECK(fresh_card(), "card");
	CHECK(set_up(t, old_tree, V731), "first run");
	CHECK(spawn(t, old_tree), "spawn again");
	EXPECT("Resume where you left off? [Y/n]");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("> /dev/sdf1");
	EXPECT("for stm32f429xx, Klipper " V731);
	CHECK(sh("cp '%s' '%s/old.bin' && cp '%s' '%s/card.before'", fw, tmp, image, tmp) == 0,
	      "copies");
	CHECK(sh("echo %s >'%s/klippy/.version'", V732, old_tree) == 0, "update in place");
	keys = 0;
	key(t, VTERM_KEY_ENTER);
	EXPECT("firmware-" B429 ".bin was built for v0.13.0-731, Klipper is now");
	EXPECT("v0.13.0-732: with it the board would stop with \"MCU Protocol error\".");
	EXPECT("Enter rebuild it first");
	CHECK(!vt_has(t, "Write firmware?"), "no write offered");
	CHECK(sh("cmp -s '%s/dev/sdf1' '%s/card.before'", getenv("UMOCKDEV_DIR"), tmp) == 0,
	      "the card is untouched");
	show(t, "stale");
	key(t, VTERM_KEY_ENTER);
	EXPECT("for stm32f429xx, Klipper " V732);
	CHECK(write_card(t, V732), "write");
	/* The refused Enter, the Enter that rebuilds, then Enter and y. */
	printf("live TERM=%s: %d keys from the refused write to a verified card\n", term, keys);
	CHECK(keys <= 4, "%d keys", keys);
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "quit");
	return true;
}

int main(int argc, char **argv)
{
	if (argc < 7 || (strncmp(argv[1], "fixit", 5) == 0 && argc < 8)) {
		fprintf(stderr, "usage: after_update_test MODE BIN BOARDS FAKE_KLIPPER FAKE_BIN TERM\n");
		return 2;
	}
	mode = argv[1];
	bin = argv[2];
	boards = argv[3];
	fake_klipper = argv[4];
	fake_bin = argv[5];
	term = argv[6];
	logs = argc > 7 ? argv[7] : NULL;
	harness_name = "after_update_test.c";
	if (!getenv("UMOCKDEV_DIR")) {
		fprintf(stderr, "SKIP: run this under umockdev-run\n");
		return 77;
	}
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	if (sh("command -v mkfs.fat >/dev/null && command -v mtype >/dev/null") != 0) {
		fprintf(stderr, "SKIP: dosfstools and mtools are needed\n");
		return 77;
	}
	snprintf(tmp, sizeof(tmp), "/tmp/rs-update-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	bool inplace = strcmp(mode, "inplace") == 0 || strcmp(mode, "fixit-home") == 0;
	snprintf(old_tree, sizeof(old_tree), "%s/%s", tmp, inplace ? "klipper" : "k730");
	snprintf(new_tree, sizeof(new_tree), "%s/k731", tmp);
	snprintf(fw, sizeof(fw), "%s/printer_data/config/firmware_binaries/firmware-" B429 ".bin",
		 tmp);
	snprintf(image, sizeof(image), "%s/card.img", tmp);
	const char *path = getenv("PATH");
	snprintf(env[0], sizeof(env[0]), "HOME=%s", tmp);
	snprintf(env[1], sizeof(env[1]), "XDG_STATE_HOME=%s/state", tmp);
	snprintf(env[2], sizeof(env[2]), "XDG_CACHE_HOME=%s/cache", tmp);
	snprintf(env[3], sizeof(env[3]), "PATH=%s:%s", fake_bin, path ? path : "/usr/bin:/bin");
	snprintf(env[4], sizeof(env[4]), "TERM=%s", term);
	/* As root, children get this PATH (platform/child_env.h). */
	snprintf(env[5], sizeof(env[5]), "RATOS_SETUP_ROOT_PATH=%s:%s", fake_bin,
		 path ? path : "/usr/bin:/bin");
	setenv("PATH", env[3] + 5, 1); /* the CLI builds of the test use the same */
	setenv("RATOS_SETUP_ROOT_PATH", env[3] + 5, 1);
	setenv("HOME", tmp, 1);
	setenv("XDG_CACHE_HOME", env[2] + 15, 1);

	struct vt t = { 0 };
	bool ok = strcmp(mode, "live") == 0 ? scenario_live(&t) : scenario(&t);
	if (!ok && t.pid > 0 && !t.exited)
		kill(t.pid, SIGKILL);
	vt_close(&t);
	printf("%s TERM=%s %s\n", ok ? "PASS" : "FAIL", term, mode);
	sh("rm -rf '%s'", tmp);
	return ok && !failures ? 0 : 1;
}
