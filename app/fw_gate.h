/* The check every command that puts firmware on a board makes first: is the
 * file current for the board and the Klipper tree (core/fw_current.h)? */
#ifndef RS_APP_FW_GATE_H
#define RS_APP_FW_GATE_H

#include <stdbool.h>

#include "core/board.h"

/* fw: the firmware file; klipper_dir: --klipper or NULL for ~/klipper.
 * Returns -1 when writing may go on (a warning on stderr when the tree's
 * version is unknown), else the exit code after saying why on stderr (or as
 * JSON on stdout) with the command that rebuilds it. allow_stale turns the
 * refusal into a warning. previous: fw is the image the last install
 * replaced, judged by the same rule, and the refusal says to roll the tree
 * back rather than rebuild. */
int rs_fw_gate(const char *cmd, const struct rs_board *b, const char *fw, const char *klipper_dir,
	       bool allow_stale, bool previous, bool json);

#endif
