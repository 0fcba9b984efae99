#ifndef RS_APP_FIRST_BOOT_H
#define RS_APP_FIRST_BOOT_H

#include "app/app.h"
#include "screens/screens.h"

/* ratos-setup --first-boot: unless the marker exists, asks on the terminal
 * whether to start the wizard now, later or never; runs it (under the
 * one-instance lock) and writes the marker when it is finished or the answer
 * is "never". Without a terminal it does nothing. Returns an exit code. */
int rs_first_boot_run(struct rs_app *app, struct rs_wizard_options *opts);

#endif
