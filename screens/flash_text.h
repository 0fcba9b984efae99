/* What the route step's run says: the confirmation, the stop question, each
 * step in words, and the result (what happened, the state things are in,
 * what to do). Internal to screens/. */
#ifndef RS_SCREENS_FLASH_TEXT_H
#define RS_SCREENS_FLASH_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "core/flash_route.h"
#include "platform/flash_job.h"
#include "platform/flash_proof.h"
#include "platform/job.h"
#include "platform/klipper_service.h"

void rs_flash_text_confirm(const struct rs_board *b, enum rs_route route, const char *device,
			   bool can_wait, const struct rs_klipper_service *svc, char *buf,
			   size_t len);
/* step: the job's running step (NULL: none yet). */
void rs_flash_text_stop(const struct rs_flash_ctx *c, const char *step, char *buf, size_t len);
/* "make flash", "stopping Klipper", ... for a job step's name. */
const char *rs_flash_text_step(const char *step);
/* The result panel; caller frees. */
char *rs_flash_text_result(const struct rs_flash_ctx *c, const struct rs_job_result *res,
			   const struct rs_flash_proof *proof);
/* The exact command for a terminal of its own (today's advice). */
void rs_flash_text_command(const struct rs_board *b, enum rs_route route, const char *device,
			   char *buf, size_t len);

#endif
