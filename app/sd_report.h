/* What `ratos-setup sdcard` prints: failures, the write and its next steps,
 * the check's verdict; each as text or, with --json, as one JSON document
 * on stdout. */
#ifndef RS_APP_SD_REPORT_H
#define RS_APP_SD_REPORT_H

#include <stdbool.h>

#include "core/board.h"
#include "core/error.h"
#include "core/fwinfo.h"
#include "platform/sdwrite.h"

/* The messages on stderr, or {"ok": false, ...} on stdout; returns rc. */
int rs_sd_report_fail(bool json, enum rs_sd_status st, const struct rs_errors *errs, int rc);
/* For rs_sd_progress: one line per step on stdout. */
void rs_sd_report_progress(void *ud, enum rs_sd_step step, const char *detail);
/* fw (described by info) was written to c and read back. */
void rs_sd_report_written(bool json, const struct rs_board *b, const struct rs_sdcard *c,
			  const char *fw, const struct rs_fwinfo *info,
			  const struct rs_sd_write_result *res, bool large);
/* What the check of c found; fw is the firmware it was compared with. */
void rs_sd_report_checked(bool json, const struct rs_board *b, const struct rs_sdcard *c,
			  const char *fw, const struct rs_sdcheck_result *res);

#endif
