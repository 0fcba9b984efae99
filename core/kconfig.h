/* Klipper Kconfig: the fragment a board's build starts from. */
#ifndef RS_CORE_KCONFIG_H
#define RS_CORE_KCONFIG_H

#include "core/board.h"

/* The board's Klipper lines, then the USB serial lines RatOS uses so the
 * board appears as /dev/serial/by-id/usb-Klipper_<mcu>_<serial>-if00. */
void rs_kconfig_fragment(const struct rs_board *b, struct rs_strv *lines);

#endif
