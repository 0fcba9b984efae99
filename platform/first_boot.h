/* The first-boot marker: once it exists, `ratos-setup --first-boot` (the
 * tty1 unit and the SSH login offer) never starts the wizard by itself
 * again. One per machine, so the console and SSH agree: the unit's
 * ConditionPathExists= and the profile.d snippet test the same path. */
#ifndef RS_PLATFORM_FIRST_BOOT_H
#define RS_PLATFORM_FIRST_BOOT_H

#include <stdbool.h>

#define RS_FIRST_BOOT_MARKER "/var/lib/ratos-setup/first-boot-done"

/* $RATOS_SETUP_FIRST_BOOT_MARKER when set (absolute), else RS_FIRST_BOOT_MARKER. */
const char *rs_first_boot_marker(void);
bool rs_first_boot_done(void);
/* Creates the marker, recording why ("finished", "never ask again"); true
 * when it exists afterwards, else false with errno set. */
bool rs_first_boot_mark(const char *why);

#endif
