/* Terminal tests: the real ratos-setup binary in a pty at 80x24, driven with
 * keys, asserted on screen text. Usage:
 *   tui_test BIN BOARDS_DIR GOLDEN_DIR TERM [smoke]
 * RS_UPDATE_GOLDEN=1 rewrites the golden screens instead of comparing. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "vt.h"

#define WAIT_MS 5000 /* only a failure deadline; nothing sleeps */

static const char *bin, *boards, *golden_dir;
static char home[64], env_home[96], env_state[128], env_term[64];

static bool start(struct vt *t, const char *extra_arg, char *const extra_env[])
{
	char *argv[] = { (char *)bin, "--boards-dir", (char *)boards, (char *)extra_arg, NULL };
	char *env[12] = { env_home, env_state, env_term, "LC_ALL=C.UTF-8", "NO_COLOR=",
			  "XDG_CACHE_HOME=", NULL };
	size_t n = 6;
	for (size_t i = 0; extra_env && extra_env[i] && n < 11; i++)
		env[n++] = extra_env[i];
	env[n] = NULL;
	return vt_spawn(t, 24, 80, argv, env);
}

/* Whole-screen comparison with a golden file (static screens only). */
static bool golden(struct vt *t, const char *name)
{
	vt_settle(t, 40);
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.txt", golden_dir, name);
	char *now = vt_text(t);
	const char *upd = getenv("RS_UPDATE_GOLDEN");
	if (upd && *upd == '1') {
		FILE *f = fopen(path, "w");
		if (f) {
			fputs(now, f);
			fclose(f);
		}
		free(now);
		return true;
	}
	FILE *f = fopen(path, "r");
	char want[8192] = "";
	size_t n = f ? fread(want, 1, sizeof(want) - 1, f) : 0;
	want[n] = '\0';
	if (f)
		fclose(f);
	bool same = strcmp(want, now) == 0;
	if (!same) {
		fprintf(stderr, "golden %s differs; expected:\n%s", path, want);
		fail_at(t, __LINE__, "golden screen %s", name);
	}
	free(now);
	return same;
}

static void key(struct vt *t, VTermKey k, int times)
{
	for (int i = 0; i < times; i++)
		vt_key(t, k);
}

static char *read_state(void)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/state/ratos-setup/state", home);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Welcome, help, board list with filtering, jumpers with the interlock, the
 * endstop warning that Enter alone cannot pass; then quit with q. */
static bool scenario_first_run(struct vt *t)
{
	CHECK(start(t, "--reset", NULL), "spawn");
	EXPECT("Enter start");
	EXPECT("bad-board.yaml:4:1: unknown key 'colour'");
	EXPECT("none found in ~/klipper");
	golden(t, "welcome");
	vt_char(t, '?');
	EXPECT("Help: Welcome");
	vt_key(t, VTERM_KEY_ESCAPE);
	CHECK(vt_wait_gone(t, "Help: Welcome", WAIT_MS), "help closes");

	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 1 of 7");
	EXPECT("Controller board");
	EXPECT("> Octopus Pro 429");
	EXPECT("Partial support");
	EXPECT("The Octopus Pro 446 is recommended");
	golden(t, "board-list");
	/* Links are never wrapped mid-word: too wide for the panel, they go whole
	 * into the bottom border, which spans the screen. */
	EXPECT("Docs: https://os.ratrig.com/docs/boards/btt/octopus-pro-429 ");
	key(t, VTERM_KEY_DOWN, 3);
	EXPECT("> EBB36 v1.2");
	EXPECT("Docs: https://os.ratrig.com/docs/toolboards/btt/ebb-36-12 ");
	key(t, VTERM_KEY_UP, 3);
	EXPECT("> Octopus Pro 429");
	EXPECT("Docs: https://os.ratrig.com/docs/boards/btt/octopus-pro-429 ");
	CHECK(vt_key_cap(t, term, "kf1"), "F1 in terminfo");
	EXPECT("Help: Controller board");
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(vt_wait_gone(t, "Help: Controller board", WAIT_MS), "F1 help closes");

	/* Filter: "f44" matches by MCU, the 429 goes away. */
	vt_type(t, "f44");
	EXPECT("Boards (filter: f44)");
	CHECK(vt_wait_gone(t, "Octopus Pro 429", WAIT_MS), "429 filtered out");
	CHECK(vt_has(t, "Octopus Pro 446") && vt_has(t, "Octopus V1.1 F446"), "446 boards stay");
	vt_type(t, "6 v1");
	EXPECT("(filter: f446 v1)");
	CHECK(vt_wait_gone(t, "Octopus Pro 446", WAIT_MS), "second word narrows");
	vt_type(t, "zz");
	EXPECT("No board matches");
	vt_key(t, VTERM_KEY_BACKSPACE);
	vt_key(t, VTERM_KEY_BACKSPACE);
	EXPECT("> Octopus V1.1 F446");
	vt_key(t, VTERM_KEY_ESCAPE); /* clears the filter, stays here */
	EXPECT("Boards (type to filter)");
	EXPECT("Octopus Pro 429");
	EXPECT("Step 1 of 7");
	key(t, VTERM_KEY_UP, 5);
	EXPECT("> Octopus Pro 429");

	/* Jumpers. */
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 2 of 7");
	EXPECT("Driver power jumpers");
	EXPECT("Octopus Pro 429");
	EXPECT("MOTOR7 (empty) none");
	golden(t, "jumpers");
	vt_key(t, VTERM_KEY_DOWN);
	key(t, VTERM_KEY_RIGHT, 3);
	EXPECT("< 48 V >");
	vt_key(t, VTERM_KEY_DOWN);
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Driver in MOTOR0");
	key(t, VTERM_KEY_DOWN, 2);
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("MOTOR0 BTT TMC5160 Pro v1.1 V_MOT [ VIN o o==o V_MOT ] 48 V ok");
	key(t, VTERM_KEY_DOWN, 2);
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Driver in MOTOR2");
	vt_key(t, VTERM_KEY_DOWN);
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("MOTOR2 BTT TMC2209 v1.3 VIN [ VIN o==o o V_MOT ] 24 V ok");
	vt_key(t, VTERM_KEY_RIGHT); /* the jumper onto V_MOT: unsafe */
	EXPECT("MOTOR2 BTT TMC2209 v1.3 V_MOT !! [ VIN o o==o V_MOT ] max 24 V");
	EXPECT("!! MOTOR2: a TMC2209 is rated for 24 V; on V_MOT at 48 V it is destroyed.");
	vt_key(t, VTERM_KEY_TAB);
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("!! Next is locked until every socket is safe.");
	vt_char(t, 'n');
	vt_settle(t, 30);
	CHECK(vt_has(t, "Step 2 of 7"), "interlock holds on n too");
	vt_key(t, VTERM_KEY_TAB); /* back to the top */
	key(t, VTERM_KEY_DOWN, 4);
	vt_key(t, VTERM_KEY_LEFT);
	EXPECT("MOTOR2 BTT TMC2209 v1.3 VIN [ VIN o==o o V_MOT ] 24 V ok");
	CHECK(vt_wait_gone(t, "Next is locked", WAIT_MS), "interlock released");
	vt_key(t, VTERM_KEY_TAB);
	vt_key(t, VTERM_KEY_ENTER);

	/* Endstop warning. */
	EXPECT("Step 3 of 7");
	EXPECT("Endstop cables");
	EXPECT("short this board's 5 V rail");
	vt_key(t, VTERM_KEY_ENTER); /* Enter alone must not pass */
	EXPECT("Not confirmed. Type y, then Enter");
	golden(t, "endstop-refused");
	CHECK(vt_has(t, "Pin diagram: https://os.ratrig.com/docs/boards/btt/octopus-pro-429"),
	      "pin diagram link whole");
	vt_char(t, 'n');
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Not confirmed");
	CHECK(vt_has(t, "Step 3 of 7"), "n + Enter does not pass");
	char *st = read_state();
	CHECK(st && strstr(st, "step=endstop\n") && strstr(st, "jumper.2=vin\n") &&
		      strstr(st, "motor_v=48\n") && strstr(st, "endstop_ack=no\n"),
	      "state saved after the jumper step: %s", st ? st : "(none)");

	/* Quit: q asks, default No keeps us here; q + y leaves. */
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(vt_wait_gone(t, "Quit ratos-setup?", WAIT_MS), "Enter on the default is No");
	CHECK(vt_has(t, "Endstop cables"), "still on the endstop step");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "quit exits 0 (got %d)", rc);
	return true;
}

/* Resume lands on the saved step; walk forward to the end and back. */
/* Looking at the welcome screen and leaving costs no disk write: on a Pi a
 * state write is two fsyncs on the SD card, before anything was chosen. */
static bool scenario_quiet_start(struct vt *t)
{
	char state[160];
	snprintf(state, sizeof(state), "%s/state/ratos-setup/state", home);
	CHECK(start(t, "--reset", NULL), "spawn");
	EXPECT("Enter start");
	CHECK(access(state, F_OK) != 0, "no state file while on the welcome screen");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "quits");
	CHECK(access(state, F_OK) != 0, "still no state file after quitting there");
	return true;
}

static bool scenario_resume(struct vt *t)
{
	CHECK(start(t, NULL, NULL), "spawn");
	EXPECT("Resume where you left off? [Y/n]");
	EXPECT("Octopus Pro 429, at \"Endstop cables\"");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 3 of 7");
	EXPECT("Endstop cables");
	EXPECT("Octopus Pro 429");
	vt_char(t, 'y');
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 4 of 7");
	EXPECT("Summary");
	EXPECT("MOTOR0 BTT TMC5160 Pro v1.1 jumper V_MOT");
	EXPECT("MOTOR2 BTT TMC2209 v1.3 jumper VIN");
	EXPECT("Supplies VIN 24 V, motor terminal 48 V");
	EXPECT("checked: yes");
	/* Back through every screen to the start, then forward again. */
	vt_key(t, VTERM_KEY_ESCAPE);
	EXPECT("Step 3 of 7");
	vt_key(t, VTERM_KEY_ESCAPE);
	EXPECT("Step 2 of 7");
	EXPECT("< 48 V >");
	vt_key(t, VTERM_KEY_ESCAPE);
	EXPECT("Step 1 of 7");
	EXPECT("> Octopus Pro 429");
	vt_key(t, VTERM_KEY_ESCAPE);
	EXPECT("Enter start");
	vt_key(t, VTERM_KEY_ESCAPE);
	EXPECT("This is the first screen");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 1 of 7");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 2 of 7");
	EXPECT("MOTOR0 BTT TMC5160 Pro v1.1 V_MOT"); /* same board: choices kept */
	vt_char(t, 'n');
	EXPECT("Step 3 of 7");
	vt_key(t, VTERM_KEY_ENTER);
	vt_settle(t, 30);
	CHECK(vt_has(t, "Step 4 of 7"), "ack kept after going back");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 5 of 7");
	EXPECT("Build firmware");
	EXPECT("Cannot build yet: no Klipper tree at");

	/* Resize below the minimum and back. */
	vt_resize(t, 20, 60);
	EXPECT("Terminal too small");
	EXPECT("need 80x24, have 60x20");
	golden(t, "too-small");
	vt_resize(t, 30, 100);
	EXPECT("Step 5 of 7");
	CHECK(vt_wait_gone(t, "Terminal too small", WAIT_MS), "recovers");
	vt_resize(t, 24, 80);
	EXPECT("Step 5 of 7");
	/* No Klipper tree here: Next stays locked. */
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Next is locked until the firmware is built");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "quitting exits 0 (got %d)", rc);
	return true;
}

/* Boards without jumpers skip that step, toolboards skip both. */
static bool scenario_skips(struct vt *t)
{
	CHECK(start(t, "--reset", NULL), "spawn");
	EXPECT("Enter start");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 1 of 7");
	vt_type(t, "v1.1");
	EXPECT("> Octopus V1.1 F446");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 2 of 5");
	EXPECT("Endstop cables");
	EXPECT("short this board's 3.3 V rail");
	vt_key(t, VTERM_KEY_ESCAPE);
	EXPECT("Step 1 of 5");
	vt_key(t, VTERM_KEY_ESCAPE); /* clear the filter */
	CHECK(vt_key_cap(t, term, "kend"), "End in terminfo");
	EXPECT("> EBB36 v1.2");
	EXPECT("BIGTREETECH toolboards");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 2 of 4");
	EXPECT("Summary");
	/* Resizing on the board list relays it out. */
	vt_key(t, VTERM_KEY_ESCAPE);
	EXPECT("> EBB36 v1.2");
	vt_resize(t, 23, 80);
	EXPECT("need 80x24, have 80x23");
	vt_resize(t, 24, 80);
	EXPECT("> EBB36 v1.2");
	/* SIGTERM restores the terminal and says what happened. */
	kill(t->pid, SIGTERM);
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 128 + SIGTERM, "SIGTERM exit code (got %d)", rc);
	EXPECT("stopped by SIGTERM");
	return true;
}

/* vt100 in the C locale, monochrome: it starts, draws, quits. */
static bool scenario_smoke(struct vt *t)
{
	char *env[] = { "LC_ALL=C", "NO_COLOR=1", NULL };
	CHECK(start(t, "--reset", env), "spawn");
	EXPECT("Enter start");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 1 of 7 - Controller board");
	EXPECT("Boards (type to filter)");
	VTermScreenCell cell;
	CHECK(vt_cell(t, 0, 1, &cell) && cell.attrs.reverse, "monochrome header is reverse video");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "quit exits 0 (got %d)", rc);
	return true;
}

static bool scenario_colour(struct vt *t)
{
	CHECK(start(t, "--reset", NULL), "spawn");
	EXPECT("Enter start");
	VTermScreenCell cell;
	CHECK(vt_cell(t, 0, 1, &cell) && !VTERM_COLOR_IS_DEFAULT_BG(&cell.bg),
	      "colour header has a background colour");
	vt_char(t, 'q');
	vt_char(t, 'y');
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "quit");
	return true;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: tui_test BIN BOARDS_DIR GOLDEN_DIR TERM [smoke]\n");
		return 2;
	}
	bin = argv[1];
	boards = argv[2];
	golden_dir = argv[3];
	term = argv[4];
	harness_name = "tui_test.c";
	bool smoke = argc > 5 && strcmp(argv[5], "smoke") == 0;
	snprintf(home, sizeof(home), "/tmp/rs-tui-XXXXXX");
	if (!mkdtemp(home))
		return 1;
	snprintf(env_home, sizeof(env_home), "HOME=%s", home);
	snprintf(env_state, sizeof(env_state), "XDG_STATE_HOME=%s/state", home);
	snprintf(env_term, sizeof(env_term), "TERM=%s", term);

	struct {
		const char *name;
		bool (*run)(struct vt *t);
	} const all[] = {
		{ "quiet-start", scenario_quiet_start },
		{ "first-run", scenario_first_run }, { "resume", scenario_resume },
		{ "skips", scenario_skips },         { "colour", scenario_colour },
	}, quick[] = { { "smoke", scenario_smoke } };
	size_t n = smoke ? 1 : sizeof(all) / sizeof(all[0]);
	for (size_t i = 0; i < n; i++) {
		struct vt t = { 0 };
		const char *name = smoke ? quick[i].name : all[i].name;
		bool ok = smoke ? quick[i].run(&t) : all[i].run(&t);
		vt_close(&t);
		printf("%s TERM=%s %s\n", ok ? "PASS" : "FAIL", term, name);
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
	if (system(cmd) != 0)
		failures++;
	return failures ? 1 : 0;
}
