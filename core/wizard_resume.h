/* Where a saved wizard run resumes: every saved step is re-validated (the
 * board still known, its board file unchanged, the Klipper version, the
 * firmware still current) and the run resumes at the first step whose
 * premise changed, with a sentence saying what changed. Pure: the facts
 * are gathered by screens/update.c. */
#ifndef RS_CORE_WIZARD_RESUME_H
#define RS_CORE_WIZARD_RESUME_H

#include <stdbool.h>
#include <stddef.h>

#include "core/fw_current.h"

/* The wizard's steps, in order, by the ids the state file saves. */
enum rs_step {
	RS_STEP_WELCOME,
	RS_STEP_BOARD,
	RS_STEP_JUMPERS,
	RS_STEP_ENDSTOP,
	RS_STEP_SUMMARY,
	RS_STEP_FIRMWARE,
	RS_STEP_FLASH, /* the routes onto the board; the card one leads on */
	RS_STEP_SDCARD,
	RS_STEP_COUNT,
};

const char *rs_step_id(enum rs_step s);
/* RS_STEP_COUNT for an unknown id. */
enum rs_step rs_step_from_id(const char *id);

struct rs_resume_facts {
	const char *saved_step;
	const char *saved_board;   /* id, for the words when it is gone */
	const char *board_name;    /* NULL: the board is not known any more */
	/* Its board file is not the one the choices were made with (both
	 * fingerprints known and different). */
	bool board_file_changed;
	const char *saved_klipper; /* Klipper version when saved; NULL unknown */
	const char *klipper_now;   /* NULL unknown */
	/* The firmware as it is now (asked only for steps after the build). */
	enum rs_fw_verdict firmware;
	const char *firmware_reason; /* rs_fw_current_reason */
};

struct rs_resume_plan {
	enum rs_step step;
	char changed[480]; /* "" when nothing changed */
};

void rs_resume_plan(const struct rs_resume_facts *f, struct rs_resume_plan *out);

#endif
