/* The wizard's route step runs the route: the real binary in a pty
 * (libvterm), umockdev with the board on USB running Klipper, the fake
 * Klipper tree whose make flash records its arguments (and can be slow or
 * fail), a fake systemctl that records stop/start and, on start, appends
 * Klipper's new start to klippy.log.
 *
 *   umockdev-run -d BOARD.umockdev -- flash_wizard_test MODE BIN SRC TERM
 *
 *   usb:    btt-octopus-pro-446: Enter on USB opens the confirmation (default
 *           No: Enter alone runs nothing); Yes runs it with live output,
 *           help and a resize during the run; stop -> make flash with the
 *           by-id device -> start; the result says the board runs the tree's
 *           version (from klippy.log).
 *   stop:   make flash slowed; c asks (No keeps it running), Yes stops it:
 *           Klipper started again, the result says what the board holds.
 *   fail:   make flash fails: the failure screen with the message, the state
 *           and what to do; p writes the report; Klipper started again.
 *   manual: btt-ebb36-11 (flash notes: heater on in DFU): Enter alone and a
 *           wrong id never pass; the id typed back leads to the confirmation.
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

#include "../tui/harness.h"
#include "../tui/vt.h"

#define WAIT_MS 15000 /* only a failure deadline; nothing sleeps */
#define B446 "btt-octopus-pro-446"
#define EBB "btt-ebb36-11"
#define ID446 "/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00"

static const char *bin, *src;
static char tmp[64], env_home[96], env_state[128], env_cache[128], env_term[64];
static char env_record[256], env_klog[256], env_sleep[64] = "FAKE_FLASH_SLEEP=0";
static char env_fail[64] = "FAKE_FLASH_FAIL=", klipper[128], record[128];

static void show(struct vt *t, const char *what)
{
	if (!getenv("FLASHWIZ_SHOW"))
		return;
	vt_settle(t, 50);
	char *s = vt_text(t);
	printf("==== %s (TERM=%s) ====\n%s\n", what, term, s);
	free(s);
}

static bool record_is(const char *want)
{
	FILE *f = fopen(record, "r");
	char buf[4096] = "";
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	if (strcmp(buf, want) == 0)
		return true;
	fprintf(stderr, "record:\n%s\nwanted:\n%s\n", buf, want);
	return false;
}

static bool start(struct vt *t, int rows, int cols)
{
	char *argv[] = { (char *)bin, "--boards-dir", NULL, "--klipper", klipper, "--reset", NULL };
	char boards[512];
	snprintf(boards, sizeof(boards), "%s/boards", src);
	argv[2] = boards;
	char *env[] = { env_home, env_state, env_cache, env_term, "LC_ALL=C.UTF-8", "NO_COLOR=",
			env_record, env_klog, env_sleep, env_fail,
			"RATOS_SETUP_TEST_VERSION_WAIT_MS=8000", NULL };
	return vt_spawn(t, rows, cols, argv, env);
}

/* Welcome to the route step, through whatever steps the board has. */
static bool walk_to_routes(struct vt *t, const char *name, bool from_welcome)
{
	if (from_welcome) {
		EXPECT("Enter start");
		vt_key(t, VTERM_KEY_ENTER);
	}
	char want[128];
	snprintf(want, sizeof(want), "> %s", name);
	EXPECT(want);
	vt_key(t, VTERM_KEY_ENTER);
	for (int i = 0; i < 8; i++) {
		vt_settle(t, 150);
		if (vt_has(t, "Flash firmware") && vt_has(t, "Ways to put the new firmware"))
			return true;
		if (vt_has(t, "Driver power jumpers")) {
			vt_key(t, VTERM_KEY_TAB);
			vt_key(t, VTERM_KEY_ENTER);
		} else if (vt_has(t, "[y/N]")) {
			vt_char(t, 'y');
			vt_key(t, VTERM_KEY_ENTER);
		} else {
			vt_key(t, VTERM_KEY_ENTER);
		}
		vt_settle(t, 150);
	}
	show(t, "lost");
	CHECK(false, "did not reach the route step");
	return false;
}

static bool usb_route_chosen(struct vt *t)
{
	CHECK(walk_to_routes(t, "Octopus Pro 446", true), "walk");
	EXPECT("> 1. USB (Klipper's make flash): possible now");
	show(t, "routes");
	return true;
}

static bool confirm_dialog(struct vt *t)
{
	EXPECT("Flash the board now?");
	EXPECT("Klipper's make flash writes the new firmware to the Octopus");
	EXPECT("Pro 446 over USB.");
	EXPECT("Device: usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00");
	EXPECT("The Klipper service is stopped meanwhile and started again");
	EXPECT("[ No ] [ Yes, flash ]");
	return true;
}

#define STOP "systemctl stop klipper.service\n"
#define START "systemctl start klipper.service\n"
static char flash_line[1100], flash_line_running[1024];

static bool scenario_usb(struct vt *t)
{
	/* make flash takes a few seconds: its output is seen while it runs. */
	snprintf(env_sleep, sizeof(env_sleep), "FAKE_FLASH_SLEEP=4");
	CHECK(start(t, 24, 80), "spawn");
	CHECK(usb_route_chosen(t), "routes");
	/* Enter alone at the question is No: nothing runs. */
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(confirm_dialog(t), "dialog");
	show(t, "confirm");
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(vt_wait_gone(t, "Flash the board now?", WAIT_MS), "No closes the question");
	EXPECT("> 1. USB (Klipper's make flash)");
	vt_settle(t, 300);
	CHECK(record_is(""), "nothing ran after No");
	/* Yes runs it; the output is live while make flash runs. */
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(confirm_dialog(t), "dialog again");
	vt_key(t, VTERM_KEY_RIGHT);
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Flashing Octopus Pro 446 over USB (Klipper's make flash)");
	EXPECT("Now: Klipper's make flash writes the firmware");
	EXPECT("Flashing out/klipper.bin to /dev/serial/by-id/usb-Klipper_stm32f446xx");
	show(t, "running");
	/* Keys and resizes while it runs. */
	vt_char(t, '?');
	EXPECT("Flash firmware"); /* the help overlay's title */
	vt_key(t, VTERM_KEY_ESCAPE);
	vt_resize(t, 30, 100);
	EXPECT("Flashing Octopus Pro 446 over USB");
	vt_resize(t, 24, 80);
	EXPECT("Flashed the Octopus Pro 446 over USB (Klipper's make flash).");
	EXPECT("Klipper was stopped for the flash and started again.");
	EXPECT("Klipper started again: the board runs v0.0.1-0-gfake, the same as");
	EXPECT("Klipper's tree.");
	show(t, "flashed");
	CHECK(!vt_has(t, "v0.11.0-1-gold"), "the start before the flash is not taken");
	CHECK(record_is(flash_line), "stop -> make flash FLASH_DEVICE=<by-id> -> start");
	/* Enter goes on: the route step is the 446's last. */
	vt_key(t, VTERM_KEY_ENTER);
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "finishing exits 0 (got %d)", rc);
	return true;
}

static bool scenario_stop(struct vt *t)
{
	snprintf(env_sleep, sizeof(env_sleep), "FAKE_FLASH_SLEEP=60");
	CHECK(start(t, 24, 80), "spawn");
	CHECK(usb_route_chosen(t), "routes");
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(confirm_dialog(t), "dialog");
	vt_key(t, VTERM_KEY_RIGHT);
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Flashing out/klipper.bin to /dev/serial/by-id/usb-Klipper_stm32f446xx");
	/* c asks first; No keeps flashing. */
	vt_char(t, 'c');
	EXPECT("Stop flashing?");
	EXPECT("The firmware is being written now");
	EXPECT("Klipper is started again either way.");
	show(t, "stop question");
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(vt_wait_gone(t, "Stop flashing?", WAIT_MS), "No closes the question");
	EXPECT("Now: Klipper's make flash writes the firmware");
	CHECK(record_is(flash_line_running), "stop -> make flash, still running after No");
	vt_char(t, 'c');
	EXPECT("Stop flashing?");
	vt_key(t, VTERM_KEY_RIGHT);
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("!! Stopped while Klipper's make flash writes the firmware.");
	EXPECT("The flash did not finish: the board may hold incomplete firmware");
	EXPECT("Klipper was stopped for the flash and started again.");
	EXPECT("r tries again");
	show(t, "stopped");
	CHECK(record_is(flash_line), "stop -> make flash -> start after the stop");
	/* make flash was stopped: its fake would have run 60 s. */
	CHECK(sh("pgrep -f 'fake_flas[h].py FLASH_DEVICE=%s KCONFIG_CONFIG=%s' >/dev/null", ID446,
		 tmp) != 0,
	      "make flash is not running any more");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "quit exits 0 (got %d)", rc);
	return true;
}

static bool scenario_fail(struct vt *t)
{
	snprintf(env_fail, sizeof(env_fail), "FAKE_FLASH_FAIL=all");
	CHECK(start(t, 24, 80), "spawn");
	CHECK(usb_route_chosen(t), "routes");
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(confirm_dialog(t), "dialog");
	vt_key(t, VTERM_KEY_RIGHT);
	vt_key(t, VTERM_KEY_ENTER);
	/* The 446 has DFU: make flash failing is followed by a short look for
	 * the board in DFU mode (10 s) before the failure is final. */
	EXPECT("Error: failed to flash " ID446 " (fake failure)");
	CHECK(vt_wait(t, "!! Flashing failed while", 30000), "the failure screen");
	EXPECT("make flash failed (exit 2): Error: failed to flash");
	EXPECT("Klipper was stopped for the flash and started again.");
	EXPECT("What to do: Check the output above; or flash by DFU:");
	EXPECT("p report for help");
	show(t, "failed");
	CHECK(record_is(flash_line), "stop -> make flash -> start after the failure");
	vt_char(t, 'p');
	EXPECT("Report for help written:");
	CHECK(sh("ls '%s'/ratos-setup-report-*.tar.gz >/dev/null 2>&1", tmp) == 0,
	      "the report is in the current directory");
	/* l shows the output, and back. */
	vt_char(t, 'l');
	EXPECT("Error: failed to flash " ID446 " (fake failure)");
	vt_char(t, 'l');
	EXPECT("!! Flashing failed while");
	/* r asks again (default No); Enter there goes back to the routes. */
	vt_char(t, 'r');
	CHECK(confirm_dialog(t), "r asks again");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("> 1. USB (Klipper's make flash)");
	CHECK(record_is(flash_line), "nothing more ran");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "quit exits 0 (got %d)", rc);
	return true;
}

/* Not root: the route is not run; the exact command is named. */
static bool scenario_not_root(struct vt *t)
{
	CHECK(start(t, 24, 80), "spawn");
	CHECK(usb_route_chosen(t), "routes");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("!! USB (Klipper's make flash) needs root");
	EXPECT("sudo ratos-setup flash " B446 " --route usb --device " ID446);
	EXPECT("or run the wizard with sudo");
	CHECK(!vt_has(t, "Flash the board now?"), "no question for a doomed run");
	CHECK(record_is(""), "nothing ran");
	vt_char(t, 'q');
	vt_char(t, 'y');
	return vt_wait_exit(t, WAIT_MS) == 0;
}

static bool scenario_manual(struct vt *t)
{
	CHECK(start(t, 24, 80), "spawn");
	EXPECT("Enter start");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 1 of");
	vt_type(t, "ebb36 v1.1");
	EXPECT("> EBB36 v1.1");
	show(t, "board");
	CHECK(walk_to_routes(t, "EBB36 v1.1", false), "walk");
	EXPECT("1. USB (Klipper's make flash): possible now");
	show(t, "routes");
	vt_key(t, VTERM_KEY_ENTER);
	if (geteuid() != 0) {
		/* Not root: the run is refused before the notes; the command
		 * named asks for the id itself. */
		EXPECT("!! USB (Klipper's make flash) needs root");
		EXPECT("sudo ratos-setup flash " EBB " --route usb");
		CHECK(!vt_has(t, "Type the board id"), "no id asked for a refused run");
		CHECK(record_is(""), "nothing ran");
		vt_char(t, 'q');
		vt_char(t, 'y');
		return vt_wait_exit(t, WAIT_MS) == 0;
	}
	EXPECT("!! EBB36 v1.1 is marked for flashing by hand only.");
	EXPECT("The heater output switches on while this board is in DFU mode");
	EXPECT("Type the board id (" EBB ")");
	show(t, "ack");
	/* Enter alone never passes; a wrong id neither. */
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Type the board id first: Enter alone does not flash this board.");
	CHECK(!vt_has(t, "Flash the board now?"), "Enter alone does not pass");
	vt_type(t, "btt-ebb36-12");
	EXPECT("Board id: btt-ebb36-12_");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("That is not the board id: nothing was flashed.");
	CHECK(!vt_has(t, "Flash the board now?"), "a wrong id does not pass");
	/* q and n are text here, not quit or no. */
	vt_type(t, EBB);
	EXPECT("Board id: " EBB "_");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Flash the board now?");
	EXPECT("[ No ] [ Yes, flash ]");
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(vt_wait_gone(t, "Flash the board now?", WAIT_MS), "No");
	EXPECT("1. USB (Klipper's make flash)");
	vt_settle(t, 300);
	CHECK(record_is(""), "nothing ran");
	/* Esc leaves the id entry too. */
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Type the board id (" EBB ")");
	vt_key(t, VTERM_KEY_ESCAPE);
	CHECK(vt_wait_gone(t, "Type the board id", WAIT_MS), "Esc goes back");
	vt_char(t, 'q');
	vt_char(t, 'y');
	return vt_wait_exit(t, WAIT_MS) == 0;
}

static bool build(const char *board)
{
	return sh("HOME='%s' XDG_CACHE_HOME='%s/cache' '%s' --boards-dir '%s/boards' build %s "
		  "--klipper '%s' >'%s/build.out' 2>&1 || cat '%s/build.out'",
		  tmp, tmp, bin, src, board, klipper, tmp, tmp) == 0 &&
	       sh("test -s '%s/printer_data/config/firmware_binaries/firmware-%s.bin'", tmp,
		  board) == 0;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: flash_wizard_test usb|stop|fail|manual BIN SRC TERM\n");
		return 2;
	}
	const char *mode = argv[1];
	bin = argv[2];
	src = argv[3];
	term = argv[4];
	harness_name = "flash_wizard_test.c";
	if (!getenv("UMOCKDEV_DIR")) {
		fprintf(stderr, "SKIP: run this under umockdev-run\n");
		return 77;
	}
	char path[1024];
	snprintf(path, sizeof(path), "%s/tests/flash/fake-bin:%s/tests/build/fake-bin:"
		 "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", src, src);
	setenv("PATH", path, 1);
	setenv("RATOS_SETUP_ROOT_PATH", path, 1); /* as root, children's PATH */
	setenv("LC_ALL", "C", 1);
	snprintf(tmp, sizeof(tmp), "/tmp/rs-flashwiz-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	snprintf(env_home, sizeof(env_home), "HOME=%s", tmp);
	snprintf(env_state, sizeof(env_state), "XDG_STATE_HOME=%s/state", tmp);
	snprintf(env_cache, sizeof(env_cache), "XDG_CACHE_HOME=%s/cache", tmp);
	snprintf(env_term, sizeof(env_term), "TERM=%s", term);
	snprintf(record, sizeof(record), "%s/record", tmp);
	snprintf(env_record, sizeof(env_record), "FAKE_FLASH_LOG=%s", record);
	snprintf(env_klog, sizeof(env_klog), "FAKE_KLIPPY_LOG=%s/printer_data/logs/klippy.log", tmp);
	snprintf(klipper, sizeof(klipper), "%s/klipper", tmp);
	const char *c = tmp;
	const char *nosudo = geteuid() == 0 ? " NOSUDO=1" : " NOSUDO=";
	snprintf(flash_line_running, sizeof(flash_line_running),
		 STOP "make-flash FLASH_DEVICE=" ID446 " KCONFIG_CONFIG=%s/cache/ratos-setup/" B446
		      "/board.config OUT=%s/cache/ratos-setup/" B446 "/out/%s\n",
		 c, c, nosudo);
	snprintf(flash_line, sizeof(flash_line), "%s" START, flash_line_running);
	/* A Klipper start from before the flash: never taken for the new one. */
	if (sh("cp -r '%s/tests/build/fake-klipper' '%s' && mkdir -p '%s/printer_data/logs' && "
	       "printf \"Starting Klippy...\\nLoaded MCU 'mcu' 100 commands (v0.11.0-1-gold / gcc)"
	       "\\nMCU 'mcu' config: MCU=stm32f446xx\\n\" >'%s/printer_data/logs/klippy.log'",
	       src, klipper, tmp, tmp) != 0 ||
	    !build(strcmp(mode, "manual") == 0 ? EBB : B446)) {
		fprintf(stderr, "FAIL: cannot set up the Klipper tree and the firmware\n");
		return 1;
	}

	/* The report key writes into the current directory: the test's own. */
	if (chdir(tmp) != 0)
		return 1;
	struct vt t = { 0 };
	bool ok = false;
	bool root = geteuid() == 0;
	if (strcmp(mode, "manual") == 0)
		ok = scenario_manual(&t);
	else if (!root) /* every running mode needs root: the refusal instead */
		ok = scenario_not_root(&t);
	else if (strcmp(mode, "usb") == 0)
		ok = scenario_usb(&t);
	else if (strcmp(mode, "stop") == 0)
		ok = scenario_stop(&t);
	else if (strcmp(mode, "fail") == 0)
		ok = scenario_fail(&t);
	else
		fprintf(stderr, "unknown mode %s\n", mode);
	if (!ok && t.pid > 0 && !t.exited)
		kill(t.pid, SIGKILL);
	vt_close(&t);
	printf("%s TERM=%s %s\n", ok ? "PASS" : "FAIL", term, mode);
	if (!getenv("FLASHWIZ_KEEP"))
		sh("rm -rf '%s'", tmp);
	return ok && !failures ? 0 : 1;
}
