/* Waiting, in a job's child step, for a board to show up on USB as udev
 * reports it (platform/discovery): in the STM32 ROM bootloader, back running
 * Klipper, or gone and back (a power cycle). Lines go to stdout: the job's
 * output. Exit 0 when it happened, 1 on timeout, 2 when udev cannot be
 * read. */
#ifndef RS_PLATFORM_FLASH_WAIT_H
#define RS_PLATFORM_FLASH_WAIT_H

#include "core/board.h"

enum rs_flash_wait_for {
	RS_WAIT_DFU,        /* 0483:df11 present */
	RS_WAIT_BACK,       /* the board present running Klipper */
	RS_WAIT_POWER_CYCLE /* the board gone, then back */
};

/* device: the board's by-id link, or NULL to find it by serial or MCU.
 * prompt (NULL: none) is printed once the watch is open: what the user does
 * after reading it, even at once, is seen. */
int rs_flash_wait(enum rs_flash_wait_for what, const struct rs_board *b, const char *device,
		  int seconds, const char *prompt);

#endif
