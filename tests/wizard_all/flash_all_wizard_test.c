/* "All MCUs in one pass" in the wizard: the real binary in a pty (libvterm)
 * under umockdev (an Octopus Pro 446 and an EBB36 toolboard on USB, both
 * running RatOS-built Klipper), a copy of the fake Klipper tree, a
 * printer.cfg naming both and a klippy.log whose last start found them one
 * commit behind the tree. The wizard runs `ratos-setup flash --all` as its
 * child; the fake make flash and systemctl record what ran.
 *
 *   umockdev-run -d F446 -d EBB36 -- flash_all_wizard_test MODE BIN BOARDS
 *       FAKE_KLIPPER PATH_DIRS TERM
 *   MODE: two   both behind: a is offered; the plan shows; Enter alone at the
 *               question flashes nothing; y runs the pass (stop -> both
 *               flashed -> start), with a resize while it runs; the result
 *               per MCU; back on the welcome screen klippy.log is read again
 *         one   only the main board behind: no a, and a does nothing
 *         stop  c while the first board flashes: after asking, the pass
 *               stops, Klipper is started again (the start takes 3 s: the
 *               child is not killed before it ends), the result says so
 *         nostart  the pass, and Klipper's start fails: the result says so
 *               and names the command that starts it
 *         user  not root (with_test_user.sh, no umockdev): the plan, and
 *               the sudo command instead of the question
 *         sudo  as root for a user (SUDO_USER etc., with_test_user.sh, under
 *               umockdev): the pass runs, and what it writes in the user's
 *               home (the builds, the firmware) belongs to the user
 *   PATH_DIRS: the fake programs' directories, ':'-separated, put first. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tui/harness.h"
#include "../tui/vt.h"

#define WAIT_MS 30000 /* only a failure deadline; nothing sleeps */
#define V730 "v0.13.0-730-g84104bbbd"
#define V731 "v0.13.0-731-g1a2b3c4d5"
#define ID446 "/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00"
#define IDEBB "/dev/serial/by-id/usb-Klipper_stm32g0b1xx_btt-ebb36-12-t0-if00"

static const char *bin, *boards, *fake_klipper, *fake_path, *mode;
static char tmp[128], home[160], record[200];
static char env[8][600];

static void show(struct vt *t, const char *what)
{
	if (!getenv("FLASH_ALL_SHOW"))
		return;
	vt_settle(t, 100);
	char *s = vt_text(t);
	printf("==== %s (%s, TERM=%s) ====\n%s\n", what, mode, term, s);
	free(s);
}

/* klippy.log's last start: the main board at mcu_version, the toolboard at
 * tool_version, the host at v0.13.0-731. */
static bool klippy_log(const char *mcu_version, const char *tool_version)
{
	return sh("mkdir -p '%s/printer_data/logs' && printf '%%s\\n' 'Starting Klippy...' "
		  "\"Git version: '" V731 "'\" "
		  "\"Loaded MCU 'mcu' 120 commands (%s / gcc)\" \"MCU 'mcu' config: MCU=stm32f446xx\" "
		  "\"Loaded MCU 'toolboard_t0' 110 commands (%s / gcc)\" "
		  "\"MCU 'toolboard_t0' config: MCU=stm32g0b1xx\" >'%s/printer_data/logs/klippy.log'",
		  home, mcu_version, tool_version, home) == 0;
}

static bool set_up(void)
{
	return sh("mkdir -p '%s/printer_data/config' && cp -r '%s' '%s/klipper' && "
		  "echo " V731 " >'%s/klipper/klippy/.version' && "
		  "printf '[mcu]\\nserial: " ID446 "\\n\\n[mcu toolboard_t0]\\nserial: " IDEBB "\\n' "
		  ">'%s/printer_data/config/printer.cfg' && chmod -R a+rwX '%s'",
		  home, fake_klipper, home, home, home, tmp) == 0;
}

static bool record_is(const char *want)
{
	char cmd[2400];
	snprintf(cmd, sizeof(cmd), "printf '%%s\\n' %s | cmp -s - '%s'", want, record);
	if (sh("%s", cmd) == 0)
		return true;
	fprintf(stderr, "record:\n");
	sh("cat '%s' >&2", record);
	return false;
}

static bool spawn(struct vt *t)
{
	char *argv[12];
	int n = 0;
	char uid[40], gid[40];
	const char *user = getenv("RS_TEST_UID");
	if (strcmp(mode, "user") == 0) {
		snprintf(uid, sizeof(uid), "--reuid=%s", user);
		snprintf(gid, sizeof(gid), "--regid=%s", getenv("RS_TEST_GID"));
		argv[n++] = "/usr/bin/setpriv";
		argv[n++] = uid;
		argv[n++] = gid;
		argv[n++] = "--clear-groups";
		argv[n++] = "--";
	}
	argv[n++] = (char *)bin;
	argv[n++] = "--boards-dir";
	argv[n++] = (char *)boards;
	argv[n] = NULL;
	char *e[] = { env[0], env[1], env[2], env[3], env[4], env[5], env[6], env[7],
		      "LC_ALL=C.UTF-8", "NO_COLOR=", NULL };
	return vt_spawn(t, 24, 80, argv, e);
}

static bool quit(struct vt *t)
{
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "quit");
	return true;
}

/* From the start to the question after the plan. */
static bool to_plan(struct vt *t, bool devices)
{
	EXPECT("Enter start");
	EXPECT("mcu: firmware older than host");
	EXPECT("a: all 2 MCUs in one pass (ratos-setup flash --all)");
	EXPECT("Enter start a fix all");
	show(t, "welcome");
	vt_char(t, 'a');
	EXPECT("All MCUs");
	EXPECT("Every MCU, in the order they are flashed:");
	if (!devices)
		return true;
	EXPECT("1. mcu btt-octopus-pro-446 usb build, flash");
	EXPECT("2. toolboard_t0 btt-ebb36-12 usb build, flash");
	EXPECT("stop-klipper: systemctl stop klipper.service");
	return true;
}

static bool scenario_two(struct vt *t)
{
	CHECK(spawn(t), "spawn");
	CHECK(to_plan(t, true), "to the plan");
	EXPECT("Flash every MCU now?");
	EXPECT("[ No ] [ Yes, flash all ]");
	show(t, "plan");
	/* Enter alone answers No: nothing runs. */
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(vt_wait_gone(t, "Flash every MCU now?", WAIT_MS), "the question closed");
	EXPECT("Enter flashes them all (after asking)");
	vt_settle(t, 300);
	CHECK(access(record, F_OK) != 0, "nothing was run after Enter alone");
	/* Enter asks again; y flashes. */
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Flash every MCU now?");
	vt_char(t, 'y');
	EXPECT("Flashing every MCU; Klipper is stopped meanwhile");
	/* Keys and resizes while it runs. */
	vt_resize(t, 30, 100);
	vt_char(t, '?');
	EXPECT("Help: All MCUs");
	vt_key(t, VTERM_KEY_ESCAPE);
	vt_resize(t, 24, 80);
	EXPECT("Done: every MCU is flashed or prepared.");
	EXPECT("ratos-setup flash --all ended with exit 0.");
	EXPECT("mcu flashed (USB (Klipper's make flash))");
	EXPECT("toolboard_t0 flashed (USB (Klipper's make flash))");
	show(t, "done");
	char want[2000];
	const char *c = home;
	snprintf(want, sizeof(want),
		 "'systemctl stop klipper.service' "
		 "'make-flash FLASH_DEVICE=" ID446 " KCONFIG_CONFIG=%s/.cache/ratos-setup/"
		 "btt-octopus-pro-446/board.config OUT=%s/.cache/ratos-setup/btt-octopus-pro-446/out/ "
		 "NOSUDO=1' "
		 "'make-flash FLASH_DEVICE=" IDEBB " KCONFIG_CONFIG=%s/.cache/ratos-setup/btt-ebb36-12/"
		 "board.config OUT=%s/.cache/ratos-setup/btt-ebb36-12/out/ NOSUDO=1' "
		 "'systemctl start klipper.service'",
		 c, c, c, c);
	CHECK(record_is(want), "stop -> both flashed -> start");
	/* Klipper started again with the new firmware: the welcome screen reads
	 * its log again. */
	CHECK(klippy_log(V731, V731), "klippy.log after the pass");
	vt_key(t, VTERM_KEY_ESCAPE);
	EXPECT("mcu: current (v0.13.0-731");
	CHECK(!vt_has(t, "a: all"), "no more a: nothing is behind");
	show(t, "welcome again");
	return quit(t);
}

static bool scenario_one(struct vt *t)
{
	CHECK(klippy_log(V730, V731), "klippy.log");
	CHECK(spawn(t), "spawn");
	EXPECT("Enter start");
	EXPECT("mcu: firmware older than host");
	EXPECT("toolboard_t0: current");
	EXPECT("f: build new firmware for the Octopus Pro 446");
	CHECK(!vt_has(t, "a: all") && !vt_has(t, "a fix all"), "no a for one MCU");
	vt_char(t, 'a');
	vt_settle(t, 300);
	CHECK(!vt_has(t, "All MCUs"), "a does nothing");
	EXPECT("Enter start");
	return quit(t);
}

static bool scenario_stop(struct vt *t)
{
	CHECK(spawn(t), "spawn");
	CHECK(to_plan(t, true), "to the plan");
	EXPECT("Flash every MCU now?");
	vt_char(t, 'y');
	/* The first board's make flash sleeps: stop it there. */
	EXPECT("Now: Flashing");
	vt_char(t, 'c');
	EXPECT("Stop flashing?");
	EXPECT("[ No, go on ] [ Yes, stop ]");
	vt_key(t, VTERM_KEY_ENTER); /* No: it goes on */
	CHECK(vt_wait_gone(t, "Stop flashing?", WAIT_MS), "the question closed");
	vt_key(t, VTERM_KEY_ESCAPE);
	EXPECT("Stop flashing?");
	vt_char(t, 'y');
	EXPECT("Stopped: not every MCU was flashed.");
	/* The child ended by itself after starting Klipper: its results came. */
	EXPECT("mcu failed: cancelled");
	EXPECT("toolboard_t0 not flashed: cancelled");
	EXPECT("p report for help");
	show(t, "stopped");
	char want[2000];
	snprintf(want, sizeof(want),
		 "'systemctl stop klipper.service' "
		 "'make-flash FLASH_DEVICE=" ID446 " KCONFIG_CONFIG=%s/.cache/ratos-setup/"
		 "btt-octopus-pro-446/board.config OUT=%s/.cache/ratos-setup/btt-octopus-pro-446/out/ "
		 "NOSUDO=1' 'systemctl start klipper.service'",
		 home, home);
	CHECK(record_is(want), "stopped after the stop: started again");
	vt_key(t, VTERM_KEY_ESCAPE);
	EXPECT("Enter start");
	return quit(t);
}

static bool scenario_sudo(struct vt *t)
{
	CHECK(spawn(t), "spawn");
	CHECK(to_plan(t, true), "to the plan");
	EXPECT("Flash every MCU now?");
	vt_char(t, 'y');
	EXPECT("Done: every MCU is flashed or prepared.");
	EXPECT("toolboard_t0 flashed (USB (Klipper's make flash))");
	show(t, "done under sudo");
	CHECK(sh("sed -n 1p '%s' | grep -qx 'systemctl stop klipper.service' && "
		 "sed -n 2p '%s' | grep -q '^make-flash FLASH_DEVICE=" ID446 " ' && "
		 "sed -n 3p '%s' | grep -q '^make-flash FLASH_DEVICE=" IDEBB " ' && "
		 "sed -n 4p '%s' | grep -qx 'systemctl start klipper.service' && "
		 "[ $(wc -l <'%s') -eq 4 ]",
		 record, record, record, record, record) == 0,
	      "stop -> both flashed -> start");
	/* Root was a guest: nothing in the home belongs to root. */
	CHECK(sh("test -s '%s/printer_data/config/firmware_binaries/firmware-btt-ebb36-12.bin' && "
		 "[ -z \"$(find '%s' ! -uid %s | head -1)\" ]",
		 home, home, getenv("RS_TEST_UID")) == 0,
	      "the builds and the firmware belong to the user");
	return quit(t);
}

static bool scenario_nostart(struct vt *t)
{
	CHECK(spawn(t), "spawn");
	CHECK(to_plan(t, true), "to the plan");
	EXPECT("Flash every MCU now?");
	vt_char(t, 'y');
	EXPECT("Not every MCU was flashed:");
	EXPECT("ratos-setup flash --all ended with exit 1.");
	EXPECT("mcu flashed (USB (Klipper's make flash))");
	EXPECT("Klipper could not be started again: run 'sudo systemctl start klipper'");
	EXPECT("p report for help");
	show(t, "Klipper not started");
	vt_char(t, 'p');
	EXPECT("Report for help written:");
	return quit(t);
}

static bool scenario_user(struct vt *t)
{
	CHECK(spawn(t), "spawn");
	CHECK(to_plan(t, false), "to the plan");
	EXPECT("Flashing stops and starts the Klipper service, which needs root.");
	EXPECT("sudo ratos-setup flash --all");
	CHECK(!vt_has(t, "Flash every MCU now?"), "no question");
	show(t, "not root");
	vt_key(t, VTERM_KEY_ENTER); /* back to the welcome screen: nothing runs */
	EXPECT("Enter start");
	CHECK(access(record, F_OK) != 0, "nothing was run");
	return quit(t);
}

int main(int argc, char **argv)
{
	if (argc < 7) {
		fprintf(stderr, "usage: flash_all_wizard_test MODE BIN BOARDS FAKE_KLIPPER "
				"PATH_DIRS TERM\n");
		return 2;
	}
	mode = argv[1];
	bin = argv[2];
	boards = argv[3];
	fake_klipper = argv[4];
	fake_path = argv[5];
	term = argv[6];
	harness_name = "flash_all_wizard_test.c";
	bool user = strcmp(mode, "user") == 0, sudo = strcmp(mode, "sudo") == 0;
	if (sudo && (!getenv("RS_TEST_TMP") || !getenv("UMOCKDEV_DIR"))) {
		fprintf(stderr, "SKIP: run this under with_test_user.sh and umockdev-run\n");
		return 77;
	}
	if (user ? !getenv("RS_TEST_TMP") : !getenv("UMOCKDEV_DIR")) {
		fprintf(stderr, "SKIP: run this under %s\n",
			user ? "with_test_user.sh" : "umockdev-run");
		return 77;
	}
	if (!user && geteuid() != 0) {
		fprintf(stderr, "SKIP: flashing from the wizard needs root\n");
		return 77;
	}
	if (user || sudo) {
		snprintf(tmp, sizeof(tmp), "%s", getenv("RS_TEST_TMP"));
		snprintf(home, sizeof(home), "%s", getenv("RS_TEST_HOME"));
	} else {
		snprintf(tmp, sizeof(tmp), "/tmp/rs-flashall-XXXXXX");
		if (!mkdtemp(tmp))
			return 1;
		snprintf(home, sizeof(home), "%s/home", tmp);
	}
	/* Written by the fakes, whoever they run as. */
	snprintf(record, sizeof(record), "%s/rec/record", tmp);
	if (sh("mkdir -p '%s/rec' && chmod 777 '%s/rec'", tmp, tmp) != 0)
		return 1;
	const char *path = getenv("PATH");
	snprintf(env[0], sizeof(env[0]), "HOME=%s", home);
	snprintf(env[1], sizeof(env[1]), "XDG_STATE_HOME=%s/state", home);
	snprintf(env[2], sizeof(env[2]), "XDG_CACHE_HOME=%s/.cache", home);
	snprintf(env[3], sizeof(env[3]), "PATH=%s:%s", fake_path, path ? path : "/usr/bin:/bin");
	snprintf(env[4], sizeof(env[4]), "TERM=%s", term);
	/* As root, children get this PATH (platform/child_env.h). */
	snprintf(env[5], sizeof(env[5]), "RATOS_SETUP_ROOT_PATH=%s:%s", fake_path,
		 path ? path : "/usr/bin:/bin");
	snprintf(env[6], sizeof(env[6]), "FAKE_FLASH_LOG=%s", record);
	snprintf(env[7], sizeof(env[7]), "%s",
		 strcmp(mode, "stop") == 0 ? "FAKE_FLASH_SLEEP=60" : "FAKE_FLASH_SLEEP=0");
	if (strcmp(mode, "stop") == 0)
		setenv("FAKE_START_SLEEP", "3", 1); /* the wizard's child gets it */
	if (strcmp(mode, "nostart") == 0)
		setenv("FAKE_SYSTEMCTL_FAIL", "start", 1);
	bool ok = set_up() && (strcmp(mode, "one") == 0 || klippy_log(V730, V730));
	if (ok && sudo) {
		/* The emulated devices are seen by the user as well (the wizard
		 * acts as the user under sudo). */
		ok = ok && sh("chmod -R a+rX '%s'", getenv("UMOCKDEV_DIR")) == 0;
		/* systemctl runs as root, make flash as the user: both append. */
		ok = ok && sh("touch '%s' && chmod 666 '%s'", record, record) == 0;
		/* The home is the user's; sudo keeps root's HOME. */
		ok = ok && sh("chown -R %s:%s '%s'", getenv("RS_TEST_UID"), getenv("RS_TEST_GID"),
			home) == 0;
		snprintf(env[0], sizeof(env[0]), "HOME=/root");
		snprintf(env[1], sizeof(env[1]), "SUDO_USER=%s", getenv("RS_TEST_USER"));
		snprintf(env[2], sizeof(env[2]), "SUDO_UID=%s", getenv("RS_TEST_UID"));
		setenv("SUDO_GID", getenv("RS_TEST_GID"), 1); /* the wizard inherits it */
	}
	/* p writes its report into the current directory. */
	ok = ok && chdir(home) == 0;
	if (!ok)
		fail_at(NULL, __LINE__, "set up");
	struct vt t = { 0 };
	if (ok)
		ok = strcmp(mode, "two") == 0	 ? scenario_two(&t)
		     : strcmp(mode, "one") == 0	 ? scenario_one(&t)
		     : strcmp(mode, "stop") == 0 ? scenario_stop(&t)
		     : strcmp(mode, "nostart") == 0 ? scenario_nostart(&t)
		     : user			 ? scenario_user(&t)
		     : sudo			 ? scenario_sudo(&t)
						 : (fail_at(NULL, __LINE__, "mode %s", mode), false);
	if (!ok && t.pid > 0 && !t.exited)
		kill(t.pid, SIGKILL);
	vt_close(&t);
	printf("%s TERM=%s %s\n", ok ? "PASS" : "FAIL", term, mode);
	if (!user && !sudo)
		sh("rm -rf '%s'", tmp);
	return ok && !failures ? 0 : 1;
}
