/* `ratos-setup flash --all --after-update`: what the root unit
 * ratos-setup-autoflash@USER.service runs after the user's after-update
 * build succeeded. Off unless /etc/ratos-setup/after-update.conf (root's,
 * core/after_update_conf.h) says auto_flash_usb = yes; then only the boards
 * on USB running Klipper with current firmware (core/autoflash.h), and only
 * when Klipper positively says no print is in progress (core/print_check.h),
 * asked right before Klipper is stopped. Every decision is one line on
 * stdout (the journal) and in ratos-setup's log. */
#ifndef RS_APP_FLASH_AFTER_UPDATE_H
#define RS_APP_FLASH_AFTER_UPDATE_H

#include <stdbool.h>

#include "app/flash_all.h"

#define RS_AFTER_UPDATE_CONF RS_SYSCONFDIR "/ratos-setup/after-update.conf"

/* Before anything is gathered: false when nothing may run, after saying
 * why; *rc is then 0 (the setting is off) or 1 (the file is wrong). */
bool rs_after_update_enabled(const struct flash_all_opts *o, int *rc);
/* Leaves alone (no build, no job) every MCU that cannot be flashed
 * unattended, and says which and why. */
void rs_after_update_limit(struct flash_all *fa);
/* The result lines of the MCUs left alone; marks them done for run_all. */
void rs_after_update_results(struct flash_all *fa, char (*results)[512]);
/* Right before Klipper is stopped (something is to be flashed): true when
 * no print runs; false, after saying why, with *rc 0 (a print is in
 * progress) or 1 (cannot tell). */
bool rs_after_update_may_flash(const struct flash_all *fa, int *rc);

#endif
