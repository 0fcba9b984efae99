/* Inside the SD card screen (screens/sdcard.c): its state and phases,
 * shared with its keys and confirm dialog (screens/sdcard_keys.c). The
 * screen follows the cards and draws; the keys file answers requests, asks
 * before writing and starts the write. Internal to screens/. */
#ifndef RS_SCREENS_SDCARD_SCREEN_H
#define RS_SCREENS_SDCARD_SCREEN_H

#include <stdbool.h>

#include "core/fwinfo.h"
#include "screens/sdcard_actions.h"
#include "screens/sdcard_list.h"
#include "screens/sdcard_write.h"
#include "screens/wizard.h"
#include "tui/dialog.h"
#include "tui/keymap.h"
#include "tui/screen.h"
#include "tui/text.h"
#include "tui/tui.h"

enum rs_sd_phase {
	RS_SDP_NO_FIRMWARE, /* nothing to write: missing, empty or for another MCU */
	RS_SDP_STALE,       /* built for another Klipper version or board config */
	RS_SDP_WAIT,        /* no card to offer yet */
	RS_SDP_CHOOSE,      /* cards listed, the cursor on one */
	RS_SDP_CONFIRM,     /* the write dialog is open */
	RS_SDP_WRITING,     /* the write runs: progress, c/Esc/q ask to stop */
	RS_SDP_FAILED,      /* not written or stopped: what happened, the card's state,
			     * what to do */
	RS_SDP_WRITTEN,     /* written and verified: the board's steps */
	RS_SDP_CHECK_WAIT,  /* a check was asked for: waiting for the card to come back */
};

struct rs_sd_screen {
	struct rs_wizard *wz;
	int rows, cols;
	enum rs_sd_phase phase;
	char *fw_path;
	struct rs_fwinfo fw;
	char fw_problem[600];
	struct rs_sd_cards cards;
	struct rs_dialog dlg;
	char *dlg_text;
	char *chosen; /* syspath of the card in the dialog */
	struct rs_sdcard_id chosen_id; /* serial and size of that card */
	char *written; /* syspath of the card the firmware went to */
	struct rs_sd_written result;
	struct rs_sd_run run;
	char hint[300]; /* RS_SDP_FAILED: what to do */
	struct rs_pager pager;
	char msg[1400]; /* faults, removals, check results */
	enum rs_style msg_style;
};

/* screens/sdcard.c */
const struct rs_board *rs_sd_screen_board(const struct rs_sd_screen *s);
void rs_sd_screen_say(struct rs_sd_screen *s, enum rs_style style, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Follows what is plugged in; true when something changed. */
bool rs_sd_screen_follow(struct rs_sd_screen *s);
/* The screen as on entering it: the firmware looked at again. */
void rs_sd_screen_enter(void *st, void *ctx);
/* Checks the card at syspath (when it is there) for the bootloader's rename. */
void rs_sd_screen_check_card(struct rs_sd_screen *s, const char *syspath);

/* screens/sdcard_keys.c: the key rows and the modes they are offered in. */
extern const struct rs_key_binding rs_sd_screen_keys[];
unsigned rs_sd_screen_mode(const void *st, const void *ctx);

#endif
