/* The firmware build screen, end to end: the real ratos-setup in a pty at
 * 80x24, walked to the build step with keys, building from a copy of the
 * fake Klipper tree with the fake cross compiler on PATH. Usage:
 *   build_screen_test BIN BOARDS_DIR FAKE_KLIPPER FAKE_BIN TERM
 * The fake compiler waits for a gate file (FAKE_CC_GATE) when asked to, so
 * a build can be caught mid-way without any timing assumptions. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "procs.h"
#include "vt.h"

#define WAIT_MS 10000 /* only a failure deadline; nothing sleeps */

static const char *bin, *boards, *fake_klipper, *fake_bin;
static char root[64];

/* One scenario's world: its own HOME, Klipper copy and gate. */
struct world {
	char dir[200], home[300], klipper[320], gate[300], pids[300], firmware[512];
	char env[8][600];
	bool default_tree; /* ~/klipper, no --klipper */
};

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void world_init(struct world *w, const char *name, bool gated, bool default_tree)
{
	memset(w, 0, sizeof(*w));
	w->default_tree = default_tree;
	snprintf(w->dir, sizeof(w->dir), "%s/%s", root, name);
	snprintf(w->home, sizeof(w->home), "%s/home", w->dir);
	snprintf(w->klipper, sizeof(w->klipper), "%s/klipper", default_tree ? w->home : w->dir);
	snprintf(w->gate, sizeof(w->gate), "%s/gate", w->dir);
	snprintf(w->pids, sizeof(w->pids), "%s/ccpids", w->dir);
	snprintf(w->firmware, sizeof(w->firmware),
		 "%s/printer_data/config/firmware_binaries/firmware-%s.bin", w->home,
		 "btt-octopus-pro-429");
	if (sh("mkdir -p '%s' && cp -r '%s' '%s'", w->home, fake_klipper, w->klipper) != 0)
		failures++;
	const char *path = getenv("PATH");
	snprintf(w->env[0], sizeof(w->env[0]), "HOME=%s", w->home);
	snprintf(w->env[1], sizeof(w->env[1]), "XDG_STATE_HOME=%s/state", w->home);
	snprintf(w->env[2], sizeof(w->env[2]), "XDG_CACHE_HOME=");
	snprintf(w->env[3], sizeof(w->env[3]), "PATH=%s:%s", fake_bin, path ? path : "/usr/bin:/bin");
	snprintf(w->env[4], sizeof(w->env[4]), "TERM=%s", term);
	snprintf(w->env[5], sizeof(w->env[5]), "FAKE_CC_PIDFILE=%s", w->pids);
	snprintf(w->env[6], sizeof(w->env[6]), "FAKE_CC_GATE=%s", gated ? w->gate : "");
	/* As root, make gets this PATH, not the caller's (platform/child_env.h). */
	snprintf(w->env[7], sizeof(w->env[7]), "RATOS_SETUP_ROOT_PATH=%s", w->env[3] + 5);
}

static bool start(struct vt *t, struct world *w, bool reset)
{
	char *argv[] = { (char *)bin, "--boards-dir", (char *)boards, reset ? "--reset" : NULL,
			 NULL, NULL, NULL };
	if (!w->default_tree) { /* after --reset: the wizard's own options */
		argv[reset ? 4 : 3] = "--klipper";
		argv[reset ? 5 : 4] = w->klipper;
	}
	char *env[] = { w->env[0], w->env[1], w->env[2], w->env[3], w->env[4], w->env[5],
			w->env[6], w->env[7], "LC_ALL=C.UTF-8", "NO_COLOR=", NULL };
	return vt_spawn(t, 24, 80, argv, env);
}

/* Welcome -> board -> (jumpers) -> endstop -> summary -> build, with keys. */
static bool walk(struct vt *t, bool usb_board)
{
	EXPECT("Enter start");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Controller board");
	if (usb_board) {
		vt_type(t, "v1.1");
		EXPECT("> Octopus V1.1 F446");
	} else {
		EXPECT("> Octopus Pro 429");
	}
	vt_key(t, VTERM_KEY_ENTER);
	if (!usb_board) {
		EXPECT("Driver power jumpers");
		vt_char(t, 'n');
	}
	EXPECT("Endstop cables");
	vt_char(t, 'y');
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Summary");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Build firmware");
	return true;
}

/* Bytes the screen sends for one tick of the build clock: waits for the
 * second after the one on screen now (a loaded machine may show any
 * second by the time the build runs), then for the one after that. */
static bool clock_tick_bytes(struct vt *t, size_t *tick)
{
	char now[32], next[32];
	int s = 0;
	for (; s < 50; s++) {
		snprintf(now, sizeof(now), "elapsed 0:%02d", s);
		if (vt_has(t, now))
			break;
	}
	if (s == 50)
		return false;
	snprintf(next, sizeof(next), "elapsed 0:%02d", s + 1);
	if (!vt_wait(t, next, WAIT_MS))
		return false;
	size_t before = t->bytes;
	snprintf(next, sizeof(next), "elapsed 0:%02d", s + 2);
	if (!vt_wait(t, next, WAIT_MS))
		return false;
	*tick = t->bytes - before;
	return true;
}

/* ---- scenarios ------------------------------------------------------------ */

/* Probe, build with live progress (held at the gate), log view, success;
 * then a second run finds it up to date and Next leaves the step. */
static bool scenario_build(struct vt *t)
{
	struct world w;
	world_init(&w, "build", true, false);
	CHECK(start(t, &w, true), "spawn");
	if (!walk(t, false))
		return false;
	EXPECT("Target stm32f429xx, 32 KiB bootloader, 8 MHz crystal, USB on PA11/PA12");
	EXPECT("Klipper");
	EXPECT("v0.0.1-0-gfake");
	EXPECT("No up-to-date firmware for this board yet");
	EXPECT("Enter build");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("objects");
	EXPECT("Compiling src/");
	EXPECT("about");
	EXPECT("Log file: ~/.cache/ratos-setup/btt-octopus-pro-429/build.log");
	EXPECT("c cancel");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Next unlocks when the build has finished.");

	/* Bytes per update: while the compilers wait, only the clock moves. A
	 * whole repaint of this screen is well over 1000 bytes. */
	EXPECT("elapsed 0:");
	size_t tick = 0;
	CHECK(clock_tick_bytes(t, &tick), "the build clock moves on by one second");
	CHECK(tick > 0 && tick < 200, "one clock update sent %zu bytes", tick);
	printf("TERM=%s: one clock update while building sent %zu bytes\n", term, tick);

	vt_char(t, 'l');
	EXPECT("Log (l hides");
	EXPECT("Compiling out/src/");
	vt_char(t, 'l');
	CHECK(vt_wait_gone(t, "Log (l hides", WAIT_MS), "log view closes");
	CHECK(!exists(w.firmware), "no firmware before the build ends");

	FILE *g = fopen(w.gate, "w"); /* let the compilers go */
	CHECK(g, "gate");
	fclose(g);
	EXPECT("Firmware built in");
	EXPECT("~/printer_data/config/firmware_binaries/firmware-btt-octopus-pro-429.bin");
	EXPECT("Version v0.0.1-0-gfake");
	EXPECT("MCU stm32f429xx");
	EXPECT("This board takes its firmware from an SD card (as firmware.bin)");
	EXPECT("Enter next");
	EXPECT("r rebuild");
	CHECK(exists(w.firmware), "firmware file installed: %s", w.firmware);
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "quit");
	vt_close(t);

	/* Second run: resumes on this step, which says up to date at once. */
	CHECK(start(t, &w, false), "spawn again");
	EXPECT("Resume where you left off? [Y/n]");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Build firmware");
	EXPECT("Firmware up to date");
	EXPECT("MCU stm32f429xx");
	EXPECT("Enter next");
	vt_key(t, VTERM_KEY_ENTER);
	/* Next leaves the step: the following screen, or the end of the wizard. */
	for (int i = 0; i < WAIT_MS / 50; i++) {
		vt_pump(t, 50);
		if (t->exited || !vt_has(t, "Build firmware"))
			break;
	}
	if (t->exited) {
		CHECK(vt_wait_exit(t, WAIT_MS) == 0, "finishing exits 0");
		EXPECT("choices saved in");
	} else {
		CHECK(!vt_has(t, "Build firmware"), "Next left the build step");
	}
	return true;
}

/* A tree that does not compile: error lines, log path, hint, Next locked;
 * fixed and retried with r, it builds. */
static bool scenario_fail_retry(struct vt *t)
{
	struct world w;
	world_init(&w, "fail", false, false);
	CHECK(sh("printf '#error deliberately broken\\n' >>'%s/src/stm32/gpio.c'", w.klipper) == 0,
	      "break the tree");
	/* The wizard runs in the home, so the help report lands there. */
	char here[4096];
	CHECK(getcwd(here, sizeof(here)) && chdir(w.home) == 0, "cd home");
	bool spawned = start(t, &w, true);
	CHECK(chdir(here) == 0 && spawned, "spawn");
	if (!walk(t, false))
		return false;
	EXPECT("Enter build");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("!! Build failed: the firmware build failed (make exit 2)");
	EXPECT("error: #error deliberately broken");
	EXPECT("What to try:");
	EXPECT("Full log: ~/.cache/ratos-setup/btt-octopus-pro-429/build.log");
	EXPECT("r retry");
	CHECK(!exists(w.firmware), "no firmware from a failed build");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Next is locked until the firmware is built");
	CHECK(vt_has(t, "Build firmware"), "still on the build step");
	vt_char(t, 'l');
	EXPECT("Log (l hides");
	EXPECT("error: #error deliberately broken");
	vt_char(t, 'l');

	/* The help report, offered on the failure: p writes it and says where. */
	EXPECT("p report for help");
	vt_char(t, 'p');
	EXPECT("Report for help written: ~/ratos-setup-report-");
	CHECK(sh("tar tzf %s/ratos-setup-report-*.tar.gz | grep -qx "
		 "ratos-setup-report/build/btt-octopus-pro-429.build.log", w.home) == 0,
	      "the report holds the failed build's log");
	CHECK(sh("tar xzOf %s/ratos-setup-report-*.tar.gz "
		 "ratos-setup-report/build/btt-octopus-pro-429.build.log | "
		 "grep -q 'deliberately broken'", w.home) == 0,
	      "with the compiler's error in it");
	CHECK(sh("gzip -dc %s/ratos-setup-report-*.tar.gz | grep -aqF '%s'", w.home, w.home) == 1,
	      "and no home path anywhere in it");
	CHECK(vt_has(t, "r retry"), "r still retries");

	CHECK(sh("cp '%s/src/stm32/gpio.c' '%s/src/stm32/gpio.c'", fake_klipper, w.klipper) == 0,
	      "repair the tree");
	vt_char(t, 'r');
	EXPECT("Firmware built in");
	EXPECT("MCU stm32f429xx");
	CHECK(exists(w.firmware), "firmware after the retry");
	vt_char(t, 'q');
	vt_char(t, 'y');
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "quit");
	return true;
}

/* Walks to the build step of a fresh world, starts the build and waits until
 * make and at least one compiler run (the fake compilers wait at the gate).
 * Returns make's process group, or 0 after reporting why not. */
static int start_gated_build(struct vt *t, struct world *w, const char *name)
{
	world_init(w, name, true, false);
	if (!start(t, w, true)) {
		fail_at(t, __LINE__, "spawn");
		return 0;
	}
	if (!walk(t, false))
		return 0;
	vt_key(t, VTERM_KEY_ENTER);
	if (!vt_wait(t, "objects", WAIT_MS)) {
		fail_at(t, __LINE__, "no progress shown");
		return 0;
	}
	int pgrp = make_group(t->pid);
	if (pgrp <= 0 || pgrp == t->pid || !group_at_least(pgrp, 2) ||
	    !compilers_started(w->pids)) {
		fail_at(t, __LINE__, "make (own process group) and a compiler should be running");
		return 0;
	}
	return pgrp;
}

/* After a stopped build: no process of make's group, every compiler that
 * started is gone, and no firmware was installed. */
static bool build_left_nothing(struct vt *t, int pgrp, const struct world *w)
{
	CHECK(group_gone(pgrp), "no process of make's group is left");
	CHECK(compilers_gone(w->pids), "every compiler started was stopped");
	CHECK(!exists(w->firmware), "no firmware file");
	return true;
}

/* c, Esc and q ask first (default No) and No keeps building; Yes kills
 * make's whole process group and installs nothing. */
static bool scenario_cancel(struct vt *t)
{
	struct world w;
	int pgrp = start_gated_build(t, &w, "cancel");
	if (!pgrp)
		return false;

	vt_char(t, 'c');
	EXPECT("Stop the build?");
	EXPECT("[ No, keep building ]");
	vt_char(t, 'n');
	CHECK(vt_wait_gone(t, "Stop the build?", WAIT_MS), "n closes the question");
	EXPECT("objects");
	CHECK(group_alive(pgrp) >= 2, "No keeps the build running");

	vt_key(t, VTERM_KEY_ESCAPE);
	EXPECT("Stop the build and go back?");
	vt_key(t, VTERM_KEY_ENTER); /* the default answer is No */
	CHECK(vt_wait_gone(t, "Stop the build and go back?", WAIT_MS), "Enter answers No");
	CHECK(vt_has(t, "Build firmware"), "still on the build step");
	vt_char(t, 'q');
	EXPECT("Stop the build and quit?");
	vt_key(t, VTERM_KEY_ESCAPE);
	CHECK(vt_wait_gone(t, "Stop the build and quit?", WAIT_MS), "Esc answers No");
	CHECK(group_alive(pgrp) >= 2, "still building");

	vt_char(t, 'c');
	EXPECT("Stop the build?");
	vt_char(t, 'y');
	EXPECT("Build cancelled");
	EXPECT("r retry");
	CHECK(build_left_nothing(t, pgrp, &w), "a stopped build leaves nothing behind");
	CHECK(t->pid > 0 && !t->exited, "the wizard itself runs on");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "quit");
	return true;
}

/* SIGTERM mid-build: terminal restored, make's group gone, nothing installed. */
static bool scenario_sigterm(struct vt *t)
{
	struct world w;
	int pgrp = start_gated_build(t, &w, "sigterm");
	if (!pgrp)
		return false;
	CHECK(t->cursor_hidden, "the wizard hid the cursor");
	kill(t->pid, SIGTERM);
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 128 + SIGTERM, "SIGTERM exit code (got %d)", rc);
	EXPECT("stopped by SIGTERM");
	CHECK(!t->altscreen, "left the alternate screen");
	CHECK(!t->cursor_hidden, "cursor visible again");
	CHECK(build_left_nothing(t, pgrp, &w), "a stopped build leaves nothing behind");
	return true;
}

/* A dropped SSH session mid-build: the terminal goes away (the master side
 * closes, the kernel sends SIGHUP). The wizard must stop make's whole group
 * and install nothing, with nobody left to read a message. */
static bool scenario_hangup(struct vt *t)
{
	struct world w;
	int pgrp = start_gated_build(t, &w, "hangup");
	if (!pgrp)
		return false;
	close(t->fd);
	t->fd = -1;
	int st = 0;
	for (int ms = 0; ms < WAIT_MS && waitpid(t->pid, &st, WNOHANG) == 0; ms += 10)
		usleep(10 * 1000);
	t->exited = true;
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGHUP,
	      "exit code 129 after the hangup (status %#x)", st);
	CHECK(build_left_nothing(t, pgrp, &w), "a stopped build leaves nothing behind");
	return true;
}

/* A USB board: its own flashing instructions, honest about what is not
 * done here. */
static bool scenario_usb_board(struct vt *t)
{
	struct world w;
	world_init(&w, "usb", false, true);
	CHECK(start(t, &w, true), "spawn");
	if (!walk(t, true))
		return false;
	EXPECT("Klipper ~/klipper v0.0.1-0-gfake");
	EXPECT("Target stm32f446xx, 32 KiB bootloader, 12 MHz crystal, USB on PA11/PA12");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Firmware built in");
	EXPECT("MCU stm32f446xx");
	EXPECT("Flashing over USB is a later step of ratos-setup, not done here.");
	EXPECT("cd $HOME/klipper && make flash");
	EXPECT("KCONFIG_CONFIG=$HOME/.cache/ratos-setup/btt-octopus-11/board.config");
	EXPECT("OUT=$HOME/.cache/ratos-setup/btt-octopus-11/out/");
	EXPECT("FLASH_DEVICE=/dev/serial/by-id/usb-Klipper_stm32f446xx_...-if00");
	EXPECT("FLASH_DEVICE=0483:df11");
	CHECK(!vt_has(t, "takes its firmware from an SD card"), "not the SD card text");
	CHECK(vt_key_cap(t, term, "kend"), "End in terminfo");
	EXPECT("Note: Flashing only works if the SD card slot on the Octopus is empty.");
	EXPECT("DFU mode:");
	EXPECT("4. If the board was already connected and powered");
	EXPECT("Docs: https://os.ratrig.com/docs/boards/btt/octopus-11");
	vt_settle(t, 50);
	CHECK(vt_has(t, "Enter continues to") || vt_has(t, "Enter finishes the wizard"),
	      "says where Next goes");
	vt_char(t, 'q');
	vt_char(t, 'y');
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "quit");
	return true;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: build_screen_test BIN BOARDS_DIR FAKE_KLIPPER FAKE_BIN TERM\n");
		return 2;
	}
	/* Absolute: make runs in the Klipper copy, and PATH must still find
	 * the fake compiler from there. */
	static char abs[4][4096];
	const char **dst[4] = { &bin, &boards, &fake_klipper, &fake_bin };
	for (int i = 0; i < 4; i++) {
		if (!realpath(argv[i + 1], abs[i])) {
			perror(argv[i + 1]);
			return 2;
		}
		*dst[i] = abs[i];
	}
	term = argv[5];
	harness_name = "build_screen_test.c";
	snprintf(root, sizeof(root), "/tmp/rs-bscreen-XXXXXX");
	if (!mkdtemp(root))
		return 1;
	const struct {
		const char *name;
		bool (*run)(struct vt *t);
	} all[] = {
		{ "build", scenario_build },   { "fail-retry", scenario_fail_retry },
		{ "cancel", scenario_cancel }, { "sigterm", scenario_sigterm },
		{ "hangup", scenario_hangup }, { "usb-board", scenario_usb_board },
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		struct vt t = { 0 };
		bool ok = all[i].run(&t);
		if (t.pid > 0 && !t.exited) {
			/* A failed scenario: let the wizard stop its own build. */
			kill(t.pid, SIGTERM);
			vt_wait_exit(&t, WAIT_MS);
		}
		vt_close(&t);
		printf("%s TERM=%s %s\n", ok ? "PASS" : "FAIL", term, all[i].name);
		fflush(stdout);
	}
	if (sh("rm -rf '%s'", root) != 0)
		failures++;
	return failures ? 1 : 0;
}
