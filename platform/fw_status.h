/* Gathers what core/fw_current.h judges: the firmware file, its dictionary,
 * its build record (.meta) and the Klipper tree's version, and says whether
 * the file is current for the board and the tree. */
#ifndef RS_PLATFORM_FW_STATUS_H
#define RS_PLATFORM_FW_STATUS_H

#include <stdbool.h>

#include "core/board.h"
#include "core/fw_current.h"

struct rs_fw_status {
	struct rs_fw_currency cur;
	char *firmware_path;
	char *image_version;   /* NULL when no file or no dictionary */
	char *image_mcu;
	char *tree_version;    /* NULL when unknown */
	char *built_at;        /* from the record, NULL when none */
	char reason[400];      /* rs_fw_current_reason, "" when current */
};

/* firmware: the file (NULL: the board's firmware-<id>.bin in
 * firmware_binaries); tree_version: the tree's version (NULL: unknown). */
void rs_fw_status_read(const struct rs_board *b, const char *firmware, const char *tree_version,
		       struct rs_fw_status *out);
/* The command that rebuilds it: "ratos-setup build ID[ --klipper DIR]".
 * Caller frees. */
char *rs_fw_status_rebuild_command(const struct rs_board *b, const char *klipper_dir);
void rs_fw_status_free(struct rs_fw_status *s);

#endif
