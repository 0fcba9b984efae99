/* ratos-setup build --configured: firmware for every board the printer uses,
 * for the after-update hook (packaging/systemd). */
#ifndef RS_APP_BUILD_CONFIGURED_H
#define RS_APP_BUILD_CONFIGURED_H

#include <stdbool.h>

#include "app/app.h"
#include "platform/fwbuild.h"

/* Boards: printer.cfg's MCUs mapped as doctor maps them (config: NULL for
 * ~/printer_data/config/printer.cfg), else the wizard's saved board. Each
 * is built quietly (a cache hit costs a few git calls); one line per board
 * on stdout. Exit 0 all built or up to date (or nothing to build), 1 any
 * failure. */
int rs_build_configured(struct rs_app *app, const struct rs_fwbuild_opts *opts,
			const char *config, bool json);

#endif
