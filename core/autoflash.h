/* Which MCUs the after-update flash (auto_flash_usb, core/after_update_conf.h)
 * flashes with nobody at the printer: a board on USB that runs Klipper and
 * is flashed by Klipper's `make flash` over that link (the usb route), whose
 * built firmware is current (core/fw_current.h). Everything that needs hands
 * or another route (a card, DFU's BOOT0 jumper, the remote SD's power cycle,
 * a board marked for flashing by hand, RP2040 BOOTSEL, Katapult, CAN, the
 * Pi's own MCU, an unknown board) is left alone, with why, for
 * `ratos-setup flash --all` run by a person. Pure. */
#ifndef RS_CORE_AUTOFLASH_H
#define RS_CORE_AUTOFLASH_H

#include <stddef.h>

#include "core/mcu_plan.h"

enum rs_autoflash_pick {
	RS_AUTOFLASH_FLASH,      /* flash it now */
	RS_AUTOFLASH_CURRENT,    /* runs the tree's version: nothing to do */
	RS_AUTOFLASH_LEFT_ALONE, /* needs a person: why says what to run */
};

enum rs_autoflash_pick rs_autoflash_pick(const struct rs_mcu_plan_item *it, char *why,
					 size_t len);

#endif
