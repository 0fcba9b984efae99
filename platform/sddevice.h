/* The two things about a card's block device that must be done one way only:
 * opening it, and deciding whether it may be used at all. Discovery, the SD
 * commands and the wizard all come through here, so a disk refused in one
 * place is refused in every place. */
#ifndef RS_PLATFORM_SDDEVICE_H
#define RS_PLATFORM_SDDEVICE_H

#include <stdbool.h>

#include "core/hw.h"

/* Opens a card, a card's partition or an image file: the one place the SD
 * code calls open() on a device path, so that it can be given root's
 * rights alone. flags as for open(2); O_CLOEXEC is always added. Returns
 * the descriptor, or -1 with errno set. */
int rs_sd_device_open(const char *path, int flags);

/* The disk that block device major:minor belongs to, gathered the way
 * discovery gathers it (udev, the mount table, holders, swap), with
 * discovery's verdict in out->refusal. mountinfo: a mount table describing
 * the system (tests), NULL for this one. *serial gets the card's serial
 * (caller frees; NULL when unknown). False, with *why set (caller frees),
 * when the device cannot be looked up; callers then refuse it. */
bool rs_sd_device_card(unsigned major, unsigned minor, const char *mountinfo,
		       struct rs_hw_card *out, char **serial, char **why);

#endif
