#include "core/wizard_resume.h"

#include <stdio.h>
#include <string.h>

static const char *const ids[RS_STEP_COUNT] = {
	[RS_STEP_WELCOME] = "welcome", [RS_STEP_BOARD] = "board",
	[RS_STEP_JUMPERS] = "jumpers", [RS_STEP_ENDSTOP] = "endstop",
	[RS_STEP_SUMMARY] = "summary", [RS_STEP_FIRMWARE] = "firmware",
	[RS_STEP_FLASH] = "flash", [RS_STEP_SDCARD] = "sdcard",
};

const char *rs_step_id(enum rs_step s)
{
	return (size_t)s < RS_STEP_COUNT ? ids[s] : "welcome";
}

enum rs_step rs_step_from_id(const char *id)
{
	for (size_t i = 0; id && i < RS_STEP_COUNT; i++)
		if (strcmp(ids[i], id) == 0)
			return (enum rs_step)i;
	return RS_STEP_COUNT;
}

static bool differ(const char *a, const char *b)
{
	return a && b && *a && *b && strcmp(a, b) != 0;
}

void rs_resume_plan(const struct rs_resume_facts *f, struct rs_resume_plan *out)
{
	out->changed[0] = '\0';
	enum rs_step saved = rs_step_from_id(f->saved_step);
	if (saved == RS_STEP_COUNT)
		saved = RS_STEP_BOARD;
	out->step = saved;
	if (!f->board_name) {
		out->step = RS_STEP_BOARD;
		snprintf(out->changed, sizeof(out->changed),
			 "The saved board '%s' is not known any more; choose the board again.",
			 f->saved_board ? f->saved_board : "?");
		return;
	}
	/* Jumpers, cables and firmware all follow from the board file. */
	if (f->board_file_changed && saved > RS_STEP_BOARD) {
		out->step = RS_STEP_JUMPERS;
		snprintf(out->changed, sizeof(out->changed),
			 "The board file for the %s changed since your choices were saved; "
			 "please check them again from here.",
			 f->board_name);
		return;
	}
	bool klipper_moved = differ(f->saved_klipper, f->klipper_now);
	if (saved >= RS_STEP_FLASH) {
		/* The firmware itself says whether it suits the tree: after an
		 * update whose build already ran, the card is still next. */
		if (rs_fw_current_blocks(f->firmware)) {
			out->step = RS_STEP_FIRMWARE;
			snprintf(out->changed, sizeof(out->changed),
				 "%s since the last run: the firmware was %s. Build it again, then "
				 "write the card.",
				 f->firmware == RS_FWCUR_OLD_KLIPPER ? "Klipper changed"
								     : "Something changed",
				 f->firmware_reason && *f->firmware_reason ? f->firmware_reason
									   : "not current");
		} else if (klipper_moved) {
			snprintf(out->changed, sizeof(out->changed),
				 "Klipper changed since the last run (%s, was %s); the firmware for "
				 "it is already built.",
				 f->klipper_now, f->saved_klipper);
		}
		return;
	}
	if (saved == RS_STEP_FIRMWARE && klipper_moved)
		snprintf(out->changed, sizeof(out->changed),
			 "Klipper changed since the last run (%s, was %s).", f->klipper_now,
			 f->saved_klipper);
}
