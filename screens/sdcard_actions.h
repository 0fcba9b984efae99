/* What the SD card screen asks of the card writer (platform/sdwrite.h), with
 * the results turned into the words the screen shows. No drawing here.
 * Internal to screens/. */
#ifndef RS_SCREENS_SDCARD_ACTIONS_H
#define RS_SCREENS_SDCARD_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "core/fwinfo.h"
#include "platform/sdcard.h"
#include "screens/sdcard_write.h"

struct rs_sd_written {
	char verified[160];   /* "Verified: firmware.bin on the card matches (sha256 ...)." */
	struct rs_strv done;  /* what the write did, step by step */
	struct rs_strv steps; /* what the user does next */
};

enum rs_sd_verdict { RS_SD_UNREADABLE, RS_SD_NOT_FLASHED, RS_SD_FLASHED };

/* The firmware the firmware step leaves for b. *path is always set (caller
 * frees); problem is "" when the file can be written, else what is wrong
 * with it (missing, empty, built for another MCU) and what to do. */
void rs_sd_action_firmware(const struct rs_board *b, char **path, struct rs_fwinfo *fw,
			   char *problem, size_t len);
/* The confirmation text for writing fw to target: device, size, label, the
 * card's serial, the file, what will be removed, warnings. *id gets the card
 * it is about. NULL with problem set when the card cannot be written (not
 * FAT, write-protected, unreadable). Caller frees. */
char *rs_sd_action_confirm(const struct rs_board *b, const struct rs_fwinfo *fw,
			   const char *target, struct rs_sdcard_id *id, char *problem,
			   size_t len);
/* The words for a write that is over: true with out filled (verified, what
 * was done, the board's steps) when it was written and verified; else
 * false with problem (what happened and the state of the card) and hint
 * (what to do). */
bool rs_sd_action_written(const struct rs_sd_run *r, bool utf8, struct rs_sd_written *out,
			  char *problem, size_t len, char *hint, size_t hint_len);
void rs_sd_written_free(struct rs_sd_written *w);
/* Reads the card after the board had it; msg gets the verdict and the
 * likely causes, or why the card could not be read. */
enum rs_sd_verdict rs_sd_action_check(const struct rs_board *b, const char *fw_path,
				      const char *target, char *msg, size_t len);

#endif
