/* What the user chose so far, saved after every step so a dropped SSH
 * session costs nothing. The text form is "key=value" lines; unknown keys
 * are errors so a file from a different version is not half-understood. */
#ifndef RS_CORE_WIZARD_STATE_H
#define RS_CORE_WIZARD_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/jumper.h"

#define RS_STATE_ID_MAX 64
#define RS_STATE_VERSION_MAX 160

enum rs_cable_colour {
	RS_CABLE_UNANSWERED,
	RS_CABLE_WHITE, /* shipped after October 2022: already right */
	RS_CABLE_OTHER, /* black or another colour: swap the outer wires */
	RS_CABLE_UNKNOWN,
};

struct rs_wizard_state {
	char step[RS_STATE_ID_MAX];     /* id of the screen to resume on */
	char board[RS_STATE_ID_MAX];    /* board id, "" before one is chosen */
	unsigned main_v;                /* 0 = not chosen yet */
	unsigned motor_v;               /* 0 = no separate motor supply */
	size_t socket_count;
	char drivers[RS_MAX_SOCKETS][RS_STATE_ID_MAX]; /* driver id, "" = empty socket */
	enum rs_jumper_pos jumpers[RS_MAX_SOCKETS];
	enum rs_cable_colour cable;
	bool endstop_ack;
	/* What the choices were made with, re-checked on resume
	 * (core/wizard_resume.h); "" when unknown. */
	char klipper_version[RS_STATE_VERSION_MAX]; /* the tree's, when saved */
	char board_sha256[RS_STATE_ID_MAX + 1];     /* of the board file */
};

void rs_wizard_state_init(struct rs_wizard_state *s);
/* Forgets everything that depends on the board (after choosing another). */
void rs_wizard_state_clear_board(struct rs_wizard_state *s);

const char *rs_cable_colour_name(enum rs_cable_colour c);

/* Text form; the caller frees. */
char *rs_wizard_state_serialize(const struct rs_wizard_state *s);
/* Parses the text form; on failure *out is untouched and errs says which
 * line is wrong (file is only used for the messages). */
bool rs_wizard_state_parse(const char *file, const char *text, struct rs_wizard_state *out,
			   struct rs_errors *errs);

#endif
