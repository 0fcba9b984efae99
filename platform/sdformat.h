/* Making a card usable by SD bootloaders again: FAT32 with small clusters in
 * the first partition (a new DOS partition table when the card has none or a
 * GPT one). Destructive: callers confirm first, with No as the default. */
#ifndef RS_PLATFORM_SDFORMAT_H
#define RS_PLATFORM_SDFORMAT_H

#include "platform/sdcard.h"

/* Refuses the system disk, mounted cards and write-protected cards. */
enum rs_sd_status rs_sd_format_allowed(const struct rs_sdcard *c, struct rs_errors *errs);
/* Formats (runs mkfs.fat; no shell). label: up to 11 characters. */
enum rs_sd_status rs_sd_format(const struct rs_sdcard *c, const char *label,
			       struct rs_errors *errs);

#endif
