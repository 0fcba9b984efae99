/* The words of the firmware build screen: the target summary and the panels
 * shown when a build ends (built, up to date, failed, cancelled), including
 * how to flash boards that do not take the firmware from an SD card.
 * Internal to screens/. */
#ifndef RS_SCREENS_FIRMWARE_TEXT_H
#define RS_SCREENS_FIRMWARE_TEXT_H

#include <stddef.h>

#include "core/board.h"
#include "platform/fwbuild.h"

/* "stm32f429xx, 32 KiB bootloader, 8 MHz crystal, USB on PA11/PA12". */
void rs_fwtext_target(const struct rs_board *b, char *buf, size_t len);

/* m:ss, or h:mm:ss from an hour on (at most 99:59:59); len >= 32. */
void rs_fwtext_clock(long seconds, char *buf, size_t len);

/* The panel for a finished build, '\n'-separated paragraphs; next_title is
 * where Next leads (NULL: it finishes the wizard). Caller frees. */
char *rs_fwtext_result(const struct rs_board *b, const struct rs_fwbuild_result *r,
		       const char *next_title);

#endif
