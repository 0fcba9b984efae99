/* "All MCUs in one pass" from the welcome screen: when doctor finds more
 * than one MCU behind the Klipper tree, `a` opens a screen that runs the
 * command line's own `ratos-setup flash --all` as a child of the wizard
 * (platform/flash_all_child.h): first its plan, then, after a question
 * that starts on No, the pass itself with its output live, then the result
 * per MCU. Not a step of the wizard: it goes back to the welcome screen,
 * which reads klippy.log again. Internal to screens/. */
#ifndef RS_SCREENS_FLASH_ALL_H
#define RS_SCREENS_FLASH_ALL_H

#include <stddef.h>

#include "screens/wizard.h"

/* How many MCUs the last Klipper start says need new firmware. */
size_t rs_wizard_mcus_behind(const struct rs_wizard *w);
/* `a` on the welcome screen: opens the screen (the manager's move). */
enum rs_key_result rs_wizard_fix_all(struct rs_wizard *w);

#endif
