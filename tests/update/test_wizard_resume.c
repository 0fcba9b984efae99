/* Where a saved run resumes, and what it says changed; and the premises the
 * state file now carries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/wizard_resume.h"
#include "core/wizard_state.h"

#define V730 "v0.13.0-730-g84104bbbd"
#define V731 "v0.13.0-731-g1a2b3c4d5"
#define OLD "built for v0.13.0-730, Klipper is now v0.13.0-731"

static void plans(void **state)
{
	(void)state;
	static const struct {
		struct rs_resume_facts f;
		enum rs_step want;
		const char *says; /* part of the sentence, NULL: nothing changed */
	} t[] = {
		/* nothing changed: where it was left */
		{ { "sdcard", "b", "Board", false, V730, V730, RS_FWCUR_CURRENT, "" },
		  RS_STEP_SDCARD, NULL },
		/* Klipper moved, the firmware is old: back to the build */
		{ { "sdcard", "b", "Board", false, V730, V731, RS_FWCUR_OLD_KLIPPER, OLD },
		  RS_STEP_FIRMWARE, "Klipper changed since the last run: the firmware was " OLD },
		/* Klipper moved, the new build already ran: the card is next */
		{ { "sdcard", "b", "Board", false, V730, V731, RS_FWCUR_CURRENT, "" },
		  RS_STEP_SDCARD, "the firmware for it is already built" },
		/* left on the route step, Klipper moved: the build first there too */
		{ { "flash", "b", "Board", false, V730, V731, RS_FWCUR_OLD_KLIPPER, OLD },
		  RS_STEP_FIRMWARE, "Klipper changed since the last run: the firmware was " OLD },
		{ { "flash", "b", "Board", false, V730, V730, RS_FWCUR_CURRENT, "" },
		  RS_STEP_FLASH, NULL },
		/* the firmware was deleted */
		{ { "sdcard", "b", "Board", false, V730, V730, RS_FWCUR_NO_FIRMWARE, "gone" },
		  RS_STEP_FIRMWARE, "Something changed since the last run: the firmware was gone" },
		/* unknown tree: nothing to compare, so nothing blocks */
		{ { "sdcard", "b", "Board", false, V730, NULL, RS_FWCUR_NO_TREE, "x" },
		  RS_STEP_SDCARD, NULL },
		/* the board file changed: the hardware steps again */
		{ { "sdcard", "b", "Board", true, V730, V731, RS_FWCUR_OLD_KLIPPER, OLD },
		  RS_STEP_JUMPERS, "The board file for the Board changed" },
		/* ...but not before the board was chosen */
		{ { "board", "b", "Board", true, NULL, NULL, RS_FWCUR_CURRENT, "" },
		  RS_STEP_BOARD, NULL },
		/* the board is gone */
		{ { "sdcard", "gone-board", NULL, false, V730, V730, RS_FWCUR_CURRENT, "" },
		  RS_STEP_BOARD, "The saved board 'gone-board' is not known any more" },
		/* at the build: it says so, the build step itself checks */
		{ { "firmware", "b", "Board", false, V730, V731, RS_FWCUR_CURRENT, "" },
		  RS_STEP_FIRMWARE, "Klipper changed since the last run (" V731 ", was " V730 ")" },
		/* before the build: Klipper does not matter yet */
		{ { "endstop", "b", "Board", false, V730, V731, RS_FWCUR_CURRENT, "" },
		  RS_STEP_ENDSTOP, NULL },
		/* an id from another version */
		{ { "nonsense", "b", "Board", false, NULL, NULL, RS_FWCUR_CURRENT, "" },
		  RS_STEP_BOARD, NULL },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct rs_resume_plan p;
		rs_resume_plan(&t[i].f, &p);
		if (p.step != t[i].want)
			fail_msg("row %zu: step %s, want %s", i, rs_step_id(p.step),
				 rs_step_id(t[i].want));
		if (t[i].says ? !strstr(p.changed, t[i].says) : p.changed[0] != '\0')
			fail_msg("row %zu: said \"%s\", want \"%s\"", i, p.changed,
				 t[i].says ? t[i].says : "");
	}
	assert_int_equal(rs_step_from_id("sdcard"), RS_STEP_SDCARD);
	assert_int_equal(rs_step_from_id("flash"), RS_STEP_FLASH);
	assert_int_equal(rs_step_from_id("x"), RS_STEP_COUNT);
}

static void state_keeps_premises(void **state)
{
	(void)state;
	struct rs_wizard_state s, back;
	rs_wizard_state_init(&s);
	strcpy(s.step, "sdcard");
	strcpy(s.board, "btt-octopus-pro-429");
	strcpy(s.klipper_version, V730 "-dirty-20261130_101010-pi");
	memset(s.board_sha256, 'a', 64);
	char *text = rs_wizard_state_serialize(&s);
	struct rs_errors errs = { 0 };
	assert_true(rs_wizard_state_parse("state", text, &back, &errs));
	assert_string_equal(back.klipper_version, s.klipper_version);
	assert_string_equal(back.board_sha256, s.board_sha256);
	free(text);
	/* Files from before these keys still load. */
	assert_true(rs_wizard_state_parse("state", "version=1\nstep=sdcard\nboard=b\n", &back,
					  &errs));
	assert_string_equal(back.klipper_version, "");
	/* A space is no version. */
	assert_false(rs_wizard_state_parse("state", "version=1\nklipper_version=a b\n", &back,
					   &errs));
	rs_errors_clear(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plans),
		cmocka_unit_test(state_keeps_premises),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
