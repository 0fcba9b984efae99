/* The after-update settings (/etc/ratos-setup/after-update.conf): what the
 * root unit ratos-setup-autoflash@.service may do after the user's
 * after-update build. The file is root's on purpose: turning the setting on
 * lets root stop Klipper and write firmware, so a file the user (or
 * anything running as the user) can write must never be able to.
 *
 * Format, one setting a line:
 *
 *     # a comment
 *     auto_flash_usb = no
 *
 * Keys and values are exact: an unknown key, a value other than yes or no,
 * a key given twice, a line without '=' are errors with file:line:col.
 * Pure: the caller reads the file (platform/root_conf.h). */
#ifndef RS_CORE_AFTER_UPDATE_CONF_H
#define RS_CORE_AFTER_UPDATE_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define RS_AFTER_UPDATE_CONF_MAX_BYTES (64 * 1024)

struct rs_after_update_conf {
	/* Flash the boards on USB running Klipper after the after-update
	 * build (off by default). */
	bool auto_flash_usb;
};

/* Everything off. */
void rs_after_update_conf_defaults(struct rs_after_update_conf *c);
/* Parses text (len bytes; file names it in errors). On success fills *out
 * (keys not given keep their default) and returns true; on any error adds
 * every error found to errs and leaves *out untouched. */
bool rs_after_update_conf_parse(const char *text, size_t len, const char *file,
				struct rs_after_update_conf *out, struct rs_errors *errs);

#endif
