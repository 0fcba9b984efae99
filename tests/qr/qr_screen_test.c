/* The wizard's QR code of a board's documentation link, in a real terminal
 * (the binary in a pty, libvterm): F2 opens it on the board list and on the
 * endstop screen, the code on screen is read back cell by cell and decoded
 * with zbarimg (tests/qr/qr_decode.py) to the exact link, its quiet zone is
 * drawn dark-on-light, and Esc closes it without leaving the screen.
 * xterm-256color gets half blocks, which fit 80x24 even for the longest link
 * in boards/; TERM=linux gets plain ASCII, which cannot fit 80x24: the box
 * says so and gives the link as text, and after the terminal grows the code
 * is drawn and decodes.
 * Built without libqrencode (mode "none"), F2 says so and shows the link.
 * usage: qr_screen_test BIN TEST_BOARDS_DIR BOARDS_DIR DECODER TERM code|none */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "vt.h"

#define WAIT_MS 5000 /* only a failure deadline; nothing sleeps */

static const char *bin, *decoder;
static char home[64], env_home[96], env_state[128], env_term[64];

static bool start(struct vt *t, const char *boards_dir)
{
	char *argv[] = { (char *)bin, "--boards-dir", (char *)boards_dir, "--reset", NULL };
	char *env[] = { env_home, env_state, env_term, "LC_ALL=C.UTF-8", "NO_COLOR=",
			"XDG_CACHE_HOME=", NULL };
	return vt_spawn(t, 24, 80, argv, env);
}

/* What the screen decodes to, "" when no code is found. */
static const char *decode_screen(struct vt *t)
{
	static char got[512];
	char path[128], out[160];
	vt_settle(t, 40);
	snprintf(path, sizeof(path), "%s/screen.txt", home);
	snprintf(out, sizeof(out), "%s/decoded.txt", home);
	char *text = vt_text(t);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	free(text);
	got[0] = '\0';
	if (sh("python3 '%s' '%s' >'%s'", decoder, path, out) != 0)
		return got;
	f = fopen(out, "r");
	if (f) {
		if (fgets(got, sizeof(got), f))
			got[strcspn(got, "\n")] = '\0';
		fclose(f);
	}
	return got;
}

static bool is_ink(uint32_t c)
{
	return c == '#' || c == 0x2580 || c == 0x2584 || c == 0x2588;
}

/* The code's ink and the quiet zone around it (4 modules: 2 rows and 4
 * columns of half blocks, 4 rows and 8 columns in ASCII) are all in the
 * code's own colours, white background, whatever the terminal's theme;
 * and the quiet zone has no ink. */
static bool quiet_zone_ok(struct vt *t, bool ascii)
{
	int top = t->rows, bottom = -1, left = t->cols, right = -1;
	VTermScreenCell c;
	for (int r = 0; r < t->rows; r++)
		for (int x = 0; x < t->cols; x++)
			if (vt_cell(t, r, x, &c) && is_ink(c.chars[0])) {
				top = r < top ? r : top;
				bottom = r > bottom ? r : bottom;
				left = x < left ? x : left;
				right = x > right ? x : right;
			}
	int qr = ascii ? 4 : 2, qc = ascii ? 8 : 4;
	if (bottom < 0 || top - qr < 0 || bottom + qr >= t->rows || left - qc < 0 ||
	    right + qc >= t->cols)
		return false;
	for (int r = top - qr; r <= bottom + qr; r++)
		for (int x = left - qc; x <= right + qc; x++) {
			bool inside = r >= top && r <= bottom && x >= left && x <= right;
			if (!vt_cell(t, r, x, &c))
				return false;
			if (!inside && c.chars[0] && c.chars[0] != ' ')
				return false;
			VTermColor bg = c.bg;
			vterm_screen_convert_color_to_rgb(t->scr, &bg);
			bool light = c.attrs.reverse || (bg.rgb.red > 128 && bg.rgb.green > 128 &&
							 bg.rgb.blue > 128);
			if (!light)
				return false;
		}
	return true;
}

static bool press_f2(struct vt *t)
{
	return vt_key_cap(t, term, "kf2");
}

/* Board list (the 429, a link too wide for the panel, whole in the border),
 * then the endstop screen of the Octopus V1.1. */
static bool scenario_test_boards(struct vt *t, const char *boards_dir)
{
	bool ascii = strcmp(term, "linux") == 0;
	const char *url429 = "https://os.ratrig.com/docs/boards/btt/octopus-pro-429";
	CHECK(start(t, boards_dir), "spawn");
	EXPECT("Enter start");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("> Octopus Pro 429");
	EXPECT("F2 QR code"); /* the footer, from the screen's key table */
	vt_char(t, '?');
	EXPECT("Help: Controller board");
	EXPECT("F2 QR code");
	vt_key(t, VTERM_KEY_ESCAPE);
	CHECK(vt_wait_gone(t, "Help: Controller board", WAIT_MS), "help closes");
	CHECK(!strcmp(decode_screen(t), ""), "no code on the board list by itself");

	CHECK(press_f2(t), "kf2 in terminfo");
	EXPECT("QR code: Octopus Pro 429 documentation");
	EXPECT("Esc close");
	if (ascii) {
		/* 37 modules with the quiet zone, 2 columns and 1 row each. */
		EXPECT("The QR code does not fit: it needs 78x40 characters in plain ASCII, "
		       "this terminal has 80x24.");
		EXPECT(url429);
		CHECK(!strcmp(decode_screen(t), ""), "no broken code drawn");
		vt_resize(t, 48, 100);
		CHECK(vt_wait_gone(t, "does not fit", WAIT_MS), "drawn once it fits");
		EXPECT("QR code: Octopus Pro 429 documentation");
	}
	const char *got = decode_screen(t);
	CHECK(!strcmp(got, url429), "the code on screen decodes to \"%s\"", got);
	CHECK(quiet_zone_ok(t, ascii), "quiet zone and colours");
	vt_key(t, VTERM_KEY_ESCAPE);
	CHECK(vt_wait_gone(t, "QR code:", WAIT_MS), "Esc closes the code");
	/* The title row goes first; wait for the rows under the box too (its
	 * bottom border is the last of them). */
	CHECK(vt_wait_gone(t, "Esc close", WAIT_MS), "the whole box is gone");
	CHECK(vt_wait(t, "Boards (type to filter)", WAIT_MS) &&
		      vt_wait(t, "> Octopus Pro 429", WAIT_MS),
	      "still on the board list, same board");
	CHECK(!strcmp(decode_screen(t), ""), "the code is gone");
	if (ascii) {
		vt_resize(t, 24, 80);
		EXPECT("> Octopus Pro 429");
	}

	/* While filtering, F2 is still the code, not text. */
	vt_type(t, "octopus v");
	EXPECT("> Octopus V1.1");
	CHECK(press_f2(t), "kf2");
	EXPECT("QR code: Octopus V1.1");
	vt_key(t, VTERM_KEY_ESCAPE);
	CHECK(vt_wait_gone(t, "QR code:", WAIT_MS), "Esc closes the code");
	EXPECT("(filter: octopus v)"); /* Esc closed the code, not the filter */

	/* The endstop screen (the V1.1 has no power jumpers). */
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Endstop cables");
	EXPECT("Pin diagram: https://os.ratrig.com/docs/boards/btt/octopus-11");
	EXPECT("F2 QR code");
	CHECK(press_f2(t), "kf2");
	EXPECT("QR code: Octopus V1.1");
	EXPECT("pin diagram");
	if (!ascii) {
		got = decode_screen(t);
		CHECK(!strcmp(got, "https://os.ratrig.com/docs/boards/btt/octopus-11"),
		      "endstop screen code decodes to \"%s\"", got);
	}
	vt_key(t, VTERM_KEY_ESCAPE);
	CHECK(vt_wait_gone(t, "QR code:", WAIT_MS), "Esc closes the code");
	CHECK(vt_has(t, "Endstop cables"), "Esc closed the code, not the step");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "quit");
	return true;
}

/* The longest link in boards/ at 80x24: half blocks fit, box and all. */
static bool scenario_longest(struct vt *t, const char *boards_dir)
{
	const char *url = "https://os.ratrig.com/docs/boards/btt/octopus-pro-h723";
	CHECK(start(t, boards_dir), "spawn");
	EXPECT("Enter start");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Boards (type to filter)");
	vt_type(t, "h723 pro");
	EXPECT("> Octopus Pro H723");
	vt_settle(t, 100); /* the panel follows the cursor after a short rest */
	CHECK(press_f2(t), "kf2");
	EXPECT("QR code: Octopus Pro H723");
	if (strcmp(term, "linux") == 0) {
		EXPECT("The QR code does not fit");
		EXPECT(url);
	} else {
		const char *got = decode_screen(t);
		CHECK(!strcmp(got, url), "decodes to \"%s\"", got);
		CHECK(quiet_zone_ok(t, false), "quiet zone and colours");
	}
	vt_key(t, VTERM_KEY_ESCAPE);
	CHECK(vt_wait_gone(t, "QR code:", WAIT_MS), "Esc closes the code");
	vt_char(t, 'q'); /* typed into the filter: clear it first */
	vt_key(t, VTERM_KEY_ESCAPE);
	EXPECT("Boards (type to filter)");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "quit");
	return true;
}

/* A build without libqrencode: the key is there, and says why there is no
 * code, with the link whole as text. */
static bool scenario_not_available(struct vt *t, const char *boards_dir)
{
	CHECK(start(t, boards_dir), "spawn");
	EXPECT("Enter start");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("> Octopus Pro 429");
	EXPECT("F2 QR code");
	CHECK(press_f2(t), "kf2 in terminfo");
	EXPECT("QR code: Octopus Pro 429 documentation");
	/* The link under the reason, in the box (not only in the border). */
	EXPECT("QR codes are not available in this build (built without libqrencode) "
	       "https://os.ratrig.com/docs/boards/btt/octopus-pro-429");
	EXPECT("Esc close");
	vt_key(t, VTERM_KEY_ESCAPE);
	CHECK(vt_wait_gone(t, "QR code:", WAIT_MS), "Esc closes it");
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "quit");
	return true;
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: qr_screen_test BIN TEST_BOARDS_DIR BOARDS_DIR DECODER TERM "
				"code|none\n");
		return 2;
	}
	bin = argv[1];
	decoder = argv[4];
	term = argv[5];
	harness_name = "qr_screen_test.c";
	snprintf(home, sizeof(home), "/tmp/rs-qr-XXXXXX");
	if (!mkdtemp(home))
		return 1;
	snprintf(env_home, sizeof(env_home), "HOME=%s", home);
	snprintf(env_state, sizeof(env_state), "XDG_STATE_HOME=%s/state", home);
	snprintf(env_term, sizeof(env_term), "TERM=%s", term);

	struct {
		const char *name;
		bool (*run)(struct vt *t, const char *boards_dir);
		const char *boards_dir;
	} const with_code[] = { { "test boards", scenario_test_boards, argv[2] },
				{ "longest link", scenario_longest, argv[3] } },
	  without[] = { { "not available", scenario_not_available, argv[2] } };
	bool none = strcmp(argv[6], "none") == 0;
	size_t n = none ? 1 : 2;
	for (size_t i = 0; i < n; i++) {
		struct vt t = { 0 };
		const char *name = none ? without[i].name : with_code[i].name;
		bool ok = none ? without[i].run(&t, without[i].boards_dir)
			       : with_code[i].run(&t, with_code[i].boards_dir);
		vt_close(&t);
		printf("%s TERM=%s %s\n", ok ? "PASS" : "FAIL", term, name);
	}

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
	if (system(cmd) != 0)
		failures++;
	return failures ? 1 : 0;
}
