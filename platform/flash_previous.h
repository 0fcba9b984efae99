/* `flash BOARD --previous`: the kept previous firmware (platform/fw_previous.h)
 * put back over a flash route. Klipper's `make flash` writes OUT's image
 * (and rebuilds it first when the tree changed), so for the previous image
 * the routes run what make flash runs, with that image's path, as Klipper's
 * src/<mcu>/Makefile says:
 *
 *   stm32    python3 ./scripts/flash_usb.py -t MCU -d DEVICE
 *            -s FLASH_APPLICATION_ADDRESS [--no-sudo] IMAGE
 *   rp2040   python3 ./scripts/flash_usb.py -t MCU -d DEVICE [--no-sudo] IMAGE
 *            (the .uf2, or the .bin when a bootloader is configured)
 *   lpc176x  python3 ./scripts/flash_usb.py -t MCU -d DEVICE [--no-sudo] IMAGE
 *   avr      avrdude -pMCU -cAVRDUDE_PROTOCOL -PDEVICE -D -Uflash:w:IMAGE:i
 *   remote   scripts/flash-sdcard.sh -f IMAGE DEVICE BOARD (no -d: OUT's
 *            klipper.dict is the current build's, not this image's)
 *
 * with the settings of the board's build config (KCONFIG_CONFIG), and the
 * helper make flash builds first (lib/rp2040_flash, lib/hidflash) built
 * the same way when it is missing. Before any of it the image must be for
 * the board's MCU and, when the tree's version is known, built from it. */
#ifndef RS_PLATFORM_FLASH_PREVIOUS_H
#define RS_PLATFORM_FLASH_PREVIOUS_H

#include <stdbool.h>

#include "platform/flash_job.h"
#include "platform/fw_previous.h"

/* The route writes p's image instead of OUT's build (p is copied). */
void rs_flash_ctx_use_previous(struct rs_flash_ctx *c, const struct rs_fw_previous *p);

/* The file the route writes: the previous .bin/.hex, or its .uf2 for an
 * RP2040 without a bootloader; NULL (with *why) when it cannot be told. */
const char *rs_flash_previous_image(const struct rs_flash_ctx *c, const char **why);

/* What make flash runs for the board's MCU, writing the previous image to
 * device (a by-id link, or 0483:df11 for DFU). */
bool rs_flash_previous_argv(struct rs_flash_ctx *c, const char *device, struct rs_strv *argv,
			    struct rs_proc_opts *po, struct rs_status *fail);

/* make flash's first prerequisite, the flashing helper of Klipper's tree
 * (lib/rp2040_flash/rp2040_flash, lib/hidflash/hid-flash), built with the
 * make -C make flash runs when it is missing. */
bool rs_flash_previous_tools_wanted(const void *ctx);
bool rs_flash_previous_tools_argv(void *ctx, struct rs_strv *argv, struct rs_proc_opts *po,
				  struct rs_status *fail);

/* The first step for the previous image (instead of checking OUT). */
struct rs_job_verdict rs_flash_previous_check(struct rs_flash_ctx *c, struct rs_job_progress *p);

#endif
